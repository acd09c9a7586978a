/*++
/* NAME
/*	greylist_request 3
/* SUMMARY
/*	validate a policy request
/* SYNOPSIS
/*	#include "greylist_request.h"
/*
/*	int	greylist_request_parse(attrs, test_clock, req, why)
/*	const ATTR_REQUEST *attrs;
/*	int	test_clock;
/*	GREYLIST_REQUEST *req;
/*	VSTRING	*why;
/* DESCRIPTION
/*	greylist_request_parse() turns the attributes of one policy
/*	request into a GREYLIST_REQUEST, whose strings point into
/*	\fIattrs\fR. It returns:
/* .IP GREYLIST_REQ_OK
/*	The request can be greylisted.
/* .IP GREYLIST_REQ_SKIP
/*	The request is well-formed but not for greylisting: a protocol
/*	state other than RCPT (greylisting applies to recipients).
/*	\fIwhy\fR says which; answer DUNNO without a warning.
/* .IP GREYLIST_REQ_BAD
/*	The request cannot be greylisted; \fIwhy\fR says what is wrong
/*	(with the offending value made printable and truncated): the
/*	reader found anomalies (a line without "=", a NUL byte, an
/*	attribute given twice); a "request" other than
/*	smtpd_access_policy; no or an empty client_address, or one that
/*	is not an IPv4 or IPv6 address ("unknown", "999.1.1.1"); no or an
/*	empty recipient; a sender or recipient longer than
/*	GREYLIST_ADDR_LIMIT bytes, with control characters, or that is
/*	not valid UTF-8. Answer DUNNO and log a warning.
/* .PP
/*	An IPv4-mapped IPv6 client address (::ffff:1.2.3.4) is the IPv4
/*	address. A missing sender is the null sender (a bounce).
/*
/*	With \fItest_clock\fR, a numeric policy_test_time attribute
/*	(seconds since the epoch) is returned in req->test_time, to
/*	replace the clock for this request; otherwise it is ignored.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <string.h>

/* Utility library. */

#include <msg.h>
#include <vstring.h>
#include <stringops.h>
#include <inet_prefix.h>

/* Global library. */

#include <attr.h>

/* Application-specific. */

#include "greylist_request.h"

#define GREYLIST_ATTR_TEST_TIME	"policy_test_time"

/* greylist_request_bad - describe the problem */

static int greylist_request_bad(VSTRING *why, const char *what, const char *value)
{
    VSTRING *buf;

    if (value == 0) {
	vstring_strcpy(why, what);
    } else {
	buf = vstring_alloc(100);
	vstring_sprintf(why, "%s: \"%s\"", what,
			printable_vstring(buf, value, -1, 100));
	vstring_free(buf);
    }
    return (GREYLIST_REQ_BAD);
}

/* greylist_address_ok - is this a sane address? */

static const char *greylist_address_problem(const char *addr)
{
    const unsigned char *cp;
    size_t  len = strlen(addr);

    if (len > GREYLIST_ADDR_LIMIT)
	return ("too long");
    for (cp = (const unsigned char *) addr; *cp; cp++)
	if (*cp < 0x20 || *cp == 0x7f)
	    return ("control character in");
    if (!valid_utf8(addr, len))
	return ("invalid UTF-8 in");
    return (0);
}

/* greylist_request_parse - validate */

int     greylist_request_parse(const ATTR_REQUEST *attrs, int test_clock,
			               GREYLIST_REQUEST *req, VSTRING *why)
{
    const char *request = attr_find(attrs, MAIL_ATTR_REQ);
    const char *state = attr_find(attrs, MAIL_ATTR_PROTO_STATE);
    const char *problem;
    const char *test_time;
    long    when;

    memset((void *) req, 0, sizeof(*req));
    VSTRING_RESET(why);
    VSTRING_TERMINATE(why);

    if (attrs->flags)
	return (greylist_request_bad(why, vstring_str(attrs->why), (char *) 0));
    if (request == 0)
	return (greylist_request_bad(why, "missing \"request\" attribute", (char *) 0));
    if (strcmp(request, MAIL_ATTR_REQ_POLICY) != 0)
	return (greylist_request_bad(why, "unsupported request type", request));

    req->state = state ? state : "";
    if (*req->state && strcasecmp(req->state, "RCPT") != 0) {
	vstring_sprintf(why, "protocol state %.20s is not RCPT", req->state);
	return (GREYLIST_REQ_SKIP);
    }

    req->client_text = attr_find(attrs, MAIL_ATTR_CLIENT_ADDR);
    if (req->client_text == 0 || *req->client_text == 0)
	return (greylist_request_bad(why, "missing or empty client_address", (char *) 0));
    if (!inet_addr_parse(req->client_text, &req->client))
	return (greylist_request_bad(why, "client_address is not an IP address",
				     req->client_text));

    req->recipient = attr_find(attrs, MAIL_ATTR_RCPT);
    if (req->recipient == 0 || *req->recipient == 0)
	return (greylist_request_bad(why, "missing or empty recipient", (char *) 0));
    if ((problem = greylist_address_problem(req->recipient)) != 0) {
	greylist_request_bad(why, problem, req->recipient);
	vstring_strcat(why, " (recipient)");
	return (GREYLIST_REQ_BAD);
    }

    req->sender = attr_find(attrs, MAIL_ATTR_SENDER);
    if (req->sender == 0)
	req->sender = "";
    if ((problem = greylist_address_problem(req->sender)) != 0) {
	greylist_request_bad(why, problem, req->sender);
	vstring_strcat(why, " (sender)");
	return (GREYLIST_REQ_BAD);
    }

    if (test_clock && (test_time = attr_find(attrs, GREYLIST_ATTR_TEST_TIME)) != 0) {
	if (!alldig(test_time) || !safe_strtol(test_time, &when) || when <= 0)
	    return (greylist_request_bad(why, "bad policy_test_time", test_time));
	req->test_time = (time_t) when;
    }
    return (GREYLIST_REQ_OK);
}
