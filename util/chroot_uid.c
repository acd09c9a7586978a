/*++
/* NAME
/*	chroot_uid 3
/* SUMMARY
/*	limit possible damage a process can do
/* SYNOPSIS
/*	#include <chroot_uid.h>
/*
/*	void	chroot_uid(root_dir, user_name)
/*	const char *root_dir;
/*	const char *user_name;
/* DESCRIPTION
/*	chroot_uid() changes the process root directory and gives up
/*	root privileges, in this order: look up the user (while the
/*	password database is still visible), setgid() and initgroups() to
/*	that user's group and groups, chroot() and chdir("/"), and last
/*	setuid(). Either argument may be a null pointer to skip that
/*	step. Afterwards the function verifies that root privileges
/*	cannot be regained.
/* DIAGNOSTICS
/*	All errors are fatal and name the user or directory.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <chroot_uid.h>

/* chroot_uid - restrict the damage that this program can do */

void    chroot_uid(const char *root_dir, const char *user_name)
{
    struct passwd *pwd;
    uid_t   uid = 0;
    gid_t   gid = 0;

    if (user_name != 0) {
	if ((pwd = getpwnam(user_name)) == 0)
	    msg_fatal("unknown user: %s", user_name);
	uid = pwd->pw_uid;
	gid = pwd->pw_gid;
	if (uid == 0)
	    msg_fatal("user %s has privileged user ID 0: refusing to run as root",
		      user_name);
	if (setgid(gid) < 0)
	    msg_fatal("setgid(%ld) for user %s: %m", (long) gid, user_name);
	if (initgroups(user_name, gid) < 0)
	    msg_fatal("initgroups for user %s: %m", user_name);
    }
    if (root_dir != 0) {
	if (chroot(root_dir) < 0)
	    msg_fatal("chroot(%s): %m", root_dir);
	if (chdir("/") < 0)
	    msg_fatal("chdir(/) after chroot(%s): %m", root_dir);
    }
    if (user_name != 0) {
	if (setuid(uid) < 0)
	    msg_fatal("setuid(%ld) for user %s: %m", (long) uid, user_name);
	if (setuid(0) == 0 || geteuid() == 0)
	    msg_fatal("chroot_uid: still privileged after setuid to %s", user_name);
    }
}
