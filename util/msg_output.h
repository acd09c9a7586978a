#ifndef _MSG_OUTPUT_H_INCLUDED_
#define _MSG_OUTPUT_H_INCLUDED_

/*++
/* NAME
/*	msg_output 3h
/* SUMMARY
/*	standard error, syslog and postlogd output for msg(3)
/* SYNOPSIS
/*	#include "msg_output.h"
/* DESCRIPTION
/* .nf
/*--*/

extern void msg_stderr_init(const char *);
extern void msg_syslog_init(const char *, int);
extern int msg_syslog_facility(const char *);
extern int msg_logger_init(const char *, const char *, const char *);
extern int msg_logger_active(void);
extern void msg_output_tag(const char *);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
