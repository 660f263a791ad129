/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "hc-catalogue.h"

G_BEGIN_DECLS

/* a parsed, validated VM spec (DESIGN §6; docs/formats.md "VM spec") */
typedef struct {
	char *machine;		/* NULL when the spec names none */
	char *platform;		/* NULL when the spec names none */
	GPtrArray *ids;		/* explicit feature ids, sorted */
	GHashTable *features;	/* id → JsonNode (owned) */
	GPtrArray *unevaluated; /* what a QEMU command-line import could not translate */
} HcSpec;

/**
 * hc_spec_parse:
 *
 * Strict: at most HC_LIMIT_SPEC_BYTES, HC_LIMIT_FEATURES features, HC_LIMIT_NESTING
 * levels. Errors: HC_ERROR_INVALID_ARGUMENT with a JSON path
 * (`$.features["memory.size_mib"]: expected an integer, got "4G"`), or
 * HC_ERROR_UNKNOWN_FEATURE for a feature id the catalogue does not define, with a
 * did-you-mean.
 */
HcSpec *
hc_spec_parse(HcCatalogue *cat, const char *json, gsize len, GError **error);
HcSpec *
hc_spec_copy(const HcSpec *spec);
void
hc_spec_free(HcSpec *spec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcSpec, hc_spec_free)

/* sets (or replaces) an explicit feature value; takes @value */
void
hc_spec_set(HcSpec *spec, const char *id, JsonNode *value);
JsonNode *
hc_spec_lookup(const HcSpec *spec, const char *id);
/* the spec as JSON (machine, platform, features, unevaluated) */
JsonNode *
hc_spec_to_json(const HcSpec *spec);

G_END_DECLS
