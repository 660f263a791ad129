/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GError -> sd_bus_error: the one place where errors cross the D-Bus boundary. Our own
 * HC_ERROR codes map through hc_error_to_dbus_name(); errors from GLib, GIO and json-glib
 * that reach a handler are converted through the table below first.
 */
#include <errno.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hc-bus-error.h"

typedef struct {
	GQuark (*domain)(void);
	gint code; /* -1: every code of the domain */
	HcError hc_code;
} HcForeignError;

static const HcForeignError hc_foreign_errors[] = {
    {g_io_error_quark, G_IO_ERROR_INVALID_ARGUMENT, HC_ERROR_INVALID_ARGUMENT},
    {g_io_error_quark, G_IO_ERROR_INVALID_DATA, HC_ERROR_INVALID_ARGUMENT},
    {g_io_error_quark, G_IO_ERROR_PERMISSION_DENIED, HC_ERROR_ACCESS_DENIED},
    {g_io_error_quark, G_IO_ERROR_BUSY, HC_ERROR_BUSY},
    {g_io_error_quark, G_IO_ERROR_TIMED_OUT, HC_ERROR_TIMED_OUT},
    {json_parser_error_quark, -1, HC_ERROR_INVALID_ARGUMENT},
    {g_variant_parse_error_quark, -1, HC_ERROR_INVALID_ARGUMENT},
    {g_key_file_error_quark, -1, HC_ERROR_INVALID_ARGUMENT},
};

static HcError
hc_bus_error_code_for(const GError *error)
{
	if (error == NULL)
		return HC_ERROR_INTERNAL;
	if (error->domain == HC_ERROR)
		return error->code;
	for (guint i = 0; i < G_N_ELEMENTS(hc_foreign_errors); i++) {
		const HcForeignError *fe = &hc_foreign_errors[i];
		if (error->domain == fe->domain() && (fe->code == -1 || fe->code == error->code))
			return fe->hc_code;
	}
	return HC_ERROR_INTERNAL;
}

/* the errno sd-bus hands back to the caller of a failed handler; only used locally */
static int
hc_bus_error_errno_for(HcError code)
{
	switch (code) {
	case HC_ERROR_INVALID_ARGUMENT:
	case HC_ERROR_UNKNOWN_FEATURE:
		return -EINVAL;
	case HC_ERROR_ACCESS_DENIED:
		return -EACCES;
	case HC_ERROR_BUSY:
		return -EBUSY;
	case HC_ERROR_TIMED_OUT:
		return -ETIMEDOUT;
	default:
		return -EIO;
	}
}

const char *
hc_bus_error_name_for(const GError *error)
{
	return hc_error_to_dbus_name(hc_bus_error_code_for(error));
}

int
hc_bus_error_set_gerror(sd_bus_error *ret, const GError *error)
{
	HcError code = hc_bus_error_code_for(error);

	sd_bus_error_set(ret,
			 hc_error_to_dbus_name(code),
			 error != NULL ? error->message : "unknown error");
	return hc_bus_error_errno_for(code);
}

int
hc_bus_error_setf(sd_bus_error *ret, HcError code, const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	va_list args;

	va_start(args, fmt);
	msg = g_strdup_vprintf(fmt, args);
	va_end(args);
	sd_bus_error_set(ret, hc_error_to_dbus_name(code), msg);
	return hc_bus_error_errno_for(code);
}
