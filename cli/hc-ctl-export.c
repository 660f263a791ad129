/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `hostcapctl export`: the snapshot JSON, or the same snapshot as Prometheus metrics or an
 * NFD feature file, built by the library functions the daemon uses for its export files.
 */
#include "hc-config.h"

#include "hostcap/hc-error.h"

#include "hc-ctl-bus.h"
#include "hc-ctl-output.h"
#include "hc-ctl.h"
#include "hc-export.h"

typedef enum {
	HC_CTL_EXPORT_JSON,
	HC_CTL_EXPORT_PROMETHEUS,
	HC_CTL_EXPORT_NFD,
	HC_CTL_EXPORT_LAST,
} HcCtlExportFormat;

static const char *const hc_ctl_export_formats[] = {
    [HC_CTL_EXPORT_JSON] = "json",
    [HC_CTL_EXPORT_PROMETHEUS] = "prometheus",
    [HC_CTL_EXPORT_NFD] = "nfd",
};

static gboolean
parse_format(const char *name, HcCtlExportFormat *out, GError **error)
{
	if (name == NULL) {
		*out = HC_CTL_EXPORT_JSON;
		return TRUE;
	}
	for (guint i = 0; i < HC_CTL_EXPORT_LAST; i++) {
		if (g_strcmp0(hc_ctl_export_formats[i], name) == 0) {
			*out = i;
			return TRUE;
		}
	}
	g_set_error(error,
		    HC_CTL_ERROR,
		    HC_CTL_ERROR_USAGE,
		    "--format: unknown format '%s'; use json, prometheus or nfd",
		    name);
	return FALSE;
}

static char *
export_json(HcCtlContext *ctx, GError **error)
{
	HcCtlBus *bus;

	if (hc_ctl_context_is_offline(ctx)) {
		HcSnapshot *snap = hc_ctl_context_get_snapshot(ctx, error);
		return snap != NULL ? hc_snapshot_to_json(snap, TRUE) : NULL;
	}
	/* the daemon's own bytes, not a re-serialisation */
	bus = hc_ctl_context_get_bus(ctx, error);
	return bus != NULL ? hc_ctl_bus_describe(bus, error) : NULL;
}

static char *
export_derived(HcCtlContext *ctx, HcCtlExportFormat format, GError **error)
{
	HcSnapshot *snap = hc_ctl_context_get_snapshot(ctx, error);
	g_autoptr(HcCatalogue) cat = NULL;
	HcExportOptions opts = {.version = HC_VERSION, .pass_duration_usec = -1};

	if (snap == NULL)
		return NULL;
	/* platforms come from the catalogue */
	cat = hc_ctl_context_load_catalogue(ctx, error);
	if (cat == NULL)
		return NULL;
	if (format == HC_CTL_EXPORT_PROMETHEUS)
		return hc_export_prometheus(snap, cat, &opts);
	return hc_export_nfd(snap, cat);
}

int
hc_ctl_verb_export(HcCtlContext *ctx, char **args, GError **error)
{
	HcCtlExportFormat format;
	g_autofree char *text = NULL;

	if (!parse_format(ctx->format, &format, error))
		return -1;
	text = format == HC_CTL_EXPORT_JSON ? export_json(ctx, error)
					    : export_derived(ctx, format, error);
	if (text == NULL)
		return -1;
	/* a collector may read the file at any moment: never let it see half of one */
	if (format != HC_CTL_EXPORT_JSON && ctx->output_path != NULL &&
	    g_strcmp0(ctx->output_path, "-") != 0) {
		if (!hc_export_write_atomic(ctx->output_path, text, error))
			return -1;
		return HC_CTL_EXIT_YES;
	}
	if (!hc_ctl_write_output(ctx->output_path, text, error))
		return -1;
	return HC_CTL_EXIT_YES;
}
