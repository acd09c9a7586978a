#ifndef _IOSTUFF_H_INCLUDED_
#define _IOSTUFF_H_INCLUDED_

/*++
/* NAME
/*	iostuff 3h
/* SUMMARY
/*	miscellaneous descriptor operations
/* SYNOPSIS
/*	#include "iostuff.h"
/* DESCRIPTION
/* .nf
/*--*/

extern int non_blocking(int, int);
extern int close_on_exec(int, int);
extern ssize_t peekfd(int);
extern int dup_above(int, int);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
