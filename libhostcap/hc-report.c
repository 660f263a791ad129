/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* findings and report JSON */

#include "hc-json-util.h"
#include "hc-report.h"
#include "hc-strutil.h"

/* list values quoted in a report: the head, then how many more */
#define HC_REPORT_LIST_MAX 32

static const char *const hc_severity_names[] = {"error", "warning", "info"};
G_STATIC_ASSERT(G_N_ELEMENTS(hc_severity_names) == HC_SEVERITY_LAST);
static const char *const hc_origin_names[] = {"machine", "platform", "explicit", "default"};
G_STATIC_ASSERT(G_N_ELEMENTS(hc_origin_names) == HC_ORIGIN_LAST);
static const char *const hc_verdict_names[] = {"yes", "no", "unknown"};
G_STATIC_ASSERT(G_N_ELEMENTS(hc_verdict_names) == HC_VERDICT_LAST);

const char *
hc_severity_to_string(HcSeverity severity)
{
	return severity < HC_SEVERITY_LAST ? hc_severity_names[severity] : "?";
}

const char *
hc_origin_to_string(HcOrigin origin)
{
	return origin < HC_ORIGIN_LAST ? hc_origin_names[origin] : "?";
}

const char *
hc_verdict_to_string(HcVerdict verdict)
{
	return verdict < HC_VERDICT_LAST ? hc_verdict_names[verdict] : "?";
}

HcFinding *
hc_finding_new(const char *feature, JsonNode *value, HcOrigin origin, HcSeverity severity)
{
	HcFinding *f = g_new0(HcFinding, 1);
	f->feature = g_strdup(feature);
	f->value = hc_json_node_clone(value);
	f->origin = origin;
	f->severity = severity;
	f->capabilities = json_array_new();
	f->also = json_array_new();
	return f;
}

void
hc_finding_free(HcFinding *f)
{
	if (f == NULL)
		return;
	g_free(f->feature);
	g_clear_pointer(&f->value, json_node_unref);
	g_free(f->requires);
	g_clear_pointer(&f->capabilities, json_array_unref);
	g_clear_pointer(&f->also, json_array_unref);
	g_free(f->reason);
	g_free(f->remediation);
	g_free(f->pin);
	g_free(f->direction);
	g_free(f);
}

static JsonNode *
hc_variant_to_json(GVariant *value)
{
	JsonNode *node = json_node_new(JSON_NODE_VALUE);

	if (g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN)) {
		json_node_set_boolean(node, g_variant_get_boolean(value));
	} else if (g_variant_is_of_type(value, G_VARIANT_TYPE_INT64)) {
		json_node_set_int(node, g_variant_get_int64(value));
	} else if (g_variant_is_of_type(value, G_VARIANT_TYPE_STRING)) {
		g_autofree char *cut = hc_str_cut(g_variant_get_string(value, NULL), HC_QUOTE_MAX);
		json_node_set_string(node, cut);
	} else {
		gsize n = 0;
		g_autofree const char **strv = g_variant_get_strv(value, &n);
		JsonArray *arr = json_array_new();
		/* a list of 380,000 entries made a 12 MB reply: quote the head and count the rest
		 */
		for (gsize i = 0; i < n && i < HC_REPORT_LIST_MAX; i++) {
			g_autofree char *cut = hc_str_cut(strv[i], HC_QUOTE_MAX);
			json_array_add_string_element(arr, cut);
		}
		if (n > HC_REPORT_LIST_MAX) {
			g_autofree char *more =
			    g_strdup_printf("… %" G_GSIZE_FORMAT " more", n - HC_REPORT_LIST_MAX);
			json_array_add_string_element(arr, more);
		}
		json_node_init_array(node, arr);
		json_array_unref(arr);
	}
	return node;
}

void
hc_finding_add_capability(HcFinding *finding, HcSnapshot *snap, const char *id, const char *host)
{
	const HcCapability *cap = hc_snapshot_lookup(snap, id);
	JsonObject *obj = json_object_new();

	json_object_set_string_member(obj, "id", id);
	if (cap == NULL) {
		json_object_set_string_member(obj, "state", "unknown");
		json_object_set_string_member(obj,
					      "reason",
					      "not reported by any probe on this host");
	} else {
		json_object_set_string_member(obj, "state", hc_cap_state_to_string(cap->state));
		if (cap->value != NULL)
			json_object_set_member(obj, "value", hc_variant_to_json(cap->value));
		g_autofree char *reason = hc_str_cut(cap->reason, HC_QUOTE_MAX);
		json_object_set_string_member(obj, "reason", reason);
	}
	if (host != NULL)
		json_object_set_string_member(obj, "host", host);
	json_array_add_object_element(finding->capabilities, obj);
}

HcReport *
hc_report_new(void)
{
	HcReport *r = g_new0(HcReport, 1);
	r->findings = g_ptr_array_new_with_free_func((GDestroyNotify)hc_finding_free);
	r->effective = json_object_new();
	r->extra = json_object_new();
	return r;
}

void
hc_report_free(HcReport *r)
{
	if (r == NULL)
		return;
	g_ptr_array_unref(r->findings);
	json_object_unref(r->effective);
	json_object_unref(r->extra);
	g_free(r);
}

void
hc_report_add(HcReport *report, HcFinding *finding)
{
	g_ptr_array_add(report->findings, finding);
}

HcVerdict
hc_report_get_verdict(const HcReport *report)
{
	HcVerdict verdict = HC_VERDICT_YES;
	for (guint i = 0; i < report->findings->len; i++) {
		const HcFinding *f = g_ptr_array_index(report->findings, i);
		if (f->severity != HC_SEVERITY_ERROR)
			continue;
		if (!f->unknown)
			return HC_VERDICT_NO;
		verdict = HC_VERDICT_UNKNOWN;
	}
	return verdict;
}

static JsonObject *
hc_finding_to_json(const HcFinding *f)
{
	JsonObject *obj = json_object_new();

	json_object_set_string_member(obj, "feature", f->feature);
	if (json_array_get_length(f->also) > 0)
		json_object_set_array_member(obj, "also", json_array_ref(f->also));
	json_object_set_member(obj,
			       "value",
			       f->value != NULL ? json_node_copy(f->value)
						: json_node_new(JSON_NODE_NULL));
	json_object_set_string_member(obj, "origin", hc_origin_to_string(f->origin));
	json_object_set_string_member(obj, "severity", hc_severity_to_string(f->severity));
	json_object_set_string_member(obj, "status", f->unknown ? "unknown" : "decided");
	if (f->requires != NULL)
		json_object_set_string_member(obj, "requires", f->requires);
	json_object_set_array_member(obj, "capabilities", json_array_ref(f->capabilities));
	json_object_set_string_member(obj, "reason", f->reason != NULL ? f->reason : "");
	json_object_set_string_member(obj,
				      "remediation",
				      f->remediation != NULL ? f->remediation : "");
	if (f->direction != NULL)
		json_object_set_string_member(obj, "direction", f->direction);
	if (f->pin != NULL)
		json_object_set_string_member(obj, "pin", f->pin);
	return obj;
}

static gint
hc_finding_cmp(gconstpointer a, gconstpointer b)
{
	const HcFinding *fa = *(HcFinding *const *)a;
	const HcFinding *fb = *(HcFinding *const *)b;
	if (fa->severity != fb->severity)
		return fa->severity < fb->severity ? -1 : 1;
	if (fa->unknown != fb->unknown)
		return fa->unknown ? 1 : -1;
	return g_strcmp0(fa->feature, fb->feature);
}

char *
hc_report_to_json(HcReport *report, HcVerdict verdict)
{
	g_autoptr(JsonNode) root = json_node_new(JSON_NODE_OBJECT);
	g_autoptr(JsonGenerator) gen = json_generator_new();
	JsonObject *obj = json_object_new();
	JsonArray *findings = json_array_new();
	g_autoptr(GList) extra = json_object_get_members(report->extra);

	g_ptr_array_sort(report->findings, hc_finding_cmp);
	json_object_set_string_member(obj, "verdict", hc_verdict_to_string(verdict));
	for (guint i = 0; i < report->findings->len; i++)
		json_array_add_object_element(
		    findings,
		    hc_finding_to_json(g_ptr_array_index(report->findings, i)));
	json_object_set_array_member(obj, "findings", findings);
	json_object_set_object_member(obj, "effective", json_object_ref(report->effective));
	for (GList *l = extra; l != NULL; l = l->next)
		json_object_set_member(
		    obj,
		    l->data,
		    json_node_copy(json_object_get_member(report->extra, l->data)));
	json_node_take_object(root, obj);
	/* compact: the report travels in every D-Bus reply; whoever shows it to a person
	 * (hostcapctl) indents it there */
	json_generator_set_root(gen, root);
	return json_generator_to_data(gen, NULL);
}

/* appends the error findings' feature ids (and their "also") whose unknown flag is @unknown */
static void
hc_report_append_ids(GString *out, HcReport *report, gboolean unknown)
{
	gboolean first = TRUE;

	g_string_append_c(out, '[');
	for (guint i = 0; i < report->findings->len; i++) {
		const HcFinding *f = g_ptr_array_index(report->findings, i);
		guint n_also = json_array_get_length(f->also);

		if (f->severity != HC_SEVERITY_ERROR || f->unknown != unknown)
			continue;
		for (guint j = 0; j <= n_also; j++) {
			const char *id = j == 0 ? f->feature
						: json_array_get_string_element(f->also, j - 1);
			g_autofree char *quoted = NULL;

			if (id == NULL)
				continue;
			quoted = hc_json_quote(id);
			g_string_append(out, first ? "" : ",");
			g_string_append(out, quoted);
			first = FALSE;
		}
	}
	g_string_append_c(out, ']');
}

char *
hc_report_to_summary_json(HcReport *report, HcVerdict verdict)
{
	GString *out = g_string_sized_new(128);

	/* no tree and no generator: a scheduler asks often and reads only this */
	g_ptr_array_sort(report->findings, hc_finding_cmp);
	g_string_append_printf(out,
			       "{\"verdict\":\"%s\",\"failing\":",
			       hc_verdict_to_string(verdict));
	hc_report_append_ids(out, report, FALSE);
	g_string_append(out, ",\"unknown\":");
	hc_report_append_ids(out, report, TRUE);
	g_string_append_c(out, '}');
	return g_string_free(out, FALSE);
}

char *
hc_value_to_qemu(JsonNode *value)
{
	if (hc_json_node_is_bool(value))
		return g_strdup(json_node_get_boolean(value) ? "on" : "off");
	if (hc_json_node_is_string(value))
		return g_strdup(json_node_get_string(value));
	return hc_json_to_string(value);
}
