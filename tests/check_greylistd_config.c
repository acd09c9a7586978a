/*++
/* NAME
/*      check_greylistd_config 1
/* SUMMARY
/*      greylistd(8) configuration tests
/* SYNOPSIS
/*      ./check_greylistd_config
/* DESCRIPTION
/*      Runs the real daemon in stand-alone mode (-L unix:\fIdir\fB/s\fR)
/*      with MAIL_CONFIG naming a private directory that holds main.cf
/*      and greylistd.cf, and checks that every configuration mistake is
/*      fatal at start-up (exit status 1) with a message on standard error
/*      that names the parameter, the value and what is allowed: bad time
/*      units, numbers, ranges and booleans, store specifications, defer
/*      actions, inconsistent limits, syntax errors in either file and in
/*      -o options, a parameter that refers to itself, a world-writable
/*      database directory, a database directory that $mail_owner cannot
/*      write (as root), command-line mistakes. A misspelled greylist_*
/*      name only gets a warning, and a good configuration starts and
/*      stops cleanly on SIGTERM.
/*
/*      The daemon is the newer of $GREYLIST_TOPDIR/libexec/greylistd and
/*      $GREYLIST_TOPDIR/greylistd/greylistd. As root, it drops privileges
/*      to mail_owner = postfix, so the data directory is given to postfix.
/* LICENSE
/* .ad
/* .fi
/*      MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

#define STR(x)  vstring_str(x)

 /*
  * What the data directory looks like.
  */
#define DATA_OK         0               /* exists, mail_owner's */
#define DATA_NONE       1               /* does not exist */
#define DATA_WORLD      2               /* mode 1777 */
#define DATA_ROOT       3               /* root's, mode 0755 (root only) */
#define DATA_FILE       4               /* a regular file */

 /*
  * How the daemon must end.
  */
#define WANT_FATAL      1               /* exit status 1 */
#define WANT_START      0               /* starts; SIGTERM: exit status 0 */

 /*
  * One configuration. In main_cf, greylistd_cf, the options and the
  * wanted texts, @TMP@ is the private directory.
  */
typedef struct CONFIG_CASE {
    const char *label;
    const char *main_cf;                /* after data_directory */
    const char *greylistd_cf;           /* null: no file */
    const char *args[3];                /* more command-line arguments */
    int     no_listen;                  /* leave out -L */
    int     data;                       /* DATA_* */
    int     want_status;                /* WANT_* */
    const char *want[3];                /* texts on standard error */
} CONFIG_CASE;

static const CONFIG_CASE config_cases[] = {

    /*
     * Time values.
     */
    {"unknown time unit", "", "greylist_delay = 60x\n", {0}, 0, DATA_OK, WANT_FATAL,
	{"greylistd.cf, line 1: parameter greylist_delay: bad time value \"60x\": unknown unit \"x\"",
    "allowed: a number with an optional unit s, m, h, d or w"}},
    {"time without digits", "", "greylist_delay = abc\n", {0}, 0, DATA_OK, WANT_FATAL,
	{"parameter greylist_delay: bad time value \"abc\": it does not start with a digit",
    "allowed: a number with an optional unit"}},
    {"garbage after the unit", "", "greylist_retry_window = 2dd\n", {0}, 0, DATA_OK,
	WANT_FATAL, {"parameter greylist_retry_window: bad time value \"2dd\": garbage after unit"}},
    {"empty time", "", "greylist_max_age =\n", {0}, 0, DATA_OK, WANT_FATAL,
    {"parameter greylist_max_age: bad time value \"\": empty value"}},
    {"time too large", "", "greylist_max_age = 100000000w\n", {0}, 0, DATA_OK,
	WANT_FATAL, {"parameter greylist_max_age: bad time value \"100000000w\": value too large"}},
    {"lock timeout 0", "", "greylist_lock_timeout = 0\n", {0}, 0, DATA_OK, WANT_FATAL,
	{"parameter greylist_lock_timeout: value \"0\" is out of range (allowed: a time in seconds from 1 to 3600)"}},
    {"commit interval too long", "", "greylist_commit_interval = 2m\n", {0}, 0,
	DATA_OK, WANT_FATAL,
    {"parameter greylist_commit_interval: value \"2m\" is out of range (allowed: a time in seconds from 1 to 60)"}},

    /*
     * Numbers.
     */
    {"threshold ten", "", "greylist_auto_whitelist_threshold = ten\n", {0}, 0,
	DATA_OK, WANT_FATAL,
    {"parameter greylist_auto_whitelist_threshold: bad numerical value \"ten\" (allowed: a whole number)"}},
    {"threshold -1", "", "greylist_auto_whitelist_threshold = -1\n", {0}, 0,
	DATA_OK, WANT_FATAL,
    {"parameter greylist_auto_whitelist_threshold: value \"-1\" is out of range (allowed: a number of at least 0"}},
    {"threshold 99999999999", "", "greylist_auto_whitelist_threshold = 99999999999\n",
	{0}, 0, DATA_OK, WANT_FATAL,
    {"parameter greylist_auto_whitelist_threshold: value \"99999999999\" is out of range"}},
    {"IPv4 prefix 33", "", "greylist_ipv4_prefix = 33\n", {0}, 0, DATA_OK, WANT_FATAL,
	{"greylistd.cf, line 1: parameter greylist_ipv4_prefix: value \"33\" is out of range (allowed: a number from 1 to 32)"}},
    {"IPv4 prefix 0", "", "greylist_ipv4_prefix = 0\n", {0}, 0, DATA_OK, WANT_FATAL,
    {"parameter greylist_ipv4_prefix: value \"0\" is out of range (allowed: a number from 1 to 32)"}},
    {"IPv6 prefix 129", "", "greylist_ipv6_prefix = 129\n", {0}, 0, DATA_OK, WANT_FATAL,
    {"parameter greylist_ipv6_prefix: value \"129\" is out of range (allowed: a number from 1 to 128)"}},
    {"line limit 99", "", "greylist_request_line_limit = 99\n", {0}, 0, DATA_OK,
	WANT_FATAL,
    {"parameter greylist_request_line_limit: value \"99\" is out of range (allowed: a number from 100 to 1000000)"}},
    {"attribute limit 1.5", "", "greylist_request_attribute_limit = 1.5\n", {0}, 0,
	DATA_OK, WANT_FATAL,
    {"parameter greylist_request_attribute_limit: bad numerical value \"1.5\""}},

    /*
     * Booleans.
     */
    {"prepend maybe", "", "greylist_prepend_header = maybe\n", {0}, 0, DATA_OK,
	WANT_FATAL,
    {"parameter greylist_prepend_header: bad boolean value \"maybe\" (allowed: yes or no)"}},
    {"test clock 1", "", "greylist_test_clock = 1\n", {0}, 0, DATA_OK, WANT_FATAL,
    {"parameter greylist_test_clock: bad boolean value \"1\" (allowed: yes or no)"}},

    /*
     * The store.
     */
    {"hash: database", "", "greylist_database = hash:/x\n", {0}, 0, DATA_OK, WANT_FATAL,
	{"greylistd.cf, line 1: parameter greylist_database: bad value \"hash:/x\": unsupported store type (supported: btree)"}},
    {"relative btree: file", "", "greylist_database = btree:relative\n", {0}, 0,
	DATA_OK, WANT_FATAL,
    {"parameter greylist_database: bad value \"btree:relative\": the btree: file name must be an absolute path"}},
    {"database without type", "", "greylist_database = @TMP@/data/x.db\n", {0}, 0,
	DATA_OK, WANT_FATAL,
    {"parameter greylist_database: bad value \"@TMP@/data/x.db\": missing type"}},
    {"database directory world-writable", "", "", {0}, 0, DATA_WORLD, WANT_FATAL,
	{"greylist_database: the database directory @TMP@/data is writable by everybody",
    "world-writable directory such as /tmp"}},
    {"database directory is a file", "", "", {0}, 0, DATA_FILE, WANT_FATAL,
    {"greylist_database: @TMP@/data is not a directory"}},
    {"database directory cannot be created", "",
	"greylist_database = btree:@TMP@/no/such/greylist.db\n", {0}, 0, DATA_OK,
    WANT_FATAL, {"greylist_database: cannot create database directory @TMP@/no/such"}},
    {"data directory that mail_owner cannot write", "", "", {0}, 0, DATA_ROOT,
	WANT_FATAL, {"fatal: cannot open database @TMP@/data/greylist.db as user postfix",
    "no permission (Permission denied)"}},

    /*
     * The defer action.
     */
    {"defer action REJECT", "", "greylist_defer_action = REJECT no\n", {0}, 0,
	DATA_OK, WANT_FATAL,
	{"greylistd.cf, line 1: parameter greylist_defer_action: bad value \"REJECT no\" (allowed: DEFER_IF_PERMIT, DEFER_IF_REJECT or DEFER, or a 4XX code followed by text"}},
    {"defer action 550", "", "greylist_defer_action = 550 5.7.1 go away\n", {0}, 0,
	DATA_OK, WANT_FATAL,
    {"parameter greylist_defer_action: bad value \"550 5.7.1 go away\" (allowed:"}},
    {"defer action 450 without text", "", "greylist_defer_action = 450\n", {0}, 0,
	DATA_OK, WANT_FATAL,
    {"parameter greylist_defer_action: bad value \"450\" (allowed:"}},
    {"defer action DUNNO", "", "greylist_defer_action = DUNNO\n", {0}, 0, DATA_OK,
    WANT_FATAL, {"parameter greylist_defer_action: bad value \"DUNNO\""}},
    {"defer action with a bad expansion", "",
	"greylist_defer_action = DEFER_IF_PERMIT try in ${remaining seconds\n", {0}, 0,
	DATA_OK, WANT_FATAL,
    {"parameter greylist_defer_action: bad value \"DEFER_IF_PERMIT try in ${remaining seconds\": missing '}'"}},

    /*
     * Limits that contradict each other.
     */
    {"retry window equal to the delay", "",
	"greylist_delay = 1h\ngreylist_retry_window = 3600s\n", {0}, 0, DATA_OK,
	WANT_FATAL,
    {"parameter greylist_retry_window (3600s) must be longer than greylist_delay (3600s)"}},
    {"retry window shorter than the delay", "",
	"greylist_delay = 2h\ngreylist_retry_window = 1h\n", {0}, 0, DATA_OK, WANT_FATAL,
    {"parameter greylist_retry_window (3600s) must be longer than greylist_delay (7200s)"}},
    {"max age shorter than the retry window", "",
	"greylist_max_age = 1d\ngreylist_retry_window = 2d\n", {0}, 0, DATA_OK,
	WANT_FATAL,
    {"parameter greylist_max_age (86400s) must not be shorter than greylist_retry_window (172800s)"}},

    /*
     * Syntax.
     */
    {"main.cf line without =", "this line is wrong\n", 0, {0}, 0, DATA_OK, WANT_FATAL,
	{"@TMP@/main.cf, line 2: missing '=' after attribute name: \"this line is wrong\""}},
    {"greylistd.cf line without =", "", "\n# comment\ngreylist_delay 60s\n", {0}, 0,
	DATA_OK, WANT_FATAL,
    {"@TMP@/greylistd.cf, line 3: missing '=' after attribute name: \"greylist_delay 60s\""}},
    {"empty parameter name", "", "= 60s\n", {0}, 0, DATA_OK, WANT_FATAL,
    {"@TMP@/greylistd.cf, line 1: missing attribute name"}},
    {"parameter that refers to itself", "", 0,
	{"-o", "greylist_database=$greylist_database"}, 0, DATA_OK, WANT_FATAL,
	{"-o option: parameter greylist_database: bad value \"$greylist_database\": unreasonable macro call nesting (a parameter refers to itself?)"}},
    {"parameters that refer to each other", "loop_a = ${loop_b?x$loop_b}\n"
	"loop_b = $loop_a\n", "greylist_database = btree:$loop_a\n", {0}, 0, DATA_OK,
	WANT_FATAL,
    {"parameter greylist_database: bad value \"btree:$loop_a\": unreasonable macro call nesting"}},
    {"-o without =", "", 0, {"-o", "greylist_delay"}, 0, DATA_OK, WANT_FATAL,
    {"-o option: missing '=' after attribute name: \"greylist_delay\""}},
    {"-o overrides greylistd.cf", "", "greylist_delay = 60s\n",
	{"-o", "greylist_delay=x"}, 0, DATA_OK, WANT_FATAL,
    {"-o option: parameter greylist_delay: bad time value \"x\""}},
    {"no main.cf", 0, 0, {0}, 0, DATA_OK, WANT_FATAL,
    {"open configuration file @TMP@/main.cf: No such file or directory"}},

    /*
     * The command line. Without -L or -S the daemon logs to syslog only;
     * -V adds standard error.
     */
    {"-S and -L", "", 0, {"-S"}, 0, DATA_OK, WANT_FATAL,
    {"options -S and -L are mutually exclusive"}},
    {"no mode", "", 0, {"-d", "-V"}, 1, DATA_OK, WANT_FATAL,
    {"no transport type specified (use -t under master(8), or -S or -L to run stand-alone)"}},
    {"invalid option", "", 0, {"-x"}, 0, DATA_OK, WANT_FATAL,
    {"invalid option: -x"}},
    {"bad transport", "", 0, {"-V", "-t", "fifo"}, 1, DATA_OK, WANT_FATAL,
    {"unsupported transport type: fifo (allowed: unix, inet)"}},

    /*
     * Not fatal.
     */
    {"misspelled parameter", "", "greylist_dealy = 10\n", {0}, 0, DATA_OK, WANT_START,
    {"warning: @TMP@/greylistd.cf, line 1: unknown parameter greylist_dealy=10 is ignored"}},
    {"misspelled parameter in main.cf", "greylist_max_agee = 1d\n", 0, {0}, 0,
	DATA_OK, WANT_START,
    {"warning: @TMP@/main.cf, line 2: unknown parameter greylist_max_agee=1d is ignored"}},
    {"good configuration", "", "greylist_delay = 5m\ngreylist_retry_window = 1d\n"
	"greylist_max_age = 10d\ngreylist_auto_whitelist_threshold = 0\n"
	"greylist_defer_action = 450 4.7.1 wait $delay seconds\n"
	"greylist_prepend_header = yes\n", {0}, 0, DATA_OK, WANT_START,
	{"listening on unix:@TMP@/s",
	    "database btree:@TMP@/data/greylist.db, delay 300s, retry window 86400s, max age 864000s, auto-whitelist after 0 passes"}},
    {"defaults", "", 0, {0}, 0, DATA_OK, WANT_START,
    {"delay 60s, retry window 172800s, max age 3024000s, auto-whitelist after 10 passes"}},
    {"test clock warning", "", "greylist_test_clock = yes\n", {0}, 0, DATA_OK,
	WANT_START,
    {"warning: greylist_test_clock = yes: requests may set the clock"}},
    {"database directory created", "", "", {0}, 0, DATA_NONE, WANT_START,
    {"created database directory @TMP@/data"}},
};

#define NCONFIG (sizeof(config_cases) / sizeof(config_cases[0]))

 /*
  * Daemons that this process started, so that none is left behind.
  */
static pid_t daemon_pid;
static pid_t daemon_owner;

/* daemon_kill - SIGKILL, by pid, if we started it */

static void daemon_kill(void)
{
    if (daemon_pid > 0 && daemon_owner == getpid()) {
	(void) kill(daemon_pid, SIGKILL);
	(void) waitpid(daemon_pid, (int *) 0, 0);
    }
    daemon_pid = 0;
}

/* subst - replace @TMP@ */

static const char *subst(VSTRING *buf, const char *text, const char *dir)
{
    const char *cp;

    VSTRING_RESET(buf);
    while ((cp = strstr(text, "@TMP@")) != 0) {
	vstring_memcat(buf, text, cp - text);
	vstring_strcat(buf, dir);
	text = cp + 5;
    }
    vstring_strcat(buf, text);
    VSTRING_TERMINATE(buf);
    return (STR(buf));
}

/* give_to_postfix - as root, the daemon runs as postfix */

static void give_to_postfix(const char *path)
{
    struct passwd *pw;

    if (geteuid() != 0)
	return;
    if ((pw = getpwnam("postfix")) == 0)
	ck_abort_msg("running as root, but there is no user postfix");
    if (chown(path, pw->pw_uid, pw->pw_gid) < 0)
	ck_abort_msg("chown %s: %s", path, strerror(errno));
}

/* test_config - one configuration */

START_TEST(test_config)
{
    const CONFIG_CASE *cc = config_cases + _i;
    char   *dir = test_tmpdir("config");
    VSTRING *buf = vstring_alloc(100);
    VSTRING *path = vstring_alloc(100);
    VSTRING *log = vstring_alloc(100);
    VSTRING *text = vstring_alloc(1000);
    VSTRING *want = vstring_alloc(100);
    char   *argv[10];
    int     argc = 0;
    int     fd;
    int     status;
    int     started;
    long long deadline;
    const char *program;
    int     i;

    if (cc->data == DATA_ROOT && geteuid() != 0) {
	fprintf(stderr, "NOTE: %s: needs root, left out\n", cc->label);
	test_rmdir(dir);
	myfree(dir);
	return;
    }

    /*
     * The configuration.
     */
    if (cc->main_cf) {
	vstring_sprintf(buf, "data_directory = %s/data\n", dir);
	vstring_strcat(buf, subst(path, cc->main_cf, dir));
	test_write_file(dir, "main.cf", STR(buf));
    }
    if (cc->greylistd_cf)
	test_write_file(dir, "greylistd.cf", subst(buf, cc->greylistd_cf, dir));
    vstring_sprintf(path, "%s/data", dir);
    switch (cc->data) {
    case DATA_OK:
    case DATA_WORLD:
    case DATA_ROOT:
	if (mkdir(STR(path), 0755) < 0)
	    ck_abort_msg("mkdir %s: %s", STR(path), strerror(errno));
	if (cc->data == DATA_OK)
	    give_to_postfix(STR(path));
	if (cc->data == DATA_WORLD && chmod(STR(path), 01777) < 0)
	    ck_abort_msg("chmod %s: %s", STR(path), strerror(errno));
	break;
    case DATA_FILE:
	test_write_file(dir, "data", "not a directory\n");
	break;
    }

    /*
     * The command.
     */
    argv[argc++] = mystrdup("greylistd");
    if (!cc->no_listen) {
	argv[argc++] = mystrdup("-L");
	vstring_sprintf(buf, "unix:%s/s", dir);
	argv[argc++] = mystrdup(STR(buf));
    }
    for (i = 0; i < 3 && cc->args[i]; i++)
	argv[argc++] = mystrdup(cc->args[i]);
    argv[argc] = 0;
    vstring_sprintf(log, "%s/stderr", dir);
    program = test_daemon_path();

    (void) fflush(stdout);
    (void) fflush(stderr);
    if ((daemon_pid = fork()) < 0)
	ck_abort_msg("fork: %s", strerror(errno));
    if (daemon_pid == 0) {
	if ((fd = open("/dev/null", O_RDONLY)) < 0 || dup2(fd, 0) < 0)
	    _exit(126);
	if ((fd = open(STR(log), O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0
	    || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
	    _exit(126);
	(void) setenv("MAIL_CONFIG", dir, 1);
	(void) unsetenv("MAIL_VERBOSE");
	(void) unsetenv("GENERATION");
	execv(program, argv);
	_exit(127);
    }
    daemon_owner = getpid();

    /*
     * A fatal error exits after msg_fatal()'s one-second pause. A good
     * start logs the post-init line; then SIGTERM must end it cleanly.
     */
    if (cc->want_status == WANT_FATAL) {
	started = test_wait_pid(daemon_pid, &status, 15000 * unit_slack());
	if (!started)
	    daemon_kill();
	ck_assert_msg(started, "%s: still running after 15 s: %s", cc->label,
		      test_read_file(text, STR(log)));
	daemon_pid = 0;
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1,
		      "%s: status 0x%x, want exit 1: %s", cc->label, status,
		      test_read_file(text, STR(log)));
	ck_assert_msg(strstr(test_read_file(text, STR(log)), "fatal: ") != 0,
		      "%s: no fatal error: %s", cc->label, STR(text));
    } else {
	deadline = unit_now_ms() + 15000 * unit_slack();
	started = 0;
	while (!started && unit_now_ms() < deadline) {
	    if (strstr(test_read_file(text, STR(log)), ", delay ") != 0)
		started = 1;
	    else if (waitpid(daemon_pid, &status, WNOHANG) == daemon_pid)
		break;
	    else
		test_sleep_ms(10);
	}
	if (!started)
	    daemon_kill();
	ck_assert_msg(started, "%s: did not start: %s", cc->label,
		      test_read_file(text, STR(log)));
	(void) kill(daemon_pid, SIGTERM);
	started = test_wait_pid(daemon_pid, &status, 10000 * unit_slack());
	if (!started)
	    daemon_kill();
	ck_assert_msg(started, "%s: SIGTERM did not end it", cc->label);
	daemon_pid = 0;
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "%s: status 0x%x, want exit 0: %s", cc->label, status,
		      test_read_file(text, STR(log)));
	ck_assert_msg(strstr(test_read_file(text, STR(log)), "terminated -- exiting") != 0,
		      "%s: no clean exit: %s", cc->label, STR(text));
	ck_assert_msg(strstr(STR(text), "fatal: ") == 0, "%s: %s", cc->label,
		      STR(text));
    }
    for (i = 0; i < 3 && cc->want[i]; i++)
	ck_assert_msg(strstr(test_read_file(text, STR(log)),
			     subst(want, cc->want[i], dir)) != 0,
		      "%s: got \"%s\", want \"%s\"", cc->label, STR(text),
		      STR(want));

    /*
     * A directory that greylistd creates belongs to mail_owner.
     */
    if (cc->data == DATA_NONE) {
	struct stat st;
	struct passwd *pw;

	vstring_sprintf(path, "%s/data", dir);
	ck_assert_msg(stat(STR(path), &st) == 0 && S_ISDIR(st.st_mode),
		      "%s was not created", STR(path));
	ck_assert_msg((st.st_mode & 077) == 0, "%s: mode 0%o", STR(path),
		      (unsigned) st.st_mode & 07777);
	if (geteuid() == 0 && (pw = getpwnam("postfix")) != 0)
	    ck_assert_msg(st.st_uid == pw->pw_uid, "%s: owner %ld, want postfix",
			  STR(path), (long) st.st_uid);
    }
    for (i = 0; i < argc; i++)
	myfree(argv[i]);
    test_rmdir(dir);
    myfree(dir);
    vstring_free(buf);
    vstring_free(path);
    vstring_free(log);
    vstring_free(text);
    vstring_free(want);
}

END_TEST

/* config_teardown - no daemon left behind */

static void config_teardown(void)
{
    daemon_kill();
}

/* config_suite - build the suite */

static Suite *config_suite(void)
{
    Suite  *s = suite_create("greylistd_config");
    TCase  *tc;

    tc = tcase_create("config");
    tcase_add_checked_fixture(tc, (SFun) 0, config_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, test_config, 0, NCONFIG);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    atexit(daemon_kill);
    return (test_run_suite(config_suite()));
}
