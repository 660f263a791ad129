/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <systemd/sd-bus.h>

#include "hostcap/hc-error.h"

G_BEGIN_DECLS

/* the D-Bus error name for @error: HC_ERROR codes through hc_error_to_dbus_name(), foreign
 * domains through the one conversion table in hc-bus-error.c; Internal for the rest */
const char *
hc_bus_error_name_for(const GError *error);

/* fills @ret from @error and returns the negative errno sd-bus method handlers return */
int
hc_bus_error_set_gerror(sd_bus_error *ret, const GError *error);

/* fills @ret with an HC_ERROR @code and a printf-style message */
int
hc_bus_error_setf(sd_bus_error *ret, HcError code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

G_END_DECLS
