/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>

#include "hostcap/hc-probe.h"

G_BEGIN_DECLS

/* constants the Linux 6.1 uapi headers lack (include/uapi/linux/if_tun.h, 6.2 and 6.17) */
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#endif
#ifndef TUN_F_USO6
#define TUN_F_USO6 0x40
#endif
#ifndef TUN_F_UDP_TUNNEL_GSO
#define TUN_F_UDP_TUNNEL_GSO 0x80
#endif
#ifndef TUN_F_UDP_TUNNEL_GSO_CSUM
#define TUN_F_UDP_TUNNEL_GSO_CSUM 0x100
#endif

extern const HcProbeInfo hc_probe_tap;

#define HC_TAP_IFF_FLAGS (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE)
#define HC_TUN_DEV	 "/dev/net/tun"

/* the kernel said "no such thing" rather than "not allowed" or "could not tell" */
static inline HcCapState
hc_tap_state_for_errno(int err)
{
	switch (err) {
	case EINVAL:
	case ENOTTY:
	case EOPNOTSUPP:
		return HC_CAP_STATE_UNSUPPORTED;
	default:
		return HC_CAP_STATE_UNKNOWN;
	}
}

/* hc-probe-tap-queue.c: checks on an attached tap */
void
hc_tap_check_vnet_hdr_sizes(HcProbeContext *ctx, int fd);
void
hc_tap_check_endian(HcProbeContext *ctx,
		    int fd,
		    const char *id,
		    unsigned long get_req,
		    unsigned long set_req,
		    const char *set_name);
void
hc_tap_check_mq(HcProbeContext *ctx, int fd, const char *ifname);

/* hc-probe-tap-bpf.c: net.bpf.mmapable_maps and kernel.unprivileged_bpf_disabled */
void
hc_probe_tap_check_bpf(HcProbeContext *ctx);
/* net.tap.steering_ebpf on an attached tap fd */
void
hc_probe_tap_check_steering(HcProbeContext *ctx, int tap_fd);

G_END_DECLS
