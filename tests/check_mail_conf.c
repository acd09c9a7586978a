/*++
/* NAME
/*	check_mail_conf 1
/* SUMMARY
/*	mail_conf(3) unit tests
/* SYNOPSIS
/*	./check_mail_conf
/* DESCRIPTION
/*	Tests the main.cf reader and the parameter dictionary with files
/*	in a private directory: continuation lines (also across comment
/*	and blank lines), comments that start only at the first non-blank
/*	character, white space around "=" and at the end, values with
/*	inner white space, the fatal errors for a line without "=" or
/*	with an empty name (with file name and line number), duplicate
/*	names (a warning only when the value differs), a continuation
/*	line that follows nothing, a second file read after main.cf whose
/*	values refer to main.cf's, mail_conf_suck() with MAIL_CONFIG,
/*	required and optional files, -o overrides (and their errors),
/*	read-only names, warnings about unknown names with a prefix,
/*	expansion at lookup time (an empty value is empty for ${name?x}),
/*	and mail_conf_flush().
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>

/* Global library. */

#include <mail_params.h>
#include <mail_conf.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

 /*
  * One private directory per test case, made in the runner process so that
  * tests that end in exit() leave nothing behind.
  */
static char *conf_dir;
static VSTRING *conf_path_buf;

/* conf_dir_create - unchecked fixture */

static void conf_dir_create(void)
{
    conf_dir = test_tmpdir("mail_conf");
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
    conf_path_buf = vstring_alloc(100);
}

/* teardown - checked fixture */

static void teardown(void)
{
    mail_conf_flush();
    vstring_free(conf_path_buf);
    conf_path_buf = 0;
    (void) unsetenv("MAIL_CONFIG");
}

/* conf_path - name of a file in the private directory */

static const char *conf_path(const char *name)
{
    vstring_sprintf(conf_path_buf, "%s/%s", conf_dir, name);
    return (vstring_str(conf_path_buf));
}

/* conf_write_bytes - write a file that may contain null bytes */

static void conf_write_bytes(const char *name, const char *data, size_t len)
{
    FILE   *fp;

    if ((fp = fopen(conf_path(name), "w")) == 0)
	ck_abort_msg("open %s: %s", conf_path(name), strerror(errno));
    if (fwrite(data, 1, len, fp) != len || fclose(fp) != 0)
	ck_abort_msg("write %s: %s", conf_path(name), strerror(errno));
}

/* read_file - write a file and read it, required */

static void read_file(const char *name, const char *content)
{
    test_write_file(conf_dir, name, content);
    mail_conf_read(conf_path(name), MAIL_CONF_REQUIRED);
}

/* count_text - occurrences of text in the message log */

static int count_text(const char *text)
{
    const char *cp = test_msg_log();
    int     count = 0;

    while ((cp = strstr(cp, text)) != 0) {
	count++;
	cp += strlen(text);
    }
    return (count);
}

/* check_value - compare a raw value */

static void check_value(const char *label, const char *name, const char *want)
{
    const char *got = mail_conf_lookup(name);

    if (want == 0)
	ck_assert_msg(got == 0, "%s: %s: got \"%s\", want undefined",
		      label, name, got);
    else
	ck_assert_msg(got != 0 && strcmp(got, want) == 0,
		      "%s: %s: got %s%s%s, want \"%s\"", label, name,
		      got ? "\"" : "", got ? got : "undefined",
		      got ? "\"" : "", want);
}

 /*
  * Syntax: file content, up to three name, value pairs that must result
  * (a null value: undefined), the line where the first name was set, and
  * a warning that must appear (null: the log must stay empty).
  */
typedef struct SYNTAX_CASE {
    const char *label;
    const char *content;
    const char *want[6];
    int     want_line;
    const char *want_warning;
} SYNTAX_CASE;

static const SYNTAX_CASE syntax_cases[] = {
    {"simple", "a = b\n", {"a", "b"}, 1, 0},
    {"no blanks", "a=b\n", {"a", "b"}, 1, 0},
    {"blanks around =", "a    =    b\n", {"a", "b"}, 1, 0},
    {"tabs around =", "a\t=\tb\t\n", {"a", "b"}, 1, 0},
    {"blanks at end", "a = b   \t \n", {"a", "b"}, 1, 0},
    {"inner blanks kept", "a = b  c\td\n", {"a", "b  c\td"}, 1, 0},
    {"empty value", "a =\nb = \t\n", {"a", "", "b", ""}, 1, 0},
    {"= in value", "a = b=c = d\n", {"a", "b=c = d"}, 1, 0},
    {"no newline at end", "a = b", {"a", "b"}, 1, 0},
    {"several", "a = 1\nb = 2\nc = $a\n", {"a", "1", "b", "2", "c", "$a"}, 1, 0},
    {"comment line", "# a = x\na = b\n#b = c\n", {"a", "b", "b", 0}, 2, 0},
    {"indented comment", "   # x = y\na = b\n", {"a", "b", "x", 0}, 2, 0},
    {"# in value", "a = b # c\n", {"a", "b # c"}, 1, 0},
    {"# without blank", "a = b#c\n", {"a", "b#c"}, 1, 0},
    {"blank lines", "\n\n   \n\t\na = b\n\n\nc = d\n\n", {"a", "b", "c", "d"}, 5, 0},
    {"continuation", "a = b\n  c\n", {"a", "b c"}, 1, 0},
    {"continuation with tabs", "a = b\n\tc\n\t  d\ne = f\n",
    {"a", "b c d", "e", "f"}, 1, 0},
    {"continuation of the name", "long_name\n  = value\n", {"long_name", "value"}, 1, 0},
    {"continuation across comment", "a = b\n# comment\n  c\n", {"a", "b c"}, 1, 0},
    {"across indented comment", "a = b\n    # comment\n  c\n", {"a", "b c"}, 1, 0},
    {"across blank line", "a = b\n\n  c\nd = e\n", {"a", "b c", "d", "e"}, 1, 0},
    {"continuation ends at next name", "a = b\n  c\nd = e\n  f\n",
    {"a", "b c", "d", "e f"}, 1, 0},
    {"continuation at start", "  x = y\na = b\n", {"a", "b", "x", 0}, 2,
    "main.cf, line 1: ignoring continuation line that follows nothing"},
    {"indented = x at start", " = x\na = b\n", {"a", "b"}, 2,
    "main.cf, line 1: ignoring continuation line that follows nothing: \"= x\""},
    {"continuation after comment at start", "# c\n\tx = y\na = b\n",
    {"a", "b", "x", 0}, 3, "main.cf, line 2: ignoring continuation line"},
    {"duplicate, other value", "a = 1\nb = 2\na = 3\n", {"a", "3", "b", "2"}, 3,
    "main.cf, line 3: overriding earlier entry: a=1"},
    {"duplicate, same value", "a = 1\nb = 2\na = 1\n", {"a", "1", "b", "2"}, 3, 0},
    {"duplicate, same after blanks", "a = x y\na =   x y  \n", {"a", "x y"}, 2, 0},
    {"duplicate by continuation", "a = 1\n  2\na = 1 2\n", {"a", "1 2"}, 3, 0},
    {"duplicate, empty", "a = x\na =\n", {"a", ""}, 2,
    "main.cf, line 2: overriding earlier entry: a=x"},
    {"same, then other", "a = 1\na = 1\na = 3\n", {"a", "3"}, 3,
    "main.cf, line 3: overriding earlier entry: a=1"},
};

#define NSYNTAX	(sizeof(syntax_cases) / sizeof(syntax_cases[0]))

/* test_syntax - main.cf syntax, table */

START_TEST(test_syntax)
{
    const SYNTAX_CASE *tp = syntax_cases + _i;
    VSTRING *want_source = vstring_alloc(100);
    int     i;

    read_file("main.cf", tp->content);
    for (i = 0; i < 6 && tp->want[i]; i += 2)
	check_value(tp->label, tp->want[i], tp->want[i + 1]);
    vstring_sprintf(want_source, "%s, line %d", conf_path("main.cf"),
		    tp->want_line);
    ck_assert_msg(strcmp(mail_conf_source(tp->want[0]),
			 vstring_str(want_source)) == 0,
		  "%s: source: got \"%s\", want \"%s\"", tp->label,
		  mail_conf_source(tp->want[0]), vstring_str(want_source));
    if (tp->want_warning) {
	ck_assert_msg(count_text(tp->want_warning) == 1,
		      "%s: got log \"%s\", want one \"%s\"", tp->label,
		      test_msg_log(), tp->want_warning);
	ck_assert_msg(count_text("warning: ") == 1,
		      "%s: other warnings: \"%s\"", tp->label,
		      test_msg_log());
    } else {
	ck_assert_msg(*test_msg_log() == 0, "%s: unexpected log \"%s\"",
		      tp->label, test_msg_log());
    }
    vstring_free(want_source);
}

END_TEST

/* test_three_times - each change is a warning */

START_TEST(test_three_times)
{
    read_file("main.cf", "a = 1\na = 2\na = 2\na = 3\n");
    check_value("three times", "a", "3");
    ck_assert_int_eq(count_text("main.cf, line 2: overriding earlier entry: a=1\n"), 1);
    ck_assert_int_eq(count_text("main.cf, line 4: overriding earlier entry: a=2\n"), 1);
    ck_assert_int_eq(count_text("warning: "), 2);
}

END_TEST

 /*
  * Fatal errors while reading, or when a bad value is expanded.
  */
typedef struct FATAL_CASE {
    const char *label;
    const char *content;
    size_t  len;			/* 0: strlen(content) */
    const char *eval_name;		/* look up after reading */
    const char *want;
} FATAL_CASE;

#define BYTES(s)	(s), (sizeof(s) - 1)

static const FATAL_CASE fatal_cases[] = {
    {"line without =", "a = b\nbogus\n", 0, 0,
    "main.cf, line 2: missing '=' after attribute name: \"bogus\""},
    {"first line without =", "bogus value\n", 0, 0,
    "main.cf, line 1: missing '=' after attribute name"},
    {"logical line without =", "a = b\n\nno\n  equals\n  sign\nc = d\n", 0, 0,
    "main.cf, line 3: missing '=' after attribute name: \"no equals sign\""},
    {"empty name", "= x\n", 0, 0,
    "main.cf, line 1: missing attribute name"},
    {"empty name later", "a = b\n\n= x\n", 0, 0,
    "main.cf, line 3: missing attribute name"},
    {"empty name by continuation", "a = b\n=\n  x\n", 0, 0,
    "main.cf, line 2: missing attribute name"},
    {"null byte", BYTES("a = b\nc = d\0e\n"), 0,
    "main.cf, line 2: null byte in configuration file"},
    {"bad expansion", "a = b\nx = ${a\n", 0, "x",
    "main.cf, line 2: parameter x: bad value \"${a\": missing '}'"},
    {"self reference", "a = <$a>\n", 0, "a",
    "main.cf, line 1: parameter a: bad value \"<$a>\": unreasonable macro call nesting"},
    {"indirect self reference", "a = $b\nb = $a\n", 0, "b",
    "main.cf, line 2: parameter b: bad value \"$a\": unreasonable macro call nesting"},
    {"bad expansion deeper", "a = $b\nb = $%\n", 0, "a",
    "main.cf, line 1: parameter a: bad value \"$b\": invalid character '%'"},
};

#define NFATAL	(sizeof(fatal_cases) / sizeof(fatal_cases[0]))

/* test_fatal - fatal errors, table */

START_TEST(test_fatal)
{
    const FATAL_CASE *tp = fatal_cases + _i;

    unit_expect_msg(tp->want);
    conf_write_bytes("main.cf", tp->content,
		     tp->len ? tp->len : strlen(tp->content));
    mail_conf_read(conf_path("main.cf"), MAIL_CONF_REQUIRED);
    if (tp->eval_name)
	(void) mail_conf_lookup_eval(tp->eval_name);
    ck_abort_msg("%s: no fatal error", tp->label);
}

END_TEST

 /*
  * Fatal errors outside files.
  */
static const struct {
    const char *label;
    int     which;
    const char *arg;
    const char *want;
} other_fatal_cases[] = {
    {"missing required file", 0, "nonexistent.cf",
    "open configuration file "},
    {"optional file that is a directory", 1, ".",
    "read configuration file "},
    {"suck without main.cf", 2, "nonexistent-dir",
    "nonexistent-dir/main.cf: No such file or directory"},
    {"-o without =", 3, "name", "-o option: missing '=' after attribute name: \"name\""},
    {"-o empty", 3, "", "-o option: missing '=' after attribute name"},
    {"-o empty name", 3, " = value", "-o option: missing attribute name: \" = value\""},
    {"eval syntax error", 4, "x$%", "bad parameter value \"x$%\": invalid character '%'"},
    {"eval loop", 5, "$a", "bad parameter value \"$a\": unreasonable macro call nesting"},
};

#define NOTHER_FATAL \
	(sizeof(other_fatal_cases) / sizeof(other_fatal_cases[0]))

/* test_other_fatal - fatal errors outside files, table */

START_TEST(test_other_fatal)
{
    const char *arg = other_fatal_cases[_i].arg;

    unit_expect_msg(other_fatal_cases[_i].want);
    switch (other_fatal_cases[_i].which) {
    case 0:
	mail_conf_read(conf_path(arg), MAIL_CONF_REQUIRED);
	break;
    case 1:
	mail_conf_read(conf_path(arg), MAIL_CONF_OPTIONAL);
	break;
    case 2:
	(void) setenv("MAIL_CONFIG", conf_path(arg), 1);
	mail_conf_suck();
	break;
    case 3:
	mail_conf_override(arg);
	break;
    case 4:
	(void) mail_conf_eval(arg);
	break;
    case 5:
	mail_conf_update("a", "x$a");
	(void) mail_conf_eval(arg);
	break;
    }
    ck_abort_msg("%s: no fatal error", other_fatal_cases[_i].label);
}

END_TEST

/* test_missing_optional - a missing optional file is fine */

START_TEST(test_missing_optional)
{
    read_file("main.cf", "a = b\n");
    mail_conf_read(conf_path("no-such-file.cf"), MAIL_CONF_OPTIONAL);
    check_value("optional", "a", "b");
    ck_assert_str_eq(test_msg_log(), "");
}

END_TEST

/* test_second_file - greylistd.cf after main.cf */

START_TEST(test_second_file)
{
    read_file("main.cf",
	      "data_directory = /var/lib/test\n"
	      "myhostname = mx.example.com\n"
	      "shared = main\n"
	      "same = 1\n"
	      "refers_back = $greylist_delay\n");
    read_file("greylistd.cf",
	      "# greylistd parameters\n"
	      "greylist_database = btree:$data_directory/greylist.db\n"
	      "greylist_delay = 5m\n"
	      "shared = second\n"
	      "same = 1\n");
    check_value("second", "greylist_database",
		"btree:$data_directory/greylist.db");
    ck_assert_str_eq(mail_conf_lookup_eval("greylist_database"),
		     "btree:/var/lib/test/greylist.db");
    ck_assert_str_eq(mail_conf_lookup_eval("refers_back"), "5m");
    check_value("second", "shared", "second");
    check_value("second", "myhostname", "mx.example.com");
    ck_assert_msg(strstr(mail_conf_source("greylist_delay"),
			 "greylistd.cf, line 3") != 0,
		  "source \"%s\"", mail_conf_source("greylist_delay"));
    ck_assert_msg(strstr(mail_conf_source("data_directory"),
			 "main.cf, line 1") != 0,
		  "source \"%s\"", mail_conf_source("data_directory"));
    ck_assert_int_eq(count_text("greylistd.cf, line 4: overriding earlier entry: shared=main"), 1);
    ck_assert_int_eq(count_text("warning: "), 1);
}

END_TEST

/* test_suck - main.cf from $MAIL_CONFIG */

START_TEST(test_suck)
{
    test_write_file(conf_dir, "main.cf",
		    "mail_owner = tester\n"
		    "greylist_conf = $config_directory/greylistd.cf\n");
    (void) setenv("MAIL_CONFIG", conf_dir, 1);
    mail_conf_suck();
    check_value("suck", VAR_CONFIG_DIR, conf_dir);
    check_value("suck", "mail_owner", "tester");
    ck_assert_str_eq(mail_conf_lookup_eval("greylist_conf"),
		     conf_path("greylistd.cf"));
    ck_assert_str_eq(mail_conf_source(VAR_CONFIG_DIR), "program");
    ck_assert_str_eq(test_msg_log(), "");
}

END_TEST

/* test_override - -o wins over files */

START_TEST(test_override)
{
    read_file("main.cf",
	      "a = from file\n"
	      "b = from file\n"
	      "ref = <$a>\n");
    mail_conf_override("a = value with spaces");
    mail_conf_override("b=short");
    mail_conf_override("  c   =   trimmed  value \t");
    mail_conf_override("d=x=y");
    mail_conf_override("e=");
    mail_conf_override("f=$b/$a");
    check_value("override", "a", "value with spaces");
    check_value("override", "b", "short");
    check_value("override", "c", "trimmed  value");
    check_value("override", "d", "x=y");
    check_value("override", "e", "");
    check_value("override", "f", "$b/$a");
    ck_assert_str_eq(mail_conf_lookup_eval("f"), "short/value with spaces");
    ck_assert_str_eq(mail_conf_lookup_eval("ref"), "<value with spaces>");
    ck_assert_str_eq(mail_conf_source("a"), "-o option");
    ck_assert_str_eq(mail_conf_source("c"), "-o option");
    /* An override is not a duplicate in a file. */
    ck_assert_str_eq(test_msg_log(), "");
    /* A later override wins over an earlier one. */
    mail_conf_override("a = again");
    check_value("override", "a", "again");
    ck_assert_str_eq(test_msg_log(), "");
}

END_TEST

/* test_update - program values and sources */

START_TEST(test_update)
{
    ck_assert_ptr_null(mail_conf_lookup("x"));
    ck_assert_ptr_null(mail_conf_lookup_eval("x"));
    ck_assert_str_eq(mail_conf_source("x"), "default");
    mail_conf_update("x", "1");
    check_value("update", "x", "1");
    ck_assert_str_eq(mail_conf_source("x"), "program");
    mail_conf_update("x", "2");
    check_value("update", "x", "2");
    /* A file may change a program value without a warning. */
    read_file("main.cf", "x = 3\n");
    check_value("update", "x", "3");
    ck_assert_str_eq(test_msg_log(), "");
}

END_TEST

/* test_readonly - files and -o cannot change read-only names */

START_TEST(test_readonly)
{
    read_file("main.cf", "service_name = from-file\n");
    mail_conf_readonly(VAR_PROCNAME, "greylistd");
    mail_conf_readonly(VAR_SERVNAME, "greylist");
    check_value("readonly", VAR_SERVNAME, "greylist");
    ck_assert_str_eq(test_msg_log(), "");

    read_file("second.cf", "process_name = evil\n");
    check_value("readonly", VAR_PROCNAME, "greylistd");
    ck_assert_int_eq(count_text("second.cf, line 1: ignoring attempt to change read-only parameter process_name"), 1);

    mail_conf_override("service_name=evil");
    check_value("readonly", VAR_SERVNAME, "greylist");
    ck_assert_int_eq(count_text("-o option: ignoring attempt to change read-only parameter service_name"), 1);
    ck_assert_int_eq(count_text("warning: "), 2);
    ck_assert_str_eq(mail_conf_source(VAR_SERVNAME), "program");

    /* The program itself may set it again. */
    mail_conf_readonly(VAR_PROCNAME, "other");
    check_value("readonly", VAR_PROCNAME, "other");
    ck_assert_int_eq(count_text("warning: "), 2);
}

END_TEST

/* test_warn_unknown - typing errors in names with a prefix */

START_TEST(test_warn_unknown)
{
    char   *str;
    char   *raw;

    read_file("greylistd.cf",
	      "greylist_delay = 2m\n"
	      "greylist_dealy = 30s\n"
	      "greylist_awl = 5\n"
	      "greylist_prepend = yes\n"
	      "greylist_defer_action = DEFER $x\n"
	      "other_name = 1\n");
    mail_conf_override("greylist_typo=1");
    mail_conf_override("greylist_awl=6");

    ck_assert_int_eq(get_mail_conf_time("greylist_delay", "60s", 0, 0), 120);
    ck_assert_int_eq(get_mail_conf_int("greylist_awl", 10, 0, 0), 6);
    ck_assert_int_eq(get_mail_conf_bool("greylist_prepend", 0), 1);
    raw = get_mail_conf_raw("greylist_defer_action", "x", 0, 0);
    str = get_mail_conf_str("greylist_database", "btree:/tmp/x.db", 0, 0);
    ck_assert_str_eq(raw, "DEFER $x");
    ck_assert_str_eq(str, "btree:/tmp/x.db");
    myfree(raw);
    myfree(str);
    ck_assert_str_eq(test_msg_log(), "");

    mail_conf_warn_unknown("greylist_");
    ck_assert_int_eq(count_text("greylistd.cf, line 2: unknown parameter greylist_dealy=30s is ignored"), 1);
    ck_assert_int_eq(count_text("-o option: unknown parameter greylist_typo=1 is ignored"), 1);
    ck_assert_int_eq(count_text("warning: "), 2);
    ck_assert_int_eq(count_text("greylist_delay="), 0);
    ck_assert_int_eq(count_text("other_name"), 0);

    /* Another prefix, another selection. */
    test_msg_clear();
    mail_conf_warn_unknown("other_");
    ck_assert_int_eq(count_text("unknown parameter other_name=1"), 1);
    ck_assert_int_eq(count_text("warning: "), 1);
    test_msg_clear();
    mail_conf_warn_unknown("nothing_");
    ck_assert_str_eq(test_msg_log(), "");
}

END_TEST

/* test_warn_unknown_table - names read through tables are known */

START_TEST(test_warn_unknown_table)
{
    static char *str_val;
    static char *raw_val;
    static int int_val;
    static int bool_val;
    static int time_val;
    static const CONFIG_STR_TABLE str_table[] = {
	{"px_str", "s", &str_val, 0, 0},
	{0},
    };
    static const CONFIG_RAW_TABLE raw_table[] = {
	{"px_raw", "r", &raw_val, 0, 0},
	{0},
    };
    static const CONFIG_INT_TABLE int_table[] = {
	{"px_int", 1, &int_val, 0, 0},
	{0},
    };
    static const CONFIG_BOOL_TABLE bool_table[] = {
	{"px_bool", 0, &bool_val},
	{0},
    };
    static const CONFIG_TIME_TABLE time_table[] = {
	{"px_time", "1s", &time_val, 0, 0},
	{0},
    };

    read_file("main.cf",
	      "px_str = S\npx_raw = R\npx_int = 2\npx_bool = yes\n"
	      "px_time = 2s\npx_unknown = u\n");
    get_mail_conf_str_table(str_table);
    get_mail_conf_raw_table(raw_table);
    get_mail_conf_int_table(int_table);
    get_mail_conf_bool_table(bool_table);
    get_mail_conf_time_table(time_table);
    mail_conf_warn_unknown("px_");
    ck_assert_int_eq(count_text("unknown parameter px_unknown=u is ignored"), 1);
    ck_assert_int_eq(count_text("warning: "), 1);
    ck_assert_str_eq(str_val, "S");
    ck_assert_str_eq(raw_val, "R");
    ck_assert_int_eq(int_val, 2);
    ck_assert_int_eq(bool_val, 1);
    ck_assert_int_eq(time_val, 2);
    myfree(str_val);
    myfree(raw_val);
    str_val = raw_val = 0;
}

END_TEST

 /*
  * Expansion at lookup time, with a fixed configuration.
  */
static const char *eval_config =
"empty =\n"
"set = yes\n"
"chain = $set-$empty-end\n"
"multi_instance_name =\n"
"spaces = a b\n";

static const struct {
    const char *pattern;
    const char *want;
} eval_cases[] = {
    {"${empty?x}", ""},
    {"${empty?{x y}}", ""},
    {"[${empty?x}]", "[]"},
    {"${empty:x}", "x"},
    {"${empty?{x}:{y}}", "y"},
    {"${set?x}", "x"},
    {"${set:x}", ""},
    {"${set?{x}:{y}}", "x"},
    {"${undefined_name?x}", ""},
    {"${undefined_name:x}", "x"},
    {"$empty", ""},
    {"$undefined_name", ""},
    {"<$chain>", "<yes--end>"},
    {"$$set", "$set"},
    {"${spaces}", "a b"},
    {"${multi_instance_name?{$multi_instance_name}:{postfix}}", "postfix"},
    {"literal text", "literal text"},
};

#define NEVAL	(sizeof(eval_cases) / sizeof(eval_cases[0]))

/* test_eval - mail_conf_eval() and mail_conf_lookup_eval(), table */

START_TEST(test_eval)
{
    read_file("main.cf", eval_config);
    mail_conf_update("probe", eval_cases[_i].pattern);
    ck_assert_msg(strcmp(mail_conf_lookup_eval("probe"),
			 eval_cases[_i].want) == 0,
		  "lookup_eval \"%s\": got \"%s\", want \"%s\"",
		  eval_cases[_i].pattern, mail_conf_lookup_eval("probe"),
		  eval_cases[_i].want);
    ck_assert_msg(strcmp(mail_conf_eval(eval_cases[_i].pattern),
			 eval_cases[_i].want) == 0,
		  "eval \"%s\": got \"%s\", want \"%s\"",
		  eval_cases[_i].pattern,
		  mail_conf_eval(eval_cases[_i].pattern), eval_cases[_i].want);
    /* The raw value is not changed by evaluation. */
    ck_assert_str_eq(mail_conf_lookup("probe"), eval_cases[_i].pattern);
}

END_TEST

/* test_eval_empty_value - the issue: ${name?x} of an empty value */

START_TEST(test_eval_empty_value)
{
    read_file("main.cf", "name =\nwant_x = ${name?x}\nwant_y = ${name:y}\n");
    check_value("empty", "name", "");
    ck_assert_str_eq(mail_conf_lookup_eval("name"), "");
    ck_assert_str_eq(mail_conf_lookup_eval("want_x"), "");
    ck_assert_str_eq(mail_conf_lookup_eval("want_y"), "y");
    ck_assert_str_eq(mail_conf_eval("${name?x}"), "");
    ck_assert_str_eq(mail_conf_eval("${name?{x}}"), "");
    /* The same with an override that empties the value. */
    mail_conf_override("name=value");
    ck_assert_str_eq(mail_conf_lookup_eval("want_x"), "x");
    mail_conf_override("name =");
    ck_assert_str_eq(mail_conf_lookup_eval("want_x"), "");
}

END_TEST

/* test_flush - forget everything */

START_TEST(test_flush)
{
    mail_conf_flush();				/* nothing yet */
    read_file("main.cf", "a = b\nc = $a\n");
    mail_conf_override("d=e");
    mail_conf_readonly(VAR_PROCNAME, "p");
    ck_assert_str_eq(mail_conf_lookup_eval("c"), "b");
    mail_conf_flush();
    ck_assert_ptr_null(mail_conf_lookup("a"));
    ck_assert_ptr_null(mail_conf_lookup("d"));
    ck_assert_ptr_null(mail_conf_lookup(VAR_PROCNAME));
    ck_assert_str_eq(mail_conf_source("a"), "default");
    /* Read-only is forgotten as well. */
    mail_conf_override("process_name=q");
    check_value("flush", VAR_PROCNAME, "q");
    /* Usable again; duplicates are counted afresh. */
    read_file("main.cf", "a = other\n");
    check_value("flush", "a", "other");
    ck_assert_str_eq(test_msg_log(), "");
    mail_conf_flush();
    mail_conf_flush();
}

END_TEST

/* mail_conf_suite - build the suite */

static Suite *mail_conf_suite(void)
{
    Suite  *s = suite_create("mail_conf");
    TCase  *tc;

    tc = tcase_create("syntax");
    tcase_add_unchecked_fixture(tc, conf_dir_create, conf_dir_remove);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_syntax, 0, NSYNTAX);
    tcase_add_test(tc, test_three_times);
    unit_add_fatal_loop_test(tc, test_fatal, 0, NFATAL);
    suite_add_tcase(s, tc);

    tc = tcase_create("files");
    tcase_add_unchecked_fixture(tc, conf_dir_create, conf_dir_remove);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_missing_optional);
    tcase_add_test(tc, test_second_file);
    tcase_add_test(tc, test_suck);
    unit_add_fatal_loop_test(tc, test_other_fatal, 0, NOTHER_FATAL);
    suite_add_tcase(s, tc);

    tc = tcase_create("dictionary");
    tcase_add_unchecked_fixture(tc, conf_dir_create, conf_dir_remove);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_override);
    tcase_add_test(tc, test_update);
    tcase_add_test(tc, test_readonly);
    tcase_add_test(tc, test_warn_unknown);
    tcase_add_test(tc, test_warn_unknown_table);
    tcase_add_loop_test(tc, test_eval, 0, NEVAL);
    tcase_add_test(tc, test_eval_empty_value);
    tcase_add_test(tc, test_flush);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite */

int     main(void)
{
    return (test_run_suite(mail_conf_suite()));
}
