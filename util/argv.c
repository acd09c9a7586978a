/*++
/* NAME
/*	argv 3
/* SUMMARY
/*	string array utilities
/* SYNOPSIS
/*	#include <argv.h>
/*
/*	ARGV	*argv_alloc(len)
/*	ssize_t	len;
/*
/*	ARGV	*argv_free(argvp)
/*	ARGV	*argvp;
/*
/*	void	argv_add(argvp, str)
/*	ARGV	*argvp;
/*	const char *str;
/*
/*	void	argv_addn(argvp, str, len)
/*	ARGV	*argvp;
/*	const char *str;
/*	ssize_t	len;
/*
/*	void	argv_truncate(argvp, len)
/*	ARGV	*argvp;
/*	ssize_t	len;
/*
/*	ARGV	*argv_split(str, delim)
/*	const char *str;
/*	const char *delim;
/* DESCRIPTION
/*	An ARGV is a growable, null-terminated array of strings that it
/*	owns.
/*
/*	argv_alloc() creates an empty array with room for len strings.
/*	argv_free() destroys it and returns a null pointer.
/*
/*	argv_add() appends a copy of a string; argv_addn() a copy of at
/*	most len bytes of it.
/*
/*	argv_truncate() keeps the first len strings.
/*
/*	argv_split() breaks a string into the fields separated by any of
/*	the delimiter characters; empty fields are skipped.
/* DIAGNOSTICS
/*	Panic: a negative length. Fatal: out of memory.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <string.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <argv.h>

/* argv_alloc - create string array */

ARGV   *argv_alloc(ssize_t len)
{
    ARGV   *argvp = (ARGV *) mymalloc(sizeof(*argvp));

    if (len < 0)
	msg_panic("argv_alloc: bad length %ld", (long) len);
    argvp->len = len < 2 ? 2 : len;
    argvp->argv = (char **) mymalloc((argvp->len + 1) * sizeof(char *));
    argvp->argc = 0;
    argvp->argv[0] = 0;
    return (argvp);
}

/* argv_free - destroy string array */

ARGV   *argv_free(ARGV *argvp)
{
    char  **cpp;

    for (cpp = argvp->argv; cpp < argvp->argv + argvp->argc; cpp++)
	myfree(*cpp);
    myfree((void *) argvp->argv);
    myfree((void *) argvp);
    return (0);
}

/* argv_grow - make room for one more */

static void argv_grow(ARGV *argvp)
{
    if (argvp->argc >= argvp->len) {
	argvp->len *= 2;
	argvp->argv = (char **)
	    myrealloc((void *) argvp->argv, (argvp->len + 1) * sizeof(char *));
    }
}

/* argv_add - append a string */

void    argv_add(ARGV *argvp, const char *str)
{
    argv_grow(argvp);
    argvp->argv[argvp->argc++] = mystrdup(str);
    argvp->argv[argvp->argc] = 0;
}

/* argv_addn - append a counted string */

void    argv_addn(ARGV *argvp, const char *str, ssize_t len)
{
    if (len < 0)
	msg_panic("argv_addn: bad length %ld", (long) len);
    argv_grow(argvp);
    argvp->argv[argvp->argc++] = mystrndup(str, len);
    argvp->argv[argvp->argc] = 0;
}

/* argv_truncate - keep the first len strings */

void    argv_truncate(ARGV *argvp, ssize_t len)
{
    char  **cpp;

    if (len < 0)
	msg_panic("argv_truncate: bad length %ld", (long) len);
    if (len < argvp->argc) {
	for (cpp = argvp->argv + len; cpp < argvp->argv + argvp->argc; cpp++)
	    myfree(*cpp);
	argvp->argc = len;
	argvp->argv[argvp->argc] = 0;
    }
}

/* argv_split - split string into fields */

ARGV   *argv_split(const char *str, const char *delim)
{
    ARGV   *argvp = argv_alloc(4);
    size_t  n;

    for (;;) {
	str += strspn(str, delim);
	if (*str == 0)
	    break;
	n = strcspn(str, delim);
	argv_addn(argvp, str, n);
	str += n;
    }
    return (argvp);
}
