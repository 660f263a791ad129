/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hostcapctl against the real hostcapd on a private dbus-daemon: what the CLI
 * prints must be what the daemon says when asked directly (busctl/gdbus), and
 * the exit codes must tell "not here" (1), bad input (3) and "no daemon" (4)
 * apart.
 */
#include <check.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <signal.h>
#include <unistd.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-snapshot.h"

#include "hc-cli-test.h"
#include "hc-test-daemon.h"

static HcTestDaemon *td;

static void
setup(void)
{
	td = hc_test_daemon_new_started(NULL);
}

static void
teardown(void)
{
	g_clear_pointer(&td, hc_test_daemon_free);
}

/* hostcapctl --address ADDR ARGS… */
static HcCliRun *
ctl(const char *first, ...) G_GNUC_NULL_TERMINATED;
static HcCliRun *
ctl(const char *first, ...)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	va_list ap;

	g_ptr_array_add(args, "--address");
	g_ptr_array_add(args, td->address);
	va_start(ap, first);
	for (const char *a = first; a != NULL; a = va_arg(ap, const char *))
		g_ptr_array_add(args, (gpointer)a);
	va_end(ap);
	g_ptr_array_add(args, NULL);
	return hc_cli_runv((const char *const *)args->pdata);
}

/* Describe() asked with busctl, not through the code under test */
static char *
describe_by_busctl(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) data =
	    hc_test_daemon_busctl_call(td, HC_DBUS_INTERFACE, "Describe", NULL, &error);

	ck_assert_msg(data != NULL, "%s", error != NULL ? error->message : "");
	return g_strdup(json_array_get_string_element(json_node_get_array(data), 0));
}

static GVariant *
property(const char *name)
{
	g_autoptr(GError) error = NULL;
	GVariant *v = hc_test_daemon_get_property(td, name, &error);
	ck_assert_msg(v != NULL, "%s", error != NULL ? error->message : "");
	return v;
}

START_TEST(test_status_matches_properties)
{
	g_autoptr(HcCliRun) run = ctl("--json", "status", NULL);
	g_autoptr(HcCliRun) human = ctl("status", NULL);
	g_autoptr(GVariant) gen = property("Generation");
	g_autoptr(GVariant) fp = property("Fingerprint");
	g_autoptr(GVariant) state = property("State");
	g_autoptr(JsonNode) node = NULL;
	g_autofree char *fp_line = NULL;
	JsonObject *obj;

	ck_assert_int_eq(run->status, 0);
	node = hc_cli_parse_json(run->out);
	obj = json_node_get_object(node);
	ck_assert_str_eq(json_object_get_string_member(obj, "source"), "daemon");
	ck_assert_str_eq(json_object_get_string_member(obj, "state"),
			 g_variant_get_string(state, NULL));
	ck_assert_str_eq(json_object_get_string_member(obj, "fingerprint"),
			 g_variant_get_string(fp, NULL));
	ck_assert_int_eq(json_object_get_int_member(obj, "generation"),
			 (gint64)g_variant_get_uint64(gen));
	ck_assert_int_eq(human->status, 0);
	fp_line = g_strdup_printf("Fingerprint: %s", g_variant_get_string(fp, NULL));
	ck_assert_ptr_nonnull(strstr(human->out, fp_line));
	ck_assert_ptr_nonnull(strstr(human->out, "Last probe: "));
	ck_assert_ptr_nonnull(strstr(human->out, " ago"));
}
END_TEST

START_TEST(test_list_get_match_describe)
{
	g_autofree char *json = describe_by_busctl();
	g_autoptr(JsonNode) snap = hc_cli_parse_json(json);
	JsonObject *caps =
	    json_object_get_object_member(json_node_get_object(snap), "capabilities");
	g_autoptr(GList) ids = json_object_get_members(caps);
	g_autoptr(HcCliRun) list = ctl("list", "net.tun", NULL);
	g_autoptr(HcCliRun) get = ctl("--json", "get", "kvm.present", NULL);
	g_autoptr(JsonNode) got = NULL;
	JsonObject *want = json_object_get_object_member(caps, "kvm.present");
	guint expected = 0;

	for (GList *l = ids; l != NULL; l = l->next) {
		if (g_str_has_prefix(l->data, "net.tun."))
			expected++;
	}
	ck_assert_uint_gt(expected, 0);
	ck_assert_int_eq(list->status, 0);
	ck_assert_uint_eq(hc_cli_count_lines_with_prefix(list->out, "net.tun."), expected);
	ck_assert_uint_eq(hc_cli_count_lines_with_prefix(list->out, "net.tap."), 0);
	ck_assert_int_eq(get->status, 0);
	got = hc_cli_parse_json(get->out);
	ck_assert_ptr_nonnull(want);
	ck_assert_str_eq(json_object_get_string_member(json_node_get_object(got), "state"),
			 json_object_get_string_member(want, "state"));
	ck_assert_str_eq(json_object_get_string_member(json_node_get_object(got), "reason"),
			 json_object_get_string_member(want, "reason"));
}
END_TEST

START_TEST(test_absent_ids)
{
	g_autoptr(HcCliRun) typo = ctl("get", "kvm.presnt", NULL);
	g_autoptr(HcCliRun) prefix = ctl("list", "nosuch.family", NULL);

	ck_assert_int_eq(typo->status, 1);
	ck_assert_ptr_nonnull(strstr(typo->err, "did you mean 'kvm.present'"));
	ck_assert_int_eq(prefix->status, 1);
	ck_assert_ptr_nonnull(strstr(prefix->err, "nosuch.family"));
}
END_TEST

START_TEST(test_export_is_describe)
{
	g_autofree char *json = describe_by_busctl();
	g_autoptr(HcCliRun) run = ctl("export", NULL);
	g_autoptr(HcSnapshot) a = NULL;
	g_autoptr(HcSnapshot) b = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *na = NULL;
	g_autofree char *nb = NULL;

	ck_assert_int_eq(run->status, 0);
	a = hc_snapshot_from_json(json, strlen(json), &error);
	ck_assert_msg(a != NULL, "%s", error ? error->message : "");
	b = hc_snapshot_from_json(run->out, strlen(run->out), &error);
	ck_assert_msg(b != NULL, "%s", error ? error->message : "");
	na = hc_snapshot_to_json(a, TRUE);
	nb = hc_snapshot_to_json(b, TRUE);
	ck_assert_str_eq(na, nb);
}
END_TEST

START_TEST(test_refresh)
{
	g_autoptr(HcCliRun) run = ctl("--json", "refresh", "host", NULL);
	g_autoptr(HcCliRun) bad = ctl("refresh", "nosuchprobe", NULL);
	g_autoptr(GVariant) gen = NULL;
	g_autoptr(JsonNode) node = NULL;

	ck_assert_int_eq(run->status, 0);
	node = hc_cli_parse_json(run->out);
	gen = property("Generation");
	ck_assert_int_eq(json_object_get_int_member(json_node_get_object(node), "generation"),
			 (gint64)g_variant_get_uint64(gen));
	/* InvalidArgument from the daemon: bad input, with the daemon's message */
	ck_assert_int_eq(bad->status, 3);
	ck_assert_ptr_nonnull(strstr(bad->err, "nosuchprobe"));
}
END_TEST

/* reads one line from the monitor; blocks (bounded by the test timeout) */
static char *
read_line(GDataInputStream *in)
{
	g_autoptr(GError) error = NULL;
	char *line = g_data_input_stream_read_line_utf8(in, NULL, NULL, &error);
	ck_assert_msg(line != NULL, "monitor output ended: %s", error ? error->message : "EOF");
	return line;
}

START_TEST(test_monitor_follows_refresh)
{
	const char *argv[] = {NULL, "--address", td->address, "--json", "monitor", NULL};
	g_autoptr(GSubprocess) mon = NULL;
	g_autoptr(GDataInputStream) in = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(HcCliRun) refresh = NULL;
	g_autofree char *first = NULL;
	g_autoptr(JsonNode) first_node = NULL;
	gboolean saw_probing = FALSE;
	gboolean saw_ready = FALSE;

	argv[0] = hc_cli_test_get_binary();
	mon = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
	ck_assert_msg(mon != NULL, "%s", error ? error->message : "");
	in = g_data_input_stream_new(g_subprocess_get_stdout_pipe(mon));
	/* the first line comes once the matches are installed: no change can be
	 * missed */
	first = read_line(in);
	first_node = hc_cli_parse_json(first);
	ck_assert_str_eq(json_object_get_string_member(json_node_get_object(first_node), "event"),
			 "monitoring");
	refresh = ctl("refresh", NULL);
	ck_assert_int_eq(refresh->status, 0);
	while (!saw_ready) {
		g_autofree char *line = read_line(in);
		g_autoptr(JsonNode) node = hc_cli_parse_json(line);
		JsonObject *obj = json_node_get_object(node);
		const char *event = json_object_get_string_member(obj, "event");
		if (g_strcmp0(event, "property") != 0 ||
		    g_strcmp0(json_object_get_string_member(obj, "name"), "State") != 0)
			continue;
		if (g_strcmp0(json_object_get_string_member(obj, "value"), "probing") == 0)
			saw_probing = TRUE;
		else if (saw_probing &&
			 g_strcmp0(json_object_get_string_member(obj, "value"), "ready") == 0)
			saw_ready = TRUE;
	}
	g_subprocess_send_signal(mon, SIGINT);
	ck_assert(g_subprocess_wait(mon, NULL, &error));
	ck_assert(g_subprocess_get_if_exited(mon));
	ck_assert_int_eq(g_subprocess_get_exit_status(mon), 0);
}
END_TEST

/* CheckBootable through the daemon and the offline check on the daemon's own
 * snapshot judge the same host with the same catalogue: they must agree */
START_TEST(test_check_through_daemon)
{
	g_autofree char *spec = hc_cli_fixture("specs/q35-tap.json");
	g_autofree char *data = g_build_filename(g_getenv("HC_SOURCE_DIR"), "data", NULL);
	g_autofree char *snap = hc_test_daemon_path(td, "here.json");
	g_autoptr(HcCliRun) export = ctl("export", "-o", snap, NULL);
	g_autoptr(HcCliRun) bus = ctl("--json", "check", spec, NULL);
	g_autoptr(HcCliRun) offline =
	    hc_cli_run("--json", "--snapshot", snap, "--data-dir", data, "check", spec, NULL);
	g_autoptr(JsonNode) a = NULL;
	g_autoptr(JsonNode) b = NULL;

	ck_assert_int_eq(export->status, 0);
	ck_assert_msg(bus->status >= 0 && bus->status <= 2, "exit %d: %s", bus->status, bus->err);
	ck_assert_int_eq(bus->status, offline->status);
	a = hc_cli_parse_json(bus->out);
	b = hc_cli_parse_json(offline->out);
	ck_assert_str_eq(json_object_get_string_member(json_node_get_object(a), "verdict"),
			 json_object_get_string_member(json_node_get_object(b), "verdict"));
}
END_TEST

/* CheckMigration to the 6.1 fixture host: "no" exactly when this host
 * negotiates USO, as the daemon's own net.tap.uso (asked with busctl) says */
START_TEST(test_check_migration_through_daemon)
{
	g_autofree char *spec = hc_cli_fixture("specs/q35-tap.json");
	g_autofree char *old_host = hc_cli_fixture("hosts/linux-6.1-uso-no.json");
	g_autofree char *json = describe_by_busctl();
	g_autoptr(JsonNode) snap = hc_cli_parse_json(json);
	JsonObject *caps =
	    json_object_get_object_member(json_node_get_object(snap), "capabilities");
	JsonNode *uso = json_object_get_member(caps, "net.tap.uso");
	gboolean has_uso =
	    uso != NULL &&
	    g_strcmp0(json_object_get_string_member(json_node_get_object(uso), "state"),
		      "supported") == 0;
	g_autoptr(HcCliRun) run = ctl("check", "--target", old_host, spec, NULL);
	g_autoptr(HcCliRun) bad = ctl("check", "--target", spec, spec, NULL);

	if (has_uso) {
		ck_assert_int_eq(run->status, 1);
		ck_assert_ptr_nonnull(strstr(run->out, "host_uso=off"));
	} else {
		ck_assert_msg(run->status != 1 || strstr(run->out, "net.tap.uso") == NULL,
			      "USO blamed on a host without it:\n%s",
			      run->out);
	}
	/* a spec where a snapshot belongs: the daemon says InvalidArgument, exit 3 */
	ck_assert_int_eq(bad->status, 3);
	ck_assert_ptr_nonnull(strstr(bad->err, "$"));
}
END_TEST

/* bad input files, each written under the test's directory; "@" in the expected message
 * stands for the file's path */
static const struct {
	const char *content; /* NULL: binary garbage */
	gboolean as_target;  /* --target FILE with a good spec, else the spec itself */
	const char *message;
} bad_inputs[] = {
    {"", TRUE, "@: $: expected a value, got nothing"},
    {"{\"a\": 1}", TRUE, "@: $: not a hostcapd snapshot"},
    {"{\"machine\": \"pc-q35-9.0\",", TRUE, "@: $: invalid JSON: unexpected end of text"},
    {NULL, TRUE, "@: $: not valid UTF-8 text"},
    {NULL, FALSE, "spec @: $: not valid UTF-8 text"},
    {"{\"machine\": \"pc-q35-9.0\",", FALSE, "spec @: $: invalid JSON: unexpected end of text"},
    {"{\"format\": \"hostcapd-snapshot/1\", \"capabilities\": {}}",
     FALSE,
     "$: this is a hostcapd snapshot, not a VM spec; did you mean --target?"},
};

/* the same bad input gives exit 3 and the very same message offline and through the
 * daemon, and the message names the file the error is in (no D-Bus argument, no <data>) */
START_TEST(test_bad_input_same_both_ways)
{
	g_autofree char *spec = hc_cli_fixture("specs/q35-tap.json");
	g_autofree char *data = g_build_filename(g_getenv("HC_SOURCE_DIR"), "data", NULL);
	g_autofree char *snap = hc_test_daemon_path(td, "here.json");
	g_autofree char *file = hc_test_daemon_path(td, "input.json");
	g_autoptr(HcCliRun) export = ctl("export", "-o", snap, NULL);
	const char *content = bad_inputs[_i].content;
	const char *spec_arg = bad_inputs[_i].as_target ? spec : file;
	const char *target = bad_inputs[_i].as_target ? file : snap;
	g_autoptr(GString) want = g_string_new(bad_inputs[_i].message);
	g_autoptr(HcCliRun) bus = NULL;
	g_autoptr(HcCliRun) offline = NULL;
	static const char garbage[] = "{\"machine\": \"\xff\xfe\x80\"}";

	ck_assert_int_eq(export->status, 0);
	ck_assert(g_file_set_contents(file,
				      content != NULL ? content : garbage,
				      content != NULL ? -1 : (gssize)sizeof(garbage) - 1,
				      NULL));
	g_string_replace(want, "@", file, 0);
	bus = ctl("check", "--target", target, spec_arg, NULL);
	offline = hc_cli_run("--snapshot",
			     snap,
			     "--data-dir",
			     data,
			     "check",
			     "--target",
			     target,
			     spec_arg,
			     NULL);
	ck_assert_msg(bus->status == 3, "daemon: exit %d: %s", bus->status, bus->err);
	ck_assert_msg(offline->status == 3, "offline: exit %d: %s", offline->status, offline->err);
	ck_assert_str_eq(bus->err, offline->err);
	ck_assert_msg(strstr(bus->err, want->str) != NULL, "'%s' lacks '%s'", bus->err, want->str);
	ck_assert_ptr_null(strstr(bus->err, "<data>"));
	ck_assert_ptr_null(strstr(bus->err, "_json"));
	if (bad_inputs[_i].as_target)
		ck_assert_ptr_null(strstr(bus->err, "spec "));
}
END_TEST

/* an empty --target is bad input, not "this host" (the D-Bus API's empty string) */
START_TEST(test_empty_target_is_not_here)
{
	g_autofree char *spec = hc_cli_fixture("specs/q35-tap.json");
	g_autofree char *empty = hc_test_daemon_path(td, "empty.json");
	g_autoptr(HcCliRun) run = NULL;

	ck_assert(g_file_set_contents(empty, "", 0, NULL));
	run = ctl("check", "--target", empty, spec, NULL);
	ck_assert_int_eq(run->status, 3);
	ck_assert_str_eq(run->out, "");
}
END_TEST

START_TEST(test_daemon_gone)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(HcCliRun) run = NULL;
	int wait_status = 0;

	ck_assert_msg(hc_test_daemon_stop(td, &wait_status, &error), "%s", error->message);
	run = ctl("status", NULL);
	ck_assert_int_eq(run->status, 4);
	ck_assert_ptr_nonnull(strstr(run->err, HC_DBUS_NAME));
	/* what to do about it, not only what failed */
	ck_assert_ptr_nonnull(strstr(run->err, "hostcapd is not running"));
	ck_assert_ptr_nonnull(strstr(run->err, "start hostcapd.service, or use --no-daemon"));
}
END_TEST

/* monitor with no daemon on the bus says so instead of "generation 0, 0 capabilities" */
START_TEST(test_monitor_not_connected)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GSubprocess) mon = NULL;
	g_autoptr(GDataInputStream) in = NULL;
	g_autofree char *line = NULL;
	int wait_status = 0;

	ck_assert_msg(hc_test_daemon_stop(td, &wait_status, &error), "%s", error->message);
	mon = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE,
			       &error,
			       hc_cli_test_get_binary(),
			       "--address",
			       td->address,
			       "monitor",
			       NULL);
	ck_assert_msg(mon != NULL, "%s", error != NULL ? error->message : "");
	in = g_data_input_stream_new(g_subprocess_get_stdout_pipe(mon));
	line = g_data_input_stream_read_line_utf8(in, NULL, NULL, &error);
	ck_assert_msg(line != NULL, "%s", error != NULL ? error->message : "no line");
	ck_assert_msg(strstr(line, "hostcapd is not running; waiting for it") != NULL, "%s", line);
	ck_assert_ptr_null(strstr(line, "generation 0"));
	g_subprocess_send_signal(mon, SIGINT);
	ck_assert(g_subprocess_wait(mon, NULL, NULL));
}
END_TEST

/* ---- a daemon probing a sysroot the test owns, so the test can change a
 * capability ---- */

static char *sysroot;

static void
write_release(const char *release)
{
	g_autofree char *path = g_build_filename(sysroot, "proc/sys/kernel/osrelease", NULL);
	g_autofree char *contents = g_strdup_printf("%s\n", release);
	g_autoptr(GError) error = NULL;
	ck_assert_msg(g_file_set_contents(path, contents, -1, &error), "%s", error->message);
}

static void
setup_sysroot(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *kernel_dir = NULL;
	g_autofree char *arg = NULL;
	g_autofree char *state = NULL;
	const char *args[] = {NULL, NULL, NULL};

	td = hc_test_daemon_new(&error);
	ck_assert_msg(td != NULL, "%s", error != NULL ? error->message : "");
	sysroot = hc_test_daemon_path(td, "sysroot");
	kernel_dir = g_build_filename(sysroot, "proc", "sys", "kernel", NULL);
	ck_assert_int_eq(g_mkdir_with_parents(kernel_dir, 0755), 0);
	write_release("6.1.0-hc-cli-test");
	arg = g_strdup_printf("--sysroot=%s", sysroot);
	state = g_strdup_printf("--state-dir=%s/state", td->tmpdir);
	args[0] = arg;
	args[1] = state;
	ck_assert_msg(hc_test_daemon_start(td, args, &error), "%s", error->message);
}

static void
teardown_sysroot(void)
{
	g_clear_pointer(&td, hc_test_daemon_free);
	g_clear_pointer(&sysroot, g_free);
}

/* monitor prints the changed capability with its old and new value, taken from
 * the daemon */
START_TEST(test_monitor_capability_change)
{
	const char *argv[] = {NULL, "--address", td->address, "--json", "monitor", NULL};
	const char *human_argv[] = {NULL, "--address", td->address, "monitor", NULL};
	g_autoptr(GSubprocess) mon = NULL;
	g_autoptr(GSubprocess) human = NULL;
	g_autoptr(GDataInputStream) in = NULL;
	g_autoptr(GDataInputStream) human_in = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(HcCliRun) refresh = NULL;
	g_autofree char *first = NULL;
	g_autofree char *human_first = NULL;
	g_autofree char *human_line = NULL;
	JsonObject *change = NULL;
	g_autoptr(JsonNode) node = NULL;
	g_autoptr(GVariant) gen = NULL;

	argv[0] = human_argv[0] = hc_cli_test_get_binary();
	mon = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
	ck_assert_msg(mon != NULL, "%s", error ? error->message : "");
	human = g_subprocess_newv(human_argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
	ck_assert_msg(human != NULL, "%s", error ? error->message : "");
	in = g_data_input_stream_new(g_subprocess_get_stdout_pipe(mon));
	human_in = g_data_input_stream_new(g_subprocess_get_stdout_pipe(human));
	first = read_line(in);
	ck_assert_ptr_nonnull(strstr(first, "\"monitoring\""));
	human_first = read_line(human_in);
	ck_assert_ptr_nonnull(strstr(human_first, "monitoring hostcapd"));
	write_release("6.2.0-hc-cli-test");
	refresh = ctl("refresh", "host", NULL);
	ck_assert_int_eq(refresh->status, 0);
	while (change == NULL) {
		g_autofree char *line = read_line(in);
		g_clear_pointer(&node, json_node_unref);
		node = hc_cli_parse_json(line);
		if (g_strcmp0(json_object_get_string_member(json_node_get_object(node), "event"),
			      "capability") == 0 &&
		    g_strcmp0(json_object_get_string_member(json_node_get_object(node), "id"),
			      "host.kernel.release") == 0)
			change = json_node_get_object(node);
	}
	ck_assert_str_eq(
	    json_object_get_string_member(json_object_get_object_member(change, "old"), "value"),
	    "6.1.0-hc-cli-test");
	ck_assert_str_eq(
	    json_object_get_string_member(json_object_get_object_member(change, "new"), "value"),
	    "6.2.0-hc-cli-test");
	gen = property("Generation");
	ck_assert_int_eq(json_object_get_int_member(change, "generation"),
			 (gint64)g_variant_get_uint64(gen));
	g_subprocess_send_signal(mon, SIGINT);
	ck_assert(g_subprocess_wait(mon, NULL, &error));
	ck_assert_int_eq(g_subprocess_get_exit_status(mon), 0);
	/* the same change for a person: one line, old → new, with the new reason */
	while (human_line == NULL || strstr(human_line, "host.kernel.release") == NULL) {
		g_free(human_line);
		human_line = read_line(human_in);
	}
	ck_assert_msg(strstr(human_line,
			     ": host.kernel.release: supported (6.1.0-hc-cli-test) → supported "
			     "(6.2.0-hc-cli-test)") != NULL,
		      "%s",
		      human_line);
	g_subprocess_send_signal(human, SIGINT);
	ck_assert(g_subprocess_wait(human, NULL, &error));
	ck_assert_int_eq(g_subprocess_get_exit_status(human), 0);
}
END_TEST

/* the daemon records the change; hostcapctl history reads it back, filtered by prefix */
START_TEST(test_history_after_change)
{
	g_autofree char *file = g_build_filename(td->tmpdir, "state", "history.jsonl", NULL);
	g_autoptr(HcCliRun) refresh = NULL;
	g_autoptr(HcCliRun) human = NULL;
	g_autoptr(HcCliRun) json = NULL;
	g_autoptr(JsonNode) node = NULL;
	JsonArray *entries;
	JsonArray *changes;
	JsonObject *last;

	write_release("6.2.0-hc-cli-test");
	refresh = ctl("refresh", "host", NULL);
	ck_assert_int_eq(refresh->status, 0);
	human = hc_cli_run("history", "--file", file, "host.kernel.release", NULL);
	ck_assert_msg(human->status == 0, "%s", human->err);
	ck_assert_msg(strstr(human->out,
			     "  host.kernel.release: supported (6.1.0-hc-cli-test) → "
			     "supported (6.2.0-hc-cli-test)") != NULL,
		      "%s",
		      human->out);
	json = hc_cli_run("--json", "history", "--file", file, "host.kernel.release", NULL);
	ck_assert_int_eq(json->status, 0);
	node = hc_cli_parse_json(json->out);
	entries = json_node_get_array(node);
	ck_assert_uint_ge(json_array_get_length(entries), 1);
	last = json_array_get_object_element(entries, json_array_get_length(entries) - 1);
	/* only the selected id is left in the entry */
	changes = json_object_get_array_member(last, "changes");
	ck_assert_uint_eq(json_array_get_length(changes), 1);
	ck_assert_str_eq(
	    json_object_get_string_member(json_array_get_object_element(changes, 0), "id"),
	    "host.kernel.release");
	ck_assert_str_eq(json_object_get_string_member(last, "kernel"), "6.2.0-hc-cli-test");
}
END_TEST

static Suite *
cli_bus_suite(void)
{
	Suite *s = suite_create("cli-bus");
	TCase *tc = tcase_create("bus");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_status_matches_properties);
	tcase_add_test(tc, test_list_get_match_describe);
	tcase_add_test(tc, test_absent_ids);
	tcase_add_test(tc, test_export_is_describe);
	tcase_add_test(tc, test_refresh);
	tcase_add_test(tc, test_monitor_follows_refresh);
	tcase_add_test(tc, test_check_through_daemon);
	tcase_add_test(tc, test_check_migration_through_daemon);
	tcase_add_test(tc, test_daemon_gone);
	tcase_add_test(tc, test_monitor_not_connected);
	tcase_add_loop_test(tc, test_bad_input_same_both_ways, 0, G_N_ELEMENTS(bad_inputs));
	tcase_add_test(tc, test_empty_target_is_not_here);
	suite_add_tcase(s, tc);
	tc = tcase_create("sysroot");
	tcase_add_checked_fixture(tc, setup_sysroot, teardown_sysroot);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_monitor_capability_change);
	tcase_add_test(tc, test_history_after_change);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_cli_test_main(argc, argv, cli_bus_suite());
}
