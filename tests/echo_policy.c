/*++
/* NAME
/*	echo_policy 8
/* SUMMARY
/*	policy server that answers with a configured action (tests)
/* SYNOPSIS
/*	\fBecho_policy\fR [generic multi_server options]
/* DESCRIPTION
/*	echo_policy is a minimal policy daemon built on the multi_server(3)
/*	skeleton, so that the skeleton can be tested under a real
/*	master(8), spawn(8) and stand-alone, without greylisting. It
/*	answers every request of the SMTPD access policy protocol with
/*	the action in \fBecho_policy_action\fR. It is not installed.
/* CONFIGURATION PARAMETERS
/* .IP "\fBecho_policy_action (DUNNO)\fR"
/*	The action of every reply.
/* .IP "\fBecho_policy_show_ids (no)\fR"
/*	Append " uid=N pid=N" to the action, so that a test can see
/*	which process answered, and as which user.
/* .IP "\fBecho_policy_delay (0)\fR"
/*	Milliseconds to sleep before each reply (stalls the process, so
/*	that a test can see what master does with a busy service).
/* DIAGNOSTICS
/*	Bad requests are logged and the connection is closed.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#include <sys_defs.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <msg.h>
#include <vstring.h>
#include <vstream.h>

#include <mail_conf.h>
#include <mail_version.h>
#include <attr.h>
#include <multi_server.h>

static char *var_echo_action;
static int var_echo_show_ids;
static int var_echo_delay;

static VSTRING *echo_reply;

/* echo_service - answer every complete request */

static void echo_service(VSTREAM *stream, char *unused_service, char **unused_argv)
{
    ATTR_REQUEST *echo_request = (ATTR_REQUEST *) multi_server_context(stream);
    struct timespec ts;
    const char *req;

    while (!multi_server_drain_pending(stream)) {
	switch (attr_scan(echo_request, stream, VSTREAM_NOWAIT)) {
	case ATTR_SCAN_AGAIN:
	    return;
	case ATTR_SCAN_EOF:
	    multi_server_disconnect(stream);
	    return;
	case ATTR_SCAN_ERROR:
	    msg_warn("%s: %s -- disconnecting", vstream_name(stream),
		     vstring_str(echo_request->why));
	    multi_server_disconnect(stream);
	    return;
	case ATTR_SCAN_DONE:
	    req = attr_find(echo_request, MAIL_ATTR_REQ);
	    if (msg_verbose)
		msg_info("request=%s recipient=%s", req ? req : "(none)",
			 attr_find(echo_request, MAIL_ATTR_RCPT) ?
			 attr_find(echo_request, MAIL_ATTR_RCPT) : "(none)");
	    if (var_echo_delay > 0) {
		ts.tv_sec = var_echo_delay / 1000;
		ts.tv_nsec = (var_echo_delay % 1000) * 1000000L;
		nanosleep(&ts, (struct timespec *) 0);
	    }
	    vstring_strcpy(echo_reply, var_echo_action);
	    if (var_echo_show_ids)
		vstring_sprintf_append(echo_reply, " uid=%ld pid=%ld",
				       (long) getuid(), (long) getpid());
	    attr_print_reply(stream, vstring_str(echo_reply));
	    msg_info("echo: %s", vstring_str(echo_reply));
	    break;
	}
    }
}

/* echo_post_accept - per-client request reader: partial requests differ */

static void echo_post_accept(VSTREAM *stream, char *unused_service, char **unused_argv)
{
    multi_server_set_context(stream, (void *) attr_request_create((ATTR_LIMITS *) 0));
}

/* echo_pre_disconn - free it */

static void echo_pre_disconn(VSTREAM *stream, char *unused_service, char **unused_argv)
{
    attr_request_free((ATTR_REQUEST *) multi_server_context(stream));
}

/* echo_post_init - allocate buffers */

static void echo_post_init(char *unused_service, char **unused_argv)
{
    echo_reply = vstring_alloc(100);
    msg_info("echo_policy started, uid=%ld", (long) getuid());
}

/* echo_exit - say goodbye */

static void echo_exit(char *unused_service, char **unused_argv)
{
    msg_info("echo_policy exit hook ran");
}

int     main(int argc, char **argv)
{
    static const CONFIG_STR_TABLE str_table[] = {
	{"echo_policy_action", "DUNNO", &var_echo_action, 1, 0},
	{0},
    };
    static const CONFIG_BOOL_TABLE bool_table[] = {
	{"echo_policy_show_ids", 0, &var_echo_show_ids},
	{0},
    };
    static const CONFIG_INT_TABLE int_table[] = {
	{"echo_policy_delay", 0, &var_echo_delay, 0, 60000},
	{0},
    };

    multi_server_main(argc, argv, echo_service,
		      CA_MAIL_SERVER_STR_TABLE(str_table),
		      CA_MAIL_SERVER_BOOL_TABLE(bool_table),
		      CA_MAIL_SERVER_INT_TABLE(int_table),
		      CA_MAIL_SERVER_POST_INIT(echo_post_init),
		      CA_MAIL_SERVER_POST_ACCEPT(echo_post_accept),
		      CA_MAIL_SERVER_PRE_DISCONN(echo_pre_disconn),
		      CA_MAIL_SERVER_EXIT(echo_exit),
		      CA_MAIL_SERVER_PARAM_PREFIX("echo_policy_"),
		      CA_MAIL_SERVER_VERSION(MAIL_VERSION_STAMP),
		      CA_MAIL_SERVER_END);
}
