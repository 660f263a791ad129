/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cpu.model: every feature of a named model must be in KVM_GET_SUPPORTED_CPUID
 * (cpu.feature.<name>) and every IA32_ARCH_CAPABILITIES bit it sets in KVM's feature MSRs
 * (cpu.msr.arch_capabilities.<name>). QEMU filters missing ones with a warning unless
 * enforce is set; with enforce it refuses to start. A feature the host did not report at
 * all is unknown, never silently ignored.
 *
 * One finding per model, not one per feature: an operator reads "EPYC-Rome needs 43
 * features this host lacks" and the models that would run, while the capabilities array
 * keeps every feature's state for machines.
 */

#include "hc-evaluator.h"
#include "hc-json-util.h"
#include "hc-catalogue.h"

/* how many feature names a reason spells out before "and N more" */
#define HC_CPU_LIST_MAX 12
/* how many runnable models the remediation suggests */
#define HC_CPU_SUGGEST_MAX 3

/* the lists of a model and the capability each entry is judged by (docs/cpu-models.md) */
static const struct {
	gsize offset;
	const char *prefix;
	const char *interface;
} hc_cpu_parts[] = {
    {G_STRUCT_OFFSET(HcCpuModel, features), "cpu.feature.", "KVM_GET_SUPPORTED_CPUID"},
    {G_STRUCT_OFFSET(HcCpuModel, arch_capabilities),
     "cpu.msr.arch_capabilities.",
     "KVM_GET_MSRS on the feature MSR IA32_ARCH_CAPABILITIES"},
    /* no probe reports these, so the lookup says "not reported": unknown, by design */
    {G_STRUCT_OFFSET(HcCpuModel, unmapped), "cpu.feature.", "no CPUID table row"},
};

typedef struct {
	GPtrArray *names;      /* QEMU spelling, borrowed from the fe arrays */
	GPtrArray *ids;	       /* capability ids, owned */
	GPtrArray *interfaces; /* which kernel interfaces said so, borrowed, unique */
} HcCpuGap;

static void
hc_cpu_gap_init(HcCpuGap *gap, GPtrArray *names)
{
	gap->names = names;
	gap->ids = g_ptr_array_new_with_free_func(g_free);
	gap->interfaces = g_ptr_array_new();
}

static void
hc_cpu_gap_clear(HcCpuGap *gap)
{
	g_ptr_array_unref(gap->ids);
	g_ptr_array_unref(gap->interfaces);
}

static void
hc_cpu_gap_add(HcCpuGap *gap, const char *name, const char *id, const char *interface)
{
	g_ptr_array_add(gap->names, g_strdup(name));
	g_ptr_array_add(gap->ids, g_strdup(id));
	if (!g_ptr_array_find_with_equal_func(gap->interfaces, interface, g_str_equal, NULL))
		g_ptr_array_add(gap->interfaces, (gpointer)interface);
}

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

static GPtrArray *
hc_cpu_part(const HcCpuModel *model, guint part)
{
	return G_STRUCT_MEMBER(GPtrArray *, model, hc_cpu_parts[part].offset);
}

/* does @host give @model every feature, so QEMU starts it with enforce? @id is scratch
 * space: this runs for every model in the catalogue on every check that names one */
static gboolean
hc_cpu_model_runs(const HcCpuModel *model, HcSnapshot *host, GString *id)
{
	if (model->unmapped->len > 0)
		return FALSE;
	for (guint p = 0; p < G_N_ELEMENTS(hc_cpu_parts); p++) {
		GPtrArray *names = hc_cpu_part(model, p);
		for (guint i = 0; i < names->len; i++) {
			const HcCapability *cap;
			g_string_assign(id, hc_cpu_parts[p].prefix);
			g_string_append(id, g_ptr_array_index(names, i));
			cap = hc_snapshot_lookup(host, id->str);
			if (cap == NULL || cap->state != HC_CAP_STATE_SUPPORTED)
				return FALSE;
		}
	}
	return TRUE;
}

static const char *
hc_host_vendor(HcSnapshot *host)
{
	const HcCapability *cap = hc_snapshot_lookup(host, "host.cpu.vendor");
	if (cap == NULL || cap->state != HC_CAP_STATE_SUPPORTED || cap->value == NULL ||
	    !g_variant_is_of_type(cap->value, G_VARIANT_TYPE_STRING))
		return NULL;
	return g_variant_get_string(cap->value, NULL);
}

typedef struct {
	const HcCpuModel *model;
	gboolean same_vendor;
} HcCpuCandidate;

/* same vendor first, then the newest: a model that sets more features is a later
 * generation (each adds to the last), and a later version (-v4) wins a tie */
static gint
hc_candidate_cmp(gconstpointer a, gconstpointer b)
{
	const HcCpuCandidate *ca = a;
	const HcCpuCandidate *cb = b;
	guint na = ca->model->features->len + ca->model->arch_capabilities->len;
	guint nb = cb->model->features->len + cb->model->arch_capabilities->len;

	if (ca->same_vendor != cb->same_vendor)
		return ca->same_vendor ? -1 : 1;
	if (na != nb)
		return na > nb ? -1 : 1;
	return -g_strcmp0(ca->model->name, cb->model->name);
}

/* every model that runs on @host, best first, as names: the same for every check against one
 * snapshot, so the catalogue keeps it per snapshot (hc_catalogue_derive). One more name than is
 * suggested, because the wanted model is left out afterwards */
static GPtrArray *
hc_cpu_runnable_compute(HcCatalogue *cat, HcSnapshot *host)
{
	const GPtrArray *models = hc_catalogue_get_cpu_models(cat);
	g_autoptr(GArray) found = g_array_new(FALSE, FALSE, sizeof(HcCpuCandidate));
	const char *vendor = hc_host_vendor(host);
	g_autoptr(GString) id = g_string_sized_new(64);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

	/* aliases are not in the list: each resolves to a versioned model that is */
	for (guint i = 0; i < models->len; i++) {
		const HcCpuModel *m = g_ptr_array_index(models, i);
		HcCpuCandidate c = {m, FALSE};

		if (m->vendor == NULL || m->vendor[0] == '\0' || m->features->len == 0 ||
		    !hc_cpu_model_runs(m, host, id))
			continue;
		/* an unknown host vendor prefers none: the wanted model's vendor may be
		 * exactly why it does not run here */
		c.same_vendor = vendor != NULL && g_strcmp0(m->vendor, vendor) == 0;
		g_array_append_val(found, c);
	}
	g_array_sort(found, hc_candidate_cmp);
	for (guint i = 0; i < found->len && i <= HC_CPU_SUGGEST_MAX; i++)
		g_ptr_array_add(names,
				g_strdup(g_array_index(found, HcCpuCandidate, i).model->name));
	return names;
}

/* "Skylake-Client-v4, Skylake-Client-v3, Haswell-v4": the newest models that run here */
static char *
hc_cpu_runnable_models(HcHostEval *ev, const HcCpuModel *wanted)
{
	g_autoptr(GPtrArray) names =
	    hc_catalogue_derive(ev->cat, "cpu.runnable-models", ev->host, hc_cpu_runnable_compute);
	g_autoptr(GString) out = g_string_new(NULL);
	guint n = 0;

	for (guint i = 0; i < names->len && n < HC_CPU_SUGGEST_MAX; i++) {
		const char *name = g_ptr_array_index(names, i);
		if (g_str_equal(name, wanted->name))
			continue;
		g_string_append_printf(out, "%s%s", n > 0 ? ", " : "", name);
		n++;
	}
	return out->len > 0 ? g_string_free(g_steal_pointer(&out), FALSE) : NULL;
}

/* "abm, adx, aes, … and 31 more" */
static char *
hc_cpu_name_list(GPtrArray *names)
{
	g_autoptr(GString) out = g_string_new(NULL);
	for (guint i = 0; i < names->len && i < HC_CPU_LIST_MAX; i++)
		g_string_append_printf(out,
				       "%s%s",
				       i > 0 ? ", " : "",
				       (char *)g_ptr_array_index(names, i));
	if (names->len > HC_CPU_LIST_MAX)
		g_string_append_printf(out, " and %u more", names->len - HC_CPU_LIST_MAX);
	return g_string_free(g_steal_pointer(&out), FALSE);
}

/* the distinct reasons the host gave, at most three: a timed-out probe says it once */
static char *
hc_cpu_unknown_causes(HcSnapshot *host, GPtrArray *ids)
{
	g_autoptr(GPtrArray) seen = g_ptr_array_new();
	g_autoptr(GString) out = g_string_new(NULL);

	for (guint i = 0; i < ids->len; i++) {
		const HcCapability *cap = hc_snapshot_lookup(host, g_ptr_array_index(ids, i));
		const char *why = cap != NULL ? cap->reason : "not reported by any probe";
		if (g_ptr_array_find_with_equal_func(seen, why, g_str_equal, NULL))
			continue;
		g_ptr_array_add(seen, (gpointer)why);
		if (seen->len <= 3)
			g_string_append_printf(out, "%s%s", seen->len > 1 ? "; " : "", why);
	}
	if (seen->len > 3)
		g_string_append_printf(out, "; and %u other reasons", seen->len - 3);
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static char *
hc_cpu_vendor_note(HcHostEval *ev, const char *name, const HcCpuModel *model)
{
	const char *vendor = hc_host_vendor(ev->host);
	if (vendor == NULL || model->vendor == NULL || model->vendor[0] == '\0' ||
	    g_strcmp0(vendor, model->vendor) == 0)
		return g_strdup("");
	return g_strdup_printf(" Vendor: %s is %s, this host is %s.", name, model->vendor, vendor);
}

static char *
hc_cpu_remediation(HcHostEval *ev, const HcCpuModel *model, gboolean enforce, gboolean unknown)
{
	g_autofree char *runs = hc_cpu_runnable_models(ev, model);
	g_autofree char *first = NULL;
	const char *rest;

	if (runs != NULL)
		first = g_strdup_printf("Models this host can run with enforce, newest first: %s.",
					runs);
	else
		first = g_strdup("No CPU model in cpu-models.d runs with enforce on this host; "
				 "-cpu host gives the guest what this host's KVM offers, but then "
				 "the VM only migrates to identical hosts.");
	if (unknown)
		rest = " Or find out why the host could not answer (hostcapctl status) and "
		       "check again.";
	else if (enforce)
		rest = " For a VM that also migrates, pick one every host offers (hostcapctl "
		       "baseline). Without enforce QEMU would start the VM minus these "
		       "features, and the guest CPU would differ from hosts that have them.";
	else
		rest = " For a VM that also migrates, pick one every host offers (hostcapctl "
		       "baseline), and add enforce so a host that lacks a feature refuses to "
		       "start the VM instead of quietly changing the guest CPU.";
	return g_strconcat(first, rest, NULL);
}

static void
hc_cpu_finding(HcHostEval *ev,
	       HcFeatureEval *fe,
	       const HcCpuModel *model,
	       HcCpuGap *gap,
	       gboolean unknown,
	       gboolean enforce)
{
	/* the name the spec used ("EPYC-Rome"), not the version it resolves to */
	const char *name = json_node_get_string(fe->value);
	g_autofree char *list = hc_cpu_name_list(gap->names);
	g_autofree char *vendor = hc_cpu_vendor_note(ev, name, model);
	g_autofree char *interfaces = NULL;
	guint n = gap->names->len;
	HcFinding *f;

	if (n == 0)
		return;
	g_ptr_array_add(gap->interfaces, NULL);
	interfaces = g_strjoinv(", ", (char **)gap->interfaces->pdata);
	g_ptr_array_remove_index(gap->interfaces, gap->interfaces->len - 1);
	f = hc_finding_new(fe->id,
			   fe->value,
			   fe->origin,
			   enforce ? HC_SEVERITY_ERROR : HC_SEVERITY_WARNING);
	f->unknown = unknown;
	f->requires = g_strdup("cpu.feature.<name> for each feature of the model, "
			       "cpu.msr.arch_capabilities.<name> for each ARCH_CAPABILITIES bit");
	f->remediation = hc_cpu_remediation(ev, model, enforce, unknown);
	for (guint i = 0; i < gap->ids->len; i++)
		hc_finding_add_capability(f, ev->host, g_ptr_array_index(gap->ids, i), NULL);
	if (unknown) {
		g_autofree char *causes = hc_cpu_unknown_causes(ev->host, gap->ids);
		f->reason =
		    g_strdup_printf("Cannot tell whether this host's KVM offers %u CPU "
				    "feature%s of %s: %s (%s). %s",
				    n,
				    n == 1 ? "" : "s",
				    name,
				    list,
				    causes,
				    enforce ? "If it does not, QEMU refuses to start the VM "
					      "with enforce."
					    : "If it does not, QEMU starts the VM without "
					      "them after a warning.");
	} else if (enforce) {
		f->reason = g_strdup_printf("%s needs %u CPU feature%s this host's KVM does not "
					    "offer: %s (%s); with enforce QEMU refuses to start.%s",
					    name,
					    n,
					    n == 1 ? "" : "s",
					    list,
					    interfaces,
					    vendor);
	} else {
		f->reason =
		    g_strdup_printf("QEMU will start %s here without %u of its CPU "
				    "feature%s, with only a warning: %s (%s). The guest CPU "
				    "will differ from hosts that have them.%s",
				    name,
				    n,
				    n == 1 ? "" : "s",
				    list,
				    interfaces,
				    vendor);
	}
	hc_report_add(ev->report, f);
}

static JsonNode *
hc_cpu_host_value(const char *model, GPtrArray *missing)
{
	JsonObject *obj;
	JsonArray *arr;
	JsonNode *node;

	if (missing->len == 0) {
		node = json_node_new(JSON_NODE_VALUE);
		json_node_set_string(node, model);
		return node;
	}
	obj = json_object_new();
	arr = json_array_new();
	json_object_set_string_member(obj, "model", model);
	for (guint i = 0; i < missing->len; i++)
		json_array_add_string_element(arr, g_ptr_array_index(missing, i));
	json_object_set_array_member(obj, "filtered", arr);
	/* take_object hands our reference to the node; init_object would add its own */
	node = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(node, obj);
	return node;
}

void
hc_eval_cpu_model(HcHostEval *ev, HcFeatureEval *fe)
{
	const char *name = json_node_get_string(fe->value);
	const HcCpuModel *model = hc_catalogue_lookup_cpu_model(ev->cat, name);
	gboolean enforce = hc_enforce(ev);
	HcCpuGap missing, unknown;

	fe->cpu_missing = g_ptr_array_new_with_free_func(g_free);
	fe->cpu_unknown = g_ptr_array_new_with_free_func(g_free);
	if (hc_eval_cpu_under_tcg(ev)) {
		hc_eval_cpu_model_tcg(ev, fe, enforce);
		return;
	}
	g_ptr_array_add(fe->consulted, g_strdup("kvm.present"));
	/* host/max: whatever KVM offers; compared feature by feature in a migration */
	if (model == NULL) {
		fe->host_value = json_node_copy(fe->value);
		return;
	}
	hc_cpu_gap_init(&missing, fe->cpu_missing);
	hc_cpu_gap_init(&unknown, fe->cpu_unknown);
	for (guint p = 0; p < G_N_ELEMENTS(hc_cpu_parts); p++) {
		GPtrArray *names = hc_cpu_part(model, p);
		for (guint i = 0; i < names->len; i++) {
			const char *feat = g_ptr_array_index(names, i);
			g_autofree char *id = g_strconcat(hc_cpu_parts[p].prefix, feat, NULL);
			const HcCapability *cap = hc_snapshot_lookup(ev->host, id);

			if (hc_explicitly_off(ev, feat))
				continue;
			if (cap == NULL || cap->state == HC_CAP_STATE_UNKNOWN)
				hc_cpu_gap_add(&unknown, feat, id, hc_cpu_parts[p].interface);
			else if (cap->state != HC_CAP_STATE_SUPPORTED)
				hc_cpu_gap_add(&missing, feat, id, hc_cpu_parts[p].interface);
		}
	}
	fe->sat = fe->cpu_missing->len > 0
		      ? HC_TRI_FALSE
		      : (fe->cpu_unknown->len > 0 ? HC_TRI_UNKNOWN : HC_TRI_TRUE);
	hc_cpu_finding(ev, fe, model, &missing, FALSE, enforce);
	hc_cpu_finding(ev, fe, model, &unknown, TRUE, enforce);
	hc_cpu_gap_clear(&missing);
	hc_cpu_gap_clear(&unknown);
	if (fe->cpu_unknown->len == 0)
		fe->host_value = enforce && fe->cpu_missing->len > 0
				     ? json_node_copy(fe->value)
				     : hc_cpu_host_value(name, fe->cpu_missing);
}
