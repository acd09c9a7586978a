/*++
/* NAME
/*	check_multi_server 1
/* SUMMARY
/*	multi_server(3) tests with a fake master(8)
/* SYNOPSIS
/*	./check_multi_server
/* DESCRIPTION
/*	Each test plays master(8) for one echo_policy process (the test
/*	daemon built on the multi_server skeleton): it creates the
/*	status channel (a socket pair, the child's end becomes fd 5),
/*	a listening UNIX-domain socket in a private directory (fd 6)
/*	and the mail-flow pipe (fds 3 and 4), sets GENERATION (octal)
/*	and MAIL_CONFIG (a main.cf with queue_directory and mail_owner),
/*	connects /dev/null to standard input, standard error to a log
/*	file, and executes ../tests/echo_policy -V -t unix -l. It then
/*	talks to the daemon as policy clients and reads the 12-byte
/*	status records {int pid; unsigned gen; int avail} that the
/*	child writes to fd 5, and asserts the exact sequence: TAKEN
/*	before and AVAIL after every call of the service routine, with
/*	the child's pid and the generation decoded from octal.
/*
/*	Protocol: one request (nothing written before it, no status for
/*	accept or disconnect), a -o override, the uid and pid that answer
/*	(mail_owner, never root), pipelined requests (in order), more
/*	pipelined requests than one service call answers (64 kB output
/*	limit), a request in pieces (one status pair per piece), a
/*	half-closed client, a client that cannot read its replies (EPIPE),
/*	two listening sockets (-s 2), a client that reads no replies for a
/*	while (output drain; other clients are served meanwhile), running
/*	out of descriptors, and concurrent clients of which one stops or
/*	disconnects in the middle of a request.
/*
/*	Life cycle: idle exit (max_idle), no idle exit while a client is
/*	connected, ipc_timeout for a silent client, max_use (counts
/*	disconnected clients, and waits for the connected ones), -m and
/*	-i, time limits too large for an int of milliseconds, exit when
/*	master closes the status channel, SIGTERM, -V given after option
/*	values (as master(8) builds the command line).
/*
/*	Start-up errors: a bad GENERATION, an unknown option, an option
/*	without its value, no -t, a terminal on standard input (and -d).
/*
/*	The forked echo_policy is executed directly, also when the
/*	suite itself runs under valgrind. The teardown kills (SIGKILL)
/*	and reaps the child; when a failed assertion ends a forked test
/*	without its teardown, the child exits by itself because its
/*	status channel closes (as under a dying master), and the
/*	runner removes the tcase's directory with the test's one in it.
/*	Some faults (use after free) show only when echo_policy itself is
/*	built with AddressSanitizer (make test-asan).
/* ENVIRONMENT
/* .IP GREYLIST_TOPDIR
/*	The tree whose tests/echo_policy is run (default: ..).
/* .IP KEEP_TMPDIR
/*	Keep each test's directory (main.cf, stderr.log of the daemon).
/* .IP GREYLIST_TEST_SLOW
/*	Multiply the upper time limits by 5 (valgrind, sanitizers).
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <argv.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

 /*
  * The wire format of a status record, as master(8) reads it. Defined here
  * on purpose, not taken from multi_server.h: the test must notice if the
  * skeleton's idea of the record changes.
  */
typedef struct WIRE_STATUS {
    int     pid;
    unsigned gen;
    int     avail;
} WIRE_STATUS;

#define WIRE_TAKEN	0
#define WIRE_AVAIL	1

typedef char wire_status_is_12_bytes[sizeof(WIRE_STATUS) == 12 ? 1 : -1];

#define TEST_GEN_OCTAL	"17"		/* what master puts in GENERATION */
#define TEST_GEN_VALUE	15		/* what must come back */
#define TEST_ACTION	"DEFER_IF_PERMIT fake master says hi"

#define STD_ARGS	"-V", "-t", "unix", "-l"

 /*
  * What a client's end of input adds to the status records: nothing, as
  * the skeleton's header says ("at end of input the skeleton disconnects
  * the client itself"). Were the service called to find the end of input,
  * this would be "TA".
  */
#define EOF_CALL	""

 /*
  * One fake master and its child.
  */
typedef struct FAKE_MASTER {
    char   *dir;			/* private directory */
    char   *sock_path;			/* listening socket (fd 6) */
    char   *sock_path2;			/* second one (fd 7), with nsock 2 */
    int     nsock;			/* listening sockets to pass */
    int     nofile;			/* descriptor limit for the child */
    char   *log_path;			/* child's standard error */
    pid_t   pid;			/* the child, or 0 */
    int     status_fd;			/* our end of the status channel */
    int     status_eof;			/* child closed it */
    VSTRING *status_buf;		/* partial record */
    int     wstatus;			/* wait status when reaped */
    int     reaped;
    int     stdin_tty;			/* give the child a terminal */
    int     tty_master;			/* keep it open while the child runs */
    long long start_ms;			/* when it was forked */
    VSTRING *log;			/* log contents, see fm_log() */
    VSTRING *strs[16];			/* the tests' buffers, see fm_str() */
    int     nstrs;
} FAKE_MASTER;

static FAKE_MASTER fm;
static char *fm_base;			/* the tcase's directory */

 /*
  * A failed assertion ends a forked test at once (_exit), without the
  * teardown. Its daemon then exits by itself (its status channel closes);
  * its directory is inside fm_base, which the runner process removes after
  * the tcase.
  */

/* base_setup - per tcase, in the runner */

static void base_setup(void)
{
    fm_base = test_tmpdir("multi-server");
}

/* base_teardown - per tcase, in the runner */

static void base_teardown(void)
{
    if (fm_base) {
	if (getenv("KEEP_TMPDIR") == 0)
	    test_rmdir(fm_base);
	myfree(fm_base);
	fm_base = 0;
    }
}

/* mail_owner_name - who the child should run as */

static const char *mail_owner_name(void)
{
    static char name[64];
    struct passwd *pw;

    if (getuid() == 0) {
	if ((pw = getpwnam("nobody")) == 0 && (pw = getpwnam("postfix")) == 0)
	    ck_abort_msg("running as root, but there is no user nobody or postfix");
    } else if ((pw = getpwuid(getuid())) == 0) {
	ck_abort_msg("no passwd entry for uid %ld", (long) getuid());
    }
    snprintf(name, sizeof(name), "%s", pw->pw_name);
    return (name);
}

/* mail_owner_uid - the uid the child must answer as */

static long mail_owner_uid(void)
{
    struct passwd *pw;

    if ((pw = getpwnam(mail_owner_name())) == 0)
	ck_abort_msg("getpwnam %s failed", mail_owner_name());
    return ((long) pw->pw_uid);
}

/* setup - private directory and main.cf */

static void setup(void)
{
    VSTRING *buf = vstring_alloc(200);

    memset(&fm, 0, sizeof(fm));
    fm.status_fd = -1;
    fm.tty_master = -1;
    ck_assert_msg(fm_base != 0, "no base directory");
    vstring_sprintf(buf, "%s/test-XXXXXX", fm_base);
    if (mkdtemp(vstring_str(buf)) == 0 || chmod(vstring_str(buf), 0755) < 0)
	ck_abort_msg("mkdtemp %s: %s", vstring_str(buf), strerror(errno));
    fm.dir = mystrdup(vstring_str(buf));
    vstring_sprintf(buf, "%s/policy", fm.dir);
    fm.sock_path = mystrdup(vstring_str(buf));
    vstring_sprintf(buf, "%s/policy2", fm.dir);
    fm.sock_path2 = mystrdup(vstring_str(buf));
    fm.nsock = 1;
    vstring_sprintf(buf, "%s/stderr.log", fm.dir);
    fm.log_path = mystrdup(vstring_str(buf));
    fm.status_buf = vstring_alloc(100);
    fm.log = vstring_alloc(1000);

    /*
     * max_idle keeps a child that outlives a crashed test from lingering;
     * it also ends when our end of the status channel closes.
     */
    vstring_sprintf(buf,
		    "# written by check_multi_server\n"
		    "queue_directory = %s\n"
		    "mail_owner = %s\n"
		    "syslog_name = check_multi_server\n"
		    "max_idle = 30s\n"
		    "echo_policy_action = %s\n",
		    fm.dir, mail_owner_name(), TEST_ACTION);
    test_write_file(fm.dir, "main.cf", vstring_str(buf));
    vstring_free(buf);
}

/* fm_reap - wait for the child, at most timeout_ms; true when it exited */

static int fm_reap(int timeout_ms)
{
    if (fm.pid > 0 && !fm.reaped
	&& test_wait_pid(fm.pid, &fm.wstatus, timeout_ms))
	fm.reaped = 1;
    return (fm.reaped);
}

/* teardown - kill and reap the child, remove the directory */

static void teardown(void)
{
    if (fm.pid > 0 && !fm.reaped) {
	(void) kill(fm.pid, SIGKILL);
	(void) waitpid(fm.pid, &fm.wstatus, 0);
	fm.reaped = 1;
    }
    if (fm.status_fd >= 0)
	(void) close(fm.status_fd);
    if (fm.tty_master >= 0)
	(void) close(fm.tty_master);
    if (fm.dir) {
	if (getenv("KEEP_TMPDIR") == 0)
	    test_rmdir(fm.dir);
	myfree(fm.dir);
    }
    if (fm.sock_path)
	myfree(fm.sock_path);
    if (fm.sock_path2)
	myfree(fm.sock_path2);
    if (fm.log_path)
	myfree(fm.log_path);
    if (fm.status_buf)
	vstring_free(fm.status_buf);
    if (fm.log)
	vstring_free(fm.log);
    while (fm.nstrs > 0)
	vstring_free(fm.strs[--fm.nstrs]);
    memset(&fm, 0, sizeof(fm));
    fm.status_fd = -1;
    fm.tty_master = -1;
}

/* fm_str - a buffer that lives until teardown, also when a test fails */

static VSTRING *fm_str(void)
{
    if (fm.nstrs >= (int) (sizeof(fm.strs) / sizeof(fm.strs[0])))
	ck_abort_msg("fm_str: too many buffers");
    return (fm.strs[fm.nstrs++] = vstring_alloc(100));
}

/* fm_log - the child's standard error so far */

static const char *fm_log(void)
{
    return (test_read_file(fm.log, fm.log_path));
}

/* fm_log_contains - does the child's log have this text? */

static int fm_log_contains(const char *text)
{
    return (strstr(fm_log(), text) != 0);
}

/* move_high - move a descriptor out of the way of 0..6 */

static int move_high(int fd)
{
    int     high;

    if ((high = fcntl(fd, F_DUPFD_CLOEXEC, 20)) < 0)
	ck_abort_msg("F_DUPFD: %s", strerror(errno));
    (void) close(fd);
    return (high);
}

/* listen_unix - a listening socket, as master makes them */

static int listen_unix(const char *path)
{
    return (move_high(test_unix_listen(path)));
}

/* fm_vstart - start the child with the given generation and options */

static void fm_vstart(const char *generation, va_list ap)
{
    ARGV   *args = argv_alloc(10);
    ARGV   *env = argv_alloc(5);
    VSTRING *buf = vstring_alloc(200);
    int     status_pair[2];
    int     flow[2];
    int     listen_fd;
    int     listen_fd2 = -1;
    int     tty_master = -1;
    int     tty_slave = -1;
    const char *arg;
    long    max_fd = sysconf(_SC_OPEN_MAX);

    ck_assert_msg(fm.pid == 0, "fm_start called twice");
    if (max_fd < 0 || max_fd > 65536)
	max_fd = 65536;

    /*
     * The daemon's command line and master's scrubbed environment.
     */
    vstring_sprintf(buf, "%s/tests/echo_policy", test_topdir());
    if (access(vstring_str(buf), X_OK) < 0)
	ck_abort_msg("%s: %s (build it with make -f Makefile.out tests-build)",
		     vstring_str(buf), strerror(errno));
    /*
     * A descriptor limit is set by a shell: setrlimit() between fork() and
     * exec() breaks the exec when this suite runs under valgrind, and
     * prlimit() needs privileges that a container may not have.
     */
    if (fm.nofile > 0) {
	argv_add(args, "/bin/sh");
	argv_add(args, "-c");
	vstring_sprintf(buf, "ulimit -n %d && exec \"$0\" \"$@\"", fm.nofile);
	argv_add(args, vstring_str(buf));
	vstring_sprintf(buf, "%s/tests/echo_policy", test_topdir());
    }
    argv_add(args, vstring_str(buf));
    while ((arg = va_arg(ap, const char *)) != 0)
	argv_add(args, arg);
    if (generation) {
	vstring_sprintf(buf, "GENERATION=%s", generation);
	argv_add(env, vstring_str(buf));
    }
    vstring_sprintf(buf, "MAIL_CONFIG=%s", fm.dir);
    argv_add(env, vstring_str(buf));
    argv_add(env, "LANG=C");

    /*
     * What master hands down: status channel, listening socket, flow pipe.
     */
    unit_socketpair(status_pair, 0);
    if (pipe2(flow, O_CLOEXEC) < 0)
	ck_abort_msg("pipe: %s", strerror(errno));
    listen_fd = listen_unix(fm.sock_path);
    if (fm.nsock > 1)
	listen_fd2 = listen_unix(fm.sock_path2);
    if (fm.stdin_tty) {
	if ((tty_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0
	    || grantpt(tty_master) < 0 || unlockpt(tty_master) < 0
	    || (tty_slave = open(ptsname(tty_master), O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
	    ck_abort_msg("no pseudo terminal: %s", strerror(errno));
	tty_slave = move_high(tty_slave);
    }
    status_pair[0] = move_high(status_pair[0]);
    status_pair[1] = move_high(status_pair[1]);
    flow[0] = move_high(flow[0]);
    flow[1] = move_high(flow[1]);

    (void) fflush(stdout);
    (void) fflush(stderr);
    fm.start_ms = unit_now_ms();
    if ((fm.pid = fork()) < 0)
	ck_abort_msg("fork: %s", strerror(errno));
    if (fm.pid == 0) {
	int     fd;

	/* No ck_assert() here: this is the daemon's process. */
	if ((fd = open(fm.log_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644)) < 0
	    || dup2(fd, 2) < 0 || dup2(fd, 1) < 0)
	    _exit(126);
	if (fd > 2)
	    (void) close(fd);
	if (fm.stdin_tty) {
	    if (dup2(tty_slave, 0) < 0)
		_exit(126);
	} else {
	    if ((fd = open("/dev/null", O_RDONLY)) < 0 || dup2(fd, 0) < 0)
		_exit(126);
	    if (fd > 2)
		(void) close(fd);
	}
	if (dup2(flow[0], 3) < 0 || dup2(flow[1], 4) < 0
	    || dup2(status_pair[1], 5) < 0 || dup2(listen_fd, 6) < 0
	    || (listen_fd2 >= 0 && dup2(listen_fd2, 7) < 0))
	    _exit(126);
	/* Like master: nothing else open (libcheck's own pipes, say). */
	for (fd = (listen_fd2 >= 0 ? 8 : 7); fd < max_fd; fd++)
	    (void) close(fd);
	execve(args->argv[0], args->argv, env->argv);
	fprintf(stderr, "exec %s: %s\n", args->argv[0], strerror(errno));
	_exit(127);
    }

    /*
     * Keep only our end of the status channel.
     */
    (void) close(status_pair[1]);
    (void) close(flow[0]);
    (void) close(flow[1]);
    (void) close(listen_fd);
    if (listen_fd2 >= 0)
	(void) close(listen_fd2);
    if (tty_slave >= 0)
	(void) close(tty_slave);
    /* Closing the master side would hang up the child's terminal. */
    fm.tty_master = tty_master;
    fm.status_fd = status_pair[0];
    if (fcntl(fm.status_fd, F_SETFL, fcntl(fm.status_fd, F_GETFL) | O_NONBLOCK) < 0)
	ck_abort_msg("fcntl: %s", strerror(errno));
    argv_free(args);
    argv_free(env);
    vstring_free(buf);
}

/* fm_start - variadic front end, arguments end with a null pointer */

static void fm_start(const char *generation,...)
{
    va_list ap;

    va_start(ap, generation);
    fm_vstart(generation, ap);
    va_end(ap);
}

/* fm_read_status - collect up to max records, wait up to timeout_ms */

static int fm_read_status(WIRE_STATUS *recs, int max, int timeout_ms)
{
    long long deadline = unit_now_ms() + timeout_ms;
    struct pollfd pfd;
    char    buf[512];
    ssize_t n;
    int     count = 0;
    long long left;

    for (;;) {
	while (count < max
	       && VSTRING_LEN(fm.status_buf) >= (ssize_t) sizeof(WIRE_STATUS)) {
	    memcpy(recs + count, vstring_str(fm.status_buf), sizeof(WIRE_STATUS));
	    memmove(vstring_str(fm.status_buf),
		    vstring_str(fm.status_buf) + sizeof(WIRE_STATUS),
		    VSTRING_LEN(fm.status_buf) - sizeof(WIRE_STATUS));
	    vstring_truncate(fm.status_buf,
			     VSTRING_LEN(fm.status_buf) - sizeof(WIRE_STATUS));
	    count++;
	}
	if (count >= max || fm.status_eof || fm.status_fd < 0)
	    return (count);
	if ((left = deadline - unit_now_ms()) <= 0)
	    return (count);
	pfd.fd = fm.status_fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, (int) left) <= 0)
	    continue;
	if ((n = read(fm.status_fd, buf, sizeof(buf))) > 0)
	    vstring_memcat(fm.status_buf, buf, n);
	else if (n == 0)
	    fm.status_eof = 1;
	else if (errno != EAGAIN && errno != EINTR)
	    ck_abort_msg("read status channel: %s", strerror(errno));
    }
}

/* expect_status_eof - the child's end of the status channel is closed */

static void expect_status_eof(void)
{
    WIRE_STATUS rec;

    ck_assert_msg(fm_read_status(&rec, 1, 1000) == 0,
		  "status record after the child exited");
    ck_assert_msg(fm.status_eof, "status channel still open after the child exited");
}

/* describe_status - printable record list */

static const char *describe_status(VSTRING *out, WIRE_STATUS *recs, int n)
{
    int     i;

    VSTRING_RESET(out);
    for (i = 0; i < n; i++)
	vstring_sprintf_append(out, "%s{pid=%d gen=%u avail=%d}",
			       i ? " " : "", recs[i].pid, recs[i].gen,
			       recs[i].avail);
    if (n == 0)
	vstring_strcpy(out, "(none)");
    VSTRING_TERMINATE(out);
    return (vstring_str(out));
}

/*
 * expect_status - the next records are exactly "TA..." (T = TAKEN, A =
 * AVAIL), from the child's pid and generation; then nothing more for
 * quiet_ms.
 */
#define expect_status(pattern, quiet_ms) \
	expect_status_at(__FILE__, __LINE__, (pattern), (quiet_ms))

static void expect_status_at(const char *file, int line, const char *pattern,
			             int quiet_ms)
{
    WIRE_STATUS recs[64];
    int     want = (int) strlen(pattern);
    int     n;
    int     extra;
    int     i;
    VSTRING *why = vstring_alloc(100);

    ck_assert(want < 63);
    n = fm_read_status(recs, want, 3000 * unit_slack());
    if (n == want && quiet_ms > 0)
	extra = fm_read_status(recs + n, 1, quiet_ms);
    else
	extra = 0;
    for (i = 0; i < n && i < want; i++)
	if (recs[i].pid != (int) fm.pid || recs[i].gen != TEST_GEN_VALUE
	    || recs[i].avail != (pattern[i] == 'T' ? WIRE_TAKEN : WIRE_AVAIL))
	    break;
    if (n != want || i != want || extra != 0) {
	char    msg[1000];

	snprintf(msg, sizeof(msg), "%s:%d: status records: want %s from pid %ld "
		 "gen %d (T=%d, A=%d); got %s", file, line, pattern,
		 (long) fm.pid, TEST_GEN_VALUE, WIRE_TAKEN, WIRE_AVAIL,
		 describe_status(why, recs, n + extra));
	vstring_free(why);
	ck_abort_msg("%s", msg);
    }
    vstring_free(why);
}

/*
 * expect_status_pairs - read records until none arrives for quiet_ms; they
 * must be TAKEN, AVAIL, TAKEN, ... AVAIL from the child. Result: the
 * number of pairs.
 */
static int expect_status_pairs(int quiet_ms)
{
    WIRE_STATUS recs[64];
    int     total = 0;
    int     n;
    int     i;

    while ((n = fm_read_status(recs, 64, quiet_ms)) > 0) {
	for (i = 0; i < n; i++, total++)
	    ck_assert_msg(recs[i].pid == (int) fm.pid
			  && recs[i].gen == TEST_GEN_VALUE
			  && recs[i].avail == (total % 2 ? WIRE_AVAIL : WIRE_TAKEN),
			  "status record #%d: {pid=%d gen=%u avail=%d}, want "
			  "{pid=%ld gen=%d avail=%d}", total, recs[i].pid,
			  recs[i].gen, recs[i].avail, (long) fm.pid,
			  TEST_GEN_VALUE, total % 2 ? WIRE_AVAIL : WIRE_TAKEN);
    }
    ck_assert_msg(total % 2 == 0, "TAKEN without AVAIL (%d records)", total);
    return (total / 2);
}

/* client_connect_to - a new policy client */

static int client_connect_to(const char *path)
{
    int     fd;

    if ((fd = test_unix_connect(path, 0)) < 0)
	ck_abort_msg("connect %s: %s", path, strerror(errno));
    return (fd);
}

#define client_connect() client_connect_to(fm.sock_path)

/* client_send - write everything */

#define client_send(fd, text)	test_write_all((fd), (text), -1)

/* client_try_send - write everything; false if the daemon closed */

#define client_try_send(fd, text) test_write((fd), (text), -1)

 /*
  * client_read - read until "count" replies (each ends with an empty line)
  * arrived, the peer closed, or timeout_ms passed. Result: what arrived;
  * *eof tells whether the peer closed.
  */
static const char *client_read(int fd, VSTRING *got, int count, int timeout_ms,
			               int *eof)
{
    long long deadline = unit_now_ms() + timeout_ms;
    int     seen;
    const char *cp;
    int     more;

    VSTRING_RESET(got);
    VSTRING_TERMINATE(got);
    *eof = 0;
    for (;;) {
	for (seen = 0, cp = vstring_str(got); (cp = strstr(cp, "\n\n")) != 0; cp += 2)
	    seen++;
	if (seen >= count)
	    break;
	if ((more = test_read_more(fd, got, deadline)) < 0)
	    break;
	if (more == 0) {
	    *eof = 1;
	    break;
	}
    }
    return (vstring_str(got));
}

static const char *log_without(const char *, const char *);

/* expect_replies - read count replies, and check them exactly */

#define expect_replies(fd, count, want) \
	expect_replies_at(__FILE__, __LINE__, (fd), (count), (want))

static void expect_replies_at(const char *file, int line, int fd, int count,
			              const char *want)
{
    VSTRING *got = vstring_alloc(100);
    const char *cp;
    int     eof;
    int     n;
    char    msg[2000];

    client_read(fd, got, count, 3000 * unit_slack(), &eof);
    if (strcmp(vstring_str(got), want) != 0) {
	if (strlen(want) < 200 && VSTRING_LEN(got) < 200) {
	    snprintf(msg, sizeof(msg), "%s:%d: want reply \"%s\", got \"%s\"%s; "
		     "daemon log:\n%s", file, line, want, vstring_str(got),
		     eof ? " and EOF" : "", fm_log());
	} else {
	    for (n = 0, cp = vstring_str(got); (cp = strstr(cp, "\n\n")) != 0; cp += 2)
		n++;
	    snprintf(msg, sizeof(msg), "%s:%d: want %d replies (%ld bytes), got "
		     "%d replies (%ld bytes)%s, %s; daemon log, without "
		     "\"echo:\" lines:\n%.1000s", file, line, count,
		     (long) strlen(want), n, (long) VSTRING_LEN(got),
		     eof ? " and EOF" : "", strncmp(want, vstring_str(got),
		     VSTRING_LEN(got)) == 0 ? "a prefix of what was expected"
		     : "with different content", log_without(fm_log(), "echo: "));
	}
	vstring_free(got);
	ck_abort_msg("%s", msg);
    }
    vstring_free(got);
}

/* expect_silence - nothing arrives on the client socket for ms */

static void expect_silence(int fd, int ms, const char *when)
{
    struct pollfd pfd;
    int     n;

    pfd.fd = fd;
    pfd.events = POLLIN;
    n = poll(&pfd, 1, ms);
    ck_assert_msg(n == 0, "%s: the daemon wrote or closed (revents 0x%x) "
		  "before it was asked anything", when, n > 0 ? pfd.revents : 0);
}

/* expect_exit - the child exits with this status within timeout_ms */

#define expect_exit(status, timeout_ms) \
	expect_exit_at(__FILE__, __LINE__, (status), (timeout_ms))

static void expect_exit_at(const char *file, int line, int status, int timeout_ms)
{
    if (!fm_reap(timeout_ms * unit_slack()))
	ck_abort_msg("%s:%d: child %ld did not exit within %d ms; log:\n%s",
		     file, line, (long) fm.pid, timeout_ms, fm_log());
    ck_assert_msg(WIFEXITED(fm.wstatus) && WEXITSTATUS(fm.wstatus) == status,
		  "%s:%d: want exit status %d, got wait status 0x%x; log:\n%s",
		  file, line, status, fm.wstatus, fm_log());
}

/* expect_alive - the child is still running after ms */

static void expect_alive(int ms, const char *when)
{
    ck_assert_msg(fm_reap(ms) == 0, "%s: child exited (wait status 0x%x); log:\n%s",
		  when, fm.wstatus, fm_log());
}

/* expect_log - the child's log has this text */

#define expect_log(text) do { \
	ck_assert_msg(fm_log_contains(text), "want \"%s\" in the log:\n%s", \
		      (text), vstring_str(fm.log)); \
    } while (0)

#define expect_no_log(text) do { \
	ck_assert_msg(!fm_log_contains(text), "do not want \"%s\" in the log:\n%s", \
		      (text), vstring_str(fm.log)); \
    } while (0)

/* wait_log - wait until the log has this text */

static int wait_log(const char *text, int timeout_ms)
{
    long long deadline = unit_now_ms() + timeout_ms * unit_slack();

    while (!fm_log_contains(text)) {
	if (unit_now_ms() > deadline)
	    return (0);
	(void) poll((struct pollfd *) 0, 0, 20);
    }
    return (1);
}

/* log_without - the log minus lines that contain text (in fm.log) */

static const char *log_without(const char *log, const char *text)
{
    VSTRING *out = fm_str();
    const char *cp;
    const char *nl;

    for (cp = log; *cp; cp = nl) {
	nl = strchr(cp, '\n');
	nl = nl ? nl + 1 : cp + strlen(cp);
	if (memmem(cp, nl - cp, text, strlen(text)) == 0)
	    vstring_memcat(out, cp, nl - cp);
    }
    VSTRING_TERMINATE(out);
    return (vstring_str(out));
}

/* request - a policy request as smtpd sends it */

static const char *request(VSTRING *buf, const char *rcpt)
{
    vstring_sprintf(buf,
		    "request=smtpd_access_policy\n"
		    "protocol_state=RCPT\n"
		    "protocol_name=ESMTP\n"
		    "client_address=192.0.2.1\n"
		    "client_name=client.example\n"
		    "helo_name=client.example\n"
		    "sender=sender@client.example\n"
		    "recipient=%s\n"
		    "instance=123.456.7\n"
		    "\n", rcpt);
    return (vstring_str(buf));
}

#define REPLY(action)	"action=" action "\n\n"

/* ---------------------------------------------------------------- protocol */

/* test_one_request - exactly TAKEN, AVAIL around one service call */

START_TEST(test_one_request)
{
    VSTRING *req = fm_str();
    int     fd;

    fm_start(TEST_GEN_OCTAL, STD_ARGS, (char *) 0);
    fd = client_connect();

    /* A policy client takes anything before its request as a failure. */
    expect_silence(fd, 300, "after connect");
    expect_status("", 1);			/* accept is not a service call */

    client_send(fd, request(req, "rcpt@test.example"));
    expect_replies(fd, 1, REPLY(TEST_ACTION));
    expect_status("TA", 300);

    /* Disconnect: no service call (see EOF_CALL). */
    (void) close(fd);
    expect_status(EOF_CALL, 300);
    expect_alive(0, "after one client");

    /* The next client on a new connection: one more pair. */
    fd = client_connect();
    expect_silence(fd, 300, "second client, after connect");
    client_send(fd, request(req, "rcpt2@test.example"));
    expect_replies(fd, 1, REPLY(TEST_ACTION));
    expect_status("TA", 300);
    (void) close(fd);
}
END_TEST

/* test_override - a -o option reaches the daemon's parameters */

START_TEST(test_override)
{
    VSTRING *req = fm_str();
    int     fd;

    fm_start(TEST_GEN_OCTAL, STD_ARGS, "-o", "echo_policy_action=REJECT",
	     (char *) 0);
    fd = client_connect();
    client_send(fd, request(req, "rcpt@test.example"));
    expect_replies(fd, 1, REPLY("REJECT"));
    expect_status("TA", 100);
    (void) close(fd);
}
END_TEST

/* test_ids - the daemon answers as mail_owner (never root), with its pid */

START_TEST(test_ids)
{
    VSTRING *req = fm_str();
    VSTRING *want = fm_str();
    int     fd;

    fm_start(TEST_GEN_OCTAL, STD_ARGS, "-o", "echo_policy_show_ids=yes",
	     (char *) 0);
    fd = client_connect();
    client_send(fd, request(req, "rcpt@test.example"));
    vstring_sprintf(want, "action=%s uid=%ld pid=%ld\n\n", TEST_ACTION,
		    mail_owner_uid(), (long) fm.pid);
    expect_replies(fd, 1, vstring_str(want));
    expect_status("TA", 100);
    ck_assert_msg(mail_owner_uid() != 0, "mail_owner must not be root");
    (void) close(fd);
}
END_TEST

/* test_pipelined - several requests in one write, replies in order */

START_TEST(test_pipelined)
{
    VSTRING *req = fm_str();
    VSTRING *all = fm_str();
    const char *log;
    const char *p1;
    const char *p2;
    const char *p3;
    int     fd;

    /* -v: echo_policy logs each request's recipient, in the order served. */
    fm_start(TEST_GEN_OCTAL, STD_ARGS, "-v", (char *) 0);
    fd = client_connect();
    vstring_strcpy(all, request(req, "one@test.example"));
    vstring_strcat(all, request(req, "two@test.example"));
    vstring_strcat(all, request(req, "three@test.example"));
    client_send(fd, vstring_str(all));
    expect_replies(fd, 3, REPLY(TEST_ACTION) REPLY(TEST_ACTION) REPLY(TEST_ACTION));
    expect_silence(fd, 300, "after three replies");
    expect_status("TA", 300);
    log = fm_log();
    p1 = strstr(log, "recipient=one@test.example");
    p2 = strstr(log, "recipient=two@test.example");
    p3 = strstr(log, "recipient=three@test.example");
    ck_assert_msg(p1 && p2 && p3 && p1 < p2 && p2 < p3,
		  "requests not served in order; log:\n%s", log);

    /* A second batch on the same connection. */
    client_send(fd, vstring_str(all));
    expect_replies(fd, 3, REPLY(TEST_ACTION) REPLY(TEST_ACTION) REPLY(TEST_ACTION));
    expect_status("TA", 300);
    (void) close(fd);
}
END_TEST

/* test_split - one request in pieces, with pauses: one reply at the end */

START_TEST(test_split)
{
    VSTRING *req = fm_str();
    VSTRING *piece = fm_str();
    const char *text;
    size_t  len;
    size_t  cut1;
    size_t  cut2;
    int     fd;

    fm_start(TEST_GEN_OCTAL, STD_ARGS, (char *) 0);
    fd = client_connect();
    text = request(req, "split@test.example");
    len = strlen(text);
    cut1 = 10;					/* in the middle of a line */
    cut2 = strstr(text, "recipient=") - text + 4;	/* ditto */
    ck_assert(cut2 > cut1 && cut2 < len - 1);

    vstring_strncpy(piece, text, cut1);
    client_send(fd, vstring_str(piece));
    expect_silence(fd, 200, "after the first piece");
    expect_status("TA", 0);			/* one service call per event */

    vstring_strncpy(piece, text + cut1, cut2 - cut1);
    client_send(fd, vstring_str(piece));
    expect_silence(fd, 200, "after the second piece");
    expect_status("TA", 0);

    /* All but the final empty line. */
    vstring_strncpy(piece, text + cut2, len - 1 - cut2);
    client_send(fd, vstring_str(piece));
    expect_silence(fd, 200, "after the third piece");
    expect_status("TA", 0);

    client_send(fd, "\n");
    expect_replies(fd, 1, REPLY(TEST_ACTION));
    expect_status("TA", 300);
    expect_silence(fd, 200, "after the reply");
    (void) close(fd);
}
END_TEST

 /*
  * A partial request line of this length is legal (the line limit is 4096
  * bytes); added to the start of someone else's request, it is not.
  */
#define LONG_PARTIAL	4080

/* long_partial - "recipient=xxx..." without newline */

static const char *long_partial(VSTRING *buf)
{
    vstring_strcpy(buf, "request=smtpd_access_policy\nrecipient=");
    while (VSTRING_LEN(buf) < 28 + LONG_PARTIAL)
	VSTRING_ADDCH(buf, 'x');
    VSTRING_TERMINATE(buf);
    return (vstring_str(buf));
}

/* test_disconnect_midrequest - does not disturb another client */

START_TEST(test_disconnect_midrequest)
{
    VSTRING *req = fm_str();
    VSTRING *partial = fm_str();
    int     fd_a;
    int     fd_b;

    fm_start(TEST_GEN_OCTAL, STD_ARGS, (char *) 0);
    fd_a = client_connect();
    fd_b = client_connect();

    /* A sends half a request and goes away. */
    client_send(fd_a, long_partial(partial));
    expect_status("TA", 200);
    (void) close(fd_a);
    (void) poll((struct pollfd *) 0, 0, 200);

    /* B, connected all along, is served normally, more than once. */
    client_send(fd_b, request(req, "b@test.example"));
    expect_replies(fd_b, 1, REPLY(TEST_ACTION));
    client_send(fd_b, request(req, "b2@test.example"));
    expect_replies(fd_b, 1, REPLY(TEST_ACTION));
    expect_alive(0, "after a client left in the middle of a request");
    (void) close(fd_b);
}
END_TEST

/* test_interleaved - a client that stops mid-request does not hold others */

START_TEST(test_interleaved)
{
    VSTRING *req = fm_str();
    VSTRING *partial = fm_str();
    int     fd_a;
    int     fd_b;

    fm_start(TEST_GEN_OCTAL, STD_ARGS, (char *) 0);
    fd_a = client_connect();
    fd_b = client_connect();

    client_send(fd_a, long_partial(partial));
    expect_status("TA", 200);

    /* B is answered while A's request is incomplete. */
    client_send(fd_b, request(req, "b@test.example"));
    expect_replies(fd_b, 1, REPLY(TEST_ACTION));
    expect_status("TA", 100);

    /* A finishes its request and gets exactly one reply. */
    client_send(fd_a, "\n\n");
    expect_replies(fd_a, 1, REPLY(TEST_ACTION));
    expect_status("TA", 100);
    expect_silence(fd_a, 200, "A after its reply");
    expect_silence(fd_b, 0, "B after its reply");
    (void) close(fd_a);
    (void) close(fd_b);
}
END_TEST


/* test_half_close - request, then shutdown(SHUT_WR): still a reply */

START_TEST(test_half_close)
{
    VSTRING *req = fm_str();
    VSTRING *got = fm_str();
    int     eof;
    int     fd;

    fm_start(TEST_GEN_OCTAL, STD_ARGS, (char *) 0);
    fd = client_connect();
    client_send(fd, request(req, "rcpt@test.example"));
    ck_assert(shutdown(fd, SHUT_WR) == 0);
    client_read(fd, got, 2, 3000 * unit_slack(), &eof);
    ck_assert_str_eq(vstring_str(got), REPLY(TEST_ACTION));
    ck_assert_msg(eof, "daemon did not close after the client's EOF");
    expect_status_pairs(300);
    expect_alive(0, "after a half-closed client");
    (void) close(fd);
}
END_TEST

/*
 * test_reader_gone - a client that can no longer read (it shut down its
 * receive side, like a client that crashed after sending): writing the
 * reply fails with EPIPE, the daemon drops that client quietly, and
 * serves the others.
 */
START_TEST(test_reader_gone)
{
    VSTRING *req = fm_str();
    int     fd_gone;
    int     fd;
    int     i;

    fm_start(TEST_GEN_OCTAL, STD_ARGS, (char *) 0);
    fd = client_connect();
    for (i = 0; i < 3; i++) {
	fd_gone = client_connect();
	ck_assert(shutdown(fd_gone, SHUT_RD) == 0);
	client_send(fd_gone, request(req, "gone@test.example"));
	expect_status("TA", 200);
	client_send(fd, request(req, "rcpt@test.example"));
	expect_replies(fd, 1, REPLY(TEST_ACTION));
	expect_status("TA", 100);
	(void) close(fd_gone);
    }
    expect_alive(100, "after clients that could not read");
    expect_no_log("panic");
    expect_no_log("warning");
    (void) close(fd);
}
END_TEST

/* test_two_sockets - -s 2: master passes fds 6 and 7 */

START_TEST(test_two_sockets)
{
    VSTRING *req = fm_str();
    int     fd;
    int     fd2;

    fm.nsock = 2;
    fm_start(TEST_GEN_OCTAL, STD_ARGS, "-s", "2", (char *) 0);
    fd = client_connect();
    fd2 = client_connect_to(fm.sock_path2);
    client_send(fd2, request(req, "two@test.example"));
    expect_replies(fd2, 1, REPLY(TEST_ACTION));
    expect_status("TA", 100);
    client_send(fd, request(req, "one@test.example"));
    expect_replies(fd, 1, REPLY(TEST_ACTION));
    expect_status("TA", 100);
    (void) close(fd);
    (void) close(fd2);
}
END_TEST

 /*
  * test_big_pipeline - more pipelined requests than the service answers in
  * one call: echo_policy stops when multi_server_drain_pending() says so
  * (64 kB of unwritten replies), with requests left in the stream buffer
  * and none in the kernel. The client reads everything at once, so the
  * skeleton's flush succeeds at once; the requests left in the buffer must
  * still be served.
  */
#define BIG_ACTION_LEN	1000
#define BIG_REQUESTS	70		/* 70 kB of replies, 15 kB of requests */

START_TEST(test_big_pipeline)
{
    VSTRING *req = fm_str();
    VSTRING *all = fm_str();
    VSTRING *action = fm_str();
    VSTRING *opt = fm_str();
    VSTRING *want = fm_str();
    int     fd;
    int     i;

    vstring_strcpy(action, "DUNNO ");
    for (i = 0; VSTRING_LEN(action) < BIG_ACTION_LEN; i++)
	VSTRING_ADDCH(action, 'a' + i % 26);
    VSTRING_TERMINATE(action);
    vstring_sprintf(opt, "echo_policy_action=%s", vstring_str(action));
    fm_start(TEST_GEN_OCTAL, STD_ARGS, "-o", vstring_str(opt), (char *) 0);

    VSTRING_RESET(want);
    for (i = 0; i < BIG_REQUESTS; i++) {
	vstring_strcat(all, request(req, "big@test.example"));
	vstring_sprintf_append(want, "action=%s\n\n", vstring_str(action));
    }
    fd = client_connect();
    client_send(fd, vstring_str(all));
    expect_replies(fd, BIG_REQUESTS, vstring_str(want));
    expect_status_pairs(300);
    (void) close(fd);
}
END_TEST

 /*
  * test_slow_reader - a client that sends many requests and reads no
  * replies: the skeleton stops reading from it (it does not block, and
  * other clients are served), and when the client reads again every
  * request gets its reply.
  */
#define SLOW_REQUESTS	3000
#define SLOW_ACTION_LEN	1000

START_TEST(test_slow_reader)
{
    VSTRING *req = fm_str();
    VSTRING *all = fm_str();
    VSTRING *action = fm_str();
    VSTRING *opt = fm_str();
    VSTRING *want = fm_str();
    char    buf[65536];
    const char *cp;
    size_t  sent = 0;
    size_t  total;
    long long deadline;
    long long replies = 0;
    long    got_bytes = 0;
    struct pollfd pfd;
    ssize_t n;
    int     fd_a;
    int     fd_b;
    int     eof;
    int     i;

    vstring_strcpy(action, "DUNNO ");
    for (i = 0; VSTRING_LEN(action) < SLOW_ACTION_LEN; i++)
	VSTRING_ADDCH(action, 'a' + i % 26);
    VSTRING_TERMINATE(action);
    vstring_sprintf(opt, "echo_policy_action=%s", vstring_str(action));
    vstring_sprintf(want, "action=%s\n\n", vstring_str(action));
    fm_start(TEST_GEN_OCTAL, STD_ARGS, "-o", vstring_str(opt), (char *) 0);

    for (i = 0; i < SLOW_REQUESTS; i++)
	vstring_strcat(all, request(req, "slow@test.example"));
    total = VSTRING_LEN(all);

    /*
     * Send until the daemon stops taking input. A small send buffer, and
     * replies (3 MB) much larger than any socket buffer, make sure that
     * happens.
     */
    fd_a = client_connect();
    i = 16384;
    (void) setsockopt(fd_a, SOL_SOCKET, SO_SNDBUF, &i, sizeof(i));
    deadline = unit_now_ms() + 3000 * unit_slack();
    while (sent < total && unit_now_ms() < deadline) {
	if ((n = send(fd_a, vstring_str(all) + sent, total - sent,
		      MSG_DONTWAIT | MSG_NOSIGNAL)) > 0) {
	    sent += n;
	} else if (n < 0 && errno == EAGAIN) {
	    pfd.fd = fd_a;
	    pfd.events = POLLOUT;
	    if (poll(&pfd, 1, 500) == 0)
		break;				/* the daemon stopped reading */
	} else {
	    ck_abort_msg("send: %s", n < 0 ? strerror(errno) : "0 bytes");
	}
    }
    ck_assert_msg(sent < total, "the daemon read all %ld bytes of requests "
		  "although nobody read the replies", (long) total);

    /* Meanwhile, another client is served at once. */
    fd_b = client_connect();
    client_send(fd_b, request(req, "b@test.example"));
    expect_replies(fd_b, 1, vstring_str(want));

    /* Now A reads: every request it sent gets exactly one reply. */
    deadline = unit_now_ms() + 15000 * unit_slack();
    eof = 0;
    while (replies < SLOW_REQUESTS && unit_now_ms() < deadline) {
	pfd.fd = fd_a;
	pfd.events = POLLIN | (sent < total ? POLLOUT : 0);
	if (poll(&pfd, 1, 1000) <= 0)
	    continue;
	if ((pfd.revents & POLLOUT) && sent < total
	    && (n = send(fd_a, vstring_str(all) + sent, total - sent,
			 MSG_DONTWAIT | MSG_NOSIGNAL)) > 0)
	    sent += n;
	if (pfd.revents & (POLLIN | POLLHUP)) {
	    if ((n = recv(fd_a, buf, sizeof(buf), MSG_DONTWAIT)) == 0) {
		eof = 1;
		break;
	    }
	    if (n < 0)
		continue;
	    /* Count complete replies: each is "action=...\n\n". */
	    for (cp = buf; cp < buf + n; cp++)
		if (*cp == '\n' && ++got_bytes % 2 == 0)
		    replies++;
	}
    }
    ck_assert_msg(replies == SLOW_REQUESTS, "got %lld replies for %d requests "
		  "(sent %ld of %ld bytes, %s); log, without the echo lines:\n%s",
		  replies, SLOW_REQUESTS, (long) sent, (long) total,
		  eof ? "then EOF" : "timeout", log_without(fm_log(), "echo: "));
    expect_silence(fd_a, 200, "after all replies");
    expect_status_pairs(300);
    expect_alive(0, "after the slow reader");
    (void) close(fd_a);
    (void) close(fd_b);
}
END_TEST

 /*
  * test_out_of_descriptors - with a small RLIMIT_NOFILE, clients beyond
  * the limit are closed at once (not left hanging), with a warning, and
  * the others are served; when some leave, new ones are served again.
  */
#define EMFILE_CLIENTS	20

START_TEST(test_out_of_descriptors)
{
    VSTRING *req = fm_str();
    VSTRING *got = fm_str();
    int     fds[EMFILE_CLIENTS];
    int     answered = 0;
    int     refused = 0;
    int     eof;
    int     fd;
    int     i;

    fm.nofile = 20;
    fm_start(TEST_GEN_OCTAL, STD_ARGS, (char *) 0);
    ck_assert_msg(wait_log("echo_policy started", 3000),
		  "the daemon did not start; log:\n%s", fm_log());
    for (i = 0; i < EMFILE_CLIENTS; i++)
	fds[i] = client_connect();
    for (i = 0; i < EMFILE_CLIENTS; i++) {
	if (!client_try_send(fds[i], request(req, "rcpt@test.example"))) {
	    refused++;
	    continue;
	}
	client_read(fds[i], got, 1, 3000 * unit_slack(), &eof);
	if (strcmp(vstring_str(got), REPLY(TEST_ACTION)) == 0)
	    answered++;
	else if (eof && VSTRING_LEN(got) == 0)
	    refused++;
	else
	    ck_abort_msg("client %d: got \"%s\"%s", i, vstring_str(got),
			 eof ? " and EOF" : ", no EOF (left hanging)");
    }
    ck_assert_msg(answered >= 3 && refused >= 1, "answered %d, refused %d; log:\n%s",
		  answered, refused, fm_log());
    expect_log("refusing new clients");
    for (i = 0; i < EMFILE_CLIENTS; i++)
	(void) close(fds[i]);
    (void) poll((struct pollfd *) 0, 0, 200);

    /* Descriptors are free again. */
    fd = client_connect();
    client_send(fd, request(req, "again@test.example"));
    expect_replies(fd, 1, REPLY(TEST_ACTION));
    (void) close(fd);
    expect_status_pairs(300);
    expect_alive(0, "after running out of descriptors");
}
END_TEST

/* ---------------------------------------------------------------- life cycle */

/* test_idle_exit - no client for max_idle: exit 0 */

START_TEST(test_idle_exit)
{
    long long elapsed;

    fm_start(TEST_GEN_OCTAL, STD_ARGS, "-o", "max_idle=1s", (char *) 0);
    expect_exit(0, 3000);
    elapsed = unit_now_ms() - fm.start_ms;
    ck_assert_msg(elapsed >= 900, "exited after %lld ms, before max_idle; log:\n%s",
		  elapsed, fm_log());
    expect_log("idle timeout");
    expect_log("echo_policy exit hook ran");
    expect_status_eof();
}
END_TEST

/* test_idle_not_while_connected - the idle timer runs only without clients */

START_TEST(test_idle_not_while_connected)
{
    VSTRING *req = fm_str();
    long long closed;
    long long elapsed;
    int     fd;

    fm_start(TEST_GEN_OCTAL, STD_ARGS, "-o", "max_idle=1s", (char *) 0);
    fd = client_connect();
    client_send(fd, request(req, "rcpt@test.example"));
    expect_replies(fd, 1, REPLY(TEST_ACTION));
    expect_alive(2500, "with a client connected for longer than max_idle");
    client_send(fd, request(req, "rcpt@test.example"));
    expect_replies(fd, 1, REPLY(TEST_ACTION));
    closed = unit_now_ms();
    (void) close(fd);
    expect_exit(0, 3000);
    elapsed = unit_now_ms() - closed;
    ck_assert_msg(elapsed >= 800, "exited %lld ms after the last client left, "
		  "before max_idle", elapsed);
    expect_log("idle timeout");
    expect_status("TA" "TA" EOF_CALL, 0);
    expect_status_eof();
}
END_TEST

/* test_max_use - exit after max_use clients have disconnected */

START_TEST(test_max_use)
{
    VSTRING *req = fm_str();
    int     fd;

    fm_start(TEST_GEN_OCTAL, STD_ARGS, "-o", "max_use=2", (char *) 0);

    fd = client_connect();
    client_send(fd, request(req, "rcpt@test.example"));
    expect_replies(fd, 1, REPLY(TEST_ACTION));
    (void) close(fd);
    expect_alive(500, "after the first of max_use=2 clients");

    /* The second client never sends anything; it counts all the same. */
    fd = client_connect();
    expect_silence(fd, 200, "second client");
    (void) close(fd);
    expect_exit(0, 3000);
    expect_log("echo_policy exit hook ran");
    expect_no_log("idle timeout");
    expect_status("TA" EOF_CALL EOF_CALL, 0);
    expect_status_eof();
}
END_TEST

/* test_max_use_waits - max_use reached while a client is still connected */

START_TEST(test_max_use_waits)
{
    VSTRING *req = fm_str();
    int     fd_a;
    int     fd;
    int     i;

    fm_start(TEST_GEN_OCTAL, STD_ARGS, "-o", "max_use=2", (char *) 0);
    fd_a = client_connect();
    client_send(fd_a, request(req, "a@test.example"));
    expect_replies(fd_a, 1, REPLY(TEST_ACTION));

    for (i = 0; i < 2; i++) {
	fd = client_connect();
	client_send(fd, request(req, "b@test.example"));
	expect_replies(fd, 1, REPLY(TEST_ACTION));
	(void) close(fd);
    }
    expect_alive(500, "max_use reached, one client still connected");

    /* A is still served, and its departure ends the process. */
    client_send(fd_a, request(req, "a2@test.example"));
    expect_replies(fd_a, 1, REPLY(TEST_ACTION));
    (void) close(fd_a);
    expect_exit(0, 3000);
    /* A: request; B, C: request and EOF; A: request and EOF. */
    expect_status("TA" "TA" EOF_CALL "TA" EOF_CALL "TA" EOF_CALL, 0);
    expect_status_eof();
}
END_TEST

/* test_ipc_timeout - a client idle for ipc_timeout is disconnected */

START_TEST(test_ipc_timeout)
{
    VSTRING *req = fm_str();
    VSTRING *got = fm_str();
    int     eof;
    int     fd_idle;
    int     fd_busy;
    int     i;

    fm_start(TEST_GEN_OCTAL, STD_ARGS, "-o", "ipc_timeout=2s", (char *) 0);
    fd_idle = client_connect();
    fd_busy = client_connect();
    client_send(fd_idle, request(req, "idle@test.example"));
    expect_replies(fd_idle, 1, REPLY(TEST_ACTION));

    /* A client that asks every 0.5 s stays; the silent one is dropped. */
    for (i = 0; i < 8; i++) {
	client_send(fd_busy, request(req, "busy@test.example"));
	expect_replies(fd_busy, 1, REPLY(TEST_ACTION));
	(void) poll((struct pollfd *) 0, 0, 500);
    }
    client_read(fd_idle, got, 1, 100, &eof);
    ck_assert_msg(eof && VSTRING_LEN(got) == 0, "idle client not disconnected "
		  "after ipc_timeout (got \"%s\"); log:\n%s", vstring_str(got),
		  fm_log());
    expect_log("ipc_timeout");
    expect_alive(0, "after dropping an idle client");
    (void) close(fd_idle);
    (void) close(fd_busy);
}
END_TEST

/* test_flag_overrides - -m and -i work like max_use and max_idle */

START_TEST(test_flag_overrides)
{
    int     fd;

    if (_i == 0) {
	fm_start(TEST_GEN_OCTAL, STD_ARGS, "-m", "1", (char *) 0);
	fd = client_connect();
	expect_silence(fd, 100, "-m 1");
	(void) close(fd);
	expect_exit(0, 3000);
	expect_no_log("idle timeout");
	expect_status(EOF_CALL, 0);
    } else {
	fm_start(TEST_GEN_OCTAL, STD_ARGS, "-i", "1", (char *) 0);
	expect_exit(0, 3000);
	expect_log("idle timeout");
    }
    expect_log("echo_policy exit hook ran");
    expect_status_eof();
}
END_TEST

/*
 * test_long_timeouts - time parameters are seconds; a long but valid value
 * (a stateful daemon may want a month of max_idle) must work: 30 days is
 * more milliseconds than an int holds.
 */
static const char *long_timeouts[] = {"max_idle=30d", "ipc_timeout=30d"};

START_TEST(test_long_timeouts)
{
    VSTRING *req = fm_str();
    int     fd;

    fm_start(TEST_GEN_OCTAL, STD_ARGS, "-o", long_timeouts[_i], (char *) 0);
    fd = client_connect();
    client_send(fd, request(req, "rcpt@test.example"));
    expect_replies(fd, 1, REPLY(TEST_ACTION));
    expect_status("TA", 100);
    (void) close(fd);
    expect_alive(300, long_timeouts[_i]);
    expect_no_log("panic");
}
END_TEST

/* test_master_disconnect - EOF on fd 5: exit 0, even with a client */

START_TEST(test_master_disconnect)
{
    VSTRING *req = fm_str();
    int     fd;

    fm_start(TEST_GEN_OCTAL, STD_ARGS, (char *) 0);
    fd = client_connect();
    client_send(fd, request(req, "rcpt@test.example"));
    expect_replies(fd, 1, REPLY(TEST_ACTION));
    expect_status("TA", 100);

    /* postfix reload: master closes its end of the status channel. */
    (void) close(fm.status_fd);
    fm.status_fd = -1;
    expect_exit(0, 3000);
    expect_log("master disconnect -- exiting");
    expect_log("echo_policy exit hook ran");
    (void) close(fd);
}
END_TEST

/* test_sigterm - SIGTERM runs the exit hook, status 0 */

START_TEST(test_sigterm)
{
    VSTRING *req = fm_str();
    int     fd;

    /*
     * The handler is installed after the post-init routine: a reply shows
     * that the event loop runs. (A SIGTERM before that kills the process.)
     */
    fm_start(TEST_GEN_OCTAL, STD_ARGS, (char *) 0);
    fd = client_connect();
    client_send(fd, request(req, "rcpt@test.example"));
    expect_replies(fd, 1, REPLY(TEST_ACTION));
    expect_status("TA", 0);
    (void) kill(fm.pid, SIGTERM);
    expect_exit(0, 3000);
    expect_log("terminated -- exiting");
    expect_log("echo_policy exit hook ran");
    expect_status_eof();
    (void) close(fd);
}
END_TEST

 /*
  * test_late_verbose_stderr - -V must work wherever it is on the command
  * line: master(8) puts the master.cf arguments after its own "-n service
  * -t unix", so a -V from master.cf always comes after option values.
  */
START_TEST(test_late_verbose_stderr)
{
    VSTRING *req = fm_str();
    int     fd;

    fm_start(TEST_GEN_OCTAL, "-l", "-n", "policy", "-t", "unix", "-V", (char *) 0);
    fd = client_connect();
    client_send(fd, request(req, "rcpt@test.example"));
    expect_replies(fd, 1, REPLY(TEST_ACTION));
    (void) close(fd);
    (void) kill(fm.pid, SIGTERM);
    expect_exit(0, 3000);
    expect_log("echo_policy started");
    expect_log("echo_policy exit hook ran");
}
END_TEST

/* ---------------------------------------------------------------- start-up */

static const char *bad_generations[] = {"12x", "9", "-1", "0x1f"};

#define NBAD_GEN (sizeof(bad_generations) / sizeof(bad_generations[0]))

/* test_bad_generation - fatal, exit 1 */

START_TEST(test_bad_generation)
{
    fm_start(bad_generations[_i], STD_ARGS, (char *) 0);
    expect_exit(1, 4000);			/* msg_fatal() sleeps 1 s */
    expect_log("bad generation");
    expect_log(bad_generations[_i]);
    expect_status_eof();
}
END_TEST

/* test_bad_option - an unknown flag is fatal */

START_TEST(test_bad_option)
{
    fm_start(TEST_GEN_OCTAL, STD_ARGS, "-Q", (char *) 0);
    expect_exit(1, 4000);
    expect_log("invalid option");
    expect_log("-Q");
    expect_status_eof();
}
END_TEST

/* test_missing_argument - an option without its value names the option */

static const char *missing_args[] = {"-t", "-o", "-L"};

START_TEST(test_missing_argument)
{
    fm_start(TEST_GEN_OCTAL, "-V", "-l", missing_args[_i], (char *) 0);
    expect_exit(1, 4000);
    expect_log("requires an argument");
    expect_log(missing_args[_i]);
    expect_status_eof();
}
END_TEST

/* test_no_transport - -t is required under master */

START_TEST(test_no_transport)
{
    fm_start(TEST_GEN_OCTAL, "-V", "-l", (char *) 0);
    expect_exit(1, 4000);
    expect_log("no transport type");
    expect_status_eof();
}
END_TEST

/* test_tty_stdin - refuse to run by hand under the pretense of master */

START_TEST(test_tty_stdin)
{
    fm.stdin_tty = 1;
    fm_start(TEST_GEN_OCTAL, STD_ARGS, (char *) 0);
    expect_exit(1, 4000);
    expect_log("do not run this command by hand");
    expect_status_eof();
}
END_TEST

/* test_tty_stdin_debug - but -d allows it */

START_TEST(test_tty_stdin_debug)
{
    VSTRING *req = fm_str();
    int     fd;

    fm.stdin_tty = 1;
    fm_start(TEST_GEN_OCTAL, STD_ARGS, "-d", (char *) 0);
    fd = client_connect();
    client_send(fd, request(req, "rcpt@test.example"));
    expect_replies(fd, 1, REPLY(TEST_ACTION));
    expect_status("TA", 100);
    (void) close(fd);
}
END_TEST

/* multi_server_suite - everything */

static Suite *multi_server_suite(void)
{
    Suite  *s = suite_create("multi_server");
    TCase  *tc;

    tc = tcase_create("protocol");
    tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, test_one_request);
    tcase_add_test(tc, test_override);
    tcase_add_test(tc, test_ids);
    tcase_add_test(tc, test_pipelined);
    tcase_add_test(tc, test_split);
    tcase_add_test(tc, test_disconnect_midrequest);
    tcase_add_test(tc, test_interleaved);
    tcase_add_test(tc, test_half_close);
    tcase_add_test(tc, test_reader_gone);
    tcase_add_test(tc, test_two_sockets);
    tcase_add_test(tc, test_big_pipeline);
    tcase_add_test(tc, test_slow_reader);
    tcase_add_test(tc, test_out_of_descriptors);
    suite_add_tcase(s, tc);

    tc = tcase_create("lifecycle");
    tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, test_idle_exit);
    tcase_add_test(tc, test_idle_not_while_connected);
    tcase_add_test(tc, test_max_use);
    tcase_add_test(tc, test_max_use_waits);
    tcase_add_test(tc, test_ipc_timeout);
    tcase_add_loop_test(tc, test_flag_overrides, 0, 2);
    tcase_add_loop_test(tc, test_long_timeouts, 0, 2);
    tcase_add_test(tc, test_master_disconnect);
    tcase_add_test(tc, test_late_verbose_stderr);
    tcase_add_test(tc, test_sigterm);
    suite_add_tcase(s, tc);

    tc = tcase_create("startup");
    tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_loop_test(tc, test_bad_generation, 0, NBAD_GEN);
    tcase_add_test(tc, test_bad_option);
    tcase_add_loop_test(tc, test_missing_argument, 0, 3);
    tcase_add_test(tc, test_no_transport);
    tcase_add_test(tc, test_tty_stdin);
    tcase_add_test(tc, test_tty_stdin_debug);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(multi_server_suite()));
}
