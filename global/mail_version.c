/*++
/* NAME
/*	mail_version 3
/* SUMMARY
/*	greylistd release name
/* SYNOPSIS
/*	#include <mail_version.h>
/*
/*	const char *mail_version()
/* DESCRIPTION
/*	mail_version() returns the version stamp, for example
/*	"greylistd 1.0.0 (20261125)", built with the Tokyo Cabinet and
/*	Postfix-compatible pieces it was compiled against.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#include <sys_defs.h>
#include <mail_version.h>

static const char mail_version_stamp[] = "@(#)" MAIL_VERSION_STAMP;

/* mail_version - version stamp */

const char *mail_version(void)
{
    return (mail_version_stamp + 4);
}
