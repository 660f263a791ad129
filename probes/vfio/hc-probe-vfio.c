/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vfio probe: device assignment (-device vfio-pci,host=BDF) and device migration.
 *
 * Interfaces: /dev/vfio/vfio with VFIO_GET_API_VERSION and VFIO_CHECK_EXTENSION
 * (VFIO_TYPE1v2_IOMMU), /dev/iommu (iommufd, 6.2), /sys/kernel/iommu_groups, the devices
 * bound to /sys/bus/pci/drivers/vfio-pci, and per bound device VFIO_DEVICE_FEATURE
 * GET|MIGRATION on its device fd, reached through its group /dev/vfio/<N>
 * (Documentation/driver-api/vfio.rst, include/uapi/linux/vfio.h). A device in use by a VM
 * cannot be opened: its migration flags are then unknown with the errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "hc-probe-vfio.h"

#define HC_VFIO_CONTAINER "/dev/vfio/vfio"
#define HC_VFIO_PCI_DRV	  "/sys/bus/pci/drivers/vfio-pci"
#define HC_IOMMU_GROUPS	  "/sys/kernel/iommu_groups"

static const char *const hc_probe_vfio_ids[] = {
    "vfio.present",
    "vfio.type1v2",
    "vfio.iommufd",
    "iommu.groups",
    "iommu.enabled",
    "vfio.devices",
    NULL,
};

static HcCapState
hc_vfio_state_for_errno(int err)
{
	return (err == ENOENT || err == ENODEV || err == ENXIO) ? HC_CAP_STATE_UNSUPPORTED
								: HC_CAP_STATE_UNKNOWN;
}

/* the container fd, or -1 once vfio.present and vfio.type1v2 carry the cause */
static int
hc_vfio_check_container(HcProbeContext *ctx)
{
	g_autoptr(GError) error = NULL;
	int err = 0;
	int version;
	int fd;

	fd = hc_probe_context_open(ctx, HC_VFIO_CONTAINER, O_RDWR | O_CLOEXEC, &err, &error);
	if (fd < 0) {
		HcCapState state = hc_vfio_state_for_errno(err);
		hc_probe_report_bool(ctx, "vfio.present", state, FALSE, "%s", error->message);
		hc_probe_report_bool(ctx, "vfio.type1v2", state, FALSE, "%s", error->message);
		return -1;
	}
	version = ioctl(fd, VFIO_GET_API_VERSION);
	if (version != VFIO_API_VERSION) {
		hc_probe_report_bool(ctx,
				     "vfio.present",
				     HC_CAP_STATE_UNKNOWN,
				     FALSE,
				     "VFIO_GET_API_VERSION: %d (%s)",
				     version,
				     version < 0 ? g_strerror(errno) : "expected 0");
		hc_probe_report_bool(ctx,
				     "vfio.type1v2",
				     HC_CAP_STATE_UNKNOWN,
				     FALSE,
				     "VFIO_GET_API_VERSION failed");
		close(fd);
		return -1;
	}
	hc_probe_report_bool(ctx,
			     "vfio.present",
			     HC_CAP_STATE_SUPPORTED,
			     TRUE,
			     "VFIO_GET_API_VERSION: 0");
	if (ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0)
		hc_probe_report_bool(ctx,
				     "vfio.type1v2",
				     HC_CAP_STATE_SUPPORTED,
				     TRUE,
				     "VFIO_CHECK_EXTENSION(VFIO_TYPE1v2_IOMMU): yes");
	else
		hc_probe_report_bool(ctx,
				     "vfio.type1v2",
				     HC_CAP_STATE_UNSUPPORTED,
				     FALSE,
				     "VFIO_CHECK_EXTENSION(VFIO_TYPE1v2_IOMMU): no");
	return fd;
}

static void
hc_vfio_check_iommufd(HcProbeContext *ctx)
{
	g_autoptr(GError) error = NULL;
	int err = 0;
	int fd = hc_probe_context_open(ctx, "/dev/iommu", O_RDWR | O_CLOEXEC, &err, &error);

	if (fd < 0) {
		hc_probe_report_bool(ctx,
				     "vfio.iommufd",
				     hc_vfio_state_for_errno(err),
				     FALSE,
				     "%s",
				     error->message);
		return;
	}
	close(fd);
	hc_probe_report_bool(ctx,
			     "vfio.iommufd",
			     HC_CAP_STATE_SUPPORTED,
			     TRUE,
			     "open /dev/iommu: ok");
}

static void
hc_vfio_check_groups(HcProbeContext *ctx)
{
	g_autofree char *path = hc_probe_context_path(ctx, HC_IOMMU_GROUPS);
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	gint64 count = 0;

	while (dir != NULL && g_dir_read_name(dir) != NULL)
		count++;
	hc_probe_report_int(ctx,
			    "iommu.groups",
			    dir != NULL ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
			    count,
			    HC_IOMMU_GROUPS ": %" G_GINT64_FORMAT " group(s)",
			    count);
	hc_probe_report_bool(ctx,
			     "iommu.enabled",
			     count > 0 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
			     count > 0,
			     count > 0 ? HC_IOMMU_GROUPS ": %" G_GINT64_FORMAT " group(s)"
				       : HC_IOMMU_GROUPS ": no IOMMU group (%" G_GINT64_FORMAT ")",
			     count);
}

/* "0000:3b:00.1" is a PCI address; "bind", "module", "new_id" are not */
static gboolean
hc_vfio_is_bdf(const char *name)
{
	return strlen(name) == 12 && name[4] == ':' && name[7] == ':' && name[10] == '.';
}

/* VFIO_DEVICE_FEATURE GET|MIGRATION; -errno or the migration flags */
static gint64
hc_vfio_device_migration(int container, int group_fd, const char *bdf, const char **step)
{
	struct {
		struct vfio_device_feature hdr;
		guint64 flags;
	} feature;
	int device_fd;
	gint64 ret;

	*step = "VFIO_GROUP_SET_CONTAINER";
	if (ioctl(group_fd, VFIO_GROUP_SET_CONTAINER, &container) < 0)
		return -errno;
	*step = "VFIO_SET_IOMMU(TYPE1v2)";
	/* EBUSY: an earlier group already set the container's IOMMU model */
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0 && errno != EBUSY)
		return -errno;
	*step = "VFIO_GROUP_GET_DEVICE_FD";
	device_fd = ioctl(group_fd, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (device_fd < 0)
		return -errno;
	memset(&feature, 0, sizeof(feature));
	feature.hdr.argsz = sizeof(feature);
	feature.hdr.flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION;
	*step = "VFIO_DEVICE_FEATURE(GET|MIGRATION)";
	ret = ioctl(device_fd, VFIO_DEVICE_FEATURE, &feature) < 0 ? -errno : (gint64)feature.flags;
	close(device_fd);
	return ret;
}

static void
hc_vfio_check_device(HcProbeContext *ctx, int container, const char *bdf)
{
	g_autofree char *id_bdf = g_strdelimit(g_strdup(bdf), ":.", '_');
	g_autofree char *id = g_strdup_printf("vfio.dev.%s.migration", id_bdf);
	g_autofree char *link_rel = g_strdup_printf("/sys/bus/pci/devices/%s/iommu_group", bdf);
	g_autofree char *link = hc_probe_context_path(ctx, link_rel);
	g_autofree char *target = g_file_read_link(link, NULL);
	g_autofree char *group = target != NULL ? g_path_get_basename(target) : NULL;
	g_autofree char *group_dev = NULL;
	g_autoptr(GError) error = NULL;
	const char *step = NULL;
	gint64 flags;
	int group_fd;
	int err = 0;

	if (group == NULL) {
		hc_probe_report(ctx,
				id,
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"%s: no IOMMU group link",
				link_rel);
		return;
	}
	group_dev = g_strdup_printf("/dev/vfio/%s", group);
	group_fd = hc_probe_context_open(ctx, group_dev, O_RDWR | O_CLOEXEC, &err, &error);
	if (group_fd < 0) {
		/* EBUSY: a running VM holds the group */
		hc_probe_report(ctx, id, HC_CAP_STATE_UNKNOWN, NULL, "%s", error->message);
		return;
	}
	if (container < 0) {
		close(group_fd);
		hc_probe_report(ctx,
				id,
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"no usable " HC_VFIO_CONTAINER);
		return;
	}
	flags = hc_vfio_device_migration(container, group_fd, bdf, &step);
	close(group_fd);
	if (flags == -ENOTTY) {
		hc_probe_report_bool(ctx,
				     id,
				     HC_CAP_STATE_UNSUPPORTED,
				     FALSE,
				     "%s: %s",
				     step,
				     g_strerror(ENOTTY));
	} else if (flags < 0) {
		hc_probe_report(ctx,
				id,
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"%s: %s",
				step,
				g_strerror((int)-flags));
	} else {
		gboolean stop_copy = (flags & VFIO_MIGRATION_STOP_COPY) != 0;
		hc_probe_report_bool(ctx,
				     id,
				     stop_copy ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
				     stop_copy,
				     "%s: flags 0x%" G_GINT64_MODIFIER
				     "x (STOP_COPY=1 P2P=2 PRE_COPY=4)",
				     step,
				     flags);
	}
}

/* GPtrArray sorts pointers to its elements */
static gint
hc_cmp_strptr(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

static void
hc_vfio_check_bound_devices(HcProbeContext *ctx, int container)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *path = hc_probe_context_path(ctx, HC_VFIO_PCI_DRV);
	g_autoptr(GDir) dir = g_dir_open(path, 0, &error);
	g_autoptr(GPtrArray) bdfs = g_ptr_array_new_with_free_func(g_free);
	const char *name;

	if (dir == NULL) {
		hc_probe_report(ctx,
				"vfio.devices",
				HC_CAP_STATE_UNSUPPORTED,
				NULL,
				HC_VFIO_PCI_DRV ": %s (vfio-pci not loaded)",
				g_strerror(ENOENT));
		return;
	}
	while ((name = g_dir_read_name(dir)) != NULL) {
		if (hc_vfio_is_bdf(name))
			g_ptr_array_add(bdfs, g_strdup(name));
	}
	g_ptr_array_sort(bdfs, hc_cmp_strptr);
	for (guint i = 0; i < bdfs->len; i++)
		hc_vfio_check_device(ctx, container, g_ptr_array_index(bdfs, i));
	g_ptr_array_add(bdfs, NULL);
	hc_probe_report(ctx,
			"vfio.devices",
			bdfs->len > 1 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
			g_variant_new_strv((const char *const *)bdfs->pdata, -1),
			HC_VFIO_PCI_DRV ": %u device(s) bound",
			bdfs->len - 1);
}

static gboolean
hc_probe_vfio_run(HcProbeContext *ctx, GError **error)
{
	int container = hc_vfio_check_container(ctx);

	hc_vfio_check_iommufd(ctx);
	hc_vfio_check_groups(ctx);
	hc_vfio_check_bound_devices(ctx, container);
	if (container >= 0)
		close(container);
	return TRUE;
}

static const char *const hc_probe_vfio_subsystems[] = {"vfio", "iommu", "pci", NULL};
static const char *const hc_probe_vfio_devnodes[] = {HC_VFIO_CONTAINER, "/dev/iommu", NULL};

const HcProbeInfo hc_probe_vfio = {
    .name = "vfio",
    .description = "VFIO container and type1v2, iommufd, IOMMU groups, devices bound to "
		   "vfio-pci and their migration support",
    .ids = hc_probe_vfio_ids,
    .subsystems = hc_probe_vfio_subsystems,
    .devnodes = hc_probe_vfio_devnodes,
    .timeout_msec = 5000,
    .flags = HC_PROBE_FLAG_NONE,
    .run = hc_probe_vfio_run,
};
