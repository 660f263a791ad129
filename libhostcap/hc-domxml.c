/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt domain XML → VM spec (docs/libvirt.md). What libvirt does decides, not only what
 * the XML says: the domain type picks the accelerator, libvirt's own defaults (a RAM memory
 * backend, migratable host-passthrough) are applied, and what libvirt refuses before QEMU
 * runs is an error naming the element. Host-neutral elements are skipped on purpose;
 * anything else lands in "unevaluated" with its path. Nothing is dropped silently.
 */
#include "hc-domxml.h"

#include <string.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"
#include "hc-qemu-opts.h"
#include "hc-verdict.h"

/* ------------------------------------------------------------------ helpers */

void
hc_domxml_note(HcDomxml *ctx, HcXmlNode *node, const char *why)
{
	g_autofree char *path = hc_xml_path(node);
	g_ptr_array_add(ctx->unevaluated, g_strdup_printf("%s: %s", path, why));
}

void
hc_domxml_note_attr(HcDomxml *ctx, HcXmlNode *node, const char *attr, const char *why)
{
	g_autofree char *path = hc_xml_attr_path(node, attr);
	g_ptr_array_add(ctx->unevaluated, g_strdup_printf("%s: %s", path, why));
}

gboolean
hc_domxml_bad_attr(HcXmlNode *node, const char *attr, const char *what, GError **error)
{
	g_autofree char *path = hc_xml_attr_path(node, attr);
	const char *value = hc_xml_attr(node, attr);

	if (value == NULL)
		g_set_error(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT, "%s: %s", path, what);
	else
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: %s, got '%s'",
			    path,
			    what,
			    value);
	return FALSE;
}

gboolean
hc_domxml_bad(HcXmlNode *node, const char *what, GError **error)
{
	g_autofree char *path = hc_xml_path(node);
	g_set_error(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT, "%s: %s", path, what);
	return FALSE;
}

gboolean
hc_domxml_on_off(HcXmlNode *node,
		 const char *attr,
		 gboolean *present,
		 gboolean *out,
		 GError **error)
{
	const char *v = hc_xml_attr(node, attr);

	*present = v != NULL;
	if (v == NULL)
		return TRUE;
	if (g_strcmp0(v, "on") == 0 || g_strcmp0(v, "yes") == 0)
		*out = TRUE;
	else if (g_strcmp0(v, "off") == 0 || g_strcmp0(v, "no") == 0)
		*out = FALSE;
	else
		return hc_domxml_bad_attr(node, attr, "expected on or off", error);
	return TRUE;
}

gboolean
hc_domxml_uint_attr(HcXmlNode *node,
		    const char *attr,
		    gboolean *present,
		    guint64 *out,
		    GError **error)
{
	const char *v = hc_xml_attr(node, attr);
	guint base = 10;

	*present = v != NULL;
	if (v == NULL)
		return TRUE;
	if (g_str_has_prefix(v, "0x"))
		base = 16, v += 2;
	if (!g_ascii_string_to_unsigned(v, base, 0, G_MAXINT64, out, NULL))
		return hc_domxml_bad_attr(node, attr, "expected an unsigned integer", error);
	return TRUE;
}

/* libvirt's scaled integers (virScaleInteger): bytes and powers of 1000 or 1024 */
static const struct {
	const char *unit;
	guint64 scale;
} hc_domxml_units[] = {
    {"b", 1},
    {"bytes", 1},
    {"KB", 1000},
    {"k", 1024},
    {"KiB", 1024},
    {"MB", 1000 * 1000},
    {"M", 1024 * 1024},
    {"MiB", 1024 * 1024},
    {"GB", 1000 * 1000 * 1000},
    {"G", 1024 * 1024 * 1024},
    {"GiB", 1024 * 1024 * 1024},
    {"TB", G_GUINT64_CONSTANT(1000000000000)},
    {"T", G_GUINT64_CONSTANT(1) << 40},
    {"TiB", G_GUINT64_CONSTANT(1) << 40},
};

gboolean
hc_domxml_size(HcXmlNode *node, const char *default_unit, guint64 *bytes, GError **error)
{
	const char *unit = hc_xml_attr(node, "unit");
	guint64 n = 0, scale = 0;

	if (unit == NULL)
		unit = default_unit;
	for (guint i = 0; i < G_N_ELEMENTS(hc_domxml_units); i++) {
		/* libvirt accepts the single letters in either case */
		if (g_strcmp0(hc_domxml_units[i].unit, unit) == 0 ||
		    (strlen(unit) == 1 && g_ascii_strcasecmp(hc_domxml_units[i].unit, unit) == 0))
			scale = hc_domxml_units[i].scale;
	}
	if (scale == 0)
		return hc_domxml_bad_attr(node, "unit", "unknown unit", error);
	if (!g_ascii_string_to_unsigned(hc_xml_text(node), 10, 0, G_MAXUINT64 / scale, &n, NULL)) {
		g_autofree char *what =
		    g_strdup_printf("expected a size, got '%s'", hc_xml_text(node));
		return hc_domxml_bad(node, what, error);
	}
	*bytes = n * scale;
	return TRUE;
}

void
hc_domxml_set_bool(HcDomxml *ctx, const char *id, gboolean value, gboolean true_wins)
{
	if (true_wins && json_object_has_member(ctx->features, id) &&
	    json_object_get_boolean_member(ctx->features, id))
		return;
	json_object_set_boolean_member(ctx->features, id, value);
}

gboolean
hc_domxml_children(HcDomxml *ctx,
		   HcXmlNode *node,
		   const HcDomxmlElement *table,
		   guint n_table,
		   GError **error)
{
	for (guint i = 0; i < node->children->len; i++) {
		HcXmlNode *c = g_ptr_array_index(node->children, i);
		const HcDomxmlElement *e = NULL;
		for (guint j = 0; e == NULL && j < n_table; j++) {
			if (g_strcmp0(table[j].name, c->name) == 0)
				e = &table[j];
		}
		if (e == NULL)
			hc_domxml_note(ctx, c, "not judged");
		else if (e->handler != NULL && !e->handler(ctx, c, error))
			return FALSE;
	}
	return TRUE;
}

/* ------------------------------------------------------------------ <os>, <metadata> */

static gboolean
hc_domxml_os(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	static const char *const aliases[] = {"pc", "q35", NULL};
	HcXmlNode *type = hc_xml_child(node, "type");
	const char *arch = type != NULL ? hc_xml_attr(type, "arch") : NULL;
	const char *machine = type != NULL ? hc_xml_attr(type, "machine") : NULL;

	if (type == NULL || g_strcmp0(hc_xml_text(type), "hvm") != 0)
		return hc_domxml_bad(type != NULL ? type : node,
				     "expected <type>hvm</type>: QEMU domains are hvm",
				     error);
	if (arch != NULL && g_strcmp0(arch, "x86_64") != 0 && g_strcmp0(arch, "i686") != 0)
		hc_domxml_note_attr(ctx, type, "arch", "hostcapd judges x86 guests only");
	/* libvirt's default for x86 is the binary's default machine, the pc alias */
	g_free(ctx->machine);
	ctx->machine = g_strdup(machine != NULL ? machine : "pc");
	if (g_strv_contains(aliases, ctx->machine))
		g_ptr_array_add(ctx->unevaluated,
				g_strdup_printf("/domain/os/type/@machine: %s is an alias, libvirt "
						"resolves it to the QEMU binary's newest version",
						ctx->machine));
	return TRUE;
}

/* hostcapd:pin value: on/off/true/false as booleans, integers as numbers, else a string */
static void
hc_domxml_pin(HcDomxml *ctx, HcXmlNode *node)
{
	const char *feature = hc_xml_attr(node, "feature");
	const char *value = hc_xml_attr(node, "value");
	gint64 n;

	if (g_strcmp0(value, "on") == 0 || g_strcmp0(value, "true") == 0)
		json_object_set_boolean_member(ctx->pins, feature, TRUE);
	else if (g_strcmp0(value, "off") == 0 || g_strcmp0(value, "false") == 0)
		json_object_set_boolean_member(ctx->pins, feature, FALSE);
	else if (g_ascii_string_to_signed(value, 10, G_MININT64, G_MAXINT64, &n, NULL))
		json_object_set_int_member(ctx->pins, feature, n);
	else
		json_object_set_string_member(ctx->pins, feature, value);
}

/* elements of our namespace at any depth: a wrapper element is allowed */
static gboolean
hc_domxml_ours(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	const char *local = hc_xml_local_name(node);

	if (g_strcmp0(local, "platform") == 0) {
		if (hc_xml_attr(node, "name") == NULL || hc_xml_attr(node, "name")[0] == '\0')
			return hc_domxml_bad_attr(node,
						  "name",
						  "a platform name is required",
						  error);
		g_free(ctx->platform);
		ctx->platform = g_strdup(hc_xml_attr(node, "name"));
		return TRUE;
	}
	if (g_strcmp0(local, "pin") == 0) {
		if (hc_xml_attr(node, "feature") == NULL)
			return hc_domxml_bad_attr(node,
						  "feature",
						  "a feature id is required",
						  error);
		if (hc_xml_attr(node, "value") == NULL)
			return hc_domxml_bad_attr(node, "value", "a value is required", error);
		hc_domxml_pin(ctx, node);
		return TRUE;
	}
	for (guint i = 0; i < node->children->len; i++) {
		if (!hc_domxml_ours(ctx, g_ptr_array_index(node->children, i), error))
			return FALSE;
	}
	return TRUE;
}

/* other namespaces' metadata belongs to other tools */
static gboolean
hc_domxml_metadata(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	for (guint i = 0; i < node->children->len; i++) {
		HcXmlNode *c = g_ptr_array_index(node->children, i);
		if (g_strcmp0(hc_xml_namespace(c), HC_DOMXML_NAMESPACE) == 0 &&
		    !hc_domxml_ours(ctx, c, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
hc_domxml_qemu_commandline(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	hc_domxml_note(ctx, node, "extra QEMU arguments are not judged");
	return TRUE;
}

/* ------------------------------------------------------------------ <domain> */

static const HcDomxmlElement hc_domxml_top[] = {
    {"os", hc_domxml_os},
    {"metadata", hc_domxml_metadata},
    {"memory", hc_domxml_memory},
    {"vcpu", hc_domxml_vcpu},
    {"memoryBacking", hc_domxml_memory_backing},
    {"launchSecurity", hc_domxml_launch_security},
    {"cpu", hc_domxml_cpu},
    {"features", hc_domxml_features},
    {"clock", hc_domxml_clock},
    {"devices", hc_domxml_devices},
    {"qemu:commandline", hc_domxml_qemu_commandline},
    /* host-neutral: identity, lifecycle, tuning that QEMU or libvirt applies alone */
    {"name", NULL},
    {"uuid", NULL},
    {"genid", NULL},
    {"title", NULL},
    {"description", NULL},
    {"currentMemory", NULL},
    {"maxMemory", NULL},
    {"vcpus", NULL},
    {"iothreads", NULL},
    {"iothreadids", NULL},
    {"cputune", NULL},
    {"blkiotune", NULL},
    {"memtune", NULL},
    {"resource", NULL},
    {"sysinfo", NULL},
    {"idmap", NULL},
    {"on_poweroff", NULL},
    {"on_reboot", NULL},
    {"on_crash", NULL},
    {"on_lockfailure", NULL},
    {"pm", NULL},
    {"perf", NULL},
    {"seclabel", NULL},
    {"keywrap", NULL},
    {"throttlegroups", NULL},
};

static gboolean
hc_domxml_domain(HcDomxml *ctx, HcXmlNode *root, GError **error)
{
	const char *type = hc_xml_attr(root, "type");

	if (g_strcmp0(root->name, "domain") != 0) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "/%s: expected a <domain> element",
			    root->name);
		return FALSE;
	}
	/* libvirt's QEMU driver runs type kvm with KVM and type qemu with TCG, no fallback */
	if (g_strcmp0(type, "kvm") == 0)
		ctx->kvm = TRUE;
	else if (g_strcmp0(type, "qemu") != 0)
		return hc_domxml_bad_attr(root, "type", "expected kvm or qemu", error);
	if (hc_xml_child(root, "os") == NULL)
		return hc_domxml_bad(root, "an <os> element is required", error);
	if (hc_xml_child(root, "memory") == NULL && hc_xml_child(root, "maxMemory") == NULL)
		return hc_domxml_bad(root, "a <memory> element is required", error);
	json_object_set_boolean_member(ctx->features, "accel.kvm", ctx->kvm);
	/* libvirt backs guest RAM with a memory-backend-ram object unless told otherwise */
	json_object_set_string_member(ctx->features, "memory.backend", "ram");
	if (!hc_domxml_children(ctx, root, hc_domxml_top, G_N_ELEMENTS(hc_domxml_top), error))
		return FALSE;
	/* no model named: libvirt asks QEMU for qemu64 (-cpu qemu64) */
	if (!ctx->host_model && !json_object_has_member(ctx->features, "cpu.model"))
		json_object_set_string_member(ctx->features, "cpu.model", "qemu64");
	return TRUE;
}

static char *
hc_domxml_json(HcDomxml *ctx)
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

char *
hc_domxml_to_spec(const char *xml, gsize len, GError **error)
{
	g_autoptr(HcXmlNode) root = NULL;
	HcDomxml ctx = {0};
	char *json = NULL;

	g_return_val_if_fail(error == NULL || *error == NULL, NULL);
	if (len > HC_LIMIT_INPUT_BYTES) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "domain XML: %" G_GSIZE_FORMAT " bytes, at most %d allowed",
			    len,
			    HC_LIMIT_INPUT_BYTES);
		return NULL;
	}
	root = hc_xml_parse(xml, len, error);
	if (root == NULL)
		return NULL;
	ctx.features = json_object_new();
	ctx.unevaluated = g_ptr_array_new_with_free_func(g_free);
	ctx.pins = json_object_new();
	if (hc_domxml_domain(&ctx, root, error)) {
		/* pins win over whatever the rest of the XML asked for */
		g_autoptr(GList) pins = json_object_get_members(ctx.pins);
		for (GList *l = pins; l != NULL; l = l->next)
			json_object_set_member(
			    ctx.features,
			    l->data,
			    json_node_copy(json_object_get_member(ctx.pins, l->data)));
		json = hc_domxml_json(&ctx);
	}
	json_object_unref(ctx.features);
	json_object_unref(ctx.pins);
	g_ptr_array_unref(ctx.unevaluated);
	g_free(ctx.machine);
	g_free(ctx.platform);
	return json;
}
