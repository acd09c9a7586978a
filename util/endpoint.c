/*++
/* NAME
/*	endpoint 3
/* SUMMARY
/*	listen on and connect to unix: and inet: endpoints
/* SYNOPSIS
/*	#include <endpoint.h>
/*
/*	const char *endpoint_parse(ep, spec)
/*	ENDPOINT *ep;
/*	const char *spec;
/*
/*	void	endpoint_free(ep)
/*	ENDPOINT *ep;
/*
/*	int	endpoint_listen(spec, backlog, why)
/*	const char *spec;
/*	int	backlog;
/*	VSTRING	*why;
/*
/*	int	endpoint_connect(spec, timeout, why)
/*	const char *spec;
/*	int	timeout;
/*	VSTRING	*why;
/*
/*	int	endpoint_local_port(fd)
/*	int	fd;
/* DESCRIPTION
/*	An endpoint is written as Postfix writes policy servers:
/*	\fBunix:\fIpathname\fR or \fBinet:\fIhost\fB:\fIport\fR, where
/*	an IPv6 host is enclosed in [] (\fBinet:[::1]:10023\fR). A bare
/*	\fIhost:port\fR means inet:, and a bare path beginning with "/"
/*	means unix:.
/*
/*	endpoint_parse() splits a specification. It returns a null
/*	pointer on success, or a message that says what is wrong.
/*	endpoint_free() releases the parts.
/*
/*	endpoint_listen() creates a listening, non-blocking, close-on-exec
/*	socket. An existing UNIX-domain socket file is replaced; the
/*	socket file gets mode 0666 (access control belongs to its
/*	directory, as with Postfix's private/ and public/). An inet
/*	socket has SO_REUSEADDR; port 0 picks a free port (see
/*	endpoint_local_port()).
/*
/*	endpoint_connect() connects, waiting at most \fItimeout\fR
/*	seconds (0: the kernel's limit). The result is a blocking
/*	descriptor.
/*
/*	Both return -1 on error with the reason in \fIwhy\fR.
/*
/*	endpoint_local_port() returns the local port of an inet socket,
/*	or -1.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <stringops.h>
#include <iostuff.h>
#include <endpoint.h>

/* endpoint_parse - split unix:/path or inet:host:port */

const char *endpoint_parse(ENDPOINT *ep, const char *spec)
{
    const char *rest;
    const char *colon;
    const char *host_end;

    ep->path = ep->host = ep->port = 0;
    if (strncmp(spec, "unix:", 5) == 0 || spec[0] == '/') {
	rest = spec[0] == '/' ? spec : spec + 5;
	if (*rest == 0)
	    return ("empty UNIX-domain socket path");
	if (strlen(rest) >= sizeof(((struct sockaddr_un *) 0)->sun_path))
	    return ("UNIX-domain socket path too long");
	ep->type = ENDPOINT_UNIX;
	ep->path = mystrdup(rest);
	return (0);
    }
    rest = strncmp(spec, "inet:", 5) == 0 ? spec + 5 : spec;
    if (*rest == '[') {
	if ((host_end = strchr(rest, ']')) == 0 || host_end[1] != ':')
	    return ("bad [host]:port syntax");
	colon = host_end + 1;
	ep->host = mystrndup(rest + 1, host_end - rest - 1);
    } else {
	if ((colon = strrchr(rest, ':')) == 0)
	    return ("missing :port");
	if (memchr(rest, ':', colon - rest) != 0)
	    return ("IPv6 address must be enclosed in []");
	ep->host = mystrndup(rest, colon - rest);
    }
    ep->type = ENDPOINT_INET;
    ep->port = mystrdup(colon + 1);
    if (*ep->host == 0 || *ep->port == 0 || !alldig(ep->port)
	|| strlen(ep->port) > 5 || atoi(ep->port) > 65535) {
	endpoint_free(ep);
	return ("bad host or port");
    }
    return (0);
}

/* endpoint_free - release parts */

void    endpoint_free(ENDPOINT *ep)
{
    if (ep->path)
	myfree(ep->path);
    if (ep->host)
	myfree(ep->host);
    if (ep->port)
	myfree(ep->port);
    ep->path = ep->host = ep->port = 0;
}

/* endpoint_unix_addr - fill in sockaddr_un */

static void endpoint_unix_addr(struct sockaddr_un *sun, const char *path)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    strncpy(sun->sun_path, path, sizeof(sun->sun_path) - 1);
}

/* endpoint_resolve - numeric or name lookup */

static struct addrinfo *endpoint_resolve(ENDPOINT *ep, int passive, VSTRING *why)
{
    struct addrinfo hints;
    struct addrinfo *res;
    int     err;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
    if ((err = getaddrinfo(ep->host, ep->port, &hints, &res)) != 0) {
	vstring_sprintf(why, "look up %s:%s: %s", ep->host, ep->port,
			gai_strerror(err));
	return (0);
    }
    return (res);
}

/* endpoint_listen - create listener */

int     endpoint_listen(const char *spec, int backlog, VSTRING *why)
{
    ENDPOINT ep;
    const char *err;
    struct sockaddr_un sun;
    struct addrinfo *res;
    int     fd = -1;
    int     on = 1;

    if ((err = endpoint_parse(&ep, spec)) != 0) {
	vstring_sprintf(why, "bad endpoint \"%s\": %s", spec, err);
	return (-1);
    }
    if (ep.type == ENDPOINT_UNIX) {
	endpoint_unix_addr(&sun, ep.path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
	    vstring_sprintf(why, "socket: %m");
	} else if (unlink(ep.path) < 0 && errno != ENOENT) {
	    vstring_sprintf(why, "remove %s: %m", ep.path);
	    (void) close(fd), fd = -1;
	} else if (bind(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0) {
	    vstring_sprintf(why, "bind %s: %m", ep.path);
	    (void) close(fd), fd = -1;
	} else if (chmod(ep.path, 0666) < 0) {
	    vstring_sprintf(why, "chmod %s: %m", ep.path);
	    (void) close(fd), fd = -1;
	}
    } else {
	if ((res = endpoint_resolve(&ep, 1, why)) != 0) {
	    if ((fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		vstring_sprintf(why, "socket: %m");
	    } else {
		(void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (res->ai_family == AF_INET6)
		    (void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		if (bind(fd, res->ai_addr, res->ai_addrlen) < 0) {
		    vstring_sprintf(why, "bind %s:%s: %m", ep.host, ep.port);
		    (void) close(fd), fd = -1;
		}
	    }
	    freeaddrinfo(res);
	}
    }
    if (fd >= 0 && listen(fd, backlog) < 0) {
	vstring_sprintf(why, "listen %s: %m", spec);
	(void) close(fd), fd = -1;
    }
    if (fd >= 0)
	non_blocking(fd, 1);
    endpoint_free(&ep);
    return (fd);
}

/* endpoint_connect - connect with a deadline */

int     endpoint_connect(const char *spec, int timeout, VSTRING *why)
{
    ENDPOINT ep;
    const char *err;
    struct sockaddr_un sun;
    struct addrinfo *res = 0;
    struct sockaddr *sa;
    socklen_t salen;
    struct pollfd pfd;
    int     fd;
    int     soerr;
    socklen_t soerr_len = sizeof(soerr);

    if ((err = endpoint_parse(&ep, spec)) != 0) {
	vstring_sprintf(why, "bad endpoint \"%s\": %s", spec, err);
	return (-1);
    }
    if (ep.type == ENDPOINT_UNIX) {
	endpoint_unix_addr(&sun, ep.path);
	sa = (struct sockaddr *) &sun;
	salen = sizeof(sun);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    } else {
	if ((res = endpoint_resolve(&ep, 0, why)) == 0) {
	    endpoint_free(&ep);
	    return (-1);
	}
	sa = res->ai_addr;
	salen = res->ai_addrlen;
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    }
    if (fd < 0) {
	vstring_sprintf(why, "socket: %m");
    } else if (connect(fd, sa, salen) < 0) {
	/* UNIX-domain EAGAIN: the listen queue is full, nothing started. */
	if (errno != EINPROGRESS) {
	    vstring_sprintf(why, "connect to %s: %m", spec);
	    (void) close(fd), fd = -1;
	} else {
	    pfd.fd = fd;
	    pfd.events = POLLOUT;
	    if (poll(&pfd, 1, timeout > 0 ? timeout * 1000 : -1) <= 0) {
		vstring_sprintf(why, "connect to %s: timed out", spec);
		(void) close(fd), fd = -1;
	    } else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &soerr_len) < 0
		       || soerr != 0) {
		errno = soerr;
		vstring_sprintf(why, "connect to %s: %m", spec);
		(void) close(fd), fd = -1;
	    }
	}
    }
    if (fd >= 0)
	non_blocking(fd, 0);
    if (res)
	freeaddrinfo(res);
    endpoint_free(&ep);
    return (fd);
}

/* endpoint_local_port - which port did we get? */

int     endpoint_local_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0)
	return (-1);
    if (ss.ss_family == AF_INET)
	return (ntohs(((struct sockaddr_in *) &ss)->sin_port));
    if (ss.ss_family == AF_INET6)
	return (ntohs(((struct sockaddr_in6 *) &ss)->sin6_port));
    return (-1);
}
