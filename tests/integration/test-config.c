/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hostcapd.conf(5): defaults in code, values parsed by key, unknown keys and bad values
 * ignored with the default kept, a file that is not a key file refused; and in the daemon:
 * DisabledProbes= takes effect, SIGHUP applies a new file and keeps the old configuration
 * when the new one does not parse.
 */
#include <check.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <signal.h>

#include "hc-daemon-config.h"
#include "hc-test-living.h"

static HcTestDaemon *td;
static char *tmpdir;

static void
setup(void)
{
	tmpdir = g_dir_make_tmp("hc-config-XXXXXX", NULL);
	ck_assert(tmpdir != NULL);
}

static void
teardown(void)
{
	g_autofree char *conf = g_build_filename(tmpdir, "hostcapd.conf", NULL);

	g_clear_pointer(&td, hc_test_daemon_free);
	g_remove(conf);
	g_rmdir(tmpdir);
	g_clear_pointer(&tmpdir, g_free);
}

static HcDaemonConfig *
load_text(const char *text, GError **error)
{
	g_autofree char *path = g_build_filename(tmpdir, "hostcapd.conf", NULL);

	hc_test_living_write(path, text);
	return hc_daemon_config_load(path, error);
}

START_TEST(test_defaults)
{
	g_autofree char *missing = g_build_filename(tmpdir, "absent.conf", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(HcDaemonConfig) c = hc_daemon_config_load(missing, &error);
	/* QemuUser: the libvirt user when the system has it, else root */
	const char *qemu = getpwnam("libvirt-qemu") != NULL ? "libvirt-qemu" : "root";

	ck_assert_msg(c != NULL, "%s", error != NULL ? error->message : "");
	ck_assert_uint_eq(g_strv_length(c->disabled_probes), 0);
	ck_assert_uint_eq(c->probe_timeout_sec, 0);
	ck_assert_str_eq(c->qemu_user, qemu);
	ck_assert_str_eq(c->admin_group, "hostcapd");
	ck_assert_uint_eq(c->refresh_limit_per_minute, 10);
	ck_assert_uint_eq(c->history_max_bytes, 1024 * 1024);
	ck_assert(!c->vfio_open_devices);
}
END_TEST

/* the shipped file documents the defaults: loading it changes nothing */
START_TEST(test_shipped_file_is_the_defaults)
{
	g_autofree char *path =
	    g_build_filename(g_getenv("HC_SOURCE_DIR"), "data", "hostcapd.conf", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(HcDaemonConfig) shipped = hc_daemon_config_load(path, &error);
	g_autoptr(HcDaemonConfig) defaults = hc_daemon_config_new();
	g_autofree char *text = NULL;

	ck_assert_msg(shipped != NULL, "%s", error != NULL ? error->message : "");
	ck_assert_uint_eq(g_strv_length(shipped->disabled_probes), 0);
	ck_assert_str_eq(shipped->admin_group, defaults->admin_group);
	ck_assert_uint_eq(shipped->refresh_limit_per_minute, defaults->refresh_limit_per_minute);
	ck_assert_uint_eq(shipped->history_max_bytes, defaults->history_max_bytes);
	/* and every commented key is one the daemon knows, with its default value */
	ck_assert(g_file_get_contents(path, &text, NULL, NULL));
	ck_assert(strstr(text, "#RefreshLimitPerMinute=10\n") != NULL);
	ck_assert(strstr(text, "#HistoryMaxBytes=1048576\n") != NULL);
	ck_assert(strstr(text, "#AdminGroup=hostcapd\n") != NULL);
	ck_assert(strstr(text, "#ProbeTimeoutSec=0\n") != NULL);
	ck_assert(strstr(text, "#DisabledProbes=\n") != NULL);
	ck_assert(strstr(text, "#QemuUser=libvirt-qemu\n") != NULL);
	ck_assert(!shipped->vfio_open_devices);
	ck_assert(strstr(text, "#VfioOpenDevices=no\n") != NULL);
}
END_TEST

START_TEST(test_every_key)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(HcDaemonConfig) c =
	    load_text("# comment\n[Daemon]\nDisabledProbes=tap;vhost\nProbeTimeoutSec=30\n"
		      "QemuUser=qemu\nAdminGroup=kvm\nRefreshLimitPerMinute=3\n"
		      "HistoryMaxBytes=65536\nVfioOpenDevices=yes\n",
		      &error);

	ck_assert_msg(c != NULL, "%s", error != NULL ? error->message : "");
	ck_assert_uint_eq(g_strv_length(c->disabled_probes), 2);
	ck_assert_str_eq(c->disabled_probes[0], "tap");
	ck_assert_str_eq(c->disabled_probes[1], "vhost");
	ck_assert_uint_eq(c->probe_timeout_sec, 30);
	ck_assert_str_eq(c->qemu_user, "qemu");
	ck_assert_str_eq(c->admin_group, "kvm");
	ck_assert_uint_eq(c->refresh_limit_per_minute, 3);
	ck_assert_uint_eq(c->history_max_bytes, 65536);
	ck_assert(c->vfio_open_devices);
}
END_TEST

START_TEST(test_bad_values_keep_defaults)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(HcDaemonConfig) c =
	    load_text("[Daemon]\nProbeTimeoutSec=soon\nRefreshLimitPerMinute=-1\n"
		      "HistoryMaxBytes=12\nQemuUser=a b\nFrobnicate=yes\n"
		      "DisabledProbes=tap;no-such-probe\nAdminGroup=\nVfioOpenDevices=maybe\n"
		      "[Other]\nx=1\n",
		      &error);

	ck_assert_msg(c != NULL, "%s", error != NULL ? error->message : "");
	ck_assert_uint_eq(c->probe_timeout_sec, 0);
	ck_assert_uint_eq(c->refresh_limit_per_minute, 10);
	ck_assert_uint_eq(c->history_max_bytes, 1024 * 1024);
	ck_assert_str_ne(c->qemu_user, "a b");
	/* the known probe stays disabled despite its misspelt neighbour */
	ck_assert_uint_eq(g_strv_length(c->disabled_probes), 1);
	ck_assert_str_eq(c->disabled_probes[0], "tap");
	ck_assert(!c->vfio_open_devices);
	/* empty is a valid choice: root only */
	ck_assert_str_eq(c->admin_group, "");
}
END_TEST

START_TEST(test_syntax_error_refused)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(HcDaemonConfig) c = load_text("[Daemon\nDisabledProbes=tap\n", &error);

	ck_assert(c == NULL);
	ck_assert(error != NULL);
	ck_assert_msg(strstr(error->message, "hostcapd.conf") != NULL, "%s", error->message);
}
END_TEST

START_TEST(test_probe_hash)
{
	g_autoptr(HcDaemonConfig) a = hc_daemon_config_new();
	g_autoptr(HcDaemonConfig) b = hc_daemon_config_new();
	g_autofree char *ha = hc_daemon_config_probe_hash(a);
	g_autofree char *hb = NULL;
	g_autofree char *hc = NULL;

	/* who may Refresh does not change what the probes find */
	g_free(b->admin_group);
	b->admin_group = g_strdup("wheel");
	b->refresh_limit_per_minute = 1;
	hb = hc_daemon_config_probe_hash(b);
	ck_assert_str_eq(ha, hb);
	g_strfreev(b->disabled_probes);
	b->disabled_probes = g_strsplit("tap", ",", -1);
	hc = hc_daemon_config_probe_hash(b);
	ck_assert_str_ne(ha, hc);
	ck_assert(g_str_has_prefix(hc, "sha256:"));
	/* opening vfio devices changes what the vfio probe finds */
	a->vfio_open_devices = TRUE;
	g_free(hb);
	hb = hc_daemon_config_probe_hash(a);
	ck_assert_str_ne(ha, hb);
}
END_TEST

/* ---- in the daemon ---- */

static void
start_daemon(const char *config_text, char **config_path)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *config_arg = NULL;
	g_autofree char *state_arg = NULL;

	td = hc_test_daemon_new(&error);
	ck_assert_msg(td != NULL, "%s", error != NULL ? error->message : "");
	*config_path = hc_test_daemon_path(td, "hostcapd.conf");
	hc_test_living_write(*config_path, config_text);
	config_arg = g_strdup_printf("--config=%s", *config_path);
	state_arg = g_strdup_printf("--state-dir=%s/state", td->tmpdir);
	{
		const char *extra[] = {config_arg, state_arg, NULL};
		ck_assert_msg(hc_test_daemon_start(td, extra, &error), "%s", error->message);
	}
}

/* SIGHUP, then a Refresh: the daemon handles signals before bus traffic, so the pass that
 * answers the Refresh runs with whatever the SIGHUP loaded */
static JsonObject *
reload_and_describe(void)
{
	g_autoptr(GError) error = NULL;
	JsonObject *snap;

	ck_assert_int_eq(kill(td->daemon_pid, SIGHUP), 0);
	ck_assert_msg(hc_test_living_refresh(td, NULL, &error) > 0, "%s", error->message);
	snap = hc_test_living_describe(td, &error);
	ck_assert_msg(snap != NULL, "%s", error->message);
	return snap;
}

START_TEST(test_daemon_reload)
{
	g_autofree char *config_path = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) snap = NULL;

	start_daemon("[Daemon]\nDisabledProbes=tap\n", &config_path);
	snap = hc_test_living_describe(td, &error);
	ck_assert_msg(snap != NULL, "%s", error->message);
	ck_assert_str_eq(hc_test_living_probe_status(snap, "tap"), "disabled");
	ck_assert_str_eq(hc_test_living_probe_status(snap, "uffd"), "ok");
	ck_assert_str_eq(hc_test_living_cap_state(snap, "net.tap.uso"), "unknown");
	g_clear_pointer(&snap, json_object_unref);

	/* a broken file: the daemon keeps serving with the configuration it had */
	hc_test_living_write(config_path, "[Daemon\nDisabledProbes=uffd\n");
	snap = reload_and_describe();
	ck_assert_str_eq(hc_test_living_probe_status(snap, "tap"), "disabled");
	ck_assert_str_eq(hc_test_living_probe_status(snap, "uffd"), "ok");
	g_clear_pointer(&snap, json_object_unref);

	/* a good one applies */
	hc_test_living_write(config_path, "[Daemon]\nDisabledProbes=uffd\n");
	snap = reload_and_describe();
	ck_assert_str_eq(hc_test_living_probe_status(snap, "tap"), "ok");
	ck_assert_str_eq(hc_test_living_probe_status(snap, "uffd"), "disabled");
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_shipped_file_is_the_defaults);
	tcase_add_test(tc, test_every_key);
	tcase_add_test(tc, test_bad_values_keep_defaults);
	tcase_add_test(tc, test_syntax_error_refused);
	tcase_add_test(tc, test_probe_hash);
	tcase_add_test(tc, test_daemon_reload);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(config_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
