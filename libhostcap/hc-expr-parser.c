/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* recursive-descent parser of requirement expressions: tokens → AST (see hc-expr.h) */

#include <string.h>

#include "hostcap/hc-error.h"

#include "hc-expr-private.h"
#include "hc-strutil.h"

/* deep enough for any real requirement, shallow enough to keep the stack small */
#define HC_EXPR_MAX_DEPTH 64

typedef struct {
	GArray *tokens;
	guint pos;
	guint depth;
} HcParser;

/* the function table: arity and whether the first argument names a capability */
static const struct {
	const char *name;
	guint min_args;
	guint max_args;
	gboolean cap_arg;
} hc_functions[] = {
    [HC_FN_ABS] = {"abs", 1, 1, FALSE},
    [HC_FN_HAS] = {"has", 1, 1, TRUE},
    [HC_FN_SUPPORTED] = {"supported", 1, 1, TRUE},
    [HC_FN_STATE] = {"state", 1, 1, TRUE},
    [HC_FN_VERSION] = {"version", 1, 1, FALSE},
    [HC_FN_FEATURE] = {"feature", 1, 2, FALSE},
    [HC_FN_MIN] = {"min", 2, 2, FALSE},
    [HC_FN_MAX] = {"max", 2, 2, FALSE},
    [HC_FN_CONTAINS] = {"contains", 2, 2, FALSE},
    [HC_FN_BITS] = {"bits", 2, 2, FALSE},
};
G_STATIC_ASSERT(G_N_ELEMENTS(hc_functions) == HC_FN_LAST);

const char *
hc_function_name(HcFunction fn)
{
	return fn < HC_FN_LAST ? hc_functions[fn].name : "?";
}

void
hc_node_free(HcNode *node)
{
	if (node == NULL)
		return;
	for (guint i = 0; i < node->n_kids; i++)
		hc_node_free(node->kids[i]);
	hc_expr_value_clear(&node->lit);
	g_free(node->id);
	g_free(node);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcNode, hc_node_free)

static HcNode *
hc_node_new(HcNodeKind kind, guint column)
{
	HcNode *node = g_new0(HcNode, 1);
	node->kind = kind;
	node->column = column;
	return node;
}

static const HcToken *
hc_peek(HcParser *p)
{
	return &g_array_index(p->tokens, HcToken, p->pos);
}

static const HcToken *
hc_next(HcParser *p)
{
	const HcToken *tok = hc_peek(p);
	if (tok->kind != HC_TOK_EOF)
		p->pos++;
	return tok;
}

static void
hc_set_unexpected(const HcToken *tok, const char *wanted, GError **error)
{
	g_autofree char *got = hc_token_describe(tok);
	g_set_error(error,
		    HC_ERROR,
		    HC_ERROR_INVALID_ARGUMENT,
		    "column %u: expected %s, got %s",
		    tok->column,
		    wanted,
		    got);
}

static HcNode *
hc_parse_or(HcParser *p, GError **error);

static HcNode *
hc_parse_call(HcParser *p, const HcToken *name, GError **error)
{
	g_autoptr(HcNode) node = NULL;
	g_autofree char *wanted = NULL;
	guint fn;

	for (fn = 0; fn < HC_FN_LAST; fn++) {
		if (g_strcmp0(hc_functions[fn].name, name->text) == 0)
			break;
	}
	if (fn == HC_FN_LAST) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "column %u: unknown function '%s'",
			    name->column,
			    name->text);
		return NULL;
	}
	hc_next(p); /* ( */
	node = hc_node_new(HC_NODE_CALL, name->column);
	node->fn = fn;
	while (hc_peek(p)->kind != HC_TOK_RPAREN || node->n_kids == 0) {
		HcNode *arg;
		if (node->n_kids == hc_functions[fn].max_args) {
			wanted = g_strdup_printf("')' after the arguments of %s()", name->text);
			hc_set_unexpected(hc_peek(p), wanted, error);
			return NULL;
		}
		if (node->n_kids > 0 && hc_next(p)->kind != HC_TOK_COMMA) {
			p->pos--;
			wanted = g_strdup_printf("',' or ')' in %s()", name->text);
			hc_set_unexpected(hc_peek(p), wanted, error);
			return NULL;
		}
		arg = hc_parse_or(p, error);
		if (arg == NULL)
			return NULL;
		node->kids[node->n_kids++] = arg;
	}
	hc_next(p); /* ) */
	if (node->n_kids < hc_functions[fn].min_args) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "column %u: %s() takes %u argument(s), got %u",
			    name->column,
			    name->text,
			    hc_functions[fn].min_args,
			    node->n_kids);
		return NULL;
	}
	if (hc_functions[fn].cap_arg && node->kids[0]->kind != HC_NODE_CAP) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "column %u: %s() takes a capability id such as kvm.present",
			    node->kids[0]->column,
			    name->text);
		return NULL;
	}
	if (fn == HC_FN_FEATURE && (node->kids[0]->kind != HC_NODE_LITERAL ||
				    node->kids[0]->lit.kind != HC_EXPR_VALUE_STRING)) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "column %u: feature() takes a feature id string such as "
			    "\"memory.size_mib\"",
			    node->kids[0]->column);
		return NULL;
	}
	return g_steal_pointer(&node);
}

static HcNode *
hc_parse_ident(HcParser *p, const HcToken *tok, GError **error)
{
	HcNode *node;

	if (hc_peek(p)->kind == HC_TOK_LPAREN)
		return hc_parse_call(p, tok, error);
	if (g_strcmp0(tok->text, "true") == 0 || g_strcmp0(tok->text, "false") == 0) {
		node = hc_node_new(HC_NODE_LITERAL, tok->column);
		node->lit.kind = HC_EXPR_VALUE_BOOL;
		node->lit.b = tok->text[0] == 't';
		return node;
	}
	if (g_strcmp0(tok->text, "value") == 0)
		return hc_node_new(HC_NODE_VALUE, tok->column);
	if (!hc_capability_id_is_valid(tok->text)) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "column %u: unknown name '%s' (capability ids are lower-case and "
			    "dotted, e.g. kvm.present)",
			    tok->column,
			    tok->text);
		return NULL;
	}
	node = hc_node_new(HC_NODE_CAP, tok->column);
	node->id = g_strdup(tok->text);
	return node;
}

static HcNode *
hc_parse_primary(HcParser *p, GError **error)
{
	const HcToken *tok = hc_next(p);
	HcNode *node;

	switch (tok->kind) {
	case HC_TOK_INT:
		node = hc_node_new(HC_NODE_LITERAL, tok->column);
		node->lit.kind = HC_EXPR_VALUE_INT;
		node->lit.i = tok->num;
		return node;
	case HC_TOK_STRING:
	case HC_TOK_VERSION:
		node = hc_node_new(HC_NODE_LITERAL, tok->column);
		node->lit.kind = tok->kind == HC_TOK_STRING ? HC_EXPR_VALUE_STRING
							    : HC_EXPR_VALUE_VERSION;
		node->lit.s = g_strdup(tok->text);
		return node;
	case HC_TOK_IDENT:
		return hc_parse_ident(p, tok, error);
	case HC_TOK_LPAREN:
		node = hc_parse_or(p, error);
		if (node == NULL)
			return NULL;
		if (hc_peek(p)->kind != HC_TOK_RPAREN) {
			hc_set_unexpected(hc_peek(p), "')'", error);
			hc_node_free(node);
			return NULL;
		}
		hc_next(p);
		return node;
	default:
		hc_set_unexpected(tok, "a value, a capability id or '('", error);
		return NULL;
	}
}

static HcNode *
hc_parse_unary(HcParser *p, GError **error)
{
	const HcToken *tok = hc_peek(p);
	HcNode *node;
	HcNode *kid;

	if (++p->depth > HC_EXPR_MAX_DEPTH) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "column %u: expression nested deeper than %u",
			    tok->column,
			    (guint)HC_EXPR_MAX_DEPTH);
		return NULL;
	}
	if (tok->kind != HC_TOK_NOT && tok->kind != HC_TOK_MINUS) {
		node = hc_parse_primary(p, error);
		p->depth--;
		return node;
	}
	hc_next(p);
	kid = hc_parse_unary(p, error);
	p->depth--;
	if (kid == NULL)
		return NULL;
	node = hc_node_new(HC_NODE_UNARY, tok->column);
	node->op = tok->kind;
	node->kids[0] = kid;
	node->n_kids = 1;
	return node;
}

/* binary precedence levels, lowest first; each is left-associative */
static const HcTokKind hc_levels[][5] = {
    {HC_TOK_OR, HC_TOK_LAST},
    {HC_TOK_AND, HC_TOK_LAST},
    {HC_TOK_EQ, HC_TOK_NE, HC_TOK_LAST},
    {HC_TOK_LT, HC_TOK_LE, HC_TOK_GT, HC_TOK_GE, HC_TOK_LAST},
    {HC_TOK_PLUS, HC_TOK_MINUS, HC_TOK_LAST},
    {HC_TOK_STAR, HC_TOK_SLASH, HC_TOK_LAST},
};

static gboolean
hc_level_has(guint level, HcTokKind kind)
{
	for (guint i = 0; hc_levels[level][i] != HC_TOK_LAST; i++) {
		if (hc_levels[level][i] == kind)
			return TRUE;
	}
	return FALSE;
}

static HcNode *
hc_parse_level(HcParser *p, guint level, GError **error)
{
	g_autoptr(HcNode) left = NULL;

	if (level == G_N_ELEMENTS(hc_levels))
		return hc_parse_unary(p, error);
	left = hc_parse_level(p, level + 1, error);
	if (left == NULL)
		return NULL;
	while (hc_level_has(level, hc_peek(p)->kind)) {
		const HcToken *op = hc_next(p);
		HcNode *right = hc_parse_level(p, level + 1, error);
		HcNode *node;
		if (right == NULL)
			return NULL;
		node = hc_node_new(HC_NODE_BINARY, op->column);
		node->op = op->kind;
		node->kids[0] = g_steal_pointer(&left);
		node->kids[1] = right;
		node->n_kids = 2;
		left = node;
	}
	return g_steal_pointer(&left);
}

static HcNode *
hc_parse_or(HcParser *p, GError **error)
{
	return hc_parse_level(p, 0, error);
}

HcExpr *
hc_expr_parse(const char *text, GError **error)
{
	GArray *tokens;
	HcParser p = {0};
	g_autoptr(HcNode) root = NULL;
	HcExpr *expr;

	g_return_val_if_fail(text != NULL, NULL);
	tokens = hc_expr_lex(text, error);
	if (tokens == NULL)
		return NULL;
	p.tokens = tokens;
	root = hc_parse_or(&p, error);
	if (root != NULL && hc_peek(&p)->kind != HC_TOK_EOF) {
		hc_set_unexpected(hc_peek(&p), "an operator or end of input", error);
		g_clear_pointer(&root, hc_node_free);
	}
	hc_expr_tokens_free(tokens);
	if (root == NULL)
		return NULL;
	expr = g_new0(HcExpr, 1);
	expr->text = g_strdup(text);
	expr->root = g_steal_pointer(&root);
	return expr;
}

void
hc_expr_free(HcExpr *expr)
{
	if (expr == NULL)
		return;
	hc_node_free(expr->root);
	g_free(expr->text);
	g_free(expr);
}

const char *
hc_expr_get_text(const HcExpr *expr)
{
	return expr->text;
}

static void
hc_collect(const HcNode *node, GHashTable *caps, GHashTable *features)
{
	if (node->kind == HC_NODE_CAP && caps != NULL)
		g_hash_table_add(caps, node->id);
	if (node->kind == HC_NODE_CALL && node->fn == HC_FN_FEATURE && features != NULL)
		g_hash_table_add(features, node->kids[0]->lit.s);
	for (guint i = 0; i < node->n_kids; i++)
		hc_collect(node->kids[i], caps, features);
}

static GPtrArray *
hc_sorted_keys(GHashTable *set)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	GHashTableIter iter;
	gpointer key;

	g_hash_table_iter_init(&iter, set);
	while (g_hash_table_iter_next(&iter, &key, NULL))
		g_ptr_array_add(out, g_strdup(key));
	g_ptr_array_sort(out, hc_ptr_strcmp);
	return out;
}

GPtrArray *
hc_expr_get_capability_ids(const HcExpr *expr)
{
	g_autoptr(GHashTable) set = g_hash_table_new(g_str_hash, g_str_equal);
	hc_collect(expr->root, set, NULL);
	return hc_sorted_keys(set);
}

GPtrArray *
hc_expr_get_feature_ids(const HcExpr *expr)
{
	g_autoptr(GHashTable) set = g_hash_table_new(g_str_hash, g_str_equal);
	hc_collect(expr->root, NULL, set);
	return hc_sorted_keys(set);
}
