/*++
/* NAME
/*	preload 1
/* SUMMARY
/*	fill a greylistd database for the large benchmark
/* SYNOPSIS
/*	\fBpreload\fR [\fB-n \fItriplets\fR] [\fB-D \fIdue\fR] [\fB-p \fIpassed_share\fR]
/*	[\fB-s \fIseed\fR] [\fB-t \fItx_size\fR] [\fB-R \fIretry_window\fR]
/*	[\fB-M \fImax_age\fR] [\fB-N \fInow\fR] \fIfile\fR
/* DESCRIPTION
/*	\fBpreload\fR adds records to a greylistd Tokyo Cabinet B+tree
/*	file (creating it if needed) through a bulk path that writes
/*	exactly the records that greylistd(8) writes for the same history:
/*	the keys come from greylist_keys_build(), the values from
/*	greylist_triplet_encode() and greylist_client_encode(), and each
/*	record gets its time index key from greylist_index_key(), with
/*	the expiry time that greylist_triplet_expires() and
/*	greylist_client_expires() compute. Every write is inside a Tokyo
/*	Cabinet transaction (one per \fItx_size\fR triplets), never
/*	outside one, and the file is tuned as greylist_store_btree(3)
/*	tunes it (tuning is stored at creation: run-bench lets greylistd
/*	create the file first, so that it is the daemon's own).
/*
/*	Keys are spread like real ones: random IPv4 clients (public-looking
/*	addresses, /32) and IPv6 clients (a /64 each in 2001:db8::/32),
/*	senders from a pool of triplets/2 addresses in many domains, 5%
/*	null senders, recipients from a pool of 50,000 in 20 domains,
/*	inserted in random order as a live server inserts them.
/*
/*	Of the \fItriplets\fR (default 1,000,000), the share
/*	\fIpassed_share\fR (default 0.3) passed greylisting: their last
/*	use is spread over the last greylist_max_age (minus an hour),
/*	and their clients get an auto-whitelist counter record (count =
/*	passes, last_seen = the latest). The rest are pending first
/*	attempts spread over the last greylist_retry_window (minus an
/*	hour). None of these falls due within the hour.
/*
/*	Then \fIdue\fR (default 0) more pending triplets are added whose
/*	first attempt is exactly retry_window + 1 seconds old, so that
/*	all of them are due for expiry at once when the daemon starts.
/*
/*	Options: \fB-s\fR seed (1), \fB-t\fR triplets per transaction
/*	(1000000), \fB-R\fR and \fB-M\fR greylist_retry_window and
/*	greylist_max_age in seconds (the defaults, 2d and 35d), \fB-N\fR
/*	the clock (default: now). Progress goes to standard error; the
/*	last line on standard output is "PRELOAD triplets=... due=...
/*	clients=... records=... bytes=... seconds=...".
/* SEE ALSO
/*	run-bench(1), greylist_store(3)
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Tokyo Cabinet. */

#include <tcutil.h>
#include <tcbdb.h>

/* Utility library. */

#include <msg.h>
#include <msg_output.h>
#include <mymalloc.h>
#include <vstring.h>
#include <inet_prefix.h>

/* Application-specific. */

#include <greylist_key.h>
#include <greylist_policy.h>
#include <greylist_store.h>

 /*
  * The tuning of greylist_store_btree.c (tcbdbtune is stored in the file
  * when it is created; the cache sizes are per process).
  */
#define BTREE_LMEMB	128
#define BTREE_NMEMB	256
#define BTREE_BNUM	262139
#define BTREE_LCNUM	8192
#define BTREE_NCNUM	2048
#define BTREE_XMSIZ	(64 * 1024 * 1024)

#define RCPT_POOL	50000
#define RCPT_DOMAINS	20

typedef struct PL_CLIENT {
    INET_ADDR addr;
    unsigned passes;
    time_t  last_seen;
} PL_CLIENT;

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return (z ^ (z >> 31));
}

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return (z ^ (z >> 31));
}

/* random_client - a public-looking IPv4 address or an IPv6 /64 */

static void random_client(INET_ADDR *addr)
{
    uint64_t r = rnd();
    uint32_t a;

    memset((void *) addr, 0, sizeof(*addr));
    if (r % 100 < 20) {
	addr->family = AF_INET6;
	addr->bytes[0] = 0x20;
	addr->bytes[1] = 0x01;
	addr->bytes[2] = 0x0d;
	addr->bytes[3] = 0xb8;
	r = rnd();
	memcpy(addr->bytes + 4, &r, 4);
	r = rnd();
	memcpy(addr->bytes + 8, &r, 8);
    } else {
	do {
	    a = (uint32_t) (rnd() >> 32);
	} while ((a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127 || (a >> 24) >= 224);
	addr->family = AF_INET;
	addr->bytes[0] = a >> 24;
	addr->bytes[1] = a >> 16;
	addr->bytes[2] = a >> 8;
	addr->bytes[3] = a;
    }
}

/* sender_name - sender number k of the pool */

static void sender_name(VSTRING *buf, uint64_t k)
{
    static const char *locals[] = {
	"info", "news", "noreply", "billing", "support", "alerts", "team",
	"hello", "john.smith", "m.mueller", "j-doe", "sales",
    };
    uint64_t h = mix(k ^ 0x5eed5eedu);

    if (h % 4 == 0)
	vstring_sprintf(buf, "%s@d%lu.example.com",
			locals[(h >> 8) % (sizeof(locals) / sizeof(locals[0]))],
			(unsigned long) (k % 400009));
    else if (h % 4 == 1)
	vstring_sprintf(buf, "bounce-%lx-%lu@mail%lu.esp%lu.example.net",
			(unsigned long) (h >> 20), (unsigned long) k,
			(unsigned long) ((h >> 4) % 9), (unsigned long) (k % 997));
    else
	vstring_sprintf(buf, "user%lu.x%lu@d%lu.example.org",
			(unsigned long) k, (unsigned long) ((h >> 12) % 100),
			(unsigned long) (k % 400009));
}

/* put_record - one record and its index key, inside the transaction */

static void put_record(TCBDB *bdb, const char *key, ssize_t klen,
		               VSTRING *val, time_t expires, VSTRING *index)
{
    if (!tcbdbput(bdb, key, (int) klen, vstring_str(val), (int) VSTRING_LEN(val)))
	msg_fatal("put: %s", tcbdberrmsg(tcbdbecode(bdb)));
    greylist_index_key(index, expires, key, klen);
    if (!tcbdbput(bdb, vstring_str(index), (int) VSTRING_LEN(index), "", 0))
	msg_fatal("put index: %s", tcbdberrmsg(tcbdbecode(bdb)));
}

static double elapsed(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return ((t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9);
}

/* commit_and_begin - end one bulk transaction, start the next */

static void commit_and_begin(TCBDB *bdb, int begin)
{
    if (!tcbdbtrancommit(bdb))
	msg_fatal("commit: %s", tcbdberrmsg(tcbdbecode(bdb)));
    if (begin && !tcbdbtranbegin(bdb))
	msg_fatal("begin: %s", tcbdberrmsg(tcbdbecode(bdb)));
}

int     main(int argc, char **argv)
{
    long    triplets = 1000000;
    long    due = 0;
    double  passed_share = 0.3;
    long    tx_size = 1000000;
    uint64_t seed = 1;
    GREYLIST_POLICY policy;
    time_t  now = 0;
    TCBDB  *bdb;
    GREYLIST_KEYS *keys;
    GREYLIST_TRIPLET trip;
    GREYLIST_CLIENT cl;
    PL_CLIENT *clients;
    long    nclients;
    VSTRING *sender;
    VSTRING *rcpt;
    VSTRING *val;
    VSTRING *index;
    struct timespec t0;
    struct stat st;
    long    done;
    long    in_tx;
    long    dups = 0;
    long    client_recs = 0;
    long    next_report;
    long    total;
    long    i;
    PL_CLIENT *cp;
    int     passed;
    int     ch;

    msg_stderr_init("preload");
    msg_fatal_sleep = 0;
    memset((void *) &policy, 0, sizeof(policy));
    policy.delay = 60;
    policy.retry_window = 2 * 86400;
    policy.max_age = 35 * 86400;
    while ((ch = getopt(argc, argv, "n:D:p:s:t:R:M:N:")) > 0) {
	switch (ch) {
	case 'n':
	    triplets = atol(optarg);
	    break;
	case 'D':
	    due = atol(optarg);
	    break;
	case 'p':
	    passed_share = atof(optarg);
	    break;
	case 's':
	    seed = strtoull(optarg, (char **) 0, 10);
	    break;
	case 't':
	    tx_size = atol(optarg);
	    break;
	case 'R':
	    policy.retry_window = atoi(optarg);
	    break;
	case 'M':
	    policy.max_age = atoi(optarg);
	    break;
	case 'N':
	    now = atol(optarg);
	    break;
	default:
	    msg_fatal_status(2, "usage: preload [-n triplets] [-D due] [-p passed_share] [-s seed] [-t tx_size] [-R retry_window] [-M max_age] [-N now] file");
	}
    }
    if (optind != argc - 1 || triplets < 0 || due < 0 || tx_size < 1
	|| policy.retry_window < 7200 || policy.max_age < policy.retry_window)
	msg_fatal_status(2, "usage: preload [-n triplets] [-D due] [-p passed_share] [-s seed] [-t tx_size] [-R retry_window] [-M max_age] [-N now] file");
    if (now == 0)
	now = time((time_t *) 0);
    rng_state = mix(seed);

    bdb = tcbdbnew();
    if (!tcbdbtune(bdb, BTREE_LMEMB, BTREE_NMEMB, BTREE_BNUM, -1, -1, BDBTLARGE)
	|| !tcbdbsetcache(bdb, BTREE_LCNUM, BTREE_NCNUM)
	|| !tcbdbsetxmsiz(bdb, BTREE_XMSIZ))
	msg_fatal("tuning: %s", tcbdberrmsg(tcbdbecode(bdb)));
    if (!tcbdbopen(bdb, argv[optind], BDBOWRITER | BDBOCREAT | BDBOLCKNB))
	msg_fatal("open %s: %s", argv[optind], tcbdberrmsg(tcbdbecode(bdb)));

    keys = greylist_keys_create();
    sender = vstring_alloc(100);
    rcpt = vstring_alloc(100);
    val = vstring_alloc(32);
    index = vstring_alloc(128);
    nclients = triplets / 10 + due / 10 + 1;
    clients = (PL_CLIENT *) mymalloc(sizeof(*clients) * nclients);
    for (i = 0; i < nclients; i++) {
	random_client(&clients[i].addr);
	clients[i].passes = 0;
	clients[i].last_seen = 0;
    }

    /*
     * Triplets in random order, in large transactions.
     */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    total = triplets + due;
    next_report = total / 20 > 0 ? total / 20 : 1;
    if (!tcbdbtranbegin(bdb))
	msg_fatal("begin: %s", tcbdberrmsg(tcbdbecode(bdb)));
    for (done = 0, in_tx = 0; done < total; /* see below */ ) {
	int     is_due = (done >= triplets);

	cp = clients + rnd() % nclients;
	if (rnd() % 100 < 5)
	    VSTRING_RESET(sender), VSTRING_TERMINATE(sender);
	else
	    sender_name(sender, rnd() % (uint64_t) (total / 2 + 1));
	i = (long) (rnd() % RCPT_POOL);
	vstring_sprintf(rcpt, "%s%ld@%s%ld.example", i % 3 ? "user" : "r.",
			i, i % 2 ? "mail." : "", i % RCPT_DOMAINS);
	greylist_keys_build(keys, &cp->addr, 32, 64, vstring_str(sender),
			    vstring_str(rcpt));

	passed = !is_due && (double) (rnd() % 1000000) < passed_share * 1e6;
	memset((void *) &trip, 0, sizeof(trip));
	if (is_due) {
	    trip.state = GREYLIST_STATE_PENDING;
	    trip.first_seen = trip.last_seen = now - policy.retry_window - 1;
	} else if (passed) {
	    trip.state = GREYLIST_STATE_PASSED;
	    trip.last_seen = now - (time_t) (rnd() % (uint64_t) (policy.max_age - 3600));
	    trip.first_seen = trip.last_seen - 61 - (time_t) (rnd() % 3600);
	    trip.count = 1 + (unsigned) (rnd() % 20);
	} else {
	    trip.state = GREYLIST_STATE_PENDING;
	    trip.first_seen = now - (time_t) (rnd() % (uint64_t) (policy.retry_window - 3600));
	    trip.last_seen = trip.first_seen;
	}
	greylist_triplet_encode(&trip, val);
	if (!tcbdbputkeep(bdb, vstring_str(keys->triplet), (int) VSTRING_LEN(keys->triplet),
			  vstring_str(val), (int) VSTRING_LEN(val))) {
	    if (tcbdbecode(bdb) != TCEKEEP)
		msg_fatal("put: %s", tcbdberrmsg(tcbdbecode(bdb)));
	    dups++;				/* the same triplet twice: draw again */
	    continue;
	}
	greylist_index_key(index, greylist_triplet_expires(&policy, &trip),
			   vstring_str(keys->triplet), VSTRING_LEN(keys->triplet));
	if (!tcbdbput(bdb, vstring_str(index), (int) VSTRING_LEN(index), "", 0))
	    msg_fatal("put index: %s", tcbdberrmsg(tcbdbecode(bdb)));
	if (passed) {
	    cp->passes += trip.count;
	    if (trip.last_seen > cp->last_seen)
		cp->last_seen = trip.last_seen;
	}
	done++;
	if (++in_tx >= tx_size) {
	    commit_and_begin(bdb, 1);
	    in_tx = 0;
	}
	if (done % next_report == 0 || done == total)
	    fprintf(stderr, "preload: %ld/%ld triplets (%.0f%%), %.1f s\n",
		    done, total, 100.0 * done / total, elapsed(&t0));
    }

    /*
     * Auto-whitelist counters of the clients that passed.
     */
    for (i = 0, in_tx = 0; i < nclients; i++) {
	cp = clients + i;
	if (cp->passes == 0)
	    continue;
	greylist_keys_build(keys, &cp->addr, 32, 64, "", "");
	cl.count = cp->passes;
	cl.last_seen = cp->last_seen;
	greylist_client_encode(&cl, val);
	put_record(bdb, vstring_str(keys->client), VSTRING_LEN(keys->client),
		   val, greylist_client_expires(&policy, &cl), index);
	client_recs++;
	if (++in_tx >= tx_size) {
	    commit_and_begin(bdb, 1);
	    in_tx = 0;
	}
    }
    commit_and_begin(bdb, 0);
    fprintf(stderr, "preload: %ld client records, closing, %.1f s\n",
	    client_recs, elapsed(&t0));
    total = (long) tcbdbrnum(bdb);
    if (!tcbdbclose(bdb))
	msg_fatal("close: %s", tcbdberrmsg(tcbdbecode(bdb)));
    tcbdbdel(bdb);
    if (stat(argv[optind], &st) < 0)
	msg_fatal("stat %s: %m", argv[optind]);
    printf("PRELOAD triplets=%ld due=%ld clients=%ld records=%ld bytes=%ld duplicates_skipped=%ld seconds=%.1f\n",
	   triplets, due, client_recs, total, (long) st.st_size, dups, elapsed(&t0));
    return (0);
}
