/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for the requirement-expression language (hc-expr.h): parse the input,
 * then evaluate what parses against a small fixed host with `value` = 4096. Properties:
 * no crash or sanitizer report; parse and evaluation errors are HC_ERROR_INVALID_ARGUMENT;
 * an expression that parses lists its capability ids without failing.
 */
#include <stdint.h>
#include <stdlib.h>

#include "hc-fuzz.h"
#include "hostcap/hc-error.h"
#include "hc-expr.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const HcCapability *
lookup_cap(const char *id, gpointer user_data)
{
	GHashTable *caps = user_data;
	return g_hash_table_lookup(caps, id);
}

static JsonNode *
lookup_feature(const char *id, gpointer user_data)
{
	static JsonNode *mib = NULL;
	if (mib == NULL)
		mib = json_node_init_int(json_node_alloc(), 2048);
	return g_strcmp0(id, "memory.size_mib") == 0 ? mib : NULL;
}

static GHashTable *
fixed_host(void)
{
	GHashTable *caps = g_hash_table_new_full(g_str_hash,
						 g_str_equal,
						 NULL,
						 (GDestroyNotify)hc_capability_free);
	HcCapability *list[] = {
	    hc_capability_new("kvm.present",
			      HC_CAP_STATE_SUPPORTED,
			      g_variant_new_boolean(TRUE),
			      "fixture"),
	    hc_capability_new("kvm.vcpus.max",
			      HC_CAP_STATE_SUPPORTED,
			      g_variant_new_int64(1024),
			      "fixture"),
	    hc_capability_new("kvm.tsc.khz",
			      HC_CAP_STATE_SUPPORTED,
			      g_variant_new_int64(2445424),
			      "fixture"),
	    hc_capability_new("net.tap.uso", HC_CAP_STATE_UNSUPPORTED, NULL, "fixture"),
	    hc_capability_new("host.kernel.release",
			      HC_CAP_STATE_SUPPORTED,
			      g_variant_new_string("6.1.0"),
			      "fixture"),
	    hc_capability_new("mem.uffd", HC_CAP_STATE_UNKNOWN, NULL, "fixture"),
	};

	for (guint i = 0; i < G_N_ELEMENTS(list); i++)
		g_hash_table_insert(caps, list[i]->id, list[i]);
	return caps;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static GHashTable *caps = NULL;
	g_autofree char *text = g_strndup((const char *)data, size);
	g_autoptr(GError) error = NULL;
	g_autoptr(HcExpr) expr = NULL;
	g_autoptr(JsonNode) value = json_node_init_int(json_node_alloc(), 4096);
	g_autoptr(GPtrArray) ids = NULL;
	HcExprEnv env = {lookup_cap, lookup_feature, NULL, value};
	HcExprValue out = {0};
	HcTri tri;

	hc_fuzz_init_logging();
	if (caps == NULL)
		caps = fixed_host();
	env.user_data = caps;
	expr = hc_expr_parse(text, &error);
	if (expr == NULL) {
		if (!g_error_matches(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT))
			abort();
		return 0;
	}
	ids = hc_expr_get_capability_ids(expr);
	if (hc_expr_eval(expr, &env, &out, NULL, &error))
		hc_expr_value_clear(&out);
	else if (!g_error_matches(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT))
		abort();
	g_clear_error(&error);
	if (!hc_expr_eval_tri(expr, &env, &tri, NULL, &error) &&
	    !g_error_matches(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT))
		abort();
	return 0;
}
