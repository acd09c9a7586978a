#ifndef _GREYLIST_STORE_THREAD_H_INCLUDED_
#define _GREYLIST_STORE_THREAD_H_INCLUDED_

/*++
/* NAME
/*	greylist_store_thread 3h
/* SUMMARY
/*	greylist store with a database thread
/* SYNOPSIS
/*	#include "greylist_store_thread.h"
/* DESCRIPTION
/* .nf
/*--*/

#include "greylist_store.h"

typedef struct GREYLIST_THREAD_LIMITS {
    int     commit_ms;			/* commit interval */
    int     expire_interval;		/* seconds between expiry runs */
    int     expire_rate;		/* records per second, at most */
    int     cache_size;			/* clean records kept in memory */
    int     queue_limit;		/* updates not yet committed */
} GREYLIST_THREAD_LIMITS;

extern GREYLIST_STORE *greylist_store_thread_open(GREYLIST_STORE *,
				            const GREYLIST_THREAD_LIMITS *);
extern int greylist_store_thread_filter_ready(GREYLIST_STORE *);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
