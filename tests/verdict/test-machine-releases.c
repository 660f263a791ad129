/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* machine data per QEMU release: which releases offer a machine type, the defaults under a given
 * release, the release-range facts (QEMU 8.2.0-8.2.4 and 9.0.0 offering USO on 8.1 types) */

#include <check.h>
#include <glib/gstdio.h>

#include "hc-catalogue.h"

static HcCatalogue *
load_shipped(void)
{
	g_autofree char *dir = g_build_filename(HC_TEST_SOURCE_DIR, "data", NULL);
	const char *dirs[] = {dir, NULL};
	g_autoptr(GError) error = NULL;
	HcCatalogue *cat = hc_catalogue_load(dirs, &error);

	ck_assert_msg(cat != NULL, "%s", error != NULL ? error->message : "");
	return cat;
}

/* the default as JSON text, "absent" when the machine type implies none */
static char *
default_text(HcCatalogue *cat, const char *machine, const char *release, const char *feature)
{
	JsonNode *v = hc_catalogue_get_machine_default(cat, machine, release, feature);

	return v != NULL ? json_to_string(v, FALSE) : g_strdup("absent");
}

START_TEST(test_new_machine_types)
{
	g_autoptr(HcCatalogue) cat = load_shipped();
	const char *const known[] = {"pc-q35-10.2", "pc-q35-11.0", "pc-q35-11.1", "pc-i440fx-11.1"};
	const char *version = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(known); i++)
		ck_assert_msg(hc_catalogue_resolve_machine(cat, known[i], &version) != NULL,
			      "%s",
			      known[i]);
	ck_assert_ptr_nonnull(hc_catalogue_resolve_machine(cat, "q35", &version));
	ck_assert_str_eq(version, "11.1");
	/* older than every release's data and never typed: unknown */
	ck_assert_ptr_null(hc_catalogue_resolve_machine(cat, "pc-q35-5.2", &version));
}
END_TEST

START_TEST(test_defaults_by_release)
{
	g_autoptr(HcCatalogue) cat = load_shipped();
	const struct {
		const char *machine, *release, *feature, *want;
	} cases[] = {
	    /* hw_compat_10_1: the UDP tunnel offloads are on from 10.2 */
	    {"pc-q35-10.1", NULL, "virtio-net.host_tunnel", "false"},
	    {"pc-q35-10.2", NULL, "virtio-net.host_tunnel", "true"},
	    {"pc-q35-11.1", NULL, "virtio-net.guest_tunnel_csum", "true"},
	    {"pc-i440fx-10.2", "11.1.3", "virtio-net.host_tunnel_csum", "true"},
	    /* QEMU 10.0 has no tunnel properties at all */
	    {"pc-q35-10.0", "10.0.13", "virtio-net.host_tunnel", "absent"},
	    {"pc-q35-7.2", "7.2.22", "virtio-net.host_uso", "absent"},
	    {"pc-q35-7.2", "7.2.22", "virtio.queue_reset", "true"},
	    /* the 8.1 USO mistake of 8.2.0-8.2.4 and 9.0.0 */
	    {"pc-q35-8.1", NULL, "virtio-net.host_uso", "false"},
	    {"pc-q35-8.1", "8.2.0", "virtio-net.host_uso", "true"},
	    {"pc-q35-8.1", "8.2.4", "virtio-net.guest_uso6", "true"},
	    {"pc-q35-8.1", "8.2.5", "virtio-net.host_uso", "false"},
	    {"pc-i440fx-8.1", "9.0.0", "virtio-net.guest_uso4", "true"},
	    {"pc-i440fx-8.1", "9.0.1", "virtio-net.guest_uso4", "false"},
	    {"pc-q35-8.0", "8.2.2", "virtio-net.host_uso", "false"},
	    /* what the generator cannot read comes from the family file */
	    {"pc-q35-6.0", NULL, "vhost-vsock.seqpacket", "\"off\""},
	    {"pc-q35-11.1", "11.1.3", "vhost-vsock.seqpacket", "\"auto\""},
	    {"pc-q35-11.1", NULL, "machine.smm", "\"auto\""},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got =
		    default_text(cat, cases[i].machine, cases[i].release, cases[i].feature);
		ck_assert_msg(g_strcmp0(got, cases[i].want) == 0,
			      "%s under QEMU %s: %s is %s, want %s",
			      cases[i].machine,
			      cases[i].release ? cases[i].release : "(newest)",
			      cases[i].feature,
			      got,
			      cases[i].want);
	}
}
END_TEST

START_TEST(test_releases_offering)
{
	g_autoptr(HcCatalogue) cat = load_shipped();
	g_autoptr(GPtrArray) all = hc_catalogue_list_qemu_releases(cat);
	g_autoptr(GPtrArray) r102 = hc_catalogue_get_machine_releases(cat, "pc-q35-10.2");
	g_autoptr(GPtrArray) r72 = hc_catalogue_get_machine_releases(cat, "pc-q35-7.2");

	ck_assert_uint_eq(all->len, 3);
	ck_assert_str_eq(g_ptr_array_index(all, 0), "7.2.22");
	ck_assert_uint_eq(r102->len, 1);
	ck_assert_str_eq(g_ptr_array_index(r102, 0), "11.1.3");
	ck_assert_uint_eq(r72->len, 3);
	ck_assert_int_eq(hc_catalogue_release_offers_machine(cat, "pc-q35-10.2", "7.2.22"),
			 HC_TRI_FALSE);
	ck_assert_int_eq(hc_catalogue_release_offers_machine(cat, "pc-q35-10.2", "10.0.5"),
			 HC_TRI_FALSE);
	ck_assert_int_eq(hc_catalogue_release_offers_machine(cat, "pc-q35-7.2", "10.0.13"),
			 HC_TRI_TRUE);
	ck_assert_int_eq(hc_catalogue_release_offers_machine(cat, "pc-q35-9.2", "11.1.0"),
			 HC_TRI_TRUE);
	/* no data of the 9.2 series: a 9.2 release may well offer 9.1 */
	ck_assert_int_eq(hc_catalogue_release_offers_machine(cat, "pc-q35-9.1", "9.2.1"),
			 HC_TRI_UNKNOWN);
	ck_assert_int_eq(hc_catalogue_release_offers_machine(cat, "pc-q35-10.1", "9.2.1"),
			 HC_TRI_FALSE);
}
END_TEST

static void
write_file(const char *root, const char *name, const char *text)
{
	g_autofree char *dir = g_build_filename(root, "machines.d", NULL);
	g_autofree char *path = g_build_filename(dir, name, NULL);

	ck_assert_int_eq(g_mkdir_with_parents(dir, 0755), 0);
	ck_assert(g_file_set_contents(path, text, -1, NULL));
}

/* a broken generated file names its path and what is wrong */
START_TEST(test_bad_release_data)
{
	g_autofree char *shipped = g_build_filename(HC_TEST_SOURCE_DIR, "data", NULL);
	g_autofree char *tmp = g_dir_make_tmp("hc-rel-XXXXXX", NULL);
	const char *dirs[] = {shipped, tmp, NULL};
	const struct {
		const char *text, *want;
	} cases[] = {
	    {"{\"format\": \"hostcapd-qemu-machines/1\", \"release\": \"x\", \"binary\": \"b\", "
	     "\"families\": {}}",
	     "$.release: \"x\" is not a QEMU release"},
	    {"{\"format\": \"hostcapd-qemu-machines/1\", \"release\": \"9.9.0\", \"binary\": "
	     "\"b\", "
	     "\"families\": {\"pc-q35\": {\"versions\": [\"9.9\", \"9.8\"], \"defaults\": []}}}",
	     "versions[1]: \"9.8\" is not a version above"},
	    {"{\"format\": \"hostcapd-qemu-machines/1\", \"release\": \"9.9.0\", \"binary\": "
	     "\"b\", "
	     "\"families\": {\"pc-q35\": {\"versions\": [\"9.9\"], \"defaults\": "
	     "[{\"feature\": \"virtio-net.host_uso\", \"value\": \"yes\"}]}}}",
	     "$.families[\"pc-q35\"].defaults[0].value"},
	    {"{\"format\": \"hostcapd-machines/1\", \"family\": \"pc-q35\", \"description\": "
	     "\"d\", "
	     "\"aliases\": [], \"defaults\": [{\"feature\": \"virtio-net.host_uso\", \"value\": "
	     "true, \"qemu\": \"8.2.4-8.2.0\"}]}",
	     "$.defaults[0].qemu: \"8.2.4-8.2.0\" is not a QEMU release or range"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(HcCatalogue) cat = NULL;
		write_file(tmp, i == 3 ? "pc-q35.json" : "qemu-9.9.json", cases[i].text);
		cat = hc_catalogue_load(dirs, &error);
		ck_assert_msg(cat == NULL, "case %u loaded", i);
		ck_assert_msg(strstr(error->message, cases[i].want) != NULL,
			      "case %u: %s",
			      i,
			      error->message);
		ck_assert_msg(strstr(error->message, tmp) != NULL, "%s", error->message);
		{
			g_autofree char *p =
			    g_build_filename(tmp,
					     "machines.d",
					     i == 3 ? "pc-q35.json" : "qemu-9.9.json",
					     NULL);
			g_unlink(p);
		}
	}
	{
		g_autofree char *d = g_build_filename(tmp, "machines.d", NULL);
		g_rmdir(d);
		g_rmdir(tmp);
	}
}
END_TEST

static void
write_cpu_models(const char *root, const char *name, const char *text)
{
	g_autofree char *dir = g_build_filename(root, "cpu-models.d", NULL);
	g_autofree char *path = g_build_filename(dir, name, NULL);

	ck_assert_int_eq(g_mkdir_with_parents(dir, 0755), 0);
	ck_assert(g_file_set_contents(path, text, -1, NULL));
}

static char *
releases_text(const HcCpuModel *m)
{
	g_autoptr(GString) out = g_string_new(NULL);

	for (guint i = 0; i < m->releases->len; i++)
		g_string_append_printf(out,
				       "%s%s",
				       i > 0 ? " " : "",
				       (char *)g_ptr_array_index(m->releases, i));
	return g_string_free(g_steal_pointer(&out), FALSE);
}

/* CPU models per QEMU release: a newer release's file adds its new models and names the ones
 * it has unchanged; a versioned model's oldest reading is kept */
START_TEST(test_cpu_model_releases)
{
	g_autofree char *shipped = g_build_filename(HC_TEST_SOURCE_DIR, "data", NULL);
	g_autofree char *tmp = g_dir_make_tmp("hc-cpu-XXXXXX", NULL);
	const char *dirs[] = {shipped, tmp, NULL};
	g_autoptr(GError) error = NULL;
	g_autoptr(HcCatalogue) cat = NULL;
	g_autoptr(HcCatalogue) bad = NULL;
	g_autofree char *rome = NULL;
	g_autofree char *fresh = NULL;
	const HcCpuModel *m;

	write_cpu_models(
	    tmp,
	    "qemu-9.9.0.json",
	    "{\"format\": \"hostcapd-cpu-models/1\", \"qemu\": \"9.9.0\", \"models\": {"
	    "\"Test-New-v1\": {\"features\": [\"sse4.2\"], \"vendor\": \"GenuineIntel\"},"
	    "\"EPYC-Rome-v1\": {\"features\": [\"sse4.2\"], \"vendor\": \"AuthenticAMD\"}},"
	    "\"unchanged\": {\"since\": \"7.2.22\", \"models\": [\"Skylake-Client-v1\"]}}");
	cat = hc_catalogue_load(dirs, &error);
	ck_assert_msg(cat != NULL, "%s", error ? error->message : "");
	m = hc_catalogue_lookup_cpu_model(cat, "Test-New-v1");
	ck_assert_ptr_nonnull(m);
	fresh = releases_text(m);
	ck_assert_str_eq(fresh, "9.9.0");
	m = hc_catalogue_lookup_cpu_model(cat, "EPYC-Rome-v1");
	rome = releases_text(m);
	ck_assert_str_eq(rome, "7.2.22 9.9.0");
	ck_assert_str_eq(m->release, "7.2.22");
	ck_assert_uint_gt(m->features->len, 1);
	m = hc_catalogue_lookup_cpu_model(cat, "Skylake-Client-v1");
	ck_assert_uint_eq(m->releases->len, 2);

	/* a model named unchanged that no file defines */
	write_cpu_models(
	    tmp,
	    "qemu-9.9.0.json",
	    "{\"format\": \"hostcapd-cpu-models/1\", \"qemu\": \"9.9.0\", \"models\": {},"
	    "\"unchanged\": {\"since\": \"7.2.22\", \"models\": [\"No-Such-v1\"]}}");
	bad = hc_catalogue_load(dirs, &error);
	ck_assert_ptr_null(bad);
	ck_assert_msg(strstr(error->message, "\"No-Such-v1\" is listed as unchanged") != NULL,
		      "%s",
		      error->message);
	{
		g_autofree char *p = g_build_filename(tmp, "cpu-models.d", "qemu-9.9.0.json", NULL);
		g_autofree char *d = g_build_filename(tmp, "cpu-models.d", NULL);
		g_unlink(p);
		g_rmdir(d);
		g_rmdir(tmp);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("machine-releases");
	TCase *tc = tcase_create("releases");
	SRunner *runner;
	int failed;

	tcase_add_test(tc, test_new_machine_types);
	tcase_add_test(tc, test_defaults_by_release);
	tcase_add_test(tc, test_releases_offering);
	tcase_add_test(tc, test_bad_release_data);
	tcase_add_test(tc, test_cpu_model_releases);
	suite_add_tcase(s, tc);
	runner = srunner_create(s);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? 0 : 1;
}
