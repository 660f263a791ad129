/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* catalogue lookups: features (patterns instantiated per id), groups, machines, platforms, cpu
 * models */

#include <string.h>

#include "hc-catalogue-private.h"
#include "hc-strutil.h"

const HcFeatureDef *
hc_catalogue_lookup_feature(HcCatalogue *cat, const char *id)
{
	const HcFeatureDef *best = NULL;
	const HcFeatureDef *def = g_hash_table_lookup(cat->features, id);

	if (def != NULL)
		return def;
	for (guint i = 0; i < cat->patterns->len; i++) {
		const HcFeatureDef *pat = g_ptr_array_index(cat->patterns, i);
		gsize plen = strlen(pat->id) - 1; /* keeps the '.' before '*' */
		if (strncmp(id, pat->id, plen) == 0 && id[plen] != '\0' &&
		    (best == NULL || strlen(best->id) < strlen(pat->id)))
			best = pat;
	}
	return best;
}

const HcExpr *
hc_catalogue_get_requires(HcCatalogue *cat, const HcFeatureDef *def, const char *id, GError **error)
{
	g_autoptr(GMutexLocker) locker = NULL;
	g_auto(GStrv) parts = NULL;
	g_autofree char *text = NULL;
	HcExpr *expr;

	if (!def->is_pattern || def->requires == NULL)
		return def->requires_expr;
	locker = g_mutex_locker_new(&cat->lock);
	expr = g_hash_table_lookup(cat->instances, id);
	if (expr != NULL)
		return expr;
	parts = g_strsplit(def->requires, "{}", -1);
	text = g_strjoinv((char *)hc_feature_property(def, id), parts);
	expr = hc_expr_parse(text, error);
	if (expr == NULL) {
		g_prefix_error(error, "requirement of %s: ", id);
		return NULL;
	}
	g_hash_table_insert(cat->instances, g_strdup(id), expr);
	return expr;
}

const HcExpr *
hc_catalogue_get_migration_requires(HcCatalogue *cat,
				    const HcFeatureDef *def,
				    const char *id,
				    GError **error)
{
	g_autoptr(GMutexLocker) locker = NULL;
	g_autofree char *key = NULL;
	g_auto(GStrv) parts = NULL;
	g_autofree char *text = NULL;
	HcExpr *expr;

	if (def->migration_requires == NULL)
		return NULL;
	/* instances of requires are keyed by the id; these by a prefix no id can have */
	key = g_strconcat("migration:", id, NULL);
	locker = g_mutex_locker_new(&cat->lock);
	expr = g_hash_table_lookup(cat->instances, key);
	if (expr != NULL)
		return expr;
	parts = g_strsplit(def->migration_requires, "{}", -1);
	text = g_strjoinv(def->is_pattern ? (char *)hc_feature_property(def, id) : "", parts);
	expr = hc_expr_parse(text, error);
	if (expr == NULL) {
		g_prefix_error(error, "migration requirement of %s: ", id);
		return NULL;
	}
	g_hash_table_insert(cat->instances, g_steal_pointer(&key), expr);
	return expr;
}

static GPtrArray *
hc_sorted_keys(GHashTable *table)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	GHashTableIter iter;
	gpointer key;

	g_hash_table_iter_init(&iter, table);
	while (g_hash_table_iter_next(&iter, &key, NULL))
		g_ptr_array_add(out, g_strdup(key));
	g_ptr_array_sort(out, hc_ptr_strcmp);
	return out;
}

/* borrowed values of @table, sorted by @cmp */
static GPtrArray *
hc_sorted_values(GHashTable *table, GCompareFunc cmp)
{
	GPtrArray *out = g_ptr_array_new();
	GHashTableIter iter;
	gpointer val;

	g_hash_table_iter_init(&iter, table);
	while (g_hash_table_iter_next(&iter, NULL, &val))
		g_ptr_array_add(out, val);
	g_ptr_array_sort(out, cmp);
	return out;
}

GPtrArray *
hc_catalogue_get_feature_ids(HcCatalogue *cat)
{
	return hc_sorted_keys(cat->features);
}

static gint
hc_feature_cmp(gconstpointer a, gconstpointer b)
{
	const HcFeatureDef *fa = *(HcFeatureDef *const *)a;
	const HcFeatureDef *fb = *(HcFeatureDef *const *)b;
	return strcmp(fa->id, fb->id);
}

GPtrArray *
hc_catalogue_list_features(HcCatalogue *cat)
{
	return hc_sorted_values(cat->features, hc_feature_cmp);
}

const HcFeatureDef *
hc_catalogue_lookup_qemu_property(HcCatalogue *cat, const char *qemu)
{
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cat->lock);

	if (cat->by_qemu == NULL) {
		g_autoptr(GPtrArray) defs = hc_sorted_values(cat->features, hc_feature_cmp);
		cat->by_qemu = g_hash_table_new(g_str_hash, g_str_equal);
		for (guint i = 0; i < defs->len; i++) {
			HcFeatureDef *def = g_ptr_array_index(defs, i);
			if (def->qemu != NULL && !def->is_pattern &&
			    !g_hash_table_contains(cat->by_qemu, def->qemu))
				g_hash_table_insert(cat->by_qemu, def->qemu, def);
		}
	}
	return g_hash_table_lookup(cat->by_qemu, qemu);
}

GPtrArray *
hc_catalogue_get_group(HcCatalogue *cat, const char *group)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	GHashTableIter iter;
	gpointer val;

	g_hash_table_iter_init(&iter, cat->features);
	while (g_hash_table_iter_next(&iter, NULL, &val)) {
		const HcFeatureDef *def = val;
		if (group != NULL && g_strcmp0(def->group, group) == 0)
			g_ptr_array_add(out, g_strdup(def->id));
	}
	g_ptr_array_sort(out, hc_ptr_strcmp);
	return out;
}

GPtrArray *
hc_catalogue_get_machine_names(HcCatalogue *cat)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	GHashTableIter iter;
	gpointer val;

	g_hash_table_iter_init(&iter, cat->machines);
	while (g_hash_table_iter_next(&iter, NULL, &val)) {
		const HcMachineFamily *fam = val;
		for (guint i = 0; i < fam->all_versions->len; i++) {
			g_ptr_array_add(
			    out,
			    g_strdup_printf("%s-%s",
					    fam->family,
					    (char *)g_ptr_array_index(fam->all_versions, i)));
		}
		for (guint i = 0; i < fam->aliases->len; i++)
			g_ptr_array_add(out, g_strdup(g_ptr_array_index(fam->aliases, i)));
	}
	g_ptr_array_sort(out, hc_ptr_strcmp);
	return out;
}

GPtrArray *
hc_catalogue_get_cpu_model_names(HcCatalogue *cat)
{
	return hc_sorted_keys(cat->cpu_models);
}

const HcMachineFamily *
hc_catalogue_resolve_machine(HcCatalogue *cat, const char *name, const char **version)
{
	GHashTableIter iter;
	gpointer val;

	g_hash_table_iter_init(&iter, cat->machines);
	while (g_hash_table_iter_next(&iter, NULL, &val)) {
		const HcMachineFamily *fam = val;
		gsize flen = strlen(fam->family);
		GPtrArray *versions = fam->all_versions;
		if (g_ptr_array_find_with_equal_func(fam->aliases, name, g_str_equal, NULL)) {
			*version = g_ptr_array_index(versions, versions->len - 1);
			return fam;
		}
		if (strncmp(name, fam->family, flen) != 0 || name[flen] != '-')
			continue;
		for (guint i = 0; i < versions->len; i++) {
			if (g_strcmp0(name + flen + 1, g_ptr_array_index(versions, i)) == 0) {
				*version = g_ptr_array_index(versions, i);
				return fam;
			}
		}
	}
	return NULL;
}

const HcPlatform *
hc_catalogue_lookup_platform(HcCatalogue *cat, const char *name)
{
	return g_hash_table_lookup(cat->platforms, name);
}

static gint
hc_platform_rank_cmp(gconstpointer a, gconstpointer b)
{
	const HcPlatform *pa = *(HcPlatform *const *)a;
	const HcPlatform *pb = *(HcPlatform *const *)b;
	if (pa->rank != pb->rank)
		return pa->rank > pb->rank ? -1 : 1;
	return strcmp(pa->name, pb->name);
}

GPtrArray *
hc_catalogue_list_platforms(HcCatalogue *cat)
{
	return hc_sorted_values(cat->platforms, hc_platform_rank_cmp);
}

const HcCpuModel *
hc_catalogue_lookup_cpu_model(HcCatalogue *cat, const char *name)
{
	const HcCpuModel *model = g_hash_table_lookup(cat->cpu_models, name);
	/* follow aliases ("EPYC" → "EPYC-v1") a few steps, never in a loop */
	for (guint i = 0; model != NULL && model->alias_of != NULL && i < 4; i++) {
		const HcCpuModel *target = g_hash_table_lookup(cat->cpu_models, model->alias_of);
		if (target == NULL)
			break;
		model = target;
	}
	return model;
}

static gint
hc_cpu_model_cmp_by_name(gconstpointer a, gconstpointer b)
{
	const HcCpuModel *ma = *(const HcCpuModel *const *)a;
	const HcCpuModel *mb = *(const HcCpuModel *const *)b;

	return g_strcmp0(ma->name, mb->name);
}

const GPtrArray *
hc_catalogue_get_cpu_models(HcCatalogue *cat)
{
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cat->lock);
	GHashTableIter iter;
	gpointer key;
	gpointer value;

	if (cat->model_list != NULL)
		return cat->model_list;
	cat->model_list = g_ptr_array_new();
	g_hash_table_iter_init(&iter, cat->cpu_models);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		const HcCpuModel *model = value;
		if (model->alias_of == NULL && g_strcmp0(model->name, key) == 0)
			g_ptr_array_add(cat->model_list, value);
	}
	g_ptr_array_sort(cat->model_list, hc_cpu_model_cmp_by_name);
	return cat->model_list;
}

guint
hc_catalogue_get_n_cpu_models(HcCatalogue *cat)
{
	return g_hash_table_size(cat->cpu_models);
}
