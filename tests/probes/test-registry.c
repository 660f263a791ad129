/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The probe registry against docs/capabilities.md.
 *
 * The doc's parseable convention: a section "## <family> — probe `<name>` (`probes/<dir>/`)"
 * owns the tables below it up to the next "## " heading. In a table whose header has a
 * column named "id" or "ids", every backtick span of that column is an id of that probe:
 * - a plain id (`kvm.present`) is exact;
 * - a span with "<placeholder>" or "*" (`host.vulnerabilities.<name>`, `site.*`) is a
 *   pattern for host-dependent ids reported without being declared; a placeholder stands
 *   for one or more id characters, dots included (`cpu.feature.<qemu-name>` covers sse4.1);
 * - a span starting with "." (`.free`) replaces the last component of the previous id of
 *   the same cell (`mem.hugepages.<size>.total` / `.free`).
 * Spans that yield no valid id (prose such as `:` in a note) are ignored.
 */
#include <string.h>

#include "hc-probe-test.h"
#include "hc-probe-registry.h"

typedef struct {
	char *probe;
	char *dir;	      /* "probes/cpu/" */
	GHashTable *ids;      /* exact ids, set */
	GPtrArray *patterns;  /* GRegex* */
	GPtrArray *pat_texts; /* the doc's spelling, for messages */
} DocSection;

static void
doc_section_free(gpointer data)
{
	DocSection *sec = data;

	g_free(sec->probe);
	g_free(sec->dir);
	g_hash_table_unref(sec->ids);
	g_ptr_array_unref(sec->patterns);
	g_ptr_array_unref(sec->pat_texts);
	g_free(sec);
}

/* probe name → DocSection*, parsed once */
static GHashTable *doc_sections;

/* splits a table row on '|' not escaped as "\|"; drops the empty edge cells */
static GPtrArray *
split_row(const char *line)
{
	GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GString) cell = g_string_new(NULL);
	const char *p = line;

	if (*p == '|')
		p++;
	for (; *p != '\0'; p++) {
		if (*p == '\\' && p[1] == '|') {
			g_string_append_c(cell, '|');
			p++;
		} else if (*p == '|') {
			g_ptr_array_add(cells, g_strstrip(g_strdup(cell->str)));
			g_string_truncate(cell, 0);
		} else {
			g_string_append_c(cell, *p);
		}
	}
	return cells;
}

/* "<x>" → one or more id characters; "*" → anything; the rest literal */
static GRegex *
pattern_regex(const char *text)
{
	g_autoptr(GString) re = g_string_new("^");
	g_autoptr(GError) error = NULL;
	GRegex *regex;

	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '<') {
			const char *end = strchr(p, '>');

			ck_assert_msg(end != NULL, "unclosed placeholder in `%s`", text);
			g_string_append(re, "[a-z0-9_.-]+");
			p = end;
		} else if (*p == '*') {
			g_string_append(re, ".+");
		} else {
			char c[2] = {*p, '\0'};
			g_autofree char *lit = g_regex_escape_string(c, 1);

			g_string_append(re, lit);
		}
	}
	g_string_append_c(re, '$');
	regex = g_regex_new(re->str, 0, 0, &error);
	ck_assert_msg(regex != NULL, "pattern `%s`: %s", text, error ? error->message : "");
	return regex;
}

/* a valid id once every placeholder and "*" is replaced by one plain component */
static gboolean
span_is_id_like(const char *text)
{
	g_autoptr(GString) flat = g_string_new(NULL);

	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '<') {
			const char *end = strchr(p, '>');

			if (end == NULL)
				return FALSE;
			g_string_append(flat, "x");
			p = end;
		} else if (*p == '*') {
			g_string_append(flat, "x");
		} else {
			g_string_append_c(flat, *p);
		}
	}
	return hc_capability_id_is_valid(flat->str);
}

static void
doc_section_add_cell(DocSection *sec, const char *cell)
{
	g_autofree char *prev = NULL;
	const char *p = cell;

	while ((p = strchr(p, '`')) != NULL) {
		const char *end = strchr(p + 1, '`');
		g_autofree char *span = NULL;

		if (end == NULL)
			break;
		span = g_strndup(p + 1, end - p - 1);
		p = end + 1;
		if (span[0] == '.' && prev != NULL && strrchr(prev, '.') != NULL) {
			char *base = g_strndup(prev, strrchr(prev, '.') - prev);
			char *full = g_strconcat(base, span, NULL);

			g_free(base);
			g_free(span);
			span = full;
		}
		if (!span_is_id_like(span))
			continue;
		if (strchr(span, '<') != NULL || strchr(span, '*') != NULL) {
			g_ptr_array_add(sec->patterns, pattern_regex(span));
			g_ptr_array_add(sec->pat_texts, g_strdup(span));
		} else {
			g_hash_table_add(sec->ids, g_strdup(span));
		}
		g_free(prev);
		prev = g_strdup(span);
	}
}

static DocSection *
doc_section_new(const char *probe, const char *dir)
{
	DocSection *sec = g_new0(DocSection, 1);

	sec->probe = g_strdup(probe);
	sec->dir = g_strdup(dir);
	sec->ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	sec->patterns = g_ptr_array_new_with_free_func((GDestroyNotify)g_regex_unref);
	sec->pat_texts = g_ptr_array_new_with_free_func(g_free);
	return sec;
}

static GHashTable *
parse_doc(void)
{
	const char *src = g_getenv("HC_SOURCE_DIR");
	g_autofree char *path = NULL;
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GRegex) heading = NULL;
	GHashTable *sections =
	    g_hash_table_new_full(g_str_hash, g_str_equal, NULL, doc_section_free);
	DocSection *sec = NULL;
	g_autoptr(GArray) id_cols = g_array_new(FALSE, FALSE, sizeof(guint));
	gboolean in_table = FALSE;

	ck_assert_msg(src != NULL, "HC_SOURCE_DIR is not set (run through meson test)");
	path = g_build_filename(src, "docs", "capabilities.md", NULL);
	ck_assert_msg(g_file_get_contents(path, &text, NULL, &error), "%s", error->message);
	heading =
	    g_regex_new("^## .* probe `([a-z0-9_-]+)` \\(`(probes/[a-z0-9_-]+/)`\\)", 0, 0, NULL);
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		const char *line = lines[i];
		g_autoptr(GMatchInfo) match = NULL;
		g_autoptr(GPtrArray) cells = NULL;

		if (g_str_has_prefix(line, "#")) {
			sec = NULL;
			if (g_regex_match(heading, line, 0, &match)) {
				g_autofree char *probe = g_match_info_fetch(match, 1);
				g_autofree char *dir = g_match_info_fetch(match, 2);

				ck_assert_msg(!g_hash_table_contains(sections, probe),
					      "probe %s has two sections in the doc",
					      probe);
				sec = doc_section_new(probe, dir);
				g_hash_table_insert(sections, sec->probe, sec);
			}
		}
		if (line[0] != '|') {
			in_table = FALSE;
			continue;
		}
		cells = split_row(line);
		if (!in_table) {
			/* the header row: which columns hold ids */
			in_table = TRUE;
			g_array_set_size(id_cols, 0);
			for (guint c = 0; c < cells->len; c++) {
				const char *name = g_ptr_array_index(cells, c);

				if (g_strcmp0(name, "id") == 0 || g_strcmp0(name, "ids") == 0)
					g_array_append_val(id_cols, c);
			}
			continue;
		}
		if (sec == NULL)
			continue;
		for (guint k = 0; k < id_cols->len; k++) {
			guint c = g_array_index(id_cols, guint, k);

			if (c < cells->len)
				doc_section_add_cell(sec, g_ptr_array_index(cells, c));
		}
	}
	return sections;
}

static void
setup_doc(void)
{
	if (doc_sections == NULL)
		doc_sections = parse_doc();
}

static gboolean
section_matches(const DocSection *sec, const char *id)
{
	if (g_hash_table_contains(sec->ids, id))
		return TRUE;
	for (guint i = 0; i < sec->patterns->len; i++) {
		if (g_regex_match(g_ptr_array_index(sec->patterns, i), id, 0, NULL))
			return TRUE;
	}
	return FALSE;
}

START_TEST(test_registry_descriptors)
{
	g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) owners = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GPtrArray) keep =
	    g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);

	ck_assert_uint_gt(hc_probe_registry_len, 0);
	for (guint i = 0; i < hc_probe_registry_len; i++) {
		const HcProbeInfo *info = hc_probe_registry[i];
		GPtrArray *ids = hc_probe_info_get_ids(info);

		g_ptr_array_add(keep, ids);
		ck_assert_ptr_nonnull(info->name);
		ck_assert_msg(g_regex_match_simple("^[a-z][a-z0-9_-]*$", info->name, 0, 0),
			      "probe name \"%s\" is not a short lower-case name",
			      info->name);
		ck_assert_msg(g_hash_table_add(names, (gpointer)info->name),
			      "probe name %s is registered twice",
			      info->name);
		ck_assert_ptr_eq(hc_probe_registry_lookup(info->name), info);
		ck_assert_msg(info->description != NULL && info->description[0] != '\0',
			      "probe %s has no description",
			      info->name);
		ck_assert_msg(info->run != NULL, "probe %s has no run()", info->name);
		/* 0 = the engine's default; anything else must leave a probe time to work and
		 * stay below the engine's default deadline for a whole pass */
		ck_assert_msg(info->timeout_msec == 0 ||
				  (info->timeout_msec >= 100 && info->timeout_msec <= 60000),
			      "probe %s: timeout %u ms",
			      info->name,
			      info->timeout_msec);
		ck_assert_msg(ids->len > 0, "probe %s declares no id", info->name);
		for (guint k = 0; k < ids->len; k++) {
			const char *id = g_ptr_array_index(ids, k);
			const char *other = g_hash_table_lookup(owners, id);

			ck_assert_msg(hc_capability_id_is_valid(id),
				      "probe %s declares invalid id \"%s\"",
				      info->name,
				      id);
			ck_assert_msg(other == NULL,
				      "id %s is declared by %s and by %s",
				      id,
				      other != NULL ? other : "",
				      info->name);
			g_hash_table_insert(owners, (gpointer)id, (gpointer)info->name);
		}
	}
	ck_assert_ptr_null(hc_probe_registry_lookup("no-such-probe"));
}
END_TEST

START_TEST(test_registry_sections_and_readmes)
{
	const char *src = g_getenv("HC_SOURCE_DIR");
	GHashTableIter iter;
	gpointer key, value;

	setup_doc();
	for (guint i = 0; i < hc_probe_registry_len; i++) {
		const char *name = hc_probe_registry[i]->name;
		const DocSection *sec = g_hash_table_lookup(doc_sections, name);
		g_autofree char *readme = NULL;

		ck_assert_msg(sec != NULL,
			      "probe %s has no \"## … — probe `%s` (`probes/<dir>/`)\" section in "
			      "docs/capabilities.md",
			      name,
			      name);
		readme = g_build_filename(src, sec->dir, "README.md", NULL);
		ck_assert_msg(g_file_test(readme, G_FILE_TEST_IS_REGULAR),
			      "probe %s: no %sREADME.md",
			      name,
			      sec->dir);
	}
	g_hash_table_iter_init(&iter, doc_sections);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		ck_assert_msg(hc_probe_registry_lookup(key) != NULL,
			      "docs/capabilities.md documents probe %s, which is not registered",
			      (const char *)key);
	}
}
END_TEST

/* every declared id has an exact row in its probe's section */
START_TEST(test_registry_declared_ids_documented)
{
	g_autoptr(GString) missing = g_string_new(NULL);
	guint n_missing = 0;

	setup_doc();
	for (guint i = 0; i < hc_probe_registry_len; i++) {
		const HcProbeInfo *info = hc_probe_registry[i];
		const DocSection *sec = g_hash_table_lookup(doc_sections, info->name);
		g_autoptr(GPtrArray) ids = hc_probe_info_get_ids(info);

		if (sec == NULL)
			continue; /* test_registry_sections_and_readmes says so */
		for (guint k = 0; k < ids->len; k++) {
			const char *id = g_ptr_array_index(ids, k);

			if (g_hash_table_contains(sec->ids, id))
				continue;
			g_string_append_printf(missing, "\n  %s: %s", info->name, id);
			n_missing++;
		}
	}
	ck_assert_msg(n_missing == 0,
		      "%u declared ids are not documented in their probe's section of "
		      "docs/capabilities.md:%s",
		      n_missing,
		      missing->str);
}
END_TEST

/* no stale docs: every documented id is declared by its section's probe or is dynamic */
START_TEST(test_registry_documented_ids_declared)
{
	g_autoptr(GString) stale = g_string_new(NULL);
	guint n_stale = 0;

	setup_doc();
	for (guint i = 0; i < hc_probe_registry_len; i++) {
		const HcProbeInfo *info = hc_probe_registry[i];
		const DocSection *sec = g_hash_table_lookup(doc_sections, info->name);
		g_autoptr(GPtrArray) ids = hc_probe_info_get_ids(info);
		g_autoptr(GHashTable) declared = g_hash_table_new(g_str_hash, g_str_equal);
		GHashTableIter iter;
		gpointer key;

		if (sec == NULL)
			continue;
		for (guint k = 0; k < ids->len; k++)
			g_hash_table_add(declared, g_ptr_array_index(ids, k));
		g_hash_table_iter_init(&iter, sec->ids);
		while (g_hash_table_iter_next(&iter, &key, NULL)) {
			gboolean dynamic = FALSE;

			if (g_hash_table_contains(declared, key))
				continue;
			for (guint p = 0; p < sec->patterns->len && !dynamic; p++)
				dynamic = g_regex_match(g_ptr_array_index(sec->patterns, p),
							key,
							0,
							NULL);
			if (dynamic)
				continue;
			g_string_append_printf(stale, "\n  %s: %s", info->name, (const char *)key);
			n_stale++;
		}
	}
	ck_assert_msg(n_stale == 0,
		      "%u ids in docs/capabilities.md are neither declared by their "
		      "section's probe nor covered by one of its patterns:%s",
		      n_stale,
		      stale->str);
}
END_TEST

/* this machine: every id any probe reports is documented (exactly or by a pattern) */
START_TEST(test_registry_real_reported_ids_documented)
{
	g_autoptr(GString) undocumented = g_string_new(NULL);
	guint n_undocumented = 0, n_reported = 0;

	setup_doc();
	for (guint i = 0; i < hc_probe_registry_len; i++) {
		const HcProbeInfo *info = hc_probe_registry[i];
		const DocSection *sec = g_hash_table_lookup(doc_sections, info->name);
		HcEngineOptions opts = {.default_timeout_msec = 60000};
		g_autoptr(HcProbeResult) res = hc_engine_run_probe_sync(info, &opts);

		ck_assert_ptr_nonnull(res);
		ck_assert_msg(res->status == HC_PROBE_STATUS_OK,
			      "probe %s: %s (%s)",
			      info->name,
			      hc_probe_status_to_string(res->status),
			      res->error ? res->error : "");
		if (sec == NULL)
			continue;
		for (guint k = 0; k < res->capabilities->len; k++) {
			const HcCapability *cap = g_ptr_array_index(res->capabilities, k);

			n_reported++;
			ck_assert_msg(hc_capability_id_is_valid(cap->id),
				      "%s reported \"%s\"",
				      info->name,
				      cap->id);
			if (section_matches(sec, cap->id))
				continue;
			g_string_append_printf(undocumented, "\n  %s: %s", info->name, cap->id);
			n_undocumented++;
		}
	}
	ck_assert_uint_gt(n_reported, 0);
	ck_assert_msg(n_undocumented == 0,
		      "%u ids reported on this machine are not documented in "
		      "their probe's section:%s",
		      n_undocumented,
		      undocumented->str);
}
END_TEST

/* the parser itself, on the conventions the doc relies on */
START_TEST(test_registry_doc_convention)
{
	DocSection *sec = doc_section_new("t", "probes/t/");

	doc_section_add_cell(sec, "`mem.hugepages.<size>.total` / `.free` *dynamic*");
	doc_section_add_cell(sec, "`a.b`, `a.c` (`:` and `.` become `_`)");
	doc_section_add_cell(sec, "`site.*`");
	ck_assert(section_matches(sec, "mem.hugepages.2m.free"));
	ck_assert(section_matches(sec, "mem.hugepages.1g.total"));
	ck_assert(!section_matches(sec, "mem.hugepages.2m.resv"));
	ck_assert(section_matches(sec, "a.b"));
	ck_assert(section_matches(sec, "a.c"));
	ck_assert(section_matches(sec, "site.x.y"));
	ck_assert(!section_matches(sec, "site"));
	ck_assert_uint_eq(g_hash_table_size(sec->ids), 2);
	doc_section_free(sec);
}
END_TEST

static Suite *
registry_suite(void)
{
	Suite *s = suite_create("probe-registry");
	TCase *tc = tcase_create("registry");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_registry_doc_convention);
	tcase_add_test(tc, test_registry_descriptors);
	tcase_add_test(tc, test_registry_sections_and_readmes);
	tcase_add_test(tc, test_registry_declared_ids_documented);
	tcase_add_test(tc, test_registry_documented_ids_declared);
	tcase_add_test(tc, test_registry_real_reported_ids_documented);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_probe_test_main(registry_suite(), argc, argv);
}
