/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The verb table of hostcapctl and the capability verbs (status, list, get, export,
 * refresh). Each verb reads its data through the context, so the same code serves the
 * daemon, a snapshot file and an in-process probe run.
 */
#include "hc-config.h"

#include <json-glib/json-glib.h>
#include <stdio.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-ctl-bus.h"
#include "hc-data-dirs.h"
#include "hc-ctl-offline.h"
#include "hc-ctl-output.h"
#include "hc-ctl.h"

/* ---- data, whatever the source ---- */

/* HcCapability*, owned, sorted by id */
static GPtrArray *
get_capabilities(HcCtlContext *ctx, const char *const *patterns, GError **error)
{
	g_autoptr(GPtrArray) borrowed = NULL;
	GPtrArray *caps;
	HcSnapshot *snap;

	if (!hc_ctl_context_is_offline(ctx)) {
		HcCtlBus *bus = hc_ctl_context_get_bus(ctx, error);
		if (bus == NULL)
			return NULL;
		return hc_ctl_bus_get_capabilities(bus, patterns, error);
	}
	snap = hc_ctl_context_get_snapshot(ctx, error);
	if (snap == NULL)
		return NULL;
	/* the daemon refuses a pattern that matches nothing: answer the same offline */
	for (guint i = 0; patterns != NULL && patterns[i] != NULL; i++) {
		const char *const one[] = {patterns[i], NULL};
		g_autoptr(GPtrArray) hits = hc_snapshot_list(snap, one);
		if (hits->len == 0) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_UNKNOWN_FEATURE,
				    "no capability matches '%s'",
				    patterns[i]);
			return NULL;
		}
	}
	borrowed = hc_snapshot_list(snap, patterns);
	caps = g_ptr_array_new_with_free_func((GDestroyNotify)hc_capability_free);
	for (guint i = 0; i < borrowed->len; i++)
		g_ptr_array_add(caps, hc_capability_copy(g_ptr_array_index(borrowed, i)));
	return caps;
}

/* State/Version/Generation/…: the daemon's properties, or what a snapshot says */
static gboolean
get_info(HcCtlContext *ctx, HcSnapshot *snap, HcCtlDaemonInfo *info, GError **error)
{
	if (!hc_ctl_context_is_offline(ctx)) {
		HcCtlBus *bus = hc_ctl_context_get_bus(ctx, error);
		return bus != NULL && hc_ctl_bus_get_info(bus, info, error);
	}
	info->state = g_strdup("offline");
	info->version = g_strdup(HC_VERSION);
	info->generation = hc_snapshot_get_generation(snap);
	info->fingerprint = g_strdup(hc_snapshot_get_fingerprint(snap));
	info->last_probe_usec = (guint64)hc_snapshot_get_generated_usec(snap);
	return TRUE;
}

static const char *
source_name(HcCtlContext *ctx)
{
	if (ctx->snapshot_path != NULL)
		return "snapshot";
	if (ctx->no_daemon)
		return "probe";
	return "daemon";
}

static const char *
source_description(HcCtlContext *ctx, char **free_me)
{
	if (ctx->snapshot_path != NULL)
		return *free_me = g_strdup_printf("snapshot file %s", ctx->snapshot_path);
	if (ctx->no_daemon)
		return "in-process probe run (--no-daemon)";
	if (ctx->address != NULL)
		return *free_me = g_strdup_printf("hostcapd on %s", ctx->address);
	return ctx->bus_kind == HC_CTL_BUS_SESSION ? "hostcapd on the session bus"
						   : "hostcapd on the system bus";
}

/* ---- status ---- */

static void
print_field(const char *key, const char *value)
{
	g_print("%14s: %s\n", key, value);
}

static JsonNode *
status_to_json(HcCtlContext *ctx, HcSnapshot *snap, const HcCtlDaemonInfo *info)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GPtrArray) probes = hc_snapshot_list_probes(snap);
	g_autoptr(GPtrArray) caps = hc_snapshot_list(snap, NULL);

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "source");
	json_builder_add_string_value(b, source_name(ctx));
	json_builder_set_member_name(b, "state");
	json_builder_add_string_value(b, info->state != NULL ? info->state : "");
	if (info->state_reason != NULL) {
		json_builder_set_member_name(b, "state_reason");
		json_builder_add_string_value(b, info->state_reason);
	}
	json_builder_set_member_name(b, "version");
	json_builder_add_string_value(b, info->version != NULL ? info->version : "");
	json_builder_set_member_name(b, "generation");
	json_builder_add_int_value(b, (gint64)info->generation);
	json_builder_set_member_name(b, "fingerprint");
	json_builder_add_string_value(b, info->fingerprint != NULL ? info->fingerprint : "");
	json_builder_set_member_name(b, "last_probe_usec");
	json_builder_add_int_value(b, (gint64)info->last_probe_usec);
	json_builder_set_member_name(b, "host");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "hostname");
	json_builder_add_string_value(b, hc_snapshot_get_hostname(snap));
	json_builder_set_member_name(b, "boot_id");
	json_builder_add_string_value(b, hc_snapshot_get_boot_id(snap));
	json_builder_set_member_name(b, "kernel");
	json_builder_add_string_value(b, hc_snapshot_get_kernel(snap));
	json_builder_set_member_name(b, "arch");
	json_builder_add_string_value(b, hc_snapshot_get_arch(snap));
	json_builder_end_object(b);
	json_builder_set_member_name(b, "counts");
	json_builder_begin_object(b);
	for (HcCapState s = 0; s < HC_CAP_STATE_LAST; s++) {
		json_builder_set_member_name(b, hc_cap_state_to_string(s));
		json_builder_add_int_value(b, hc_snapshot_count_state(snap, s));
	}
	json_builder_end_object(b);
	json_builder_set_member_name(b, "probes");
	json_builder_begin_array(b);
	for (guint i = 0; i < probes->len; i++) {
		const HcProbeRecord *rec = g_ptr_array_index(probes, i);
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "name");
		json_builder_add_string_value(b, rec->name);
		json_builder_set_member_name(b, "status");
		json_builder_add_string_value(b, hc_probe_status_to_string(rec->status));
		json_builder_set_member_name(b, "duration_usec");
		json_builder_add_int_value(b, rec->duration_usec);
		if (rec->error != NULL) {
			json_builder_set_member_name(b, "error");
			json_builder_add_string_value(b, rec->error);
		}
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "unknown");
	json_builder_begin_array(b);
	for (guint i = 0; i < caps->len; i++) {
		const HcCapability *cap = g_ptr_array_index(caps, i);
		if (cap->state == HC_CAP_STATE_UNKNOWN)
			json_builder_add_value(b, hc_ctl_capability_to_json(cap, TRUE));
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

static void
print_status_tables(HcCtlContext *ctx, HcSnapshot *snap)
{
	static const char *const probe_headers[] = {"PROBE", "STATUS", "DURATION", "ERROR", NULL};
	static const char *const unknown_headers[] = {"UNKNOWN", "REASON", NULL};
	g_autoptr(GPtrArray) probes = hc_snapshot_list_probes(snap);
	g_autoptr(GPtrArray) caps = hc_snapshot_list(snap, NULL);
	g_autoptr(HcCtlTable) pt = hc_ctl_table_new(probe_headers);
	g_autoptr(HcCtlTable) ut = hc_ctl_table_new(unknown_headers);

	for (guint i = 0; i < probes->len; i++) {
		const HcProbeRecord *rec = g_ptr_array_index(probes, i);
		g_autofree char *dur = hc_ctl_format_duration(rec->duration_usec);
		gboolean ok = rec->status == HC_PROBE_STATUS_OK;
		hc_ctl_table_add(pt, rec->name, NULL);
		hc_ctl_table_add(pt,
				 hc_probe_status_to_string(rec->status),
				 ok ? HC_CTL_ANSI_GREEN : HC_CTL_ANSI_RED);
		hc_ctl_table_add(pt, dur, NULL);
		hc_ctl_table_add(pt, rec->error, NULL);
	}
	for (guint i = 0; i < caps->len; i++) {
		const HcCapability *cap = g_ptr_array_index(caps, i);
		if (cap->state != HC_CAP_STATE_UNKNOWN)
			continue;
		hc_ctl_table_add(ut, cap->id, HC_CTL_ANSI_GREY);
		hc_ctl_table_add(ut, cap->reason, NULL);
	}
	if (hc_ctl_table_get_rows(pt) > 0) {
		g_print("\n");
		hc_ctl_table_print(pt, TRUE, ctx->colour, ctx->columns);
	}
	if (hc_ctl_table_get_rows(ut) > 0) {
		g_print("\n");
		hc_ctl_table_print(ut, TRUE, ctx->colour, ctx->columns);
	}
}

static int
verb_status(HcCtlContext *ctx, char **args, GError **error)
{
	g_auto(HcCtlDaemonInfo) info = {0};
	g_autofree char *free_me = NULL;
	g_autofree char *last = NULL;
	g_autofree char *ago = NULL;
	g_autofree char *when = NULL;
	g_autofree char *counts = NULL;
	g_autofree char *kernel = NULL;
	HcSnapshot *snap = hc_ctl_context_get_snapshot(ctx, error);

	if (snap == NULL || !get_info(ctx, snap, &info, error))
		return -1;
	if (ctx->json) {
		g_autoptr(JsonNode) node = status_to_json(ctx, snap, &info);
		hc_ctl_print_json(node);
		return HC_CTL_EXIT_YES;
	}
	last = hc_ctl_format_timestamp((gint64)info.last_probe_usec);
	ago = hc_ctl_format_ago((gint64)info.last_probe_usec, g_get_real_time());
	when = info.last_probe_usec > 0 ? g_strdup_printf("%s; %s", last, ago) : g_strdup("never");
	counts = g_strdup_printf("%u: %u supported, %u unsupported, %u disabled, %u unknown",
				 hc_snapshot_get_size(snap),
				 hc_snapshot_count_state(snap, HC_CAP_STATE_SUPPORTED),
				 hc_snapshot_count_state(snap, HC_CAP_STATE_UNSUPPORTED),
				 hc_snapshot_count_state(snap, HC_CAP_STATE_DISABLED),
				 hc_snapshot_count_state(snap, HC_CAP_STATE_UNKNOWN));
	kernel =
	    g_strdup_printf("%s (%s)", hc_snapshot_get_kernel(snap), hc_snapshot_get_arch(snap));
	print_field("Source", source_description(ctx, &free_me));
	if (info.state_reason != NULL && info.state_reason[0] != '\0') {
		g_autofree char *state = g_strdup_printf("%s: %s", info.state, info.state_reason);
		print_field("State", state);
	} else {
		print_field("State", info.state != NULL ? info.state : "");
	}
	print_field("Version", info.version != NULL ? info.version : "");
	g_print("%14s: %" G_GUINT64_FORMAT "\n", "Generation", info.generation);
	print_field("Fingerprint", info.fingerprint != NULL ? info.fingerprint : "");
	print_field("Last probe", when);
	print_field("Host", hc_snapshot_get_hostname(snap));
	print_field("Kernel", kernel);
	print_field("Boot ID", hc_snapshot_get_boot_id(snap));
	print_field("Capabilities", counts);
	print_status_tables(ctx, snap);
	return HC_CTL_EXIT_YES;
}

/* ---- list ---- */

static int
verb_list(HcCtlContext *ctx, char **args, GError **error)
{
	static const char *const headers[] = {"ID", "STATE", "VALUE", "REASON", NULL};
	const char *const *patterns = (const char *const *)args + 1;
	g_autoptr(GError) local_error = NULL;
	g_autoptr(GPtrArray) caps = get_capabilities(ctx, patterns, &local_error);
	g_autoptr(HcCtlTable) t = hc_ctl_table_new(headers);

	if (caps == NULL) {
		/* a prefix that matches nothing is an answer ("not here"), not a failure */
		if (g_error_matches(local_error, HC_ERROR, HC_ERROR_UNKNOWN_FEATURE)) {
			g_printerr("%s\n", local_error->message);
			return HC_CTL_EXIT_NO;
		}
		g_propagate_error(error, g_steal_pointer(&local_error));
		return -1;
	}
	if (ctx->json) {
		g_autoptr(JsonBuilder) b = json_builder_new();
		g_autoptr(JsonNode) root = NULL;
		json_builder_begin_object(b);
		for (guint i = 0; i < caps->len; i++) {
			const HcCapability *cap = g_ptr_array_index(caps, i);
			json_builder_set_member_name(b, cap->id);
			json_builder_add_value(b, hc_ctl_capability_to_json(cap, FALSE));
		}
		json_builder_end_object(b);
		root = json_builder_get_root(b);
		hc_ctl_print_json(root);
	} else {
		for (guint i = 0; i < caps->len; i++) {
			const HcCapability *cap = g_ptr_array_index(caps, i);
			g_autofree char *value = hc_capability_value_to_string(cap);
			hc_ctl_table_add(t, cap->id, NULL);
			hc_ctl_table_add(t,
					 hc_cap_state_to_string(cap->state),
					 hc_ctl_state_colour(cap->state));
			hc_ctl_table_add(t, value, NULL);
			hc_ctl_table_add(t, cap->reason, NULL);
		}
		if (caps->len > 0)
			hc_ctl_table_print(t, TRUE, ctx->colour, ctx->columns);
		if (ctx->columns > 0)
			g_print("\n%u capabilities listed.\n", caps->len);
	}
	return HC_CTL_EXIT_YES;
}

/* ---- get ---- */

static void
print_missing(HcCtlContext *ctx, const char *id)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) all = get_capabilities(ctx, NULL, &error);
	g_autoptr(GPtrArray) ids = g_ptr_array_new();
	g_autoptr(GPtrArray) best = NULL;
	g_autoptr(GString) msg = g_string_new(NULL);

	g_string_printf(msg, "no capability '%s'", id);
	for (guint i = 0; all != NULL && i < all->len; i++)
		g_ptr_array_add(ids, ((HcCapability *)g_ptr_array_index(all, i))->id);
	best = hc_ctl_did_you_mean(id, ids, 3);
	for (guint i = 0; i < best->len; i++) {
		g_string_append_printf(msg,
				       "%s'%s'",
				       i == 0 ? "; did you mean "
					      : (i + 1 == best->len ? " or " : ", "),
				       (const char *)g_ptr_array_index(best, i));
	}
	if (best->len > 0)
		g_string_append_c(msg, '?');
	g_printerr("%s\n", msg->str);
}

static int
verb_get(HcCtlContext *ctx, char **args, GError **error)
{
	const char *id = args[1];
	const char *const patterns[] = {id, NULL};
	g_autoptr(GError) local_error = NULL;
	g_autoptr(GPtrArray) caps = get_capabilities(ctx, patterns, &local_error);
	const HcCapability *cap = NULL;
	g_autofree char *value = NULL;

	if (caps == NULL && !g_error_matches(local_error, HC_ERROR, HC_ERROR_UNKNOWN_FEATURE)) {
		g_propagate_error(error, g_steal_pointer(&local_error));
		return -1;
	}
	/* the query matches dotted children too: keep the exact id */
	for (guint i = 0; caps != NULL && i < caps->len; i++) {
		const HcCapability *c = g_ptr_array_index(caps, i);
		if (g_strcmp0(c->id, id) == 0)
			cap = c;
	}
	if (cap == NULL && caps != NULL && caps->len > 0) {
		/* a family, not a capability: point at list */
		g_printerr(
		    "no capability '%s'; it is the prefix of %u capabilities: hostcapctl list "
		    "%s\n",
		    id,
		    caps->len,
		    id);
		return HC_CTL_EXIT_NO;
	}
	if (cap == NULL) {
		print_missing(ctx, id);
		return HC_CTL_EXIT_NO;
	}
	if (ctx->json) {
		g_autoptr(JsonNode) node = hc_ctl_capability_to_json(cap, TRUE);
		hc_ctl_print_json(node);
		return HC_CTL_EXIT_YES;
	}
	value = hc_capability_value_to_string(cap);
	print_field("Id", cap->id);
	if (ctx->colour)
		g_print("%14s: %s%s%s\n",
			"State",
			hc_ctl_state_colour(cap->state),
			hc_cap_state_to_string(cap->state),
			HC_CTL_ANSI_NORMAL);
	else
		print_field("State", hc_cap_state_to_string(cap->state));
	if (cap->value != NULL)
		print_field("Value", value);
	print_field("Reason", cap->reason != NULL ? cap->reason : "");
	if (cap->probe != NULL)
		print_field("Probe", cap->probe);
	return HC_CTL_EXIT_YES;
}

/* ---- refresh ---- */

static int
verb_refresh(HcCtlContext *ctx, char **args, GError **error)
{
	HcCtlBus *bus;
	guint64 generation = 0;

	if (hc_ctl_context_is_offline(ctx)) {
		g_set_error_literal(
		    error,
		    HC_CTL_ERROR,
		    HC_CTL_ERROR_USAGE,
		    "refresh asks the daemon to re-probe; it has no meaning with "
		    "--snapshot or --no-daemon (those probe or read afresh anyway)");
		return -1;
	}
	bus = hc_ctl_context_get_bus(ctx, error);
	if (bus == NULL ||
	    !hc_ctl_bus_refresh(bus, (const char *const *)args + 1, &generation, error))
		return -1;
	if (ctx->json)
		g_print("{\n  \"generation\" : %" G_GUINT64_FORMAT "\n}\n", generation);
	else
		g_print("Generation: %" G_GUINT64_FORMAT "\n", generation);
	return HC_CTL_EXIT_YES;
}

/* ---- the table ---- */

static const HcCtlVerb verbs[] = {
    {"status", 1, 1, TRUE, verb_status, "status", "Show the daemon, its probes and unknowns"},
    {"list", 1, G_MAXUINT, FALSE, verb_list, "list [ID-PREFIX…]", "List capabilities"},
    {"get", 2, 2, FALSE, verb_get, "get ID", "Show one capability"},
    {"export",
     1,
     1,
     FALSE,
     hc_ctl_verb_export,
     "export",
     "Print the snapshot JSON, Prometheus metrics or NFD labels (--format)",
     HC_CTL_OPT_OUTPUT | HC_CTL_OPT_FORMAT},
    {"refresh", 1, G_MAXUINT, FALSE, verb_refresh, "refresh [PROBE…]", "Re-run probes"},
    {"monitor",
     1,
     1,
     FALSE,
     hc_ctl_verb_monitor,
     "monitor",
     "Print capability and state changes live"},
    {"check",
     1,
     2,
     FALSE,
     hc_ctl_verb_check,
     "check INPUT | -- QEMU-ARGV…",
     "Is this VM (spec, domain XML, QEMU command line) bootable here / migratable (--target)?",
     HC_CTL_OPT_TARGET | HC_CTL_OPT_SOURCE},
    {"domcapabilities",
     1,
     1,
     FALSE,
     hc_ctl_verb_domcapabilities,
     "domcapabilities",
     "Machine types, platforms, CPU models that run here as asked",
     0},
    {"libvirt-hook",
     6,
     6,
     FALSE,
     hc_ctl_verb_libvirt_hook,
     "libvirt-hook CONFIG DOMAIN OP SUB EXTRA",
     "libvirt's QEMU hook: judge the domain XML on stdin (docs/libvirt.md)",
     0},
    {"baseline",
     2,
     G_MAXUINT,
     FALSE,
     hc_ctl_verb_baseline,
     "baseline SNAPSHOT|DIR|-…",
     "What a set of hosts has in common (--spec: pins)",
     HC_CTL_OPT_SPEC},
    {"migrations",
     3,
     G_MAXUINT,
     FALSE,
     hc_ctl_verb_migrations,
     "migrations SPEC SNAPSHOT|DIR|-…",
     "Which host pairs can migrate a VM, by groups of equal hosts"},
    {"diff",
     3,
     3,
     FALSE,
     hc_ctl_verb_diff,
     "diff A.json B.json",
     "Capability differences between two snapshots"},
    {"history",
     1,
     G_MAXUINT,
     FALSE,
     hc_ctl_verb_history,
     "history [ID-PREFIX…]",
     "Show recorded capability changes",
     HC_CTL_OPT_FILE},
};

/* the verb-only options, as --help and a refusal name them */
static const struct {
	HcCtlOption bit;
	const char *name;
	const char *usage;
	const char *help;
} verb_options[] = {
    {HC_CTL_OPT_OUTPUT, "--output", "-o --output FILE", "Write to FILE instead of stdout"},
    {HC_CTL_OPT_FORMAT, "--format", "   --format FORMAT", "json (default), prometheus or nfd"},
    {HC_CTL_OPT_FILE,
     "--file",
     "   --file FILE",
     "Read FILE instead of the daemon's history.jsonl"},
    {HC_CTL_OPT_TARGET,
     "--target",
     "   --target FILE",
     "Migration to the host of snapshot FILE (default: this host)"},
    {HC_CTL_OPT_SOURCE,
     "--source",
     "   --source FILE",
     "Migration from the host of snapshot FILE (default: this host, or --snapshot)"},
    {HC_CTL_OPT_SPEC, "--spec", "   --spec FILE", "Also find the pins that make FILE migrate"},
};

const HcCtlVerb *
hc_ctl_verbs_lookup(const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(verbs); i++) {
		if (g_strcmp0(verbs[i].name, name) == 0)
			return &verbs[i];
	}
	return NULL;
}

const HcCtlVerb *
hc_ctl_verbs_get_default(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(verbs); i++) {
		if (verbs[i].is_default)
			return &verbs[i];
	}
	return NULL;
}

void
hc_ctl_verbs_print_help(const char *prog)
{
	g_autofree char *defaults = hc_data_dirs_join(hc_data_dirs_default());

	g_print("%s [OPTIONS…] COMMAND …\n\n"
		"Query hostcapd, the host-capability daemon, or work offline on snapshot files.\n\n"
		"Commands:\n",
		prog);
	for (guint i = 0; i < G_N_ELEMENTS(verbs); i++) {
		/* pad by characters, not bytes: synopses hold "…" */
		glong pad = 33 - g_utf8_strlen(verbs[i].synopsis, -1);
		g_print("  %s%*s %s\n", verbs[i].synopsis, (int)MAX(pad, 0), "", verbs[i].help);
	}
	g_print("\nOptions:\n"
		"  -h --help                 Show this help\n"
		"     --version              Show the version\n"
		"     --json                 Machine output: one JSON document\n"
		"     --system               Talk to hostcapd on the system bus (default)\n"
		"     --session              Talk to hostcapd on the session bus\n"
		"     --address ADDR         Talk to hostcapd on a private bus\n"
		"     --no-daemon            Run the probes in-process instead of asking hostcapd\n"
		"     --sysroot DIR          With --no-daemon: probe DIR instead of / (also\n"
		"                            $HOSTCAPD_SYSROOT)\n"
		"     --snapshot FILE        Read a snapshot file instead of asking hostcapd\n"
		"     --data-dir DIR         Catalogue root (repeatable; default: the running\n"
		"                            daemon's, else %s)\n"
		"  -o --output FILE          export: write to FILE instead of stdout (atomically)\n"
		"     --format FORMAT        export: json (default), prometheus or nfd\n"
		"     --file FILE            history: read FILE instead of %s/history.jsonl\n"
		"     --target FILE          check: migration to the host of snapshot FILE\n"
		"     --source FILE          check: migration from the host of snapshot FILE\n"
		"                            (default: this host, or --snapshot)\n"
		"     --spec FILE            baseline: also find the pins that make FILE migrate\n"
		"\n%s COMMAND --help shows what one command takes.\n"
		"\nExit status:\n"
		"  0 success (verdict yes), 1 verdict no or not found, 2 verdict unknown,\n"
		"  3 bad input or usage, 4 daemon unreachable, 5 internal error\n",
		defaults,
		HC_STATEDIR,
		prog);
}

void
hc_ctl_verbs_print_verb_help(const char *prog, const HcCtlVerb *verb)
{
	g_print("%s [OPTIONS…] %s\n\n%s\n", prog, verb->synopsis, verb->help);
	if (verb->options != 0)
		g_print("\nOptions of %s:\n", verb->name);
	for (guint i = 0; i < G_N_ELEMENTS(verb_options); i++) {
		if (verb->options & verb_options[i].bit)
			g_print("  %-24s %s\n", verb_options[i].usage, verb_options[i].help);
	}
	g_print("\nThe common options (--json, --no-daemon, --snapshot, --address, …) and the exit "
		"status: %s --help\n",
		prog);
}

/* an option the verb would ignore is refused: the user meant something by it */
static gboolean
check_verb_options(HcCtlContext *ctx, const HcCtlVerb *verb, GError **error)
{
	for (guint i = 0; i < G_N_ELEMENTS(verb_options); i++) {
		if (!(ctx->options_given & verb_options[i].bit) ||
		    (verb->options & verb_options[i].bit))
			continue;
		g_set_error(error,
			    HC_CTL_ERROR,
			    HC_CTL_ERROR_USAGE,
			    "%s does not take %s; see %s %s --help",
			    verb->name,
			    verb_options[i].name,
			    g_get_prgname(),
			    verb->name);
		return FALSE;
	}
	return TRUE;
}

int
hc_ctl_verbs_dispatch(HcCtlContext *ctx, char **args, GError **error)
{
	const HcCtlVerb *verb;
	char *default_args[] = {NULL, NULL};
	guint n_args;

	if (args[0] == NULL) {
		verb = hc_ctl_verbs_get_default();
		default_args[0] = (char *)verb->name;
		args = default_args;
	} else {
		verb = hc_ctl_verbs_lookup(args[0]);
	}
	if (verb == NULL) {
		g_autoptr(GPtrArray) names = g_ptr_array_new();
		g_autoptr(GPtrArray) best = NULL;
		for (guint i = 0; i < G_N_ELEMENTS(verbs); i++)
			g_ptr_array_add(names, (gpointer)verbs[i].name);
		best = hc_ctl_did_you_mean(args[0], names, 1);
		if (best->len > 0)
			g_set_error(error,
				    HC_CTL_ERROR,
				    HC_CTL_ERROR_USAGE,
				    "unknown command '%s'; did you mean '%s'?",
				    args[0],
				    (const char *)g_ptr_array_index(best, 0));
		else
			g_set_error(error,
				    HC_CTL_ERROR,
				    HC_CTL_ERROR_USAGE,
				    "unknown command '%s'; see --help",
				    args[0]);
		return -1;
	}
	n_args = g_strv_length(args);
	if (n_args < verb->min_args || n_args > verb->max_args) {
		g_set_error(error,
			    HC_CTL_ERROR,
			    HC_CTL_ERROR_USAGE,
			    "%s: wrong number of arguments; usage: %s",
			    verb->name,
			    verb->synopsis);
		return -1;
	}
	if (!check_verb_options(ctx, verb, error))
		return -1;
	if (ctx->tail_argv != NULL && verb->run != hc_ctl_verb_check) {
		g_set_error(
		    error,
		    HC_CTL_ERROR,
		    HC_CTL_ERROR_USAGE,
		    "%s does not take arguments after '--' (only check takes a QEMU command "
		    "line there)",
		    verb->name);
		return -1;
	}
	return verb->run(ctx, args, error);
}
