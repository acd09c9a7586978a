/*++
/* NAME
/*	check_greylist_store 1
/* SUMMARY
/*	greylist_store(3) and greylist_store_btree(3) unit tests
/* SYNOPSIS
/*	./check_greylist_store
/* DESCRIPTION
/*	The record codec (round trips, the byte layout, every reason to
/*	refuse a record), the time index keys (round trip, sort order),
/*	store specifications, and the Tokyo Cabinet backend on a file in
/*	a private directory, with a fake clock: the decision sequence
/*	through the callback, state kept over close and reopen, updates
/*	lost by a killed process only after the last commit, expiry in
/*	batches (and the records that are not due), malformed records
/*	counted as absent, damaged files moved aside, the lock against a
/*	second process (fatal for a long-running daemon, a timeout and
/*	GREYLIST_ACT_ERROR with per-request locking), and a database
/*	that disappears.
/*
/*	Tests that fork keep the Tokyo Cabinet file closed in the test
/*	process while they fork: the library keeps a per-process list
/*	of open files that a child would inherit.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Tokyo Cabinet. */

#include <tcutil.h>
#include <tcbdb.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>

/* Application-specific. */

#include <greylist_policy.h>
#include <greylist_key.h>
#include <greylist_store.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"
#include "storelib.h"

 /*
  * The fake clock.
  */
#define T0		((time_t) 1700000000)
#define AT(x)		(T0 + (x))

#define DELAY		60
#define RETRY_WINDOW	3600
#define MAX_AGE		86400
#define AWL		3
#define REFRESH		600

#define STR(x)		vstring_str(x)
#define LEN(x)		VSTRING_LEN(x)

/* test_policy - the limits */

static GREYLIST_POLICY test_policy(int retry_window)
{
    GREYLIST_POLICY policy;

    policy.delay = DELAY;
    policy.retry_window = retry_window;
    policy.max_age = MAX_AGE;
    policy.awl_threshold = AWL;
    policy.refresh = REFRESH;
    return (policy);
}

/*
 * Record codec.
 */

static const GREYLIST_TRIPLET triplet_cases[] = {
    {GREYLIST_STATE_PENDING, 1, 1, 0},
    {GREYLIST_STATE_PENDING, T0, T0, 0},
    {GREYLIST_STATE_PASSED, T0, AT(61), 1},
    {GREYLIST_STATE_PASSED, T0, AT(MAX_AGE), UINT_MAX},
    {GREYLIST_STATE_PASSED, (time_t) 1 << 40, ((time_t) 1 << 40) + 255, 256},
    {GREYLIST_STATE_PENDING, 0x0102030405060708LL, 0x0102030405060708LL, 0x01020304},
};

#define NTRIPLET	(sizeof(triplet_cases) / sizeof(triplet_cases[0]))

/* test_triplet_roundtrip - encode, decode, compare */

START_TEST(test_triplet_roundtrip)
{
    const GREYLIST_TRIPLET *want = triplet_cases + _i;
    VSTRING *buf = vstring_alloc(10);
    GREYLIST_TRIPLET got;

    VSTRING_ADDCH(buf, 'x');		/* encode replaces, not appends */
    greylist_triplet_encode(want, buf);
    ck_assert_int_eq(LEN(buf), GREYLIST_TRIPLET_SIZE);
    memset((void *) &got, 0x55, sizeof(got));
    ck_assert_int_eq(greylist_triplet_decode(STR(buf), LEN(buf), &got), 1);
    ck_assert_int_eq(got.state, want->state);
    ck_assert_msg(got.first_seen == want->first_seen, "first_seen: got %lld, want %lld",
		  (long long) got.first_seen, (long long) want->first_seen);
    ck_assert_msg(got.last_seen == want->last_seen, "last_seen: got %lld, want %lld",
		  (long long) got.last_seen, (long long) want->last_seen);
    ck_assert_uint_eq(got.count, want->count);
    vstring_free(buf);
}

END_TEST

/* test_triplet_layout - the bytes, big-endian */

START_TEST(test_triplet_layout)
{
    static const unsigned char want[GREYLIST_TRIPLET_SIZE] = {
	1, 'T', GREYLIST_STATE_PENDING, 0,
	1, 2, 3, 4, 5, 6, 7, 8,
	1, 2, 3, 4, 5, 6, 7, 8,
	1, 2, 3, 4,
    };
    VSTRING *buf = vstring_alloc(10);

    greylist_triplet_encode(triplet_cases + 5, buf);
    ck_assert_mem_eq(STR(buf), want, sizeof(want));
    vstring_free(buf);
}

END_TEST

 /*
  * Malformed triplets: change one byte of a good record, or its length.
  */
static const struct {
    const char *label;
    int     offset;			/* -1: change the length */
    int     value;			/* the byte, or the length */
} bad_triplet_cases[] = {
    {"version 0", 0, 0},
    {"version 2", 0, 2},
    {"kind C", 1, 'C'},
    {"kind t", 1, 't'},
    {"state 0", 2, 0},
    {"state 3", 2, 3},
    {"state 255", 2, 255},
    {"padding", 3, 1},
    {"first_seen 0", -2, 0},
    {"last_seen before first_seen", -3, 0},
    {"length 0", -1, 0},
    {"length 5", -1, 5},
    {"length 23", -1, GREYLIST_TRIPLET_SIZE - 1},
    {"length 25", -1, GREYLIST_TRIPLET_SIZE + 1},
    {"client record", -4, 0},
};

#define NBAD_TRIPLET	(sizeof(bad_triplet_cases) / sizeof(bad_triplet_cases[0]))

/* test_triplet_bad - table */

START_TEST(test_triplet_bad)
{
    GREYLIST_TRIPLET tp = triplet_cases[2];
    GREYLIST_CLIENT client = {5, T0};
    GREYLIST_TRIPLET got;
    VSTRING *buf = vstring_alloc(10);
    ssize_t len = GREYLIST_TRIPLET_SIZE;

    switch (bad_triplet_cases[_i].offset) {
    case -2:
	tp.first_seen = 0;
	tp.last_seen = 0;
	break;
    case -3:
	tp.last_seen = tp.first_seen - 1;
	break;
    }
    if (bad_triplet_cases[_i].offset == -4) {
	greylist_client_encode(&client, buf);
	len = LEN(buf);
    } else {
	greylist_triplet_encode(&tp, buf);
    }
    if (bad_triplet_cases[_i].offset == -1) {
	len = bad_triplet_cases[_i].value;
	while (LEN(buf) < len)
	    VSTRING_ADDCH(buf, 0);
    } else if (bad_triplet_cases[_i].offset >= 0) {
	STR(buf)[bad_triplet_cases[_i].offset] = (char) bad_triplet_cases[_i].value;
    }
    ck_assert_msg(greylist_triplet_decode(STR(buf), len, &got) == 0,
		  "%s: accepted", bad_triplet_cases[_i].label);
    vstring_free(buf);
}

END_TEST

static const GREYLIST_CLIENT client_cases[] = {
    {0, 1},
    {1, T0},
    {UINT_MAX, AT(MAX_AGE)},
    {0x01020304, 0x0102030405060708LL},
};

#define NCLIENT	(sizeof(client_cases) / sizeof(client_cases[0]))

/* test_client_roundtrip - encode, decode, compare */

START_TEST(test_client_roundtrip)
{
    const GREYLIST_CLIENT *want = client_cases + _i;
    VSTRING *buf = vstring_alloc(10);
    GREYLIST_CLIENT got;

    greylist_client_encode(want, buf);
    ck_assert_int_eq(LEN(buf), GREYLIST_CLIENT_SIZE);
    memset((void *) &got, 0x55, sizeof(got));
    ck_assert_int_eq(greylist_client_decode(STR(buf), LEN(buf), &got), 1);
    ck_assert_uint_eq(got.count, want->count);
    ck_assert_msg(got.last_seen == want->last_seen, "last_seen: got %lld, want %lld",
		  (long long) got.last_seen, (long long) want->last_seen);
    vstring_free(buf);
}

END_TEST

/* test_client_layout - the bytes, big-endian */

START_TEST(test_client_layout)
{
    static const unsigned char want[GREYLIST_CLIENT_SIZE] = {
	1, 'C', 0, 0,
	1, 2, 3, 4,
	1, 2, 3, 4, 5, 6, 7, 8,
    };
    VSTRING *buf = vstring_alloc(10);

    greylist_client_encode(client_cases + 3, buf);
    ck_assert_mem_eq(STR(buf), want, sizeof(want));
    vstring_free(buf);
}

END_TEST

static const struct {
    const char *label;
    int     offset;			/* -1: change the length */
    int     value;
} bad_client_cases[] = {
    {"version 0", 0, 0},
    {"version 9", 0, 9},
    {"kind T", 1, 'T'},
    {"padding 2", 2, 1},
    {"padding 3", 3, 1},
    {"last_seen 0", -2, 0},
    {"length 0", -1, 0},
    {"length 15", -1, GREYLIST_CLIENT_SIZE - 1},
    {"length 24", -1, GREYLIST_TRIPLET_SIZE},
};

#define NBAD_CLIENT	(sizeof(bad_client_cases) / sizeof(bad_client_cases[0]))

/* test_client_bad - table */

START_TEST(test_client_bad)
{
    GREYLIST_CLIENT cp = client_cases[1];
    GREYLIST_CLIENT got;
    VSTRING *buf = vstring_alloc(10);
    ssize_t len = GREYLIST_CLIENT_SIZE;

    if (bad_client_cases[_i].offset == -2)
	cp.last_seen = 0;
    greylist_client_encode(&cp, buf);
    if (bad_client_cases[_i].offset == -1) {
	len = bad_client_cases[_i].value;
	while (LEN(buf) < len)
	    VSTRING_ADDCH(buf, 0);
    } else if (bad_client_cases[_i].offset >= 0) {
	STR(buf)[bad_client_cases[_i].offset] = (char) bad_client_cases[_i].value;
    }
    ck_assert_msg(greylist_client_decode(STR(buf), len, &got) == 0,
		  "%s: accepted", bad_client_cases[_i].label);
    vstring_free(buf);
}

END_TEST

/*
 * Time index keys.
 */

static const struct {
    time_t  when;
    const char *key;
    time_t  want_when;
} index_cases[] = {
    {T0, "T192.0.2.1/a@b/c@d", T0},
    {0, "C192.0.2.0/24", 0},
    {-5, "Tx", 0},
    {1, "T", 1},
    {0x0102030405060708LL, "Cabc", 0x0102030405060708LL},
};

#define NINDEX	(sizeof(index_cases) / sizeof(index_cases[0]))

/* test_index_roundtrip - make a key, split it */

START_TEST(test_index_roundtrip)
{
    VSTRING *buf = vstring_alloc(10);
    const char *key = index_cases[_i].key;
    ssize_t key_len = strlen(key);
    time_t  got_when;
    const char *got_key;
    ssize_t got_len;

    greylist_index_key(buf, index_cases[_i].when, key, key_len);
    ck_assert_int_eq(LEN(buf), GREYLIST_INDEX_PREFIX + key_len);
    ck_assert_int_eq((unsigned char) STR(buf)[0], 0xff);
    ck_assert_int_eq(greylist_index_parse(STR(buf), LEN(buf), &got_when,
					  &got_key, &got_len), 1);
    ck_assert_msg(got_when == index_cases[_i].want_when, "when: got %lld, want %lld",
		  (long long) got_when, (long long) index_cases[_i].want_when);
    ck_assert_int_eq(got_len, key_len);
    ck_assert_mem_eq(got_key, key, key_len);
    ck_assert_ptr_eq(got_key, STR(buf) + GREYLIST_INDEX_PREFIX);
    vstring_free(buf);
}

END_TEST

/* test_index_bad - not an index key */

START_TEST(test_index_bad)
{
    VSTRING *buf = vstring_alloc(10);
    time_t  when;
    const char *key;
    ssize_t len;

    greylist_index_key(buf, T0, "Tk", 2);
    ck_assert_int_eq(greylist_index_parse(STR(buf), GREYLIST_INDEX_PREFIX,
					  &when, &key, &len), 0);
    ck_assert_int_eq(greylist_index_parse(STR(buf), 1, &when, &key, &len), 0);
    ck_assert_int_eq(greylist_index_parse(STR(buf), 0, &when, &key, &len), 0);
    STR(buf)[0] = 'T';
    ck_assert_int_eq(greylist_index_parse(STR(buf), LEN(buf), &when, &key, &len), 0);
    ck_assert_int_eq(greylist_index_parse("T192.0.2.1/a/b/c/d/e", 20,
					  &when, &key, &len), 0);
    vstring_free(buf);
}

END_TEST

 /*
  * The order of index keys is the order of their times, whatever the
  * record keys.
  */
static const struct {
    time_t  t1;
    const char *k1;
    time_t  t2;
    const char *k2;
} order_cases[] = {
    {T0, "Ta", AT(1), "Ta"},
    {T0, "Tzzzzzz", AT(1), "Ta"},
    {255, "Tz", 256, "Ta"},
    {0xffffff, "Cz", 0x1000000, "Ca"},
    {0xffffffffLL, "T", 0x100000000LL, "T"},
    {0, "Tz", 1, "Ta"},
    {-1, "Tz", 1, "Ta"},
    {T0, "Tz", (time_t) 1 << 62, "C"},
    {T0, "Ca", T0, "Cb"},
    {T0, "T1", T0, "T12"},
};

#define NORDER	(sizeof(order_cases) / sizeof(order_cases[0]))

/* test_index_order - memcmp(key(t1), key(t2)) < 0 */

START_TEST(test_index_order)
{
    VSTRING *k1 = vstring_alloc(10);
    VSTRING *k2 = vstring_alloc(10);
    int     got;

    greylist_index_key(k1, order_cases[_i].t1, order_cases[_i].k1,
		       strlen(order_cases[_i].k1));
    greylist_index_key(k2, order_cases[_i].t2, order_cases[_i].k2,
		       strlen(order_cases[_i].k2));

    /*
     * Tokyo Cabinet's lexical order: memcmp, then the shorter first.
     */
    got = memcmp(STR(k1), STR(k2), LEN(k1) < LEN(k2) ? LEN(k1) : LEN(k2));
    if (got == 0)
	got = (LEN(k1) < LEN(k2) ? -1 : LEN(k1) > LEN(k2) ? 1 : 0);
    ck_assert_msg(got < 0, "%lld/%s vs %lld/%s: got %d, want < 0",
		  (long long) order_cases[_i].t1, order_cases[_i].k1,
		  (long long) order_cases[_i].t2, order_cases[_i].k2, got);
    ck_assert_int_lt(tccmplexical(STR(k1), LEN(k1), STR(k2), LEN(k2), 0), 0);
    vstring_free(k1);
    vstring_free(k2);
}

END_TEST

/* test_index_sorts_last - after every triplet and client key */

START_TEST(test_index_sorts_last)
{
    static const char *keys[] = {"T", "Tzzz", "C\xfe\xfe", "\xfe"};
    VSTRING *index = vstring_alloc(10);
    size_t  i;

    greylist_index_key(index, 0, "", 0);
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
	ck_assert_msg(tccmplexical(keys[i], strlen(keys[i]), STR(index),
				   LEN(index), 0) < 0,
		      "key %ld sorts after the index", (long) i);
    vstring_free(index);
}

END_TEST

/*
 * Store specifications.
 */

static const struct {
    const char *spec;
    const char *want;			/* null: accepted */
} spec_cases[] = {
    {"btree:/var/lib/postfix/greylist.db", 0},
    {"btree:/x", 0},
    {"btree:relative/path", "the btree: file name must be an absolute path"},
    {"btree:", "the btree: file name must be an absolute path"},
    {"hash:/x", "unsupported store type (supported: btree)"},
    {"redis:127.0.0.1:6379", "unsupported store type (supported: btree)"},
    {"BTREE:/x", "unsupported store type (supported: btree)"},
    {"/var/lib/postfix/greylist.db", "missing type: (use btree:/path/to/file)"},
    {"", "missing type: (use btree:/path/to/file)"},
};

#define NSPEC	(sizeof(spec_cases) / sizeof(spec_cases[0]))

/* test_check_spec - table */

START_TEST(test_check_spec)
{
    const char *got = greylist_store_check_spec(spec_cases[_i].spec);
    const char *want = spec_cases[_i].want;

    ck_assert_msg(got == want || (got && want && strcmp(got, want) == 0),
		  "\"%s\": got \"%s\", want \"%s\"", spec_cases[_i].spec,
		  got ? got : "(accepted)", want ? want : "(accepted)");
}

END_TEST

static const struct {
    const char *spec;
    const char *want;
} open_bad_cases[] = {
    {"hash:/x", "greylist store \"hash:/x\": unsupported store type"},
    {"btree:x.db", "greylist store \"btree:x.db\": the btree: file name must be an absolute path"},
    {"/x.db", "greylist store \"/x.db\": missing type"},
};

#define NOPEN_BAD	(sizeof(open_bad_cases) / sizeof(open_bad_cases[0]))

/* test_open_bad_spec - fatal */

START_TEST(test_open_bad_spec)
{
    GREYLIST_POLICY policy = test_policy(RETRY_WINDOW);

    unit_expect_msg(open_bad_cases[_i].want);
    (void) greylist_store_open(open_bad_cases[_i].spec, &policy, 0, 1);
    ck_abort_msg("%s: no fatal error", open_bad_cases[_i].spec);
}

END_TEST

/*
 * The B+tree backend. Every test has its own directory.
 */

static char *tmpdir;
static VSTRING *db_path;			/* tmpdir/greylist.db */
static VSTRING *db_spec;			/* btree:db_path */
static GREYLIST_POLICY policy;
static GREYLIST_KEYS *keys;

/* store_setup - per test */

static void store_setup(void)
{
    test_msg_capture();
    tmpdir = test_tmpdir("store");
    db_path = vstring_alloc(100);
    vstring_sprintf(db_path, "%s/greylist.db", tmpdir);
    db_spec = vstring_alloc(100);
    vstring_sprintf(db_spec, "btree:%s", STR(db_path));
    policy = test_policy(RETRY_WINDOW);
    keys = greylist_keys_create();
}

/* store_teardown - per test */

static void store_teardown(void)
{
    greylist_keys_free(keys);
    vstring_free(db_spec);
    vstring_free(db_path);
    test_rmdir(tmpdir);
    myfree(tmpdir);
}

/* store_open - open the test database */

static GREYLIST_STORE *store_open(int flags, int lock_timeout)
{
    GREYLIST_STORE *store = greylist_store_open(STR(db_spec), &policy, flags,
						lock_timeout);

    ck_assert_ptr_nonnull(store);
    ck_assert_str_eq(store->type, "btree");
    ck_assert_str_eq(store->name, STR(db_path));
    return (store);
}

 /*
  * decide() is asynchronous in shape; the B+tree answers before it returns
  * (storelib wait time 0).
  */

/* decide - one request, exactly one answer */

static GREYLIST_DECISION decide(GREYLIST_STORE *store, const char *client,
					const char *rcpt, time_t now)
{
    return (storelib_decide(store, keys, client, rcpt, now, 0, (int *) 0));
}

/* expect - one request with the wanted action */

static GREYLIST_DECISION expect(GREYLIST_STORE *store, const char *client,
					const char *rcpt, time_t now,
					int want)
{
    return (storelib_expect(store, keys, client, rcpt, now, T0, 0, want));
}

/* raw_put - write a record with Tokyo Cabinet, in a transaction */

static void raw_put(const char *key, int klen, const char *val, int vlen)
{
    TCBDB  *bdb = tcbdbnew();

    if (!tcbdbopen(bdb, STR(db_path), BDBOWRITER | BDBOCREAT | BDBOLCKNB)
	|| !tcbdbtranbegin(bdb)
	|| !tcbdbput(bdb, key, klen, val, vlen)
	|| !tcbdbtrancommit(bdb)
	|| !tcbdbclose(bdb))
	ck_abort_msg("raw_put %s: %s", STR(db_path),
		     tcbdberrmsg(tcbdbecode(bdb)));
    tcbdbdel(bdb);
}

/* raw_flags - the header flags of a closed file */

static int raw_flags(void)
{
    TCBDB  *bdb = tcbdbnew();
    int     flags;

    if (!tcbdbopen(bdb, STR(db_path), BDBOREADER | BDBOLCKNB))
	ck_abort_msg("open %s: %s", STR(db_path), tcbdberrmsg(tcbdbecode(bdb)));
    flags = tcbdbflags(bdb);
    (void) tcbdbclose(bdb);
    tcbdbdel(bdb);
    return (flags);
}

/* file_exists - stat() */

static int file_exists(const char *path)
{
    struct stat st;

    return (stat(path, &st) == 0);
}

/* aside_name - the one <name>.corrupt.<digits> in the directory, or null */

static char *aside_name(const char *suffix)
{
    DIR    *dir;
    struct dirent *dp;
    const char *prefix = "greylist.db.corrupt.";
    size_t  plen = strlen(prefix);
    size_t  slen = strlen(suffix);
    size_t  len;
    char   *found = 0;
    int     count = 0;

    if ((dir = opendir(tmpdir)) == 0)
	ck_abort_msg("opendir %s: %s", tmpdir, strerror(errno));
    while ((dp = readdir(dir)) != 0) {
	len = strlen(dp->d_name);
	if (strncmp(dp->d_name, prefix, plen) != 0 || len <= plen + slen
	    || strcmp(dp->d_name + len - slen, suffix) != 0
	    || strspn(dp->d_name + plen, "0123456789") != len - plen - slen)
	    continue;
	count++;
	if (found == 0)
	    found = mystrdup(dp->d_name);
    }
    (void) closedir(dir);
    ck_assert_msg(count <= 1, "%d files moved aside", count);
    return (found);
}

/* test_open_creates - a new, empty file */

START_TEST(test_open_creates)
{
    GREYLIST_STORE *store;

    ck_assert(!file_exists(STR(db_path)));
    store = store_open(0, 1);
    ck_assert(file_exists(STR(db_path)));
    ck_assert_int_eq(store->count(store), 0);
    ck_assert_int_eq(store->commit(store), 0);
    store->close(store);
    ck_assert(file_exists(STR(db_path)));
    ck_assert_int_eq(raw_flags(), 0);		/* closed cleanly */

    store = store_open(0, 1);
    ck_assert_int_eq(store->count(store), 0);
    store->close(store);
    ck_assert_msg(strstr(test_msg_log(), "warning") == 0, "unexpected: %s",
		  test_msg_log());
}

END_TEST

/* test_decide_sequence - NEW, EARLY, PASS, KNOWN; restart keeps state */

START_TEST(test_decide_sequence)
{
    GREYLIST_STORE *store = store_open(0, 1);
    GREYLIST_DECISION got;

    got = expect(store, "192.0.2.1", "a@example.com", T0, GREYLIST_ACT_NEW);
    ck_assert_int_eq(got.remaining, DELAY + 1);
    ck_assert_int_eq(store->count(store), 2);	/* triplet + index */
    got = expect(store, "192.0.2.1", "a@example.com", AT(30), GREYLIST_ACT_EARLY);
    ck_assert_int_eq(got.remaining, DELAY - 30 + 1);
    ck_assert_int_eq(got.age, 30);
    got = expect(store, "192.0.2.1", "a@example.com", AT(DELAY), GREYLIST_ACT_EARLY);
    ck_assert_int_eq(got.remaining, 1);
    got = expect(store, "192.0.2.1", "a@example.com", AT(DELAY + 1), GREYLIST_ACT_PASS);
    ck_assert_int_eq(got.age, DELAY + 1);
    ck_assert_uint_eq(got.client_count, 1);
    ck_assert_int_eq(store->count(store), 4);	/* + client + index */
    got = expect(store, "192.0.2.1", "a@example.com", AT(100), GREYLIST_ACT_KNOWN);
    ck_assert_uint_eq(got.client_count, 2);
    ck_assert_uint_eq(got.triplet.count, 2);

    /*
     * Another recipient is another triplet; the client is the same.
     */
    expect(store, "192.0.2.1", "b@example.com", AT(100), GREYLIST_ACT_NEW);
    ck_assert_int_eq(store->count(store), 6);
    ck_assert_int_eq(store->commit(store), 0);
    ck_assert_int_eq(store->commit(store), 0);
    store->close(store);

    /*
     * Restart.
     */
    store = store_open(0, 1);
    ck_assert_int_eq(store->count(store), 6);
    got = expect(store, "192.0.2.1", "a@example.com", AT(200), GREYLIST_ACT_KNOWN);
    ck_assert_uint_eq(got.client_count, 3);
    ck_assert_uint_eq(got.triplet.count, 3);
    ck_assert_msg(got.triplet.first_seen == T0, "first_seen: got T0%+ld",
		  (long) (got.triplet.first_seen - T0));
    expect(store, "192.0.2.1", "b@example.com", AT(150), GREYLIST_ACT_EARLY);
    store->close(store);
    ck_assert_msg(strstr(test_msg_log(), "warning") == 0, "unexpected: %s",
		  test_msg_log());
}

END_TEST

/* test_whitelist - a client that passed often enough */

START_TEST(test_whitelist)
{
    GREYLIST_STORE *store = store_open(0, 1);
    GREYLIST_DECISION got;
    char    rcpt[100];
    long    before;
    int     i;

    for (i = 1; i <= AWL + 1; i++) {
	snprintf(rcpt, sizeof(rcpt), "r%d@example.com", i);
	expect(store, "192.0.2.7", rcpt, T0, GREYLIST_ACT_NEW);
	got = expect(store, "192.0.2.7", rcpt, AT(DELAY + 1), GREYLIST_ACT_PASS);
	ck_assert_uint_eq(got.client_count, i);
    }
    before = store->count(store);
    got = expect(store, "192.0.2.7", "new@example.com", AT(DELAY + 2),
		 GREYLIST_ACT_WHITELIST);
    ck_assert_uint_eq(got.client_count, AWL + 1);
    ck_assert_int_eq(store->count(store), before);
    expect(store, "192.0.2.8", "new@example.com", AT(DELAY + 2), GREYLIST_ACT_NEW);
    store->close(store);
}

END_TEST

/* crash_child - update, commit, update, die without closing */

static void crash_child(void *context)
{
    GREYLIST_STORE *store;
    STORELIB_RESULT result;

    store = greylist_store_open(STR(db_spec), &policy, 0, 1);
    storelib_submit(store, keys, "192.0.2.1", "committed@example.com", T0,
		    &result);
    if (result.decision.action != GREYLIST_ACT_NEW || store->commit(store) != 0)
	_exit(3);
    storelib_submit(store, keys, "192.0.2.1", "lost@example.com", T0, &result);
    if (result.decision.action != GREYLIST_ACT_NEW)
	_exit(4);
    _exit(0);				/* as kill -9: no close, no commit */
}

/* test_crash - a killed process loses only what it did not commit */

START_TEST(test_crash)
{
    VSTRING *out = vstring_alloc(100);
    GREYLIST_STORE *store;
    char   *aside;
    int     status;

    status = unit_run_child(crash_child, (void *) 0, out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "child status 0x%x: %s", status, STR(out));

    /*
     * The undo log rolls the open transaction back at the next open.
     */
    store = store_open(0, 1);
    ck_assert_int_eq(store->count(store), 2);
    expect(store, "192.0.2.1", "committed@example.com", AT(1), GREYLIST_ACT_EARLY);
    expect(store, "192.0.2.1", "lost@example.com", AT(1), GREYLIST_ACT_NEW);
    store->close(store);
    aside = aside_name("");
    ck_assert_msg(aside == 0, "database was moved aside: %s", test_msg_log());
    vstring_free(out);
}

END_TEST

/* make_pending - n pending triplets of one client at one time */

static void make_pending(GREYLIST_STORE *store, const char *tag, int n, time_t now)
{
    char    rcpt[100];
    int     i;

    for (i = 0; i < n; i++) {
	snprintf(rcpt, sizeof(rcpt), "%s%d@example.com", tag, i);
	expect(store, "192.0.2.1", rcpt, now, GREYLIST_ACT_NEW);
    }
}

/* test_expire_batches - 500 due records, 100 at a time */

START_TEST(test_expire_batches)
{
    GREYLIST_STORE *store = store_open(0, 1);
    int     more;
    int     got;
    int     total = 0;
    int     calls = 0;

    make_pending(store, "due", 500, T0);
    make_pending(store, "later", 10, AT(1000));
    ck_assert_int_eq(store->commit(store), 0);
    ck_assert_int_eq(store->count(store), 1020);

    /*
     * Nothing is due one second early.
     */
    more = -1;
    ck_assert_int_eq(store->expire(store, AT(RETRY_WINDOW - 1), 100, 60000, &more), 0);
    ck_assert_int_eq(more, 0);
    ck_assert_int_eq(store->count(store), 1020);

    /*
     * Batches.
     */
    more = -1;
    got = store->expire(store, AT(RETRY_WINDOW + 1), 100, 60000, &more);
    ck_assert_int_eq(got, 100);
    ck_assert_int_eq(more, 1);
    ck_assert_int_eq(store->count(store), 1020 - 200);
    total = got;
    calls = 1;
    while (more) {
	ck_assert_msg(calls < 20, "expiry does not end");
	got = store->expire(store, AT(RETRY_WINDOW + 1), 100, 60000, &more);
	ck_assert_msg(got >= 0 && got <= 100, "batch of %d", got);
	total += got;
	calls++;
    }
    ck_assert_int_eq(total, 500);
    ck_assert_int_eq(calls, 6);
    ck_assert_int_eq(store->count(store), 20);
    ck_assert_int_eq(store->commit(store), 0);

    /*
     * The records that were due are gone, the others untouched.
     */
    expect(store, "192.0.2.1", "due0@example.com", AT(RETRY_WINDOW + 2),
	   GREYLIST_ACT_NEW);
    expect(store, "192.0.2.1", "due499@example.com", AT(RETRY_WINDOW + 2),
	   GREYLIST_ACT_NEW);
    expect(store, "192.0.2.1", "later0@example.com", AT(RETRY_WINDOW + 2),
	   GREYLIST_ACT_PASS);
    store->close(store);

    /*
     * And it stays so.
     */
    store = store_open(0, 1);
    ck_assert_int_eq(store->count(store), 2 * 2 + 10 * 2 + 2);
    store->close(store);
}

END_TEST

/* test_expire_boundary - due at exactly the expiry time */

START_TEST(test_expire_boundary)
{
    GREYLIST_STORE *store = store_open(0, 1);
    int     more;

    make_pending(store, "r", 3, T0);
    ck_assert_int_eq(store->expire(store, AT(RETRY_WINDOW) - 1, 100, 60000, &more), 0);
    ck_assert_int_eq(store->count(store), 6);
    ck_assert_int_eq(store->expire(store, AT(RETRY_WINDOW), 100, 60000, &more), 3);
    ck_assert_int_eq(more, 0);
    ck_assert_int_eq(store->count(store), 0);

    /*
     * A passed triplet and its client live for max_age after the pass.
     */
    expect(store, "192.0.2.1", "p@example.com", T0, GREYLIST_ACT_NEW);
    expect(store, "192.0.2.1", "p@example.com", AT(DELAY + 1), GREYLIST_ACT_PASS);
    ck_assert_int_eq(store->count(store), 4);
    ck_assert_int_eq(store->expire(store, AT(RETRY_WINDOW + 10), 100, 60000, &more), 0);
    ck_assert_int_eq(store->expire(store, AT(DELAY + 1 + MAX_AGE - 1), 100, 60000,
				   &more), 0);
    ck_assert_int_eq(store->count(store), 4);
    ck_assert_int_eq(store->expire(store, AT(DELAY + 1 + MAX_AGE), 100, 60000, &more), 2);
    ck_assert_int_eq(store->count(store), 0);
    store->close(store);
}

END_TEST

/* test_expire_time_limit - max_ms 0: one check after 16 records */

START_TEST(test_expire_time_limit)
{
    GREYLIST_STORE *store = store_open(0, 1);
    int     more = 0;

    make_pending(store, "r", 40, T0);
    ck_assert_int_eq(store->expire(store, AT(RETRY_WINDOW), 1000, 0, &more), 16);
    ck_assert_int_eq(more, 1);
    ck_assert_int_eq(store->count(store), 2 * (40 - 16));
    store->close(store);
}

END_TEST

/* test_expire_limits_raised - the record lives longer than its index */

START_TEST(test_expire_limits_raised)
{
    GREYLIST_STORE *store = store_open(0, 1);
    int     more;

    make_pending(store, "r", 1, T0);
    store->close(store);

    policy.retry_window = 2 * RETRY_WINDOW;
    store = store_open(0, 1);
    (void) store->expire(store, AT(RETRY_WINDOW), 100, 60000, &more);
    ck_assert_int_eq(more, 0);
    ck_assert_int_eq(store->count(store), 2);	/* index entry moved */
    ck_assert_int_eq(store->expire(store, AT(RETRY_WINDOW + 1), 100, 60000, &more), 0);
    ck_assert_int_eq(store->count(store), 2);
    ck_assert_int_eq(store->expire(store, AT(2 * RETRY_WINDOW), 100, 60000, &more), 1);
    ck_assert_int_eq(store->count(store), 0);
    store->close(store);
}

END_TEST

/* test_expire_leftovers - index entries without a (valid) record */

START_TEST(test_expire_leftovers)
{
    GREYLIST_STORE *store;
    VSTRING *index = vstring_alloc(100);
    int     more;

    greylist_index_key(index, T0, "Tgone", 5);
    raw_put(STR(index), LEN(index), "", 0);
    greylist_index_key(index, AT(1), "Tbad", 4);
    raw_put(STR(index), LEN(index), "", 0);
    raw_put("Tbad", 4, "\x09junk", 5);
    greylist_index_key(index, AT(2), "Cbad", 4);
    raw_put(STR(index), LEN(index), "", 0);
    raw_put("Cbad", 4, "\x01" "C", 2);

    store = store_open(0, 1);
    ck_assert_int_eq(store->count(store), 5);
    ck_assert_int_eq(store->expire(store, AT(10), 100, 60000, &more), 3);
    ck_assert_int_eq(store->count(store), 0);
    store->close(store);
    vstring_free(index);
}

END_TEST

/* test_bad_triplet_record - wrong version: absent, replaced, a warning */

START_TEST(test_bad_triplet_record)
{
    GREYLIST_STORE *store;

    storelib_keys(keys, "192.0.2.1", "a@example.com");
    raw_put(STR(keys->triplet), LEN(keys->triplet), "\x09TTTT", 5);

    store = store_open(0, 1);
    expect(store, "192.0.2.1", "a@example.com", T0, GREYLIST_ACT_NEW);
    ck_assert_msg(test_msg_contains("warning: database ")
		  && test_msg_contains("malformed triplet record for 192.0.2.1/sender@example.org/a@example.com (5 bytes, version 9): replacing it"),
		  "got: %s", test_msg_log());
    expect(store, "192.0.2.1", "a@example.com", AT(30), GREYLIST_ACT_EARLY);
    expect(store, "192.0.2.1", "a@example.com", AT(DELAY + 1), GREYLIST_ACT_PASS);
    store->close(store);
}

END_TEST

/* test_bad_client_record - absent, replaced, a warning */

START_TEST(test_bad_client_record)
{
    GREYLIST_STORE *store;
    GREYLIST_DECISION got;
    GREYLIST_CLIENT client = {100, T0};
    VSTRING *rec = vstring_alloc(100);

    /*
     * A client with 100 passes would be whitelisted, if it were valid.
     */
    greylist_client_encode(&client, rec);
    STR(rec)[0] = 2;
    storelib_keys(keys, "192.0.2.1", "a@example.com");
    raw_put(STR(keys->client), LEN(keys->client), STR(rec), LEN(rec));

    store = store_open(0, 1);
    expect(store, "192.0.2.1", "a@example.com", T0, GREYLIST_ACT_NEW);
    ck_assert_msg(test_msg_contains("malformed client record for 192.0.2.1: replacing it"),
		  "got: %s", test_msg_log());
    got = expect(store, "192.0.2.1", "a@example.com", AT(DELAY + 1), GREYLIST_ACT_PASS);
    ck_assert_uint_eq(got.client_count, 1);
    store->close(store);
    vstring_free(rec);
}

END_TEST

/* write_bytes - overwrite or create part of a file */

static void write_bytes(const char *path, off_t offset, const void *data,
				size_t len, int flags)
{
    int     fd;

    if ((fd = open(path, O_WRONLY | flags, 0600)) < 0)
	ck_abort_msg("open %s: %s", path, strerror(errno));
    if (pwrite(fd, data, len, offset) != (ssize_t) len)
	ck_abort_msg("write %s: %s", path, strerror(errno));
    (void) close(fd);
}

 /*
  * Damaged files at open time.
  */
#define DAMAGE_GARBAGE	0
#define DAMAGE_TRUNCATED	1
#define DAMAGE_ZEROED	2
#define DAMAGE_FATAL_FLAG	3
#define DAMAGE_SHORT	4

static const struct {
    const char *label;
    int     how;
    const char *want;
} damage_cases[] = {
    {"4096 bytes of garbage", DAMAGE_GARBAGE, "invalid meta data"},
    {"truncated copy", DAMAGE_TRUNCATED, "invalid meta data"},
    {"zeroed header", DAMAGE_ZEROED, "invalid meta data"},
    {"fatal flag set", DAMAGE_FATAL_FLAG,
    "the file is marked as damaged by an earlier fatal error"},
    {"10 bytes", DAMAGE_SHORT, "read error"},
};

#define NDAMAGE	(sizeof(damage_cases) / sizeof(damage_cases[0]))

/* make_real_db - a database with records, closed cleanly */

static void make_real_db(void)
{
    GREYLIST_STORE *store = store_open(0, 1);

    make_pending(store, "r", 50, T0);
    store->close(store);
}

/* test_damaged - moved aside with a warning, a new file works */

START_TEST(test_damaged)
{
    GREYLIST_STORE *store;
    VSTRING *buf = vstring_alloc(100);
    VSTRING *wal = vstring_alloc(100);
    unsigned char garbage[4096];
    unsigned seed = 12345;
    struct stat st;
    char   *aside;
    size_t  i;

    switch (damage_cases[_i].how) {
    case DAMAGE_GARBAGE:
	for (i = 0; i < sizeof(garbage); i++) {
	    seed = seed * 1103515245 + 12345;
	    garbage[i] = (unsigned char) (seed >> 16);
	}
	write_bytes(STR(db_path), 0, garbage, sizeof(garbage), O_CREAT);
	break;
    case DAMAGE_TRUNCATED:
	make_real_db();
	if (stat(STR(db_path), &st) < 0 || truncate(STR(db_path), st.st_size / 2) < 0)
	    ck_abort_msg("truncate %s: %s", STR(db_path), strerror(errno));
	break;
    case DAMAGE_ZEROED:
	make_real_db();
	memset(garbage, 0, 256);
	write_bytes(STR(db_path), 0, garbage, 256, 0);
	break;
    case DAMAGE_FATAL_FLAG:
	make_real_db();
	garbage[0] = raw_flags() | BDBFFATAL;
	write_bytes(STR(db_path), 33, garbage, 1, 0);
	ck_assert_int_eq(raw_flags() & BDBFFATAL, BDBFFATAL);
	break;
    case DAMAGE_SHORT:
	write_bytes(STR(db_path), 0, "ToKyO CaBi", 10, O_CREAT);
	break;
    }

    /*
     * An undo log goes along with the file.
     */
    vstring_sprintf(wal, "%s.wal", STR(db_path));
    write_bytes(STR(wal), 0, "old undo log", 12, O_CREAT);

    store = store_open(0, 1);
    vstring_sprintf(buf, "warning: database %s is damaged (%s): moved it aside as %s.corrupt.",
		    STR(db_path), damage_cases[_i].want, STR(db_path));
    ck_assert_msg(test_msg_contains(STR(buf)), "%s: got \"%s\", want \"%s\"",
		  damage_cases[_i].label, test_msg_log(), STR(buf));
    ck_assert_msg(test_msg_contains("moved it aside"), "no \"moved it aside\"");
    ck_assert_msg((aside = aside_name("")) != 0, "%s: no greylist.db.corrupt.<digits>",
		  damage_cases[_i].label);
    myfree(aside);
    ck_assert_msg((aside = aside_name(".wal")) != 0,
		  "%s: no greylist.db.corrupt.<digits>.wal", damage_cases[_i].label);
    myfree(aside);

    /*
     * A fresh database.
     */
    ck_assert_int_eq(store->count(store), 0);
    expect(store, "192.0.2.1", "r0@example.com", AT(10), GREYLIST_ACT_NEW);
    expect(store, "192.0.2.1", "r0@example.com", AT(DELAY + 11), GREYLIST_ACT_PASS);
    store->close(store);
    store = store_open(0, 1);
    ck_assert_int_eq(store->count(store), 4);
    store->close(store);
    vstring_free(buf);
    vstring_free(wal);
}

END_TEST

 /*
  * Another process that holds the database.
  */
static pid_t holder_pid;
static int holder_ctl = -1;

/* holder_start - a child opens the file and keeps it until told */

static void holder_start(void)
{
    int     ready[2];
    int     ctl[2];
    char    ch;
    struct pollfd pfd;
    TCBDB  *bdb;

    if (pipe(ready) < 0 || pipe(ctl) < 0)
	ck_abort_msg("pipe: %s", strerror(errno));
    if ((holder_pid = fork()) < 0)
	ck_abort_msg("fork: %s", strerror(errno));
    if (holder_pid == 0) {
	unit_child_init();
	(void) close(ready[0]);
	(void) close(ctl[1]);
	bdb = tcbdbnew();
	if (!tcbdbopen(bdb, STR(db_path), BDBOWRITER | BDBOCREAT | BDBOLCKNB))
	    _exit(2);
	if (write(ready[1], "R", 1) != 1)
	    _exit(3);
	while (read(ctl[0], &ch, 1) > 0)
	     /* void */ ;
	(void) tcbdbclose(bdb);
	_exit(0);
    }
    (void) close(ready[1]);
    (void) close(ctl[0]);
    holder_ctl = ctl[1];
    pfd.fd = ready[0];
    pfd.events = POLLIN;
    if (poll(&pfd, 1, 10000 * unit_slack()) != 1 || read(ready[0], &ch, 1) != 1)
	ck_abort_msg("the lock holder did not start");
    (void) close(ready[0]);
}

/* holder_stop - let go of the file */

static void holder_stop(void)
{
    int     status;

    if (holder_ctl >= 0) {
	(void) close(holder_ctl);
	holder_ctl = -1;
    }
    if (holder_pid > 0) {
	if (waitpid(holder_pid, &status, 0) != holder_pid)
	    ck_abort_msg("waitpid: %s", strerror(errno));
	holder_pid = 0;
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "lock holder status 0x%x", status);
    }
}

/* holder_teardown - never leave a holder behind */

static void holder_teardown(void)
{
    if (holder_pid > 0) {
	(void) kill(holder_pid, SIGKILL);
	(void) waitpid(holder_pid, (int *) 0, 0);
	holder_pid = 0;
    }
    if (holder_ctl >= 0) {
	(void) close(holder_ctl);
	holder_ctl = -1;
    }
}

/* open_daemon_child - open as a long-running daemon does */

static void open_daemon_child(void *context)
{
    GREYLIST_STORE *store = greylist_store_open(STR(db_spec), &policy, 0, 1);

    store->close(store);
}

/* test_locked_fatal - a long-running daemon must be alone */

START_TEST(test_locked_fatal)
{
    VSTRING *out = vstring_alloc(100);
    int     status;

    make_real_db();
    holder_start();
    status = unit_run_child(open_daemon_child, (void *) 0, out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1,
		  "child status 0x%x, want exit 1: %s", status, STR(out));
    ck_assert_msg(strstr(STR(out), "fatal: ") != 0, "got: %s", STR(out));
    ck_assert_msg(strstr(STR(out), "locked by another process") != 0, "got: %s", STR(out));
    ck_assert_msg(strstr(STR(out), "process limit") != 0, "got: %s", STR(out));
    ck_assert_msg(strstr(STR(out), STR(db_path)) != 0, "got: %s", STR(out));
    holder_stop();

    /*
     * Once the other process is gone, it opens, with the data.
     */
    status = unit_run_child(open_daemon_child, (void *) 0, out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "child status 0x%x: %s", status, STR(out));
    vstring_free(out);
}

END_TEST

/* test_per_request_timeout - wait lock_timeout, then let mail through */

START_TEST(test_per_request_timeout)
{
    GREYLIST_STORE *store;
    GREYLIST_DECISION got;
    long long start;
    long long elapsed;

    store = store_open(GREYLIST_STORE_FLAG_PER_REQUEST, 1);
    ck_assert_int_eq(store->count(store), -1);	/* closed between requests */
    expect(store, "192.0.2.1", "a@example.com", T0, GREYLIST_ACT_NEW);

    holder_start();
    start = unit_now_ms();
    got = decide(store, "192.0.2.1", "a@example.com", AT(DELAY + 1));
    elapsed = unit_now_ms() - start;
    ck_assert_msg(got.action == GREYLIST_ACT_ERROR, "got %s, want ERROR",
		  storelib_action_label(got.action));
    ck_assert_msg(elapsed >= 950, "gave up after %lld ms, want 1 s", elapsed);
    ck_assert_msg(elapsed < 10000 * unit_slack(), "gave up after %lld ms", elapsed);
    ck_assert_msg(test_msg_contains("locked by another process (waited 1 seconds for the lock): letting mail through"),
		  "got: %s", test_msg_log());

    /*
     * Works once the lock is released, from where it was.
     */
    holder_stop();
    expect(store, "192.0.2.1", "a@example.com", AT(DELAY + 2), GREYLIST_ACT_PASS);
    expect(store, "192.0.2.1", "b@example.com", AT(DELAY + 2), GREYLIST_ACT_NEW);
    store->close(store);
}

END_TEST

/* test_per_request_open_locked - start-up while locked: no fatal, no wait */

START_TEST(test_per_request_open_locked)
{
    GREYLIST_STORE *store;
    GREYLIST_DECISION got;
    long long start;
    long long elapsed;

    /*
     * A spawn copy checks the file once at start-up; it waits for the lock
     * with each request, so that the first request does not wait twice.
     */
    make_real_db();
    holder_start();
    start = unit_now_ms();
    store = store_open(GREYLIST_STORE_FLAG_PER_REQUEST, 1);
    elapsed = unit_now_ms() - start;
    ck_assert_msg(elapsed < 900, "open waited %lld ms for the lock", elapsed);
    ck_assert_msg(!test_msg_contains("fatal"), "got: %s", test_msg_log());

    start = unit_now_ms();
    got = decide(store, "192.0.2.1", "r0@example.com", AT(DELAY + 1));
    elapsed = unit_now_ms() - start;
    ck_assert_msg(got.action == GREYLIST_ACT_ERROR, "got %s, want ERROR",
		  storelib_action_label(got.action));
    ck_assert_msg(elapsed >= 950, "gave up after %lld ms, want 1 s", elapsed);

    holder_stop();
    expect(store, "192.0.2.1", "r0@example.com", AT(DELAY + 1), GREYLIST_ACT_PASS);
    store->close(store);
}

END_TEST

/* test_per_request_shared - two copies never work from a stale view */

START_TEST(test_per_request_shared)
{
    GREYLIST_STORE *a = store_open(GREYLIST_STORE_FLAG_PER_REQUEST, 1);
    GREYLIST_STORE *b = store_open(GREYLIST_STORE_FLAG_PER_REQUEST, 1);
    GREYLIST_STORE *store;
    GREYLIST_DECISION got;

    expect(a, "192.0.2.1", "a@example.com", T0, GREYLIST_ACT_NEW);
    expect(b, "192.0.2.1", "a@example.com", AT(1), GREYLIST_ACT_EARLY);
    expect(b, "192.0.2.1", "a@example.com", AT(DELAY + 1), GREYLIST_ACT_PASS);
    got = expect(a, "192.0.2.1", "a@example.com", AT(DELAY + 2), GREYLIST_ACT_KNOWN);
    ck_assert_uint_eq(got.client_count, 2);
    ck_assert_int_eq(a->commit(a), 0);
    a->close(a);
    b->close(b);

    /*
     * Everything was committed at once.
     */
    store = store_open(0, 1);
    ck_assert_int_eq(store->count(store), 4);
    store->close(store);
}

END_TEST

/* test_per_request_expires - each request removes some due records */

START_TEST(test_per_request_expires)
{
    GREYLIST_STORE *store = store_open(0, 1);
    int     more;
    long    count;

    make_pending(store, "r", 30, T0);
    store->close(store);
    store = store_open(GREYLIST_STORE_FLAG_PER_REQUEST, 1);
    ck_assert_int_eq(store->expire(store, AT(RETRY_WINDOW), 100, 60000, &more), 0);
    expect(store, "192.0.2.1", "new@example.com", AT(RETRY_WINDOW), GREYLIST_ACT_NEW);
    store->close(store);

    /*
     * At most 20 per request, at least the 16 before the first time check.
     */
    store = store_open(0, 1);
    count = store->count(store);
    ck_assert_msg(count >= 2 * (30 - 20 + 1) && count <= 2 * (30 - 16 + 1),
		  "%ld records left", count);
    store->close(store);
}

END_TEST

/* test_per_request_gone - the directory disappears and comes back */

START_TEST(test_per_request_gone)
{
    GREYLIST_STORE *store;
    VSTRING *dir = vstring_alloc(100);
    VSTRING *away = vstring_alloc(100);
    GREYLIST_DECISION got;

    vstring_sprintf(dir, "%s/data", tmpdir);
    vstring_sprintf(away, "%s/away", tmpdir);
    if (mkdir(STR(dir), 0700) < 0)
	ck_abort_msg("mkdir %s: %s", STR(dir), strerror(errno));
    vstring_sprintf(db_path, "%s/greylist.db", STR(dir));
    vstring_sprintf(db_spec, "btree:%s", STR(db_path));

    store = store_open(GREYLIST_STORE_FLAG_PER_REQUEST, 1);
    expect(store, "192.0.2.1", "a@example.com", T0, GREYLIST_ACT_NEW);
    if (rename(STR(dir), STR(away)) < 0)
	ck_abort_msg("rename: %s", strerror(errno));
    got = decide(store, "192.0.2.1", "a@example.com", AT(DELAY + 1));
    ck_assert_msg(got.action == GREYLIST_ACT_ERROR, "got %s, want ERROR",
		  storelib_action_label(got.action));
    ck_assert_msg(test_msg_contains("cannot open database")
		  && test_msg_contains("letting mail through"), "got: %s",
		  test_msg_log());
    got = decide(store, "192.0.2.1", "a@example.com", AT(DELAY + 2));
    ck_assert_int_eq(got.action, GREYLIST_ACT_ERROR);

    if (rename(STR(away), STR(dir)) < 0)
	ck_abort_msg("rename: %s", strerror(errno));
    expect(store, "192.0.2.1", "a@example.com", AT(DELAY + 3), GREYLIST_ACT_PASS);
    store->close(store);
    vstring_free(dir);
    vstring_free(away);
}

END_TEST

/* open_missing_child - a file that cannot be created */

static void open_missing_child(void *context)
{
    int     flags = *(int *) context;

    vstring_sprintf(db_path, "%s/no/such/dir/greylist.db", tmpdir);
    vstring_sprintf(db_spec, "btree:%s", STR(db_path));
    (void) greylist_store_open(STR(db_spec), &policy, flags, 1);
}

/* test_open_fails - fatal at start-up, naming file and user */

START_TEST(test_open_fails)
{
    static int flags[] = {0, GREYLIST_STORE_FLAG_PER_REQUEST};
    VSTRING *out = vstring_alloc(100);
    int     status;

    status = unit_run_child(open_missing_child, (void *) (flags + _i), out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1,
		  "child status 0x%x, want exit 1: %s", status, STR(out));
    ck_assert_msg(strstr(STR(out), "fatal: cannot open database ") != 0
		  && strstr(STR(out), "/no/such/dir/greylist.db as user ") != 0,
		  "got: %s", STR(out));
    vstring_free(out);
}

END_TEST

/* store_suite - build the suite */

static Suite *store_suite(void)
{
    Suite  *s = suite_create("greylist_store");
    TCase  *tc;

    tc = tcase_create("codec");
    tcase_add_loop_test(tc, test_triplet_roundtrip, 0, NTRIPLET);
    tcase_add_test(tc, test_triplet_layout);
    tcase_add_loop_test(tc, test_triplet_bad, 0, NBAD_TRIPLET);
    tcase_add_loop_test(tc, test_client_roundtrip, 0, NCLIENT);
    tcase_add_test(tc, test_client_layout);
    tcase_add_loop_test(tc, test_client_bad, 0, NBAD_CLIENT);
    tcase_add_loop_test(tc, test_index_roundtrip, 0, NINDEX);
    tcase_add_test(tc, test_index_bad);
    tcase_add_loop_test(tc, test_index_order, 0, NORDER);
    tcase_add_test(tc, test_index_sorts_last);
    suite_add_tcase(s, tc);

    tc = tcase_create("spec");
    tcase_add_loop_test(tc, test_check_spec, 0, NSPEC);
    unit_add_fatal_loop_test(tc, test_open_bad_spec, 0, NOPEN_BAD);
    suite_add_tcase(s, tc);

    tc = tcase_create("btree");
    tcase_add_checked_fixture(tc, store_setup, store_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_open_creates);
    tcase_add_test(tc, test_decide_sequence);
    tcase_add_test(tc, test_whitelist);
    tcase_add_test(tc, test_crash);
    tcase_add_loop_test(tc, test_open_fails, 0, 2);
    suite_add_tcase(s, tc);

    tc = tcase_create("expire");
    tcase_add_checked_fixture(tc, store_setup, store_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_expire_batches);
    tcase_add_test(tc, test_expire_boundary);
    tcase_add_test(tc, test_expire_time_limit);
    tcase_add_test(tc, test_expire_limits_raised);
    tcase_add_test(tc, test_expire_leftovers);
    suite_add_tcase(s, tc);

    tc = tcase_create("damage");
    tcase_add_checked_fixture(tc, store_setup, store_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_bad_triplet_record);
    tcase_add_test(tc, test_bad_client_record);
    tcase_add_loop_test(tc, test_damaged, 0, NDAMAGE);
    suite_add_tcase(s, tc);

    tc = tcase_create("locking");
    tcase_add_checked_fixture(tc, store_setup, store_teardown);
    tcase_add_checked_fixture(tc, (SFun) 0, holder_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_locked_fatal);
    tcase_add_test(tc, test_per_request_timeout);
    tcase_add_test(tc, test_per_request_open_locked);
    tcase_add_test(tc, test_per_request_shared);
    tcase_add_test(tc, test_per_request_expires);
    tcase_add_test(tc, test_per_request_gone);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(store_suite()));
}
