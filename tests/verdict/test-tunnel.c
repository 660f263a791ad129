/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * the UDP tunnel offload story, like the USO one: machine types from 10.2 turn host_tunnel,
 * guest_tunnel, host_tunnel_csum and guest_tunnel_csum on; one tap probe
 * (TUNSETOFFLOAD(CSUM|TSO4|UDP_TUNNEL_GSO)) gates all four; v-sid-6.18 has it, v-trixie-6.12
 * has not
 */
#include "hc-catalogue.h"
#include "hc-verdict-test.h"

#define SID    "v-sid-6.18"
#define TRIXIE "v-trixie-6.12"

#define TUNNEL_SPEC(machine, extra)                                                                \
	"{\"machine\": \"" machine                                                                 \
	"\", \"features\": {\"accel.kvm\": true, \"netdev.tap\": true, "                           \
	"\"netdev.vhost\": true, \"memory.size_mib\": 4096" extra "}}"
#define PINS                                                                                       \
	", \"virtio-net.host_tunnel\": false, \"virtio-net.guest_tunnel\": false, "                \
	"\"virtio-net.host_tunnel_csum\": false, \"virtio-net.guest_tunnel_csum\": false"

static const struct {
	const char *name;
	const char *spec;
	const char *src;
	const char *dst;
	HcVerdict verdict;
	const char *summary;
} golden[] = {
    {"new-to-old",
     TUNNEL_SPEC("pc-q35-10.2", ""),
     SID,
     TRIXIE,
     HC_VERDICT_NO,
     "error:virtio-net.guest_tunnel"},
    {"i440fx-new-to-old",
     TUNNEL_SPEC("pc-i440fx-11.1", ""),
     SID,
     TRIXIE,
     HC_VERDICT_NO,
     "error:virtio-net.guest_tunnel"},
    /* the target offers more than the guest negotiated */
    {"old-to-new",
     TUNNEL_SPEC("pc-q35-10.2", ""),
     TRIXIE,
     SID,
     HC_VERDICT_YES,
     "warning:virtio-net.guest_tunnel"},
    /* 10.1 machine types have all four off */
    {"machine-10.1", TUNNEL_SPEC("pc-q35-10.1", ""), SID, TRIXIE, HC_VERDICT_YES, ""},
    {"pinned-by-hand", TUNNEL_SPEC("pc-q35-10.2", PINS), SID, TRIXIE, HC_VERDICT_YES, ""},
    {"pinned-by-platform",
     "{\"machine\": \"pc-q35-11.1\", \"platform\": \"linux-6.12-class\", \"features\": "
     "{\"netdev.tap\": true, \"netdev.vhost\": true}}",
     SID,
     TRIXIE,
     HC_VERDICT_YES,
     ""},
};

START_TEST(test_golden)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	HcTestResult res = {0};

	hc_test_migration(cat, golden[_i].spec, golden[_i].src, golden[_i].dst, &res);
	hc_test_assert_golden(&res, golden[_i].name, golden[_i].verdict, golden[_i].summary);
	hc_test_result_clear(&res);
}
END_TEST

/* the finding names all four properties on both hosts, the probe that said no and the pins */
START_TEST(test_finding)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	const char *const props[] = {"host_tunnel",
				     "guest_tunnel",
				     "host_tunnel_csum",
				     "guest_tunnel_csum"};
	HcTestResult res = {0};
	JsonObject *f;
	const char *reason;

	hc_test_migration(cat, TUNNEL_SPEC("pc-q35-10.2", ""), SID, TRIXIE, &res);
	f = hc_test_find(&res, "virtio-net.guest_tunnel");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(json_object_get_string_member(f, "severity"), "error");
	ck_assert_str_eq(json_object_get_string_member(f, "direction"), "hv-sid -> hv-trixie");
	ck_assert_str_eq(json_object_get_string_member(f, "pin"),
			 "guest_tunnel=off,guest_tunnel_csum=off,host_tunnel=off,"
			 "host_tunnel_csum=off on both");
	reason = json_object_get_string_member(f, "reason");
	for (guint i = 0; i < G_N_ELEMENTS(props); i++) {
		g_autofree char *on = g_strdup_printf("%s=on", props[i]);
		g_autofree char *off = g_strdup_printf("%s=off", props[i]);
		ck_assert_msg(strstr(reason, on) != NULL, "%s: %s", on, reason);
		ck_assert_msg(strstr(reason, off) != NULL, "%s: %s", off, reason);
	}
	ck_assert_ptr_nonnull(strstr(reason, "TUNSETOFFLOAD(CSUM|TSO4|UDP_TUNNEL_GSO): EINVAL"));
	ck_assert_ptr_nonnull(
	    strstr(json_object_get_string_member(f, "remediation"), "linux-6.12-class"));
	hc_test_result_clear(&res);
}
END_TEST

/* the _csum properties need only the tap probe; with vhost the kernel bits 65 and 67 count */
START_TEST(test_requirements)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	const struct {
		const char *id, *requires;
	} cases[] = {
	    {"virtio-net.host_tunnel_csum", "net.tap.udp_tunnel_gso"},
	    {"virtio-net.guest_tunnel_csum", "net.tap.udp_tunnel_gso"},
	    {"virtio-net.host_tunnel",
	     "net.tap.udp_tunnel_gso && (!feature(\"netdev.vhost\", false) || "
	     "vhost.net.feature.host_udp_tunnel_gso)"},
	    {"virtio-net.guest_tunnel",
	     "net.tap.udp_tunnel_gso && (!feature(\"netdev.vhost\", false) || "
	     "vhost.net.feature.guest_udp_tunnel_gso)"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		const HcFeatureDef *def = hc_catalogue_lookup_feature(cat, cases[i].id);
		ck_assert_ptr_nonnull(def);
		ck_assert_str_eq(def->requires, cases[i].requires);
		ck_assert_str_eq(def->group, "virtio-net.udp-tunnel");
		ck_assert(def->platform_dependent);
	}
}
END_TEST

/* a platform that promises tunnel GSO: the sid host satisfies it, the trixie host does not */
START_TEST(test_platform)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	const char *spec = "{\"machine\": \"pc-q35-10.2\", \"platform\": \"linux-6.17-class\", "
			   "\"features\": {\"netdev.tap\": true, \"netdev.vhost\": true}}";
	HcTestResult res = {0};

	hc_test_bootable(cat, spec, SID, &res);
	hc_test_assert_golden(&res, "6.17-on-sid", HC_VERDICT_YES, "");
	hc_test_result_clear(&res);
	hc_test_bootable(cat, spec, TRIXIE, &res);
	ck_assert_int_eq(res.verdict, HC_VERDICT_NO);
	ck_assert_ptr_nonnull(hc_test_find(&res, "virtio-net.guest_tunnel"));
	hc_test_result_clear(&res);
	hc_test_migration(cat, spec, SID, SID, &res);
	hc_test_assert_golden(&res, "6.17-sid-to-sid", HC_VERDICT_YES, "");
	hc_test_result_clear(&res);
}
END_TEST

/* examples/tunnel-migration*.json, as scripts/demo shows them */
START_TEST(test_examples)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	g_autofree char *spec = hc_test_example("tunnel-migration.json");
	g_autofree char *pinned = hc_test_example("tunnel-migration-pinned.json");
	HcTestResult res = {0};

	hc_test_migration(cat, spec, SID, TRIXIE, &res);
	hc_test_assert_golden(&res, "example", HC_VERDICT_NO, "error:virtio-net.guest_tunnel");
	hc_test_result_clear(&res);
	hc_test_migration(cat, pinned, SID, TRIXIE, &res);
	hc_test_assert_golden(&res, "example-pinned", HC_VERDICT_YES, "");
	hc_test_result_clear(&res);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tunnel");
	TCase *tc = tcase_create("tunnel");
	SRunner *runner;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_golden, 0, G_N_ELEMENTS(golden));
	tcase_add_test(tc, test_finding);
	tcase_add_test(tc, test_requirements);
	tcase_add_test(tc, test_platform);
	tcase_add_test(tc, test_examples);
	suite_add_tcase(s, tc);
	runner = srunner_create(s);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? 0 : 1;
}
