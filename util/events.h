#ifndef _EVENTS_H_INCLUDED_
#define _EVENTS_H_INCLUDED_

/*++
/* NAME
/*	events 3h
/* SUMMARY
/*	event manager
/* SYNOPSIS
/*	#include "events.h"
/* DESCRIPTION
/* .nf
/*--*/

#include <limits.h>
#include <time.h>

typedef void (*EVENT_NOTIFY_FN) (int, void *);

#define EVENT_READ	(1<<0)		/* read event */
#define EVENT_WRITE	(1<<1)		/* write event */
#define EVENT_XCPT	(1<<2)		/* error or hang-up */
#define EVENT_TIME	(1<<3)		/* timer event */

extern void event_enable_read(int, EVENT_NOTIFY_FN, void *);
extern void event_enable_write(int, EVENT_NOTIFY_FN, void *);
extern void event_disable_readwrite(int);
extern void event_request_timer(EVENT_NOTIFY_FN, void *, int);
extern int event_cancel_timer(EVENT_NOTIFY_FN, void *);
extern void event_loop(int);
extern time_t event_time(void);
extern long long event_now_ms(void);
extern int event_fd_count(void);

#define EVENT_SECONDS_TO_MS(s) ((s) > INT_MAX / 1000 ? INT_MAX : (s) * 1000)

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
