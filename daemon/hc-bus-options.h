/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <systemd/sd-bus.h>

G_BEGIN_DECLS

/* most options one call may carry; the API has a handful */
#define HC_BUS_OPTIONS_MAX 64

/* one key a method's trailing a{sv} accepts; every option value is a string today */
typedef struct {
	const char *name;
} HcBusOptionSpec;

/**
 * hc_bus_read_options:
 * @specs: the keys the method accepts (may be empty)
 * @values: (out): one slot per spec, set to a copy of the value when the key was given
 *
 * Reads the trailing a{sv}. An unknown key, a repeated key or a value of the wrong type is
 * InvalidArgument naming the key. Returns 0, or a negative errno with @ret_error set.
 */
int
hc_bus_read_options(sd_bus_message *m,
		    const HcBusOptionSpec *specs,
		    guint n_specs,
		    char **values,
		    sd_bus_error *ret_error);

G_END_DECLS
