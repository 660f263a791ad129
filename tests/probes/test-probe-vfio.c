/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vfio probe: nothing is bound here, so the absent paths are proven on fixtures
 * (no-devices, vfio-bound: one device bound to vfio-pci whose group node is missing) and
 * the real machine's answers are checked against access(2) and a count of the groups.
 * That the probe never opens a group unless told to is watched with inotify (IN_OPEN) on a
 * copy of vfio-bound that has a group node.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/inotify.h>
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
	/* by default from sysfs only: the driver bound is vfio-pci, which has no migration */
	mig = hc_probe_test_get(res, "vfio.dev.0000_01_00_0.migration");
	ck_assert_int_eq(mig->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_str_eq(mig->reason,
			 "bound to vfio-pci, which has no migration driver (device not opened: "
			 "VfioOpenDevices=no)");
}
END_TEST

/* vfio-bound with a group node /dev/vfio/1, watched for opens; returns the inotify fd */
static int
hc_vfio_watched_copy(char **root_out)
{
	g_autofree char *root = g_dir_make_tmp("hc-vfio-XXXXXX", NULL);
	g_autofree char *fixture = hc_probe_test_fixture("vfio-bound");
	g_autofree char *src = g_build_filename(fixture, "sys", NULL);
	g_autofree char *vfio_dir = NULL;
	int status = -1;
	int fd;
	const char *cp[] = {"cp", "-a", src, root, NULL};

	ck_assert_ptr_nonnull(root);
	ck_assert(g_spawn_sync(NULL,
			       (char **)cp,
			       NULL,
			       G_SPAWN_SEARCH_PATH,
			       NULL,
			       NULL,
			       NULL,
			       NULL,
			       &status,
			       NULL));
	ck_assert_int_eq(status, 0);
	hc_probe_test_write(root, "/dev/vfio/1", "");
	vfio_dir = g_build_filename(root, "dev", "vfio", NULL);
	fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(inotify_add_watch(fd, vfio_dir, IN_OPEN), 0);
	*root_out = g_steal_pointer(&root);
	return fd;
}

/* TRUE when the file "1" of the watched directory was opened since the last call */
static gboolean
hc_vfio_group_was_opened(int fd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	gboolean opened = FALSE;
	ssize_t len;

	while ((len = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if ((ev->mask & IN_OPEN) && ev->len > 0 && g_str_equal(ev->name, "1"))
				opened = TRUE;
			p += sizeof(*ev) + ev->len;
		}
	}
	ck_assert_int_eq(errno, EAGAIN);
	return opened;
}

START_TEST(test_vfio_never_opens_a_group_by_default)
{
	g_autofree char *root = NULL;
	int fd = hc_vfio_watched_copy(&root);
	HcEngineOptions opts = {.sysroot = root, .open_devices = TRUE};
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_vfio, root);
	g_autoptr(HcProbeResult) opened = NULL;

	ck_assert_msg(!hc_vfio_group_was_opened(fd), "the vfio probe opened /dev/vfio/1");
	ck_assert_int_eq(hc_probe_test_get(res, "vfio.dev.0000_01_00_0.migration")->state,
			 HC_CAP_STATE_UNSUPPORTED);
	/* told to (VfioOpenDevices=yes, a deliberate pass), it does: the watch sees opens */
	opened = hc_engine_run_probe_sync(&hc_probe_vfio, &opts);
	ck_assert_msg(hc_vfio_group_was_opened(fd), "the watch missed the group's open");
	ck_assert_int_eq(hc_probe_test_get(opened, "vfio.dev.0000_01_00_0.migration")->state,
			 HC_CAP_STATE_UNKNOWN);
	close(fd);
	hc_probe_test_rm_rf(root);
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
	tcase_add_test(tc, test_vfio_never_opens_a_group_by_default);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_probe_test_main(vfio_suite(), argc, argv);
}
