/*++
/* NAME
/*	check_chroot_uid 1
/* SUMMARY
/*	chroot_uid(3) unit tests
/* SYNOPSIS
/*	./check_chroot_uid
/* DESCRIPTION
/*	Tests the privilege drop. Each case runs in a child process.
/*	As root: the child becomes user nobody (user and group IDs, real
/*	and effective, and supplementary groups change; setuid(0) and
/*	setgid(0) fail afterwards), changes its root directory, or both.
/*	Without root those tests are skipped with a loud message, and the
/*	refusal to change IDs is tested instead. Always: an unknown user,
/*	a user with ID 0, and a missing directory are fatal errors (exit
/*	status 1) that name the problem.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/stat.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <chroot_uid.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

#define TEST_USER	"nobody"
#define NO_SUCH_USER	"no-such-user-for-greylistd-tests"

/* skip_unless_root - say loudly why a test does nothing */

static int skip_unless_root(const char *test)
{
    if (geteuid() == 0)
	return (0);
    fprintf(stderr, "*** SKIPPED: check_chroot_uid %s: needs root "
	    "(running as uid %ld) ***\n", test, (long) geteuid());
    return (1);
}

/* in_root_group - is group 0 among the supplementary groups? */

static int in_root_group(void)
{
    gid_t   groups[NGROUPS_MAX];
    int     ngroups;
    int     i;

    ngroups = getgroups(NGROUPS_MAX, groups);
    for (i = 0; i < ngroups; i++)
	if (groups[i] == 0)
	    return (1);
    return (0);
}

/* report_ids - child: print what we are now */

static void report_ids(void)
{
    int     has_root_group = in_root_group();
    char    cwd[PATH_MAX];
    int     setuid_ok;
    int     setgid_ok;

    setuid_ok = (setuid(0) == 0);
    setgid_ok = (setgid(0) == 0);
    msg_info("uid=%ld euid=%ld gid=%ld egid=%ld rootgroup=%d "
	     "setuid0=%s setgid0=%s cwd=%s marker=%s",
	     (long) getuid(), (long) geteuid(), (long) getgid(),
	     (long) getegid(), has_root_group,
	     setuid_ok ? "ok" : "fail", setgid_ok ? "ok" : "fail",
	     getcwd(cwd, sizeof(cwd)) ? cwd : "?",
	     access("/marker", F_OK) == 0 ? "yes" : "no");
}

 /*
  * The code under test, by case number.
  */
typedef struct {
    const char *root_dir;
    const char *user;
} CHILD_ARGS;

/* child_main - run chroot_uid(), report */

static void child_main(void *context)
{
    CHILD_ARGS *args = (CHILD_ARGS *) context;

    chroot_uid(args->root_dir, args->user);
    report_ids();
}

/* want_ids - the report of a successful drop */

static void want_ids(VSTRING *want, uid_t uid, gid_t gid, int root_group,
		             const char *cwd, const char *marker)
{
    vstring_sprintf(want, "child: uid=%ld euid=%ld gid=%ld egid=%ld "
		    "rootgroup=%d setuid0=%s setgid0=%s cwd=%s marker=%s\n",
		    (long) uid, (long) uid, (long) gid, (long) gid,
		    root_group, uid == 0 ? "ok" : "fail",
		    uid == 0 ? "ok" : "fail", cwd, marker);
}

/* expect_ids - the child exited 0 and reported these IDs */

static void expect_ids(int status, VSTRING *out, uid_t uid, gid_t gid,
		               int root_group, const char *cwd,
		               const char *marker)
{
    VSTRING *want = vstring_alloc(100);

    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "got status 0x%x, want exit 0; output \"%s\"", status,
		  vstring_str(out));
    want_ids(want, uid, gid, root_group, cwd, marker);
    ck_assert_msg(strcmp(vstring_str(out), vstring_str(want)) == 0,
		  "got \"%s\", want \"%s\"", vstring_str(out), vstring_str(want));
    vstring_free(want);
}

/* test_drop - become nobody */

START_TEST(test_drop)
{
    CHILD_ARGS args = {0, TEST_USER};
    VSTRING *out = vstring_alloc(100);
    VSTRING *want = vstring_alloc(100);
    struct passwd *pwd;
    char    cwd[PATH_MAX];
    int     status;

    if ((pwd = getpwnam(TEST_USER)) == 0)
	ck_abort_msg("no user %s on this system", TEST_USER);
    status = unit_run_child(child_main, &args, out);
    if (skip_unless_root("test_drop")) {
	/* Without privileges setgid() (or initgroups()) is refused. */
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1,
		      "got status 0x%x, want exit 1", status);
	vstring_sprintf(want, " for user %s: %s\n", TEST_USER, strerror(EPERM));
	ck_assert_msg(strncmp(vstring_str(out), "child: fatal: ", 14) == 0
		      && strstr(vstring_str(out), vstring_str(want)) != 0,
		      "got \"%s\", want \"child: fatal: ...%s\"",
		      vstring_str(out), vstring_str(want));
    } else {
	ck_assert(getcwd(cwd, sizeof(cwd)) != 0);
	expect_ids(status, out, pwd->pw_uid, pwd->pw_gid, 0, cwd, "no");
	ck_assert_int_ne(pwd->pw_uid, getuid());
	ck_assert_int_ne(pwd->pw_gid, getgid());
    }
    vstring_free(out);
    vstring_free(want);
}
END_TEST

/* make_jail - a directory with a marker file in it */

static char *make_jail(void)
{
    char   *dir = test_tmpdir("chroot");

    test_write_file(dir, "marker", "x\n");
    return (dir);
}

/* test_chroot_and_drop - both steps */

START_TEST(test_chroot_and_drop)
{
    CHILD_ARGS args;
    VSTRING *out = vstring_alloc(100);
    struct passwd *pwd;
    char   *dir;
    int     status;

    if (skip_unless_root("test_chroot_and_drop"))
	return;
    if ((pwd = getpwnam(TEST_USER)) == 0)
	ck_abort_msg("no user %s on this system", TEST_USER);
    dir = make_jail();
    args.root_dir = dir;
    args.user = TEST_USER;
    status = unit_run_child(child_main, &args, out);
    expect_ids(status, out, pwd->pw_uid, pwd->pw_gid, 0, "/", "yes");
    test_rmdir(dir);
    myfree(dir);
    vstring_free(out);
}
END_TEST

/* test_chroot_only - a null user keeps the IDs */

START_TEST(test_chroot_only)
{
    CHILD_ARGS args;
    VSTRING *out = vstring_alloc(100);
    char   *dir;
    int     status;

    if (skip_unless_root("test_chroot_only"))
	return;
    dir = make_jail();
    args.root_dir = dir;
    args.user = 0;
    status = unit_run_child(child_main, &args, out);
    expect_ids(status, out, getuid(), getgid(), in_root_group(), "/", "yes");
    test_rmdir(dir);
    myfree(dir);
    vstring_free(out);
}
END_TEST

/* test_nothing - two null pointers change nothing */

START_TEST(test_nothing)
{
    CHILD_ARGS args = {0, 0};
    VSTRING *out = vstring_alloc(100);
    VSTRING *want = vstring_alloc(100);
    char    cwd[PATH_MAX];
    int     status;

    status = unit_run_child(child_main, &args, out);
    ck_assert_int_eq(status, 0);
    ck_assert(getcwd(cwd, sizeof(cwd)) != 0);
    want_ids(want, getuid(), getgid(), in_root_group(), cwd, "no");
    if (getuid() != 0) {
	/* An unprivileged report differs only in the setuid(0) results. */
	ck_assert_msg(strstr(vstring_str(out), "setuid0=fail") != 0,
		      "got \"%s\"", vstring_str(out));
    } else {
	ck_assert_msg(strcmp(vstring_str(out), vstring_str(want)) == 0,
		      "got \"%s\", want \"%s\"", vstring_str(out),
		      vstring_str(want));
    }
    vstring_free(out);
    vstring_free(want);
}
END_TEST

 /*
  * Fatal errors, in a child: both fork modes.
  */
static const struct {
    const char *label;
    const char *root_dir;
    const char *user;
    const char *want;
} fatal_cases[] = {
    {"unknown user", 0, NO_SUCH_USER,
    "child: fatal: unknown user: " NO_SUCH_USER "\n"},
    {"unknown user and directory", "/", NO_SUCH_USER,
    "child: fatal: unknown user: " NO_SUCH_USER "\n"},
    {"user ID 0", 0, "root",
    "child: fatal: user root has privileged user ID 0: refusing to run as root\n"},
    {"missing directory", "/nonexistent-greylistd-jail", 0,
    "child: fatal: chroot(/nonexistent-greylistd-jail): "},
};

#define NFATAL	(sizeof(fatal_cases) / sizeof(fatal_cases[0]))

/* test_fatal - table */

START_TEST(test_fatal)
{
    CHILD_ARGS args;
    VSTRING *out = vstring_alloc(100);
    int     status;

    args.root_dir = fatal_cases[_i].root_dir;
    args.user = fatal_cases[_i].user;
    status = unit_run_child(child_main, &args, out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1,
		  "%s: got status 0x%x, want exit 1", fatal_cases[_i].label,
		  status);
    ck_assert_msg(strncmp(vstring_str(out), fatal_cases[_i].want,
			  strlen(fatal_cases[_i].want)) == 0,
		  "%s: got \"%s\", want \"%s\"", fatal_cases[_i].label,
		  vstring_str(out), fatal_cases[_i].want);
    vstring_free(out);
}
END_TEST

/* test_unknown_user - the same, as a libcheck exit test */

START_TEST(test_unknown_user)
{
    unit_expect_msg("unknown user");
    chroot_uid((char *) 0, NO_SUCH_USER);
    ck_abort_msg("unknown user accepted");
}
END_TEST

/* chroot_uid_suite - build the suite */

static Suite *chroot_uid_suite(void)
{
    Suite  *s = suite_create("chroot_uid");
    TCase  *tc;

    tc = tcase_create("privileges");
    tcase_add_test(tc, test_drop);
    tcase_add_test(tc, test_chroot_and_drop);
    tcase_add_test(tc, test_chroot_only);
    tcase_add_test(tc, test_nothing);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_loop_test(tc, test_fatal, 0, NFATAL);
    unit_add_fatal_test(tc, test_unknown_user);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(chroot_uid_suite()));
}
