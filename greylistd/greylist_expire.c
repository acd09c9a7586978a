/*++
/* NAME
/*	greylist_expire 3
/* SUMMARY
/*	remove what the greylist no longer needs
/* SYNOPSIS
/*	#include "greylist_expire.h"
/*
/*	void	greylist_expire_start(store, interval, batch_records, batch_ms)
/*	GREYLIST_STORE *store;
/*	int	interval;
/*	int	batch_records;
/*	int	batch_ms;
/*
/*	void	greylist_commit_start(store, interval_ms)
/*	GREYLIST_STORE *store;
/*	int	interval_ms;
/* DESCRIPTION
/*	greylist_expire_start() removes expired records from a timer.
/*	Every \fIinterval\fR seconds it asks the store for the records that
/*	are due, in batches of at most batch_records records or batch_ms
/*	milliseconds, so that no request waits long behind it; while more
/*	are due, the next batch follows after a few milliseconds, so that
/*	requests are served in between. At most 2500 records are removed
/*	per second (a million due at once take under 7 minutes), so that
/*	the deletes do not make one commit large. Expiry follows the time index:
/*	it never scans the whole database.
/*
/*	greylist_commit_start() commits the store's open transaction every
/*	interval_ms milliseconds, which bounds what a crash can lose.
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

#include "greylist_stats.h"
#include "greylist_expire.h"

#define GREYLIST_EXPIRE_PAUSE	5	/* ms between batches */
#define GREYLIST_EXPIRE_RATE	2500	/* records per second, at most */

static int greylist_expire_interval;
static int greylist_expire_records;
static int greylist_expire_ms;
static int greylist_commit_interval;
static long long greylist_expire_second;	/* current second (ms clock) */
static int greylist_expire_this_second;	/* removed in it */

/* greylist_expire_event - one batch */

static void greylist_expire_event(int unused_event, void *context)
{
    GREYLIST_STORE *store = (GREYLIST_STORE *) context;
    long long now_ms = event_now_ms();
    int     more = 0;
    int     removed;
    int     limit;

    /*
     * Every delete dirties a page that the next commit must write: spread
     * a mass expiry over time, so that no commit grows large.
     */
    if (now_ms - greylist_expire_second >= 1000) {
	greylist_expire_second = now_ms;
	greylist_expire_this_second = 0;
    }
    limit = GREYLIST_EXPIRE_RATE - greylist_expire_this_second;
    if (limit > greylist_expire_records)
	limit = greylist_expire_records;
    if (limit <= 0) {
	event_request_timer(greylist_expire_event, context,
			    (int) (greylist_expire_second + 1000 - now_ms));
	return;
    }
    removed = store->expire(store, event_time(), limit, greylist_expire_ms, &more);
    if (removed > 0) {
	greylist_expire_this_second += removed;
	greylist_stats.expired += removed;
	if (msg_verbose)
	    msg_info("expired %d records%s", removed, more ? ", more are due" : "");
    }
    event_request_timer(greylist_expire_event, context, more ?
			GREYLIST_EXPIRE_PAUSE :
			EVENT_SECONDS_TO_MS(greylist_expire_interval));
}

/* greylist_expire_start - schedule expiry */

void    greylist_expire_start(GREYLIST_STORE *store, int interval,
			              int batch_records, int batch_ms)
{
    greylist_expire_interval = interval;
    greylist_expire_records = batch_records;
    greylist_expire_ms = batch_ms;
    event_request_timer(greylist_expire_event, (void *) store, 0);
}

/* greylist_commit_event - make updates durable */

static void greylist_commit_event(int unused_event, void *context)
{
    GREYLIST_STORE *store = (GREYLIST_STORE *) context;

    (void) store->commit(store);
    event_request_timer(greylist_commit_event, context, greylist_commit_interval);
}

/* greylist_commit_start - schedule commits */

void    greylist_commit_start(GREYLIST_STORE *store, int interval_ms)
{
    greylist_commit_interval = interval_ms;
    event_request_timer(greylist_commit_event, (void *) store, interval_ms);
}
