/*++
/* NAME
/*	greylistd 8
/* SUMMARY
/*	Postfix greylisting policy server
/* SYNOPSIS
/*	\fBgreylistd\fR [generic Postfix daemon options]
/*
/*	\fBgreylistd -S\fR [\fB-v\fR] [\fB-o \fIname\fB=\fIvalue\fR]
/*
/*	\fBgreylistd -L \fIendpoint\fR [\fB-v\fR] [\fB-o \fIname\fB=\fIvalue\fR]
/* DESCRIPTION
/*	The \fBgreylistd\fR(8) server implements greylisting through the
/*	Postfix SMTPD access policy delegation protocol. For every
/*	recipient, smtpd(8) asks it about the triplet (client address,
/*	sender, recipient). The first time a triplet is seen, greylistd
/*	records the time and answers \fB$greylist_defer_action\fR (by
/*	default a 450 temporary rejection that a later restriction may
/*	still turn into a permanent one). A real mail server retries;
/*	once the triplet is older than \fB$greylist_delay\fR, the retry
/*	gets DUNNO, so that the rest of the Postfix restrictions decide.
/*	Mail from sources that never retry never arrives.
/*
/*	Beyond the triplet time stamp:
/* .IP \(bu
/*	A first attempt that is not retried within
/*	\fB$greylist_retry_window\fR is forgotten.
/* .IP \(bu
/*	A triplet that passed is remembered until it has not been seen
/*	for \fB$greylist_max_age\fR, so that regular correspondents are
/*	delayed once, not every time.
/* .IP \(bu
/*	A client that passed more than
/*	\fB$greylist_auto_whitelist_threshold\fR times is no longer
/*	greylisted (auto-whitelist), until it has not been seen for
/*	\fB$greylist_max_age\fR.
/* .IP \(bu
/*	The client part of the triplet may be a network
/*	(\fB$greylist_ipv4_prefix\fR, \fB$greylist_ipv6_prefix\fR), so
/*	that a sender that retries from another address of its pool
/*	passes; IPv6 senders rotate within a /64 by default.
/* .IP \(bu
/*	The null sender of bounces is a sender like any other.
/* .PP
/*	greylistd never blocks mail because of its own trouble: a request
/*	it cannot handle, or a database it cannot read or write, gets
/*	DUNNO and a warning in the log; a damaged database is moved aside
/*	and replaced by an empty one.
/* THREE WAYS TO RUN
/* .IP "native Postfix daemon (recommended)"
/*	master.cf:
/* .nf
/*	greylist  unix  -  -  n  -  1  greylistd
/* .fi
/*	main.cf:
/* .nf
/*	smtpd_recipient_restrictions =
/*	    permit_mynetworks, reject_unauth_destination,
/*	    check_policy_service { unix:private/greylist,
/*	        default_action=DUNNO }
/* .fi
/*	One process (process limit 1) serves every smtpd process from one
/*	event loop and owns the database. It runs as \fB$mail_owner\fR.
/*	A second thread does the database work (updates, commits,
/*	expiry); the event loop answers from memory and from a filter of
/*	the keys in the file, so that a commit never holds up an answer
/*	(greylist_store_thread(3)).
/* .IP "spawn(8) child, as Postfix's greylist.pl example"
/* .nf
/*	policy  unix  -  n  n  -  0  spawn
/*	    user=nobody argv=/usr/lib/postfix/sbin/greylistd -S
/* .fi
/*	with \fBpolicy_time_limit = 3600\fR in main.cf and
/*	\fBcheck_policy_service unix:private/policy\fR. Each smtpd
/*	connection gets its own copy; the copies share the database by
/*	locking it for each request.
/* .IP "stand-alone"
/*	\fBMAIL_CONFIG=\fIdir\fB greylistd -L inet:127.0.0.1:10023\fR
/*	runs in the foreground and logs to standard error as well;
/*	smtpd uses \fBcheck_policy_service inet:127.0.0.1:10023\fR.
/*	This also serves other MX hosts over the network.
/* POLICY PROTOCOL
/*	Requests are Postfix policy requests (SMTPD_POLICY_README). The
/*	attributes used are \fBrequest\fR (must be smtpd_access_policy),
/*	\fBprotocol_state\fR (only RCPT is greylisted), \fBclient_address\fR,
/*	\fBsender\fR and \fBrecipient\fR. The answer is one of:
/* .IP "\fBaction=$greylist_defer_action\fR"
/*	First sighting, or a retry before the delay has passed. The
/*	text may use \fB$delay\fR and \fB$remaining\fR (seconds until a
/*	retry will pass).
/* .IP "\fBaction=DUNNO\fR"
/*	Passed, known, whitelisted, or not greylisted.
/* .IP "\fBaction=PREPEND X-Greylist: ...\fR"
/*	Instead of DUNNO on the pass that ends greylisting, when
/*	\fB$greylist_prepend_header\fR is yes.
/* .PP
/*	A request whose framing is broken (a line or a request over the
/*	limits, too many attributes, end of input in the middle) is
/*	logged and the connection is closed without a reply.
/* LOGGING
/*	One line per decision, for example:
/* .nf
/*	action=greylist client=192.0.2.1 network=192.0.2.1
/*	    sender=<a@example.org> recipient=<b@example.com> age=0 remaining=61
/* .fi
/*	The actions are greylist, early-retry, pass, known, whitelisted,
/*	error (database trouble: DUNNO) and skip (not greylisted). A
/*	statistics line is logged every \fB$greylist_stats_interval\fR and
/*	at exit. At start-up a line says whether the key filter saved at
/*	the last clean stop was loaded, or why every key is read again
/*	(followed by "key filter ready after \fIN\fR s"). \fB-v\fR adds
/*	detail.
/* SECURITY
/* .ad
/* .fi
/*	greylistd serves clients only after dropping root privileges
/*	(to \fB$mail_owner\fR, or the spawn user). It treats every
/*	attribute value as hostile: lengths are capped, values are made
/*	printable before they are logged, and nothing from the request is
/*	echoed in the reply. The database directory must not be writable
/*	by everybody.
/* SIGNALS
/*	SIGTERM (and master(8) going away on \fBpostfix reload\fR or
/*	\fBstop\fR) commits the open transaction, saves the key filter,
/*	closes the database and exits. A process killed at any instant
/*	loses at most \fB$greylist_commit_interval\fR of updates.
/* DIAGNOSTICS
/*	Problems are logged through postlogd(8) when master(8) passes
/*	POSTLOG_SERVICE (main.cf maillog_file), else to syslogd(8) with
/*	facility mail. Configuration mistakes are fatal at start-up and
/*	name the parameter, the value and what is allowed.
/* CONFIGURATION PARAMETERS
/* .ad
/* .fi
/*	greylistd reads main.cf, then \fB$config_directory/greylistd.cf\fR
/*	(the same syntax; postconf(1) would flag greylist_* names in
/*	main.cf as unused), then master.cf \fB-o\fR options. Changes take
/*	effect after \fBpostfix reload\fR. See greylistd.cf(5) for
/*	details and examples.
/* .IP "\fBgreylist_database (btree:$data_directory/greylist.db)\fR"
/*	The store, as \fItype\fB:\fIname\fR; btree: is a Tokyo Cabinet
/*	B+tree file.
/* .IP "\fBgreylist_delay (60s)\fR"
/*	How long a new triplet is deferred.
/* .IP "\fBgreylist_retry_window (2d)\fR"
/*	How long a first attempt waits for its retry.
/* .IP "\fBgreylist_max_age (35d)\fR"
/*	How long a passed triplet, or a whitelisted client, is remembered
/*	after it was last seen.
/* .IP "\fBgreylist_auto_whitelist_threshold (10)\fR"
/*	Passes after which a client is no longer greylisted; 0 turns
/*	auto-whitelisting off.
/* .IP "\fBgreylist_ipv4_prefix (32)\fR, \fBgreylist_ipv6_prefix (64)\fR"
/*	The network size that identifies a client.
/* .IP "\fBgreylist_defer_action (DEFER_IF_PERMIT 4.7.1 Greylisted, please try again in $remaining seconds)\fR"
/*	The answer that defers a recipient.
/* .IP "\fBgreylist_prepend_header (no)\fR"
/*	Add an X-Greylist: header to a message that was delayed.
/* .IP "\fBgreylist_commit_interval (1s)\fR"
/*	How often updates are committed to the database.
/* .IP "\fBgreylist_expire_interval (60s)\fR"
/*	How often expired records are looked for.
/* .IP "\fBgreylist_stats_interval (1h)\fR"
/*	How often statistics are logged; 0 turns it off.
/* .IP "\fBgreylist_lock_timeout (10s)\fR"
/*	How long a spawn copy waits for the database lock.
/* .IP "\fBgreylist_request_line_limit (4096)\fR, \fBgreylist_request_attribute_limit (100)\fR, \fBgreylist_request_size_limit (65536)\fR"
/*	Limits on one request.
/* .IP "\fBgreylist_test_clock (no)\fR"
/*	Testing aid: the request attribute policy_test_time (seconds
/*	since the epoch) replaces the clock. Never enable this on a
/*	production server.
/* .PP
/*	Postfix parameters used: \fBconfig_directory\fR,
/*	\fBdata_directory\fR, \fBqueue_directory\fR, \fBmail_owner\fR,
/*	\fBsyslog_name\fR, \fBsyslog_facility\fR, \fBmaillog_file\fR,
/*	\fBmax_idle\fR, \fBmax_use\fR, \fBipc_timeout\fR (an idle policy
/*	connection is closed after this time), \fBdaemon_timeout\fR.
/* FILES
/*	$config_directory/greylistd.cf, greylistd parameters
/*	$data_directory/greylist.db, the greylist (Tokyo Cabinet B+tree)
/*	$data_directory/greylist.db.wal, the transaction undo log
/*	$data_directory/greylist.db.filter, the key filter saved at the
/*	last clean stop
/*	$data_directory/greylist.db.corrupt.\fItime\fR, a damaged database
/*	that greylistd moved aside
/* SEE ALSO
/*	greylistd.cf(5), greylistd parameters
/*	master(5), master.cf syntax
/*	spawn(8), run non-Postfix commands
/*	smtpd(8), Postfix SMTP server
/*	postlogd(8), Postfix logging
/* README FILES
/*	SMTPD_POLICY_README, the Postfix policy delegation protocol
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/stat.h>
#include <errno.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <vstream.h>
#include <events.h>
#include <mac_expand.h>
#include <stringops.h>

/* Global library. */

#include <mail_params.h>
#include <mail_conf.h>
#include <mail_version.h>
#include <attr.h>
#include <multi_server.h>

/* Application-specific. */

#include "greylist_request.h"
#include "greylist_key.h"
#include "greylist_policy.h"
#include "greylist_store.h"
#include "greylist_store_thread.h"
#include "greylist_stats.h"

 /*
  * Configuration parameters.
  */
#define VAR_GREYLIST_DATABASE	"greylist_database"
#define DEF_GREYLIST_DATABASE	"btree:$data_directory/greylist.db"
static char *var_greylist_database;

#define VAR_GREYLIST_DELAY	"greylist_delay"
#define DEF_GREYLIST_DELAY	"60s"
static int var_greylist_delay;

#define VAR_GREYLIST_RETRY_WINDOW "greylist_retry_window"
#define DEF_GREYLIST_RETRY_WINDOW "2d"
static int var_greylist_retry_window;

#define VAR_GREYLIST_MAX_AGE	"greylist_max_age"
#define DEF_GREYLIST_MAX_AGE	"35d"
static int var_greylist_max_age;

#define VAR_GREYLIST_AWL	"greylist_auto_whitelist_threshold"
#define DEF_GREYLIST_AWL	10
static int var_greylist_awl;

#define VAR_GREYLIST_IPV4_PREFIX "greylist_ipv4_prefix"
#define DEF_GREYLIST_IPV4_PREFIX 32
static int var_greylist_ipv4_prefix;

#define VAR_GREYLIST_IPV6_PREFIX "greylist_ipv6_prefix"
#define DEF_GREYLIST_IPV6_PREFIX 64
static int var_greylist_ipv6_prefix;

#define VAR_GREYLIST_DEFER_ACTION "greylist_defer_action"
#define DEF_GREYLIST_DEFER_ACTION "DEFER_IF_PERMIT 4.7.1 Greylisted, please try again in $remaining seconds"
static char *var_greylist_defer_action;

#define VAR_GREYLIST_PREPEND	"greylist_prepend_header"
#define DEF_GREYLIST_PREPEND	0
static int var_greylist_prepend;

#define VAR_GREYLIST_COMMIT	"greylist_commit_interval"
#define DEF_GREYLIST_COMMIT	"1s"
static int var_greylist_commit;

#define VAR_GREYLIST_EXPIRE	"greylist_expire_interval"
#define DEF_GREYLIST_EXPIRE	"60s"
static int var_greylist_expire;

#define VAR_GREYLIST_STATS	"greylist_stats_interval"
#define DEF_GREYLIST_STATS	"1h"
static int var_greylist_stats;

#define VAR_GREYLIST_LOCK_TIMEOUT "greylist_lock_timeout"
#define DEF_GREYLIST_LOCK_TIMEOUT "10s"
static int var_greylist_lock_timeout;

#define VAR_GREYLIST_LINE_LIMIT	"greylist_request_line_limit"
#define DEF_GREYLIST_LINE_LIMIT	4096
static int var_greylist_line_limit;

#define VAR_GREYLIST_ATTR_LIMIT	"greylist_request_attribute_limit"
#define DEF_GREYLIST_ATTR_LIMIT	100
static int var_greylist_attr_limit;

#define VAR_GREYLIST_SIZE_LIMIT	"greylist_request_size_limit"
#define DEF_GREYLIST_SIZE_LIMIT	65536
static int var_greylist_size_limit;

#define VAR_GREYLIST_TEST_CLOCK	"greylist_test_clock"
#define DEF_GREYLIST_TEST_CLOCK	0
static int var_greylist_test_clock;

 /*
  * Global dynamic state.
  */
static GREYLIST_STORE *greylist_store;	/* the database */
static GREYLIST_POLICY greylist_policy;	/* the limits */
static ATTR_LIMITS greylist_limits;	/* request reader limits */
static VSTRING *greylist_why;		/* diagnostics */
static VSTRING *greylist_reply;		/* reply text */
static VSTRING *greylist_defer_reply;	/* last defer text */
static int greylist_defer_remaining;	/* its $remaining */
static int greylist_defer_cached;	/* the above are set */
static VSTRING *greylist_expand_why;	/* expansion errors */

 /*
  * Per connection: the request reader, and what the completion routine
  * needs to know about the request. The store may answer later (when it
  * must read the file); meanwhile the connection's input is not read, so
  * that replies go out in order, and the request's text stays put.
  */
typedef struct GREYLIST_CONN {
    VSTREAM *stream;			/* where the answer goes, or null */
    ATTR_REQUEST *attrs;		/* request reader */
    GREYLIST_KEYS *keys;		/* this request's keys */
    GREYLIST_REQUEST req;		/* the request */
    time_t  now;			/* its clock */
    int     busy;			/* the store has not answered */
    int     waiting;			/* input suspended until it does */
} GREYLIST_CONN;

#define STR(x)	vstring_str(x)

 /*
  * The database thread of a long-running daemon (greylist_store_thread(3)).
  */
#define GREYLIST_EXPIRE_RATE	5000	/* records expired per second, at most */
#define GREYLIST_CACHE_SIZE	100000	/* committed records kept in memory */
#define GREYLIST_QUEUE_LIMIT	500000	/* updates waiting for a commit */

/* greylist_expand_lookup - names allowed in greylist_defer_action */

static const GREYLIST_DECISION *greylist_expand_decision;

static const char *greylist_expand_lookup(const char *name, void *unused_context)
{
    static char buf[32];
    const GREYLIST_DECISION *dp = greylist_expand_decision;

    if (strcmp(name, "delay") == 0)
	snprintf(buf, sizeof(buf), "%d", greylist_policy.delay);
    else if (strcmp(name, "remaining") == 0)
	snprintf(buf, sizeof(buf), "%d", dp ? dp->remaining : greylist_policy.delay + 1);
    else
	return (0);
    return (buf);
}

/* greylist_defer_text - the defer action for this decision */

static const char *greylist_defer_text(const GREYLIST_DECISION *dp)
{

    /*
     * The text varies only with $remaining, and most deferrals (every new
     * triplet) have the same value: expand again only when it changes.
     */
    if (greylist_defer_cached && dp->remaining == greylist_defer_remaining)
	return (STR(greylist_defer_reply));
    VSTRING_RESET(greylist_defer_reply);
    greylist_expand_decision = dp;
    if (mac_expand(greylist_defer_reply, var_greylist_defer_action,
		   greylist_expand_lookup, (void *) 0,
		   greylist_expand_why) != MAC_EXPAND_OK)
	msg_panic("greylist_defer_text: %s", STR(greylist_expand_why));
    greylist_defer_remaining = dp->remaining;
    greylist_defer_cached = 1;
    return (STR(greylist_defer_reply));
}

/* greylist_done - the store decided: log and answer */

static void greylist_conn_free(GREYLIST_CONN *);

static void greylist_done(const GREYLIST_DECISION *dp, void *context)
{
    GREYLIST_CONN *call = (GREYLIST_CONN *) context;
    const GREYLIST_REQUEST *req = &call->req;
    GREYLIST_KEYS *keys = call->keys;
    const char *action;
    char    stamp[64];
    struct tm tm;

    greylist_stats_count(dp->action);
    switch (dp->action) {
    case GREYLIST_ACT_NEW:
    case GREYLIST_ACT_EARLY:
	action = greylist_defer_text(dp);
	msg_info("action=%s client=%s network=%s sender=<%s> recipient=<%s> age=%d remaining=%d",
		 greylist_action_name(dp->action), req->client_text,
		 STR(keys->network), req->sender, req->recipient,
		 dp->age, dp->remaining);
	break;
    case GREYLIST_ACT_PASS:
	if (var_greylist_prepend) {
	    (void) gmtime_r(&call->now, &tm);
	    (void) strftime(stamp, sizeof(stamp), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	    vstring_sprintf(greylist_reply, "PREPEND X-Greylist: delayed %d seconds by %s %s; %s",
			    dp->age, MAIL_NAME, DEF_MAIL_VERSION, stamp);
	    action = STR(greylist_reply);
	} else {
	    action = "DUNNO";
	}
	msg_info("action=pass client=%s network=%s sender=<%s> recipient=<%s> age=%d delayed=%d",
		 req->client_text, STR(keys->network), req->sender,
		 req->recipient, dp->age, dp->age);
	break;
    case GREYLIST_ACT_KNOWN:
    case GREYLIST_ACT_WHITELIST:
	action = "DUNNO";
	msg_info("action=%s client=%s network=%s sender=<%s> recipient=<%s> age=%d passes=%u",
		 greylist_action_name(dp->action), req->client_text,
		 STR(keys->network), req->sender, req->recipient,
		 dp->age, dp->client_count);
	break;
    case GREYLIST_ACT_ERROR:
	action = "DUNNO";
	msg_info("action=error client=%s sender=<%s> recipient=<%s> (database unavailable: not greylisted)",
		 req->client_text, req->sender, req->recipient);
	break;
    default:
	msg_panic("greylist_done: unexpected action %d", dp->action);
    }
    call->busy = 0;
    if (call->stream == 0) {			/* the client went away */
	greylist_conn_free(call);
	return;
    }
    attr_print_reply(call->stream, action);
    if (call->waiting) {
	call->waiting = 0;
	multi_server_resume(call->stream);
    }
}

/* greylist_request - one complete request */

static void greylist_request(VSTREAM *stream, GREYLIST_CONN *call)
{
    ATTR_REQUEST *attrs = call->attrs;
    GREYLIST_KEYS *keys = call->keys;
    int     status;

    status = greylist_request_parse(attrs, var_greylist_test_clock,
				    &call->req, greylist_why);
    if (status == GREYLIST_REQ_BAD) {
	greylist_stats.bad++;
	greylist_stats_count(GREYLIST_ACT_SKIP);
	msg_warn("%s: bad request: %s: answering DUNNO", vstream_name(stream),
		 STR(greylist_why));
	attr_print_reply(stream, "DUNNO");
	return;
    }
    if (status == GREYLIST_REQ_SKIP) {
	greylist_stats_count(GREYLIST_ACT_SKIP);
	if (msg_verbose)
	    msg_info("action=skip %s", STR(greylist_why));
	attr_print_reply(stream, "DUNNO");
	return;
    }
    call->stream = stream;
    call->now = event_time();
    if (call->req.test_time) {
	msg_warn("%s: using policy_test_time=%ld instead of the clock (greylist_test_clock = yes)",
		 vstream_name(stream), (long) call->req.test_time);
	call->now = call->req.test_time;
    }
    greylist_keys_build(keys, &call->req.client, var_greylist_ipv4_prefix,
			var_greylist_ipv6_prefix, call->req.sender,
			call->req.recipient);
    if (msg_verbose)
	msg_info("lookup %s", STR(keys->triplet) + 1);
    call->busy = 1;
    greylist_store->decide(greylist_store, keys, call->now,
			   greylist_done, (void *) call);
    if (call->busy) {				/* it answers later */
	call->waiting = 1;
	multi_server_suspend(stream);
    }
}

/* greylist_service - serve what the client sent */

static void greylist_service(VSTREAM *stream, char *unused_service, char **argv)
{
    GREYLIST_CONN *call = (GREYLIST_CONN *) multi_server_context(stream);
    ATTR_REQUEST *attrs = call->attrs;

    if (argv[0])
	msg_fatal("unexpected command-line argument: %s", argv[0]);

    while (!call->waiting && !multi_server_drain_pending(stream)) {
	switch (attr_scan(attrs, stream, VSTREAM_NOWAIT)) {
	case ATTR_SCAN_AGAIN:
	    return;
	case ATTR_SCAN_EOF:
	    multi_server_disconnect(stream);
	    return;
	case ATTR_SCAN_ERROR:
	    greylist_stats.bad++;
	    msg_warn("%s: %s -- disconnecting", vstream_name(stream),
		     STR(attrs->why));
	    attr_request_reset(attrs);
	    multi_server_disconnect(stream);
	    return;
	case ATTR_SCAN_DONE:
	    greylist_request(stream, call);
	    /* Nothing buffered: let the event loop say when more arrives. */
	    if (vstream_bufcount(stream) == 0)
		return;
	    break;
	}
    }
}

/* greylist_post_accept - each connection has its own request reader */

static void greylist_post_accept(VSTREAM *stream, char *unused_service,
				         char **unused_argv)
{
    GREYLIST_CONN *call = (GREYLIST_CONN *) mymalloc(sizeof(*call));

    memset((void *) call, 0, sizeof(*call));
    call->stream = stream;
    call->attrs = attr_request_create(&greylist_limits);
    call->keys = greylist_keys_create();
    multi_server_set_context(stream, (void *) call);
}

/* greylist_conn_free - forget a connection */

static void greylist_conn_free(GREYLIST_CONN *call)
{
    attr_request_free(call->attrs);
    greylist_keys_free(call->keys);
    myfree((void *) call);
}

/* greylist_pre_disconnect - forget the reader, and a half-read request */

static void greylist_pre_disconnect(VSTREAM *stream, char *unused_service,
				            char **unused_argv)
{
    GREYLIST_CONN *call = (GREYLIST_CONN *) multi_server_context(stream);
    ATTR_REQUEST *attrs;

    if (call == 0)
	return;
    attrs = call->attrs;

    /*
     * The skeleton closes a connection at end of input without calling
     * the service, so a request cut off between two reads ends here.
     */
    if (!call->busy && !attrs->complete
	&& (attrs->count > 0 || VSTRING_LEN(attrs->line) > 0)) {
	greylist_stats.bad++;
	msg_warn("%s: connection closed in the middle of a request, after %d attributes",
		 vstream_name(stream), attrs->count);
    }
    multi_server_set_context(stream, (void *) 0);

    /*
     * A request that the store has not answered yet is still decided and
     * logged; the answer goes nowhere.
     */
    if (call->busy)
	call->stream = 0;
    else
	greylist_conn_free(call);
}

/* greylist_check_config - what the parameter tables cannot check */

static void greylist_check_config(void)
{
    const char *err;
    const char *word;
    VSTRING *buf;
    size_t  len;

    if ((err = greylist_store_check_spec(var_greylist_database)) != 0)
	msg_fatal("%s: parameter %s: bad value \"%s\": %s",
		  mail_conf_source(VAR_GREYLIST_DATABASE), VAR_GREYLIST_DATABASE,
		  var_greylist_database, err);
    if (var_greylist_awl < 0)			/* the table has no lower bound */
	msg_fatal("%s: parameter %s: value \"%d\" is out of range (allowed: a number of at least 0; 0 turns auto-whitelisting off)",
		  mail_conf_source(VAR_GREYLIST_AWL), VAR_GREYLIST_AWL,
		  var_greylist_awl);
    if (var_greylist_retry_window <= var_greylist_delay)
	msg_fatal("parameter %s (%ds) must be longer than %s (%ds)",
		  VAR_GREYLIST_RETRY_WINDOW, var_greylist_retry_window,
		  VAR_GREYLIST_DELAY, var_greylist_delay);
    if (var_greylist_max_age < var_greylist_retry_window)
	msg_fatal("parameter %s (%ds) must not be shorter than %s (%ds)",
		  VAR_GREYLIST_MAX_AGE, var_greylist_max_age,
		  VAR_GREYLIST_RETRY_WINDOW, var_greylist_retry_window);

    /*
     * The defer action must defer, and expand.
     */
    word = var_greylist_defer_action;
    len = strcspn(word, " \t");
    if (!((len == 15 && strncasecmp(word, "DEFER_IF_PERMIT", len) == 0)
	  || (len == 15 && strncasecmp(word, "DEFER_IF_REJECT", len) == 0)
	  || (len == 5 && strncasecmp(word, "DEFER", len) == 0)
	  || (len == 3 && word[0] == '4' && word[1] >= '0' && word[1] <= '9'
	      && word[2] >= '0' && word[2] <= '9' && word[len] != 0)))
	msg_fatal("%s: parameter %s: bad value \"%.100s\" (allowed: DEFER_IF_PERMIT, DEFER_IF_REJECT or DEFER, or a 4XX code followed by text, then an optional text that may use $delay and $remaining)",
		  mail_conf_source(VAR_GREYLIST_DEFER_ACTION),
		  VAR_GREYLIST_DEFER_ACTION, var_greylist_defer_action);
    buf = vstring_alloc(100);
    if (mac_expand(buf, var_greylist_defer_action, greylist_expand_lookup,
		   (void *) 0, greylist_expand_why) != MAC_EXPAND_OK)
	msg_fatal("%s: parameter %s: bad value \"%.100s\": %s",
		  mail_conf_source(VAR_GREYLIST_DEFER_ACTION),
		  VAR_GREYLIST_DEFER_ACTION, var_greylist_defer_action,
		  STR(greylist_expand_why));
    if (strchr(STR(buf), '\n'))
	msg_fatal("parameter %s: newline in value", VAR_GREYLIST_DEFER_ACTION);
    vstring_free(buf);
}

/* greylist_pre_init - check and prepare the database directory */

static void greylist_pre_init(char *unused_service, char **unused_argv)
{
    const char *path;
    char   *copy;
    char   *dir;
    struct stat st;
    struct passwd *pw;

    greylist_expand_why = vstring_alloc(100);
    greylist_check_config();
    (void) umask(077);

    /*
     * The seed's warning: never in a directory that everybody can write.
     */
    path = var_greylist_database + 6;
    copy = mystrdup(path);
    dir = dirname(copy);
    if (stat(dir, &st) < 0) {
	if (errno != ENOENT)
	    msg_fatal("%s: database directory %s: %m", VAR_GREYLIST_DATABASE, dir);
	if (mkdir(dir, 0700) < 0)
	    msg_fatal("%s: cannot create database directory %s: %m",
		      VAR_GREYLIST_DATABASE, dir);
	msg_info("created database directory %s", dir);
	if (getuid() == 0 && multi_server_mode != MULTI_SERVER_MODE_STDIN
	    && (pw = getpwnam(var_mail_owner)) != 0
	    && chown(dir, pw->pw_uid, pw->pw_gid) < 0)
	    msg_fatal("chown %s to %s: %m", dir, var_mail_owner);
	if (stat(dir, &st) < 0)
	    msg_fatal("stat %s: %m", dir);
    }
    if (!S_ISDIR(st.st_mode))
	msg_fatal("%s: %s is not a directory", VAR_GREYLIST_DATABASE, dir);
    if (st.st_mode & S_IWOTH)
	msg_fatal("%s: the database directory %s is writable by everybody; do not keep the greylist database in a world-writable directory such as /tmp: use a directory that only the greylistd user can write",
		  VAR_GREYLIST_DATABASE, dir);
    myfree(copy);
}

/* greylist_post_init - open the database, start the timers */

static void greylist_post_init(char *unused_service, char **unused_argv)
{
    int     flags;
    GREYLIST_THREAD_LIMITS limits;

    greylist_policy.delay = var_greylist_delay;
    greylist_policy.retry_window = var_greylist_retry_window;
    greylist_policy.max_age = var_greylist_max_age;
    greylist_policy.awl_threshold = var_greylist_awl;
    greylist_policy.refresh = var_greylist_max_age / 100 < 3600 ?
	var_greylist_max_age / 100 : 3600;

    greylist_limits.line_limit = var_greylist_line_limit;
    greylist_limits.count_limit = var_greylist_attr_limit;
    greylist_limits.size_limit = var_greylist_size_limit;
    greylist_why = vstring_alloc(100);
    greylist_reply = vstring_alloc(100);
    greylist_defer_reply = vstring_alloc(100);

    if (var_greylist_test_clock)
	msg_warn("%s = yes: requests may set the clock with policy_test_time; this is a testing aid, never use it in production",
		 VAR_GREYLIST_TEST_CLOCK);

    flags = (multi_server_mode == MULTI_SERVER_MODE_STDIN ?
	     GREYLIST_STORE_FLAG_PER_REQUEST : 0);
    greylist_store = greylist_store_open(var_greylist_database, &greylist_policy,
					 flags, var_greylist_lock_timeout);
    if (!(flags & GREYLIST_STORE_FLAG_PER_REQUEST)) {
	limits.commit_ms = var_greylist_commit * 1000;
	limits.expire_interval = var_greylist_expire;
	limits.expire_rate = GREYLIST_EXPIRE_RATE;
	limits.cache_size = GREYLIST_CACHE_SIZE;
	limits.queue_limit = GREYLIST_QUEUE_LIMIT;
	greylist_store = greylist_store_thread_open(greylist_store, &limits);
	greylist_stats_start(var_greylist_stats, greylist_store);
	msg_info("%s: database %s, delay %ds, retry window %ds, max age %ds, auto-whitelist after %d passes",
		 MAIL_VERSION_STAMP, var_greylist_database, var_greylist_delay,
		 var_greylist_retry_window, var_greylist_max_age, var_greylist_awl);
    }
}

/* greylist_exit - close the database cleanly */

static void greylist_exit(char *unused_service, char **unused_argv)
{
    if (greylist_store) {
	if (multi_server_mode != MULTI_SERVER_MODE_STDIN)
	    greylist_stats_log("exit", greylist_store);
	greylist_store->close(greylist_store);
	greylist_store = 0;
    }
}

/* main - pass control to the multi-threaded skeleton */

int     main(int argc, char **argv)
{
    static const CONFIG_STR_TABLE str_table[] = {
	{VAR_GREYLIST_DATABASE, DEF_GREYLIST_DATABASE, &var_greylist_database, 1, 0},
	{0},
    };
    static const CONFIG_RAW_TABLE raw_table[] = {
	{VAR_GREYLIST_DEFER_ACTION, DEF_GREYLIST_DEFER_ACTION, &var_greylist_defer_action, 1, 500},
	{0},
    };
    static const CONFIG_TIME_TABLE time_table[] = {
	{VAR_GREYLIST_DELAY, DEF_GREYLIST_DELAY, &var_greylist_delay, 0, 0},
	{VAR_GREYLIST_RETRY_WINDOW, DEF_GREYLIST_RETRY_WINDOW, &var_greylist_retry_window, 1, 0},
	{VAR_GREYLIST_MAX_AGE, DEF_GREYLIST_MAX_AGE, &var_greylist_max_age, 1, 0},
	{VAR_GREYLIST_COMMIT, DEF_GREYLIST_COMMIT, &var_greylist_commit, 1, 60},
	{VAR_GREYLIST_EXPIRE, DEF_GREYLIST_EXPIRE, &var_greylist_expire, 1, 86400},
	{VAR_GREYLIST_STATS, DEF_GREYLIST_STATS, &var_greylist_stats, 0, 0},
	{VAR_GREYLIST_LOCK_TIMEOUT, DEF_GREYLIST_LOCK_TIMEOUT, &var_greylist_lock_timeout, 1, 3600},
	{0},
    };
    static const CONFIG_INT_TABLE int_table[] = {
	{VAR_GREYLIST_AWL, DEF_GREYLIST_AWL, &var_greylist_awl, 0, 0},
	{VAR_GREYLIST_IPV4_PREFIX, DEF_GREYLIST_IPV4_PREFIX, &var_greylist_ipv4_prefix, 1, 32},
	{VAR_GREYLIST_IPV6_PREFIX, DEF_GREYLIST_IPV6_PREFIX, &var_greylist_ipv6_prefix, 1, 128},
	{VAR_GREYLIST_LINE_LIMIT, DEF_GREYLIST_LINE_LIMIT, &var_greylist_line_limit, 100, 1000000},
	{VAR_GREYLIST_ATTR_LIMIT, DEF_GREYLIST_ATTR_LIMIT, &var_greylist_attr_limit, 10, 10000},
	{VAR_GREYLIST_SIZE_LIMIT, DEF_GREYLIST_SIZE_LIMIT, &var_greylist_size_limit, 1000, 10000000},
	{0},
    };
    static const CONFIG_BOOL_TABLE bool_table[] = {
	{VAR_GREYLIST_PREPEND, DEF_GREYLIST_PREPEND, &var_greylist_prepend},
	{VAR_GREYLIST_TEST_CLOCK, DEF_GREYLIST_TEST_CLOCK, &var_greylist_test_clock},
	{0},
    };

    multi_server_main(argc, argv, greylist_service,
		      CA_MAIL_SERVER_STR_TABLE(str_table),
		      CA_MAIL_SERVER_RAW_TABLE(raw_table),
		      CA_MAIL_SERVER_TIME_TABLE(time_table),
		      CA_MAIL_SERVER_INT_TABLE(int_table),
		      CA_MAIL_SERVER_BOOL_TABLE(bool_table),
		      CA_MAIL_SERVER_PRE_INIT(greylist_pre_init),
		      CA_MAIL_SERVER_POST_INIT(greylist_post_init),
		      CA_MAIL_SERVER_POST_ACCEPT(greylist_post_accept),
		      CA_MAIL_SERVER_PRE_DISCONN(greylist_pre_disconnect),
		      CA_MAIL_SERVER_EXIT(greylist_exit),
		      CA_MAIL_SERVER_SOLITARY,
		      CA_MAIL_SERVER_CONF_FILE("greylistd.cf"),
		      CA_MAIL_SERVER_PARAM_PREFIX("greylist_"),
		      CA_MAIL_SERVER_VERSION(MAIL_VERSION_STAMP),
		      CA_MAIL_SERVER_END);
}
