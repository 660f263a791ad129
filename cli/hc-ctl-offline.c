/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hc-config.h"

#include <gio/gio.h>
#include <unistd.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-ctl-offline.h"
#include "hc-engine.h"
#include "hc-file-util.h"
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
	/* the daemon's default, so offline answers about the QEMU user match the daemon's */
	HcEngineOptions opts = {
	    .sysroot = sysroot,
	    .qemu_user = hc_engine_default_qemu_user(),
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

gboolean
hc_ctl_offline_read_input(const char *path,
			  gsize limit,
			  char **contents,
			  gsize *len,
			  GError **error)
{
	if (g_strcmp0(path, "-") == 0)
		return hc_file_read_fd_limited(STDIN_FILENO,
					       "<stdin>",
					       NULL,
					       limit,
					       contents,
					       len,
					       error);
	return hc_file_read_limited(path, NULL, limit, HC_FILE_READ_NONE, contents, len, error);
}
