/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <string.h>

#include "hostcap/hc-capability.h"
#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

START_TEST(test_state_names)
{
	/* the names are the format: JSON and D-Bus carry exactly these strings */
	static const char *const expected[] = {"supported", "unsupported", "disabled", "unknown"};

	ck_assert_int_eq(G_N_ELEMENTS(expected), HC_CAP_STATE_LAST);
	for (guint i = 0; i < HC_CAP_STATE_LAST; i++) {
		HcCapState state = HC_CAP_STATE_LAST;

		ck_assert_str_eq(hc_cap_state_to_string(i), expected[i]);
		ck_assert(hc_cap_state_from_string(expected[i], &state));
		ck_assert_int_eq(state, i);
	}
}
END_TEST

START_TEST(test_state_unknown_names)
{
	HcCapState state = HC_CAP_STATE_DISABLED;

	ck_assert(!hc_cap_state_from_string("maybe", &state));
	ck_assert(!hc_cap_state_from_string("Supported", &state));
	ck_assert(!hc_cap_state_from_string("", &state));
	ck_assert(!hc_cap_state_from_string(NULL, &state));
	/* untouched on failure */
	ck_assert_int_eq(state, HC_CAP_STATE_DISABLED);
	ck_assert_ptr_null(hc_cap_state_to_string(HC_CAP_STATE_LAST));
}
END_TEST

static const struct {
	const char *id;
	gboolean valid;
} id_table[] = {
    {"kvm.present", TRUE},
    {"kvm.cap.tsc_control", TRUE},
    {"mem.hugepages.2m.free", TRUE},
    {"uffd.access.qemu-user", TRUE},
    {"cpu.feature.avx512f", TRUE},
    {"0.1", TRUE},
    {"a.-", TRUE},
    {"kvm", FALSE},
    {"", FALSE},
    {".kvm", FALSE},
    {"kvm.", FALSE},
    {"kvm..present", FALSE},
    {"KVM.present", FALSE},
    {"kvm.Present", FALSE},
    {"kvm_x.present", FALSE},
    {"-kvm.present", FALSE},
    {"kvm.pre sent", FALSE},
    {"kvm.present\n", FALSE},
    {"kvm.présent", FALSE},
    {"kvm/present", FALSE},
};

START_TEST(test_id_validity)
{
	/* an independent reading of the contract: the regex from DESIGN §4 */
	g_autoptr(GRegex) re =
	    g_regex_new("^[a-z0-9]+(\\.[a-z0-9_-]+)+$", G_REGEX_DOLLAR_ENDONLY, 0, NULL);

	for (guint i = 0; i < G_N_ELEMENTS(id_table); i++) {
		ck_assert_msg(hc_capability_id_is_valid(id_table[i].id) == id_table[i].valid,
			      "id '%s' expected %s",
			      id_table[i].id,
			      id_table[i].valid ? "valid" : "invalid");
		ck_assert_msg(g_regex_match(re, id_table[i].id, 0, NULL) == id_table[i].valid,
			      "table row '%s' disagrees with the regex",
			      id_table[i].id);
	}
	ck_assert(!hc_capability_id_is_valid(NULL));
}
END_TEST

START_TEST(test_value_types)
{
	static const char *const good[] = {"b", "x", "s", "as"};
	static const char *const bad[] = {"i", "u", "t", "d", "ay", "a{sv}", "v", "(s)", "o"};

	for (guint i = 0; i < G_N_ELEMENTS(good); i++)
		ck_assert(hc_capability_value_type_is_valid(G_VARIANT_TYPE(good[i])));
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
		ck_assert(!hc_capability_value_type_is_valid(G_VARIANT_TYPE(bad[i])));
}
END_TEST

static guint warnings_seen;

static GLogWriterOutput
count_warnings(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
	for (gsize i = 0; i < n_fields; i++) {
		if (g_str_equal(fields[i].key, "MESSAGE") && (level & G_LOG_LEVEL_WARNING) &&
		    strstr(fields[i].value, "not one of b, x, s, as") != NULL)
			warnings_seen++;
	}
	return G_LOG_WRITER_HANDLED;
}

START_TEST(test_new_sinks_and_refuses)
{
	g_autoptr(HcCapability) with_int = hc_capability_new("kvm.vcpus.max",
							     HC_CAP_STATE_SUPPORTED,
							     g_variant_new_int64(1024),
							     "KVM_CAP_MAX_VCPUS");
	g_autoptr(HcCapability) with_u32 = NULL;
	g_autoptr(HcCapability) no_reason =
	    hc_capability_new("kvm.present", HC_CAP_STATE_UNKNOWN, NULL, NULL);

	ck_assert(!g_variant_is_floating(with_int->value));
	ck_assert_int_eq(g_variant_get_int64(with_int->value), 1024);
	ck_assert_str_eq(with_int->reason, "KVM_CAP_MAX_VCPUS");
	ck_assert_ptr_null(with_int->probe);
	/* reason is always set, even when the caller gave none */
	ck_assert_str_eq(no_reason->reason, "");

	/* a "u" value is a programming error: dropped, the capability survives */
	g_log_set_writer_func(count_warnings, NULL, NULL);
	with_u32 =
	    hc_capability_new("kvm.x.y", HC_CAP_STATE_SUPPORTED, g_variant_new_uint32(3), "r");
	ck_assert_uint_eq(warnings_seen, 1);
	ck_assert_ptr_null(with_u32->value);
	ck_assert_str_eq(with_u32->id, "kvm.x.y");
}
END_TEST

START_TEST(test_copy_and_equal)
{
	g_autoptr(HcCapability) a =
	    hc_capability_new("net.tap.uso", HC_CAP_STATE_SUPPORTED, NULL, "accepted");
	g_autoptr(HcCapability) b = NULL;
	g_autoptr(HcCapability) c = NULL;

	a->probe = g_strdup("tap");
	b = hc_capability_copy(a);
	ck_assert_ptr_ne(a, b);
	ck_assert_str_eq(b->probe, "tap");
	ck_assert(hc_capability_equal(a, b));

	/* reason and probe do not count */
	g_free(b->reason);
	b->reason = g_strdup("something else");
	ck_assert(hc_capability_equal(a, b));

	b->state = HC_CAP_STATE_UNSUPPORTED;
	ck_assert(!hc_capability_equal(a, b));

	/* a value where there was none, and one of another type, both differ */
	c = hc_capability_new("net.tap.uso",
			      HC_CAP_STATE_SUPPORTED,
			      g_variant_new_boolean(TRUE),
			      "accepted");
	ck_assert(!hc_capability_equal(a, c));
	{
		g_autoptr(HcCapability) i1 =
		    hc_capability_new("a.b", 0, g_variant_new_int64(1), "");
		g_autoptr(HcCapability) s1 =
		    hc_capability_new("a.b", 0, g_variant_new_string("1"), "");
		g_autoptr(HcCapability) i2 =
		    hc_capability_new("a.b", 0, g_variant_new_int64(1), "x");

		ck_assert(!hc_capability_equal(i1, s1));
		ck_assert(hc_capability_equal(i1, i2));
	}
	ck_assert(!hc_capability_equal(a, NULL));
	ck_assert(hc_capability_equal(NULL, NULL));
}
END_TEST

START_TEST(test_value_to_string)
{
	const char *const strv[] = {"2M", "1G", NULL};
	g_autoptr(HcCapability) b = hc_capability_new("a.b", 0, g_variant_new_boolean(TRUE), "");
	g_autoptr(HcCapability) f = hc_capability_new("a.b", 0, g_variant_new_boolean(FALSE), "");
	g_autoptr(HcCapability) x = hc_capability_new("a.b", 0, g_variant_new_int64(-42), "");
	g_autoptr(HcCapability) s = hc_capability_new("a.b", 0, g_variant_new_string("6.1.0"), "");
	g_autoptr(HcCapability) as = hc_capability_new("a.b", 0, g_variant_new_strv(strv, -1), "");
	g_autoptr(HcCapability) none = hc_capability_new("a.b", 0, NULL, "");
	g_autofree char *sb = hc_capability_value_to_string(b);
	g_autofree char *sf = hc_capability_value_to_string(f);
	g_autofree char *sx = hc_capability_value_to_string(x);
	g_autofree char *ss = hc_capability_value_to_string(s);
	g_autofree char *sas = hc_capability_value_to_string(as);
	g_autofree char *snone = hc_capability_value_to_string(none);

	ck_assert_str_eq(sb, "yes");
	ck_assert_str_eq(sf, "no");
	ck_assert_str_eq(sx, "-42");
	ck_assert_str_eq(ss, "6.1.0");
	ck_assert_str_eq(sas, "2M, 1G");
	ck_assert_str_eq(snone, "");
}
END_TEST

START_TEST(test_id_matches)
{
	static const struct {
		const char *id;
		const char *pattern;
		gboolean match;
	} table[] = {
	    {"kvm.present", "kvm.present", TRUE},
	    {"kvm.present", "kvm", TRUE},
	    {"kvm.present", "kvm.", TRUE},
	    {"kvm.cap.tsc_control", "kvm.cap", TRUE},
	    {"kvm.present", "", TRUE},
	    {"kvm.present", "*", TRUE},
	    {"kvm.present", NULL, TRUE},
	    {"kvm.present", "kv", FALSE},
	    {"kvm.present", "kvm.pres", FALSE},
	    {"kvm.present", "kvm.present.x", FALSE},
	    {"kvmx.present", "kvm", FALSE},
	    {"kvm.present", "net", FALSE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(table); i++)
		ck_assert_msg(hc_capability_id_matches(table[i].id, table[i].pattern) ==
				  table[i].match,
			      "'%s' vs pattern '%s'",
			      table[i].id,
			      table[i].pattern != NULL ? table[i].pattern : "(null)");
}
END_TEST

START_TEST(test_error_table)
{
	static const struct {
		HcError code;
		const char *name;
	} table[] = {
	    {HC_ERROR_INVALID_ARGUMENT, "org.hostcapd.HostCap1.Error.InvalidArgument"},
	    {HC_ERROR_UNKNOWN_FEATURE, "org.hostcapd.HostCap1.Error.UnknownFeature"},
	    {HC_ERROR_ACCESS_DENIED, "org.hostcapd.HostCap1.Error.AccessDenied"},
	    {HC_ERROR_BUSY, "org.hostcapd.HostCap1.Error.Busy"},
	    {HC_ERROR_TIMED_OUT, "org.hostcapd.HostCap1.Error.TimedOut"},
	    {HC_ERROR_INTERNAL, "org.hostcapd.HostCap1.Error.Internal"},
	};

	ck_assert_int_eq(G_N_ELEMENTS(table), HC_ERROR_LAST);
	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		ck_assert_str_eq(hc_error_to_dbus_name(table[i].code), table[i].name);
		ck_assert_int_eq(hc_error_from_dbus_name(table[i].name), table[i].code);
	}
	ck_assert_str_eq(hc_error_to_dbus_name(-1), HC_DBUS_ERROR_INTERNAL);
	ck_assert_str_eq(hc_error_to_dbus_name(HC_ERROR_LAST), HC_DBUS_ERROR_INTERNAL);
	ck_assert_int_eq(hc_error_from_dbus_name("org.freedesktop.DBus.Error.Failed"),
			 HC_ERROR_LAST);
	ck_assert_int_eq(hc_error_from_dbus_name(NULL), HC_ERROR_LAST);
	ck_assert_str_eq(g_quark_to_string(HC_ERROR), "hc-error-quark");
}
END_TEST

static Suite *
capability_suite(void)
{
	Suite *s = suite_create("capability");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_state_names);
	tcase_add_test(tc, test_state_unknown_names);
	tcase_add_test(tc, test_id_validity);
	tcase_add_test(tc, test_value_types);
	tcase_add_test(tc, test_new_sinks_and_refuses);
	tcase_add_test(tc, test_copy_and_equal);
	tcase_add_test(tc, test_value_to_string);
	tcase_add_test(tc, test_id_matches);
	tcase_add_test(tc, test_error_table);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(capability_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
