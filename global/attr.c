/*++
/* NAME
/*	attr 3
/* SUMMARY
/*	Postfix policy protocol: requests and replies
/* SYNOPSIS
/*	#include <attr.h>
/*
/*	ATTR_REQUEST *attr_request_create(limits)
/*	const ATTR_LIMITS *limits;
/*
/*	void	attr_request_free(req)
/*	ATTR_REQUEST *req;
/*
/*	void	attr_request_reset(req)
/*	ATTR_REQUEST *req;
/*
/*	int	attr_scan(req, stream, wait)
/*	ATTR_REQUEST *req;
/*	VSTREAM	*stream;
/*	int	wait;
/*
/*	const char *attr_find(req, name)
/*	const ATTR_REQUEST *req;
/*	const char *name;
/*
/*	void	attr_print_reply(stream, action)
/*	VSTREAM	*stream;
/*	const char *action;
/* DESCRIPTION
/*	This module speaks the SMTPD access policy protocol
/*	(SMTPD_POLICY_README): a request is a list of "name=value" lines
/*	ended by an empty line; the reply is "action=value" and an empty
/*	line.
/*
/*	attr_request_create() makes a reader with limits on the length
/*	of one line, the number of attributes and the size of a request
/*	(a null pointer gives the ATTR_DEF_* limits); attr_request_free()
/*	destroys it. The reader's buffers are reused from one request to
/*	the next.
/*
/*	attr_scan() reads one request. With VSTREAM_NOWAIT it consumes
/*	only input that is already there and returns ATTR_SCAN_AGAIN
/*	when the request is not complete yet; call it again when the
/*	stream is readable: the partial request is kept. With
/*	VSTREAM_WAIT it waits, within the stream's timeout. It returns
/*	ATTR_SCAN_DONE for a complete request, ATTR_SCAN_EOF when the
/*	peer closed the connection between requests, and ATTR_SCAN_ERROR
/*	when the framing is lost: a line over the length limit, more
/*	attributes than allowed, a request over the size limit, end of
/*	input in the middle of a request, or an I/O error or timeout.
/*	req->why then says what happened, with the offending data made
/*	printable and truncated. After ATTR_SCAN_ERROR the connection
/*	should be closed without a reply.
/*
/*	A request that is framed correctly may still carry anomalies;
/*	they are recorded in req->flags (with the first one described in
/*	req->why), and the request is otherwise usable:
/* .IP ATTR_FLAG_GARBAGE
/*	A line without "=" (it is skipped).
/* .IP ATTR_FLAG_BADNAME
/*	A line with an empty name (it is skipped).
/* .IP ATTR_FLAG_NULBYTE
/*	A line with a NUL byte (it is skipped).
/* .IP ATTR_FLAG_DUPLICATE
/*	A name given twice (the first value is kept).
/* .PP
/*	A carriage return before the newline is removed.
/*
/*	attr_request_reset() forgets the current request (attr_scan()
/*	does this itself when it starts a new one).
/*
/*	attr_find() returns the value of an attribute, or a null pointer.
/*
/*	attr_print_reply() writes "action=\fIaction\fR" and the empty line
/*	to the stream (flush it afterwards). An empty action or one with
/*	a newline is a panic: smtpd treats an empty action as OK.
/* DIAGNOSTICS
/*	Panics: interface violations. Problems with a request are
/*	reported to the caller, never logged here.
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
#include <mymalloc.h>
#include <vstring.h>
#include <vstream.h>
#include <stringops.h>

/* Global library. */

#include <attr.h>

#define STR(x)	vstring_str(x)
#define LEN(x)	VSTRING_LEN(x)

 /*
  * How much of an offending line to show in a diagnostic.
  */
#define ATTR_SHOW_LIMIT	100

/* attr_request_create - create reader */

ATTR_REQUEST *attr_request_create(const ATTR_LIMITS *limits)
{
    ATTR_REQUEST *req = (ATTR_REQUEST *) mymalloc(sizeof(*req));

    if (limits) {
	if (limits->line_limit < 1 || limits->count_limit < 1
	    || limits->size_limit < 1)
	    msg_panic("attr_request_create: bad limits");
	req->limits = *limits;
    } else {
	req->limits.line_limit = ATTR_DEF_LINE_LIMIT;
	req->limits.count_limit = ATTR_DEF_COUNT_LIMIT;
	req->limits.size_limit = ATTR_DEF_SIZE_LIMIT;
    }
    req->slots = 32;
    req->attrs = (ATTR *) mymalloc(req->slots * sizeof(ATTR));
    memset(req->attrs, 0, req->slots * sizeof(ATTR));
    req->line = vstring_alloc(256);
    req->why = vstring_alloc(100);
    attr_request_reset(req);
    return (req);
}

/* attr_request_free - destroy reader */

void    attr_request_free(ATTR_REQUEST *req)
{
    int     i;

    for (i = 0; i < req->slots; i++) {
	if (req->attrs[i].name) {
	    vstring_free(req->attrs[i].name);
	    vstring_free(req->attrs[i].value);
	}
    }
    myfree((void *) req->attrs);
    vstring_free(req->line);
    vstring_free(req->why);
    myfree((void *) req);
}

/* attr_request_reset - start over */

void    attr_request_reset(ATTR_REQUEST *req)
{
    memset((void *) req->names_seen, 0, sizeof(req->names_seen));
    req->count = 0;
    req->size = 0;
    req->flags = 0;
    req->complete = 0;
    VSTRING_RESET(req->line);
    VSTRING_TERMINATE(req->line);
    VSTRING_RESET(req->why);
    VSTRING_TERMINATE(req->why);
}

/* attr_name_hash - a hash of a name, to compare names cheaply */

static unsigned attr_name_hash(const char *name, ssize_t len)
{
    unsigned long long h = 0x9E3779B97F4A7C15ULL ^ (unsigned long long) len;
    unsigned long long w;

    /*
     * Eight bytes at a time: this runs for every line of every request.
     */
    for (; len >= 8; name += 8, len -= 8) {
	memcpy((void *) &w, name, 8);
	h = (h ^ w) * 0x100000001B3ULL;
	h ^= h >> 29;
    }
    if (len > 0) {
	w = 0;
	memcpy((void *) &w, name, len);
	h = (h ^ w) * 0x100000001B3ULL;
	h ^= h >> 29;
    }
    h *= 0xBF58476D1CE4E5B9ULL;
    return ((unsigned) (h >> 32));
}

/* attr_find - look up value */

const char *attr_find(const ATTR_REQUEST *req, const char *name)
{
    unsigned h = attr_name_hash(name, strlen(name));
    int     i;

    for (i = 0; i < req->count; i++)
	if (req->attrs[i].hash == h && strcmp(STR(req->attrs[i].name), name) == 0)
	    return (STR(req->attrs[i].value));
    return (0);
}

/* attr_anomaly - remember a problem that does not break the framing */

static void attr_anomaly(ATTR_REQUEST *req, int flag, const char *what,
			         const char *data, ssize_t len)
{
    VSTRING *buf;

    if (req->flags == 0) {
	buf = vstring_alloc(100);
	vstring_sprintf(req->why, "%s: \"%s\"", what,
			printable_vstring(buf, data, len, ATTR_SHOW_LIMIT));
	vstring_free(buf);
    }
    req->flags |= flag;
}

/* attr_fail - describe a framing error */

static int attr_fail(ATTR_REQUEST *req, const char *what, const char *data,
		             ssize_t len)
{
    VSTRING *buf = vstring_alloc(100);

    vstring_sprintf(req->why, "%s: \"%s\"", what,
		    printable_vstring(buf, data, len, ATTR_SHOW_LIMIT));
    vstring_free(buf);
    return (ATTR_SCAN_ERROR);
}

/* attr_store - add one name=value line */

static int attr_store(ATTR_REQUEST *req)
{
    char   *line = STR(req->line);
    ssize_t len = LEN(req->line);
    char   *eq;
    ATTR   *at;
    unsigned hash;
    unsigned bit;
    unsigned word;
    unsigned long mask;
    int     i;

    if (memchr(line, 0, len) != 0) {
	attr_anomaly(req, ATTR_FLAG_NULBYTE, "NUL byte in request line", line, len);
	return (0);
    }
    if ((eq = strchr(line, '=')) == 0) {
	attr_anomaly(req, ATTR_FLAG_GARBAGE, "line without \"=\"", line, len);
	return (0);
    }
    if (eq == line) {
	attr_anomaly(req, ATTR_FLAG_BADNAME, "empty attribute name", line, len);
	return (0);
    }
    *eq = 0;
    hash = attr_name_hash(line, eq - line);

    /*
     * A duplicate name is looked for only when a bit of its hash was seen
     * in this request already: most lines compare with nothing.
     */
    bit = hash % (8 * sizeof(req->names_seen));
    word = bit / (8 * sizeof(req->names_seen[0]));
    mask = 1UL << (bit % (8 * sizeof(req->names_seen[0])));
    if (req->names_seen[word] & mask) {
	for (i = 0; i < req->count; i++) {
	    if (req->attrs[i].hash == hash && strcmp(STR(req->attrs[i].name), line) == 0) {
		*eq = '=';
		attr_anomaly(req, ATTR_FLAG_DUPLICATE, "attribute given twice", line, len);
		return (0);
	    }
	}
    }
    if (req->count >= req->limits.count_limit) {
	*eq = '=';
	attr_fail(req, "too many attributes in request, limit reached at",
		  line, len);
	return (-1);
    }
    if (req->count >= req->slots) {
	req->attrs = (ATTR *) myrealloc((void *) req->attrs,
					2 * req->slots * sizeof(ATTR));
	memset(req->attrs + req->slots, 0, req->slots * sizeof(ATTR));
	req->slots *= 2;
    }
    req->names_seen[word] |= mask;
    at = req->attrs + req->count++;
    if (at->name == 0) {
	at->name = vstring_alloc(32);
	at->value = vstring_alloc(64);
    }
    vstring_memcpy(at->name, line, eq - line);
    at->hash = hash;
    vstring_memcpy(at->value, eq + 1, len - (eq + 1 - line));
    return (0);
}

/* attr_scan - read one request, possibly in pieces */

int     attr_scan(ATTR_REQUEST *req, VSTREAM *stream, int wait)
{
    int     status;
    ssize_t before;
    ssize_t len;

    if (req->complete)
	attr_request_reset(req);
    for (;;) {
	before = LEN(req->line);

	/*
	 * Ask for one byte more than the limit, so that the result does not
	 * depend on how the input is split: a line of exactly the limit must
	 * not be TOOLONG while its newline is still on the way.
	 */
	status = vstream_getline(stream, req->line,
				 (ssize_t) req->limits.line_limit + 1, wait);
	req->size += LEN(req->line) - before + (status == VSTREAM_LINE_OK);
	switch (status) {
	case VSTREAM_LINE_AGAIN:
	    return (ATTR_SCAN_AGAIN);
	case VSTREAM_LINE_TOOLONG:
	    return (attr_fail(req, "request line longer than the limit",
			      STR(req->line), LEN(req->line)));
	case VSTREAM_LINE_EOF:
	    if (req->count == 0 && LEN(req->line) == 0 && req->flags == 0) {
		attr_request_reset(req);
		return (ATTR_SCAN_EOF);
	    }
	    return (attr_fail(req, "premature end of input in the middle of a request, after",
			      STR(req->line), LEN(req->line)));
	case VSTREAM_LINE_ERROR:
	    vstring_sprintf(req->why, "%s while reading a request",
			    vstream_ftimeout(stream) ? "timeout" : "read error");
	    return (ATTR_SCAN_ERROR);
	case VSTREAM_LINE_OK:
	    if (LEN(req->line) > req->limits.line_limit)
		return (attr_fail(req, "request line longer than the limit",
				  STR(req->line), LEN(req->line)));
	    break;
	default:
	    msg_panic("attr_scan: unexpected vstream_getline status %d", status);
	}
	if (req->size > req->limits.size_limit)
	    return (attr_fail(req, "request larger than the size limit, at",
			      STR(req->line), LEN(req->line)));
	len = LEN(req->line);
	if (len > 0 && STR(req->line)[len - 1] == '\r')
	    vstring_truncate(req->line, --len);
	if (len == 0) {				/* end of request */
	    VSTRING_RESET(req->line);
	    VSTRING_TERMINATE(req->line);
	    req->size = 0;
	    req->complete = 1;
	    return (ATTR_SCAN_DONE);
	}
	if (attr_store(req) < 0)
	    return (ATTR_SCAN_ERROR);
	VSTRING_RESET(req->line);
	VSTRING_TERMINATE(req->line);
    }
}

/* attr_print_reply - send the action */

void    attr_print_reply(VSTREAM *stream, const char *action)
{
    if (action == 0 || *action == 0)
	msg_panic("attr_print_reply: empty action");
    if (strchr(action, '\n') != 0)
	msg_panic("attr_print_reply: newline in action");
    vstream_fprintf(stream, "%s=%s\n\n", MAIL_ATTR_ACTION, action);
}
