#ifndef _GREYLIST_EXPIRE_H_INCLUDED_
#define _GREYLIST_EXPIRE_H_INCLUDED_

/*++
/* NAME
/*	greylist_expire 3h
/* SUMMARY
/*	remove what the greylist no longer needs
/* SYNOPSIS
/*	#include "greylist_expire.h"
/* DESCRIPTION
/* .nf
/*--*/

#include "greylist_store.h"

extern void greylist_expire_start(GREYLIST_STORE *, int, int, int);
extern void greylist_commit_start(GREYLIST_STORE *, int);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
