/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Strict JSON (RFC 8259) checked by an iterative scan with an explicit stack of open
 * objects and arrays, then parsed by json-glib. The scan is the only place that decides what
 * JSON is: json-glib is never shown text the scan refused.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hostcap/hc-error.h"

#include "hc-json-reader.h"

/* objects with more names than this get a hash set for the duplicate check */
#define HC_JSON_READER_LINEAR_NAMES 16
/* longer numbers are refused rather than copied for conversion */
#define HC_JSON_READER_NUMBER_MAX 512

typedef struct {
	char kind;	   /* '{' or '[' */
	guint index;	   /* members or elements seen before the current one */
	guint names_base;  /* this object's first name in HcJsonScan.names */
	GHashTable *names; /* built once the object has many names */
} HcJsonFrame;

typedef struct {
	const char *data;
	gsize len;
	gsize pos;
	guint max_depth;
	GArray *frames;	  /* element-type HcJsonFrame, innermost last */
	GPtrArray *names; /* decoded member names of the open objects */
	GString *buf;
	GError **error;
} HcJsonScan;

char *
hc_json_reader_quote_prefix(const char *text, gsize len)
{
	g_autoptr(GString) out = g_string_new(NULL);
	const char *end = text + len;
	guint n = 0;

	for (const char *p = text; p < end && *p != '\0'; p = g_utf8_next_char(p), n++) {
		if (n == HC_JSON_READER_QUOTE_MAX) {
			g_string_append(out, "…");
			break;
		}
		g_string_append_len(out, p, g_utf8_next_char(p) - p);
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static void
hc_json_scan_append_name(GString *path, const char *name)
{
	gboolean plain = g_ascii_isalpha(name[0]) || name[0] == '_';
	g_autofree char *cut = NULL;
	g_autofree char *escaped = NULL;

	for (const char *p = name; plain && *p != '\0'; p++)
		plain = g_ascii_isalnum(*p) || *p == '_';
	cut = hc_json_reader_quote_prefix(name, strlen(name));
	if (plain && strlen(cut) == strlen(name)) {
		g_string_append_printf(path, ".%s", name);
		return;
	}
	escaped = g_strescape(cut, "…");
	g_string_append_printf(path, "[\"%s\"]", escaped);
}

/* the path of the member or element being read */
static char *
hc_json_scan_path(HcJsonScan *scan)
{
	g_autoptr(GString) path = g_string_new("$");

	for (guint i = 0; i < scan->frames->len; i++) {
		HcJsonFrame *f = &g_array_index(scan->frames, HcJsonFrame, i);
		guint named = scan->names->len - f->names_base;

		if (i + 1 < scan->frames->len)
			named = g_array_index(scan->frames, HcJsonFrame, i + 1).names_base -
				f->names_base;
		if (f->kind == '[')
			g_string_append_printf(path, "[%u]", f->index);
		else if (named == f->index + 1)
			hc_json_scan_append_name(path,
						 scan->names->pdata[f->names_base + f->index]);
	}
	return g_string_free(g_steal_pointer(&path), FALSE);
}

static gboolean
hc_json_scan_fail(HcJsonScan *scan, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static gboolean
hc_json_scan_fail(HcJsonScan *scan, const char *fmt, ...)
{
	g_autofree char *path = hc_json_scan_path(scan);
	g_autofree char *msg = NULL;
	guint line = 1;
	gsize col = 1;
	va_list args;

	for (gsize i = 0; i < scan->pos && i < scan->len; i++) {
		col++;
		if (scan->data[i] == '\n') {
			line++;
			col = 1;
		}
	}
	va_start(args, fmt);
	msg = g_strdup_vprintf(fmt, args);
	va_end(args);
	g_set_error(scan->error,
		    HC_ERROR,
		    HC_ERROR_INVALID_ARGUMENT,
		    "%s: invalid JSON: %s (line %u, column %" G_GSIZE_FORMAT ")",
		    path,
		    msg,
		    line,
		    col);
	return FALSE;
}

static void
hc_json_scan_skip_ws(HcJsonScan *scan)
{
	while (scan->pos < scan->len) {
		char c = scan->data[scan->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return;
		scan->pos++;
	}
}

static gboolean
hc_json_scan_hex4(HcJsonScan *scan, gunichar *out)
{
	*out = 0;
	if (scan->len - scan->pos < 4)
		return hc_json_scan_fail(scan, "truncated \\u escape");
	for (guint i = 0; i < 4; i++) {
		int v = g_ascii_xdigit_value(scan->data[scan->pos + i]);
		if (v < 0)
			return hc_json_scan_fail(scan, "bad \\u escape");
		*out = (*out << 4) | (gunichar)v;
	}
	scan->pos += 4;
	return TRUE;
}

/* after "\u": one code point, a surrogate pair joined; NUL and lone surrogates refused */
static gboolean
hc_json_scan_unicode(HcJsonScan *scan, gunichar *out)
{
	gunichar low = 0;

	if (!hc_json_scan_hex4(scan, out))
		return FALSE;
	if (*out == 0)
		return hc_json_scan_fail(scan, "\\u0000 is not allowed in a string");
	if (*out >= 0xDC00 && *out <= 0xDFFF)
		return hc_json_scan_fail(scan, "lone low surrogate in \\u escape");
	if (*out < 0xD800 || *out > 0xDBFF)
		return TRUE;
	if (scan->len - scan->pos < 2 || scan->data[scan->pos] != '\\' ||
	    scan->data[scan->pos + 1] != 'u')
		return hc_json_scan_fail(scan, "lone high surrogate in \\u escape");
	scan->pos += 2;
	if (!hc_json_scan_hex4(scan, &low))
		return FALSE;
	if (low < 0xDC00 || low > 0xDFFF)
		return hc_json_scan_fail(scan, "lone high surrogate in \\u escape");
	*out = 0x10000 + ((*out - 0xD800) << 10) + (low - 0xDC00);
	return TRUE;
}

static const char hc_json_simple_escapes[][2] = {
    {'"', '"'},
    {'\\', '\\'},
    {'/', '/'},
    {'b', '\b'},
    {'f', '\f'},
    {'n', '\n'},
    {'r', '\r'},
    {'t', '\t'},
};

static gboolean
hc_json_scan_escape(HcJsonScan *scan, GString *out)
{
	char c = scan->data[scan->pos++];
	gunichar u = 0;

	for (guint i = 0; i < G_N_ELEMENTS(hc_json_simple_escapes); i++) {
		if (hc_json_simple_escapes[i][0] == c) {
			if (out != NULL)
				g_string_append_c(out, hc_json_simple_escapes[i][1]);
			return TRUE;
		}
	}
	if (c != 'u') {
		scan->pos--;
		return hc_json_scan_fail(scan, "bad escape \\%c", g_ascii_isprint(c) ? c : '?');
	}
	if (!hc_json_scan_unicode(scan, &u))
		return FALSE;
	if (out != NULL)
		g_string_append_unichar(out, u);
	return TRUE;
}

/* at the opening quote; @out (may be NULL) receives the decoded text */
static gboolean
hc_json_scan_string(HcJsonScan *scan, GString *out)
{
	scan->pos++;
	while (scan->pos < scan->len) {
		gsize start = scan->pos;
		guchar c;

		/* runs of plain bytes copied at once: most strings have no escape */
		while (scan->pos < scan->len && (guchar)scan->data[scan->pos] >= 0x20 &&
		       scan->data[scan->pos] != '"' && scan->data[scan->pos] != '\\')
			scan->pos++;
		if (out != NULL)
			g_string_append_len(out, scan->data + start, (gssize)(scan->pos - start));
		if (scan->pos >= scan->len)
			break;
		c = (guchar)scan->data[scan->pos];
		if (c == '"') {
			scan->pos++;
			return TRUE;
		}
		if (c < 0x20)
			return hc_json_scan_fail(scan, "control character in a string");
		scan->pos++;
		if (scan->pos >= scan->len)
			break;
		if (!hc_json_scan_escape(scan, out))
			return FALSE;
	}
	return hc_json_scan_fail(scan, "unterminated string");
}

static gsize
hc_json_scan_digits(HcJsonScan *scan)
{
	gsize start = scan->pos;

	while (scan->pos < scan->len && g_ascii_isdigit(scan->data[scan->pos]))
		scan->pos++;
	return scan->pos - start;
}

static gboolean
hc_json_scan_number_range(HcJsonScan *scan, gsize start, gboolean integer)
{
	char text[HC_JSON_READER_NUMBER_MAX + 1];
	gsize n = scan->pos - start;
	char *end = NULL;

	if (n > HC_JSON_READER_NUMBER_MAX) {
		scan->pos = start;
		return hc_json_scan_fail(scan,
					 "number longer than %d characters",
					 HC_JSON_READER_NUMBER_MAX);
	}
	memcpy(text, scan->data + start, n);
	text[n] = '\0';
	errno = 0;
	if (integer) {
		(void)g_ascii_strtoll(text, &end, 10);
		if (errno == ERANGE) {
			scan->pos = start;
			return hc_json_scan_fail(scan, "integer out of the 64-bit range");
		}
		return TRUE;
	}
	if (!isfinite(g_ascii_strtod(text, &end))) {
		scan->pos = start;
		return hc_json_scan_fail(scan, "number out of range");
	}
	return TRUE;
}

static gboolean
hc_json_scan_number(HcJsonScan *scan)
{
	gsize start = scan->pos;
	gboolean integer = TRUE;
	gsize lead = 0;

	if (scan->data[scan->pos] == '-')
		scan->pos++;
	lead = scan->pos;
	if (hc_json_scan_digits(scan) == 0)
		return hc_json_scan_fail(scan, "expected a digit");
	if (scan->data[lead] == '0' && scan->pos - lead > 1) {
		scan->pos = lead;
		return hc_json_scan_fail(scan, "leading zero in a number");
	}
	if (scan->pos < scan->len && scan->data[scan->pos] == '.') {
		integer = FALSE;
		scan->pos++;
		if (hc_json_scan_digits(scan) == 0)
			return hc_json_scan_fail(scan, "expected a digit after '.'");
	}
	if (scan->pos < scan->len &&
	    (scan->data[scan->pos] == 'e' || scan->data[scan->pos] == 'E')) {
		integer = FALSE;
		scan->pos++;
		if (scan->pos < scan->len &&
		    (scan->data[scan->pos] == '+' || scan->data[scan->pos] == '-'))
			scan->pos++;
		if (hc_json_scan_digits(scan) == 0)
			return hc_json_scan_fail(scan, "expected a digit in the exponent");
	}
	return hc_json_scan_number_range(scan, start, integer);
}

static gboolean
hc_json_scan_literal(HcJsonScan *scan)
{
	static const char *const literals[] = {"true", "false", "null"};

	for (guint i = 0; i < G_N_ELEMENTS(literals); i++) {
		gsize n = strlen(literals[i]);
		if (scan->len - scan->pos >= n &&
		    memcmp(scan->data + scan->pos, literals[i], n) == 0) {
			scan->pos += n;
			return TRUE;
		}
	}
	return FALSE;
}

static gboolean
hc_json_scan_unexpected(HcJsonScan *scan, const char *wanted)
{
	char c;

	if (scan->pos >= scan->len)
		return hc_json_scan_fail(scan, "unexpected end of text, expected %s", wanted);
	c = scan->data[scan->pos];
	if (c == '/')
		return hc_json_scan_fail(scan, "comments are not allowed");
	if (c == '\'')
		return hc_json_scan_fail(scan, "single-quoted strings are not allowed");
	if (g_ascii_isprint(c))
		return hc_json_scan_fail(scan, "unexpected '%c', expected %s", c, wanted);
	return hc_json_scan_fail(scan, "unexpected byte 0x%02x, expected %s", (guchar)c, wanted);
}

static HcJsonFrame *
hc_json_scan_top(HcJsonScan *scan)
{
	if (scan->frames->len == 0)
		return NULL;
	return &g_array_index(scan->frames, HcJsonFrame, scan->frames->len - 1);
}

static gboolean
hc_json_scan_push(HcJsonScan *scan, char kind)
{
	HcJsonFrame f = {.kind = kind, .names_base = scan->names->len};

	if (scan->frames->len >= scan->max_depth) {
		g_autofree char *path = hc_json_scan_path(scan);
		g_set_error(scan->error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: nested deeper than %u levels",
			    path,
			    scan->max_depth);
		return FALSE;
	}
	scan->pos++;
	g_array_append_val(scan->frames, f);
	return TRUE;
}

static void
hc_json_scan_pop(HcJsonScan *scan)
{
	HcJsonFrame *f = hc_json_scan_top(scan);

	g_clear_pointer(&f->names, g_hash_table_unref);
	g_ptr_array_set_size(scan->names, f->names_base);
	g_array_set_size(scan->frames, scan->frames->len - 1);
	scan->pos++;
}

static gboolean
hc_json_scan_has_name(HcJsonScan *scan, HcJsonFrame *f, const char *name)
{
	guint n = scan->names->len - f->names_base;

	if (f->names != NULL)
		return g_hash_table_contains(f->names, name);
	for (guint i = f->names_base; i < scan->names->len; i++) {
		if (g_str_equal(scan->names->pdata[i], name))
			return TRUE;
	}
	if (n + 1 >= HC_JSON_READER_LINEAR_NAMES) {
		f->names = g_hash_table_new(g_str_hash, g_str_equal);
		for (guint i = f->names_base; i < scan->names->len; i++)
			g_hash_table_add(f->names, scan->names->pdata[i]);
	}
	return FALSE;
}

/* at the opening quote of a member name: read it, refuse a repeat, expect ':' */
static gboolean
hc_json_scan_name(HcJsonScan *scan)
{
	HcJsonFrame *f = hc_json_scan_top(scan);
	char *name;

	if (scan->pos >= scan->len || scan->data[scan->pos] != '"')
		return hc_json_scan_unexpected(scan, "a member name");
	g_string_truncate(scan->buf, 0);
	if (!hc_json_scan_string(scan, scan->buf))
		return FALSE;
	if (hc_json_scan_has_name(scan, f, scan->buf->str)) {
		g_autofree char *path = NULL;
		g_ptr_array_add(scan->names, g_strdup(scan->buf->str));
		path = hc_json_scan_path(scan);
		g_set_error(scan->error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: invalid JSON: duplicate member name",
			    path);
		return FALSE;
	}
	name = g_strdup(scan->buf->str);
	g_ptr_array_add(scan->names, name);
	if (f->names != NULL)
		g_hash_table_add(f->names, name);
	hc_json_scan_skip_ws(scan);
	if (scan->pos >= scan->len || scan->data[scan->pos] != ':')
		return hc_json_scan_unexpected(scan, "':'");
	scan->pos++;
	return TRUE;
}

typedef enum {
	HC_JSON_WANT_VALUE,
	HC_JSON_WANT_NAME,
	HC_JSON_AFTER_VALUE,
	HC_JSON_DONE,
} HcJsonState;

/* a value starts here: containers are pushed, scalars read whole */
static gboolean
hc_json_scan_value(HcJsonScan *scan, HcJsonState *state)
{
	char c = scan->pos < scan->len ? scan->data[scan->pos] : '\0';

	*state = HC_JSON_AFTER_VALUE;
	if (c == '{' || c == '[') {
		if (!hc_json_scan_push(scan, c))
			return FALSE;
		hc_json_scan_skip_ws(scan);
		if (scan->pos < scan->len && scan->data[scan->pos] == (c == '{' ? '}' : ']'))
			hc_json_scan_pop(scan);
		else
			*state = c == '{' ? HC_JSON_WANT_NAME : HC_JSON_WANT_VALUE;
		return TRUE;
	}
	if (c == '"')
		return hc_json_scan_string(scan, NULL);
	if (c == '-' || g_ascii_isdigit(c))
		return hc_json_scan_number(scan);
	if (hc_json_scan_literal(scan))
		return TRUE;
	return hc_json_scan_unexpected(scan, "a value");
}

/* after a value: ',' or the close of the container, or the end of the text at the root */
static gboolean
hc_json_scan_after(HcJsonScan *scan, HcJsonState *state)
{
	HcJsonFrame *f = hc_json_scan_top(scan);
	char c;

	if (f == NULL) {
		if (scan->pos < scan->len)
			return hc_json_scan_fail(scan, "data after the end of the document");
		*state = HC_JSON_DONE;
		return TRUE;
	}
	if (scan->pos >= scan->len)
		return hc_json_scan_unexpected(scan, f->kind == '{' ? "',' or '}'" : "',' or ']'");
	c = scan->data[scan->pos];
	if (c == ',') {
		scan->pos++;
		f->index++;
		*state = f->kind == '{' ? HC_JSON_WANT_NAME : HC_JSON_WANT_VALUE;
		return TRUE;
	}
	if (c == (f->kind == '{' ? '}' : ']')) {
		hc_json_scan_pop(scan);
		return TRUE;
	}
	return hc_json_scan_unexpected(scan, f->kind == '{' ? "',' or '}'" : "',' or ']'");
}

static void
hc_json_scan_clear(HcJsonScan *scan)
{
	for (guint i = 0; i < scan->frames->len; i++)
		g_clear_pointer(&g_array_index(scan->frames, HcJsonFrame, i).names,
				g_hash_table_unref);
	g_array_unref(scan->frames);
	g_ptr_array_unref(scan->names);
	g_string_free(scan->buf, TRUE);
}

gboolean
hc_json_reader_check(const char *data, gsize len, guint max_depth, GError **error)
{
	HcJsonScan scan = {
	    .data = data,
	    .len = len,
	    .max_depth = max_depth,
	    .frames = g_array_new(FALSE, FALSE, sizeof(HcJsonFrame)),
	    .names = g_ptr_array_new_with_free_func(g_free),
	    .buf = g_string_new(NULL),
	    .error = error,
	};
	HcJsonState state = HC_JSON_WANT_VALUE;
	gboolean ok = TRUE;

	while (ok && state != HC_JSON_DONE) {
		hc_json_scan_skip_ws(&scan);
		if (state == HC_JSON_WANT_VALUE)
			ok = hc_json_scan_value(&scan, &state);
		else if (state == HC_JSON_WANT_NAME)
			ok = hc_json_scan_name(&scan) && (state = HC_JSON_WANT_VALUE, TRUE);
		else
			ok = hc_json_scan_after(&scan, &state);
	}
	hc_json_scan_clear(&scan);
	return ok;
}

static gboolean
hc_json_reader_is_blank(const char *data, gsize len)
{
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isspace(data[i]))
			return FALSE;
	}
	return TRUE;
}

/* the reader is the bottom of the JSON kit: it names a root's kind itself */
static const char *
hc_json_reader_kind(JsonNode *node)
{
	if (node == NULL)
		return "nothing";
	if (JSON_NODE_HOLDS_ARRAY(node))
		return "an array";
	if (JSON_NODE_HOLDS_NULL(node))
		return "null";
	switch (json_node_get_value_type(node)) {
	case G_TYPE_STRING:
		return "a string";
	case G_TYPE_BOOLEAN:
		return "a boolean";
	default:
		return "a number";
	}
}

JsonNode *
hc_json_reader_parse(const char *data,
		     gsize len,
		     gsize max_bytes,
		     guint max_depth,
		     HcJsonReaderFlags flags,
		     GError **error)
{
	g_autoptr(JsonParser) parser = NULL;
	g_autoptr(GError) local = NULL;
	JsonNode *root;

	if (len > max_bytes) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "$: %" G_GSIZE_FORMAT " bytes is over the limit of %" G_GSIZE_FORMAT,
			    len,
			    max_bytes);
		return NULL;
	}
	if (memchr(data, '\0', len) != NULL || !g_utf8_validate(data, (gssize)len, NULL)) {
		g_set_error_literal(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "$: not valid UTF-8 text");
		return NULL;
	}
	if (hc_json_reader_is_blank(data, len)) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "$: expected %s, got nothing",
			    (flags & HC_JSON_READER_ANY_ROOT) ? "a value" : "an object");
		return NULL;
	}
	if (!hc_json_reader_check(data, len, max_depth, error))
		return NULL;
	parser = (flags & HC_JSON_READER_MUTABLE) ? json_parser_new() : json_parser_new_immutable();
	if (!json_parser_load_from_data(parser, data, (gssize)len, &local)) {
		/* the scan and json-glib disagree: still a refusal, never a crash */
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "$: invalid JSON: %s",
			    local->message);
		return NULL;
	}
	root = json_parser_get_root(parser);
	if (root == NULL || (!(flags & HC_JSON_READER_ANY_ROOT) && !JSON_NODE_HOLDS_OBJECT(root))) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "$: expected an object, got %s",
			    hc_json_reader_kind(root));
		return NULL;
	}
	return json_node_ref(root);
}
