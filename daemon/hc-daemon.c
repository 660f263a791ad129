/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "hc-config.h"
#include "hc-engine.h"
#include "hc-probe-registry.h"
#include "hostcap/hc-error.h"

#include "hc-access.h"
#include "hc-check-pool.h"
#include "hc-state-lock.h"
#include "hc-bus.h"
#include "hc-cache.h"
#include "hc-catalogue-loader.h"
#include "hc-data-dirs.h"
#include "hc-daemon-config.h"
#include "hc-daemon.h"
#include "hc-debounce.h"
#include "hc-devwatch.h"
#include "hc-exporter.h"
#include "hc-history.h"
#include "hc-notify.h"
#include "hc-prober.h"
#include "hc-refresh-queue.h"
#include "hc-uevent.h"
#include "hc-watchdog.h"

/* signals the loop handles; blocked before any thread exists so none of them sees them */
static const int hc_daemon_signals[] = {SIGTERM, SIGINT, SIGHUP};

static const char *const hc_daemon_state_names[] = {
    [HC_DAEMON_STATE_STARTING] = "starting",
    [HC_DAEMON_STATE_PROBING] = "probing",
    [HC_DAEMON_STATE_READY] = "ready",
    [HC_DAEMON_STATE_DEGRADED] = "degraded",
};
G_STATIC_ASSERT(G_N_ELEMENTS(hc_daemon_state_names) == HC_DAEMON_STATE_LAST);

struct _HcDaemon {
	/* options, owned copies */
	HcBusKind bus_kind;
	char *address;
	char *sysroot;
	char *cache_dir;
	char **data_dirs;
	char *state_reason; /* why State is "degraded"; NULL otherwise */
	char *config_path;
	char *state_dir;
	int state_lock_fd; /* flock(2) on STATE_DIR/lock: one daemon per state directory */
	guint cli_probe_timeout_sec; /* --probe-timeout-sec: overrides ProbeTimeoutSec= */
	HcDaemonConfig *config;	     /* engine_opts borrows from it */
	HcAccess *access;
	HcDebounce *debounce; /* uevents and /dev changes, batched into Refresh calls */
	HcUevent *uevent;
	HcDevwatch *devwatch;
	HcWatchdog *watchdog; /* WATCHDOG=1 and a STATUS= that keeps the cache age current */
	HcEngineOptions engine_opts;

	sd_event *event;
	GPtrArray *signal_sources; /* sd_event_source* */
	HcNotify *notify;
	HcProber *prober;
	HcBus *bus;
	GError *fatal_error;

	HcCatalogueLoader *catalogue; /* parsed after READY=1 or at the first Check */

	HcSnapshot *snapshot; /* current, published: never modified in place */
	HcSnapshot *previous; /* a cached snapshot of another key: never served, history only */
	gint64 cache_saved_usec;
	HcDaemonState state;

	HcRefreshQueue *refresh; /* the next pass and who waits for it */
	/* start, SIGHUP or Refresh asked for the next pass: only such a pass may open vfio
	 * groups and devices (VfioOpenDevices=), never one that uevents or /dev changes started */
	gboolean deliberate_queued;
	HcExporter *exporter; /* PrometheusFile=, NfdFeatureFile= */
	HcCheckPool *checks;  /* CheckBootable/CheckMigration off the loop thread */
};

const char *
hc_daemon_state_to_string(HcDaemonState state)
{
	if ((guint)state >= HC_DAEMON_STATE_LAST)
		return "unknown";
	return hc_daemon_state_names[state];
}

static void
hc_daemon_source_unref(gpointer source)
{
	sd_event_source_disable_unref(source);
}

static char **
hc_daemon_default_data_dirs(void)
{
	return g_strdupv((char **)hc_data_dirs_default());
}

static gboolean
hc_daemon_block_signals(GError **error)
{
	sigset_t mask;

	sigemptyset(&mask);
	for (guint i = 0; i < G_N_ELEMENTS(hc_daemon_signals); i++)
		sigaddset(&mask, hc_daemon_signals[i]);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "sigprocmask: %s",
			    g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

static void
hc_daemon_on_pass_done(HcProber *prober, GPtrArray *results, gpointer user_data);
static void
hc_daemon_update_status(HcDaemon *daemon);
static void
hc_daemon_update_state(HcDaemon *daemon);

/* a catalogue that does not load makes the daemon degraded, one that loads again heals it */
static void
hc_daemon_on_catalogue(HcCatalogueLoader *loader, gpointer user_data)
{
	HcDaemon *daemon = user_data;

	if (daemon->snapshot == NULL)
		return;
	hc_daemon_update_state(daemon);
	hc_daemon_update_status(daemon);
}

/* the engine reads its options when a pass starts, so swapping them between passes is safe;
 * a file that does not parse keeps what worked (the defaults at start) */
static void
hc_daemon_load_config(HcDaemon *daemon)
{
	g_autoptr(GError) error = NULL;
	HcDaemonConfig *config = hc_daemon_config_load(daemon->config_path, &error);

	if (config == NULL) {
		g_warning("%s, %s",
			  error->message,
			  daemon->config != NULL ? "keeping the previous configuration"
						 : "using the built-in defaults");
		if (daemon->config != NULL)
			return;
		config = hc_daemon_config_new();
	}
	if (daemon->cli_probe_timeout_sec != 0)
		config->probe_timeout_sec = daemon->cli_probe_timeout_sec;
	g_clear_pointer(&daemon->config, hc_daemon_config_free);
	daemon->config = config;
	daemon->engine_opts.disabled_probes = (const char *const *)config->disabled_probes;
	daemon->engine_opts.qemu_user = config->qemu_user;
	daemon->engine_opts.qemu_binaries = (const char *const *)config->qemu_binaries;
	daemon->engine_opts.default_timeout_msec = config->probe_timeout_sec * 1000;
	hc_access_set_policy(daemon->access, config->admin_group, config->refresh_limit_per_minute);
	if (daemon->debounce != NULL)
		hc_debounce_set_min_interval(daemon->debounce,
					     config->event_min_interval_sec * G_USEC_PER_SEC);
	if (daemon->checks != NULL)
		hc_check_pool_set_limits(daemon->checks,
					 config->check_workers,
					 config->checks_per_user);
}

HcDaemon *
hc_daemon_new(const HcDaemonOptions *opts, GError **error)
{
	g_autoptr(HcDaemon) daemon = g_new0(HcDaemon, 1);
	int r;

	if (!hc_daemon_block_signals(error))
		return NULL;
	daemon->bus_kind = opts->bus_kind;
	daemon->address = g_strdup(opts->address);
	daemon->sysroot = g_strdup(opts->sysroot != NULL ? opts->sysroot : "");
	daemon->cache_dir = g_strdup(opts->cache_dir != NULL ? opts->cache_dir : HC_CACHEDIR);
	daemon->data_dirs = opts->data_dirs != NULL && opts->data_dirs[0] != NULL
				? g_strdupv((char **)opts->data_dirs)
				: hc_daemon_default_data_dirs();
	daemon->engine_opts.sysroot = daemon->sysroot;
	daemon->engine_opts.cache_dir = daemon->cache_dir;
	daemon->engine_opts.data_dirs = (const char *const *)daemon->data_dirs;
	daemon->config_path = g_strdup(opts->config_path != NULL ? opts->config_path
								 : HC_SYSCONFDIR "/hostcapd.conf");
	daemon->state_dir = g_strdup(opts->state_dir != NULL ? opts->state_dir : HC_STATEDIR);
	daemon->state_lock_fd = -1;
	daemon->cli_probe_timeout_sec = opts->probe_timeout_sec;
	daemon->access = hc_access_new();
	hc_daemon_load_config(daemon);
	daemon->signal_sources = g_ptr_array_new_with_free_func(hc_daemon_source_unref);
	daemon->refresh = hc_refresh_queue_new();
	daemon->exporter = hc_exporter_new();
	daemon->notify = hc_notify_new();

	r = sd_event_new(&daemon->event);
	if (r < 0) {
		g_set_error(error, HC_ERROR, HC_ERROR_INTERNAL, "sd_event_new: %s", g_strerror(-r));
		return NULL;
	}
	daemon->checks = hc_check_pool_new(daemon->event, error);
	if (daemon->checks == NULL)
		return NULL;
	hc_check_pool_set_limits(daemon->checks,
				 daemon->config->check_workers,
				 daemon->config->checks_per_user);
	daemon->catalogue =
	    hc_catalogue_loader_new(daemon->event, (const char *const *)daemon->data_dirs);
	hc_catalogue_loader_set_notify(daemon->catalogue, hc_daemon_on_catalogue, daemon);
	daemon->prober =
	    hc_prober_new(daemon->event, &daemon->engine_opts, hc_daemon_on_pass_done, daemon);
	return g_steal_pointer(&daemon);
}

void
hc_daemon_free(HcDaemon *daemon)
{
	if (daemon == NULL)
		return;
	/* waiters are failed first, while everything they might call back into still exists */
	hc_refresh_queue_free(daemon->refresh);
	daemon->refresh = NULL;
	g_clear_pointer(&daemon->exporter, hc_exporter_free);
	/* running checks are waited for; they hold references, not the daemon */
	g_clear_pointer(&daemon->checks, hc_check_pool_free);
	g_clear_pointer(&daemon->bus, hc_bus_free);
	g_clear_pointer(&daemon->prober, hc_prober_free);
	g_clear_pointer(&daemon->uevent, hc_uevent_free);
	g_clear_pointer(&daemon->devwatch, hc_devwatch_free);
	g_clear_pointer(&daemon->debounce, hc_debounce_free);
	g_clear_pointer(&daemon->watchdog, hc_watchdog_free);
	g_clear_pointer(&daemon->signal_sources, g_ptr_array_unref);
	g_clear_pointer(&daemon->notify, hc_notify_free);
	g_clear_pointer(&daemon->snapshot, hc_snapshot_unref);
	g_clear_pointer(&daemon->previous, hc_snapshot_unref);
	g_clear_error(&daemon->fatal_error);
	g_clear_pointer(&daemon->catalogue, hc_catalogue_loader_free);
	daemon->event = sd_event_unref(daemon->event);
	g_free(daemon->address);
	g_free(daemon->sysroot);
	g_free(daemon->cache_dir);
	g_strfreev(daemon->data_dirs);
	g_free(daemon->state_reason);
	g_free(daemon->config_path);
	g_free(daemon->state_dir);
	if (daemon->state_lock_fd >= 0)
		close(daemon->state_lock_fd);
	g_clear_pointer(&daemon->config, hc_daemon_config_free);
	g_clear_pointer(&daemon->access, hc_access_free);
	g_free(daemon);
}

sd_event *
hc_daemon_get_event(HcDaemon *daemon)
{
	return daemon->event;
}

HcDaemonState
hc_daemon_get_state(HcDaemon *daemon)
{
	return daemon->state;
}

HcSnapshot *
hc_daemon_get_snapshot(HcDaemon *daemon)
{
	return daemon->snapshot;
}

guint
hc_daemon_get_n_probes(HcDaemon *daemon)
{
	return hc_probe_registry_len;
}

HcAccess *
hc_daemon_get_access(HcDaemon *daemon)
{
	return daemon->access;
}

HcCheckPool *
hc_daemon_get_check_pool(HcDaemon *daemon)
{
	return daemon->checks;
}

HcCatalogue *
hc_daemon_get_catalogue(HcDaemon *daemon, GError **error)
{
	return hc_catalogue_loader_get(daemon->catalogue, error);
}

const char *
hc_daemon_get_state_reason(HcDaemon *daemon)
{
	return daemon->state_reason != NULL ? daemon->state_reason : "";
}

const char *const *
hc_daemon_get_data_dirs(HcDaemon *daemon)
{
	return (const char *const *)daemon->data_dirs;
}

/* degraded: the catalogue did not load (every check fails), or a probe of the current
 * snapshot failed or timed out (disabled is a choice); NULL when neither */
static char *
hc_daemon_degraded_reason(HcDaemon *daemon)
{
	const GError *cat_error = hc_catalogue_loader_get_error(daemon->catalogue);
	g_autoptr(GPtrArray) probes = hc_snapshot_list_probes(daemon->snapshot);
	g_autoptr(GString) failed = g_string_new(NULL);

	if (cat_error != NULL)
		return g_strdup(cat_error->message);
	for (guint i = 0; i < probes->len; i++) {
		const HcProbeRecord *rec = g_ptr_array_index(probes, i);
		if (rec->status == HC_PROBE_STATUS_FAILED ||
		    rec->status == HC_PROBE_STATUS_TIMED_OUT)
			g_string_append_printf(failed,
					       "%s%s %s",
					       failed->len > 0 ? ", " : "probe ",
					       rec->name,
					       hc_probe_status_to_string(rec->status));
	}
	return failed->len > 0 ? g_string_free(g_steal_pointer(&failed), FALSE) : NULL;
}

static void
hc_daemon_set_state_reason(HcDaemon *daemon, char *reason)
{
	if (g_strcmp0(reason, daemon->state_reason) == 0) {
		g_free(reason);
		return;
	}
	if (reason != NULL)
		g_warning("degraded: %s", reason);
	g_free(daemon->state_reason);
	daemon->state_reason = reason;
	if (daemon->bus != NULL)
		hc_bus_emit_properties_changed(daemon->bus, "StateReason", NULL);
}

static void
hc_daemon_update_state(HcDaemon *daemon)
{
	HcDaemonState state;

	if (daemon->snapshot == NULL)
		state = HC_DAEMON_STATE_STARTING;
	else if (hc_prober_is_running(daemon->prober))
		state = HC_DAEMON_STATE_PROBING;
	else
		state = HC_DAEMON_STATE_READY;
	if (state == HC_DAEMON_STATE_READY) {
		char *reason = hc_daemon_degraded_reason(daemon);
		if (reason != NULL)
			state = HC_DAEMON_STATE_DEGRADED;
		hc_daemon_set_state_reason(daemon, reason);
	}
	if (state == daemon->state)
		return;
	g_debug("state %s -> %s",
		hc_daemon_state_to_string(daemon->state),
		hc_daemon_state_to_string(state));
	daemon->state = state;
	if (daemon->bus != NULL)
		hc_bus_emit_properties_changed(daemon->bus, "State", NULL);
}

static void
hc_daemon_start_queued(HcDaemon *daemon)
{
	g_autoptr(GPtrArray) probes = NULL;
	g_autoptr(GError) error = NULL;

	if (!hc_refresh_queue_is_pending(daemon->refresh) || hc_prober_is_running(daemon->prober))
		return;
	probes = hc_refresh_queue_start(daemon->refresh);
	daemon->engine_opts.open_devices =
	    daemon->config->vfio_open_devices && daemon->deliberate_queued;
	daemon->deliberate_queued = FALSE;
	g_debug("starting a probe pass of %u probes", probes->len);
	hc_exporter_pass_started(daemon->exporter);
	if (!hc_prober_start(daemon->prober, probes, &error)) {
		g_warning("cannot start a probe pass: %s", error->message);
		hc_refresh_queue_fail_running(daemon->refresh, error);
		return;
	}
	if (daemon->snapshot == NULL) {
		g_autofree char *status = g_strdup_printf("probing %u probes", probes->len);
		hc_notify_status(daemon->notify, status);
	}
	hc_daemon_update_state(daemon);
}

static gboolean
hc_daemon_queue(HcDaemon *daemon,
		const char *const *probes,
		HcRefreshFunc func,
		gpointer user_data,
		gboolean deliberate,
		GError **error)
{
	if (func != NULL && !hc_refresh_queue_check_room(daemon->refresh, error))
		return FALSE;
	/* validate everything before queueing anything */
	if (!hc_probe_registry_check_names(probes, error))
		return FALSE;
	hc_refresh_queue_add(daemon->refresh, probes, func, user_data);
	daemon->deliberate_queued = daemon->deliberate_queued || deliberate;
	hc_daemon_start_queued(daemon);
	return TRUE;
}

gboolean
hc_daemon_refresh(HcDaemon *daemon,
		  const char *const *probes,
		  HcRefreshFunc func,
		  gpointer user_data,
		  GError **error)
{
	return hc_daemon_queue(daemon, probes, func, user_data, TRUE, error);
}

static HcCacheKey *
hc_daemon_cache_key(HcDaemon *daemon)
{
	g_autofree char *config_hash = hc_daemon_config_probe_hash(daemon->config);

	return hc_cache_key_new_current(daemon->sysroot,
					(const char *const *)daemon->data_dirs,
					hc_catalogue_loader_get_hash(daemon->catalogue),
					config_hash);
}

/* a valid cache is served at once (State stays "probing" until the first pass has
 * revalidated it); anything else is said once, and the first pass starts from nothing */
static gboolean
hc_daemon_load_cache(HcDaemon *daemon)
{
	g_autoptr(HcCacheKey) key = hc_daemon_cache_key(daemon);
	g_autoptr(HcSnapshot) snap = NULL;
	g_autofree char *reason = NULL;
	g_autofree char *path = g_build_filename(daemon->cache_dir, HC_CACHE_FILE_NAME, NULL);
	gint64 saved_usec = 0;

	switch (hc_cache_load(daemon->cache_dir, key, &snap, &saved_usec, &reason)) {
	case HC_CACHE_VALID:
		g_message("%s: serving generation %" G_GUINT64_FORMAT " at once, revalidating",
			  path,
			  hc_snapshot_get_generation(snap));
		daemon->snapshot = g_steal_pointer(&snap);
		daemon->cache_saved_usec = saved_usec;
		hc_notify_snapshot(daemon->notify,
				   daemon->snapshot,
				   hc_daemon_get_n_probes(daemon));
		return TRUE;
	case HC_CACHE_STALE:
		g_message("%s: %s, probing afresh", path, reason);
		daemon->previous = g_steal_pointer(&snap);
		return FALSE;
	case HC_CACHE_MISSING:
		g_debug("%s: no cache yet", path);
		return FALSE;
	case HC_CACHE_INVALID:
	default:
		g_warning("%s: %s; discarding it and probing afresh", path, reason);
		return FALSE;
	}
}

static void
hc_daemon_save_cache(HcDaemon *daemon)
{
	g_autoptr(HcCacheKey) key = hc_daemon_cache_key(daemon);
	g_autoptr(GError) error = NULL;

	if (!hc_cache_save(daemon->cache_dir, key, daemon->snapshot, &error)) {
		g_warning("%s/%s: %s, ignoring",
			  daemon->cache_dir,
			  HC_CACHE_FILE_NAME,
			  error->message);
		return;
	}
	daemon->cache_saved_usec = g_get_real_time();
}

/* one history line per commit that changed something; the first pass after a restart is
 * compared with what the last run cached, so a reboot into another kernel is recorded */
static void
hc_daemon_record_history(HcDaemon *daemon, HcSnapshot *old, HcSnapshot *next, GPtrArray *changed)
{
	g_autoptr(GPtrArray) since_previous = NULL;
	g_autoptr(HcSnapshot) previous = g_steal_pointer(&daemon->previous);
	g_autoptr(GError) error = NULL;
	g_autofree char *line = NULL;
	HcSnapshot *base = old;

	if (old == NULL && previous != NULL) {
		base = previous;
		changed = since_previous = hc_snapshot_diff(previous, next);
	}
	if (changed->len == 0)
		return;
	line = hc_history_format_entry(base, next, changed);
	if (!hc_history_append(daemon->state_dir, daemon->config->history_max_bytes, line, &error))
		g_warning("%s, ignoring", error->message);
}

/* the export files carry the probe time, so they are rewritten after every pass; platform
 * labels need the catalogue, parsed here at the latest when an export is configured */
static void
hc_daemon_write_exports(HcDaemon *daemon)
{
	const HcDaemonConfig *config = daemon->config;
	g_autoptr(GError) error = NULL;
	HcCatalogue *cat;

	if (config->prometheus_file[0] == '\0' && config->nfd_feature_file[0] == '\0')
		return;
	cat = hc_catalogue_loader_get(daemon->catalogue, &error);
	if (cat == NULL)
		g_debug("exports without platforms: %s", error->message);
	hc_exporter_write(daemon->exporter, config, daemon->snapshot, cat);
}

static void
hc_daemon_commit(HcDaemon *daemon, HcSnapshot *next, GPtrArray *changed)
{
	g_autoptr(HcSnapshot) old = g_steal_pointer(&daemon->snapshot);
	guint64 generation = hc_snapshot_get_generation(next);

	daemon->snapshot = hc_snapshot_ref(next);
	/* the cache and history modules hook in here: every committed snapshot passes */
	if (changed->len > 0 || old == NULL)
		g_message("generation %" G_GUINT64_FORMAT ", capabilities changed: %u",
			  generation,
			  changed->len);
	/* a pass that changed nothing writes nothing: an event stream must not become a stream
	 * of cache rewrites and fsyncs */
	if (changed->len > 0 || old == NULL)
		hc_daemon_save_cache(daemon);
	hc_daemon_record_history(daemon, old, next, changed);
	hc_daemon_write_exports(daemon);
	if (daemon->bus != NULL) {
		if (changed->len > 0) {
			hc_bus_emit_capabilities_changed(daemon->bus, generation, changed);
			hc_bus_emit_properties_changed(daemon->bus,
						       "Generation",
						       "Fingerprint",
						       "LastProbeUsec",
						       NULL);
		} else {
			hc_bus_emit_properties_changed(daemon->bus, "LastProbeUsec", NULL);
		}
	}
}

static gboolean
hc_daemon_platform_moved(HcDaemon *daemon, HcSnapshot *next, GPtrArray *changed)
{
	g_autoptr(GPtrArray) since_previous = NULL;

	if (daemon->snapshot != NULL)
		return changed->len > 0;
	if (daemon->previous == NULL)
		return TRUE;
	since_previous = hc_snapshot_diff(daemon->previous, next);
	return since_previous->len > 0;
}

static void
hc_daemon_on_pass_done(HcProber *prober, GPtrArray *results, gpointer user_data)
{
	HcDaemon *daemon = user_data;
	g_autoptr(GPtrArray) owned = results;
	g_autoptr(HcSnapshot) next = NULL;
	g_autoptr(GPtrArray) changed = NULL;
	g_autoptr(GArray) waiters = NULL;
	g_autoptr(GError) error = NULL;
	guint64 generation = 0;

	next = daemon->snapshot != NULL ? hc_snapshot_copy(daemon->snapshot) : hc_snapshot_new();
	hc_exporter_count_results(daemon->exporter, owned);
	hc_engine_apply_results(next, owned);
	hc_engine_fill_host(next, daemon->sysroot);
	hc_snapshot_set_generated_usec(next, g_get_real_time());
	changed = hc_snapshot_diff(daemon->snapshot, next);
	if (daemon->snapshot != NULL)
		generation = hc_snapshot_get_generation(daemon->snapshot);
	else if (daemon->previous != NULL)
		generation = hc_snapshot_get_generation(daemon->previous); /* stays monotonic */
	/* the generation only moves when the platform did: the very first snapshot, or a change
	 * against the last one known, which after a restart with another catalogue or
	 * configuration is the stale cache's */
	if (hc_daemon_platform_moved(daemon, next, changed))
		generation++;
	hc_snapshot_set_generation(next, generation);
	hc_daemon_commit(daemon, next, changed);
	if (daemon->bus != NULL && !hc_bus_request_name(daemon->bus, &error))
		hc_daemon_fatal(daemon, error);

	waiters = hc_refresh_queue_take_running(daemon->refresh);
	hc_daemon_start_queued(daemon);
	hc_daemon_update_state(daemon);
	hc_notify_snapshot(daemon->notify, daemon->snapshot, hc_daemon_get_n_probes(daemon));
	hc_daemon_update_status(daemon);
	hc_refresh_waiters_notify(waiters, generation, NULL);
}

static int
hc_daemon_on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *user_data)
{
	HcDaemon *daemon = user_data;
	g_autoptr(GError) error = NULL;

	if (si->ssi_signo == SIGHUP) {
		g_message("SIGHUP: reloading the configuration and the catalogue, probing again");
		hc_daemon_load_config(daemon);
		hc_catalogue_loader_load(daemon->catalogue);
		if (!hc_daemon_refresh(daemon, NULL, NULL, NULL, &error))
			g_warning("SIGHUP: %s, ignoring", error->message);
		return 0;
	}
	g_message("%s: stopping", strsignal((int)si->ssi_signo));
	hc_notify_stopping(daemon->notify);
	return sd_event_exit(daemon->event, 0);
}

static gboolean
hc_daemon_add_signals(HcDaemon *daemon, GError **error)
{
	for (guint i = 0; i < G_N_ELEMENTS(hc_daemon_signals); i++) {
		sd_event_source *source = NULL;
		int r = sd_event_add_signal(daemon->event,
					    &source,
					    hc_daemon_signals[i],
					    hc_daemon_on_signal,
					    daemon);
		if (r < 0) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INTERNAL,
				    "watching %s: %s",
				    strsignal(hc_daemon_signals[i]),
				    g_strerror(-r));
			return FALSE;
		}
		/* before bus traffic: a Refresh sent after SIGHUP sees the reloaded config */
		(void)sd_event_source_set_priority(source, SD_EVENT_PRIORITY_IMPORTANT);
		g_ptr_array_add(daemon->signal_sources, source);
	}
	return TRUE;
}

static char *
hc_daemon_format_age(gint64 usec)
{
	gint64 sec = MAX(usec, 0) / G_USEC_PER_SEC;

	if (sec < 120)
		return g_strdup_printf("%" G_GINT64_FORMAT " s", sec);
	if (sec < 2 * 3600)
		return g_strdup_printf("%" G_GINT64_FORMAT " min", sec / 60);
	if (sec < 2 * 86400)
		return g_strdup_printf("%" G_GINT64_FORMAT " h", sec / 3600);
	return g_strdup_printf("%" G_GINT64_FORMAT " days", sec / 86400);
}

/* STATUS=: the snapshot's counts, what the daemon is doing and how old the cache file is */
static void
hc_daemon_update_status(HcDaemon *daemon)
{
	g_autofree char *base = NULL;
	g_autofree char *age = NULL;
	g_autofree char *cache = NULL;
	g_autofree char *status = NULL;

	if (daemon->snapshot == NULL)
		return;
	base = hc_notify_format_status(daemon->snapshot, hc_daemon_get_n_probes(daemon));
	age = hc_daemon_format_age(g_get_real_time() - daemon->cache_saved_usec);
	cache = daemon->cache_saved_usec == 0 ? g_strdup("cache not saved")
					      : g_strdup_printf("cache saved %s ago", age);
	status = g_strdup_printf(
	    "%s; %s%s%s; %s",
	    base,
	    daemon->state == HC_DAEMON_STATE_PROBING ? "probing (revalidating)"
						     : hc_daemon_state_to_string(daemon->state),
	    daemon->state == HC_DAEMON_STATE_DEGRADED ? ": " : "",
	    daemon->state == HC_DAEMON_STATE_DEGRADED ? hc_daemon_get_state_reason(daemon) : "",
	    cache);
	hc_notify_status(daemon->notify, status);
}

static void
hc_daemon_on_tick(gpointer user_data)
{
	hc_daemon_update_status(user_data);
}

/* with VfioOpenDevices=, a probe that would open devices in a deliberate pass is left out of
 * event passes: run without opening it would flip its answers back to sysfs-only ones */
static GStrv
hc_daemon_event_probes(HcDaemon *daemon, const char *const *probes)
{
	g_autoptr(GStrvBuilder) kept = g_strv_builder_new();

	for (guint i = 0; probes[i] != NULL; i++) {
		const HcProbeInfo *info = hc_probe_registry_lookup(probes[i]);

		if (daemon->config->vfio_open_devices && info != NULL &&
		    (info->flags & HC_PROBE_FLAG_OPENS_DEVICES) != 0) {
			g_debug("not re-probing %s from an event (VfioOpenDevices=yes)", probes[i]);
			continue;
		}
		g_strv_builder_add(kept, probes[i]);
	}
	return g_strv_builder_end(kept);
}

static void
hc_daemon_on_change(const char *const *all, const char *why, gpointer user_data)
{
	HcDaemon *daemon = user_data;
	g_auto(GStrv) probes = hc_daemon_event_probes(daemon, all);
	g_autofree char *names = g_strjoinv(" ", probes);
	g_autoptr(GError) error = NULL;

	if (probes[0] == NULL)
		return;
	g_message("%s: probing %s again", why, names);
	if (!hc_daemon_queue(daemon, (const char *const *)probes, NULL, NULL, FALSE, &error))
		g_warning("re-probing %s: %s, ignoring", names, error->message);
}

/* a host whose changes cannot be watched is still worth serving: say so and go on */
static void
hc_daemon_watch_changes(HcDaemon *daemon)
{
	g_autoptr(GError) error = NULL;

	daemon->debounce = hc_debounce_new(daemon->event, "changes", hc_daemon_on_change, daemon);
	hc_debounce_set_min_interval(daemon->debounce,
				     daemon->config->event_min_interval_sec * G_USEC_PER_SEC);
	daemon->uevent = hc_uevent_new(daemon->event, daemon->debounce, &error);
	if (daemon->uevent == NULL) {
		g_warning("%s: uevents will not re-run probes", error->message);
		g_clear_error(&error);
	}
	daemon->devwatch =
	    hc_devwatch_new(daemon->event, daemon->sysroot, daemon->debounce, &error);
	if (daemon->devwatch == NULL)
		g_warning("%s: /dev changes will not re-run probes", error->message);
}

void
hc_daemon_name_acquired(HcDaemon *daemon)
{
	hc_notify_name_acquired(daemon->notify);
	hc_catalogue_loader_defer(daemon->catalogue);
}

void
hc_daemon_fatal(HcDaemon *daemon, const GError *error)
{
	if (daemon->fatal_error == NULL)
		daemon->fatal_error = g_error_copy(error);
	sd_event_exit(daemon->event, EXIT_FAILURE);
}

/* ---- what the bus front end sees of the daemon (HcBusOwner, hc-bus.h) ---- */

static HcSnapshot *
hc_daemon_bus_get_snapshot(gpointer owner)
{
	return hc_daemon_get_snapshot(owner);
}

static const char *
hc_daemon_bus_get_state(gpointer owner)
{
	return hc_daemon_state_to_string(hc_daemon_get_state(owner));
}

static HcCatalogue *
hc_daemon_bus_get_catalogue(gpointer owner, GError **error)
{
	return hc_daemon_get_catalogue(owner, error);
}

static HcAccess *
hc_daemon_bus_get_access(gpointer owner)
{
	return hc_daemon_get_access(owner);
}

static HcCheckPool *
hc_daemon_bus_get_check_pool(gpointer owner)
{
	return hc_daemon_get_check_pool(owner);
}

static gboolean
hc_daemon_bus_refresh(gpointer owner,
		      const char *const *probes,
		      HcRefreshFunc func,
		      gpointer user_data,
		      GError **error)
{
	return hc_daemon_refresh(owner, probes, func, user_data, error);
}

static void
hc_daemon_bus_name_acquired(gpointer owner)
{
	hc_daemon_name_acquired(owner);
}

static void
hc_daemon_bus_fatal(gpointer owner, const GError *error)
{
	hc_daemon_fatal(owner, error);
}

static const char *
hc_daemon_bus_get_state_reason(gpointer owner)
{
	return hc_daemon_get_state_reason(owner);
}

static const char *const *
hc_daemon_bus_get_data_dirs(gpointer owner)
{
	return hc_daemon_get_data_dirs(owner);
}

static const HcBusOwner hc_daemon_bus_owner = {
    .get_snapshot = hc_daemon_bus_get_snapshot,
    .get_state = hc_daemon_bus_get_state,
    .get_state_reason = hc_daemon_bus_get_state_reason,
    .get_data_dirs = hc_daemon_bus_get_data_dirs,
    .get_catalogue = hc_daemon_bus_get_catalogue,
    .get_access = hc_daemon_bus_get_access,
    .get_check_pool = hc_daemon_bus_get_check_pool,
    .refresh = hc_daemon_bus_refresh,
    .name_acquired = hc_daemon_bus_name_acquired,
    .fatal = hc_daemon_bus_fatal,
};

gboolean
hc_daemon_run(HcDaemon *daemon, GError **error)
{
	int r;

	/* before anything is probed or written: a second daemon on the same state exits here */
	daemon->state_lock_fd = hc_state_lock_acquire(daemon->state_dir, error);
	if (daemon->state_lock_fd < 0)
		return FALSE;
	if (!hc_daemon_add_signals(daemon, error))
		return FALSE;
	hc_catalogue_loader_hash(daemon->catalogue);
	daemon->bus = hc_bus_new(daemon->event,
				 &hc_daemon_bus_owner,
				 daemon,
				 daemon->bus_kind,
				 daemon->address,
				 error);
	if (daemon->bus == NULL)
		return FALSE;
	if (hc_daemon_load_cache(daemon) && !hc_bus_request_name(daemon->bus, error))
		return FALSE;
	hc_daemon_watch_changes(daemon);
	daemon->watchdog = hc_watchdog_new(daemon->event, hc_daemon_on_tick, daemon, error);
	if (daemon->watchdog == NULL)
		return FALSE;
	if (!hc_daemon_refresh(daemon, NULL, NULL, NULL, error))
		return FALSE;
	hc_daemon_update_status(daemon);
	r = sd_event_loop(daemon->event);
	if (daemon->fatal_error != NULL) {
		g_propagate_error(error, g_steal_pointer(&daemon->fatal_error));
		return FALSE;
	}
	if (r < 0) {
		g_set_error(error, HC_ERROR, HC_ERROR_INTERNAL, "event loop: %s", g_strerror(-r));
		return FALSE;
	}
	if (r != 0) {
		g_set_error(error, HC_ERROR, HC_ERROR_INTERNAL, "event loop exited with %d", r);
		return FALSE;
	}
	return TRUE;
}
