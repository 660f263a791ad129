/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* a fleet of host snapshots, grouped by fingerprint as they are read */

#include <errno.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-fleet.h"

struct _HcFleet {
	GPtrArray *groups;	 /* HcFleetGroup*, owned */
	GHashTable *by_print;	 /* fingerprint → HcFleetGroup* (borrowed) */
	GHashTable *by_snapshot; /* representative HcSnapshot* → HcFleetGroup* (borrowed) */
	guint n_hosts;
};

static void
hc_fleet_group_free(HcFleetGroup *group)
{
	g_free(group->name);
	hc_snapshot_unref(group->snapshot);
	g_ptr_array_unref(group->hosts);
	g_free(group);
}

HcFleet *
hc_fleet_new(void)
{
	HcFleet *fleet = g_new0(HcFleet, 1);

	fleet->groups = g_ptr_array_new_with_free_func((GDestroyNotify)hc_fleet_group_free);
	fleet->by_print = g_hash_table_new(g_str_hash, g_str_equal);
	fleet->by_snapshot = g_hash_table_new(g_direct_hash, g_direct_equal);
	return fleet;
}

void
hc_fleet_free(HcFleet *fleet)
{
	if (fleet == NULL)
		return;
	g_hash_table_unref(fleet->by_print);
	g_hash_table_unref(fleet->by_snapshot);
	g_ptr_array_unref(fleet->groups);
	g_free(fleet);
}

void
hc_fleet_add(HcFleet *fleet, HcSnapshot *snap)
{
	const char *print = hc_snapshot_get_fingerprint(snap);
	HcFleetGroup *group = g_hash_table_lookup(fleet->by_print, print);

	fleet->n_hosts++;
	if (group == NULL) {
		group = g_new0(HcFleetGroup, 1);
		group->name = g_strdup_printf("g%u", fleet->groups->len + 1);
		group->snapshot = hc_snapshot_ref(snap);
		group->hosts = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(fleet->groups, group);
		/* the key lives as long as the representative's cached fingerprint */
		g_hash_table_insert(fleet->by_print, (gpointer)print, group);
		g_hash_table_insert(fleet->by_snapshot, snap, group);
	}
	g_ptr_array_add(group->hosts, g_strdup(hc_host_label(snap)));
}

static gboolean
hc_fleet_add_text(HcFleet *fleet, const char *text, gsize len, GError **error)
{
	g_autoptr(HcSnapshot) snap = hc_snapshot_from_json(text, len, error);

	if (snap == NULL)
		return FALSE;
	hc_fleet_add(fleet, snap);
	return TRUE;
}

/* one snapshot per line; blank lines are skipped */
static gboolean
hc_fleet_add_lines(HcFleet *fleet, FILE *f, const char *name, GError **error)
{
	g_autofree char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	guint lineno = 0;

	errno = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && g_ascii_isspace(line[n - 1]))
			n--;
		if (n == 0)
			continue;
		if ((gsize)n > HC_LIMIT_SNAPSHOT_BYTES) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "%s line %u: over the snapshot limit of %u bytes",
				    name,
				    lineno,
				    HC_LIMIT_SNAPSHOT_BYTES);
			return FALSE;
		}
		if (!hc_fleet_add_text(fleet, line, (gsize)n, error)) {
			g_prefix_error(error, "%s line %u: ", name, lineno);
			return FALSE;
		}
	}
	if (ferror(f)) {
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(errno),
			    "read %s: %s",
			    name,
			    g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

static gboolean
hc_fleet_add_jsonl_file(HcFleet *fleet, const char *path, GError **error)
{
	FILE *f = fopen(path, "re");
	gboolean ok;

	if (f == NULL) {
		int e = errno;
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(e),
			    "open %s: %s",
			    path,
			    g_strerror(e));
		return FALSE;
	}
	ok = hc_fleet_add_lines(fleet, f, path, error);
	fclose(f);
	return ok;
}

static gboolean
hc_fleet_add_file(HcFleet *fleet, const char *path, GError **error)
{
	g_autoptr(HcSnapshot) snap = NULL;

	if (g_str_has_suffix(path, ".jsonl"))
		return hc_fleet_add_jsonl_file(fleet, path, error);
	snap = hc_snapshot_load_file(path, error);
	if (snap == NULL)
		return FALSE;
	hc_fleet_add(fleet, snap);
	return TRUE;
}

static gint
hc_fleet_compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static gboolean
hc_fleet_add_dir(HcFleet *fleet, const char *path, GError **error)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, error);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const char *name;

	if (dir == NULL)
		return FALSE;
	while ((name = g_dir_read_name(dir)) != NULL) {
		if (name[0] != '.' &&
		    (g_str_has_suffix(name, ".json") || g_str_has_suffix(name, ".jsonl")))
			g_ptr_array_add(names, g_strdup(name));
	}
	g_ptr_array_sort(names, hc_fleet_compare_names);
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *file = g_build_filename(path, g_ptr_array_index(names, i), NULL);
		if (!hc_fleet_add_file(fleet, file, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
hc_fleet_add_path(HcFleet *fleet, const char *path, GError **error)
{
	if (g_strcmp0(path, "-") == 0)
		return hc_fleet_add_lines(fleet, stdin, "stdin", error);
	if (g_file_test(path, G_FILE_TEST_IS_DIR))
		return hc_fleet_add_dir(fleet, path, error);
	return hc_fleet_add_file(fleet, path, error);
}

guint
hc_fleet_get_n_hosts(HcFleet *fleet)
{
	return fleet->n_hosts;
}

GPtrArray *
hc_fleet_get_groups(HcFleet *fleet)
{
	return fleet->groups;
}

const HcFleetGroup *
hc_fleet_lookup_group(HcFleet *fleet, HcSnapshot *snap)
{
	return g_hash_table_lookup(fleet->by_snapshot, snap);
}

GPtrArray *
hc_fleet_dup_representatives(HcFleet *fleet)
{
	GPtrArray *reps = g_ptr_array_new_with_free_func((GDestroyNotify)hc_snapshot_unref);

	for (guint i = 0; i < fleet->groups->len; i++) {
		HcFleetGroup *group = g_ptr_array_index(fleet->groups, i);
		g_ptr_array_add(reps, hc_snapshot_ref(group->snapshot));
	}
	return reps;
}
