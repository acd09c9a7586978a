/*++
/* NAME
/*	check_inet_prefix 1
/* SUMMARY
/*	inet_prefix(3) unit tests
/* SYNOPSIS
/*	./check_inet_prefix
/* DESCRIPTION
/*	Table-driven tests of address parsing (IPv4, IPv6, [] forms,
/*	IPv4-mapped IPv6 as IPv4, and the inputs that must be refused:
/*	"999.1.1.1", "1.2.3", "unknown", zone suffixes, unbalanced []),
/*	canonical formatting, masking, CIDR pattern parsing (non-zero host
/*	bits refused) and matching at the /24 and /64 boundaries, and the
/*	panics on bad prefix lengths and address families.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/socket.h>
#include <string.h>

/* Utility library. */

#include <msg.h>
#include <vstring.h>
#include <inet_prefix.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

/* family_name - printable family */

static const char *family_name(int family)
{
    return (family == AF_INET ? "inet" : family == AF_INET6 ? "inet6" : "?");
}

 /*
  * Address parsing. want_family 0: refused.
  */
static const struct {
    const char *input;
    int     want_family;
    const char *want;			/* canonical form */
} parse_cases[] = {
    {"1.2.3.4", AF_INET, "1.2.3.4"},
    {"[1.2.3.4]", AF_INET, "1.2.3.4"},
    {"0.0.0.0", AF_INET, "0.0.0.0"},
    {"255.255.255.255", AF_INET, "255.255.255.255"},
    {"::1", AF_INET6, "::1"},
    {"[::1]", AF_INET6, "::1"},
    {"::", AF_INET6, "::"},
    {"2001:DB8::1", AF_INET6, "2001:db8::1"},
    {"2001:0db8:0000:0000:0000:0000:0000:0001", AF_INET6, "2001:db8::1"},
    {"fe80::1", AF_INET6, "fe80::1"},
    {"::ffff:1.2.3.4", AF_INET, "1.2.3.4"},
    {"[::ffff:1.2.3.4]", AF_INET, "1.2.3.4"},
    {"::FFFF:102:304", AF_INET, "1.2.3.4"},
    {"::1.2.3.4", AF_INET6, "::1.2.3.4"},
    {"999.1.1.1", 0, 0},
    {"1.2.3", 0, 0},
    {"1.2.3.4.5", 0, 0},
    {"1.2.3.04", 0, 0},
    {"0x1.2.3.4", 0, 0},
    {" 1.2.3.4", 0, 0},
    {"1.2.3.4 ", 0, 0},
    {"unknown", 0, 0},
    {"fe80::1%eth0", 0, 0},
    {"[fe80::1%eth0]", 0, 0},
    {"", 0, 0},
    {"[]", 0, 0},
    {"[::1", 0, 0},
    {"::1]", 0, 0},
    {"[1.2.3.4", 0, 0},
    {"1:2:3:4:5:6:7:8:9", 0, 0},
    {"::ffff:1.2.3.4.5", 0, 0},
    {"0000:0000:0000:0000:0000:0000:0000:0000:0000", 0, 0},
};

#define NPARSE	(sizeof(parse_cases) / sizeof(parse_cases[0]))

/* test_parse - table */

START_TEST(test_parse)
{
    INET_ADDR addr;
    VSTRING *buf = vstring_alloc(10);
    int     ok;

    memset(&addr, 0x55, sizeof(addr));
    ok = inet_addr_parse(parse_cases[_i].input, &addr);
    if (parse_cases[_i].want_family == 0) {
	ck_assert_msg(ok == 0, "\"%s\": got %s address %s, want refusal",
		      parse_cases[_i].input, family_name(addr.family),
		      inet_addr_format(&addr, buf));
    } else {
	ck_assert_msg(ok == 1, "\"%s\": refused, want %s %s",
		      parse_cases[_i].input,
		      family_name(parse_cases[_i].want_family),
		      parse_cases[_i].want);
	ck_assert_msg(addr.family == parse_cases[_i].want_family,
		      "\"%s\": got family %s, want %s", parse_cases[_i].input,
		      family_name(addr.family),
		      family_name(parse_cases[_i].want_family));
	ck_assert_msg(strcmp(inet_addr_format(&addr, buf),
			     parse_cases[_i].want) == 0,
		      "\"%s\": got \"%s\", want \"%s\"", parse_cases[_i].input,
		      vstring_str(buf), parse_cases[_i].want);
	if (addr.family == AF_INET)
	    ck_assert_msg(memcmp(addr.bytes + 4, "\0\0\0\0\0\0\0\0\0\0\0\0",
				 12) == 0, "IPv4 address has stray bytes");
    }
    vstring_free(buf);
}
END_TEST

/* test_parse_too_long - longer than any address */

START_TEST(test_parse_too_long)
{
    INET_ADDR addr;
    char    big[200];

    memset(big, '1', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    ck_assert_int_eq(inet_addr_parse(big, &addr), 0);
}
END_TEST

 /*
  * Masking.
  */
static const struct {
    const char *input;
    int     bits;
    const char *want;
} mask_cases[] = {
    {"1.2.3.4", 24, "1.2.3.0"},
    {"1.2.3.4", 32, "1.2.3.4"},
    {"1.2.3.4", 0, "0.0.0.0"},
    {"255.255.255.255", 25, "255.255.255.128"},
    {"255.255.255.255", 1, "128.0.0.0"},
    {"255.255.255.255", 31, "255.255.255.254"},
    {"10.20.30.40", 8, "10.0.0.0"},
    {"2001:db8:1:2:3:4:5:6", 64, "2001:db8:1:2::"},
    {"2001:db8:1:2:3:4:5:6", 48, "2001:db8:1::"},
    {"2001:db8:1:2:3:4:5:6", 128, "2001:db8:1:2:3:4:5:6"},
    {"2001:db8:1:2:3:4:5:6", 0, "::"},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65, "ffff:ffff:ffff:ffff:8000::"},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 127,
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"},
};

#define NMASK	(sizeof(mask_cases) / sizeof(mask_cases[0]))

/* test_mask - table */

START_TEST(test_mask)
{
    INET_ADDR addr;
    VSTRING *buf = vstring_alloc(10);

    ck_assert(inet_addr_parse(mask_cases[_i].input, &addr));
    inet_addr_mask(&addr, mask_cases[_i].bits);
    ck_assert_msg(strcmp(inet_addr_format(&addr, buf), mask_cases[_i].want) == 0,
		  "%s/%d: got %s, want %s", mask_cases[_i].input,
		  mask_cases[_i].bits, vstring_str(buf), mask_cases[_i].want);
    vstring_free(buf);
}
END_TEST

 /*
  * CIDR patterns. want_err 0: accepted, with want_bits.
  */
static const struct {
    const char *pattern;
    const char *want_err;
    int     want_bits;
} cidr_parse_cases[] = {
    {"1.2.3.0/24", 0, 24},
    {"1.2.3.4", 0, 32},
    {"1.2.3.4/32", 0, 32},
    {"0.0.0.0/0", 0, 0},
    {"1.2.3.128/25", 0, 25},
    {"::1", 0, 128},
    {"::/0", 0, 0},
    {"2001:db8:1:2::/64", 0, 64},
    {"[2001:db8::]/32", 0, 32},
    {"::ffff:1.2.3.0/24", 0, 24},
    {"1.2.3.4/24", "non-zero host bits in network address", 0},
    {"1.2.3.128/24", "non-zero host bits in network address", 0},
    {"1.2.3.0/23", "non-zero host bits in network address", 0},
    {"2001:db8:1:2::1/64", "non-zero host bits in network address", 0},
    {"2001:db8:1:2:0:0:0:8000/112", "non-zero host bits in network address", 0},
    {"2001:db8:1:2:0:0:0:8000/113", 0, 113},
    {"1.2.3.0/33", "bad network prefix length", 0},
    {"::/129", "bad network prefix length", 0},
    {"::ffff:1.2.3.0/120", "bad network prefix length", 0},
    {"1.2.3.0/", "bad network prefix length", 0},
    {"1.2.3.0/-1", "bad network prefix length", 0},
    {"1.2.3.0/24x", "bad network prefix length", 0},
    {"1.2.3.0/ 24", "bad network prefix length", 0},
    {"1.2.3.0/99999999999999999999", "bad network prefix length", 0},
    {"1.2.3/24", "bad network address", 0},
    {"999.1.1.1/8", "bad network address", 0},
    {"unknown/8", "bad network address", 0},
    {"fe80::%eth0/64", "bad network address", 0},
    {"/24", "bad network address", 0},
    {"", "bad network address", 0},
    {"1111:2222:3333:4444:5555:6666:7777:8888/128/extra/padding/padding",
    "pattern too long", 0},
};

#define NCIDR_PARSE	(sizeof(cidr_parse_cases) / sizeof(cidr_parse_cases[0]))

/* test_cidr_parse - table */

START_TEST(test_cidr_parse)
{
    CIDR_MATCH cm;
    const char *err = cidr_match_parse(&cm, cidr_parse_cases[_i].pattern);

    if (cidr_parse_cases[_i].want_err) {
	ck_assert_msg(err != 0 && strcmp(err, cidr_parse_cases[_i].want_err) == 0,
		      "\"%s\": got \"%s\", want \"%s\"",
		      cidr_parse_cases[_i].pattern, err ? err : "(accepted)",
		      cidr_parse_cases[_i].want_err);
    } else {
	ck_assert_msg(err == 0, "\"%s\": got \"%s\", want success",
		      cidr_parse_cases[_i].pattern, err);
	ck_assert_msg(cm.mask_bits == cidr_parse_cases[_i].want_bits,
		      "\"%s\": got /%d, want /%d", cidr_parse_cases[_i].pattern,
		      cm.mask_bits, cidr_parse_cases[_i].want_bits);
    }
}
END_TEST

 /*
  * Matching.
  */
static const struct {
    const char *pattern;
    const char *addr;
    int     want;
} match_cases[] = {
    {"2001:db8:1:2::/64", "2001:db8:1:2::", 1},
    {"2001:db8:1:2::/64", "2001:db8:1:2:ffff:ffff:ffff:ffff", 1},
    {"2001:db8:1:2::/64", "2001:db8:1:3::", 0},
    {"2001:db8:1:2::/64", "2001:db8:1:1:ffff:ffff:ffff:ffff", 0},
    {"2001:db8::/32", "2001:db8:ffff::1", 1},
    {"2001:db8::/32", "2001:db9::", 0},
    {"1.2.3.0/24", "1.2.3.0", 1},
    {"1.2.3.0/24", "1.2.3.255", 1},
    {"1.2.3.0/24", "1.2.4.0", 0},
    {"1.2.3.0/24", "1.2.2.255", 0},
    {"1.2.3.0/24", "::ffff:1.2.3.77", 1},
    {"1.2.3.0/24", "::ffff:1.2.4.77", 0},
    {"1.2.3.0/24", "2001:db8::1", 0},
    {"1.2.3.128/25", "1.2.3.127", 0},
    {"1.2.3.128/25", "1.2.3.128", 1},
    {"10.0.0.0/8", "10.255.255.255", 1},
    {"10.0.0.0/8", "11.0.0.0", 0},
    {"0.0.0.0/0", "255.255.255.255", 1},
    {"::/0", "1.2.3.4", 0},
    {"::/0", "2001:db8::1", 1},
    {"1.2.3.4", "1.2.3.4", 1},
    {"1.2.3.4", "1.2.3.5", 0},
    {"::1", "::1", 1},
    {"::1", "::2", 0},
};

#define NMATCH	(sizeof(match_cases) / sizeof(match_cases[0]))

/* test_match - table */

START_TEST(test_match)
{
    CIDR_MATCH cm;
    INET_ADDR addr;
    const char *err;
    int     got;

    if ((err = cidr_match_parse(&cm, match_cases[_i].pattern)) != 0)
	ck_abort_msg("%s: %s", match_cases[_i].pattern, err);
    ck_assert(inet_addr_parse(match_cases[_i].addr, &addr));
    got = cidr_match(&cm, &addr);
    ck_assert_msg(got == match_cases[_i].want, "%s in %s: got %d, want %d",
		  match_cases[_i].addr, match_cases[_i].pattern, got,
		  match_cases[_i].want);
}
END_TEST

 /*
  * Interface violations.
  */
static const struct {
    const char *label;
    int     which;
    const char *want;
} panic_cases[] = {
    {"IPv4 prefix 33", 0, "inet_addr_mask: bad prefix length 33"},
    {"negative prefix", 1, "inet_addr_mask: bad prefix length -1"},
    {"IPv6 prefix 129", 2, "inet_addr_mask: bad prefix length 129"},
    {"bad family", 3, "inet_addr_format: bad address family"},
};

#define NPANIC	(sizeof(panic_cases) / sizeof(panic_cases[0]))

/* test_panic - each case aborts with its message */

START_TEST(test_panic)
{
    INET_ADDR v4;
    INET_ADDR v6;
    VSTRING *buf = vstring_alloc(10);

    unit_expect_msg(panic_cases[_i].want);
    (void) inet_addr_parse("1.2.3.4", &v4);
    (void) inet_addr_parse("::1", &v6);
    switch (panic_cases[_i].which) {
    case 0:
	inet_addr_mask(&v4, 33);
	break;
    case 1:
	inet_addr_mask(&v4, -1);
	break;
    case 2:
	inet_addr_mask(&v6, 129);
	break;
    case 3:
	v4.family = AF_UNIX;
	(void) inet_addr_format(&v4, buf);
	break;
    }
    ck_abort_msg("%s: no panic", panic_cases[_i].label);
}
END_TEST

/* inet_prefix_suite - build the suite */

static Suite *inet_prefix_suite(void)
{
    Suite  *s = suite_create("inet_prefix");
    TCase  *tc;

    tc = tcase_create("address");
    tcase_add_loop_test(tc, test_parse, 0, NPARSE);
    tcase_add_test(tc, test_parse_too_long);
    tcase_add_loop_test(tc, test_mask, 0, NMASK);
    suite_add_tcase(s, tc);

    tc = tcase_create("cidr");
    tcase_add_loop_test(tc, test_cidr_parse, 0, NCIDR_PARSE);
    tcase_add_loop_test(tc, test_match, 0, NMATCH);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    unit_add_panic_loop_test(tc, test_panic, 0, NPANIC);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(inet_prefix_suite()));
}
