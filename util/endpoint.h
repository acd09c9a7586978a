#ifndef _ENDPOINT_H_INCLUDED_
#define _ENDPOINT_H_INCLUDED_

/*++
/* NAME
/*	endpoint 3h
/* SUMMARY
/*	listen on and connect to unix: and inet: endpoints
/* SYNOPSIS
/*	#include "endpoint.h"
/* DESCRIPTION
/* .nf
/*--*/

#include <vstring.h>

#define ENDPOINT_UNIX	1
#define ENDPOINT_INET	2

typedef struct ENDPOINT {
    int     type;			/* ENDPOINT_UNIX or ENDPOINT_INET */
    char   *path;			/* unix: socket path */
    char   *host;			/* inet: host, without [] */
    char   *port;			/* inet: port */
} ENDPOINT;

extern const char *endpoint_parse(ENDPOINT *, const char *);
extern void endpoint_free(ENDPOINT *);
extern int endpoint_listen(const char *, int, VSTRING *);
extern int endpoint_connect(const char *, int, VSTRING *);
extern int endpoint_local_port(int);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
