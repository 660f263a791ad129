/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* the one strict JSON reader: what json-glib alone lets through is refused here */
#include <check.h>
#include <string.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"
#include "hostcap/hc-snapshot.h"

#include "hc-json-reader.h"

static void
assert_refused_len(const char *text, gsize len, guint depth, const char *expected)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) root =
	    hc_json_reader_parse(text, len, G_MAXSIZE, depth, HC_JSON_READER_ANY_ROOT, &error);

	ck_assert_msg(root == NULL, "accepted: %.80s", text);
	ck_assert(g_error_matches(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT));
	ck_assert_msg(g_str_has_prefix(error->message, expected),
		      "got '%s', expected '%s…'",
		      error->message,
		      expected);
}

static void
assert_refused(const char *text, const char *expected)
{
	assert_refused_len(text, strlen(text), HC_LIMIT_NESTING, expected);
}

static JsonNode *
accepted(const char *text)
{
	g_autoptr(GError) error = NULL;
	JsonNode *root = hc_json_reader_parse(text,
					      strlen(text),
					      G_MAXSIZE,
					      HC_LIMIT_NESTING,
					      HC_JSON_READER_ANY_ROOT,
					      &error);

	ck_assert_msg(root != NULL, "%s: %s", text, error != NULL ? error->message : "");
	return root;
}

static const struct {
	const char *json;
	const char *message;
} refused[] = {
    /* json-glib reads all of these without complaint */
    {"{\"a\": 1 /* c */}", "$.a: invalid JSON: comments are not allowed"},
    {"// c\n{}", "$: invalid JSON: comments are not allowed (line 1, column 1)"},
    {"{'a': 1}", "$: invalid JSON: single-quoted strings are not allowed"},
    {"{\"a\": ['x']}", "$.a[0]: invalid JSON: single-quoted strings are not allowed"},
    {"{\"accel.kvm\":true,\"accel.kvm\":false}",
     "$[\"accel.kvm\"]: invalid JSON: duplicate member name"},
    {"{\"f\":{\"a\":1,\"\\u0061\":2}}", "$.f.a: invalid JSON: duplicate member name"},
    {"{\"n\": 99999999999999999999}", "$.n: invalid JSON: integer out of the 64-bit range"},
    {"[-9223372036854775809]", "$[0]: invalid JSON: integer out of the 64-bit range"},
    {"[1e999]", "$[0]: invalid JSON: number out of range"},
    {"[\"a\\u0000b\"]", "$[0]: invalid JSON: \\u0000 is not allowed"},
    {"[\"\\ud800\"]", "$[0]: invalid JSON: lone high surrogate"},
    {"[\"\\udc00\"]", "$[0]: invalid JSON: lone low surrogate"},
    {"[\"a\tb\"]", "$[0]: invalid JSON: control character in a string"},
    {"[\"\\x41\"]", "$[0]: invalid JSON: bad escape \\x"},
    {"[01]", "$[0]: invalid JSON: leading zero"},
    {"[1.]", "$[0]: invalid JSON: expected a digit after '.'"},
    {"[.5]", "$[0]: invalid JSON: unexpected '.'"},
    {"[+1]", "$[0]: invalid JSON: unexpected '+'"},
    {"[1,]", "$[1]: invalid JSON: unexpected ']', expected a value"},
    {"{\"a\":1,}", "$: invalid JSON: unexpected '}', expected a member name"},
    {"{a:1}", "$: invalid JSON: unexpected 'a', expected a member name"},
    {"[NaN]", "$[0]: invalid JSON: unexpected 'N'"},
    {"[tru]", "$[0]: invalid JSON: unexpected 't'"},
    {"{} {}", "$: invalid JSON: data after the end of the document"},
    {"{\"a\": [1, 2}", "$.a[1]: invalid JSON: unexpected '}', expected ',' or ']'"},
    {"{\"a\": ", "$.a: invalid JSON: unexpected end of text, expected a value"},
    {"[\"abc", "$[0]: invalid JSON: unterminated string"},
    {"", "$: expected a value, got nothing"},
    {" \n", "$: expected a value, got nothing"},
};

START_TEST(test_refused)
{
	for (guint i = 0; i < G_N_ELEMENTS(refused); i++)
		assert_refused(refused[i].json, refused[i].message);
}
END_TEST

START_TEST(test_accepted)
{
	g_autoptr(JsonNode) ints = accepted("[9223372036854775807, -9223372036854775808, -0, 0]");
	g_autoptr(JsonNode) str = accepted("[\"\\ud83d\\ude00 \\\"\\\\\\/\\b\\f\\n\\r\\t\"]");
	g_autoptr(JsonNode) nums = accepted(" [1.5e3, -2E-2, 0.25, true, false, null, {}, []] ");
	g_autoptr(GString) many = g_string_new("{");

	ck_assert_int_eq(json_array_get_int_element(json_node_get_array(ints), 0), G_MAXINT64);
	ck_assert_int_eq(json_array_get_int_element(json_node_get_array(ints), 1), G_MININT64);
	ck_assert_str_eq(json_array_get_string_element(json_node_get_array(str), 0),
			 "\xf0\x9f\x98\x80 \"\\/\b\f\n\r\t");
	ck_assert_int_eq(json_array_get_length(json_node_get_array(nums)), 8);
	/* the same name in different objects is no duplicate; many names use the hash set */
	for (guint i = 0; i < 100; i++)
		g_string_append_printf(many, "%s\"k%u\":{\"k%u\":1}", i ? "," : "", i, i);
	g_string_append_c(many, '}');
	g_autoptr(JsonNode) m = accepted(many->str);
	ck_assert_int_eq(json_object_get_size(json_node_get_object(m)), 100);
	/* a duplicate far into a large object is still found */
	g_string_truncate(many, many->len - 1);
	g_string_append(many, ",\"k57\":2}");
	assert_refused(many->str, "$.k57: invalid JSON: duplicate member name");
}
END_TEST

START_TEST(test_depth_before_recursion)
{
	gsize n = 4 * 1024 * 1024;
	g_autofree char *buf = g_malloc(n);
	g_autoptr(GString) deep = g_string_new(NULL);

	/* a 4 MiB cache of '[' used to crash the daemon: the scan stops at the limit */
	memset(buf, '[', n);
	assert_refused_len(buf, n, HC_LIMIT_NESTING, "$[0][0]");
	assert_refused_len(buf, n, HC_LIMIT_NESTING, "$");
	memset(buf, '{', n);
	assert_refused_len(buf, n, HC_LIMIT_NESTING, "$: invalid JSON: unexpected '{'");
	/* exactly the limit passes, one more is refused with the path of the deepest level */
	for (guint i = 0; i < 3; i++)
		g_string_append(deep, "{\"a\":");
	g_string_append(deep, "1}}}");
	assert_refused_len(deep->str, deep->len, 2, "$.a.a: nested deeper than 2 levels");
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(JsonNode) ok = hc_json_reader_parse(deep->str,
							      deep->len,
							      G_MAXSIZE,
							      3,
							      HC_JSON_READER_NONE,
							      &error);
		ck_assert_msg(ok != NULL, "%s", error->message);
	}
}
END_TEST

START_TEST(test_nul_and_size)
{
	assert_refused_len("{}\0{\"a\":1}", 10, 8, "$: not valid UTF-8 text");
	assert_refused_len("[\"\xff\"]", 5, 8, "$: not valid UTF-8 text");
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(JsonNode) root =
		    hc_json_reader_parse("[1,2,3]", 7, 6, 8, HC_JSON_READER_ANY_ROOT, &error);
		ck_assert(root == NULL);
		ck_assert_str_eq(error->message, "$: 7 bytes is over the limit of 6");
	}
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(JsonNode) root =
		    hc_json_reader_parse("[1]", 3, 6, 8, HC_JSON_READER_NONE, &error);
		ck_assert(root == NULL);
		ck_assert_str_eq(error->message, "$: expected an object, got an array");
	}
}
END_TEST

START_TEST(test_long_names_cut)
{
	g_autoptr(GString) json = g_string_new("{\"");
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) root = NULL;

	/* a hostile 100 KiB name is echoed as a short prefix, not whole */
	for (guint i = 0; i < 100 * 1024; i++)
		g_string_append_c(json, 'x');
	g_string_append(json, "\": [1,]}");
	root = hc_json_reader_parse(json->str, json->len, G_MAXSIZE, 8, 0, &error);
	ck_assert(root == NULL);
	ck_assert_uint_lt(strlen(error->message), 200);
	ck_assert_msg(strstr(error->message, "…") != NULL, "%s", error->message);
}
END_TEST

/* every document kind goes through the reader: a snapshot with a duplicate is refused */
START_TEST(test_snapshot_uses_reader)
{
	const char *dup = "{\"format\":\"hostcapd-snapshot/1\",\"capabilities\":{},"
			  "\"capabilities\":{}}";
	const char *big = "{\"format\":\"hostcapd-snapshot/1\",\"generation\":99999999999999999999,"
			  "\"capabilities\":{}}";
	g_autoptr(GError) e1 = NULL;
	g_autoptr(GError) e2 = NULL;
	g_autoptr(HcSnapshot) s1 = hc_snapshot_from_json(dup, strlen(dup), &e1);
	g_autoptr(HcSnapshot) s2 = hc_snapshot_from_json(big, strlen(big), &e2);

	ck_assert(s1 == NULL && s2 == NULL);
	ck_assert_str_eq(e1->message, "$.capabilities: invalid JSON: duplicate member name");
	ck_assert_msg(g_str_has_prefix(e2->message, "$.generation: invalid JSON: integer out"),
		      "%s",
		      e2->message);
}
END_TEST

static Suite *
json_reader_suite(void)
{
	Suite *s = suite_create("json-reader");
	TCase *tc = tcase_create("strict");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_accepted);
	tcase_add_test(tc, test_depth_before_recursion);
	tcase_add_test(tc, test_nul_and_size);
	tcase_add_test(tc, test_long_names_cut);
	tcase_add_test(tc, test_snapshot_uses_reader);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(json_reader_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
