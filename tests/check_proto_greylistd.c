/*++
/* NAME
/*	check_proto_greylistd 1
/* SUMMARY
/*	greylistd(8) policy protocol tests
/* SYNOPSIS
/*	./check_proto_greylistd
/* DESCRIPTION
/*	Talks the Postfix policy protocol to the real daemon. Most test
/*	cases share one daemon, started by an unchecked fixture with
/*	"greylistd -L unix:\fIdir\fB/greylist.sock\fR" (one with
/*	"-L inet:127.0.0.1:0", whose port is read from the daemon's
/*	"listening on" line) and MAIL_CONFIG=\fIdir\fR, where main.cf and
/*	greylistd.cf set a private data_directory, greylist_delay = 2s
/*	and greylist_test_clock = yes: every test moves the clock with
/*	policy_test_time instead of sleeping. Each test uses its own
/*	client address and recipients.
/*
/*	Covered: the defer text, early retries, the pass after the delay,
/*	triplets that differ only in the recipient, several requests per
/*	connection and several connections, pipelining, a request sent
/*	one byte at a time, framing errors (line, attribute and size
/*	limits, a request cut off by a disconnect) that close the
/*	connection without a reply while other clients are served,
/*	malformed requests answered with DUNNO, the null sender, IPv6
/*	networks, IPv4-mapped addresses, a restart (SIGTERM) and a crash
/*	(SIGKILL) that keep the database usable, and the -S mode of
/*	spawn(8): one connection on standard input and output, exit when
/*	it closes, and two copies that share the database.
/*
/*	Daemons are stopped with SIGTERM (SIGKILL after a deadline) by
/*	the process that started them, and at exit.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

#define STR(x)	vstring_str(x)
#define LEN(x)	VSTRING_LEN(x)

#define DEFER(n)	"action=DEFER_IF_PERMIT 4.7.1 Greylisted, please try again in " \
			#n " seconds"
#define DUNNO		"action=DUNNO"
#define CLOSED		"(closed)"

#define REPLY_MS	(5000 * unit_slack())	/* wait for one reply */
#define START_MS	(15000 * unit_slack())	/* wait for a daemon */

/*
 * Daemons.
 */

typedef struct SERVER {
    char   *dir;			/* MAIL_CONFIG, data, socket, log */
    pid_t   pid;			/* 0: not running */
    pid_t   owner;			/* the process that started it */
    int     fd;				/* -S: our end of its stdin/stdout */
    VSTRING *endpoint;			/* where clients connect */
    VSTRING *log;			/* its standard error */
} SERVER;

#define MAX_SERVERS	8

static SERVER *servers[MAX_SERVERS];	/* for the exit handler */
static char *own_dir;			/* a test's own directory */
static pid_t own_dir_owner;		/* who made it */

/* server_kill_all - at exit: SIGKILL what this process started */

static void server_kill_all(void)
{
    int     i;

    for (i = 0; i < MAX_SERVERS; i++) {
	if (servers[i] && servers[i]->pid > 0 && servers[i]->owner == getpid()) {
	    (void) kill(servers[i]->pid, SIGKILL);
	    (void) waitpid(servers[i]->pid, (int *) 0, 0);
	    servers[i]->pid = 0;
	}
    }
    if (own_dir && own_dir_owner == getpid())
	test_rmdir(own_dir);			/* after a failed test */
}

/* server_create - a private configuration */

static SERVER *server_create(const char *dir)
{
    SERVER *sp = (SERVER *) mymalloc(sizeof(*sp));
    VSTRING *buf = vstring_alloc(100);
    struct passwd *pw;
    int     i;

    sp->dir = mystrdup(dir);
    sp->pid = 0;
    sp->owner = 0;
    sp->fd = -1;
    sp->endpoint = vstring_alloc(100);
    sp->log = vstring_alloc(100);
    vstring_sprintf(sp->log, "%s/stderr", dir);

    vstring_sprintf(buf, "data_directory = %s/data\n", dir);
    test_write_file(dir, "main.cf", STR(buf));
    test_write_file(dir, "greylistd.cf",
		    "greylist_delay = 2s\n"
		    "greylist_test_clock = yes\n");
    vstring_sprintf(buf, "%s/data", dir);
    if (mkdir(STR(buf), 0700) < 0 && errno != EEXIST)
	ck_abort_msg("mkdir %s: %s", STR(buf), strerror(errno));
    if (geteuid() == 0) {
	if ((pw = getpwnam("postfix")) == 0)
	    ck_abort_msg("running as root, but there is no user postfix");
	if (chown(STR(buf), pw->pw_uid, pw->pw_gid) < 0)
	    ck_abort_msg("chown %s: %s", STR(buf), strerror(errno));
    }
    vstring_free(buf);
    for (i = 0; i < MAX_SERVERS && servers[i]; i++)
	 /* void */ ;
    if (i >= MAX_SERVERS)
	ck_abort_msg("too many servers");
    servers[i] = sp;
    return (sp);
}

/* server_free - forget a stopped server */

static void server_free(SERVER *sp)
{
    int     i;

    for (i = 0; i < MAX_SERVERS; i++)
	if (servers[i] == sp)
	    servers[i] = 0;
    if (sp->fd >= 0)
	(void) close(sp->fd);
    myfree(sp->dir);
    vstring_free(sp->endpoint);
    vstring_free(sp->log);
    myfree((void *) sp);
}

/* server_exec - the child: run the daemon */

static void server_exec(SERVER *sp, const char *program, const char *listen,
			        int stdio_fd)
{
    int     fd;

    if (stdio_fd >= 0) {
	if (dup2(stdio_fd, 0) < 0 || dup2(stdio_fd, 1) < 0)
	    _exit(126);
    } else {
	if ((fd = open("/dev/null", O_RDWR)) < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0)
	    _exit(126);
    }
    if ((fd = open(STR(sp->log), O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0
	|| dup2(fd, 2) < 0)
	_exit(126);
    for (fd = 3; fd < 1024; fd++)
	(void) close(fd);
    (void) setenv("MAIL_CONFIG", sp->dir, 1);
    (void) unsetenv("MAIL_VERBOSE");
    (void) unsetenv("GENERATION");
    (void) signal(SIGPIPE, SIG_DFL);
    if (listen)
	execl(program, "greylistd", "-L", listen, (char *) 0);
    else
	execl(program, "greylistd", "-S", (char *) 0);
    _exit(127);
}

/* server_port - the port of "inet:...:0", from the log */

static int server_port(SERVER *sp)
{
    VSTRING *text = vstring_alloc(1000);
    const char *cp;
    int     port = -1;

    if ((cp = strstr(test_read_file(text, STR(sp->log)), "(port ")) != 0)
	port = atoi(cp + 6);
    vstring_free(text);
    return (port);
}

/* try_connect - one attempt; -1 on failure */

static int try_connect(const char *endpoint)
{
    struct sockaddr_in sin;
    const char *cp;
    int     fd;

    if (strncmp(endpoint, "unix:", 5) == 0)
	return (test_unix_connect(endpoint + 5, 0));
    if ((cp = strrchr(endpoint, ':')) == 0)
	ck_abort_msg("bad endpoint %s", endpoint);
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(atoi(cp + 1));
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
	ck_abort_msg("socket: %s", strerror(errno));
    if (connect(fd, (struct sockaddr *) &sin, sizeof(sin)) == 0)
	return (fd);
    (void) close(fd);
    return (-1);
}

/* server_start - start, wait until it accepts */

static void server_start(SERVER *sp, const char *listen)
{
    const char *program = test_daemon_path();
    VSTRING *text = vstring_alloc(1000);
    long long deadline = unit_now_ms() + START_MS;
    int     status;
    int     port;
    int     fd;

    (void) fflush(stdout);
    (void) fflush(stderr);
    if ((sp->pid = fork()) < 0)
	ck_abort_msg("fork: %s", strerror(errno));
    if (sp->pid == 0)
	server_exec(sp, program, listen, -1);
    sp->owner = getpid();

    /*
     * Port 0: the kernel's choice is in the log.
     */
    if (strncmp(listen, "inet:", 5) == 0 && strcmp(listen + strlen(listen) - 2, ":0") == 0) {
	while ((port = server_port(sp)) < 0) {
	    if (waitpid(sp->pid, &status, WNOHANG) == sp->pid) {
		sp->pid = 0;
		ck_abort_msg("daemon exited with status 0x%x: %s", status,
			     test_read_file(text, STR(sp->log)));
	    }
	    if (unit_now_ms() > deadline)
		ck_abort_msg("no \"listening on\" port after %lld ms: %s",
			     (long long) START_MS, test_read_file(text, STR(sp->log)));
	    test_sleep_ms(10);
	}
	ck_assert_msg(port > 0 && port < 65536, "bad port %d", port);
	vstring_sprintf(sp->endpoint, "inet:127.0.0.1:%d", port);
    } else {
	vstring_strcpy(sp->endpoint, listen);
    }

    /*
     * The socket accepts once it is bound; the post-init line says that
     * the database is open.
     */
    while ((fd = try_connect(STR(sp->endpoint))) < 0
	   || strstr(test_read_file(text, STR(sp->log)), ", delay ") == 0) {
	if (fd >= 0)
	    (void) close(fd);
	if (waitpid(sp->pid, &status, WNOHANG) == sp->pid) {
	    sp->pid = 0;
	    ck_abort_msg("daemon exited with status 0x%x: %s", status,
			 test_read_file(text, STR(sp->log)));
	}
	if (unit_now_ms() > deadline)
	    ck_abort_msg("daemon does not accept after %lld ms: %s",
			 (long long) START_MS, test_read_file(text, STR(sp->log)));
	test_sleep_ms(10);
    }
    (void) close(fd);
    vstring_free(text);
}

/* server_start_stdin - greylistd -S on a socket pair */

static void server_start_stdin(SERVER *sp)
{
    const char *program = test_daemon_path();
    int     fds[2];

    unit_socketpair(fds, 0);
    (void) fflush(stdout);
    (void) fflush(stderr);
    if ((sp->pid = fork()) < 0)
	ck_abort_msg("fork: %s", strerror(errno));
    if (sp->pid == 0) {
	(void) close(fds[0]);
	server_exec(sp, program, (char *) 0, fds[1]);
    }
    sp->owner = getpid();
    (void) close(fds[1]);
    sp->fd = fds[0];
}

/* server_wait - wait for the exit; -1: still running at the deadline */

static int server_wait(SERVER *sp, long long ms)
{
    int     status;

    if (!test_wait_pid(sp->pid, &status, ms))
	return (-1);
    sp->pid = 0;
    return (status);
}

/* server_stop - SIGTERM, then SIGKILL after a deadline; the status */

static int server_stop(SERVER *sp)
{
    int     status;

    if (sp->pid <= 0 || sp->owner != getpid())
	return (-1);
    (void) kill(sp->pid, SIGTERM);
    if ((status = server_wait(sp, 10000 * unit_slack())) == -1) {
	(void) kill(sp->pid, SIGKILL);
	status = server_wait(sp, 10000 * unit_slack());
    }
    return (status);
}

/*
 * Clients.
 */

typedef struct CLIENT {
    int     fd;
    VSTRING *in;			/* received, not yet returned */
} CLIENT;

/* client_fd - a client on a connected descriptor */

static CLIENT *client_fd(int fd)
{
    CLIENT *cp = (CLIENT *) mymalloc(sizeof(*cp));

    cp->fd = fd;
    cp->in = vstring_alloc(100);
    return (cp);
}

/* client_open - connect */

static CLIENT *client_open(SERVER *sp)
{
    int     fd;

    if ((fd = try_connect(STR(sp->endpoint))) < 0)
	ck_abort_msg("connect %s: %s", STR(sp->endpoint), strerror(errno));
    return (client_fd(fd));
}

/* client_close - disconnect */

static void client_close(CLIENT *cp)
{
    if (cp->fd >= 0)
	(void) close(cp->fd);
    vstring_free(cp->in);
    myfree((void *) cp);
}

/* client_write - send bytes; 0 when the peer is gone */

static int client_write(CLIENT *cp, const char *data, ssize_t len)
{
    return (test_write(cp->fd, data, len));
}

/* client_consumed - wait until the daemon has read all we sent */

static void client_consumed(CLIENT *cp)
{
    long long deadline = unit_now_ms() + REPLY_MS;
    int     pending;

    /*
     * On a UNIX-domain socket, the output queue holds what the peer has
     * not read yet.
     */
    for (;;) {
	if (ioctl(cp->fd, TIOCOUTQ, &pending) < 0)
	    ck_abort_msg("ioctl TIOCOUTQ: %s", strerror(errno));
	if (pending == 0)
	    return;
	if (unit_now_ms() > deadline)
	    ck_abort_msg("the daemon did not read %d bytes in %lld ms", pending,
			 (long long) REPLY_MS);
	test_sleep_ms(1);
    }
}

/* client_reply - the next reply without its empty line, or CLOSED */

static const char *client_reply(CLIENT *cp, VSTRING *reply)
{
    long long deadline = unit_now_ms() + REPLY_MS;
    char   *end;
    ssize_t rest;
    int     got;

    for (;;) {
	if ((end = strstr(STR(cp->in), "\n\n")) != 0) {
	    vstring_memcpy(reply, STR(cp->in), end - STR(cp->in));
	    VSTRING_TERMINATE(reply);
	    rest = LEN(cp->in) - (end + 2 - STR(cp->in));
	    memmove(STR(cp->in), end + 2, rest);	/* keep pipelined replies */
	    vstring_truncate(cp->in, rest);
	    VSTRING_TERMINATE(cp->in);
	    return (STR(reply));
	}
	if ((got = test_read_more(cp->fd, cp->in, deadline)) < 0)
	    ck_abort_msg("no reply after %lld ms; got so far \"%s\"",
			 (long long) REPLY_MS, STR(cp->in));
	if (got == 0) {
	    ck_assert_msg(LEN(cp->in) == 0, "partial reply \"%s\"", STR(cp->in));
	    vstring_strcpy(reply, CLOSED);
	    return (STR(reply));
	}
    }
}

/* request - the text of one RCPT request */

static const char *request(VSTRING *buf, const char *client, const char *sender,
				   const char *rcpt, time_t when)
{
    vstring_sprintf(buf, "request=smtpd_access_policy\nprotocol_state=RCPT\n"
		    "protocol_name=ESMTP\nclient_address=%s\n"
		    "client_name=unknown\nhelo_name=test\n", client);
    if (sender)
	vstring_sprintf_append(buf, "sender=%s\n", sender);
    vstring_sprintf_append(buf, "recipient=%s\n", rcpt);
    if (when)
	vstring_sprintf_append(buf, "policy_test_time=%ld\n", (long) when);
    vstring_strcat(buf, "\n");
    return (STR(buf));
}

/* ask - one request, its reply */

static const char *ask(CLIENT *cp, VSTRING *reply, const char *client,
			       const char *sender, const char *rcpt, time_t when)
{
    VSTRING *buf = vstring_alloc(200);

    (void) client_write(cp, request(buf, client, sender, rcpt, when), -1);
    vstring_free(buf);
    return (client_reply(cp, reply));
}

/* expect - one request with the wanted reply */

static void expect(CLIENT *cp, const char *client, const char *sender,
			   const char *rcpt, time_t when, const char *want)
{
    VSTRING *reply = vstring_alloc(100);

    ask(cp, reply, client, sender, rcpt, when);
    ck_assert_msg(strcmp(STR(reply), want) == 0,
		  "%s <%s> <%s> policy_test_time=%ld: got \"%s\", want \"%s\"",
		  client, sender ? sender : "(none)", rcpt, (long) when,
		  STR(reply), want);
    vstring_free(reply);
}

/* expect_raw - raw bytes with the wanted reply */

static void expect_raw(CLIENT *cp, const char *text, ssize_t len, const char *want)
{
    VSTRING *reply = vstring_alloc(100);

    (void) client_write(cp, text, len);
    client_reply(cp, reply);
    ck_assert_msg(strcmp(STR(reply), want) == 0, "got \"%s\", want \"%s\"",
		  STR(reply), want);
    vstring_free(reply);
}

/*
 * The shared daemon of a test case.
 */

static SERVER *fixture;
static time_t base;				/* the fake clock starts here */
static const char *fixture_listen;

/* fixture_setup - one daemon per test case */

static void fixture_setup(void)
{
    char   *dir;
    VSTRING *listen = vstring_alloc(100);

    base = time((time_t *) 0);
    dir = test_tmpdir("proto");
    fixture = server_create(dir);
    if (strcmp(fixture_listen, "unix") == 0)
	vstring_sprintf(listen, "unix:%s/greylist.sock", dir);
    else
	vstring_strcpy(listen, fixture_listen);
    server_start(fixture, STR(listen));
    myfree(dir);
    vstring_free(listen);
}

/* fixture_setup_unix - greylistd -L unix:dir/greylist.sock */

static void fixture_setup_unix(void)
{
    fixture_listen = "unix";
    fixture_setup();
}

/* fixture_setup_inet - greylistd -L inet:127.0.0.1:0 */

static void fixture_setup_inet(void)
{
    fixture_listen = "inet:127.0.0.1:0";
    fixture_setup();
}

/* fixture_teardown - stop it, clean up */

static void fixture_teardown(void)
{
    if (fixture == 0)
	return;
    (void) server_stop(fixture);
    test_rmdir(fixture->dir);
    server_free(fixture);
    fixture = 0;
}

/* test_first_request - the defer text */

START_TEST(test_first_request)
{
    CLIENT *cp = client_open(fixture);

    expect(cp, "192.0.2.1", "a@example.org", "first@example.com", base, DEFER(3));
    client_close(cp);
}

END_TEST

/* test_real_clock - without policy_test_time */

START_TEST(test_real_clock)
{
    CLIENT *cp = client_open(fixture);

    expect(cp, "192.0.2.2", "a@example.org", "clock@example.com", 0, DEFER(3));
    expect(cp, "192.0.2.2", "a@example.org", "clock@example.com",
	   time((time_t *) 0) + 100, DUNNO);
    client_close(cp);
}

END_TEST

/* test_retry - early retries, the pass, known */

START_TEST(test_retry)
{
    CLIENT *cp = client_open(fixture);
    const char *ip = "192.0.2.3";
    const char *rcpt = "retry@example.com";

    expect(cp, ip, "a@example.org", rcpt, base, DEFER(3));
    expect(cp, ip, "a@example.org", rcpt, base, DEFER(3));
    expect(cp, ip, "a@example.org", rcpt, base + 1, DEFER(2));
    expect(cp, ip, "a@example.org", rcpt, base + 2, DEFER(1));
    expect(cp, ip, "a@example.org", rcpt, base + 3, DUNNO);
    expect(cp, ip, "a@example.org", rcpt, base + 4, DUNNO);
    expect(cp, ip, "a@example.org", rcpt, base + 10, DUNNO);
    client_close(cp);
}

END_TEST

/* test_jump - a retry much later passes */

START_TEST(test_jump)
{
    CLIENT *cp = client_open(fixture);

    expect(cp, "192.0.2.4", "a@example.org", "jump@example.com", base, DEFER(3));
    expect(cp, "192.0.2.4", "a@example.org", "jump@example.com", base + 10, DUNNO);
    client_close(cp);
}

END_TEST

/* test_separate_triplets - recipient, sender and client each count */

START_TEST(test_separate_triplets)
{
    CLIENT *cp = client_open(fixture);
    const char *ip = "192.0.2.5";

    expect(cp, ip, "a@example.org", "one@example.com", base, DEFER(3));
    expect(cp, ip, "a@example.org", "one@example.com", base + 10, DUNNO);
    expect(cp, ip, "a@example.org", "two@example.com", base + 10, DEFER(3));
    expect(cp, ip, "b@example.org", "one@example.com", base + 10, DEFER(3));
    expect(cp, "192.0.2.6", "a@example.org", "one@example.com", base + 10, DEFER(3));
    expect(cp, ip, "a@example.org", "two@example.com", base + 11, DEFER(2));
    expect(cp, ip, "a@example.org", "one@example.com", base + 11, DUNNO);

    /*
     * The whole key is lowercased.
     */
    expect(cp, ip, "A@Example.ORG", "ONE@example.com", base + 11, DUNNO);
    client_close(cp);
}

END_TEST

/* test_many_connections - interleaved requests on open connections */

START_TEST(test_many_connections)
{
    CLIENT *cp[4];
    char    rcpt[100];
    int     round;
    int     i;

    for (i = 0; i < 4; i++)
	cp[i] = client_open(fixture);
    for (round = 0; round < 3; round++) {
	for (i = 0; i < 4; i++) {
	    snprintf(rcpt, sizeof(rcpt), "conn%d@example.com", i);
	    expect(cp[i], "192.0.2.7", "a@example.org", rcpt, base + round * 10,
		   round == 0 ? DEFER(3) : DUNNO);
	}
    }
    for (i = 0; i < 4; i++)
	client_close(cp[i]);

    /*
     * One connection after the other.
     */
    for (i = 0; i < 10; i++) {
	cp[0] = client_open(fixture);
	snprintf(rcpt, sizeof(rcpt), "serial%d@example.com", i);
	expect(cp[0], "192.0.2.7", "a@example.org", rcpt, base, DEFER(3));
	client_close(cp[0]);
    }
}

END_TEST

/* test_pipelined - three requests in one write, three replies in order */

START_TEST(test_pipelined)
{
    CLIENT *cp = client_open(fixture);
    VSTRING *text = vstring_alloc(1000);
    VSTRING *buf = vstring_alloc(1000);
    VSTRING *reply = vstring_alloc(100);
    static const char *want[] = {DEFER(3), DUNNO, DEFER(3), DUNNO};
    int     i;

    vstring_strcpy(text, request(buf, "192.0.2.8", "a@example.org", "x@example.com", base));
    vstring_strcat(text, request(buf, "192.0.2.8", "a@example.org", "x@example.com",
				 base + 10));
    vstring_strcat(text, request(buf, "192.0.2.8", "a@example.org", "y@example.com", base));
    vstring_strcat(text, "request=smtpd_access_policy\nprotocol_state=DATA\n"
		   "client_address=192.0.2.8\nrecipient=y@example.com\n\n");
    ck_assert(client_write(cp, STR(text), LEN(text)));
    for (i = 0; i < 4; i++)
	ck_assert_msg(strcmp(client_reply(cp, reply), want[i]) == 0,
		      "reply %d: got \"%s\", want \"%s\"", i + 1, STR(reply), want[i]);
    client_close(cp);
    vstring_free(text);
    vstring_free(buf);
    vstring_free(reply);
}

END_TEST

/* test_byte_at_a_time - one write per byte */

START_TEST(test_byte_at_a_time)
{
    CLIENT *cp = client_open(fixture);
    VSTRING *text = vstring_alloc(1000);
    ssize_t i;

    request(text, "192.0.2.9", "a@example.org", "slow@example.com", base);
    for (i = 0; i < LEN(text) - 1; i++) {
	ck_assert(client_write(cp, STR(text) + i, 1));
	client_consumed(cp);		/* one read per byte */
    }
    expect_raw(cp, "\n", 1, DEFER(3));

    /*
     * The connection goes on normally.
     */
    expect(cp, "192.0.2.9", "a@example.org", "slow@example.com", base + 10, DUNNO);
    client_close(cp);
    vstring_free(text);
}

END_TEST

/* test_carriage_returns - CRLF line ends */

START_TEST(test_carriage_returns)
{
    CLIENT *cp = client_open(fixture);
    VSTRING *text = vstring_alloc(300);

    vstring_sprintf(text, "request=smtpd_access_policy\r\nprotocol_state=RCPT\r\n"
		    "client_address=192.0.2.10\r\nsender=a@example.org\r\n"
		    "recipient=crlf@example.com\r\npolicy_test_time=%ld\r\n\r\n",
		    (long) base);
    expect_raw(cp, STR(text), LEN(text), DEFER(3));
    expect(cp, "192.0.2.10", "a@example.org", "crlf@example.com", base + 10, DUNNO);
    client_close(cp);
    vstring_free(text);
}

END_TEST

 /*
  * Framing errors: the connection is closed without a reply.
  */
#define FRAME_LONG_LINE	0
#define FRAME_ATTRIBUTES	1
#define FRAME_SIZE	2
#define FRAME_HALF	3

static const struct {
    const char *label;
    int     how;
    const char *want_log;
} frame_cases[] = {
    {"line longer than the limit", FRAME_LONG_LINE, "request line longer than the limit"},
    {"more attributes than the limit", FRAME_ATTRIBUTES,
    "too many attributes in request"},
    {"request larger than the limit", FRAME_SIZE, "request larger than the size limit"},
    {"disconnect in the middle", FRAME_HALF, "in the middle of a request"},
};

#define NFRAME	(sizeof(frame_cases) / sizeof(frame_cases[0]))

/* test_framing - closed without a reply, others are still served */

START_TEST(test_framing)
{
    CLIENT *bystander = client_open(fixture);
    CLIENT *cp = client_open(fixture);
    VSTRING *text = vstring_alloc(100000);
    VSTRING *reply = vstring_alloc(100);
    VSTRING *rcpt = vstring_alloc(100);
    long long deadline;
    int     i;

    vstring_sprintf(rcpt, "frame%d@example.com", _i);
    expect(bystander, "192.0.2.11", "a@example.org", STR(rcpt), base, DEFER(3));
    vstring_strcpy(text, "request=smtpd_access_policy\nclient_address=192.0.2.11\n");
    switch (frame_cases[_i].how) {
    case FRAME_LONG_LINE:
	vstring_strcat(text, "sender=");
	for (i = 0; i < 5000; i++)
	    VSTRING_ADDCH(text, 'x');
	vstring_strcat(text, "\nrecipient=r@example.com\n\n");
	break;
    case FRAME_ATTRIBUTES:
	for (i = 0; i < 150; i++)
	    vstring_sprintf_append(text, "x%d=%d\n", i, i);
	vstring_strcat(text, "\n");
	break;
    case FRAME_SIZE:
	for (i = 0; i < 20; i++) {
	    vstring_sprintf_append(text, "y%d=", i);
	    while (LEN(text) % 4000 != 0)
		VSTRING_ADDCH(text, 'y');
	    VSTRING_ADDCH(text, '\n');
	}
	vstring_strcat(text, "\n");
	break;
    case FRAME_HALF:
	vstring_strcat(text, "recipient=half");
	break;
    }
    VSTRING_TERMINATE(text);
    (void) client_write(cp, STR(text), LEN(text));
    if (frame_cases[_i].how == FRAME_HALF) {
	client_consumed(cp);			/* the end comes in another read */
	(void) shutdown(cp->fd, SHUT_WR);
	ck_assert_str_eq(client_reply(cp, reply), CLOSED);
    } else {
	ck_assert_msg(strcmp(client_reply(cp, reply), CLOSED) == 0,
		      "%s: got \"%s\", want the connection closed",
		      frame_cases[_i].label, STR(reply));
    }
    client_close(cp);

    /*
     * Connected and new clients are served.
     */
    expect(bystander, "192.0.2.11", "a@example.org", STR(rcpt), base + 10, DUNNO);
    cp = client_open(fixture);
    expect(cp, "192.0.2.11", "a@example.org", STR(rcpt), base + 11, DUNNO);
    client_close(cp);
    client_close(bystander);

    /*
     * The log says why.
     */
    if (frame_cases[_i].want_log) {
	deadline = unit_now_ms() + REPLY_MS;
	while (strstr(test_read_file(text, STR(fixture->log)), frame_cases[_i].want_log) == 0
	       && unit_now_ms() < deadline)
	    test_sleep_ms(10);
	ck_assert_msg(strstr(STR(text), frame_cases[_i].want_log) != 0,
		      "%s: no \"%s\" in the log", frame_cases[_i].label,
		      frame_cases[_i].want_log);
	ck_assert_msg(strstr(STR(text), "-- disconnecting") != 0, "no disconnect in the log");
    }
    vstring_free(text);
    vstring_free(reply);
    vstring_free(rcpt);
}

END_TEST

 /*
  * Malformed requests: DUNNO, and the connection stays usable.
  */
static const struct {
    const char *label;
    const char *text;
    size_t  len;			/* 0: strlen */
} bad_cases[] = {
    {"line without =", "request=smtpd_access_policy\nprotocol_state=RCPT\n"
	"client_address=@IP@\nthis line has no equals sign\n"
    "sender=a@example.org\nrecipient=bad@example.com\n\n"},
    {"NUL byte in a value", "request=smtpd_access_policy\nprotocol_state=RCPT\n"
	"client_address=@IP@\nsender=a\0b@example.org\n"
	"recipient=bad@example.com\n\n",
	sizeof("request=smtpd_access_policy\nprotocol_state=RCPT\n"
	       "client_address=@IP@\nsender=a\0b@example.org\n"
    "recipient=bad@example.com\n\n") - 1},
    {"client_address unknown", "request=smtpd_access_policy\nprotocol_state=RCPT\n"
    "client_address=unknown\nsender=a@example.org\nrecipient=bad@example.com\n\n"},
    {"client_address 999.1.1.1", "request=smtpd_access_policy\nprotocol_state=RCPT\n"
    "client_address=999.1.1.1\nsender=a@example.org\nrecipient=bad@example.com\n\n"},
    {"no recipient", "request=smtpd_access_policy\nprotocol_state=RCPT\n"
    "client_address=@IP@\nsender=a@example.org\n\n"},
    {"no client_address", "request=smtpd_access_policy\nprotocol_state=RCPT\n"
    "sender=a@example.org\nrecipient=bad@example.com\n\n"},
    {"other request type", "request=junk\nprotocol_state=RCPT\n"
    "client_address=@IP@\nsender=a@example.org\nrecipient=bad@example.com\n\n"},
    {"no request type", "protocol_state=RCPT\n"
    "client_address=@IP@\nsender=a@example.org\nrecipient=bad@example.com\n\n"},
    {"attribute twice", "request=smtpd_access_policy\nprotocol_state=RCPT\n"
	"client_address=@IP@\nsender=a@example.org\nrecipient=bad@example.com\n"
    "recipient=bad2@example.com\n\n"},
    {"empty attribute name", "request=smtpd_access_policy\nprotocol_state=RCPT\n"
    "client_address=@IP@\n=x\nsender=a@example.org\nrecipient=bad@example.com\n\n"},
    {"control character", "request=smtpd_access_policy\nprotocol_state=RCPT\n"
    "client_address=@IP@\nsender=a\x1b[2J@example.org\nrecipient=bad@example.com\n\n"},
    {"invalid UTF-8", "request=smtpd_access_policy\nprotocol_state=RCPT\n"
    "client_address=@IP@\nsender=\xff\xfe@example.org\nrecipient=bad@example.com\n\n"},
    {"bad policy_test_time", "request=smtpd_access_policy\nprotocol_state=RCPT\n"
	"client_address=@IP@\nsender=a@example.org\nrecipient=bad@example.com\n"
    "policy_test_time=12x\n\n"},
    {"protocol_state DATA", "request=smtpd_access_policy\nprotocol_state=DATA\n"
    "client_address=@IP@\nsender=a@example.org\nrecipient=bad@example.com\n\n"},
    {"empty request", "\n"},
};

#define NBAD	(sizeof(bad_cases) / sizeof(bad_cases[0]))

/* subst_ip - the request text with @IP@ replaced */

static void subst_ip(VSTRING *out, const char *text, size_t len, const char *ip)
{
    const char *end = text + len;

    VSTRING_RESET(out);
    while (text < end) {
	if (end - text >= 4 && memcmp(text, "@IP@", 4) == 0) {
	    vstring_strcat(out, ip);
	    text += 4;
	} else {
	    VSTRING_ADDCH(out, *text++);
	}
    }
    VSTRING_TERMINATE(out);
}

/* test_bad_request - DUNNO, nothing recorded, the connection goes on */

START_TEST(test_bad_request)
{
    CLIENT *cp = client_open(fixture);
    VSTRING *text = vstring_alloc(300);
    VSTRING *ip = vstring_alloc(100);

    vstring_sprintf(ip, "192.0.2.%d", 100 + _i);
    subst_ip(text, bad_cases[_i].text, bad_cases[_i].len ? bad_cases[_i].len :
	     strlen(bad_cases[_i].text), STR(ip));
    expect_raw(cp, STR(text), LEN(text), DUNNO);
    expect(cp, STR(ip), "a@example.org", "after-bad@example.com", base, DEFER(3));

    /*
     * Had the bad request been recorded, this would pass.
     */
    expect(cp, STR(ip), "a@example.org", "bad@example.com", base + 10, DEFER(3));
    client_close(cp);
    vstring_free(text);
    vstring_free(ip);
}

END_TEST

/* test_interleaved - partial requests on other connections do not mix */

START_TEST(test_interleaved)
{
    CLIENT *a = client_open(fixture);
    CLIENT *b = client_open(fixture);
    CLIENT *c;
    VSTRING *text = vstring_alloc(300);
    VSTRING *head = vstring_alloc(300);
    char   *cut;

    /*
     * A's request arrives in two parts; B's whole request in between.
     */
    request(text, "192.0.2.40", "a@example.org", "interleave-a@example.com", base);
    cut = strstr(STR(text), "sender=");
    vstring_strncpy(head, STR(text), cut - STR(text));
    ck_assert(client_write(a, STR(head), LEN(head)));
    client_consumed(a);
    expect(b, "192.0.2.41", "b@example.org", "interleave-b@example.com", base, DEFER(3));
    expect_raw(a, cut, -1, DEFER(3));
    expect(a, "192.0.2.40", "a@example.org", "interleave-a@example.com", base + 10, DUNNO);
    expect(b, "192.0.2.41", "b@example.org", "interleave-b@example.com", base + 10, DUNNO);

    /*
     * Another client that gives up in the middle of its request does
     * not take A's half request with it.
     */
    request(text, "192.0.2.40", "a@example.org", "interleave-c@example.com", base);
    cut = strstr(STR(text), "sender=");
    vstring_strncpy(head, STR(text), cut - STR(text));
    ck_assert(client_write(a, STR(head), LEN(head)));
    client_consumed(a);
    c = client_open(fixture);
    ck_assert(client_write(c, "request=smtpd_access_policy\nclient_add", -1));
    client_consumed(c);
    client_close(c);
    expect(b, "192.0.2.41", "b@example.org", "interleave-d@example.com", base, DEFER(3));
    expect_raw(a, cut, -1, DEFER(3));
    client_close(a);
    client_close(b);
    vstring_free(text);
    vstring_free(head);
}

END_TEST

/* test_bounce - the null sender is a sender */

START_TEST(test_bounce)
{
    CLIENT *cp = client_open(fixture);

    expect(cp, "192.0.2.13", "", "bounce@example.com", base, DEFER(3));
    expect(cp, "192.0.2.13", "", "bounce@example.com", base + 1, DEFER(2));
    expect(cp, "192.0.2.13", "", "bounce@example.com", base + 10, DUNNO);

    /*
     * No sender attribute is the null sender; a real sender is another
     * triplet.
     */
    expect(cp, "192.0.2.13", (char *) 0, "bounce@example.com", base + 11, DUNNO);
    expect(cp, "192.0.2.13", "x@example.org", "bounce@example.com", base + 11, DEFER(3));
    expect(cp, "192.0.2.13", (char *) 0, "bounce2@example.com", base, DEFER(3));
    expect(cp, "192.0.2.13", "", "bounce2@example.com", base + 10, DUNNO);
    client_close(cp);
}

END_TEST

/* test_ipv6 - senders rotate within a /64 */

START_TEST(test_ipv6)
{
    CLIENT *cp = client_open(fixture);

    expect(cp, "2001:db8:1:2::1", "a@example.org", "v6@example.com", base, DEFER(3));
    expect(cp, "2001:db8:1:2:ffff::99", "a@example.org", "v6@example.com", base + 1,
	   DEFER(2));
    expect(cp, "2001:db8:1:3::1", "a@example.org", "v6@example.com", base + 10, DEFER(3));
    expect(cp, "2001:DB8:1:2::5", "a@example.org", "v6@example.com", base + 10, DUNNO);
    expect(cp, "[2001:db8:1:2::6]", "a@example.org", "v6@example.com", base + 10, DUNNO);
    client_close(cp);
}

END_TEST

/* test_mapped - ::ffff:192.0.2.9 is 192.0.2.9 */

START_TEST(test_mapped)
{
    CLIENT *cp = client_open(fixture);

    expect(cp, "::ffff:192.0.2.14", "a@example.org", "mapped@example.com", base,
	   DEFER(3));
    expect(cp, "192.0.2.14", "a@example.org", "mapped@example.com", base + 1, DEFER(2));
    expect(cp, "192.0.2.14", "a@example.org", "mapped@example.com", base + 10, DUNNO);
    expect(cp, "192.0.2.15", "a@example.org", "mapped2@example.com", base, DEFER(3));
    expect(cp, "::FFFF:192.0.2.15", "a@example.org", "mapped2@example.com", base + 10,
	   DUNNO);
    client_close(cp);
}

END_TEST

/* test_inet - the same over TCP */

START_TEST(test_inet)
{
    CLIENT *cp;

    ck_assert_msg(strncmp(STR(fixture->endpoint), "inet:127.0.0.1:", 15) == 0
		  && strcmp(STR(fixture->endpoint), "inet:127.0.0.1:0") != 0,
		  "endpoint %s", STR(fixture->endpoint));
    cp = client_open(fixture);
    expect(cp, "192.0.2.16", "a@example.org", "tcp@example.com", base, DEFER(3));
    expect(cp, "192.0.2.16", "a@example.org", "tcp@example.com", base + 1, DEFER(2));
    client_close(cp);
    cp = client_open(fixture);
    expect(cp, "192.0.2.16", "a@example.org", "tcp@example.com", base + 10, DUNNO);
    client_close(cp);
}

END_TEST

/*
 * Tests that start their own daemons.
 */

static SERVER *own;
static SERVER *own2;

/* own_teardown - checked: stop what a test left running */

static void own_teardown(void)
{
    if (own2) {
	(void) server_stop(own2);
	server_free(own2);			/* shares the directory of own */
	own2 = 0;
    }
    if (own) {
	(void) server_stop(own);
	test_rmdir(own->dir);
	server_free(own);
	own = 0;
	own_dir = 0;
    }
}

/* own_create - a private directory and configuration */

static SERVER *own_create(void)
{
    char   *dir = test_tmpdir("proto");
    SERVER *sp = server_create(dir);

    own_dir = sp->dir;
    own_dir_owner = getpid();
    myfree(dir);
    return (sp);
}

/* check_clean_exit - status 0 and the exit line */

static void check_clean_exit(SERVER *sp, int status, const char *what)
{
    VSTRING *text = vstring_alloc(1000);

    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "%s: status 0x%x: %s", what, status, test_read_file(text, STR(sp->log)));
    vstring_free(text);
}

/* test_restart - SIGTERM commits; the next daemon knows the triplet */

START_TEST(test_restart)
{
    VSTRING *listen = vstring_alloc(100);
    VSTRING *text = vstring_alloc(1000);
    time_t  now = time((time_t *) 0);
    CLIENT *cp;

    own = own_create();
    vstring_sprintf(listen, "unix:%s/greylist.sock", own->dir);
    server_start(own, STR(listen));
    cp = client_open(own);
    expect(cp, "192.0.2.20", "a@example.org", "restart@example.com", now, DEFER(3));
    expect(cp, "192.0.2.20", "a@example.org", "known@example.com", now, DEFER(3));
    expect(cp, "192.0.2.20", "a@example.org", "known@example.com", now + 10, DUNNO);
    client_close(cp);
    check_clean_exit(own, server_stop(own), "SIGTERM");
    ck_assert_msg(strstr(test_read_file(text, STR(own->log)), "terminated -- exiting") != 0,
		  "no exit line: %s", STR(text));

    /*
     * The same database, a new process.
     */
    server_start(own, STR(listen));
    cp = client_open(own);
    expect(cp, "192.0.2.20", "a@example.org", "restart@example.com", now + 1, DEFER(2));
    expect(cp, "192.0.2.20", "a@example.org", "restart@example.com", now + 10, DUNNO);
    expect(cp, "192.0.2.20", "a@example.org", "known@example.com", now + 11, DUNNO);
    expect(cp, "192.0.2.20", "a@example.org", "new@example.com", now + 11, DEFER(3));
    client_close(cp);
    check_clean_exit(own, server_stop(own), "second SIGTERM");
    ck_assert_msg(strstr(test_read_file(text, STR(own->log)), "moved it aside") == 0,
		  "database moved aside: %s", STR(text));
    vstring_free(listen);
    vstring_free(text);
}

END_TEST

/* test_crash - SIGKILL at any time leaves a database that opens */

START_TEST(test_crash)
{
    VSTRING *listen = vstring_alloc(100);
    VSTRING *text = vstring_alloc(1000);
    VSTRING *rcpt = vstring_alloc(100);
    time_t  now = time((time_t *) 0);
    CLIENT *cp;
    int     status;
    int     round;
    int     i;

    own = own_create();
    vstring_sprintf(listen, "unix:%s/greylist.sock", own->dir);
    for (round = 0; round < 3; round++) {
	server_start(own, STR(listen));
	cp = client_open(own);
	for (i = 0; i < 50; i++) {
	    vstring_sprintf(rcpt, "crash%d-%d@example.com", round, i);
	    expect(cp, "192.0.2.21", "a@example.org", STR(rcpt), now, DEFER(3));
	}
	(void) kill(own->pid, SIGKILL);
	status = server_wait(own, 10000 * unit_slack());
	ck_assert_msg(status != -1 && WIFSIGNALED(status), "status 0x%x", status);
	client_close(cp);
    }
    server_start(own, STR(listen));
    cp = client_open(own);
    expect(cp, "192.0.2.21", "a@example.org", "after-crash@example.com", now, DEFER(3));
    expect(cp, "192.0.2.21", "a@example.org", "after-crash@example.com", now + 10, DUNNO);
    client_close(cp);
    check_clean_exit(own, server_stop(own), "SIGTERM after crashes");
    ck_assert_msg(strstr(test_read_file(text, STR(own->log)), "moved it aside") == 0
		  && strstr(STR(text), "warning: database") == 0,
		  "database trouble after SIGKILL: %s", STR(text));
    vstring_free(listen);
    vstring_free(text);
    vstring_free(rcpt);
}

END_TEST

/* test_stdin - greylistd -S: one connection, then exit */

START_TEST(test_stdin)
{
    time_t  now = time((time_t *) 0);
    CLIENT *cp;
    VSTRING *text = vstring_alloc(1000);
    int     status;

    own = own_create();
    server_start_stdin(own);
    cp = client_fd(own->fd);
    own->fd = -1;
    expect(cp, "192.0.2.30", "a@example.org", "stdin1@example.com", now, DEFER(3));
    expect(cp, "192.0.2.30", "a@example.org", "stdin2@example.com", now, DEFER(3));
    expect(cp, "192.0.2.30", "a@example.org", "stdin1@example.com", now + 10, DUNNO);
    expect_raw(cp, "garbage\n\n", -1, DUNNO);
    client_close(cp);
    status = server_wait(own, 10000 * unit_slack());
    ck_assert_msg(status != -1, "-S did not exit when its input closed");
    check_clean_exit(own, status, "-S");
    ck_assert_msg(strstr(test_read_file(text, STR(own->log)), "fatal") == 0,
		  "stderr: %s", STR(text));
    vstring_free(text);
}

END_TEST

/* test_stdin_framing - -S: a framing error closes and exits */

START_TEST(test_stdin_framing)
{
    time_t  now = time((time_t *) 0);
    CLIENT *cp;
    VSTRING *reply = vstring_alloc(100);
    VSTRING *text = vstring_alloc(6000);
    int     status;
    int     i;

    own = own_create();
    server_start_stdin(own);
    cp = client_fd(own->fd);
    own->fd = -1;
    expect(cp, "192.0.2.31", "a@example.org", "stdin@example.com", now, DEFER(3));
    vstring_strcpy(text, "request=smtpd_access_policy\nsender=");
    for (i = 0; i < 5000; i++)
	VSTRING_ADDCH(text, 'x');
    vstring_strcat(text, "\n\n");
    (void) client_write(cp, STR(text), LEN(text));
    ck_assert_str_eq(client_reply(cp, reply), CLOSED);
    status = server_wait(own, 10000 * unit_slack());
    ck_assert_msg(status != -1, "-S did not exit after the framing error");
    check_clean_exit(own, status, "-S");
    client_close(cp);
    vstring_free(reply);
    vstring_free(text);
}

END_TEST

/* test_stdin_two_copies - two spawn copies share the database */

START_TEST(test_stdin_two_copies)
{
    time_t  now = time((time_t *) 0);
    CLIENT *a;
    CLIENT *b;
    int     status;

    own = own_create();
    own2 = server_create(own->dir);
    server_start_stdin(own);
    server_start_stdin(own2);
    a = client_fd(own->fd);
    own->fd = -1;
    b = client_fd(own2->fd);
    own2->fd = -1;

    /*
     * Both are connected and idle at the same time; each request sees
     * what the other committed.
     */
    expect(a, "192.0.2.32", "a@example.org", "copies@example.com", now, DEFER(3));
    expect(b, "192.0.2.32", "a@example.org", "copies@example.com", now + 1, DEFER(2));
    expect(b, "192.0.2.32", "a@example.org", "copies@example.com", now + 10, DUNNO);
    expect(a, "192.0.2.32", "a@example.org", "copies@example.com", now + 11, DUNNO);
    expect(b, "192.0.2.32", "a@example.org", "other@example.com", now, DEFER(3));
    expect(a, "192.0.2.32", "a@example.org", "other@example.com", now + 10, DUNNO);

    client_close(a);
    status = server_wait(own, 10000 * unit_slack());
    ck_assert_msg(status != -1, "copy A did not exit");
    check_clean_exit(own, status, "copy A");
    expect(b, "192.0.2.32", "a@example.org", "copies@example.com", now + 12, DUNNO);
    client_close(b);
    status = server_wait(own2, 10000 * unit_slack());
    ck_assert_msg(status != -1, "copy B did not exit");
    check_clean_exit(own2, status, "copy B");
}

END_TEST

/* proto_suite - build the suite */

static Suite *proto_suite(void)
{
    Suite  *s = suite_create("proto_greylistd");
    TCase  *tc;

    tc = tcase_create("unix");
    tcase_add_unchecked_fixture(tc, fixture_setup_unix, fixture_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_first_request);
    tcase_add_test(tc, test_real_clock);
    tcase_add_test(tc, test_retry);
    tcase_add_test(tc, test_jump);
    tcase_add_test(tc, test_separate_triplets);
    tcase_add_test(tc, test_many_connections);
    tcase_add_test(tc, test_pipelined);
    tcase_add_test(tc, test_byte_at_a_time);
    tcase_add_test(tc, test_carriage_returns);
    tcase_add_loop_test(tc, test_framing, 0, NFRAME);
    tcase_add_loop_test(tc, test_bad_request, 0, NBAD);
    tcase_add_test(tc, test_interleaved);
    tcase_add_test(tc, test_bounce);
    tcase_add_test(tc, test_ipv6);
    tcase_add_test(tc, test_mapped);
    suite_add_tcase(s, tc);

    tc = tcase_create("inet");
    tcase_add_unchecked_fixture(tc, fixture_setup_inet, fixture_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_inet);
    suite_add_tcase(s, tc);

    tc = tcase_create("restart");
    tcase_add_checked_fixture(tc, (SFun) 0, own_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_restart);
    tcase_add_test(tc, test_crash);
    suite_add_tcase(s, tc);

    tc = tcase_create("stdin");
    tcase_add_checked_fixture(tc, (SFun) 0, own_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_stdin);
    tcase_add_test(tc, test_stdin_framing);
    tcase_add_test(tc, test_stdin_two_copies);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    (void) signal(SIGPIPE, SIG_IGN);
    atexit(server_kill_all);
    return (test_run_suite(proto_suite()));
}
