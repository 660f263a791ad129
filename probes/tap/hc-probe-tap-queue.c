/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tap probe, part two: vnet header sizes, cross-endian vnet headers and multiqueue on the
 * tap hc-probe-tap.c attached (QEMU net/tap-linux.c: tap_probe_vnet_hdr_len,
 * tap_fd_set_vnet_le/be, tap_fd_enable/disable).
 *
 * Interfaces: TUNGETVNETHDRSZ/TUNSETVNETHDRSZ, TUNGETVNETLE/TUNSETVNETLE,
 * TUNGETVNETBE/TUNSETVNETBE (CONFIG_TUN_VNET_CROSS_LE), a second TUNSETIFF on the same name
 * and TUNSETQUEUE with IFF_DETACH_QUEUE/IFF_ATTACH_QUEUE (Documentation/networking/tuntap.rst).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include "common/hc-probe-closer.h"
#include "hc-probe-tap.h"

/* the vnet header layouts QEMU may ask for: virtio_net_hdr, _mrg_rxbuf, _v1_hash, +tunnel */
static const int hc_tap_vnet_hdr_sizes[] = {10, 12, 20, 24};

void
hc_tap_check_vnet_hdr_sizes(HcProbeContext *ctx, int fd)
{
	g_autoptr(GPtrArray) accepted = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GString) rejected = g_string_new(NULL);
	int orig = 0;

	if (ioctl(fd, TUNGETVNETHDRSZ, &orig) < 0) {
		int err = errno;
		hc_probe_report(ctx,
				"net.tap.vnet_hdr_sizes",
				hc_tap_state_for_errno(err),
				NULL,
				"TUNGETVNETHDRSZ: %s",
				g_strerror(err));
		return;
	}
	for (guint i = 0; i < G_N_ELEMENTS(hc_tap_vnet_hdr_sizes); i++) {
		int size = hc_tap_vnet_hdr_sizes[i];
		int back = 0;

		if (ioctl(fd, TUNSETVNETHDRSZ, &size) < 0) {
			g_string_append_printf(rejected,
					       "%sTUNSETVNETHDRSZ(%d): %s",
					       rejected->len > 0 ? "; " : "",
					       size,
					       g_strerror(errno));
			continue;
		}
		if (ioctl(fd, TUNGETVNETHDRSZ, &back) == 0 && back == size)
			g_ptr_array_add(accepted, g_strdup_printf("%d", size));
	}
	(void)ioctl(fd, TUNSETVNETHDRSZ, &orig);
	g_ptr_array_add(accepted, NULL);

	if (rejected->len > 0) {
		hc_probe_report(ctx,
				"net.tap.vnet_hdr_sizes",
				HC_CAP_STATE_UNSUPPORTED,
				g_variant_new_strv((const char *const *)accepted->pdata, -1),
				"%s",
				rejected->str);
		return;
	}
	hc_probe_report(ctx,
			"net.tap.vnet_hdr_sizes",
			HC_CAP_STATE_SUPPORTED,
			g_variant_new_strv((const char *const *)accepted->pdata, -1),
			"TUNSETVNETHDRSZ(10, 12, 20, 24): accepted");
}

/* cross-endian vnet headers: set, then put the original back */
void
hc_tap_check_endian(HcProbeContext *ctx,
		    int fd,
		    const char *id,
		    unsigned long get_req,
		    unsigned long set_req,
		    const char *set_name)
{
	int orig = 0;
	int on = 1;

	if (ioctl(fd, get_req, &orig) < 0)
		orig = 0;
	if (ioctl(fd, set_req, &on) < 0) {
		int err = errno;
		hc_probe_report_bool(ctx,
				     id,
				     hc_tap_state_for_errno(err),
				     FALSE,
				     "%s(1): %s",
				     set_name,
				     g_strerror(err));
		return;
	}
	(void)ioctl(fd, set_req, &orig);
	hc_probe_report_bool(ctx, id, HC_CAP_STATE_SUPPORTED, TRUE, "%s(1): accepted", set_name);
}

/* a second queue on the same interface, detached and attached again */
void
hc_tap_check_mq(HcProbeContext *ctx, int fd, const char *ifname)
{
	g_autoptr(GError) error = NULL;
	struct ifreq ifr = {0};
	const char *step = "TUNSETIFF(second queue)";
	int err = 0;
	int fd2;

	fd2 = hc_probe_context_open(ctx, HC_TUN_DEV, O_RDWR | O_CLOEXEC, &err, &error);
	if (fd2 < 0) {
		hc_probe_report(ctx,
				"net.tap.mq",
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"%s",
				error->message);
		return;
	}
	ifr.ifr_flags = HC_TAP_IFF_FLAGS;
	g_strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	if (ioctl(fd2, TUNSETIFF, &ifr) == 0) {
		ifr.ifr_flags = IFF_DETACH_QUEUE;
		step = "TUNSETQUEUE(IFF_DETACH_QUEUE)";
		if (ioctl(fd2, TUNSETQUEUE, &ifr) == 0) {
			ifr.ifr_flags = IFF_ATTACH_QUEUE;
			step = "TUNSETQUEUE(IFF_ATTACH_QUEUE)";
			if (ioctl(fd2, TUNSETQUEUE, &ifr) == 0)
				step = NULL;
		}
	}
	err = errno;
	/* detaching a queue waits for an RCU grace period: the closer does it */
	hc_probe_closer_close_fds(&fd2, 1);
	if (step != NULL) {
		hc_probe_report_bool(ctx,
				     "net.tap.mq",
				     hc_tap_state_for_errno(err),
				     FALSE,
				     "%s: %s",
				     step,
				     g_strerror(err));
		return;
	}
	hc_probe_report_bool(ctx,
			     "net.tap.mq",
			     HC_CAP_STATE_SUPPORTED,
			     TRUE,
			     "TUNSETIFF(second queue), TUNSETQUEUE(DETACH, ATTACH): accepted");
}
