#ifndef _MAIL_VERSION_H_INCLUDED_
#define _MAIL_VERSION_H_INCLUDED_

/*++
/* NAME
/*	mail_version 3h
/* SUMMARY
/*	greylistd release name
/* SYNOPSIS
/*	#include "mail_version.h"
/* DESCRIPTION
/*	DEF_MAIL_VERSION is the one place where the release is named;
/*	makedefs, the manual pages and the Debian package read it from
/*	here. MAIL_VERSION_STAMP is a string that the version report
/*	(-V) prints, and that strings(1) finds in the binary.
/* .nf
/*--*/

#define MAIL_NAME		"greylistd"
#define DEF_MAIL_VERSION	"1.0.0"
#define MAIL_VERSION_DATE	"20261125"

#define MAIL_VERSION_STAMP	MAIL_NAME " " DEF_MAIL_VERSION " (" MAIL_VERSION_DATE ")"

extern const char *mail_version(void);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
