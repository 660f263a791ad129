/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "hostcap/hc-probe.h"
#include "hostcap/hc-snapshot.h"

G_BEGIN_DECLS

/**
 * The probe engine: runs probes in worker threads (one thread per probe run) with a
 * deadline each, and hands back one complete #HcProbeResult per probe. It has no main
 * loop of its own: completion is signalled on an eventfd that the caller watches (the
 * daemon's sd-event loop, or a blocking poll() in hc_engine_run_wait()).
 *
 * A probe that fails, times out or forgets a declared id still yields a complete
 * result: those ids are "unknown" with the cause. A timed-out probe thread is abandoned
 * (it cannot be killed); its late result is dropped.
 */

typedef struct {
	const char *sysroot;		    /* NULL or "" = real root */
	const char *qemu_user;		    /* NULL = "root" */
	guint default_timeout_msec;	    /* for probes whose timeout_msec is 0; 0 = 10000 */
	const char *const *disabled_probes; /* names reported as disabled; NULL-terminated */
	const char *const *data_dirs;	    /* catalogue roots, lowest priority first (probes.d) */
	gboolean open_devices;		  /* probes may open vfio groups and devices in this pass */
	const char *const *qemu_binaries; /* QemuBinary= paths, searched first; NULL-terminated */
	const char *cache_dir;		  /* where probes may keep what survives a restart */
} HcEngineOptions;

typedef struct {
	char *probe;
	HcProbeStatus status;
	char *error; /* NULL when ok */
	gint64 duration_usec;
	GPtrArray *capabilities; /* HcCapability*, owned, sorted by id */
} HcProbeResult;

void
hc_probe_result_free(HcProbeResult *res);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcProbeResult, hc_probe_result_free)

typedef struct _HcEngineRun HcEngineRun;

/* starts one thread per probe; @probes is borrowed for the life of the run */
HcEngineRun *
hc_engine_run_start(const HcProbeInfo *const *probes, guint n_probes, const HcEngineOptions *opts);
/* readable (eventfd) whenever a probe finished; never blocks the caller */
int
hc_engine_run_get_fd(HcEngineRun *run);
/* CLOCK_MONOTONIC usec of the earliest outstanding deadline; G_MAXUINT64 when none */
guint64
hc_engine_run_get_next_deadline(HcEngineRun *run);
/* drains the eventfd, collects finished probes, times out overdue ones;
 * returns TRUE once every probe has a result */
gboolean
hc_engine_run_dispatch(HcEngineRun *run);
gboolean
hc_engine_run_is_done(HcEngineRun *run);
/* blocking convenience for the CLI and tests: poll() until done */
void
hc_engine_run_wait(HcEngineRun *run);
/* HcProbeResult*, in the order of @probes; only once done */
GPtrArray *
hc_engine_run_steal_results(HcEngineRun *run);
/* safe at any time: abandoned threads keep what they need alive */
void
hc_engine_run_free(HcEngineRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcEngineRun, hc_engine_run_free)

/* the user QEMU runs as when nobody configured one: Debian's libvirt runs it as
 * "libvirt-qemu", so that user when it exists, else "root" */
const char *
hc_engine_default_qemu_user(void);

/* runs one probe synchronously (still in its own thread, with its deadline) */
HcProbeResult *
hc_engine_run_probe_sync(const HcProbeInfo *info, const HcEngineOptions *opts);

/**
 * hc_engine_apply_results:
 *
 * Replaces, in @snap, the capabilities and probe record of each probe in @results
 * (HcProbeResult*). Does not touch generation, timestamps or host identity.
 */
void
hc_engine_apply_results(HcSnapshot *snap, GPtrArray *results);

/* fills host identity from uname(2), hostname and <sysroot>/proc/sys/kernel/random/boot_id */
void
hc_engine_fill_host(HcSnapshot *snap, const char *sysroot);

G_END_DECLS
