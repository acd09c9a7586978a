/*++
/* NAME
/*	vstream 3
/* SUMMARY
/*	buffered, time-limited I/O on a file descriptor
/* SYNOPSIS
/*	#include <vstream.h>
/*
/*	VSTREAM	*vstream_fdopen(fd, name)
/*	int	fd;
/*	const char *name;
/*
/*	VSTREAM	*vstream_fdopen2(read_fd, write_fd, name)
/*	int	read_fd;
/*	int	write_fd;
/*	const char *name;
/*
/*	VSTREAM	*vstream_memopen(buf, mode)
/*	VSTRING	*buf;
/*	int	mode;
/*
/*	int	vstream_fclose(vp)
/*	VSTREAM	*vp;
/*
/*	void	vstream_set_timeout(vp, millisecs)
/*	VSTREAM	*vp;
/*	int	millisecs;
/*
/*	ssize_t	vstream_fill(vp, wait)
/*	VSTREAM	*vp;
/*	int	wait;
/*
/*	int	vstream_getline(vp, line, maxlen, wait)
/*	VSTREAM	*vp;
/*	VSTRING	*line;
/*	ssize_t	maxlen;
/*	int	wait;
/*
/*	ssize_t	vstream_fread(vp, buf, len, wait)
/*	VSTREAM	*vp;
/*	void	*buf;
/*	ssize_t	len;
/*	int	wait;
/*
/*	void	vstream_fwrite(vp, buf, len)
/*	void	vstream_fputs(vp, str)
/*	void	vstream_fprintf(vp, format, ...)
/*
/*	int	vstream_fflush(vp)
/*	int	vstream_fflush_nowait(vp)
/*
/*	int	vstream_feof(vp)
/*	int	vstream_ferror(vp)
/*	int	vstream_ftimeout(vp)
/*	void	vstream_clearerr(vp)
/*	ssize_t	vstream_bufcount(vp)
/*	ssize_t	vstream_wpending(vp)
/* DESCRIPTION
/*	A VSTREAM buffers input from and output to a file descriptor that
/*	may be blocking or non-blocking. Every wait for input or output
/*	is bounded by the stream's timeout, and every line read is bounded
/*	by the caller's limit, so a peer that sends endless data or none
/*	at all cannot hold the program.
/*
/*	vstream_fdopen() wraps a descriptor; the stream owns it from then
/*	on. vstream_fdopen2() reads from one descriptor and writes to
/*	another (standard input and output); both are closed with the
/*	stream. vstream_memopen() creates a memory stream: with mode O_RDONLY
/*	it reads the content of buf (a copy is taken), with O_WRONLY
/*	output is appended to buf when the stream is flushed.
/*
/*	vstream_fclose() flushes pending output (with the timeout),
/*	closes the descriptor and frees the stream. The result is 0, or
/*	-1 when output was lost.
/*
/*	vstream_set_timeout() sets the limit for each wait in
/*	milliseconds; 0 means wait forever.
/*
/*	vstream_fill() reads more input into the buffer. With
/*	VSTREAM_WAIT it waits up to the timeout; with VSTREAM_NOWAIT it
/*	takes only what the kernel has now. The result is the number of
/*	bytes read, 0 at end of input, or -1 with errno EAGAIN when
/*	nothing is available yet (VSTREAM_NOWAIT), ETIMEDOUT when the
/*	deadline passed, or the read error.
/*
/*	vstream_getline() appends to \fIline\fR the input up to and
/*	excluding the next newline. A partial line stays in \fIline\fR,
/*	so that the call can be repeated when more input arrives; reset
/*	\fIline\fR only after VSTREAM_LINE_OK. It returns VSTREAM_LINE_OK
/*	for a complete line, VSTREAM_LINE_AGAIN when the input ends in
/*	the middle of a line (VSTREAM_NOWAIT only), VSTREAM_LINE_TOOLONG
/*	when \fIline\fR reaches \fImaxlen\fR bytes without a newline,
/*	VSTREAM_LINE_EOF at end of input (a partial line is left in
/*	\fIline\fR) and VSTREAM_LINE_ERROR on a read error or timeout.
/*
/*	vstream_fread() reads up to len bytes, buffered ones first.
/*
/*	vstream_fwrite(), vstream_fputs() and vstream_fprintf() append to
/*	the output buffer; nothing is written until a flush.
/*	vstream_fflush() writes all pending output, waiting up to the
/*	timeout whenever the peer does not take it; it returns 0, or -1
/*	on error or timeout. vstream_fflush_nowait() writes what the
/*	kernel takes now and returns 0 when nothing is left, 1 when
/*	output is still pending, -1 on error.
/*
/*	vstream_feof(), vstream_ferror() and vstream_ftimeout() report
/*	the sticky end-of-input, error (including timeout) and timeout
/*	flags; vstream_clearerr() resets them. vstream_bufcount() is the
/*	number of buffered input bytes, vstream_wpending() the number of
/*	output bytes not yet written.
/* DIAGNOSTICS
/*	Panics: interface violations. Fatal errors: out of memory.
/* BUGS
/*	The deadline and VSTREAM_NOWAIT are honoured on a blocking
/*	descriptor only when it is a socket (each transfer asks for
/*	MSG_DONTWAIT); a blocking pipe can still block. Make such
/*	descriptors non-blocking.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <vstream.h>

#define VSTREAM_BUFSIZE	8192

/* vstream_now_ms - monotonic clock in milliseconds */

static long long vstream_now_ms(void)
{
    struct timespec ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* vstream_read - read that does not block, even on a blocking socket */

static ssize_t vstream_read(int fd, void *buf, size_t len)
{
    ssize_t n;

    if ((n = recv(fd, buf, len, MSG_DONTWAIT)) < 0 && errno == ENOTSOCK)
	n = read(fd, buf, len);
    return (n);
}

/* vstream_write - write that does not block, even on a blocking socket */

static ssize_t vstream_write(int fd, const void *buf, size_t len)
{
    ssize_t n;

    if ((n = send(fd, buf, len, MSG_DONTWAIT)) < 0 && errno == ENOTSOCK)
	n = write(fd, buf, len);
    return (n);
}

/* vstream_create - common constructor */

static VSTREAM *vstream_create(int fd, const char *name)
{
    VSTREAM *vp = (VSTREAM *) mymalloc(sizeof(*vp));

    vp->fd = fd;
    vp->wfd = fd;
    vp->flags = 0;
    vp->name = mystrdup(name);
    vp->rbuf = 0;
    vp->rsize = 0;
    vp->rpos = vp->rlen = 0;
    vp->wbuf = vstring_alloc(256);
    vp->wpos = 0;
    vp->timeout = 0;
    vp->mem = 0;
    vp->context = 0;
    return (vp);
}

/* vstream_fdopen - wrap a descriptor */

VSTREAM *vstream_fdopen(int fd, const char *name)
{
    VSTREAM *vp;

    if (fd < 0)
	msg_panic("vstream_fdopen: bad file descriptor %d", fd);
    vp = vstream_create(fd, name);
    vp->rsize = VSTREAM_BUFSIZE;
    vp->rbuf = (char *) mymalloc(vp->rsize);
    return (vp);
}

/* vstream_fdopen2 - separate input and output descriptors */

VSTREAM *vstream_fdopen2(int read_fd, int write_fd, const char *name)
{
    VSTREAM *vp = vstream_fdopen(read_fd, name);

    if (write_fd < 0)
	msg_panic("vstream_fdopen2: bad file descriptor %d", write_fd);
    vp->wfd = write_fd;
    return (vp);
}

/* vstream_memopen - stream over memory */

VSTREAM *vstream_memopen(VSTRING *buf, int mode)
{
    VSTREAM *vp = vstream_create(-1, "memory stream");

    vp->flags |= VSTREAM_FLAG_MEMORY;
    if (mode == O_RDONLY) {
	vp->rsize = VSTRING_LEN(buf) > 0 ? VSTRING_LEN(buf) : 1;
	vp->rbuf = (char *) mymalloc(vp->rsize);
	memcpy(vp->rbuf, vstring_str(buf), VSTRING_LEN(buf));
	vp->rlen = VSTRING_LEN(buf);
    } else if (mode == O_WRONLY) {
	vp->mem = buf;
    } else {
	msg_panic("vstream_memopen: bad mode %d", mode);
    }
    return (vp);
}

/* vstream_fclose - flush, close, destroy */

int     vstream_fclose(VSTREAM *vp)
{
    int     err = 0;

    if (vstream_wpending(vp) > 0 && vstream_fflush(vp) < 0)
	err = -1;
    if (vp->fd >= 0 && close(vp->fd) < 0)
	err = -1;
    if (vp->wfd >= 0 && vp->wfd != vp->fd && close(vp->wfd) < 0)
	err = -1;
    if (vp->rbuf)
	myfree(vp->rbuf);
    vstring_free(vp->wbuf);
    myfree(vp->name);
    myfree((void *) vp);
    return (err);
}

/* vstream_set_timeout - set wait limit */

void    vstream_set_timeout(VSTREAM *vp, int millisecs)
{
    if (millisecs < 0)
	msg_panic("vstream_set_timeout: bad timeout %d", millisecs);
    vp->timeout = millisecs;
}

/* vstream_wait - wait for readiness within the deadline */

static int vstream_wait(VSTREAM *vp, int fd, short events, long long deadline)
{
    struct pollfd pfd;
    int     wait_ms;
    int     n;

    for (;;) {
	if (vp->timeout > 0) {
	    wait_ms = (int) (deadline - vstream_now_ms());
	    if (wait_ms <= 0) {
		vp->flags |= VSTREAM_FLAG_TIMEOUT;
		errno = ETIMEDOUT;
		return (-1);
	    }
	} else {
	    wait_ms = -1;
	}
	pfd.fd = fd;
	pfd.events = events;
	pfd.revents = 0;
	if ((n = poll(&pfd, 1, wait_ms)) < 0) {
	    if (errno == EINTR)
		continue;
	    vp->flags |= VSTREAM_FLAG_ERR;
	    return (-1);
	}
	if (n > 0)
	    return (0);
    }
}

/* vstream_fill - read more input into the buffer */

ssize_t vstream_fill(VSTREAM *vp, int wait)
{
    long long deadline = 0;
    ssize_t n;

    if (vp->flags & VSTREAM_FLAG_MEMORY) {
	if (vstream_bufcount(vp) > 0)
	    return (vstream_bufcount(vp));
	vp->flags |= VSTREAM_FLAG_EOF;
	return (0);
    }
    if (vp->rpos > 0) {				/* compact */
	memmove(vp->rbuf, vp->rbuf + vp->rpos, vp->rlen - vp->rpos);
	vp->rlen -= vp->rpos;
	vp->rpos = 0;
    }
    if (vp->rlen >= vp->rsize)
	return (vp->rlen);			/* buffer full */
    if (wait == VSTREAM_WAIT && vp->timeout > 0)
	deadline = vstream_now_ms() + vp->timeout;
    for (;;) {
	n = vstream_read(vp->fd, vp->rbuf + vp->rlen, vp->rsize - vp->rlen);
	if (n > 0) {
	    vp->rlen += n;
	    return (n);
	}
	if (n == 0) {
	    vp->flags |= VSTREAM_FLAG_EOF;
	    return (0);
	}
	if (errno == EINTR)
	    continue;
	if (errno != EAGAIN && errno != EWOULDBLOCK) {
	    vp->flags |= VSTREAM_FLAG_ERR;
	    return (-1);
	}
	if (wait == VSTREAM_NOWAIT)
	    return (-1);			/* errno is EAGAIN */
	if (vstream_wait(vp, vp->fd, POLLIN, deadline) < 0)
	    return (-1);
    }
}

/* vstream_getline - bounded line read */

int     vstream_getline(VSTREAM *vp, VSTRING *line, ssize_t maxlen, int wait)
{
    char   *start;
    char   *nl;
    ssize_t avail;
    ssize_t take;
    ssize_t room;

    if (maxlen < 1)
	msg_panic("vstream_getline: bad length limit %ld", (long) maxlen);
    for (;;) {
	if ((avail = vstream_bufcount(vp)) > 0) {
	    start = vp->rbuf + vp->rpos;
	    room = maxlen - VSTRING_LEN(line);
	    if ((nl = memchr(start, '\n', avail)) != 0 && nl - start <= room) {
		take = nl - start;
		vstring_memcat(line, start, take);
		vp->rpos += take + 1;
		return (VSTREAM_LINE_OK);
	    }
	    take = avail < room ? avail : room;
	    vstring_memcat(line, start, take);
	    vp->rpos += take;
	    if (VSTRING_LEN(line) >= maxlen)
		return (VSTREAM_LINE_TOOLONG);
	}
	if (vp->flags & VSTREAM_FLAG_EOF)
	    return (VSTREAM_LINE_EOF);
	if (vstream_fill(vp, wait) == 0)
	    return (VSTREAM_LINE_EOF);
	if (vstream_bufcount(vp) == 0) {
	    if (errno == EAGAIN && wait == VSTREAM_NOWAIT
		&& !(vp->flags & (VSTREAM_FLAG_ERR | VSTREAM_FLAG_TIMEOUT)))
		return (VSTREAM_LINE_AGAIN);
	    return (VSTREAM_LINE_ERROR);
	}
    }
}

/* vstream_fread - read raw bytes */

ssize_t vstream_fread(VSTREAM *vp, void *buf, ssize_t len, int wait)
{
    ssize_t avail;

    if (len < 0)
	msg_panic("vstream_fread: bad length %ld", (long) len);
    if (vstream_bufcount(vp) == 0 && vstream_fill(vp, wait) <= 0)
	return (vp->flags & VSTREAM_FLAG_EOF ? 0 : -1);
    avail = vstream_bufcount(vp);
    if (len > avail)
	len = avail;
    memcpy(buf, vp->rbuf + vp->rpos, len);
    vp->rpos += len;
    return (len);
}

/* vstream_fwrite - buffer output */

void    vstream_fwrite(VSTREAM *vp, const void *buf, ssize_t len)
{
    if (vp->wpos > 0 && vp->wpos == VSTRING_LEN(vp->wbuf)) {
	VSTRING_RESET(vp->wbuf);
	vp->wpos = 0;
    }
    vstring_memcat(vp->wbuf, buf, len);
}

/* vstream_fputs - buffer a string */

void    vstream_fputs(VSTREAM *vp, const char *str)
{
    vstream_fwrite(vp, str, strlen(str));
}

/* vstream_fprintf - buffer formatted output */

void    vstream_fprintf(VSTREAM *vp, const char *fmt,...)
{
    va_list ap;

    va_start(ap, fmt);
    (void) vstring_vsprintf_append(vp->wbuf, fmt, ap);
    va_end(ap);
}

/* vstream_write_some - write pending output, optionally waiting */

static int vstream_write_some(VSTREAM *vp, int wait)
{
    long long deadline = 0;
    ssize_t n;

    if (vp->flags & VSTREAM_FLAG_MEMORY) {
	if (vp->mem)
	    vstring_memcat(vp->mem, vstring_str(vp->wbuf) + vp->wpos,
			   vstream_wpending(vp));
	VSTRING_RESET(vp->wbuf);
	vp->wpos = 0;
	return (0);
    }
    if (vp->flags & VSTREAM_FLAG_ERR)
	return (-1);
    if (wait == VSTREAM_WAIT && vp->timeout > 0)
	deadline = vstream_now_ms() + vp->timeout;
    while (vstream_wpending(vp) > 0) {
	n = vstream_write(vp->wfd, vstring_str(vp->wbuf) + vp->wpos,
			  vstream_wpending(vp));
	if (n > 0) {
	    vp->wpos += n;
	    continue;
	}
	if (n < 0 && errno == EINTR)
	    continue;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
	    if (wait == VSTREAM_NOWAIT)
		return (1);
	    if (vstream_wait(vp, vp->wfd, POLLOUT, deadline) < 0)
		return (-1);
	    continue;
	}
	vp->flags |= VSTREAM_FLAG_ERR;
	return (-1);
    }
    VSTRING_RESET(vp->wbuf);
    vp->wpos = 0;
    return (0);
}

/* vstream_fflush - write all pending output */

int     vstream_fflush(VSTREAM *vp)
{
    return (vstream_write_some(vp, VSTREAM_WAIT) == 0 ? 0 : -1);
}

/* vstream_fflush_nowait - write what the kernel takes now */

int     vstream_fflush_nowait(VSTREAM *vp)
{
    return (vstream_write_some(vp, VSTREAM_NOWAIT));
}
