#ifndef _GREYLIST_STORE_BTREE_H_INCLUDED_
#define _GREYLIST_STORE_BTREE_H_INCLUDED_

/*++
/* NAME
/*	greylist_store_btree 3h
/* SUMMARY
/*	Tokyo Cabinet B+tree greylist store
/* SYNOPSIS
/*	#include "greylist_store_btree.h"
/* DESCRIPTION
/* .nf
/*--*/

#include "greylist_store.h"

extern GREYLIST_STORE *greylist_store_btree_open(const char *, const GREYLIST_POLICY *, int, int);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
