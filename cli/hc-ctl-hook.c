/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `hostcapctl libvirt-hook CONFIG OBJECT OPERATION SUB-OPERATION EXTRA`: the body of
 * hostcapd's libvirt hook (/etc/libvirt/hooks/qemu.d/hostcapd execs it). libvirt runs the
 * hook with the domain XML on stdin; a non-zero exit with one line on stderr stops the
 * start or the incoming migration and libvirt shows the line to the user.
 *
 * - "prepare begin" (a start): refuse when the domain is not bootable here (verdict no).
 * - "migrate begin" (on the target): refuse also when a machine-type default this host
 *   would silently turn off changes the guest ABI the domain runs with elsewhere.
 * - hostcapd unreachable, too slow or confused: allow and say why (fail-open), unless the
 *   configuration says FailClosed=true. The D-Bus call never waits longer than Timeout=.
 *
 * CONFIG is a key file ([Hook] Address=, Timeout= seconds, FailClosed=); a missing file
 * means the system bus, 5 seconds, fail-open.
 */
#include "hc-config.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-ctl-bus.h"
#include "hc-ctl.h"
#include "hc-verdict.h"

#define HC_HOOK_DEFAULT_TIMEOUT_SEC 5
#define HC_HOOK_MAX_TIMEOUT_SEC	    300

typedef enum {
	HC_HOOK_BOOT,
	HC_HOOK_MIGRATE,
} HcHookMode;

typedef struct {
	char *address; /* NULL: the system bus */
	guint timeout_sec;
	gboolean fail_closed;
} HcHookConfig;

static void
hook_config_clear(HcHookConfig *c)
{
	g_free(c->address);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(HcHookConfig, hook_config_clear)

static gboolean
hook_config_load(const char *path, HcHookConfig *c, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) local = NULL;
	gint64 timeout;

	c->timeout_sec = HC_HOOK_DEFAULT_TIMEOUT_SEC;
	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &local)) {
		if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return TRUE; /* the defaults */
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: %s",
			    path,
			    local->message);
		return FALSE;
	}
	c->address = g_key_file_get_string(kf, "Hook", "Address", NULL);
	if (c->address != NULL && c->address[0] == '\0')
		g_clear_pointer(&c->address, g_free);
	if (g_key_file_has_key(kf, "Hook", "Timeout", NULL)) {
		timeout = g_key_file_get_int64(kf, "Hook", "Timeout", &local);
		if (local != NULL || timeout < 1 || timeout > HC_HOOK_MAX_TIMEOUT_SEC) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "%s: Timeout: expected seconds from 1 to %d",
				    path,
				    HC_HOOK_MAX_TIMEOUT_SEC);
			return FALSE;
		}
		c->timeout_sec = (guint)timeout;
	}
	if (g_key_file_has_key(kf, "Hook", "FailClosed", NULL)) {
		c->fail_closed = g_key_file_get_boolean(kf, "Hook", "FailClosed", &local);
		if (local != NULL) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "%s: FailClosed: expected true or false",
				    path);
			return FALSE;
		}
	}
	return TRUE;
}

static char *
read_stdin(gsize *len, GError **error)
{
	GString *buf = g_string_new(NULL);
	char chunk[4096];
	gssize n;

	while ((n = read(STDIN_FILENO, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || buf->len + n > HC_LIMIT_INPUT_BYTES) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "domain XML on stdin: %s",
				    n < 0 ? g_strerror(errno) : "too large");
			g_string_free(buf, TRUE);
			return NULL;
		}
		g_string_append_len(buf, chunk, n);
	}
	*len = buf->len;
	return g_string_free(buf, FALSE);
}

static const char *
str_member(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);
	return n != NULL && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING
		   ? json_node_get_string(n)
		   : NULL;
}

/* does this finding refuse the domain? errors always; for an incoming migration also a
 * decided warning about a default this host would silently turn off */
static gboolean
finding_refuses(JsonObject *f, HcHookMode mode)
{
	const char *severity = str_member(f, "severity");
	const char *origin = str_member(f, "origin");

	if (g_strcmp0(str_member(f, "status"), "decided") != 0)
		return FALSE;
	if (g_strcmp0(severity, "error") == 0)
		return TRUE;
	return mode == HC_HOOK_MIGRATE && g_strcmp0(severity, "warning") == 0 &&
	       (g_strcmp0(origin, "machine") == 0 || g_strcmp0(origin, "platform") == 0);
}

/* "net.tap.uso unsupported" for each capability that is not supported */
static void
append_capabilities(GString *out, JsonObject *f)
{
	JsonNode *caps = json_object_get_member(f, "capabilities");
	guint n = 0;

	if (caps == NULL || !JSON_NODE_HOLDS_ARRAY(caps))
		return;
	for (guint i = 0; i < json_array_get_length(json_node_get_array(caps)); i++) {
		JsonNode *c = json_array_get_element(json_node_get_array(caps), i);
		const char *state;
		if (!JSON_NODE_HOLDS_OBJECT(c))
			continue;
		state = str_member(json_node_get_object(c), "state");
		if (g_strcmp0(state, "supported") == 0)
			continue;
		g_string_append_printf(out,
				       "%s%s %s",
				       n++ == 0 ? " (" : ", ",
				       str_member(json_node_get_object(c), "id"),
				       state);
	}
	if (n > 0)
		g_string_append_c(out, ')');
}

/* a boolean feature asked on is pinned off by its QEMU property ("host_uso=off") */
static void
append_pin(GPtrArray *pins, const char *feature, JsonNode *value)
{
	const char *dot = strrchr(feature, '.');
	g_autofree char *pin = NULL;

	if (value == NULL || !JSON_NODE_HOLDS_VALUE(value) ||
	    json_node_get_value_type(value) != G_TYPE_BOOLEAN || !json_node_get_boolean(value))
		return;
	pin = g_strdup_printf("%s=off", dot != NULL ? dot + 1 : feature);
	if (!g_ptr_array_find_with_equal_func(pins, pin, g_str_equal, NULL))
		g_ptr_array_add(pins, g_steal_pointer(&pin));
}

/* one line: the features (with the capabilities that said no) and the pins */
static char *
refusal_line(JsonObject *report, HcHookMode mode)
{
	JsonNode *findings = json_object_get_member(report, "findings");
	g_autoptr(GPtrArray) pins = g_ptr_array_new_with_free_func(g_free);
	GString *out = g_string_new(NULL);
	guint n = 0;

	for (guint i = 0; findings != NULL && JSON_NODE_HOLDS_ARRAY(findings) &&
			  i < json_array_get_length(json_node_get_array(findings));
	     i++) {
		JsonNode *node = json_array_get_element(json_node_get_array(findings), i);
		JsonObject *f = JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
		JsonNode *value = f != NULL ? json_object_get_member(f, "value") : NULL;
		JsonNode *also = f != NULL ? json_object_get_member(f, "also") : NULL;
		g_autofree char *text = NULL;
		if (f == NULL || !finding_refuses(f, mode))
			continue;
		text = value != NULL ? json_to_string(value, FALSE) : g_strdup("?");
		g_string_append_printf(out,
				       "%s%s=%s",
				       n++ == 0 ? "" : "; ",
				       str_member(f, "feature"),
				       text);
		append_pin(pins, str_member(f, "feature"), value);
		for (guint j = 0; also != NULL && JSON_NODE_HOLDS_ARRAY(also) &&
				  j < json_array_get_length(json_node_get_array(also));
		     j++) {
			const char *other =
			    json_array_get_string_element(json_node_get_array(also), j);
			g_string_append_printf(out, "+%s", other);
			append_pin(pins, other, value);
		}
		append_capabilities(out, f);
		if (str_member(f, "pin") != NULL)
			g_string_append_printf(out, " pin %s", str_member(f, "pin"));
	}
	if (pins->len > 0) {
		g_ptr_array_add(pins, NULL);
		g_autofree char *joined = g_strjoinv(",", (char **)pins->pdata);
		g_string_append_printf(out,
				       "; pin %s or name a platform this host satisfies",
				       joined);
	}
	return g_string_free(out, FALSE);
}

/* hostcapd could not answer: allowed unless fail-closed; says so either way */
static int
not_asked(const char *domain, const HcHookConfig *config, const char *why)
{
	if (config->fail_closed) {
		g_printerr("hostcapd: domain %s refused: hostcapd could not be asked (%s) and "
			   "the hook is configured FailClosed=true\n",
			   domain,
			   why);
		return 1;
	}
	g_printerr("hostcapd: domain %s allowed without a check: %s (fail-open)\n", domain, why);
	return 0;
}

static int
judge(const char *domain, HcHookMode mode, const char *report_json)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *report;
	const char *verdict;
	g_autofree char *line = NULL;

	if (!json_parser_load_from_data(parser, report_json, -1, NULL) ||
	    !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
		return -1;
	report = json_node_get_object(json_parser_get_root(parser));
	verdict = str_member(report, "verdict");
	line = refusal_line(report, mode);
	if (g_strcmp0(verdict, "no") != 0 && line[0] == '\0') {
		if (g_strcmp0(verdict, "yes") != 0)
			g_printerr("hostcapd: domain %s allowed: verdict %s\n", domain, verdict);
		return 0;
	}
	g_printerr("hostcapd refuses domain %s %s: %s\n",
		   domain,
		   mode == HC_HOOK_BOOT ? "on this host" : "as an incoming migration (guest ABI)",
		   line);
	return 1;
}

int
hc_ctl_verb_libvirt_hook(HcCtlContext *ctx, char **args, GError **error)
{
	g_auto(HcHookConfig) config = {0};
	g_autoptr(HcCtlBus) bus = NULL;
	g_autoptr(GError) local = NULL;
	g_autofree char *xml = NULL;
	g_autofree char *spec = NULL;
	g_autofree char *verdict = NULL;
	g_autofree char *report = NULL;
	const char *domain = args[2];
	HcHookMode mode;
	gsize len = 0;
	int rc;

	if (g_strcmp0(args[3], "prepare") == 0 && g_strcmp0(args[4], "begin") == 0)
		mode = HC_HOOK_BOOT;
	else if (g_strcmp0(args[3], "migrate") == 0 && g_strcmp0(args[4], "begin") == 0)
		mode = HC_HOOK_MIGRATE;
	else
		return 0; /* every other event passes untouched */
	if (!hook_config_load(args[1], &config, &local))
		return not_asked(domain, &config, local->message);
	xml = read_stdin(&len, &local);
	if (xml == NULL)
		return not_asked(domain, &config, local->message);
	spec = hc_input_to_spec(NULL, HC_INPUT_DOMAIN_XML, xml, len, &local);
	if (spec == NULL) /* libvirt accepted it: what we cannot read is ours to fix */
		return not_asked(domain, &config, local->message);
	bus = hc_ctl_bus_open(HC_CTL_BUS_SYSTEM, config.address, &local);
	if (bus != NULL) {
		hc_ctl_bus_set_timeout(bus, (guint64)config.timeout_sec * G_USEC_PER_SEC);
		if (!hc_ctl_bus_check_bootable(bus, spec, &verdict, &report, &local))
			g_clear_pointer(&report, g_free);
	}
	if (report == NULL) {
		/* bad input the daemon names is a refusal; anything else is "not asked" */
		if (g_error_matches(local, HC_ERROR, HC_ERROR_INVALID_ARGUMENT) ||
		    g_error_matches(local, HC_ERROR, HC_ERROR_UNKNOWN_FEATURE)) {
			g_printerr("hostcapd refuses domain %s: %s\n", domain, local->message);
			return 1;
		}
		return not_asked(domain, &config, local->message);
	}
	rc = judge(domain, mode, report);
	if (rc < 0)
		return not_asked(domain, &config, "the reply is not a report");
	return rc;
}
