/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hostcap/hc-error.h"

#include "hc-bus-error.h"
#include "hc-bus-options.h"

static int
hc_bus_option_index(const HcBusOptionSpec *specs, guint n_specs, const char *name)
{
	for (guint i = 0; i < n_specs; i++) {
		if (g_strcmp0(specs[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

static int
hc_bus_read_one_option(sd_bus_message *m,
		       const HcBusOptionSpec *specs,
		       guint n_specs,
		       char **values,
		       sd_bus_error *ret_error)
{
	const char *key = NULL;
	const char *contents = NULL;
	const char *value = NULL;
	char type = 0;
	int idx;
	int r;

	r = sd_bus_message_read(m, "s", &key);
	if (r < 0)
		return r;
	idx = hc_bus_option_index(specs, n_specs, key);
	if (idx < 0)
		return hc_bus_error_setf(ret_error,
					 HC_ERROR_INVALID_ARGUMENT,
					 "options: unknown option '%s'",
					 key);
	if (values[idx] != NULL)
		return hc_bus_error_setf(ret_error,
					 HC_ERROR_INVALID_ARGUMENT,
					 "options: option '%s' given twice",
					 key);
	r = sd_bus_message_peek_type(m, &type, &contents);
	if (r < 0)
		return r;
	if (g_strcmp0(contents, "s") != 0)
		return hc_bus_error_setf(ret_error,
					 HC_ERROR_INVALID_ARGUMENT,
					 "options: option '%s' must be a string, got '%s'",
					 key,
					 contents != NULL ? contents : "");
	r = sd_bus_message_read(m, "v", "s", &value);
	if (r < 0)
		return r;
	values[idx] = g_strdup(value);
	return 0;
}

int
hc_bus_read_options(sd_bus_message *m,
		    const HcBusOptionSpec *specs,
		    guint n_specs,
		    char **values,
		    sd_bus_error *ret_error)
{
	guint n_read = 0;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r < 0)
		return r;
	for (;;) {
		r = sd_bus_message_enter_container(m, 'e', "sv");
		if (r < 0)
			return r;
		if (r == 0)
			break;
		if (++n_read > HC_BUS_OPTIONS_MAX)
			return hc_bus_error_setf(ret_error,
						 HC_ERROR_INVALID_ARGUMENT,
						 "options: more than %d options",
						 HC_BUS_OPTIONS_MAX);
		r = hc_bus_read_one_option(m, specs, n_specs, values, ret_error);
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	return sd_bus_message_exit_container(m);
}
