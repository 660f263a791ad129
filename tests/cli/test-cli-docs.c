/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The verb table and the options mirror the man page: every command and option that
 * `hostcapctl --help` lists is documented in docs/hostcapctl.1.md, and the committed roff
 * is what docs/md2man.py makes of the markdown.
 */
#include <check.h>

#include "hc-cli-test.h"

static char *
doc_path(const char *name)
{
	return g_build_filename(g_getenv("HC_SOURCE_DIR"), "docs", name, NULL);
}

static char *
read_doc(const char *name)
{
	g_autofree char *path = doc_path(name);
	g_autoptr(GError) error = NULL;
	char *text = NULL;
	ck_assert_msg(g_file_get_contents(path, &text, NULL, &error), "%s", error->message);
	return text;
}

/* the lines of --help between @from and the next blank line */
static GPtrArray *
help_section(const char *help, const char *from)
{
	g_auto(GStrv) lines = g_strsplit(help, "\n", -1);
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	gboolean in = FALSE;

	for (guint i = 0; lines[i] != NULL; i++) {
		if (g_str_equal(lines[i], from)) {
			in = TRUE;
			continue;
		}
		if (in && lines[i][0] == '\0')
			break;
		if (in)
			g_ptr_array_add(out, g_strdup(lines[i]));
	}
	return out;
}

START_TEST(test_commands_documented)
{
	g_autoptr(HcCliRun) help = hc_cli_run("--help", NULL);
	g_autofree char *md = read_doc("hostcapctl.1.md");
	g_autoptr(GPtrArray) commands = NULL;

	ck_assert_int_eq(help->status, 0);
	commands = help_section(help->out, "Commands:");
	ck_assert_uint_ge(commands->len, 10);
	for (guint i = 0; i < commands->len; i++) {
		g_auto(GStrv) words =
		    g_strsplit(g_strstrip(g_ptr_array_index(commands, i)), " ", 2);
		/* a definition term of the COMMANDS section starts with the verb in backquotes */
		g_autofree char *term = g_strdup_printf("\n`%s`", words[0]);
		ck_assert_msg(strstr(md, term) != NULL,
			      "command '%s' is not in the man page",
			      words[0]);
	}
}
END_TEST

START_TEST(test_options_documented)
{
	g_autoptr(HcCliRun) help = hc_cli_run("--help", NULL);
	g_autofree char *md = read_doc("hostcapctl.1.md");
	g_autoptr(GPtrArray) options = help_section(help->out, "Options:");
	g_autoptr(GRegex) re = g_regex_new("--[a-z-]+", 0, 0, NULL);

	ck_assert_uint_ge(options->len, 10);
	for (guint i = 0; i < options->len; i++) {
		g_autoptr(GMatchInfo) m = NULL;
		g_autofree char *opt = NULL;
		g_autofree char *quoted = NULL;
		if (!g_regex_match(re, g_ptr_array_index(options, i), 0, &m))
			continue;
		opt = g_match_info_fetch(m, 0);
		quoted = g_strdup_printf("`%s`", opt);
		ck_assert_msg(strstr(md, quoted) != NULL, "option %s is not in the man page", opt);
	}
	/* and the exit statuses */
	ck_assert_ptr_nonnull(strstr(md, "| 4 | the daemon is unreachable"));
}
END_TEST

START_TEST(test_roff_is_generated)
{
	g_autofree char *script = doc_path("md2man.py");
	g_autofree char *md = doc_path("hostcapctl.1.md");
	g_autofree char *roff = read_doc("hostcapctl.1");
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	g_autoptr(GError) error = NULL;
	const char *argv[] = {"python3", script, md, NULL};
	int status = -1;

	ck_assert_msg(g_spawn_sync(NULL,
				   (char **)argv,
				   NULL,
				   G_SPAWN_SEARCH_PATH,
				   NULL,
				   NULL,
				   &out,
				   &err,
				   &status,
				   &error),
		      "python3: %s",
		      error != NULL ? error->message : "");
	ck_assert_msg(g_spawn_check_wait_status(status, NULL), "md2man.py failed: %s", err);
	ck_assert_msg(g_str_equal(out, roff),
		      "docs/hostcapctl.1 is stale: regenerate it with docs/md2man.py");
}
END_TEST

static Suite *
cli_docs_suite(void)
{
	Suite *s = suite_create("cli-docs");
	TCase *tc = tcase_create("docs");

	tcase_add_test(tc, test_commands_documented);
	tcase_add_test(tc, test_options_documented);
	tcase_add_test(tc, test_roff_is_generated);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_cli_test_main(argc, argv, cli_docs_suite());
}
