#ifndef _VSTREAM_H_INCLUDED_
#define _VSTREAM_H_INCLUDED_

/*++
/* NAME
/*	vstream 3h
/* SUMMARY
/*	buffered, time-limited I/O on a file descriptor
/* SYNOPSIS
/*	#include "vstream.h"
/* DESCRIPTION
/* .nf
/*--*/

#include <vstring.h>

typedef struct VSTREAM {
    int     fd;				/* file descriptor, or -1 */
    int     wfd;			/* descriptor for output */
    int     flags;			/* see below */
    char   *name;			/* for diagnostics */
    char   *rbuf;			/* read buffer */
    ssize_t rsize;			/* read buffer size */
    ssize_t rpos;			/* next unread byte */
    ssize_t rlen;			/* bytes in read buffer */
    VSTRING *wbuf;			/* pending output */
    ssize_t wpos;			/* bytes of wbuf already written */
    int     timeout;			/* milliseconds per wait, 0: none */
    VSTRING *mem;			/* memory stream output */
    void   *context;			/* application data */
} VSTREAM;

#define VSTREAM_FLAG_EOF	(1<<0)	/* end of input seen */
#define VSTREAM_FLAG_ERR	(1<<1)	/* I/O error */
#define VSTREAM_FLAG_TIMEOUT	(1<<2)	/* deadline expired */
#define VSTREAM_FLAG_MEMORY	(1<<3)	/* memory stream */

 /*
  * How to wait for input or output.
  */
#define VSTREAM_WAIT		1	/* wait up to the timeout */
#define VSTREAM_NOWAIT		0	/* use what is there now */

 /*
  * vstream_getline() results.
  */
#define VSTREAM_LINE_OK		0	/* a complete line */
#define VSTREAM_LINE_AGAIN	1	/* partial line, more input needed */
#define VSTREAM_LINE_TOOLONG	2	/* no newline within the limit */
#define VSTREAM_LINE_EOF	3	/* end of input */
#define VSTREAM_LINE_ERROR	4	/* read error or timeout */

extern VSTREAM *vstream_fdopen(int, const char *);
extern VSTREAM *vstream_fdopen2(int, int, const char *);
extern VSTREAM *vstream_memopen(VSTRING *, int);
extern int vstream_fclose(VSTREAM *);
extern void vstream_set_timeout(VSTREAM *, int);
extern ssize_t vstream_fill(VSTREAM *, int);
extern int vstream_getline(VSTREAM *, VSTRING *, ssize_t, int);
extern ssize_t vstream_fread(VSTREAM *, void *, ssize_t, int);
extern void vstream_fwrite(VSTREAM *, const void *, ssize_t);
extern void vstream_fputs(VSTREAM *, const char *);
extern void PRINTFLIKE(2, 3) vstream_fprintf(VSTREAM *, const char *,...);
extern int vstream_fflush(VSTREAM *);
extern int vstream_fflush_nowait(VSTREAM *);

#define vstream_fileno(vp)	((vp)->fd)
#define vstream_wfileno(vp)	((vp)->wfd)
#define vstream_name(vp)	((vp)->name)
#define vstream_feof(vp)	((vp)->flags & VSTREAM_FLAG_EOF)
#define vstream_ferror(vp)	((vp)->flags & (VSTREAM_FLAG_ERR | VSTREAM_FLAG_TIMEOUT))
#define vstream_ftimeout(vp)	((vp)->flags & VSTREAM_FLAG_TIMEOUT)
#define vstream_clearerr(vp)	((vp)->flags &= ~(VSTREAM_FLAG_EOF | VSTREAM_FLAG_ERR | VSTREAM_FLAG_TIMEOUT))
#define vstream_bufcount(vp)	((vp)->rlen - (vp)->rpos)
#define vstream_wpending(vp)	(VSTRING_LEN((vp)->wbuf) - (vp)->wpos)
#define vstream_context(vp)	((vp)->context)
#define vstream_set_context(vp, ctx) ((vp)->context = (ctx))

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
