/*++
/* NAME
/*	mail_conf_param 3
/* SUMMARY
/*	typed configuration parameters
/* SYNOPSIS
/*	#include <mail_conf.h>
/*
/*	char	*get_mail_conf_str(name, defval, min, max)
/*	char	*get_mail_conf_raw(name, defval, min, max)
/*	int	get_mail_conf_int(name, defval, min, max)
/*	int	get_mail_conf_bool(name, defval)
/*	int	get_mail_conf_time(name, defval, min, max)
/*
/*	void	get_mail_conf_str_table(table)
/*	void	get_mail_conf_raw_table(table)
/*	void	get_mail_conf_int_table(table)
/*	void	get_mail_conf_bool_table(table)
/*	void	get_mail_conf_time_table(table)
/*
/*	int	conv_time(text, seconds, default_unit, why)
/*	const char *text;
/*	int	*seconds;
/*	int	default_unit;
/*	VSTRING	*why;
/* DESCRIPTION
/*	These functions read typed parameters from the dictionary of
/*	mail_conf(3). A parameter that is not set takes its default; the
/*	default is then entered into the dictionary, so that other
/*	values can refer to it as $name. Every value except a raw one is
/*	$name-expanded before conversion. The name is recorded as known
/*	(see mail_conf_warn_unknown()).
/*
/*	get_mail_conf_str() returns a copy (myfree() it) of a string
/*	whose length must lie within [min, max] (0: no bound);
/*	get_mail_conf_raw() the same without expansion.
/*
/*	get_mail_conf_int() returns a decimal number within [min, max].
/*
/*	get_mail_conf_bool() accepts "yes" and "no" in any case.
/*
/*	get_mail_conf_time() returns seconds. A time value is a number
/*	with an optional unit: s (seconds), m (minutes), h (hours),
/*	d (days) or w (weeks). Without a unit, the unit of the default
/*	value applies (so "60" means 60 seconds for a default of "60s"
/*	and 60 days for "35d").
/*
/*	The table functions process a table of parameters, ended by a
/*	row with a null name, in order; a string target that is already
/*	set is released first.
/*
/*	conv_time() converts a time value; it returns 1 on success, or 0
/*	with the reason in \fIwhy\fR.
/* DIAGNOSTICS
/*	Every bad value is fatal. The message names where the value came
/*	from, the parameter, the value, and what is allowed, for example
/*	"/etc/postfix/greylistd.cf, line 3: parameter greylist_delay:
/*	bad time value "60x": unknown unit "x" (allowed: a number with
/*	an optional unit s, m, h, d or w)".
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <stringops.h>

/* Global library. */

#include <mail_conf.h>

#define TIME_UNITS_ALLOWED "a number with an optional unit s, m, h, d or w"

/* get_mail_conf_value - raw value, default entered into dictionary */

static const char *get_mail_conf_value(const char *name, const char *defval)
{
    const char *raw;

    if ((raw = mail_conf_lookup(name)) == 0) {
	mail_conf_update(name, defval);
	raw = mail_conf_lookup(name);
    }
    mail_conf_mark_known(name);
    return (raw);
}

/* check_length - string bounds */

static void check_length(const char *name, const char *value, int min, int max)
{
    int     len = (int) strlen(value);

    if (min && len < min)
	msg_fatal("%s: parameter %s: value \"%.100s\" is too short (minimum length %d)",
		  mail_conf_source(name), name, value, min);
    if (max && len > max)
	msg_fatal("%s: parameter %s: value \"%.100s...\" is too long (maximum length %d)",
		  mail_conf_source(name), name, value, max);
}

/* get_mail_conf_str - expanded string */

char   *get_mail_conf_str(const char *name, const char *defval, int min, int max)
{
    const char *value = mail_conf_eval_named(name, get_mail_conf_value(name, defval));

    check_length(name, value, min, max);
    return (mystrdup(value));
}

/* get_mail_conf_raw - unexpanded string */

char   *get_mail_conf_raw(const char *name, const char *defval, int min, int max)
{
    const char *value = get_mail_conf_value(name, defval);

    check_length(name, value, min, max);
    return (mystrdup(value));
}

/* check_range - numeric bounds */

static void check_range(const char *name, const char *value, long num,
			        int min, int max, const char *what)
{
    if ((min && num < min) || (max && num > max) || num < INT_MIN || num > INT_MAX) {
	if (min && max)
	    msg_fatal("%s: parameter %s: value \"%s\" is out of range (allowed: %s from %d to %d)",
		      mail_conf_source(name), name, value, what, min, max);
	if (min)
	    msg_fatal("%s: parameter %s: value \"%s\" is out of range (allowed: %s of at least %d)",
		      mail_conf_source(name), name, value, what, min);
	msg_fatal("%s: parameter %s: value \"%s\" is out of range (allowed: %s of at most %d)",
		  mail_conf_source(name), name, value, what,
		  max ? max : INT_MAX);
    }
}

/* get_mail_conf_int - decimal number */

int     get_mail_conf_int(const char *name, int defval, int min, int max)
{
    char    defbuf[32];
    const char *value;
    long    num;

    snprintf(defbuf, sizeof(defbuf), "%d", defval);
    value = mail_conf_eval_named(name, get_mail_conf_value(name, defbuf));
    if (!safe_strtol(value, &num))
	msg_fatal("%s: parameter %s: bad numerical value \"%.100s\" (allowed: a whole number)",
		  mail_conf_source(name), name, value);
    check_range(name, value, num, min, max, "a number");
    return ((int) num);
}

/* get_mail_conf_bool - yes or no */

int     get_mail_conf_bool(const char *name, int defval)
{
    const char *value;

    value = mail_conf_eval_named(name, get_mail_conf_value(name, defval ? "yes" : "no"));
    if (strcasecmp(value, "yes") == 0)
	return (1);
    if (strcasecmp(value, "no") == 0)
	return (0);
    msg_fatal("%s: parameter %s: bad boolean value \"%.100s\" (allowed: yes or no)",
	      mail_conf_source(name), name, value);
}

/* conv_time - time value with unit to seconds */

int     conv_time(const char *text, int *seconds, int default_unit, VSTRING *why)
{
    const char *cp = text;
    long long num = 0;
    int     unit;
    int     mult;

    if (*cp < '0' || *cp > '9') {
	vstring_sprintf(why, "%s", *cp ? "it does not start with a digit" : "empty value");
	return (0);
    }
    for (; *cp >= '0' && *cp <= '9'; cp++) {
	num = num * 10 + (*cp - '0');
	if (num > INT_MAX) {
	    vstring_sprintf(why, "number too large");
	    return (0);
	}
    }
    unit = *cp ? *cp++ : default_unit;
    if (*cp != 0) {
	vstring_sprintf(why, "garbage after unit: \"%.20s\"", cp);
	return (0);
    }
    switch (unit) {
    case 's':
	mult = 1;
	break;
    case 'm':
	mult = 60;
	break;
    case 'h':
	mult = 3600;
	break;
    case 'd':
	mult = 86400;
	break;
    case 'w':
	mult = 7 * 86400;
	break;
    default:
	vstring_sprintf(why, "unknown unit \"%c\"", unit);
	return (0);
    }
    if (num * mult > INT_MAX) {
	vstring_sprintf(why, "value too large (at most %d seconds)", INT_MAX);
	return (0);
    }
    *seconds = (int) (num * mult);
    return (1);
}

/* get_mail_conf_time - time value in seconds */

int     get_mail_conf_time(const char *name, const char *defval, int min, int max)
{
    const char *value;
    VSTRING *why = vstring_alloc(50);
    size_t  deflen = strlen(defval);
    int     default_unit = 's';
    int     secs;

    if (deflen > 1 && strchr("smhdw", defval[deflen - 1]) != 0
	&& defval[deflen - 2] >= '0' && defval[deflen - 2] <= '9')
	default_unit = defval[deflen - 1];	/* not "$name" */
    value = mail_conf_eval_named(name, get_mail_conf_value(name, defval));
    if (!conv_time(value, &secs, default_unit, why))
	msg_fatal("%s: parameter %s: bad time value \"%.100s\": %s (allowed: %s)",
		  mail_conf_source(name), name, value, vstring_str(why),
		  TIME_UNITS_ALLOWED);
    vstring_free(why);
    check_range(name, value, secs, min, max, "a time in seconds");
    return (secs);
}

/* Table versions. */

void    get_mail_conf_str_table(const CONFIG_STR_TABLE *table)
{
    for (; table->name; table++) {
	if (*table->target)
	    myfree(*table->target);
	*table->target = get_mail_conf_str(table->name, table->defval,
					   table->min, table->max);
    }
}

void    get_mail_conf_raw_table(const CONFIG_RAW_TABLE *table)
{
    for (; table->name; table++) {
	if (*table->target)
	    myfree(*table->target);
	*table->target = get_mail_conf_raw(table->name, table->defval,
					   table->min, table->max);
    }
}

void    get_mail_conf_int_table(const CONFIG_INT_TABLE *table)
{
    for (; table->name; table++)
	*table->target = get_mail_conf_int(table->name, table->defval,
					   table->min, table->max);
}

void    get_mail_conf_bool_table(const CONFIG_BOOL_TABLE *table)
{
    for (; table->name; table++)
	*table->target = get_mail_conf_bool(table->name, table->defval);
}

void    get_mail_conf_time_table(const CONFIG_TIME_TABLE *table)
{
    for (; table->name; table++)
	*table->target = get_mail_conf_time(table->name, table->defval,
					    table->min, table->max);
}
