/*++
/* NAME
/*	fuzz_request 1
/* SUMMARY
/*	libFuzzer target: policy request reader and request validation
/* SYNOPSIS
/*	tests/fuzz/build/fuzz_request [libFuzzer options] [corpus ...]
/* DESCRIPTION
/*	The input is a policy protocol byte stream, as smtpd(8) would send
/*	it. For each of two sets of reader limits (a small one: 256 bytes
/*	per line, 20 attributes, 2048 bytes per request; and the defaults)
/*	the stream is read twice:
/* .IP \(bu
/*	from a memory stream (vstream_memopen()), calling attr_scan() with
/*	VSTREAM_WAIT until ATTR_SCAN_EOF or ATTR_SCAN_ERROR;
/* .IP \(bu
/*	from a non-blocking socket pair with VSTREAM_NOWAIT, written in
/*	chunks whose sizes come from the first input byte (see
/*	fuzz_chunk(): one byte, fixed or random sizes, or cuts next to each
/*	newline; at most FUZZ_MAX_CHUNKS chunks, except at newlines);
/*	after every chunk, attr_scan() is called until it says
/*	ATTR_SCAN_AGAIN.
/* .PP
/*	Each variant writes a transcript of the results: status, the
/*	reader's flags, reason and attributes. The two transcripts must be
/*	equal: how the input arrives must not change anything (the program
/*	aborts, with both transcripts, when they differ).
/*
/*	Each request of the memory stream then goes through what the
/*	daemon does with it: greylist_request_parse() with test_clock 0
/*	and 1; for an acceptable request, greylist_keys_build() with the
/*	prefixes 24/64 and 32/128, and greylist_policy_decide() on
/*	records derived from the input bytes (synthetic ones near the
/*	request's clock, and what greylist_triplet_decode() and
/*	greylist_client_decode() make of the first and last input bytes),
/*	with the expiry times and record encoding that the store does next.
/*
/*	Finally the record codecs of greylist_store(3) (triplet, client,
/*	time index) are run on raw slices of the input; a record that
/*	decodes must encode to the same bytes.
/*
/*	Invariants checked on the way (abort() when violated): a parse
/*	result is one of the three documented values with a reason when
/*	it is not OK; keys start with their kind and the network parses
/*	as a CIDR pattern that matches the client; a decision is one of
/*	the documented actions.
/*
/*	Everything is freed after each input: leak detection is on.
/*	Diagnostics of the code under test are discarded, except with
/*	FUZZ_VERBOSE=1 in the environment.
/* SEE ALSO
/*	run-fuzz(1), builds and runs this target.
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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <vstream.h>
#include <stringops.h>
#include <inet_prefix.h>

/* Global library. */

#include <attr.h>

/* Application-specific. */

#include <greylist_request.h>
#include <greylist_key.h>
#include <greylist_policy.h>
#include <greylist_store.h>
#include <greylist_store_btree.h>

extern int LLVMFuzzerInitialize(int *, char ***);
extern int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define STR(x)	vstring_str(x)
#define LEN(x)	VSTRING_LEN(x)

 /*
  * The policy of the decision: greylistd's defaults (60s, 2d, 35d, 10,
  * refresh min(max_age/100, 1h)).
  */
static const GREYLIST_POLICY fuzz_policy = {60, 2 * 86400, 35 * 86400, 10, 3600};

 /*
  * The clock when the request has no policy_test_time.
  */
#define FUZZ_NOW	((time_t) 1700000000)

 /*
  * A runaway loop is a bug too; no input can produce this many results.
  */
#define FUZZ_MAX_RESULTS	100000

static int fuzz_verbose;

/* greylist_store_btree_open - not needed: keep Tokyo Cabinet out */

GREYLIST_STORE *greylist_store_btree_open(const char *path,
					          const GREYLIST_POLICY *policy,
					          int flags, int lock_timeout)
{
    msg_panic("greylist_store_btree_open: not available in the fuzzer");
}

/* fuzz_msg - output handler: discard unless verbose, check sanitizing */

static void fuzz_msg(int level, const char *text)
{
    const unsigned char *cp;

    for (cp = (const unsigned char *) text; *cp; cp++)
	if (*cp < 0x20 || *cp == 0x7f) {
	    fprintf(stderr, "fuzz_request: control character in log text\n");
	    abort();
	}
    if (fuzz_verbose)
	fprintf(stderr, "fuzz_request: %s: %s\n", msg_severity_name(level), text);
}

/* fuzz_cleanup - nothing may be fatal here */

static void fuzz_cleanup(void)
{
    fprintf(stderr, "fuzz_request: unexpected fatal error\n");
    abort();
}

/* LLVMFuzzerInitialize - once */

int     LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *cp;

    fuzz_verbose = ((cp = getenv("FUZZ_VERBOSE")) != 0 && *cp == '1');
    msg_output(fuzz_msg);
    msg_cleanup(fuzz_cleanup);
    msg_fatal_sleep = 0;
    return (0);
}

/* fuzz_fail - report a violated invariant */

static NORETURN fuzz_fail(const char *what)
{
    fprintf(stderr, "fuzz_request: %s\n", what);
    abort();
}

/* fuzz_quote - append a value to a transcript, unambiguously */

static void fuzz_quote(VSTRING *log, const char *str, ssize_t len)
{
    if (len < 0)
	len = strlen(str);
    vstring_sprintf_append(log, "%ld:", (long) len);
    vstring_memcat(log, str, len);
    VSTRING_ADDCH(log, ';');
    VSTRING_TERMINATE(log);
}

/* fuzz_mix - a 64-bit number from the input, for synthetic records */

static uint64_t fuzz_mix(const uint8_t *data, size_t size, uint64_t seed)
{
    uint64_t h = 1469598103934665603ULL ^ seed;
    size_t  i;

    for (i = 0; i < size; i++) {
	h ^= data[i];
	h *= 1099511628211ULL;
    }
    return (h ^ (h >> 29));
}

/* fuzz_decision - log a decision, check what must hold */

static void fuzz_decision(VSTRING *log, const char *label, time_t now,
			          const GREYLIST_TRIPLET *tp,
			          const GREYLIST_CLIENT *cp)
{
    GREYLIST_DECISION d;
    GREYLIST_TRIPLET check;
    VSTRING *rec;

    greylist_policy_decide(&fuzz_policy, now, tp, cp, &d);
    switch (d.action) {
    case GREYLIST_ACT_NEW:
	if (!d.triplet_update || d.triplet.state != GREYLIST_STATE_PENDING
	    || d.triplet.first_seen != now || d.remaining <= 0)
	    fuzz_fail("bad NEW decision");
	break;
    case GREYLIST_ACT_EARLY:
	if (d.triplet_update || d.remaining <= 0
	    || d.remaining > fuzz_policy.delay + 1)
	    fuzz_fail("bad EARLY decision");
	break;
    case GREYLIST_ACT_PASS:
    case GREYLIST_ACT_KNOWN:
	if (!d.triplet_update || d.triplet.state != GREYLIST_STATE_PASSED)
	    fuzz_fail("bad PASS/KNOWN decision");
	break;
    case GREYLIST_ACT_WHITELIST:
	if (cp == 0 || d.triplet_update)
	    fuzz_fail("bad WHITELIST decision");
	break;
    default:
	fuzz_fail("unexpected action");
    }
    if (greylist_action_defers(d.action)
	!= (d.action == GREYLIST_ACT_NEW || d.action == GREYLIST_ACT_EARLY))
	fuzz_fail("greylist_action_defers");

    /*
     * What the store does next: compute expiry times, encode the records.
     */
    rec = vstring_alloc(GREYLIST_TRIPLET_SIZE);
    if (d.triplet_update) {
	(void) greylist_triplet_expires(&fuzz_policy, &d.triplet);
	greylist_triplet_encode(&d.triplet, rec);
	if (LEN(rec) != GREYLIST_TRIPLET_SIZE)
	    fuzz_fail("triplet record size");
	if (d.triplet.first_seen > 0
	    && (!greylist_triplet_decode(STR(rec), LEN(rec), &check)
		|| check.state != d.triplet.state
		|| check.first_seen != d.triplet.first_seen
		|| check.last_seen != d.triplet.last_seen
		|| check.count != d.triplet.count))
	    fuzz_fail("triplet record does not survive encode/decode");
    }
    if (d.client_update) {
	(void) greylist_client_expires(&fuzz_policy, &d.client);
	greylist_client_encode(&d.client, rec);
	if (LEN(rec) != GREYLIST_CLIENT_SIZE)
	    fuzz_fail("client record size");
    }
    vstring_free(rec);
    vstring_sprintf_append(log, "%s:%s age=%d rem=%d cc=%u tu=%d cu=%d;",
			   label, greylist_action_name(d.action), d.age,
			   d.remaining, d.client_count, d.triplet_update,
			   d.client_update);
}

/* fuzz_decide - decisions on records made from the input */

static void fuzz_decide(VSTRING *log, const uint8_t *data, size_t size,
			        time_t now)
{
    GREYLIST_TRIPLET triplet;
    GREYLIST_CLIENT client;
    uint64_t h1 = fuzz_mix(data, size, 1);
    uint64_t h2 = fuzz_mix(data, size, 2);
    long    span = 3L * fuzz_policy.max_age;
    long    age;

    /*
     * Synthetic records near "now", so that every branch is reachable:
     * ages spread over a few times the maximum age, either state, counts
     * around the auto-whitelist threshold.
     */
    age = (long) ((h1 >> 1) % span);
    triplet.state = (h1 & 1) ? GREYLIST_STATE_PASSED : GREYLIST_STATE_PENDING;
    triplet.first_seen = now - age;
    triplet.last_seen = triplet.first_seen + (time_t) ((h1 >> 24) % (age + 1));
    triplet.count = (unsigned) ((h1 >> 48) % 4 == 0 ? 0xffffffffU : (h1 >> 50) % 30);
    client.count = (unsigned) ((h2 & 3) == 0 ? 0xffffffffU : (h2 >> 2) % 30);
    client.last_seen = now - (time_t) ((h2 >> 8) % span);

    fuzz_decision(log, "none", now, (GREYLIST_TRIPLET *) 0, (GREYLIST_CLIENT *) 0);
    fuzz_decision(log, "t", now, &triplet, (GREYLIST_CLIENT *) 0);
    fuzz_decision(log, "c", now, (GREYLIST_TRIPLET *) 0, &client);
    fuzz_decision(log, "tc", now, &triplet, &client);

    /*
     * Records exactly as the store would decode them from the input.
     */
    if (size >= GREYLIST_TRIPLET_SIZE
	&& greylist_triplet_decode((const char *) data, GREYLIST_TRIPLET_SIZE,
				   &triplet))
	fuzz_decision(log, "raw-t", now, &triplet, (GREYLIST_CLIENT *) 0);
    if (size >= GREYLIST_CLIENT_SIZE
	&& greylist_client_decode((const char *) data + size - GREYLIST_CLIENT_SIZE,
				  GREYLIST_CLIENT_SIZE, &client))
	fuzz_decision(log, "raw-c", now, (GREYLIST_TRIPLET *) 0, &client);
}

/* fuzz_keys - keys for one acceptable request */

static void fuzz_keys(VSTRING *log, const GREYLIST_REQUEST *req,
		              int v4_prefix, int v6_prefix)
{
    GREYLIST_KEYS *keys = greylist_keys_create();
    CIDR_MATCH cm;
    const char *err;

    greylist_keys_build(keys, &req->client, v4_prefix, v6_prefix,
			req->sender, req->recipient);
    if (STR(keys->triplet)[0] != GREYLIST_KEY_TRIPLET
	|| STR(keys->client)[0] != GREYLIST_KEY_CLIENT
	|| strcmp(STR(keys->client) + 1, STR(keys->network)) != 0
	|| strncmp(STR(keys->triplet) + 1, STR(keys->network),
		   LEN(keys->network)) != 0)
	fuzz_fail("malformed keys");
    if ((err = cidr_match_parse(&cm, STR(keys->network))) != 0) {
	fprintf(stderr, "fuzz_request: network \"%s\": %s\n",
		STR(keys->network), err);
	fuzz_fail("key network does not parse");
    }
    if (!cidr_match(&cm, &req->client))
	fuzz_fail("key network does not match the client");
    vstring_sprintf_append(log, "keys/%d/%d:", v4_prefix, v6_prefix);
    fuzz_quote(log, STR(keys->triplet), LEN(keys->triplet));
    fuzz_quote(log, STR(keys->client), LEN(keys->client));
    greylist_keys_free(keys);
}

/* fuzz_request - everything that the daemon does with one request */

static void fuzz_request(const ATTR_REQUEST *attrs, const uint8_t *data,
			         size_t size)
{
    GREYLIST_REQUEST req;
    VSTRING *log = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    int     test_clock;
    int     status;

    for (test_clock = 0; test_clock <= 1; test_clock++) {
	status = greylist_request_parse(attrs, test_clock, &req, why);
	vstring_sprintf_append(log, "parse/%d=%d:", test_clock, status);
	fuzz_quote(log, STR(why), LEN(why));
	switch (status) {
	case GREYLIST_REQ_OK:
	    if (req.client_text == 0 || req.recipient == 0 || req.sender == 0
		|| *req.recipient == 0 || req.state == 0
		|| (req.test_time != 0 && !test_clock) || req.test_time < 0)
		fuzz_fail("inconsistent OK request");
	    fuzz_keys(log, &req, 24, 64);
	    fuzz_keys(log, &req, 32, 128);
	    fuzz_decide(log, data, size, req.test_time ? req.test_time : FUZZ_NOW);
	    break;
	case GREYLIST_REQ_SKIP:
	case GREYLIST_REQ_BAD:
	    if (LEN(why) == 0)
		fuzz_fail("SKIP or BAD without a reason");
	    break;
	default:
	    fuzz_fail("unexpected greylist_request_parse() result");
	}
    }
    if (fuzz_verbose)
	fprintf(stderr, "%s\n", STR(log));
    vstring_free(log);
    vstring_free(why);
}

/* fuzz_result - log one attr_scan() result; nonzero: stop reading */

static int fuzz_result(VSTRING *log, ATTR_REQUEST *attrs, int status,
		               const uint8_t *data, size_t size, int process)
{
    int     i;

    vstring_sprintf_append(log, "status=%d flags=%d count=%d why=",
			   status, attrs->flags, attrs->count);
    fuzz_quote(log, STR(attrs->why), LEN(attrs->why));
    switch (status) {
    case ATTR_SCAN_DONE:
	if (attrs->flags != 0 && LEN(attrs->why) == 0)
	    fuzz_fail("anomaly without a reason");
	for (i = 0; i < attrs->count; i++) {
	    if (LEN(attrs->attrs[i].name) == 0)
		fuzz_fail("empty attribute name stored");
	    if (attr_find(attrs, STR(attrs->attrs[i].name)) != STR(attrs->attrs[i].value))
		fuzz_fail("attr_find does not find the first value");
	    fuzz_quote(log, STR(attrs->attrs[i].name), LEN(attrs->attrs[i].name));
	    fuzz_quote(log, STR(attrs->attrs[i].value), LEN(attrs->attrs[i].value));
	}
	VSTRING_ADDCH(log, '\n');
	VSTRING_TERMINATE(log);
	if (process)
	    fuzz_request(attrs, data, size);
	return (0);
    case ATTR_SCAN_EOF:
	VSTRING_ADDCH(log, '\n');
	VSTRING_TERMINATE(log);
	return (1);
    case ATTR_SCAN_ERROR:
	if (LEN(attrs->why) == 0)
	    fuzz_fail("ATTR_SCAN_ERROR without a reason");
	VSTRING_ADDCH(log, '\n');
	VSTRING_TERMINATE(log);
	return (1);
    default:
	fuzz_fail("unexpected attr_scan() result");
    }
}

/* fuzz_memory - read from a memory stream */

static void fuzz_memory(VSTRING *log, const ATTR_LIMITS *limits,
			        const uint8_t *data, size_t size)
{
    ATTR_REQUEST *attrs = attr_request_create(limits);
    VSTRING *buf = vstring_alloc(size + 1);
    VSTREAM *stream;
    int     n;

    vstring_memcpy(buf, data, size);
    stream = vstream_memopen(buf, O_RDONLY);
    for (n = 0; n < FUZZ_MAX_RESULTS; n++)
	if (fuzz_result(log, attrs, attr_scan(attrs, stream, VSTREAM_WAIT),
			data, size, 1))
	    break;
    if (n >= FUZZ_MAX_RESULTS)
	fuzz_fail("memory stream: attr_scan() does not stop");
    (void) vstream_fclose(stream);
    vstring_free(buf);
    attr_request_free(attrs);
}

 /*
  * How the socket variant splits the input. The first input byte picks
  * the method (low two bits) and a parameter (the other six).
  */
typedef struct FUZZ_SPLIT {
    const uint8_t *data;
    size_t  size;
    size_t  pos;			/* bytes handed out so far */
    int     method;
    int     param;			/* 0..63 */
    uint32_t rand;			/* xorshift state */
    size_t  min_len;			/* see FUZZ_MAX_CHUNKS */
} FUZZ_SPLIT;

#define FUZZ_SPLIT_BYTE		0	/* one byte at a time */
#define FUZZ_SPLIT_FIXED	1	/* param + 1 bytes at a time */
#define FUZZ_SPLIT_RANDOM	2	/* 1 .. 2^(param%11) bytes */
#define FUZZ_SPLIT_NEWLINE	3	/* just before/at/after newlines */

#define FUZZ_MAX_CHUNKS		256	/* byte/fixed/random: at most */

/* fuzz_chunk - the size of the next chunk */

static size_t fuzz_chunk(FUZZ_SPLIT *sp)
{
    size_t  left = sp->size - sp->pos;
    size_t  len;
    const uint8_t *nl;
    int     delta;

    switch (sp->method) {
    case FUZZ_SPLIT_NEWLINE:
	/* Cut at offset -2, -1, 0, +1 from the next newline. */
	delta = sp->param % 4 - 2;
	nl = memchr(sp->data + sp->pos, '\n', left);
	if (nl == 0)
	    return (left);
	len = (size_t) (nl - (sp->data + sp->pos)) + 1;
	if (delta < 0 && len > (size_t) -delta)
	    len -= (size_t) -delta;
	else if (delta > 0)
	    len += (size_t) delta;
	return (len < left ? len : left);
    case FUZZ_SPLIT_BYTE:
	len = 1;
	break;
    case FUZZ_SPLIT_FIXED:
	len = sp->param + 1;
	break;
    case FUZZ_SPLIT_RANDOM:
	sp->rand ^= sp->rand << 13;
	sp->rand ^= sp->rand >> 17;
	sp->rand ^= sp->rand << 5;
	len = 1 + sp->rand % ((size_t) 1 << (sp->param % 11));
	break;
    default:
	fuzz_fail("bad split method");
    }
    if (len < sp->min_len)
	len = sp->min_len;
    return (len < left ? len : left);
}

/* fuzz_write - the whole chunk into the socket */

static void fuzz_write(int fd, const uint8_t *data, size_t len)
{
    ssize_t n;

    while (len > 0) {
	if ((n = write(fd, data, len)) < 0) {
	    if (errno == EINTR)
		continue;
	    perror("fuzz_request: write to socket pair");
	    abort();
	}
	data += n;
	len -= n;
    }
}

/* fuzz_socket - read from a non-blocking socket, in pieces */

static void fuzz_socket(VSTRING *log, const ATTR_LIMITS *limits,
			        const uint8_t *data, size_t size)
{
    ATTR_REQUEST *attrs = attr_request_create(limits);
    FUZZ_SPLIT split;
    VSTREAM *stream;
    int     sv[2];
    int     writer_open = 1;
    int     status;
    int     stop = 0;
    int     n = 0;
    size_t  len;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
	perror("fuzz_request: socketpair");
	abort();
    }
    if (fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK) < 0) {
	perror("fuzz_request: fcntl");
	abort();
    }
    stream = vstream_fdopen(sv[0], "fuzz socket");

    split.data = data;
    split.size = size;
    split.pos = 0;
    split.method = size > 0 ? data[0] & 3 : FUZZ_SPLIT_FIXED;
    split.param = size > 0 ? data[0] >> 2 : 0;
    split.rand = 0x9e3779b9U ^ (size > 0 ? data[0] : 0);
    split.min_len = (size + FUZZ_MAX_CHUNKS - 1) / FUZZ_MAX_CHUNKS;

    while (!stop) {
	if (split.pos < size) {
	    len = fuzz_chunk(&split);
	    fuzz_write(sv[1], data + split.pos, len);
	    split.pos += len;
	} else if (writer_open) {
	    (void) close(sv[1]);
	    writer_open = 0;
	}
	for (;;) {
	    if (++n > FUZZ_MAX_RESULTS)
		fuzz_fail("socket: attr_scan() does not stop");
	    status = attr_scan(attrs, stream, VSTREAM_NOWAIT);
	    if (status == ATTR_SCAN_AGAIN) {
		if (!writer_open)
		    fuzz_fail("socket: ATTR_SCAN_AGAIN after the peer closed");
		break;
	    }
	    if (fuzz_result(log, attrs, status, data, size, 0)) {
		stop = 1;
		break;
	    }
	}
    }
    if (writer_open)
	(void) close(sv[1]);
    (void) vstream_fclose(stream);
    attr_request_free(attrs);
}

/* fuzz_codecs - the store's record codecs on raw bytes */

static void fuzz_codecs(const uint8_t *data, size_t size)
{
    GREYLIST_TRIPLET tp;
    GREYLIST_CLIENT cp;
    VSTRING *buf = vstring_alloc(100);
    const char *key;
    ssize_t key_len;
    time_t  when;
    size_t  off;

    for (off = 0; off < size && off < 64; off++) {
	const char *p = (const char *) data + off;
	ssize_t left = size - off;

	if (greylist_triplet_decode(p, left < GREYLIST_TRIPLET_SIZE ? left :
				    GREYLIST_TRIPLET_SIZE, &tp)) {
	    greylist_triplet_encode(&tp, buf);
	    if (memcmp(STR(buf), p, GREYLIST_TRIPLET_SIZE) != 0)
		fuzz_fail("triplet decode/encode is not the identity");
	}
	if (greylist_client_decode(p, left < GREYLIST_CLIENT_SIZE ? left :
				   GREYLIST_CLIENT_SIZE, &cp)) {
	    greylist_client_encode(&cp, buf);
	    if (memcmp(STR(buf), p, GREYLIST_CLIENT_SIZE) != 0)
		fuzz_fail("client decode/encode is not the identity");
	}
	if (greylist_index_parse(p, left, &when, &key, &key_len)) {
	    if (key_len <= 0 || key != p + GREYLIST_INDEX_PREFIX
		|| key_len != left - GREYLIST_INDEX_PREFIX)
		fuzz_fail("bad index key split");
	    if (when >= 0) {
		greylist_index_key(buf, when, key, key_len);
		if ((ssize_t) LEN(buf) != left || memcmp(STR(buf), p, left) != 0)
		    fuzz_fail("index key parse/make is not the identity");
	    }
	}
    }
    /* The whole input, whatever its length. */
    (void) greylist_triplet_decode((const char *) data, size, &tp);
    (void) greylist_client_decode((const char *) data, size, &cp);
    (void) greylist_index_parse((const char *) data, size, &when, &key, &key_len);
    vstring_free(buf);
}

/* LLVMFuzzerTestOneInput - one input */

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ATTR_LIMITS small = {256, 20, 2048};
    const ATTR_LIMITS *limits[2];
    VSTRING *mem_log = vstring_alloc(1024);
    VSTRING *sock_log = vstring_alloc(1024);
    int     i;

    limits[0] = &small;
    limits[1] = 0;				/* the defaults */
    for (i = 0; i < 2; i++) {
	VSTRING_RESET(mem_log);
	VSTRING_TERMINATE(mem_log);
	VSTRING_RESET(sock_log);
	VSTRING_TERMINATE(sock_log);
	fuzz_memory(mem_log, limits[i], data, size);
	fuzz_socket(sock_log, limits[i], data, size);
	if (LEN(mem_log) != LEN(sock_log)
	    || memcmp(STR(mem_log), STR(sock_log), LEN(mem_log)) != 0) {
	    fprintf(stderr, "fuzz_request: limits %s: the memory stream and the "
		    "socket (split method %d, parameter %d) differ\n",
		    i == 0 ? "256/20/2048" : "default",
		    size > 0 ? data[0] & 3 : -1, size > 0 ? data[0] >> 2 : -1);
	    fprintf(stderr, "--- memory stream:\n%s\n--- socket:\n%s\n",
		    STR(mem_log), STR(sock_log));
	    abort();
	}
	if (fuzz_verbose)
	    fprintf(stderr, "--- limits %d:\n%s", i, STR(mem_log));
    }
    fuzz_codecs(data, size);
    vstring_free(mem_log);
    vstring_free(sock_log);
    return (0);
}
