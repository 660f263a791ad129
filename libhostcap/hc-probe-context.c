/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The probe context: the only way a probe reaches the file system (every path gets the
 * sysroot prefix, so each parser runs on a fixture tree) and the only way it reports.
 */
#include "hc-probe-context-private.h"

#include <errno.h>
#include <gio/gio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* a probe reads sysfs/procfs files, never anything large: stop endless files (/dev/zero) */
#define HC_PROBE_READ_LIMIT (16 * 1024 * 1024)

struct _HcProbeContext {
	const HcProbeInfo *info;
	char *sysroot;
	char *qemu_user;
	gboolean may_open_devices;
	GStrv data_dirs;
	GStrv qemu_binaries;
	char *cache_dir;
	gint64 deadline_usec;
	gint *cancel_flag;
	GHashTable *reported; /* id -> HcCapability* (owned) */
	GPtrArray *dropped;   /* invalid ids a probe tried to report */
};

GPtrArray *
hc_probe_info_get_ids(const HcProbeInfo *info)
{
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);

	g_return_val_if_fail(info != NULL, ids);
	for (guint i = 0; info->ids != NULL && info->ids[i] != NULL; i++)
		g_ptr_array_add(ids, g_strdup(info->ids[i]));
	if (info->declare_ids != NULL)
		info->declare_ids(ids);
	return ids;
}

HcProbeContext *
hc_probe_context_new(const HcProbeInfo *info,
		     const char *sysroot,
		     const char *qemu_user,
		     const char *const *data_dirs)
{
	HcProbeContext *ctx = g_new0(HcProbeContext, 1);
	g_autofree char *root = g_strdup(sysroot != NULL ? sysroot : "");
	gsize len = strlen(root);

	/* "/srv/root/" and "/srv/root" are the same sysroot; "/" is the real root */
	while (len > 0 && root[len - 1] == '/')
		root[--len] = '\0';
	ctx->info = info;
	ctx->sysroot = g_steal_pointer(&root);
	ctx->qemu_user = g_strdup(qemu_user != NULL && qemu_user[0] != '\0' ? qemu_user : "root");
	ctx->data_dirs = data_dirs != NULL ? g_strdupv((char **)data_dirs) : g_new0(char *, 1);
	ctx->reported = g_hash_table_new_full(g_str_hash,
					      g_str_equal,
					      NULL,
					      (GDestroyNotify)hc_capability_free);
	ctx->dropped = g_ptr_array_new_with_free_func(g_free);
	return ctx;
}

void
hc_probe_context_free(HcProbeContext *ctx)
{
	if (ctx == NULL)
		return;
	g_free(ctx->sysroot);
	g_free(ctx->qemu_user);
	g_strfreev(ctx->data_dirs);
	g_strfreev(ctx->qemu_binaries);
	g_free(ctx->cache_dir);
	g_hash_table_unref(ctx->reported);
	g_ptr_array_unref(ctx->dropped);
	g_free(ctx);
}

void
hc_probe_context_set_qemu(HcProbeContext *ctx,
			  const char *const *qemu_binaries,
			  const char *cache_dir)
{
	g_strfreev(ctx->qemu_binaries);
	ctx->qemu_binaries = qemu_binaries != NULL ? g_strdupv((char **)qemu_binaries) : NULL;
	g_free(ctx->cache_dir);
	ctx->cache_dir = cache_dir != NULL && cache_dir[0] != '\0' ? g_strdup(cache_dir) : NULL;
}

void
hc_probe_context_set_deadline(HcProbeContext *ctx, gint64 deadline_usec, gint *cancel_flag)
{
	ctx->deadline_usec = deadline_usec;
	ctx->cancel_flag = cancel_flag;
}

void
hc_probe_context_set_may_open_devices(HcProbeContext *ctx, gboolean may_open)
{
	ctx->may_open_devices = may_open;
}

gboolean
hc_probe_context_may_open_devices(HcProbeContext *ctx)
{
	return ctx->may_open_devices;
}

GPtrArray *
hc_probe_context_get_dropped_ids(HcProbeContext *ctx)
{
	return ctx->dropped;
}

const char *
hc_probe_context_get_sysroot(HcProbeContext *ctx)
{
	return ctx->sysroot;
}

const char *
hc_probe_context_get_qemu_user(HcProbeContext *ctx)
{
	return ctx->qemu_user;
}

const char *const *
hc_probe_context_get_data_dirs(HcProbeContext *ctx)
{
	return (const char *const *)ctx->data_dirs;
}

const char *const *
hc_probe_context_get_qemu_binaries(HcProbeContext *ctx)
{
	static const char *const none[] = {NULL};
	return ctx->qemu_binaries != NULL ? (const char *const *)ctx->qemu_binaries : none;
}

const char *
hc_probe_context_get_cache_dir(HcProbeContext *ctx)
{
	return ctx->cache_dir;
}

gboolean
hc_probe_context_is_cancelled(HcProbeContext *ctx)
{
	if (ctx->cancel_flag != NULL && g_atomic_int_get(ctx->cancel_flag) != 0)
		return TRUE;
	return ctx->deadline_usec > 0 && g_get_monotonic_time() >= ctx->deadline_usec;
}

char *
hc_probe_context_path(HcProbeContext *ctx, const char *abs_path)
{
	g_return_val_if_fail(abs_path != NULL && abs_path[0] == '/', NULL);
	return g_strconcat(ctx->sysroot, abs_path, NULL);
}

static void
hc_set_errno_error(GError **error, int errsv, const char *what, const char *abs_path)
{
	g_set_error(error,
		    G_IO_ERROR,
		    g_io_error_from_errno(errsv),
		    "%s %s: %s",
		    what,
		    abs_path,
		    g_strerror(errsv));
}

int
hc_probe_context_open(HcProbeContext *ctx,
		      const char *abs_path,
		      int flags,
		      int *errno_out,
		      GError **error)
{
	g_autofree char *path = hc_probe_context_path(ctx, abs_path);
	int fd;

	if (path == NULL) {
		if (errno_out != NULL)
			*errno_out = EINVAL;
		hc_set_errno_error(error, EINVAL, "open", abs_path != NULL ? abs_path : "(null)");
		return -1;
	}
	do
		fd = open(path, flags | O_CLOEXEC | O_NOCTTY, 0600); /* probes never create */
	while (fd < 0 && errno == EINTR);
	if (errno_out != NULL)
		*errno_out = fd < 0 ? errno : 0;
	if (fd < 0) {
		/* messages name the path the probe asked for, so reasons read the same on a
		 * fixture tree and on the real host */
		hc_set_errno_error(error, errno, "open", abs_path);
		return -1;
	}
	return fd;
}

gboolean
hc_probe_context_exists(HcProbeContext *ctx, const char *abs_path)
{
	g_autofree char *path = hc_probe_context_path(ctx, abs_path);

	return path != NULL && access(path, F_OK) == 0;
}

gboolean
hc_probe_context_read_file(HcProbeContext *ctx,
			   const char *abs_path,
			   char **contents,
			   gsize *len,
			   GError **error)
{
	g_autoptr(GString) buf = g_string_new(NULL);
	char chunk[4096];
	int fd = hc_probe_context_open(ctx, abs_path, O_RDONLY, NULL, error);

	if (fd < 0)
		return FALSE;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int errsv = errno;

			close(fd);
			hc_set_errno_error(error, errsv, "read", abs_path);
			return FALSE;
		}
		if (n == 0)
			break;
		if (buf->len + (gsize)n > HC_PROBE_READ_LIMIT) {
			close(fd);
			hc_set_errno_error(error, EFBIG, "read", abs_path);
			return FALSE;
		}
		g_string_append_len(buf, chunk, n);
	}
	close(fd);
	if (len != NULL)
		*len = buf->len;
	*contents = g_string_free(g_steal_pointer(&buf), FALSE);
	return TRUE;
}

char *
hc_probe_context_read_line(HcProbeContext *ctx, const char *abs_path, GError **error)
{
	g_autofree char *contents = NULL;
	char *nl;

	if (!hc_probe_context_read_file(ctx, abs_path, &contents, NULL, error))
		return NULL;
	nl = strchr(contents, '\n');
	if (nl != NULL)
		*nl = '\0';
	return g_strdup(g_strstrip(contents));
}

gboolean
hc_probe_context_read_int(HcProbeContext *ctx, const char *abs_path, gint64 *out, GError **error)
{
	g_autofree char *line = hc_probe_context_read_line(ctx, abs_path, error);
	g_autoptr(GError) parse_error = NULL;

	if (line == NULL)
		return FALSE;
	if (!g_ascii_string_to_signed(line, 10, G_MININT64, G_MAXINT64, out, &parse_error)) {
		g_set_error(error,
			    G_IO_ERROR,
			    G_IO_ERROR_INVALID_DATA,
			    "parse %s: %s",
			    abs_path,
			    parse_error->message);
		return FALSE;
	}
	return TRUE;
}

static void
hc_probe_report_valist(HcProbeContext *ctx,
		       const char *id,
		       HcCapState state,
		       GVariant *value,
		       const char *reason_fmt,
		       va_list args) G_GNUC_PRINTF(5, 0);

static void
hc_probe_report_valist(HcProbeContext *ctx,
		       const char *id,
		       HcCapState state,
		       GVariant *value,
		       const char *reason_fmt,
		       va_list args)
{
	g_autofree char *reason = NULL;
	HcCapability *cap;

	if (!hc_capability_id_is_valid(id)) {
		/* a probe bug, not a host fact: keep it out of the snapshot but remember it */
		g_debug("probe %s reported invalid capability id '%s', dropping it",
			ctx->info != NULL ? ctx->info->name : "(none)",
			id != NULL ? id : "(null)");
		g_ptr_array_add(ctx->dropped, g_strdup(id != NULL ? id : "(null)"));
		if (value != NULL)
			g_variant_unref(g_variant_ref_sink(value));
		return;
	}
	if ((guint)state >= HC_CAP_STATE_LAST) {
		g_debug("probe reported %s with invalid state %d, making it unknown", id, state);
		state = HC_CAP_STATE_UNKNOWN;
	}
	reason = reason_fmt != NULL ? g_strdup_vprintf(reason_fmt, args) : g_strdup("");
	cap = hc_capability_new(id, state, value, reason);
	if (ctx->info != NULL)
		cap->probe = g_strdup(ctx->info->name);
	/* reporting an id twice keeps the later finding */
	g_hash_table_replace(ctx->reported, cap->id, cap);
}

void
hc_probe_report(HcProbeContext *ctx,
		const char *id,
		HcCapState state,
		GVariant *value,
		const char *reason_fmt,
		...)
{
	va_list args;

	va_start(args, reason_fmt);
	hc_probe_report_valist(ctx, id, state, value, reason_fmt, args);
	va_end(args);
}

void
hc_probe_report_bool(HcProbeContext *ctx,
		     const char *id,
		     HcCapState state,
		     gboolean value,
		     const char *reason_fmt,
		     ...)
{
	va_list args;

	va_start(args, reason_fmt);
	hc_probe_report_valist(ctx, id, state, g_variant_new_boolean(value), reason_fmt, args);
	va_end(args);
}

void
hc_probe_report_int(HcProbeContext *ctx,
		    const char *id,
		    HcCapState state,
		    gint64 value,
		    const char *reason_fmt,
		    ...)
{
	va_list args;

	va_start(args, reason_fmt);
	hc_probe_report_valist(ctx, id, state, g_variant_new_int64(value), reason_fmt, args);
	va_end(args);
}

void
hc_probe_report_string(HcProbeContext *ctx,
		       const char *id,
		       HcCapState state,
		       const char *value,
		       const char *reason_fmt,
		       ...)
{
	/* file contents are not always UTF-8; a GVariant string must be */
	g_autofree char *valid = g_utf8_make_valid(value != NULL ? value : "", -1);
	va_list args;

	va_start(args, reason_fmt);
	hc_probe_report_valist(ctx, id, state, g_variant_new_string(valid), reason_fmt, args);
	va_end(args);
}

gboolean
hc_probe_context_has_reported(HcProbeContext *ctx, const char *id)
{
	return id != NULL && g_hash_table_contains(ctx->reported, id);
}

static gint
hc_cap_cmp(gconstpointer a, gconstpointer b)
{
	const HcCapability *ca = *(const HcCapability *const *)a;
	const HcCapability *cb = *(const HcCapability *const *)b;

	return strcmp(ca->id, cb->id);
}

static HcCapability *
hc_unknown_capability(const HcProbeInfo *info, const char *id, const char *reason)
{
	HcCapability *cap = hc_capability_new(id, HC_CAP_STATE_UNKNOWN, NULL, reason);

	cap->probe = g_strdup(info->name);
	return cap;
}

GPtrArray *
hc_probe_context_finish(HcProbeContext *ctx, gboolean ok, const GError *run_error)
{
	GPtrArray *caps = g_ptr_array_new_with_free_func((GDestroyNotify)hc_capability_free);
	g_autoptr(GPtrArray) declared = NULL;
	g_autofree char *reason = NULL;
	GHashTableIter iter;
	gpointer value;

	if (ctx->info != NULL) {
		declared = hc_probe_info_get_ids(ctx->info);
		if (ok)
			reason = g_strdup("probe did not report it");
		else
			reason = g_strdup_printf("probe failed: %s",
						 run_error != NULL ? run_error->message
								   : "no error given");
		for (guint i = 0; i < declared->len; i++) {
			const char *id = g_ptr_array_index(declared, i);

			HcCapability *cap;

			if (!hc_capability_id_is_valid(id) ||
			    g_hash_table_contains(ctx->reported, id))
				continue;
			cap = hc_unknown_capability(ctx->info, id, reason);
			g_hash_table_replace(ctx->reported, cap->id, cap);
		}
	}
	g_hash_table_iter_init(&iter, ctx->reported);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		g_ptr_array_add(caps, value);
		g_hash_table_iter_steal(&iter);
	}
	g_ptr_array_sort(caps, hc_cap_cmp);
	return caps;
}

GPtrArray *
hc_probe_unknown_capabilities(const HcProbeInfo *info, const char *reason)
{
	GPtrArray *caps = g_ptr_array_new_with_free_func((GDestroyNotify)hc_capability_free);
	g_autoptr(GPtrArray) declared = hc_probe_info_get_ids(info);
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < declared->len; i++) {
		const char *id = g_ptr_array_index(declared, i);

		/* a declared list with a duplicate must not yield two entries for one id */
		if (!hc_capability_id_is_valid(id) || !g_hash_table_add(seen, (gpointer)id))
			continue;
		g_ptr_array_add(caps, hc_unknown_capability(info, id, reason));
	}
	g_ptr_array_sort(caps, hc_cap_cmp);
	return caps;
}
