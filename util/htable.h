#ifndef _HTABLE_H_INCLUDED_
#define _HTABLE_H_INCLUDED_

/*++
/* NAME
/*	htable 3h
/* SUMMARY
/*	hash table manager
/* SYNOPSIS
/*	#include "htable.h"
/* DESCRIPTION
/* .nf
/*--*/

typedef struct HTABLE_INFO {
    char   *key;			/* lookup key, owned by the table */
    void   *value;			/* associated value */
    struct HTABLE_INFO *next;		/* colliding entry */
} HTABLE_INFO;

typedef struct HTABLE {
    ssize_t size;			/* number of buckets */
    ssize_t used;			/* number of entries */
    HTABLE_INFO **data;			/* buckets */
} HTABLE;

typedef void (*HTABLE_FREE_FN) (void *);

extern HTABLE *htable_create(ssize_t);
extern HTABLE_INFO *htable_enter(HTABLE *, const char *, void *);
extern HTABLE_INFO *htable_locate(HTABLE *, const char *);
extern void *htable_find(HTABLE *, const char *);
extern void htable_delete(HTABLE *, const char *, HTABLE_FREE_FN);
extern void htable_free(HTABLE *, HTABLE_FREE_FN);
extern HTABLE_INFO **htable_list(HTABLE *);
extern unsigned long htable_hash(const char *, size_t);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
