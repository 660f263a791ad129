/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* the daemon's small pure modules, linked from libhcdaemon: error mapping, STATUS= text */
#include <check.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-bus-error.h"
#include "hc-notify.h"

static const struct {
	HcError code;
	const char *name;
} hc_errors[] = {
    {HC_ERROR_INVALID_ARGUMENT, HC_DBUS_ERROR_INVALID_ARGUMENT},
    {HC_ERROR_UNKNOWN_FEATURE, HC_DBUS_ERROR_UNKNOWN_FEATURE},
    {HC_ERROR_ACCESS_DENIED, HC_DBUS_ERROR_ACCESS_DENIED},
    {HC_ERROR_BUSY, HC_DBUS_ERROR_BUSY},
    {HC_ERROR_TIMED_OUT, HC_DBUS_ERROR_TIMED_OUT},
    {HC_ERROR_INTERNAL, HC_DBUS_ERROR_INTERNAL},
};

START_TEST(test_hc_errors_keep_name_and_message)
{
	for (guint i = 0; i < G_N_ELEMENTS(hc_errors); i++) {
		g_autoptr(GError) error = g_error_new(HC_ERROR, hc_errors[i].code, "case %u", i);
		g_autofree char *msg = g_strdup_printf("case %u", i);
		sd_bus_error e = SD_BUS_ERROR_NULL;
		int r = hc_bus_error_set_gerror(&e, error);

		ck_assert_int_lt(r, 0);
		ck_assert_str_eq(e.name, hc_errors[i].name);
		ck_assert_str_eq(e.message, msg);
		sd_bus_error_free(&e);
	}
}
END_TEST

START_TEST(test_foreign_errors_are_converted)
{
	g_autoptr(GError) denied =
	    g_error_new_literal(G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "x");
	g_autoptr(GError) json =
	    g_error_new_literal(JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE, "x");
	g_autoptr(GError) file = g_error_new_literal(G_FILE_ERROR, G_FILE_ERROR_NOENT, "x");

	ck_assert_str_eq(hc_bus_error_name_for(denied), HC_DBUS_ERROR_ACCESS_DENIED);
	ck_assert_str_eq(hc_bus_error_name_for(json), HC_DBUS_ERROR_INVALID_ARGUMENT);
	ck_assert_str_eq(hc_bus_error_name_for(file), HC_DBUS_ERROR_INTERNAL);
	ck_assert_str_eq(hc_bus_error_name_for(NULL), HC_DBUS_ERROR_INTERNAL);
}
END_TEST

START_TEST(test_status_line_counts)
{
	g_autoptr(HcSnapshot) snap = hc_snapshot_new();
	g_autofree char *status = NULL;
	g_autofree char *expected = NULL;
	const char *fp;

	hc_snapshot_take_capability(snap,
				    hc_capability_new("kvm.present",
						      HC_CAP_STATE_SUPPORTED,
						      g_variant_new_boolean(TRUE),
						      "test"));
	hc_snapshot_take_capability(
	    snap,
	    hc_capability_new("net.tap.uso", HC_CAP_STATE_UNKNOWN, NULL, "test"));
	hc_snapshot_take_capability(
	    snap,
	    hc_capability_new("uffd.present", HC_CAP_STATE_UNKNOWN, NULL, "x"));
	fp = hc_snapshot_get_fingerprint(snap);
	ck_assert(g_str_has_prefix(fp, "sha256:"));
	expected = g_strdup_printf("7 probes, 3 capabilities, 2 unknown, fingerprint sha256:%.12s…",
				   fp + strlen("sha256:"));
	status = hc_notify_format_status(snap, 7);
	ck_assert_str_eq(status, expected);
}
END_TEST

static Suite *
modules_suite(void)
{
	Suite *s = suite_create("daemon-modules");
	TCase *tc = tcase_create("modules");

	tcase_add_test(tc, test_hc_errors_keep_name_and_message);
	tcase_add_test(tc, test_foreign_errors_are_converted);
	tcase_add_test(tc, test_status_line_counts);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(modules_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
