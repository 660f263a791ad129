/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cpu.model under TCG: the guest CPU is what this QEMU release's TCG implements, whatever
 * the host's KVM offers. The qemu probe asked the host's QEMU itself: the models TCG runs
 * with enforce (query-cpu-definitions under -accel tcg: no unavailable features) and the
 * features of TCG's "max" (query-cpu-model-expansion). The first decides, the second names
 * what a model lacks. -cpu host needs KVM and never runs under TCG.
 */
#include <string.h>

#include "hc-evaluator.h"
#include "hc-json-util.h"

/* how many feature names a reason spells out */
#define HC_TCG_LIST_MAX 12

gboolean
hc_eval_cpu_under_tcg(HcHostEval *ev)
{
	const HcFeatureEval *kvm = hc_host_eval_lookup(ev, "accel.kvm");
	const HcFeatureEval *fallback;

	/* a spec that does not say is judged as a KVM guest, as it always was */
	if (kvm == NULL || !hc_json_node_is_bool(kvm->value))
		return FALSE;
	if (!json_node_get_boolean(kvm->value))
		return TRUE;
	/* accel.kvm is judged before cpu.model (ids sort): without KVM, a fallback list
	 * (falls_back_with on) makes QEMU go on to TCG */
	if (kvm->sat != HC_TRI_FALSE || kvm->def->falls_back_with == NULL)
		return FALSE;
	fallback = hc_host_eval_lookup(ev, kvm->def->falls_back_with);
	return fallback != NULL && hc_json_node_is_bool(fallback->value) &&
	       json_node_get_boolean(fallback->value);
}

static const HcCapability *
hc_tcg_list(HcSnapshot *host, const char *id)
{
	const HcCapability *cap = hc_snapshot_lookup(host, id);
	if (cap == NULL || cap->state != HC_CAP_STATE_SUPPORTED || cap->value == NULL ||
	    !g_variant_is_of_type(cap->value, G_VARIANT_TYPE_STRING_ARRAY))
		return NULL;
	return cap;
}

static gboolean
hc_tcg_has(const HcCapability *cap, const char *name)
{
	g_autofree const char **v = g_variant_get_strv(cap->value, NULL);
	return g_strv_contains(v, name);
}

/* the model's features TCG's max lacks, as a reason's list */
static char *
hc_tcg_missing(HcHostEval *ev, HcFeatureEval *fe, const HcCpuModel *model)
{
	const HcCapability *feats = hc_tcg_list(ev->host, "qemu.tcg.cpu_features");
	g_autoptr(GString) out = g_string_new(NULL);

	for (guint i = 0; model != NULL && feats != NULL && i < model->features->len; i++) {
		const char *name = g_ptr_array_index(model->features, i);
		if (hc_tcg_has(feats, name))
			continue;
		g_ptr_array_add(fe->cpu_missing, g_strdup(name));
		if (fe->cpu_missing->len <= HC_TCG_LIST_MAX)
			g_string_append_printf(out, "%s%s", out->len > 0 ? ", " : "", name);
	}
	if (fe->cpu_missing->len > HC_TCG_LIST_MAX)
		g_string_append_printf(out, " and %u more", fe->cpu_missing->len - HC_TCG_LIST_MAX);
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static void
hc_tcg_finding(HcHostEval *ev, HcFeatureEval *fe, gboolean enforce, const char *reason)
{
	HcFinding *f = hc_finding_new(fe->id,
				      fe->value,
				      fe->origin,
				      enforce ? HC_SEVERITY_ERROR : HC_SEVERITY_WARNING);

	f->unknown = fe->sat == HC_TRI_UNKNOWN;
	f->requires = g_strdup("qemu.tcg.cpu_models has the model (the host's QEMU under TCG)");
	hc_finding_add_capability(f, ev->host, "qemu.version", NULL);
	hc_finding_add_capability(f, ev->host, "qemu.tcg.cpu_models", NULL);
	f->reason = g_strdup(reason);
	f->remediation = g_strdup("Under TCG pick a model this QEMU's TCG runs (hostcapctl get "
				  "qemu.tcg.cpu_models), or max; or run the VM with KVM.");
	hc_report_add(ev->report, f);
}

void
hc_eval_cpu_model_tcg(HcHostEval *ev, HcFeatureEval *fe, gboolean enforce)
{
	const char *name = json_node_get_string(fe->value);
	const HcCapability *models = hc_tcg_list(ev->host, "qemu.tcg.cpu_models");
	const HcCapability *version = hc_snapshot_lookup(ev->host, "qemu.version");
	const char *release = version != NULL && version->value != NULL &&
				      g_variant_is_of_type(version->value, G_VARIANT_TYPE_STRING)
				  ? g_variant_get_string(version->value, NULL)
				  : "?";
	g_autofree char *missing = NULL;
	g_autofree char *reason = NULL;

	g_ptr_array_add(fe->consulted, g_strdup("qemu.tcg.cpu_models"));
	if (models == NULL) {
		fe->sat = HC_TRI_UNKNOWN;
		reason =
		    g_strdup_printf("The VM runs under TCG, where QEMU's own TCG decides which "
				    "CPU features %s gets, and the snapshot of %s does not say "
				    "what its QEMU's TCG implements (qemu.tcg.cpu_models).",
				    name,
				    hc_host_label(ev->host));
		hc_tcg_finding(ev, fe, enforce, reason);
		return;
	}
	if (hc_tcg_has(models, name)) {
		fe->host_value = json_node_copy(fe->value);
		return;
	}
	fe->sat = HC_TRI_FALSE;
	missing = hc_tcg_missing(ev, fe, hc_catalogue_lookup_cpu_model(ev->cat, name));
	/* -cpu host is KVM's CPU: QEMU refuses it under TCG, enforce or not */
	enforce = enforce || g_str_equal(name, "host");
	reason =
	    g_strdup_printf("The VM runs under TCG, and the TCG of QEMU %s on %s does not "
			    "implement all of %s%s%s%s; %s",
			    release,
			    hc_host_label(ev->host),
			    name,
			    missing[0] != '\0' ? " (it lacks " : "",
			    missing,
			    missing[0] != '\0' ? ")" : "",
			    enforce ? "QEMU refuses to start the VM."
				    : "QEMU starts it without those features, with a warning.");
	hc_tcg_finding(ev, fe, enforce, reason);
	fe->host_value = json_node_copy(fe->value);
}
