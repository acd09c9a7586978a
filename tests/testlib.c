/*++
/* NAME
/*	testlib 3
/* SUMMARY
/*	helpers shared by the libcheck suites
/* SYNOPSIS
/*	#include "testlib.h"
/*
/*	void	test_msg_capture()
/*	const char *test_msg_log()
/*	void	test_msg_clear()
/*	int	test_msg_contains(text)
/*
/*	char	*test_tmpdir(label)
/*	void	test_rmdir(path)
/*	void	test_write_file(dir, name, content)
/*
/*	int	test_run_suite(suite)
/*
/*	const char *test_topdir()
/* DESCRIPTION
/*	test_msg_capture() makes msg(3) append every message, as
/*	"severity: text\\n" (info without prefix), to an in-memory log
/*	instead of standard error, and makes msg_fatal() exit at once
/*	(no sleep). test_msg_log() returns the log so far,
/*	test_msg_clear() empties it, and test_msg_contains() is true when
/*	the log contains the text.
/*
/*	test_tmpdir() creates a fresh private directory under tests/tmp
/*	(or $TMPDIR) and returns its path (myfree() it); test_rmdir()
/*	removes it with everything in it. test_write_file() writes a file.
/*
/*	test_run_suite() runs a suite with libcheck's standard output
/*	(the summary line is what the test runner reads) and returns the
/*	exit status: 0 when everything passed and at least one check ran.
/*
/*	test_topdir() is the top of the source tree (the parent of the
/*	tests directory, found from $GREYLIST_TOPDIR or the current
/*	directory).
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#include <sys_defs.h>
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include "testlib.h"

static VSTRING *test_log;

/* test_msg_print - capture handler */

static void test_msg_print(int level, const char *text)
{
    if (test_log == 0)
	test_log = vstring_alloc(256);
    if (level != MSG_INFO)
	vstring_sprintf_append(test_log, "%s: ", msg_severity_name(level));
    vstring_sprintf_append(test_log, "%s\n", text);
    if (getenv("TEST_MSG_ECHO"))
	fprintf(stderr, "[msg] %s: %s\n", msg_severity_name(level), text);
}

void    test_msg_capture(void)
{
    msg_output_reset();
    msg_output(test_msg_print);
    msg_fatal_sleep = 0;
    if (test_log == 0)
	test_log = vstring_alloc(256);
    VSTRING_RESET(test_log);
    VSTRING_TERMINATE(test_log);
}

const char *test_msg_log(void)
{
    if (test_log == 0)
	test_log = vstring_alloc(256);
    return (vstring_str(test_log));
}

void    test_msg_clear(void)
{
    if (test_log) {
	VSTRING_RESET(test_log);
	VSTRING_TERMINATE(test_log);
    }
}

int     test_msg_contains(const char *text)
{
    return (strstr(test_msg_log(), text) != 0);
}

const char *test_topdir(void)
{
    const char *top = getenv("GREYLIST_TOPDIR");

    return (top ? top : "..");
}

char   *test_tmpdir(const char *label)
{
    VSTRING *path = vstring_alloc(100);
    const char *base = getenv("TMPDIR");

    if (base == 0 || *base == 0)
	base = "/tmp";
    vstring_sprintf(path, "%s/greylist-test-%s-XXXXXX", base, label);
    if (mkdtemp(vstring_str(path)) == 0)
	msg_fatal("mkdtemp %s: %m", vstring_str(path));
    if (chmod(vstring_str(path), 0755) < 0)
	msg_fatal("chmod %s: %m", vstring_str(path));
    return (vstring_export(path));
}

void    test_rmdir(const char *path)
{
    VSTRING *cmd = vstring_alloc(100);

    if (strstr(path, "greylist-test-") == 0)
	msg_panic("test_rmdir: refusing to remove %s", path);
    vstring_sprintf(cmd, "rm -rf '%s'", path);
    if (system(vstring_str(cmd)) != 0)
	msg_warn("could not remove %s", path);
    vstring_free(cmd);
}

void    test_write_file(const char *dir, const char *name, const char *content)
{
    VSTRING *path = vstring_alloc(100);
    FILE   *fp;

    vstring_sprintf(path, "%s/%s", dir, name);
    if ((fp = fopen(vstring_str(path), "w")) == 0)
	msg_fatal("open %s: %m", vstring_str(path));
    fputs(content, fp);
    if (fclose(fp) != 0)
	msg_fatal("write %s: %m", vstring_str(path));
    vstring_free(path);
}

int     test_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int     nfailed;
    int     nrun;

    srunner_run_all(sr, CK_ENV);
    nfailed = srunner_ntests_failed(sr);
    nrun = srunner_ntests_run(sr);
    srunner_free(sr);
    if (nrun == 0) {
	fprintf(stderr, "no checks were run\n");
	return (1);
    }
    if (test_log)
	test_log = vstring_free(test_log);
    return (nfailed ? 1 : 0);
}
