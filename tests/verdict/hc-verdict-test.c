/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "hc-verdict-test.h"

HcCatalogue *
hc_test_catalogue(void)
{
	g_autofree char *shipped = g_build_filename(HC_TEST_SOURCE_DIR, "data", NULL);
	g_autofree char *extra =
	    g_build_filename(HC_TEST_SOURCE_DIR, "tests", "verdict", "data", NULL);
	const char *dirs[] = {shipped, extra, NULL};
	g_autoptr(GError) error = NULL;
	HcCatalogue *cat = hc_catalogue_load(dirs, &error);
	ck_assert_msg(cat != NULL, "catalogue: %s", error ? error->message : "");
	return cat;
}

HcSnapshot *
hc_test_host(const char *name)
{
	g_autofree char *file = g_strconcat(name, ".json", NULL);
	g_autofree char *path =
	    g_build_filename(HC_TEST_SOURCE_DIR, "tests", "fixtures", "hosts", file, NULL);
	g_autoptr(GError) error = NULL;
	HcSnapshot *snap = hc_snapshot_load_file(path, &error);
	ck_assert_msg(snap != NULL, "%s: %s", path, error ? error->message : "");
	return snap;
}

char *
hc_test_example(const char *name)
{
	g_autofree char *path = g_build_filename(HC_TEST_SOURCE_DIR, "examples", name, NULL);
	char *text = NULL;
	ck_assert_msg(g_file_get_contents(path, &text, NULL, NULL), "%s", path);
	return text;
}

void
hc_test_result_clear(HcTestResult *res)
{
	g_clear_pointer(&res->root, json_node_unref);
	g_clear_pointer(&res->summary, g_free);
	res->report = NULL;
}

static void
hc_test_parse(const char *json, HcTestResult *out)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func(g_free);
	JsonArray *findings;

	out->root = json_from_string(json, &error);
	ck_assert_msg(out->root != NULL, "report is not JSON: %s", error ? error->message : "");
	out->report = json_node_get_object(out->root);
	ck_assert_str_eq(json_object_get_string_member(out->report, "verdict"),
			 hc_verdict_to_string(out->verdict));
	findings = json_object_get_array_member(out->report, "findings");
	for (guint i = 0; i < json_array_get_length(findings); i++) {
		JsonObject *f = json_array_get_object_element(findings, i);
		const char *status = json_object_get_string_member(f, "status");
		/* the fixture hosts were captured without the qemu probe, so every verdict notes
		 * that it assumed their QEMU has the machine type; test-qemu-machine.c checks that
		 * note, the golden summaries list what the features decide */
		if (g_strcmp0(json_object_get_string_member(f, "severity"), "info") == 0 &&
		    g_strcmp0(json_object_get_string_member(f, "feature"), "machine") == 0) {
			ck_assert(strstr(json_object_get_string_member(f, "reason"), "QEMU") !=
				  NULL);
			continue;
		}
		g_ptr_array_add(
		    items,
		    g_strdup_printf("%s:%s%s",
				    json_object_get_string_member(f, "severity"),
				    json_object_get_string_member(f, "feature"),
				    g_strcmp0(status, "unknown") == 0 ? ",unknown" : ""));
		/* every finding explains itself */
		ck_assert(strlen(json_object_get_string_member(f, "reason")) > 0);
		ck_assert(json_object_has_member(f, "origin"));
		ck_assert(json_object_has_member(f, "capabilities"));
	}
	g_ptr_array_sort(items, (GCompareFunc)hc_test_strcmp);
	g_ptr_array_add(items, NULL);
	out->summary = g_strjoinv(" ", (char **)items->pdata);
}

gint
hc_test_strcmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
hc_test_bootable(HcCatalogue *cat, const char *spec, const char *host, HcTestResult *out)
{
	g_autoptr(HcSnapshot) snap = hc_test_host(host);
	g_autoptr(GError) error = NULL;
	g_autofree char *json = NULL;

	ck_assert_msg(
	    hc_check_bootable(cat, spec, strlen(spec), snap, &out->verdict, &json, &error),
	    "%s",
	    error ? error->message : "");
	hc_test_parse(json, out);
}

void
hc_test_migration(HcCatalogue *cat,
		  const char *spec,
		  const char *src,
		  const char *dst,
		  HcTestResult *out)
{
	g_autoptr(HcSnapshot) a = hc_test_host(src);
	g_autoptr(HcSnapshot) b = hc_test_host(dst);
	g_autoptr(GError) error = NULL;
	g_autofree char *json = NULL;

	ck_assert_msg(
	    hc_check_migration(cat, spec, strlen(spec), a, b, &out->verdict, &json, &error),
	    "%s",
	    error ? error->message : "");
	hc_test_parse(json, out);
}

JsonObject *
hc_test_find(HcTestResult *res, const char *feature)
{
	JsonArray *findings = json_object_get_array_member(res->report, "findings");
	for (guint i = 0; i < json_array_get_length(findings); i++) {
		JsonObject *f = json_array_get_object_element(findings, i);
		if (g_strcmp0(json_object_get_string_member(f, "feature"), feature) == 0)
			return f;
	}
	return NULL;
}

void
hc_test_assert_golden(const HcTestResult *res,
		      const char *name,
		      HcVerdict verdict,
		      const char *summary)
{
	ck_assert_msg(res->verdict == verdict,
		      "%s: verdict %s, want %s (%s)",
		      name,
		      hc_verdict_to_string(res->verdict),
		      hc_verdict_to_string(verdict),
		      res->summary);
	ck_assert_msg(g_strcmp0(res->summary, summary) == 0,
		      "%s:\n got  %s\n want %s",
		      name,
		      res->summary,
		      summary);
}
