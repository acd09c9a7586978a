/*++
/* NAME
/*	iostuff 3
/* SUMMARY
/*	miscellaneous descriptor operations
/* SYNOPSIS
/*	#include <iostuff.h>
/*
/*	int	non_blocking(fd, on)
/*	int	fd;
/*	int	on;
/*
/*	int	close_on_exec(fd, on)
/*	int	fd;
/*	int	on;
/*
/*	ssize_t	peekfd(fd)
/*	int	fd;
/*
/*	int	dup_above(fd, floor)
/*	int	fd;
/*	int	floor;
/* DESCRIPTION
/*	non_blocking() and close_on_exec() switch O_NONBLOCK and
/*	FD_CLOEXEC on or off; they return the previous setting.
/*
/*	peekfd() returns the number of bytes the kernel holds for reading
/*	(0 at end of file), or -1.
/*
/*	dup_above() moves a descriptor to the lowest free number at or
/*	above \fIfloor\fR, closes the original and returns the new one;
/*	when that fails (descriptor limit), it returns the original.
/* DIAGNOSTICS
/*	Fatal: fcntl() failures on a valid descriptor.
/* LICENSE
/* .ad
/* .fi
/*	MIT License; see the LICENSE file.
/*--*/

/* System library. */

#include <sys_defs.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <unistd.h>

/* Utility library. */

#include <msg.h>
#include <iostuff.h>

/* non_blocking - set or clear O_NONBLOCK */

int     non_blocking(int fd, int on)
{
    int     flags;

    if ((flags = fcntl(fd, F_GETFL, 0)) < 0)
	msg_fatal("fcntl: get flags fd %d: %m", fd);
    if (fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK) < 0)
	msg_fatal("fcntl: set non-blocking flag fd %d: %m", fd);
    return ((flags & O_NONBLOCK) != 0);
}

/* close_on_exec - set or clear FD_CLOEXEC */

int     close_on_exec(int fd, int on)
{
    int     flags;

    if ((flags = fcntl(fd, F_GETFD, 0)) < 0)
	msg_fatal("fcntl: get flags fd %d: %m", fd);
    if (fcntl(fd, F_SETFD, on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC) < 0)
	msg_fatal("fcntl: set close-on-exec flag fd %d: %m", fd);
    return ((flags & FD_CLOEXEC) != 0);
}

/* peekfd - bytes ready to read */

ssize_t peekfd(int fd)
{
    int     count;

    return (ioctl(fd, FIONREAD, &count) < 0 ? -1 : count);
}

/* dup_above - move descriptor up */

int     dup_above(int fd, int floor)
{
    int     new_fd;

    if (fd >= floor || (new_fd = fcntl(fd, F_DUPFD_CLOEXEC, floor)) < 0)
	return (fd);
    (void) close(fd);
    return (new_fd);
}
