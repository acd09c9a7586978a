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

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
