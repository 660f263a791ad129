/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Background release of scratch kernel objects (close(2), io_destroy(2)) whose teardown
 * waits for RCU grace periods, so that a probe's duration is the time of its questions.
 */
#include "hc-probe-closer.h"

#include <unistd.h>

typedef struct {
	GDestroyNotify func;
	gpointer data;
} HcCloserJob;

typedef struct {
	guint n_fds;
	int fds[];
} HcCloserFds;

static gpointer
hc_closer_thread(gpointer data)
{
	g_autofree HcCloserJob *job = data;

	job->func(job->data);
	return NULL;
}

void
hc_probe_closer_run(GDestroyNotify func, gpointer data)
{
	HcCloserJob *job = g_new(HcCloserJob, 1);
	GThread *thread;

	job->func = func;
	job->data = data;
	thread = g_thread_try_new("hc-probe-close", hc_closer_thread, job, NULL);
	if (thread == NULL) {
		hc_closer_thread(job);
		return;
	}
	/* detached: nobody joins it, it ends when the release returns */
	g_thread_unref(thread);
}

static void
hc_closer_close_fds(gpointer data)
{
	g_autofree HcCloserFds *set = data;

	for (guint i = 0; i < set->n_fds; i++) {
		if (set->fds[i] >= 0)
			close(set->fds[i]);
	}
}

void
hc_probe_closer_close_fds(const int *fds, guint n_fds)
{
	HcCloserFds *set = g_malloc(sizeof(HcCloserFds) + n_fds * sizeof(int));

	set->n_fds = n_fds;
	for (guint i = 0; i < n_fds; i++)
		set->fds[i] = fds[i];
	hc_probe_closer_run(hc_closer_close_fds, set);
}
