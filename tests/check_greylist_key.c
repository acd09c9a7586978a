/*++
/* NAME
/*	check_greylist_key 1
/* SUMMARY
/*	greylist_key(3) unit tests
/* SYNOPSIS
/*	./check_greylist_key
/* DESCRIPTION
/*	The key table: IPv4 and IPv6 clients at full length and as
/*	networks (the /24 and /64 boundaries), lowercasing of the whole
/*	key (ASCII only), the null sender, IPv4-mapped IPv6 addresses as
/*	IPv4, reuse of the buffers, and the panic on a bad prefix length.
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
#include <inet_prefix.h>

/* Application-specific. */

#include <greylist_key.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

 /*
  * The key table.
  */
typedef struct KEY_CASE {
    const char *client;
    int     ipv4_prefix;
    int     ipv6_prefix;
    const char *sender;
    const char *recipient;
    const char *want_network;
    const char *want_triplet;
    const char *want_client;
} KEY_CASE;

static const KEY_CASE key_cases[] = {
    {"192.0.2.1", 32, 64, "sender@example.org", "rcpt@example.com",
	"192.0.2.1", "T192.0.2.1/sender@example.org/rcpt@example.com",
    "C192.0.2.1"},
    {"192.0.2.1", 24, 64, "sender@example.org", "rcpt@example.com",
	"192.0.2.0/24", "T192.0.2.0/24/sender@example.org/rcpt@example.com",
    "C192.0.2.0/24"},
    {"192.0.2.255", 24, 64, "s@x", "r@y",
    "192.0.2.0/24", "T192.0.2.0/24/s@x/r@y", "C192.0.2.0/24"},
    {"192.0.3.0", 24, 64, "s@x", "r@y",
    "192.0.3.0/24", "T192.0.3.0/24/s@x/r@y", "C192.0.3.0/24"},
    {"203.0.113.200", 25, 64, "s@x", "r@y",
    "203.0.113.128/25", "T203.0.113.128/25/s@x/r@y", "C203.0.113.128/25"},
    {"255.1.2.3", 1, 64, "s@x", "r@y",
    "128.0.0.0/1", "T128.0.0.0/1/s@x/r@y", "C128.0.0.0/1"},
    {"192.0.2.1", 31, 64, "s@x", "r@y",
    "192.0.2.0/31", "T192.0.2.0/31/s@x/r@y", "C192.0.2.0/31"},

    /*
     * IPv6: senders rotate within a /64.
     */
    {"2001:db8:1:2:ffff::1", 32, 64, "s@x", "r@y",
    "2001:db8:1:2::/64", "T2001:db8:1:2::/64/s@x/r@y", "C2001:db8:1:2::/64"},
    {"2001:db8:1:2::5", 32, 64, "s@x", "r@y",
    "2001:db8:1:2::/64", "T2001:db8:1:2::/64/s@x/r@y", "C2001:db8:1:2::/64"},
    {"2001:db8:1:2:ffff:ffff:ffff:ffff", 32, 64, "s@x", "r@y",
    "2001:db8:1:2::/64", "T2001:db8:1:2::/64/s@x/r@y", "C2001:db8:1:2::/64"},
    {"2001:db8:1:3::1", 32, 64, "s@x", "r@y",
    "2001:db8:1:3::/64", "T2001:db8:1:3::/64/s@x/r@y", "C2001:db8:1:3::/64"},
    {"2001:db8:1:2:ffff::1", 32, 128, "s@x", "r@y",
	"2001:db8:1:2:ffff::1", "T2001:db8:1:2:ffff::1/s@x/r@y",
    "C2001:db8:1:2:ffff::1"},
    {"2001:db8:1:2:ffff::1", 32, 48, "s@x", "r@y",
    "2001:db8:1::/48", "T2001:db8:1::/48/s@x/r@y", "C2001:db8:1::/48"},
    {"2001:DB8::A", 32, 128, "s@x", "r@y",
    "2001:db8::a", "T2001:db8::a/s@x/r@y", "C2001:db8::a"},
    {"::1", 32, 64, "s@x", "r@y", "::/64", "T::/64/s@x/r@y", "C::/64"},

    /*
     * The whole key is lowercased, ASCII only.
     */
    {"192.0.2.1", 32, 64, "Sender@Example.COM", "RCPT@Example.Org",
	"192.0.2.1", "T192.0.2.1/sender@example.com/rcpt@example.org",
    "C192.0.2.1"},
    {"192.0.2.1", 32, 64, "J\xc3\x96RG@EXAMPLE.COM", "\xc3\x9c@X.Y",
	"192.0.2.1", "T192.0.2.1/j\xc3\x96rg@example.com/\xc3\x9c@x.y",
    "C192.0.2.1"},

    /*
     * The null sender.
     */
    {"1.2.3.4", 32, 64, "", "rcpt@example.com",
    "1.2.3.4", "T1.2.3.4//rcpt@example.com", "C1.2.3.4"},

    /*
     * IPv4-mapped IPv6 is IPv4: the IPv4 prefix applies.
     */
    {"::ffff:1.2.3.4", 32, 64, "s@x", "r@y",
    "1.2.3.4", "T1.2.3.4/s@x/r@y", "C1.2.3.4"},
    {"::ffff:1.2.3.4", 24, 128, "s@x", "r@y",
    "1.2.3.0/24", "T1.2.3.0/24/s@x/r@y", "C1.2.3.0/24"},

    /*
     * The prefix of the other family does not matter.
     */
    {"192.0.2.1", 32, 0, "s@x", "r@y", "192.0.2.1", "T192.0.2.1/s@x/r@y",
    "C192.0.2.1"},
    {"2001:db8::1", 0, 128, "s@x", "r@y", "2001:db8::1",
    "T2001:db8::1/s@x/r@y", "C2001:db8::1"},
};

#define NKEY	(sizeof(key_cases) / sizeof(key_cases[0]))

/* build_keys - parse the address, make the keys */

static void build_keys(GREYLIST_KEYS *keys, const KEY_CASE *kc)
{
    INET_ADDR addr;

    if (!inet_addr_parse(kc->client, &addr))
	ck_abort_msg("bad test address: %s", kc->client);
    greylist_keys_build(keys, &addr, kc->ipv4_prefix, kc->ipv6_prefix,
			kc->sender, kc->recipient);
}

/* check_key - compare one VSTRING, including its length */

static void check_key(const KEY_CASE *kc, const char *what, VSTRING *got,
			      const char *want)
{
    ck_assert_msg(strcmp(vstring_str(got), want) == 0
		  && (size_t) VSTRING_LEN(got) == strlen(want),
		  "%s/%d/%d: %s: got \"%s\" (%ld bytes), want \"%s\"",
		  kc->client, kc->ipv4_prefix, kc->ipv6_prefix, what,
		  vstring_str(got), (long) VSTRING_LEN(got), want);
}

/* test_keys - table */

START_TEST(test_keys)
{
    const KEY_CASE *kc = key_cases + _i;
    GREYLIST_KEYS *keys = greylist_keys_create();

    build_keys(keys, kc);
    check_key(kc, "network", keys->network, kc->want_network);
    check_key(kc, "triplet", keys->triplet, kc->want_triplet);
    check_key(kc, "client", keys->client, kc->want_client);
    greylist_keys_free(keys);
}

END_TEST

/* test_reuse - buffers are reused from one request to the next */

START_TEST(test_reuse)
{
    GREYLIST_KEYS *keys = greylist_keys_create();
    size_t  i;

    /*
     * Every case after every other: nothing of a longer key stays behind.
     */
    for (i = 0; i < NKEY; i++) {
	build_keys(keys, key_cases + i);
	build_keys(keys, key_cases + (NKEY - 1 - i));
	check_key(key_cases + (NKEY - 1 - i), "triplet", keys->triplet,
		  key_cases[NKEY - 1 - i].want_triplet);
	check_key(key_cases + (NKEY - 1 - i), "client", keys->client,
		  key_cases[NKEY - 1 - i].want_client);
    }
    greylist_keys_free(keys);
}

END_TEST

/* test_same_network - addresses of one /64 share their keys */

START_TEST(test_same_network)
{
    static const char *same[] = {
	"2001:db8:1:2:ffff::1", "2001:db8:1:2::5", "2001:db8:1:2::",
    };
    static const char *other[] = {
	"2001:db8:1:3::1", "2001:db8:1:1:ffff:ffff:ffff:ffff", "2001:db8::1:2:0:0",
    };
    GREYLIST_KEYS *keys = greylist_keys_create();
    VSTRING *first = vstring_alloc(100);
    INET_ADDR addr;
    size_t  i;

    ck_assert(inet_addr_parse(same[0], &addr));
    greylist_keys_build(keys, &addr, 32, 64, "a@b", "c@d");
    vstring_strcpy(first, vstring_str(keys->triplet));
    for (i = 1; i < sizeof(same) / sizeof(same[0]); i++) {
	ck_assert(inet_addr_parse(same[i], &addr));
	greylist_keys_build(keys, &addr, 32, 64, "a@b", "c@d");
	ck_assert_msg(strcmp(vstring_str(keys->triplet), vstring_str(first)) == 0,
		      "%s: got \"%s\", want the key of %s, \"%s\"", same[i],
		      vstring_str(keys->triplet), same[0], vstring_str(first));
    }
    for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
	ck_assert(inet_addr_parse(other[i], &addr));
	greylist_keys_build(keys, &addr, 32, 64, "a@b", "c@d");
	ck_assert_msg(strcmp(vstring_str(keys->triplet), vstring_str(first)) != 0,
		      "%s: got the key of %s, \"%s\"", other[i], same[0],
		      vstring_str(first));
    }
    vstring_free(first);
    greylist_keys_free(keys);
}

END_TEST

/* test_mapped_equals_ipv4 - ::ffff:a.b.c.d and a.b.c.d are one client */

START_TEST(test_mapped_equals_ipv4)
{
    GREYLIST_KEYS *keys = greylist_keys_create();
    VSTRING *v4 = vstring_alloc(100);
    INET_ADDR addr;

    ck_assert(inet_addr_parse("192.0.2.9", &addr));
    greylist_keys_build(keys, &addr, 32, 64, "a@b", "c@d");
    vstring_strcpy(v4, vstring_str(keys->triplet));
    ck_assert(inet_addr_parse("::ffff:192.0.2.9", &addr));
    greylist_keys_build(keys, &addr, 32, 64, "a@b", "c@d");
    ck_assert_str_eq(vstring_str(keys->triplet), vstring_str(v4));
    vstring_free(v4);
    greylist_keys_free(keys);
}

END_TEST

 /*
  * Interface violations: the configuration checks the ranges.
  */
static const struct {
    const char *client;
    int     ipv4_prefix;
    int     ipv6_prefix;
    const char *want;
} panic_cases[] = {
    {"192.0.2.1", 0, 64, "greylist_keys_build: bad prefix length 0"},
    {"192.0.2.1", 33, 64, "greylist_keys_build: bad prefix length 33"},
    {"192.0.2.1", -1, 64, "greylist_keys_build: bad prefix length -1"},
    {"192.0.2.1", 128, 64, "greylist_keys_build: bad prefix length 128"},
    {"2001:db8::1", 32, 0, "greylist_keys_build: bad prefix length 0"},
    {"2001:db8::1", 32, 129, "greylist_keys_build: bad prefix length 129"},
    {"2001:db8::1", 32, -64, "greylist_keys_build: bad prefix length -64"},
    {"::ffff:1.2.3.4", 64, 64, "greylist_keys_build: bad prefix length 64"},
};

#define NPANIC	(sizeof(panic_cases) / sizeof(panic_cases[0]))

/* test_bad_prefix - each case aborts with its message */

START_TEST(test_bad_prefix)
{
    GREYLIST_KEYS *keys = greylist_keys_create();
    INET_ADDR addr;

    ck_assert(inet_addr_parse(panic_cases[_i].client, &addr));
    unit_expect_msg(panic_cases[_i].want);
    greylist_keys_build(keys, &addr, panic_cases[_i].ipv4_prefix,
			panic_cases[_i].ipv6_prefix, "a@b", "c@d");
    ck_abort_msg("%s /%d /%d: no panic", panic_cases[_i].client,
		 panic_cases[_i].ipv4_prefix, panic_cases[_i].ipv6_prefix);
}

END_TEST

/* key_suite - build the suite */

static Suite *key_suite(void)
{
    Suite  *s = suite_create("greylist_key");
    TCase  *tc;

    tc = tcase_create("keys");
    tcase_add_loop_test(tc, test_keys, 0, NKEY);
    tcase_add_test(tc, test_reuse);
    tcase_add_test(tc, test_same_network);
    tcase_add_test(tc, test_mapped_equals_ipv4);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    unit_add_panic_loop_test(tc, test_bad_prefix, 0, NPANIC);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(key_suite()));
}
