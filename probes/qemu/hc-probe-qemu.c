/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * probe "qemu": the QEMU installed on this host. Finds the binaries (QemuBinary=,
 * /usr/libexec/qemu-kvm, qemu-system-x86_64 in $PATH), identifies each build by path, size,
 * mtime and ELF build-id, and asks each one over QMP (see hc-qemu-info.c) what it offers:
 * its release, machine types, CPU models and what its TCG implements. An unchanged binary
 * is answered from the cache (hc-qemu-cache.c) without starting it.
 *
 * The qemu.* ids other than qemu.binaries describe the first binary found: the one a VM
 * manager without an explicit emulator path would start.
 */
#include <string.h>

#include "hc-qemu-binary.h"
#include "hc-qemu-cache.h"
#include "hc-qemu-info.h"

static const char *const hc_qemu_ids[] = {
    "qemu.present",
    "qemu.binary",
    "qemu.binaries",
    "qemu.version",
    "qemu.version.number",
    "qemu.package",
    "qemu.machines",
    "qemu.machine_aliases",
    "qemu.cpu_models",
    "qemu.tcg.cpu_models",
    "qemu.tcg.cpu_features",
    NULL,
};

static GVariant *
hc_qemu_strv(GPtrArray *list)
{
	return g_variant_new_strv((const char *const *)list->pdata, list->len);
}

/* what the first binary said, or why it could not be asked */
static void
hc_qemu_report_info(HcProbeContext *ctx,
		    const HcQemuBinary *bin,
		    const HcQemuInfo *info,
		    const char *how)
{
	const HcCapState ok = HC_CAP_STATE_SUPPORTED;

	hc_probe_report_string(ctx, "qemu.version", ok, info->version, "QMP query-version %s", how);
	hc_probe_report_int(ctx,
			    "qemu.version.number",
			    ok,
			    info->version_number,
			    "QMP query-version: major * 10000 + minor * 100 + micro %s",
			    how);
	hc_probe_report_string(ctx, "qemu.package", ok, info->package, "QMP query-version %s", how);
	hc_probe_report(ctx,
			"qemu.machines",
			ok,
			hc_qemu_strv(info->machines),
			"QMP query-machines of %s %s",
			bin->path,
			how);
	hc_probe_report(ctx,
			"qemu.machine_aliases",
			ok,
			hc_qemu_strv(info->aliases),
			"QMP query-machines: alias=machine %s",
			how);
	hc_probe_report(ctx,
			"qemu.cpu_models",
			ok,
			hc_qemu_strv(info->cpu_models),
			"QMP query-cpu-definitions %s",
			how);
	hc_probe_report(ctx,
			"qemu.tcg.cpu_models",
			ok,
			hc_qemu_strv(info->tcg_models),
			"QMP query-cpu-definitions under -accel tcg: no unavailable-features %s",
			how);
	hc_probe_report(ctx,
			"qemu.tcg.cpu_features",
			ok,
			hc_qemu_strv(info->tcg_features),
			"QMP query-cpu-model-expansion full of max under -accel tcg %s",
			how);
}

/* every per-release id at once, when there is no QEMU or it could not be asked */
static void
hc_qemu_report_rest(HcProbeContext *ctx, HcCapState state, const char *reason)
{
	for (guint i = 0; hc_qemu_ids[i] != NULL; i++) {
		if (!hc_probe_context_has_reported(ctx, hc_qemu_ids[i]))
			hc_probe_report(ctx, hc_qemu_ids[i], state, NULL, "%s", reason);
	}
}

/* the info of @bin: cached on its identity, else asked (and cached) */
static HcQemuInfo *
hc_qemu_info_of(HcProbeContext *ctx,
		HcQemuCache *cache,
		const HcQemuBinary *bin,
		gboolean *cached,
		GError **error)
{
	g_autofree char *key = hc_qemu_binary_key(bin);
	HcQemuInfo *info = hc_qemu_cache_lookup(cache, key);

	*cached = info != NULL;
	if (info != NULL)
		return info;
	info = hc_qemu_info_query(ctx, bin, error);
	if (info != NULL)
		hc_qemu_cache_store(cache, key, info);
	return info;
}

static gboolean
hc_probe_qemu_run(HcProbeContext *ctx, GError **error)
{
	g_autofree char *searched = NULL;
	g_autoptr(GPtrArray) bins = hc_qemu_binary_find_all(ctx, &searched);
	g_autoptr(HcQemuCache) cache = hc_qemu_cache_open(hc_probe_context_get_cache_dir(ctx));
	g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) save_error = NULL;

	if (bins->len == 0) {
		g_autofree char *reason =
		    g_strdup_printf("no QEMU binary: looked for %s", searched);
		hc_probe_report_bool(ctx,
				     "qemu.present",
				     HC_CAP_STATE_UNSUPPORTED,
				     FALSE,
				     "%s",
				     reason);
		hc_qemu_report_rest(ctx, HC_CAP_STATE_UNSUPPORTED, reason);
		return TRUE;
	}
	for (guint i = 0; i < bins->len; i++) {
		const HcQemuBinary *bin = g_ptr_array_index(bins, i);
		g_autoptr(GError) local = NULL;
		gboolean cached = FALSE;
		g_autoptr(HcQemuInfo) info = hc_qemu_info_of(ctx, cache, bin, &cached, &local);

		g_ptr_array_add(
		    listed,
		    g_strdup_printf("%s %s", bin->path, info != NULL ? info->version : "unknown"));
		if (i > 0)
			continue;
		hc_probe_report_bool(ctx,
				     "qemu.present",
				     HC_CAP_STATE_SUPPORTED,
				     TRUE,
				     "%s is executable",
				     bin->path);
		hc_probe_report_string(ctx,
				       "qemu.binary",
				       HC_CAP_STATE_SUPPORTED,
				       bin->path,
				       "found first (QemuBinary=, /usr/libexec/qemu-kvm, then "
				       "qemu-system-x86_64 in $PATH)");
		if (info != NULL)
			hc_qemu_report_info(ctx,
					    bin,
					    info,
					    cached ? "(cached for this build)" : "(asked now)");
		else
			hc_qemu_report_rest(ctx, HC_CAP_STATE_UNKNOWN, local->message);
	}
	hc_probe_report(ctx,
			"qemu.binaries",
			HC_CAP_STATE_SUPPORTED,
			hc_qemu_strv(listed),
			"executable QEMU binaries among %s",
			searched);
	/* a cache that cannot be written costs the next pass time, never a wrong answer */
	if (!hc_qemu_cache_save(cache, &save_error))
		g_debug("qemu probe cache: %s, ignoring", save_error->message);
	return TRUE;
}

const HcProbeInfo hc_probe_qemu = {
    .name = "qemu",
    .description = "The QEMU binaries installed here: release, machine types, CPU models, TCG",
    .ids = hc_qemu_ids,
    .timeout_msec = 20000,
    .flags = HC_PROBE_FLAG_NONE,
    .run = hc_probe_qemu_run,
};
