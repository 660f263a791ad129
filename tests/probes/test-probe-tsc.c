/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * probe "tsc": KVM_GET_TSC_KHZ on a vCPU created here, TSC_CONTROL and the sysfs files read
 * here; fixtures for a host without /dev/kvm and a different clocksource.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hc-probe-test.h"

extern const HcProbeInfo hc_probe_tsc;

START_TEST(test_tsc_real_khz)
{
	g_autoptr(HcProbeResult) res = NULL;
	int fd, vm, vcpu, khz;

	res = hc_probe_test_run(&hc_probe_tsc, NULL);
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	vm = ioctl(fd, KVM_CREATE_VM, 0);
	ck_assert_int_ge(vm, 0);
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	ck_assert_int_ge(vcpu, 0);
	khz = ioctl(vcpu, KVM_GET_TSC_KHZ, 0);
	ck_assert_int_gt(khz, 0);
	ck_assert_int_eq(hc_probe_test_int(hc_probe_test_get(res, "kvm.tsc.khz")), khz);
	ck_assert_int_eq(hc_probe_test_bool(hc_probe_test_get(res, "kvm.tsc.scaling")),
			 ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_CONTROL) > 0);
	/* 214 = KVM_CAP_VM_TSC_CONTROL */
	ck_assert_int_eq(hc_probe_test_bool(hc_probe_test_get(res, "kvm.tsc.vm_scaling")),
			 ioctl(fd, KVM_CHECK_EXTENSION, 214) > 0);
	close(vcpu);
	close(vm);
	close(fd);
}
END_TEST

START_TEST(test_tsc_real_files)
{
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_tsc, NULL);
	g_autofree char *cur = NULL;
	g_autofree char *ppm = NULL;

	ck_assert(
	    g_file_get_contents("/sys/devices/system/clocksource/clocksource0/current_clocksource",
				&cur,
				NULL,
				NULL));
	ck_assert_str_eq(hc_probe_test_string(hc_probe_test_get(res, "host.clocksource.current")),
			 g_strstrip(cur));
	if (g_file_get_contents("/sys/module/kvm/parameters/tsc_tolerance_ppm", &ppm, NULL, NULL))
		ck_assert_int_eq(hc_probe_test_int(hc_probe_test_get(res, "kvm.tsc.tolerance_ppm")),
				 g_ascii_strtoll(ppm, NULL, 10));
	else
		ck_assert_int_eq(hc_probe_test_get(res, "kvm.tsc.tolerance_ppm")->state,
				 HC_CAP_STATE_UNSUPPORTED);
}
END_TEST

START_TEST(test_tsc_fixture_sev_host)
{
	g_autofree char *root = hc_probe_test_fixture("sev-host");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_tsc, root);
	const HcCapability *khz = hc_probe_test_get(res, "kvm.tsc.khz");
	const HcCapability *avail = hc_probe_test_get(res, "host.clocksource.available");
	g_autofree const char **names = g_variant_get_strv(avail->value, NULL);

	ck_assert_int_eq(khz->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_str_eq(khz->reason, "open /dev/kvm: No such file or directory");
	ck_assert_str_eq(hc_probe_test_string(hc_probe_test_get(res, "host.clocksource.current")),
			 "hpet");
	ck_assert_uint_eq(g_strv_length((char **)names), 3);
	ck_assert_str_eq(names[2], "acpi_pm");
	ck_assert_int_eq(hc_probe_test_int(hc_probe_test_get(res, "kvm.tsc.tolerance_ppm")), 250);
	ck_assert(hc_probe_test_bool(hc_probe_test_get(res, "host.tsc.constant")));
	ck_assert(!hc_probe_test_bool(hc_probe_test_get(res, "host.tsc.known_freq")));
}
END_TEST

START_TEST(test_tsc_fixture_captured)
{
	g_autofree char *root = hc_probe_test_fixture("pvm-xeon-6.18");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_tsc, root);

	ck_assert(hc_probe_test_bool(hc_probe_test_get(res, "host.tsc.constant")));
	ck_assert(hc_probe_test_bool(hc_probe_test_get(res, "host.tsc.nonstop")));
	ck_assert(hc_probe_test_bool(hc_probe_test_get(res, "host.tsc.known_freq")));
	ck_assert_str_eq(hc_probe_test_string(hc_probe_test_get(res, "host.clocksource.current")),
			 "tsc");
}
END_TEST

static Suite *
tsc_suite(void)
{
	Suite *s = suite_create("probe-tsc");
	TCase *tc = tcase_create("tsc");
	TCase *real = hc_probe_test_tcase_kvm("real");

	tcase_add_test(tc, test_tsc_real_files);
	tcase_add_test(tc, test_tsc_fixture_sev_host);
	tcase_add_test(tc, test_tsc_fixture_captured);
	tcase_add_test(real, test_tsc_real_khz);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, real);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_probe_test_main(tsc_suite(), argc, argv);
}
