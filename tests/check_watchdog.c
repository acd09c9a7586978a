/*++
/* NAME
/*	check_watchdog 1
/* SUMMARY
/*	watchdog(3) unit tests
/* SYNOPSIS
/*	./check_watchdog
/* DESCRIPTION
/*	Tests the stuck process detector, each case in a child process:
/*	a 1-second watchdog without pats ends the process with status 1
/*	and logs "watchdog timeout"; with pats the process survives 2
/*	seconds, and once stopped it survives longer; a cleanup handler
/*	that hangs is cut short by the second alarm; patting a watchdog
/*	that was never started arms nothing; a timeout of 0 is a panic.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <vstring.h>
#include <watchdog.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

/* busy_for - child: run for a while without patting */

static void busy_for(int millisecs)
{
    long long deadline = unit_now_ms() + millisecs;

    while (unit_now_ms() < deadline)
	(void) usleep(10000);
}

/* hang_forever - a cleanup handler that never returns */

static void hang_forever(void)
{
    for (;;)
	(void) pause();
}

/* child_main - the code under test, by case number */

static void child_main(void *context)
{
    int     which = CAST_ANY_PTR_TO_INT(context);
    int     i;

    switch (which) {
    case 0:					/* no pats */
	watchdog_start(1);
	busy_for(5000);
	msg_info("survived");
	break;
    case 1:					/* pats */
	watchdog_start(1);
	for (i = 0; i < 10; i++) {
	    busy_for(200);
	    watchdog_pat();
	}
	watchdog_stop();
	busy_for(1500);
	msg_info("survived");
	break;
    case 2:					/* cleanup hangs */
	(void) msg_cleanup(hang_forever);
	watchdog_start(1);
	busy_for(15000);
	msg_info("survived");
	break;
    case 3:					/* never started */
	watchdog_pat();
	msg_info("alarm=%u", alarm(0));
	break;
    }
}

static const struct {
    const char *label;
    int     want_exit;
    const char *want;
    long    min_ms;
    long    max_ms;
} child_cases[] = {
    {"no pats", 1,
	"child: fatal: watchdog timeout: no progress for 1 seconds\n",
    900, 3000},
    {"pats", 0, "child: survived\n", 3400, 6000},
    {"cleanup hangs", 1,
	"child: fatal: watchdog timeout: no progress for 1 seconds\n"
	"fatal: watchdog: cleanup hangs - exiting\n",
    5900, 9000},
    {"never started", 0, "child: alarm=0\n", 0, 1000},
};

#define NCHILD	(sizeof(child_cases) / sizeof(child_cases[0]))

/* test_child - table */

START_TEST(test_child)
{
    VSTRING *out = vstring_alloc(100);
    long long start = unit_now_ms();
    long long elapsed;
    int     status;

    status = unit_run_child(child_main, CAST_INT_TO_VOID_PTR(_i), out);
    elapsed = unit_now_ms() - start;
    ck_assert_msg(WIFEXITED(status)
		  && WEXITSTATUS(status) == child_cases[_i].want_exit,
		  "%s: got status 0x%x, want exit %d", child_cases[_i].label,
		  status, child_cases[_i].want_exit);
    ck_assert_msg(strcmp(vstring_str(out), child_cases[_i].want) == 0,
		  "%s: got \"%s\", want \"%s\"", child_cases[_i].label,
		  vstring_str(out), child_cases[_i].want);
    ck_assert_msg(elapsed >= child_cases[_i].min_ms
		  && elapsed < child_cases[_i].max_ms * unit_slack(),
		  "%s: got %lld ms, want %ld..%ld", child_cases[_i].label,
		  elapsed, child_cases[_i].min_ms, child_cases[_i].max_ms);
    vstring_free(out);
}
END_TEST

/* test_timeout_exit - the same timeout, as a libcheck exit test */

START_TEST(test_timeout_exit)
{
    unit_expect_msg("watchdog timeout");
    watchdog_start(1);
    busy_for(5000);
    ck_abort_msg("watchdog did not fire");
}
END_TEST

/* test_bad_timeout - a timeout of 0 is a panic */

START_TEST(test_bad_timeout)
{
    unit_expect_msg("watchdog_start: bad timeout 0");
    watchdog_start(0);
    ck_abort_msg("timeout 0 accepted");
}
END_TEST

/* watchdog_suite - build the suite */

static Suite *watchdog_suite(void)
{
    Suite  *s = suite_create("watchdog");
    TCase  *tc;

    tc = tcase_create("timeout");
    tcase_set_timeout(tc, 20);
    tcase_add_loop_test(tc, test_child, 0, NCHILD);
    unit_add_fatal_test(tc, test_timeout_exit);
    unit_add_panic_test(tc, test_bad_timeout);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(watchdog_suite()));
}
