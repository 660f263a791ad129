/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <poll.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hc-engine.h"
#include "hostcap/hc-error.h"

/*
 * Fake probes. Probe descriptors carry no user data, so the few knobs a test needs are file
 * statics: the pipe the hanging probe blocks on (closed by the test at teardown, never a
 * sleep), and counters.
 */
static int hang_pipe[2] = {-1, -1};
static int hang_done[2] = {-1, -1};
static gint disabled_runs;
static gboolean report_extra;

static gboolean
ok_run(HcProbeContext *ctx, GError **error)
{
	hc_probe_report_bool(ctx, "test.ok.b", HC_CAP_STATE_SUPPORTED, TRUE, "ok b");
	hc_probe_report_int(ctx, "test.ok.a", HC_CAP_STATE_SUPPORTED, 42, "ok a");
	/* an undeclared, host-dependent id is allowed */
	if (report_extra)
		hc_probe_report(ctx, "test.ok.extra", HC_CAP_STATE_SUPPORTED, NULL, "extra");
	return TRUE;
}

static const char *const ok_ids[] = {"test.ok.a", "test.ok.b", NULL};
static const HcProbeInfo probe_ok = {.name = "ok", .ids = ok_ids, .run = ok_run};

static gboolean
fail_run(HcProbeContext *ctx, GError **error)
{
	hc_probe_report(ctx, "test.fail.a", HC_CAP_STATE_SUPPORTED, NULL, "got this far");
	g_set_error(error, HC_ERROR, HC_ERROR_INTERNAL, "open /dev/%s: %s", "fake", "boom");
	return FALSE;
}

static const char *const fail_ids[] = {"test.fail.a", "test.fail.b", NULL};
static const HcProbeInfo probe_fail = {.name = "failing", .ids = fail_ids, .run = fail_run};

static gboolean
silent_fail_run(HcProbeContext *ctx, GError **error)
{
	return FALSE;
}

static const char *const silent_ids[] = {"test.silent.a", NULL};
static const HcProbeInfo probe_silent_fail = {.name = "silent",
					      .ids = silent_ids,
					      .run = silent_fail_run};

static gboolean
forget_run(HcProbeContext *ctx, GError **error)
{
	hc_probe_report(ctx, "test.forget.a", HC_CAP_STATE_UNSUPPORTED, NULL, "said no");
	return TRUE;
}

static const char *const forget_ids[] = {"test.forget.a", "test.forget.b", NULL};
static const HcProbeInfo probe_forget = {.name = "forgetful", .ids = forget_ids, .run = forget_run};

static gboolean
invalid_run(HcProbeContext *ctx, GError **error)
{
	hc_probe_report(ctx, "Test.Invalid", HC_CAP_STATE_SUPPORTED, NULL, "bad id");
	hc_probe_report(ctx, "test.invalid..x", HC_CAP_STATE_SUPPORTED, NULL, "bad id");
	hc_probe_report(ctx, "test.invalid.ok", HC_CAP_STATE_SUPPORTED, NULL, "good id");
	return TRUE;
}

static const char *const invalid_ids[] = {"test.invalid.ok", NULL};
static const HcProbeInfo probe_invalid = {.name = "invalid",
					  .ids = invalid_ids,
					  .run = invalid_run};

static gboolean
disabled_run(HcProbeContext *ctx, GError **error)
{
	g_atomic_int_inc(&disabled_runs);
	return TRUE;
}

static const char *const disabled_ids[] = {"test.disabled.a", "test.disabled.b", NULL};
static const HcProbeInfo probe_disabled = {.name = "disabled",
					   .ids = disabled_ids,
					   .run = disabled_run};

static void
declare_table(GPtrArray *ids)
{
	g_ptr_array_add(ids, g_strdup("test.table.y"));
	g_ptr_array_add(ids, g_strdup("test.table.x"));
}

static gboolean
table_run(HcProbeContext *ctx, GError **error)
{
	hc_probe_report(ctx, "test.table.y", HC_CAP_STATE_SUPPORTED, NULL, "from the table");
	return TRUE;
}

static const HcProbeInfo probe_table = {.name = "table",
					.declare_ids = declare_table,
					.run = table_run};

static gboolean
hang_run(HcProbeContext *ctx, GError **error)
{
	char c;
	ssize_t n;

	/* blocks until the test closes the write end */
	do
		n = read(hang_pipe[0], &c, 1);
	while (n < 0 && errno == EINTR);
	hc_probe_report(ctx, "test.hang.a", HC_CAP_STATE_SUPPORTED, NULL, "too late");
	if (hang_done[1] >= 0 && write(hang_done[1], "x", 1) != 1)
		return FALSE;
	return TRUE;
}

static const char *const hang_ids[] = {"test.hang.a", NULL};
static const HcProbeInfo probe_hang = {.name = "hanging",
				       .ids = hang_ids,
				       .timeout_msec = 200,
				       .run = hang_run};
/* same probe, relying on the engine's default timeout */
static const HcProbeInfo probe_hang_default = {.name = "hanging-default",
					       .ids = hang_ids,
					       .run = hang_run};

static gboolean
sysroot_run(HcProbeContext *ctx, GError **error)
{
	g_autofree char *line = hc_probe_context_read_line(ctx, "/etc/marker", error);

	if (line == NULL)
		return FALSE;
	hc_probe_report_string(ctx,
			       "test.sysroot.marker",
			       HC_CAP_STATE_SUPPORTED,
			       line,
			       "read /etc/marker as %s",
			       hc_probe_context_get_qemu_user(ctx));
	return TRUE;
}

static const char *const sysroot_ids[] = {"test.sysroot.marker", NULL};
static const HcProbeInfo probe_sysroot = {.name = "sysroot",
					  .ids = sysroot_ids,
					  .run = sysroot_run};

static char *
netns_of_this_thread(void)
{
	return g_file_read_link("/proc/thread-self/ns/net", NULL);
}

/* moves its own thread into a new network namespace, as the tap probe does */
static gboolean
netns_run(HcProbeContext *ctx, GError **error)
{
	g_autofree char *before = netns_of_this_thread();
	g_autofree char *after = NULL;

	if (before == NULL || unshare(CLONE_NEWNET) < 0) {
		g_set_error(error, HC_ERROR, HC_ERROR_INTERNAL, "unshare: %s", g_strerror(errno));
		return FALSE;
	}
	after = netns_of_this_thread();
	hc_probe_report_string(ctx,
			       "test.netns.before",
			       HC_CAP_STATE_SUPPORTED,
			       before,
			       "readlink");
	hc_probe_report_string(ctx, "test.netns.after", HC_CAP_STATE_SUPPORTED, after, "readlink");
	return TRUE;
}

static const char *const netns_ids[] = {"test.netns.after", "test.netns.before", NULL};
static const HcProbeInfo probe_netns = {.name = "netns", .ids = netns_ids, .run = netns_run};

static void
pipes_setup(void)
{
	ck_assert_int_eq(pipe(hang_pipe), 0);
	ck_assert_int_eq(pipe(hang_done), 0);
	disabled_runs = 0;
	report_extra = TRUE;
}

static void
pipes_teardown(void)
{
	/* releases any probe thread still blocked in hang_run() */
	for (guint i = 0; i < 2; i++) {
		if (hang_pipe[i] >= 0)
			close(hang_pipe[i]);
		hang_pipe[i] = -1;
	}
}

static void
release_hanging_probe(void)
{
	char c;

	close(hang_pipe[1]);
	hang_pipe[1] = -1;
	/* wait for the probe to have returned from run(): a blocking read, not a sleep */
	ck_assert_int_eq(read(hang_done[0], &c, 1), 1);
}

static const HcProbeResult *
result_at(GPtrArray *results, guint i)
{
	return g_ptr_array_index(results, i);
}

static const HcCapability *
cap_at(const HcProbeResult *res, guint i)
{
	ck_assert_uint_lt(i, res->capabilities->len);
	return g_ptr_array_index(res->capabilities, i);
}

static void
assert_sorted_and_owned(const HcProbeResult *res)
{
	for (guint i = 0; i < res->capabilities->len; i++) {
		const HcCapability *cap = cap_at(res, i);

		ck_assert_str_eq(cap->probe, res->probe);
		ck_assert(hc_capability_id_is_valid(cap->id));
		ck_assert_ptr_nonnull(cap->reason);
		if (i > 0)
			ck_assert_int_lt(strcmp(cap_at(res, i - 1)->id, cap->id), 0);
	}
	ck_assert_int_ge(res->duration_usec, 0);
}

START_TEST(test_complete_results)
{
	const HcProbeInfo *probes[] = {&probe_ok,
				       &probe_fail,
				       &probe_silent_fail,
				       &probe_forget,
				       &probe_invalid,
				       &probe_disabled,
				       &probe_table,
				       &probe_hang};
	const char *const disabled[] = {"disabled", NULL};
	HcEngineOptions opts = {.disabled_probes = disabled};
	g_autoptr(HcEngineRun) run = hc_engine_run_start(probes, G_N_ELEMENTS(probes), &opts);
	g_autoptr(GPtrArray) results = NULL;
	const HcProbeResult *res;

	ck_assert_int_ge(hc_engine_run_get_fd(run), 0);
	/* the hanging probe is blocked right now: neither call may wait for it */
	ck_assert(!hc_engine_run_dispatch(run));
	ck_assert(!hc_engine_run_is_done(run));
	ck_assert_uint_ne(hc_engine_run_get_next_deadline(run), G_MAXUINT64);
	hc_engine_run_wait(run);
	ck_assert(hc_engine_run_is_done(run));
	ck_assert_uint_eq(hc_engine_run_get_next_deadline(run), G_MAXUINT64);

	results = hc_engine_run_steal_results(run);
	ck_assert_uint_eq(results->len, G_N_ELEMENTS(probes));
	for (guint i = 0; i < results->len; i++) {
		ck_assert_str_eq(result_at(results, i)->probe, probes[i]->name);
		assert_sorted_and_owned(result_at(results, i));
	}

	res = result_at(results, 0);
	ck_assert_int_eq(res->status, HC_PROBE_STATUS_OK);
	ck_assert_ptr_null(res->error);
	ck_assert_uint_eq(res->capabilities->len, 3);
	ck_assert_str_eq(cap_at(res, 0)->id, "test.ok.a");
	ck_assert_int_eq(g_variant_get_int64(cap_at(res, 0)->value), 42);
	ck_assert_str_eq(cap_at(res, 2)->id, "test.ok.extra");

	res = result_at(results, 1);
	ck_assert_int_eq(res->status, HC_PROBE_STATUS_FAILED);
	ck_assert_str_eq(res->error, "open /dev/fake: boom");
	ck_assert_int_eq(cap_at(res, 0)->state, HC_CAP_STATE_SUPPORTED);
	ck_assert_str_eq(cap_at(res, 0)->reason, "got this far");
	ck_assert_str_eq(cap_at(res, 1)->id, "test.fail.b");
	ck_assert_int_eq(cap_at(res, 1)->state, HC_CAP_STATE_UNKNOWN);
	ck_assert_str_eq(cap_at(res, 1)->reason, "probe failed: open /dev/fake: boom");

	res = result_at(results, 2);
	ck_assert_int_eq(res->status, HC_PROBE_STATUS_FAILED);
	ck_assert_ptr_nonnull(res->error);
	ck_assert_int_eq(cap_at(res, 0)->state, HC_CAP_STATE_UNKNOWN);
	ck_assert(g_str_has_prefix(cap_at(res, 0)->reason, "probe failed: "));

	res = result_at(results, 3);
	ck_assert_int_eq(res->status, HC_PROBE_STATUS_OK);
	ck_assert_uint_eq(res->capabilities->len, 2);
	ck_assert_int_eq(cap_at(res, 0)->state, HC_CAP_STATE_UNSUPPORTED);
	ck_assert_str_eq(cap_at(res, 1)->id, "test.forget.b");
	ck_assert_int_eq(cap_at(res, 1)->state, HC_CAP_STATE_UNKNOWN);
	ck_assert_str_eq(cap_at(res, 1)->reason, "probe did not report it");

	res = result_at(results, 4);
	ck_assert_int_eq(res->status, HC_PROBE_STATUS_OK);
	ck_assert_uint_eq(res->capabilities->len, 1);
	ck_assert_str_eq(cap_at(res, 0)->id, "test.invalid.ok");

	res = result_at(results, 5);
	ck_assert_int_eq(res->status, HC_PROBE_STATUS_DISABLED);
	ck_assert_str_eq(res->error, "disabled by configuration");
	ck_assert_uint_eq(res->capabilities->len, 2);
	for (guint i = 0; i < 2; i++) {
		ck_assert_int_eq(cap_at(res, i)->state, HC_CAP_STATE_UNKNOWN);
		ck_assert_str_eq(cap_at(res, i)->reason, "probe disabled by configuration");
	}
	ck_assert_int_eq(g_atomic_int_get(&disabled_runs), 0);

	res = result_at(results, 6);
	ck_assert_uint_eq(res->capabilities->len, 2);
	ck_assert_str_eq(cap_at(res, 0)->id, "test.table.x");
	ck_assert_str_eq(cap_at(res, 0)->reason, "probe did not report it");
	ck_assert_int_eq(cap_at(res, 1)->state, HC_CAP_STATE_SUPPORTED);

	/* the hanging probe is still blocked in read(): reported, not joined */
	res = result_at(results, 7);
	ck_assert_int_eq(res->status, HC_PROBE_STATUS_TIMED_OUT);
	ck_assert_str_eq(res->error, "timed out after 200 ms");
	ck_assert_uint_eq(res->capabilities->len, 1);
	ck_assert_int_eq(cap_at(res, 0)->state, HC_CAP_STATE_UNKNOWN);
	ck_assert_str_eq(cap_at(res, 0)->reason, "probe timed out after 200 ms");
}
END_TEST

START_TEST(test_late_result_dropped)
{
	const HcProbeInfo *probes[] = {&probe_hang_default};
	HcEngineOptions opts = {.default_timeout_msec = 150};
	g_autoptr(HcEngineRun) run = hc_engine_run_start(probes, 1, &opts);
	g_autoptr(GPtrArray) results = NULL;
	struct pollfd pfd = {.fd = hc_engine_run_get_fd(run), .events = POLLIN};
	const HcProbeResult *res;

	hc_engine_run_wait(run);
	release_hanging_probe();
	/* the late result is posted on the eventfd: wait for it, then let dispatch drop it */
	ck_assert_int_eq(poll(&pfd, 1, -1), 1);
	ck_assert(hc_engine_run_dispatch(run));
	results = hc_engine_run_steal_results(run);
	res = result_at(results, 0);
	ck_assert_int_eq(res->status, HC_PROBE_STATUS_TIMED_OUT);
	ck_assert_str_eq(res->error, "timed out after 150 ms");
	ck_assert_int_eq(cap_at(res, 0)->state, HC_CAP_STATE_UNKNOWN);
	ck_assert_str_eq(cap_at(res, 0)->reason, "probe timed out after 150 ms");
}
END_TEST

START_TEST(test_free_while_running)
{
	const HcProbeInfo *probes[] = {&probe_hang, &probe_ok};
	HcEngineRun *run = hc_engine_run_start(probes, 2, NULL);

	/* the caller gives up at once; the blocked thread keeps the shared state alive */
	hc_engine_run_free(run);
	release_hanging_probe();
}
END_TEST

START_TEST(test_eventfd_signals_completion)
{
	const HcProbeInfo *probes[] = {&probe_ok};
	g_autoptr(HcEngineRun) run = hc_engine_run_start(probes, 1, NULL);
	struct pollfd pfd = {.fd = hc_engine_run_get_fd(run), .events = POLLIN};

	ck_assert(fcntl(pfd.fd, F_GETFD) & FD_CLOEXEC);
	ck_assert(fcntl(pfd.fd, F_GETFL) & O_NONBLOCK);
	/* no deadline involved: readiness alone says the probe finished */
	ck_assert_int_eq(poll(&pfd, 1, -1), 1);
	ck_assert(pfd.revents & POLLIN);
	ck_assert(hc_engine_run_dispatch(run));
	/* drained: not readable any more */
	pfd.revents = 0;
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
}
END_TEST

static const char *
string_value(const HcProbeResult *res, guint i)
{
	return g_variant_get_string(cap_at(res, i)->value, NULL);
}

START_TEST(test_thread_per_run)
{
	g_autofree char *mine = netns_of_this_thread();
	g_autofree char *mine_after = NULL;

	/* run after run: a pooled thread would start the second run inside the namespace the
	 * first one unshared into */
	for (guint i = 0; i < 3; i++) {
		g_autoptr(HcProbeResult) res = hc_engine_run_probe_sync(&probe_netns, NULL);

		ck_assert_msg(res->status == HC_PROBE_STATUS_OK, "%s", res->error);
		ck_assert_str_eq(string_value(res, 1), mine);
		ck_assert_str_ne(string_value(res, 0), mine);
	}
	/* and the caller never moves */
	mine_after = netns_of_this_thread();
	ck_assert_str_eq(mine_after, mine);
}
END_TEST

START_TEST(test_nothing_to_run)
{
	const char *const disabled[] = {"ok", NULL};
	HcEngineOptions opts = {.disabled_probes = disabled};
	const HcProbeInfo *probes[] = {&probe_ok};
	g_autoptr(HcEngineRun) none = hc_engine_run_start(NULL, 0, NULL);
	g_autoptr(HcEngineRun) all_disabled = hc_engine_run_start(probes, 1, &opts);
	struct pollfd pfd = {.fd = hc_engine_run_get_fd(all_disabled), .events = POLLIN};
	g_autoptr(GPtrArray) results = NULL;

	ck_assert(hc_engine_run_dispatch(none));
	results = hc_engine_run_steal_results(none);
	ck_assert_uint_eq(results->len, 0);
	/* a watcher must wake even when no thread was started */
	ck_assert_int_eq(poll(&pfd, 1, -1), 1);
	ck_assert(hc_engine_run_dispatch(all_disabled));
}
END_TEST

START_TEST(test_sync_with_sysroot)
{
	g_autofree char *root = g_dir_make_tmp("hc-engine-XXXXXX", NULL);
	g_autofree char *etc = g_build_filename(root, "etc", NULL);
	g_autofree char *marker = g_build_filename(etc, "marker", NULL);
	HcEngineOptions opts = {.sysroot = root, .qemu_user = "qemu"};
	g_autoptr(HcProbeResult) res = NULL;
	g_autoptr(HcProbeResult) missing = NULL;

	ck_assert_int_eq(g_mkdir_with_parents(etc, 0755), 0);
	ck_assert(g_file_set_contents(marker, "fixture-host\n", -1, NULL));
	res = hc_engine_run_probe_sync(&probe_sysroot, &opts);
	ck_assert_int_eq(res->status, HC_PROBE_STATUS_OK);
	ck_assert_str_eq(g_variant_get_string(cap_at(res, 0)->value, NULL), "fixture-host");
	ck_assert_str_eq(cap_at(res, 0)->reason, "read /etc/marker as qemu");

	unlink(marker);
	missing = hc_engine_run_probe_sync(&probe_sysroot, &opts);
	ck_assert_int_eq(missing->status, HC_PROBE_STATUS_FAILED);
	{
		g_autofree char *want =
		    g_strdup_printf("probe failed: open /etc/marker: %s", g_strerror(ENOENT));

		ck_assert_str_eq(cap_at(missing, 0)->reason, want);
	}
	rmdir(etc);
	rmdir(root);
}
END_TEST

START_TEST(test_apply_results)
{
	const HcProbeInfo *probes[] = {&probe_ok, &probe_forget};
	g_autoptr(HcSnapshot) snap = hc_snapshot_new();
	g_autoptr(HcEngineRun) first = hc_engine_run_start(probes, 2, NULL);
	g_autoptr(HcEngineRun) second = NULL;
	g_autoptr(GPtrArray) r1 = NULL;
	g_autoptr(GPtrArray) r2 = NULL;

	hc_snapshot_set_generation(snap, 3);
	hc_engine_run_wait(first);
	r1 = hc_engine_run_steal_results(first);
	hc_engine_apply_results(snap, r1);
	ck_assert_uint_eq(hc_snapshot_get_size(snap), 5);
	ck_assert_ptr_nonnull(hc_snapshot_lookup(snap, "test.ok.extra"));
	ck_assert_int_eq(hc_snapshot_lookup_probe(snap, "ok")->status, HC_PROBE_STATUS_OK);
	ck_assert_str_eq(hc_snapshot_lookup(snap, "test.forget.b")->probe, "forgetful");

	/* the next run of "ok" no longer reports its extra id: it leaves the snapshot */
	report_extra = FALSE;
	second = hc_engine_run_start(probes, 1, NULL);
	hc_engine_run_wait(second);
	r2 = hc_engine_run_steal_results(second);
	hc_engine_apply_results(snap, r2);
	ck_assert_uint_eq(hc_snapshot_get_size(snap), 4);
	ck_assert_ptr_null(hc_snapshot_lookup(snap, "test.ok.extra"));
	ck_assert_ptr_nonnull(hc_snapshot_lookup(snap, "test.forget.a"));
	ck_assert_uint_eq(hc_snapshot_get_generation(snap), 3);
	/* results stay the caller's */
	ck_assert_uint_eq(result_at(r2, 0)->capabilities->len, 2);
}
END_TEST

static char *
read_proc_line(const char *path)
{
	g_autofree char *contents = NULL;

	ck_assert(g_file_get_contents(path, &contents, NULL, NULL));
	return g_strdup(g_strstrip(contents));
}

START_TEST(test_fill_host_real)
{
	g_autoptr(HcSnapshot) snap = hc_snapshot_new();
	g_autofree char *release = read_proc_line("/proc/sys/kernel/osrelease");
	g_autofree char *hostname = read_proc_line("/proc/sys/kernel/hostname");
	g_autofree char *boot_id = read_proc_line("/proc/sys/kernel/random/boot_id");
	struct utsname uts;

	ck_assert_int_eq(uname(&uts), 0);
	hc_engine_fill_host(snap, NULL);
	ck_assert_str_eq(hc_snapshot_get_kernel(snap), release);
	ck_assert_str_eq(hc_snapshot_get_hostname(snap), hostname);
	ck_assert_str_eq(hc_snapshot_get_boot_id(snap), boot_id);
	ck_assert_str_eq(hc_snapshot_get_arch(snap), uts.machine);
}
END_TEST

START_TEST(test_fill_host_sysroot)
{
	g_autofree char *root = g_dir_make_tmp("hc-host-XXXXXX", NULL);
	g_autofree char *random_dir = g_build_filename(root, "proc/sys/kernel/random", NULL);
	g_autofree char *f_boot = g_build_filename(random_dir, "boot_id", NULL);
	g_autofree char *f_host = g_build_filename(root, "proc/sys/kernel/hostname", NULL);
	g_autofree char *f_rel = g_build_filename(root, "proc/sys/kernel/osrelease", NULL);
	g_autoptr(HcSnapshot) snap = hc_snapshot_new();
	g_autoptr(HcSnapshot) empty = hc_snapshot_new();
	g_autofree char *empty_root = g_dir_make_tmp("hc-host-XXXXXX", NULL);

	ck_assert_int_eq(g_mkdir_with_parents(random_dir, 0755), 0);
	ck_assert(g_file_set_contents(f_boot, "0b3e3cbe-0f5e-4bd0-8a3b-0123456789ab\n", -1, NULL));
	ck_assert(g_file_set_contents(f_host, "fixture1\n", -1, NULL));
	ck_assert(g_file_set_contents(f_rel, "5.14.0-427.el9.x86_64\n", -1, NULL));
	hc_engine_fill_host(snap, root);
	ck_assert_str_eq(hc_snapshot_get_boot_id(snap), "0b3e3cbe-0f5e-4bd0-8a3b-0123456789ab");
	ck_assert_str_eq(hc_snapshot_get_hostname(snap), "fixture1");
	ck_assert_str_eq(hc_snapshot_get_kernel(snap), "5.14.0-427.el9.x86_64");

	/* a tree without those files: no boot id rather than this machine's */
	hc_engine_fill_host(empty, empty_root);
	ck_assert_str_eq(hc_snapshot_get_boot_id(empty), "");
	ck_assert_str_ne(hc_snapshot_get_kernel(empty), "");

	unlink(f_boot);
	unlink(f_host);
	unlink(f_rel);
	rmdir(random_dir);
	rmdir(empty_root);
}
END_TEST

static Suite *
engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("run");
	TCase *host = tcase_create("host");

	tcase_add_checked_fixture(tc, pipes_setup, pipes_teardown);
	tcase_add_test(tc, test_complete_results);
	tcase_add_test(tc, test_late_result_dropped);
	tcase_add_test(tc, test_free_while_running);
	tcase_add_test(tc, test_eventfd_signals_completion);
	tcase_add_test(tc, test_thread_per_run);
	tcase_add_test(tc, test_nothing_to_run);
	tcase_add_test(tc, test_sync_with_sysroot);
	tcase_add_test(tc, test_apply_results);
	suite_add_tcase(s, tc);

	tcase_add_test(host, test_fill_host_real);
	tcase_add_test(host, test_fill_host_sysroot);
	suite_add_tcase(s, host);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(engine_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
