/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * The next probe pass and who waits for it: the probes asked for since the last pass started
 * (all of them once anyone asked for all), the Refresh callers waiting for that pass, and the
 * callers of the pass in flight. Knows nothing of the loop or the prober.
 */
typedef struct _HcRefreshQueue HcRefreshQueue;

/* called with the generation of the snapshot that covers the refresh, or an error */
typedef void (*HcRefreshFunc)(guint64 generation, const GError *error, gpointer user_data);

typedef struct {
	HcRefreshFunc func;
	gpointer user_data;
} HcRefreshWaiter;

HcRefreshQueue *
hc_refresh_queue_new(void);
/* fails every waiter, queued or running, with "hostcapd is stopping" */
void
hc_refresh_queue_free(HcRefreshQueue *queue);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcRefreshQueue, hc_refresh_queue_free)

/* HC_ERROR_BUSY once too many callers already wait for the next pass */
gboolean
hc_refresh_queue_check_room(HcRefreshQueue *queue, GError **error);

/* @probes: known names, NULL or empty = all; @func may be NULL (nobody waits) */
void
hc_refresh_queue_add(HcRefreshQueue *queue,
		     const char *const *probes,
		     HcRefreshFunc func,
		     gpointer user_data);

gboolean
hc_refresh_queue_is_pending(HcRefreshQueue *queue);

/* the queued probes in registry order (borrowed infos); their waiters become the running ones */
GPtrArray *
hc_refresh_queue_start(HcRefreshQueue *queue);

/* the waiters of the pass in flight, detached so callbacks may queue more work */
GArray *
hc_refresh_queue_take_running(HcRefreshQueue *queue);

/* calls every waiter of @waiters (an HcRefreshWaiter array) with @generation or @error */
void
hc_refresh_waiters_notify(GArray *waiters, guint64 generation, const GError *error);

/* a pass that could not start: its waiters get @error */
void
hc_refresh_queue_fail_running(HcRefreshQueue *queue, const GError *error);

G_END_DECLS
