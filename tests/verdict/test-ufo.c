/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtio-net UFO after a migration (QEMU's virtio_net_ufo_post_load): the source's tap UFO
 * support travels with the device state, so a target whose tap lacks it fails the load,
 * whatever host_ufo/guest_ufo say. The target here is a captured host whose net.tap.ufo is
 * turned to unsupported, as a kernel without tap UFO reports it.
 */
#include <string.h>

#include "hc-verdict-test.h"

#define NIC "\"accel.kvm\": true, \"netdev.tap\": true, \"netdev.vhost\": false"

static HcSnapshot *
without_ufo(const char *fixture)
{
	HcSnapshot *snap = hc_test_host(fixture);
	HcCapability *cap = hc_capability_new("net.tap.ufo",
					      HC_CAP_STATE_UNSUPPORTED,
					      g_variant_new_boolean(FALSE),
					      "TUNSETOFFLOAD(CSUM|UFO): EINVAL");
	g_free(cap->probe);
	cap->probe = g_strdup("tap");
	hc_snapshot_take_capability(snap, cap);
	return snap;
}

static char *
migrate(const char *spec, HcSnapshot *src, HcSnapshot *dst, HcVerdict *verdict)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	g_autoptr(GError) error = NULL;
	char *report = NULL;

	ck_assert_msg(
	    hc_check_migration(cat, spec, strlen(spec), src, dst, verdict, &report, &error),
	    "%s",
	    error != NULL ? error->message : "");
	return report;
}

/* pinned off or not, a VM from a host with tap UFO cannot land on one without */
START_TEST(test_ufo_source_had_it)
{
	const char *const specs[] = {
	    "{\"machine\": \"pc-q35-7.2\", \"features\": {" NIC "}}",
	    "{\"machine\": \"pc-q35-7.2\", \"features\": {" NIC ", \"virtio-net.host_ufo\": false, "
	    "\"virtio-net.guest_ufo\": false}}",
	};
	g_autoptr(HcSnapshot) src = hc_test_host("v-trixie-6.12");
	g_autoptr(HcSnapshot) dst = without_ufo("v-deb12-6.1");

	for (guint i = 0; i < G_N_ELEMENTS(specs); i++) {
		HcVerdict verdict;
		g_autofree char *report = migrate(specs[i], src, dst, &verdict);
		ck_assert_int_eq(verdict, HC_VERDICT_NO);
		ck_assert_msg(strstr(report, "saved image requires TUN_F_UFO support") != NULL,
			      "%s",
			      report);
		ck_assert_msg(
		    strstr(report, "Pinning host_ufo=off and guest_ufo=off does not help") != NULL,
		    "%s",
		    report);
		/* the pin advice of the UFO group would be wrong here: it is not given */
		ck_assert_msg(strstr(report, "Pin host_ufo=off") == NULL, "%s", report);
	}
}
END_TEST

/* the other way round the load works: the source's tap had no UFO to record */
START_TEST(test_ufo_source_lacked_it)
{
	const char *spec = "{\"machine\": \"pc-q35-7.2\", \"features\": {" NIC
			   ", \"virtio-net.host_ufo\": false, \"virtio-net.guest_ufo\": false}}";
	g_autoptr(HcSnapshot) src = without_ufo("v-deb12-6.1");
	g_autoptr(HcSnapshot) dst = hc_test_host("v-trixie-6.12");
	HcVerdict verdict;
	g_autofree char *report = migrate(spec, src, dst, &verdict);

	ck_assert_msg(strstr(report, "TUN_F_UFO") == NULL, "%s", report);
}
END_TEST

/* no tap, no UFO question */
START_TEST(test_ufo_without_tap)
{
	const char *spec = "{\"machine\": \"pc-q35-7.2\", \"features\": {\"accel.kvm\": true}}";
	g_autoptr(HcSnapshot) src = hc_test_host("v-trixie-6.12");
	g_autoptr(HcSnapshot) dst = without_ufo("v-deb12-6.1");
	HcVerdict verdict;
	g_autofree char *report = migrate(spec, src, dst, &verdict);

	ck_assert_msg(strstr(report, "TUN_F_UFO") == NULL, "%s", report);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ufo");
	TCase *tc = tcase_create("post-load");
	SRunner *runner;
	int failed;

	tcase_add_test(tc, test_ufo_source_had_it);
	tcase_add_test(tc, test_ufo_source_lacked_it);
	tcase_add_test(tc, test_ufo_without_tap);
	suite_add_tcase(s, tc);
	runner = srunner_create(s);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? 0 : 1;
}
