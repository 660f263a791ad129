/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <string.h>

#include <json-glib/json-glib.h>

#include "hc-strutil.h"

gint
hc_ptr_strcmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

guint
hc_edit_distance(const char *a, const char *b)
{
	gsize la = strlen(a);
	gsize lb = strlen(b);
	g_autofree guint *row = g_new(guint, lb + 1);

	for (gsize j = 0; j <= lb; j++)
		row[j] = (guint)j;
	for (gsize i = 1; i <= la; i++) {
		guint diag = row[0];
		row[0] = (guint)i;
		for (gsize j = 1; j <= lb; j++) {
			guint up = row[j];
			guint best = diag + (a[i - 1] == b[j - 1] ? 0 : 1);
			best = MIN(best, up + 1);
			best = MIN(best, row[j - 1] + 1);
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *
hc_did_you_mean(const char *word, GPtrArray *candidates)
{
	const char *best = NULL;
	guint best_dist = G_MAXUINT;
	/* a third of the word, at least 2: catches typos, not different words */
	guint limit = MAX(2, (guint)strlen(word) / 3);

	/* the distance costs length × length per candidate: a 64 KiB name is no typo */
	if (strlen(word) > HC_DID_YOU_MEAN_MAX)
		return NULL;

	for (guint i = 0; i < candidates->len; i++) {
		const char *cand = g_ptr_array_index(candidates, i);
		guint d = hc_edit_distance(word, cand);
		if (d < best_dist) {
			best_dist = d;
			best = cand;
		}
	}
	return best_dist <= limit ? best : NULL;
}

char *
hc_str_cut(const char *s, guint max_chars)
{
	const char *end;

	if (s == NULL)
		return g_strdup("");
	if (g_utf8_strlen(s, (gssize)max_chars * 4 + 4) <= (glong)max_chars)
		return g_strdup(s);
	end = g_utf8_offset_to_pointer(s, max_chars);
	return g_strdup_printf("%.*s… (%" G_GSIZE_FORMAT " bytes)", (int)(end - s), s, strlen(s));
}

static gboolean
hc_is_printable_ascii(const char *s)
{
	for (const char *p = s; *p != '\0'; p++) {
		if ((guchar)*p < 0x20 || (guchar)*p >= 0x7f)
			return FALSE;
	}
	return TRUE;
}

char *
hc_json_quote(const char *s)
{
	g_autoptr(JsonNode) node = NULL;
	GString *out;

	/* anything but printable ASCII is quoted exactly as json-glib does */
	if (!hc_is_printable_ascii(s)) {
		node = json_node_new(JSON_NODE_VALUE);
		json_node_set_string(node, s);
		return json_to_string(node, FALSE);
	}
	/* the common case (every error path of a spec names a feature id), without a
	 * generator: only the quote and the backslash need escaping */
	out = g_string_sized_new(strlen(s) + 2);
	g_string_append_c(out, '"');
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c(out, '\\');
		g_string_append_c(out, *p);
	}
	g_string_append_c(out, '"');
	return g_string_free(out, FALSE);
}
