/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * probe "confidential": the sev-host fixture (sev=Y sev_es=Y sev_snp=N), a TDX-enabled
 * Intel fixture, a host without the vendor modules, and the real CPUID 0x8000001F read here.
 */
#include <cpuid.h>
#include <string.h>
#include <unistd.h>

#include "hc-kvm-test.h"

extern const HcProbeInfo hc_probe_confidential;

START_TEST(test_cvm_fixture_sev_host)
{
	g_autofree char *root = hc_kvm_test_fixture("sev-host");
	g_autoptr(HcProbeResult) res = hc_kvm_test_run(&hc_probe_confidential, root);
	const HcCapability *tdx = hc_kvm_test_find(res, "cvm.tdx");

	ck_assert_int_eq(hc_kvm_test_find(res, "cvm.sev")->state, HC_CAP_STATE_SUPPORTED);
	ck_assert_int_eq(hc_kvm_test_find(res, "cvm.sev_es")->state, HC_CAP_STATE_SUPPORTED);
	ck_assert_int_eq(hc_kvm_test_find(res, "cvm.sev_snp")->state, HC_CAP_STATE_DISABLED);
	ck_assert_int_eq(tdx->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(tdx->reason, "/sys/module/kvm_intel/parameters/tdx"));
	ck_assert(hc_kvm_test_bool(hc_kvm_test_find(res, "cvm.sev.device")));
	/* host CPUID cannot describe a fixture */
	ck_assert_int_eq(hc_kvm_test_find(res, "cvm.sev.cbitpos")->state, HC_CAP_STATE_UNKNOWN);
	ck_assert_int_eq(hc_kvm_test_find(res, "sgx.epc")->state, HC_CAP_STATE_UNSUPPORTED);
}
END_TEST

START_TEST(test_cvm_fixture_tdx)
{
	g_autofree char *root = hc_kvm_test_fixture("intel-nested-off");
	g_autoptr(HcProbeResult) res = hc_kvm_test_run(&hc_probe_confidential, root);
	const HcCapability *sev = hc_kvm_test_find(res, "cvm.sev");

	ck_assert_int_eq(hc_kvm_test_find(res, "cvm.tdx")->state, HC_CAP_STATE_SUPPORTED);
	ck_assert_int_eq(sev->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_str_eq(sev->reason,
			 "open /sys/module/kvm_amd/parameters/sev: No such file or directory");
}
END_TEST

START_TEST(test_cvm_real_cpuid)
{
	g_autoptr(HcProbeResult) res = hc_kvm_test_run(&hc_probe_confidential, NULL);
	const HcCapability *cbit = hc_kvm_test_find(res, "cvm.sev.cbitpos");
	unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;

	ck_assert_int_eq(hc_kvm_test_bool(hc_kvm_test_find(res, "cvm.sev.device")),
			 access("/dev/sev", F_OK) == 0);
	ck_assert_int_eq(hc_kvm_test_bool(hc_kvm_test_find(res, "sgx.epc")),
			 access("/dev/sgx_vepc", F_OK) == 0);
	if (__get_cpuid_max(0x80000000, NULL) < 0x8000001F) {
		ck_assert_int_eq(cbit->state, HC_CAP_STATE_UNSUPPORTED);
		return;
	}
	__cpuid_count(0x8000001F, 0, eax, ebx, ecx, edx);
	if (!(eax & 2)) {
		ck_assert_int_eq(cbit->state, HC_CAP_STATE_UNSUPPORTED);
		return;
	}
	ck_assert_int_eq(hc_kvm_test_int(cbit), ebx & 0x3f);
	ck_assert_int_eq(hc_kvm_test_int(hc_kvm_test_find(res, "cvm.sev.reduced_phys_bits")),
			 (ebx >> 6) & 0x3f);
}
END_TEST

START_TEST(test_cvm_real_switches)
{
	g_autoptr(HcProbeResult) res = hc_kvm_test_run(&hc_probe_confidential, NULL);
	g_autofree char *sev = NULL;
	const HcCapability *cap = hc_kvm_test_find(res, "cvm.sev");

	if (!g_file_get_contents("/sys/module/kvm_amd/parameters/sev", &sev, NULL, NULL)) {
		ck_assert_int_eq(cap->state, HC_CAP_STATE_UNSUPPORTED);
		return;
	}
	g_strstrip(sev);
	ck_assert_int_eq(cap->state,
			 g_strcmp0(sev, "Y") == 0 || g_strcmp0(sev, "1") == 0
			     ? HC_CAP_STATE_SUPPORTED
			     : HC_CAP_STATE_DISABLED);
}
END_TEST

static Suite *
cvm_suite(void)
{
	Suite *s = suite_create("probe-confidential");
	TCase *tc = tcase_create("confidential");

	tcase_add_test(tc, test_cvm_fixture_sev_host);
	tcase_add_test(tc, test_cvm_fixture_tdx);
	tcase_add_test(tc, test_cvm_real_cpuid);
	tcase_add_test(tc, test_cvm_real_switches);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return hc_kvm_test_main(cvm_suite());
}
