/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bad VM specs: each gives the right error code and a JSON path a user can follow */

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-verdict-test.h"

static void
assert_spec_error(HcCatalogue *cat, const char *spec, gsize len, gint code, const char *expected)
{
	g_autoptr(HcSnapshot) host = hc_test_host("v-deb12-6.1");
	g_autoptr(GError) error = NULL;
	g_autofree char *report = NULL;
	HcVerdict verdict = HC_VERDICT_LAST;

	ck_assert_msg(!hc_check_bootable(cat, spec, len, host, &verdict, &report, &error),
		      "accepted: %.200s",
		      spec);
	ck_assert_ptr_null(report);
	ck_assert_msg(g_error_matches(error, HC_ERROR, code),
		      "code %d for %.200s: %s",
		      error->code,
		      spec,
		      error->message);
	ck_assert_msg(g_str_has_prefix(error->message, expected),
		      "\n got  %s\n want %s…",
		      error->message,
		      expected);
}

#define BAD(cat, text, code, expected) assert_spec_error(cat, text, strlen(text), code, expected)

START_TEST(test_wrong_types)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	const gint INVAL = HC_ERROR_INVALID_ARGUMENT;

	BAD(cat,
	    "{\"features\": {\"memory.size_mib\": \"4G\"}}",
	    INVAL,
	    "$.features[\"memory.size_mib\"]: expected an integer, got \"4G\"");
	BAD(cat,
	    "{\"features\": {\"memory.size_mib\": 4096.5}}",
	    INVAL,
	    "$.features[\"memory.size_mib\"]: expected an integer, got 4096.5");
	BAD(cat,
	    "{\"features\": {\"netdev.tap\": \"yes\"}}",
	    INVAL,
	    "$.features[\"netdev.tap\"]: expected a boolean, got \"yes\"");
	BAD(cat,
	    "{\"features\": {\"memory.hugepages\": \"4M\"}}",
	    INVAL,
	    "$.features[\"memory.hugepages\"]: expected one of \"none\", \"2M\", \"1G\", "
	    "\"default\", got "
	    "\"4M\"");
	BAD(cat,
	    "{\"features\": {\"smp.maxcpus\": 0}}",
	    INVAL,
	    "$.features[\"smp.maxcpus\"]: 0 is out of range [1, 16384]");
	BAD(cat,
	    "{\"features\": {\"cpu.model\": [\"EPYC\"]}}",
	    INVAL,
	    "$.features[\"cpu.model\"]: expected a string, got an array");
	BAD(cat, "{\"features\": []}", INVAL, "$.features: expected an object, got an array");
	BAD(cat,
	    "{\"machine\": 9, \"features\": {}}",
	    INVAL,
	    "$.machine: expected a string, got 9");
	BAD(cat, "{\"machine\": \"q35\"}", INVAL, "$.features: missing");
	BAD(cat, "{\"feature\": {}}", INVAL, "$.feature: unknown member");
	BAD(cat,
	    "{\"features\": {}, \"unevaluated\": [1]}",
	    INVAL,
	    "$.unevaluated[0]: expected a string, got 1");
}
END_TEST

START_TEST(test_unknown_names)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();

	BAD(cat,
	    "{\"features\": {\"virtio-net.host_usoo\": true}}",
	    HC_ERROR_UNKNOWN_FEATURE,
	    "$.features[\"virtio-net.host_usoo\"]: unknown feature \"virtio-net.host_usoo\"; did "
	    "you mean \"virtio-net.host_uso\"?");
	BAD(cat,
	    "{\"features\": {\"memory.size\": 4096}}",
	    HC_ERROR_UNKNOWN_FEATURE,
	    "$.features[\"memory.size\"]: unknown feature \"memory.size\"; did you mean "
	    "\"memory.share\"?");
	BAD(cat,
	    "{\"features\": {\"frobnicator.level\": 3}}",
	    HC_ERROR_UNKNOWN_FEATURE,
	    "$.features[\"frobnicator.level\"]: unknown feature \"frobnicator.level\"");
	{
		/* no far-fetched guess */
		g_autoptr(HcSnapshot) host = hc_test_host("v-deb12-6.1");
		g_autoptr(GError) error = NULL;
		const char *s = "{\"features\": {\"frobnicator.level\": 3}}";
		ck_assert(!hc_check_bootable(cat, s, strlen(s), host, NULL, NULL, &error));
		ck_assert_ptr_null(strstr(error->message, "did you mean"));
	}
	BAD(cat,
	    "{\"machine\": \"pc-q35-9.9\", \"features\": {}}",
	    HC_ERROR_INVALID_ARGUMENT,
	    "$.machine: unknown machine type \"pc-q35-9.9\"; did you mean \"pc-q35-9.");
	BAD(cat,
	    "{\"platform\": \"linux-6.2\", \"features\": {}}",
	    HC_ERROR_INVALID_ARGUMENT,
	    "$.platform: unknown platform \"linux-6.2\"");
	BAD(cat,
	    "{\"features\": {\"cpu.model\": \"Test-Skylak\"}}",
	    HC_ERROR_INVALID_ARGUMENT,
	    "$.features[\"cpu.model\"]: unknown CPU model \"Test-Skylak\"; did you mean "
	    "\"Test-Skylake\"?");
}
END_TEST

START_TEST(test_bad_json)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	const gint INVAL = HC_ERROR_INVALID_ARGUMENT;

	BAD(cat, "{\"features\": {", INVAL, "$.features: invalid JSON");
	/* answered "Bootable" when json-glib let the last duplicate win */
	BAD(cat,
	    "{\"features\": {\"accel.kvm\":true,\"accel.kvm\":false}}",
	    INVAL,
	    "$.features[\"accel.kvm\"]: invalid JSON: duplicate member name");
	BAD(cat,
	    "{\"features\": {\"memory.size_mib\": 99999999999999999999}}",
	    INVAL,
	    "$.features[\"memory.size_mib\"]: invalid JSON: integer out of the 64-bit range");
	BAD(cat,
	    "{\"features\": {} /* [[[[ */}",
	    INVAL,
	    "$.features: invalid JSON: comments are not allowed");
	BAD(cat, "", INVAL, "$: expected an object, got nothing");
	BAD(cat, "[]", INVAL, "$: expected an object, got an array");
	BAD(cat, "{\"features\": {}} trailing", INVAL, "$: invalid JSON");
	assert_spec_error(cat, "{\"features\": {}}\0{}", 19, INVAL, "$: not valid UTF-8 text");
	BAD(cat, "{\"machine\": \"\xff\", \"features\": {}}", INVAL, "$: not valid UTF-8 text");
}
END_TEST

START_TEST(test_limits)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	g_autoptr(GString) big = g_string_new("{\"features\": {}, \"machine\": \"");
	g_autoptr(GString) many = g_string_new("{\"features\": {");
	g_autoptr(GString) deep = g_string_new("{\"features\": {}, \"unevaluated\": ");
	g_autoptr(GString) deep_path = g_string_new(NULL);
	g_autoptr(GString) ok = g_string_new("{\"features\": {}, \"unevaluated\": ");
	g_autofree char *want = NULL;

	/* one byte over 64 KiB */
	while (big->len < HC_LIMIT_SPEC_BYTES - 1)
		g_string_append_c(big, 'a');
	g_string_append(big, "\"}");
	want = g_strdup_printf("$: %u bytes is over the limit of %u",
			       (guint)big->len,
			       (guint)HC_LIMIT_SPEC_BYTES);
	BAD(cat, big->str, HC_ERROR_INVALID_ARGUMENT, want);

	for (guint i = 0; i <= HC_LIMIT_FEATURES; i++)
		g_string_append_printf(many, "%s\"cpu.feature.f%u\": false", i ? "," : "", i);
	g_string_append(many, "}}");
	BAD(cat,
	    many->str,
	    HC_ERROR_INVALID_ARGUMENT,
	    "$.features: 1025 features is over the limit of 1024");

	/* 33 levels: the root object plus 32 arrays */
	for (guint i = 0; i < HC_LIMIT_NESTING; i++)
		g_string_append_c(deep, '[');
	for (guint i = 0; i < HC_LIMIT_NESTING; i++)
		g_string_append_c(deep, ']');
	g_string_append_c(deep, '}');
	/* the path of the level that is one too deep */
	g_string_assign(deep_path, "$.unevaluated");
	for (guint i = 0; i < HC_LIMIT_NESTING - 1; i++)
		g_string_append(deep_path, "[0]");
	g_string_append(deep_path, ": nested deeper than 32 levels");
	BAD(cat, deep->str, HC_ERROR_INVALID_ARGUMENT, deep_path->str);

	/* 32 levels pass the nesting check and fail on the type instead */
	for (guint i = 0; i < HC_LIMIT_NESTING - 1; i++)
		g_string_append_c(ok, '[');
	for (guint i = 0; i < HC_LIMIT_NESTING - 1; i++)
		g_string_append_c(ok, ']');
	g_string_append_c(ok, '}');
	BAD(cat, ok->str, HC_ERROR_INVALID_ARGUMENT, "$.unevaluated[0]: expected a string");
}
END_TEST

/* brackets inside strings do not count as nesting */
START_TEST(test_brackets_in_strings)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	g_autoptr(HcSnapshot) host = hc_test_host("v-deb12-6.1");
	g_autoptr(GString) spec = g_string_new("{\"features\": {}, \"unevaluated\": [\"");
	g_autoptr(GError) error = NULL;
	HcVerdict verdict;

	for (guint i = 0; i < 100; i++)
		g_string_append(spec, "[{\\\"");
	g_string_append(spec, "\"]}");
	ck_assert_msg(hc_check_bootable(cat, spec->str, spec->len, host, &verdict, NULL, &error),
		      "%s",
		      error ? error->message : "");
	ck_assert_int_eq(verdict, HC_VERDICT_YES);
}
END_TEST

static Suite *
spec_suite(void)
{
	Suite *s = suite_create("spec");
	TCase *tc = tcase_create("errors");
	tcase_add_test(tc, test_wrong_types);
	tcase_add_test(tc, test_unknown_names);
	tcase_add_test(tc, test_bad_json);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_brackets_in_strings);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(spec_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
