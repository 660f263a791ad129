/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hostcapctl's D-Bus client: the only file that includes sd-bus. libsystemd's -errno and
 * sd_bus_error stay in here; callers get GErrors.
 */
#include "hc-config.h"

#include <errno.h>
#include <signal.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-ctl-bus.h"

#define HC_CTL_REFRESH_TIMEOUT_USEC (120 * G_USEC_PER_SEC)

/* what a user can do about "nobody answers" */
#define HC_CTL_UNREACHABLE_HINT                                                                    \
	"start hostcapd.service, or use --no-daemon (probe here) or --snapshot FILE"

struct _HcCtlBus {
	sd_bus *bus;
	guint64 timeout_usec; /* 0: sd-bus's default */
};

/* D-Bus errors that mean "nobody answers": the daemon is not running or not reachable */
static const char *const unreachable_names[] = {
    "org.freedesktop.DBus.Error.ServiceUnknown",
    "org.freedesktop.DBus.Error.NameHasNoOwner",
    "org.freedesktop.DBus.Error.NoReply",
    "org.freedesktop.DBus.Error.Timeout",
    "org.freedesktop.DBus.Error.TimedOut",
    "org.freedesktop.DBus.Error.Disconnected",
    "org.freedesktop.DBus.Error.NoServer",
    "org.freedesktop.DBus.Error.NoNetwork",
};

/* foreign errors that still mean one of ours */
static const struct {
	const char *name;
	HcError code;
} foreign_errors[] = {
    {"org.freedesktop.DBus.Error.AccessDenied", HC_ERROR_ACCESS_DENIED},
    {"org.freedesktop.DBus.Error.InteractiveAuthorizationRequired", HC_ERROR_ACCESS_DENIED},
    {"org.freedesktop.DBus.Error.InvalidArgs", HC_ERROR_INVALID_ARGUMENT},
    {"org.freedesktop.DBus.Error.LimitsExceeded", HC_ERROR_INVALID_ARGUMENT},
};

static gboolean
errno_is_unreachable(int err)
{
	return err == ENOENT || err == ECONNREFUSED || err == ECONNRESET || err == ENOTCONN ||
	       err == ETIMEDOUT || err == EHOSTUNREACH || err == ENXIO || err == EPIPE ||
	       err == ESHUTDOWN || err == ENOMEDIUM;
}

static void
set_error_from_bus(GError **error, const sd_bus_error *e, int r, const char *what)
{
	HcError code;

	if (!sd_bus_error_is_set(e)) {
		int err = r < 0 ? -r : EIO;
		if (errno_is_unreachable(err)) {
			/* ENOMEDIUM: sd-bus found no session bus address at all */
			g_set_error(error,
				    HC_CTL_ERROR,
				    HC_CTL_ERROR_UNREACHABLE,
				    "%s: %s; %s",
				    what,
				    err == ENOMEDIUM ? "no bus address in the environment"
						     : g_strerror(err),
				    HC_CTL_UNREACHABLE_HINT);
		} else {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INTERNAL,
				    "%s: %s",
				    what,
				    g_strerror(err));
		}
		return;
	}
	code = hc_error_from_dbus_name(e->name);
	if (code != HC_ERROR_LAST) {
		g_set_error(error, HC_ERROR, code, "%s", e->message ? e->message : e->name);
		return;
	}
	for (guint i = 0; i < G_N_ELEMENTS(unreachable_names); i++) {
		if (g_strcmp0(e->name, unreachable_names[i]) == 0 ||
		    g_str_has_prefix(e->name, "org.freedesktop.DBus.Error.Spawn.")) {
			g_set_error(error,
				    HC_CTL_ERROR,
				    HC_CTL_ERROR_UNREACHABLE,
				    "hostcapd is not running or does not answer (%s: %s); %s",
				    what,
				    e->message ? e->message : e->name,
				    HC_CTL_UNREACHABLE_HINT);
			return;
		}
	}
	for (guint i = 0; i < G_N_ELEMENTS(foreign_errors); i++) {
		if (g_strcmp0(e->name, foreign_errors[i].name) == 0) {
			g_set_error(error,
				    HC_ERROR,
				    foreign_errors[i].code,
				    "%s: %s",
				    what,
				    e->message ? e->message : e->name);
			return;
		}
	}
	g_set_error(error,
		    HC_ERROR,
		    HC_ERROR_INTERNAL,
		    "%s: %s (%s)",
		    what,
		    e->message ? e->message : "failed",
		    e->name);
}

static void
set_error_from_errno(GError **error, int r, const char *what)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	set_error_from_bus(error, &e, r, what);
}

HcCtlBus *
hc_ctl_bus_open(HcCtlBusKind kind, const char *address, GError **error)
{
	g_autoptr(HcCtlBus) self = g_new0(HcCtlBus, 1);
	int r;

	if (address != NULL) {
		r = sd_bus_new(&self->bus);
		if (r >= 0)
			r = sd_bus_set_address(self->bus, address);
		if (r >= 0)
			r = sd_bus_set_bus_client(self->bus, 1);
		if (r >= 0)
			r = sd_bus_start(self->bus);
		if (r < 0) {
			g_autofree char *what = g_strdup_printf("cannot connect to %s", address);
			set_error_from_errno(error, r, what);
			return NULL;
		}
		return g_steal_pointer(&self);
	}
	if (kind == HC_CTL_BUS_SESSION)
		r = sd_bus_open_user(&self->bus);
	else
		r = sd_bus_open_system(&self->bus);
	if (r < 0) {
		set_error_from_errno(error,
				     r,
				     kind == HC_CTL_BUS_SESSION
					 ? "cannot connect to the session bus"
					 : "cannot connect to the system bus");
		return NULL;
	}
	return g_steal_pointer(&self);
}

void
hc_ctl_bus_free(HcCtlBus *self)
{
	if (self == NULL)
		return;
	sd_bus_flush_close_unref(self->bus);
	g_free(self);
}

void
hc_ctl_daemon_info_clear(HcCtlDaemonInfo *info)
{
	g_clear_pointer(&info->state, g_free);
	g_clear_pointer(&info->version, g_free);
	g_clear_pointer(&info->fingerprint, g_free);
	g_clear_pointer(&info->state_reason, g_free);
	g_clear_pointer(&info->data_dirs, g_strfreev);
}

/* ---- method calls ---- */

static sd_bus_message *
new_call(HcCtlBus *self, const char *member, GError **error)
{
	sd_bus_message *m = NULL;
	int r = sd_bus_message_new_method_call(self->bus,
					       &m,
					       HC_DBUS_NAME,
					       HC_DBUS_PATH,
					       HC_DBUS_INTERFACE,
					       member);
	if (r < 0) {
		set_error_from_errno(error, r, member);
		return NULL;
	}
	return m;
}

void
hc_ctl_bus_set_timeout(HcCtlBus *self, guint64 timeout_usec)
{
	self->timeout_usec = timeout_usec;
}

static sd_bus_message *
call(HcCtlBus *self, sd_bus_message *m, guint64 timeout_usec, const char *member, GError **error)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int r = sd_bus_call(self->bus,
			    m,
			    timeout_usec != 0 ? timeout_usec : self->timeout_usec,
			    &e,
			    &reply);
	if (r < 0) {
		set_error_from_bus(error, &e, r, member);
		sd_bus_error_free(&e);
		return NULL;
	}
	return reply;
}

static gboolean
append_strv(sd_bus_message *m, const char *const *strv, const char *member, GError **error)
{
	int r = sd_bus_message_open_container(m, 'a', "s");
	for (guint i = 0; r >= 0 && strv != NULL && strv[i] != NULL; i++)
		r = sd_bus_message_append_basic(m, 's', strv[i]);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r < 0) {
		set_error_from_errno(error, r, member);
		return FALSE;
	}
	return TRUE;
}

static gboolean
bad_reply(GError **error, int r, const char *member)
{
	g_set_error(error,
		    HC_ERROR,
		    HC_ERROR_INTERNAL,
		    "%s: unexpected reply: %s",
		    member,
		    g_strerror(r < 0 ? -r : EBADMSG));
	return FALSE;
}

/* reads one variant holding "s" or "t" as text; other types are skipped and give NULL */
/* an "as" variant; anything else is skipped and leaves @out NULL */
static int
read_variant_strv(sd_bus_message *m, char ***out)
{
	const char *contents = NULL;
	int r = sd_bus_message_peek_type(m, NULL, &contents);

	if (r < 0)
		return r;
	if (g_strcmp0(contents, "as") != 0)
		return sd_bus_message_skip(m, "v");
	r = sd_bus_message_enter_container(m, 'v', "as");
	if (r >= 0)
		r = sd_bus_message_read_strv(m, out);
	if (r >= 0)
		r = sd_bus_message_exit_container(m);
	return r;
}

static int
read_variant_text(sd_bus_message *m, char **out)
{
	const char *contents = NULL;
	int r = sd_bus_message_peek_type(m, NULL, &contents);
	if (r < 0)
		return r;
	if (g_strcmp0(contents, "s") == 0) {
		const char *s = NULL;
		r = sd_bus_message_read(m, "v", "s", &s);
		*out = g_strdup(s);
	} else if (g_strcmp0(contents, "t") == 0) {
		uint64_t t = 0;
		r = sd_bus_message_read(m, "v", "t", &t);
		*out = g_strdup_printf("%" G_GUINT64_FORMAT, (guint64)t);
	} else {
		r = sd_bus_message_skip(m, "v");
		*out = NULL;
	}
	return r;
}

gboolean
hc_ctl_bus_get_info(HcCtlBus *self, HcCtlDaemonInfo *info, GError **error)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int r = sd_bus_call_method(self->bus,
				   HC_DBUS_NAME,
				   HC_DBUS_PATH,
				   "org.freedesktop.DBus.Properties",
				   "GetAll",
				   &e,
				   &reply,
				   "s",
				   HC_DBUS_INTERFACE);
	if (r < 0) {
		set_error_from_bus(error, &e, r, "GetAll");
		sd_bus_error_free(&e);
		return FALSE;
	}
	r = sd_bus_message_enter_container(reply, 'a', "{sv}");
	while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'e', "sv")) > 0) {
		const char *key = NULL;
		g_autofree char *text = NULL;
		r = sd_bus_message_read_basic(reply, 's', &key);
		if (r >= 0 && g_strcmp0(key, "DataDirs") == 0) {
			r = read_variant_strv(reply, &info->data_dirs);
			if (r >= 0)
				r = sd_bus_message_exit_container(reply);
			continue;
		}
		if (r >= 0)
			r = read_variant_text(reply, &text);
		if (r < 0)
			break;
		if (g_strcmp0(key, "StateReason") == 0)
			info->state_reason = g_steal_pointer(&text);
		else if (g_strcmp0(key, "State") == 0)
			info->state = g_steal_pointer(&text);
		else if (g_strcmp0(key, "Version") == 0)
			info->version = g_steal_pointer(&text);
		else if (g_strcmp0(key, "Fingerprint") == 0)
			info->fingerprint = g_steal_pointer(&text);
		else if (g_strcmp0(key, "Generation") == 0 && text != NULL)
			info->generation = g_ascii_strtoull(text, NULL, 10);
		else if (g_strcmp0(key, "LastProbeUsec") == 0 && text != NULL)
			info->last_probe_usec = g_ascii_strtoull(text, NULL, 10);
		r = sd_bus_message_exit_container(reply);
	}
	if (r >= 0)
		r = sd_bus_message_exit_container(reply);
	sd_bus_message_unref(reply);
	if (r < 0)
		return bad_reply(error, r, "GetAll");
	return TRUE;
}

/* a capability value: "b", "x", "s" or "as" inside the variant */
static int
read_capability_value(sd_bus_message *m, GVariant **out)
{
	const char *contents = NULL;
	int r = sd_bus_message_peek_type(m, NULL, &contents);
	if (r < 0)
		return r;
	if (g_strcmp0(contents, "b") == 0) {
		int b = 0;
		r = sd_bus_message_read(m, "v", "b", &b);
		*out = g_variant_ref_sink(g_variant_new_boolean(b));
	} else if (g_strcmp0(contents, "x") == 0) {
		int64_t x = 0;
		r = sd_bus_message_read(m, "v", "x", &x);
		*out = g_variant_ref_sink(g_variant_new_int64(x));
	} else if (g_strcmp0(contents, "s") == 0) {
		const char *s = NULL;
		r = sd_bus_message_read(m, "v", "s", &s);
		*out = g_variant_ref_sink(g_variant_new_string(s));
	} else if (g_strcmp0(contents, "as") == 0) {
		char **strv = NULL;
		r = sd_bus_message_enter_container(m, 'v', "as");
		if (r >= 0)
			r = sd_bus_message_read_strv(m, &strv);
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
		/* sd-bus gives NULL for an empty array */
		if (r >= 0 && strv == NULL)
			*out = g_variant_ref_sink(g_variant_new_strv(NULL, 0));
		else if (r >= 0)
			*out =
			    g_variant_ref_sink(g_variant_new_strv((const char *const *)strv, -1));
		g_strfreev(strv);
	} else {
		r = sd_bus_message_skip(m, "v");
	}
	return r;
}

static int
read_capability(sd_bus_message *m, HcCapability **out)
{
	g_autofree char *id = NULL;
	g_autofree char *state = NULL;
	g_autofree char *reason = NULL;
	g_autofree char *probe = NULL;
	g_autoptr(GVariant) value = NULL;
	HcCapState st = HC_CAP_STATE_UNKNOWN;
	int r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r <= 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		const char *key = NULL;
		r = sd_bus_message_read_basic(m, 's', &key);
		if (r < 0)
			return r;
		if (g_strcmp0(key, "value") == 0)
			r = read_capability_value(m, &value);
		else if (g_strcmp0(key, "id") == 0)
			r = read_variant_text(m, &id);
		else if (g_strcmp0(key, "state") == 0)
			r = read_variant_text(m, &state);
		else if (g_strcmp0(key, "reason") == 0)
			r = read_variant_text(m, &reason);
		else if (g_strcmp0(key, "probe") == 0)
			r = read_variant_text(m, &probe);
		else
			r = sd_bus_message_skip(m, "v");
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	r = sd_bus_message_exit_container(m);
	if (r < 0)
		return r;
	if (id == NULL || state == NULL || !hc_cap_state_from_string(state, &st))
		return -EBADMSG;
	*out = hc_capability_new(id, st, value, reason != NULL ? reason : "");
	(*out)->probe = g_steal_pointer(&probe);
	return 1;
}

GPtrArray *
hc_ctl_bus_get_capabilities(HcCtlBus *self, const char *const *patterns, GError **error)
{
	g_autoptr(GPtrArray) caps =
	    g_ptr_array_new_with_free_func((GDestroyNotify)hc_capability_free);
	sd_bus_message *m = new_call(self, "GetCapabilities", error);
	sd_bus_message *reply = NULL;
	int r;

	if (m == NULL)
		return NULL;
	if (!append_strv(m, patterns, "GetCapabilities", error)) {
		sd_bus_message_unref(m);
		return NULL;
	}
	r = sd_bus_message_append(m, "a{sv}", 0);
	if (r >= 0)
		reply = call(self, m, 0, "GetCapabilities", error);
	sd_bus_message_unref(m);
	if (r < 0) {
		set_error_from_errno(error, r, "GetCapabilities");
		return NULL;
	}
	if (reply == NULL)
		return NULL;
	r = sd_bus_message_enter_container(reply, 'a', "a{sv}");
	while (r >= 0) {
		HcCapability *cap = NULL;
		r = read_capability(reply, &cap);
		if (r <= 0)
			break;
		g_ptr_array_add(caps, cap);
	}
	if (r >= 0)
		r = sd_bus_message_exit_container(reply);
	sd_bus_message_unref(reply);
	if (r < 0) {
		bad_reply(error, r, "GetCapabilities");
		return NULL;
	}
	return g_steal_pointer(&caps);
}

char *
hc_ctl_bus_describe(HcCtlBus *self, GError **error)
{
	sd_bus_message *m = new_call(self, "Describe", error);
	sd_bus_message *reply = NULL;
	const char *json = NULL;
	char *out = NULL;
	int r;

	if (m == NULL)
		return NULL;
	reply = call(self, m, 0, "Describe", error);
	sd_bus_message_unref(m);
	if (reply == NULL)
		return NULL;
	r = sd_bus_message_read(reply, "s", &json);
	if (r >= 0)
		out = g_strdup(json);
	sd_bus_message_unref(reply);
	if (r < 0)
		bad_reply(error, r, "Describe");
	return out;
}

char *
hc_ctl_bus_get_domain_capabilities(HcCtlBus *self, GError **error)
{
	sd_bus_message *m = new_call(self, "GetDomainCapabilities", error);
	sd_bus_message *reply = NULL;
	const char *json = NULL;
	char *out = NULL;
	int r;

	if (m == NULL)
		return NULL;
	r = sd_bus_message_append(m, "a{sv}", 0);
	if (r < 0) {
		sd_bus_message_unref(m);
		set_error_from_errno(error, r, "GetDomainCapabilities");
		return NULL;
	}
	reply = call(self, m, 0, "GetDomainCapabilities", error);
	sd_bus_message_unref(m);
	if (reply == NULL)
		return NULL;
	r = sd_bus_message_read(reply, "s", &json);
	if (r >= 0)
		out = g_strdup(json);
	sd_bus_message_unref(reply);
	if (r < 0)
		bad_reply(error, r, "GetDomainCapabilities");
	return out;
}

gboolean
hc_ctl_bus_refresh(HcCtlBus *self, const char *const *probes, guint64 *generation, GError **error)
{
	sd_bus_message *m = new_call(self, "Refresh", error);
	sd_bus_message *reply = NULL;
	uint64_t gen = 0;
	int r;

	if (m == NULL)
		return FALSE;
	if (!append_strv(m, probes, "Refresh", error)) {
		sd_bus_message_unref(m);
		return FALSE;
	}
	reply = call(self, m, HC_CTL_REFRESH_TIMEOUT_USEC, "Refresh", error);
	sd_bus_message_unref(m);
	if (reply == NULL)
		return FALSE;
	r = sd_bus_message_read(reply, "t", &gen);
	sd_bus_message_unref(reply);
	if (r < 0)
		return bad_reply(error, r, "Refresh");
	*generation = gen;
	return TRUE;
}

static gboolean
read_verdict_reply(sd_bus_message *reply,
		   const char *member,
		   char **verdict,
		   char **report,
		   GError **error)
{
	const char *v = NULL;
	const char *rep = NULL;
	int r = sd_bus_message_read(reply, "ss", &v, &rep);
	if (r < 0)
		return bad_reply(error, r, member);
	*verdict = g_strdup(v);
	*report = g_strdup(rep);
	return TRUE;
}

gboolean
hc_ctl_bus_check_bootable(HcCtlBus *self,
			  const char *spec_json,
			  char **verdict,
			  char **report_json,
			  GError **error)
{
	sd_bus_message *m = new_call(self, "CheckBootable", error);
	sd_bus_message *reply = NULL;
	gboolean ok;
	int r;

	if (m == NULL)
		return FALSE;
	r = sd_bus_message_append(m, "sa{sv}", spec_json, 0);
	if (r < 0) {
		sd_bus_message_unref(m);
		set_error_from_errno(error, r, "CheckBootable");
		return FALSE;
	}
	reply = call(self, m, 0, "CheckBootable", error);
	sd_bus_message_unref(m);
	if (reply == NULL)
		return FALSE;
	ok = read_verdict_reply(reply, "CheckBootable", verdict, report_json, error);
	sd_bus_message_unref(reply);
	return ok;
}

gboolean
hc_ctl_bus_check_migration(HcCtlBus *self,
			   const char *spec_json,
			   const char *target_json,
			   const char *source_json,
			   char **verdict,
			   char **report_json,
			   GError **error)
{
	sd_bus_message *m = new_call(self, "CheckMigration", error);
	sd_bus_message *reply = NULL;
	gboolean ok;
	int r;

	if (m == NULL)
		return FALSE;
	if (source_json != NULL)
		r = sd_bus_message_append(m,
					  "ssa{sv}",
					  spec_json,
					  target_json != NULL ? target_json : "",
					  1,
					  "Source",
					  "s",
					  source_json);
	else
		r = sd_bus_message_append(m,
					  "ssa{sv}",
					  spec_json,
					  target_json != NULL ? target_json : "",
					  0);
	if (r < 0) {
		sd_bus_message_unref(m);
		set_error_from_errno(error, r, "CheckMigration");
		return FALSE;
	}
	reply = call(self, m, 0, "CheckMigration", error);
	sd_bus_message_unref(m);
	if (reply == NULL)
		return FALSE;
	ok = read_verdict_reply(reply, "CheckMigration", verdict, report_json, error);
	sd_bus_message_unref(reply);
	return ok;
}

/* ---- monitor ---- */

typedef struct {
	HcCtlBus *bus;
	HcCtlMonitorFunc func;
	gpointer user_data;
} HcCtlMonitor;

static int
on_capabilities_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	HcCtlMonitor *mon = userdata;
	HcCtlMonitorEvent ev = {.kind = HC_CTL_MONITOR_CAPABILITIES};
	uint64_t gen = 0;
	char **ids = NULL;
	int r = sd_bus_message_read(m, "t", &gen);
	if (r >= 0)
		r = sd_bus_message_read_strv(m, &ids);
	if (r < 0) {
		g_printerr("malformed CapabilitiesChanged signal: %s, ignoring\n", g_strerror(-r));
		return 0;
	}
	ev.generation = gen;
	ev.ids = (const char *const *)ids;
	mon->func(mon->bus, &ev, mon->user_data);
	g_strfreev(ids);
	return 0;
}

static int
on_properties_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	HcCtlMonitor *mon = userdata;
	const char *iface = NULL;
	int r = sd_bus_message_read(m, "s", &iface);
	if (r < 0 || g_strcmp0(iface, HC_DBUS_INTERFACE) != 0)
		return 0;
	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	while (r >= 0 && (r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		HcCtlMonitorEvent ev = {.kind = HC_CTL_MONITOR_PROPERTY};
		const char *key = NULL;
		g_autofree char *text = NULL;
		r = sd_bus_message_read_basic(m, 's', &key);
		if (r >= 0)
			r = read_variant_text(m, &text);
		if (r < 0)
			break;
		ev.name = key;
		ev.value = text != NULL ? text : "?";
		mon->func(mon->bus, &ev, mon->user_data);
		r = sd_bus_message_exit_container(m);
	}
	if (r < 0)
		g_printerr("malformed PropertiesChanged signal: %s, ignoring\n", g_strerror(-r));
	return 0;
}

static int
on_owner_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	HcCtlMonitor *mon = userdata;
	HcCtlMonitorEvent ev = {.kind = HC_CTL_MONITOR_OWNER};
	const char *name = NULL;
	const char *old_owner = NULL;
	const char *new_owner = NULL;
	int r = sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner);
	if (r < 0 || g_strcmp0(name, HC_DBUS_NAME) != 0)
		return 0;
	ev.name = name;
	ev.value = new_owner;
	mon->func(mon->bus, &ev, mon->user_data);
	return 0;
}

static int
add_matches(HcCtlBus *self, HcCtlMonitor *mon)
{
	int r = sd_bus_match_signal(self->bus,
				    NULL,
				    HC_DBUS_NAME,
				    HC_DBUS_PATH,
				    HC_DBUS_INTERFACE,
				    "CapabilitiesChanged",
				    on_capabilities_changed,
				    mon);
	if (r >= 0)
		r = sd_bus_match_signal(self->bus,
					NULL,
					HC_DBUS_NAME,
					HC_DBUS_PATH,
					"org.freedesktop.DBus.Properties",
					"PropertiesChanged",
					on_properties_changed,
					mon);
	if (r >= 0)
		r = sd_bus_add_match(
		    self->bus,
		    NULL,
		    "type='signal',sender='org.freedesktop.DBus',"
		    "path='/org/freedesktop/DBus',interface='org.freedesktop.DBus',"
		    "member='NameOwnerChanged',arg0='" HC_DBUS_NAME "'",
		    on_owner_changed,
		    mon);
	return r;
}

gboolean
hc_ctl_bus_monitor(HcCtlBus *self, HcCtlMonitorFunc func, gpointer user_data, GError **error)
{
	HcCtlMonitor mon = {.bus = self, .func = func, .user_data = user_data};
	sd_event *event = NULL;
	sigset_t mask;
	int r;

	/* sd-event wants the signals blocked before it takes them over */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	r = sd_event_new(&event);
	/* a NULL handler makes sd-event exit the loop with code 0 */
	if (r >= 0)
		r = sd_event_add_signal(event, NULL, SIGINT, NULL, NULL);
	if (r >= 0)
		r = sd_event_add_signal(event, NULL, SIGTERM, NULL, NULL);
	if (r >= 0)
		r = sd_bus_attach_event(self->bus, event, SD_EVENT_PRIORITY_NORMAL);
	if (r >= 0)
		r = sd_bus_set_exit_on_disconnect(self->bus, 1);
	if (r >= 0)
		r = add_matches(self, &mon);
	if (r < 0) {
		set_error_from_errno(error, r, "cannot set up the monitor");
		goto out;
	}
	/* the matches are in place: tell the caller before the first event can arrive */
	func(self, NULL, user_data);
	r = sd_event_loop(event);
	if (r < 0) {
		set_error_from_errno(error, r, "monitor loop");
	} else if (r > 0) {
		/* sd-bus exits the loop with a failure code when the connection drops */
		g_set_error_literal(error,
				    HC_CTL_ERROR,
				    HC_CTL_ERROR_UNREACHABLE,
				    "the bus connection was lost");
		r = -ECONNRESET;
	}
out:
	sd_bus_detach_event(self->bus);
	sd_event_unref(event);
	return r >= 0;
}
