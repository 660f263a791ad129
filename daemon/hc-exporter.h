/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hostcap/hc-snapshot.h"

#include "hc-daemon-config.h"
#include "hc-verdict.h"

G_BEGIN_DECLS

/*
 * The daemon's export files (PrometheusFile=, NfdFeatureFile=): rewritten atomically after
 * every probe pass, with what only the daemon knows (the pass's wall time, probe failures
 * counted since start). A file that cannot be written is said once per failure and the
 * daemon goes on.
 */
typedef struct _HcExporter HcExporter;

HcExporter *
hc_exporter_new(void);
void
hc_exporter_free(HcExporter *exporter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcExporter, hc_exporter_free)

/* a probe pass starts now (CLOCK_MONOTONIC) */
void
hc_exporter_pass_started(HcExporter *exporter);
/* counts the failed and timed-out probes of a finished pass (HcProbeResult*) */
void
hc_exporter_count_results(HcExporter *exporter, GPtrArray *results);

/* writes the files @config names for @snap; @cat may be NULL (no platform series/labels) */
void
hc_exporter_write(HcExporter *exporter,
		  const HcDaemonConfig *config,
		  HcSnapshot *snap,
		  HcCatalogue *cat);

G_END_DECLS
