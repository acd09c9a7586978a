/*++
/* NAME
/*	dbcheck 1
/* SUMMARY
/*	check a greylist B+tree file record by record
/* SYNOPSIS
/*	\fBdbcheck\fR [\fB-luv\fR] [\fB-t \fIseconds\fR] \fIfile\fR
/* DESCRIPTION
/*	dbcheck opens a greylistd(8) Tokyo Cabinet B+tree file, walks
/*	every record with a cursor, and checks that the file is what
/*	greylistd writes:
/* .IP \(bu
/*	keys come in strictly increasing (memcmp) order and the walk sees
/*	as many records as the file's record count says;
/* .IP \(bu
/*	every key starts with "T" (triplet), "C" (client) or 0xff (time
/*	index);
/* .IP \(bu
/*	every triplet and client value decodes (greylist_triplet_decode(),
/*	greylist_client_decode(): version, kind, state, length);
/* .IP \(bu
/*	every index key parses (greylist_index_parse()), has an empty
/*	value, and names a record that exists;
/* .IP \(bu
/*	every triplet and client record has an index entry (unless
/*	\fB-u\fR);
/* .IP \(bu
/*	the file does not carry Tokyo Cabinet's "fatal" flag.
/* .PP
/*	Tokyo Cabinet rolls an interrupted transaction back when the file
/*	is opened for writing, and only then, so dbcheck opens it as a
/*	writer (never creating it, never waiting for the lock): run it
/*	only while no greylistd has the file open (or on a copy of the
/*	file and its .wal). It writes nothing else, except that Tokyo
/*	Cabinet marks a file "fatal" when it finds damage while dbcheck
/*	reads it.
/*
/*	Output: one line "dbcheck: \fIfile\fR: ok|BAD records=N
/*	triplets=N (pending=N passed=N) clients=N index=N malformed=N
/*	badkey=N dangling=N unindexed=N order=N rnum=N flags=...", where
/*	flags say whether the last writer closed the file ("closed") or
/*	not ("not-closed": killed; its open transaction was just rolled
/*	back) and whether Tokyo Cabinet marked it "FATAL". With
/*	\fB-v\fR, each problem is also described on its own line; \fB-l\fR
/*	lists every triplet as "T \fIkey\fR \fIstate\fR \fIfirst_seen\fR".
/*
/*	\fB-t\fR limits the run (default 60 seconds): on a damaged file a
/*	Tokyo Cabinet cursor can loop forever.
/* DIAGNOSTICS
/*	Exit status 0: well-formed; 1: a malformed file or record (the
/*	line says BAD); 2: the file cannot be opened (the reason is
/*	printed: missing, locked, not a B+tree); 3: time limit or walk
/*	limit reached (a loop in a damaged file).
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Tokyo Cabinet. */

#include <tcutil.h>
#include <tcbdb.h>

/* Utility library. */

#include <msg.h>
#include <msg_output.h>
#include <vstring.h>

/* Application-specific. */

#include "greylist_store.h"
#include "greylist_key.h"

static const char *dbcheck_path;

/* dbcheck_alarm - time limit */

static void dbcheck_alarm(int unused_sig)
{
    static const char text[] = "dbcheck: time limit reached (a loop in a damaged file?)\n";

    (void) (write(2, text, sizeof(text) - 1) < 0);
    _exit(3);
}

/* printable - a key for humans */

static const char *printable(VSTRING *buf, const char *data, int len)
{
    int     i;
    unsigned char ch;

    VSTRING_RESET(buf);
    for (i = 0; i < len && i < 200; i++) {
	ch = (unsigned char) data[i];
	if (ch >= 0x20 && ch < 0x7f && ch != '\\')
	    VSTRING_ADDCH(buf, ch);
	else
	    vstring_sprintf_append(buf, "\\x%02x", ch);
    }
    VSTRING_TERMINATE(buf);
    return (vstring_str(buf));
}

/* lexcmp - Tokyo Cabinet's default order */

static int lexcmp(const char *a, int alen, const char *b, int blen)
{
    int     n = memcmp(a, b, alen < blen ? alen : blen);

    return (n ? n : alen - blen);
}

static void usage(void)
{
    fprintf(stderr, "usage: dbcheck [-luv] [-t seconds] file\n");
    exit(2);
}

int     main(int argc, char **argv)
{
    TCBDB  *bdb;
    BDBCUR *cur;
    int     ch;
    int     verbose = 0;
    int     list = 0;
    int     allow_unindexed = 0;
    int     limit = 60;
    const char *kp;
    const char *vp;
    int     ksize;
    int     vsize;
    VSTRING *prev = vstring_alloc(100);
    VSTRING *pbuf = vstring_alloc(100);
    int     have_prev = 0;
    long    records = 0;
    long    triplets = 0;
    long    pending = 0;
    long    passed = 0;
    long    clients = 0;
    long    index = 0;
    long    malformed = 0;
    long    badkey = 0;
    long    dangling = 0;
    long    unindexed = 0;
    long    order = 0;
    long    walk_limit;
    uint64_t rnum;
    uint8_t flags;
    int     bad;
    GREYLIST_TRIPLET triplet;
    GREYLIST_CLIENT client;
    time_t  when;
    const char *rkey;
    ssize_t rklen;
    TCMAP  *indexed;			/* record keys named by the index */
    TCLIST *index_keys;			/* index keys, checked after the walk */
    TCLIST *record_keys;		/* T/C keys, checked after the walk */
    int     i;
    int     n;
    const char *k;
    int     klen;

    msg_stderr_init("dbcheck");
    while ((ch = getopt(argc, argv, "lt:uv")) > 0) {
	switch (ch) {
	case 'l':
	    list = 1;
	    break;
	case 't':
	    limit = atoi(optarg);
	    break;
	case 'u':
	    allow_unindexed = 1;
	    break;
	case 'v':
	    verbose = 1;
	    break;
	default:
	    usage();
	}
    }
    if (argc != optind + 1)
	usage();
    dbcheck_path = argv[optind];
    signal(SIGALRM, dbcheck_alarm);
    if (limit > 0)
	alarm(limit);

    /*
     * Writer, so that an interrupted transaction is rolled back as the
     * daemon would; never create, never wait.
     */
    bdb = tcbdbnew();
    if (!tcbdbopen(bdb, dbcheck_path, BDBOREADER | BDBOLCKNB)) {
	printf("dbcheck: %s: cannot open: %s\n", dbcheck_path,
	       tcbdberrmsg(tcbdbecode(bdb)));
	exit(2);
    }
    flags = tcbdbflags(bdb);			/* before this open changes them */
    (void) tcbdbclose(bdb);
    tcbdbdel(bdb);
    bdb = tcbdbnew();
    if (!tcbdbopen(bdb, dbcheck_path, BDBOWRITER | BDBOLCKNB)) {
	printf("dbcheck: %s: cannot open: %s\n", dbcheck_path,
	       tcbdberrmsg(tcbdbecode(bdb)));
	exit(2);
    }
    flags |= tcbdbflags(bdb) & BDBFFATAL;
    rnum = tcbdbrnum(bdb);
    walk_limit = (long) rnum * 2 + 1000;
    indexed = tcmapnew();
    index_keys = tclistnew();
    record_keys = tclistnew();

    /*
     * The walk.
     */
    cur = tcbdbcurnew(bdb);
    if (tcbdbcurfirst(cur)) {
	do {
	    if ((kp = tcbdbcurkey3(cur, &ksize)) == 0
		|| (vp = tcbdbcurval3(cur, &vsize)) == 0) {
		printf("dbcheck: %s: cursor: %s\n", dbcheck_path,
		       tcbdberrmsg(tcbdbecode(bdb)));
		malformed++;
		break;
	    }
	    if (++records > walk_limit) {
		printf("dbcheck: %s: more than %ld records in a walk of a file that says %llu: loop?\n",
		       dbcheck_path, walk_limit, (unsigned long long) rnum);
		exit(3);
	    }
	    if (have_prev && lexcmp(vstring_str(prev), VSTRING_LEN(prev), kp, ksize) >= 0) {
		order++;
		if (verbose)
		    printf("order: %s after a key that is not smaller\n",
			   printable(pbuf, kp, ksize));
	    }
	    vstring_memcpy(prev, kp, ksize);
	    have_prev = 1;
	    if (ksize < 2) {
		badkey++;
		if (verbose)
		    printf("badkey: \"%s\" (too short)\n", printable(pbuf, kp, ksize));
		continue;
	    }
	    switch ((unsigned char) kp[0]) {
	    case (unsigned char) GREYLIST_KEY_TRIPLET:
		triplets++;
		tclistpush(record_keys, kp, ksize);
		if (!greylist_triplet_decode(vp, vsize, &triplet)) {
		    malformed++;
		    if (verbose)
			printf("malformed: triplet %s: %d bytes, version %d\n",
			       printable(pbuf, kp, ksize), vsize,
			       vsize > 0 ? (unsigned char) vp[0] : -1);
		} else {
		    if (triplet.state == GREYLIST_STATE_PENDING)
			pending++;
		    else
			passed++;
		    if (list)
			printf("T %s %s %ld\n", printable(pbuf, kp + 1, ksize - 1),
			       triplet.state == GREYLIST_STATE_PENDING ? "pending" : "passed",
			       (long) triplet.first_seen);
		}
		break;
	    case (unsigned char) GREYLIST_KEY_CLIENT:
		clients++;
		tclistpush(record_keys, kp, ksize);
		if (!greylist_client_decode(vp, vsize, &client)) {
		    malformed++;
		    if (verbose)
			printf("malformed: client %s: %d bytes\n",
			       printable(pbuf, kp, ksize), vsize);
		}
		break;
	    case (unsigned char) GREYLIST_KEY_INDEX:
		index++;
		if (!greylist_index_parse(kp, ksize, &when, &rkey, &rklen)
		    || vsize != 0 || rklen < 2
		    || (rkey[0] != GREYLIST_KEY_TRIPLET && rkey[0] != GREYLIST_KEY_CLIENT)) {
		    malformed++;
		    if (verbose)
			printf("malformed: index key %s (value %d bytes)\n",
			       printable(pbuf, kp, ksize), vsize);
		} else {
		    tclistpush(index_keys, rkey, (int) rklen);
		    tcmapput(indexed, rkey, (int) rklen, "", 0);
		}
		break;
	    case (unsigned char) GREYLIST_KEY_META:
		if (ksize != sizeof(GREYLIST_SEAL_KEY) - 1
		    || memcmp(kp, GREYLIST_SEAL_KEY, ksize) != 0) {
		    badkey++;
		    if (verbose)
			printf("badkey: %s (unknown meta record)\n",
			       printable(pbuf, kp, ksize));
		}
		break;
	    default:
		badkey++;
		if (verbose)
		    printf("badkey: %s (unknown prefix)\n", printable(pbuf, kp, ksize));
		break;
	    }
	} while (tcbdbcurnext(cur));
    }
    if (tcbdbecode(bdb) != TCESUCCESS && tcbdbecode(bdb) != TCENOREC
	&& tcbdbecode(bdb) != TCEINVALID) {
	printf("dbcheck: %s: walk ended with an error: %s\n", dbcheck_path,
	       tcbdberrmsg(tcbdbecode(bdb)));
	malformed++;
    }
    tcbdbcurdel(cur);

    /*
     * Cross references: every index entry names a record, every record
     * has an index entry.
     */
    n = tclistnum(index_keys);
    for (i = 0; i < n; i++) {
	k = tclistval(index_keys, i, &klen);
	if (tcbdbvnum(bdb, k, klen) < 1) {
	    dangling++;
	    if (verbose)
		printf("dangling: index entry for missing record %s\n",
		       printable(pbuf, k, klen));
	}
    }
    n = tclistnum(record_keys);
    for (i = 0; i < n; i++) {
	k = tclistval(record_keys, i, &klen);
	if (tcmapget(indexed, k, klen, &vsize) == 0) {
	    unindexed++;
	    if (verbose)
		printf("unindexed: record %s has no index entry\n",
		       printable(pbuf, k, klen));
	}
    }

    bad = (malformed || badkey || dangling || order
	   || (!allow_unindexed && unindexed)
	   || (uint64_t) records != rnum || (flags & BDBFFATAL));
    printf("dbcheck: %s: %s records=%ld triplets=%ld (pending=%ld passed=%ld) clients=%ld index=%ld malformed=%ld badkey=%ld dangling=%ld unindexed=%ld order=%ld rnum=%llu flags=%s%s\n",
	   dbcheck_path, bad ? "BAD" : "ok", records, triplets, pending, passed,
	   clients, index, malformed, badkey, dangling, unindexed, order,
	   (unsigned long long) rnum,
	   (flags & BDBFOPEN) ? "not-closed" : "closed",
	   (flags & BDBFFATAL) ? ",FATAL" : "");
    tclistdel(index_keys);
    tclistdel(record_keys);
    tcmapdel(indexed);
    if (!tcbdbclose(bdb)) {
	printf("dbcheck: %s: close: %s\n", dbcheck_path, tcbdberrmsg(tcbdbecode(bdb)));
	bad = 1;
    }
    tcbdbdel(bdb);
    vstring_free(prev);
    vstring_free(pbuf);
    exit(bad ? 1 : 0);
}
