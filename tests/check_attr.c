/*++
/* NAME
/*	check_attr 1
/* SUMMARY
/*	attr(3) unit tests
/* SYNOPSIS
/*	./check_attr
/* DESCRIPTION
/*	Tests the policy request reader and the reply printer. Every
/*	request of the main table is read three ways, and must give the
/*	same results: from a memory stream with VSTREAM_WAIT, from a
/*	non-blocking socket pair with VSTREAM_NOWAIT that receives the
/*	whole input at once (and is closed after the first ATTR_SCAN_AGAIN),
/*	and from one that receives a byte at a time (every byte that does
/*	not complete a request gives ATTR_SCAN_AGAIN).
/*
/*	Cases: complete and pipelined requests, end of input between
/*	requests and in the middle of one, CRLF, the anomalies (a line
/*	without "=", a NUL byte, a duplicate name, an empty name) and how
/*	they are reset between requests, the line, count and size limits
/*	(default and custom, at and over the limit), a timeout and a read
/*	error, the reply format, and the panics for an empty action, an
/*	action with a newline and bad limits.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <vstream.h>

/* Global library. */

#include <attr.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

/* status_name - printable attr_scan() result */

static const char *status_name(int status)
{
    switch (status) {
    case ATTR_SCAN_DONE:
	return ("DONE");
    case ATTR_SCAN_AGAIN:
	return ("AGAIN");
    case ATTR_SCAN_EOF:
	return ("EOF");
    case ATTR_SCAN_ERROR:
	return ("ERROR");
    default:
	return ("unknown");
    }
}

/* write_str - write a string to the peer socket */

static void write_str(int fd, const char *str)
{
    test_write_all(fd, str, strlen(str));
}

 /*
  * What one attr_scan() result must look like. For ATTR_SCAN_DONE, attrs
  * lists every attribute of the request as "name=value" separated by "|"
  * (the request must hold exactly these), and "!name" for a name that
  * must be absent; flags are the anomalies, and why must contain the text
  * (null: why must be empty). For ATTR_SCAN_ERROR, why must contain the
  * text.
  */
typedef struct SCAN_WANT {
    int     status;
    const char *attrs;
    int     flags;
    const char *why;
} SCAN_WANT;

#define WANT_DONE(attrs)	{ATTR_SCAN_DONE, (attrs), 0, 0}
#define WANT_ANOMALY(attrs, flags, why) \
	{ATTR_SCAN_DONE, (attrs), (flags), (why)}
#define WANT_EOF		{ATTR_SCAN_EOF, 0, 0, 0}
#define WANT_ERROR(why)		{ATTR_SCAN_ERROR, 0, 0, (why)}

#define MAX_WANT	4

typedef struct SCAN_CASE {
    const char *label;
    const char *input;
    ssize_t len;			/* -1: strlen(input) */
    ATTR_LIMITS limits;			/* all zero: defaults */
    int     nwant;
    SCAN_WANT want[MAX_WANT];
} SCAN_CASE;

#define TEXT(s)		(s), -1
#define BYTES(s)	(s), (ssize_t) (sizeof(s) - 1)
#define DEF_LIMITS	{0, 0, 0}

#define POLICY_REQUEST \
	"request=smtpd_access_policy\n" \
	"protocol_state=RCPT\n" \
	"protocol_name=ESMTP\n" \
	"client_address=192.0.2.1\n" \
	"client_name=mx.example.com\n" \
	"helo_name=\n" \
	"sender=Sender@Example.COM\n" \
	"recipient=rcpt@example.org\n" \
	"instance=123.456.7\n" \
	"\n"

static const SCAN_CASE scan_cases[] = {
    {"complete request", TEXT(POLICY_REQUEST), DEF_LIMITS, 2, {
	    WANT_DONE("request=smtpd_access_policy|protocol_state=RCPT"
		      "|protocol_name=ESMTP|client_address=192.0.2.1"
		      "|client_name=mx.example.com|helo_name="
		      "|sender=Sender@Example.COM|recipient=rcpt@example.org"
		      "|instance=123.456.7|!queue_id|!Sender"),
	    WANT_EOF,
    }},
    {"value with =", TEXT("a=b=c\n\n"), DEF_LIMITS, 2, {
	    WANT_DONE("a=b=c"), WANT_EOF,
    }},
    {"empty value", TEXT("sender=\nrecipient=x\n\n"), DEF_LIMITS, 2, {
	    WANT_DONE("sender=|recipient=x"), WANT_EOF,
    }},
    {"blanks kept", TEXT("a= x \n\n"), DEF_LIMITS, 2, {
	    WANT_DONE("a= x "), WANT_EOF,
    }},
    {"CRLF", TEXT("a=1\r\nb=2\r\n\r\n"), DEF_LIMITS, 2, {
	    WANT_DONE("a=1|b=2"), WANT_EOF,
    }},
    {"CR inside value kept", TEXT("a=1\r2\n\n"), DEF_LIMITS, 2, {
	    WANT_DONE("a=1\r2"), WANT_EOF,
    }},
    {"pipelined", TEXT("a=1\n\nb=2\nc=3\n\n"), DEF_LIMITS, 3, {
	    WANT_DONE("a=1|!b|!c"), WANT_DONE("b=2|c=3|!a"), WANT_EOF,
    }},
    {"pipelined CRLF", TEXT("a=1\r\n\r\nb=2\n\r\n"), DEF_LIMITS, 3, {
	    WANT_DONE("a=1"), WANT_DONE("b=2"), WANT_EOF,
    }},
    {"pipelined, same names", TEXT("a=1\n\na=2\n\n"), DEF_LIMITS, 3, {
	    WANT_DONE("a=1"), WANT_DONE("a=2"), WANT_EOF,
    }},
    {"empty request", TEXT("\n"), DEF_LIMITS, 2, {
	    WANT_DONE("!a"), WANT_EOF,
    }},
    {"end of input at start", TEXT(""), DEF_LIMITS, 1, {
	    WANT_EOF,
    }},
    {"end of input in a line", TEXT("a=1\nb=2"), DEF_LIMITS, 1, {
	    WANT_ERROR("premature end of input in the middle of a request, after: \"b=2\""),
    }},
    {"end of input after a line", TEXT("a=1\n"), DEF_LIMITS, 1, {
	    WANT_ERROR("premature end of input in the middle of a request"),
    }},
    {"end of input in request 2", TEXT("a=1\n\nb=2\n"), DEF_LIMITS, 2, {
	    WANT_DONE("a=1"),
	    WANT_ERROR("premature end of input"),
    }},
    {"end of input after garbage", TEXT("junk\n"), DEF_LIMITS, 1, {
	    WANT_ERROR("premature end of input"),
    }},
    {"line without =", TEXT("a=1\nbogus line\nb=2\n\n"), DEF_LIMITS, 2, {
	    WANT_ANOMALY("a=1|b=2|!bogus line", ATTR_FLAG_GARBAGE,
			 "line without \"=\": \"bogus line\""),
	    WANT_EOF,
    }},
    {"NUL byte in value", BYTES("a=1\nb=x\0y\nc=3\n\n"), DEF_LIMITS, 2, {
	    WANT_ANOMALY("a=1|c=3|!b", ATTR_FLAG_NULBYTE,
			 "NUL byte in request line: \"b=x\\000y\""),
	    WANT_EOF,
    }},
    {"NUL byte in name", BYTES("a\0b=1\nc=2\n\n"), DEF_LIMITS, 2, {
	    WANT_ANOMALY("c=2|!a", ATTR_FLAG_NULBYTE, "NUL byte"),
	    WANT_EOF,
    }},
    {"duplicate", TEXT("a=1\nb=2\na=3\n\n"), DEF_LIMITS, 2, {
	    WANT_ANOMALY("a=1|b=2", ATTR_FLAG_DUPLICATE,
			 "attribute given twice: \"a=3\""),
	    WANT_EOF,
    }},
    {"duplicate, same value", TEXT("a=1\na=1\n\n"), DEF_LIMITS, 2, {
	    WANT_ANOMALY("a=1", ATTR_FLAG_DUPLICATE, "attribute given twice"),
	    WANT_EOF,
    }},
    {"empty name", TEXT("=value\nb=2\n\n"), DEF_LIMITS, 2, {
	    WANT_ANOMALY("b=2", ATTR_FLAG_BADNAME,
			 "empty attribute name: \"=value\""),
	    WANT_EOF,
    }},
    {"only =", TEXT("=\n\n"), DEF_LIMITS, 2, {
	    WANT_ANOMALY("!a", ATTR_FLAG_BADNAME, "empty attribute name"),
	    WANT_EOF,
    }},
    {"control characters shown", TEXT("bad\tline\x01\n\n"), DEF_LIMITS, 2, {
	    WANT_ANOMALY("", ATTR_FLAG_GARBAGE, "\"bad\\011line\\001\""),
	    WANT_EOF,
    }},
    {"several anomalies, first described", TEXT("=x\nnoeq\na=1\na=2\n\n"),
	DEF_LIMITS, 2, {
	    WANT_ANOMALY("a=1", ATTR_FLAG_BADNAME | ATTR_FLAG_GARBAGE
			 | ATTR_FLAG_DUPLICATE, "empty attribute name: \"=x\""),
	    WANT_EOF,
    }},
    {"reset between requests", TEXT("junk\na=1\n\nb=2\n\n"), DEF_LIMITS, 3, {
	    WANT_ANOMALY("a=1", ATTR_FLAG_GARBAGE, "line without \"=\""),
	    WANT_DONE("b=2|!a"),
	    WANT_EOF,
    }},
    {"anomaly in request 2 only", TEXT("a=1\n\n=x\na=2\n\n"), DEF_LIMITS, 3, {
	    WANT_DONE("a=1"),
	    WANT_ANOMALY("a=2", ATTR_FLAG_BADNAME, "empty attribute name"),
	    WANT_EOF,
    }},
    {"line at the limit", TEXT("a=12345678\n\n"), {10, 100, 1000}, 2, {
	    WANT_DONE("a=12345678"), WANT_EOF,
    }},
    {"CRLF line at the limit", TEXT("a=1234567\r\n\r\n"), {10, 100, 1000}, 2, {
	    WANT_DONE("a=1234567"), WANT_EOF,
    }},
    {"line over the limit", TEXT("a=123456789\n\n"), {10, 100, 1000}, 1, {
	    WANT_ERROR("request line longer than the limit: \"a=12345678"),
    }},
    {"line over the limit, request 2", TEXT("a=1\n\nb=123456789\n\n"),
	{10, 100, 1000}, 2, {
	    WANT_DONE("a=1"),
	    WANT_ERROR("request line longer than the limit"),
    }},
    {"attributes at the limit", TEXT("a=1\nb=2\nc=3\n\n"), {100, 3, 1000}, 2, {
	    WANT_DONE("a=1|b=2|c=3"), WANT_EOF,
    }},
    {"too many attributes", TEXT("a=1\nb=2\nc=3\nd=4\n\n"), {100, 3, 1000}, 1, {
	    WANT_ERROR("too many attributes in request, limit reached at: \"d=4\""),
    }},
    {"duplicates are not counted", TEXT("a=1\na=2\nb=1\n\n"), {100, 2, 1000}, 2, {
	    WANT_ANOMALY("a=1|b=1", ATTR_FLAG_DUPLICATE, "given twice"),
	    WANT_EOF,
    }},
    {"count per request", TEXT("a=1\nb=2\n\nc=3\nd=4\n\n"), {100, 2, 1000}, 3, {
	    WANT_DONE("a=1|b=2"), WANT_DONE("c=3|d=4"), WANT_EOF,
    }},
    {"size at the limit", TEXT("a=1\nb=2\n\n"), {100, 100, 9}, 2, {
	    WANT_DONE("a=1|b=2"), WANT_EOF,
    }},
    {"size over the limit", TEXT("a=1\nb=2\n\n"), {100, 100, 8}, 1, {
	    WANT_ERROR("request larger than the size limit"),
    }},
    {"size counts CR", TEXT("a=1\r\n\r\n"), {100, 100, 6}, 1, {
	    WANT_ERROR("request larger than the size limit"),
    }},
    {"size with CR at the limit", TEXT("a=1\r\n\r\n"), {100, 100, 7}, 2, {
	    WANT_DONE("a=1"), WANT_EOF,
    }},
    {"size per request", TEXT("a=1\nb=2\n\nc=3\nd=4\n\n"), {100, 100, 9}, 3, {
	    WANT_DONE("a=1|b=2"), WANT_DONE("c=3|d=4"), WANT_EOF,
    }},
    {"size counts garbage", TEXT("junk line\n\n"), {100, 100, 10}, 1, {
	    WANT_ERROR("request larger than the size limit"),
    }},
};

#define NSCAN	(sizeof(scan_cases) / sizeof(scan_cases[0]))

 /*
  * How the input arrives.
  */
#define MODE_MEMORY	0		/* memory stream, VSTREAM_WAIT */
#define MODE_SOCKET	1		/* socket, all at once, NOWAIT */
#define MODE_BYTES	2		/* socket, a byte at a time, NOWAIT */
#define NMODE		3

static const char *mode_names[] = {"memory", "socket", "bytes"};

/* check_attrs - compare a request with "name=value|!name" */

static void check_attrs(const char *label, const ATTR_REQUEST *req,
			        const char *want)
{
    char   *copy = mystrdup(want);
    char   *cp = copy;
    char   *item;
    char   *eq;
    const char *got;
    int     count = 0;

    while ((item = strsep(&cp, "|")) != 0) {
	if (*item == 0)
	    continue;
	if (*item == '!') {
	    got = attr_find(req, item + 1);
	    ck_assert_msg(got == 0, "%s: %s: got \"%s\", want none", label,
			  item + 1, got);
	    continue;
	}
	if ((eq = strchr(item, '=')) == 0)
	    ck_abort_msg("%s: bad want \"%s\"", label, item);
	*eq = 0;
	got = attr_find(req, item);
	ck_assert_msg(got != 0 && strcmp(got, eq + 1) == 0,
		      "%s: %s: got %s%s%s, want \"%s\"", label, item,
		      got ? "\"" : "", got ? got : "none", got ? "\"" : "",
		      eq + 1);
	count++;
    }
    ck_assert_msg(req->count == count, "%s: got %d attributes, want %d",
		  label, req->count, count);
    myfree(copy);
}

/* check_result - compare one attr_scan() result */

static void check_result(const char *label, const ATTR_REQUEST *req,
			         int status, const SCAN_WANT *want)
{
    const char *why = vstring_str(req->why);

    ck_assert_msg(status == want->status, "%s: got %s (why \"%s\"), want %s",
		  label, status_name(status), why, status_name(want->status));
    switch (status) {
    case ATTR_SCAN_DONE:
	check_attrs(label, req, want->attrs);
	ck_assert_msg(req->flags == want->flags,
		      "%s: got flags 0x%x, want 0x%x", label, req->flags,
		      want->flags);
	if (want->why)
	    ck_assert_msg(strstr(why, want->why) != 0,
			  "%s: got why \"%s\", want \"%s\"", label, why,
			  want->why);
	else
	    ck_assert_msg(*why == 0, "%s: got why \"%s\", want none",
			  label, why);
	break;
    case ATTR_SCAN_ERROR:
	ck_assert_msg(strstr(why, want->why) != 0,
		      "%s: got why \"%s\", want \"%s\"", label, why, want->why);
	break;
    }
}

/* test_scan - every case, every way of arrival */

START_TEST(test_scan)
{
    const SCAN_CASE *tp = scan_cases + _i % NSCAN;
    int     mode = _i / NSCAN;
    ssize_t len = tp->len < 0 ? (ssize_t) strlen(tp->input) : tp->len;
    ATTR_REQUEST *req;
    VSTRING *label = vstring_alloc(100);
    VSTRING *in;
    VSTREAM *vp;
    int     fds[2];
    int     results = 0;
    int     status;
    ssize_t pos;
    int     done = 0;
    int     peer_open;

    vstring_sprintf(label, "%s (%s)", tp->label, mode_names[mode]);
    req = attr_request_create(tp->limits.line_limit ? &tp->limits : 0);
    if (mode == MODE_MEMORY) {
	in = vstring_alloc(100);
	vstring_memcpy(in, tp->input, len);
	vp = vstream_memopen(in, O_RDONLY);
	vstring_free(in);
	while (!done) {
	    status = attr_scan(req, vp, VSTREAM_WAIT);
	    ck_assert_msg(results < tp->nwant, "%s: extra result %s",
			  vstring_str(label), status_name(status));
	    check_result(vstring_str(label), req, status, tp->want + results++);
	    done = (status == ATTR_SCAN_EOF || status == ATTR_SCAN_ERROR);
	}
    } else {
	unit_socketpair(fds, 1);
	vp = vstream_fdopen(fds[0], "socket");
	peer_open = 1;
	for (pos = 0; !done; pos++) {
	    if (mode == MODE_SOCKET && pos == 0) {
		test_write_all(fds[1], tp->input, len);
	    } else if (mode == MODE_BYTES && pos < len) {
		test_write_all(fds[1], tp->input + pos, 1);
	    } else if (peer_open) {
		(void) close(fds[1]);
		peer_open = 0;
	    } else {
		ck_abort_msg("%s: no end", vstring_str(label));
	    }
	    for (;;) {
		status = attr_scan(req, vp, VSTREAM_NOWAIT);
		if (status == ATTR_SCAN_AGAIN) {
		    ck_assert_msg(peer_open, "%s: AGAIN after end of input",
				  vstring_str(label));
		    break;
		}
		ck_assert_msg(results < tp->nwant, "%s: extra result %s",
			      vstring_str(label), status_name(status));
		check_result(vstring_str(label), req, status,
			     tp->want + results++);
		if (status == ATTR_SCAN_EOF || status == ATTR_SCAN_ERROR) {
		    done = 1;
		    break;
		}
	    }
	}
	if (peer_open)
	    (void) close(fds[1]);
    }
    ck_assert_msg(results == tp->nwant, "%s: got %d results, want %d",
		  vstring_str(label), results, tp->nwant);
    (void) vstream_fclose(vp);
    attr_request_free(req);
    vstring_free(label);
}

END_TEST

/* test_pieces - a request that arrives in pieces */

START_TEST(test_pieces)
{
    ATTR_REQUEST *req = attr_request_create((ATTR_LIMITS *) 0);
    VSTREAM *vp;
    int     fds[2];

    unit_socketpair(fds, 1);
    vp = vstream_fdopen(fds[0], "socket");
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_NOWAIT), ATTR_SCAN_AGAIN);
    write_str(fds[1], "request=smtpd_acc");
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_NOWAIT), ATTR_SCAN_AGAIN);
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_NOWAIT), ATTR_SCAN_AGAIN);
    ck_assert_ptr_null(attr_find(req, "request"));
    write_str(fds[1], "ess_policy\nsender=a@");
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_NOWAIT), ATTR_SCAN_AGAIN);
    ck_assert_str_eq(attr_find(req, "request"), "smtpd_access_policy");
    write_str(fds[1], "example.com\r");
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_NOWAIT), ATTR_SCAN_AGAIN);
    write_str(fds[1], "\n\r");
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_NOWAIT), ATTR_SCAN_AGAIN);
    write_str(fds[1], "\nrecipient=b@");
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_NOWAIT), ATTR_SCAN_DONE);
    ck_assert_str_eq(attr_find(req, "request"), "smtpd_access_policy");
    ck_assert_str_eq(attr_find(req, "sender"), "a@example.com");
    ck_assert_int_eq(req->count, 2);
    ck_assert_int_eq(req->flags, 0);
    /* The start of the next request is kept. */
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_NOWAIT), ATTR_SCAN_AGAIN);
    ck_assert_ptr_null(attr_find(req, "sender"));
    write_str(fds[1], "example.org\n\n");
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_NOWAIT), ATTR_SCAN_DONE);
    ck_assert_str_eq(attr_find(req, "recipient"), "b@example.org");
    ck_assert_int_eq(req->count, 1);
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_NOWAIT), ATTR_SCAN_AGAIN);
    (void) close(fds[1]);
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_NOWAIT), ATTR_SCAN_EOF);
    (void) vstream_fclose(vp);
    attr_request_free(req);
}

END_TEST

/* test_wait - VSTREAM_WAIT on a socket, input and timeout */

START_TEST(test_wait)
{
    ATTR_REQUEST *req = attr_request_create((ATTR_LIMITS *) 0);
    VSTREAM *vp;
    int     fds[2];
    long long start;

    unit_socketpair(fds, 0);
    vp = vstream_fdopen(fds[0], "socket");
    vstream_set_timeout(vp, 200);
    write_str(fds[1], "a=1\n\nb=");
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_WAIT), ATTR_SCAN_DONE);
    ck_assert_str_eq(attr_find(req, "a"), "1");
    start = unit_now_ms();
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_WAIT), ATTR_SCAN_ERROR);
    ck_assert_msg(unit_now_ms() - start >= 150, "no wait");
    ck_assert_str_eq(vstring_str(req->why), "timeout while reading a request");
    (void) close(fds[1]);
    (void) vstream_fclose(vp);
    attr_request_free(req);
}

END_TEST

/* test_read_error - a descriptor that cannot be read */

START_TEST(test_read_error)
{
    ATTR_REQUEST *req = attr_request_create((ATTR_LIMITS *) 0);
    VSTREAM *vp;
    int     fd;

    if ((fd = open(".", O_RDONLY)) < 0)
	ck_abort_msg("open .: %s", strerror(errno));
    vp = vstream_fdopen(fd, "directory");
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_WAIT), ATTR_SCAN_ERROR);
    ck_assert_str_eq(vstring_str(req->why),
		     "read error while reading a request");
    (void) vstream_fclose(vp);
    attr_request_free(req);
}

END_TEST

/* scan_memory - read the first request of a text */

static int scan_memory(ATTR_REQUEST *req, VSTRING *text)
{
    VSTREAM *vp = vstream_memopen(text, O_RDONLY);
    int     status = attr_scan(req, vp, VSTREAM_WAIT);

    (void) vstream_fclose(vp);
    return (status);
}

/* test_default_line_limit - ATTR_DEF_LINE_LIMIT */

START_TEST(test_default_line_limit)
{
    ATTR_REQUEST *req = attr_request_create((ATTR_LIMITS *) 0);
    VSTRING *text = vstring_alloc(10000);
    const char *why;

    /* Exactly at the limit. */
    vstring_strcpy(text, "a=");
    while (VSTRING_LEN(text) < ATTR_DEF_LINE_LIMIT)
	VSTRING_ADDCH(text, 'x');
    vstring_strcat(text, "\n\n");
    ck_assert_int_eq(scan_memory(req, text), ATTR_SCAN_DONE);
    ck_assert_uint_eq(strlen(attr_find(req, "a")), ATTR_DEF_LINE_LIMIT - 2);

    /* One over. */
    vstring_strcpy(text, "a=");
    while (VSTRING_LEN(text) < ATTR_DEF_LINE_LIMIT + 1)
	VSTRING_ADDCH(text, 'x');
    vstring_strcat(text, "\n\n");
    ck_assert_int_eq(scan_memory(req, text), ATTR_SCAN_ERROR);
    why = vstring_str(req->why);
    ck_assert_msg(strstr(why, "request line longer than the limit: "
			 "\"a=xxx") != 0, "why \"%s\"", why);
    /* The offending data is shown truncated. */
    ck_assert_msg(strstr(why, "xxx...\"") != 0, "why \"%s\"", why);
    ck_assert_uint_lt(strlen(why), 200);
    vstring_free(text);
    attr_request_free(req);
}

END_TEST

/* test_default_count_limit - ATTR_DEF_COUNT_LIMIT */

START_TEST(test_default_count_limit)
{
    ATTR_REQUEST *req = attr_request_create((ATTR_LIMITS *) 0);
    VSTRING *text = vstring_alloc(1000);
    int     i;

    for (i = 0; i < ATTR_DEF_COUNT_LIMIT; i++)
	vstring_sprintf_append(text, "name%d=value%d\n", i, i);
    vstring_strcat(text, "\n");
    ck_assert_int_eq(scan_memory(req, text), ATTR_SCAN_DONE);
    ck_assert_int_eq(req->count, ATTR_DEF_COUNT_LIMIT);
    ck_assert_str_eq(attr_find(req, "name0"), "value0");
    ck_assert_str_eq(attr_find(req, "name99"), "value99");

    /* The issue: a request with too many attributes. */
    vstring_truncate(text, VSTRING_LEN(text) - 1);
    vstring_strcat(text, "one_more=x\n\n");
    ck_assert_int_eq(scan_memory(req, text), ATTR_SCAN_ERROR);
    ck_assert_msg(strstr(vstring_str(req->why), "too many attributes in "
			 "request, limit reached at: \"one_more=x\"") != 0,
		  "why \"%s\"", vstring_str(req->why));
    vstring_free(text);
    attr_request_free(req);
}

END_TEST

/* test_default_size_limit - ATTR_DEF_SIZE_LIMIT */

START_TEST(test_default_size_limit)
{
    ATTR_REQUEST *req = attr_request_create((ATTR_LIMITS *) 0);
    VSTRING *text = vstring_alloc(70000);
    VSTRING *line = vstring_alloc(4000);
    int     i;

    while (VSTRING_LEN(line) < 3995)
	VSTRING_ADDCH(line, 'v');
    VSTRING_TERMINATE(line);
    for (i = 0; i < 16; i++)			/* 16 lines of 4000 bytes */
	vstring_sprintf_append(text, "n%02d=%s\n", i, vstring_str(line));
    vstring_strcat(text, "\n");
    ck_assert_uint_eq(VSTRING_LEN(text), 16 * 4000 + 1);
    ck_assert_uint_le(VSTRING_LEN(text), ATTR_DEF_SIZE_LIMIT);
    ck_assert_int_eq(scan_memory(req, text), ATTR_SCAN_DONE);
    ck_assert_int_eq(req->count, 16);

    vstring_truncate(text, VSTRING_LEN(text) - 1);
    vstring_sprintf_append(text, "n16=%s\n\n", vstring_str(line));
    ck_assert_uint_gt(VSTRING_LEN(text), ATTR_DEF_SIZE_LIMIT);
    ck_assert_int_eq(scan_memory(req, text), ATTR_SCAN_ERROR);
    ck_assert_msg(strstr(vstring_str(req->why),
			 "request larger than the size limit") != 0,
		  "why \"%s\"", vstring_str(req->why));
    vstring_free(line);
    vstring_free(text);
    attr_request_free(req);
}

END_TEST

/* test_many_attributes - more attributes than preallocated slots */

START_TEST(test_many_attributes)
{
    ATTR_LIMITS limits = {100, 1000, 100000};
    ATTR_REQUEST *req = attr_request_create(&limits);
    VSTRING *text = vstring_alloc(1000);
    VSTRING *name = vstring_alloc(10);
    VSTRING *value = vstring_alloc(10);
    VSTREAM *vp;
    int     i;

    for (i = 0; i < 300; i++)
	vstring_sprintf_append(text, "n%d=v%d\n", i, i);
    vstring_strcat(text, "\nshort=1\n\n");
    vp = vstream_memopen(text, O_RDONLY);
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_WAIT), ATTR_SCAN_DONE);
    ck_assert_int_eq(req->count, 300);
    for (i = 0; i < 300; i += 37) {
	vstring_sprintf(name, "n%d", i);
	vstring_sprintf(value, "v%d", i);
	ck_assert_str_eq(attr_find(req, vstring_str(name)), vstring_str(value));
    }
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_WAIT), ATTR_SCAN_DONE);
    ck_assert_int_eq(req->count, 1);
    ck_assert_ptr_null(attr_find(req, "n0"));
    ck_assert_str_eq(attr_find(req, "short"), "1");
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_WAIT), ATTR_SCAN_EOF);
    (void) vstream_fclose(vp);
    vstring_free(text);
    vstring_free(name);
    vstring_free(value);
    attr_request_free(req);
}

END_TEST

/* test_duplicate_among_many - every duplicate is found, no other */

START_TEST(test_duplicate_among_many)
{
    ATTR_LIMITS limits = {1000, 1000, 100000};
    ATTR_REQUEST *req = attr_request_create(&limits);
    VSTRING *text = vstring_alloc(1000);
    VSTREAM *vp;
    int     i;

    /* Names of every length across the 8-byte steps of the hash. */
    for (i = 0; i < 200; i++)
	vstring_sprintf_append(text, "%.*s%d=v\n", i % 20, "abcdefghijklmnopqrst", i);
    vstring_strcat(text, "\n");
    for (i = 0; i < 200; i++)
	vstring_sprintf_append(text, "%.*s%d=v\n", i % 20, "abcdefghijklmnopqrst", i);
    vstring_strcat(text, "abcdefghijklmnop136=again\n\n");
    vp = vstream_memopen(text, O_RDONLY);
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_WAIT), ATTR_SCAN_DONE);
    ck_assert_int_eq(req->count, 200);
    ck_assert_int_eq(req->flags, 0);
    /* The next request: the same names are new again, one comes twice. */
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_WAIT), ATTR_SCAN_DONE);
    ck_assert_int_eq(req->count, 200);
    ck_assert_int_eq(req->flags, ATTR_FLAG_DUPLICATE);
    ck_assert_str_eq(vstring_str(req->why),
		     "attribute given twice: \"abcdefghijklmnop136=again\"");
    ck_assert_str_eq(attr_find(req, "abcdefghijklmnop136"), "v");
    (void) vstream_fclose(vp);
    vstring_free(text);
    attr_request_free(req);
}

END_TEST

/* test_reset - attr_request_reset() */

START_TEST(test_reset)
{
    ATTR_REQUEST *req = attr_request_create((ATTR_LIMITS *) 0);
    VSTRING *text = vstring_alloc(100);

    ck_assert_ptr_null(attr_find(req, "a"));
    ck_assert_int_eq(req->count, 0);
    vstring_strcpy(text, "a=1\njunk\n\n");
    ck_assert_int_eq(scan_memory(req, text), ATTR_SCAN_DONE);
    ck_assert_str_eq(attr_find(req, "a"), "1");
    ck_assert_int_eq(req->flags, ATTR_FLAG_GARBAGE);
    attr_request_reset(req);
    ck_assert_ptr_null(attr_find(req, "a"));
    ck_assert_int_eq(req->count, 0);
    ck_assert_int_eq(req->flags, 0);
    ck_assert_str_eq(vstring_str(req->why), "");
    vstring_free(text);
    attr_request_free(req);
}

END_TEST

 /*
  * attr_print_reply().
  */
static const struct {
    const char *action;
    const char *want;
} reply_cases[] = {
    {"DUNNO", "action=DUNNO\n\n"},
    {"DEFER_IF_PERMIT 4.7.1 Greylisted, please try again in 60 seconds",
    "action=DEFER_IF_PERMIT 4.7.1 Greylisted, please try again in 60 seconds\n\n"},
    {"PREPEND X-Greylist: delayed 61 seconds",
    "action=PREPEND X-Greylist: delayed 61 seconds\n\n"},
    {"x=y", "action=x=y\n\n"},
};

#define NREPLY	(sizeof(reply_cases) / sizeof(reply_cases[0]))

/* test_reply - exact reply text, memory stream */

START_TEST(test_reply)
{
    VSTRING *out = vstring_alloc(10);
    VSTREAM *vp = vstream_memopen(out, O_WRONLY);

    attr_print_reply(vp, reply_cases[_i].action);
    ck_assert_uint_eq(VSTRING_LEN(out), 0);	/* not before the flush */
    ck_assert_int_eq(vstream_fflush(vp), 0);
    ck_assert_str_eq(vstring_str(out), reply_cases[_i].want);
    ck_assert_uint_eq(VSTRING_LEN(out), strlen(reply_cases[_i].want));
    ck_assert_int_eq(vstream_fclose(vp), 0);
    vstring_free(out);
}

END_TEST

/* test_reply_socket - request and reply over a socket pair */

START_TEST(test_reply_socket)
{
    ATTR_REQUEST *req = attr_request_create((ATTR_LIMITS *) 0);
    VSTREAM *vp;
    int     fds[2];
    char    buf[100];
    ssize_t n;
    int     round;

    unit_socketpair(fds, 0);
    vp = vstream_fdopen(fds[0], "socket");
    vstream_set_timeout(vp, 2000);
    for (round = 0; round < 2; round++) {
	write_str(fds[1], POLICY_REQUEST);
	ck_assert_int_eq(attr_scan(req, vp, VSTREAM_WAIT), ATTR_SCAN_DONE);
	attr_print_reply(vp, round ? "DEFER_IF_PERMIT try later" : "DUNNO");
	ck_assert_int_eq(vstream_fflush(vp), 0);
	n = read(fds[1], buf, sizeof(buf) - 1);
	ck_assert_int_ge(n, 0);
	buf[n] = 0;
	ck_assert_str_eq(buf, round ? "action=DEFER_IF_PERMIT try later\n\n"
			 : "action=DUNNO\n\n");
    }
    (void) close(fds[1]);
    ck_assert_int_eq(attr_scan(req, vp, VSTREAM_WAIT), ATTR_SCAN_EOF);
    (void) vstream_fclose(vp);
    attr_request_free(req);
}

END_TEST

 /*
  * Panics: interface violations.
  */
static const struct {
    const char *label;
    const char *action;			/* reply cases */
    ATTR_LIMITS limits;			/* otherwise */
    const char *want;
} panic_cases[] = {
    {"empty action", "", {0, 0, 0}, "attr_print_reply: empty action"},
    {"null action", 0, {0, 0, 0}, "attr_print_reply: empty action"},
    {"newline in action", "DUNNO\naction=OK", {0, 0, 0},
    "attr_print_reply: newline in action"},
    {"newline at end", "DUNNO\n", {0, 0, 0}, "attr_print_reply: newline in action"},
    {"zero line limit", "", {0, 1, 1}, "attr_request_create: bad limits"},
    {"zero count limit", "", {1, 0, 1}, "attr_request_create: bad limits"},
    {"zero size limit", "", {1, 1, 0}, "attr_request_create: bad limits"},
    {"negative limit", "", {100, -1, 100}, "attr_request_create: bad limits"},
};

#define NPANIC	(sizeof(panic_cases) / sizeof(panic_cases[0]))

/* test_panic - each case aborts with its message */

START_TEST(test_panic)
{
    VSTRING *out = vstring_alloc(10);
    VSTREAM *vp = vstream_memopen(out, O_WRONLY);
    const ATTR_LIMITS *limits = &panic_cases[_i].limits;

    unit_expect_msg(panic_cases[_i].want);
    if (limits->line_limit || limits->count_limit || limits->size_limit)
	(void) attr_request_create(limits);
    else
	attr_print_reply(vp, panic_cases[_i].action);
    ck_abort_msg("%s: no panic", panic_cases[_i].label);
}

END_TEST

/* attr_suite - build the suite */

static Suite *attr_suite(void)
{
    Suite  *s = suite_create("attr");
    TCase  *tc;

    tc = tcase_create("scan");
    tcase_set_timeout(tc, 10);
    tcase_add_loop_test(tc, test_scan, 0, NSCAN * NMODE);
    tcase_add_test(tc, test_pieces);
    tcase_add_test(tc, test_wait);
    tcase_add_test(tc, test_read_error);
    tcase_add_test(tc, test_reset);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_test(tc, test_default_line_limit);
    tcase_add_test(tc, test_default_count_limit);
    tcase_add_test(tc, test_default_size_limit);
    tcase_add_test(tc, test_many_attributes);
    tcase_add_test(tc, test_duplicate_among_many);
    suite_add_tcase(s, tc);

    tc = tcase_create("reply");
    tcase_add_loop_test(tc, test_reply, 0, NREPLY);
    tcase_add_test(tc, test_reply_socket);
    unit_add_panic_loop_test(tc, test_panic, 0, NPANIC);
    suite_add_tcase(s, tc);
    return (s);
}

/* main - run the suite */

int     main(void)
{
    return (test_run_suite(attr_suite()));
}
