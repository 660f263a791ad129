/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hostcap/hc-error.h"

#include "hostcap/hc-dbus.h"

GQuark
hc_error_quark(void)
{
	return g_quark_from_static_string("hc-error-quark");
}

/* the one table between our error codes and their D-Bus names */
static const char *const hc_error_dbus_names[] = {
    [HC_ERROR_INVALID_ARGUMENT] = HC_DBUS_ERROR_INVALID_ARGUMENT,
    [HC_ERROR_UNKNOWN_FEATURE] = HC_DBUS_ERROR_UNKNOWN_FEATURE,
    [HC_ERROR_ACCESS_DENIED] = HC_DBUS_ERROR_ACCESS_DENIED,
    [HC_ERROR_BUSY] = HC_DBUS_ERROR_BUSY,
    [HC_ERROR_TIMED_OUT] = HC_DBUS_ERROR_TIMED_OUT,
    [HC_ERROR_INTERNAL] = HC_DBUS_ERROR_INTERNAL,
};
G_STATIC_ASSERT(G_N_ELEMENTS(hc_error_dbus_names) == HC_ERROR_LAST);

const char *
hc_error_to_dbus_name(gint code)
{
	if (code < 0 || code >= HC_ERROR_LAST)
		return hc_error_dbus_names[HC_ERROR_INTERNAL];
	return hc_error_dbus_names[code];
}

HcError
hc_error_from_dbus_name(const char *name)
{
	if (name == NULL)
		return HC_ERROR_LAST;
	for (guint i = 0; i < HC_ERROR_LAST; i++) {
		if (g_str_equal(hc_error_dbus_names[i], name))
			return (HcError)i;
	}
	return HC_ERROR_LAST;
}
