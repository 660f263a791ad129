/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "hc-qemu-binary.h"

G_BEGIN_DECLS

/* what one QEMU binary says about itself over QMP */
typedef struct {
	char *version;		 /* "11.1.3" */
	gint64 version_number;	 /* major * 10000 + minor * 100 + micro: 110103 */
	char *package;		 /* "Debian 1:11.1.3+ds-1", may be "" */
	GPtrArray *machines;	 /* "pc-q35-11.1", … sorted */
	GPtrArray *aliases;	 /* "q35=pc-q35-11.1", … sorted */
	GPtrArray *cpu_models;	 /* every -cpu name, sorted */
	GPtrArray *tcg_models;	 /* the models TCG runs with enforce (no unavailable feature) */
	GPtrArray *tcg_features; /* the features TCG gives the "max" model, sorted */
} HcQemuInfo;

void
hc_qemu_info_free(HcQemuInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcQemuInfo, hc_qemu_info_free)

/**
 * hc_qemu_info_query:
 *
 * Starts @bin stopped, without a machine (-machine none -accel tcg), and asks over QMP on
 * stdio: query-version, query-machines, query-cpu-definitions (whose unavailable-features
 * under TCG say which models TCG runs with enforce) and query-cpu-model-expansion of "max"
 * (what this release's TCG implements). Kills QEMU when the probe's deadline passes.
 */
HcQemuInfo *
hc_qemu_info_query(HcProbeContext *ctx, const HcQemuBinary *bin, GError **error);

/* the cache's form: a JSON object, and back (NULL + error on a malformed entry) */
JsonObject *
hc_qemu_info_to_json(const HcQemuInfo *info);
HcQemuInfo *
hc_qemu_info_from_json(JsonObject *obj, GError **error);

G_END_DECLS
