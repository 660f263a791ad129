/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hc-evaluator.h"
#include "hc-fleet.h"

G_BEGIN_DECLS

/*
 * Baseline(snapshots…): the capabilities every host has, the newest platform all satisfy
 * and, for a spec, the minimal pins that make it migratable between every pair of hosts.
 * @verdict: for a spec, whether the pinned spec is bootable everywhere and migratable
 * between every ordered pair; without a spec, whether a common platform exists.
 */
HcReport *
hc_baseline_evaluate(HcCatalogue *cat,
		     GPtrArray *snapshots,
		     const HcSpec *spec,
		     HcVerdict *verdict,
		     GError **error);

/* the same over a fleet: judged once per group of equal fingerprints, so the cost grows
 * with the number of distinct hosts; "hosts" lists every host and "groups" which hosts each
 * group stands for (the per-host members name each group's first host) */
HcReport *
hc_baseline_evaluate_fleet(HcCatalogue *cat,
			   HcFleet *fleet,
			   const HcSpec *spec,
			   HcVerdict *verdict,
			   GError **error);

/* the pinned spec alone (for tests and the CLI); NULL on error */
HcSpec *
hc_baseline_pin_spec(HcCatalogue *cat,
		     GPtrArray *snapshots,
		     const HcSpec *spec,
		     JsonObject *pins,
		     GError **error);

G_END_DECLS
