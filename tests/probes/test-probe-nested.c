/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * probe "nested": module-parameter fixtures for AMD (nested=1), Intel (nested=N) and a host
 * without a vendor module; NESTED_STATE / EXCEPTION_PAYLOAD against ioctls issued here.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hc-probe-test.h"

extern const HcProbeInfo hc_probe_nested;

START_TEST(test_nested_fixture_amd)
{
	g_autofree char *root = hc_probe_test_fixture("sev-host");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_nested, root);
	const HcCapability *ept = hc_probe_test_get(res, "kvm.param.kvm_intel.ept");

	ck_assert_int_eq(hc_probe_test_get(res, "kvm.nested")->state, HC_CAP_STATE_SUPPORTED);
	ck_assert_str_eq(hc_probe_test_string(hc_probe_test_get(res, "kvm.param.kvm_amd.sev")),
			 "Y");
	ck_assert_str_eq(hc_probe_test_string(hc_probe_test_get(res, "kvm.param.kvm_amd.nested")),
			 "1");
	ck_assert_int_eq(ept->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(ept->reason, "/sys/module/kvm_intel/parameters/ept"));
	ck_assert_int_eq(hc_probe_test_get(res, "kvm.nested.state")->state,
			 HC_CAP_STATE_UNSUPPORTED);
}
END_TEST

START_TEST(test_nested_fixture_intel_off)
{
	g_autofree char *root = hc_probe_test_fixture("intel-nested-off");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_nested, root);
	const HcCapability *nested = hc_probe_test_get(res, "kvm.nested");

	/* the module is there, the feature is switched off */
	ck_assert_int_eq(nested->state, HC_CAP_STATE_DISABLED);
	ck_assert(!hc_probe_test_bool(nested));
	ck_assert_str_eq(
	    hc_probe_test_string(hc_probe_test_get(res, "kvm.param.kvm_intel.vmentry_l1d_flush")),
	    "cond");
}
END_TEST

START_TEST(test_nested_fixture_no_module)
{
	g_autofree char *root = hc_probe_test_fixture("pvm-xeon-6.18");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_nested, root);
	const HcCapability *nested = hc_probe_test_get(res, "kvm.nested");

	ck_assert_int_eq(nested->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(nested->reason, "/sys/module/kvm_intel"));
	ck_assert_str_eq(
	    hc_probe_test_string(hc_probe_test_get(res, "kvm.param.kvm.tsc_tolerance_ppm")),
	    "250");
}
END_TEST

START_TEST(test_nested_real_caps)
{
	g_autoptr(HcProbeResult) res = NULL;
	int fd;

	res = hc_probe_test_run(&hc_probe_nested, NULL);
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(hc_probe_test_int(hc_probe_test_get(res, "kvm.nested.state")),
			 ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_NESTED_STATE));
	ck_assert_int_eq(hc_probe_test_bool(hc_probe_test_get(res, "kvm.nested.exception_payload")),
			 ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_EXCEPTION_PAYLOAD) > 0);
	close(fd);
}
END_TEST

static Suite *
nested_suite(void)
{
	Suite *s = suite_create("probe-nested");
	TCase *tc = tcase_create("nested");
	TCase *real = hc_probe_test_tcase_kvm("real");

	tcase_add_test(tc, test_nested_fixture_amd);
	tcase_add_test(tc, test_nested_fixture_intel_off);
	tcase_add_test(tc, test_nested_fixture_no_module);
	tcase_add_test(real, test_nested_real_caps);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, real);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_probe_test_main(nested_suite(), argc, argv);
}
