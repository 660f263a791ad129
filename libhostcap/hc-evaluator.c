/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bootable: effective features (machine, platform, explicit) judged on one host */

#include <string.h>

#include "hostcap/hc-error.h"

#include "hc-evaluator.h"
#include "hc-json-util.h"
#include "hc-strutil.h"

static void
hc_feature_eval_free(HcFeatureEval *fe)
{
	g_free(fe->id);
	g_clear_pointer(&fe->value, json_node_unref);
	g_clear_pointer(&fe->host_value, json_node_unref);
	g_clear_pointer(&fe->consulted, g_ptr_array_unref);
	g_clear_pointer(&fe->cpu_missing, g_ptr_array_unref);
	g_clear_pointer(&fe->cpu_unknown, g_ptr_array_unref);
	g_free(fe);
}

void
hc_host_eval_free(HcHostEval *ev)
{
	if (ev == NULL)
		return;
	g_hash_table_unref(ev->by_id);
	g_ptr_array_unref(ev->features);
	hc_report_free(ev->report);
	hc_snapshot_unref(ev->host);
	g_free(ev);
}

const HcFeatureEval *
hc_host_eval_lookup(const HcHostEval *ev, const char *id)
{
	return g_hash_table_lookup(ev->by_id, id);
}

const char *
hc_host_label(HcSnapshot *host)
{
	const char *name = hc_snapshot_get_hostname(host);
	return name != NULL && name[0] != '\0' ? name : "this host";
}

static const HcCapability *
hc_lookup_cap(const char *id, gpointer user_data)
{
	HcHostEval *ev = user_data;
	return hc_snapshot_lookup(ev->host, id);
}

static JsonNode *
hc_lookup_feature(const char *id, gpointer user_data)
{
	HcHostEval *ev = user_data;
	const HcFeatureEval *fe = g_hash_table_lookup(ev->by_id, id);
	return fe != NULL ? fe->value : NULL;
}

char *
hc_describe_caps(HcSnapshot *host, GPtrArray *ids)
{
	g_autoptr(GString) out = g_string_new(NULL);

	for (guint i = 0; ids != NULL && i < ids->len; i++) {
		const char *id = g_ptr_array_index(ids, i);
		const HcCapability *cap = hc_snapshot_lookup(host, id);
		if (out->len > 0)
			g_string_append(out, "; ");
		if (cap == NULL) {
			g_string_append_printf(out, "%s: not reported by any probe", id);
			continue;
		}
		g_string_append_printf(out, "%s: %s", id, hc_cap_state_to_string(cap->state));
		/* a boolean value only repeats the state */
		if (cap->value != NULL &&
		    !g_variant_is_of_type(cap->value, G_VARIANT_TYPE_BOOLEAN)) {
			g_autofree char *v = hc_capability_value_to_string(cap);
			g_autofree char *v_cut = hc_str_cut(v, HC_QUOTE_MAX);
			g_string_append_printf(out, " = %s", v_cut);
		}
		{
			/* a hostile snapshot's reason is quoted as a prefix only */
			g_autofree char *reason = hc_str_cut(cap->reason, HC_QUOTE_MAX);
			g_string_append_printf(out, " (%s)", reason);
		}
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static HcFeatureEval *
hc_feature_eval_new(HcCatalogue *cat, const char *id, JsonNode *value, HcOrigin origin)
{
	HcFeatureEval *fe = g_new0(HcFeatureEval, 1);
	fe->id = g_strdup(id);
	fe->def = hc_catalogue_lookup_feature(cat, id);
	/* @value may be the catalogue's, which every check worker reads at once */
	fe->value = hc_json_node_clone(value);
	fe->origin = origin;
	fe->sat = HC_TRI_TRUE;
	fe->consulted = g_ptr_array_new_with_free_func(g_free);
	return fe;
}

static void
hc_set_effective(HcHostEval *ev, const char *id, JsonNode *value, HcOrigin origin)
{
	HcFeatureEval *fe = hc_feature_eval_new(ev->cat, id, value, origin);
	if (fe->def == NULL) {
		/* the catalogue validated every default; a spec id is validated by the parser */
		hc_feature_eval_free(fe);
		return;
	}
	g_hash_table_replace(ev->by_id, fe->id, fe);
}

static gint
hc_feature_eval_cmp(gconstpointer a, gconstpointer b)
{
	const HcFeatureEval *fa = *(HcFeatureEval *const *)a;
	const HcFeatureEval *fb = *(HcFeatureEval *const *)b;
	return strcmp(fa->id, fb->id);
}

static gboolean
hc_applies(HcHostEval *ev, const HcFeatureEval *fe)
{
	if (fe->origin == HC_ORIGIN_EXPLICIT || fe->def->applies_with->len == 0)
		return TRUE;
	for (guint i = 0; i < fe->def->applies_with->len; i++) {
		const HcFeatureEval *other =
		    g_hash_table_lookup(ev->by_id, g_ptr_array_index(fe->def->applies_with, i));
		if (other != NULL && !hc_feature_value_is_off(other->def, other->value))
			return TRUE;
	}
	return FALSE;
}

/* machine defaults, then the platform, then explicit values; then drops defaults for
 * devices the VM does not have */
static void
hc_resolve_effective(HcHostEval *ev)
{
	g_autoptr(GPtrArray) drop = g_ptr_array_new();
	GHashTableIter iter;
	gpointer key, val;

	if (ev->spec->machine != NULL) {
		/* the defaults of the QEMU release this host runs, when its snapshot says */
		g_autofree char *machine = hc_eval_qemu_machine_name(ev);
		g_autoptr(GArray) defs =
		    hc_catalogue_get_machine_defaults_for(ev->cat,
							  machine,
							  hc_eval_qemu_release(ev->host));
		for (guint i = 0; i < defs->len; i++) {
			HcDefaultValue *dv = &g_array_index(defs, HcDefaultValue, i);
			hc_set_effective(ev, dv->feature, dv->value, HC_ORIGIN_MACHINE);
		}
	}
	if (ev->spec->platform != NULL) {
		const HcPlatform *plat = hc_catalogue_lookup_platform(ev->cat, ev->spec->platform);
		g_hash_table_iter_init(&iter, plat->features);
		while (g_hash_table_iter_next(&iter, &key, &val))
			hc_set_effective(ev, key, val, HC_ORIGIN_PLATFORM);
	}
	for (guint i = 0; i < ev->spec->ids->len; i++) {
		const char *id = g_ptr_array_index(ev->spec->ids, i);
		hc_set_effective(ev, id, hc_spec_lookup(ev->spec, id), HC_ORIGIN_EXPLICIT);
	}
	g_hash_table_iter_init(&iter, ev->by_id);
	while (g_hash_table_iter_next(&iter, NULL, &val)) {
		if (!hc_applies(ev, val))
			g_ptr_array_add(drop, ((HcFeatureEval *)val)->id);
	}
	for (guint i = 0; i < drop->len; i++)
		g_hash_table_remove(ev->by_id, g_ptr_array_index(drop, i));
	g_hash_table_iter_init(&iter, ev->by_id);
	while (g_hash_table_iter_next(&iter, NULL, &val))
		g_ptr_array_add(ev->features, val);
	g_ptr_array_sort(ev->features, hc_feature_eval_cmp);
}

HcTri
hc_platform_check(HcCatalogue *cat, const HcPlatform *plat, HcSnapshot *host, GPtrArray *failed)
{
	HcHostEval ctx = {.cat = cat, .host = host};
	HcExprEnv env = {hc_lookup_cap, NULL, &ctx, NULL};
	HcTri all = HC_TRI_TRUE;
	GHashTableIter iter;
	gpointer key, val;

	for (guint i = 0; i < plat->requires->len; i++) {
		const HcExpr *e = g_ptr_array_index(plat->requires, i);
		HcTri t = HC_TRI_UNKNOWN;
		if (!hc_expr_eval_tri(e, &env, &t, NULL, NULL))
			t = HC_TRI_UNKNOWN;
		if (t != HC_TRI_TRUE && failed != NULL)
			g_ptr_array_add(failed, g_strdup(hc_expr_get_text(e)));
		if (t == HC_TRI_FALSE)
			all = HC_TRI_FALSE;
		else if (t == HC_TRI_UNKNOWN && all == HC_TRI_TRUE)
			all = HC_TRI_UNKNOWN;
	}
	/* the features a platform turns on are guarantees too */
	g_hash_table_iter_init(&iter, plat->features);
	while (g_hash_table_iter_next(&iter, &key, &val)) {
		const HcFeatureDef *def = hc_catalogue_lookup_feature(cat, key);
		const HcExpr *e = hc_catalogue_get_requires(cat, def, key, NULL);
		HcTri t = HC_TRI_UNKNOWN;
		env.value = val;
		if (e == NULL || hc_feature_value_is_off(def, val))
			continue;
		if (!hc_expr_eval_tri(e, &env, &t, NULL, NULL))
			t = HC_TRI_UNKNOWN;
		if (t != HC_TRI_TRUE && failed != NULL)
			g_ptr_array_add(failed,
					g_strdup_printf("%s: %s", (char *)key, def->requires));
		if (t == HC_TRI_FALSE)
			all = HC_TRI_FALSE;
		else if (t == HC_TRI_UNKNOWN && all == HC_TRI_TRUE)
			all = HC_TRI_UNKNOWN;
	}
	return all;
}

static gboolean
hc_flag_on(HcHostEval *ev, const char *id)
{
	const HcFeatureEval *fe = id != NULL ? g_hash_table_lookup(ev->by_id, id) : NULL;
	return fe != NULL && hc_json_node_is_bool(fe->value) && json_node_get_boolean(fe->value);
}

typedef enum {
	HC_MISS_REFUSE,	  /* QEMU refuses to start */
	HC_MISS_DROP,	  /* QEMU quietly drops it */
	HC_MISS_FILTER,	  /* QEMU drops it with a warning */
	HC_MISS_EXPLICIT, /* asked for explicitly; QEMU would drop it */
	HC_MISS_SLOW,	  /* performance only */
	HC_MISS_PLATFORM, /* the named platform promises it */
	HC_MISS_FALLBACK, /* QEMU falls back to the next choice of the command line */
} HcMiss;

/* the severity table of docs/verdicts.md */
static HcMiss
hc_classify(HcHostEval *ev, const HcFeatureEval *fe, HcSeverity *severity)
{
	const HcFeatureDef *def = fe->def;

	if (fe->origin == HC_ORIGIN_PLATFORM) {
		*severity = HC_SEVERITY_ERROR;
		return HC_MISS_PLATFORM;
	}
	if (def->falls_back_with != NULL && hc_flag_on(ev, def->falls_back_with)) {
		*severity = HC_SEVERITY_WARNING;
		return HC_MISS_FALLBACK;
	}
	if (def->filtered_unless != NULL && !hc_flag_on(ev, def->filtered_unless)) {
		*severity = HC_SEVERITY_WARNING;
		return HC_MISS_FILTER;
	}
	if (hc_feature_value_is_auto(def, fe->value)) {
		*severity = HC_SEVERITY_WARNING;
		return HC_MISS_DROP;
	}
	switch (def->on_missing) {
	case HC_ON_MISSING_FAIL:
		*severity = HC_SEVERITY_ERROR;
		return HC_MISS_REFUSE;
	case HC_ON_MISSING_SILENT_OFF:
		*severity = fe->origin == HC_ORIGIN_EXPLICIT ? HC_SEVERITY_ERROR
							     : HC_SEVERITY_WARNING;
		return fe->origin == HC_ORIGIN_EXPLICIT ? HC_MISS_EXPLICIT : HC_MISS_DROP;
	default:
		*severity = fe->origin == HC_ORIGIN_EXPLICIT ? HC_SEVERITY_WARNING
							     : HC_SEVERITY_INFO;
		return HC_MISS_SLOW;
	}
}

/* "accel.tcg_fallback" → what QEMU falls back to, from that feature's description */
static const char *
hc_fallback_name(HcHostEval *ev, const HcFeatureEval *fe)
{
	const HcFeatureDef *fb = hc_catalogue_lookup_feature(ev->cat, fe->def->falls_back_with);
	return fb != NULL ? hc_feature_property(fb, fe->def->falls_back_with) : "fallback";
}

static char *
hc_miss_reason(HcHostEval *ev,
	       const HcFeatureEval *fe,
	       const char *prop,
	       HcMiss miss,
	       const char *details)
{
	g_autofree char *val = hc_value_to_qemu(fe->value);
	const char *kernel = hc_snapshot_get_kernel(ev->host);
	g_autofree char *kern = kernel != NULL && kernel[0] != '\0'
				    ? g_strdup_printf(" Host kernel %s.", kernel)
				    : g_strdup("");

	switch (miss) {
	case HC_MISS_PLATFORM:
		return g_strdup_printf("Platform %s sets %s=%s, but %s cannot provide it: %s. The "
				       "host does not satisfy the platform.%s",
				       ev->spec->platform,
				       prop,
				       val,
				       hc_host_label(ev->host),
				       details,
				       kern);
	case HC_MISS_FILTER:
		return g_strdup_printf("QEMU will filter %s out of the guest CPU with only a "
				       "warning (enforce is off); the guest CPU will differ from "
				       "hosts that have it. %s.",
				       prop,
				       details);
	case HC_MISS_DROP:
		return g_strdup_printf("QEMU will silently turn %s off here; the guest ABI will "
				       "differ from hosts that have it. %s.%s",
				       prop,
				       details,
				       kern);
	case HC_MISS_EXPLICIT:
		return g_strdup_printf("The spec asks for %s=%s, but this host cannot provide it "
				       "and QEMU would quietly run the VM without it, so the guest "
				       "would not get what the spec says. %s.%s",
				       prop,
				       val,
				       details,
				       kern);
	case HC_MISS_SLOW:
		return g_strdup_printf("%s=%s works here, but slower: %s.", prop, val, details);
	case HC_MISS_FALLBACK:
		return g_strdup_printf(
		    "This host cannot provide %s (%s). The command line names a "
		    "fallback, so QEMU does not refuse: it starts the VM under %s "
		    "instead, emulated and far slower, with the CPU features that "
		    "accelerator implements.%s",
		    prop,
		    details,
		    hc_fallback_name(ev, fe),
		    kern);
	default:
		return g_strdup_printf("This host cannot provide %s=%s: %s. QEMU will refuse to "
				       "start the VM.%s",
				       prop,
				       val,
				       details,
				       kern);
	}
}

/* "host_uso", "host_uso and guest_uso4", "host_uso, guest_uso4 and guest_uso6" */
static char *
hc_join_props(GPtrArray *members)
{
	g_autoptr(GString) out = g_string_new(NULL);
	for (guint i = 0; i < members->len; i++) {
		const HcFeatureEval *m = g_ptr_array_index(members, i);
		if (i > 0)
			g_string_append(out, i + 1 == members->len ? " and " : ", ");
		g_string_append(out, hc_feature_property(m->def, m->id));
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

/* what QEMU will actually run with here */
static void
hc_set_host_value(HcFeatureEval *fe, HcMiss miss)
{
	if (fe->sat != HC_TRI_FALSE)
		return;
	if (miss == HC_MISS_DROP || miss == HC_MISS_FILTER || miss == HC_MISS_EXPLICIT ||
	    miss == HC_MISS_FALLBACK)
		fe->host_value = hc_feature_off_value(fe->def);
	else
		fe->host_value = json_node_copy(fe->value);
}

/* one finding for a feature and the members of its pin group that fail the same way */
static void
hc_report_miss(HcHostEval *ev, HcFeatureEval *fe, const char *eval_error, GHashTable *done)
{
	HcSeverity severity;
	HcMiss miss = hc_classify(ev, fe, &severity);
	g_autoptr(GPtrArray) members = g_ptr_array_new();
	g_autofree char *details = hc_describe_caps(ev->host, fe->consulted);
	g_autofree char *props = NULL;
	HcFinding *f;

	for (guint i = 0; i < ev->features->len; i++) {
		HcFeatureEval *m = g_ptr_array_index(ev->features, i);
		HcSeverity msev;
		if (m != fe && (fe->def->group == NULL || m->sat != fe->sat ||
				g_strcmp0(m->def->group, fe->def->group) != 0 ||
				g_hash_table_contains(done, m->id) ||
				hc_classify(ev, m, &msev) != miss || msev != severity))
			continue;
		g_ptr_array_add(members, m);
		g_hash_table_add(done, m->id);
		hc_set_host_value(m, miss);
	}
	props = hc_join_props(members);
	f = hc_finding_new(fe->id, fe->value, fe->origin, severity);
	f->requires = g_strdup(fe->def->requires);
	f->remediation = g_strdup(fe->def->remediation);
	f->unknown = fe->sat == HC_TRI_UNKNOWN;
	for (guint i = 1; i < members->len; i++)
		json_array_add_string_element(f->also,
					      ((HcFeatureEval *)g_ptr_array_index(members, i))->id);
	for (guint i = 0; i < fe->consulted->len; i++)
		hc_finding_add_capability(f, ev->host, g_ptr_array_index(fe->consulted, i), NULL);
	if (eval_error != NULL) {
		f->reason = g_strdup_printf("Could not evaluate the requirement of %s: %s",
					    fe->id,
					    eval_error);
	} else if (f->unknown) {
		g_autofree char *would = hc_miss_reason(ev, fe, props, miss, details);
		f->reason = g_strdup_printf("Cannot tell whether this host provides %s: %s. If it "
					    "does not: %s",
					    props,
					    details,
					    would);
	} else {
		f->reason = hc_miss_reason(ev, fe, props, miss, details);
	}
	hc_report_add(ev->report, f);
}

/* effective_from: the guest gets the host's own value (host-phys-bits=on → cpu.phys_bits),
 * so that value is what a migration compares; NULL when the host cannot tell */
static JsonNode *
hc_value_from_host(HcHostEval *ev, HcFeatureEval *fe)
{
	const HcCapability *cap = hc_snapshot_lookup(ev->host, fe->def->effective_from);
	JsonNode *node;

	g_ptr_array_add(fe->consulted, g_strdup(fe->def->effective_from));
	if (cap == NULL || cap->state != HC_CAP_STATE_SUPPORTED || cap->value == NULL)
		return NULL;
	node = json_node_new(JSON_NODE_VALUE);
	if (g_variant_is_of_type(cap->value, G_VARIANT_TYPE_INT64)) {
		json_node_set_int(node, g_variant_get_int64(cap->value));
	} else {
		g_autofree char *text = hc_capability_value_to_string(cap);
		json_node_set_string(node, text);
	}
	return node;
}

/* decides sat (and host_value when satisfied); findings come afterwards, grouped */
static void
hc_eval_feature(HcHostEval *ev, HcFeatureEval *fe, GHashTable *errors)
{
	HcExprEnv env = {hc_lookup_cap, hc_lookup_feature, ev, fe->value};
	g_autoptr(GError) error = NULL;
	const HcExpr *expr;

	if (fe->def->type == HC_FEATURE_TYPE_CPU_MODEL) {
		hc_eval_cpu_model(ev, fe);
		return;
	}
	if (hc_feature_value_is_off(fe->def, fe->value)) {
		fe->host_value = json_node_copy(fe->value);
		return;
	}
	expr = hc_catalogue_get_requires(ev->cat, fe->def, fe->id, &error);
	if (expr != NULL && !hc_expr_eval_tri(expr, &env, &fe->sat, fe->consulted, &error))
		fe->sat = HC_TRI_UNKNOWN;
	if (error != NULL) {
		fe->sat = HC_TRI_UNKNOWN;
		g_hash_table_insert(errors, fe->id, g_strdup(error->message));
	}
	if (fe->sat == HC_TRI_TRUE)
		fe->host_value = fe->def->effective_from != NULL ? hc_value_from_host(ev, fe)
								 : json_node_copy(fe->value);
}

static void
hc_eval_platform(HcHostEval *ev)
{
	const HcPlatform *plat;
	g_autoptr(GPtrArray) failed = g_ptr_array_new_with_free_func(g_free);
	HcTri t;

	if (ev->spec->platform == NULL)
		return;
	plat = hc_catalogue_lookup_platform(ev->cat, ev->spec->platform);
	t = hc_platform_check(ev->cat, plat, ev->host, failed);
	for (guint i = 0; i < plat->requires->len && t != HC_TRI_TRUE; i++) {
		const HcExpr *e = g_ptr_array_index(plat->requires, i);
		const char *text = hc_expr_get_text(e);
		g_autoptr(GPtrArray) ids = NULL;
		g_autofree char *details = NULL;
		g_autoptr(JsonNode) name = json_node_new(JSON_NODE_VALUE);
		HcFinding *f;

		if (!g_ptr_array_find_with_equal_func(failed, text, g_str_equal, NULL))
			continue;
		ids = hc_expr_get_capability_ids(e);
		details = hc_describe_caps(ev->host, ids);
		json_node_set_string(name, plat->name);
		f = hc_finding_new("platform", name, HC_ORIGIN_PLATFORM, HC_SEVERITY_ERROR);
		f->requires = g_strdup(text);
		f->unknown = t == HC_TRI_UNKNOWN;
		for (guint j = 0; j < ids->len; j++)
			hc_finding_add_capability(f, ev->host, g_ptr_array_index(ids, j), NULL);
		f->reason = g_strdup_printf("%s %s platform %s, which requires %s: %s.",
					    hc_host_label(ev->host),
					    f->unknown ? "may not satisfy" : "does not satisfy",
					    plat->name,
					    text,
					    details);
		f->remediation = g_strdup_printf("Run the VM on hosts that satisfy %s (hostcapctl "
						 "baseline lists them), or name an older platform "
						 "in the spec.",
						 plat->name);
		hc_report_add(ev->report, f);
	}
}

/* features the host cannot be asked about (the QEMU user's RLIMIT_MEMLOCK): say what to
 * check, as a note, whenever they are on */
static void
hc_eval_notes(HcHostEval *ev)
{
	for (guint i = 0; i < ev->features->len; i++) {
		const HcFeatureEval *fe = g_ptr_array_index(ev->features, i);
		HcFinding *f;

		if (fe->def->note == NULL || hc_feature_value_is_off(fe->def, fe->value))
			continue;
		f = hc_finding_new(fe->id, fe->value, fe->origin, HC_SEVERITY_INFO);
		f->reason = g_strdup(fe->def->note);
		f->remediation = g_strdup(fe->def->remediation);
		hc_report_add(ev->report, f);
	}
}

static void
hc_eval_unevaluated(HcHostEval *ev)
{
	for (guint i = 0; i < ev->spec->unevaluated->len; i++) {
		g_autoptr(JsonNode) text = json_node_new(JSON_NODE_VALUE);
		HcFinding *f;
		json_node_set_string(text, g_ptr_array_index(ev->spec->unevaluated, i));
		f = hc_finding_new("unevaluated", text, HC_ORIGIN_EXPLICIT, HC_SEVERITY_INFO);
		f->reason = g_strdup_printf("hostcapd did not judge this part of the command line: "
					    "%s",
					    (char *)g_ptr_array_index(ev->spec->unevaluated, i));
		f->remediation = g_strdup("Check it by hand, or add a feature to features.d.");
		hc_report_add(ev->report, f);
	}
}

HcHostEval *
hc_evaluate_host(HcCatalogue *cat, const HcSpec *spec, HcSnapshot *host, GError **error)
{
	g_autoptr(HcHostEval) ev = g_new0(HcHostEval, 1);
	g_autoptr(GHashTable) errors = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	g_autoptr(GHashTable) done = g_hash_table_new(g_str_hash, g_str_equal);

	ev->cat = cat;
	ev->host = hc_snapshot_ref(host);
	ev->spec = spec;
	ev->features = g_ptr_array_new();
	ev->by_id = g_hash_table_new_full(g_str_hash,
					  g_str_equal,
					  NULL,
					  (GDestroyNotify)hc_feature_eval_free);
	ev->report = hc_report_new();
	hc_resolve_effective(ev);
	hc_eval_platform(ev);
	hc_eval_qemu_machine(ev);
	for (guint i = 0; i < ev->features->len; i++)
		hc_eval_feature(ev, g_ptr_array_index(ev->features, i), errors);
	for (guint i = 0; i < ev->features->len; i++) {
		HcFeatureEval *fe = g_ptr_array_index(ev->features, i);
		if (fe->sat != HC_TRI_TRUE && fe->def->type != HC_FEATURE_TYPE_CPU_MODEL &&
		    !g_hash_table_contains(done, fe->id))
			hc_report_miss(ev, fe, g_hash_table_lookup(errors, fe->id), done);
	}
	for (guint i = 0; i < ev->features->len; i++) {
		HcFeatureEval *fe = g_ptr_array_index(ev->features, i);
		json_object_set_member(ev->report->effective,
				       fe->id,
				       fe->host_value != NULL ? json_node_copy(fe->host_value)
							      : json_node_new(JSON_NODE_NULL));
	}
	hc_eval_notes(ev);
	hc_eval_unevaluated(ev);
	return g_steal_pointer(&ev);
}
