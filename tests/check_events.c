/*++
/* NAME
/*	check_events 1
/* SUMMARY
/*	events(3) unit tests
/* SYNOPSIS
/*	./check_events
/* DESCRIPTION
/*	Tests the event loop: timers fire in order of due time (then of
/*	request), asking again moves a timer instead of adding one,
/*	cancelling returns the time left or -1, a timer that re-arms
/*	itself with zero delay does not starve I/O or hang event_loop(),
/*	read and write callbacks on socket pairs, hang-up reported as
/*	EVENT_XCPT, a callback that disables another descriptor of the
/*	same batch, the cached clocks, and the panics and fatal errors.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <events.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

 /*
  * What the callbacks saw. A timer's context is a one-letter name, which
  * is appended to "fired".
  */
static char fired[64];			/* timer names, in firing order */
static int fired_count;			/* timer calls */
static int last_event;			/* last event mask */
static void *last_context;		/* last context */
static int io_calls;			/* I/O callback calls */
static int rearm_calls;			/* self re-arming timer calls */

static char name_a[] = "A";
static char name_b[] = "B";
static char name_c[] = "C";
static char name_d[] = "D";

/* timer_event - record a timer */

static void timer_event(int event, void *context)
{
    size_t  len = strlen(fired);

    last_event = event;
    fired_count++;
    if (len + 1 < sizeof(fired)) {
	fired[len] = *(char *) context;
	fired[len + 1] = 0;
    }
}

/* rearm_event - a timer that asks again at once */

static void rearm_event(int event, void *context)
{
    rearm_calls++;
    event_request_timer(rearm_event, context, 0);
}

/* io_event - record an I/O event */

static void io_event(int event, void *context)
{
    io_calls++;
    last_event = event;
    last_context = context;
}

/* setup - reset the record */

static void setup(void)
{
    fired[0] = 0;
    fired_count = 0;
    last_event = 0;
    last_context = 0;
    io_calls = 0;
    rearm_calls = 0;
}

/* teardown - leave no timer behind (CK_FORK=no) */

static void teardown(void)
{
    (void) event_cancel_timer(timer_event, name_a);
    (void) event_cancel_timer(timer_event, name_b);
    (void) event_cancel_timer(timer_event, name_c);
    (void) event_cancel_timer(timer_event, name_d);
    (void) event_cancel_timer(rearm_event, name_a);
}

/* run_until - run rounds until enough timers fired, or give up */

static void run_until(int count, int max_rounds)
{
    while (fired_count < count && max_rounds-- > 0)
	event_loop(1000);
}

/* test_timer_order - due time first, then request order */

START_TEST(test_timer_order)
{
    long long start = unit_now_ms();

    event_request_timer(timer_event, name_a, 60);
    event_request_timer(timer_event, name_b, 20);
    event_request_timer(timer_event, name_c, 40);
    event_request_timer(timer_event, name_d, 20);
    run_until(4, 100);
    ck_assert_msg(strcmp(fired, "BDCA") == 0, "got \"%s\", want \"BDCA\"",
		  fired);
    ck_assert_int_eq(last_event, EVENT_TIME);
    ck_assert_msg(unit_now_ms() - start >= 55, "timers fired too early");

    /* One-shot: nothing fires again. */
    event_loop(50);
    ck_assert_int_eq(fired_count, 4);
}
END_TEST

/* test_timer_move - asking again moves the timer */

START_TEST(test_timer_move)
{
    int     left;

    /* Later. */
    event_request_timer(timer_event, name_a, 20);
    event_request_timer(timer_event, name_a, 300);
    event_loop(100);
    ck_assert_msg(fired_count == 0, "got %d calls, want 0 (timer moved)",
		  fired_count);
    left = event_cancel_timer(timer_event, name_a);
    ck_assert_msg(left > 0 && left <= 220, "got %d ms left, want 1..220",
		  left);

    /* Earlier, and once only. */
    event_request_timer(timer_event, name_b, 5000);
    event_request_timer(timer_event, name_b, 10);
    run_until(1, 20);
    ck_assert_str_eq(fired, "B");
    event_loop(50);
    ck_assert_int_eq(fired_count, 1);
    ck_assert_int_eq(event_cancel_timer(timer_event, name_b), -1);
}
END_TEST

/* test_timer_from_request - the delay counts from the request */

START_TEST(test_timer_from_request)
{
    long long start;
    long long elapsed;
    int     left;

    /* The loop's cached clock goes stale while the program works. */
    event_loop(0);
    (void) usleep(150000);
    start = unit_now_ms();
    event_request_timer(timer_event, name_a, 100);
    left = event_cancel_timer(timer_event, name_a);
    ck_assert_msg(left > 50 && left <= 100, "got %d ms left, want 51..100",
		  left);
    event_request_timer(timer_event, name_a, 100);
    run_until(1, 20);
    elapsed = unit_now_ms() - start;
    ck_assert_int_eq(fired_count, 1);
    ck_assert_msg(elapsed >= 95, "got %lld ms, want >= 100 after the request",
		  elapsed);
}
END_TEST

/* test_timer_cancel - time left, or -1 */

START_TEST(test_timer_cancel)
{
    int     left;

    ck_assert_int_eq(event_cancel_timer(timer_event, name_a), -1);
    event_request_timer(timer_event, name_a, 1000);
    event_request_timer(timer_event, name_b, 1000);
    left = event_cancel_timer(timer_event, name_a);
    ck_assert_msg(left > 900 && left <= 1000, "got %d, want 901..1000",
		  left);
    ck_assert_int_eq(event_cancel_timer(timer_event, name_a), -1);

    /* The (callback, context) pair is the identity. */
    ck_assert_int_eq(event_cancel_timer(timer_event, name_c), -1);
    ck_assert_int_eq(event_cancel_timer(io_event, name_b), -1);
    ck_assert(event_cancel_timer(timer_event, name_b) > 0);

    /* A due timer has 0 left. */
    event_request_timer(timer_event, name_c, 0);
    ck_assert_int_eq(event_cancel_timer(timer_event, name_c), 0);
    event_loop(20);
    ck_assert_int_eq(fired_count, 0);
}
END_TEST

/* test_zero_delay_rearm - no starvation, event_loop() returns */

START_TEST(test_zero_delay_rearm)
{
    int     fds[2];
    int     round;

    unit_socketpair(fds, 1);
    event_request_timer(rearm_event, name_a, 0);
    event_loop(-1);
    ck_assert_msg(rearm_calls == 1, "got %d calls in one round, want 1",
		  rearm_calls);

    /* I/O still runs in every round. */
    ck_assert_int_eq(write(fds[1], "x", 1), 1);
    event_enable_read(fds[0], io_event, name_b);
    for (round = 0; round < 3; round++)
	event_loop(-1);
    ck_assert_int_eq(rearm_calls, 4);
    ck_assert_int_eq(io_calls, 3);
    ck_assert_int_eq(last_event, EVENT_READ);

    ck_assert_int_eq(event_cancel_timer(rearm_event, name_a), 0);
    event_disable_readwrite(fds[0]);
    (void) close(fds[0]);
    (void) close(fds[1]);
}
END_TEST

/* test_read_callback - readable socket */

START_TEST(test_read_callback)
{
    int     fds[2];
    int     before = event_fd_count();
    char    ch;

    unit_socketpair(fds, 1);
    event_enable_read(fds[0], io_event, name_a);
    ck_assert_int_eq(event_fd_count(), before + 1);
    event_loop(10);
    ck_assert_int_eq(io_calls, 0);

    ck_assert_int_eq(write(fds[1], "x", 1), 1);
    event_loop(1000);
    ck_assert_int_eq(io_calls, 1);
    ck_assert_int_eq(last_event, EVENT_READ);
    ck_assert_ptr_eq(last_context, name_a);

    /* Level-triggered: unread input is reported again. */
    event_loop(1000);
    ck_assert_int_eq(io_calls, 2);
    ck_assert_int_eq(read(fds[0], &ch, 1), 1);
    event_loop(10);
    ck_assert_int_eq(io_calls, 2);

    /* Forgotten descriptors are silent. */
    event_disable_readwrite(fds[0]);
    ck_assert_int_eq(event_fd_count(), before);
    ck_assert_int_eq(write(fds[1], "y", 1), 1);
    event_loop(50);
    ck_assert_int_eq(io_calls, 2);

    /* Disabling twice, or an unknown descriptor, is harmless. */
    event_disable_readwrite(fds[0]);
    event_disable_readwrite(1000);
    ck_assert_int_eq(event_fd_count(), before);
    (void) close(fds[0]);
    (void) close(fds[1]);
}
END_TEST

/* test_write_replaces_read - one request per descriptor */

START_TEST(test_write_replaces_read)
{
    int     fds[2];
    int     before = event_fd_count();

    unit_socketpair(fds, 1);
    event_enable_read(fds[0], io_event, name_a);
    event_enable_write(fds[0], io_event, name_b);
    ck_assert_int_eq(event_fd_count(), before + 1);
    event_loop(1000);
    ck_assert_int_eq(io_calls, 1);
    ck_assert_int_eq(last_event, EVENT_WRITE);
    ck_assert_ptr_eq(last_context, name_b);

    /* Same kind, new context. */
    event_enable_write(fds[0], io_event, name_c);
    event_loop(1000);
    ck_assert_ptr_eq(last_context, name_c);

    /* Back to read: no input, no call. */
    event_enable_read(fds[0], io_event, name_a);
    io_calls = 0;
    event_loop(20);
    ck_assert_int_eq(io_calls, 0);
    ck_assert_int_eq(event_fd_count(), before + 1);
    event_disable_readwrite(fds[0]);
    (void) close(fds[0]);
    (void) close(fds[1]);
}
END_TEST

/* test_hangup - a pipe whose writer is gone */

START_TEST(test_hangup)
{
    int     pfd[2];

    if (pipe2(pfd, O_CLOEXEC | O_NONBLOCK) < 0)
	ck_abort_msg("pipe2: %s", strerror(errno));
    event_enable_read(pfd[0], io_event, name_a);
    (void) close(pfd[1]);
    event_loop(1000);
    ck_assert_int_eq(io_calls, 1);
    ck_assert_msg(last_event == EVENT_XCPT, "got event %d, want EVENT_XCPT",
		  last_event);
    event_disable_readwrite(pfd[0]);
    (void) close(pfd[0]);
}
END_TEST

 /*
  * Two readable descriptors; whichever callback runs first disables the
  * other, whose event is then already in the same batch.
  */
static int batch_fds[2];

/* batch_event - disable the other descriptor */

static void batch_event(int event, void *context)
{
    int     which = CAST_ANY_PTR_TO_INT(context);

    io_calls++;
    event_disable_readwrite(batch_fds[1 - which]);
}

/* test_disable_in_batch - a callback disables another descriptor */

START_TEST(test_disable_in_batch)
{
    int     a[2];
    int     b[2];
    int     before = event_fd_count();

    unit_socketpair(a, 1);
    unit_socketpair(b, 1);
    batch_fds[0] = a[0];
    batch_fds[1] = b[0];
    ck_assert_int_eq(write(a[1], "x", 1), 1);
    ck_assert_int_eq(write(b[1], "x", 1), 1);
    event_enable_read(a[0], batch_event, CAST_INT_TO_VOID_PTR(0));
    event_enable_read(b[0], batch_event, CAST_INT_TO_VOID_PTR(1));
    event_loop(1000);
    ck_assert_msg(io_calls == 1, "got %d calls, want 1", io_calls);
    ck_assert_int_eq(event_fd_count(), before + 1);
    event_disable_readwrite(a[0]);
    event_disable_readwrite(b[0]);
    ck_assert_int_eq(event_fd_count(), before);
    (void) close(a[0]);
    (void) close(a[1]);
    (void) close(b[0]);
    (void) close(b[1]);
}
END_TEST

/* test_loop_timeout - nothing happens */

START_TEST(test_loop_timeout)
{
    long long start = unit_now_ms();
    long long elapsed;

    event_loop(100);
    elapsed = unit_now_ms() - start;
    ck_assert_msg(elapsed >= 90 && elapsed < 1000 * unit_slack(),
		  "got %lld ms, want about 100", elapsed);
    ck_assert_int_eq(fired_count + io_calls, 0);
}
END_TEST

/* test_timer_bounds_wait - event_loop(-1) wakes for the first timer */

START_TEST(test_timer_bounds_wait)
{
    long long start = unit_now_ms();
    long long elapsed;

    event_request_timer(timer_event, name_a, 50);
    event_loop(-1);
    if (fired_count == 0)			/* clock granularity */
	event_loop(-1);
    elapsed = unit_now_ms() - start;
    ck_assert_int_eq(fired_count, 1);
    ck_assert_msg(elapsed >= 45 && elapsed < 1000 * unit_slack(),
		  "got %lld ms, want about 50", elapsed);

    /* A timer due before the caller's timeout also shortens it. */
    start = unit_now_ms();
    event_request_timer(timer_event, name_b, 30);
    run_until(2, 10);
    elapsed = unit_now_ms() - start;
    ck_assert_str_eq(fired, "AB");
    ck_assert_msg(elapsed < 900, "got %lld ms, want about 30", elapsed);
}
END_TEST

/* test_clock - cached clocks, refreshed each round */

START_TEST(test_clock)
{
    long long ms;
    time_t  now = time((time_t *) 0);

    event_loop(0);
    ck_assert_msg(event_time() >= now - 1 && event_time() <= now + 2,
		  "got %ld, want about %ld", (long) event_time(), (long) now);
    ms = event_now_ms();
    ck_assert_int_eq(event_now_ms(), ms);	/* cached */
    event_loop(30);
    ck_assert_msg(event_now_ms() - ms >= 25, "got %lld ms later, want >= 25",
		  event_now_ms() - ms);
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
    {"negative delay", 0, "event_request_timer: bad delay -1"},
    {"null timer callback", 1, "event_request_timer: null callback"},
    {"negative read fd", 2, "event_enable: bad file descriptor -1"},
    {"negative write fd", 3, "event_enable: bad file descriptor -2"},
    {"null io callback", 4, "event_enable: null callback"},
    {"negative disable fd", 5, "event_disable_readwrite: bad file descriptor -1"},
};

#define NPANIC	(sizeof(panic_cases) / sizeof(panic_cases[0]))

/* test_panic - each case aborts with its message */

START_TEST(test_panic)
{
    unit_expect_msg(panic_cases[_i].want);
    switch (panic_cases[_i].which) {
    case 0:
	event_request_timer(timer_event, name_a, -1);
	break;
    case 1:
	event_request_timer((EVENT_NOTIFY_FN) 0, name_a, 10);
	break;
    case 2:
	event_enable_read(-1, io_event, name_a);
	break;
    case 3:
	event_enable_write(-2, io_event, name_a);
	break;
    case 4:
	event_enable_read(0, (EVENT_NOTIFY_FN) 0, name_a);
	break;
    case 5:
	event_disable_readwrite(-1);
	break;
    }
    ck_abort_msg("%s: no panic", panic_cases[_i].label);
}
END_TEST

/* test_fatal_closed_fd - epoll refuses a descriptor that is not open */

START_TEST(test_fatal_closed_fd)
{
    int     fd;

    if ((fd = dup(0)) < 0)
	ck_abort_msg("dup: %s", strerror(errno));
    (void) close(fd);
    unit_expect_msg("epoll_ctl fd");
    event_enable_read(fd, io_event, name_a);
    ck_abort_msg("closed descriptor accepted");
}
END_TEST

/* events_suite - build the suite */

static Suite *events_suite(void)
{
    Suite  *s = suite_create("events");
    TCase  *tc;

    /* The descriptor table lives until exit (CK_FORK=no). */
    unit_valgrind_mymalloc();

    tc = tcase_create("timers");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_timer_order);
    tcase_add_test(tc, test_timer_move);
    tcase_add_test(tc, test_timer_cancel);
    tcase_add_test(tc, test_timer_from_request);
    tcase_add_test(tc, test_zero_delay_rearm);
    tcase_add_test(tc, test_timer_bounds_wait);
    tcase_add_test(tc, test_clock);
    suite_add_tcase(s, tc);

    tc = tcase_create("io");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_read_callback);
    tcase_add_test(tc, test_write_replaces_read);
    tcase_add_test(tc, test_hangup);
    tcase_add_test(tc, test_disable_in_batch);
    tcase_add_test(tc, test_loop_timeout);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    unit_add_panic_loop_test(tc, test_panic, 0, NPANIC);
    unit_add_fatal_test(tc, test_fatal_closed_fd);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(events_suite()));
}
