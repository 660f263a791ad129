/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hc-config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <gio/gio.h>
#include <unistd.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-ctl-offline.h"
#include "hc-engine.h"
#include "hc-probe-registry.h"

HcSnapshot *
hc_ctl_offline_load_snapshot(const char *path, GError **error)
{
	g_autofree char *data = NULL;
	gsize len = 0;
	HcSnapshot *snap;

	if (g_strcmp0(path, "-") != 0)
		return hc_snapshot_load_file(path, error);
	if (!hc_ctl_offline_read_input(path, HC_LIMIT_SNAPSHOT_BYTES, &data, &len, error))
		return NULL;
	snap = hc_snapshot_from_json(data, len, error);
	if (snap == NULL)
		g_prefix_error(error, "<stdin>: ");
	return snap;
}

GPtrArray *
hc_ctl_offline_probe_names(void)
{
	GPtrArray *names = g_ptr_array_new();
	for (guint i = 0; i < hc_probe_registry_len; i++)
		g_ptr_array_add(names, (gpointer)hc_probe_registry[i]->name);
	return names;
}

static gboolean
select_probes(const char *const *only, GPtrArray *out, GError **error)
{
	if (only == NULL || only[0] == NULL) {
		for (guint i = 0; i < hc_probe_registry_len; i++)
			g_ptr_array_add(out, (gpointer)hc_probe_registry[i]);
		return TRUE;
	}
	for (guint i = 0; only[i] != NULL; i++) {
		const HcProbeInfo *info = hc_probe_registry_lookup(only[i]);
		if (info == NULL) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "no probe named '%s'",
				    only[i]);
			return FALSE;
		}
		g_ptr_array_add(out, (gpointer)info);
	}
	return TRUE;
}

HcSnapshot *
hc_ctl_offline_probe(const char *sysroot,
		     const char *const *data_dirs,
		     const char *const *only,
		     GError **error)
{
	g_autoptr(GPtrArray) probes = g_ptr_array_new();
	g_autoptr(HcEngineRun) run = NULL;
	g_autoptr(GPtrArray) results = NULL;
	g_autoptr(HcSnapshot) snap = hc_snapshot_new();
	HcEngineOptions opts = {
	    .sysroot = sysroot,
	    .data_dirs = data_dirs,
	};

	if (!select_probes(only, probes, error))
		return NULL;
	run = hc_engine_run_start((const HcProbeInfo *const *)probes->pdata, probes->len, &opts);
	hc_engine_run_wait(run);
	results = hc_engine_run_steal_results(run);
	hc_engine_fill_host(snap, sysroot);
	hc_engine_apply_results(snap, results);
	hc_snapshot_set_generation(snap, 1);
	hc_snapshot_set_generated_usec(snap, g_get_real_time());
	return g_steal_pointer(&snap);
}

static gboolean
read_fd_limited(int fd, const char *name, gsize limit, GByteArray *buf, GError **error)
{
	guint8 chunk[65536];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int errsv = errno;
			g_set_error(error,
				    G_IO_ERROR,
				    g_io_error_from_errno(errsv),
				    "read %s: %s",
				    name,
				    g_strerror(errsv));
			return FALSE;
		}
		if (n == 0)
			return TRUE;
		if (buf->len + (gsize)n > limit) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "%s: over the limit of %" G_GSIZE_FORMAT " bytes",
				    name,
				    limit);
			return FALSE;
		}
		g_byte_array_append(buf, chunk, (guint)n);
	}
}

gboolean
hc_ctl_offline_read_input(const char *path,
			  gsize limit,
			  char **contents,
			  gsize *len,
			  GError **error)
{
	g_autoptr(GByteArray) buf = g_byte_array_new();
	gboolean is_stdin = g_strcmp0(path, "-") == 0;
	const char *name = is_stdin ? "<stdin>" : path;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	gboolean ok;

	if (fd < 0) {
		int errsv = errno;
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(errsv),
			    "open %s: %s",
			    path,
			    g_strerror(errsv));
		return FALSE;
	}
	ok = read_fd_limited(fd, name, limit, buf, error);
	if (!is_stdin)
		close(fd);
	if (!ok)
		return FALSE;
	*len = buf->len;
	g_byte_array_append(buf, (const guint8 *)"", 1);
	*contents = (char *)g_byte_array_free(g_steal_pointer(&buf), FALSE);
	return TRUE;
}
