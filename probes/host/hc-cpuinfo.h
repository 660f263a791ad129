/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "hostcap/hc-probe.h"

G_BEGIN_DECLS

/*
 * a parsed /proc/cpuinfo: one GHashTable (key -> value, both owned) per "processor"
 * block, in file order. shared by the host and tsc probes.
 */
typedef struct {
	GPtrArray *cpus; /* GHashTable* */
} HcCpuinfo;

/* FALSE with @error set when @contents holds no processor block */
HcCpuinfo *
hc_cpuinfo_parse(const char *contents, GError **error);
/* reads /proc/cpuinfo through the probe context (sysroot) and parses it */
HcCpuinfo *
hc_cpuinfo_load(HcProbeContext *ctx, GError **error);
void
hc_cpuinfo_free(HcCpuinfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcCpuinfo, hc_cpuinfo_free)

/* value of @key on the first cpu, NULL when absent */
const char *
hc_cpuinfo_get(const HcCpuinfo *info, const char *key);
/* TRUE when every cpu lists @flag in its "flags" line */
gboolean
hc_cpuinfo_has_flag(const HcCpuinfo *info, const char *flag);
/* the distinct values of @key over all cpus, in first-seen order (owned strings) */
GPtrArray *
hc_cpuinfo_distinct(const HcCpuinfo *info, const char *key);

G_END_DECLS
