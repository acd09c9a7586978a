/*++
/* NAME
/*	stringops 3
/* SUMMARY
/*	string utilities
/* SYNOPSIS
/*	#include <stringops.h>
/*
/*	char	*lowercase(str)
/*	char	*str;
/*
/*	char	*trimblanks(str, len)
/*	char	*str;
/*	ssize_t	len;
/*
/*	char	*skipblanks(str)
/*	const char *str;
/*
/*	char	*mystrtok(bufp, delimiters)
/*	char	**bufp;
/*	const char *delimiters;
/*
/*	char	*split_at(str, delimiter)
/*	char	*str;
/*	int	delimiter;
/*
/*	int	alldig(str)
/*	const char *str;
/*
/*	int	safe_strtol(str, result)
/*	const char *str;
/*	long	*result;
/*
/*	const char *split_nameval(buf, name, value)
/*	char	*buf;
/*	char	**name;
/*	char	**value;
/*
/*	char	*printable_vstring(buf, str, len, limit)
/*	VSTRING	*buf;
/*	const char *str;
/*	ssize_t	len;
/*	ssize_t	limit;
/*
/*	int	valid_utf8(str, len)
/*	const char *str;
/*	ssize_t	len;
/* DESCRIPTION
/*	lowercase() folds ASCII upper case in place and returns its
/*	argument.
/*
/*	trimblanks() returns a pointer to the end of the string without
/*	its trailing white space (len < 0: use strlen()); it does not
/*	modify the string. skipblanks() skips leading white space.
/*
/*	mystrtok() returns the next token delimited by any of the given
/*	characters, or a null pointer; *bufp is advanced.
/*
/*	split_at() terminates the string at the first delimiter and
/*	returns what follows it, or a null pointer when there is none.
/*
/*	alldig() is true for a non-empty string of decimal digits.
/*
/*	safe_strtol() converts a decimal number with optional sign,
/*	rejecting an empty string, trailing garbage and overflow; it
/*	returns 1 on success, 0 otherwise.
/*
/*	split_nameval() splits "name = value" at the first "=" and trims
/*	white space around both; it returns a null pointer on success, or
/*	the reason for failure ("missing '=' after attribute name",
/*	"missing attribute name"). The buffer is modified.
/*
/*	printable_vstring() makes len bytes of str (len < 0: strlen())
/*	safe to log: control characters, bytes above 126 and backslashes
/*	become \\ooo octal escapes, and the result is cut after \fIlimit\fR
/*	input bytes with "..." appended. The result is in \fIbuf\fR.
/*
/*	valid_utf8() is true when the bytes form well-formed UTF-8
/*	(no overlong forms, surrogates, or code points above U+10FFFF).
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

/* Utility library. */

#include <stringops.h>

#define ISSPACE(c)	((c) == ' ' || (c) == '\t' || (c) == '\r' || (c) == '\n' \
			 || (c) == '\f' || (c) == '\v')

/* lowercase - fold ASCII in place */

char   *lowercase(char *str)
{
    char   *cp;

    for (cp = str; *cp; cp++)
	if (*cp >= 'A' && *cp <= 'Z')
	    *cp += 'a' - 'A';
    return (str);
}

/* trimblanks - find end without trailing white space */

char   *trimblanks(char *str, ssize_t len)
{
    char   *end = str + (len < 0 ? (ssize_t) strlen(str) : len);

    while (end > str && ISSPACE(end[-1]))
	end--;
    return (end);
}

/* skipblanks - skip leading white space */

char   *skipblanks(const char *str)
{
    size_t  n = 0;

    while (ISSPACE(str[n]))
	n++;
    return ((char *) (uintptr_t) (str + n));
}

/* mystrtok - safe tokenizer */

char   *mystrtok(char **bufp, const char *delimiters)
{
    char   *start = *bufp + strspn(*bufp, delimiters);
    char   *end;

    if (*start == 0)
	return (0);
    end = start + strcspn(start, delimiters);
    if (*end != 0)
	*end++ = 0;
    *bufp = end;
    return (start);
}

/* split_at - break string at delimiter */

char   *split_at(char *str, int delimiter)
{
    char   *cp;

    if ((cp = strchr(str, delimiter)) != 0)
	*cp++ = 0;
    return (cp);
}

/* alldig - all decimal digits */

int     alldig(const char *str)
{
    if (*str == 0)
	return (0);
    for (; *str; str++)
	if (*str < '0' || *str > '9')
	    return (0);
    return (1);
}

/* safe_strtol - strict decimal conversion */

int     safe_strtol(const char *str, long *result)
{
    char   *end;
    long    val;

    if (*str == 0 || ISSPACE(*str))
	return (0);
    errno = 0;
    val = strtol(str, &end, 10);
    if (*end != 0 || errno == ERANGE || end == str)
	return (0);
    *result = val;
    return (1);
}

/* split_nameval - split name = value */

const char *split_nameval(char *buf, char **name, char **value)
{
    char   *np;
    char   *eq;
    char   *vp;

    np = skipblanks(buf);
    if ((eq = strchr(np, '=')) == 0)
	return ("missing '=' after attribute name");
    *trimblanks(np, eq - np) = 0;
    if (*np == 0)
	return ("missing attribute name");
    vp = skipblanks(eq + 1);
    *trimblanks(vp, -1) = 0;
    *name = np;
    *value = vp;
    return (0);
}

/* printable_vstring - make text safe for logging */

char   *printable_vstring(VSTRING *buf, const char *str, ssize_t len,
			          ssize_t limit)
{
    const unsigned char *cp = (const unsigned char *) str;
    ssize_t i;

    if (len < 0)
	len = strlen(str);
    VSTRING_RESET(buf);
    for (i = 0; i < len && i < limit; i++) {
	if (cp[i] < 0x20 || cp[i] > 0x7e || cp[i] == '\\')
	    vstring_sprintf_append(buf, "\\%03o", cp[i]);
	else
	    VSTRING_ADDCH(buf, cp[i]);
    }
    if (len > limit)
	vstring_strcat(buf, "...");
    VSTRING_TERMINATE(buf);
    return (vstring_str(buf));
}

/* valid_utf8 - check UTF-8 well-formedness */

int     valid_utf8(const char *str, ssize_t len)
{
    const unsigned char *cp = (const unsigned char *) str;
    const unsigned char *end = cp + len;
    unsigned long val;
    unsigned long min;
    int     more;

    while (cp < end) {
	if (*cp < 0x80) {
	    cp++;
	    continue;
	} else if (*cp >= 0xc2 && *cp <= 0xdf) {
	    val = *cp & 0x1f, more = 1, min = 0x80;
	} else if (*cp >= 0xe0 && *cp <= 0xef) {
	    val = *cp & 0x0f, more = 2, min = 0x800;
	} else if (*cp >= 0xf0 && *cp <= 0xf4) {
	    val = *cp & 0x07, more = 3, min = 0x10000;
	} else {
	    return (0);
	}
	if (end - cp <= more)
	    return (0);
	for (cp++; more > 0; more--, cp++) {
	    if ((*cp & 0xc0) != 0x80)
		return (0);
	    val = (val << 6) | (*cp & 0x3f);
	}
	if (val < min || (val >= 0xd800 && val <= 0xdfff) || val > 0x10ffff)
	    return (0);
    }
    return (1);
}
