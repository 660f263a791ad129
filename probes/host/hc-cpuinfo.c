/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * /proc/cpuinfo parser (Documentation/filesystems/proc.rst): blocks of "key\t: value" lines
 * separated by blank lines, one block per logical cpu.
 */
#include "hc-cpuinfo.h"

#include <gio/gio.h>
#include <string.h>

HcCpuinfo *
hc_cpuinfo_parse(const char *contents, GError **error)
{
	g_autoptr(HcCpuinfo) info = g_new0(HcCpuinfo, 1);
	g_auto(GStrv) lines = g_strsplit(contents, "\n", -1);
	GHashTable *cur = NULL;

	info->cpus = g_ptr_array_new_with_free_func((GDestroyNotify)g_hash_table_unref);
	for (guint i = 0; lines[i] != NULL; i++) {
		const char *colon = strchr(lines[i], ':');
		g_autofree char *key = NULL;

		if (colon == NULL)
			continue;
		key = g_strstrip(g_strndup(lines[i], colon - lines[i]));
		if (g_strcmp0(key, "processor") == 0) {
			cur = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
			g_ptr_array_add(info->cpus, cur);
		}
		if (cur == NULL)
			continue;
		g_hash_table_replace(cur, g_steal_pointer(&key), g_strstrip(g_strdup(colon + 1)));
	}
	if (info->cpus->len == 0) {
		g_set_error_literal(error,
				    G_IO_ERROR,
				    G_IO_ERROR_INVALID_DATA,
				    "no \"processor\" line");
		return NULL;
	}
	return g_steal_pointer(&info);
}

HcCpuinfo *
hc_cpuinfo_load(HcProbeContext *ctx, GError **error)
{
	g_autofree char *contents = NULL;

	if (!hc_probe_context_read_file(ctx, "/proc/cpuinfo", &contents, NULL, error))
		return NULL;
	return hc_cpuinfo_parse(contents, error);
}

void
hc_cpuinfo_free(HcCpuinfo *info)
{
	if (info == NULL)
		return;
	if (info->cpus != NULL)
		g_ptr_array_unref(info->cpus);
	g_free(info);
}

const char *
hc_cpuinfo_get(const HcCpuinfo *info, const char *key)
{
	return g_hash_table_lookup(g_ptr_array_index(info->cpus, 0), key);
}

gboolean
hc_cpuinfo_has_flag(const HcCpuinfo *info, const char *flag)
{
	for (guint i = 0; i < info->cpus->len; i++) {
		const char *flags = g_hash_table_lookup(g_ptr_array_index(info->cpus, i), "flags");
		g_auto(GStrv) words = NULL;

		if (flags == NULL)
			return FALSE;
		words = g_strsplit(flags, " ", -1);
		if (!g_strv_contains((const char *const *)words, flag))
			return FALSE;
	}
	return TRUE;
}

GPtrArray *
hc_cpuinfo_distinct(const HcCpuinfo *info, const char *key)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < info->cpus->len; i++) {
		const char *val = g_hash_table_lookup(g_ptr_array_index(info->cpus, i), key);

		if (val == NULL)
			continue;
		if (!g_ptr_array_find_with_equal_func(out, val, g_str_equal, NULL))
			g_ptr_array_add(out, g_strdup(val));
	}
	return out;
}
