/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * The one JSON reader for every document that comes from a client or from the disk (spec,
 * snapshot, catalogue, probes.d, cache, history). json-glib alone is lenient (comments,
 * single quotes, duplicate names with the last one winning, integers that overflow to -1) and
 * recursive (deep input exhausts the stack), so the text is first checked against the strict
 * grammar of RFC 8259 by a non-recursive scan; only text that passes reaches json-glib.
 */

typedef enum {
	HC_JSON_READER_NONE = 0,
	/* nodes are not sealed: sealing hashes every object, wasted on a tree read once */
	HC_JSON_READER_MUTABLE = 1 << 0,
	/* any value may be the root, not only an object */
	HC_JSON_READER_ANY_ROOT = 1 << 1,
} HcJsonReaderFlags;

/* the longest member name or value that an error message quotes */
#define HC_JSON_READER_QUOTE_MAX 64

/**
 * hc_json_reader_check:
 * @max_depth: deepest nesting of objects and arrays allowed (the root object is level 1)
 *
 * Checks @len bytes against strict JSON: no comments, no single quotes, no duplicate member
 * names, no control characters or NUL (raw or escaped) in strings, integers within 64 bits,
 * finite numbers, one value and nothing after it. Does not recurse. Errors are
 * HC_ERROR_INVALID_ARGUMENT with the JSON path of the offending place
 * ("$.features[\"accel.kvm\"]: duplicate member name").
 */
gboolean
hc_json_reader_check(const char *data, gsize len, guint max_depth, GError **error);

/**
 * hc_json_reader_parse:
 *
 * Refuses input over @max_bytes, with NUL bytes or invalid UTF-8, anything
 * hc_json_reader_check() refuses, and (without %HC_JSON_READER_ANY_ROOT) a root that is
 * not an object. Returns the root node (a new reference).
 */
JsonNode *
hc_json_reader_parse(const char *data,
		     gsize len,
		     gsize max_bytes,
		     guint max_depth,
		     HcJsonReaderFlags flags,
		     GError **error);

/* @key cut to HC_JSON_READER_QUOTE_MAX characters, for error messages */
char *
hc_json_reader_quote_prefix(const char *text, gsize len);

G_END_DECLS
