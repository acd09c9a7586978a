/*++
/* NAME
/*	events 3
/* SUMMARY
/*	event manager
/* SYNOPSIS
/*	#include <events.h>
/*
/*	void	event_enable_read(fd, callback, context)
/*	int	fd;
/*	void	(*callback)(int event, void *context);
/*	void	*context;
/*
/*	void	event_enable_write(fd, callback, context)
/*	int	fd;
/*	void	(*callback)(int event, void *context);
/*	void	*context;
/*
/*	void	event_disable_readwrite(fd)
/*	int	fd;
/*
/*	void	event_request_timer(callback, context, delay)
/*	void	(*callback)(int event, void *context);
/*	void	*context;
/*	int	delay;
/*
/*	int	event_cancel_timer(callback, context)
/*	void	(*callback)(int event, void *context);
/*	void	*context;
/*
/*	void	event_loop(timeout)
/*	int	timeout;
/*
/*	time_t	event_time()
/*
/*	long long event_now_ms()
/*
/*	int	event_fd_count()
/* DESCRIPTION
/*	This module runs a single-threaded program from callbacks: I/O
/*	readiness on file descriptors (Linux epoll(7), level-triggered)
/*	and one-shot timers on the monotonic clock.
/*
/*	event_enable_read() (event_enable_write()) asks for a call of
/*	callback(EVENT_READ, context) (EVENT_WRITE) whenever the
/*	descriptor is readable (writable). A descriptor has one callback
/*	at a time: enabling read replaces a write request and vice versa.
/*	An error or hang-up is reported as EVENT_XCPT to the callback.
/*	event_disable_readwrite() forgets the descriptor; do this before
/*	closing it.
/*
/*	event_request_timer() asks for one call of
/*	callback(EVENT_TIME, context) after \fIdelay\fR milliseconds. A
/*	timer is identified by its (callback, context) pair: asking again
/*	moves the existing timer instead of adding one. A timer fires
/*	once; a periodic job asks again from its own callback.
/*	event_cancel_timer() removes a timer and returns the milliseconds
/*	that were left (0 or more), or -1 when there was no such timer.
/*
/*	event_loop() waits for one round of events, at most \fItimeout\fR
/*	milliseconds (-1: until the next timer or I/O event), and runs
/*	their callbacks, then every timer that is due.
/*
/*	event_time() returns the wall-clock time in seconds, read once at
/*	the start of each round. event_now_ms() returns the monotonic
/*	clock in milliseconds, likewise cached.
/*
/*	event_fd_count() returns the number of descriptors registered.
/* DIAGNOSTICS
/*	Panics: interface violations (a negative descriptor or delay).
/*	Fatal errors: epoll(7) failures, out of memory.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/epoll.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <events.h>

 /*
  * Per-descriptor state, indexed by descriptor number.
  */
typedef struct EVENT_FDTABLE {
    EVENT_NOTIFY_FN callback;		/* null: not registered */
    void   *context;
    int     mask;			/* EVENT_READ or EVENT_WRITE */
} EVENT_FDTABLE;

 /*
  * Timers, in a list sorted by due time (then by request order). There are
  * a handful of them, so a list is the simplest structure that is fast.
  */
typedef struct EVENT_TIMER {
    long long when;			/* due, monotonic milliseconds */
    EVENT_NOTIFY_FN callback;
    void   *context;
    unsigned long seq;			/* request order */
    struct EVENT_TIMER *next;
} EVENT_TIMER;

static int event_epfd = -1;
static EVENT_FDTABLE *event_fdtable;
static int event_fdslots;
static int event_fdcount;
static EVENT_TIMER *event_timers;
static time_t event_present;
static long long event_present_ms;
static unsigned long event_timer_seq;

#define EVENT_MAX_BATCH	256

/* event_clock_ms - read the monotonic clock */

static long long event_clock_ms(void)
{
    struct timespec ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* event_clock - refresh the cached clocks */

static void event_clock(void)
{
    event_present_ms = event_clock_ms();
    event_present = time((time_t *) 0);
}

/* event_init - one-time initialization */

static void event_init(void)
{
    if ((event_epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
	msg_fatal("epoll_create1: %m");
    event_clock();
}

/* event_time - cached wall clock */

time_t  event_time(void)
{
    if (event_epfd < 0)
	event_init();
    return (event_present);
}

/* event_now_ms - cached monotonic clock */

long long event_now_ms(void)
{
    if (event_epfd < 0)
	event_init();
    return (event_present_ms);
}

/* event_fd_count - number of registered descriptors */

int     event_fd_count(void)
{
    return (event_fdcount);
}

/* event_enable - register interest */

static void event_enable(int fd, int mask, EVENT_NOTIFY_FN callback,
			         void *context)
{
    const char *myname = "event_enable";
    struct epoll_event ev;
    int     op;
    int     new_slots;

    if (fd < 0)
	msg_panic("%s: bad file descriptor %d", myname, fd);
    if (callback == 0)
	msg_panic("%s: null callback", myname);
    if (event_epfd < 0)
	event_init();
    if (fd >= event_fdslots) {
	new_slots = event_fdslots ? event_fdslots : 64;
	while (new_slots <= fd)
	    new_slots *= 2;
	event_fdtable = (EVENT_FDTABLE *) (event_fdtable ?
		    myrealloc(event_fdtable, new_slots * sizeof(EVENT_FDTABLE)) :
			      mymalloc(new_slots * sizeof(EVENT_FDTABLE)));
	memset(event_fdtable + event_fdslots, 0,
	       (new_slots - event_fdslots) * sizeof(EVENT_FDTABLE));
	event_fdslots = new_slots;
    }
    op = event_fdtable[fd].callback ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (op == EPOLL_CTL_MOD && event_fdtable[fd].mask == mask) {
	event_fdtable[fd].callback = callback;
	event_fdtable[fd].context = context;
	return;
    }
    memset(&ev, 0, sizeof(ev));
    ev.events = (mask == EVENT_READ ? EPOLLIN : EPOLLOUT);
    ev.data.fd = fd;
    if (epoll_ctl(event_epfd, op, fd, &ev) < 0)
	msg_fatal("%s: epoll_ctl fd %d: %m", myname, fd);
    if (op == EPOLL_CTL_ADD)
	event_fdcount++;
    event_fdtable[fd].callback = callback;
    event_fdtable[fd].context = context;
    event_fdtable[fd].mask = mask;
}

/* event_enable_read - call back when readable */

void    event_enable_read(int fd, EVENT_NOTIFY_FN callback, void *context)
{
    event_enable(fd, EVENT_READ, callback, context);
}

/* event_enable_write - call back when writable */

void    event_enable_write(int fd, EVENT_NOTIFY_FN callback, void *context)
{
    event_enable(fd, EVENT_WRITE, callback, context);
}

/* event_disable_readwrite - forget a descriptor */

void    event_disable_readwrite(int fd)
{
    if (fd < 0)
	msg_panic("event_disable_readwrite: bad file descriptor %d", fd);
    if (fd >= event_fdslots || event_fdtable[fd].callback == 0)
	return;
    if (epoll_ctl(event_epfd, EPOLL_CTL_DEL, fd, (struct epoll_event *) 0) < 0
	&& errno != EBADF && errno != ENOENT)
	msg_fatal("event_disable_readwrite: epoll_ctl fd %d: %m", fd);
    event_fdtable[fd].callback = 0;
    event_fdtable[fd].context = 0;
    event_fdtable[fd].mask = 0;
    event_fdcount--;
}

/* event_timer_unlink - remove a timer from the list */

static EVENT_TIMER *event_timer_unlink(EVENT_NOTIFY_FN callback, void *context)
{
    EVENT_TIMER **tpp;
    EVENT_TIMER *tp;

    for (tpp = &event_timers; (tp = *tpp) != 0; tpp = &tp->next) {
	if (tp->callback == callback && tp->context == context) {
	    *tpp = tp->next;
	    return (tp);
	}
    }
    return (0);
}

/* event_request_timer - (re)schedule a one-shot timer */

void    event_request_timer(EVENT_NOTIFY_FN callback, void *context, int delay)
{
    EVENT_TIMER **tpp;
    EVENT_TIMER *tp;

    if (delay < 0)
	msg_panic("event_request_timer: bad delay %d", delay);
    if (callback == 0)
	msg_panic("event_request_timer: null callback");
    if (event_epfd < 0)
	event_init();
    if ((tp = event_timer_unlink(callback, context)) == 0)
	tp = (EVENT_TIMER *) mymalloc(sizeof(*tp));
    /* Not the cached clock: it is stale when called outside the loop. */
    tp->when = event_clock_ms() + delay;
    tp->callback = callback;
    tp->context = context;
    tp->seq = ++event_timer_seq;
    for (tpp = &event_timers; *tpp != 0 && (*tpp)->when <= tp->when;
	 tpp = &(*tpp)->next)
	 /* void */ ;
    tp->next = *tpp;
    *tpp = tp;
}

/* event_cancel_timer - remove a timer */

int     event_cancel_timer(EVENT_NOTIFY_FN callback, void *context)
{
    EVENT_TIMER *tp;
    long long left;

    if ((tp = event_timer_unlink(callback, context)) == 0)
	return (-1);
    left = tp->when - event_clock_ms();
    myfree((void *) tp);
    return (left > 0 ? (int) left : 0);
}

/* event_loop - one round of events */

void    event_loop(int timeout)
{
    struct epoll_event events[EVENT_MAX_BATCH];
    EVENT_FDTABLE *fdp;
    EVENT_TIMER *tp;
    EVENT_NOTIFY_FN callback;
    void   *context;
    int     wait_ms;
    int     n;
    int     i;
    int     fd;
    int     what;

    if (event_epfd < 0)
	event_init();

    /*
     * Wait no longer than until the first timer is due.
     */
    event_clock();
    wait_ms = timeout;
    if (event_timers) {
	long long until = event_timers->when - event_present_ms;

	if (until < 0)
	    until = 0;
	if (wait_ms < 0 || until < wait_ms)
	    wait_ms = (int) until;
    }
    if ((n = epoll_wait(event_epfd, events, EVENT_MAX_BATCH, wait_ms)) < 0) {
	if (errno != EINTR)
	    msg_fatal("event_loop: epoll_wait: %m");
	n = 0;
    }
    event_clock();

    /*
     * I/O callbacks. A callback may disable or close other descriptors of
     * this batch: look up the current registration each time.
     */
    for (i = 0; i < n; i++) {
	fd = events[i].data.fd;
	if (fd >= event_fdslots || (fdp = event_fdtable + fd)->callback == 0)
	    continue;
	if (events[i].events & (EPOLLERR | EPOLLHUP)
	    && !(events[i].events & (EPOLLIN | EPOLLOUT)))
	    what = EVENT_XCPT;
	else
	    what = fdp->mask;
	fdp->callback(what, fdp->context);
    }

    /*
     * Timers that are due, including those that callbacks just requested
     * with zero delay: those run in the next round, so that I/O is not
     * starved.
     */
    {
	long long now = event_present_ms;
	unsigned long last_seq = event_timer_seq;

	while ((tp = event_timers) != 0 && tp->when <= now
	       && tp->seq <= last_seq) {
	    event_timers = tp->next;
	    callback = tp->callback;
	    context = tp->context;
	    myfree((void *) tp);
	    callback(EVENT_TIME, context);
	}
    }
}
