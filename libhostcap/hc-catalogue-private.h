/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hc-catalogue.h"

G_BEGIN_DECLS

/* shared by the catalogue's loading, validation and lookup files; nothing else sees it */
struct _HcCatalogue {
	gint ref;
	GHashTable *features;  /* id → HcFeatureDef (patterns included) */
	GPtrArray *patterns;   /* borrowed HcFeatureDef* whose id ends in ".*" */
	GHashTable *machines;  /* family → HcMachineFamily */
	GHashTable *platforms; /* name → HcPlatform */
	GHashTable *cpu_models;
	char *hash;
	GMutex lock;	       /* guards instances, model_list and by_qemu */
	GHashTable *instances; /* feature id → HcExpr, for pattern features */
	GPtrArray *model_list; /* borrowed HcCpuModel*, no aliases, by name; built when asked */
	GHashTable *by_qemu;   /* "qemu" field → borrowed HcFeatureDef*; built when asked */
	GMutex derived_lock;   /* guards derived */
	GHashTable *derived;   /* "kind\nfingerprint" → GPtrArray (hc-catalogue-derived.c) */
};

/* after parsing: collects the patterns, then checks every cross-file reference against the
 * catalogue and @known (probe ids and dynamic prefixes; NULL = not checked) */
gboolean
hc_catalogue_validate(HcCatalogue *cat, const char *const *known, GError **error);

G_END_DECLS
