/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * io probe: io_uring, Linux AIO and SO_ZEROCOPY against the test's own syscalls, and the
 * sysctls on fixture sysroots.
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/aio_abi.h>
#include <linux/io_uring.h>
#include <netinet/in.h>

#include "hc-probe-test.h"
#include "io/hc-probe-io.h"

START_TEST(test_io_uring_matches_kernel)
{
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_io, NULL);
	struct io_uring_params params;
	int fd;

	hc_probe_test_assert_complete(&hc_probe_io, res);
	memset(&params, 0, sizeof(params));
	fd = (int)syscall(__NR_io_uring_setup, 4, &params);
	ck_assert_int_eq(hc_probe_test_get(res, "io.io_uring")->state == HC_CAP_STATE_SUPPORTED,
			 fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	ck_assert_int_eq(hc_probe_test_get_int(res, "io.io_uring.features"), params.features);
	/* IORING_OP_NOP (0) and READV (1) exist on every io_uring kernel */
	ck_assert_int_ge(hc_probe_test_get_int(res, "io.io_uring.ops"), 2);
}
END_TEST

START_TEST(test_io_aio_and_zerocopy_match_kernel)
{
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_io, NULL);
	aio_context_t aio = 0;
	gboolean aio_ok = syscall(__NR_io_setup, 1, &aio) == 0;
	int one = 1;
	int sock = socket(AF_INET, SOCK_STREAM, 0);
	gboolean zc_ok;

	if (aio_ok)
		syscall(__NR_io_destroy, aio);
	ck_assert_int_ge(sock, 0);
	zc_ok = setsockopt(sock, SOL_SOCKET, 60, &one, sizeof(one)) == 0;
	close(sock);
	ck_assert_int_eq(hc_probe_test_get(res, "io.linux_aio")->state == HC_CAP_STATE_SUPPORTED,
			 aio_ok);
	ck_assert_int_eq(hc_probe_test_get(res, "net.msg_zerocopy")->state ==
			     HC_CAP_STATE_SUPPORTED,
			 zc_ok);
}
END_TEST

START_TEST(test_io_sysctls_from_fixtures)
{
	g_autofree char *pvm = hc_probe_test_fixture("debian12-pvm");
	g_autofree char *bare = hc_probe_test_fixture("no-devices");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_io, pvm);
	g_autoptr(HcProbeResult) old = hc_probe_test_run(&hc_probe_io, bare);
	const HcCapability *cap;

	ck_assert_int_eq(hc_probe_test_get_int(res, "fs.aio_max_nr"), 65536);
	ck_assert_int_eq(hc_probe_test_get_int(res, "kernel.io_uring_disabled"), 0);
	/* before 6.6 there is no io_uring_disabled knob */
	cap = hc_probe_test_get(old, "kernel.io_uring_disabled");
	ck_assert_int_eq(cap->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_str_eq(cap->reason, "/proc/sys/kernel/io_uring_disabled: no such sysctl");
	hc_probe_test_assert_complete(&hc_probe_io, old);
}
END_TEST

static Suite *
io_suite(void)
{
	Suite *s = suite_create("probe-io");
	TCase *tc = tcase_create("io");

	tcase_add_test(tc, test_io_uring_matches_kernel);
	tcase_add_test(tc, test_io_aio_and_zerocopy_match_kernel);
	tcase_add_test(tc, test_io_sysctls_from_fixtures);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_probe_test_main(io_suite(), argc, argv);
}
