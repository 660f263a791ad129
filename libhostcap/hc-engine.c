/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The probe engine. Each probe run gets a thread of its own (not a pool: a probe may
 * unshare() its network namespace, which must not leak into the next job of a pooled
 * thread). Finished runs are posted to a mutex-protected queue and signalled on an eventfd;
 * the caller collects them in dispatch() on its own thread, which also times out overdue
 * probes. A timed-out thread cannot be killed: it is abandoned, and the refcounted shared
 * state it posts into stays alive until it ends, when its late result is freed unread.
 */
#include "hc-engine.h"

#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hc-probe-context-private.h"
#include "hostcap/hc-error.h"

#define HC_ENGINE_DEFAULT_TIMEOUT_MSEC 10000

/* what the loop thread and the probe threads share; lives until the last of them lets go */
typedef struct {
	gint ref_count;
	GMutex lock;
	GQueue finished; /* HcEngineDone*, under @lock */
	int efd;
	guint n_slots;
	gint *cancel; /* one atomic flag per probe: set on timeout and when the run is freed */
} HcEngineShared;

typedef struct {
	guint index;
	HcProbeResult *result;
} HcEngineDone;

/* everything one probe thread owns */
typedef struct {
	HcEngineShared *shared;
	guint index;
	const HcProbeInfo *info;
	HcProbeContext *ctx;
} HcEngineJob;

typedef struct {
	const HcProbeInfo *info;
	HcProbeResult *result;
	gboolean done;
	gint64 start_usec;
	gint64 deadline_usec;
	guint timeout_msec;
} HcEngineSlot;

struct _HcEngineRun {
	HcEngineShared *shared;
	HcEngineSlot *slots;
	guint n_slots;
	guint n_done;
};

void
hc_probe_result_free(HcProbeResult *res)
{
	if (res == NULL)
		return;
	g_free(res->probe);
	g_free(res->error);
	if (res->capabilities != NULL)
		g_ptr_array_unref(res->capabilities);
	g_free(res);
}

static HcProbeResult *
hc_probe_result_new(const HcProbeInfo *info,
		    HcProbeStatus status,
		    const char *error,
		    gint64 duration_usec,
		    GPtrArray *caps)
{
	HcProbeResult *res = g_new0(HcProbeResult, 1);

	res->probe = g_strdup(info->name);
	res->status = status;
	res->error = g_strdup(error);
	res->duration_usec = duration_usec;
	res->capabilities = caps;
	return res;
}

/* ---- shared state ---- */

static HcEngineShared *
hc_engine_shared_new(guint n_slots)
{
	HcEngineShared *shared = g_new0(HcEngineShared, 1);

	shared->ref_count = 1;
	g_mutex_init(&shared->lock);
	g_queue_init(&shared->finished);
	shared->n_slots = n_slots;
	shared->cancel = g_new0(gint, MAX(n_slots, 1));
	shared->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (shared->efd < 0)
		g_warning("eventfd: %s, probe completion will be noticed late", g_strerror(errno));
	return shared;
}

static HcEngineShared *
hc_engine_shared_ref(HcEngineShared *shared)
{
	g_atomic_int_inc(&shared->ref_count);
	return shared;
}

static void
hc_engine_done_free(HcEngineDone *done)
{
	hc_probe_result_free(done->result);
	g_free(done);
}

static void
hc_engine_shared_unref(HcEngineShared *shared)
{
	if (!g_atomic_int_dec_and_test(&shared->ref_count))
		return;
	g_queue_clear_full(&shared->finished, (GDestroyNotify)hc_engine_done_free);
	g_mutex_clear(&shared->lock);
	if (shared->efd >= 0)
		close(shared->efd);
	g_free(shared->cancel);
	g_free(shared);
}

static void
hc_engine_shared_wake(HcEngineShared *shared)
{
	guint64 one = 1;

	/* EAGAIN only when the counter is saturated, which already means "readable" */
	if (shared->efd >= 0 && write(shared->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		g_debug("eventfd write: %s", g_strerror(errno));
}

static void
hc_engine_shared_post(HcEngineShared *shared, guint index, HcProbeResult *res)
{
	HcEngineDone *done = g_new0(HcEngineDone, 1);

	done->index = index;
	done->result = res;
	g_mutex_lock(&shared->lock);
	g_queue_push_tail(&shared->finished, done);
	g_mutex_unlock(&shared->lock);
	hc_engine_shared_wake(shared);
}

/* ---- the probe thread ---- */

static void
hc_engine_job_free(HcEngineJob *job)
{
	hc_probe_context_free(job->ctx);
	hc_engine_shared_unref(job->shared);
	g_free(job);
}

static gpointer
hc_engine_thread(gpointer data)
{
	HcEngineJob *job = data;
	g_autoptr(GError) error = NULL;
	gint64 start = g_get_monotonic_time();
	HcProbeResult *res;
	gboolean ok;

	ok = job->info->run(job->ctx, &error);
	if (!ok && error == NULL)
		g_set_error_literal(&error,
				    HC_ERROR,
				    HC_ERROR_INTERNAL,
				    "run() returned FALSE without an error");
	res = hc_probe_result_new(job->info,
				  ok ? HC_PROBE_STATUS_OK : HC_PROBE_STATUS_FAILED,
				  ok ? NULL : error->message,
				  g_get_monotonic_time() - start,
				  hc_probe_context_finish(job->ctx, ok, error));
	hc_engine_shared_post(job->shared, job->index, res);
	hc_engine_job_free(job);
	return NULL;
}

/* ---- the run ---- */

static void
hc_engine_slot_finish(HcEngineRun *run, HcEngineSlot *slot, HcProbeResult *res)
{
	slot->result = res;
	slot->done = TRUE;
	run->n_done++;
}

static void
hc_engine_slot_fail(HcEngineRun *run,
		    HcEngineSlot *slot,
		    HcProbeStatus status,
		    const char *error,
		    const char *reason,
		    gint64 duration_usec)
{
	hc_engine_slot_finish(
	    run,
	    slot,
	    hc_probe_result_new(slot->info,
				status,
				error,
				duration_usec,
				hc_probe_unknown_capabilities(slot->info, reason)));
}

static void
hc_engine_slot_start(HcEngineRun *run, guint index, const HcEngineOptions *opts)
{
	HcEngineSlot *slot = &run->slots[index];
	g_autoptr(GError) error = NULL;
	g_autofree char *thread_name = NULL;
	HcEngineJob *job;
	GThread *thread;

	if (slot->info->run == NULL) {
		hc_engine_slot_fail(run,
				    slot,
				    HC_PROBE_STATUS_FAILED,
				    "probe has no run function",
				    "probe failed: probe has no run function",
				    0);
		return;
	}
	job = g_new0(HcEngineJob, 1);
	job->shared = hc_engine_shared_ref(run->shared);
	job->index = index;
	job->info = slot->info;
	job->ctx =
	    hc_probe_context_new(slot->info, opts->sysroot, opts->qemu_user, opts->data_dirs);
	hc_probe_context_set_qemu(job->ctx, opts->qemu_binaries, opts->cache_dir);
	slot->start_usec = g_get_monotonic_time();
	slot->deadline_usec =
	    slot->start_usec + (gint64)slot->timeout_msec * G_TIME_SPAN_MILLISECOND;
	hc_probe_context_set_deadline(job->ctx, slot->deadline_usec, &run->shared->cancel[index]);
	hc_probe_context_set_may_open_devices(job->ctx, opts->open_devices);

	thread_name = g_strdup_printf("hc-%s", slot->info->name);
	thread = g_thread_try_new(thread_name, hc_engine_thread, job, &error);
	if (thread == NULL) {
		g_autofree char *reason = g_strdup_printf("probe failed: %s", error->message);

		hc_engine_job_free(job);
		hc_engine_slot_fail(run, slot, HC_PROBE_STATUS_FAILED, error->message, reason, 0);
		return;
	}
	/* never joined: a hanging probe must not hold up the caller */
	g_thread_unref(thread);
}

HcEngineRun *
hc_engine_run_start(const HcProbeInfo *const *probes, guint n_probes, const HcEngineOptions *opts)
{
	static const HcEngineOptions no_opts = {0};
	HcEngineRun *run = g_new0(HcEngineRun, 1);
	guint default_timeout;

	if (opts == NULL)
		opts = &no_opts;
	default_timeout = opts->default_timeout_msec != 0 ? opts->default_timeout_msec
							  : HC_ENGINE_DEFAULT_TIMEOUT_MSEC;
	run->shared = hc_engine_shared_new(n_probes);
	run->n_slots = n_probes;
	run->slots = g_new0(HcEngineSlot, MAX(n_probes, 1));
	for (guint i = 0; i < n_probes; i++) {
		HcEngineSlot *slot = &run->slots[i];

		slot->info = probes[i];
		slot->timeout_msec = probes[i]->timeout_msec != 0 ? probes[i]->timeout_msec
								  : default_timeout;
		if (opts->disabled_probes != NULL &&
		    g_strv_contains(opts->disabled_probes, probes[i]->name)) {
			hc_engine_slot_fail(run,
					    slot,
					    HC_PROBE_STATUS_DISABLED,
					    "disabled by configuration",
					    "probe disabled by configuration",
					    0);
			continue;
		}
		hc_engine_slot_start(run, i, opts);
	}
	/* results known up front (disabled probes, no probes at all) must wake the watcher too */
	if (run->n_done > 0 || n_probes == 0)
		hc_engine_shared_wake(run->shared);
	return run;
}

int
hc_engine_run_get_fd(HcEngineRun *run)
{
	return run->shared->efd;
}

guint64
hc_engine_run_get_next_deadline(HcEngineRun *run)
{
	guint64 next = G_MAXUINT64;

	for (guint i = 0; i < run->n_slots; i++) {
		if (!run->slots[i].done)
			next = MIN(next, (guint64)run->slots[i].deadline_usec);
	}
	return next;
}

static void
hc_engine_run_collect(HcEngineRun *run)
{
	GQueue finished = G_QUEUE_INIT;
	HcEngineDone *done;
	guint64 count;

	if (run->shared->efd >= 0 && read(run->shared->efd, &count, sizeof(count)) < 0 &&
	    errno != EAGAIN)
		g_debug("eventfd read: %s", g_strerror(errno));
	g_mutex_lock(&run->shared->lock);
	finished = run->shared->finished;
	g_queue_init(&run->shared->finished);
	g_mutex_unlock(&run->shared->lock);

	while ((done = g_queue_pop_head(&finished)) != NULL) {
		HcEngineSlot *slot = &run->slots[done->index];

		if (slot->done) {
			/* the late result of a probe already reported as timed out */
			g_debug("probe %s finished after its deadline, dropping its result",
				slot->info->name);
			hc_engine_done_free(done);
			continue;
		}
		hc_engine_slot_finish(run, slot, g_steal_pointer(&done->result));
		g_free(done);
	}
}

static void
hc_engine_run_expire(HcEngineRun *run)
{
	gint64 now = g_get_monotonic_time();

	for (guint i = 0; i < run->n_slots; i++) {
		HcEngineSlot *slot = &run->slots[i];
		g_autofree char *error = NULL;
		g_autofree char *reason = NULL;

		if (slot->done || slot->deadline_usec > now)
			continue;
		g_atomic_int_set(&run->shared->cancel[i], 1);
		error = g_strdup_printf("timed out after %u ms", slot->timeout_msec);
		reason = g_strdup_printf("probe timed out after %u ms", slot->timeout_msec);
		hc_engine_slot_fail(run,
				    slot,
				    HC_PROBE_STATUS_TIMED_OUT,
				    error,
				    reason,
				    now - slot->start_usec);
	}
}

gboolean
hc_engine_run_dispatch(HcEngineRun *run)
{
	/* collect first: a result posted before its deadline must win over the timeout */
	hc_engine_run_collect(run);
	hc_engine_run_expire(run);
	return hc_engine_run_is_done(run);
}

gboolean
hc_engine_run_is_done(HcEngineRun *run)
{
	return run->n_done == run->n_slots;
}

void
hc_engine_run_wait(HcEngineRun *run)
{
	while (!hc_engine_run_dispatch(run)) {
		struct pollfd pfd = {.fd = run->shared->efd, .events = POLLIN};
		guint64 deadline = hc_engine_run_get_next_deadline(run);
		gint64 left = (gint64)deadline - g_get_monotonic_time();
		int timeout = left <= 0 ? 0 : (int)MIN((left + 999) / 1000, G_MAXINT);

		/* without an eventfd, look again every 10 ms rather than sleep to the deadline */
		if (pfd.fd < 0)
			timeout = MIN(timeout, 10);
		if (poll(&pfd, 1, timeout) < 0 && errno != EINTR)
			g_debug("poll: %s", g_strerror(errno));
	}
}

GPtrArray *
hc_engine_run_steal_results(HcEngineRun *run)
{
	GPtrArray *results;

	g_return_val_if_fail(hc_engine_run_is_done(run), NULL);
	results = g_ptr_array_new_with_free_func((GDestroyNotify)hc_probe_result_free);
	for (guint i = 0; i < run->n_slots; i++) {
		if (run->slots[i].result != NULL)
			g_ptr_array_add(results, g_steal_pointer(&run->slots[i].result));
	}
	return results;
}

void
hc_engine_run_free(HcEngineRun *run)
{
	if (run == NULL)
		return;
	for (guint i = 0; i < run->n_slots; i++) {
		/* tell threads still running that nobody is waiting any more */
		if (!run->slots[i].done)
			g_atomic_int_set(&run->shared->cancel[i], 1);
		hc_probe_result_free(run->slots[i].result);
	}
	hc_engine_shared_unref(run->shared);
	g_free(run->slots);
	g_free(run);
}

HcProbeResult *
hc_engine_run_probe_sync(const HcProbeInfo *info, const HcEngineOptions *opts)
{
	const HcProbeInfo *probes[] = {info};
	g_autoptr(HcEngineRun) run = hc_engine_run_start(probes, 1, opts);
	g_autoptr(GPtrArray) results = NULL;

	hc_engine_run_wait(run);
	results = hc_engine_run_steal_results(run);
	return g_ptr_array_steal_index(results, 0);
}

void
hc_engine_apply_results(HcSnapshot *snap, GPtrArray *results)
{
	for (guint i = 0; results != NULL && i < results->len; i++) {
		const HcProbeResult *res = g_ptr_array_index(results, i);

		hc_snapshot_remove_probe_capabilities(snap, res->probe);
		for (guint j = 0; res->capabilities != NULL && j < res->capabilities->len; j++)
			hc_snapshot_take_capability(
			    snap,
			    hc_capability_copy(g_ptr_array_index(res->capabilities, j)));
		hc_snapshot_take_probe(
		    snap,
		    hc_probe_record_new(res->probe, res->status, res->duration_usec, res->error));
	}
}

/* a sysroot file when it is readable, else @fallback */
static char *
hc_engine_read_host_file(HcProbeContext *ctx, const char *abs_path, const char *fallback)
{
	char *line = hc_probe_context_read_line(ctx, abs_path, NULL);

	if (line != NULL && line[0] != '\0')
		return line;
	g_free(line);
	return g_strdup(fallback);
}

void
hc_engine_fill_host(HcSnapshot *snap, const char *sysroot)
{
	g_autoptr(HcProbeContext) ctx = hc_probe_context_new(NULL, sysroot, NULL, NULL);
	g_autofree char *hostname = NULL;
	g_autofree char *kernel = NULL;
	g_autofree char *arch = NULL;
	g_autofree char *boot_id = NULL;
	gboolean fixture = hc_probe_context_get_sysroot(ctx)[0] != '\0';
	struct utsname uts;

	if (uname(&uts) < 0)
		memset(&uts, 0, sizeof(uts));
	/* on a fixture tree the captured host's identity wins over this machine's */
	if (fixture) {
		hostname =
		    hc_engine_read_host_file(ctx, "/proc/sys/kernel/hostname", g_get_host_name());
		kernel = hc_engine_read_host_file(ctx, "/proc/sys/kernel/osrelease", uts.release);
		arch = hc_engine_read_host_file(ctx, "/proc/sys/kernel/arch", uts.machine);
	} else {
		hostname = g_strdup(g_get_host_name());
		kernel = g_strdup(uts.release);
		arch = g_strdup(uts.machine);
	}
	boot_id = hc_engine_read_host_file(ctx, "/proc/sys/kernel/random/boot_id", "");
	hc_snapshot_set_host(snap, hostname, boot_id, kernel, arch);
}

const char *
hc_engine_default_qemu_user(void)
{
	return getpwnam("libvirt-qemu") != NULL ? "libvirt-qemu" : "root";
}
