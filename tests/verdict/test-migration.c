/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* migration and baseline verdicts, golden and property-based, over the fixture hosts */

#include "hc-baseline.h"
#include "hc-verdict-test.h"

#define DEB12	"v-deb12-6.1"
#define TRIXIE	"v-trixie-6.12"
#define TIMEOUT "v-deb12-tap-timeout"

#define USO_SPEC                                                                                   \
	"{\"machine\": \"pc-q35-8.2\", \"features\": {\"accel.kvm\": true, \"netdev.tap\": true, " \
	"\"netdev.vhost\": true, \"memory.size_mib\": 4096}}"

static const struct {
	const char *name;
	const char *spec;
	const char *src;
	const char *dst;
	HcVerdict verdict;
	const char *summary;
} golden[] = {
    /* 6.12 → 6.1: USO and ring reset would vanish under a guest that negotiated them */
    {"uso-new-to-old",
     USO_SPEC,
     TRIXIE,
     DEB12,
     HC_VERDICT_NO,
     "error:virtio-net.guest_uso4 error:virtio.queue_reset"},
    /* 6.1 → 6.12 works: the target offers more than the guest negotiated */
    {"uso-old-to-new",
     USO_SPEC,
     DEB12,
     TRIXIE,
     HC_VERDICT_YES,
     "warning:virtio-net.guest_uso4 warning:virtio.queue_reset"},
    {"uso-same-host", USO_SPEC, TRIXIE, TRIXIE, HC_VERDICT_YES, ""},
    {"uso-pinned-by-platform",
     "{\"machine\": \"pc-q35-8.2\", \"platform\": \"linux-6.1-class\", \"features\": "
     "{\"netdev.tap\": true, \"netdev.vhost\": true}}",
     TRIXIE,
     DEB12,
     HC_VERDICT_YES,
     ""},
    {"uso-pinned-by-hand",
     "{\"machine\": \"pc-q35-8.2\", \"features\": {\"netdev.tap\": true, \"netdev.vhost\": "
     "true, \"virtio-net.host_uso\": false, \"virtio-net.guest_uso4\": false, "
     "\"virtio-net.guest_uso6\": false, \"virtio.queue_reset\": false}}",
     TRIXIE,
     DEB12,
     HC_VERDICT_YES,
     ""},
    /* ring reset is known to be missing there, the tap offloads are not known at all */
    {"uso-target-unknown",
     USO_SPEC,
     TRIXIE,
     TIMEOUT,
     HC_VERDICT_NO,
     "error:netdev.tap,unknown error:virtio-net.csum,unknown error:virtio-net.guest_ecn,unknown "
     "error:virtio-net.guest_tso4,unknown error:virtio-net.guest_tso6,unknown "
     "error:virtio-net.guest_uso4,unknown "
     "error:virtio-net.host_ecn,unknown error:virtio-net.host_tso4,unknown "
     "error:virtio-net.host_tso6,unknown error:virtio.queue_reset"},
    /* TSC: the target can neither scale nor match the rate */
    {"tsc-mismatch",
     "{\"features\": {\"cpu.tsc_khz\": 2445424, \"cpu.invtsc\": true}}",
     DEB12,
     TRIXIE,
     HC_VERDICT_NO,
     "error:cpu.tsc_khz"},
    {"invtsc-blocker",
     "{\"features\": {\"cpu.invtsc\": true}}",
     DEB12,
     DEB12,
     HC_VERDICT_NO,
     "error:cpu.invtsc"},
    /* CPU models: a target that filters more features breaks the guest */
    {"cpu-model-loses",
     "{\"features\": {\"cpu.model\": \"Test-Rome\"}}",
     TRIXIE,
     DEB12,
     HC_VERDICT_NO,
     "error:cpu.model"},
    {"cpu-model-gains",
     "{\"features\": {\"cpu.model\": \"Test-Rome\"}}",
     DEB12,
     TRIXIE,
     HC_VERDICT_YES,
     "warning:cpu.model"},
    {"unknown-target",
     "{\"machine\": \"pc-q35-8.2\", \"features\": {\"netdev.tap\": true}}",
     TRIXIE,
     TIMEOUT,
     HC_VERDICT_UNKNOWN,
     "error:netdev.tap,unknown error:virtio-net.csum,unknown error:virtio-net.guest_ecn,unknown "
     "error:virtio-net.guest_tso4,unknown error:virtio-net.guest_tso6,unknown "
     "error:virtio-net.guest_uso4,unknown "
     "error:virtio-net.host_ecn,unknown error:virtio-net.host_tso4,unknown "
     "error:virtio-net.host_tso6,unknown"},
    {"cpu-host-loses",
     "{\"features\": {\"cpu.model\": \"host\"}}",
     TRIXIE,
     DEB12,
     HC_VERDICT_NO,
     "error:cpu.model"},
    {"postcopy-target",
     "{\"features\": {\"migration.postcopy\": true}}",
     TRIXIE,
     DEB12,
     HC_VERDICT_NO,
     "error:migration.postcopy"},
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

/* the USO finding names both hosts' answers, the direction and the pin */
START_TEST(test_uso_finding)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	HcTestResult res = {0};
	JsonArray *findings;
	JsonObject *f = NULL;
	JsonArray *caps;
	const char *reason;
	gboolean saw_src = FALSE, saw_dst = FALSE;

	hc_test_migration(cat, USO_SPEC, TRIXIE, DEB12, &res);
	findings = json_object_get_array_member(res.report, "findings");
	for (guint i = 0; i < json_array_get_length(findings); i++) {
		JsonObject *o = json_array_get_object_element(findings, i);
		if (g_str_equal(json_object_get_string_member(o, "feature"),
				"virtio-net.guest_uso4") &&
		    g_str_equal(json_object_get_string_member(o, "severity"), "error"))
			f = o;
	}
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(json_object_get_string_member(f, "direction"), "hv-trixie -> hv-deb12");
	ck_assert_str_eq(json_object_get_string_member(f, "pin"),
			 "guest_uso4=off,guest_uso6=off,host_uso=off on both");
	reason = json_object_get_string_member(f, "reason");
	ck_assert_ptr_nonnull(strstr(reason, "host_uso=on"));
	ck_assert_ptr_nonnull(strstr(reason, "host_uso=off"));
	ck_assert_ptr_nonnull(strstr(reason, "6.12.48+deb13-amd64"));
	ck_assert_ptr_nonnull(strstr(reason, "TUNSETOFFLOAD(CSUM|USO4|USO6): EINVAL"));
	ck_assert_ptr_nonnull(
	    strstr(json_object_get_string_member(f, "remediation"), "linux-6.1-class"));
	caps = json_object_get_array_member(f, "capabilities");
	for (guint i = 0; i < json_array_get_length(caps); i++) {
		JsonObject *c = json_array_get_object_element(caps, i);
		const char *host = json_object_get_string_member(c, "host");
		const char *state = json_object_get_string_member(c, "state");
		ck_assert_str_eq(json_object_get_string_member(c, "id"), "net.tap.uso");
		saw_src |= g_str_equal(host, "hv-trixie") && g_str_equal(state, "supported");
		saw_dst |= g_str_equal(host, "hv-deb12") && g_str_equal(state, "unsupported");
	}
	ck_assert(saw_src && saw_dst);
	hc_test_result_clear(&res);
}
END_TEST

/* specs and hosts the property tests range over */
static const char *const prop_specs[] = {
    USO_SPEC,
    "{\"machine\": \"pc-i440fx-7.2\", \"features\": {\"netdev.tap\": true}}",
    "{\"machine\": \"pc-q35-9.0\", \"features\": {\"vhost-vsock.present\": true, "
    "\"netdev.tap\": true, \"virtio-net.host_ufo\": true}}",
    "{\"features\": {\"cpu.model\": \"Test-Rome\", \"memory.size_mib\": 2048}}",
    "{\"features\": {\"cpu.model\": \"Test-Base\", \"cpu.enforce\": true}}",
    "{\"machine\": \"q35\", \"features\": {\"netdev.tap\": true, \"memory.hugepages\": \"2M\", "
    "\"memory.size_mib\": 1024}}",
    "{\"features\": {\"cpu.tsc_khz\": 2445424}}",
};
static const char *const prop_hosts[] = {DEB12, TRIXIE, TIMEOUT};

static int
rank(HcVerdict v)
{
	return v == HC_VERDICT_YES ? 2 : (v == HC_VERDICT_UNKNOWN ? 1 : 0);
}

START_TEST(test_prop_self_migration)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();

	for (guint s = 0; s < G_N_ELEMENTS(prop_specs); s++) {
		for (guint h = 0; h < G_N_ELEMENTS(prop_hosts); h++) {
			HcTestResult boot = {0}, mig = {0};
			hc_test_bootable(cat, prop_specs[s], prop_hosts[h], &boot);
			hc_test_migration(cat, prop_specs[s], prop_hosts[h], prop_hosts[h], &mig);
			/* bootable on A ⇒ migratable A → A (unknown stays at most unknown) */
			if (boot.verdict == HC_VERDICT_YES)
				ck_assert_msg(mig.verdict == HC_VERDICT_YES,
					      "spec %u on %s: %s",
					      s,
					      prop_hosts[h],
					      mig.summary);
			else if (boot.verdict == HC_VERDICT_UNKNOWN)
				ck_assert_int_ne(mig.verdict, HC_VERDICT_NO);
			hc_test_result_clear(&boot);
			hc_test_result_clear(&mig);
		}
	}
}
END_TEST

/* adds "<id>": false for every platform-dependent feature of the catalogue */
static char *
pin_off(const char *spec, const char *id)
{
	g_autoptr(JsonNode) root = json_from_string(spec, NULL);
	JsonObject *features =
	    json_object_get_object_member(json_node_get_object(root), "features");
	json_object_set_member(features,
			       id,
			       g_str_equal(id, "vhost-vsock.seqpacket")
				   ? json_node_init_string(json_node_alloc(), "off")
				   : json_node_init_boolean(json_node_alloc(), FALSE));
	return json_to_string(root, FALSE);
}

START_TEST(test_prop_pin_never_hurts)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	const char *pins[] = {"virtio-net.host_uso",
			      "virtio-net.guest_uso4",
			      "virtio-net.guest_uso6",
			      "virtio.queue_reset",
			      "virtio-net.host_ufo",
			      "vhost-vsock.seqpacket",
			      "virtio-net.csum",
			      "virtio-net.host_tso4"};

	for (guint s = 0; s < G_N_ELEMENTS(prop_specs); s++) {
		for (guint p = 0; p < G_N_ELEMENTS(pins); p++) {
			g_autofree char *pinned = pin_off(prop_specs[s], pins[p]);
			for (guint a = 0; a < G_N_ELEMENTS(prop_hosts); a++) {
				HcTestResult b0 = {0}, b1 = {0};
				hc_test_bootable(cat, prop_specs[s], prop_hosts[a], &b0);
				hc_test_bootable(cat, pinned, prop_hosts[a], &b1);
				ck_assert_msg(rank(b1.verdict) >= rank(b0.verdict),
					      "pinning %s off made spec %u worse on %s",
					      pins[p],
					      s,
					      prop_hosts[a]);
				hc_test_result_clear(&b0);
				hc_test_result_clear(&b1);
				for (guint b = 0; b < G_N_ELEMENTS(prop_hosts); b++) {
					HcTestResult m0 = {0}, m1 = {0};
					hc_test_migration(cat,
							  prop_specs[s],
							  prop_hosts[a],
							  prop_hosts[b],
							  &m0);
					hc_test_migration(cat,
							  pinned,
							  prop_hosts[a],
							  prop_hosts[b],
							  &m1);
					ck_assert_msg(
					    m0.verdict != HC_VERDICT_YES ||
						m1.verdict == HC_VERDICT_YES,
					    "pinning %s off turned yes into %s for spec %u "
					    "%s -> %s",
					    pins[p],
					    hc_verdict_to_string(m1.verdict),
					    s,
					    prop_hosts[a],
					    prop_hosts[b]);
					hc_test_result_clear(&m0);
					hc_test_result_clear(&m1);
				}
			}
		}
	}
}
END_TEST

static GPtrArray *
load_hosts(const char *const *names, guint n)
{
	GPtrArray *arr = g_ptr_array_new_with_free_func((GDestroyNotify)hc_snapshot_unref);
	for (guint i = 0; i < n; i++)
		g_ptr_array_add(arr, hc_test_host(names[i]));
	return arr;
}

START_TEST(test_baseline_report)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	const char *names[] = {DEB12, TRIXIE};
	g_autoptr(GPtrArray) hosts = load_hosts(names, 2);
	g_autoptr(GError) error = NULL;
	g_autofree char *json = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonObject *r, *pins, *differing;
	JsonArray *common;
	gboolean has_kvm = FALSE;

	ck_assert_msg(hc_check_baseline(cat, hosts, USO_SPEC, strlen(USO_SPEC), &json, &error),
		      "%s",
		      error ? error->message : "");
	root = json_from_string(json, NULL);
	r = json_node_get_object(root);
	ck_assert_str_eq(json_object_get_string_member(r, "verdict"), "yes");
	ck_assert_str_eq(json_object_get_string_member(r, "platform"), "linux-6.1-class");
	pins = json_object_get_object_member(r, "pins");
	ck_assert_uint_eq(json_object_get_size(pins), 4);
	ck_assert(!json_object_get_boolean_member(pins, "virtio-net.host_uso"));
	ck_assert(!json_object_get_boolean_member(pins, "virtio-net.guest_uso4"));
	ck_assert(!json_object_get_boolean_member(pins, "virtio-net.guest_uso6"));
	ck_assert(!json_object_get_boolean_member(pins, "virtio.queue_reset"));
	ck_assert_str_eq(json_object_get_string_member(r, "pin"),
			 "guest_uso4=off,guest_uso6=off,host_uso=off,queue_reset=off");
	common = json_object_get_array_member(r, "common_capabilities");
	for (guint i = 0; i < json_array_get_length(common); i++) {
		const char *id = json_array_get_string_element(common, i);
		has_kvm |= g_str_equal(id, "kvm.present");
		ck_assert_str_ne(id, "net.tap.uso");
	}
	ck_assert(has_kvm);
	differing = json_object_get_object_member(r, "differing_capabilities");
	ck_assert_str_eq(
	    json_object_get_string_member(json_object_get_object_member(differing, "net.tap.uso"),
					  "hv-deb12"),
	    "unsupported");
}
END_TEST

/* the pinned spec boots on every input host and migrates between every pair */
START_TEST(test_prop_baseline_bootable)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	const char *names[] = {DEB12, TRIXIE, TIMEOUT};

	for (guint n = 2; n <= G_N_ELEMENTS(names); n++) {
		g_autoptr(GPtrArray) hosts = load_hosts(names, n);
		for (guint s = 0; s < G_N_ELEMENTS(prop_specs); s++) {
			g_autoptr(HcSpec) spec =
			    hc_spec_parse(cat, prop_specs[s], strlen(prop_specs[s]), NULL);
			g_autoptr(HcSpec) pinned =
			    hc_baseline_pin_spec(cat, hosts, spec, NULL, NULL);
			g_autoptr(JsonNode) pj = hc_spec_to_json(pinned);
			g_autofree char *ptext = json_to_string(pj, FALSE);
			for (guint h = 0; h < n; h++) {
				HcTestResult b0 = {0}, b1 = {0};
				hc_test_bootable(cat, prop_specs[s], names[h], &b0);
				hc_test_bootable(cat, ptext, names[h], &b1);
				ck_assert_msg(rank(b1.verdict) >= rank(b0.verdict),
					      "baseline of spec %u not bootable on %s",
					      s,
					      names[h]);
				hc_test_result_clear(&b0);
				hc_test_result_clear(&b1);
				for (guint o = 0; o < n && n == 2; o++) {
					HcTestResult m = {0};
					hc_test_migration(cat, ptext, names[h], names[o], &m);
					/* what pins can fix is fixed; the rest is not the pins' job
					 */
					ck_assert_msg(strstr(m.summary, "virtio") == NULL ||
							  strstr(m.summary, "error:virtio") == NULL,
						      "spec %u %s -> %s still: %s",
						      s,
						      names[h],
						      names[o],
						      m.summary);
					hc_test_result_clear(&m);
				}
			}
		}
	}
}
END_TEST

/* the examples/ specs give the verdicts examples/README.md promises */
static const struct {
	const char *file;
	const char *src;
	const char *dst; /* NULL: bootable on src */
	HcVerdict verdict;
	const char *must; /* a finding the example is about */
} examples[] = {
    {"uso-migration.json", TRIXIE, DEB12, HC_VERDICT_NO, "virtio-net.guest_uso4"},
    {"uso-migration.json", DEB12, TRIXIE, HC_VERDICT_YES, "virtio-net.guest_uso4"},
    {"cpu-model-enforce.json", DEB12, NULL, HC_VERDICT_NO, "cpu.model"},
    {"cpu-model-enforce.json", TRIXIE, NULL, HC_VERDICT_YES, NULL},
    {"hugepages-unreserved.json", DEB12, NULL, HC_VERDICT_NO, "memory.hugepages"},
    {"hugepages-unreserved.json", TRIXIE, NULL, HC_VERDICT_YES, NULL},
    {"postcopy-nonroot.json", DEB12, NULL, HC_VERDICT_NO, "migration.postcopy"},
    {"sev-missing.json", DEB12, NULL, HC_VERDICT_NO, "confidential.sev"},
    {"tsc-mismatch.json", DEB12, TRIXIE, HC_VERDICT_NO, "cpu.tsc_khz"},
    {"platform-pinned.json", TRIXIE, DEB12, HC_VERDICT_YES, NULL},
    {"platform-pinned.json", DEB12, TRIXIE, HC_VERDICT_YES, NULL},
};

START_TEST(test_examples)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	g_autofree char *spec = hc_test_example(examples[_i].file);
	HcTestResult res = {0};

	if (examples[_i].dst != NULL)
		hc_test_migration(cat, spec, examples[_i].src, examples[_i].dst, &res);
	else
		hc_test_bootable(cat, spec, examples[_i].src, &res);
	ck_assert_msg(res.verdict == examples[_i].verdict,
		      "%s: %s (%s)",
		      examples[_i].file,
		      hc_verdict_to_string(res.verdict),
		      res.summary);
	if (examples[_i].must != NULL)
		ck_assert_msg(hc_test_find(&res, examples[_i].must) != NULL,
			      "%s: no %s finding",
			      examples[_i].file,
			      examples[_i].must);
	else
		ck_assert_msg(strstr(res.summary, "error:") == NULL,
			      "%s: %s",
			      examples[_i].file,
			      res.summary);
	hc_test_result_clear(&res);
}
END_TEST

/* a copy of a fixture host with some capabilities replaced: "id=state[:int|:'str'|:[list]]" */
static HcSnapshot *
host_with(const char *base, const char *const *caps)
{
	g_autoptr(HcSnapshot) fixture = hc_test_host(base);
	HcSnapshot *snap = hc_snapshot_copy(fixture);

	for (guint i = 0; caps[i] != NULL; i++) {
		g_auto(GStrv) kv = g_strsplit(caps[i], "=", 2);
		g_auto(GStrv) sv = g_strsplit(kv[1], ":", 2);
		HcCapState state = g_strcmp0(sv[0], "supported") == 0 ? HC_CAP_STATE_SUPPORTED
				   : g_strcmp0(sv[0], "unknown") == 0 ? HC_CAP_STATE_UNKNOWN
								      : HC_CAP_STATE_UNSUPPORTED;
		GVariant *value = NULL;
		if (sv[1] != NULL && sv[1][0] == '[')
			value =
			    g_variant_parse(G_VARIANT_TYPE_STRING_ARRAY, sv[1], NULL, NULL, NULL);
		else if (sv[1] != NULL)
			value = g_variant_new_int64(g_ascii_strtoll(sv[1], NULL, 10));
		hc_snapshot_take_capability(snap, hc_capability_new(kv[0], state, value, "test"));
	}
	return snap;
}

/* the report, its verdict and the finding for @feature (NULL when none) */
static JsonObject *
judge(HcSnapshot *src,
      HcSnapshot *dst,
      const char *spec,
      HcVerdict want,
      const char *feature,
      JsonNode **root)
{
	g_autoptr(HcCatalogue) cat = hc_test_catalogue();
	g_autoptr(GError) error = NULL;
	g_autofree char *json = NULL;
	HcVerdict verdict = HC_VERDICT_LAST;
	JsonArray *findings;
	gboolean ok =
	    dst != NULL
		? hc_check_migration(cat, spec, strlen(spec), src, dst, &verdict, &json, &error)
		: hc_check_bootable(cat, spec, strlen(spec), src, &verdict, &json, &error);

	ck_assert_msg(ok, "%s", error ? error->message : "");
	*root = json_from_string(json, NULL);
	ck_assert_msg(verdict == want, "%s: %s", spec, json);
	findings = json_object_get_array_member(json_node_get_object(*root), "findings");
	for (guint i = 0; i < json_array_get_length(findings); i++) {
		JsonObject *f = json_array_get_object_element(findings, i);
		if (g_strcmp0(json_object_get_string_member(f, "feature"), feature) == 0)
			return f;
	}
	return NULL;
}

/* the catalogue gaps the importer reported, judged on hosts that have and lack each one */
START_TEST(test_new_features)
{
	const char *const phys46[] = {"cpu.phys_bits=supported:46", NULL};
	const char *const phys48[] = {"cpu.phys_bits=supported:48", NULL};
	const char *const nested_ok[] = {"kvm.nested.state=supported:8192",
					 "kvm.nested.exception_payload=supported",
					 NULL};
	const char *const nested_no[] = {"kvm.nested.state=unsupported:0",
					 "kvm.nested.exception_payload=supported",
					 NULL};
	const char *const exits14[] = {"kvm.disable_exits=supported:14", NULL};
	const char *const exits15[] = {"kvm.disable_exits=supported:15", NULL};
	const char *const huge_2m[] = {"mem.hugepages.default_kib=supported:2048", NULL};
	const char *const huge_1g[] = {"mem.hugepages.default_kib=supported:1048576", NULL};
	const char *const vfio_mig[] = {"vfio.devices=supported:['0000:01:00.0']",
					"vfio.dev.0000_01_00_0.migration=supported",
					NULL};
	const char *const vfio_nomig[] = {"vfio.devices=supported:['0000:01:00.0']",
					  "vfio.dev.0000_01_00_0.migration=unsupported",
					  NULL};
	const char *const vfio_none[] = {"vfio.devices=unsupported", NULL};
	const char *const no_split[] = {"kvm.irqchip=supported",
					"kvm.irqchip.split=unsupported",
					NULL};
	const char *vfio_spec =
	    "{\"features\": {\"vfio-pci.host.0000_01_00_0\": \"0000:01:00.0\"}}";
	g_autoptr(HcSnapshot) a46 = host_with(DEB12, phys46);
	g_autoptr(HcSnapshot) b46 = host_with(DEB12, phys46);
	g_autoptr(HcSnapshot) b48 = host_with(DEB12, phys48);
	g_autoptr(HcSnapshot) n_ok = host_with(DEB12, nested_ok);
	g_autoptr(HcSnapshot) n_no = host_with(DEB12, nested_no);
	g_autoptr(HcSnapshot) e14 = host_with(DEB12, exits14);
	g_autoptr(HcSnapshot) e15 = host_with(DEB12, exits15);
	g_autoptr(HcSnapshot) h2m = host_with(TRIXIE, huge_2m);
	g_autoptr(HcSnapshot) h1g = host_with(TRIXIE, huge_1g);
	g_autoptr(HcSnapshot) v_mig = host_with(DEB12, vfio_mig);
	g_autoptr(HcSnapshot) v_nomig = host_with(DEB12, vfio_nomig);
	g_autoptr(HcSnapshot) nosplit = host_with(DEB12, no_split);
	g_autoptr(HcSnapshot) v_none = host_with(DEB12, vfio_none);
	JsonNode *root = NULL;
	JsonObject *f;

	/* host-phys-bits: the guest gets each host's width, so they must be equal */
	f = judge(a46,
		  b48,
		  "{\"features\": {\"cpu.host_phys_bits\": true}}",
		  HC_VERDICT_NO,
		  "cpu.host_phys_bits",
		  &root);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(json_object_get_string_member(f, "severity"), "error");
	g_clear_pointer(&root, json_node_unref);
	f = judge(a46,
		  b46,
		  "{\"features\": {\"cpu.host_phys_bits\": true}}",
		  HC_VERDICT_YES,
		  "cpu.host_phys_bits",
		  &root);
	ck_assert_ptr_null(f);
	g_clear_pointer(&root, json_node_unref);

	/* a nested guest migrates only with nested state and exception payload on both */
	f = judge(n_ok,
		  n_no,
		  "{\"features\": {\"cpu.nested\": \"vmx\"}}",
		  HC_VERDICT_NO,
		  "cpu.nested",
		  &root);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(strstr(json_object_get_string_member(f, "reason"),
				     "Kernel do not provide required capabilities for nested"));
	ck_assert_ptr_nonnull(
	    strstr(json_object_get_string_member(f, "reason"), "kvm.nested.state: unsupported"));
	g_clear_pointer(&root, json_node_unref);
	f = judge(n_ok,
		  n_ok,
		  "{\"features\": {\"cpu.nested\": \"vmx\"}}",
		  HC_VERDICT_YES,
		  "cpu.nested",
		  &root);
	ck_assert_ptr_null(f);
	g_clear_pointer(&root, json_node_unref);

	/* mem-lock: nothing the host can be asked, so a note that says what to set */
	f = judge(a46,
		  NULL,
		  "{\"features\": {\"memory.mem_lock\": true}}",
		  HC_VERDICT_YES,
		  "memory.mem_lock",
		  &root);
	ck_assert_str_eq(json_object_get_string_member(f, "severity"), "info");
	ck_assert_ptr_nonnull(
	    strstr(json_object_get_string_member(f, "remediation"), "LimitMEMLOCK=infinity"));
	g_clear_pointer(&root, json_node_unref);

	/* cpu-pm: HLT|MWAIT|PAUSE = 7 of KVM_CAP_X86_DISABLE_EXITS; 14 lacks MWAIT */
	f = judge(e14,
		  NULL,
		  "{\"features\": {\"accel.cpu_pm\": true}}",
		  HC_VERDICT_YES,
		  "accel.cpu_pm",
		  &root);
	ck_assert_str_eq(json_object_get_string_member(f, "severity"), "warning");
	g_clear_pointer(&root, json_node_unref);
	f = judge(e15,
		  NULL,
		  "{\"features\": {\"accel.cpu_pm\": true}}",
		  HC_VERDICT_YES,
		  "accel.cpu_pm",
		  &root);
	ck_assert_ptr_null(f);
	g_clear_pointer(&root, json_node_unref);

	/* huge pages of the host's default size: trixie has 4096 free 2 MiB pages, no 1 GiB */
	f = judge(h2m,
		  NULL,
		  "{\"features\": {\"memory.hugepages\": \"default\", \"memory.size_mib\": 4096}}",
		  HC_VERDICT_YES,
		  "memory.hugepages",
		  &root);
	ck_assert_ptr_null(f);
	g_clear_pointer(&root, json_node_unref);
	f = judge(h1g,
		  NULL,
		  "{\"features\": {\"memory.hugepages\": \"default\", \"memory.size_mib\": 4096}}",
		  HC_VERDICT_NO,
		  "memory.hugepages",
		  &root);
	ck_assert_ptr_nonnull(f);
	g_clear_pointer(&root, json_node_unref);

	/* an assigned device: bound on the host to boot, migration support on both to move */
	f = judge(v_mig, v_nomig, vfio_spec, HC_VERDICT_NO, "vfio-pci.host.0000_01_00_0", &root);
	ck_assert_ptr_nonnull(strstr(json_object_get_string_member(f, "reason"),
				     "VFIO device doesn't support migration"));
	g_clear_pointer(&root, json_node_unref);
	f = judge(v_mig, NULL, vfio_spec, HC_VERDICT_YES, "vfio-pci.host.0000_01_00_0", &root);
	ck_assert_ptr_null(f);
	g_clear_pointer(&root, json_node_unref);
	f = judge(v_none, NULL, vfio_spec, HC_VERDICT_NO, "vfio-pci.host.0000_01_00_0", &root);
	ck_assert_ptr_nonnull(f);
	g_clear_pointer(&root, json_node_unref);

	/* kernel-irqchip=split needs KVM_CAP_SPLIT_IRQCHIP */
	f = judge(nosplit,
		  NULL,
		  "{\"features\": {\"machine.kernel_irqchip\": \"split\"}}",
		  HC_VERDICT_NO,
		  "machine.kernel_irqchip",
		  &root);
	ck_assert_ptr_nonnull(
	    strstr(json_object_get_string_member(f, "reason"), "kvm.irqchip.split: unsupported"));
	g_clear_pointer(&root, json_node_unref);
	f = judge(nosplit,
		  NULL,
		  "{\"features\": {\"machine.kernel_irqchip\": \"on\"}}",
		  HC_VERDICT_YES,
		  "machine.kernel_irqchip",
		  &root);
	ck_assert_ptr_null(f);
	g_clear_pointer(&root, json_node_unref);
}
END_TEST

static Suite *
migration_suite(void)
{
	Suite *s = suite_create("migration");
	TCase *tc = tcase_create("golden");
	TCase *props = tcase_create("properties");
	tcase_add_loop_test(tc, test_golden, 0, G_N_ELEMENTS(golden));
	tcase_add_test(tc, test_uso_finding);
	tcase_add_test(tc, test_baseline_report);
	tcase_add_loop_test(tc, test_examples, 0, G_N_ELEMENTS(examples));
	tcase_add_test(tc, test_new_features);
	suite_add_tcase(s, tc);
	tcase_add_test(props, test_prop_self_migration);
	tcase_add_test(props, test_prop_pin_never_hurts);
	tcase_add_test(props, test_prop_baseline_bootable);
	tcase_set_timeout(props, 120);
	suite_add_tcase(s, props);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(migration_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
