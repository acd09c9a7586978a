/*++
/* NAME
/*	greylist_stats 3
/* SUMMARY
/*	greylisting counters
/* SYNOPSIS
/*	#include "greylist_stats.h"
/*
/*	GREYLIST_STATS greylist_stats;
/*
/*	void	greylist_stats_count(action)
/*	int	action;
/*
/*	void	greylist_stats_log(why, store)
/*	const char *why;
/*	GREYLIST_STORE *store;
/*
/*	void	greylist_stats_start(interval, store)
/*	int	interval;
/*	GREYLIST_STORE *store;
/* DESCRIPTION
/*	greylist_stats_count() counts one request and its outcome.
/*
/*	greylist_stats_log() logs one line with the counters since start,
/*	for example "statistics (periodic): requests=1200 greylist=300
/*	early-retry=12 pass=250 known=600 whitelisted=20 error=0 skip=18
/*	bad=0 expired=90 records=4211". \fIrecords\fR counts the
/*	triplet and client records (not their time index entries).
/*
/*	greylist_stats_start() logs the statistics every \fIinterval\fR
/*	seconds (0: never) from a timer.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>

/* Utility library. */

#include <msg.h>
#include <events.h>

/* Application-specific. */

#include "greylist_policy.h"
#include "greylist_stats.h"

GREYLIST_STATS greylist_stats;

static int greylist_stats_interval;

/* greylist_stats_count - one more request */

void    greylist_stats_count(int action)
{
    greylist_stats.requests++;
    if (action > 0 && action < (int) (sizeof(greylist_stats.actions)
				      / sizeof(greylist_stats.actions[0])))
	greylist_stats.actions[action]++;
}

/* greylist_stats_log - one line with everything */

void    greylist_stats_log(const char *why, GREYLIST_STORE *store)
{
    GREYLIST_STATS *sp = &greylist_stats;

    msg_info("statistics (%s): requests=%lu greylist=%lu early-retry=%lu pass=%lu known=%lu whitelisted=%lu error=%lu skip=%lu bad=%lu expired=%lu records=%ld",
	     why, sp->requests, sp->actions[GREYLIST_ACT_NEW],
	     sp->actions[GREYLIST_ACT_EARLY], sp->actions[GREYLIST_ACT_PASS],
	     sp->actions[GREYLIST_ACT_KNOWN], sp->actions[GREYLIST_ACT_WHITELIST],
	     sp->actions[GREYLIST_ACT_ERROR], sp->actions[GREYLIST_ACT_SKIP],
	     sp->bad, sp->expired, store && store->count(store) >= 0 ?
	     store->count(store) / 2 : -1L);
}

/* greylist_stats_event - timer */

static void greylist_stats_event(int unused_event, void *context)
{
    greylist_stats_log("periodic", (GREYLIST_STORE *) context);
    event_request_timer(greylist_stats_event, context,
			EVENT_SECONDS_TO_MS(greylist_stats_interval));
}

/* greylist_stats_start - periodic logging */

void    greylist_stats_start(int interval, GREYLIST_STORE *store)
{
    greylist_stats_interval = interval;
    if (interval > 0)
	event_request_timer(greylist_stats_event, (void *) store,
			    EVENT_SECONDS_TO_MS(interval));
}
