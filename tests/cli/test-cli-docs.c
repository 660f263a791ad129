/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The verb table and the options mirror the man pages: every command and option that
 * `hostcapctl --help` lists is documented in docs/hostcapctl.1.md, every option of
 * `hostcapd --help` in docs/hostcapd.8.md, every key the daemon's configuration table
 * accepts in docs/hostcapd.conf.5.md, and each committed roff page is what docs/md2man.py
 * makes of its markdown.
 */
#include <check.h>

#include "hc-cli-test.h"
#include "hc-daemon-config.h"

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

/* the options `--name` that @help lists, in order */
static GPtrArray *
help_options(const char *help)
{
	g_autoptr(GRegex) re =
	    g_regex_new("(?:^|[ ,])(--[a-z][a-z-]*)", G_REGEX_MULTILINE, 0, NULL);
	g_autoptr(GMatchInfo) m = NULL;
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	g_regex_match(re, help, 0, &m);
	while (g_match_info_matches(m)) {
		g_ptr_array_add(out, g_match_info_fetch(m, 1));
		g_match_info_next(m, NULL);
	}
	return out;
}

START_TEST(test_daemon_options_documented)
{
	g_autofree char *hostcapd =
	    g_build_filename(g_getenv("HC_BUILD_DIR"), "daemon", "hostcapd", NULL);
	g_autofree char *md = read_doc("hostcapd.8.md");
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) options = NULL;
	const char *argv[] = {hostcapd, "--help", NULL};
	int status = -1;

	ck_assert_msg(g_spawn_sync(NULL,
				   (char **)argv,
				   NULL,
				   G_SPAWN_DEFAULT,
				   NULL,
				   NULL,
				   &out,
				   &err,
				   &status,
				   &error),
		      "%s: %s",
		      hostcapd,
		      error != NULL ? error->message : "");
	ck_assert_msg(g_spawn_check_wait_status(status, NULL), "hostcapd --help: %s", err);
	options = help_options(out);
	ck_assert_uint_ge(options->len, 10);
	for (guint i = 0; i < options->len; i++) {
		const char *opt = g_ptr_array_index(options, i);
		/* a definition term: `--name` or `--name=`*ARG* */
		g_autofree char *plain = g_strdup_printf("`%s`", opt);
		g_autofree char *with_arg = g_strdup_printf("`%s=`", opt);
		ck_assert_msg(strstr(md, plain) != NULL || strstr(md, with_arg) != NULL,
			      "hostcapd option %s is not in docs/hostcapd.8.md",
			      opt);
	}
}
END_TEST

START_TEST(test_config_keys_documented)
{
	g_autofree char *md = read_doc("hostcapd.conf.5.md");
	g_auto(GStrv) keys = hc_daemon_config_dup_key_names();

	ck_assert_uint_ge(g_strv_length(keys), 6);
	for (guint i = 0; keys[i] != NULL; i++) {
		/* a definition term of the OPTIONS section: `Key=`*VALUE* */
		g_autofree char *term = g_strdup_printf("\n`%s=`", keys[i]);
		ck_assert_msg(strstr(md, term) != NULL,
			      "config key %s is not in docs/hostcapd.conf.5.md",
			      keys[i]);
	}
}
END_TEST

/* md2man.py's output for docs/@page.md */
static char *
md2man(const char *page)
{
	g_autofree char *script = doc_path("md2man.py");
	g_autofree char *md_name = g_strdup_printf("%s.md", page);
	g_autofree char *md = doc_path(md_name);
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
	ck_assert_msg(g_spawn_check_wait_status(status, NULL), "md2man.py %s: %s", md_name, err);
	return g_steal_pointer(&out);
}

/* every docs/NAME.N.md has its roff docs/NAME.N, and that is md2man.py's output */
START_TEST(test_roff_is_generated)
{
	g_autofree char *dir_path = doc_path(".");
	g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
	g_autoptr(GRegex) re = g_regex_new("^(.+\\.[1-8])\\.md$", 0, 0, NULL);
	const char *name;
	guint pages = 0;

	ck_assert_ptr_nonnull(dir);
	while ((name = g_dir_read_name(dir)) != NULL) {
		g_autoptr(GMatchInfo) m = NULL;
		g_autofree char *page = NULL;
		g_autofree char *roff = NULL;
		g_autofree char *out = NULL;

		if (!g_regex_match(re, name, 0, &m))
			continue;
		page = g_match_info_fetch(m, 1);
		roff = read_doc(page);
		out = md2man(page);
		ck_assert_msg(g_str_equal(out, roff),
			      "docs/%s is stale: regenerate it with docs/md2man.py",
			      page);
		pages++;
	}
	/* hostcapctl(1), hostcapd(8), hostcapd.conf(5) at least */
	ck_assert_uint_ge(pages, 3);
}
END_TEST

static Suite *
cli_docs_suite(void)
{
	Suite *s = suite_create("cli-docs");
	TCase *tc = tcase_create("docs");

	tcase_add_test(tc, test_commands_documented);
	tcase_add_test(tc, test_options_documented);
	tcase_add_test(tc, test_daemon_options_documented);
	tcase_add_test(tc, test_config_keys_documented);
	tcase_add_test(tc, test_roff_is_generated);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_cli_test_main(argc, argv, cli_docs_suite());
}
