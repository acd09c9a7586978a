/*++
/* NAME
/*	mail_log 3
/* SUMMARY
/*	choose where a daemon logs
/* SYNOPSIS
/*	#include <mail_log.h>
/*
/*	void	mail_log_init(process_name, flags)
/*	const char *process_name;
/*	int	flags;
/*
/*	void	mail_log_reinit()
/*
/*	const char *mail_log_tag()
/* DESCRIPTION
/*	Logging follows Postfix: every record is tagged
/*	"\fIsyslog_name\fB/\fIprocess_name\fR[\fIpid\fR]" and goes to
/*	postlogd(8) when the environment variable POSTLOG_SERVICE names
/*	its socket (master(8) sets it when main.cf has maillog_file),
/*	otherwise to syslog with facility mail.
/*
/*	mail_log_init() starts logging early, before main.cf is read:
/*	the syslog_name comes from the MAIL_LOGTAG environment variable
/*	(master exports it), else "postfix". With MAIL_LOG_STDERR it
/*	also writes to standard error (foreground use, -V). Never ask for
/*	stderr when the standard error is a client connection (spawn(8)
/*	puts it on the policy socket).
/*
/*	mail_log_reinit() runs after the parameters are known: it uses
/*	syslog_name and syslog_facility from the configuration, exports
/*	MAIL_LOGTAG, and, when maillog_file is set but POSTLOG_SERVICE is
/*	not (a daemon started by hand next to a Postfix that logs through
/*	postlogd), sends to $queue_directory/public/postlog, or to syslog
/*	when that socket cannot be reached (a spawn(8) child running as
/*	nobody). The host name in postlogd records is POSTLOG_HOSTNAME,
/*	else $myhostname, else the system's host name.
/*
/*	mail_log_tag() returns the current tag.
/* DIAGNOSTICS
/*	Fatal: an unknown syslog_facility.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <msg_output.h>

/* Global library. */

#include <mail_params.h>
#include <mail_conf.h>
#include <mail_log.h>

static char mail_log_procname[64];
static char mail_log_tagbuf[192];

/* mail_log_hostname - host name for postlogd records */

static const char *mail_log_hostname(void)
{
    static char buf[256];
    const char *name = mail_conf_lookup_eval(VAR_MYHOSTNAME);

    if (name && *name)
	snprintf(buf, sizeof(buf), "%s", name);
    else if (gethostname(buf, sizeof(buf) - 1) < 0)
	snprintf(buf, sizeof(buf), "localhost");
    return (buf);
}

/* mail_log_start - open postlog or syslog with this tag */

static void mail_log_start(const char *syslog_name, int facility)
{
    const char *service = getenv("POSTLOG_SERVICE");
    const char *host = getenv("POSTLOG_HOSTNAME");
    char    path[512];

    snprintf(mail_log_tagbuf, sizeof(mail_log_tagbuf), "%s/%s",
	     syslog_name, mail_log_procname);
    if (host == 0 || *host == 0)
	host = mail_log_hostname();
    if (service && *service) {
	(void) msg_logger_init(mail_log_tagbuf, host, service);
    } else if (var_maillog_file && *var_maillog_file && var_queue_dir) {
	snprintf(path, sizeof(path), "%s/public/postlog", var_queue_dir);
	/* A spawn(8) child (user nobody) may not reach it: use syslog. */
	if (msg_logger_init(mail_log_tagbuf, host, path) < 0)
	    msg_syslog_init(mail_log_tagbuf, facility);
    } else {
	msg_syslog_init(mail_log_tagbuf, facility);
    }
}

/* mail_log_init - early logging */

void    mail_log_init(const char *process_name, int flags)
{
    const char *tag = getenv("MAIL_LOGTAG");

    snprintf(mail_log_procname, sizeof(mail_log_procname), "%s", process_name);
    if (flags & MAIL_LOG_STDERR)
	msg_stderr_init(process_name);
    mail_log_start(tag && *tag ? tag : "postfix", -1);
}

/* mail_log_reinit - logging with the configured name */

void    mail_log_reinit(void)
{
    int     facility;

    if ((facility = msg_syslog_facility(var_syslog_facility)) < 0)
	msg_fatal("%s: parameter %s: unknown syslog facility \"%s\" (allowed: mail, daemon, user, local0..local7)",
		  mail_conf_source(VAR_SYSLOG_FACILITY), VAR_SYSLOG_FACILITY,
		  var_syslog_facility);
    if (setenv("MAIL_LOGTAG", var_syslog_name, 1) < 0)
	msg_fatal("setenv MAIL_LOGTAG: %m");
    mail_log_start(var_syslog_name, facility);
}

/* mail_log_tag - current tag */

const char *mail_log_tag(void)
{
    return (mail_log_tagbuf);
}
