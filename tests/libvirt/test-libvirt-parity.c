/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parity with libvirt itself: for each domain XML of tests/libvirt/corpus, the command line
 * Debian's real libvirtd makes of it (`virsh domxml-to-native qemu-argv`, environment
 * prefix and all), imported by the QEMU argv importer, gets the same verdict and the same
 * findings as the XML imported directly, judged against captured hosts
 * (tests/fixtures/hosts). "unevaluated" notes are left out: each importer words its own.
 *
 * Where libvirt refuses the domain before QEMU runs (KVM without /dev/kvm, SEV, huge pages
 * without hugetlbfs), hostcapd must refuse it on this host too (verdict no, probing here).
 * A corpus file may say that domxml-to-native's output lacks some features
 * ("hostcapd-parity-lossy: PREFIX…": it turns every NIC into a bare tap fd); those feature
 * ids are left out of the comparison, and must be in the direct import.
 */
#include <check.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "hc-probe-registry.h"
#include "hc-test-libvirt.h"
#include "hc-verdict.h"
#include "hostcap/hc-snapshot.h"

static const char *const hc_parity_hosts[] = {"v-deb12-6.1.json", "v-trixie-6.12.json", NULL};

static HcTestLibvirt *lv;
static HcCatalogue *cat;
static char *tmpdir;
static GPtrArray *corpus; /* file paths */

static char *
source_path(const char *a, const char *b, const char *c)
{
	return g_build_filename(g_getenv("HC_SOURCE_DIR"), a, b, c, NULL);
}

static void
setup(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *data = source_path("data", NULL, NULL);
	const char *dirs[] = {data, NULL};

	tmpdir = g_dir_make_tmp("hc-parity-XXXXXX", &error);
	ck_assert_msg(tmpdir != NULL, "%s", error ? error->message : "");
	cat = hc_catalogue_load_for_probes(dirs, hc_probe_registry, hc_probe_registry_len, &error);
	ck_assert_msg(cat != NULL, "%s", error ? error->message : "");
	lv = hc_test_libvirt_start(tmpdir, &error);
	ck_assert_msg(lv != NULL, "libvirtd: %s", error != NULL ? error->message : "");
}

static void
teardown(void)
{
	g_clear_pointer(&lv, hc_test_libvirt_stop);
	g_clear_pointer(&cat, hc_catalogue_unref);
	if (tmpdir != NULL) {
		const char *argv[] = {"rm", "-rf", tmpdir, NULL};
		g_spawn_sync(NULL,
			     (char **)argv,
			     NULL,
			     G_SPAWN_SEARCH_PATH,
			     NULL,
			     NULL,
			     NULL,
			     NULL,
			     NULL,
			     NULL);
	}
	g_clear_pointer(&tmpdir, g_free);
}

/* the prefixes a corpus file declares lossy */
static GStrv
lossy_prefixes(const char *xml)
{
	const char *mark = strstr(xml, "hostcapd-parity-lossy:");
	g_autofree char *line = NULL;
	char *paren;

	if (mark == NULL)
		return g_new0(char *, 1);
	line = g_strndup(mark + strlen("hostcapd-parity-lossy:"),
			 strcspn(mark, "\n") - strlen("hostcapd-parity-lossy:"));
	paren = strchr(line, '(');
	if (paren != NULL)
		*paren = '\0';
	return g_strsplit_set(g_strstrip(line), " ", -1);
}

static gboolean
is_lossy(const char *feature, GStrv prefixes)
{
	for (guint i = 0; prefixes[i] != NULL; i++) {
		if (prefixes[i][0] != '\0' && g_str_has_prefix(feature, prefixes[i]))
			return TRUE;
	}
	return FALSE;
}

static int
compare_lines(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

/* "verdict|feature=value severity status|…" sorted, unevaluated and lossy ids left out */
static char *
judge(const char *spec, HcSnapshot *host, GStrv lossy)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *report = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
	HcVerdict verdict;
	JsonArray *findings;
	GString *out;

	ck_assert_msg(hc_check_bootable(cat, spec, strlen(spec), host, &verdict, &report, &error),
		      "%s",
		      error ? error->message : "");
	ck_assert(json_parser_load_from_data(parser, report, -1, NULL));
	findings = json_object_get_array_member(json_node_get_object(json_parser_get_root(parser)),
						"findings");
	for (guint i = 0; i < json_array_get_length(findings); i++) {
		JsonObject *f = json_array_get_object_element(findings, i);
		const char *feature = json_object_get_string_member(f, "feature");
		g_autofree char *value = NULL;
		if (g_str_equal(feature, "unevaluated") || is_lossy(feature, lossy))
			continue;
		value = json_to_string(json_object_get_member(f, "value"), FALSE);
		g_ptr_array_add(lines,
				g_strdup_printf("%s=%s %s %s",
						feature,
						value,
						json_object_get_string_member(f, "severity"),
						json_object_get_string_member(f, "status")));
	}
	g_ptr_array_sort(lines, compare_lines);
	out = g_string_new(hc_verdict_to_string(verdict));
	for (guint i = 0; i < lines->len; i++)
		g_string_append_printf(out, "|%s", (char *)g_ptr_array_index(lines, i));
	return g_string_free(out, FALSE);
}

/* libvirt refused: hostcapd, probing this host, must say no too (or refuse the XML) */
static void
assert_refused_here(const char *path, const char *why)
{
	g_autofree char *ctl =
	    g_build_filename(g_getenv("HC_BUILD_DIR"), "cli", "hostcapctl", NULL);
	g_autofree char *data = source_path("data", NULL, NULL);
	g_autofree char *data_arg = g_strdup_printf("--data-dir=%s", data);
	const char *argv[] = {ctl, "--no-daemon", data_arg, "--json", "check", path, NULL};
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	int status = -1;

	ck_assert(
	    g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL, &out, &err, &status, NULL));
	/* exit 1: verdict no; 3: the import refused the XML as libvirt did */
	ck_assert_msg(WIFEXITED(status) && (WEXITSTATUS(status) == 1 || WEXITSTATUS(status) == 3),
		      "%s: libvirt refused it (%s) but hostcapd says %s%s",
		      path,
		      why,
		      out,
		      err);
}

START_TEST(test_parity)
{
	const char *path = g_ptr_array_index(corpus, _i);
	g_autoptr(GError) error = NULL;
	g_autofree char *xml = NULL;
	g_autofree char *argv_text = NULL;
	g_autofree char *virsh_err = NULL;
	g_autofree char *from_xml = NULL;
	g_autofree char *from_argv = NULL;
	g_auto(GStrv) lossy = NULL;
	const char *args[] = {"domxml-to-native", "qemu-argv", path, NULL};

	ck_assert(g_file_get_contents(path, &xml, NULL, NULL));
	lossy = lossy_prefixes(xml);
	if (hc_test_libvirt_virsh(lv, args, &argv_text, &virsh_err) != 0) {
		assert_refused_here(path, g_strstrip(virsh_err));
		return;
	}
	from_xml = hc_input_to_spec(cat, HC_INPUT_DOMAIN_XML, xml, strlen(xml), &error);
	ck_assert_msg(from_xml != NULL, "%s: %s", path, error ? error->message : "");
	from_argv = hc_input_to_spec(cat, HC_INPUT_QEMU_ARGV, argv_text, strlen(argv_text), &error);
	ck_assert_msg(from_argv != NULL,
		      "%s: libvirt's command line: %s",
		      path,
		      error ? error->message : "");
	for (guint h = 0; hc_parity_hosts[h] != NULL; h++) {
		g_autofree char *host_path = source_path("tests", "fixtures", "hosts");
		g_autofree char *file = g_build_filename(host_path, hc_parity_hosts[h], NULL);
		g_autofree char *text = NULL;
		g_autoptr(HcSnapshot) host = NULL;
		g_autofree char *a = NULL;
		g_autofree char *b = NULL;
		gsize len = 0;

		ck_assert(g_file_get_contents(file, &text, &len, NULL));
		host = hc_snapshot_from_json(text, len, &error);
		ck_assert_msg(host != NULL, "%s: %s", file, error ? error->message : "");
		a = judge(from_xml, host, lossy);
		b = judge(from_argv, host, lossy);
		ck_assert_msg(g_str_equal(a, b),
			      "%s on %s:\n  domain XML: %s\n  libvirt's argv: %s",
			      path,
			      hc_parity_hosts[h],
			      a,
			      b);
	}
	/* what domxml-to-native drops is still judged from the XML */
	if (lossy[0] != NULL) {
		gboolean found = FALSE;
		for (guint i = 0; lossy[i] != NULL; i++)
			found |= lossy[i][0] != '\0' && strstr(from_xml, lossy[i]) != NULL;
		ck_assert_msg(found, "%s: none of the features domxml-to-native drops", path);
	}
}
END_TEST

int
main(void)
{
	g_autofree char *dir = source_path("tests", "libvirt", "corpus");
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;
	Suite *s = suite_create("libvirt-parity");
	TCase *tc = tcase_create("corpus");
	SRunner *sr;
	int failed;

	if (!hc_test_libvirt_ensure_packages())
		return HC_TEST_LIBVIRT_SKIP;
	corpus = g_ptr_array_new_with_free_func(g_free);
	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		if (g_str_has_suffix(name, ".xml"))
			g_ptr_array_add(corpus, g_build_filename(dir, name, NULL));
	}
	g_ptr_array_sort(corpus, compare_lines);
	if (corpus->len < 20) {
		g_printerr("%s: %u domain XMLs, at least 20 expected\n", dir, corpus->len);
		return 1;
	}
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_parity, 0, corpus->len);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	g_ptr_array_unref(corpus);
	return failed == 0 ? 0 : 1;
}
