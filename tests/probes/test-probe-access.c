/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * access probe: device nodes made by the test (mknod, chown, chmod) in a temporary sysroot,
 * judged for the users root and nobody; the real machine for root against access(2).
 */
#include <check.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "hc-probe-test.h"
#include "access/hc-probe-access.h"

/* a character device node owned by @uid:@gid with @mode under @root */
static void
make_node(const char *root, const char *rel, mode_t mode, uid_t uid, gid_t gid)
{
	g_autofree char *path = g_build_filename(root, rel, NULL);
	g_autofree char *dir = g_path_get_dirname(path);

	ck_assert_int_eq(g_mkdir_with_parents(dir, 0755), 0);
	ck_assert_msg(mknod(path, S_IFCHR | mode, makedev(1, 3)) == 0, "mknod %s", path);
	ck_assert_int_eq(chown(path, uid, gid), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

START_TEST(test_access_modes_for_nobody)
{
	g_autofree char *root = g_dir_make_tmp("hc-access-XXXXXX", NULL);
	g_autoptr(HcProbeResult) res = NULL;
	const HcCapability *cap;

	ck_assert_msg(geteuid() == 0, "mknod/chown need root");
	make_node(root, "dev/kvm", 0660, 0, 65534);
	make_node(root, "dev/net/tun", 0600, 0, 0);
	make_node(root, "dev/userfaultfd", 0600, 0, 0);
	hc_probe_test_write(root, "proc/sys/vm/unprivileged_userfaultfd", "1\n");
	res = hc_probe_test_run_full(&hc_probe_access, root, "nobody", NULL);
	hc_probe_test_assert_complete(&hc_probe_access, res);

	cap = hc_probe_test_get(res, "kvm.access.qemu-user");
	ck_assert_int_eq(cap->state, HC_CAP_STATE_SUPPORTED);
	ck_assert_str_eq(cap->reason,
			 "/dev/kvm is crw-rw---- root:nogroup; nobody is in group nogroup");
	cap = hc_probe_test_get(res, "net.tun.access.qemu-user");
	ck_assert_int_eq(cap->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_str_eq(
	    cap->reason,
	    "/dev/net/tun is crw------- root:root; nobody is not root and not in group "
	    "root, so it cannot open it read-write");
	cap = hc_probe_test_get(res, "vhost.net.access.qemu-user");
	ck_assert_int_eq(cap->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_str_eq(cap->reason, "stat /dev/vhost-net: No such file or directory");
	/* the node says no, the sysctl says yes */
	cap = hc_probe_test_get(res, "uffd.access.qemu-user");
	ck_assert_int_eq(cap->state, HC_CAP_STATE_SUPPORTED);
	ck_assert_ptr_nonnull(strstr(cap->reason, "vm.unprivileged_userfaultfd = 1"));

	/* sysctl 0: nothing lets nobody in, and the reason owns up to what was not checked */
	hc_probe_test_write(root, "proc/sys/vm/unprivileged_userfaultfd", "0\n");
	g_clear_pointer(&res, hc_probe_result_free);
	res = hc_probe_test_run_full(&hc_probe_access, root, "nobody", NULL);
	cap = hc_probe_test_get(res, "uffd.access.qemu-user");
	ck_assert_int_eq(cap->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(cap->reason, "CAP_SYS_PTRACE not checked"));
	hc_probe_test_rm_rf(root);
}
END_TEST

START_TEST(test_access_world_and_owner)
{
	g_autofree char *root = g_dir_make_tmp("hc-access-XXXXXX", NULL);
	g_autoptr(HcProbeResult) res = NULL;

	make_node(root, "dev/kvm", 0666, 0, 0);
	make_node(root, "dev/net/tun", 0600, 65534, 0);
	make_node(root, "dev/vhost-net", 0640, 0, 65534);
	res = hc_probe_test_run_full(&hc_probe_access, root, "nobody", NULL);
	ck_assert_int_eq(hc_probe_test_get(res, "kvm.access.qemu-user")->state,
			 HC_CAP_STATE_SUPPORTED);
	ck_assert_str_eq(hc_probe_test_get(res, "net.tun.access.qemu-user")->reason,
			 "/dev/net/tun is crw------- nobody:root; nobody owns it");
	/* group read only is not read-write */
	ck_assert_int_eq(hc_probe_test_get(res, "vhost.net.access.qemu-user")->state,
			 HC_CAP_STATE_UNSUPPORTED);
	hc_probe_test_rm_rf(root);
}
END_TEST

START_TEST(test_access_real_root)
{
	g_autoptr(HcProbeResult) res = hc_probe_test_run_full(&hc_probe_access, NULL, "root", NULL);
	static const struct {
		const char *id;
		const char *node;
	} nodes[] = {
	    {"kvm.access.qemu-user", "/dev/kvm"},
	    {"net.tun.access.qemu-user", "/dev/net/tun"},
	    {"vhost.net.access.qemu-user", "/dev/vhost-net"},
	};

	hc_probe_test_assert_complete(&hc_probe_access, res);
	for (guint i = 0; i < G_N_ELEMENTS(nodes); i++)
		ck_assert_int_eq(hc_probe_test_get(res, nodes[i].id)->state ==
				     HC_CAP_STATE_SUPPORTED,
				 access(nodes[i].node, F_OK) == 0);
}
END_TEST

START_TEST(test_access_unknown_user)
{
	g_autoptr(HcProbeResult) res =
	    hc_probe_test_run_full(&hc_probe_access, NULL, "hc-no-such-user", NULL);
	const HcCapability *cap = hc_probe_test_get(res, "kvm.access.qemu-user");

	hc_probe_test_assert_complete(&hc_probe_access, res);
	ck_assert_int_eq(cap->state, HC_CAP_STATE_UNKNOWN);
	ck_assert_str_eq(cap->reason,
			 "QemuUser=hc-no-such-user: getpwnam_r(hc-no-such-user): no such user");
}
END_TEST

static Suite *
access_suite(void)
{
	Suite *s = suite_create("probe-access");
	TCase *tc = tcase_create("access");

	tcase_add_test(tc, test_access_modes_for_nobody);
	tcase_add_test(tc, test_access_world_and_owner);
	tcase_add_test(tc, test_access_real_root);
	tcase_add_test(tc, test_access_unknown_user);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_probe_test_main(access_suite(), argc, argv);
}
