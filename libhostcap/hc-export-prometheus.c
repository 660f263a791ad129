/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Prometheus text exposition format of a snapshot, for node_exporter's textfile
 * collector: every family has HELP and TYPE, names end in their unit (_seconds) or _total
 * for counters, the info metric ends in _info, and label values are escaped as the format
 * says (backslash, double quote, newline).
 */
#include "hc-evaluator.h"
#include "hc-export.h"

static void
hc_prom_escape(GString *out, const char *value)
{
	for (const char *p = value != NULL ? value : ""; *p != '\0'; p++) {
		if (*p == '\\')
			g_string_append(out, "\\\\");
		else if (*p == '"')
			g_string_append(out, "\\\"");
		else if (*p == '\n')
			g_string_append(out, "\\n");
		else
			g_string_append_c(out, *p);
	}
}

static void
hc_prom_family(GString *out, const char *name, const char *type, const char *help)
{
	g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{label="value",…} — @labels is NULL-terminated name/value pairs */
static void
hc_prom_series(GString *out, const char *name, const char *const *labels)
{
	g_string_append(out, name);
	for (guint i = 0; labels != NULL && labels[i] != NULL; i += 2) {
		g_string_append_printf(out, "%s%s=\"", i == 0 ? "{" : ",", labels[i]);
		hc_prom_escape(out, labels[i + 1]);
		g_string_append_c(out, '"');
		if (labels[i + 2] == NULL)
			g_string_append_c(out, '}');
	}
	g_string_append_c(out, ' ');
}

/* microseconds as decimal seconds, without the locale's decimal separator */
static void
hc_prom_seconds(GString *out, gint64 usec)
{
	if (usec < 0) {
		g_string_append_c(out, '-');
		usec = -usec;
	}
	g_string_append_printf(out,
			       "%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT "\n",
			       usec / G_USEC_PER_SEC,
			       usec % G_USEC_PER_SEC);
}

static const char *
hc_prom_string_value(HcSnapshot *snap, const char *id)
{
	const HcCapability *cap = hc_snapshot_lookup(snap, id);

	if (cap == NULL || cap->value == NULL ||
	    !g_variant_is_of_type(cap->value, G_VARIANT_TYPE_STRING))
		return "";
	return g_variant_get_string(cap->value, NULL);
}

static void
hc_prom_host(GString *out, HcSnapshot *snap, const HcExportOptions *opts)
{
	const char *const info[] = {"fingerprint",
				    hc_snapshot_get_fingerprint(snap),
				    "hostname",
				    hc_snapshot_get_hostname(snap),
				    "kernel",
				    hc_snapshot_get_kernel(snap),
				    "qemu",
				    hc_prom_string_value(snap, "qemu.version"),
				    "version",
				    opts->version != NULL ? opts->version : "",
				    NULL};

	hc_prom_family(out,
		       "hostcapd_info",
		       "gauge",
		       "The host's capability fingerprint, kernel, QEMU release and the hostcapd "
		       "version; always 1.");
	hc_prom_series(out, "hostcapd_info", info);
	g_string_append(out, "1\n");
	hc_prom_family(out,
		       "hostcapd_generation",
		       "gauge",
		       "Generation of the snapshot; moves when a capability changes.");
	g_string_append_printf(out,
			       "hostcapd_generation %" G_GUINT64_FORMAT "\n",
			       hc_snapshot_get_generation(snap));
	hc_prom_family(out,
		       "hostcapd_last_probe_timestamp_seconds",
		       "gauge",
		       "When the last probe pass ended, in seconds since the epoch.");
	g_string_append(out, "hostcapd_last_probe_timestamp_seconds ");
	hc_prom_seconds(out, hc_snapshot_get_generated_usec(snap));
	if (opts->pass_duration_usec >= 0) {
		hc_prom_family(out,
			       "hostcapd_last_probe_duration_seconds",
			       "gauge",
			       "Wall time of the last probe pass.");
		g_string_append(out, "hostcapd_last_probe_duration_seconds ");
		hc_prom_seconds(out, opts->pass_duration_usec);
	}
}

/* a number for bool and integer values; FALSE for strings and lists */
static gboolean
hc_prom_numeric_value(const HcCapability *cap, gint64 *out)
{
	if (cap->value == NULL)
		return FALSE;
	if (g_variant_is_of_type(cap->value, G_VARIANT_TYPE_BOOLEAN)) {
		*out = g_variant_get_boolean(cap->value) ? 1 : 0;
		return TRUE;
	}
	if (g_variant_is_of_type(cap->value, G_VARIANT_TYPE_INT64)) {
		*out = g_variant_get_int64(cap->value);
		return TRUE;
	}
	return FALSE;
}

static void
hc_prom_capabilities(GString *out, HcSnapshot *snap)
{
	g_autoptr(GPtrArray) caps = hc_snapshot_list(snap, NULL);

	hc_prom_family(out,
		       "hostcapd_capability_supported",
		       "gauge",
		       "1 when the host supports the capability, 0 when it is unsupported, "
		       "disabled or unknown.");
	for (guint i = 0; i < caps->len; i++) {
		const HcCapability *cap = g_ptr_array_index(caps, i);
		const char *const labels[] = {"id", cap->id, NULL};
		hc_prom_series(out, "hostcapd_capability_supported", labels);
		g_string_append(out, cap->state == HC_CAP_STATE_SUPPORTED ? "1\n" : "0\n");
	}
	hc_prom_family(out,
		       "hostcapd_capability_state",
		       "gauge",
		       "The state of each capability (supported, unsupported, disabled, "
		       "unknown) as a label; always 1.");
	for (guint i = 0; i < caps->len; i++) {
		const HcCapability *cap = g_ptr_array_index(caps, i);
		const char *const labels[] = {"id",
					      cap->id,
					      "state",
					      hc_cap_state_to_string(cap->state),
					      NULL};
		hc_prom_series(out, "hostcapd_capability_state", labels);
		g_string_append(out, "1\n");
	}
	hc_prom_family(out,
		       "hostcapd_capability_value",
		       "gauge",
		       "The value of capabilities that carry a number (1/0 for booleans).");
	for (guint i = 0; i < caps->len; i++) {
		const HcCapability *cap = g_ptr_array_index(caps, i);
		const char *const labels[] = {"id", cap->id, NULL};
		gint64 v;
		if (!hc_prom_numeric_value(cap, &v))
			continue;
		hc_prom_series(out, "hostcapd_capability_value", labels);
		g_string_append_printf(out, "%" G_GINT64_FORMAT "\n", v);
	}
}

static void
hc_prom_platforms(GString *out, HcSnapshot *snap, HcCatalogue *cat)
{
	g_autoptr(GPtrArray) plats = NULL;

	if (cat == NULL)
		return;
	plats = hc_catalogue_list_platforms(cat);
	hc_prom_family(out,
		       "hostcapd_platform_satisfied",
		       "gauge",
		       "1 when the host satisfies the platform, 0 when it does not or cannot "
		       "tell.");
	for (guint i = 0; i < plats->len; i++) {
		const HcPlatform *p = g_ptr_array_index(plats, i);
		const char *const labels[] = {"platform", p->name, NULL};
		hc_prom_series(out, "hostcapd_platform_satisfied", labels);
		g_string_append(out,
				hc_platform_check(cat, p, snap, NULL) == HC_TRI_TRUE ? "1\n"
										     : "0\n");
	}
}

static gboolean
hc_prom_probe_failed(const HcProbeRecord *rec)
{
	return rec->status == HC_PROBE_STATUS_FAILED || rec->status == HC_PROBE_STATUS_TIMED_OUT;
}

static void
hc_prom_probes(GString *out, HcSnapshot *snap, const HcExportOptions *opts)
{
	g_autoptr(GPtrArray) probes = hc_snapshot_list_probes(snap);

	hc_prom_family(out,
		       "hostcapd_probe_duration_seconds",
		       "gauge",
		       "Wall time of each probe's last run.");
	for (guint i = 0; i < probes->len; i++) {
		const HcProbeRecord *rec = g_ptr_array_index(probes, i);
		const char *const labels[] = {"probe", rec->name, NULL};
		hc_prom_series(out, "hostcapd_probe_duration_seconds", labels);
		hc_prom_seconds(out, rec->duration_usec);
	}
	hc_prom_family(out,
		       "hostcapd_probe_failed",
		       "gauge",
		       "1 when the probe's last run failed or timed out (its capabilities are "
		       "unknown), else 0.");
	for (guint i = 0; i < probes->len; i++) {
		const HcProbeRecord *rec = g_ptr_array_index(probes, i);
		const char *const labels[] = {"probe", rec->name, NULL};
		hc_prom_series(out, "hostcapd_probe_failed", labels);
		g_string_append(out, hc_prom_probe_failed(rec) ? "1\n" : "0\n");
	}
	hc_prom_family(out,
		       "hostcapd_probe_failures_total",
		       "counter",
		       "Probe runs that failed or timed out since hostcapd started.");
	for (guint i = 0; i < probes->len; i++) {
		const HcProbeRecord *rec = g_ptr_array_index(probes, i);
		const char *const labels[] = {"probe", rec->name, NULL};
		guint n = opts->failures != NULL
			      ? GPOINTER_TO_UINT(g_hash_table_lookup(opts->failures, rec->name))
			      : (hc_prom_probe_failed(rec) ? 1 : 0);
		hc_prom_series(out, "hostcapd_probe_failures_total", labels);
		g_string_append_printf(out, "%u\n", n);
	}
}

char *
hc_export_prometheus(HcSnapshot *snap, HcCatalogue *cat, const HcExportOptions *opts)
{
	GString *out = g_string_sized_new(32 * 1024);

	hc_prom_host(out, snap, opts);
	hc_prom_capabilities(out, snap);
	hc_prom_platforms(out, snap, cat);
	hc_prom_probes(out, snap, opts);
	return g_string_free(out, FALSE);
}
