/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hostcap/hc-probe.h"

G_BEGIN_DECLS

/**
 * hc_probe_report_sysctl:
 * @ctx: the probe context
 * @id: capability id to report
 * @path: absolute /proc/sys path (read through the sysroot)
 *
 * Reports a decimal sysctl as @id: supported with the integer value, unsupported with
 * "<path>: no such sysctl" when the kernel has no such knob, unknown with the read or parse
 * error otherwise. Returns TRUE and sets @value_out (may be NULL) when the value was read.
 */
gboolean
hc_probe_report_sysctl(HcProbeContext *ctx, const char *id, const char *path, gint64 *value_out);

G_END_DECLS
