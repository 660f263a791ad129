/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "hc-engine.h"

G_BEGIN_DECLS

/* helpers shared by the device, memory and io probe tests */

/* <source>/tests/fixtures/sysroots/<name>, from HC_SOURCE_DIR */
char *
hc_dev_test_fixture(const char *name);
/* runs @info through the engine on @sysroot (NULL = the real root) */
HcProbeResult *
hc_dev_test_run(const HcProbeInfo *info, const char *sysroot);
/* same, with a QEMU user and data dirs */
HcProbeResult *
hc_dev_test_run_full(const HcProbeInfo *info,
		     const char *sysroot,
		     const char *qemu_user,
		     const char *const *data_dirs);
/* the capability @id in @res, or NULL */
const HcCapability *
hc_dev_test_find(const HcProbeResult *res, const char *id);
/* the capability @id; fails the test when it is missing */
const HcCapability *
hc_dev_test_get(const HcProbeResult *res, const char *id);
/* the int64 value of @id; fails the test when it has none */
gint64
hc_dev_test_get_int(const HcProbeResult *res, const char *id);
/* every declared id of @info has a result in @res */
void
hc_dev_test_assert_complete(const HcProbeInfo *info, const HcProbeResult *res);
/* every declared id of @info is reported in @res with @state */
void
hc_dev_test_assert_all_in_state(const HcProbeInfo *info,
				const HcProbeResult *res,
				HcCapState state);
/* sorted names in /sys/class/net of the real host, joined with ' ' */
char *
hc_dev_test_list_netdevs(void);
/* writes @contents to @root/@rel_path, creating directories */
void
hc_dev_test_write(const char *root, const char *rel_path, const char *contents);

/* removes a temporary tree the test made */
void
hc_dev_test_rm_rf(const char *path);

G_END_DECLS
