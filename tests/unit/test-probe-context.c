/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hc-probe-context-private.h"
#include "hostcap/hc-snapshot.h"

static char *tree;

/* a small sysroot: /proc/sys/vm/overcommit_memory, /sys/kernel/mm/x, /dev/kvm as a
 * dangling symlink, /etc/dir as a directory where a file would be expected */
static void
tree_setup(void)
{
	g_autofree char *vm = NULL;
	g_autofree char *mm = NULL;
	g_autofree char *dev = NULL;
	g_autofree char *dir = NULL;
	g_autofree char *link = NULL;

	tree = g_dir_make_tmp("hc-ctx-XXXXXX", NULL);
	ck_assert_ptr_nonnull(tree);
	vm = g_build_filename(tree, "proc", "sys", "vm", NULL);
	mm = g_build_filename(tree, "sys", "kernel", "mm", NULL);
	dev = g_build_filename(tree, "dev", NULL);
	dir = g_build_filename(tree, "etc", "dir", NULL);
	ck_assert_int_eq(g_mkdir_with_parents(vm, 0755), 0);
	ck_assert_int_eq(g_mkdir_with_parents(mm, 0755), 0);
	ck_assert_int_eq(g_mkdir_with_parents(dev, 0755), 0);
	ck_assert_int_eq(g_mkdir_with_parents(dir, 0755), 0);
	{
		g_autofree char *f1 = g_build_filename(vm, "overcommit_memory", NULL);
		g_autofree char *f2 = g_build_filename(mm, "multi", NULL);
		g_autofree char *f3 = g_build_filename(mm, "notanint", NULL);
		g_autofree char *f4 = g_build_filename(mm, "negative", NULL);

		ck_assert(g_file_set_contents(f1, "  2\n", -1, NULL));
		ck_assert(g_file_set_contents(f2, "  first line \nsecond\n", -1, NULL));
		ck_assert(g_file_set_contents(f3, "12abc\n", -1, NULL));
		ck_assert(g_file_set_contents(f4, "-9223372036854775808\n", -1, NULL));
	}
	link = g_build_filename(dev, "kvm", NULL);
	ck_assert_int_eq(symlink("/nonexistent/kvm", link), 0);
}

static void
tree_teardown(void)
{
	g_autoptr(GFile) root = g_file_new_for_path(tree);

	/* remove the fixture tree depth-first */
	{
		g_autoptr(GPtrArray) stack = g_ptr_array_new_with_free_func(g_object_unref);
		g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func(g_object_unref);

		g_ptr_array_add(stack, g_object_ref(root));
		while (stack->len > 0) {
			GFile *f = g_ptr_array_steal_index(stack, stack->len - 1);
			g_autoptr(GFileEnumerator) en =
			    g_file_enumerate_children(f,
						      G_FILE_ATTRIBUTE_STANDARD_NAME,
						      G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
						      NULL,
						      NULL);

			g_ptr_array_add(order, f);
			while (en != NULL) {
				g_autoptr(GFileInfo) info =
				    g_file_enumerator_next_file(en, NULL, NULL);

				if (info == NULL)
					break;
				g_ptr_array_add(stack,
						g_file_get_child(f, g_file_info_get_name(info)));
			}
		}
		for (guint i = order->len; i > 0; i--)
			g_file_delete(g_ptr_array_index(order, i - 1), NULL, NULL);
	}
	g_clear_pointer(&tree, g_free);
}

START_TEST(test_sysroot_paths)
{
	static const struct {
		const char *sysroot;
		const char *expected;
	} table[] = {
	    {NULL, "/proc/cpuinfo"},
	    {"", "/proc/cpuinfo"},
	    {"/", "/proc/cpuinfo"},
	    {"/srv/fixture", "/srv/fixture/proc/cpuinfo"},
	    {"/srv/fixture/", "/srv/fixture/proc/cpuinfo"},
	    {"/srv/fixture//", "/srv/fixture/proc/cpuinfo"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
		g_autoptr(HcProbeContext) ctx =
		    hc_probe_context_new(NULL, table[i].sysroot, NULL, NULL);
		g_autofree char *path = hc_probe_context_path(ctx, "/proc/cpuinfo");

		ck_assert_str_eq(path, table[i].expected);
	}
}
END_TEST

START_TEST(test_environment)
{
	const char *const dirs[] = {"/usr/share/hostcapd", "/etc/hostcapd", NULL};
	g_autoptr(HcProbeContext) plain = hc_probe_context_new(NULL, NULL, NULL, NULL);
	g_autoptr(HcProbeContext) full = hc_probe_context_new(NULL, "/x/", "qemu", dirs);

	ck_assert_str_eq(hc_probe_context_get_sysroot(plain), "");
	ck_assert_str_eq(hc_probe_context_get_qemu_user(plain), "root");
	ck_assert_ptr_nonnull(hc_probe_context_get_data_dirs(plain));
	ck_assert_ptr_null(hc_probe_context_get_data_dirs(plain)[0]);
	ck_assert_str_eq(hc_probe_context_get_sysroot(full), "/x");
	ck_assert_str_eq(hc_probe_context_get_qemu_user(full), "qemu");
	ck_assert_str_eq(hc_probe_context_get_data_dirs(full)[1], "/etc/hostcapd");
	ck_assert_ptr_null(hc_probe_context_get_data_dirs(full)[2]);
}
END_TEST

START_TEST(test_read_helpers)
{
	g_autoptr(HcProbeContext) ctx = hc_probe_context_new(NULL, tree, NULL, NULL);
	g_autoptr(GError) error = NULL;
	g_autofree char *contents = NULL;
	g_autofree char *line = NULL;
	gsize len = 0;
	gint64 value = 0;

	ck_assert(hc_probe_context_read_file(ctx, "/sys/kernel/mm/multi", &contents, &len, &error));
	ck_assert_str_eq(contents, "  first line \nsecond\n");
	ck_assert_uint_eq(len, strlen("  first line \nsecond\n"));
	line = hc_probe_context_read_line(ctx, "/sys/kernel/mm/multi", &error);
	ck_assert_str_eq(line, "first line");
	ck_assert(hc_probe_context_read_int(ctx, "/proc/sys/vm/overcommit_memory", &value, &error));
	ck_assert_int_eq(value, 2);
	ck_assert(hc_probe_context_read_int(ctx, "/sys/kernel/mm/negative", &value, &error));
	ck_assert_int_eq(value, G_MININT64);
	ck_assert(hc_probe_context_exists(ctx, "/proc/sys/vm/overcommit_memory"));
	ck_assert(hc_probe_context_exists(ctx, "/etc/dir"));
	/* the sysroot is a boundary: this machine's real /proc/cpuinfo is not in the tree */
	ck_assert(!hc_probe_context_exists(ctx, "/proc/cpuinfo"));
	/* dangling symlink: does not exist */
	ck_assert(!hc_probe_context_exists(ctx, "/dev/kvm"));
}
END_TEST

START_TEST(test_read_int_parse_error)
{
	g_autoptr(HcProbeContext) ctx = hc_probe_context_new(NULL, tree, NULL, NULL);
	g_autoptr(GError) error = NULL;
	gint64 value = 77;

	ck_assert(!hc_probe_context_read_int(ctx, "/sys/kernel/mm/notanint", &value, &error));
	ck_assert(g_error_matches(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA));
	ck_assert(g_str_has_prefix(error->message, "parse /sys/kernel/mm/notanint: "));
}
END_TEST

START_TEST(test_open_errors_keep_errno)
{
	g_autoptr(HcProbeContext) ctx = hc_probe_context_new(NULL, tree, NULL, NULL);
	g_autoptr(GError) error = NULL;
	g_autofree char *contents = NULL;
	g_autofree char *want_open = g_strdup_printf("open /dev/kvm: %s", g_strerror(ENOENT));
	g_autofree char *want_read = g_strdup_printf("read /etc/dir: %s", g_strerror(EISDIR));
	int err = 0;
	int fd;

	/* tests run as root, so "unreadable" is a dangling symlink and a directory */
	fd = hc_probe_context_open(ctx, "/dev/kvm", O_RDWR, &err, &error);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(err, ENOENT);
	ck_assert(g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND));
	ck_assert_str_eq(error->message, want_open);
	g_clear_error(&error);

	ck_assert(!hc_probe_context_read_file(ctx, "/etc/dir", &contents, NULL, &error));
	ck_assert(g_error_matches(error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY));
	ck_assert_str_eq(error->message, want_read);
	g_clear_error(&error);

	ck_assert_ptr_null(hc_probe_context_read_line(ctx, "/dev/kvm", &error));
	ck_assert_str_eq(error->message, want_open);
}
END_TEST

START_TEST(test_open_goes_through_sysroot)
{
	g_autoptr(HcProbeContext) ctx = hc_probe_context_new(NULL, tree, NULL, NULL);
	g_autofree char *real = g_build_filename(tree, "proc/sys/vm/overcommit_memory", NULL);
	struct stat via_ctx, direct;
	int err = -1;
	int fd = hc_probe_context_open(ctx, "/proc/sys/vm/overcommit_memory", O_RDONLY, &err, NULL);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(fstat(fd, &via_ctx), 0);
	ck_assert_int_eq(stat(real, &direct), 0);
	ck_assert_uint_eq(via_ctx.st_ino, direct.st_ino);
	ck_assert_uint_eq(via_ctx.st_dev, direct.st_dev);
	/* O_CLOEXEC is always added: a probe fd must not leak into anything exec'd */
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}
END_TEST

START_TEST(test_real_root)
{
	/* an independent reading of the same fact on this machine */
	g_autoptr(HcProbeContext) ctx = hc_probe_context_new(NULL, NULL, NULL, NULL);
	g_autofree char *expected = NULL;
	g_autofree char *line = NULL;

	ck_assert(g_file_get_contents("/proc/sys/kernel/osrelease", &expected, NULL, NULL));
	g_strstrip(expected);
	line = hc_probe_context_read_line(ctx, "/proc/sys/kernel/osrelease", NULL);
	ck_assert_str_eq(line, expected);
}
END_TEST

static const char *const probe_ids[] = {"test.a", "test.b", NULL};

static void
declare_more(GPtrArray *ids)
{
	g_ptr_array_add(ids, g_strdup("test.c"));
}

static const HcProbeInfo test_probe = {
    .name = "test",
    .ids = probe_ids,
    .declare_ids = declare_more,
};

START_TEST(test_info_ids)
{
	g_autoptr(GPtrArray) ids = hc_probe_info_get_ids(&test_probe);
	static const HcProbeInfo only_declared = {.name = "d", .declare_ids = declare_more};
	g_autoptr(GPtrArray) ids2 = hc_probe_info_get_ids(&only_declared);

	ck_assert_uint_eq(ids->len, 3);
	ck_assert_str_eq(g_ptr_array_index(ids, 0), "test.a");
	ck_assert_str_eq(g_ptr_array_index(ids, 1), "test.b");
	ck_assert_str_eq(g_ptr_array_index(ids, 2), "test.c");
	ck_assert_uint_eq(ids2->len, 1);
}
END_TEST

START_TEST(test_report_and_finish)
{
	g_autoptr(HcProbeContext) ctx = hc_probe_context_new(&test_probe, NULL, NULL, NULL);
	const char *const sizes[] = {"2M", NULL};
	g_autoptr(GPtrArray) caps = NULL;
	const HcCapability *cap;

	hc_probe_report_int(ctx, "test.b", HC_CAP_STATE_SUPPORTED, 4, "read %s", "/x");
	hc_probe_report_bool(ctx, "test.extra.bool", HC_CAP_STATE_DISABLED, FALSE, "param");
	hc_probe_report_string(ctx, "test.extra.str", HC_CAP_STATE_SUPPORTED, "6.1", "uname");
	hc_probe_report(ctx,
			"test.extra.strv",
			HC_CAP_STATE_SUPPORTED,
			g_variant_new_strv(sizes, -1),
			"sysfs");
	hc_probe_report(ctx, "Test.Bad", HC_CAP_STATE_SUPPORTED, g_variant_new_int64(1), "bad");
	hc_probe_report(ctx, "test.a", HC_CAP_STATE_SUPPORTED, NULL, "first");
	/* a second report of one id replaces the first */
	hc_probe_report(ctx, "test.a", HC_CAP_STATE_UNSUPPORTED, NULL, "second: %d", 2);

	ck_assert(hc_probe_context_has_reported(ctx, "test.a"));
	ck_assert(!hc_probe_context_has_reported(ctx, "test.c"));
	ck_assert(!hc_probe_context_has_reported(ctx, "Test.Bad"));
	ck_assert_uint_eq(hc_probe_context_get_dropped_ids(ctx)->len, 1);
	ck_assert_str_eq(g_ptr_array_index(hc_probe_context_get_dropped_ids(ctx), 0), "Test.Bad");

	caps = hc_probe_context_finish(ctx, TRUE, NULL);
	ck_assert_uint_eq(caps->len, 6);
	for (guint i = 0; i < caps->len; i++) {
		cap = g_ptr_array_index(caps, i);
		ck_assert_str_eq(cap->probe, "test");
		if (i > 0)
			ck_assert_int_lt(
			    strcmp(((HcCapability *)g_ptr_array_index(caps, i - 1))->id, cap->id),
			    0);
	}
	cap = g_ptr_array_index(caps, 0);
	ck_assert_str_eq(cap->id, "test.a");
	ck_assert_int_eq(cap->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_str_eq(cap->reason, "second: 2");
	cap = g_ptr_array_index(caps, 1);
	ck_assert_str_eq(cap->reason, "read /x");
	ck_assert_int_eq(g_variant_get_int64(cap->value), 4);
	cap = g_ptr_array_index(caps, 2);
	ck_assert_str_eq(cap->id, "test.c");
	ck_assert_int_eq(cap->state, HC_CAP_STATE_UNKNOWN);
	ck_assert_str_eq(cap->reason, "probe did not report it");
	ck_assert_ptr_null(cap->value);
}
END_TEST

START_TEST(test_finish_after_failure)
{
	g_autoptr(HcProbeContext) ctx = hc_probe_context_new(&test_probe, NULL, NULL, NULL);
	g_autoptr(GError) error =
	    g_error_new_literal(G_IO_ERROR, G_IO_ERROR_FAILED, "open x: boom");
	g_autoptr(GPtrArray) caps = NULL;

	hc_probe_report(ctx, "test.b", HC_CAP_STATE_SUPPORTED, NULL, "fine");
	caps = hc_probe_context_finish(ctx, FALSE, error);
	ck_assert_uint_eq(caps->len, 3);
	ck_assert_str_eq(((HcCapability *)g_ptr_array_index(caps, 0))->reason,
			 "probe failed: open x: boom");
	/* what was reported before the failure stays */
	ck_assert_int_eq(((HcCapability *)g_ptr_array_index(caps, 1))->state,
			 HC_CAP_STATE_SUPPORTED);
	ck_assert_str_eq(((HcCapability *)g_ptr_array_index(caps, 2))->reason,
			 "probe failed: open x: boom");
}
END_TEST

START_TEST(test_cancellation)
{
	g_autoptr(HcProbeContext) ctx = hc_probe_context_new(&test_probe, NULL, NULL, NULL);
	gint flag = 0;

	ck_assert(!hc_probe_context_is_cancelled(ctx));
	hc_probe_context_set_deadline(ctx,
				      g_get_monotonic_time() + (gint64)3600 * G_USEC_PER_SEC,
				      &flag);
	ck_assert(!hc_probe_context_is_cancelled(ctx));
	g_atomic_int_set(&flag, 1);
	ck_assert(hc_probe_context_is_cancelled(ctx));
	/* a deadline already in the past cancels without the flag */
	hc_probe_context_set_deadline(ctx, g_get_monotonic_time() - 1, NULL);
	ck_assert(hc_probe_context_is_cancelled(ctx));
}
END_TEST

START_TEST(test_invalid_utf8_made_valid)
{
	g_autoptr(HcProbeContext) ctx = hc_probe_context_new(&test_probe, NULL, NULL, NULL);
	g_autoptr(HcSnapshot) snap = hc_snapshot_new();
	g_autoptr(HcSnapshot) back = NULL;
	g_autoptr(GPtrArray) caps = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *json = NULL;
	const HcCapability *cap;

	/* bytes read from a file end up in values and reasons: JSON and D-Bus need UTF-8 */
	hc_probe_report_string(ctx,
			       "test.a",
			       HC_CAP_STATE_SUPPORTED,
			       "model\xff name",
			       "read %s",
			       "/proc/\xfe");
	caps = hc_probe_context_finish(ctx, TRUE, NULL);
	cap = g_ptr_array_index(caps, 0);
	ck_assert(g_utf8_validate(g_variant_get_string(cap->value, NULL), -1, NULL));
	ck_assert(g_str_has_prefix(g_variant_get_string(cap->value, NULL), "model"));
	ck_assert(g_utf8_validate(cap->reason, -1, NULL));
	ck_assert(g_str_has_prefix(cap->reason, "read /proc/"));

	for (guint i = 0; i < caps->len; i++)
		hc_snapshot_take_capability(snap, hc_capability_copy(g_ptr_array_index(caps, i)));
	hc_snapshot_take_probe(
	    snap,
	    hc_probe_record_new("test", HC_PROBE_STATUS_FAILED, 1, "open \xff: boom"));
	json = hc_snapshot_to_json(snap, FALSE);
	back = hc_snapshot_from_json(json, strlen(json), &error);
	ck_assert_msg(back != NULL, "%s", error != NULL ? error->message : "");
}
END_TEST

static Suite *
context_suite(void)
{
	Suite *s = suite_create("probe-context");
	TCase *files = tcase_create("files");
	TCase *report = tcase_create("report");

	tcase_add_checked_fixture(files, tree_setup, tree_teardown);
	tcase_add_test(files, test_sysroot_paths);
	tcase_add_test(files, test_environment);
	tcase_add_test(files, test_read_helpers);
	tcase_add_test(files, test_read_int_parse_error);
	tcase_add_test(files, test_open_errors_keep_errno);
	tcase_add_test(files, test_open_goes_through_sysroot);
	tcase_add_test(files, test_real_root);
	suite_add_tcase(s, files);

	tcase_add_test(report, test_info_ids);
	tcase_add_test(report, test_report_and_finish);
	tcase_add_test(report, test_finish_after_failure);
	tcase_add_test(report, test_cancellation);
	tcase_add_test(report, test_invalid_utf8_made_valid);
	suite_add_tcase(s, report);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(context_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
