#ifndef _STORELIB_H_INCLUDED_
#define _STORELIB_H_INCLUDED_

/*++
/* NAME
/*	storelib 3h
/* SUMMARY
/*	helpers shared by the greylist_store(3) suites
/* SYNOPSIS
/*	#include "storelib.h"
/* DESCRIPTION
/* .nf
/*--*/

 /*
  * System library.
  */
#include <time.h>

 /*
  * Application-specific.
  */
#include <greylist_policy.h>
#include <greylist_key.h>
#include <greylist_store.h>

 /*
  * The answer to one request, filled in by storelib_done().
  */
typedef struct STORELIB_RESULT {
    int     calls;			/* storelib_done() calls */
    GREYLIST_DECISION decision;		/* the last answer */
} STORELIB_RESULT;

#define STORELIB_SENDER	"sender@example.org"

extern const char *storelib_action_label(int);
extern void storelib_done(const GREYLIST_DECISION *, void *);
extern void storelib_keys(GREYLIST_KEYS *, const char *, const char *);
extern void storelib_submit(GREYLIST_STORE *, GREYLIST_KEYS *, const char *,
			            const char *, time_t, STORELIB_RESULT *);
extern int storelib_run_until(int (*) (void *), void *, int);
extern GREYLIST_DECISION storelib_decide(GREYLIST_STORE *, GREYLIST_KEYS *,
					         const char *, const char *,
					         time_t, int, int *);
extern GREYLIST_DECISION storelib_expect(GREYLIST_STORE *, GREYLIST_KEYS *,
					         const char *, const char *,
					         time_t, time_t, int, int);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
