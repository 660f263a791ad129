/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "hostcap/hc-capability.h"

G_BEGIN_DECLS

/**
 * Requirement expressions (docs/formats.md, "Requirement expressions").
 *
 * A small, side-effect free language over capability ids and the requested feature
 * value:  `kvm.vcpus.max >= value`,
 *         `kvm.tsc.scaling || abs(kvm.tsc.khz - value) <= value / 4000`.
 * Booleans are three-valued (Kleene): a capability whose state is unknown, or that the
 * host did not report at all, is unknown, and unknown propagates through && and ||
 * unless the other side decides.
 */

typedef struct _HcExpr HcExpr;

typedef enum {
	HC_TRI_FALSE,
	HC_TRI_TRUE,
	HC_TRI_UNKNOWN,
} HcTri;

typedef enum {
	HC_EXPR_VALUE_NONE,    /* the capability has no value because it is absent/off */
	HC_EXPR_VALUE_UNKNOWN, /* could not be determined */
	HC_EXPR_VALUE_BOOL,
	HC_EXPR_VALUE_INT,
	HC_EXPR_VALUE_STRING,
	HC_EXPR_VALUE_VERSION, /* text kept in @s, compared component-wise */
	HC_EXPR_VALUE_LIST,    /* string list in @list */
	HC_EXPR_VALUE_LAST,
} HcExprValueKind;

typedef struct {
	HcExprValueKind kind;
	gboolean b;
	gint64 i;
	char *s;
	GPtrArray *list;
	/* set when the value came from a capability: boolean context then uses its state */
	gboolean from_cap;
	HcCapState cap_state;
} HcExprValue;

void
hc_expr_value_clear(HcExprValue *v);
/* "true", "42", "\"ram\"", "v\"6.2\"", "unknown", "none" */
char *
hc_expr_value_to_string(const HcExprValue *v);
/* a JSON feature value as an expression value (int, string, bool, null, string array) */
gboolean
hc_expr_value_from_json(JsonNode *node, HcExprValue *out, GError **error);

/**
 * HcExprEnv:
 * @lookup_cap: the host's capability @id, or %NULL when the host did not report it
 * @lookup_feature: the effective requested value of feature @id, or %NULL when unset
 * @value: the requested value of the feature being checked (`value`); may be %NULL
 */
typedef struct {
	const HcCapability *(*lookup_cap)(const char *id, gpointer user_data);
	JsonNode *(*lookup_feature)(const char *id, gpointer user_data);
	gpointer user_data;
	JsonNode *value;
} HcExprEnv;

/* parse errors are HC_ERROR_INVALID_ARGUMENT and start with "column N: " (1-based) */
HcExpr *
hc_expr_parse(const char *text, GError **error);
void
hc_expr_free(HcExpr *expr);
const char *
hc_expr_get_text(const HcExpr *expr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcExpr, hc_expr_free)

/**
 * hc_expr_eval:
 * @consulted: (nullable) (element-type utf8): receives each capability id that the
 *	evaluation read, once, in evaluation order
 *
 * Type errors (`"ram" + 1`), integer overflow and division by zero are errors
 * (HC_ERROR_INVALID_ARGUMENT); an unknown capability is not an error.
 */
gboolean
hc_expr_eval(const HcExpr *expr,
	     const HcExprEnv *env,
	     HcExprValue *out,
	     GPtrArray *consulted,
	     GError **error);
/* evaluates and converts to a truth value; a non-boolean result is a type error */
gboolean
hc_expr_eval_tri(const HcExpr *expr,
		 const HcExprEnv *env,
		 HcTri *out,
		 GPtrArray *consulted,
		 GError **error);

/* every capability id the expression names (sorted, unique) */
GPtrArray *
hc_expr_get_capability_ids(const HcExpr *expr);
/* every feature id named by feature("…") (sorted, unique) */
GPtrArray *
hc_expr_get_feature_ids(const HcExpr *expr);

const char *
hc_tri_to_string(HcTri tri);

/* compares two version strings component-wise ("6.1.0-18-amd64" < "6.2"); FALSE when
 * either does not start with a digit */
gboolean
hc_version_compare(const char *a, const char *b, int *cmp);

G_END_DECLS
