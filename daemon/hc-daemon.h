/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <systemd/sd-event.h>

#include "hc-verdict.h"

#include "hc-bus.h"
#include "hc-refresh-queue.h"
#include "hostcap/hc-snapshot.h"

G_BEGIN_DECLS

/**
 * The daemon: owns the one sd-event loop, the current snapshot and the state machine
 * starting -> probing -> ready | degraded. Probe passes are queued: a refresh asked for
 * while a pass runs is merged into the next pass, and its callback fires once the pass
 * that covered it has been committed.
 */
typedef struct _HcDaemon HcDaemon;

typedef enum {
	HC_DAEMON_STATE_STARTING, /* no snapshot yet */
	HC_DAEMON_STATE_PROBING,  /* a probe pass is running */
	HC_DAEMON_STATE_READY,	  /* every probe of the current snapshot ran ok */
	HC_DAEMON_STATE_DEGRADED, /* some probe failed or timed out: its ids are unknown */
	HC_DAEMON_STATE_LAST,
} HcDaemonState;

const char *
hc_daemon_state_to_string(HcDaemonState state);

typedef struct {
	HcBusKind bus_kind;
	const char *address;	      /* for HC_BUS_KIND_ADDRESS */
	const char *sysroot;	      /* NULL or "" = real root */
	const char *cache_dir;	      /* NULL = HC_CACHEDIR */
	const char *const *data_dirs; /* lowest priority first; NULL = HC_DATADIR, HC_SYSCONFDIR */
	guint probe_timeout_sec;      /* 0 = engine default */
	const char *config_path;      /* NULL = HC_SYSCONFDIR/hostcapd.conf */
	const char *state_dir;	      /* NULL = HC_STATEDIR (history.jsonl) */
} HcDaemonOptions;

/* copies @opts; blocks the signals the loop handles, so call it before any thread exists */
HcDaemon *
hc_daemon_new(const HcDaemonOptions *opts, GError **error);
void
hc_daemon_free(HcDaemon *daemon);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcDaemon, hc_daemon_free)

/* connects to the bus, starts the first probe pass and runs the loop until SIGTERM/SIGINT
 * (returns TRUE) or a fatal error */
gboolean
hc_daemon_run(HcDaemon *daemon, GError **error);

/* ---- for the change monitor and the tests; the bus front end sees the daemon only through
 * the HcBusOwner interface (hc-bus.h) ---- */

sd_event *
hc_daemon_get_event(HcDaemon *daemon);
HcDaemonState
hc_daemon_get_state(HcDaemon *daemon);
/* why State is "degraded" ("" otherwise): the catalogue's load error or the failed probes */
const char *
hc_daemon_get_state_reason(HcDaemon *daemon);
/* the catalogue roots in use, lowest priority first */
const char *const *
hc_daemon_get_data_dirs(HcDaemon *daemon);
/* borrowed; NULL before the first pass completed */
HcSnapshot *
hc_daemon_get_snapshot(HcDaemon *daemon);
guint
hc_daemon_get_n_probes(HcDaemon *daemon);
/* who may Refresh and how often (hc-access.h) */
HcAccess *
hc_daemon_get_access(HcDaemon *daemon);
/* the worker pool of the Check methods (hc-check-pool.h) */
HcCheckPool *
hc_daemon_get_check_pool(HcDaemon *daemon);
/* borrowed; NULL with the load error (names the file) when the catalogue did not load */
HcCatalogue *
hc_daemon_get_catalogue(HcDaemon *daemon, GError **error);

/**
 * hc_daemon_refresh:
 * @probes: probe names; NULL or empty = all
 * @func: (nullable): called once the refreshed snapshot is committed
 *
 * Queues a probe pass. Unknown probe names give HC_ERROR_INVALID_ARGUMENT naming the
 * probe (and @func is not called).
 */
gboolean
hc_daemon_refresh(HcDaemon *daemon,
		  const char *const *probes,
		  HcRefreshFunc func,
		  gpointer user_data,
		  GError **error);

/* stops the loop; hc_daemon_run() returns @error (copied). For the bus front end. */
void
hc_daemon_fatal(HcDaemon *daemon, const GError *error);

/* the bus front end reports that the well-known name is ours */
void
hc_daemon_name_acquired(HcDaemon *daemon);

G_END_DECLS
