/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QEMU processes for live migrations: QMP (docs/interop/qmp-spec in QEMU) over a unix socket
 * the test listens on, the serial console the same way, MIGRATION events instead of polling
 * query-migrate. Every blocking read has a socket timeout: TCG on a busy machine is slow,
 * but a hung QEMU must still end the test.
 */
#include "hc-live-vm.h"

#include <errno.h>
#include <gio/gunixsocketaddress.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sched.h>
#include <unistd.h>

/* generous: a TCG boot takes about 6 s on an idle machine and ten times that on a busy one */
#define HC_LIVE_TIMEOUT_S 600

struct _HcLiveVm {
	char *name;
	char *dir;
	GPtrArray *argv;
	GSubprocess *proc;
	GSocket *qmp;
	GDataInputStream *qmp_in;
	GOutputStream *qmp_out;
	GSocketConnection *qmp_conn;
	GSocketConnection *console_conn;
	GDataInputStream *console_in;
	GQueue events; /* JsonObject*: events read while waiting for a command's reply */
	gboolean incoming;
};

static void
enter_private_netns(gpointer user_data)
{
	/* in the child before exec: QEMU dies with the test (a failed check must not leave a
	 * guest running); a failed unshare shows as QEMU failing to create its tap */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unshare(CLONE_NEWNET) != 0)
		_exit(126);
}

static GSocket *
listen_unix(const char *path, GError **error)
{
	g_autoptr(GSocket) sock = NULL;
	g_autoptr(GSocketAddress) addr = g_unix_socket_address_new(path);

	sock = g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, 0, error);
	if (sock == NULL || !g_socket_bind(sock, addr, FALSE, error) ||
	    !g_socket_listen(sock, error))
		return NULL;
	g_socket_set_timeout(sock, HC_LIVE_TIMEOUT_S);
	return g_steal_pointer(&sock);
}

static GSocketConnection *
accept_from(GSocket *listener, const char *what, GError **error)
{
	g_autoptr(GSocket) sock = g_socket_accept(listener, NULL, error);

	if (sock == NULL) {
		g_prefix_error(error, "waiting for QEMU's %s connection: ", what);
		return NULL;
	}
	g_socket_set_timeout(sock, HC_LIVE_TIMEOUT_S);
	return g_socket_connection_factory_create_connection(sock);
}

static void
add_args(GPtrArray *argv, ...)
{
	va_list ap;
	const char *arg;

	va_start(ap, argv);
	while ((arg = va_arg(ap, const char *)) != NULL)
		g_ptr_array_add(argv, g_strdup(arg));
	va_end(ap);
}

static GPtrArray *
build_argv(const HcLiveRig *rig, HcLiveVm *vm, const char *const *props)
{
	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GString) nic = g_string_new("virtio-net-pci,netdev=n0,id=nic0,romfile=");
	g_autofree char *machine = g_strdup_printf("%s", rig->machine);
	g_autofree char *mem = g_strdup_printf("%u", rig->memory_mib);
	g_autofree char *kernel = g_build_filename(rig->guest, "vmlinuz", NULL);
	g_autofree char *initrd = g_build_filename(rig->guest, "initrd.img", NULL);
	g_autofree char *qmp = g_strdup_printf("unix:%s/qmp.sock", vm->dir);
	g_autofree char *con = g_strdup_printf("socket,id=con,path=%s/console.sock", vm->dir);

	for (guint i = 0; props != NULL && props[i] != NULL; i++)
		g_string_append_printf(nic, ",%s", props[i]);
	add_args(argv, rig->qemu, "-accel", "tcg", "-machine", machine, "-m", mem, NULL);
	add_args(argv, "-display", "none", "-nodefaults", "-no-user-config", NULL);
	add_args(argv,
		 "-kernel",
		 kernel,
		 "-initrd",
		 initrd,
		 "-append",
		 "console=ttyS0 quiet",
		 NULL);
	add_args(argv, "-netdev", "tap,id=n0,script=no,downscript=no,vhost=off", NULL);
	add_args(argv, "-device", nic->str, NULL);
	add_args(argv, "-qmp", qmp, NULL);
	/* the same serial device on both sides; only a source's is read */
	if (vm->incoming)
		add_args(argv, "-serial", "null", "-incoming", "defer", NULL);
	else
		add_args(argv, "-chardev", con, "-serial", "chardev:con", NULL);
	g_ptr_array_add(argv, NULL);
	return argv;
}

static JsonObject *
read_message(HcLiveVm *vm, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autofree char *line = NULL;
	JsonNode *root;

	line = g_data_input_stream_read_line_utf8(vm->qmp_in, NULL, NULL, error);
	if (line == NULL) {
		if (error != NULL && *error == NULL)
			g_set_error(error,
				    G_IO_ERROR,
				    G_IO_ERROR_CONNECTION_CLOSED,
				    "QEMU %s closed its QMP connection",
				    vm->name);
		return NULL;
	}
	if (!json_parser_load_from_data(parser, line, -1, error))
		return NULL;
	root = json_parser_get_root(parser);
	if (!JSON_NODE_HOLDS_OBJECT(root)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "QMP sent %s", line);
		return NULL;
	}
	return json_object_ref(json_node_get_object(root));
}

JsonNode *
hc_live_vm_qmp(HcLiveVm *vm, const char *command, JsonObject *args, GError **error)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) req = NULL;
	g_autofree char *text = NULL;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "execute");
	json_builder_add_string_value(b, command);
	if (args != NULL) {
		json_builder_set_member_name(b, "arguments");
		json_builder_add_value(b, json_node_init_object(json_node_alloc(), args));
	}
	json_builder_end_object(b);
	req = json_builder_get_root(b);
	text = g_strconcat(json_to_string(req, FALSE), "\n", NULL);
	if (!g_output_stream_write_all(vm->qmp_out, text, strlen(text), NULL, NULL, error))
		return NULL;
	for (;;) {
		g_autoptr(JsonObject) msg = read_message(vm, error);

		if (msg == NULL)
			return NULL;
		if (json_object_has_member(msg, "event")) {
			g_queue_push_tail(&vm->events, g_steal_pointer(&msg));
			continue;
		}
		if (json_object_has_member(msg, "error")) {
			JsonObject *err = json_object_get_object_member(msg, "error");
			g_set_error(error,
				    G_IO_ERROR,
				    G_IO_ERROR_FAILED,
				    "QMP %s on %s: %s",
				    command,
				    vm->name,
				    json_object_get_string_member_with_default(err, "desc", "?"));
			return NULL;
		}
		if (json_object_has_member(msg, "return"))
			return json_node_copy(json_object_get_member(msg, "return"));
	}
}

static gboolean
qmp_handshake(HcLiveVm *vm, GError **error)
{
	g_autoptr(JsonObject) greeting = read_message(vm, error);
	g_autoptr(JsonNode) ret = NULL;

	if (greeting == NULL)
		return FALSE;
	if (!json_object_has_member(greeting, "QMP")) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "no QMP greeting");
		return FALSE;
	}
	ret = hc_live_vm_qmp(vm, "qmp_capabilities", NULL, error);
	return ret != NULL;
}

static gboolean
connect_sockets(HcLiveVm *vm, GSocket *qmp_listener, GSocket *con_listener, GError **error)
{
	vm->qmp_conn = accept_from(qmp_listener, "QMP", error);
	if (vm->qmp_conn == NULL)
		return FALSE;
	vm->qmp_in =
	    g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(vm->qmp_conn)));
	vm->qmp_out = g_object_ref(g_io_stream_get_output_stream(G_IO_STREAM(vm->qmp_conn)));
	if (con_listener != NULL) {
		vm->console_conn = accept_from(con_listener, "console", error);
		if (vm->console_conn == NULL)
			return FALSE;
		vm->console_in = g_data_input_stream_new(
		    g_io_stream_get_input_stream(G_IO_STREAM(vm->console_conn)));
	}
	return qmp_handshake(vm, error);
}

HcLiveVm *
hc_live_vm_start(const HcLiveRig *rig,
		 const char *name,
		 const char *const *props,
		 gboolean incoming,
		 GError **error)
{
	g_autoptr(HcLiveVm) vm = g_new0(HcLiveVm, 1);
	g_autoptr(GSubprocessLauncher) launcher =
	    g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
	g_autoptr(GSocket) qmp_listener = NULL;
	g_autoptr(GSocket) con_listener = NULL;
	g_autofree char *qmp_path = NULL;
	g_autofree char *con_path = NULL;
	g_autofree char *log = NULL;

	vm->name = g_strdup(name);
	vm->incoming = incoming;
	vm->dir = g_build_filename(rig->dir, name, NULL);
	g_queue_init(&vm->events);
	if (g_mkdir_with_parents(vm->dir, 0700) != 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "mkdir %s", vm->dir);
		return NULL;
	}
	qmp_path = g_build_filename(vm->dir, "qmp.sock", NULL);
	con_path = g_build_filename(vm->dir, "console.sock", NULL);
	qmp_listener = listen_unix(qmp_path, error);
	if (qmp_listener == NULL)
		return NULL;
	if (!incoming && (con_listener = listen_unix(con_path, error)) == NULL)
		return NULL;
	vm->argv = build_argv(rig, vm, props);
	log = g_build_filename(vm->dir, "qemu.log", NULL);
	g_subprocess_launcher_set_stderr_file_path(launcher, log);
	g_subprocess_launcher_set_child_setup(launcher, enter_private_netns, NULL, NULL);
	vm->proc =
	    g_subprocess_launcher_spawnv(launcher, (const char *const *)vm->argv->pdata, error);
	if (vm->proc == NULL)
		return NULL;
	if (!connect_sockets(vm, qmp_listener, con_listener, error)) {
		g_autofree char *text = hc_live_vm_get_log(vm);
		g_prefix_error(error, "QEMU %s (%s): ", name, g_strstrip(text));
		return NULL;
	}
	return g_steal_pointer(&vm);
}

const char *const *
hc_live_vm_get_argv(HcLiveVm *vm)
{
	return (const char *const *)vm->argv->pdata;
}

gboolean
hc_live_vm_wait_ready(HcLiveVm *vm, char **features, GError **error)
{
	for (;;) {
		g_autofree char *line =
		    g_data_input_stream_read_line_utf8(vm->console_in, NULL, NULL, error);
		const char *f;

		if (line == NULL) {
			if (error != NULL && *error == NULL)
				g_set_error(
				    error,
				    G_IO_ERROR,
				    G_IO_ERROR_CONNECTION_CLOSED,
				    "the guest console of %s closed before the guest was ready",
				    vm->name);
			return FALSE;
		}
		g_strchomp(line);
		if ((f = strstr(line, "hc-guest: virtio")) != NULL && strstr(f, "device 0x0001") &&
		    features != NULL) {
			g_free(*features);
			*features = g_strdup(strrchr(f, ' ') + 1);
		}
		if (strstr(line, "hc-guest: ready") != NULL)
			return TRUE;
	}
}

char *
hc_live_vm_get_log(HcLiveVm *vm)
{
	g_autofree char *path = g_build_filename(vm->dir, "qemu.log", NULL);
	char *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return g_strdup("");
	return text;
}

void
hc_live_vm_free(HcLiveVm *vm)
{
	if (vm->proc != NULL) {
		g_autoptr(JsonNode) ret = NULL;

		if (vm->qmp_out != NULL)
			ret = hc_live_vm_qmp(vm, "quit", NULL, NULL);
		if (ret == NULL)
			g_subprocess_force_exit(vm->proc);
		g_subprocess_wait(vm->proc, NULL, NULL);
	}
	g_queue_clear_full(&vm->events, (GDestroyNotify)json_object_unref);
	g_clear_object(&vm->qmp_in);
	g_clear_object(&vm->qmp_out);
	g_clear_object(&vm->qmp_conn);
	g_clear_object(&vm->console_in);
	g_clear_object(&vm->console_conn);
	g_clear_object(&vm->proc);
	g_clear_pointer(&vm->argv, g_ptr_array_unref);
	g_free(vm->dir);
	g_free(vm->name);
	g_free(vm);
}

void
hc_live_outcome_clear(HcLiveOutcome *out)
{
	g_clear_pointer(&out->source_status, g_free);
	g_clear_pointer(&out->target_error, g_free);
	out->migrated = FALSE;
}

/* the next MIGRATION event whose status is final; NULL with the error at EOF */
static char *
wait_migration_end(HcLiveVm *vm, GError **error)
{
	for (;;) {
		g_autoptr(JsonObject) msg = g_queue_pop_head(&vm->events);
		JsonObject *data;
		const char *status;

		if (msg == NULL && (msg = read_message(vm, error)) == NULL)
			return NULL;
		if (g_strcmp0(json_object_get_string_member_with_default(msg, "event", ""),
			      "MIGRATION") != 0)
			continue;
		data = json_object_get_object_member(msg, "data");
		status = json_object_get_string_member_with_default(data, "status", "");
		if (g_str_equal(status, "completed") || g_str_equal(status, "failed") ||
		    g_str_equal(status, "cancelled"))
			return g_strdup(status);
	}
}

static gboolean
enable_events(HcLiveVm *vm, GError **error)
{
	g_autoptr(JsonObject) args = json_object_new();
	g_autoptr(JsonObject) cap = json_object_new();
	g_autoptr(JsonNode) ret = NULL;
	JsonArray *caps = json_array_new();

	json_object_set_string_member(cap, "capability", "events");
	json_object_set_boolean_member(cap, "state", TRUE);
	json_array_add_object_element(caps, g_steal_pointer(&cap));
	json_object_set_array_member(args, "capabilities", caps);
	ret = hc_live_vm_qmp(vm, "migrate-set-capabilities", args, error);
	return ret != NULL;
}

static gboolean
send_uri(HcLiveVm *vm, const char *command, const char *uri, GError **error)
{
	g_autoptr(JsonObject) args = json_object_new();
	g_autoptr(JsonNode) ret = NULL;

	json_object_set_string_member(args, "uri", uri);
	ret = hc_live_vm_qmp(vm, command, args, error);
	return ret != NULL;
}

/* the target's side: its own MIGRATION end, or its exit (a failed load ends QEMU) */
static void
judge_target(HcLiveVm *target, HcLiveOutcome *out)
{
	g_autoptr(GError) local = NULL;
	g_autofree char *status = wait_migration_end(target, &local);
	g_autoptr(JsonNode) run = NULL;

	if (g_strcmp0(status, "completed") == 0)
		run = hc_live_vm_qmp(target, "query-status", NULL, &local);
	if (run != NULL &&
	    g_strcmp0(
		json_object_get_string_member_with_default(json_node_get_object(run), "status", ""),
		"running") == 0) {
		out->migrated = TRUE;
		return;
	}
	/* QEMU exits after a failed load: wait for it so its log is complete */
	if (status == NULL || g_strcmp0(status, "failed") == 0)
		g_subprocess_wait(target->proc, NULL, NULL);
	{
		g_autofree char *log = hc_live_vm_get_log(target);
		out->target_error = g_strdup_printf("%s (%s): %s",
						    status != NULL ? status : "exited",
						    local != NULL ? local->message : "no QMP error",
						    g_strstrip(log));
	}
}

gboolean
hc_live_migrate(HcLiveVm *source, HcLiveVm *target, HcLiveOutcome *out, GError **error)
{
	g_autofree char *uri = g_strdup_printf("unix:%s/migration.sock", target->dir);

	hc_live_outcome_clear(out);
	if (!enable_events(target, error) || !send_uri(target, "migrate-incoming", uri, error) ||
	    !enable_events(source, error) || !send_uri(source, "migrate", uri, error))
		return FALSE;
	out->source_status = wait_migration_end(source, error);
	if (out->source_status == NULL)
		return FALSE;
	judge_target(target, out);
	return TRUE;
}
