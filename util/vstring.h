#ifndef _VSTRING_H_INCLUDED_
#define _VSTRING_H_INCLUDED_

/*++
/* NAME
/*	vstring 3h
/* SUMMARY
/*	arbitrary-length string manager
/* SYNOPSIS
/*	#include "vstring.h"
/* DESCRIPTION
/* .nf
/*--*/

#include <stdarg.h>

 /*
  * The structure is visible only because the macros below need it.
  */
typedef struct VSTRING {
    char   *data;			/* storage, always null-terminated */
    ssize_t size;			/* bytes allocated, less the spare */
    ssize_t used;			/* bytes in use */
} VSTRING;

extern VSTRING *vstring_alloc(ssize_t);
extern VSTRING *vstring_free(VSTRING *);
extern void vstring_space(VSTRING *, ssize_t);
extern VSTRING *vstring_strcpy(VSTRING *, const char *);
extern VSTRING *vstring_strncpy(VSTRING *, const char *, ssize_t);
extern VSTRING *vstring_strcat(VSTRING *, const char *);
extern VSTRING *vstring_strncat(VSTRING *, const char *, ssize_t);
extern VSTRING *vstring_memcpy(VSTRING *, const void *, ssize_t);
extern VSTRING *vstring_memcat(VSTRING *, const void *, ssize_t);
extern VSTRING *PRINTFLIKE(2, 3) vstring_sprintf(VSTRING *, const char *,...);
extern VSTRING *PRINTFLIKE(2, 3) vstring_sprintf_append(VSTRING *, const char *,...);
extern VSTRING *vstring_vsprintf_append(VSTRING *, const char *, va_list);
extern void vstring_truncate(VSTRING *, ssize_t);
extern char *vstring_export(VSTRING *);

 /*
  * Macros. Lower case: safe (evaluate arguments once). Upper case: unsafe.
  */
#define vstring_str(vp)		((vp)->data)
#define VSTRING_LEN(vp)		((vp)->used)
#define vstring_end(vp)		((vp)->data + (vp)->used)
#define VSTRING_RESET(vp)	((vp)->used = 0)
#define VSTRING_TERMINATE(vp)	((vp)->data[(vp)->used] = 0)
#define VSTRING_SPACE(vp, n)	((vp)->size - (vp)->used < (n) ? \
				    vstring_space((vp), (n)) : (void) 0)
#define VSTRING_ADDCH(vp, ch)	(VSTRING_SPACE((vp), 1), \
				    (vp)->data[(vp)->used++] = (ch))
#define VSTRING_AT_OFFSET(vp, n) ((vp)->used = (n))

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
