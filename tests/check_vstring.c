/*++
/* NAME
/*	check_vstring 1
/* SUMMARY
/*	vstring(3) unit tests
/* SYNOPSIS
/*	./check_vstring
/* DESCRIPTION
/*	Tests the growable string: copy and append (string, counted and
/*	binary), formatting with growth and %m, truncation, export, the
/*	macros, and the panics on bad lengths.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <errno.h>
#include <string.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

 /*
  * Copy and append operations, applied to a string that starts as "init".
  */
#define OP_STRCPY	1
#define OP_STRCAT	2
#define OP_STRNCPY	3
#define OP_STRNCAT	4
#define OP_MEMCPY	5
#define OP_MEMCAT	6

static const struct {
    const char *label;
    int     op;
    const char *src;
    ssize_t len;
    const char *want;
    ssize_t want_len;
} copy_cases[] = {
    {"strcpy replaces", OP_STRCPY, "abc", 0, "abc", 3},
    {"strcpy empty", OP_STRCPY, "", 0, "", 0},
    {"strcat appends", OP_STRCAT, "abc", 0, "initabc", 7},
    {"strcat empty", OP_STRCAT, "", 0, "init", 4},
    {"strncpy limits", OP_STRNCPY, "abcdef", 3, "abc", 3},
    {"strncpy short source", OP_STRNCPY, "ab", 10, "ab", 2},
    {"strncpy zero", OP_STRNCPY, "ab", 0, "", 0},
    {"strncat limits", OP_STRNCAT, "abcdef", 2, "initab", 6},
    {"strncat short source", OP_STRNCAT, "ab", 10, "initab", 6},
    {"memcpy binary", OP_MEMCPY, "a\0b", 3, "a\0b", 3},
    {"memcat binary", OP_MEMCAT, "\0\0", 2, "init\0\0", 6},
    {"memcat nothing", OP_MEMCAT, "xyz", 0, "init", 4},
};

#define NCOPY	(sizeof(copy_cases) / sizeof(copy_cases[0]))

/* test_copy - table of copy and append operations */

START_TEST(test_copy)
{
    VSTRING *vp = vstring_alloc(2);
    VSTRING *got;

    vstring_strcpy(vp, "init");
    switch (copy_cases[_i].op) {
    case OP_STRCPY:
	got = vstring_strcpy(vp, copy_cases[_i].src);
	break;
    case OP_STRCAT:
	got = vstring_strcat(vp, copy_cases[_i].src);
	break;
    case OP_STRNCPY:
	got = vstring_strncpy(vp, copy_cases[_i].src, copy_cases[_i].len);
	break;
    case OP_STRNCAT:
	got = vstring_strncat(vp, copy_cases[_i].src, copy_cases[_i].len);
	break;
    case OP_MEMCPY:
	got = vstring_memcpy(vp, copy_cases[_i].src, copy_cases[_i].len);
	break;
    case OP_MEMCAT:
	got = vstring_memcat(vp, copy_cases[_i].src, copy_cases[_i].len);
	break;
    default:
	ck_abort_msg("bad op");
    }
    ck_assert_msg(got == vp, "%s: result is not the argument",
		  copy_cases[_i].label);
    ck_assert_msg(VSTRING_LEN(vp) == copy_cases[_i].want_len,
		  "%s: got length %ld, want %ld", copy_cases[_i].label,
		  (long) VSTRING_LEN(vp), (long) copy_cases[_i].want_len);
    ck_assert_msg(memcmp(vstring_str(vp), copy_cases[_i].want,
			 copy_cases[_i].want_len) == 0,
		  "%s: content differs", copy_cases[_i].label);
    ck_assert_msg(vstring_str(vp)[VSTRING_LEN(vp)] == 0,
		  "%s: result is not null-terminated", copy_cases[_i].label);
    vstring_free(vp);
}
END_TEST

/* test_alloc - a new string is empty and terminated */

START_TEST(test_alloc)
{
    VSTRING *vp = vstring_alloc(1);

    ck_assert_int_eq(VSTRING_LEN(vp), 0);
    ck_assert_str_eq(vstring_str(vp), "");
    ck_assert_ptr_eq(vstring_end(vp), vstring_str(vp));
    ck_assert_ptr_null(vstring_free(vp));
}
END_TEST

/* test_grow - append far beyond the initial size */

START_TEST(test_grow)
{
    VSTRING *vp = vstring_alloc(1);
    VSTRING *want = vstring_alloc(100);
    int     i;

    for (i = 0; i < 5000; i++) {
	vstring_sprintf_append(vp, "%d,", i);
	vstring_sprintf_append(want, "%d,", i);
    }
    ck_assert_int_eq(VSTRING_LEN(vp), VSTRING_LEN(want));
    ck_assert_str_eq(vstring_str(vp), vstring_str(want));
    ck_assert_int_eq(strlen(vstring_str(vp)), VSTRING_LEN(vp));
    ck_assert(vp->size >= VSTRING_LEN(vp));
    vstring_free(vp);
    vstring_free(want);
}
END_TEST

/* test_addch - the unsafe macros */

START_TEST(test_addch)
{
    VSTRING *vp = vstring_alloc(1);
    int     i;

    for (i = 0; i < 1000; i++)
	VSTRING_ADDCH(vp, 'a' + i % 26);
    VSTRING_TERMINATE(vp);
    ck_assert_int_eq(VSTRING_LEN(vp), 1000);
    ck_assert_int_eq(vstring_str(vp)[999], 'a' + 999 % 26);
    ck_assert_int_eq(vstring_str(vp)[1000], 0);
    ck_assert_ptr_eq(vstring_end(vp), vstring_str(vp) + 1000);

    VSTRING_SPACE(vp, 5000);
    ck_assert_msg(vp->size - VSTRING_LEN(vp) >= 5000,
		  "got room %ld, want >= 5000",
		  (long) (vp->size - VSTRING_LEN(vp)));
    ck_assert_int_eq(VSTRING_LEN(vp), 1000);

    VSTRING_RESET(vp);
    VSTRING_TERMINATE(vp);
    ck_assert_str_eq(vstring_str(vp), "");
    VSTRING_AT_OFFSET(vp, 3);
    ck_assert_int_eq(VSTRING_LEN(vp), 3);
    vstring_free(vp);
}
END_TEST

 /*
  * Formatting.
  */
static const struct {
    const char *label;
    const char *init;
    int     append;
    const char *want;
} fmt_cases[] = {
    {"replace", "old", 0, "x=42 y=abc z=-7"},
    {"append", "old", 1, "oldx=42 y=abc z=-7"},
    {"append to empty", "", 1, "x=42 y=abc z=-7"},
};

#define NFMT	(sizeof(fmt_cases) / sizeof(fmt_cases[0]))

/* test_sprintf - replace or append formatted text */

START_TEST(test_sprintf)
{
    VSTRING *vp = vstring_alloc(1);

    vstring_strcpy(vp, fmt_cases[_i].init);
    if (fmt_cases[_i].append)
	vstring_sprintf_append(vp, "x=%d y=%s z=%ld", 42, "abc", -7L);
    else
	vstring_sprintf(vp, "x=%d y=%s z=%ld", 42, "abc", -7L);
    ck_assert_msg(strcmp(vstring_str(vp), fmt_cases[_i].want) == 0,
		  "%s: got \"%s\", want \"%s\"", fmt_cases[_i].label,
		  vstring_str(vp), fmt_cases[_i].want);
    ck_assert_int_eq(VSTRING_LEN(vp), strlen(fmt_cases[_i].want));
    vstring_free(vp);
}
END_TEST

/* test_sprintf_long - one format result much larger than the buffer */

START_TEST(test_sprintf_long)
{
    VSTRING *vp = vstring_alloc(4);
    char   *big = mymalloc(10001);

    memset(big, 'x', 10000);
    big[10000] = 0;
    vstring_strcpy(vp, "ab");
    vstring_sprintf_append(vp, "<%s>", big);
    ck_assert_int_eq(VSTRING_LEN(vp), 10004);
    ck_assert_int_eq(vstring_str(vp)[2], '<');
    ck_assert_int_eq(vstring_str(vp)[10003], '>');
    ck_assert_int_eq(vstring_str(vp)[10004], 0);
    ck_assert_int_eq(strspn(vstring_str(vp) + 3, "x"), 10000);
    myfree(big);
    vstring_free(vp);
}
END_TEST

/* test_sprintf_errno - %m expands errno, also when the buffer grows */

START_TEST(test_sprintf_errno)
{
    VSTRING *vp = vstring_alloc(1);
    const char *want = strerror(ENOENT);

    errno = ENOENT;
    vstring_sprintf(vp, "open: %m");
    ck_assert_msg(strncmp(vstring_str(vp), "open: ", 6) == 0
		  && strcmp(vstring_str(vp) + 6, want) == 0,
		  "got \"%s\", want \"open: %s\"", vstring_str(vp), want);
    ck_assert_int_eq(errno, ENOENT);
    vstring_free(vp);
}
END_TEST

/* test_truncate - shorten, never lengthen */

START_TEST(test_truncate)
{
    VSTRING *vp = vstring_alloc(10);

    vstring_strcpy(vp, "abcdef");
    vstring_truncate(vp, 10);
    ck_assert_str_eq(vstring_str(vp), "abcdef");
    vstring_truncate(vp, 6);
    ck_assert_str_eq(vstring_str(vp), "abcdef");
    vstring_truncate(vp, 3);
    ck_assert_str_eq(vstring_str(vp), "abc");
    ck_assert_int_eq(VSTRING_LEN(vp), 3);
    vstring_truncate(vp, 0);
    ck_assert_str_eq(vstring_str(vp), "");
    ck_assert_int_eq(VSTRING_LEN(vp), 0);
    vstring_free(vp);
}
END_TEST

/* test_export - the caller owns the storage */

START_TEST(test_export)
{
    VSTRING *vp = vstring_alloc(2);
    char   *str;

    vstring_sprintf(vp, "exported %d", 1);
    str = vstring_export(vp);
    ck_assert_str_eq(str, "exported 1");
    myfree(str);
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
    {"alloc zero", 0, "vstring_alloc: bad length 0"},
    {"alloc negative", 1, "vstring_alloc: bad length -1"},
    {"memcat negative", 2, "vstring_memcat: bad length -5"},
    {"space negative", 3, "vstring_space: bad length -1"},
    {"truncate negative", 4, "vstring_truncate: bad length -2"},
    {"strncat negative", 5, "vstring_strncat: bad length -1"},
    {"strncpy negative", 6, "vstring_strncat: bad length -3"},
};

#define NPANIC	(sizeof(panic_cases) / sizeof(panic_cases[0]))

/* test_panic - bad lengths abort */

START_TEST(test_panic)
{
    VSTRING *vp;

    unit_expect_msg(panic_cases[_i].want);
    vp = vstring_alloc(10);
    switch (panic_cases[_i].which) {
    case 0:
	(void) vstring_alloc(0);
	break;
    case 1:
	(void) vstring_alloc(-1);
	break;
    case 2:
	vstring_memcat(vp, "abc", -5);
	break;
    case 3:
	vstring_space(vp, -1);
	break;
    case 4:
	vstring_truncate(vp, -2);
	break;
    case 5:
	vstring_strncat(vp, "abc", -1);
	break;
    case 6:
	vstring_strncpy(vp, "abc", -3);
	break;
    }
    ck_abort_msg("%s: no panic", panic_cases[_i].label);
}
END_TEST

/* vstring_suite - build the suite */

static Suite *vstring_suite(void)
{
    Suite  *s = suite_create("vstring");
    TCase  *tc;

    tc = tcase_create("content");
    tcase_add_loop_test(tc, test_copy, 0, NCOPY);
    tcase_add_test(tc, test_alloc);
    tcase_add_test(tc, test_grow);
    tcase_add_test(tc, test_addch);
    tcase_add_test(tc, test_truncate);
    tcase_add_test(tc, test_export);
    suite_add_tcase(s, tc);

    tc = tcase_create("format");
    tcase_add_loop_test(tc, test_sprintf, 0, NFMT);
    tcase_add_test(tc, test_sprintf_long);
    tcase_add_test(tc, test_sprintf_errno);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    unit_add_panic_loop_test(tc, test_panic, 0, NPANIC);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(vstring_suite()));
}
