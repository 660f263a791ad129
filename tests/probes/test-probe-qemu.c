/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * probe "qemu" on sysroots: a host without QEMU (the no-kvm fixture) and hosts whose
 * qemu-system-x86_64 is broken. The real releases are judged in the qemu suite
 * (tests/qemu/test-qemu-probe.c), against their own --version and help output.
 */
#include <check.h>
#include <glib/gstdio.h>
#include <string.h>

#include "hc-probe-test.h"

extern const HcProbeInfo hc_probe_qemu;

START_TEST(test_qemu_absent)
{
	g_autofree char *root = hc_probe_test_fixture("no-kvm");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_qemu, root);
	const HcCapability *present = hc_probe_test_get(res, "qemu.present");

	hc_probe_test_assert_all_in_state(&hc_probe_qemu,
					  res,
					  HC_CAP_STATE_UNSUPPORTED,
					  "no QEMU binary");
	/* the reason says where it looked, as the host names those places */
	ck_assert_msg(strstr(present->reason, "/usr/libexec/qemu-kvm") != NULL,
		      "%s",
		      present->reason);
	ck_assert_msg(strstr(present->reason, "qemu-system-x86_64") != NULL, "%s", present->reason);
	ck_assert_msg(strstr(present->reason, root) == NULL, "%s", present->reason);
}
END_TEST

/* a qemu-system-x86_64 that fails: present, every other fact unknown with its message */
START_TEST(test_qemu_broken)
{
	g_autofree char *root = g_dir_make_tmp("hc-qemu-broken-XXXXXX", NULL);
	g_autofree char *bin = g_build_filename(root, "usr/libexec/qemu-kvm", NULL);
	g_autoptr(HcProbeResult) res = NULL;
	const HcCapability *machines;

	hc_probe_test_write(root,
			    "usr/libexec/qemu-kvm",
			    "#!/bin/sh\necho 'no such accelerator' >&2\nexit 1\n");
	ck_assert_int_eq(g_chmod(bin, 0755), 0);
	res = hc_probe_test_run(&hc_probe_qemu, root);
	hc_probe_test_assert_complete(&hc_probe_qemu, res);
	ck_assert_int_eq(hc_probe_test_get(res, "qemu.present")->state, HC_CAP_STATE_SUPPORTED);
	ck_assert_str_eq(g_variant_get_string(hc_probe_test_get(res, "qemu.binary")->value, NULL),
			 "/usr/libexec/qemu-kvm");
	machines = hc_probe_test_get(res, "qemu.machines");
	ck_assert_int_eq(machines->state, HC_CAP_STATE_UNKNOWN);
	ck_assert_msg(strstr(machines->reason, "no such accelerator") != NULL,
		      "%s",
		      machines->reason);
	ck_assert_int_eq(hc_probe_test_get(res, "qemu.version")->state, HC_CAP_STATE_UNKNOWN);
	hc_probe_test_rm_rf(root);
}
END_TEST

/* a program that exits 0 but speaks no QMP is not taken for QEMU */
START_TEST(test_qemu_not_qemu)
{
	g_autofree char *root = g_dir_make_tmp("hc-qemu-notqemu-XXXXXX", NULL);
	g_autofree char *bin = g_build_filename(root, "usr/libexec/qemu-kvm", NULL);
	g_autoptr(HcProbeResult) res = NULL;
	const HcCapability *version;

	hc_probe_test_write(root,
			    "usr/libexec/qemu-kvm",
			    "#!/bin/sh\necho '{\"QMP\": {}}'\necho '[1,2'\nexit 0\n");
	ck_assert_int_eq(g_chmod(bin, 0755), 0);
	res = hc_probe_test_run(&hc_probe_qemu, root);
	version = hc_probe_test_get(res, "qemu.version");
	ck_assert_int_eq(version->state, HC_CAP_STATE_UNKNOWN);
	ck_assert_msg(strstr(version->reason, "QMP answered 0 of 5 commands") != NULL,
		      "%s",
		      version->reason);
	hc_probe_test_rm_rf(root);
}
END_TEST

static Suite *
qemu_suite(void)
{
	Suite *s = suite_create("probe-qemu");
	TCase *tc = tcase_create("sysroot");

	tcase_add_test(tc, test_qemu_absent);
	tcase_add_test(tc, test_qemu_broken);
	tcase_add_test(tc, test_qemu_not_qemu);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_probe_test_main(qemu_suite(), argc, argv);
}
