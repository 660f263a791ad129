/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * declarative probe: every kind on a sysroot made by the test (including a gzipped
 * /proc/config.gz), per-file-name override between data dirs, and bad files and entries
 * reported as site.probes_d.<stem> without stopping the rest.
 */
#include <check.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/utsname.h>

#include "hc-probe-test.h"
#include "declarative/hc-probe-declarative.h"

static const char site_low[] =
    "{\"probes\": [{\"id\": \"site.low.only\", \"kind\": \"file-exists\", \"path\": \"/x\"}]}";

static const char site_high[] =
    "{\"probes\": ["
    "{\"id\": \"site.halt_poll\", \"kind\": \"module-param\", \"module\": \"kvm\","
    " \"param\": \"halt_poll_ns\", \"type\": \"int\"},"
    "{\"id\": \"site.nested\", \"kind\": \"module-param\", \"module\": \"kvm\","
    " \"param\": \"nested\", \"type\": \"bool\"},"
    "{\"id\": \"site.nomod\", \"kind\": \"module-param\", \"module\": \"kvm_amd\","
    " \"param\": \"sev\"},"
    "{\"id\": \"site.os.version\", \"kind\": \"file-read\", \"path\": \"/etc/os-release\","
    " \"type\": \"regex\", \"regex\": \"^VERSION_ID=\\\"?([0-9]+)\"},"
    "{\"id\": \"site.hugepages\", \"kind\": \"file-exists\", \"path\": \"/dev/hugepages\"},"
    "{\"id\": \"site.swappiness\", \"kind\": \"sysctl\", \"name\": \"vm.swappiness\"},"
    "{\"id\": \"site.cfg.tun\", \"kind\": \"kernel-config\", \"option\": \"CONFIG_TUN\"},"
    "{\"id\": \"site.cfg.sev\", \"kind\": \"kernel-config\", \"option\": \"CONFIG_KVM_AMD_SEV\"}"
    "]}";

static const char bad_entries[] =
    "{\"probes\": ["
    "{\"id\": \"site.ok\", \"kind\": \"file-exists\", \"path\": \"/etc/os-release\"},"
    "{\"id\": \"kvm.present\", \"kind\": \"file-exists\", \"path\": \"/x\"},"
    "{\"id\": \"site.run\", \"kind\": \"exec\", \"path\": \"/bin/true\"}"
    "]}";

static void
write_gzip(const char *root, const char *rel, const char *text)
{
	g_autoptr(GZlibCompressor) comp = g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
	g_autoptr(GInputStream) raw = g_memory_input_stream_new_from_data(text, -1, NULL);
	g_autoptr(GInputStream) in = g_converter_input_stream_new(raw, G_CONVERTER(comp));
	g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable();
	g_autofree char *path = g_build_filename(root, rel, NULL);

	ck_assert_int_ge(
	    g_output_stream_splice(out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, NULL),
	    0);
	ck_assert(
	    g_file_set_contents(path,
				g_memory_output_stream_get_data(G_MEMORY_OUTPUT_STREAM(out)),
				g_memory_output_stream_get_data_size(G_MEMORY_OUTPUT_STREAM(out)),
				NULL));
}

static char *
make_sysroot(void)
{
	char *root = g_dir_make_tmp("hc-decl-root-XXXXXX", NULL);

	hc_probe_test_write(root, "sys/module/kvm/parameters/halt_poll_ns", "200000\n");
	hc_probe_test_write(root, "sys/module/kvm/parameters/nested", "N\n");
	hc_probe_test_write(root, "etc/os-release", "NAME=\"Debian\"\nVERSION_ID=\"12\"\n");
	hc_probe_test_write(root, "proc/sys/vm/swappiness", "60\n");
	hc_probe_test_write(root, "proc/placeholder", "");
	write_gzip(root, "proc/config.gz", "CONFIG_TUN=m\n# CONFIG_KVM_AMD_SEV is not set\n");
	return root;
}

static const char *
str_value(const HcProbeResult *res, const char *id)
{
	const HcCapability *cap = hc_probe_test_get(res, id);

	ck_assert_msg(cap->value != NULL, "%s has no value: %s", id, cap->reason);
	return g_variant_get_string(cap->value, NULL);
}

START_TEST(test_declarative_kinds_and_override)
{
	g_autofree char *root = make_sysroot();
	g_autofree char *low = g_dir_make_tmp("hc-decl-low-XXXXXX", NULL);
	g_autofree char *high = g_dir_make_tmp("hc-decl-high-XXXXXX", NULL);
	const char *dirs[] = {low, high, NULL};
	g_autoptr(HcProbeResult) res = NULL;

	hc_probe_test_write(low, "probes.d/site.json", site_low);
	hc_probe_test_write(high, "probes.d/site.json", site_high);
	hc_probe_test_write(high, "probes.d/ignored.json.sample", bad_entries);
	res = hc_probe_test_run_full(&hc_probe_declarative, root, NULL, dirs);

	hc_probe_test_assert_complete(&hc_probe_declarative, res);
	/* the later dir's site.json replaced the earlier one */
	ck_assert_ptr_null(hc_probe_test_find(res, "site.low.only"));
	ck_assert_int_eq(hc_probe_test_get_int(res, "site.halt_poll"), 200000);
	ck_assert_int_eq(hc_probe_test_get(res, "site.nested")->state, HC_CAP_STATE_DISABLED);
	ck_assert_int_eq(hc_probe_test_get(res, "site.nomod")->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_str_eq(str_value(res, "site.os.version"), "12");
	ck_assert_int_eq(hc_probe_test_get(res, "site.hugepages")->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_int_eq(hc_probe_test_get_int(res, "site.swappiness"), 60);
	ck_assert_str_eq(str_value(res, "site.cfg.tun"), "m");
	ck_assert_int_eq(hc_probe_test_get(res, "site.cfg.sev")->state, HC_CAP_STATE_UNSUPPORTED);
	/* .sample files are not loaded */
	ck_assert_ptr_null(hc_probe_test_find(res, "site.ok"));
	ck_assert_ptr_null(hc_probe_test_find(res, "site.probes_d.ignored"));
	hc_probe_test_rm_rf(root);
	hc_probe_test_rm_rf(low);
	hc_probe_test_rm_rf(high);
}
END_TEST

START_TEST(test_declarative_bad_entries_are_reported)
{
	g_autofree char *root = make_sysroot();
	g_autofree char *dir = g_dir_make_tmp("hc-decl-bad-XXXXXX", NULL);
	g_autofree char *bad_path = g_build_filename(dir, "probes.d", "Bad Site.json", NULL);
	g_autofree char *want = NULL;
	const char *dirs[] = {dir, NULL};
	g_autoptr(HcProbeResult) res = NULL;
	const HcCapability *cap;

	hc_probe_test_write(dir, "probes.d/Bad Site.json", bad_entries);
	hc_probe_test_write(dir, "probes.d/broken.json", "{\"probes\": [");
	res = hc_probe_test_run_full(&hc_probe_declarative, root, NULL, dirs);

	/* the good entry still ran */
	ck_assert_int_eq(hc_probe_test_get(res, "site.ok")->state, HC_CAP_STATE_SUPPORTED);
	ck_assert_ptr_null(hc_probe_test_find(res, "kvm.present"));
	cap = hc_probe_test_get(res, "site.probes_d.bad_site");
	ck_assert_int_eq(cap->state, HC_CAP_STATE_UNKNOWN);
	want = g_strdup_printf("file %s: $.probes[1].id: must be a valid id under \"site.\"; "
			       "$.probes[2].kind: unknown kind \"exec\"",
			       bad_path);
	ck_assert_str_eq(cap->reason, want);
	ck_assert_int_eq(hc_probe_test_get(res, "site.probes_d.broken")->state,
			 HC_CAP_STATE_UNKNOWN);
	ck_assert_int_eq(hc_probe_test_get(res, "site.probes_d.files")->state,
			 HC_CAP_STATE_SUPPORTED);
	hc_probe_test_rm_rf(root);
	hc_probe_test_rm_rf(dir);
}
END_TEST

START_TEST(test_declarative_boot_config_and_no_files)
{
	g_autofree char *root = g_dir_make_tmp("hc-decl-boot-XXXXXX", NULL);
	g_autofree char *dir = g_dir_make_tmp("hc-decl-dir-XXXXXX", NULL);
	g_autofree char *boot = NULL;
	const char *dirs[] = {dir, NULL};
	const char *none[] = {root, NULL};
	g_autoptr(HcProbeResult) res = NULL;
	g_autoptr(HcProbeResult) empty = NULL;
	struct utsname uts;

	ck_assert_int_eq(uname(&uts), 0);
	boot = g_strdup_printf("boot/config-%s", uts.release);
	hc_probe_test_write(root, boot, "CONFIG_TUN=y\n");
	hc_probe_test_write(dir,
			    "probes.d/cfg.json",
			    "{\"probes\": [{\"id\": \"site.tun\", \"kind\": \"kernel-config\","
			    " \"option\": \"CONFIG_TUN\"}]}");
	res = hc_probe_test_run_full(&hc_probe_declarative, root, NULL, dirs);
	ck_assert_str_eq(str_value(res, "site.tun"), "y");

	empty = hc_probe_test_run_full(&hc_probe_declarative, root, NULL, none);
	ck_assert_int_eq(hc_probe_test_get(empty, "site.probes_d.files")->state,
			 HC_CAP_STATE_UNSUPPORTED);
	hc_probe_test_rm_rf(root);
	hc_probe_test_rm_rf(dir);
}
END_TEST

/* the shipped example parses and only reports site ids */
START_TEST(test_declarative_example_is_valid)
{
	g_autofree char *dir = g_dir_make_tmp("hc-decl-ex-XXXXXX", NULL);
	g_autofree char *src = g_build_filename(g_getenv("HC_SOURCE_DIR"),
						"data",
						"probes.d",
						"example.json.sample",
						NULL);
	g_autofree char *text = NULL;
	const char *dirs[] = {dir, NULL};
	g_autoptr(HcProbeResult) res = NULL;

	ck_assert(g_file_get_contents(src, &text, NULL, NULL));
	hc_probe_test_write(dir, "probes.d/example.json", text);
	res = hc_probe_test_run_full(&hc_probe_declarative, NULL, NULL, dirs);
	ck_assert_ptr_null(hc_probe_test_find(res, "site.probes_d.example"));
	ck_assert_ptr_nonnull(hc_probe_test_find(res, "site.vm.swappiness"));
	ck_assert_ptr_nonnull(hc_probe_test_find(res, "site.kernel.config.vhost_net"));
	hc_probe_test_rm_rf(dir);
}
END_TEST

static Suite *
declarative_suite(void)
{
	Suite *s = suite_create("probe-declarative");
	TCase *tc = tcase_create("declarative");

	tcase_add_test(tc, test_declarative_kinds_and_override);
	tcase_add_test(tc, test_declarative_bad_entries_are_reported);
	tcase_add_test(tc, test_declarative_boot_config_and_no_files);
	tcase_add_test(tc, test_declarative_example_is_valid);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_probe_test_main(declarative_suite(), argc, argv);
}
