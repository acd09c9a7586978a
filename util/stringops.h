#ifndef _STRINGOPS_H_INCLUDED_
#define _STRINGOPS_H_INCLUDED_

/*++
/* NAME
/*	stringops 3h
/* SUMMARY
/*	string utilities
/* SYNOPSIS
/*	#include "stringops.h"
/* DESCRIPTION
/* .nf
/*--*/

#include <vstring.h>

extern char *lowercase(char *);
extern char *trimblanks(char *, ssize_t);
extern char *skipblanks(const char *);
extern char *mystrtok(char **, const char *);
extern char *split_at(char *, int);
extern int alldig(const char *);
extern int safe_strtol(const char *, long *);
extern const char *split_nameval(char *, char **, char **);
extern char *printable_vstring(VSTRING *, const char *, ssize_t, ssize_t);
extern int valid_utf8(const char *, ssize_t);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
