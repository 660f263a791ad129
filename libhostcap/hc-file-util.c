/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostcap/hc-error.h"

#include "hc-file-util.h"

static void
hc_file_set_errno(GError **error, int errsv, const char *op, const char *name)
{
	g_set_error(error,
		    G_IO_ERROR,
		    g_io_error_from_errno(errsv),
		    "%s %s: %s",
		    op,
		    name,
		    g_strerror(errsv));
}

static void
hc_file_set_over_limit(GError **error, const char *name, const char *what, gsize limit)
{
	g_set_error(error,
		    HC_ERROR,
		    HC_ERROR_INVALID_ARGUMENT,
		    "%s: over the %s%slimit of %" G_GSIZE_FORMAT " bytes",
		    name,
		    what != NULL ? what : "",
		    what != NULL ? " " : "",
		    limit);
}

gboolean
hc_file_read_fd_limited(int fd,
			const char *name,
			const char *what,
			gsize limit,
			char **contents,
			gsize *len,
			GError **error)
{
	g_autoptr(GByteArray) buf = g_byte_array_new();
	guint8 chunk[65536];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			hc_file_set_errno(error, errno, "read", name);
			return FALSE;
		}
		if (n == 0)
			break;
		if (buf->len + (gsize)n > limit) {
			hc_file_set_over_limit(error, name, what, limit);
			return FALSE;
		}
		g_byte_array_append(buf, chunk, (guint)n);
	}
	*len = buf->len;
	g_byte_array_append(buf, (const guint8 *)"", 1);
	*contents = (char *)g_byte_array_free(g_steal_pointer(&buf), FALSE);
	return TRUE;
}

/* refuse an oversize or (when asked) irregular file before reading a byte of it */
static gboolean
hc_file_check_stat(int fd,
		   const char *path,
		   const char *what,
		   gsize limit,
		   HcFileReadFlags flags,
		   GError **error)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		hc_file_set_errno(error, errno, "stat", path);
		return FALSE;
	}
	if ((flags & HC_FILE_READ_REGULAR_ONLY) && !S_ISREG(st.st_mode)) {
		g_set_error(error,
			    G_IO_ERROR,
			    G_IO_ERROR_NOT_REGULAR_FILE,
			    "%s: not a regular file",
			    path);
		return FALSE;
	}
	if (S_ISREG(st.st_mode) && (guint64)st.st_size > limit) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: file is %lld bytes, over the %s%slimit of %" G_GSIZE_FORMAT,
			    path,
			    (long long)st.st_size,
			    what != NULL ? what : "",
			    what != NULL ? " " : "",
			    limit);
		return FALSE;
	}
	return TRUE;
}

gboolean
hc_file_read_limited(const char *path,
		     const char *what,
		     gsize limit,
		     HcFileReadFlags flags,
		     char **contents,
		     gsize *len,
		     GError **error)
{
	int oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY;
	gboolean ok;
	int fd;

	g_return_val_if_fail(path != NULL, FALSE);
	if (flags & HC_FILE_READ_REGULAR_ONLY)
		oflags |= O_NONBLOCK;
	fd = open(path, oflags);
	if (fd < 0) {
		hc_file_set_errno(error, errno, "open", path);
		return FALSE;
	}
	ok = hc_file_check_stat(fd, path, what, limit, flags, error) &&
	     hc_file_read_fd_limited(fd, path, what, limit, contents, len, error);
	close(fd);
	return ok;
}
