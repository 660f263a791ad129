/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A daemon whose catalogue is missing, empty or broken says so: State "degraded" with the
 * reason in StateReason and STATUS=, checks fail naming the roots and what to do, and
 * hostcapctl's offline verbs use the daemon's roots. A build-tree daemon without --data-dir
 * finds the source tree's catalogue. The real hostcapd on a private dbus-daemon.
 */
#include <check.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "hc-cli-test.h"
#include "hc-test-daemon.h"

static HcTestDaemon *td;

static void
teardown(void)
{
	g_clear_pointer(&td, hc_test_daemon_free);
}

/* hostcapd with only @data_dir as catalogue root (NULL: no --data-dir at all) */
static void
start_with(const char *data_dir)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *arg = data_dir != NULL ? g_strdup_printf("--data-dir=%s", data_dir) : NULL;
	g_autofree char *state_arg = NULL;
	const char *extra[] = {NULL, NULL, NULL};

	td = hc_test_daemon_new(&error);
	ck_assert_msg(td != NULL, "%s", error != NULL ? error->message : "");
	td->no_default_data_dir = TRUE;
	state_arg = g_strdup_printf("--state-dir=%s/state", td->tmpdir);
	extra[0] = state_arg;
	extra[1] = arg;
	ck_assert_msg(hc_test_daemon_start(td, extra, &error), "%s", error->message);
}

static HcCliRun *
ctl(const char *first, ...) G_GNUC_NULL_TERMINATED;
static HcCliRun *
ctl(const char *first, ...)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	va_list ap;

	g_ptr_array_add(args, "--address");
	g_ptr_array_add(args, td->address);
	va_start(ap, first);
	for (const char *a = first; a != NULL; a = va_arg(ap, const char *))
		g_ptr_array_add(args, (gpointer)a);
	va_end(ap);
	g_ptr_array_add(args, NULL);
	return hc_cli_runv((const char *const *)args->pdata);
}

static char *
string_property(const char *name)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) v = hc_test_daemon_get_property(td, name, &error);

	ck_assert_msg(v != NULL, "%s", error != NULL ? error->message : "");
	return g_variant_dup_string(v, NULL);
}

/* STATUS= lines until one contains @needle */
static void
wait_status(const char *needle)
{
	while (td->status == NULL || strstr(td->status, needle) == NULL) {
		g_autoptr(GError) error = NULL;
		g_autofree char *status = hc_test_daemon_wait_notify(td, "STATUS", &error);
		ck_assert_msg(status != NULL,
			      "no STATUS= with '%s' (last: %s): %s",
			      needle,
			      td->status,
			      error->message);
	}
}

static char *root_dir; /* the test's catalogue roots, removed in teardown */

static void
remove_tree(const char *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const char *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree char *child = g_build_filename(path, name, NULL);
		if (g_file_test(child, G_FILE_TEST_IS_DIR))
			remove_tree(child);
		else
			g_unlink(child);
	}
	g_rmdir(path);
}

static void
teardown_root(void)
{
	if (root_dir != NULL)
		remove_tree(root_dir);
	g_clear_pointer(&root_dir, g_free);
	teardown();
}

/* an empty root (no features.d), or one whose features.d holds a broken file */
static char *
make_root(gboolean broken)
{
	g_autofree char *features = NULL;
	g_autofree char *file = NULL;

	root_dir = g_dir_make_tmp("hc-data-XXXXXX", NULL);
	ck_assert_ptr_nonnull(root_dir);
	if (!broken)
		return g_strdup(root_dir);
	features = g_build_filename(root_dir, "features.d", NULL);
	file = g_build_filename(features, "net.json", NULL);
	ck_assert_int_eq(g_mkdir(features, 0755), 0);
	ck_assert(g_file_set_contents(file, "{\"format\": ", -1, NULL));
	return g_steal_pointer(&file);
}

static const char *const bad_roots[] = {"empty", "broken"};

START_TEST(test_bad_catalogue_is_loud)
{
	g_autofree char *spec = hc_cli_fixture("specs/q35-tap.json");
	g_autofree char *host_a = hc_cli_fixture("hosts/v-deb12-6.1.json");
	g_autofree char *host_b = hc_cli_fixture("hosts/v-trixie-6.12.json");
	gboolean broken = _i == 1;
	/* the empty root is named with what to do; the broken one by its file */
	g_autofree char *named = make_root(broken);
	g_autofree char *want = broken ? g_strdup(named)
				       : g_strdup_printf("no feature catalogue under %s; pass "
							 "--data-dir or install the data",
							 root_dir);
	g_autofree char *state = NULL;
	g_autofree char *reason = NULL;
	g_autoptr(HcCliRun) check = NULL;
	g_autoptr(HcCliRun) status = NULL;
	g_autoptr(HcCliRun) baseline = NULL;

	start_with(root_dir);
	/* a check fails with the reason, not with "unknown machine type" */
	check = ctl("check", spec, NULL);
	ck_assert_msg(check->status != 0 && check->status != 1 && check->status != 2,
		      "exit %d",
		      check->status);
	ck_assert_msg(strstr(check->err, want) != NULL, "'%s' lacks '%s'", check->err, want);
	ck_assert_ptr_null(strstr(check->err, "unknown machine type"));
	/* the daemon says it is degraded, and why, everywhere */
	wait_status("degraded: ");
	ck_assert_msg(strstr(td->status, want) != NULL, "STATUS=%s", td->status);
	state = string_property("State");
	reason = string_property("StateReason");
	ck_assert_str_eq(state, "degraded");
	ck_assert_msg(strstr(reason, want) != NULL, "StateReason %s", reason);
	status = ctl("status", NULL);
	ck_assert_int_eq(status->status, 0);
	ck_assert_ptr_nonnull(strstr(status->out, "State: degraded: "));
	/* baseline runs offline but with the daemon's catalogue roots */
	baseline = ctl("baseline", host_a, host_b, NULL);
	ck_assert_msg(baseline->status >= 3, "exit %d", baseline->status);
	ck_assert_msg(strstr(baseline->err, want) != NULL, "'%s'", baseline->err);
}
END_TEST

/* a daemon run from the build tree without --data-dir finds the source tree's catalogue */
START_TEST(test_build_tree_default)
{
	g_autofree char *spec = hc_cli_fixture("specs/q35-tap.json");
	g_autofree char *state = NULL;
	g_autoptr(HcCliRun) check = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) dirs = NULL;
	g_autofree char *data = g_build_filename(g_getenv("HC_SOURCE_DIR"), "data", NULL);
	const char *first = NULL;

	start_with(NULL);
	check = ctl("--json", "check", spec, NULL);
	ck_assert_msg(check->status >= 0 && check->status <= 2,
		      "exit %d: %s",
		      check->status,
		      check->err);
	dirs = hc_test_daemon_get_property(td, "DataDirs", &error);
	ck_assert_msg(dirs != NULL, "%s", error != NULL ? error->message : "");
	ck_assert(g_variant_n_children(dirs) == 1);
	g_variant_get_child(dirs, 0, "&s", &first);
	ck_assert_str_eq(first, data);
	state = string_property("StateReason");
	ck_assert_ptr_null(strstr(state, "catalogue"));
}
END_TEST

static Suite *
catalogue_missing_suite(void)
{
	Suite *s = suite_create("catalogue-missing");
	TCase *tc = tcase_create("catalogue");

	tcase_add_checked_fixture(tc, NULL, teardown_root);
	tcase_add_loop_test(tc, test_bad_catalogue_is_loud, 0, G_N_ELEMENTS(bad_roots));
	tcase_add_test(tc, test_build_tree_default);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_cli_test_main(argc, argv, catalogue_missing_suite());
}
