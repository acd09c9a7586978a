/*++
/* NAME
/*	mymalloc 3
/* SUMMARY
/*	memory management wrappers
/* SYNOPSIS
/*	#include <mymalloc.h>
/*
/*	void	*mymalloc(len)
/*	ssize_t	len;
/*
/*	void	*myrealloc(ptr, len)
/*	void	*ptr;
/*	ssize_t	len;
/*
/*	void	myfree(ptr)
/*	void	*ptr;
/*
/*	char	*mystrdup(str)
/*	const char *str;
/*
/*	char	*mystrndup(str, len)
/*	const char *str;
/*	ssize_t	len;
/*
/*	void	*mymemdup(ptr, len)
/*	const void *ptr;
/*	ssize_t	len;
/* DESCRIPTION
/*	These routines either succeed or do not return at all: callers
/*	never test for a null result.
/*
/*	Every block carries a signature word in front of it. myfree()
/*	and myrealloc() check it, so that a double free or a pointer
/*	that did not come from mymalloc() is caught at once, and myfree()
/*	overwrites the block before releasing it so that a use after
/*	free reads garbage instead of plausible data.
/*
/*	mymalloc() allocates len bytes (len must be at least 1).
/*
/*	myrealloc() resizes a block.
/*
/*	myfree() releases a block; a null pointer is a panic.
/*
/*	mystrdup() copies a null-terminated string; mystrndup() copies
/*	at most len bytes of it and terminates the copy.
/*
/*	mymemdup() copies len bytes and adds a null byte after them.
/* DIAGNOSTICS
/*	Fatal error: out of memory. Panic: a length below 1, a block
/*	without a valid signature, a null pointer.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>

 /*
  * The header in front of each block: a signature and the length, padded
  * so that the user's part stays suitably aligned.
  */
typedef struct MBLOCK {
    uint32_t signature;			/* MBLOCK_SIGNATURE */
    uint32_t pad;
    ssize_t length;			/* user length */
    union {
	long double ld;
	void   *p;
	long long ll;
    }       payload[1];			/* user data, aligned */
} MBLOCK;

#define MBLOCK_SIGNATURE	0xdeadbeefU
#define MBLOCK_FREED		0xfeedfaceU
#define MBLOCK_OVERHEAD		offsetof(MBLOCK, payload)

#define MBLOCK_OF(ptr)	((MBLOCK *) ((char *) (ptr) - MBLOCK_OVERHEAD))
#define MBLOCK_CHECK(ptr, real, fname) do { \
	if ((ptr) == 0) \
	    msg_panic("%s: null pointer input", (fname)); \
	(real) = MBLOCK_OF(ptr); \
	if ((real)->signature != MBLOCK_SIGNATURE) \
	    msg_panic("%s: corrupt or unallocated memory block", (fname)); \
    } while (0)

/* mymalloc - allocate memory or bust */

void   *mymalloc(ssize_t len)
{
    MBLOCK *real;

    if (len < 1)
	msg_panic("mymalloc: requested length %ld", (long) len);
    if ((size_t) len > SIZE_MAX - MBLOCK_OVERHEAD
	|| (real = (MBLOCK *) malloc(MBLOCK_OVERHEAD + len)) == 0)
	msg_fatal("mymalloc: insufficient memory for %ld bytes: %m", (long) len);
    real->signature = MBLOCK_SIGNATURE;
    real->length = len;
    return ((void *) real->payload);
}

/* myrealloc - reallocate memory or bust */

void   *myrealloc(void *ptr, ssize_t len)
{
    MBLOCK *real;

    if (len < 1)
	msg_panic("myrealloc: requested length %ld", (long) len);
    MBLOCK_CHECK(ptr, real, "myrealloc");
    real->signature = 0;
    if ((size_t) len > SIZE_MAX - MBLOCK_OVERHEAD
	|| (real = (MBLOCK *) realloc((void *) real, MBLOCK_OVERHEAD + len)) == 0)
	msg_fatal("myrealloc: insufficient memory for %ld bytes: %m", (long) len);
    real->signature = MBLOCK_SIGNATURE;
    real->length = len;
    return ((void *) real->payload);
}

/* myfree - release memory */

void    myfree(void *ptr)
{
    MBLOCK *real;

    MBLOCK_CHECK(ptr, real, "myfree");
    memset((void *) real->payload, 0xff, real->length);
    real->signature = MBLOCK_FREED;
    free((void *) real);
}

/* mymemdup - copy memory, add a null byte */

void   *mymemdup(const void *ptr, ssize_t len)
{
    char   *result;

    if (ptr == 0)
	msg_panic("mymemdup: null pointer argument");
    if (len < 0)
	msg_panic("mymemdup: requested length %ld", (long) len);
    result = mymalloc(len + 1);
    memcpy(result, ptr, len);
    result[len] = 0;
    return (result);
}

/* mystrdup - save string */

char   *mystrdup(const char *str)
{
    if (str == 0)
	msg_panic("mystrdup: null pointer argument");
    return (mymemdup(str, strlen(str)));
}

/* mystrndup - save substring */

char   *mystrndup(const char *str, ssize_t len)
{
    const char *cp;

    if (str == 0)
	msg_panic("mystrndup: null pointer argument");
    if (len < 0)
	msg_panic("mystrndup: requested length %ld", (long) len);
    if ((cp = memchr(str, 0, len)) != 0)
	len = cp - str;
    return (mymemdup(str, len));
}
