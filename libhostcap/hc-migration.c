/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* migration verdicts: target bootability plus guest-ABI equality between two hosts */

#include <string.h>

#include "hc-json-util.h"
#include "hc-migration.h"

typedef HcMigrationChecks HcMigration;

GPtrArray *
hc_migration_pin_group(HcCatalogue *cat, const HcFeatureDef *def, const char *id)
{
	GPtrArray *ids;

	if (def->group != NULL)
		return hc_catalogue_get_group(cat, def->group);
	ids = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(ids, g_strdup(id));
	return ids;
}

char *
hc_migration_pin_text(HcCatalogue *cat, const HcFeatureDef *def, const char *id)
{
	g_autoptr(GPtrArray) ids = hc_migration_pin_group(cat, def, id);
	g_autoptr(GString) out = g_string_new(NULL);

	for (guint i = 0; i < ids->len; i++) {
		const char *member = g_ptr_array_index(ids, i);
		const HcFeatureDef *mdef = hc_catalogue_lookup_feature(cat, member);
		g_autoptr(JsonNode) off = hc_feature_off_value(mdef);
		g_autofree char *val = hc_value_to_qemu(off);
		g_string_append_printf(out,
				       "%s%s=%s",
				       i > 0 ? "," : "",
				       hc_feature_property(mdef, member),
				       val);
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

/* platforms both hosts satisfy, newest first, as "a, b" (NULL when none) */
static char *
hc_common_platforms(HcMigration *m)
{
	g_autoptr(GPtrArray) plats = hc_catalogue_list_platforms(m->cat);
	g_autoptr(GPtrArray) names = g_ptr_array_new();

	for (guint i = 0; i < plats->len; i++) {
		const HcPlatform *p = g_ptr_array_index(plats, i);
		if (hc_platform_check(m->cat, p, m->src->host, NULL) == HC_TRI_TRUE &&
		    hc_platform_check(m->cat, p, m->dst->host, NULL) == HC_TRI_TRUE)
			g_ptr_array_add(names, p->name);
	}
	if (names->len == 0)
		return NULL;
	g_ptr_array_add(names, NULL);
	return g_strjoinv(", ", (char **)names->pdata);
}

static void
hc_add_caps_of(HcFinding *f, HcHostEval *ev, const HcFeatureEval *fe)
{
	for (guint i = 0; fe != NULL && i < fe->consulted->len; i++)
		hc_finding_add_capability(f,
					  ev->host,
					  g_ptr_array_index(fe->consulted, i),
					  hc_host_label(ev->host));
}

static char *
hc_host_with_kernel(HcSnapshot *host)
{
	const char *kernel = hc_snapshot_get_kernel(host);
	if (kernel == NULL || kernel[0] == '\0')
		return g_strdup(hc_host_label(host));
	return g_strdup_printf("%s (kernel %s)", hc_host_label(host), kernel);
}

/* "host_uso=on, guest_uso4=on, guest_uso6=on" over @fe's pin group on one host */
static char *
hc_value_text(HcMigration *m, HcHostEval *ev, const HcFeatureEval *fe)
{
	g_autoptr(GPtrArray) ids = NULL;
	g_autoptr(GString) out = g_string_new(NULL);

	if (fe == NULL)
		return g_strdup("unknown");
	ids = hc_migration_pin_group(m->cat, fe->def, fe->id);
	for (guint i = 0; i < ids->len; i++) {
		const HcFeatureEval *o = hc_host_eval_lookup(ev, g_ptr_array_index(ids, i));
		g_autofree char *v = NULL;
		if (o == NULL)
			continue;
		v = o->host_value != NULL ? hc_value_to_qemu(o->host_value) : g_strdup("unknown");
		g_string_append_printf(out,
				       "%s%s=%s",
				       out->len > 0 ? ", " : "",
				       hc_feature_property(o->def, o->id),
				       v);
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

/* whether both hosts' values are known and differ, or one of them could not be resolved */
typedef enum {
	HC_MISMATCH_VALUES,
	HC_MISMATCH_UNRESOLVED,
} HcMismatchKind;

static void
hc_mismatch(HcMigration *m,
	    const HcFeatureEval *s,
	    const HcFeatureEval *t,
	    HcSeverity sev,
	    HcMismatchKind kind)
{
	gboolean unknown = kind == HC_MISMATCH_UNRESOLVED;
	const HcFeatureEval *any = s != NULL ? s : t;
	g_autofree char *src_name = hc_host_with_kernel(m->src->host);
	g_autofree char *dst_name = hc_host_with_kernel(m->dst->host);
	g_autofree char *sv = hc_value_text(m, m->src, s);
	g_autofree char *tv = hc_value_text(m, m->dst, t);
	g_autofree char *src_caps = hc_describe_caps(m->src->host, s ? s->consulted : NULL);
	g_autofree char *dst_caps = hc_describe_caps(m->dst->host, t ? t->consulted : NULL);
	g_autofree char *plats = hc_common_platforms(m);
	HcFinding *f;

	/* one finding per pin group: the pin covers every member */
	if (any->def->group != NULL) {
		if (g_hash_table_contains(m->groups, any->def->group))
			return;
		g_hash_table_add(m->groups, any->def->group);
	}
	f = hc_finding_new(any->id, any->value, any->origin, sev);
	if (any->def->group != NULL) {
		g_autoptr(GPtrArray) members = hc_catalogue_get_group(m->cat, any->def->group);
		for (guint i = 0; i < members->len; i++) {
			const char *id = g_ptr_array_index(members, i);
			if (g_strcmp0(id, any->id) != 0 && hc_host_eval_lookup(m->src, id) != NULL)
				json_array_add_string_element(f->also, id);
		}
	}
	f->unknown = unknown;
	f->requires = g_strdup(any->def->requires);
	f->direction = g_strdup(m->direction);
	g_hash_table_add(m->mismatched, g_strdup(any->id));
	for (guint i = 0; i < json_array_get_length(f->also); i++)
		g_hash_table_add(m->mismatched,
				 g_strdup(json_array_get_string_element(f->also, i)));
	hc_add_caps_of(f, m->src, s);
	hc_add_caps_of(f, m->dst, t);
	if (unknown)
		f->reason = g_strdup_printf("Cannot tell whether %s resolves the same on both "
					    "hosts: the source runs %s, the target %s. Source: %s. "
					    "Target: %s.",
					    any->id,
					    sv,
					    tv,
					    src_caps,
					    dst_caps);
	else if (sev == HC_SEVERITY_ERROR)
		f->reason = g_strdup_printf("On %s QEMU runs the VM with %s; on %s it would run "
					    "%s. A guest that negotiated the feature on the source "
					    "cannot be loaded on the target: the migration copies "
					    "all of RAM and then fails to load the device state "
					    "(for virtio: 'Features 0x… unsupported'). Source: %s. "
					    "Target: %s.",
					    src_name,
					    sv,
					    dst_name,
					    tv,
					    src_caps,
					    dst_caps);
	else
		f->reason = g_strdup_printf("%s offers %s, but the VM runs with %s on %s. The "
					    "migration works and the guest keeps what it "
					    "negotiated; after its next boot on the target it will "
					    "use the feature and can no longer move back to %s.",
					    dst_name,
					    tv,
					    sv,
					    src_name,
					    hc_host_label(m->src->host));
	if (any->def->group != NULL || any->def->type == HC_FEATURE_TYPE_BOOL ||
	    any->def->off_values->len > 0) {
		g_autofree char *pin = hc_migration_pin_text(m->cat, any->def, any->id);
		f->pin = g_strdup_printf("%s on both", pin);
		f->remediation =
		    plats != NULL && any->def->platform_dependent
			? g_strdup_printf("Pin %s on both hosts; a running guest keeps "
					  "what it negotiated until its next cold boot, "
					  "so restart it once with the pins. Or name a "
					  "platform both hosts satisfy in the spec (%s).",
					  pin,
					  plats)
			: g_strdup_printf("Pin %s on both hosts; a running guest keeps "
					  "what it negotiated until its next cold boot, "
					  "so restart it once with the pins.",
					  pin);
	} else {
		f->remediation = g_strdup(any->def->remediation);
	}
	hc_report_add(m->report, f);
}

static gboolean
hc_same_inputs(HcMigration *m, const HcFeatureEval *s, const HcFeatureEval *t)
{
	if (s->host_value != NULL || t->host_value != NULL || s->consulted->len == 0 ||
	    !hc_json_equal(s->value, t->value))
		return FALSE;
	for (guint i = 0; i < s->consulted->len; i++) {
		const char *id = g_ptr_array_index(s->consulted, i);
		const HcCapability *a = hc_snapshot_lookup(m->src->host, id);
		const HcCapability *b = hc_snapshot_lookup(m->dst->host, id);
		if ((a == NULL) != (b == NULL) || (a != NULL && !hc_capability_equal(a, b)))
			return FALSE;
	}
	return TRUE;
}

/* a named CPU model differs when the hosts filter different features out of it */
static gboolean
hc_cpu_target_adds(const HcFeatureEval *s, const HcFeatureEval *t)
{
	for (guint i = 0; i < t->cpu_missing->len; i++) {
		if (!g_ptr_array_find_with_equal_func(s->cpu_missing,
						      g_ptr_array_index(t->cpu_missing, i),
						      g_str_equal,
						      NULL))
			return FALSE;
	}
	return TRUE;
}

static void
hc_compare_feature(HcMigration *m, const HcFeatureEval *s, const HcFeatureEval *t)
{
	const HcFeatureDef *def = (s != NULL ? s : t)->def;
	gboolean s_off, t_off;

	if (!def->abi)
		return;
	/* the same answers to the same questions resolve the same, even when unknown */
	if (s != NULL && t != NULL && hc_same_inputs(m, s, t))
		return;
	if (s == NULL || t == NULL || s->host_value == NULL || t->host_value == NULL) {
		hc_mismatch(m, s, t, HC_SEVERITY_ERROR, HC_MISMATCH_UNRESOLVED);
		return;
	}
	if (hc_json_equal(s->host_value, t->host_value))
		return;
	s_off = hc_feature_value_is_off(def, s->host_value);
	t_off = hc_feature_value_is_off(def, t->host_value);
	if (s_off && t_off)
		return;
	if (def->type == HC_FEATURE_TYPE_CPU_MODEL && s->cpu_missing != NULL &&
	    t->cpu_missing != NULL && hc_cpu_target_adds(s, t)) {
		hc_mismatch(m, s, t, HC_SEVERITY_WARNING, HC_MISMATCH_VALUES);
		return;
	}
	if (def->target_may_add && s_off && !t_off)
		hc_mismatch(m, s, t, HC_SEVERITY_WARNING, HC_MISMATCH_VALUES);
	else
		hc_mismatch(m, s, t, HC_SEVERITY_ERROR, HC_MISMATCH_VALUES);
}

/* -cpu host/max: the guest sees each host's own CPUID, so compare them feature by feature */
static void
hc_compare_host_cpu(HcMigration *m, const HcFeatureEval *fe)
{
	const char *const patterns[] = {"cpu.feature", NULL};
	g_autoptr(GPtrArray) caps = hc_snapshot_list(m->src->host, patterns);
	g_autoptr(GString) lost = g_string_new(NULL);
	HcFinding *f;

	for (guint i = 0; i < caps->len; i++) {
		const HcCapability *c = g_ptr_array_index(caps, i);
		const HcCapability *d = hc_snapshot_lookup(m->dst->host, c->id);
		if (c->state == HC_CAP_STATE_SUPPORTED &&
		    (d == NULL || d->state != HC_CAP_STATE_SUPPORTED))
			g_string_append_printf(lost,
					       "%s%s",
					       lost->len > 0 ? ", " : "",
					       c->id + strlen("cpu.feature."));
	}
	if (lost->len == 0)
		return;
	f = hc_finding_new(fe->id, fe->value, fe->origin, HC_SEVERITY_ERROR);
	f->direction = g_strdup(m->direction);
	f->reason = g_strdup_printf("With -cpu %s the guest sees every CPU feature of the "
				    "source host's KVM; the target lacks %s, so the guest would "
				    "lose CPU features it may be using (crash, #UD, or 'Failed to "
				    "set XSAVE' on load).",
				    json_node_get_string(fe->value),
				    lost->str);
	f->remediation = g_strdup("Use a named CPU model both hosts support (hostcapctl "
				  "baseline) instead of host/max.");
	hc_report_add(m->report, f);
}

static void
hc_migration_blockers(HcMigration *m)
{
	for (guint i = 0; i < m->src->features->len; i++) {
		const HcFeatureEval *fe = g_ptr_array_index(m->src->features, i);
		const HcFeatureEval *unless;
		HcFinding *f;

		if (!fe->def->blocks_migration || hc_feature_value_is_off(fe->def, fe->value))
			continue;
		unless = fe->def->blocks_migration_unless != NULL
			     ? hc_host_eval_lookup(m->src, fe->def->blocks_migration_unless)
			     : NULL;
		if (unless != NULL && !hc_feature_value_is_off(unless->def, unless->value))
			continue;
		f = hc_finding_new(fe->id, fe->value, fe->origin, HC_SEVERITY_ERROR);
		f->direction = g_strdup(m->direction);
		f->reason = g_strdup_printf(
		    "QEMU registers a migration blocker for %s: a VM "
		    "with it cannot be live-migrated at all%s%s.",
		    fe->id,
		    fe->def->blocks_migration_unless != NULL ? " unless " : "",
		    fe->def->blocks_migration_unless != NULL ? fe->def->blocks_migration_unless
							     : "");
		f->remediation = g_strdup(fe->def->remediation);
		hc_report_add(m->report, f);
	}
}

static const HcCapability *
hc_lookup_host_cap(const char *id, gpointer user_data)
{
	return hc_snapshot_lookup(user_data, id);
}

/* migration_requires on one host; adds an error finding when it does not hold */
static void
hc_migration_requires_on(HcMigration *m, const HcFeatureEval *fe, HcSnapshot *host)
{
	g_autoptr(GError) error = NULL;
	const HcExpr *e = hc_catalogue_get_migration_requires(m->cat, fe->def, fe->id, &error);
	HcExprEnv env = {hc_lookup_host_cap, NULL, host, fe->value};
	g_autoptr(GPtrArray) ids = NULL;
	g_autofree char *details = NULL;
	HcTri t = HC_TRI_UNKNOWN;
	HcFinding *f;

	if (e != NULL && !hc_expr_eval_tri(e, &env, &t, NULL, NULL))
		t = HC_TRI_UNKNOWN;
	if (t == HC_TRI_TRUE)
		return;
	ids = e != NULL ? hc_expr_get_capability_ids(e) : g_ptr_array_new_with_free_func(g_free);
	details = hc_describe_caps(host, ids);
	f = hc_finding_new(fe->id, fe->value, fe->origin, HC_SEVERITY_ERROR);
	f->unknown = t == HC_TRI_UNKNOWN;
	f->direction = g_strdup(m->direction);
	f->requires = g_strdup(fe->def->migration_requires);
	for (guint i = 0; i < ids->len; i++)
		hc_finding_add_capability(f, host, g_ptr_array_index(ids, i), hc_host_label(host));
	f->reason =
	    g_strdup_printf("A VM with %s cannot be live-migrated unless both hosts "
			    "provide %s; %s %s: %s.%s%s%s",
			    fe->id,
			    fe->def->migration_requires,
			    hc_host_label(host),
			    f->unknown ? "may not" : "does not",
			    details,
			    fe->def->migration_blocker != NULL ? " QEMU says: \"" : "",
			    fe->def->migration_blocker != NULL ? fe->def->migration_blocker : "",
			    fe->def->migration_blocker != NULL ? "\"" : "");
	f->remediation = g_strdup(fe->def->remediation);
	hc_report_add(m->report, f);
}

static void
hc_migration_requires(HcMigration *m)
{
	for (guint i = 0; i < m->src->features->len; i++) {
		const HcFeatureEval *fe = g_ptr_array_index(m->src->features, i);

		if (fe->def->migration_requires == NULL ||
		    hc_feature_value_is_off(fe->def, fe->value))
			continue;
		hc_migration_requires_on(m, fe, m->src->host);
		if (m->dst->host != m->src->host)
			hc_migration_requires_on(m, fe, m->dst->host);
	}
}

/* the target's bootable findings, minus warnings a mismatch finding already explains */
static void
hc_take_target_findings(HcMigration *m)
{
	const char *label = hc_host_label(m->dst->host);

	while (m->dst->report->findings->len > 0) {
		HcFinding *f = g_ptr_array_steal_index(m->dst->report->findings, 0);
		g_autofree char *reason = f->reason;
		if (f->severity != HC_SEVERITY_ERROR &&
		    g_hash_table_contains(m->mismatched, f->feature)) {
			f->reason = NULL;
			hc_finding_free(f);
			continue;
		}
		for (guint i = 0; i < json_array_get_length(f->capabilities); i++)
			json_object_set_string_member(
			    json_array_get_object_element(f->capabilities, i),
			    "host",
			    label);
		f->reason = g_strdup_printf("On the target %s: %s", label, reason);
		f->direction = g_strdup(m->direction);
		hc_report_add(m->report, f);
	}
}

static JsonObject *
hc_host_json(HcSnapshot *host)
{
	JsonObject *obj = json_object_new();
	json_object_set_string_member(obj, "hostname", hc_host_label(host));
	json_object_set_string_member(obj, "kernel", hc_snapshot_get_kernel(host));
	json_object_set_string_member(obj, "fingerprint", hc_snapshot_get_fingerprint(host));
	return obj;
}

HcReport *
hc_migration_evaluate(HcCatalogue *cat,
		      const HcSpec *spec,
		      HcSnapshot *source,
		      HcSnapshot *target,
		      GError **error)
{
	g_autoptr(HcHostEval) src = hc_evaluate_host(cat, spec, source, error);
	g_autoptr(HcHostEval) dst = src != NULL ? hc_evaluate_host(cat, spec, target, error) : NULL;
	g_autofree char *direction = NULL;
	HcMigration m = {0};

	if (dst == NULL)
		return NULL;
	direction = g_strdup_printf("%s -> %s", hc_host_label(source), hc_host_label(target));
	g_autoptr(GHashTable) groups = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) mismatched =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	m = (HcMigration){cat, src, dst, hc_report_new(), direction, groups, mismatched};
	json_object_unref(m.report->effective);
	m.report->effective = json_object_ref(dst->report->effective);
	hc_migration_post_load(&m);
	for (guint i = 0; i < src->features->len; i++) {
		const HcFeatureEval *s = g_ptr_array_index(src->features, i);
		const HcFeatureEval *t = hc_host_eval_lookup(dst, s->id);
		if (s->def->type == HC_FEATURE_TYPE_CPU_MODEL &&
		    hc_catalogue_lookup_cpu_model(cat, json_node_get_string(s->value)) == NULL)
			hc_compare_host_cpu(&m, s);
		else
			hc_compare_feature(&m, s, t);
	}
	hc_migration_blockers(&m);
	hc_migration_requires(&m);
	hc_take_target_findings(&m);
	json_object_set_object_member(m.report->extra, "source", hc_host_json(source));
	json_object_set_object_member(m.report->extra, "target", hc_host_json(target));
	json_object_set_string_member(m.report->extra, "direction", direction);
	return m.report;
}
