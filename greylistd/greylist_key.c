/*++
/* NAME
/*	greylist_key 3
/* SUMMARY
/*	triplet and client keys
/* SYNOPSIS
/*	#include "greylist_key.h"
/*
/*	GREYLIST_KEYS *greylist_keys_create()
/*
/*	void	greylist_keys_free(keys)
/*	GREYLIST_KEYS *keys;
/*
/*	void	greylist_keys_build(keys, client, ipv4_prefix, ipv6_prefix,
/*				sender, recipient)
/*	GREYLIST_KEYS *keys;
/*	const INET_ADDR *client;
/*	int	ipv4_prefix;
/*	int	ipv6_prefix;
/*	const char *sender;
/*	const char *recipient;
/* DESCRIPTION
/*	greylist_keys_build() makes the store keys of a request:
/* .IP keys->network
/*	The client part: the address itself when the prefix is the full
/*	length (32 for IPv4, 128 for IPv6), otherwise the network in
/*	CIDR notation (203.0.113.0/24, 2001:db8:1:2::/64), so that a
/*	sender that retries from another address of the same pool is
/*	recognized.
/* .IP keys->triplet
/*	"T" network "/" sender "/" recipient, lowercased as greylist.pl
/*	does (ASCII only). The null sender gives an empty middle part
/*	(T192.0.2.1//user@example.com).
/* .IP keys->client
/*	"C" network: the auto-whitelist counter.
/* .PP
/*	greylist_keys_create() and greylist_keys_free() manage the
/*	buffers, which are reused from one request to the next.
/* DIAGNOSTICS
/*	Panic: a prefix length out of range (the configuration checks it).
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/socket.h>
#include <stdio.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <stringops.h>
#include <inet_prefix.h>

/* Application-specific. */

#include "greylist_key.h"

/* greylist_keys_create - allocate buffers */

GREYLIST_KEYS *greylist_keys_create(void)
{
    GREYLIST_KEYS *keys = (GREYLIST_KEYS *) mymalloc(sizeof(*keys));

    keys->network = vstring_alloc(50);
    keys->triplet = vstring_alloc(100);
    keys->client = vstring_alloc(50);
    return (keys);
}

/* greylist_keys_free - release buffers */

void    greylist_keys_free(GREYLIST_KEYS *keys)
{
    vstring_free(keys->network);
    vstring_free(keys->triplet);
    vstring_free(keys->client);
    myfree((void *) keys);
}

/* greylist_keys_build - make the keys for one request */

void    greylist_keys_build(GREYLIST_KEYS *keys, const INET_ADDR *client,
			            int ipv4_prefix, int ipv6_prefix,
			            const char *sender, const char *recipient)
{
    INET_ADDR net = *client;
    int     prefix = (client->family == AF_INET ? ipv4_prefix : ipv6_prefix);
    char    bits[16];
    ssize_t net_len;

    if (prefix < 1 || prefix > INET_ADDR_BITS(client))
	msg_panic("greylist_keys_build: bad prefix length %d", prefix);
    inet_addr_mask(&net, prefix);
    inet_addr_format(&net, keys->network);
    if (prefix < INET_ADDR_BITS(client)) {
	(void) snprintf(bits, sizeof(bits), "/%d", prefix);
	vstring_strcat(keys->network, bits);
    }
    net_len = VSTRING_LEN(keys->network);

    /*
     * One request, three keys: plain copies, no format parsing (this runs
     * for every request).
     */
    VSTRING_RESET(keys->triplet);
    VSTRING_ADDCH(keys->triplet, GREYLIST_KEY_TRIPLET);
    vstring_memcat(keys->triplet, vstring_str(keys->network), net_len);
    VSTRING_ADDCH(keys->triplet, '/');
    vstring_strcat(keys->triplet, sender);
    VSTRING_ADDCH(keys->triplet, '/');
    vstring_strcat(keys->triplet, recipient);
    lowercase(vstring_str(keys->triplet) + 1);

    VSTRING_RESET(keys->client);
    VSTRING_ADDCH(keys->client, GREYLIST_KEY_CLIENT);
    vstring_memcat(keys->client, vstring_str(keys->network), net_len);
}
