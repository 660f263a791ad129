/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * probe "confidential": the sev-host fixture (sev=Y sev_es=Y sev_snp=N), a TDX-enabled
 * Intel fixture, a host without the vendor modules, and the real CPUID 0x8000001F read here;
 * the SEV firmware status on a /dev/sev that is not the device (sev-host), on a host without
 * it (no-kvm), and on this machine against SEV_ISSUE_CMD issued here.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/psp-sev.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hc-probe-test.h"

extern const HcProbeInfo hc_probe_confidential;

START_TEST(test_cvm_fixture_sev_host)
{
	g_autofree char *root = hc_probe_test_fixture("sev-host");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_confidential, root);
	const HcCapability *tdx = hc_probe_test_get(res, "cvm.tdx");

	ck_assert_int_eq(hc_probe_test_get(res, "cvm.sev")->state, HC_CAP_STATE_SUPPORTED);
	ck_assert_int_eq(hc_probe_test_get(res, "cvm.sev_es")->state, HC_CAP_STATE_SUPPORTED);
	ck_assert_int_eq(hc_probe_test_get(res, "cvm.sev_snp")->state, HC_CAP_STATE_DISABLED);
	ck_assert_int_eq(tdx->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(tdx->reason, "/sys/module/kvm_intel/parameters/tdx"));
	ck_assert(hc_probe_test_bool(hc_probe_test_get(res, "cvm.sev.device")));
	/* host CPUID cannot describe a fixture */
	ck_assert_int_eq(hc_probe_test_get(res, "cvm.sev.cbitpos")->state, HC_CAP_STATE_UNKNOWN);
	ck_assert_int_eq(hc_probe_test_get(res, "sgx.epc")->state, HC_CAP_STATE_UNSUPPORTED);
}
END_TEST

START_TEST(test_cvm_fixture_tdx)
{
	g_autofree char *root = hc_probe_test_fixture("intel-nested-off");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_confidential, root);
	const HcCapability *sev = hc_probe_test_get(res, "cvm.sev");

	ck_assert_int_eq(hc_probe_test_get(res, "cvm.tdx")->state, HC_CAP_STATE_SUPPORTED);
	ck_assert_int_eq(sev->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_str_eq(sev->reason,
			 "open /sys/module/kvm_amd/parameters/sev: No such file or directory");
}
END_TEST

START_TEST(test_cvm_real_cpuid)
{
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_confidential, NULL);
	const HcCapability *cbit = hc_probe_test_get(res, "cvm.sev.cbitpos");
	unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;

	ck_assert_int_eq(hc_probe_test_bool(hc_probe_test_get(res, "cvm.sev.device")),
			 access("/dev/sev", F_OK) == 0);
	ck_assert_int_eq(hc_probe_test_bool(hc_probe_test_get(res, "sgx.epc")),
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
	ck_assert_int_eq(hc_probe_test_int(cbit), ebx & 0x3f);
	ck_assert_int_eq(hc_probe_test_int(hc_probe_test_get(res, "cvm.sev.reduced_phys_bits")),
			 (ebx >> 6) & 0x3f);
}
END_TEST

START_TEST(test_cvm_real_switches)
{
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_confidential, NULL);
	g_autofree char *sev = NULL;
	const HcCapability *cap = hc_probe_test_get(res, "cvm.sev");

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

static const char *const sev_status_ids[] = {
    "cvm.sev.api_version",
    "cvm.sev.build",
    "cvm.sev.state",
    "cvm.sev.guest_count",
};

static void
assert_sev_status(const HcProbeResult *res, HcCapState state, const char *reason)
{
	for (guint i = 0; i < G_N_ELEMENTS(sev_status_ids); i++) {
		const HcCapability *cap = hc_probe_test_get(res, sev_status_ids[i]);

		ck_assert_msg(cap->state == state, "%s: %s", cap->id, cap->reason);
		ck_assert_msg(strstr(cap->reason, reason) != NULL, "%s: %s", cap->id, cap->reason);
	}
}

START_TEST(test_cvm_fixture_sev_status)
{
	g_autofree char *sev_root = hc_probe_test_fixture("sev-host");
	g_autofree char *bare_root = hc_probe_test_fixture("no-kvm");
	g_autoptr(HcProbeResult) sev = hc_probe_test_run(&hc_probe_confidential, sev_root);
	g_autoptr(HcProbeResult) bare = hc_probe_test_run(&hc_probe_confidential, bare_root);

	/* the fixture's /dev/sev is a plain file: the firmware cannot answer */
	assert_sev_status(sev, HC_CAP_STATE_UNKNOWN, "Inappropriate ioctl for device");
	assert_sev_status(bare,
			  HC_CAP_STATE_UNSUPPORTED,
			  "open /dev/sev: No such file or directory");
}
END_TEST

START_TEST(test_cvm_real_sev_status)
{
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_confidential, NULL);
	struct sev_user_data_status status = {0};
	struct sev_issue_cmd cmd = {.cmd = SEV_PLATFORM_STATUS, .data = (guint64)(guintptr)&status};
	g_autofree char *version = NULL;
	int fd = open("/dev/sev", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		ck_assert_int_eq(errno, ENOENT);
		assert_sev_status(res, HC_CAP_STATE_UNSUPPORTED, "open /dev/sev: No such file");
		return;
	}
	if (ioctl(fd, SEV_ISSUE_CMD, &cmd) < 0) {
		close(fd);
		assert_sev_status(res,
				  errno == ENODEV ? HC_CAP_STATE_UNSUPPORTED : HC_CAP_STATE_UNKNOWN,
				  "SEV_ISSUE_CMD");
		return;
	}
	close(fd);
	version = g_strdup_printf("%u.%u", status.api_major, status.api_minor);
	ck_assert_str_eq(hc_probe_test_string(hc_probe_test_get(res, "cvm.sev.api_version")),
			 version);
	ck_assert_int_eq(hc_probe_test_int(hc_probe_test_get(res, "cvm.sev.build")), status.build);
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
	tcase_add_test(tc, test_cvm_fixture_sev_status);
	tcase_add_test(tc, test_cvm_real_sev_status);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_probe_test_main(cvm_suite(), argc, argv);
}
