/*++
/* NAME
/*	mail_conf 3
/* SUMMARY
/*	main.cf-style configuration files and parameter tables
/* SYNOPSIS
/*	#include <mail_conf.h>
/*
/*	void	mail_conf_suck()
/*
/*	void	mail_conf_read(path, required)
/*	const char *path;
/*	int	required;
/*
/*	void	mail_conf_override(name_value)
/*	const char *name_value;
/*
/*	void	mail_conf_update(name, value)
/*	const char *name;
/*	const char *value;
/*
/*	void	mail_conf_readonly(name, value)
/*	const char *name;
/*	const char *value;
/*
/*	const char *mail_conf_lookup(name)
/*	const char *name;
/*
/*	const char *mail_conf_eval(raw)
/*	const char *raw;
/*
/*	const char *mail_conf_lookup_eval(name)
/*	const char *name;
/*
/*	const char *mail_conf_source(name)
/*	const char *name;
/*
/*	void	mail_conf_warn_unknown(prefix)
/*	const char *prefix;
/*
/*	void	mail_conf_flush()
/* DESCRIPTION
/*	This module keeps the parameter dictionary: the name=value pairs
/*	of main.cf, of other files in the same syntax, and of -o command
/*	line overrides. The syntax is Postfix's (postconf(5)):
/* .IP \(bu
/*	One "name = value" per logical line. White space around the "="
/*	and at the end of the line is removed; inside the value it is
/*	kept.
/* .IP \(bu
/*	A line that starts with white space continues the previous
/*	logical line. Empty lines, and lines whose first non-blank
/*	character is "#", are ignored (a "#" elsewhere is part of the
/*	value).
/* .IP \(bu
/*	A logical line without "=", or with an empty name, is a fatal
/*	error.
/* .IP \(bu
/*	When a name is defined again with a different value, the last
/*	one wins with a warning "overriding earlier entry".
/* .IP \(bu
/*	Values are stored raw; $name expansions (see mac_expand(3)) are
/*	done when a parameter is read, so the order of definitions does
/*	not matter.
/* .PP
/*	mail_conf_suck() sets config_directory from the MAIL_CONFIG
/*	environment variable (else the compiled-in default) and reads
/*	main.cf from there; the file must exist.
/*
/*	mail_conf_read() reads another file of the same syntax (for
/*	example greylistd.cf); a missing file is fatal only when
/*	\fIrequired\fR is MAIL_CONF_REQUIRED.
/*
/*	mail_conf_override() applies a master.cf "-o name=value" option:
/*	the text is split at the first "=" and blanks around name and
/*	value are removed. It wins over every file.
/*
/*	mail_conf_update() sets a value. mail_conf_readonly() sets a
/*	value that files and -o options cannot change (process_name,
/*	service_name).
/*
/*	mail_conf_lookup() returns a raw value or a null pointer.
/*	mail_conf_eval() expands a raw string, and mail_conf_lookup_eval()
/*	a named value; the result lives in a buffer that the next call
/*	overwrites.
/*
/*	mail_conf_source() says where a value came from, for diagnostics:
/*	"/etc/postfix/main.cf, line 12", "-o option", "default".
/*
/*	mail_conf_warn_unknown() warns about every name that begins with
/*	\fIprefix\fR and that no parameter table asked for: a typing
/*	error in a greylist_* name should not go unnoticed.
/*
/*	mail_conf_flush() forgets everything (tests).
/* DIAGNOSTICS
/*	Fatal errors: a missing required file, a line without "=", an
/*	invalid $name expansion or one that refers to itself.
/* SEE ALSO
/*	mail_conf_param(3), typed parameters and tables.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <htable.h>
#include <stringops.h>
#include <mac_expand.h>

/* Global library. */

#include <mail_params.h>
#include <mail_conf.h>

 /*
  * One dictionary entry.
  */
typedef struct MAIL_CONF_ENTRY {
    char   *value;			/* raw value */
    char   *source;			/* where it was set */
    int     flags;			/* see below */
} MAIL_CONF_ENTRY;

#define MAIL_CONF_FLAG_KNOWN	(1<<0)	/* a table asked for it */
#define MAIL_CONF_FLAG_READONLY	(1<<1)	/* process_name and friends */
#define MAIL_CONF_FLAG_FILE	(1<<2)	/* set from a file */

static HTABLE *mail_conf_dict;
static VSTRING *mail_conf_result;
static VSTRING *mail_conf_why;

/* mail_conf_entry_free - destructor */

static void mail_conf_entry_free(void *ptr)
{
    MAIL_CONF_ENTRY *ent = (MAIL_CONF_ENTRY *) ptr;

    myfree(ent->value);
    myfree(ent->source);
    myfree(ptr);
}

/* mail_conf_init - create the dictionary */

static void mail_conf_init(void)
{
    if (mail_conf_dict == 0) {
	mail_conf_dict = htable_create(100);
	mail_conf_result = vstring_alloc(100);
	mail_conf_why = vstring_alloc(100);
    }
}

/* mail_conf_set - common update routine */

static void mail_conf_set(const char *name, const char *value,
			          const char *source, int flags)
{
    MAIL_CONF_ENTRY *ent;

    mail_conf_init();
    if ((ent = (MAIL_CONF_ENTRY *) htable_find(mail_conf_dict, name)) == 0) {
	ent = (MAIL_CONF_ENTRY *) mymalloc(sizeof(*ent));
	ent->value = mystrdup(value);
	ent->source = mystrdup(source);
	ent->flags = flags;
	htable_enter(mail_conf_dict, name, (void *) ent);
	return;
    }
    if ((ent->flags & MAIL_CONF_FLAG_READONLY)
	&& !(flags & MAIL_CONF_FLAG_READONLY)) {
	msg_warn("%s: ignoring attempt to change read-only parameter %s",
		 source, name);
	return;
    }
    if ((flags & MAIL_CONF_FLAG_FILE) && (ent->flags & MAIL_CONF_FLAG_FILE)
	&& strcmp(ent->value, value) != 0)
	msg_warn("%s: overriding earlier entry: %s=%s", source, name, ent->value);
    myfree(ent->value);
    myfree(ent->source);
    ent->value = mystrdup(value);
    ent->source = mystrdup(source);
    ent->flags = (ent->flags & MAIL_CONF_FLAG_KNOWN) | flags;
}

/* mail_conf_update - set value */

void    mail_conf_update(const char *name, const char *value)
{
    mail_conf_set(name, value, "program", 0);
}

/* mail_conf_readonly - set value that configuration cannot change */

void    mail_conf_readonly(const char *name, const char *value)
{
    mail_conf_set(name, value, "program", MAIL_CONF_FLAG_READONLY);
}

/* mail_conf_lookup - raw value */

const char *mail_conf_lookup(const char *name)
{
    MAIL_CONF_ENTRY *ent;

    mail_conf_init();
    ent = (MAIL_CONF_ENTRY *) htable_find(mail_conf_dict, name);
    return (ent ? ent->value : 0);
}

/* mail_conf_source - where did it come from */

const char *mail_conf_source(const char *name)
{
    MAIL_CONF_ENTRY *ent;

    mail_conf_init();
    ent = (MAIL_CONF_ENTRY *) htable_find(mail_conf_dict, name);
    return (ent ? ent->source : "default");
}

/* mail_conf_mark_known - a parameter table asked for it */

void    mail_conf_mark_known(const char *name)
{
    MAIL_CONF_ENTRY *ent;

    mail_conf_init();
    if ((ent = (MAIL_CONF_ENTRY *) htable_find(mail_conf_dict, name)) != 0)
	ent->flags |= MAIL_CONF_FLAG_KNOWN;
}

/* mail_conf_expand_lookup - mac_expand() callback */

static const char *mail_conf_expand_lookup(const char *name, void *unused)
{
    return (mail_conf_lookup(name));
}

/* mail_conf_eval_named - expand, with the parameter name for errors */

const char *mail_conf_eval_named(const char *name, const char *raw)
{
    mail_conf_init();
    VSTRING_RESET(mail_conf_result);
    VSTRING_TERMINATE(mail_conf_result);
    if (mac_expand(mail_conf_result, raw, mail_conf_expand_lookup, (void *) 0,
		   mail_conf_why) != MAC_EXPAND_OK) {
	if (name)
	    msg_fatal("%s: parameter %s: bad value \"%.100s\": %s",
		      mail_conf_source(name), name, raw,
		      vstring_str(mail_conf_why));
	msg_fatal("bad parameter value \"%.100s\": %s", raw,
		  vstring_str(mail_conf_why));
    }
    return (vstring_str(mail_conf_result));
}

/* mail_conf_eval - expand raw text */

const char *mail_conf_eval(const char *raw)
{
    return (mail_conf_eval_named((const char *) 0, raw));
}

/* mail_conf_lookup_eval - expanded value of a name */

const char *mail_conf_lookup_eval(const char *name)
{
    const char *raw = mail_conf_lookup(name);

    return (raw ? mail_conf_eval_named(name, raw) : 0);
}

/* mail_conf_line - process one logical line */

static void mail_conf_line(const char *path, int lineno, VSTRING *line)
{
    char   *name;
    char   *value;
    const char *err;
    VSTRING *source = vstring_alloc(100);

    vstring_sprintf(source, "%s, line %d", path, lineno);
    if ((err = split_nameval(vstring_str(line), &name, &value)) != 0)
	msg_fatal("%s: %s: \"%.100s\"", vstring_str(source), err,
		  vstring_str(line));
    mail_conf_set(name, value, vstring_str(source), MAIL_CONF_FLAG_FILE);
    vstring_free(source);
}

/* mail_conf_read - read one file */

void    mail_conf_read(const char *path, int required)
{
    FILE   *fp;
    char   *buf = 0;
    size_t  bufsize = 0;
    ssize_t len;
    VSTRING *line = vstring_alloc(100);
    int     lineno = 0;
    int     start_line = 0;
    char   *cp;

    if ((fp = fopen(path, "r")) == 0) {
	if (required || errno != ENOENT)
	    msg_fatal("open configuration file %s: %m", path);
	vstring_free(line);
	return;
    }
    while ((len = getline(&buf, &bufsize, fp)) >= 0) {
	lineno++;
	if (len > 0 && buf[len - 1] == '\n')
	    buf[--len] = 0;
	if (memchr(buf, 0, len) != 0)
	    msg_fatal("%s, line %d: null byte in configuration file", path, lineno);
	cp = skipblanks(buf);
	if (*cp == 0 || *cp == '#')
	    continue;				/* blank or comment */
	if (cp != buf) {			/* continuation */
	    if (start_line == 0) {
		msg_warn("%s, line %d: ignoring continuation line that follows nothing: \"%.100s\"",
			 path, lineno, cp);
		continue;
	    }
	    VSTRING_ADDCH(line, ' ');
	    vstring_strcat(line, cp);
	    continue;
	}
	if (start_line)
	    mail_conf_line(path, start_line, line);
	vstring_strcpy(line, buf);
	start_line = lineno;
    }
    if (ferror(fp))
	msg_fatal("read configuration file %s: %m", path);
    if (start_line)
	mail_conf_line(path, start_line, line);
    (void) fclose(fp);
    free(buf);
    vstring_free(line);
}

/* mail_conf_suck - read main.cf */

void    mail_conf_suck(void)
{
    const char *dir;
    VSTRING *path;

    if ((dir = getenv("MAIL_CONFIG")) == 0 || *dir == 0)
	dir = DEF_CONFIG_DIR;
    mail_conf_update(VAR_CONFIG_DIR, dir);
    path = vstring_alloc(100);
    vstring_sprintf(path, "%s/main.cf", dir);
    mail_conf_read(vstring_str(path), MAIL_CONF_REQUIRED);
    vstring_free(path);
}

/* mail_conf_override - -o name=value */

void    mail_conf_override(const char *name_value)
{
    char   *copy = mystrdup(name_value);
    char   *name;
    char   *value;
    const char *err;

    if ((err = split_nameval(copy, &name, &value)) != 0)
	msg_fatal("-o option: %s: \"%.100s\"", err, name_value);
    mail_conf_set(name, value, "-o option", 0);
    myfree(copy);
}

/* mail_conf_warn_unknown - find typing errors */

void    mail_conf_warn_unknown(const char *prefix)
{
    HTABLE_INFO **list;
    HTABLE_INFO **ht;
    MAIL_CONF_ENTRY *ent;
    size_t  len = strlen(prefix);

    mail_conf_init();
    list = htable_list(mail_conf_dict);
    for (ht = list; *ht; ht++) {
	ent = (MAIL_CONF_ENTRY *) (*ht)->value;
	if (strncmp((*ht)->key, prefix, len) == 0
	    && !(ent->flags & MAIL_CONF_FLAG_KNOWN))
	    msg_warn("%s: unknown parameter %s=%.100s is ignored",
		     ent->source, (*ht)->key, ent->value);
    }
    myfree((void *) list);
}

/* mail_conf_flush - forget everything */

void    mail_conf_flush(void)
{
    if (mail_conf_dict) {
	htable_free(mail_conf_dict, mail_conf_entry_free);
	vstring_free(mail_conf_result);
	vstring_free(mail_conf_why);
	mail_conf_dict = 0;
    }
}
