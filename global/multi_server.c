/*++
/* NAME
/*	multi_server 3
/* SUMMARY
/*	skeleton multi-threaded mail subsystem
/* SYNOPSIS
/*	#include <multi_server.h>
/*
/*	NORETURN multi_server_main(argc, argv, service, key, value, ...)
/*	int	argc;
/*	char	**argv;
/*	void	(*service)(VSTREAM *stream, char *service_name, char **argv);
/*	int	key;
/*
/*	void	multi_server_disconnect(stream)
/*	VSTREAM	*stream;
/*
/*	void	*multi_server_context(stream)
/*	VSTREAM	*stream;
/*
/*	void	multi_server_set_context(stream, context)
/*	VSTREAM	*stream;
/*	void	*context;
/*
/*	void	multi_server_flush(stream)
/*	VSTREAM	*stream;
/*
/*	int	multi_server_drain_pending(stream)
/*	VSTREAM	*stream;
/*
/*	void	multi_server_suspend(stream)
/*	VSTREAM	*stream;
/*
/*	void	multi_server_resume(stream)
/*	VSTREAM	*stream;
/*
/*	int	multi_server_client_count()
/*
/*	int	multi_server_mode;
/* DESCRIPTION
/*	This module is the skeleton of a daemon that serves many clients
/*	from one process and one event loop, the way Postfix's anvil(8)
/*	and verify(8) are run by master(8). The daemon's main() calls
/*	multi_server_main() with its service routine and a list of
/*	(key, value) pairs ended by CA_MAIL_SERVER_END; the skeleton does
/*	everything else: command line, configuration, logging, privileges,
/*	the master(8) protocol, accepting connections, timeouts and exit.
/*
/*	The service routine is called when a client's connection has
/*	input (at end of input the skeleton disconnects the client
/*	itself). The connection is non-blocking: the service reads what it
/*	can (attr_scan(3) with VSTREAM_NOWAIT), answers every complete
/*	request by writing to the stream, and returns when it needs more
/*	input; a partial request waits for the next call. The skeleton
/*	flushes the replies when the service returns. When a client does
/*	not read its replies, the skeleton stops reading from it until
/*	the output has drained, and then calls the service again if input
/*	is waiting in the stream buffer.
/* THREE WAYS TO RUN
/* .IP "under master(8)"
/*	master passes the listening socket(s) as descriptor 6 and up,
/*	its status channel as descriptor 5, and the options below. The
/*	skeleton sends a status record {pid, generation, available} before
/*	(TAKEN) and after (AVAIL) each call of the service routine,
/*	leaves when master closes the status channel (postfix reload or
/*	stop), when no client was connected for $max_idle seconds, or
/*	after $max_use clients.
/* .IP "\fB-S\fR (spawn(8), inetd)"
/*	Serve the one connection on standard input and output, then
/*	exit. Nothing is ever written to standard error, which spawn(8)
/*	connects to the client.
/* .IP "\fB-L \fIendpoint\fR (stand-alone)"
/*	Listen on \fBunix:\fIpath\fR or \fBinet:\fIhost\fB:\fIport\fR
/*	(IPv6 as \fBinet:[::1]:port\fR) and serve in the foreground until
/*	SIGTERM or SIGINT, logging to standard error as well. max_idle and
/*	max_use do not apply.
/* .PP
/*	In every mode, SIGTERM runs the exit routine (so that a database
/*	is closed cleanly) and exits with status 0.
/* COMMAND LINE
/* .IP "\fB-c\fR"
/*	Chroot to $queue_directory after the pre-init routine.
/* .IP "\fB-d\fR"
/*	Do not insist that standard input is not a terminal.
/* .IP "\fB-D\fR"
/*	Accepted for compatibility; a debugger is not started.
/* .IP "\fB-i \fIseconds\fR"
/*	Override max_idle.
/* .IP "\fB-l\fR"
/*	The service has a process limit of 1 (solitary).
/* .IP "\fB-L \fIendpoint\fR"
/*	Stand-alone mode (see above).
/* .IP "\fB-m \fIcount\fR"
/*	Override max_use.
/* .IP "\fB-n \fIname\fR"
/*	The master.cf service name (default: the process name).
/* .IP "\fB-o \fIname\fB=\fIvalue\fR"
/*	Override a parameter of main.cf or of the daemon's own file.
/* .IP "\fB-s \fIcount\fR"
/*	The number of listening sockets passed by master (default 1).
/* .IP "\fB-S\fR"
/*	Stand-alone on standard input and output.
/* .IP "\fB-t \fItype\fR"
/*	Transport type: unix or inet (required under master).
/* .IP "\fB-u\fR"
/*	Run as $mail_owner after the pre-init routine.
/* .IP "\fB-v\fR"
/*	More verbose logging; repeat for more.
/* .IP "\fB-V\fR"
/*	Also log to standard error. Given alone, print the version (see
/*	CA_MAIL_SERVER_VERSION) and exit.
/* .IP "\fB-z\fR"
/*	The service has an unlimited process limit.
/* .PP
/*	Arguments after the options are passed to the callbacks.
/* START-UP
/*	In order: logging starts (tag $syslog_name/process name; postlogd
/*	when master passes POSTLOG_SERVICE, else syslog); main.cf is read
/*	from $MAIL_CONFIG (default /etc/postfix); then the daemon's own
/*	file in the same syntax, if it named one with
/*	CA_MAIL_SERVER_CONF_FILE; then the -o options; the parameter
/*	tables are loaded (a bad value is fatal and names the parameter);
/*	under master, the process changes to $queue_directory; the
/*	pre-init routine runs as root; privileges are dropped (-c: chroot
/*	to $queue_directory; -u: become $mail_owner). A process that is
/*	still root at this point, whatever the mode, becomes $mail_owner
/*	as well: the skeleton never serves clients as root. Then the
/*	post-init routine runs and the event loop starts.
/* KEYS
/* .IP "CA_MAIL_SERVER_INT_TABLE(CONFIG_INT_TABLE *)"
/* .IP "CA_MAIL_SERVER_STR_TABLE(CONFIG_STR_TABLE *)"
/* .IP "CA_MAIL_SERVER_BOOL_TABLE(CONFIG_BOOL_TABLE *)"
/* .IP "CA_MAIL_SERVER_TIME_TABLE(CONFIG_TIME_TABLE *)"
/* .IP "CA_MAIL_SERVER_RAW_TABLE(CONFIG_RAW_TABLE *)"
/*	Parameter tables, loaded in the order given.
/* .IP "CA_MAIL_SERVER_PRE_INIT(void (*)(char *service, char **argv))"
/*	Runs as root, before the privilege drop: open files here.
/* .IP "CA_MAIL_SERVER_POST_INIT(void (*)(char *service, char **argv))"
/*	Runs unprivileged, before the first client: start timers here.
/* .IP "CA_MAIL_SERVER_LOOP(int (*)(char *service, char **argv))"
/*	Runs before each round of the event loop; its result limits the
/*	wait in milliseconds (-1: no limit).
/* .IP "CA_MAIL_SERVER_EXIT(void (*)(char *service, char **argv))"
/*	Runs before a normal exit: close databases here.
/* .IP "CA_MAIL_SERVER_PRE_ACCEPT(void (*)(char *service, char **argv))"
/*	Runs before a connection is accepted.
/* .IP "CA_MAIL_SERVER_POST_ACCEPT(void (*)(VSTREAM *, char *service, char **argv))"
/*	Runs after a connection is accepted.
/* .IP "CA_MAIL_SERVER_PRE_DISCONN(void (*)(VSTREAM *, char *service, char **argv))"
/*	Runs before a connection is closed: release per-client state.
/* .IP "CA_MAIL_SERVER_SOLITARY"
/*	Under master, insist on a process limit of 1 (-l).
/* .IP "CA_MAIL_SERVER_UNLIMITED"
/*	Under master, insist on an unlimited process limit (-z).
/* .IP "CA_MAIL_SERVER_CONF_FILE(const char *)"
/*	A file name in $config_directory to read after main.cf.
/* .IP "CA_MAIL_SERVER_PARAM_PREFIX(const char *)"
/*	Warn about parameters with this prefix that no table defines.
/* .IP "CA_MAIL_SERVER_VERSION(const char *)"
/*	The version report printed by "-V" given alone.
/* .PP
/*	multi_server_disconnect() closes a client connection (the
/*	pre-disconnect routine runs first). The service routine may call
/*	it for the client it is serving.
/*
/*	multi_server_context() and multi_server_set_context() keep one
/*	pointer of application data per connection.
/*
/*	multi_server_flush() writes a client's pending replies (for
/*	replies completed outside the service routine).
/*
/*	multi_server_drain_pending() is true when the client has so much
/*	unread output that the service should stop answering and return.
/*
/*	multi_server_suspend() stops reading a client's input while the
/*	service waits for an answer from elsewhere (replies must go out in
/*	the order of the requests); the service routine returns after it.
/*	multi_server_resume() writes the replies made meanwhile and serves
/*	what the client sent in the meantime. Resuming a client that is
/*	not suspended does nothing.
/*
/*	multi_server_client_count() is the number of connected clients.
/*
/*	multi_server_mode tells how the process was started
/*	(MULTI_SERVER_MODE_MASTER, _STDIN or _LISTEN).
/* DIAGNOSTICS
/*	Problems and transactions are logged (see START-UP). Fatal:
/*	invalid command line, configuration errors, a GENERATION that is
/*	not an octal number, a process limit that does not match
/*	SOLITARY or UNLIMITED, failure to drop privileges. Running out
/*	of descriptors is not fatal: a new connection is accepted and
/*	closed at once, with a warning, and the other clients are served.
/* SEE ALSO
/*	master(8), spawn(8), postconf(5)
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <mymalloc.h>
#include <vstring.h>
#include <vstream.h>
#include <events.h>
#include <iostuff.h>
#include <argv.h>
#include <stringops.h>
#include <endpoint.h>
#include <chroot_uid.h>
#include <watchdog.h>

/* Global library. */

#include <mail_params.h>
#include <mail_conf.h>
#include <mail_log.h>
#include <mail_version.h>
#include <multi_server.h>

 /*
  * One connected client.
  */
typedef struct MULTI_SERVER_CLIENT {
    VSTREAM *stream;			/* the connection */
    void   *context;			/* application data */
    long long last_ms;			/* last activity */
    int     draining;			/* waiting for output to drain */
    int     suspended;			/* waiting for the application */
    struct MULTI_SERVER_CLIENT *prev;
    struct MULTI_SERVER_CLIENT *next;
} MULTI_SERVER_CLIENT;

 /*
  * Global state.
  */
int     multi_server_mode;

static MULTI_SERVER_FN multi_server_service;
static char *multi_server_name;
static char **multi_server_argv;
static MULTI_SERVER_LOOP_FN multi_server_loop_fn;
static MULTI_SERVER_EXIT_FN multi_server_exit_fn;
static MULTI_SERVER_ACCEPT_FN multi_server_pre_accept;
static MULTI_SERVER_CONN_FN multi_server_post_accept;
static MULTI_SERVER_CONN_FN multi_server_pre_disconn;
static MULTI_SERVER_CLIENT *multi_server_clients;	/* list head */
static MULTI_SERVER_CLIENT *multi_server_current;	/* being served */
static int multi_server_current_gone;	/* it disconnected */
static int multi_server_client_total;	/* connected clients */
static int multi_server_use_count;	/* disconnected clients */
static unsigned multi_server_generation;
static int multi_server_status_ok;	/* fd 5 is master's */
static int multi_server_spare_fd = -1;	/* for EMFILE recovery */
static int multi_server_sig_pipe[2] = {-1, -1};
static long long multi_server_emfile_warned;

#define MULTI_SERVER_SWEEP_MS	1000	/* client idle check interval */
#define MULTI_SERVER_DRAIN_LIMIT 65536	/* unread output per client */

/* multi_server_exit - normal exit */

static NORETURN multi_server_exit(void)
{
    if (multi_server_exit_fn)
	multi_server_exit_fn(multi_server_name, multi_server_argv);
    exit(0);
}

/* multi_server_status - tell master whether we are busy */

static void multi_server_status(int avail)
{
    MASTER_STATUS stat;

    if (!multi_server_status_ok)
	return;
    stat.pid = getpid();
    stat.gen = multi_server_generation;
    stat.avail = avail;
    if (write(MASTER_STATUS_FD, (void *) &stat, sizeof(stat)) != sizeof(stat)) {
	/* Usually EPIPE: master closed fd 5 (reload, stop) and the client
	 * event was handled before fd 5's. Same outcome, same log line,
	 * as multi_server_abort() (and Postfix's master_notify() failure). */
	if (msg_verbose)
	    msg_info("master status update: %m");
	msg_info("master disconnect -- exiting");
	multi_server_exit();
    }
}

/* multi_server_abort - master went away */

static void multi_server_abort(int unused_event, void *unused_context)
{
    msg_info("master disconnect -- exiting");
    multi_server_exit();
}

/* multi_server_timeout - idle limit reached */

static void multi_server_timeout(int unused_event, void *unused_context)
{
    msg_info("idle timeout -- exiting");
    multi_server_exit();
}

/* multi_server_signal - SIGTERM handler: defer to the event loop */

static void multi_server_signal(int sig)
{
    int     saved_errno = errno;
    char    ch = (char) sig;

    (void) (write(multi_server_sig_pipe[1], &ch, 1) < 0);
    errno = saved_errno;
}

/* multi_server_sigterm - signal arrived through the pipe */

static void multi_server_sigterm(int unused_event, void *unused_context)
{
    char    ch = 0;

    (void) (read(multi_server_sig_pipe[0], &ch, 1) < 0);
    msg_info("%s -- exiting", ch == SIGINT ? "interrupt" : "terminated");
    multi_server_exit();
}

/* multi_server_client - the skeleton's record for a stream */

static MULTI_SERVER_CLIENT *multi_server_client(VSTREAM *stream)
{
    MULTI_SERVER_CLIENT *client = (MULTI_SERVER_CLIENT *) vstream_context(stream);

    if (client == 0 || client->stream != stream)
	msg_panic("multi_server: stream %s is not a client", vstream_name(stream));
    return (client);
}

/* multi_server_context - application data */

void   *multi_server_context(VSTREAM *stream)
{
    return (multi_server_client(stream)->context);
}

/* multi_server_set_context - application data */

void    multi_server_set_context(VSTREAM *stream, void *context)
{
    multi_server_client(stream)->context = context;
}

/* multi_server_client_count - connected clients */

int     multi_server_client_count(void)
{
    return (multi_server_client_total);
}

/* multi_server_drain_pending - too much unread output? */

int     multi_server_drain_pending(VSTREAM *stream)
{
    return (vstream_wpending(stream) >= MULTI_SERVER_DRAIN_LIMIT);
}

/* multi_server_disconnect - close a client */

void    multi_server_disconnect(VSTREAM *stream)
{
    MULTI_SERVER_CLIENT *client = multi_server_client(stream);

    if (msg_verbose)
	msg_info("disconnect %s fd %d", vstream_name(stream), vstream_fileno(stream));
    if (multi_server_pre_disconn)
	multi_server_pre_disconn(stream, multi_server_name, multi_server_argv);
    event_disable_readwrite(vstream_fileno(stream));
    if (vstream_wfileno(stream) != vstream_fileno(stream))
	event_disable_readwrite(vstream_wfileno(stream));
    if (client->prev)
	client->prev->next = client->next;
    else
	multi_server_clients = client->next;
    if (client->next)
	client->next->prev = client->prev;
    if (client == multi_server_current)
	multi_server_current_gone = 1;
    /* Do not wait for a client that does not read: drop what is left. */
    (void) vstream_fflush_nowait(stream);
    VSTRING_RESET(stream->wbuf);
    stream->wpos = 0;
    (void) vstream_fclose(stream);
    myfree((void *) client);
    multi_server_client_total--;
    if (multi_server_use_count < INT_MAX)
	multi_server_use_count++;
    if (multi_server_client_total == 0 && multi_server_mode == MULTI_SERVER_MODE_MASTER)
	event_request_timer(multi_server_timeout, (void *) 0,
			    EVENT_SECONDS_TO_MS(var_idle_limit));
    if (multi_server_client_total == 0 && multi_server_mode == MULTI_SERVER_MODE_STDIN)
	multi_server_exit();
}

static void multi_server_execute(int, void *);

/* multi_server_drained - output can be written again */

static void multi_server_drained(int event, void *context)
{
    MULTI_SERVER_CLIENT *client = (MULTI_SERVER_CLIENT *) context;
    VSTREAM *stream = client->stream;
    int     status;

    if ((status = vstream_fflush_nowait(stream)) < 0 || event == EVENT_XCPT) {
	msg_warn("%s: write error while sending replies -- disconnecting",
		 vstream_name(stream));
	multi_server_disconnect(stream);
	return;
    }
    if (status > 0)
	return;					/* still waiting */
    client->draining = 0;
    event_disable_readwrite(vstream_wfileno(stream));
    if (client->suspended)
	return;					/* multi_server_resume() will */
    event_enable_read(vstream_fileno(stream), multi_server_execute, (void *) client);
    if (vstream_bufcount(stream) > 0)
	multi_server_execute(EVENT_READ, (void *) client);
}

/* multi_server_write - write replies; -1 when the client is gone */

static int multi_server_write(MULTI_SERVER_CLIENT *client)
{
    VSTREAM *stream = client->stream;
    int     status;

    if (client->draining || vstream_wpending(stream) == 0)
	return (0);
    if ((status = vstream_fflush_nowait(stream)) < 0) {
	if (errno != EPIPE && errno != ECONNRESET)
	    msg_warn("%s: write error: %m -- disconnecting", vstream_name(stream));
	multi_server_disconnect(stream);
	return (-1);
    }
    if (status > 0) {
	if (msg_verbose)
	    msg_info("%s: client does not read its replies; pausing input",
		     vstream_name(stream));
	client->draining = 1;
	if (!client->suspended)
	    event_disable_readwrite(vstream_fileno(stream));
	event_enable_write(vstream_wfileno(stream), multi_server_drained, (void *) client);
    }
    return (0);
}

/* multi_server_flush - write replies, or wait until the client reads */

void    multi_server_flush(VSTREAM *stream)
{
    (void) multi_server_write(multi_server_client(stream));
}

/* multi_server_suspend - stop reading a client's input */

void    multi_server_suspend(VSTREAM *stream)
{
    MULTI_SERVER_CLIENT *client = multi_server_client(stream);

    if (client->suspended)
	return;
    client->suspended = 1;
    if (!client->draining)
	event_disable_readwrite(vstream_fileno(stream));
}

/* multi_server_resume - send what was answered, serve what is waiting */

void    multi_server_resume(VSTREAM *stream)
{
    MULTI_SERVER_CLIENT *client = multi_server_client(stream);

    if (!client->suspended)
	return;
    client->suspended = 0;
    if (multi_server_write(client) < 0 || client->draining)
	return;					/* disconnected, or still full */
    event_enable_read(vstream_fileno(stream), multi_server_execute, (void *) client);
    if (vstream_bufcount(stream) > 0)
	multi_server_execute(EVENT_READ, (void *) client);
}


/* multi_server_execute - client has input */

static void multi_server_execute(int event, void *context)
{
    MULTI_SERVER_CLIENT *client = (MULTI_SERVER_CLIENT *) context;
    VSTREAM *stream = client->stream;

    client->last_ms = event_now_ms();

    /*
     * Read what arrived (one system call: no peek first). End of input,
     * or a connection reset, ends the connection without calling the
     * service; nothing yet (a wake-up without data) is not an error.
     */
    if (vstream_bufcount(stream) == 0) {
	ssize_t n = vstream_fill(stream, VSTREAM_NOWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
	    return;
	if (n <= 0) {
	    if (n < 0 && msg_verbose)
		msg_info("%s: read: %m", vstream_name(stream));
	    multi_server_disconnect(stream);	/* end of input, or error */
	    return;
	}
    }
    multi_server_status(MASTER_STAT_TAKEN);
    multi_server_current = client;
    multi_server_current_gone = 0;
    do {
	multi_server_service(stream, multi_server_name, multi_server_argv);
	if (multi_server_current_gone)
	    break;
	multi_server_flush(stream);
	/* The service stopped at the output limit: input may be waiting. */
    } while (!multi_server_current_gone && !client->draining && !client->suspended
	     && vstream_bufcount(stream) > 0
	     && !multi_server_drain_pending(stream));
    multi_server_current = 0;
    multi_server_status(MASTER_STAT_AVAIL);
}

/* multi_server_pollable - can epoll watch this descriptor? */

static int multi_server_pollable(int fd)
{
    struct stat st;

    /* epoll refuses regular files and /dev/null: those never block anyway. */
    if (fstat(fd, &st) == 0
	&& (S_ISREG(st.st_mode) || (S_ISCHR(st.st_mode) && !isatty(fd))))
	return (0);
    return (1);
}

/* multi_server_add_client - start serving a connection */

static void multi_server_add_client(int rfd, int wfd)
{
    MULTI_SERVER_CLIENT *client;
    VSTREAM *stream;
    char    name[64];

    snprintf(name, sizeof(name), "%s socket", multi_server_name);
    non_blocking(rfd, 1);
    if (wfd != rfd)
	non_blocking(wfd, 1);
    stream = (wfd == rfd ? vstream_fdopen(rfd, name) : vstream_fdopen2(rfd, wfd, name));
    vstream_set_timeout(stream, EVENT_SECONDS_TO_MS(var_ipc_timeout));
    client = (MULTI_SERVER_CLIENT *) mymalloc(sizeof(*client));
    client->stream = stream;
    client->context = 0;
    client->last_ms = event_now_ms();
    client->draining = 0;
    client->suspended = 0;
    client->prev = 0;
    client->next = multi_server_clients;
    if (multi_server_clients)
	multi_server_clients->prev = client;
    multi_server_clients = client;
    vstream_set_context(stream, (void *) client);
    multi_server_client_total++;
    if (multi_server_pollable(rfd))
	event_enable_read(rfd, multi_server_execute, (void *) client);
    if (multi_server_post_accept)
	multi_server_post_accept(stream, multi_server_name, multi_server_argv);
}

/* multi_server_accept - listening socket is readable */

static void multi_server_accept(int unused_event, void *context)
{
    int     listen_fd = CAST_ANY_PTR_TO_INT(context);
    int     fd;
    int     time_left = -1;

    if (multi_server_client_total == 0 && multi_server_mode == MULTI_SERVER_MODE_MASTER)
	time_left = event_cancel_timer(multi_server_timeout, (void *) 0);
    if (multi_server_pre_accept)
	multi_server_pre_accept(multi_server_name, multi_server_argv);
    fd = accept4(listen_fd, (struct sockaddr *) 0, (socklen_t *) 0, SOCK_CLOEXEC);
    if (fd < 0) {
	if (errno == EMFILE || errno == ENFILE) {
	    /* Refuse politely: use the spare descriptor to accept and close. */
	    if (event_now_ms() - multi_server_emfile_warned > 10000) {
		msg_warn("accept connection: %m: refusing new clients until some disconnect (%d connected)",
			 multi_server_client_total);
		multi_server_emfile_warned = event_now_ms();
	    }
	    if (multi_server_spare_fd >= 0) {
		(void) close(multi_server_spare_fd);
		if ((fd = accept(listen_fd, (struct sockaddr *) 0, (socklen_t *) 0)) >= 0)
		    (void) close(fd);
		multi_server_spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	    }
	} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR
		   && errno != ECONNABORTED && errno != EPROTO) {
	    msg_warn("accept connection: %m");
	}
	if (time_left >= 0)
	    event_request_timer(multi_server_timeout, (void *) 0, time_left);
	return;
    }
    multi_server_add_client(fd, fd);
}

/* multi_server_sweep - close clients that have been idle too long */

static void multi_server_sweep(int unused_event, void *unused_context)
{
    MULTI_SERVER_CLIENT *client;
    MULTI_SERVER_CLIENT *next;
    long long limit = (long long) var_ipc_timeout * 1000;

    for (client = multi_server_clients; client; client = next) {
	next = client->next;
	if (event_now_ms() - client->last_ms >= limit) {
	    msg_warn("%s: client idle for %d seconds (ipc_timeout) -- disconnecting",
		     vstream_name(client->stream), var_ipc_timeout);
	    multi_server_disconnect(client->stream);
	}
    }
    event_request_timer(multi_server_sweep, (void *) 0, MULTI_SERVER_SWEEP_MS);
}

/* multi_server_usage - bad command line */

static NORETURN multi_server_usage(const char *progname)
{
    msg_fatal("usage: %s [-cdDlSuvVz] [-i seconds] [-L endpoint] [-m count] [-n service] [-o name=value] [-s count] [-t transport] [args...]",
	      progname);
}

/* multi_server_main - the main program */

NORETURN multi_server_main(int argc, char **argv, MULTI_SERVER_FN service,...)
{
    const char *myname = "multi_server_main";
    char   *progname;
    char   *service_name = 0;
    char   *transport = 0;
    char   *listen_spec = 0;
    const char *conf_file = 0;
    const char *param_prefix = 0;
    const char *version = 0;
    MULTI_SERVER_INIT_FN pre_init = 0;
    MULTI_SERVER_INIT_FN post_init = 0;
    ARGV   *overrides = argv_alloc(4);
    ARGV   *tables = argv_alloc(4);
    const void *table_ptrs[32];
    int     table_keys[32];
    int     ntables = 0;
    int     solitary = 0;
    int     unlimited = 0;
    int     want_solitary = 0;
    int     want_unlimited = 0;
    int     debug_me = 0;
    int     stdin_mode = 0;
    int     want_chroot = 0;
    int     want_user = 0;
    int     log_stderr = 0;
    int     socket_count = 1;
    const char *idle_override = 0;
    const char *use_override = 0;
    const char *generation;
    VSTRING *why;
    VSTRING *buf;
    struct sigaction sa;
    va_list ap;
    int     key;
    int     c;
    int     listen_fd = -1;
    long long last_pat;
    int     fd;
    int     i;

    /*
     * Signals: a peer that goes away must not kill us, nor a file that
     * grows over a limit.
     */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);
    if (getenv("MAIL_VERBOSE"))
	msg_verbose = 1;

    /*
     * Process name and early logging. Look at the options first: with -S
     * the standard error is the client connection.
     */
    progname = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != 0; i++) {
	const char *cp;

	if (strcmp(argv[i], "--") == 0)
	    break;
	for (cp = argv[i] + 1; *cp; cp++) {
	    if (*cp == 'S')
		stdin_mode = 1;
	    else if (*cp == 'L' || *cp == 'V')
		log_stderr |= (*cp == 'L' ? 2 : 1);
	    if (strchr("iLmnost", *cp)) {	/* the rest is its value */
		if (cp[1] == 0)
		    i++;			/* or the next word is */
		break;
	    }
	}
    }
    /* -S: standard error is the client, unless -L makes it a usage error. */
    if (stdin_mode && !(log_stderr & 2))
	log_stderr = 0;
    mail_log_init(progname, log_stderr ? MAIL_LOG_STDERR : 0);

    /*
     * The application's table of callbacks and parameters.
     */
    multi_server_service = service;
    va_start(ap, service);
    while ((key = va_arg(ap, int)) != MAIL_SERVER_END) {
	switch (key) {
	case MAIL_SERVER_INT_TABLE:
	case MAIL_SERVER_STR_TABLE:
	case MAIL_SERVER_BOOL_TABLE:
	case MAIL_SERVER_TIME_TABLE:
	case MAIL_SERVER_RAW_TABLE:
	    if (ntables >= (int) (sizeof(table_keys) / sizeof(table_keys[0])))
		msg_panic("%s: too many parameter tables", myname);
	    table_keys[ntables] = key;
	    table_ptrs[ntables++] = va_arg(ap, const void *);
	    break;
	case MAIL_SERVER_PRE_INIT:
	    pre_init = va_arg(ap, MULTI_SERVER_INIT_FN);
	    break;
	case MAIL_SERVER_POST_INIT:
	    post_init = va_arg(ap, MULTI_SERVER_INIT_FN);
	    break;
	case MAIL_SERVER_LOOP:
	    multi_server_loop_fn = va_arg(ap, MULTI_SERVER_LOOP_FN);
	    break;
	case MAIL_SERVER_EXIT:
	    multi_server_exit_fn = va_arg(ap, MULTI_SERVER_EXIT_FN);
	    break;
	case MAIL_SERVER_PRE_ACCEPT:
	    multi_server_pre_accept = va_arg(ap, MULTI_SERVER_ACCEPT_FN);
	    break;
	case MAIL_SERVER_POST_ACCEPT:
	    multi_server_post_accept = va_arg(ap, MULTI_SERVER_CONN_FN);
	    break;
	case MAIL_SERVER_PRE_DISCONN:
	    multi_server_pre_disconn = va_arg(ap, MULTI_SERVER_CONN_FN);
	    break;
	case MAIL_SERVER_SOLITARY:
	    want_solitary = 1;
	    break;
	case MAIL_SERVER_UNLIMITED:
	    want_unlimited = 1;
	    break;
	case MAIL_SERVER_CONF_FILE:
	    conf_file = va_arg(ap, const char *);
	    break;
	case MAIL_SERVER_PARAM_PREFIX:
	    param_prefix = va_arg(ap, const char *);
	    break;
	case MAIL_SERVER_VERSION:
	    version = va_arg(ap, const char *);
	    break;
	default:
	    msg_panic("%s: unknown key: %d", myname, key);
	}
    }
    va_end(ap);
    argv_free(tables);

    /*
     * Command line. -o options are applied after all files are read.
     */
    opterr = 0;
    while ((c = getopt(argc, argv, "+cdDi:lL:m:n:o:s:St:uvVz")) > 0) {
	switch (c) {
	case 'c':
	    want_chroot = 1;
	    break;
	case 'd':
	    debug_me = 1;
	    break;
	case 'D':
	    msg_warn("-D: starting a debugger is not supported; ignored");
	    break;
	case 'i':
	    idle_override = optarg;
	    break;
	case 'l':
	    solitary = 1;
	    break;
	case 'L':
	    listen_spec = optarg;
	    break;
	case 'm':
	    use_override = optarg;
	    break;
	case 'n':
	    service_name = optarg;
	    break;
	case 'o':
	    argv_add(overrides, optarg);
	    break;
	case 's':
	    if (!alldig(optarg) || (socket_count = atoi(optarg)) <= 0
		|| socket_count > 256)
		msg_fatal("invalid socket_count: %s (allowed: 1..256)", optarg);
	    break;
	case 'S':
	    stdin_mode = 1;
	    break;
	case 't':
	    transport = optarg;
	    break;
	case 'u':
	    want_user = 1;
	    break;
	case 'v':
	    msg_verbose++;
	    break;
	case 'V':
	    if (version && argc == 2) {		/* "greylistd -V" alone */
		printf("%s\n", version);
		exit(0);
	    }
	    break;
	case 'z':
	    unlimited = 1;
	    break;
	default:
	    if (optopt && strchr("iLmnost", optopt))
		msg_fatal("option -%c requires an argument", optopt);
	    msg_fatal("invalid option: -%c", optopt ? optopt : '?');
	    multi_server_usage(progname);
	}
    }
    if (stdin_mode && listen_spec)
	msg_fatal("options -S and -L are mutually exclusive");
    multi_server_mode = stdin_mode ? MULTI_SERVER_MODE_STDIN :
	listen_spec ? MULTI_SERVER_MODE_LISTEN : MULTI_SERVER_MODE_MASTER;
    if (multi_server_mode == MULTI_SERVER_MODE_MASTER && transport == 0)
	msg_fatal("no transport type specified (use -t under master(8), or -S or -L to run stand-alone)");
    if (transport && strcmp(transport, "unix") != 0 && strcmp(transport, "inet") != 0)
	msg_fatal("unsupported transport type: %s (allowed: unix, inet)", transport);

    /*
     * Configuration: main.cf, the daemon's own file, then -o overrides.
     */
    mail_conf_suck();
    if (conf_file) {
	buf = vstring_alloc(100);
	vstring_sprintf(buf, "%s/%s", mail_conf_lookup(VAR_CONFIG_DIR), conf_file);
	mail_conf_read(vstring_str(buf), MAIL_CONF_OPTIONAL);
	vstring_free(buf);
    }
    for (i = 0; i < overrides->argc; i++)
	mail_conf_override(overrides->argv[i]);
    argv_free(overrides);
    if (idle_override)
	mail_conf_update(VAR_MAX_IDLE, idle_override);
    if (use_override)
	mail_conf_update(VAR_MAX_USE, use_override);
    if (service_name == 0)
	service_name = progname;
    mail_conf_readonly(VAR_PROCNAME, progname);
    mail_conf_readonly(VAR_SERVNAME, service_name);
    mail_params_init();
    mail_log_reinit();
    multi_server_name = service_name;
    multi_server_argv = argv + optind;

    /*
     * Refuse to be run by hand under the pretense of master.
     */
    if (multi_server_mode == MULTI_SERVER_MODE_MASTER && !debug_me
	&& isatty(STDIN_FILENO))
	msg_fatal("do not run this command by hand (use -S or -L to run it stand-alone)");

    /*
     * The application's parameters.
     */
    for (i = 0; i < ntables; i++) {
	switch (table_keys[i]) {
	case MAIL_SERVER_INT_TABLE:
	    get_mail_conf_int_table((const CONFIG_INT_TABLE *) table_ptrs[i]);
	    break;
	case MAIL_SERVER_STR_TABLE:
	    get_mail_conf_str_table((const CONFIG_STR_TABLE *) table_ptrs[i]);
	    break;
	case MAIL_SERVER_BOOL_TABLE:
	    get_mail_conf_bool_table((const CONFIG_BOOL_TABLE *) table_ptrs[i]);
	    break;
	case MAIL_SERVER_TIME_TABLE:
	    get_mail_conf_time_table((const CONFIG_TIME_TABLE *) table_ptrs[i]);
	    break;
	case MAIL_SERVER_RAW_TABLE:
	    get_mail_conf_raw_table((const CONFIG_RAW_TABLE *) table_ptrs[i]);
	    break;
	}
    }
    if (param_prefix)
	mail_conf_warn_unknown(param_prefix);

    /*
     * Process limits, as master.cf says them.
     */
    if (multi_server_mode == MULTI_SERVER_MODE_MASTER) {
	if (want_solitary && !solitary)
	    msg_fatal("service %s requires a process limit of 1 (set the master.cf maxproc column to 1)",
		      service_name);
	if (want_unlimited && !unlimited)
	    msg_fatal("service %s requires a process limit of 0 (set the master.cf maxproc column to 0)",
		      service_name);
    }

    /*
     * Master's generation number, in octal.
     */
    if ((generation = getenv("GENERATION")) != 0) {
	char   *end;

	if (!alldig(generation) || strspn(generation, "01234567") != strlen(generation))
	    msg_fatal("bad generation: %s", generation);
	multi_server_generation = (unsigned) strtoul(generation, &end, 8);
    }

    /*
     * Where we work: master starts us in the queue directory already.
     */
    if (multi_server_mode == MULTI_SERVER_MODE_MASTER && chdir(var_queue_dir) < 0)
	msg_fatal("chdir(\"%s\"): %m", var_queue_dir);

    /*
     * SIGTERM and SIGINT end the process cleanly, through the event loop,
     * from here on (also during the init routines: the loop runs the exit
     * routine when it starts).
     */
    if (pipe2(multi_server_sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
	msg_fatal("pipe: %m");
    event_enable_read(multi_server_sig_pipe[0], multi_server_sigterm, (void *) 0);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = multi_server_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    (void) sigaction(SIGTERM, &sa, (struct sigaction *) 0);
    if (multi_server_mode == MULTI_SERVER_MODE_LISTEN)
	(void) sigaction(SIGINT, &sa, (struct sigaction *) 0);
    /*
     * A stand-alone listener is opened while we may still be root (a port
     * below 1024, a socket in a protected directory).
     */
    if (multi_server_mode == MULTI_SERVER_MODE_LISTEN) {
	why = vstring_alloc(100);
	if ((listen_fd = endpoint_listen(listen_spec, 1024, why)) < 0)
	    msg_fatal("%s", vstring_str(why));
	vstring_free(why);
	if (strncmp(listen_spec, "unix:", 5) != 0 && listen_spec[0] != '/')
	    msg_info("listening on %s (port %d)", listen_spec,
		     endpoint_local_port(listen_fd));
	else
	    msg_info("listening on %s", listen_spec);
    }

    /*
     * Privileged initialization, then give up privileges for good.
     */
    if (pre_init)
	pre_init(multi_server_name, multi_server_argv);
    if (want_chroot || want_user)
	chroot_uid(want_chroot ? var_queue_dir : (char *) 0,
		   want_user ? var_mail_owner : (char *) 0);
    if (geteuid() == 0 || getuid() == 0) {
	if (msg_verbose || multi_server_mode != MULTI_SERVER_MODE_MASTER)
	    msg_info("running as root: dropping privileges to %s=%s",
		     VAR_MAIL_OWNER, var_mail_owner);
	chroot_uid((char *) 0, var_mail_owner);
    }
    if (post_init)
	post_init(multi_server_name, multi_server_argv);

    multi_server_spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

    /*
     * Connections.
     */
    switch (multi_server_mode) {
    case MULTI_SERVER_MODE_STDIN:
	multi_server_add_client(STDIN_FILENO, STDOUT_FILENO);
	/* Input from a file (greylistd -S < requests): read it all now. */
	if (!multi_server_pollable(STDIN_FILENO))
	    while (multi_server_clients)
		multi_server_execute(EVENT_READ, (void *) multi_server_clients);
	break;
    case MULTI_SERVER_MODE_LISTEN:
	event_enable_read(listen_fd, multi_server_accept, CAST_INT_TO_VOID_PTR(listen_fd));
	break;
    case MULTI_SERVER_MODE_MASTER:
	multi_server_status_ok = (fcntl(MASTER_STATUS_FD, F_GETFD) >= 0);
	for (fd = MASTER_FLOW_READ; fd < MASTER_LISTEN_FD + socket_count; fd++)
	    if (fcntl(fd, F_GETFD) >= 0)
		close_on_exec(fd, 1);
	for (fd = MASTER_LISTEN_FD; fd < MASTER_LISTEN_FD + socket_count; fd++) {
	    if (fcntl(fd, F_GETFD) < 0)
		msg_fatal("listening socket %d is not open (not started by master(8)? use -S or -L)", fd);
	    non_blocking(fd, 1);
	    event_enable_read(fd, multi_server_accept, CAST_INT_TO_VOID_PTR(fd));
	}
	if (multi_server_status_ok)
	    event_enable_read(MASTER_STATUS_FD, multi_server_abort, (void *) 0);
	event_request_timer(multi_server_timeout, (void *) 0,
			    EVENT_SECONDS_TO_MS(var_idle_limit));
	break;
    }
    event_request_timer(multi_server_sweep, (void *) 0, MULTI_SERVER_SWEEP_MS);
    watchdog_start(var_daemon_timeout);

    /*
     * The loop. Under master, leave after max_use clients, when no client
     * is left.
     */
    last_pat = event_now_ms();
    while (multi_server_mode != MULTI_SERVER_MODE_MASTER || var_use_limit == 0
	   || multi_server_use_count < var_use_limit
	   || multi_server_client_total > 0) {
	int     timeout = -1;

	if (event_now_ms() - last_pat >= 1000) {
	    watchdog_pat();
	    last_pat = event_now_ms();
	}
	if (multi_server_loop_fn)
	    timeout = multi_server_loop_fn(multi_server_name, multi_server_argv);
	event_loop(timeout);
    }
    if (msg_verbose)
	msg_info("served %d clients (max_use) -- exiting", multi_server_use_count);
    multi_server_exit();
}
