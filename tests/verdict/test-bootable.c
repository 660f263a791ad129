/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* golden bootable verdicts over the fixture hosts (tests/fixtures/hosts/v-*.json) */

#include <stdarg.h>
#include <string.h>

#include "hc-verdict-test.h"

#define DEB12	"v-deb12-6.1"
#define TRIXIE	"v-trixie-6.12"
#define TIMEOUT "v-deb12-tap-timeout"

/* 4 GiB in default-size (2 MiB) huge pages: the 6.12 host has 4096 free, the 6.1 host none */
#define HOST_ANSWERS                                                                               \
	"\"accel.kvm\": true, \"machine.kernel_irqchip\": \"split\", \"accel.cpu_pm\": true, "     \
	"\"memory.size_mib\": 4096, \"memory.hugepages\": \"default\", "                           \
	"\"cpu.host_phys_bits\": true, \"cpu.pmu\": true"

#define NIC "\"accel.kvm\": true, \"netdev.tap\": true, \"netdev.vhost\": true"

static const struct {
	const char *name;
	const char *spec;
	const char *host;
	HcVerdict verdict;
	const char *summary;
} golden[] = {
    /* the USO story: 8.2 turns USO on; a 6.1 tap quietly drops it, vhost drops ring reset */
    {"uso-default-6.1",
     "{\"machine\": \"pc-q35-8.2\", \"features\": {" NIC "}}",
     DEB12,
     HC_VERDICT_YES,
     "warning:virtio-net.guest_uso4 warning:virtio.queue_reset"},
    {"uso-default-6.12",
     "{\"machine\": \"pc-q35-8.2\", \"features\": {" NIC "}}",
     TRIXIE,
     HC_VERDICT_YES,
     ""},
    {"uso-explicit-6.1",
     "{\"machine\": \"pc-q35-9.0\", \"features\": {" NIC ", \"virtio-net.host_uso\": true}}",
     DEB12,
     HC_VERDICT_NO,
     "error:virtio-net.host_uso warning:virtio-net.guest_uso4 warning:virtio.queue_reset"},
    {"uso-explicit-timeout",
     "{\"machine\": \"pc-q35-9.0\", \"features\": {\"netdev.tap\": true, "
     "\"virtio-net.host_uso\": true}}",
     TIMEOUT,
     HC_VERDICT_UNKNOWN,
     "error:virtio-net.host_uso,unknown warning:virtio-net.csum,unknown "
     "warning:virtio-net.guest_ecn,unknown warning:virtio-net.guest_tso4,unknown "
     "warning:virtio-net.guest_tso6,unknown warning:virtio-net.guest_ufo,unknown "
     "warning:virtio-net.guest_uso4,unknown warning:virtio-net.host_ecn,unknown "
     "warning:virtio-net.host_tso4,unknown warning:virtio-net.host_tso6,unknown"},
    {"machine-8.1-no-uso",
     "{\"machine\": \"pc-q35-8.1\", \"features\": {" NIC "}}",
     DEB12,
     HC_VERDICT_YES,
     "warning:virtio.queue_reset"},
    {"no-nic-no-virtio-net",
     "{\"machine\": \"pc-q35-9.0\", \"features\": {\"accel.kvm\": true}}",
     DEB12,
     HC_VERDICT_YES,
     ""},
    {"vhost-off-keeps-queue-reset",
     "{\"machine\": \"pc-q35-9.0\", \"features\": {\"netdev.tap\": true}}",
     DEB12,
     HC_VERDICT_YES,
     "warning:virtio-net.guest_uso4"},
    /* CPU models: one finding per model; enforce makes it an error, otherwise QEMU filters */
    {"cpu-enforce",
     "{\"features\": {\"cpu.model\": \"Test-Skylake\", \"cpu.enforce\": true}}",
     TRIXIE,
     HC_VERDICT_NO,
     "error:cpu.model"},
    {"cpu-filter",
     "{\"features\": {\"cpu.model\": \"Test-Skylake\"}}",
     TRIXIE,
     HC_VERDICT_YES,
     "warning:cpu.model"},
    {"cpu-minus-feature",
     "{\"features\": {\"cpu.model\": \"Test-Skylake\", \"cpu.enforce\": true, "
     "\"cpu.feature.avx512f\": false, \"cpu.feature.pcid\": false}}",
     TRIXIE,
     HC_VERDICT_YES,
     ""},
    {"cpu-alias",
     "{\"features\": {\"cpu.model\": \"Test-Alias\", \"cpu.enforce\": true}}",
     DEB12,
     HC_VERDICT_YES,
     ""},
    {"cpu-unreported",
     "{\"features\": {\"cpu.model\": \"Test-Base\", \"cpu.enforce\": true}}",
     TIMEOUT,
     HC_VERDICT_UNKNOWN,
     "error:cpu.model,unknown"},
    {"cpu-plus-feature-enforce",
     "{\"features\": {\"cpu.enforce\": true, \"cpu.feature.avx512f\": true}}",
     DEB12,
     HC_VERDICT_NO,
     "error:cpu.feature.avx512f"},
    {"cpu-plus-feature-filtered",
     "{\"features\": {\"cpu.feature.avx512f\": true}}",
     DEB12,
     HC_VERDICT_YES,
     "warning:cpu.feature.avx512f"},
    /* memory */
    {"hugepages-none-reserved",
     "{\"features\": {\"memory.size_mib\": 4096, \"memory.hugepages\": \"2M\"}}",
     DEB12,
     HC_VERDICT_NO,
     "error:memory.hugepages"},
    {"hugepages-reserved",
     "{\"features\": {\"memory.size_mib\": 4096, \"memory.hugepages\": \"2M\"}}",
     TRIXIE,
     HC_VERDICT_YES,
     ""},
    {"memory-too-big",
     "{\"features\": {\"memory.size_mib\": 200000}}",
     DEB12,
     HC_VERDICT_NO,
     "error:memory.size_mib"},
    {"memory-fits", "{\"features\": {\"memory.size_mib\": 32768}}", DEB12, HC_VERDICT_YES, ""},
    /* migration capabilities as the QEMU user */
    {"postcopy-nonroot",
     "{\"features\": {\"migration.postcopy\": true}}",
     DEB12,
     HC_VERDICT_NO,
     "error:migration.postcopy"},
    {"postcopy-allowed",
     "{\"features\": {\"migration.postcopy\": true}}",
     TRIXIE,
     HC_VERDICT_YES,
     ""},
    {"sev-missing",
     "{\"features\": {\"confidential.sev\": true}}",
     DEB12,
     HC_VERDICT_NO,
     "error:confidential.sev"},
    {"tsc-other-host",
     "{\"features\": {\"cpu.tsc_khz\": 2445424}}",
     TRIXIE,
     HC_VERDICT_NO,
     "error:cpu.tsc_khz"},
    {"tsc-same-host", "{\"features\": {\"cpu.tsc_khz\": 2445424}}", DEB12, HC_VERDICT_YES, ""},
    {"tsc-within-250ppm", "{\"features\": {\"cpu.tsc_khz\": 2445900}}", DEB12, HC_VERDICT_YES, ""},
    {"vcpus", "{\"features\": {\"smp.maxcpus\": 2048}}", DEB12, HC_VERDICT_NO, "error:smp.maxcpus"},
    {"vfio",
     "{\"features\": {\"vfio-pci.present\": true}}",
     DEB12,
     HC_VERDICT_NO,
     "error:vfio-pci.present"},
    {"aio", "{\"features\": {\"block.aio\": \"io_uring\"}}", DEB12, HC_VERDICT_YES, ""},
    /* platforms: defined by capabilities, checked on the host */
    {"platform-6.2-on-6.1",
     "{\"machine\": \"pc-q35-9.0\", \"platform\": \"linux-6.2-class\", "
     "\"features\": {" NIC "}}",
     DEB12,
     HC_VERDICT_NO,
     "error:platform error:virtio-net.guest_uso4"},
    {"platform-6.2-on-6.12",
     "{\"machine\": \"pc-q35-9.0\", \"platform\": \"linux-6.2-class\", "
     "\"features\": {" NIC "}}",
     TRIXIE,
     HC_VERDICT_YES,
     ""},
    {"platform-6.1-on-6.1",
     "{\"machine\": \"pc-q35-9.0\", \"platform\": \"linux-6.1-class\", "
     "\"features\": {" NIC "}}",
     DEB12,
     HC_VERDICT_YES,
     ""},
    /* answers the catalogue reads that the fixtures carry since the importer's additions:
     * split irqchip, cpu-pm exits, host-phys-bits, the vPMU and default-size huge pages */
    {"host-answers-6.12",
     "{\"machine\": \"pc-q35-9.0\", \"features\": {" HOST_ANSWERS "}}",
     TRIXIE,
     HC_VERDICT_YES,
     ""},
    {"host-answers-6.1",
     "{\"machine\": \"pc-q35-9.0\", \"features\": {" HOST_ANSWERS "}}",
     DEB12,
     HC_VERDICT_NO,
     "error:memory.hugepages"},
    {"unevaluated",
     "{\"features\": {}, \"unevaluated\": [\"-device ich9-intel-hda\"]}",
     DEB12,
     HC_VERDICT_YES,
     "info:unevaluated"},
};

START_TEST(test_golden)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	HcTestResult res = {0};

	hc_test_bootable(cat, golden[_i].spec, golden[_i].host, &res);
	hc_test_assert_golden(&res, golden[_i].name, golden[_i].verdict, golden[_i].summary);
	hc_test_result_clear(&res);
}
END_TEST

/* what QEMU will actually run with: USO off on 6.1, on with 6.12, pinned by a platform */
START_TEST(test_effective)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	HcTestResult res = {0};
	JsonObject *eff;

	hc_test_bootable(cat, golden[0].spec, DEB12, &res);
	eff = json_object_get_object_member(res.report, "effective");
	ck_assert(!json_object_get_boolean_member(eff, "virtio-net.host_uso"));
	ck_assert(!json_object_get_boolean_member(eff, "virtio.queue_reset"));
	ck_assert(json_object_get_boolean_member(eff, "virtio-net.host_tso4"));
	hc_test_result_clear(&res);

	hc_test_bootable(cat, golden[0].spec, TRIXIE, &res);
	eff = json_object_get_object_member(res.report, "effective");
	ck_assert(json_object_get_boolean_member(eff, "virtio-net.host_uso"));
	hc_test_result_clear(&res);

	hc_test_bootable(cat, golden[29].spec, TRIXIE, &res);
	eff = json_object_get_object_member(res.report, "effective");
	ck_assert(!json_object_get_boolean_member(eff, "virtio-net.host_uso"));
	hc_test_result_clear(&res);
}
END_TEST

/* the finding a tired operator reads: names the interface, the kernel, the pin */
START_TEST(test_uso_finding_text)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	HcTestResult res = {0};
	JsonObject *f;
	JsonArray *caps;
	const char *reason;
	const char *rem;

	hc_test_bootable(cat, golden[0].spec, DEB12, &res);
	f = hc_test_find(&res, "virtio-net.guest_uso4");
	ck_assert_ptr_nonnull(f);
	reason = json_object_get_string_member(f, "reason");
	rem = json_object_get_string_member(f, "remediation");
	ck_assert_str_eq(json_object_get_string_member(f, "origin"), "machine");
	ck_assert_ptr_nonnull(strstr(reason,
				     "QEMU will silently turn guest_uso4, guest_uso6 and "
				     "host_uso off here; the guest ABI will differ"));
	ck_assert_ptr_nonnull(strstr(reason, "TUNSETOFFLOAD(CSUM|USO4|USO6): EINVAL"));
	ck_assert_ptr_nonnull(strstr(reason, "6.1.0-18-amd64"));
	ck_assert_ptr_nonnull(strstr(rem, "host_uso=off,guest_uso4=off,guest_uso6=off"));
	caps = json_object_get_array_member(f, "capabilities");
	ck_assert_uint_eq(json_array_get_length(caps), 1);
	ck_assert_str_eq(
	    json_object_get_string_member(json_array_get_object_element(caps, 0), "id"),
	    "net.tap.uso");
	ck_assert_str_eq(
	    json_object_get_string_member(json_array_get_object_element(caps, 0), "state"),
	    "unsupported");
	hc_test_result_clear(&res);
}
END_TEST

/* a JSON file of the repository, read without the code under test */
static JsonNode *
read_json(const char *first, ...)
{
	g_autoptr(GPtrArray) parts = g_ptr_array_new();
	g_autofree char *path = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;
	JsonNode *node;
	va_list ap;

	g_ptr_array_add(parts, (gpointer)HC_TEST_SOURCE_DIR);
	va_start(ap, first);
	for (const char *p = first; p != NULL; p = va_arg(ap, const char *))
		g_ptr_array_add(parts, (gpointer)p);
	va_end(ap);
	g_ptr_array_add(parts, NULL);
	path = g_build_filenamev((char **)parts->pdata);
	ck_assert_msg(g_file_get_contents(path, &text, NULL, &error), "%s", error->message);
	node = json_from_string(text, &error);
	ck_assert_msg(node != NULL, "%s: %s", path, error ? error->message : "");
	return node;
}

/* the features of EPYC-Rome (resolved through its alias) that @host does not support */
static guint
count_missing(JsonObject *models, const char *model, JsonObject *caps)
{
	JsonObject *m = json_object_get_object_member(models, model);
	JsonArray *feats;
	guint n = 0;

	if (!json_object_get_null_member(m, "alias_of"))
		m = json_object_get_object_member(models,
						  json_object_get_string_member(m, "alias_of"));
	feats = json_object_get_array_member(m, "features");
	for (guint i = 0; i < json_array_get_length(feats); i++) {
		g_autofree char *id =
		    g_strconcat("cpu.feature.", json_array_get_string_element(feats, i), NULL);
		JsonObject *c = json_object_get_object_member(caps, id);
		ck_assert_msg(c != NULL, "%s not in the fixture", id);
		if (g_strcmp0(json_object_get_string_member(c, "state"), "supported") != 0)
			n++;
	}
	return n;
}

/* one finding per CPU model: the count, the compact list, every capability, and models
 * that do run here; each suggested model must itself boot with enforce */
START_TEST(test_cpu_model_finding)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	g_autoptr(JsonNode) models_file =
	    read_json("data", "cpu-models.d", "qemu-7.2.22.json", NULL);
	g_autoptr(JsonNode) host_file =
	    read_json("tests", "fixtures", "hosts", DEB12 ".json", NULL);
	JsonObject *models =
	    json_object_get_object_member(json_node_get_object(models_file), "models");
	JsonObject *caps =
	    json_object_get_object_member(json_node_get_object(host_file), "capabilities");
	guint missing = count_missing(models, "EPYC-Rome", caps);
	g_autofree char *head = g_strdup_printf("EPYC-Rome needs %u CPU features this host's KVM "
						"does not offer: ",
						missing);
	g_auto(GStrv) suggested = NULL;
	HcTestResult res = {0};
	JsonObject *f;
	JsonArray *fcaps;
	const char *rem;

	ck_assert_uint_gt(missing, 12);
	hc_test_bootable(cat,
			 "{\"features\": {\"cpu.model\": \"EPYC-Rome\", \"cpu.enforce\": true}}",
			 DEB12,
			 &res);
	ck_assert_str_eq(res.summary, "error:cpu.model");
	f = hc_test_find(&res, "cpu.model");
	ck_assert_ptr_nonnull(strstr(json_object_get_string_member(f, "reason"), head));
	ck_assert_ptr_nonnull(strstr(json_object_get_string_member(f, "reason"), "clzero"));
	ck_assert_ptr_nonnull(
	    strstr(json_object_get_string_member(f, "reason"), "KVM_GET_SUPPORTED_CPUID"));
	ck_assert_ptr_nonnull(strstr(json_object_get_string_member(f, "reason"),
				     "with enforce QEMU refuses to start"));
	fcaps = json_object_get_array_member(f, "capabilities");
	ck_assert_uint_eq(json_array_get_length(fcaps), missing);
	for (guint i = 0; i < missing; i++) {
		JsonObject *c = json_array_get_object_element(fcaps, i);
		ck_assert(g_str_has_prefix(json_object_get_string_member(c, "id"), "cpu.feature."));
		ck_assert_str_ne(json_object_get_string_member(c, "state"), "supported");
	}
	/* the Intel models of the Debian 12 fixture, checked by hand against its CPUID */
	rem = json_object_get_string_member(f, "remediation");
	ck_assert_ptr_nonnull(
	    strstr(rem, "newest first: Skylake-Client-v1, Broadwell-v1, Broadwell-v2."));
	suggested = g_strsplit(strstr(rem, ": ") + 2, ", ", 3);
	ck_assert_uint_eq(g_strv_length(suggested), 3);
	*strchr(suggested[2], '.') = '\0';
	hc_test_result_clear(&res);
	for (guint i = 0; suggested[i] != NULL; i++) {
		g_autofree char *spec = g_strdup_printf(
		    "{\"features\": {\"cpu.model\": \"%s\", \"cpu.enforce\": true}}",
		    suggested[i]);
		hc_test_bootable(cat, spec, DEB12, &res);
		ck_assert_msg(res.verdict == HC_VERDICT_YES, "%s: %s", suggested[i], res.summary);
		hc_test_result_clear(&res);
	}

	/* without enforce: the same single finding, as a warning */
	hc_test_bootable(cat, "{\"features\": {\"cpu.model\": \"EPYC-Rome\"}}", DEB12, &res);
	ck_assert_str_eq(res.summary, "warning:cpu.model");
	f = hc_test_find(&res, "cpu.model");
	ck_assert_ptr_nonnull(strstr(json_object_get_string_member(f, "reason"),
				     "QEMU will start EPYC-Rome here without"));
	ck_assert_uint_eq(json_array_get_length(json_object_get_array_member(f, "capabilities")),
			  missing);
	hc_test_result_clear(&res);

	/* a host that could not answer: one unknown finding that says why */
	hc_test_bootable(cat,
			 "{\"features\": {\"cpu.model\": \"Test-Base\", \"cpu.enforce\": true}}",
			 TIMEOUT,
			 &res);
	f = hc_test_find(&res, "cpu.model");
	ck_assert_ptr_nonnull(strstr(json_object_get_string_member(f, "reason"),
				     "Cannot tell whether this host's KVM offers 2 CPU features "
				     "of Test-Base: sse4.2, avx2 (not reported by any probe)"));
	hc_test_result_clear(&res);
}
END_TEST

static Suite *
bootable_suite(void)
{
	Suite *s = suite_create("bootable");
	TCase *tc = tcase_create("golden");
	tcase_add_loop_test(tc, test_golden, 0, G_N_ELEMENTS(golden));
	tcase_add_test(tc, test_effective);
	tcase_add_test(tc, test_uso_finding_text);
	tcase_add_test(tc, test_cpu_model_finding);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(bootable_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
