/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <systemd/sd-event.h>

G_BEGIN_DECLS

/**
 * Collects probe names on the loop and hands them over in one batch a fixed delay after the
 * first one arrived: a burst of uevents or /dev changes becomes one probe pass, and a
 * steady stream cannot postpone it forever.
 */
typedef struct _HcDebounce HcDebounce;

/* @probes: NULL-terminated names, registry order */
typedef void (*HcDebounceFunc)(const char *const *probes, const char *why, gpointer user_data);

#define HC_DEBOUNCE_USEC (200 * 1000)

HcDebounce *
hc_debounce_new(sd_event *event, const char *what, HcDebounceFunc func, gpointer user_data);
void
hc_debounce_free(HcDebounce *debounce);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcDebounce, hc_debounce_free)

/* a probe named in one batch is not named in another for @usec (event-driven re-runs of a
 * probe at most this often); changes in between are kept and handed over when it is due */
void
hc_debounce_set_min_interval(HcDebounce *debounce, guint64 usec);

/* adds @probe (a registry name) to the batch; @why ends up in the log line */
void
hc_debounce_add(HcDebounce *debounce, const char *probe, const char *why);

G_END_DECLS
