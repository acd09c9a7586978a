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
/*	tree, Tokyo Cabinet giving up on a damaged page with a failed
/*	allocation or a bad memory access) aborts the open transaction,
/*	closes the file and answers GREYLIST_ACT_ERROR (the daemon says
/*	DUNNO); a warning is logged at most once a minute (with -v, the
/*	others as "warning suppressed"). The file is opened again for a
/*	later request, at most once a second; damage found at that open is
/*	handled as above. A write that failed for want of room (ENOSPC,
/*	EDQUOT, EFBIG) is not damage: the undo log restores the last
/*	commit.
/* .IP \(bu
/*	A commit first allocates room for its undo log; when it fails, the
/*	updates since the last commit are lost (never half of them) and,
/*	until a commit succeeds again, a new triplet is recorded but
/*	answered GREYLIST_ACT_ERROR: a sender is not deferred for a record
/*	that may not be kept.
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
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Tokyo Cabinet. */

#include <tcutil.h>
#include <tchdb.h>
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
#define BTREE_XMSIZ	0		/* map the bucket array only, see below */
#define BTREE_TX_LIMIT	100000		/* updates per transaction */

 /*
  * Memory mapping: Tokyo Cabinet writes every record that lies inside its
  * mapped region with memcpy() after growing the file with ftruncate(). On
  * a full file system that store faults and the kernel kills the process
  * with SIGBUS (measured on tmpfs: greylistd died at the first page that
  * could not be allocated). With xmsiz 0 only the header and the bucket
  * array, written out when the file is created, are mapped; records are
  * written with pwrite(), so a full disk is an ENOSPC error that we handle.
  */

 /*
  * Size of the B+tree meta data that Tokyo Cabinet keeps for a rollback
  * (BDBOPAQUESIZ in tcbdb.c); see btree_trancommit().
  */
#define BTREE_META_SIZE		64
#define BTREE_FLAGS_OFFSET	33	/* HDBFLAGSOFF in tchdb.c */

 /*
  * Room kept for the undo log beyond the estimate, see btree_reserve_undo().
  */
#define BTREE_UNDO_SLACK	(256 * 1024)
#define BTREE_UNDO_MAX		(512 * 1024 * 1024)	/* estimates beyond: cut */

#define BTREE_REOPEN_DELAY	1	/* seconds between open attempts */
#define BTREE_WARN_INTERVAL	60	/* seconds between warnings */

static __thread int btree_io_errno;	/* last pread/pwrite error, see below */

typedef struct GREYLIST_BTREE {
    GREYLIST_STORE store;		/* generic part, first */
    TCBDB  *bdb;			/* open handle, or null */
    int     in_tx;			/* transaction open */
    int     tx_updates;			/* writes in this transaction */
    char    tx_meta[BTREE_META_SIZE];	/* B+tree meta data at begin */
    int     commit_ecode;		/* why the last commit failed */
    int     commit_errno;
    time_t  last_open_try;		/* when we last tried to open */
    time_t  last_warn;			/* rate limit */
    int     suppressed;			/* warnings not logged */
    VSTRING *rec;			/* record buffer */
    VSTRING *old_index;			/* index key buffers */
    VSTRING *new_index;
    VSTRING *key;			/* scratch key */
    char   *dir;			/* the directory of the file */
    VSTRING *seal;			/* seal found at open */
    int     seal_present;		/* ... and still in the file */
} GREYLIST_BTREE;

#define BTREE_SEAL_KEY_LEN	(sizeof(GREYLIST_SEAL_KEY) - 1)

#define BTREE_OPEN_OK		0
#define BTREE_OPEN_FAIL		-1
#define BTREE_OPEN_LOCKED	-2

static int btree_commit_body(GREYLIST_STORE *);
static int btree_bound_cache(GREYLIST_BTREE *);

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

    buf = vstring_alloc(100);
    va_start(ap, fmt);
    vstring_vsprintf_append(buf, fmt, ap);
    va_end(ap);
    if (now - gb->last_warn < BTREE_WARN_INTERVAL) {
	if (msg_verbose)
	    msg_info("warning suppressed (at most one a minute): %s", vstring_str(buf));
	vstring_free(buf);
	gb->suppressed++;
	return;
    }
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

    gb->store.generation++;
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

/* btree_reserve_undo - make room for the undo log of a commit */

static int btree_reserve_undo(GREYLIST_BTREE *gb, int updates)
{
    TCBDB  *bdb = gb->bdb;
    uint64_t pages = tcbdblnum(bdb) + tcbdbnnum(bdb);
    uint64_t fixed = 256 + tcbdbbnum(bdb) * ((tcbdbopts(bdb) & BDBTLARGE) ? 8 : 4);
    uint64_t fsiz = tcbdbfsiz(bdb);
    uint64_t data = fsiz > fixed ? fsiz - fixed : 0;
    uint64_t page = data / (pages ? pages : 1);
    uint64_t want;
    VSTRING *wal;
    int     fd;
    int     status;
    int     saved_errno;

    /*
     * Tokyo Cabinet 1.4.48 logs the old bucket entry before it changes a
     * bucket of the hash file, and ignores a failure to append it
     * (tchdbsetbucket()). When the undo log cannot grow (full file
     * system) in the middle of a commit, the rollback leaves a bucket that
     * names a record beyond the end of the file, and every later write to
     * that bucket fails with "invalid record header" (measured: after a
     * full disk, commits kept failing after space came back). So, before
     * a commit, allocate room for the log: each update dirties at most two
     * pages, each page is logged once (estimate, capped at the size of
     * the data), plus slack. A file system that cannot give that room
     * gets no commit: the transaction is rolled back in memory (nothing
     * was written yet) and the file stays as it was.
     */
    want = (2 * (uint64_t) updates + 64) * 2 * (page + 64);
    if (want > data)
	want = data;
    if (want > BTREE_UNDO_MAX)
	want = BTREE_UNDO_MAX;
    want += BTREE_UNDO_SLACK;
    wal = vstring_alloc(100);
    vstring_sprintf(wal, "%s.wal", gb->store.name);
    fd = open(vstring_str(wal), O_WRONLY | O_CLOEXEC);
    vstring_free(wal);
    if (fd < 0)
	return (1);				/* Tokyo Cabinet will say why */
    status = fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, (off_t) want);
    saved_errno = errno;
    (void) close(fd);
    errno = saved_errno;
    return (status == 0 || (errno != ENOSPC && errno != EDQUOT));
}

/* btree_trancommit - commit; after a failure, leave a handle that is safe to close */

static int btree_trancommit(GREYLIST_BTREE *gb)
{
    TCBDB  *bdb = gb->bdb;
    int     updates = gb->tx_updates;

    gb->in_tx = 0;
    gb->tx_updates = 0;
    if (!btree_reserve_undo(gb, updates)) {
	gb->commit_ecode = TCEWRITE;
	gb->commit_errno = errno;
	(void) tcbdbtranabort(bdb);
	return (0);
    }
    btree_io_errno = 0;
    if (tcbdbtrancommit(bdb))
	return (1);
    gb->commit_ecode = tcbdbecode(bdb);
    /* The rollback makes system calls of its own: keep the first cause. */
    gb->commit_errno = btree_io_errno ? btree_io_errno : errno;

    /*
     * Tokyo Cabinet 1.4.48: when tcbdbtrancommit() fails (a page write
     * fails: full file system, I/O error), the hash file is rolled back
     * with the undo log, but the B+tree handle keeps the root, leaf and
     * record counts of the failed transaction, and tcbdbclose() writes
     * them into the file outside any transaction: the file then names
     * pages that were rolled back (measured: a full disk turned a good
     * file into one that failed with "read error" and was moved aside).
     * Put the handle back into its transaction with the meta data saved
     * at begin, and let tcbdbtranabort() restore it; the cached pages of
     * the failed transaction are all clean now (they were written) and
     * are dropped at close without being written again.
     */
    if (!bdb->tran && bdb->rbopaque == 0) {
	bdb->rbopaque = tcmemdup(gb->tx_meta, BTREE_META_SIZE);
	bdb->tran = true;
	(void) tcbdbtranabort(bdb);
    }
    return (0);
}

/* btree_close_db - release the handle, never write outside a transaction */

static void btree_close_db(GREYLIST_BTREE *gb, int commit)
{
    if (gb->bdb == 0)
	return;
    if (gb->in_tx) {
	if (commit) {
	    if (!btree_trancommit(gb)) {
		errno = gb->commit_errno;
		btree_warn(gb, "database %s: commit: %s (%m)", gb->store.name,
			   tcbdberrmsg(gb->commit_ecode));
		gb->commit_ecode = 0;
	    }
	} else {
	    (void) tcbdbtranabort(gb->bdb);
	}
	gb->in_tx = 0;
	gb->tx_updates = 0;
    }

    /*
     * Tokyo Cabinet 1.4.48 removes the undo log at close after it has
     * unmapped the file; when that fails (a directory that we can no longer
     * write), it marks the handle "fatal" through the unmapped header and
     * dies of SIGSEGV (measured: SIGTERM after chmod 000 of the database
     * directory). A handle that is marked already leaves the log alone
     * (it was emptied by the commit or abort: harmless at the next open).
     */
    if (access(gb->dir, W_OK | X_OK) < 0)
	gb->bdb->hdb->fatal = true;
    if (!tcbdbclose(gb->bdb) && tcbdbecode(gb->bdb) != TCEINVALID)
	msg_warn("database %s: close: %s", gb->store.name,
		 tcbdberrmsg(tcbdbecode(gb->bdb)));
    tcbdbdel(gb->bdb);
    gb->bdb = 0;
}

/* btree_read_seal - what the file says about how it was closed */

static void btree_read_seal(GREYLIST_BTREE *gb)
{
    const char *val;
    int     vlen;

    VSTRING_RESET(gb->seal);
    gb->seal_present = 0;
    if ((val = tcbdbget3(gb->bdb, GREYLIST_SEAL_KEY, BTREE_SEAL_KEY_LEN, &vlen)) != 0) {
	vstring_memcpy(gb->seal, val, vlen);
	gb->seal_present = 1;
    }
}

/* btree_try_open - one attempt to open the file */

static int btree_try_open(GREYLIST_BTREE *gb, VSTRING *why)
{
    TCBDB  *bdb;
    int     ecode;
    int     saved_errno;
    const char *user;
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
		btree_read_seal(gb);
		return (BTREE_OPEN_OK);
	    }
	    (void) tcbdbclose(bdb);
	    tcbdbdel(bdb);
	    btree_move_aside(gb, "the file is marked as damaged by an earlier fatal error");
	    continue;
	}
	saved_errno = errno;			/* tcbdbdel() clobbers it */
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
	user = btree_user();			/* getpwuid() may set errno */
	errno = saved_errno;
	vstring_sprintf(why, "cannot open database %s as user %s: %s (%m)",
			gb->store.name, user, tcbdberrmsg(ecode));
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
    memcpy(gb->tx_meta, gb->bdb->rbopaque, BTREE_META_SIZE);
    gb->in_tx = 1;
    gb->tx_updates = 0;

    /*
     * The file changes from here on: it is no longer what was sealed.
     */
    if (gb->seal_present) {
	if (!tcbdbout(gb->bdb, GREYLIST_SEAL_KEY, BTREE_SEAL_KEY_LEN)
	    && tcbdbecode(gb->bdb) != TCENOREC)
	    return (0);
	gb->seal_present = 0;
    }
    return (1);
}

/* btree_clear_fatal - take Tokyo Cabinet's "fatal" mark off the file */

static void btree_clear_fatal(GREYLIST_BTREE *gb)
{
    TCHDB  *hdb = gb->bdb->hdb;

    /* The flags byte of the header (HDBFLAGSOFF in tchdb.c), mapped. */
    if (hdb->map && (hdb->map[BTREE_FLAGS_OFFSET] & HDBFFATAL)) {
	hdb->map[BTREE_FLAGS_OFFSET] &= ~HDBFFATAL;
	hdb->flags &= ~HDBFFATAL;
    }
}

/* btree_failed - give up the handle after an error */

static void btree_failed(GREYLIST_BTREE *gb, const char *what)
{
    int     ecode = tcbdbecode(gb->bdb);
    int     saved_errno = errno;
    int     damage;

    if (gb->commit_ecode) {			/* see btree_trancommit() */
	ecode = gb->commit_ecode;
	saved_errno = gb->commit_errno;
	gb->commit_ecode = 0;
    }
    errno = saved_errno;
    btree_warn(gb, "database %s: %s: %s (%m): letting mail through until it works again",
	       gb->store.name, what, tcbdberrmsg(ecode));
    gb->store.generation++;			/* updates since the commit: lost */

    /*
     * A write that failed for want of room (full file system, quota, file
     * size limit) was rolled back with the undo log, whatever error code
     * Tokyo Cabinet reported after it: the file is as the last commit left
     * it, and is no reason to start afresh. Tokyo Cabinet has marked it
     * "fatal" in its header all the same (after any hard error: measured
     * after a failed begin of a transaction on a full file system), which
     * the next open would take for damage: take the mark off.
     */
    damage = (btree_is_damage(ecode) && saved_errno != ENOSPC
	      && saved_errno != EDQUOT && saved_errno != EFBIG);
    if (!damage)
	btree_clear_fatal(gb);
    btree_close_db(gb, 0);
    if (damage)
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

/* btree_tc_fatal - Tokyo Cabinet gives up: leave the operation */

 /*
  * Tokyo Cabinet calls tcmyfatal() and exit(1) when an allocation fails,
  * and a damaged page makes it allocate whatever size the garbage says
  * (measured: 64 KiB of random bytes in the middle of a 40,000-record file
  * made the daemon exit with "fatal error: out of memory" at the first
  * lookup that read the page, so that it stopped answering). Its
  * tcfatalfunc hook runs before the exit: from inside an operation of
  * ours, it jumps back out of the library, and the operation fails as if
  * the file were damaged. Elsewhere the exit happens, with a log line.
  */
static __thread sigjmp_buf *btree_fatal_jmp;	/* where to go, or null */
static __thread char btree_fatal_text[100];	/* what Tokyo Cabinet said */

/* btree_fault - a bad memory access: inside Tokyo Cabinet, leave the operation */

 /*
  * Tokyo Cabinet trusts the sizes that it reads from a page: on a damaged
  * page it copies past the end of its buffer (measured: 4 of 200 files
  * damaged by 64 KiB of random bytes made greylistd die with SIGSEGV in
  * tcbdbget3(), a read beyond the page in memcpy(); 21 made it exit with
  * "out of memory", see above). Inside one of our
  * operations, such a fault is handled like tcmyfatal(): the operation
  * fails as if the file were damaged. Anywhere else the default action
  * happens (the access is made again, with the handler removed).
  */
static void btree_fault(int sig)
{
    sigjmp_buf *jmp = btree_fatal_jmp;
    const char *text = (sig == SIGSEGV ? "invalid memory access (SIGSEGV)"
			: "bus error (SIGBUS)");
    size_t  i;

    if (jmp == 0) {
	signal(sig, SIG_DFL);
	return;
    }
    btree_fatal_jmp = 0;
    for (i = 0; text[i] && i < sizeof(btree_fatal_text) - 1; i++)
	btree_fatal_text[i] = text[i];
    btree_fatal_text[i] = 0;
    siglongjmp(*jmp, 1);
}

static void btree_tc_fatal(const char *message)
{
    sigjmp_buf *jmp = btree_fatal_jmp;

    snprintf(btree_fatal_text, sizeof(btree_fatal_text), "%s", message);
    if (jmp) {
	btree_fatal_jmp = 0;
	siglongjmp(*jmp, 1);
    }
    msg_warn("Tokyo Cabinet: fatal error: %s -- exiting", message);
}

/* btree_gave_up - Tokyo Cabinet left an operation: drop the handle */

static void btree_gave_up(GREYLIST_BTREE *gb)
{
    sigjmp_buf jmp;
    sigjmp_buf *saved = btree_fatal_jmp;
    VSTRING *why = vstring_alloc(100);

    vstring_sprintf(why, "Tokyo Cabinet failed: %s", btree_fatal_text);
    gb->store.generation++;
    btree_warn(gb, "database %s: %s (a damaged page?): letting mail through until it works again",
	       gb->store.name, vstring_str(why));
    if (gb->bdb) {
	if (sigsetjmp(jmp, 0) == 0) {
	    btree_fatal_jmp = &jmp;
	    gb->commit_ecode = 0;
	    btree_close_db(gb, 0);
	} else {
	    /* It failed again: leave the handle (and its lock) alone. */
	    gb->bdb = 0;
	    gb->in_tx = 0;
	}
	btree_fatal_jmp = saved;
    }
    btree_move_aside(gb, vstring_str(why));
    vstring_free(why);
}

/* btree_decide - look up, decide, record */

static void btree_decide_body(GREYLIST_STORE *store, const GREYLIST_KEYS *keys,
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
	if (gb->in_tx && !btree_trancommit(gb)) {
	    btree_failed(gb, "commit");
	    goto failed_closed;
	}
	gb->in_tx = 0;
	btree_close_db(gb, 1);
    } else if (gb->tx_updates >= BTREE_TX_LIMIT) {
	if (store->commit(store) < 0)
	    goto failed_closed;
    }

    /*
     * While commits fail (full file system), a new triplet is recorded
     * but may well be lost: deferring it would defer the sender again at
     * every retry, for as long as the trouble lasts. Let it through.
     */
    if (gb->store.commit_trouble && decision.action == GREYLIST_ACT_NEW)
	decision.action = GREYLIST_ACT_ERROR;
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

static int btree_expire_body(GREYLIST_STORE *store, time_t now, int max_records,
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
    if (btree_bound_cache(gb) < 0)
	return (-1);
    return (removed);

failed:
    tcbdbcurdel(cur);
    btree_failed(gb, "expiry");
    *more = 0;
    return (-1);
}

/* btree_bound_cache - keep a transaction's pages within the memory budget */

static int btree_bound_cache(GREYLIST_BTREE *gb)
{

    /*
     * Inside a transaction Tokyo Cabinet keeps every page that it read or
     * changed. On a large file, where each update touches a page of its
     * own, that is hundreds of megabytes a commit interval. Drop the
     * clean pages; when the changed ones alone exceed the cache size,
     * commit now instead of at the end of the interval.
     */
    if (!gb->in_tx || tcmaprnum(gb->bdb->leafc) <= BTREE_LCNUM + BTREE_LCNUM / 2)
	return (0);
    (void) tcbdbcacheclear(gb->bdb);
    if (tcmaprnum(gb->bdb->leafc) <= BTREE_LCNUM)
	return (0);
    return (btree_commit_body(&gb->store));
}

/* btree_commit - end the open transaction */

static int btree_commit_body(GREYLIST_STORE *store)
{
    GREYLIST_BTREE *gb = (GREYLIST_BTREE *) store;
    int     updates;
    int     pages;
    struct timespec start;
    struct timespec end;

    if (gb->bdb == 0 || !gb->in_tx)
	return (0);
    updates = gb->tx_updates;
    pages = (int) tcmaprnum(gb->bdb->leafc);
    (void) clock_gettime(CLOCK_MONOTONIC, &start);
    if (!btree_trancommit(gb)) {
	gb->store.commit_trouble = 1;
	btree_failed(gb, "commit");
	return (-1);
    }
    if (gb->store.commit_trouble && updates > 0) {
	gb->store.commit_trouble = 0;
	msg_info("database %s: committed again: greylisting new triplets again", store->name);
    }
    if (msg_verbose) {
	(void) clock_gettime(CLOCK_MONOTONIC, &end);
	msg_info("database %s: committed %d updates, %d pages cached, in %ld ms",
		 store->name, updates, pages,
		 (long) ((end.tv_sec - start.tv_sec) * 1000
			 + (end.tv_nsec - start.tv_nsec) / 1000000));
    }
    return (0);
}

/* btree_decide - btree_decide_body() within reach of btree_tc_fatal() */

static void btree_decide(GREYLIST_STORE *store, const GREYLIST_KEYS *keys,
			         time_t now, GREYLIST_STORE_DONE_FN done,
			         void *context)
{
    GREYLIST_BTREE *gb = (GREYLIST_BTREE *) store;
    GREYLIST_DECISION decision;
    sigjmp_buf jmp;
    sigjmp_buf *saved = btree_fatal_jmp;

    if (sigsetjmp(jmp, 0) == 0) {
	btree_fatal_jmp = &jmp;
	btree_decide_body(store, keys, now, done, context);
	btree_fatal_jmp = saved;
	return;
    }
    btree_fatal_jmp = saved;
    btree_gave_up(gb);
    memset((void *) &decision, 0, sizeof(decision));
    decision.action = GREYLIST_ACT_ERROR;
    done(&decision, context);
}

/* btree_expire - btree_expire_body() within reach of btree_tc_fatal() */

static int btree_expire(GREYLIST_STORE *store, time_t now, int max_records,
			        int max_ms, int *more)
{
    sigjmp_buf jmp;
    sigjmp_buf *saved = btree_fatal_jmp;
    int     status;

    if (sigsetjmp(jmp, 0) == 0) {
	btree_fatal_jmp = &jmp;
	status = btree_expire_body(store, now, max_records, max_ms, more);
	btree_fatal_jmp = saved;
	return (status);
    }
    btree_fatal_jmp = saved;
    btree_gave_up((GREYLIST_BTREE *) store);
    *more = 0;
    return (-1);
}

/* btree_commit - btree_commit_body() within reach of btree_tc_fatal() */

static int btree_commit(GREYLIST_STORE *store)
{
    sigjmp_buf jmp;
    sigjmp_buf *saved = btree_fatal_jmp;
    int     status;

    if (sigsetjmp(jmp, 0) == 0) {
	btree_fatal_jmp = &jmp;
	status = btree_commit_body(store);
	btree_fatal_jmp = saved;
	return (status);
    }
    btree_fatal_jmp = saved;
    btree_gave_up((GREYLIST_BTREE *) store);
    return (-1);
}

 /*
  * Record access for a database thread (greylist_store_thread(3)): the
  * same guards as decide(), one record at a time.
  */
typedef struct BTREE_ARGS {
    time_t  now;
    const char *key;
    ssize_t klen;
    const char *val;
    ssize_t vlen;
    VSTRING *buf;
    time_t  old_expires;
    time_t  new_expires;
    int     max;
    GREYLIST_SCAN_FN fn;
    void   *context;
} BTREE_ARGS;

typedef int (*BTREE_BODY) (GREYLIST_BTREE *, BTREE_ARGS *);

/* btree_guard - run a body within reach of btree_tc_fatal() */

static int btree_guard(GREYLIST_BTREE *gb, BTREE_BODY body, BTREE_ARGS *args)
{
    sigjmp_buf jmp;
    sigjmp_buf *saved = btree_fatal_jmp;
    int     status;

    if (sigsetjmp(jmp, 0) == 0) {
	btree_fatal_jmp = &jmp;
	status = body(gb, args);
	btree_fatal_jmp = saved;
	return (status);
    }
    btree_fatal_jmp = saved;
    btree_gave_up(gb);
    return (-1);
}

/* btree_check_body - open the file if it is not open */

static int btree_check_body(GREYLIST_BTREE *gb, BTREE_ARGS *args)
{
    return (btree_ready(gb, args->now) ? 0 : -1);
}

/* btree_lookup_body - one record: 1 found, 0 absent, -1 trouble */

static int btree_lookup_body(GREYLIST_BTREE *gb, BTREE_ARGS *args)
{
    int     status;

    if (!btree_ready(gb, args->now))
	return (-1);
    if ((status = btree_get(gb, args->key, args->klen)) < 0) {
	btree_failed(gb, "lookup");
	return (-1);
    }
    if (status > 0)
	vstring_memcpy(args->buf, vstring_str(gb->rec), VSTRING_LEN(gb->rec));
    return (status);
}

/* btree_update_body - store one record and move its index entry */

static int btree_update_body(GREYLIST_BTREE *gb, BTREE_ARGS *args)
{
    if (!btree_ready(gb, args->now))
	return (-1);
    vstring_memcpy(gb->rec, args->val, args->vlen);
    if (!btree_put_record(gb, args->key, args->klen, args->old_expires,
			  args->new_expires)) {
	btree_failed(gb, "update");
	return (-1);
    }
    if (gb->tx_updates >= BTREE_TX_LIMIT)
	return (btree_commit_body(&gb->store));
    return (btree_bound_cache(gb));
}

/* btree_scan_body - visit record keys in order, after the cursor key */

static int btree_scan_body(GREYLIST_BTREE *gb, BTREE_ARGS *args)
{
    VSTRING *cursor = args->buf;
    BDBCUR *cur;
    const char *kp;
    const char *vp;
    int     ksize;
    int     vsize;
    int     visited = 0;

    if (!btree_ready(gb, args->now))
	return (-1);
    cur = tcbdbcurnew(gb->bdb);
    if (!(VSTRING_LEN(cursor) ? tcbdbcurjump(cur, vstring_str(cursor),
					     (int) VSTRING_LEN(cursor))
	  : tcbdbcurfirst(cur))) {
	tcbdbcurdel(cur);
	return (0);				/* past the last key */
    }
    while (visited < args->max && (kp = tcbdbcurkey3(cur, &ksize)) != 0) {
	if (ksize > 0 && (unsigned char) kp[0] == (unsigned char) GREYLIST_KEY_INDEX)
	    break;				/* the time index: done */
	if (ksize > 0 && kp[0] != GREYLIST_KEY_META
	    && (VSTRING_LEN(cursor) == 0 || ksize != (int) VSTRING_LEN(cursor)
		|| memcmp(kp, vstring_str(cursor), ksize) != 0)) {
	    vp = 0;
	    vsize = 0;
	    if (ksize > 0 && kp[0] == GREYLIST_KEY_CLIENT
		&& (vp = tcbdbcurval3(cur, &vsize)) == 0)
		vsize = 0;
	    args->fn(kp, ksize, vp, vsize, args->context);
	    visited++;
	}
	vstring_memcpy(cursor, kp, ksize);
	if (!tcbdbcurnext(cur))
	    break;
    }
    tcbdbcurdel(cur);

    /*
     * A walk over a large file would hold all of its leaves in memory
     * until the next commit.
     */
    if (btree_bound_cache(gb) < 0)
	return (-1);
    return (visited);
}

/* btree_check - make sure the file is open */

static int btree_check(GREYLIST_STORE *store, time_t now)
{
    BTREE_ARGS args;

    args.now = now;
    return (btree_guard((GREYLIST_BTREE *) store, btree_check_body, &args));
}

/* btree_lookup - one record into a buffer */

static int btree_lookup(GREYLIST_STORE *store, const char *key, ssize_t klen,
			        VSTRING *buf)
{
    BTREE_ARGS args;

    args.now = time((time_t *) 0);
    args.key = key;
    args.klen = klen;
    args.buf = buf;
    return (btree_guard((GREYLIST_BTREE *) store, btree_lookup_body, &args));
}

/* btree_update - one record and its index entry */

static int btree_update(GREYLIST_STORE *store, const char *key, ssize_t klen,
			        const char *val, ssize_t vlen,
			        time_t old_expires, time_t new_expires)
{
    BTREE_ARGS args;

    args.now = time((time_t *) 0);
    args.key = key;
    args.klen = klen;
    args.val = val;
    args.vlen = vlen;
    args.old_expires = old_expires;
    args.new_expires = new_expires;
    return (btree_guard((GREYLIST_BTREE *) store, btree_update_body, &args));
}

/* btree_scan - up to max record keys after the cursor key */

static int btree_scan(GREYLIST_STORE *store, VSTRING *cursor, int max,
		              GREYLIST_SCAN_FN fn, void *context)
{
    BTREE_ARGS args;

    args.now = time((time_t *) 0);
    args.buf = cursor;
    args.max = max;
    args.fn = fn;
    args.context = context;
    return (btree_guard((GREYLIST_BTREE *) store, btree_scan_body, &args));
}

/* btree_count - number of records */

static long btree_count(GREYLIST_STORE *store)
{
    GREYLIST_BTREE *gb = (GREYLIST_BTREE *) store;

    return (gb->bdb ? (long) tcbdbrnum(gb->bdb) - gb->seal_present : -1);
}

/* btree_seal_body - commit, then store the seal */

static int btree_seal_body(GREYLIST_BTREE *gb, BTREE_ARGS *args)
{
    if (!btree_ready(gb, args->now))
	return (-1);
    if (btree_commit_body(&gb->store) < 0)
	return (-1);
    if (!btree_begin(gb)
	|| !tcbdbput(gb->bdb, GREYLIST_SEAL_KEY, BTREE_SEAL_KEY_LEN, args->val,
		     (int) args->vlen)) {
	btree_failed(gb, "seal");
	return (-1);
    }
    gb->tx_updates++;
    if (btree_commit_body(&gb->store) < 0)
	return (-1);
    vstring_memcpy(gb->seal, args->val, args->vlen);
    gb->seal_present = 1;
    return (0);
}

/* btree_seal - mark the file as cleanly closed */

static int btree_seal(GREYLIST_STORE *store, const char *seal)
{
    BTREE_ARGS args;

    args.now = time((time_t *) 0);
    args.val = seal;
    args.vlen = strlen(seal);
    return (btree_guard((GREYLIST_BTREE *) store, btree_seal_body, &args));
}

/* btree_sealed - the seal found when the file was opened */

static const char *btree_sealed(GREYLIST_STORE *store)
{
    GREYLIST_BTREE *gb = (GREYLIST_BTREE *) store;

    return (gb->bdb && gb->seal_present ? vstring_str(gb->seal) : 0);
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
    vstring_free(gb->seal);
    myfree(gb->dir);
    greylist_store_free(store);
}

/* greylist_store_btree_open - create the store */

GREYLIST_STORE *greylist_store_btree_open(const char *path, const GREYLIST_POLICY *policy,
					          int flags, int lock_timeout)
{
    GREYLIST_BTREE *gb = (GREYLIST_BTREE *) mymalloc(sizeof(*gb));
    struct sigaction sa;
    VSTRING *why;
    int     status;

    memset((void *) gb, 0, sizeof(*gb));
    tcfatalfunc = btree_tc_fatal;
    memset((void *) &sa, 0, sizeof(sa));
    sa.sa_handler = btree_fault;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_NODEFER;			/* no mask to restore after the jump */
    (void) sigaction(SIGSEGV, &sa, (struct sigaction *) 0);
    (void) sigaction(SIGBUS, &sa, (struct sigaction *) 0);
    gb->store.type = mystrdup("btree");
    gb->store.name = mystrdup(path);
    gb->dir = mystrdup(path);
    if (strrchr(gb->dir, '/'))
	*strrchr(gb->dir, '/') = 0;
    if (*gb->dir == 0) {
	myfree(gb->dir);
	gb->dir = mystrdup("/");
    }
    gb->store.flags = flags;
    gb->store.policy = policy;
    gb->store.lock_timeout = lock_timeout;
    gb->store.decide = btree_decide;
    gb->store.expire = btree_expire;
    gb->store.commit = btree_commit;
    gb->store.count = btree_count;
    gb->store.close = btree_close;
    gb->store.check = btree_check;
    gb->store.lookup = btree_lookup;
    gb->store.update = btree_update;
    gb->store.scan = btree_scan;
    gb->store.seal = btree_seal;
    gb->store.sealed = btree_sealed;
    gb->seal = vstring_alloc(40);
    gb->rec = vstring_alloc(64);
    gb->old_index = vstring_alloc(128);
    gb->new_index = vstring_alloc(128);
    gb->key = vstring_alloc(128);

    /*
     * Open now, so that configuration problems show at start-up. A spawn
     * copy checks and closes again.
     */
    why = vstring_alloc(100);

    /*
     * One attempt, no waiting: a spawn copy waits for the lock with each
     * request, and must not make the first one wait twice (measured: with
     * greylist_lock_timeout = 2s, the first answer took 4 s).
     */
    status = btree_try_open(gb, why);
    if (status == BTREE_OPEN_LOCKED && !(flags & GREYLIST_STORE_FLAG_PER_REQUEST))
	msg_fatal("%s: greylistd keeps its database open and must run as a single process: set the process limit of this service to 1 in master.cf (greylist unix - - n - 1 greylistd), and do not run another greylistd -L or an admin tool on the same file",
		  vstring_str(why));
    if (status == BTREE_OPEN_FAIL)
	msg_fatal("%s", vstring_str(why));
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

 /*
  * Tokyo Cabinet 1.4.48 keeps the result of pwrite() and pread() in an int
  * and compares it with the size_t it asked for ("if(wb >= size) return
  * true"): -1 becomes the largest size_t, so every failed write or read
  * of a record counts as a success (measured: a commit on a full file
  * system returned true after pwrite() had failed with ENOSPC, and left a
  * file that names records that were never written). Its code does treat
  * a return value of 0 for a non-empty request as an error (TCEWRITE,
  * TCEREAD). These definitions replace the C library's for the whole
  * process (Tokyo Cabinet is the only caller) and turn a failure into 0,
  * with errno kept for the log; they retry after EINTR as the library's
  * callers would.
  */
ssize_t pwrite64(int, const void *, size_t, off64_t);
ssize_t pread64(int, void *, size_t, off64_t);

ssize_t pwrite64(int fd, const void *buf, size_t len, off64_t off)
{
    ssize_t n;

    do {
	n = syscall(SYS_pwrite64, fd, buf, len, off);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
	btree_io_errno = errno;
    return (n < 0 && len > 0 ? 0 : n);
}

ssize_t pread64(int fd, void *buf, size_t len, off64_t off)
{
    ssize_t n;

    do {
	n = syscall(SYS_pread64, fd, buf, len, off);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
	btree_io_errno = errno;
    return (n < 0 && len > 0 ? 0 : n);
}
