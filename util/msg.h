#ifndef _MSG_H_INCLUDED_
#define _MSG_H_INCLUDED_

/*++
/* NAME
/*	msg 3h
/* SUMMARY
/*	diagnostic interface
/* SYNOPSIS
/*	#include "msg.h"
/* DESCRIPTION
/* .nf
/*--*/

#include <stdarg.h>

 /*
  * Severity levels, also passed to output handlers.
  */
#define MSG_INFO	0
#define MSG_WARN	1
#define MSG_ERROR	2
#define MSG_FATAL	3
#define MSG_PANIC	4

typedef void (*MSG_OUTPUT_FN) (int, const char *);
typedef void (*MSG_CLEANUP_FN) (void);

extern int msg_verbose;
extern int msg_error_limit;
extern int msg_fatal_sleep;

extern void PRINTFLIKE(1, 2) msg_info(const char *,...);
extern void PRINTFLIKE(1, 2) msg_warn(const char *,...);
extern void PRINTFLIKE(1, 2) msg_error(const char *,...);
extern NORETURN PRINTFLIKE(1, 2) msg_fatal(const char *,...);
extern NORETURN PRINTFLIKE(2, 3) msg_fatal_status(int, const char *,...);
extern NORETURN PRINTFLIKE(1, 2) msg_panic(const char *,...);

extern void msg_vinfo(const char *, va_list);
extern void msg_vwarn(const char *, va_list);

extern void msg_output(MSG_OUTPUT_FN);
extern void msg_output_reset(void);
extern MSG_CLEANUP_FN msg_cleanup(MSG_CLEANUP_FN);
extern void msg_fatal_recover(void);
extern const char *msg_severity_name(int);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
