/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QEMU option strings: "a=b,c=d" with ",," escapes, sizes with binary suffixes, QEMU's
 * boolean spellings and -cpu feature aliases. No knowledge of what an option means.
 */
#include "hc-qemu-opts.h"

#include <errno.h>
#include <math.h>
#include <string.h>

void
hc_qemu_opt_free(HcQemuOpt *opt)
{
	if (opt == NULL)
		return;
	g_free(opt->key);
	g_free(opt->value);
	g_free(opt);
}

static void
hc_qemu_opts_push(GPtrArray *items, GString *item)
{
	HcQemuOpt *opt;
	const char *eq;

	if (item->len == 0)
		return;
	opt = g_new0(HcQemuOpt, 1);
	eq = strchr(item->str, '=');
	if (eq != NULL) {
		opt->key = g_strndup(item->str, eq - item->str);
		opt->value = g_strdup(eq + 1);
	} else {
		opt->value = g_strdup(item->str);
	}
	g_ptr_array_add(items, opt);
	g_string_truncate(item, 0);
}

GPtrArray *
hc_qemu_opts_split(const char *text)
{
	GPtrArray *items = g_ptr_array_new_with_free_func((GDestroyNotify)hc_qemu_opt_free);
	g_autoptr(GString) item = g_string_new(NULL);

	for (const char *p = text; *p != '\0'; p++) {
		if (*p != ',') {
			g_string_append_c(item, *p);
		} else if (p[1] == ',') {
			g_string_append_c(item, ',');
			p++;
		} else {
			hc_qemu_opts_push(items, item);
		}
	}
	hc_qemu_opts_push(items, item);
	return items;
}

typedef struct {
	char suffix;
	guint shift; /* power of 1024 */
} HcSizeSuffix;

static const HcSizeSuffix hc_size_suffixes[] = {
    {'b', 0},
    {'k', 1},
    {'m', 2},
    {'g', 3},
    {'t', 4},
    {'p', 5},
    {'e', 6},
};

static gboolean
hc_qemu_parse_scaled(const char *text, guint64 default_unit, guint base, guint64 *out)
{
	g_autofree char *digits = NULL;
	const char *end = text;
	guint64 whole, unit = default_unit;
	gdouble frac = 0, total;
	gboolean hex = g_str_has_prefix(text, "0x") || g_str_has_prefix(text, "0X");

	if (!g_ascii_isdigit(*text))
		return FALSE;
	errno = 0;
	whole = g_ascii_strtoull(text, (char **)&end, hex ? 16 : 10);
	if (errno == ERANGE)
		return FALSE;
	if (!hex && *end == '.') {
		const char *fstart = ++end;
		while (g_ascii_isdigit(*end))
			end++;
		if (end == fstart)
			return FALSE;
		digits = g_strdup_printf("0.%.*s", (int)(end - fstart), fstart);
		frac = g_ascii_strtod(digits, NULL);
	}
	if (*end != '\0') {
		guint i;
		for (i = 0; i < G_N_ELEMENTS(hc_size_suffixes); i++) {
			if (g_ascii_tolower(*end) == hc_size_suffixes[i].suffix)
				break;
		}
		if (i == G_N_ELEMENTS(hc_size_suffixes) || end[1] != '\0' || hex)
			return FALSE;
		unit = 1;
		for (guint s = 0; s < hc_size_suffixes[i].shift; s++)
			unit *= base;
	}
	total = ((gdouble)whole + frac) * (gdouble)unit;
	if (whole > G_MAXUINT64 / unit || total >= 18446744073709551616.0)
		return FALSE;
	*out = whole * unit + (guint64)llround(frac * (gdouble)unit);
	return TRUE;
}

gboolean
hc_qemu_parse_size(const char *text, guint64 default_unit, guint64 *bytes)
{
	return hc_qemu_parse_scaled(text, default_unit, 1024, bytes);
}

gboolean
hc_qemu_parse_metric(const char *text, guint64 *out)
{
	return hc_qemu_parse_scaled(text, 1, 1000, out);
}

gboolean
hc_qemu_parse_bool(const char *text, gboolean *out)
{
	static const char *const yes[] = {"on", "yes", "true", "y"};
	static const char *const no[] = {"off", "no", "false", "n"};

	for (guint i = 0; i < G_N_ELEMENTS(yes); i++) {
		if (g_strcmp0(text, yes[i]) == 0) {
			*out = TRUE;
			return TRUE;
		}
		if (g_strcmp0(text, no[i]) == 0) {
			*out = FALSE;
			return TRUE;
		}
	}
	return FALSE;
}

/* the aliases QEMU registers beside the canonical property (target/i386/cpu.c) */
static const char *const hc_cpu_aliases[][2] = {
    {"sse3", "pni"},
    {"pclmuldq", "pclmulqdq"},
    {"sse4-1", "sse4.1"},
    {"sse4-2", "sse4.2"},
    {"xd", "nx"},
    {"ffxsr", "fxsr-opt"},
    {"i64", "lm"},
};

char *
hc_qemu_cpu_feature_name(const char *name)
{
	g_autofree char *lower = g_ascii_strdown(name, -1);

	if (*lower == '\0')
		return NULL;
	for (char *p = lower; *p != '\0'; p++) {
		if (*p == '_')
			*p = '-';
		else if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.')
			return NULL;
	}
	for (guint i = 0; i < G_N_ELEMENTS(hc_cpu_aliases); i++) {
		if (g_strcmp0(lower, hc_cpu_aliases[i][0]) == 0)
			return g_strdup(hc_cpu_aliases[i][1]);
	}
	return g_steal_pointer(&lower);
}
