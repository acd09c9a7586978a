#ifndef _GREYLIST_REQUEST_H_INCLUDED_
#define _GREYLIST_REQUEST_H_INCLUDED_

/*++
/* NAME
/*	greylist_request 3h
/* SUMMARY
/*	validate a policy request
/* SYNOPSIS
/*	#include "greylist_request.h"
/* DESCRIPTION
/* .nf
/*--*/

#include <time.h>
#include <vstring.h>
#include <inet_prefix.h>
#include <attr.h>

typedef struct GREYLIST_REQUEST {
    const char *client_text;		/* client_address as sent */
    INET_ADDR client;			/* parsed client address */
    const char *sender;			/* envelope sender, "" for <> */
    const char *recipient;		/* envelope recipient */
    const char *state;			/* protocol_state, or "" */
    time_t  test_time;			/* policy_test_time, or 0 */
} GREYLIST_REQUEST;

 /*
  * Results of greylist_request_parse().
  */
#define GREYLIST_REQ_OK		0	/* greylist it */
#define GREYLIST_REQ_SKIP	1	/* not for us: DUNNO, no warning */
#define GREYLIST_REQ_BAD	2	/* malformed: DUNNO and a warning */

#define GREYLIST_ADDR_LIMIT	1000	/* longest sender or recipient */

extern int greylist_request_parse(const ATTR_REQUEST *, int, GREYLIST_REQUEST *, VSTRING *);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
