/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * /sys/module/<module>/parameters/<param> (Documentation/ABI/stable/sysfs-module): KVM's
 * module parameters are "Y"/"N" for bool params and "1"/"0" for int params depending on the
 * module and kernel version; both spellings are accepted.
 */
#include "hc-kvm-param.h"

#include <gio/gio.h>

char *
hc_kvm_param_read(HcProbeContext *ctx,
		  const char *module,
		  const char *param,
		  HcCapState *state,
		  char **reason)
{
	g_autofree char *path = g_strdup_printf("/sys/module/%s/parameters/%s", module, param);
	g_autoptr(GError) error = NULL;
	g_autofree char *value = hc_probe_context_read_line(ctx, path, &error);

	if (value != NULL)
		return g_steal_pointer(&value);
	*state = g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ? HC_CAP_STATE_UNSUPPORTED
									  : HC_CAP_STATE_UNKNOWN;
	*reason = g_strdup(error->message);
	return NULL;
}

int
hc_kvm_param_to_bool(const char *value)
{
	if (g_strcmp0(value, "Y") == 0 || g_strcmp0(value, "y") == 0 || g_strcmp0(value, "1") == 0)
		return 1;
	if (g_strcmp0(value, "N") == 0 || g_strcmp0(value, "n") == 0 || g_strcmp0(value, "0") == 0)
		return 0;
	return -1;
}

int
hc_kvm_param_report_bool(HcProbeContext *ctx, const char *id, const char *module, const char *param)
{
	HcCapState state = HC_CAP_STATE_UNKNOWN;
	g_autofree char *reason = NULL;
	g_autofree char *value = hc_kvm_param_read(ctx, module, param, &state, &reason);
	int on;

	if (value == NULL) {
		hc_probe_report(ctx, id, state, NULL, "%s", reason);
		return -1;
	}
	on = hc_kvm_param_to_bool(value);
	if (on < 0) {
		hc_probe_report(ctx,
				id,
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"/sys/module/%s/parameters/%s: unexpected value \"%s\"",
				module,
				param,
				value);
		return -1;
	}
	hc_probe_report_bool(ctx,
			     id,
			     on ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_DISABLED,
			     on,
			     "/sys/module/%s/parameters/%s = %s",
			     module,
			     param,
			     value);
	return on;
}
