/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tap probe: what the tun/tap driver accepts, asked exactly the way QEMU asks
 * (net/tap-linux.c: tap_probe_vnet_hdr_len, tap_probe_has_ufo, tap_probe_has_uso, ...).
 *
 * Interfaces: /dev/net/tun ioctls TUNGETFEATURES, TUNSETIFF, TUNSETOFFLOAD,
 * TUNGETVNETHDRSZ/TUNSETVNETHDRSZ, TUNGETVNETLE/TUNSETVNETLE, TUNGETVNETBE/TUNSETVNETBE and
 * TUNSETQUEUE (Documentation/networking/tuntap.rst, include/uapi/linux/if_tun.h,
 * drivers/net/tun.c). A tun fd belongs to the network namespace of the thread that opened
 * it, so everything runs in a dedicated thread that first unshare(CLONE_NEWNET)s: the probe
 * tap never appears on the host and dies with the fd and the namespace. One tap serves all
 * tries (tearing a tap and a namespace down costs milliseconds).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include "common/hc-probe-closer.h"
#include "hc-probe-tap.h"

#define HC_TAP_NAME "hcprobe%d"

typedef struct {
	const char *id;
	guint flag;
	const char *name;
} HcTapBit;

/* TUNGETFEATURES bits */
static const HcTapBit hc_tun_features[] = {
    {"net.tun.vnet_hdr", IFF_VNET_HDR, "IFF_VNET_HDR"},
    {"net.tun.multi_queue", IFF_MULTI_QUEUE, "IFF_MULTI_QUEUE"},
    {"net.tun.napi", IFF_NAPI, "IFF_NAPI"},
    {"net.tun.napi_frags", IFF_NAPI_FRAGS, "IFF_NAPI_FRAGS"},
    {"net.tun.no_carrier", IFF_NO_CARRIER, "IFF_NO_CARRIER"},
};

/* TUNSETOFFLOAD words, each exactly as QEMU tries it */
static const HcTapBit hc_tap_offloads[] = {
    {"net.tap.csum", TUN_F_CSUM, "CSUM"},
    {"net.tap.tso4", TUN_F_CSUM | TUN_F_TSO4, "CSUM|TSO4"},
    {"net.tap.tso6", TUN_F_CSUM | TUN_F_TSO6, "CSUM|TSO6"},
    {"net.tap.ecn", TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN, "CSUM|TSO4|TSO6|TSO_ECN"},
    {"net.tap.ufo", TUN_F_CSUM | TUN_F_UFO, "CSUM|UFO"},
    {"net.tap.uso", TUN_F_CSUM | TUN_F_USO4 | TUN_F_USO6, "CSUM|USO4|USO6"},
    {"net.tap.udp_tunnel_gso",
     TUN_F_CSUM | TUN_F_TSO4 | TUN_F_UDP_TUNNEL_GSO,
     "CSUM|TSO4|UDP_TUNNEL_GSO"},
    {"net.tap.udp_tunnel_gso_csum",
     TUN_F_CSUM | TUN_F_TSO4 | TUN_F_UDP_TUNNEL_GSO | TUN_F_UDP_TUNNEL_GSO_CSUM,
     "CSUM|TSO4|UDP_TUNNEL_GSO|UDP_TUNNEL_GSO_CSUM"},
};

/* a bit no kernel defines yet: tun.c promises EINVAL so that new features can be tested */
#define HC_TAP_UNKNOWN_BIT 0x200

/* ids that need an attached tap, besides the offload table */
static const char *const hc_tap_attached_ids[] = {
    "net.tap.unknown_bits_rejected",
    "net.tap.vnet_hdr_sizes",
    "net.tap.vnet_le",
    "net.tap.vnet_be",
    "net.tap.mq",
    "net.tap.steering_ebpf",
};

static const char *const hc_probe_tap_ids[] = {
    "net.tun.present",
    "net.tun.features",
    "net.tun.vnet_hdr",
    "net.tun.multi_queue",
    "net.tun.napi",
    "net.tun.napi_frags",
    "net.tun.no_carrier",
    "net.tap.csum",
    "net.tap.tso4",
    "net.tap.tso6",
    "net.tap.ecn",
    "net.tap.ufo",
    "net.tap.uso",
    "net.tap.udp_tunnel_gso",
    "net.tap.udp_tunnel_gso_csum",
    "net.tap.unknown_bits_rejected",
    "net.tap.vnet_hdr_sizes",
    "net.tap.vnet_le",
    "net.tap.vnet_be",
    "net.tap.mq",
    "net.tap.steering_ebpf",
    "net.bpf.mmapable_maps",
    "kernel.unprivileged_bpf_disabled",
    NULL,
};

static void
hc_tap_report_attached_all(HcProbeContext *ctx, HcCapState state, const char *reason)
{
	for (guint i = 0; i < G_N_ELEMENTS(hc_tap_offloads); i++)
		hc_probe_report(ctx, hc_tap_offloads[i].id, state, NULL, "%s", reason);
	for (guint i = 0; i < G_N_ELEMENTS(hc_tap_attached_ids); i++)
		hc_probe_report(ctx, hc_tap_attached_ids[i], state, NULL, "%s", reason);
}

static void
hc_tap_report_tun_all(HcProbeContext *ctx, HcCapState state, const char *reason)
{
	hc_probe_report(ctx, "net.tun.present", state, NULL, "%s", reason);
	hc_probe_report(ctx, "net.tun.features", state, NULL, "%s", reason);
	for (guint i = 0; i < G_N_ELEMENTS(hc_tun_features); i++)
		hc_probe_report(ctx, hc_tun_features[i].id, state, NULL, "%s", reason);
}

/* NULL when the fd answered, else the reason every tun/tap id is unknown */
static char *
hc_tap_check_features(HcProbeContext *ctx, int fd)
{
	unsigned int features = 0;

	if (ioctl(fd, TUNGETFEATURES, &features) < 0) {
		char *reason = g_strdup_printf("TUNGETFEATURES: %s", g_strerror(errno));
		hc_tap_report_tun_all(ctx, HC_CAP_STATE_UNKNOWN, reason);
		return reason;
	}
	hc_probe_report_bool(ctx,
			     "net.tun.present",
			     HC_CAP_STATE_SUPPORTED,
			     TRUE,
			     "open " HC_TUN_DEV " and TUNGETFEATURES: ok");
	hc_probe_report_int(ctx,
			    "net.tun.features",
			    HC_CAP_STATE_SUPPORTED,
			    features,
			    "TUNGETFEATURES: 0x%x",
			    features);
	for (guint i = 0; i < G_N_ELEMENTS(hc_tun_features); i++) {
		const HcTapBit *bit = &hc_tun_features[i];
		gboolean set = (features & bit->flag) != 0;

		hc_probe_report_bool(ctx,
				     bit->id,
				     set ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
				     set,
				     "TUNGETFEATURES: %s %s",
				     bit->name,
				     set ? "set" : "not set");
	}
	return NULL;
}

static void
hc_tap_check_offloads(HcProbeContext *ctx, int fd)
{
	for (guint i = 0; i < G_N_ELEMENTS(hc_tap_offloads); i++) {
		const HcTapBit *bit = &hc_tap_offloads[i];

		if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)bit->flag) == 0) {
			hc_probe_report_bool(ctx,
					     bit->id,
					     HC_CAP_STATE_SUPPORTED,
					     TRUE,
					     "TUNSETOFFLOAD(%s): accepted",
					     bit->name);
		} else {
			int err = errno;
			hc_probe_report_bool(ctx,
					     bit->id,
					     hc_tap_state_for_errno(err),
					     FALSE,
					     "TUNSETOFFLOAD(%s): %s",
					     bit->name,
					     g_strerror(err));
		}
		/* each word is judged alone: clear what the previous one switched on */
		(void)ioctl(fd, TUNSETOFFLOAD, 0UL);
	}

	if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)(TUN_F_CSUM | HC_TAP_UNKNOWN_BIT)) == 0) {
		(void)ioctl(fd, TUNSETOFFLOAD, 0UL);
		hc_probe_report_bool(ctx,
				     "net.tap.unknown_bits_rejected",
				     HC_CAP_STATE_UNSUPPORTED,
				     FALSE,
				     "TUNSETOFFLOAD(CSUM|0x200): accepted an undefined bit");
	} else {
		int err = errno;
		hc_probe_report_bool(ctx,
				     "net.tap.unknown_bits_rejected",
				     err == EINVAL ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNKNOWN,
				     err == EINVAL,
				     "TUNSETOFFLOAD(CSUM|0x200): %s",
				     g_strerror(err));
	}
}

static void
hc_tap_check_attached(HcProbeContext *ctx, int fd)
{
	struct ifreq ifr = {0};

	ifr.ifr_flags = HC_TAP_IFF_FLAGS;
	g_strlcpy(ifr.ifr_name, HC_TAP_NAME, sizeof(ifr.ifr_name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		g_autofree char *reason = g_strdup_printf("TUNSETIFF: %s", g_strerror(errno));
		hc_tap_report_attached_all(ctx, HC_CAP_STATE_UNKNOWN, reason);
		return;
	}
	hc_tap_check_offloads(ctx, fd);
	hc_tap_check_vnet_hdr_sizes(ctx, fd);
	hc_tap_check_endian(ctx, fd, "net.tap.vnet_le", TUNGETVNETLE, TUNSETVNETLE, "TUNSETVNETLE");
	hc_tap_check_endian(ctx, fd, "net.tap.vnet_be", TUNGETVNETBE, TUNSETVNETBE, "TUNSETVNETBE");
	hc_tap_check_mq(ctx, fd, ifr.ifr_name);
	hc_probe_tap_check_steering(ctx, fd);
}

/* runs in its own thread: the namespace change must not outlive this probe */
static gpointer
hc_tap_netns_thread(gpointer data)
{
	HcProbeContext *ctx = data;
	g_autoptr(GError) error = NULL;
	g_autofree char *netns_reason = NULL;
	g_autofree char *features_reason = NULL;
	int err = 0;
	int fd;

	if (unshare(CLONE_NEWNET) < 0)
		netns_reason = g_strdup_printf("unshare(CLONE_NEWNET): %s", g_strerror(errno));

	/* opened after unshare(): the tun file is bound to the private namespace */
	fd = hc_probe_context_open(ctx, HC_TUN_DEV, O_RDWR | O_CLOEXEC, &err, &error);
	if (fd < 0) {
		HcCapState state = (err == ENOENT || err == ENODEV || err == ENXIO)
				       ? HC_CAP_STATE_UNSUPPORTED
				       : HC_CAP_STATE_UNKNOWN;
		hc_tap_report_tun_all(ctx, state, error->message);
		hc_tap_report_attached_all(ctx, state, error->message);
		return NULL;
	}
	features_reason = hc_tap_check_features(ctx, fd);
	if (features_reason != NULL) {
		hc_tap_report_attached_all(ctx, HC_CAP_STATE_UNKNOWN, features_reason);
	} else if (netns_reason != NULL) {
		/* never create a tap in the host's namespace */
		hc_tap_report_attached_all(ctx, HC_CAP_STATE_UNKNOWN, netns_reason);
	} else {
		hc_tap_check_attached(ctx, fd);
	}
	/* every answer is reported: the closer tears the tap (and with it the namespace, once
	 * this thread has left it) down while the probe goes on */
	hc_probe_closer_close_fds(&fd, 1);
	return NULL;
}

static gboolean
hc_probe_tap_run(HcProbeContext *ctx, GError **error)
{
	GThread *thread;

	thread = g_thread_try_new("hc-tap-netns", hc_tap_netns_thread, ctx, error);
	if (thread == NULL) {
		g_prefix_error(error, "tap namespace thread: ");
		return FALSE;
	}
	g_thread_join(thread);
	hc_probe_tap_check_bpf(ctx);
	return TRUE;
}

static const char *const hc_probe_tap_subsystems[] = {"misc", "net", NULL};
static const char *const hc_probe_tap_devnodes[] = {HC_TUN_DEV, NULL};

const HcProbeInfo hc_probe_tap = {
    .name = "tap",
    .description = "tun/tap features and offloads (USO, UFO, UDP tunnel GSO), vnet headers, "
		   "multiqueue and eBPF steering, probed in a private network namespace",
    .ids = hc_probe_tap_ids,
    .subsystems = hc_probe_tap_subsystems,
    .devnodes = hc_probe_tap_devnodes,
    .timeout_msec = 5000,
    .flags = HC_PROBE_FLAG_CREATES_OBJECTS,
    .run = hc_probe_tap_run,
};
