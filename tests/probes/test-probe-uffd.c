/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uffd probe: features against the test's own UFFDIO_API handshake, postcopy against the
 * test's own MISSING registration, and the device and sysctl paths on fixture sysroots.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#include "hc-probe-test.h"
#include "uffd/hc-probe-uffd.h"

/* UFFD_FEATURE_* by bit, from include/uapi/linux/userfaultfd.h */
static const struct {
	const char *name;
	guint bit;
} features[] = {
    {"pagefault_flag_wp", 0},
    {"event_fork", 1},
    {"event_remap", 2},
    {"event_remove", 3},
    {"missing_hugetlbfs", 4},
    {"missing_shmem", 5},
    {"event_unmap", 6},
    {"sigbus", 7},
    {"thread_id", 8},
    {"minor_hugetlbfs", 9},
    {"minor_shmem", 10},
    {"exact_address", 11},
    {"wp_hugetlbfs_shmem", 12},
    {"wp_unpopulated", 13},
    {"poison", 14},
    {"wp_async", 15},
    {"move", 16},
};

static int
test_uffd_open(void)
{
	int fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		int dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
		if (dev >= 0) {
			fd = ioctl(dev, USERFAULTFD_IOC_NEW, O_CLOEXEC | O_NONBLOCK);
			close(dev);
		}
	}
	return fd;
}

START_TEST(test_uffd_features_match_kernel)
{
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_uffd, NULL);
	struct uffdio_api api = {.api = UFFD_API, .features = 0};
	int fd = test_uffd_open();

	hc_probe_test_assert_complete(&hc_probe_uffd, res);
	if (fd < 0) {
		ck_assert_int_ne(hc_probe_test_get(res, "uffd.api")->state, HC_CAP_STATE_SUPPORTED);
		return;
	}
	ck_assert_int_eq(ioctl(fd, UFFDIO_API, &api), 0);
	close(fd);
	ck_assert_int_eq(hc_probe_test_get_int(res, "uffd.api"), (gint64)api.features);
	for (guint i = 0; i < G_N_ELEMENTS(features); i++) {
		g_autofree char *id = g_strdup_printf("uffd.feature.%s", features[i].name);
		const HcCapability *cap = hc_probe_test_get(res, id);
		gboolean set = (api.features & (1ULL << features[i].bit)) != 0;
		ck_assert_msg((cap->state == HC_CAP_STATE_SUPPORTED) == set,
			      "%s: probe %s, kernel %s",
			      id,
			      hc_cap_state_to_string(cap->state),
			      set ? "offers it" : "does not");
	}
}
END_TEST

START_TEST(test_uffd_syscall_and_postcopy_match_kernel)
{
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_uffd, NULL);
	int fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	struct uffdio_api api = {.api = UFFD_API};
	struct uffdio_register reg;
	long page = sysconf(_SC_PAGESIZE);
	guint64 need = (1ULL << _UFFDIO_WAKE) | (1ULL << _UFFDIO_COPY) | (1ULL << _UFFDIO_ZEROPAGE);
	void *area;

	int user_fd = -1;

	/* without the right to kernel-mode faults, a user-mode-only fd shows the syscall */
	if (fd < 0 && errno == EPERM)
		user_fd = (int)syscall(__NR_userfaultfd, 1 /* UFFD_USER_MODE_ONLY */ | O_CLOEXEC);
	ck_assert_int_eq(hc_probe_test_get(res, "uffd.syscall")->state == HC_CAP_STATE_SUPPORTED,
			 fd >= 0 || user_fd >= 0);
	if (user_fd >= 0)
		close(user_fd);
	if (fd < 0)
		return;
	ck_assert_int_eq(ioctl(fd, UFFDIO_API, &api), 0);
	area = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(area, MAP_FAILED);
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (guint64)(guintptr)area;
	reg.range.len = page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ck_assert_int_eq(ioctl(fd, UFFDIO_REGISTER, &reg), 0);
	close(fd);
	munmap(area, page);
	ck_assert_int_eq(hc_probe_test_get(res, "uffd.postcopy")->state == HC_CAP_STATE_SUPPORTED,
			 (reg.ioctls & need) == need);
}
END_TEST

START_TEST(test_uffd_no_devices_fixture)
{
	g_autofree char *root = hc_probe_test_fixture("no-devices");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_uffd, root);
	const HcCapability *dev = hc_probe_test_get(res, "uffd.dev");

	hc_probe_test_assert_complete(&hc_probe_uffd, res);
	ck_assert_int_eq(dev->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_str_eq(dev->reason, "open /dev/userfaultfd: No such file or directory");
	ck_assert_int_eq(hc_probe_test_get_int(res, "vm.unprivileged_userfaultfd"), 0);
}
END_TEST

START_TEST(test_uffd_sysctl_from_sysroot)
{
	g_autofree char *root = g_dir_make_tmp("hc-uffd-XXXXXX", NULL);
	g_autoptr(HcProbeResult) res = NULL;
	g_autoptr(HcProbeResult) bare = NULL;
	g_autofree char *empty = g_dir_make_tmp("hc-uffd-empty-XXXXXX", NULL);
	const HcCapability *cap;

	hc_probe_test_write(root, "proc/sys/vm/unprivileged_userfaultfd", "1\n");
	res = hc_probe_test_run(&hc_probe_uffd, root);
	ck_assert_int_eq(hc_probe_test_get_int(res, "vm.unprivileged_userfaultfd"), 1);

	/* a kernel without the knob (before 5.2) */
	bare = hc_probe_test_run(&hc_probe_uffd, empty);
	cap = hc_probe_test_get(bare, "vm.unprivileged_userfaultfd");
	ck_assert_int_eq(cap->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_str_eq(cap->reason, "/proc/sys/vm/unprivileged_userfaultfd: no such sysctl");
	hc_probe_test_rm_rf(root);
	hc_probe_test_rm_rf(empty);
}
END_TEST

static Suite *
uffd_suite(void)
{
	Suite *s = suite_create("probe-uffd");
	TCase *tc = tcase_create("uffd");

	tcase_add_test(tc, test_uffd_features_match_kernel);
	tcase_add_test(tc, test_uffd_syscall_and_postcopy_match_kernel);
	tcase_add_test(tc, test_uffd_no_devices_fixture);
	tcase_add_test(tc, test_uffd_sysctl_from_sysroot);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_probe_test_main(uffd_suite(), argc, argv);
}
