/*++
/* NAME
/*	check_mail_conf_param 1
/* SUMMARY
/*	mail_conf_param(3) unit tests
/* SYNOPSIS
/*	./check_mail_conf_param
/* DESCRIPTION
/*	Tests typed parameters: conv_time() with every unit, the default
/*	unit, and its errors (empty, no digit, unknown unit, garbage
/*	after the unit, overflow); get_mail_conf_int(), _bool(), _str(),
/*	_raw() and _time() with values from a file, from -o and from the
/*	default (which is entered into the dictionary, so that $name
/*	works), with $name expansion (not for raw values), bounds and
/*	bad values, which are fatal with a message that names the
/*	origin, the parameter, the value and what is allowed; and the
/*	table functions, which fill their targets in order and release
/*	old string values.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>

/* Global library. */

#include <mail_conf.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

 /*
  * A private directory per test case, made in the runner process so that
  * tests that end in exit() leave nothing behind.
  */
static char *conf_dir;

/* conf_dir_create - unchecked fixture */

static void conf_dir_create(void)
{
    conf_dir = test_tmpdir("mail_conf_param");
}

/* conf_dir_remove - unchecked fixture */

static void conf_dir_remove(void)
{
    test_rmdir(conf_dir);
    myfree(conf_dir);
    conf_dir = 0;
}

/* setup - checked fixture */

static void setup(void)
{
    test_msg_capture();
}

/* teardown - checked fixture */

static void teardown(void)
{
    mail_conf_flush();
}

/* read_main - write main.cf and read it */

static void read_main(const char *content)
{
    VSTRING *path = vstring_alloc(100);

    test_write_file(conf_dir, "main.cf", content);
    vstring_sprintf(path, "%s/main.cf", conf_dir);
    mail_conf_read(vstring_str(path), MAIL_CONF_REQUIRED);
    vstring_free(path);
}

 /*
  * conv_time().
  */
typedef struct TIME_CASE {
    const char *text;
    int     default_unit;
    int     want_ok;
    int     want_seconds;		/* if ok */
    const char *want_why;		/* if not */
} TIME_CASE;

static const TIME_CASE time_cases[] = {
    {"60", 's', 1, 60, 0},
    {"60s", 's', 1, 60, 0},
    {"0", 's', 1, 0, 0},
    {"0w", 's', 1, 0, 0},
    {"007s", 's', 1, 7, 0},
    {"2m", 's', 1, 120, 0},
    {"3h", 's', 1, 10800, 0},
    {"2d", 's', 1, 172800, 0},
    {"1w", 's', 1, 604800, 0},
    {"60", 'm', 1, 3600, 0},
    {"60", 'h', 1, 216000, 0},
    {"60", 'd', 1, 5184000, 0},
    {"2", 'w', 1, 1209600, 0},
    {"60s", 'd', 1, 60, 0},
    {"2147483647", 's', 1, INT_MAX, 0},
    {"35791394m", 's', 1, 35791394 * 60, 0},
    {"", 's', 0, 0, "empty value"},
    {"x", 's', 0, 0, "it does not start with a digit"},
    {"s", 's', 0, 0, "it does not start with a digit"},
    {"-5", 's', 0, 0, "it does not start with a digit"},
    {" 5", 's', 0, 0, "it does not start with a digit"},
    {"60x", 's', 0, 0, "unknown unit \"x\""},
    {"60S", 's', 0, 0, "unknown unit \"S\""},
    {"60", 'x', 0, 0, "unknown unit \"x\""},
    {"60ss", 's', 0, 0, "garbage after unit: \"s\""},
    {"60 s", 's', 0, 0, "garbage after unit"},
    {"1m30s", 's', 0, 0, "garbage after unit: \"30s\""},
    {"99999999999", 's', 0, 0, "number too large"},
    {"2147483648", 's', 0, 0, "number too large"},
    {"35791395m", 's', 0, 0, "value too large"},
    {"4000w", 's', 0, 0, "value too large"},
    {"25000", 'd', 0, 0, "value too large"},
};

#define NTIME	(sizeof(time_cases) / sizeof(time_cases[0]))

/* test_conv_time - table */

START_TEST(test_conv_time)
{
    const TIME_CASE *tp = time_cases + _i;
    VSTRING *why = vstring_alloc(10);
    int     seconds = -12345;
    int     ok;

    ok = conv_time(tp->text, &seconds, tp->default_unit, why);
    ck_assert_msg(ok == tp->want_ok,
		  "conv_time(\"%s\", '%c'): got %s (%s), want %s",
		  tp->text, tp->default_unit, ok ? "ok" : "error",
		  vstring_str(why), tp->want_ok ? "ok" : "error");
    if (ok) {
	ck_assert_msg(seconds == tp->want_seconds,
		      "conv_time(\"%s\", '%c'): got %d, want %d", tp->text,
		      tp->default_unit, seconds, tp->want_seconds);
    } else {
	ck_assert_msg(strstr(vstring_str(why), tp->want_why) != 0,
		      "conv_time(\"%s\", '%c'): got why \"%s\", want \"%s\"",
		      tp->text, tp->default_unit, vstring_str(why),
		      tp->want_why);
	ck_assert_int_eq(seconds, -12345);	/* untouched */
    }
    vstring_free(why);
}

END_TEST

 /*
  * Successful reads. Types: i(nt), b(ool), t(ime), s(tr), r(aw). The
  * parameter is "p"; the file content is read first (null: no file), then
  * the -o override (null: none). The default is text; for int and bool it
  * is converted with atoi(). want_raw is the raw value in the dictionary
  * afterwards.
  */
typedef struct GET_CASE {
    const char *label;
    int     type;
    const char *content;
    const char *override;
    const char *defval;
    int     min;
    int     max;
    const char *want;			/* decimal for int, bool, time */
    const char *want_raw;
} GET_CASE;

static const GET_CASE get_cases[] = {
    /* int */
    {"int default", 'i', 0, 0, "42", 0, 0, "42", "42"},
    {"int negative default", 'i', 0, 0, "-1", 0, 0, "-1", "-1"},
    {"int from file", 'i', "p = 7\n", 0, "42", 0, 0, "7", "7"},
    {"int from -o", 'i', "p = 7\n", "p=8", "42", 0, 0, "8", "8"},
    {"int expanded", 'i', "a = 12\np = $a\n", 0, "42", 0, 0, "12", "$a"},
    {"int conditional", 'i', "a =\np = ${a?1}${a:2}\n", 0, "42", 0, 0, "2",
    "${a?1}${a:2}"},
    {"int at min", 'i', "p = 10\n", 0, "15", 10, 20, "10", "10"},
    {"int at max", 'i', "p = 20\n", 0, "15", 10, 20, "20", "20"},
    {"int only min", 'i', "p = 2000000000\n", 0, "15", 10, 0, "2000000000",
    "2000000000"},
    {"int no min", 'i', "p = -7\n", 0, "15", 0, 100, "-7", "-7"},
    {"int INT_MAX", 'i', "p = 2147483647\n", 0, "0", 0, 0, "2147483647",
    "2147483647"},
    {"int plus sign", 'i', "p = +5\n", 0, "0", 0, 0, "5", "+5"},
    /* bool */
    {"bool default yes", 'b', 0, 0, "1", 0, 0, "1", "yes"},
    {"bool default no", 'b', 0, 0, "0", 0, 0, "0", "no"},
    {"bool yes", 'b', "p = yes\n", 0, "0", 0, 0, "1", "yes"},
    {"bool NO", 'b', "p = NO\n", 0, "1", 0, 0, "0", "NO"},
    {"bool Yes", 'b', "p = Yes\n", 0, "0", 0, 0, "1", "Yes"},
    {"bool no", 'b', "p = no\n", 0, "1", 0, 0, "0", "no"},
    {"bool expanded", 'b', "a = yes\np = $a\n", 0, "0", 0, 0, "1", "$a"},
    {"bool -o", 'b', "p = yes\n", "p = no", "1", 0, 0, "0", "no"},
    /* time */
    {"time default", 't', 0, 0, "60s", 0, 0, "60", "60s"},
    {"time default days", 't', 0, 0, "35d", 0, 0, "3024000", "35d"},
    {"time unit s", 't', "p = 90\n", 0, "60s", 0, 0, "90", "90"},
    {"time unit of default d", 't', "p = 2\n", 0, "35d", 0, 0, "172800", "2"},
    {"time unit of default h", 't', "p = 2\n", 0, "1h", 0, 0, "7200", "2"},
    {"time explicit unit", 't', "p = 2m\n", 0, "35d", 0, 0, "120", "2m"},
    {"time default without unit", 't', "p = 5\n", 0, "60", 0, 0, "5", "5"},
    {"time default $name", 't', "base = 2m\np = 5\n", 0, "$base", 0, 0, "5",
    "5"},
    {"time default $name used", 't', "base = 2m\n", 0, "$base", 0, 0, "120",
    "$base"},
    {"time expanded", 't', "a = 3h\np = $a\n", 0, "60s", 0, 0, "10800", "$a"},
    {"time at max", 't', "p = 1m\n", 0, "1s", 1, 60, "60", "1m"},
    {"time zero", 't', "p = 0\n", 0, "60s", 0, 0, "0", "0"},
    /* str */
    {"str default", 's', 0, 0, "text", 0, 0, "text", "text"},
    {"str default expanded", 's', "data_directory = /d\n", 0,
    "btree:$data_directory/greylist.db", 0, 0, "btree:/d/greylist.db",
    "btree:$data_directory/greylist.db"},
    {"str from file", 's', "p = a b  c\n", 0, "x", 0, 0, "a b  c", "a b  c"},
    {"str expanded", 's', "a = A\np = <$a>\n", 0, "x", 0, 0, "<A>", "<$a>"},
    {"str empty", 's', "p =\n", 0, "x", 0, 0, "", ""},
    {"str length at min", 's', "p = abc\n", 0, "x", 3, 5, "abc", "abc"},
    {"str length at max", 's', "p = abcde\n", 0, "x", 3, 5, "abcde", "abcde"},
    {"str length after expansion", 's', "a = abc\np = $a\n", 0, "x", 3, 3,
    "abc", "$a"},
    /* raw */
    {"raw default", 'r', 0, 0, "DEFER $x", 0, 0, "DEFER $x", "DEFER $x"},
    {"raw not expanded", 'r', "x = X\np = $x ${x?y} $$\n", 0, "d", 0, 0,
    "$x ${x?y} $$", "$x ${x?y} $$"},
    {"raw bad syntax is fine", 'r', "p = ${x\n", 0, "d", 0, 0, "${x", "${x"},
    {"raw length is raw", 'r', "x = long value\np = $x\n", 0, "d", 2, 2,
    "$x", "$x"},
};

#define NGET	(sizeof(get_cases) / sizeof(get_cases[0]))

/* get_param - read p as its case says, return the value as text */

static void get_param(const GET_CASE *tp, VSTRING *got)
{
    char   *str;

    if (tp->content)
	read_main(tp->content);
    if (tp->override)
	mail_conf_override(tp->override);
    switch (tp->type) {
    case 'i':
	vstring_sprintf(got, "%d", get_mail_conf_int("p", atoi(tp->defval),
						     tp->min, tp->max));
	break;
    case 'b':
	vstring_sprintf(got, "%d", get_mail_conf_bool("p", atoi(tp->defval)));
	break;
    case 't':
	vstring_sprintf(got, "%d", get_mail_conf_time("p", tp->defval,
						      tp->min, tp->max));
	break;
    case 's':
	str = get_mail_conf_str("p", tp->defval, tp->min, tp->max);
	vstring_strcpy(got, str);
	myfree(str);
	break;
    case 'r':
	str = get_mail_conf_raw("p", tp->defval, tp->min, tp->max);
	vstring_strcpy(got, str);
	myfree(str);
	break;
    default:
	ck_abort_msg("%s: bad type %c", tp->label, tp->type);
    }
}

/* test_get - successful reads, table */

START_TEST(test_get)
{
    const GET_CASE *tp = get_cases + _i;
    VSTRING *got = vstring_alloc(10);
    const char *raw;

    get_param(tp, got);
    ck_assert_msg(strcmp(vstring_str(got), tp->want) == 0,
		  "%s: got \"%s\", want \"%s\"", tp->label, vstring_str(got),
		  tp->want);
    raw = mail_conf_lookup("p");
    ck_assert_msg(raw != 0 && strcmp(raw, tp->want_raw) == 0,
		  "%s: dictionary: got \"%s\", want \"%s\"", tp->label,
		  raw ? raw : "(null)", tp->want_raw);
    ck_assert_msg(*test_msg_log() == 0, "%s: unexpected log \"%s\"",
		  tp->label, test_msg_log());
    vstring_free(got);
}

END_TEST

 /*
  * Fatal reads: the message must name origin, parameter, value and what
  * is allowed.
  */
static const GET_CASE fatal_cases[] = {
    /* int */
    {"int below range", 'i', "p = 5\n", 0, "15", 10, 20,
    "main.cf, line 1: parameter p: value \"5\" is out of range (allowed: a number from 10 to 20)", 0},
    {"int above range", 'i', "p = 21\n", 0, "15", 10, 20,
    "main.cf, line 1: parameter p: value \"21\" is out of range (allowed: a number from 10 to 20)", 0},
    {"int below min", 'i', "p = 0\n", 0, "15", 1, 0,
    "parameter p: value \"0\" is out of range (allowed: a number of at least 1)", 0},
    {"int above max", 'i', "p = 101\n", 0, "15", 0, 100,
    "parameter p: value \"101\" is out of range (allowed: a number of at most 100)", 0},
    {"int overflow", 'i', "p = 99999999999\n", 0, "15", 0, 0,
    "parameter p: value \"99999999999\" is out of range (allowed: a number of at most 2147483647)", 0},
    {"int not a number", 'i', "p = abc\n", 0, "15", 0, 0,
    "main.cf, line 1: parameter p: bad numerical value \"abc\" (allowed: a whole number)", 0},
    {"int trailing garbage", 'i', "p = 5x\n", 0, "15", 0, 0,
    "parameter p: bad numerical value \"5x\"", 0},
    {"int empty", 'i', "p =\n", 0, "15", 0, 0,
    "parameter p: bad numerical value \"\"", 0},
    {"int from -o", 'i', 0, "p = 1 2", "15", 0, 0,
    "-o option: parameter p: bad numerical value \"1 2\"", 0},
    {"int expanded value shown", 'i', "a = 500\np = $a\n", 0, "15", 1, 100,
    "main.cf, line 2: parameter p: value \"500\" is out of range (allowed: a number from 1 to 100)", 0},
    {"int default out of range", 'i', 0, 0, "0", 1, 10,
    "parameter p: value \"0\" is out of range (allowed: a number from 1 to 10)", 0},
    {"int bad expansion", 'i', "p = ${a\n", 0, "15", 0, 0,
    "main.cf, line 1: parameter p: bad value \"${a\": missing '}'", 0},
    /* bool */
    {"bool maybe", 'b', "p = maybe\n", 0, "0", 0, 0,
    "main.cf, line 1: parameter p: bad boolean value \"maybe\" (allowed: yes or no)", 0},
    {"bool 1", 'b', "p = 1\n", 0, "0", 0, 0,
    "parameter p: bad boolean value \"1\" (allowed: yes or no)", 0},
    {"bool empty", 'b', "p =\n", 0, "0", 0, 0,
    "parameter p: bad boolean value \"\" (allowed: yes or no)", 0},
    {"bool yes with text", 'b', "p = yes please\n", 0, "0", 0, 0,
    "parameter p: bad boolean value \"yes please\"", 0},
    /* time */
    {"time unknown unit", 't', "p = 60x\n", 0, "60s", 0, 0,
    "main.cf, line 1: parameter p: bad time value \"60x\": unknown unit \"x\" (allowed: a number with an optional unit s, m, h, d or w)", 0},
    {"time no digit", 't', "p = soon\n", 0, "60s", 0, 0,
    "parameter p: bad time value \"soon\": it does not start with a digit", 0},
    {"time empty", 't', "p =\n", 0, "60s", 0, 0,
    "parameter p: bad time value \"\": empty value", 0},
    {"time garbage", 't', "p = 60ss\n", 0, "60s", 0, 0,
    "parameter p: bad time value \"60ss\": garbage after unit", 0},
    {"time too large", 't', "p = 99999999999\n", 0, "60s", 0, 0,
    "parameter p: bad time value \"99999999999\": number too large", 0},
    {"time above max", 't', "p = 2m\n", 0, "1s", 1, 60,
    "main.cf, line 1: parameter p: value \"2m\" is out of range (allowed: a time in seconds from 1 to 60)", 0},
    {"time below min", 't', "p = 0\n", 0, "1s", 1, 0,
    "parameter p: value \"0\" is out of range (allowed: a time in seconds of at least 1)", 0},
    {"time -o", 't', 0, "p=1x", "1s", 0, 0,
    "-o option: parameter p: bad time value \"1x\": unknown unit \"x\"", 0},
    /* str */
    {"str too short", 's', "p = ab\n", 0, "x", 3, 0,
    "main.cf, line 1: parameter p: value \"ab\" is too short (minimum length 3)", 0},
    {"str empty too short", 's', "p =\n", 0, "x", 1, 0,
    "parameter p: value \"\" is too short (minimum length 1)", 0},
    {"str too long", 's', "p = abcdef\n", 0, "x", 0, 5,
    "main.cf, line 1: parameter p: value \"abcdef...\" is too long (maximum length 5)", 0},
    {"str too long after expansion", 's', "a = abcdef\np = $a\n", 0, "x", 0, 5,
    "parameter p: value \"abcdef...\" is too long (maximum length 5)", 0},
    {"str self reference", 's', "p = x$p\n", 0, "x", 0, 0,
    "main.cf, line 1: parameter p: bad value \"x$p\": unreasonable macro call nesting", 0},
    {"str default too short", 's', 0, 0, "", 1, 0,
    "parameter p: value \"\" is too short (minimum length 1)", 0},
    /* raw */
    {"raw too short", 'r', "p = ab\n", 0, "x", 3, 0,
    "parameter p: value \"ab\" is too short (minimum length 3)", 0},
    {"raw too long", 'r', "p = $abcdef\n", 0, "x", 0, 5,
    "parameter p: value \"$abcdef...\" is too long (maximum length 5)", 0},
};

#define NFATAL	(sizeof(fatal_cases) / sizeof(fatal_cases[0]))

/* test_fatal - bad values, table */

START_TEST(test_fatal)
{
    const GET_CASE *tp = fatal_cases + _i;
    VSTRING *got = vstring_alloc(10);

    unit_expect_msg(tp->want);
    get_param(tp, got);
    ck_abort_msg("%s: no fatal error, got \"%s\"", tp->label, vstring_str(got));
}

END_TEST

/* test_default_reference - a default is a dictionary entry */

START_TEST(test_default_reference)
{
    char   *str;

    read_main("summary = $n/$flag/$delay/$s/$r\n");
    ck_assert_int_eq(get_mail_conf_int("n", 42, 0, 0), 42);
    ck_assert_int_eq(get_mail_conf_bool("flag", 1), 1);
    ck_assert_int_eq(get_mail_conf_time("delay", "2m", 0, 0), 120);
    str = get_mail_conf_str("s", "<$n>", 0, 0);
    ck_assert_str_eq(str, "<42>");
    myfree(str);
    str = get_mail_conf_raw("r", "$n", 0, 0);
    ck_assert_str_eq(str, "$n");
    myfree(str);
    ck_assert_str_eq(mail_conf_lookup_eval("summary"), "42/yes/2m/<42>/42");
    /* A value that is set is not replaced by the default. */
    mail_conf_override("n=7");
    ck_assert_int_eq(get_mail_conf_int("n", 42, 0, 0), 7);
    ck_assert_str_eq(mail_conf_lookup("n"), "7");
    ck_assert_str_eq(test_msg_log(), "");
}

END_TEST

/* test_tables - every table type */

START_TEST(test_tables)
{
    static char *str1;
    static char *str2;
    static char *raw1;
    static int int1;
    static int int2;
    static int bool1;
    static int bool2;
    static int time1;
    static int time2;
    static const CONFIG_STR_TABLE str_table[] = {
	{"t_str1", "default1", &str1, 0, 0},
	{"t_str2", "<$t_str1>", &str2, 1, 100},
	{0},
    };
    static const CONFIG_RAW_TABLE raw_table[] = {
	{"t_raw1", "$t_str1", &raw1, 0, 0},
	{0},
    };
    static const CONFIG_INT_TABLE int_table[] = {
	{"t_int1", 5, &int1, 1, 10},
	{"t_int2", 6, &int2, 0, 0},
	{0},
    };
    static const CONFIG_BOOL_TABLE bool_table[] = {
	{"t_bool1", 0, &bool1},
	{"t_bool2", 1, &bool2},
	{0},
    };
    static const CONFIG_TIME_TABLE time_table[] = {
	{"t_time1", "1h", &time1, 0, 0},
	{"t_time2", "2d", &time2, 1, 0},
	{0},
    };
    read_main("t_str1 = file\nt_int2 = 77\nt_bool1 = yes\nt_time2 = 3\n");
    str1 = mystrdup("old value 1");		/* released by the table */
    str2 = 0;
    raw1 = mystrdup("old raw");
    get_mail_conf_str_table(str_table);
    get_mail_conf_raw_table(raw_table);
    get_mail_conf_int_table(int_table);
    get_mail_conf_bool_table(bool_table);
    get_mail_conf_time_table(time_table);
    ck_assert_str_eq(str1, "file");
    ck_assert_str_eq(str2, "<file>");
    ck_assert_str_eq(raw1, "$t_str1");
    ck_assert_int_eq(int1, 5);
    ck_assert_int_eq(int2, 77);
    ck_assert_int_eq(bool1, 1);
    ck_assert_int_eq(bool2, 1);
    ck_assert_int_eq(time1, 3600);
    ck_assert_int_eq(time2, 3 * 86400);
    /* Defaults are in the dictionary, raw. */
    ck_assert_str_eq(mail_conf_lookup("t_str2"), "<$t_str1>");
    ck_assert_str_eq(mail_conf_lookup("t_time1"), "1h");
    ck_assert_str_eq(mail_conf_lookup("t_bool2"), "yes");

    /* Again with other values: old strings are released (valgrind). */
    mail_conf_override("t_str1=changed");
    mail_conf_override("t_raw1=raw $x");
    mail_conf_override("t_int1=10");
    mail_conf_override("t_bool2=no");
    mail_conf_override("t_time1=2w");
    get_mail_conf_str_table(str_table);
    get_mail_conf_raw_table(raw_table);
    get_mail_conf_int_table(int_table);
    get_mail_conf_bool_table(bool_table);
    get_mail_conf_time_table(time_table);
    ck_assert_str_eq(str1, "changed");
    ck_assert_str_eq(str2, "<changed>");
    ck_assert_str_eq(raw1, "raw $x");
    ck_assert_int_eq(int1, 10);
    ck_assert_int_eq(int2, 77);
    ck_assert_int_eq(bool2, 0);
    ck_assert_int_eq(time1, 2 * 604800);
    ck_assert_str_eq(test_msg_log(), "");
    myfree(str1);
    myfree(str2);
    myfree(raw1);
    str1 = str2 = raw1 = 0;
}

END_TEST

/* test_table_order - rows are read in order, up to the bad one */

START_TEST(test_table_order)
{
    static int first;
    static int second;
    static const CONFIG_INT_TABLE int_table[] = {
	{"first", 1, &first, 0, 0},
	{"second", 2, &second, 0, 5},
	{0},
    };

    read_main("second = 6\n");
    unit_expect_msg("parameter second: value \"6\" is out of range "
		    "(allowed: a number of at most 5)");
    get_mail_conf_int_table(int_table);
    ck_abort_msg("no fatal error, first=%d", first);
}

END_TEST

/* mail_conf_param_suite - build the suite */

static Suite *mail_conf_param_suite(void)
{
    Suite  *s = suite_create("mail_conf_param");
    TCase  *tc;

    tc = tcase_create("conv_time");
    tcase_add_loop_test(tc, test_conv_time, 0, NTIME);
    suite_add_tcase(s, tc);

    tc = tcase_create("get");
    tcase_add_unchecked_fixture(tc, conf_dir_create, conf_dir_remove);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_get, 0, NGET);
    tcase_add_test(tc, test_default_reference);
    unit_add_fatal_loop_test(tc, test_fatal, 0, NFATAL);
    suite_add_tcase(s, tc);

    tc = tcase_create("tables");
    tcase_add_unchecked_fixture(tc, conf_dir_create, conf_dir_remove);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_tables);
    unit_add_fatal_test(tc, test_table_order);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite */

int     main(void)
{
    return (test_run_suite(mail_conf_param_suite()));
}
