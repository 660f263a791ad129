/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* machines.d, platforms.d and cpu-models.d files (formats in docs/formats.md) */

#include <string.h>

#include "hostcap/hc-error.h"

#include "hc-catalogue.h"
#include "hc-json-util.h"

#define HC_MACHINES_FORMAT   "hostcapd-machines/1"
#define HC_QEMU_MACHINES_FMT "hostcapd-qemu-machines/1"
#define HC_PLATFORM_FORMAT   "hostcapd-platform/1"
#define HC_CPU_MODELS_FORMAT "hostcapd-cpu-models/1"

static gboolean
hc_machines_validate_format(JsonObject *root, const char *want, GError **error)
{
	const char *format = NULL;

	if (!hc_json_get_string(root, "$", "format", TRUE, &format, error))
		return FALSE;
	if (g_strcmp0(format, want) != 0) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "$.format: expected \"%s\", got \"%s\"",
			    want,
			    format);
		return FALSE;
	}
	return TRUE;
}

void
hc_machine_default_free(HcMachineDefault *def)
{
	g_free(def->feature);
	g_clear_pointer(&def->value, json_node_unref);
	g_free(def->since);
	g_free(def->until);
	g_free(def->qemu_since);
	g_free(def->qemu_until);
	g_free(def);
}

void
hc_machine_family_free(HcMachineFamily *fam)
{
	if (fam == NULL)
		return;
	g_free(fam->family);
	g_free(fam->description);
	g_clear_pointer(&fam->versions, g_ptr_array_unref);
	g_clear_pointer(&fam->aliases, g_ptr_array_unref);
	g_clear_pointer(&fam->defaults, g_ptr_array_unref);
	g_clear_pointer(&fam->releases, g_ptr_array_unref);
	g_clear_pointer(&fam->all_versions, g_ptr_array_unref);
	g_free(fam->file);
	g_free(fam);
}

HcMachineFamily *
hc_machine_family_new(const char *family)
{
	HcMachineFamily *fam = g_new0(HcMachineFamily, 1);

	fam->family = g_strdup(family);
	fam->versions = g_ptr_array_new_with_free_func(g_free);
	fam->aliases = g_ptr_array_new_with_free_func(g_free);
	fam->defaults = g_ptr_array_new_with_free_func((GDestroyNotify)hc_machine_default_free);
	fam->releases = g_ptr_array_new_with_free_func((GDestroyNotify)hc_machine_release_free);
	return fam;
}

static gboolean
hc_machines_validate_version(const char *path, const char *key, const char *version, GError **error)
{
	int cmp;
	if (version != NULL && !hc_version_compare(version, "0", &cmp)) {
		g_autofree char *p = hc_json_path_member(path, key);
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: \"%s\" is not a machine version such as \"8.2\"",
			    p,
			    version);
		return FALSE;
	}
	return TRUE;
}

/* "8.2.0-8.2.4" or "9.0.0": the QEMU releases a default holds for */
static gboolean
hc_machines_parse_release_range(HcMachineDefault *def,
				const char *path,
				const char *text,
				GError **error)
{
	g_auto(GStrv) ends = g_strsplit(text, "-", 3);
	int cmp = 0;

	if (g_strv_length(ends) > 2 || !hc_version_compare(ends[0], "0", &cmp) ||
	    (ends[1] != NULL && (!hc_version_compare(ends[0], ends[1], &cmp) || cmp > 0))) {
		g_set_error(
		    error,
		    HC_ERROR,
		    HC_ERROR_INVALID_ARGUMENT,
		    "%s.qemu: \"%s\" is not a QEMU release or range such as \"8.2.0-8.2.4\"",
		    path,
		    text);
		return FALSE;
	}
	def->qemu_since = g_strdup(ends[0]);
	def->qemu_until = g_strdup(ends[1] != NULL ? ends[1] : ends[0]);
	return TRUE;
}

HcMachineDefault *
hc_machine_default_parse(JsonNode *node, const char *path, GError **error)
{
	const char *const members[] = {"feature", "value", "since", "until", "qemu", NULL};
	g_autoptr(HcMachineDefault) def = NULL;
	JsonObject *obj;
	const char *feature = NULL, *since = NULL, *until = NULL, *qemu = NULL;

	if (!JSON_NODE_HOLDS_OBJECT(node)) {
		hc_json_set_type_error(error, path, "an object", node);
		return NULL;
	}
	obj = json_node_get_object(node);
	if (!hc_json_check_members(obj, path, members, error) ||
	    !hc_json_get_string(obj, path, "feature", TRUE, &feature, error) ||
	    !hc_json_get_string(obj, path, "since", FALSE, &since, error) ||
	    !hc_json_get_string(obj, path, "until", FALSE, &until, error) ||
	    !hc_json_get_string(obj, path, "qemu", FALSE, &qemu, error) ||
	    !hc_machines_validate_version(path, "since", since, error) ||
	    !hc_machines_validate_version(path, "until", until, error))
		return NULL;
	if (!json_object_has_member(obj, "value")) {
		g_set_error(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT, "%s.value: missing", path);
		return NULL;
	}
	def = g_new0(HcMachineDefault, 1);
	def->feature = g_strdup(feature);
	def->value = json_node_copy(json_object_get_member(obj, "value"));
	def->since = g_strdup(since);
	def->until = g_strdup(until);
	if (qemu != NULL && !hc_machines_parse_release_range(def, path, qemu, error))
		return NULL;
	return g_steal_pointer(&def);
}

/* ascending versions, each above the one before */
gboolean
hc_machine_validate_versions(GPtrArray *versions, const char *path, GError **error)
{
	for (guint i = 0; i < versions->len; i++) {
		int cmp = -1;
		const char *v = g_ptr_array_index(versions, i);
		if (!hc_version_compare(v, "0", &cmp) ||
		    (i > 0 && (!hc_version_compare(g_ptr_array_index(versions, i - 1), v, &cmp) ||
			       cmp >= 0))) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "%s[%u]: \"%s\" is not a version above the one before it",
				    path,
				    i,
				    v);
			return FALSE;
		}
	}
	return TRUE;
}

/* the defaults array at @path into @out */
gboolean
hc_machine_parse_defaults(JsonObject *obj, const char *path, GPtrArray *out, GError **error)
{
	g_autofree char *apath = hc_json_path_member(path, "defaults");
	JsonNode *defaults = json_object_get_member(obj, "defaults");
	JsonArray *arr;

	if (defaults == NULL || !JSON_NODE_HOLDS_ARRAY(defaults)) {
		hc_json_set_type_error(error, apath, "an array", defaults);
		return FALSE;
	}
	arr = json_node_get_array(defaults);
	for (guint i = 0; i < json_array_get_length(arr); i++) {
		g_autofree char *p = hc_json_path_index(apath, i);
		HcMachineDefault *def =
		    hc_machine_default_parse(json_array_get_element(arr, i), p, error);
		if (def == NULL)
			return FALSE;
		g_ptr_array_add(out, def);
	}
	return TRUE;
}

/* a family file read after release data of the same family fills in its placeholder */
static gboolean
hc_machine_family_take(GHashTable *out, HcMachineFamily *fam, GError **error)
{
	HcMachineFamily *old = g_hash_table_lookup(out, fam->family);

	if (old != NULL && old->file != NULL) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "$.family: \"%s\" is already defined in %s",
			    fam->family,
			    old->file);
		return FALSE;
	}
	if (old != NULL) {
		g_ptr_array_extend_and_steal(fam->releases, g_steal_pointer(&old->releases));
		old->releases =
		    g_ptr_array_new_with_free_func((GDestroyNotify)hc_machine_release_free);
	}
	g_hash_table_replace(out, fam->family, fam);
	return TRUE;
}

gboolean
hc_catalogue_parse_machines(const char *file, JsonObject *root, GHashTable *out, GError **error)
{
	const char *const members[] =
	    {"format", "family", "description", "aliases", "versions", "defaults", NULL};
	g_autoptr(HcMachineFamily) fam = NULL;
	g_autoptr(GPtrArray) aliases = NULL;
	g_autoptr(GPtrArray) versions = NULL;
	const char *family = NULL, *desc = NULL, *format = NULL;

	if (hc_json_get_string(root, "$", "format", FALSE, &format, NULL) &&
	    g_strcmp0(format, HC_QEMU_MACHINES_FMT) == 0)
		return hc_catalogue_parse_qemu_machines(file, root, out, error);
	if (!hc_json_check_members(root, "$", members, error) ||
	    !hc_machines_validate_format(root, HC_MACHINES_FORMAT, error) ||
	    !hc_json_get_string(root, "$", "family", TRUE, &family, error) ||
	    !hc_json_get_string(root, "$", "description", TRUE, &desc, error) ||
	    !hc_json_get_strv(root, "$", "aliases", &aliases, error) ||
	    !hc_json_get_strv(root, "$", "versions", &versions, error) ||
	    !hc_machine_validate_versions(versions, "$.versions", error))
		return FALSE;
	fam = hc_machine_family_new(family);
	fam->file = g_strdup(file);
	fam->description = g_strdup(desc);
	g_ptr_array_extend_and_steal(fam->aliases, g_steal_pointer(&aliases));
	g_ptr_array_extend_and_steal(fam->versions, g_steal_pointer(&versions));
	if (!hc_machine_parse_defaults(root, "$", fam->defaults, error) ||
	    !hc_machine_family_take(out, fam, error))
		return FALSE;
	fam = NULL;
	return TRUE;
}

void
hc_platform_free(HcPlatform *plat)
{
	if (plat == NULL)
		return;
	g_free(plat->name);
	g_free(plat->description);
	g_clear_pointer(&plat->requires, g_ptr_array_unref);
	g_clear_pointer(&plat->features, g_hash_table_unref);
	g_free(plat->inherits);
	g_free(plat->file);
	g_free(plat);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcPlatform, hc_platform_free)

static gboolean
hc_parse_platform_requires(JsonObject *root, HcPlatform *plat, GError **error)
{
	g_autoptr(GPtrArray) texts = NULL;

	if (!hc_json_get_strv(root, "$", "requires", &texts, error))
		return FALSE;
	for (guint i = 0; i < texts->len; i++) {
		HcExpr *expr = hc_expr_parse(g_ptr_array_index(texts, i), error);
		if (expr == NULL) {
			g_prefix_error(error, "$.requires[%u]: ", i);
			return FALSE;
		}
		g_ptr_array_add(plat->requires, expr);
	}
	return TRUE;
}

gboolean
hc_catalogue_parse_platform(const char *file, JsonObject *root, GHashTable *out, GError **error)
{
	const char *const members[] =
	    {"format", "name", "description", "rank", "inherits", "requires", "features", NULL};
	g_autoptr(HcPlatform) plat = g_new0(HcPlatform, 1);
	const char *name = NULL, *desc = NULL, *inherits = NULL;
	JsonObject *features = NULL;
	g_autoptr(GList) ids = NULL;

	plat->file = g_strdup(file);
	plat->requires = g_ptr_array_new_with_free_func((GDestroyNotify)hc_expr_free);
	plat->features =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)json_node_unref);
	if (!hc_json_check_members(root, "$", members, error) ||
	    !hc_machines_validate_format(root, HC_PLATFORM_FORMAT, error) ||
	    !hc_json_get_string(root, "$", "name", TRUE, &name, error) ||
	    !hc_json_get_string(root, "$", "description", TRUE, &desc, error) ||
	    !hc_json_get_int(root, "$", "rank", TRUE, &plat->rank, error) ||
	    !hc_json_get_string(root, "$", "inherits", FALSE, &inherits, error) ||
	    !hc_json_get_object(root, "$", "features", TRUE, &features, error) ||
	    !hc_parse_platform_requires(root, plat, error))
		return FALSE;
	plat->name = g_strdup(name);
	plat->description = g_strdup(desc);
	plat->inherits = g_strdup(inherits);
	ids = json_object_get_members(features);
	for (GList *l = ids; l != NULL; l = l->next) {
		g_hash_table_insert(plat->features,
				    g_strdup(l->data),
				    json_node_copy(json_object_get_member(features, l->data)));
	}
	if (g_hash_table_contains(out, name)) {
		const HcPlatform *other = g_hash_table_lookup(out, name);
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "$.name: \"%s\" is already defined in %s",
			    name,
			    other->file);
		return FALSE;
	}
	g_hash_table_insert(out, plat->name, plat);
	plat = NULL;
	return TRUE;
}

void
hc_cpu_model_free(HcCpuModel *model)
{
	if (model == NULL)
		return;
	g_free(model->name);
	g_free(model->vendor);
	g_free(model->alias_of);
	g_clear_pointer(&model->features, g_ptr_array_unref);
	g_clear_pointer(&model->arch_capabilities, g_ptr_array_unref);
	g_clear_pointer(&model->unmapped, g_ptr_array_unref);
	g_free(model->release);
	g_clear_pointer(&model->releases, g_ptr_array_unref);
	g_free(model);
}

static HcCpuModel *
hc_parse_cpu_model(const char *name, JsonNode *node, const char *path, GError **error)
{
	g_autoptr(GPtrArray) features = NULL;
	g_autoptr(GPtrArray) arch_capabilities = NULL;
	g_autoptr(GPtrArray) unmapped = NULL;
	const char *vendor = NULL;
	JsonObject *obj;
	JsonNode *alias;
	HcCpuModel *model;

	if (!JSON_NODE_HOLDS_OBJECT(node)) {
		hc_json_set_type_error(error, path, "an object", node);
		return NULL;
	}
	obj = json_node_get_object(node);
	if (!hc_json_get_strv(obj, path, "features", &features, error) ||
	    !hc_json_get_strv(obj, path, "arch_capabilities", &arch_capabilities, error) ||
	    !hc_json_get_strv(obj, path, "unmapped", &unmapped, error))
		return NULL;
	/* vendor may be null for vendor-neutral models (qemu64, kvm64) */
	if (json_object_has_member(obj, "vendor") &&
	    !JSON_NODE_HOLDS_NULL(json_object_get_member(obj, "vendor")) &&
	    !hc_json_get_string(obj, path, "vendor", FALSE, &vendor, error))
		return NULL;
	alias = json_object_get_member(obj, "alias_of");
	if (alias != NULL && !JSON_NODE_HOLDS_NULL(alias) && !hc_json_node_is_string(alias)) {
		g_autofree char *p = hc_json_path_member(path, "alias_of");
		hc_json_set_type_error(error, p, "a string or null", alias);
		return NULL;
	}
	model = g_new0(HcCpuModel, 1);
	model->name = g_strdup(name);
	model->vendor = g_strdup(vendor);
	model->alias_of = hc_json_node_is_string(alias) ? g_strdup(json_node_get_string(alias))
							: NULL;
	model->features = g_steal_pointer(&features);
	model->arch_capabilities = g_steal_pointer(&arch_capabilities);
	model->unmapped = g_steal_pointer(&unmapped);
	return model;
}

static gint
hc_release_str_cmp(gconstpointer a, gconstpointer b)
{
	int cmp = 0;

	hc_version_compare(*(const char *const *)a, *(const char *const *)b, &cmp);
	return cmp;
}

/* @release has @name: the entry for it, created without a definition when it has none yet */
static HcCpuModel *
hc_cpu_model_note_release(GHashTable *out, const char *name, const char *release)
{
	HcCpuModel *model = g_hash_table_lookup(out, name);

	if (model == NULL) {
		model = g_new0(HcCpuModel, 1);
		model->name = g_strdup(name);
		g_hash_table_insert(out, model->name, model);
	}
	if (model->releases == NULL)
		model->releases = g_ptr_array_new_with_free_func(g_free);
	if (release != NULL &&
	    !g_ptr_array_find_with_equal_func(model->releases, release, g_str_equal, NULL)) {
		g_ptr_array_add(model->releases, g_strdup(release));
		g_ptr_array_sort(model->releases, hc_release_str_cmp);
	}
	return model;
}

/* a versioned model's definition never changes: the oldest release's reading is kept */
static gboolean
hc_cpu_model_keeps(const HcCpuModel *have, const char *release)
{
	int cmp = 0;

	if (have == NULL || have->features == NULL)
		return FALSE;
	return have->release != NULL && release != NULL &&
	       hc_version_compare(have->release, release, &cmp) && cmp <= 0;
}

static void
hc_cpu_model_take(GHashTable *out, HcCpuModel *model, const char *release)
{
	HcCpuModel *have = hc_cpu_model_note_release(out, model->name, release);

	if (hc_cpu_model_keeps(have, release)) {
		hc_cpu_model_free(model);
		return;
	}
	model->release = g_strdup(release);
	model->releases = g_steal_pointer(&have->releases);
	/* a later file (or an older QEMU's table) replaces the definition */
	g_hash_table_replace(out, model->name, model);
}

gboolean
hc_catalogue_parse_cpu_models(const char *file, JsonObject *root, GHashTable *out, GError **error)
{
	JsonObject *models = NULL;
	JsonObject *unchanged = NULL;
	g_autoptr(GPtrArray) same = NULL;
	g_autoptr(GList) names = NULL;
	const char *release = NULL;

	if (!hc_machines_validate_format(root, HC_CPU_MODELS_FORMAT, error) ||
	    !hc_json_get_string(root, "$", "qemu", FALSE, &release, error) ||
	    !hc_json_get_object(root, "$", "models", TRUE, &models, error) ||
	    !hc_json_get_object(root, "$", "unchanged", FALSE, &unchanged, error) ||
	    (unchanged != NULL &&
	     !hc_json_get_strv(unchanged, "$.unchanged", "models", &same, error)))
		return FALSE;
	names = json_object_get_members(models);
	for (GList *l = names; l != NULL; l = l->next) {
		g_autofree char *path = hc_json_path_member("$.models", l->data);
		HcCpuModel *model = hc_parse_cpu_model(l->data,
						       json_object_get_member(models, l->data),
						       path,
						       error);
		if (model == NULL)
			return FALSE;
		hc_cpu_model_take(out, model, release);
	}
	/* models this release has exactly as an older one defined them */
	for (guint i = 0; same != NULL && i < same->len; i++)
		hc_cpu_model_note_release(out, g_ptr_array_index(same, i), release);
	return TRUE;
}

gboolean
hc_catalogue_finish_cpu_models(GHashTable *models, GError **error)
{
	GHashTableIter iter;
	gpointer val;

	g_hash_table_iter_init(&iter, models);
	while (g_hash_table_iter_next(&iter, NULL, &val)) {
		const HcCpuModel *model = val;
		if (model->features == NULL) {
			g_set_error(
			    error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "cpu-models.d: \"%s\" is listed as unchanged since an older QEMU "
			    "release, but no file defines it",
			    model->name);
			return FALSE;
		}
	}
	return TRUE;
}
