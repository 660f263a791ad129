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

G_END_DECLS
