/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The snapshot document of DESIGN §5, written and read with json-glib. The reader is
 * strict: every refusal is HC_ERROR_INVALID_ARGUMENT with the JSON path of the offending
 * node, so a user can find the mistake in a file they wrote or received.
 */
#include "hostcap/hc-snapshot.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-file-util.h"
#include "hc-json-reader.h"
#include "hc-snapshot-json.h"

/* ---- writer ---- */

static void
hc_json_add_value(JsonBuilder *b, GVariant *value)
{
	if (g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN)) {
		json_builder_add_boolean_value(b, g_variant_get_boolean(value));
	} else if (g_variant_is_of_type(value, G_VARIANT_TYPE_INT64)) {
		json_builder_add_int_value(b, g_variant_get_int64(value));
	} else if (g_variant_is_of_type(value, G_VARIANT_TYPE_STRING)) {
		json_builder_add_string_value(b, g_variant_get_string(value, NULL));
	} else {
		gsize n = g_variant_n_children(value);

		json_builder_begin_array(b);
		for (gsize i = 0; i < n; i++) {
			const char *elem = NULL;

			g_variant_get_child(value, i, "&s", &elem);
			json_builder_add_string_value(b, elem);
		}
		json_builder_end_array(b);
	}
}

static void
hc_json_add_string_member(JsonBuilder *b, const char *name, const char *value)
{
	json_builder_set_member_name(b, name);
	json_builder_add_string_value(b, value);
}

static void
hc_json_add_capabilities(JsonBuilder *b, HcSnapshot *snap)
{
	g_autoptr(GPtrArray) caps = hc_snapshot_list(snap, NULL);

	json_builder_set_member_name(b, "capabilities");
	json_builder_begin_object(b);
	for (guint i = 0; i < caps->len; i++) {
		const HcCapability *cap = g_ptr_array_index(caps, i);

		json_builder_set_member_name(b, cap->id);
		json_builder_begin_object(b);
		hc_json_add_string_member(b, "state", hc_cap_state_to_string(cap->state));
		if (cap->value != NULL) {
			json_builder_set_member_name(b, "value");
			hc_json_add_value(b, cap->value);
		}
		hc_json_add_string_member(b, "reason", cap->reason != NULL ? cap->reason : "");
		if (cap->probe != NULL)
			hc_json_add_string_member(b, "probe", cap->probe);
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
}

static void
hc_json_add_probes(JsonBuilder *b, HcSnapshot *snap)
{
	g_autoptr(GPtrArray) recs = hc_snapshot_list_probes(snap);

	json_builder_set_member_name(b, "probes");
	json_builder_begin_object(b);
	for (guint i = 0; i < recs->len; i++) {
		const HcProbeRecord *rec = g_ptr_array_index(recs, i);

		json_builder_set_member_name(b, rec->name);
		json_builder_begin_object(b);
		hc_json_add_string_member(b, "status", hc_probe_status_to_string(rec->status));
		json_builder_set_member_name(b, "duration_usec");
		json_builder_add_int_value(b, rec->duration_usec);
		if (rec->error != NULL)
			hc_json_add_string_member(b, "error", rec->error);
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
}

char *
hc_snapshot_to_json(HcSnapshot *snap, gboolean pretty)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;

	g_return_val_if_fail(snap != NULL, NULL);
	json_builder_begin_object(b);
	hc_json_add_string_member(b, "format", HC_SNAPSHOT_FORMAT);
	json_builder_set_member_name(b, "host");
	json_builder_begin_object(b);
	hc_json_add_string_member(b, "hostname", hc_snapshot_get_hostname(snap));
	hc_json_add_string_member(b, "boot_id", hc_snapshot_get_boot_id(snap));
	hc_json_add_string_member(b, "kernel", hc_snapshot_get_kernel(snap));
	hc_json_add_string_member(b, "arch", hc_snapshot_get_arch(snap));
	json_builder_end_object(b);
	json_builder_set_member_name(b, "generated_usec");
	json_builder_add_int_value(b, hc_snapshot_get_generated_usec(snap));
	json_builder_set_member_name(b, "generation");
	json_builder_add_int_value(b, (gint64)hc_snapshot_get_generation(snap));
	hc_json_add_string_member(b, "fingerprint", hc_snapshot_get_fingerprint(snap));
	hc_json_add_capabilities(b, snap);
	hc_json_add_probes(b, snap);
	json_builder_end_object(b);

	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, pretty);
	return json_generator_to_data(gen, NULL);
}

/* ---- reader: paths and type checks ---- */

/* ".name" for plain member names, "[\"…\"]" for anything else (ids contain dots) */
static char *
hc_path_member(const char *parent, const char *name, gssize len)
{
	/* a hostile name is echoed as a short prefix only */
	g_autofree char *key =
	    hc_json_reader_quote_prefix(name, len < 0 ? strlen(name) : (gsize)len);
	g_autofree char *escaped = NULL;
	gboolean plain = g_ascii_isalpha(key[0]) || key[0] == '_';

	for (const char *p = key; plain && *p != '\0'; p++)
		plain = g_ascii_isalnum(*p) || *p == '_';
	if (plain)
		return g_strconcat(parent, ".", key, NULL);
	escaped = g_strescape(key, "…");
	return g_strconcat(parent, "[\"", escaped, "\"]", NULL);
}

static gboolean
hc_fail(GError **error, const char *path, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static gboolean
hc_fail(GError **error, const char *path, const char *fmt, ...)
{
	va_list args;
	g_autofree char *msg = NULL;

	va_start(args, fmt);
	msg = g_strdup_vprintf(fmt, args);
	va_end(args);
	g_set_error(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT, "%s: %s", path, msg);
	return FALSE;
}

static const char *
hc_node_kind(JsonNode *node)
{
	switch (json_node_get_node_type(node)) {
	case JSON_NODE_OBJECT:
		return "an object";
	case JSON_NODE_ARRAY:
		return "an array";
	case JSON_NODE_NULL:
		return "null";
	case JSON_NODE_VALUE:
		break;
	}
	switch (json_node_get_value_type(node)) {
	case G_TYPE_BOOLEAN:
		return "a boolean";
	case G_TYPE_INT64:
		return "an integer";
	case G_TYPE_DOUBLE:
		return "a number";
	case G_TYPE_STRING:
		return "a string";
	default:
		return "a value";
	}
}

static gboolean
hc_node_is(JsonNode *node, GType type)
{
	return JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == type;
}

static JsonObject *
hc_expect_object(JsonNode *node, const char *path, GError **error)
{
	if (!JSON_NODE_HOLDS_OBJECT(node)) {
		hc_fail(error, path, "expected an object, got %s", hc_node_kind(node));
		return NULL;
	}
	return json_node_get_object(node);
}

/* refuses members the format does not define: a typo must not pass silently */
static gboolean
hc_check_members(JsonObject *obj, const char *path, const char *const *allowed, GError **error)
{
	g_autoptr(GList) names = json_object_get_members(obj);

	for (GList *l = names; l != NULL; l = l->next) {
		if (!g_strv_contains(allowed, l->data)) {
			g_autofree char *mpath = hc_path_member(path, l->data, -1);

			return hc_fail(error, mpath, "unknown member");
		}
	}
	return TRUE;
}

/* member @name of @obj holding a value of @type (@wanted names it in the message): *node is
 * NULL when it is absent and not @required */
static gboolean
hc_get_value(JsonObject *obj,
	     const char *path,
	     const char *name,
	     gboolean required,
	     GType type,
	     const char *wanted,
	     JsonNode **node,
	     GError **error)
{
	g_autofree char *mpath = NULL;

	*node = json_object_get_member(obj, name);
	if (*node == NULL ? !required : hc_node_is(*node, type))
		return TRUE;
	/* the path only for the error: this runs for every member of a snapshot */
	mpath = hc_path_member(path, name, -1);
	if (*node == NULL)
		return hc_fail(error, mpath, "missing");
	return hc_fail(error, mpath, "expected %s, got %s", wanted, hc_node_kind(*node));
}

/* a string member: *out is borrowed; stays NULL when absent and not @required */
static gboolean
hc_get_string(JsonObject *obj,
	      const char *path,
	      const char *name,
	      gboolean required,
	      const char **out,
	      GError **error)
{
	JsonNode *node = NULL;

	*out = NULL;
	if (!hc_get_value(obj, path, name, required, G_TYPE_STRING, "a string", &node, error))
		return FALSE;
	if (node != NULL)
		*out = json_node_get_string(node);
	return TRUE;
}

/* a non-negative integer member; *out is left as it is when absent and not @required */
static gboolean
hc_get_int(JsonObject *obj,
	   const char *path,
	   const char *name,
	   gboolean required,
	   gint64 *out,
	   GError **error)
{
	JsonNode *node = NULL;

	if (!hc_get_value(obj, path, name, required, G_TYPE_INT64, "an integer", &node, error))
		return FALSE;
	if (node == NULL)
		return TRUE;
	*out = json_node_get_int(node);
	if (*out < 0) {
		g_autofree char *mpath = hc_path_member(path, name, -1);
		return hc_fail(error, mpath, "expected a non-negative integer");
	}
	return TRUE;
}

/* ---- reader: the document ---- */

static gboolean
hc_parse_value(JsonNode *node, const char *path, GVariant **out, GError **error)
{
	if (hc_node_is(node, G_TYPE_BOOLEAN)) {
		*out = g_variant_new_boolean(json_node_get_boolean(node));
		return TRUE;
	}
	if (hc_node_is(node, G_TYPE_INT64)) {
		*out = g_variant_new_int64(json_node_get_int(node));
		return TRUE;
	}
	if (hc_node_is(node, G_TYPE_STRING)) {
		*out = g_variant_new_string(json_node_get_string(node));
		return TRUE;
	}
	if (JSON_NODE_HOLDS_ARRAY(node)) {
		JsonArray *arr = json_node_get_array(node);
		guint n = json_array_get_length(arr);
		g_autoptr(GPtrArray) strv = g_ptr_array_new();

		for (guint i = 0; i < n; i++) {
			JsonNode *elem = json_array_get_element(arr, i);

			if (!hc_node_is(elem, G_TYPE_STRING)) {
				g_autofree char *epath = g_strdup_printf("%s[%u]", path, i);

				return hc_fail(error,
					       epath,
					       "expected a string, got %s",
					       hc_node_kind(elem));
			}
			g_ptr_array_add(strv, (gpointer)json_node_get_string(elem));
		}
		*out = g_variant_new_strv((const char *const *)strv->pdata, (gssize)strv->len);
		return TRUE;
	}
	return hc_fail(error,
		       path,
		       "expected a boolean, an integer, a string or an array of strings, got %s",
		       hc_node_kind(node));
}

static const char *const hc_cap_members[] = {"state", "value", "reason", "probe", NULL};

static gboolean
hc_parse_capability(HcSnapshot *snap,
		    const char *id,
		    JsonNode *node,
		    const char *parent,
		    GError **error)
{
	g_autofree char *path = hc_path_member(parent, id, -1);
	g_autofree char *state_path = NULL;
	g_autofree char *value_path = NULL;
	g_autoptr(GVariant) value = NULL;
	JsonObject *obj;
	JsonNode *value_node;
	const char *state_name = NULL;
	const char *reason = NULL;
	const char *probe = NULL;
	HcCapState state;
	HcCapability *cap;

	if (!hc_capability_id_is_valid(id))
		return hc_fail(error,
			       path,
			       "invalid capability id, expected ^[a-z0-9]+(\\.[a-z0-9_-]+)+$");
	obj = hc_expect_object(node, path, error);
	if (obj == NULL || !hc_check_members(obj, path, hc_cap_members, error))
		return FALSE;
	if (!hc_get_string(obj, path, "state", TRUE, &state_name, error) ||
	    !hc_get_string(obj, path, "reason", TRUE, &reason, error) ||
	    !hc_get_string(obj, path, "probe", FALSE, &probe, error))
		return FALSE;
	if (!hc_cap_state_from_string(state_name, &state)) {
		state_path = hc_path_member(path, "state", -1);
		return hc_fail(
		    error,
		    state_path,
		    "expected one of supported, unsupported, disabled, unknown, got \"%s\"",
		    state_name);
	}
	value_node = json_object_get_member(obj, "value");
	if (value_node != NULL) {
		value_path = hc_path_member(path, "value", -1);
		if (!hc_parse_value(value_node, value_path, &value, error))
			return FALSE;
	}
	cap = hc_capability_new(id, state, g_steal_pointer(&value), reason);
	cap->probe = g_strdup(probe);
	hc_snapshot_take_capability(snap, cap);
	return TRUE;
}

static const char *const hc_probe_members[] = {"status", "duration_usec", "error", NULL};

static gboolean
hc_parse_probe(HcSnapshot *snap,
	       const char *name,
	       JsonNode *node,
	       const char *parent,
	       GError **error)
{
	g_autofree char *path = hc_path_member(parent, name, -1);
	g_autofree char *status_path = hc_path_member(path, "status", -1);
	JsonObject *obj = hc_expect_object(node, path, error);
	const char *status_name = NULL;
	const char *err = NULL;
	gint64 duration = 0;
	HcProbeStatus status;

	if (obj == NULL || !hc_check_members(obj, path, hc_probe_members, error))
		return FALSE;
	if (name[0] == '\0')
		return hc_fail(error, path, "empty probe name");
	if (!hc_get_string(obj, path, "status", TRUE, &status_name, error) ||
	    !hc_get_int(obj, path, "duration_usec", FALSE, &duration, error) ||
	    !hc_get_string(obj, path, "error", FALSE, &err, error))
		return FALSE;
	if (!hc_probe_status_from_string(status_name, &status))
		return hc_fail(error,
			       status_path,
			       "expected one of ok, failed, timed-out, disabled, got \"%s\"",
			       status_name);
	hc_snapshot_take_probe(snap, hc_probe_record_new(name, status, duration, err));
	return TRUE;
}

typedef gboolean (*HcParseMemberFunc)(HcSnapshot *snap,
				      const char *name,
				      JsonNode *node,
				      const char *parent,
				      GError **error);

/* walks a map-shaped object ("capabilities", "probes") in sorted order, so the first error
 * reported is the same whatever order the file lists them in */
static gboolean
hc_parse_map(HcSnapshot *snap,
	     JsonObject *root,
	     const char *member,
	     gboolean required,
	     HcParseMemberFunc func,
	     GError **error)
{
	g_autofree char *path = hc_path_member("$", member, -1);
	JsonNode *node = json_object_get_member(root, member);
	g_autoptr(GList) names = NULL;
	JsonObject *obj;

	if (node == NULL)
		return required ? hc_fail(error, path, "missing") : TRUE;
	obj = hc_expect_object(node, path, error);
	if (obj == NULL)
		return FALSE;
	names = g_list_sort(json_object_get_members(obj), (GCompareFunc)strcmp);
	for (GList *l = names; l != NULL; l = l->next) {
		if (!func(snap, l->data, json_object_get_member(obj, l->data), path, error))
			return FALSE;
	}
	return TRUE;
}

static const char *const hc_host_members[] = {"hostname", "boot_id", "kernel", "arch", NULL};

static gboolean
hc_parse_host(HcSnapshot *snap, JsonObject *root, GError **error)
{
	JsonNode *node = json_object_get_member(root, "host");
	const char *fields[4] = {NULL};
	JsonObject *obj;

	if (node == NULL)
		return TRUE;
	obj = hc_expect_object(node, "$.host", error);
	if (obj == NULL || !hc_check_members(obj, "$.host", hc_host_members, error))
		return FALSE;
	for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
		if (!hc_get_string(obj, "$.host", hc_host_members[i], FALSE, &fields[i], error))
			return FALSE;
	}
	hc_snapshot_set_host(snap, fields[0], fields[1], fields[2], fields[3]);
	return TRUE;
}

static const char *const hc_root_members[] = {"format",
					      "host",
					      "generated_usec",
					      "generation",
					      "fingerprint",
					      "capabilities",
					      "probes",
					      NULL};

static gboolean
hc_parse_root(HcSnapshot *snap, JsonNode *root_node, GError **error)
{
	JsonObject *root = hc_expect_object(root_node, "$", error);
	const char *format = NULL;
	const char *fingerprint = NULL;
	gint64 generated_usec = 0;
	gint64 generation = 0;

	if (root == NULL)
		return FALSE;
	/* another kind of JSON file (a spec, a report) handed where a snapshot belongs */
	if (!json_object_has_member(root, "format") &&
	    !json_object_has_member(root, "capabilities"))
		return hc_fail(error,
			       "$",
			       "not a hostcapd snapshot (no \"format\": \"%s\"); hostcapctl export "
			       "writes one",
			       HC_SNAPSHOT_FORMAT);
	if (!hc_check_members(root, "$", hc_root_members, error))
		return FALSE;
	if (!hc_get_string(root, "$", "format", TRUE, &format, error))
		return FALSE;
	if (!g_str_equal(format, HC_SNAPSHOT_FORMAT))
		return hc_fail(error,
			       "$.format",
			       "expected \"%s\", got \"%s\"",
			       HC_SNAPSHOT_FORMAT,
			       format);
	if (!hc_parse_host(snap, root, error) ||
	    !hc_get_int(root, "$", "generated_usec", FALSE, &generated_usec, error) ||
	    !hc_get_int(root, "$", "generation", FALSE, &generation, error) ||
	    !hc_get_string(root, "$", "fingerprint", FALSE, &fingerprint, error) ||
	    !hc_parse_map(snap, root, "capabilities", TRUE, hc_parse_capability, error) ||
	    !hc_parse_map(snap, root, "probes", FALSE, hc_parse_probe, error))
		return FALSE;
	hc_snapshot_set_generated_usec(snap, generated_usec);
	hc_snapshot_set_generation(snap, (guint64)generation);
	/* the stored fingerprint is optional (hand-written fixtures), but when present it must
	 * be the one of the content: an edited snapshot is refused, not silently re-signed */
	if (fingerprint != NULL && !g_str_equal(fingerprint, hc_snapshot_get_fingerprint(snap)))
		return hc_fail(error,
			       "$.fingerprint",
			       "fingerprint does not match content (stored %s, computed %s)",
			       fingerprint,
			       hc_snapshot_get_fingerprint(snap));
	return TRUE;
}

HcSnapshot *
hc_snapshot_from_json(const char *data, gsize len, GError **error)
{
	g_autoptr(HcSnapshot) snap = hc_snapshot_new();
	g_autoptr(JsonNode) root = NULL;

	g_return_val_if_fail(data != NULL || len == 0, NULL);
	if (len > HC_LIMIT_SNAPSHOT_BYTES) {
		hc_fail(error,
			"$",
			"snapshot is %" G_GSIZE_FORMAT " bytes, over the limit of %d",
			len,
			HC_LIMIT_SNAPSHOT_BYTES);
		return NULL;
	}
	/* the root's type is judged by hc_parse_root, with the schema's own words */
	root = hc_json_reader_parse(data,
				    len,
				    HC_LIMIT_SNAPSHOT_BYTES,
				    HC_LIMIT_NESTING,
				    HC_JSON_READER_ANY_ROOT,
				    error);
	if (root == NULL)
		return NULL;
	if (!hc_parse_root(snap, root, error))
		return NULL;
	return g_steal_pointer(&snap);
}

HcSnapshot *
hc_snapshot_from_json_node(JsonNode *root, GError **error)
{
	g_autoptr(HcSnapshot) snap = hc_snapshot_new();

	g_return_val_if_fail(root != NULL, NULL);
	if (!hc_parse_root(snap, root, error))
		return NULL;
	return g_steal_pointer(&snap);
}

HcSnapshot *
hc_snapshot_load_file(const char *path, GError **error)
{
	g_autofree char *data = NULL;
	HcSnapshot *snap;
	gsize len = 0;

	g_return_val_if_fail(path != NULL, NULL);
	if (!hc_file_read_limited(path,
				  "snapshot",
				  HC_LIMIT_SNAPSHOT_BYTES,
				  HC_FILE_READ_NONE,
				  &data,
				  &len,
				  error))
		return NULL;
	snap = hc_snapshot_from_json(data, len, error);
	if (snap == NULL)
		g_prefix_error(error, "%s: ", path);
	return snap;
}
