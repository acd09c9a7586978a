#ifndef _ATTR_H_INCLUDED_
#define _ATTR_H_INCLUDED_

/*++
/* NAME
/*	attr 3h
/* SUMMARY
/*	Postfix policy protocol: requests and replies
/* SYNOPSIS
/*	#include "attr.h"
/* DESCRIPTION
/* .nf
/*--*/

#include <vstream.h>
#include <vstring.h>

 /*
  * Attribute names of the policy protocol.
  */
#define MAIL_ATTR_REQ		"request"
#define MAIL_ATTR_REQ_POLICY	"smtpd_access_policy"
#define MAIL_ATTR_PROTO_STATE	"protocol_state"
#define MAIL_ATTR_CLIENT_ADDR	"client_address"
#define MAIL_ATTR_CLIENT_NAME	"client_name"
#define MAIL_ATTR_SENDER	"sender"
#define MAIL_ATTR_RCPT		"recipient"
#define MAIL_ATTR_INSTANCE	"instance"
#define MAIL_ATTR_ACTION	"action"

 /*
  * Limits on what one request may hold. Postfix enforces none.
  */
typedef struct ATTR_LIMITS {
    int     line_limit;			/* bytes per name=value line */
    int     count_limit;		/* attributes per request */
    int     size_limit;			/* bytes per request */
} ATTR_LIMITS;

#define ATTR_DEF_LINE_LIMIT	4096
#define ATTR_DEF_COUNT_LIMIT	100
#define ATTR_DEF_SIZE_LIMIT	65536

 /*
  * One attribute.
  */
typedef struct ATTR {
    VSTRING *name;
    VSTRING *value;
    unsigned hash;			/* of the name: cheap comparisons */
} ATTR;

 /*
  * Scanner state: the request being read, kept across calls so that a
  * request may arrive in pieces.
  */
typedef struct ATTR_REQUEST {
    ATTR_LIMITS limits;
    ATTR   *attrs;			/* attributes read so far */
    int     count;			/* attributes in use */
    int     slots;			/* attributes allocated */
    VSTRING *line;			/* partial line */
    ssize_t size;			/* bytes of this request so far */
    int     flags;			/* anomalies, see below */
    VSTRING *why;			/* reason of failure or anomaly */
    int     complete;			/* last scan returned a request */
    unsigned long names_seen[4];	/* name hash bits, this request */
} ATTR_REQUEST;

 /*
  * attr_scan() results.
  */
#define ATTR_SCAN_DONE		0	/* a complete request */
#define ATTR_SCAN_AGAIN		1	/* incomplete, wait for input */
#define ATTR_SCAN_EOF		2	/* clean end between requests */
#define ATTR_SCAN_ERROR		3	/* framing lost; see why */

 /*
  * Anomalies in a request that was framed correctly.
  */
#define ATTR_FLAG_GARBAGE	(1<<0)	/* a line without "=" */
#define ATTR_FLAG_DUPLICATE	(1<<1)	/* a name given twice */
#define ATTR_FLAG_NULBYTE	(1<<2)	/* a NUL byte in a line */
#define ATTR_FLAG_BADNAME	(1<<3)	/* an empty attribute name */

extern ATTR_REQUEST *attr_request_create(const ATTR_LIMITS *);
extern void attr_request_free(ATTR_REQUEST *);
extern void attr_request_reset(ATTR_REQUEST *);
extern int attr_scan(ATTR_REQUEST *, VSTREAM *, int);
extern const char *attr_find(const ATTR_REQUEST *, const char *);
extern void attr_print_reply(VSTREAM *, const char *);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
