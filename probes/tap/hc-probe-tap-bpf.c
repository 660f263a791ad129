/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * eBPF pieces QEMU's virtio-net RSS needs (ebpf/ebpf_rss.c): a SOCKET_FILTER program
 * attached to the tap with TUNSETSTEERINGEBPF, and BPF_F_MMAPABLE array maps.
 *
 * Interfaces: bpf(2) BPF_PROG_LOAD and BPF_MAP_CREATE through the raw syscall
 * (Documentation/bpf/, include/uapi/linux/bpf.h), the tun ioctl TUNSETSTEERINGEBPF
 * (drivers/net/tun.c) and the sysctl kernel.unprivileged_bpf_disabled
 * (Documentation/admin-guide/sysctl/kernel.rst).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/if_tun.h>

#include "hc-probe-tap.h"
#include "common/hc-probe-sysctl.h"

static int
hc_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* ENOSYS/EINVAL: the kernel has no such thing; EPERM/EACCES: not allowed to ask */
static HcCapState
hc_bpf_state_for_errno(int err)
{
	switch (err) {
	case ENOSYS:
	case EINVAL:
	case ENOTTY:
	case EOPNOTSUPP:
		return HC_CAP_STATE_UNSUPPORTED;
	default:
		return HC_CAP_STATE_UNKNOWN;
	}
}

/* "r0 = 0; exit": the smallest program the verifier accepts; -1 with errno set */
static int
hc_bpf_load_trivial_program(void)
{
	static const char license[] = "GPL";
	struct bpf_insn insns[2];
	union bpf_attr attr;

	memset(insns, 0, sizeof(insns));
	insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K;
	insns[0].dst_reg = BPF_REG_0;
	insns[0].imm = 0;
	insns[1].code = BPF_JMP | BPF_EXIT;

	/* log_level 0 with a NULL log buffer: a buffer without a level is EINVAL */
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (guint64)(guintptr)insns;
	attr.insn_cnt = G_N_ELEMENTS(insns);
	attr.license = (guint64)(guintptr)license;
	return hc_bpf(BPF_PROG_LOAD, &attr);
}

void
hc_probe_tap_check_steering(HcProbeContext *ctx, int tap_fd)
{
	const char *id = "net.tap.steering_ebpf";
	int detach = -1;
	int prog_fd;
	int err;

	prog_fd = hc_bpf_load_trivial_program();
	if (prog_fd < 0) {
		err = errno;
		hc_probe_report_bool(ctx,
				     id,
				     hc_bpf_state_for_errno(err),
				     FALSE,
				     "bpf(BPF_PROG_LOAD, SOCKET_FILTER): %s",
				     g_strerror(err));
		return;
	}
	if (ioctl(tap_fd, TUNSETSTEERINGEBPF, &prog_fd) < 0) {
		err = errno;
		close(prog_fd);
		hc_probe_report_bool(ctx,
				     id,
				     hc_bpf_state_for_errno(err),
				     FALSE,
				     "TUNSETSTEERINGEBPF: %s",
				     g_strerror(err));
		return;
	}
	err = ioctl(tap_fd, TUNSETSTEERINGEBPF, &detach) < 0 ? errno : 0;
	close(prog_fd);
	if (err != 0) {
		hc_probe_report_bool(ctx,
				     id,
				     HC_CAP_STATE_UNKNOWN,
				     FALSE,
				     "TUNSETSTEERINGEBPF(-1): %s",
				     g_strerror(err));
		return;
	}
	hc_probe_report_bool(
	    ctx,
	    id,
	    HC_CAP_STATE_SUPPORTED,
	    TRUE,
	    "bpf(BPF_PROG_LOAD, SOCKET_FILTER), TUNSETSTEERINGEBPF attach and detach: "
	    "accepted");
}

static void
hc_bpf_check_mmapable_maps(HcProbeContext *ctx)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = sizeof(guint32);
	attr.value_size = sizeof(guint32);
	attr.max_entries = 1;
	attr.map_flags = BPF_F_MMAPABLE;
	fd = hc_bpf(BPF_MAP_CREATE, &attr);
	if (fd < 0) {
		int err = errno;
		hc_probe_report_bool(ctx,
				     "net.bpf.mmapable_maps",
				     hc_bpf_state_for_errno(err),
				     FALSE,
				     "bpf(BPF_MAP_CREATE, ARRAY, BPF_F_MMAPABLE): %s",
				     g_strerror(err));
		return;
	}
	close(fd);
	hc_probe_report_bool(ctx,
			     "net.bpf.mmapable_maps",
			     HC_CAP_STATE_SUPPORTED,
			     TRUE,
			     "bpf(BPF_MAP_CREATE, ARRAY, BPF_F_MMAPABLE): accepted");
}

void
hc_probe_tap_check_bpf(HcProbeContext *ctx)
{
	hc_bpf_check_mmapable_maps(ctx);
	hc_probe_report_sysctl(ctx,
			       "kernel.unprivileged_bpf_disabled",
			       "/proc/sys/kernel/unprivileged_bpf_disabled",
			       NULL);
}
