/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <check.h>

#include "hc-engine.h"

G_BEGIN_DECLS

/* shared by the kernel/KVM/CPU probe tests */

/* $HC_SOURCE_DIR/tests/fixtures/sysroots/@name (owned) */
char *
hc_kvm_test_fixture(const char *name);
/* runs @info synchronously; @sysroot NULL = the real root */
HcProbeResult *
hc_kvm_test_run(const HcProbeInfo *info, const char *sysroot);
/* the capability @id of @res; fails the test when it is missing */
const HcCapability *
hc_kvm_test_find(const HcProbeResult *res, const char *id);
/* the "x" value of @cap; fails the test when it has none */
gint64
hc_kvm_test_int(const HcCapability *cap);
/* the "b" value of @cap; fails the test when it has none */
gboolean
hc_kvm_test_bool(const HcCapability *cap);
/* the "s" value of @cap; fails the test when it has none */
const char *
hc_kvm_test_string(const HcCapability *cap);
/* asserts every id @info declares is in @res with @state and @reason_part in its reason */
void
hc_kvm_test_all_ids(const HcProbeInfo *info,
		    const HcProbeResult *res,
		    HcCapState state,
		    const char *reason_part);
/* TRUE when /dev/kvm exists; else prints why the real-machine test is skipped */
gboolean
hc_kvm_test_have_kvm(const char *test_name);
/* runs the suite made by @make and returns the process exit status */
int
hc_kvm_test_main(Suite *suite);

G_END_DECLS
