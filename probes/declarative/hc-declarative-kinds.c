/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kinds of declarative probe entries (docs/probes.d.md): each reads one file through the
 * probe context (so the sysroot applies) and never executes anything.
 *
 * Interfaces: any file (file-exists, file-read), /proc/config.gz (CONFIG_IKCONFIG_PROC,
 * gunzipped with GZlibDecompressor) or /boot/config-<release> (kernel-config),
 * /sys/module/<module>/parameters/<param> (module-param), /proc/sys/<name with dots as
 * slashes> (sysctl).
 */
#include <errno.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/utsname.h>

#include "hc-declarative.h"

static const char *const hc_decl_true[] = {"1", "y", "Y", "yes", "true", "on", NULL};
static const char *const hc_decl_false[] = {"0", "n", "N", "no", "false", "off", NULL};

/* interprets @text (already stripped) by the entry's "type" and reports @id */
static void
hc_decl_report_text(HcProbeContext *ctx, const HcDeclEntry *e, const char *text, const char *source)
{
	if (g_strcmp0(e->type, "int") == 0) {
		gint64 v = 0;
		if (!g_ascii_string_to_signed(text, 10, G_MININT64, G_MAXINT64, &v, NULL)) {
			hc_probe_report(ctx,
					e->id,
					HC_CAP_STATE_UNKNOWN,
					NULL,
					"%s: not an integer: \"%s\"",
					source,
					text);
			return;
		}
		hc_probe_report_int(ctx, e->id, HC_CAP_STATE_SUPPORTED, v, "%s: %s", source, text);
	} else if (g_strcmp0(e->type, "bool") == 0) {
		if (g_strv_contains(hc_decl_true, text))
			hc_probe_report_bool(ctx,
					     e->id,
					     HC_CAP_STATE_SUPPORTED,
					     TRUE,
					     "%s: %s",
					     source,
					     text);
		else if (g_strv_contains(hc_decl_false, text))
			hc_probe_report_bool(ctx,
					     e->id,
					     HC_CAP_STATE_DISABLED,
					     FALSE,
					     "%s: %s",
					     source,
					     text);
		else
			hc_probe_report(ctx,
					e->id,
					HC_CAP_STATE_UNKNOWN,
					NULL,
					"%s: not a boolean: \"%s\"",
					source,
					text);
	} else if (g_strcmp0(e->type, "regex") == 0) {
		g_autoptr(GMatchInfo) match = NULL;
		g_autofree char *value = NULL;

		if (!g_regex_match(e->regex, text, 0, &match)) {
			hc_probe_report(ctx,
					e->id,
					HC_CAP_STATE_UNSUPPORTED,
					NULL,
					"%s: no match for /%s/",
					source,
					g_regex_get_pattern(e->regex));
			return;
		}
		value = g_match_info_fetch(match, 1);
		hc_probe_report_string(ctx,
				       e->id,
				       HC_CAP_STATE_SUPPORTED,
				       value,
				       "%s: /%s/ matched \"%s\"",
				       source,
				       g_regex_get_pattern(e->regex),
				       value);
	} else {
		hc_probe_report_string(ctx,
				       e->id,
				       HC_CAP_STATE_SUPPORTED,
				       text,
				       "%s: %s",
				       source,
				       text);
	}
}

/* reads @path and reports it; a missing file is "unsupported" */
static void
hc_decl_read_and_report(HcProbeContext *ctx, const HcDeclEntry *e, const char *path, gboolean whole)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *contents = NULL;

	if (!hc_probe_context_exists(ctx, path)) {
		hc_probe_report(ctx,
				e->id,
				HC_CAP_STATE_UNSUPPORTED,
				NULL,
				"%s: %s",
				path,
				g_strerror(ENOENT));
		return;
	}
	if (!hc_probe_context_read_file(ctx, path, &contents, NULL, &error)) {
		hc_probe_report(ctx, e->id, HC_CAP_STATE_UNKNOWN, NULL, "%s", error->message);
		return;
	}
	/* a regex sees the whole file (multi-line); the other types its first line */
	if (!whole) {
		char *nl = strchr(contents, '\n');
		if (nl != NULL)
			*nl = '\0';
	}
	hc_decl_report_text(ctx, e, g_strstrip(contents), path);
}

static void
hc_decl_file_exists(HcProbeContext *ctx, const HcDeclEntry *e)
{
	gboolean exists = hc_probe_context_exists(ctx, e->path);

	hc_probe_report_bool(ctx,
			     e->id,
			     exists ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
			     exists,
			     "%s: %s",
			     e->path,
			     exists ? "exists" : g_strerror(ENOENT));
}

static void
hc_decl_file_read(HcProbeContext *ctx, const HcDeclEntry *e)
{
	hc_decl_read_and_report(ctx, e, e->path, g_strcmp0(e->type, "regex") == 0);
}

static void
hc_decl_module_param(HcProbeContext *ctx, const HcDeclEntry *e)
{
	g_autofree char *module_dir = g_strdup_printf("/sys/module/%s", e->module);
	g_autofree char *path =
	    g_strdup_printf("/sys/module/%s/parameters/%s", e->module, e->param);

	if (!hc_probe_context_exists(ctx, module_dir)) {
		hc_probe_report(ctx,
				e->id,
				HC_CAP_STATE_UNSUPPORTED,
				NULL,
				"%s: module %s not loaded",
				module_dir,
				e->module);
		return;
	}
	hc_decl_read_and_report(ctx, e, path, FALSE);
}

static void
hc_decl_sysctl(HcProbeContext *ctx, const HcDeclEntry *e)
{
	g_autofree char *rel = g_strdelimit(g_strdup(e->name), ".", '/');
	g_autofree char *path = g_strdup_printf("/proc/sys/%s", rel);

	hc_decl_read_and_report(ctx, e, path, FALSE);
}

/* the running kernel's config text; NULL and *where set to what was tried when absent */
static char *
hc_decl_kernel_config_text(HcProbeContext *ctx, char **where)
{
	g_autofree char *gz = NULL;
	gsize gz_len = 0;
	struct utsname uts;

	if (hc_probe_context_read_file(ctx, "/proc/config.gz", &gz, &gz_len, NULL)) {
		g_autoptr(GZlibDecompressor) dec =
		    g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP);
		g_autoptr(GInputStream) raw = g_memory_input_stream_new_from_data(gz, gz_len, NULL);
		g_autoptr(GInputStream) in = g_converter_input_stream_new(raw, G_CONVERTER(dec));
		g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable();

		*where = g_strdup("/proc/config.gz");
		if (g_output_stream_splice(out,
					   in,
					   G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
					   NULL,
					   NULL) < 0)
			return NULL;
		return g_strndup(g_memory_output_stream_get_data(G_MEMORY_OUTPUT_STREAM(out)),
				 g_memory_output_stream_get_data_size(G_MEMORY_OUTPUT_STREAM(out)));
	}
	if (uname(&uts) == 0) {
		g_autofree char *boot = g_strdup_printf("/boot/config-%s", uts.release);
		char *text = NULL;

		*where = g_strdup_printf("/proc/config.gz or %s", boot);
		if (hc_probe_context_read_file(ctx, boot, &text, NULL, NULL)) {
			g_free(*where);
			*where = g_steal_pointer(&boot);
			return text;
		}
	}
	return NULL;
}

static void
hc_decl_kernel_config(HcProbeContext *ctx, const HcDeclEntry *e)
{
	g_autofree char *where = NULL;
	g_autofree char *text = hc_decl_kernel_config_text(ctx, &where);
	g_autofree char *prefix = g_strdup_printf("%s=", e->option);
	g_auto(GStrv) lines = NULL;

	if (text == NULL) {
		hc_probe_report(ctx,
				e->id,
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"%s: kernel config not readable",
				where);
		return;
	}
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		const char *value = lines[i] + strlen(prefix);
		if (!g_str_has_prefix(lines[i], prefix))
			continue;
		hc_probe_report_string(ctx,
				       e->id,
				       g_strcmp0(value, "n") == 0 ? HC_CAP_STATE_UNSUPPORTED
								  : HC_CAP_STATE_SUPPORTED,
				       value,
				       "%s: %s",
				       where,
				       lines[i]);
		return;
	}
	hc_probe_report(ctx,
			e->id,
			HC_CAP_STATE_UNSUPPORTED,
			NULL,
			"%s: %s is not set",
			where,
			e->option);
}

const HcDeclKind hc_decl_kinds[] = {
    {"file-exists", {"path", NULL}, hc_decl_file_exists},
    {"file-read", {"path", NULL}, hc_decl_file_read},
    {"kernel-config", {"option", NULL}, hc_decl_kernel_config},
    {"module-param", {"module", "param"}, hc_decl_module_param},
    {"sysctl", {"name", NULL}, hc_decl_sysctl},
    {NULL, {NULL, NULL}, NULL},
};
