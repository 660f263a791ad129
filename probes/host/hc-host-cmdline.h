/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hostcap/hc-probe.h"

G_BEGIN_DECLS

/* appends host.cmdline.<flag> for every flag of the table (always reported) */
void
hc_host_cmdline_declare_ids(GPtrArray *ids);
/* reads /proc/cmdline through @ctx and reports every host.cmdline.* id */
void
hc_host_cmdline_probe(HcProbeContext *ctx);

G_END_DECLS
