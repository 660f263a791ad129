/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `hostcapctl diff A.json B.json`: what differs between two hosts' capabilities (state or
 * value; reasons alone are not a difference), grouped by family, with both reasons, and
 * the VM features of the catalogue whose requirements name each differing capability.
 */
#include "hc-config.h"

#include <json-glib/json-glib.h>

#include "hostcap/hc-error.h"

#include "hc-catalogue.h"
#include "hc-ctl-offline.h"
#include "hc-ctl-output.h"
#include "hc-ctl.h"
#include "hc-expr.h"

typedef enum {
	HC_CTL_CHANGE_ADDED,
	HC_CTL_CHANGE_REMOVED,
	HC_CTL_CHANGE_CHANGED,
	HC_CTL_CHANGE_LAST,
} HcCtlChange;

static const struct {
	const char *name;
	const char *mark;
	const char *colour;
} change_info[] = {
    [HC_CTL_CHANGE_ADDED] = {"added", "+", HC_CTL_ANSI_GREEN},
    [HC_CTL_CHANGE_REMOVED] = {"removed", "-", HC_CTL_ANSI_RED},
    [HC_CTL_CHANGE_CHANGED] = {"changed", "~", HC_CTL_ANSI_YELLOW},
};
G_STATIC_ASSERT(G_N_ELEMENTS(change_info) == HC_CTL_CHANGE_LAST);

/* a VM feature whose requirement names a differing capability */
typedef struct {
	char *name;		 /* the feature id; a pattern's instance ("cpu.feature.avx512f") */
	const HcFeatureDef *def; /* borrowed from the catalogue */
} HcCtlFeatureMark;

static void
hc_ctl_feature_mark_free(HcCtlFeatureMark *m)
{
	g_free(m->name);
	g_free(m);
}

static void
add_mark(GPtrArray *marks, const char *name, const HcFeatureDef *def)
{
	HcCtlFeatureMark *m = g_new0(HcCtlFeatureMark, 1);
	m->name = g_strdup(name);
	m->def = def;
	g_ptr_array_add(marks, m);
}

typedef struct {
	char *id;
	HcCtlChange change;
	const HcCapability *a;
	const HcCapability *b;
	GPtrArray *features; /* HcCtlFeatureMark* */
} HcCtlDiffEntry;

static void
hc_ctl_diff_entry_free(HcCtlDiffEntry *e)
{
	g_free(e->id);
	g_ptr_array_unref(e->features);
	g_free(e);
}

/* "cpu" for "cpu.feature.avx512f" */
static char *
family_of(const char *id)
{
	const char *dot = strchr(id, '.');
	return dot != NULL ? g_strndup(id, (gsize)(dot - id)) : g_strdup(id);
}

static gboolean
strv_contains_sorted(GPtrArray *ids, const char *id)
{
	for (guint i = 0; ids != NULL && i < ids->len; i++) {
		if (g_strcmp0(g_ptr_array_index(ids, i), id) == 0)
			return TRUE;
	}
	return FALSE;
}

/* the features whose requirement names @cap_id: plain features by their expression, and a
 * pattern feature ("cpu.feature.*") instantiated for the id itself */
static void
find_features(HcCatalogue *cat, GPtrArray *defs, HcCtlDiffEntry *e)
{
	const HcFeatureDef *by_id = hc_catalogue_lookup_feature(cat, e->id);

	for (guint i = 0; i < defs->len; i++) {
		const HcFeatureDef *def = g_ptr_array_index(defs, i);
		g_autoptr(GPtrArray) ids = NULL;
		if (def->is_pattern || def->requires_expr == NULL)
			continue;
		ids = hc_expr_get_capability_ids(def->requires_expr);
		if (strv_contains_sorted(ids, e->id))
			add_mark(e->features, def->id, def);
	}
	if (by_id != NULL && by_id->is_pattern) {
		const HcExpr *expr = hc_catalogue_get_requires(cat, by_id, e->id, NULL);
		g_autoptr(GPtrArray) ids = expr != NULL ? hc_expr_get_capability_ids(expr) : NULL;
		if (strv_contains_sorted(ids, e->id))
			add_mark(e->features, e->id, by_id);
	}
}

/* the catalogue is optional for a diff: without it, no feature marks */
static HcCatalogue *
load_catalogue(HcCtlContext *ctx)
{
	g_autoptr(GError) error = NULL;
	HcCatalogue *cat = hc_catalogue_load(hc_ctl_context_get_data_dirs(ctx), &error);
	if (cat == NULL)
		g_printerr("hostcapctl: catalogue not loaded (%s), not marking VM features\n",
			   error->message);
	return cat;
}

static GPtrArray *
compute_diff(HcSnapshot *a, HcSnapshot *b, HcCatalogue *cat)
{
	g_autoptr(GPtrArray) ids = hc_snapshot_diff(a, b);
	g_autoptr(GPtrArray) defs = cat != NULL ? hc_catalogue_list_features(cat) : NULL;
	GPtrArray *entries = g_ptr_array_new_with_free_func((GDestroyNotify)hc_ctl_diff_entry_free);

	for (guint i = 0; i < ids->len; i++) {
		HcCtlDiffEntry *e = g_new0(HcCtlDiffEntry, 1);
		e->id = g_strdup(g_ptr_array_index(ids, i));
		e->a = hc_snapshot_lookup(a, e->id);
		e->b = hc_snapshot_lookup(b, e->id);
		e->change = e->a == NULL   ? HC_CTL_CHANGE_ADDED
			    : e->b == NULL ? HC_CTL_CHANGE_REMOVED
					   : HC_CTL_CHANGE_CHANGED;
		e->features =
		    g_ptr_array_new_with_free_func((GDestroyNotify)hc_ctl_feature_mark_free);
		if (cat != NULL)
			find_features(cat, defs, e);
		g_ptr_array_add(entries, e);
	}
	return entries;
}

static void
add_host_json(JsonBuilder *b, const char *member, const char *path, HcSnapshot *snap)
{
	json_builder_set_member_name(b, member);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "file");
	json_builder_add_string_value(b, path);
	json_builder_set_member_name(b, "hostname");
	json_builder_add_string_value(b, hc_snapshot_get_hostname(snap));
	json_builder_set_member_name(b, "kernel");
	json_builder_add_string_value(b, hc_snapshot_get_kernel(snap));
	json_builder_set_member_name(b, "fingerprint");
	json_builder_add_string_value(b, hc_snapshot_get_fingerprint(snap));
	json_builder_end_object(b);
}

static void
add_cap_json(JsonBuilder *b, const char *member, const HcCapability *cap)
{
	json_builder_set_member_name(b, member);
	if (cap != NULL)
		json_builder_add_value(b, hc_ctl_capability_to_json(cap, FALSE));
	else
		json_builder_add_null_value(b);
}

static void
add_features_json(JsonBuilder *b, GPtrArray *features)
{
	json_builder_set_member_name(b, "features");
	json_builder_begin_array(b);
	for (guint i = 0; i < features->len; i++) {
		const HcCtlFeatureMark *m = g_ptr_array_index(features, i);
		const HcFeatureDef *def = m->def;
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "feature");
		json_builder_add_string_value(b, m->name);
		json_builder_set_member_name(b, "abi");
		json_builder_add_boolean_value(b, def->abi);
		json_builder_set_member_name(b, "on_missing");
		json_builder_add_string_value(b, hc_on_missing_to_string(def->on_missing));
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

static void
print_json(char **args, HcSnapshot *a, HcSnapshot *b, GPtrArray *entries)
{
	g_autoptr(JsonBuilder) jb = json_builder_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(jb);
	add_host_json(jb, "a", args[1], a);
	add_host_json(jb, "b", args[2], b);
	json_builder_set_member_name(jb, "identical");
	json_builder_add_boolean_value(jb, entries->len == 0);
	json_builder_set_member_name(jb, "differences");
	json_builder_begin_array(jb);
	for (guint i = 0; i < entries->len; i++) {
		const HcCtlDiffEntry *e = g_ptr_array_index(entries, i);
		g_autofree char *family = family_of(e->id);
		json_builder_begin_object(jb);
		json_builder_set_member_name(jb, "id");
		json_builder_add_string_value(jb, e->id);
		json_builder_set_member_name(jb, "family");
		json_builder_add_string_value(jb, family);
		json_builder_set_member_name(jb, "change");
		json_builder_add_string_value(jb, change_info[e->change].name);
		add_cap_json(jb, "a", e->a);
		add_cap_json(jb, "b", e->b);
		add_features_json(jb, e->features);
		json_builder_end_object(jb);
	}
	json_builder_end_array(jb);
	json_builder_end_object(jb);
	root = json_builder_get_root(jb);
	hc_ctl_print_json(root);
}

static char *
cap_text(const HcCapability *cap)
{
	g_autofree char *value = hc_capability_value_to_string(cap);
	if (value[0] == '\0')
		return g_strdup(hc_cap_state_to_string(cap->state));
	return g_strdup_printf("%s (%s)", hc_cap_state_to_string(cap->state), value);
}

static char *
features_text(GPtrArray *features)
{
	g_autoptr(GString) s = g_string_new(NULL);
	for (guint i = 0; i < features->len; i++) {
		const HcCtlFeatureMark *m = g_ptr_array_index(features, i);
		const HcFeatureDef *def = m->def;
		g_string_append_printf(s,
				       "%s%s (%s%s)",
				       i > 0 ? ", " : "",
				       m->name,
				       def->abi ? "guest ABI, " : "",
				       hc_on_missing_to_string(def->on_missing));
	}
	return g_string_free(g_steal_pointer(&s), FALSE);
}

static void
print_entry(HcCtlContext *ctx, const HcCtlDiffEntry *e)
{
	const char *col = ctx->colour ? change_info[e->change].colour : "";
	const char *end = ctx->colour ? HC_CTL_ANSI_NORMAL : "";
	g_autofree char *before = e->a != NULL ? cap_text(e->a) : NULL;
	g_autofree char *after = e->b != NULL ? cap_text(e->b) : NULL;

	if (e->change == HC_CTL_CHANGE_CHANGED)
		g_print("  %s~ %s%s: %s → %s\n", col, e->id, end, before, after);
	else
		g_print("  %s%s %s%s: %s\n",
			col,
			change_info[e->change].mark,
			e->id,
			end,
			before != NULL ? before : after);
	if (e->a != NULL)
		g_print("      A: %s\n", e->a->reason);
	if (e->b != NULL)
		g_print("      B: %s\n", e->b->reason);
	if (e->features->len > 0) {
		g_autofree char *feats = features_text(e->features);
		g_print("      matters to: %s\n", feats);
	}
}

static void
print_human(HcCtlContext *ctx, char **args, HcSnapshot *a, HcSnapshot *b, GPtrArray *entries)
{
	guint counts[HC_CTL_CHANGE_LAST] = {0};
	g_autofree char *family = NULL;

	g_print("A: %s (%s, %s) %s\n",
		hc_snapshot_get_hostname(a),
		hc_snapshot_get_kernel(a),
		hc_snapshot_get_fingerprint(a),
		args[1]);
	g_print("B: %s (%s, %s) %s\n",
		hc_snapshot_get_hostname(b),
		hc_snapshot_get_kernel(b),
		hc_snapshot_get_fingerprint(b),
		args[2]);
	for (guint i = 0; i < entries->len; i++)
		counts[((HcCtlDiffEntry *)g_ptr_array_index(entries, i))->change]++;
	if (entries->len == 0) {
		g_print("No differences: the two hosts offer the same capabilities.\n");
		return;
	}
	g_print("%u differences: %u added, %u removed, %u changed\n",
		entries->len,
		counts[HC_CTL_CHANGE_ADDED],
		counts[HC_CTL_CHANGE_REMOVED],
		counts[HC_CTL_CHANGE_CHANGED]);
	/* entries are sorted by id, so each family is one run */
	for (guint i = 0; i < entries->len; i++) {
		const HcCtlDiffEntry *e = g_ptr_array_index(entries, i);
		g_autofree char *fam = family_of(e->id);
		if (g_strcmp0(fam, family) != 0) {
			g_print("\n%s%s%s\n",
				ctx->colour ? HC_CTL_ANSI_HIGHLIGHT : "",
				fam,
				ctx->colour ? HC_CTL_ANSI_NORMAL : "");
			g_free(family);
			family = g_steal_pointer(&fam);
		}
		print_entry(ctx, e);
	}
}

int
hc_ctl_verb_diff(HcCtlContext *ctx, char **args, GError **error)
{
	g_autoptr(HcSnapshot) a = hc_ctl_offline_load_snapshot(args[1], error);
	g_autoptr(HcSnapshot) b = NULL;
	g_autoptr(HcCatalogue) cat = NULL;
	g_autoptr(GPtrArray) entries = NULL;

	if (a == NULL)
		return -1;
	b = hc_ctl_offline_load_snapshot(args[2], error);
	if (b == NULL)
		return -1;
	cat = load_catalogue(ctx);
	entries = compute_diff(a, b, cat);
	if (ctx->json)
		print_json(args, a, b, entries);
	else
		print_human(ctx, args, a, b, entries);
	/* like diff(1): 0 the same, 1 different */
	return entries->len == 0 ? HC_CTL_EXIT_YES : HC_CTL_EXIT_NO;
}
