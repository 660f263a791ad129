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

G_END_DECLS
