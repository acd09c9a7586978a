/*++
/* NAME
/*	mail_params 3
/* SUMMARY
/*	Postfix parameters that greylistd shares with every Postfix daemon
/* SYNOPSIS
/*	#include <mail_params.h>
/*
/*	void	mail_params_init()
/* DESCRIPTION
/*	mail_params_init() reads the Postfix parameters that every
/*	daemon needs, from the dictionary that mail_conf(3) filled:
/* .IP "\fBconfig_directory\fR, \fBdaemon_directory\fR, \fBdata_directory\fR, \fBqueue_directory\fR"
/*	Where things are.
/* .IP "\fBmail_owner\fR (postfix)"
/*	The user of unprivileged daemons (master.cf -u).
/* .IP "\fBsyslog_name\fR (postfix), \fBsyslog_facility\fR (mail), \fBmaillog_file\fR"
/*	Logging.
/* .IP "\fBmax_idle\fR (100s), \fBmax_use\fR (100), \fBipc_timeout\fR (3600s), \fBdaemon_timeout\fR (18000s)"
/*	A daemon's life cycle under master(8).
/* .PP
/*	Each parameter is a triple in mail_params.h: VAR_X (its name),
/*	DEF_X (its default) and var_x (its value).
/* DIAGNOSTICS
/*	Fatal: bad values, as for every parameter (mail_conf_param(3)).
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>

/* Global library. */

#include <mail_conf.h>
#include <mail_params.h>

char   *var_config_dir;
char   *var_daemon_dir;
char   *var_data_dir;
char   *var_queue_dir;
char   *var_mail_owner;
char   *var_syslog_name;
char   *var_syslog_facility;
char   *var_maillog_file;
char   *var_procname;
char   *var_servname;
int     var_idle_limit;
int     var_use_limit;
int     var_ipc_timeout;
int     var_daemon_timeout;

/* mail_params_init - read the shared parameters */

void    mail_params_init(void)
{
    static const CONFIG_STR_TABLE str_table[] = {
	{VAR_CONFIG_DIR, DEF_CONFIG_DIR, &var_config_dir, 1, 0},
	{VAR_DAEMON_DIR, DEF_DAEMON_DIR, &var_daemon_dir, 1, 0},
	{VAR_DATA_DIR, DEF_DATA_DIR, &var_data_dir, 1, 0},
	{VAR_QUEUE_DIR, DEF_QUEUE_DIR, &var_queue_dir, 1, 0},
	{VAR_MAIL_OWNER, DEF_MAIL_OWNER, &var_mail_owner, 1, 0},
	{VAR_SYSLOG_NAME, DEF_SYSLOG_NAME, &var_syslog_name, 1, 0},
	{VAR_SYSLOG_FACILITY, DEF_SYSLOG_FACILITY, &var_syslog_facility, 1, 0},
	{VAR_MAILLOG_FILE, DEF_MAILLOG_FILE, &var_maillog_file, 0, 0},
	{0},
    };
    static const CONFIG_TIME_TABLE time_table[] = {
	{VAR_MAX_IDLE, DEF_MAX_IDLE, &var_idle_limit, 1, 0},
	{VAR_IPC_TIMEOUT, DEF_IPC_TIMEOUT, &var_ipc_timeout, 1, 0},
	{VAR_DAEMON_TIMEOUT, DEF_DAEMON_TIMEOUT, &var_daemon_timeout, 1, 0},
	{0},
    };
    static const CONFIG_INT_TABLE int_table[] = {
	{VAR_MAX_USE, DEF_MAX_USE, &var_use_limit, 1, 0},
	{0},
    };

    get_mail_conf_str_table(str_table);
    get_mail_conf_time_table(time_table);
    get_mail_conf_int_table(int_table);
}
