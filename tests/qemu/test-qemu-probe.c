/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * probe "qemu" against a real QEMU release: test-qemu-probe RELEASE runs scripts/get-qemu
 * RELEASE (7.2 = the system QEMU; newer ones are unpacked from the Debian archive) and exits
 * 77 (SKIP) when that release cannot be had here. What the probe reports is checked against
 * an independent reading of the same binary: --version, -machine help and -cpu help, parsed
 * here from QEMU's human output, not from QMP. Then the cache: an unchanged binary is not
 * started again (within the process and from the file after a restart), a changed one is.
 */
#include <check.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include <utime.h>

#include "hc-config.h"
#include "hc-engine.h"
#include "hc-verdict.h"

extern const HcProbeInfo hc_probe_qemu;

static char *qemu_path; /* what get-qemu printed */
static char *release;

static HcProbeResult *
run_probe(const char *sysroot, const char *binary, const char *cache_dir)
{
	const char *const bins[] = {binary, NULL};
	HcEngineOptions opts = {
	    .sysroot = sysroot,
	    .qemu_binaries = binary != NULL ? bins : NULL,
	    .cache_dir = cache_dir,
	};
	return hc_engine_run_probe_sync(&hc_probe_qemu, &opts);
}

static const HcCapability *
find(const HcProbeResult *res, const char *id)
{
	for (guint i = 0; i < res->capabilities->len; i++) {
		const HcCapability *cap = g_ptr_array_index(res->capabilities, i);
		if (g_str_equal(cap->id, id))
			return cap;
	}
	ck_abort_msg("%s not reported", id);
	return NULL;
}

static gboolean
strv_has(const HcCapability *cap, const char *name)
{
	g_autofree const char **v = NULL;

	ck_assert_msg(cap->value != NULL &&
			  g_variant_is_of_type(cap->value, G_VARIANT_TYPE_STRING_ARRAY),
		      "%s has no string list",
		      cap->id);
	v = g_variant_get_strv(cap->value, NULL);
	return g_strv_contains(v, name);
}

static gsize
strv_len(const HcCapability *cap)
{
	gsize n = 0;
	g_autofree const char **v = g_variant_get_strv(cap->value, &n);
	return n;
}

static char *
qemu_output(const char *arg)
{
	const char *argv[] = {qemu_path, arg, arg[1] == '-' ? NULL : "help", NULL};
	g_autofree char *out = NULL;
	g_autoptr(GError) error = NULL;
	int status = 0;

	ck_assert_msg(g_spawn_sync(NULL,
				   (char **)argv,
				   NULL,
				   G_SPAWN_STDERR_TO_DEV_NULL,
				   NULL,
				   NULL,
				   &out,
				   NULL,
				   &status,
				   &error),
		      "%s %s: %s",
		      qemu_path,
		      arg,
		      error != NULL ? error->message : "");
	return g_steal_pointer(&out);
}

/* the first word of each line of "-machine help" (after its header) or of the "Available
 * CPUs:" block of "-cpu help" (7.2 prefixes each with "x86 ", later releases indent it) */
static GPtrArray *
help_names(const char *arg)
{
	g_autofree char *out = qemu_output(arg);
	g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++) {
		char *line = g_strstrip(lines[i]);
		g_auto(GStrv) words = NULL;
		if (g_str_has_prefix(line, "x86 "))
			line = g_strchug(line + strlen("x86 "));
		words = g_strsplit_set(line, " \t", 2);
		if (words[0] != NULL && words[0][0] != '\0')
			g_ptr_array_add(names, g_strdup(words[0]));
	}
	return names;
}

START_TEST(test_qemu_version)
{
	g_autoptr(HcProbeResult) res = run_probe(NULL, qemu_path, NULL);
	g_autofree char *out = qemu_output("--version");
	g_autofree char *want = NULL;
	const char *v;

	ck_assert_str_eq(g_variant_get_string(find(res, "qemu.binary")->value, NULL), qemu_path);
	ck_assert_int_eq(find(res, "qemu.present")->state, HC_CAP_STATE_SUPPORTED);
	/* "QEMU emulator version 11.1.3 (Debian 1:11.1.3+ds-1)" */
	ck_assert_msg(g_str_has_prefix(out, "QEMU emulator version "), "%s", out);
	want = g_strndup(out + strlen("QEMU emulator version "),
			 strcspn(out + strlen("QEMU emulator version "), " \n"));
	v = g_variant_get_string(find(res, "qemu.version")->value, NULL);
	ck_assert_str_eq(v, want);
	ck_assert_msg(g_str_has_prefix(v, release), "get-qemu %s gave QEMU %s", release, v);
	g_print("QEMU %s: %s\n", v, qemu_path);
}
END_TEST

/* every name -machine help prints is a machine type or an alias the probe reports */
START_TEST(test_qemu_machines)
{
	g_autoptr(HcProbeResult) res = run_probe(NULL, qemu_path, NULL);
	g_autoptr(GPtrArray) help = help_names("-machine");
	const HcCapability *machines = find(res, "qemu.machines");
	const HcCapability *aliases = find(res, "qemu.machine_aliases");
	g_autofree char *q35 = NULL;
	guint n_alias = 0;

	ck_assert_uint_gt(help->len, 10);
	for (guint i = 0; i < help->len; i++) {
		const char *name = g_ptr_array_index(help, i);
		g_autofree char *alias_prefix = g_strconcat(name, "=", NULL);
		gboolean is_alias = FALSE;
		g_autofree const char **al = g_variant_get_strv(aliases->value, NULL);

		for (guint j = 0; al[j] != NULL; j++)
			is_alias = is_alias || g_str_has_prefix(al[j], alias_prefix);
		n_alias += is_alias;
		ck_assert_msg(strv_has(machines, name) || is_alias,
			      "-machine help lists %s, the probe does not",
			      name);
	}
	ck_assert_uint_eq(strv_len(machines) + n_alias, help->len);
	/* the alias q35 names the release's newest q35 */
	q35 = g_strdup_printf("q35=pc-q35-%s", release);
	ck_assert_msg(strv_has(aliases, q35), "no %s", q35);
}
END_TEST

START_TEST(test_qemu_cpu_models)
{
	g_autoptr(HcProbeResult) res = run_probe(NULL, qemu_path, NULL);
	g_autoptr(GPtrArray) help = help_names("-cpu");
	const HcCapability *models = find(res, "qemu.cpu_models");
	const HcCapability *tcg = find(res, "qemu.tcg.cpu_models");
	const HcCapability *feats = find(res, "qemu.tcg.cpu_features");

	ck_assert_uint_gt(help->len, 30);
	for (guint i = 0; i < help->len; i++)
		ck_assert_msg(strv_has(models, g_ptr_array_index(help, i)),
			      "-cpu help lists %s, the probe does not",
			      (char *)g_ptr_array_index(help, i));
	ck_assert_uint_eq(strv_len(models), help->len);
	/* every release's TCG runs these with enforce (and never -cpu host) */
	ck_assert(strv_has(tcg, "qemu64"));
	ck_assert(strv_has(tcg, "Nehalem"));
	ck_assert(!strv_has(tcg, "host"));
	ck_assert(strv_has(feats, "sse2"));
	ck_assert(!strv_has(feats, "vmx"));
}
END_TEST

/* a wrapper script in @dir that runs the release: a binary of its own to the cache */
static char *
wrap_binary(const char *dir)
{
	g_autofree char *text = g_strdup_printf("#!/bin/sh\nexec '%s' \"$@\"\n", qemu_path);
	char *dst = g_build_filename(dir, "qemu-system-x86_64", NULL);

	ck_assert(g_file_set_contents(dst, text, -1, NULL));
	ck_assert_int_eq(g_chmod(dst, 0755), 0);
	return dst;
}

/* an unchanged binary is answered from the cache, in-process and from the file; a changed
 * one (another mtime) is asked again */
START_TEST(test_qemu_cache)
{
	g_autofree char *dir = g_dir_make_tmp("hc-qemu-cache-XXXXXX", NULL);
	g_autofree char *cache_dir = g_build_filename(dir, "cache", NULL);
	g_autofree char *file = g_build_filename(cache_dir, "qemu-binaries.json", NULL);
	g_autofree char *bin = wrap_binary(dir);
	g_autofree char *data = NULL;
	g_autoptr(HcProbeResult) first = run_probe(NULL, bin, cache_dir);
	g_autoptr(HcProbeResult) second = NULL;
	g_autoptr(HcProbeResult) third = NULL;
	g_autoptr(HcProbeResult) fourth = NULL;
	gsize len = 0;

	ck_assert_msg(strstr(find(first, "qemu.version")->reason, "(asked now)") != NULL,
		      "%s",
		      find(first, "qemu.version")->reason);
	ck_assert(g_file_test(file, G_FILE_TEST_IS_REGULAR));
	second = run_probe(NULL, bin, cache_dir);
	ck_assert(strstr(find(second, "qemu.version")->reason, "(cached for this build)") != NULL);
	ck_assert(hc_capability_equal(find(first, "qemu.machines"), find(second, "qemu.machines")));
	/* a restart: the file, rewritten so the process memo no longer matches it, answers */
	ck_assert(g_file_get_contents(file, &data, &len, NULL));
	g_usleep(10000);
	ck_assert(g_file_set_contents(file, data, len, NULL));
	ck_assert_int_eq(g_utime(bin, NULL), 0);
	third = run_probe(NULL, bin, cache_dir);
	/* the binary's mtime moved: another build as far as the cache knows */
	ck_assert_msg(strstr(find(third, "qemu.version")->reason, "(asked now)") != NULL,
		      "%s",
		      find(third, "qemu.version")->reason);
	ck_assert(g_file_set_contents(file, "{\"format\":\"hostcapd-qemu-cache/1\"", -1, NULL));
	fourth = run_probe(NULL, bin, cache_dir);
	/* a corrupt file is rebuilt, never believed */
	ck_assert_msg(strstr(find(fourth, "qemu.version")->reason, "(asked now)") != NULL,
		      "%s",
		      find(fourth, "qemu.version")->reason);
	ck_assert(
	    hc_capability_equal(find(first, "qemu.cpu_models"), find(fourth, "qemu.cpu_models")));
	g_unlink(file);
	g_rmdir(cache_dir);
	g_unlink(bin);
	g_rmdir(dir);
}
END_TEST

START_TEST(test_qemu_cache_restart)
{
	g_autofree char *dir = g_dir_make_tmp("hc-qemu-cache-XXXXXX", NULL);
	g_autofree char *file = g_build_filename(dir, "qemu-binaries.json", NULL);
	g_autofree char *data = NULL;
	g_autoptr(HcProbeResult) first = run_probe(NULL, qemu_path, dir);
	g_autoptr(HcProbeResult) second = NULL;
	gsize len = 0;

	ck_assert(g_file_get_contents(file, &data, &len, NULL));
	g_usleep(10000);
	ck_assert(g_file_set_contents(file, data, len, NULL));
	second = run_probe(NULL, qemu_path, dir);
	ck_assert_msg(strstr(find(second, "qemu.version")->reason, "(cached for this build)"),
		      "%s",
		      find(second, "qemu.version")->reason);
	ck_assert(hc_capability_equal(find(first, "qemu.tcg.cpu_features"),
				      find(second, "qemu.tcg.cpu_features")));
	g_unlink(file);
	g_rmdir(dir);
}
END_TEST

/* the probe reaches the binary through the sysroot and reports the host's path */
START_TEST(test_qemu_sysroot)
{
	g_autofree char *root = g_dir_make_tmp("hc-qemu-root-XXXXXX", NULL);
	g_autofree char *bindir = g_build_filename(root, "opt", "qemu", "bin", NULL);
	g_autofree char *link = g_build_filename(bindir, "qemu-system-x86_64", NULL);
	g_autoptr(HcProbeResult) res = NULL;
	g_autoptr(HcProbeResult) none = NULL;

	ck_assert_int_eq(g_mkdir_with_parents(bindir, 0755), 0);
	ck_assert_int_eq(symlink(qemu_path, link), 0);
	res = run_probe(root, "/opt/qemu/bin/qemu-system-x86_64", NULL);
	ck_assert_str_eq(g_variant_get_string(find(res, "qemu.binary")->value, NULL),
			 "/opt/qemu/bin/qemu-system-x86_64");
	ck_assert(g_str_has_prefix(g_variant_get_string(find(res, "qemu.version")->value, NULL),
				   release));
	/* the same sysroot without the link: no QEMU, every id says so */
	g_unlink(link);
	none = run_probe(root, "/opt/qemu/bin/qemu-system-x86_64", NULL);
	ck_assert_int_eq(find(none, "qemu.present")->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert(strstr(find(none, "qemu.machines")->reason, "/opt/qemu/bin/qemu-system-x86_64"));
	g_rmdir(bindir);
	g_autofree char *opt_qemu = g_path_get_dirname(bindir);
	g_rmdir(opt_qemu);
	g_autofree char *opt = g_path_get_dirname(opt_qemu);
	g_rmdir(opt);
	g_rmdir(root);
}
END_TEST

static char *
release_path(const char *rel)
{
	const char *src = g_getenv("HC_SOURCE_DIR");
	g_autofree char *script =
	    g_build_filename(src != NULL ? src : ".", "scripts", "get-qemu", NULL);
	const char *argv[] = {script, rel, NULL};
	g_autofree char *out = NULL;
	int status = 0;

	if (!g_spawn_sync(NULL,
			  (char **)argv,
			  NULL,
			  G_SPAWN_DEFAULT,
			  NULL,
			  NULL,
			  &out,
			  NULL,
			  &status,
			  NULL) ||
	    !g_spawn_check_wait_status(status, NULL))
		return NULL;
	g_strstrip(out);
	return out[0] != '\0' ? g_steal_pointer(&out) : NULL;
}

/* a captured fixture host, running the QEMU at @path as the qemu probe sees it right now */
static HcSnapshot *
host_with_qemu(const char *fixture, const char *path)
{
	g_autofree char *file =
	    g_strdup_printf("%s/tests/fixtures/hosts/%s.json", g_getenv("HC_SOURCE_DIR"), fixture);
	g_autoptr(GError) error = NULL;
	HcSnapshot *snap = hc_snapshot_load_file(file, &error);
	g_autoptr(GPtrArray) results =
	    g_ptr_array_new_with_free_func((GDestroyNotify)hc_probe_result_free);

	ck_assert_msg(snap != NULL, "%s: %s", file, error != NULL ? error->message : "");
	g_ptr_array_add(results, run_probe(NULL, path, NULL));
	hc_engine_apply_results(snap, results);
	return snap;
}

static HcCatalogue *
catalogue(void)
{
	const char *const dirs[] = {HC_SOURCE_DATADIR, NULL};
	g_autoptr(GError) error = NULL;
	HcCatalogue *cat = hc_catalogue_load(dirs, &error);

	ck_assert_msg(cat != NULL, "%s", error != NULL ? error->message : "");
	return cat;
}

/* the newest q35 of a release exists in it; pc-q35-10.2 exists only from 10.2 on */
START_TEST(test_qemu_machine_verdict)
{
	g_autoptr(HcCatalogue) cat = catalogue();
	g_autoptr(HcSnapshot) host = host_with_qemu("v-deb12-6.1", qemu_path);
	const char *newest =
	    g_strdup_printf("{\"machine\": \"pc-q35-%s\", \"features\": {}}", release);
	const char *newer = "{\"machine\": \"pc-q35-10.2\", \"features\": {}}";
	g_autofree char *report = NULL;
	g_autofree char *report2 = NULL;
	HcVerdict verdict;
	gboolean has_10_2 = g_strcmp0(release, "10.2") >= 0 && strlen(release) >= 4;

	ck_assert(hc_check_bootable(cat, newest, strlen(newest), host, &verdict, &report, NULL));
	ck_assert_msg(strstr(report, "has no machine type") == NULL, "%s", report);
	/* the assumption note is only for hosts whose QEMU is not known */
	ck_assert_msg(strstr(report, "The verdict assumes") == NULL, "%s", report);
	ck_assert(hc_check_bootable(cat, newer, strlen(newer), host, &verdict, &report2, NULL));
	if (has_10_2) {
		ck_assert_msg(strstr(report2, "has no machine type") == NULL, "%s", report2);
	} else {
		g_autofree char *want =
		    g_strdup_printf("has no machine type pc-q35-10.2: its newest "
				    "of that family is pc-q35-%s",
				    release);
		ck_assert_int_eq(verdict, HC_VERDICT_NO);
		ck_assert_msg(strstr(report2, want) != NULL, "%s", report2);
	}
	g_free((char *)newest);
}
END_TEST

/* a VM on a pc-q35-11.1 machine cannot come to a host whose QEMU is 7.2 */
START_TEST(test_qemu_machine_migration)
{
	g_autofree char *old_path = release_path("7.2");
	g_autoptr(HcCatalogue) cat = catalogue();
	g_autoptr(HcSnapshot) src = NULL;
	g_autoptr(HcSnapshot) dst = NULL;
	g_autofree char *spec =
	    g_strdup_printf("{\"machine\": \"pc-q35-%s\", \"features\": {}}", release);
	g_autofree char *report = NULL;
	g_autofree char *back = NULL;
	g_autofree char *want = NULL;
	HcVerdict verdict;

	ck_assert_msg(old_path != NULL, "the system QEMU 7.2 is part of the qemu suite");
	src = host_with_qemu("v-trixie-6.12", qemu_path);
	dst = host_with_qemu("v-deb12-6.1", old_path);
	ck_assert(hc_check_migration(cat, spec, strlen(spec), src, dst, &verdict, &report, NULL));
	ck_assert_int_eq(verdict, HC_VERDICT_NO);
	want = g_strdup_printf("On the target %s: QEMU 7.2.", hc_snapshot_get_hostname(dst));
	ck_assert_msg(strstr(report, want) != NULL, "%s", report);
	want = g_strdup_printf("has no machine type pc-q35-%s", release);
	ck_assert_msg(strstr(report, want) != NULL, "%s", report);
	/* the other way round, a 7.2 machine type runs on both */
	g_free(spec);
	spec = g_strdup("{\"machine\": \"pc-q35-7.2\", \"features\": {}}");
	ck_assert(hc_check_migration(cat, spec, strlen(spec), dst, src, &verdict, &back, NULL));
	ck_assert_msg(strstr(back, "has no machine type") == NULL, "%s", back);
}
END_TEST

static gboolean
fetch_release(const char *rel)
{
	qemu_path = release_path(rel);
	return qemu_path != NULL;
}

int
main(int argc, char **argv)
{
	Suite *s = suite_create("qemu-probe");
	TCase *tc = tcase_create("real");
	SRunner *runner;
	int failed;

	release = g_strdup(argc > 1 ? argv[1] : "7.2");
	if (!fetch_release(release)) {
		g_print("SKIP: QEMU %s cannot be had here (scripts/get-qemu %s failed)\n",
			release,
			release);
		return 77;
	}
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_qemu_version);
	tcase_add_test(tc, test_qemu_machines);
	tcase_add_test(tc, test_qemu_cpu_models);
	tcase_add_test(tc, test_qemu_cache);
	tcase_add_test(tc, test_qemu_cache_restart);
	tcase_add_test(tc, test_qemu_sysroot);
	tcase_add_test(tc, test_qemu_machine_verdict);
	if (g_strcmp0(release, "7.2") != 0)
		tcase_add_test(tc, test_qemu_machine_migration);
	suite_add_tcase(s, tc);
	runner = srunner_create(s);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? 0 : 1;
}
