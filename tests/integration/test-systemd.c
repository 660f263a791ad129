/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The systemd side: the unit passes `systemd-analyze verify` (on a copy whose ExecStart is
 * the built binary), and the bus policy does what it says on a system-like dbus-daemon:
 * everyone may query, only root may Refresh. hostcapd checks the Refresh caller itself too.
 */
#include <check.h>
#include <pwd.h>

#include "hostcap/hc-dbus.h"

#include "hc-test-daemon.h"

static HcTestDaemon *td;

static void
teardown(void)
{
	g_clear_pointer(&td, hc_test_daemon_free);
}

static char *
build_path(const char *first, ...)
{
	g_autoptr(GPtrArray) parts = g_ptr_array_new();
	va_list args;

	g_ptr_array_add(parts, (gpointer)g_getenv("HC_BUILD_DIR"));
	va_start(args, first);
	for (const char *p = first; p != NULL; p = va_arg(args, const char *))
		g_ptr_array_add(parts, (gpointer)p);
	va_end(args);
	g_ptr_array_add(parts, NULL);
	return g_build_filenamev((char **)parts->pdata);
}

START_TEST(test_unit_verifies)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GRegex) exec = g_regex_new("^ExecStart=\\S+", G_REGEX_MULTILINE, 0, NULL);
	g_autofree char *unit_path = build_path("systemd", "hostcapd.service", NULL);
	g_autofree char *binary = build_path("daemon", "hostcapd", NULL);
	g_autofree char *unit = NULL;
	g_autofree char *rewritten = NULL;
	g_autofree char *replacement = g_strdup_printf("ExecStart=%s", binary);
	g_autofree char *copy = NULL;
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	int status = -1;

	td = hc_test_daemon_new(&error);
	ck_assert_msg(td != NULL, "%s", error != NULL ? error->message : "");
	ck_assert_msg(g_file_get_contents(unit_path, &unit, NULL, &error), "%s", error->message);
	ck_assert_msg(strstr(unit, "\nType=notify\n") != NULL, "not Type=notify");
	ck_assert_msg(strstr(unit, "\nBusName=" HC_DBUS_NAME "\n") != NULL, "no BusName=");
	ck_assert_msg(strstr(unit, "\nPrivateNetwork=") == NULL, "PrivateNetwork= hides uevents");
	rewritten = g_regex_replace_literal(exec, unit, -1, 0, replacement, 0, NULL);
	ck_assert_str_ne(rewritten, unit);
	copy = hc_test_daemon_path(td, "hostcapd.service");
	ck_assert_msg(g_file_set_contents(copy, rewritten, -1, &error), "%s", error->message);

	{
		const char *argv[] = {"systemd-analyze", "verify", "--man=no", copy, NULL};
		ck_assert_msg(hc_test_run(argv, &out, &err, &status, &error), "%s", error->message);
	}
	ck_assert_msg(status == 0, "systemd-analyze verify failed: %s", err);
	/* verify only warns about directives it cannot parse: any word about the unit fails */
	ck_assert_msg(strstr(err, "hostcapd.service") == NULL, "systemd-analyze: %s", err);
}
END_TEST

/* the value of the last "KEY=" line of a unit, or "" */
static char *
unit_setting(const char *unit, const char *key)
{
	g_auto(GStrv) lines = g_strsplit(unit, "\n", -1);
	g_autofree char *prefix = g_strconcat(key, "=", NULL);
	const char *value = "";

	for (guint i = 0; lines[i] != NULL; i++) {
		if (g_str_has_prefix(lines[i], prefix))
			value = lines[i] + strlen(prefix);
	}
	return g_strdup(value);
}

/* least privilege: systemd's own exposure rating of the shipped unit, and the settings the
 * rating does not weigh (which capabilities, which families, the umask) */
START_TEST(test_unit_exposure)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GRegex) overall =
	    g_regex_new("Overall exposure level for hostcapd.service: ([0-9.]+)", 0, 0, NULL);
	g_autoptr(GMatchInfo) match = NULL;
	g_autofree char *unit_path = build_path("systemd", "hostcapd.service", NULL);
	g_autofree char *unit = NULL;
	g_autofree char *score = NULL;
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	g_autofree char *caps = NULL;
	g_autofree char *families = NULL;
	g_autofree char *umask_value = NULL;
	g_autofree char *filter = NULL;
	const char *argv[] = {"systemd-analyze", "security", "--offline=yes", unit_path, NULL};
	const char *forbidden[] = {"CAP_DAC_READ_SEARCH", "CAP_IPC_LOCK", "CAP_SYS_PTRACE", NULL};
	int status = -1;

	ck_assert_msg(hc_test_run(argv, &out, &err, &status, &error), "%s", error->message);
	ck_assert_msg(g_regex_match(overall, out, 0, &match), "no exposure level: %s%s", out, err);
	score = g_match_info_fetch(match, 1);
	ck_assert_msg(g_ascii_strtod(score, NULL) <= 2.5, "exposure %s > 2.5:\n%s", score, out);

	ck_assert_msg(g_file_get_contents(unit_path, &unit, NULL, &error), "%s", error->message);
	caps = unit_setting(unit, "CapabilityBoundingSet");
	for (guint i = 0; forbidden[i] != NULL; i++)
		ck_assert_msg(strstr(caps, forbidden[i]) == NULL, "%s in %s", forbidden[i], caps);
	families = unit_setting(unit, "RestrictAddressFamilies");
	ck_assert_str_eq(families, "AF_UNIX AF_NETLINK AF_INET");
	umask_value = unit_setting(unit, "UMask");
	ck_assert_str_eq(umask_value, "0077");
	filter = unit_setting(unit, "SystemCallFilter");
	ck_assert_msg(g_str_has_prefix(filter, "@system-service"), "SystemCallFilter=%s", filter);
}
END_TEST

static guint
nobody_uid(void)
{
	struct passwd *pw = getpwnam("nobody");
	ck_assert_msg(pw != NULL, "no user nobody");
	return pw->pw_uid;
}

static void
start_with_policy(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *policy =
	    g_build_filename(g_getenv("HC_SOURCE_DIR"), "systemd", HC_DBUS_NAME ".conf", NULL);

	td = hc_test_daemon_new_with_policy(policy, &error);
	ck_assert_msg(td != NULL, "%s", error != NULL ? error->message : "");
	ck_assert_msg(hc_test_daemon_start(td, NULL, &error), "%s", error->message);
}

START_TEST(test_bus_policy)
{
	const char *describe[] = {NULL};
	const char *get[] = {HC_DBUS_INTERFACE, "Generation", NULL};
	const char *get_caps[] = {"['kvm']", "{}", NULL};
	const char *refresh[] = {"[]", NULL};
	guint nobody = nobody_uid();
	g_autoptr(GError) error = NULL;
	g_autofree char *out = NULL;

	start_with_policy();
	/* queries: anyone */
	out = hc_test_daemon_gdbus_call_as(td,
					   nobody,
					   HC_DBUS_INTERFACE ".Describe",
					   describe,
					   &error);
	ck_assert_msg(out != NULL, "Describe as nobody: %s", error->message);
	g_free(out);
	out = hc_test_daemon_gdbus_call_as(td,
					   nobody,
					   "org.freedesktop.DBus.Properties.Get",
					   get,
					   &error);
	ck_assert_msg(out != NULL, "Get as nobody: %s", error->message);
	g_free(out);
	out = hc_test_daemon_gdbus_call_as(td,
					   nobody,
					   HC_DBUS_INTERFACE ".GetCapabilities",
					   get_caps,
					   &error);
	ck_assert_msg(out != NULL, "GetCapabilities as nobody: %s", error->message);
	g_free(out);

	/* Refresh: the bus refuses nobody, lets root through */
	out =
	    hc_test_daemon_gdbus_call_as(td, nobody, HC_DBUS_INTERFACE ".Refresh", refresh, &error);
	ck_assert_msg(out == NULL, "Refresh as nobody succeeded: %s", out);
	/* the bus's refusal, not hostcapd's own (that one is tested below) */
	ck_assert_msg(strstr(error->message, "org.freedesktop.DBus.Error.AccessDenied") != NULL,
		      "%s",
		      error->message);
	g_clear_error(&error);
	out = hc_test_daemon_gdbus_call(td, HC_DBUS_INTERFACE ".Refresh", refresh, &error);
	ck_assert_msg(out != NULL, "Refresh as root: %s", error->message);
}
END_TEST

START_TEST(test_daemon_checks_refresh_caller)
{
	const char *refresh[] = {"[]", NULL};
	g_autoptr(GError) error = NULL;
	g_autofree char *out = NULL;

	/* a permissive bus: the refusal can only come from hostcapd */
	td = hc_test_daemon_new(&error);
	ck_assert_msg(td != NULL, "%s", error != NULL ? error->message : "");
	ck_assert_msg(hc_test_daemon_start(td, NULL, &error), "%s", error->message);
	out = hc_test_daemon_gdbus_call_as(td,
					   nobody_uid(),
					   HC_DBUS_INTERFACE ".Refresh",
					   refresh,
					   &error);
	ck_assert_msg(out == NULL, "Refresh as nobody succeeded: %s", out);
	ck_assert_msg(strstr(error->message, HC_DBUS_ERROR_ACCESS_DENIED) != NULL,
		      "%s",
		      error->message);
}
END_TEST

static Suite *
systemd_suite(void)
{
	Suite *s = suite_create("systemd");
	TCase *tc = tcase_create("systemd");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_unit_verifies);
	tcase_add_test(tc, test_unit_exposure);
	tcase_add_test(tc, test_bus_policy);
	tcase_add_test(tc, test_daemon_checks_refresh_caller);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(systemd_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
