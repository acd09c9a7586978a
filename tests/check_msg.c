/*++
/* NAME
/*	check_msg 1
/* SUMMARY
/*	msg(3) and msg_output(3) unit tests
/* SYNOPSIS
/*	./check_msg
/* DESCRIPTION
/*	Tests the diagnostic interface: severity labels, formatting with
/*	%m, the replacement of control characters (no forged log
/*	records), the length limit, several output handlers, the error
/*	limit, msg_fatal() (exit status, cleanup handler, a fatal error
/*	inside the cleanup handler, msg_fatal_sleep), msg_panic() (abort
/*	without cleanup), and the standard error and postlogd outputs.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <msg_output.h>
#include <mymalloc.h>
#include <vstring.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

/* call_vinfo - exercise msg_vinfo() */

static void PRINTFLIKE(1, 2) call_vinfo(const char *fmt,...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vinfo(fmt, ap);
    va_end(ap);
}

/* call_vwarn - exercise msg_vwarn() */

static void PRINTFLIKE(1, 2) call_vwarn(const char *fmt,...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vwarn(fmt, ap);
    va_end(ap);
}

 /*
  * Each non-fatal severity, and its label in the log.
  */
static const struct {
    const char *label;
    int     which;
    const char *want;
} level_cases[] = {
    {"info", 0, "text 1\n"},
    {"warn", 1, "warning: text 1\n"},
    {"error", 2, "error: text 1\n"},
    {"vinfo", 3, "text 1\n"},
    {"vwarn", 4, "warning: text 1\n"},
};

#define NLEVEL	(sizeof(level_cases) / sizeof(level_cases[0]))

/* test_levels - one message of each kind */

START_TEST(test_levels)
{
    test_msg_capture();
    switch (level_cases[_i].which) {
    case 0:
	msg_info("text %d", 1);
	break;
    case 1:
	msg_warn("text %d", 1);
	break;
    case 2:
	msg_error("text %d", 1);
	break;
    case 3:
	call_vinfo("text %d", 1);
	break;
    case 4:
	call_vwarn("text %d", 1);
	break;
    }
    ck_assert_msg(strcmp(test_msg_log(), level_cases[_i].want) == 0,
		  "%s: got \"%s\", want \"%s\"", level_cases[_i].label,
		  test_msg_log(), level_cases[_i].want);
}
END_TEST

 /*
  * Control characters never reach a log record.
  */
static const struct {
    const char *input;
    const char *want;
} sanitize_cases[] = {
    {"plain text", "warning: plain text\n"},
    {"a\nb", "warning: a?b\n"},
    {"forged\nJan  1 00:00:00 host postfix/smtpd[1]: x",
    "warning: forged?Jan  1 00:00:00 host postfix/smtpd[1]: x\n"},
    {"tab\there", "warning: tab?here\n"},
    {"cr\r\n", "warning: cr??\n"},
    {"del\177", "warning: del?\n"},
    {"esc\033[1m", "warning: esc?[1m\n"},
    {"\001\037", "warning: ??\n"},
    {"utf8 \303\251", "warning: utf8 \303\251\n"},
};

#define NSANITIZE	(sizeof(sanitize_cases) / sizeof(sanitize_cases[0]))

/* test_sanitize - table */

START_TEST(test_sanitize)
{
    test_msg_capture();
    msg_warn("%s", sanitize_cases[_i].input);
    ck_assert_msg(strcmp(test_msg_log(), sanitize_cases[_i].want) == 0,
		  "case %d: got \"%s\", want \"%s\"", _i,
		  test_msg_log(), sanitize_cases[_i].want);
}
END_TEST

/* test_errno - %m, and errno survives logging */

START_TEST(test_errno)
{
    VSTRING *want = vstring_alloc(100);

    test_msg_capture();
    vstring_sprintf(want, "warning: open foo: %s\n", strerror(EACCES));
    errno = EACCES;
    msg_warn("open %s: %m", "foo");
    ck_assert_int_eq(errno, EACCES);
    ck_assert_str_eq(test_msg_log(), vstring_str(want));

    test_msg_clear();
    errno = ENOENT;
    msg_info("no errno here");
    ck_assert_int_eq(errno, ENOENT);
    vstring_free(want);
}
END_TEST

/* test_long - a message is cut at the length limit */

START_TEST(test_long)
{
    char   *big = mymalloc(5001);

    memset(big, 'x', 5000);
    big[5000] = 0;
    test_msg_capture();
    msg_info("%s", big);
    ck_assert_msg(strlen(test_msg_log()) == 2047 + 1,
		  "got %ld bytes, want 2047 + newline",
		  (long) strlen(test_msg_log()));
    ck_assert_int_eq(strspn(test_msg_log(), "x"), 2047);
    myfree(big);
}
END_TEST

 /*
  * Extra output handlers, each a distinct function.
  */
static int handler_calls[9];
static int handler_last_level;

#define DEFINE_HANDLER(n) \
    static void handler_##n(int level, const char *text) \
    { handler_calls[n]++; handler_last_level = level; }

DEFINE_HANDLER(0)
DEFINE_HANDLER(1)
DEFINE_HANDLER(2)
DEFINE_HANDLER(3)
DEFINE_HANDLER(4)
DEFINE_HANDLER(5)
DEFINE_HANDLER(6)
DEFINE_HANDLER(7)
static const MSG_OUTPUT_FN handlers[] = {
    handler_0, handler_1, handler_2, handler_3,
    handler_4, handler_5, handler_6, handler_7,
};

/* test_handlers - every handler gets every message, once */

START_TEST(test_handlers)
{
    memset(handler_calls, 0, sizeof(handler_calls));
    test_msg_capture();
    msg_output(handler_0);
    msg_output(handler_1);
    msg_output(handler_0);			/* duplicate: ignored */
    msg_warn("one");
    ck_assert_int_eq(handler_calls[0], 1);
    ck_assert_int_eq(handler_calls[1], 1);
    ck_assert_int_eq(handler_last_level, MSG_WARN);
    ck_assert_str_eq(test_msg_log(), "warning: one\n");

    msg_output_reset();
    msg_info("nobody hears this");
    ck_assert_int_eq(handler_calls[0], 1);
    ck_assert_str_eq(test_msg_log(), "warning: one\n");
    test_msg_capture();
}
END_TEST

/* test_too_many_handlers - the ninth handler is a panic */

START_TEST(test_too_many_handlers)
{
    size_t  i;

    unit_expect_msg("msg_output: too many output handlers");
    /* Two are in use: the capture and the expect handlers. */
    for (i = 0; i < 6; i++)
	msg_output(handlers[i]);
    msg_info("eight handlers");
    ck_assert_int_eq(handler_calls[5], 1);
    msg_output(handlers[6]);
    ck_abort_msg("ninth handler accepted");
}
END_TEST

/* cleanup_a - a cleanup handler */

static void cleanup_a(void)
{
}

/* cleanup_b - another cleanup handler */

static void cleanup_b(void)
{
}

/* test_cleanup_swap - msg_cleanup() returns the previous handler */

START_TEST(test_cleanup_swap)
{
    MSG_CLEANUP_FN saved = msg_cleanup(cleanup_a);

    ck_assert(msg_cleanup(cleanup_b) == cleanup_a);
    ck_assert(msg_cleanup(saved) == cleanup_b);
}
END_TEST

 /*
  * Severity names.
  */
static const struct {
    int     level;
    const char *want;
} name_cases[] = {
    {MSG_INFO, "info"},
    {MSG_WARN, "warning"},
    {MSG_ERROR, "error"},
    {MSG_FATAL, "fatal"},
    {MSG_PANIC, "panic"},
    {-1, "unknown"},
    {MSG_PANIC + 1, "unknown"},
};

#define NNAME	(sizeof(name_cases) / sizeof(name_cases[0]))

/* test_severity_name - table */

START_TEST(test_severity_name)
{
    ck_assert_msg(strcmp(msg_severity_name(name_cases[_i].level),
			 name_cases[_i].want) == 0,
		  "level %d: got \"%s\", want \"%s\"", name_cases[_i].level,
		  msg_severity_name(name_cases[_i].level), name_cases[_i].want);
}
END_TEST

 /*
  * Code that ends the process runs in a child (unit_run_child()), whose
  * msg(3) output goes to standard error as "child: severity: text".
  */

/* cleanup_report - cleanup handler that says it ran */

static void cleanup_report(void)
{
    static const char text[] = "cleanup ran\n";

    (void) (write(2, text, sizeof(text) - 1) < 0);
}

/* cleanup_fatal - cleanup handler that fails itself */

static void cleanup_fatal(void)
{
    cleanup_report();
    msg_fatal("cleanup failed");
}

/* child_main - the code under test, by case number */

static void child_main(void *context)
{
    int     which = CAST_ANY_PTR_TO_INT(context);

    switch (which) {
    case 0:
	msg_fatal("boom %d", 1);
    case 1:
	msg_fatal_status(7, "exit %s", "seven");
    case 2:
	(void) msg_cleanup(cleanup_report);
	msg_fatal("with cleanup");
    case 3:
	(void) msg_cleanup(cleanup_fatal);
	msg_fatal("first");
    case 4:
	(void) msg_cleanup(cleanup_report);
	msg_panic("broken invariant %d", 42);
    case 5:
	/* With CK_FORK=no, earlier tests may have counted errors. */
	msg_error_limit = 1;
	msg_error("e1");
	msg_info("not reached");
	break;
    case 6:
	msg_info("hello %s", "world");
	msg_warn("careful");
	break;
    case 7:
	msg_fatal_sleep = 1;
	msg_fatal("slow exit");
    }
}

static const struct {
    const char *label;
    int     want_exit;			/* exit status, or -signal */
    const char *want;			/* exact output */
} child_cases[] = {
    {"fatal", 1, "child: fatal: boom 1\n"},
    {"fatal status", 7, "child: fatal: exit seven\n"},
    {"fatal runs cleanup", 1, "child: fatal: with cleanup\ncleanup ran\n"},
    {"fatal in cleanup", 1, "child: fatal: first\ncleanup ran\n"},
    {"panic skips cleanup", -SIGABRT, "child: panic: broken invariant 42\n"},
    {"error limit", 1, "child: error: e1\n"
    "child: fatal: too many errors - program terminated\n"},
    {"stderr format", 0, "child: hello world\nchild: warning: careful\n"},
    {"fatal sleeps", 1, "child: fatal: slow exit\n"},
};

#define NCHILD	(sizeof(child_cases) / sizeof(child_cases[0]))

/* test_child - table of process-ending paths */

START_TEST(test_child)
{
    VSTRING *out = vstring_alloc(100);
    long long start = unit_now_ms();
    long long elapsed;
    int     status;
    int     got_exit;

    status = unit_run_child(child_main, CAST_INT_TO_VOID_PTR(_i), out);
    elapsed = unit_now_ms() - start;
    got_exit = WIFEXITED(status) ? WEXITSTATUS(status) :
	WIFSIGNALED(status) ? -WTERMSIG(status) : 999;
    ck_assert_msg(got_exit == child_cases[_i].want_exit,
		  "%s: got exit %d, want %d", child_cases[_i].label,
		  got_exit, child_cases[_i].want_exit);
    ck_assert_msg(strcmp(vstring_str(out), child_cases[_i].want) == 0,
		  "%s: got \"%s\", want \"%s\"", child_cases[_i].label,
		  vstring_str(out), child_cases[_i].want);
    if (_i == 7)
	ck_assert_msg(elapsed >= 900, "got %lld ms, want >= 1 s of sleep",
		      elapsed);
    else
	ck_assert_msg(elapsed < 900 * unit_slack(),
		      "%s: got %lld ms, want no sleep",
		      child_cases[_i].label, elapsed);
    vstring_free(out);
}
END_TEST

/* long_child - one message longer than the limit, to standard error */

static void long_child(void *unused_context)
{
    char    big[3001];

    memset(big, 'x', 3000);
    big[3000] = 0;
    msg_warn("%s", big);
}

/* test_stderr_long - the stderr line keeps its prefix, text and newline */

START_TEST(test_stderr_long)
{
    VSTRING *out = vstring_alloc(100);
    const char *cp;
    int     status;

    status = unit_run_child(long_child, (void *) 0, out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "child status 0x%x", status);
    cp = vstring_str(out);
    ck_assert_msg(strncmp(cp, "child: warning: ", 16) == 0, "got \"%.40s\"", cp);
    cp += 16;
    ck_assert_int_eq(strspn(cp, "x"), 2047);
    ck_assert_str_eq(cp + 2047, "\n");
    vstring_free(out);
}
END_TEST

/* test_fatal_exit - msg_fatal() as a libcheck exit test */

START_TEST(test_fatal_exit)
{
    unit_expect_msg("configuration error: bad value");
    msg_fatal("configuration error: %s", "bad value");
}
END_TEST

/* test_error_count - the limit counts errors (fresh process) */

START_TEST(test_error_count)
{
    unit_expect_msg("too many errors - program terminated");
    msg_error_limit = 3;
    msg_error("e1");
    msg_error("e2");
    ck_assert_str_eq(test_msg_log(), "error: e1\nerror: e2\n");
    msg_error("e3");
    ck_abort_msg("still running after 3 errors with limit 3");
}
END_TEST

/* test_panic_abort - msg_panic() as a libcheck signal test */

START_TEST(test_panic_abort)
{
    unit_expect_msg("impossible state 3");
    msg_panic("impossible state %d", 3);
}
END_TEST

 /*
  * Syslog facility names.
  */
static const struct {
    const char *name;
    int     want;
} facility_cases[] = {
    {"mail", LOG_MAIL},
    {"MAIL", LOG_MAIL},
    {"daemon", LOG_DAEMON},
    {"user", LOG_USER},
    {"local0", LOG_LOCAL0},
    {"Local7", LOG_LOCAL7},
    {"local8", -1},
    {"kern", -1},
    {"", -1},
};

#define NFACILITY	(sizeof(facility_cases) / sizeof(facility_cases[0]))

/* test_facility - table */

START_TEST(test_facility)
{
    int     got = msg_syslog_facility(facility_cases[_i].name);

    ck_assert_msg(got == facility_cases[_i].want,
		  "\"%s\": got %d, want %d", facility_cases[_i].name,
		  got, facility_cases[_i].want);
}
END_TEST

/* postlog_socket - bind a datagram socket that plays postlogd */

static int postlog_socket(const char *path)
{
    struct sockaddr_un sun;
    int     fd;

    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun.sun_path))
	ck_abort_msg("path too long: %s", path);
    strcpy(sun.sun_path, path);
    if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
	ck_abort_msg("socket: %s", strerror(errno));
    if (bind(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0)
	ck_abort_msg("bind %s: %s", path, strerror(errno));
    return (fd);
}

/* postlog_recv - receive one record, with a deadline */

static const char *postlog_recv(int fd, VSTRING *buf)
{
    struct pollfd pfd;
    ssize_t n;

    pfd.fd = fd;
    pfd.events = POLLIN;
    if (poll(&pfd, 1, 2000) != 1)
	ck_abort_msg("no log record within 2 s");
    VSTRING_RESET(buf);
    VSTRING_SPACE(buf, 3000);
    if ((n = recv(fd, vstring_str(buf), 3000, 0)) < 0)
	ck_abort_msg("recv: %s", strerror(errno));
    VSTRING_AT_OFFSET(buf, n);
    VSTRING_TERMINATE(buf);
    return (vstring_str(buf));
}

/* check_record - "Mon DD HH:MM:SS host tag[pid]: text" */

static void check_record(const char *got, const char *host, const char *tag,
			         const char *text)
{
    VSTRING *want = vstring_alloc(100);

    ck_assert_msg(strlen(got) > 16 && got[3] == ' ' && got[6] == ' '
		  && got[9] == ':' && got[12] == ':' && got[15] == ' ',
		  "got \"%s\", want a syslog time stamp first", got);
    vstring_sprintf(want, "%s %s[%ld]: %s", host, tag, (long) getpid(), text);
    ck_assert_msg(strcmp(got + 16, vstring_str(want)) == 0,
		  "got \"%s\", want \"%s\" after the time stamp",
		  got + 16, vstring_str(want));
    vstring_free(want);
}

/* test_postlog - records to a postlogd socket */

START_TEST(test_postlog)
{
    char   *dir = test_tmpdir("msg");
    VSTRING *path = vstring_alloc(100);
    VSTRING *buf = vstring_alloc(100);
    int     fd;

    vstring_sprintf(path, "%s/postlog", dir);
    fd = postlog_socket(vstring_str(path));
    test_msg_capture();
    msg_logger_init("greylistd", "mx1.example.com", vstring_str(path));
    ck_assert(msg_logger_active());

    msg_warn("client %s", "bad\nname");
    check_record(postlog_recv(fd, buf), "mx1", "greylistd",
		 "warning: client bad?name");
    ck_assert_str_eq(test_msg_log(), "warning: client bad?name\n");

    msg_output_tag("postfix/greylist");
    msg_info("tagged");
    check_record(postlog_recv(fd, buf), "mx1", "postfix/greylist", "tagged");

    /* postlogd restarts: the record goes over a new socket. */
    (void) close(fd);
    (void) unlink(vstring_str(path));
    fd = postlog_socket(vstring_str(path));
    msg_info("after restart");
    check_record(postlog_recv(fd, buf), "mx1", "postfix/greylist",
		 "after restart");

    test_msg_capture();
    (void) close(fd);
    test_rmdir(dir);
    myfree(dir);
    vstring_free(path);
    vstring_free(buf);
}
END_TEST

/* msg_suite - build the suite */

static Suite *msg_suite(void)
{
    Suite  *s = suite_create("msg");
    TCase  *tc;

    tc = tcase_create("output");
    tcase_add_loop_test(tc, test_levels, 0, NLEVEL);
    tcase_add_loop_test(tc, test_sanitize, 0, NSANITIZE);
    tcase_add_test(tc, test_errno);
    tcase_add_test(tc, test_long);
    tcase_add_test(tc, test_handlers);
    tcase_add_test(tc, test_cleanup_swap);
    tcase_add_loop_test(tc, test_severity_name, 0, NNAME);
    suite_add_tcase(s, tc);

    tc = tcase_create("termination");
    tcase_set_timeout(tc, 10);
    tcase_add_loop_test(tc, test_child, 0, NCHILD);
    tcase_add_test(tc, test_stderr_long);
    unit_add_fatal_test(tc, test_fatal_exit);
    unit_add_fatal_test(tc, test_error_count);
    unit_add_panic_test(tc, test_panic_abort);
    unit_add_panic_test(tc, test_too_many_handlers);
    suite_add_tcase(s, tc);

    tc = tcase_create("handlers");
    tcase_add_loop_test(tc, test_facility, 0, NFACILITY);
    tcase_add_test(tc, test_postlog);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(msg_suite()));
}
