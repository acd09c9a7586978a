#ifndef _ARGV_H_INCLUDED_
#define _ARGV_H_INCLUDED_

/*++
/* NAME
/*	argv 3h
/* SUMMARY
/*	string array utilities
/* SYNOPSIS
/*	#include "argv.h"
/* DESCRIPTION
/* .nf
/*--*/

typedef struct ARGV {
    ssize_t len;			/* slots allocated */
    ssize_t argc;			/* slots in use */
    char  **argv;			/* string array, null-terminated */
} ARGV;

extern ARGV *argv_alloc(ssize_t);
extern ARGV *argv_free(ARGV *);
extern void argv_add(ARGV *, const char *);
extern void argv_addn(ARGV *, const char *, ssize_t);
extern void argv_truncate(ARGV *, ssize_t);
extern ARGV *argv_split(const char *, const char *);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
