/*++
/* NAME
/*	testlib 3
/* SUMMARY
/*	helpers shared by the libcheck suites
/* SYNOPSIS
/*	#include "testlib.h"
/*
/*	void	test_msg_capture()
/*	const char *test_msg_log()
/*	void	test_msg_clear()
/*	int	test_msg_contains(text)
/*
/*	char	*test_tmpdir(label)
/*	void	test_rmdir(path)
/*	void	test_write_file(dir, name, content)
/*
/*	int	test_run_suite(suite)
/*
/*	const char *test_topdir()
/*
/*	const char *test_read_file(buf, path)
/*	VSTRING	*buf;
/*	const char *path;
/*
/*	void	test_sleep_ms(ms)
/*	int	ms;
/*
/*	const char *test_daemon_path()
/*
/*	int	test_wait_pid(pid, status, timeout_ms)
/*	pid_t	pid;
/*	int	*status;
/*	long long timeout_ms;
/*
/*	int	test_unix_connect(path, nonblock)
/*	const char *path;
/*	int	nonblock;
/*
/*	int	test_unix_listen(path)
/*	const char *path;
/*
/*	int	test_write(fd, data, len)
/*	int	fd;
/*	const char *data;
/*	ssize_t	len;
/*
/*	void	test_write_all(fd, data, len)
/*	int	fd;
/*	const char *data;
/*	ssize_t	len;
/*
/*	int	test_read_more(fd, buf, deadline)
/*	int	fd;
/*	VSTRING	*buf;
/*	long long deadline;
/* DESCRIPTION
/*	test_msg_capture() makes msg(3) append every message, as
/*	"severity: text\\n" (info without prefix), to an in-memory log
/*	instead of standard error, and makes msg_fatal() exit at once
/*	(no sleep). test_msg_log() returns the log so far,
/*	test_msg_clear() empties it, and test_msg_contains() is true when
/*	the log contains the text.
/*
/*	test_tmpdir() creates a fresh private directory under tests/tmp
/*	(or $TMPDIR) and returns its path (myfree() it); test_rmdir()
/*	removes it with everything in it. test_write_file() writes a file.
/*
/*	test_run_suite() runs a suite with libcheck's standard output
/*	(the summary line is what the test runner reads) and returns the
/*	exit status: 0 when everything passed and at least one check ran.
/*
/*	test_topdir() is the top of the source tree (the parent of the
/*	tests directory, found from $GREYLIST_TOPDIR or the current
/*	directory).
/*
/*	test_read_file() reads the whole file into \fIbuf\fR and returns
/*	its text; the text is empty when the file cannot be opened (a log
/*	file that a daemon has not created yet). test_sleep_ms() naps.
/*
/*	test_daemon_path() is the greylistd(8) program to run: the newer
/*	of $GREYLIST_TOPDIR/libexec/greylistd (make) and
/*	$GREYLIST_TOPDIR/greylistd/greylistd (a build in the source
/*	directory). The test fails when there is neither; call it before
/*	fork(), not in the child. The result is overwritten by the next
/*	call, and freed by test_run_suite().
/*
/*	test_wait_pid() reaps the child process \fIpid\fR within
/*	\fItimeout_ms\fR: the result is 1 when it ended (its wait status
/*	is stored unless \fIstatus\fR is a null pointer), 0 when it is
/*	still running at the deadline. A waitpid() error fails the test.
/*
/*	test_unix_connect() connects to the UNIX-domain stream socket
/*	\fIpath\fR (close-on-exec, optionally non-blocking) and returns
/*	the descriptor, or -1 with errno set when nobody listens there.
/*	test_unix_listen() creates (first removing what is there) a
/*	listening UNIX-domain socket, mode 0666, as master(8) makes them,
/*	and returns the descriptor (close-on-exec).
/*
/*	test_write() writes \fIlen\fR bytes (the string length when
/*	\fIlen\fR is negative) without SIGPIPE; the result is 1 when
/*	everything was written, 0 when the peer is gone (EPIPE or
/*	ECONNRESET). test_write_all() does the same and fails the test
/*	when the peer is gone. Other write errors fail the test.
/*
/*	test_read_more() waits until \fIfd\fR has input, the peer closes
/*	the connection, or the \fIdeadline\fR (a unit_now_ms() time)
/*	passes, and appends to \fIbuf\fR what one read returns. The
/*	result is the number of bytes appended, 0 at the end of input
/*	(or after a read error), or -1 at the deadline.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#include <sys_defs.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include "testlib.h"
#include "unitlib.h"

static VSTRING *test_log;
static VSTRING *test_daemon;		/* test_daemon_path() result */

/* test_msg_print - capture handler */

static void test_msg_print(int level, const char *text)
{
    if (test_log == 0)
	test_log = vstring_alloc(256);
    if (level != MSG_INFO)
	vstring_sprintf_append(test_log, "%s: ", msg_severity_name(level));
    vstring_sprintf_append(test_log, "%s\n", text);
    if (getenv("TEST_MSG_ECHO"))
	fprintf(stderr, "[msg] %s: %s\n", msg_severity_name(level), text);
}

void    test_msg_capture(void)
{
    msg_output_reset();
    msg_output(test_msg_print);
    msg_fatal_sleep = 0;
    if (test_log == 0)
	test_log = vstring_alloc(256);
    VSTRING_RESET(test_log);
    VSTRING_TERMINATE(test_log);
}

const char *test_msg_log(void)
{
    if (test_log == 0)
	test_log = vstring_alloc(256);
    return (vstring_str(test_log));
}

void    test_msg_clear(void)
{
    if (test_log) {
	VSTRING_RESET(test_log);
	VSTRING_TERMINATE(test_log);
    }
}

int     test_msg_contains(const char *text)
{
    return (strstr(test_msg_log(), text) != 0);
}

const char *test_topdir(void)
{
    const char *top = getenv("GREYLIST_TOPDIR");

    return (top ? top : "..");
}

char   *test_tmpdir(const char *label)
{
    VSTRING *path = vstring_alloc(100);
    const char *base = getenv("TMPDIR");

    if (base == 0 || *base == 0)
	base = "/tmp";
    vstring_sprintf(path, "%s/greylist-test-%s-XXXXXX", base, label);
    if (mkdtemp(vstring_str(path)) == 0)
	msg_fatal("mkdtemp %s: %m", vstring_str(path));
    if (chmod(vstring_str(path), 0755) < 0)
	msg_fatal("chmod %s: %m", vstring_str(path));
    return (vstring_export(path));
}

void    test_rmdir(const char *path)
{
    VSTRING *cmd = vstring_alloc(100);

    if (strstr(path, "greylist-test-") == 0)
	msg_panic("test_rmdir: refusing to remove %s", path);
    vstring_sprintf(cmd, "rm -rf '%s'", path);
    if (system(vstring_str(cmd)) != 0)
	msg_warn("could not remove %s", path);
    vstring_free(cmd);
}

void    test_write_file(const char *dir, const char *name, const char *content)
{
    VSTRING *path = vstring_alloc(100);
    FILE   *fp;

    vstring_sprintf(path, "%s/%s", dir, name);
    if ((fp = fopen(vstring_str(path), "w")) == 0)
	msg_fatal("open %s: %m", vstring_str(path));
    fputs(content, fp);
    if (fclose(fp) != 0)
	msg_fatal("write %s: %m", vstring_str(path));
    vstring_free(path);
}

int     test_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int     nfailed;
    int     nrun;

    srunner_run_all(sr, CK_ENV);
    nfailed = srunner_ntests_failed(sr);
    nrun = srunner_ntests_run(sr);
    srunner_free(sr);
    if (nrun == 0) {
	fprintf(stderr, "no checks were run\n");
	return (1);
    }
    if (test_log)
	test_log = vstring_free(test_log);
    if (test_daemon)
	test_daemon = vstring_free(test_daemon);
    return (nfailed ? 1 : 0);
}

/* test_read_file - the whole file */

const char *test_read_file(VSTRING *buf, const char *path)
{
    char    chunk[8192];
    ssize_t n;
    int     fd;

    VSTRING_RESET(buf);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
	    vstring_memcat(buf, chunk, n);
	(void) close(fd);
    }
    VSTRING_TERMINATE(buf);
    return (vstring_str(buf));
}

/* test_sleep_ms - nap */

void    test_sleep_ms(int ms)
{
    (void) poll((struct pollfd *) 0, 0, ms);
}

/* test_daemon_path - the newest daemon binary */

const char *test_daemon_path(void)
{
    VSTRING *other = vstring_alloc(100);
    struct stat st1;
    struct stat st2;
    int     ok1;
    int     ok2;

    if (test_daemon == 0)
	test_daemon = vstring_alloc(100);
    vstring_sprintf(test_daemon, "%s/libexec/greylistd", test_topdir());
    vstring_sprintf(other, "%s/greylistd/greylistd", test_topdir());
    ok1 = (stat(vstring_str(test_daemon), &st1) == 0);
    ok2 = (stat(vstring_str(other), &st2) == 0);
    if (ok2 && (!ok1 || st2.st_mtime > st1.st_mtime))
	vstring_strcpy(test_daemon, vstring_str(other));
    else if (!ok1)
	ck_abort_msg("no daemon: %s or %s", vstring_str(test_daemon),
		     vstring_str(other));
    vstring_free(other);
    return (vstring_str(test_daemon));
}

/* test_wait_pid - reap a child within a deadline */

int     test_wait_pid(pid_t pid, int *status, long long timeout_ms)
{
    long long deadline = unit_now_ms() + timeout_ms;
    pid_t   ret;
    int     junk;

    if (status == 0)
	status = &junk;
    for (;;) {
	if ((ret = waitpid(pid, status, WNOHANG)) == pid)
	    return (1);
	if (ret < 0 && errno != EINTR)
	    ck_abort_msg("waitpid %ld: %s", (long) pid, strerror(errno));
	if (unit_now_ms() >= deadline)
	    return (0);
	test_sleep_ms(5);
    }
}

/* test_unix_address - fill in a UNIX-domain socket address */

static void test_unix_address(struct sockaddr_un *sun, const char *path)
{
    memset((void *) sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun->sun_path))
	ck_abort_msg("socket path too long: %s", path);
    strcpy(sun->sun_path, path);
}

/* test_unix_connect - a client connection, or -1 */

int     test_unix_connect(const char *path, int nonblock)
{
    struct sockaddr_un sun;
    int     fd;
    int     saved_errno;

    test_unix_address(&sun, path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC
		     | (nonblock ? SOCK_NONBLOCK : 0), 0)) < 0)
	ck_abort_msg("socket: %s", strerror(errno));
    if (connect(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0) {
	saved_errno = errno;
	(void) close(fd);
	errno = saved_errno;
	return (-1);
    }
    return (fd);
}

/* test_unix_listen - a listening socket, as master makes them */

int     test_unix_listen(const char *path)
{
    struct sockaddr_un sun;
    int     fd;

    test_unix_address(&sun, path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
	ck_abort_msg("socket: %s", strerror(errno));
    (void) unlink(path);
    if (bind(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0
	|| listen(fd, 64) < 0)
	ck_abort_msg("bind/listen %s: %s", path, strerror(errno));
    (void) chmod(path, 0666);
    return (fd);
}

/* test_write - write everything; 0 when the peer is gone */

int     test_write(int fd, const char *data, ssize_t len)
{
    ssize_t n;

    if (len < 0)
	len = strlen(data);
    while (len > 0) {
	if ((n = send(fd, data, len, MSG_NOSIGNAL)) < 0 && errno == ENOTSOCK)
	    n = write(fd, data, len);		/* a pipe */
	if (n < 0) {
	    if (errno == EINTR)
		continue;
	    if (errno == EPIPE || errno == ECONNRESET)
		return (0);
	    ck_abort_msg("write: %s", strerror(errno));
	}
	data += n;
	len -= n;
    }
    return (1);
}

/* test_write_all - write everything, or fail */

void    test_write_all(int fd, const char *data, ssize_t len)
{
    if (!test_write(fd, data, len))
	ck_abort_msg("write: %s", strerror(errno));
}

/* test_read_more - wait for input and append it */

int     test_read_more(int fd, VSTRING *buf, long long deadline)
{
    struct pollfd pfd;
    char    chunk[16384];
    long long left;
    ssize_t n;

    for (;;) {
	if ((left = deadline - unit_now_ms()) <= 0)
	    return (-1);
	pfd.fd = fd;
	pfd.events = POLLIN;
	if ((n = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int) left)) < 0
	    && errno != EINTR)
	    ck_abort_msg("poll: %s", strerror(errno));
	if (n <= 0)
	    continue;
	if ((n = read(fd, chunk, sizeof(chunk))) > 0) {
	    vstring_memcat(buf, chunk, n);
	    VSTRING_TERMINATE(buf);
	    return ((int) n);
	}
	if (n == 0 || (errno != EAGAIN && errno != EINTR))
	    return (0);
    }
}
