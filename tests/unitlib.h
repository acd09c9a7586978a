#ifndef _UNITLIB_H_INCLUDED_
#define _UNITLIB_H_INCLUDED_

/*++
/* NAME
/*	unitlib 3h
/* SUMMARY
/*	helpers for the util(3) libcheck suites
/* SYNOPSIS
/*	#include "unitlib.h"
/*
/*	int	unit_forked()
/*
/*	void	unit_add_panic_test(tc, test)
/*	void	unit_add_panic_loop_test(tc, test, start, end)
/*	void	unit_add_fatal_test(tc, test)
/*	void	unit_add_fatal_loop_test(tc, test, start, end)
/*
/*	void	unit_expect_msg(want)
/*	const char *want;
/*
/*	int	unit_run_child(fn, context, output)
/*	void	(*fn)(void *context);
/*	void	*context;
/*	VSTRING	*output;
/*
/*	void	unit_child_init()
/*
/*	void	unit_valgrind_mymalloc()
/*
/*	long long unit_now_ms()
/*
/*	long	unit_slack()
/*
/*	void	unit_socketpair(fds, nonblock)
/*	int	fds[2];
/*	int	nonblock;
/* DESCRIPTION
/*	These helpers are static inline functions and macros, so that each
/*	suite stays one file that links with testlib.o only.
/*
/*	unit_forked() is true when libcheck runs each test in a child
/*	process (CK_FORK is not "no"). Only then may a test end in exit()
/*	or abort(): with CK_FORK=no libcheck runs the test in the runner
/*	itself (it does not skip exit and signal tests), and the whole
/*	run would die. unit_add_panic_test() (the test must end with
/*	SIGABRT, as msg_panic() does) and unit_add_fatal_test() (exit
/*	status 1, as msg_fatal() does), and their _loop_ variants, add the
/*	test in fork mode only, and otherwise say once, on standard error,
/*	that such tests are left out.
/*
/*	unit_expect_msg() captures msg(3) output with test_msg_capture()
/*	(so msg_fatal() does not sleep) and checks the text of the fatal
/*	error or panic that ends the test: when it does not contain
/*	\fIwant\fR, the test process writes "got X, want Y" to standard
/*	error and exits with status 2, which fails both an exit test and
/*	a signal test. It also disables core dumps for the panic.
/*
/*	unit_run_child() runs fn(context) in a child process whose msg(3)
/*	output goes, as "child: severity: text" lines, to a pipe; the
/*	child exits with status 0 when fn() returns. The parent collects
/*	the output in \fIoutput\fR and returns the wait status. The child
/*	dumps no core. This works in both fork modes, for code that must
/*	end the process.
/*	The child must not use ck_assert(): it reports by exit status or
/*	output.
/*
/*	unit_child_init() is for every child process that a test forks
/*	(unit_run_child() calls it): under valgrind(1) it turns off the
/*	leak check of the child, which ends with the parent's heap in use
/*	(msg_fatal() cannot free it) and would otherwise exit with
/*	valgrind's error status. Other memory errors are still reported.
/*	It also disables core dumps (a panic that we provoke need not
/*	dump core).
/*
/*	unit_valgrind_mymalloc() is for a suite whose library keeps
/*	mymalloc(3) memory in static variables until the process ends
/*	(events(3): its descriptor table). mymalloc() returns a pointer
/*	past its block header, so valgrind(1) sees only interior pointers
/*	and calls such memory "possibly lost" instead of "still
/*	reachable"; memory that is really leaked has no pointer at all
/*	and is "definitely lost". Under valgrind, this counts only
/*	definite and indirect leaks as errors, as "make test-valgrind"
/*	does for every suite.
/*
/*	unit_now_ms() is the monotonic clock in milliseconds.
/*
/*	unit_slack() is the factor for upper time limits: 5 when
/*	GREYLIST_TEST_SLOW is set (valgrind, sanitizers), otherwise 1.
/*
/*	unit_socketpair() makes a UNIX-domain stream socket pair,
/*	optionally non-blocking.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <msg.h>
#include <msg_output.h>
#include <vstring.h>
#include "testlib.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define UNIT_VALGRIND_CLO(opt)	VALGRIND_CLO_CHANGE(opt)
#endif
#endif
#ifndef UNIT_VALGRIND_CLO
#define UNIT_VALGRIND_CLO(opt)	((void) 0)
#endif

/* unit_forked - does libcheck run each test in a child? */

static inline int unit_forked(void)
{
    const char *mode = getenv("CK_FORK");
    static int told;

    if (mode != 0 && strcmp(mode, "no") == 0) {
	if (told++ == 0)
	    fprintf(stderr, "NOTE: CK_FORK=no: tests that end in exit() "
		    "or abort() are left out of this run\n");
	return (0);
    }
    return (1);
}

#define unit_add_panic_test(tc, test) do { \
	if (unit_forked()) \
	    tcase_add_test_raise_signal((tc), test, SIGABRT); \
    } while (0)

#define unit_add_panic_loop_test(tc, test, start, end) do { \
	if (unit_forked()) \
	    tcase_add_loop_test_raise_signal((tc), test, SIGABRT, \
					     (start), (end)); \
    } while (0)

#define unit_add_fatal_test(tc, test) do { \
	if (unit_forked()) \
	    tcase_add_exit_test((tc), test, 1); \
    } while (0)

#define unit_add_fatal_loop_test(tc, test, start, end) do { \
	if (unit_forked()) \
	    tcase_add_loop_exit_test((tc), test, 1, (start), (end)); \
    } while (0)

/* unit_want_slot - where unit_expect_msg() keeps its argument */

static inline const char **unit_want_slot(void)
{
    static const char *want;

    return (&want);
}

/* unit_expect_handler - check the last words of a dying test */

static inline void unit_expect_handler(int level, const char *text)
{
    const char *want = *unit_want_slot();

    if (level >= MSG_FATAL && want != 0 && strstr(text, want) == 0) {
	fprintf(stderr, "got \"%s: %s\", want text with \"%s\"\n",
		msg_severity_name(level), text, want);
	_exit(2);
    }
}

/* unit_no_core - a panic that we provoke need not dump core */

static inline void unit_no_core(void)
{
    struct rlimit rl;

    rl.rlim_cur = rl.rlim_max = 0;
    (void) setrlimit(RLIMIT_CORE, &rl);
}

/* unit_child_init - prepare a forked child process */

static inline void unit_child_init(void)
{
    unit_no_core();
    UNIT_VALGRIND_CLO("--leak-check=no");
}

/* unit_valgrind_mymalloc - mymalloc(3) memory in use is not a leak */

static inline void unit_valgrind_mymalloc(void)
{
    UNIT_VALGRIND_CLO("--errors-for-leak-kinds=definite,indirect");
}

/* unit_expect_msg - capture output, check the fatal or panic text */

static inline void unit_expect_msg(const char *want)
{
    unit_no_core();
    test_msg_capture();
    *unit_want_slot() = want;
    msg_output(unit_expect_handler);
}

/* unit_run_child - run code that may end the process, collect output */

static inline int unit_run_child(void (*fn) (void *), void *context,
				         VSTRING *output)
{
    int     pfd[2];
    pid_t   pid;
    int     status;
    char    buf[512];
    ssize_t n;

    if (pipe(pfd) < 0)
	ck_abort_msg("pipe: %s", strerror(errno));
    (void) fflush(stdout);
    (void) fflush(stderr);
    if ((pid = fork()) < 0)
	ck_abort_msg("fork: %s", strerror(errno));
    if (pid == 0) {
	(void) close(pfd[0]);
	if (dup2(pfd[1], 2) < 0)
	    _exit(98);
	(void) close(pfd[1]);
	unit_child_init();
	msg_output_reset();
	msg_stderr_init("child");
	msg_fatal_sleep = 0;
	fn(context);
	_exit(0);
    }
    (void) close(pfd[1]);
    VSTRING_RESET(output);
    while ((n = read(pfd[0], buf, sizeof(buf))) != 0) {
	if (n > 0)
	    vstring_memcat(output, buf, n);
	else if (errno != EINTR)
	    break;
    }
    VSTRING_TERMINATE(output);
    (void) close(pfd[0]);
    while (waitpid(pid, &status, 0) < 0)
	if (errno != EINTR)
	    ck_abort_msg("waitpid: %s", strerror(errno));
    return (status);
}

/* unit_now_ms - monotonic milliseconds */

static inline long long unit_now_ms(void)
{
    struct timespec ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* unit_slack - factor for upper time limits */

static inline long unit_slack(void)
{
    return (getenv("GREYLIST_TEST_SLOW") ? 5 : 1);
}

/* unit_socketpair - connected UNIX-domain stream sockets */

static inline void unit_socketpair(int fds[2], int nonblock)
{
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC
		   | (nonblock ? SOCK_NONBLOCK : 0), 0, fds) < 0)
	ck_abort_msg("socketpair: %s", strerror(errno));
}

#endif
