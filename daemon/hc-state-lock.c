/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Interfaces: flock(2) on a file in the state directory. */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "hostcap/hc-error.h"

#include "hc-state-lock.h"

int
hc_state_lock_acquire(const char *dir, GError **error)
{
	g_autofree char *path = g_build_filename(dir, HC_STATE_LOCK_FILE_NAME, NULL);
	int fd;

	if (g_mkdir_with_parents(dir, 0755) < 0) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "creating %s: %s",
			    dir,
			    g_strerror(errno));
		return -1;
	}
	/* O_NOFOLLOW: a link planted in the state directory must not make root create a file
	 * elsewhere */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0600);
	if (fd < 0) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "opening %s: %s",
			    path,
			    g_strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int errsv = errno;
		close(fd);
		if (errsv == EWOULDBLOCK) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_BUSY,
				    "another hostcapd is running with the state directory %s",
				    dir);
			return -1;
		}
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "locking %s: %s",
			    path,
			    g_strerror(errsv));
		return -1;
	}
	return fd;
}
