/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <gio/gio.h>
#include <stdarg.h>

#include "hc-cli-test.h"

static char *hc_cli_binary;

void
hc_cli_test_init(int argc, char **argv)
{
	if (argc < 2) {
		g_printerr("usage: %s PATH-TO-HOSTCAPCTL\n", argv[0]);
		exit(2);
	}
	hc_cli_binary = g_strdup(argv[1]);
}

int
hc_cli_test_main(int argc, char **argv, Suite *suite)
{
	SRunner *sr;
	int failed;

	hc_cli_test_init(argc, argv);
	sr = srunner_create(suite);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}

const char *
hc_cli_test_get_binary(void)
{
	return hc_cli_binary;
}

void
hc_cli_run_free(HcCliRun *run)
{
	if (run == NULL)
		return;
	g_free(run->out);
	g_free(run->err);
	g_free(run);
}

HcCliRun *
hc_cli_runv_env(const char *const *env, const char *const *args)
{
	return hc_cli_runv_env_unset(env, NULL, args);
}

HcCliRun *
hc_cli_runv_env_unset(const char *const *env, const char *const *unset, const char *const *args)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
	    G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_autoptr(GSubprocess) proc = NULL;
	g_autoptr(GError) error = NULL;
	HcCliRun *run = g_new0(HcCliRun, 1);

	g_ptr_array_add(argv, hc_cli_binary);
	for (guint i = 0; args[i] != NULL; i++)
		g_ptr_array_add(argv, (gpointer)args[i]);
	g_ptr_array_add(argv, NULL);
	/* the tests read plain output: no colour, no terminal width */
	g_subprocess_launcher_unsetenv(launcher, "HOSTCAPD_SYSROOT");
	g_subprocess_launcher_setenv(launcher, "NO_COLOR", "1", TRUE);
	for (guint i = 0; env != NULL && env[i] != NULL && env[i + 1] != NULL; i += 2)
		g_subprocess_launcher_setenv(launcher, env[i], env[i + 1], TRUE);
	for (guint i = 0; unset != NULL && unset[i] != NULL; i++)
		g_subprocess_launcher_unsetenv(launcher, unset[i]);
	proc = g_subprocess_launcher_spawnv(launcher, (const char *const *)argv->pdata, &error);
	ck_assert_msg(proc != NULL, "spawn %s: %s", hc_cli_binary, error ? error->message : "");
	ck_assert_msg(g_subprocess_communicate_utf8(proc, NULL, NULL, &run->out, &run->err, &error),
		      "communicate: %s",
		      error ? error->message : "");
	run->status = g_subprocess_get_if_exited(proc) ? g_subprocess_get_exit_status(proc) : -1;
	return run;
}

HcCliRun *
hc_cli_runv(const char *const *args)
{
	return hc_cli_runv_env(NULL, args);
}

HcCliRun *
hc_cli_run(const char *first_arg, ...)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	va_list ap;

	va_start(ap, first_arg);
	for (const char *a = first_arg; a != NULL; a = va_arg(ap, const char *))
		g_ptr_array_add(args, (gpointer)a);
	va_end(ap);
	g_ptr_array_add(args, NULL);
	return hc_cli_runv((const char *const *)args->pdata);
}

char *
hc_cli_fixture(const char *rel)
{
	const char *src = g_getenv("HC_SOURCE_DIR");
	ck_assert_msg(src != NULL, "HC_SOURCE_DIR is not set (run through meson test)");
	return g_build_filename(src, "tests", "fixtures", rel, NULL);
}

JsonNode *
hc_cli_parse_json(const char *text)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;

	ck_assert_msg(json_parser_load_from_data(parser, text, -1, &error),
		      "not JSON (%s): %s",
		      error ? error->message : "",
		      text);
	return json_node_copy(json_parser_get_root(parser));
}

JsonNode *
hc_cli_load_json(const char *path)
{
	g_autofree char *text = NULL;
	g_autoptr(GError) error = NULL;

	ck_assert_msg(g_file_get_contents(path, &text, NULL, &error),
		      "read %s: %s",
		      path,
		      error ? error->message : "");
	return hc_cli_parse_json(text);
}

guint
hc_cli_count_lines_with_prefix(const char *text, const char *prefix)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	guint n = 0;
	for (guint i = 0; lines[i] != NULL; i++) {
		if (g_str_has_prefix(lines[i], prefix))
			n++;
	}
	return n;
}
