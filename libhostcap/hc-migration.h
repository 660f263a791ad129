/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hc-evaluator.h"

G_BEGIN_DECLS

/*
 * Migration(spec, source, target): bootable on the target, and every guest-ABI feature
 * resolves to the same effective value on both hosts (DESIGN §7). Directional: A→B and
 * B→A differ when one host offers more.
 */
HcReport *
hc_migration_evaluate(HcCatalogue *cat,
		      const HcSpec *spec,
		      HcSnapshot *source,
		      HcSnapshot *target,
		      GError **error);

/* "host_uso=off,guest_uso4=off,guest_uso6=off": the pins that turn @def's group off */
char *
hc_migration_pin_text(HcCatalogue *cat, const HcFeatureDef *def, const char *id);
/* feature ids that must be pinned together with @id (its group, or just @id) */
GPtrArray *
hc_migration_pin_group(HcCatalogue *cat, const HcFeatureDef *def, const char *id);

/* the state of one migration check, shared by the migration modules */
typedef struct {
	HcCatalogue *cat;
	HcHostEval *src;
	HcHostEval *dst;
	HcReport *report;
	char *direction;
	GHashTable *groups;	/* pin groups already reported */
	GHashTable *mismatched; /* feature ids a mismatch finding covers */
} HcMigrationChecks;

/* facts of the source's backend the target's post-load refuses (hc-migration-postload.c);
 * marks the pin groups whose advice they replace as reported */
void
hc_migration_post_load(HcMigrationChecks *m);

G_END_DECLS
