#ifndef _MULTI_SERVER_H_INCLUDED_
#define _MULTI_SERVER_H_INCLUDED_

/*++
/* NAME
/*	multi_server 3h
/* SUMMARY
/*	skeleton multi-threaded mail subsystem
/* SYNOPSIS
/*	#include "multi_server.h"
/* DESCRIPTION
/* .nf
/*--*/

#include <vstream.h>
#include <mail_conf.h>

typedef void (*MULTI_SERVER_FN) (VSTREAM *, char *, char **);
typedef void (*MULTI_SERVER_INIT_FN) (char *, char **);
typedef int (*MULTI_SERVER_LOOP_FN) (char *, char **);
typedef void (*MULTI_SERVER_EXIT_FN) (char *, char **);
typedef void (*MULTI_SERVER_ACCEPT_FN) (char *, char **);
typedef void (*MULTI_SERVER_CONN_FN) (VSTREAM *, char *, char **);

 /*
  * Keys of the variadic argument list. Use the CA_ macros below: they
  * make the compiler check the type of each value.
  */
#define MAIL_SERVER_END		0
#define MAIL_SERVER_INT_TABLE	1
#define MAIL_SERVER_STR_TABLE	2
#define MAIL_SERVER_BOOL_TABLE	3
#define MAIL_SERVER_TIME_TABLE	4
#define MAIL_SERVER_RAW_TABLE	5
#define MAIL_SERVER_PRE_INIT	10
#define MAIL_SERVER_POST_INIT	11
#define MAIL_SERVER_LOOP	12
#define MAIL_SERVER_EXIT	13
#define MAIL_SERVER_PRE_ACCEPT	14
#define MAIL_SERVER_POST_ACCEPT	15
#define MAIL_SERVER_PRE_DISCONN	16
#define MAIL_SERVER_SOLITARY	20
#define MAIL_SERVER_UNLIMITED	21
#define MAIL_SERVER_CONF_FILE	22
#define MAIL_SERVER_PARAM_PREFIX 23
#define MAIL_SERVER_VERSION	24

static inline const CONFIG_INT_TABLE *ms_ck_int(const CONFIG_INT_TABLE *v) { return (v); }
static inline const CONFIG_STR_TABLE *ms_ck_str(const CONFIG_STR_TABLE *v) { return (v); }
static inline const CONFIG_BOOL_TABLE *ms_ck_bool(const CONFIG_BOOL_TABLE *v) { return (v); }
static inline const CONFIG_TIME_TABLE *ms_ck_time(const CONFIG_TIME_TABLE *v) { return (v); }
static inline const CONFIG_RAW_TABLE *ms_ck_raw(const CONFIG_RAW_TABLE *v) { return (v); }
static inline MULTI_SERVER_INIT_FN ms_ck_init(MULTI_SERVER_INIT_FN v) { return (v); }
static inline MULTI_SERVER_LOOP_FN ms_ck_loop(MULTI_SERVER_LOOP_FN v) { return (v); }
static inline MULTI_SERVER_EXIT_FN ms_ck_exit(MULTI_SERVER_EXIT_FN v) { return (v); }
static inline MULTI_SERVER_ACCEPT_FN ms_ck_accept(MULTI_SERVER_ACCEPT_FN v) { return (v); }
static inline MULTI_SERVER_CONN_FN ms_ck_conn(MULTI_SERVER_CONN_FN v) { return (v); }
static inline const char *ms_ck_cstr(const char *v) { return (v); }

#define CA_MAIL_SERVER_END		MAIL_SERVER_END
#define CA_MAIL_SERVER_INT_TABLE(v)	MAIL_SERVER_INT_TABLE, ms_ck_int(v)
#define CA_MAIL_SERVER_STR_TABLE(v)	MAIL_SERVER_STR_TABLE, ms_ck_str(v)
#define CA_MAIL_SERVER_BOOL_TABLE(v)	MAIL_SERVER_BOOL_TABLE, ms_ck_bool(v)
#define CA_MAIL_SERVER_TIME_TABLE(v)	MAIL_SERVER_TIME_TABLE, ms_ck_time(v)
#define CA_MAIL_SERVER_RAW_TABLE(v)	MAIL_SERVER_RAW_TABLE, ms_ck_raw(v)
#define CA_MAIL_SERVER_PRE_INIT(v)	MAIL_SERVER_PRE_INIT, ms_ck_init(v)
#define CA_MAIL_SERVER_POST_INIT(v)	MAIL_SERVER_POST_INIT, ms_ck_init(v)
#define CA_MAIL_SERVER_LOOP(v)		MAIL_SERVER_LOOP, ms_ck_loop(v)
#define CA_MAIL_SERVER_EXIT(v)		MAIL_SERVER_EXIT, ms_ck_exit(v)
#define CA_MAIL_SERVER_PRE_ACCEPT(v)	MAIL_SERVER_PRE_ACCEPT, ms_ck_accept(v)
#define CA_MAIL_SERVER_POST_ACCEPT(v)	MAIL_SERVER_POST_ACCEPT, ms_ck_conn(v)
#define CA_MAIL_SERVER_PRE_DISCONN(v)	MAIL_SERVER_PRE_DISCONN, ms_ck_conn(v)
#define CA_MAIL_SERVER_SOLITARY		MAIL_SERVER_SOLITARY
#define CA_MAIL_SERVER_UNLIMITED	MAIL_SERVER_UNLIMITED
#define CA_MAIL_SERVER_CONF_FILE(v)	MAIL_SERVER_CONF_FILE, ms_ck_cstr(v)
#define CA_MAIL_SERVER_PARAM_PREFIX(v)	MAIL_SERVER_PARAM_PREFIX, ms_ck_cstr(v)
#define CA_MAIL_SERVER_VERSION(v)	MAIL_SERVER_VERSION, ms_ck_cstr(v)

extern NORETURN multi_server_main(int, char **, MULTI_SERVER_FN,...);
extern void multi_server_disconnect(VSTREAM *);
extern void *multi_server_context(VSTREAM *);
extern void multi_server_set_context(VSTREAM *, void *);
extern int multi_server_client_count(void);
extern int multi_server_drain_pending(VSTREAM *);
extern void multi_server_flush(VSTREAM *);
extern void multi_server_suspend(VSTREAM *);
extern void multi_server_resume(VSTREAM *);

 /*
  * How the process was started.
  */
#define MULTI_SERVER_MODE_MASTER	1	/* by master(8) */
#define MULTI_SERVER_MODE_STDIN		2	/* -S */
#define MULTI_SERVER_MODE_LISTEN	3	/* -L endpoint */

extern int multi_server_mode;

 /*
  * The master(8) status protocol.
  */
#define MASTER_STATUS_FD	5
#define MASTER_LISTEN_FD	6
#define MASTER_FLOW_READ	3
#define MASTER_FLOW_WRITE	4
#define MASTER_STAT_TAKEN	0
#define MASTER_STAT_AVAIL	1

typedef struct MASTER_STATUS {
    int     pid;
    unsigned gen;
    int     avail;
} MASTER_STATUS;

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
