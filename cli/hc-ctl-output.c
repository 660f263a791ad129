/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hc-config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <gio/gio.h>
#include <unistd.h>

#include "hc-ctl-output.h"

gboolean
hc_ctl_output_want_colour(void)
{
	const char *term = g_getenv("TERM");
	if (g_getenv("NO_COLOR") != NULL)
		return FALSE;
	if (term == NULL || g_strcmp0(term, "dumb") == 0)
		return FALSE;
	return isatty(STDOUT_FILENO);
}

guint
hc_ctl_output_columns(void)
{
	struct winsize ws = {0};
	const char *env;
	guint64 cols = 0;

	if (!isatty(STDOUT_FILENO))
		return 0;
	env = g_getenv("COLUMNS");
	if (env != NULL && g_ascii_string_to_unsigned(env, 10, 1, 10000, &cols, NULL))
		return (guint)cols;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

static const char *const state_colours[] = {
    [HC_CAP_STATE_SUPPORTED] = HC_CTL_ANSI_GREEN,
    [HC_CAP_STATE_UNSUPPORTED] = HC_CTL_ANSI_RED,
    [HC_CAP_STATE_DISABLED] = HC_CTL_ANSI_YELLOW,
    [HC_CAP_STATE_UNKNOWN] = HC_CTL_ANSI_GREY,
};
G_STATIC_ASSERT(G_N_ELEMENTS(state_colours) == HC_CAP_STATE_LAST);

const char *
hc_ctl_state_colour(HcCapState state)
{
	if (state >= HC_CAP_STATE_LAST)
		return HC_CTL_ANSI_NORMAL;
	return state_colours[state];
}

/* ---- tables ---- */

struct _HcCtlTable {
	guint n_columns;
	GPtrArray *headers; /* char* */
	GPtrArray *cells;   /* char*, row-major */
	GPtrArray *colours; /* const char* or NULL, parallel to cells */
};

HcCtlTable *
hc_ctl_table_new(const char *const *headers)
{
	HcCtlTable *t = g_new0(HcCtlTable, 1);
	t->headers = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; headers[i] != NULL; i++)
		g_ptr_array_add(t->headers, g_strdup(headers[i]));
	t->n_columns = t->headers->len;
	t->cells = g_ptr_array_new_with_free_func(g_free);
	t->colours = g_ptr_array_new();
	return t;
}

void
hc_ctl_table_free(HcCtlTable *t)
{
	if (t == NULL)
		return;
	g_ptr_array_unref(t->headers);
	g_ptr_array_unref(t->cells);
	g_ptr_array_unref(t->colours);
	g_free(t);
}

void
hc_ctl_table_add(HcCtlTable *t, const char *text, const char *colour)
{
	g_ptr_array_add(t->cells, g_strdup(text != NULL ? text : ""));
	g_ptr_array_add(t->colours, (gpointer)colour);
}

guint
hc_ctl_table_get_rows(HcCtlTable *t)
{
	return t->n_columns > 0 ? t->cells->len / t->n_columns : 0;
}

static guint
text_width(const char *s)
{
	return (guint)g_utf8_strlen(s, -1);
}

/* the first @width characters of @s, with "…" when cut */
static char *
truncate_text(const char *s, guint width)
{
	const char *end;
	if (text_width(s) <= width)
		return g_strdup(s);
	if (width == 0)
		return g_strdup("");
	end = g_utf8_offset_to_pointer(s, width - 1);
	return g_strdup_printf("%.*s…", (int)(end - s), s);
}

static void
print_row(HcCtlTable *t,
	  const char *const *texts,
	  const char *const *colours,
	  const guint *widths,
	  gboolean colour,
	  guint columns)
{
	g_autoptr(GString) line = g_string_new(NULL);
	guint used = 0;

	for (guint c = 0; c < t->n_columns; c++) {
		gboolean last = c + 1 == t->n_columns;
		g_autofree char *cut = NULL;
		const char *text = texts[c];
		const char *col = colour ? colours[c] : NULL;

		if (last && columns > 0)
			text = cut = truncate_text(text, columns > used ? columns - used : 1);
		if (col != NULL)
			g_string_append(line, col);
		g_string_append(line, text);
		if (col != NULL)
			g_string_append(line, HC_CTL_ANSI_NORMAL);
		if (!last) {
			guint pad = widths[c] - text_width(text) + 2;
			for (guint i = 0; i < pad; i++)
				g_string_append_c(line, ' ');
			used += widths[c] + 2;
		}
	}
	/* no trailing blanks when the last cell is empty */
	while (line->len > 0 && line->str[line->len - 1] == ' ')
		g_string_truncate(line, line->len - 1);
	g_print("%s\n", line->str);
}

void
hc_ctl_table_print(HcCtlTable *t, gboolean header, gboolean colour, guint columns)
{
	g_autofree guint *widths = g_new0(guint, t->n_columns);
	g_autofree const char **hdr_colours = g_new0(const char *, t->n_columns);
	guint rows = hc_ctl_table_get_rows(t);

	for (guint c = 0; c < t->n_columns; c++) {
		if (header)
			widths[c] = text_width(g_ptr_array_index(t->headers, c));
		hdr_colours[c] = HC_CTL_ANSI_HIGHLIGHT;
	}
	for (guint i = 0; i < rows * t->n_columns; i++) {
		guint c = i % t->n_columns;
		widths[c] = MAX(widths[c], text_width(g_ptr_array_index(t->cells, i)));
	}
	if (header)
		print_row(t,
			  (const char *const *)t->headers->pdata,
			  hdr_colours,
			  widths,
			  colour,
			  columns);
	for (guint r = 0; r < rows; r++) {
		print_row(t,
			  (const char *const *)t->cells->pdata + r * t->n_columns,
			  (const char *const *)t->colours->pdata + r * t->n_columns,
			  widths,
			  colour,
			  columns);
	}
}

/* ---- JSON ---- */

void
hc_ctl_print_json(JsonNode *node)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autofree char *text = NULL;

	json_generator_set_pretty(gen, TRUE);
	json_generator_set_indent(gen, 2);
	json_generator_set_root(gen, node);
	text = json_generator_to_data(gen, NULL);
	g_print("%s\n", text);
}

JsonNode *
hc_ctl_capability_to_json(const HcCapability *cap, gboolean with_id)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	if (with_id) {
		json_builder_set_member_name(b, "id");
		json_builder_add_string_value(b, cap->id);
	}
	json_builder_set_member_name(b, "state");
	json_builder_add_string_value(b, hc_cap_state_to_string(cap->state));
	if (cap->value != NULL) {
		json_builder_set_member_name(b, "value");
		json_builder_add_value(b, json_gvariant_serialize(cap->value));
	}
	json_builder_set_member_name(b, "reason");
	json_builder_add_string_value(b, cap->reason != NULL ? cap->reason : "");
	if (cap->probe != NULL) {
		json_builder_set_member_name(b, "probe");
		json_builder_add_string_value(b, cap->probe);
	}
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

/* ---- times ---- */

char *
hc_ctl_format_timestamp(gint64 usec)
{
	g_autoptr(GDateTime) dt = NULL;
	if (usec <= 0)
		return g_strdup("n/a");
	dt = g_date_time_new_from_unix_local(usec / G_USEC_PER_SEC);
	if (dt == NULL)
		return g_strdup("n/a");
	return g_date_time_format(dt, "%a %Y-%m-%d %H:%M:%S %Z");
}

char *
hc_ctl_format_ago(gint64 usec, gint64 now_usec)
{
	static const struct {
		gint64 usec;
		const char *unit;
	} units[] = {
	    {(gint64)G_USEC_PER_SEC * 86400, "days"},
	    {(gint64)G_USEC_PER_SEC * 3600, "h"},
	    {(gint64)G_USEC_PER_SEC * 60, "min"},
	    {G_USEC_PER_SEC, "s"},
	};
	gint64 delta = now_usec - usec;
	gboolean future = delta < 0;
	guint i;

	if (future)
		delta = -delta;
	for (i = 0; i < G_N_ELEMENTS(units) - 1; i++) {
		if (delta >= units[i].usec)
			break;
	}
	if (future)
		return g_strdup_printf("in %" G_GINT64_FORMAT " %s",
				       delta / units[i].usec,
				       units[i].unit);
	return g_strdup_printf("%" G_GINT64_FORMAT " %s ago", delta / units[i].usec, units[i].unit);
}

char *
hc_ctl_format_duration(gint64 usec)
{
	if (usec < 1000)
		return g_strdup_printf("%" G_GINT64_FORMAT " µs", usec);
	if (usec < G_USEC_PER_SEC)
		return g_strdup_printf("%.1f ms", (double)usec / 1000.0);
	return g_strdup_printf("%.2f s", (double)usec / G_USEC_PER_SEC);
}

/* ---- did you mean ---- */

static guint
edit_distance(const char *a, const char *b)
{
	gsize la = strlen(a);
	gsize lb = strlen(b);
	g_autofree guint *prev = g_new(guint, lb + 1);
	g_autofree guint *cur = g_new(guint, lb + 1);

	for (gsize j = 0; j <= lb; j++)
		prev[j] = (guint)j;
	for (gsize i = 1; i <= la; i++) {
		guint *tmp;
		cur[0] = (guint)i;
		for (gsize j = 1; j <= lb; j++) {
			guint subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
			cur[j] = MIN(MIN(prev[j] + 1, cur[j - 1] + 1), subst);
		}
		tmp = prev;
		prev = cur;
		cur = tmp;
	}
	return prev[lb];
}

typedef struct {
	const char *id;
	guint score;
} HcCtlCandidate;

static gint
candidate_cmp(gconstpointer a, gconstpointer b)
{
	const HcCtlCandidate *ca = a;
	const HcCtlCandidate *cb = b;
	if (ca->score != cb->score)
		return ca->score < cb->score ? -1 : 1;
	return g_strcmp0(ca->id, cb->id);
}

GPtrArray *
hc_ctl_did_you_mean(const char *word, GPtrArray *candidates, guint max)
{
	g_autoptr(GArray) scored = g_array_new(FALSE, FALSE, sizeof(HcCtlCandidate));
	GPtrArray *out = g_ptr_array_new();
	/* a typo is a few edits; anything further is a different id */
	guint limit = MAX(2, (guint)strlen(word) / 3);

	for (guint i = 0; i < candidates->len; i++) {
		const char *id = g_ptr_array_index(candidates, i);
		HcCtlCandidate c = {.id = id, .score = edit_distance(word, id)};
		if (c.score > limit) {
			/* "uso" should still find "net.tap.uso": rank containment after typos */
			if (strstr(id, word) == NULL)
				continue;
			c.score = limit + 1 + (guint)(strlen(id) - strlen(word));
		}
		g_array_append_val(scored, c);
	}
	g_array_sort(scored, candidate_cmp);
	for (guint i = 0; i < scored->len && out->len < max; i++)
		g_ptr_array_add(out, (gpointer)g_array_index(scored, HcCtlCandidate, i).id);
	return out;
}

gboolean
hc_ctl_write_output(const char *path, const char *text, GError **error)
{
	gsize len = strlen(text);
	gboolean newline = len == 0 || text[len - 1] != '\n';

	if (path == NULL || g_strcmp0(path, "-") == 0) {
		if (fputs(text, stdout) == EOF || (newline && fputc('\n', stdout) == EOF) ||
		    fflush(stdout) != 0) {
			g_set_error(error,
				    G_IO_ERROR,
				    g_io_error_from_errno(errno),
				    "write to stdout: %s",
				    g_strerror(errno));
			return FALSE;
		}
		return TRUE;
	}
	if (newline) {
		g_autofree char *with_nl = g_strconcat(text, "\n", NULL);
		return g_file_set_contents(path, with_nl, -1, error);
	}
	return g_file_set_contents(path, text, -1, error);
}
