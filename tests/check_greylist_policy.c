/*++
/* NAME
/*	check_greylist_policy 1
/* SUMMARY
/*	greylist_policy(3) unit tests
/* SYNOPSIS
/*	./check_greylist_policy
/* DESCRIPTION
/*	The whole greylisting decision table with a fake clock: first
/*	sighting, early retry (a retry at exactly the delay is still
/*	early), the pass, known triplets, the auto-whitelist threshold
/*	(strictly more passes; 0 turns it off and stops client updates),
/*	records past their limits that count as absent, the refresh
/*	granularity of time stamps, saturating counters, a clock that
/*	goes backwards; then whole conversations replayed against a
/*	simulated store, the expiry times, the action names and the
/*	panic on an unknown action.
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

#include <greylist_policy.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

 /*
  * The fake clock: every time is an offset from T0.
  */
#define T0		((time_t) 1700000000)
#define AT(x)		(T0 + (x))

#define DELAY		60
#define RETRY_WINDOW	3600
#define MAX_AGE		86400
#define AWL		3
#define REFRESH		600

#define PENDING		GREYLIST_STATE_PENDING
#define PASSED		GREYLIST_STATE_PASSED

/* test_policy - the limits of every case, with a threshold */

static GREYLIST_POLICY test_policy(int awl_threshold)
{
    GREYLIST_POLICY policy;

    policy.delay = DELAY;
    policy.retry_window = RETRY_WINDOW;
    policy.max_age = MAX_AGE;
    policy.awl_threshold = awl_threshold;
    policy.refresh = REFRESH;
    return (policy);
}

/* state_name - printable triplet state */

static const char *state_name(int state)
{
    return (state == PENDING ? "pending" : state == PASSED ? "passed" : "?");
}

/* action_label - printable action, without greylist_action_name() */

static const char *action_label(int action)
{
    static const char *names[] = {
	"0", "NEW", "EARLY", "PASS", "KNOWN", "WHITELIST", "ERROR", "SKIP",
    };

    return (action >= 0 && action <= 7 ? names[action] : "?");
}

 /*
  * The decision table. A record that is not there has have_* = 0; the
  * wanted record is compared only when an update is wanted.
  */
typedef struct DECIDE_CASE {
    const char *label;
    int     awl_threshold;
    int     have_triplet;
    GREYLIST_TRIPLET triplet;		/* state, first_seen, last_seen, count */
    int     have_client;
    GREYLIST_CLIENT client;		/* count, last_seen */
    time_t  now;
    int     want_action;
    int     want_age;
    int     want_remaining;
    unsigned want_client_count;
    int     want_triplet_update;
    GREYLIST_TRIPLET want_triplet;
    int     want_client_update;
    GREYLIST_CLIENT want_client;
} DECIDE_CASE;

#define NO_TRIPLET	0, {0, 0, 0, 0}
#define NO_CLIENT	0, {0, 0}
#define TRIPLET(s, f, l, c) 1, {(s), AT(f), AT(l), (c)}
#define CLIENT(c, l)	1, {(c), AT(l)}
#define NO_UPDATE_T	0, {0, 0, 0, 0}
#define NO_UPDATE_C	0, {0, 0}

static const DECIDE_CASE decide_cases[] = {

    /*
     * First sighting.
     */
    {"first sighting", AWL, NO_TRIPLET, NO_CLIENT, AT(0),
	GREYLIST_ACT_NEW, 0, DELAY + 1, 0,
	TRIPLET(PENDING, 0, 0, 0), NO_UPDATE_C},
    {"first sighting of a known client", AWL, NO_TRIPLET, CLIENT(2, 0), AT(10),
	GREYLIST_ACT_NEW, 0, DELAY + 1, 2,
	TRIPLET(PENDING, 10, 10, 0), NO_UPDATE_C},

    /*
     * Early retries: nothing changes, in particular not first_seen.
     */
    {"retry after 1s", AWL, TRIPLET(PENDING, 0, 0, 0), NO_CLIENT, AT(1),
	GREYLIST_ACT_EARLY, 1, DELAY, 0, NO_UPDATE_T, NO_UPDATE_C},
    {"retry at once", AWL, TRIPLET(PENDING, 0, 0, 0), NO_CLIENT, AT(0),
	GREYLIST_ACT_EARLY, 0, DELAY + 1, 0, NO_UPDATE_T, NO_UPDATE_C},
    {"retry at delay-1", AWL, TRIPLET(PENDING, 0, 0, 0), NO_CLIENT, AT(DELAY - 1),
	GREYLIST_ACT_EARLY, DELAY - 1, 2, 0, NO_UPDATE_T, NO_UPDATE_C},
    {"retry at exactly the delay", AWL, TRIPLET(PENDING, 0, 0, 0), NO_CLIENT,
	AT(DELAY), GREYLIST_ACT_EARLY, DELAY, 1, 0, NO_UPDATE_T, NO_UPDATE_C},
    {"early retry of a known client", AWL, TRIPLET(PENDING, 0, 0, 0),
	CLIENT(3, 0), AT(30), GREYLIST_ACT_EARLY, 30, DELAY - 30 + 1, 3,
	NO_UPDATE_T, NO_UPDATE_C},

    /*
     * The pass: the triplet becomes passed, the client counts one pass.
     */
    {"retry at delay+1", AWL, TRIPLET(PENDING, 0, 0, 0), NO_CLIENT, AT(DELAY + 1),
	GREYLIST_ACT_PASS, DELAY + 1, 0, 1,
	TRIPLET(PASSED, 0, DELAY + 1, 1), CLIENT(1, DELAY + 1)},
    {"pass of a known client", AWL, TRIPLET(PENDING, 0, 0, 0), CLIENT(2, 5),
	AT(1000), GREYLIST_ACT_PASS, 1000, 0, 3,
	TRIPLET(PASSED, 0, 1000, 1), CLIENT(3, 1000)},
    {"pass just before the retry window ends", AWL, TRIPLET(PENDING, 0, 0, 0),
	NO_CLIENT, AT(RETRY_WINDOW - 1), GREYLIST_ACT_PASS, RETRY_WINDOW - 1, 0, 1,
	TRIPLET(PASSED, 0, RETRY_WINDOW - 1, 1), CLIENT(1, RETRY_WINDOW - 1)},

    /*
     * Known: the client count goes up at every pass; counters are always
     * written, time stamps (triplet and client) only after the refresh
     * interval.
     */
    {"known, time stamp due", AWL, TRIPLET(PASSED, 0, 100, 1), CLIENT(1, 100),
	AT(100 + REFRESH), GREYLIST_ACT_KNOWN, 100 + REFRESH, 0, 2,
	TRIPLET(PASSED, 0, 100 + REFRESH, 2), CLIENT(2, 100 + REFRESH)},
    {"known, time stamp fresh", AWL, TRIPLET(PASSED, 0, 100, 1), CLIENT(1, 100),
	AT(100 + REFRESH - 1), GREYLIST_ACT_KNOWN, 100 + REFRESH - 1, 0, 2,
	TRIPLET(PASSED, 0, 100, 2), CLIENT(2, 100)},
    {"known, client record gone", AWL, TRIPLET(PASSED, 0, 100, 5), NO_CLIENT,
	AT(5000), GREYLIST_ACT_KNOWN, 5000, 0, 1,
	TRIPLET(PASSED, 0, 5000, 6), CLIENT(1, 5000)},

    /*
     * Auto-whitelist: strictly more passes than the threshold, and then
     * the triplet does not matter.
     */
    {"whitelisted, no triplet", AWL, NO_TRIPLET, CLIENT(AWL + 1, 0), AT(REFRESH),
	GREYLIST_ACT_WHITELIST, 0, 0, AWL + 1,
	NO_UPDATE_T, CLIENT(AWL + 1, REFRESH)},
    {"whitelisted, pending triplet untouched", AWL, TRIPLET(PENDING, 990, 990, 0),
	CLIENT(AWL + 1, 0), AT(1000), GREYLIST_ACT_WHITELIST, 0, 0, AWL + 1,
	NO_UPDATE_T, CLIENT(AWL + 1, 1000)},
    {"whitelisted, time stamp fresh", AWL, NO_TRIPLET, CLIENT(AWL + 1, 500),
	AT(500 + REFRESH - 1), GREYLIST_ACT_WHITELIST, 0, 0, AWL + 1,
	NO_UPDATE_T, NO_UPDATE_C},
    {"whitelisted, saturated client", AWL, NO_TRIPLET, CLIENT(UINT_MAX, 0),
	AT(REFRESH), GREYLIST_ACT_WHITELIST, 0, 0, UINT_MAX,
	NO_UPDATE_T, CLIENT(UINT_MAX, REFRESH)},
    {"count equal to the threshold", AWL, NO_TRIPLET, CLIENT(AWL, 0), AT(10),
	GREYLIST_ACT_NEW, 0, DELAY + 1, AWL,
	TRIPLET(PENDING, 10, 10, 0), NO_UPDATE_C},
    {"count equal to the threshold, pass", AWL, TRIPLET(PENDING, 0, 0, 0),
	CLIENT(AWL, 0), AT(100), GREYLIST_ACT_PASS, 100, 0, AWL + 1,
	TRIPLET(PASSED, 0, 100, 1), CLIENT(AWL + 1, 0)},
    {"threshold 0: never whitelisted", 0, NO_TRIPLET, CLIENT(1000, 0), AT(10),
	GREYLIST_ACT_NEW, 0, DELAY + 1, 1000,
	TRIPLET(PENDING, 10, 10, 0), NO_UPDATE_C},
    {"threshold 0: a pass updates no client", 0, TRIPLET(PENDING, 0, 0, 0),
	NO_CLIENT, AT(100), GREYLIST_ACT_PASS, 100, 0, 0,
	TRIPLET(PASSED, 0, 100, 1), NO_UPDATE_C},
    {"threshold 0: known updates no client", 0, TRIPLET(PASSED, 0, 0, 1),
	CLIENT(7, 0), AT(REFRESH), GREYLIST_ACT_KNOWN, REFRESH, 0, 7,
	TRIPLET(PASSED, 0, REFRESH, 2), NO_UPDATE_C},
    {"negative threshold is off", -1, NO_TRIPLET, CLIENT(5, 0), AT(10),
	GREYLIST_ACT_NEW, 0, DELAY + 1, 5,
	TRIPLET(PENDING, 10, 10, 0), NO_UPDATE_C},

    /*
     * Records past their limits count as absent.
     */
    {"pending past the retry window", AWL, TRIPLET(PENDING, 0, 0, 0), NO_CLIENT,
	AT(RETRY_WINDOW), GREYLIST_ACT_NEW, 0, DELAY + 1, 0,
	TRIPLET(PENDING, RETRY_WINDOW, RETRY_WINDOW, 0), NO_UPDATE_C},
    {"pending long past the retry window", AWL, TRIPLET(PENDING, 0, 0, 0),
	NO_CLIENT, AT(10 * RETRY_WINDOW), GREYLIST_ACT_NEW, 0, DELAY + 1, 0,
	TRIPLET(PENDING, 10 * RETRY_WINDOW, 10 * RETRY_WINDOW, 0), NO_UPDATE_C},
    {"passed, not seen for max_age", AWL, TRIPLET(PASSED, 0, 100, 9), NO_CLIENT,
	AT(100 + MAX_AGE), GREYLIST_ACT_NEW, 0, DELAY + 1, 0,
	TRIPLET(PENDING, 100 + MAX_AGE, 100 + MAX_AGE, 0), NO_UPDATE_C},
    {"passed, seen just within max_age", AWL, TRIPLET(PASSED, 0, 100, 9),
	NO_CLIENT, AT(100 + MAX_AGE - 1), GREYLIST_ACT_KNOWN, 100 + MAX_AGE - 1, 0, 1,
	TRIPLET(PASSED, 0, 100 + MAX_AGE - 1, 10), CLIENT(1, 100 + MAX_AGE - 1)},
    {"whitelisted client past max_age", AWL, NO_TRIPLET, CLIENT(100, 0),
	AT(MAX_AGE), GREYLIST_ACT_NEW, 0, DELAY + 1, 0,
	TRIPLET(PENDING, MAX_AGE, MAX_AGE, 0), NO_UPDATE_C},
    {"client past max_age starts again", AWL, TRIPLET(PENDING, MAX_AGE, MAX_AGE, 0),
	CLIENT(100, 0), AT(MAX_AGE + 100), GREYLIST_ACT_PASS, 100, 0, 1,
	TRIPLET(PASSED, MAX_AGE, MAX_AGE + 100, 1), CLIENT(1, MAX_AGE + 100)},
    {"whitelisted client just within max_age", AWL, NO_TRIPLET, CLIENT(100, 0),
	AT(MAX_AGE - 1), GREYLIST_ACT_WHITELIST, 0, 0, 100,
	NO_UPDATE_T, CLIENT(100, MAX_AGE - 1)},

    /*
     * Counters saturate. A client counter cannot pass INT_MAX + 1 through
     * the rule (beyond the threshold the client is whitelisted and no
     * longer counted); "whitelisted, saturated client" covers UINT_MAX.
     */
    {"triplet count at UINT_MAX", AWL, TRIPLET(PASSED, 0, 0, UINT_MAX), NO_CLIENT,
	AT(REFRESH), GREYLIST_ACT_KNOWN, REFRESH, 0, 1,
	TRIPLET(PASSED, 0, REFRESH, UINT_MAX), CLIENT(1, REFRESH)},
    {"triplet count at UINT_MAX-1", AWL, TRIPLET(PASSED, 0, 0, UINT_MAX - 1),
	NO_CLIENT, AT(REFRESH), GREYLIST_ACT_KNOWN, REFRESH, 0, 1,
	TRIPLET(PASSED, 0, REFRESH, UINT_MAX), CLIENT(1, REFRESH)},
    {"client count at INT_MAX, threshold INT_MAX", INT_MAX,
	TRIPLET(PENDING, 0, 0, 0), CLIENT(INT_MAX, 0), AT(100),
	GREYLIST_ACT_PASS, 100, 0, (unsigned) INT_MAX + 1,
	TRIPLET(PASSED, 0, 100, 1), CLIENT((unsigned) INT_MAX + 1, 0)},

    /*
     * A clock that went backwards: the age counts as 0.
     */
    {"clock went backwards, pending", AWL, TRIPLET(PENDING, 100, 100, 0),
	NO_CLIENT, AT(50), GREYLIST_ACT_EARLY, 0, DELAY + 1, 0,
	NO_UPDATE_T, NO_UPDATE_C},
    {"clock went backwards, passed", AWL, TRIPLET(PASSED, 100, 200, 1),
	NO_CLIENT, AT(50), GREYLIST_ACT_KNOWN, 0, 0, 1,
	TRIPLET(PASSED, 100, 200, 2), CLIENT(1, 50)},
};

#define NDECIDE	(sizeof(decide_cases) / sizeof(decide_cases[0]))

/* check_triplet - compare a stored triplet */

static void check_triplet(const char *label, const GREYLIST_TRIPLET *got,
				  const GREYLIST_TRIPLET *want)
{
    ck_assert_msg(got->state == want->state,
		  "%s: triplet state: got %s, want %s", label,
		  state_name(got->state), state_name(want->state));
    ck_assert_msg(got->first_seen == want->first_seen,
		  "%s: first_seen: got T0%+ld, want T0%+ld", label,
		  (long) (got->first_seen - T0), (long) (want->first_seen - T0));
    ck_assert_msg(got->last_seen == want->last_seen,
		  "%s: triplet last_seen: got T0%+ld, want T0%+ld", label,
		  (long) (got->last_seen - T0), (long) (want->last_seen - T0));
    ck_assert_msg(got->count == want->count,
		  "%s: triplet count: got %u, want %u", label,
		  got->count, want->count);
}

/* check_client - compare a stored client */

static void check_client(const char *label, const GREYLIST_CLIENT *got,
				 const GREYLIST_CLIENT *want)
{
    ck_assert_msg(got->count == want->count,
		  "%s: client count: got %u, want %u", label,
		  got->count, want->count);
    ck_assert_msg(got->last_seen == want->last_seen,
		  "%s: client last_seen: got T0%+ld, want T0%+ld", label,
		  (long) (got->last_seen - T0), (long) (want->last_seen - T0));
}

/* test_decide - one row of the decision table */

START_TEST(test_decide)
{
    const DECIDE_CASE *tc = decide_cases + _i;
    GREYLIST_POLICY policy = test_policy(tc->awl_threshold);
    GREYLIST_TRIPLET triplet = tc->triplet;
    GREYLIST_CLIENT client = tc->client;
    GREYLIST_DECISION got;

    memset((void *) &got, 0x5a, sizeof(got));
    greylist_policy_decide(&policy, tc->now, tc->have_triplet ? &triplet : 0,
			   tc->have_client ? &client : 0, &got);

    ck_assert_msg(got.action == tc->want_action, "%s: action: got %s, want %s",
		  tc->label, action_label(got.action),
		  action_label(tc->want_action));
    ck_assert_msg(got.age == tc->want_age, "%s: age: got %d, want %d",
		  tc->label, got.age, tc->want_age);
    ck_assert_msg(got.remaining == tc->want_remaining,
		  "%s: remaining: got %d, want %d", tc->label,
		  got.remaining, tc->want_remaining);
    ck_assert_msg(got.client_count == tc->want_client_count,
		  "%s: client_count: got %u, want %u", tc->label,
		  got.client_count, tc->want_client_count);
    ck_assert_msg(got.triplet_update == tc->want_triplet_update,
		  "%s: triplet_update: got %d, want %d", tc->label,
		  got.triplet_update, tc->want_triplet_update);
    ck_assert_msg(got.client_update == tc->want_client_update,
		  "%s: client_update: got %d, want %d", tc->label,
		  got.client_update, tc->want_client_update);
    if (tc->want_triplet_update)
	check_triplet(tc->label, &got.triplet, &tc->want_triplet);
    if (tc->want_client_update)
	check_client(tc->label, &got.client, &tc->want_client);

    /*
     * The inputs are read-only.
     */
    ck_assert_msg(memcmp(&triplet, &tc->triplet, sizeof(triplet)) == 0,
		  "%s: the triplet argument was modified", tc->label);
    ck_assert_msg(memcmp(&client, &tc->client, sizeof(client)) == 0,
		  "%s: the client argument was modified", tc->label);
}

END_TEST

 /*
  * Conversations: a simulated store applies each decision, as a backend
  * does, and the clock moves.
  */
typedef struct SIM_STORE {
    int     have_triplet;
    GREYLIST_TRIPLET triplet;
    int     have_client;
    GREYLIST_CLIENT client;
    int     triplet_writes;
    int     client_writes;
} SIM_STORE;

/* sim_decide - one request against the simulated store */

static GREYLIST_DECISION sim_decide(SIM_STORE *sim, const GREYLIST_POLICY *policy,
					    time_t now)
{
    GREYLIST_DECISION d;

    greylist_policy_decide(policy, now, sim->have_triplet ? &sim->triplet : 0,
			   sim->have_client ? &sim->client : 0, &d);
    if (d.triplet_update) {
	sim->triplet = d.triplet;
	sim->have_triplet = 1;
	sim->triplet_writes++;
    }
    if (d.client_update) {
	sim->client = d.client;
	sim->have_client = 1;
	sim->client_writes++;
    }
    return (d);
}

typedef struct STEP {
    long    at;				/* offset from T0 */
    int     want_action;
    int     want_remaining;
    int     want_state;			/* stored triplet afterwards */
    long    want_first;			/* its first_seen offset */
} STEP;

static const STEP retry_steps[] = {
    {0, GREYLIST_ACT_NEW, DELAY + 1, PENDING, 0},
    {20, GREYLIST_ACT_EARLY, DELAY - 20 + 1, PENDING, 0},
    {DELAY, GREYLIST_ACT_EARLY, 1, PENDING, 0},
    {DELAY + 1, GREYLIST_ACT_PASS, 0, PASSED, 0},
    {DELAY + 2, GREYLIST_ACT_KNOWN, 0, PASSED, 0},

    /*
     * The time stamp was not refreshed at DELAY + 2 (granularity), so the
     * maximum age counts from the pass.
     */
    {DELAY + 1 + MAX_AGE - 1, GREYLIST_ACT_KNOWN, 0, PASSED, 0},
    {DELAY + 1 + 2 * MAX_AGE, GREYLIST_ACT_NEW, DELAY + 1, PENDING,
    DELAY + 1 + 2 * MAX_AGE},
};

#define NRETRY_STEPS	(sizeof(retry_steps) / sizeof(retry_steps[0]))

/* test_conversation - a sender that retries, then comes back */

START_TEST(test_conversation)
{
    GREYLIST_POLICY policy = test_policy(AWL);
    SIM_STORE sim;
    GREYLIST_DECISION got;
    const STEP *sp;

    memset((void *) &sim, 0, sizeof(sim));
    for (sp = retry_steps; sp < retry_steps + NRETRY_STEPS; sp++) {
	got = sim_decide(&sim, &policy, AT(sp->at));
	ck_assert_msg(got.action == sp->want_action,
		      "at T0+%ld: got %s, want %s", sp->at,
		      action_label(got.action), action_label(sp->want_action));
	ck_assert_msg(got.remaining == sp->want_remaining,
		      "at T0+%ld: remaining: got %d, want %d", sp->at,
		      got.remaining, sp->want_remaining);
	ck_assert_msg(sim.triplet.state == sp->want_state,
		      "at T0+%ld: stored state: got %s, want %s", sp->at,
		      state_name(sim.triplet.state), state_name(sp->want_state));
	ck_assert_msg(sim.triplet.first_seen == AT(sp->want_first),
		      "at T0+%ld: first_seen: got T0%+ld, want T0%+ld", sp->at,
		      (long) (sim.triplet.first_seen - T0), sp->want_first);
    }
}

END_TEST

/* test_awl_progression - a client earns the whitelist */

START_TEST(test_awl_progression)
{
    GREYLIST_POLICY policy = test_policy(AWL);
    SIM_STORE sim;
    GREYLIST_DECISION got;
    time_t  now = T0;
    int     pass;

    /*
     * Every pass counts, first passes and known triplets alike. Each new
     * triplet of the same client starts a fresh triplet record.
     */
    memset((void *) &sim, 0, sizeof(sim));
    for (pass = 1; pass <= AWL + 1; pass++) {
	sim.have_triplet = 0;
	got = sim_decide(&sim, &policy, now);
	ck_assert_msg(got.action == GREYLIST_ACT_NEW, "pass %d: got %s, want NEW",
		      pass, action_label(got.action));
	now += DELAY + 1;
	got = sim_decide(&sim, &policy, now);
	ck_assert_msg(got.action == GREYLIST_ACT_PASS, "pass %d: got %s, want PASS",
		      pass, action_label(got.action));
	ck_assert_msg(got.client_count == (unsigned) pass,
		      "pass %d: client_count: got %u", pass, got.client_count);
	now += 1;
    }

    /*
     * More than AWL passes: a brand-new triplet is not greylisted and not
     * stored.
     */
    sim.have_triplet = 0;
    sim.triplet_writes = 0;
    got = sim_decide(&sim, &policy, now);
    ck_assert_msg(got.action == GREYLIST_ACT_WHITELIST, "got %s, want WHITELIST",
		  action_label(got.action));
    ck_assert_int_eq(got.client_count, AWL + 1);
    ck_assert_int_eq(sim.triplet_writes, 0);
    ck_assert_int_eq(sim.client.count, AWL + 1);

    /*
     * Whitelisting does not count passes.
     */
    now += REFRESH;
    got = sim_decide(&sim, &policy, now);
    ck_assert_int_eq(got.action, GREYLIST_ACT_WHITELIST);
    ck_assert_int_eq(sim.client.count, AWL + 1);
    ck_assert_msg(sim.client.last_seen == now, "client time stamp not refreshed");
}

END_TEST

/* test_refresh_writes - a busy correspondent: counters, not time stamps */

START_TEST(test_refresh_writes)
{
    GREYLIST_POLICY policy = test_policy(0);
    SIM_STORE sim;
    GREYLIST_DECISION got;
    int     i;

    memset((void *) &sim, 0, sizeof(sim));
    sim.have_triplet = 1;
    sim.triplet.state = PASSED;
    sim.triplet.first_seen = sim.triplet.last_seen = T0;
    sim.triplet.count = 1;

    /*
     * 100 messages within the refresh interval: the counter goes up every
     * time, the time stamp stays.
     */
    for (i = 1; i <= 100; i++) {
	got = sim_decide(&sim, &policy, AT(i));
	ck_assert_int_eq(got.action, GREYLIST_ACT_KNOWN);
    }
    ck_assert_uint_eq(sim.triplet.count, 101);
    ck_assert_msg(sim.triplet.last_seen == T0, "last_seen: got T0%+ld, want T0",
		  (long) (sim.triplet.last_seen - T0));

    /*
     * The first message after the interval moves the time stamp.
     */
    got = sim_decide(&sim, &policy, AT(REFRESH));
    ck_assert_int_eq(got.action, GREYLIST_ACT_KNOWN);
    ck_assert_msg(sim.triplet.last_seen == AT(REFRESH),
		  "last_seen: got T0%+ld, want T0+%d",
		  (long) (sim.triplet.last_seen - T0), REFRESH);
    ck_assert_uint_eq(sim.triplet.count, 102);
}

END_TEST

 /*
  * Expiry times.
  */
static const struct {
    const char *label;
    GREYLIST_TRIPLET triplet;
    time_t  want;
} triplet_expires_cases[] = {
    {"pending", {PENDING, AT(0), AT(0), 0}, AT(RETRY_WINDOW)},
    {"pending, last_seen ignored", {PENDING, AT(0), AT(500), 0}, AT(RETRY_WINDOW)},
    {"passed", {PASSED, AT(0), AT(100), 1}, AT(100 + MAX_AGE)},
    {"passed, first_seen ignored", {PASSED, AT(-5000), AT(100), 1},
    AT(100 + MAX_AGE)},
};

#define NTRIPLET_EXPIRES \
	(sizeof(triplet_expires_cases) / sizeof(triplet_expires_cases[0]))

/* test_triplet_expires - table */

START_TEST(test_triplet_expires)
{
    GREYLIST_POLICY policy = test_policy(AWL);
    time_t  got = greylist_triplet_expires(&policy, &triplet_expires_cases[_i].triplet);

    ck_assert_msg(got == triplet_expires_cases[_i].want,
		  "%s: got T0%+ld, want T0%+ld", triplet_expires_cases[_i].label,
		  (long) (got - T0), (long) (triplet_expires_cases[_i].want - T0));
}

END_TEST

/* test_client_expires - last_seen + max_age */

START_TEST(test_client_expires)
{
    GREYLIST_POLICY policy = test_policy(AWL);
    GREYLIST_CLIENT client;

    client.count = 12;
    client.last_seen = AT(77);
    ck_assert_msg(greylist_client_expires(&policy, &client) == AT(77 + MAX_AGE),
		  "got T0%+ld, want T0+%d",
		  (long) (greylist_client_expires(&policy, &client) - T0),
		  77 + MAX_AGE);
}

END_TEST

/* test_client_whitelisted - more passes than the threshold, any age */

START_TEST(test_client_whitelisted)
{
    GREYLIST_POLICY policy = test_policy(AWL);
    GREYLIST_POLICY off = test_policy(0);
    GREYLIST_CLIENT client;

    client.last_seen = AT(0);
    client.count = AWL;
    ck_assert_int_eq(greylist_client_whitelisted(&policy, &client), 0);
    client.count = AWL + 1;
    ck_assert_int_eq(greylist_client_whitelisted(&policy, &client), 1);
    ck_assert_int_eq(greylist_client_whitelisted(&off, &client), 0);
    /* The age is the decision's business: an expired record still counts. */
    client.last_seen = AT(-10 * MAX_AGE);
    ck_assert_int_eq(greylist_client_whitelisted(&policy, &client), 1);
    client.count = UINT_MAX;
    ck_assert_int_eq(greylist_client_whitelisted(&policy, &client), 1);
}

END_TEST

 /*
  * Action names, and which actions defer.
  */
static const struct {
    int     action;
    const char *want_name;
    int     want_defers;
} action_cases[] = {
    {GREYLIST_ACT_NEW, "greylist", 1},
    {GREYLIST_ACT_EARLY, "early-retry", 1},
    {GREYLIST_ACT_PASS, "pass", 0},
    {GREYLIST_ACT_KNOWN, "known", 0},
    {GREYLIST_ACT_WHITELIST, "whitelisted", 0},
    {GREYLIST_ACT_ERROR, "error", 0},
    {GREYLIST_ACT_SKIP, "skip", 0},
};

#define NACTION	(sizeof(action_cases) / sizeof(action_cases[0]))

/* test_action_name - table */

START_TEST(test_action_name)
{
    const char *got = greylist_action_name(action_cases[_i].action);

    ck_assert_msg(strcmp(got, action_cases[_i].want_name) == 0,
		  "action %d: got \"%s\", want \"%s\"", action_cases[_i].action,
		  got, action_cases[_i].want_name);
    ck_assert_msg(greylist_action_defers(action_cases[_i].action)
		  == action_cases[_i].want_defers,
		  "action %s: defers: got %d, want %d", got,
		  greylist_action_defers(action_cases[_i].action),
		  action_cases[_i].want_defers);
}

END_TEST

static const int bad_actions[] = {0, -1, 8, 100, INT_MIN};

#define NBAD_ACTION	(sizeof(bad_actions) / sizeof(bad_actions[0]))

/* test_action_defers_unknown - unknown actions do not defer */

START_TEST(test_action_defers_unknown)
{
    ck_assert_int_eq(greylist_action_defers(bad_actions[_i]), 0);
}

END_TEST

/* test_action_name_panic - an unknown action is a programming error */

START_TEST(test_action_name_panic)
{
    unit_expect_msg("greylist_action_name: unknown action");
    (void) greylist_action_name(bad_actions[_i]);
    ck_abort_msg("action %d: no panic", bad_actions[_i]);
}

END_TEST

/* policy_suite - build the suite */

static Suite *policy_suite(void)
{
    Suite  *s = suite_create("greylist_policy");
    TCase  *tc;

    tc = tcase_create("decide");
    tcase_add_loop_test(tc, test_decide, 0, NDECIDE);
    suite_add_tcase(s, tc);

    tc = tcase_create("conversation");
    tcase_add_test(tc, test_conversation);
    tcase_add_test(tc, test_awl_progression);
    tcase_add_test(tc, test_refresh_writes);
    suite_add_tcase(s, tc);

    tc = tcase_create("expires");
    tcase_add_loop_test(tc, test_triplet_expires, 0, NTRIPLET_EXPIRES);
    tcase_add_test(tc, test_client_expires);
    tcase_add_test(tc, test_client_whitelisted);
    suite_add_tcase(s, tc);

    tc = tcase_create("names");
    tcase_add_loop_test(tc, test_action_name, 0, NACTION);
    tcase_add_loop_test(tc, test_action_defers_unknown, 0, NBAD_ACTION);
    unit_add_panic_loop_test(tc, test_action_name_panic, 0, NBAD_ACTION);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(policy_suite()));
}
