/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * probe "kvm": fixture sysroots for the paths this machine cannot show (no /dev/kvm, a
 * /dev/kvm that is not the device), and a cross-check of every reported cap against
 * KVM_CHECK_EXTENSION issued here, with the uapi header's ioctl numbers; Hyper-V
 * enlightenments against KVM_GET_SUPPORTED_HV_CPUID issued here.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kvm/hc-kvm-caps.h"
#include "hc-probe-test.h"

extern const HcProbeInfo hc_probe_kvm;

START_TEST(test_kvm_no_device)
{
	g_autofree char *root = hc_probe_test_fixture("no-kvm");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_kvm, root);

	/* every id, including every cap, says why: the node does not exist */
	hc_probe_test_assert_all_in_state(&hc_probe_kvm,
					  res,
					  HC_CAP_STATE_UNSUPPORTED,
					  "open /dev/kvm: No such file or directory");
	ck_assert_uint_ge(res->capabilities->len, 2 * hc_kvm_caps_len);
}
END_TEST

START_TEST(test_kvm_not_a_device)
{
	g_autofree char *root = hc_probe_test_fixture("kvm-not-a-device");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_kvm, root);
	g_autofree char *expected =
	    g_strdup_printf("KVM_GET_API_VERSION on /dev/kvm: %s", g_strerror(ENOTTY));

	hc_probe_test_assert_all_in_state(&hc_probe_kvm, res, HC_CAP_STATE_UNKNOWN, expected);
}
END_TEST

START_TEST(test_kvm_real_present)
{
	g_autoptr(HcProbeResult) res = NULL;
	const HcCapability *present;
	int fd;
	int vm;

	res = hc_probe_test_run(&hc_probe_kvm, NULL);
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(hc_probe_test_int(hc_probe_test_get(res, "kvm.api_version")),
			 ioctl(fd, KVM_GET_API_VERSION, 0));
	vm = ioctl(fd, KVM_CREATE_VM, 0);
	present = hc_probe_test_get(res, "kvm.present");
	ck_assert_int_eq(present->state,
			 vm >= 0 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED);
	ck_assert_int_eq(hc_probe_test_bool(present), vm >= 0);
	if (vm >= 0)
		close(vm);
	close(fd);
}
END_TEST

START_TEST(test_kvm_real_access_denied)
{
	g_autoptr(HcProbeResult) res = NULL;
	g_autofree char *root = g_dir_make_tmp("hc-kvm-denied-XXXXXX", NULL);
	g_autofree char *dev = NULL;
	g_autofree char *node = NULL;
	struct stat st;

	/* a copy of the real device node, closed to others, in a sysroot of the test's own: the
	 * host's /dev/kvm may be 0666. Check runs each test in its own forked process, so
	 * dropping privileges here only affects this test */
	ck_assert_msg(geteuid() == 0, "dropping to nobody needs root");
	ck_assert_int_eq(stat("/dev/kvm", &st), 0);
	ck_assert_ptr_nonnull(root);
	dev = g_build_filename(root, "dev", NULL);
	node = g_build_filename(dev, "kvm", NULL);
	ck_assert_int_eq(g_mkdir_with_parents(dev, 0755), 0);
	ck_assert_int_eq(chmod(root, 0755), 0);
	ck_assert_int_eq(mknod(node, S_IFCHR | 0600, st.st_rdev), 0);
	ck_assert_int_eq(setresgid(65534, 65534, 65534), 0);
	ck_assert_int_eq(setgroups(0, NULL), 0);
	ck_assert_int_eq(setresuid(65534, 65534, 65534), 0);
	res = hc_probe_test_run(&hc_probe_kvm, root);
	/* permission says nothing about the host's KVM: unknown, with the errno text */
	hc_probe_test_assert_all_in_state(&hc_probe_kvm,
					  res,
					  HC_CAP_STATE_UNKNOWN,
					  "open /dev/kvm: Permission denied");
}
END_TEST

static void
check_cap(const HcProbeResult *res, const char *id, int expected)
{
	const HcCapability *cap = hc_probe_test_get(res, id);

	ck_assert_msg(expected >= 0,
		      "%s: KVM_CHECK_EXTENSION failed here: %s",
		      id,
		      g_strerror(errno));
	ck_assert_msg(hc_probe_test_int(cap) == expected,
		      "%s: probe says %" G_GINT64_FORMAT ", KVM_CHECK_EXTENSION says %d",
		      id,
		      hc_probe_test_int(cap),
		      expected);
	ck_assert_int_eq(cap->state,
			 expected > 0 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED);
}

START_TEST(test_kvm_real_caps)
{
	g_autoptr(HcProbeResult) res = NULL;
	int fd;
	int vm;

	res = hc_probe_test_run(&hc_probe_kvm, NULL);
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	vm = ioctl(fd, KVM_CREATE_VM, 0);
	ck_assert_int_ge(vm, 0);
	for (guint i = 0; i < hc_kvm_caps_len; i++) {
		g_autofree char *sys_id = g_strdup_printf("kvm.cap.%s", hc_kvm_caps[i].name);
		g_autofree char *vm_id = g_strdup_printf("kvm.vm.cap.%s", hc_kvm_caps[i].name);

		check_cap(res, sys_id, ioctl(fd, KVM_CHECK_EXTENSION, hc_kvm_caps[i].number));
		check_cap(res, vm_id, ioctl(vm, KVM_CHECK_EXTENSION, hc_kvm_caps[i].number));
	}
	/* the friendly ids carry the same numbers as the views they name */
	check_cap(res, "kvm.vcpus.max", ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS));
	check_cap(res, "kvm.memslots", ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS));
	check_cap(res, "kvm.x2apic_api", ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_X2APIC_API));
	check_cap(res, "kvm.dirty_ring", ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_DIRTY_LOG_RING));
	ck_assert_int_eq(hc_probe_test_bool(hc_probe_test_get(res, "kvm.smm")),
			 ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_X86_SMM) > 0);
	close(vm);
	close(fd);
}
END_TEST

START_TEST(test_kvm_real_vm_types)
{
	g_autoptr(HcProbeResult) res = NULL;
	g_autofree const char **names = NULL;
	const HcCapability *cap;
	int mask;
	int fd;

	res = hc_probe_test_run(&hc_probe_kvm, NULL);
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	/* 235 = KVM_CAP_VM_TYPES, newer than this build host's headers */
	mask = ioctl(fd, KVM_CHECK_EXTENSION, 235);
	close(fd);
	ck_assert_int_ge(mask, 0);
	cap = hc_probe_test_get(res, "kvm.vm_types");
	ck_assert_int_eq(cap->state, HC_CAP_STATE_SUPPORTED);
	names = g_variant_get_strv(cap->value, NULL);
	/* the default VM type always exists, reported or not */
	ck_assert_str_eq(names[0], "default");
	for (guint bit = 1; hc_kvm_vm_type_names[bit] != NULL; bit++) {
		gboolean listed = g_strv_contains(names, hc_kvm_vm_type_names[bit]);

		ck_assert_int_eq(listed, (mask >> bit) & 1);
	}
}
END_TEST

/* hv-relaxed is 0x40000004 EAX bit 5, hv-vpindex 0x40000003 EAX bit 6 (TLFS) */
static guint32
hv_reg(const struct kvm_cpuid2 *c, guint32 leaf)
{
	for (guint i = 0; i < c->nent; i++) {
		if (c->entries[i].function == leaf)
			return c->entries[i].eax;
	}
	return 0;
}

START_TEST(test_kvm_real_hyperv)
{
	g_autoptr(HcProbeResult) res = NULL;
	g_autofree struct kvm_cpuid2 *c = NULL;
	const HcCapability *relaxed;
	int fd;

	res = hc_probe_test_run(&hc_probe_kvm, NULL);
	relaxed = hc_probe_test_get(res, "kvm.hyperv.relaxed");
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	if (ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_SYS_HYPERV_CPUID) <= 0) {
		close(fd);
		ck_assert_int_eq(relaxed->state, HC_CAP_STATE_UNSUPPORTED);
		ck_assert_ptr_nonnull(strstr(relaxed->reason, "KVM_CAP_SYS_HYPERV_CPUID=191"));
		ck_assert_int_eq(hc_probe_test_get(res, "kvm.hyperv.evmcs")->state,
				 HC_CAP_STATE_UNSUPPORTED);
		return;
	}
	c = g_malloc0(sizeof(*c) + 64 * sizeof(struct kvm_cpuid_entry2));
	c->nent = 64;
	ck_assert_int_eq(ioctl(fd, KVM_GET_SUPPORTED_HV_CPUID, c), 0);
	close(fd);
	ck_assert_int_eq(hc_probe_test_bool(relaxed), (hv_reg(c, 0x40000004) >> 5) & 1);
	ck_assert_int_eq(hc_probe_test_bool(hc_probe_test_get(res, "kvm.hyperv.vpindex")),
			 (hv_reg(c, 0x40000003) >> 6) & 1);
}
END_TEST

static Suite *
kvm_suite(void)
{
	Suite *s = suite_create("probe-kvm");
	TCase *fixtures = tcase_create("fixtures");
	TCase *real = hc_probe_test_tcase_kvm("real");

	tcase_add_test(fixtures, test_kvm_no_device);
	tcase_add_test(fixtures, test_kvm_not_a_device);
	tcase_add_test(real, test_kvm_real_present);
	tcase_add_test(real, test_kvm_real_access_denied);
	tcase_add_test(real, test_kvm_real_caps);
	tcase_add_test(real, test_kvm_real_vm_types);
	tcase_add_test(real, test_kvm_real_hyperv);
	suite_add_tcase(s, fixtures);
	suite_add_tcase(s, real);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_probe_test_main(kvm_suite(), argc, argv);
}
