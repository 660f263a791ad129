/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `hostcapctl monitor`: one line per change, live. The bus module delivers
 * CapabilitiesChanged, PropertiesChanged and the daemon coming and going; this file keeps
 * the last known capabilities so each line can say what a capability was and is now.
 */
#include "hc-config.h"

#include <json-glib/json-glib.h>
#include <stdio.h>

#include "hostcap/hc-error.h"

#include "hc-ctl-bus.h"
#include "hc-ctl-output.h"
#include "hc-ctl.h"

typedef struct {
	HcCtlContext *ctx;
	GHashTable *known; /* id → HcCapability*, owned */
	guint64 generation;
	gboolean connected; /* the daemon answered the last load_all() */
} HcCtlMonitorState;

static void
remember(HcCtlMonitorState *st, GPtrArray *caps)
{
	for (guint i = 0; i < caps->len; i++) {
		HcCapability *cap = hc_capability_copy(g_ptr_array_index(caps, i));
		g_hash_table_replace(st->known, cap->id, cap);
	}
}

/* the daemon may not be there yet: that is fine for a monitor, it will say when it comes */
static void
load_all(HcCtlMonitorState *st, HcCtlBus *bus)
{
	g_autoptr(GError) error = NULL;
	g_auto(HcCtlDaemonInfo) info = {0};
	g_autoptr(GPtrArray) caps = hc_ctl_bus_get_capabilities(bus, NULL, &error);

	g_hash_table_remove_all(st->known);
	if (caps != NULL)
		remember(st, caps);
	st->connected = hc_ctl_bus_get_info(bus, &info, NULL);
	if (st->connected)
		st->generation = info.generation;
}

static char *
now_text(void)
{
	g_autoptr(GDateTime) dt = g_date_time_new_now_local();
	return g_date_time_format(dt, "%H:%M:%S");
}

/* one compact JSON document per line */
static void
print_json_line(JsonBuilder *b)
{
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	g_autofree char *text = json_to_string(root, FALSE);
	g_print("%s\n", text);
}

static char *
cap_text(const HcCapability *cap)
{
	g_autofree char *value = NULL;
	if (cap == NULL)
		return g_strdup("(absent)");
	value = hc_capability_value_to_string(cap);
	if (value[0] == '\0')
		return g_strdup(hc_cap_state_to_string(cap->state));
	return g_strdup_printf("%s (%s)", hc_cap_state_to_string(cap->state), value);
}

static void
print_change(HcCtlMonitorState *st,
	     guint64 generation,
	     const char *id,
	     const HcCapability *old,
	     const HcCapability *new_cap)
{
	g_autofree char *now = now_text();
	g_autofree char *before = cap_text(old);
	g_autofree char *after = cap_text(new_cap);

	if (st->ctx->json) {
		g_autoptr(JsonBuilder) b = json_builder_new();
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "event");
		json_builder_add_string_value(b, "capability");
		json_builder_set_member_name(b, "time_usec");
		json_builder_add_int_value(b, g_get_real_time());
		json_builder_set_member_name(b, "generation");
		json_builder_add_int_value(b, (gint64)generation);
		json_builder_set_member_name(b, "id");
		json_builder_add_string_value(b, id);
		json_builder_set_member_name(b, "old");
		if (old != NULL)
			json_builder_add_value(b, hc_ctl_capability_to_json(old, FALSE));
		else
			json_builder_add_null_value(b);
		json_builder_set_member_name(b, "new");
		if (new_cap != NULL)
			json_builder_add_value(b, hc_ctl_capability_to_json(new_cap, FALSE));
		else
			json_builder_add_null_value(b);
		json_builder_end_object(b);
		print_json_line(b);
		return;
	}
	g_print("%s generation %" G_GUINT64_FORMAT ": %s: %s → %s%s%s\n",
		now,
		generation,
		id,
		before,
		after,
		new_cap != NULL ? ": " : "",
		new_cap != NULL ? new_cap->reason : "");
}

static void
on_capabilities(HcCtlMonitorState *st, HcCtlBus *bus, const HcCtlMonitorEvent *ev)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) caps = hc_ctl_bus_get_capabilities(bus, ev->ids, &error);

	/* a removed id matches nothing and the daemon refuses the whole query: ask for all */
	if (caps == NULL && g_error_matches(error, HC_ERROR, HC_ERROR_UNKNOWN_FEATURE)) {
		g_clear_error(&error);
		caps = hc_ctl_bus_get_capabilities(bus, NULL, &error);
	}
	st->generation = ev->generation;
	for (guint i = 0; ev->ids != NULL && ev->ids[i] != NULL; i++) {
		const char *id = ev->ids[i];
		const HcCapability *now = NULL;
		for (guint j = 0; caps != NULL && j < caps->len; j++) {
			const HcCapability *c = g_ptr_array_index(caps, j);
			if (g_strcmp0(c->id, id) == 0)
				now = c;
		}
		/* without the new values we still say which ids changed */
		if (caps == NULL) {
			g_autofree char *t = now_text();
			g_print("%s generation %" G_GUINT64_FORMAT ": %s changed (%s)\n",
				t,
				ev->generation,
				id,
				error->message);
			continue;
		}
		print_change(st, ev->generation, id, g_hash_table_lookup(st->known, id), now);
		if (now != NULL) {
			HcCapability *copy = hc_capability_copy(now);
			g_hash_table_replace(st->known, copy->id, copy);
		} else {
			g_hash_table_remove(st->known, id);
		}
	}
}

static void
print_simple(HcCtlMonitorState *st,
	     const char *event,
	     const char *name,
	     const char *value,
	     const char *human)
{
	g_autofree char *now = now_text();
	if (st->ctx->json) {
		g_autoptr(JsonBuilder) b = json_builder_new();
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "event");
		json_builder_add_string_value(b, event);
		json_builder_set_member_name(b, "time_usec");
		json_builder_add_int_value(b, g_get_real_time());
		json_builder_set_member_name(b, "generation");
		json_builder_add_int_value(b, (gint64)st->generation);
		if (name != NULL) {
			json_builder_set_member_name(b, "name");
			json_builder_add_string_value(b, name);
		}
		if (value != NULL) {
			json_builder_set_member_name(b, "value");
			json_builder_add_string_value(b, value);
		}
		json_builder_end_object(b);
		print_json_line(b);
		return;
	}
	g_print("%s %s\n", now, human);
}

static void
on_event(HcCtlBus *bus, const HcCtlMonitorEvent *ev, gpointer user_data)
{
	HcCtlMonitorState *st = user_data;
	g_autofree char *human = NULL;

	if (ev == NULL && !st->connected) {
		print_simple(st,
			     "waiting",
			     NULL,
			     NULL,
			     "hostcapd is not running; waiting for it to start; Ctrl-C stops");
	} else if (ev == NULL) {
		human = g_strdup_printf("monitoring hostcapd (generation %" G_GUINT64_FORMAT
					", %u capabilities); Ctrl-C stops",
					st->generation,
					g_hash_table_size(st->known));
		print_simple(st, "monitoring", NULL, NULL, human);
	} else if (ev->kind == HC_CTL_MONITOR_CAPABILITIES) {
		on_capabilities(st, bus, ev);
	} else if (ev->kind == HC_CTL_MONITOR_PROPERTY) {
		/* a person reads a time, not microseconds since the epoch */
		g_autofree char *when = NULL;
		if (g_strcmp0(ev->name, "LastProbeUsec") == 0)
			when = hc_ctl_format_timestamp(g_ascii_strtoll(ev->value, NULL, 10));
		human = g_strdup_printf("%s: %s", ev->name, when != NULL ? when : ev->value);
		print_simple(st, "property", ev->name, ev->value, human);
	} else if (ev->value == NULL || ev->value[0] == '\0') {
		print_simple(st, "stopped", NULL, NULL, "hostcapd left the bus");
	} else {
		load_all(st, bus);
		human = g_strdup_printf(
		    "hostcapd is on the bus as %s (generation %" G_GUINT64_FORMAT ")",
		    ev->value,
		    st->generation);
		print_simple(st, "started", NULL, ev->value, human);
	}
	/* a pipe reader wants each line as it happens */
	fflush(stdout);
}

int
hc_ctl_verb_monitor(HcCtlContext *ctx, char **args, GError **error)
{
	HcCtlMonitorState st = {.ctx = ctx};
	HcCtlBus *bus;
	gboolean ok;

	if (hc_ctl_context_is_offline(ctx)) {
		g_set_error_literal(error,
				    HC_CTL_ERROR,
				    HC_CTL_ERROR_USAGE,
				    "monitor follows the daemon; it cannot work on --snapshot or "
				    "--no-daemon");
		return -1;
	}
	bus = hc_ctl_context_get_bus(ctx, error);
	if (bus == NULL)
		return -1;
	st.known = g_hash_table_new_full(g_str_hash,
					 g_str_equal,
					 NULL,
					 (GDestroyNotify)hc_capability_free);
	load_all(&st, bus);
	ok = hc_ctl_bus_monitor(bus, on_event, &st, error);
	g_hash_table_unref(st.known);
	return ok ? HC_CTL_EXIT_YES : -1;
}
