/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `hostcapctl check` and `hostcapctl baseline`: a VM spec (a file, or a QEMU command line
 * after "--") judged against this host, another host, or a set of hosts, through the
 * daemon or offline with the library's verdict facade. The report is DESIGN §7's JSON;
 * the human rendering puts the verdict first, then each finding.
 */
#include "hc-config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "hostcap/hc-capability.h"
#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-ctl-bus.h"
#include "hc-ctl-offline.h"
#include "hc-ctl-output.h"
#include "hc-ctl.h"
#include "hc-probe-registry.h"
#include "hc-baseline.h"
#include "hc-verdict.h"

static const struct {
	const char *name;
	HcCtlExit exit;
	const char *mark;
	const char *colour;
} verdicts[] = {
    {"yes", HC_CTL_EXIT_YES, "✓", HC_CTL_ANSI_GREEN},
    {"no", HC_CTL_EXIT_NO, "✗", HC_CTL_ANSI_RED},
    {"unknown", HC_CTL_EXIT_UNKNOWN, "?", HC_CTL_ANSI_YELLOW},
};

static const struct {
	const char *name;
	const char *mark;
	const char *colour;
} severities[] = {
    {"error", "✗", HC_CTL_ANSI_RED},
    {"warning", "!", HC_CTL_ANSI_YELLOW},
    {"info", "i", HC_CTL_ANSI_GREY},
};

static guint
verdict_index(const char *verdict)
{
	for (guint i = 0; i < G_N_ELEMENTS(verdicts); i++) {
		if (g_strcmp0(verdicts[i].name, verdict) == 0)
			return i;
	}
	return 2; /* anything we do not know is not a "yes" */
}

static const char *
member_string(JsonObject *obj, const char *name)
{
	JsonNode *node = json_object_get_member(obj, name);
	if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) ||
	    json_node_get_value_type(node) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(node);
}

static char *
value_text(JsonNode *value)
{
	if (value == NULL || JSON_NODE_HOLDS_NULL(value))
		return NULL;
	if (JSON_NODE_HOLDS_VALUE(value) && json_node_get_value_type(value) == G_TYPE_STRING)
		return g_strdup(json_node_get_string(value));
	return json_to_string(value, FALSE);
}

/* a finding with more capabilities than this prints the first few and then one line per
 * (host, state, reason pattern); a CPU model finding can name 40 features */
#define HC_CTL_CAPS_FULL   6
#define HC_CTL_CAPS_HEAD   3
#define HC_CTL_CAPS_LEAVES 4

static JsonObject *
capability_at(JsonArray *caps, guint i)
{
	JsonNode *n = json_array_get_element(caps, i);
	return JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

static const char *
member_or(JsonObject *obj, const char *name, const char *fallback)
{
	const char *s = member_string(obj, name);
	return s != NULL ? s : fallback;
}

/* "host: net.tap.uso: unsupported: TUNSETOFFLOAD(…): Invalid argument" */
static void
print_capability(JsonObject *c)
{
	const char *host = member_string(c, "host");

	g_print("    %s%s%s: %s: %s\n",
		host != NULL ? host : "",
		host != NULL ? ": " : "",
		member_or(c, "id", "?"),
		member_or(c, "state", "?"),
		member_or(c, "reason", ""));
}

static gboolean
is_word_char(char c)
{
	return g_ascii_isalnum(c) || c == '-' || c == '_' || c == '.';
}

/* @reason with the last component of @id, where it stands as a word, made "<name>", and
 * every number standing alone (leaf 0x80000001.0, bit 5) made "…": the reasons of a model's
 * features differ only there */
static char *
reason_pattern(const char *id, const char *reason)
{
	const char *dot = strrchr(id, '.');
	const char *leaf = dot != NULL ? dot + 1 : id;
	gsize n = strlen(leaf);
	GString *out = g_string_new(NULL);

	for (const char *p = reason; *p != '\0';) {
		gboolean starts = p == reason || !is_word_char(p[-1]);
		if (n > 0 && starts && strncmp(p, leaf, n) == 0 && !is_word_char(p[n])) {
			g_string_append(out, "<name>");
			p += n;
			continue;
		}
		if (starts && g_ascii_isdigit(*p)) {
			while (g_ascii_isxdigit(*p) || *p == 'x' || *p == '.')
				p++;
			g_string_append(out, "…");
			continue;
		}
		g_string_append_c(out, *p++);
	}
	return g_string_free(out, FALSE);
}

typedef struct {
	const char *host;
	const char *state;
	char *pattern;
	GPtrArray *ids; /* borrowed from the report */
} CapGroup;

static void
cap_group_free(CapGroup *g)
{
	g_free(g->pattern);
	g_ptr_array_unref(g->ids);
	g_free(g);
}

/* the capabilities from @first on, grouped by (host, state, reason pattern) in order */
static GPtrArray *
group_capabilities(JsonArray *caps, guint first)
{
	GPtrArray *groups = g_ptr_array_new_with_free_func((GDestroyNotify)cap_group_free);

	for (guint i = first; i < json_array_get_length(caps); i++) {
		JsonObject *c = capability_at(caps, i);
		const char *id;
		g_autofree char *pattern = NULL;
		CapGroup *g = NULL;

		if (c == NULL)
			continue;
		id = member_or(c, "id", "?");
		pattern = reason_pattern(id, member_or(c, "reason", ""));
		for (guint j = 0; g == NULL && j < groups->len; j++) {
			CapGroup *k = g_ptr_array_index(groups, j);
			if (g_strcmp0(k->host, member_string(c, "host")) == 0 &&
			    g_strcmp0(k->state, member_string(c, "state")) == 0 &&
			    g_strcmp0(k->pattern, pattern) == 0)
				g = k;
		}
		if (g == NULL) {
			g = g_new0(CapGroup, 1);
			g->host = member_string(c, "host");
			g->state = member_string(c, "state");
			g->pattern = g_steal_pointer(&pattern);
			g->ids = g_ptr_array_new();
			g_ptr_array_add(groups, g);
		}
		g_ptr_array_add(g->ids, (gpointer)id);
	}
	return groups;
}

/* "cpu.feature.{avx512f, sha-ni, …}" when the ids share a prefix, else "a, b, …" */
static char *
compact_ids(GPtrArray *ids)
{
	const char *first = g_ptr_array_index(ids, 0);
	const char *dot = strrchr(first, '.');
	gsize plen = dot != NULL ? (gsize)(dot - first) + 1 : 0;
	GString *out = g_string_new(NULL);
	guint shown = MIN(ids->len, HC_CTL_CAPS_LEAVES);

	for (guint i = 0; plen > 0 && i < ids->len; i++) {
		if (strncmp(g_ptr_array_index(ids, i), first, plen) != 0)
			plen = 0;
	}
	if (plen > 0)
		g_string_append_printf(out, "%.*s{", (int)plen, first);
	for (guint i = 0; i < shown; i++) {
		const char *id = g_ptr_array_index(ids, i);
		g_string_append_printf(out, "%s%s", i > 0 ? ", " : "", id + plen);
	}
	if (shown < ids->len)
		g_string_append(out, ", …");
	if (plen > 0)
		g_string_append_c(out, '}');
	return g_string_free(out, FALSE);
}

/* every capability of a short list; a long one collapsed, --json keeps them all */
static void
print_capabilities(JsonArray *caps)
{
	guint n = json_array_get_length(caps);
	guint head = n > HC_CTL_CAPS_FULL ? HC_CTL_CAPS_HEAD : n;
	g_autoptr(GPtrArray) groups = NULL;

	for (guint i = 0; i < head; i++) {
		JsonObject *c = capability_at(caps, i);
		if (c != NULL)
			print_capability(c);
	}
	if (head == n)
		return;
	groups = group_capabilities(caps, head);
	for (guint i = 0; i < groups->len; i++) {
		CapGroup *g = g_ptr_array_index(groups, i);
		g_autofree char *ids = compact_ids(g->ids);

		g_print("    … and %u more %s%s%s: %s (%s)%s\n",
			g->ids->len,
			g->host != NULL ? g->host : "",
			g->host != NULL ? " " : "",
			g->state != NULL ? g->state : "?",
			ids,
			g->pattern,
			i + 1 == groups->len ? "; --json lists each" : "");
	}
}

static void
print_finding(HcCtlContext *ctx, JsonObject *f)
{
	const char *sev = member_string(f, "severity");
	const char *feature = member_string(f, "feature");
	const char *origin = member_string(f, "origin");
	const char *reason = member_string(f, "reason");
	const char *direction = member_string(f, "direction");
	const char *pin = member_string(f, "pin");
	const char *remediation = member_string(f, "remediation");
	const char *requires = member_string(f, "requires");
	g_autofree char *value = value_text(json_object_get_member(f, "value"));
	JsonNode *caps = json_object_get_member(f, "capabilities");
	guint s = 0;

	while (s < G_N_ELEMENTS(severities) - 1 && g_strcmp0(severities[s].name, sev) != 0)
		s++;
	g_print("%s%s %s%s %s%s%s%s%s%s\n",
		ctx->colour ? severities[s].colour : "",
		severities[s].mark,
		sev != NULL ? sev : "info",
		ctx->colour ? HC_CTL_ANSI_NORMAL : "",
		feature != NULL ? feature : "?",
		value != NULL ? "=" : "",
		value != NULL ? value : "",
		origin != NULL ? " (" : "",
		origin != NULL ? origin : "",
		origin != NULL ? ")" : "");
	if (reason != NULL)
		g_print("    %s\n", reason);
	if (direction != NULL)
		g_print("    direction: %s\n", direction);
	if (requires != NULL)
		g_print("    requires: %s\n", requires);
	if (caps != NULL && JSON_NODE_HOLDS_ARRAY(caps))
		print_capabilities(json_node_get_array(caps));
	if (pin != NULL)
		g_print("    pin: %s\n", pin);
	if (remediation != NULL)
		g_print("    fix: %s\n", remediation);
}

static const char *
verdict_headline(const char *what, guint v)
{
	static const char *const bootable[] = {"Bootable", "Not bootable", "Cannot tell"};
	static const char *const migratable[] = {"Migratable", "Not migratable", "Cannot tell"};
	if (g_strcmp0(what, "migration") == 0)
		return migratable[v];
	if (g_strcmp0(what, "baseline") == 0)
		return v == 0 ? "Baseline" : v == 1 ? "Not every host fits" : "Cannot tell";
	if (g_strcmp0(what, "baseline-spec") == 0)
		return v == 0	? "Every host fits the spec"
		       : v == 1 ? "Not every host fits"
				: "Cannot tell";
	return bootable[v];
}

/* verdict first, then findings by severity (the report lists errors first) */
static void
print_report(HcCtlContext *ctx, const char *what, const char *where, JsonObject *report)
{
	const char *verdict = member_string(report, "verdict");
	JsonNode *fnode = json_object_get_member(report, "findings");
	JsonArray *findings =
	    fnode != NULL && JSON_NODE_HOLDS_ARRAY(fnode) ? json_node_get_array(fnode) : NULL;
	guint counts[G_N_ELEMENTS(severities)] = {0};
	guint n = findings != NULL ? json_array_get_length(findings) : 0;
	guint v = verdict_index(verdict);

	for (guint i = 0; i < n; i++) {
		JsonObject *f = json_array_get_object_element(findings, i);
		for (guint s = 0; s < G_N_ELEMENTS(severities); s++) {
			if (g_strcmp0(member_string(f, "severity"), severities[s].name) == 0)
				counts[s]++;
		}
	}
	g_print("%s%s %s%s%s: %u error%s, %u warning%s, %u note%s\n",
		ctx->colour ? verdicts[v].colour : "",
		verdicts[v].mark,
		verdict_headline(what, v),
		where,
		ctx->colour ? HC_CTL_ANSI_NORMAL : "",
		counts[0],
		counts[0] == 1 ? "" : "s",
		counts[1],
		counts[1] == 1 ? "" : "s",
		counts[2],
		counts[2] == 1 ? "" : "s");
	for (guint i = 0; i < n; i++) {
		JsonNode *f = json_array_get_element(findings, i);
		if (!JSON_NODE_HOLDS_OBJECT(f))
			continue;
		g_print("\n");
		print_finding(ctx, json_node_get_object(f));
	}
}

static JsonNode *
member_of_type(JsonObject *obj, const char *name, JsonNodeType type)
{
	JsonNode *node = json_object_get_member(obj, name);
	return node != NULL && JSON_NODE_TYPE(node) == type ? node : NULL;
}

/* the human table stays readable: live quantities (free hugepages…) always differ, ids some
 * host did not report say more about its hostcapd than about its platform, and past this
 * many rows --json is the better reader */
#define HC_CTL_DIFFERING_ROWS 40

static gboolean
row_has_unreported(JsonObject *per_host, JsonArray *hosts)
{
	for (guint i = 0; i < json_array_get_length(hosts); i++) {
		const char *v = member_string(per_host, json_array_get_string_element(hosts, i));
		if (v == NULL || g_strcmp0(v, "not reported") == 0)
			return TRUE;
	}
	return FALSE;
}

/* one row per capability that differs, one column per group of equal hosts (named by its
 * first host, and how many more it stands for) */
static void
print_differing(HcCtlContext *ctx, JsonArray *hosts, JsonArray *groups, JsonObject *differing)
{
	g_autoptr(GPtrArray) headers = g_ptr_array_new_null_terminated(4, g_free, TRUE);
	g_autoptr(GList) ids = json_object_get_members(differing);
	g_autoptr(HcCtlTable) t = NULL;
	guint shown = 0, more = 0, unreported = 0, live = 0;

	g_ptr_array_add(headers, g_strdup("DIFFERS"));
	for (guint i = 0; i < json_array_get_length(hosts); i++) {
		const char *h = json_array_get_string_element(hosts, i);
		JsonObject *g = groups != NULL && i < json_array_get_length(groups)
				    ? json_array_get_object_element(groups, i)
				    : NULL;
		gint64 n = g != NULL && json_object_has_member(g, "count")
			       ? json_object_get_int_member(g, "count")
			       : 1;
		g_ptr_array_add(headers,
				n > 1 ? g_strdup_printf("%s (+%" G_GINT64_FORMAT ")", h, n - 1)
				      : g_strdup(h));
	}
	t = hc_ctl_table_new((const char *const *)headers->pdata);
	ids = g_list_sort(ids, (GCompareFunc)g_strcmp0);
	for (GList *l = ids; l != NULL; l = l->next) {
		JsonNode *row = json_object_get_member(differing, l->data);
		JsonObject *per_host = JSON_NODE_HOLDS_OBJECT(row) ? json_node_get_object(row)
								   : NULL;
		if (hc_capability_id_is_volatile(l->data)) {
			live++;
			continue;
		}
		if (per_host == NULL || row_has_unreported(per_host, hosts)) {
			unreported++;
			continue;
		}
		if (shown == HC_CTL_DIFFERING_ROWS) {
			more++;
			continue;
		}
		shown++;
		hc_ctl_table_add(t, l->data, NULL);
		for (guint i = 0; i < json_array_get_length(hosts); i++) {
			const char *h = json_array_get_string_element(hosts, i);
			const char *v = member_string(per_host, h);
			hc_ctl_table_add(t, v != NULL ? v : "?", NULL);
		}
	}
	if (shown > 0)
		hc_ctl_table_print(t, TRUE, ctx->colour, ctx->columns);
	if (more > 0)
		g_print("… and %u more differing capabilities\n", more);
	if (unreported > 0)
		g_print(
		    "%u capabilities are not reported by every host (a probe missing or an older "
		    "hostcapd there)\n",
		    unreported);
	if (live > 0)
		g_print("%u live quantities differ (free memory, free hugepages)\n", live);
	if (more + unreported + live > 0)
		g_print("--json lists every difference\n");
}

/* what a baseline adds to a report: the common ground and the pins */
static void
print_baseline(HcCtlContext *ctx, JsonObject *report)
{
	JsonNode *hosts = member_of_type(report, "hosts", JSON_NODE_ARRAY);
	JsonNode *groups = member_of_type(report, "groups", JSON_NODE_ARRAY);
	g_autoptr(JsonArray) firsts = json_array_new();
	JsonNode *common = member_of_type(report, "common_capabilities", JSON_NODE_ARRAY);
	JsonNode *differing = member_of_type(report, "differing_capabilities", JSON_NODE_OBJECT);
	const char *platform = member_string(report, "platform");
	const char *pin = member_string(report, "pin");

	g_print("\n");
	if (common != NULL)
		g_print("%22s: %u\n",
			"Common capabilities",
			json_array_get_length(json_node_get_array(common)));
	g_print("%22s: %s\n", "Newest common platform", platform != NULL ? platform : "none");
	if (pin != NULL)
		g_print("%22s: %s\n", "Pin on every host", pin[0] != '\0' ? pin : "nothing");
	if (hosts != NULL && differing != NULL &&
	    json_object_get_size(json_node_get_object(differing)) > 0) {
		/* a group's answers are keyed by its first host */
		for (guint i = 0;
		     groups != NULL && i < json_array_get_length(json_node_get_array(groups));
		     i++) {
			JsonObject *g =
			    json_array_get_object_element(json_node_get_array(groups), i);
			JsonArray *members = json_object_get_array_member(g, "hosts");
			json_array_add_string_element(firsts,
						      json_array_get_string_element(members, 0));
		}
		g_print("\n");
		print_differing(ctx,
				groups != NULL ? firsts : json_node_get_array(hosts),
				groups != NULL ? json_node_get_array(groups) : NULL,
				json_node_get_object(differing));
	}
}

/* prints the report (JSON as one pretty document, or for a person); returns the exit code */
static int
emit_report(HcCtlContext *ctx,
	    const char *what,
	    const char *where,
	    const char *report_json,
	    GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonNode *root;

	if (!json_parser_load_from_data(parser, report_json, -1, error) ||
	    !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
		g_clear_error(error);
		g_set_error(error, HC_ERROR, HC_ERROR_INTERNAL, "the report is not a JSON object");
		return -1;
	}
	root = json_parser_get_root(parser);
	if (ctx->json) {
		hc_ctl_print_json(root);
	} else {
		print_report(ctx, what, where, json_node_get_object(root));
		if (g_str_has_prefix(what, "baseline"))
			print_baseline(ctx, json_node_get_object(root));
	}
	return verdicts[verdict_index(member_string(json_node_get_object(root), "verdict"))].exit;
}

/* the same check the library makes before parsing, done here too so that text sd-bus would
 * refuse to send gets the message it gets offline */
static gboolean
check_text(const char *text, gsize len, GError **error)
{
	if (memchr(text, '\0', len) != NULL || !g_utf8_validate(text, (gssize)len, NULL)) {
		g_set_error_literal(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "$: not valid UTF-8 text");
		return FALSE;
	}
	return TRUE;
}

/* the spec: a file (or "-": stdin) holding a spec, a domain XML or a QEMU command line, or
 * a QEMU command line after "--" */
static char *
read_spec(HcCtlContext *ctx, char **args, GError **error)
{
	g_autofree char *text = NULL;
	g_autoptr(HcCatalogue) cat = NULL;
	HcInputFormat format;
	gsize len = 0;

	if (ctx->tail_argv != NULL && ctx->tail_argv[0] != NULL) {
		char *spec;
		if (args[1] != NULL) {
			g_set_error_literal(error,
					    HC_CTL_ERROR,
					    HC_CTL_ERROR_USAGE,
					    "check takes a spec file or a QEMU command line after "
					    "'--', not both");
			return NULL;
		}
		/* device properties are read through the catalogue's "qemu" fields */
		cat = hc_ctl_context_load_catalogue(ctx, error);
		if (cat == NULL)
			return NULL;
		spec = hc_qemu_argv_to_spec(cat, (const char *const *)ctx->tail_argv, error);
		if (spec == NULL)
			g_prefix_error(error, "QEMU command line: ");
		return spec;
	}
	if (args[1] == NULL) {
		g_set_error_literal(error,
				    HC_CTL_ERROR,
				    HC_CTL_ERROR_USAGE,
				    "check needs a spec: check SPEC.json|DOMAIN.xml|-, or check -- "
				    "qemu-system-… ARGS…");
		return NULL;
	}
	if (!hc_ctl_offline_read_input(args[1], HC_LIMIT_INPUT_BYTES, &text, &len, error))
		return NULL;
	if (!check_text(text, len, error)) {
		g_prefix_error(error, "spec %s: ", args[1]);
		return NULL;
	}
	/* a spec, a libvirt domain XML or a saved QEMU command line, told apart by content; a
	 * command line's device properties are read through the catalogue */
	format = hc_input_format_guess(text);
	if (format == HC_INPUT_QEMU_ARGV) {
		cat = hc_ctl_context_load_catalogue(ctx, error);
		if (cat == NULL)
			return NULL;
	}
	return hc_input_to_spec(cat, format, text, len, error);
}

/* another host's snapshot (--target, --source): read and parsed here in both modes, so that
 * its errors name its file and read the same with or without the daemon */
typedef struct {
	char *text;
	HcSnapshot *snap;
} HcCtlPeer;

static void
peer_clear(HcCtlPeer *peer)
{
	g_clear_pointer(&peer->text, g_free);
	g_clear_pointer(&peer->snap, hc_snapshot_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(HcCtlPeer, peer_clear)

static gboolean
load_peer(const char *path, HcCtlPeer *peer, GError **error)
{
	const char *name = g_strcmp0(path, "-") == 0 ? "<stdin>" : path;
	gsize len = 0;

	if (path == NULL)
		return TRUE;
	if (!hc_ctl_offline_read_input(path, HC_LIMIT_SNAPSHOT_BYTES, &peer->text, &len, error))
		return FALSE;
	if (check_text(peer->text, len, error))
		peer->snap = hc_snapshot_from_json(peer->text, len, error);
	if (peer->snap == NULL) {
		g_prefix_error(error, "%s: ", name);
		return FALSE;
	}
	return TRUE;
}

static gboolean
check_offline(HcCtlContext *ctx,
	      const char *spec,
	      HcCtlPeer *source,
	      HcCtlPeer *target,
	      char **report,
	      GError **error)
{
	g_autoptr(HcCatalogue) cat = hc_ctl_context_load_catalogue(ctx, error);
	HcSnapshot *here;
	HcVerdict verdict;

	if (cat == NULL)
		return FALSE;
	here = hc_ctl_context_get_snapshot(ctx, error);
	if (here == NULL)
		return FALSE;
	if (target->snap == NULL && source->snap == NULL)
		return hc_check_bootable(cat, spec, strlen(spec), here, &verdict, report, error);
	/* migration: from --source (default: here) to --target (default: here) */
	return hc_check_migration(cat,
				  spec,
				  strlen(spec),
				  source->snap != NULL ? source->snap : here,
				  target->snap != NULL ? target->snap : here,
				  &verdict,
				  report,
				  error);
}

static gboolean
check_daemon(HcCtlContext *ctx,
	     const char *spec,
	     HcCtlPeer *source,
	     HcCtlPeer *target,
	     char **report,
	     GError **error)
{
	HcCtlBus *bus = hc_ctl_context_get_bus(ctx, error);
	g_autofree char *verdict = NULL;

	if (bus == NULL)
		return FALSE;
	if (target->text == NULL && source->text == NULL)
		return hc_ctl_bus_check_bootable(bus, spec, &verdict, report, error);
	return hc_ctl_bus_check_migration(bus,
					  spec,
					  target->text,
					  source->text,
					  &verdict,
					  report,
					  error);
}

int
hc_ctl_verb_check(HcCtlContext *ctx, char **args, GError **error)
{
	g_autofree char *spec = read_spec(ctx, args, error);
	g_autofree char *report = NULL;
	g_autofree char *where = NULL;
	g_auto(HcCtlPeer) source = {0};
	g_auto(HcCtlPeer) target = {0};
	gboolean migration = ctx->target_path != NULL || ctx->source_path != NULL;
	gboolean ok;
	const char *here = ctx->snapshot_path != NULL ? ctx->snapshot_path : "this host";
	g_autoptr(GError) local_error = NULL;

	if (spec == NULL || !load_peer(ctx->source_path, &source, error) ||
	    !load_peer(ctx->target_path, &target, error))
		return -1;
	if (hc_ctl_context_is_offline(ctx))
		ok = check_offline(ctx, spec, &source, &target, &report, &local_error);
	else
		ok = check_daemon(ctx, spec, &source, &target, &report, &local_error);
	if (!ok) {
		/* the other inputs were judged above: bad input left is the spec's */
		if (g_error_matches(local_error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT) ||
		    g_error_matches(local_error, HC_ERROR, HC_ERROR_UNKNOWN_FEATURE))
			g_prefix_error(&local_error,
				       "spec %s: ",
				       args[1] != NULL ? args[1] : "from the QEMU command line");
		g_propagate_error(error, g_steal_pointer(&local_error));
		return -1;
	}
	if (migration)
		where = g_strdup_printf(" from %s to %s",
					ctx->source_path != NULL ? ctx->source_path : here,
					ctx->target_path != NULL ? ctx->target_path : here);
	else
		where = g_strdup_printf(" on %s", here);
	return emit_report(ctx, migration ? "migration" : "bootable", where, report, error);
}

int
hc_ctl_verb_baseline(HcCtlContext *ctx, char **args, GError **error)
{
	g_autoptr(HcFleet) fleet = hc_fleet_new();
	g_autoptr(HcCatalogue) cat = hc_ctl_context_load_catalogue(ctx, error);
	g_autoptr(HcSpec) spec = NULL;
	g_autoptr(HcReport) report = NULL;
	g_autofree char *spec_text = NULL;
	g_autofree char *report_json = NULL;
	g_autofree char *where = NULL;
	gsize spec_len = 0;
	HcVerdict verdict;

	if (cat == NULL)
		return -1;
	for (guint i = 1; args[i] != NULL; i++) {
		if (!hc_fleet_add_path(fleet, args[i], error))
			return -1;
	}
	if (ctx->spec_path != NULL) {
		if (!hc_ctl_offline_read_input(ctx->spec_path,
					       HC_LIMIT_SPEC_BYTES,
					       &spec_text,
					       &spec_len,
					       error))
			return -1;
		spec = hc_spec_parse(cat, spec_text, spec_len, error);
		if (spec == NULL) {
			g_prefix_error(error, "spec %s: ", ctx->spec_path);
			return -1;
		}
	}
	report = hc_baseline_evaluate_fleet(cat, fleet, spec, &verdict, error);
	if (report == NULL)
		return -1;
	report_json = hc_report_to_json(report, verdict);
	if (hc_fleet_get_groups(fleet)->len < hc_fleet_get_n_hosts(fleet))
		where = g_strdup_printf(" (%u hosts, %u distinct)",
					hc_fleet_get_n_hosts(fleet),
					hc_fleet_get_groups(fleet)->len);
	else
		where = g_strdup_printf(" (%u hosts)", hc_fleet_get_n_hosts(fleet));
	return emit_report(ctx,
			   spec != NULL ? "baseline-spec" : "baseline",
			   where,
			   report_json,
			   error);
}
