/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `hostcapctl migrations SPEC HOSTS…`: for one VM spec and a fleet of host snapshots, which
 * ordered pairs of hosts can migrate it. Hosts are grouped by fingerprint as they are read,
 * so the matrix is computed per pair of groups and printed per pair of groups.
 */
#include "hc-config.h"

#include "hostcap/hc-dbus.h"

#include "hc-ctl-offline.h"
#include "hc-ctl-output.h"
#include "hc-ctl.h"
#include "hc-fleet.h"
#include "hc-spec.h"

/* past this many failing group pairs the listing points at --json */
#define HC_CTL_FLEET_LISTED 40

static const struct {
	const char *text;
	const char *colour;
	HcCtlExit exit;
} hc_ctl_fleet_cells[HC_VERDICT_LAST] = {
    [HC_VERDICT_YES] = {"yes", HC_CTL_ANSI_GREEN, HC_CTL_EXIT_YES},
    [HC_VERDICT_NO] = {"no", HC_CTL_ANSI_RED, HC_CTL_EXIT_NO},
    [HC_VERDICT_UNKNOWN] = {"?", HC_CTL_ANSI_YELLOW, HC_CTL_EXIT_UNKNOWN},
};

static HcVerdict
verdict_from_string(const char *text)
{
	for (HcVerdict v = 0; v < HC_VERDICT_LAST; v++) {
		if (g_strcmp0(hc_verdict_to_string(v), text) == 0)
			return v;
	}
	return HC_VERDICT_UNKNOWN;
}

static void
print_groups(HcCtlContext *ctx, JsonArray *groups)
{
	static const char *const headers[] =
	    {"GROUP", "HOSTS", "KERNEL", "FINGERPRINT", "FIRST", NULL};
	g_autoptr(HcCtlTable) t = hc_ctl_table_new(headers);

	for (guint i = 0; i < json_array_get_length(groups); i++) {
		JsonObject *g = json_array_get_object_element(groups, i);
		g_autofree char *count =
		    g_strdup_printf("%" G_GINT64_FORMAT, json_object_get_int_member(g, "count"));
		g_autofree char *print =
		    g_strndup(json_object_get_string_member(g, "fingerprint"), 7 + 12);
		hc_ctl_table_add(t, json_object_get_string_member(g, "group"), NULL);
		hc_ctl_table_add(t, count, NULL);
		hc_ctl_table_add(t, json_object_get_string_member(g, "kernel"), NULL);
		hc_ctl_table_add(t, print, NULL);
		hc_ctl_table_add(
		    t,
		    json_array_get_string_element(json_object_get_array_member(g, "hosts"), 0),
		    NULL);
	}
	hc_ctl_table_print(t, TRUE, ctx->colour, ctx->columns);
}

/* source groups as rows, target groups as columns */
static void
print_matrix(HcCtlContext *ctx, JsonArray *groups, JsonArray *matrix)
{
	guint n = json_array_get_length(groups);
	g_autoptr(GPtrArray) headers = g_ptr_array_new_null_terminated(n + 1, g_free, TRUE);
	g_autoptr(GHashTable) cells = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(HcCtlTable) t = NULL;

	g_ptr_array_add(headers, g_strdup("FROM\\TO"));
	for (guint i = 0; i < n; i++)
		g_ptr_array_add(
		    headers,
		    g_strdup(json_object_get_string_member(json_array_get_object_element(groups, i),
							   "group")));
	for (guint i = 0; i < json_array_get_length(matrix); i++) {
		JsonObject *m = json_array_get_object_element(matrix, i);
		g_hash_table_insert(cells,
				    g_strdup_printf("%s>%s",
						    json_object_get_string_member(m, "source"),
						    json_object_get_string_member(m, "target")),
				    m);
	}
	t = hc_ctl_table_new((const char *const *)headers->pdata);
	for (guint r = 0; r < n; r++) {
		hc_ctl_table_add(t, g_ptr_array_index(headers, r + 1), NULL);
		for (guint c = 0; c < n; c++) {
			g_autofree char *key =
			    g_strdup_printf("%s>%s",
					    (char *)g_ptr_array_index(headers, r + 1),
					    (char *)g_ptr_array_index(headers, c + 1));
			JsonObject *m = g_hash_table_lookup(cells, key);
			HcVerdict v;
			if (m == NULL) {
				hc_ctl_table_add(t, "-", HC_CTL_ANSI_GREY);
				continue;
			}
			v = verdict_from_string(json_object_get_string_member(m, "verdict"));
			hc_ctl_table_add(t,
					 hc_ctl_fleet_cells[v].text,
					 hc_ctl_fleet_cells[v].colour);
		}
	}
	hc_ctl_table_print(t, TRUE, ctx->colour, ctx->columns);
}

/* why each failing pair fails: the features of its error findings */
static void
print_reasons(JsonArray *matrix)
{
	guint listed = 0, more = 0;

	for (guint i = 0; i < json_array_get_length(matrix); i++) {
		JsonObject *m = json_array_get_object_element(matrix, i);
		JsonArray *findings = json_object_get_array_member(m, "findings");
		g_autoptr(GString) features = g_string_new(NULL);
		if (g_strcmp0(json_object_get_string_member(m, "verdict"), "yes") == 0)
			continue;
		if (listed == HC_CTL_FLEET_LISTED) {
			more++;
			continue;
		}
		listed++;
		for (guint f = 0; f < json_array_get_length(findings); f++) {
			JsonObject *o = json_array_get_object_element(findings, f);
			g_string_append_printf(features,
					       "%s%s",
					       f > 0 ? ", " : "",
					       json_object_get_string_member(o, "feature"));
		}
		g_print("  %s -> %s (%" G_GINT64_FORMAT " host pairs): %s\n",
			json_object_get_string_member(m, "source"),
			json_object_get_string_member(m, "target"),
			json_object_get_int_member(m, "pairs"),
			features->str);
	}
	if (more > 0)
		g_print("  … and %u more group pairs; --json has them all\n", more);
}

static void
print_migrations(HcCtlContext *ctx, const char *spec_name, JsonObject *root)
{
	JsonArray *groups = json_object_get_array_member(root, "groups");
	JsonArray *matrix = json_object_get_array_member(root, "matrix");
	JsonObject *pairs = json_object_get_object_member(root, "pairs");

	g_print("Migrations of %s across %" G_GINT64_FORMAT " hosts in %u groups: %s\n",
		spec_name,
		json_object_get_int_member(root, "hosts"),
		json_array_get_length(groups),
		json_object_get_string_member(root, "verdict"));
	g_print("Host pairs: %" G_GINT64_FORMAT " yes, %" G_GINT64_FORMAT " no, %" G_GINT64_FORMAT
		" unknown\n\n",
		json_object_get_int_member(pairs, "yes"),
		json_object_get_int_member(pairs, "no"),
		json_object_get_int_member(pairs, "unknown"));
	print_groups(ctx, groups);
	g_print("\n");
	print_matrix(ctx, groups, matrix);
	g_print("\n");
	print_reasons(matrix);
}

int
hc_ctl_verb_migrations(HcCtlContext *ctx, char **args, GError **error)
{
	g_autoptr(HcFleet) fleet = hc_fleet_new();
	g_autoptr(HcCatalogue) cat = hc_ctl_context_load_catalogue(ctx, error);
	g_autoptr(HcSpec) spec = NULL;
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *text = NULL;
	gsize len = 0;
	HcVerdict verdict;

	if (cat == NULL)
		return -1;
	if (!hc_ctl_offline_read_input(args[1], HC_LIMIT_SPEC_BYTES, &text, &len, error))
		return -1;
	spec = hc_spec_parse(cat, text, len, error);
	if (spec == NULL) {
		g_prefix_error(error, "spec %s: ", args[1]);
		return -1;
	}
	for (guint i = 2; args[i] != NULL; i++) {
		if (!hc_fleet_add_path(fleet, args[i], error))
			return -1;
	}
	root = hc_fleet_migrations(cat, fleet, spec, &verdict, error);
	if (root == NULL)
		return -1;
	if (ctx->json)
		hc_ctl_print_json(root);
	else
		print_migrations(ctx, args[1], json_node_get_object(root));
	return hc_ctl_fleet_cells[verdict].exit;
}
