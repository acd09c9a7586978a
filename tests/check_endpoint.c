/*++
/* NAME
/*	check_endpoint 1
/* SUMMARY
/*	endpoint(3) unit tests
/* SYNOPSIS
/*	./check_endpoint
/* DESCRIPTION
/*	Tests endpoint specifications (unix:, inet:, [IPv6], bare forms,
/*	and the errors), and listen plus connect round trips over a
/*	UNIX-domain socket, inet 127.0.0.1 with port 0, and [::1] when
/*	IPv6 loopback is available (otherwise skipped, loudly). Also the
/*	socket modes (non-blocking close-on-exec listener, blocking
/*	connection, socket file mode 0666, replacement of a stale socket),
/*	and the failures: refused, missing socket, full UNIX-domain listen
/*	queue, connect timeout, address in use or not local.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <endpoint.h>

/* Test library. */

#include "testlib.h"
#include "unitlib.h"

 /*
  * Specifications. want_err: the exact message, or 0 for success with
  * type, path or host, and port.
  */
static const struct {
    const char *spec;
    const char *want_err;
    int     want_type;
    const char *want_name;		/* path or host */
    const char *want_port;
} parse_cases[] = {
    {"unix:/p", 0, ENDPOINT_UNIX, "/p", 0},
    {"unix:private/greylist", 0, ENDPOINT_UNIX, "private/greylist", 0},
    {"/var/spool/postfix/private/greylist", 0, ENDPOINT_UNIX,
    "/var/spool/postfix/private/greylist", 0},
    {"inet:127.0.0.1:25", 0, ENDPOINT_INET, "127.0.0.1", "25"},
    {"inet:[::1]:10023", 0, ENDPOINT_INET, "::1", "10023"},
    {"inet:[2001:db8::1]:0", 0, ENDPOINT_INET, "2001:db8::1", "0"},
    {"127.0.0.1:10023", 0, ENDPOINT_INET, "127.0.0.1", "10023"},
    {"localhost:10023", 0, ENDPOINT_INET, "localhost", "10023"},
    {"[::1]:25", 0, ENDPOINT_INET, "::1", "25"},
    {"inet:h:65535", 0, ENDPOINT_INET, "h", "65535"},
    {"inet:::1:25", "IPv6 address must be enclosed in []", 0, 0, 0},
    {"::1:25", "IPv6 address must be enclosed in []", 0, 0, 0},
    {"inet:host", "missing :port", 0, 0, 0},
    {"", "missing :port", 0, 0, 0},
    {"inet:h:99999", "bad host or port", 0, 0, 0},
    {"inet:h:65536", "bad host or port", 0, 0, 0},
    {"inet:h:4294967297", "bad host or port", 0, 0, 0},
    {"inet:h:000000000025", "bad host or port", 0, 0, 0},
    {"inet:h:", "bad host or port", 0, 0, 0},
    {"inet::25", "bad host or port", 0, 0, 0},
    {"inet:h:2x", "bad host or port", 0, 0, 0},
    {"inet:h:-1", "bad host or port", 0, 0, 0},
    {"inet:h:+25", "bad host or port", 0, 0, 0},
    {"inet:[]:25", "bad host or port", 0, 0, 0},
    {"inet:[::1]", "bad [host]:port syntax", 0, 0, 0},
    {"inet:[::1", "bad [host]:port syntax", 0, 0, 0},
    {"inet:[::1]x25", "bad [host]:port syntax", 0, 0, 0},
    {"unix:", "empty UNIX-domain socket path", 0, 0, 0},
    {"unix:/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "UNIX-domain socket path too long", 0, 0, 0},
};

#define NPARSE	(sizeof(parse_cases) / sizeof(parse_cases[0]))

/* test_parse - table */

START_TEST(test_parse)
{
    ENDPOINT ep;
    const char *err = endpoint_parse(&ep, parse_cases[_i].spec);

    if (parse_cases[_i].want_err) {
	ck_assert_msg(err != 0 && strcmp(err, parse_cases[_i].want_err) == 0,
		      "\"%s\": got \"%s\", want \"%s\"", parse_cases[_i].spec,
		      err ? err : "(accepted)", parse_cases[_i].want_err);
	ck_assert(ep.path == 0 && ep.host == 0 && ep.port == 0);
	return;
    }
    ck_assert_msg(err == 0, "\"%s\": got \"%s\", want success",
		  parse_cases[_i].spec, err);
    ck_assert_int_eq(ep.type, parse_cases[_i].want_type);
    if (ep.type == ENDPOINT_UNIX) {
	ck_assert_str_eq(ep.path, parse_cases[_i].want_name);
	ck_assert(ep.host == 0 && ep.port == 0);
    } else {
	ck_assert_str_eq(ep.host, parse_cases[_i].want_name);
	ck_assert_str_eq(ep.port, parse_cases[_i].want_port);
	ck_assert_ptr_null(ep.path);
    }
    endpoint_free(&ep);
    ck_assert(ep.path == 0 && ep.host == 0 && ep.port == 0);
}
END_TEST

/* fd_nonblocking - is O_NONBLOCK set? */

static int fd_nonblocking(int fd)
{
    return ((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
}

/* fd_cloexec - is FD_CLOEXEC set? */

static int fd_cloexec(int fd)
{
    return ((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
}

/* accept_one - accept a connection within 2 s */

static int accept_one(int listen_fd)
{
    struct pollfd pfd;
    int     fd;

    pfd.fd = listen_fd;
    pfd.events = POLLIN;
    if (poll(&pfd, 1, 2000) != 1)
	ck_abort_msg("no connection within 2 s");
    if ((fd = accept4(listen_fd, (struct sockaddr *) 0, (socklen_t *) 0,
		      SOCK_CLOEXEC)) < 0)
	ck_abort_msg("accept: %s", strerror(errno));
    return (fd);
}

/* exchange - client and server talk both ways */

static void exchange(int client, int server)
{
    char    buf[10];

    ck_assert_int_eq(write(client, "ping", 4), 4);
    ck_assert_int_eq(read(server, buf, sizeof(buf)), 4);
    ck_assert_mem_eq(buf, "ping", 4);
    ck_assert_int_eq(write(server, "pong", 4), 4);
    ck_assert_int_eq(read(client, buf, sizeof(buf)), 4);
    ck_assert_mem_eq(buf, "pong", 4);
}

/* roundtrip - listen, connect, talk; returns the port or -1 */

static int roundtrip(const char *listen_spec, const char *connect_prefix)
{
    VSTRING *why = vstring_alloc(100);
    VSTRING *spec = vstring_alloc(100);
    int     listen_fd;
    int     client;
    int     server;
    int     port;

    listen_fd = endpoint_listen(listen_spec, 10, why);
    ck_assert_msg(listen_fd >= 0, "listen %s: %s", listen_spec,
		  vstring_str(why));
    ck_assert_msg(fd_nonblocking(listen_fd), "listener is blocking");
    ck_assert_msg(fd_cloexec(listen_fd), "listener is not close-on-exec");
    port = endpoint_local_port(listen_fd);
    if (port < 0)
	vstring_strcpy(spec, connect_prefix);
    else
	vstring_sprintf(spec, "%s%d", connect_prefix, port);
    client = endpoint_connect(vstring_str(spec), 2, why);
    ck_assert_msg(client >= 0, "connect %s: %s", vstring_str(spec),
		  vstring_str(why));
    ck_assert_msg(!fd_nonblocking(client), "connection is non-blocking");
    ck_assert_msg(fd_cloexec(client), "connection is not close-on-exec");
    server = accept_one(listen_fd);
    exchange(client, server);
    (void) close(client);
    (void) close(server);
    (void) close(listen_fd);
    vstring_free(why);
    vstring_free(spec);
    return (port);
}

/* test_unix - round trip over a UNIX-domain socket */

START_TEST(test_unix)
{
    char   *dir = test_tmpdir("endpoint");
    VSTRING *path = vstring_alloc(100);
    VSTRING *spec = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    struct stat st;
    int     fd;

    vstring_sprintf(path, "%s/policy", dir);
    vstring_sprintf(spec, "unix:%s", vstring_str(path));
    ck_assert_int_eq(roundtrip(vstring_str(spec), vstring_str(spec)), -1);
    ck_assert_int_eq(stat(vstring_str(path), &st), 0);
    ck_assert(S_ISSOCK(st.st_mode));
    ck_assert_msg((st.st_mode & 07777) == 0666, "got mode %o, want 0666",
		  (unsigned) (st.st_mode & 07777));

    /* A stale socket file is replaced; the bare path form works. */
    ck_assert_int_eq(roundtrip(vstring_str(path), vstring_str(path)), -1);

    /* Nothing listens on the stale socket. */
    ck_assert_int_eq(endpoint_connect(vstring_str(spec), 2, why), -1);
    ck_assert_msg(strstr(vstring_str(why), strerror(ECONNREFUSED)) != 0,
		  "got \"%s\", want \"%s\"", vstring_str(why),
		  strerror(ECONNREFUSED));

    /* No socket file at all. */
    (void) unlink(vstring_str(path));
    fd = endpoint_connect(vstring_str(spec), 2, why);
    ck_assert_int_eq(fd, -1);
    ck_assert_msg(strstr(vstring_str(why), "connect to unix:") != 0
		  && strstr(vstring_str(why), strerror(ENOENT)) != 0,
		  "got \"%s\"", vstring_str(why));

    test_rmdir(dir);
    myfree(dir);
    vstring_free(path);
    vstring_free(spec);
    vstring_free(why);
}
END_TEST

/* test_inet - round trip over 127.0.0.1, port 0 */

START_TEST(test_inet)
{
    int     port;

    port = roundtrip("inet:127.0.0.1:0", "inet:127.0.0.1:");
    ck_assert_msg(port > 0 && port < 65536, "got port %d", port);
    port = roundtrip("127.0.0.1:0", "127.0.0.1:");
    ck_assert(port > 0);
}
END_TEST

/* ipv6_loopback - can we use [::1]? */

static int ipv6_loopback(void)
{
    struct sockaddr_in6 sin6;
    int     fd;
    int     ok;

    if ((fd = socket(AF_INET6, SOCK_STREAM, 0)) < 0)
	return (0);
    memset(&sin6, 0, sizeof(sin6));
    sin6.sin6_family = AF_INET6;
    sin6.sin6_addr = in6addr_loopback;
    ok = (bind(fd, (struct sockaddr *) &sin6, sizeof(sin6)) == 0);
    (void) close(fd);
    return (ok);
}

/* test_inet6 - round trip over [::1], when available */

START_TEST(test_inet6)
{
    int     port;

    if (!ipv6_loopback()) {
	fprintf(stderr, "*** SKIPPED: check_endpoint test_inet6: "
		"IPv6 loopback [::1] is not available ***\n");
	return;
    }
    port = roundtrip("inet:[::1]:0", "inet:[::1]:");
    ck_assert_msg(port > 0 && port < 65536, "got port %d", port);
}
END_TEST

/* test_refused - nothing listens on the port */

START_TEST(test_refused)
{
    VSTRING *why = vstring_alloc(100);
    VSTRING *spec = vstring_alloc(100);
    int     fd;
    int     port;

    fd = endpoint_listen("inet:127.0.0.1:0", 1, why);
    ck_assert_msg(fd >= 0, "listen: %s", vstring_str(why));
    port = endpoint_local_port(fd);
    (void) close(fd);
    vstring_sprintf(spec, "inet:127.0.0.1:%d", port);
    ck_assert_int_eq(endpoint_connect(vstring_str(spec), 2, why), -1);
    ck_assert_msg(strstr(vstring_str(why), vstring_str(spec)) != 0
		  && strstr(vstring_str(why), strerror(ECONNREFUSED)) != 0,
		  "got \"%s\", want connect to %s: %s", vstring_str(why),
		  vstring_str(spec), strerror(ECONNREFUSED));
    vstring_free(why);
    vstring_free(spec);
}
END_TEST

/* test_unix_queue_full - no unconnected descriptor is returned */

START_TEST(test_unix_queue_full)
{
    char   *dir = test_tmpdir("endpoint");
    VSTRING *spec = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    struct sockaddr_storage ss;
    socklen_t len;
    int     listen_fd;
    int     fds[10];
    int     n;
    int     i;

    vstring_sprintf(spec, "unix:%s/full", dir);
    listen_fd = endpoint_listen(vstring_str(spec), 0, why);
    ck_assert_msg(listen_fd >= 0, "listen: %s", vstring_str(why));
    for (n = 0; n < 10; n++) {
	if ((fds[n] = endpoint_connect(vstring_str(spec), 1, why)) < 0)
	    break;
	len = sizeof(ss);
	ck_assert_msg(getpeername(fds[n], (struct sockaddr *) &ss, &len) == 0,
		      "connection %d: returned an unconnected socket (%s)",
		      n, strerror(errno));
    }
    ck_assert_msg(n < 10, "10 connections to a listen queue of 0");
    ck_assert_msg(strstr(vstring_str(why), strerror(EAGAIN)) != 0,
		  "got \"%s\", want \"%s\"", vstring_str(why), strerror(EAGAIN));
    for (i = 0; i < n; i++)
	(void) close(fds[i]);
    (void) close(listen_fd);
    test_rmdir(dir);
    myfree(dir);
    vstring_free(spec);
    vstring_free(why);
}
END_TEST

/* test_connect_timeout - the peer never completes the handshake */

START_TEST(test_connect_timeout)
{
    VSTRING *spec = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    FILE   *fp;
    int     listen_fd;
    int     fds[20];
    int     n;
    int     i;
    long long start = 0;
    long long elapsed;

    /* With tcp_abort_on_overflow the kernel refuses instead. */
    if ((fp = fopen("/proc/sys/net/ipv4/tcp_abort_on_overflow", "r")) != 0) {
	i = fgetc(fp);
	(void) fclose(fp);
	if (i != '0') {
	    fprintf(stderr, "*** SKIPPED: check_endpoint test_connect_timeout: "
		    "net.ipv4.tcp_abort_on_overflow is set ***\n");
	    return;
	}
    }
    listen_fd = endpoint_listen("inet:127.0.0.1:0", 0, why);
    ck_assert_msg(listen_fd >= 0, "listen: %s", vstring_str(why));
    vstring_sprintf(spec, "inet:127.0.0.1:%d", endpoint_local_port(listen_fd));
    for (n = 0; n < 20; n++) {
	start = unit_now_ms();
	if ((fds[n] = endpoint_connect(vstring_str(spec), 1, why)) < 0)
	    break;
    }
    elapsed = unit_now_ms() - start;
    ck_assert_msg(n < 20, "20 connections to a listen queue of 0");
    ck_assert_msg(strstr(vstring_str(why), "timed out") != 0,
		  "got \"%s\", want \"connect to %s: timed out\"",
		  vstring_str(why), vstring_str(spec));
    ck_assert_msg(elapsed >= 900 && elapsed < 3000 * unit_slack(),
		  "got %lld ms, want about 1000", elapsed);
    for (i = 0; i < n; i++)
	(void) close(fds[i]);
    (void) close(listen_fd);
    vstring_free(spec);
    vstring_free(why);
}
END_TEST

/* test_listen_errors - each failure says why */

START_TEST(test_listen_errors)
{
    VSTRING *why = vstring_alloc(100);
    VSTRING *spec = vstring_alloc(100);
    int     fd;

    ck_assert_int_eq(endpoint_listen("inet:host", 10, why), -1);
    ck_assert_str_eq(vstring_str(why),
		     "bad endpoint \"inet:host\": missing :port");
    ck_assert_int_eq(endpoint_connect("unix:", 10, why), -1);
    ck_assert_str_eq(vstring_str(why),
		     "bad endpoint \"unix:\": empty UNIX-domain socket path");

    ck_assert_int_eq(endpoint_listen("unix:/nonexistent-dir/sock", 10, why), -1);
    ck_assert_msg(strncmp(vstring_str(why), "bind /nonexistent-dir/sock: ", 28) == 0,
		  "got \"%s\"", vstring_str(why));

    /* Port in use. */
    fd = endpoint_listen("inet:127.0.0.1:0", 10, why);
    ck_assert_msg(fd >= 0, "listen: %s", vstring_str(why));
    vstring_sprintf(spec, "inet:127.0.0.1:%d", endpoint_local_port(fd));
    ck_assert_int_eq(endpoint_listen(vstring_str(spec), 10, why), -1);
    ck_assert_msg(strstr(vstring_str(why), "bind 127.0.0.1:") != 0
		  && strstr(vstring_str(why), strerror(EADDRINUSE)) != 0,
		  "got \"%s\"", vstring_str(why));
    (void) close(fd);

    /* An address that is not ours (TEST-NET-1). */
    ck_assert_int_eq(endpoint_listen("inet:192.0.2.1:0", 10, why), -1);
    ck_assert_msg(strstr(vstring_str(why), strerror(EADDRNOTAVAIL)) != 0,
		  "got \"%s\"", vstring_str(why));

    /* endpoint_local_port() on something else. */
    ck_assert_int_eq(endpoint_local_port(-1), -1);
    ck_assert_int_eq(endpoint_local_port(1000), -1);
    vstring_free(why);
    vstring_free(spec);
}
END_TEST

/* endpoint_suite - build the suite */

static Suite *endpoint_suite(void)
{
    Suite  *s = suite_create("endpoint");
    TCase  *tc;

    tc = tcase_create("parse");
    tcase_add_loop_test(tc, test_parse, 0, NPARSE);
    suite_add_tcase(s, tc);

    tc = tcase_create("sockets");
    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, test_unix);
    tcase_add_test(tc, test_inet);
    tcase_add_test(tc, test_inet6);
    tcase_add_test(tc, test_refused);
    tcase_add_test(tc, test_unix_queue_full);
    tcase_add_test(tc, test_connect_timeout);
    tcase_add_test(tc, test_listen_errors);
    suite_add_tcase(s, tc);
    return (s);
}

int     main(void)
{
    return (test_run_suite(endpoint_suite()));
}
