/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `hostcapctl history [ID-PREFIX…]`: the daemon's change log, one JSON object per line:
 *   {"time_usec", "boot_id", "kernel", "generation",
 *    "changes": [{"id", "old": {"state", "value"?} | null, "new": {…} | null}]}
 * read strictly: a bad line is reported with its file, line number and JSON path.
 */
#include "hc-config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hostcap/hc-error.h"

#include "hc-ctl-offline.h"
#include "hc-history-entry.h"
#include "hc-ctl-output.h"
#include "hc-ctl.h"

/* a history file is bounded by the daemon's rotation; this only guards against garbage */
#define HC_CTL_HISTORY_MAX_BYTES (64 * 1024 * 1024)

/* JSON value → the text hc_capability_value_to_string() would give */
static char *
side_text(JsonNode *side)
{
	JsonObject *obj;
	JsonNode *value;
	const char *state;

	if (side == NULL || JSON_NODE_HOLDS_NULL(side))
		return g_strdup("(absent)");
	obj = json_node_get_object(side);
	state = json_object_get_string_member(obj, "state");
	value = json_object_get_member(obj, "value");
	if (value == NULL || JSON_NODE_HOLDS_NULL(value))
		return g_strdup(state);
	if (JSON_NODE_HOLDS_ARRAY(value)) {
		g_autoptr(GString) s = g_string_new(NULL);
		JsonArray *arr = json_node_get_array(value);
		for (guint i = 0; i < json_array_get_length(arr); i++) {
			JsonNode *el = json_array_get_element(arr, i);
			g_string_append_printf(s,
					       "%s%s",
					       i > 0 ? ", " : "",
					       JSON_NODE_HOLDS_VALUE(el) &&
						       json_node_get_value_type(el) == G_TYPE_STRING
						   ? json_node_get_string(el)
						   : "?");
		}
		return g_strdup_printf("%s (%s)", state, s->str);
	}
	if (json_node_get_value_type(value) == G_TYPE_BOOLEAN)
		return g_strdup_printf("%s (%s)",
				       state,
				       json_node_get_boolean(value) ? "yes" : "no");
	if (json_node_get_value_type(value) == G_TYPE_INT64)
		return g_strdup_printf("%s (%" G_GINT64_FORMAT ")",
				       state,
				       json_node_get_int(value));
	if (json_node_get_value_type(value) == G_TYPE_STRING)
		return g_strdup_printf("%s (%s)", state, json_node_get_string(value));
	return g_strdup(state);
}

static gboolean
id_selected(const char *id, char **patterns)
{
	if (patterns == NULL || patterns[0] == NULL)
		return TRUE;
	for (guint i = 0; patterns[i] != NULL; i++) {
		if (hc_capability_id_matches(id, patterns[i]))
			return TRUE;
	}
	return FALSE;
}

/* drops the changes the prefixes do not select; FALSE when none is left */
static gboolean
filter_entry(JsonNode *root, char **patterns)
{
	JsonArray *changes = json_object_get_array_member(json_node_get_object(root), "changes");
	for (guint i = json_array_get_length(changes); i > 0; i--) {
		JsonObject *c = json_array_get_object_element(changes, i - 1);
		if (!id_selected(json_object_get_string_member(c, "id"), patterns))
			json_array_remove_element(changes, i - 1);
	}
	return json_array_get_length(changes) > 0 || patterns == NULL || patterns[0] == NULL;
}

/* the entry of the daemon's first pass sets every capability at once: one line for it
 * ("first snapshot: 799 capabilities (120 supported, …)"), --json keeps each */
static gboolean
print_first_snapshot(JsonArray *changes)
{
	guint n = json_array_get_length(changes);
	guint counts[HC_CAP_STATE_LAST] = {0};
	g_autoptr(GString) line = g_string_new(NULL);

	if (n < 2)
		return FALSE;
	for (guint i = 0; i < n; i++) {
		JsonObject *c = json_array_get_object_element(changes, i);
		JsonNode *old = json_object_get_member(c, "old");
		JsonNode *new_side = json_object_get_member(c, "new");
		HcCapState st;
		if ((old != NULL && !JSON_NODE_HOLDS_NULL(old)) || new_side == NULL ||
		    !JSON_NODE_HOLDS_OBJECT(new_side))
			return FALSE;
		if (hc_cap_state_from_string(
			json_object_get_string_member(json_node_get_object(new_side), "state"),
			&st))
			counts[st]++;
	}
	g_string_printf(line, "  first snapshot: %u capabilities (", n);
	for (HcCapState s = 0, shown = 0; s < HC_CAP_STATE_LAST; s++) {
		if (counts[s] == 0)
			continue;
		g_string_append_printf(line,
				       "%s%u %s",
				       shown++ > 0 ? ", " : "",
				       counts[s],
				       hc_cap_state_to_string(s));
	}
	g_print("%s)\n", line->str);
	return TRUE;
}

static void
print_entry(HcCtlContext *ctx, JsonNode *root, gboolean filtered)
{
	JsonObject *obj = json_node_get_object(root);
	JsonArray *changes = json_object_get_array_member(obj, "changes");
	g_autofree char *when =
	    hc_ctl_format_timestamp(json_object_get_int_member(obj, "time_usec"));
	g_autofree char *boot = g_strndup(json_object_get_string_member(obj, "boot_id"), 8);

	g_print("%s%s%s  generation %" G_GINT64_FORMAT "  kernel %s  boot %s\n",
		ctx->colour ? HC_CTL_ANSI_HIGHLIGHT : "",
		when,
		ctx->colour ? HC_CTL_ANSI_NORMAL : "",
		json_object_get_int_member(obj, "generation"),
		json_object_get_string_member(obj, "kernel"),
		boot);
	if (!filtered && print_first_snapshot(changes))
		return;
	for (guint i = 0; i < json_array_get_length(changes); i++) {
		JsonObject *c = json_array_get_object_element(changes, i);
		g_autofree char *old = side_text(json_object_get_member(c, "old"));
		g_autofree char *new_text = side_text(json_object_get_member(c, "new"));
		g_print("  %s: %s → %s\n", json_object_get_string_member(c, "id"), old, new_text);
	}
}

int
hc_ctl_verb_history(HcCtlContext *ctx, char **args, GError **error)
{
	g_autofree char *default_path = g_build_filename(HC_STATEDIR, "history.jsonl", NULL);
	const char *path = ctx->history_file != NULL ? ctx->history_file : default_path;
	g_autofree char *data = NULL;
	g_autoptr(JsonArray) out = json_array_new();
	g_auto(GStrv) lines = NULL;
	gsize len = 0;

	g_autoptr(GError) read_error = NULL;

	if (!hc_ctl_offline_read_input(path, HC_CTL_HISTORY_MAX_BYTES, &data, &len, &read_error)) {
		/* a daemon that never saw a change has not written the file yet */
		if (ctx->history_file == NULL &&
		    g_error_matches(read_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)) {
			if (ctx->json)
				g_print("[]\n");
			else
				g_print("No capability changes recorded (%s does not exist).\n",
					path);
			return HC_CTL_EXIT_YES;
		}
		g_propagate_error(error, g_steal_pointer(&read_error));
		return -1;
	}
	lines = g_strsplit(data, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autoptr(GError) line_error = NULL;
		g_autoptr(JsonNode) root = NULL;
		if (g_strstrip(lines[i])[0] == '\0')
			continue;
		/* a bad line (a torn write, an edit) is reported and skipped: the rest of the
		 * record stays readable */
		root = hc_history_entry_parse(lines[i], strlen(lines[i]), &line_error);
		if (root == NULL) {
			g_printerr("%s:%u: %s, skipping\n", path, i + 1, line_error->message);
			continue;
		}
		if (filter_entry(root, args + 1))
			json_array_add_element(out, json_node_ref(root));
	}
	if (ctx->json) {
		g_autoptr(JsonNode) node = json_node_init_array(json_node_alloc(), out);
		hc_ctl_print_json(node);
		return HC_CTL_EXIT_YES;
	}
	if (json_array_get_length(out) == 0)
		g_print("No capability changes recorded in %s.\n", path);
	for (guint i = 0; i < json_array_get_length(out); i++)
		print_entry(ctx, json_array_get_element(out, i), args[1] != NULL);
	return HC_CTL_EXIT_YES;
}
