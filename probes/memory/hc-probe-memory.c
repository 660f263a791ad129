/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * memory probe: what guest RAM can be backed by on this host.
 *
 * Interfaces: /proc/meminfo (Documentation/filesystems/proc.rst), the sysctls
 * vm.overcommit_memory, vm.overcommit_ratio, vm.overcommit_kbytes, vm.memfd_noexec
 * (Documentation/admin-guide/sysctl/vm.rst), memfd_create(2), transparent hugepages
 * (/sys/kernel/mm/transparent_hugepage, Documentation/admin-guide/mm/transhuge.rst), KSM
 * (/sys/kernel/mm/ksm/run, Documentation/admin-guide/mm/ksm.rst). Hugepages and hugetlbfs
 * live in hc-memory-hugepages.c.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hc-memory-hugepages.h"
#include "hc-probe-memory.h"
#include "common/hc-probe-sysctl.h"

/* /proc/meminfo lines, in kB */
static const struct {
	const char *key;
	const char *id;
} hc_meminfo_keys[] = {
    {"MemTotal", "mem.total_kib"},
    {"MemAvailable", "mem.available_kib"},
    {"SwapTotal", "mem.swap_total_kib"},
    {"CommitLimit", "mem.commit_limit_kib"},
    {"Committed_AS", "mem.committed_as_kib"},
    {"Hugepagesize", "mem.hugepages.default_kib"},
};

static const struct {
	const char *id;
	const char *path;
} hc_memory_sysctls[] = {
    {"vm.overcommit_memory", "/proc/sys/vm/overcommit_memory"},
    {"vm.overcommit_ratio", "/proc/sys/vm/overcommit_ratio"},
    {"vm.overcommit_kbytes", "/proc/sys/vm/overcommit_kbytes"},
    {"vm.memfd_noexec", "/proc/sys/vm/memfd_noexec"},
};

/* the bracketed choice in a sysfs selector ("always [madvise] never"); values in @off mean
 * the mechanism is switched off */
static const struct {
	const char *id;
	const char *path;
	const char *off;
} hc_thp_knobs[] = {
    {"mem.thp.enabled", "/sys/kernel/mm/transparent_hugepage/enabled", "never"},
    {"mem.thp.defrag", "/sys/kernel/mm/transparent_hugepage/defrag", NULL},
    {"mem.thp.shmem_enabled", "/sys/kernel/mm/transparent_hugepage/shmem_enabled", "never deny"},
};

static const char *const hc_probe_memory_ids[] = {
    "mem.total_kib",
    "mem.available_kib",
    "mem.swap_total_kib",
    "mem.commit_limit_kib",
    "mem.committed_as_kib",
    "vm.overcommit_memory",
    "vm.overcommit_ratio",
    "vm.overcommit_kbytes",
    "vm.memfd_noexec",
    "mem.memfd",
    "mem.memfd.hugetlb",
    "mem.thp.enabled",
    "mem.thp.defrag",
    "mem.thp.shmem_enabled",
    "mem.ksm.run",
    "mem.hugepages.default_kib",
    "mem.hugepages.sizes",
    "mem.hugetlbfs.mounts",
    NULL,
};

static void
hc_memory_check_meminfo(HcProbeContext *ctx)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *contents = NULL;
	g_auto(GStrv) lines = NULL;

	if (!hc_probe_context_read_file(ctx, "/proc/meminfo", &contents, NULL, &error)) {
		for (guint i = 0; i < G_N_ELEMENTS(hc_meminfo_keys); i++)
			hc_probe_report(ctx,
					hc_meminfo_keys[i].id,
					HC_CAP_STATE_UNKNOWN,
					NULL,
					"%s",
					error->message);
		return;
	}
	lines = g_strsplit(contents, "\n", -1);
	for (guint i = 0; i < G_N_ELEMENTS(hc_meminfo_keys); i++) {
		gsize keylen = strlen(hc_meminfo_keys[i].key);
		gboolean found = FALSE;

		for (guint l = 0; lines[l] != NULL && !found; l++) {
			char *end = NULL;
			gint64 kib;

			if (strncmp(lines[l], hc_meminfo_keys[i].key, keylen) != 0 ||
			    lines[l][keylen] != ':')
				continue;
			found = TRUE;
			kib = g_ascii_strtoll(lines[l] + keylen + 1, &end, 10);
			if (end == lines[l] + keylen + 1) {
				hc_probe_report(ctx,
						hc_meminfo_keys[i].id,
						HC_CAP_STATE_UNKNOWN,
						NULL,
						"/proc/meminfo: cannot parse \"%s\"",
						lines[l]);
				continue;
			}
			hc_probe_report_int(ctx,
					    hc_meminfo_keys[i].id,
					    HC_CAP_STATE_SUPPORTED,
					    kib,
					    "/proc/meminfo: %s %" G_GINT64_FORMAT " kB",
					    hc_meminfo_keys[i].key,
					    kib);
		}
		if (!found)
			hc_probe_report(ctx,
					hc_meminfo_keys[i].id,
					HC_CAP_STATE_UNSUPPORTED,
					NULL,
					"/proc/meminfo: no %s line",
					hc_meminfo_keys[i].key);
	}
}

/* "always [madvise] never" -> "madvise"; NULL when nothing is bracketed */
static char *
hc_memory_bracketed(const char *line)
{
	const char *open = strchr(line, '[');
	const char *close = open != NULL ? strchr(open, ']') : NULL;

	if (close == NULL)
		return NULL;
	return g_strndup(open + 1, close - open - 1);
}

static void
hc_memory_check_thp(HcProbeContext *ctx)
{
	for (guint i = 0; i < G_N_ELEMENTS(hc_thp_knobs); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree char *line = NULL;
		g_autofree char *value = NULL;
		g_auto(GStrv) off = NULL;
		HcCapState state = HC_CAP_STATE_SUPPORTED;

		if (!hc_probe_context_exists(ctx, hc_thp_knobs[i].path)) {
			hc_probe_report(ctx,
					hc_thp_knobs[i].id,
					HC_CAP_STATE_UNSUPPORTED,
					NULL,
					"%s: %s",
					hc_thp_knobs[i].path,
					g_strerror(ENOENT));
			continue;
		}
		line = hc_probe_context_read_line(ctx, hc_thp_knobs[i].path, &error);
		if (line == NULL) {
			hc_probe_report(ctx,
					hc_thp_knobs[i].id,
					HC_CAP_STATE_UNKNOWN,
					NULL,
					"%s",
					error->message);
			continue;
		}
		value = hc_memory_bracketed(line);
		if (value == NULL) {
			hc_probe_report(ctx,
					hc_thp_knobs[i].id,
					HC_CAP_STATE_UNKNOWN,
					NULL,
					"%s: no [selected] value in \"%s\"",
					hc_thp_knobs[i].path,
					line);
			continue;
		}
		off = g_strsplit(hc_thp_knobs[i].off != NULL ? hc_thp_knobs[i].off : "", " ", -1);
		if (g_strv_contains((const char *const *)off, value))
			state = HC_CAP_STATE_DISABLED;
		hc_probe_report_string(ctx,
				       hc_thp_knobs[i].id,
				       state,
				       value,
				       "%s: [%s]",
				       hc_thp_knobs[i].path,
				       value);
	}
}

static void
hc_memory_check_ksm(HcProbeContext *ctx)
{
	const char *path = "/sys/kernel/mm/ksm/run";
	g_autoptr(GError) error = NULL;
	gint64 run = 0;

	if (!hc_probe_context_exists(ctx, path)) {
		hc_probe_report(ctx,
				"mem.ksm.run",
				HC_CAP_STATE_UNSUPPORTED,
				NULL,
				"%s: %s",
				path,
				g_strerror(ENOENT));
		return;
	}
	if (!hc_probe_context_read_int(ctx, path, &run, &error)) {
		hc_probe_report(ctx,
				"mem.ksm.run",
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"%s",
				error->message);
		return;
	}
	/* 0 = stopped, 1 = merging, 2 = unmerge everything */
	hc_probe_report_int(ctx,
			    "mem.ksm.run",
			    run == 1 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_DISABLED,
			    run,
			    "%s: %" G_GINT64_FORMAT,
			    path,
			    run);
}

static void
hc_memory_check_memfd(HcProbeContext *ctx)
{
	int fd = memfd_create("hostcapd-probe", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	int err = errno;

	if (fd < 0) {
		hc_probe_report_bool(ctx,
				     "mem.memfd",
				     err == ENOSYS ? HC_CAP_STATE_UNSUPPORTED
						   : HC_CAP_STATE_UNKNOWN,
				     FALSE,
				     "memfd_create(MFD_CLOEXEC|MFD_ALLOW_SEALING): %s",
				     g_strerror(err));
		return;
	}
	close(fd);
	hc_probe_report_bool(ctx,
			     "mem.memfd",
			     HC_CAP_STATE_SUPPORTED,
			     TRUE,
			     "memfd_create(MFD_CLOEXEC|MFD_ALLOW_SEALING): ok");
}

static gboolean
hc_probe_memory_run(HcProbeContext *ctx, GError **error)
{
	hc_memory_check_meminfo(ctx);
	for (guint i = 0; i < G_N_ELEMENTS(hc_memory_sysctls); i++)
		hc_probe_report_sysctl(ctx,
				       hc_memory_sysctls[i].id,
				       hc_memory_sysctls[i].path,
				       NULL);
	hc_memory_check_memfd(ctx);
	hc_memory_check_thp(ctx);
	hc_memory_check_ksm(ctx);
	hc_memory_check_hugepages(ctx);
	return TRUE;
}

static const char *const hc_probe_memory_subsystems[] = {"memory", NULL};

const HcProbeInfo hc_probe_memory = {
    .name = "memory",
    .description = "host memory, overcommit, hugepages per size and NUMA node, hugetlbfs "
		   "mounts, memfd, THP and KSM",
    .ids = hc_probe_memory_ids,
    .subsystems = hc_probe_memory_subsystems,
    .timeout_msec = 3000,
    .flags = HC_PROBE_FLAG_NONE,
    .run = hc_probe_memory_run,
};
