/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hc-probe-registry.h"
#include "hostcap/hc-error.h"

#include "hc-refresh-queue.h"

/* Refresh callers that may wait for the next pass (the rate limit of DESIGN §8) */
#define HC_REFRESH_QUEUE_MAX_WAITERS 256

struct _HcRefreshQueue {
	gboolean queued;
	gboolean queued_all;
	GHashTable *queued_names;
	GArray *queued_waiters;	 /* HcRefreshWaiter */
	GArray *running_waiters; /* HcRefreshWaiter, for the pass in flight */
};

HcRefreshQueue *
hc_refresh_queue_new(void)
{
	HcRefreshQueue *queue = g_new0(HcRefreshQueue, 1);

	queue->queued_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	queue->queued_waiters = g_array_new(FALSE, FALSE, sizeof(HcRefreshWaiter));
	queue->running_waiters = g_array_new(FALSE, FALSE, sizeof(HcRefreshWaiter));
	return queue;
}

void
hc_refresh_waiters_notify(GArray *waiters, guint64 generation, const GError *error)
{
	for (guint i = 0; i < waiters->len; i++) {
		HcRefreshWaiter *w = &g_array_index(waiters, HcRefreshWaiter, i);
		w->func(generation, error, w->user_data);
	}
}

static void
hc_refresh_queue_fail_waiters(GArray *waiters, const GError *error)
{
	/* callbacks may queue more work: detach the list before calling out */
	g_autoptr(GArray) list = g_array_copy(waiters);

	g_array_set_size(waiters, 0);
	hc_refresh_waiters_notify(list, 0, error);
}

void
hc_refresh_queue_free(HcRefreshQueue *queue)
{
	g_autoptr(GError) stopping = NULL;

	if (queue == NULL)
		return;
	stopping = g_error_new_literal(HC_ERROR, HC_ERROR_INTERNAL, "hostcapd is stopping");
	hc_refresh_queue_fail_waiters(queue->running_waiters, stopping);
	hc_refresh_queue_fail_waiters(queue->queued_waiters, stopping);
	g_hash_table_unref(queue->queued_names);
	g_array_unref(queue->queued_waiters);
	g_array_unref(queue->running_waiters);
	g_free(queue);
}

gboolean
hc_refresh_queue_check_room(HcRefreshQueue *queue, GError **error)
{
	/* callers beyond this wait on a pass that covers them anyway: tell them to back off */
	if (queue->queued_waiters->len >= HC_REFRESH_QUEUE_MAX_WAITERS) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_BUSY,
			    "%u Refresh calls are already waiting",
			    queue->queued_waiters->len);
		return FALSE;
	}
	return TRUE;
}

void
hc_refresh_queue_add(HcRefreshQueue *queue,
		     const char *const *probes,
		     HcRefreshFunc func,
		     gpointer user_data)
{
	if (probes == NULL || probes[0] == NULL)
		queue->queued_all = TRUE;
	for (guint i = 0; probes != NULL && probes[i] != NULL; i++)
		g_hash_table_add(queue->queued_names, g_strdup(probes[i]));
	if (func != NULL) {
		HcRefreshWaiter w = {func, user_data};
		g_array_append_val(queue->queued_waiters, w);
	}
	queue->queued = TRUE;
}

gboolean
hc_refresh_queue_is_pending(HcRefreshQueue *queue)
{
	return queue->queued;
}

GPtrArray *
hc_refresh_queue_start(HcRefreshQueue *queue)
{
	GPtrArray *probes = g_ptr_array_new();

	for (guint i = 0; i < hc_probe_registry_len; i++) {
		const HcProbeInfo *info = hc_probe_registry[i];
		if (queue->queued_all || g_hash_table_contains(queue->queued_names, info->name))
			g_ptr_array_add(probes, (gpointer)info);
	}
	queue->queued = FALSE;
	queue->queued_all = FALSE;
	g_hash_table_remove_all(queue->queued_names);
	g_array_append_vals(queue->running_waiters,
			    queue->queued_waiters->data,
			    queue->queued_waiters->len);
	g_array_set_size(queue->queued_waiters, 0);
	return probes;
}

GArray *
hc_refresh_queue_take_running(HcRefreshQueue *queue)
{
	GArray *waiters = g_array_copy(queue->running_waiters);

	g_array_set_size(queue->running_waiters, 0);
	return waiters;
}

void
hc_refresh_queue_fail_running(HcRefreshQueue *queue, const GError *error)
{
	hc_refresh_queue_fail_waiters(queue->running_waiters, error);
}
