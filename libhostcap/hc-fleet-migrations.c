/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* the migration matrix of a fleet, computed once per ordered pair of groups */

#include "hostcap/hc-error.h"

#include "hc-fleet.h"
#include "hc-migration.h"

static HcVerdict
hc_fleet_worse(HcVerdict a, HcVerdict b)
{
	if (a == HC_VERDICT_NO || b == HC_VERDICT_NO)
		return HC_VERDICT_NO;
	if (a == HC_VERDICT_UNKNOWN || b == HC_VERDICT_UNKNOWN)
		return HC_VERDICT_UNKNOWN;
	return HC_VERDICT_YES;
}

JsonNode *
hc_fleet_groups_to_json(HcFleet *fleet)
{
	GPtrArray *groups = hc_fleet_get_groups(fleet);
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_array(b);
	for (guint i = 0; i < groups->len; i++) {
		const HcFleetGroup *g = g_ptr_array_index(groups, i);
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "group");
		json_builder_add_string_value(b, g->name);
		json_builder_set_member_name(b, "fingerprint");
		json_builder_add_string_value(b, hc_snapshot_get_fingerprint(g->snapshot));
		json_builder_set_member_name(b, "kernel");
		json_builder_add_string_value(b, hc_snapshot_get_kernel(g->snapshot));
		json_builder_set_member_name(b, "count");
		json_builder_add_int_value(b, g->hosts->len);
		json_builder_set_member_name(b, "hosts");
		json_builder_begin_array(b);
		for (guint h = 0; h < g->hosts->len; h++)
			json_builder_add_string_value(b, g_ptr_array_index(g->hosts, h));
		json_builder_end_array(b);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	return json_builder_get_root(b);
}

/* the error findings of one pair, without the host names (they stand for whole groups) */
static JsonArray *
hc_fleet_findings(HcReport *report)
{
	JsonArray *out = json_array_new();

	for (guint i = 0; i < report->findings->len; i++) {
		const HcFinding *f = g_ptr_array_index(report->findings, i);
		JsonObject *o;
		if (f->severity != HC_SEVERITY_ERROR)
			continue;
		o = json_object_new();
		json_object_set_string_member(o, "feature", f->feature);
		json_object_set_boolean_member(o, "unknown", f->unknown);
		json_object_set_string_member(o, "reason", f->reason != NULL ? f->reason : "");
		if (f->pin != NULL)
			json_object_set_string_member(o, "pin", f->pin);
		json_array_add_object_element(out, o);
	}
	return out;
}

static gboolean
hc_fleet_pair(HcCatalogue *cat,
	      const HcSpec *spec,
	      const HcFleetGroup *src,
	      const HcFleetGroup *dst,
	      JsonArray *matrix,
	      guint64 pairs[HC_VERDICT_LAST],
	      HcVerdict *worst,
	      GError **error)
{
	g_autoptr(HcReport) report =
	    hc_migration_evaluate(cat, spec, src->snapshot, dst->snapshot, error);
	JsonObject *o;
	HcVerdict v;
	guint64 n;

	if (report == NULL)
		return FALSE;
	v = hc_report_get_verdict(report);
	n = src == dst ? (guint64)src->hosts->len * (src->hosts->len - 1)
		       : (guint64)src->hosts->len * dst->hosts->len;
	pairs[v] += n;
	*worst = hc_fleet_worse(*worst, v);
	o = json_object_new();
	json_object_set_string_member(o, "source", src->name);
	json_object_set_string_member(o, "target", dst->name);
	json_object_set_string_member(o, "verdict", hc_verdict_to_string(v));
	json_object_set_int_member(o, "pairs", (gint64)n);
	json_object_set_array_member(o, "findings", hc_fleet_findings(report));
	json_array_add_object_element(matrix, o);
	return TRUE;
}

JsonNode *
hc_fleet_migrations(HcCatalogue *cat,
		    HcFleet *fleet,
		    const HcSpec *spec,
		    HcVerdict *verdict,
		    GError **error)
{
	GPtrArray *groups = hc_fleet_get_groups(fleet);
	g_autoptr(JsonObject) root = json_object_new();
	g_autoptr(JsonArray) matrix = json_array_new();
	JsonObject *pairs_obj = json_object_new();
	guint64 pairs[HC_VERDICT_LAST] = {0};
	HcVerdict worst = HC_VERDICT_YES;
	JsonNode *node;

	if (groups->len == 0) {
		json_object_unref(pairs_obj);
		g_set_error_literal(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "a fleet needs at least one host snapshot");
		return NULL;
	}
	for (guint a = 0; a < groups->len; a++) {
		const HcFleetGroup *src = g_ptr_array_index(groups, a);
		for (guint b = 0; b < groups->len; b++) {
			const HcFleetGroup *dst = g_ptr_array_index(groups, b);
			/* within a group only when there is another host to go to */
			if (a == b && src->hosts->len < 2)
				continue;
			if (!hc_fleet_pair(cat, spec, src, dst, matrix, pairs, &worst, error)) {
				json_object_unref(pairs_obj);
				return NULL;
			}
		}
	}
	json_object_set_string_member(root, "verdict", hc_verdict_to_string(worst));
	json_object_set_int_member(root, "hosts", hc_fleet_get_n_hosts(fleet));
	json_object_set_member(root, "groups", hc_fleet_groups_to_json(fleet));
	for (HcVerdict v = 0; v < HC_VERDICT_LAST; v++)
		json_object_set_int_member(pairs_obj, hc_verdict_to_string(v), (gint64)pairs[v]);
	json_object_set_object_member(root, "pairs", pairs_obj);
	json_object_set_array_member(root, "matrix", g_steal_pointer(&matrix));
	if (verdict != NULL)
		*verdict = worst;
	node = json_node_new(JSON_NODE_OBJECT);
	json_node_set_object(node, root);
	return node;
}
