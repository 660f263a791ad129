/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Verdicts against the QEMU a host runs (probe "qemu"): the notes for hosts whose QEMU is not
 * known, the machine defaults of the host's own QEMU release (the 8.2.0-8.2.4 USO mistake
 * applies only where such a release runs), and an alias resolved by the host's QEMU. The
 * qemu.* answers are added to captured fixture hosts here; the same checks against the
 * answers of real QEMU releases are in tests/qemu/test-qemu-probe.c.
 */
#include <string.h>

#include "hc-verdict-test.h"

#define DEB12 "v-deb12-6.1"
#define NIC   "\"accel.kvm\": true, \"netdev.tap\": true, \"netdev.vhost\": false"

static void
add_cap(HcSnapshot *snap, const char *id, HcCapState state, GVariant *value)
{
	HcCapability *cap = hc_capability_new(id, state, value, "set by the test");
	g_free(cap->probe);
	cap->probe = g_strdup("qemu");
	hc_snapshot_take_capability(snap, cap);
}

/* @host running QEMU @version that offers @machines (NULL-terminated) */
static HcSnapshot *
host_running(const char *version, const char *const *machines, const char *const *aliases)
{
	HcSnapshot *snap = hc_test_host(DEB12);

	add_cap(snap, "qemu.present", HC_CAP_STATE_SUPPORTED, g_variant_new_boolean(TRUE));
	add_cap(snap, "qemu.binary", HC_CAP_STATE_SUPPORTED, g_variant_new_string("/usr/bin/qemu"));
	add_cap(snap, "qemu.version", HC_CAP_STATE_SUPPORTED, g_variant_new_string(version));
	add_cap(snap, "qemu.machines", HC_CAP_STATE_SUPPORTED, g_variant_new_strv(machines, -1));
	add_cap(snap,
		"qemu.machine_aliases",
		HC_CAP_STATE_SUPPORTED,
		g_variant_new_strv(aliases, -1));
	return snap;
}

static char *
bootable(HcSnapshot *host, const char *spec, HcVerdict *verdict)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	g_autoptr(GError) error = NULL;
	char *report = NULL;

	ck_assert_msg(hc_check_bootable(cat, spec, strlen(spec), host, verdict, &report, &error),
		      "%s",
		      error != NULL ? error->message : "");
	return report;
}

START_TEST(test_note_without_probe)
{
	g_autoptr(HcSnapshot) host = hc_test_host(DEB12);
	HcVerdict verdict;
	g_autofree char *report =
	    bootable(host, "{\"machine\": \"pc-q35-9.0\", \"features\": {}}", &verdict);

	ck_assert_msg(strstr(report, "does not say which QEMU it runs") != NULL, "%s", report);
	ck_assert_msg(strstr(report, "Its defaults are taken as QEMU 11.1") != NULL, "%s", report);
	ck_assert_msg(strstr(report, "\"severity\":\"info\"") != NULL, "%s", report);
}
END_TEST

START_TEST(test_note_no_qemu)
{
	g_autoptr(HcSnapshot) host = hc_test_host(DEB12);
	HcVerdict verdict;
	g_autofree char *report = NULL;

	add_cap(host, "qemu.present", HC_CAP_STATE_UNSUPPORTED, g_variant_new_boolean(FALSE));
	report = bootable(host, "{\"machine\": \"pc-q35-9.0\", \"features\": {}}", &verdict);
	ck_assert_msg(strstr(report, "has no QEMU installed") != NULL, "%s", report);
	ck_assert_int_ne(verdict, HC_VERDICT_NO);
}
END_TEST

START_TEST(test_machine_missing)
{
	const char *const machines[] = {"pc-q35-7.1", "pc-q35-7.2", "pc-q35-10.0", NULL};
	const char *const aliases[] = {"q35=pc-q35-10.0", NULL};
	g_autoptr(HcSnapshot) host = host_running("10.0.13", machines, aliases);
	HcVerdict verdict;
	g_autofree char *report =
	    bootable(host, "{\"machine\": \"pc-q35-10.2\", \"features\": {}}", &verdict);
	g_autofree char *ok = bootable(host, "{\"machine\": \"q35\", \"features\": {}}", &verdict);

	ck_assert_msg(strstr(report,
			     "QEMU 10.0.13 of hv-deb12 (/usr/bin/qemu) has no machine type "
			     "pc-q35-10.2: its newest of that family is pc-q35-10.0") != NULL,
		      "%s",
		      report);
	ck_assert_msg(strstr(ok, "has no machine type") == NULL, "%s", ok);
}
END_TEST

/* pc-q35-8.1 offered USO under QEMU 8.2.0-8.2.4 only */
START_TEST(test_release_range_applies_where_it_runs)
{
	const char *const machines[] = {"pc-q35-8.1", "pc-q35-8.2", NULL};
	const char *const aliases[] = {"q35=pc-q35-8.2", NULL};
	const char *spec = "{\"machine\": \"pc-q35-8.1\", \"features\": {" NIC "}}";
	g_autoptr(HcSnapshot) buggy = host_running("8.2.2", machines, aliases);
	g_autoptr(HcSnapshot) fixed = host_running("8.2.5", machines, aliases);
	HcVerdict verdict;
	g_autofree char *on = bootable(buggy, spec, &verdict);
	g_autofree char *off = bootable(fixed, spec, &verdict);

	/* deb12's tap has no USO: the default that is on gets a finding, the one off none */
	ck_assert_msg(strstr(on, "virtio-net.host_uso") != NULL, "%s", on);
	ck_assert_msg(strstr(off, "\"virtio-net.host_uso\":false") != NULL, "%s", off);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("qemu-machine");
	TCase *tc = tcase_create("qemu");
	SRunner *runner;
	int failed;

	tcase_add_test(tc, test_note_without_probe);
	tcase_add_test(tc, test_note_no_qemu);
	tcase_add_test(tc, test_machine_missing);
	tcase_add_test(tc, test_release_range_applies_where_it_runs);
	suite_add_tcase(s, tc);
	runner = srunner_create(s);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? 0 : 1;
}
