/*++
/* NAME
/*	check_vstream 1
/* SUMMARY
/*	vstream(3) unit tests
/* SYNOPSIS
/*	./check_vstream
/* DESCRIPTION
/*	Tests buffered, time-limited I/O: memory streams in both
/*	directions, bounded line reads (a line longer than the limit,
/*	one of exactly the limit, a partial line at end of input, partial
/*	lines with VSTREAM_NOWAIT that complete later), read deadlines
/*	that expire on blocking and non-blocking sockets, output that the
/*	peer does not take (vstream_fflush_nowait() reports pending
/*	output, vstream_fflush() times out), write errors, and the panics
/*	on interface violations.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <vstream.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

/* status_name - printable getline result */

static const char *status_name(int status)
{
    switch (status) {
    case VSTREAM_LINE_OK:
	return ("OK");
    case VSTREAM_LINE_AGAIN:
	return ("AGAIN");
    case VSTREAM_LINE_TOOLONG:
	return ("TOOLONG");
    case VSTREAM_LINE_EOF:
	return ("EOF");
    case VSTREAM_LINE_ERROR:
	return ("ERROR");
    default:
	return ("unknown");
    }
}

 /*
  * Line reads from a memory stream. The transcript has one
  * "STATUS:line|" per vstream_getline() call; the line buffer is reset
  * after OK and TOOLONG, and reading stops at EOF.
  */
static const struct {
    const char *input;
    ssize_t maxlen;
    const char *want;
} line_cases[] = {
    {"a\nbb\n\nccc", 100, "OK:a|OK:bb|OK:|EOF:ccc|"},
    {"abc\n", 100, "OK:abc|EOF:|"},
    {"", 100, "EOF:|"},
    {"\n\n", 1, "OK:|OK:|EOF:|"},
    {"abcde\n", 5, "OK:abcde|EOF:|"},
    {"abcdef\n", 5, "TOOLONG:abcde|OK:f|EOF:|"},
    {"abcdefgh\nij\n", 5, "TOOLONG:abcde|OK:fgh|OK:ij|EOF:|"},
    {"abcde", 5, "TOOLONG:abcde|EOF:|"},
    {"abcdefghijk", 5, "TOOLONG:abcde|TOOLONG:fghij|EOF:k|"},
    {"ab\n", 1, "TOOLONG:a|OK:b|EOF:|"},
    {"a\r\nb c\n", 10, "OK:a\r|OK:b c|EOF:|"},
    {"name=value\n\n", 100, "OK:name=value|OK:|EOF:|"},
};

#define NLINE	(sizeof(line_cases) / sizeof(line_cases[0]))

/* test_mem_lines - table of line reads from memory */

START_TEST(test_mem_lines)
{
    VSTRING *in = vstring_alloc(10);
    VSTRING *line = vstring_alloc(10);
    VSTRING *got = vstring_alloc(100);
    VSTREAM *vp;
    int     status;
    int     calls;

    vstring_strcpy(in, line_cases[_i].input);
    vp = vstream_memopen(in, O_RDONLY);
    for (calls = 0; calls < 20; calls++) {
	status = vstream_getline(vp, line, line_cases[_i].maxlen,
				 VSTREAM_WAIT);
	vstring_sprintf_append(got, "%s:%s|", status_name(status),
			       vstring_str(line));
	if (status == VSTREAM_LINE_TOOLONG)
	    ck_assert_int_eq(VSTRING_LEN(line), line_cases[_i].maxlen);
	if (status != VSTREAM_LINE_OK && status != VSTREAM_LINE_TOOLONG)
	    break;
	VSTRING_RESET(line);
	VSTRING_TERMINATE(line);
    }
    ck_assert_msg(strcmp(vstring_str(got), line_cases[_i].want) == 0,
		  "input \"%s\" limit %ld: got \"%s\", want \"%s\"",
		  line_cases[_i].input, (long) line_cases[_i].maxlen,
		  vstring_str(got), line_cases[_i].want);
    ck_assert(vstream_feof(vp));
    ck_assert(!vstream_ferror(vp));
    ck_assert_int_eq(vstream_fclose(vp), 0);
    vstring_free(in);
    vstring_free(line);
    vstring_free(got);
}
END_TEST

/* test_mem_copy - a read stream takes a copy of its buffer */

START_TEST(test_mem_copy)
{
    VSTRING *in = vstring_alloc(10);
    VSTRING *line = vstring_alloc(10);
    VSTREAM *vp;

    vstring_strcpy(in, "first\n");
    vp = vstream_memopen(in, O_RDONLY);
    vstring_strcpy(in, "changed\n");
    ck_assert_int_eq(vstream_bufcount(vp), 6);
    ck_assert_int_eq(vstream_getline(vp, line, 100, VSTREAM_NOWAIT),
		     VSTREAM_LINE_OK);
    ck_assert_str_eq(vstring_str(line), "first");
    ck_assert_int_eq(vstream_bufcount(vp), 0);
    ck_assert_int_eq(vstream_fill(vp, VSTREAM_WAIT), 0);
    ck_assert(vstream_feof(vp));
    vstream_clearerr(vp);
    ck_assert(!vstream_feof(vp));
    ck_assert_int_eq(vstream_fclose(vp), 0);
    vstring_free(in);
    vstring_free(line);
}
END_TEST

/* test_mem_fread - raw reads from memory */

START_TEST(test_mem_fread)
{
    VSTRING *in = vstring_alloc(10);
    VSTREAM *vp;
    char    buf[100];

    vstring_memcpy(in, "hello\0world", 11);
    vp = vstream_memopen(in, O_RDONLY);
    ck_assert_int_eq(vstream_fread(vp, buf, 5, VSTREAM_WAIT), 5);
    ck_assert_mem_eq(buf, "hello", 5);
    ck_assert_int_eq(vstream_fread(vp, buf, 0, VSTREAM_WAIT), 0);
    ck_assert_int_eq(vstream_fread(vp, buf, sizeof(buf), VSTREAM_WAIT), 6);
    ck_assert_mem_eq(buf, "\0world", 6);
    ck_assert(!vstream_feof(vp));
    ck_assert_int_eq(vstream_fread(vp, buf, sizeof(buf), VSTREAM_WAIT), 0);
    ck_assert(vstream_feof(vp));
    ck_assert_int_eq(vstream_fclose(vp), 0);
    vstring_free(in);
}
END_TEST

/* test_mem_write - output is appended to the buffer at flush time */

START_TEST(test_mem_write)
{
    VSTRING *out = vstring_alloc(10);
    VSTREAM *vp;

    vstring_strcpy(out, "old:");
    vp = vstream_memopen(out, O_WRONLY);
    ck_assert_int_eq(vstream_fileno(vp), -1);
    ck_assert_str_eq(vstream_name(vp), "memory stream");
    vstream_fputs(vp, "action=");
    vstream_fprintf(vp, "%s %d", "DEFER", 450);
    vstream_fwrite(vp, "\n\0x", 3);
    ck_assert_int_eq(vstream_wpending(vp), 19);
    ck_assert_str_eq(vstring_str(out), "old:");
    ck_assert_int_eq(vstream_fflush(vp), 0);
    ck_assert_int_eq(vstream_wpending(vp), 0);
    ck_assert_int_eq(VSTRING_LEN(out), 23);
    ck_assert_mem_eq(vstring_str(out), "old:action=DEFER 450\n\0x", 23);

    vstream_fputs(vp, "more");
    ck_assert_int_eq(vstream_fflush_nowait(vp), 0);
    ck_assert_int_eq(VSTRING_LEN(out), 27);
    vstream_fputs(vp, "+last");
    ck_assert_int_eq(vstream_fclose(vp), 0);
    ck_assert_int_eq(VSTRING_LEN(out), 32);
    ck_assert_str_eq(vstring_str(out) + 23, "more+last");
    vstring_free(out);
}
END_TEST

/* test_mem_roundtrip - what one memory stream writes, another reads */

START_TEST(test_mem_roundtrip)
{
    VSTRING *buf = vstring_alloc(10);
    VSTRING *line = vstring_alloc(10);
    VSTREAM *vp;
    int     i;

    vp = vstream_memopen(buf, O_WRONLY);
    for (i = 0; i < 1000; i++)
	vstream_fprintf(vp, "line %d\n", i);
    ck_assert_int_eq(vstream_fclose(vp), 0);

    vp = vstream_memopen(buf, O_RDONLY);
    for (i = 0; i < 1000; i++) {
	VSTRING_RESET(line);
	ck_assert_int_eq(vstream_getline(vp, line, 20, VSTREAM_WAIT),
			 VSTREAM_LINE_OK);
	VSTRING_TERMINATE(line);
	ck_assert_int_eq(atoi(vstring_str(line) + 5), i);
    }
    VSTRING_RESET(line);
    ck_assert_int_eq(vstream_getline(vp, line, 20, VSTREAM_WAIT),
		     VSTREAM_LINE_EOF);
    ck_assert_int_eq(vstream_fclose(vp), 0);
    vstring_free(buf);
    vstring_free(line);
}
END_TEST

/* test_deadline - a read deadline expires (blocking and non-blocking) */

START_TEST(test_deadline)
{
    int     fds[2];
    VSTREAM *vp;
    VSTRING *line = vstring_alloc(10);
    long long start;
    long long elapsed;
    int     status;

    unit_socketpair(fds, _i);
    vp = vstream_fdopen(fds[0], "deadline");
    vstream_set_timeout(vp, 200);
    start = unit_now_ms();
    status = vstream_getline(vp, line, 100, VSTREAM_WAIT);
    elapsed = unit_now_ms() - start;
    ck_assert_msg(status == VSTREAM_LINE_ERROR, "got %s, want ERROR",
		  status_name(status));
    ck_assert(vstream_ftimeout(vp));
    ck_assert(vstream_ferror(vp));
    ck_assert(!vstream_feof(vp));
    ck_assert_msg(elapsed >= 150 && elapsed < 2000 * unit_slack(),
		  "%s socket: got %lld ms, want 150..2000 ms",
		  _i ? "non-blocking" : "blocking", elapsed);

    /* The flags are sticky until cleared. */
    vstream_clearerr(vp);
    ck_assert(!vstream_ferror(vp));

    /* The input that arrives later is still read. */
    test_write_all(fds[1], "late\n", 5);
    ck_assert_int_eq(vstream_getline(vp, line, 100, VSTREAM_WAIT),
		     VSTREAM_LINE_OK);
    ck_assert_str_eq(vstring_str(line), "late");
    ck_assert_int_eq(vstream_fclose(vp), 0);
    (void) close(fds[1]);
    vstring_free(line);
}
END_TEST

/* test_fill_results - bytes, EAGAIN, ETIMEDOUT, end of input */

START_TEST(test_fill_results)
{
    int     fds[2];
    VSTREAM *vp;

    unit_socketpair(fds, 1);
    vp = vstream_fdopen(fds[0], "fill");
    vstream_set_timeout(vp, 100);

    errno = 0;
    ck_assert_int_eq(vstream_fill(vp, VSTREAM_NOWAIT), -1);
    ck_assert_int_eq(errno, EAGAIN);
    ck_assert(!vstream_ferror(vp));

    errno = 0;
    ck_assert_int_eq(vstream_fill(vp, VSTREAM_WAIT), -1);
    ck_assert_int_eq(errno, ETIMEDOUT);
    ck_assert(vstream_ftimeout(vp));
    vstream_clearerr(vp);

    test_write_all(fds[1], "12345", 5);
    ck_assert_int_eq(vstream_fill(vp, VSTREAM_WAIT), 5);
    ck_assert_int_eq(vstream_bufcount(vp), 5);
    (void) close(fds[1]);
    ck_assert_int_eq(vstream_fill(vp, VSTREAM_WAIT), 0);
    ck_assert(vstream_feof(vp));
    ck_assert_int_eq(vstream_bufcount(vp), 5);
    ck_assert_int_eq(vstream_fclose(vp), 0);
}
END_TEST

/* test_nowait_partial - partial lines, completed by later input */

START_TEST(test_nowait_partial)
{
    int     fds[2];
    VSTREAM *vp;
    VSTRING *line = vstring_alloc(10);
    int     status;

    unit_socketpair(fds, 1);
    vp = vstream_fdopen(fds[0], "partial");
    vstream_set_timeout(vp, 1000);

    status = vstream_getline(vp, line, 100, VSTREAM_NOWAIT);
    ck_assert_msg(status == VSTREAM_LINE_AGAIN, "empty: got %s, want AGAIN",
		  status_name(status));
    ck_assert_int_eq(VSTRING_LEN(line), 0);

    test_write_all(fds[1], "abc", 3);
    status = vstream_getline(vp, line, 100, VSTREAM_NOWAIT);
    ck_assert_msg(status == VSTREAM_LINE_AGAIN, "\"abc\": got %s, want AGAIN",
		  status_name(status));
    ck_assert_str_eq(vstring_str(line), "abc");

    status = vstream_getline(vp, line, 100, VSTREAM_NOWAIT);
    ck_assert_int_eq(status, VSTREAM_LINE_AGAIN);
    ck_assert_str_eq(vstring_str(line), "abc");

    test_write_all(fds[1], "def\nxyz", 7);
    status = vstream_getline(vp, line, 100, VSTREAM_NOWAIT);
    ck_assert_msg(status == VSTREAM_LINE_OK, "got %s, want OK",
		  status_name(status));
    ck_assert_str_eq(vstring_str(line), "abcdef");

    VSTRING_RESET(line);
    status = vstream_getline(vp, line, 100, VSTREAM_NOWAIT);
    ck_assert_int_eq(status, VSTREAM_LINE_AGAIN);
    ck_assert_str_eq(vstring_str(line), "xyz");
    test_write_all(fds[1], "\n", 1);
    ck_assert_int_eq(vstream_getline(vp, line, 100, VSTREAM_NOWAIT),
		     VSTREAM_LINE_OK);
    ck_assert_str_eq(vstring_str(line), "xyz");
    ck_assert(!vstream_ferror(vp));
    ck_assert(!vstream_feof(vp));

    /* A partial line that then exceeds the limit. */
    VSTRING_RESET(line);
    test_write_all(fds[1], "12345", 5);
    ck_assert_int_eq(vstream_getline(vp, line, 8, VSTREAM_NOWAIT),
		     VSTREAM_LINE_AGAIN);
    test_write_all(fds[1], "6789\n", 5);
    ck_assert_int_eq(vstream_getline(vp, line, 8, VSTREAM_NOWAIT),
		     VSTREAM_LINE_TOOLONG);
    ck_assert_int_eq(VSTRING_LEN(line), 8);
    ck_assert_str_eq(vstring_str(line), "12345678");

    ck_assert_int_eq(vstream_fclose(vp), 0);
    (void) close(fds[1]);
    vstring_free(line);
}
END_TEST

/* test_nowait_blocking_fd - VSTREAM_NOWAIT does not block on a blocking socket */

START_TEST(test_nowait_blocking_fd)
{
    int     fds[2];
    VSTREAM *vp;
    VSTRING *line = vstring_alloc(10);
    int     status;

    unit_socketpair(fds, 0);
    vp = vstream_fdopen(fds[0], "blocking");
    test_write_all(fds[1], "ab", 2);
    status = vstream_getline(vp, line, 100, VSTREAM_NOWAIT);
    ck_assert_msg(status == VSTREAM_LINE_AGAIN, "got %s, want AGAIN",
		  status_name(status));
    ck_assert_str_eq(vstring_str(line), "ab");
    test_write_all(fds[1], "c\n", 2);
    ck_assert_int_eq(vstream_getline(vp, line, 100, VSTREAM_NOWAIT),
		     VSTREAM_LINE_OK);
    ck_assert_str_eq(vstring_str(line), "abc");
    ck_assert_int_eq(vstream_fclose(vp), 0);
    (void) close(fds[1]);
    vstring_free(line);
}
END_TEST

/* test_eof_midline - end of input in the middle of a line */

START_TEST(test_eof_midline)
{
    int     fds[2];
    VSTREAM *vp;
    VSTRING *line = vstring_alloc(10);
    int     status;

    unit_socketpair(fds, _i);
    vp = vstream_fdopen(fds[0], "eof");
    vstream_set_timeout(vp, 2000);
    test_write_all(fds[1], "one\ntw", 6);
    (void) close(fds[1]);
    ck_assert_int_eq(vstream_getline(vp, line, 100, VSTREAM_WAIT),
		     VSTREAM_LINE_OK);
    ck_assert_str_eq(vstring_str(line), "one");
    VSTRING_RESET(line);
    status = vstream_getline(vp, line, 100, VSTREAM_WAIT);
    ck_assert_msg(status == VSTREAM_LINE_EOF, "got %s, want EOF",
		  status_name(status));
    ck_assert_str_eq(vstring_str(line), "tw");
    ck_assert(vstream_feof(vp));
    ck_assert(!vstream_ferror(vp));

    /* End of input is sticky. */
    VSTRING_RESET(line);
    ck_assert_int_eq(vstream_getline(vp, line, 100, VSTREAM_NOWAIT),
		     VSTREAM_LINE_EOF);
    ck_assert_int_eq(VSTRING_LEN(line), 0);
    ck_assert_int_eq(vstream_fclose(vp), 0);
    vstring_free(line);
}
END_TEST

/* test_socket_toolong - an endless line is cut at the limit */

START_TEST(test_socket_toolong)
{
    int     fds[2];
    VSTREAM *vp;
    VSTRING *line = vstring_alloc(10);
    char    buf[101];
    int     status;

    memset(buf, 'x', 100);
    buf[100] = '\n';
    unit_socketpair(fds, 1);
    vp = vstream_fdopen(fds[0], "toolong");
    vstream_set_timeout(vp, 2000);
    test_write_all(fds[1], buf, 101);
    status = vstream_getline(vp, line, 40, VSTREAM_WAIT);
    ck_assert_msg(status == VSTREAM_LINE_TOOLONG, "got %s, want TOOLONG",
		  status_name(status));
    ck_assert_int_eq(VSTRING_LEN(line), 40);
    ck_assert_int_eq(strspn(vstring_str(line), "x"), 40);
    VSTRING_RESET(line);
    ck_assert_int_eq(vstream_getline(vp, line, 40, VSTREAM_WAIT),
		     VSTREAM_LINE_TOOLONG);
    ck_assert_int_eq(VSTRING_LEN(line), 40);
    VSTRING_RESET(line);
    ck_assert_int_eq(vstream_getline(vp, line, 40, VSTREAM_WAIT),
		     VSTREAM_LINE_OK);
    ck_assert_int_eq(VSTRING_LEN(line), 20);
    ck_assert_int_eq(vstream_fclose(vp), 0);
    (void) close(fds[1]);
    vstring_free(line);
}
END_TEST

/* test_long_line - one line larger than the read buffer */

START_TEST(test_long_line)
{
    int     fds[2];
    VSTREAM *vp;
    VSTRING *line = vstring_alloc(10);
    char   *buf = mymalloc(20002);
    int     i;

    for (i = 0; i < 20000; i++)
	buf[i] = 'a' + i % 26;
    buf[20000] = '\n';
    buf[20001] = 'z';
    unit_socketpair(fds, 1);
    vp = vstream_fdopen(fds[0], "long");
    vstream_set_timeout(vp, 2000);
    test_write_all(fds[1], buf, 20002);
    ck_assert_int_eq(vstream_getline(vp, line, 30000, VSTREAM_WAIT),
		     VSTREAM_LINE_OK);
    ck_assert_int_eq(VSTRING_LEN(line), 20000);
    ck_assert_int_eq(memcmp(vstring_str(line), buf, 20000), 0);
    ck_assert_int_eq(vstream_bufcount(vp), 1);
    ck_assert_int_eq(vstream_fclose(vp), 0);
    (void) close(fds[1]);
    vstring_free(line);
    myfree(buf);
}
END_TEST

/* late_writer - child: write after a delay */

static void late_writer(int fd)
{
    static const char text[] = "late line\n";

    unit_child_init();
    (void) usleep(100000);
    (void) (write(fd, text, sizeof(text) - 1) < 0);
    _exit(0);
}

/* test_wait_for_input - VSTREAM_WAIT waits for input that comes later */

START_TEST(test_wait_for_input)
{
    int     fds[2];
    VSTREAM *vp;
    VSTRING *line;
    pid_t   pid;
    int     status;
    long long start;

    unit_socketpair(fds, 0);
    if ((pid = fork()) < 0)
	ck_abort_msg("fork: %s", strerror(errno));
    if (pid == 0)
	late_writer(fds[1]);
    line = vstring_alloc(10);
    vp = vstream_fdopen(fds[0], "late");
    vstream_set_timeout(vp, 5000);
    start = unit_now_ms();
    status = vstream_getline(vp, line, 100, VSTREAM_WAIT);
    ck_assert_msg(status == VSTREAM_LINE_OK, "got %s, want OK",
		  status_name(status));
    ck_assert_str_eq(vstring_str(line), "late line");
    ck_assert(unit_now_ms() - start >= 50);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "writer: got wait status 0x%x, want exit 0", status);
    ck_assert_int_eq(vstream_fclose(vp), 0);
    (void) close(fds[1]);
    vstring_free(line);
}
END_TEST

/* test_write_roundtrip - buffered output reaches the peer at flush */

START_TEST(test_write_roundtrip)
{
    int     fds[2];
    VSTREAM *vp;
    char    buf[100];
    ssize_t n;

    unit_socketpair(fds, _i);
    vp = vstream_fdopen(fds[0], "writer");
    vstream_set_context(vp, (void *) buf);
    ck_assert_ptr_eq(vstream_context(vp), buf);
    vstream_set_timeout(vp, 1000);
    vstream_fprintf(vp, "action=%s\n", "DUNNO");
    vstream_fputs(vp, "\n");
    ck_assert_int_eq(vstream_wpending(vp), 14);
    ck_assert_int_eq(recv(fds[1], buf, sizeof(buf), MSG_DONTWAIT), -1);
    ck_assert_int_eq(vstream_fflush(vp), 0);
    ck_assert_int_eq(vstream_wpending(vp), 0);
    n = read(fds[1], buf, sizeof(buf));
    ck_assert_int_eq(n, 14);
    ck_assert_mem_eq(buf, "action=DUNNO\n\n", 14);

    /* Output still pending at close is flushed. */
    vstream_fputs(vp, "bye\n");
    ck_assert_int_eq(vstream_fclose(vp), 0);
    n = read(fds[1], buf, sizeof(buf));
    ck_assert_int_eq(n, 4);
    ck_assert_mem_eq(buf, "bye\n", 4);
    ck_assert_int_eq(read(fds[1], buf, sizeof(buf)), 0);
    (void) close(fds[1]);
}
END_TEST

#define BIG_OUTPUT	(4 * 1024 * 1024)

/* fill_output - queue more output than the socket buffers hold */

static char *fill_output(VSTREAM *vp)
{
    char   *buf = mymalloc(BIG_OUTPUT);
    int     i;

    for (i = 0; i < BIG_OUTPUT; i++)
	buf[i] = 'A' + i % 23;
    vstream_fwrite(vp, buf, BIG_OUTPUT);
    return (buf);
}

/* test_flush_nowait - the peer does not read */

START_TEST(test_flush_nowait)
{
    int     fds[2];
    VSTREAM *vp;
    char   *want;
    char   *got = mymalloc(BIG_OUTPUT);
    ssize_t total = 0;
    ssize_t n;
    ssize_t pending;
    int     status;
    int     rounds;

    unit_socketpair(fds, 1);
    vp = vstream_fdopen(fds[0], "nowait");
    vstream_set_timeout(vp, 200);
    want = fill_output(vp);
    status = vstream_fflush_nowait(vp);
    ck_assert_msg(status == 1, "got %d, want 1 (output pending)", status);
    pending = vstream_wpending(vp);
    ck_assert_msg(pending > 0 && pending < BIG_OUTPUT,
		  "got %ld bytes pending, want 0 < pending < %d",
		  (long) pending, BIG_OUTPUT);
    ck_assert(!vstream_ferror(vp));

    /* Again: the kernel takes nothing more. */
    ck_assert_int_eq(vstream_fflush_nowait(vp), 1);
    ck_assert_int_eq(vstream_wpending(vp), pending);

    /* The peer now reads everything; flush until nothing is left. */
    for (rounds = 0; total < BIG_OUTPUT && rounds < 100000; rounds++) {
	while ((n = read(fds[1], got + total, BIG_OUTPUT - total)) > 0)
	    total += n;
	status = vstream_fflush_nowait(vp);
	ck_assert_int_ne(status, -1);
    }
    ck_assert_int_eq(status, 0);
    ck_assert_int_eq(vstream_wpending(vp), 0);
    ck_assert_int_eq(total, BIG_OUTPUT);
    ck_assert_int_eq(memcmp(got, want, BIG_OUTPUT), 0);
    ck_assert_int_eq(vstream_fclose(vp), 0);
    (void) close(fds[1]);
    myfree(want);
    myfree(got);
}
END_TEST

/* test_flush_timeout - a blocking flush gives up at the deadline */

START_TEST(test_flush_timeout)
{
    int     fds[2];
    VSTREAM *vp;
    char   *want;
    long long start;
    long long elapsed;
    int     status;

    unit_socketpair(fds, _i);
    vp = vstream_fdopen(fds[0], "flush timeout");
    vstream_set_timeout(vp, 200);
    want = fill_output(vp);
    start = unit_now_ms();
    status = vstream_fflush(vp);
    elapsed = unit_now_ms() - start;
    ck_assert_int_eq(status, -1);
    ck_assert(vstream_ftimeout(vp));
    ck_assert(vstream_wpending(vp) > 0);
    ck_assert_msg(elapsed >= 150 && elapsed < 2000 * unit_slack(),
		  "%s socket: got %lld ms, want 150..2000 ms",
		  _i ? "non-blocking" : "blocking", elapsed);

    /* Close reports the lost output, and does not wait forever. */
    start = unit_now_ms();
    ck_assert_int_eq(vstream_fclose(vp), -1);
    ck_assert(unit_now_ms() - start < 2000 * unit_slack());
    (void) close(fds[1]);
    myfree(want);
}
END_TEST

/* test_write_error - the peer is gone */

START_TEST(test_write_error)
{
    int     fds[2];
    VSTREAM *vp;
    void    (*saved) (int);

    saved = signal(SIGPIPE, SIG_IGN);
    unit_socketpair(fds, 1);
    vp = vstream_fdopen(fds[0], "broken");
    vstream_set_timeout(vp, 1000);
    (void) close(fds[1]);
    vstream_fputs(vp, "action=DUNNO\n\n");
    ck_assert_int_eq(vstream_fflush(vp), -1);
    ck_assert(vstream_ferror(vp));
    ck_assert(!vstream_ftimeout(vp));
    ck_assert_int_eq(vstream_fflush_nowait(vp), -1);
    ck_assert_int_eq(vstream_fclose(vp), -1);
    (void) signal(SIGPIPE, saved);
}
END_TEST

/* test_fread_socket - raw reads, buffered bytes first */

START_TEST(test_fread_socket)
{
    int     fds[2];
    VSTREAM *vp;
    VSTRING *line = vstring_alloc(10);
    char    buf[100];

    unit_socketpair(fds, 1);
    vp = vstream_fdopen(fds[0], "fread");
    vstream_set_timeout(vp, 1000);
    ck_assert_int_eq(vstream_fread(vp, buf, 10, VSTREAM_NOWAIT), -1);
    ck_assert(!vstream_ferror(vp));
    test_write_all(fds[1], "head\nabcdef", 11);
    ck_assert_int_eq(vstream_getline(vp, line, 100, VSTREAM_WAIT),
		     VSTREAM_LINE_OK);
    ck_assert_str_eq(vstring_str(line), "head");
    ck_assert_int_eq(vstream_fread(vp, buf, 4, VSTREAM_WAIT), 4);
    ck_assert_mem_eq(buf, "abcd", 4);
    ck_assert_int_eq(vstream_fread(vp, buf, sizeof(buf), VSTREAM_WAIT), 2);
    ck_assert_mem_eq(buf, "ef", 2);
    (void) close(fds[1]);
    ck_assert_int_eq(vstream_fread(vp, buf, sizeof(buf), VSTREAM_WAIT), 0);
    ck_assert(vstream_feof(vp));
    ck_assert_int_eq(vstream_fclose(vp), 0);
    vstring_free(line);
}
END_TEST

/* fd_is_open - is this descriptor open? */

static int fd_is_open(int fd)
{
    return (fcntl(fd, F_GETFD) >= 0);
}

/* test_fdopen2 - input from one descriptor, output to another */

START_TEST(test_fdopen2)
{
    int     in[2];
    int     out[2];
    VSTREAM *vp;
    VSTRING *line = vstring_alloc(10);
    char    buf[100];

    unit_socketpair(in, 0);
    unit_socketpair(out, 0);
    vp = vstream_fdopen2(in[0], out[0], "stdio");
    ck_assert_int_eq(vstream_fileno(vp), in[0]);
    ck_assert_int_eq(vstream_wfileno(vp), out[0]);
    vstream_set_timeout(vp, 1000);
    test_write_all(in[1], "request=smtpd_access_policy\n", 28);
    ck_assert_int_eq(vstream_getline(vp, line, 100, VSTREAM_WAIT),
		     VSTREAM_LINE_OK);
    ck_assert_str_eq(vstring_str(line), "request=smtpd_access_policy");
    vstream_fputs(vp, "action=DUNNO\n\n");
    ck_assert_int_eq(vstream_fflush(vp), 0);
    ck_assert_int_eq(read(out[1], buf, sizeof(buf)), 14);
    ck_assert_mem_eq(buf, "action=DUNNO\n\n", 14);
    ck_assert_int_eq(recv(in[1], buf, sizeof(buf), MSG_DONTWAIT), -1);
    ck_assert_int_eq(vstream_fclose(vp), 0);
    ck_assert(!fd_is_open(in[0]));
    ck_assert(!fd_is_open(out[0]));
    (void) close(in[1]);
    (void) close(out[1]);
    vstring_free(line);
}
END_TEST

/* test_pipe - a descriptor that is not a socket */

START_TEST(test_pipe)
{
    int     pfd[2];
    VSTREAM *rp;
    VSTREAM *wp;
    VSTRING *line = vstring_alloc(10);
    long long start;
    long long elapsed;

    if (pipe2(pfd, O_NONBLOCK | O_CLOEXEC) < 0)
	ck_abort_msg("pipe2: %s", strerror(errno));
    rp = vstream_fdopen(pfd[0], "pipe in");
    wp = vstream_fdopen(pfd[1], "pipe out");
    vstream_set_timeout(rp, 200);
    ck_assert_int_eq(vstream_getline(rp, line, 100, VSTREAM_NOWAIT),
		     VSTREAM_LINE_AGAIN);
    start = unit_now_ms();
    ck_assert_int_eq(vstream_getline(rp, line, 100, VSTREAM_WAIT),
		     VSTREAM_LINE_ERROR);
    elapsed = unit_now_ms() - start;
    ck_assert(vstream_ftimeout(rp));
    ck_assert_msg(elapsed >= 150 && elapsed < 2000 * unit_slack(),
		  "got %lld ms, want 150..2000 ms", elapsed);
    vstream_clearerr(rp);
    vstream_fputs(wp, "through\nthe pipe");
    ck_assert_int_eq(vstream_fflush(wp), 0);
    ck_assert_int_eq(vstream_getline(rp, line, 100, VSTREAM_WAIT),
		     VSTREAM_LINE_OK);
    ck_assert_str_eq(vstring_str(line), "through");
    VSTRING_RESET(line);
    ck_assert_int_eq(vstream_fclose(wp), 0);
    ck_assert_int_eq(vstream_getline(rp, line, 100, VSTREAM_WAIT),
		     VSTREAM_LINE_EOF);
    ck_assert_str_eq(vstring_str(line), "the pipe");
    ck_assert_int_eq(vstream_fclose(rp), 0);
    vstring_free(line);
}
END_TEST

 /*
  * Interface violations.
  */
static const struct {
    const char *label;
    int     which;
    const char *want;
} panic_cases[] = {
    {"fdopen bad fd", 0, "vstream_fdopen: bad file descriptor -1"},
    {"memopen bad mode", 1, "vstream_memopen: bad mode"},
    {"negative timeout", 2, "vstream_set_timeout: bad timeout -1"},
    {"zero line limit", 3, "vstream_getline: bad length limit 0"},
    {"negative fread", 4, "vstream_fread: bad length -1"},
    {"fdopen2 bad output fd", 5, "vstream_fdopen2: bad file descriptor -1"},
};

#define NPANIC	(sizeof(panic_cases) / sizeof(panic_cases[0]))

/* test_panic - each case aborts with its message */

START_TEST(test_panic)
{
    VSTRING *buf = vstring_alloc(10);
    VSTREAM *vp;
    char    data[10];

    unit_expect_msg(panic_cases[_i].want);
    vp = vstream_memopen(buf, O_WRONLY);
    switch (panic_cases[_i].which) {
    case 0:
	(void) vstream_fdopen(-1, "bad");
	break;
    case 1:
	(void) vstream_memopen(buf, O_RDWR);
	break;
    case 2:
	vstream_set_timeout(vp, -1);
	break;
    case 3:
	(void) vstream_getline(vp, buf, 0, VSTREAM_WAIT);
	break;
    case 4:
	(void) vstream_fread(vp, data, -1, VSTREAM_WAIT);
	break;
    case 5:
	(void) vstream_fdopen2(0, -1, "bad");
	break;
    }
    ck_abort_msg("%s: no panic", panic_cases[_i].label);
}
END_TEST

/* vstream_suite - build the suite */

static Suite *vstream_suite(void)
{
    Suite  *s = suite_create("vstream");
    TCase  *tc;

    tc = tcase_create("memory");
    tcase_add_loop_test(tc, test_mem_lines, 0, NLINE);
    tcase_add_test(tc, test_mem_copy);
    tcase_add_test(tc, test_mem_fread);
    tcase_add_test(tc, test_mem_write);
    tcase_add_test(tc, test_mem_roundtrip);
    suite_add_tcase(s, tc);

    tc = tcase_create("read");
    tcase_set_timeout(tc, 10);
    tcase_add_loop_test(tc, test_deadline, 0, 2);
    tcase_add_test(tc, test_fill_results);
    tcase_add_test(tc, test_nowait_partial);
    tcase_add_test(tc, test_nowait_blocking_fd);
    tcase_add_loop_test(tc, test_eof_midline, 0, 2);
    tcase_add_test(tc, test_socket_toolong);
    tcase_add_test(tc, test_long_line);
    tcase_add_test(tc, test_wait_for_input);
    tcase_add_test(tc, test_fread_socket);
    suite_add_tcase(s, tc);

    tc = tcase_create("write");
    tcase_set_timeout(tc, 10);
    tcase_add_loop_test(tc, test_write_roundtrip, 0, 2);
    tcase_add_test(tc, test_flush_nowait);
    tcase_add_loop_test(tc, test_flush_timeout, 0, 2);
    tcase_add_test(tc, test_write_error);
    tcase_add_test(tc, test_fdopen2);
    tcase_add_test(tc, test_pipe);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    unit_add_panic_loop_test(tc, test_panic, 0, NPANIC);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(vstream_suite()));
}
