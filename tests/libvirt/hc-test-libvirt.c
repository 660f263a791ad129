/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Start and stop a private libvirtd (and virtlogd) for the 'libvirt' suite. Both daemonize
 * only once their sockets are ready (libvirtd -d waits for its child's status), and their
 * exits are waited for with pidfd, so nothing sleep-polls.
 */
#include "hc-test-libvirt.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

struct _HcTestLibvirt {
	char *tmpdir;
	char *uri;
	char *log_path;
	char *libvirtd_pidfile;
	char *virtlogd_pidfile; /* NULL: a virtlogd was running already, not ours */
};

static const char *const hc_test_libvirt_programs[] = {"libvirtd", "virtlogd", "virsh", NULL};

static gboolean
programs_present(void)
{
	for (guint i = 0; hc_test_libvirt_programs[i] != NULL; i++) {
		g_autofree char *path = g_find_program_in_path(hc_test_libvirt_programs[i]);
		if (path == NULL && !g_file_test("/usr/sbin/libvirtd", G_FILE_TEST_EXISTS))
			return FALSE;
	}
	return TRUE;
}

gboolean
hc_test_libvirt_ensure_packages(void)
{
	const char *argv[] = {"apt-get",
			      "install",
			      "-y",
			      "-q",
			      "--no-install-recommends",
			      "libvirt-daemon-system",
			      "libvirt-clients",
			      NULL};
	const char *env[] = {"DEBIAN_FRONTEND=noninteractive",
			     "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
			     NULL};
	int status = -1;

	if (programs_present())
		return TRUE;
	if (getuid() != 0)
		return FALSE;
	if (!g_spawn_sync(NULL,
			  (char **)argv,
			  (char **)env,
			  G_SPAWN_SEARCH_PATH_FROM_ENVP | G_SPAWN_STDOUT_TO_DEV_NULL,
			  NULL,
			  NULL,
			  NULL,
			  NULL,
			  &status,
			  NULL))
		return FALSE;
	return g_spawn_check_wait_status(status, NULL) && programs_present();
}

static gboolean
run(const char *const *argv, GError **error)
{
	g_autofree char *err = NULL;
	int status = -1;

	if (!g_spawn_sync(NULL,
			  (char **)argv,
			  NULL,
			  G_SPAWN_SEARCH_PATH,
			  NULL,
			  NULL,
			  NULL,
			  &err,
			  &status,
			  error))
		return FALSE;
	if (!g_spawn_check_wait_status(status, error)) {
		g_prefix_error(error, "%s: %s: ", argv[0], err != NULL ? err : "");
		return FALSE;
	}
	return TRUE;
}

static pid_t
read_pid(const char *path)
{
	g_autofree char *text = NULL;
	guint64 pid = 0;

	if (path == NULL || !g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	g_strstrip(text);
	if (!g_ascii_string_to_unsigned(text, 10, 1, G_MAXINT32, &pid, NULL))
		return 0;
	return (pid_t)pid;
}

/* SIGTERM and wait for the process to exit (it is not our child: a pidfd tells) */
static void
terminate(const char *pidfile)
{
	pid_t pid = read_pid(pidfile);
	int fd;
	struct pollfd p;

	if (pid <= 0)
		return;
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (kill(pid, SIGTERM) < 0 || fd < 0) {
		if (fd >= 0)
			close(fd);
		return;
	}
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, 30000) == 0)
		kill(pid, SIGKILL);
	close(fd);
}

static gboolean
virtlogd_running(void)
{
	pid_t pid = read_pid("/run/virtlogd.pid");
	return pid > 0 && kill(pid, 0) == 0;
}

HcTestLibvirt *
hc_test_libvirt_start(const char *tmpdir, GError **error)
{
	g_autoptr(HcTestLibvirt) lv = g_new0(HcTestLibvirt, 1);
	g_autofree char *sockdir = g_build_filename(tmpdir, "libvirt-sock", NULL);
	g_autofree char *conf_path = g_build_filename(tmpdir, "libvirtd.conf", NULL);
	g_autofree char *conf = NULL;

	lv->tmpdir = g_strdup(tmpdir);
	lv->log_path = g_build_filename(tmpdir, "libvirtd.log", NULL);
	lv->uri = g_strdup_printf("qemu:///system?socket=%s/libvirt-sock", sockdir);
	if (g_mkdir_with_parents(sockdir, 0700) < 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s", sockdir);
		return NULL;
	}
	/* command output (the hooks' stderr) and hook calls at debug level */
	conf = g_strdup_printf("unix_sock_dir = \"%s\"\n"
			       "auth_unix_rw = \"none\"\n"
			       "auth_unix_ro = \"none\"\n"
			       "log_filters = \"1:util.command 1:util.hook\"\n"
			       "log_outputs = \"1:file:%s\"\n",
			       sockdir,
			       lv->log_path);
	if (!g_file_set_contents(conf_path, conf, -1, error))
		return NULL;
	if (!virtlogd_running()) {
		const char *argv[] = {"virtlogd", "-d", "-p", NULL, NULL};
		lv->virtlogd_pidfile = g_build_filename(tmpdir, "virtlogd.pid", NULL);
		argv[3] = lv->virtlogd_pidfile;
		if (!run(argv, error))
			return NULL;
	}
	lv->libvirtd_pidfile = g_build_filename(tmpdir, "libvirtd.pid", NULL);
	{
		const char *argv[] =
		    {"libvirtd", "-d", "-f", conf_path, "-p", lv->libvirtd_pidfile, NULL};
		if (!run(argv, error)) {
			g_clear_pointer(&lv->libvirtd_pidfile, g_free);
			return NULL;
		}
	}
	return g_steal_pointer(&lv);
}

void
hc_test_libvirt_stop(HcTestLibvirt *lv)
{
	if (lv == NULL)
		return;
	terminate(lv->libvirtd_pidfile);
	terminate(lv->virtlogd_pidfile);
	g_free(lv->tmpdir);
	g_free(lv->uri);
	g_free(lv->log_path);
	g_free(lv->libvirtd_pidfile);
	g_free(lv->virtlogd_pidfile);
	g_free(lv);
}

int
hc_test_libvirt_virsh(HcTestLibvirt *lv, const char *const *args, char **out, char **err)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	int status = -1;

	g_ptr_array_add(argv, (gpointer) "virsh");
	g_ptr_array_add(argv, (gpointer) "-q");
	g_ptr_array_add(argv, (gpointer) "-c");
	g_ptr_array_add(argv, lv->uri);
	for (guint i = 0; args[i] != NULL; i++)
		g_ptr_array_add(argv, (gpointer)args[i]);
	g_ptr_array_add(argv, NULL);
	if (!g_spawn_sync(NULL,
			  (char **)argv->pdata,
			  NULL,
			  G_SPAWN_SEARCH_PATH,
			  NULL,
			  NULL,
			  out,
			  err,
			  &status,
			  NULL))
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

char *
hc_test_libvirt_read_log(HcTestLibvirt *lv)
{
	char *text = NULL;
	if (!g_file_get_contents(lv->log_path, &text, NULL, NULL))
		return g_strdup("");
	return text;
}
