/*++
/* NAME
/*	greylist_policy 3
/* SUMMARY
/*	the greylisting decision
/* SYNOPSIS
/*	#include "greylist_policy.h"
/*
/*	void	greylist_policy_decide(policy, now, triplet, client, decision)
/*	const GREYLIST_POLICY *policy;
/*	time_t	now;
/*	const GREYLIST_TRIPLET *triplet;
/*	const GREYLIST_CLIENT *client;
/*	GREYLIST_DECISION *decision;
/*
/*	time_t	greylist_triplet_expires(policy, triplet)
/*	time_t	greylist_client_expires(policy, client)
/*
/*	int	greylist_client_whitelisted(policy, client)
/*
/*	const char *greylist_action_name(action)
/*	int	greylist_action_defers(action)
/* DESCRIPTION
/*	greylist_policy_decide() is the whole greylisting rule, as a
/*	pure function: it looks at the stored records (a null pointer when
/*	there is none) and the time, does no I/O, and says what to answer
/*	and what to store.
/* .IP "auto-whitelist"
/*	When the auto-whitelist threshold is not 0 and the client has
/*	passed more than that many times (strictly more, as greylist.pl),
/*	the answer is GREYLIST_ACT_WHITELIST and the triplet is not looked
/*	at. The client's time stamp is refreshed.
/* .IP "first sighting"
/*	No triplet: GREYLIST_ACT_NEW; a pending triplet is stored with
/*	the current time.
/* .IP "early retry"
/*	A pending triplet not older than the delay (a retry at exactly
/*	the delay is still early, as in greylist.pl): GREYLIST_ACT_EARLY;
/*	nothing changes, in particular not the first time stamp.
/* .IP "pass"
/*	A pending triplet older than the delay: GREYLIST_ACT_PASS; the
/*	triplet becomes passed, and the client's pass count goes up.
/* .IP "known"
/*	A passed triplet: GREYLIST_ACT_KNOWN; its time stamp is refreshed
/*	and the client's pass count goes up (every pass counts, as in
/*	greylist.pl).
/* .PP
/*	A record past its limits counts as absent, whether or not expiry
/*	removed it yet: a pending triplet not retried within the retry
/*	window, a passed triplet or a client not seen for the maximum age.
/*
/*	Time stamps that only extend a record's life are rewritten when
/*	they are older than policy->refresh seconds, so that a busy
/*	correspondent does not cause a write per message; counters are
/*	always written.
/*
/*	greylist_triplet_expires() and greylist_client_expires() return
/*	the time when a record becomes absent; when that is past the
/*	largest time_t (a time stamp from a corrupt store record, or a
/*	huge policy_test_time), the largest time_t.
/*
/*	greylist_client_whitelisted() is true when the client has passed
/*	more often than the auto-whitelist threshold (not 0); it does not
/*	look at the record's age, which greylist_policy_decide() does first.
/*
/*	greylist_action_name() returns the name used in the log:
/*	"greylist", "early-retry", "pass", "known", "whitelisted",
/*	"error", "skip". greylist_action_defers() is true for the
/*	actions that defer the mail.
/* BUGS
/*	A clock that jumps backwards makes ages negative; they count as 0.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <limits.h>
#include <string.h>

/* Utility library. */

#include <msg.h>

/* Application-specific. */

#include "greylist_policy.h"

#define SATURATED_INCR(x) ((x) < UINT_MAX ? (x) + 1 : (x))

 /*
  * The largest time_t (a signed type on every system that we support).
  */
#define GREYLIST_TIME_MAX \
	((time_t) ((((unsigned long long) 1) << (sizeof(time_t) * CHAR_BIT - 1)) - 1))

/* greylist_time_add - time stamp plus a limit, without overflow */

static time_t greylist_time_add(time_t when, int secs)
{
    if (secs > 0 && when > GREYLIST_TIME_MAX - secs)
	return (GREYLIST_TIME_MAX);
    return (when + secs);
}

/* greylist_triplet_expires - when the triplet counts as absent */

time_t  greylist_triplet_expires(const GREYLIST_POLICY *policy,
				         const GREYLIST_TRIPLET *triplet)
{
    if (triplet->state == GREYLIST_STATE_PENDING)
	return (greylist_time_add(triplet->first_seen, policy->retry_window));
    return (greylist_time_add(triplet->last_seen, policy->max_age));
}

/* greylist_client_expires - when the client counts as absent */

time_t  greylist_client_expires(const GREYLIST_POLICY *policy,
				        const GREYLIST_CLIENT *client)
{
    return (greylist_time_add(client->last_seen, policy->max_age));
}

/* greylist_client_whitelisted - enough passes, whatever the record's age */

int     greylist_client_whitelisted(const GREYLIST_POLICY *policy,
				            const GREYLIST_CLIENT *client)
{
    return (policy->awl_threshold > 0
	    && client->count > (unsigned) policy->awl_threshold);
}

/* greylist_client_pass - count one more pass of this client */

static void greylist_client_pass(const GREYLIST_POLICY *policy, time_t now,
				         const GREYLIST_CLIENT *client,
				         GREYLIST_DECISION *dp)
{
    if (policy->awl_threshold <= 0)
	return;
    dp->client.count = client ? SATURATED_INCR(client->count) : 1;
    /* Only the count must be written; the time stamp follows the refresh rule. */
    dp->client.last_seen = (client && now - client->last_seen < policy->refresh) ?
	client->last_seen : now;
    dp->client_count = dp->client.count;
    dp->client_update = 1;
}

/* greylist_policy_decide - the rule */

void    greylist_policy_decide(const GREYLIST_POLICY *policy, time_t now,
			               const GREYLIST_TRIPLET *triplet,
			               const GREYLIST_CLIENT *client,
			               GREYLIST_DECISION *dp)
{
    long    age;

    memset((void *) dp, 0, sizeof(*dp));

    /*
     * Records past their limits do not exist.
     */
    if (client && now >= greylist_client_expires(policy, client))
	client = 0;
    if (triplet && now >= greylist_triplet_expires(policy, triplet))
	triplet = 0;
    if (client)
	dp->client_count = client->count;

    /*
     * Auto-whitelisted client: done.
     */
    if (client && greylist_client_whitelisted(policy, client)) {
	dp->action = GREYLIST_ACT_WHITELIST;
	if (now - client->last_seen >= policy->refresh) {
	    dp->client = *client;
	    dp->client.last_seen = now;
	    dp->client_update = 1;
	}
	return;
    }

    /*
     * First sighting.
     */
    if (triplet == 0) {
	dp->action = GREYLIST_ACT_NEW;
	dp->age = 0;
	dp->remaining = policy->delay + 1;
	dp->triplet.state = GREYLIST_STATE_PENDING;
	dp->triplet.first_seen = now;
	dp->triplet.last_seen = now;
	dp->triplet.count = 0;
	dp->triplet_update = 1;
	return;
    }
    age = now - triplet->first_seen;
    if (age < 0)
	age = 0;
    dp->age = age > INT_MAX ? INT_MAX : (int) age;

    /*
     * Known triplet: refresh, count the client.
     */
    if (triplet->state == GREYLIST_STATE_PASSED) {
	dp->action = GREYLIST_ACT_KNOWN;
	dp->triplet = *triplet;
	dp->triplet.count = SATURATED_INCR(triplet->count);
	dp->triplet_update = 1;			/* counters are always written */
	if (now - triplet->last_seen >= policy->refresh)
	    dp->triplet.last_seen = now;
	greylist_client_pass(policy, now, client, dp);
	return;
    }

    /*
     * Pending: too early, or the retry that passes.
     */
    if (age <= policy->delay) {
	dp->action = GREYLIST_ACT_EARLY;
	dp->remaining = (int) (policy->delay - age + 1);
	return;
    }
    dp->action = GREYLIST_ACT_PASS;
    dp->triplet = *triplet;
    dp->triplet.state = GREYLIST_STATE_PASSED;
    dp->triplet.last_seen = now;
    dp->triplet.count = 1;
    dp->triplet_update = 1;
    greylist_client_pass(policy, now, client, dp);
}

/* greylist_action_name - for the log */

const char *greylist_action_name(int action)
{
    switch (action) {
    case GREYLIST_ACT_NEW:
	return ("greylist");
    case GREYLIST_ACT_EARLY:
	return ("early-retry");
    case GREYLIST_ACT_PASS:
	return ("pass");
    case GREYLIST_ACT_KNOWN:
	return ("known");
    case GREYLIST_ACT_WHITELIST:
	return ("whitelisted");
    case GREYLIST_ACT_ERROR:
	return ("error");
    case GREYLIST_ACT_SKIP:
	return ("skip");
    default:
	msg_panic("greylist_action_name: unknown action %d", action);
    }
}

/* greylist_action_defers - is the mail deferred? */

int     greylist_action_defers(int action)
{
    return (action == GREYLIST_ACT_NEW || action == GREYLIST_ACT_EARLY);
}
