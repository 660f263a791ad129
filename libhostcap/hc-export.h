/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hc-catalogue.h"

G_BEGIN_DECLS

/*
 * Exports of a snapshot for the engines a fleet already runs: the Prometheus text format
 * (for node_exporter's textfile collector) and a Node Feature Discovery local feature file
 * (for Kubernetes node labels). Both are pure functions of the snapshot, the catalogue and
 * a few daemon facts, so `hostcapctl export` and the daemon write the same bytes.
 */

/* the label namespace of the NFD file: a sub-namespace of feature.node.kubernetes.io, which
 * nfd-master accepts without -extra-label-ns */
#define HC_EXPORT_NFD_PREFIX "hostcapd.feature.node.kubernetes.io/"
/* NFD ignores a feature file larger than this */
#define HC_EXPORT_NFD_MAX_BYTES (64 * 1024)

typedef struct {
	const char *version;	   /* the hostcapd version in the info metric */
	gint64 pass_duration_usec; /* wall time of the last probe pass; < 0 = not known */
	GHashTable *failures;	   /* probe name → failed passes (GUINT_TO_POINTER); NULL = the
				      snapshot's own records (1 for a probe whose run failed) */
} HcExportOptions;

/* the Prometheus text exposition format, one metric family per block, sorted */
char *
hc_export_prometheus(HcSnapshot *snap, HcCatalogue *cat, const HcExportOptions *opts);

/* the NFD feature file: one "name=value" line per label, under HC_EXPORT_NFD_PREFIX */
char *
hc_export_nfd(HcSnapshot *snap, HcCatalogue *cat);

/*
 * Writes @text to @path atomically: a dot-file in the same directory (NFD skips dot-files,
 * node_exporter reads only *.prom), fsync, rename over @path, fsync of the directory.
 * Readers see the old file or the new one, never a part of either.
 */
gboolean
hc_export_write_atomic(const char *path, const char *text, GError **error);

G_END_DECLS
