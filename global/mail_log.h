#ifndef _MAIL_LOG_H_INCLUDED_
#define _MAIL_LOG_H_INCLUDED_

/*++
/* NAME
/*	mail_log 3h
/* SUMMARY
/*	choose where a daemon logs
/* SYNOPSIS
/*	#include "mail_log.h"
/* DESCRIPTION
/* .nf
/*--*/

#define MAIL_LOG_STDERR		(1<<0)	/* also log to stderr */

extern void mail_log_init(const char *, int);
extern void mail_log_reinit(void);
extern const char *mail_log_tag(void);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
