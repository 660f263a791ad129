/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* small string helpers shared by the verdict modules */

/* GCompareFunc for g_ptr_array_sort() over char* elements */
gint
hc_ptr_strcmp(gconstpointer a, gconstpointer b);

/* Levenshtein distance between @a and @b (bytes) */
guint
hc_edit_distance(const char *a, const char *b);

/* the candidate closest to @word, or NULL when none is close enough to be a typo */
const char *
hc_did_you_mean(const char *word, GPtrArray *candidates);

/* @s as a JSON string literal, quotes included */
/* names longer than this get no suggestion */
#define HC_DID_YOU_MEAN_MAX 128
/* values and reasons quoted in reports and errors are cut to this many characters */
#define HC_QUOTE_MAX 200

/* @s cut to @max_chars characters, with "… (N bytes)" when cut; valid UTF-8 in */
char *
hc_str_cut(const char *s, guint max_chars);

char *
hc_json_quote(const char *s);

G_END_DECLS
