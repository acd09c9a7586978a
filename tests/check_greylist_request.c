/*++
/* NAME
/*	check_greylist_request 1
/* SUMMARY
/*	greylist_request(3) unit tests
/* SYNOPSIS
/*	./check_greylist_request
/* DESCRIPTION
/*	Policy requests are read from text with attr_scan(3) on a memory
/*	stream, then validated: the accepted request and its fields,
/*	each reason for GREYLIST_REQ_BAD (the reader's anomalies, the
/*	request type, the client address, the recipient, the sender and
/*	recipient contents, policy_test_time) with the text of the
/*	reason, GREYLIST_REQ_SKIP for other protocol states, and
/*	policy_test_time with and without the test clock.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <string.h>

/* Utility library. */

#include <msg.h>
#include <vstring.h>
#include <vstream.h>
#include <inet_prefix.h>

/* Global library. */

#include <attr.h>

/* Application-specific. */

#include <greylist_request.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

#define REQ	"request=smtpd_access_policy\n"
#define STATE	"protocol_state=RCPT\n"
#define CLIENT	"client_address=192.0.2.1\n"
#define SENDER	"sender=a@example.org\n"
#define RCPT	"recipient=b@example.com\n"
#define END	"\n"

/* result_name - printable parse result */

static const char *result_name(int status)
{
    switch (status) {
    case GREYLIST_REQ_OK:
	return ("OK");
    case GREYLIST_REQ_SKIP:
	return ("SKIP");
    case GREYLIST_REQ_BAD:
	return ("BAD");
    default:
	return ("?");
    }
}

 /*
  * One parse: the reader, its input, the result.
  */
typedef struct PARSE {
    ATTR_REQUEST *attrs;
    GREYLIST_REQUEST req;
    VSTRING *why;
    int     status;
} PARSE;

/* parse_text - read one request from text (len < 0: strlen), validate */

static void parse_text(PARSE *pp, const char *text, ssize_t len, int test_clock)
{
    VSTRING *buf = vstring_alloc(100);
    VSTREAM *stream;
    int     scan;

    vstring_memcpy(buf, text, len < 0 ? (ssize_t) strlen(text) : len);
    stream = vstream_memopen(buf, O_RDONLY);
    pp->attrs = attr_request_create((ATTR_LIMITS *) 0);
    pp->why = vstring_alloc(100);
    scan = attr_scan(pp->attrs, stream, VSTREAM_WAIT);
    ck_assert_msg(scan == ATTR_SCAN_DONE, "attr_scan: got %d (%s), want DONE",
		  scan, vstring_str(pp->attrs->why));
    pp->status = greylist_request_parse(pp->attrs, test_clock, &pp->req, pp->why);
    (void) vstream_fclose(stream);
    vstring_free(buf);
}

/* parse_free - release */

static void parse_free(PARSE *pp)
{
    attr_request_free(pp->attrs);
    vstring_free(pp->why);
}

 /*
  * Requests that are refused, or skipped, and why.
  */
typedef struct BAD_CASE {
    const char *label;
    const char *text;
    int     want_status;
    const char *want_why;		/* substring */
    const char *want_why2;		/* another, or null */
} BAD_CASE;

#define LONG_100	"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
#define LONG_1000	LONG_100 LONG_100 LONG_100 LONG_100 LONG_100 \
			LONG_100 LONG_100 LONG_100 LONG_100 LONG_100

static const BAD_CASE bad_cases[] = {

    /*
     * The request type.
     */
    {"other request type", "request=junk\n" CLIENT SENDER RCPT END,
    GREYLIST_REQ_BAD, "unsupported request type: \"junk\"", 0},
    {"empty request type", "request=\n" CLIENT SENDER RCPT END,
    GREYLIST_REQ_BAD, "unsupported request type: \"\"", 0},
    {"request type with control characters",
	"request=smtpd_access_policy\x01\n" CLIENT SENDER RCPT END,
    GREYLIST_REQ_BAD, "unsupported request type", 0},
    {"no request attribute", STATE CLIENT SENDER RCPT END,
    GREYLIST_REQ_BAD, "missing \"request\" attribute", 0},

    /*
     * Not greylisted: only RCPT (or no state at all).
     */
    {"protocol_state DATA", REQ "protocol_state=DATA\n" CLIENT SENDER RCPT END,
    GREYLIST_REQ_SKIP, "protocol state DATA is not RCPT", 0},
    {"protocol_state END-OF-MESSAGE",
	REQ "protocol_state=END-OF-MESSAGE\n" CLIENT SENDER RCPT END,
    GREYLIST_REQ_SKIP, "is not RCPT", 0},
    {"protocol_state DATA with a bad client",
	REQ "protocol_state=DATA\nclient_address=unknown\n" SENDER RCPT END,
    GREYLIST_REQ_SKIP, "protocol state DATA is not RCPT", 0},

    /*
     * The client address.
     */
    {"no client_address", REQ STATE SENDER RCPT END,
    GREYLIST_REQ_BAD, "missing or empty client_address", 0},
    {"empty client_address", REQ STATE "client_address=\n" SENDER RCPT END,
    GREYLIST_REQ_BAD, "missing or empty client_address", 0},
    {"client_address unknown", REQ STATE "client_address=unknown\n" SENDER RCPT END,
    GREYLIST_REQ_BAD, "client_address is not an IP address: \"unknown\"", 0},
    {"client_address 999.1.1.1", REQ STATE "client_address=999.1.1.1\n" SENDER RCPT END,
    GREYLIST_REQ_BAD, "client_address is not an IP address: \"999.1.1.1\"", 0},
    {"client_address with a zone", REQ STATE "client_address=fe80::1%eth0\n"
	SENDER RCPT END,
    GREYLIST_REQ_BAD, "client_address is not an IP address: \"fe80::1%eth0\"", 0},
    {"client_address with a blank", REQ STATE "client_address=192.0.2.1 \n"
	SENDER RCPT END,
    GREYLIST_REQ_BAD, "client_address is not an IP address", 0},
    {"client_address hostile", REQ STATE "client_address=\x1b[2J\n" SENDER RCPT END,
    GREYLIST_REQ_BAD, "client_address is not an IP address: \"", 0},

    /*
     * The recipient.
     */
    {"no recipient", REQ STATE CLIENT SENDER END,
    GREYLIST_REQ_BAD, "missing or empty recipient", 0},
    {"empty recipient", REQ STATE CLIENT SENDER "recipient=\n" END,
    GREYLIST_REQ_BAD, "missing or empty recipient", 0},
    {"recipient with a control character",
	REQ STATE CLIENT SENDER "recipient=b\x01@example.com\n" END,
    GREYLIST_REQ_BAD, "control character in", "(recipient)"},
    {"recipient with a tab", REQ STATE CLIENT SENDER "recipient=b\t@example.com\n" END,
    GREYLIST_REQ_BAD, "control character in", "(recipient)"},
    {"recipient with DEL", REQ STATE CLIENT SENDER "recipient=b\x7f@example.com\n" END,
    GREYLIST_REQ_BAD, "control character in", "(recipient)"},
    {"recipient invalid UTF-8", REQ STATE CLIENT SENDER "recipient=b\xff@example.com\n"
	END, GREYLIST_REQ_BAD, "invalid UTF-8 in", "(recipient)"},
    {"recipient truncated UTF-8", REQ STATE CLIENT SENDER "recipient=b\xc3\n" END,
    GREYLIST_REQ_BAD, "invalid UTF-8 in", "(recipient)"},
    {"recipient overlong UTF-8", REQ STATE CLIENT SENDER "recipient=\xc0\xafx@y\n" END,
    GREYLIST_REQ_BAD, "invalid UTF-8 in", "(recipient)"},
    {"recipient 1001 bytes", REQ STATE CLIENT SENDER "recipient=x" LONG_1000 "\n" END,
    GREYLIST_REQ_BAD, "too long", "(recipient)"},

    /*
     * The sender.
     */
    {"sender with a control character",
	REQ STATE CLIENT "sender=a\x01@example.org\n" RCPT END,
    GREYLIST_REQ_BAD, "control character in", "(sender)"},
    {"sender with a carriage return inside",
	REQ STATE CLIENT "sender=a\r@example.org\n" RCPT END,
    GREYLIST_REQ_BAD, "control character in", "(sender)"},
    {"sender invalid UTF-8", REQ STATE CLIENT "sender=\xfe\xff@example.org\n" RCPT END,
    GREYLIST_REQ_BAD, "invalid UTF-8 in", "(sender)"},
    {"sender 1001 bytes", REQ STATE CLIENT "sender=y" LONG_1000 "\n" RCPT END,
    GREYLIST_REQ_BAD, "too long", "(sender)"},

    /*
     * Anomalies that the reader found.
     */
    {"duplicate attribute", REQ STATE CLIENT SENDER RCPT "recipient=c@example.com\n"
	END, GREYLIST_REQ_BAD, "attribute given twice", 0},
    {"duplicate request attribute", REQ REQ STATE CLIENT SENDER RCPT END,
    GREYLIST_REQ_BAD, "attribute given twice", 0},
    {"line without =", REQ STATE "garbage\n" CLIENT SENDER RCPT END,
    GREYLIST_REQ_BAD, "line without \"=\": \"garbage\"", 0},
    {"empty attribute name", REQ STATE "=value\n" CLIENT SENDER RCPT END,
    GREYLIST_REQ_BAD, "empty attribute name", 0},
};

#define NBAD	(sizeof(bad_cases) / sizeof(bad_cases[0]))

/* test_bad - table */

START_TEST(test_bad)
{
    const BAD_CASE *bc = bad_cases + _i;
    PARSE   got;

    parse_text(&got, bc->text, -1, 0);
    ck_assert_msg(got.status == bc->want_status, "%s: got %s (%s), want %s",
		  bc->label, result_name(got.status), vstring_str(got.why),
		  result_name(bc->want_status));
    ck_assert_msg(strstr(vstring_str(got.why), bc->want_why) != 0,
		  "%s: got why \"%s\", want \"%s\"", bc->label,
		  vstring_str(got.why), bc->want_why);
    if (bc->want_why2)
	ck_assert_msg(strstr(vstring_str(got.why), bc->want_why2) != 0,
		      "%s: got why \"%s\", want \"%s\"", bc->label,
		      vstring_str(got.why), bc->want_why2);

    /*
     * Whatever the request held, the reason is printable and bounded.
     */
    ck_assert_msg(strpbrk(vstring_str(got.why), "\x01\x1b\x7f\r\n\t") == 0,
		  "%s: unprintable reason", bc->label);
    ck_assert_msg(VSTRING_LEN(got.why) < 400, "%s: reason of %ld bytes",
		  bc->label, (long) VSTRING_LEN(got.why));
    parse_free(&got);
}

END_TEST

/* test_nul_byte - the reader skips the line and flags it */

START_TEST(test_nul_byte)
{
    static const char text[] = REQ STATE CLIENT "sender=a\0b@example.org\n" RCPT END;
    PARSE   got;

    parse_text(&got, text, sizeof(text) - 1, 0);
    ck_assert_msg(got.status == GREYLIST_REQ_BAD, "got %s, want BAD",
		  result_name(got.status));
    ck_assert_msg(strstr(vstring_str(got.why), "NUL byte in request line") != 0,
		  "got why \"%s\"", vstring_str(got.why));
    parse_free(&got);
}

END_TEST

 /*
  * Requests that are accepted.
  */
typedef struct OK_CASE {
    const char *label;
    const char *text;
    int     test_clock;
    int     want_family;
    const char *want_client;		/* canonical form */
    const char *want_client_text;	/* as sent */
    const char *want_sender;
    const char *want_recipient;
    const char *want_state;
    long    want_test_time;
} OK_CASE;

static const OK_CASE ok_cases[] = {
    {"plain", REQ STATE CLIENT SENDER RCPT END, 0,
	AF_INET, "192.0.2.1", "192.0.2.1", "a@example.org", "b@example.com",
    "RCPT", 0},
    {"more attributes in any order", "instance=123.456\nrecipient=b@example.com\n"
	"client_name=mail.example.org\nsender=a@example.org\n"
	"client_address=192.0.2.1\nprotocol_state=RCPT\n"
	"request=smtpd_access_policy\nhelo_name=x\n" END, 0,
	AF_INET, "192.0.2.1", "192.0.2.1", "a@example.org", "b@example.com",
    "RCPT", 0},
    {"no protocol_state", REQ CLIENT SENDER RCPT END, 0,
	AF_INET, "192.0.2.1", "192.0.2.1", "a@example.org", "b@example.com",
    "", 0},
    {"lower-case rcpt state", REQ "protocol_state=rcpt\n" CLIENT SENDER RCPT END, 0,
	AF_INET, "192.0.2.1", "192.0.2.1", "a@example.org", "b@example.com",
    "rcpt", 0},
    {"carriage returns", "request=smtpd_access_policy\r\nprotocol_state=RCPT\r\n"
	"client_address=192.0.2.1\r\nsender=a@example.org\r\n"
	"recipient=b@example.com\r\n\r\n", 0,
	AF_INET, "192.0.2.1", "192.0.2.1", "a@example.org", "b@example.com",
    "RCPT", 0},
    {"IPv6 client", REQ STATE "client_address=2001:DB8::1\n" SENDER RCPT END, 0,
	AF_INET6, "2001:db8::1", "2001:DB8::1", "a@example.org", "b@example.com",
    "RCPT", 0},
    {"IPv4-mapped IPv6 client", REQ STATE "client_address=::ffff:1.2.3.4\n"
	SENDER RCPT END, 0,
	AF_INET, "1.2.3.4", "::ffff:1.2.3.4", "a@example.org", "b@example.com",
    "RCPT", 0},
    {"null sender", REQ STATE CLIENT "sender=\n" RCPT END, 0,
	AF_INET, "192.0.2.1", "192.0.2.1", "", "b@example.com", "RCPT", 0},
    {"missing sender is the null sender", REQ STATE CLIENT RCPT END, 0,
	AF_INET, "192.0.2.1", "192.0.2.1", "", "b@example.com", "RCPT", 0},
    {"UTF-8 addresses", REQ STATE CLIENT "sender=j\xc3\xb6rg@example.org\n"
	"recipient=\xe2\x82\xac@example.com\n" END, 0,
	AF_INET, "192.0.2.1", "192.0.2.1", "j\xc3\xb6rg@example.org",
    "\xe2\x82\xac@example.com", "RCPT", 0},
    {"sender and recipient of 1000 bytes", REQ STATE CLIENT "sender=" LONG_1000 "\n"
	"recipient=" LONG_1000 "\n" END, 0,
	AF_INET, "192.0.2.1", "192.0.2.1", LONG_1000, LONG_1000, "RCPT", 0},
    {"value with = inside", REQ STATE CLIENT "sender=a=b@example.org\n" RCPT END, 0,
	AF_INET, "192.0.2.1", "192.0.2.1", "a=b@example.org", "b@example.com",
    "RCPT", 0},

    /*
     * policy_test_time: only with the test clock.
     */
    {"test time with the test clock", REQ STATE CLIENT SENDER RCPT
	"policy_test_time=1700000000\n" END, 1,
	AF_INET, "192.0.2.1", "192.0.2.1", "a@example.org", "b@example.com",
    "RCPT", 1700000000},
    {"test time without the test clock", REQ STATE CLIENT SENDER RCPT
	"policy_test_time=1700000000\n" END, 0,
	AF_INET, "192.0.2.1", "192.0.2.1", "a@example.org", "b@example.com",
    "RCPT", 0},
    {"bad test time without the test clock", REQ STATE CLIENT SENDER RCPT
	"policy_test_time=12x\n" END, 0,
	AF_INET, "192.0.2.1", "192.0.2.1", "a@example.org", "b@example.com",
    "RCPT", 0},
    {"no test time with the test clock", REQ STATE CLIENT SENDER RCPT END, 1,
	AF_INET, "192.0.2.1", "192.0.2.1", "a@example.org", "b@example.com",
    "RCPT", 0},
    {"test time 1", REQ STATE CLIENT SENDER RCPT "policy_test_time=1\n" END, 1,
	AF_INET, "192.0.2.1", "192.0.2.1", "a@example.org", "b@example.com",
    "RCPT", 1},
};

#define NOK	(sizeof(ok_cases) / sizeof(ok_cases[0]))

/* test_ok - table */

START_TEST(test_ok)
{
    const OK_CASE *oc = ok_cases + _i;
    VSTRING *buf = vstring_alloc(100);
    PARSE   got;

    parse_text(&got, oc->text, -1, oc->test_clock);
    ck_assert_msg(got.status == GREYLIST_REQ_OK, "%s: got %s (%s), want OK",
		  oc->label, result_name(got.status), vstring_str(got.why));
    ck_assert_msg(VSTRING_LEN(got.why) == 0, "%s: why: got \"%s\", want \"\"",
		  oc->label, vstring_str(got.why));
    ck_assert_msg(got.req.client.family == oc->want_family,
		  "%s: family: got %d, want %d", oc->label,
		  got.req.client.family, oc->want_family);
    ck_assert_msg(strcmp(inet_addr_format(&got.req.client, buf),
			 oc->want_client) == 0,
		  "%s: client: got \"%s\", want \"%s\"", oc->label,
		  vstring_str(buf), oc->want_client);
    ck_assert_msg(strcmp(got.req.client_text, oc->want_client_text) == 0,
		  "%s: client_text: got \"%s\", want \"%s\"", oc->label,
		  got.req.client_text, oc->want_client_text);
    ck_assert_msg(strcmp(got.req.sender, oc->want_sender) == 0,
		  "%s: sender: got \"%s\", want \"%s\"", oc->label,
		  got.req.sender, oc->want_sender);
    ck_assert_msg(strcmp(got.req.recipient, oc->want_recipient) == 0,
		  "%s: recipient: got \"%s\", want \"%s\"", oc->label,
		  got.req.recipient, oc->want_recipient);
    ck_assert_msg(strcmp(got.req.state, oc->want_state) == 0,
		  "%s: state: got \"%s\", want \"%s\"", oc->label,
		  got.req.state, oc->want_state);
    ck_assert_msg((long) got.req.test_time == oc->want_test_time,
		  "%s: test_time: got %ld, want %ld", oc->label,
		  (long) got.req.test_time, oc->want_test_time);
    vstring_free(buf);
    parse_free(&got);
}

END_TEST

 /*
  * policy_test_time values that the test clock refuses.
  */
static const char *bad_times[] = {
    "12x", "", "0", "-5", "+5", " 5", "5 ", "1.5", "0x10",
    "99999999999999999999999", "00000000000000000000000000000000000000000",
};

#define NBAD_TIME	(sizeof(bad_times) / sizeof(bad_times[0]))

/* test_bad_test_time - table */

START_TEST(test_bad_test_time)
{
    VSTRING *text = vstring_alloc(200);
    VSTRING *want = vstring_alloc(100);
    PARSE   got;

    vstring_sprintf(text, REQ STATE CLIENT SENDER RCPT "policy_test_time=%s\n" END,
		    bad_times[_i]);
    vstring_sprintf(want, "bad policy_test_time: \"%s\"", bad_times[_i]);
    parse_text(&got, vstring_str(text), -1, 1);
    ck_assert_msg(got.status == GREYLIST_REQ_BAD, "\"%s\": got %s, want BAD",
		  bad_times[_i], result_name(got.status));
    ck_assert_msg(strcmp(vstring_str(got.why), vstring_str(want)) == 0,
		  "\"%s\": got why \"%s\", want \"%s\"", bad_times[_i],
		  vstring_str(got.why), vstring_str(want));
    vstring_free(text);
    vstring_free(want);
    parse_free(&got);
}

END_TEST

/* test_reuse - one reader and one result for many requests */

START_TEST(test_reuse)
{
    static const char text[] =
	REQ STATE "client_address=unknown\n" SENDER RCPT END
	REQ STATE CLIENT SENDER RCPT END
	REQ "protocol_state=DATA\n" CLIENT SENDER RCPT END
	REQ STATE "client_address=2001:db8::7\n" "sender=\n" RCPT END;
    static const int want[] = {
	GREYLIST_REQ_BAD, GREYLIST_REQ_OK, GREYLIST_REQ_SKIP, GREYLIST_REQ_OK,
    };
    VSTRING *buf = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    VSTREAM *stream;
    ATTR_REQUEST *attrs = attr_request_create((ATTR_LIMITS *) 0);
    GREYLIST_REQUEST req;
    int     status;
    size_t  i;

    vstring_strcpy(buf, text);
    stream = vstream_memopen(buf, O_RDONLY);
    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
	ck_assert_int_eq(attr_scan(attrs, stream, VSTREAM_WAIT), ATTR_SCAN_DONE);
	status = greylist_request_parse(attrs, 0, &req, why);
	ck_assert_msg(status == want[i], "request %ld: got %s (%s), want %s",
		      (long) i + 1, result_name(status), vstring_str(why),
		      result_name(want[i]));
	if (status == GREYLIST_REQ_OK)
	    ck_assert_msg(VSTRING_LEN(why) == 0,
			  "request %ld: stale reason \"%s\"", (long) i + 1,
			  vstring_str(why));
    }
    ck_assert_str_eq(req.sender, "");
    ck_assert_str_eq(inet_addr_format(&req.client, buf), "2001:db8::7");
    ck_assert_int_eq(attr_scan(attrs, stream, VSTREAM_WAIT), ATTR_SCAN_EOF);
    (void) vstream_fclose(stream);
    attr_request_free(attrs);
    vstring_free(why);
    vstring_free(buf);
}

END_TEST

/* request_suite - build the suite */

static Suite *request_suite(void)
{
    Suite  *s = suite_create("greylist_request");
    TCase  *tc;

    tc = tcase_create("accept");
    tcase_add_loop_test(tc, test_ok, 0, NOK);
    tcase_add_test(tc, test_reuse);
    suite_add_tcase(s, tc);

    tc = tcase_create("refuse");
    tcase_add_loop_test(tc, test_bad, 0, NBAD);
    tcase_add_test(tc, test_nul_byte);
    tcase_add_loop_test(tc, test_bad_test_time, 0, NBAD_TIME);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(request_suite()));
}
