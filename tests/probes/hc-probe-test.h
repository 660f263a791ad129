/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <check.h>

#include "hc-engine.h"

G_BEGIN_DECLS

/* the one helper library of the probe tests: run a probe, look at what it reported, build
 * sysroot trees, and run a suite so that a part that cannot run here shows as SKIP */

/* Check tag of the test cases that need a usable /dev/kvm on the machine running the tests */
#define HC_PROBE_TEST_TAG_KVM "kvm"

/* $HC_SOURCE_DIR/tests/fixtures/sysroots/@name (owned) */
char *
hc_probe_test_fixture(const char *name);
/* runs @info synchronously through the engine; @sysroot NULL = the real root */
HcProbeResult *
hc_probe_test_run(const HcProbeInfo *info, const char *sysroot);
/* same, with a QEMU user and data dirs */
HcProbeResult *
hc_probe_test_run_full(const HcProbeInfo *info,
		       const char *sysroot,
		       const char *qemu_user,
		       const char *const *data_dirs);
/* the capability @id in @res, or NULL */
const HcCapability *
hc_probe_test_find(const HcProbeResult *res, const char *id);
/* the capability @id; fails the test when it is missing */
const HcCapability *
hc_probe_test_get(const HcProbeResult *res, const char *id);
/* the "x", "b" or "s" value of @cap; fails the test when it has none of that type */
gint64
hc_probe_test_int(const HcCapability *cap);
gboolean
hc_probe_test_bool(const HcCapability *cap);
const char *
hc_probe_test_string(const HcCapability *cap);
/* the int64 value of @id; fails the test when it is missing or has none */
gint64
hc_probe_test_get_int(const HcProbeResult *res, const char *id);
/* every declared id of @info has a result in @res, with a reason, not forgotten */
void
hc_probe_test_assert_complete(const HcProbeInfo *info, const HcProbeResult *res);
/* every declared id of @info is in @res with @state and, unless NULL, @reason_part in its reason */
void
hc_probe_test_assert_all_in_state(const HcProbeInfo *info,
				  const HcProbeResult *res,
				  HcCapState state,
				  const char *reason_part);
/* sorted names in /sys/class/net of the real host, joined with ' ' */
char *
hc_probe_test_list_netdevs(void);
/* writes @contents to @root/@rel_path, creating directories */
void
hc_probe_test_write(const char *root, const char *rel_path, const char *contents);
/* removes a temporary tree the test made */
void
hc_probe_test_rm_rf(const char *path);

/* a test case tagged HC_PROBE_TEST_TAG_KVM: it runs only as the separate "kvm" part */
TCase *
hc_probe_test_tcase_kvm(const char *name);
/* runs @suite and returns the process exit status. With argument "kvm" it runs only the
 * test cases tagged HC_PROBE_TEST_TAG_KVM and exits 77 (SKIP for meson) when this machine has
 * no usable /dev/kvm; without arguments it runs every other test case. */
int
hc_probe_test_main(Suite *suite, int argc, char **argv);

G_END_DECLS
