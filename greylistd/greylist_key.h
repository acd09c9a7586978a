#ifndef _GREYLIST_KEY_H_INCLUDED_
#define _GREYLIST_KEY_H_INCLUDED_

/*++
/* NAME
/*	greylist_key 3h
/* SUMMARY
/*	triplet and client keys
/* SYNOPSIS
/*	#include "greylist_key.h"
/* DESCRIPTION
/* .nf
/*--*/

#include <vstring.h>
#include <inet_prefix.h>

typedef struct GREYLIST_KEYS {
    VSTRING *network;			/* client address or network, text */
    VSTRING *triplet;			/* GREYLIST_KEY_TRIPLET + ... */
    VSTRING *client;			/* GREYLIST_KEY_CLIENT + network */
} GREYLIST_KEYS;

 /*
  * Key prefixes: each kind of record has its own range of the B+tree.
  */
#define GREYLIST_KEY_META	'\x01'
#define GREYLIST_KEY_CLIENT	'C'
#define GREYLIST_KEY_TRIPLET	'T'
#define GREYLIST_KEY_INDEX	'\xff'

 /*
  * The one meta record: the seal of a cleanly closed file (see
  * greylist_store(3)).
  */
#define GREYLIST_SEAL_KEY	"\001seal"

extern GREYLIST_KEYS *greylist_keys_create(void);
extern void greylist_keys_free(GREYLIST_KEYS *);
extern void greylist_keys_build(GREYLIST_KEYS *, const INET_ADDR *, int, int,
				        const char *, const char *);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
