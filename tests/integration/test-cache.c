/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The snapshot cache: a cold start writes it (keyed on this boot and kernel, read here
 * independently), a restart serves it before any probe has finished and then commits only
 * what the revalidation changed, and every broken cache (empty, truncated, foreign format,
 * other key, edited, unreadable) is discarded: the daemon starts, answers, and never
 * presents the stale content.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-snapshot.h"

#include "hc-test-living.h"

#define MARKER "site.test.stale_marker"

static HcTestDaemon *td;

static void
teardown(void)
{
	g_clear_pointer(&td, hc_test_daemon_free);
}

static void
new_td(void)
{
	g_autoptr(GError) error = NULL;

	td = hc_test_daemon_new(&error);
	ck_assert_msg(td != NULL, "%s", error != NULL ? error->message : "");
}

static void
start(const char *const *extra)
{
	hc_test_living_start(td, extra);
}

static void
stop(void)
{
	g_autoptr(GError) error = NULL;
	int status = -1;

	ck_assert_msg(hc_test_daemon_stop(td, &status, &error), "%s", error->message);
	ck_assert_int_eq(status, 0);
}

static char *
replace_once(const char *text, const char *from, const char *to);

/* hostcapd(8): Generation moves only when a capability changes; a restart with an edited
 * catalogue finds its cache stale and probes afresh, but the platform did not move */
START_TEST(test_catalogue_change_keeps_generation)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) first = NULL;
	g_autoptr(JsonObject) second = NULL;
	g_autofree char *src = NULL;
	g_autofree char *text = NULL;
	g_autofree char *edited = NULL;
	g_autofree char *extra_root = NULL;
	g_autofree char *dst = NULL;
	g_autofree char *dst_dir = NULL;
	const char *extra[] = {"--data-dir", NULL, NULL};

	new_td();
	start(NULL);
	first = hc_test_living_describe(td, &error);
	ck_assert_msg(first != NULL, "%s", error != NULL ? error->message : "");
	stop();
	/* a later data root overrides the platform file by name, with another description */
	src = g_build_filename(g_getenv("HC_SOURCE_DIR"),
			       "data",
			       "platforms.d",
			       "linux-5.10-class.json",
			       NULL);
	ck_assert(g_file_get_contents(src, &text, NULL, NULL));
	edited = replace_once(text, "\"description\": \"", "\"description\": \"Edited. ");
	extra_root = hc_test_daemon_path(td, "site-data");
	dst = g_build_filename(extra_root, "platforms.d", "linux-5.10-class.json", NULL);
	ck_assert_int_eq(g_mkdir_with_parents(extra_root, 0755), 0);
	ck_assert_int_eq(g_mkdir(dst_dir = g_path_get_dirname(dst), 0755), 0);
	ck_assert(g_file_set_contents(dst, edited, -1, NULL));
	extra[1] = extra_root;
	start(extra);
	second = hc_test_living_describe(td, &error);
	ck_assert_msg(second != NULL, "%s", error != NULL ? error->message : "");
	ck_assert_int_eq(json_object_get_int_member(second, "generation"),
			 json_object_get_int_member(first, "generation"));
}
END_TEST

static void
unref_message(gpointer m)
{
	sd_bus_message_unref(m);
}

static char *
cache_path(void)
{
	return g_build_filename(td->tmpdir, "cache", "snapshot.json", NULL);
}

static JsonObject *
read_json(const char *path)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;

	ck_assert_msg(json_parser_load_from_file(parser, path, &error), "%s", error->message);
	return json_object_ref(json_node_get_object(json_parser_get_root(parser)));
}

static char *
read_line(const char *path)
{
	g_autofree char *text = NULL;

	ck_assert(g_file_get_contents(path, &text, NULL, NULL));
	return g_strdup(g_strstrip(text));
}

static char *
get_string_property(const char *name)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) v = hc_test_daemon_get_property(td, name, &error);

	ck_assert_msg(v != NULL, "%s", error != NULL ? error->message : "");
	return g_variant_dup_string(v, NULL);
}

START_TEST(test_cold_start_writes_cache)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *path = NULL;
	g_autofree char *boot_id = read_line("/proc/sys/kernel/random/boot_id");
	g_autoptr(JsonObject) cache = NULL;
	g_autoptr(JsonObject) live = NULL;
	JsonObject *key;
	JsonObject *snap;
	struct utsname uts;

	new_td();
	start(NULL);
	path = cache_path();
	cache = read_json(path);
	ck_assert_str_eq(json_object_get_string_member(cache, "format"), "hostcapd-cache/1");
	key = json_object_get_object_member(cache, "key");
	ck_assert_int_eq(uname(&uts), 0);
	ck_assert_str_eq(json_object_get_string_member(key, "boot_id"), boot_id);
	ck_assert_str_eq(json_object_get_string_member(key, "kernel_release"), uts.release);
	ck_assert_str_eq(json_object_get_string_member(key, "kernel_version"), uts.version);
	ck_assert(g_str_has_prefix(json_object_get_string_member(key, "catalogue"), "sha256:"));
	/* what is cached is what is served */
	snap = json_object_get_object_member(cache, "snapshot");
	live = hc_test_living_describe(td, &error);
	ck_assert_msg(live != NULL, "%s", error->message);
	ck_assert_str_eq(json_object_get_string_member(snap, "fingerprint"),
			 json_object_get_string_member(live, "fingerprint"));
	ck_assert_int_eq(json_object_get_int_member(snap, "generation"),
			 json_object_get_int_member(live, "generation"));
	/* no temporary file left behind: the snapshot, and the qemu probe's answers per QEMU
	 * build when this host has a QEMU */
	{
		g_autofree char *dir = g_path_get_dirname(path);
		g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
		const char *const allowed[] = {"snapshot.json", "qemu-binaries.json", NULL};
		const char *name;
		while ((name = g_dir_read_name(d)) != NULL)
			ck_assert_msg(g_strv_contains(allowed, name), "left behind: %s", name);
	}
}
END_TEST

static void
copy_tree(const char *from, const char *to)
{
	const char *argv[] = {"cp", "-a", from, to, NULL};
	g_autoptr(GError) error = NULL;
	int status = -1;

	ck_assert_msg(hc_test_run(argv, NULL, NULL, &status, &error), "%s", error->message);
	ck_assert_int_eq(status, 0);
}

/*
 * The revalidation pass is held up on a FIFO the test owns: the nested probe opens the
 * sysroot's kvm_intel "nested" parameter, and open(2) of a FIFO blocks until a writer comes.
 * Everything asserted before the test writes to it happened before that probe finished.
 */
START_TEST(test_warm_start_answers_before_probes)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *fixture = g_build_filename(g_getenv("HC_SOURCE_DIR"),
						    "tests/fixtures/sysroots/intel-nested-off",
						    NULL);
	g_autofree char *root = NULL;
	g_autofree char *root_arg = NULL;
	g_autofree char *gate = NULL;
	g_autofree char *gate_file = NULL;
	g_autoptr(JsonObject) cold = NULL;
	g_autoptr(JsonObject) warm = NULL;
	g_autoptr(GPtrArray) queue = g_ptr_array_new_with_free_func(unref_message);
	g_autofree char *state = NULL;
	g_autofree char *changed_text = NULL;
	sd_bus_message *signal = NULL;
	sd_bus *client = NULL;
	const char *cold_nested;
	uint64_t generation = 0;
	char **ids = NULL;
	int fd;

	new_td();
	root = hc_test_daemon_path(td, "root");
	copy_tree(fixture, root);
	root_arg = g_strdup_printf("--sysroot=%s", root);
	{
		/* no deadline will interfere: the test decides when the probe may finish */
		const char *extra[] = {root_arg, "--probe-timeout-sec=600", NULL};
		start(extra);
		cold = hc_test_living_describe(td, &error);
		ck_assert_msg(cold != NULL, "%s", error->message);
		cold_nested = hc_test_living_cap_state(cold, "kvm.nested");
		ck_assert_msg(cold_nested != NULL, "no kvm.nested");
		stop();

		gate = g_build_filename(root, "sys/module/kvm_intel/parameters/nested", NULL);
		ck_assert_int_eq(g_unlink(gate), 0);
		ck_assert_int_eq(mkfifo(gate, 0600), 0);
		start(extra);
	}
	/* READY=1 came; the probe still sits in open() on the FIFO */
	warm = hc_test_living_describe(td, &error);
	ck_assert_msg(warm != NULL, "%s", error->message);
	ck_assert_int_eq(json_object_get_int_member(warm, "generation"),
			 json_object_get_int_member(cold, "generation"));
	ck_assert_str_eq(json_object_get_string_member(warm, "fingerprint"),
			 json_object_get_string_member(cold, "fingerprint"));
	state = get_string_property("State");
	ck_assert_str_eq(state, "probing");

	client = hc_test_living_connect(td, &error);
	ck_assert_msg(client != NULL, "%s", error->message);
	ck_assert(hc_test_living_subscribe(client, queue, &error));
	/* let the probe through with the opposite answer: the revalidation finds a change.
	 * The probe reads the parameter twice: the first open is paired with ours on the FIFO,
	 * later ones find a regular file renamed over it before the first read can end. */
	gate_file = g_strdup_printf("%s.new", gate);
	hc_test_living_write(gate_file, "Y\n");
	fd = open(gate, O_WRONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "open %s: %s", gate, g_strerror(errno));
	ck_assert_int_eq(g_rename(gate_file, gate), 0);
	ck_assert_int_eq(write(fd, "Y\n", 2), 2);
	close(fd);
	signal = hc_test_living_wait_signal(client, queue, "CapabilitiesChanged", &error);
	ck_assert_msg(signal != NULL, "%s", error->message);
	ck_assert_int_ge(sd_bus_message_read(signal, "t", &generation), 0);
	ck_assert_int_ge(sd_bus_message_read_strv(signal, &ids), 0);
	ck_assert_uint_eq(generation, (uint64_t)json_object_get_int_member(cold, "generation") + 1);
	changed_text = g_strjoinv(" ", ids);
	ck_assert_msg(g_strv_contains((const char *const *)ids, "kvm.nested"), "%s", changed_text);
	/* only what the FIFO changed: the nested probe's ids */
	for (guint i = 0; ids[i] != NULL; i++)
		ck_assert_msg(g_str_has_prefix(ids[i], "kvm."), "%s", changed_text);
	g_strfreev(ids);
	sd_bus_message_unref(signal);
	sd_bus_flush_close_unref(client);
}
END_TEST

/* WatchdogSec= hands the daemon WATCHDOG_USEC: it pings from its loop and keeps STATUS=
 * current with the cache age */
START_TEST(test_watchdog_and_status)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *ping = NULL;

	new_td();
	g_setenv("WATCHDOG_USEC", "1000000", TRUE);
	start(NULL);
	g_unsetenv("WATCHDOG_USEC");
	ping = hc_test_daemon_wait_notify(td, "WATCHDOG", &error);
	ck_assert_msg(ping != NULL, "%s", error != NULL ? error->message : "");
	ck_assert_str_eq(ping, "1");
	ck_assert_msg(td->status != NULL && strstr(td->status, "capabilities") != NULL &&
			  strstr(td->status, "fingerprint sha256:") != NULL &&
			  strstr(td->status, "cache saved ") != NULL,
		      "STATUS=%s",
		      td->status);
}
END_TEST

/* ---- broken caches ---- */

typedef enum {
	BREAK_EMPTY,
	BREAK_TRUNCATED,
	BREAK_BARE_SNAPSHOT,
	BREAK_FUTURE_FORMAT,
	BREAK_OTHER_KEY,
	BREAK_EDITED,
	BREAK_DIRECTORY,
	BREAK_FIFO,
	BREAK_DEEP,	 /* 4 MiB of '[': crashed the daemon at every start */
	BREAK_DUPLICATE, /* a repeated member: json-glib let the last one win */
	BREAK_LAST,
} BreakKind;

/* a valid cache made by a real cold start, with a marker capability added (the snapshot
 * re-serialized through libhostcap so that its fingerprint matches) */
static char *valid_cache;
static gint64 valid_generation;

static void
make_valid_cache(void)
{
	g_autofree char *path = NULL;
	g_autoptr(JsonObject) cache = NULL;
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(HcSnapshot) snap = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *snap_json = NULL;
	g_autofree char *snap_text = NULL;

	if (valid_cache != NULL)
		return;
	new_td();
	start(NULL);
	stop();
	path = cache_path();
	cache = read_json(path);
	json_generator_set_root(gen, json_object_get_member(cache, "snapshot"));
	snap_text = json_generator_to_data(gen, NULL);
	snap = hc_snapshot_from_json(snap_text, strlen(snap_text), &error);
	ck_assert_msg(snap != NULL, "%s", error->message);
	hc_snapshot_take_capability(
	    snap,
	    hc_capability_new(MARKER, HC_CAP_STATE_SUPPORTED, NULL, "planted by the test"));
	valid_generation = (gint64)hc_snapshot_get_generation(snap);
	snap_json = hc_snapshot_to_json(snap, FALSE);
	ck_assert(json_parser_load_from_data(parser, snap_json, -1, NULL));
	json_object_set_member(cache, "snapshot", json_node_copy(json_parser_get_root(parser)));
	root = json_node_init_object(json_node_alloc(), cache);
	json_generator_set_root(gen, root);
	valid_cache = json_generator_to_data(gen, NULL);
	g_clear_pointer(&td, hc_test_daemon_free);
}

static char *
replace_once(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);

	ck_assert_msg(at != NULL, "'%s' not in the cache", from);
	return g_strdup_printf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

static void
plant(BreakKind kind, const char *path)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *text = NULL;
	g_autofree char *boot_id = read_line("/proc/sys/kernel/random/boot_id");
	g_autofree char *key = g_strdup_printf("\"boot_id\":\"%s\"", boot_id);
	const char *bare_start;

	ck_assert_int_eq(g_mkdir_with_parents(dir, 0755), 0);
	switch (kind) {
	case BREAK_EMPTY:
		text = g_strdup("");
		break;
	case BREAK_TRUNCATED:
		text = g_strndup(valid_cache, strlen(valid_cache) / 2);
		break;
	case BREAK_BARE_SNAPSHOT:
		bare_start = strstr(valid_cache, "\"snapshot\":") + strlen("\"snapshot\":");
		text = g_strndup(bare_start, strlen(bare_start) - 1);
		break;
	case BREAK_FUTURE_FORMAT:
		text = replace_once(valid_cache, "hostcapd-cache/1", "hostcapd-cache/2");
		break;
	case BREAK_OTHER_KEY:
		text = replace_once(valid_cache,
				    key,
				    "\"boot_id\":\"00000000-0000-0000-0000-000000000000\"");
		break;
	case BREAK_EDITED: {
		g_autofree char *reason_edited =
		    replace_once(valid_cache, "\"planted by the test\"", "\"edited\"");

		text = replace_once(reason_edited, "\"supported\"", "\"unsupported\"");
		break;
	}
	case BREAK_DIRECTORY:
		ck_assert_int_eq(g_mkdir(path, 0755), 0);
		return;
	case BREAK_FIFO:
		ck_assert_int_eq(mkfifo(path, 0600), 0);
		return;
	case BREAK_DEEP:
		text = g_malloc(4 * 1024 * 1024 + 1);
		memset(text, '[', 4 * 1024 * 1024);
		text[4 * 1024 * 1024] = '\0';
		break;
	case BREAK_DUPLICATE:
		text = replace_once(valid_cache,
				    "\"saved_usec\":",
				    "\"saved_usec\":1,\"saved_usec\":");
		break;
	case BREAK_LAST:
	default:
		ck_abort();
	}
	hc_test_living_write(path, text);
}

START_TEST(test_broken_cache_recovers)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) snap = NULL;
	g_autofree char *path = NULL;
	gint64 before = g_get_real_time();

	make_valid_cache();
	ck_assert(strstr(valid_cache, MARKER) != NULL);
	new_td();
	path = cache_path();
	plant((BreakKind)_i, path);
	start(NULL);
	snap = hc_test_living_describe(td, &error);
	ck_assert_msg(snap != NULL, "variant %d: %s", _i, error->message);
	/* fresh: probed after the test began, and none of the cached content */
	ck_assert_int_ge(json_object_get_int_member(snap, "generated_usec"), before);
	ck_assert_msg(hc_test_living_cap_state(snap, MARKER) == NULL,
		      "variant %d served the cached snapshot",
		      _i);
	ck_assert_msg(hc_test_living_cap_state(snap, "host.kernel.release") != NULL,
		      "variant %d: no fresh probe results",
		      _i);
	/* a well-formed cache of another key still counts for the generation */
	if (_i == BREAK_OTHER_KEY)
		ck_assert_int_eq(json_object_get_int_member(snap, "generation"),
				 valid_generation + 1);
	else
		ck_assert_int_eq(json_object_get_int_member(snap, "generation"), 1);
	/* a file the daemon can replace is replaced by a valid one */
	if (_i != BREAK_DIRECTORY) {
		g_autoptr(JsonObject) rewritten = read_json(path);
		ck_assert_str_eq(json_object_get_string_member(rewritten, "format"),
				 "hostcapd-cache/1");
	}
}
END_TEST

static void
suite_teardown(void)
{
	g_clear_pointer(&valid_cache, g_free);
}

static Suite *
cache_suite(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("cache");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_unchecked_fixture(tc, NULL, suite_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_cold_start_writes_cache);
	tcase_add_test(tc, test_warm_start_answers_before_probes);
	tcase_add_test(tc, test_watchdog_and_status);
	tcase_add_test(tc, test_catalogue_change_keeps_generation);
	tcase_add_loop_test(tc, test_broken_cache_recovers, 0, BREAK_LAST);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(cache_suite());
	int failed;

	/* valid_cache is made once and shared by the loop's iterations */
	srunner_set_fork_status(runner, CK_NOFORK);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
