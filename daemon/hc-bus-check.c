/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CheckBootable, CheckMigration and TranslateSpec: parse and bound the input (a spec, or a
 * domain XML or QEMU command line translated to one, option InputFormat), then hand it to
 * the verdict facade (libhostcap/hc-verdict.h). A "no" is a normal reply, never an error.
 */
#include <errno.h>

#include "hc-spec.h"
#include "hc-verdict.h"
#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-bus-error.h"
#include "hc-bus-options.h"
#include "hc-bus.h"

enum {
	HC_CHECK_MIGRATION_OPTION_SOURCE,
	HC_CHECK_MIGRATION_OPTION_INPUT_FORMAT,
	HC_CHECK_MIGRATION_OPTION_LAST,
};

static const HcBusOptionSpec hc_check_migration_options[] = {
    [HC_CHECK_MIGRATION_OPTION_SOURCE] = {"Source"},
    [HC_CHECK_MIGRATION_OPTION_INPUT_FORMAT] = {"InputFormat"},
};
G_STATIC_ASSERT(G_N_ELEMENTS(hc_check_migration_options) == HC_CHECK_MIGRATION_OPTION_LAST);

/* CheckBootable and TranslateSpec take one option: what the input is */
static const HcBusOptionSpec hc_input_options[] = {{"InputFormat"}};

/* the spec the input stands for: the input itself, or a domain XML or QEMU command line
 * translated; @format is the InputFormat option (NULL: a spec) */
static int
hc_bus_input_to_spec(const char *input, const char *format, char **spec, sd_bus_error *ret_error)
{
	g_autoptr(GError) error = NULL;
	HcInputFormat f = HC_INPUT_SPEC;
	gsize len = strlen(input);

	if (format != NULL && !hc_input_format_from_string(format, &f))
		return hc_bus_error_setf(
		    ret_error,
		    HC_ERROR_INVALID_ARGUMENT,
		    "options.InputFormat: expected spec, domain-xml or qemu-argv, "
		    "got '%s'",
		    format);
	*spec = hc_input_to_spec(f, input, len, &error);
	if (*spec == NULL) {
		g_prefix_error(&error, "spec_json: ");
		return hc_bus_error_set_gerror(ret_error, error);
	}
	return 0;
}

static int
hc_bus_reply_verdict(sd_bus_message *m, HcVerdict verdict, const char *report_json)
{
	return sd_bus_reply_method_return(m, "ss", hc_verdict_to_string(verdict), report_json);
}

static int
hc_bus_get_catalogue(HcBus *bus, HcCatalogue **out, sd_bus_error *ret_error)
{
	g_autoptr(GError) error = NULL;

	*out = hc_daemon_get_catalogue(hc_bus_get_daemon(bus), &error);
	if (*out == NULL)
		return hc_bus_error_set_gerror(ret_error, error);
	return 0;
}

int
hc_bus_method_check_bootable(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	HcBus *bus = userdata;
	g_autoptr(GError) error = NULL;
	g_autofree char *report = NULL;
	g_autofree char *format = NULL;
	g_autofree char *spec_json = NULL;
	const char *input = NULL;
	HcCatalogue *cat = NULL;
	HcSnapshot *snap = NULL;
	HcVerdict verdict = HC_VERDICT_UNKNOWN;
	int r;

	r = sd_bus_message_read(m, "s", &input);
	if (r < 0)
		return r;
	r = hc_bus_read_options(m, hc_input_options, 1, &format, ret_error);
	if (r >= 0)
		r = hc_bus_input_to_spec(input, format, &spec_json, ret_error);
	if (r >= 0)
		r = hc_bus_require_snapshot(bus, &snap, ret_error);
	if (r >= 0)
		r = hc_bus_get_catalogue(bus, &cat, ret_error);
	if (r < 0)
		return r;
	if (!hc_check_bootable(cat, spec_json, strlen(spec_json), snap, &verdict, &report, &error))
		return hc_bus_error_set_gerror(ret_error, error);
	return hc_bus_reply_verdict(m, verdict, report);
}

/* the spec a domain XML or QEMU command line translates to, checked against the catalogue */
int
hc_bus_method_translate_spec(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	HcBus *bus = userdata;
	g_autoptr(GError) error = NULL;
	g_autoptr(HcSpec) spec = NULL;
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *format = NULL;
	g_autofree char *spec_json = NULL;
	g_autofree char *out = NULL;
	const char *input = NULL;
	HcCatalogue *cat = NULL;
	int r;

	r = sd_bus_message_read(m, "s", &input);
	if (r < 0)
		return r;
	r = hc_bus_read_options(m, hc_input_options, 1, &format, ret_error);
	if (r >= 0)
		r = hc_bus_input_to_spec(input, format, &spec_json, ret_error);
	if (r >= 0)
		r = hc_bus_get_catalogue(bus, &cat, ret_error);
	if (r < 0)
		return r;
	spec = hc_spec_parse(cat, spec_json, strlen(spec_json), &error);
	if (spec == NULL)
		return hc_bus_error_set_gerror(ret_error, error);
	root = hc_spec_to_json(spec);
	out = json_to_string(root, FALSE);
	return sd_bus_reply_method_return(m, "s", out);
}

/* another host's snapshot handed in by the caller; @what names the argument in errors */
static HcSnapshot *
hc_bus_parse_snapshot(const char *json, const char *what, GError **error)
{
	gsize len = strlen(json);
	HcSnapshot *snap;

	if (len > HC_LIMIT_SNAPSHOT_BYTES) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: %" G_GSIZE_FORMAT " bytes, at most %d allowed",
			    what,
			    len,
			    HC_LIMIT_SNAPSHOT_BYTES);
		return NULL;
	}
	snap = hc_snapshot_from_json(json, len, error);
	if (snap == NULL)
		g_prefix_error(error, "%s: ", what);
	return snap;
}

int
hc_bus_method_check_migration(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	HcBus *bus = userdata;
	g_autoptr(GError) error = NULL;
	g_autoptr(HcSnapshot) source = NULL;
	g_autoptr(HcSnapshot) target = NULL;
	g_autofree char *report = NULL;
	char *options[HC_CHECK_MIGRATION_OPTION_LAST] = {NULL};
	g_autofree char *spec_json = NULL;
	const char *input = NULL;
	const char *target_json = NULL;
	HcCatalogue *cat = NULL;
	HcSnapshot *here = NULL;
	HcVerdict verdict = HC_VERDICT_UNKNOWN;
	int r;

	r = sd_bus_message_read(m, "ss", &input, &target_json);
	if (r < 0)
		return r;
	r = hc_bus_read_options(m,
				hc_check_migration_options,
				HC_CHECK_MIGRATION_OPTION_LAST,
				options,
				ret_error);
	if (r >= 0)
		r = hc_bus_input_to_spec(input,
					 options[HC_CHECK_MIGRATION_OPTION_INPUT_FORMAT],
					 &spec_json,
					 ret_error);
	if (r >= 0)
		r = hc_bus_require_snapshot(bus, &here, ret_error);
	if (r >= 0)
		r = hc_bus_get_catalogue(bus, &cat, ret_error);
	if (r >= 0 && options[HC_CHECK_MIGRATION_OPTION_SOURCE] != NULL) {
		source = hc_bus_parse_snapshot(options[HC_CHECK_MIGRATION_OPTION_SOURCE],
					       "options.Source",
					       &error);
		if (source == NULL)
			r = hc_bus_error_set_gerror(ret_error, error);
	}
	if (r >= 0 && target_json[0] != '\0') {
		target = hc_bus_parse_snapshot(target_json, "target_snapshot_json", &error);
		if (target == NULL)
			r = hc_bus_error_set_gerror(ret_error, error);
	}
	for (guint i = 0; i < HC_CHECK_MIGRATION_OPTION_LAST; i++)
		g_free(options[i]);
	if (r < 0)
		return r;
	/* the source is this host unless Source says otherwise; an empty target is this host */
	if (!hc_check_migration(cat,
				spec_json,
				strlen(spec_json),
				source != NULL ? source : here,
				target != NULL ? target : here,
				&verdict,
				&report,
				&error))
		return hc_bus_error_set_gerror(ret_error, error);
	return hc_bus_reply_verdict(m, verdict, report);
}
