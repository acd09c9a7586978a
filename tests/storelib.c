/*++
/* NAME
/*	storelib 3
/* SUMMARY
/*	helpers shared by the greylist_store(3) suites
/* SYNOPSIS
/*	#include "storelib.h"
/*
/*	const char *storelib_action_label(action)
/*	int	action;
/*
/*	void	storelib_done(decision, context)
/*	const GREYLIST_DECISION *decision;
/*	void	*context;
/*
/*	void	storelib_keys(keys, client, rcpt)
/*	GREYLIST_KEYS *keys;
/*	const char *client;
/*	const char *rcpt;
/*
/*	void	storelib_submit(store, keys, client, rcpt, now, result)
/*	GREYLIST_STORE *store;
/*	GREYLIST_KEYS *keys;
/*	const char *client;
/*	const char *rcpt;
/*	time_t	now;
/*	STORELIB_RESULT *result;
/*
/*	int	storelib_run_until(cond, context, ms)
/*	int	(*cond)(void *context);
/*	void	*context;
/*	int	ms;
/*
/*	GREYLIST_DECISION storelib_decide(store, keys, client, rcpt, now,
/*					wait_ms, sync)
/*	GREYLIST_STORE *store;
/*	GREYLIST_KEYS *keys;
/*	const char *client;
/*	const char *rcpt;
/*	time_t	now;
/*	int	wait_ms;
/*	int	*sync;
/*
/*	GREYLIST_DECISION storelib_expect(store, keys, client, rcpt, now,
/*					t0, wait_ms, want)
/*	GREYLIST_STORE *store;
/*	GREYLIST_KEYS *keys;
/*	const char *client;
/*	const char *rcpt;
/*	time_t	now;
/*	time_t	t0;
/*	int	wait_ms;
/*	int	want;
/* DESCRIPTION
/*	These helpers send requests to a GREYLIST_STORE, the B+tree store
/*	that answers before decide() returns and the database thread that
/*	may answer later from the event loop, and check the answers. A
/*	request is a client address (an IPv4 /32 or IPv6 /64 network), the
/*	sender STORELIB_SENDER and a recipient.
/*
/*	storelib_action_label() returns the printable name of a
/*	GREYLIST_ACT_* value ("NEW", "EARLY", ...), for messages, and
/*	"?" for a value that is none of them.
/*
/*	storelib_done() is the decide() callback: it counts the call
/*	and copies the decision into the STORELIB_RESULT that is its
/*	context.
/*
/*	storelib_keys() builds the keys of a request in \fIkeys\fR. A
/*	bad test address fails the test.
/*
/*	storelib_submit() builds the keys, clears \fIresult\fR and hands
/*	the request to the store, with storelib_done() as the callback.
/*
/*	storelib_run_until() runs the event loop until cond(context) is
/*	true; the result is 0 when that did not happen within \fIms\fR
/*	milliseconds.
/*
/*	storelib_decide() sends one request and returns the decision. With
/*	\fIwait_ms\fR 0 the store must answer before decide() returns;
/*	otherwise the answer may come from the event loop within
/*	\fIwait_ms\fR. Either way the callback must be called exactly once.
/*	When \fIsync\fR is not a null pointer, *\fIsync\fR says whether
/*	the answer came before decide() returned.
/*
/*	storelib_expect() is storelib_decide() and a check that the action
/*	is \fIwant\fR; messages show the time relative to \fIt0\fR.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <time.h>

/* Utility library. */

#include <events.h>
#include <inet_prefix.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"
#include "storelib.h"

/* storelib_action_label - printable action */

const char *storelib_action_label(int action)
{
    static const char *names[] = {
	"0", "NEW", "EARLY", "PASS", "KNOWN", "WHITELIST", "ERROR", "SKIP",
    };

    return (action >= 0 && action < (int) (sizeof(names) / sizeof(names[0])) ?
	    names[action] : "?");
}

/* storelib_done - the decide() callback */

void    storelib_done(const GREYLIST_DECISION *dp, void *context)
{
    STORELIB_RESULT *rp = (STORELIB_RESULT *) context;

    rp->calls++;
    rp->decision = *dp;
}

/* storelib_keys - the keys of a request */

void    storelib_keys(GREYLIST_KEYS *keys, const char *client, const char *rcpt)
{
    INET_ADDR addr;

    if (!inet_addr_parse(client, &addr))
	ck_abort_msg("bad test address %s", client);
    greylist_keys_build(keys, &addr, 32, 64, STORELIB_SENDER, rcpt);
}

/* storelib_submit - one request, the answer goes to result */

void    storelib_submit(GREYLIST_STORE *store, GREYLIST_KEYS *keys,
			        const char *client, const char *rcpt,
			        time_t now, STORELIB_RESULT *result)
{
    storelib_keys(keys, client, rcpt);
    result->calls = 0;
    store->decide(store, keys, now, storelib_done, (void *) result);
}

/* storelib_run_until - run the event loop until a condition holds */

int     storelib_run_until(int (*cond) (void *), void *context, int ms)
{
    long long deadline = unit_now_ms() + ms;

    while (!cond(context)) {
	if (unit_now_ms() >= deadline)
	    return (0);
	event_loop(10);
    }
    return (1);
}

/* storelib_answered - storelib_run_until() condition */

static int storelib_answered(void *context)
{
    return (((STORELIB_RESULT *) context)->calls > 0);
}

/* storelib_decide - one request, exactly one answer */

GREYLIST_DECISION storelib_decide(GREYLIST_STORE *store, GREYLIST_KEYS *keys,
				          const char *client, const char *rcpt,
				          time_t now, int wait_ms, int *sync)
{
    STORELIB_RESULT result;

    storelib_submit(store, keys, client, rcpt, now, &result);
    if (sync)
	*sync = (result.calls == 1);
    if (wait_ms > 0)
	ck_assert_msg(storelib_run_until(storelib_answered, (void *) &result,
					 wait_ms),
		      "%s: no answer within %d ms", rcpt, wait_ms);
    ck_assert_msg(result.calls == 1, "%s: done() called %d times", rcpt,
		  result.calls);
    return (result.decision);
}

/* storelib_expect - one request with the wanted action */

GREYLIST_DECISION storelib_expect(GREYLIST_STORE *store, GREYLIST_KEYS *keys,
				          const char *client, const char *rcpt,
				          time_t now, time_t t0, int wait_ms,
				          int want)
{
    GREYLIST_DECISION got;

    got = storelib_decide(store, keys, client, rcpt, now, wait_ms, (int *) 0);
    ck_assert_msg(got.action == want, "%s %s at T0%+ld: got %s, want %s",
		  client, rcpt, (long) (now - t0),
		  storelib_action_label(got.action),
		  storelib_action_label(want));
    return (got);
}
