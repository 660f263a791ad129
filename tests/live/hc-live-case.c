/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* live cases generated from the catalogue: families, modelled hosts, specs and pins */
#include "hc-live-case.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "hostcap/hc-error.h"

void
hc_live_family_free(HcLiveFamily *fam)
{
	g_free(fam->name);
	g_ptr_array_unref(fam->features);
	g_ptr_array_unref(fam->props);
	g_ptr_array_unref(fam->capabilities);
	g_free(fam);
}

/* the version after "<family>-" of a machine name of @family, or NULL */
static const char *
machine_version(const char *name, const char *family)
{
	gsize n = strlen(family);

	if (strncmp(name, family, n) != 0 || name[n] != '-' || !g_ascii_isdigit(name[n + 1]))
		return NULL;
	return name + n + 1;
}

/* the oldest (@newest FALSE) or newest version of @machine's family */
static char *
machine_edge(HcCatalogue *cat, const char *machine, gboolean newest, GError **error)
{
	const char *version = NULL;
	const HcMachineFamily *fam = hc_catalogue_resolve_machine(cat, machine, &version);
	g_autoptr(GPtrArray) names = hc_catalogue_get_machine_names(cat);
	const char *best = NULL;

	if (fam == NULL) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_UNKNOWN_FEATURE,
			    "the catalogue does not know the machine type %s",
			    machine);
		return NULL;
	}
	for (guint i = 0; i < names->len; i++) {
		const char *v = machine_version(g_ptr_array_index(names, i), fam->family);
		int cmp = 0;

		if (v == NULL)
			continue;
		if (best == NULL ||
		    (hc_version_compare(v, best, &cmp) && (newest ? cmp > 0 : cmp < 0)))
			best = v;
	}
	return g_strdup_printf("%s-%s", fam->family, best != NULL ? best : version);
}

char *
hc_live_newest_machine(HcCatalogue *cat, const char *machine, GError **error)
{
	return machine_edge(cat, machine, TRUE, error);
}

static gboolean
default_is_on(GArray *defaults, const char *feature)
{
	for (guint i = 0; i < defaults->len; i++) {
		const HcDefaultValue *d = &g_array_index(defaults, HcDefaultValue, i);

		if (g_str_equal(d->feature, feature))
			return JSON_NODE_HOLDS_VALUE(d->value) &&
			       json_node_get_value_type(d->value) == G_TYPE_BOOLEAN &&
			       json_node_get_boolean(d->value);
	}
	return FALSE;
}

/* a silent-off guest-ABI virtio-net-pci feature @now turns on and @old does not */
static gboolean
is_machine_introduced(const HcFeatureDef *def, GArray *now, GArray *old)
{
	return def != NULL && def->on_missing == HC_ON_MISSING_SILENT_OFF && def->abi &&
	       def->qemu != NULL && g_str_has_prefix(def->qemu, HC_LIVE_DEVICE) &&
	       default_is_on(now, def->id) && !default_is_on(old, def->id);
}

static void
add_unique(GPtrArray *array, const char *s)
{
	if (!g_ptr_array_find_with_equal_func(array, s, g_str_equal, NULL))
		g_ptr_array_add(array, g_strdup(s));
}

static HcLiveFamily *
family_new(HcCatalogue *cat, const HcFeatureDef *def)
{
	HcLiveFamily *fam = g_new0(HcLiveFamily, 1);
	g_autoptr(GPtrArray) members = NULL;
	gboolean tap = FALSE;

	fam->name = g_strdup(def->group != NULL ? def->group : def->id);
	fam->features = g_ptr_array_new_with_free_func(g_free);
	fam->props = g_ptr_array_new_with_free_func(g_free);
	fam->capabilities = g_ptr_array_new_with_free_func(g_free);
	if (def->group != NULL)
		members = hc_catalogue_get_group(cat, def->group);
	for (guint i = 0; i < (members != NULL ? members->len : 1); i++) {
		const char *id = members != NULL ? g_ptr_array_index(members, i) : def->id;
		const HcFeatureDef *m = hc_catalogue_lookup_feature(cat, id);
		g_autoptr(GPtrArray) caps = NULL;

		add_unique(fam->features, id);
		g_ptr_array_add(fam->props, g_strdup_printf("%s=off", hc_feature_property(m, id)));
		if (m->requires_expr == NULL)
			continue;
		caps = hc_expr_get_capability_ids(m->requires_expr);
		for (guint c = 0; c < caps->len; c++) {
			add_unique(fam->capabilities, g_ptr_array_index(caps, c));
			tap |= g_str_has_prefix(g_ptr_array_index(caps, c), "net.tap.");
		}
	}
	/* the rig's NIC is a tap without vhost: a family no tap capability decides (vhost-net
	 * ring reset) cannot differ between two such hosts */
	if (!tap) {
		hc_live_family_free(fam);
		return NULL;
	}
	return fam;
}

static gint
family_cmp(gconstpointer a, gconstpointer b)
{
	const HcLiveFamily *fa = *(HcLiveFamily *const *)a;
	const HcLiveFamily *fb = *(HcLiveFamily *const *)b;
	return strcmp(fa->name, fb->name);
}

GPtrArray *
hc_live_families(HcCatalogue *cat, const char *machine, GError **error)
{
	g_autofree char *oldest = machine_edge(cat, machine, FALSE, error);
	g_autoptr(GArray) now = NULL;
	g_autoptr(GArray) old = NULL;
	g_autoptr(GPtrArray) features = NULL;
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)hc_live_family_free);

	if (oldest == NULL) {
		g_ptr_array_unref(out);
		return NULL;
	}
	now = hc_catalogue_get_machine_defaults(cat, machine);
	old = hc_catalogue_get_machine_defaults(cat, oldest);
	features = hc_catalogue_list_features(cat);
	for (guint i = 0; i < features->len; i++) {
		const HcFeatureDef *def = g_ptr_array_index(features, i);
		const char *key = def->group != NULL ? def->group : def->id;
		HcLiveFamily *fam;

		if (g_hash_table_contains(seen, key) || !is_machine_introduced(def, now, old))
			continue;
		g_hash_table_add(seen, (gpointer)key);
		if ((fam = family_new(cat, def)) != NULL)
			g_ptr_array_add(out, fam);
	}
	g_ptr_array_sort(out, family_cmp);
	return out;
}

HcSnapshot *
hc_live_host_without(HcSnapshot *host, const HcLiveFamily *fam)
{
	HcSnapshot *snap = hc_snapshot_copy(host);
	/* a name of its own, so the reports tell the two hosts apart */
	g_autofree char *name =
	    g_strdup_printf("%s-without-%s", hc_snapshot_get_hostname(host), fam->name);

	hc_snapshot_set_host(snap,
			     name,
			     hc_snapshot_get_boot_id(host),
			     hc_snapshot_get_kernel(host),
			     hc_snapshot_get_arch(host));
	for (guint i = 0; i < fam->capabilities->len; i++) {
		const char *id = g_ptr_array_index(fam->capabilities, i);
		g_autofree char *reason =
		    g_strdup_printf("modelled: a host without %s (%s)", fam->name, id);

		hc_snapshot_take_capability(
		    snap,
		    hc_capability_new(id, HC_CAP_STATE_UNSUPPORTED, NULL, reason));
	}
	return snap;
}

char *
hc_live_spec(HcCatalogue *cat, const char *const *argv, const char *platform, GError **error)
{
	g_autofree char *spec = hc_qemu_argv_to_spec(cat, argv, error);
	g_autoptr(JsonNode) root = NULL;

	if (spec == NULL)
		return NULL;
	if (platform == NULL)
		return g_steal_pointer(&spec);
	root = json_from_string(spec, error);
	if (root == NULL)
		return NULL;
	json_object_set_string_member(json_node_get_object(root), "platform", platform);
	return json_to_string(root, FALSE);
}

static gboolean
finding_names(JsonObject *f, const HcLiveFamily *fam)
{
	JsonArray *also =
	    json_object_has_member(f, "also") ? json_object_get_array_member(f, "also") : NULL;

	if (g_ptr_array_find_with_equal_func(
		fam->features,
		json_object_get_string_member_with_default(f, "feature", ""),
		g_str_equal,
		NULL))
		return TRUE;
	for (guint i = 0; also != NULL && i < json_array_get_length(also); i++) {
		if (g_ptr_array_find_with_equal_func(fam->features,
						     json_array_get_string_element(also, i),
						     g_str_equal,
						     NULL))
			return TRUE;
	}
	return FALSE;
}

static JsonArray *
report_findings(JsonNode *root)
{
	JsonObject *obj = JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;

	return obj != NULL && json_object_has_member(obj, "findings")
		   ? json_object_get_array_member(obj, "findings")
		   : NULL;
}

GPtrArray *
hc_live_pin_props(const char *report_json, const HcLiveFamily *fam, GError **error)
{
	g_autoptr(JsonNode) root = json_from_string(report_json, error);
	JsonArray *findings = root != NULL ? report_findings(root) : NULL;

	for (guint i = 0; findings != NULL && i < json_array_get_length(findings); i++) {
		JsonObject *f = json_array_get_object_element(findings, i);
		const char *pin = json_object_get_string_member_with_default(f, "pin", NULL);
		g_autofree char *props = NULL;
		g_auto(GStrv) parts = NULL;
		GPtrArray *out;

		if (pin == NULL || !finding_names(f, fam))
			continue;
		/* "guest_uso4=off,guest_uso6=off,host_uso=off on both" */
		props = g_strndup(pin, strcspn(pin, " "));
		parts = g_strsplit(props, ",", -1);
		out = g_ptr_array_new_with_free_func(g_free);
		for (guint p = 0; parts[p] != NULL; p++)
			g_ptr_array_add(out, g_strdup(parts[p]));
		return out;
	}
	if (root != NULL)
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "the report has no pin for %s",
			    fam->name);
	return NULL;
}

gboolean
hc_live_report_names(const char *report_json, const HcLiveFamily *fam, const char *severity)
{
	g_autoptr(JsonNode) root = json_from_string(report_json, NULL);
	JsonArray *findings = root != NULL ? report_findings(root) : NULL;

	for (guint i = 0; findings != NULL && i < json_array_get_length(findings); i++) {
		JsonObject *f = json_array_get_object_element(findings, i);

		if (finding_names(f, fam) &&
		    g_strcmp0(json_object_get_string_member_with_default(f, "severity", ""),
			      severity) == 0)
			return TRUE;
	}
	return FALSE;
}

char *
hc_live_common_platform(HcCatalogue *cat, HcSnapshot *a, HcSnapshot *b, GError **error)
{
	g_autoptr(GPtrArray) snaps = g_ptr_array_new();
	g_autofree char *report = NULL;
	g_autoptr(JsonNode) root = NULL;
	const char *name;

	g_ptr_array_add(snaps, a);
	g_ptr_array_add(snaps, b);
	if (!hc_check_baseline(cat, snaps, NULL, 0, &report, error))
		return NULL;
	root = json_from_string(report, error);
	if (root == NULL)
		return NULL;
	name = json_object_get_string_member_with_default(json_node_get_object(root),
							  "platform",
							  NULL);
	if (name == NULL) {
		g_set_error(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT, "no common platform");
		return NULL;
	}
	return g_strdup(name);
}

static char *
prop_value(JsonNode *value)
{
	if (JSON_NODE_HOLDS_VALUE(value) && json_node_get_value_type(value) == G_TYPE_BOOLEAN)
		return g_strdup(json_node_get_boolean(value) ? "on" : "off");
	if (JSON_NODE_HOLDS_VALUE(value) && json_node_get_value_type(value) == G_TYPE_STRING)
		return g_strdup(json_node_get_string(value));
	return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(value));
}

static gint
prop_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *
hc_live_platform_props(HcCatalogue *cat,
		       const char *platform,
		       const char *machine,
		       const char *release)
{
	const HcPlatform *plat = hc_catalogue_lookup_platform(cat, platform);
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	GHashTableIter iter;
	gpointer key, value;

	if (plat == NULL)
		return out;
	g_hash_table_iter_init(&iter, plat->features);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		const HcFeatureDef *def = hc_catalogue_lookup_feature(cat, key);
		g_autofree char *v = NULL;

		if (def == NULL || def->qemu == NULL ||
		    !g_str_has_prefix(def->qemu, HC_LIVE_DEVICE))
			continue;
		/* an older release has no such property: its machine data has no default for it */
		if (hc_catalogue_get_machine_default(cat, machine, release, key) == NULL)
			continue;
		v = prop_value(value);
		g_ptr_array_add(out, g_strdup_printf("%s=%s", hc_feature_property(def, key), v));
	}
	g_ptr_array_sort(out, prop_cmp);
	return out;
}

static gboolean
same_name(gconstpointer a, gconstpointer b)
{
	const char *pa = a, *pb = b;
	gsize na = strcspn(pa, "="), nb = strcspn(pb, "=");

	return na == nb && strncmp(pa, pb, na) == 0;
}

GPtrArray *
hc_live_props_merge(GPtrArray *base, GPtrArray *over)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < base->len; i++) {
		guint at;
		const char *p = g_ptr_array_index(base, i);

		if (g_ptr_array_find_with_equal_func(over, p, same_name, &at))
			p = g_ptr_array_index(over, at);
		g_ptr_array_add(out, g_strdup(p));
	}
	for (guint i = 0; i < over->len; i++) {
		const char *p = g_ptr_array_index(over, i);

		if (!g_ptr_array_find_with_equal_func(out, p, same_name, NULL))
			g_ptr_array_add(out, g_strdup(p));
	}
	return out;
}

gboolean
hc_live_props_equal(GPtrArray *a, GPtrArray *b)
{
	if (a->len != b->len)
		return FALSE;
	for (guint i = 0; i < a->len; i++) {
		if (!g_ptr_array_find_with_equal_func(b,
						      g_ptr_array_index(a, i),
						      g_str_equal,
						      NULL))
			return FALSE;
	}
	return TRUE;
}
