/*++
/* NAME
/*	msg_output 3
/* SUMMARY
/*	standard error, syslog and postlogd output for msg(3)
/* SYNOPSIS
/*	#include <msg_output.h>
/*
/*	void	msg_stderr_init(progname)
/*	const char *progname;
/*
/*	void	msg_syslog_init(tag, facility)
/*	const char *tag;
/*	int	facility;
/*
/*	int	msg_syslog_facility(name)
/*	const char *name;
/*
/*	int	msg_logger_init(tag, hostname, socket_path)
/*	const char *tag;
/*	const char *hostname;
/*	const char *socket_path;
/*
/*	int	msg_logger_active()
/*
/*	void	msg_output_tag(tag)
/*	const char *tag;
/* DESCRIPTION
/*	These routines register msg(3) output handlers.
/*
/*	msg_stderr_init() writes "progname: severity: text" lines to
/*	standard error.
/*
/*	msg_syslog_init() sends each message to the syslog socket
/*	/dev/log, as syslog(3) would, with the given tag, the process ID
/*	and facility (LOG_MAIL by default, see
/*	msg_syslog_facility(), which maps a name such as "mail" or
/*	"local3" to its code and returns -1 for an unknown name).
/*	Warnings are logged with LOG_WARNING, errors with LOG_ERR, fatal
/*	errors with LOG_CRIT and panics with LOG_EMERG, as Postfix does.
/*
/*	msg_logger_init() sends each message as one datagram, formatted
/*	as a syslog file line ("Mon DD HH:MM:SS host tag[pid]: text"),
/*	to the postlogd(8) socket named by socket_path. This is how
/*	Postfix daemons log when main.cf sets maillog_file; master(8)
/*	passes the socket in POSTLOG_SERVICE and the host name in
/*	POSTLOG_HOSTNAME. The result is 0 when the socket could be
/*	reached, -1 otherwise (output stays directed there; messages are
/*	dropped until it can be reached). msg_syslog_init() and msg_logger_init()
/*	exclude each other: whichever is called last wins.
/*
/*	msg_output_tag() changes the tag of the syslog or postlogd
/*	output (after the daemon learned its syslog_name).
/* DIAGNOSTICS
/*	Delivery problems are not reported (there is nowhere to report
/*	them). A message is retried once over a new socket; while the
/*	socket cannot be reached (no syslog daemon, postlogd down), a new
/*	connection is tried at most every 10 seconds and messages are
/*	dropped, so that logging never costs more than a failed send.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <msg_output.h>

 /*
  * Private state. Fixed-size buffers: these routines run when memory is
  * exhausted, and must not call mymalloc().
  */
static char msg_progname[64];
static char msg_tag[128];
static char msg_host[128];
static struct sockaddr_un msg_dgram_addr;
static int msg_dgram_fd = -1;
static time_t msg_dgram_last_try;
static int msg_logger_on;
static int msg_syslog_on;
static int msg_facility = LOG_MAIL;

#define MSG_SYSLOG_PATH		"/dev/log"
#define MSG_RECONNECT_DELAY	10	/* seconds between connect attempts */

/* msg_copy - bounded string copy */

static void msg_copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src);
}

/* msg_finish - append the text and a suffix after a formatted header */

static int msg_finish(char *buf, int len, size_t size, const char *text,
		              const char *suffix)
{
    size_t  tlen = strlen(text);
    size_t  slen = strlen(suffix);

    /*
     * The text is copied, not formatted again: this runs for every line of
     * a busy daemon. What does not fit is cut, the suffix is kept.
     */
    if (len < 0)
	len = 0;
    if ((size_t) len > size - 1 - slen)
	len = size - 1 - slen;
    if (tlen > size - 1 - slen - len)
	tlen = size - 1 - slen - len;
    memcpy(buf + len, text, tlen);
    memcpy(buf + len + tlen, suffix, slen + 1);
    return (len + tlen + slen);
}

/* msg_stderr_print - write to standard error */

static void msg_stderr_print(int level, const char *text)
{
    char    buf[2300];
    int     len;

    if (level == MSG_INFO)
	len = snprintf(buf, sizeof(buf), "%s: ", msg_progname);
    else
	len = snprintf(buf, sizeof(buf), "%s: %s: ", msg_progname,
		       msg_severity_name(level));
    len = msg_finish(buf, len, sizeof(buf), text, "\n");
    (void) (write(2, buf, len) < 0);
}

/* msg_stderr_init - log to stderr */

void    msg_stderr_init(const char *progname)
{
    msg_copy(msg_progname, sizeof(msg_progname), progname);
    msg_output(msg_stderr_print);
}

/* msg_dgram_connect - (re)open the datagram socket, not too often */

static int msg_dgram_connect(void)
{
    time_t  now = time((time_t *) 0);

    if (msg_dgram_fd >= 0) {
	(void) close(msg_dgram_fd);
	msg_dgram_fd = -1;
    }
    if (now - msg_dgram_last_try < MSG_RECONNECT_DELAY && msg_dgram_last_try)
	return (-1);
    msg_dgram_last_try = now;
    msg_dgram_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (msg_dgram_fd < 0)
	return (-1);
    if (connect(msg_dgram_fd, (struct sockaddr *) &msg_dgram_addr,
		sizeof(msg_dgram_addr)) < 0) {
	(void) close(msg_dgram_fd);
	msg_dgram_fd = -1;
	return (-1);
    }
    msg_dgram_last_try = 0;
    return (0);
}

/* msg_dgram_target - where datagrams go */

static void msg_dgram_target(const char *path)
{
    memset(&msg_dgram_addr, 0, sizeof(msg_dgram_addr));
    msg_dgram_addr.sun_family = AF_UNIX;
    msg_copy(msg_dgram_addr.sun_path, sizeof(msg_dgram_addr.sun_path), path);
    msg_dgram_last_try = 0;
    (void) msg_dgram_connect();
}

/* msg_dgram_ready - is there a socket to send to? */

static int msg_dgram_ready(void)
{
    return (msg_dgram_fd >= 0 || msg_dgram_connect() == 0);
}

/* msg_dgram_send - one record; reconnect once when the peer restarted */

static void msg_dgram_send(const char *buf, int len)
{
    if (send(msg_dgram_fd, buf, len, MSG_NOSIGNAL) < 0 && errno != EAGAIN
	&& msg_dgram_connect() == 0)
	(void) send(msg_dgram_fd, buf, len, MSG_NOSIGNAL);
}

/* msg_stamp - "Mon DD HH:MM:SS", formatted once per second */

static const char *msg_stamp(void)
{
    static time_t last;
    static char stamp[32];
    time_t  now = time((time_t *) 0);
    struct tm tm;

    if (now != last) {
	(void) localtime_r(&now, &tm);
	(void) strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	last = now;
    }
    return (stamp);
}

/* msg_syslog_print - send one message to the syslog socket */

static void msg_syslog_print(int level, const char *text)
{
    static const int prio[] = {LOG_INFO, LOG_WARNING, LOG_ERR, LOG_CRIT, LOG_EMERG};
    char    buf[2400];
    int     len;

    if (!msg_syslog_on || !msg_dgram_ready())
	return;
    if (level == MSG_INFO)
	len = snprintf(buf, sizeof(buf), "<%d>%s %s[%ld]: ",
		       msg_facility | prio[level], msg_stamp(), msg_tag,
		       (long) getpid());
    else
	len = snprintf(buf, sizeof(buf), "<%d>%s %s[%ld]: %s: ",
		       msg_facility | prio[level], msg_stamp(), msg_tag,
		       (long) getpid(), msg_severity_name(level));
    len = msg_finish(buf, len, sizeof(buf), text, "");
    msg_dgram_send(buf, len);
}

/* msg_syslog_facility - map name to facility code */

int     msg_syslog_facility(const char *name)
{
    static const struct {
	const char *name;
	int     code;
    }       facilities[] = {
	{"mail", LOG_MAIL}, {"daemon", LOG_DAEMON}, {"user", LOG_USER},
	{"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
	{"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
	{"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7}, {0, 0},
    };
    int     i;

    for (i = 0; facilities[i].name; i++)
	if (strcasecmp(name, facilities[i].name) == 0)
	    return (facilities[i].code);
    return (-1);
}

/* msg_syslog_init - log to syslog */

void    msg_syslog_init(const char *tag, int facility)
{
    msg_copy(msg_tag, sizeof(msg_tag), tag);
    if (facility >= 0)
	msg_facility = facility;
    msg_dgram_target(MSG_SYSLOG_PATH);
    msg_syslog_on = 1;
    msg_logger_on = 0;
    msg_output(msg_syslog_print);
}

/* msg_logger_print - send one record to postlogd */

static void msg_logger_print(int level, const char *text)
{
    char    buf[2400];
    int     len;

    if (!msg_logger_on || !msg_dgram_ready())
	return;
    if (level == MSG_INFO)
	len = snprintf(buf, sizeof(buf), "%s %s %s[%ld]: ", msg_stamp(),
		       msg_host, msg_tag, (long) getpid());
    else
	len = snprintf(buf, sizeof(buf), "%s %s %s[%ld]: %s: ", msg_stamp(),
		       msg_host, msg_tag, (long) getpid(),
		       msg_severity_name(level));
    len = msg_finish(buf, len, sizeof(buf), text, "");
    msg_dgram_send(buf, len);
}

/* msg_logger_init - log to postlogd */

int     msg_logger_init(const char *tag, const char *hostname,
			        const char *socket_path)
{
    char   *dot;

    msg_copy(msg_tag, sizeof(msg_tag), tag);
    msg_copy(msg_host, sizeof(msg_host), hostname && *hostname ? hostname : "localhost");
    if ((dot = strchr(msg_host, '.')) != 0)
	*dot = 0;
    msg_dgram_target(socket_path);
    msg_logger_on = 1;
    msg_syslog_on = 0;
    msg_output(msg_logger_print);
    return (msg_dgram_fd >= 0 ? 0 : -1);
}

/* msg_logger_active - are we logging through postlogd? */

int     msg_logger_active(void)
{
    return (msg_logger_on);
}

/* msg_output_tag - change the tag */

void    msg_output_tag(const char *tag)
{
    msg_copy(msg_tag, sizeof(msg_tag), tag);
}
