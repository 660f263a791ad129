/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* strict JSON reading for the verdict modules: every error carries a JSON path */

/**
 * hc_json_parse_strict:
 * @what: what the text is, for messages ("spec", "features.d/net.json")
 *
 * Refuses input over @max_bytes, with NUL bytes or invalid UTF-8, nested deeper than
 * @max_depth (checked before json-glib sees it) or whose root is not an object.
 * Errors are HC_ERROR_INVALID_ARGUMENT.
 */
JsonNode *
hc_json_parse_strict(const char *data, gsize len, gsize max_bytes, guint max_depth, GError **error);

/* "$.features" + "memory.size_mib" → $.features["memory.size_mib"]; plain names → $.a.b */
char *
hc_json_path_member(const char *path, const char *key);
/* "$.a" + 3 → $.a[3] */
char *
hc_json_path_index(const char *path, guint index);

/* the node as compact JSON, cut at 40 characters */
char *
hc_json_describe_value(JsonNode *node);

/* sets "<path>: expected <wanted>, got <value>" */
void
hc_json_set_type_error(GError **error, const char *path, const char *wanted, JsonNode *node);

gboolean
hc_json_node_is_int(JsonNode *node);
gboolean
hc_json_node_is_string(JsonNode *node);
gboolean
hc_json_node_is_bool(JsonNode *node);

/* typed member readers: a missing optional member leaves *out untouched */
gboolean
hc_json_get_string(JsonObject *obj,
		   const char *path,
		   const char *key,
		   gboolean required,
		   const char **out,
		   GError **error);
gboolean
hc_json_get_bool(JsonObject *obj,
		 const char *path,
		 const char *key,
		 gboolean required,
		 gboolean *out,
		 GError **error);
gboolean
hc_json_get_int(JsonObject *obj,
		const char *path,
		const char *key,
		gboolean required,
		gint64 *out,
		GError **error);
/* an optional array of strings; *out is a new array (empty when absent) */
gboolean
hc_json_get_strv(JsonObject *obj,
		 const char *path,
		 const char *key,
		 GPtrArray **out,
		 GError **error);
gboolean
hc_json_get_object(JsonObject *obj,
		   const char *path,
		   const char *key,
		   gboolean required,
		   JsonObject **out,
		   GError **error);
/* every member of @obj must be in @allowed (NULL-terminated); error names the first other */
gboolean
hc_json_check_members(JsonObject *obj,
		      const char *path,
		      const char *const *allowed,
		      GError **error);

/* compact JSON of @node */
char *
hc_json_to_string(JsonNode *node);
gboolean
hc_json_equal(JsonNode *a, JsonNode *b);

/* a deep copy of @node that shares nothing with it. json_node_copy() shares the value and
 * counts the sharing without atomics in json-glib 1.6, so a node that several threads copy
 * (the catalogue's values, read by every check worker) must be cloned instead */
JsonNode *
hc_json_node_clone(JsonNode *node);

G_END_DECLS
