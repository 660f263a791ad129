/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * declarative probe: site facts an admin adds without code, from probes.d/<name>.json in each
 * data dir (later dirs override a file of the same name). Format: docs/probes.d.md. A bad
 * file or entry never stops the others: it is reported as site.probes_d.<file-stem>
 * "unknown" with the JSON path of the problem, and skipped. Entries only read files.
 *
 * Interfaces: the files the entries name, through the probe context (sysroot); see
 * hc-declarative-kinds.c.
 */
#include <json-glib/json-glib.h>
#include <string.h>

#include "hostcap/hc-dbus.h"

#include "hc-declarative.h"
#include "hc-file-util.h"
#include "hc-json-reader.h"
#include "hc-probe-declarative.h"

#define HC_DECL_SUBDIR "probes.d"
/* far more than any site file needs; the read is refused on the file's size */
#define HC_DECL_FILE_MAX (1024 * 1024)

static const char *const hc_decl_types[] = {"int", "bool", "string", "regex", NULL};

static const char *const hc_probe_declarative_ids[] = {
    "site.probes_d.files",
    NULL,
};

static void
hc_decl_entry_free(HcDeclEntry *e)
{
	g_free(e->id);
	g_free(e->type);
	g_clear_pointer(&e->regex, g_regex_unref);
	g_free(e->path);
	g_free(e->option);
	g_free(e->module);
	g_free(e->param);
	g_free(e->name);
	g_free(e);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcDeclEntry, hc_decl_entry_free)

static const HcDeclKind *
hc_decl_kind_lookup(const char *name)
{
	for (guint i = 0; hc_decl_kinds[i].name != NULL; i++) {
		if (g_strcmp0(hc_decl_kinds[i].name, name) == 0)
			return &hc_decl_kinds[i];
	}
	return NULL;
}

/* the member as a string, or NULL */
static const char *
hc_decl_get_string(JsonObject *obj, const char *member)
{
	JsonNode *node = json_object_get_member(obj, member);

	if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) ||
	    json_node_get_value_type(node) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(node);
}

static gboolean
hc_decl_parse_type(HcDeclEntry *e, JsonObject *obj, guint index, char **err)
{
	const char *type = hc_decl_get_string(obj, "type");
	const char *pattern = hc_decl_get_string(obj, "regex");
	g_autoptr(GError) error = NULL;

	if (json_object_has_member(obj, "type") &&
	    (type == NULL || !g_strv_contains(hc_decl_types, type))) {
		*err = g_strdup_printf("$.probes[%u].type: must be one of int, bool, string, regex",
				       index);
		return FALSE;
	}
	e->type = g_strdup(type != NULL				     ? type
			   : g_strcmp0(e->kind->name, "sysctl") == 0 ? "int"
								     : "string");
	if (g_strcmp0(e->type, "regex") != 0)
		return TRUE;
	if (pattern == NULL) {
		*err = g_strdup_printf("$.probes[%u].regex: missing for type regex", index);
		return FALSE;
	}
	e->regex = g_regex_new(pattern, G_REGEX_MULTILINE, 0, &error);
	if (e->regex == NULL) {
		*err = g_strdup_printf("$.probes[%u].regex: %s", index, error->message);
		return FALSE;
	}
	if (g_regex_get_capture_count(e->regex) < 1) {
		*err = g_strdup_printf("$.probes[%u].regex: needs one capture group", index);
		return FALSE;
	}
	return TRUE;
}

/* NULL with *err set to "$.probes[N].member: what" for a bad entry */
static HcDeclEntry *
hc_decl_entry_parse(JsonNode *node, guint index, char **err)
{
	g_autoptr(HcDeclEntry) e = g_new0(HcDeclEntry, 1);
	JsonObject *obj;
	const char *id;
	const char *kind;

	if (!JSON_NODE_HOLDS_OBJECT(node)) {
		*err = g_strdup_printf("$.probes[%u]: not an object", index);
		return NULL;
	}
	obj = json_node_get_object(node);
	id = hc_decl_get_string(obj, "id");
	if (id == NULL || !g_str_has_prefix(id, "site.") || !hc_capability_id_is_valid(id)) {
		*err =
		    g_strdup_printf("$.probes[%u].id: must be a valid id under \"site.\"", index);
		return NULL;
	}
	kind = hc_decl_get_string(obj, "kind");
	e->kind = hc_decl_kind_lookup(kind);
	if (e->kind == NULL) {
		*err = g_strdup_printf("$.probes[%u].kind: unknown kind \"%s\"",
				       index,
				       kind != NULL ? kind : "");
		return NULL;
	}
	for (guint i = 0; i < G_N_ELEMENTS(e->kind->required) && e->kind->required[i] != NULL;
	     i++) {
		if (hc_decl_get_string(obj, e->kind->required[i]) == NULL) {
			*err = g_strdup_printf("$.probes[%u].%s: missing or not a string",
					       index,
					       e->kind->required[i]);
			return NULL;
		}
	}
	e->id = g_strdup(id);
	e->path = g_strdup(hc_decl_get_string(obj, "path"));
	e->option = g_strdup(hc_decl_get_string(obj, "option"));
	e->module = g_strdup(hc_decl_get_string(obj, "module"));
	e->param = g_strdup(hc_decl_get_string(obj, "param"));
	e->name = g_strdup(hc_decl_get_string(obj, "name"));
	if (e->path != NULL && (!g_path_is_absolute(e->path) || strstr(e->path, "/../") != NULL)) {
		*err = g_strdup_printf("$.probes[%u].path: must be absolute, without ..", index);
		return NULL;
	}
	if (!hc_decl_parse_type(e, obj, index, err))
		return NULL;
	return g_steal_pointer(&e);
}

/* "Site Checks.json" -> "site_checks" */
static char *
hc_decl_file_stem(const char *basename)
{
	g_autofree char *stem = g_strndup(basename, strlen(basename) - strlen(".json"));
	char *lower = g_ascii_strdown(stem, -1);

	for (char *p = lower; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
			*p = '_';
	}
	return lower;
}

/* runs the entries of one file; problems are collected in @problems */
static void
hc_decl_run_file(HcProbeContext *ctx, const char *path, GHashTable *seen, GPtrArray *problems)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *data = NULL;
	gsize len = 0;
	JsonNode *member;
	JsonArray *probes;

	/* a regular file only, opened non-blocking: a FIFO in probes.d must not hang the pass */
	if (!hc_file_read_limited(path,
				  "probes.d file",
				  HC_DECL_FILE_MAX,
				  HC_FILE_READ_REGULAR_ONLY,
				  &data,
				  &len,
				  &error)) {
		g_ptr_array_add(problems, g_strdup(error->message));
		return;
	}
	root = hc_json_reader_parse(data, len, HC_DECL_FILE_MAX, HC_LIMIT_NESTING, 0, &error);
	if (root == NULL) {
		g_ptr_array_add(problems, g_strdup(error->message));
		return;
	}
	member = JSON_NODE_HOLDS_OBJECT(root)
		     ? json_object_get_member(json_node_get_object(root), "probes")
		     : NULL;
	if (member == NULL || !JSON_NODE_HOLDS_ARRAY(member)) {
		g_ptr_array_add(problems, g_strdup("$.probes: missing or not an array"));
		return;
	}
	probes = json_node_get_array(member);
	for (guint i = 0; i < json_array_get_length(probes); i++) {
		g_autofree char *err = NULL;
		g_autoptr(HcDeclEntry) e = NULL;

		/* a pass past its deadline is abandoned by the engine: stop reading files for it */
		if (hc_probe_context_is_cancelled(ctx)) {
			g_ptr_array_add(
			    problems,
			    g_strdup_printf("$.probes[%u]: the probe's deadline passed; "
					    "the remaining entries were not read",
					    i));
			return;
		}
		e = hc_decl_entry_parse(json_array_get_element(probes, i), i, &err);
		if (e == NULL) {
			g_ptr_array_add(problems, g_steal_pointer(&err));
			continue;
		}
		if (g_hash_table_contains(seen, e->id)) {
			g_ptr_array_add(
			    problems,
			    g_strdup_printf("$.probes[%u].id: \"%s\" already defined in %s",
					    i,
					    e->id,
					    (const char *)g_hash_table_lookup(seen, e->id)));
			continue;
		}
		g_hash_table_insert(seen, g_strdup(e->id), g_strdup(path));
		e->kind->eval(ctx, e);
	}
}

/* basename -> path of every probes.d/<name>.json; a later data dir replaces an earlier file */
static GHashTable *
hc_decl_collect_files(HcProbeContext *ctx)
{
	const char *const *dirs = hc_probe_context_get_data_dirs(ctx);
	GHashTable *files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	for (guint d = 0; dirs != NULL && dirs[d] != NULL; d++) {
		g_autofree char *dir_path = g_build_filename(dirs[d], HC_DECL_SUBDIR, NULL);
		g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
		const char *name;

		while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
			if (g_str_has_suffix(name, ".json") && strlen(name) > strlen(".json"))
				g_hash_table_replace(files,
						     g_strdup(name),
						     g_build_filename(dir_path, name, NULL));
		}
	}
	return files;
}

static gint
hc_decl_cmp_str(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

static gboolean
hc_probe_declarative_run(HcProbeContext *ctx, GError **error)
{
	g_autoptr(GHashTable) files = hc_decl_collect_files(ctx);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func(g_free);
	GHashTableIter iter;
	gpointer key;

	g_hash_table_iter_init(&iter, files);
	while (g_hash_table_iter_next(&iter, &key, NULL))
		g_ptr_array_add(names, key);
	g_ptr_array_sort(names, hc_decl_cmp_str);
	for (guint i = 0; i < names->len; i++) {
		const char *path = g_hash_table_lookup(files, g_ptr_array_index(names, i));
		g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);

		hc_decl_run_file(ctx, path, seen, problems);
		g_ptr_array_add(loaded, g_strdup(path));
		if (problems->len > 0) {
			g_autofree char *stem = hc_decl_file_stem(g_ptr_array_index(names, i));
			g_autofree char *id = g_strdup_printf("site.probes_d.%s", stem);
			g_autofree char *joined = NULL;

			g_ptr_array_add(problems, NULL);
			joined = g_strjoinv("; ", (char **)problems->pdata);
			hc_probe_report(ctx,
					id,
					HC_CAP_STATE_UNKNOWN,
					NULL,
					"file %s: %s",
					path,
					joined);
		}
	}
	g_ptr_array_add(loaded, NULL);
	hc_probe_report(ctx,
			"site.probes_d.files",
			loaded->len > 1 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
			g_variant_new_strv((const char *const *)loaded->pdata, -1),
			HC_DECL_SUBDIR "/*.json: %u file(s)",
			loaded->len - 1);
	return TRUE;
}

const HcProbeInfo hc_probe_declarative = {
    .name = "declarative",
    .description = "site facts from probes.d/*.json: file-exists, file-read, kernel-config, "
		   "module-param, sysctl",
    .ids = hc_probe_declarative_ids,
    .timeout_msec = 3000,
    .flags = HC_PROBE_FLAG_FILES_ONLY,
    .run = hc_probe_declarative_run,
};
