/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vfio probe: nothing is bound here, so the absent paths are proven on fixtures
 * (no-devices, vfio-bound: one device bound to vfio-pci whose group node is missing) and
 * the real machine's answers are checked against access(2) and a count of the groups.
 */
#include <check.h>
#include <unistd.h>

#include "hc-probe-test.h"
#include "vfio/hc-probe-vfio.h"

START_TEST(test_vfio_real_matches_host)
{
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_vfio, NULL);
	g_autoptr(GDir) dir = g_dir_open("/sys/kernel/iommu_groups", 0, NULL);
	gint64 groups = 0;
	const HcCapability *present;

	hc_probe_test_assert_complete(&hc_probe_vfio, res);
	while (dir != NULL && g_dir_read_name(dir) != NULL)
		groups++;
	ck_assert_int_eq(hc_probe_test_get_int(res, "iommu.groups"), groups);
	ck_assert_int_eq(hc_probe_test_get(res, "iommu.enabled")->state == HC_CAP_STATE_SUPPORTED,
			 groups > 0);
	present = hc_probe_test_get(res, "vfio.present");
	if (access("/dev/vfio/vfio", F_OK) != 0) {
		ck_assert_int_eq(present->state, HC_CAP_STATE_UNSUPPORTED);
		ck_assert_str_eq(present->reason, "open /dev/vfio/vfio: No such file or directory");
	}
	ck_assert_int_eq(hc_probe_test_get(res, "vfio.iommufd")->state == HC_CAP_STATE_SUPPORTED,
			 access("/dev/iommu", F_OK) == 0);
}
END_TEST

START_TEST(test_vfio_no_devices_fixture)
{
	g_autofree char *root = hc_probe_test_fixture("no-devices");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_vfio, root);

	hc_probe_test_assert_complete(&hc_probe_vfio, res);
	hc_probe_test_assert_all_in_state(&hc_probe_vfio, res, HC_CAP_STATE_UNSUPPORTED, NULL);
	ck_assert_str_eq(hc_probe_test_get(res, "vfio.type1v2")->reason,
			 "open /dev/vfio/vfio: No such file or directory");
	ck_assert_str_eq(hc_probe_test_get(res, "vfio.iommufd")->reason,
			 "open /dev/iommu: No such file or directory");
}
END_TEST

START_TEST(test_vfio_bound_fixture)
{
	g_autofree char *root = hc_probe_test_fixture("vfio-bound");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_vfio, root);
	const HcCapability *devices;
	const HcCapability *mig;
	g_autofree const char **list = NULL;

	hc_probe_test_assert_complete(&hc_probe_vfio, res);
	ck_assert_int_eq(hc_probe_test_get_int(res, "iommu.groups"), 2);
	ck_assert_int_eq(hc_probe_test_get(res, "iommu.enabled")->state, HC_CAP_STATE_SUPPORTED);
	devices = hc_probe_test_get(res, "vfio.devices");
	ck_assert_int_eq(devices->state, HC_CAP_STATE_SUPPORTED);
	list = g_variant_get_strv(devices->value, NULL);
	ck_assert_int_eq(g_strv_length((char **)list), 1);
	ck_assert_str_eq(list[0], "0000:01:00.0");
	/* the device cannot be opened: its group node is not there */
	mig = hc_probe_test_get(res, "vfio.dev.0000_01_00_0.migration");
	ck_assert_int_eq(mig->state, HC_CAP_STATE_UNKNOWN);
	ck_assert_str_eq(mig->reason, "open /dev/vfio/1: No such file or directory");
}
END_TEST

static Suite *
vfio_suite(void)
{
	Suite *s = suite_create("probe-vfio");
	TCase *tc = tcase_create("vfio");

	tcase_add_test(tc, test_vfio_real_matches_host);
	tcase_add_test(tc, test_vfio_no_devices_fixture);
	tcase_add_test(tc, test_vfio_bound_fixture);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_probe_test_main(vfio_suite(), argc, argv);
}
