#ifndef _INET_PREFIX_H_INCLUDED_
#define _INET_PREFIX_H_INCLUDED_

/*++
/* NAME
/*	inet_prefix 3h
/* SUMMARY
/*	IPv4 and IPv6 addresses, networks and CIDR matching
/* SYNOPSIS
/*	#include "inet_prefix.h"
/* DESCRIPTION
/* .nf
/*--*/

#include <netinet/in.h>
#include <vstring.h>

typedef struct INET_ADDR {
    int     family;			/* AF_INET or AF_INET6 */
    unsigned char bytes[16];		/* network byte order */
} INET_ADDR;

typedef struct CIDR_MATCH {
    INET_ADDR net;			/* network, host bits zero */
    int     mask_bits;			/* prefix length */
} CIDR_MATCH;

extern int inet_addr_parse(const char *, INET_ADDR *);
extern void inet_addr_mask(INET_ADDR *, int);
extern const char *inet_addr_format(const INET_ADDR *, VSTRING *);
extern const char *cidr_match_parse(CIDR_MATCH *, const char *);
extern int cidr_match(const CIDR_MATCH *, const INET_ADDR *);

#define INET_ADDR_LEN(a)	((a)->family == AF_INET ? 4 : 16)
#define INET_ADDR_BITS(a)	((a)->family == AF_INET ? 32 : 128)

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
