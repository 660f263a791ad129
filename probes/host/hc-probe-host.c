/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * probe "host": who the host is, for cache keys and human-readable reasons.
 *
 * kernel interfaces (all documented in Documentation/admin-guide/):
 *  - /proc/sys/kernel/{osrelease,version,arch}, /proc/sys/kernel/random/boot_id (sysctl),
 *    uname(2) as fallback on the real root for kernels without kernel.arch;
 *  - /proc/cpuinfo (filesystems/proc.rst): vendor, model, per-cpu "microcode";
 *  - /sys/devices/system/cpu/cpu<N>/microcode/version (ABI sysfs-devices-system-cpu, bare
 *    metal only: the microcode driver does not bind in a guest), quoted in host.microcode's
 *    reason per cpu;
 *  - /sys/devices/system/cpu/vulnerabilities/ (hw-vuln/, ABI sysfs-devices-system-cpu);
 *  - /proc/cmdline: see hc-host-cmdline.c.
 */
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>

#include "hc-cpuinfo.h"
#include "hc-host-cmdline.h"
#include "hostcap/hc-probe.h"

/* uname fields used when a sysctl file is missing on the real root */
typedef enum {
	HOST_UNAME_NONE,
	HOST_UNAME_RELEASE,
	HOST_UNAME_VERSION,
	HOST_UNAME_MACHINE,
} HostUnameField;

static const struct {
	const char *id;
	const char *path;
	HostUnameField fallback;
} host_files[] = {
    {"host.kernel.release", "/proc/sys/kernel/osrelease", HOST_UNAME_RELEASE},
    {"host.kernel.version", "/proc/sys/kernel/version", HOST_UNAME_VERSION},
    {"host.arch", "/proc/sys/kernel/arch", HOST_UNAME_MACHINE},
    {"host.boot_id", "/proc/sys/kernel/random/boot_id", HOST_UNAME_NONE},
};

static const struct {
	const char *id;
	const char *key;
	gboolean is_int;
} host_cpuinfo_fields[] = {
    {"host.cpu.vendor", "vendor_id", FALSE},
    {"host.cpu.model_name", "model name", FALSE},
    {"host.cpu.family", "cpu family", TRUE},
    {"host.cpu.model", "model", TRUE},
    {"host.cpu.stepping", "stepping", TRUE},
};

static const char *const host_ids[] = {
    "host.kernel.release",
    "host.kernel.version",
    "host.arch",
    "host.boot_id",
    "host.microcode",
    "host.cpu.vendor",
    "host.cpu.model_name",
    "host.cpu.family",
    "host.cpu.model",
    "host.cpu.stepping",
    "host.cpu.count",
    "host.vulnerabilities",
    NULL,
};

static const char *
hc_host_uname_field(const struct utsname *uts, HostUnameField field)
{
	switch (field) {
	case HOST_UNAME_RELEASE:
		return uts->release;
	case HOST_UNAME_VERSION:
		return uts->version;
	case HOST_UNAME_MACHINE:
		return uts->machine;
	case HOST_UNAME_NONE:
		break;
	}
	return NULL;
}

static void
hc_host_probe_identity(HcProbeContext *ctx)
{
	gboolean real_root = g_strcmp0(hc_probe_context_get_sysroot(ctx), "") == 0;
	struct utsname uts = {0};

	if (real_root && uname(&uts) < 0)
		real_root = FALSE;
	for (guint i = 0; i < G_N_ELEMENTS(host_files); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree char *line = hc_probe_context_read_line(ctx, host_files[i].path, &error);
		const char *fallback = real_root ? hc_host_uname_field(&uts, host_files[i].fallback)
						 : NULL;

		if (line != NULL && line[0] != '\0') {
			hc_probe_report_string(ctx,
					       host_files[i].id,
					       HC_CAP_STATE_SUPPORTED,
					       line,
					       "%s",
					       host_files[i].path);
		} else if (fallback != NULL) {
			hc_probe_report_string(ctx,
					       host_files[i].id,
					       HC_CAP_STATE_SUPPORTED,
					       fallback,
					       "uname(2) (%s unreadable)",
					       host_files[i].path);
		} else {
			hc_probe_report(ctx,
					host_files[i].id,
					HC_CAP_STATE_UNKNOWN,
					NULL,
					"%s",
					error != NULL ? error->message : "empty file");
		}
	}
}

static void
hc_host_string_free(gpointer str)
{
	g_string_free(str, TRUE);
}

static gint
hc_host_cpu_dir_cmp(gconstpointer a, gconstpointer b)
{
	guint64 na = g_ascii_strtoull(*(const char *const *)a + 3, NULL, 10);
	guint64 nb = g_ascii_strtoull(*(const char *const *)b + 3, NULL, 10);

	return na < nb ? -1 : na > nb;
}

/* "sysfs microcode/version: 0xa0011d1 on cpu0; 0xa001173 on cpu1", or why there is none */
static char *
hc_host_sysfs_microcode_note(HcProbeContext *ctx)
{
	g_autofree char *root = hc_probe_context_path(ctx, "/sys/devices/system/cpu");
	g_autoptr(GDir) dir = g_dir_open(root, 0, NULL);
	g_autoptr(GPtrArray) cpus = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) revs = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func(hc_host_string_free);
	g_autoptr(GString) note = g_string_new("sysfs cpu*/microcode/version:");
	const char *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		if (g_str_has_prefix(name, "cpu") && g_ascii_isdigit(name[3]))
			g_ptr_array_add(cpus, g_strdup(name));
	}
	g_ptr_array_sort(cpus, hc_host_cpu_dir_cmp);
	for (guint i = 0; i < cpus->len; i++) {
		const char *cpu = g_ptr_array_index(cpus, i);
		g_autofree char *path =
		    g_strdup_printf("/sys/devices/system/cpu/%s/microcode/version", cpu);
		g_autofree char *rev = hc_probe_context_read_line(ctx, path, NULL);
		guint k;

		if (rev == NULL)
			continue;
		for (k = 0; k < revs->len && g_strcmp0(g_ptr_array_index(revs, k), rev) != 0; k++)
			;
		if (k == revs->len) {
			g_ptr_array_add(revs, g_steal_pointer(&rev));
			g_ptr_array_add(lists, g_string_new(cpu));
		} else {
			g_string_append_printf(g_ptr_array_index(lists, k), ",%s", cpu);
		}
	}
	if (revs->len == 0)
		return g_strdup(
		    "no /sys/devices/system/cpu/cpu*/microcode/version (not bare metal, "
		    "or no microcode driver)");
	for (guint k = 0; k < revs->len; k++)
		g_string_append_printf(note,
				       "%s %s on %s",
				       k > 0 ? ";" : "",
				       (const char *)g_ptr_array_index(revs, k),
				       ((GString *)g_ptr_array_index(lists, k))->str);
	return g_string_free(g_steal_pointer(&note), FALSE);
}

static void
hc_host_report_cpuinfo_fields(HcProbeContext *ctx, const HcCpuinfo *info)
{
	g_autoptr(GPtrArray) codes = hc_cpuinfo_distinct(info, "microcode");
	g_autofree char *sysfs_note = hc_host_sysfs_microcode_note(ctx);

	for (guint i = 0; i < G_N_ELEMENTS(host_cpuinfo_fields); i++) {
		const char *id = host_cpuinfo_fields[i].id;
		const char *val = hc_cpuinfo_get(info, host_cpuinfo_fields[i].key);
		gint64 num = 0;

		if (val == NULL) {
			hc_probe_report(ctx,
					id,
					HC_CAP_STATE_UNSUPPORTED,
					NULL,
					"/proc/cpuinfo: no \"%s\" field on this architecture",
					host_cpuinfo_fields[i].key);
		} else if (!host_cpuinfo_fields[i].is_int) {
			hc_probe_report_string(ctx,
					       id,
					       HC_CAP_STATE_SUPPORTED,
					       val,
					       "/proc/cpuinfo");
		} else if (g_ascii_string_to_signed(val, 10, 0, G_MAXINT32, &num, NULL)) {
			hc_probe_report_int(ctx, id, HC_CAP_STATE_SUPPORTED, num, "/proc/cpuinfo");
		} else {
			hc_probe_report(ctx,
					id,
					HC_CAP_STATE_UNKNOWN,
					NULL,
					"/proc/cpuinfo: cannot parse \"%s\" value \"%s\"",
					host_cpuinfo_fields[i].key,
					val);
		}
	}
	hc_probe_report_int(ctx,
			    "host.cpu.count",
			    HC_CAP_STATE_SUPPORTED,
			    info->cpus->len,
			    "/proc/cpuinfo processor blocks");

	if (codes->len == 0) {
		hc_probe_report(ctx,
				"host.microcode",
				HC_CAP_STATE_UNSUPPORTED,
				NULL,
				"/proc/cpuinfo: no \"microcode\" field; %s",
				sysfs_note);
		return;
	}
	/* more than one revision means a late load reached only some cpus */
	g_ptr_array_add(codes, NULL);
	hc_probe_report(ctx,
			"host.microcode",
			HC_CAP_STATE_SUPPORTED,
			g_variant_new_strv((const char *const *)codes->pdata, -1),
			"/proc/cpuinfo microcode: %s; %s",
			codes->len > 2
			    ? "revisions differ between cpus (partially applied late load)"
			    : "same revision on every cpu",
			sysfs_note);
}

static void
hc_host_probe_cpuinfo(HcProbeContext *ctx)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(HcCpuinfo) info = hc_cpuinfo_load(ctx, &error);

	if (info == NULL) {
		g_prefix_error(&error, "/proc/cpuinfo: ");
		for (guint i = 0; i < G_N_ELEMENTS(host_cpuinfo_fields); i++)
			hc_probe_report(ctx,
					host_cpuinfo_fields[i].id,
					HC_CAP_STATE_UNKNOWN,
					NULL,
					"%s",
					error->message);
		hc_probe_report(ctx,
				"host.cpu.count",
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"%s",
				error->message);
		hc_probe_report(ctx,
				"host.microcode",
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"%s",
				error->message);
		return;
	}
	hc_host_report_cpuinfo_fields(ctx, info);
}

static gint
hc_host_strcmp_ptr(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

/* one id per file (host.vulnerabilities.<name>, string status) plus host.vulnerabilities:
 * the names whose status starts with "Vulnerable" */
static void
hc_host_probe_vulnerabilities(HcProbeContext *ctx)
{
	const char *dir_path = "/sys/devices/system/cpu/vulnerabilities";
	g_autofree char *dir_real = hc_probe_context_path(ctx, dir_path);
	g_autoptr(GError) error = NULL;
	g_autoptr(GDir) dir = g_dir_open(dir_real, 0, &error);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) vulnerable = g_ptr_array_new_with_free_func(g_free);
	const char *name;

	if (dir == NULL) {
		gboolean absent = !hc_probe_context_exists(ctx, dir_path);

		hc_probe_report(ctx,
				"host.vulnerabilities",
				absent ? HC_CAP_STATE_UNSUPPORTED : HC_CAP_STATE_UNKNOWN,
				NULL,
				"%s: %s",
				dir_path,
				absent ? "does not exist" : error->message);
		return;
	}
	while ((name = g_dir_read_name(dir)) != NULL)
		g_ptr_array_add(names, g_ascii_strdown(name, -1));
	g_ptr_array_sort(names, hc_host_strcmp_ptr);
	for (guint i = 0; i < names->len; i++) {
		const char *vname = g_ptr_array_index(names, i);
		g_autofree char *path = g_strdup_printf("%s/%s", dir_path, vname);
		g_autofree char *id = g_strdup_printf("host.vulnerabilities.%s", vname);
		g_autoptr(GError) read_error = NULL;
		g_autofree char *status = hc_probe_context_read_line(ctx, path, &read_error);

		if (status == NULL) {
			hc_probe_report(ctx,
					id,
					HC_CAP_STATE_UNKNOWN,
					NULL,
					"%s",
					read_error->message);
			continue;
		}
		if (g_str_has_prefix(status, "Vulnerable"))
			g_ptr_array_add(vulnerable, g_strdup(vname));
		hc_probe_report_string(ctx, id, HC_CAP_STATE_SUPPORTED, status, "%s", path);
	}
	g_ptr_array_add(vulnerable, NULL);
	hc_probe_report(ctx,
			"host.vulnerabilities",
			HC_CAP_STATE_SUPPORTED,
			g_variant_new_strv((const char *const *)vulnerable->pdata, -1),
			"%s: %u files, %u say \"Vulnerable\"",
			dir_path,
			names->len,
			vulnerable->len - 1);
}

static gboolean
hc_host_run(HcProbeContext *ctx, GError **error)
{
	hc_host_probe_identity(ctx);
	hc_host_probe_cpuinfo(ctx);
	hc_host_probe_vulnerabilities(ctx);
	hc_host_cmdline_probe(ctx);
	return TRUE;
}

static const char *const host_subsystems[] = {"cpu", NULL};

const HcProbeInfo hc_probe_host = {
    .name = "host",
    .description = "kernel identity, CPU vendor and microcode, vulnerabilities, command line",
    .ids = host_ids,
    .declare_ids = hc_host_cmdline_declare_ids,
    .subsystems = host_subsystems,
    .devnodes = NULL,
    .timeout_msec = 0,
    .flags = HC_PROBE_FLAG_FILES_ONLY,
    .run = hc_host_run,
};
