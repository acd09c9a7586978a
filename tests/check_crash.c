/*++
/* NAME
/*	check_crash 1
/* SUMMARY
/*	fault injection: greylistd never blocks mail, never loses the database
/* SYNOPSIS
/*	./check_crash
/* DESCRIPTION
/*	Each test runs the real daemon ($GREYLIST_TOPDIR/libexec/greylistd)
/*	in a private directory (main.cf, greylistd.cf with
/*	greylist_test_clock = yes, a database directory of the serving
/*	user: nobody when run as root) and injects one fault:
/* .IP kill
/*	SIGKILL at random moments of a -L daemon under load from four
/*	connections with unique triplets (100 kills; GREYLIST_STRESS=long:
/*	1000; GREYLIST_TEST_SLOW, as under valgrind: 20; GREYLIST_CRASH_KILLS=n
/*	overrides). A kill lands 3-40 ms after the start (during start-up:
/*	the open that rolls the previous transaction back), 50-400 ms after
/*	it (the issue's range), 400-1200 ms after it, around the first
/*	commit (greylist_commit_interval = 1s, its minimum, so that a kill
/*	50-400 ms after the start never meets a commit: the first reply +
/*	960-1060 ms), or 1.6-2.2 s or 2.3-2.7 s after it (10%, 20%, 30%,
/*	30%, 5%, 5%; the last window always follows the second commit, so
/*	that even a short run has triplets that the log proves committed).
/*	After each kill near a commit, late or at start-up, and every third
/*	other one, a copy of the file and its undo log must pass
/*	dbcheck(1) (Tokyo Cabinet rolls back at open, as the daemon will);
/*	after every kill the log must have no damage, fatal or panic, and the
/*	next start must answer. The daemon runs with -v, which logs
/*	"committed N updates" after each commit. The event loop queues an
/*	update for the database thread before it logs the decision, and the
/*	thread takes what is queued after it has logged a commit: every
/*	triplet whose "action=greylist" line comes before a commit line
/*	is in the next commit at the latest, so a triplet followed by two
/*	commit lines was committed and must survive; so must every
/*	triplet acknowledged more than commit
/*	interval + 0.5 s before the kill (and one acknowledged two commit
/*	intervals + 0.5 s before must be committed by the log). At the end
/*	all of them are asked for with policy_test_time one day later: a
/*	known pending triplet passes (DUNNO), a lost one would be
/*	greylisted again. Auto-whitelisting is off so that it cannot hide a
/*	loss. The triplets that were allowed to be lost are asked for too:
/*	what survived of them must be whole transactions.
/* .IP sigterm
/*	SIGTERM under load (5 times): exit status 0, "terminated -- exiting",
/*	and every triplet acknowledged before the daemon went away is known
/*	after a restart. The same with master(8) going away: the daemon runs
/*	as under master (status socket pair as descriptor 5, listening socket
/*	as 6, GENERATION, -t unix -l), and the test closes its end of the
/*	status channel.
/* .IP corrupt
/*	A database of 20000 triplets (40000 records) damaged before the start:
/*	truncated to half, header zeroed, 64 KiB of random bytes in the middle
/*	and in the bucket array, a text file, a triplet record with a bad
/*	version (written through Tokyo Cabinet in a transaction). The daemon
/*	must start, answer every request (lookups of all 20000 triplets), log
/*	one clear warning, move a damaged file aside as
/*	<name>.corrupt.<time> and work on an empty (or repaired) file. Also
/*	damage made while the daemon runs (64 KiB overwritten in the middle of
/*	its file, then lookups of every triplet).
/* .IP full
/*	(root only) The database on a 3 MiB tmpfs (in a private mount
/*	namespace, unmounted at the end; the bucket array alone takes 2 MiB):
/*	load until commits fail. The daemon keeps answering, lets new
/*	triplets through (DUNNO) while it cannot commit, logs one warning a
/*	minute (the rest are counted as suppressed, visible with -v), never
/*	takes the file for damaged, the file stays consistent (dbcheck) and
/*	keeps what was committed; after a remount with 16 MiB, recording
/*	resumes.
/* .IP perm
/*	A database directory that the serving user cannot write, one that it
/*	cannot create (non-root; as root the daemon makes it for the user),
/*	one that everybody can write: exit status 1 and a fatal error that
/*	names the path (and the user). A file and directory made unreadable
/*	(mode 000) while the daemon runs: the open handle keeps working
/*	(greylisting and commits), SIGTERM still ends it cleanly; then (root
/*	only: the file on a tmpfs that the test fills) after a write fails
/*	the daemon cannot open the file again and answers DUNNO with one
/*	warning until modes and room are back.
/* .IP lock
/*	A second -L daemon on the same file (exit status 1, "locked by another
/*	process" and the master.cf fix); a -S copy beside a running daemon
/*	(DUNNO within greylist_lock_timeout + 1 s, with a warning); a -S copy
/*	while an admin tool holds the file for 3 s (it waits, at most the lock
/*	timeout, and the file stays well-formed).
/* .IP uid
/*	(root only) The serving process's real, effective, saved and file
/*	system uids and gids are not 0, and it has no capabilities.
/* .PP
/*	Root-only parts print a line starting with "SKIPPED:" and pass when
/*	not run as root. Every daemon that a test starts is killed by pid
/*	when the test ends, also on failure (and from an atexit handler);
/*	every test has a time limit. KEEP_TMPDIR=1 keeps the directories.
/*	GREYLIST_CRASH_SEED sets the random seed (printed by each test).
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Tokyo Cabinet. */

#include <tcutil.h>
#include <tcbdb.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <argv.h>

/* Application-specific. */

#include <inet_prefix.h>
#include "greylist_key.h"
#include "greylist_policy.h"
#include "greylist_store.h"
#include "testlib.h"
#include "unitlib.h"

#define STR(x)	vstring_str(x)

 /*
  * Reply kinds.
  */
#define KIND_NONE	0
#define KIND_DEFER	1			/* greylisted */
#define KIND_DUNNO	2			/* pass, known, or error */
#define KIND_OTHER	3

 /*
  * One test's world.
  */
typedef struct CRASH_ENV {
    char   *dir;			/* private directory, 0755 */
    char   *data;			/* database directory */
    char   *db;				/* database file */
    char   *sock;			/* -L socket */
    char   *endpoint;			/* unix:$sock */
    char   *log;			/* daemon's standard error */
    char   *bin;			/* greylistd */
    char   *dbcheck;			/* tests/dbcheck */
    char    user[64];			/* who the daemon serves as */
    uid_t   uid;
    gid_t   gid;
    char   *mnt;			/* a tmpfs mounted here, or null */
    unsigned seed;			/* random seed */
} CRASH_ENV;

static CRASH_ENV ce;

 /*
  * Triplets: ids are handed out in order; we remember what happened.
  */
typedef struct TRIP {
    long long ack_ms;			/* when the DEFER reply came, or 0 */
    int     round;			/* kill round or cycle */
    char    kind;			/* reply kind, KIND_NONE if none */
    char    committed;			/* before a "committed" line */
    char    old_enough;			/* acknowledged long before the kill */
} TRIP;

static TRIP *trips;
static long ntrips;
static long trips_cap;

 /*
  * Every process that a test starts, so that none survives it.
  */
#define MAX_PIDS	32
static pid_t ce_pids[MAX_PIDS];
static char *ce_atexit_mnt;
static int atexit_done;

/* pids_add - remember a child */

static void pids_add(pid_t pid)
{
    int     i;

    for (i = 0; i < MAX_PIDS; i++)
	if (ce_pids[i] == 0) {
	    ce_pids[i] = pid;
	    return;
	}
    ck_abort_msg("too many child processes");
}

/* pids_del - forget a child that was reaped */

static void pids_del(pid_t pid)
{
    int     i;

    for (i = 0; i < MAX_PIDS; i++)
	if (ce_pids[i] == pid)
	    ce_pids[i] = 0;
}

/* pids_kill_all - SIGKILL and reap every child we know */

static void pids_kill_all(void)
{
    int     i;

    for (i = 0; i < MAX_PIDS; i++)
	if (ce_pids[i] > 0) {
	    (void) kill(ce_pids[i], SIGKILL);
	    (void) waitpid(ce_pids[i], (int *) 0, 0);
	    ce_pids[i] = 0;
	}
}

/* crash_atexit - last resort */

static void crash_atexit(void)
{
    pids_kill_all();
    if (ce_atexit_mnt) {
	(void) umount2(ce_atexit_mnt, MNT_DETACH);
	ce_atexit_mnt = 0;
    }
}

/* crash_signal - the test dies of a signal: take the daemons with it */

static void crash_signal(int sig)
{
    int     i;

    for (i = 0; i < MAX_PIDS; i++)
	if (ce_pids[i] > 0)
	    (void) kill(ce_pids[i], SIGKILL);
    signal(sig, SIG_DFL);
    (void) raise(sig);
}

/* now_ms - monotonic clock */

static long long now_ms(void)
{
    return (unit_now_ms());
}

/* urand - uniform integer in [lo, hi] */

static long urand(long lo, long hi)
{
    return (lo + (long) (random() % (hi - lo + 1)));
}

/* path_join - dir/name, lives until teardown through the caller */

static char *path_join(const char *dir, const char *name)
{
    VSTRING *buf = vstring_alloc(100);

    vstring_sprintf(buf, "%s/%s", dir, name);
    return (vstring_export(buf));
}

/* count_str - occurrences of text */

static int count_str(const char *hay, const char *needle)
{
    int     n = 0;
    size_t  len = strlen(needle);

    while ((hay = strstr(hay, needle)) != 0) {
	n++;
	hay += len;
    }
    return (n);
}

/* copy_file - plain copy; 0, or -1 (errno set) */

static int copy_file(const char *src, const char *dst)
{
    char    buf[65536];
    ssize_t n;
    int     in;
    int     out;

    if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
	return (-1);
    if ((out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
	(void) close(in);
	return (-1);
    }
    while ((n = read(in, buf, sizeof(buf))) > 0)
	if (write(out, buf, n) != n) {
	    n = -1;
	    break;
	}
    (void) close(in);
    if (close(out) < 0 || n < 0)
	return (-1);
    return (0);
}

/* file_size - or -1 */

static off_t file_size(const char *path)
{
    struct stat st;

    return (stat(path, &st) < 0 ? -1 : st.st_size);
}

/* write_conf - greylistd.cf: the defaults of these tests plus extra lines */

static void write_conf(const char *extra)
{
    VSTRING *buf = vstring_alloc(200);

    vstring_sprintf(buf,
		    "# written by check_crash\n"
		    "greylist_database = btree:%s\n"
		    "greylist_test_clock = yes\n"
		    "greylist_commit_interval = 1s\n"
		    "greylist_auto_whitelist_threshold = 0\n"
		    "greylist_lock_timeout = 2s\n"
		    "greylist_stats_interval = 0\n"
		    "%s",
		    ce.db, extra ? extra : "");
    test_write_file(ce.dir, "greylistd.cf", STR(buf));
    vstring_free(buf);
}

/* use_data_dir - the database lives in this directory (of the serving user) */

static void use_data_dir(const char *dir, int create)
{
    if (ce.data)
	myfree(ce.data);
    if (ce.db)
	myfree(ce.db);
    ce.data = mystrdup(dir);
    ce.db = path_join(dir, "greylist.db");
    if (create) {
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
	    ck_abort_msg("mkdir %s: %s", dir, strerror(errno));
	if (chown(dir, ce.uid, ce.gid) < 0)
	    ck_abort_msg("chown %s: %s", dir, strerror(errno));
    }
    write_conf((char *) 0);
}

/* setup - private directory, configuration */

static void setup(void)
{
    VSTRING *buf = vstring_alloc(200);
    struct passwd *pw;
    const char *seed;

    memset(&ce, 0, sizeof(ce));
    signal(SIGPIPE, SIG_IGN);
    if (getuid() == 0) {
	if ((pw = getpwnam("nobody")) == 0)
	    ck_abort_msg("running as root, but there is no user nobody");
    } else if ((pw = getpwuid(getuid())) == 0) {
	ck_abort_msg("no passwd entry for uid %ld", (long) getuid());
    }
    snprintf(ce.user, sizeof(ce.user), "%s", pw->pw_name);
    ce.uid = pw->pw_uid;
    ce.gid = pw->pw_gid;
    ce.dir = test_tmpdir("crash");
    ce.sock = path_join(ce.dir, "policy");
    vstring_sprintf(buf, "unix:%s", ce.sock);
    ce.endpoint = vstring_export(buf);
    buf = vstring_alloc(200);
    ce.log = path_join(ce.dir, "daemon.log");
    vstring_sprintf(buf, "%s/libexec/greylistd", test_topdir());
    ce.bin = mystrdup(STR(buf));
    if (access(ce.bin, X_OK) < 0)
	ck_abort_msg("%s: %s (run make)", ce.bin, strerror(errno));
    vstring_sprintf(buf, "%s/tests/dbcheck", test_topdir());
    ce.dbcheck = mystrdup(STR(buf));
    if (access(ce.dbcheck, X_OK) < 0)
	ck_abort_msg("%s: %s (run make -f Makefile.out tests-build)",
		     ce.dbcheck, strerror(errno));
    vstring_sprintf(buf,
		    "# written by check_crash\n"
		    "queue_directory = %s\n"
		    "data_directory = %s/data\n"
		    "mail_owner = %s\n"
		    "syslog_name = check_crash\n",
		    ce.dir, ce.dir, ce.user);
    test_write_file(ce.dir, "main.cf", STR(buf));
    vstring_free(buf);
    buf = vstring_alloc(100);
    vstring_sprintf(buf, "%s/data", ce.dir);
    use_data_dir(STR(buf), 1);
    vstring_free(buf);
    seed = getenv("GREYLIST_CRASH_SEED");
    ce.seed = seed ? (unsigned) strtoul(seed, (char **) 0, 10)
	: (unsigned) (time((time_t *) 0) ^ getpid());
    srandom(ce.seed);
    if (atexit_done++ == 0)
	atexit(crash_atexit);
    signal(SIGABRT, crash_signal);
    signal(SIGSEGV, crash_signal);
    signal(SIGBUS, crash_signal);
    signal(SIGTERM, crash_signal);
}

#define FREE_IF(p) do { if (p) { myfree((void *) (p)); (p) = 0; } } while (0)

/* teardown - nothing may survive the test */

static void teardown(void)
{
    pids_kill_all();
    if (ce.mnt) {
	if (umount2(ce.mnt, 0) < 0)
	    (void) umount2(ce.mnt, MNT_DETACH);
	ce_atexit_mnt = 0;
    }
    if (ce.dir) {
	if (getenv("KEEP_TMPDIR") == 0)
	    test_rmdir(ce.dir);
	else
	    printf("kept %s\n", ce.dir);
    }
    FREE_IF(ce.dir);
    FREE_IF(ce.data);
    FREE_IF(ce.db);
    FREE_IF(ce.sock);
    FREE_IF(ce.endpoint);
    FREE_IF(ce.log);
    FREE_IF(ce.bin);
    FREE_IF(ce.dbcheck);
    FREE_IF(ce.mnt);
    if (trips) {
	myfree((void *) trips);
	trips = 0;
	ntrips = trips_cap = 0;
    }
}

 /*
  * Starting processes.
  */
typedef struct SPAWN_FD {
    int     src;			/* our descriptor */
    int     dst;			/* its number in the child */
} SPAWN_FD;

/* spawn - fork and exec with descriptors, environment and log */

static pid_t spawn(char **args, const char *log, const SPAWN_FD *fds, int nfds,
		           char **extra_env)
{
    ARGV   *env = argv_alloc(8);
    VSTRING *buf = vstring_alloc(100);
    pid_t   pid;
    int     i;
    int     fd;
    int     high[8];
    int     max_dst = 2;
    int     have0 = 0;
    int     have1 = 0;

    vstring_sprintf(buf, "MAIL_CONFIG=%s", ce.dir);
    argv_add(env, STR(buf));
    argv_add(env, "LANG=C");
    argv_add(env, "PATH=/usr/bin:/bin:/usr/sbin:/sbin");
    for (i = 0; extra_env && extra_env[i]; i++)
	argv_add(env, extra_env[i]);
    for (i = 0; i < nfds; i++) {
	if (fds[i].dst > max_dst)
	    max_dst = fds[i].dst;
	if (fds[i].dst == 0)
	    have0 = 1;
	if (fds[i].dst == 1)
	    have1 = 1;
    }
    (void) fflush(stdout);
    (void) fflush(stderr);
    if ((pid = fork()) < 0)
	ck_abort_msg("fork: %s", strerror(errno));
    if (pid == 0) {
	/* The child: no ck_assert() here. */
	unit_child_init();
	for (i = 0; i < nfds; i++)
	    if ((high[i] = fcntl(fds[i].src, F_DUPFD, 50)) < 0)
		_exit(126);
	if (log) {
	    if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0
		|| dup2(fd, 2) < 0 || (!have1 && dup2(fd, 1) < 0))
		_exit(126);
	    if (fd > 2)
		(void) close(fd);
	}
	if (!have0) {
	    if ((fd = open("/dev/null", O_RDONLY)) < 0 || dup2(fd, 0) < 0)
		_exit(126);
	    if (fd > 2)
		(void) close(fd);
	}
	for (i = 0; i < nfds; i++)
	    if (dup2(high[i], fds[i].dst) < 0)
		_exit(126);
	for (fd = max_dst + 1; fd < 1024; fd++)
	    (void) close(fd);
	execve(args[0], args, env->argv);
	fprintf(stderr, "exec %s: %s\n", args[0], strerror(errno));
	_exit(127);
    }
    pids_add(pid);
    argv_free(env);
    vstring_free(buf);
    return (pid);
}

/* wait_pid - wait at most timeout_ms; 1 when it ended */

static int wait_pid(pid_t pid, int timeout_ms, int *status)
{
    if (!test_wait_pid(pid, status, timeout_ms))
	return (0);
    pids_del(pid);
    return (1);
}

/* kill_wait - signal and reap; status of the child */

static int kill_wait(pid_t pid, int sig, int timeout_ms)
{
    int     status = 0;

    (void) kill(pid, sig);
    if (!wait_pid(pid, timeout_ms, &status)) {
	(void) kill(pid, SIGKILL);
	(void) wait_pid(pid, 5000, &status);
	ck_abort_msg("pid %ld did not end within %d ms of signal %d",
		     (long) pid, timeout_ms, sig);
    }
    return (status);
}

/* describe_status - for messages */

static const char *describe_status(int status)
{
    static char buf[64];

    if (WIFEXITED(status))
	snprintf(buf, sizeof(buf), "exit status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
	snprintf(buf, sizeof(buf), "killed by signal %d", WTERMSIG(status));
    else
	snprintf(buf, sizeof(buf), "wait status 0x%x", status);
    return (buf);
}

/* start_listener - greylistd -L $endpoint [-v] [more args] */

static pid_t start_listener(int verbose, const char *log,...)
{
    ARGV   *args = argv_alloc(10);
    const char *arg;
    va_list ap;
    pid_t   pid;

    argv_add(args, ce.bin);
    if (verbose)
	argv_add(args, "-v");
    argv_add(args, "-L");
    argv_add(args, ce.endpoint);
    va_start(ap, log);
    while ((arg = va_arg(ap, const char *)) != 0)
	argv_add(args, arg);
    va_end(ap);
    pid = spawn(args->argv, log ? log : ce.log, (SPAWN_FD *) 0, 0, (char **) 0);
    argv_free(args);
    return (pid);
}

 /*
  * Talking to the daemon.
  */

/* wait_connect - connect within a deadline, or -1 */

static int wait_connect(const char *path, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    int     fd;

    while ((fd = test_unix_connect(path, 1)) < 0 && now_ms() < deadline)
	test_sleep_ms(5);
    return (fd);
}

/* req_append - one policy request for triplet id */

static void req_append(VSTRING *buf, long id, long test_time)
{
    vstring_sprintf_append(buf,
			   "request=smtpd_access_policy\n"
			   "protocol_state=RCPT\n"
			   "client_address=10.%ld.%ld.%ld\n"
			   "sender=t%ld@crash.test\n"
			   "recipient=r%ld@example.com\n",
			   (id / 62500) % 250 + 1, (id / 250) % 250 + 1,
			   id % 250 + 1, id, id % 1000);
    if (test_time)
	vstring_sprintf_append(buf, "policy_test_time=%ld\n", test_time);
    VSTRING_ADDCH(buf, '\n');
    VSTRING_TERMINATE(buf);
}

/* reply_kind - classify one reply */

static int reply_kind(const char *reply)
{
    if (strncmp(reply, "action=DEFER_IF_PERMIT", 22) == 0)
	return (KIND_DEFER);
    if (strncmp(reply, "action=DUNNO", 12) == 0)
	return (KIND_DUNNO);
    return (KIND_OTHER);
}

/* reply_take - move complete replies out of the input buffer */

static int reply_take(VSTRING *in, int *kinds, int max)
{
    char   *start = STR(in);
    char   *end;
    int     n = 0;
    ssize_t used;

    while (n < max && (end = strstr(start, "\n\n")) != 0) {
	kinds[n++] = reply_kind(start);
	start = end + 2;
    }
    used = start - STR(in);
    if (used > 0) {
	memmove(STR(in), start, VSTRING_LEN(in) - used);
	vstring_truncate(in, VSTRING_LEN(in) - used);
	VSTRING_TERMINATE(in);
    }
    return (n);
}

/* write_all - write to a non-blocking socket within a deadline; 0 or -1 */

static int write_all(int fd, const char *buf, ssize_t len, long long deadline)
{
    struct pollfd pfd;
    ssize_t n;

    while (len > 0) {
	if ((n = send(fd, buf, len, MSG_NOSIGNAL)) > 0) {
	    buf += n;
	    len -= n;
	    continue;
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR)
	    return (-1);
	if (now_ms() >= deadline)
	    return (-1);
	pfd.fd = fd;
	pfd.events = POLLOUT;
	(void) poll(&pfd, 1, 10);
    }
    return (0);
}

/* read_replies - read until want replies are complete; count, or -1 on EOF */

static int read_replies(int fd, VSTRING *in, int *kinds, int want, long long deadline)
{
    int     got = 0;
    int     more;

    for (;;) {
	got += reply_take(in, kinds + got, want - got);
	if (got >= want)
	    return (got);
	if ((more = test_read_more(fd, in, deadline)) < 0)
	    return (got);
	if (more == 0) {
	    got += reply_take(in, kinds + got, want - got);
	    return (got < want ? -1 : got);
	}
    }
}

/* ask_ids - ask about each id on one connection; replies answered */

static long ask_ids(const char *sock, const long *ids, long n, long test_time,
		            int *kinds)
{
    VSTRING *out = vstring_alloc(32768);
    VSTRING *in = vstring_alloc(32768);
    long    done = 0;
    long    chunk;
    long    i;
    int     got;
    int     fd;

    if ((fd = wait_connect(sock, 5000)) < 0) {
	vstring_free(out);
	vstring_free(in);
	return (0);
    }
    while (done < n) {
	chunk = n - done > 200 ? 200 : n - done;
	VSTRING_RESET(out);
	for (i = 0; i < chunk; i++)
	    req_append(out, ids[done + i], test_time);
	if (write_all(fd, STR(out), VSTRING_LEN(out), now_ms() + 10000) < 0)
	    break;
	got = read_replies(fd, in, kinds + done, (int) chunk, now_ms() + 15000);
	if (got > 0)
	    done += got;
	if (got != chunk)
	    break;
    }
    (void) close(fd);
    vstring_free(out);
    vstring_free(in);
    return (done);
}

/* ask_one - one request on its own connection: KIND_*, or KIND_NONE */

static int ask_one(const char *sock, long id, long test_time, int timeout_ms)
{
    VSTRING *out = vstring_alloc(200);
    VSTRING *in = vstring_alloc(200);
    int     kind = KIND_NONE;
    int     fd;

    if ((fd = wait_connect(sock, timeout_ms)) >= 0) {
	req_append(out, id, test_time);
	if (write_all(fd, STR(out), VSTRING_LEN(out), now_ms() + timeout_ms) == 0
	    && read_replies(fd, in, &kind, 1, now_ms() + timeout_ms) != 1)
	    kind = KIND_NONE;
	(void) close(fd);
    }
    vstring_free(out);
    vstring_free(in);
    return (kind);
}

/* wait_answering - the daemon answers a request that needs no database */

static int wait_answering(const char *sock, int timeout_ms)
{
    static const char probe[] =
	"request=smtpd_access_policy\nprotocol_state=DATA\n"
	"client_address=192.0.2.1\nsender=a@b.example\nrecipient=c@d.example\n\n";
    long long deadline = now_ms() + timeout_ms;
    VSTRING *in = vstring_alloc(100);
    int     kind = KIND_NONE;
    int     fd;

    while (now_ms() < deadline) {
	if ((fd = test_unix_connect(sock, 1)) >= 0) {
	    if (write_all(fd, probe, sizeof(probe) - 1, deadline) == 0
		&& read_replies(fd, in, &kind, 1, deadline) == 1) {
		(void) close(fd);
		break;
	    }
	    (void) close(fd);
	}
	test_sleep_ms(10);
    }
    vstring_free(in);
    return (kind == KIND_DUNNO);
}

 /*
  * Triplets: ids are handed out in order; we remember what happened.
  */

/* trip_new - next unique triplet */

static long trip_new(int round)
{
    if (ntrips >= trips_cap) {
	trips_cap = trips_cap ? 2 * trips_cap : 65536;
	trips = (TRIP *) (trips ? myrealloc((void *) trips, trips_cap * sizeof(TRIP))
			  : mymalloc(trips_cap * sizeof(TRIP)));
    }
    memset(trips + ntrips, 0, sizeof(TRIP));
    trips[ntrips].round = round;
    return (ntrips++);
}

 /*
  * Load: several connections, one request outstanding on each, unique
  * triplets, a time stamp for each reply. Optionally an action at a given
  * time (a signal), after which the connections are kept until the daemon
  * closes them.
  */
#define LOAD_MAXCONN	8

typedef struct LOAD {
    const char *sock;			/* where to connect */
    int     nconn;			/* connections */
    double  rate;			/* requests/s in all, 0: as fast as replies */
    int     round;			/* recorded with each triplet */
    long long until_ms;			/* stop here (0: see end_ms) */
    long long kill_after_first;		/* > 0: until = first reply + this */
    int     drain_fd;			/* master status channel, or -1 */
    long long act_ms;			/* when to act, 0: never */
    void    (*act_fn) (void *);
    void   *act_ctx;
    long long end_ms;			/* after the action: give up here */
    /* Results. */
    long long start_ms;
    long long first_reply_ms;
    long long acted_ms;
    long    sent;
    long    defer;
    long    dunno;
    long    other;
    long    after_act;			/* replies after the action */
    int     eof;			/* a connection ended */
} LOAD;

typedef struct LCONN {
    int     fd;
    long    id;				/* outstanding, or -1 */
    VSTRING *in;
} LCONN;

/* load_run - see above */

static void load_run(LOAD *ld)
{
    LCONN   conns[LOAD_MAXCONN];
    struct pollfd pfds[LOAD_MAXCONN + 1];
    int     map[LOAD_MAXCONN + 1];
    VSTRING *out = vstring_alloc(300);
    char    chunk[8192];
    long long now;
    long long wait;
    int     acted = 0;
    int     npfd;
    int     kinds[4];
    int     open_conns;
    int     i;
    int     n;
    ssize_t len;

    ld->start_ms = now_ms();
    ld->first_reply_ms = 0;
    for (i = 0; i < ld->nconn; i++) {
	conns[i].fd = -1;
	conns[i].id = -1;
	conns[i].in = vstring_alloc(256);
    }
    for (;;) {
	now = now_ms();
	if (!acted && ld->act_fn && ld->act_ms && now >= ld->act_ms) {
	    ld->act_fn(ld->act_ctx);
	    ld->acted_ms = now;
	    acted = 1;
	}
	if (ld->until_ms && now >= ld->until_ms)
	    break;
	open_conns = 0;
	for (i = 0; i < ld->nconn; i++)
	    if (conns[i].fd >= 0)
		open_conns++;
	if (acted && (open_conns == 0 || now >= ld->end_ms))
	    break;

	/*
	 * Connect (not after the action), and send where nothing is
	 * outstanding.
	 */
	for (i = 0; i < ld->nconn; i++) {
	    if (conns[i].fd < 0 && !acted)
		conns[i].fd = test_unix_connect(ld->sock, 1);
	    if (conns[i].fd < 0 || conns[i].id >= 0)
		continue;
	    if (ld->rate > 0 && ld->sent >= ld->rate * (now - ld->start_ms) / 1000.0 + 1)
		continue;
	    conns[i].id = trip_new(ld->round);
	    VSTRING_RESET(out);
	    req_append(out, conns[i].id, 0);
	    if (send(conns[i].fd, STR(out), VSTRING_LEN(out), MSG_NOSIGNAL)
		!= (ssize_t) VSTRING_LEN(out)) {
		/* Not ready yet (refused), or gone. */
		(void) close(conns[i].fd);
		conns[i].fd = -1;
		conns[i].id = -1;
		continue;
	    }
	    ld->sent++;
	}

	/*
	 * Wait a little for replies (and the status channel).
	 */
	npfd = 0;
	for (i = 0; i < ld->nconn; i++) {
	    if (conns[i].fd >= 0 && conns[i].id >= 0) {
		pfds[npfd].fd = conns[i].fd;
		pfds[npfd].events = POLLIN;
		map[npfd++] = i;
	    }
	}
	if (ld->drain_fd >= 0) {
	    pfds[npfd].fd = ld->drain_fd;
	    pfds[npfd].events = POLLIN;
	    map[npfd++] = -1;
	}
	wait = 2;
	if (ld->until_ms && ld->until_ms - now < wait)
	    wait = ld->until_ms - now;
	if (wait < 0)
	    wait = 0;
	if (poll(pfds, npfd, (int) wait) <= 0)
	    continue;
	now = now_ms();
	for (n = 0; n < npfd; n++) {
	    if (pfds[n].revents == 0)
		continue;
	    if (map[n] < 0) {
		if (read(ld->drain_fd, chunk, sizeof(chunk)) == 0)
		    ld->drain_fd = -1;
		continue;
	    }
	    i = map[n];
	    len = read(conns[i].fd, chunk, sizeof(chunk));
	    if (len > 0) {
		vstring_memcat(conns[i].in, chunk, len);
		VSTRING_TERMINATE(conns[i].in);
		if (reply_take(conns[i].in, kinds, 1) == 1) {
		    TRIP   *tp = trips + conns[i].id;

		    tp->kind = kinds[0];
		    if (kinds[0] == KIND_DEFER) {
			tp->ack_ms = now;
			ld->defer++;
		    } else if (kinds[0] == KIND_DUNNO) {
			ld->dunno++;
		    } else {
			ld->other++;
		    }
		    if (acted)
			ld->after_act++;
		    if (ld->first_reply_ms == 0) {
			ld->first_reply_ms = now;
			if (ld->kill_after_first > 0)
			    ld->until_ms = now + ld->kill_after_first;
		    }
		    conns[i].id = -1;
		}
	    } else if (len == 0 || (errno != EAGAIN && errno != EINTR)) {
		ld->eof = 1;
		(void) close(conns[i].fd);
		conns[i].fd = -1;
		conns[i].id = -1;
	    }
	}
    }
    for (i = 0; i < ld->nconn; i++) {
	if (conns[i].fd >= 0)
	    (void) close(conns[i].fd);
	vstring_free(conns[i].in);
    }
    vstring_free(out);
}

 /*
  * The database checker.
  */

/* run_dbcheck - exit status of tests/dbcheck on a file; its output */

static int run_dbcheck(const char *path, VSTRING *output, const char *opts)
{
    VSTRING *cmd = vstring_alloc(200);
    FILE   *fp;
    char    line[4096];
    int     status;

    vstring_sprintf(cmd, "'%s' -t 60 %s '%s' 2>&1", ce.dbcheck, opts ? opts : "", path);
    (void) fflush(stdout);
    if ((fp = popen(STR(cmd), "r")) == 0)
	ck_abort_msg("popen %s: %s", STR(cmd), strerror(errno));
    VSTRING_RESET(output);
    while (fgets(line, sizeof(line), fp) != 0)
	vstring_strcat(output, line);
    status = pclose(fp);
    vstring_free(cmd);
    return (WIFEXITED(status) ? WEXITSTATUS(status) : 99);
}

/* dbcheck_copy - check a copy of the file and its undo log, as found */

static int dbcheck_copy(const char *db, VSTRING *output)
{
    char   *copy = path_join(ce.dir, "copy.db");
    char   *wal = path_join(ce.dir, "copy.db.wal");
    VSTRING *src_wal = vstring_alloc(100);
    int     status;

    (void) unlink(wal);
    if (copy_file(db, copy) < 0)
	ck_abort_msg("copy %s: %s", db, strerror(errno));
    vstring_sprintf(src_wal, "%s.wal", db);
    if (copy_file(STR(src_wal), wal) < 0 && errno != ENOENT)
	ck_abort_msg("copy %s: %s", STR(src_wal), strerror(errno));
    status = run_dbcheck(copy, output, (char *) 0);
    (void) unlink(copy);
    (void) unlink(wal);
    myfree(copy);
    myfree(wal);
    vstring_free(src_wal);
    return (status);
}

/* log_bad_line - first line that shows damage or a crash, or null */

static const char *log_bad_line(const char *text, VSTRING *line)
{
    static const char *bad[] = {
	"fatal:", "panic:", "damaged", "moved it aside", "malformed",
	"letting mail through", "cannot", 0,
    };
    const char *cp;
    const char *end;
    int     i;

    for (cp = text; *cp; cp = end + (*end != 0)) {
	end = strchrnul(cp, '\n');
	for (i = 0; bad[i]; i++) {
	    const char *hit = strstr(cp, bad[i]);

	    if (hit && hit < end) {
		vstring_strncpy(line, cp, end - cp);
		return (STR(line));
	    }
	}
    }
    return (0);
}

/* log_line - "%.*s" arguments for the line of text that has needle */

#define log_line(text, needle) \
	(int) (strchrnul(line_start((text), (needle)), '\n') - line_start((text), (needle))), \
	line_start((text), (needle))

static const char *line_start(const char *text, const char *needle)
{
    const char *hit = strstr(text, needle);

    if (hit == 0)
	return ("(none)");
    while (hit > text && hit[-1] != '\n')
	hit--;
    return (hit);
}

/* tail_of - the last lines of a text, for messages */

static const char *tail_of(const char *text, int lines)
{
    const char *cp = text + strlen(text);

    while (cp > text && lines >= 0) {
	cp--;
	if (*cp == '\n')
	    lines--;
    }
    return (cp);
}

 /*
  * Kill at any instant.
  */
#define COMMIT_MS	1000		/* greylist_commit_interval */
#define SLACK_MS	500		/* the issue's slack */
#define KILL_RATE	1000.0		/* requests/s during the kill rounds */

typedef struct KILL_STATS {
    int     kills;
    int     startup;			/* 3-40 ms after the start */
    int     early;			/* 50-400 ms after the start */
    int     middle;			/* 400-1200 ms */
    int     at_commit;			/* around the first commit */
    int     long_ones;			/* 1.6-2.2 s, 2.3-2.7 s */
    int     unanswered;			/* killed before the first reply */
    int     rounds_with_commit;
    int     commit_window_no_commit;	/* killed near the commit, none logged */
    long    acked;
    long    committed;
    long    old_enough;
    long    dunno;			/* error answers during the load */
    long long dbcheck_ms;
    int     dbchecks;
    long long restart_ms_max;		/* start to first reply */
} KILL_STATS;

#define MAX_ROUNDS	10000
static long long round_start_ms[MAX_ROUNDS];
static long long round_kill_ms[MAX_ROUNDS];
static int round_commits[MAX_ROUNDS];
static char round_in_commit[MAX_ROUNDS];	/* killed near a commit, none logged */

/* parse_kill_log - which acknowledged triplets were committed */

static void parse_kill_log(const char *text, int *commits)
{
    const char *cp;
    const char *end;
    const char *hit;
    long   *pending = 0;			/* since the last commit line */
    long    npending = 0;
    long    nprevious = 0;			/* before it: in the next commit */
    long    cap = 0;
    long    id;
    long    i;

    *commits = 0;
    for (cp = text; *cp; cp = end + (*end != 0)) {
	end = strchrnul(cp, '\n');
	if (*end == 0)
	    break;				/* a line cut by the kill */
	if ((hit = strstr(cp, " action=greylist ")) != 0 && hit < end
	    && (hit = strstr(hit, " sender=<t")) != 0 && hit < end) {
	    id = strtol(hit + 10, (char **) 0, 10);
	    if (id >= 0 && id < ntrips) {
		if (npending >= cap) {
		    cap = cap ? 2 * cap : 4096;
		    pending = (long *) (pending ? myrealloc((void *) pending, cap * sizeof(long))
					: mymalloc(cap * sizeof(long)));
		}
		pending[npending++] = id;
	    }
	} else if ((hit = strstr(cp, ": committed ")) != 0 && hit < end) {
	    for (i = 0; i < nprevious; i++)
		trips[pending[i]].committed = 1;
	    if (nprevious > 0)
		memmove((void *) pending, (void *) (pending + nprevious),
			(npending - nprevious) * sizeof(long));
	    npending -= nprevious;
	    nprevious = npending;
	    *commits += 1;
	} else if ((hit = strstr(cp, "letting mail through")) != 0 && hit < end) {
	    npending = nprevious = 0;		/* the transaction was rolled back */
	}
    }
    if (pending)
	myfree((void *) pending);
}

/* kill_count - how many kills this run */

static int kill_count(void)
{
    const char *stress = getenv("GREYLIST_STRESS");
    const char *override = getenv("GREYLIST_CRASH_KILLS");

    if (override && atoi(override) > 0)
	return (atoi(override));
    if (stress && strcmp(stress, "long") == 0)
	return (1000);
    if (getenv("GREYLIST_TEST_SLOW"))		/* valgrind, sanitizers */
	return (20);
    return (100);
}

/* kill_round - start, load, SIGKILL, check what is left */

static void kill_round(int round, KILL_STATS *ks, VSTRING *logtext, VSTRING *out)
{
    VSTRING *line = vstring_alloc(100);
    LOAD    ld;
    pid_t   pid;
    int     status;
    int     commits;
    int     kind = round % 10;
    long long kill_ms;
    long long kill_after;
    long long t0;
    const char *bad;
    long    first_id = ntrips;
    long    i;

    (void) unlink(ce.log);
    memset(&ld, 0, sizeof(ld));
    ld.sock = ce.sock;
    ld.nconn = 4;
    ld.rate = KILL_RATE;
    ld.round = round;
    ld.drain_fd = -1;
    pid = start_listener(1, ce.log, (char *) 0);
    ld.start_ms = now_ms();
    if (kind == 9) {
	kill_after = (round / 10) % 2 ? urand(2300, 2700) : urand(1600, 2200);
	ks->long_ones++;
	ld.until_ms = ld.start_ms + kill_after;
    } else if (kind % 3 == 0) {
	kill_after = urand(COMMIT_MS - 40, COMMIT_MS + 60);
	ks->at_commit++;
	ld.kill_after_first = kill_after;
	ld.until_ms = ld.start_ms + 3000;	/* if nothing answers */
    } else if (kind == 7) {
	kill_after = urand(3, 40);		/* exec, open, rollback */
	ks->startup++;
	ld.until_ms = ld.start_ms + kill_after;
    } else if (kind % 3 == 1) {
	kill_after = urand(50, 400);
	ks->early++;
	ld.until_ms = ld.start_ms + kill_after;
    } else {
	kill_after = urand(400, 1200);
	ks->middle++;
	ld.until_ms = ld.start_ms + kill_after;
    }
    load_run(&ld);

    /*
     * It must still be running: nothing but us may end it.
     */
    if (waitpid(pid, &status, WNOHANG) == pid) {
	pids_del(pid);
	(void) test_read_file(logtext, ce.log);
	ck_abort_msg("round %d: greylistd ended by itself (%s) before the kill; log:\n%s",
		     round, describe_status(status), tail_of(STR(logtext), 20));
    }
    kill_ms = now_ms();
    status = kill_wait(pid, SIGKILL, 5000);
    if (round < MAX_ROUNDS) {
	round_start_ms[round] = ld.start_ms;
	round_kill_ms[round] = kill_ms;
    }
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		  "round %d: %s", round, describe_status(status));
    ks->kills++;
    ks->dunno += ld.dunno + ld.other;
    ck_assert_msg(ld.dunno + ld.other == 0,
		  "round %d: %ld DUNNO/other answers under load: database trouble?",
		  round, ld.dunno + ld.other);
    if (ld.first_reply_ms == 0) {
	ks->unanswered++;
	ck_assert_msg(kill_ms - ld.start_ms < 1000,
		      "round %d: no answer in %lld ms: the daemon did not start",
		      round, kill_ms - ld.start_ms);
    } else if (ld.first_reply_ms - ld.start_ms > ks->restart_ms_max) {
	ks->restart_ms_max = ld.first_reply_ms - ld.start_ms;
    }

    /*
     * The log: committed triplets, and no sign of damage.
     */
    (void) test_read_file(logtext, ce.log);
    if ((bad = log_bad_line(STR(logtext), line)) != 0)
	ck_abort_msg("round %d: unexpected log line: %s", round, bad);
    parse_kill_log(STR(logtext), &commits);
    if (round < MAX_ROUNDS)
	round_commits[round] = commits;
    if (commits > 0)
	ks->rounds_with_commit++;
    if (kind % 3 == 0 && kind != 9 && ld.first_reply_ms
	&& kill_ms >= ld.first_reply_ms + COMMIT_MS - 5 && commits == 0) {
	ks->commit_window_no_commit++;
	if (round < MAX_ROUNDS)
	    round_in_commit[round] = 1;
    }
    for (i = first_id; i < ntrips; i++) {
	if (trips[i].kind != KIND_DEFER)
	    continue;
	ks->acked++;
	if (trips[i].committed)
	    ks->committed++;
	if (trips[i].ack_ms < kill_ms - COMMIT_MS - SLACK_MS) {
	    trips[i].old_enough = 1;
	    ks->old_enough++;
	}
	/* The log says so a commit later (see parse_kill_log()). */
	if (trips[i].ack_ms < kill_ms - 2 * COMMIT_MS - SLACK_MS)
	    ck_assert_msg(trips[i].committed,
			  "round %d: triplet %ld was acknowledged %lld ms before the kill, "
			  "but two commits were not logged after it (commit interval %d ms)",
			  round, i, kill_ms - trips[i].ack_ms, COMMIT_MS);
    }

    /*
     * The file as the kill left it, rolled back as the next open will: after
     * every kill near a commit, late or at start-up, and every third other
     * one (the file grows, and so does the time to check it).
     */
    if (kind % 3 == 0 || kind == 7 || round % 3 == 0 || round < 10) {
	t0 = now_ms();
	status = dbcheck_copy(ce.db, out);
	ks->dbcheck_ms += now_ms() - t0;
	ks->dbchecks++;
	ck_assert_msg(status == 0, "round %d (kill %lld ms after the start): dbcheck: %s",
		      round, kill_ms - ld.start_ms, STR(out));
    }
    vstring_free(line);
}

START_TEST(test_kill_any_instant)
{
    int     kills = kill_count();
    VSTRING *logtext = vstring_alloc(100000);
    VSTRING *out = vstring_alloc(1000);
    KILL_STATS ks;
    long   *ids;
    int    *kinds;
    long    nids = 0;
    long    lost = 0;
    long    answered;
    long    allowed = 0;
    long    survived = 0;
    long    i;
    long long t0 = now_ms();
    pid_t   pid;
    int     status;
    int     round;

    memset(&ks, 0, sizeof(ks));
    printf("kill test: %d kills, seed %u (GREYLIST_CRASH_SEED)\n", kills, ce.seed);
    for (round = 0; round < kills; round++)
	kill_round(round, &ks, logtext, out);

    /*
     * Every committed triplet, and every one acknowledged long before its
     * kill, is known: a day later, a known pending triplet passes.
     */
    pid = start_listener(0, (char *) 0, (char *) 0);
    ck_assert_msg(wait_answering(ce.sock, 10000), "no answer after the last kill");
    ids = (long *) mymalloc(sizeof(long) * (ntrips + 1));
    kinds = (int *) mymalloc(sizeof(int) * (ntrips + 1));
    for (i = 0; i < ntrips; i++)
	if (trips[i].kind == KIND_DEFER && (trips[i].committed || trips[i].old_enough))
	    ids[nids++] = i;
    answered = ask_ids(ce.sock, ids, nids, (long) time((time_t *) 0) + 86400, kinds);
    ck_assert_msg(answered == nids, "only %ld of %ld lookups answered", answered, nids);
    for (i = 0; i < nids; i++) {
	if (kinds[i] != KIND_DUNNO) {
	    if (lost < 10)
		printf("LOST: triplet %ld (round %d, acknowledged, committed=%d, old_enough=%d)\n",
		       ids[i], trips[ids[i]].round, trips[ids[i]].committed,
		       trips[ids[i]].old_enough);
	    lost++;
	}
    }

    /*
     * What the rules allowed to lose (acknowledged, no commit logged after
     * it): every one of them is asked for. Whatever survived must be whole
     * transactions: in each round, every survivor was acknowledged no later
     * than every lost one (the commit that saved it ended just before the
     * kill, before its log line; or the kill hit a commit that had become
     * durable).
     */
    nids = 0;
    for (i = 0; i < ntrips; i++)
	if (trips[i].kind == KIND_DEFER && !trips[i].committed && !trips[i].old_enough)
	    ids[nids++] = i;
    allowed = nids;
    answered = ask_ids(ce.sock, ids, nids, (long) time((time_t *) 0) + 86400, kinds);
    ck_assert_msg(answered == nids, "only %ld of %ld lookups answered", answered, nids);
    for (round = 0; round < kills && round < MAX_ROUNDS; round++) {
	long long max_survivor = 0;
	long long min_lost = 0;
	long    nsurv = 0;
	long    nround = 0;

	for (i = 0; i < nids; i++) {
	    TRIP   *tp = trips + ids[i];

	    if (tp->round != round)
		continue;
	    nround++;
	    if (kinds[i] == KIND_DUNNO) {
		nsurv++;
		if (tp->ack_ms > max_survivor)
		    max_survivor = tp->ack_ms;
	    } else if (min_lost == 0 || tp->ack_ms < min_lost) {
		min_lost = tp->ack_ms;
	    }
	}
	survived += nsurv;
	if (nsurv > 0 || round_in_commit[round])
	    printf("kill test: round %d, killed %lld ms after the start (%d commits logged): "
		   "%ld of %ld uncommitted triplets survived%s\n", round,
		   round_kill_ms[round] - round_start_ms[round], round_commits[round],
		   nsurv, nround, nsurv ? " (a commit ended just before the kill, before "
		   "its log line)" : " (the commit under way was rolled back)");
	ck_assert_msg(nsurv == 0 || min_lost == 0 || max_survivor <= min_lost,
		      "round %d: part of a transaction survived: a triplet acknowledged at "
		      "%lld ms survived, one acknowledged at %lld ms was lost", round,
		      max_survivor - round_start_ms[round], min_lost - round_start_ms[round]);
    }
    status = kill_wait(pid, SIGTERM, 10000);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "after the kill test: %s", describe_status(status));
    status = run_dbcheck(ce.db, out, (char *) 0);
    printf("kill test: %d kills in %.1f s (%d at 3-40 ms, %d at 50-400 ms, %d at "
	   "400-1200 ms, %d around the first commit, %d at 1.6-2.7 s); %d killed before "
	   "the first answer; "
	   "slowest start to first answer %lld ms; %d rounds committed at least once; "
	   "%d kills in the commit window before a commit was logged; %d killed files "
	   "checked with dbcheck (%lld ms in all)\n",
	   ks.kills, (now_ms() - t0) / 1000.0, ks.startup, ks.early, ks.middle, ks.at_commit,
	   ks.long_ones, ks.unanswered, ks.restart_ms_max, ks.rounds_with_commit,
	   ks.commit_window_no_commit, ks.dbchecks, ks.dbcheck_ms);
    printf("kill test: %ld triplets acknowledged (DEFER); %ld committed before a kill "
	   "(log), %ld acknowledged more than %d ms before a kill; LOST %ld of the "
	   "%ld in either set, which had to survive; %ld were allowed to be "
	   "lost (in neither set): %ld of those were lost, %ld survived "
	   "(whole transactions)\n",
	   ks.acked, ks.committed, ks.old_enough, COMMIT_MS + SLACK_MS, lost,
	   nids, allowed, allowed - survived, survived);
    printf("kill test: final %s", STR(out));
    ck_assert_msg(status == 0, "final dbcheck: %s", STR(out));
    ck_assert_msg(lost == 0, "%ld triplets committed before a kill were lost", lost);
    ck_assert_msg(ks.committed > 0, "no commit happened: the test proved nothing");
    myfree((void *) ids);
    myfree((void *) kinds);
    vstring_free(logtext);
    vstring_free(out);
}

END_TEST

 /*
  * Signals and master(8) going away.
  */
typedef struct SIGNAL_CTX {
    pid_t   pid;
    int     sig;
    int    *close_fd;			/* or: close this descriptor */
    LOAD   *ld;
} SIGNAL_CTX;

/* act_signal - the load's action */

static void act_signal(void *context)
{
    SIGNAL_CTX *sc = (SIGNAL_CTX *) context;

    if (sc->close_fd) {
	(void) close(*sc->close_fd);
	*sc->close_fd = -1;
	sc->ld->drain_fd = -1;
    } else {
	(void) kill(sc->pid, sc->sig);
    }
}

/* verify_acked - every triplet acknowledged in rounds [lo, hi] is known */

static void verify_acked(int lo, int hi, const char *what)
{
    long   *ids = (long *) mymalloc(sizeof(long) * (ntrips + 1));
    int    *kinds = (int *) mymalloc(sizeof(int) * (ntrips + 1));
    long    nids = 0;
    long    lost = 0;
    long    answered;
    long    i;
    pid_t   pid;
    int     status;
    VSTRING *out = vstring_alloc(200);

    for (i = 0; i < ntrips; i++)
	if (trips[i].kind == KIND_DEFER && trips[i].round >= lo && trips[i].round <= hi)
	    ids[nids++] = i;
    pid = start_listener(0, (char *) 0, (char *) 0);
    ck_assert_msg(wait_answering(ce.sock, 10000), "%s: no answer after a restart", what);
    answered = ask_ids(ce.sock, ids, nids, (long) time((time_t *) 0) + 86400, kinds);
    ck_assert_msg(answered == nids, "%s: %ld of %ld lookups answered", what, answered, nids);
    for (i = 0; i < nids; i++)
	if (kinds[i] != KIND_DUNNO)
	    lost++;
    status = kill_wait(pid, SIGTERM, 10000);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: restarted daemon: %s",
		  what, describe_status(status));
    status = run_dbcheck(ce.db, out, (char *) 0);
    printf("%s: %ld acknowledged triplets asked for after a restart: %ld lost; %s",
	   what, nids, lost, STR(out));
    ck_assert_msg(status == 0, "%s: dbcheck: %s", what, STR(out));
    ck_assert_msg(nids > 0, "%s: nothing was acknowledged", what);
    ck_assert_msg(lost == 0, "%s: %ld acknowledged triplets lost", what, lost);
    myfree((void *) ids);
    myfree((void *) kinds);
    vstring_free(out);
}

START_TEST(test_sigterm_under_load)
{
    VSTRING *logtext = vstring_alloc(10000);
    SIGNAL_CTX sc;
    LOAD    ld;
    int     cycle;
    int     status;

    printf("sigterm test: seed %u\n", ce.seed);
    for (cycle = 0; cycle < 5; cycle++) {
	(void) unlink(ce.log);
	memset(&ld, 0, sizeof(ld));
	ld.sock = ce.sock;
	ld.nconn = 4;
	ld.rate = 5000;
	ld.round = cycle;
	ld.drain_fd = -1;
	sc.pid = start_listener(0, ce.log, (char *) 0);
	sc.sig = SIGTERM;
	sc.close_fd = 0;
	sc.ld = &ld;
	ld.act_ms = now_ms() + urand(300, 900);
	ld.act_fn = act_signal;
	ld.act_ctx = (void *) &sc;
	ld.end_ms = ld.act_ms + 5000;
	load_run(&ld);
	ck_assert_msg(wait_pid(sc.pid, 5000, &status), "cycle %d: no exit within 5 s of SIGTERM",
		      cycle);
	(void) test_read_file(logtext, ce.log);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "cycle %d: SIGTERM: %s; log:\n%s", cycle, describe_status(status),
		      tail_of(STR(logtext), 10));
	ck_assert_msg(strstr(STR(logtext), "terminated -- exiting") != 0,
		      "cycle %d: no 'terminated -- exiting' in the log", cycle);
	ck_assert_msg(ld.defer > 0 && ld.dunno + ld.other == 0,
		      "cycle %d: %ld DEFER, %ld DUNNO, %ld other", cycle, ld.defer,
		      ld.dunno, ld.other);
	printf("sigterm cycle %d: SIGTERM %lld ms after the start, %ld requests sent, "
	       "%ld acknowledged (%ld of them after the signal); exit status 0\n",
	       cycle, ld.acted_ms - ld.start_ms, ld.sent, ld.defer, ld.after_act);
    }
    verify_acked(0, 4, "sigterm test");
    vstring_free(logtext);
}

END_TEST

START_TEST(test_master_goes_away)
{
    VSTRING *logtext = vstring_alloc(10000);
    static char opt_v[] = "-V", opt_t[] = "-t", opt_unix[] = "unix", opt_l[] = "-l";
    static char gen[] = "GENERATION=1";
    char   *args[6];
    char   *env[2];
    SPAWN_FD fds[4];
    int     status_pair[2];
    int     flow[2];
    int     listen_fd;
    int     status_fd;
    SIGNAL_CTX sc;
    LOAD    ld;
    int     status;
    int     cycle;

    args[0] = ce.bin;
    args[1] = opt_v;
    args[2] = opt_t;
    args[3] = opt_unix;
    args[4] = opt_l;
    args[5] = 0;
    env[0] = gen;
    env[1] = 0;
    printf("master test: seed %u\n", ce.seed);
    for (cycle = 0; cycle < 3; cycle++) {
	(void) unlink(ce.log);
	unit_socketpair(status_pair, 0);
	if (pipe2(flow, O_CLOEXEC) < 0)
	    ck_abort_msg("pipe: %s", strerror(errno));
	listen_fd = test_unix_listen(ce.sock);
	fds[0].src = flow[0];
	fds[0].dst = 3;
	fds[1].src = flow[1];
	fds[1].dst = 4;
	fds[2].src = status_pair[1];
	fds[2].dst = 5;
	fds[3].src = listen_fd;
	fds[3].dst = 6;
	sc.pid = spawn(args, ce.log, fds, 4, env);
	(void) close(status_pair[1]);
	(void) close(flow[0]);
	(void) close(flow[1]);
	(void) close(listen_fd);
	status_fd = status_pair[0];

	memset(&ld, 0, sizeof(ld));
	ld.sock = ce.sock;
	ld.nconn = 4;
	ld.rate = 5000;
	ld.round = 100 + cycle;
	ld.drain_fd = status_fd;
	sc.sig = 0;
	sc.close_fd = &status_fd;
	sc.ld = &ld;
	ld.act_ms = now_ms() + urand(300, 900);
	ld.act_fn = act_signal;
	ld.act_ctx = (void *) &sc;
	ld.end_ms = ld.act_ms + 5000;
	load_run(&ld);
	if (status_fd >= 0)
	    (void) close(status_fd);
	ck_assert_msg(wait_pid(sc.pid, 5000, &status),
		      "cycle %d: no exit within 5 s of the master going away", cycle);
	(void) test_read_file(logtext, ce.log);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "cycle %d: master went away: %s; log:\n%s", cycle,
		      describe_status(status), tail_of(STR(logtext), 10));
	ck_assert_msg(strstr(STR(logtext), "master disconnect -- exiting") != 0,
		      "cycle %d: no 'master disconnect -- exiting' in the log:\n%s", cycle,
		      tail_of(STR(logtext), 10));
	ck_assert_msg(ld.defer > 0 && ld.dunno + ld.other == 0,
		      "cycle %d: %ld DEFER, %ld DUNNO, %ld other", cycle, ld.defer,
		      ld.dunno, ld.other);
	printf("master cycle %d: status channel closed %lld ms after the start, %ld "
	       "acknowledged (%ld after that); exit status 0, 'master disconnect -- exiting'\n",
	       cycle, ld.acted_ms - ld.start_ms, ld.defer, ld.after_act);
    }
    verify_acked(100, 102, "master test");
    vstring_free(logtext);
}

END_TEST

 /*
  * Damaged files. The base database (BASE_COUNT triplets with ids from
  * BASE_ID, and their time index: twice as many records) is made once per
  * tcase by the daemon itself, and copied for each test.
  */
#define BASE_ID		10000000L
#define BASE_COUNT	20000L

static char *base_dir;			/* made by the unchecked fixture */

/* base_setup - runs once in the runner */

static void base_setup(void)
{
    base_dir = test_tmpdir("crash-base");
}

/* base_teardown - runs once in the runner */

static void base_teardown(void)
{
    if (base_dir && getenv("KEEP_TMPDIR") == 0)
	test_rmdir(base_dir);
}

/* install_db - copy a file into place as the daemon's user */

static void install_db(const char *src)
{
    VSTRING *wal = vstring_alloc(100);

    if (copy_file(src, ce.db) < 0)
	ck_abort_msg("copy %s to %s: %s", src, ce.db, strerror(errno));
    if (chown(ce.db, ce.uid, ce.gid) < 0)
	ck_abort_msg("chown %s: %s", ce.db, strerror(errno));
    vstring_sprintf(wal, "%s.wal", ce.db);
    (void) unlink(STR(wal));
    vstring_free(wal);
}

/* base_ids - the ids of the base triplets */

static long *base_ids(void)
{
    long   *ids = (long *) mymalloc(sizeof(long) * BASE_COUNT);
    long    i;

    for (i = 0; i < BASE_COUNT; i++)
	ids[i] = BASE_ID + i;
    return (ids);
}

/* base_db - the path of the base database, made when first needed */

 /*
  * The base database is written directly, in one transaction, in the
  * format and with the tuning of greylist_store_btree.c (BTREE_LMEMB 128,
  * BTREE_NMEMB 256, BTREE_BNUM 262139, BDBTLARGE): the file layout is then
  * the same in every run, so that a given seed damages the same pages.
  * Every triplet is pending since the build time, with its time index
  * entry (retry window 2d).
  */
static const char *base_db(void)
{
    static VSTRING *path;
    VSTRING *out = vstring_alloc(200);
    VSTRING *sender = vstring_alloc(100);
    VSTRING *recipient = vstring_alloc(100);
    VSTRING *addr_text = vstring_alloc(100);
    VSTRING *rec = vstring_alloc(100);
    VSTRING *index = vstring_alloc(100);
    GREYLIST_KEYS *keys = greylist_keys_create();
    GREYLIST_TRIPLET triplet;
    INET_ADDR addr;
    TCBDB  *bdb;
    time_t  now = time((time_t *) 0);
    long    id;

    if (path == 0)
	path = vstring_alloc(100);
    ck_assert_msg(base_dir != 0, "no base directory");
    vstring_sprintf(path, "%s/base.db", base_dir);
    if (access(STR(path), R_OK) == 0)
	goto done;
    bdb = tcbdbnew();
    if (!tcbdbtune(bdb, 128, 256, 262139, -1, -1, BDBTLARGE)
	|| !tcbdbopen(bdb, STR(path), BDBOWRITER | BDBOCREAT | BDBOTRUNC)
	|| !tcbdbtranbegin(bdb))
	ck_abort_msg("base %s: %s", STR(path), tcbdberrmsg(tcbdbecode(bdb)));
    triplet.state = GREYLIST_STATE_PENDING;
    triplet.first_seen = triplet.last_seen = now;
    triplet.count = 0;
    greylist_triplet_encode(&triplet, rec);
    for (id = BASE_ID; id < BASE_ID + BASE_COUNT; id++) {
	vstring_sprintf(addr_text, "10.%ld.%ld.%ld", (id / 62500) % 250 + 1,
			(id / 250) % 250 + 1, id % 250 + 1);
	vstring_sprintf(sender, "t%ld@crash.test", id);
	vstring_sprintf(recipient, "r%ld@example.com", id % 1000);
	if (inet_addr_parse(STR(addr_text), &addr) < 0)
	    ck_abort_msg("bad address %s", STR(addr_text));
	greylist_keys_build(keys, &addr, 32, 64, STR(sender), STR(recipient));
	greylist_index_key(index, now + 2 * 86400, STR(keys->triplet),
			   VSTRING_LEN(keys->triplet));
	if (!tcbdbput(bdb, STR(keys->triplet), (int) VSTRING_LEN(keys->triplet),
		      STR(rec), (int) VSTRING_LEN(rec))
	    || !tcbdbput(bdb, STR(index), (int) VSTRING_LEN(index), "", 0))
	    ck_abort_msg("base put: %s", tcbdberrmsg(tcbdbecode(bdb)));
    }
    if (!tcbdbtrancommit(bdb) || !tcbdbclose(bdb))
	ck_abort_msg("base %s: %s", STR(path), tcbdberrmsg(tcbdbecode(bdb)));
    tcbdbdel(bdb);
    ck_assert_msg(run_dbcheck(STR(path), out, (char *) 0) == 0, "base: %s", STR(out));
    printf("base database (%ld triplets): %s", BASE_COUNT, STR(out));

done:
    vstring_free(out);
    vstring_free(sender);
    vstring_free(recipient);
    vstring_free(addr_text);
    vstring_free(rec);
    vstring_free(index);
    greylist_keys_free(keys);
    return (STR(path));
}

/* overwrite_random - len random bytes (from seed) at off */

static void overwrite_random(const char *path, off_t off, size_t len, unsigned seed)
{
    char   *buf = mymalloc(len);
    unsigned state = seed;
    size_t  i;
    int     fd;

    for (i = 0; i < len; i++)
	buf[i] = (char) (rand_r(&state) >> 7);
    if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0
	|| pwrite(fd, buf, len, off) != (ssize_t) len || close(fd) < 0)
	ck_abort_msg("overwrite %s: %s", path, strerror(errno));
    myfree(buf);
}

/* bad_record - put a record with a bad version under a triplet's key */

static void bad_record(const char *path, long id)
{
    TCBDB  *bdb = tcbdbnew();
    BDBCUR *cur;
    VSTRING *needle = vstring_alloc(100);
    VSTRING *key = vstring_alloc(100);
    const char *kp;
    int     ksize;
    static const char bogus[] = "\x07T\x01\x00garbage";

    vstring_sprintf(needle, "/t%ld@crash.test/", id);
    if (!tcbdbopen(bdb, path, BDBOWRITER | BDBOLCKNB))
	ck_abort_msg("open %s: %s", path, tcbdberrmsg(tcbdbecode(bdb)));
    cur = tcbdbcurnew(bdb);
    if (tcbdbcurjump(cur, "T", 1)) {
	do {
	    if ((kp = tcbdbcurkey3(cur, &ksize)) == 0 || kp[0] != 'T')
		break;
	    if (memmem(kp, ksize, STR(needle), VSTRING_LEN(needle)) != 0) {
		vstring_memcpy(key, kp, ksize);
		break;
	    }
	} while (tcbdbcurnext(cur));
    }
    tcbdbcurdel(cur);
    ck_assert_msg(VSTRING_LEN(key) > 0, "no record for triplet %ld", id);
    if (!tcbdbtranbegin(bdb)
	|| !tcbdbput(bdb, STR(key), (int) VSTRING_LEN(key), bogus, sizeof(bogus) - 1)
	|| !tcbdbtrancommit(bdb) || !tcbdbclose(bdb))
	ck_abort_msg("bogus record: %s", tcbdberrmsg(tcbdbecode(bdb)));
    tcbdbdel(bdb);
    vstring_free(needle);
    vstring_free(key);
}

/* corrupt_files - names of <db>.corrupt.<time> files */

static int corrupt_files(VSTRING *names)
{
    VSTRING *cmd = vstring_alloc(100);
    FILE   *fp;
    char    line[1000];
    int     n = 0;

    vstring_sprintf(cmd, "cd '%s' && ls -1", ce.data);
    VSTRING_RESET(names);
    if ((fp = popen(STR(cmd), "r")) != 0) {
	while (fgets(line, sizeof(line), fp) != 0) {
	    if (strncmp(line, "greylist.db.corrupt.", 20) == 0
		&& strstr(line, ".wal") == 0) {
		vstring_strcat(names, line);
		n++;
	    }
	}
	(void) pclose(fp);
    }
    VSTRING_TERMINATE(names);
    vstring_free(cmd);
    return (n);
}

/* wait_defer - a new triplet is greylisted (recorded) within timeout */

static long long wait_defer(int timeout_ms, int round)
{
    long long start = now_ms();
    int     kind;

    while (now_ms() - start < timeout_ms) {
	kind = ask_one(ce.sock, trip_new(round), 0, 5000);
	if (kind == KIND_DEFER)
	    return (now_ms() - start);
	ck_assert_msg(kind != KIND_NONE, "no answer while waiting for a working database");
	test_sleep_ms(50);
    }
    return (-1);
}

#define CORRUPT_TRUNC	0
#define CORRUPT_HEADER	1
#define CORRUPT_MIDDLE	2
#define CORRUPT_BUCKETS	3
#define CORRUPT_TEXT	4
#define CORRUPT_RECORD	5

#define SEED_MISC	8			/* a page that does not load */
#define SEED_OOM	12			/* a huge size: tcmyfatal() */
#define SEED_SEGV	26			/* a read past the page */
#define RUNTIME_SEED	26

typedef struct CORRUPT_CASE {
    int     kind;			/* CORRUPT_* */
    unsigned seed;			/* random bytes */
    const char *name;
    const char *expect;			/* in the log, or null */
} CORRUPT_CASE;

 /*
  * The seeds were chosen for what Tokyo Cabinet makes of the damage in
  * the base file (of seeds 8-207: 175 pages that do not load, 21 huge
  * allocations, 4 reads past a page; the file layout is the same in every
  * run). GREYLIST_STRESS=long adds 40 random seeds,
  * GREYLIST_CRASH_CORRUPT_EXTRA=n adds n.
  */
static const CORRUPT_CASE corrupt_cases[] = {
    {CORRUPT_TRUNC, 0, "truncated to half its size", "invalid meta data"},
    {CORRUPT_HEADER, 0, "header (first 256 bytes) zeroed", "invalid meta data"},
    {CORRUPT_MIDDLE, SEED_MISC, "64 KiB of random bytes in the middle (seed 8: TC reports miscellaneous error)", "miscellaneous error"},
    {CORRUPT_MIDDLE, SEED_OOM, "64 KiB of random bytes in the middle (seed 12: TC runs out of memory)", "out of memory"},
    {CORRUPT_MIDDLE, SEED_SEGV, "64 KiB of random bytes in the middle (seed 26: TC reads past a page)", "SIGSEGV"},
    {CORRUPT_BUCKETS, 1, "64 KiB of random bytes in the bucket array", 0},
    {CORRUPT_TEXT, 0, "not a Tokyo Cabinet file (text)", "invalid meta data"},
    {CORRUPT_RECORD, 0, "a triplet record with a bad version", "malformed triplet record"},
};

#define CORRUPT_COUNT	((int) (sizeof(corrupt_cases) / sizeof(corrupt_cases[0])))
#define CORRUPT_EXTRA	40			/* with GREYLIST_STRESS=long */

#define VICTIM_ID	(BASE_ID + 777)

/* corrupt_sanitized - is this the make test-asan run? */

static int corrupt_sanitized(void)
{
    const char *run = getenv("GREYLIST_SANITIZER_RUN");

    return (run != 0 && strcmp(run, "1") == 0);
}

START_TEST(test_corrupt_at_start)
{
    VSTRING *logtext = vstring_alloc(10000);
    VSTRING *out = vstring_alloc(1000);
    VSTRING *names = vstring_alloc(100);
    long   *ids = base_ids();
    int    *kinds = (int *) mymalloc(sizeof(int) * BASE_COUNT);
    long    counts[4] = {0, 0, 0, 0};
    long    answered;
    long long recovered;
    off_t   size;
    pid_t   pid;
    int     status;
    int     damaged;
    const char *bad;
    int     malformed;
    int     nfiles;
    int     fd;
    int     i;
    long    now = (long) time((time_t *) 0);

    CORRUPT_CASE random_case;
    const CORRUPT_CASE *cc;
    const char *name;

    if (_i < CORRUPT_COUNT) {
	cc = corrupt_cases + _i;
    } else {
	random_case.kind = CORRUPT_MIDDLE;
	random_case.seed = ce.seed + _i;
	random_case.name = "64 KiB of random bytes in the middle (random seed)";
	random_case.expect = 0;
	cc = &random_case;
    }

    /*
     * With AddressSanitizer, Tokyo Cabinet's own wild reads and huge
     * allocations on a damaged page are reported (and abort) inside the
     * library before greylistd's recovery can run: that path is tested by
     * the normal build only.
     */
    if (cc->kind == CORRUPT_MIDDLE && corrupt_sanitized()) {
	printf("SKIPPED: corrupt: %s: not under AddressSanitizer (make test covers it)\n",
	       cc->name);
	vstring_free(logtext);
	vstring_free(out);
	vstring_free(names);
	myfree((void *) kinds);
	myfree((void *) ids);
	return;
    }
    name = cc->name;
    printf("corrupt: %s: seed %u\n", name, cc->seed);
    install_db(base_db());
    size = file_size(ce.db);
    switch (cc->kind) {
    case CORRUPT_TRUNC:
	if (truncate(ce.db, size / 2) < 0)
	    ck_abort_msg("truncate: %s", strerror(errno));
	break;
    case CORRUPT_HEADER:
	{
	    char    zero[256];

	    memset(zero, 0, sizeof(zero));
	    if ((fd = open(ce.db, O_WRONLY)) < 0 || pwrite(fd, zero, 256, 0) != 256
		|| close(fd) < 0)
		ck_abort_msg("zero header: %s", strerror(errno));
	}
	break;
    case CORRUPT_MIDDLE:
	overwrite_random(ce.db, size / 2 - 32768, 65536, cc->seed);
	printf("corrupt: file of %ld bytes, overwrote %ld..%ld (the bucket array ends "
	       "at about %ld)\n", (long) size, (long) (size / 2 - 32768),
	       (long) (size / 2 + 32768), 256L + 262139L * 8);
	break;
    case CORRUPT_BUCKETS:
	overwrite_random(ce.db, 1024 * 1024, 65536, cc->seed);
	break;
    case CORRUPT_TEXT:
	{
	    VSTRING *text = vstring_alloc(100);

	    for (i = 0; i < 100; i++)
		vstring_strcat(text, "This is not a Tokyo Cabinet database.\n");
	    if ((fd = open(ce.db, O_WRONLY | O_TRUNC)) < 0
		|| write(fd, STR(text), VSTRING_LEN(text)) != (ssize_t) VSTRING_LEN(text)
		|| close(fd) < 0)
		ck_abort_msg("write %s: %s", ce.db, strerror(errno));
	    vstring_free(text);
	}
	break;
    case CORRUPT_RECORD:
	bad_record(ce.db, VICTIM_ID);
	break;
    }

    /*
     * It starts, and answers every request.
     */
    pid = start_listener(0, (char *) 0, (char *) 0);
    if (!wait_answering(ce.sock, 10000)) {
	status = 0;
	(void) wait_pid(pid, 100, &status);
	(void) test_read_file(logtext, ce.log);
	ck_abort_msg("%s: the daemon does not answer (%s); log:\n%s", name,
		     waitpid(pid, &status, WNOHANG) == 0 ? "running" : describe_status(status),
		     tail_of(STR(logtext), 10));
    }
    answered = ask_ids(ce.sock, ids, BASE_COUNT, now + 86400, kinds);
    for (i = 0; i < answered; i++)
	counts[kinds[i]]++;
    if (answered != BASE_COUNT) {
	(void) wait_pid(pid, 1000, &status);
	(void) test_read_file(logtext, ce.log);
	ck_abort_msg("%s: only %ld of %ld lookups answered; daemon %s; log:\n%s",
		     name, answered, BASE_COUNT,
		     kill(pid, 0) == 0 ? "running" : describe_status(status),
		     tail_of(STR(logtext), 8));
    }
    recovered = wait_defer(5000, 200 + _i);
    if (cc->kind == CORRUPT_RECORD) {
	ck_assert_msg(ask_one(ce.sock, VICTIM_ID, now + 86400 + 120, 5000) == KIND_DUNNO,
		      "the replaced record does not pass after the delay");
    }
    ck_assert_msg(waitpid(pid, &status, WNOHANG) == 0, "%s: the daemon died: %s",
		  name, describe_status(status));
    status = kill_wait(pid, SIGTERM, 10000);
    (void) test_read_file(logtext, ce.log);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: %s; log:\n%s",
		  name, describe_status(status), tail_of(STR(logtext), 10));
    damaged = count_str(STR(logtext), " is damaged (");
    malformed = count_str(STR(logtext), "malformed triplet record");
    nfiles = corrupt_files(names);
    status = run_dbcheck(ce.db, out, (char *) 0);
    printf("corrupt: %s: %d 'is damaged ... moved it aside' warnings, %d 'malformed' "
	   "warnings, %d file(s) moved aside%s%s; %ld lookups of known triplets: "
	   "%ld pass (DUNNO), %ld greylisted again; a new triplet was greylisted "
	   "(recorded) after %lld ms; %s",
	   name, damaged, malformed, nfiles, nfiles ? ": " : "",
	   nfiles ? STR(names) : "", answered, counts[KIND_DUNNO], counts[KIND_DEFER],
	   recovered, STR(out));
    if ((bad = strstr(STR(logtext), "warning: database")) != 0)
	printf("corrupt: %s: log: %.*s\n", name,
	       (int) (strchrnul(bad, '\n') - bad), bad);
    ck_assert_msg(recovered >= 0, "%s: no new triplet was greylisted within 5 s",
		  name);
    ck_assert_msg(counts[KIND_OTHER] == 0, "%s: odd answers", name);
    ck_assert_msg(status == 0, "%s: dbcheck after the run: %s", name, STR(out));
    switch (cc->kind) {
    case CORRUPT_TRUNC:
    case CORRUPT_HEADER:
    case CORRUPT_TEXT:
	ck_assert_msg(damaged == 1 && nfiles == 1,
		      "%s: want one warning and one file moved aside, got %d and %d",
		      name, damaged, nfiles);
	ck_assert_msg(strstr(STR(logtext), "moved it aside as ") != 0
		      && strstr(STR(logtext), ".corrupt.") != 0,
		      "%s: the warning does not name the new file", name);
	ck_assert_msg(counts[KIND_DUNNO] == 0, "%s: known triplets in a new database?",
		      name);
	break;
    case CORRUPT_RECORD:
	ck_assert_msg(malformed == 1 && damaged == 0 && nfiles == 0,
		      "bad record: want one 'malformed' warning, got %d (damaged %d)",
		      malformed, damaged);
	ck_assert_msg(counts[KIND_DUNNO] == BASE_COUNT - 1 && kinds[VICTIM_ID - BASE_ID]
		      == KIND_DEFER, "bad record: %ld pass, victim answer %d",
		      counts[KIND_DUNNO], kinds[VICTIM_ID - BASE_ID]);
	break;
    default:
	/* Tokyo Cabinet finds such damage, or not: we asked for no crash. */
	ck_assert_msg(cc->expect == 0 || strstr(STR(logtext), cc->expect) != 0,
		      "%s: no \"%s\" in the log: the seed no longer reaches that path "
		      "(file format changed?)", name, cc->expect);
	ck_assert_msg(damaged <= 1 && nfiles == damaged, "%s: %d warnings, %d files",
		      name, damaged, nfiles);
	break;
    }
    myfree((void *) ids);
    myfree((void *) kinds);
    vstring_free(logtext);
    vstring_free(out);
    vstring_free(names);
}

END_TEST

START_TEST(test_corrupt_at_run_time)
{
    VSTRING *logtext = vstring_alloc(10000);
    VSTRING *out = vstring_alloc(1000);
    VSTRING *names = vstring_alloc(100);
    VSTRING *line = vstring_alloc(100);
    long   *ids = base_ids();
    int    *kinds = (int *) mymalloc(sizeof(int) * BASE_COUNT);
    long    counts[4] = {0, 0, 0, 0};
    long    answered;
    long long recovered;
    off_t   size;
    pid_t   pid;
    int     status;
    int     damaged;
    int     nfiles;
    int     i;
    long    now = (long) time((time_t *) 0);
    const char *bad;

    if (corrupt_sanitized()) {
	printf("SKIPPED: corrupt at run time: not under AddressSanitizer (make test covers it)\n");
	vstring_free(logtext);
	vstring_free(out);
	vstring_free(names);
	vstring_free(line);
	myfree((void *) kinds);
	myfree((void *) ids);
	return;
    }
    printf("corrupt at run time: seed %u\n", ce.seed);
    install_db(base_db());
    size = file_size(ce.db);
    pid = start_listener(1, (char *) 0, (char *) 0);
    ck_assert_msg(wait_answering(ce.sock, 10000), "no answer");
    answered = ask_ids(ce.sock, ids, 20, now + 86400, kinds);
    ck_assert_msg(answered == 20, "first lookups");
    test_sleep_ms(1300);			/* a commit: no open transaction */
    overwrite_random(ce.db, size / 2 - 32768, 65536, RUNTIME_SEED);
    answered = ask_ids(ce.sock, ids, BASE_COUNT, now + 86400, kinds);
    for (i = 0; i < answered; i++)
	counts[kinds[i]]++;
    if (answered != BASE_COUNT) {
	(void) wait_pid(pid, 1000, &status);
	(void) test_read_file(logtext, ce.log);
	ck_abort_msg("only %ld of %ld lookups answered after the damage; daemon %s; log:\n%s",
		     answered, BASE_COUNT,
		     kill(pid, 0) == 0 ? "running" : describe_status(status),
		     tail_of(STR(logtext), 8));
    }
    recovered = wait_defer(5000, 300);
    ck_assert_msg(waitpid(pid, &status, WNOHANG) == 0, "the daemon died: %s",
		  describe_status(status));
    test_sleep_ms(1200);			/* let it commit */
    status = kill_wait(pid, SIGTERM, 10000);
    (void) test_read_file(logtext, ce.log);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s; log:\n%s",
		  describe_status(status), tail_of(STR(logtext), 10));
    damaged = count_str(STR(logtext), " is damaged (");
    nfiles = corrupt_files(names);
    bad = log_bad_line(STR(logtext), line);
    status = run_dbcheck(ce.db, out, (char *) 0);
    printf("corrupt at run time: overwrote 64 KiB at %ld of %ld bytes while the daemon "
	   "ran; %ld lookups of all known triplets: %ld pass, %ld greylisted again "
	   "(lost or error); %d 'moved aside' warnings (%d files); first log complaint: %s; "
	   "a new triplet was greylisted after %lld ms; %s",
	   (long) (size / 2 - 32768), (long) size, answered, counts[KIND_DUNNO],
	   counts[KIND_DEFER], damaged, nfiles, bad ? bad : "(none)", recovered, STR(out));
    ck_assert_msg(recovered >= 0, "no new triplet was greylisted within 5 s");
    ck_assert_msg(status == 0, "dbcheck after the run: %s", STR(out));
    myfree((void *) ids);
    myfree((void *) kinds);
    vstring_free(logtext);
    vstring_free(out);
    vstring_free(names);
    vstring_free(line);
}

END_TEST

 /*
  * A full file system.
  */

/* skipped - say loudly that a root-only part did not run */

static int skipped(const char *what)
{
    if (getuid() == 0)
	return (0);
    printf("SKIPPED: check_crash: %s: needs root (run as root, as CI does)\n", what);
    fprintf(stderr, "SKIPPED: check_crash: %s: needs root (run as root, as CI does)\n", what);
    return (1);
}

/* mount_tmpfs - a small tmpfs in a private mount namespace */

static void mount_tmpfs(const char *size)
{
    VSTRING *opts = vstring_alloc(100);

    ce.mnt = path_join(ce.dir, "fs");
    if (mkdir(ce.mnt, 0755) < 0)
	ck_abort_msg("mkdir %s: %s", ce.mnt, strerror(errno));

    /*
     * A namespace of our own: if this process dies, the mount goes with it.
     * Where that is not allowed, mount in the current one (and unmount in
     * teardown or at exit).
     */
    if (unshare(CLONE_NEWNS) == 0)
	(void) mount("none", "/", (char *) 0, MS_REC | MS_PRIVATE, (char *) 0);
    vstring_sprintf(opts, "size=%s,mode=0755", size);
    if (mount("tmpfs", ce.mnt, "tmpfs", MS_NOSUID | MS_NODEV, STR(opts)) < 0)
	ck_abort_msg("mount -t tmpfs -o %s tmpfs %s: %s", STR(opts), ce.mnt, strerror(errno));
    ce_atexit_mnt = ce.mnt;
    vstring_free(opts);
}

/* log_since - log text after an offset */

static const char *log_since(VSTRING *logtext, ssize_t offset)
{
    (void) test_read_file(logtext, ce.log);
    return (offset < (ssize_t) VSTRING_LEN(logtext) ? STR(logtext) + offset : "");
}

START_TEST(test_full_file_system)
{
    VSTRING *logtext = vstring_alloc(100000);
    VSTRING *out = vstring_alloc(1000);
    VSTRING *dir = vstring_alloc(100);
    LOAD    ld;
    long   *ids;
    int    *kinds;
    long    nids;
    long    answered;
    long    known;
    long    i;
    long    full_start_id;
    long    committed_before;
    long long t_full;
    long long t_remount;
    long long t_defer = -1;
    long long t_commit = -1;
    ssize_t remount_off;
    pid_t   pid;
    int     status;
    int     warnings;
    int     suppressed;
    int     commits;
    int     round;
    long    now = (long) time((time_t *) 0);
    long    full_defer = 0;
    long    full_dunno = 0;

    if (skipped("full file system (tmpfs)"))
	return;
    printf("full disk: seed %u\n", ce.seed);
    mount_tmpfs("3m");
    vstring_sprintf(dir, "%s/data", ce.mnt);
    use_data_dir(STR(dir), 1);

    /*
     * Fill it: the bucket array alone is 2 MiB, so a 3 MiB file system
     * fills after some 8,000 triplets.
     */
    pid = start_listener(1, (char *) 0, (char *) 0);
    ck_assert_msg(wait_answering(ce.sock, 10000), "no answer");

    /*
     * A first batch, followed by two commits: it is known to be committed
     * before the disk fills (see parse_kill_log()).
     */
    memset(&ld, 0, sizeof(ld));
    ld.sock = ce.sock;
    ld.nconn = 2;
    ld.rate = 500;
    ld.round = 399;
    ld.drain_fd = -1;
    ld.until_ms = now_ms() + 200;
    load_run(&ld);
    test_sleep_ms(2 * COMMIT_MS + SLACK_MS);
    t_full = 0;
    for (round = 0; round < 60 && t_full == 0; round++) {
	memset(&ld, 0, sizeof(ld));
	ld.sock = ce.sock;
	ld.nconn = 4;
	ld.rate = 2500;				/* commits of ~2500 fit, at first */
	ld.round = 400;
	ld.drain_fd = -1;
	ld.until_ms = now_ms() + 500;
	load_run(&ld);
	ck_assert_msg(!ld.eof && ld.other == 0, "connection lost or odd answer while filling");
	if (strstr(log_since(logtext, 0), "commit: write error") != 0)
	    t_full = now_ms();
    }
    ck_assert_msg(t_full != 0, "the file system did not fill up in 30 s");
    full_start_id = ntrips;

    /*
     * Full: it answers everything, and says so once.
     */
    memset(&ld, 0, sizeof(ld));
    ld.sock = ce.sock;
    ld.nconn = 4;
    ld.rate = 3000;
    ld.round = 401;
    ld.drain_fd = -1;
    ld.until_ms = now_ms() + 3500;
    load_run(&ld);
    full_defer = ld.defer;
    full_dunno = ld.dunno;
    ck_assert_msg(!ld.eof && ld.other == 0, "connection lost or odd answer while full");
    ck_assert_msg(waitpid(pid, &status, WNOHANG) == 0, "the daemon died while full: %s",
		  describe_status(status));
    ck_assert_msg(full_dunno > 0, "while full, no new triplet was let through (DUNNO): "
		  "a sender would be greylisted at every retry");
    (void) test_read_file(logtext, ce.log);
    warnings = count_str(STR(logtext), ": warning: database");
    suppressed = count_str(STR(logtext), "warning suppressed (at most one a minute)");
    ck_assert_msg(warnings == 1, "want 1 database warning in %lld ms, got %d: %.*s",
		  now_ms() - t_full, warnings, log_line(STR(logtext), ": warning: database"));
    ck_assert_msg(suppressed >= 1, "no further failure while full (want them suppressed)");
    parse_kill_log(STR(logtext), &commits);
    committed_before = 0;
    for (i = 0; i < ntrips; i++)
	if (trips[i].kind == KIND_DEFER && trips[i].committed)
	    committed_before++;

    /*
     * Space comes back: recording resumes.
     */
    remount_off = VSTRING_LEN(logtext);
    if (mount("tmpfs", ce.mnt, "tmpfs", MS_REMOUNT | MS_NOSUID | MS_NODEV,
	      "size=16m,mode=0755") < 0)
	ck_abort_msg("mount -o remount,size=16m %s: %s", ce.mnt, strerror(errno));
    t_remount = now_ms();
    while (now_ms() - t_remount < 5000 && (t_defer < 0 || t_commit < 0)) {
	long    id = trip_new(402);
	int     kind = ask_one(ce.sock, id, 0, 5000);

	ck_assert_msg(kind != KIND_NONE && kind != KIND_OTHER, "no answer after the remount");
	if (kind == KIND_DEFER && t_defer < 0)
	    t_defer = now_ms() - t_remount;
	if (t_commit < 0 && strstr(log_since(logtext, remount_off), ": committed ") != 0)
	    t_commit = now_ms() - t_remount;
	test_sleep_ms(20);
    }
    ck_assert_msg(t_defer >= 0 && t_commit >= 0,
		  "recording did not resume within 5 s of the remount (defer %lld, commit %lld)",
		  t_defer, t_commit);

    /*
     * What was acknowledged after recovery, and what was committed before
     * the disk filled, is known after a restart; the file is well-formed.
     */
    for (i = 0; i < 200; i++) {
	int     kind = ask_one(ce.sock, trip_new(403), 0, 5000);

	ck_assert_msg(kind == KIND_DEFER, "after recovery: answer %d", kind);
	trips[ntrips - 1].kind = KIND_DEFER;
	trips[ntrips - 1].committed = 1;	/* must survive the clean stop */
    }
    status = kill_wait(pid, SIGTERM, 10000);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "stop: %s",
		  describe_status(status));
    status = run_dbcheck(ce.db, out, (char *) 0);
    ck_assert_msg(status == 0, "dbcheck after the full disk: %s", STR(out));
    ids = (long *) mymalloc(sizeof(long) * (ntrips + 1));
    kinds = (int *) mymalloc(sizeof(int) * (ntrips + 1));
    nids = 0;
    for (i = 0; i < ntrips; i++)
	if (trips[i].kind == KIND_DEFER && trips[i].committed)
	    ids[nids++] = i;
    pid = start_listener(0, (char *) 0, (char *) 0);
    ck_assert_msg(wait_answering(ce.sock, 10000), "no answer after restart");
    answered = ask_ids(ce.sock, ids, nids, now + 86400, kinds);
    for (i = 0, known = 0; i < answered; i++)
	if (kinds[i] == KIND_DUNNO)
	    known++;
    status = kill_wait(pid, SIGTERM, 10000);
    printf("full disk: filled after %ld triplets; while full for 3.5 s: %ld requests "
	   "answered (%ld DEFER while a small commit still fitted, %ld DUNNO = not "
	   "recorded, let through), the daemon stayed up, %d warning "
	   "(%d more failures suppressed: at most one warning a minute); after the "
	   "remount a new triplet was greylisted after %lld ms and a commit succeeded "
	   "after %lld ms; %ld of %ld committed triplets known after a restart; %s",
	   full_start_id, full_defer + full_dunno, full_defer, full_dunno, warnings,
	   suppressed, t_defer, t_commit, known, nids, STR(out));
    ck_assert_msg(answered == nids && known == nids, "%ld of %ld committed triplets known",
		  known, nids);
    ck_assert_msg(strstr(log_since(logtext, 0), " is damaged (") == 0,
		  "a full file system made greylistd give the database up:\n%s",
		  strstr(STR(logtext), " is damaged ("));
    ck_assert_msg(committed_before > 0, "nothing was committed before the disk filled");
    myfree((void *) ids);
    myfree((void *) kinds);
    vstring_free(logtext);
    vstring_free(out);
    vstring_free(dir);
}

END_TEST

 /*
  * Permissions.
  */

/* expect_fatal - start -L, want exit status 1 and a message */

static void expect_fatal(const char *what, const char *want1, const char *want2)
{
    VSTRING *logtext = vstring_alloc(1000);
    pid_t   pid;
    int     status;

    (void) unlink(ce.log);
    pid = start_listener(0, (char *) 0, (char *) 0);
    ck_assert_msg(wait_pid(pid, 10000, &status), "%s: still running after 10 s", what);
    (void) test_read_file(logtext, ce.log);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s: %s; log:\n%s", what,
		  describe_status(status), STR(logtext));
    ck_assert_msg(strstr(STR(logtext), "fatal:") != 0 && strstr(STR(logtext), want1) != 0
		  && (want2 == 0 || strstr(STR(logtext), want2) != 0),
		  "%s: want a fatal error with \"%s\" and \"%s\"; log:\n%s", what, want1,
		  want2 ? want2 : "", STR(logtext));
    printf("%s: exit status 1: %s", what, strstr(STR(logtext), "fatal:"));
    vstring_free(logtext);
}

START_TEST(test_perm_not_writable)
{
    /* Root ignores modes: make it root's; the daemon serves as nobody. */
    if ((getuid() == 0 && chown(ce.data, 0, 0) < 0) || chmod(ce.data, 0555) < 0)
	ck_abort_msg("chmod %s: %s", ce.data, strerror(errno));
    expect_fatal("database directory not writable", ce.db, ce.user);
}

END_TEST

START_TEST(test_perm_not_creatable)
{
    VSTRING *dir = vstring_alloc(100);
    VSTRING *parent = vstring_alloc(100);
    struct stat st;
    pid_t   pid;
    int     status;

    vstring_sprintf(parent, "%s/ro", ce.dir);
    vstring_sprintf(dir, "%s/ro/data", ce.dir);
    if (mkdir(STR(parent), 0555) < 0)
	ck_abort_msg("mkdir: %s", strerror(errno));
    use_data_dir(STR(dir), 0);
    if (getuid() != 0) {
	expect_fatal("database directory not creatable", "cannot create database directory",
		     STR(dir));
    } else {
	/* Root creates it before it drops privileges, for the serving user. */
	pid = start_listener(0, (char *) 0, (char *) 0);
	ck_assert_msg(wait_answering(ce.sock, 10000), "no answer");
	ck_assert_msg(ask_one(ce.sock, trip_new(500), 0, 5000) == KIND_DEFER, "not recorded");
	status = kill_wait(pid, SIGTERM, 10000);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s",
		      describe_status(status));
	ck_assert_msg(stat(STR(dir), &st) == 0 && st.st_uid == ce.uid
		      && (st.st_mode & 0777) == 0700,
		      "root made %s, but not for %s with mode 0700", STR(dir), ce.user);
	printf("database directory not creatable by the user: as root, greylistd made %s "
	       "(mode 0700, owner %s) before it dropped privileges, and serves (the "
	       "non-root run checks the fatal error)\n", STR(dir), ce.user);
    }
    vstring_free(dir);
    vstring_free(parent);
}

END_TEST

START_TEST(test_perm_world_writable)
{
    if (chmod(ce.data, 0777) < 0)
	ck_abort_msg("chmod: %s", strerror(errno));
    expect_fatal("database directory writable by everybody", "writable by everybody",
		 ce.data);
}

END_TEST

/* fill_fs - a ballast file that takes every free block of the tmpfs */

static void fill_fs(const char *ballast)
{
    struct statvfs fs;
    off_t   size;
    int     fd;

    if ((fd = open(ballast, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
	ck_abort_msg("create %s: %s", ballast, strerror(errno));
    if (fstatvfs(fd, &fs) < 0)
	ck_abort_msg("statvfs: %s", strerror(errno));
    for (size = (off_t) fs.f_bavail * fs.f_frsize; size > 0; size -= 4096)
	if (posix_fallocate(fd, 0, size) == 0)
	    break;
    (void) close(fd);
}

/* wait_log - the log has text after offset within timeout */

static int wait_log(VSTRING *logtext, ssize_t off, const char *text, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;

    do {
	if (strstr(log_since(logtext, off), text) != 0)
	    return (1);
	test_sleep_ms(50);
    } while (now_ms() < deadline);
    return (0);
}

START_TEST(test_perm_unreadable_at_run_time)
{
    VSTRING *logtext = vstring_alloc(10000);
    VSTRING *out = vstring_alloc(1000);
    VSTRING *dir = vstring_alloc(100);
    char   *ballast = 0;
    LOAD    ld;
    ssize_t off;
    pid_t   pid;
    int     status;
    int     warnings;
    int     i;
    long long t_back;
    long   *ids;
    int    *kinds;
    long    nids = 0;
    long    answered;
    long    known = 0;
    long    now = (long) time((time_t *) 0);

    /*
     * As root the file lives on a tmpfs that we can fill later, to make a
     * commit fail.
     */
    if (getuid() == 0) {
	mount_tmpfs("16m");
	vstring_sprintf(dir, "%s/data", ce.mnt);
	use_data_dir(STR(dir), 1);
	ballast = path_join(ce.mnt, "ballast");
    }
    pid = start_listener(1, (char *) 0, (char *) 0);
    ck_assert_msg(wait_answering(ce.sock, 10000), "no answer");
    for (i = 0; i < 2000; i++)
	ck_assert_msg(ask_one(ce.sock, trip_new(600), 0, 5000) == KIND_DEFER, "load");
    ck_assert_msg(wait_log(logtext, 0, ": committed ", 3000), "no commit");

    /*
     * Unreadable: the open handle keeps working.
     */
    if (chmod(ce.db, 0) < 0 || chmod(ce.data, 0) < 0)
	ck_abort_msg("chmod 000: %s", strerror(errno));
    off = VSTRING_LEN(logtext);
    for (i = 0; i < 2000; i++)
	ck_assert_msg(ask_one(ce.sock, trip_new(601), 0, 5000) == KIND_DEFER,
		      "with mode 000: not greylisted");
    ck_assert_msg(wait_log(logtext, off, ": committed ", 3000),
		  "with mode 000: no commit");
    ck_assert_msg(strstr(STR(logtext) + off, "warning:") == 0,
		  "with mode 000: warnings: %.*s", log_line(STR(logtext) + off, "warning:"));
    printf("unreadable at run time: with the file and its directory at mode 000, the open "
	   "handle kept serving: 2000 more triplets greylisted and committed, no warning\n");

    /*
     * SIGTERM now: a clean exit (Tokyo Cabinet cannot remove its undo log).
     */
    for (i = 0; i < 100; i++)
	ck_assert_msg(ask_one(ce.sock, trip_new(601), 0, 5000) == KIND_DEFER,
		      "with mode 000: not greylisted");
    status = kill_wait(pid, SIGTERM, 10000);
    (void) test_read_file(logtext, ce.log);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "SIGTERM with the directory at mode 000: %s; log:\n%s",
		  describe_status(status), tail_of(STR(logtext), 5));
    if (chmod(ce.data, 0700) < 0 || chmod(ce.db, 0600) < 0)
	ck_abort_msg("restore: %s", strerror(errno));
    printf("unreadable at run time: SIGTERM with the directory at mode 000: exit status 0 "
	   "(the open transaction committed)\n");
    pid = start_listener(1, (char *) 0, (char *) 0);
    ck_assert_msg(wait_answering(ce.sock, 10000), "no answer after the restart");
    /* The first update opens the undo log: do it while the directory allows. */
    off = file_size(ce.log);
    for (i = 0; i < 10; i++)
	ck_assert_msg(ask_one(ce.sock, trip_new(601), 0, 5000) == KIND_DEFER, "restart");
    ck_assert_msg(wait_log(logtext, off, ": committed ", 3000), "no commit after restart");
    if (chmod(ce.db, 0) < 0 || chmod(ce.data, 0) < 0)
	ck_abort_msg("chmod 000: %s", strerror(errno));

    /*
     * A commit fails (full file system): it cannot open the file again.
     */
    if (ballast == 0) {
	printf("SKIPPED: check_crash: unreadable file after a failed commit: needs root "
	       "(a tmpfs to fill)\n");
    } else {
	fill_fs(ballast);
	off = VSTRING_LEN(logtext);
	memset(&ld, 0, sizeof(ld));
	ld.sock = ce.sock;
	ld.nconn = 4;
	ld.rate = 2000;
	ld.round = 602;
	ld.drain_fd = -1;
	ld.until_ms = now_ms() + 4000;
	load_run(&ld);
	(void) test_read_file(logtext, ce.log);
	warnings = count_str(STR(logtext) + off, ": warning: database");
	ck_assert_msg(!ld.eof && ld.other == 0, "connection lost or odd answers");
	ck_assert_msg(waitpid(pid, &status, WNOHANG) == 0, "the daemon died: %s",
		      describe_status(status));
	ck_assert_msg(strstr(STR(logtext) + off, ": write error (") != 0,
		      "no write failed:\n%s", tail_of(STR(logtext), 10));
	ck_assert_msg(strstr(STR(logtext) + off, "Permission denied") != 0
		      && strstr(STR(logtext) + off, ce.user) != 0,
		      "no 'Permission denied' naming the user when opening again");
	ck_assert_msg(ld.dunno > 0 && strstr(STR(logtext) + off, "action=error") != 0,
		      "no DUNNO while the file is unreadable");
	ck_assert_msg(warnings == 1, "want one warning, got %d: %.*s", warnings,
		      log_line(STR(logtext) + off, ": warning: database"));
	printf("unreadable at run time: after a write failed (file system full): %ld "
	       "requests in 4 s, all answered: %ld DEFER, %ld DUNNO (action=error); one "
	       "warning, %d more suppressed (among them: %.*s)\n",
	       ld.sent, ld.defer, ld.dunno,
	       count_str(STR(logtext) + off, "warning suppressed"),
	       (int) (strchrnul(strstr(STR(logtext) + off, "cannot open"), '\n')
		      - strstr(STR(logtext) + off, "cannot open")),
	       strstr(STR(logtext) + off, "cannot open"));

	/*
	 * Modes back, room again: it opens the file again.
	 */
	if (chmod(ce.data, 0700) < 0 || chmod(ce.db, 0600) < 0 || unlink(ballast) < 0)
	    ck_abort_msg("restore: %s", strerror(errno));
	off = VSTRING_LEN(logtext);
	t_back = wait_defer(5000, 603);
	ck_assert_msg(t_back >= 0, "no DEFER within 5 s after the modes came back");
	ck_assert_msg(wait_log(logtext, off, "opened again", 3000), "not opened again");
	printf("unreadable at run time: modes and room restored: 'opened again', "
	       "greylisting again after %lld ms\n", t_back);
    }
    status = kill_wait(pid, SIGTERM, 10000);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", describe_status(status));
    if (ballast == 0 && (chmod(ce.data, 0700) < 0 || chmod(ce.db, 0600) < 0))
	ck_abort_msg("restore: %s", strerror(errno));
    status = run_dbcheck(ce.db, out, (char *) 0);
    ck_assert_msg(status == 0, "dbcheck: %s", STR(out));
    ids = (long *) mymalloc(sizeof(long) * (ntrips + 1));
    kinds = (int *) mymalloc(sizeof(int) * (ntrips + 1));
    for (i = 0; i < ntrips; i++)
	if (trips[i].round == 600 || trips[i].round == 601)
	    ids[nids++] = i;
    pid = start_listener(0, (char *) 0, (char *) 0);
    ck_assert_msg(wait_answering(ce.sock, 10000), "no answer after restart");
    answered = ask_ids(ce.sock, ids, nids, now + 86400, kinds);
    for (i = 0; i < answered; i++)
	if (kinds[i] == KIND_DUNNO)
	    known++;
    (void) kill_wait(pid, SIGTERM, 10000);
    printf("unreadable at run time: %ld of %ld triplets committed before the failure known "
	   "after a restart; %s", known, nids, STR(out));
    ck_assert_msg(known == nids, "%ld of %ld committed triplets known", known, nids);
    ck_assert_msg(strstr(log_since(logtext, 0), " is damaged (") == 0,
		  "greylistd gave the database up:\n%s", strstr(STR(logtext), " is damaged ("));
    if (ballast)
	myfree(ballast);
    myfree((void *) ids);
    myfree((void *) kinds);
    vstring_free(logtext);
    vstring_free(out);
    vstring_free(dir);
}

END_TEST

 /*
  * Two writers.
  */
START_TEST(test_lock_second_listener)
{
    VSTRING *logtext = vstring_alloc(1000);
    char   *log2 = path_join(ce.dir, "second.log");
    char   *sock2 = path_join(ce.dir, "policy2");
    VSTRING *ep2 = vstring_alloc(100);
    static char opt_L[] = "-L";
    char   *args[6];
    pid_t   first;
    pid_t   second;
    int     status;
    long long t0;

    first = start_listener(0, (char *) 0, (char *) 0);
    ck_assert_msg(wait_answering(ce.sock, 10000), "first daemon: no answer");
    vstring_sprintf(ep2, "unix:%s", sock2);
    args[0] = ce.bin;
    args[1] = opt_L;
    args[2] = STR(ep2);
    args[3] = 0;
    t0 = now_ms();
    second = spawn(args, log2, (SPAWN_FD *) 0, 0, (char **) 0);
    ck_assert_msg(wait_pid(second, 10000, &status), "the second daemon still runs after 10 s");
    (void) test_read_file(logtext, log2);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1,
		  "second daemon: %s; log:\n%s", describe_status(status), STR(logtext));
    ck_assert_msg(strstr(STR(logtext), "locked by another process") != 0
		  && strstr(STR(logtext), "set the process limit of this service to 1 in master.cf")
		  != 0 && strstr(STR(logtext), ce.db) != 0,
		  "second daemon: want the lock and the master.cf fix; log:\n%s", STR(logtext));
    ck_assert_msg(ask_one(ce.sock, trip_new(700), 0, 5000) == KIND_DEFER,
		  "the first daemon stopped serving");
    status = kill_wait(first, SIGTERM, 10000);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", describe_status(status));
    printf("second -L daemon on the same file: exit status 1 after %lld ms: %s",
	   now_ms() - t0, strstr(STR(logtext), "fatal:"));
    vstring_free(logtext);
    vstring_free(ep2);
    myfree(log2);
    myfree(sock2);
}

END_TEST

 /*
  * A -S copy talks on standard input and output, and logs through a
  * postlogd socket (POSTLOG_SERVICE) that we read.
  */
typedef struct SPAWN_COPY {
    pid_t   pid;
    int     fd;				/* our end of its stdin/stdout */
    int     logfd;			/* the postlog socket */
    VSTRING *log;
} SPAWN_COPY;

/* copy_start - greylistd -S with a lock timeout */

static void copy_start(SPAWN_COPY *sc, const char *lock_timeout)
{
    struct sockaddr_un sun;
    VSTRING *opt = vstring_alloc(100);
    VSTRING *envbuf = vstring_alloc(100);
    char   *postlog = path_join(ce.dir, "postlog");
    static char opt_S[] = "-S", opt_o[] = "-o";
    char   *args[6];
    char   *env[2];
    SPAWN_FD fds[2];
    int     pair[2];

    sc->log = vstring_alloc(1000);
    if ((sc->logfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
	ck_abort_msg("socket: %s", strerror(errno));
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", postlog);
    (void) unlink(postlog);
    if (bind(sc->logfd, (struct sockaddr *) &sun, sizeof(sun)) < 0)
	ck_abort_msg("bind %s: %s", postlog, strerror(errno));
    (void) chmod(postlog, 0666);
    unit_socketpair(pair, 0);
    vstring_sprintf(opt, "greylist_lock_timeout=%s", lock_timeout);
    vstring_sprintf(envbuf, "POSTLOG_SERVICE=%s", postlog);
    args[0] = ce.bin;
    args[1] = opt_S;
    args[2] = opt_o;
    args[3] = STR(opt);
    args[4] = 0;
    env[0] = STR(envbuf);
    env[1] = 0;
    fds[0].src = pair[1];
    fds[0].dst = 0;
    fds[1].src = pair[1];
    fds[1].dst = 1;
    sc->pid = spawn(args, ce.log, fds, 2, env);
    (void) close(pair[1]);
    sc->fd = pair[0];
    if (fcntl(sc->fd, F_SETFL, O_NONBLOCK) < 0)
	ck_abort_msg("fcntl: %s", strerror(errno));
    vstring_free(opt);
    vstring_free(envbuf);
    myfree(postlog);
}

/* copy_ask - one request; the answer and the time it took */

static int copy_ask(SPAWN_COPY *sc, long id, long long *elapsed, int timeout_ms)
{
    VSTRING *out = vstring_alloc(200);
    VSTRING *in = vstring_alloc(200);
    long long t0 = now_ms();
    int     kind = KIND_NONE;

    req_append(out, id, 0);
    if (write_all(sc->fd, STR(out), VSTRING_LEN(out), t0 + timeout_ms) == 0
	&& read_replies(sc->fd, in, &kind, 1, t0 + timeout_ms) != 1)
	kind = KIND_NONE;
    *elapsed = now_ms() - t0;
    vstring_free(out);
    vstring_free(in);
    return (kind);
}

/* copy_stop - close its input, it must exit 0; collect its log */

static void copy_stop(SPAWN_COPY *sc)
{
    char    buf[4096];
    ssize_t n;
    int     status;

    (void) close(sc->fd);
    ck_assert_msg(wait_pid(sc->pid, 15000, &status), "-S copy: no exit after EOF");
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "-S copy: %s",
		  describe_status(status));
    while ((n = recv(sc->logfd, buf, sizeof(buf) - 1, 0)) > 0) {
	buf[n] = 0;
	vstring_sprintf_append(sc->log, "%s\n", buf);
    }
    (void) close(sc->logfd);
}

START_TEST(test_lock_spawn_beside_native)
{
    SPAWN_COPY sc;
    long long elapsed;
    long long t0;
    pid_t   native;
    int     kind;
    int     status;

    native = start_listener(0, (char *) 0, (char *) 0);
    ck_assert_msg(wait_answering(ce.sock, 10000), "native daemon: no answer");
    t0 = now_ms();
    copy_start(&sc, "2s");
    kind = copy_ask(&sc, trip_new(710), &elapsed, 15000);
    elapsed = now_ms() - t0;
    copy_stop(&sc);
    printf("-S copy beside a running daemon (lock timeout 2 s): answer %s %lld ms after "
	   "it started; log: %.*s\n", kind == KIND_DUNNO ? "DUNNO" : "(not DUNNO)", elapsed,
	   log_line(STR(sc.log), "locked by"));
    ck_assert_msg(kind == KIND_DUNNO, "-S copy: answer %d, want DUNNO", kind);
    ck_assert_msg(elapsed <= 3000 * unit_slack(),
		  "-S copy answered after %lld ms, want at most the lock timeout + 1 s", elapsed);
    ck_assert_msg(strstr(STR(sc.log), "locked by another process") != 0
		  && strstr(STR(sc.log), "letting mail through") != 0,
		  "-S copy: no warning about the lock:\n%s", STR(sc.log));
    status = kill_wait(native, SIGTERM, 10000);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", describe_status(status));
    vstring_free(sc.log);
}

END_TEST

/* hold_file - an admin tool: hold the file open (locked) for ms */

static pid_t hold_file(const char *path, int ms, int ready_fd)
{
    pid_t   pid;

    (void) fflush(stdout);
    if ((pid = fork()) < 0)
	ck_abort_msg("fork: %s", strerror(errno));
    if (pid == 0) {
	TCBDB  *bdb = tcbdbnew();

	unit_child_init();
	if (!tcbdbopen(bdb, path, BDBOWRITER | BDBOCREAT))
	    _exit(2);
	(void) (write(ready_fd, "x", 1) < 0);
	test_sleep_ms(ms);
	(void) tcbdbclose(bdb);
	_exit(0);
    }
    pids_add(pid);
    return (pid);
}

START_TEST(test_lock_admin_tool)
{
    VSTRING *out = vstring_alloc(1000);
    SPAWN_COPY sc;
    long long elapsed;
    long long t0;
    pid_t   holder;
    pid_t   pid;
    int     ready[2];
    int     kind;
    int     status;
    char    ch;
    long    waited_id;
    long    now = (long) time((time_t *) 0);

    /* A database with content, as the admin would find it. */
    pid = start_listener(0, (char *) 0, (char *) 0);
    ck_assert_msg(wait_answering(ce.sock, 10000), "no answer");
    ck_assert_msg(ask_one(ce.sock, trip_new(720), 0, 5000) == KIND_DEFER, "not recorded");
    (void) kill_wait(pid, SIGTERM, 10000);

    /*
     * The tool holds it for 3 s; a copy with a 5 s lock timeout waits.
     */
    if (pipe(ready) < 0)
	ck_abort_msg("pipe: %s", strerror(errno));
    holder = hold_file(ce.db, 3000, ready[1]);
    ck_assert_msg(read(ready[0], &ch, 1) == 1, "the holder could not open the file");
    t0 = now_ms();
    copy_start(&sc, "5s");
    waited_id = trip_new(721);
    kind = copy_ask(&sc, waited_id, &elapsed, 15000);
    elapsed = now_ms() - t0;
    copy_stop(&sc);
    ck_assert_msg(wait_pid(holder, 5000, &status) && WIFEXITED(status)
		  && WEXITSTATUS(status) == 0, "holder: %s", describe_status(status));
    printf("admin tool holds the file for 3 s, -S copy with lock timeout 5 s: answer %s "
	   "after %lld ms\n", kind == KIND_DEFER ? "DEFER (recorded)" : "(not DEFER)", elapsed);
    ck_assert_msg(kind == KIND_DEFER, "answer %d, want DEFER after the wait", kind);
    ck_assert_msg(elapsed >= 2500 && elapsed <= 6000 * unit_slack(),
		  "answered after %lld ms: want it to wait for the holder (3 s), at most "
		  "the lock timeout + 1 s", elapsed);
    vstring_free(sc.log);

    /*
     * The tool holds it for 3 s; a copy with a 1 s lock timeout gives up.
     */
    holder = hold_file(ce.db, 3000, ready[1]);
    ck_assert_msg(read(ready[0], &ch, 1) == 1, "the holder could not open the file");
    t0 = now_ms();
    copy_start(&sc, "1s");
    kind = copy_ask(&sc, trip_new(722), &elapsed, 15000);
    elapsed = now_ms() - t0;
    copy_stop(&sc);
    ck_assert_msg(wait_pid(holder, 5000, &status) && WIFEXITED(status)
		  && WEXITSTATUS(status) == 0, "holder: %s", describe_status(status));
    printf("admin tool holds the file for 3 s, -S copy with lock timeout 1 s: answer %s "
	   "after %lld ms; log: %.*s\n", kind == KIND_DUNNO ? "DUNNO" : "(not DUNNO)", elapsed,
	   log_line(STR(sc.log), "locked by"));
    ck_assert_msg(kind == KIND_DUNNO, "answer %d, want DUNNO", kind);
    ck_assert_msg(elapsed <= 2000 * unit_slack(),
		  "answered after %lld ms, want at most the lock timeout + 1 s", elapsed);
    ck_assert_msg(strstr(STR(sc.log), "waited 1 seconds for the lock") != 0,
		  "no warning about the wait:\n%s", STR(sc.log));
    vstring_free(sc.log);

    /*
     * Nothing broke, and the copy that waited recorded its triplet.
     */
    status = run_dbcheck(ce.db, out, (char *) 0);
    ck_assert_msg(status == 0, "dbcheck: %s", STR(out));
    pid = start_listener(0, (char *) 0, (char *) 0);
    ck_assert_msg(wait_answering(ce.sock, 10000), "no answer");
    ck_assert_msg(ask_one(ce.sock, waited_id, now + 86400, 5000) == KIND_DUNNO,
		  "the triplet recorded after the wait is not known");
    (void) kill_wait(pid, SIGTERM, 10000);
    printf("admin tool: afterwards %s", STR(out));
    (void) close(ready[0]);
    (void) close(ready[1]);
    vstring_free(out);
}

END_TEST

 /*
  * Never root.
  */
START_TEST(test_never_root)
{
    VSTRING *status_text = vstring_alloc(1000);
    VSTRING *path = vstring_alloc(100);
    const char *line;
    unsigned long ids[4];
    unsigned long long cap;
    pid_t   pid;
    int     status;
    int     i;

    if (skipped("serving process never runs as root"))
	return;
    pid = start_listener(0, (char *) 0, (char *) 0);
    ck_assert_msg(wait_answering(ce.sock, 10000), "no answer");
    vstring_sprintf(path, "/proc/%ld/status", (long) pid);
    ck_assert_msg(*test_read_file(status_text, STR(path)) != 0, "read %s", STR(path));
    ck_assert_msg((line = strstr(STR(status_text), "\nUid:")) != 0
		  && sscanf(line + 5, "%lu %lu %lu %lu", ids, ids + 1, ids + 2, ids + 3) == 4,
		  "no Uid line in %s", STR(path));
    for (i = 0; i < 4; i++)
	ck_assert_msg(ids[i] == (unsigned long) ce.uid,
		      "uid %d of 4 is %lu, want %lu (%s)", i + 1, ids[i],
		      (unsigned long) ce.uid, ce.user);
    printf("never root: %s", strstr(line + 1, "Uid:"));
    ck_assert_msg((line = strstr(STR(status_text), "\nGid:")) != 0
		  && sscanf(line + 5, "%lu %lu %lu %lu", ids, ids + 1, ids + 2, ids + 3) == 4,
		  "no Gid line");
    for (i = 0; i < 4; i++)
	ck_assert_msg(ids[i] != 0, "gid %d of 4 is 0", i + 1);
    ck_assert_msg((line = strstr(STR(status_text), "\nCapEff:")) != 0
		  && sscanf(line + 8, "%llx", &cap) == 1 && cap == 0,
		  "effective capabilities are not empty");
    ck_assert_msg((line = strstr(STR(status_text), "\nGroups:")) != 0, "no Groups line");
    ck_assert_msg(strstr(line, "\t0 ") == 0 && strncmp(line + 8, "0 ", 2) != 0
		  && strncmp(line + 8, "0\n", 2) != 0, "member of group 0: %.40s", line);
    printf("never root: pid %ld started as root serves as %s: Uid and Gid lines have no "
	   "0, CapEff 0, no group 0\n", (long) pid, ce.user);
    status = kill_wait(pid, SIGTERM, 10000);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", describe_status(status));
    vstring_free(status_text);
    vstring_free(path);
}

END_TEST

/* crash_suite - the tcases */

static Suite *crash_suite(void)
{
    Suite  *s = suite_create("crash");
    TCase  *tc;
    const char *stress = getenv("GREYLIST_STRESS");
    int     kills = kill_count();

    tc = tcase_create("kill");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60 + kills * 3);
    tcase_add_test(tc, test_kill_any_instant);
    suite_add_tcase(s, tc);

    tc = tcase_create("sigterm");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 90);
    tcase_add_test(tc, test_sigterm_under_load);
    tcase_add_test(tc, test_master_goes_away);
    suite_add_tcase(s, tc);

    tc = tcase_create("corrupt");
    tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 90);
    tcase_add_loop_test(tc, test_corrupt_at_start, 0, CORRUPT_COUNT
			+ ((stress && strcmp(stress, "long") == 0) ? CORRUPT_EXTRA : 0)
			+ (getenv("GREYLIST_CRASH_CORRUPT_EXTRA") ?
			   atoi(getenv("GREYLIST_CRASH_CORRUPT_EXTRA")) : 0));
    tcase_add_test(tc, test_corrupt_at_run_time);
    suite_add_tcase(s, tc);

    tc = tcase_create("full");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 90);
    tcase_add_test(tc, test_full_file_system);
    suite_add_tcase(s, tc);

    tc = tcase_create("perm");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_perm_not_writable);
    tcase_add_test(tc, test_perm_not_creatable);
    tcase_add_test(tc, test_perm_world_writable);
    tcase_add_test(tc, test_perm_unreadable_at_run_time);
    suite_add_tcase(s, tc);

    tc = tcase_create("lock");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_lock_second_listener);
    tcase_add_test(tc, test_lock_spawn_beside_native);
    tcase_add_test(tc, test_lock_admin_tool);
    suite_add_tcase(s, tc);

    tc = tcase_create("uid");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_never_root);
    suite_add_tcase(s, tc);

    return (s);
}

int     main(int argc, char **argv)
{
    setvbuf(stdout, (char *) 0, _IOLBF, 0);
    return (test_run_suite(crash_suite()));
}
