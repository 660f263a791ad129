/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Asking a QEMU binary about itself over QMP (docs/interop/qmp-spec in QEMU; the commands
 * are in qapi/machine.json and qapi/machine-target.json): one short-lived process per binary,
 * stopped before any guest runs, no machine and no devices, TCG so no /dev/kvm is needed.
 */
#include "hc-qemu-info.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hostcap/hc-error.h"

/* QMP replies are a few hundred KiB at most; a binary that prints more is not QEMU */
#define HC_QEMU_MAX_OUTPUT (8 * 1024 * 1024)

static const char hc_qemu_session[] =
    "{\"execute\":\"qmp_capabilities\"}\n"
    "{\"execute\":\"query-version\"}\n"
    "{\"execute\":\"query-machines\"}\n"
    "{\"execute\":\"query-cpu-definitions\"}\n"
    "{\"execute\":\"query-cpu-model-expansion\","
    "\"arguments\":{\"type\":\"full\",\"model\":{\"name\":\"max\"}}}\n"
    "{\"execute\":\"quit\"}\n";

/* the replies, in the order the session asks */
enum {
	HC_QMP_CAPABILITIES,
	HC_QMP_VERSION,
	HC_QMP_MACHINES,
	HC_QMP_CPU_DEFINITIONS,
	HC_QMP_MAX_EXPANSION,
	HC_QMP_QUIT,
	HC_QMP_LAST,
};

void
hc_qemu_info_free(HcQemuInfo *info)
{
	if (info == NULL)
		return;
	g_free(info->version);
	g_free(info->package);
	g_clear_pointer(&info->machines, g_ptr_array_unref);
	g_clear_pointer(&info->aliases, g_ptr_array_unref);
	g_clear_pointer(&info->cpu_models, g_ptr_array_unref);
	g_clear_pointer(&info->tcg_models, g_ptr_array_unref);
	g_clear_pointer(&info->tcg_features, g_ptr_array_unref);
	g_free(info);
}

static HcQemuInfo *
hc_qemu_info_new(void)
{
	HcQemuInfo *info = g_new0(HcQemuInfo, 1);
	info->machines = g_ptr_array_new_with_free_func(g_free);
	info->aliases = g_ptr_array_new_with_free_func(g_free);
	info->cpu_models = g_ptr_array_new_with_free_func(g_free);
	info->tcg_models = g_ptr_array_new_with_free_func(g_free);
	info->tcg_features = g_ptr_array_new_with_free_func(g_free);
	return info;
}

/* json-glib warns on a missing or mistyped member: these return NULL instead */
static JsonObject *
hc_qemu_obj(JsonObject *obj, const char *name)
{
	JsonNode *node = obj != NULL ? json_object_get_member(obj, name) : NULL;
	return node != NULL && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
}

static JsonArray *
hc_qemu_arr(JsonObject *obj, const char *name)
{
	JsonNode *node = obj != NULL ? json_object_get_member(obj, name) : NULL;
	return node != NULL && JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node) : NULL;
}

static const char *
hc_qemu_str(JsonNode *node)
{
	if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) ||
	    json_node_get_value_type(node) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(node);
}

static gint
hc_qemu_strcmp(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

/* the session as QEMU's stdin: a pipe written and closed before QEMU starts (it is far
 * below the pipe's capacity), so a program that exits without reading cannot make the write
 * fail and hide its own exit status and message */
static int
hc_qemu_session_fd(GError **error)
{
	int fds[2];
	gsize len = strlen(hc_qemu_session);

	if (!g_unix_open_pipe(fds, FD_CLOEXEC, error))
		return -1;
	if (write(fds[1], hc_qemu_session, len) != (gssize)len) {
		int errsv = errno;
		close(fds[0]);
		close(fds[1]);
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(errsv),
			    "write to pipe: %s",
			    g_strerror(errsv));
		return -1;
	}
	close(fds[1]);
	return fds[0];
}

/* reads what is there on @fd into @buf; FALSE once it is at end of file */
static gboolean
hc_qemu_drain(int fd, GString *buf)
{
	char chunk[16384];
	gssize n = read(fd, chunk, sizeof(chunk));

	if (n > 0 && buf->len < HC_QEMU_MAX_OUTPUT)
		g_string_append_len(buf, chunk, n);
	return n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN));
}

/* both pipes until QEMU closes them; the deadline kills it. Plain poll(2) and waitpid(2),
 * no GLib child watch: the probe also runs in processes that fork afterwards (tests), where
 * GLib's worker thread does not follow */
static void
hc_qemu_collect(HcProbeContext *ctx, GPid pid, int out_fd, int err_fd, GString *out, GString *err)
{
	struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
	gboolean killed = FALSE;

	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		if (!killed && hc_probe_context_is_cancelled(ctx)) {
			kill(pid, SIGKILL);
			killed = TRUE;
		}
		if (poll(fds, 2, 50) < 0 && errno != EINTR)
			break;
		for (guint i = 0; i < 2; i++) {
			if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    !hc_qemu_drain(fds[i].fd, i == 0 ? out : err))
				fds[i].fd = -1;
		}
	}
}

/* runs the session; stdout on success */
static char *
hc_qemu_run_session(HcProbeContext *ctx, const HcQemuBinary *bin, GError **error)
{
	const char *const argv[] = {bin->run_path,
				    "-machine",
				    "none",
				    "-accel",
				    "tcg",
				    "-display",
				    "none",
				    "-nodefaults",
				    "-no-user-config",
				    "-S",
				    "-qmp",
				    "stdio",
				    NULL};
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GString) err = g_string_new(NULL);
	int in_fd = hc_qemu_session_fd(error);
	int out_fd = -1, err_fd = -1, status = 0;
	GPid pid = 0;
	gboolean ok;

	if (in_fd < 0)
		return NULL;
	ok = g_spawn_async_with_pipes_and_fds(NULL,
					      argv,
					      NULL,
					      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CLOEXEC_PIPES,
					      NULL,
					      NULL,
					      in_fd,
					      -1,
					      -1,
					      NULL,
					      NULL,
					      0,
					      &pid,
					      NULL,
					      &out_fd,
					      &err_fd,
					      error);
	close(in_fd);
	if (!ok) {
		g_prefix_error(error, "%s: ", bin->path);
		return NULL;
	}
	hc_qemu_collect(ctx, pid, out_fd, err_fd, out, err);
	close(out_fd);
	close(err_fd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	g_spawn_close_pid(pid);
	g_strstrip(err->str);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "%s -machine none -qmp stdio %s: %s",
			    bin->path,
			    hc_probe_context_is_cancelled(ctx) ? "timed out" : "failed",
			    err->str[0] != '\0' ? err->str : "no message");
		return NULL;
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

/* the "return" members of the replies, in order; events and the greeting are skipped */
static GPtrArray *
hc_qemu_split_replies(const char *out, GError **error)
{
	g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
	GPtrArray *replies = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);

	for (guint i = 0; lines[i] != NULL && replies->len < HC_QMP_LAST; i++) {
		g_autoptr(JsonParser) parser = json_parser_new_immutable();
		JsonObject *obj;

		if (lines[i][0] != '{' || !json_parser_load_from_data(parser, lines[i], -1, NULL) ||
		    !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
			continue;
		obj = json_node_get_object(json_parser_get_root(parser));
		if (json_object_has_member(obj, "return"))
			g_ptr_array_add(replies,
					json_node_copy(json_object_get_member(obj, "return")));
		else if (json_object_has_member(obj, "error"))
			g_ptr_array_add(replies, json_node_new(JSON_NODE_NULL));
	}
	if (replies->len < HC_QMP_QUIT) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "QMP answered %u of %u commands",
			    replies->len,
			    (guint)HC_QMP_QUIT);
		g_ptr_array_unref(replies);
		return NULL;
	}
	return replies;
}

static gboolean
hc_qemu_parse_version(HcQemuInfo *info, JsonNode *node, GError **error)
{
	JsonObject *obj = JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
	JsonObject *q = hc_qemu_obj(obj, "qemu");
	gint64 major, minor, micro;

	if (q == NULL) {
		g_set_error_literal(error, HC_ERROR, HC_ERROR_INTERNAL, "query-version failed");
		return FALSE;
	}
	major = json_object_get_int_member_with_default(q, "major", 0);
	minor = json_object_get_int_member_with_default(q, "minor", 0);
	micro = json_object_get_int_member_with_default(q, "micro", 0);
	info->version =
	    g_strdup_printf("%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT,
			    major,
			    minor,
			    micro);
	info->version_number = major * 10000 + minor * 100 + micro;
	info->package = g_strdup(hc_qemu_str(json_object_get_member(obj, "package")) ?: "");
	g_strstrip(info->package);
	return TRUE;
}

/* the "name" of each element of an array reply; @each may filter and collect more */
static gboolean
hc_qemu_each_named(JsonNode *node,
		   const char *what,
		   void (*each)(HcQemuInfo *, JsonObject *, const char *),
		   HcQemuInfo *info,
		   GError **error)
{
	JsonArray *arr = JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node) : NULL;

	if (arr == NULL) {
		g_set_error(error, HC_ERROR, HC_ERROR_INTERNAL, "%s failed", what);
		return FALSE;
	}
	for (guint i = 0; i < json_array_get_length(arr); i++) {
		JsonNode *el = json_array_get_element(arr, i);
		JsonObject *obj = JSON_NODE_HOLDS_OBJECT(el) ? json_node_get_object(el) : NULL;
		const char *name = obj != NULL ? hc_qemu_str(json_object_get_member(obj, "name"))
					       : NULL;
		if (name != NULL)
			each(info, obj, name);
	}
	return TRUE;
}

static void
hc_qemu_add_machine(HcQemuInfo *info, JsonObject *obj, const char *name)
{
	const char *alias = hc_qemu_str(json_object_get_member(obj, "alias"));

	g_ptr_array_add(info->machines, g_strdup(name));
	if (alias != NULL)
		g_ptr_array_add(info->aliases, g_strdup_printf("%s=%s", alias, name));
}

static void
hc_qemu_add_cpu(HcQemuInfo *info, JsonObject *obj, const char *name)
{
	JsonArray *missing = hc_qemu_arr(obj, "unavailable-features");

	g_ptr_array_add(info->cpu_models, g_strdup(name));
	if (missing != NULL && json_array_get_length(missing) == 0)
		g_ptr_array_add(info->tcg_models, g_strdup(name));
}

static gboolean
hc_qemu_parse_expansion(HcQemuInfo *info, JsonNode *node, GError **error)
{
	JsonObject *obj = JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
	JsonObject *props = hc_qemu_obj(hc_qemu_obj(obj, "model"), "props");
	g_autoptr(GList) members = NULL;

	if (props == NULL) {
		g_set_error_literal(error,
				    HC_ERROR,
				    HC_ERROR_INTERNAL,
				    "query-cpu-model-expansion of max failed");
		return FALSE;
	}
	members = json_object_get_members(props);
	/* a feature is a boolean property that is on; the model's other switches are too
	 * (migratable, check), which is harmless: no model lists them as features */
	for (GList *l = members; l != NULL; l = l->next) {
		JsonNode *v = json_object_get_member(props, l->data);
		if (JSON_NODE_HOLDS_VALUE(v) && json_node_get_value_type(v) == G_TYPE_BOOLEAN &&
		    json_node_get_boolean(v))
			g_ptr_array_add(info->tcg_features, g_strdup(l->data));
	}
	return TRUE;
}

HcQemuInfo *
hc_qemu_info_query(HcProbeContext *ctx, const HcQemuBinary *bin, GError **error)
{
	g_autofree char *out = hc_qemu_run_session(ctx, bin, error);
	g_autoptr(GPtrArray) replies = NULL;
	g_autoptr(HcQemuInfo) info = hc_qemu_info_new();

	if (out == NULL)
		return NULL;
	if (strlen(out) > HC_QEMU_MAX_OUTPUT) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "%s: QMP output too large",
			    bin->path);
		return NULL;
	}
	replies = hc_qemu_split_replies(out, error);
	if (replies == NULL ||
	    !hc_qemu_parse_version(info, g_ptr_array_index(replies, HC_QMP_VERSION), error) ||
	    !hc_qemu_each_named(g_ptr_array_index(replies, HC_QMP_MACHINES),
				"query-machines",
				hc_qemu_add_machine,
				info,
				error) ||
	    !hc_qemu_each_named(g_ptr_array_index(replies, HC_QMP_CPU_DEFINITIONS),
				"query-cpu-definitions",
				hc_qemu_add_cpu,
				info,
				error) ||
	    !hc_qemu_parse_expansion(info,
				     g_ptr_array_index(replies, HC_QMP_MAX_EXPANSION),
				     error)) {
		g_prefix_error(error, "%s: ", bin->path);
		return NULL;
	}
	g_ptr_array_sort(info->machines, hc_qemu_strcmp);
	g_ptr_array_sort(info->aliases, hc_qemu_strcmp);
	g_ptr_array_sort(info->cpu_models, hc_qemu_strcmp);
	g_ptr_array_sort(info->tcg_models, hc_qemu_strcmp);
	g_ptr_array_sort(info->tcg_features, hc_qemu_strcmp);
	return g_steal_pointer(&info);
}

/* ---- the cache's form ---- */

static const struct {
	const char *member;
	gsize offset;
} hc_qemu_lists[] = {
    {"machines", G_STRUCT_OFFSET(HcQemuInfo, machines)},
    {"aliases", G_STRUCT_OFFSET(HcQemuInfo, aliases)},
    {"cpu_models", G_STRUCT_OFFSET(HcQemuInfo, cpu_models)},
    {"tcg_cpu_models", G_STRUCT_OFFSET(HcQemuInfo, tcg_models)},
    {"tcg_cpu_features", G_STRUCT_OFFSET(HcQemuInfo, tcg_features)},
};

JsonObject *
hc_qemu_info_to_json(const HcQemuInfo *info)
{
	JsonObject *obj = json_object_new();

	json_object_set_string_member(obj, "version", info->version);
	json_object_set_int_member(obj, "version_number", info->version_number);
	json_object_set_string_member(obj, "package", info->package);
	for (guint i = 0; i < G_N_ELEMENTS(hc_qemu_lists); i++) {
		GPtrArray *list = G_STRUCT_MEMBER(GPtrArray *, info, hc_qemu_lists[i].offset);
		JsonArray *arr = json_array_sized_new(list->len);
		for (guint j = 0; j < list->len; j++)
			json_array_add_string_element(arr, g_ptr_array_index(list, j));
		json_object_set_array_member(obj, hc_qemu_lists[i].member, arr);
	}
	return obj;
}

HcQemuInfo *
hc_qemu_info_from_json(JsonObject *obj, GError **error)
{
	g_autoptr(HcQemuInfo) info = hc_qemu_info_new();
	const char *version = hc_qemu_str(json_object_get_member(obj, "version"));

	if (version == NULL) {
		g_set_error_literal(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT, "no version");
		return NULL;
	}
	info->version = g_strdup(version);
	info->version_number = json_object_get_int_member_with_default(obj, "version_number", 0);
	info->package = g_strdup(hc_qemu_str(json_object_get_member(obj, "package")) ?: "");
	for (guint i = 0; i < G_N_ELEMENTS(hc_qemu_lists); i++) {
		GPtrArray *list = G_STRUCT_MEMBER(GPtrArray *, info, hc_qemu_lists[i].offset);
		JsonArray *arr = hc_qemu_arr(obj, hc_qemu_lists[i].member);
		if (arr == NULL) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "no %s list",
				    hc_qemu_lists[i].member);
			return NULL;
		}
		for (guint j = 0; j < json_array_get_length(arr); j++) {
			const char *s = hc_qemu_str(json_array_get_element(arr, j));
			if (s != NULL)
				g_ptr_array_add(list, g_strdup(s));
		}
	}
	return g_steal_pointer(&info);
}
