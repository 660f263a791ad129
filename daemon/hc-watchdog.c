/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <systemd/sd-daemon.h>

#include "hostcap/hc-error.h"

#include "hc-watchdog.h"

struct _HcWatchdog {
	sd_event_source *tick;
	guint64 tick_usec;
	gboolean watchdog; /* WatchdogSec= is set: ping on every tick */
	HcWatchdogFunc func;
	gpointer user_data;
};

void
hc_watchdog_free(HcWatchdog *watchdog)
{
	if (watchdog == NULL)
		return;
	watchdog->tick = sd_event_source_disable_unref(watchdog->tick);
	g_free(watchdog);
}

static int
hc_watchdog_on_tick(sd_event_source *s, uint64_t usec, void *user_data)
{
	HcWatchdog *watchdog = user_data;
	int r;

	if (watchdog->watchdog) {
		r = sd_notify(0, "WATCHDOG=1");
		if (r < 0)
			g_warning("sd_notify(WATCHDOG=1): %s, ignoring", g_strerror(-r));
	}
	watchdog->func(watchdog->user_data);
	r = sd_event_source_set_time(s, usec + watchdog->tick_usec);
	if (r >= 0)
		r = sd_event_source_set_enabled(s, SD_EVENT_ON);
	if (r < 0)
		g_warning("re-arming the status timer: %s, ignoring", g_strerror(-r));
	return 0;
}

/* WatchdogSec=: ping at half the interval, from the loop, so a stuck loop is caught */
HcWatchdog *
hc_watchdog_new(sd_event *event, HcWatchdogFunc func, gpointer user_data, GError **error)
{
	g_autoptr(HcWatchdog) watchdog = g_new0(HcWatchdog, 1);
	uint64_t watchdog_usec = 0;
	uint64_t now = 0;
	int r;

	watchdog->func = func;
	watchdog->user_data = user_data;
	watchdog->watchdog = sd_watchdog_enabled(0, &watchdog_usec) > 0 && watchdog_usec > 0;
	watchdog->tick_usec = watchdog->watchdog ? MIN(watchdog_usec / 2, HC_WATCHDOG_STATUS_USEC)
						 : HC_WATCHDOG_STATUS_USEC;
	r = sd_event_now(event, CLOCK_MONOTONIC, &now);
	if (r >= 0)
		r = sd_event_add_time(event,
				      &watchdog->tick,
				      CLOCK_MONOTONIC,
				      now + watchdog->tick_usec,
				      watchdog->tick_usec / 10,
				      hc_watchdog_on_tick,
				      watchdog);
	if (r >= 0)
		r = sd_event_source_set_enabled(watchdog->tick, SD_EVENT_ON);
	if (r < 0) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "adding the watchdog timer: %s",
			    g_strerror(-r));
		return NULL;
	}
	if (watchdog->watchdog)
		g_debug("watchdog: pinging every %" G_GUINT64_FORMAT " ms",
			watchdog->tick_usec / 1000);
	return g_steal_pointer(&watchdog);
}
