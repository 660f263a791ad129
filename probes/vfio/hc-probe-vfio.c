/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vfio probe: device assignment (-device vfio-pci,host=BDF) and device migration.
 *
 * Interfaces: /dev/vfio/vfio with VFIO_GET_API_VERSION and VFIO_CHECK_EXTENSION
 * (VFIO_TYPE1v2_IOMMU), /dev/iommu (iommufd, 6.2), /sys/kernel/iommu_groups, the devices
 * bound to /sys/bus/pci/drivers/vfio-pci, and per bound device VFIO_DEVICE_FEATURE
 * GET|MIGRATION on its device fd, reached through its group /dev/vfio/<N>
 * (Documentation/driver-api/vfio.rst, include/uapi/linux/vfio.h).
 *
 * A group has one holder at a time and the first device fd resets a vfio-pci device, so a
 * probe that opens them can make a VM start fail (libvirt binds the device, then QEMU opens
 * the group: exactly when the vfio/pci uevents re-run this probe). By default the probe
 * therefore reads sysfs only: which driver each device is bound to, and what that driver
 * offers. Group and device fds are opened only with VfioOpenDevices=yes, and even then never
 * in a pass started by an event; a group some process holds answers EBUSY and is left alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "hc-probe-vfio.h"

#define HC_VFIO_CONTAINER "/dev/vfio/vfio"
#define HC_PCI_DRIVERS	  "/sys/bus/pci/drivers"
#define HC_VFIO_PCI_DRV	  HC_PCI_DRIVERS "/vfio-pci"
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
hc_vfio_report_migration(HcProbeContext *ctx, const char *id, const char *step, gint64 flags)
{
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

/* vfio-pci itself has no migration support: VFIO_DEVICE_FEATURE_MIGRATION answers ENOTTY
 * unless a variant driver (mlx5_vfio_pci, hisi_acc_vfio_pci, pds_vfio_pci, ...) is bound */
static void
hc_vfio_report_from_sysfs(HcProbeContext *ctx, const char *id, const char *driver)
{
	if (g_strcmp0(driver, "vfio-pci") == 0) {
		hc_probe_report_bool(ctx,
				     id,
				     HC_CAP_STATE_UNSUPPORTED,
				     FALSE,
				     "bound to vfio-pci, which has no migration driver (device not "
				     "opened: VfioOpenDevices=no)");
		return;
	}
	hc_probe_report(ctx,
			id,
			HC_CAP_STATE_UNKNOWN,
			NULL,
			"bound to %s: migration support is per device; asking needs the device "
			"opened (VfioOpenDevices=yes, then on start, SIGHUP or Refresh)",
			driver);
}

static void
hc_vfio_check_device(HcProbeContext *ctx, int container, const char *bdf, const char *driver)
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

	if (!hc_probe_context_may_open_devices(ctx)) {
		hc_vfio_report_from_sysfs(ctx, id, driver);
		return;
	}
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
	/* EBUSY: a VM (or anyone) holds the group; the refused open leaves the holder alone */
	group_fd = hc_probe_context_open(ctx, group_dev, O_RDWR | O_CLOEXEC, &err, &error);
	if (group_fd < 0) {
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
	hc_vfio_report_migration(ctx, id, step, flags);
}

/* GPtrArray sorts pointers to its elements */
static gint
hc_cmp_strptr(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

/* vfio-pci and its variant drivers (mlx5_vfio_pci, hisi_acc_vfio_pci, ...) */
static gboolean
hc_vfio_is_vfio_driver(const char *name)
{
	return g_str_equal(name, "vfio-pci") || g_str_has_suffix(name, "_vfio_pci");
}

/* "BDF DRIVER" for every device bound to a vfio driver, sorted; NULL when none is loaded */
static GPtrArray *
hc_vfio_bound_devices(HcProbeContext *ctx)
{
	g_autofree char *path = hc_probe_context_path(ctx, HC_PCI_DRIVERS);
	g_autoptr(GDir) drivers = g_dir_open(path, 0, NULL);
	g_autoptr(GPtrArray) bound = g_ptr_array_new_with_free_func(g_free);
	gboolean loaded = FALSE;
	const char *driver;

	while (drivers != NULL && (driver = g_dir_read_name(drivers)) != NULL) {
		g_autofree char *dir_path = NULL;
		g_autoptr(GDir) dir = NULL;
		const char *name;

		if (!hc_vfio_is_vfio_driver(driver))
			continue;
		dir_path = g_build_filename(path, driver, NULL);
		dir = g_dir_open(dir_path, 0, NULL);
		loaded = loaded || dir != NULL;
		while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
			if (hc_vfio_is_bdf(name))
				g_ptr_array_add(bound, g_strdup_printf("%s %s", name, driver));
		}
	}
	if (!loaded)
		return NULL;
	g_ptr_array_sort(bound, hc_cmp_strptr);
	return g_steal_pointer(&bound);
}

static void
hc_vfio_check_bound_devices(HcProbeContext *ctx, int container)
{
	g_autoptr(GPtrArray) bound = hc_vfio_bound_devices(ctx);
	g_autoptr(GPtrArray) bdfs = g_ptr_array_new_with_free_func(g_free);

	if (bound == NULL) {
		hc_probe_report(ctx,
				"vfio.devices",
				HC_CAP_STATE_UNSUPPORTED,
				NULL,
				HC_VFIO_PCI_DRV ": %s (vfio-pci not loaded)",
				g_strerror(ENOENT));
		return;
	}
	for (guint i = 0; i < bound->len; i++) {
		g_auto(GStrv) pair = g_strsplit(g_ptr_array_index(bound, i), " ", 2);

		hc_vfio_check_device(ctx, container, pair[0], pair[1]);
		g_ptr_array_add(bdfs, g_strdup(pair[0]));
	}
	g_ptr_array_add(bdfs, NULL);
	hc_probe_report(ctx,
			"vfio.devices",
			bdfs->len > 1 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
			g_variant_new_strv((const char *const *)bdfs->pdata, -1),
			HC_PCI_DRIVERS "/{vfio-pci,*_vfio_pci}: %u device(s) bound",
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
    .flags = HC_PROBE_FLAG_OPENS_DEVICES,
    .run = hc_probe_vfio_run,
};
