/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* evaluation of requirement expressions: values, three-valued logic, functions */

#include <string.h>

#include "hostcap/hc-error.h"

#include "hc-expr-private.h"

typedef struct {
	const HcExprEnv *env;
	GPtrArray *consulted;
} HcEval;

static gboolean
hc_eval_node(HcEval *ev, const HcNode *node, HcExprValue *out, GError **error);

const char *
hc_tri_to_string(HcTri tri)
{
	static const char *const names[] = {"no", "yes", "unknown"};
	return tri <= HC_TRI_UNKNOWN ? names[tri] : "?";
}

void
hc_expr_value_clear(HcExprValue *v)
{
	g_clear_pointer(&v->s, g_free);
	g_clear_pointer(&v->list, g_ptr_array_unref);
	memset(v, 0, sizeof(*v));
}

static void
hc_value_copy(const HcExprValue *src, HcExprValue *dst)
{
	*dst = *src;
	dst->s = g_strdup(src->s);
	dst->list = src->list != NULL ? g_ptr_array_ref(src->list) : NULL;
}

char *
hc_expr_value_to_string(const HcExprValue *v)
{
	switch (v->kind) {
	case HC_EXPR_VALUE_NONE:
		return g_strdup("none");
	case HC_EXPR_VALUE_UNKNOWN:
		return g_strdup("unknown");
	case HC_EXPR_VALUE_BOOL:
		return g_strdup(v->b ? "true" : "false");
	case HC_EXPR_VALUE_INT:
		return g_strdup_printf("%" G_GINT64_FORMAT, v->i);
	case HC_EXPR_VALUE_STRING:
		return g_strdup_printf("\"%s\"", v->s);
	case HC_EXPR_VALUE_VERSION:
		return g_strdup_printf("v\"%s\"", v->s);
	case HC_EXPR_VALUE_LIST: {
		g_autoptr(GString) buf = g_string_new("[");
		for (guint i = 0; i < v->list->len; i++) {
			g_string_append_printf(buf,
					       "%s\"%s\"",
					       i > 0 ? ", " : "",
					       (const char *)g_ptr_array_index(v->list, i));
		}
		g_string_append_c(buf, ']');
		return g_string_free(g_steal_pointer(&buf), FALSE);
	}
	default:
		return g_strdup("?");
	}
}

static const char *
hc_kind_name(HcExprValueKind kind)
{
	static const char *const names[] =
	    {"none", "unknown", "a boolean", "an integer", "a string", "a version", "a list"};
	G_STATIC_ASSERT(G_N_ELEMENTS(names) == HC_EXPR_VALUE_LAST);
	return kind < HC_EXPR_VALUE_LAST ? names[kind] : "?";
}

gboolean
hc_expr_value_from_json(JsonNode *node, HcExprValue *out, GError **error)
{
	memset(out, 0, sizeof(*out));
	if (node == NULL || JSON_NODE_HOLDS_NULL(node)) {
		out->kind = HC_EXPR_VALUE_NONE;
		return TRUE;
	}
	if (JSON_NODE_HOLDS_ARRAY(node)) {
		JsonArray *arr = json_node_get_array(node);
		out->kind = HC_EXPR_VALUE_LIST;
		out->list = g_ptr_array_new_with_free_func(g_free);
		for (guint i = 0; i < json_array_get_length(arr); i++) {
			JsonNode *el = json_array_get_element(arr, i);
			if (json_node_get_value_type(el) != G_TYPE_STRING) {
				hc_expr_value_clear(out);
				g_set_error_literal(error,
						    HC_ERROR,
						    HC_ERROR_INVALID_ARGUMENT,
						    "only lists of strings are supported");
				return FALSE;
			}
			g_ptr_array_add(out->list, g_strdup(json_node_get_string(el)));
		}
		return TRUE;
	}
	if (!JSON_NODE_HOLDS_VALUE(node))
		goto bad;
	switch (json_node_get_value_type(node)) {
	case G_TYPE_BOOLEAN:
		out->kind = HC_EXPR_VALUE_BOOL;
		out->b = json_node_get_boolean(node);
		return TRUE;
	case G_TYPE_INT64:
		out->kind = HC_EXPR_VALUE_INT;
		out->i = json_node_get_int(node);
		return TRUE;
	case G_TYPE_STRING:
		out->kind = HC_EXPR_VALUE_STRING;
		out->s = g_strdup(json_node_get_string(node));
		return TRUE;
	default:
		break;
	}
bad:
	g_set_error_literal(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "a value must be a boolean, an integer, a string or a list of strings");
	return FALSE;
}

static gboolean
hc_value_from_variant(GVariant *var, HcExprValue *out)
{
	if (g_variant_is_of_type(var, G_VARIANT_TYPE_BOOLEAN)) {
		out->kind = HC_EXPR_VALUE_BOOL;
		out->b = g_variant_get_boolean(var);
	} else if (g_variant_is_of_type(var, G_VARIANT_TYPE_INT64)) {
		out->kind = HC_EXPR_VALUE_INT;
		out->i = g_variant_get_int64(var);
	} else if (g_variant_is_of_type(var, G_VARIANT_TYPE_STRING)) {
		out->kind = HC_EXPR_VALUE_STRING;
		out->s = g_variant_dup_string(var, NULL);
	} else if (g_variant_is_of_type(var, G_VARIANT_TYPE_STRING_ARRAY)) {
		g_autofree const char **strv = g_variant_get_strv(var, NULL);
		out->kind = HC_EXPR_VALUE_LIST;
		out->list = g_ptr_array_new_with_free_func(g_free);
		for (guint i = 0; strv[i] != NULL; i++)
			g_ptr_array_add(out->list, g_strdup(strv[i]));
	} else {
		return FALSE;
	}
	return TRUE;
}

static const HcCapability *
hc_eval_cap(HcEval *ev, const char *id)
{
	if (ev->consulted != NULL &&
	    !g_ptr_array_find_with_equal_func(ev->consulted, id, g_str_equal, NULL))
		g_ptr_array_add(ev->consulted, g_strdup(id));
	if (ev->env->lookup_cap == NULL)
		return NULL;
	return ev->env->lookup_cap(id, ev->env->user_data);
}

/*
 * a capability as a value: unknown (or not reported) → unknown; a typed value → that
 * value; no value → its state as a boolean when supported, "none" when it is not there
 */
static void
hc_eval_cap_value(HcEval *ev, const char *id, HcExprValue *out)
{
	const HcCapability *cap = hc_eval_cap(ev, id);

	if (cap == NULL || cap->state == HC_CAP_STATE_UNKNOWN) {
		out->kind = HC_EXPR_VALUE_UNKNOWN;
		return;
	}
	out->from_cap = TRUE;
	out->cap_state = cap->state;
	if (cap->value != NULL && hc_value_from_variant(cap->value, out))
		return;
	if (cap->state == HC_CAP_STATE_SUPPORTED) {
		out->kind = HC_EXPR_VALUE_BOOL;
		out->b = TRUE;
	} else {
		out->kind = HC_EXPR_VALUE_NONE;
	}
}

static gboolean
hc_set_type_error(const HcNode *node, const char *what, const HcExprValue *v, GError **error)
{
	g_autofree char *text = hc_expr_value_to_string(v);
	g_set_error(error,
		    HC_ERROR,
		    HC_ERROR_INVALID_ARGUMENT,
		    "column %u: %s, got %s %s",
		    node->column,
		    what,
		    hc_kind_name(v->kind),
		    text);
	return FALSE;
}

/* truth value of @v: capabilities by state, booleans as such, none is false */
static gboolean
hc_value_to_tri(const HcNode *node, const HcExprValue *v, HcTri *out, GError **error)
{
	if (v->kind == HC_EXPR_VALUE_UNKNOWN) {
		*out = HC_TRI_UNKNOWN;
	} else if (v->kind == HC_EXPR_VALUE_NONE) {
		*out = HC_TRI_FALSE;
	} else if (v->kind == HC_EXPR_VALUE_BOOL) {
		*out = v->b ? HC_TRI_TRUE : HC_TRI_FALSE;
		if (v->from_cap && v->cap_state != HC_CAP_STATE_SUPPORTED)
			*out = HC_TRI_FALSE;
	} else if (v->from_cap) {
		*out = v->cap_state == HC_CAP_STATE_SUPPORTED ? HC_TRI_TRUE : HC_TRI_FALSE;
	} else {
		return hc_set_type_error(node, "expected a boolean", v, error);
	}
	return TRUE;
}

static void
hc_set_tri(HcExprValue *out, HcTri tri)
{
	memset(out, 0, sizeof(*out));
	if (tri == HC_TRI_UNKNOWN) {
		out->kind = HC_EXPR_VALUE_UNKNOWN;
	} else {
		out->kind = HC_EXPR_VALUE_BOOL;
		out->b = tri == HC_TRI_TRUE;
	}
}

static gboolean
hc_eval_tri(HcEval *ev, const HcNode *node, HcTri *out, GError **error)
{
	HcExprValue v = {0};
	gboolean ok = hc_eval_node(ev, node, &v, error) && hc_value_to_tri(node, &v, out, error);
	hc_expr_value_clear(&v);
	return ok;
}

/* Kleene: false && x = false, true || x = true, otherwise unknown wins over the rest */
static gboolean
hc_eval_logic(HcEval *ev, const HcNode *node, HcExprValue *out, GError **error)
{
	HcTri decisive = node->op == HC_TOK_AND ? HC_TRI_FALSE : HC_TRI_TRUE;
	HcTri left;
	HcTri right;

	if (!hc_eval_tri(ev, node->kids[0], &left, error))
		return FALSE;
	if (left == decisive) {
		hc_set_tri(out, left);
		return TRUE;
	}
	if (!hc_eval_tri(ev, node->kids[1], &right, error))
		return FALSE;
	if (right == decisive)
		hc_set_tri(out, right);
	else if (left == HC_TRI_UNKNOWN || right == HC_TRI_UNKNOWN)
		hc_set_tri(out, HC_TRI_UNKNOWN);
	else
		hc_set_tri(out, left);
	return TRUE;
}

gboolean
hc_version_compare(const char *a, const char *b, int *cmp)
{
	if (!g_ascii_isdigit(a[0]) || !g_ascii_isdigit(b[0]))
		return FALSE;
	while (g_ascii_isdigit(*a) || g_ascii_isdigit(*b)) {
		guint64 na = g_ascii_strtoull(a, (char **)&a, 10);
		guint64 nb = g_ascii_strtoull(b, (char **)&b, 10);
		if (na != nb) {
			*cmp = na < nb ? -1 : 1;
			return TRUE;
		}
		/* only '.' continues a version: "6.1.0-18-amd64" stops at '-' */
		a += (*a == '.' && g_ascii_isdigit(a[1])) ? 1 : 0;
		b += (*b == '.' && g_ascii_isdigit(b[1])) ? 1 : 0;
		if (a[-1] != '.' && b[-1] != '.')
			break;
	}
	*cmp = 0;
	return TRUE;
}

static gboolean
hc_cmp_result(HcTokKind op, int cmp)
{
	switch (op) {
	case HC_TOK_EQ:
		return cmp == 0;
	case HC_TOK_NE:
		return cmp != 0;
	case HC_TOK_LT:
		return cmp < 0;
	case HC_TOK_LE:
		return cmp <= 0;
	case HC_TOK_GT:
		return cmp > 0;
	default:
		return cmp >= 0;
	}
}

static gboolean
hc_compare_versions(const HcNode *node,
		    const HcExprValue *l,
		    const HcExprValue *r,
		    int *cmp,
		    GError **error)
{
	const HcExprValue *bad = NULL;

	if (l->kind != HC_EXPR_VALUE_VERSION && l->kind != HC_EXPR_VALUE_STRING)
		bad = l;
	else if (r->kind != HC_EXPR_VALUE_VERSION && r->kind != HC_EXPR_VALUE_STRING)
		bad = r;
	if (bad != NULL)
		return hc_set_type_error(node,
					 "a version compares with a version or string",
					 bad,
					 error);
	if (!hc_version_compare(l->s, r->s, cmp)) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "column %u: cannot compare \"%s\" and \"%s\" as versions",
			    node->column,
			    l->s,
			    r->s);
		return FALSE;
	}
	return TRUE;
}

static gboolean
hc_eval_compare(const HcNode *node,
		HcExprValue *l,
		HcExprValue *r,
		HcExprValue *out,
		GError **error)
{
	gboolean equality = node->op == HC_TOK_EQ || node->op == HC_TOK_NE;
	int cmp = 0;

	if (l->kind == HC_EXPR_VALUE_UNKNOWN || r->kind == HC_EXPR_VALUE_UNKNOWN) {
		hc_set_tri(out, HC_TRI_UNKNOWN);
		return TRUE;
	}
	/* an absent quantity is never equal to, above or below anything */
	if (l->kind == HC_EXPR_VALUE_NONE || r->kind == HC_EXPR_VALUE_NONE) {
		hc_set_tri(out, node->op == HC_TOK_NE ? HC_TRI_TRUE : HC_TRI_FALSE);
		return TRUE;
	}
	if (l->kind == HC_EXPR_VALUE_VERSION || r->kind == HC_EXPR_VALUE_VERSION) {
		if (!hc_compare_versions(node, l, r, &cmp, error))
			return FALSE;
	} else if (l->kind != r->kind) {
		g_autofree char *what = g_strdup_printf("cannot compare %s with %s",
							hc_kind_name(l->kind),
							hc_kind_name(r->kind));
		return hc_set_type_error(node, what, r, error);
	} else if (l->kind == HC_EXPR_VALUE_INT) {
		cmp = l->i < r->i ? -1 : (l->i > r->i ? 1 : 0);
	} else if (!equality) {
		return hc_set_type_error(node, "only integers and versions are ordered", l, error);
	} else if (l->kind == HC_EXPR_VALUE_BOOL) {
		cmp = l->b == r->b ? 0 : 1;
	} else if (l->kind == HC_EXPR_VALUE_STRING) {
		cmp = g_strcmp0(l->s, r->s);
	} else {
		return hc_set_type_error(node,
					 "lists cannot be compared; use contains()",
					 l,
					 error);
	}
	hc_set_tri(out, hc_cmp_result(node->op, cmp) ? HC_TRI_TRUE : HC_TRI_FALSE);
	return TRUE;
}

static gboolean
hc_eval_arith(const HcNode *node, HcExprValue *l, HcExprValue *r, HcExprValue *out, GError **error)
{
	gboolean overflow = FALSE;
	gint64 res = 0;

	memset(out, 0, sizeof(*out));
	if (l->kind == HC_EXPR_VALUE_UNKNOWN || r->kind == HC_EXPR_VALUE_UNKNOWN) {
		out->kind = HC_EXPR_VALUE_UNKNOWN;
		return TRUE;
	}
	if (l->kind == HC_EXPR_VALUE_NONE || r->kind == HC_EXPR_VALUE_NONE) {
		out->kind = HC_EXPR_VALUE_NONE;
		return TRUE;
	}
	if (l->kind != HC_EXPR_VALUE_INT)
		return hc_set_type_error(node, "arithmetic needs integers", l, error);
	if (r->kind != HC_EXPR_VALUE_INT)
		return hc_set_type_error(node, "arithmetic needs integers", r, error);
	switch (node->op) {
	case HC_TOK_PLUS:
		overflow = __builtin_add_overflow(l->i, r->i, &res);
		break;
	case HC_TOK_MINUS:
		overflow = __builtin_sub_overflow(l->i, r->i, &res);
		break;
	case HC_TOK_STAR:
		overflow = __builtin_mul_overflow(l->i, r->i, &res);
		break;
	default:
		if (r->i == 0) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "column %u: division by zero",
				    node->column);
			return FALSE;
		}
		overflow = l->i == G_MININT64 && r->i == -1;
		res = overflow ? 0 : l->i / r->i;
		break;
	}
	if (overflow) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "column %u: integer overflow",
			    node->column);
		return FALSE;
	}
	out->kind = HC_EXPR_VALUE_INT;
	out->i = res;
	return TRUE;
}

static gboolean
hc_eval_binary(HcEval *ev, const HcNode *node, HcExprValue *out, GError **error)
{
	HcExprValue l = {0};
	HcExprValue r = {0};
	gboolean ok;

	if (node->op == HC_TOK_AND || node->op == HC_TOK_OR)
		return hc_eval_logic(ev, node, out, error);
	ok = hc_eval_node(ev, node->kids[0], &l, error) &&
	     hc_eval_node(ev, node->kids[1], &r, error);
	if (ok) {
		if (node->op >= HC_TOK_EQ && node->op <= HC_TOK_GE)
			ok = hc_eval_compare(node, &l, &r, out, error);
		else
			ok = hc_eval_arith(node, &l, &r, out, error);
	}
	hc_expr_value_clear(&l);
	hc_expr_value_clear(&r);
	return ok;
}

static gboolean
hc_eval_unary(HcEval *ev, const HcNode *node, HcExprValue *out, GError **error)
{
	HcExprValue v = {0};
	HcTri tri;
	gboolean ok = TRUE;

	if (node->op == HC_TOK_NOT) {
		if (!hc_eval_tri(ev, node->kids[0], &tri, error))
			return FALSE;
		hc_set_tri(out,
			   tri == HC_TRI_UNKNOWN
			       ? tri
			       : (tri == HC_TRI_TRUE ? HC_TRI_FALSE : HC_TRI_TRUE));
		return TRUE;
	}
	if (!hc_eval_node(ev, node->kids[0], &v, error))
		return FALSE;
	if (v.kind == HC_EXPR_VALUE_INT) {
		if (v.i == G_MININT64) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "column %u: integer overflow",
				    node->column);
			ok = FALSE;
		}
		v.i = -v.i;
		v.from_cap = FALSE;
		*out = v;
		return ok;
	}
	if (v.kind == HC_EXPR_VALUE_UNKNOWN || v.kind == HC_EXPR_VALUE_NONE) {
		*out = v;
		return TRUE;
	}
	ok = hc_set_type_error(node, "'-' needs an integer", &v, error);
	hc_expr_value_clear(&v);
	return ok;
}

static gboolean
hc_eval_cap_fn(HcEval *ev, const HcNode *node, HcExprValue *out)
{
	const HcCapability *cap = hc_eval_cap(ev, node->kids[0]->id);
	gboolean known = cap != NULL && cap->state != HC_CAP_STATE_UNKNOWN;

	memset(out, 0, sizeof(*out));
	switch (node->fn) {
	case HC_FN_HAS:
		hc_set_tri(out, known ? HC_TRI_TRUE : HC_TRI_FALSE);
		break;
	case HC_FN_SUPPORTED:
		if (!known)
			hc_set_tri(out, HC_TRI_UNKNOWN);
		else
			hc_set_tri(out,
				   cap->state == HC_CAP_STATE_SUPPORTED ? HC_TRI_TRUE
									: HC_TRI_FALSE);
		break;
	default: /* state() */
		out->kind = HC_EXPR_VALUE_STRING;
		out->s = g_strdup(
		    hc_cap_state_to_string(cap != NULL ? cap->state : HC_CAP_STATE_UNKNOWN));
		break;
	}
	return TRUE;
}

static gboolean
hc_eval_feature_fn(HcEval *ev, const HcNode *node, HcExprValue *out, GError **error)
{
	const char *id = node->kids[0]->lit.s;
	JsonNode *val = NULL;

	if (ev->env->lookup_feature != NULL)
		val = ev->env->lookup_feature(id, ev->env->user_data);
	if (val == NULL && node->n_kids == 2)
		return hc_eval_node(ev, node->kids[1], out, error);
	if (!hc_expr_value_from_json(val, out, error)) {
		g_prefix_error(error, "column %u: feature(\"%s\"): ", node->column, id);
		return FALSE;
	}
	return TRUE;
}

static gboolean
hc_eval_int_fn(const HcNode *node, HcExprValue *args, HcExprValue *out, GError **error)
{
	for (guint i = 0; i < node->n_kids; i++) {
		if (args[i].kind == HC_EXPR_VALUE_UNKNOWN || args[i].kind == HC_EXPR_VALUE_NONE) {
			out->kind = args[i].kind;
			return TRUE;
		}
		if (args[i].kind != HC_EXPR_VALUE_INT) {
			g_autofree char *what =
			    g_strdup_printf("%s() needs integers", hc_function_name(node->fn));
			return hc_set_type_error(node, what, &args[i], error);
		}
	}
	out->kind = HC_EXPR_VALUE_INT;
	if (node->fn == HC_FN_ABS) {
		if (args[0].i == G_MININT64) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "column %u: integer overflow",
				    node->column);
			return FALSE;
		}
		out->i = ABS(args[0].i);
	} else if (node->fn == HC_FN_MIN) {
		out->i = MIN(args[0].i, args[1].i);
	} else if (node->fn == HC_FN_BITS) {
		/* a capability that is a flag mask (KVM_CAP_X86_DISABLE_EXITS) */
		out->i = args[0].i & args[1].i;
	} else {
		out->i = MAX(args[0].i, args[1].i);
	}
	return TRUE;
}

static gboolean
hc_eval_value_fn(const HcNode *node, HcExprValue *args, HcExprValue *out, GError **error)
{
	if (args[0].kind == HC_EXPR_VALUE_UNKNOWN || args[0].kind == HC_EXPR_VALUE_NONE) {
		out->kind = args[0].kind;
		return TRUE;
	}
	if (node->fn == HC_FN_VERSION) {
		if ((args[0].kind != HC_EXPR_VALUE_STRING &&
		     args[0].kind != HC_EXPR_VALUE_VERSION) ||
		    !g_ascii_isdigit(args[0].s[0]))
			return hc_set_type_error(node,
						 "version() needs a string starting with a digit",
						 &args[0],
						 error);
		out->kind = HC_EXPR_VALUE_VERSION;
		out->s = g_strdup(args[0].s);
		return TRUE;
	}
	/* contains(list-or-string, string) */
	if (args[1].kind == HC_EXPR_VALUE_UNKNOWN) {
		out->kind = HC_EXPR_VALUE_UNKNOWN;
		return TRUE;
	}
	if (args[1].kind != HC_EXPR_VALUE_STRING)
		return hc_set_type_error(node, "contains() looks for a string", &args[1], error);
	if (args[0].kind == HC_EXPR_VALUE_LIST) {
		gboolean found =
		    g_ptr_array_find_with_equal_func(args[0].list, args[1].s, g_str_equal, NULL);
		hc_set_tri(out, found ? HC_TRI_TRUE : HC_TRI_FALSE);
	} else if (args[0].kind == HC_EXPR_VALUE_STRING) {
		hc_set_tri(out, strstr(args[0].s, args[1].s) != NULL ? HC_TRI_TRUE : HC_TRI_FALSE);
	} else {
		return hc_set_type_error(node,
					 "contains() looks into a list or a string",
					 &args[0],
					 error);
	}
	return TRUE;
}

static gboolean
hc_eval_call(HcEval *ev, const HcNode *node, HcExprValue *out, GError **error)
{
	HcExprValue args[G_N_ELEMENTS(node->kids)] = {{0}};
	gboolean ok = TRUE;

	if (node->fn == HC_FN_HAS || node->fn == HC_FN_SUPPORTED || node->fn == HC_FN_STATE)
		return hc_eval_cap_fn(ev, node, out);
	if (node->fn == HC_FN_FEATURE)
		return hc_eval_feature_fn(ev, node, out, error);
	for (guint i = 0; i < node->n_kids && ok; i++)
		ok = hc_eval_node(ev, node->kids[i], &args[i], error);
	if (ok) {
		memset(out, 0, sizeof(*out));
		if (node->fn == HC_FN_VERSION || node->fn == HC_FN_CONTAINS)
			ok = hc_eval_value_fn(node, args, out, error);
		else
			ok = hc_eval_int_fn(node, args, out, error);
	}
	for (guint i = 0; i < node->n_kids; i++)
		hc_expr_value_clear(&args[i]);
	return ok;
}

static gboolean
hc_eval_node(HcEval *ev, const HcNode *node, HcExprValue *out, GError **error)
{
	memset(out, 0, sizeof(*out));
	switch (node->kind) {
	case HC_NODE_LITERAL:
		hc_value_copy(&node->lit, out);
		return TRUE;
	case HC_NODE_CAP:
		hc_eval_cap_value(ev, node->id, out);
		return TRUE;
	case HC_NODE_VALUE:
		if (ev->env->value == NULL) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "column %u: 'value' is not available here",
				    node->column);
			return FALSE;
		}
		return hc_expr_value_from_json(ev->env->value, out, error);
	case HC_NODE_UNARY:
		return hc_eval_unary(ev, node, out, error);
	case HC_NODE_BINARY:
		return hc_eval_binary(ev, node, out, error);
	case HC_NODE_CALL:
		return hc_eval_call(ev, node, out, error);
	default:
		g_set_error_literal(error, HC_ERROR, HC_ERROR_INTERNAL, "bad expression node");
		return FALSE;
	}
}

gboolean
hc_expr_eval(const HcExpr *expr,
	     const HcExprEnv *env,
	     HcExprValue *out,
	     GPtrArray *consulted,
	     GError **error)
{
	HcEval ev = {.env = env, .consulted = consulted};
	if (!hc_eval_node(&ev, expr->root, out, error)) {
		hc_expr_value_clear(out);
		return FALSE;
	}
	return TRUE;
}

gboolean
hc_expr_eval_tri(const HcExpr *expr,
		 const HcExprEnv *env,
		 HcTri *out,
		 GPtrArray *consulted,
		 GError **error)
{
	HcExprValue v = {0};
	gboolean ok = hc_expr_eval(expr, env, &v, consulted, error) &&
		      hc_value_to_tri(expr->root, &v, out, error);
	hc_expr_value_clear(&v);
	return ok;
}
