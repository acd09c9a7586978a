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
/*	void	msg_logger_init(tag, hostname, socket_path)
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
/*	msg_syslog_init() sends each message to syslog(3) with the
/*	given tag, LOG_PID and facility (LOG_MAIL by default, see
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
/*	POSTLOG_HOSTNAME. msg_syslog_init() and msg_logger_init()
/*	exclude each other: whichever is called last wins.
/*
/*	msg_output_tag() changes the tag of the syslog or postlogd
/*	output (after the daemon learned its syslog_name).
/* DIAGNOSTICS
/*	postlogd delivery problems are not reported (there is nowhere
/*	to report them); a message is retried once over a new socket.
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
static struct sockaddr_un msg_logger_addr;
static int msg_logger_fd = -1;
static int msg_logger_on;
static int msg_syslog_on;
static int msg_facility = LOG_MAIL;

/* msg_copy - bounded string copy */

static void msg_copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src);
}

/* msg_stderr_print - write to standard error */

static void msg_stderr_print(int level, const char *text)
{
    char    buf[2300];
    int     len;

    if (level == MSG_INFO)
	len = snprintf(buf, sizeof(buf), "%s: %s\n", msg_progname, text);
    else
	len = snprintf(buf, sizeof(buf), "%s: %s: %s\n", msg_progname,
		       msg_severity_name(level), text);
    if (len > (int) sizeof(buf) - 1)
	len = sizeof(buf) - 1;
    (void) (write(2, buf, len) < 0);
}

/* msg_stderr_init - log to stderr */

void    msg_stderr_init(const char *progname)
{
    msg_copy(msg_progname, sizeof(msg_progname), progname);
    msg_output(msg_stderr_print);
}

/* msg_syslog_print - send one message to syslog */

static void msg_syslog_print(int level, const char *text)
{
    static const int prio[] = {LOG_INFO, LOG_WARNING, LOG_ERR, LOG_CRIT, LOG_EMERG};

    if (!msg_syslog_on)
	return;
    if (level == MSG_INFO)
	syslog(msg_facility | prio[level], "%s", text);
    else
	syslog(msg_facility | prio[level], "%s: %s",
	       msg_severity_name(level), text);
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
    closelog();
    openlog(msg_tag, LOG_PID | LOG_NDELAY, msg_facility);
    msg_syslog_on = 1;
    msg_logger_on = 0;
    msg_output(msg_syslog_print);
}

/* msg_logger_connect - (re)open the datagram socket */

static int msg_logger_connect(void)
{
    if (msg_logger_fd >= 0)
	(void) close(msg_logger_fd);
    msg_logger_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (msg_logger_fd < 0)
	return (-1);
    if (connect(msg_logger_fd, (struct sockaddr *) &msg_logger_addr,
		sizeof(msg_logger_addr)) < 0) {
	(void) close(msg_logger_fd);
	msg_logger_fd = -1;
	return (-1);
    }
    return (0);
}

/* msg_logger_print - send one record to postlogd */

static void msg_logger_print(int level, const char *text)
{
    char    buf[2400];
    char    stamp[32];
    time_t  now;
    struct tm tm;
    int     len;

    if (!msg_logger_on)
	return;
    now = time((time_t *) 0);
    (void) localtime_r(&now, &tm);
    (void) strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
    if (level == MSG_INFO)
	len = snprintf(buf, sizeof(buf), "%s %s %s[%ld]: %s", stamp,
		       msg_host, msg_tag, (long) getpid(), text);
    else
	len = snprintf(buf, sizeof(buf), "%s %s %s[%ld]: %s: %s", stamp,
		       msg_host, msg_tag, (long) getpid(),
		       msg_severity_name(level), text);
    if (len > (int) sizeof(buf) - 1)
	len = sizeof(buf) - 1;
    if ((msg_logger_fd < 0 && msg_logger_connect() < 0)
	|| (send(msg_logger_fd, buf, len, 0) < 0
	    && (msg_logger_connect() < 0
		|| send(msg_logger_fd, buf, len, 0) < 0)))
	return;
}

/* msg_logger_init - log to postlogd */

void    msg_logger_init(const char *tag, const char *hostname,
			        const char *socket_path)
{
    char   *dot;

    msg_copy(msg_tag, sizeof(msg_tag), tag);
    msg_copy(msg_host, sizeof(msg_host), hostname && *hostname ? hostname : "localhost");
    if ((dot = strchr(msg_host, '.')) != 0)
	*dot = 0;
    memset(&msg_logger_addr, 0, sizeof(msg_logger_addr));
    msg_logger_addr.sun_family = AF_UNIX;
    msg_copy(msg_logger_addr.sun_path, sizeof(msg_logger_addr.sun_path),
	     socket_path);
    (void) msg_logger_connect();
    msg_logger_on = 1;
    msg_syslog_on = 0;
    msg_output(msg_logger_print);
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
    if (msg_syslog_on) {
	closelog();
	openlog(msg_tag, LOG_PID | LOG_NDELAY, msg_facility);
    }
}
