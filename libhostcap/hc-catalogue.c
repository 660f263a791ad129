/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* catalogue loading: data roots with per-file-name override, the files' hash; validation is in
 * hc-catalogue-validate.c, lookups in hc-catalogue-lookup.c */

#include <string.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-catalogue-private.h"
#include "hc-data-dirs.h"
#include "hc-json-util.h"

typedef gboolean (*HcParseFunc)(const char *file,
				JsonObject *root,
				GHashTable *out,
				GError **error);

static const struct {
	const char *subdir;
	gsize offset;
	HcParseFunc parse;
} hc_catalogue_parts[] = {
    {"features.d", G_STRUCT_OFFSET(HcCatalogue, features), hc_catalogue_parse_features},
    {"machines.d", G_STRUCT_OFFSET(HcCatalogue, machines), hc_catalogue_parse_machines},
    {"platforms.d", G_STRUCT_OFFSET(HcCatalogue, platforms), hc_catalogue_parse_platform},
    {"cpu-models.d", G_STRUCT_OFFSET(HcCatalogue, cpu_models), hc_catalogue_parse_cpu_models},
};

/* catalogue files are small; this only keeps a runaway file from eating memory */
#define HC_CATALOGUE_FILE_MAX (4 * 1024 * 1024)

HcCatalogue *
hc_catalogue_ref(HcCatalogue *cat)
{
	g_atomic_int_inc(&cat->ref);
	return cat;
}

void
hc_catalogue_unref(HcCatalogue *cat)
{
	if (cat == NULL || !g_atomic_int_dec_and_test(&cat->ref))
		return;
	g_hash_table_unref(cat->features);
	g_ptr_array_unref(cat->patterns);
	g_hash_table_unref(cat->machines);
	g_hash_table_unref(cat->platforms);
	g_hash_table_unref(cat->cpu_models);
	g_hash_table_unref(cat->instances);
	g_clear_pointer(&cat->model_list, g_ptr_array_unref);
	g_clear_pointer(&cat->by_qemu, g_hash_table_unref);
	g_mutex_clear(&cat->lock);
	g_hash_table_unref(cat->derived);
	g_mutex_clear(&cat->derived_lock);
	g_free(cat->hash);
	g_free(cat);
}

const char *
hc_catalogue_get_hash(HcCatalogue *cat)
{
	return cat->hash;
}

static HcCatalogue *
hc_catalogue_new(void)
{
	HcCatalogue *cat = g_new0(HcCatalogue, 1);
	cat->ref = 1;
	cat->features = g_hash_table_new_full(g_str_hash,
					      g_str_equal,
					      NULL,
					      (GDestroyNotify)hc_feature_def_free);
	cat->patterns = g_ptr_array_new();
	cat->machines = g_hash_table_new_full(g_str_hash,
					      g_str_equal,
					      NULL,
					      (GDestroyNotify)hc_machine_family_free);
	cat->platforms =
	    g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)hc_platform_free);
	cat->cpu_models =
	    g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)hc_cpu_model_free);
	cat->instances =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)hc_expr_free);
	g_mutex_init(&cat->lock);
	cat->derived = g_hash_table_new_full(g_str_hash,
					     g_str_equal,
					     g_free,
					     (GDestroyNotify)g_ptr_array_unref);
	g_mutex_init(&cat->derived_lock);
	return cat;
}

/* name → full path of every *.json in <root>/<subdir>, later roots winning */
static gboolean
hc_collect_files(const char *const *dirs, const char *subdir, GHashTable *files, GError **error)
{
	for (guint i = 0; dirs != NULL && dirs[i] != NULL; i++) {
		g_autofree char *path = g_build_filename(dirs[i], subdir, NULL);
		g_autoptr(GDir) dir = NULL;
		g_autoptr(GError) local = NULL;
		const char *name;

		dir = g_dir_open(path, 0, &local);
		if (dir == NULL) {
			if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
				continue;
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INTERNAL,
				    "%s: %s",
				    path,
				    local->message);
			return FALSE;
		}
		while ((name = g_dir_read_name(dir)) != NULL) {
			if (!g_str_has_suffix(name, ".json") || name[0] == '.')
				continue;
			g_hash_table_replace(files,
					     g_strdup(name),
					     g_build_filename(path, name, NULL));
		}
	}
	return TRUE;
}

/* the files of @part read and hashed in load order, then parsed into @cat (NULL = hash only) */
static gboolean
hc_load_part(HcCatalogue *cat, const char *const *dirs, guint part, GChecksum *sum, GError **error)
{
	g_autoptr(GHashTable) files =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GList) names = NULL;

	if (!hc_collect_files(dirs, hc_catalogue_parts[part].subdir, files, error))
		return FALSE;
	names = g_list_sort(g_hash_table_get_keys(files), (GCompareFunc)g_strcmp0);
	for (GList *l = names; l != NULL; l = l->next) {
		const char *path = g_hash_table_lookup(files, l->data);
		g_autofree char *data = NULL;
		g_autoptr(GError) local = NULL;
		g_autoptr(JsonNode) root = NULL;
		GHashTable *out;
		gsize len = 0;

		if (!g_file_get_contents(path, &data, &len, &local)) {
			g_set_error(error, HC_ERROR, HC_ERROR_INTERNAL, "%s", local->message);
			return FALSE;
		}
		g_checksum_update(sum, (const guchar *)hc_catalogue_parts[part].subdir, -1);
		g_checksum_update(sum, (const guchar *)"/", 1);
		g_checksum_update(sum, (const guchar *)l->data, (gssize)strlen(l->data) + 1);
		g_checksum_update(sum, (const guchar *)data, (gssize)len);
		g_checksum_update(sum, (const guchar *)"", 1);
		if (cat == NULL)
			continue;
		out = G_STRUCT_MEMBER(GHashTable *, cat, hc_catalogue_parts[part].offset);
		root =
		    hc_json_parse_strict(data, len, HC_CATALOGUE_FILE_MAX, HC_LIMIT_NESTING, error);
		if (root == NULL ||
		    !hc_catalogue_parts[part].parse(path, json_node_get_object(root), out, error)) {
			g_prefix_error(error, "%s: ", path);
			return FALSE;
		}
	}
	return TRUE;
}

HcCatalogue *
hc_catalogue_load_full(const char *const *dirs, const char *const *known_ids, GError **error)
{
	g_autoptr(HcCatalogue) cat = hc_catalogue_new();
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);

	for (guint i = 0; i < G_N_ELEMENTS(hc_catalogue_parts); i++) {
		if (!hc_load_part(cat, dirs, i, sum, error))
			return NULL;
	}
	if (!hc_catalogue_validate(cat, known_ids, error))
		return NULL;
	cat->hash = g_strdup_printf("sha256:%s", g_checksum_get_string(sum));
	return g_steal_pointer(&cat);
}

char *
hc_catalogue_hash_files(const char *const *dirs, GError **error)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);

	for (guint i = 0; i < G_N_ELEMENTS(hc_catalogue_parts); i++) {
		if (!hc_load_part(NULL, dirs, i, sum, error))
			return NULL;
	}
	return g_strdup_printf("sha256:%s", g_checksum_get_string(sum));
}

HcCatalogue *
hc_catalogue_load(const char *const *dirs, GError **error)
{
	return hc_catalogue_load_full(dirs, NULL, error);
}

const char *const hc_catalogue_dynamic_prefixes[] = {
    "cpu.feature.",
    "mem.hugepages.",
    "mem.memfd.hugetlb.",
    "uffd.feature.",
    "vfio.dev.",
    "site.",
    NULL,
};

HcCatalogue *
hc_catalogue_load_for_probes(const char *const *dirs,
			     const HcProbeInfo *const *probes,
			     guint n_probes,
			     GError **error)
{
	g_autoptr(GPtrArray) known = g_ptr_array_new_with_free_func(g_free);
	HcCatalogue *cat;

	for (guint i = 0; i < n_probes; i++) {
		g_autoptr(GPtrArray) ids = hc_probe_info_get_ids(probes[i]);
		for (guint j = 0; j < ids->len; j++)
			g_ptr_array_add(known, g_strdup(g_ptr_array_index(ids, j)));
	}
	for (guint i = 0; hc_catalogue_dynamic_prefixes[i] != NULL; i++)
		g_ptr_array_add(known, g_strdup(hc_catalogue_dynamic_prefixes[i]));
	g_ptr_array_add(known, NULL);
	cat = hc_catalogue_load_full(dirs, (const char *const *)known->pdata, error);
	if (cat != NULL && g_hash_table_size(cat->features) == 0) {
		/* no features.d anywhere: every check would fail on its first feature id */
		g_autofree char *where = hc_data_dirs_join(dirs);
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "no feature catalogue under %s; pass --data-dir or install the data",
			    where);
		g_clear_pointer(&cat, hc_catalogue_unref);
	}
	return cat;
}
