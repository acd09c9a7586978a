/*++
/* NAME
/*	check_iostuff 1
/* SUMMARY
/*	iostuff(3) unit tests
/* SYNOPSIS
/*	./check_iostuff
/* DESCRIPTION
/*	Tests the descriptor helpers: non_blocking() and close_on_exec()
/*	(previous setting returned, other flags kept), peekfd() on pipes
/*	and sockets, dup_above() (moved, original closed, close-on-exec,
/*	left alone when already high or when the limit is reached), and
/*	the fatal errors on a descriptor that is not open.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/resource.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <iostuff.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

/* fd_flag - is the flag set? */

static int fd_flag(int fd, int which)
{
    return (which == 0 ? (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0 :
	    (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
}

/* set_flag - set up the initial state */

static void set_flag(int fd, int which, int on)
{
    int     flags;

    if (which == 0) {
	flags = fcntl(fd, F_GETFL);
	(void) fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK);
    } else {
	(void) fcntl(fd, F_SETFD, on ? FD_CLOEXEC : 0);
    }
}

 /*
  * Every combination of initial state and request.
  */
static const struct {
    int     which;			/* 0: non_blocking, 1: close_on_exec */
    int     initial;
    int     on;
    int     want_prev;
    int     want_after;
} flag_cases[] = {
    {0, 0, 1, 0, 1},
    {0, 1, 1, 1, 1},
    {0, 1, 0, 1, 0},
    {0, 0, 0, 0, 0},
    {1, 0, 1, 0, 1},
    {1, 1, 1, 1, 1},
    {1, 1, 0, 1, 0},
    {1, 0, 0, 0, 0},
};

#define NFLAG	(sizeof(flag_cases) / sizeof(flag_cases[0]))

/* test_flags - table */

START_TEST(test_flags)
{
    int     pfd[2];
    int     prev;

    if (pipe(pfd) < 0)
	ck_abort_msg("pipe: %s", strerror(errno));
    set_flag(pfd[0], flag_cases[_i].which, flag_cases[_i].initial);
    ck_assert_int_eq(fd_flag(pfd[0], flag_cases[_i].which),
		     flag_cases[_i].initial);
    prev = flag_cases[_i].which == 0 ?
	non_blocking(pfd[0], flag_cases[_i].on) :
	close_on_exec(pfd[0], flag_cases[_i].on);
    ck_assert_msg(prev == flag_cases[_i].want_prev,
		  "case %d: got previous %d, want %d", _i, prev,
		  flag_cases[_i].want_prev);
    ck_assert_msg(fd_flag(pfd[0], flag_cases[_i].which)
		  == flag_cases[_i].want_after,
		  "case %d: got %d after, want %d", _i,
		  fd_flag(pfd[0], flag_cases[_i].which),
		  flag_cases[_i].want_after);
    /* The other flag is not touched. */
    ck_assert_int_eq(fd_flag(pfd[0], 1 - flag_cases[_i].which), 0);
    (void) close(pfd[0]);
    (void) close(pfd[1]);
}
END_TEST

/* test_flags_kept - other status flags survive */

START_TEST(test_flags_kept)
{
    char   *dir = test_tmpdir("iostuff");
    VSTRING *path = vstring_alloc(100);
    int     fd;

    vstring_sprintf(path, "%s/file", dir);
    if ((fd = open(vstring_str(path), O_CREAT | O_WRONLY | O_APPEND, 0600)) < 0)
	ck_abort_msg("open %s: %s", vstring_str(path), strerror(errno));
    ck_assert_int_eq(non_blocking(fd, 1), 0);
    ck_assert(fcntl(fd, F_GETFL) & O_APPEND);
    ck_assert_int_eq(non_blocking(fd, 0), 1);
    ck_assert(fcntl(fd, F_GETFL) & O_APPEND);
    (void) close(fd);
    test_rmdir(dir);
    myfree(dir);
    vstring_free(path);
}
END_TEST

/* test_peekfd - bytes ready to read */

START_TEST(test_peekfd)
{
    int     pfd[2];
    int     sfd[2];
    int     fd;
    char    buf[10];

    if (pipe(pfd) < 0)
	ck_abort_msg("pipe: %s", strerror(errno));
    ck_assert_int_eq(peekfd(pfd[0]), 0);
    ck_assert_int_eq(write(pfd[1], "hello", 5), 5);
    ck_assert_int_eq(peekfd(pfd[0]), 5);
    ck_assert_int_eq(read(pfd[0], buf, 2), 2);
    ck_assert_int_eq(peekfd(pfd[0]), 3);
    (void) close(pfd[1]);
    ck_assert_int_eq(peekfd(pfd[0]), 3);
    ck_assert_int_eq(read(pfd[0], buf, sizeof(buf)), 3);
    ck_assert_int_eq(peekfd(pfd[0]), 0);	/* end of file */
    (void) close(pfd[0]);

    unit_socketpair(sfd, 0);
    ck_assert_int_eq(write(sfd[1], "1234567", 7), 7);
    ck_assert_int_eq(peekfd(sfd[0]), 7);
    (void) close(sfd[0]);
    (void) close(sfd[1]);

    if ((fd = dup(0)) < 0)
	ck_abort_msg("dup: %s", strerror(errno));
    (void) close(fd);
    ck_assert_int_eq(peekfd(fd), -1);
}
END_TEST

/* test_dup_above - move a descriptor up */

START_TEST(test_dup_above)
{
    int     pfd[2];
    int     fd;
    char    buf[4];
    struct rlimit rl;

    if (pipe(pfd) < 0)
	ck_abort_msg("pipe: %s", strerror(errno));
    ck_assert(pfd[0] < 100);
    fd = dup_above(pfd[0], 100);
    ck_assert_msg(fd >= 100, "got fd %d, want >= 100", fd);
    ck_assert_msg(fcntl(pfd[0], F_GETFD) < 0 && errno == EBADF,
		  "original descriptor %d still open", pfd[0]);
    ck_assert(fd_flag(fd, 1));
    ck_assert_int_eq(write(pfd[1], "abc", 3), 3);
    ck_assert_int_eq(read(fd, buf, sizeof(buf)), 3);

    /* Already high enough: unchanged. */
    ck_assert_int_eq(dup_above(fd, 50), fd);
    ck_assert_int_eq(dup_above(fd, fd), fd);

    /* Beyond the descriptor limit: the original is kept. */
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
	ck_abort_msg("getrlimit: %s", strerror(errno));
    ck_assert_int_eq(dup_above(pfd[1], (int) rl.rlim_cur), pfd[1]);
    ck_assert(fcntl(pfd[1], F_GETFD) >= 0);
    (void) close(fd);
    (void) close(pfd[1]);
}
END_TEST

 /*
  * fcntl() failures are fatal.
  */
static const struct {
    const char *label;
    int     which;
    const char *want;
} fatal_cases[] = {
    {"non_blocking", 0, "fcntl: get flags fd -1: Bad file descriptor"},
    {"close_on_exec", 1, "fcntl: get flags fd -1: Bad file descriptor"},
};

#define NFATAL	(sizeof(fatal_cases) / sizeof(fatal_cases[0]))

/* test_fatal - table */

START_TEST(test_fatal)
{
    unit_expect_msg(fatal_cases[_i].want);
    if (fatal_cases[_i].which == 0)
	(void) non_blocking(-1, 1);
    else
	(void) close_on_exec(-1, 1);
    ck_abort_msg("%s: bad descriptor accepted", fatal_cases[_i].label);
}
END_TEST

/* iostuff_suite - build the suite */

static Suite *iostuff_suite(void)
{
    Suite  *s = suite_create("iostuff");
    TCase  *tc;

    tc = tcase_create("descriptors");
    tcase_add_loop_test(tc, test_flags, 0, NFLAG);
    tcase_add_test(tc, test_flags_kept);
    tcase_add_test(tc, test_peekfd);
    tcase_add_test(tc, test_dup_above);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    unit_add_fatal_loop_test(tc, test_fatal, 0, NFATAL);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(iostuff_suite()));
}
