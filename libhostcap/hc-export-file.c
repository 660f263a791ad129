/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* atomic replacement of an export file: temp file in the same directory, fsync, rename */

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hc-export.h"

static gboolean
hc_export_write_all(int fd, const char *text, gsize len, const char *name, GError **error)
{
	while (len > 0) {
		gssize n = write(fd, text, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			g_set_error(error,
				    G_IO_ERROR,
				    g_io_error_from_errno(e),
				    "write %s: %s",
				    name,
				    g_strerror(e));
			return FALSE;
		}
		text += n;
		len -= (gsize)n;
	}
	return TRUE;
}

static gboolean
hc_export_fsync(int fd, const char *name, GError **error)
{
	if (fsync(fd) < 0) {
		int e = errno;
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(e),
			    "fsync %s: %s",
			    name,
			    g_strerror(e));
		return FALSE;
	}
	return TRUE;
}

/* the rename is only durable once the directory entry is */
static void
hc_export_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (fsync(fd) < 0)
		g_debug("fsync %s: %s, ignoring", dir, g_strerror(errno));
	close(fd);
}

gboolean
hc_export_write_atomic(const char *path, const char *text, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *base = g_path_get_basename(path);
	g_autofree char *tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
	int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0644);
	gboolean ok;

	if (fd < 0) {
		int e = errno;
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(e),
			    "create a temporary file beside %s: %s",
			    path,
			    g_strerror(e));
		return FALSE;
	}
	/* the collectors may run as other users: readable by all, like the files they replace */
	if (fchmod(fd, 0644) < 0) {
		int e = errno;
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(e),
			    "chmod %s: %s",
			    tmp,
			    g_strerror(e));
		ok = FALSE;
	} else {
		ok = hc_export_write_all(fd, text, strlen(text), tmp, error) &&
		     hc_export_fsync(fd, tmp, error);
	}
	if (close(fd) < 0 && ok) {
		int e = errno;
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(e),
			    "close %s: %s",
			    tmp,
			    g_strerror(e));
		ok = FALSE;
	}
	if (ok && rename(tmp, path) < 0) {
		int e = errno;
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(e),
			    "rename %s to %s: %s",
			    tmp,
			    path,
			    g_strerror(e));
		ok = FALSE;
	}
	if (!ok) {
		g_unlink(tmp);
		return FALSE;
	}
	hc_export_sync_dir(dir);
	return TRUE;
}
