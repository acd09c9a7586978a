#ifndef _SYS_DEFS_H_INCLUDED_
#define _SYS_DEFS_H_INCLUDED_

/*++
/* NAME
/*	sys_defs 3h
/* SUMMARY
/*	portability header
/* SYNOPSIS
/*	#include <sys_defs.h>
/* DESCRIPTION
/*	This header comes first in every source file. It selects the
/*	system interfaces (the code needs Linux: epoll, accept4, SOCK_CLOEXEC)
/*	and defines the compiler annotations used throughout.
/* .IP PRINTFLIKE(fmt,args)
/*	Lets the compiler check a printf-like function's arguments.
/* .IP NORETURN
/*	Marks a function that does not return.
/*--*/

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/types.h>
#include <stddef.h>
#include <stdarg.h>
#include <limits.h>

#if !defined(__linux__)
#error "greylistd needs Linux (epoll); see makedefs"
#endif

#if defined(__GNUC__) || defined(__clang__)
#define PRINTFLIKE(x,y) __attribute__ ((format (printf, (x), (y))))
#define NORETURN	void __attribute__ ((__noreturn__))
#define UNUSED		__attribute__ ((unused))
#else
#define PRINTFLIKE(x,y)
#define NORETURN	void
#define UNUSED
#endif

#define CAST_ANY_PTR_TO_INT(p)	((int) (long) (p))
#define CAST_INT_TO_VOID_PTR(i)	((void *) (long) (i))

#endif
