/*++
/* NAME
/*	check_htable 1
/* SUMMARY
/*	htable(3) unit tests
/* SYNOPSIS
/*	./check_htable
/* DESCRIPTION
/*	Tests the hash table with NORANDOMIZE (FNV-1a reference values):
/*	enter, find and locate, keys copied, growth past many entries,
/*	delete with and without a free function, listing, destruction,
/*	the random seed without NORANDOMIZE, and the panic on a duplicate
/*	key.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <htable.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

 /*
  * FNV-1a (64 bits) reference values, seed 0.
  */
static const struct {
    const char *key;
    unsigned long want;
} hash_cases[] = {
    {"", 0xcbf29ce484222325UL},
    {"a", 0xaf63dc4c8601ec8cUL},
    {"foobar", 0x85944171f73967e8UL},
    {"client_address=1.2.3.4", 0xf2f05385d9b0a7f6UL},
};

#define NHASH	(sizeof(hash_cases) / sizeof(hash_cases[0]))

/* test_hash - table */

START_TEST(test_hash)
{
    unsigned long got = htable_hash(hash_cases[_i].key,
				    strlen(hash_cases[_i].key));

    ck_assert_msg(got == hash_cases[_i].want,
		  "hash(\"%s\"): got %#lx, want %#lx", hash_cases[_i].key,
		  got, hash_cases[_i].want);
}
END_TEST

/* test_hash_len - only len bytes count */

START_TEST(test_hash_len)
{
    ck_assert(htable_hash("foobar", 3) == htable_hash("foo", 3));
    ck_assert(htable_hash("foobar", 0) == htable_hash("", 0));
    ck_assert(htable_hash("ab", 2) != htable_hash("ba", 2));
}
END_TEST

/* seed_child - report the hash of "a" without NORANDOMIZE */

static void seed_child(void *context)
{
    VSTRING *buf = vstring_alloc(20);

    (void) unsetenv("NORANDOMIZE");
    vstring_sprintf(buf, "%lx\n", htable_hash("a", 1));
    (void) (write(2, vstring_str(buf), VSTRING_LEN(buf)) < 0);
}

/* test_random_seed - a fresh process without NORANDOMIZE */

 /*
  * The seed is chosen once per process, at the first hash. With
  * CK_FORK=no the runner has hashed already, and its children inherit
  * the fixed seed: this test needs fork mode.
  */

START_TEST(test_random_seed)
{
    VSTRING *out = vstring_alloc(20);
    VSTRING *out2 = vstring_alloc(20);
    int     status;

    status = unit_run_child(seed_child, (void *) 0, out);
    ck_assert_int_eq(status, 0);
    status = unit_run_child(seed_child, (void *) 0, out2);
    ck_assert_int_eq(status, 0);
    ck_assert_msg(strcmp(vstring_str(out), "af63dc4c8601ec8c\n") != 0,
		  "got the unseeded hash %s", vstring_str(out));
    ck_assert_msg(strcmp(vstring_str(out), vstring_str(out2)) != 0,
		  "two processes got the same seed");
    vstring_free(out);
    vstring_free(out2);
}
END_TEST

/* test_enter_find - basic operations */

START_TEST(test_enter_find)
{
    HTABLE *table = htable_create(0);
    HTABLE_INFO *ht;
    char    key[] = "sender";
    int     value = 1;

    ck_assert_ptr_null(htable_find(table, "sender"));
    ck_assert_ptr_null(htable_locate(table, "sender"));
    ht = htable_enter(table, key, &value);
    ck_assert_ptr_nonnull(ht);
    ck_assert_ptr_ne(ht->key, key);
    ck_assert_str_eq(ht->key, "sender");
    ck_assert_ptr_eq(ht->value, &value);

    /* The table has its own copy of the key. */
    key[0] = 'S';
    ck_assert_ptr_eq(htable_find(table, "sender"), &value);
    ck_assert_ptr_null(htable_find(table, "Sender"));
    ck_assert_ptr_eq(htable_locate(table, "sender"), ht);
    ck_assert_int_eq(table->used, 1);

    /* A null value is a value. */
    htable_enter(table, "empty", (void *) 0);
    ck_assert_ptr_nonnull(htable_locate(table, "empty"));
    ck_assert_ptr_null(htable_find(table, "empty"));
    ck_assert_int_eq(table->used, 2);
    htable_free(table, (HTABLE_FREE_FN) 0);
}
END_TEST

#define MANY	10000

/* test_grow - many entries, all found */

START_TEST(test_grow)
{
    HTABLE *table = htable_create(5);
    ssize_t initial = table->size;
    char    key[32];
    long    i;

    for (i = 0; i < MANY; i++) {
	snprintf(key, sizeof(key), "key-%ld", i);
	htable_enter(table, key, CAST_INT_TO_VOID_PTR(i + 1));
    }
    ck_assert_int_eq(table->used, MANY);
    ck_assert_msg(table->size > initial && table->size >= MANY / 2,
		  "got %ld buckets, want growth from %ld",
		  (long) table->size, (long) initial);
    for (i = 0; i < MANY; i++) {
	snprintf(key, sizeof(key), "key-%ld", i);
	ck_assert_msg(htable_find(table, key) == CAST_INT_TO_VOID_PTR(i + 1),
		      "lookup of %s failed", key);
    }
    ck_assert_ptr_null(htable_find(table, "key-10000"));
    htable_free(table, (HTABLE_FREE_FN) 0);
}
END_TEST

static int free_calls;

/* count_free - free function that counts */

static void count_free(void *value)
{
    free_calls++;
    myfree(value);
}

/* test_delete - remove entries, call the free function */

START_TEST(test_delete)
{
    HTABLE *table = htable_create(10);
    char    key[32];
    int     i;

    free_calls = 0;
    for (i = 0; i < 100; i++) {
	snprintf(key, sizeof(key), "k%d", i);
	htable_enter(table, key, mystrdup(key));
    }
    htable_enter(table, "null", (void *) 0);
    for (i = 0; i < 100; i += 2) {
	snprintf(key, sizeof(key), "k%d", i);
	htable_delete(table, key, count_free);
    }
    ck_assert_int_eq(free_calls, 50);
    ck_assert_int_eq(table->used, 51);
    for (i = 0; i < 100; i++) {
	snprintf(key, sizeof(key), "k%d", i);
	if (i % 2)
	    ck_assert_str_eq((char *) htable_find(table, key), key);
	else
	    ck_assert_ptr_null(htable_locate(table, key));
    }

    /* Missing key: nothing happens. Null value: free_fn not called. */
    htable_delete(table, "k0", count_free);
    htable_delete(table, "nonexistent", count_free);
    htable_delete(table, "null", count_free);
    ck_assert_int_eq(free_calls, 50);
    ck_assert_int_eq(table->used, 50);

    /* A deleted key can be entered again. */
    htable_enter(table, "k0", mystrdup("again"));
    ck_assert_str_eq((char *) htable_find(table, "k0"), "again");

    htable_free(table, count_free);
    ck_assert_int_eq(free_calls, 50 + 51);
}
END_TEST

/* test_list - every entry once, null-terminated */

START_TEST(test_list)
{
    HTABLE *table = htable_create(3);
    HTABLE_INFO **list;
    HTABLE_INFO **hpp;
    int     seen[50];
    char    key[32];
    int     n = 0;
    int     i;

    memset(seen, 0, sizeof(seen));
    for (i = 0; i < 50; i++) {
	snprintf(key, sizeof(key), "%d", i);
	htable_enter(table, key, CAST_INT_TO_VOID_PTR(i));
    }
    list = htable_list(table);
    for (hpp = list; *hpp; hpp++, n++) {
	i = CAST_ANY_PTR_TO_INT((*hpp)->value);
	ck_assert(i >= 0 && i < 50);
	ck_assert_int_eq(atoi((*hpp)->key), i);
	seen[i]++;
    }
    ck_assert_int_eq(n, 50);
    for (i = 0; i < 50; i++)
	ck_assert_msg(seen[i] == 1, "entry %d listed %d times", i, seen[i]);
    myfree(list);
    htable_free(table, (HTABLE_FREE_FN) 0);

    /* An empty table lists nothing. */
    table = htable_create(1);
    list = htable_list(table);
    ck_assert_ptr_null(list[0]);
    myfree(list);
    htable_free(table, (HTABLE_FREE_FN) 0);
}
END_TEST

/* test_duplicate - entering a key twice is a panic */

START_TEST(test_duplicate)
{
    HTABLE *table;

    unit_expect_msg("htable_enter: duplicate key: recipient");
    table = htable_create(10);
    htable_enter(table, "recipient", (void *) 0);
    htable_enter(table, "recipient", (void *) 0);
    ck_abort_msg("duplicate key accepted");
}
END_TEST

/* htable_suite - build the suite */

static Suite *htable_suite(void)
{
    Suite  *s = suite_create("htable");
    TCase  *tc;

    /* Before the first hash: a fixed seed for reproducible tests. */
    if (setenv("NORANDOMIZE", "1", 1) < 0)
	msg_fatal("setenv: %m");

    tc = tcase_create("hash");
    tcase_add_loop_test(tc, test_hash, 0, NHASH);
    tcase_add_test(tc, test_hash_len);
    if (unit_forked())
	tcase_add_test(tc, test_random_seed);
    suite_add_tcase(s, tc);

    tc = tcase_create("table");
    tcase_add_test(tc, test_enter_find);
    tcase_add_test(tc, test_grow);
    tcase_add_test(tc, test_delete);
    tcase_add_test(tc, test_list);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    unit_add_panic_test(tc, test_duplicate);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(htable_suite()));
}
