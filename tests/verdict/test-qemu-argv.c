/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QEMU command-line import: command lines a manager would write → the spec fragments a
 * verdict needs. Expected values come from QEMU's documented option semantics (sizes in MiB
 * by default, tsc-frequency in Hz, ",," escapes a comma), not from the importer.
 */
#include <check.h>
#include <json-glib/json-glib.h>

#include "hostcap/hc-error.h"
#include "hc-qemu-opts.h"
#include "hc-catalogue.h"
#include "hc-config.h"
#include "hc-verdict.h"

#define MAX_ARGS 24

typedef struct {
	const char *argv[MAX_ARGS];
	const char *machine;
	const char *expect[10][2];  /* feature id, JSON text of its value */
	const char *absent[4];	    /* feature ids that must not be set */
	const char *unevaluated[8]; /* substrings, each of some unevaluated entry */
} ArgvCase;

static const ArgvCase cases[] = {
    {{"qemu-system-x86_64", "-machine", "pc-q35-7.2,accel=kvm,smm=on", "-m", "4G"},
     "pc-q35-7.2",
     {{"accel.kvm", "true"}, {"machine.smm", "\"on\""}, {"memory.size_mib", "4096"}}},
    {{"qemu", "-M", "q35,smm=off,kernel-irqchip=split", "-enable-kvm"},
     "q35",
     {{"accel.kvm", "true"}, {"machine.smm", "\"off\""}, {"machine.kernel_irqchip", "\"split\""}},
     {NULL},
     {"-machine q35: an alias"}},
    {{"qemu", "-machine", "pc-q35-7.2,kernel_irqchip=on", "-accel", "kvm"},
     "pc-q35-7.2",
     {{"machine.kernel_irqchip", "\"on\""}}},
    {{"qemu", "-machine", "pc-q35-7.2,smm=auto", "-accel", "kvm,dirty-ring-size=4096"},
     "pc-q35-7.2",
     {{"accel.kvm", "true"}, {"accel.dirty_ring_size", "4096"}, {"machine.smm", "\"auto\""}}},
    /* QEMU tries each accelerator in turn: kvm, else tcg */
    {{"qemu", "-machine", "pc-q35-7.2", "-accel", "kvm", "-accel", "tcg"},
     "pc-q35-7.2",
     {{"accel.kvm", "true"}, {"accel.tcg_fallback", "true"}}},
    {{"qemu", "-machine", "pc-q35-7.2,accel=kvm:tcg"},
     "pc-q35-7.2",
     {{"accel.kvm", "true"}, {"accel.tcg_fallback", "true"}}},
    {{"qemu", "-machine", "pc-q35-7.2", "-accel", "kvm", "-accel", "xen"},
     "pc-q35-7.2",
     {{"accel.kvm", "true"}},
     {NULL},
     {"fallback after kvm: xen"}},
    {{"qemu", "-machine", "pc-i440fx-7.2", "-accel", "tcg"},
     "pc-i440fx-7.2",
     {{"accel.kvm", "false"}}},
    {{"qemu",
      "-cpu",
      "EPYC-Rome,+avx2,-svm,sse4_1=off,lahf_lm=on,enforce,tsc-frequency=2445424000"},
     "pc",
     {{"cpu.model", "\"EPYC-Rome\""},
      {"cpu.feature.avx2", "true"},
      {"cpu.feature.svm", "false"},
      {"cpu.feature.sse4.1", "false"},
      {"cpu.feature.lahf-lm", "true"},
      {"cpu.enforce", "true"},
      {"cpu.tsc_khz", "2445424"}},
     {NULL},
     {"-machine pc: an alias"}},
    {{"qemu",
      "-machine",
      "none",
      "-cpu",
      "host,migratable=off,host-phys-bits=on,level=13,hv-relaxed"},
     "none",
     {{"cpu.model", "\"host\""}, {"cpu.migratable", "false"}, {"cpu.host_phys_bits", "true"}},
     {NULL},
     {"-cpu …,level=13", "-cpu …,hv-relaxed"}},
    {{"qemu", "-machine", "none", "-cpu", "Skylake-Client,pmu=on"}, "none", {{"cpu.pmu", "true"}}},
    {{"qemu", "-machine", "none", "-cpu", "Skylake-Server,tsc-freq=2.5G,check,+sse3,+xd"},
     "none",
     {{"cpu.tsc_khz", "2500000"},
      {"cpu.feature.pni", "true"},
      {"cpu.feature.nx", "true"},
      {"cpu.check", "true"}},
     {"cpu.enforce", "cpu.feature.check"}},
    /* not a boolean: QEMU would refuse it, we do not guess and say so */
    {{"qemu", "-machine", "none", "-cpu", "Skylake-Client,avx2=sometimes"},
     "none",
     {{"cpu.model", "\"Skylake-Client\""}},
     {"cpu.feature.avx2"},
     {"-cpu …,avx2=sometimes"}},
    {{"qemu", "-machine", "none", "-smp", "4,maxcpus=8"}, "none", {{"smp.maxcpus", "8"}}},
    {{"qemu", "-machine", "none", "-smp", "sockets=2,cores=4,threads=2"},
     "none",
     {{"smp.maxcpus", "16"}}},
    {{"qemu", "-machine", "none", "-smp", "3"}, "none", {{"smp.maxcpus", "3"}}},
    {{"qemu", "-machine", "none", "-m", "size=1.5G,maxmem=8G,slots=2"},
     "none",
     {{"memory.size_mib", "1536"}}},
    {{"qemu", "-machine", "none", "-m", "512"}, "none", {{"memory.size_mib", "512"}}},
    {{"qemu", "-machine", "none", "-m", "100k"}, "none", {{"memory.size_mib", "1"}}},
    {{"qemu",
      "-object",
      "memory-backend-memfd,id=mem,size=4G,hugetlb=on,hugetlbsize=1G,share=on,prealloc=on",
      "-machine",
      "pc-q35-7.2,memory-backend=mem"},
     "pc-q35-7.2",
     {{"memory.hugepages", "\"1G\""},
      {"memory.backend", "\"memfd\""},
      {"memory.share", "true"},
      {"memory.prealloc", "true"},
      {"memory.size_mib", "4096"}}},
    {{"qemu",
      "-machine",
      "none",
      "-object",
      "memory-backend-file,id=m,size=2G,mem-path=/dev/hugepages",
      "-mem-prealloc"},
     "none",
     {{"memory.backend", "\"file\""},
      {"memory.prealloc", "true"},
      {"memory.hugepages", "\"default\""}}},
    {{"qemu", "-machine", "none", "-mem-path", "/dev/hugepages-2M"},
     "none",
     {{"memory.hugepages", "\"2M\""}}},
    {{"qemu", "-machine", "none", "-mem-path", "/srv/guest-ram"},
     "none",
     {{NULL}},
     {"memory.hugepages"},
     {"mem-path"}},
    {{"qemu",
      "-object",
      "sev-guest,id=sev0,cbitpos=47,reduced-phys-bits=1,policy=0x5",
      "-machine",
      "pc-q35-7.2,confidential-guest-support=sev0"},
     "pc-q35-7.2",
     {{"confidential.sev", "true"}, {"confidential.sev-es", "true"}}},
    {{"qemu",
      "-object",
      "sev-guest,id=sev0,policy=1",
      "-object",
      "tdx-guest,id=tdx0",
      "-machine",
      "pc-q35-7.2,confidential-guest-support=tdx0"},
     "pc-q35-7.2",
     {{"confidential.tdx", "true"}},
     {"confidential.sev", "confidential.sev-es"}},
    {{"qemu", "-machine", "pc-q35-7.2,confidential-guest-support=nowhere"},
     "pc-q35-7.2",
     {{NULL}},
     {NULL},
     {"confidential-guest-support=nowhere"}},
    {{"qemu",
      "-machine",
      "pc-q35-9.0",
      "-netdev",
      "tap,id=n0,vhost=on,queues=4,vnet_hdr=on,script=no,downscript=no",
      "-device",
      "virtio-net-pci,netdev=n0,mq=on,host_uso=off,guest_uso4=off,guest_uso6=no,queue_reset=true,"
      "mac=52:54:00:12:34:56"},
     "pc-q35-9.0",
     {{"netdev.tap", "true"},
      {"netdev.vhost", "true"},
      {"netdev.queues", "4"},
      {"virtio-net.mq", "true"},
      {"virtio-net.host_uso", "false"},
      {"virtio-net.guest_uso4", "false"},
      {"virtio-net.guest_uso6", "false"},
      {"virtio.queue_reset", "true"}}},
    {{"qemu", "-machine", "none", "-netdev", "tap,id=n0,vhostforce", "-netdev", "user,id=u0"},
     "none",
     {{"netdev.tap", "true"}, {"netdev.vhost", "true"}}},
    {{"qemu", "-machine", "none", "-netdev", "tap,id=n0,vhost=off"},
     "none",
     {{"netdev.vhost", "false"}}},
    {{"qemu", "-machine", "none", "-device", "vhost-vsock-pci,guest-cid=3,seqpacket=on"},
     "none",
     {{"vhost-vsock.present", "true"}, {"vhost-vsock.seqpacket", "\"on\""}}},
    {{"qemu", "-machine", "none", "-device", "vhost-vsock-pci,guest-cid=3,seqpacket=auto"},
     "none",
     {{"vhost-vsock.seqpacket", "\"auto\""}}},
    {{"qemu", "-machine", "none", "-device", "vfio-pci,host=0000:01:00.0,enable-migration=on"},
     "none",
     {{"vfio-pci.present", "true"},
      {"vfio-pci.migration", "true"},
      {"vfio-pci.host.0000_01_00_0", "\"0000:01:00.0\""}}},
    /* a domain-less address is domain 0000, as QEMU reads it */
    {{"qemu", "-machine", "none", "-device", "vfio-pci,host=3B:00.1"},
     "none",
     {{"vfio-pci.host.0000_3b_00_1", "\"0000:3b:00.1\""}}},
    {{"qemu", "-machine", "none", "-drive", "file=/img/a,,b.img,if=virtio,aio=io_uring"},
     "none",
     {{"block.aio", "\"io_uring\""}}},
    {{"qemu",
      "-machine",
      "none",
      "-blockdev",
      "{\"driver\":\"qcow2\",\"node-name\":\"d\",\"file\":{\"driver\":\"file\",\"filename\":\"a\","
      "\"aio\":\"native\"}}"},
     "none",
     {{"block.aio", "\"native\""}}},
    {{"qemu", "-machine", "none", "-blockdev", "driver=file,node-name=f,filename=a,aio=threads"},
     "none",
     {{NULL}},
     {"block.aio"}},
    {{"qemu", "-machine", "none", "-incoming", "defer", "-overcommit", "mem-lock=on,cpu-pm=on"},
     "none",
     {{"migration.incoming", "true"}, {"memory.mem_lock", "true"}, {"accel.cpu_pm", "true"}}},
    {{"qemu", "-machine", "none", "-overcommit", "mem-lock=off,cpu-pm=off", "-mem-path", "/mnt"},
     "none",
     {{"memory.backend", "\"file\""}, {"memory.mem_lock", "false"}, {"accel.cpu_pm", "false"}},
     {NULL},
     {"not a known hugetlbfs mount"}},
    /* ",," keeps the comma inside the value: host_uso=on is part of romfile's value */
    {{"qemu", "-machine", "none", "-device", "virtio-net-pci,romfile=x,,host_uso=on"},
     "none",
     {{NULL}},
     {"virtio-net.host_uso"}},
    {{"qemu", "-machine", "none", "-device", "{\"driver\":\"virtio-net-pci\",\"host_uso\":false}"},
     "none",
     {{"virtio-net.host_uso", "false"}}},
    {{"qemu",
      "-machine",
      "none",
      "-global",
      "virtio-net-pci.host_uso=off",
      "-global",
      "driver=virtio-net-pci,property=guest_uso4,value=off"},
     "none",
     {{"virtio-net.host_uso", "false"}, {"virtio-net.guest_uso4", "false"}}},
    /* two NICs: "on" on either is what the host must offer */
    {{"qemu",
      "-machine",
      "none",
      "-device",
      "virtio-net-pci,host_uso=on",
      "-device",
      "virtio-net-pci,host_uso=off"},
     "none",
     {{"virtio-net.host_uso", "true"}}},
    {{"qemu", "-machine", "pc-q35-9.0", "-platform", "linux-6.2"}, "pc-q35-9.0", {{NULL}}},
    /* libvirt's environment prefix and the devices and options it adds to every line */
    {{"LC_ALL=C",
      "PATH=/usr/sbin:/usr/bin",
      "HOME=/var/lib/libvirt/qemu/domain-1-vm",
      "XDG_CACHE_HOME=/var/lib/libvirt/qemu/domain-1-vm/.cache",
      "/usr/bin/qemu-system-x86_64",
      "-machine",
      "pc-q35-7.2,usb=off,dump-guest-core=off,memory-backend=pc.ram",
      "-accel",
      "tcg",
      "-sandbox",
      "on,obsolete=deny",
      "-no-acpi",
      "-device",
      "{\"driver\":\"pcie-root-port\",\"port\":8,\"chassis\":1,\"id\":\"pci.1\"}",
      "-device",
      "{\"driver\":\"qemu-xhci\",\"id\":\"usb\"}",
      "-device",
      "{\"driver\":\"virtio-balloon-pci\",\"id\":\"balloon0\"}",
      "-device",
      "{\"driver\":\"virtio-blk-pci\",\"drive\":\"libvirt-1-format\"}"},
     "pc-q35-7.2",
     {{"accel.kvm", "false"}},
     {NULL},
     {NULL}},
    {{"qemu",
      "-machine",
      "none",
      "-foo",
      "bar",
      "-device",
      "vhost-user-blk-pci,chardev=c0",
      "-netdev",
      "socket,id=s0",
      "-readconfig",
      "x.cfg",
      "-only-migratable",
      "-object",
      "rng-egd,id=r0",
      "-device",
      "bus=pcie.0"},
     "none",
     {{NULL}},
     {NULL},
     {"-foo bar",
      "-device vhost-user-blk-pci,chardev=c0",
      "-netdev socket,id=s0",
      "-readconfig x.cfg",
      "-only-migratable",
      "-object rng-egd,id=r0",
      "-device bus=pcie.0"}},
};

/* the shipped catalogue: device properties are read through its "qemu" fields */
static HcCatalogue *
catalogue(void)
{
	static HcCatalogue *cat;
	const char *const dirs[] = {HC_SOURCE_DATADIR, NULL};

	if (cat == NULL)
		cat = hc_catalogue_load(dirs, NULL);
	ck_assert_ptr_nonnull(cat);
	return cat;
}

static JsonObject *
import(const char *const *argv, JsonNode **root_out)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *json = hc_qemu_argv_to_spec(catalogue(), argv, &error);
	g_autoptr(JsonParser) parser = json_parser_new();

	ck_assert_msg(json != NULL, "%s: %s", argv[1], error != NULL ? error->message : "");
	ck_assert(json_parser_load_from_data(parser, json, -1, NULL));
	*root_out = json_node_copy(json_parser_get_root(parser));
	ck_assert(JSON_NODE_HOLDS_OBJECT(*root_out));
	return json_node_get_object(*root_out);
}

static gboolean
unevaluated_has(JsonObject *spec, const char *needle)
{
	JsonArray *list = json_object_get_array_member(spec, "unevaluated");

	for (guint i = 0; i < json_array_get_length(list); i++) {
		if (strstr(json_array_get_string_element(list, i), needle) != NULL)
			return TRUE;
	}
	return FALSE;
}

/* the feature ids data/features.d declares ("cpu.feature.*" covers a family) */
static GHashTable *catalogue_ids;

static void
load_catalogue_ids(void)
{
	const char *srcdir = g_getenv("HC_SOURCE_DIR");
	g_autofree char *dir = NULL;
	g_autoptr(GDir) d = NULL;
	const char *name;

	ck_assert_msg(srcdir != NULL, "HC_SOURCE_DIR is not set (run through meson test)");
	dir = g_build_filename(srcdir, "data", "features.d", NULL);
	d = g_dir_open(dir, 0, NULL);
	ck_assert_msg(d != NULL, "%s", dir);
	catalogue_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = g_build_filename(dir, name, NULL);
		g_autoptr(JsonParser) parser = json_parser_new();
		g_autoptr(GList) ids = NULL;
		if (!g_str_has_suffix(name, ".json"))
			continue;
		ck_assert_msg(json_parser_load_from_file(parser, path, NULL), "%s", path);
		ids = json_object_get_members(json_object_get_object_member(
		    json_node_get_object(json_parser_get_root(parser)),
		    "features"));
		for (GList *l = ids; l != NULL; l = l->next)
			g_hash_table_add(catalogue_ids, g_strdup(l->data));
	}
	ck_assert_uint_gt(g_hash_table_size(catalogue_ids), 0);
}

static gboolean
catalogue_declares(const char *id)
{
	g_autofree char *family = NULL;
	const char *dot = strrchr(id, '.');

	if (catalogue_ids == NULL)
		load_catalogue_ids();
	if (g_hash_table_contains(catalogue_ids, id))
		return TRUE;
	/* cpu.feature.sse4.1 belongs to cpu.feature.* whatever dots the name has */
	for (const char *p = strchr(id, '.'); p != NULL && p < dot + 1; p = strchr(p + 1, '.')) {
		g_free(family);
		family = g_strdup_printf("%.*s.*", (int)(p - id), id);
		if (g_hash_table_contains(catalogue_ids, family))
			return TRUE;
	}
	return FALSE;
}

START_TEST(test_argv_table)
{
	const ArgvCase *c = &cases[_i];
	g_autoptr(JsonNode) root = NULL;
	JsonObject *spec = import(c->argv, &root);
	JsonObject *features = json_object_get_object_member(spec, "features");

	ck_assert_str_eq(json_object_get_string_member(spec, "machine"), c->machine);
	ck_assert(json_object_has_member(spec, "unevaluated"));
	for (guint i = 0; i < G_N_ELEMENTS(c->expect) && c->expect[i][0] != NULL; i++) {
		g_autofree char *got = NULL;
		ck_assert_msg(json_object_has_member(features, c->expect[i][0]),
			      "case %d: %s missing",
			      _i,
			      c->expect[i][0]);
		got = json_to_string(json_object_get_member(features, c->expect[i][0]), FALSE);
		ck_assert_msg(g_strcmp0(got, c->expect[i][1]) == 0,
			      "case %d: %s = %s, expected %s",
			      _i,
			      c->expect[i][0],
			      got,
			      c->expect[i][1]);
	}
	/* the verdict refuses ids it does not know: every one imported must be declared */
	{
		g_autoptr(GList) ids = json_object_get_members(features);
		for (GList *l = ids; l != NULL; l = l->next)
			ck_assert_msg(catalogue_declares(l->data),
				      "case %d: %s is not in data/features.d",
				      _i,
				      (char *)l->data);
	}
	for (guint i = 0; i < G_N_ELEMENTS(c->absent) && c->absent[i] != NULL; i++)
		ck_assert_msg(!json_object_has_member(features, c->absent[i]),
			      "case %d: %s should not be set",
			      _i,
			      c->absent[i]);
	for (guint i = 0; i < G_N_ELEMENTS(c->unevaluated) && c->unevaluated[i] != NULL; i++)
		ck_assert_msg(unevaluated_has(spec, c->unevaluated[i]),
			      "case %d: '%s' not in unevaluated",
			      _i,
			      c->unevaluated[i]);
}
END_TEST

START_TEST(test_argv_platform_and_neutral)
{
	const char *const argv[] = {"qemu-system-x86_64",
				    "-machine",
				    "pc-q35-9.0",
				    "-platform",
				    "linux-6.2",
				    "-name",
				    "vm1",
				    "-display",
				    "none",
				    "-nodefaults",
				    "-S",
				    "-qmp",
				    "stdio",
				    "-serial",
				    "none",
				    "disk.img",
				    NULL};
	g_autoptr(JsonNode) root = NULL;
	JsonObject *spec = import(argv, &root);

	ck_assert_str_eq(json_object_get_string_member(spec, "platform"), "linux-6.2");
	/* host-neutral options are understood, so nothing is left unevaluated */
	ck_assert_uint_eq(json_array_get_length(json_object_get_array_member(spec, "unevaluated")),
			  0);
	ck_assert_uint_eq(json_object_get_size(json_object_get_object_member(spec, "features")), 0);
}
END_TEST

/* every virtio-net property the catalogue names (its "qemu" field) becomes that feature, on
 * every virtio-net driver: the importer has no table of its own */
START_TEST(test_argv_offloads)
{
	const char *const drivers[] = {"virtio-net-pci",
				       "virtio-net-pci-non-transitional",
				       "virtio-net-device"};
	g_autoptr(GPtrArray) defs = hc_catalogue_list_features(catalogue());
	guint n = 0;

	for (guint i = 0; i < defs->len; i++) {
		const HcFeatureDef *def = g_ptr_array_index(defs, i);
		if (def->type != HC_FEATURE_TYPE_BOOL ||
		    !g_str_has_prefix(def->qemu, "virtio-net-pci."))
			continue;
		for (guint d = 0; d < G_N_ELEMENTS(drivers); d++) {
			g_autofree char *dev =
			    g_strdup_printf("%s,%s=off",
					    drivers[d],
					    def->qemu + strlen("virtio-net-pci."));
			const char *const argv[] =
			    {"qemu", "-machine", "none", "-device", dev, NULL};
			g_autoptr(JsonNode) root = NULL;
			JsonObject *spec = import(argv, &root);
			JsonObject *features = json_object_get_object_member(spec, "features");
			ck_assert_msg(json_object_has_member(features, def->id),
				      "%s: %s missing",
				      dev,
				      def->id);
			ck_assert(!json_object_get_boolean_member(features, def->id));
		}
		n++;
	}
	/* the offloads, USO, the tunnel four, mq/rss/hash and queue_reset at least */
	ck_assert_uint_ge(n, 22);
}
END_TEST

typedef struct {
	const char *argv[8];
	const char *message; /* substring naming the argument */
} BadCase;

static const BadCase bad_cases[] = {
    {{"qemu", "-m", "4Q"}, "-m 4Q"},
    {{"qemu", "-m", "99999999999999999999G"}, "99999999999999999999G"},
    {{"qemu", "-m"}, "-m: missing argument"},
    {{"qemu", "-object", "memory-backend-ram,id=m,size=lots"}, "size=lots"},
    {{"qemu", "-smp", "four"}, "-smp four"},
    {{"qemu", "-device", "virtio-net-pci,host_uso=maybe"}, "host_uso"},
    {{"qemu", "-cpu", "Skylake-Client,tsc-frequency=fast"}, "fast"},
    {{"qemu", "-netdev", "tap,id=n0,queues=-1"}, "queues"},
    {{"qemu", "-blockdev", "{\"driver\":"}, "-blockdev"},
    {{"qemu", "-name", "vm\xff"}, "argument 2 is not valid UTF-8"},
    {{"qemu", "-device", "vfio-pci,host=../../etc"}, "../../etc"},
    {{"qemu", "-machine", "q35,kernel-irqchip=sometimes"}, "sometimes"},
    {{NULL}, "empty command line"},
    /* the binary forgotten: "-machine" is not the program and "q35" no disk image */
    {{"-machine", "q35"}, "'-machine': the command line starts with the QEMU binary"},
    {{"LC_ALL=C", "-machine", "q35"}, "'-machine': the command line starts with"},
    {{"HOME=/x", "PATH=/bin"}, "no QEMU binary after the environment"},
    {{"qemu-system-aarch64", "-M", "virt"}, "qemu-system-aarch64: only x86_64 hosts"},
    {{"/usr/bin/qemu-system-s390x", "-M", "s390-ccw-virtio"}, "qemu-system-s390x: only x86_64"},
};

START_TEST(test_argv_bad)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *json = hc_qemu_argv_to_spec(catalogue(), bad_cases[_i].argv, &error);

	ck_assert_msg(json == NULL, "case %d accepted: %s", _i, json);
	ck_assert(g_error_matches(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT));
	ck_assert_msg(strstr(error->message, bad_cases[_i].message) != NULL,
		      "'%s' does not name '%s'",
		      error->message,
		      bad_cases[_i].message);
}
END_TEST

/* libvirt's logs and domxml-to-native put the environment in front of the binary */
START_TEST(test_argv_env_prefix)
{
	const char *const argv[] = {"LC_ALL=C",
				    "PATH=/usr/local/sbin:/usr/bin",
				    "QEMU_AUDIO_DRV=none",
				    "/usr/bin/qemu-system-x86_64",
				    "-machine",
				    "pc-q35-9.0,accel=kvm",
				    "-m",
				    "2048",
				    NULL};
	const char *const i386[] = {"qemu-system-i386", "-machine", "pc-i440fx-9.0", NULL};
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(JsonNode) root32 = NULL;
	JsonObject *spec = import(argv, &root);
	JsonObject *spec32 = import(i386, &root32);

	ck_assert_str_eq(json_object_get_string_member(spec, "machine"), "pc-q35-9.0");
	ck_assert(
	    json_object_has_member(json_object_get_object_member(spec, "features"), "accel.kvm"));
	ck_assert(!unevaluated_has(spec, "LC_ALL"));
	ck_assert(!unevaluated_has(spec, "qemu-system"));
	ck_assert_str_eq(json_object_get_string_member(spec32, "machine"), "pc-i440fx-9.0");
}
END_TEST

START_TEST(test_opts_split)
{
	g_autoptr(GPtrArray) opts = hc_qemu_opts_split("tap,id=n0,,x,script=a=b,vhost,");
	HcQemuOpt *o;

	ck_assert_uint_eq(opts->len, 4);
	o = g_ptr_array_index(opts, 0);
	ck_assert(o->key == NULL);
	ck_assert_str_eq(o->value, "tap");
	o = g_ptr_array_index(opts, 1);
	ck_assert_str_eq(o->key, "id");
	ck_assert_str_eq(o->value, "n0,x");
	o = g_ptr_array_index(opts, 2);
	ck_assert_str_eq(o->key, "script");
	ck_assert_str_eq(o->value, "a=b");
	o = g_ptr_array_index(opts, 3);
	ck_assert(o->key == NULL);
	ck_assert_str_eq(o->value, "vhost");
}
END_TEST

START_TEST(test_sizes)
{
	const struct {
		const char *text;
		guint64 unit;
		gboolean ok;
		guint64 bytes;
	} sizes[] = {
	    {"4G", 1048576, TRUE, 4294967296ULL},
	    {"4096", 1048576, TRUE, 4294967296ULL},
	    {"1.5G", 1, TRUE, 1610612736ULL},
	    {"0x1000", 1, TRUE, 4096},
	    {"512k", 1, TRUE, 524288},
	    {"2M", 1, TRUE, 2097152},
	    {"1T", 1, TRUE, 1099511627776ULL},
	    {"15E", 1, TRUE, 17293822569102704640ULL},
	    {"16E", 1, FALSE, 0},
	    {"4Q", 1, FALSE, 0},
	    {"", 1, FALSE, 0},
	    {"G", 1, FALSE, 0},
	    {"-1", 1, FALSE, 0},
	    {"1.G", 1, FALSE, 0},
	    {"4GB", 1, FALSE, 0},
	};

	for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
		guint64 bytes = 0;
		gboolean ok = hc_qemu_parse_size(sizes[i].text, sizes[i].unit, &bytes);
		ck_assert_msg(ok == sizes[i].ok, "%s", sizes[i].text);
		if (ok)
			ck_assert_msg(bytes == sizes[i].bytes,
				      "%s = %" G_GUINT64_FORMAT,
				      sizes[i].text,
				      bytes);
	}
}
END_TEST

START_TEST(test_metric_and_names)
{
	guint64 hz = 0;
	g_autofree char *a = hc_qemu_cpu_feature_name("SSE4_2");
	g_autofree char *b = hc_qemu_cpu_feature_name("kvm_pv_unhalt");
	g_autofree char *c = hc_qemu_cpu_feature_name("bad name");

	ck_assert(hc_qemu_parse_metric("2.5G", &hz));
	ck_assert_uint_eq(hz, 2500000000ULL);
	ck_assert(hc_qemu_parse_metric("2445424000", &hz));
	ck_assert_uint_eq(hz, 2445424000ULL);
	ck_assert_str_eq(a, "sse4.2");
	ck_assert_str_eq(b, "kvm-pv-unhalt");
	ck_assert(c == NULL);
}
END_TEST

static Suite *
qemu_argv_suite(void)
{
	Suite *s = suite_create("qemu-argv");
	TCase *tc = tcase_create("import");

	tcase_add_loop_test(tc, test_argv_table, 0, G_N_ELEMENTS(cases));
	tcase_add_test(tc, test_argv_platform_and_neutral);
	tcase_add_test(tc, test_argv_offloads);
	tcase_add_loop_test(tc, test_argv_bad, 0, G_N_ELEMENTS(bad_cases));
	tcase_add_test(tc, test_argv_env_prefix);
	tcase_add_test(tc, test_opts_split);
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_metric_and_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(qemu_argv_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? 0 : 1;
}
