/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a first-time user of hostcapctl trips over, run as a subprocess: per-command --help,
 * options a command would ignore refused, arguments after "--" only where a QEMU command
 * line belongs. Exit codes are the documented ones (3: usage).
 */
#include <check.h>
#include <glib/gstdio.h>

#include "hc-cli-test.h"

#define HOST	    "hosts/linux-6.1-uso-no.json"
#define HOST_PREFIX "/"

START_TEST(test_verb_help)
{
	g_autoptr(HcCliRun) check = hc_cli_run("check", "--help", NULL);
	g_autoptr(HcCliRun) list = hc_cli_run("--help", "list", NULL);
	g_autoptr(HcCliRun) global = hc_cli_run("--help", NULL);
	g_autoptr(HcCliRun) unknown = hc_cli_run("frobnicate", "--help", NULL);

	ck_assert_int_eq(check->status, 0);
	ck_assert_ptr_nonnull(strstr(check->out, "check INPUT | -- QEMU-ARGV…"));
	ck_assert_ptr_nonnull(strstr(check->out, "--target FILE"));
	ck_assert_ptr_nonnull(strstr(check->out, "--source FILE"));
	ck_assert_ptr_null(strstr(check->out, "Commands:"));
	ck_assert_ptr_null(strstr(check->out, "--spec"));
	ck_assert_int_eq(list->status, 0);
	ck_assert_ptr_nonnull(strstr(list->out, "list [ID-PREFIX…]"));
	ck_assert_ptr_null(strstr(list->out, "--target"));
	ck_assert_int_eq(global->status, 0);
	ck_assert_ptr_nonnull(strstr(global->out, "Commands:"));
	ck_assert_ptr_nonnull(strstr(global->out, "COMMAND --help"));
	/* no such command: the global help, which lists the real ones */
	ck_assert_int_eq(unknown->status, 0);
	ck_assert_ptr_nonnull(strstr(unknown->out, "Commands:"));
}
END_TEST

/* option, command, what the refusal must say */
static const struct {
	const char *args[6];
	const char *message;
} refused[] = {
    {{"list", "--target", "x.json"}, "list does not take --target; see hostcapctl list --help"},
    {{"status", "--spec", "s.json"}, "status does not take --spec"},
    {{"get", "-o", "out.json", "kvm.present"}, "get does not take --output"},
    {{"export", "--file", "h.jsonl"}, "export does not take --file"},
    {{"list", "--format", "nfd"}, "list does not take --format"},
    {{"baseline", "--source", "a.json", "a.json"}, "baseline does not take --source"},
    {{"diff", "--target", "a.json", "a.json", "b.json"}, "diff does not take --target"},
    {{"list", "--", "qemu-system-x86_64"}, "list does not take arguments after '--'"},
};

START_TEST(test_verb_options_refused)
{
	g_autofree char *host = hc_cli_fixture(HOST);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(HcCliRun) run = NULL;

	g_ptr_array_add(argv, "--snapshot");
	g_ptr_array_add(argv, host);
	for (guint i = 0; refused[_i].args[i] != NULL; i++)
		g_ptr_array_add(argv, (gpointer)refused[_i].args[i]);
	g_ptr_array_add(argv, NULL);
	run = hc_cli_runv((const char *const *)argv->pdata);
	ck_assert_msg(run->status == 3, "exit %d: %s", run->status, run->err);
	ck_assert_str_eq(run->out, "");
	ck_assert_msg(strstr(run->err, refused[_i].message) != NULL,
		      "'%s' lacks '%s'",
		      run->err,
		      refused[_i].message);
}
END_TEST

/* the options a command does take still work, before or after it */
START_TEST(test_verb_options_taken)
{
	g_autofree char *host = hc_cli_fixture(HOST);
	g_autofree char *tmpdir = g_dir_make_tmp("hc-cli-XXXXXX", NULL);
	g_autofree char *out = g_build_filename(tmpdir, "out.json", NULL);
	g_autoptr(HcCliRun) export = hc_cli_run("--snapshot", host, "export", "-o", out, NULL);
	g_autoptr(HcCliRun) before = hc_cli_run("-o", out, "--snapshot", host, "export", NULL);

	ck_assert_int_eq(export->status, 0);
	ck_assert_int_eq(before->status, 0);
	ck_assert(g_file_test(out, G_FILE_TEST_IS_REGULAR));
	g_unlink(out);
	g_rmdir(tmpdir);
}
END_TEST

/* no bus to talk to: exit 4 as documented, and the message says what to do */
START_TEST(test_unreachable_says_what_to_do)
{
	const char *const unset[] = {"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", NULL};
	const char *const session[] = {"--session", "status", NULL};
	const char *const address[] = {"--address", "unix:path=/nonexistent/hc-bus", "list", NULL};
	g_autoptr(HcCliRun) no_session = hc_cli_runv_env_unset(NULL, unset, session);
	g_autoptr(HcCliRun) no_bus = hc_cli_runv(address);

	ck_assert_msg(no_session->status == 4, "exit %d: %s", no_session->status, no_session->err);
	ck_assert_ptr_nonnull(strstr(no_session->err, "session bus"));
	ck_assert_ptr_nonnull(strstr(no_session->err, "--no-daemon"));
	ck_assert_int_eq(no_bus->status, 4);
	ck_assert_ptr_nonnull(strstr(no_bus->err, "start hostcapd.service"));
}
END_TEST

/* run from the build tree, hostcapctl finds the source tree's catalogue without --data-dir */
START_TEST(test_build_tree_catalogue)
{
	g_autofree char *host = hc_cli_fixture(HOST);
	g_autoptr(HcCliRun) run = hc_cli_run("--snapshot",
					     host,
					     "check",
					     "--",
					     "qemu-system-x86_64",
					     "-machine",
					     "q35",
					     "-accel",
					     "kvm",
					     NULL);
	g_autoptr(HcCliRun) help = hc_cli_run("--help", NULL);
	g_autofree char *data = g_build_filename(g_getenv("HC_SOURCE_DIR"), "data", NULL);

	ck_assert_msg(run->status >= 0 && run->status <= 2, "exit %d: %s", run->status, run->err);
	ck_assert_ptr_null(strstr(run->err, "unknown machine type"));
	ck_assert_ptr_nonnull(strstr(run->out, "on " HOST_PREFIX));
	ck_assert_ptr_nonnull(strstr(help->out, data));
}
END_TEST

static Suite *
cli_usage_suite(void)
{
	Suite *s = suite_create("cli-usage");
	TCase *tc = tcase_create("usage");

	tcase_add_test(tc, test_verb_help);
	tcase_add_loop_test(tc, test_verb_options_refused, 0, G_N_ELEMENTS(refused));
	tcase_add_test(tc, test_verb_options_taken);
	tcase_add_test(tc, test_unreachable_says_what_to_do);
	tcase_add_test(tc, test_build_tree_catalogue);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_cli_test_main(argc, argv, cli_usage_suite());
}
