/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* the calls the benchmark and the soak make, as one table: hostcapd's methods, the D-Bus
 * floor (Peer.Ping) and the echo service's Echo(s) */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "hostcap/hc-dbus.h"

#include "hc-bench-calls.h"

#define HC_PEER_INTERFACE "org.freedesktop.DBus.Peer"

/* past the nesting limit by a margin, so a limit off by one still rejects it */
#define HC_BENCH_DEEP_NESTING (HC_LIMIT_NESTING + 8)

void
hc_bench_inputs_free(HcBenchInputs *in)
{
	if (in == NULL)
		return;
	g_free(in->cap);
	g_free(in->spec);
	g_free(in->target);
	g_free(in->echo_text);
	g_free(in->oversize_spec);
	g_free(in->deep_spec);
	g_free(in->oversize_target);
	g_free(in);
}

/* a JSON object of @bytes bytes: {"features":{},"padding":"xxx…"} */
static char *
hc_bench_padded_json(gsize bytes)
{
	const char *head = "{\"features\":{},\"padding\":\"";
	const char *tail = "\"}";
	GString *s = g_string_sized_new(bytes + 1);

	g_string_append(s, head);
	while (s->len < bytes - strlen(tail))
		g_string_append_c(s, 'x');
	g_string_append(s, tail);
	return g_string_free(s, FALSE);
}

static char *
hc_bench_deep_json(guint depth)
{
	GString *s = g_string_new("{\"features\":{\"x\":");

	for (guint i = 0; i < depth; i++)
		g_string_append_c(s, '[');
	for (guint i = 0; i < depth; i++)
		g_string_append_c(s, ']');
	g_string_append(s, "}}");
	return g_string_free(s, FALSE);
}

HcBenchInputs *
hc_bench_inputs_new(const char *cap, const char *spec_path, const char *target_path, GError **error)
{
	g_autoptr(HcBenchInputs) in = g_new0(HcBenchInputs, 1);

	in->cap = g_strdup(cap != NULL ? cap : "kvm.present");
	in->echo_text = g_strdup(in->cap);
	if (spec_path != NULL) {
		if (!g_file_get_contents(spec_path, &in->spec, NULL, error)) {
			g_prefix_error(error, "spec: ");
			return NULL;
		}
	} else {
		in->spec = g_strdup("{\"features\":{}}");
	}
	if (target_path != NULL) {
		if (!g_file_get_contents(target_path, &in->target, NULL, error)) {
			g_prefix_error(error, "target: ");
			return NULL;
		}
	} else {
		in->target = g_strdup("");
	}
	in->oversize_spec = hc_bench_padded_json(HC_LIMIT_SPEC_BYTES + 1);
	in->deep_spec = hc_bench_deep_json(HC_BENCH_DEEP_NESTING);
	in->oversize_target = hc_bench_padded_json(HC_LIMIT_SNAPSHOT_BYTES + 1);
	return g_steal_pointer(&in);
}

gint64
hc_bench_now_nsec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (gint64)ts.tv_sec * G_GINT64_CONSTANT(1000000000) + ts.tv_nsec;
}

static int
hc_bench_append_none(sd_bus_message *m, const HcBenchInputs *in)
{
	return 0;
}

static int
hc_bench_append_echo(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "s", in->echo_text);
}

static int
hc_bench_append_getcap_one(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "asa{sv}", 1, in->cap, 0);
}

static int
hc_bench_append_getcap_all(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "asa{sv}", 0, 0);
}

static int
hc_bench_append_bootable(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "sa{sv}", in->spec, 0);
}

static int
hc_bench_append_migration(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "ssa{sv}", in->spec, in->target, 0);
}

/* the compact reply schedulers ask for (options.Reply) */
static int
hc_bench_append_bootable_summary(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "sa{sv}", in->spec, 1, "Reply", "s", "summary");
}

static int
hc_bench_append_migration_summary(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m,
				     "ssa{sv}",
				     in->spec,
				     in->target,
				     1,
				     "Reply",
				     "s",
				     "summary");
}

static int
hc_bench_append_refresh_all(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "as", 0);
}

static gboolean
hc_bench_check_generation(sd_bus_message *reply, const HcBenchInputs *in, GString *why)
{
	guint64 generation = 0;

	if (sd_bus_message_read(reply, "t", &generation) < 0 || generation == 0) {
		g_string_append(why, "Refresh() did not return a generation");
		return FALSE;
	}
	return TRUE;
}

static gboolean
hc_bench_check_empty(sd_bus_message *reply, const HcBenchInputs *in, GString *why)
{
	return TRUE;
}

static gboolean
hc_bench_check_echo(sd_bus_message *reply, const HcBenchInputs *in, GString *why)
{
	const char *text = NULL;

	if (sd_bus_message_read(reply, "s", &text) < 0 || g_strcmp0(text, in->echo_text) != 0) {
		g_string_append(why, "Echo did not return what it was sent");
		return FALSE;
	}
	return TRUE;
}

/* counts the a{sv} entries of an aa{sv} reply */
static gboolean
hc_bench_count_dicts(sd_bus_message *reply, guint *n, GString *why)
{
	int r;

	*n = 0;
	r = sd_bus_message_enter_container(reply, 'a', "a{sv}");
	if (r < 0) {
		g_string_append_printf(why, "reply is not aa{sv}: %s", g_strerror(-r));
		return FALSE;
	}
	while ((r = sd_bus_message_skip(reply, "a{sv}")) > 0)
		(*n)++;
	if (r < 0) {
		g_string_append_printf(why, "malformed aa{sv}: %s", g_strerror(-r));
		return FALSE;
	}
	return TRUE;
}

static gboolean
hc_bench_check_getcap_one(sd_bus_message *reply, const HcBenchInputs *in, GString *why)
{
	guint n = 0;

	if (!hc_bench_count_dicts(reply, &n, why))
		return FALSE;
	if (n != 1) {
		g_string_append_printf(why, "GetCapabilities(%s) returned %u entries", in->cap, n);
		return FALSE;
	}
	return TRUE;
}

static gboolean
hc_bench_check_getcap_all(sd_bus_message *reply, const HcBenchInputs *in, GString *why)
{
	guint n = 0;

	if (!hc_bench_count_dicts(reply, &n, why))
		return FALSE;
	if (n < 2) {
		g_string_append_printf(why, "GetCapabilities([]) returned %u entries", n);
		return FALSE;
	}
	return TRUE;
}

static gboolean
hc_bench_check_describe(sd_bus_message *reply, const HcBenchInputs *in, GString *why)
{
	const char *json = NULL;

	if (sd_bus_message_read(reply, "s", &json) < 0 || json[0] != '{' ||
	    strstr(json, "hostcapd-snapshot/") == NULL) {
		g_string_append(why, "Describe() did not return a snapshot document");
		return FALSE;
	}
	return TRUE;
}

static gboolean
hc_bench_check_verdict(sd_bus_message *reply, const HcBenchInputs *in, GString *why)
{
	const char *verdict = NULL;
	const char *report = NULL;

	if (sd_bus_message_read(reply, "ss", &verdict, &report) < 0) {
		g_string_append(why, "reply is not (ss)");
		return FALSE;
	}
	if (!g_strv_contains((const char *const[]){"yes", "no", "unknown", NULL}, verdict) ||
	    report[0] != '{') {
		g_string_append_printf(why,
				       "verdict \"%s\" with a report that is not JSON",
				       verdict);
		return FALSE;
	}
	return TRUE;
}

static const HcBenchCall hc_bench_call_table[] = {
    {"echo",
     HC_ECHO_NAME,
     HC_ECHO_PATH,
     HC_ECHO_INTERFACE,
     "Echo",
     "s",
     hc_bench_append_echo,
     hc_bench_check_echo,
     "echo service Echo(s): the floor"},
    {"echo-ping",
     HC_ECHO_NAME,
     HC_ECHO_PATH,
     HC_PEER_INTERFACE,
     "Ping",
     "",
     hc_bench_append_none,
     hc_bench_check_empty,
     "echo service Peer.Ping"},
    {"ping",
     HC_DBUS_NAME,
     HC_DBUS_PATH,
     HC_PEER_INTERFACE,
     "Ping",
     "",
     hc_bench_append_none,
     hc_bench_check_empty,
     "hostcapd Peer.Ping"},
    {"getcap-one",
     HC_DBUS_NAME,
     HC_DBUS_PATH,
     HC_DBUS_INTERFACE,
     "GetCapabilities",
     "asa{sv}",
     hc_bench_append_getcap_one,
     hc_bench_check_getcap_one,
     "GetCapabilities(one id)"},
    {"getcap-all",
     HC_DBUS_NAME,
     HC_DBUS_PATH,
     HC_DBUS_INTERFACE,
     "GetCapabilities",
     "asa{sv}",
     hc_bench_append_getcap_all,
     hc_bench_check_getcap_all,
     "GetCapabilities(all)"},
    {"describe",
     HC_DBUS_NAME,
     HC_DBUS_PATH,
     HC_DBUS_INTERFACE,
     "Describe",
     "",
     hc_bench_append_none,
     hc_bench_check_describe,
     "Describe()"},
    {"check-bootable",
     HC_DBUS_NAME,
     HC_DBUS_PATH,
     HC_DBUS_INTERFACE,
     "CheckBootable",
     "sa{sv}",
     hc_bench_append_bootable,
     hc_bench_check_verdict,
     "CheckBootable(spec)"},
    {"check-migration",
     HC_DBUS_NAME,
     HC_DBUS_PATH,
     HC_DBUS_INTERFACE,
     "CheckMigration",
     "ssa{sv}",
     hc_bench_append_migration,
     hc_bench_check_verdict,
     "CheckMigration(spec, target)"},
    {"check-bootable-summary",
     HC_DBUS_NAME,
     HC_DBUS_PATH,
     HC_DBUS_INTERFACE,
     "CheckBootable",
     "sa{sv}",
     hc_bench_append_bootable_summary,
     hc_bench_check_verdict,
     "CheckBootable(spec, Reply=summary)"},
    {"check-migration-summary",
     HC_DBUS_NAME,
     HC_DBUS_PATH,
     HC_DBUS_INTERFACE,
     "CheckMigration",
     "ssa{sv}",
     hc_bench_append_migration_summary,
     hc_bench_check_verdict,
     "CheckMigration(spec, target, Reply=summary)"},
    /* replies when the pass it started is committed: its latency is the full probe pass */
    {"refresh",
     HC_DBUS_NAME,
     HC_DBUS_PATH,
     HC_DBUS_INTERFACE,
     "Refresh",
     "as",
     hc_bench_append_refresh_all,
     hc_bench_check_generation,
     "Refresh(all probes)"},
};

const HcBenchCall *
hc_bench_calls(guint *n_calls)
{
	*n_calls = G_N_ELEMENTS(hc_bench_call_table);
	return hc_bench_call_table;
}

const HcBenchCall *
hc_bench_call_lookup(const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(hc_bench_call_table); i++) {
		if (g_strcmp0(hc_bench_call_table[i].name, name) == 0)
			return &hc_bench_call_table[i];
	}
	return NULL;
}

int
hc_bench_call_run(sd_bus *bus,
		  const HcBenchCall *call,
		  const HcBenchInputs *in,
		  sd_bus_error *ret_error,
		  sd_bus_message **ret_reply)
{
	g_autoptr(sd_bus_message) m = NULL;
	g_autoptr(sd_bus_message) reply = NULL;
	int r;

	r = sd_bus_message_new_method_call(bus,
					   &m,
					   call->destination,
					   call->path,
					   call->interface,
					   call->member);
	if (r < 0)
		return r;
	r = call->append(m, in);
	if (r < 0)
		return r;
	r = sd_bus_call(bus, m, 0, ret_error, &reply);
	if (r < 0)
		return r;
	if (ret_reply != NULL)
		*ret_reply = g_steal_pointer(&reply);
	return 0;
}
