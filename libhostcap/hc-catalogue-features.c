/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* features.d: one file holds {"format": "hostcapd-features/1", "features": {id: def}} */

#include <string.h>

#include "hostcap/hc-error.h"

#include "hc-catalogue.h"
#include "hc-json-util.h"

#define HC_FEATURES_FORMAT "hostcapd-features/1"

static const char *const hc_feature_type_names[] = {
    [HC_FEATURE_TYPE_BOOL] = "bool",
    [HC_FEATURE_TYPE_INT] = "int",
    [HC_FEATURE_TYPE_STRING] = "string",
    [HC_FEATURE_TYPE_ENUM] = "enum",
    [HC_FEATURE_TYPE_CPU_MODEL] = "cpu-model",
};
G_STATIC_ASSERT(G_N_ELEMENTS(hc_feature_type_names) == HC_FEATURE_TYPE_LAST);

static const char *const hc_on_missing_names[] = {
    [HC_ON_MISSING_FAIL] = "fail",
    [HC_ON_MISSING_SILENT_OFF] = "silent-off",
    [HC_ON_MISSING_DEGRADE] = "degrade",
};
G_STATIC_ASSERT(G_N_ELEMENTS(hc_on_missing_names) == HC_ON_MISSING_LAST);

const char *
hc_on_missing_to_string(HcOnMissing on_missing)
{
	return on_missing < HC_ON_MISSING_LAST ? hc_on_missing_names[on_missing] : "?";
}

static gboolean
hc_lookup_name(const char *const *names, guint n, const char *name, guint *out)
{
	for (guint i = 0; i < n; i++) {
		if (g_strcmp0(names[i], name) == 0) {
			*out = i;
			return TRUE;
		}
	}
	return FALSE;
}

static void
hc_set_enum_error(GError **error,
		  const char *path,
		  const char *key,
		  const char *const *names,
		  guint n,
		  const char *got)
{
	g_autofree char *p = hc_json_path_member(path, key);
	g_autoptr(GString) list = g_string_new(NULL);
	for (guint i = 0; i < n; i++)
		g_string_append_printf(list, "%s%s", i > 0 ? ", " : "", names[i]);
	g_set_error(error,
		    HC_ERROR,
		    HC_ERROR_INVALID_ARGUMENT,
		    "%s: expected one of %s, got \"%s\"",
		    p,
		    list->str,
		    got);
}

void
hc_feature_def_free(HcFeatureDef *def)
{
	if (def == NULL)
		return;
	g_free(def->id);
	g_free(def->description);
	g_free(def->qemu);
	g_free(def->requires);
	hc_expr_free(def->requires_expr);
	g_free(def->remediation);
	g_free(def->group);
	g_clear_pointer(&def->values, g_ptr_array_unref);
	g_clear_pointer(&def->off_values, g_ptr_array_unref);
	g_clear_pointer(&def->auto_values, g_ptr_array_unref);
	g_free(def->filtered_unless);
	g_free(def->falls_back_with);
	g_free(def->blocks_migration_unless);
	g_free(def->note);
	g_free(def->effective_from);
	g_free(def->migration_requires);
	g_free(def->migration_blocker);
	g_clear_pointer(&def->applies_with, g_ptr_array_unref);
	g_free(def->file);
	g_free(def);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcFeatureDef, hc_feature_def_free)

/* like capability ids, but the first component may hold '-' ("virtio-net.csum") */
static gboolean
hc_feature_id_syntax_ok(const char *id)
{
	guint parts = 1;

	if (!g_ascii_islower(id[0]) && !g_ascii_isdigit(id[0]))
		return FALSE;
	for (const char *p = id; *p != '\0'; p++) {
		if (*p == '.') {
			if (p[1] == '\0' || p[1] == '.')
				return FALSE;
			parts++;
		} else if (!g_ascii_islower(*p) && !g_ascii_isdigit(*p) && *p != '_' && *p != '-') {
			return FALSE;
		}
	}
	return parts >= 2;
}

static gboolean
hc_feature_id_is_valid(const char *id, gboolean *is_pattern)
{
	*is_pattern = g_str_has_suffix(id, ".*");
	if (*is_pattern) {
		g_autofree char *base = g_strndup(id, strlen(id) - 2);
		g_autofree char *probe = g_strconcat(base, ".x", NULL);
		return hc_feature_id_syntax_ok(probe);
	}
	return hc_feature_id_syntax_ok(id);
}

/* off/auto values must be values the feature can take */
static gboolean
hc_features_validate_value_subset(const HcFeatureDef *def,
				  GPtrArray *subset,
				  const char *path,
				  const char *key,
				  GError **error)
{
	for (guint i = 0; i < subset->len; i++) {
		const char *v = g_ptr_array_index(subset, i);
		if (def->type == HC_FEATURE_TYPE_ENUM &&
		    !g_ptr_array_find_with_equal_func(def->values, v, g_str_equal, NULL)) {
			g_autofree char *p = hc_json_path_member(path, key);
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "%s[%u]: \"%s\" is not one of the feature's values",
				    p,
				    i,
				    v);
			return FALSE;
		}
	}
	if (subset->len > 0 && def->type != HC_FEATURE_TYPE_ENUM &&
	    def->type != HC_FEATURE_TYPE_STRING) {
		g_autofree char *p = hc_json_path_member(path, key);
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: only enum and string features list values",
			    p);
		return FALSE;
	}
	return TRUE;
}

static gboolean
hc_parse_requires(HcFeatureDef *def, const char *path, GError **error)
{
	g_autofree char *p = hc_json_path_member(path, "requires");
	g_autoptr(HcExpr) expr = NULL;
	g_auto(GStrv) parts = NULL;
	g_autofree char *sample = NULL;

	if (def->requires == NULL)
		return TRUE;
	/* the match may instead be used by migration_requires (vfio-pci.host.<bdf>) */
	if (def->is_pattern && strstr(def->requires, "{}") == NULL &&
	    (def->migration_requires == NULL || strstr(def->migration_requires, "{}") == NULL)) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: a pattern feature's requirement must use {} for the matched name",
			    p);
		return FALSE;
	}
	/* patterns are checked with a sample name; real ids are instantiated on use */
	parts = g_strsplit(def->requires, "{}", -1);
	sample = g_strjoinv("x", parts);
	expr = hc_expr_parse(sample, error);
	if (expr == NULL) {
		g_prefix_error(error, "%s: ", p);
		return FALSE;
	}
	if (!def->is_pattern)
		def->requires_expr = g_steal_pointer(&expr);
	return TRUE;
}

static gboolean
hc_parse_feature_enums(JsonObject *obj, const char *path, HcFeatureDef *def, GError **error)
{
	const char *type = NULL;
	const char *on_missing = NULL;
	const char *migration = "exact";
	guint idx = 0;

	if (!hc_json_get_string(obj, path, "type", TRUE, &type, error) ||
	    !hc_json_get_string(obj, path, "on_missing", TRUE, &on_missing, error) ||
	    !hc_json_get_string(obj, path, "migration", FALSE, &migration, error))
		return FALSE;
	if (!hc_lookup_name(hc_feature_type_names, HC_FEATURE_TYPE_LAST, type, &idx)) {
		hc_set_enum_error(error,
				  path,
				  "type",
				  hc_feature_type_names,
				  HC_FEATURE_TYPE_LAST,
				  type);
		return FALSE;
	}
	def->type = idx;
	if (!hc_lookup_name(hc_on_missing_names, HC_ON_MISSING_LAST, on_missing, &idx)) {
		hc_set_enum_error(error,
				  path,
				  "on_missing",
				  hc_on_missing_names,
				  HC_ON_MISSING_LAST,
				  on_missing);
		return FALSE;
	}
	def->on_missing = idx;
	if (g_strcmp0(migration, "exact") != 0 && g_strcmp0(migration, "target-may-add") != 0) {
		const char *const names[] = {"exact", "target-may-add"};
		hc_set_enum_error(error, path, "migration", names, 2, migration);
		return FALSE;
	}
	def->target_may_add = g_strcmp0(migration, "target-may-add") == 0;
	return TRUE;
}

static const char *const hc_feature_members[] = {
    "type",
    "description",
    "qemu",
    "requires",
    "on_missing",
    "abi",
    "remediation",
    "group",
    "values",
    "off_values",
    "auto_values",
    "filtered_unless",
    "falls_back_with",
    "applies_with",
    "platform_dependent",
    "migration",
    "min",
    "max",
    "blocks_migration",
    "blocks_migration_unless",
    "note",
    "effective_from",
    "migration_requires",
    "migration_blocker",
    NULL,
};

static HcFeatureDef *
hc_parse_feature(const char *file,
		 const char *id,
		 JsonObject *obj,
		 const char *path,
		 GError **error)
{
	g_autoptr(HcFeatureDef) def = g_new0(HcFeatureDef, 1);
	const char *s_desc = NULL, *s_qemu = NULL, *s_req = NULL, *s_rem = NULL;
	const char *s_group = NULL, *s_filt = NULL, *s_block = NULL, *s_fall = NULL;
	const char *s_note = NULL, *s_from = NULL, *s_mreq = NULL, *s_mblock = NULL;

	def->id = g_strdup(id);
	def->file = g_strdup(file);
	def->min = G_MININT64;
	def->max = G_MAXINT64;
	if (!hc_feature_id_is_valid(id, &def->is_pattern)) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: not a valid feature id (lower-case, dotted, optional trailing .*)",
			    path);
		return NULL;
	}
	if (!hc_json_check_members(obj, path, hc_feature_members, error) ||
	    !hc_parse_feature_enums(obj, path, def, error) ||
	    !hc_json_get_string(obj, path, "description", TRUE, &s_desc, error) ||
	    !hc_json_get_string(obj, path, "qemu", TRUE, &s_qemu, error) ||
	    !hc_json_get_string(obj, path, "requires", FALSE, &s_req, error) ||
	    !hc_json_get_bool(obj, path, "abi", TRUE, &def->abi, error) ||
	    !hc_json_get_string(obj, path, "remediation", TRUE, &s_rem, error) ||
	    !hc_json_get_string(obj, path, "group", FALSE, &s_group, error) ||
	    !hc_json_get_string(obj, path, "filtered_unless", FALSE, &s_filt, error) ||
	    !hc_json_get_string(obj, path, "falls_back_with", FALSE, &s_fall, error) ||
	    !hc_json_get_bool(obj,
			      path,
			      "platform_dependent",
			      FALSE,
			      &def->platform_dependent,
			      error) ||
	    !hc_json_get_bool(obj,
			      path,
			      "blocks_migration",
			      FALSE,
			      &def->blocks_migration,
			      error) ||
	    !hc_json_get_string(obj, path, "blocks_migration_unless", FALSE, &s_block, error) ||
	    !hc_json_get_string(obj, path, "note", FALSE, &s_note, error) ||
	    !hc_json_get_string(obj, path, "effective_from", FALSE, &s_from, error) ||
	    !hc_json_get_string(obj, path, "migration_requires", FALSE, &s_mreq, error) ||
	    !hc_json_get_string(obj, path, "migration_blocker", FALSE, &s_mblock, error) ||
	    !hc_json_get_int(obj, path, "min", FALSE, &def->min, error) ||
	    !hc_json_get_int(obj, path, "max", FALSE, &def->max, error) ||
	    !hc_json_get_strv(obj, path, "values", &def->values, error) ||
	    !hc_json_get_strv(obj, path, "off_values", &def->off_values, error) ||
	    !hc_json_get_strv(obj, path, "auto_values", &def->auto_values, error) ||
	    !hc_json_get_strv(obj, path, "applies_with", &def->applies_with, error))
		return NULL;
	def->description = g_strdup(s_desc);
	def->qemu = g_strdup(s_qemu);
	def->requires = g_strdup(s_req);
	def->remediation = g_strdup(s_rem);
	def->group = g_strdup(s_group);
	def->filtered_unless = g_strdup(s_filt);
	def->falls_back_with = g_strdup(s_fall);
	def->blocks_migration_unless = g_strdup(s_block);
	def->note = g_strdup(s_note);
	def->effective_from = g_strdup(s_from);
	def->migration_requires = g_strdup(s_mreq);
	def->migration_blocker = g_strdup(s_mblock);
	if (def->type == HC_FEATURE_TYPE_ENUM && def->values->len == 0) {
		g_autofree char *p = hc_json_path_member(path, "values");
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: an enum feature needs its values",
			    p);
		return NULL;
	}
	if (!hc_features_validate_value_subset(def, def->off_values, path, "off_values", error) ||
	    !hc_features_validate_value_subset(def, def->auto_values, path, "auto_values", error) ||
	    !hc_parse_requires(def, path, error))
		return NULL;
	return g_steal_pointer(&def);
}

gboolean
hc_catalogue_parse_features(const char *file, JsonObject *root, GHashTable *out, GError **error)
{
	const char *const members[] = {"format", "features", NULL};
	const char *format = NULL;
	JsonObject *features = NULL;
	g_autoptr(GList) ids = NULL;

	if (!hc_json_check_members(root, "$", members, error) ||
	    !hc_json_get_string(root, "$", "format", TRUE, &format, error) ||
	    !hc_json_get_object(root, "$", "features", TRUE, &features, error))
		return FALSE;
	if (g_strcmp0(format, HC_FEATURES_FORMAT) != 0) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "$.format: expected \"%s\", got \"%s\"",
			    HC_FEATURES_FORMAT,
			    format);
		return FALSE;
	}
	ids = json_object_get_members(features);
	for (GList *l = ids; l != NULL; l = l->next) {
		const char *id = l->data;
		g_autofree char *path = hc_json_path_member("$.features", id);
		JsonNode *node = json_object_get_member(features, id);
		HcFeatureDef *def;

		if (!JSON_NODE_HOLDS_OBJECT(node)) {
			hc_json_set_type_error(error, path, "an object", node);
			return FALSE;
		}
		def = hc_parse_feature(file, id, json_node_get_object(node), path, error);
		if (def == NULL)
			return FALSE;
		if (g_hash_table_contains(out, id)) {
			const HcFeatureDef *other = g_hash_table_lookup(out, id);
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "%s: already defined in %s",
				    path,
				    other->file);
			hc_feature_def_free(def);
			return FALSE;
		}
		g_hash_table_insert(out, def->id, def);
	}
	return TRUE;
}

gboolean
hc_feature_value_is_off(const HcFeatureDef *def, JsonNode *value)
{
	if (value == NULL || JSON_NODE_HOLDS_NULL(value))
		return TRUE;
	if (hc_json_node_is_bool(value))
		return !json_node_get_boolean(value);
	if (hc_json_node_is_string(value))
		return g_ptr_array_find_with_equal_func(def->off_values,
							json_node_get_string(value),
							g_str_equal,
							NULL);
	return FALSE;
}

gboolean
hc_feature_value_is_auto(const HcFeatureDef *def, JsonNode *value)
{
	return hc_json_node_is_string(value) &&
	       g_ptr_array_find_with_equal_func(def->auto_values,
						json_node_get_string(value),
						g_str_equal,
						NULL);
}

JsonNode *
hc_feature_off_value(const HcFeatureDef *def)
{
	JsonNode *node = json_node_new(JSON_NODE_VALUE);
	if (def->off_values->len > 0)
		json_node_set_string(node, g_ptr_array_index(def->off_values, 0));
	else
		json_node_set_boolean(node, FALSE);
	return node;
}

const char *
hc_feature_property(const HcFeatureDef *def, const char *id)
{
	const char *dot;

	/* "cpu.feature.sse4.1": the property is everything the pattern's '*' matched */
	if (def->is_pattern)
		return id + strlen(def->id) - 1;
	dot = strrchr(def->qemu, '.');
	return dot != NULL ? dot + 1 : def->qemu;
}

gboolean
hc_feature_check_value(const HcFeatureDef *def, JsonNode *value, const char *path, GError **error)
{
	switch (def->type) {
	case HC_FEATURE_TYPE_BOOL:
		if (!hc_json_node_is_bool(value)) {
			hc_json_set_type_error(error, path, "a boolean", value);
			return FALSE;
		}
		return TRUE;
	case HC_FEATURE_TYPE_INT:
		if (!hc_json_node_is_int(value)) {
			hc_json_set_type_error(error, path, "an integer", value);
			return FALSE;
		}
		if (json_node_get_int(value) < def->min || json_node_get_int(value) > def->max) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "%s: %" G_GINT64_FORMAT " is out of range [%" G_GINT64_FORMAT
				    ", %" G_GINT64_FORMAT "]",
				    path,
				    json_node_get_int(value),
				    def->min,
				    def->max);
			return FALSE;
		}
		return TRUE;
	case HC_FEATURE_TYPE_ENUM:
		if (!hc_json_node_is_string(value) ||
		    !g_ptr_array_find_with_equal_func(def->values,
						      json_node_get_string(value),
						      g_str_equal,
						      NULL)) {
			g_autofree char *want = NULL;
			g_autoptr(GString) list = g_string_new(NULL);
			for (guint i = 0; i < def->values->len; i++)
				g_string_append_printf(list,
						       "%s\"%s\"",
						       i > 0 ? ", " : "",
						       (char *)g_ptr_array_index(def->values, i));
			want = g_strdup_printf("one of %s", list->str);
			hc_json_set_type_error(error, path, want, value);
			return FALSE;
		}
		return TRUE;
	default:
		if (!hc_json_node_is_string(value)) {
			hc_json_set_type_error(error, path, "a string", value);
			return FALSE;
		}
		return TRUE;
	}
}
