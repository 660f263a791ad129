/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * org.hostcapd.HostCap1 on sd-bus. The vtable below is the source of truth for the API;
 * data/org.hostcapd.HostCap1.xml is what it introspects to (a test keeps them equal).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "hc-config.h"
#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-access.h"
#include "hc-bus-error.h"
#include "hc-bus-options.h"
#include "hc-bus.h"
#include "hc-probe-registry.h"

/* longest id or prefix GetCapabilities accepts: ids are short dotted words */
#define HC_BUS_PATTERN_MAX 256

struct _HcBus {
	const HcBusOwner *iface;
	gpointer owner;
	sd_bus *bus;
	sd_bus_slot *vtable_slot;
	sd_bus_slot *name_slot;
};

int
hc_bus_require_catalogue(HcBus *bus, HcCatalogue **out, sd_bus_error *ret_error)
{
	g_autoptr(GError) error = NULL;

	*out = bus->iface->get_catalogue(bus->owner, &error);
	if (*out == NULL)
		return hc_bus_error_set_gerror(ret_error, error);
	return 0;
}

HcCheckPool *
hc_bus_get_check_pool(HcBus *bus)
{
	return bus->iface->get_check_pool(bus->owner);
}

HcAccess *
hc_bus_get_access(HcBus *bus)
{
	return bus->iface->get_access(bus->owner);
}

int
hc_bus_require_snapshot(HcBus *bus, HcSnapshot **out, sd_bus_error *ret_error)
{
	*out = bus->iface->get_snapshot(bus->owner);
	if (*out == NULL)
		return hc_bus_error_setf(ret_error,
					 HC_ERROR_BUSY,
					 "the first probe pass has not finished yet");
	return 0;
}

/* ---- properties ---- */

/* one getter for every property: the values side by side, picked by name; before the first
 * probe pass there is no snapshot and its properties read as zero/empty */
static int
hc_bus_get_property(sd_bus *b,
		    const char *path,
		    const char *iface,
		    const char *prop,
		    sd_bus_message *reply,
		    void *userdata,
		    sd_bus_error *ret_error)
{
	HcBus *bus = userdata;
	HcSnapshot *snap = bus->iface->get_snapshot(bus->owner);
	const struct {
		const char *name;
		const char *str; /* type "s" when set, else "t" */
		guint64 num;
	} props[] = {
	    {"Version", HC_VERSION, 0},
	    {"State", bus->iface->get_state(bus->owner), 0},
	    {"StateReason", bus->iface->get_state_reason(bus->owner), 0},
	    {"Generation", NULL, snap != NULL ? hc_snapshot_get_generation(snap) : 0},
	    {"Fingerprint", snap != NULL ? hc_snapshot_get_fingerprint(snap) : "", 0},
	    {"LastProbeUsec",
	     NULL,
	     snap != NULL ? (guint64)hc_snapshot_get_generated_usec(snap) : 0},
	};

	if (g_strcmp0(prop, "DataDirs") == 0)
		return sd_bus_message_append_strv(reply,
						  (char **)bus->iface->get_data_dirs(bus->owner));
	for (guint i = 0; i < G_N_ELEMENTS(props); i++) {
		if (g_strcmp0(props[i].name, prop) != 0)
			continue;
		if (props[i].str != NULL)
			return sd_bus_message_append(reply, "s", props[i].str);
		return sd_bus_message_append(reply, "t", props[i].num);
	}
	return sd_bus_error_setf(ret_error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "no property %s", prop);
}

/* ---- GetCapabilities ---- */

/* "" and "*" match everything; otherwise the characters ids are made of */
static gboolean
hc_bus_pattern_is_valid(const char *pattern)
{
	if (g_strcmp0(pattern, "*") == 0)
		return TRUE;
	if (strlen(pattern) > HC_BUS_PATTERN_MAX)
		return FALSE;
	for (const char *p = pattern; *p != '\0'; p++) {
		if (!g_ascii_islower(*p) && !g_ascii_isdigit(*p) && strchr("._-", *p) == NULL)
			return FALSE;
	}
	return TRUE;
}

static int
hc_bus_check_patterns(char **patterns, sd_bus_error *ret_error)
{
	guint n = patterns != NULL ? g_strv_length(patterns) : 0;

	if (n > HC_LIMIT_FEATURES)
		return hc_bus_error_setf(ret_error,
					 HC_ERROR_INVALID_ARGUMENT,
					 "ids_or_prefixes: %u entries, at most %d allowed",
					 n,
					 HC_LIMIT_FEATURES);
	for (guint i = 0; i < n; i++) {
		if (!hc_bus_pattern_is_valid(patterns[i]))
			return hc_bus_error_setf(
			    ret_error,
			    HC_ERROR_INVALID_ARGUMENT,
			    "ids_or_prefixes[%u]: '%.64s' is not a capability id "
			    "or prefix",
			    i,
			    patterns[i]);
	}
	return 0;
}

static int
hc_bus_append_value(sd_bus_message *reply, GVariant *value)
{
	const char *type = g_variant_get_type_string(value);
	g_autofree const char **strv = NULL;
	int r;

	switch (type[0]) {
	case 'b':
		return sd_bus_message_append(reply,
					     "{sv}",
					     "value",
					     "b",
					     (int)g_variant_get_boolean(value));
	case 'x':
		return sd_bus_message_append(reply,
					     "{sv}",
					     "value",
					     "x",
					     (int64_t)g_variant_get_int64(value));
	case 's':
		return sd_bus_message_append(reply,
					     "{sv}",
					     "value",
					     "s",
					     g_variant_get_string(value, NULL));
	default:
		break;
	}
	/* "as": the only other type a capability may carry */
	strv = g_variant_get_strv(value, NULL);
	r = sd_bus_message_open_container(reply, 'e', "sv");
	if (r >= 0)
		r = sd_bus_message_append(reply, "s", "value");
	if (r >= 0)
		r = sd_bus_message_open_container(reply, 'v', "as");
	if (r >= 0)
		r = sd_bus_message_append_strv(reply, (char **)strv);
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	return r;
}

static int
hc_bus_append_capability(sd_bus_message *reply, const HcCapability *cap)
{
	int r;

	r = sd_bus_message_open_container(reply, 'a', "{sv}");
	if (r < 0)
		return r;
	r = sd_bus_message_append(reply,
				  "{sv}{sv}{sv}",
				  "id",
				  "s",
				  cap->id,
				  "state",
				  "s",
				  hc_cap_state_to_string(cap->state),
				  "reason",
				  "s",
				  cap->reason != NULL ? cap->reason : "");
	if (r >= 0 && cap->probe != NULL)
		r = sd_bus_message_append(reply, "{sv}", "probe", "s", cap->probe);
	if (r >= 0 && cap->value != NULL)
		r = hc_bus_append_value(reply, cap->value);
	if (r < 0)
		return r;
	return sd_bus_message_close_container(reply);
}

static gint
hc_bus_cmp_capability_id(gconstpointer a, gconstpointer b)
{
	const HcCapability *ca = *(const HcCapability *const *)a;
	const HcCapability *cb = *(const HcCapability *const *)b;

	return strcmp(ca->id, cb->id);
}

/* the capabilities matching any pattern, sorted by id; a pattern that matches nothing is
 * UnknownFeature. Each pattern is a lookup in the snapshot's sorted index (hc-snapshot.c). */
static int
hc_bus_select(HcSnapshot *snap, char **patterns, GPtrArray **out, sd_bus_error *ret_error)
{
	g_autoptr(GPtrArray) selected = NULL;
	guint n = patterns != NULL ? g_strv_length(patterns) : 0;

	if (n == 0) {
		*out = hc_snapshot_list(snap, NULL);
		return 0;
	}
	selected = g_ptr_array_new();
	for (guint j = 0; j < n; j++) {
		const char *one[] = {patterns[j], NULL};
		g_autoptr(GPtrArray) matched = hc_snapshot_list(snap, one);

		if (matched->len == 0)
			return hc_bus_error_setf(ret_error,
						 HC_ERROR_UNKNOWN_FEATURE,
						 "ids_or_prefixes[%u]: no capability matches '%s'",
						 j,
						 patterns[j]);
		g_ptr_array_extend(selected, matched, NULL, NULL);
	}
	/* overlapping patterns: sorted once more, each capability once */
	if (n > 1) {
		guint kept = 0;
		g_ptr_array_sort(selected, hc_bus_cmp_capability_id);
		for (guint i = 0; i < selected->len; i++) {
			if (kept == 0 || selected->pdata[kept - 1] != selected->pdata[i])
				selected->pdata[kept++] = selected->pdata[i];
		}
		g_ptr_array_set_size(selected, kept);
	}
	*out = g_steal_pointer(&selected);
	return 0;
}

static int
hc_bus_method_get_capabilities(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	HcBus *bus = userdata;
	g_auto(GStrv) patterns = NULL;
	g_autoptr(GPtrArray) selected = NULL;
	sd_bus_message *reply = NULL;
	HcSnapshot *snap = NULL;
	int r;

	r = sd_bus_message_read_strv(m, &patterns);
	if (r < 0)
		return r;
	r = hc_bus_read_options(m, NULL, 0, NULL, ret_error);
	if (r >= 0)
		r = hc_bus_check_patterns(patterns, ret_error);
	if (r >= 0)
		r = hc_bus_require_snapshot(bus, &snap, ret_error);
	if (r >= 0)
		r = hc_bus_select(snap, patterns, &selected, ret_error);
	if (r < 0)
		return r;

	r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_open_container(reply, 'a', "a{sv}");
	for (guint i = 0; r >= 0 && i < selected->len; i++)
		r = hc_bus_append_capability(reply, g_ptr_array_index(selected, i));
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

/* ---- Describe ---- */

static int
hc_bus_method_describe(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	HcBus *bus = userdata;
	g_autofree char *json = NULL;
	HcSnapshot *snap = NULL;
	int r;

	r = hc_bus_require_snapshot(bus, &snap, ret_error);
	if (r < 0)
		return r;
	json = hc_snapshot_to_json(snap, FALSE);
	return sd_bus_reply_method_return(m, "s", json);
}

/* ---- Refresh ---- */

static void
hc_bus_on_refreshed(guint64 generation, const GError *error, gpointer user_data)
{
	sd_bus_message *m = user_data;
	int r;

	if (error != NULL) {
		sd_bus_error e = SD_BUS_ERROR_NULL;
		hc_bus_error_set_gerror(&e, error);
		r = sd_bus_reply_method_error(m, &e);
		sd_bus_error_free(&e);
	} else {
		r = sd_bus_reply_method_return(m, "t", generation);
	}
	if (r < 0)
		g_debug("replying to Refresh: %s, ignoring", g_strerror(-r));
	sd_bus_message_unref(m);
}

/* queues the pass that answers the authorised Refresh call @m */
static int
hc_bus_refresh_start(HcBus *bus, sd_bus_message *m, sd_bus_error *ret_error)
{
	g_auto(GStrv) probes = NULL;
	g_autoptr(GError) error = NULL;
	int r;

	r = sd_bus_message_rewind(m, TRUE);
	if (r >= 0)
		r = sd_bus_message_read_strv(m, &probes);
	if (r < 0)
		return r;
	/* the reply goes out once the pass that covers this request is committed */
	if (!bus->iface->refresh(bus->owner,
				 (const char *const *)probes,
				 hc_bus_on_refreshed,
				 sd_bus_message_ref(m),
				 &error)) {
		sd_bus_message_unref(m);
		return hc_bus_error_set_gerror(ret_error, error);
	}
	return 1;
}

/* the bus said who sent @m: refuse, or go on as if it had been allowed at once */
static void
hc_bus_on_refresh_allowed(sd_bus_message *m, const GError *error, gpointer user_data)
{
	HcBus *bus = user_data;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r = 0;

	if (error != NULL)
		r = hc_bus_error_set_gerror(&e, error);
	else
		r = hc_bus_refresh_start(bus, m, &e);
	if (r < 0) {
		r = sd_bus_reply_method_errno(m, r, &e);
		if (r < 0)
			g_debug("replying to Refresh: %s, ignoring", g_strerror(-r));
	}
	sd_bus_error_free(&e);
}

static int
hc_bus_method_refresh(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	HcBus *bus = userdata;
	g_auto(GStrv) probes = NULL;
	g_autoptr(GError) error = NULL;
	int r;

	/* a bad call gets its own error before the rights and the rate limit are judged */
	r = sd_bus_message_read_strv(m, &probes);
	if (r < 0)
		return r;
	if (probes != NULL && g_strv_length(probes) > HC_LIMIT_FEATURES)
		return hc_bus_error_setf(ret_error,
					 HC_ERROR_INVALID_ARGUMENT,
					 "probes: more than %d entries",
					 HC_LIMIT_FEATURES);
	if (!hc_probe_registry_check_names((const char *const *)probes, &error))
		return hc_bus_error_set_gerror(ret_error, error);
	/* root, the daemon's own user or AdminGroup=, rate-limited per user (hc-access.c) */
	r = hc_access_check_refresh(hc_bus_get_access(bus),
				    m,
				    hc_bus_on_refresh_allowed,
				    bus,
				    ret_error);
	if (r <= 0)
		return r < 0 ? r : 1;
	return hc_bus_refresh_start(bus, m, ret_error);
}

/* ---- the vtable ---- */

static const sd_bus_vtable hc_bus_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("Version", "s", hc_bus_get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("State", "s", hc_bus_get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("StateReason",
		    "s",
		    hc_bus_get_property,
		    0,
		    SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("DataDirs", "as", hc_bus_get_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Generation", "t", hc_bus_get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("Fingerprint",
		    "s",
		    hc_bus_get_property,
		    0,
		    SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("LastProbeUsec",
		    "t",
		    hc_bus_get_property,
		    0,
		    SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_METHOD_WITH_ARGS("GetCapabilities",
			    SD_BUS_ARGS("as", ids_or_prefixes, "a{sv}", options),
			    SD_BUS_RESULT("aa{sv}", capabilities),
			    hc_bus_method_get_capabilities,
			    SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("Describe",
			    SD_BUS_NO_ARGS,
			    SD_BUS_RESULT("s", snapshot_json),
			    hc_bus_method_describe,
			    SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("CheckBootable",
			    SD_BUS_ARGS("s", spec_json, "a{sv}", options),
			    SD_BUS_RESULT("s", verdict, "s", report_json),
			    hc_bus_method_check_bootable,
			    SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS(
	"CheckMigration",
	SD_BUS_ARGS("s", spec_json, "s", target_snapshot_json, "a{sv}", options),
	SD_BUS_RESULT("s", verdict, "s", report_json),
	hc_bus_method_check_migration,
	SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("TranslateSpec",
			    SD_BUS_ARGS("s", input, "a{sv}", options),
			    SD_BUS_RESULT("s", spec_json),
			    hc_bus_method_translate_spec,
			    SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_ARGS("GetDomainCapabilities",
			    SD_BUS_ARGS("a{sv}", options),
			    SD_BUS_RESULT("s", domcapabilities_json),
			    hc_bus_method_get_domain_capabilities,
			    SD_BUS_VTABLE_UNPRIVILEGED),
    /* privilege is checked in the handler (root), so that the error is ours */
    SD_BUS_METHOD_WITH_ARGS("Refresh",
			    SD_BUS_ARGS("as", probes),
			    SD_BUS_RESULT("t", generation),
			    hc_bus_method_refresh,
			    SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_SIGNAL_WITH_ARGS("CapabilitiesChanged",
			    SD_BUS_ARGS("t", generation, "as", changed_ids),
			    0),
    SD_BUS_VTABLE_END,
};

/* ---- signals ---- */

void
hc_bus_emit_properties_changed(HcBus *bus, const char *first_name, ...)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	va_list args;
	int r;

	va_start(args, first_name);
	for (const char *n = first_name; n != NULL; n = va_arg(args, const char *))
		g_ptr_array_add(names, (gpointer)n);
	va_end(args);
	g_ptr_array_add(names, NULL);
	r = sd_bus_emit_properties_changed_strv(bus->bus,
						HC_DBUS_PATH,
						HC_DBUS_INTERFACE,
						(char **)names->pdata);
	if (r < 0)
		g_warning("emitting PropertiesChanged: %s, ignoring", g_strerror(-r));
}

void
hc_bus_emit_capabilities_changed(HcBus *bus, guint64 generation, GPtrArray *changed_ids)
{
	g_autoptr(GPtrArray) ids = g_ptr_array_new();
	sd_bus_message *signal = NULL;
	int r;

	for (guint i = 0; i < changed_ids->len; i++)
		g_ptr_array_add(ids, g_ptr_array_index(changed_ids, i));
	g_ptr_array_add(ids, NULL);
	r = sd_bus_message_new_signal(bus->bus,
				      &signal,
				      HC_DBUS_PATH,
				      HC_DBUS_INTERFACE,
				      "CapabilitiesChanged");
	if (r >= 0)
		r = sd_bus_message_append(signal, "t", generation);
	if (r >= 0)
		r = sd_bus_message_append_strv(signal, (char **)ids->pdata);
	if (r >= 0)
		r = sd_bus_send(bus->bus, signal, NULL);
	sd_bus_message_unref(signal);
	if (r < 0)
		g_warning("emitting CapabilitiesChanged: %s, ignoring", g_strerror(-r));
}

/* ---- connection ---- */

static int
hc_bus_on_name_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	HcBus *bus = userdata;
	g_autoptr(GError) error = NULL;
	const sd_bus_error *e = sd_bus_message_get_error(m);
	guint32 ret = 0;
	int r;

	if (e != NULL) {
		error = g_error_new(HC_ERROR,
				    HC_ERROR_INTERNAL,
				    "cannot own %s: %s",
				    HC_DBUS_NAME,
				    e->message);
		bus->iface->fatal(bus->owner, error);
		return 0;
	}
	r = sd_bus_message_read(m, "u", &ret);
	/* 1: primary owner; 4: already the owner */
	if (r < 0 || (ret != 1 && ret != 4)) {
		error = g_error_new(HC_ERROR,
				    HC_ERROR_INTERNAL,
				    "cannot own %s: another process has it",
				    HC_DBUS_NAME);
		bus->iface->fatal(bus->owner, error);
		return 0;
	}
	g_debug("owning %s", HC_DBUS_NAME);
	bus->iface->name_acquired(bus->owner);
	return 0;
}

static int
hc_bus_open(HcBusKind kind, const char *address, sd_bus **out)
{
	sd_bus *b = NULL;
	int r;

	switch (kind) {
	case HC_BUS_KIND_SYSTEM:
		return sd_bus_open_system_with_description(out, "hostcapd");
	case HC_BUS_KIND_SESSION:
		return sd_bus_open_user_with_description(out, "hostcapd");
	case HC_BUS_KIND_ADDRESS:
	default:
		break;
	}
	r = sd_bus_new(&b);
	if (r >= 0)
		r = sd_bus_set_address(b, address);
	if (r >= 0)
		r = sd_bus_set_bus_client(b, 1);
	if (r >= 0)
		r = sd_bus_set_description(b, "hostcapd");
	if (r >= 0)
		r = sd_bus_start(b);
	if (r < 0) {
		sd_bus_unref(b);
		return r;
	}
	*out = b;
	return 0;
}

HcBus *
hc_bus_new(sd_event *event,
	   const HcBusOwner *iface,
	   gpointer owner,
	   HcBusKind kind,
	   const char *address,
	   GError **error)
{
	g_autoptr(HcBus) bus = g_new0(HcBus, 1);
	const char *what = "connecting to the bus";
	int r;

	bus->iface = iface;
	bus->owner = owner;
	r = hc_bus_open(kind, address, &bus->bus);
	if (r >= 0) {
		what = "attaching the bus to the loop";
		r = sd_bus_attach_event(bus->bus, event, 0);
	}
	if (r >= 0) {
		what = "exporting " HC_DBUS_PATH;
		r = sd_bus_add_object_vtable(bus->bus,
					     &bus->vtable_slot,
					     HC_DBUS_PATH,
					     HC_DBUS_INTERFACE,
					     hc_bus_vtable,
					     bus);
	}
	if (r < 0) {
		g_set_error(error, HC_ERROR, HC_ERROR_INTERNAL, "%s: %s", what, g_strerror(-r));
		return NULL;
	}
	/* losing the bus leaves nothing to serve: stop the loop (the service manager restarts) */
	sd_bus_set_exit_on_disconnect(bus->bus, 1);
	return g_steal_pointer(&bus);
}

gboolean
hc_bus_request_name(HcBus *bus, GError **error)
{
	int r;

	if (bus->name_slot != NULL)
		return TRUE;
	r = sd_bus_request_name_async(bus->bus,
				      &bus->name_slot,
				      HC_DBUS_NAME,
				      0,
				      hc_bus_on_name_reply,
				      bus);
	if (r < 0) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "requesting %s: %s",
			    HC_DBUS_NAME,
			    g_strerror(-r));
		return FALSE;
	}
	return TRUE;
}

void
hc_bus_free(HcBus *bus)
{
	if (bus == NULL)
		return;
	bus->name_slot = sd_bus_slot_unref(bus->name_slot);
	bus->vtable_slot = sd_bus_slot_unref(bus->vtable_slot);
	if (bus->bus != NULL) {
		/* deliver queued replies (Refresh callers told we are stopping) */
		sd_bus_flush(bus->bus);
		bus->bus = sd_bus_flush_close_unref(bus->bus);
	}
	g_free(bus);
}
