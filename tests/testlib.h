#ifndef _TESTLIB_H_INCLUDED_
#define _TESTLIB_H_INCLUDED_

/*++
/* NAME
/*	testlib 3h
/* SUMMARY
/*	helpers shared by the libcheck suites
/* SYNOPSIS
/*	#include "testlib.h"
/* DESCRIPTION
/* .nf
/*--*/

#include <sys/types.h>
#include <check.h>
#include <vstring.h>

extern void test_msg_capture(void);
extern const char *test_msg_log(void);
extern void test_msg_clear(void);
extern int test_msg_contains(const char *);
extern char *test_tmpdir(const char *);
extern void test_rmdir(const char *);
extern void test_write_file(const char *, const char *, const char *);
extern int test_run_suite(Suite *);
extern const char *test_topdir(void);
extern const char *test_read_file(VSTRING *, const char *);
extern void test_sleep_ms(int);

 /*
  * Child processes and daemons.
  */
extern const char *test_daemon_path(void);
extern int test_wait_pid(pid_t, int *, long long);

 /*
  * Sockets.
  */
extern int test_unix_connect(const char *, int);
extern int test_unix_listen(const char *);
extern int test_write(int, const char *, ssize_t);
extern void test_write_all(int, const char *, ssize_t);
extern int test_read_more(int, VSTRING *, long long);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
