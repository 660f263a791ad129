/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

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

/* hc-probe-tap-bpf.c: net.bpf.mmapable_maps and kernel.unprivileged_bpf_disabled */
void
hc_probe_tap_check_bpf(HcProbeContext *ctx);
/* net.tap.steering_ebpf on an attached tap fd */
void
hc_probe_tap_check_steering(HcProbeContext *ctx, int tap_fd);

G_END_DECLS
