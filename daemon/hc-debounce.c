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
	return d;
}

void
hc_debounce_free(HcDebounce *d)
{
	if (d == NULL)
		return;
	d->timer = sd_event_source_disable_unref(d->timer);
	sd_event_unref(d->event);
	g_hash_table_unref(d->pending);
	g_string_free(d->why, TRUE);
	g_free(d->what);
	g_free(d);
}

static int
hc_debounce_on_timer(sd_event_source *s, uint64_t usec, void *user_data)
{
	HcDebounce *d = user_data;
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	g_autofree char *why = g_string_free(d->why, FALSE);

	d->why = g_string_new(NULL);
	for (guint i = 0; i < hc_probe_registry_len; i++) {
		const char *name = hc_probe_registry[i]->name;
		if (g_hash_table_contains(d->pending, name))
			g_ptr_array_add(names, (gpointer)name);
	}
	g_hash_table_remove_all(d->pending);
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
	int r;

	if (info == NULL || g_hash_table_contains(d->pending, info->name))
		return;
	g_hash_table_add(d->pending, (gpointer)info->name);
	if (d->why->len < 200 && strstr(d->why->str, why) == NULL)
		g_string_append_printf(d->why, "%s%s", d->why->len > 0 ? ", " : "", why);
	if (g_hash_table_size(d->pending) > 1)
		return; /* the timer is armed already */
	r = sd_event_now(d->event, CLOCK_MONOTONIC, &now);
	if (r >= 0 && d->timer == NULL)
		r = sd_event_add_time(d->event,
				      &d->timer,
				      CLOCK_MONOTONIC,
				      now + HC_DEBOUNCE_USEC,
				      HC_DEBOUNCE_USEC / 10,
				      hc_debounce_on_timer,
				      d);
	else if (r >= 0)
		r = sd_event_source_set_time(d->timer, now + HC_DEBOUNCE_USEC);
	if (r >= 0)
		r = sd_event_source_set_enabled(d->timer, SD_EVENT_ONESHOT);
	if (r < 0)
		g_warning("%s: arming the debounce timer: %s, ignoring", d->what, g_strerror(-r));
}
