/*++
/* NAME
/*	check_mail_params 1
/* SUMMARY
/*	mail_params(3) and mail_version(3) unit tests
/* SYNOPSIS
/*	./check_mail_params
/* DESCRIPTION
/*	Tests that mail_params_init() gives the documented defaults with
/*	an empty configuration (and enters them into the dictionary),
/*	that main.cf values and -o overrides replace them (including the
/*	syslog_name default that follows multi_instance_name), that a
/*	second call picks up new values, and that bad values are fatal
/*	with a message that names the parameter. Also tests the format
/*	of the mail_version() stamp.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>

/* Global library. */

#include <mail_conf.h>
#include <mail_params.h>
#include <mail_version.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

 /*
  * A private configuration directory per test case, made in the runner
  * process so that tests that end in exit() leave nothing behind.
  */
static char *conf_dir;

/* conf_dir_create - unchecked fixture */

static void conf_dir_create(void)
{
    conf_dir = test_tmpdir("mail_params");
}

/* conf_dir_remove - unchecked fixture */

static void conf_dir_remove(void)
{
    test_rmdir(conf_dir);
    myfree(conf_dir);
    conf_dir = 0;
}

/* free_str - release one string parameter */

static void free_str(char **var)
{
    if (*var) {
	myfree(*var);
	*var = 0;
    }
}

/* setup - checked fixture */

static void setup(void)
{
    test_msg_capture();
}

/* teardown - checked fixture */

static void teardown(void)
{
    free_str(&var_config_dir);
    free_str(&var_daemon_dir);
    free_str(&var_data_dir);
    free_str(&var_queue_dir);
    free_str(&var_mail_owner);
    free_str(&var_syslog_name);
    free_str(&var_syslog_facility);
    free_str(&var_maillog_file);
    mail_conf_flush();
    (void) unsetenv("MAIL_CONFIG");
}

/* suck_main - write main.cf and read it as a daemon does */

static void suck_main(const char *content)
{
    test_write_file(conf_dir, "main.cf", content);
    (void) setenv("MAIL_CONFIG", conf_dir, 1);
    mail_conf_suck();
}

/* test_defaults - an empty main.cf */

START_TEST(test_defaults)
{
    suck_main("# nothing\n");
    mail_params_init();
    ck_assert_int_eq(var_idle_limit, 100);
    ck_assert_int_eq(var_use_limit, 100);
    ck_assert_int_eq(var_ipc_timeout, 3600);
    ck_assert_int_eq(var_daemon_timeout, 18000);
    ck_assert_str_eq(var_mail_owner, "postfix");
    ck_assert_str_eq(var_syslog_name, "postfix");
    ck_assert_str_eq(var_syslog_facility, "mail");
    ck_assert_str_eq(var_maillog_file, "");
    ck_assert_str_eq(var_config_dir, conf_dir);
    ck_assert_str_eq(var_daemon_dir, DEF_DAEMON_DIR);
    ck_assert_str_eq(var_data_dir, DEF_DATA_DIR);
    ck_assert_str_eq(var_queue_dir, DEF_QUEUE_DIR);
    /* The defaults are in the dictionary, raw. */
    ck_assert_str_eq(mail_conf_lookup(VAR_MAX_IDLE), "100s");
    ck_assert_str_eq(mail_conf_lookup(VAR_MAX_USE), "100");
    ck_assert_str_eq(mail_conf_lookup(VAR_SYSLOG_NAME), DEF_SYSLOG_NAME);
    ck_assert_str_eq(mail_conf_eval("$mail_owner/$max_idle"), "postfix/100s");
    ck_assert_str_eq(test_msg_log(), "");
}

END_TEST

/* test_no_config - no main.cf read at all */

START_TEST(test_no_config)
{
    mail_params_init();
    ck_assert_str_eq(var_config_dir, DEF_CONFIG_DIR);
    ck_assert_int_eq(var_idle_limit, 100);
    ck_assert_int_eq(var_use_limit, 100);
    ck_assert_str_eq(var_syslog_name, "postfix");
}

END_TEST

 /*
  * One parameter from main.cf or -o.
  */
typedef enum {
    P_IDLE, P_USE, P_IPC, P_DAEMON, P_OWNER, P_SYSLOG, P_FACILITY,
    P_LOGFILE, P_DATA, P_QUEUE, P_DAEMON_DIR, P_CONFIG,
} PARAM_ID;

typedef struct PARAM_CASE {
    const char *label;
    const char *content;
    const char *override;		/* null: none */
    PARAM_ID which;
    const char *want;
} PARAM_CASE;

static const PARAM_CASE param_cases[] = {
    {"max_idle minutes", "max_idle = 5m\n", 0, P_IDLE, "300"},
    {"max_idle without unit", "max_idle = 30\n", 0, P_IDLE, "30"},
    {"max_idle hours", "max_idle = 1h\n", 0, P_IDLE, "3600"},
    {"max_idle -o", "max_idle = 1h\n", "max_idle=10s", P_IDLE, "10"},
    {"max_use", "max_use = 7\n", 0, P_USE, "7"},
    {"max_use -o", "max_use = 7\n", "max_use = 3", P_USE, "3"},
    {"max_use expanded", "limit = 9\nmax_use = $limit\n", 0, P_USE, "9"},
    {"ipc_timeout", "ipc_timeout = 2h\n", 0, P_IPC, "7200"},
    {"daemon_timeout", "daemon_timeout = 1d\n", 0, P_DAEMON, "86400"},
    {"daemon_timeout weeks", "daemon_timeout = 1w\n", 0, P_DAEMON, "604800"},
    {"mail_owner", "mail_owner = greylist\n", 0, P_OWNER, "greylist"},
    {"syslog_name", "syslog_name = greylistd\n", 0, P_SYSLOG, "greylistd"},
    {"syslog_name -o with spaces", "", "syslog_name = a b", P_SYSLOG, "a b"},
    {"syslog_name multi-instance", "multi_instance_name = postfix-out\n", 0,
    P_SYSLOG, "postfix-out"},
    {"syslog_name empty multi-instance", "multi_instance_name =\n", 0,
    P_SYSLOG, "postfix"},
    {"syslog_name with service", "syslog_name = postfix/$service_name\n",
    "service_name=greylist", P_SYSLOG, "postfix/greylist"},
    {"syslog_facility", "syslog_facility = local3\n", 0, P_FACILITY, "local3"},
    {"maillog_file", "maillog_file = /var/log/postfix.log\n", 0, P_LOGFILE,
    "/var/log/postfix.log"},
    {"data_directory", "data_directory = /srv/data\n", 0, P_DATA, "/srv/data"},
    {"queue_directory", "queue_directory = /srv/queue\n", 0, P_QUEUE,
    "/srv/queue"},
    {"daemon_directory", "daemon_directory = /usr/libexec/gl\n", 0,
    P_DAEMON_DIR, "/usr/libexec/gl"},
    {"data_directory expanded", "data_directory = $daemon_directory/data\n", 0,
    P_DATA, DEF_DAEMON_DIR "/data"},
    {"queue_directory from main.cf in data_directory",
	"data_directory = $queue_directory/data\nqueue_directory = /q\n", 0,
    P_DATA, "/q/data"},
    {"config_directory in main.cf", "config_directory = /other\n", 0,
    P_CONFIG, "/other"},
};

#define NPARAM	(sizeof(param_cases) / sizeof(param_cases[0]))

/* param_value - a parameter's value as text */

static void param_value(PARAM_ID which, VSTRING *got)
{
    switch (which) {
    case P_IDLE:
	vstring_sprintf(got, "%d", var_idle_limit);
	break;
    case P_USE:
	vstring_sprintf(got, "%d", var_use_limit);
	break;
    case P_IPC:
	vstring_sprintf(got, "%d", var_ipc_timeout);
	break;
    case P_DAEMON:
	vstring_sprintf(got, "%d", var_daemon_timeout);
	break;
    case P_OWNER:
	vstring_strcpy(got, var_mail_owner);
	break;
    case P_SYSLOG:
	vstring_strcpy(got, var_syslog_name);
	break;
    case P_FACILITY:
	vstring_strcpy(got, var_syslog_facility);
	break;
    case P_LOGFILE:
	vstring_strcpy(got, var_maillog_file);
	break;
    case P_DATA:
	vstring_strcpy(got, var_data_dir);
	break;
    case P_QUEUE:
	vstring_strcpy(got, var_queue_dir);
	break;
    case P_DAEMON_DIR:
	vstring_strcpy(got, var_daemon_dir);
	break;
    case P_CONFIG:
	vstring_strcpy(got, var_config_dir);
	break;
    }
}

/* test_param - values from main.cf and -o, table */

START_TEST(test_param)
{
    const PARAM_CASE *tp = param_cases + _i;
    VSTRING *got = vstring_alloc(10);

    suck_main(tp->content);
    if (tp->override)
	mail_conf_override(tp->override);
    mail_params_init();
    param_value(tp->which, got);
    ck_assert_msg(strcmp(vstring_str(got), tp->want) == 0,
		  "%s: got \"%s\", want \"%s\"", tp->label, vstring_str(got),
		  tp->want);
    /* The others keep their defaults. */
    if (tp->which != P_IDLE)
	ck_assert_int_eq(var_idle_limit, 100);
    if (tp->which != P_OWNER)
	ck_assert_str_eq(var_mail_owner, "postfix");
    ck_assert_str_eq(test_msg_log(), "");
    vstring_free(got);
}

END_TEST

/* test_reinit - a second call sees new values */

START_TEST(test_reinit)
{
    suck_main("max_idle = 10s\nmail_owner = one\n");
    mail_params_init();
    ck_assert_int_eq(var_idle_limit, 10);
    ck_assert_str_eq(var_mail_owner, "one");
    mail_conf_override("max_idle=20s");
    mail_conf_override("mail_owner=two");
    mail_params_init();				/* releases "one" */
    ck_assert_int_eq(var_idle_limit, 20);
    ck_assert_str_eq(var_mail_owner, "two");
    ck_assert_str_eq(var_syslog_name, "postfix");
}

END_TEST

 /*
  * Bad values.
  */
static const struct {
    const char *content;
    const char *want;
} fatal_cases[] = {
    {"max_idle = 0\n",
    "main.cf, line 1: parameter max_idle: value \"0\" is out of range (allowed: a time in seconds of at least 1)"},
    {"max_idle = 10x\n",
    "parameter max_idle: bad time value \"10x\": unknown unit \"x\""},
    {"max_idle = soon\n",
    "parameter max_idle: bad time value \"soon\""},
    {"max_idle =\n",
    "parameter max_idle: bad time value \"\": empty value"},
    {"max_use = 0\n",
    "parameter max_use: value \"0\" is out of range (allowed: a number of at least 1)"},
    {"max_use = many\n",
    "parameter max_use: bad numerical value \"many\""},
    {"ipc_timeout = -1\n",
    "parameter ipc_timeout: bad time value \"-1\""},
    {"daemon_timeout = 99999999999\n",
    "parameter daemon_timeout: bad time value \"99999999999\": number too large"},
    {"mail_owner =\n",
    "parameter mail_owner: value \"\" is too short (minimum length 1)"},
    {"syslog_name = ${multi_instance_name?{x}:{}}\n",
    "parameter syslog_name: value \"\" is too short (minimum length 1)"},
    {"syslog_name = $syslog_name\n",
    "parameter syslog_name: bad value \"$syslog_name\": unreasonable macro call nesting"},
};

#define NFATAL	(sizeof(fatal_cases) / sizeof(fatal_cases[0]))

/* test_fatal - bad values, table */

START_TEST(test_fatal)
{
    unit_expect_msg(fatal_cases[_i].want);
    suck_main(fatal_cases[_i].content);
    mail_params_init();
    ck_abort_msg("\"%s\": no fatal error", fatal_cases[_i].content);
}

END_TEST

/* test_version - the version stamp */

START_TEST(test_version)
{
    const char *version = mail_version();
    const char *prefix = MAIL_NAME " " DEF_MAIL_VERSION " (";
    size_t  len = strlen(version);
    size_t  i;

    ck_assert_str_eq(MAIL_NAME, "greylistd");
    ck_assert_str_eq(version, MAIL_VERSION_STAMP);
    ck_assert_msg(strncmp(version, prefix, strlen(prefix)) == 0,
		  "got \"%s\", want prefix \"%s\"", version, prefix);
    ck_assert_msg(strncmp(version, "greylistd ", 10) == 0, "got \"%s\"",
		  version);
    ck_assert_msg(len > 0 && version[len - 1] == ')', "got \"%s\"", version);
    ck_assert_ptr_null(strstr(version, "@(#)"));
    /* The date is YYYYMMDD. */
    ck_assert_uint_eq(strlen(MAIL_VERSION_DATE), 8);
    for (i = 0; i < 8; i++)
	ck_assert_msg(isdigit((unsigned char) MAIL_VERSION_DATE[i]),
		      "date \"%s\"", MAIL_VERSION_DATE);
    /* The release is N.N.N. */
    ck_assert_uint_eq(strspn(DEF_MAIL_VERSION, "0123456789."),
		     strlen(DEF_MAIL_VERSION));
    ck_assert_ptr_eq(mail_version(), version);	/* stable */
}

END_TEST

/* mail_params_suite - build the suite */

static Suite *mail_params_suite(void)
{
    Suite  *s = suite_create("mail_params");
    TCase  *tc;

    tc = tcase_create("params");
    tcase_add_unchecked_fixture(tc, conf_dir_create, conf_dir_remove);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_no_config);
    tcase_add_loop_test(tc, test_param, 0, NPARAM);
    tcase_add_test(tc, test_reinit);
    unit_add_fatal_loop_test(tc, test_fatal, 0, NFATAL);
    suite_add_tcase(s, tc);

    tc = tcase_create("version");
    tcase_add_test(tc, test_version);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite */

int     main(void)
{
    return (test_run_suite(mail_params_suite()));
}
