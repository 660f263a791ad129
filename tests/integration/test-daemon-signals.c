/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Change notification: hostcapd probes a sysroot the test owns; the test changes a file
 * under it, asks for a Refresh and expects CapabilitiesChanged (naming the changed id),
 * PropertiesChanged and a new Generation; an unchanged platform keeps the generation.
 * Also: Refresh calls that overlap are all answered.
 */
#include <check.h>
#include <signal.h>
#include <systemd/sd-bus.h>

#include "hostcap/hc-dbus.h"

#include "hc-test-daemon.h"

#define RELEASE_PATH "proc/sys/kernel/osrelease"
#define RELEASE_ID   "host.kernel.release"

static HcTestDaemon *td;
static sd_bus *bus;
static char *sysroot;

typedef struct {
	guint n_capabilities_changed;
	guint64 generation;
	gboolean release_changed;
	gboolean generation_property_changed;
} Seen;

static void
write_release(const char *release)
{
	g_autofree char *path = g_build_filename(sysroot, RELEASE_PATH, NULL);
	g_autoptr(GError) error = NULL;
	g_autofree char *contents = g_strdup_printf("%s\n", release);

	ck_assert_msg(g_file_set_contents(path, contents, -1, &error), "%s", error->message);
}

static void
setup(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *kernel_dir = NULL;
	g_autofree char *sysroot_arg = NULL;
	const char *args[] = {NULL, NULL};
	int r;

	td = hc_test_daemon_new(&error);
	ck_assert_msg(td != NULL, "%s", error != NULL ? error->message : "");
	sysroot = hc_test_daemon_path(td, "sysroot");
	kernel_dir = g_build_filename(sysroot, "proc", "sys", "kernel", NULL);
	ck_assert_int_eq(g_mkdir_with_parents(kernel_dir, 0755), 0);
	write_release("6.1.0-hc-test");
	sysroot_arg = g_strdup_printf("--sysroot=%s", sysroot);
	args[0] = sysroot_arg;
	ck_assert_msg(hc_test_daemon_start(td, args, &error), "%s", error->message);

	r = sd_bus_new(&bus);
	if (r >= 0)
		r = sd_bus_set_address(bus, td->address);
	if (r >= 0)
		r = sd_bus_set_bus_client(bus, 1);
	if (r >= 0)
		r = sd_bus_start(bus);
	ck_assert_msg(r >= 0, "connecting to %s: %s", td->address, g_strerror(-r));
	sd_bus_set_method_call_timeout(bus, 120 * G_USEC_PER_SEC);
}

static void
teardown(void)
{
	bus = sd_bus_flush_close_unref(bus);
	g_clear_pointer(&td, hc_test_daemon_free);
	g_clear_pointer(&sysroot, g_free);
}

static int
on_capabilities_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	Seen *seen = userdata;
	g_auto(GStrv) ids = NULL;
	int r;

	r = sd_bus_message_read(m, "t", &seen->generation);
	ck_assert_int_ge(r, 0);
	ck_assert_int_ge(sd_bus_message_read_strv(m, &ids), 0);
	seen->n_capabilities_changed++;
	if (ids != NULL && g_strv_contains((const char *const *)ids, RELEASE_ID))
		seen->release_changed = TRUE;
	return 0;
}

static int
on_properties_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	Seen *seen = userdata;
	const char *iface = NULL;
	const char *name = NULL;

	ck_assert_int_ge(sd_bus_message_read(m, "s", &iface), 0);
	if (g_strcmp0(iface, HC_DBUS_INTERFACE) != 0)
		return 0;
	ck_assert_int_ge(sd_bus_message_enter_container(m, 'a', "{sv}"), 0);
	while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
		ck_assert_int_ge(sd_bus_message_read(m, "s", &name), 0);
		if (g_strcmp0(name, "Generation") == 0)
			seen->generation_property_changed = TRUE;
		ck_assert_int_ge(sd_bus_message_skip(m, "v"), 0);
		ck_assert_int_ge(sd_bus_message_exit_container(m), 0);
	}
	return 0;
}

static guint64
refresh(const char *probe)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	guint64 generation = 0;
	int r;

	r = sd_bus_call_method(bus,
			       HC_DBUS_NAME,
			       HC_DBUS_PATH,
			       HC_DBUS_INTERFACE,
			       "Refresh",
			       &error,
			       &reply,
			       "as",
			       1,
			       probe);
	ck_assert_msg(r >= 0, "Refresh: %s", error.message != NULL ? error.message : "");
	ck_assert_int_ge(sd_bus_message_read(reply, "t", &generation), 0);
	sd_bus_message_unref(reply);
	sd_bus_error_free(&error);
	return generation;
}

/* dispatches what is queued, then blocks (bounded) until @done or the bus is quiet */
static void
process_until(const gboolean *done)
{
	while (!*done) {
		int r = sd_bus_process(bus, NULL);
		ck_assert_int_ge(r, 0);
		if (r > 0)
			continue;
		r = sd_bus_wait(bus, (guint64)HC_TEST_TIMEOUT_MSEC * 1000);
		ck_assert_int_ge(r, 0);
		ck_assert_msg(r > 0, "timed out waiting for a signal");
	}
}

static guint64
get_generation(void)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	guint64 generation = 0;
	int r = sd_bus_get_property_trivial(bus,
					    HC_DBUS_NAME,
					    HC_DBUS_PATH,
					    HC_DBUS_INTERFACE,
					    "Generation",
					    &error,
					    't',
					    &generation);

	ck_assert_msg(r >= 0, "Generation: %s", error.message != NULL ? error.message : "");
	sd_bus_error_free(&error);
	return generation;
}

START_TEST(test_change_is_signalled)
{
	Seen seen = {0};
	guint64 before = get_generation();
	guint64 after;

	ck_assert_int_ge(sd_bus_match_signal(bus,
					     NULL,
					     NULL,
					     HC_DBUS_PATH,
					     HC_DBUS_INTERFACE,
					     "CapabilitiesChanged",
					     on_capabilities_changed,
					     &seen),
			 0);
	ck_assert_int_ge(sd_bus_match_signal(bus,
					     NULL,
					     NULL,
					     HC_DBUS_PATH,
					     "org.freedesktop.DBus.Properties",
					     "PropertiesChanged",
					     on_properties_changed,
					     &seen),
			 0);

	write_release("6.2.0-hc-test");
	after = refresh("host");
	ck_assert_uint_eq(after, before + 1);
	process_until(&seen.release_changed);
	ck_assert_uint_eq(seen.generation, after);
	process_until(&seen.generation_property_changed);
	ck_assert_uint_eq(get_generation(), after);

	/* nothing changed: same generation, no CapabilitiesChanged */
	seen.n_capabilities_changed = 0;
	ck_assert_uint_eq(refresh("host"), after);
	ck_assert_uint_eq(get_generation(), after);
	ck_assert_uint_eq(seen.n_capabilities_changed, 0);
}
END_TEST

/* SIGHUP re-probes everything: the change shows up without anyone calling Refresh */
START_TEST(test_sighup_reprobes)
{
	Seen seen = {0};
	guint64 before = get_generation();

	ck_assert_int_ge(sd_bus_match_signal(bus,
					     NULL,
					     NULL,
					     HC_DBUS_PATH,
					     HC_DBUS_INTERFACE,
					     "CapabilitiesChanged",
					     on_capabilities_changed,
					     &seen),
			 0); /* synchronous: the bus has the match before the signal */
	write_release("6.4.0-hc-test");
	ck_assert_int_eq(kill(td->daemon_pid, SIGHUP), 0);
	process_until(&seen.release_changed);
	ck_assert_uint_eq(seen.generation, before + 1);
}
END_TEST

typedef struct {
	guint n_replies;
	guint64 generations[2];
	gboolean all_replied;
} Replies;

static int
on_refresh_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	Replies *replies = userdata;
	guint64 generation = 0;

	ck_assert_msg(!sd_bus_message_is_method_error(m, NULL),
		      "Refresh: %s",
		      sd_bus_message_get_error(m)->message);
	ck_assert_int_ge(sd_bus_message_read(m, "t", &generation), 0);
	replies->generations[replies->n_replies++] = generation;
	replies->all_replied = replies->n_replies == G_N_ELEMENTS(replies->generations);
	return 0;
}

START_TEST(test_overlapping_refreshes_are_answered)
{
	Replies replies = {0};
	guint64 before = get_generation();

	write_release("6.3.0-hc-test");
	for (guint i = 0; i < G_N_ELEMENTS(replies.generations); i++) {
		int r = sd_bus_call_method_async(bus,
						 NULL,
						 HC_DBUS_NAME,
						 HC_DBUS_PATH,
						 HC_DBUS_INTERFACE,
						 "Refresh",
						 on_refresh_reply,
						 &replies,
						 "as",
						 0);
		ck_assert_int_ge(r, 0);
	}
	process_until(&replies.all_replied);
	/* both callers see the change; the one answered later never sees an older platform */
	ck_assert_uint_eq(replies.generations[0], before + 1);
	ck_assert_uint_ge(replies.generations[1], replies.generations[0]);
}
END_TEST

static Suite *
signals_suite(void)
{
	Suite *s = suite_create("daemon-signals");
	TCase *tc = tcase_create("signals");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_change_is_signalled);
	tcase_add_test(tc, test_overlapping_refreshes_are_answered);
	tcase_add_test(tc, test_sighup_reprobes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(signals_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
