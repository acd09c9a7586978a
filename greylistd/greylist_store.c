/*++
/* NAME
/*	greylist_store 3
/* SUMMARY
/*	backend-neutral greylist store
/* SYNOPSIS
/*	#include "greylist_store.h"
/*
/*	GREYLIST_STORE *greylist_store_open(spec, policy, flags, lock_timeout)
/*	const char *spec;
/*	const GREYLIST_POLICY *policy;
/*	int	flags;
/*	int	lock_timeout;
/*
/*	const char *greylist_store_check_spec(spec)
/*	const char *spec;
/*
/*	void	store->decide(store, keys, now, done, context)
/*	GREYLIST_STORE *store;
/*	const GREYLIST_KEYS *keys;
/*	time_t	now;
/*	void	(*done)(const GREYLIST_DECISION *decision, void *context);
/*	void	*context;
/*
/*	int	store->expire(store, now, max_records, max_ms, more)
/*	int	store->commit(store)
/*	long	store->count(store)
/*	void	store->close(store)
/*
/*	int	store->check(store, now)
/*	int	store->lookup(store, key, len, buf)
/*	int	store->update(store, key, len, val, vlen, old_expires, new_expires)
/*	int	store->scan(store, cursor, max, fn, context)
/*	int	store->seal(store, seal)
/*	const char *store->sealed(store)
/*	unsigned store->generation;
/*	int	store->commit_trouble;
/*
/*	void	greylist_triplet_encode(triplet, buf)
/*	int	greylist_triplet_decode(data, len, triplet)
/*	void	greylist_client_encode(client, buf)
/*	int	greylist_client_decode(data, len, client)
/*	void	greylist_index_key(buf, when, key, len)
/*	int	greylist_index_parse(data, len, when, key, key_len)
/* DESCRIPTION
/*	This is the interface between the greylisting daemon and where
/*	its state lives. The daemon names a store as Postfix names a
/*	lookup table, \fItype\fB:\fIname\fR; "btree:/path/file" is the
/*	Tokyo Cabinet B+tree of greylist_store_btree(3). Another backend
/*	(a networked store shared by several MX hosts) is another file
/*	that fills in the same structure.
/*
/*	greylist_store_check_spec() returns a null pointer when a
/*	specification has a known type and a usable name, else the
/*	reason.
/*
/*	greylist_store_open() opens a store. With
/*	GREYLIST_STORE_FLAG_PER_REQUEST the store is locked and opened per
/*	request, waiting at most lock_timeout seconds for the lock (many
/*	spawn(8) copies share the file); otherwise the process keeps it
/*	open and locked. What happens on errors is the backend's to say.
/*
/*	decide() looks up the triplet and client records, applies the
/*	greylisting rule (greylist_policy(3)), records the outcome, and
/*	calls \fIdone\fR with the decision. The interface is asynchronous
/*	in shape: a local backend calls \fIdone\fR before it returns, a
/*	networked one when its answer arrives. A store that cannot read
/*	or write answers GREYLIST_ACT_ERROR: mail is never blocked by
/*	greylistd's own trouble.
/*
/*	expire() removes at most max_records records that are due at
/*	time \fInow\fR, spending at most about max_ms milliseconds, and
/*	sets *more when more are due. It returns the number removed, or
/*	-1 on error.
/*
/*	commit() makes the updates so far durable (a local backend
/*	groups them into transactions); it returns 0 or -1.
/*
/*	count() returns the number of database entries (each triplet or
/*	client record has one time index entry), or -1.
/*
/*	close() commits and closes the store.
/*
/*	A backend that offers record access (for greylist_store_thread(3),
/*	which calls it from one thread only) also fills in:
/* .IP check()
/*	Makes sure that the store can be used (opening it again after
/*	trouble); 0 or -1.
/* .IP lookup()
/*	Copies the record of a key into \fIbuf\fR: 1 found, 0 absent, -1
/*	trouble.
/* .IP update()
/*	Stores a record and moves its time index entry from
/*	\fIold_expires\fR (0: none) to \fInew_expires\fR; 0 or -1.
/* .IP scan()
/*	Calls \fIfn\fR(key, len, value, vlen, context) for up to
/*	\fImax\fR records (not the time index) whose keys sort after the
/*	key in \fIcursor\fR (all from the first when it is empty), and
/*	leaves the last key there. The value is given for client records
/*	only (a null pointer and 0 for triplets, which are not read). It
/*	returns the number visited, 0 at the end, or -1.
/* .IP seal()
/*	Commits, then stores \fIseal\fR (a short text) in the file and
/*	commits again: 0 or -1. The caller then closes the store.
/* .IP sealed()
/*	The seal that the file held when it was opened, or a null
/*	pointer. The first transaction after an open removes the seal,
/*	so a file that holds one is exactly as it was when it was sealed:
/*	what the sealer kept about the file (greylist_store_thread(3)
/*	saves its key filter) is still true of it.
/* .IP generation
/*	Goes up whenever updates that were reported done may have been
/*	lost (a failed commit, a file moved aside): a cache of records
/*	must then be dropped.
/* .IP commit_trouble
/*	Non-zero while commits fail.
/*
/*	The record format is the same for every backend; all numbers are
/*	big-endian:
/* .IP "triplet (24 bytes)"
/*	version (1), kind "T", state, 0, first_seen (8), last_seen (8),
/*	count (4).
/* .IP "client (16 bytes)"
/*	version (1), kind "C", 0, 0, count (4), last_seen (8).
/* .IP "time index key"
/*	0xff, the expiry time (8), then the key of the record it expires.
/*	The 0xff prefix sorts after every other key, and the big-endian
/*	time sorts by time, so that expiry reads only what is due.
/* .PP
/*	The decode functions return 1 for a well-formed record and 0 for
/*	one with a bad version, kind, state or length.
/* DIAGNOSTICS
/*	Fatal: an unknown store type.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <stdint.h>
#include <string.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>

/* Application-specific. */

#include "greylist_store.h"
#include "greylist_store_btree.h"

/* Big-endian helpers. */

static void put_be(unsigned char *cp, uint64_t val, int len)
{
    while (len-- > 0) {
	cp[len] = (unsigned char) (val & 0xff);
	val >>= 8;
    }
}

static uint64_t get_be(const unsigned char *cp, int len)
{
    uint64_t val = 0;

    while (len-- > 0)
	val = (val << 8) | *cp++;
    return (val);
}

/* greylist_triplet_encode - triplet to bytes */

void    greylist_triplet_encode(const GREYLIST_TRIPLET *tp, VSTRING *buf)
{
    unsigned char rec[GREYLIST_TRIPLET_SIZE];

    rec[0] = GREYLIST_REC_VERSION;
    rec[1] = 'T';
    rec[2] = (unsigned char) tp->state;
    rec[3] = 0;
    put_be(rec + 4, (uint64_t) tp->first_seen, 8);
    put_be(rec + 12, (uint64_t) tp->last_seen, 8);
    put_be(rec + 20, tp->count, 4);
    vstring_memcpy(buf, rec, sizeof(rec));
}

/* greylist_triplet_decode - bytes to triplet */

int     greylist_triplet_decode(const char *data, ssize_t len, GREYLIST_TRIPLET *tp)
{
    const unsigned char *rec = (const unsigned char *) data;

    if (len != GREYLIST_TRIPLET_SIZE || rec[0] != GREYLIST_REC_VERSION
	|| rec[1] != 'T' || rec[3] != 0
	|| (rec[2] != GREYLIST_STATE_PENDING && rec[2] != GREYLIST_STATE_PASSED))
	return (0);
    tp->state = rec[2];
    tp->first_seen = (time_t) get_be(rec + 4, 8);
    tp->last_seen = (time_t) get_be(rec + 12, 8);
    tp->count = (unsigned) get_be(rec + 20, 4);
    if (tp->first_seen <= 0 || tp->last_seen < tp->first_seen)
	return (0);
    return (1);
}

/* greylist_client_encode - client to bytes */

void    greylist_client_encode(const GREYLIST_CLIENT *cp, VSTRING *buf)
{
    unsigned char rec[GREYLIST_CLIENT_SIZE];

    rec[0] = GREYLIST_REC_VERSION;
    rec[1] = 'C';
    rec[2] = rec[3] = 0;
    put_be(rec + 4, cp->count, 4);
    put_be(rec + 8, (uint64_t) cp->last_seen, 8);
    vstring_memcpy(buf, rec, sizeof(rec));
}

/* greylist_client_decode - bytes to client */

int     greylist_client_decode(const char *data, ssize_t len, GREYLIST_CLIENT *cp)
{
    const unsigned char *rec = (const unsigned char *) data;

    if (len != GREYLIST_CLIENT_SIZE || rec[0] != GREYLIST_REC_VERSION
	|| rec[1] != 'C' || rec[2] != 0 || rec[3] != 0)
	return (0);
    cp->count = (unsigned) get_be(rec + 4, 4);
    cp->last_seen = (time_t) get_be(rec + 8, 8);
    if (cp->last_seen <= 0)
	return (0);
    return (1);
}

/* greylist_index_key - time index key for a record */

void    greylist_index_key(VSTRING *buf, time_t when, const char *key, ssize_t len)
{
    unsigned char prefix[GREYLIST_INDEX_PREFIX];

    prefix[0] = (unsigned char) GREYLIST_KEY_INDEX;
    put_be(prefix + 1, (uint64_t) (when < 0 ? 0 : when), 8);
    vstring_memcpy(buf, prefix, sizeof(prefix));
    vstring_memcat(buf, key, len);
}

/* greylist_index_parse - split a time index key */

int     greylist_index_parse(const char *data, ssize_t len, time_t *when,
			             const char **key, ssize_t *key_len)
{
    const unsigned char *rec = (const unsigned char *) data;

    if (len <= GREYLIST_INDEX_PREFIX || rec[0] != (unsigned char) GREYLIST_KEY_INDEX)
	return (0);
    *when = (time_t) get_be(rec + 1, 8);
    *key = data + GREYLIST_INDEX_PREFIX;
    *key_len = len - GREYLIST_INDEX_PREFIX;
    return (1);
}

/* greylist_store_check_spec - is this a store we know? */

const char *greylist_store_check_spec(const char *spec)
{
    if (strncmp(spec, "btree:", 6) == 0) {
	if (spec[6] != '/')
	    return ("the btree: file name must be an absolute path");
	return (0);
    }
    if (strchr(spec, ':') == 0)
	return ("missing type: (use btree:/path/to/file)");
    return ("unsupported store type (supported: btree)");
}

/* greylist_store_open - open by type:name */

GREYLIST_STORE *greylist_store_open(const char *spec, const GREYLIST_POLICY *policy,
				            int flags, int lock_timeout)
{
    const char *err;

    if ((err = greylist_store_check_spec(spec)) != 0)
	msg_fatal("greylist store \"%s\": %s", spec, err);
    return (greylist_store_btree_open(spec + 6, policy, flags, lock_timeout));
}

/* greylist_store_free - release the common part */

void    greylist_store_free(GREYLIST_STORE *store)
{
    myfree(store->type);
    myfree(store->name);
    myfree((void *) store);
}
