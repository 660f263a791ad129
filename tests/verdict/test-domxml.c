/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt domain XML import: domain XMLs a manager would write → the spec fragments a
 * verdict needs, and the errors libvirt itself would give, naming the element. Expected
 * values follow libvirt's documented domain format (formatdomain): memory in KiB by
 * default, TSC frequency in Hz, ioapic driver qemu = split irqchip.
 */
#include <check.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "hostcap/hc-error.h"
#include "hc-catalogue.h"
#include "hc-config.h"
#include "hc-verdict.h"
#include "hostcap/hc-snapshot.h"

#define DOM(type, body)                                                                            \
	"<domain type='" type "'><name>vm</name><memory unit='MiB'>1024</memory>"                  \
	"<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>" body "</domain>"

typedef struct {
	const char *xml;
	const char *expect[8][2]; /* feature id, JSON text of its value */
	const char *absent[4];
	const char *unevaluated[4]; /* substrings, each of some unevaluated entry */
} DomCase;

static const DomCase cases[] = {
    {DOM("kvm", "<vcpu current='2'>8</vcpu>"),
     {{"accel.kvm", "true"},
      {"smp.maxcpus", "8"},
      {"memory.size_mib", "1024"},
      {"memory.backend", "\"ram\""}}},
    {DOM("qemu", "<features><smm state='off'/><pmu state='on'/><ioapic driver='qemu'/></features>"),
     {{"accel.kvm", "false"},
      {"machine.smm", "\"off\""},
      {"cpu.pmu", "true"},
      {"machine.kernel_irqchip", "\"split\""}}},
    {DOM("kvm",
	 "<features><smm/><ioapic driver='kvm'/><kvm><dirty-ring state='on' size='4096'/>"
	 "<hidden state='on'/></kvm></features>"),
     {{"machine.smm", "\"on\""},
      {"machine.kernel_irqchip", "\"on\""},
      {"accel.dirty_ring_size", "4096"}}},
    /* libvirt drops the dirty ring for TCG */
    {DOM("qemu", "<features><kvm><dirty-ring state='on' size='4096'/></kvm></features>"),
     {{NULL}},
     {"accel.dirty_ring_size"},
     {"/domain/features/kvm/dirty-ring: libvirt ignores it"}},
    {DOM("kvm",
	 "<features><hyperv mode='custom'><relaxed state='on'/><vapic state='off'/>"
	 "<spinlocks state='on' retries='8191'/></hyperv></features>"),
     {{NULL}},
     {NULL},
     {"/domain/features/hyperv/relaxed: Hyper-V enlightenment hv-relaxed", "hv-spinlocks"}},
    {DOM("kvm", "<cpu mode='host-passthrough' migratable='off'/>"),
     {{"cpu.model", "\"host\""}, {"cpu.migratable", "false"}}},
    {DOM("qemu", "<cpu mode='maximum'/>"), {{"cpu.model", "\"max\""}}},
    {DOM("kvm", "<cpu mode='host-model'><feature policy='require' name='avx2'/></cpu>"),
     {{"cpu.feature.avx2", "true"}},
     {"cpu.model"},
     {"/domain/cpu/@mode: host-model"}},
    {DOM("kvm",
	 "<cpu mode='custom' match='exact' check='full'><model fallback='forbid'>EPYC-Rome"
	 "</model><feature policy='require' name='sse4_1'/><feature policy='force' "
	 "name='lahf_lm'/><feature policy='disable' name='svm'/><feature policy='forbid' "
	 "name='pclmuldq'/><feature policy='optional' name='x2apic'/><topology sockets='1' "
	 "cores='2' threads='1'/></cpu>"),
     {{"cpu.model", "\"EPYC-Rome\""},
      {"cpu.enforce", "true"},
      {"cpu.feature.sse4.1", "true"},
      {"cpu.feature.lahf-lm", "true"},
      {"cpu.feature.svm", "false"},
      {"cpu.feature.pclmulqdq", "false"}},
     {"cpu.feature.x2apic"},
     {"feature[5]/@policy: optional"}},
    {DOM("kvm",
	 "<clock offset='utc'><timer name='tsc' frequency='2445424000'/><timer name='rtc' "
	 "tickpolicy='catchup'/><timer name='kvmclock' present='no'/></clock>"),
     {{"cpu.tsc_khz", "2445424"}, {"cpu.feature.kvmclock", "false"}}},
    {DOM("kvm",
	 "<memoryBacking><hugepages><page size='2048' unit='KiB'/></hugepages></memoryBacking>"),
     {{"memory.hugepages", "\"2M\""}, {"memory.backend", "\"file\""}, {"memory.prealloc", "true"}}},
    {DOM("kvm",
	 "<memoryBacking><hugepages><page size='1' unit='G'/></hugepages><source "
	 "type='memfd'/><access mode='shared'/><locked/></memoryBacking>"),
     {{"memory.hugepages", "\"1G\""},
      {"memory.backend", "\"memfd\""},
      {"memory.share", "true"},
      {"memory.mem_lock", "true"}}},
    {DOM("kvm", "<memoryBacking><hugepages/><allocation mode='immediate'/></memoryBacking>"),
     {{"memory.hugepages", "\"default\""}, {"memory.prealloc", "true"}}},
    {DOM("kvm",
	 "<devices><interface type='bridge'><source bridge='br0'/><model type='virtio'/>"
	 "<driver name='vhost' queues='4' rss='on' rss_hash_report='on'><host csum='off' "
	 "tso4='off' mrg_rxbuf='off' gso='off'/><guest ecn='off' ufo='on'/></driver>"
	 "</interface></devices>"),
     {{"netdev.tap", "true"},
      {"netdev.vhost", "true"},
      {"netdev.queues", "4"},
      {"virtio-net.mq", "true"},
      {"virtio-net.rss", "true"},
      {"virtio-net.hash", "true"},
      {"virtio-net.csum", "false"},
      {"virtio-net.guest_ufo", "true"}},
     {NULL},
     {"/domain/devices/interface/driver/host/@gso"}},
    {DOM("kvm",
	 "<devices><interface type='network'><source network='default'/><model "
	 "type='virtio'/><driver name='qemu'/></interface><interface type='user'><model "
	 "type='virtio'/></interface><interface type='ethernet'><model type='e1000e'/>"
	 "</interface></devices>"),
     {{"netdev.tap", "true"}, {"netdev.vhost", "false"}},
     {"virtio-net.mq"}},
    {DOM("kvm",
	 "<devices><interface type='direct'><source dev='eth0' mode='bridge'/></interface>"
	 "</devices>"),
     {{NULL}},
     {"netdev.tap"},
     {"/domain/devices/interface/@type: this interface type is not judged"}},
    {DOM("kvm",
	 "<devices><hostdev mode='subsystem' type='pci' managed='yes'><driver name='vfio'/>"
	 "<source><address domain='0x0000' bus='0x3b' slot='0x00' function='0x1'/></source>"
	 "</hostdev><vsock model='virtio'><cid auto='yes'/></vsock></devices>"),
     {{"vfio-pci.present", "true"},
      {"vfio-pci.host.0000_3b_00_1", "\"0000:3b:00.1\""},
      {"vhost-vsock.present", "true"}}},
    {DOM("kvm",
	 "<devices><disk type='file' device='disk'><driver name='qemu' type='raw' "
	 "cache='none' io='io_uring'/><source file='/v/a.img'/><target dev='vda'/></disk>"
	 "<disk type='file' device='disk'><driver name='qemu' io='native'/></disk></devices>"),
     {{"block.aio", "\"io_uring\""}},
     {NULL},
     {"/domain/devices/disk[2]/driver/@io: a second I/O engine"}},
    {DOM("kvm",
	 "<launchSecurity type='sev'><cbitpos>47</cbitpos><reducedPhysBits>1"
	 "</reducedPhysBits><policy>0x0007</policy></launchSecurity>"),
     {{"confidential.sev", "true"}, {"confidential.sev-es", "true"}}},
    {DOM("kvm", "<launchSecurity type='tdx'/>"), {{"confidential.tdx", "true"}}},
    /* host-neutral devices are silent; an unknown element is noted with its path */
    {DOM("kvm",
	 "<devices><emulator>/usr/bin/qemu-system-x86_64</emulator><controller "
	 "type='usb' model='qemu-xhci'/><serial type='pty'/><console type='pty'/><channel "
	 "type='unix'/><video><model type='virtio'/></video><memballoon model='virtio'/>"
	 "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng><graphics "
	 "type='vnc'/><input type='tablet' bus='usb'/><tpm model='tpm-crb'/></devices>"),
     {{NULL}},
     {NULL},
     {"/domain/devices/tpm: not judged"}},
};

static JsonObject *
import(const char *xml, JsonNode **root_out)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *json = hc_domxml_to_spec(xml, strlen(xml), &error);
	g_autoptr(JsonParser) parser = json_parser_new();

	ck_assert_msg(json != NULL, "%s: %s", xml, error != NULL ? error->message : "?");
	ck_assert(json_parser_load_from_data(parser, json, -1, NULL));
	*root_out = json_node_copy(json_parser_get_root(parser));
	return json_node_get_object(*root_out);
}

static guint
count_unevaluated(JsonObject *spec, const char *needle)
{
	JsonArray *list = json_object_get_array_member(spec, "unevaluated");
	guint n = 0;

	for (guint i = 0; i < json_array_get_length(list); i++) {
		if (needle == NULL ||
		    strstr(json_array_get_string_element(list, i), needle) != NULL)
			n++;
	}
	return n;
}

START_TEST(test_domxml_table)
{
	const DomCase *c = &cases[_i];
	g_autoptr(JsonNode) root = NULL;
	JsonObject *spec = import(c->xml, &root);
	JsonObject *features = json_object_get_object_member(spec, "features");

	ck_assert_str_eq(json_object_get_string_member(spec, "machine"), "pc-q35-7.2");
	for (guint i = 0; i < G_N_ELEMENTS(c->expect) && c->expect[i][0] != NULL; i++) {
		JsonNode *v = json_object_get_member(features, c->expect[i][0]);
		g_autofree char *text = v != NULL ? json_to_string(v, FALSE) : NULL;
		ck_assert_msg(v != NULL, "case %d: %s missing", _i, c->expect[i][0]);
		ck_assert_msg(g_strcmp0(text, c->expect[i][1]) == 0,
			      "case %d: %s = %s, expected %s",
			      _i,
			      c->expect[i][0],
			      text,
			      c->expect[i][1]);
	}
	for (guint i = 0; i < G_N_ELEMENTS(c->absent) && c->absent[i] != NULL; i++)
		ck_assert_msg(!json_object_has_member(features, c->absent[i]),
			      "case %d: %s set",
			      _i,
			      c->absent[i]);
	for (guint i = 0; i < G_N_ELEMENTS(c->unevaluated) && c->unevaluated[i] != NULL; i++)
		ck_assert_msg(count_unevaluated(spec, c->unevaluated[i]) > 0,
			      "case %d: '%s' not in unevaluated",
			      _i,
			      c->unevaluated[i]);
	/* only what the case names is noted: the rest is judged or host-neutral */
	if (c->unevaluated[0] == NULL)
		ck_assert_msg(count_unevaluated(spec, NULL) == 0, "case %d: unexpected notes", _i);
}
END_TEST

/* what libvirt refuses, or XML it cannot read: the error names the path */
static const char *const bad[][2] = {
    {DOM("kvm",
	 "<devices><interface type='network'/><interface type='bridge'><model "
	 "type='virtio'/><driver queues='many'/></interface></devices>"),
     "/domain/devices/interface[2]/driver/@queues: expected an unsigned integer, got 'many'"},
    {DOM("qemu", "<cpu mode='host-passthrough'/>"),
     "/domain/cpu/@mode: libvirt refuses host-passthrough for a domain of type qemu"},
    {DOM("xen", ""), "/domain/@type: expected kvm or qemu, got 'xen'"},
    {DOM("kvm", "<vcpu>zero</vcpu>"), "/domain/vcpu: expected a vCPU count, got 'zero'"},
    {DOM("kvm", "<features><smm state='maybe'/></features>"),
     "/domain/features/smm/@state: expected on or off, got 'maybe'"},
    {DOM("kvm", "<cpu><feature policy='sometimes' name='avx2'/></cpu>"),
     "/domain/cpu/feature/@policy: expected require, force, disable, optional or forbid"},
    {DOM("kvm",
	 "<devices><hostdev mode='subsystem' type='pci'><driver name='kvm'/><source>"
	 "<address bus='0x01' slot='0x00' function='0x0'/></source></hostdev></devices>"),
     "/domain/devices/hostdev/driver/@name: libvirt assigns PCI devices with vfio only"},
    {DOM("kvm", "<metadata><hc:pin xmlns:hc='urn:hostcapd:domain:1' feature='x'/></metadata>"),
     "/domain/metadata/hc:pin/@value: a value is required"},
    {"<domain type='kvm'><memory>1</memory></domain>", "/domain: an <os> element is required"},
    {"<domain type='kvm'><os>", "XML: "},
    {"<vm/>", "/vm: expected a <domain> element"},
};

START_TEST(test_domxml_errors)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *json = hc_domxml_to_spec(bad[_i][0], strlen(bad[_i][0]), &error);

	ck_assert_msg(json == NULL, "case %d accepted: %s", _i, json);
	ck_assert(g_error_matches(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT));
	ck_assert_msg(strstr(error->message, bad[_i][1]) != NULL,
		      "case %d: '%s' does not say '%s'",
		      _i,
		      error->message,
		      bad[_i][1]);
}
END_TEST

/* the hostcapd metadata: a platform to judge against and pins that win over the XML */
START_TEST(test_domxml_metadata)
{
	const char *xml =
	    DOM("kvm",
		"<metadata><other:x xmlns:other='urn:example'><other:platform name='no'/></other:x>"
		"<hostcapd:domain xmlns:hostcapd='urn:hostcapd:domain:1'><hostcapd:platform "
		"name='linux-6.2-class'/><hostcapd:pin feature='virtio-net.host_uso' value='off'/>"
		"<hostcapd:pin feature='smp.maxcpus' value='4'/></hostcapd:domain></metadata>"
		"<vcpu>16</vcpu>");
	g_autoptr(JsonNode) root = NULL;
	JsonObject *spec = import(xml, &root);
	JsonObject *features = json_object_get_object_member(spec, "features");

	ck_assert_str_eq(json_object_get_string_member(spec, "platform"), "linux-6.2-class");
	ck_assert(!json_object_get_boolean_member(features, "virtio-net.host_uso"));
	ck_assert_int_eq(json_object_get_int_member(features, "smp.maxcpus"), 4);
}
END_TEST

/* the command line `virsh domxml-to-native qemu-argv` prints, prefix and all */
START_TEST(test_input_libvirt_argv)
{
	const char *line =
	    "LC_ALL=C \\\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\\n"
	    "HOME=/var/lib/libvirt/qemu/domain--1-t1 \\\n/usr/bin/qemu-system-x86_64 \\\n"
	    "-name guest=t1,debug-threads=on -S -object '{\"qom-type\":\"secret\",\"id\":"
	    "\"masterKey0\",\"format\":\"raw\",\"file\":\"/var/lib/libvirt/qemu/master-key.aes\"}' "
	    "-machine pc-q35-7.2,usb=off,smm=on,dump-guest-core=off,memory-backend=pc.ram "
	    "-accel tcg -cpu qemu64,sse4.1=on -m 256 -object '{\"qom-type\":\"memory-backend-ram\","
	    "\"id\":\"pc.ram\",\"size\":268435456}' -overcommit mem-lock=off -smp "
	    "2,sockets=2,cores=1,threads=1 -uuid f04fd259-9816-4432-8810-caf4f2ea7ca3 -display "
	    "none -no-user-config -nodefaults -chardev "
	    "socket,id=charmonitor,path=/m.sock,server=on,"
	    "wait=off -mon chardev=charmonitor,id=monitor,mode=control -rtc base=utc -no-shutdown "
	    "-no-acpi -boot strict=on -device '{\"driver\":\"pcie-root-port\",\"port\":8,"
	    "\"chassis\":1,\"id\":\"pci.1\",\"bus\":\"pcie.0\",\"multifunction\":true,\"addr\":"
	    "\"0x1\"}' -device '{\"driver\":\"qemu-xhci\",\"id\":\"usb\",\"bus\":\"pci.4\","
	    "\"addr\":\"0x0\"}' -audiodev '{\"id\":\"audio1\",\"driver\":\"none\"}' -device "
	    "'{\"driver\":\"virtio-balloon-pci\",\"id\":\"balloon0\",\"bus\":\"pci.7\"}' -sandbox "
	    "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny -msg "
	    "timestamp=on\n";
	g_autoptr(GError) error = NULL;
	g_autofree char *json = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *spec, *features;

	ck_assert_int_eq(hc_input_format_guess(line), HC_INPUT_QEMU_ARGV);
	{
		const char *const dirs[] = {HC_SOURCE_DATADIR, NULL};
		g_autoptr(HcCatalogue) cat = hc_catalogue_load(dirs, NULL);
		json = hc_input_to_spec(cat, HC_INPUT_QEMU_ARGV, line, strlen(line), &error);
	}
	ck_assert_msg(json != NULL, "%s", error != NULL ? error->message : "?");
	ck_assert(json_parser_load_from_data(parser, json, -1, NULL));
	spec = json_node_get_object(json_parser_get_root(parser));
	features = json_object_get_object_member(spec, "features");
	ck_assert_str_eq(json_object_get_string_member(spec, "machine"), "pc-q35-7.2");
	ck_assert(!json_object_get_boolean_member(features, "accel.kvm"));
	ck_assert_int_eq(json_object_get_int_member(features, "memory.size_mib"), 256);
	ck_assert_str_eq(json_object_get_string_member(features, "memory.backend"), "ram");
	ck_assert(json_object_get_boolean_member(features, "cpu.feature.sse4.1"));
	/* libvirt's own additions are all host-neutral */
	ck_assert_msg(count_unevaluated(spec, NULL) == 0, "%s", json);
}
END_TEST

START_TEST(test_input_formats)
{
	HcInputFormat f;
	g_autoptr(GError) error = NULL;
	g_autofree char *none = NULL;

	ck_assert_int_eq(hc_input_format_guess("  \n<domain/>"), HC_INPUT_DOMAIN_XML);
	ck_assert_int_eq(hc_input_format_guess("{\"features\":{}}"), HC_INPUT_SPEC);
	ck_assert(hc_input_format_from_string("domain-xml", &f) && f == HC_INPUT_DOMAIN_XML);
	ck_assert(!hc_input_format_from_string("xml", &f));
	ck_assert_str_eq(hc_input_format_to_string(HC_INPUT_QEMU_ARGV), "qemu-argv");
	none = hc_input_to_spec(NULL, HC_INPUT_QEMU_ARGV, "qemu 'unterminated", 18, &error);
	ck_assert(none == NULL);
	ck_assert(g_error_matches(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT));
}
END_TEST

/* a manager's view of a captured Debian 12 host: linux-6.1-class holds, linux-6.2-class does
 * not (its tap has no USO), and the machine types of the catalogue are listed */
START_TEST(test_domain_capabilities)
{
	g_autofree char *data = g_build_filename(g_getenv("HC_SOURCE_DIR"), "data", NULL);
	g_autofree char *host_path = g_build_filename(g_getenv("HC_SOURCE_DIR"),
						      "tests",
						      "fixtures",
						      "hosts",
						      "v-deb12-6.1.json",
						      NULL);
	const char *dirs[] = {data, NULL};
	g_autoptr(GError) error = NULL;
	g_autoptr(HcCatalogue) cat = hc_catalogue_load(dirs, &error);
	g_autofree char *text = NULL;
	g_autoptr(HcSnapshot) host = NULL;
	g_autofree char *json = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *doc;
	JsonArray *platforms, *machines;
	gsize len = 0;
	int seen = 0;

	ck_assert_msg(cat != NULL, "%s", error != NULL ? error->message : "");
	ck_assert(g_file_get_contents(host_path, &text, &len, NULL));
	host = hc_snapshot_from_json(text, len, &error);
	ck_assert_msg(host != NULL, "%s", error != NULL ? error->message : "");
	json = hc_domain_capabilities(cat, host, &error);
	ck_assert_msg(json != NULL, "%s", error != NULL ? error->message : "");
	ck_assert(json_parser_load_from_data(parser, json, -1, NULL));
	doc = json_node_get_object(json_parser_get_root(parser));
	ck_assert_str_eq(json_object_get_string_member(doc, "accelerator"), "kvm");
	platforms = json_object_get_array_member(doc, "platforms");
	for (guint i = 0; i < json_array_get_length(platforms); i++) {
		JsonObject *p = json_array_get_object_element(platforms, i);
		const char *name = json_object_get_string_member(p, "name");
		if (g_str_equal(name, "linux-6.1-class")) {
			ck_assert(json_object_get_boolean_member(p, "runs"));
			seen |= 1;
		} else if (g_str_equal(name, "linux-6.2-class")) {
			ck_assert(!json_object_get_boolean_member(p, "runs"));
			ck_assert_str_eq(json_object_get_string_member(p, "verdict"), "no");
			seen |= 2;
		}
	}
	ck_assert_int_eq(seen, 3);
	machines = json_object_get_array_member(doc, "machines");
	ck_assert_uint_gt(json_array_get_length(machines), 0);
	ck_assert_uint_gt(json_array_get_length(json_object_get_array_member(doc, "cpu_models")),
			  0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("domxml");
	TCase *tc = tcase_create("import");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_domxml_table, 0, G_N_ELEMENTS(cases));
	tcase_add_loop_test(tc, test_domxml_errors, 0, G_N_ELEMENTS(bad));
	tcase_add_test(tc, test_domxml_metadata);
	tcase_add_test(tc, test_input_libvirt_argv);
	tcase_add_test(tc, test_input_formats);
	tcase_add_test(tc, test_domain_capabilities);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
