#ifndef _CHROOT_UID_H_INCLUDED_
#define _CHROOT_UID_H_INCLUDED_

/*++
/* NAME
/*	chroot_uid 3h
/* SUMMARY
/*	limit possible damage a process can do
/* SYNOPSIS
/*	#include "chroot_uid.h"
/* DESCRIPTION
/* .nf
/*--*/

extern void chroot_uid(const char *, const char *);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
