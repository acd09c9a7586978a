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
/*	the thread, the overload limit, a request still waiting at
/*	close, the key filter saved at close and loaded at the next open
/*	(and not used when the file changed since: written by a spawn(8)
/*	copy or by a program that knows no seal, a damaged, truncated or
/*	foreign filter file, another whitelist threshold), and the
/*	whitelist marks (a client below the threshold costs no lookup).
/*	The failures of the file itself (full disk, damage, lost
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
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <tcbdb.h>

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

/* filter_path - where the thread saves its key filter */

static const char *filter_path(VSTRING *buf)
{
    return (STR(vstring_sprintf(buf, "%s/greylist.db.filter", tmpdir)));
}

/* save_filter - a run that builds the filter, records, and stops cleanly */

static void save_filter(const char *client, const char *tag, int n)
{
    GREYLIST_STORE *store = open_thread();

    ck_assert_msg(storelib_run_until(filter_ready, (void *) store, WAIT_MS),
		  "key filter not ready");
    expect_series(store, client, tag, n, AT(0), 1, GREYLIST_ACT_NEW);
    store->close(store);
}

START_TEST(test_filter_saved)
{
    GREYLIST_STORE *store;
    GREYLIST_DECISION got;
    VSTRING *path = vstring_alloc(100);
    struct stat st;
    int     sync;

    save_filter("192.0.2.8", "saved", 20);
    ck_assert_msg(stat(filter_path(path), &st) == 0, "%s: %s",
		  STR(path), strerror(errno));

    /* The next start loads it: complete at once, without a scan. */
    test_msg_clear();
    store = open_thread();
    ck_assert_msg(greylist_store_thread_filter_ready(store),
		  "saved filter not used: %s", test_msg_log());
    ck_assert_msg(test_msg_contains("key filter loaded from"), "%s", test_msg_log());
    got = decide(store, "192.0.2.8", "other@example.com", AT(30), &sync);
    ck_assert_int_eq(got.action, GREYLIST_ACT_NEW);
    ck_assert_msg(sync, "a new triplet waited for the thread");
    /* What the first run recorded is still there. */
    expect_series(store, "192.0.2.8", "saved", 20, AT(DELAY + 100), 0,
		  GREYLIST_ACT_PASS);
    store->close(store);
    vstring_free(path);
}

END_TEST

 /*
  * A saved filter must never be used for a file that gained keys since:
  * those keys would look new.
  */
#define STALE_SPAWN	0		/* a spawn(8) copy wrote to the file */
#define STALE_FOREIGN	1		/* a program that knows no seal */
#define STALE_DAMAGED	2		/* the saved filter is damaged */
#define STALE_THRESHOLD	3		/* another auto-whitelist threshold */
#define STALE_TRUNCATED	4		/* the saved filter was cut short */
#define STALE_GARBAGE	5		/* not a filter at all */
#define NSTALE		6

static const char *stale_why[NSTALE] = {
    "the database was not closed cleanly",
    "records, the database has",
    "bad checksum",
    "another auto-whitelist threshold",
    "greylist.db.filter: bad size",
    "greylist.db.filter: not a key filter of this version and host",
};

/* foreign_put - add a pending triplet with Tokyo Cabinet alone */

static void foreign_put(const char *client, const char *rcpt, time_t when)
{
    GREYLIST_TRIPLET triplet;
    VSTRING *rec = vstring_alloc(GREYLIST_TRIPLET_SIZE);
    TCBDB  *bdb = tcbdbnew();
    char    path[512];

    snprintf(path, sizeof(path), "%s/greylist.db", tmpdir);
    ck_assert_msg(tcbdbopen(bdb, path, BDBOWRITER), "tcbdbopen %s: %s", path,
		  tcbdberrmsg(tcbdbecode(bdb)));
    storelib_keys(keys, client, rcpt);
    memset((void *) &triplet, 0, sizeof(triplet));
    triplet.state = GREYLIST_STATE_PENDING;
    triplet.first_seen = triplet.last_seen = when;
    greylist_triplet_encode(&triplet, rec);
    ck_assert(tcbdbput(bdb, STR(keys->triplet), VSTRING_LEN(keys->triplet),
		       STR(rec), VSTRING_LEN(rec)));
    ck_assert(tcbdbclose(bdb));
    tcbdbdel(bdb);
    vstring_free(rec);
}

/* spawn_put - greylist a triplet as a spawn(8) copy does: the file alone */

static void spawn_put(const char *client, const char *rcpt, time_t when)
{
    GREYLIST_STORE *store = open_btree();

    plain_expect(store, client, rcpt, when, GREYLIST_ACT_NEW);
    store->close(store);
}

/* damage_filter - flip one bit of the saved bits, cut them, or replace them */

static void damage_filter(int how)
{
    VSTRING *path = vstring_alloc(100);
    struct stat st;
    unsigned char ch;
    int     fd;

    ck_assert_msg((fd = open(filter_path(path), O_RDWR)) >= 0, "%s: %s",
		  STR(path), strerror(errno));
    ck_assert(fstat(fd, &st) == 0);
    if (how == STALE_DAMAGED) {
	ck_assert(pread(fd, &ch, 1, st.st_size / 2) == 1);
	ch ^= 0x10;
	ck_assert(pwrite(fd, &ch, 1, st.st_size / 2) == 1);
    } else if (how == STALE_TRUNCATED) {
	ck_assert(ftruncate(fd, st.st_size - 4096) == 0);
    } else {
	ck_assert(ftruncate(fd, 0) == 0);
	ck_assert(pwrite(fd, "hello, this is not a filter\n", 28, 0) == 28);
	ck_assert(ftruncate(fd, st.st_size) == 0);
    }
    (void) close(fd);
    vstring_free(path);
}

START_TEST(test_filter_stale)
{
    GREYLIST_STORE *store;

    save_filter("192.0.2.9", "before", 2);
    if (_i == STALE_FOREIGN) {
	foreign_put("192.0.2.9", "later@example.com", AT(10));
    } else {
	spawn_put("192.0.2.9", "later@example.com", AT(10));
	if (_i != STALE_SPAWN)
	    save_filter("192.0.2.9", "again", 1);	/* sealed again */
	if (_i == STALE_THRESHOLD)
	    policy.awl_threshold += 1;
	else if (_i != STALE_SPAWN)
	    damage_filter(_i);
    }

    /* Not used: the thread reads every key, and the triplet is known. */
    test_msg_clear();
    store = open_thread();
    ck_assert_msg(test_msg_contains("reading every key for the key filter"),
		  "%s", test_msg_log());
    ck_assert_msg(test_msg_contains(stale_why[_i]), "want \"%s\": %s",
		  stale_why[_i], test_msg_log());
    ck_assert_msg(storelib_run_until(filter_ready, (void *) store, WAIT_MS),
		  "key filter not ready");
    expect(store, "192.0.2.9", "later@example.com", AT(20), GREYLIST_ACT_EARLY);
    store->close(store);
}

END_TEST

START_TEST(test_whitelist_mark)
{
    GREYLIST_STORE *store;
    GREYLIST_DECISION got;
    int     sync;

    /* In the file: 192.0.2.11 passed three times, 192.0.2.12 once. */
    policy.awl_threshold = 2;
    store = open_btree();
    expect_series(store, "192.0.2.11", "p", 3, AT(0), 1, GREYLIST_ACT_NEW);
    expect_series(store, "192.0.2.11", "p", 3, AT(DELAY + 10), 1, GREYLIST_ACT_PASS);
    expect(store, "192.0.2.12", "p0@example.com", AT(0), GREYLIST_ACT_NEW);
    expect(store, "192.0.2.12", "p0@example.com", AT(DELAY + 10), GREYLIST_ACT_PASS);
    store->close(store);

    store = open_thread();
    ck_assert_msg(storelib_run_until(filter_ready, (void *) store, WAIT_MS),
		  "key filter not ready");

    /* The whitelisted client's counter is read: it changes the answer. */
    got = decide(store, "192.0.2.11", "new@example.com", AT(DELAY + 20), &sync);
    ck_assert_msg(got.action == GREYLIST_ACT_WHITELIST, "got %s",
		  storelib_action_label(got.action));
    ck_assert_msg(!sync, "a whitelisted client was answered without its record");

    /* The other one's is not: it cannot change the answer. */
    got = decide(store, "192.0.2.12", "new@example.com", AT(DELAY + 20), &sync);
    ck_assert_int_eq(got.action, GREYLIST_ACT_NEW);
    ck_assert_msg(sync, "a new triplet waited for a client record that cannot matter");
    got = decide(store, "192.0.2.12", "new@example.com", AT(DELAY + 25), &sync);
    ck_assert_int_eq(got.action, GREYLIST_ACT_EARLY);
    ck_assert_msg(sync, "an early retry waited for a client record that cannot matter");

    /* A pass needs the counter: it goes up, 192.0.2.12 is whitelisted. */
    expect(store, "192.0.2.12", "new@example.com", AT(2 * DELAY + 30), GREYLIST_ACT_PASS);
    expect(store, "192.0.2.12", "new2@example.com", AT(2 * DELAY + 31), GREYLIST_ACT_NEW);
    expect(store, "192.0.2.12", "new2@example.com", AT(3 * DELAY + 40), GREYLIST_ACT_PASS);
    expect(store, "192.0.2.12", "new3@example.com", AT(3 * DELAY + 41),
	   GREYLIST_ACT_WHITELIST);
    store->close(store);

    /* The mark made in memory was saved with the filter. */
    store = open_thread();
    ck_assert_msg(greylist_store_thread_filter_ready(store), "%s", test_msg_log());
    got = decide(store, "192.0.2.12", "new4@example.com", AT(3 * DELAY + 50), &sync);
    ck_assert_msg(got.action == GREYLIST_ACT_WHITELIST, "got %s",
		  storelib_action_label(got.action));
    store->close(store);
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
    tcase_add_test(tc, test_filter_saved);
    tcase_add_loop_test(tc, test_filter_stale, 0, NSTALE);
    tcase_add_test(tc, test_whitelist_mark);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(thread_suite()));
}
