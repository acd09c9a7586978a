#ifndef _WATCHDOG_H_INCLUDED_
#define _WATCHDOG_H_INCLUDED_

/*++
/* NAME
/*	watchdog 3h
/* SUMMARY
/*	stuck process detector
/* SYNOPSIS
/*	#include "watchdog.h"
/* DESCRIPTION
/* .nf
/*--*/

extern void watchdog_start(int);
extern void watchdog_pat(void);
extern void watchdog_stop(void);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
