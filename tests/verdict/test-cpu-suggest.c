/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* the "models this host can run" suggestion is remembered per (catalogue, snapshot): a
 * snapshot whose capabilities change must get a fresh answer, never the remembered one */

#include <string.h>

#include "hc-verdict-test.h"

#define DEB12	   "v-deb12-6.1"
#define ROME_SPEC  "{\"features\": {\"cpu.model\": \"EPYC-Rome\", \"cpu.enforce\": true}}"
#define SUGGESTION "newest first: "

/* the model names the cpu.model finding suggests, from the report itself */
static GStrv
suggested_models(HcCatalogue *cat, const char *spec, HcSnapshot *host)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *report = NULL;
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *list = NULL;
	HcVerdict verdict;
	JsonArray *findings;
	const char *rem = NULL;
	const char *at;

	ck_assert_msg(hc_check_bootable(cat, spec, strlen(spec), host, &verdict, &report, &error),
		      "%s",
		      error != NULL ? error->message : "");
	root = json_from_string(report, &error);
	ck_assert_msg(root != NULL, "%s", error != NULL ? error->message : "");
	findings = json_object_get_array_member(json_node_get_object(root), "findings");
	for (guint i = 0; i < json_array_get_length(findings); i++) {
		JsonObject *f = json_array_get_object_element(findings, i);
		if (g_strcmp0(json_object_get_string_member(f, "feature"), "cpu.model") == 0)
			rem = json_object_get_string_member(f, "remediation");
	}
	ck_assert_ptr_nonnull(rem);
	at = strstr(rem, SUGGESTION);
	if (at == NULL)
		return g_new0(char *, 1);
	at += strlen(SUGGESTION);
	list = g_strndup(at, strcspn(at, "."));
	return g_strsplit(list, ", ", -1);
}

static HcVerdict
bootable(HcCatalogue *cat, const char *model, HcSnapshot *host)
{
	g_autofree char *spec =
	    g_strdup_printf("{\"features\": {\"cpu.model\": \"%s\", \"cpu.enforce\": true}}",
			    model);
	g_autoptr(GError) error = NULL;
	g_autofree char *report = NULL;
	HcVerdict verdict = HC_VERDICT_UNKNOWN;

	ck_assert_msg(hc_check_bootable(cat, spec, strlen(spec), host, &verdict, &report, &error),
		      "%s",
		      error != NULL ? error->message : "");
	return verdict;
}

/* a feature of @model (read from the shipped model file) that @host supports */
static char *
supported_feature_of(const char *model, HcSnapshot *host)
{
	g_autofree char *path =
	    g_build_filename(HC_TEST_SOURCE_DIR, "data", "cpu-models.d", "qemu-7.2.22.json", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *text = NULL;
	JsonObject *m;
	JsonArray *feats;

	ck_assert_msg(g_file_get_contents(path, &text, NULL, &error), "%s", error->message);
	root = json_from_string(text, &error);
	ck_assert_msg(root != NULL, "%s", error != NULL ? error->message : "");
	m = json_object_get_object_member(
	    json_object_get_object_member(json_node_get_object(root), "models"),
	    model);
	ck_assert_ptr_nonnull(m);
	feats = json_object_get_array_member(m, "features");
	for (guint i = 0; i < json_array_get_length(feats); i++) {
		g_autofree char *id =
		    g_strconcat("cpu.feature.", json_array_get_string_element(feats, i), NULL);
		const HcCapability *cap = hc_snapshot_lookup(host, id);
		if (cap != NULL && cap->state == HC_CAP_STATE_SUPPORTED)
			return g_steal_pointer(&id);
	}
	return NULL;
}

START_TEST(test_suggestion_follows_snapshot_changes)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	g_autoptr(HcSnapshot) host = hc_test_host(DEB12);
	g_auto(GStrv) before = suggested_models(cat, ROME_SPEC, host);
	g_auto(GStrv) again = NULL;
	g_auto(GStrv) after = NULL;
	g_auto(GStrv) restored = NULL;
	g_autofree char *id = NULL;
	g_autoptr(HcCapability) saved = NULL;

	ck_assert_uint_eq(g_strv_length(before), 3);
	again = suggested_models(cat, ROME_SPEC, host);
	ck_assert(g_strv_equal((const char *const *)before, (const char *const *)again));

	/* take one of the first model's features away on the same snapshot object */
	id = supported_feature_of(before[0], host);
	ck_assert_ptr_nonnull(id);
	saved = hc_capability_copy(hc_snapshot_lookup(host, id));
	hc_snapshot_take_capability(
	    host,
	    hc_capability_new(id, HC_CAP_STATE_UNSUPPORTED, NULL, "taken away by the test"));
	ck_assert_int_eq(bootable(cat, before[0], host), HC_VERDICT_NO);
	after = suggested_models(cat, ROME_SPEC, host);
	ck_assert_msg(!g_strv_contains((const char *const *)after, before[0]),
		      "%s still suggested without %s",
		      before[0],
		      id);
	for (guint i = 0; after[i] != NULL; i++)
		ck_assert_msg(bootable(cat, after[i], host) == HC_VERDICT_YES, "%s", after[i]);

	/* and back: the first answer again */
	hc_snapshot_take_capability(host, g_steal_pointer(&saved));
	restored = suggested_models(cat, ROME_SPEC, host);
	ck_assert(g_strv_equal((const char *const *)before, (const char *const *)restored));
}
END_TEST

/* two hosts in turn, each answered for itself: the suggestion is per snapshot */
START_TEST(test_suggestion_per_host)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	g_autoptr(HcSnapshot) deb12 = hc_test_host(DEB12);
	g_autoptr(HcSnapshot) other = hc_test_host("linux-6.18-uso-yes");
	g_auto(GStrv) first = suggested_models(cat, ROME_SPEC, deb12);
	g_auto(GStrv) second = suggested_models(cat, ROME_SPEC, other);
	g_auto(GStrv) third = suggested_models(cat, ROME_SPEC, deb12);

	ck_assert_uint_eq(g_strv_length(first), 3);
	ck_assert(g_strv_equal((const char *const *)first, (const char *const *)third));
	/* every model suggested for the other host boots there with enforce */
	for (guint i = 0; second[i] != NULL; i++)
		ck_assert_msg(bootable(cat, second[i], other) == HC_VERDICT_YES, "%s", second[i]);
	for (guint i = 0; first[i] != NULL; i++) {
		if (bootable(cat, first[i], other) != HC_VERDICT_YES)
			ck_assert(!g_strv_contains((const char *const *)second, first[i]));
	}
}
END_TEST

static Suite *
cpu_suggest_suite(void)
{
	Suite *s = suite_create("cpu-suggest");
	TCase *tc = tcase_create("memo");
	tcase_add_test(tc, test_suggestion_follows_snapshot_changes);
	tcase_add_test(tc, test_suggestion_per_host);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(cpu_suggest_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
