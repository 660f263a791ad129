/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hostcap/hc-probe.h"

G_BEGIN_DECLS

/* the built-in probes, in the name order of their folders */
extern const HcProbeInfo *const hc_probe_registry[];
extern const guint hc_probe_registry_len;

/* NULL when no probe has that name */
const HcProbeInfo *
hc_probe_registry_lookup(const char *name);
/* HC_ERROR_INVALID_ARGUMENT naming the first of @names (NULL-terminated; NULL = none) that is
 * not a probe */
gboolean
hc_probe_registry_check_names(const char *const *names, GError **error);

G_END_DECLS
