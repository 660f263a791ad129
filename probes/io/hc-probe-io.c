/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * io probe: the host-side I/O paths QEMU can be configured for: -blockdev aio=io_uring,
 * aio=native (Linux AIO) and the migration capability zero-copy-send (MSG_ZEROCOPY).
 *
 * Interfaces: io_uring_setup(2) (syscall 425) and io_uring_register(2) (syscall 427)
 * IORING_REGISTER_PROBE, the sysctl kernel.io_uring_disabled (6.6,
 * Documentation/admin-guide/sysctl/kernel.rst); io_setup(2)/io_destroy(2) (206/207) and
 * fs.aio-max-nr, fs.aio-nr (Documentation/admin-guide/sysctl/fs.rst); setsockopt(2)
 * SO_ZEROCOPY on a TCP socket (Documentation/networking/msg_zerocopy.rst). Syscalls ask the
 * running kernel; sysctls are read through the sysroot.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/aio_abi.h>
#include <linux/io_uring.h>
#include <netinet/in.h>

#include "hc-probe-io.h"
#include "common/hc-probe-closer.h"
#include "common/hc-probe-sysctl.h"

#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY 60
#endif

/* ops a probe buffer can describe: the opcode is a u8 */
#define HC_IO_URING_PROBE_OPS 256

static const struct {
	const char *id;
	const char *path;
} hc_io_sysctls[] = {
    {"kernel.io_uring_disabled", "/proc/sys/kernel/io_uring_disabled"},
    {"fs.aio_max_nr", "/proc/sys/fs/aio-max-nr"},
    {"fs.aio_nr", "/proc/sys/fs/aio-nr"},
};

static const char *const hc_probe_io_ids[] = {
    "io.io_uring",
    "io.io_uring.features",
    "io.io_uring.ops",
    "kernel.io_uring_disabled",
    "io.linux_aio",
    "fs.aio_max_nr",
    "fs.aio_nr",
    "net.msg_zerocopy",
    NULL,
};

/* ENOSYS: not built in; EPERM with io_uring_disabled: switched off; else could not tell */
static HcCapState
hc_io_state_for_errno(int err, gboolean switched_off)
{
	if (err == ENOSYS || err == EOPNOTSUPP || err == ENOPROTOOPT)
		return HC_CAP_STATE_UNSUPPORTED;
	if (switched_off)
		return HC_CAP_STATE_DISABLED;
	return HC_CAP_STATE_UNKNOWN;
}

static void
hc_io_check_uring_ops(HcProbeContext *ctx, int ring_fd)
{
	gsize size = sizeof(struct io_uring_probe) +
		     HC_IO_URING_PROBE_OPS * sizeof(struct io_uring_probe_op);
	g_autofree struct io_uring_probe *probe = g_malloc0(size);
	gint64 supported = 0;

	if (syscall(__NR_io_uring_register,
		    ring_fd,
		    IORING_REGISTER_PROBE,
		    probe,
		    HC_IO_URING_PROBE_OPS) < 0) {
		int err = errno;
		hc_probe_report(ctx,
				"io.io_uring.ops",
				hc_io_state_for_errno(err == EINVAL ? ENOSYS : err, FALSE),
				NULL,
				"io_uring_register(IORING_REGISTER_PROBE): %s",
				g_strerror(err));
		return;
	}
	for (guint i = 0; i < probe->ops_len && i < HC_IO_URING_PROBE_OPS; i++) {
		if (probe->ops[i].flags & IO_URING_OP_SUPPORTED)
			supported++;
	}
	hc_probe_report_int(ctx,
			    "io.io_uring.ops",
			    HC_CAP_STATE_SUPPORTED,
			    supported,
			    "io_uring_register(IORING_REGISTER_PROBE): %" G_GINT64_FORMAT
			    " ops supported, last op %u",
			    supported,
			    probe->last_op);
}

static void
hc_io_check_uring(HcProbeContext *ctx, gint64 disabled)
{
	struct io_uring_params params;
	int fd;

	memset(&params, 0, sizeof(params));
	fd = (int)syscall(__NR_io_uring_setup, 4, &params);
	if (fd < 0) {
		int err = errno;
		HcCapState state = hc_io_state_for_errno(err, disabled > 0 && err == EPERM);
		hc_probe_report_bool(ctx,
				     "io.io_uring",
				     state,
				     FALSE,
				     "io_uring_setup(4): %s%s",
				     g_strerror(err),
				     state == HC_CAP_STATE_DISABLED ? " (kernel.io_uring_disabled)"
								    : "");
		hc_probe_report(ctx,
				"io.io_uring.features",
				state,
				NULL,
				"io_uring_setup(4): %s",
				g_strerror(err));
		hc_probe_report(ctx,
				"io.io_uring.ops",
				state,
				NULL,
				"io_uring_setup(4): %s",
				g_strerror(err));
		return;
	}
	hc_probe_report_bool(ctx,
			     "io.io_uring",
			     HC_CAP_STATE_SUPPORTED,
			     TRUE,
			     "io_uring_setup(4): ok");
	hc_probe_report_int(ctx,
			    "io.io_uring.features",
			    HC_CAP_STATE_SUPPORTED,
			    params.features,
			    "io_uring_setup(4): features 0x%x",
			    params.features);
	hc_io_check_uring_ops(ctx, fd);
	close(fd);
}

static void
hc_io_destroy_aio(gpointer data)
{
	(void)syscall(__NR_io_destroy, (aio_context_t)(guintptr)data);
}

static void
hc_io_check_linux_aio(HcProbeContext *ctx)
{
	aio_context_t aio = 0;

	if (syscall(__NR_io_setup, 1, &aio) < 0) {
		int err = errno;
		hc_probe_report_bool(ctx,
				     "io.linux_aio",
				     hc_io_state_for_errno(err, FALSE),
				     FALSE,
				     "io_setup(1): %s",
				     g_strerror(err));
		return;
	}
	hc_probe_report_bool(ctx, "io.linux_aio", HC_CAP_STATE_SUPPORTED, TRUE, "io_setup(1): ok");
	/* io_destroy waits for the context's RCU-deferred release: not this probe's time */
	hc_probe_closer_run(hc_io_destroy_aio, (gpointer)(guintptr)aio);
}

/* exactly QEMU's detection: SO_ZEROCOPY accepted on a TCP socket */
static void
hc_io_check_msg_zerocopy(HcProbeContext *ctx)
{
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int err;

	if (fd < 0) {
		hc_probe_report_bool(ctx,
				     "net.msg_zerocopy",
				     HC_CAP_STATE_UNKNOWN,
				     FALSE,
				     "socket(AF_INET, SOCK_STREAM): %s",
				     g_strerror(errno));
		return;
	}
	err = setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)) < 0 ? errno : 0;
	close(fd);
	if (err != 0) {
		hc_probe_report_bool(ctx,
				     "net.msg_zerocopy",
				     hc_io_state_for_errno(err, FALSE),
				     FALSE,
				     "setsockopt(SO_ZEROCOPY): %s",
				     g_strerror(err));
		return;
	}
	hc_probe_report_bool(ctx,
			     "net.msg_zerocopy",
			     HC_CAP_STATE_SUPPORTED,
			     TRUE,
			     "setsockopt(SO_ZEROCOPY): accepted");
}

static gboolean
hc_probe_io_run(HcProbeContext *ctx, GError **error)
{
	gint64 uring_disabled = 0;

	for (guint i = 0; i < G_N_ELEMENTS(hc_io_sysctls); i++)
		hc_probe_report_sysctl(ctx, hc_io_sysctls[i].id, hc_io_sysctls[i].path, NULL);
	/* tells "switched off" from "not allowed" when io_uring_setup() says EPERM */
	if (!hc_probe_context_read_int(ctx,
				       "/proc/sys/kernel/io_uring_disabled",
				       &uring_disabled,
				       NULL))
		uring_disabled = 0;
	hc_io_check_uring(ctx, uring_disabled);
	hc_io_check_linux_aio(ctx);
	hc_io_check_msg_zerocopy(ctx);
	return TRUE;
}

const HcProbeInfo hc_probe_io = {
    .name = "io",
    .description = "io_uring (setup, features, supported ops), Linux AIO and MSG_ZEROCOPY",
    .ids = hc_probe_io_ids,
    .timeout_msec = 3000,
    .flags = HC_PROBE_FLAG_NONE,
    .run = hc_probe_io_run,
};
