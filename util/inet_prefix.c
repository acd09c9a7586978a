/*++
/* NAME
/*	inet_prefix 3
/* SUMMARY
/*	IPv4 and IPv6 addresses, networks and CIDR matching
/* SYNOPSIS
/*	#include <inet_prefix.h>
/*
/*	int	inet_addr_parse(str, addr)
/*	const char *str;
/*	INET_ADDR *addr;
/*
/*	void	inet_addr_mask(addr, bits)
/*	INET_ADDR *addr;
/*	int	bits;
/*
/*	const char *inet_addr_format(addr, buf)
/*	const INET_ADDR *addr;
/*	VSTRING	*buf;
/*
/*	const char *cidr_match_parse(cm, pattern)
/*	CIDR_MATCH *cm;
/*	const char *pattern;
/*
/*	int	cidr_match(cm, addr)
/*	const CIDR_MATCH *cm;
/*	const INET_ADDR *addr;
/* DESCRIPTION
/*	inet_addr_parse() converts a numeric IPv4 address (dotted quad,
/*	exactly four decimal parts) or IPv6 address, optionally enclosed
/*	in [], into binary form. An IPv4-mapped IPv6 address
/*	(::ffff:1.2.3.4) becomes the IPv4 address, so that one client
/*	has one identity whichever way the kernel reported it. A
/*	zone suffix (%eth0) is refused. The result is 1 on success, 0
/*	for anything that is not an IP address.
/*
/*	inet_addr_mask() clears all but the first \fIbits\fR bits
/*	(the network part).
/*
/*	inet_addr_format() prints the address in canonical form.
/*
/*	cidr_match_parse() parses "address" or "address/bits" into a
/*	matcher; the network part must have no host bits set. It returns
/*	a null pointer on success, or a message saying what is wrong.
/*
/*	cidr_match() is true when the address lies in the network.
/*	Families never match each other.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <arpa/inet.h>
#include <string.h>

/* Utility library. */

#include <msg.h>
#include <stringops.h>
#include <inet_prefix.h>

static const unsigned char inet_v4mapped[12] =
{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* inet_addr_parse - text to binary */

int     inet_addr_parse(const char *str, INET_ADDR *addr)
{
    char    buf[INET6_ADDRSTRLEN + 2];
    size_t  len = strlen(str);

    if (len >= 2 && str[0] == '[' && str[len - 1] == ']') {
	str++;
	len -= 2;
    }
    if (len == 0 || len >= sizeof(buf))
	return (0);
    memcpy(buf, str, len);
    buf[len] = 0;
    memset(addr->bytes, 0, sizeof(addr->bytes));
    if (strchr(buf, ':') == 0) {
	/* inet_pton() accepts only the strict dotted-quad form. */
	if (inet_pton(AF_INET, buf, addr->bytes) != 1)
	    return (0);
	addr->family = AF_INET;
	return (1);
    }
    if (inet_pton(AF_INET6, buf, addr->bytes) != 1)
	return (0);
    if (memcmp(addr->bytes, inet_v4mapped, sizeof(inet_v4mapped)) == 0) {
	memmove(addr->bytes, addr->bytes + 12, 4);
	memset(addr->bytes + 4, 0, 12);
	addr->family = AF_INET;
	return (1);
    }
    addr->family = AF_INET6;
    return (1);
}

/* inet_addr_mask - keep the network part */

void    inet_addr_mask(INET_ADDR *addr, int bits)
{
    int     nbytes = INET_ADDR_LEN(addr);
    int     i;

    if (bits < 0 || bits > INET_ADDR_BITS(addr))
	msg_panic("inet_addr_mask: bad prefix length %d", bits);
    for (i = 0; i < nbytes; i++) {
	if (bits >= 8)
	    bits -= 8;
	else if (bits > 0) {
	    addr->bytes[i] &= (unsigned char) (0xff << (8 - bits));
	    bits = 0;
	} else
	    addr->bytes[i] = 0;
    }
}

/* inet_addr_format - binary to text */

const char *inet_addr_format(const INET_ADDR *addr, VSTRING *buf)
{
    char    text[INET6_ADDRSTRLEN];

    if (inet_ntop(addr->family, addr->bytes, text, sizeof(text)) == 0)
	msg_panic("inet_addr_format: bad address family %d", addr->family);
    vstring_strcpy(buf, text);
    return (vstring_str(buf));
}

/* cidr_match_parse - parse address/bits */

const char *cidr_match_parse(CIDR_MATCH *cm, const char *pattern)
{
    char    buf[INET6_ADDRSTRLEN + 8];
    char   *slash;
    long    bits;
    INET_ADDR check;

    if (strlen(pattern) >= sizeof(buf))
	return ("pattern too long");
    strcpy(buf, pattern);
    slash = split_at(buf, '/');
    if (!inet_addr_parse(buf, &cm->net))
	return ("bad network address");
    if (slash == 0) {
	cm->mask_bits = INET_ADDR_BITS(&cm->net);
    } else {
	if (!alldig(slash) || !safe_strtol(slash, &bits)
	    || bits > INET_ADDR_BITS(&cm->net))
	    return ("bad network prefix length");
	cm->mask_bits = (int) bits;
    }
    check = cm->net;
    inet_addr_mask(&check, cm->mask_bits);
    if (memcmp(check.bytes, cm->net.bytes, sizeof(check.bytes)) != 0)
	return ("non-zero host bits in network address");
    return (0);
}

/* cidr_match - is address in network? */

int     cidr_match(const CIDR_MATCH *cm, const INET_ADDR *addr)
{
    INET_ADDR masked;

    if (addr->family != cm->net.family)
	return (0);
    masked = *addr;
    inet_addr_mask(&masked, cm->mask_bits);
    return (memcmp(masked.bytes, cm->net.bytes, sizeof(masked.bytes)) == 0);
}
