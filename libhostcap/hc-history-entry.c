/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* one line of the capability change history, read strictly (hostcapctl history, the fuzzer) */
#include "hostcap/hc-capability.h"
#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-history-entry.h"
#include "hc-json-reader.h"

static gboolean
hc_history_entry_fail(GError **error, const char *path, const char *what)
{
	g_set_error(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT, "%s: %s", path, what);
	return FALSE;
}

static gboolean
hc_history_entry_is_kind(JsonNode *node, JsonNodeType type, GType value_type)
{
	if (node == NULL || JSON_NODE_TYPE(node) != type)
		return FALSE;
	return value_type == G_TYPE_INVALID || json_node_get_value_type(node) == value_type;
}

/* {"state", "value"?} or null */
static gboolean
hc_history_entry_check_side(JsonNode *node, const char *path, GError **error)
{
	g_autofree char *state_path = g_strdup_printf("%s.state", path);
	JsonNode *state;
	HcCapState st;

	if (JSON_NODE_HOLDS_NULL(node))
		return TRUE;
	if (!JSON_NODE_HOLDS_OBJECT(node))
		return hc_history_entry_fail(error, path, "expected an object or null");
	state = json_object_get_member(json_node_get_object(node), "state");
	if (!hc_history_entry_is_kind(state, JSON_NODE_VALUE, G_TYPE_STRING) ||
	    !hc_cap_state_from_string(json_node_get_string(state), &st))
		return hc_history_entry_fail(
		    error,
		    state_path,
		    "expected one of supported, unsupported, disabled, unknown");
	return TRUE;
}

static gboolean
hc_history_entry_check(JsonNode *root, GError **error)
{
	static const struct {
		const char *name;
		GType type;
	} scalars[] = {
	    {"time_usec", G_TYPE_INT64},
	    {"generation", G_TYPE_INT64},
	    {"boot_id", G_TYPE_STRING},
	    {"kernel", G_TYPE_STRING},
	};
	JsonObject *obj;
	JsonNode *changes;

	if (!JSON_NODE_HOLDS_OBJECT(root))
		return hc_history_entry_fail(error, "$", "expected an object");
	obj = json_node_get_object(root);
	for (guint i = 0; i < G_N_ELEMENTS(scalars); i++) {
		g_autofree char *path = g_strdup_printf("$.%s", scalars[i].name);
		if (!hc_history_entry_is_kind(json_object_get_member(obj, scalars[i].name),
					      JSON_NODE_VALUE,
					      scalars[i].type))
			return hc_history_entry_fail(error,
						     path,
						     scalars[i].type == G_TYPE_INT64
							 ? "expected an integer"
							 : "expected a string");
	}
	changes = json_object_get_member(obj, "changes");
	if (changes == NULL || !JSON_NODE_HOLDS_ARRAY(changes))
		return hc_history_entry_fail(error, "$.changes", "expected an array");
	for (guint i = 0; i < json_array_get_length(json_node_get_array(changes)); i++) {
		JsonNode *c = json_array_get_element(json_node_get_array(changes), i);
		g_autofree char *path = g_strdup_printf("$.changes[%u]", i);
		g_autofree char *id_path = g_strdup_printf("%s.id", path);
		g_autofree char *old_path = g_strdup_printf("%s.old", path);
		g_autofree char *new_path = g_strdup_printf("%s.new", path);
		JsonObject *co;
		JsonNode *id;
		if (!JSON_NODE_HOLDS_OBJECT(c))
			return hc_history_entry_fail(error, path, "expected an object");
		co = json_node_get_object(c);
		id = json_object_get_member(co, "id");
		if (!hc_history_entry_is_kind(id, JSON_NODE_VALUE, G_TYPE_STRING) ||
		    !hc_capability_id_is_valid(json_node_get_string(id)))
			return hc_history_entry_fail(error, id_path, "expected a capability id");
		if (!json_object_has_member(co, "old") || !json_object_has_member(co, "new"))
			return hc_history_entry_fail(error, path, "expected members old and new");
		if (!hc_history_entry_check_side(json_object_get_member(co, "old"),
						 old_path,
						 error) ||
		    !hc_history_entry_check_side(json_object_get_member(co, "new"),
						 new_path,
						 error))
			return FALSE;
	}
	return TRUE;
}

JsonNode *
hc_history_entry_parse(const char *line, gsize len, GError **error)
{
	g_autoptr(JsonNode) root = NULL;

	/* mutable: hostcapctl filters the changes of the tree it gets */
	root = hc_json_reader_parse(line,
				    len,
				    HC_LIMIT_SNAPSHOT_BYTES,
				    HC_LIMIT_NESTING,
				    HC_JSON_READER_MUTABLE | HC_JSON_READER_ANY_ROOT,
				    error);
	if (root == NULL || !hc_history_entry_check(root, error))
		return NULL;
	return g_steal_pointer(&root);
}
