/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* catalogue validation: cross-file references, machine defaults, platform inheritance */

#include "hostcap/hc-error.h"

#include "hc-catalogue-private.h"
#include "hc-json-util.h"

static gboolean
hc_id_is_known(const char *id, const char *const *known)
{
	for (guint i = 0; known[i] != NULL; i++) {
		if (hc_capability_id_matches(id, known[i]))
			return TRUE;
	}
	return FALSE;
}

static gboolean
hc_validate_expr_ids(HcCatalogue *cat,
		     const HcExpr *expr,
		     const char *const *known,
		     const char *where,
		     GError **error)
{
	g_autoptr(GPtrArray) caps = hc_expr_get_capability_ids(expr);
	g_autoptr(GPtrArray) feats = hc_expr_get_feature_ids(expr);

	for (guint i = 0; known != NULL && i < caps->len; i++) {
		const char *id = g_ptr_array_index(caps, i);
		/* "x" stands for a pattern's {} when a pattern requirement is checked */
		if (!hc_id_is_known(id, known) && !g_str_has_suffix(id, ".x")) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_UNKNOWN_FEATURE,
				    "%s: names capability %s, which no probe declares",
				    where,
				    id);
			return FALSE;
		}
	}
	for (guint i = 0; i < feats->len; i++) {
		const char *id = g_ptr_array_index(feats, i);
		if (hc_catalogue_lookup_feature(cat, id) == NULL) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_UNKNOWN_FEATURE,
				    "%s: feature(\"%s\") names no catalogue feature",
				    where,
				    id);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
hc_validate_feature_refs(HcCatalogue *cat,
			 const HcFeatureDef *def,
			 const char *const *known,
			 GError **error)
{
	g_autofree char *where =
	    g_strdup_printf("%s: $.features[\"%s\"].requires", def->file, def->id);
	g_autoptr(HcExpr) sample = NULL;

	if (def->requires != NULL) {
		g_auto(GStrv) parts = g_strsplit(def->requires, "{}", -1);
		g_autofree char *text = g_strjoinv("x", parts);
		sample = hc_expr_parse(text, error);
		if (sample == NULL || !hc_validate_expr_ids(cat, sample, known, where, error))
			return FALSE;
	}
	if (def->migration_requires != NULL) {
		g_auto(GStrv) parts = g_strsplit(def->migration_requires, "{}", -1);
		g_autofree char *text = g_strjoinv("x", parts);
		g_autofree char *mwhere =
		    g_strdup_printf("%s: $.features[\"%s\"].migration_requires",
				    def->file,
				    def->id);
		g_autoptr(HcExpr) mexpr = hc_expr_parse(text, error);
		if (mexpr == NULL) {
			g_prefix_error(error, "%s: ", mwhere);
			return FALSE;
		}
		if (!hc_validate_expr_ids(cat, mexpr, known, mwhere, error))
			return FALSE;
	}
	if (def->effective_from != NULL) {
		g_autofree char *fwhere =
		    g_strdup_printf("%s: $.features[\"%s\"].effective_from", def->file, def->id);
		g_autoptr(HcExpr) fexpr = hc_expr_parse(def->effective_from, error);
		if (fexpr == NULL) {
			g_prefix_error(error, "%s: ", fwhere);
			return FALSE;
		}
		if (!hc_validate_expr_ids(cat, fexpr, known, fwhere, error))
			return FALSE;
	}
	if (def->filtered_unless != NULL &&
	    hc_catalogue_lookup_feature(cat, def->filtered_unless) == NULL) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_UNKNOWN_FEATURE,
			    "%s: $.features[\"%s\"].filtered_unless: no feature \"%s\"",
			    def->file,
			    def->id,
			    def->filtered_unless);
		return FALSE;
	}
	if (def->falls_back_with != NULL &&
	    hc_catalogue_lookup_feature(cat, def->falls_back_with) == NULL) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_UNKNOWN_FEATURE,
			    "%s: $.features[\"%s\"].falls_back_with: no feature \"%s\"",
			    def->file,
			    def->id,
			    def->falls_back_with);
		return FALSE;
	}
	if (def->blocks_migration_unless != NULL &&
	    hc_catalogue_lookup_feature(cat, def->blocks_migration_unless) == NULL) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_UNKNOWN_FEATURE,
			    "%s: $.features[\"%s\"].blocks_migration_unless: no feature \"%s\"",
			    def->file,
			    def->id,
			    def->blocks_migration_unless);
		return FALSE;
	}
	for (guint i = 0; i < def->applies_with->len; i++) {
		const char *id = g_ptr_array_index(def->applies_with, i);
		if (hc_catalogue_lookup_feature(cat, id) == NULL) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_UNKNOWN_FEATURE,
				    "%s: $.features[\"%s\"].applies_with[%u]: no feature \"%s\"",
				    def->file,
				    def->id,
				    i,
				    id);
			return FALSE;
		}
	}
	return TRUE;
}

/* a default or platform value must name a feature and fit its type */
static gboolean
hc_validate_feature_value(HcCatalogue *cat,
			  const char *file,
			  const char *path,
			  const char *id,
			  JsonNode *value,
			  GError **error)
{
	const HcFeatureDef *def = hc_catalogue_lookup_feature(cat, id);

	if (def == NULL) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_UNKNOWN_FEATURE,
			    "%s: %s: no feature \"%s\" in features.d",
			    file,
			    path,
			    id);
		return FALSE;
	}
	if (!hc_feature_check_value(def, value, path, error)) {
		g_prefix_error(error, "%s: ", file);
		return FALSE;
	}
	return TRUE;
}

static gboolean
hc_validate_defaults(HcCatalogue *cat,
		     const char *file,
		     const char *prefix,
		     GPtrArray *defaults,
		     GError **error)
{
	for (guint i = 0; i < defaults->len; i++) {
		HcMachineDefault *d = g_ptr_array_index(defaults, i);
		g_autofree char *path = g_strdup_printf("%s.defaults[%u].value", prefix, i);
		if (!hc_validate_feature_value(cat, file, path, d->feature, d->value, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
hc_validate_machines(HcCatalogue *cat, GError **error)
{
	GHashTableIter iter;
	gpointer val;

	if (!hc_catalogue_finish_machines(cat->machines, error))
		return FALSE;
	g_hash_table_iter_init(&iter, cat->machines);
	while (g_hash_table_iter_next(&iter, NULL, &val)) {
		HcMachineFamily *fam = val;
		if (!hc_validate_defaults(cat, fam->file, "$", fam->defaults, error))
			return FALSE;
		for (guint i = 0; i < fam->releases->len; i++) {
			HcMachineRelease *rel = g_ptr_array_index(fam->releases, i);
			g_autofree char *path = hc_json_path_member("$.families", fam->family);
			if (!hc_validate_defaults(cat, rel->file, path, rel->defaults, error))
				return FALSE;
		}
	}
	return TRUE;
}

/* copies the parent's features and requirements into @plat (the child's own values win) */
static gboolean
hc_resolve_platform(HcCatalogue *cat,
		    HcPlatform *plat,
		    GHashTable *done,
		    guint depth,
		    GError **error)
{
	HcPlatform *parent;
	GHashTableIter iter;
	gpointer key, val;

	if (plat->inherits == NULL || g_hash_table_contains(done, plat->name))
		return TRUE;
	parent = g_hash_table_lookup(cat->platforms, plat->inherits);
	if (parent == NULL || depth > 16) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: $.inherits: %s \"%s\"",
			    plat->file,
			    parent == NULL ? "no platform" : "inheritance loop through",
			    plat->inherits);
		return FALSE;
	}
	if (!hc_resolve_platform(cat, parent, done, depth + 1, error))
		return FALSE;
	g_hash_table_iter_init(&iter, parent->features);
	while (g_hash_table_iter_next(&iter, &key, &val)) {
		if (!g_hash_table_contains(plat->features, key))
			g_hash_table_insert(plat->features, g_strdup(key), json_node_copy(val));
	}
	for (guint i = 0; i < parent->requires->len; i++) {
		const HcExpr *e = g_ptr_array_index(parent->requires, i);
		g_ptr_array_add(plat->requires, hc_expr_parse(hc_expr_get_text(e), NULL));
	}
	g_hash_table_add(done, plat->name);
	return TRUE;
}

static gboolean
hc_validate_platform(HcCatalogue *cat, HcPlatform *plat, const char *const *known, GError **error)
{
	GHashTableIter iter;
	gpointer key, val;

	g_hash_table_iter_init(&iter, plat->features);
	while (g_hash_table_iter_next(&iter, &key, &val)) {
		g_autofree char *path = hc_json_path_member("$.features", key);
		if (!hc_validate_feature_value(cat, plat->file, path, key, val, error))
			return FALSE;
	}
	for (guint i = 0; i < plat->requires->len; i++) {
		g_autofree char *where = g_strdup_printf("%s: $.requires[%u]", plat->file, i);
		if (!hc_validate_expr_ids(cat,
					  g_ptr_array_index(plat->requires, i),
					  known,
					  where,
					  error))
			return FALSE;
	}
	/* a platform pins every host-dependent default, or it would not fix the guest ABI */
	g_hash_table_iter_init(&iter, cat->features);
	while (g_hash_table_iter_next(&iter, &key, &val)) {
		const HcFeatureDef *def = val;
		if (def->platform_dependent && !g_hash_table_contains(plat->features, key)) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "%s: $.features: the platform does not pin host-dependent "
				    "feature \"%s\"",
				    plat->file,
				    (const char *)key);
			return FALSE;
		}
	}
	return TRUE;
}

gboolean
hc_catalogue_validate(HcCatalogue *cat, const char *const *known, GError **error)
{
	g_autoptr(GHashTable) done = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTableIter iter;
	gpointer val;

	g_hash_table_iter_init(&iter, cat->features);
	while (g_hash_table_iter_next(&iter, NULL, &val)) {
		HcFeatureDef *def = val;
		if (def->is_pattern)
			g_ptr_array_add(cat->patterns, def);
	}
	g_hash_table_iter_init(&iter, cat->features);
	while (g_hash_table_iter_next(&iter, NULL, &val)) {
		if (!hc_validate_feature_refs(cat, val, known, error))
			return FALSE;
	}
	if (!hc_validate_machines(cat, error) ||
	    !hc_catalogue_finish_cpu_models(cat->cpu_models, error))
		return FALSE;
	g_hash_table_iter_init(&iter, cat->platforms);
	while (g_hash_table_iter_next(&iter, NULL, &val)) {
		if (!hc_resolve_platform(cat, val, done, 0, error))
			return FALSE;
	}
	g_hash_table_iter_init(&iter, cat->platforms);
	while (g_hash_table_iter_next(&iter, NULL, &val)) {
		if (!hc_validate_platform(cat, val, known, error))
			return FALSE;
	}
	return TRUE;
}
