/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "hc-evaluator.h"

G_BEGIN_DECLS

/*
 * A fleet: host snapshots grouped by fingerprint. Hosts with equal fingerprints have equal
 * (id, state, value) for every platform capability, so one representative answers for the
 * whole group and the fleet verbs cost grows with the number of distinct hosts, not with N.
 * Live quantities (free hugepages, free memory) are outside the fingerprint: a group is
 * judged on its first host's live values.
 */

typedef struct {
	char *name;	      /* "g1", "g2", … in order of first appearance */
	HcSnapshot *snapshot; /* the first host of the group */
	GPtrArray *hosts;     /* host labels (char*), in input order */
} HcFleetGroup;

typedef struct _HcFleet HcFleet;

HcFleet *
hc_fleet_new(void);
void
hc_fleet_free(HcFleet *fleet);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcFleet, hc_fleet_free)

/* adds one host; a snapshot whose fingerprint is already grouped is only counted */
void
hc_fleet_add(HcFleet *fleet, HcSnapshot *snap);

/**
 * hc_fleet_add_path:
 * @path: a snapshot file, a "*.jsonl" file of one snapshot per line, a directory (its
 *	"*.json" and "*.jsonl" files, sorted by name), or "-" for JSON lines on stdin
 *
 * Errors name the file and the line, and keep the snapshot reader's JSON path.
 */
gboolean
hc_fleet_add_path(HcFleet *fleet, const char *path, GError **error);

guint
hc_fleet_get_n_hosts(HcFleet *fleet);
/* HcFleetGroup*, borrowed, in order of first appearance */
GPtrArray *
hc_fleet_get_groups(HcFleet *fleet);
/* the group of a representative snapshot; NULL for a snapshot that is no representative */
const HcFleetGroup *
hc_fleet_lookup_group(HcFleet *fleet, HcSnapshot *snap);
/* the representatives (HcSnapshot*, new references), one per group */
GPtrArray *
hc_fleet_dup_representatives(HcFleet *fleet);

/* [{"group", "fingerprint", "kernel", "count", "hosts": […]}] */
JsonNode *
hc_fleet_groups_to_json(HcFleet *fleet);

/**
 * hc_fleet_migrations:
 *
 * For every ordered pair of groups (and within a group of two or more hosts), whether a VM
 * of @spec running on the source can migrate to the target, with the error findings that
 * say why not. Returns {"hosts", "groups", "matrix", "pairs"} (see hostcapctl(1)), the
 * worst verdict in @verdict.
 */
JsonNode *
hc_fleet_migrations(HcCatalogue *cat,
		    HcFleet *fleet,
		    const HcSpec *spec,
		    HcVerdict *verdict,
		    GError **error);

G_END_DECLS
