/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Who may call what: on a system-like bus with the shipped policy an unprivileged caller reads
 * and is refused Refresh by the bus; on a permissive bus hostcapd refuses it itself (saying
 * what is needed), lets AdminGroup= members through, and rate-limits each user.
 */
#include <check.h>
#include <grp.h>
#include <pwd.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"
#include "hostcap/hc-snapshot.h"

#include "hc-access.h"
#include "hc-test-living.h"

static HcTestDaemon *td;

static void
teardown(void)
{
	g_clear_pointer(&td, hc_test_daemon_free);
}

static const char *const nobody_clear[] = {"--reuid=65534",
					   "--regid=65534",
					   "--clear-groups",
					   NULL};

/* a group that exists on every Debian system and that nobody is not in */
static struct group *
admin_group(void)
{
	struct group *gr = getgrnam("users");
	ck_assert_msg(gr != NULL, "no group 'users'");
	return gr;
}

static void
start(const char *policy, const char *config_text)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *config = NULL;
	g_autofree char *config_arg = NULL;
	g_autofree char *state_arg = NULL;

	td = policy != NULL ? hc_test_daemon_new_with_policy(policy, &error)
			    : hc_test_daemon_new(&error);
	ck_assert_msg(td != NULL, "%s", error != NULL ? error->message : "");
	config = hc_test_daemon_path(td, "hostcapd.conf");
	if (config_text != NULL)
		hc_test_living_write(config, config_text);
	config_arg = g_strdup_printf("--config=%s", config);
	state_arg = g_strdup_printf("--state-dir=%s/state", td->tmpdir);
	{
		const char *extra[] = {config_arg, state_arg, NULL};
		ck_assert_msg(hc_test_daemon_start(td, extra, &error), "%s", error->message);
	}
}

START_TEST(test_policy_reads_open_refresh_closed)
{
	g_autofree char *policy =
	    g_build_filename(g_getenv("HC_SOURCE_DIR"), "systemd", HC_DBUS_NAME ".conf", NULL);
	const char *get_caps[] = {"['host.kernel']", "{}", NULL};
	const char *refresh[] = {"[]", NULL};
	g_autoptr(GError) error = NULL;
	g_autofree char *out = NULL;

	start(policy, NULL);
	out = hc_test_living_call_as(td, nobody_clear, HC_DBUS_INTERFACE ".Describe", NULL, &error);
	ck_assert_msg(out != NULL, "Describe as nobody: %s", error != NULL ? error->message : "");
	ck_assert_msg(strstr(out, HC_SNAPSHOT_FORMAT) != NULL, "%s", out);
	g_free(out);
	out = hc_test_living_call_as(td,
				     nobody_clear,
				     HC_DBUS_INTERFACE ".GetCapabilities",
				     get_caps,
				     &error);
	ck_assert_msg(out != NULL, "GetCapabilities as nobody: %s", error->message);
	ck_assert_msg(strstr(out, "host.kernel.release") != NULL, "%s", out);
	g_free(out);
	out =
	    hc_test_living_call_as(td, nobody_clear, HC_DBUS_INTERFACE ".Refresh", refresh, &error);
	ck_assert_msg(out == NULL, "Refresh as nobody succeeded: %s", out);
	ck_assert_msg(strstr(error->message, "org.freedesktop.DBus.Error.AccessDenied") != NULL,
		      "%s",
		      error->message);
	ck_assert_msg(strstr(error->message, "Refresh") != NULL, "%s", error->message);
}
END_TEST

START_TEST(test_daemon_denies_and_admits_admin_group)
{
	struct group *gr = admin_group();
	g_autofree char *config =
	    g_strdup_printf("[Daemon]\nAdminGroup=%s\nRefreshLimitPerMinute=0\n", gr->gr_name);
	g_autofree char *groups_arg = g_strdup_printf("--groups=%u", (guint)gr->gr_gid);
	g_autofree char *regid_arg = g_strdup_printf("--regid=%u", (guint)gr->gr_gid);
	const char *member[] = {"--reuid=65534", "--regid=65534", groups_arg, NULL};
	const char *primary[] = {"--reuid=65534", regid_arg, "--clear-groups", NULL};
	const char *refresh[] = {"['host']", NULL};
	g_autoptr(GError) error = NULL;
	g_autofree char *out = NULL;
	g_autofree char *needs = NULL;

	/* a permissive bus: every refusal below is hostcapd's own */
	start(NULL, config);
	out =
	    hc_test_living_call_as(td, nobody_clear, HC_DBUS_INTERFACE ".Refresh", refresh, &error);
	ck_assert_msg(out == NULL, "Refresh as nobody succeeded: %s", out);
	ck_assert_msg(strstr(error->message, HC_DBUS_ERROR_ACCESS_DENIED) != NULL,
		      "%s",
		      error->message);
	needs = g_strdup_printf("root or membership in group '%s'", gr->gr_name);
	ck_assert_msg(strstr(error->message, needs) != NULL, "%s", error->message);
	g_clear_error(&error);

	out = hc_test_living_call_as(td, member, HC_DBUS_INTERFACE ".Refresh", refresh, &error);
	ck_assert_msg(out != NULL, "Refresh as a member of %s: %s", gr->gr_name, error->message);
	ck_assert_msg(g_str_has_prefix(out, "(uint64 "), "%s", out);
	g_clear_pointer(&out, g_free);
	out = hc_test_living_call_as(td, primary, HC_DBUS_INTERFACE ".Refresh", refresh, &error);
	ck_assert_msg(out != NULL,
		      "Refresh with primary group %s: %s",
		      gr->gr_name,
		      error->message);
}
END_TEST

static int
call_refresh(sd_bus *bus, sd_bus_error *e)
{
	sd_bus_message *reply = NULL;
	int r = sd_bus_call_method(bus,
				   HC_DBUS_NAME,
				   HC_DBUS_PATH,
				   HC_DBUS_INTERFACE,
				   "Refresh",
				   e,
				   &reply,
				   "as",
				   1,
				   "host");
	sd_bus_message_unref(reply);
	return r;
}

static int
call_refresh_probe(sd_bus *bus, const char *probe, sd_bus_error *e)
{
	sd_bus_message *reply = NULL;
	int r = sd_bus_call_method(bus,
				   HC_DBUS_NAME,
				   HC_DBUS_PATH,
				   HC_DBUS_INTERFACE,
				   "Refresh",
				   e,
				   &reply,
				   "as",
				   1,
				   probe);
	sd_bus_message_unref(reply);
	return r;
}

/* the budget belongs to the user: a new connection does not renew it, another user has its
 * own, and a bad call is told what is wrong with it whatever the budget */
START_TEST(test_refresh_rate_limited_per_user)
{
	struct group *gr = admin_group();
	g_autofree char *config =
	    g_strdup_printf("[Daemon]\nAdminGroup=%s\nRefreshLimitPerMinute=2\n", gr->gr_name);
	g_autofree char *groups_arg = g_strdup_printf("--groups=%u", (guint)gr->gr_gid);
	const char *member[] = {"--reuid=65534", "--regid=65534", groups_arg, NULL};
	const char *refresh[] = {"['host']", NULL};
	g_autoptr(GError) error = NULL;
	g_autofree char *out = NULL;
	sd_bus *first = NULL;
	sd_bus *second = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	start(NULL, config);
	first = hc_test_living_connect(td, &error);
	ck_assert_msg(first != NULL, "%s", error->message);
	for (int i = 0; i < 2; i++) {
		r = call_refresh(first, &e);
		ck_assert_msg(r >= 0, "Refresh %d: %s", i, e.message);
	}
	r = call_refresh(first, &e);
	ck_assert_msg(r < 0, "the third Refresh within a minute was let through");
	ck_assert_str_eq(e.name, HC_DBUS_ERROR_BUSY);
	ck_assert_msg(strstr(e.message, "2 calls per minute") != NULL, "%s", e.message);
	ck_assert_msg(strstr(e.message, "retry in") != NULL, "%s", e.message);
	sd_bus_error_free(&e);

	r = call_refresh_probe(first, "no-such-probe", &e);
	ck_assert_msg(r < 0, "Refresh of an unknown probe succeeded");
	ck_assert_str_eq(e.name, HC_DBUS_ERROR_INVALID_ARGUMENT);
	ck_assert_msg(strstr(e.message, "no-such-probe") != NULL, "%s", e.message);
	sd_bus_error_free(&e);

	second = hc_test_living_connect(td, &error);
	ck_assert_msg(second != NULL, "%s", error->message);
	r = call_refresh(second, &e);
	ck_assert_msg(r < 0, "a new connection of the same user renewed the budget");
	ck_assert_str_eq(e.name, HC_DBUS_ERROR_BUSY);
	sd_bus_error_free(&e);

	out = hc_test_living_call_as(td, member, HC_DBUS_INTERFACE ".Refresh", refresh, &error);
	ck_assert_msg(out != NULL, "Refresh as another user: %s", error->message);
	ck_assert_msg(g_str_has_prefix(out, "(uint64 "), "%s", out);
	sd_bus_flush_close_unref(first);
	sd_bus_flush_close_unref(second);
}
END_TEST

/* the window slides: a call is counted for 60 s after it was made, not per calendar minute */
START_TEST(test_rate_window_slides)
{
	g_autoptr(HcAccess) access = hc_access_new();
	g_autoptr(GError) error = NULL;
	const gint64 s = G_USEC_PER_SEC;

	hc_access_set_policy(access, "", 2);
	ck_assert(hc_access_check_rate(access, 1000, 100 * s, NULL));
	ck_assert(hc_access_check_rate(access, 1000, 130 * s, NULL));
	ck_assert(!hc_access_check_rate(access, 1000, 159 * s, &error));
	ck_assert(g_error_matches(error, HC_ERROR, HC_ERROR_BUSY));
	ck_assert_msg(strstr(error->message, "retry in 1 s") != NULL, "%s", error->message);
	ck_assert(hc_access_check_rate(access, 1001, 159 * s, NULL));
	/* 60 s after the first call it no longer counts; the refused one never did */
	ck_assert(hc_access_check_rate(access, 1000, 160 * s + 1, NULL));
	ck_assert(!hc_access_check_rate(access, 1000, 170 * s, NULL));
	hc_access_set_policy(access, "", 0);
	for (int i = 0; i < 1000; i++)
		ck_assert(hc_access_check_rate(access, 1000, 171 * s, NULL));
}
END_TEST

START_TEST(test_ids_decision)
{
	g_autoptr(HcAccess) access = hc_access_new();
	g_autoptr(GError) error = NULL;
	struct group *gr = admin_group();
	const gid_t member[] = {65534, gr->gr_gid};
	const gid_t other[] = {65534};

	hc_access_set_policy(access, gr->gr_name, 0);
	ck_assert(hc_access_check_ids(access, 0, NULL, 0, NULL));
	ck_assert(hc_access_check_ids(access, 65534, member, 2, NULL));
	ck_assert(!hc_access_check_ids(access, 65534, other, 1, &error));
	ck_assert(g_error_matches(error, HC_ERROR, HC_ERROR_ACCESS_DENIED));
	g_clear_error(&error);
	hc_access_set_policy(access, "no-such-group-hc", 0);
	ck_assert(!hc_access_check_ids(access, 65534, member, 2, &error));
	ck_assert_msg(strstr(error->message, "does not exist") != NULL, "%s", error->message);
	g_clear_error(&error);
	hc_access_set_policy(access, "", 0);
	ck_assert(!hc_access_check_ids(access, 65534, member, 2, &error));
	ck_assert_msg(strstr(error->message, "needs root") != NULL, "%s", error->message);
}
END_TEST

static Suite *
access_suite(void)
{
	Suite *s = suite_create("access");
	TCase *tc = tcase_create("access");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_policy_reads_open_refresh_closed);
	tcase_add_test(tc, test_daemon_denies_and_admits_admin_group);
	tcase_add_test(tc, test_refresh_rate_limited_per_user);
	tcase_add_test(tc, test_rate_window_slides);
	tcase_add_test(tc, test_ids_decision);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(access_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
