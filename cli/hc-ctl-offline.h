/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "hostcap/hc-snapshot.h"

G_BEGIN_DECLS

/*
 * hostcapctl without the daemon: snapshot files, and the built-in probes run in-process
 * through the same engine the daemon uses.
 */

/* reads a snapshot file; every error names the file (and the JSON path when it is bad) */
HcSnapshot *
hc_ctl_offline_load_snapshot(const char *path, GError **error);

/* runs the built-in probes (@only: NULL = all, else probe names) against @sysroot (NULL or
 * "" = the real root, else HOSTCAPD_SYSROOT's meaning) and returns generation 1 */
HcSnapshot *
hc_ctl_offline_probe(const char *sysroot,
		     const char *const *data_dirs,
		     const char *const *only,
		     GError **error);

/* reads a whole file for a verb's input (spec, snapshot); errors name the file; "-" = stdin */
gboolean
hc_ctl_offline_read_input(const char *path,
			  gsize limit,
			  char **contents,
			  gsize *len,
			  GError **error);

G_END_DECLS
