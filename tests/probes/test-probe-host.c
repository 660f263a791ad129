/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * probe "host": the real machine against uname(2), boot_id and /proc/cpuinfo read here;
 * the sev-host fixture for mixed microcode (in /proc/cpuinfo and per cpu in sysfs) and
 * command-line flags.
 */
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hc-probe-test.h"

extern const HcProbeInfo hc_probe_host;

START_TEST(test_host_real_uname)
{
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_host, NULL);
	g_autofree char *boot_id = NULL;
	struct utsname uts;

	ck_assert_int_eq(uname(&uts), 0);
	ck_assert_str_eq(hc_probe_test_string(hc_probe_test_get(res, "host.kernel.release")),
			 uts.release);
	ck_assert_str_eq(hc_probe_test_string(hc_probe_test_get(res, "host.kernel.version")),
			 uts.version);
	ck_assert_str_eq(hc_probe_test_string(hc_probe_test_get(res, "host.arch")), uts.machine);
	ck_assert(g_file_get_contents("/proc/sys/kernel/random/boot_id", &boot_id, NULL, NULL));
	ck_assert_str_eq(hc_probe_test_string(hc_probe_test_get(res, "host.boot_id")),
			 g_strstrip(boot_id));
	ck_assert_int_eq(hc_probe_test_int(hc_probe_test_get(res, "host.cpu.count")),
			 sysconf(_SC_NPROCESSORS_ONLN));
}
END_TEST

START_TEST(test_host_real_microcode)
{
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_host, NULL);
	g_autofree char *cpuinfo = NULL;
	g_auto(GStrv) lines = NULL;
	g_autofree const char **reported = NULL;
	const HcCapability *cap = hc_probe_test_get(res, "host.microcode");
	guint seen = 0;

	ck_assert(g_file_get_contents("/proc/cpuinfo", &cpuinfo, NULL, NULL));
	lines = g_strsplit(cpuinfo, "\n", -1);
	/* the sysfs view is in the reason exactly when this machine has it */
	if (access("/sys/devices/system/cpu/cpu0/microcode/version", F_OK) == 0) {
		g_autofree char *rev = NULL;
		g_autofree char *on_cpu0 = NULL;

		ck_assert(g_file_get_contents("/sys/devices/system/cpu/cpu0/microcode/version",
					      &rev,
					      NULL,
					      NULL));
		on_cpu0 = g_strdup_printf("%s on cpu0", g_strstrip(rev));
		ck_assert_msg(strstr(cap->reason, on_cpu0) != NULL, "%s", cap->reason);
	} else {
		ck_assert_ptr_nonnull(
		    strstr(cap->reason, "no /sys/devices/system/cpu/cpu*/microcode"));
	}
	if (cap->state == HC_CAP_STATE_UNSUPPORTED) {
		ck_assert_ptr_null(strstr(cpuinfo, "\nmicrocode"));
		return;
	}
	reported = g_variant_get_strv(cap->value, NULL);
	/* every cpu's revision is in the reported set */
	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) kv = NULL;

		if (!g_str_has_prefix(lines[i], "microcode"))
			continue;
		kv = g_strsplit(lines[i], ":", 2);
		g_strstrip(kv[1]);
		ck_assert_msg(g_strv_contains(reported, kv[1]), "microcode %s not reported", kv[1]);
		seen++;
	}
	ck_assert_uint_eq(seen, sysconf(_SC_NPROCESSORS_ONLN));
}
END_TEST

START_TEST(test_host_real_vulnerabilities)
{
	const char *dir_path = "/sys/devices/system/cpu/vulnerabilities";
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_host, NULL);
	g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
	const char *name;

	if (dir == NULL) {
		ck_assert_int_eq(hc_probe_test_get(res, "host.vulnerabilities")->state,
				 HC_CAP_STATE_UNSUPPORTED);
		return;
	}
	while ((name = g_dir_read_name(dir)) != NULL) {
		g_autofree char *path = g_build_filename(dir_path, name, NULL);
		g_autofree char *id = g_strdup_printf("host.vulnerabilities.%s", name);
		g_autofree char *status = NULL;

		ck_assert(g_file_get_contents(path, &status, NULL, NULL));
		ck_assert_str_eq(hc_probe_test_string(hc_probe_test_get(res, id)),
				 g_strstrip(status));
	}
}
END_TEST

START_TEST(test_host_fixture_sev_host)
{
	g_autofree char *root = hc_probe_test_fixture("sev-host");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_host, root);
	const HcCapability *mc = hc_probe_test_get(res, "host.microcode");
	const HcCapability *hp = hc_probe_test_get(res, "host.cmdline.hugepagesz");
	g_autofree const char **codes = g_variant_get_strv(mc->value, NULL);
	g_autofree const char **sizes = g_variant_get_strv(hp->value, NULL);

	/* two revisions: a late load reached only one cpu */
	ck_assert_uint_eq(g_strv_length((char **)codes), 2);
	ck_assert_str_eq(codes[0], "0xa0011d1");
	ck_assert_str_eq(codes[1], "0xa001173");
	ck_assert_ptr_nonnull(strstr(mc->reason, "partially applied"));
	/* bare metal: the per-cpu sysfs revisions are named in the reason */
	ck_assert_ptr_nonnull(strstr(mc->reason, "0xa0011d1 on cpu0; 0xa001173 on cpu1"));
	ck_assert_uint_eq(g_strv_length((char **)sizes), 2);
	ck_assert_str_eq(sizes[0], "2M");
	ck_assert_str_eq(sizes[1], "1G");
	ck_assert_str_eq(hc_probe_test_string(hc_probe_test_get(res, "host.cmdline.tsx")), "off");
	ck_assert_str_eq(
	    hc_probe_test_string(hc_probe_test_get(res, "host.cmdline.default_hugepagesz")),
	    "1G");
	/* "kvm-amd.sev_es" is the same parameter as "kvm_amd.sev_es" */
	ck_assert_str_eq(
	    hc_probe_test_string(hc_probe_test_get(res, "host.cmdline.kvm_amd.sev_es")),
	    "1");
	ck_assert_int_eq(hc_probe_test_get(res, "host.cmdline.mitigations")->state,
			 HC_CAP_STATE_UNSUPPORTED);
	ck_assert_int_eq(hc_probe_test_get(res, "host.cmdline.nosmt")->state,
			 HC_CAP_STATE_SUPPORTED);
	ck_assert_str_eq(hc_probe_test_string(hc_probe_test_get(res, "host.cpu.vendor")),
			 "AuthenticAMD");
	ck_assert_int_eq(hc_probe_test_int(hc_probe_test_get(res, "host.cpu.family")), 25);
	ck_assert_str_eq(hc_probe_test_string(hc_probe_test_get(res, "host.kernel.release")),
			 "6.1.0-18-amd64");
	/* the fixture has no vulnerabilities directory: said so, not dropped */
	ck_assert_int_eq(hc_probe_test_get(res, "host.vulnerabilities")->state,
			 HC_CAP_STATE_UNSUPPORTED);
}
END_TEST

START_TEST(test_host_fixture_captured)
{
	g_autofree char *root = hc_probe_test_fixture("pvm-xeon-6.18");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_host, root);
	const HcCapability *vuln = hc_probe_test_get(res, "host.vulnerabilities");
	g_autofree const char **names = g_variant_get_strv(vuln->value, NULL);

	ck_assert_str_eq(hc_probe_test_string(hc_probe_test_get(res, "host.cmdline.mitigations")),
			 "auto,no_guest_host,no_guest_guest");
	ck_assert_str_eq(hc_probe_test_string(hc_probe_test_get(res, "host.kernel.release")),
			 "6.18.44-fc-v769");
	ck_assert(g_strv_contains(names, "retbleed"));
	ck_assert(!g_strv_contains(names, "meltdown"));
	ck_assert_str_eq(
	    hc_probe_test_string(hc_probe_test_get(res, "host.vulnerabilities.meltdown")),
	    "Not affected");
	/* every declared id got a finding from the probe itself */
	for (guint i = 0; i < res->capabilities->len; i++) {
		const HcCapability *cap = g_ptr_array_index(res->capabilities, i);

		ck_assert_msg(cap->state != HC_CAP_STATE_UNKNOWN, "%s: %s", cap->id, cap->reason);
	}
}
END_TEST

static Suite *
host_suite(void)
{
	Suite *s = suite_create("probe-host");
	TCase *tc = tcase_create("host");

	tcase_add_test(tc, test_host_real_uname);
	tcase_add_test(tc, test_host_real_microcode);
	tcase_add_test(tc, test_host_real_vulnerabilities);
	tcase_add_test(tc, test_host_fixture_sev_host);
	tcase_add_test(tc, test_host_fixture_captured);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_probe_test_main(host_suite(), argc, argv);
}
