/*++
/* NAME
/*	mac_expand 3
/* SUMMARY
/*	expand $name references
/* SYNOPSIS
/*	#include <mac_expand.h>
/*
/*	int	mac_expand(result, pattern, lookup, context, why)
/*	VSTRING	*result;
/*	const char *pattern;
/*	const char *(*lookup)(const char *name, void *context);
/*	void	*context;
/*	VSTRING	*why;
/* DESCRIPTION
/*	mac_expand() appends \fIpattern\fR to \fIresult\fR with these
/*	references replaced, as in Postfix's main.cf:
/* .IP "\fB$name\fR, \fB${name}\fR, \fB$(name)\fR"
/*	The value of name, itself expanded; empty when undefined.
/* .IP "\fB${name?text}\fR, \fB${name?{text}}\fR"
/*	The expanded text when name has a non-empty value, else nothing.
/* .IP "\fB${name:text}\fR, \fB${name:{text}}\fR"
/*	The expanded text when name is undefined or empty, else nothing.
/* .IP "\fB${name?{text1}:{text2}}\fR"
/*	text1 when name has a non-empty value, else text2.
/* .IP "\fB$$\fR"
/*	A literal "$".
/* .PP
/*	Names are made of letters, digits and underscores. The lookup
/*	function returns a name's raw value, or a null pointer.
/*
/*	The result is MAC_EXPAND_OK, MAC_EXPAND_SYNTAX (unbalanced
/*	braces, a "$" followed by an invalid character) or
/*	MAC_EXPAND_LOOP (nesting deeper than 100 levels: a parameter that
/*	refers to itself; or more than 100000 characters and references
/*	to process: parameters that refer to others many times over,
/*	whose expansion grows exponentially); \fIwhy\fR then says what
/*	was wrong.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <ctype.h>
#include <string.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <mac_expand.h>

#define MAC_EXPAND_MAXDEPTH	100
#define MAC_EXPAND_MAXWORK	100000	/* characters + references */

typedef struct MAC_EXPAND_STATE {
    MAC_EXPAND_LOOKUP_FN lookup;
    void   *context;
    VSTRING *why;
    int     depth;
    long    work;			/* characters and references so far */
} MAC_EXPAND_STATE;

#define ISNAMECHAR(c)	(isalnum((unsigned char) (c)) || (c) == '_')

static int mac_expand_string(MAC_EXPAND_STATE *, VSTRING *, const char *, size_t);

/* mac_expand_match - find the closing brace or paren */

static const char *mac_expand_match(const char *cp, const char *end, int open, int close)
{
    int     level = 1;

    for (; cp < end; cp++) {
	if (*cp == open)
	    level++;
	else if (*cp == close && --level == 0)
	    return (cp);
    }
    return (0);
}

/* mac_expand_braced_text - {text} or text */

static int mac_expand_text(MAC_EXPAND_STATE *st, VSTRING *result,
			           const char *text, size_t len)
{
    while (len > 0 && isspace((unsigned char) *text))
	text++, len--;
    while (len > 0 && isspace((unsigned char) text[len - 1]))
	len--;
    if (len >= 2 && text[0] == '{' && text[len - 1] == '}'
	&& mac_expand_match(text + 1, text + len, '{', '}') == text + len - 1) {
	text++;
	len -= 2;
    }
    return (mac_expand_string(st, result, text, len));
}

/* mac_expand_conditional - ?text, :text, ?{a}:{b} */

static int mac_expand_conditional(MAC_EXPAND_STATE *st, VSTRING *result,
				          const char *value, const char *cp,
				          const char *end)
{
    int     have = (value != 0 && *value != 0);
    const char *close;

    if (*cp == '?') {
	cp++;
	/* ${name?{a}:{b}} */
	if (*cp == '{' && (close = mac_expand_match(cp + 1, end, '{', '}')) != 0
	    && close + 1 < end && close[1] == ':') {
	    if (have)
		return (mac_expand_text(st, result, cp, close + 1 - cp));
	    return (mac_expand_text(st, result, close + 2, end - close - 2));
	}
	return (have ? mac_expand_text(st, result, cp, end - cp) : MAC_EXPAND_OK);
    } else {
	cp++;
	return (have ? MAC_EXPAND_OK : mac_expand_text(st, result, cp, end - cp));
    }
}

/* mac_expand_name - expand one named value */

static int mac_expand_value(MAC_EXPAND_STATE *st, VSTRING *result,
			            const char *name)
{
    const char *value = st->lookup(name, st->context);

    if (value == 0)
	return (MAC_EXPAND_OK);
    return (mac_expand_string(st, result, value, strlen(value)));
}

/* mac_expand_string - the recursive worker */

static int mac_expand_string(MAC_EXPAND_STATE *st, VSTRING *result,
			             const char *cp, size_t len)
{
    const char *end = cp + len;
    const char *start;
    const char *close;
    const char *name_end;
    char   *name;
    int     status = MAC_EXPAND_OK;

    if (++st->depth > MAC_EXPAND_MAXDEPTH) {
	vstring_sprintf(st->why, "unreasonable macro call nesting (a parameter refers to itself?)");
	st->depth--;
	return (MAC_EXPAND_LOOP);
    }
    while (cp < end && status == MAC_EXPAND_OK) {
	if (++st->work > MAC_EXPAND_MAXWORK) {
	    vstring_sprintf(st->why, "unreasonable amount of expansion, over %d "
			    "characters and references (parameters that "
			    "refer to others many times?)", MAC_EXPAND_MAXWORK);
	    status = MAC_EXPAND_LOOP;
	    break;
	}
	if (*cp != '$') {
	    VSTRING_ADDCH(result, *cp);
	    cp++;
	    continue;
	}
	cp++;
	if (cp >= end) {
	    vstring_sprintf(st->why, "\"$\" at end of text");
	    status = MAC_EXPAND_SYNTAX;
	} else if (*cp == '$') {
	    VSTRING_ADDCH(result, '$');
	    cp++;
	} else if (*cp == '{' || *cp == '(') {
	    int     open = *cp;
	    int     close_ch = (open == '{' ? '}' : ')');

	    start = cp + 1;
	    if ((close = mac_expand_match(start, end, open, close_ch)) == 0) {
		vstring_sprintf(st->why, "missing '%c' in \"%.*s\"", close_ch,
				(int) (end - start + 1), start - 1);
		status = MAC_EXPAND_SYNTAX;
		break;
	    }
	    for (name_end = start; name_end < close && ISNAMECHAR(*name_end); name_end++)
		 /* void */ ;
	    if (name_end == start) {
		vstring_sprintf(st->why, "empty or invalid parameter name in \"%.*s\"",
				(int) (close - start + 3), start - 2);
		status = MAC_EXPAND_SYNTAX;
		break;
	    }
	    name = mystrndup(start, name_end - start);
	    if (name_end == close) {
		status = mac_expand_value(st, result, name);
	    } else if (open == '{' && (*name_end == '?' || *name_end == ':')) {
		status = mac_expand_conditional(st, result,
					      st->lookup(name, st->context),
						name_end, close);
	    } else {
		vstring_sprintf(st->why, "unexpected '%c' after parameter name \"%s\"",
				*name_end, name);
		status = MAC_EXPAND_SYNTAX;
	    }
	    myfree(name);
	    cp = close + 1;
	} else if (ISNAMECHAR(*cp)) {
	    for (name_end = cp; name_end < end && ISNAMECHAR(*name_end); name_end++)
		 /* void */ ;
	    name = mystrndup(cp, name_end - cp);
	    status = mac_expand_value(st, result, name);
	    myfree(name);
	    cp = name_end;
	} else {
	    vstring_sprintf(st->why, "invalid character '%c' after \"$\"", *cp);
	    status = MAC_EXPAND_SYNTAX;
	}
    }
    VSTRING_TERMINATE(result);
    st->depth--;
    return (status);
}

/* mac_expand - expand $name references */

int     mac_expand(VSTRING *result, const char *pattern,
		           MAC_EXPAND_LOOKUP_FN lookup, void *context,
		           VSTRING *why)
{
    MAC_EXPAND_STATE st;

    st.lookup = lookup;
    st.context = context;
    st.why = why;
    st.depth = 0;
    st.work = 0;
    return (mac_expand_string(&st, result, pattern, strlen(pattern)));
}
