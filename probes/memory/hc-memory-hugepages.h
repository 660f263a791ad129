/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hostcap/hc-probe.h"

G_BEGIN_DECLS

/* hugepage pools per size and NUMA node, hugetlbfs mounts, memfd hugetlb sizes */
void
hc_memory_check_hugepages(HcProbeContext *ctx);

/* "2m", "1g", "64k" for a size in KiB; the unit is the largest that divides it */
char *
hc_memory_size_name(guint64 kib);

G_END_DECLS
