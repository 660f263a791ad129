/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* helpers shared by the kernel/KVM/CPU probe tests */
#include "hc-kvm-test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *
hc_kvm_test_fixture(const char *name)
{
	const char *src = g_getenv("HC_SOURCE_DIR");

	ck_assert_msg(src != NULL, "HC_SOURCE_DIR is not set (run through meson test)");
	return g_build_filename(src, "tests", "fixtures", "sysroots", name, NULL);
}

HcProbeResult *
hc_kvm_test_run(const HcProbeInfo *info, const char *sysroot)
{
	HcEngineOptions opts = {.sysroot = sysroot, .default_timeout_msec = 60000};
	HcProbeResult *res = hc_engine_run_probe_sync(info, &opts);

	ck_assert_ptr_nonnull(res);
	ck_assert_str_eq(res->probe, info->name);
	return res;
}

const HcCapability *
hc_kvm_test_find(const HcProbeResult *res, const char *id)
{
	for (guint i = 0; i < res->capabilities->len; i++) {
		const HcCapability *cap = g_ptr_array_index(res->capabilities, i);

		if (g_strcmp0(cap->id, id) == 0)
			return cap;
	}
	ck_abort_msg("probe %s did not report %s", res->probe, id);
	return NULL;
}

gint64
hc_kvm_test_int(const HcCapability *cap)
{
	ck_assert_msg(cap->value != NULL && g_variant_is_of_type(cap->value, G_VARIANT_TYPE_INT64),
		      "%s has no int value (%s)",
		      cap->id,
		      cap->reason);
	return g_variant_get_int64(cap->value);
}

gboolean
hc_kvm_test_bool(const HcCapability *cap)
{
	ck_assert_msg(cap->value != NULL &&
			  g_variant_is_of_type(cap->value, G_VARIANT_TYPE_BOOLEAN),
		      "%s has no bool value (%s)",
		      cap->id,
		      cap->reason);
	return g_variant_get_boolean(cap->value);
}

const char *
hc_kvm_test_string(const HcCapability *cap)
{
	ck_assert_msg(cap->value != NULL && g_variant_is_of_type(cap->value, G_VARIANT_TYPE_STRING),
		      "%s has no string value (%s)",
		      cap->id,
		      cap->reason);
	return g_variant_get_string(cap->value, NULL);
}

void
hc_kvm_test_all_ids(const HcProbeInfo *info,
		    const HcProbeResult *res,
		    HcCapState state,
		    const char *reason_part)
{
	g_autoptr(GPtrArray) ids = hc_probe_info_get_ids(info);

	ck_assert_uint_gt(ids->len, 0);
	for (guint i = 0; i < ids->len; i++) {
		const HcCapability *cap = hc_kvm_test_find(res, g_ptr_array_index(ids, i));

		ck_assert_msg(cap->state == state,
			      "%s: state %s, expected %s (%s)",
			      cap->id,
			      hc_cap_state_to_string(cap->state),
			      hc_cap_state_to_string(state),
			      cap->reason);
		ck_assert_msg(strstr(cap->reason, reason_part) != NULL,
			      "%s: reason \"%s\" lacks \"%s\"",
			      cap->id,
			      cap->reason,
			      reason_part);
	}
}

gboolean
hc_kvm_test_have_kvm(const char *test_name)
{
	if (access("/dev/kvm", F_OK) == 0)
		return TRUE;
	fprintf(stderr,
		"SKIP %s: /dev/kvm does not exist on this machine (%s); the no-kvm fixture "
		"test covers that path\n",
		test_name,
		g_strerror(errno));
	return FALSE;
}

int
hc_kvm_test_main(Suite *suite)
{
	SRunner *runner = srunner_create(suite);
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
