#ifndef _MAIL_PARAMS_H_INCLUDED_
#define _MAIL_PARAMS_H_INCLUDED_

/*++
/* NAME
/*	mail_params 3h
/* SUMMARY
/*	Postfix parameters that greylistd shares with every Postfix daemon
/* SYNOPSIS
/*	#include "mail_params.h"
/* DESCRIPTION
/* .nf
/*--*/

 /*
  * Installation directories. The compiled-in defaults come from makedefs.
  */
#ifndef DEF_CONFIG_DIR
#define DEF_CONFIG_DIR		"/etc/postfix"
#endif
#ifndef DEF_DAEMON_DIR
#define DEF_DAEMON_DIR		"/usr/libexec/postfix"
#endif
#ifndef DEF_DATA_DIR
#define DEF_DATA_DIR		"/var/lib/postfix"
#endif

#define VAR_CONFIG_DIR		"config_directory"
extern char *var_config_dir;

#define VAR_DAEMON_DIR		"daemon_directory"
extern char *var_daemon_dir;

#define VAR_DATA_DIR		"data_directory"
extern char *var_data_dir;

#define VAR_QUEUE_DIR		"queue_directory"
#define DEF_QUEUE_DIR		"/var/spool/postfix"
extern char *var_queue_dir;

 /*
  * The unprivileged user that daemons run as (master.cf unpriv column).
  */
#define VAR_MAIL_OWNER		"mail_owner"
#define DEF_MAIL_OWNER		"postfix"
extern char *var_mail_owner;

 /*
  * Logging.
  */
#define VAR_SYSLOG_NAME		"syslog_name"
#define DEF_SYSLOG_NAME		"${multi_instance_name?{$multi_instance_name}:{postfix}}"
extern char *var_syslog_name;

#define VAR_SYSLOG_FACILITY	"syslog_facility"
#define DEF_SYSLOG_FACILITY	"mail"
extern char *var_syslog_facility;

#define VAR_MAILLOG_FILE	"maillog_file"
#define DEF_MAILLOG_FILE	""
extern char *var_maillog_file;

#define VAR_MYHOSTNAME		"myhostname"

 /*
  * Process life cycle under master(8).
  */
#define VAR_MAX_IDLE		"max_idle"
#define DEF_MAX_IDLE		"100s"
extern int var_idle_limit;

#define VAR_MAX_USE		"max_use"
#define DEF_MAX_USE		100
extern int var_use_limit;

#define VAR_IPC_TIMEOUT		"ipc_timeout"
#define DEF_IPC_TIMEOUT		"3600s"
extern int var_ipc_timeout;

#define VAR_DAEMON_TIMEOUT	"daemon_timeout"
#define DEF_DAEMON_TIMEOUT	"18000s"
extern int var_daemon_timeout;

 /*
  * Read-only, set by the skeleton.
  */
#define VAR_PROCNAME		"process_name"
extern char *var_procname;

#define VAR_SERVNAME		"service_name"
extern char *var_servname;

extern void mail_params_init(void);

/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

#endif
