#ifndef _GREYLIST_POLICY_H_INCLUDED_
#define _GREYLIST_POLICY_H_INCLUDED_

/*++
/* NAME
/*	greylist_policy 3h
/* SUMMARY
/*	the greylisting decision
/* SYNOPSIS
/*	#include "greylist_policy.h"
/* DESCRIPTION
/* .nf
/*--*/

#include <time.h>

 /*
  * What the store keeps for one triplet.
  */
typedef struct GREYLIST_TRIPLET {
    int     state;			/* GREYLIST_STATE_* */
    time_t  first_seen;			/* first attempt */
    time_t  last_seen;			/* last pass (or first attempt) */
    unsigned count;			/* passes, saturating */
} GREYLIST_TRIPLET;

#define GREYLIST_STATE_PENDING	1	/* deferred, waiting for a retry */
#define GREYLIST_STATE_PASSED	2	/* retried after the delay */

 /*
  * What the store keeps for one client (address or network).
  */
typedef struct GREYLIST_CLIENT {
    unsigned count;			/* passes, saturating */
    time_t  last_seen;			/* last pass or whitelisted request */
} GREYLIST_CLIENT;

 /*
  * The limits that the decision depends on.
  */
typedef struct GREYLIST_POLICY {
    int     delay;			/* greylist_delay */
    int     retry_window;		/* greylist_retry_window */
    int     max_age;			/* greylist_max_age */
    int     awl_threshold;		/* greylist_auto_whitelist_threshold */
    int     refresh;			/* time stamp granularity */
} GREYLIST_POLICY;

 /*
  * The outcome.
  */
typedef struct GREYLIST_DECISION {
    int     action;			/* GREYLIST_ACT_* */
    int     age;			/* now - first_seen */
    int     remaining;			/* until a retry passes */
    unsigned client_count;		/* passes of the client */
    int     triplet_update;		/* store new triplet */
    int     client_update;		/* store new client */
    GREYLIST_TRIPLET triplet;		/* new triplet */
    GREYLIST_CLIENT client;		/* new client */
} GREYLIST_DECISION;

#define GREYLIST_ACT_NEW	1	/* first sighting: defer */
#define GREYLIST_ACT_EARLY	2	/* retried too soon: defer */
#define GREYLIST_ACT_PASS	3	/* retried after the delay: first pass */
#define GREYLIST_ACT_KNOWN	4	/* passed before */
#define GREYLIST_ACT_WHITELIST	5	/* auto-whitelisted client */
#define GREYLIST_ACT_ERROR	6	/* store trouble: let mail through */
#define GREYLIST_ACT_SKIP	7	/* cannot greylist this request */

extern void greylist_policy_decide(const GREYLIST_POLICY *, time_t,
				           const GREYLIST_TRIPLET *,
				           const GREYLIST_CLIENT *,
				           GREYLIST_DECISION *);
extern time_t greylist_triplet_expires(const GREYLIST_POLICY *, const GREYLIST_TRIPLET *);
extern time_t greylist_client_expires(const GREYLIST_POLICY *, const GREYLIST_CLIENT *);
extern int greylist_client_whitelisted(const GREYLIST_POLICY *, const GREYLIST_CLIENT *);
extern const char *greylist_action_name(int);
extern int greylist_action_defers(int);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
