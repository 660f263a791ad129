/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* baselines across hosts: common capabilities, common platform, minimal pins */

#include <string.h>

#include "hc-baseline.h"
#include "hc-json-util.h"
#include "hc-migration.h"
#include "hostcap/hc-error.h"

/* ids every host reports as supported, and ids on which the hosts disagree */
static void
hc_baseline_capabilities(GPtrArray *snaps, HcReport *report)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	JsonArray *common = json_array_new();
	JsonObject *differing = json_object_new();

	for (guint s = 0; s < snaps->len; s++) {
		g_autoptr(GPtrArray) caps = hc_snapshot_list(g_ptr_array_index(snaps, s), NULL);
		for (guint i = 0; i < caps->len; i++) {
			const HcCapability *cap = g_ptr_array_index(caps, i);
			gboolean same = TRUE;
			if (g_hash_table_contains(seen, cap->id))
				continue;
			g_hash_table_add(seen, cap->id);
			for (guint o = 0; o < snaps->len; o++) {
				const HcCapability *other =
				    hc_snapshot_lookup(g_ptr_array_index(snaps, o), cap->id);
				same &= other != NULL && hc_capability_equal(cap, other);
			}
			if (same && cap->state == HC_CAP_STATE_SUPPORTED) {
				json_array_add_string_element(common, cap->id);
			} else if (!same) {
				JsonObject *states = json_object_new();
				for (guint o = 0; o < snaps->len; o++) {
					HcSnapshot *h = g_ptr_array_index(snaps, o);
					const HcCapability *other = hc_snapshot_lookup(h, cap->id);
					g_autofree char *v =
					    other != NULL ? hc_capability_value_to_string(other)
							  : NULL;
					g_autofree char *text =
					    other == NULL ? g_strdup("not reported")
					    : v[0] != '\0'
						? g_strdup_printf(
						      "%s = %s",
						      hc_cap_state_to_string(other->state),
						      v)
						: g_strdup(hc_cap_state_to_string(other->state));
					json_object_set_string_member(states,
								      hc_host_label(h),
								      text);
				}
				json_object_set_object_member(differing, cap->id, states);
			}
		}
	}
	json_object_set_array_member(report->extra, "common_capabilities", common);
	json_object_set_object_member(report->extra, "differing_capabilities", differing);
}

/* the newest platform every host satisfies; NULL when there is none */
static const HcPlatform *
hc_baseline_platform(HcCatalogue *cat, GPtrArray *snaps, HcReport *report)
{
	g_autoptr(GPtrArray) plats = hc_catalogue_list_platforms(cat);
	JsonObject *per = json_object_new();
	const HcPlatform *best = NULL;

	for (guint i = 0; i < plats->len; i++) {
		const HcPlatform *p = g_ptr_array_index(plats, i);
		JsonArray *hosts = json_array_new();
		gboolean all = TRUE;
		for (guint s = 0; s < snaps->len; s++) {
			HcSnapshot *h = g_ptr_array_index(snaps, s);
			if (hc_platform_check(cat, p, h, NULL) == HC_TRI_TRUE)
				json_array_add_string_element(hosts, hc_host_label(h));
			else
				all = FALSE;
		}
		json_object_set_array_member(per, p->name, hosts);
		if (all && best == NULL)
			best = p;
	}
	json_object_set_object_member(report->extra, "platforms", per);
	if (best != NULL)
		json_object_set_string_member(report->extra, "platform", best->name);
	else
		json_object_set_null_member(report->extra, "platform");
	return best;
}

/* a guest-ABI feature whose host value differs (or is unknown) somewhere needs a pin */
static gboolean
hc_needs_pin(GPtrArray *evals, const HcFeatureEval *fe)
{
	JsonNode *first = NULL;

	if (!fe->def->abi || fe->origin == HC_ORIGIN_EXPLICIT ||
	    fe->def->type == HC_FEATURE_TYPE_CPU_MODEL ||
	    hc_feature_value_is_off(fe->def, fe->value))
		return FALSE;
	for (guint i = 0; i < evals->len; i++) {
		const HcFeatureEval *o = hc_host_eval_lookup(g_ptr_array_index(evals, i), fe->id);
		if (o == NULL || o->host_value == NULL)
			return TRUE;
		if (first == NULL)
			first = o->host_value;
		else if (!hc_json_equal(first, o->host_value))
			return TRUE;
	}
	return FALSE;
}

HcSpec *
hc_baseline_pin_spec(HcCatalogue *cat,
		     GPtrArray *snaps,
		     const HcSpec *spec,
		     JsonObject *pins,
		     GError **error)
{
	g_autoptr(GPtrArray) evals =
	    g_ptr_array_new_with_free_func((GDestroyNotify)hc_host_eval_free);
	g_autoptr(HcSpec) pinned = hc_spec_copy(spec);
	HcHostEval *first;

	for (guint s = 0; s < snaps->len; s++) {
		HcHostEval *ev = hc_evaluate_host(cat, spec, g_ptr_array_index(snaps, s), error);
		if (ev == NULL)
			return NULL;
		g_ptr_array_add(evals, ev);
	}
	first = g_ptr_array_index(evals, 0);
	for (guint i = 0; i < first->features->len; i++) {
		const HcFeatureEval *fe = g_ptr_array_index(first->features, i);
		g_autoptr(GPtrArray) group = NULL;
		if (!hc_needs_pin(evals, fe))
			continue;
		group = hc_migration_pin_group(cat, fe->def, fe->id);
		for (guint g = 0; g < group->len; g++) {
			const char *id = g_ptr_array_index(group, g);
			const HcFeatureDef *def = hc_catalogue_lookup_feature(cat, id);
			JsonNode *explicit_value = hc_spec_lookup(spec, id);
			if (explicit_value != NULL && !hc_feature_value_is_off(def, explicit_value))
				continue; /* never override what the spec asks for */
			hc_spec_set(pinned, id, hc_feature_off_value(def));
			if (pins != NULL)
				json_object_set_member(pins, id, hc_feature_off_value(def));
		}
	}
	return g_steal_pointer(&pinned);
}

static HcVerdict
hc_worse(HcVerdict a, HcVerdict b)
{
	if (a == HC_VERDICT_NO || b == HC_VERDICT_NO)
		return HC_VERDICT_NO;
	if (a == HC_VERDICT_UNKNOWN || b == HC_VERDICT_UNKNOWN)
		return HC_VERDICT_UNKNOWN;
	return HC_VERDICT_YES;
}

/* the pinned spec must boot everywhere and migrate between every ordered pair */
static gboolean
hc_baseline_verify(HcCatalogue *cat,
		   GPtrArray *snaps,
		   const HcSpec *pinned,
		   HcReport *report,
		   HcVerdict *verdict,
		   GError **error)
{
	*verdict = HC_VERDICT_YES;
	for (guint a = 0; a < snaps->len; a++) {
		for (guint b = 0; b < snaps->len; b++) {
			g_autoptr(HcReport) r = NULL;
			if (a == b && snaps->len > 1)
				continue;
			r = hc_migration_evaluate(cat,
						  pinned,
						  g_ptr_array_index(snaps, a),
						  g_ptr_array_index(snaps, b),
						  error);
			if (r == NULL)
				return FALSE;
			*verdict = hc_worse(*verdict, hc_report_get_verdict(r));
			while (r->findings->len > 0) {
				HcFinding *f = g_ptr_array_steal_index(r->findings, 0);
				if (f->severity == HC_SEVERITY_ERROR)
					hc_report_add(report, f);
				else
					hc_finding_free(f);
			}
			if (a == 0 && b == (snaps->len > 1 ? 1u : 0u)) {
				json_object_unref(report->effective);
				report->effective = json_object_ref(r->effective);
			}
		}
	}
	return TRUE;
}

/* the minimal pins for @spec, verified on every ordered pair of groups */
static gboolean
hc_baseline_add_pins(HcCatalogue *cat,
		     GPtrArray *snaps,
		     const HcSpec *spec,
		     HcReport *report,
		     HcVerdict *verdict,
		     GError **error)
{
	JsonObject *pins = json_object_new();
	g_autoptr(HcSpec) pinned = hc_baseline_pin_spec(cat, snaps, spec, pins, error);
	g_autoptr(GString) text = g_string_new(NULL);
	g_autoptr(GList) ids = json_object_get_members(pins);

	if (pinned == NULL || !hc_baseline_verify(cat, snaps, pinned, report, verdict, error)) {
		json_object_unref(pins);
		return FALSE;
	}
	for (GList *l = ids; l != NULL; l = l->next) {
		const HcFeatureDef *def = hc_catalogue_lookup_feature(cat, l->data);
		g_autofree char *v = hc_value_to_qemu(json_object_get_member(pins, l->data));
		g_string_append_printf(text,
				       "%s%s=%s",
				       text->len > 0 ? "," : "",
				       hc_feature_property(def, l->data),
				       v);
	}
	json_object_set_object_member(report->extra, "pins", pins);
	json_object_set_string_member(report->extra, "pin", text->str);
	json_object_set_member(report->extra, "spec", hc_spec_to_json(pinned));
	return TRUE;
}

HcReport *
hc_baseline_evaluate_fleet(HcCatalogue *cat,
			   HcFleet *fleet,
			   const HcSpec *spec,
			   HcVerdict *verdict,
			   GError **error)
{
	g_autoptr(HcReport) report = hc_report_new();
	g_autoptr(GPtrArray) snaps = hc_fleet_dup_representatives(fleet);
	GPtrArray *groups = hc_fleet_get_groups(fleet);
	const HcPlatform *plat;
	JsonArray *hosts = json_array_new();

	if (snaps->len == 0) {
		json_array_unref(hosts);
		g_set_error_literal(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "a baseline needs at least one host snapshot");
		return NULL;
	}
	for (guint g = 0; g < groups->len; g++) {
		const HcFleetGroup *group = g_ptr_array_index(groups, g);
		for (guint h = 0; h < group->hosts->len; h++)
			json_array_add_string_element(hosts, g_ptr_array_index(group->hosts, h));
	}
	json_object_set_array_member(report->extra, "hosts", hosts);
	json_object_set_member(report->extra, "groups", hc_fleet_groups_to_json(fleet));
	/* the rest is judged once per group, on its first host */
	hc_baseline_capabilities(snaps, report);
	plat = hc_baseline_platform(cat, snaps, report);
	*verdict = plat != NULL ? HC_VERDICT_YES : HC_VERDICT_NO;
	if (spec != NULL && !hc_baseline_add_pins(cat, snaps, spec, report, verdict, error))
		return NULL;
	return g_steal_pointer(&report);
}

HcReport *
hc_baseline_evaluate(HcCatalogue *cat,
		     GPtrArray *snaps,
		     const HcSpec *spec,
		     HcVerdict *verdict,
		     GError **error)
{
	g_autoptr(HcFleet) fleet = hc_fleet_new();

	for (guint s = 0; s < snaps->len; s++)
		hc_fleet_add(fleet, g_ptr_array_index(snaps, s));
	return hc_baseline_evaluate_fleet(cat, fleet, spec, verdict, error);
}
