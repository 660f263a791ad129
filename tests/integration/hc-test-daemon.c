/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <grp.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "hostcap/hc-dbus.h"

#include "hc-test-daemon.h"

#define HC_TEST_ERROR (g_quark_from_static_string("hc-test-error"))

static const char hc_test_bus_config[] =
    "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
    " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
    "<busconfig>\n"
    "  <type>session</type>\n"
    "  <listen>unix:dir=%s</listen>\n"
    "  <auth>EXTERNAL</auth>\n"
    "  <policy context=\"default\">\n"
    "    <allow user=\"*\"/>\n"
    "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
    "    <allow eavesdrop=\"true\"/>\n"
    "    <allow own=\"*\"/>\n"
    "  </policy>\n"
    "</busconfig>\n";

/* the stock system bus policy, trimmed: deny method calls unless a policy file allows them */
static const char hc_test_system_bus_config[] =
    "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
    " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
    "<busconfig>\n"
    "  <type>system</type>\n"
    "  <listen>unix:dir=%s</listen>\n"
    "  <auth>EXTERNAL</auth>\n"
    "  <policy context=\"default\">\n"
    "    <allow user=\"*\"/>\n"
    "    <deny own=\"*\"/>\n"
    "    <deny send_type=\"method_call\"/>\n"
    "    <allow send_type=\"signal\"/>\n"
    "    <allow send_requested_reply=\"true\" send_type=\"method_return\"/>\n"
    "    <allow send_requested_reply=\"true\" send_type=\"error\"/>\n"
    "    <allow receive_type=\"method_call\"/>\n"
    "    <allow receive_type=\"method_return\"/>\n"
    "    <allow receive_type=\"error\"/>\n"
    "    <allow receive_type=\"signal\"/>\n"
    "    <allow send_destination=\"org.freedesktop.DBus\"\n"
    "           send_interface=\"org.freedesktop.DBus\"/>\n"
    "    <allow send_destination=\"org.freedesktop.DBus\"\n"
    "           send_interface=\"org.freedesktop.DBus.Introspectable\"/>\n"
    "  </policy>\n"
    "  <include>%s</include>\n"
    "</busconfig>\n";

static gboolean
hc_test_poll_in(int fd, const char *what, GError **error)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	int r;

	do
		r = poll(&pfd, 1, HC_TEST_TIMEOUT_MSEC);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		g_set_error(error, HC_TEST_ERROR, 0, "poll: %s", g_strerror(errno));
		return FALSE;
	}
	if (r == 0) {
		g_set_error(error, HC_TEST_ERROR, 0, "timed out waiting for %s", what);
		return FALSE;
	}
	return TRUE;
}

/* blocks (bounded) until @pid exits; pidfd keeps it a poll() instead of a sleep loop */
static gboolean
hc_test_wait_pid(GPid pid, int *wait_status, GError **error)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (pidfd < 0) {
		g_set_error(error, HC_TEST_ERROR, 0, "pidfd_open: %s", g_strerror(errno));
		return FALSE;
	}
	if (!hc_test_poll_in(pidfd, "the process to exit", error)) {
		close(pidfd);
		return FALSE;
	}
	close(pidfd);
	if (waitpid(pid, wait_status, 0) < 0) {
		g_set_error(error, HC_TEST_ERROR, 0, "waitpid: %s", g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

static void
hc_test_kill_and_reap(GPid *pid, int sig)
{
	if (*pid <= 0)
		return;
	kill(*pid, sig);
	waitpid(*pid, NULL, 0);
	*pid = 0;
}

static void
hc_test_rm_rf(const char *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const char *name;

	if (dir != NULL && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
		while ((name = g_dir_read_name(dir)) != NULL) {
			g_autofree char *child = g_build_filename(path, name, NULL);
			hc_test_rm_rf(child);
		}
	}
	g_remove(path);
}

static gboolean
hc_test_read_address(int fd, char **address, GError **error)
{
	g_autoptr(GString) buf = g_string_new(NULL);
	char chunk[256];

	while (strchr(buf->str, '\n') == NULL) {
		ssize_t n;
		if (!hc_test_poll_in(fd, "the dbus-daemon address", error))
			return FALSE;
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			g_set_error(error, HC_TEST_ERROR, 0, "dbus-daemon printed no address");
			return FALSE;
		}
		g_string_append_len(buf, chunk, n);
	}
	*address = g_strndup(buf->str, strcspn(buf->str, "\n"));
	return TRUE;
}

static gboolean
hc_test_start_bus(HcTestDaemon *td, const char *policy_path, GError **error)
{
	g_autofree char *config_path = hc_test_daemon_path(td, "bus.conf");
	g_autofree char *config =
	    policy_path != NULL
		? g_strdup_printf(hc_test_system_bus_config, td->tmpdir, policy_path)
		: g_strdup_printf(hc_test_bus_config, td->tmpdir);
	g_autofree char *config_arg = NULL;
	int pipe_fds[2];
	const int target_fd = 3;
	gboolean ok;

	if (!g_file_set_contents(config_path, config, -1, error))
		return FALSE;
	config_arg = g_strdup_printf("--config-file=%s", config_path);
	if (pipe2(pipe_fds, O_CLOEXEC) < 0) {
		g_set_error(error, HC_TEST_ERROR, 0, "pipe: %s", g_strerror(errno));
		return FALSE;
	}
	{
		const char *argv[] = {"dbus-daemon",
				      config_arg,
				      "--nofork",
				      "--print-address=3",
				      NULL};
		ok = g_spawn_async_with_pipes_and_fds(NULL,
						      argv,
						      NULL,
						      G_SPAWN_SEARCH_PATH |
							  G_SPAWN_DO_NOT_REAP_CHILD,
						      NULL,
						      NULL,
						      -1,
						      -1,
						      -1,
						      &pipe_fds[1],
						      &target_fd,
						      1,
						      &td->bus_pid,
						      NULL,
						      NULL,
						      NULL,
						      error);
	}
	close(pipe_fds[1]);
	if (ok)
		ok = hc_test_read_address(pipe_fds[0], &td->address, error);
	close(pipe_fds[0]);
	return ok;
}

static gboolean
hc_test_bind_notify(HcTestDaemon *td, GError **error)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	td->notify_path = hc_test_daemon_path(td, "notify");
	if (strlen(td->notify_path) >= sizeof(sa.sun_path)) {
		g_set_error(error, HC_TEST_ERROR, 0, "%s: path too long", td->notify_path);
		return FALSE;
	}
	strcpy(sa.sun_path, td->notify_path);
	td->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (td->notify_fd < 0 || bind(td->notify_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		g_set_error(error, HC_TEST_ERROR, 0, "notify socket: %s", g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

HcTestDaemon *
hc_test_daemon_new_with_policy(const char *policy_path, GError **error)
{
	g_autoptr(HcTestDaemon) td = g_new0(HcTestDaemon, 1);

	td->notify_fd = -1;
	td->tmpdir = g_dir_make_tmp("hc-test-XXXXXX", error);
	if (td->tmpdir == NULL)
		return NULL;
	if (!hc_test_bind_notify(td, error) || !hc_test_start_bus(td, policy_path, error))
		return NULL;
	return g_steal_pointer(&td);
}

HcTestDaemon *
hc_test_daemon_new(GError **error)
{
	return hc_test_daemon_new_with_policy(NULL, error);
}

void
hc_test_daemon_free(HcTestDaemon *td)
{
	if (td == NULL)
		return;
	hc_test_kill_and_reap(&td->daemon_pid, SIGKILL);
	hc_test_kill_and_reap(&td->bus_pid, SIGTERM);
	if (td->notify_fd >= 0)
		close(td->notify_fd);
	if (td->tmpdir != NULL)
		hc_test_rm_rf(td->tmpdir);
	g_free(td->tmpdir);
	g_free(td->address);
	g_free(td->notify_path);
	g_free(td->status);
	g_free(td);
}

char *
hc_test_daemon_path(HcTestDaemon *td, const char *name)
{
	return g_build_filename(td->tmpdir, name, NULL);
}

/* the value of @key in one notification datagram, NULL when absent */
static char *
hc_test_notify_lookup(const char *datagram, const char *key)
{
	g_auto(GStrv) lines = g_strsplit(datagram, "\n", -1);
	g_autofree char *prefix = g_strdup_printf("%s=", key);

	for (guint i = 0; lines[i] != NULL; i++) {
		if (g_str_has_prefix(lines[i], prefix))
			return g_strdup(lines[i] + strlen(prefix));
	}
	return NULL;
}

char *
hc_test_daemon_wait_notify(HcTestDaemon *td, const char *key, GError **error)
{
	for (;;) {
		char buf[4096];
		char *value;
		ssize_t n;

		if (!hc_test_poll_in(td->notify_fd, key, error))
			return NULL;
		n = recv(td->notify_fd, buf, sizeof(buf) - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			g_set_error(error, HC_TEST_ERROR, 0, "recv: %s", g_strerror(errno));
			return NULL;
		}
		buf[n] = '\0';
		value = hc_test_notify_lookup(buf, "STATUS");
		if (value != NULL) {
			g_free(td->status);
			td->status = value;
		}
		value = hc_test_notify_lookup(buf, key);
		if (value != NULL)
			return value;
	}
}

gboolean
hc_test_daemon_start(HcTestDaemon *td, const char *const *extra_args, GError **error)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	g_auto(GStrv) envp = g_get_environ();
	g_autofree char *ready = NULL;
	const char *build_dir = g_getenv("HC_BUILD_DIR");
	const char *source_dir = g_getenv("HC_SOURCE_DIR");

	if (build_dir == NULL || source_dir == NULL) {
		g_set_error(error, HC_TEST_ERROR, 0, "HC_BUILD_DIR and HC_SOURCE_DIR must be set");
		return FALSE;
	}
	g_ptr_array_add(argv, g_build_filename(build_dir, "daemon", "hostcapd", NULL));
	g_ptr_array_add(argv, g_strdup_printf("--address=%s", td->address));
	/* every directory the daemon writes or reads settings from is the test's own; extra
	 * arguments come later and win */
	g_ptr_array_add(argv, g_strdup_printf("--cache-dir=%s/cache", td->tmpdir));
	g_ptr_array_add(argv, g_strdup_printf("--state-dir=%s/state", td->tmpdir));
	g_ptr_array_add(argv, g_strdup_printf("--config=%s/none.conf", td->tmpdir));
	if (!td->no_default_data_dir)
		g_ptr_array_add(argv, g_strdup_printf("--data-dir=%s/data", source_dir));
	for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
		g_ptr_array_add(argv, g_strdup(extra_args[i]));
	g_ptr_array_add(argv, NULL);
	envp = g_environ_setenv(envp, "NOTIFY_SOCKET", td->notify_path, TRUE);

	if (!g_spawn_async(NULL,
			   (char **)argv->pdata,
			   envp,
			   G_SPAWN_DO_NOT_REAP_CHILD,
			   NULL,
			   NULL,
			   &td->daemon_pid,
			   error))
		return FALSE;
	ready = hc_test_daemon_wait_notify(td, "READY", error);
	if (ready == NULL)
		return FALSE;
	if (g_strcmp0(ready, "1") != 0) {
		g_set_error(error, HC_TEST_ERROR, 0, "READY=%s", ready);
		return FALSE;
	}
	return TRUE;
}

gboolean
hc_test_daemon_stop(HcTestDaemon *td, int *wait_status, GError **error)
{
	g_autofree char *stopping = NULL;

	if (kill(td->daemon_pid, SIGTERM) < 0) {
		g_set_error(error, HC_TEST_ERROR, 0, "kill: %s", g_strerror(errno));
		return FALSE;
	}
	stopping = hc_test_daemon_wait_notify(td, "STOPPING", error);
	if (stopping == NULL)
		return FALSE;
	if (!hc_test_wait_pid(td->daemon_pid, wait_status, error))
		return FALSE;
	td->daemon_pid = 0;
	return TRUE;
}

/* in the child, before exec: drop to the uid passed as user data (0 = stay) */
static void
hc_test_child_setuid(gpointer user_data)
{
	uid_t uid = GPOINTER_TO_UINT(user_data);

	if (uid != 0 && (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0))
		_exit(127);
}

static gboolean
hc_test_run_as(guint uid,
	       const char *const *argv,
	       char **out,
	       char **err,
	       int *exit_status,
	       GError **error)
{
	int wait_status = 0;

	if (!g_spawn_sync(NULL,
			  (char **)argv,
			  NULL,
			  G_SPAWN_SEARCH_PATH,
			  hc_test_child_setuid,
			  GUINT_TO_POINTER(uid),
			  out,
			  err,
			  &wait_status,
			  error))
		return FALSE;
	*exit_status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
	return TRUE;
}

gboolean
hc_test_run(const char *const *argv, char **out, char **err, int *exit_status, GError **error)
{
	return hc_test_run_as(0, argv, out, err, exit_status, error);
}

/* runs @argv; FALSE with stderr as the message when it fails or exits non-zero */
static char *
hc_test_run_ok(guint uid, GPtrArray *argv, GError **error)
{
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	int status = 0;

	g_ptr_array_add(argv, NULL);
	if (!hc_test_run_as(uid, (const char *const *)argv->pdata, &out, &err, &status, error))
		return NULL;
	if (status != 0) {
		g_set_error(error, HC_TEST_ERROR, status, "%s", g_strstrip(err));
		return NULL;
	}
	return g_steal_pointer(&out);
}

JsonNode *
hc_test_daemon_busctl_call(HcTestDaemon *td,
			   const char *interface,
			   const char *method,
			   const char *const *args,
			   GError **error)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autofree char *out = NULL;
	JsonObject *root;

	g_ptr_array_add(argv, g_strdup("busctl"));
	g_ptr_array_add(argv, g_strdup_printf("--address=%s", td->address));
	g_ptr_array_add(argv, g_strdup("--json=short"));
	g_ptr_array_add(argv, g_strdup("--timeout=120"));
	g_ptr_array_add(argv, g_strdup("call"));
	g_ptr_array_add(argv, g_strdup(HC_DBUS_NAME));
	g_ptr_array_add(argv, g_strdup(HC_DBUS_PATH));
	g_ptr_array_add(argv, g_strdup(interface));
	g_ptr_array_add(argv, g_strdup(method));
	for (guint i = 0; args != NULL && args[i] != NULL; i++)
		g_ptr_array_add(argv, g_strdup(args[i]));
	out = hc_test_run_ok(0, argv, error);
	if (out == NULL)
		return NULL;
	if (!json_parser_load_from_data(parser, out, -1, error))
		return NULL;
	root = json_node_get_object(json_parser_get_root(parser));
	if (root == NULL || !json_object_has_member(root, "data")) {
		g_set_error(error, HC_TEST_ERROR, 0, "busctl printed no data: %s", out);
		return NULL;
	}
	return json_node_copy(json_object_get_member(root, "data"));
}

char *
hc_test_daemon_gdbus_call(HcTestDaemon *td,
			  const char *interface_method,
			  const char *const *args,
			  GError **error)
{
	return hc_test_daemon_gdbus_call_as(td, 0, interface_method, args, error);
}

char *
hc_test_daemon_gdbus_call_as(HcTestDaemon *td,
			     guint uid,
			     const char *interface_method,
			     const char *const *args,
			     GError **error)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);

	/* the bus socket lives in the private directory: let @uid through */
	if (uid != 0 && g_chmod(td->tmpdir, 0755) < 0) {
		g_set_error(error, HC_TEST_ERROR, 0, "chmod %s: %s", td->tmpdir, g_strerror(errno));
		return NULL;
	}

	g_ptr_array_add(argv, g_strdup("gdbus"));
	g_ptr_array_add(argv, g_strdup("call"));
	g_ptr_array_add(argv, g_strdup("--address"));
	g_ptr_array_add(argv, g_strdup(td->address));
	g_ptr_array_add(argv, g_strdup("--timeout=120"));
	g_ptr_array_add(argv, g_strdup("--dest"));
	g_ptr_array_add(argv, g_strdup(HC_DBUS_NAME));
	g_ptr_array_add(argv, g_strdup("--object-path"));
	g_ptr_array_add(argv, g_strdup(HC_DBUS_PATH));
	g_ptr_array_add(argv, g_strdup("--method"));
	g_ptr_array_add(argv, g_strdup(interface_method));
	for (guint i = 0; args != NULL && args[i] != NULL; i++)
		g_ptr_array_add(argv, g_strdup(args[i]));
	return hc_test_run_ok(uid, argv, error);
}

GVariant *
hc_test_daemon_get_property(HcTestDaemon *td, const char *name, GError **error)
{
	const char *args[] = {HC_DBUS_INTERFACE, name, NULL};
	g_autofree char *out = NULL;
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GVariant) boxed = NULL;

	out = hc_test_daemon_gdbus_call(td, "org.freedesktop.DBus.Properties.Get", args, error);
	if (out == NULL)
		return NULL;
	/* gdbus prints "(<uint64 5>,)" */
	reply = g_variant_parse(NULL, out, NULL, NULL, error);
	if (reply == NULL)
		return NULL;
	g_variant_get(reply, "(v)", &boxed);
	return g_steal_pointer(&boxed);
}

HcTestDaemon *
hc_test_daemon_new_started(const char *const *extra_args)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(HcTestDaemon) td = hc_test_daemon_new(&error);

	ck_assert_msg(td != NULL, "%s", error != NULL ? error->message : "");
	ck_assert_msg(hc_test_daemon_start(td, extra_args, &error), "%s", error->message);
	return g_steal_pointer(&td);
}
