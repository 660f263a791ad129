/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hc-probe-registry.h"

#include "hc-debounce.h"

struct _HcDebounce {
	sd_event *event;
	char *what;
	HcDebounceFunc func;
	gpointer user_data;
	GHashTable *pending; /* probe name (static, from the registry) */
	GString *why;	     /* the first few reasons, for the log */
	sd_event_source *timer;
	guint64 min_interval_usec; /* per probe, between two batches that name it */
	GHashTable *last_usec;	   /* probe name -> guint64* monotonic usec of its last batch */
};

HcDebounce *
hc_debounce_new(sd_event *event, const char *what, HcDebounceFunc func, gpointer user_data)
{
	HcDebounce *d = g_new0(HcDebounce, 1);

	d->event = sd_event_ref(event);
	d->what = g_strdup(what);
	d->func = func;
	d->user_data = user_data;
	d->pending = g_hash_table_new(g_str_hash, g_str_equal);
	d->why = g_string_new(NULL);
	d->last_usec = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	return d;
}

void
hc_debounce_set_min_interval(HcDebounce *d, guint64 usec)
{
	d->min_interval_usec = usec;
}

void
hc_debounce_free(HcDebounce *d)
{
	if (d == NULL)
		return;
	d->timer = sd_event_source_disable_unref(d->timer);
	sd_event_unref(d->event);
	g_hash_table_unref(d->pending);
	g_hash_table_unref(d->last_usec);
	g_string_free(d->why, TRUE);
	g_free(d->what);
	g_free(d);
}

static int
hc_debounce_on_timer(sd_event_source *s, uint64_t usec, void *user_data);

static void
hc_debounce_arm(HcDebounce *d, uint64_t when)
{
	int r = 0;

	if (d->timer == NULL)
		r = sd_event_add_time(d->event,
				      &d->timer,
				      CLOCK_MONOTONIC,
				      when,
				      HC_DEBOUNCE_USEC / 10,
				      hc_debounce_on_timer,
				      d);
	else
		r = sd_event_source_set_time(d->timer, when);
	if (r >= 0)
		r = sd_event_source_set_enabled(d->timer, SD_EVENT_ONESHOT);
	if (r < 0)
		g_warning("%s: arming the debounce timer: %s, ignoring", d->what, g_strerror(-r));
}

/* a probe that ran for an event less than the minimum interval ago waits for the rest of
 * it (returns when it is due); otherwise it joins this batch (returns 0) */
static guint64
hc_debounce_due(HcDebounce *d, const char *name, guint64 now)
{
	guint64 *last = g_hash_table_lookup(d->last_usec, name);

	if (last != NULL && now < *last + d->min_interval_usec)
		return *last + d->min_interval_usec;
	if (last == NULL) {
		last = g_new(guint64, 1);
		g_hash_table_insert(d->last_usec, (gpointer)name, last);
	}
	*last = now;
	return 0;
}

static int
hc_debounce_on_timer(sd_event_source *s, uint64_t usec, void *user_data)
{
	HcDebounce *d = user_data;
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	g_autofree char *why = g_string_free(d->why, FALSE);
	guint64 next = G_MAXUINT64;
	uint64_t now = usec;

	d->why = g_string_new(NULL);
	(void)sd_event_now(d->event, CLOCK_MONOTONIC, &now);
	for (guint i = 0; i < hc_probe_registry_len; i++) {
		const char *name = hc_probe_registry[i]->name;
		guint64 due;
		if (!g_hash_table_contains(d->pending, name))
			continue;
		due = hc_debounce_due(d, name, now);
		if (due != 0) {
			next = MIN(next, due);
			continue;
		}
		g_hash_table_remove(d->pending, name);
		g_ptr_array_add(names, (gpointer)name);
	}
	if (next != G_MAXUINT64) {
		g_debug("%s: %u probes wait for their minimum interval",
			d->what,
			g_hash_table_size(d->pending));
		g_string_assign(d->why, why);
		hc_debounce_arm(d, next);
	}
	g_ptr_array_add(names, NULL);
	if (names->len > 1)
		d->func((const char *const *)names->pdata, why, d->user_data);
	return 0;
}

void
hc_debounce_add(HcDebounce *d, const char *probe, const char *why)
{
	const HcProbeInfo *info = hc_probe_registry_lookup(probe);
	uint64_t now = 0;

	if (info == NULL || g_hash_table_contains(d->pending, info->name))
		return;
	g_hash_table_add(d->pending, (gpointer)info->name);
	if (d->why->len < 200 && strstr(d->why->str, why) == NULL)
		g_string_append_printf(d->why, "%s%s", d->why->len > 0 ? ", " : "", why);
	if (g_hash_table_size(d->pending) > 1)
		return; /* the timer is armed already */
	if (sd_event_now(d->event, CLOCK_MONOTONIC, &now) < 0)
		now = (uint64_t)g_get_monotonic_time();
	hc_debounce_arm(d, now + HC_DEBOUNCE_USEC);
}
