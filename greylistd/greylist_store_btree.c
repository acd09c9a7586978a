/*++
/* NAME
/*	greylist_store_btree 3
/* SUMMARY
/*	Tokyo Cabinet B+tree greylist store
/* SYNOPSIS
/*	#include "greylist_store_btree.h"
/*
/*	GREYLIST_STORE *greylist_store_btree_open(path, policy, flags, lock_timeout)
/*	const char *path;
/*	const GREYLIST_POLICY *policy;
/*	int	flags;
/*	int	lock_timeout;
/* DESCRIPTION
/*	This backend keeps the greylist in one Tokyo Cabinet B+tree file:
/*	triplet records under "T", client counters under "C", and a time
/*	index under 0xff (see greylist_store(3) for the record format).
/*
/*	Every write happens inside a transaction. A long-running daemon
/*	keeps one transaction open and commits it when commit() is called
/*	(from a timer, and at exit), or earlier when it grows large;
/*	Tokyo Cabinet's undo log (\fIpath\fB.wal\fR) rolls an interrupted
/*	transaction back at the next open, so that a process killed at any
/*	instant loses at most the updates since the last commit and
/*	never leaves a file that cannot be opened.
/*
/*	Tokyo Cabinet holds an fcntl(2) lock on the file from open to
/*	close. A long-running daemon takes it once, without waiting; a
/*	file that another process holds is a fatal error that names the
/*	fix. With GREYLIST_STORE_FLAG_PER_REQUEST (spawn(8) copies), the
/*	file is opened, locked, updated in one transaction, committed and
/*	closed for each request, so that concurrent copies never work
/*	from a stale view; a copy waits at most lock_timeout seconds for
/*	the lock and then lets the mail through.
/*
/*	Failures never block mail:
/* .IP \(bu
/*	A file that is not a valid B+tree at open time (truncated, a zeroed
/*	header, not a Tokyo Cabinet file, the "fatal" flag set by an
/*	earlier hard error) is renamed to \fIpath\fB.corrupt.\fItime\fR,
/*	with one warning, and a new empty file is created.
/* .IP \(bu
/*	An error during a lookup or an update (a full file system, a
/*	file that became unreadable, damage found in the middle of the
/*	tree) aborts the open transaction, closes the file and answers
/*	GREYLIST_ACT_ERROR (the daemon says DUNNO); a warning is logged
/*	at most once a minute. The file is opened again for a later
/*	request, at most once a second; damage found at that open is
/*	handled as above.
/* .IP \(bu
/*	A record with a bad version or length is logged, counted as
/*	absent and replaced.
/* DIAGNOSTICS
/*	Fatal at start-up: the file cannot be created or opened (the
/*	message names the file, the error and the user), or another
/*	process holds it.
/* SEE ALSO
/*	tcbmgr(1), inspect a Tokyo Cabinet B+tree file
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/stat.h>
#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Tokyo Cabinet. */

#include <tcutil.h>
#include <tcbdb.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>

/* Application-specific. */

#include "greylist_store.h"
#include "greylist_store_btree.h"

 /*
  * Tuning. The leaf cache holds the hot part of the tree; each commit walks
  * it, so bigger is not better (see docs/tokyocabinet.md).
  */
#define BTREE_LMEMB	128		/* records per leaf */
#define BTREE_NMEMB	256		/* keys per inner node */
#define BTREE_BNUM	262139		/* hash buckets of the page file */
#define BTREE_LCNUM	8192		/* cached leaves */
#define BTREE_NCNUM	2048		/* cached inner nodes */
#define BTREE_XMSIZ	(64 * 1024 * 1024)	/* mapped region */
#define BTREE_TX_LIMIT	100000		/* updates per transaction */

#define BTREE_REOPEN_DELAY	1	/* seconds between open attempts */
#define BTREE_WARN_INTERVAL	60	/* seconds between warnings */

typedef struct GREYLIST_BTREE {
    GREYLIST_STORE store;		/* generic part, first */
    TCBDB  *bdb;			/* open handle, or null */
    int     in_tx;			/* transaction open */
    int     tx_updates;			/* writes in this transaction */
    time_t  last_open_try;		/* when we last tried to open */
    time_t  last_warn;			/* rate limit */
    int     suppressed;			/* warnings not logged */
    VSTRING *rec;			/* record buffer */
    VSTRING *old_index;			/* index key buffers */
    VSTRING *new_index;
    VSTRING *key;			/* scratch key */
} GREYLIST_BTREE;

#define BTREE_OPEN_OK		0
#define BTREE_OPEN_FAIL		-1
#define BTREE_OPEN_LOCKED	-2

/* btree_user - name the user we run as, for diagnostics */

static const char *btree_user(void)
{
    static char buf[64];
    struct passwd *pw = getpwuid(geteuid());

    if (pw)
	snprintf(buf, sizeof(buf), "%s", pw->pw_name);
    else
	snprintf(buf, sizeof(buf), "uid %ld", (long) geteuid());
    return (buf);
}

/* btree_warn - rate-limited warning */

static void PRINTFLIKE(2, 3) btree_warn(GREYLIST_BTREE *gb, const char *fmt,...)
{
    VSTRING *buf;
    va_list ap;
    time_t  now = time((time_t *) 0);

    if (now - gb->last_warn < BTREE_WARN_INTERVAL) {
	gb->suppressed++;
	return;
    }
    buf = vstring_alloc(100);
    va_start(ap, fmt);
    vstring_vsprintf_append(buf, fmt, ap);
    va_end(ap);
    if (gb->suppressed)
	msg_warn("%s (%d similar warnings suppressed)", vstring_str(buf), gb->suppressed);
    else
	msg_warn("%s", vstring_str(buf));
    vstring_free(buf);
    gb->last_warn = now;
    gb->suppressed = 0;
}

/* btree_is_damage - does this error code mean a damaged file? */

static int btree_is_damage(int ecode)
{
    switch (ecode) {
    case TCEMETA:
    case TCERHEAD:
    case TCEMISC:
    case TCEREAD:
	return (1);
    default:
	return (0);
    }
}

/* btree_move_aside - rename a damaged file and its undo log */

static void btree_move_aside(GREYLIST_BTREE *gb, const char *reason)
{
    VSTRING *aside = vstring_alloc(100);
    VSTRING *wal = vstring_alloc(100);
    VSTRING *wal_aside = vstring_alloc(100);
    const char *path = gb->store.name;
    time_t  now = time((time_t *) 0);

    vstring_sprintf(aside, "%s.corrupt.%ld", path, (long) now);
    vstring_sprintf(wal, "%s.wal", path);
    vstring_sprintf(wal_aside, "%s.wal", vstring_str(aside));
    if (rename(path, vstring_str(aside)) < 0 && errno != ENOENT)
	msg_warn("database %s is damaged (%s) and cannot be moved aside: rename to %s: %m",
		 path, reason, vstring_str(aside));
    else
	msg_warn("database %s is damaged (%s): moved it aside as %s and started a new, empty database",
		 path, reason, vstring_str(aside));
    if (rename(vstring_str(wal), vstring_str(wal_aside)) < 0 && errno != ENOENT)
	msg_warn("rename %s to %s: %m", vstring_str(wal), vstring_str(wal_aside));
    vstring_free(aside);
    vstring_free(wal);
    vstring_free(wal_aside);
}

/* btree_close_db - release the handle, never write outside a transaction */

static void btree_close_db(GREYLIST_BTREE *gb, int commit)
{
    if (gb->bdb == 0)
	return;
    if (gb->in_tx) {
	if (commit) {
	    if (!tcbdbtrancommit(gb->bdb))
		btree_warn(gb, "database %s: commit: %s", gb->store.name,
			   tcbdberrmsg(tcbdbecode(gb->bdb)));
	} else {
	    (void) tcbdbtranabort(gb->bdb);
	}
	gb->in_tx = 0;
	gb->tx_updates = 0;
    }
    if (!tcbdbclose(gb->bdb) && tcbdbecode(gb->bdb) != TCEINVALID)
	msg_warn("database %s: close: %s", gb->store.name,
		 tcbdberrmsg(tcbdbecode(gb->bdb)));
    tcbdbdel(gb->bdb);
    gb->bdb = 0;
}

/* btree_try_open - one attempt to open the file */

static int btree_try_open(GREYLIST_BTREE *gb, VSTRING *why)
{
    TCBDB  *bdb;
    int     ecode;
    int     attempt;

    for (attempt = 0; attempt < 2; attempt++) {
	bdb = tcbdbnew();
	if (!tcbdbtune(bdb, BTREE_LMEMB, BTREE_NMEMB, BTREE_BNUM, -1, -1, BDBTLARGE)
	    || !tcbdbsetcache(bdb, BTREE_LCNUM, BTREE_NCNUM)
	    || !tcbdbsetxmsiz(bdb, BTREE_XMSIZ))
	    msg_fatal("database %s: tuning: %s", gb->store.name,
		      tcbdberrmsg(tcbdbecode(bdb)));
	if (tcbdbopen(bdb, gb->store.name, BDBOWRITER | BDBOCREAT | BDBOLCKNB)) {
	    if (!(tcbdbflags(bdb) & BDBFFATAL)) {
		gb->bdb = bdb;
		return (BTREE_OPEN_OK);
	    }
	    (void) tcbdbclose(bdb);
	    tcbdbdel(bdb);
	    btree_move_aside(gb, "the file is marked as damaged by an earlier fatal error");
	    continue;
	}
	ecode = tcbdbecode(bdb);
	tcbdbdel(bdb);
	if (ecode == TCELOCK) {
	    vstring_sprintf(why, "database %s is locked by another process", gb->store.name);
	    return (BTREE_OPEN_LOCKED);
	}
	if (btree_is_damage(ecode) && attempt == 0) {
	    btree_move_aside(gb, tcbdberrmsg(ecode));
	    continue;
	}
	vstring_sprintf(why, "cannot open database %s as user %s: %s (%m)",
			gb->store.name, btree_user(), tcbdberrmsg(ecode));
	return (BTREE_OPEN_FAIL);
    }
    vstring_sprintf(why, "cannot create a new database %s as user %s", gb->store.name,
		    btree_user());
    return (BTREE_OPEN_FAIL);
}

/* btree_open_locked - open, waiting for the lock within the timeout */

static int btree_open_locked(GREYLIST_BTREE *gb, VSTRING *why)
{
    struct timespec ts;
    struct timespec start;
    struct timespec now;
    int     status;
    int     nap_ms = 2;

    (void) clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
	if ((status = btree_try_open(gb, why)) != BTREE_OPEN_LOCKED)
	    return (status);
	(void) clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000
	    >= (long) gb->store.lock_timeout * 1000) {
	    vstring_sprintf_append(why, " (waited %d seconds for the lock)",
				   gb->store.lock_timeout);
	    return (BTREE_OPEN_LOCKED);
	}
	ts.tv_sec = 0;
	ts.tv_nsec = nap_ms * 1000000L;
	nanosleep(&ts, (struct timespec *) 0);
	if (nap_ms < 50)
	    nap_ms *= 2;
    }
}

/* btree_begin - make sure a transaction is open */

static int btree_begin(GREYLIST_BTREE *gb)
{
    if (gb->in_tx)
	return (1);
    if (!tcbdbtranbegin(gb->bdb))
	return (0);
    gb->in_tx = 1;
    gb->tx_updates = 0;
    return (1);
}

/* btree_failed - give up the handle after an error */

static void btree_failed(GREYLIST_BTREE *gb, const char *what)
{
    int     ecode = tcbdbecode(gb->bdb);
    int     saved_errno = errno;

    errno = saved_errno;
    btree_warn(gb, "database %s: %s: %s (%m): letting mail through until it works again",
	       gb->store.name, what, tcbdberrmsg(ecode));
    btree_close_db(gb, 0);
    if (btree_is_damage(ecode))
	btree_move_aside(gb, tcbdberrmsg(ecode));
}

/* btree_ready - have an open handle, or say why not */

static int btree_ready(GREYLIST_BTREE *gb, time_t now)
{
    VSTRING *why;
    int     status;

    if (gb->bdb)
	return (1);
    if (!(gb->store.flags & GREYLIST_STORE_FLAG_PER_REQUEST)
	&& now - gb->last_open_try < BTREE_REOPEN_DELAY)
	return (0);
    gb->last_open_try = now;
    why = vstring_alloc(100);
    status = (gb->store.flags & GREYLIST_STORE_FLAG_PER_REQUEST) ?
	btree_open_locked(gb, why) : btree_try_open(gb, why);
    if (status != BTREE_OPEN_OK)
	btree_warn(gb, "%s: letting mail through", vstring_str(why));
    else if (!(gb->store.flags & GREYLIST_STORE_FLAG_PER_REQUEST))
	msg_info("database %s: opened again", gb->store.name);
    vstring_free(why);
    return (status == BTREE_OPEN_OK);
}

/* btree_get - look up one record; 1 found, 0 absent, -1 error */

static int btree_get(GREYLIST_BTREE *gb, const char *key, ssize_t klen)
{
    const char *val;
    int     vlen;

    if ((val = tcbdbget3(gb->bdb, key, (int) klen, &vlen)) == 0)
	return (tcbdbecode(gb->bdb) == TCENOREC ? 0 : -1);
    vstring_memcpy(gb->rec, val, vlen);
    return (1);
}

/* btree_put_record - store a record and move its index entry */

static int btree_put_record(GREYLIST_BTREE *gb, const char *key, ssize_t klen,
			            time_t old_expires, time_t new_expires)
{
    if (!btree_begin(gb))
	return (0);
    if (!tcbdbput(gb->bdb, key, (int) klen, vstring_str(gb->rec),
		  (int) VSTRING_LEN(gb->rec)))
	return (0);
    if (old_expires != new_expires) {
	if (old_expires > 0) {
	    greylist_index_key(gb->old_index, old_expires, key, klen);
	    if (!tcbdbout(gb->bdb, vstring_str(gb->old_index),
			  (int) VSTRING_LEN(gb->old_index))
		&& tcbdbecode(gb->bdb) != TCENOREC)
		return (0);
	}
	greylist_index_key(gb->new_index, new_expires, key, klen);
	if (!tcbdbput(gb->bdb, vstring_str(gb->new_index),
		      (int) VSTRING_LEN(gb->new_index), "", 0))
	    return (0);
    }
    gb->tx_updates++;
    return (1);
}

/* btree_decide - look up, decide, record */

static void btree_decide(GREYLIST_STORE *store, const GREYLIST_KEYS *keys,
			         time_t now, GREYLIST_STORE_DONE_FN done,
			         void *context)
{
    GREYLIST_BTREE *gb = (GREYLIST_BTREE *) store;
    const GREYLIST_POLICY *policy = store->policy;
    GREYLIST_DECISION decision;
    GREYLIST_TRIPLET triplet;
    GREYLIST_CLIENT client;
    int     have_triplet = 0;
    int     have_client = 0;
    time_t  old_expires;
    int     status;

    if (!btree_ready(gb, now)) {
	memset((void *) &decision, 0, sizeof(decision));
	decision.action = GREYLIST_ACT_ERROR;
	done(&decision, context);
	return;
    }

    /*
     * The records we have.
     */
    if ((status = btree_get(gb, vstring_str(keys->triplet),
			    VSTRING_LEN(keys->triplet))) < 0)
	goto failed;
    if (status > 0) {
	if (greylist_triplet_decode(vstring_str(gb->rec), VSTRING_LEN(gb->rec), &triplet))
	    have_triplet = 1;
	else
	    btree_warn(gb, "database %s: malformed triplet record for %.100s (%ld bytes, version %d): replacing it",
		       store->name, vstring_str(keys->triplet) + 1,
		       (long) VSTRING_LEN(gb->rec),
		       VSTRING_LEN(gb->rec) ? (unsigned char) vstring_str(gb->rec)[0] : -1);
    }
    if (policy->awl_threshold > 0) {
	if ((status = btree_get(gb, vstring_str(keys->client),
				VSTRING_LEN(keys->client))) < 0)
	    goto failed;
	if (status > 0) {
	    if (greylist_client_decode(vstring_str(gb->rec), VSTRING_LEN(gb->rec), &client))
		have_client = 1;
	    else
		btree_warn(gb, "database %s: malformed client record for %.100s: replacing it",
			   store->name, vstring_str(keys->client) + 1);
	}
    }

    /*
     * The decision, and what it changes.
     */
    greylist_policy_decide(policy, now, have_triplet ? &triplet : 0,
			   have_client ? &client : 0, &decision);
    if (decision.triplet_update) {
	old_expires = have_triplet ? greylist_triplet_expires(policy, &triplet) : 0;
	greylist_triplet_encode(&decision.triplet, gb->rec);
	if (!btree_put_record(gb, vstring_str(keys->triplet), VSTRING_LEN(keys->triplet),
		 old_expires, greylist_triplet_expires(policy, &decision.triplet)))
	    goto failed;
    }
    if (decision.client_update) {
	old_expires = have_client ? greylist_client_expires(policy, &client) : 0;
	greylist_client_encode(&decision.client, gb->rec);
	if (!btree_put_record(gb, vstring_str(keys->client), VSTRING_LEN(keys->client),
		   old_expires, greylist_client_expires(policy, &decision.client)))
	    goto failed;
    }

    /*
     * Per-request locking: make it durable and let the next copy in.
     */
    if (store->flags & GREYLIST_STORE_FLAG_PER_REQUEST) {
	int     more;

	(void) store->expire(store, now, 20, 5, &more);
	if (gb->bdb == 0)
	    goto failed_closed;
	if (gb->in_tx && !tcbdbtrancommit(gb->bdb)) {
	    gb->in_tx = 0;
	    goto failed;
	}
	gb->in_tx = 0;
	btree_close_db(gb, 1);
    } else if (gb->tx_updates >= BTREE_TX_LIMIT) {
	if (store->commit(store) < 0)
	    goto failed_closed;
    }
    done(&decision, context);
    return;

failed:
    btree_failed(gb, "lookup or update");
failed_closed:
    memset((void *) &decision, 0, sizeof(decision));
    decision.action = GREYLIST_ACT_ERROR;
    done(&decision, context);
}

/* btree_expire - remove records that are due */

static int btree_expire(GREYLIST_STORE *store, time_t now, int max_records,
			        int max_ms, int *more)
{
    GREYLIST_BTREE *gb = (GREYLIST_BTREE *) store;
    const GREYLIST_POLICY *policy = store->policy;
    BDBCUR *cur;
    const char *kp;
    int     ksize;
    time_t  when;
    const char *rkey;
    ssize_t rklen;
    time_t  expires;
    GREYLIST_TRIPLET triplet;
    GREYLIST_CLIENT client;
    int     valid;
    int     removed = 0;
    int     status;
    struct timespec start;
    struct timespec ts;
    static const char index_start[1] = {GREYLIST_KEY_INDEX};

    *more = 0;
    if (gb->bdb == 0)
	return (0);
    (void) clock_gettime(CLOCK_MONOTONIC, &start);
    cur = tcbdbcurnew(gb->bdb);
    while (removed < max_records) {
	if (!tcbdbcurjump(cur, index_start, 1))
	    break;				/* no index entries */
	if ((kp = tcbdbcurkey3(cur, &ksize)) == 0
	    || !greylist_index_parse(kp, ksize, &when, &rkey, &rklen))
	    break;
	if (when > now)
	    break;				/* nothing due */
	vstring_memcpy(gb->key, kp, ksize);	/* copy: writes move the cursor */
	rkey = vstring_str(gb->key) + GREYLIST_INDEX_PREFIX;
	if (!btree_begin(gb))
	    goto failed;

	/*
	 * The record may live longer than the index says (the limits were
	 * raised): then move the index entry instead.
	 */
	expires = 0;
	if ((status = btree_get(gb, rkey, rklen)) < 0)
	    goto failed;
	if (status > 0) {
	    valid = (rkey[0] == GREYLIST_KEY_TRIPLET ?
		     greylist_triplet_decode(vstring_str(gb->rec), VSTRING_LEN(gb->rec), &triplet) :
		     greylist_client_decode(vstring_str(gb->rec), VSTRING_LEN(gb->rec), &client));
	    if (valid)
		expires = (rkey[0] == GREYLIST_KEY_TRIPLET ?
			   greylist_triplet_expires(policy, &triplet) :
			   greylist_client_expires(policy, &client));
	    if (expires > now) {
		greylist_index_key(gb->new_index, expires, rkey, rklen);
		if (!tcbdbput(gb->bdb, vstring_str(gb->new_index),
			      (int) VSTRING_LEN(gb->new_index), "", 0))
		    goto failed;
	    } else if (!tcbdbout(gb->bdb, rkey, (int) rklen)) {
		goto failed;
	    }
	}
	if (!tcbdbout(gb->bdb, vstring_str(gb->key), (int) VSTRING_LEN(gb->key)))
	    goto failed;
	gb->tx_updates++;
	removed++;
	if ((removed & 15) == 0) {
	    (void) clock_gettime(CLOCK_MONOTONIC, &ts);
	    if ((ts.tv_sec - start.tv_sec) * 1000
		+ (ts.tv_nsec - start.tv_nsec) / 1000000 >= max_ms) {
		*more = 1;
		break;
	    }
	}
    }
    if (removed >= max_records)
	*more = 1;
    tcbdbcurdel(cur);
    return (removed);

failed:
    tcbdbcurdel(cur);
    btree_failed(gb, "expiry");
    *more = 0;
    return (-1);
}

/* btree_commit - end the open transaction */

static int btree_commit(GREYLIST_STORE *store)
{
    GREYLIST_BTREE *gb = (GREYLIST_BTREE *) store;

    if (gb->bdb == 0 || !gb->in_tx)
	return (0);
    if (!tcbdbtrancommit(gb->bdb)) {
	gb->in_tx = 0;
	btree_failed(gb, "commit");
	return (-1);
    }
    if (msg_verbose)
	msg_info("database %s: committed %d updates", store->name, gb->tx_updates);
    gb->in_tx = 0;
    gb->tx_updates = 0;
    return (0);
}

/* btree_count - number of records */

static long btree_count(GREYLIST_STORE *store)
{
    GREYLIST_BTREE *gb = (GREYLIST_BTREE *) store;

    return (gb->bdb ? (long) tcbdbrnum(gb->bdb) : -1);
}

/* btree_close - commit and close */

static void btree_close(GREYLIST_STORE *store)
{
    GREYLIST_BTREE *gb = (GREYLIST_BTREE *) store;

    btree_close_db(gb, 1);
    vstring_free(gb->rec);
    vstring_free(gb->old_index);
    vstring_free(gb->new_index);
    vstring_free(gb->key);
    greylist_store_free(store);
}

/* greylist_store_btree_open - create the store */

GREYLIST_STORE *greylist_store_btree_open(const char *path, const GREYLIST_POLICY *policy,
					          int flags, int lock_timeout)
{
    GREYLIST_BTREE *gb = (GREYLIST_BTREE *) mymalloc(sizeof(*gb));
    VSTRING *why;
    int     status;

    memset((void *) gb, 0, sizeof(*gb));
    gb->store.type = mystrdup("btree");
    gb->store.name = mystrdup(path);
    gb->store.flags = flags;
    gb->store.policy = policy;
    gb->store.lock_timeout = lock_timeout;
    gb->store.decide = btree_decide;
    gb->store.expire = btree_expire;
    gb->store.commit = btree_commit;
    gb->store.count = btree_count;
    gb->store.close = btree_close;
    gb->rec = vstring_alloc(64);
    gb->old_index = vstring_alloc(128);
    gb->new_index = vstring_alloc(128);
    gb->key = vstring_alloc(128);

    /*
     * Open now, so that configuration problems show at start-up. A spawn
     * copy checks and closes again.
     */
    why = vstring_alloc(100);
    status = (flags & GREYLIST_STORE_FLAG_PER_REQUEST) ?
	btree_open_locked(gb, why) : btree_try_open(gb, why);
    if (status == BTREE_OPEN_LOCKED && !(flags & GREYLIST_STORE_FLAG_PER_REQUEST))
	msg_fatal("%s: greylistd keeps its database open and must run as a single process: set the process limit of this service to 1 in master.cf (greylist unix - - n - 1 greylistd), and do not run another greylistd -L or an admin tool on the same file",
		  vstring_str(why));
    if (status == BTREE_OPEN_FAIL)
	msg_fatal("%s", vstring_str(why));
    if (status == BTREE_OPEN_LOCKED)
	msg_warn("%s: letting mail through", vstring_str(why));
    if (flags & GREYLIST_STORE_FLAG_PER_REQUEST)
	btree_close_db(gb, 1);
    vstring_free(why);
    return (&gb->store);
}

 /*
  * Debian's build of Tokyo Cabinet 1.4.48 calls sched_yield() several
  * times for every B+tree operation, even on a handle that no other thread
  * uses (measured: about 6 system calls per policy request, the largest
  * single cost of the database path). greylistd uses each handle from one
  * thread only, so yielding the CPU there serves no purpose. This
  * definition replaces the C library's for the whole process: the dynamic
  * linker resolves Tokyo Cabinet's calls to it. It does what POSIX allows
  * sched_yield() to do when no other thread is runnable: return at once.
  */
int     sched_yield(void);

int     sched_yield(void)
{
    return (0);
}
