/*++
/* NAME
/*	watchdog 3
/* SUMMARY
/*	stuck process detector
/* SYNOPSIS
/*	#include <watchdog.h>
/*
/*	void	watchdog_start(timeout)
/*	int	timeout;
/*
/*	void	watchdog_pat()
/*
/*	void	watchdog_stop()
/* DESCRIPTION
/*	The watchdog ends a process that is stuck: one that has not
/*	called watchdog_pat() for \fItimeout\fR seconds. The event loop
/*	pats it once per round, so it fires only when a single event
/*	takes that long.
/*
/*	watchdog_start() arms the watchdog (SIGALRM). watchdog_pat()
/*	restarts its clock. watchdog_stop() disarms it.
/*
/*	When it fires, the watchdog logs a fatal error, which runs the
/*	cleanup handler and exits; if that hangs too, a second alarm
/*	five seconds later ends the process with _exit().
/* DIAGNOSTICS
/*	Fatal: "watchdog timeout".
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <watchdog.h>

static int watchdog_timeout;
static volatile sig_atomic_t watchdog_tripped;

/* watchdog_event - the alarm went off */

static void watchdog_event(int unused_sig)
{
    if (watchdog_tripped++) {
	static const char text[] = "fatal: watchdog: cleanup hangs - exiting\n";

	(void) (write(2, text, sizeof(text) - 1) < 0);
	_exit(1);
    }
    (void) alarm(5);
    msg_fatal("watchdog timeout: no progress for %d seconds", watchdog_timeout);
}

/* watchdog_start - arm */

void    watchdog_start(int timeout)
{
    struct sigaction sa;

    if (timeout <= 0)
	msg_panic("watchdog_start: bad timeout %d", timeout);
    watchdog_timeout = timeout;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = watchdog_event;
    sigemptyset(&sa.sa_mask);
    /* The second alarm must interrupt a cleanup that hangs in the first. */
    sa.sa_flags = SA_NODEFER;
    if (sigaction(SIGALRM, &sa, (struct sigaction *) 0) < 0)
	msg_fatal("sigaction SIGALRM: %m");
    (void) alarm(timeout);
}

/* watchdog_pat - we are still alive */

void    watchdog_pat(void)
{
    if (watchdog_timeout > 0)
	(void) alarm(watchdog_timeout);
}

/* watchdog_stop - disarm */

void    watchdog_stop(void)
{
    watchdog_timeout = 0;
    (void) alarm(0);
}
