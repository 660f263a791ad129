/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* catalogue loading: data roots with per-file-name override, cross-file validation, hash */

#include <string.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-catalogue.h"
#include "hc-json-util.h"
#include "hc-strutil.h"

struct _HcCatalogue {
	gint ref;
	GHashTable *features;  /* id → HcFeatureDef (patterns included) */
	GPtrArray *patterns;   /* borrowed HcFeatureDef* whose id ends in ".*" */
	GHashTable *machines;  /* family → HcMachineFamily */
	GHashTable *platforms; /* name → HcPlatform */
	GHashTable *cpu_models;
	char *hash;
	GMutex lock;	       /* guards instances and model_list */
	GHashTable *instances; /* feature id → HcExpr, for pattern features */
	GPtrArray *model_list; /* borrowed HcCpuModel*, no aliases, by name; built when asked */
};

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
	g_mutex_clear(&cat->lock);
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
hc_check_expr_ids(HcCatalogue *cat,
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
hc_check_feature_refs(HcCatalogue *cat,
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
		if (sample == NULL || !hc_check_expr_ids(cat, sample, known, where, error))
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
		if (!hc_check_expr_ids(cat, mexpr, known, mwhere, error))
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
		if (!hc_check_expr_ids(cat, fexpr, known, fwhere, error))
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
hc_check_feature_value(HcCatalogue *cat,
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
hc_validate_machines(HcCatalogue *cat, GError **error)
{
	GHashTableIter iter;
	gpointer val;

	g_hash_table_iter_init(&iter, cat->machines);
	while (g_hash_table_iter_next(&iter, NULL, &val)) {
		HcMachineFamily *fam = val;
		for (guint i = 0; i < fam->defaults->len; i++) {
			HcMachineDefault *d = g_ptr_array_index(fam->defaults, i);
			g_autofree char *path = g_strdup_printf("$.defaults[%u].value", i);
			if (!hc_check_feature_value(cat,
						    fam->file,
						    path,
						    d->feature,
						    d->value,
						    error))
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
		if (!hc_check_feature_value(cat, plat->file, path, key, val, error))
			return FALSE;
	}
	for (guint i = 0; i < plat->requires->len; i++) {
		g_autofree char *where = g_strdup_printf("%s: $.requires[%u]", plat->file, i);
		if (!hc_check_expr_ids(cat,
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

static gboolean
hc_validate(HcCatalogue *cat, const char *const *known, GError **error)
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
		if (!hc_check_feature_refs(cat, val, known, error))
			return FALSE;
	}
	if (!hc_validate_machines(cat, error))
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

HcCatalogue *
hc_catalogue_load_full(const char *const *dirs, const char *const *known_ids, GError **error)
{
	g_autoptr(HcCatalogue) cat = hc_catalogue_new();
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);

	for (guint i = 0; i < G_N_ELEMENTS(hc_catalogue_parts); i++) {
		if (!hc_load_part(cat, dirs, i, sum, error))
			return NULL;
	}
	if (!hc_validate(cat, known_ids, error))
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

	for (guint i = 0; i < n_probes; i++) {
		g_autoptr(GPtrArray) ids = hc_probe_info_get_ids(probes[i]);
		for (guint j = 0; j < ids->len; j++)
			g_ptr_array_add(known, g_strdup(g_ptr_array_index(ids, j)));
	}
	for (guint i = 0; hc_catalogue_dynamic_prefixes[i] != NULL; i++)
		g_ptr_array_add(known, g_strdup(hc_catalogue_dynamic_prefixes[i]));
	g_ptr_array_add(known, NULL);
	return hc_catalogue_load_full(dirs, (const char *const *)known->pdata, error);
}

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
	GPtrArray *out = g_ptr_array_new();
	GHashTableIter iter;
	gpointer val;

	g_hash_table_iter_init(&iter, cat->features);
	while (g_hash_table_iter_next(&iter, NULL, &val))
		g_ptr_array_add(out, val);
	g_ptr_array_sort(out, hc_feature_cmp);
	return out;
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
		for (guint i = 0; i < fam->versions->len; i++) {
			g_ptr_array_add(
			    out,
			    g_strdup_printf("%s-%s",
					    fam->family,
					    (char *)g_ptr_array_index(fam->versions, i)));
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
		if (g_ptr_array_find_with_equal_func(fam->aliases, name, g_str_equal, NULL)) {
			*version = g_ptr_array_index(fam->versions, fam->versions->len - 1);
			return fam;
		}
		if (strncmp(name, fam->family, flen) != 0 || name[flen] != '-')
			continue;
		for (guint i = 0; i < fam->versions->len; i++) {
			if (g_strcmp0(name + flen + 1, g_ptr_array_index(fam->versions, i)) == 0) {
				*version = g_ptr_array_index(fam->versions, i);
				return fam;
			}
		}
	}
	return NULL;
}

static gboolean
hc_version_in_range(const char *version, const HcMachineDefault *d)
{
	int cmp = 0;
	if (d->since != NULL && hc_version_compare(version, d->since, &cmp) && cmp < 0)
		return FALSE;
	if (d->until != NULL && hc_version_compare(version, d->until, &cmp) && cmp > 0)
		return FALSE;
	return TRUE;
}

GArray *
hc_catalogue_get_machine_defaults(HcCatalogue *cat, const char *machine)
{
	GArray *out = g_array_new(FALSE, TRUE, sizeof(HcDefaultValue));
	const char *version = NULL;
	const HcMachineFamily *fam = hc_catalogue_resolve_machine(cat, machine, &version);

	for (guint i = 0; fam != NULL && i < fam->defaults->len; i++) {
		const HcMachineDefault *d = g_ptr_array_index(fam->defaults, i);
		HcDefaultValue dv = {d->feature, d->value};
		if (hc_version_in_range(version, d))
			g_array_append_val(out, dv);
	}
	return out;
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
	GPtrArray *out = g_ptr_array_new();
	GHashTableIter iter;
	gpointer val;

	g_hash_table_iter_init(&iter, cat->platforms);
	while (g_hash_table_iter_next(&iter, NULL, &val))
		g_ptr_array_add(out, val);
	g_ptr_array_sort(out, hc_platform_rank_cmp);
	return out;
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
