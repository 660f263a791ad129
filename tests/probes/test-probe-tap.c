/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tap probe: the probe's answers against the test's own TUNSETOFFLOAD/TUNGETFEATURES in a
 * namespace of its own, the host's interface list before and after, and the "no
 * /dev/net/tun" path on a fixture sysroot.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include "hc-probe-test.h"
#include "tap/hc-probe-tap.h"

typedef struct {
	unsigned int offload; /* the word to try */
	int setiff_errno;
	int offload_errno;
	unsigned int features;
} TapTry;

/* the test's own reading: private netns, tap, one TUNSETOFFLOAD */
static gpointer
tap_try_thread(gpointer data)
{
	TapTry *t = data;
	struct ifreq ifr;
	int fd;

	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ioctl(fd, TUNGETFEATURES, &t->features), 0);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	g_strlcpy(ifr.ifr_name, "hctest%d", sizeof(ifr.ifr_name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		t->setiff_errno = errno;
	} else if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)t->offload) < 0) {
		t->offload_errno = errno;
	}
	close(fd);
	return NULL;
}

static TapTry
tap_try(unsigned int offload)
{
	TapTry t = {.offload = offload};

	g_thread_join(g_thread_new("tap-try", tap_try_thread, &t));
	ck_assert_int_eq(t.setiff_errno, 0);
	return t;
}

START_TEST(test_tap_uso_matches_kernel)
{
	g_autoptr(HcProbeResult) res = NULL;
	TapTry t = tap_try(TUN_F_CSUM | TUN_F_USO4 | TUN_F_USO6);
	const HcCapability *uso;

	res = hc_probe_test_run(&hc_probe_tap, NULL);
	hc_probe_test_assert_complete(&hc_probe_tap, res);
	uso = hc_probe_test_get(res, "net.tap.uso");
	if (t.offload_errno == 0) {
		ck_assert_str_eq(hc_cap_state_to_string(uso->state), "supported");
		ck_assert_str_eq(uso->reason, "TUNSETOFFLOAD(CSUM|USO4|USO6): accepted");
	} else {
		g_autofree char *want = g_strdup_printf("TUNSETOFFLOAD(CSUM|USO4|USO6): %s",
							g_strerror(t.offload_errno));
		ck_assert_int_eq(t.offload_errno, EINVAL);
		ck_assert_str_eq(hc_cap_state_to_string(uso->state), "unsupported");
		ck_assert_str_eq(uso->reason, want);
	}
	ck_assert_int_eq(hc_probe_test_get_int(res, "net.tun.features"), t.features);
}
END_TEST

/* every offload word the probe tries, re-tried by the test */
START_TEST(test_tap_offloads_match_kernel)
{
	static const struct {
		const char *id;
		unsigned int word;
	} words[] = {
	    {"net.tap.csum", 0x01},
	    {"net.tap.tso4", 0x03},
	    {"net.tap.tso6", 0x05},
	    {"net.tap.ecn", 0x0f},
	    {"net.tap.ufo", 0x11},
	    {"net.tap.udp_tunnel_gso", 0x83},
	    {"net.tap.udp_tunnel_gso_csum", 0x183},
	};
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_tap, NULL);
	TapTry unknown = tap_try(0x201);

	for (guint i = 0; i < G_N_ELEMENTS(words); i++) {
		TapTry t = tap_try(words[i].word);
		const HcCapability *cap = hc_probe_test_get(res, words[i].id);
		ck_assert_msg((cap->state == HC_CAP_STATE_SUPPORTED) == (t.offload_errno == 0),
			      "%s: probe says %s (%s), kernel said %s",
			      words[i].id,
			      hc_cap_state_to_string(cap->state),
			      cap->reason,
			      g_strerror(t.offload_errno));
	}
	ck_assert_int_eq(unknown.offload_errno, EINVAL);
	ck_assert_int_eq(hc_probe_test_get(res, "net.tap.unknown_bits_rejected")->state,
			 HC_CAP_STATE_SUPPORTED);
}
END_TEST

/* as root every tap question has an answer: nothing is left unknown */
START_TEST(test_tap_root_answers_everything)
{
	g_autoptr(HcProbeResult) res = NULL;
	g_autoptr(GPtrArray) ids = hc_probe_info_get_ids(&hc_probe_tap);

	if (geteuid() != 0)
		return;
	res = hc_probe_test_run(&hc_probe_tap, NULL);
	for (guint i = 0; i < ids->len; i++) {
		const HcCapability *cap = hc_probe_test_get(res, g_ptr_array_index(ids, i));
		ck_assert_msg(cap->state != HC_CAP_STATE_UNKNOWN,
			      "%s unknown: %s",
			      cap->id,
			      cap->reason);
	}
	ck_assert_int_eq(hc_probe_test_get(res, "net.tap.csum")->state, HC_CAP_STATE_SUPPORTED);
	ck_assert_int_eq(hc_probe_test_get(res, "net.tun.present")->state, HC_CAP_STATE_SUPPORTED);
}
END_TEST

START_TEST(test_tap_leaves_no_interface)
{
	g_autofree char *before = hc_probe_test_list_netdevs();
	g_autofree char *after = NULL;
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_tap, NULL);

	after = hc_probe_test_list_netdevs();
	ck_assert_str_eq(before, after);
	ck_assert_ptr_null(strstr(after, "hcprobe"));
}
END_TEST

START_TEST(test_tap_no_devices_fixture)
{
	g_autofree char *root = hc_probe_test_fixture("no-devices");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_tap, root);
	static const char *const ids[] = {
	    "net.tun.present",
	    "net.tun.features",
	    "net.tap.uso",
	    "net.tap.mq",
	    "net.tap.steering_ebpf",
	};

	hc_probe_test_assert_complete(&hc_probe_tap, res);
	for (guint i = 0; i < G_N_ELEMENTS(ids); i++) {
		const HcCapability *cap = hc_probe_test_get(res, ids[i]);
		ck_assert_int_eq(cap->state, HC_CAP_STATE_UNSUPPORTED);
		ck_assert_ptr_nonnull(
		    strstr(cap->reason, "/dev/net/tun: No such file or directory"));
	}
	/* the fixture's sysctl, not the host's */
	ck_assert_int_eq(hc_probe_test_get_int(res, "kernel.unprivileged_bpf_disabled"), 1);
}
END_TEST

static Suite *
tap_suite(void)
{
	Suite *s = suite_create("probe-tap");
	TCase *tc = tcase_create("tap");

	tcase_add_test(tc, test_tap_uso_matches_kernel);
	tcase_add_test(tc, test_tap_offloads_match_kernel);
	tcase_add_test(tc, test_tap_root_answers_everything);
	tcase_add_test(tc, test_tap_leaves_no_interface);
	tcase_add_test(tc, test_tap_no_devices_fixture);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_probe_test_main(tap_suite(), argc, argv);
}
