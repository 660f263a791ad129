/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QEMU command line → VM spec (DESIGN §6, docs/qemu-import.md).
 *
 * Only options and properties whose outcome depends on the host become features. Options
 * known to be host-neutral (-name, -display, -serial …) are skipped on purpose; anything
 * else lands in "unevaluated" with its text, so a verdict can say what it did not judge.
 * Nothing is dropped silently.
 */
#include "hc-qemu-argv.h"

#include <string.h>

#include "hostcap/hc-dbus.h"

#include "hc-json-reader.h"

#include "hostcap/hc-error.h"
#include "hc-verdict.h"

static void
hc_argv_clear(HcArgv *ctx)
{
	g_clear_pointer(&ctx->features, json_object_unref);
	g_clear_pointer(&ctx->unevaluated, g_ptr_array_unref);
	g_clear_pointer(&ctx->accels, g_ptr_array_unref);
	g_clear_pointer(&ctx->backends, g_hash_table_unref);
	g_clear_pointer(&ctx->cgs_types, g_hash_table_unref);
	g_free(ctx->machine);
	g_free(ctx->platform);
	g_free(ctx->ram_backend);
	g_free(ctx->cgs);
	g_free(ctx->sev_es_object);
}

void
hc_argv_unevaluated(HcArgv *ctx, const char *item)
{
	if (item == NULL)
		g_ptr_array_add(ctx->unevaluated, g_strdup_printf("%s %s", ctx->opt, ctx->arg));
	else
		g_ptr_array_add(ctx->unevaluated, g_strdup_printf("%s …,%s", ctx->opt, item));
}

void
hc_argv_unevaluated_why(HcArgv *ctx, const char *why)
{
	g_ptr_array_add(ctx->unevaluated, g_strdup_printf("%s %s (%s)", ctx->opt, ctx->arg, why));
}

void
hc_argv_unevaluated_opt(HcArgv *ctx, const HcQemuOpt *o)
{
	g_autofree char *item = o->key != NULL ? g_strdup_printf("%s=%s", o->key, o->value)
					       : g_strdup(o->value);
	hc_argv_unevaluated(ctx, item);
}

/* a bool requested by several devices: "on" anywhere is what the host must provide */
void
hc_argv_set_bool(HcArgv *ctx, const char *id, gboolean value, gboolean true_wins)
{
	if (true_wins && json_object_has_member(ctx->features, id) &&
	    json_object_get_boolean_member(ctx->features, id))
		return;
	json_object_set_boolean_member(ctx->features, id, value);
}

gboolean
hc_argv_bad(HcArgv *ctx, GError **error, const char *what, const char *value)
{
	g_set_error(error,
		    HC_ERROR,
		    HC_ERROR_INVALID_ARGUMENT,
		    "%s %s: %s '%s'",
		    ctx->opt,
		    ctx->arg,
		    what,
		    value);
	return FALSE;
}

gboolean
hc_argv_bool(HcArgv *ctx, const HcQemuOpt *o, gboolean *out, GError **error)
{
	if (o->key == NULL) { /* "key" alone is QEMU's shorthand for key=on */
		*out = TRUE;
		return TRUE;
	}
	if (!hc_qemu_parse_bool(o->value, out))
		return hc_argv_bad(ctx, error, "expected on or off for", o->key);
	return TRUE;
}

gboolean
hc_argv_on_off_auto(HcArgv *ctx, const HcQemuOpt *o, const char *id, GError **error)
{
	gboolean b;

	if (g_strcmp0(o->value, "auto") == 0) {
		json_object_set_string_member(ctx->features, id, "auto");
		return TRUE;
	}
	if (!hc_argv_bool(ctx, o, &b, error))
		return FALSE;
	json_object_set_string_member(ctx->features, id, b ? "on" : "off");
	return TRUE;
}

gboolean
hc_argv_uint(HcArgv *ctx, const HcQemuOpt *o, guint64 *out, GError **error)
{
	if (!g_ascii_string_to_unsigned(o->value, 10, 0, G_MAXINT64, out, NULL))
		return hc_argv_bad(ctx, error, "expected a number for", o->key);
	return TRUE;
}

gboolean
hc_argv_str_in(const char *s, const char *const *list)
{
	return s != NULL && g_strv_contains(list, s);
}

/* the first bare item is the option's implied key (machine type, driver, object type) */
const char *
hc_argv_get(GPtrArray *opts, const char *key)
{
	for (guint i = 0; i < opts->len; i++) {
		HcQemuOpt *o = g_ptr_array_index(opts, i);
		if (g_strcmp0(o->key, key) == 0)
			return o->value;
	}
	return NULL;
}

const char *
hc_argv_implied(GPtrArray *opts, const char *key)
{
	for (guint i = 0; i < opts->len; i++) {
		HcQemuOpt *o = g_ptr_array_index(opts, i);
		if (o->key == NULL && i == 0)
			return o->value;
		if (g_strcmp0(o->key, key) == 0)
			return o->value;
	}
	return NULL;
}

gboolean
hc_argv_is_implied(GPtrArray *opts, guint i, const char *key)
{
	HcQemuOpt *o = g_ptr_array_index(opts, i);
	return (o->key == NULL && i == 0) || g_strcmp0(o->key, key) == 0;
}

static gboolean
hc_argv_simple(HcArgv *ctx, GPtrArray *opts, GError **error)
{
	if (g_strcmp0(ctx->opt, "-incoming") == 0) {
		/* recorded: a migration destination needs nothing more of its host */
		hc_argv_set_bool(ctx, "migration.incoming", TRUE, TRUE);
		return TRUE;
	} else if (g_strcmp0(ctx->opt, "-platform") == 0) {
		g_free(ctx->platform);
		ctx->platform = g_strdup(ctx->arg);
	} else if (g_strcmp0(ctx->opt, "-mem-path") == 0) {
		hc_argv_mem_path(ctx, ctx->arg);
	} else if (g_strcmp0(ctx->opt, "-mem-prealloc") == 0) {
		hc_argv_set_bool(ctx, "memory.prealloc", TRUE, FALSE);
	} else if (g_strcmp0(ctx->opt, "-enable-kvm") == 0) {
		g_ptr_array_add(ctx->accels, g_strdup("kvm"));
	}
	return TRUE;
}

/* ------------------------------------------------------------------ the option table */

typedef gboolean (*HcArgvHandler)(HcArgv *ctx, GPtrArray *opts, GError **error);

typedef struct {
	const char *name;
	gboolean has_arg;
	HcArgvHandler handler; /* NULL: understood, and independent of the host */
} HcArgvOption;

static const HcArgvOption hc_argv_options[] = {
    {"machine", TRUE, hc_argv_machine},
    {"M", TRUE, hc_argv_machine},
    {"accel", TRUE, hc_argv_accel},
    {"enable-kvm", FALSE, hc_argv_simple},
    {"cpu", TRUE, hc_argv_cpu},
    {"smp", TRUE, hc_argv_smp},
    {"m", TRUE, hc_argv_memory},
    {"object", TRUE, hc_argv_object},
    {"mem-path", TRUE, hc_argv_simple},
    {"mem-prealloc", FALSE, hc_argv_simple},
    {"netdev", TRUE, hc_argv_netdev},
    {"device", TRUE, hc_argv_device},
    {"global", TRUE, hc_argv_global},
    {"drive", TRUE, hc_argv_drive},
    {"blockdev", TRUE, hc_argv_blockdev},
    {"incoming", TRUE, hc_argv_simple},
    {"overcommit", TRUE, hc_argv_overcommit},
    {"platform", TRUE, hc_argv_simple},
    /* host-neutral: naming, display, consoles, monitors, firmware, boot, guest disks */
    {"name", TRUE, NULL},
    {"uuid", TRUE, NULL},
    {"display", TRUE, NULL},
    {"vga", TRUE, NULL},
    {"vnc", TRUE, NULL},
    {"spice", TRUE, NULL},
    {"serial", TRUE, NULL},
    {"parallel", TRUE, NULL},
    {"monitor", TRUE, NULL},
    {"qmp", TRUE, NULL},
    {"qmp-pretty", TRUE, NULL},
    {"mon", TRUE, NULL},
    {"chardev", TRUE, NULL},
    {"pidfile", TRUE, NULL},
    {"boot", TRUE, NULL},
    {"kernel", TRUE, NULL},
    {"initrd", TRUE, NULL},
    {"append", TRUE, NULL},
    {"dtb", TRUE, NULL},
    {"bios", TRUE, NULL},
    {"L", TRUE, NULL},
    {"rtc", TRUE, NULL},
    {"D", TRUE, NULL},
    {"d", TRUE, NULL},
    {"k", TRUE, NULL},
    {"smbios", TRUE, NULL},
    {"fw_cfg", TRUE, NULL},
    {"numa", TRUE, NULL},
    {"msg", TRUE, NULL},
    {"trace", TRUE, NULL},
    {"action", TRUE, NULL},
    {"watchdog-action", TRUE, NULL},
    {"audiodev", TRUE, NULL},
    {"cdrom", TRUE, NULL},
    {"hda", TRUE, NULL},
    {"hdb", TRUE, NULL},
    {"hdc", TRUE, NULL},
    {"hdd", TRUE, NULL},
    {"fda", TRUE, NULL},
    {"fdb", TRUE, NULL},
    {"S", FALSE, NULL},
    {"nographic", FALSE, NULL},
    {"nodefaults", FALSE, NULL},
    {"no-user-config", FALSE, NULL},
    {"daemonize", FALSE, NULL},
    {"no-reboot", FALSE, NULL},
    {"no-shutdown", FALSE, NULL},
    {"snapshot", FALSE, NULL},
    {"no-hpet", FALSE, NULL},
    {"full-screen", FALSE, NULL},
    {"s", FALSE, NULL},
    /* what libvirt adds to every command line */
    {"sandbox", TRUE, NULL},
    {"no-acpi", FALSE, NULL},
};

static const HcArgvOption *
hc_argv_lookup(const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(hc_argv_options); i++) {
		if (g_strcmp0(hc_argv_options[i].name, name) == 0)
			return &hc_argv_options[i];
	}
	return NULL;
}

/* QEMU's JSON option form (-device {"driver":…}): members as key=value items */
static GPtrArray *
hc_argv_json_opts(const char *arg)
{
	g_autoptr(GPtrArray) opts =
	    g_ptr_array_new_with_free_func((GDestroyNotify)hc_qemu_opt_free);
	g_autoptr(JsonNode) root = hc_json_reader_parse(arg,
							strlen(arg),
							HC_LIMIT_SNAPSHOT_BYTES,
							HC_LIMIT_NESTING,
							HC_JSON_READER_NONE,
							NULL);
	JsonObject *obj;
	g_autoptr(GList) members = NULL;

	if (root == NULL)
		return NULL;
	obj = json_node_get_object(root);
	members = json_object_get_members(obj);
	for (GList *l = members; l != NULL; l = l->next) {
		JsonNode *node = json_object_get_member(obj, l->data);
		HcQemuOpt *o = g_new0(HcQemuOpt, 1);
		o->key = g_strdup(l->data);
		if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_BOOLEAN)
			o->value = g_strdup(json_node_get_boolean(node) ? "on" : "off");
		else if (JSON_NODE_HOLDS_VALUE(node) &&
			 json_node_get_value_type(node) == G_TYPE_INT64)
			o->value = g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(node));
		else if (JSON_NODE_HOLDS_VALUE(node) &&
			 json_node_get_value_type(node) == G_TYPE_STRING)
			o->value = g_strdup(json_node_get_string(node));
		else
			o->value = json_to_string(node, FALSE);
		g_ptr_array_add(opts, o);
	}
	return g_steal_pointer(&opts);
}

/* one option of the command line; advances *i past the argument it takes */
static gboolean
hc_argv_option(HcArgv *ctx, const char *const *argv, guint *i, GError **error)
{
	const char *word = argv[*i];
	const char *name = word + (g_str_has_prefix(word, "--") ? 2 : 1);
	const HcArgvOption *opt = hc_argv_lookup(name);
	g_autoptr(GPtrArray) opts = NULL;

	ctx->opt = word;
	ctx->arg = "";
	if (opt == NULL) {
		/* not ours: keep it with its argument when the next word looks like one */
		if (argv[*i + 1] != NULL && argv[*i + 1][0] != '-')
			ctx->arg = argv[++*i];
		g_ptr_array_add(ctx->unevaluated,
				g_strstrip(g_strdup_printf("%s %s", word, ctx->arg)));
		return TRUE;
	}
	if (opt->has_arg) {
		if (argv[*i + 1] == NULL) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "%s: missing argument",
				    word);
			return FALSE;
		}
		ctx->arg = argv[++*i];
	}
	if (opt->handler == NULL)
		return TRUE;
	if (ctx->arg[0] == '{' && g_strcmp0(name, "blockdev") != 0)
		opts = hc_argv_json_opts(ctx->arg);
	else
		opts = hc_qemu_opts_split(ctx->arg);
	if (opts == NULL)
		return hc_argv_bad(ctx, error, "invalid JSON in", word);
	/* QEMU's shorthand: a bare item after the first is "item=on" (-cpu has its own rules) */
	for (guint j = 1; j < opts->len && g_strcmp0(name, "cpu") != 0; j++) {
		HcQemuOpt *o = g_ptr_array_index(opts, j);
		if (o->key == NULL) {
			o->key = g_steal_pointer(&o->value);
			o->value = g_strdup("on");
		}
	}
	return opt->handler(ctx, opts, error);
}

/* what only the whole command line decides: accelerator order, references by id */
static void
hc_argv_finish(HcArgv *ctx)
{
	static const char *const aliases[] = {"pc", "q35", NULL};
	const char *cgs_feature = ctx->cgs != NULL ? g_hash_table_lookup(ctx->cgs_types, ctx->cgs)
						   : NULL;

	if (ctx->accels->len > 0) {
		const char *first = g_ptr_array_index(ctx->accels, 0);
		const char *next = ctx->accels->len > 1 ? g_ptr_array_index(ctx->accels, 1) : NULL;
		hc_argv_set_bool(ctx, "accel.kvm", g_strcmp0(first, "kvm") == 0, FALSE);
		/* QEMU tries each in turn: kvm:tcg starts under TCG where KVM cannot be used */
		if (g_strcmp0(first, "kvm") == 0 && g_strcmp0(next, "tcg") == 0)
			hc_argv_set_bool(ctx, "accel.tcg_fallback", TRUE, FALSE);
		else if (g_strcmp0(first, "kvm") == 0 && next != NULL)
			g_ptr_array_add(
			    ctx->unevaluated,
			    g_strdup_printf("accelerator fallback after kvm: %s", next));
	}
	if (ctx->machine == NULL)
		ctx->machine = g_strdup("pc"); /* QEMU's default machine on x86 */
	if (hc_argv_str_in(ctx->machine, aliases))
		g_ptr_array_add(ctx->unevaluated,
				g_strdup_printf("-machine %s: an alias, the version it resolves to "
						"depends on the QEMU binary",
						ctx->machine));
	if (ctx->cgs != NULL && cgs_feature == NULL)
		g_ptr_array_add(
		    ctx->unevaluated,
		    g_strdup_printf("-machine confidential-guest-support=%s: no such object",
				    ctx->cgs));
	if (cgs_feature != NULL)
		hc_argv_set_bool(ctx, cgs_feature, TRUE, FALSE);
	if (cgs_feature != NULL && g_strcmp0(ctx->cgs, ctx->sev_es_object) == 0)
		hc_argv_set_bool(ctx, "confidential.sev-es", TRUE, FALSE);
	if (ctx->ram_backend != NULL && !json_object_has_member(ctx->features, "memory.size_mib")) {
		guint64 *size = g_hash_table_lookup(ctx->backends, ctx->ram_backend);
		if (size != NULL && *size > 0)
			hc_argv_set_mib(ctx, *size);
	}
}

static char *
hc_argv_to_json(HcArgv *ctx)
{
	g_autoptr(JsonBuilder) b = json_builder_new_immutable();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "machine");
	json_builder_add_string_value(b, ctx->machine);
	if (ctx->platform != NULL) {
		json_builder_set_member_name(b, "platform");
		json_builder_add_string_value(b, ctx->platform);
	}
	json_builder_set_member_name(b, "features");
	json_builder_add_value(b, json_node_init_object(json_node_alloc(), ctx->features));
	json_builder_set_member_name(b, "unevaluated");
	json_builder_begin_array(b);
	for (guint i = 0; i < ctx->unevaluated->len; i++)
		json_builder_add_string_value(b, g_ptr_array_index(ctx->unevaluated, i));
	json_builder_end_array(b);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	return json_generator_to_data(gen, NULL);
}

/* NAME=value words before the binary: the environment libvirt's logs and
 * domxml-to-native put in front of the command line */
static gboolean
hc_argv_is_env_assignment(const char *word)
{
	const char *eq = strchr(word, '=');

	if (eq == NULL || eq == word || g_ascii_isdigit(word[0]))
		return FALSE;
	for (const char *p = word; p < eq; p++) {
		if (!g_ascii_isalnum(*p) && *p != '_')
			return FALSE;
	}
	return TRUE;
}

/* QEMU system emulators this host type can run: an x86 host judges x86 guests only */
static const char *const hc_argv_x86_targets[] = {"x86_64", "i386", NULL};

/* the binary is the first word that is not an environment assignment; an option there means
 * the binary was left out, a qemu-system-<arch> of another arch is not judged at all */
static gboolean
hc_argv_check_program(const char *const *argv, guint *program, GError **error)
{
	g_autofree char *base = NULL;
	guint i = 0;

	while (argv[i] != NULL && hc_argv_is_env_assignment(argv[i]))
		i++;
	if (argv[i] == NULL || argv[i][0] == '-') {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s%s%s: the command line starts with the QEMU binary "
			    "(qemu-system-x86_64 …), not with an option",
			    argv[i] != NULL ? "'" : "",
			    argv[i] != NULL ? argv[i] : "no QEMU binary after the environment",
			    argv[i] != NULL ? "'" : "");
		return FALSE;
	}
	base = g_path_get_basename(argv[i]);
	if (g_str_has_prefix(base, "qemu-system-") &&
	    !hc_argv_str_in(base + strlen("qemu-system-"), hc_argv_x86_targets)) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: only x86_64 hosts and QEMU's x86 targets (qemu-system-x86_64, "
			    "qemu-system-i386) are supported",
			    base);
		return FALSE;
	}
	*program = i;
	return TRUE;
}

char *
hc_qemu_argv_to_spec(HcCatalogue *cat, const char *const *argv, GError **error)
{
	HcArgv ctx = {.cat = cat};
	char *json = NULL;
	guint program = 0;

	g_return_val_if_fail(error == NULL || *error == NULL, NULL);
	if (argv == NULL || argv[0] == NULL) {
		g_set_error_literal(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "empty command line: expected the QEMU binary and its options");
		return NULL;
	}
	/* a spec is JSON text: refuse bytes that would not survive the trip */
	for (guint i = 0; argv[i] != NULL; i++) {
		if (!g_utf8_validate(argv[i], -1, NULL)) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "argument %u is not valid UTF-8",
				    i);
			return NULL;
		}
	}
	if (!hc_argv_check_program(argv, &program, error))
		return NULL;
	ctx.features = json_object_new();
	ctx.unevaluated = g_ptr_array_new_with_free_func(g_free);
	ctx.accels = g_ptr_array_new_with_free_func(g_free);
	ctx.backends = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	ctx.cgs_types = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (guint i = program + 1; argv[i] != NULL; i++) {
		if (argv[i][0] != '-' || argv[i][1] == '\0') {
			/* a bare word is QEMU's first disk image: no host feature */
			continue;
		}
		if (!hc_argv_option(&ctx, argv, &i, error)) {
			hc_argv_clear(&ctx);
			return NULL;
		}
	}
	hc_argv_finish(&ctx);
	json = hc_argv_to_json(&ctx);
	hc_argv_clear(&ctx);
	return json;
}
