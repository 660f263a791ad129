/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* requirement expressions: precedence, types, three-valued logic, error columns */

#include <check.h>

#include "hostcap/hc-error.h"

#include "hc-expr.h"

static GHashTable *caps;
static JsonNode *features_node;

static const HcCapability *
lookup_cap(const char *id, gpointer user_data)
{
	return g_hash_table_lookup(caps, id);
}

static JsonNode *
lookup_feature(const char *id, gpointer user_data)
{
	JsonObject *obj = json_node_get_object(features_node);
	return json_object_has_member(obj, id) ? json_object_get_member(obj, id) : NULL;
}

static void
add_cap(const char *id, HcCapState state, GVariant *value)
{
	g_hash_table_replace(caps, g_strdup(id), hc_capability_new(id, state, value, "test"));
}

static void
setup(void)
{
	caps = g_hash_table_new_full(g_str_hash,
				     g_str_equal,
				     g_free,
				     (GDestroyNotify)hc_capability_free);
	add_cap("kvm.present", HC_CAP_STATE_SUPPORTED, NULL);
	add_cap("kvm.smm", HC_CAP_STATE_UNSUPPORTED, NULL);
	add_cap("kvm.nested", HC_CAP_STATE_DISABLED, g_variant_new_boolean(FALSE));
	add_cap("net.tap.uso", HC_CAP_STATE_UNKNOWN, NULL);
	add_cap("kvm.vcpus.max", HC_CAP_STATE_SUPPORTED, g_variant_new_int64(1024));
	add_cap("kvm.tsc.khz", HC_CAP_STATE_SUPPORTED, g_variant_new_int64(2445424));
	add_cap("host.kernel.release",
		HC_CAP_STATE_SUPPORTED,
		g_variant_new_string("6.1.0-18-amd64"));
	add_cap("mem.hugepages.2m.free", HC_CAP_STATE_SUPPORTED, g_variant_new_int64(0));
	add_cap("uffd.access.qemu-user", HC_CAP_STATE_SUPPORTED, NULL);
	add_cap("vhost.net.present", HC_CAP_STATE_UNSUPPORTED, NULL);
	{
		const char *list[] = {"tsc", "kvm-clock", NULL};
		add_cap("host.clocksources", HC_CAP_STATE_SUPPORTED, g_variant_new_strv(list, -1));
	}
	features_node = json_from_string("{\"memory.size_mib\": 4096}", NULL);
}

static void
teardown(void)
{
	g_hash_table_unref(caps);
	json_node_unref(features_node);
}

/* evaluates @text with `value` = @value_json; returns the result rendered as a string */
static char *
eval_str(const char *text, const char *value_json, GError **error)
{
	g_autoptr(HcExpr) expr = hc_expr_parse(text, error);
	g_autoptr(JsonNode) value = value_json ? json_from_string(value_json, NULL) : NULL;
	HcExprEnv env = {lookup_cap, lookup_feature, NULL, value};
	HcExprValue out = {0};
	char *s;

	if (expr == NULL)
		return NULL;
	if (!hc_expr_eval(expr, &env, &out, NULL, error))
		return NULL;
	s = hc_expr_value_to_string(&out);
	hc_expr_value_clear(&out);
	return s;
}

static const char *
tri(const char *text)
{
	g_autoptr(HcExpr) expr = NULL;
	g_autoptr(GError) error = NULL;
	HcExprEnv env = {lookup_cap, lookup_feature, NULL, NULL};
	HcTri t;

	expr = hc_expr_parse(text, &error);
	ck_assert_msg(expr != NULL, "%s: %s", text, error ? error->message : "");
	ck_assert_msg(hc_expr_eval_tri(expr, &env, &t, NULL, &error),
		      "%s: %s",
		      text,
		      error ? error->message : "");
	return hc_tri_to_string(t);
}

#define ck_assert_eval(text, value, expected)                                                      \
	do {                                                                                       \
		g_autoptr(GError) e_ = NULL;                                                       \
		g_autofree char *got_ = eval_str(text, value, &e_);                                \
		ck_assert_msg(got_ != NULL, "%s: %s", text, e_ ? e_->message : "");                \
		ck_assert_str_eq(got_, expected);                                                  \
	} while (0)

START_TEST(test_precedence)
{
	ck_assert_eval("1 + 2 * 3", NULL, "7");
	ck_assert_eval("(1 + 2) * 3", NULL, "9");
	ck_assert_eval("10 - 4 - 3", NULL, "3");
	ck_assert_eval("100 / 10 / 5", NULL, "2");
	ck_assert_eval("-2 * -3", NULL, "6");
	ck_assert_eval("1 + 2 < 4", NULL, "true");
	ck_assert_eval("1 < 2 == true", NULL, "true");
	/* && binds tighter than || */
	ck_assert_eval("true || false && false", NULL, "true");
	ck_assert_eval("(true || false) && false", NULL, "false");
	ck_assert_eval("!false && false", NULL, "false");
	ck_assert_eval("!(false && false)", NULL, "true");
}
END_TEST

START_TEST(test_capabilities)
{
	ck_assert_str_eq(tri("kvm.present"), "yes");
	ck_assert_str_eq(tri("kvm.smm"), "no");
	ck_assert_str_eq(tri("kvm.nested"), "no");
	ck_assert_str_eq(tri("net.tap.uso"), "unknown");
	/* not reported at all is unknown, never false */
	ck_assert_str_eq(tri("net.tap.uso4"), "unknown");
	ck_assert_eval("kvm.vcpus.max >= value", "256", "true");
	ck_assert_eval("kvm.vcpus.max >= value", "2048", "false");
	ck_assert_eval("kvm.vcpus.max", NULL, "1024");
	ck_assert_str_eq(tri("uffd.access.qemu-user"), "yes");
	ck_assert_str_eq(tri("mem.hugepages.2m.free * 2 >= feature(\"memory.size_mib\")"), "no");
	ck_assert_str_eq(tri("feature(\"memory.size_mib\") == 4096"), "yes");
	ck_assert_str_eq(tri("feature(\"memory.prealloc\", false)"), "no");
	/* a quantity the host does not have compares false, even against 0 */
	ck_assert_str_eq(tri("vhost.net.present >= 0"), "no");
	ck_assert_str_eq(tri("contains(host.clocksources, \"tsc\")"), "yes");
	ck_assert_str_eq(tri("contains(host.clocksources, \"hpet\")"), "no");
}
END_TEST

START_TEST(test_functions)
{
	ck_assert_eval("abs(kvm.tsc.khz - value)", "2445000", "424");
	ck_assert_eval("abs(kvm.tsc.khz - value) <= value / 4000", "2445000", "true");
	ck_assert_eval("abs(kvm.tsc.khz - value) <= value / 4000", "2000000", "false");
	ck_assert_eval("min(3, 4) + max(3, 4)", NULL, "7");
	ck_assert_str_eq(tri("has(kvm.smm)"), "yes");
	ck_assert_str_eq(tri("has(net.tap.uso)"), "no");
	ck_assert_str_eq(tri("has(net.tap.nothing)"), "no");
	ck_assert_str_eq(tri("supported(kvm.nested)"), "no");
	ck_assert_str_eq(tri("supported(net.tap.uso)"), "unknown");
	ck_assert_str_eq(tri("state(kvm.nested) == \"disabled\""), "yes");
	ck_assert_str_eq(tri("state(net.tap.uso) == \"unknown\""), "yes");
	ck_assert_str_eq(tri("state(net.tap.nothing) == \"unknown\""), "yes");
}
END_TEST

START_TEST(test_versions)
{
	ck_assert_str_eq(tri("host.kernel.release >= v\"6.1\""), "yes");
	ck_assert_str_eq(tri("host.kernel.release >= v\"6.2\""), "no");
	ck_assert_str_eq(tri("host.kernel.release < v\"6.10\""), "yes");
	ck_assert_str_eq(tri("version(\"6.10.3\") > v\"6.9\""), "yes");
	ck_assert_str_eq(tri("v\"6.2\" == v\"6.2.0\""), "yes");
	/* plain strings are not ordered: that is what versions are for */
	{
		g_autoptr(GError) error = NULL;
		g_autofree char *s = eval_str("\"6.10\" > \"6.9\"", NULL, &error);
		ck_assert_ptr_null(s);
		ck_assert_ptr_nonnull(strstr(error->message, "only integers and versions"));
	}
}
END_TEST

/* Kleene truth tables: unknown propagates unless the other side decides */
START_TEST(test_three_valued)
{
	ck_assert_str_eq(tri("net.tap.uso && false"), "no");
	ck_assert_str_eq(tri("false && net.tap.uso"), "no");
	ck_assert_str_eq(tri("net.tap.uso && true"), "unknown");
	ck_assert_str_eq(tri("true && net.tap.uso"), "unknown");
	ck_assert_str_eq(tri("net.tap.uso || true"), "yes");
	ck_assert_str_eq(tri("true || net.tap.uso"), "yes");
	ck_assert_str_eq(tri("net.tap.uso || false"), "unknown");
	ck_assert_str_eq(tri("!net.tap.uso"), "unknown");
	ck_assert_str_eq(tri("net.tap.uso || net.tap.uso4"), "unknown");
	ck_assert_str_eq(tri("kvm.tsc.tolerance_ppm > 100"), "unknown");
	ck_assert_str_eq(tri("kvm.tsc.tolerance_ppm + 1 > 100 || kvm.present"), "yes");
}
END_TEST

START_TEST(test_consulted)
{
	g_autoptr(HcExpr) expr =
	    hc_expr_parse("kvm.smm || (net.tap.uso && kvm.present) || kvm.smm", NULL);
	g_autoptr(GPtrArray) consulted = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) ids = NULL;
	HcExprEnv env = {lookup_cap, lookup_feature, NULL, NULL};
	HcTri t;

	ck_assert(hc_expr_eval_tri(expr, &env, &t, consulted, NULL));
	ck_assert_int_eq(t, HC_TRI_UNKNOWN);
	ck_assert_uint_eq(consulted->len, 3);
	ck_assert_str_eq(g_ptr_array_index(consulted, 0), "kvm.smm");
	ck_assert_str_eq(g_ptr_array_index(consulted, 1), "net.tap.uso");
	ck_assert_str_eq(g_ptr_array_index(consulted, 2), "kvm.present");

	ids = hc_expr_get_capability_ids(expr);
	ck_assert_uint_eq(ids->len, 3);
	ck_assert_str_eq(g_ptr_array_index(ids, 0), "kvm.present");
}
END_TEST

static void
assert_parse_error(const char *text, const char *expected)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(HcExpr) expr = hc_expr_parse(text, &error);
	ck_assert_msg(expr == NULL, "%s parsed", text);
	ck_assert(g_error_matches(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT));
	ck_assert_msg(g_str_has_prefix(error->message, expected),
		      "%s: got '%s', want '%s…'",
		      text,
		      error->message,
		      expected);
}

START_TEST(test_parse_errors)
{
	assert_parse_error("kvm.present &&", "column 15: expected a value");
	assert_parse_error("kvm.present & kvm.smm", "column 13: '&' is not an operator");
	assert_parse_error("(1 + 2", "column 7: expected ')'");
	assert_parse_error("1 + 2)", "column 6: expected an operator or end of input");
	assert_parse_error("abs(1, 2)", "column 6: expected ')' after the arguments of abs()");
	assert_parse_error("frob(1)", "column 1: unknown function 'frob'");
	assert_parse_error("has(1)", "column 5: has() takes a capability id");
	assert_parse_error("uso", "column 1: unknown name 'uso'");
	assert_parse_error("\"open", "column 1: unterminated string");
	assert_parse_error("value # 3", "column 7: unexpected character '#'");
	assert_parse_error("v\"x\" > 1", "column 1: a version must start with a digit");
	assert_parse_error("99999999999999999999", "column 1: number too large");
	assert_parse_error("", "column 1: expected a value");
	{
		g_autoptr(GString) deep = g_string_new(NULL);
		for (guint i = 0; i < 200; i++)
			g_string_append_c(deep, '(');
		assert_parse_error(deep->str, "column 65: expression nested deeper");
	}
}
END_TEST

START_TEST(test_type_errors)
{
	const struct {
		const char *text;
		const char *value;
		const char *expected;
	} cases[] = {
	    {"\"ram\" + 1", NULL, "column 7: arithmetic needs integers"},
	    {"value == 1", "\"ram\"", "column 7: cannot compare a string with an integer"},
	    {"1 / 0", NULL, "column 3: division by zero"},
	    {"9223372036854775807 + 1", NULL, "column 21: integer overflow"},
	    {"1 && true", NULL, "column 1: expected a boolean"},
	    {"value", NULL, "column 1: 'value' is not available"},
	    {"host.kernel.release > 3", NULL, "column 21: cannot compare a string"},
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree char *s = eval_str(cases[i].text, cases[i].value, &error);
		ck_assert_msg(s == NULL, "%s evaluated to %s", cases[i].text, s);
		ck_assert_msg(g_str_has_prefix(error->message, cases[i].expected),
			      "%s: got '%s'",
			      cases[i].text,
			      error->message);
	}
}
END_TEST

START_TEST(test_lexing_ids)
{
	/* dashes inside dotted ids, subtraction elsewhere */
	ck_assert_eval("value-1", "5", "4");
	ck_assert_eval("kvm.vcpus.max - 24", NULL, "1000");
	ck_assert_str_eq(tri("uffd.access.qemu-user && mem.hugepages.2m.free == 0"), "yes");
}
END_TEST

static Suite *
expr_suite(void)
{
	Suite *s = suite_create("expr");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_precedence);
	tcase_add_test(tc, test_capabilities);
	tcase_add_test(tc, test_functions);
	tcase_add_test(tc, test_versions);
	tcase_add_test(tc, test_three_valued);
	tcase_add_test(tc, test_consulted);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_type_errors);
	tcase_add_test(tc, test_lexing_ids);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(expr_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
