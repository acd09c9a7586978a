/*++
/* NAME
/*	policy-bench 1
/* SUMMARY
/*	load generator for SMTPD access policy servers
/* SYNOPSIS
/*	\fBpolicy-bench\fR [\fB-u\fR] [\fB-c \fIconnections\fR] [\fB-n \fIrequests\fR]
/*	[\fB-d \fIseconds\fR] [\fB-r \fIretry_share\fR] [\fB-s \fIseed\fR]
/*	[\fB-6 \fIipv6_share\fR] [\fB-0 \fInull_sender_share\fR]
/*	[\fB-w \fIwarmup\fR] [\fB-T \fItimeout_ms\fR] [\fIlong options\fR]
/*	\fBunix:\fIpath\fR | \fBinet:\fIhost\fB:\fIport\fR
/* DESCRIPTION
/*	\fBpolicy-bench\fR plays a pool of Postfix smtpd(8) processes that
/*	talk to an SMTPD access policy server (check_policy_service), as
/*	smtp-source(1) plays SMTP clients. Each of the \fIconnections\fR is
/*	one smtpd process with one persistent connection: it sends one
/*	request, waits for the reply, and sends the next one at once (a
/*	closed loop). The run stops after \fIrequests\fR measured requests
/*	or \fIseconds\fR seconds, whichever comes first. One thread drives
/*	every connection through epoll(7) over non-blocking sockets.
/*
/*	It works with any policy server (greylistd, postgrey, a script
/*	under spawn(8)): it only speaks the protocol. Before the clock
/*	starts, every connection is opened and sends \fIwarmup\fR
/*	unmeasured requests (default 1), so that one-time costs (a process
/*	spawned per connection, a database opened on first use) stay out
/*	of the figures.
/*
/*	A request is the attribute list that Postfix 3.7 sends at the
/*	RCPT stage (about 700 bytes): request, protocol_state=RCPT,
/*	protocol_name, client_address, client_name, client_port,
/*	reverse_client_name, server_address, server_port, helo_name,
/*	sender, recipient, recipient_count, queue_id, instance, size,
/*	etrn_domain, stress, the (empty) sasl_* and ccert_* attributes,
/*	encryption_* (60% of requests use TLS 1.3), policy_context,
/*	compatibility_level, mail_version, and an empty line.
/* WORKLOAD
/* .ad
/* .fi
/*	Everything a request holds is a function of the seed and of the
/*	request's sequence number, so that the same command line sends the
/*	same triplets at any concurrency. Each request either uses a new
/*	(client, sender, recipient) triplet or, with probability
/*	\fIretry_share\fR, repeats the triplet of one of the previous
/*	\fB--window\fR requests, chosen uniformly. Client addresses come
/*	from 198.18.0.0/15 (RFC 2544, spread over many /24 networks) and,
/*	for the IPv6 share, one /64 each in 2001:db8::/32 (RFC 3849). Each
/*	client always has the same names and HELO: 75% have a
/*	forward-confirmed name, 10% only a PTR name, 15% none.
/* OPTIONS
/* .IP "\fB-c \fIconnections\fR, \fB--connections\fR (default 10)"
/*	Concurrent connections (simulated smtpd processes).
/* .IP "\fB-n \fIrequests\fR, \fB--requests\fR (default 20000 without -d)"
/*	Measured requests.
/* .IP "\fB-d \fIseconds\fR, \fB--duration\fR"
/*	Stop after this time.
/* .IP "\fB-r \fIshare\fR, \fB--retry\fR (default 0.3)"
/*	The share of requests that repeat an earlier triplet.
/* .IP "\fB-u\fR, \fB--unique\fR"
/*	Every triplet is new (all inserts, no null sender): the worst
/*	case for a greylisting server.
/* .IP "\fB-s \fIseed\fR, \fB--seed\fR (default 1)"
/*	Workload seed.
/* .IP "\fB-6 \fIshare\fR, \fB--ipv6\fR (default 0.2)"
/*	The share of clients that use IPv6.
/* .IP "\fB-0 \fIshare\fR, \fB--null-sender\fR (default 0.05)"
/*	The share of requests with the null sender (sender=, bounces).
/* .IP "\fB--clients \fIN\fR (5000), \fB--senders \fIN\fR (20000), \fB--recipients \fIN\fR (2000)"
/*	Distinct clients, senders and recipients (in four domains).
/* .IP "\fB--window \fIN\fR (10000)"
/*	How far back a retry reaches.
/* .IP "\fB-w \fIN\fR, \fB--warmup\fR (default 1)"
/*	Unmeasured requests per connection before the clock starts.
/* .IP "\fB-T \fIms\fR, \fB--timeout\fR (default 5000)"
/*	How long a reply may take.
/* .IP \fB-v\fR
/*	Verbose: report connection errors as they happen.
/* REPLY CHECKS
/* .ad
/* .fi
/*	A reply must be \fIname\fB=\fIvalue\fR lines with exactly one
/*	\fBaction\fR among them, ended by an empty line, and nothing after
/*	it. Other attributes are skipped (as Postfix does) and counted.
/*	Each of these is an error, after which the connection is closed
/*	and not opened again: a reply without an action or with two, a
/*	line without "=", data after the empty line, a reply that does not
/*	come within the timeout, a connection that the server closes or
/*	resets. Actions are counted by their first word, in upper case.
/* OUTPUT
/* .ad
/* .fi
/*	A summary on standard output:
/* .nf
/*	requests      100000 (first-time triplet 69974, returning 30026)
/*	seconds       1.559
/*	req/s         64138.6
/*	latency_us    p50=134.1 p90=195.6 p99=284.7 p99.9=1900.5 max=5228.2
/*	actions       DUNNO=100000
/*	errors        0 (connect=0 reset=0 closed=0 malformed=0 timeout=0)
/*	RESULT rps=64138.6 p50_us=134.1 p90_us=195.6 p99_us=284.7 p999_us=1900.5 max_us=5228.2 errors=0 requests=100000 seconds=1.559
/* .fi
/*	Latency runs from the first byte of a request to the end of its
/*	reply. Percentiles come from a log-linear histogram with a relative
/*	error under 1%. The RESULT line has the format of the policy-load
/*	tool of the project's benchmark kit, so that scripts read either.
/* SECURITY
/* .ad
/* .fi
/*	The target must be a UNIX-domain socket or a loopback address:
/*	run policy-bench on the policy server's own host. It is a load
/*	test; never point it at a production server that serves mail.
/* DIAGNOSTICS
/*	Exit status 0 when every request got a valid reply, 1 after any
/*	error, 2 for a usage error.
/* SEE ALSO
/*	greylistd(8), the greylisting policy server
/*	smtp-source(1), SMTP load generator
/* README FILES
/*	SMTPD_POLICY_README, the Postfix policy delegation protocol
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <msg_output.h>
#include <mymalloc.h>

 /*
  * Limits.
  */
#define PB_REQUEST_MAX	2048		/* one formatted request */
#define PB_REPLY_MAX	4096		/* one buffered reply */
#define PB_ACTIONS	32		/* distinct action words kept */
#define PB_WORD_MAX	32		/* longest action word kept */
#define PB_TICK_MS	20		/* timeout scan interval */
#define PB_EVENTS	256		/* epoll_wait batch */

 /*
  * Command line.
  */
static const char *pb_target;
static unsigned pb_conns = 10;
static uint64_t pb_requests;
static double pb_duration;
static unsigned pb_warmup = 1;
static unsigned pb_timeout_ms = 5000;

 /*
  * Workload model.
  */
static uint64_t wl_seed = 1;
static unsigned wl_clients = 5000;
static double wl_ipv6 = 0.2;
static unsigned wl_senders = 20000;
static unsigned wl_recipients = 2000;
static double wl_retry = 0.3;
static unsigned wl_window = 10000;
static double wl_null = 0.05;
static int wl_unique;

 /*
  * Latency histogram over nanoseconds: values below 256 exactly, then 128
  * sub-buckets per power of two (relative error below 1/128).
  */
#define HIST_SUB	128
#define HIST_MAX_EXP	50
#define HIST_BUCKETS	(2 * HIST_SUB + (HIST_MAX_EXP - 8 + 1) * HIST_SUB)

typedef struct PB_HIST {
    uint64_t count[HIST_BUCKETS];
    uint64_t total;
    uint64_t max;
} PB_HIST;

 /*
  * Results.
  */
enum {
    PB_ERR_CONNECT, PB_ERR_RESET, PB_ERR_CLOSED, PB_ERR_MALFORMED,
    PB_ERR_TIMEOUT, PB_ERR_COUNT,
};

static const char *pb_err_names[PB_ERR_COUNT] = {
    "connect", "reset", "closed", "malformed", "timeout",
};

typedef struct PB_ACTION {
    char    word[PB_WORD_MAX];
    uint64_t count;
} PB_ACTION;

typedef struct PB_STATS {
    PB_HIST latency;
    uint64_t replies;
    uint64_t first_time;
    uint64_t returning;
    uint64_t extra_attrs;
    uint64_t errors[PB_ERR_COUNT];
    PB_ACTION actions[PB_ACTIONS];
    int     nactions;
} PB_STATS;

static PB_STATS pb_stats;

 /*
  * One simulated smtpd process.
  */
typedef struct PB_CONN {
    int     fd;				/* socket, -1 when retired */
    unsigned id;			/* connection number */
    uint64_t seq;			/* request in flight */
    int     first_time;			/* it uses a new triplet */
    char    out[PB_REQUEST_MAX];	/* request */
    size_t  out_len;
    size_t  out_done;
    char    in[PB_REPLY_MAX];		/* reply so far */
    size_t  in_len;
    uint64_t sent_ns;			/* first byte sent */
    int     want_out;			/* EPOLLOUT registered */
} PB_CONN;

static PB_CONN *pb_conn_tab;
static int pb_epfd;
static unsigned pb_live;
static uint64_t pb_next_seq;		/* workload sequence */
static uint64_t pb_issued;		/* measured requests started */
static uint64_t pb_end_ns;		/* 0: no time limit */
static struct sockaddr_storage pb_addr;
static socklen_t pb_addr_len;

/* now_ns - monotonic nanoseconds */

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec);
}

/* mix - splitmix64 finalizer */

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return (z ^ (z >> 31));
}

 /*
  * A small deterministic generator per (purpose, index).
  */
typedef struct PB_RNG {
    uint64_t state;
} PB_RNG;

#define PB_RNG_RETRY	1
#define PB_RNG_TRIPLET	2
#define PB_RNG_SESSION	3
#define PB_RNG_CLIENT	4

static void rng_init(PB_RNG *r, int purpose, uint64_t index)
{
    r->state = mix(wl_seed * 0x2545f4914f6cdd1du + (uint64_t) purpose)
	^ mix(index + ((uint64_t) purpose << 56));
}

static uint64_t rng_next(PB_RNG *r)
{
    r->state += 0x9e3779b97f4a7c15u;
    return (mix(r->state));
}

static double rng_unit(PB_RNG *r)
{
    return ((double) (rng_next(r) >> 11) * (1.0 / 9007199254740992.0));
}

static unsigned rng_below(PB_RNG *r, unsigned n)
{
    return ((unsigned) (rng_next(r) % n));
}

 /*
  * The triplet of one request.
  */
typedef struct PB_TRIPLET {
    uint64_t origin;			/* request that used it first */
    unsigned client;
    unsigned sender;
    unsigned recipient;
    int     null_sender;
} PB_TRIPLET;

/* pick_triplet - the triplet of request seq */

static void pick_triplet(uint64_t seq, PB_TRIPLET *tp)
{
    uint64_t origin = seq;
    uint64_t back;
    PB_RNG  r;

    /*
     * A retry repeats an earlier request, which may itself be a retry:
     * follow the chain to the first use. Each step goes back, so it ends.
     */
    while (!wl_unique && origin > 0) {
	rng_init(&r, PB_RNG_RETRY, origin);
	if (rng_unit(&r) >= wl_retry)
	    break;
	back = origin < wl_window ? origin : wl_window;
	origin -= 1 + rng_next(&r) % back;
    }
    rng_init(&r, PB_RNG_TRIPLET, origin);
    tp->origin = origin;
    tp->client = rng_below(&r, wl_clients);
    tp->sender = rng_below(&r, wl_senders);
    tp->recipient = rng_below(&r, wl_recipients);
    tp->null_sender = !wl_unique && rng_unit(&r) < wl_null;
}

/* format_request - Postfix 3.7's RCPT-stage policy request */

static size_t format_request(uint64_t seq, const PB_TRIPLET *tp,
			             unsigned conn_id, char *buf, size_t len)
{
    char    addr[64];
    char    name[96];
    char    rname[96];
    char    helo[128];
    char    sender[128];
    PB_RNG  cr;
    PB_RNG  sr;
    int     ipv6;
    unsigned kind;
    unsigned h;
    unsigned tls;
    unsigned port;
    unsigned size;
    uint32_t a;
    int     n;

    /*
     * The client: always the same address, names and HELO.
     */
    rng_init(&cr, PB_RNG_CLIENT, tp->client);
    ipv6 = rng_unit(&cr) < wl_ipv6;
    kind = rng_below(&cr, 100);
    h = (unsigned) rng_next(&cr);
    if (ipv6) {
	snprintf(addr, sizeof(addr), "2001:db8:%x:%x::%x",
		 (tp->client >> 16) & 0xffff, tp->client & 0xffff, 1 + (h & 0xff));
    } else {
	a = 0xc6120000u | ((tp->client * 40503u + (h & 0xff)) & 0x1ffffu);
	snprintf(addr, sizeof(addr), "%u.%u.%u.%u",
		 a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
    }
    if (kind < 75) {
	snprintf(name, sizeof(name), "mx%u.c%u.example", tp->client, h % 991);
	snprintf(rname, sizeof(rname), "%s", name);
	snprintf(helo, sizeof(helo), "%s", name);
    } else if (kind < 85) {
	snprintf(name, sizeof(name), "unknown");
	snprintf(rname, sizeof(rname), "dyn-%u.pool%u.example", tp->client, h % 47);
	snprintf(helo, sizeof(helo), "%s", rname);
    } else {
	snprintf(name, sizeof(name), "unknown");
	snprintf(rname, sizeof(rname), "unknown");
	snprintf(helo, sizeof(helo), ipv6 ? "[IPv6:%s]" : "[%s]", addr);
    }

    /*
     * The sender. Unique senders have letters around the number, because
     * some servers (postgrey) replace bare numbers in the local part.
     */
    if (tp->null_sender)
	sender[0] = 0;
    else if (wl_unique)
	snprintf(sender, sizeof(sender), "b%" PRIx64 "q%u@s%u.example",
		 seq, tp->sender, tp->sender % 1013);
    else
	snprintf(sender, sizeof(sender), "sender%u@s%u.example",
		 tp->sender, tp->sender % 1013);

    /*
     * What changes with every session.
     */
    rng_init(&sr, PB_RNG_SESSION, seq);
    tls = rng_below(&sr, 100) < 60;
    port = 1024 + rng_below(&sr, 64511);
    size = rng_below(&sr, 4) ? 1000 + rng_below(&sr, 200000) : 0;

    n = snprintf(buf, len,
		 "request=smtpd_access_policy\n"
		 "protocol_state=RCPT\n"
		 "protocol_name=ESMTP\n"
		 "client_address=%s\n"
		 "client_name=%s\n"
		 "client_port=%u\n"
		 "reverse_client_name=%s\n"
		 "server_address=198.51.100.10\n"
		 "server_port=25\n"
		 "helo_name=%s\n"
		 "sender=%s\n"
		 "recipient=user%u@dom%u.example\n"
		 "recipient_count=0\n"
		 "queue_id=\n"
		 "instance=%x.%" PRIx64 ".%x.0\n"
		 "size=%u\n"
		 "etrn_domain=\n"
		 "stress=\n"
		 "sasl_method=\n"
		 "sasl_username=\n"
		 "sasl_sender=\n"
		 "ccert_subject=\n"
		 "ccert_issuer=\n"
		 "ccert_fingerprint=\n"
		 "ccert_pubkey_fingerprint=\n"
		 "encryption_protocol=%s\n"
		 "encryption_cipher=%s\n"
		 "encryption_keysize=%u\n"
		 "policy_context=\n"
		 "compatibility_level=3.6\n"
		 "mail_version=3.7.11\n"
		 "\n",
		 addr, name, port, rname, helo, sender,
		 tp->recipient, tp->recipient % 4,
		 0x1000 + conn_id, seq, (unsigned) (seq % 1000000), size,
		 tls ? "TLSv1.3" : "",
		 tls ? "TLS_AES_256_GCM_SHA384" : "",
		 tls ? 256 : 0);
    if (n < 0 || (size_t) n >= len)
	msg_panic("request %" PRIu64 " does not fit in %lu bytes",
		  seq, (unsigned long) len);
    return ((size_t) n);
}

/* hist_index - bucket of a value */

static unsigned hist_index(uint64_t v)
{
    unsigned e;
    unsigned shift;

    if (v < 2 * HIST_SUB)
	return ((unsigned) v);
    if (v >= (UINT64_C(1) << (HIST_MAX_EXP + 1)))
	v = (UINT64_C(1) << (HIST_MAX_EXP + 1)) - 1;
    e = 63 - (unsigned) __builtin_clzll(v);	/* >= 8 */
    shift = e - 7;
    return (2 * HIST_SUB + (e - 8) * HIST_SUB + (unsigned) ((v >> shift) - HIST_SUB));
}

/* hist_top - largest value of a bucket */

static uint64_t hist_top(unsigned idx)
{
    unsigned e;
    uint64_t mant;

    if (idx < 2 * HIST_SUB)
	return (idx);
    e = (idx - 2 * HIST_SUB) / HIST_SUB + 8;
    mant = HIST_SUB + (idx - 2 * HIST_SUB) % HIST_SUB;
    return (((mant + 1) << (e - 7)) - 1);
}

static void hist_add(PB_HIST *h, uint64_t v)
{
    h->count[hist_index(v)]++;
    h->total++;
    if (v > h->max)
	h->max = v;
}

/* hist_pct - smallest value that p percent of the samples do not exceed */

static uint64_t hist_pct(const PB_HIST *h, double p)
{
    uint64_t want = (uint64_t) (p * (double) h->total / 100.0 + 0.999999);
    uint64_t seen = 0;
    unsigned i;
    uint64_t top;

    if (want == 0)
	want = 1;
    for (i = 0; i < HIST_BUCKETS; i++) {
	if ((seen += h->count[i]) >= want) {
	    top = hist_top(i);
	    return (top < h->max ? top : h->max);
	}
    }
    return (h->max);
}

/* count_action - tally the first word of an action */

static void count_action(const char *val, size_t len)
{
    PB_STATS *st = &pb_stats;
    char    word[PB_WORD_MAX];
    size_t  n = 0;
    int     i;

    while (n < len && n < sizeof(word) - 1 && !isspace((unsigned char) val[n])) {
	word[n] = (char) toupper((unsigned char) val[n]);
	n++;
    }
    word[n] = 0;
    if (n == 0)
	snprintf(word, sizeof(word), "(empty)");
    for (i = 0; i < st->nactions; i++)
	if (strcmp(st->actions[i].word, word) == 0)
	    break;
    if (i == st->nactions) {
	if (i == PB_ACTIONS) {
	    i = PB_ACTIONS - 1;
	    snprintf(st->actions[i].word, PB_WORD_MAX, "(other)");
	} else {
	    memcpy(st->actions[i].word, word, strlen(word) + 1);
	    st->nactions++;
	}
    }
    st->actions[i].count++;
}

/* parse_reply - 0: incomplete, 1: valid (counted when asked), -1: bad */

static int parse_reply(PB_CONN *c, int count)
{
    const char *cp = c->in;
    const char *end = c->in + c->in_len;
    const char *action = 0;
    size_t  action_len = 0;
    unsigned extra = 0;
    const char *nl;
    const char *eq;

    for (;;) {
	if ((nl = memchr(cp, '\n', end - cp)) == 0)
	    return (c->in_len >= sizeof(c->in) ? -1 : 0);
	if (nl == cp) {
	    if (action == 0 || nl + 1 != end)
		return (-1);
	    if (count) {
		count_action(action, action_len);
		pb_stats.extra_attrs += extra;
	    }
	    return (1);
	}
	if ((eq = memchr(cp, '=', nl - cp)) == 0 || eq == cp)
	    return (-1);
	if (eq - cp == 6 && memcmp(cp, "action", 6) == 0) {
	    if (action)
		return (-1);
	    action = eq + 1;
	    action_len = nl - action;
	} else {
	    extra++;
	}
	cp = nl + 1;
    }
}

/* prepare - the next request of a connection */

static void prepare(PB_CONN *c)
{
    PB_TRIPLET t;

    c->seq = pb_next_seq++;
    pick_triplet(c->seq, &t);
    c->first_time = (t.origin == c->seq);
    c->out_len = format_request(c->seq, &t, c->id, c->out, sizeof(c->out));
    c->out_done = 0;
    c->in_len = 0;
}

/* conn_fail - count an error, retire the connection */

static void conn_fail(PB_CONN *c, int why)
{
    pb_stats.errors[why]++;
    if (msg_verbose)
	msg_warn("connection %u: %s", c->id, pb_err_names[why]);
    (void) close(c->fd);
    c->fd = -1;
    pb_live--;
}

/* conn_done - the run is over for this connection */

static void conn_done(PB_CONN *c)
{
    (void) close(c->fd);
    c->fd = -1;
    pb_live--;
}

/* flush - write what the socket takes; -1 on error */

static int flush(PB_CONN *c)
{
    ssize_t n;

    while (c->out_done < c->out_len) {
	n = send(c->fd, c->out + c->out_done, c->out_len - c->out_done,
		 MSG_NOSIGNAL);
	if (n < 0) {
	    if (errno == EINTR)
		continue;
	    if (errno == EAGAIN)
		return (0);
	    return (-1);
	}
	c->out_done += n;
    }
    return (0);
}

/* interest - ask for writability only while output is pending */

static void interest(PB_CONN *c)
{
    struct epoll_event ev;
    int     want = c->out_done < c->out_len;

    if (want == c->want_out)
	return;
    ev.events = EPOLLIN | (want ? EPOLLOUT : 0);
    ev.data.ptr = (void *) c;
    if (epoll_ctl(pb_epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
	msg_fatal("epoll_ctl: %m");
    c->want_out = want;
}

/* start - send the next measured request, or end this connection */

static void start(PB_CONN *c, uint64_t now)
{
    if ((pb_end_ns && now >= pb_end_ns)
	|| (pb_requests && pb_issued >= pb_requests)) {
	conn_done(c);
	return;
    }
    pb_issued++;
    prepare(c);
    c->sent_ns = now;
    if (flush(c) < 0) {
	conn_fail(c, PB_ERR_RESET);
	return;
    }
    interest(c);
}

/* input - read reply data; a complete reply starts the next request */

static void input(PB_CONN *c)
{
    ssize_t n;
    int     status;
    uint64_t done;

    for (;;) {
	n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
	if (n > 0)
	    break;
	if (n < 0 && errno == EINTR)
	    continue;
	if (n < 0 && errno == EAGAIN)
	    return;
	conn_fail(c, n < 0 && errno == ECONNRESET ? PB_ERR_RESET : PB_ERR_CLOSED);
	return;
    }
    c->in_len += n;
    if ((status = parse_reply(c, 1)) == 0)
	return;
    if (status < 0) {
	conn_fail(c, PB_ERR_MALFORMED);
	return;
    }
    done = now_ns();
    hist_add(&pb_stats.latency, done - c->sent_ns);
    pb_stats.replies++;
    if (c->first_time)
	pb_stats.first_time++;
    else
	pb_stats.returning++;
    start(c, done);
}

/* connect_target - blocking connect */

static int connect_target(void)
{
    int     fd;
    int     on = 1;
    int     saved;

    if ((fd = socket(pb_addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
	msg_fatal("socket: %m");
    if (connect(fd, (struct sockaddr *) &pb_addr, pb_addr_len) < 0) {
	saved = errno;
	(void) close(fd);
	errno = saved;
	return (-1);
    }
    if (pb_addr.ss_family != AF_UNIX)
	(void) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    return (fd);
}

/* warm_up - unmeasured requests on a blocking socket; -1 or error kind */

static int warm_up(PB_CONN *c)
{
    struct pollfd pfd;
    unsigned i;
    ssize_t n;
    int     status;

    for (i = 0; i < pb_warmup; i++) {
	prepare(c);
	while (c->out_done < c->out_len) {
	    n = send(c->fd, c->out + c->out_done, c->out_len - c->out_done,
		     MSG_NOSIGNAL);
	    if (n < 0 && errno != EINTR)
		return (PB_ERR_RESET);
	    if (n > 0)
		c->out_done += n;
	}
	for (status = 0; status == 0; /* void */ ) {
	    pfd.fd = c->fd;
	    pfd.events = POLLIN;
	    if (poll(&pfd, 1, (int) pb_timeout_ms) == 0)
		return (PB_ERR_TIMEOUT);
	    n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
	    if (n < 0 && errno == EINTR)
		continue;
	    if (n <= 0)
		return (n == 0 ? PB_ERR_CLOSED : PB_ERR_RESET);
	    c->in_len += n;
	    status = parse_reply(c, 0);
	}
	if (status < 0)
	    return (PB_ERR_MALFORMED);
    }
    return (-1);
}

/* parse_target - unix:path or inet:host:port, loopback only */

static void parse_target(const char *target)
{
    struct sockaddr_un *sun;
    struct addrinfo hints;
    struct addrinfo *res;
    const char *port;
    char    host[256];
    size_t  hlen;
    int     err;
    int     loopback;

    memset((void *) &pb_addr, 0, sizeof(pb_addr));
    if (strncmp(target, "unix:", 5) == 0) {
	sun = (struct sockaddr_un *) &pb_addr;
	if (strlen(target + 5) >= sizeof(sun->sun_path))
	    msg_fatal_status(2, "socket path too long: %s", target + 5);
	sun->sun_family = AF_UNIX;
	strcpy(sun->sun_path, target + 5);
	pb_addr_len = sizeof(*sun);
	return;
    }
    if (strncmp(target, "inet:", 5) != 0)
	msg_fatal_status(2, "target must be unix:PATH or inet:HOST:PORT, not \"%s\"",
			 target);
    if ((port = strrchr(target + 5, ':')) == 0 || port[1] == 0)
	msg_fatal_status(2, "expected inet:HOST:PORT, not \"%s\"", target);
    hlen = port - (target + 5);
    if (hlen == 0 || hlen >= sizeof(host))
	msg_fatal_status(2, "bad host in \"%s\"", target);
    memcpy(host, target + 5, hlen);
    host[hlen] = 0;
    if (host[0] == '[' && host[hlen - 1] == ']') {
	memmove(host, host + 1, hlen - 2);
	host[hlen - 2] = 0;
    }
    memset((void *) &hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    if ((err = getaddrinfo(host, port + 1, &hints, &res)) != 0)
	msg_fatal_status(2, "%s: %s", target, gai_strerror(err));
    memcpy((void *) &pb_addr, res->ai_addr, res->ai_addrlen);
    pb_addr_len = res->ai_addrlen;
    freeaddrinfo(res);
    if (pb_addr.ss_family == AF_INET)
	loopback = (ntohl(((struct sockaddr_in *) &pb_addr)->sin_addr.s_addr) >> 24) == 127;
    else
	loopback = IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *) &pb_addr)->sin6_addr);
    if (!loopback)
	msg_fatal_status(2, "%s is not a loopback address: run policy-bench on the server's own host", host);
}

/* number - parse a numeric option */

static double number(const char *name, const char *s, double lo, double hi)
{
    char   *end;
    double  v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || v < lo || v > hi)
	msg_fatal_status(2, "bad %s value \"%s\": expected a number from %g to %g",
			 name, s, lo, hi);
    return (v);
}

/* usage - say how */

static NORETURN usage(const char *myname)
{
    fprintf(stderr,
	    "usage: %s [options] unix:PATH | inet:HOST:PORT\n"
	    "  -c N    connections (10)          -n N    measured requests (20000 without -d)\n"
	    "  -d SEC  duration limit            -r F    retry share (0.3)\n"
	    "  -u      every triplet is new      -s N    seed (1)\n"
	    "  -6 F    IPv6 client share (0.2)   -0 F    null-sender share (0.05)\n"
	    "  -w N    warm-up requests per connection (1)\n"
	    "  -T MS   reply timeout (5000)      -v      verbose\n"
	    "  --clients N (5000) --senders N (20000) --recipients N (2000) --window N (10000)\n",
	    myname);
    exit(2);
}

/* report - the summary */

static void report(double seconds)
{
    PB_STATS *st = &pb_stats;
    const PB_HIST *h = &st->latency;
    uint64_t errors = 0;
    double  rps = seconds > 0 ? (double) st->replies / seconds : 0;
    PB_ACTION tmp;
    int     i;
    int     j;

#define US(ns)	((double) (ns) / 1000.0)

    for (i = 0; i < PB_ERR_COUNT; i++)
	errors += st->errors[i];
    for (i = 1; i < st->nactions; i++)		/* few: insertion sort */
	for (j = i; j > 0 && strcmp(st->actions[j - 1].word, st->actions[j].word) > 0; j--) {
	    tmp = st->actions[j];
	    st->actions[j] = st->actions[j - 1];
	    st->actions[j - 1] = tmp;
	}
    printf("target        %s\n", pb_target);
    printf("connections   %u (warm-up %u per connection)\n", pb_conns, pb_warmup);
    if (wl_unique)
	printf("workload      seed=%" PRIu64 " unique triplets, clients=%u (ipv6 %.0f%%)\n",
	       wl_seed, wl_clients, 100 * wl_ipv6);
    else
	printf("workload      seed=%" PRIu64 " retry=%.2f window=%u clients=%u (ipv6 %.0f%%) senders=%u recipients=%u null-sender=%.2f\n",
	       wl_seed, wl_retry, wl_window, wl_clients, 100 * wl_ipv6,
	       wl_senders, wl_recipients, wl_null);
    printf("requests      %" PRIu64 " (first-time triplet %" PRIu64 ", returning %" PRIu64 ")\n",
	   st->replies, st->first_time, st->returning);
    printf("seconds       %.3f\n", seconds);
    printf("req/s         %.1f\n", rps);
    printf("latency_us    p50=%.1f p90=%.1f p99=%.1f p99.9=%.1f max=%.1f\n",
	   US(hist_pct(h, 50)), US(hist_pct(h, 90)), US(hist_pct(h, 99)),
	   US(hist_pct(h, 99.9)), US(h->max));
    printf("actions      ");
    for (i = 0; i < st->nactions; i++)
	printf(" %s=%" PRIu64, st->actions[i].word, st->actions[i].count);
    if (st->extra_attrs)
	printf(" (other reply attributes: %" PRIu64 ")", st->extra_attrs);
    printf("\nerrors        %" PRIu64 " (", errors);
    for (i = 0; i < PB_ERR_COUNT; i++)
	printf("%s%s=%" PRIu64, i ? " " : "", pb_err_names[i], st->errors[i]);
    printf(")\n");
    printf("RESULT rps=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f errors=%" PRIu64 " requests=%" PRIu64 " seconds=%.3f\n",
	   rps, US(hist_pct(h, 50)), US(hist_pct(h, 90)), US(hist_pct(h, 99)),
	   US(hist_pct(h, 99.9)), US(h->max), errors, st->replies, seconds);
    fflush(stdout);
}

/* main - set up, run the closed loop, report */

int     main(int argc, char **argv)
{
    static const struct option long_opts[] = {
	{"connections", required_argument, 0, 'c'},
	{"requests", required_argument, 0, 'n'},
	{"duration", required_argument, 0, 'd'},
	{"retry", required_argument, 0, 'r'},
	{"unique", no_argument, 0, 'u'},
	{"seed", required_argument, 0, 's'},
	{"ipv6", required_argument, 0, '6'},
	{"null-sender", required_argument, 0, '0'},
	{"warmup", required_argument, 0, 'w'},
	{"timeout", required_argument, 0, 'T'},
	{"clients", required_argument, 0, 'C'},
	{"senders", required_argument, 0, 'S'},
	{"recipients", required_argument, 0, 'R'},
	{"window", required_argument, 0, 'W'},
	{"threads", required_argument, 0, 't'},	/* policy-load compat */
	{0, 0, 0, 0},
    };
    struct epoll_event ev;
    struct epoll_event events[PB_EVENTS];
    const char *myname;
    PB_CONN *c;
    uint64_t start_ns;
    uint64_t now;
    uint64_t next_tick;
    uint64_t errors;
    unsigned i;
    int     ch;
    int     n;
    int     k;
    int     err;

    myname = (myname = strrchr(argv[0], '/')) ? myname + 1 : argv[0];
    msg_stderr_init(myname);
    msg_fatal_sleep = 0;

    while ((ch = getopt_long(argc, argv, "c:n:d:r:us:6:0:w:T:t:v", long_opts, 0)) > 0) {
	switch (ch) {
	case 'c':
	    pb_conns = (unsigned) number("-c", optarg, 1, 10000);
	    break;
	case 'n':
	    pb_requests = (uint64_t) number("-n", optarg, 1, 1e12);
	    break;
	case 'd':
	    pb_duration = number("-d", optarg, 0.001, 86400);
	    break;
	case 'r':
	    wl_retry = number("-r", optarg, 0, 1);
	    break;
	case 'u':
	    wl_unique = 1;
	    break;
	case 's':
	    wl_seed = (uint64_t) number("-s", optarg, 0, 1e15);
	    break;
	case '6':
	    wl_ipv6 = number("-6", optarg, 0, 1);
	    break;
	case '0':
	    wl_null = number("-0", optarg, 0, 1);
	    break;
	case 'w':
	    pb_warmup = (unsigned) number("-w", optarg, 0, 1e6);
	    break;
	case 'T':
	    pb_timeout_ms = (unsigned) number("-T", optarg, 1, 3.6e6);
	    break;
	case 'C':
	    wl_clients = (unsigned) number("--clients", optarg, 1, 1 << 24);
	    break;
	case 'S':
	    wl_senders = (unsigned) number("--senders", optarg, 1, 1e9);
	    break;
	case 'R':
	    wl_recipients = (unsigned) number("--recipients", optarg, 1, 1e9);
	    break;
	case 'W':
	    wl_window = (unsigned) number("--window", optarg, 1, 1e9);
	    break;
	case 't':
	    if (number("-t", optarg, 1, 64) != 1)
		msg_warn("-t: policy-bench uses one thread; ignored");
	    break;
	case 'v':
	    msg_verbose++;
	    break;
	default:
	    usage(myname);
	}
    }
    if (optind != argc - 1)
	usage(myname);
    pb_target = argv[optind];
    if (pb_requests == 0 && pb_duration == 0)
	pb_requests = 20000;
    parse_target(pb_target);

    /*
     * Connect and warm up every connection before the clock starts, the
     * way a running Postfix has its smtpd processes connected already.
     */
    if ((pb_epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
	msg_fatal("epoll_create1: %m");
    pb_conn_tab = (PB_CONN *) mymalloc(sizeof(PB_CONN) * pb_conns);
    for (i = 0; i < pb_conns; i++) {
	c = pb_conn_tab + i;
	memset((void *) c, 0, sizeof(*c));
	c->id = i;
	if ((c->fd = connect_target()) < 0) {
	    msg_warn("connect %s: %m", pb_target);
	    pb_stats.errors[PB_ERR_CONNECT]++;
	    continue;
	}
	if ((err = warm_up(c)) >= 0) {
	    msg_warn("connection %u: warm-up request failed: %s", i, pb_err_names[err]);
	    pb_stats.errors[err]++;
	    (void) close(c->fd);
	    c->fd = -1;
	    continue;
	}
	if (fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK) < 0)
	    msg_fatal("fcntl: %m");
	ev.events = EPOLLIN;
	ev.data.ptr = (void *) c;
	if (epoll_ctl(pb_epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0)
	    msg_fatal("epoll_ctl: %m");
	pb_live++;
    }

    /*
     * The closed loop.
     */
    start_ns = now_ns();
    pb_end_ns = pb_duration > 0 ? start_ns + (uint64_t) (pb_duration * 1e9) : 0;
    for (i = 0; i < pb_conns; i++)
	if (pb_conn_tab[i].fd >= 0)
	    start(pb_conn_tab + i, now_ns());
    next_tick = start_ns + PB_TICK_MS * 1000000u;
    while (pb_live > 0) {
	if ((n = epoll_wait(pb_epfd, events, PB_EVENTS, PB_TICK_MS)) < 0) {
	    if (errno == EINTR)
		continue;
	    msg_fatal("epoll_wait: %m");
	}
	for (k = 0; k < n; k++) {
	    c = (PB_CONN *) events[k].data.ptr;
	    if (c->fd < 0)
		continue;
	    if (events[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
		input(c);
	    } else if (events[k].events & EPOLLOUT) {
		if (flush(c) < 0)
		    conn_fail(c, PB_ERR_RESET);
		else
		    interest(c);
	    }
	}
	if ((now = now_ns()) >= next_tick) {
	    for (i = 0; i < pb_conns; i++) {
		c = pb_conn_tab + i;
		if (c->fd >= 0 && now - c->sent_ns > (uint64_t) pb_timeout_ms * 1000000u)
		    conn_fail(c, PB_ERR_TIMEOUT);
	    }
	    next_tick = now + PB_TICK_MS * 1000000u;
	}
    }
    report((double) (now_ns() - start_ns) / 1e9);
    for (errors = 0, k = 0; k < PB_ERR_COUNT; k++)
	errors += pb_stats.errors[k];
    exit(errors || pb_stats.replies == 0 ? 1 : 0);
}
