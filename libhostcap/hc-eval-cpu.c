/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cpu.model: every feature of a named model must be in KVM_GET_SUPPORTED_CPUID
 * (cpu.feature.<name>). QEMU filters missing ones with a warning unless enforce is set;
 * with enforce each missing feature stops the start. A feature the host did not report at
 * all is unknown, never silently ignored.
 */

#include "hc-evaluator.h"
#include "hc-json-util.h"

static gboolean
hc_explicitly_off(HcHostEval *ev, const char *name)
{
	g_autofree char *id = g_strconcat("cpu.feature.", name, NULL);
	JsonNode *v = hc_spec_lookup(ev->spec, id);
	return hc_json_node_is_bool(v) && !json_node_get_boolean(v);
}

static gboolean
hc_enforce(HcHostEval *ev)
{
	const HcFeatureEval *fe = hc_host_eval_lookup(ev, "cpu.enforce");
	return fe != NULL && hc_json_node_is_bool(fe->value) && json_node_get_boolean(fe->value);
}

static void
hc_cpu_finding(HcHostEval *ev,
	       HcFeatureEval *fe,
	       GPtrArray *names,
	       gboolean unknown,
	       gboolean enforce)
{
	const char *model = json_node_get_string(fe->value);
	g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *details = NULL;
	g_autofree char *list = NULL;
	HcFinding *f;

	g_ptr_array_add(names, NULL);
	list = g_strjoinv(", ", (char **)names->pdata);
	g_ptr_array_remove_index(names, names->len - 1);
	for (guint i = 0; i < names->len; i++)
		g_ptr_array_add(ids,
				g_strconcat("cpu.feature.", g_ptr_array_index(names, i), NULL));
	details = hc_describe_caps(ev->host, ids);
	f = hc_finding_new(fe->id,
			   fe->value,
			   fe->origin,
			   enforce ? HC_SEVERITY_ERROR : HC_SEVERITY_WARNING);
	f->unknown = unknown;
	f->requires = g_strdup("cpu.feature.<each feature of the model>");
	f->remediation = g_strdup(fe->def->remediation);
	for (guint i = 0; i < ids->len; i++)
		hc_finding_add_capability(f, ev->host, g_ptr_array_index(ids, i), NULL);
	if (unknown)
		f->reason = g_strdup_printf("Cannot tell whether this host's KVM offers %s of CPU "
					    "model %s: %s.",
					    list,
					    model,
					    details);
	else if (enforce)
		f->reason = g_strdup_printf("CPU model %s needs %s, which this host's KVM does not "
					    "offer (KVM_GET_SUPPORTED_CPUID); with enforce QEMU "
					    "refuses to start. %s.",
					    model,
					    list,
					    details);
	else
		f->reason = g_strdup_printf("QEMU will filter %s out of CPU model %s with only a "
					    "warning; the guest CPU will differ from hosts that "
					    "have them. %s.",
					    list,
					    model,
					    details);
	hc_report_add(ev->report, f);
}

/* one error finding per missing feature with enforce, one warning for all without */
static void
hc_cpu_report(HcHostEval *ev,
	      HcFeatureEval *fe,
	      GPtrArray *names,
	      gboolean unknown,
	      gboolean enforce)
{
	if (names->len == 0)
		return;
	if (!enforce) {
		hc_cpu_finding(ev, fe, names, unknown, FALSE);
		return;
	}
	for (guint i = 0; i < names->len; i++) {
		g_autoptr(GPtrArray) one = g_ptr_array_new();
		g_ptr_array_add(one, g_ptr_array_index(names, i));
		hc_cpu_finding(ev, fe, one, unknown, TRUE);
	}
}

static JsonNode *
hc_cpu_host_value(const char *model, GPtrArray *missing)
{
	JsonObject *obj;
	JsonArray *arr;

	if (missing->len == 0) {
		JsonNode *node = json_node_new(JSON_NODE_VALUE);
		json_node_set_string(node, model);
		return node;
	}
	obj = json_object_new();
	arr = json_array_new();
	json_object_set_string_member(obj, "model", model);
	for (guint i = 0; i < missing->len; i++)
		json_array_add_string_element(arr, g_ptr_array_index(missing, i));
	json_object_set_array_member(obj, "filtered", arr);
	return json_node_init_object(json_node_alloc(), obj);
}

void
hc_eval_cpu_model(HcHostEval *ev, HcFeatureEval *fe)
{
	const char *name = json_node_get_string(fe->value);
	const HcCpuModel *model = hc_catalogue_lookup_cpu_model(ev->cat, name);
	gboolean enforce = hc_enforce(ev);

	fe->cpu_missing = g_ptr_array_new_with_free_func(g_free);
	fe->cpu_unknown = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(fe->consulted, g_strdup("kvm.present"));
	/* host/max: whatever KVM offers; compared feature by feature in a migration */
	if (model == NULL) {
		fe->host_value = json_node_copy(fe->value);
		return;
	}
	for (guint i = 0; i < model->features->len; i++) {
		const char *feat = g_ptr_array_index(model->features, i);
		g_autofree char *id = g_strconcat("cpu.feature.", feat, NULL);
		const HcCapability *cap = hc_snapshot_lookup(ev->host, id);

		if (hc_explicitly_off(ev, feat))
			continue;
		if (cap == NULL || cap->state == HC_CAP_STATE_UNKNOWN)
			g_ptr_array_add(fe->cpu_unknown, g_strdup(feat));
		else if (cap->state != HC_CAP_STATE_SUPPORTED)
			g_ptr_array_add(fe->cpu_missing, g_strdup(feat));
	}
	fe->sat = fe->cpu_missing->len > 0
		      ? HC_TRI_FALSE
		      : (fe->cpu_unknown->len > 0 ? HC_TRI_UNKNOWN : HC_TRI_TRUE);
	hc_cpu_report(ev, fe, fe->cpu_missing, FALSE, enforce);
	hc_cpu_report(ev, fe, fe->cpu_unknown, TRUE, enforce);
	if (fe->cpu_unknown->len == 0)
		fe->host_value = enforce && fe->cpu_missing->len > 0
				     ? json_node_copy(fe->value)
				     : hc_cpu_host_value(name, fe->cpu_missing);
}
