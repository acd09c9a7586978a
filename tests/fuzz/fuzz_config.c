/*++
/* NAME
/*	fuzz_config 1
/* SUMMARY
/*	libFuzzer target: configuration reader, $name expansion, time values
/* SYNOPSIS
/*	tests/fuzz/build/fuzz_config [libFuzzer options] [corpus ...]
/* DESCRIPTION
/*	The input is a main.cf-style file. Each run does three things.
/* .IP 1.
/*	The input is written to a temporary file and read with
/*	mail_conf_read(). For the names defined in it (the text before
/*	"=" on lines that do not start with white space, at most
/*	FUZZ_MAX_NAMES), and a few others, the value is looked up and
/*	expanded (mail_conf_eval(), mail_conf_lookup_eval()) and read as
/*	every type (get_mail_conf_str/raw/int/bool/time() and the table
/*	versions, with and without bounds; a value that does not expand
/*	only as a string); a value is also used as the default of an
/*	undefined time parameter. Results must agree: the expanded value,
/*	the string, the raw value; bounds must hold. Then unknown names are
/*	reported, the first lines are applied as "-o" overrides, and
/*	mail_conf_flush() forgets everything.
/* .IP 2.
/*	mac_expand() directly: the first line is the pattern, the next
/*	FUZZ_MAX_TABLE lines ("name=value", or a value for the names v1,
/*	v2, ...) are the table of the lookup function. Every line is also
/*	expanded as a pattern.
/* .IP 3.
/*	conv_time() on every line, with every default unit and a bad one;
/*	a success is checked against an independent conversion.
/* .PP
/*	Configuration errors are fatal by design (msg_fatal()). Here the
/*	cleanup handler of msg(3) longjmp()s back into the test, and
/*	msg_fatal_recover() lets the next fatal error be reported again.
/*	A fatal error abandons the function that raised it, with what it
/*	had allocated or opened; the test frees that, as the exit would:
/*	while a call that may be fatal runs, allocations are tracked with
/*	the sanitizer's malloc hooks, and the file that mail_conf_read()
/*	opened is found through the linker's --wrap=fopen/--wrap=fclose
/*	(run-fuzz links with them). After a fatal error the dictionary is
/*	flushed (that frees what it owns), the rest of what the call
/*	allocated is freed, and the file is read again for the next call.
/*	A fatal error outside such a call, and any panic, is a crash.
/*
/*	Diagnostics of the code under test are discarded, except with
/*	FUZZ_VERBOSE=1 in the environment. TMPDIR says where the temporary
/*	file goes.
/* SEE ALSO
/*	run-fuzz(1), builds and runs this target.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sanitizer/allocator_interface.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <stringops.h>
#include <mac_expand.h>

/* Global library. */

#include <mail_conf.h>

extern int LLVMFuzzerInitialize(int *, char ***);
extern int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define STR(x)	vstring_str(x)
#define LEN(x)	VSTRING_LEN(x)

#define FUZZ_MAX_NAMES		6	/* names from the input */
#define FUZZ_MAX_NAME_LEN	64
#define FUZZ_MAX_TABLE		8	/* mac_expand() table entries */
#define FUZZ_MAX_LINES		64	/* lines for mac_expand/conv_time */
#define FUZZ_MAX_OVERRIDES	3	/* lines tried as -o name=value */

static int fuzz_verbose;
static char *fuzz_path;			/* the temporary file */
static int fuzz_loaded;			/* the dictionary has the file */

/* fuzz_fail - report a violated invariant */

static NORETURN fuzz_fail(const char *what)
{
    fprintf(stderr, "fuzz_config: %s\n", what);
    abort();
}

 /*
  * Allocation tracking while a call that may be fatal runs. A set of the
  * blocks allocated and not yet freed (open addressing with deletion
  * marks; a generation number empties it in O(1)), and a log of what was
  * added, to find them again after a fatal error. When the marks or the
  * log fill up, the log is compacted to the live blocks and the set is
  * rebuilt. The hooks must not allocate.
  */
#define ARENA_SIZE	(1 << 17)	/* slots, a power of 2 */
#define ARENA_MAX	(ARENA_SIZE / 2)	/* live blocks, log entries */
#define ARENA_TOMB	((uintptr_t) 1)

typedef struct ARENA_SLOT {
    uintptr_t ptr;			/* 0: empty, ARENA_TOMB: deleted */
    unsigned gen;			/* valid only in this generation */
} ARENA_SLOT;

static ARENA_SLOT arena_slot[ARENA_SIZE];
static uintptr_t arena_log[ARENA_MAX];
static int arena_log_len;
static unsigned arena_gen = 1;
static int arena_armed;			/* track allocations now */
static int arena_live;			/* set members, this generation */
static int arena_used;			/* members and deletion marks */

static FILE *fuzz_open_fp;		/* fopen()ed during a tracked call */

 /*
  * The set and the log keep addresses scrambled: a plain copy in these
  * arrays would make every block reachable for LeakSanitizer, and hide
  * the leaks of calls that completed.
  */
#define ARENA_HIDE(p)	((p) ^ (uintptr_t) 0xa5a5a5a5a5a5a5a5ULL)

#define ARENA_HASH(p)	((unsigned) (((p) >> 4) ^ ((p) >> 20)) & (ARENA_SIZE - 1))
#define ARENA_EMPTY(s)	((s)->gen != arena_gen || (s)->ptr == 0)

/* arena_find - slot of a member, or null */

static ARENA_SLOT *arena_find(uintptr_t p)
{
    unsigned i = ARENA_HASH(p);
    ARENA_SLOT *sp;

    for (;;) {
	sp = arena_slot + i;
	if (ARENA_EMPTY(sp))
	    return (0);
	if (sp->ptr == ARENA_HIDE(p))
	    return (sp);
	i = (i + 1) & (ARENA_SIZE - 1);
    }
}

/* arena_insert - add to the set */

static void arena_insert(uintptr_t p)
{
    unsigned i;
    ARENA_SLOT *sp;

    for (i = ARENA_HASH(p);; i = (i + 1) & (ARENA_SIZE - 1)) {
	sp = arena_slot + i;
	if (ARENA_EMPTY(sp)) {
	    arena_used++;
	    break;
	}
	if (sp->ptr == ARENA_TOMB)
	    break;
    }
    sp->ptr = ARENA_HIDE(p);
    sp->gen = arena_gen;
    arena_live++;
}

/* arena_rebuild - drop deletion marks and freed blocks from the log */

static void arena_rebuild(void)
{
    int     i;
    int     n = 0;

    for (i = 0; i < arena_log_len; i++)
	if (arena_find(ARENA_HIDE(arena_log[i])) != 0)
	    arena_log[n++] = arena_log[i];
    arena_log_len = n;
    arena_gen++;
    arena_live = arena_used = 0;
    for (i = 0; i < arena_log_len; i++)
	arena_insert(ARENA_HIDE(arena_log[i]));
}

/* arena_malloc_hook - a block was allocated */

static void arena_malloc_hook(const volatile void *ptr, size_t size)
{
    uintptr_t p = (uintptr_t) ptr;

    if (!arena_armed || p == 0)
	return;
    if (arena_log_len >= ARENA_MAX || arena_used >= ARENA_SIZE / 4 * 3)
	arena_rebuild();
    if (arena_log_len >= ARENA_MAX) {
	fprintf(stderr, "fuzz_config: too many live allocations in one call\n");
	abort();
    }
    arena_insert(p);
    arena_log[arena_log_len++] = ARENA_HIDE(p);
}

/* arena_free_hook - a block was freed */

static void arena_free_hook(const volatile void *ptr)
{
    ARENA_SLOT *sp;

    if (arena_live == 0 || ptr == 0)
	return;
    if ((sp = arena_find((uintptr_t) ptr)) != 0) {
	sp->ptr = ARENA_TOMB;
	arena_live--;
    }
}

/* arena_begin - track from now on */

static void arena_begin(void)
{
    arena_gen++;
    arena_log_len = 0;
    arena_live = arena_used = 0;
    arena_armed = 1;
}

/* arena_end - what was allocated belongs to the program */

static void arena_end(void)
{
    arena_armed = 0;
    arena_gen++;
    arena_log_len = 0;
    arena_live = arena_used = 0;
}

/* arena_release - free what a call abandoned */

static void arena_release(void)
{
    ARENA_SLOT *sp;
    uintptr_t p;
    int     i;

    arena_armed = 0;
    for (i = 0; i < arena_log_len; i++) {
	p = ARENA_HIDE(arena_log[i]);
	if ((sp = arena_find(p)) != 0) {
	    sp->ptr = ARENA_TOMB;
	    arena_live--;
	    free((void *) p);
	}
    }
    arena_end();
}

 /*
  * The linker sends mail_conf_read()'s fopen() and fclose() here, so
  * that a file abandoned by a fatal error can be closed.
  */
extern FILE *__real_fopen(const char *, const char *);
extern int __real_fclose(FILE *);
extern FILE *__wrap_fopen(const char *, const char *);
extern int __wrap_fclose(FILE *);

FILE   *__wrap_fopen(const char *path, const char *mode)
{
    FILE   *fp = __real_fopen(path, mode);

    if (arena_armed && fp != 0)
	fuzz_open_fp = fp;
    return (fp);
}

int     __wrap_fclose(FILE *fp)
{
    if (fp == fuzz_open_fp)
	fuzz_open_fp = 0;
    return (__real_fclose(fp));
}

 /*
  * Fatal errors: longjmp() out of the cleanup handler.
  */
static jmp_buf fuzz_jmp;
static int fuzz_jmp_armed;

/* fuzz_cleanup - msg_fatal() handler */

static void fuzz_cleanup(void)
{
    if (!fuzz_jmp_armed) {
	fprintf(stderr, "fuzz_config: fatal error outside a guarded call\n");
	abort();
    }
    fuzz_jmp_armed = 0;
    longjmp(fuzz_jmp, 1);
}

/* fuzz_msg - output handler: discard unless verbose, check sanitizing */

static void fuzz_msg(int level, const char *text)
{
    const unsigned char *cp;

    for (cp = (const unsigned char *) text; *cp; cp++)
	if (*cp < 0x20 || *cp == 0x7f)
	    fuzz_fail("control character in log text");
    if (fuzz_verbose)
	fprintf(stderr, "fuzz_config: %s: %s\n", msg_severity_name(level), text);
}

/* fuzz_recover - clean up after a fatal error */

static void fuzz_recover(void)
{
    arena_armed = 0;
    msg_fatal_recover();
    if (fuzz_open_fp) {
	(void) __real_fclose(fuzz_open_fp);
	fuzz_open_fp = 0;
    }
    mail_conf_flush();				/* frees what the dictionary owns */
    fuzz_loaded = 0;
    arena_release();				/* the rest was abandoned */
}

 /*
  * GUARD(ok, stmt) runs stmt, which may be fatal, and sets ok to 1 when
  * it completed, to 0 after a fatal error (the dictionary is then empty:
  * see fuzz_loaded). Variables that stmt changes and that are used after
  * a fatal error must be volatile.
  */
#define GUARD(ok, stmt) do { \
	arena_begin(); \
	if (setjmp(fuzz_jmp) == 0) { \
	    fuzz_jmp_armed = 1; \
	    stmt; \
	    fuzz_jmp_armed = 0; \
	    arena_end(); \
	    (ok) = 1; \
	} else { \
	    fuzz_recover(); \
	    (ok) = 0; \
	} \
    } while (0)

/* fuzz_exit - remove the temporary file */

static void fuzz_exit(void)
{
    if (fuzz_path)
	(void) unlink(fuzz_path);
}

/* LLVMFuzzerInitialize - once */

int     LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *cp;
    const char *dir;
    size_t  len;
    int     fd;

    fuzz_verbose = ((cp = getenv("FUZZ_VERBOSE")) != 0 && *cp == '1');
    msg_output(fuzz_msg);
    msg_cleanup(fuzz_cleanup);
    msg_fatal_sleep = 0;
    if (__sanitizer_install_malloc_and_free_hooks(arena_malloc_hook,
						  arena_free_hook) == 0)
	fuzz_fail("cannot install malloc hooks");
    if ((dir = getenv("TMPDIR")) == 0 || *dir == 0)
	dir = "/tmp";
    len = strlen(dir) + sizeof("/fuzz_config.XXXXXX");
    fuzz_path = malloc(len);
    snprintf(fuzz_path, len, "%s/fuzz_config.XXXXXX", dir);
    if ((fd = mkstemp(fuzz_path)) < 0) {
	perror(fuzz_path);
	exit(1);
    }
    (void) close(fd);
    atexit(fuzz_exit);
    return (0);
}

/* fuzz_write_file - the input becomes the configuration file */

static void fuzz_write_file(const uint8_t *data, size_t size)
{
    int     fd;
    ssize_t n;

    if ((fd = open(fuzz_path, O_WRONLY | O_TRUNC)) < 0) {
	perror(fuzz_path);
	abort();
    }
    while (size > 0) {
	if ((n = write(fd, data, size)) < 0) {
	    perror(fuzz_path);
	    abort();
	}
	data += n;
	size -= n;
    }
    (void) close(fd);
}

/* fuzz_lines - split at newlines (each line ends at a NUL byte, too) */

static int fuzz_lines(const uint8_t *data, size_t size, char **lines, int max)
{
    const uint8_t *cp = data;
    const uint8_t *end = data + size;
    const uint8_t *nl;
    int     n = 0;

    while (cp < end && n < max) {
	if ((nl = memchr(cp, '\n', end - cp)) == 0)
	    nl = end;
	lines[n++] = mystrndup((const char *) cp, nl - cp);
	cp = nl + 1;
    }
    return (n);
}

/* fuzz_names - names defined in the input, as mail_conf_read() sees them */

static int fuzz_names(char **lines, int nlines, char **names, int max)
{
    int     n = 0;
    int     i;
    int     j;
    char   *eq;
    char   *end;
    char   *start;

    for (i = 0; i < nlines && n < max; i++) {
	start = lines[i];
	if (*start == 0 || *skipblanks(start) == '#' || skipblanks(start) != start)
	    continue;
	if ((eq = strchr(start, '=')) == 0)
	    continue;
	end = trimblanks(start, eq - start);
	if (end == start || end - start > FUZZ_MAX_NAME_LEN)
	    continue;
	names[n] = mystrndup(start, end - start);
	for (j = 0; j < n; j++)
	    if (strcmp(names[j], names[n]) == 0)
		break;
	if (j < n)
	    myfree(names[n]);
	else
	    n++;
    }
    return (n);
}

/* fuzz_load - read the file unless the dictionary has it; 0 on error */

static int fuzz_load(void)
{
    int     ok;

    if (!fuzz_loaded) {
	GUARD(ok, mail_conf_read(fuzz_path, MAIL_CONF_REQUIRED));
	fuzz_loaded = ok;
    }
    return (fuzz_loaded);
}

/* fuzz_conf_name - everything for one name; 0 when the file is bad */

static int fuzz_conf_name(const char *name, int idx)
{
    VSTRING *raw = vstring_alloc(100);
    VSTRING *expanded = vstring_alloc(100);
    int     have_raw = 0;
    int     have_expanded = 0;
    const char *cp;
    char   *str;
    char    undef_name[40];
    int     step;
    int     ival;
    int     ok;
    CONFIG_STR_TABLE st[2];
    CONFIG_INT_TABLE it[2];
    CONFIG_BOOL_TABLE bt[2];
    CONFIG_TIME_TABLE tt[2];
    static char *str_target;
    static int int_target;
    static int bool_target;
    static int time_target;

    snprintf(undef_name, sizeof(undef_name), "fuzz_undefined_%d", idx);
    memset(st, 0, sizeof(st));
    memset(it, 0, sizeof(it));
    memset(bt, 0, sizeof(bt));
    memset(tt, 0, sizeof(tt));
    st[0].name = it[0].name = bt[0].name = tt[0].name = name;
    st[0].defval = "x";
    st[0].target = &str_target;
    it[0].defval = 7;
    it[0].target = &int_target;
    bt[0].target = &bool_target;
    tt[0].defval = "1h";
    tt[0].target = &time_target;

    for (step = 0; step < 17; step++) {
	if (!fuzz_load())
	    break;

	/*
	 * A value that does not expand fails the same way in every typed
	 * read: one of them is enough (expansion may take a while: see
	 * mac_expand(3)).
	 */
	if (have_raw && !have_expanded && step > 3)
	    break;
	switch (step) {
	case 0:					/* raw value */
	    if ((cp = mail_conf_lookup(name)) != 0) {
		vstring_strcpy(raw, cp);
		have_raw = 1;
	    }
	    (void) mail_conf_source(name);
	    break;
	case 1:					/* expand it */
	    if (have_raw) {
		GUARD(ok, cp = mail_conf_eval(STR(raw)));
		if (ok) {
		    vstring_strcpy(expanded, cp);
		    have_expanded = 1;
		}
	    }
	    break;
	case 2:					/* the same, by name */
	    if (have_raw) {
		GUARD(ok, cp = mail_conf_lookup_eval(name));
		if (ok != have_expanded || (ok && strcmp(cp, STR(expanded)) != 0))
		    fuzz_fail("mail_conf_eval and mail_conf_lookup_eval differ");
	    }
	    break;
	case 3:
	    GUARD(ok, str = get_mail_conf_str(name, "default", 0, 0));
	    if (ok) {
		if (have_expanded && strcmp(str, STR(expanded)) != 0)
		    fuzz_fail("get_mail_conf_str differs from mail_conf_eval");
		myfree(str);
	    }
	    break;
	case 4:
	    GUARD(ok, str = get_mail_conf_str(name, "default", 2, 20));
	    if (ok) {
		if (strlen(str) < 2 || strlen(str) > 20)
		    fuzz_fail("get_mail_conf_str ignores its bounds");
		myfree(str);
	    }
	    break;
	case 5:
	    GUARD(ok, str = get_mail_conf_raw(name, "default", 0, 0));
	    if (ok) {
		if (have_raw && strcmp(str, STR(raw)) != 0)
		    fuzz_fail("get_mail_conf_raw differs from mail_conf_lookup");
		myfree(str);
	    }
	    break;
	case 6:
	    GUARD(ok, ival = get_mail_conf_int(name, 5, 0, 0));
	    break;
	case 7:
	    GUARD(ok, ival = get_mail_conf_int(name, 5, 1, 1000));
	    if (ok && (ival < 1 || ival > 1000))
		fuzz_fail("get_mail_conf_int ignores its bounds");
	    break;
	case 8:
	    GUARD(ok, ival = get_mail_conf_bool(name, 1));
	    if (ok && ival != 0 && ival != 1)
		fuzz_fail("get_mail_conf_bool is not 0 or 1");
	    break;
	case 9:
	    GUARD(ok, ival = get_mail_conf_time(name, "60s", 0, 0));
	    if (ok && ival < 0)
		fuzz_fail("negative time");
	    break;
	case 10:
	    GUARD(ok, ival = get_mail_conf_time(name, "2d", 60, 0));
	    if (ok && ival < 60)
		fuzz_fail("get_mail_conf_time ignores its bounds");
	    break;
	case 11:				/* the value as a default */
	    if (have_raw)
		GUARD(ok, ival = get_mail_conf_time(undef_name, STR(raw), 0, 0));
	    break;
	case 12:
	    if (have_raw) {
		GUARD(ok, str = get_mail_conf_str(undef_name, STR(raw), 0, 0));
		if (ok)
		    myfree(str);
	    }
	    break;
	case 13:				/* the table versions */
	    GUARD(ok, get_mail_conf_str_table(st));
	    if (str_target) {
		myfree(str_target);
		str_target = 0;
	    }
	    break;
	case 14:
	    GUARD(ok, get_mail_conf_int_table(it));
	    break;
	case 15:
	    GUARD(ok, get_mail_conf_bool_table(bt));
	    break;
	case 16:
	    GUARD(ok, get_mail_conf_time_table(tt));
	    break;
	}
    }
    vstring_free(raw);
    vstring_free(expanded);
    return (fuzz_loaded || fuzz_load());
}

/* fuzz_conf - mail_conf on the input */

static void fuzz_conf(const uint8_t *data, size_t size, char **lines, int nlines)
{
    char   *names[FUZZ_MAX_NAMES + 3];
    int     nnames;
    int     ok;
    int     i;

    fuzz_write_file(data, size);
    fuzz_loaded = 0;
    if (fuzz_load()) {
	nnames = fuzz_names(lines, nlines, names, FUZZ_MAX_NAMES);
	names[nnames++] = mystrdup("greylist_delay");	/* usually undefined */
	names[nnames++] = mystrdup("config_directory");
	for (i = 0; i < nnames; i++)
	    if (!fuzz_conf_name(names[i], i))
		break;
	if (fuzz_load()) {
	    GUARD(ok, mail_conf_warn_unknown("greylist_"));
	    GUARD(ok, mail_conf_warn_unknown(""));
	    for (i = 0; i < nlines && i < FUZZ_MAX_OVERRIDES; i++) {
		GUARD(ok, mail_conf_override(lines[i]));
		if (!ok)
		    break;
	    }
	}
	for (i = 0; i < nnames; i++)
	    myfree(names[i]);
    }
    mail_conf_flush();
    fuzz_loaded = 0;
}

 /*
  * The lookup table of the direct mac_expand() test.
  */
typedef struct FUZZ_TABLE {
    int     count;
    char   *name[FUZZ_MAX_TABLE];
    const char *value[FUZZ_MAX_TABLE];
    long    lookups;
} FUZZ_TABLE;

/* fuzz_lookup - mac_expand() callback */

static const char *fuzz_lookup(const char *name, void *context)
{
    FUZZ_TABLE *tp = (FUZZ_TABLE *) context;
    const char *cp;
    int     i;

    tp->lookups++;
    if (*name == 0)
	fuzz_fail("mac_expand looks up an empty name");
    for (cp = name; *cp; cp++)
	if (!(*cp == '_' || (*cp >= '0' && *cp <= '9') || (*cp >= 'a' && *cp <= 'z')
	      || (*cp >= 'A' && *cp <= 'Z')))
	    fuzz_fail("mac_expand looks up a name with a bad character");
    for (i = 0; i < tp->count; i++)
	if (strcmp(tp->name[i], name) == 0)
	    return (tp->value[i]);
    return (0);
}

/* fuzz_expand_one - expand one pattern, check the result */

static void fuzz_expand_one(FUZZ_TABLE *tp, const char *pattern,
			            VSTRING *result, VSTRING *why)
{
    int     status;

    vstring_strcpy(result, "<>");		/* mac_expand() appends */
    VSTRING_RESET(why);
    VSTRING_TERMINATE(why);
    status = mac_expand(result, pattern, fuzz_lookup, (void *) tp, why);
    if (LEN(result) < 2 || memcmp(STR(result), "<>", 2) != 0
	|| strlen(STR(result)) != (size_t) LEN(result))
	fuzz_fail("mac_expand result is not the old text plus a string");
    switch (status) {
    case MAC_EXPAND_OK:
	if (strchr(pattern, '$') == 0 && strcmp(STR(result) + 2, pattern) != 0)
	    fuzz_fail("mac_expand changed text without $");
	break;
    case MAC_EXPAND_SYNTAX:
    case MAC_EXPAND_LOOP:
	if (LEN(why) == 0)
	    fuzz_fail("mac_expand error without a reason");
	break;
    default:
	fuzz_fail("unexpected mac_expand result");
    }
}

/* fuzz_expand - mac_expand() on the input */

static void fuzz_expand(char **lines, int nlines)
{
    FUZZ_TABLE table;
    VSTRING *result = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    char   *eq;
    int     i;

    table.count = 0;
    table.lookups = 0;
    if (nlines == 0) {
	fuzz_expand_one(&table, "", result, why);
    } else {
	for (i = 1; i < nlines && table.count < FUZZ_MAX_TABLE; i++) {
	    if ((eq = strchr(lines[i], '=')) != 0 && eq > lines[i]) {
		table.name[table.count] = mystrndup(lines[i], eq - lines[i]);
		table.value[table.count] = eq + 1;
	    } else {
		table.name[table.count] = mymalloc(20);
		snprintf(table.name[table.count], 20, "v%d", i);
		table.value[table.count] = lines[i];
	    }
	    table.count++;
	}
	for (i = 0; i < nlines && i <= FUZZ_MAX_TABLE; i++)
	    fuzz_expand_one(&table, lines[i], result, why);
	for (i = 0; i < table.count; i++)
	    myfree(table.name[i]);
    }
    vstring_free(result);
    vstring_free(why);
}

/* fuzz_time_ref - conv_time(), independently */

static int fuzz_time_ref(const char *text, int unit, long long *secs)
{
    long long num = 0;
    const char *cp = text;
    long long mult;

    if (*cp < '0' || *cp > '9')
	return (0);
    while (*cp >= '0' && *cp <= '9') {
	num = num * 10 + (*cp++ - '0');
	if (num > INT_MAX)
	    return (0);
    }
    if (*cp)
	unit = *cp++;
    if (*cp)
	return (0);
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
	mult = 604800;
	break;
    default:
	return (0);
    }
    if (num * mult > INT_MAX)
	return (0);
    *secs = num * mult;
    return (1);
}

/* fuzz_time - conv_time() on every line */

static void fuzz_time(char **lines, int nlines)
{
    static const char units[] = "smhdwx";
    VSTRING *why = vstring_alloc(100);
    long long ref;
    const char *cp;
    int     secs;
    int     ok;
    int     i;

    for (i = 0; i < nlines; i++) {
	for (cp = units; *cp; cp++) {
	    VSTRING_RESET(why);
	    VSTRING_TERMINATE(why);
	    secs = -1;
	    ok = conv_time(lines[i], &secs, *cp, why);
	    if (ok != fuzz_time_ref(lines[i], *cp, &ref))
		fuzz_fail("conv_time and the reference disagree about validity");
	    if (ok && secs != ref)
		fuzz_fail("conv_time and the reference disagree about the value");
	    if (!ok && LEN(why) == 0)
		fuzz_fail("conv_time failed without a reason");
	}
    }
    vstring_free(why);
}

/* LLVMFuzzerTestOneInput - one input */

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char   *lines[FUZZ_MAX_LINES];
    int     nlines;
    int     i;

    nlines = fuzz_lines(data, size, lines, FUZZ_MAX_LINES);
    fuzz_conf(data, size, lines, nlines);
    fuzz_expand(lines, nlines);
    fuzz_time(lines, nlines);
    for (i = 0; i < nlines; i++)
	myfree(lines[i]);
    return (0);
}
