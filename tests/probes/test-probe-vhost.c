/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vhost probe: the absent-device path on the no-devices fixture (this machine has no
 * vhost nodes), the real machine's answer against access(2) and, when a node exists, the
 * test's own VHOST_GET_FEATURES and VHOST_GET_FEATURES_ARRAY; a node that takes no vhost
 * ioctl (a plain file) and vDPA nodes on made-up sysroots.
 */
#include <check.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vhost.h>

#include "hc-probe-test.h"
#include "vhost/hc-probe-vhost.h"

static const struct {
	const char *node;
	const char *present;
	const char *feature;
} devices[] = {
    {"/dev/vhost-net", "vhost.net.present", "vhost.net.feature.ring_reset"},
    {"/dev/vhost-vsock", "vhost.vsock.present", "vhost.vsock.feature.seqpacket"},
    {"/dev/vhost-scsi", "vhost.scsi.present", "vhost.scsi.abi_version"},
};

/* the extended (above bit 63) virtio-net bits read through VHOST_GET_FEATURES_ARRAY */
static const struct {
	const char *id;
	guint bit;
} ext_bits[] = {
    {"vhost.net.feature.guest_udp_tunnel_gso", 65},
    {"vhost.net.feature.guest_udp_tunnel_gso_csum", 66},
    {"vhost.net.feature.host_udp_tunnel_gso", 67},
    {"vhost.net.feature.host_udp_tunnel_gso_csum", 68},
};

/* _IOR(0xAF, 0x83, struct vhost_features_array), written out from the uapi definition */
#define TEST_VHOST_GET_FEATURES_ARRAY 0x8008AF83UL

START_TEST(test_vhost_real_matches_access)
{
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_vhost, NULL);

	hc_probe_test_assert_complete(&hc_probe_vhost, res);
	for (guint i = 0; i < G_N_ELEMENTS(devices); i++) {
		const HcCapability *cap = hc_probe_test_get(res, devices[i].present);
		g_autofree char *enoent =
		    g_strdup_printf("open %s: No such file or directory", devices[i].node);

		if (access(devices[i].node, F_OK) != 0) {
			ck_assert_int_eq(cap->state, HC_CAP_STATE_UNSUPPORTED);
			ck_assert_str_eq(cap->reason, enoent);
			ck_assert_int_eq(hc_probe_test_get(res, devices[i].feature)->state,
					 HC_CAP_STATE_UNSUPPORTED);
			ck_assert_str_eq(hc_probe_test_get(res, devices[i].feature)->reason,
					 enoent);
		} else if (geteuid() == 0) {
			ck_assert_int_eq(cap->state, HC_CAP_STATE_SUPPORTED);
		}
	}
}
END_TEST

/* the array ids follow /dev/vhost-net: absent node, the open error; else the test's own ioctl */
START_TEST(test_vhost_net_features_array_match_kernel)
{
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_vhost, NULL);
	const HcCapability *array = hc_probe_test_get(res, "vhost.net.features_array");
	guint64 buf[3] = {2, 0, 0};
	int fd;

	if (access("/dev/vhost-net", F_OK) != 0) {
		ck_assert_int_eq(array->state, HC_CAP_STATE_UNSUPPORTED);
		ck_assert_str_eq(array->reason, "open /dev/vhost-net: No such file or directory");
		for (guint i = 0; i < G_N_ELEMENTS(ext_bits); i++) {
			const HcCapability *cap = hc_probe_test_get(res, ext_bits[i].id);
			ck_assert_int_eq(cap->state, HC_CAP_STATE_UNSUPPORTED);
			ck_assert_str_eq(cap->reason,
					 "open /dev/vhost-net: No such file or directory");
		}
		return;
	}
	fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ck_assert_int_ne(array->state, HC_CAP_STATE_SUPPORTED);
		return;
	}
	if (ioctl(fd, TEST_VHOST_GET_FEATURES_ARRAY, buf) < 0) {
		close(fd);
		ck_assert_int_ne(array->state, HC_CAP_STATE_SUPPORTED);
		for (guint i = 0; i < G_N_ELEMENTS(ext_bits); i++)
			ck_assert_int_eq(hc_probe_test_get(res, ext_bits[i].id)->state,
					 HC_CAP_STATE_UNKNOWN);
		return;
	}
	close(fd);
	ck_assert_int_eq(array->state, HC_CAP_STATE_SUPPORTED);
	ck_assert_int_eq(hc_probe_test_get_int(res, "vhost.net.features_array"), 2);
	for (guint i = 0; i < G_N_ELEMENTS(ext_bits); i++)
		ck_assert_int_eq(hc_probe_test_get(res, ext_bits[i].id)->state ==
				     HC_CAP_STATE_SUPPORTED,
				 (buf[2] >> (ext_bits[i].bit - 64)) & 1);
}
END_TEST

/* only meaningful where the node exists: the test's own VHOST_GET_FEATURES */
START_TEST(test_vhost_net_features_match_kernel)
{
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_vhost, NULL);
	guint64 features = 0;
	int fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		ck_assert_int_ne(hc_probe_test_get(res, "vhost.net.present")->state,
				 HC_CAP_STATE_SUPPORTED);
		return;
	}
	ck_assert_int_eq(ioctl(fd, VHOST_GET_FEATURES, &features), 0);
	close(fd);
	ck_assert_int_eq(hc_probe_test_get_int(res, "vhost.net.features"), (gint64)features);
	ck_assert_int_eq(hc_probe_test_get(res, "vhost.net.feature.ring_reset")->state ==
			     HC_CAP_STATE_SUPPORTED,
			 (features >> 40) & 1);
}
END_TEST

START_TEST(test_vhost_no_devices_fixture)
{
	g_autofree char *root = hc_probe_test_fixture("no-devices");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_vhost, root);

	hc_probe_test_assert_complete(&hc_probe_vhost, res);
	hc_probe_test_assert_all_in_state(&hc_probe_vhost, res, HC_CAP_STATE_UNSUPPORTED, NULL);
	ck_assert_str_eq(hc_probe_test_get(res, "vhost.net.feature.ring_reset")->reason,
			 "open /dev/vhost-net: No such file or directory");
	ck_assert_str_eq(hc_probe_test_get(res, "vhost.vsock.feature.seqpacket")->reason,
			 "open /dev/vhost-vsock: No such file or directory");
	ck_assert_str_eq(hc_probe_test_get(res, "vhost.scsi.abi_version")->reason,
			 "open /dev/vhost-scsi: No such file or directory");
	ck_assert_str_eq(hc_probe_test_get(res, "vhost.net.features_array")->reason,
			 "open /dev/vhost-net: No such file or directory");
	for (guint i = 0; i < G_N_ELEMENTS(ext_bits); i++)
		ck_assert_str_eq(hc_probe_test_get(res, ext_bits[i].id)->reason,
				 "open /dev/vhost-net: No such file or directory");
}
END_TEST

/*
 * a node that opens but takes no vhost ioctl (a plain file answers ENOTTY, as a kernel
 * before 6.17 does for VHOST_GET_FEATURES_ARRAY): the array is unsupported, its bits unknown
 */
START_TEST(test_vhost_net_node_without_ioctls)
{
	g_autofree char *root = g_dir_make_tmp("hc-vhost-XXXXXX", NULL);
	g_autoptr(HcProbeResult) res = NULL;
	const HcCapability *cap;

	hc_probe_test_write(root, "dev/vhost-net", "");
	res = hc_probe_test_run(&hc_probe_vhost, root);
	hc_probe_test_assert_complete(&hc_probe_vhost, res);
	ck_assert_int_eq(hc_probe_test_get(res, "vhost.net.present")->state,
			 HC_CAP_STATE_SUPPORTED);
	cap = hc_probe_test_get(res, "vhost.net.features_array");
	ck_assert_int_eq(cap->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_str_eq(cap->reason, "VHOST_GET_FEATURES_ARRAY: Inappropriate ioctl for device");
	for (guint i = 0; i < G_N_ELEMENTS(ext_bits); i++) {
		cap = hc_probe_test_get(res, ext_bits[i].id);
		ck_assert_int_eq(cap->state, HC_CAP_STATE_UNKNOWN);
		ck_assert_str_eq(cap->reason,
				 "VHOST_GET_FEATURES_ARRAY: Inappropriate ioctl for device");
	}
	/* the 64-bit ids keep their own cause */
	cap = hc_probe_test_get(res, "vhost.net.feature.ring_reset");
	ck_assert_int_eq(cap->state, HC_CAP_STATE_UNKNOWN);
	ck_assert_str_eq(cap->reason, "VHOST_GET_FEATURES: Inappropriate ioctl for device");
	cap = hc_probe_test_get(res, "vhost.net.backend_features");
	ck_assert_int_eq(cap->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_str_eq(cap->reason, "VHOST_GET_BACKEND_FEATURES: Inappropriate ioctl for device");
	hc_probe_test_rm_rf(root);
}
END_TEST

START_TEST(test_vhost_vdpa_nodes)
{
	g_autofree char *root = g_dir_make_tmp("hc-vdpa-XXXXXX", NULL);
	g_autoptr(HcProbeResult) res = NULL;
	g_autofree const char **list = NULL;
	const HcCapability *cap;

	hc_probe_test_write(root, "dev/vhost-vdpa-1", "");
	hc_probe_test_write(root, "dev/vhost-vdpa-0", "");
	hc_probe_test_write(root, "dev/null", "");
	res = hc_probe_test_run(&hc_probe_vhost, root);
	cap = hc_probe_test_get(res, "vhost.vdpa.devices");
	ck_assert_int_eq(cap->state, HC_CAP_STATE_SUPPORTED);
	list = g_variant_get_strv(cap->value, NULL);
	ck_assert_int_eq(g_strv_length((char **)list), 2);
	ck_assert_str_eq(list[0], "/dev/vhost-vdpa-0");
	ck_assert_str_eq(list[1], "/dev/vhost-vdpa-1");
	hc_probe_test_rm_rf(root);
}
END_TEST

static Suite *
vhost_suite(void)
{
	Suite *s = suite_create("probe-vhost");
	TCase *tc = tcase_create("vhost");

	tcase_add_test(tc, test_vhost_real_matches_access);
	tcase_add_test(tc, test_vhost_net_features_match_kernel);
	tcase_add_test(tc, test_vhost_net_features_array_match_kernel);
	tcase_add_test(tc, test_vhost_net_node_without_ioctls);
	tcase_add_test(tc, test_vhost_no_devices_fixture);
	tcase_add_test(tc, test_vhost_vdpa_nodes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_probe_test_main(vhost_suite(), argc, argv);
}
