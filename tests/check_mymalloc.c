/*++
/* NAME
/*	check_mymalloc 1
/* SUMMARY
/*	mymalloc(3) unit tests
/* SYNOPSIS
/*	./check_mymalloc
/* DESCRIPTION
/*	Tests the allocation wrappers: usable and aligned memory,
/*	resizing that keeps the content, the string and memory copies
/*	(mystrndup() stops at a null byte), the panics on bad lengths,
/*	null pointers, double free and foreign pointers (the signature
/*	check), and the fatal error when memory runs out.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <stdint.h>
#include <string.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

/* test_malloc - memory is usable and aligned */

START_TEST(test_malloc)
{
    static const ssize_t sizes[] = {1, 7, 8, 100, 4096, 100000};
    unsigned char *p;
    size_t  i;

    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
	p = mymalloc(sizes[i]);
	ck_assert_ptr_nonnull(p);
	ck_assert_msg((uintptr_t) p % sizeof(long double) == 0,
		      "got address %p for %ld bytes, want alignment %lu",
		      (void *) p, (long) sizes[i],
		      (unsigned long) sizeof(long double));
	memset(p, 0xa5, sizes[i]);
	ck_assert_int_eq(p[sizes[i] - 1], 0xa5);
	myfree(p);
    }
}
END_TEST

/* test_realloc - resizing keeps the content */

START_TEST(test_realloc)
{
    char   *p = mymalloc(10);
    int     i;

    memcpy(p, "0123456789", 10);
    p = myrealloc(p, 100000);
    ck_assert_int_eq(memcmp(p, "0123456789", 10), 0);
    for (i = 10; i < 100000; i++)
	p[i] = (char) i;
    p = myrealloc(p, 4);
    ck_assert_int_eq(memcmp(p, "0123", 4), 0);
    myfree(p);
}
END_TEST

/* test_strdup - an independent copy */

START_TEST(test_strdup)
{
    char    src[] = "hello";
    char   *copy = mystrdup(src);

    ck_assert_ptr_ne(copy, src);
    ck_assert_str_eq(copy, "hello");
    src[0] = 'J';
    ck_assert_str_eq(copy, "hello");
    myfree(copy);

    copy = mystrdup("");
    ck_assert_str_eq(copy, "");
    myfree(copy);
}
END_TEST

 /*
  * mystrndup() copies at most len bytes and stops at a null byte.
  */
static const struct {
    const char *src;			/* at least 16 bytes readable */
    ssize_t len;
    const char *want;
} strndup_cases[] = {
    {"hello\0__________", 3, "hel"},
    {"hello\0__________", 5, "hello"},
    {"hello\0__________", 6, "hello"},
    {"hello\0__________", 16, "hello"},
    {"hi\0xyz__________", 6, "hi"},
    {"\0bc_____________", 3, ""},
    {"abc\0____________", 0, ""},
};

#define NSTRNDUP	(sizeof(strndup_cases) / sizeof(strndup_cases[0]))

/* test_strndup - table */

START_TEST(test_strndup)
{
    char   *got = mystrndup(strndup_cases[_i].src, strndup_cases[_i].len);

    ck_assert_msg(strcmp(got, strndup_cases[_i].want) == 0,
		  "mystrndup(\"%s\", %ld): got \"%s\", want \"%s\"",
		  strndup_cases[_i].src, (long) strndup_cases[_i].len,
		  got, strndup_cases[_i].want);
    myfree(got);
}
END_TEST

/* test_memdup - binary copy plus a null byte */

START_TEST(test_memdup)
{
    static const char src[] = {'a', 0, 'b', (char) 0xff};
    char   *got = mymemdup(src, sizeof(src));

    ck_assert_mem_eq(got, src, sizeof(src));
    ck_assert_int_eq(got[sizeof(src)], 0);
    myfree(got);

    got = mymemdup(src, 0);
    ck_assert_int_eq(got[0], 0);
    myfree(got);
}
END_TEST

 /*
  * AddressSanitizer: let an impossible request fail as malloc() does
  * without it, so that the fatal error path can be tested.
  */
#ifdef __SANITIZE_ADDRESS__
const char *__asan_default_options(void);

/* __asan_default_options - ASan calls this at startup */

const char *__asan_default_options(void)
{
    return ("allocator_may_return_null=1");
}

#endif

 /*
  * Interface violations: each must panic with this text. The last two
  * read a block after free(); AddressSanitizer reports that itself, so
  * they are left out of a sanitizer build (NPANIC_SAFE).
  */
static const struct {
    const char *label;
    int     which;
    const char *want;
} panic_cases[] = {
    {"malloc zero", 0, "mymalloc: requested length 0"},
    {"malloc negative", 1, "mymalloc: requested length -1"},
    {"realloc zero", 2, "myrealloc: requested length 0"},
    {"realloc null", 3, "myrealloc: null pointer input"},
    {"free null", 4, "myfree: null pointer input"},
    {"free foreign pointer", 6, "myfree: corrupt or unallocated memory block"},
    {"free interior pointer", 7, "myfree: corrupt or unallocated memory block"},
    {"strdup null", 9, "mystrdup: null pointer argument"},
    {"strndup null", 10, "mystrndup: null pointer argument"},
    {"strndup negative", 11, "mystrndup: requested length -1"},
    {"memdup null", 12, "mymemdup: null pointer argument"},
    {"memdup negative", 13, "mymemdup: requested length -2"},
    {"double free", 5, "myfree: corrupt or unallocated memory block"},
    {"realloc freed", 8, "myrealloc: corrupt or unallocated memory block"},
};

#define NPANIC	(sizeof(panic_cases) / sizeof(panic_cases[0]))

#ifdef __SANITIZE_ADDRESS__
#define NPANIC_SAFE	(NPANIC - 2)
#else
#define NPANIC_SAFE	NPANIC
#endif

/* test_panic - each case aborts with its message */

START_TEST(test_panic)
{
    static union {
	long double align;
	char    bytes[64];
    }       foreign;
    char   *p;

    unit_expect_msg(panic_cases[_i].want);
    switch (panic_cases[_i].which) {
    case 0:
	(void) mymalloc(0);
	break;
    case 1:
	(void) mymalloc(-1);
	break;
    case 2:
	p = mymalloc(10);
	(void) myrealloc(p, 0);
	break;
    case 3:
	(void) myrealloc((void *) 0, 10);
	break;
    case 4:
	myfree((void *) 0);
	break;
    case 5:
	p = mymalloc(100);
	myfree(p);
	myfree(p);
	break;
    case 6:
	myfree(foreign.bytes + 32);
	break;
    case 7:
	p = mymalloc(100);
	myfree(p + 16);
	break;
    case 8:
	p = mymalloc(100);
	myfree(p);
	(void) myrealloc(p, 200);
	break;
    case 9:
	(void) mystrdup((char *) 0);
	break;
    case 10:
	(void) mystrndup((char *) 0, 1);
	break;
    case 11:
	(void) mystrndup("abc", -1);
	break;
    case 12:
	(void) mymemdup((void *) 0, 1);
	break;
    case 13:
	(void) mymemdup("abc", -2);
	break;
    }
    ck_abort_msg("%s: no panic", panic_cases[_i].label);
}
END_TEST

/* test_out_of_memory - an impossible request is fatal */

START_TEST(test_out_of_memory)
{
    unit_expect_msg("mymalloc: insufficient memory");
    (void) mymalloc(SSIZE_MAX - 8);
    ck_abort_msg("mymalloc(SSIZE_MAX - 8) returned");
}
END_TEST

/* test_realloc_out_of_memory - likewise for a resize */

START_TEST(test_realloc_out_of_memory)
{
    char   *p = mymalloc(10);

    unit_expect_msg("myrealloc: insufficient memory");
    (void) myrealloc(p, SSIZE_MAX - 8);
    ck_abort_msg("myrealloc(p, SSIZE_MAX - 8) returned");
}
END_TEST

/* mymalloc_suite - build the suite */

static Suite *mymalloc_suite(void)
{
    Suite  *s = suite_create("mymalloc");
    TCase  *tc;

    tc = tcase_create("allocate");
    tcase_add_test(tc, test_malloc);
    tcase_add_test(tc, test_realloc);
    tcase_add_test(tc, test_strdup);
    tcase_add_loop_test(tc, test_strndup, 0, NSTRNDUP);
    tcase_add_test(tc, test_memdup);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    unit_add_panic_loop_test(tc, test_panic, 0, NPANIC_SAFE);
    unit_add_fatal_test(tc, test_out_of_memory);
    unit_add_fatal_test(tc, test_realloc_out_of_memory);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(mymalloc_suite()));
}
