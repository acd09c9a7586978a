#ifndef _GREYLIST_STORE_H_INCLUDED_
#define _GREYLIST_STORE_H_INCLUDED_

/*++
/* NAME
/*	greylist_store 3h
/* SUMMARY
/*	backend-neutral greylist store
/* SYNOPSIS
/*	#include "greylist_store.h"
/* DESCRIPTION
/* .nf
/*--*/

#include <time.h>
#include <vstring.h>
#include "greylist_policy.h"
#include "greylist_key.h"

typedef void (*GREYLIST_STORE_DONE_FN) (const GREYLIST_DECISION *, void *);
typedef void (*GREYLIST_SCAN_FN) (const char *, ssize_t, const char *,
			             ssize_t, void *);

typedef struct GREYLIST_STORE GREYLIST_STORE;

struct GREYLIST_STORE {
    char   *type;			/* "btree" */
    char   *name;			/* file name */
    int     flags;			/* GREYLIST_STORE_FLAG_* */
    const GREYLIST_POLICY *policy;	/* the limits */
    int     lock_timeout;		/* seconds, per-request locking */
    void    (*decide) (GREYLIST_STORE *, const GREYLIST_KEYS *, time_t,
			           GREYLIST_STORE_DONE_FN, void *);
    int     (*expire) (GREYLIST_STORE *, time_t, int, int, int *);
    int     (*commit) (GREYLIST_STORE *);
    long    (*count) (GREYLIST_STORE *);
    void    (*close) (GREYLIST_STORE *);
    /* Record access for greylist_store_thread(3); null when not offered. */
    int     (*check) (GREYLIST_STORE *, time_t);
    int     (*lookup) (GREYLIST_STORE *, const char *, ssize_t, VSTRING *);
    int     (*update) (GREYLIST_STORE *, const char *, ssize_t,
		               const char *, ssize_t, time_t, time_t);
    int     (*scan) (GREYLIST_STORE *, VSTRING *, int,
		             GREYLIST_SCAN_FN, void *);
    int     (*seal) (GREYLIST_STORE *, const char *);
    const char *(*sealed) (GREYLIST_STORE *);
    unsigned generation;		/* bumped when updates were lost */
    int     commit_trouble;		/* commits fail (full disk) */
};

#define GREYLIST_STORE_FLAG_PER_REQUEST	(1<<0)	/* lock per request (spawn) */

extern GREYLIST_STORE *greylist_store_open(const char *, const GREYLIST_POLICY *, int, int);
extern const char *greylist_store_check_spec(const char *);
extern void greylist_store_free(GREYLIST_STORE *);

 /*
  * The record format, shared by all backends.
  */
#define GREYLIST_REC_VERSION	1
#define GREYLIST_TRIPLET_SIZE	24
#define GREYLIST_CLIENT_SIZE	16
#define GREYLIST_INDEX_PREFIX	9	/* 0xff + 8-byte time */

extern void greylist_triplet_encode(const GREYLIST_TRIPLET *, VSTRING *);
extern int greylist_triplet_decode(const char *, ssize_t, GREYLIST_TRIPLET *);
extern void greylist_client_encode(const GREYLIST_CLIENT *, VSTRING *);
extern int greylist_client_decode(const char *, ssize_t, GREYLIST_CLIENT *);
extern void greylist_index_key(VSTRING *, time_t, const char *, ssize_t);
extern int greylist_index_parse(const char *, ssize_t, time_t *, const char **, ssize_t *);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
