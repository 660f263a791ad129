/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vhost probe: the in-kernel virtio backends QEMU uses for -netdev tap,vhost=on,
 * vhost-vsock-pci and vhost-scsi-pci, and vDPA devices.
 *
 * Interfaces: the misc devices /dev/vhost-net, /dev/vhost-vsock, /dev/vhost-scsi (their
 * modules autoload on open through the devname alias: what open says is the answer),
 * VHOST_GET_FEATURES, VHOST_GET_FEATURES_ARRAY (bits 64 and up, kernel 6.17) and
 * VHOST_GET_BACKEND_FEATURES (need only an open fd, no VHOST_SET_OWNER),
 * VHOST_SCSI_GET_ABI_VERSION (include/uapi/linux/vhost.h,
 * drivers/vhost/), and the /dev/vhost-vdpa-<N> nodes (Documentation/driver-api/vdpa.rst).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vhost.h>

#include "hc-probe-vhost.h"

/*
 * struct vhost_features_array { __u64 count; __u64 features[]; }: the build headers may
 * predate it, so the request is spelled out; count is in u64 words, set by the caller
 */
#define HC_VHOST_GET_FEATURES_ARRAY _IOR(VHOST_VIRTIO, 0x83, guint64)
G_STATIC_ASSERT(HC_VHOST_GET_FEATURES_ARRAY == 0x8008AF83);

/* words asked for: bits 0-127, all virtio defines so far (VIRTIO_FEATURES_DWORDS) */
#define HC_VHOST_FEATURE_WORDS 2

typedef struct {
	const char *name;
	guint bit;
} HcVhostBit;

/* VHOST_GET_FEATURES bits QEMU masks virtio-net's features with (hw/net/vhost_net.c) */
static const HcVhostBit hc_vhost_net_bits[] = {
    {"mrg_rxbuf", 15},
    {"notify_on_empty", 24},
    {"log_all", 26},
    {"any_layout", 27}, /* doubles as VHOST_NET_F_VIRTIO_NET_HDR */
    {"indirect_desc", 28},
    {"event_idx", 29},
    {"version_1", 32},
    {"access_platform", 33},
    {"ring_reset", 40},
};

/* VHOST_GET_FEATURES_ARRAY bits above 63: virtio-net UDP tunnel GSO */
static const HcVhostBit hc_vhost_net_ext_bits[] = {
    {"guest_udp_tunnel_gso", 65},
    {"guest_udp_tunnel_gso_csum", 66},
    {"host_udp_tunnel_gso", 67},
    {"host_udp_tunnel_gso_csum", 68},
};

static const HcVhostBit hc_vhost_vsock_bits[] = {
    {"seqpacket", 1},
};

typedef struct {
	const char *family; /* "net" -> vhost.net.* */
	const char *path;
	const HcVhostBit *bits;
	guint n_bits;
} HcVhostDevice;

static const HcVhostDevice hc_vhost_devices[] = {
    {"net", "/dev/vhost-net", hc_vhost_net_bits, G_N_ELEMENTS(hc_vhost_net_bits)},
    {"vsock", "/dev/vhost-vsock", hc_vhost_vsock_bits, G_N_ELEMENTS(hc_vhost_vsock_bits)},
    {"scsi", "/dev/vhost-scsi", NULL, 0},
};

/* VHOST_GET_BACKEND_FEATURES bits, vhost-net only here */
static const HcVhostBit hc_vhost_backend_bits[] = {
    {"iotlb_msg_v2", 1},
    {"iotlb_batch", 2},
};

static void
hc_probe_vhost_declare_ids(GPtrArray *ids)
{
	for (guint d = 0; d < G_N_ELEMENTS(hc_vhost_devices); d++) {
		const HcVhostDevice *dev = &hc_vhost_devices[d];

		g_ptr_array_add(ids, g_strdup_printf("vhost.%s.present", dev->family));
		if (dev->bits != NULL)
			g_ptr_array_add(ids, g_strdup_printf("vhost.%s.features", dev->family));
		for (guint i = 0; i < dev->n_bits; i++)
			g_ptr_array_add(
			    ids,
			    g_strdup_printf("vhost.%s.feature.%s", dev->family, dev->bits[i].name));
	}
	g_ptr_array_add(ids, g_strdup("vhost.net.features_array"));
	for (guint i = 0; i < G_N_ELEMENTS(hc_vhost_net_ext_bits); i++)
		g_ptr_array_add(
		    ids,
		    g_strdup_printf("vhost.net.feature.%s", hc_vhost_net_ext_bits[i].name));
	g_ptr_array_add(ids, g_strdup("vhost.net.backend_features"));
	for (guint i = 0; i < G_N_ELEMENTS(hc_vhost_backend_bits); i++)
		g_ptr_array_add(
		    ids,
		    g_strdup_printf("vhost.net.backend.%s", hc_vhost_backend_bits[i].name));
	g_ptr_array_add(ids, g_strdup("vhost.scsi.abi_version"));
	g_ptr_array_add(ids, g_strdup("vhost.vdpa.devices"));
}

/* reports every id of @dev except present as @state with @reason */
static void
hc_vhost_report_rest(HcProbeContext *ctx,
		     const HcVhostDevice *dev,
		     HcCapState state,
		     const char *reason)
{
	g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *prefix = g_strdup_printf("vhost.%s.", dev->family);
	g_autofree char *present = g_strdup_printf("vhost.%s.present", dev->family);

	hc_probe_vhost_declare_ids(ids);
	for (guint i = 0; i < ids->len; i++) {
		const char *id = g_ptr_array_index(ids, i);
		if (g_str_has_prefix(id, prefix) && g_strcmp0(id, present) != 0)
			hc_probe_report(ctx, id, state, NULL, "%s", reason);
	}
}

static void
hc_vhost_report_bits(HcProbeContext *ctx,
		     const char *prefix,
		     const char *ioctl_name,
		     const HcVhostBit *bits,
		     guint n_bits,
		     const guint64 *words)
{
	for (guint i = 0; i < n_bits; i++) {
		g_autofree char *id = g_strdup_printf("%s.%s", prefix, bits[i].name);
		guint64 word = words[bits[i].bit / 64];
		gboolean set = (word & (G_GUINT64_CONSTANT(1) << (bits[i].bit % 64))) != 0;

		hc_probe_report_bool(ctx,
				     id,
				     set ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
				     set,
				     "%s: bit %u %s",
				     ioctl_name,
				     bits[i].bit,
				     set ? "set" : "not set");
	}
}

static void
hc_vhost_check_features(HcProbeContext *ctx, const HcVhostDevice *dev, int fd)
{
	g_autofree char *features_id = g_strdup_printf("vhost.%s.features", dev->family);
	g_autofree char *prefix = g_strdup_printf("vhost.%s.feature", dev->family);
	guint64 features = 0;

	if (ioctl(fd, VHOST_GET_FEATURES, &features) < 0) {
		g_autofree char *reason =
		    g_strdup_printf("VHOST_GET_FEATURES: %s", g_strerror(errno));

		hc_probe_report(ctx, features_id, HC_CAP_STATE_UNKNOWN, NULL, "%s", reason);
		for (guint i = 0; i < dev->n_bits; i++) {
			g_autofree char *id = g_strdup_printf("%s.%s", prefix, dev->bits[i].name);
			hc_probe_report(ctx, id, HC_CAP_STATE_UNKNOWN, NULL, "%s", reason);
		}
		return;
	}
	hc_probe_report_int(ctx,
			    features_id,
			    HC_CAP_STATE_SUPPORTED,
			    (gint64)features,
			    "VHOST_GET_FEATURES: 0x%" G_GINT64_MODIFIER "x",
			    features);
	hc_vhost_report_bits(ctx, prefix, "VHOST_GET_FEATURES", dev->bits, dev->n_bits, &features);
}

static void
hc_vhost_check_features_array(HcProbeContext *ctx, int fd)
{
	/* the ioctl's struct: count, then count feature words */
	guint64 buf[1 + HC_VHOST_FEATURE_WORDS] = {HC_VHOST_FEATURE_WORDS};

	if (ioctl(fd, HC_VHOST_GET_FEATURES_ARRAY, buf) < 0) {
		int err = errno;
		/* kernels before 6.17 do not know the request: the extended bits are not readable
		 */
		HcCapState state = (err == ENOTTY || err == EINVAL) ? HC_CAP_STATE_UNSUPPORTED
								    : HC_CAP_STATE_UNKNOWN;
		g_autofree char *reason =
		    g_strdup_printf("VHOST_GET_FEATURES_ARRAY: %s", g_strerror(err));

		hc_probe_report(ctx, "vhost.net.features_array", state, NULL, "%s", reason);
		for (guint i = 0; i < G_N_ELEMENTS(hc_vhost_net_ext_bits); i++) {
			g_autofree char *id =
			    g_strdup_printf("vhost.net.feature.%s", hc_vhost_net_ext_bits[i].name);
			hc_probe_report(ctx, id, HC_CAP_STATE_UNKNOWN, NULL, "%s", reason);
		}
		return;
	}
	hc_probe_report_int(ctx,
			    "vhost.net.features_array",
			    HC_CAP_STATE_SUPPORTED,
			    HC_VHOST_FEATURE_WORDS,
			    "VHOST_GET_FEATURES_ARRAY: %d words: 0x%" G_GINT64_MODIFIER
			    "x 0x%" G_GINT64_MODIFIER "x",
			    HC_VHOST_FEATURE_WORDS,
			    buf[1],
			    buf[2]);
	hc_vhost_report_bits(ctx,
			     "vhost.net.feature",
			     "VHOST_GET_FEATURES_ARRAY",
			     hc_vhost_net_ext_bits,
			     G_N_ELEMENTS(hc_vhost_net_ext_bits),
			     &buf[1]);
}

static void
hc_vhost_check_backend_features(HcProbeContext *ctx, int fd)
{
	guint64 features = 0;

	if (ioctl(fd, VHOST_GET_BACKEND_FEATURES, &features) < 0) {
		int err = errno;
		HcCapState state = err == ENOTTY ? HC_CAP_STATE_UNSUPPORTED : HC_CAP_STATE_UNKNOWN;
		g_autofree char *reason =
		    g_strdup_printf("VHOST_GET_BACKEND_FEATURES: %s", g_strerror(err));

		hc_probe_report(ctx, "vhost.net.backend_features", state, NULL, "%s", reason);
		for (guint i = 0; i < G_N_ELEMENTS(hc_vhost_backend_bits); i++) {
			g_autofree char *id =
			    g_strdup_printf("vhost.net.backend.%s", hc_vhost_backend_bits[i].name);
			hc_probe_report(ctx, id, state, NULL, "%s", reason);
		}
		return;
	}
	hc_probe_report_int(ctx,
			    "vhost.net.backend_features",
			    HC_CAP_STATE_SUPPORTED,
			    (gint64)features,
			    "VHOST_GET_BACKEND_FEATURES: 0x%" G_GINT64_MODIFIER "x",
			    features);
	hc_vhost_report_bits(ctx,
			     "vhost.net.backend",
			     "VHOST_GET_BACKEND_FEATURES",
			     hc_vhost_backend_bits,
			     G_N_ELEMENTS(hc_vhost_backend_bits),
			     &features);
}

static void
hc_vhost_check_scsi_abi(HcProbeContext *ctx, int fd)
{
	int version = 0;

	if (ioctl(fd, VHOST_SCSI_GET_ABI_VERSION, &version) < 0) {
		hc_probe_report(ctx,
				"vhost.scsi.abi_version",
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"VHOST_SCSI_GET_ABI_VERSION: %s",
				g_strerror(errno));
		return;
	}
	hc_probe_report_int(ctx,
			    "vhost.scsi.abi_version",
			    HC_CAP_STATE_SUPPORTED,
			    version,
			    "VHOST_SCSI_GET_ABI_VERSION: %d",
			    version);
}

static void
hc_vhost_check_device(HcProbeContext *ctx, const HcVhostDevice *dev)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *present = g_strdup_printf("vhost.%s.present", dev->family);
	int err = 0;
	int fd;

	fd = hc_probe_context_open(ctx, dev->path, O_RDWR | O_CLOEXEC, &err, &error);
	if (fd < 0) {
		/* no node, or a node whose module cannot load: the backend does not exist */
		HcCapState state = (err == ENOENT || err == ENODEV || err == ENXIO)
				       ? HC_CAP_STATE_UNSUPPORTED
				       : HC_CAP_STATE_UNKNOWN;
		hc_probe_report_bool(ctx, present, state, FALSE, "%s", error->message);
		hc_vhost_report_rest(ctx, dev, state, error->message);
		return;
	}
	hc_probe_report_bool(ctx, present, HC_CAP_STATE_SUPPORTED, TRUE, "open %s: ok", dev->path);
	if (dev->bits != NULL)
		hc_vhost_check_features(ctx, dev, fd);
	if (g_strcmp0(dev->family, "net") == 0) {
		hc_vhost_check_features_array(ctx, fd);
		hc_vhost_check_backend_features(ctx, fd);
	}
	if (g_strcmp0(dev->family, "scsi") == 0)
		hc_vhost_check_scsi_abi(ctx, fd);
	close(fd);
}

/* GPtrArray sorts pointers to its elements */
static gint
hc_cmp_strptr(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

static void
hc_vhost_check_vdpa(HcProbeContext *ctx)
{
	g_autofree char *dev_path = hc_probe_context_path(ctx, "/dev");
	g_autoptr(GDir) dir = g_dir_open(dev_path, 0, NULL);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const char *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		if (g_str_has_prefix(name, "vhost-vdpa-"))
			g_ptr_array_add(names, g_strconcat("/dev/", name, NULL));
	}
	g_ptr_array_sort(names, hc_cmp_strptr);
	g_ptr_array_add(names, NULL);
	hc_probe_report(ctx,
			"vhost.vdpa.devices",
			names->len > 1 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
			g_variant_new_strv((const char *const *)names->pdata, -1),
			"/dev/vhost-vdpa-*: %u device(s)",
			names->len - 1);
}

static gboolean
hc_probe_vhost_run(HcProbeContext *ctx, GError **error)
{
	for (guint d = 0; d < G_N_ELEMENTS(hc_vhost_devices); d++)
		hc_vhost_check_device(ctx, &hc_vhost_devices[d]);
	hc_vhost_check_vdpa(ctx);
	return TRUE;
}

static const char *const hc_probe_vhost_subsystems[] = {"misc", "vhost-vdpa", NULL};
static const char *const hc_probe_vhost_devnodes[] = {"/dev/vhost-net",
						      "/dev/vhost-vsock",
						      "/dev/vhost-scsi",
						      NULL};

const HcProbeInfo hc_probe_vhost = {
    .name = "vhost",
    .description = "vhost-net, vhost-vsock, vhost-scsi features and vDPA devices",
    .declare_ids = hc_probe_vhost_declare_ids,
    .subsystems = hc_probe_vhost_subsystems,
    .devnodes = hc_probe_vhost_devnodes,
    .timeout_msec = 3000,
    .flags = HC_PROBE_FLAG_NONE,
    .run = hc_probe_vhost_run,
};
