#ifndef _GREYLIST_STATS_H_INCLUDED_
#define _GREYLIST_STATS_H_INCLUDED_

/*++
/* NAME
/*	greylist_stats 3h
/* SUMMARY
/*	greylisting counters
/* SYNOPSIS
/*	#include "greylist_stats.h"
/* DESCRIPTION
/* .nf
/*--*/

#include "greylist_store.h"

typedef struct GREYLIST_STATS {
    unsigned long requests;		/* complete requests */
    unsigned long actions[8];		/* per GREYLIST_ACT_* */
    unsigned long bad;			/* malformed requests */
    unsigned long expired;		/* records removed by expiry */
} GREYLIST_STATS;

extern GREYLIST_STATS greylist_stats;

extern void greylist_stats_count(int);
extern void greylist_stats_log(const char *, GREYLIST_STORE *);
extern void greylist_stats_start(int, GREYLIST_STORE *);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
