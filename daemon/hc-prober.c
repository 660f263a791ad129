/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <sys/epoll.h>

#include "hostcap/hc-error.h"

#include "hc-prober.h"

/* probe deadlines need no finer resolution; lets the loop coalesce wake-ups */
#define HC_PROBER_TIMER_ACCURACY_USEC 1000

struct _HcProber {
	sd_event *event;
	const HcEngineOptions *opts;
	HcProberDoneFunc done;
	gpointer user_data;
	HcEngineRun *run;
	GPtrArray *probes; /* borrowed HcProbeInfo* of the running pass */
	sd_event_source *io;
	sd_event_source *timer;
};

HcProber *
hc_prober_new(sd_event *event,
	      const HcEngineOptions *opts,
	      HcProberDoneFunc done,
	      gpointer user_data)
{
	HcProber *prober = g_new0(HcProber, 1);

	prober->event = sd_event_ref(event);
	prober->opts = opts;
	prober->done = done;
	prober->user_data = user_data;
	return prober;
}

static void
hc_prober_clear_run(HcProber *prober)
{
	/* sources first: the eventfd they watch belongs to the run */
	prober->io = sd_event_source_disable_unref(prober->io);
	prober->timer = sd_event_source_disable_unref(prober->timer);
	g_clear_pointer(&prober->run, hc_engine_run_free);
	g_clear_pointer(&prober->probes, g_ptr_array_unref);
}

void
hc_prober_free(HcProber *prober)
{
	if (prober == NULL)
		return;
	hc_prober_clear_run(prober);
	sd_event_unref(prober->event);
	g_free(prober);
}

gboolean
hc_prober_is_running(HcProber *prober)
{
	return prober->run != NULL;
}

static void
hc_prober_finish(HcProber *prober)
{
	g_autoptr(GPtrArray) results = hc_engine_run_steal_results(prober->run);

	/* the callback may start the next pass: leave no trace of this one */
	hc_prober_clear_run(prober);
	prober->done(prober, g_steal_pointer(&results), prober->user_data);
}

static void
hc_prober_arm_timer(HcProber *prober)
{
	guint64 deadline = hc_engine_run_get_next_deadline(prober->run);
	int r;

	/* a finished run fires at once so that completion always goes through the loop */
	if (hc_engine_run_is_done(prober->run))
		deadline = 1;
	if (deadline == G_MAXUINT64) {
		sd_event_source_set_enabled(prober->timer, SD_EVENT_OFF);
		return;
	}
	r = sd_event_source_set_time(prober->timer, deadline);
	if (r >= 0)
		r = sd_event_source_set_enabled(prober->timer, SD_EVENT_ONESHOT);
	if (r < 0)
		g_warning("arming probe deadline timer: %s, ignoring", g_strerror(-r));
}

static void
hc_prober_dispatch(HcProber *prober)
{
	if (hc_engine_run_dispatch(prober->run)) {
		hc_prober_finish(prober);
		return;
	}
	hc_prober_arm_timer(prober);
}

static int
hc_prober_on_io(sd_event_source *s, int fd, uint32_t revents, void *user_data)
{
	hc_prober_dispatch(user_data);
	return 0;
}

static int
hc_prober_on_timer(sd_event_source *s, uint64_t usec, void *user_data)
{
	hc_prober_dispatch(user_data);
	return 0;
}

gboolean
hc_prober_start(HcProber *prober, GPtrArray *probes, GError **error)
{
	int r;

	if (prober->run != NULL) {
		g_set_error_literal(error, HC_ERROR, HC_ERROR_BUSY, "a probe pass is running");
		return FALSE;
	}
	prober->probes = g_ptr_array_ref(probes);
	prober->run = hc_engine_run_start((const HcProbeInfo *const *)probes->pdata,
					  probes->len,
					  prober->opts);
	r = sd_event_add_io(prober->event,
			    &prober->io,
			    hc_engine_run_get_fd(prober->run),
			    EPOLLIN,
			    hc_prober_on_io,
			    prober);
	if (r >= 0)
		r = sd_event_add_time(prober->event,
				      &prober->timer,
				      CLOCK_MONOTONIC,
				      1,
				      HC_PROBER_TIMER_ACCURACY_USEC,
				      hc_prober_on_timer,
				      prober);
	if (r < 0) {
		hc_prober_clear_run(prober);
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "watching the probe engine: %s",
			    g_strerror(-r));
		return FALSE;
	}
	sd_event_source_set_description(prober->io, "probe-engine");
	sd_event_source_set_description(prober->timer, "probe-deadline");
	hc_prober_arm_timer(prober);
	return TRUE;
}
