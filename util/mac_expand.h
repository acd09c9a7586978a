#ifndef _MAC_EXPAND_H_INCLUDED_
#define _MAC_EXPAND_H_INCLUDED_

/*++
/* NAME
/*	mac_expand 3h
/* SUMMARY
/*	expand $name references
/* SYNOPSIS
/*	#include "mac_expand.h"
/* DESCRIPTION
/* .nf
/*--*/

#include <vstring.h>

typedef const char *(*MAC_EXPAND_LOOKUP_FN) (const char *, void *);

#define MAC_EXPAND_OK		0
#define MAC_EXPAND_SYNTAX	1	/* bad syntax */
#define MAC_EXPAND_LOOP		2	/* too deep: self reference */

extern int mac_expand(VSTRING *, const char *, MAC_EXPAND_LOOKUP_FN, void *, VSTRING *);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
