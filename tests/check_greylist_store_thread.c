/*++
/* NAME
/*	check_greylist_store_thread 1
/* SUMMARY
/*	greylist_store_thread(3) unit tests
/* SYNOPSIS
/*	./check_greylist_store_thread
/* DESCRIPTION
/*	The database thread in front of a Tokyo Cabinet file in a private
/*	directory, driven through the event loop as the daemon drives it:
/*	the decision sequence, answers from memory (new triplets once the
/*	key filter is complete, without the thread) and from the thread
/*	(records that only the file holds, before and after the filter
/*	is ready, and after they left the memory cache), updates made
/*	durable by the thread's commits (a child killed with SIGKILL
/*	after a commit), everything committed at close, expiry done by
/*	the thread, the overload limit, and a request still waiting at
/*	close. The failures of the file itself (full disk, damage, lost
/*	permissions) are tested through the daemon by check_crash(1).
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <events.h>
#include <inet_prefix.h>

/* Application-specific. */

#include <greylist_policy.h>
#include <greylist_key.h>
#include <greylist_store.h>
#include <greylist_store_thread.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"
#include "storelib.h"

#define AT(x)		(T0 + (x))
#define DELAY		60
#define WAIT_MS		10000		/* longest wait for the thread */

static time_t T0;			/* the thread expires by the real clock */
static char *tmpdir;
static VSTRING *db_spec;
static GREYLIST_POLICY policy;
static GREYLIST_KEYS *keys;
static GREYLIST_THREAD_LIMITS limits;

#define STR(x)	vstring_str(x)

/* setup - per test */

static void setup(void)
{
    test_msg_capture();
    T0 = time((time_t *) 0) - 1000;
    tmpdir = test_tmpdir("thread");
    db_spec = vstring_alloc(100);
    vstring_sprintf(db_spec, "btree:%s/greylist.db", tmpdir);
    policy.delay = DELAY;
    policy.retry_window = 3600;
    policy.max_age = 86400;
    policy.awl_threshold = 1000;
    policy.refresh = 600;
    keys = greylist_keys_create();
    limits.commit_ms = 100;
    limits.expire_interval = 3600;
    limits.expire_rate = 5000;
    limits.cache_size = 1000;
    limits.queue_limit = 100000;
}

/* teardown - per test */

static void teardown(void)
{
    greylist_keys_free(keys);
    vstring_free(db_spec);
    test_rmdir(tmpdir);
    myfree(tmpdir);
}

/* filter_ready - storelib_run_until() condition */

static int filter_ready(void *context)
{
    return (greylist_store_thread_filter_ready((GREYLIST_STORE *) context));
}

/* decide - one request; *sync says whether it was answered at once */

static GREYLIST_DECISION decide(GREYLIST_STORE *store, const char *client,
				        const char *rcpt, time_t now, int *sync)
{
    return (storelib_decide(store, keys, client, rcpt, now, WAIT_MS, sync));
}

/* expect - one request with the wanted action */

static void expect(GREYLIST_STORE *store, const char *client, const char *rcpt,
		           time_t now, int want)
{
    (void) storelib_expect(store, keys, client, rcpt, now, T0, WAIT_MS, want);
}

/* expect_series - <tag>0..<tag>n-1@example.com, step seconds apart */

static void expect_series(GREYLIST_STORE *store, const char *client,
			          const char *tag, int n, time_t start,
			          int step, int want)
{
    char    rcpt[64];
    int     i;

    for (i = 0; i < n; i++) {
	snprintf(rcpt, sizeof(rcpt), "%s%d@example.com", tag, i);
	expect(store, client, rcpt, start + (time_t) i * step, want);
    }
}

static GREYLIST_STORE *open_btree(void)
{
    return (greylist_store_open(STR(db_spec), &policy, 0, 1));
}

static GREYLIST_STORE *open_thread(void)
{
    return (greylist_store_thread_open(open_btree(), &limits));
}

/* plain_expect - the same question to the file alone, after close */

static void plain_expect(GREYLIST_STORE *store, const char *client,
			         const char *rcpt, time_t now, int want)
{
    expect(store, client, rcpt, now, want);
}

/* Tests. */

START_TEST(test_sequence)
{
    GREYLIST_STORE *store = open_thread();

    ck_assert_str_eq(store->type, "btree");
    expect(store, "192.0.2.1", "a@example.com", AT(0), GREYLIST_ACT_NEW);
    expect(store, "192.0.2.1", "a@example.com", AT(10), GREYLIST_ACT_EARLY);
    expect(store, "192.0.2.1", "a@example.com", AT(DELAY + 1), GREYLIST_ACT_PASS);
    expect(store, "192.0.2.1", "a@example.com", AT(DELAY + 2), GREYLIST_ACT_KNOWN);
    expect(store, "192.0.2.1", "b@example.com", AT(DELAY + 3), GREYLIST_ACT_NEW);
    store->close(store);

    /* Everything was committed at close: the file alone knows it. */
    store = open_btree();
    plain_expect(store, "192.0.2.1", "a@example.com", AT(DELAY + 4), GREYLIST_ACT_KNOWN);
    plain_expect(store, "192.0.2.1", "b@example.com", AT(DELAY + 5), GREYLIST_ACT_EARLY);
    plain_expect(store, "192.0.2.1", "c@example.com", AT(DELAY + 6), GREYLIST_ACT_NEW);
    store->close(store);
}

END_TEST

START_TEST(test_filter_answers_new)
{
    GREYLIST_STORE *store = open_thread();
    GREYLIST_DECISION got;
    char    rcpt[64];
    int     sync;
    int     i;

    ck_assert_msg(storelib_run_until(filter_ready, (void *) store, WAIT_MS),
		  "key filter not ready");
    for (i = 0; i < 50; i++) {
	snprintf(rcpt, sizeof(rcpt), "new%d@example.com", i);
	got = decide(store, "192.0.2.2", rcpt, AT(i), &sync);
	ck_assert_int_eq(got.action, GREYLIST_ACT_NEW);
	ck_assert_msg(sync, "%s: a new triplet waited for the thread", rcpt);
	/* The retry is answered from memory too. */
	got = decide(store, "192.0.2.2", rcpt, AT(i + 1), &sync);
	ck_assert_int_eq(got.action, GREYLIST_ACT_EARLY);
	ck_assert_msg(sync, "%s: a known triplet waited for the thread", rcpt);
    }
    store->close(store);
}

END_TEST

START_TEST(test_file_records)
{
    GREYLIST_STORE *store = open_btree();
    GREYLIST_DECISION got;
    int     sync;

    /* Records that only the file holds. */
    expect(store, "192.0.2.3", "old@example.com", AT(0), GREYLIST_ACT_NEW);
    expect(store, "192.0.2.3", "early@example.com", AT(30), GREYLIST_ACT_NEW);
    store->close(store);

    store = open_thread();
    /* Before the filter is ready: the thread looks. */
    expect(store, "192.0.2.3", "old@example.com", AT(DELAY + 1), GREYLIST_ACT_PASS);
    ck_assert_msg(storelib_run_until(filter_ready, (void *) store, WAIT_MS),
		  "key filter not ready");
    /* After: the filter says "maybe", the thread looks. */
    got = decide(store, "192.0.2.3", "early@example.com", AT(40), &sync);
    ck_assert_int_eq(got.action, GREYLIST_ACT_EARLY);
    ck_assert_msg(!sync, "a record of the file was answered without reading it");
    store->close(store);
}

END_TEST

START_TEST(test_cache_trim)
{
    GREYLIST_STORE *store;

    limits.cache_size = 4;
    store = open_thread();
    expect_series(store, "192.0.2.4", "trim", 40, AT(0), 1, GREYLIST_ACT_NEW);
    /* Wait for commits, so that the early ones leave memory. */
    event_loop(3 * limits.commit_ms);
    event_loop(3 * limits.commit_ms);
    expect_series(store, "192.0.2.4", "trim", 40, AT(DELAY + 100), 0,
		  GREYLIST_ACT_PASS);
    store->close(store);
}

END_TEST

/* kill_child - greylist, wait for a commit, die without closing */

static void kill_child(int wait_commit)
{
    GREYLIST_STORE *store = open_thread();

    expect_series(store, "192.0.2.5", "kill", 20, AT(0), 1, GREYLIST_ACT_NEW);
    if (wait_commit) {
	event_loop(5 * limits.commit_ms);
	event_loop(5 * limits.commit_ms);
    }
    (void) kill(getpid(), SIGKILL);
    _exit(1);
}

START_TEST(test_killed_after_commit)
{
    GREYLIST_STORE *store;
    pid_t   pid;
    int     status;

    (void) fflush(stdout);
    if ((pid = fork()) < 0)
	ck_abort_msg("fork: %s", strerror(errno));
    if (pid == 0)
	kill_child(1);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		  "child did not die of SIGKILL (status 0x%x)", status);
    store = open_btree();
    expect_series(store, "192.0.2.5", "kill", 20, AT(DELAY + 100), 0,
		  GREYLIST_ACT_PASS);
    store->close(store);
}

END_TEST

START_TEST(test_expiry)
{
    GREYLIST_STORE *store;
    time_t  now = time((time_t *) 0);
    long    before;
    int     i;

    /* Triplets greylisted two hours ago: past the retry window. */
    store = open_btree();
    expect_series(store, "192.0.2.6", "due", 300, now - 7200, 0,
		  GREYLIST_ACT_NEW);
    expect(store, "192.0.2.6", "fresh@example.com", now, GREYLIST_ACT_NEW);
    before = store->count(store);
    store->close(store);
    ck_assert_int_eq(before, 2 * 301);

    /* The thread expires by itself, right after it starts. */
    store = open_thread();
    for (i = 0; i < 300 && store->count(store) != 2; i++)
	event_loop(20);
    ck_assert_int_eq(store->count(store), 2);
    store->close(store);
    store = open_btree();
    ck_assert_int_eq(store->count(store), 2);
    plain_expect(store, "192.0.2.6", "fresh@example.com", now + 1, GREYLIST_ACT_EARLY);
    store->close(store);
}

END_TEST

START_TEST(test_overload)
{
    GREYLIST_STORE *store;

    limits.queue_limit = 5;
    limits.commit_ms = 60000;
    store = open_thread();
    expect_series(store, "192.0.2.7", "load", 5, AT(0), 1, GREYLIST_ACT_NEW);
    expect(store, "192.0.2.7", "over@example.com", AT(5), GREYLIST_ACT_ERROR);
    ck_assert_msg(test_msg_contains("updates wait for the disk (limit 5)"),
		  "no overload warning: %s", test_msg_log());
    store->close(store);
}

END_TEST

START_TEST(test_close_while_waiting)
{
    GREYLIST_STORE *store = open_btree();
    STORELIB_RESULT result;

    expect(store, "192.0.2.8", "wait@example.com", AT(0), GREYLIST_ACT_NEW);
    store->close(store);
    store = open_thread();
    storelib_submit(store, keys, "192.0.2.8", "wait@example.com", AT(1),
		    &result);
    store->close(store);
    ck_assert_int_eq(result.calls, 0);
}

END_TEST

static Suite *thread_suite(void)
{
    Suite  *s = suite_create("greylist_store_thread");
    TCase  *tc;

    tc = tcase_create("thread");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sequence);
    tcase_add_test(tc, test_filter_answers_new);
    tcase_add_test(tc, test_file_records);
    tcase_add_test(tc, test_cache_trim);
    tcase_add_test(tc, test_killed_after_commit);
    tcase_add_test(tc, test_expiry);
    tcase_add_test(tc, test_overload);
    tcase_add_test(tc, test_close_while_waiting);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(thread_suite()));
}
