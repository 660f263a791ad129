/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hc-expr.h"

G_BEGIN_DECLS

/* shared between the lexer, the parser and the evaluator of hc-expr; not for other modules */

typedef enum {
	HC_TOK_EOF,
	HC_TOK_INT,
	HC_TOK_STRING,
	HC_TOK_VERSION,
	HC_TOK_IDENT,
	HC_TOK_LPAREN,
	HC_TOK_RPAREN,
	HC_TOK_COMMA,
	HC_TOK_NOT,
	HC_TOK_AND,
	HC_TOK_OR,
	HC_TOK_EQ,
	HC_TOK_NE,
	HC_TOK_LT,
	HC_TOK_LE,
	HC_TOK_GT,
	HC_TOK_GE,
	HC_TOK_PLUS,
	HC_TOK_MINUS,
	HC_TOK_STAR,
	HC_TOK_SLASH,
	HC_TOK_LAST,
} HcTokKind;

typedef struct {
	HcTokKind kind;
	guint column; /* 1-based, in bytes */
	char *text;   /* identifier name, string contents (unescaped) or version text */
	gint64 num;
} HcToken;

/* tokenises @text into an array of HcToken ending with HC_TOK_EOF */
GArray *
hc_expr_lex(const char *text, GError **error);
void
hc_expr_tokens_free(GArray *tokens);
/* "'&&'", "end of input", "identifier 'kvm.present'" */
char *
hc_token_describe(const HcToken *tok);

typedef enum {
	HC_NODE_LITERAL,
	HC_NODE_CAP,   /* capability id */
	HC_NODE_VALUE, /* the requested value */
	HC_NODE_UNARY,
	HC_NODE_BINARY,
	HC_NODE_CALL,
} HcNodeKind;

typedef enum {
	HC_FN_ABS,
	HC_FN_HAS,
	HC_FN_SUPPORTED,
	HC_FN_STATE,
	HC_FN_VERSION,
	HC_FN_FEATURE,
	HC_FN_MIN,
	HC_FN_MAX,
	HC_FN_CONTAINS,
	HC_FN_BITS,
	HC_FN_LAST,
} HcFunction;

typedef struct _HcNode HcNode;
struct _HcNode {
	HcNodeKind kind;
	guint column;
	HcTokKind op;	 /* unary / binary operator */
	HcFunction fn;	 /* call */
	char *id;	 /* capability id */
	HcExprValue lit; /* literal */
	HcNode *kids[3]; /* operands / arguments */
	guint n_kids;
};

struct _HcExpr {
	char *text;
	HcNode *root;
};

void
hc_node_free(HcNode *node);
/* the function name table: index = HcFunction */
const char *
hc_function_name(HcFunction fn);

G_END_DECLS
