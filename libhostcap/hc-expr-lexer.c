/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* the tokenizer of the requirement-expression language (see hc-expr.h) */

#include <string.h>

#include "hostcap/hc-error.h"

#include "hc-expr-private.h"

/* two-character operators first so that "<=" is not read as "<" "=" */
static const struct {
	const char *text;
	HcTokKind kind;
} hc_operators[] = {
    {"&&", HC_TOK_AND},
    {"||", HC_TOK_OR},
    {"==", HC_TOK_EQ},
    {"!=", HC_TOK_NE},
    {"<=", HC_TOK_LE},
    {">=", HC_TOK_GE},
    {"<", HC_TOK_LT},
    {">", HC_TOK_GT},
    {"!", HC_TOK_NOT},
    {"+", HC_TOK_PLUS},
    {"-", HC_TOK_MINUS},
    {"*", HC_TOK_STAR},
    {"/", HC_TOK_SLASH},
    {"(", HC_TOK_LPAREN},
    {")", HC_TOK_RPAREN},
    {",", HC_TOK_COMMA},
};

static void
hc_token_clear(gpointer data)
{
	HcToken *tok = data;
	g_free(tok->text);
}

void
hc_expr_tokens_free(GArray *tokens)
{
	if (tokens != NULL)
		g_array_unref(tokens);
}

char *
hc_token_describe(const HcToken *tok)
{
	switch (tok->kind) {
	case HC_TOK_EOF:
		return g_strdup("end of input");
	case HC_TOK_INT:
		return g_strdup_printf("number %" G_GINT64_FORMAT, tok->num);
	case HC_TOK_STRING:
		return g_strdup_printf("string \"%s\"", tok->text);
	case HC_TOK_VERSION:
		return g_strdup_printf("version v\"%s\"", tok->text);
	case HC_TOK_IDENT:
		return g_strdup_printf("'%s'", tok->text);
	default:
		break;
	}
	for (guint i = 0; i < G_N_ELEMENTS(hc_operators); i++) {
		if (hc_operators[i].kind == tok->kind)
			return g_strdup_printf("'%s'", hc_operators[i].text);
	}
	return g_strdup("?");
}

static gboolean
hc_is_ident_start(char c)
{
	return g_ascii_isalpha(c) || c == '_';
}

static gboolean
hc_is_ident_char(char c)
{
	return g_ascii_isalnum(c) || c == '_' || c == '.';
}

/*
 * identifiers are capability ids ("uffd.access.qemu-user", "mem.hugepages.2m.free") or
 * names (value, true, abs). '-' belongs to an identifier only once it contains a dot and
 * a letter or digit follows, so "a.b-c" is one id while "value-1" and "a.b - 1" subtract.
 */
static gsize
hc_lex_ident(const char *p)
{
	gsize n = 0;
	gboolean dotted = FALSE;

	while (p[n] != '\0') {
		if (hc_is_ident_char(p[n])) {
			dotted |= p[n] == '.';
			n++;
		} else if (p[n] == '-' && dotted && g_ascii_isalnum(p[n + 1])) {
			n++;
		} else {
			break;
		}
	}
	return n;
}

static gboolean
hc_lex_string(const char *text, gsize *pos, HcToken *tok, GError **error)
{
	g_autoptr(GString) buf = g_string_new(NULL);
	gsize i = *pos + 1;

	for (;;) {
		char c = text[i];
		if (c == '\0') {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "column %u: unterminated string",
				    tok->column);
			return FALSE;
		}
		if (c == '"')
			break;
		if (c == '\\') {
			char e = text[i + 1];
			if (e != '"' && e != '\\') {
				g_set_error(
				    error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "column %u: unsupported escape '\\%c' (only \\\" and \\\\)",
				    (guint)(i + 1),
				    e != '\0' ? e : ' ');
				return FALSE;
			}
			g_string_append_c(buf, e);
			i += 2;
			continue;
		}
		g_string_append_c(buf, c);
		i++;
	}
	tok->text = g_string_free(g_steal_pointer(&buf), FALSE);
	*pos = i + 1;
	return TRUE;
}

static gboolean
hc_lex_number(const char *text, gsize *pos, HcToken *tok, GError **error)
{
	gsize i = *pos;
	guint64 acc = 0;

	while (g_ascii_isdigit(text[i])) {
		guint d = (guint)(text[i] - '0');
		if (acc > (guint64)(G_MAXINT64 - d) / 10) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "column %u: number too large",
				    tok->column);
			return FALSE;
		}
		acc = acc * 10 + d;
		i++;
	}
	if (hc_is_ident_start(text[i])) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "column %u: unexpected '%c' after a number",
			    (guint)(i + 1),
			    text[i]);
		return FALSE;
	}
	tok->kind = HC_TOK_INT;
	tok->num = (gint64)acc;
	*pos = i;
	return TRUE;
}

static gboolean
hc_lex_operator(const char *text, gsize *pos, HcToken *tok)
{
	for (guint i = 0; i < G_N_ELEMENTS(hc_operators); i++) {
		gsize n = strlen(hc_operators[i].text);
		if (strncmp(text + *pos, hc_operators[i].text, n) == 0) {
			tok->kind = hc_operators[i].kind;
			*pos += n;
			return TRUE;
		}
	}
	return FALSE;
}

static gboolean
hc_lex_one(const char *text, gsize *pos, HcToken *tok, GError **error)
{
	char c = text[*pos];

	if (c == 'v' && text[*pos + 1] == '"') {
		(*pos)++;
		if (!hc_lex_string(text, pos, tok, error))
			return FALSE;
		tok->kind = HC_TOK_VERSION;
		if (!g_ascii_isdigit(tok->text[0])) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "column %u: a version must start with a digit, got v\"%s\"",
				    tok->column,
				    tok->text);
			return FALSE;
		}
		return TRUE;
	}
	if (hc_is_ident_start(c)) {
		gsize n = hc_lex_ident(text + *pos);
		tok->kind = HC_TOK_IDENT;
		tok->text = g_strndup(text + *pos, n);
		*pos += n;
		return TRUE;
	}
	if (g_ascii_isdigit(c))
		return hc_lex_number(text, pos, tok, error);
	if (c == '"') {
		tok->kind = HC_TOK_STRING;
		return hc_lex_string(text, pos, tok, error);
	}
	if (hc_lex_operator(text, pos, tok))
		return TRUE;
	if (c == '&' || c == '|' || c == '=') {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "column %u: '%c' is not an operator; did you mean '%c%c'?",
			    tok->column,
			    c,
			    c,
			    c);
		return FALSE;
	}
	if (g_ascii_isprint(c)) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "column %u: unexpected character '%c'",
			    tok->column,
			    c);
	} else {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "column %u: unexpected byte 0x%02x",
			    tok->column,
			    (guint)(guchar)c);
	}
	return FALSE;
}

GArray *
hc_expr_lex(const char *text, GError **error)
{
	g_autoptr(GArray) tokens = g_array_new(FALSE, TRUE, sizeof(HcToken));
	gsize pos = 0;

	g_array_set_clear_func(tokens, hc_token_clear);
	for (;;) {
		HcToken tok = {0};

		while (g_ascii_isspace(text[pos]))
			pos++;
		tok.column = (guint)pos + 1;
		if (text[pos] == '\0') {
			tok.kind = HC_TOK_EOF;
			g_array_append_val(tokens, tok);
			break;
		}
		if (!hc_lex_one(text, &pos, &tok, error)) {
			g_free(tok.text);
			return NULL;
		}
		g_array_append_val(tokens, tok);
	}
	return g_steal_pointer(&tokens);
}
