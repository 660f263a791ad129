/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <gio/gio.h>
#include <string.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-cache.h"
#include "hc-file-util.h"
#include "hc-json-reader.h"
#include "hc-snapshot-json.h"

/* the snapshot's own limit plus room for the wrapper and key */
#define HC_CACHE_MAX_BYTES (HC_LIMIT_SNAPSHOT_BYTES + 64 * 1024)

/* a regular file only: a FIFO or device must not block or feed the daemon */
static gboolean
hc_cache_read(const char *path, char **data, gsize *len, gboolean *missing, char **reason)
{
	g_autoptr(GError) error = NULL;

	if (!hc_file_read_limited(path,
				  "cache",
				  HC_CACHE_MAX_BYTES,
				  HC_FILE_READ_REGULAR_ONLY,
				  data,
				  len,
				  &error)) {
		*missing = g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
		*reason = g_strdup(error->message);
		return FALSE;
	}
	return TRUE;
}

/* the wrapper's members, strictly: nothing missing, nothing extra */
static gboolean
hc_cache_check_wrapper(JsonObject *obj, char **reason)
{
	static const char *const members[] = {"format", "key", "saved_usec", "snapshot"};
	const char *format;
	JsonNode *saved;
	JsonNode *node;

	node = json_object_get_member(obj, "format");
	format = node != NULL && JSON_NODE_HOLDS_VALUE(node) &&
			 json_node_get_value_type(node) == G_TYPE_STRING
		     ? json_node_get_string(node)
		     : NULL;
	if (g_strcmp0(format, HC_CACHE_FORMAT) != 0) {
		g_autofree char *cut =
		    format != NULL ? hc_json_reader_quote_prefix(format, strlen(format)) : NULL;
		*reason = g_strdup_printf("foreign format %s%s%s, expected " HC_CACHE_FORMAT,
					  cut != NULL ? "'" : "",
					  cut != NULL ? cut : "(none)",
					  cut != NULL ? "'" : "");
		return FALSE;
	}
	for (guint i = 0; i < G_N_ELEMENTS(members); i++) {
		if (!json_object_has_member(obj, members[i])) {
			*reason = g_strdup_printf("$.%s: missing", members[i]);
			return FALSE;
		}
	}
	if (json_object_get_size(obj) != G_N_ELEMENTS(members)) {
		*reason = g_strdup("$: unexpected members");
		return FALSE;
	}
	saved = json_object_get_member(obj, "saved_usec");
	if (!JSON_NODE_HOLDS_VALUE(saved) || json_node_get_value_type(saved) != G_TYPE_INT64) {
		*reason = g_strdup("$.saved_usec: expected an integer");
		return FALSE;
	}
	return TRUE;
}

static HcSnapshot *
hc_cache_parse_snapshot(JsonNode *node, char **reason)
{
	g_autoptr(GError) error = NULL;
	HcSnapshot *snap;

	/* from the parsed node: printing it and parsing it again was a third of a warm start */
	snap = hc_snapshot_from_json_node(node, &error);
	if (snap == NULL)
		*reason = g_strdup_printf("snapshot: %s", error->message);
	return snap;
}

HcCacheStatus
hc_cache_load(const char *dir,
	      const HcCacheKey *key,
	      HcSnapshot **snapshot,
	      gint64 *saved_usec,
	      char **reason)
{
	g_autofree char *path = g_build_filename(dir, HC_CACHE_FILE_NAME, NULL);
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(HcCacheKey) cached = NULL;
	g_autoptr(HcSnapshot) snap = NULL;
	g_autofree char *data = NULL;
	gboolean missing = FALSE;
	JsonObject *obj;
	gsize len = 0;

	*snapshot = NULL;
	if (!hc_cache_read(path, &data, &len, &missing, reason))
		return missing ? HC_CACHE_MISSING : HC_CACHE_INVALID;
	if (len == 0) {
		*reason = g_strdup("empty file");
		return HC_CACHE_INVALID;
	}
	/* the strict reader: a hostile or truncated file is refused with its reason before
	 * json-glib recurses into it; mutable nodes, sealing is wasted on a tree read once */
	root = hc_json_reader_parse(data,
				    len,
				    HC_CACHE_MAX_BYTES,
				    HC_LIMIT_NESTING + 1,
				    HC_JSON_READER_MUTABLE,
				    &error);
	if (root == NULL) {
		*reason = g_strdup_printf("not JSON (truncated?): %s", error->message);
		return HC_CACHE_INVALID;
	}
	obj = json_node_get_object(root);
	if (!hc_cache_check_wrapper(obj, reason))
		return HC_CACHE_INVALID;
	cached = hc_cache_key_from_json(json_object_get_member(obj, "key"), "$.key", &error);
	if (cached == NULL) {
		*reason = g_strdup(error->message);
		return HC_CACHE_INVALID;
	}
	snap = hc_cache_parse_snapshot(json_object_get_member(obj, "snapshot"), reason);
	if (snap == NULL)
		return HC_CACHE_INVALID;
	*saved_usec = json_object_get_int_member(obj, "saved_usec");
	*snapshot = g_steal_pointer(&snap);
	*reason = hc_cache_key_compare(cached, key);
	return *reason == NULL ? HC_CACHE_VALID : HC_CACHE_STALE;
}

gboolean
hc_cache_save(const char *dir, const HcCacheKey *key, HcSnapshot *snap, GError **error)
{
	g_autofree char *path = g_build_filename(dir, HC_CACHE_FILE_NAME, NULL);
	g_autofree char *snap_json = hc_snapshot_to_json(snap, FALSE);
	g_autoptr(JsonParser) parser = json_parser_new_immutable();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *text = NULL;
	JsonObject *obj = json_object_new();
	gsize len = 0;

	if (g_mkdir_with_parents(dir, 0755) < 0) {
		json_object_unref(obj);
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(errno),
			    "creating %s: %s",
			    dir,
			    g_strerror(errno));
		return FALSE;
	}
	if (!json_parser_load_from_data(parser, snap_json, -1, error)) {
		json_object_unref(obj);
		g_prefix_error(error, "re-reading the snapshot: ");
		return FALSE;
	}
	json_object_set_string_member(obj, "format", HC_CACHE_FORMAT);
	json_object_set_member(obj, "key", hc_cache_key_to_json(key));
	json_object_set_int_member(obj, "saved_usec", g_get_real_time());
	json_object_set_member(obj, "snapshot", json_node_copy(json_parser_get_root(parser)));
	root = json_node_init_object(json_node_alloc(), obj);
	json_object_unref(obj);
	json_generator_set_root(gen, root);
	text = json_generator_to_data(gen, &len);
	/* CONSISTENT: temporary file + rename; DURABLE: fsync before the rename */
	if (!g_file_set_contents_full(path,
				      text,
				      (gssize)len,
				      G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
				      0644,
				      error)) {
		g_prefix_error(error, "writing the cache: ");
		return FALSE;
	}
	return TRUE;
}
