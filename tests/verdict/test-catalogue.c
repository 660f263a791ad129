/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* catalogue loading: shipped data, per-file override, validation errors, probe ids */

#include <check.h>
#include <glib/gstdio.h>

#include "hostcap/hc-error.h"

#include "hc-catalogue.h"
#include "hc-probe-registry.h"

static char *
data_dir(void)
{
	return g_build_filename(HC_TEST_SOURCE_DIR, "data", NULL);
}

static HcCatalogue *
load_shipped(GError **error)
{
	g_autofree char *dir = data_dir();
	const char *dirs[] = {dir, NULL};
	return hc_catalogue_load(dirs, error);
}

static void
write_file(const char *root, const char *sub, const char *name, const char *text)
{
	g_autofree char *dir = g_build_filename(root, sub, NULL);
	g_autofree char *path = g_build_filename(dir, name, NULL);
	ck_assert_int_eq(g_mkdir_with_parents(dir, 0755), 0);
	ck_assert(g_file_set_contents(path, text, -1, NULL));
}

static void
rm_rf(const char *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const char *name;
	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree char *child = g_build_filename(path, name, NULL);
		if (g_file_test(child, G_FILE_TEST_IS_DIR))
			rm_rf(child);
		else
			g_unlink(child);
	}
	g_rmdir(path);
}

START_TEST(test_shipped_loads)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(HcCatalogue) cat = load_shipped(&error);
	g_autoptr(GPtrArray) platforms = NULL;
	g_autoptr(GPtrArray) uso = NULL;
	const char *version = NULL;

	ck_assert_msg(cat != NULL, "%s", error ? error->message : "");
	ck_assert(g_str_has_prefix(hc_catalogue_get_hash(cat), "sha256:"));
	ck_assert_uint_eq(strlen(hc_catalogue_get_hash(cat)), 7 + 64);

	/* the families the brief asks for are all there */
	const char *must[] = {"accel.kvm",
			      "cpu.model",
			      "cpu.feature.avx512f",
			      "cpu.enforce",
			      "smp.maxcpus",
			      "memory.size_mib",
			      "memory.hugepages",
			      "memory.backend",
			      "netdev.tap",
			      "netdev.vhost",
			      "virtio-net.host_uso",
			      "virtio.queue_reset",
			      "vhost-vsock.seqpacket",
			      "machine.smm",
			      "cpu.tsc_khz",
			      "migration.postcopy",
			      "block.aio",
			      "vfio-pci.migration",
			      "confidential.sev-snp",
			      "cpu.nested"};
	for (guint i = 0; i < G_N_ELEMENTS(must); i++)
		ck_assert_msg(hc_catalogue_lookup_feature(cat, must[i]) != NULL, "%s", must[i]);
	ck_assert_ptr_null(hc_catalogue_lookup_feature(cat, "virtio-net.host_usoo"));

	/* USO is one pin group of three */
	uso = hc_catalogue_get_group(cat, "virtio-net.uso");
	ck_assert_uint_eq(uso->len, 3);

	/* machine versions and aliases */
	ck_assert_ptr_nonnull(hc_catalogue_resolve_machine(cat, "pc-q35-8.2", &version));
	ck_assert_str_eq(version, "8.2");
	ck_assert_ptr_nonnull(hc_catalogue_resolve_machine(cat, "q35", &version));
	ck_assert_ptr_null(hc_catalogue_resolve_machine(cat, "pc-q35-5.0", &version));

	/* at least three platforms, newest first */
	platforms = hc_catalogue_list_platforms(cat);
	ck_assert_uint_ge(platforms->len, 3);
	for (guint i = 1; i < platforms->len; i++) {
		const HcPlatform *a = g_ptr_array_index(platforms, i - 1);
		const HcPlatform *b = g_ptr_array_index(platforms, i);
		ck_assert_int_gt(a->rank, b->rank);
	}
}
END_TEST

static JsonNode *
machine_default(HcCatalogue *cat, const char *machine, const char *feature)
{
	g_autoptr(GArray) defaults = hc_catalogue_get_machine_defaults(cat, machine);
	JsonNode *found = NULL;
	for (guint i = 0; i < defaults->len; i++) {
		HcDefaultValue *dv = &g_array_index(defaults, HcDefaultValue, i);
		if (g_strcmp0(dv->feature, feature) == 0)
			found = dv->value;
	}
	return found;
}

/* the compat-table facts from QEMU's hw/core/machine.c */
START_TEST(test_machine_defaults)
{
	g_autoptr(HcCatalogue) cat = load_shipped(NULL);
	const struct {
		const char *machine;
		const char *feature;
		const char *json;
	} cases[] = {
	    {"pc-q35-8.1", "virtio-net.host_uso", "false"},
	    {"pc-q35-8.2", "virtio-net.host_uso", "true"},
	    {"pc-i440fx-9.0", "virtio-net.guest_uso6", "true"},
	    {"pc-q35-7.1", "virtio.queue_reset", "false"},
	    {"pc-q35-7.2", "virtio.queue_reset", "true"},
	    {"pc-q35-6.0", "vhost-vsock.seqpacket", "\"off\""},
	    {"pc-q35-6.1", "vhost-vsock.seqpacket", "\"auto\""},
	    {"pc-q35-10.1", "machine.smm", "\"auto\""},
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		JsonNode *v = machine_default(cat, cases[i].machine, cases[i].feature);
		g_autofree char *s = NULL;
		ck_assert_msg(v != NULL, "%s %s", cases[i].machine, cases[i].feature);
		s = json_to_string(v, FALSE);
		ck_assert_msg(g_strcmp0(s, cases[i].json) == 0,
			      "%s %s: %s",
			      cases[i].machine,
			      cases[i].feature,
			      s);
	}
}
END_TEST

START_TEST(test_override_per_file_name)
{
	g_autofree char *shipped = data_dir();
	g_autofree char *tmp = g_dir_make_tmp("hc-cat-XXXXXX", NULL);
	const char *dirs[] = {shipped, tmp, NULL};
	g_autoptr(HcCatalogue) base = load_shipped(NULL);
	g_autoptr(HcCatalogue) cat = NULL;
	g_autoptr(GError) error = NULL;

	/* the admin's block.json replaces the shipped one wholesale */
	write_file(tmp,
		   "features.d",
		   "block.json",
		   "{\"format\": \"hostcapd-features/1\", \"features\": {\"block.aio\": "
		   "{\"type\": \"enum\", \"values\": [\"threads\", \"io_uring\"], "
		   "\"description\": \"site\", \"qemu\": \"blockdev.aio\", \"requires\": "
		   "\"io.io_uring\", \"on_missing\": \"fail\", \"abi\": false, "
		   "\"remediation\": \"ask the site admins\"}}}");
	cat = hc_catalogue_load(dirs, &error);
	ck_assert_msg(cat != NULL, "%s", error ? error->message : "");
	ck_assert_str_eq(hc_catalogue_lookup_feature(cat, "block.aio")->description, "site");
	ck_assert_uint_eq(hc_catalogue_lookup_feature(cat, "block.aio")->values->len, 2);
	/* untouched files still come from the shipped root */
	ck_assert_ptr_nonnull(hc_catalogue_lookup_feature(cat, "virtio-net.host_uso"));
	ck_assert_str_ne(hc_catalogue_get_hash(cat), hc_catalogue_get_hash(base));
	rm_rf(tmp);
}
END_TEST

static void
assert_broken(const char *sub, const char *name, const char *text, const char *expected)
{
	g_autofree char *tmp = g_dir_make_tmp("hc-cat-XXXXXX", NULL);
	g_autofree char *shipped = data_dir();
	const char *dirs[] = {shipped, tmp, NULL};
	g_autoptr(GError) error = NULL;
	g_autoptr(HcCatalogue) cat = NULL;
	g_autofree char *file = g_build_filename(tmp, sub, name, NULL);

	write_file(tmp, sub, name, text);
	cat = hc_catalogue_load(dirs, &error);
	ck_assert_msg(cat == NULL, "%s loaded", text);
	ck_assert_msg(g_str_has_prefix(error->message, file),
		      "no file name in '%s'",
		      error->message);
	ck_assert_msg(strstr(error->message, expected) != NULL,
		      "'%s' lacks '%s'",
		      error->message,
		      expected);
	rm_rf(tmp);
}

#define FEAT(body) "{\"format\": \"hostcapd-features/1\", \"features\": {" body "}}"
#define GOOD_REST                                                                                  \
	"\"description\": \"d\", \"qemu\": \"x.y\", \"on_missing\": \"fail\", \"abi\": false, "    \
	"\"remediation\": \"r\""

START_TEST(test_broken_files)
{
	assert_broken("features.d", "x.json", "{\"format\": ", "invalid JSON");
	assert_broken("features.d", "x.json", "[1]", "$: expected an object");
	assert_broken("features.d",
		      "x.json",
		      "{\"format\": \"hostcapd-features/2\", \"features\": {}}",
		      "$.format: expected \"hostcapd-features/1\"");
	assert_broken("features.d",
		      "x.json",
		      FEAT("\"site.a\": {\"type\": \"boolean\", " GOOD_REST "}"),
		      "$.features[\"site.a\"].type: expected one of bool, int");
	assert_broken("features.d",
		      "x.json",
		      FEAT("\"site.a\": {\"type\": \"bool\", \"abi\": \"yes\", \"description\": "
			   "\"d\", \"qemu\": \"q\", \"on_missing\": \"fail\", \"remediation\": "
			   "\"r\"}"),
		      "$.features[\"site.a\"].abi: expected a boolean, got \"yes\"");
	assert_broken(
	    "features.d",
	    "x.json",
	    FEAT("\"site.a\": {\"type\": \"bool\", \"requires\": \"kvm.present &&\", " GOOD_REST
		 "}"),
	    "$.features[\"site.a\"].requires: column 15: expected a value");
	assert_broken("features.d",
		      "x.json",
		      FEAT("\"site.a\": {\"type\": \"bool\", \"colour\": 1, " GOOD_REST "}"),
		      "$.features[\"site.a\"].colour: unknown member");
	assert_broken("features.d",
		      "x.json",
		      FEAT("\"accel.kvm\": {\"type\": \"bool\", " GOOD_REST "}"),
		      "$.features[\"accel.kvm\"]: already defined in");
	assert_broken("features.d",
		      "x.json",
		      FEAT("\"site.a\": {\"type\": \"bool\", \"requires\": "
			   "\"feature(\\\"nope\\\")\", " GOOD_REST "}"),
		      "feature(\"nope\") names no catalogue feature");
	assert_broken("machines.d",
		      "x.json",
		      "{\"format\": \"hostcapd-machines/1\", \"family\": \"microvm\", "
		      "\"description\": \"d\", \"versions\": [\"1.0\"], \"defaults\": "
		      "[{\"feature\": \"machine.smm\", \"value\": \"maybe\"}]}",
		      "$.defaults[0].value: expected one of \"on\", \"off\", \"auto\"");
	assert_broken("machines.d",
		      "x.json",
		      "{\"format\": \"hostcapd-machines/1\", \"family\": \"microvm\", "
		      "\"description\": \"d\", \"versions\": [\"2.0\", \"1.0\"], \"defaults\": []}",
		      "$.versions[1]: \"1.0\" is not a version above");
	assert_broken("platforms.d",
		      "x.json",
		      "{\"format\": \"hostcapd-platform/1\", \"name\": \"p\", \"description\": "
		      "\"d\", \"rank\": 1, \"requires\": [], \"features\": {}}",
		      "does not pin host-dependent feature");
	assert_broken("platforms.d",
		      "x.json",
		      "{\"format\": \"hostcapd-platform/1\", \"name\": \"p\", \"description\": "
		      "\"d\", \"rank\": 1, \"inherits\": \"linux-6.2-class\", \"requires\": "
		      "[\"net.tap.uso ||\"], \"features\": {}}",
		      "$.requires[0]: column 15");
}
END_TEST

START_TEST(test_unknown_capability)
{
	g_autofree char *shipped = data_dir();
	const char *dirs[] = {shipped, NULL};
	const char *known[] = {"kvm", "cpu", NULL};
	g_autoptr(GError) error = NULL;
	g_autoptr(HcCatalogue) cat = hc_catalogue_load_full(dirs, known, &error);

	ck_assert_ptr_null(cat);
	ck_assert(g_error_matches(error, HC_ERROR, HC_ERROR_UNKNOWN_FEATURE));
	ck_assert_ptr_nonnull(strstr(error->message, "which no probe declares"));
}
END_TEST

/* ids whose names depend on the host: reported without being declared */
static void
collect_catalogue_caps(HcCatalogue *cat, GHashTable *ids)
{
	g_autoptr(GPtrArray) defs = hc_catalogue_list_features(cat);
	g_autoptr(GPtrArray) plats = hc_catalogue_list_platforms(cat);

	for (guint i = 0; i < defs->len; i++) {
		const HcFeatureDef *def = g_ptr_array_index(defs, i);
		g_autoptr(HcExpr) e = NULL;
		g_autoptr(GPtrArray) caps = NULL;
		g_auto(GStrv) parts = NULL;
		g_autofree char *text = NULL;
		if (def->requires == NULL)
			continue;
		parts = g_strsplit(def->requires, "{}", -1);
		text = g_strjoinv("avx2", parts);
		e = hc_expr_parse(text, NULL);
		caps = hc_expr_get_capability_ids(e);
		for (guint j = 0; j < caps->len; j++)
			g_hash_table_add(ids, g_strdup(g_ptr_array_index(caps, j)));
	}
	for (guint i = 0; i < plats->len; i++) {
		const HcPlatform *p = g_ptr_array_index(plats, i);
		for (guint j = 0; j < p->requires->len; j++) {
			g_autoptr(GPtrArray) caps =
			    hc_expr_get_capability_ids(g_ptr_array_index(p->requires, j));
			for (guint k = 0; k < caps->len; k++)
				g_hash_table_add(ids, g_strdup(g_ptr_array_index(caps, k)));
		}
	}
}

/*
 * every capability the catalogue names must be declared by a registered probe; a family
 * (first id component) is only checked once some probe declares ids in it, since probes
 * land independently
 */
START_TEST(test_ids_declared_by_probes)
{
	g_autoptr(HcCatalogue) cat = load_shipped(NULL);
	g_autoptr(GHashTable) used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) declared =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) families =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GString) missing = g_string_new(NULL);
	GHashTableIter iter;
	gpointer key;

	for (guint i = 0; i < hc_probe_registry_len; i++) {
		g_autoptr(GPtrArray) ids = hc_probe_info_get_ids(hc_probe_registry[i]);
		for (guint j = 0; j < ids->len; j++) {
			const char *id = g_ptr_array_index(ids, j);
			g_hash_table_add(declared, g_strdup(id));
			g_hash_table_add(families, g_strndup(id, strcspn(id, ".")));
		}
	}
	collect_catalogue_caps(cat, used);
	g_hash_table_iter_init(&iter, used);
	while (g_hash_table_iter_next(&iter, &key, NULL)) {
		g_autofree char *family = g_strndup(key, strcspn(key, "."));
		gboolean dynamic = FALSE;
		for (guint i = 0; hc_catalogue_dynamic_prefixes[i] != NULL; i++)
			dynamic |= g_str_has_prefix(key, hc_catalogue_dynamic_prefixes[i]);
		if (dynamic || !g_hash_table_contains(families, family))
			continue;
		if (!g_hash_table_contains(declared, key))
			g_string_append_printf(missing, " %s", (const char *)key);
	}
	ck_assert_msg(missing->len == 0, "catalogue names undeclared ids:%s", missing->str);
}
END_TEST

/* loading with the registry's declared ids as the known list must succeed, the way the
 * daemon and the CLI load it; and the check is real: an undeclared id fails the same load */
START_TEST(test_load_against_registry)
{
	g_autofree char *shipped = data_dir();
	const char *dirs[] = {shipped, NULL};
	g_autoptr(GError) error = NULL;
	g_autoptr(HcCatalogue) cat = NULL;
	g_autofree char *tmp = g_dir_make_tmp("hc-cat-XXXXXX", NULL);
	g_autofree char *fdir = g_build_filename(tmp, "features.d", NULL);
	g_autofree char *file = g_build_filename(fdir, "extra.json", NULL);
	const char *with_extra[] = {shipped, tmp, NULL};

	cat = hc_catalogue_load_for_probes(dirs, hc_probe_registry, hc_probe_registry_len, &error);
	ck_assert_msg(cat != NULL, "%s", error ? error->message : "");
	g_clear_pointer(&cat, hc_catalogue_unref);

	ck_assert_int_eq(g_mkdir(fdir, 0700), 0);
	ck_assert(g_file_set_contents(
	    file,
	    "{\"format\": \"hostcapd-features/1\", \"features\": "
	    "{\"x.y\": {\"type\": \"bool\", \"description\": \"d\", "
	    "\"remediation\": \"r\", \"abi\": false, \"qemu\": \"x.y\", \"requires\": "
	    "\"kvm.no_such_cap\", \"on_missing\": \"fail\"}}}",
	    -1,
	    NULL));
	cat = hc_catalogue_load_for_probes(with_extra,
					   hc_probe_registry,
					   hc_probe_registry_len,
					   &error);
	ck_assert_ptr_null(cat);
	ck_assert_msg(strstr(error->message, "kvm.no_such_cap") != NULL, "%s", error->message);
	g_unlink(file);
	g_rmdir(fdir);
	g_rmdir(tmp);
}
END_TEST

/* every feature of every shipped CPU model is an id a probe declares, so no model feature
 * is judged "not reported"; a feature that needed a new table row shows up here by name */
START_TEST(test_cpu_model_features_declared)
{
	g_autofree char *shipped = data_dir();
	const char *dirs[] = {shipped, NULL};
	g_autoptr(GError) error = NULL;
	g_autoptr(HcCatalogue) cat = hc_catalogue_load(dirs, &error);
	g_autoptr(GHashTable) declared =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GPtrArray) names = NULL;
	g_autoptr(GString) missing = g_string_new(NULL);

	ck_assert_msg(cat != NULL, "%s", error ? error->message : "");
	for (guint i = 0; i < hc_probe_registry_len; i++) {
		g_autoptr(GPtrArray) ids = hc_probe_info_get_ids(hc_probe_registry[i]);
		for (guint j = 0; j < ids->len; j++)
			g_hash_table_add(declared, g_strdup(g_ptr_array_index(ids, j)));
	}
	names = hc_catalogue_get_cpu_model_names(cat);
	ck_assert_uint_gt(names->len, 100);
	for (guint i = 0; i < names->len; i++) {
		const HcCpuModel *m =
		    hc_catalogue_lookup_cpu_model(cat, g_ptr_array_index(names, i));
		for (guint j = 0; j < m->unmapped->len; j++)
			g_string_append_printf(missing,
					       " %s:unmapped:%s",
					       m->name,
					       (char *)g_ptr_array_index(m->unmapped, j));
		for (guint j = 0; j < m->features->len; j++) {
			g_autofree char *id =
			    g_strconcat("cpu.feature.", g_ptr_array_index(m->features, j), NULL);
			if (!g_hash_table_contains(declared, id))
				g_string_append_printf(missing, " %s:%s", m->name, id);
		}
		for (guint j = 0; j < m->arch_capabilities->len; j++) {
			g_autofree char *id =
			    g_strconcat("cpu.msr.arch_capabilities.",
					g_ptr_array_index(m->arch_capabilities, j),
					NULL);
			if (!g_hash_table_contains(declared, id))
				g_string_append_printf(missing, " %s:%s", m->name, id);
		}
	}
	ck_assert_msg(missing->len == 0, "CPU model features no probe declares:%s", missing->str);
}
END_TEST

static Suite *
catalogue_suite(void)
{
	Suite *s = suite_create("catalogue");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_shipped_loads);
	tcase_add_test(tc, test_machine_defaults);
	tcase_add_test(tc, test_override_per_file_name);
	tcase_add_test(tc, test_broken_files);
	tcase_add_test(tc, test_unknown_capability);
	tcase_add_test(tc, test_ids_declared_by_probes);
	tcase_add_test(tc, test_load_against_registry);
	tcase_add_test(tc, test_cpu_model_features_declared);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(catalogue_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
