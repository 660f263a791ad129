/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * /proc/cmdline (Documentation/admin-guide/kernel-parameters.txt): the boot flags that change
 * what the KVM, CPUID, hugepage and IOMMU probes see, reported as host.cmdline.<flag>, plus
 * kvm/kvm_intel/kvm_amd/iommu module parameters as host.cmdline.<module>.<param>.
 */
#include <string.h>

#include "hc-host-cmdline.h"

/* command-line flags that change what KVM, CPUID, hugepage or IOMMU probes see; a flag
 * given several times keeps every value (hugepagesz=2M hugepagesz=1G) */
static const struct {
	const char *flag;
	gboolean multi;
} host_cmdline_flags[] = {
    {"tsx", FALSE},
    {"mitigations", FALSE},
    {"nosmt", FALSE},
    {"spectre_v2", FALSE},
    {"spec_store_bypass_disable", FALSE},
    {"hugepagesz", TRUE},
    {"hugepages", TRUE},
    {"default_hugepagesz", FALSE},
    {"transparent_hugepage", FALSE},
    {"iommu", FALSE},
    {"intel_iommu", FALSE},
    {"amd_iommu", FALSE},
    {"mem_encrypt", FALSE},
    {"tsc", FALSE},
    {"clocksource", FALSE},
    {"nox2apic", FALSE},
};

/* module parameters given on the command line: reported as host.cmdline.<module>.<param> */
static const char *const host_cmdline_module_prefixes[] = {"kvm", "kvm_intel", "kvm_amd", "iommu"};

void
hc_host_cmdline_declare_ids(GPtrArray *ids)
{
	for (guint i = 0; i < G_N_ELEMENTS(host_cmdline_flags); i++)
		g_ptr_array_add(ids,
				g_strdup_printf("host.cmdline.%s", host_cmdline_flags[i].flag));
}

/* "kvm-intel.nested" -> "kvm_intel.nested"; NULL when the module is not one we track or
 * the result is not a valid id component */
static char *
hc_host_cmdline_module_param(const char *key)
{
	g_autofree char *norm = g_ascii_strdown(key, -1);
	char *dot;

	for (char *c = norm; *c != '\0'; c++) {
		if (*c == '-')
			*c = '_';
	}
	dot = strchr(norm, '.');
	if (dot == NULL || dot[1] == '\0')
		return NULL;
	*dot = '\0';
	if (!g_strv_contains(host_cmdline_module_prefixes, norm))
		return NULL;
	*dot = '.';
	return g_strdup_printf("host.cmdline.%s", norm);
}

static GHashTable *
hc_host_cmdline_collect(const char *cmdline)
{
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash,
							   g_str_equal,
							   g_free,
							   (GDestroyNotify)g_ptr_array_unref);
	g_auto(GStrv) words = NULL;

	/* quoting as the kernel does it ("param=\"a b\""); fall back to plain words */
	if (!g_shell_parse_argv(cmdline, NULL, &words, NULL))
		words = g_strsplit_set(cmdline, " \t\n", -1);
	for (guint i = 0; words[i] != NULL; i++) {
		const char *eq = strchr(words[i], '=');
		g_autofree char *key = NULL;
		GPtrArray *vals;

		/* everything after "--" belongs to init */
		if (g_strcmp0(words[i], "--") == 0)
			break;
		if (words[i][0] == '\0')
			continue;
		key = eq != NULL ? g_strndup(words[i], eq - words[i]) : g_strdup(words[i]);
		vals = g_hash_table_lookup(seen, key);
		if (vals == NULL) {
			vals = g_ptr_array_new_with_free_func(g_free);
			g_hash_table_insert(seen, g_strdup(key), vals);
		}
		g_ptr_array_add(vals, g_strdup(eq != NULL ? eq + 1 : ""));
	}
	return g_steal_pointer(&seen);
}

void
hc_host_cmdline_probe(HcProbeContext *ctx)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *cmdline = hc_probe_context_read_line(ctx, "/proc/cmdline", &error);
	g_autoptr(GHashTable) seen = NULL;
	GHashTableIter iter;
	gpointer key, value;

	for (guint i = 0; cmdline == NULL && i < G_N_ELEMENTS(host_cmdline_flags); i++) {
		g_autofree char *id =
		    g_strdup_printf("host.cmdline.%s", host_cmdline_flags[i].flag);

		hc_probe_report(ctx, id, HC_CAP_STATE_UNKNOWN, NULL, "%s", error->message);
	}
	if (cmdline == NULL)
		return;
	seen = hc_host_cmdline_collect(cmdline);
	for (guint i = 0; i < G_N_ELEMENTS(host_cmdline_flags); i++) {
		const char *flag = host_cmdline_flags[i].flag;
		g_autofree char *id = g_strdup_printf("host.cmdline.%s", flag);
		GPtrArray *vals = g_hash_table_lookup(seen, flag);

		if (vals == NULL) {
			hc_probe_report(ctx,
					id,
					HC_CAP_STATE_UNSUPPORTED,
					NULL,
					"/proc/cmdline: no %s parameter (kernel default applies)",
					flag);
		} else if (host_cmdline_flags[i].multi) {
			hc_probe_report(
			    ctx,
			    id,
			    HC_CAP_STATE_SUPPORTED,
			    g_variant_new_strv((const char *const *)vals->pdata, vals->len),
			    "/proc/cmdline: %s given %u times",
			    flag,
			    vals->len);
		} else {
			/* the kernel's parser keeps the last occurrence */
			hc_probe_report_string(ctx,
					       id,
					       HC_CAP_STATE_SUPPORTED,
					       g_ptr_array_index(vals, vals->len - 1),
					       "/proc/cmdline: %s",
					       flag);
		}
	}
	g_hash_table_iter_init(&iter, seen);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		GPtrArray *vals = value;
		g_autofree char *id = hc_host_cmdline_module_param(key);

		if (id == NULL || !hc_capability_id_is_valid(id) ||
		    hc_probe_context_has_reported(ctx, id))
			continue;
		hc_probe_report_string(ctx,
				       id,
				       HC_CAP_STATE_SUPPORTED,
				       g_ptr_array_index(vals, vals->len - 1),
				       "/proc/cmdline: %s",
				       (const char *)key);
	}
}
