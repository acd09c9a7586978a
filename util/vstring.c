/*++
/* NAME
/*	vstring 3
/* SUMMARY
/*	arbitrary-length string manager
/* SYNOPSIS
/*	#include <vstring.h>
/*
/*	VSTRING	*vstring_alloc(len)
/*	ssize_t	len;
/*
/*	VSTRING	*vstring_free(vp)
/*	VSTRING	*vp;
/*
/*	VSTRING	*vstring_strcpy(vp, src)
/*	VSTRING	*vstring_strncpy(vp, src, len)
/*	VSTRING	*vstring_strcat(vp, src)
/*	VSTRING	*vstring_strncat(vp, src, len)
/*	VSTRING	*vstring_memcpy(vp, src, len)
/*	VSTRING	*vstring_memcat(vp, src, len)
/*
/*	VSTRING	*vstring_sprintf(vp, format, ...)
/*	VSTRING	*vstring_sprintf_append(vp, format, ...)
/*	VSTRING	*vstring_vsprintf_append(vp, format, ap)
/*
/*	void	vstring_truncate(vp, len)
/*	char	*vstring_export(vp)
/*
/*	char	*vstring_str(vp)
/*	ssize_t	VSTRING_LEN(vp)
/*	char	*vstring_end(vp)
/*	void	VSTRING_RESET(vp)
/*	void	VSTRING_TERMINATE(vp)
/*	void	VSTRING_ADDCH(vp, ch)
/*	void	VSTRING_SPACE(vp, len)
/* DESCRIPTION
/*	A VSTRING holds a string of any length, binary data included.
/*	Storage grows as needed and always has room for one more byte, so
/*	that the result can be null-terminated. The functions that change
/*	the content terminate it; the macros do not (use
/*	VSTRING_TERMINATE() after VSTRING_ADDCH()).
/*
/*	vstring_alloc() creates an empty string with room for len bytes
/*	(len must be at least 1). vstring_free() releases it and returns
/*	a null pointer, for the idiom \fBvp = vstring_free(vp)\fR.
/*
/*	vstring_strcpy(), vstring_strncpy() and vstring_memcpy() replace
/*	the content; vstring_strcat(), vstring_strncat() and
/*	vstring_memcat() append to it. The \fIn\fR variants copy at most
/*	len bytes of a null-terminated string.
/*
/*	vstring_sprintf() formats like sprintf(3) (with %m), replacing
/*	the content; vstring_sprintf_append() appends. Arguments are
/*	checked by the compiler.
/*
/*	vstring_truncate() shortens the string to len bytes (a longer
/*	len is ignored).
/*
/*	vstring_export() hands the storage to the caller (release it
/*	with myfree()) and frees the VSTRING itself.
/*
/*	vstring_str() returns the data, VSTRING_LEN() its length and
/*	vstring_end() a pointer past the last byte. VSTRING_RESET()
/*	empties the string, VSTRING_ADDCH() appends one byte and
/*	VSTRING_SPACE() makes room for len more bytes.
/* DIAGNOSTICS
/*	Panic: a negative or zero length. Fatal: out of memory.
/* BUGS
/*	Growing a string may move its data: never keep a pointer into a
/*	VSTRING across a call that appends to it.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>

/* vstring_alloc - create string */

VSTRING *vstring_alloc(ssize_t len)
{
    VSTRING *vp;

    if (len < 1)
	msg_panic("vstring_alloc: bad length %ld", (long) len);
    vp = (VSTRING *) mymalloc(sizeof(*vp));
    vp->data = (char *) mymalloc(len + 1);
    vp->size = len;
    vp->used = 0;
    vp->data[0] = 0;
    return (vp);
}

/* vstring_free - destroy string */

VSTRING *vstring_free(VSTRING *vp)
{
    myfree(vp->data);
    myfree((void *) vp);
    return (0);
}

/* vstring_space - make room for len more bytes */

void    vstring_space(VSTRING *vp, ssize_t len)
{
    ssize_t new_size;

    if (len < 0)
	msg_panic("vstring_space: bad length %ld", (long) len);
    if (vp->size - vp->used >= len)
	return;
    new_size = vp->size * 2;
    if (new_size < vp->used + len)
	new_size = vp->used + len;
    if (new_size < 0)
	msg_panic("vstring_space: length overflow");
    vp->data = (char *) myrealloc(vp->data, new_size + 1);
    vp->size = new_size;
}

/* vstring_memcat - append bytes */

VSTRING *vstring_memcat(VSTRING *vp, const void *src, ssize_t len)
{
    if (len < 0)
	msg_panic("vstring_memcat: bad length %ld", (long) len);
    VSTRING_SPACE(vp, len);
    memcpy(vp->data + vp->used, src, len);
    vp->used += len;
    VSTRING_TERMINATE(vp);
    return (vp);
}

/* vstring_memcpy - replace with bytes */

VSTRING *vstring_memcpy(VSTRING *vp, const void *src, ssize_t len)
{
    VSTRING_RESET(vp);
    return (vstring_memcat(vp, src, len));
}

/* vstring_strcpy - replace with string */

VSTRING *vstring_strcpy(VSTRING *vp, const char *src)
{
    return (vstring_memcpy(vp, src, strlen(src)));
}

/* vstring_strcat - append string */

VSTRING *vstring_strcat(VSTRING *vp, const char *src)
{
    return (vstring_memcat(vp, src, strlen(src)));
}

/* vstring_strncat - append at most len bytes of a string */

VSTRING *vstring_strncat(VSTRING *vp, const char *src, ssize_t len)
{
    if (len < 0)
	msg_panic("vstring_strncat: bad length %ld", (long) len);
    return (vstring_memcat(vp, src, strnlen(src, len)));
}

/* vstring_strncpy - replace with at most len bytes of a string */

VSTRING *vstring_strncpy(VSTRING *vp, const char *src, ssize_t len)
{
    VSTRING_RESET(vp);
    return (vstring_strncat(vp, src, len));
}

/* vstring_vsprintf_append - format and append */

VSTRING *vstring_vsprintf_append(VSTRING *vp, const char *fmt, va_list ap)
{
    va_list ap2;
    int     saved_errno = errno;
    int     len;

    va_copy(ap2, ap);
    len = vsnprintf(vp->data + vp->used, vp->size - vp->used + 1, fmt, ap2);
    va_end(ap2);
    if (len < 0)
	msg_panic("vstring_vsprintf_append: bad format: %s", fmt);
    if (len > vp->size - vp->used) {
	vstring_space(vp, len);
	errno = saved_errno;
	(void) vsnprintf(vp->data + vp->used, vp->size - vp->used + 1, fmt, ap);
    }
    vp->used += len;
    return (vp);
}

/* vstring_sprintf - format, replacing content */

VSTRING *vstring_sprintf(VSTRING *vp, const char *fmt,...)
{
    va_list ap;

    va_start(ap, fmt);
    VSTRING_RESET(vp);
    vp = vstring_vsprintf_append(vp, fmt, ap);
    va_end(ap);
    return (vp);
}

/* vstring_sprintf_append - format and append */

VSTRING *vstring_sprintf_append(VSTRING *vp, const char *fmt,...)
{
    va_list ap;

    va_start(ap, fmt);
    vp = vstring_vsprintf_append(vp, fmt, ap);
    va_end(ap);
    return (vp);
}

/* vstring_truncate - shorten string */

void    vstring_truncate(VSTRING *vp, ssize_t len)
{
    if (len < 0)
	msg_panic("vstring_truncate: bad length %ld", (long) len);
    if (len < vp->used) {
	vp->used = len;
	VSTRING_TERMINATE(vp);
    }
}

/* vstring_export - give the storage to the caller */

char   *vstring_export(VSTRING *vp)
{
    char   *data = vp->data;

    myfree((void *) vp);
    return (data);
}
