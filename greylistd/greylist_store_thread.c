/*++
/* NAME
/*	greylist_store_thread 3
/* SUMMARY
/*	greylist store with a database thread
/* SYNOPSIS
/*	#include "greylist_store_thread.h"
/*
/*	GREYLIST_STORE *greylist_store_thread_open(inner, limits)
/*	GREYLIST_STORE *inner;
/*	const GREYLIST_THREAD_LIMITS *limits;
/*
/*	int	greylist_store_thread_filter_ready(store)
/*	GREYLIST_STORE *store;
/* DESCRIPTION
/*	This store keeps the event loop of a long-running daemon away
/*	from the database file. A commit of a B+tree transaction writes
/*	every page that the transaction changed, and takes tens to
/*	hundreds of milliseconds; expiry deletes thousands of records.
/*	Done in the event loop, that time is a stall of every smtpd(8)
/*	process that waits for an answer. Here one thread owns the
/*	\fIinner\fR store (greylist_store_btree(3), opened by the caller)
/*	and does all of its work: updates, commits every
/*	\fIlimits->commit_ms\fR milliseconds, expiry (at most
/*	\fIlimits->expire_rate\fR records a second, every
/*	\fIlimits->expire_interval\fR seconds while nothing is due), and
/*	the lookups that the event loop cannot answer by itself.
/*
/*	The event loop decides with greylist_policy(3), from what it
/*	knows:
/* .IP \(bu
/*	Records in memory: every record that it changed and that is not
/*	committed yet (the overlay), and up to \fIlimits->cache_size\fR
/*	committed ones, most recently used first, including records
/*	known to be absent.
/* .IP \(bu
/*	A Bloom filter of every key in the file, and a second mark for
/*	each auto-whitelisted client, kept up to date by the event loop
/*	as it adds records. A key that the filter does not hold is not in
/*	the file: a new triplet is greylisted without reading the file,
/*	and without reading its client's record when the client has no
/*	whitelist mark (that record cannot change the answer then). The
/*	filter is built again, larger, when the number of keys outgrows
/*	it; expired keys leave it then.
/* .PP
/*	At a clean close the filter is saved next to the file, as
/*	\fIfile\fR.filter, and the file is sealed (greylist_store(3));
/*	the next open uses the saved filter when the seal and the record
/*	count show that the file has not changed since. Otherwise (after a
/*	crash, a bulk load, a file from elsewhere) the thread builds the
/*	filter by reading every key once, a few hundred thousand keys a
/*	second, between other work; until it is complete every request
/*	that memory cannot answer is a lookup by the thread.
/* .PP
/*	Anything else is a lookup by the thread: decide() returns without
/*	calling \fIdone\fR, and calls it from the event loop when the
/*	answer arrives. The thread answers between two updates; while it
/*	commits, only these lookups wait.
/*
/*	An update is queued for the thread when the event loop answers
/*	the request (before the answer is written), in order, and is made
/*	durable by the next commit: a process killed at any instant loses
/*	at most the updates of the last commit interval, as with the
/*	inner store alone (plus those that the thread had not reached,
/*	when it falls behind).
/*
/*	Failures never block mail. When the thread loses updates (a
/*	failed commit, a damaged file moved aside; the inner store bumps
/*	its generation), the event loop forgets what it holds in memory
/*	and asks the file again. While commits fail, a new triplet is
/*	let through (GREYLIST_ACT_ERROR) as by the inner store; while the
/*	file cannot be opened at all, every request is let through and
/*	the thread tries again once a second. When more than
/*	\fIlimits->queue_limit\fR updates wait for a commit (the disk is
/*	much slower than the mail), requests are let through until the
/*	thread catches up, with a warning at most once a minute.
/*
/*	greylist_store_thread_filter_ready() is true when the Bloom
/*	filter is complete (for tests and benchmarks).
/*
/*	Only the thread calls the inner store after open; close() stops
/*	it after it has applied every queued update and committed them.
/* SEE ALSO
/*	greylist_store(3), the store interface
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <htable.h>
#include <events.h>
#include <iostuff.h>

/* Application-specific. */

#include "greylist_stats.h"
#include "greylist_store_thread.h"

 /*
  * Bloom filter: about 10 bits per key and 7 probes, about 1% false
  * positives at the design size.
  */
#define GT_BLOOM_BITS_PER_KEY	10
#define GT_BLOOM_PROBES		7
#define GT_BLOOM_MIN_KEYS	(1 << 20)
#define GT_SCAN_CHUNK		512	/* keys read between two batches of work */

 /*
  * The table of records in memory is made big enough at once: growing it
  * rehashes every entry, a pause of milliseconds at this size.
  */
#define GT_TABLE_SIZE(lp)	((lp)->cache_size + 65536)

#define GT_TRIM_STEP		8	/* cached records forgotten per request */
#define GT_NAP_MS		2	/* a busy thread collects updates */
#define GT_BATCH_MAX		1024	/* ... or as soon as this many wait */

#define GT_EXPIRE_BATCH		200	/* records per expiry call */
#define GT_EXPIRE_MS		5	/* milliseconds per expiry call */
#define GT_WARN_INTERVAL	60	/* seconds between overload warnings */

typedef struct GT_BLOOM {
    void   *memory;			/* as allocated */
    uint64_t *words;			/* the bits, cache-line aligned */
    uint64_t block_mask;		/* block count - 1 (a power of 2) */
    uint64_t seed;			/* of its hash function */
    long    capacity;			/* keys it was sized for */
} GT_BLOOM;

#define GT_BLOOM_BYTES(bp)	(((bp)->block_mask + 1) * GT_BLOOM_BLOCK_BITS / 8)

 /*
  * A blocked filter: all bits of one key lie in one 64-byte block (one
  * cache line), so that a test or an insertion costs one cache miss, not
  * one per probe: the filter of a large file is far bigger than the CPU
  * caches. 9 bits of the hash choose each bit in the block.
  */
#define GT_BLOOM_BLOCK_WORDS	8
#define GT_BLOOM_BLOCK_BITS	(64 * GT_BLOOM_BLOCK_WORDS)
#define GT_BLOOM_MAX_BLOCKS	(1ULL << 24)	/* 24 hash bits pick one: 1 GB */

 /*
  * A record that the event loop knows. Committed records are on the LRU
  * list and may be forgotten; changed ones wait for their commit.
  */
typedef struct GT_ENTRY {
    const char *key;			/* owned by the hash table */
    int     present;			/* record exists */
    GREYLIST_TRIPLET triplet;		/* when a triplet */
    GREYLIST_CLIENT client;		/* when a client */
    unsigned long seq;			/* last update, 0 when committed */
    struct GT_ENTRY *prev;		/* LRU list, most recent first */
    struct GT_ENTRY *next;
} GT_ENTRY;

typedef struct GT_DIRTY {
    GT_ENTRY *entry;
    unsigned long seq;
} GT_DIRTY;

 /*
  * A request that waits for the thread.
  */
typedef struct GT_CALL {
    char   *triplet_key;
    char   *client_key;			/* null: not needed */
    time_t  now;
    GREYLIST_STORE_DONE_FN done;
    void   *context;
    int     status;			/* -1: the file failed */
    int     triplet_found;
    int     client_found;
    VSTRING *triplet_rec;
    VSTRING *client_rec;
} GT_CALL;

 /*
  * Work for the thread, in order.
  */
typedef struct GT_OP {
    int     type;			/* GT_OP_* */
    GT_CALL *call;			/* lookup */
    GT_BLOOM *bloom;			/* scan */
    time_t  old_expires;		/* update */
    time_t  new_expires;
    ssize_t klen;			/* key, null byte, value follow */
    ssize_t vlen;
} GT_OP;

#define GT_OP_SPACE(klen, vlen) \
	((sizeof(GT_OP) + (klen) + 1 + (vlen) + 7) & ~(size_t) 7)
#define GT_OP_KEY(op)	((const char *) (op) + sizeof(GT_OP))
#define GT_OP_VAL(op)	(GT_OP_KEY(op) + (op)->klen + 1)

#define GT_OP_UPDATE	1
#define GT_OP_LOOKUP	2
#define GT_OP_SCAN	3

 /*
  * What the thread tells the event loop.
  */
typedef struct GT_EVENT {
    int     type;			/* GT_EV_* */
    GT_CALL *call;			/* lookup answered */
    GT_BLOOM *bloom;			/* scan done */
    unsigned long seq;			/* committed up to */
    long    value;			/* record count, expired count */
    unsigned generation;		/* inner store's */
    int     trouble;			/* commits fail */
    int     down;			/* no file */
} GT_EVENT;

#define GT_EV_STATUS	1
#define GT_EV_LOOKUP	2
#define GT_EV_COMMIT	3
#define GT_EV_EXPIRED	4
#define GT_EV_SCANNED	5

typedef struct GREYLIST_THREAD {
    GREYLIST_STORE store;		/* generic part, first */
    GREYLIST_STORE *inner;		/* owned by the thread */
    GREYLIST_THREAD_LIMITS limits;

    /*
     * Shared, under lock. Work and results are records in byte buffers,
     * each side filling one while the other empties the other one: no
     * memory changes hands between the threads (a block freed by the
     * thread that did not allocate it takes the other one's malloc
     * lock, and the database thread may be descheduled holding it).
     */
    pthread_mutex_t lock;
    pthread_cond_t wakeup;
    VSTRING *op_fill;			/* work, GT_OP records */
    int     op_count;			/* work items queued */
    int     urgent;			/* a lookup waits */
    int     sleeping;			/* nothing to do: signal the thread */
    VSTRING *ev_fill;			/* results, GT_EVENT records */
    int     stop;
    int     pipe[2];			/* results waiting */
    pthread_t thread;

    /* The event loop's. */
    VSTRING *ev_drain;			/* results being handled */
    HTABLE *table;			/* key -> GT_ENTRY */
    GT_ENTRY *lru_head;			/* committed entries */
    GT_ENTRY *lru_tail;
    int     lru_count;
    GT_DIRTY *dirty;			/* uncommitted, in seq order */
    long    dirty_head;
    long    dirty_tail;
    long    dirty_size;
    unsigned long next_seq;		/* last update queued */
    unsigned long committed_seq;	/* last update committed */
    unsigned generation;		/* last seen */
    int     trouble;
    int     down;
    long    count;			/* records in the file */
    GT_BLOOM *bloom;			/* complete, or null */
    GT_BLOOM *building;			/* being filled by the thread */
    long long build_start;		/* when, monotonic ms */
    long    bloom_added;		/* keys added since the scan */
    int     scan_failed;		/* wait until the file is back */
    int     pending;			/* calls waiting for the thread */
    time_t  last_warn;
    long    suppressed;
    VSTRING *rec;

    /* The thread's. */
    VSTRING *op_drain;			/* work being done */
    VSTRING *scan_cursor;
    GT_BLOOM *scanning;
    unsigned long applied_seq;
    unsigned long reported_seq;
    long    reported_count;
} GREYLIST_THREAD;

/* gt_now_ms - monotonic clock */

static long long gt_now_ms(void)
{
    struct timespec ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* gt_random - random bytes; without entropy yet, clock and pid */

static void gt_random(void *buf, size_t len)
{
    unsigned char *cp = (unsigned char *) buf;
    uint64_t mix;
    size_t  i;

    if (getrandom(buf, len, GRND_NONBLOCK) == (ssize_t) len)
	return;
    mix = ((uint64_t) gt_now_ms() << 20) ^ (uint64_t) time((time_t *) 0) ^ getpid();
    for (i = 0; i < len; i++) {
	mix = mix * 0x9E3779B97F4A7C15ULL + 1;
	cp[i] = (unsigned char) (mix >> 56);
    }
}

/* gt_bloom_alloc - a filter of this many blocks, bits not set */

static GT_BLOOM *gt_bloom_alloc(uint64_t blocks, uint64_t seed, long capacity)
{
    GT_BLOOM *bp = (GT_BLOOM *) mymalloc(sizeof(*bp));

    bp->block_mask = blocks - 1;
    bp->seed = seed;
    bp->capacity = capacity;
    bp->memory = mymalloc(GT_BLOOM_BYTES(bp) + 63);
    bp->words = (uint64_t *) (((uintptr_t) bp->memory + 63) & ~(uintptr_t) 63);
    return (bp);
}

/* gt_bloom_create - an empty filter for this many keys */

static GT_BLOOM *gt_bloom_create(long keys)
{
    GT_BLOOM *bp;
    uint64_t bits = GT_BLOOM_BLOCK_BITS;
    uint64_t seed;

    if (keys < GT_BLOOM_MIN_KEYS)
	keys = GT_BLOOM_MIN_KEYS;
    while (bits < (uint64_t) keys * GT_BLOOM_BITS_PER_KEY
	   && bits < GT_BLOOM_MAX_BLOCKS * GT_BLOOM_BLOCK_BITS)
	bits <<= 1;
    gt_random(&seed, sizeof(seed));
    bp = gt_bloom_alloc(bits / GT_BLOOM_BLOCK_BITS, seed,
			(long) (bits / GT_BLOOM_BITS_PER_KEY));
    memset((void *) bp->words, 0, GT_BLOOM_BYTES(bp));
    return (bp);
}

static void gt_bloom_free(GT_BLOOM *bp)
{
    myfree(bp->memory);
    myfree((void *) bp);
}

 /*
  * Both threads set bits while a filter is built: atomic OR, relaxed (a
  * bit is only ever set, and the hand-over of the filter goes through
  * the lock).
  */

/* gt_bloom_hash - FNV-1a with the filter's own seed */

static uint64_t gt_bloom_hash(const GT_BLOOM *bp, const char *key, ssize_t len)
{

    /*
     * Not htable_hash(): its seed changes with each process, and a filter
     * outlives the process that made it (see gt_bloom_save()).
     */
    uint64_t h = 0xCBF29CE484222325ULL ^ bp->seed;

    while (len-- > 0) {
	h ^= (unsigned char) *key++;
	h *= 0x100000001B3ULL;
    }
    return (h);
}

/* gt_bloom_probe - set the bits of a key's hash, or test them */

static int gt_bloom_probe(GT_BLOOM *bp, uint64_t h, int set)
{
    uint64_t *block;
    uint64_t mask;
    unsigned bit;
    int     i;

    /* Spread the bits of the string hash (the murmur3 finalizer). */
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 33;
    block = bp->words + ((h >> 40) & bp->block_mask) * GT_BLOOM_BLOCK_WORDS;
    h *= 0x9E3779B97F4A7C15ULL;			/* 7 x 9 bits for the probes */
    for (i = 0; i < GT_BLOOM_PROBES; i++, h >>= 9) {
	bit = (unsigned) (h & (GT_BLOOM_BLOCK_BITS - 1));
	mask = (uint64_t) 1 << (bit & 63);
	if (set)
	    (void) __atomic_fetch_or(block + (bit >> 6), mask, __ATOMIC_RELAXED);
	else if ((__atomic_load_n(block + (bit >> 6), __ATOMIC_RELAXED) & mask) == 0)
	    return (0);
    }
    return (1);
}

 /*
  * A filter saved at a clean exit, next to the file: <database>.filter.
  * It is used again only when the file still holds the seal written
  * with it (greylist_store(3)): then no key was added since. Native
  * byte order: the filter belongs to this host.
  */
#define GT_FILTER_SUFFIX	".filter"
#define GT_FILTER_MAGIC		"GLFILT01"
#define GT_FILTER_ORDER		0x0102030405060708ULL

typedef struct GT_FILTER_HEAD {
    char    magic[8];
    uint64_t order;			/* byte order check */
    char    seal[48];			/* the file's seal, null-padded */
    uint64_t seed;
    uint64_t blocks;
    int64_t capacity;
    int64_t added;			/* keys added since the scan */
    int64_t awl_threshold;		/* the whitelist marks depend on it */
    int64_t records;			/* in the file when it was sealed */
    uint64_t checksum;			/* of the bits */
} GT_FILTER_HEAD;

/* gt_bloom_checksum - FNV-1a over the words */

static uint64_t gt_bloom_checksum(const GT_BLOOM *bp)
{
    uint64_t h = 0xCBF29CE484222325ULL;
    uint64_t n = GT_BLOOM_BYTES(bp) / sizeof(uint64_t);
    uint64_t i;

    for (i = 0; i < n; i++)
	h = (h ^ bp->words[i]) * 0x100000001B3ULL;
    return (h);
}

/* gt_write_all - write everything or fail */

static int gt_write_all(int fd, const void *buf, size_t len)
{
    const char *cp = (const char *) buf;
    ssize_t n;

    while (len > 0) {
	if ((n = write(fd, cp, len)) < 0) {
	    if (errno == EINTR)
		continue;
	    return (-1);
	}
	cp += n;
	len -= n;
    }
    return (0);
}

/* gt_read_all - read exactly len bytes */

static int gt_read_all(int fd, void *buf, size_t len)
{
    char   *cp = (char *) buf;
    ssize_t n;

    while (len > 0) {
	if ((n = read(fd, cp, len)) <= 0) {
	    if (n < 0 && errno == EINTR)
		continue;
	    if (n == 0)
		errno = EIO;			/* too short */
	    return (-1);
	}
	cp += n;
	len -= n;
    }
    return (0);
}

/* gt_bloom_save - write the filter; 0 or -1 */

static int gt_bloom_save(const GT_BLOOM *bp, const char *path, const char *seal,
			         long added, int awl_threshold, long records)
{
    GT_FILTER_HEAD head;
    VSTRING *tmp = vstring_alloc(100);
    int     fd;
    int     status = -1;

    memset((void *) &head, 0, sizeof(head));
    memcpy(head.magic, GT_FILTER_MAGIC, sizeof(head.magic));
    head.order = GT_FILTER_ORDER;
    snprintf(head.seal, sizeof(head.seal), "%s", seal);
    head.seed = bp->seed;
    head.blocks = bp->block_mask + 1;
    head.capacity = bp->capacity;
    head.added = added;
    head.awl_threshold = awl_threshold;
    head.records = records;
    head.checksum = gt_bloom_checksum(bp);
    vstring_sprintf(tmp, "%s.tmp", path);
    if ((fd = open(vstring_str(tmp), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
	msg_warn("key filter: create %s: %m", vstring_str(tmp));
    } else if (gt_write_all(fd, &head, sizeof(head)) < 0
	       || gt_write_all(fd, bp->words, GT_BLOOM_BYTES(bp)) < 0) {
	msg_warn("key filter: write %s: %m", vstring_str(tmp));
	(void) close(fd);
    } else if (close(fd) < 0) {
	msg_warn("key filter: close %s: %m", vstring_str(tmp));
    } else if (rename(vstring_str(tmp), path) < 0) {
	msg_warn("key filter: rename %s to %s: %m", vstring_str(tmp), path);
    } else {
	status = 0;
    }
    if (status < 0)
	(void) unlink(vstring_str(tmp));
    vstring_free(tmp);
    return (status);
}

/* gt_bloom_load - the saved filter, if it belongs to the file as it is */

static GT_BLOOM *gt_bloom_load(const char *path, const char *seal,
			               int awl_threshold, long records,
			               long *added, VSTRING *why)
{
    GT_FILTER_HEAD head;
    GT_BLOOM *bp = 0;
    struct stat st;
    int     fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
	vstring_sprintf(why, "open %s: %m", path);
	return (0);
    }
    if (fstat(fd, &st) < 0 || gt_read_all(fd, &head, sizeof(head)) < 0) {
	vstring_sprintf(why, "read %s: %m", path);
    } else if (memcmp(head.magic, GT_FILTER_MAGIC, sizeof(head.magic)) != 0
	       || head.order != GT_FILTER_ORDER) {
	vstring_sprintf(why, "%s: not a key filter of this version and host", path);
    } else if (seal == 0 || strncmp(head.seal, seal, sizeof(head.seal)) != 0
	       || head.seal[sizeof(head.seal) - 1] != 0) {
	vstring_sprintf(why, "%s was saved for another state of the database", path);
    } else if (head.records != records) {

	/*
	 * A program that does not know the seal (an older greylistd, a bulk
	 * load) changed the file.
	 */
	vstring_sprintf(why, "%s was saved for %lld records, the database has %ld",
			path, (long long) head.records, records);
    } else if (head.awl_threshold != awl_threshold) {
	vstring_sprintf(why, "%s was saved with another auto-whitelist threshold", path);
    } else if (head.blocks == 0 || head.blocks > GT_BLOOM_MAX_BLOCKS
	       || (head.blocks & (head.blocks - 1)) != 0 || head.capacity <= 0
	       || head.added < 0
	       || (uint64_t) st.st_size != sizeof(head) + head.blocks * GT_BLOOM_BLOCK_BITS / 8) {
	vstring_sprintf(why, "%s: bad size", path);
    } else {
	bp = gt_bloom_alloc(head.blocks, head.seed, (long) head.capacity);
	if (gt_read_all(fd, bp->words, GT_BLOOM_BYTES(bp)) < 0) {
	    vstring_sprintf(why, "read %s: %m", path);
	} else if (gt_bloom_checksum(bp) != head.checksum) {
	    vstring_sprintf(why, "%s: bad checksum", path);
	} else {
	    *added = (long) head.added;
	    (void) close(fd);
	    return (bp);
	}
	gt_bloom_free(bp);
	bp = 0;
    }
    (void) close(fd);
    return (0);
}

 /*
  * The filter holds two kinds of entries: every key of the file, and a
  * mark for each client that is auto-whitelisted (its key hashed another
  * way). A client without the mark is not whitelisted, and then its
  * record does not change the answer to a new or early triplet. The mark
  * ignores the record's age, which is left to the decision: a mark too
  * many costs a lookup, one too few a wrong answer (and the decision's
  * clock may be a test clock).
  */
#define GT_HASH_WHITELIST	0xC2B2AE3D27D4EB4FULL

#define gt_bloom_add(bp, key, len) \
	((void) gt_bloom_probe((bp), gt_bloom_hash((bp), (key), (len)), 1))
#define gt_bloom_test(bp, key, len) \
	gt_bloom_probe((bp), gt_bloom_hash((bp), (key), (len)), 0)
#define gt_bloom_add_whitelist(bp, key, len) \
	((void) gt_bloom_probe((bp), gt_bloom_hash((bp), (key), (len)) \
			       ^ GT_HASH_WHITELIST, 1))
#define gt_bloom_test_whitelist(bp, key, len) \
	gt_bloom_probe((bp), gt_bloom_hash((bp), (key), (len)) \
		       ^ GT_HASH_WHITELIST, 0)

/* gt_signal - tell the event loop that results wait (lock held) */

static void gt_post(GREYLIST_THREAD *gt, GT_EVENT *ev)
{
    int     was_empty;

    ev->generation = gt->inner->generation;
    ev->trouble = gt->inner->commit_trouble;
    (void) pthread_mutex_lock(&gt->lock);
    was_empty = (VSTRING_LEN(gt->ev_fill) == 0);
    vstring_memcat(gt->ev_fill, (const char *) ev, sizeof(*ev));
    (void) pthread_mutex_unlock(&gt->lock);
    if (was_empty && write(gt->pipe[1], "", 1) < 0 && errno != EAGAIN)
	msg_warn("greylist store thread: write to the event pipe: %m");
}

/* gt_event_init - a result for the event loop */

static GT_EVENT *gt_event_init(GT_EVENT *ev, int type)
{
    memset((void *) ev, 0, sizeof(*ev));
    ev->type = type;
    return (ev);
}

/* gt_scan_key - one record of the file into the filter being built */

static void gt_scan_key(const char *key, ssize_t len, const char *val,
			        ssize_t vlen, void *context)
{
    GREYLIST_THREAD *gt = (GREYLIST_THREAD *) context;
    GREYLIST_CLIENT client;

    gt_bloom_add(gt->scanning, key, len);
    if (val != 0 && key[0] == GREYLIST_KEY_CLIENT
	&& greylist_client_decode(val, vlen, &client)
	&& greylist_client_whitelisted(gt->store.policy, &client))
	gt_bloom_add_whitelist(gt->scanning, key, len);
}

/* gt_thread_op - the thread does one piece of work */

static void gt_thread_op(GREYLIST_THREAD *gt, const GT_OP *op)
{
    GREYLIST_STORE *inner = gt->inner;
    GT_CALL *call;
    GT_EVENT event;
    GT_EVENT *ev;
    int     status;

    switch (op->type) {
    case GT_OP_UPDATE:
	(void) inner->update(inner, GT_OP_KEY(op), op->klen, GT_OP_VAL(op),
			     op->vlen, op->old_expires, op->new_expires);
	break;
    case GT_OP_LOOKUP:
	call = op->call;
	status = inner->lookup(inner, call->triplet_key, strlen(call->triplet_key),
			       call->triplet_rec);
	call->triplet_found = (status > 0);
	if (status >= 0 && call->client_key) {
	    status = inner->lookup(inner, call->client_key, strlen(call->client_key),
				   call->client_rec);
	    call->client_found = (status > 0);
	}
	call->status = (status < 0 ? -1 : 0);
	ev = gt_event_init(&event, GT_EV_LOOKUP);
	ev->call = call;
	ev->down = (status < 0);
	gt_post(gt, ev);
	break;
    case GT_OP_SCAN:
	if (gt->scanning)
	    msg_panic("greylist store thread: a second filter scan");
	gt->scanning = op->bloom;
	VSTRING_RESET(gt->scan_cursor);
	break;
    default:
	msg_panic("greylist store thread: unknown work type %d", op->type);
    }
}

/* gt_thread_scan - read some keys into the filter */

static void gt_thread_scan(GREYLIST_THREAD *gt)
{
    GT_EVENT event;
    GT_EVENT *ev;
    int     status;

    status = gt->inner->scan(gt->inner, gt->scan_cursor, GT_SCAN_CHUNK,
			     gt_scan_key, (void *) gt);
    if (status > 0)
	return;
    ev = gt_event_init(&event, GT_EV_SCANNED);
    ev->bloom = gt->scanning;
    ev->value = (status < 0 ? -1 : 0);
    gt->scanning = 0;
    gt_post(gt, ev);
}

/* gt_thread_commit - make the applied updates durable, tell the loop */

static void gt_thread_commit(GREYLIST_THREAD *gt)
{
    GT_EVENT event;
    GT_EVENT *ev;

    long    count;

    (void) gt->inner->commit(gt->inner);
    count = gt->inner->count(gt->inner);
    if (gt->reported_seq == gt->applied_seq && gt->reported_count == count
	&& !gt->inner->commit_trouble)
	return;
    ev = gt_event_init(&event, GT_EV_COMMIT);
    ev->seq = gt->applied_seq;
    ev->value = count;
    gt->reported_seq = gt->applied_seq;
    gt->reported_count = count;
    gt_post(gt, ev);
}

/* gt_thread_expire - remove what is due, within the rate */

static int gt_thread_expire(GREYLIST_THREAD *gt, int budget)
{
    GT_EVENT event;
    GT_EVENT *ev;
    int     more = 0;
    int     removed;

    removed = gt->inner->expire(gt->inner, time((time_t *) 0),
				budget < GT_EXPIRE_BATCH ? budget : GT_EXPIRE_BATCH,
				GT_EXPIRE_MS, &more);
    if (removed > 0) {
	if (msg_verbose)
	    msg_info("expired %d records%s", removed, more ? ", more are due" : "");
	ev = gt_event_init(&event, GT_EV_EXPIRED);
	ev->value = removed;
	gt_post(gt, ev);
	return (more ? removed : -removed - 1);
    }
    return (more ? 0 : -1);
}

/* gt_thread_main - the database thread */

static void *gt_thread_main(void *context)
{
    GREYLIST_THREAD *gt = (GREYLIST_THREAD *) context;
    GREYLIST_STORE *inner = gt->inner;
    VSTRING *work;
    const GT_OP *op;
    const char *cp;
    GT_EVENT event;
    GT_EVENT *ev;
    long long now;
    long long next_commit;
    long long next_expire;
    long long next_check = 0;
    long long expire_second = 0;
    long long wait_until;
    int     expire_done = 0;
    int     busy = 0;
    long long nap_until;
    int     stop = 0;
    int     down = 0;
    int     status;
    struct timespec ts;
    sigset_t faults;

    /*
     * A bad memory access inside Tokyo Cabinet must reach the handler of
     * greylist_store_btree(3): a fault that is blocked kills the process.
     */
    sigemptyset(&faults);
    sigaddset(&faults, SIGSEGV);
    sigaddset(&faults, SIGBUS);
    (void) pthread_sigmask(SIG_UNBLOCK, &faults, (sigset_t *) 0);

    /*
     * The thread runs at the event loop's priority. Below it (nice 10 was
     * tried) a busy host starves it: with a large file every update reads
     * a page, the queue grows, and lookups and expiry wait for seconds.
     */

    now = gt_now_ms();
    next_commit = now + gt->limits.commit_ms;
    next_expire = now;
    ev = gt_event_init(&event, GT_EV_STATUS);
    ev->value = inner->count(inner);
    gt_post(gt, ev);

    while (!stop) {

	/*
	 * Wait for work, or for the next deadline. Under load, updates are
	 * collected every few milliseconds, without a wake-up for each
	 * (they were answered already); a lookup, a full batch, the stop
	 * request, or the first update after a pause wake the thread at
	 * once. A filter scan in progress is work.
	 */
	(void) pthread_mutex_lock(&gt->lock);
	nap_until = busy ? gt_now_ms() + GT_NAP_MS : 0;
	for (;;) {
	    if (gt->stop || gt->scanning || gt->urgent)
		break;
	    now = gt_now_ms();
	    if (gt->op_count > 0 && (now >= nap_until || gt->op_count >= GT_BATCH_MAX))
		break;
	    wait_until = next_commit < next_expire ? next_commit : next_expire;
	    if (down && next_check < wait_until)
		wait_until = next_check;
	    if (now >= wait_until)
		break;
	    if (gt->op_count == 0 && now >= nap_until)
		gt->sleeping = 1;
	    else if (nap_until < wait_until)
		wait_until = nap_until;
	    (void) clock_gettime(CLOCK_REALTIME, &ts);
	    ts.tv_sec += (wait_until - now) / 1000;
	    ts.tv_nsec += ((wait_until - now) % 1000) * 1000000;
	    if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	    }
	    (void) pthread_cond_timedwait(&gt->wakeup, &gt->lock, &ts);
	    gt->sleeping = 0;
	}
	work = gt->op_fill;
	gt->op_fill = gt->op_drain;
	gt->op_drain = work;
	busy = (gt->op_count > 0);
	gt->op_count = 0;
	gt->urgent = 0;
	stop = gt->stop;
	(void) pthread_mutex_unlock(&gt->lock);

	/*
	 * The work, in the order it was queued.
	 */
	for (cp = vstring_str(work); cp < vstring_end(work);
	     cp += GT_OP_SPACE(op->klen, op->vlen)) {
	    op = (const GT_OP *) cp;
	    gt_thread_op(gt, op);
	    if (op->type == GT_OP_UPDATE)
		gt->applied_seq++;
	}
	VSTRING_RESET(work);
	if (gt->scanning && !stop)
	    gt_thread_scan(gt);

	/*
	 * The file: open it again after trouble, at most once a second.
	 */
	now = gt_now_ms();
	if (down && now >= next_check) {
	    next_check = now + 1000;
	    if ((status = inner->check(inner, time((time_t *) 0))) == 0) {
		down = 0;
		ev = gt_event_init(&event, GT_EV_STATUS);
		ev->value = inner->count(inner);
		gt_post(gt, ev);
	    }
	}
	if (now >= next_commit || stop) {
	    gt_thread_commit(gt);
	    next_commit = now + gt->limits.commit_ms;
	}
	if (now >= next_expire && !stop) {
	    if (now - expire_second >= 1000) {
		expire_second = now;
		expire_done = 0;
	    }
	    if (expire_done >= gt->limits.expire_rate) {
		next_expire = expire_second + 1000;
	    } else if ((status = gt_thread_expire(gt, gt->limits.expire_rate
						  - expire_done)) >= 0) {
		expire_done += status;
		next_expire = now + GT_EXPIRE_MS;
	    } else {
		expire_done += -status - 1;
		next_expire = now + 1000LL * gt->limits.expire_interval;
	    }
	}

	/*
	 * Tell the event loop when the file is gone; it lets mail through
	 * until it is back.
	 */
	if (!down && inner->check(inner, time((time_t *) 0)) < 0) {
	    down = 1;
	    next_check = now + 1000;
	    ev = gt_event_init(&event, GT_EV_STATUS);
	    ev->down = 1;
	    ev->value = -1;
	    gt_post(gt, ev);
	}
    }
    if (gt->scanning) {
	ev = gt_event_init(&event, GT_EV_SCANNED);
	ev->bloom = gt->scanning;
	ev->value = -1;
	gt->scanning = 0;
	gt_post(gt, ev);
    }
    return (0);
}

/* gt_queue - hand work to the thread */

static void gt_queue(GREYLIST_THREAD *gt, GT_OP *op, const char *key,
		             const char *val)
{
    static const char pad[8];
    size_t  used = sizeof(*op) + op->klen + 1 + op->vlen;
    int     wake;

    (void) pthread_mutex_lock(&gt->lock);
    vstring_memcat(gt->op_fill, (const char *) op, sizeof(*op));
    vstring_memcat(gt->op_fill, key, op->klen);
    vstring_memcat(gt->op_fill, pad, 1);
    vstring_memcat(gt->op_fill, val, op->vlen);
    vstring_memcat(gt->op_fill, pad, GT_OP_SPACE(op->klen, op->vlen) - used);
    if (op->type != GT_OP_UPDATE)
	gt->urgent = 1;
    gt->op_count++;
    wake = (gt->sleeping || gt->urgent || gt->op_count == GT_BATCH_MAX);
    (void) pthread_mutex_unlock(&gt->lock);
    if (wake)
	(void) pthread_cond_signal(&gt->wakeup);
}

/* gt_op_init - a work record */

static GT_OP *gt_op_init(GT_OP *op, int type, ssize_t klen, ssize_t vlen)
{
    memset((void *) op, 0, sizeof(*op));
    op->type = type;
    op->klen = klen;
    op->vlen = vlen;
    return (op);
}

/* gt_lru_unlink - take an entry off the LRU list */

static void gt_lru_unlink(GREYLIST_THREAD *gt, GT_ENTRY *ep)
{
    if (ep->prev)
	ep->prev->next = ep->next;
    else
	gt->lru_head = ep->next;
    if (ep->next)
	ep->next->prev = ep->prev;
    else
	gt->lru_tail = ep->prev;
    ep->prev = ep->next = 0;
    gt->lru_count--;
}

/* gt_lru_push - an entry is committed and was just used */

static void gt_lru_push(GREYLIST_THREAD *gt, GT_ENTRY *ep)
{
    ep->prev = 0;
    ep->next = gt->lru_head;
    if (gt->lru_head)
	gt->lru_head->prev = ep;
    else
	gt->lru_tail = ep;
    gt->lru_head = ep;
    gt->lru_count++;
}

/* gt_entry_free - hash table destructor */

static void gt_entry_free(void *ptr)
{
    myfree(ptr);
}

/* gt_forget_all - the file lost updates: forget what we know */

static void gt_forget_all(GREYLIST_THREAD *gt)
{
    htable_free(gt->table, gt_entry_free);
    gt->table = htable_create(GT_TABLE_SIZE(&gt->limits));
    gt->lru_head = gt->lru_tail = 0;
    gt->lru_count = 0;
    gt->dirty_head = gt->dirty_tail = 0;
}

/* gt_trim - forget the least recently used committed records */

static void gt_trim(GREYLIST_THREAD *gt, int max)
{
    GT_ENTRY *ep;

    /*
     * A little at a time: a commit makes thousands of records clean at
     * once, and forgetting them all in one go would hold up the answers.
     */
    while (max-- > 0 && gt->lru_count > gt->limits.cache_size
	   && (ep = gt->lru_tail) != 0) {
	gt_lru_unlink(gt, ep);
	htable_delete(gt->table, ep->key, gt_entry_free);
    }
}

/* gt_entry_add - remember a record */

static GT_ENTRY *gt_entry_add(GREYLIST_THREAD *gt, const char *key)
{
    GT_ENTRY *ep = (GT_ENTRY *) mymalloc(sizeof(*ep));

    memset((void *) ep, 0, sizeof(*ep));
    ep->key = htable_enter(gt->table, key, (void *) ep)->key;
    gt_lru_push(gt, ep);
    return (ep);
}

/* gt_entry_decode - a record from the file, or absent */

static void gt_entry_decode(GREYLIST_THREAD *gt, GT_ENTRY *ep, int found, VSTRING *rec)
{
    if (!found)
	return;
    if (ep->key[0] == GREYLIST_KEY_TRIPLET)
	ep->present = greylist_triplet_decode(vstring_str(rec), VSTRING_LEN(rec),
					      &ep->triplet);
    else
	ep->present = greylist_client_decode(vstring_str(rec), VSTRING_LEN(rec),
					     &ep->client);
    if (!ep->present)
	msg_warn("database %s: malformed %s record for %.100s (%ld bytes): replacing it",
		 gt->store.name, ep->key[0] == GREYLIST_KEY_TRIPLET ? "triplet" : "client",
		 ep->key + 1, (long) VSTRING_LEN(rec));
}

/* gt_known - what we know about a key without the file, or null */

static GT_ENTRY *gt_known(GREYLIST_THREAD *gt, const char *key, ssize_t len)
{
    GT_ENTRY *ep;

    if ((ep = (GT_ENTRY *) htable_find(gt->table, key)) != 0) {
	if (ep->seq == 0 && ep != gt->lru_head) {
	    gt_lru_unlink(gt, ep);
	    gt_lru_push(gt, ep);
	}
	return (ep);
    }
    if (gt->bloom && !gt_bloom_test(gt->bloom, key, len))
	return (gt_entry_add(gt, key));		/* known to be absent */
    return (0);
}

/* gt_dirty_push - this entry waits for update seq to be committed */

static void gt_dirty_push(GREYLIST_THREAD *gt, GT_ENTRY *ep, unsigned long seq)
{
    if (gt->dirty_tail == gt->dirty_size) {
	if (gt->dirty_head > 0) {
	    memmove((void *) gt->dirty, (void *) (gt->dirty + gt->dirty_head),
		    (gt->dirty_tail - gt->dirty_head) * sizeof(*gt->dirty));
	    gt->dirty_tail -= gt->dirty_head;
	    gt->dirty_head = 0;
	}
	if (gt->dirty_tail == gt->dirty_size) {
	    gt->dirty_size = 2 * gt->dirty_size;
	    gt->dirty = (GT_DIRTY *) myrealloc((void *) gt->dirty,
					   gt->dirty_size * sizeof(*gt->dirty));
	}
    }
    gt->dirty[gt->dirty_tail].entry = ep;
    gt->dirty[gt->dirty_tail].seq = seq;
    gt->dirty_tail++;
}

/* gt_update - change a record in memory and queue it for the file */

static void gt_update(GREYLIST_THREAD *gt, GT_ENTRY *ep, time_t old_expires,
		              time_t new_expires)
{
    ssize_t klen = strlen(ep->key);
    GT_OP   op;

    if (ep->key[0] == GREYLIST_KEY_TRIPLET)
	greylist_triplet_encode(&ep->triplet, gt->rec);
    else
	greylist_client_encode(&ep->client, gt->rec);
    gt_op_init(&op, GT_OP_UPDATE, klen, VSTRING_LEN(gt->rec));
    op.old_expires = old_expires;
    op.new_expires = new_expires;
    if (!ep->present) {
	if (gt->bloom)
	    gt_bloom_add(gt->bloom, ep->key, klen);
	if (gt->building)
	    gt_bloom_add(gt->building, ep->key, klen);
	gt->bloom_added++;
	ep->present = 1;
    }
    if (ep->key[0] == GREYLIST_KEY_CLIENT
	&& greylist_client_whitelisted(gt->store.policy, &ep->client)) {
	if (gt->bloom)
	    gt_bloom_add_whitelist(gt->bloom, ep->key, klen);
	if (gt->building)
	    gt_bloom_add_whitelist(gt->building, ep->key, klen);
    }
    if (ep->seq == 0)
	gt_lru_unlink(gt, ep);
    ep->seq = ++gt->next_seq;
    gt_dirty_push(gt, ep, ep->seq);
    gt_queue(gt, &op, ep->key, vstring_str(gt->rec));
}

/* gt_record - store what the decision changed, answer */

static void gt_record(GREYLIST_THREAD *gt, GT_ENTRY *tp, GT_ENTRY *cp,
		              GREYLIST_DECISION *decision,
		              GREYLIST_STORE_DONE_FN done, void *context)
{
    const GREYLIST_POLICY *policy = gt->store.policy;
    time_t  old_expires;

    if (decision->triplet_update) {
	old_expires = tp->present ? greylist_triplet_expires(policy, &tp->triplet) : 0;
	tp->triplet = decision->triplet;
	gt_update(gt, tp, old_expires, greylist_triplet_expires(policy, &tp->triplet));
    }
    if (decision->client_update && cp) {
	old_expires = cp->present ? greylist_client_expires(policy, &cp->client) : 0;
	cp->client = decision->client;
	gt_update(gt, cp, old_expires, greylist_client_expires(policy, &cp->client));
    }

    /*
     * While commits fail, a new triplet may well be lost: see
     * greylist_store_btree(3).
     */
    if (gt->trouble && decision->action == GREYLIST_ACT_NEW)
	decision->action = GREYLIST_ACT_ERROR;
    done(decision, context);
}

/* gt_apply - decide with what we know, record, answer */

static void gt_apply(GREYLIST_THREAD *gt, GT_ENTRY *tp, GT_ENTRY *cp,
		             time_t now, GREYLIST_STORE_DONE_FN done,
		             void *context)
{
    GREYLIST_DECISION decision;

    greylist_policy_decide(gt->store.policy, now, tp->present ? &tp->triplet : 0,
			   cp && cp->present ? &cp->client : 0, &decision);
    gt_record(gt, tp, cp, &decision, done, context);
}

/* gt_error - let the mail through */

static void gt_error(GREYLIST_STORE_DONE_FN done, void *context)
{
    GREYLIST_DECISION decision;

    memset((void *) &decision, 0, sizeof(decision));
    decision.action = GREYLIST_ACT_ERROR;
    done(&decision, context);
}

/* gt_overloaded - too many updates wait for the disk */

static int gt_overloaded(GREYLIST_THREAD *gt)
{
    time_t  now;

    if (gt->next_seq - gt->committed_seq < (unsigned long) gt->limits.queue_limit)
	return (0);
    now = time((time_t *) 0);
    if (now - gt->last_warn >= GT_WARN_INTERVAL) {
	msg_warn("database %s: %lu updates wait for the disk (limit %d): letting mail through until it catches up (%ld requests since the last warning)",
		 gt->store.name, gt->next_seq - gt->committed_seq,
		 gt->limits.queue_limit, gt->suppressed);
	gt->last_warn = now;
	gt->suppressed = 0;
    }
    gt->suppressed++;
    return (1);
}

/* gt_call_free - a lookup is over */

static void gt_call_free(GT_CALL *call)
{
    myfree(call->triplet_key);
    if (call->client_key)
	myfree(call->client_key);
    vstring_free(call->triplet_rec);
    vstring_free(call->client_rec);
    myfree((void *) call);
}

/* gt_decide - answer from memory, or ask the thread */

static void gt_decide(GREYLIST_STORE *store, const GREYLIST_KEYS *keys,
		              time_t now, GREYLIST_STORE_DONE_FN done,
		              void *context)
{
    GREYLIST_THREAD *gt = (GREYLIST_THREAD *) store;
    const char *tkey = vstring_str(keys->triplet);
    const char *ckey = vstring_str(keys->client);
    int     awl = (store->policy->awl_threshold > 0);
    GT_ENTRY *tp;
    GT_ENTRY *cp = 0;
    GT_CALL *call;
    GT_OP   op;
    GREYLIST_DECISION decision;

    if (gt->down || gt_overloaded(gt)) {
	gt_error(done, context);
	return;
    }
    tp = gt_known(gt, tkey, VSTRING_LEN(keys->triplet));
    if (awl)
	cp = gt_known(gt, ckey, VSTRING_LEN(keys->client));
    if (tp && (cp || !awl)) {
	gt_apply(gt, tp, cp, now, done, context);
	gt_trim(gt, GT_TRIM_STEP);
	return;
    }

    /*
     * A client that is not auto-whitelisted does not change the answer to
     * a new or early triplet, and its record does not change then either:
     * no need to read it. (Most clients of a busy MX are in the file, few
     * are whitelisted.)
     */
    if (tp && gt->bloom
	&& !gt_bloom_test_whitelist(gt->bloom, ckey, VSTRING_LEN(keys->client))) {
	greylist_policy_decide(store->policy, now, tp->present ? &tp->triplet : 0,
			       (const GREYLIST_CLIENT *) 0, &decision);
	if (decision.action != GREYLIST_ACT_PASS
	    && decision.action != GREYLIST_ACT_KNOWN) {
	    gt_record(gt, tp, (GT_ENTRY *) 0, &decision, done, context);
	    gt_trim(gt, GT_TRIM_STEP);
	    return;
	}
    }

    /*
     * The file may have it: the thread looks.
     */
    call = (GT_CALL *) mymalloc(sizeof(*call));
    call->triplet_key = mystrdup(tkey);
    call->client_key = awl ? mystrdup(ckey) : 0;
    call->now = now;
    call->done = done;
    call->context = context;
    call->status = 0;
    call->triplet_found = call->client_found = 0;
    call->triplet_rec = vstring_alloc(64);	/* no growth in the thread */
    call->client_rec = vstring_alloc(64);
    gt_op_init(&op, GT_OP_LOOKUP, 0, 0);
    op.call = call;
    gt->pending++;
    gt_queue(gt, &op, "", "");
}

/* gt_answer - the thread looked up what a request needs */

static void gt_answer(GREYLIST_THREAD *gt, GT_CALL *call)
{
    GT_ENTRY *tp;
    GT_ENTRY *cp = 0;

    gt->pending--;
    if (call->status < 0 || gt->down || gt_overloaded(gt)) {
	gt_error(call->done, call->context);
	gt_call_free(call);
	return;
    }

    /*
     * What memory holds is newer than what the file held when the thread
     * looked: the loop queued it.
     */
    if ((tp = (GT_ENTRY *) htable_find(gt->table, call->triplet_key)) == 0) {
	tp = gt_entry_add(gt, call->triplet_key);
	gt_entry_decode(gt, tp, call->triplet_found, call->triplet_rec);
    }
    if (call->client_key
	&& (cp = (GT_ENTRY *) htable_find(gt->table, call->client_key)) == 0) {
	cp = gt_entry_add(gt, call->client_key);
	gt_entry_decode(gt, cp, call->client_found, call->client_rec);
    }
    gt_apply(gt, tp, cp, call->now, call->done, call->context);
    gt_call_free(call);
    gt_trim(gt, GT_TRIM_STEP);
}

/* gt_committed - updates up to seq are in the file */

static void gt_committed(GREYLIST_THREAD *gt, unsigned long seq)
{
    GT_DIRTY *dp;

    gt->committed_seq = seq;
    while (gt->dirty_head < gt->dirty_tail
	   && (dp = gt->dirty + gt->dirty_head)->seq <= seq) {
	if (dp->entry->seq == dp->seq) {
	    dp->entry->seq = 0;
	    gt_lru_push(gt, dp->entry);
	}
	gt->dirty_head++;
    }
    if (gt->dirty_head == gt->dirty_tail)
	gt->dirty_head = gt->dirty_tail = 0;
    gt_trim(gt, GT_TRIM_STEP);
}

/* gt_rebuild - have the thread build a new filter */

static void gt_rebuild(GREYLIST_THREAD *gt)
{
    GT_OP   op;
    long    keys = (gt->count > 0 ? gt->count / 2 : 0) + gt->bloom_added;

    gt->building = gt_bloom_create(2 * keys);
    gt->build_start = gt_now_ms();
    gt->bloom_added = 0;
    if (msg_verbose)
	msg_info("database %s: building a key filter for %ld keys",
		 gt->store.name, gt->building->capacity);
    gt_op_init(&op, GT_OP_SCAN, 0, 0);
    op.bloom = gt->building;
    gt_queue(gt, &op, "", "");
}

/* gt_filter_path - where the filter is saved */

static VSTRING *gt_filter_path(GREYLIST_THREAD *gt, VSTRING *buf)
{
    return (vstring_sprintf(buf, "%s%s", gt->inner->name, GT_FILTER_SUFFIX));
}

/* gt_filter_open - the saved filter, or build one */

static void gt_filter_open(GREYLIST_THREAD *gt)
{
    VSTRING *path = gt_filter_path(gt, vstring_alloc(100));
    VSTRING *why = vstring_alloc(100);
    const char *seal = gt->inner->sealed ? gt->inner->sealed(gt->inner) : 0;
    long    added;

    /*
     * Only the event loop touches the filter until it asks for a scan;
     * the thread has not read the file yet.
     */
    if (seal != 0
	&& (gt->bloom = gt_bloom_load(vstring_str(path), seal,
				      gt->store.policy->awl_threshold,
				      gt->count, &added, why)) != 0) {
	gt->bloom_added = added;
	msg_info("database %s: key filter loaded from %s (room for %ld keys)",
		 gt->store.name, vstring_str(path), gt->bloom->capacity);
    } else {
	if (gt->count > 0)
	    msg_info("database %s: reading every key for the key filter (%s)",
		     gt->store.name, seal == 0 ?
		     "the database was not closed cleanly, or by another program"
		     : vstring_str(why));
	gt_rebuild(gt);
    }
    vstring_free(path);
    vstring_free(why);
}

/* gt_filter_save - keep the filter for the next start, seal the file */

static void gt_filter_save(GREYLIST_THREAD *gt)
{
    VSTRING *path;
    char    seal[33];
    unsigned char rnd[16];
    int     i;

    /*
     * The thread is gone and every update is committed. A filter that is
     * not complete, or a file in trouble, is not worth keeping.
     */
    if (gt->bloom == 0 || gt->down || gt->inner->commit_trouble
	|| gt->inner->seal == 0)
	return;
    gt_random(rnd, sizeof(rnd));
    for (i = 0; i < (int) sizeof(rnd); i++)
	snprintf(seal + 2 * i, 3, "%02x", rnd[i]);
    path = gt_filter_path(gt, vstring_alloc(100));
    if (gt_bloom_save(gt->bloom, vstring_str(path), seal, gt->bloom_added,
		      gt->store.policy->awl_threshold,
		      gt->inner->count(gt->inner)) == 0
	&& gt->inner->seal(gt->inner, seal) == 0 && msg_verbose)
	msg_info("database %s: key filter saved in %s", gt->store.name,
		 vstring_str(path));
    vstring_free(path);
}

/* gt_event - results from the thread */

static void gt_event(int unused_event, void *context)
{
    GREYLIST_THREAD *gt = (GREYLIST_THREAD *) context;
    VSTRING *list;
    const GT_EVENT *ev;
    const char *cp;
    char    buf[64];

    while (read(gt->pipe[0], buf, sizeof(buf)) > 0)
	 /* void */ ;
    (void) pthread_mutex_lock(&gt->lock);
    list = gt->ev_fill;
    gt->ev_fill = gt->ev_drain;
    gt->ev_drain = list;
    (void) pthread_mutex_unlock(&gt->lock);

    for (cp = vstring_str(list); cp < vstring_end(list); cp += sizeof(*ev)) {
	ev = (const GT_EVENT *) cp;
	if (ev->generation != gt->generation) {
	    gt->generation = ev->generation;
	    gt_forget_all(gt);
	}
	gt->trouble = ev->trouble;
	switch (ev->type) {
	case GT_EV_STATUS:
	    gt->down = ev->down;
	    if (!ev->down) {
		gt->count = ev->value;
		gt->scan_failed = 0;
	    }
	    break;
	case GT_EV_LOOKUP:
	    gt_answer(gt, ev->call);
	    break;
	case GT_EV_COMMIT:
	    gt->count = ev->value;
	    gt_committed(gt, ev->seq);
	    break;
	case GT_EV_EXPIRED:
	    greylist_stats.expired += ev->value;
	    break;
	case GT_EV_SCANNED:
	    if (ev->bloom != gt->building)
		msg_panic("gt_event: unexpected filter");
	    gt->building = 0;
	    if (ev->value < 0) {
		gt_bloom_free(ev->bloom);
		gt->scan_failed = 1;
	    } else {
		if (gt->bloom)
		    gt_bloom_free(gt->bloom);
		gt->bloom = ev->bloom;
		msg_info("database %s: key filter ready after %.1f s (%ld records, room for %ld keys)",
			 gt->store.name, (gt_now_ms() - gt->build_start) / 1000.0,
			 gt->count, gt->bloom->capacity);
	    }
	    break;
	default:
	    msg_panic("gt_event: unknown event type %d", ev->type);
	}
    }
    VSTRING_RESET(list);

    /*
     * A filter that holds more keys than it was made for answers "maybe"
     * too often: make a bigger one (this also drops expired keys). One
     * that failed (the file went away) is made again when the file is
     * back.
     */
    if (gt->building == 0 && !gt->down && !gt->scan_failed
	&& (gt->bloom == 0 ? 1 : gt->bloom_added > gt->bloom->capacity / 2))
	gt_rebuild(gt);
}

/* gt_expire - the thread expires by itself */

static int gt_expire(GREYLIST_STORE *unused_store, time_t unused_now,
		             int unused_max, int unused_ms, int *more)
{
    *more = 0;
    return (0);
}

/* gt_commit - the thread commits by itself */

static int gt_commit(GREYLIST_STORE *store)
{
    GREYLIST_THREAD *gt = (GREYLIST_THREAD *) store;

    return (gt->trouble ? -1 : 0);
}

/* gt_count - records in the file at the last commit */

static long gt_count(GREYLIST_STORE *store)
{
    GREYLIST_THREAD *gt = (GREYLIST_THREAD *) store;

    return (gt->down ? -1 : gt->count);
}

/* gt_close - stop the thread after it has done its work */

static void gt_close(GREYLIST_STORE *store)
{
    GREYLIST_THREAD *gt = (GREYLIST_THREAD *) store;
    const GT_EVENT *ev;
    const char *cp;
    int     err;

    (void) pthread_mutex_lock(&gt->lock);
    gt->stop = 1;
    (void) pthread_cond_signal(&gt->wakeup);
    (void) pthread_mutex_unlock(&gt->lock);
    if ((err = pthread_join(gt->thread, (void **) 0)) != 0)
	msg_fatal("greylist store thread: join: %s", strerror(err));
    gt_filter_save(gt);
    gt->inner->close(gt->inner);
    event_disable_readwrite(gt->pipe[0]);

    /*
     * Results that nobody will read: requests that waited get no answer
     * (the process is going away).
     */
    for (cp = vstring_str(gt->ev_fill); cp < vstring_end(gt->ev_fill); cp += sizeof(*ev)) {
	ev = (const GT_EVENT *) cp;
	if (ev->type == GT_EV_LOOKUP)
	    gt_call_free(ev->call);
	if (ev->type == GT_EV_SCANNED)
	    gt_bloom_free(ev->bloom);
    }
    (void) close(gt->pipe[0]);
    (void) close(gt->pipe[1]);
    htable_free(gt->table, gt_entry_free);
    myfree((void *) gt->dirty);
    if (gt->bloom)
	gt_bloom_free(gt->bloom);
    vstring_free(gt->rec);
    vstring_free(gt->scan_cursor);
    vstring_free(gt->op_fill);
    vstring_free(gt->op_drain);
    vstring_free(gt->ev_fill);
    vstring_free(gt->ev_drain);
    (void) pthread_mutex_destroy(&gt->lock);
    (void) pthread_cond_destroy(&gt->wakeup);
    greylist_store_free(store);
}

/* greylist_store_thread_filter_ready - is the filter complete? */

int     greylist_store_thread_filter_ready(GREYLIST_STORE *store)
{
    return (((GREYLIST_THREAD *) store)->bloom != 0);
}

/* greylist_store_thread_open - start the thread */

GREYLIST_STORE *greylist_store_thread_open(GREYLIST_STORE *inner,
				           const GREYLIST_THREAD_LIMITS *limits)
{
    GREYLIST_THREAD *gt;
    sigset_t all;
    sigset_t saved;
    int     err;

    if (inner->lookup == 0 || inner->update == 0 || inner->scan == 0
	|| inner->check == 0)
	msg_panic("greylist_store_thread_open: store type %s has no record access",
		  inner->type);
    gt = (GREYLIST_THREAD *) mymalloc(sizeof(*gt));
    memset((void *) gt, 0, sizeof(*gt));
    gt->store.type = mystrdup(inner->type);
    gt->store.name = mystrdup(inner->name);
    gt->store.flags = inner->flags;
    gt->store.policy = inner->policy;
    gt->store.lock_timeout = inner->lock_timeout;
    gt->store.decide = gt_decide;
    gt->store.expire = gt_expire;
    gt->store.commit = gt_commit;
    gt->store.count = gt_count;
    gt->store.close = gt_close;
    gt->inner = inner;
    gt->limits = *limits;
    if (gt->limits.cache_size < 0)
	gt->limits.cache_size = 0;
    gt->table = htable_create(GT_TABLE_SIZE(&gt->limits));
    gt->dirty_size = 1024;
    gt->dirty = (GT_DIRTY *) mymalloc(gt->dirty_size * sizeof(*gt->dirty));
    gt->rec = vstring_alloc(GREYLIST_TRIPLET_SIZE);
    gt->scan_cursor = vstring_alloc(100);
    gt->op_fill = vstring_alloc(1 << 16);
    gt->op_drain = vstring_alloc(1 << 16);
    gt->ev_fill = vstring_alloc(1 << 12);
    gt->ev_drain = vstring_alloc(1 << 12);
    gt->generation = inner->generation;
    gt->count = inner->count(inner);
    if ((err = pthread_mutex_init(&gt->lock, (pthread_mutexattr_t *) 0)) != 0
	|| (err = pthread_cond_init(&gt->wakeup, (pthread_condattr_t *) 0)) != 0)
	msg_fatal("greylist store thread: %s", strerror(err));
    if (pipe2(gt->pipe, O_CLOEXEC | O_NONBLOCK) < 0)
	msg_fatal("greylist store thread: pipe: %m");
    event_enable_read(gt->pipe[0], gt_event, (void *) gt);

    /*
     * Before the thread starts: its first transaction removes the seal.
     */
    gt_filter_open(gt);

    /*
     * Signals are the event loop's: the thread blocks all but the faults
     * (see gt_thread_main()).
     */
    sigfillset(&all);
    (void) pthread_sigmask(SIG_BLOCK, &all, &saved);
    err = pthread_create(&gt->thread, (pthread_attr_t *) 0, gt_thread_main, (void *) gt);
    (void) pthread_sigmask(SIG_SETMASK, &saved, (sigset_t *) 0);
    if (err != 0)
	msg_fatal("greylist store thread: create: %s", strerror(err));
    return (&gt->store);
}
