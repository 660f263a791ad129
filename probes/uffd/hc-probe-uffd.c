/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uffd probe: userfaultfd as QEMU's postcopy and background snapshot need it
 * (migration/postcopy-ram.c: postcopy_ram_supported_by_host, util/userfaultfd.c).
 *
 * Interfaces: userfaultfd(2) (syscall 323, without UFFD_USER_MODE_ONLY: QEMU needs
 * kernel-mode faults), /dev/userfaultfd with USERFAULTFD_IOC_NEW (6.1), the UFFDIO_API
 * handshake with features = 0 (reads the supported set), UFFDIO_REGISTER of one anonymous
 * MISSING page, and the sysctl vm.unprivileged_userfaultfd (Documentation/admin-guide/mm/
 * userfaultfd.rst, include/uapi/linux/userfaultfd.h). The syscalls ask the running kernel
 * whatever the sysroot; the device node and the sysctl are read through it.
 * EPERM for kernel-mode faults is a permission (CAP_SYS_PTRACE, or the sysctl), not a missing
 * interface: a UFFD_USER_MODE_ONLY fd (5.11, allowed to anyone) then shows the syscall is there.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#include "hc-probe-uffd.h"
#include "common/hc-probe-sysctl.h"

#define HC_UFFD_DEV "/dev/userfaultfd"

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

/* UFFD_FEATURE_* bit n is table entry n */
static const char *const hc_uffd_features[] = {
    "pagefault_flag_wp",
    "event_fork",
    "event_remap",
    "event_remove",
    "missing_hugetlbfs",
    "missing_shmem",
    "event_unmap",
    "sigbus",
    "thread_id",
    "minor_hugetlbfs",
    "minor_shmem",
    "exact_address",
    "wp_hugetlbfs_shmem",
    "wp_unpopulated",
    "poison",
    "wp_async",
    "move",
};

/* what a MISSING registration must offer for postcopy's place-page path */
#define HC_UFFD_POSTCOPY_IOCTLS                                                                    \
	((G_GUINT64_CONSTANT(1) << _UFFDIO_WAKE) | (G_GUINT64_CONSTANT(1) << _UFFDIO_COPY) |       \
	 (G_GUINT64_CONSTANT(1) << _UFFDIO_ZEROPAGE))

static const char *const hc_probe_uffd_ids[] = {
    "uffd.syscall",
    "uffd.dev",
    "uffd.api",
    "uffd.ioctls",
    "uffd.postcopy",
    "vm.unprivileged_userfaultfd",
    NULL,
};

static void
hc_probe_uffd_declare_ids(GPtrArray *ids)
{
	for (guint i = 0; i < G_N_ELEMENTS(hc_uffd_features); i++)
		g_ptr_array_add(ids, g_strdup_printf("uffd.feature.%s", hc_uffd_features[i]));
}

/* "missing" (no such interface) versus "not allowed" or anything else */
static HcCapState
hc_uffd_state_for_errno(int err)
{
	return (err == ENOSYS || err == ENOENT || err == ENODEV || err == ENXIO || err == ENOTTY)
		   ? HC_CAP_STATE_UNSUPPORTED
		   : HC_CAP_STATE_UNKNOWN;
}

/* the syscall refused kernel-mode faults with EPERM: is the syscall itself there? */
static gboolean
hc_uffd_user_mode_works(void)
{
	int fd = (int)syscall(__NR_userfaultfd, UFFD_USER_MODE_ONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return FALSE;
	close(fd);
	return TRUE;
}

/* the syscall path; -1 and *reason when this process got no kernel-mode fd */
static int
hc_uffd_open_syscall(HcProbeContext *ctx, char **reason)
{
	int fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	int err = errno;

	if (fd < 0) {
		*reason = g_strdup_printf("userfaultfd(O_CLOEXEC|O_NONBLOCK): %s", g_strerror(err));
		if (err == EPERM && hc_uffd_user_mode_works()) {
			/* the kernel has it; who may use it is uffd.access.qemu-user's question */
			hc_probe_report_bool(ctx,
					     "uffd.syscall",
					     HC_CAP_STATE_SUPPORTED,
					     TRUE,
					     "%s (kernel-mode faults need CAP_SYS_PTRACE or "
					     "vm.unprivileged_userfaultfd = 1); "
					     "userfaultfd(UFFD_USER_MODE_ONLY): ok",
					     *reason);
			return -1;
		}
		hc_probe_report_bool(ctx,
				     "uffd.syscall",
				     hc_uffd_state_for_errno(err),
				     FALSE,
				     "%s",
				     *reason);
		return -1;
	}
	hc_probe_report_bool(ctx,
			     "uffd.syscall",
			     HC_CAP_STATE_SUPPORTED,
			     TRUE,
			     "userfaultfd(O_CLOEXEC|O_NONBLOCK): ok");
	return fd;
}

/* the /dev/userfaultfd path (Linux 6.1); -1 and *reason on failure */
static int
hc_uffd_open_dev(HcProbeContext *ctx, char **reason)
{
	g_autoptr(GError) error = NULL;
	int err = 0;
	int dev_fd;
	int fd;

	dev_fd = hc_probe_context_open(ctx, HC_UFFD_DEV, O_RDWR | O_CLOEXEC, &err, &error);
	if (dev_fd < 0) {
		*reason = g_strdup(error->message);
		hc_probe_report_bool(ctx,
				     "uffd.dev",
				     hc_uffd_state_for_errno(err),
				     FALSE,
				     "%s",
				     *reason);
		return -1;
	}
	fd = ioctl(dev_fd, USERFAULTFD_IOC_NEW, O_CLOEXEC | O_NONBLOCK);
	err = errno;
	close(dev_fd);
	if (fd < 0) {
		*reason = g_strdup_printf("USERFAULTFD_IOC_NEW: %s", g_strerror(err));
		hc_probe_report_bool(ctx,
				     "uffd.dev",
				     hc_uffd_state_for_errno(err),
				     FALSE,
				     "%s",
				     *reason);
		return -1;
	}
	hc_probe_report_bool(ctx,
			     "uffd.dev",
			     HC_CAP_STATE_SUPPORTED,
			     TRUE,
			     "open " HC_UFFD_DEV " and USERFAULTFD_IOC_NEW: ok");
	return fd;
}

static void
hc_uffd_report_features(HcProbeContext *ctx, guint64 features)
{
	for (guint i = 0; i < G_N_ELEMENTS(hc_uffd_features); i++) {
		g_autofree char *id = g_strdup_printf("uffd.feature.%s", hc_uffd_features[i]);
		g_autofree char *name = g_ascii_strup(hc_uffd_features[i], -1);
		gboolean set = (features & (G_GUINT64_CONSTANT(1) << i)) != 0;

		hc_probe_report_bool(ctx,
				     id,
				     set ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
				     set,
				     "UFFDIO_API: UFFD_FEATURE_%s %s",
				     name,
				     set ? "offered" : "not offered");
	}
}

static void
hc_uffd_report_api_all(HcProbeContext *ctx, HcCapState state, const char *reason)
{
	hc_probe_report(ctx, "uffd.api", state, NULL, "%s", reason);
	hc_probe_report(ctx, "uffd.ioctls", state, NULL, "%s", reason);
	hc_probe_report(ctx, "uffd.postcopy", state, NULL, "%s", reason);
	for (guint i = 0; i < G_N_ELEMENTS(hc_uffd_features); i++) {
		g_autofree char *id = g_strdup_printf("uffd.feature.%s", hc_uffd_features[i]);
		hc_probe_report(ctx, id, state, NULL, "%s", reason);
	}
}

/* register one anonymous page for MISSING faults, as QEMU's ufd_check_and_apply() does */
static void
hc_uffd_check_postcopy(HcProbeContext *ctx, int fd)
{
	struct uffdio_register reg;
	struct uffdio_range range;
	gsize page = (gsize)sysconf(_SC_PAGESIZE);
	void *area;
	int err;

	area = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED) {
		hc_probe_report(ctx,
				"uffd.postcopy",
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"mmap(anonymous page): %s",
				g_strerror(errno));
		return;
	}
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (guint64)(guintptr)area;
	reg.range.len = page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	err = ioctl(fd, UFFDIO_REGISTER, &reg) < 0 ? errno : 0;
	if (err == 0) {
		range = reg.range;
		(void)ioctl(fd, UFFDIO_UNREGISTER, &range);
	}
	munmap(area, page);

	if (err != 0) {
		hc_probe_report_bool(ctx,
				     "uffd.postcopy",
				     hc_uffd_state_for_errno(err),
				     FALSE,
				     "UFFDIO_REGISTER(MISSING, anonymous page): %s",
				     g_strerror(err));
	} else if ((reg.ioctls & HC_UFFD_POSTCOPY_IOCTLS) != HC_UFFD_POSTCOPY_IOCTLS) {
		hc_probe_report_bool(ctx,
				     "uffd.postcopy",
				     HC_CAP_STATE_UNSUPPORTED,
				     FALSE,
				     "UFFDIO_REGISTER(MISSING): ioctls 0x%" G_GINT64_MODIFIER
				     "x lack WAKE|COPY|ZEROPAGE",
				     (guint64)reg.ioctls);
	} else {
		hc_probe_report_bool(
		    ctx,
		    "uffd.postcopy",
		    HC_CAP_STATE_SUPPORTED,
		    TRUE,
		    "UFFDIO_REGISTER(MISSING, anonymous page): WAKE|COPY|ZEROPAGE offered");
	}
}

static void
hc_uffd_check_api(HcProbeContext *ctx, int fd)
{
	g_autofree char *ioctls = NULL;
	struct uffdio_api api;

	memset(&api, 0, sizeof(api));
	api.api = UFFD_API;
	if (ioctl(fd, UFFDIO_API, &api) < 0) {
		g_autofree char *reason = g_strdup_printf("UFFDIO_API: %s", g_strerror(errno));
		hc_uffd_report_api_all(ctx, HC_CAP_STATE_UNKNOWN, reason);
		return;
	}
	ioctls = g_strdup_printf("0x%" G_GINT64_MODIFIER "x", (guint64)api.ioctls);
	hc_probe_report_int(ctx,
			    "uffd.api",
			    HC_CAP_STATE_SUPPORTED,
			    (gint64)api.features,
			    "UFFDIO_API(0xAA): features 0x%" G_GINT64_MODIFIER "x",
			    (guint64)api.features);
	/* a bit mask whose top bit is set: a hex string reads better than a negative int */
	hc_probe_report_string(ctx,
			       "uffd.ioctls",
			       HC_CAP_STATE_SUPPORTED,
			       ioctls,
			       "UFFDIO_API(0xAA): ioctls %s",
			       ioctls);
	hc_uffd_report_features(ctx, api.features);
	hc_uffd_check_postcopy(ctx, fd);
}

static gboolean
hc_probe_uffd_run(HcProbeContext *ctx, GError **error)
{
	g_autofree char *syscall_reason = NULL;
	g_autofree char *dev_reason = NULL;
	int sys_fd = hc_uffd_open_syscall(ctx, &syscall_reason);
	int dev_fd = hc_uffd_open_dev(ctx, &dev_reason);

	hc_probe_report_sysctl(ctx,
			       "vm.unprivileged_userfaultfd",
			       "/proc/sys/vm/unprivileged_userfaultfd",
			       NULL);

	if (sys_fd < 0 && dev_fd < 0) {
		g_autofree char *reason = g_strdup_printf("%s; %s", syscall_reason, dev_reason);
		gboolean missing = g_str_has_suffix(syscall_reason, g_strerror(ENOSYS)) &&
				   !hc_probe_context_exists(ctx, HC_UFFD_DEV);
		hc_uffd_report_api_all(ctx,
				       missing ? HC_CAP_STATE_UNSUPPORTED : HC_CAP_STATE_UNKNOWN,
				       reason);
		return TRUE;
	}
	/* the api handshake is once per fd: use one, close both */
	hc_uffd_check_api(ctx, sys_fd >= 0 ? sys_fd : dev_fd);
	if (sys_fd >= 0)
		close(sys_fd);
	if (dev_fd >= 0)
		close(dev_fd);
	return TRUE;
}

static const char *const hc_probe_uffd_subsystems[] = {"misc", NULL};
static const char *const hc_probe_uffd_devnodes[] = {HC_UFFD_DEV, NULL};

const HcProbeInfo hc_probe_uffd = {
    .name = "uffd",
    .description = "userfaultfd: syscall and /dev/userfaultfd, API features, postcopy "
		   "registration",
    .ids = hc_probe_uffd_ids,
    .declare_ids = hc_probe_uffd_declare_ids,
    .subsystems = hc_probe_uffd_subsystems,
    .devnodes = hc_probe_uffd_devnodes,
    .timeout_msec = 3000,
    .flags = HC_PROBE_FLAG_NONE,
    .run = hc_probe_uffd_run,
};
