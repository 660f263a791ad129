/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* the VM spec reader: strict JSON, limits, types from the catalogue, did-you-mean */

#include <string.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-json-util.h"
#include "hc-spec.h"
#include "hc-strutil.h"

void
hc_spec_free(HcSpec *spec)
{
	if (spec == NULL)
		return;
	g_free(spec->machine);
	g_free(spec->platform);
	g_clear_pointer(&spec->ids, g_ptr_array_unref);
	g_clear_pointer(&spec->features, g_hash_table_unref);
	g_clear_pointer(&spec->unevaluated, g_ptr_array_unref);
	g_free(spec);
}

static HcSpec *
hc_spec_new(void)
{
	HcSpec *spec = g_new0(HcSpec, 1);
	spec->ids = g_ptr_array_new_with_free_func(g_free);
	spec->features =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)json_node_unref);
	spec->unevaluated = g_ptr_array_new_with_free_func(g_free);
	return spec;
}

void
hc_spec_set(HcSpec *spec, const char *id, JsonNode *value)
{
	if (!g_hash_table_contains(spec->features, id)) {
		g_ptr_array_add(spec->ids, g_strdup(id));
		g_ptr_array_sort(spec->ids, hc_ptr_strcmp);
	}
	g_hash_table_replace(spec->features, g_strdup(id), value);
}

JsonNode *
hc_spec_lookup(const HcSpec *spec, const char *id)
{
	return g_hash_table_lookup(spec->features, id);
}

HcSpec *
hc_spec_copy(const HcSpec *spec)
{
	HcSpec *copy = hc_spec_new();
	copy->machine = g_strdup(spec->machine);
	copy->platform = g_strdup(spec->platform);
	for (guint i = 0; i < spec->ids->len; i++) {
		const char *id = g_ptr_array_index(spec->ids, i);
		hc_spec_set(copy, id, json_node_copy(hc_spec_lookup(spec, id)));
	}
	for (guint i = 0; i < spec->unevaluated->len; i++)
		g_ptr_array_add(copy->unevaluated,
				g_strdup(g_ptr_array_index(spec->unevaluated, i)));
	return copy;
}

JsonNode *
hc_spec_to_json(const HcSpec *spec)
{
	JsonObject *root = json_object_new();
	JsonObject *features = json_object_new();
	JsonArray *unevaluated = json_array_new();
	JsonNode *node;

	if (spec->machine != NULL)
		json_object_set_string_member(root, "machine", spec->machine);
	if (spec->platform != NULL)
		json_object_set_string_member(root, "platform", spec->platform);
	for (guint i = 0; i < spec->ids->len; i++) {
		const char *id = g_ptr_array_index(spec->ids, i);
		json_object_set_member(features, id, json_node_copy(hc_spec_lookup(spec, id)));
	}
	json_object_set_object_member(root, "features", features);
	for (guint i = 0; i < spec->unevaluated->len; i++)
		json_array_add_string_element(unevaluated, g_ptr_array_index(spec->unevaluated, i));
	if (spec->unevaluated->len > 0)
		json_object_set_array_member(root, "unevaluated", unevaluated);
	else
		json_array_unref(unevaluated);
	/* take_object hands our reference to the node; init_object would add its own */
	node = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(node, root);
	return node;
}

static void
hc_set_unknown_name(GError **error,
		    GQuark domain,
		    gint code,
		    const char *path,
		    const char *what,
		    const char *name,
		    GPtrArray *candidates)
{
	const char *guess = hc_did_you_mean(name, candidates);
	if (guess != NULL) {
		g_set_error(error,
			    domain,
			    code,
			    "%s: unknown %s \"%s\"; did you mean \"%s\"?",
			    path,
			    what,
			    name,
			    guess);
	} else {
		g_set_error(error, domain, code, "%s: unknown %s \"%s\"", path, what, name);
	}
}

static gboolean
hc_spec_parse_names(HcCatalogue *cat, JsonObject *root, HcSpec *spec, GError **error)
{
	const char *machine = NULL;
	const char *platform = NULL;
	const char *version = NULL;

	if (!hc_json_get_string(root, "$", "machine", FALSE, &machine, error) ||
	    !hc_json_get_string(root, "$", "platform", FALSE, &platform, error))
		return FALSE;
	if (machine != NULL && hc_catalogue_resolve_machine(cat, machine, &version) == NULL) {
		g_autoptr(GPtrArray) names = hc_catalogue_get_machine_names(cat);
		hc_set_unknown_name(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "$.machine",
				    "machine type",
				    machine,
				    names);
		return FALSE;
	}
	if (platform != NULL && hc_catalogue_lookup_platform(cat, platform) == NULL) {
		g_autoptr(GPtrArray) plats = hc_catalogue_list_platforms(cat);
		g_autoptr(GPtrArray) names = g_ptr_array_new();
		for (guint i = 0; i < plats->len; i++)
			g_ptr_array_add(names, ((HcPlatform *)g_ptr_array_index(plats, i))->name);
		hc_set_unknown_name(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "$.platform",
				    "platform",
				    platform,
				    names);
		return FALSE;
	}
	spec->machine = g_strdup(machine);
	spec->platform = g_strdup(platform);
	return TRUE;
}

static gboolean
hc_spec_check_cpu_model(HcCatalogue *cat, JsonNode *value, const char *path, GError **error)
{
	const char *name = json_node_get_string(value);
	g_autoptr(GPtrArray) names = NULL;

	/* host and max are whatever this host's KVM offers; an empty table cannot judge */
	if (g_strcmp0(name, "host") == 0 || g_strcmp0(name, "max") == 0 ||
	    hc_catalogue_get_n_cpu_models(cat) == 0 ||
	    hc_catalogue_lookup_cpu_model(cat, name) != NULL)
		return TRUE;
	names = hc_catalogue_get_cpu_model_names(cat);
	hc_set_unknown_name(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    path,
			    "CPU model",
			    name,
			    names);
	return FALSE;
}

static gboolean
hc_spec_match_is_valid(const char *match)
{
	g_autofree char *probe = g_strconcat("x.", match, NULL);
	return match[0] != '\0' && hc_capability_id_is_valid(probe);
}

static gboolean
hc_spec_parse_feature(HcCatalogue *cat,
		      const char *id,
		      JsonNode *value,
		      HcSpec *spec,
		      GError **error)
{
	g_autofree char *path = hc_json_path_member("$.features", id);
	const HcFeatureDef *def = hc_catalogue_lookup_feature(cat, id);

	if (def == NULL) {
		g_autoptr(GPtrArray) ids = hc_catalogue_get_feature_ids(cat);
		hc_set_unknown_name(error,
				    HC_ERROR,
				    HC_ERROR_UNKNOWN_FEATURE,
				    path,
				    "feature",
				    id,
				    ids);
		return FALSE;
	}
	/* the matched part becomes part of capability ids ("{}" in requires) */
	if (def->is_pattern && !hc_spec_match_is_valid(hc_feature_property(def, id))) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: not a valid feature name",
			    path);
		return FALSE;
	}
	if (!hc_feature_check_value(def, value, path, error))
		return FALSE;
	if (def->type == HC_FEATURE_TYPE_CPU_MODEL &&
	    !hc_spec_check_cpu_model(cat, value, path, error))
		return FALSE;
	hc_spec_set(spec, id, hc_json_node_clone(value));
	return TRUE;
}

static gboolean
hc_spec_parse_features(HcCatalogue *cat, JsonObject *root, HcSpec *spec, GError **error)
{
	JsonObject *features = NULL;
	g_autoptr(GList) ids = NULL;

	if (!hc_json_get_object(root, "$", "features", TRUE, &features, error))
		return FALSE;
	if (json_object_get_size(features) > HC_LIMIT_FEATURES) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "$.features: %u features is over the limit of %u",
			    json_object_get_size(features),
			    (guint)HC_LIMIT_FEATURES);
		return FALSE;
	}
	ids = json_object_get_members(features);
	for (GList *l = ids; l != NULL; l = l->next) {
		if (!hc_spec_parse_feature(cat,
					   l->data,
					   json_object_get_member(features, l->data),
					   spec,
					   error))
			return FALSE;
	}
	return TRUE;
}

/* a snapshot handed where the spec belongs: the user meant it as the other host */
static gboolean
hc_spec_is_snapshot(JsonObject *root)
{
	JsonNode *format = json_object_get_member(root, "format");

	return format != NULL && hc_json_node_is_string(format) &&
	       g_str_has_prefix(json_node_get_string(format), "hostcapd-snapshot/");
}

HcSpec *
hc_spec_parse(HcCatalogue *cat, const char *json, gsize len, GError **error)
{
	const char *const members[] = {"machine", "platform", "features", "unevaluated", NULL};
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(HcSpec) spec = hc_spec_new();
	g_autoptr(GPtrArray) unevaluated = NULL;
	JsonObject *obj;

	if (json == NULL) {
		g_set_error_literal(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT, "$: no spec");
		return NULL;
	}
	root = hc_json_parse_strict(json, len, HC_LIMIT_SPEC_BYTES, HC_LIMIT_NESTING, error);
	if (root == NULL)
		return NULL;
	obj = json_node_get_object(root);
	if (hc_spec_is_snapshot(obj)) {
		g_set_error_literal(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "$: this is a hostcapd snapshot, not a VM spec; did you mean "
				    "--target?");
		return NULL;
	}
	if (!hc_json_check_members(obj, "$", members, error) ||
	    !hc_spec_parse_names(cat, obj, spec, error) ||
	    !hc_spec_parse_features(cat, obj, spec, error) ||
	    !hc_json_get_strv(obj, "$", "unevaluated", &unevaluated, error))
		return NULL;
	g_ptr_array_extend_and_steal(spec->unevaluated, g_steal_pointer(&unevaluated));
	return g_steal_pointer(&spec);
}
