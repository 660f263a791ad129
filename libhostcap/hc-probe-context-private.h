/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hostcap/hc-probe.h"

G_BEGIN_DECLS

/*
 * The engine's side of the probe context: create one per probe run, hand it to run(), then
 * turn what the probe reported into a complete, sorted capability list. Probe tests may use
 * these directly to run a probe's run() on a fixture sysroot without the engine.
 */

/* @sysroot NULL, "" or "/" = real root; @qemu_user NULL = "root"; @data_dirs may be NULL */
HcProbeContext *
hc_probe_context_new(const HcProbeInfo *info,
		     const char *sysroot,
		     const char *qemu_user,
		     const char *const *data_dirs);
void
hc_probe_context_free(HcProbeContext *ctx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcProbeContext, hc_probe_context_free)

/* the QemuBinary= paths (searched before the usual places) and the directory where a probe
 * may persist results across restarts; both may be NULL */
void
hc_probe_context_set_qemu(HcProbeContext *ctx,
			  const char *const *qemu_binaries,
			  const char *cache_dir);

/* CLOCK_MONOTONIC usec after which is_cancelled() is TRUE; 0 = none. @cancel_flag, when
 * not NULL, is an atomic int owned by the caller (it must outlive the context); setting it
 * to non-zero cancels the run at once. */
void
hc_probe_context_set_deadline(HcProbeContext *ctx, gint64 deadline_usec, gint *cancel_flag);

/* see hc_probe_context_may_open_devices(); FALSE unless set */
void
hc_probe_context_set_may_open_devices(HcProbeContext *ctx, gboolean may_open);

/* ids reported with an invalid id; they were dropped (element-type utf8, borrowed) */
GPtrArray *
hc_probe_context_get_dropped_ids(HcProbeContext *ctx);

/**
 * hc_probe_context_finish:
 * @ok: what run() returned
 * @run_error: the error run() set when it returned FALSE (may be NULL)
 *
 * Completes the run: every declared id that was not reported becomes "unknown" ("probe
 * failed: <message>" after a failure, "probe did not report it" otherwise), each capability
 * gets probe = the probe's name.
 *
 * Returns: (transfer full): HcCapability*, sorted by id. The context is left empty.
 */
GPtrArray *
hc_probe_context_finish(HcProbeContext *ctx, gboolean ok, const GError *run_error);

/* every declared id of @info as "unknown" with @reason, probe set, sorted by id */
GPtrArray *
hc_probe_unknown_capabilities(const HcProbeInfo *info, const char *reason);

G_END_DECLS
