/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <errno.h>

#include <glib/gstdio.h>

#include "hc-dev-test.h"

char *
hc_dev_test_fixture(const char *name)
{
	const char *srcdir = g_getenv("HC_SOURCE_DIR");

	ck_assert_msg(srcdir != NULL, "HC_SOURCE_DIR is not set");
	return g_build_filename(srcdir, "tests", "fixtures", "sysroots", name, NULL);
}

HcProbeResult *
hc_dev_test_run_full(const HcProbeInfo *info,
		     const char *sysroot,
		     const char *qemu_user,
		     const char *const *data_dirs)
{
	HcEngineOptions opts = {0};
	HcProbeResult *res;

	opts.sysroot = sysroot;
	opts.qemu_user = qemu_user;
	opts.data_dirs = data_dirs;
	res = hc_engine_run_probe_sync(info, &opts);
	ck_assert_ptr_nonnull(res);
	return res;
}

HcProbeResult *
hc_dev_test_run(const HcProbeInfo *info, const char *sysroot)
{
	return hc_dev_test_run_full(info, sysroot, NULL, NULL);
}

const HcCapability *
hc_dev_test_find(const HcProbeResult *res, const char *id)
{
	for (guint i = 0; i < res->capabilities->len; i++) {
		const HcCapability *cap = g_ptr_array_index(res->capabilities, i);
		if (g_strcmp0(cap->id, id) == 0)
			return cap;
	}
	return NULL;
}

const HcCapability *
hc_dev_test_get(const HcProbeResult *res, const char *id)
{
	const HcCapability *cap = hc_dev_test_find(res, id);

	ck_assert_msg(cap != NULL, "capability %s was not reported", id);
	return cap;
}

gint64
hc_dev_test_get_int(const HcProbeResult *res, const char *id)
{
	const HcCapability *cap = hc_dev_test_get(res, id);

	ck_assert_msg(cap->value != NULL && g_variant_is_of_type(cap->value, G_VARIANT_TYPE_INT64),
		      "%s has no integer value (%s: %s)",
		      id,
		      hc_cap_state_to_string(cap->state),
		      cap->reason);
	return g_variant_get_int64(cap->value);
}

void
hc_dev_test_assert_complete(const HcProbeInfo *info, const HcProbeResult *res)
{
	g_autoptr(GPtrArray) ids = hc_probe_info_get_ids(info);

	for (guint i = 0; i < ids->len; i++) {
		const HcCapability *cap = hc_dev_test_get(res, g_ptr_array_index(ids, i));
		ck_assert_msg(g_strcmp0(cap->reason, "probe did not report it") != 0,
			      "%s was forgotten by the probe",
			      cap->id);
		ck_assert_msg(cap->reason != NULL && cap->reason[0] != '\0',
			      "%s has no reason",
			      cap->id);
	}
}

void
hc_dev_test_assert_all_in_state(const HcProbeInfo *info, const HcProbeResult *res, HcCapState state)
{
	g_autoptr(GPtrArray) ids = hc_probe_info_get_ids(info);

	for (guint i = 0; i < ids->len; i++) {
		const HcCapability *cap = hc_dev_test_get(res, g_ptr_array_index(ids, i));
		ck_assert_msg(cap->state == state,
			      "%s is %s, not %s: %s",
			      cap->id,
			      hc_cap_state_to_string(cap->state),
			      hc_cap_state_to_string(state),
			      cap->reason);
	}
}

static gint
hc_dev_test_cmp_str(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

char *
hc_dev_test_list_netdevs(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GDir) dir = g_dir_open("/sys/class/net", 0, &error);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const char *name;

	ck_assert_msg(dir != NULL, "%s", error ? error->message : "");
	while ((name = g_dir_read_name(dir)) != NULL)
		g_ptr_array_add(names, g_strdup(name));
	g_ptr_array_sort(names, hc_dev_test_cmp_str);
	g_ptr_array_add(names, NULL);
	return g_strjoinv(" ", (char **)names->pdata);
}

void
hc_dev_test_write(const char *root, const char *rel_path, const char *contents)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *path = g_build_filename(root, rel_path, NULL);
	g_autofree char *dir = g_path_get_dirname(path);

	ck_assert_int_eq(g_mkdir_with_parents(dir, 0755), 0);
	ck_assert_msg(g_file_set_contents(path, contents, -1, &error),
		      "%s",
		      error ? error->message : "");
}

void
hc_dev_test_rm_rf(const char *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const char *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree char *child = g_build_filename(path, name, NULL);
		if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
		    !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
			hc_dev_test_rm_rf(child);
		else
			g_unlink(child);
	}
	g_rmdir(path);
}
