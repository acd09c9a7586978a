/*++
/* NAME
/*	msg 3
/* SUMMARY
/*	diagnostic interface
/* SYNOPSIS
/*	#include <msg.h>
/*
/*	int	msg_verbose;
/*	int	msg_error_limit;
/*	int	msg_fatal_sleep;
/*
/*	void	msg_info(format, ...)
/*	const char *format;
/*
/*	void	msg_warn(format, ...)
/*	const char *format;
/*
/*	void	msg_error(format, ...)
/*	const char *format;
/*
/*	NORETURN msg_fatal(format, ...)
/*	const char *format;
/*
/*	NORETURN msg_fatal_status(status, format, ...)
/*	int	status;
/*	const char *format;
/*
/*	NORETURN msg_panic(format, ...)
/*	const char *format;
/*
/*	void	msg_output(output_fn)
/*	void	(*output_fn)(int level, const char *text);
/*
/*	void	msg_output_reset()
/*
/*	MSG_CLEANUP_FN msg_cleanup(cleanup_fn)
/*	void	(*cleanup_fn)(void);
/*
/*	void	msg_fatal_recover()
/* DESCRIPTION
/*	This module reports diagnostics. Each message is formatted once
/*	(printf-style, with %m for the text of errno; the compiler checks
/*	the arguments) and handed to every output handler registered with
/*	msg_output(): standard error (msg_stderr(3)), syslog (msg_syslog(3))
/*	or postlogd (msg_logger(3)). A message is one line: embedded
/*	newlines and other control characters are replaced so that nothing
/*	that came from the network can forge a log record. Messages from
/*	several threads go out one at a time, each whole.
/*
/*	msg_info() reports progress; by convention verbose messages are
/*	guarded by \fBif (msg_verbose)\fR.
/*
/*	msg_warn() reports a problem that the program survives.
/*
/*	msg_error() reports a recoverable error and counts it; after
/*	\fBmsg_error_limit\fR (default 13) errors the program terminates.
/*
/*	msg_fatal() reports an unrecoverable error (bad configuration,
/*	missing resource), runs the cleanup handler, sleeps
/*	\fBmsg_fatal_sleep\fR seconds (default 1, which slows down restart
/*	loops) and exits with status 1; msg_fatal_status() chooses the
/*	status.
/*
/*	msg_panic() reports a violated invariant of the program itself
/*	and aborts (core dump) without cleanup.
/*
/*	msg_cleanup() installs the handler that msg_fatal() runs and
/*	returns the previous one.
/*
/*	msg_fatal_recover() is for test programs only (the fuzzers in
/*	tests/fuzz), which make fatal errors recoverable: their cleanup
/*	handler does not return but longjmp()s back into the test. After
/*	that, msg_fatal_recover() forgets that a fatal error is in
/*	progress, so that the next fatal error is reported and runs the
/*	cleanup handler again instead of terminating at once.
/*
/*	msg_output_reset() removes all output handlers.
/* DIAGNOSTICS
/*	A fatal error inside the cleanup handler terminates at once.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>

 /*
  * Global state.
  */
int     msg_verbose = 0;
int     msg_error_limit = 13;
int     msg_fatal_sleep = 1;

#define MSG_MAX_OUTPUT	8
#define MSG_TEXT_MAX	2048

static MSG_OUTPUT_FN msg_handlers[MSG_MAX_OUTPUT];
static int msg_handler_count;
static MSG_CLEANUP_FN msg_cleanup_fn;
static int msg_error_count;
static int msg_exiting;			/* fatal/panic in progress */

 /*
  * A daemon may log from a helper thread (greylistd's database thread):
  * one line at a time through the output handlers, which keep state. The
  * lock is recursive because a handler may itself log.
  */
static pthread_mutex_t msg_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

/* msg_severity_name - label for a level */

const char *msg_severity_name(int level)
{
    static const char *names[] = {"info", "warning", "error", "fatal", "panic"};

    return ((level >= 0 && level <= MSG_PANIC) ? names[level] : "unknown");
}

/* msg_output - register an output handler */

void    msg_output(MSG_OUTPUT_FN fn)
{
    int     i;

    for (i = 0; i < msg_handler_count; i++)
	if (msg_handlers[i] == fn)
	    return;
    if (msg_handler_count >= MSG_MAX_OUTPUT)
	msg_panic("msg_output: too many output handlers");
    msg_handlers[msg_handler_count++] = fn;
}

/* msg_output_reset - forget all output handlers */

void    msg_output_reset(void)
{
    msg_handler_count = 0;
}

/* msg_cleanup - install cleanup handler */

MSG_CLEANUP_FN msg_cleanup(MSG_CLEANUP_FN fn)
{
    MSG_CLEANUP_FN old = msg_cleanup_fn;

    msg_cleanup_fn = fn;
    return (old);
}

/* msg_fatal_recover - a test program survived a fatal error */

void    msg_fatal_recover(void)
{
    msg_exiting = 0;
}

/* msg_vprintf - format once, sanitize, send to every handler */

static void msg_vprintf(int level, const char *fmt, va_list ap)
{
    char    text[MSG_TEXT_MAX];
    int     saved_errno = errno;
    unsigned char *cp;
    int     i;

    errno = saved_errno;			/* for %m */
    (void) vsnprintf(text, sizeof(text), fmt, ap);
    for (cp = (unsigned char *) text; *cp; cp++)
	if (*cp < 0x20 || *cp == 0x7f)
	    *cp = '?';
    (void) pthread_mutex_lock(&msg_lock);
    for (i = 0; i < msg_handler_count; i++)
	msg_handlers[i] (level, text);
    (void) pthread_mutex_unlock(&msg_lock);
    errno = saved_errno;
}

/* msg_vinfo - report informative message */

void    msg_vinfo(const char *fmt, va_list ap)
{
    msg_vprintf(MSG_INFO, fmt, ap);
}

/* msg_info - report informative message */

void    msg_info(const char *fmt,...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(MSG_INFO, fmt, ap);
    va_end(ap);
}

/* msg_vwarn - report warning */

void    msg_vwarn(const char *fmt, va_list ap)
{
    msg_vprintf(MSG_WARN, fmt, ap);
}

/* msg_warn - report warning */

void    msg_warn(const char *fmt,...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(MSG_WARN, fmt, ap);
    va_end(ap);
}

/* msg_error - report recoverable error, count it */

void    msg_error(const char *fmt,...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(MSG_ERROR, fmt, ap);
    va_end(ap);
    if (++msg_error_count >= msg_error_limit)
	msg_fatal("too many errors - program terminated");
}

/* msg_fatal_exit - common end of fatal errors */

static NORETURN msg_fatal_exit(int status)
{
    if (msg_exiting++ == 0 && msg_cleanup_fn)
	msg_cleanup_fn();
    if (msg_fatal_sleep > 0)
	sleep(msg_fatal_sleep);
    _exit(status);
}

/* msg_fatal - report error and terminate */

NORETURN msg_fatal(const char *fmt,...)
{
    va_list ap;

    if (msg_exiting == 0) {
	va_start(ap, fmt);
	msg_vprintf(MSG_FATAL, fmt, ap);
	va_end(ap);
    }
    msg_fatal_exit(1);
}

/* msg_fatal_status - report error and terminate with chosen status */

NORETURN msg_fatal_status(int status, const char *fmt,...)
{
    va_list ap;

    if (msg_exiting == 0) {
	va_start(ap, fmt);
	msg_vprintf(MSG_FATAL, fmt, ap);
	va_end(ap);
    }
    msg_fatal_exit(status);
}

/* msg_panic - report error and dump core */

NORETURN msg_panic(const char *fmt,...)
{
    va_list ap;

    if (msg_exiting++ == 0) {
	va_start(ap, fmt);
	msg_vprintf(MSG_PANIC, fmt, ap);
	va_end(ap);
    }
    if (msg_fatal_sleep > 0)
	sleep(msg_fatal_sleep);
    abort();
}
