/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "hc-capability.h"

G_BEGIN_DECLS

/**
 * The probe API.
 *
 * A probe is a `const HcProbeInfo` descriptor listed in the one registry array
 * (probes/hc-probe-registry.c). The engine calls run() synchronously in a worker thread of
 * its own (one thread per run, so a probe may unshare() its network namespace), with a
 * deadline. Probes observe; they never depend on each other; they never log above debug.
 *
 * Paths: a probe never opens a raw path. Every /proc, /sys, /dev and /etc path goes through
 * the context, which prefixes the sysroot (HOSTCAPD_SYSROOT) so each parser runs on a
 * fixture tree in tests.
 *
 * Results: every id the probe declares must be reported on every run; the engine reports a
 * forgotten id as "unknown" ("probe did not report it"). When run() returns FALSE, every
 * declared id that was not reported yet becomes "unknown" with the error as reason. Ids
 * that depend on the host (one per hugepage size, per IOMMU group, …) may be reported
 * without being declared, as long as they are valid ids.
 */

typedef struct _HcProbeContext HcProbeContext;

typedef enum {
	HC_PROBE_FLAG_NONE = 0,
	/* creates kernel objects (VMs, taps, namespaces): kept off the critical path */
	HC_PROBE_FLAG_CREATES_OBJECTS = 1 << 0,
	/* reads only files; cheap enough to re-run on every query if wanted */
	HC_PROBE_FLAG_FILES_ONLY = 1 << 1,
	/* when allowed (hc_probe_context_may_open_devices), opens devices a VM may hold; the
	 * daemon then runs it only in deliberate passes, never from an event */
	HC_PROBE_FLAG_OPENS_DEVICES = 1 << 2,
} HcProbeFlags;

typedef struct {
	/* short lower-case name: "kvm", "tap", "host" */
	const char *name;
	/* one line for docs and `hostcapctl status` */
	const char *description;
	/* NULL-terminated ids reported on every run; may be NULL when @declare_ids is set */
	const char *const *ids;
	/* optional: appends further always-reported ids (g_strdup'd) from a table */
	void (*declare_ids)(GPtrArray *ids);
	/* NULL-terminated uevent subsystems whose events should re-run this probe */
	const char *const *subsystems;
	/* NULL-terminated /dev nodes whose appearance or removal should re-run this probe */
	const char *const *devnodes;
	/* deadline for one run; 0 = the engine's default */
	guint timeout_msec;
	HcProbeFlags flags;
	/* the probe itself: report through @ctx; FALSE + @error when it could not run at all */
	gboolean (*run)(HcProbeContext *ctx, GError **error);
} HcProbeInfo;

/* every id @info always reports, in declaration order; element-type utf8, owned */
GPtrArray *
hc_probe_info_get_ids(const HcProbeInfo *info);

/* ---- context: environment ---- */

/* "" for the real root, else the sysroot prefix without a trailing slash */
const char *
hc_probe_context_get_sysroot(HcProbeContext *ctx);
/* the user QEMU runs as (config QemuUser); never NULL */
const char *
hc_probe_context_get_qemu_user(HcProbeContext *ctx);
/* data roots, lowest priority first ({"/usr/share/hostcapd", "/etc/hostcapd"}): where the
 * declarative probe finds probes.d; never NULL (may be empty) */
const char *const *
hc_probe_context_get_data_dirs(HcProbeContext *ctx);
/* whether this run may open device nodes a VM could be using (vfio groups and devices):
 * only when the administrator asked for it (VfioOpenDevices=) and never in a pass started
 * by a uevent or a device node change */
gboolean
hc_probe_context_may_open_devices(HcProbeContext *ctx);
/* the QemuBinary= paths from the configuration, searched before the usual places; never
 * NULL (may be empty). Host paths: a probe prefixes the sysroot like any other path */
const char *const *
hc_probe_context_get_qemu_binaries(HcProbeContext *ctx);
/* a directory the probe may keep results in across daemon restarts (the daemon's cache
 * directory); NULL when there is none (offline runs, tests): then nothing is persisted */
const char *
hc_probe_context_get_cache_dir(HcProbeContext *ctx);
/* TRUE once the deadline has passed: long loops should check it and stop */
gboolean
hc_probe_context_is_cancelled(HcProbeContext *ctx);

/* ---- context: paths and files, all sysroot-aware ---- */

/* @abs_path must start with '/': returns sysroot + abs_path */
char *
hc_probe_context_path(HcProbeContext *ctx, const char *abs_path);
/* open(2) through the sysroot; -1 with G_IO_ERROR set from errno and a message that
 * keeps the path and errno text: "open /dev/kvm: Permission denied". The errno is also
 * returned in @errno_out when not NULL. */
int
hc_probe_context_open(HcProbeContext *ctx,
		      const char *abs_path,
		      int flags,
		      int *errno_out,
		      GError **error);
gboolean
hc_probe_context_exists(HcProbeContext *ctx, const char *abs_path);
/* whole file, NUL-terminated; error as above */
gboolean
hc_probe_context_read_file(HcProbeContext *ctx,
			   const char *abs_path,
			   char **contents,
			   gsize *len,
			   GError **error);
/* first line, stripped */
char *
hc_probe_context_read_line(HcProbeContext *ctx, const char *abs_path, GError **error);
/* a decimal integer file (sysctl, counters); error names the path on a parse failure */
gboolean
hc_probe_context_read_int(HcProbeContext *ctx, const char *abs_path, gint64 *out, GError **error);

/* ---- context: results ---- */

/* the one reporting call: @value may be floating or NULL; the reason is printf-style */
void
hc_probe_report(HcProbeContext *ctx,
		const char *id,
		HcCapState state,
		GVariant *value,
		const char *reason_fmt,
		...) G_GNUC_PRINTF(5, 6);
void
hc_probe_report_bool(HcProbeContext *ctx,
		     const char *id,
		     HcCapState state,
		     gboolean value,
		     const char *reason_fmt,
		     ...) G_GNUC_PRINTF(5, 6);
void
hc_probe_report_int(HcProbeContext *ctx,
		    const char *id,
		    HcCapState state,
		    gint64 value,
		    const char *reason_fmt,
		    ...) G_GNUC_PRINTF(5, 6);
void
hc_probe_report_string(HcProbeContext *ctx,
		       const char *id,
		       HcCapState state,
		       const char *value,
		       const char *reason_fmt,
		       ...) G_GNUC_PRINTF(5, 6);
/* TRUE when @id was already reported in this run */
gboolean
hc_probe_context_has_reported(HcProbeContext *ctx, const char *id);

G_END_DECLS
