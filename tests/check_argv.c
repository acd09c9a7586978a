/*++
/* NAME
/*	check_argv 1
/* SUMMARY
/*	argv(3) unit tests
/* SYNOPSIS
/*	./check_argv
/* DESCRIPTION
/*	Tests the string array: appending (copies, growth past the
/*	initial size, the null terminator), counted appends, truncation,
/*	splitting into fields (empty fields skipped), and the panics on
/*	negative lengths.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <stdio.h>
#include <string.h>

/* Utility library. */

#include <msg.h>
#include <vstring.h>
#include <argv.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

/* argv_join - "a|b|c" for comparison */

static const char *argv_join(ARGV *argvp, VSTRING *buf)
{
    ssize_t i;

    VSTRING_RESET(buf);
    VSTRING_TERMINATE(buf);
    for (i = 0; i < argvp->argc; i++)
	vstring_sprintf_append(buf, "%s%s", i ? "|" : "", argvp->argv[i]);
    return (vstring_str(buf));
}

/* test_add - copies, growth, terminator */

START_TEST(test_add)
{
    ARGV   *argvp = argv_alloc(1);
    char    word[20];
    int     i;

    ck_assert_int_eq(argvp->argc, 0);
    ck_assert_ptr_null(argvp->argv[0]);
    for (i = 0; i < 100; i++) {
	snprintf(word, sizeof(word), "w%d", i);
	argv_add(argvp, word);
	ck_assert_ptr_null(argvp->argv[argvp->argc]);
    }
    strcpy(word, "changed");
    ck_assert_int_eq(argvp->argc, 100);
    ck_assert(argvp->len >= 100);
    ck_assert_str_eq(argvp->argv[0], "w0");
    ck_assert_str_eq(argvp->argv[99], "w99");
    ck_assert_ptr_null(argv_free(argvp));
}
END_TEST

 /*
  * Counted appends.
  */
static const struct {
    const char *src;
    ssize_t len;
    const char *want;
} addn_cases[] = {
    {"hello", 3, "hel"},
    {"hello", 5, "hello"},
    {"hi\0there", 8, "hi"},
    {"hello", 0, ""},
};

#define NADDN	(sizeof(addn_cases) / sizeof(addn_cases[0]))

/* test_addn - table */

START_TEST(test_addn)
{
    ARGV   *argvp = argv_alloc(0);

    argv_addn(argvp, addn_cases[_i].src, addn_cases[_i].len);
    ck_assert_int_eq(argvp->argc, 1);
    ck_assert_msg(strcmp(argvp->argv[0], addn_cases[_i].want) == 0,
		  "argv_addn(\"%s\", %ld): got \"%s\", want \"%s\"",
		  addn_cases[_i].src, (long) addn_cases[_i].len,
		  argvp->argv[0], addn_cases[_i].want);
    ck_assert_ptr_null(argvp->argv[1]);
    argv_free(argvp);
}
END_TEST

 /*
  * Truncation of "a b c d".
  */
static const struct {
    ssize_t len;
    const char *want;
} truncate_cases[] = {
    {10, "a|b|c|d"},
    {4, "a|b|c|d"},
    {3, "a|b|c"},
    {1, "a"},
    {0, ""},
};

#define NTRUNCATE	(sizeof(truncate_cases) / sizeof(truncate_cases[0]))

/* test_truncate - table */

START_TEST(test_truncate)
{
    ARGV   *argvp = argv_split("a b c d", " ");
    VSTRING *buf = vstring_alloc(10);

    argv_truncate(argvp, truncate_cases[_i].len);
    ck_assert_msg(strcmp(argv_join(argvp, buf), truncate_cases[_i].want) == 0,
		  "truncate to %ld: got \"%s\", want \"%s\"",
		  (long) truncate_cases[_i].len, vstring_str(buf),
		  truncate_cases[_i].want);
    ck_assert_ptr_null(argvp->argv[argvp->argc]);

    /* Still usable afterwards. */
    argv_add(argvp, "z");
    ck_assert_str_eq(argvp->argv[argvp->argc - 1], "z");
    argv_free(argvp);
    vstring_free(buf);
}
END_TEST

 /*
  * Splitting.
  */
static const struct {
    const char *str;
    const char *delim;
    ssize_t want_argc;
    const char *want;
} split_cases[] = {
    {"a b c", " ", 3, "a|b|c"},
    {"  a   b  ", " ", 2, "a|b"},
    {"", " ", 0, ""},
    {"   ", " ", 0, ""},
    {"a,b;;c", ",;", 3, "a|b|c"},
    {"one", ",", 1, "one"},
    {"abc", "", 1, "abc"},
    {"x\ty\nz", " \t\n", 3, "x|y|z"},
    {"inet:127.0.0.1:25", ":", 3, "inet|127.0.0.1|25"},
    {"a b c d e f g h i j", " ", 10, "a|b|c|d|e|f|g|h|i|j"},
};

#define NSPLIT	(sizeof(split_cases) / sizeof(split_cases[0]))

/* test_split - table */

START_TEST(test_split)
{
    ARGV   *argvp = argv_split(split_cases[_i].str, split_cases[_i].delim);
    VSTRING *buf = vstring_alloc(10);

    ck_assert_msg(argvp->argc == split_cases[_i].want_argc
		  && strcmp(argv_join(argvp, buf), split_cases[_i].want) == 0,
		  "split(\"%s\", \"%s\"): got %ld \"%s\", want %ld \"%s\"",
		  split_cases[_i].str, split_cases[_i].delim,
		  (long) argvp->argc, vstring_str(buf),
		  (long) split_cases[_i].want_argc, split_cases[_i].want);
    ck_assert_ptr_null(argvp->argv[argvp->argc]);
    argv_free(argvp);
    vstring_free(buf);
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
    {"alloc negative", 0, "argv_alloc: bad length -1"},
    {"addn negative", 1, "argv_addn: bad length -1"},
    {"truncate negative", 2, "argv_truncate: bad length -1"},
};

#define NPANIC	(sizeof(panic_cases) / sizeof(panic_cases[0]))

/* test_panic - each case aborts with its message */

START_TEST(test_panic)
{
    ARGV   *argvp;

    unit_expect_msg(panic_cases[_i].want);
    argvp = argv_alloc(2);
    switch (panic_cases[_i].which) {
    case 0:
	(void) argv_alloc(-1);
	break;
    case 1:
	argv_addn(argvp, "abc", -1);
	break;
    case 2:
	argv_truncate(argvp, -1);
	break;
    }
    ck_abort_msg("%s: no panic", panic_cases[_i].label);
}
END_TEST

/* argv_suite - build the suite */

static Suite *argv_suite(void)
{
    Suite  *s = suite_create("argv");
    TCase  *tc;

    tc = tcase_create("array");
    tcase_add_test(tc, test_add);
    tcase_add_loop_test(tc, test_addn, 0, NADDN);
    tcase_add_loop_test(tc, test_truncate, 0, NTRUNCATE);
    tcase_add_loop_test(tc, test_split, 0, NSPLIT);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    unit_add_panic_loop_test(tc, test_panic, 0, NPANIC);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(argv_suite()));
}
