/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hostcapd on a private dbus-daemon, called the way a VM manager would: busctl and gdbus
 * as clients, sd-bus for signals, the notify socket for the service-manager protocol.
 * Facts are cross-checked against the test's own reading of the kernel.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include "hostcap/hc-dbus.h"

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

/* the snapshot object Describe() returns */
static JsonObject *
describe(JsonParser *parser)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) data =
	    hc_test_daemon_busctl_call(td, HC_DBUS_INTERFACE, "Describe", NULL, &error);
	const char *json;

	ck_assert_msg(data != NULL, "%s", error != NULL ? error->message : "");
	json = json_array_get_string_element(json_node_get_array(data), 0);
	ck_assert_msg(json_parser_load_from_data(parser, json, -1, &error), "%s", error->message);
	ck_assert(JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)));
	return json_node_get_object(json_parser_get_root(parser));
}

static guint64
get_generation(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) v = hc_test_daemon_get_property(td, "Generation", &error);

	ck_assert_msg(v != NULL, "%s", error != NULL ? error->message : "");
	ck_assert_str_eq(g_variant_get_type_string(v), "t");
	return g_variant_get_uint64(v);
}

/* "(uint64 7,)" -> 7 */
static guint64
parse_refresh_reply(const char *out)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply = g_variant_parse(G_VARIANT_TYPE("(t)"), out, NULL, NULL, &error);
	guint64 generation = 0;

	ck_assert_msg(reply != NULL, "%s: %s", out, error != NULL ? error->message : "");
	g_variant_get(reply, "(t)", &generation);
	return generation;
}

START_TEST(test_describe_is_a_snapshot)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *snap = describe(parser);
	JsonObject *caps;

	ck_assert_str_eq(json_object_get_string_member(snap, "format"), "hostcapd-snapshot/1");
	ck_assert(g_str_has_prefix(json_object_get_string_member(snap, "fingerprint"), "sha256:"));
	caps = json_object_get_object_member(snap, "capabilities");
	ck_assert_ptr_nonnull(caps);
	ck_assert_uint_gt(json_object_get_size(caps), 0);
	ck_assert_uint_ge(json_object_get_int_member(snap, "generation"), 1);
	ck_assert_uint_gt(json_object_get_size(json_object_get_object_member(snap, "probes")), 0);
}
END_TEST

START_TEST(test_get_capabilities_prefix)
{
	const char *args[] = {"asa{sv}", "1", "kvm", "0", NULL};
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) data =
	    hc_test_daemon_busctl_call(td, HC_DBUS_INTERFACE, "GetCapabilities", args, &error);
	JsonArray *caps;

	ck_assert_msg(data != NULL, "%s", error != NULL ? error->message : "");
	caps = json_array_get_array_element(json_node_get_array(data), 0);
	ck_assert_uint_gt(json_array_get_length(caps), 0);
	for (guint i = 0; i < json_array_get_length(caps); i++) {
		JsonObject *cap = json_array_get_object_element(caps, i);
		JsonObject *id = json_object_get_object_member(cap, "id");
		JsonObject *state = json_object_get_object_member(cap, "state");
		JsonObject *reason = json_object_get_object_member(cap, "reason");
		const char *id_str = json_object_get_string_member(id, "data");

		ck_assert_msg(g_str_has_prefix(id_str, "kvm."), "%s does not match kvm", id_str);
		ck_assert_ptr_nonnull(state);
		ck_assert_ptr_nonnull(reason);
		ck_assert_str_ne(json_object_get_string_member(reason, "data"), "");
	}
}
END_TEST

START_TEST(test_properties)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) state = hc_test_daemon_get_property(td, "State", &error);
	g_autoptr(GVariant) fingerprint = NULL;
	g_autoptr(GVariant) version = NULL;
	g_autoptr(GVariant) last_probe = NULL;
	JsonObject *snap;

	ck_assert_msg(state != NULL, "%s", error != NULL ? error->message : "");
	ck_assert_msg(g_strv_contains((const char *const[]){"ready", "degraded", NULL},
				      g_variant_get_string(state, NULL)),
		      "State is %s",
		      g_variant_get_string(state, NULL));
	ck_assert_uint_ge(get_generation(), 1);

	fingerprint = hc_test_daemon_get_property(td, "Fingerprint", &error);
	ck_assert_msg(fingerprint != NULL, "%s", error != NULL ? error->message : "");
	snap = describe(parser);
	ck_assert_str_eq(g_variant_get_string(fingerprint, NULL),
			 json_object_get_string_member(snap, "fingerprint"));

	version = hc_test_daemon_get_property(td, "Version", &error);
	ck_assert_msg(version != NULL, "%s", error != NULL ? error->message : "");
	ck_assert_str_ne(g_variant_get_string(version, NULL), "");
	last_probe = hc_test_daemon_get_property(td, "LastProbeUsec", &error);
	ck_assert_msg(last_probe != NULL, "%s", error != NULL ? error->message : "");
	ck_assert_uint_eq(g_variant_get_uint64(last_probe),
			  json_object_get_int_member(snap, "generated_usec"));
}
END_TEST

START_TEST(test_refresh)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *out = NULL;
	g_autofree char *one = NULL;
	g_autofree char *probe_arg = NULL;
	g_autoptr(GList) probes = NULL;
	guint64 before = get_generation();
	const char *all[] = {"[]", NULL};
	const char *some[] = {NULL, NULL};

	out = hc_test_daemon_gdbus_call(td, HC_DBUS_INTERFACE ".Refresh", all, &error);
	ck_assert_msg(out != NULL, "%s", error != NULL ? error->message : "");
	ck_assert_uint_ge(parse_refresh_reply(out), before);

	/* a single probe by name, taken from the snapshot's probe records */
	probes = json_object_get_members(json_object_get_object_member(describe(parser), "probes"));
	ck_assert_ptr_nonnull(probes);
	probe_arg = g_strdup_printf("['%s']", (const char *)probes->data);
	some[0] = probe_arg;
	one = hc_test_daemon_gdbus_call(td, HC_DBUS_INTERFACE ".Refresh", some, &error);
	ck_assert_msg(one != NULL, "%s", error != NULL ? error->message : "");
	ck_assert_uint_ge(parse_refresh_reply(one), parse_refresh_reply(out));
	ck_assert_uint_eq(parse_refresh_reply(one), get_generation());
}
END_TEST

/* the call must fail with @error_name and a message naming @needle */
static void
assert_call_fails(const char *method,
		  const char *const *args,
		  const char *error_name,
		  const char *needle)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *out = hc_test_daemon_gdbus_call(td, method, args, &error);

	ck_assert_msg(out == NULL, "%s succeeded: %s", method, out);
	ck_assert_msg(strstr(error->message, error_name) != NULL,
		      "%s: expected %s, got %s",
		      method,
		      error_name,
		      error->message);
	ck_assert_msg(strstr(error->message, needle) != NULL,
		      "%s: '%s' not named in %s",
		      method,
		      needle,
		      error->message);
}

START_TEST(test_invalid_arguments)
{
	const char *unknown_probe[] = {"['no-such-probe']", NULL};
	const char *bad_option[] = {"['kvm']", "{'Bogus': <1>}", NULL};
	const char *bad_pattern[] = {"['KVM present']", "{}", NULL};
	const char *unknown_id[] = {"['kvm.no_such_capability']", "{}", NULL};

	assert_call_fails(HC_DBUS_INTERFACE ".Refresh",
			  unknown_probe,
			  HC_DBUS_ERROR_INVALID_ARGUMENT,
			  "no-such-probe");
	assert_call_fails(HC_DBUS_INTERFACE ".GetCapabilities",
			  bad_option,
			  HC_DBUS_ERROR_INVALID_ARGUMENT,
			  "Bogus");
	assert_call_fails(HC_DBUS_INTERFACE ".GetCapabilities",
			  bad_pattern,
			  HC_DBUS_ERROR_INVALID_ARGUMENT,
			  "KVM present");
	assert_call_fails(HC_DBUS_INTERFACE ".GetCapabilities",
			  unknown_id,
			  HC_DBUS_ERROR_UNKNOWN_FEATURE,
			  "kvm.no_such_capability");
	/* the daemon is still serving */
	ck_assert_uint_ge(get_generation(), 1);
}
END_TEST

/* the <interface name="org.hostcapd.HostCap1"> element, whitespace between tags removed
 * and runs of whitespace collapsed */
static char *
interface_element(const char *xml)
{
	const char *start = strstr(xml, "<interface name=\"" HC_DBUS_INTERFACE "\">");
	const char *end = start != NULL ? strstr(start, "</interface>") : NULL;
	g_autofree char *element = NULL;
	g_autoptr(GRegex) spaces = g_regex_new("\\s+", 0, 0, NULL);
	g_autoptr(GRegex) between = g_regex_new(">\\s+<", 0, 0, NULL);
	g_autofree char *collapsed = NULL;

	ck_assert_msg(start != NULL && end != NULL,
		      "no %s interface in %s",
		      HC_DBUS_INTERFACE,
		      xml);
	element = g_strndup(start, end + strlen("</interface>") - start);
	collapsed = g_regex_replace_literal(spaces, element, -1, 0, " ", 0, NULL);
	return g_regex_replace_literal(between, collapsed, -1, 0, "><", 0, NULL);
}

START_TEST(test_introspection_matches_committed_xml)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) data = hc_test_daemon_busctl_call(td,
							      "org.freedesktop.DBus.Introspectable",
							      "Introspect",
							      NULL,
							      &error);
	g_autofree char *path =
	    g_build_filename(g_getenv("HC_SOURCE_DIR"), "data", HC_DBUS_NAME ".xml", NULL);
	g_autofree char *committed = NULL;
	g_autofree char *live = NULL;
	g_autofree char *file = NULL;

	ck_assert_msg(data != NULL, "%s", error != NULL ? error->message : "");
	ck_assert_msg(g_file_get_contents(path, &committed, NULL, &error), "%s", error->message);
	live = interface_element(json_array_get_string_element(json_node_get_array(data), 0));
	file = interface_element(committed);
	ck_assert_str_eq(live, file);
}
END_TEST

/* the daemon's kvm.present against our own open("/dev/kvm") + KVM_GET_API_VERSION */
START_TEST(test_kvm_present_matches_dev_kvm)
{
	const char *args[] = {"asa{sv}", "1", "kvm.present", "0", NULL};
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) data =
	    hc_test_daemon_busctl_call(td, HC_DBUS_INTERFACE, "GetCapabilities", args, &error);
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int saved_errno = errno;
	JsonArray *caps;
	const char *state;

	ck_assert_msg(data != NULL, "%s", error != NULL ? error->message : "");
	caps = json_array_get_array_element(json_node_get_array(data), 0);
	ck_assert_uint_eq(json_array_get_length(caps), 1);
	state = json_object_get_string_member(
	    json_object_get_object_member(json_array_get_object_element(caps, 0), "state"),
	    "data");
	if (fd >= 0) {
		int api = ioctl(fd, KVM_GET_API_VERSION, 0);
		close(fd);
		ck_assert_str_eq(state, api == KVM_API_VERSION ? "supported" : "unsupported");
	} else if (saved_errno == ENOENT) {
		ck_assert_str_eq(state, "unsupported");
	} else {
		ck_assert_str_ne(state, "supported");
	}
}
END_TEST

START_TEST(test_sigterm_stops_cleanly)
{
	g_autoptr(GError) error = NULL;
	int wait_status = -1;

	ck_assert_msg(hc_test_daemon_stop(td, &wait_status, &error), "%s", error->message);
	ck_assert_msg(WIFEXITED(wait_status), "hostcapd was killed (status %d)", wait_status);
	ck_assert_int_eq(WEXITSTATUS(wait_status), 0);
}
END_TEST

START_TEST(test_status_line)
{
	/* READY=1 carried STATUS=; it names probes, capabilities and the fingerprint */
	ck_assert_ptr_nonnull(td->status);
	ck_assert_msg(strstr(td->status, " probes, ") != NULL, "%s", td->status);
	ck_assert_msg(strstr(td->status, " capabilities, ") != NULL, "%s", td->status);
	ck_assert_msg(strstr(td->status, "fingerprint sha256:") != NULL, "%s", td->status);
}
END_TEST

static Suite *
daemon_suite(void)
{
	Suite *s = suite_create("daemon");
	TCase *tc = tcase_create("bus");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_describe_is_a_snapshot);
	tcase_add_test(tc, test_get_capabilities_prefix);
	tcase_add_test(tc, test_properties);
	tcase_add_test(tc, test_refresh);
	tcase_add_test(tc, test_invalid_arguments);
	tcase_add_test(tc, test_introspection_matches_committed_xml);
	tcase_add_test(tc, test_kvm_present_matches_dev_kvm);
	tcase_add_test(tc, test_status_line);
	tcase_add_test(tc, test_sigterm_stops_cleanly);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(daemon_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
