/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* strict JSON helpers shared by the catalogue, the spec parser and the reports */

#include <string.h>

#include "hostcap/hc-error.h"

#include "hc-json-reader.h"
#include "hc-json-util.h"
#include "hc-strutil.h"

JsonNode *
hc_json_parse_strict(const char *data, gsize len, gsize max_bytes, guint max_depth, GError **error)
{
	return hc_json_reader_parse(data, len, max_bytes, max_depth, HC_JSON_READER_NONE, error);
}

static gboolean
hc_json_key_is_plain(const char *key)
{
	if (!g_ascii_isalpha(key[0]) && key[0] != '_')
		return FALSE;
	for (const char *p = key; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && *p != '_')
			return FALSE;
	}
	return TRUE;
}

char *
hc_json_path_member(const char *path, const char *key)
{
	g_autofree char *cut = hc_json_reader_quote_prefix(key, strlen(key));
	g_autofree char *quoted = NULL;

	/* a hostile name is echoed as a short prefix only */
	if (hc_json_key_is_plain(key) && strlen(cut) == strlen(key))
		return g_strdup_printf("%s.%s", path, key);
	quoted = hc_json_quote(cut);
	return g_strdup_printf("%s[%s]", path, quoted);
}

char *
hc_json_path_index(const char *path, guint index)
{
	return g_strdup_printf("%s[%u]", path, index);
}

gboolean
hc_json_node_is_int(JsonNode *node)
{
	return node != NULL && JSON_NODE_HOLDS_VALUE(node) &&
	       json_node_get_value_type(node) == G_TYPE_INT64;
}

gboolean
hc_json_node_is_string(JsonNode *node)
{
	return node != NULL && JSON_NODE_HOLDS_VALUE(node) &&
	       json_node_get_value_type(node) == G_TYPE_STRING;
}

gboolean
hc_json_node_is_bool(JsonNode *node)
{
	return node != NULL && JSON_NODE_HOLDS_VALUE(node) &&
	       json_node_get_value_type(node) == G_TYPE_BOOLEAN;
}

char *
hc_json_to_string(JsonNode *node)
{
	if (node == NULL)
		return g_strdup("null");
	return json_to_string(node, FALSE);
}

char *
hc_json_describe_value(JsonNode *node)
{
	g_autofree char *text = NULL;

	if (node == NULL)
		return g_strdup("nothing");
	if (JSON_NODE_HOLDS_OBJECT(node))
		return g_strdup("an object");
	if (JSON_NODE_HOLDS_ARRAY(node))
		return g_strdup("an array");
	text = hc_json_to_string(node);
	if (g_utf8_strlen(text, -1) > 40) {
		char *cut = g_utf8_offset_to_pointer(text, 40);
		*cut = '\0';
		return g_strdup_printf("%s…", text);
	}
	return g_steal_pointer(&text);
}

void
hc_json_set_type_error(GError **error, const char *path, const char *wanted, JsonNode *node)
{
	g_autofree char *got = hc_json_describe_value(node);
	g_set_error(error,
		    HC_ERROR,
		    HC_ERROR_INVALID_ARGUMENT,
		    "%s: expected %s, got %s",
		    path,
		    wanted,
		    got);
}

static JsonNode *
hc_json_member(JsonObject *obj,
	       const char *path,
	       const char *key,
	       gboolean required,
	       GError **error)
{
	if (json_object_has_member(obj, key))
		return json_object_get_member(obj, key);
	if (required) {
		g_autofree char *p = hc_json_path_member(path, key);
		g_set_error(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT, "%s: missing", p);
	}
	return NULL;
}

#define HC_JSON_GETTER_PROLOGUE(check, wanted)                                                     \
	JsonNode *node = hc_json_member(obj, path, key, required, error);                          \
	if (node == NULL)                                                                          \
		return !required;                                                                  \
	if (!check(node)) {                                                                        \
		g_autofree char *p = hc_json_path_member(path, key);                               \
		hc_json_set_type_error(error, p, wanted, node);                                    \
		return FALSE;                                                                      \
	}

gboolean
hc_json_get_string(JsonObject *obj,
		   const char *path,
		   const char *key,
		   gboolean required,
		   const char **out,
		   GError **error)
{
	HC_JSON_GETTER_PROLOGUE(hc_json_node_is_string, "a string")
	*out = json_node_get_string(node);
	return TRUE;
}

gboolean
hc_json_get_bool(JsonObject *obj,
		 const char *path,
		 const char *key,
		 gboolean required,
		 gboolean *out,
		 GError **error)
{
	HC_JSON_GETTER_PROLOGUE(hc_json_node_is_bool, "a boolean")
	*out = json_node_get_boolean(node);
	return TRUE;
}

gboolean
hc_json_get_int(JsonObject *obj,
		const char *path,
		const char *key,
		gboolean required,
		gint64 *out,
		GError **error)
{
	HC_JSON_GETTER_PROLOGUE(hc_json_node_is_int, "an integer")
	*out = json_node_get_int(node);
	return TRUE;
}

static gboolean
hc_json_node_is_object(JsonNode *node)
{
	return JSON_NODE_HOLDS_OBJECT(node);
}

gboolean
hc_json_get_object(JsonObject *obj,
		   const char *path,
		   const char *key,
		   gboolean required,
		   JsonObject **out,
		   GError **error)
{
	HC_JSON_GETTER_PROLOGUE(hc_json_node_is_object, "an object")
	*out = json_node_get_object(node);
	return TRUE;
}

gboolean
hc_json_get_strv(JsonObject *obj,
		 const char *path,
		 const char *key,
		 GPtrArray **out,
		 GError **error)
{
	g_autoptr(GPtrArray) arr = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *p = hc_json_path_member(path, key);
	JsonNode *node = hc_json_member(obj, path, key, FALSE, error);
	JsonArray *jarr;

	if (node != NULL) {
		if (!JSON_NODE_HOLDS_ARRAY(node)) {
			hc_json_set_type_error(error, p, "an array of strings", node);
			return FALSE;
		}
		jarr = json_node_get_array(node);
		for (guint i = 0; i < json_array_get_length(jarr); i++) {
			JsonNode *el = json_array_get_element(jarr, i);
			if (!hc_json_node_is_string(el)) {
				g_autofree char *pi = hc_json_path_index(p, i);
				hc_json_set_type_error(error, pi, "a string", el);
				return FALSE;
			}
			g_ptr_array_add(arr, g_strdup(json_node_get_string(el)));
		}
	}
	*out = g_steal_pointer(&arr);
	return TRUE;
}

gboolean
hc_json_check_members(JsonObject *obj, const char *path, const char *const *allowed, GError **error)
{
	g_autoptr(GList) members = json_object_get_members(obj);

	for (GList *l = members; l != NULL; l = l->next) {
		if (!g_strv_contains(allowed, l->data)) {
			g_autofree char *p = hc_json_path_member(path, l->data);
			g_autofree char *list = g_strjoinv(", ", (char **)allowed);
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "%s: unknown member (expected one of %s)",
				    p,
				    list);
			return FALSE;
		}
	}
	return TRUE;
}

gboolean
hc_json_equal(JsonNode *a, JsonNode *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return json_node_equal(a, b);
}

static JsonNode *
hc_json_value_clone(JsonNode *node)
{
	JsonNode *copy = json_node_alloc();

	switch (json_node_get_value_type(node)) {
	case G_TYPE_INT64:
		return json_node_init_int(copy, json_node_get_int(node));
	case G_TYPE_DOUBLE:
		return json_node_init_double(copy, json_node_get_double(node));
	case G_TYPE_BOOLEAN:
		return json_node_init_boolean(copy, json_node_get_boolean(node));
	default:
		return json_node_init_string(copy, json_node_get_string(node));
	}
}

JsonNode *
hc_json_node_clone(JsonNode *node)
{
	JsonNode *copy;

	if (node == NULL)
		return NULL;
	switch (JSON_NODE_TYPE(node)) {
	case JSON_NODE_OBJECT: {
		JsonObject *obj = json_object_new();
		JsonObjectIter iter;
		const char *name;
		JsonNode *member;

		json_object_iter_init(&iter, json_node_get_object(node));
		while (json_object_iter_next(&iter, &name, &member))
			json_object_set_member(obj, name, hc_json_node_clone(member));
		copy = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(copy, obj);
		return copy;
	}
	case JSON_NODE_ARRAY: {
		JsonArray *src = json_node_get_array(node);
		JsonArray *arr = json_array_sized_new(json_array_get_length(src));

		for (guint i = 0; i < json_array_get_length(src); i++)
			json_array_add_element(arr,
					       hc_json_node_clone(json_array_get_element(src, i)));
		copy = json_node_new(JSON_NODE_ARRAY);
		json_node_take_array(copy, arr);
		return copy;
	}
	case JSON_NODE_VALUE:
		return hc_json_value_clone(node);
	case JSON_NODE_NULL:
	default:
		return json_node_init_null(json_node_alloc());
	}
}
