/*++
/* NAME
/*	check_stringops 1
/* SUMMARY
/*	stringops(3) unit tests
/* SYNOPSIS
/*	./check_stringops
/* DESCRIPTION
/*	Table-driven tests of the string utilities: lowercase(),
/*	trimblanks(), skipblanks(), mystrtok(), split_at(), alldig(),
/*	safe_strtol() (empty input, trailing garbage, overflow),
/*	split_nameval() (both error messages), printable_vstring()
/*	(control characters, null bytes, high bytes, backslashes, the
/*	"..." cut) and valid_utf8() (overlong forms, surrogates, code
/*	points above U+10FFFF, truncated sequences).
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
#include <mymalloc.h>
#include <vstring.h>
#include <stringops.h>

/* Test library. */

#include "testlib.h"

 /*
  * lowercase().
  */
static const struct {
    const char *input;
    const char *want;
} lowercase_cases[] = {
    {"Hello World", "hello world"},
    {"ABC-xyz_019", "abc-xyz_019"},
    {"", ""},
    {"\303\211T\303\211", "\303\211t\303\211"},	/* ASCII only */
};

#define NLOWERCASE	(sizeof(lowercase_cases) / sizeof(lowercase_cases[0]))

/* test_lowercase - table */

START_TEST(test_lowercase)
{
    char   *buf = mystrdup(lowercase_cases[_i].input);

    ck_assert_ptr_eq(lowercase(buf), buf);
    ck_assert_msg(strcmp(buf, lowercase_cases[_i].want) == 0,
		  "lowercase(\"%s\"): got \"%s\", want \"%s\"",
		  lowercase_cases[_i].input, buf, lowercase_cases[_i].want);
    myfree(buf);
}
END_TEST

 /*
  * trimblanks() and skipblanks().
  */
static const struct {
    const char *input;
    ssize_t len;
    const char *want_trim;		/* text up to the trimmed end */
    const char *want_skip;		/* text after skipblanks() */
} blank_cases[] = {
    {"  abc  ", -1, "  abc", "abc  "},
    {"abc", -1, "abc", "abc"},
    {"", -1, "", ""},
    {" \t\r\n\f\v", -1, "", ""},
    {"a b \t", -1, "a b", "a b \t"},
    {"abc   xyz", 5, "abc", "abc   xyz"},
    {"\tvalue\r\n", -1, "\tvalue", "value\r\n"},
};

#define NBLANK	(sizeof(blank_cases) / sizeof(blank_cases[0]))

/* test_blanks - table */

START_TEST(test_blanks)
{
    char   *buf = mystrdup(blank_cases[_i].input);
    char   *end;
    char   *got;

    end = trimblanks(buf, blank_cases[_i].len);
    got = mystrndup(buf, end - buf);
    ck_assert_msg(strcmp(got, blank_cases[_i].want_trim) == 0,
		  "trimblanks(\"%s\", %ld): got \"%s\", want \"%s\"",
		  blank_cases[_i].input, (long) blank_cases[_i].len, got,
		  blank_cases[_i].want_trim);
    ck_assert_str_eq(buf, blank_cases[_i].input);	/* not modified */
    ck_assert_str_eq(skipblanks(buf), blank_cases[_i].want_skip);
    myfree(got);
    myfree(buf);
}
END_TEST

 /*
  * mystrtok(): tokens joined with "|".
  */
static const struct {
    const char *input;
    const char *delim;
    const char *want;
} strtok_cases[] = {
    {"a b  c", " ", "a|b|c"},
    {"  lead and trail  ", " ", "lead|and|trail"},
    {"", " ", ""},
    {",,,", ",", ""},
    {"k1=v1, k2=v2", ", ", "k1=v1|k2=v2"},
    {"one", " ", "one"},
};

#define NSTRTOK	(sizeof(strtok_cases) / sizeof(strtok_cases[0]))

/* test_mystrtok - table */

START_TEST(test_mystrtok)
{
    char   *buf = mystrdup(strtok_cases[_i].input);
    char   *cp = buf;
    char   *tok;
    VSTRING *got = vstring_alloc(10);

    while ((tok = mystrtok(&cp, strtok_cases[_i].delim)) != 0)
	vstring_sprintf_append(got, "%s%s", VSTRING_LEN(got) ? "|" : "", tok);
    ck_assert_msg(strcmp(vstring_str(got), strtok_cases[_i].want) == 0,
		  "mystrtok(\"%s\"): got \"%s\", want \"%s\"",
		  strtok_cases[_i].input, vstring_str(got),
		  strtok_cases[_i].want);
    ck_assert_ptr_null(mystrtok(&cp, strtok_cases[_i].delim));
    vstring_free(got);
    myfree(buf);
}
END_TEST

 /*
  * split_at().
  */
static const struct {
    const char *input;
    int     delim;
    const char *want_head;
    const char *want_tail;		/* null: no delimiter */
} split_at_cases[] = {
    {"1.2.3.0/24", '/', "1.2.3.0", "24"},
    {"1.2.3.4", '/', "1.2.3.4", 0},
    {"a/b/c", '/', "a", "b/c"},
    {"/x", '/', "", "x"},
    {"x/", '/', "x", ""},
};

#define NSPLIT_AT	(sizeof(split_at_cases) / sizeof(split_at_cases[0]))

/* test_split_at - table */

START_TEST(test_split_at)
{
    char   *buf = mystrdup(split_at_cases[_i].input);
    char   *tail = split_at(buf, split_at_cases[_i].delim);

    ck_assert_str_eq(buf, split_at_cases[_i].want_head);
    if (split_at_cases[_i].want_tail == 0)
	ck_assert_ptr_null(tail);
    else
	ck_assert_msg(tail != 0 && strcmp(tail, split_at_cases[_i].want_tail) == 0,
		      "split_at(\"%s\"): got tail \"%s\", want \"%s\"",
		      split_at_cases[_i].input, tail ? tail : "(null)",
		      split_at_cases[_i].want_tail);
    myfree(buf);
}
END_TEST

 /*
  * alldig().
  */
static const struct {
    const char *input;
    int     want;
} alldig_cases[] = {
    {"0", 1},
    {"0123456789", 1},
    {"", 0},
    {"12a", 0},
    {"-1", 0},
    {"+1", 0},
    {" 1", 0},
    {"1 ", 0},
};

#define NALLDIG	(sizeof(alldig_cases) / sizeof(alldig_cases[0]))

/* test_alldig - table */

START_TEST(test_alldig)
{
    ck_assert_msg(alldig(alldig_cases[_i].input) == alldig_cases[_i].want,
		  "alldig(\"%s\"): got %d, want %d", alldig_cases[_i].input,
		  alldig(alldig_cases[_i].input), alldig_cases[_i].want);
}
END_TEST

 /*
  * safe_strtol().
  */
static const struct {
    const char *input;
    int     want_ok;
    long    want;
} strtol_cases[] = {
    {"0", 1, 0},
    {"42", 1, 42},
    {"-17", 1, -17},
    {"+5", 1, 5},
    {"007", 1, 7},
    {"9223372036854775807", 1, 9223372036854775807L},
    {"-9223372036854775808", 1, -9223372036854775807L - 1},
    {"", 0, 0},
    {"12x", 0, 0},
    {"x12", 0, 0},
    {" 12", 0, 0},
    {"12 ", 0, 0},
    {"-", 0, 0},
    {"0x10", 0, 0},
    {"9223372036854775808", 0, 0},
    {"-9223372036854775809", 0, 0},
    {"99999999999999999999999", 0, 0},
};

#define NSTRTOL	(sizeof(strtol_cases) / sizeof(strtol_cases[0]))

/* test_safe_strtol - table */

START_TEST(test_safe_strtol)
{
    long    got = -12345;
    int     ok = safe_strtol(strtol_cases[_i].input, &got);

    ck_assert_msg(ok == strtol_cases[_i].want_ok,
		  "safe_strtol(\"%s\"): got %s, want %s",
		  strtol_cases[_i].input, ok ? "success" : "failure",
		  strtol_cases[_i].want_ok ? "success" : "failure");
    if (ok)
	ck_assert_msg(got == strtol_cases[_i].want,
		      "safe_strtol(\"%s\"): got %ld, want %ld",
		      strtol_cases[_i].input, got, strtol_cases[_i].want);
    else
	ck_assert_msg(got == -12345, "result changed on failure");
}
END_TEST

 /*
  * split_nameval().
  */
static const struct {
    const char *input;
    const char *want_err;
    const char *want_name;
    const char *want_value;
} nameval_cases[] = {
    {"a = b", 0, "a", "b"},
    {"a=b", 0, "a", "b"},
    {"a=", 0, "a", ""},
    {"  name  =  some value  ", 0, "name", "some value"},
    {"x=y=z", 0, "x", "y=z"},
    {"sasl_method=", 0, "sasl_method", ""},
    {"\tkey\t=\tv\r", 0, "key", "v"},
    {" =b", "missing attribute name", 0, 0},
    {"=", "missing attribute name", 0, 0},
    {"ab", "missing '=' after attribute name", 0, 0},
    {"", "missing '=' after attribute name", 0, 0},
};

#define NNAMEVAL	(sizeof(nameval_cases) / sizeof(nameval_cases[0]))

/* test_split_nameval - table */

START_TEST(test_split_nameval)
{
    char   *buf = mystrdup(nameval_cases[_i].input);
    char   *name = 0;
    char   *value = 0;
    const char *err;

    err = split_nameval(buf, &name, &value);
    if (nameval_cases[_i].want_err) {
	ck_assert_msg(err != 0 && strcmp(err, nameval_cases[_i].want_err) == 0,
		      "\"%s\": got error \"%s\", want \"%s\"",
		      nameval_cases[_i].input, err ? err : "(none)",
		      nameval_cases[_i].want_err);
    } else {
	ck_assert_msg(err == 0, "\"%s\": got error \"%s\", want success",
		      nameval_cases[_i].input, err);
	ck_assert_str_eq(name, nameval_cases[_i].want_name);
	ck_assert_str_eq(value, nameval_cases[_i].want_value);
    }
    myfree(buf);
}
END_TEST

 /*
  * printable_vstring().
  */
static const struct {
    const char *input;
    ssize_t len;
    ssize_t limit;
    const char *want;
} printable_cases[] = {
    {"plain text", -1, 100, "plain text"},
    {"line\nbreak", -1, 100, "line\\012break"},
    {"tab\tcr\r", -1, 100, "tab\\011cr\\015"},
    {"nul\0byte", 8, 100, "nul\\000byte"},
    {"high\377\200", -1, 100, "high\\377\\200"},
    {"del\177", -1, 100, "del\\177"},
    {"back\\slash", -1, 100, "back\\134slash"},
    {"0123456789", -1, 5, "01234..."},
    {"0123456789", -1, 10, "0123456789"},
    {"\001\002\003\004", -1, 2, "\\001\\002..."},
    {"", -1, 10, ""},
    {"abc", 2, 10, "ab"},
};

#define NPRINTABLE	(sizeof(printable_cases) / sizeof(printable_cases[0]))

/* test_printable - table */

START_TEST(test_printable)
{
    VSTRING *buf = vstring_alloc(1);
    char   *got;

    vstring_strcpy(buf, "old content");
    got = printable_vstring(buf, printable_cases[_i].input,
			    printable_cases[_i].len, printable_cases[_i].limit);
    ck_assert_ptr_eq(got, vstring_str(buf));
    ck_assert_msg(strcmp(got, printable_cases[_i].want) == 0,
		  "case %d: got \"%s\", want \"%s\"", _i, got,
		  printable_cases[_i].want);
    ck_assert_int_eq(VSTRING_LEN(buf), strlen(printable_cases[_i].want));
    vstring_free(buf);
}
END_TEST

 /*
  * valid_utf8().
  */
static const struct {
    const char *label;
    const char *input;
    ssize_t len;			/* -1: strlen() */
    int     want;
} utf8_cases[] = {
    {"ascii", "hello", -1, 1},
    {"empty", "", -1, 1},
    {"nul byte", "a\0b", 3, 1},
    {"2-byte e-acute", "\303\251", -1, 1},
    {"2-byte lowest U+0080", "\302\200", -1, 1},
    {"3-byte euro", "\342\202\254", -1, 1},
    {"3-byte lowest U+0800", "\340\240\200", -1, 1},
    {"3-byte U+FFFF", "\357\277\277", -1, 1},
    {"3-byte before surrogates U+D7FF", "\355\237\277", -1, 1},
    {"3-byte after surrogates U+E000", "\356\200\200", -1, 1},
    {"4-byte emoji", "\360\237\230\200", -1, 1},
    {"4-byte U+10FFFF", "\364\217\277\277", -1, 1},
    {"mixed", "caf\303\251 \342\202\254", -1, 1},
    {"overlong C0 80", "\300\200", -1, 0},
    {"overlong C1 BF", "\301\277", -1, 0},
    {"overlong E0 80 80", "\340\200\200", -1, 0},
    {"overlong E0 9F BF", "\340\237\277", -1, 0},
    {"overlong F0 80 80 80", "\360\200\200\200", -1, 0},
    {"surrogate ED A0 80", "\355\240\200", -1, 0},
    {"surrogate ED BF BF", "\355\277\277", -1, 0},
    {"above U+10FFFF F4 90 80 80", "\364\220\200\200", -1, 0},
    {"lead F5", "\365\200\200\200", -1, 0},
    {"lead FF", "\377", -1, 0},
    {"lone continuation", "\200", -1, 0},
    {"truncated 2-byte", "\303", -1, 0},
    {"truncated 3-byte", "\342\202", -1, 0},
    {"truncated 4-byte", "\360\237\230", -1, 0},
    {"truncated by len", "\303\251", 1, 0},
    {"bad continuation", "\303A", -1, 0},
    {"ascii after bad", "\342\202A", -1, 0},
};

#define NUTF8	(sizeof(utf8_cases) / sizeof(utf8_cases[0]))

/* test_valid_utf8 - table */

START_TEST(test_valid_utf8)
{
    ssize_t len = utf8_cases[_i].len < 0 ?
    (ssize_t) strlen(utf8_cases[_i].input) : utf8_cases[_i].len;
    int     got = valid_utf8(utf8_cases[_i].input, len);

    ck_assert_msg(got == utf8_cases[_i].want, "%s: got %s, want %s",
		  utf8_cases[_i].label, got ? "valid" : "invalid",
		  utf8_cases[_i].want ? "valid" : "invalid");
}
END_TEST

/* stringops_suite - build the suite */

static Suite *stringops_suite(void)
{
    Suite  *s = suite_create("stringops");
    TCase  *tc;

    tc = tcase_create("parse");
    tcase_add_loop_test(tc, test_lowercase, 0, NLOWERCASE);
    tcase_add_loop_test(tc, test_blanks, 0, NBLANK);
    tcase_add_loop_test(tc, test_mystrtok, 0, NSTRTOK);
    tcase_add_loop_test(tc, test_split_at, 0, NSPLIT_AT);
    tcase_add_loop_test(tc, test_alldig, 0, NALLDIG);
    tcase_add_loop_test(tc, test_safe_strtol, 0, NSTRTOL);
    tcase_add_loop_test(tc, test_split_nameval, 0, NNAMEVAL);
    suite_add_tcase(s, tc);

    tc = tcase_create("text");
    tcase_add_loop_test(tc, test_printable, 0, NPRINTABLE);
    tcase_add_loop_test(tc, test_valid_utf8, 0, NUTF8);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(stringops_suite()));
}
