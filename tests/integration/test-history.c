/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * history.jsonl: one line per committed change, old → new per id, in the format
 * `hostcapctl history` reads; bounded in size; and across a restart into another boot the
 * first pass is compared with what the last run had, so the log says what the reboot changed.
 */
#include <check.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hc-history.h"
#include "hc-test-living.h"

static HcTestDaemon *td;
static char *root;

static void
teardown(void)
{
	g_clear_pointer(&td, hc_test_daemon_free);
	g_clear_pointer(&root, g_free);
}

static void
write_root(const char *rel, const char *text)
{
	hc_test_living_write_under(root, rel, text);
}

static void
start(void)
{
	g_autofree char *root_arg = g_strdup_printf("--sysroot=%s", root);
	const char *extra[] = {root_arg, NULL};

	hc_test_living_start(td, extra);
}

/* every line of the file, parsed */
static GPtrArray *
read_history(void)
{
	g_autofree char *path = g_build_filename(td->tmpdir, "state", "history.jsonl", NULL);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	GPtrArray *entries = g_ptr_array_new_with_free_func((GDestroyNotify)json_object_unref);

	ck_assert_msg(g_file_get_contents(path, &text, NULL, NULL), "no %s", path);
	ck_assert(g_str_has_suffix(text, "\n"));
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++) {
		g_autoptr(JsonParser) parser = json_parser_new();
		g_autoptr(GError) error = NULL;
		ck_assert_msg(json_parser_load_from_data(parser, lines[i], -1, &error),
			      "line %u: %s",
			      i + 1,
			      error->message);
		g_ptr_array_add(
		    entries,
		    json_object_ref(json_node_get_object(json_parser_get_root(parser))));
	}
	return entries;
}

/* the change of @id in @entry, NULL when it is not listed */
static JsonObject *
find_change(JsonObject *entry, const char *id)
{
	JsonArray *changes = json_object_get_array_member(entry, "changes");

	for (guint i = 0; i < json_array_get_length(changes); i++) {
		JsonObject *c = json_array_get_object_element(changes, i);
		if (g_strcmp0(json_object_get_string_member(c, "id"), id) == 0)
			return c;
	}
	return NULL;
}

static const char *
side_value(JsonObject *change, const char *side)
{
	return json_object_get_string_member(json_object_get_object_member(change, side), "value");
}

START_TEST(test_changes_are_recorded)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) entries = NULL;
	g_autofree char *hist = NULL;
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	const char *probes[] = {"host", NULL};
	JsonObject *c;
	gint64 gen2;
	int status = -1;

	td = hc_test_daemon_new(&error);
	ck_assert_msg(td != NULL, "%s", error != NULL ? error->message : "");
	root = hc_test_daemon_path(td, "root");
	write_root("proc/sys/kernel/osrelease", "6.1.0-hc-hist\n");
	write_root("proc/sys/kernel/random/boot_id", "11111111-2222-3333-4444-555555555555\n");
	start();

	/* the first run knows nothing before it: everything is new */
	entries = read_history();
	ck_assert_uint_eq(entries->len, 1);
	c = find_change(entries->pdata[0], "host.kernel.release");
	ck_assert_msg(c != NULL, "no host.kernel.release in the first entry");
	ck_assert(json_node_is_null(json_object_get_member(c, "old")));
	ck_assert_str_eq(side_value(c, "new"), "6.1.0-hc-hist");
	ck_assert_str_eq(json_object_get_string_member(entries->pdata[0], "boot_id"),
			 "11111111-2222-3333-4444-555555555555");
	g_clear_pointer(&entries, g_ptr_array_unref);

	/* a change while running */
	write_root("proc/sys/kernel/osrelease", "6.2.0-hc-hist\n");
	gen2 = (gint64)hc_test_living_refresh(td, probes, &error);
	ck_assert_msg(gen2 == 2,
		      "generation %" G_GINT64_FORMAT ": %s",
		      gen2,
		      error ? error->message : "");
	entries = read_history();
	ck_assert_uint_eq(entries->len, 2);
	ck_assert_int_eq(json_object_get_int_member(entries->pdata[1], "generation"), 2);
	c = find_change(entries->pdata[1], "host.kernel.release");
	ck_assert_msg(c != NULL, "no host.kernel.release in the second entry");
	ck_assert_str_eq(side_value(c, "old"), "6.1.0-hc-hist");
	ck_assert_str_eq(side_value(c, "new"), "6.2.0-hc-hist");
	ck_assert_str_eq(
	    json_object_get_string_member(json_object_get_object_member(c, "new"), "state"),
	    "supported");
	g_clear_pointer(&entries, g_ptr_array_unref);

	/* "reboot" into another kernel: a new boot id makes the cache stale, and the first
	 * pass of the new run is recorded against what the old run knew */
	ck_assert(hc_test_daemon_stop(td, &status, &error));
	write_root("proc/sys/kernel/osrelease", "6.3.0-hc-hist\n");
	write_root("proc/sys/kernel/random/boot_id", "66666666-2222-3333-4444-555555555555\n");
	start();
	entries = read_history();
	ck_assert_uint_eq(entries->len, 3);
	ck_assert_int_eq(json_object_get_int_member(entries->pdata[2], "generation"), 3);
	c = find_change(entries->pdata[2], "host.kernel.release");
	ck_assert_msg(c != NULL, "no host.kernel.release in the third entry");
	ck_assert_str_eq(side_value(c, "old"), "6.2.0-hc-hist");
	ck_assert_str_eq(side_value(c, "new"), "6.3.0-hc-hist");
	/* only what differs, not every capability again */
	ck_assert_uint_lt(
	    json_array_get_length(json_object_get_array_member(entries->pdata[2], "changes")),
	    10);

	/* and the operator's view of it */
	hist = g_build_filename(td->tmpdir, "state", "history.jsonl", NULL);
	{
		g_autofree char *ctl =
		    g_build_filename(g_getenv("HC_BUILD_DIR"), "cli", "hostcapctl", NULL);
		const char *argv[] = {ctl, "--file", hist, "history", "host.kernel.release", NULL};
		ck_assert_msg(hc_test_run(argv, &out, &err, &status, &error), "%s", error->message);
	}
	ck_assert_msg(status == 0, "hostcapctl history: %s", err);
	ck_assert_msg(strstr(out,
			     "host.kernel.release: supported (6.1.0-hc-hist) → supported "
			     "(6.2.0-hc-hist)") != NULL,
		      "%s",
		      out);
	ck_assert_msg(strstr(out,
			     "host.kernel.release: supported (6.2.0-hc-hist) → supported "
			     "(6.3.0-hc-hist)") != NULL,
		      "%s",
		      out);
}
END_TEST

/* the bound holds after every append, whole lines only, the newest kept */
START_TEST(test_bounded)
{
	g_autofree char *dir = g_dir_make_tmp("hc-history-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "history.jsonl", NULL);
	const guint64 max = 4096;

	for (guint i = 0; i < 300; i++) {
		g_autoptr(GError) error = NULL;
		g_autofree char *line =
		    g_strdup_printf("{\"generation\": %u, \"pad\": \"%060u\"}", i, i);
		g_autofree char *text = NULL;
		g_auto(GStrv) lines = NULL;
		guint n;
		struct stat st;

		ck_assert_msg(hc_history_append(dir, max, line, &error), "%s", error->message);
		ck_assert_int_eq(g_stat(path, &st), 0);
		ck_assert_int_le(st.st_size, (gint64)max);
		ck_assert(g_file_get_contents(path, &text, NULL, NULL));
		lines = g_strsplit(text, "\n", -1);
		n = g_strv_length(lines);
		ck_assert_str_eq(lines[n - 1], "");
		ck_assert_str_eq(lines[n - 2], line);
		ck_assert(g_str_has_prefix(lines[0], "{\"generation\": "));
		if (i == 299)
			ck_assert_uint_gt(n, 10); /* trimmed to half, not to nothing */
	}
	g_remove(path);
	g_rmdir(dir);
}
END_TEST

/* a write cut short (a full disk; here the file size limit) leaves no partial line behind */
START_TEST(test_short_write_cut)
{
	g_autofree char *dir = g_dir_make_tmp("hc-history-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "history.jsonl", NULL);
	g_autofree char *big = g_strdup_printf("{\"generation\": 2, \"pad\": \"%0200u\"}", 0);
	g_autofree char *text = NULL;
	g_autoptr(GError) error = NULL;
	struct rlimit lim = {.rlim_cur = 100, .rlim_max = RLIM_INFINITY};

	ck_assert(hc_history_append(dir, 1 << 20, "{\"generation\": 1}", &error));
	/* past the limit write() returns what fitted, then EFBIG (SIGXFSZ ignored) */
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	ck_assert(!hc_history_append(dir, 1 << 20, big, &error));
	ck_assert_msg(strstr(error->message, "writing") != NULL, "%s", error->message);
	lim.rlim_cur = RLIM_INFINITY;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	ck_assert(g_file_get_contents(path, &text, NULL, NULL));
	ck_assert_str_eq(text, "{\"generation\": 1}\n");
	g_remove(path);
	g_rmdir(dir);
}
END_TEST

/* a symlink planted as the history file is not followed by root's append */
START_TEST(test_no_follow)
{
	g_autofree char *dir = g_dir_make_tmp("hc-history-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "history.jsonl", NULL);
	g_autofree char *victim = g_build_filename(dir, "victim", NULL);
	g_autofree char *text = NULL;
	g_autoptr(GError) error = NULL;

	ck_assert(g_file_set_contents(victim, "precious\n", -1, NULL));
	ck_assert_int_eq(symlink(victim, path), 0);
	ck_assert(!hc_history_append(dir, 1 << 20, "{\"generation\": 1}", &error));
	ck_assert(g_file_get_contents(victim, &text, NULL, NULL));
	ck_assert_str_eq(text, "precious\n");
	g_remove(path);
	g_remove(victim);
	g_rmdir(dir);
}
END_TEST

/* a second daemon on the same state directory exits before it probes or writes anything */
START_TEST(test_second_daemon_exits)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	g_autofree char *daemon_path = NULL;
	g_autofree char *address = NULL;
	g_autofree char *cache_arg = NULL;
	g_autofree char *state_arg = NULL;
	g_autofree char *config_arg = NULL;
	g_autofree char *data_arg = NULL;
	g_autofree char *cache = NULL;
	struct stat before;
	struct stat after;
	int status = 0;

	td = hc_test_daemon_new(&error);
	ck_assert_msg(td != NULL, "%s", error != NULL ? error->message : "");
	hc_test_living_start(td, NULL);
	cache = g_build_filename(td->tmpdir, "cache", "snapshot.json", NULL);
	ck_assert_int_eq(stat(cache, &before), 0);
	daemon_path = g_build_filename(g_getenv("HC_BUILD_DIR"), "daemon", "hostcapd", NULL);
	address = g_strdup_printf("--address=%s", td->address);
	cache_arg = g_strdup_printf("--cache-dir=%s/cache", td->tmpdir);
	state_arg = g_strdup_printf("--state-dir=%s/state", td->tmpdir);
	config_arg = g_strdup_printf("--config=%s/none.conf", td->tmpdir);
	data_arg = g_strdup_printf("--data-dir=%s/data", g_getenv("HC_SOURCE_DIR"));
	{
		const char *argv[] =
		    {daemon_path, address, cache_arg, state_arg, config_arg, data_arg, NULL};
		ck_assert_msg(hc_test_run(argv, &out, &err, &status, &error), "%s", error->message);
	}
	ck_assert_msg(!g_spawn_check_wait_status(status, NULL), "the second daemon ran: %s", err);
	ck_assert_msg(strstr(err, "another hostcapd is running with the state directory") != NULL,
		      "%s",
		      err);
	ck_assert_int_eq(stat(cache, &after), 0);
	ck_assert_msg(before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
			  before.st_mtim.tv_nsec == after.st_mtim.tv_nsec,
		      "the second daemon rewrote the cache");
}
END_TEST

static Suite *
history_suite(void)
{
	Suite *s = suite_create("history");
	TCase *tc = tcase_create("history");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_changes_are_recorded);
	tcase_add_test(tc, test_bounded);
	tcase_add_test(tc, test_short_write_cut);
	tcase_add_test(tc, test_no_follow);
	tcase_add_test(tc, test_second_daemon_exits);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(history_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
