/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* the Prometheus and NFD export files, rewritten after every probe pass */

#include "hc-config.h"

#include "hc-engine.h"
#include "hc-export.h"
#include "hc-exporter.h"

struct _HcExporter {
	GHashTable *failures; /* probe name → failed runs since start */
	gint64 pass_started_usec;
	gint64 pass_duration_usec;
};

HcExporter *
hc_exporter_new(void)
{
	HcExporter *exporter = g_new0(HcExporter, 1);

	exporter->failures = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	exporter->pass_duration_usec = -1;
	return exporter;
}

void
hc_exporter_free(HcExporter *exporter)
{
	if (exporter == NULL)
		return;
	g_hash_table_unref(exporter->failures);
	g_free(exporter);
}

void
hc_exporter_pass_started(HcExporter *exporter)
{
	exporter->pass_started_usec = g_get_monotonic_time();
}

void
hc_exporter_count_results(HcExporter *exporter, GPtrArray *results)
{
	if (exporter->pass_started_usec > 0)
		exporter->pass_duration_usec = g_get_monotonic_time() - exporter->pass_started_usec;
	for (guint i = 0; i < results->len; i++) {
		const HcProbeResult *res = g_ptr_array_index(results, i);
		guint n = GPOINTER_TO_UINT(g_hash_table_lookup(exporter->failures, res->probe));
		/* every probe appears, so a counter exists from the first pass on */
		if (res->status == HC_PROBE_STATUS_FAILED ||
		    res->status == HC_PROBE_STATUS_TIMED_OUT)
			n++;
		g_hash_table_insert(exporter->failures, g_strdup(res->probe), GUINT_TO_POINTER(n));
	}
}

static void
hc_exporter_write_one(const char *key, const char *path, const char *text)
{
	g_autoptr(GError) error = NULL;

	if (!hc_export_write_atomic(path, text, &error))
		g_warning("%s=%s: %s, ignoring", key, path, error->message);
}

void
hc_exporter_write(HcExporter *exporter,
		  const HcDaemonConfig *config,
		  HcSnapshot *snap,
		  HcCatalogue *cat)
{
	if (config->prometheus_file[0] != '\0') {
		HcExportOptions opts = {
		    .version = HC_VERSION,
		    .pass_duration_usec = exporter->pass_duration_usec,
		    .failures = exporter->failures,
		};
		g_autofree char *text = hc_export_prometheus(snap, cat, &opts);
		hc_exporter_write_one("PrometheusFile", config->prometheus_file, text);
	}
	if (config->nfd_feature_file[0] != '\0') {
		g_autofree char *text = hc_export_nfd(snap, cat);
		hc_exporter_write_one("NfdFeatureFile", config->nfd_feature_file, text);
	}
}
