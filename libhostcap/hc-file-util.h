/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	HC_FILE_READ_NONE = 0,
	/* refuse anything but a regular file; opened O_NONBLOCK so that a FIFO left in the
	 * file's place cannot hang the reader */
	HC_FILE_READ_REGULAR_ONLY = 1 << 0,
} HcFileReadFlags;

/*
 * Reads the whole of @fd into a NUL-terminated buffer, at most @limit bytes. @name names the
 * input in messages; @what, if not NULL, names the limit ("snapshot" → "over the snapshot
 * limit"). Read errors keep errno's meaning (G_IO_ERROR, "read <name>: <strerror>"); going
 * over @limit is HC_ERROR_INVALID_ARGUMENT. Does not close @fd.
 */
gboolean
hc_file_read_fd_limited(int fd,
			const char *name,
			const char *what,
			gsize limit,
			char **contents,
			gsize *len,
			GError **error);

/*
 * Opens @path and reads it whole like hc_file_read_fd_limited(); a regular file larger than
 * @limit is refused on its size before a byte is read. A missing file is G_IO_ERROR_NOT_FOUND.
 */
gboolean
hc_file_read_limited(const char *path,
		     const char *what,
		     gsize limit,
		     HcFileReadFlags flags,
		     char **contents,
		     gsize *len,
		     GError **error);

G_END_DECLS
