/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sysctl reporting shared by the device, memory and io probes: one file under /proc/sys
 * (Documentation/admin-guide/sysctl/) holding one decimal integer.
 */
#include "hc-probe-sysctl.h"

gboolean
hc_probe_report_sysctl(HcProbeContext *ctx, const char *id, const char *path, gint64 *value_out)
{
	g_autoptr(GError) error = NULL;
	gint64 value = 0;

	if (!hc_probe_context_exists(ctx, path)) {
		hc_probe_report(ctx,
				id,
				HC_CAP_STATE_UNSUPPORTED,
				NULL,
				"%s: no such sysctl",
				path);
		return FALSE;
	}
	if (!hc_probe_context_read_int(ctx, path, &value, &error)) {
		hc_probe_report(ctx, id, HC_CAP_STATE_UNKNOWN, NULL, "%s", error->message);
		return FALSE;
	}
	hc_probe_report_int(ctx,
			    id,
			    HC_CAP_STATE_SUPPORTED,
			    value,
			    "%s: %" G_GINT64_FORMAT,
			    path,
			    value);
	if (value_out != NULL)
		*value_out = value;
	return TRUE;
}
