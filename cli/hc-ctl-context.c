/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where a verb's data comes from: the daemon, a snapshot file or an in-process probe run,
 * decided once from the options; and how an error becomes an exit code.
 */
#include "hc-config.h"

#include <json-glib/json-glib.h>

#include "hostcap/hc-error.h"

#include "hc-ctl-bus.h"
#include "hc-data-dirs.h"
#include "hc-ctl-offline.h"
#include "hc-ctl.h"
#include "hc-probe-registry.h"

G_DEFINE_QUARK(hc - ctl - error - quark, hc_ctl_error)

HcCtlExit
hc_ctl_exit_code_for_error(const GError *error)
{
	if (error == NULL)
		return HC_CTL_EXIT_INTERNAL;
	if (error->domain == HC_CTL_ERROR)
		return error->code == HC_CTL_ERROR_UNREACHABLE ? HC_CTL_EXIT_UNREACHABLE
							       : HC_CTL_EXIT_BAD_INPUT;
	if (error->domain == HC_ERROR) {
		switch (error->code) {
		case HC_ERROR_INVALID_ARGUMENT:
		case HC_ERROR_UNKNOWN_FEATURE:
			return HC_CTL_EXIT_BAD_INPUT;
		default:
			return HC_CTL_EXIT_INTERNAL;
		}
	}
	/* files the user named: missing, unreadable, not JSON */
	if (error->domain == G_IO_ERROR || error->domain == G_FILE_ERROR ||
	    error->domain == JSON_PARSER_ERROR)
		return HC_CTL_EXIT_BAD_INPUT;
	return HC_CTL_EXIT_INTERNAL;
}

void
hc_ctl_context_clear(HcCtlContext *ctx)
{
	g_clear_pointer(&ctx->address, g_free);
	g_clear_pointer(&ctx->sysroot, g_free);
	g_clear_pointer(&ctx->snapshot_path, g_free);
	g_clear_pointer(&ctx->target_path, g_free);
	g_clear_pointer(&ctx->source_path, g_free);
	g_clear_pointer(&ctx->output_path, g_free);
	g_clear_pointer(&ctx->history_file, g_free);
	g_clear_pointer(&ctx->spec_path, g_free);
	g_clear_pointer(&ctx->format, g_free);
	g_clear_pointer(&ctx->data_dirs, g_ptr_array_unref);
	g_clear_pointer(&ctx->tail_argv, g_strfreev);
	g_clear_pointer(&ctx->daemon_data_dirs, g_strfreev);
	g_clear_pointer(&ctx->bus, hc_ctl_bus_free);
	g_clear_pointer(&ctx->snapshot, hc_snapshot_unref);
}

gboolean
hc_ctl_context_is_offline(const HcCtlContext *ctx)
{
	return ctx->no_daemon || ctx->snapshot_path != NULL;
}

HcCtlBus *
hc_ctl_context_get_bus(HcCtlContext *ctx, GError **error)
{
	if (ctx->bus == NULL)
		ctx->bus = hc_ctl_bus_open(ctx->bus_kind, ctx->address, error);
	return ctx->bus;
}

static HcSnapshot *
snapshot_from_daemon(HcCtlContext *ctx, GError **error)
{
	HcCtlBus *bus = hc_ctl_context_get_bus(ctx, error);
	g_autofree char *json = NULL;
	HcSnapshot *snap;
	g_autoptr(GError) parse_error = NULL;

	if (bus == NULL)
		return NULL;
	json = hc_ctl_bus_describe(bus, error);
	if (json == NULL)
		return NULL;
	snap = hc_snapshot_from_json(json, strlen(json), &parse_error);
	if (snap == NULL) {
		/* the daemon sent something we cannot read: internal, not the user's input */
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "Describe() reply: %s",
			    parse_error->message);
	}
	return snap;
}

HcSnapshot *
hc_ctl_context_get_snapshot(HcCtlContext *ctx, GError **error)
{
	if (ctx->snapshot != NULL)
		return ctx->snapshot;
	if (ctx->snapshot_path != NULL)
		ctx->snapshot = hc_ctl_offline_load_snapshot(ctx->snapshot_path, error);
	else if (ctx->no_daemon)
		ctx->snapshot = hc_ctl_offline_probe(ctx->sysroot,
						     hc_ctl_context_get_data_dirs(ctx),
						     NULL,
						     error);
	else
		ctx->snapshot = snapshot_from_daemon(ctx, error);
	return ctx->snapshot;
}

const char *const *
hc_ctl_context_get_data_dirs(HcCtlContext *ctx)
{
	if (ctx->data_dirs != NULL && ctx->data_dirs->len > 0)
		return (const char *const *)ctx->data_dirs->pdata; /* NULL-terminated */
	/* a running daemon's catalogue is the one its checks use: offline verbs use it too */
	if (!ctx->no_daemon && !ctx->asked_daemon_data_dirs) {
		g_auto(HcCtlDaemonInfo) info = {0};
		HcCtlBus *bus = hc_ctl_context_get_bus(ctx, NULL);

		ctx->asked_daemon_data_dirs = TRUE;
		if (bus != NULL && hc_ctl_bus_get_info(bus, &info, NULL))
			ctx->daemon_data_dirs = g_steal_pointer(&info.data_dirs);
	}
	if (ctx->daemon_data_dirs != NULL && ctx->daemon_data_dirs[0] != NULL)
		return (const char *const *)ctx->daemon_data_dirs;
	return hc_data_dirs_default();
}

HcCatalogue *
hc_ctl_context_load_catalogue(HcCtlContext *ctx, GError **error)
{
	HcCatalogue *cat = hc_catalogue_load_for_probes(hc_ctl_context_get_data_dirs(ctx),
							hc_probe_registry,
							hc_probe_registry_len,
							error);
	if (cat == NULL)
		g_prefix_error(error, "catalogue: ");
	return cat;
}
