/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hc-probe-test.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#define HC_PROBE_TEST_EXIT_SKIP 77

char *
hc_probe_test_fixture(const char *name)
{
	const char *src = g_getenv("HC_SOURCE_DIR");

	ck_assert_msg(src != NULL, "HC_SOURCE_DIR is not set (run through meson test)");
	return g_build_filename(src, "tests", "fixtures", "sysroots", name, NULL);
}

HcProbeResult *
hc_probe_test_run_full(const HcProbeInfo *info,
		       const char *sysroot,
		       const char *qemu_user,
		       const char *const *data_dirs)
{
	HcEngineOptions opts = {.sysroot = sysroot,
				.qemu_user = qemu_user,
				.data_dirs = data_dirs,
				.default_timeout_msec = 60000};
	HcProbeResult *res = hc_engine_run_probe_sync(info, &opts);

	ck_assert_ptr_nonnull(res);
	ck_assert_str_eq(res->probe, info->name);
	return res;
}

HcProbeResult *
hc_probe_test_run(const HcProbeInfo *info, const char *sysroot)
{
	return hc_probe_test_run_full(info, sysroot, NULL, NULL);
}

const HcCapability *
hc_probe_test_find(const HcProbeResult *res, const char *id)
{
	for (guint i = 0; i < res->capabilities->len; i++) {
		const HcCapability *cap = g_ptr_array_index(res->capabilities, i);

		if (g_strcmp0(cap->id, id) == 0)
			return cap;
	}
	return NULL;
}

const HcCapability *
hc_probe_test_get(const HcProbeResult *res, const char *id)
{
	const HcCapability *cap = hc_probe_test_find(res, id);

	ck_assert_msg(cap != NULL, "probe %s did not report %s", res->probe, id);
	return cap;
}

static void
hc_probe_test_assert_type(const HcCapability *cap, const GVariantType *type)
{
	ck_assert_msg(cap->value != NULL && g_variant_is_of_type(cap->value, type),
		      "%s has no %s value (%s: %s)",
		      cap->id,
		      g_variant_type_peek_string(type),
		      hc_cap_state_to_string(cap->state),
		      cap->reason);
}

gint64
hc_probe_test_int(const HcCapability *cap)
{
	hc_probe_test_assert_type(cap, G_VARIANT_TYPE_INT64);
	return g_variant_get_int64(cap->value);
}

gboolean
hc_probe_test_bool(const HcCapability *cap)
{
	hc_probe_test_assert_type(cap, G_VARIANT_TYPE_BOOLEAN);
	return g_variant_get_boolean(cap->value);
}

const char *
hc_probe_test_string(const HcCapability *cap)
{
	hc_probe_test_assert_type(cap, G_VARIANT_TYPE_STRING);
	return g_variant_get_string(cap->value, NULL);
}

gint64
hc_probe_test_get_int(const HcProbeResult *res, const char *id)
{
	return hc_probe_test_int(hc_probe_test_get(res, id));
}

void
hc_probe_test_assert_complete(const HcProbeInfo *info, const HcProbeResult *res)
{
	g_autoptr(GPtrArray) ids = hc_probe_info_get_ids(info);

	for (guint i = 0; i < ids->len; i++) {
		const HcCapability *cap = hc_probe_test_get(res, g_ptr_array_index(ids, i));

		ck_assert_msg(g_strcmp0(cap->reason, "probe did not report it") != 0,
			      "%s was forgotten by the probe",
			      cap->id);
		ck_assert_msg(cap->reason != NULL && cap->reason[0] != '\0',
			      "%s has no reason",
			      cap->id);
	}
}

void
hc_probe_test_assert_all_in_state(const HcProbeInfo *info,
				  const HcProbeResult *res,
				  HcCapState state,
				  const char *reason_part)
{
	g_autoptr(GPtrArray) ids = hc_probe_info_get_ids(info);

	ck_assert_uint_gt(ids->len, 0);
	for (guint i = 0; i < ids->len; i++) {
		const HcCapability *cap = hc_probe_test_get(res, g_ptr_array_index(ids, i));

		ck_assert_msg(cap->state == state,
			      "%s is %s, not %s: %s",
			      cap->id,
			      hc_cap_state_to_string(cap->state),
			      hc_cap_state_to_string(state),
			      cap->reason);
		ck_assert_msg(reason_part == NULL || strstr(cap->reason, reason_part) != NULL,
			      "%s: reason \"%s\" lacks \"%s\"",
			      cap->id,
			      cap->reason,
			      reason_part);
	}
}

static gint
hc_probe_test_cmp_str(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

char *
hc_probe_test_list_netdevs(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GDir) dir = g_dir_open("/sys/class/net", 0, &error);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const char *name;

	ck_assert_msg(dir != NULL, "%s", error ? error->message : "");
	while ((name = g_dir_read_name(dir)) != NULL)
		g_ptr_array_add(names, g_strdup(name));
	g_ptr_array_sort(names, hc_probe_test_cmp_str);
	g_ptr_array_add(names, NULL);
	return g_strjoinv(" ", (char **)names->pdata);
}

void
hc_probe_test_write(const char *root, const char *rel_path, const char *contents)
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
hc_probe_test_rm_rf(const char *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const char *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree char *child = g_build_filename(path, name, NULL);

		if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
		    !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
			hc_probe_test_rm_rf(child);
		else
			g_unlink(child);
	}
	g_rmdir(path);
}

TCase *
hc_probe_test_tcase_kvm(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_set_tags(tc, HC_PROBE_TEST_TAG_KVM);
	return tc;
}

/* the real-machine part needs a /dev/kvm that answers KVM_GET_API_VERSION-capable opens */
static gboolean
hc_probe_test_have_kvm(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("SKIP: open /dev/kvm: %s; the fixture sysroots cover the paths without a "
		       "usable /dev/kvm\n",
		       g_strerror(errno));
		return FALSE;
	}
	close(fd);
	return TRUE;
}

int
hc_probe_test_main(Suite *suite, int argc, char **argv)
{
	gboolean kvm_part = argc > 1 && g_strcmp0(argv[1], HC_PROBE_TEST_TAG_KVM) == 0;
	SRunner *runner = srunner_create(suite);
	int failed;

	if (kvm_part && !hc_probe_test_have_kvm()) {
		srunner_free(runner);
		return HC_PROBE_TEST_EXIT_SKIP;
	}
	if (kvm_part)
		srunner_run_tagged(runner, NULL, NULL, HC_PROBE_TEST_TAG_KVM, NULL, CK_NORMAL);
	else
		srunner_run_tagged(runner, NULL, NULL, NULL, HC_PROBE_TEST_TAG_KVM, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
