/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hostcapctl's offline verbs, run as a subprocess the way an operator runs them: on the
 * snapshot fixtures (--snapshot) and on this machine's kernel (--no-daemon). Expectations
 * come from reading the fixture JSON with json-glib, or from the kernel directly.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "hostcap/hc-snapshot.h"

#include "hc-cli-test.h"

#define OLD_HOST "hosts/linux-6.1-uso-no.json"
#define NEW_HOST "hosts/linux-6.18-uso-yes.json"

static JsonObject *
fixture_capabilities(JsonNode *root)
{
	return json_object_get_object_member(json_node_get_object(root), "capabilities");
}

START_TEST(test_list_prefix)
{
	g_autofree char *path = hc_cli_fixture(OLD_HOST);
	g_autoptr(JsonNode) root = hc_cli_load_json(path);
	g_autoptr(GList) ids = json_object_get_members(fixture_capabilities(root));
	g_autoptr(HcCliRun) run = hc_cli_run("--snapshot", path, "list", "net.tap", NULL);
	guint expected = 0;

	for (GList *l = ids; l != NULL; l = l->next) {
		if (g_str_has_prefix(l->data, "net.tap."))
			expected++;
	}
	ck_assert_uint_gt(expected, 3);
	ck_assert_int_eq(run->status, 0);
	/* header plus exactly the net.tap.* rows: no net.tun.*, nothing else */
	ck_assert_uint_eq(hc_cli_count_lines_with_prefix(run->out, "ID "), 1);
	ck_assert_uint_eq(hc_cli_count_lines_with_prefix(run->out, "net.tap."), expected);
	ck_assert_uint_eq(hc_cli_count_lines_with_prefix(run->out, "net.tun."), 0);
	ck_assert_ptr_nonnull(strstr(run->out, "TUNSETOFFLOAD(CSUM|USO4|USO6): Invalid argument"));
}
END_TEST

START_TEST(test_list_prefix_is_dotted)
{
	g_autofree char *path = hc_cli_fixture(OLD_HOST);
	/* "net.ta" is not a dotted prefix of anything: nothing listed, exit 1 */
	g_autoptr(HcCliRun) run = hc_cli_run("--snapshot", path, "list", "net.ta", NULL);
	g_autoptr(HcCliRun) two = hc_cli_run("--snapshot", path, "list", "kvm", "host.arch", NULL);

	ck_assert_int_eq(run->status, 1);
	ck_assert_str_eq(run->out, "");
	ck_assert_ptr_nonnull(strstr(run->err, "no capability matches 'net.ta'"));
	ck_assert_int_eq(two->status, 0);
	ck_assert_uint_eq(hc_cli_count_lines_with_prefix(two->out, "host.arch "), 1);
	ck_assert_uint_eq(hc_cli_count_lines_with_prefix(two->out, "host."), 1);
	ck_assert_uint_ge(hc_cli_count_lines_with_prefix(two->out, "kvm."), 4);
}
END_TEST

START_TEST(test_list_json)
{
	g_autofree char *path = hc_cli_fixture(NEW_HOST);
	g_autoptr(JsonNode) fixture = hc_cli_load_json(path);
	g_autoptr(HcCliRun) run = hc_cli_run("--json", "--snapshot", path, "list", "net", NULL);
	g_autoptr(JsonNode) out = NULL;
	JsonObject *caps = fixture_capabilities(fixture);
	JsonObject *obj;
	g_autoptr(GList) members = NULL;

	ck_assert_int_eq(run->status, 0);
	out = hc_cli_parse_json(run->out);
	obj = json_node_get_object(out);
	members = json_object_get_members(obj);
	ck_assert_uint_gt(g_list_length(members), 0);
	for (GList *l = members; l != NULL; l = l->next) {
		JsonObject *want = json_object_get_object_member(caps, l->data);
		JsonObject *got = json_object_get_object_member(obj, l->data);
		ck_assert_msg(g_str_has_prefix(l->data, "net."), "%s listed", (char *)l->data);
		ck_assert_ptr_nonnull(want);
		ck_assert_str_eq(json_object_get_string_member(got, "state"),
				 json_object_get_string_member(want, "state"));
		ck_assert_str_eq(json_object_get_string_member(got, "reason"),
				 json_object_get_string_member(want, "reason"));
	}
}
END_TEST

START_TEST(test_get_missing_did_you_mean)
{
	g_autofree char *path = hc_cli_fixture(NEW_HOST);
	g_autoptr(HcCliRun) typo = hc_cli_run("--snapshot", path, "get", "net.tap.usoo", NULL);
	g_autoptr(HcCliRun) part = hc_cli_run("--snapshot", path, "get", "uso", NULL);
	g_autoptr(HcCliRun) none = hc_cli_run("--snapshot", path, "get", "zzz.qqq.www", NULL);
	g_autoptr(HcCliRun) family = hc_cli_run("--snapshot", path, "get", "net.tap", NULL);

	ck_assert_int_eq(typo->status, 1);
	ck_assert_str_eq(typo->out, "");
	ck_assert_ptr_nonnull(strstr(typo->err, "no capability 'net.tap.usoo'"));
	ck_assert_ptr_nonnull(strstr(typo->err, "did you mean 'net.tap.uso'"));
	ck_assert_int_eq(part->status, 1);
	ck_assert_ptr_nonnull(strstr(part->err, "did you mean 'net.tap.uso'"));
	ck_assert_int_eq(none->status, 1);
	ck_assert_ptr_null(strstr(none->err, "did you mean"));
	ck_assert_int_eq(family->status, 1);
	ck_assert_ptr_nonnull(strstr(family->err, "hostcapctl list net.tap"));
}
END_TEST

START_TEST(test_get_present)
{
	g_autofree char *path = hc_cli_fixture(OLD_HOST);
	g_autoptr(HcCliRun) human = hc_cli_run("--snapshot", path, "get", "net.tap.uso", NULL);
	g_autoptr(HcCliRun) json =
	    hc_cli_run("--snapshot", path, "--json", "get", "kvm.vcpus.max", NULL);
	g_autoptr(JsonNode) node = NULL;
	JsonObject *obj;

	ck_assert_int_eq(human->status, 0);
	ck_assert_ptr_nonnull(strstr(human->out, "State: unsupported"));
	ck_assert_ptr_nonnull(
	    strstr(human->out, "Reason: TUNSETOFFLOAD(CSUM|USO4|USO6): Invalid argument"));
	ck_assert_ptr_nonnull(strstr(human->out, "Probe: tap"));
	ck_assert_int_eq(json->status, 0);
	node = hc_cli_parse_json(json->out);
	obj = json_node_get_object(node);
	ck_assert_str_eq(json_object_get_string_member(obj, "id"), "kvm.vcpus.max");
	ck_assert_int_eq(json_object_get_int_member(obj, "value"), 710);
}
END_TEST

/* export prints the snapshot: what it writes reads back to the very same document */
START_TEST(test_export_round_trip)
{
	const char *fixtures[] = {OLD_HOST, NEW_HOST};
	for (guint i = 0; i < G_N_ELEMENTS(fixtures); i++) {
		g_autofree char *path = hc_cli_fixture(fixtures[i]);
		g_autofree char *tmpdir = g_dir_make_tmp("hc-cli-XXXXXX", NULL);
		g_autofree char *outfile = g_build_filename(tmpdir, "out.json", NULL);
		g_autoptr(HcCliRun) run = hc_cli_run("--snapshot", path, "export", NULL);
		g_autoptr(HcCliRun) to_file =
		    hc_cli_run("--snapshot", path, "export", "-o", outfile, NULL);
		g_autoptr(HcSnapshot) a = NULL;
		g_autoptr(HcSnapshot) b = NULL;
		g_autoptr(GError) error = NULL;
		g_autofree char *fixture_text = NULL;
		g_autofree char *file_text = NULL;
		g_autofree char *norm_a = NULL;
		g_autofree char *norm_b = NULL;

		ck_assert_int_eq(run->status, 0);
		ck_assert_int_eq(to_file->status, 0);
		ck_assert(g_file_get_contents(path, &fixture_text, NULL, NULL));
		ck_assert(g_file_get_contents(outfile, &file_text, NULL, NULL));
		ck_assert_str_eq(run->out, file_text);
		a = hc_snapshot_from_json(fixture_text, strlen(fixture_text), &error);
		ck_assert_msg(a != NULL, "%s", error ? error->message : "");
		b = hc_snapshot_from_json(run->out, strlen(run->out), &error);
		ck_assert_msg(b != NULL, "%s", error ? error->message : "");
		norm_a = hc_snapshot_to_json(a, TRUE);
		norm_b = hc_snapshot_to_json(b, TRUE);
		ck_assert_str_eq(norm_a, norm_b);
		g_unlink(outfile);
		g_rmdir(tmpdir);
	}
}
END_TEST

START_TEST(test_status_snapshot)
{
	g_autofree char *path = hc_cli_fixture(OLD_HOST);
	g_autoptr(JsonNode) fixture = hc_cli_load_json(path);
	JsonObject *root = json_node_get_object(fixture);
	g_autoptr(HcCliRun) run = hc_cli_run("--snapshot", path, "status", NULL);
	g_autoptr(HcCliRun) json = hc_cli_run("--snapshot", path, "--json", NULL);
	g_autofree char *fp_line =
	    g_strdup_printf("Fingerprint: %s", json_object_get_string_member(root, "fingerprint"));
	g_autoptr(JsonNode) node = NULL;
	JsonObject *status;
	JsonArray *unknown;

	ck_assert_int_eq(run->status, 0);
	ck_assert_ptr_nonnull(strstr(run->out, fp_line));
	ck_assert_ptr_nonnull(strstr(run->out, "Generation: 3"));
	ck_assert_ptr_nonnull(strstr(run->out, "Kernel: 6.1.0-27-amd64 (x86_64)"));
	/* the unknown capability is listed with its reason */
	ck_assert_ptr_nonnull(strstr(run->out, "net.tap.steering_ebpf"));
	ck_assert_ptr_nonnull(
	    strstr(run->out, "BPF_PROG_LOAD, SOCKET_FILTER): Operation not permitted"));
	/* status is the default verb */
	ck_assert_int_eq(json->status, 0);
	node = hc_cli_parse_json(json->out);
	status = json_node_get_object(node);
	ck_assert_str_eq(json_object_get_string_member(status, "source"), "snapshot");
	ck_assert_int_eq(json_object_get_int_member(status, "generation"), 3);
	unknown = json_object_get_array_member(status, "unknown");
	ck_assert_uint_eq(json_array_get_length(unknown), 1);
	ck_assert_int_eq(
	    json_object_get_int_member(json_object_get_object_member(status, "counts"), "unknown"),
	    1);
}
END_TEST

START_TEST(test_malformed_snapshot)
{
	g_autofree char *tmpdir = g_dir_make_tmp("hc-cli-XXXXXX", NULL);
	g_autofree char *bad = g_build_filename(tmpdir, "bad.json", NULL);
	g_autofree char *notjson = g_build_filename(tmpdir, "notjson.json", NULL);
	g_autofree char *missing = g_build_filename(tmpdir, "missing.json", NULL);
	const char *text = "{\"format\": \"hostcapd-snapshot/1\", \"capabilities\": "
			   "{\"kvm.present\": {\"state\": \"maybe\", \"reason\": \"x\"}}}";
	g_autoptr(HcCliRun) r1 = NULL;
	g_autoptr(HcCliRun) r2 = NULL;
	g_autoptr(HcCliRun) r3 = NULL;

	ck_assert(g_file_set_contents(bad, text, -1, NULL));
	ck_assert(g_file_set_contents(notjson, "{\"format\": ", -1, NULL));
	r1 = hc_cli_run("--snapshot", bad, "list", NULL);
	r2 = hc_cli_run("--snapshot", notjson, "status", NULL);
	r3 = hc_cli_run("--snapshot", missing, "get", "kvm.present", NULL);

	ck_assert_int_eq(r1->status, 3);
	ck_assert_str_eq(r1->out, "");
	ck_assert_msg(strstr(r1->err, bad) != NULL, "file not named: %s", r1->err);
	ck_assert_msg(strstr(r1->err, "$.capabilities") != NULL, "no JSON path: %s", r1->err);
	ck_assert_msg(strstr(r1->err, "kvm.present") != NULL, "no id: %s", r1->err);
	ck_assert_int_eq(r2->status, 3);
	ck_assert_msg(strstr(r2->err, notjson) != NULL, "file not named: %s", r2->err);
	ck_assert_int_eq(r3->status, 3);
	ck_assert_msg(strstr(r3->err, missing) != NULL, "file not named: %s", r3->err);
	g_unlink(bad);
	g_unlink(notjson);
	g_rmdir(tmpdir);
}
END_TEST

/* the in-process probe run agrees with the kernel: kvm.present iff /dev/kvm opens rw */
START_TEST(test_no_daemon_kvm)
{
	g_autoptr(HcCliRun) run = hc_cli_run("--no-daemon", "--json", "list", "kvm", NULL);
	g_autoptr(JsonNode) node = NULL;
	JsonObject *present;
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int errsv = errno;
	const char *state;

	if (fd >= 0)
		close(fd);
	ck_assert_int_eq(run->status, 0);
	node = hc_cli_parse_json(run->out);
	present = json_object_get_object_member(json_node_get_object(node), "kvm.present");
	ck_assert_msg(present != NULL, "kvm.present not listed: %s", run->out);
	state = json_object_get_string_member(present, "state");
	if (fd >= 0)
		ck_assert_str_eq(state, "supported");
	else
		ck_assert_msg(g_strcmp0(state, "supported") != 0,
			      "open /dev/kvm failed (%s) but hostcapctl says supported",
			      g_strerror(errsv));
}
END_TEST

/* a sysroot without /dev/kvm: by --sysroot and by HOSTCAPD_SYSROOT */
START_TEST(test_no_daemon_sysroot)
{
	g_autofree char *sysroot = hc_cli_fixture("sysroots/no-kvm");
	g_autofree char *devkvm = g_build_filename(sysroot, "dev", "kvm", NULL);
	const char *args[] = {"--no-daemon", "--json", "get", "kvm.present", NULL};
	const char *env[] = {"HOSTCAPD_SYSROOT", sysroot, NULL};
	g_autoptr(HcCliRun) by_opt =
	    hc_cli_run("--no-daemon", "--sysroot", sysroot, "--json", "get", "kvm.present", NULL);
	g_autoptr(HcCliRun) by_env = hc_cli_runv_env(env, args);
	HcCliRun *runs[] = {by_opt, by_env};

	ck_assert(!g_file_test(devkvm, G_FILE_TEST_EXISTS));
	for (guint i = 0; i < G_N_ELEMENTS(runs); i++) {
		g_autoptr(JsonNode) node = NULL;
		JsonObject *obj;
		ck_assert_int_eq(runs[i]->status, 0);
		node = hc_cli_parse_json(runs[i]->out);
		obj = json_node_get_object(node);
		ck_assert_str_ne(json_object_get_string_member(obj, "state"), "supported");
		ck_assert_msg(strstr(json_object_get_string_member(obj, "reason"), "/dev/kvm") !=
				  NULL,
			      "reason does not name /dev/kvm: %s",
			      json_object_get_string_member(obj, "reason"));
	}
}
END_TEST

START_TEST(test_usage_and_unreachable)
{
	g_autoptr(HcCliRun) verb = hc_cli_run("frobnicate", NULL);
	g_autoptr(HcCliRun) typo = hc_cli_run("lst", NULL);
	g_autoptr(HcCliRun) nargs = hc_cli_run("--no-daemon", "get", NULL);
	g_autoptr(HcCliRun) opt = hc_cli_run("--frobnicate", "list", NULL);
	g_autoptr(HcCliRun) bus =
	    hc_cli_run("--address", "unix:path=/nonexistent/hostcapd-test-bus", "list", NULL);
	g_autoptr(HcCliRun) help = hc_cli_run("--help", NULL);

	ck_assert_int_eq(verb->status, 3);
	ck_assert_ptr_nonnull(strstr(verb->err, "unknown command 'frobnicate'"));
	ck_assert_int_eq(typo->status, 3);
	ck_assert_ptr_nonnull(strstr(typo->err, "did you mean 'list'"));
	ck_assert_int_eq(nargs->status, 3);
	ck_assert_ptr_nonnull(strstr(nargs->err, "usage: get ID"));
	ck_assert_int_eq(opt->status, 3);
	ck_assert_int_eq(bus->status, 4);
	ck_assert_ptr_nonnull(strstr(bus->err, "/nonexistent/hostcapd-test-bus"));
	ck_assert_int_eq(help->status, 0);
	ck_assert_ptr_nonnull(strstr(help->out, "4 daemon unreachable"));
}
END_TEST

/* the change log: every entry, filtered by prefix, and strict about malformed lines */
START_TEST(test_history)
{
	g_autofree char *path = hc_cli_fixture("history/uso-upgrade.jsonl");
	g_autoptr(HcCliRun) all = hc_cli_run("history", "--file", path, NULL);
	g_autoptr(HcCliRun) tap = hc_cli_run("history", "--file", path, "net.tap.uso", NULL);
	g_autoptr(HcCliRun) json = hc_cli_run("--json", "history", "--file", path, "kvm", NULL);
	g_autoptr(JsonNode) node = NULL;
	JsonArray *entries;

	ck_assert_int_eq(all->status, 0);
	/* the first entry sets everything at once: one line, not one per capability */
	ck_assert_uint_eq(hc_cli_count_lines_with_prefix(all->out, "  "), 4);
	ck_assert_ptr_nonnull(
	    strstr(all->out, "  first snapshot: 2 capabilities (1 supported, 1 unsupported)\n"));
	ck_assert_ptr_null(strstr(all->out, "(absent) →"));
	ck_assert_ptr_nonnull(
	    strstr(all->out, "  net.tap.uso: unsupported (no) → supported (yes)"));
	ck_assert_ptr_nonnull(strstr(all->out, "  kvm.present: supported (yes) → unknown"));
	ck_assert_ptr_nonnull(strstr(all->out, "generation 2  kernel 6.18.44  boot 11111111"));
	ck_assert_int_eq(tap->status, 0);
	ck_assert_uint_eq(hc_cli_count_lines_with_prefix(tap->out, "  net.tap.uso: "), 2);
	ck_assert_uint_eq(hc_cli_count_lines_with_prefix(tap->out, "  "), 2);
	ck_assert_int_eq(json->status, 0);
	node = hc_cli_parse_json(json->out);
	entries = json_node_get_array(node);
	/* generation 2 only changed net.tap.*: it is dropped, the other two remain */
	ck_assert_uint_eq(json_array_get_length(entries), 2);
	ck_assert_int_eq(
	    json_object_get_int_member(json_array_get_object_element(entries, 1), "generation"),
	    3);
}
END_TEST

START_TEST(test_history_malformed)
{
	g_autofree char *tmpdir = g_dir_make_tmp("hc-cli-XXXXXX", NULL);
	g_autofree char *bad = g_build_filename(tmpdir, "history.jsonl", NULL);
	g_autofree char *missing = g_build_filename(tmpdir, "none.jsonl", NULL);
	const char *text = "{\"time_usec\": 1, \"boot_id\": \"b\", \"kernel\": \"k\", "
			   "\"generation\": 1, \"changes\": []}\n"
			   "{\"time_usec\": 2, \"boot_id\": \"b\", \"kernel\": \"k\", "
			   "\"generation\": 2, \"changes\": [{\"id\": \"kvm.present\", "
			   "\"old\": null, \"new\": {\"state\": \"maybe\"}}]}\n"
			   "{\"time_usec\": 3, \"boot_id\": \"b\", \"kernel\": \"k\", "
			   "\"generation\": 3, \"generation\": 4, \"changes\": []}\n"
			   "{\"time_usec\": 5, \"boot_id\": \"b\", \"kernel\": \"k\", "
			   "\"generation\": 5, \"changes\": []}\n"
			   /* a torn last line, as a full disk left it before writes were whole */
			   "{\"time_usec\": 6, \"boot_id\": \"b\", \"ker";
	g_autoptr(HcCliRun) run = NULL;
	g_autoptr(HcCliRun) gone = NULL;
	g_autofree char *where = NULL;

	ck_assert(g_file_set_contents(bad, text, -1, NULL));
	run = hc_cli_run("history", "--file", bad, NULL);
	gone = hc_cli_run("history", "--file", missing, NULL);
	/* each bad line is reported with its place and skipped; the good ones are shown */
	where = g_strdup_printf("%s:2: $.changes[0].new.state", bad);
	ck_assert_int_eq(run->status, 0);
	ck_assert_msg(strstr(run->err, where) != NULL, "expected '%s' in: %s", where, run->err);
	g_free(where);
	where = g_strdup_printf("%s:3: $.generation: invalid JSON: duplicate member name", bad);
	ck_assert_msg(strstr(run->err, where) != NULL, "expected '%s' in: %s", where, run->err);
	g_free(where);
	where = g_strdup_printf("%s:5: $: invalid JSON: unterminated string", bad);
	ck_assert_msg(strstr(run->err, where) != NULL, "expected '%s' in: %s", where, run->err);
	ck_assert_msg(strstr(run->out, "generation 1 ") != NULL, "%s", run->out);
	ck_assert_msg(strstr(run->out, "generation 5 ") != NULL, "%s", run->out);
	ck_assert_msg(strstr(run->out, "generation 3 ") == NULL, "%s", run->out);
	ck_assert_int_eq(gone->status, 3);
	ck_assert_ptr_nonnull(strstr(gone->err, missing));
	g_unlink(bad);
	g_rmdir(tmpdir);
}
END_TEST

static JsonObject *
member_object(JsonObject *obj, const char *name)
{
	JsonNode *node = json_object_get_member(obj, name);
	return node != NULL && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
}

/* ids whose state or value differ between two fixture documents, read with json-glib */
static GHashTable *
independent_diff(JsonObject *a, JsonObject *b)
{
	GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	JsonObject *sides[] = {a, b};

	for (guint s = 0; s < 2; s++) {
		g_autoptr(GList) members = json_object_get_members(sides[s]);
		for (GList *l = members; l != NULL; l = l->next) {
			JsonObject *ca = member_object(a, l->data);
			JsonObject *cb = member_object(b, l->data);
			JsonNode *va = ca != NULL ? json_object_get_member(ca, "value") : NULL;
			JsonNode *vb = cb != NULL ? json_object_get_member(cb, "value") : NULL;
			gboolean same = ca != NULL && cb != NULL &&
					g_str_equal(json_object_get_string_member(ca, "state"),
						    json_object_get_string_member(cb, "state")) &&
					((va == NULL && vb == NULL) ||
					 (va != NULL && vb != NULL && json_node_equal(va, vb)));
			if (!same)
				g_hash_table_add(ids, g_strdup(l->data));
		}
	}
	return ids;
}

/* catalogue features whose requires text names @cap_id as a whole token */
static GHashTable *
features_naming(const char *cap_id)
{
	g_autofree char *dir = NULL;
	g_autoptr(GDir) d = NULL;
	g_autofree char *quoted = g_regex_escape_string(cap_id, -1);
	g_autofree char *pattern = g_strdup_printf("(?<![a-z0-9_.-])%s(?![a-z0-9_.-])", quoted);
	g_autoptr(GRegex) re = g_regex_new(pattern, 0, 0, NULL);
	GHashTable *out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	const char *name;

	dir = g_build_filename(g_getenv("HC_SOURCE_DIR"), "data", "features.d", NULL);
	d = g_dir_open(dir, 0, NULL);
	ck_assert_ptr_nonnull(d);
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = g_build_filename(dir, name, NULL);
		g_autoptr(JsonNode) root = NULL;
		JsonObject *features;
		g_autoptr(GList) ids = NULL;
		if (!g_str_has_suffix(name, ".json"))
			continue;
		root = hc_cli_load_json(path);
		features = json_object_get_object_member(json_node_get_object(root), "features");
		ids = json_object_get_members(features);
		for (GList *l = ids; l != NULL; l = l->next) {
			JsonObject *f = json_object_get_object_member(features, l->data);
			const char *req = json_object_has_member(f, "requires")
					      ? json_object_get_string_member(f, "requires")
					      : NULL;
			if (req != NULL && g_regex_match(re, req, 0, NULL))
				g_hash_table_add(out, g_strdup(l->data));
		}
	}
	return out;
}

START_TEST(test_diff)
{
	g_autofree char *a = hc_cli_fixture(OLD_HOST);
	g_autofree char *b = hc_cli_fixture(NEW_HOST);
	g_autofree char *data = g_build_filename(g_getenv("HC_SOURCE_DIR"), "data", NULL);
	g_autoptr(JsonNode) fa = hc_cli_load_json(a);
	g_autoptr(JsonNode) fb = hc_cli_load_json(b);
	g_autoptr(GHashTable) want =
	    independent_diff(fixture_capabilities(fa), fixture_capabilities(fb));
	g_autoptr(GHashTable) uso_features = features_naming("net.tap.uso");
	g_autoptr(HcCliRun) json = hc_cli_run("--json", "--data-dir", data, "diff", a, b, NULL);
	g_autoptr(HcCliRun) human = hc_cli_run("--data-dir", data, "diff", a, b, NULL);
	g_autoptr(HcCliRun) same = hc_cli_run("--data-dir", data, "diff", a, a, NULL);
	g_autoptr(JsonNode) node = NULL;
	JsonArray *diffs;
	guint uso_marks = 0;

	ck_assert_int_eq(json->status, 1);
	node = hc_cli_parse_json(json->out);
	diffs = json_object_get_array_member(json_node_get_object(node), "differences");
	ck_assert_uint_eq(json_array_get_length(diffs), g_hash_table_size(want));
	ck_assert_uint_gt(g_hash_table_size(uso_features), 0);
	for (guint i = 0; i < json_array_get_length(diffs); i++) {
		JsonObject *d = json_array_get_object_element(diffs, i);
		const char *id = json_object_get_string_member(d, "id");
		JsonArray *feats = json_object_get_array_member(d, "features");
		ck_assert_msg(g_hash_table_contains(want, id), "%s is not a difference", id);
		if (!g_str_equal(id, "net.tap.uso"))
			continue;
		ck_assert_str_eq(json_object_get_string_member(d, "change"), "changed");
		ck_assert_uint_eq(json_array_get_length(feats), g_hash_table_size(uso_features));
		for (guint j = 0; j < json_array_get_length(feats); j++) {
			JsonObject *f = json_array_get_object_element(feats, j);
			ck_assert(
			    g_hash_table_contains(uso_features,
						  json_object_get_string_member(f, "feature")));
			uso_marks++;
		}
	}
	ck_assert_uint_eq(uso_marks, g_hash_table_size(uso_features));
	ck_assert_int_eq(human->status, 1);
	ck_assert_ptr_nonnull(strstr(human->out, "\nnet\n"));
	ck_assert_ptr_nonnull(
	    strstr(human->out, "  ~ net.tap.uso: unsupported (no) → supported (yes)"));
	ck_assert_ptr_nonnull(
	    strstr(human->out, "      A: TUNSETOFFLOAD(CSUM|USO4|USO6): Invalid argument"));
	ck_assert_ptr_nonnull(strstr(human->out, "virtio-net.host_uso (guest ABI, silent-off)"));
	ck_assert_ptr_nonnull(strstr(human->out, "  + kvm.guest_memfd: supported (1)"));
	ck_assert_int_eq(same->status, 0);
	ck_assert_ptr_nonnull(strstr(same->out, "No differences"));
}
END_TEST

static Suite *
cli_offline_suite(void)
{
	Suite *s = suite_create("cli-offline");
	TCase *tc = tcase_create("offline");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_list_prefix);
	tcase_add_test(tc, test_list_prefix_is_dotted);
	tcase_add_test(tc, test_list_json);
	tcase_add_test(tc, test_get_missing_did_you_mean);
	tcase_add_test(tc, test_get_present);
	tcase_add_test(tc, test_export_round_trip);
	tcase_add_test(tc, test_status_snapshot);
	tcase_add_test(tc, test_malformed_snapshot);
	tcase_add_test(tc, test_no_daemon_kvm);
	tcase_add_test(tc, test_no_daemon_sysroot);
	tcase_add_test(tc, test_usage_and_unreachable);
	tcase_add_test(tc, test_history);
	tcase_add_test(tc, test_history_malformed);
	tcase_add_test(tc, test_diff);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_cli_test_main(argc, argv, cli_offline_suite());
}
