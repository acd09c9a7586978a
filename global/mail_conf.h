#ifndef _MAIL_CONF_H_INCLUDED_
#define _MAIL_CONF_H_INCLUDED_

/*++
/* NAME
/*	mail_conf 3h
/* SUMMARY
/*	main.cf-style configuration files and parameter tables
/* SYNOPSIS
/*	#include "mail_conf.h"
/* DESCRIPTION
/* .nf
/*--*/

#include <vstring.h>

 /*
  * Reading files and the parameter dictionary.
  */
extern void mail_conf_read(const char *, int);
extern void mail_conf_suck(void);
extern void mail_conf_update(const char *, const char *);
extern const char *mail_conf_lookup(const char *);
extern const char *mail_conf_eval(const char *);
extern const char *mail_conf_lookup_eval(const char *);
extern void mail_conf_override(const char *);
extern void mail_conf_readonly(const char *, const char *);
extern void mail_conf_warn_unknown(const char *);
extern void mail_conf_flush(void);
extern const char *mail_conf_source(const char *);

 /*
  * Internal interface, for mail_conf_param(3).
  */
extern void mail_conf_mark_known(const char *);
extern const char *mail_conf_eval_named(const char *, const char *);

#define MAIL_CONF_REQUIRED	1
#define MAIL_CONF_OPTIONAL	0

 /*
  * Typed parameters. A table ends with a row whose name is null. min and
  * max of 0 mean no bound (strings: length; times: seconds).
  */
typedef struct CONFIG_STR_TABLE {
    const char *name;
    const char *defval;
    char  **target;
    int     min;
    int     max;
} CONFIG_STR_TABLE;

typedef struct CONFIG_INT_TABLE {
    const char *name;
    int     defval;
    int    *target;
    int     min;
    int     max;
} CONFIG_INT_TABLE;

typedef struct CONFIG_BOOL_TABLE {
    const char *name;
    int     defval;
    int    *target;
} CONFIG_BOOL_TABLE;

typedef struct CONFIG_TIME_TABLE {
    const char *name;
    const char *defval;			/* with unit, e.g. "60s" */
    int    *target;			/* seconds */
    int     min;
    int     max;
} CONFIG_TIME_TABLE;

typedef struct CONFIG_RAW_TABLE {
    const char *name;
    const char *defval;
    char  **target;
    int     min;
    int     max;
} CONFIG_RAW_TABLE;

extern char *get_mail_conf_str(const char *, const char *, int, int);
extern char *get_mail_conf_raw(const char *, const char *, int, int);
extern int get_mail_conf_int(const char *, int, int, int);
extern int get_mail_conf_bool(const char *, int);
extern int get_mail_conf_time(const char *, const char *, int, int);

extern void get_mail_conf_str_table(const CONFIG_STR_TABLE *);
extern void get_mail_conf_raw_table(const CONFIG_RAW_TABLE *);
extern void get_mail_conf_int_table(const CONFIG_INT_TABLE *);
extern void get_mail_conf_bool_table(const CONFIG_BOOL_TABLE *);
extern void get_mail_conf_time_table(const CONFIG_TIME_TABLE *);

extern int conv_time(const char *, int *, int, VSTRING *);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
