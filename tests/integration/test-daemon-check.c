/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CheckBootable and CheckMigration over D-Bus. The verdicts are cross-checked against the
 * test's own open("/dev/kvm"), the capabilities the same daemon reports, and a daemon
 * probing an empty sysroot (no /dev/kvm there, so a KVM guest cannot boot). Bad input is
 * InvalidArgument naming the argument.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hostcap/hc-dbus.h"

#include "hc-test-daemon.h"

#define KVM_SPEC "{\"features\": {\"accel.kvm\": true}}"

static HcTestDaemon *td;

static void
start(gboolean empty_sysroot)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *sysroot = NULL;
	g_autofree char *arg = NULL;
	const char *args[] = {NULL, NULL};

	td = hc_test_daemon_new(&error);
	ck_assert_msg(td != NULL, "%s", error != NULL ? error->message : "");
	if (empty_sysroot) {
		sysroot = hc_test_daemon_path(td, "empty-sysroot");
		ck_assert_int_eq(g_mkdir_with_parents(sysroot, 0755), 0);
		arg = g_strdup_printf("--sysroot=%s", sysroot);
		args[0] = arg;
	}
	ck_assert_msg(hc_test_daemon_start(td, args, &error), "%s", error->message);
}

static void
setup_host(void)
{
	start(FALSE);
}

static void
setup_empty(void)
{
	start(TRUE);
}

/* the shipped catalogue plus a later data root whose features.d file is not JSON */
static void
setup_broken_catalogue(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *overlay = NULL;
	g_autofree char *features = NULL;
	g_autofree char *broken = NULL;
	g_autofree char *arg = NULL;
	const char *args[] = {NULL, NULL};

	td = hc_test_daemon_new(&error);
	ck_assert_msg(td != NULL, "%s", error != NULL ? error->message : "");
	overlay = hc_test_daemon_path(td, "overlay");
	features = g_build_filename(overlay, "features.d", NULL);
	broken = g_build_filename(features, "zz-broken.json", NULL);
	ck_assert_int_eq(g_mkdir_with_parents(features, 0755), 0);
	ck_assert(g_file_set_contents(broken, "{\"features\": {", -1, NULL));
	arg = g_strdup_printf("--data-dir=%s", overlay);
	args[0] = arg;
	ck_assert_msg(hc_test_daemon_start(td, args, &error), "%s", error->message);
}

static void
teardown(void)
{
	g_clear_pointer(&td, hc_test_daemon_free);
}

/* calls @method through busctl; checks the (verdict, report) pair agrees and returns the
 * verdict; the report is parsed into @parser */
static const char *
check_call(const char *method, const char *const *args, JsonParser *parser)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) data =
	    hc_test_daemon_busctl_call(td, HC_DBUS_INTERFACE, method, args, &error);
	JsonArray *reply;
	JsonObject *report;
	const char *verdict;

	ck_assert_msg(data != NULL, "%s: %s", method, error != NULL ? error->message : "");
	reply = json_node_get_array(data);
	ck_assert_uint_eq(json_array_get_length(reply), 2);
	verdict = json_array_get_string_element(reply, 0);
	ck_assert_msg(
	    json_parser_load_from_data(parser, json_array_get_string_element(reply, 1), -1, &error),
	    "%s",
	    error->message);
	report = json_node_get_object(json_parser_get_root(parser));
	ck_assert_ptr_nonnull(report);
	ck_assert_str_eq(json_object_get_string_member(report, "verdict"), verdict);
	ck_assert(JSON_NODE_HOLDS_ARRAY(json_object_get_member(report, "findings")));
	ck_assert_msg(g_strv_contains((const char *const[]){"yes", "no", "unknown", NULL}, verdict),
		      "verdict %s",
		      verdict);
	/* the verdict string outlives the data node through the parser's copy */
	return g_intern_string(verdict);
}

/* our own reading: /dev/kvm opens and answers KVM_GET_API_VERSION */
static gboolean
kvm_usable_here(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	gboolean ok;

	if (fd < 0)
		return FALSE;
	ok = ioctl(fd, KVM_GET_API_VERSION, 0) == KVM_API_VERSION;
	close(fd);
	return ok;
}

static gboolean
findings_name(JsonParser *parser, const char *feature)
{
	JsonArray *findings =
	    json_object_get_array_member(json_node_get_object(json_parser_get_root(parser)),
					 "findings");

	for (guint i = 0; i < json_array_get_length(findings); i++) {
		JsonObject *f = json_array_get_object_element(findings, i);
		if (g_strcmp0(json_object_get_string_member_with_default(f, "feature", ""),
			      feature) == 0)
			return TRUE;
	}
	return FALSE;
}

/* the state GetCapabilities reports for @id on the same bus */
static char *
capability_state(const char *id)
{
	const char *args[] = {"asa{sv}", "1", id, "0", NULL};
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) data =
	    hc_test_daemon_busctl_call(td, HC_DBUS_INTERFACE, "GetCapabilities", args, &error);
	JsonArray *caps;

	ck_assert_msg(data != NULL, "%s", error != NULL ? error->message : "");
	caps = json_array_get_array_element(json_node_get_array(data), 0);
	ck_assert_uint_eq(json_array_get_length(caps), 1);
	return g_strdup(json_object_get_string_member(
	    json_object_get_object_member(json_array_get_object_element(caps, 0), "state"),
	    "data"));
}

/* accel.kvm requires kvm.present && kvm.access.qemu-user (data/features.d/accel.json): the
 * verdict must follow those two capabilities, and /dev/kvm must really be usable for a yes */
START_TEST(test_bootable_follows_capabilities)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	const char *args[] = {"sa{sv}", KVM_SPEC, "0", NULL};
	const char *verdict = check_call("CheckBootable", args, parser);
	g_autofree char *present = capability_state("kvm.present");
	g_autofree char *access = capability_state("kvm.access.qemu-user");

	if (!kvm_usable_here())
		ck_assert_str_eq(verdict, "no");
	if (g_str_equal(present, "unsupported") || g_str_equal(access, "unsupported")) {
		ck_assert_str_eq(verdict, "no");
		ck_assert_msg(findings_name(parser, "accel.kvm"), "no finding names accel.kvm");
	} else if (g_str_equal(present, "supported") && g_str_equal(access, "supported")) {
		ck_assert_str_eq(verdict, "yes");
	}
}
END_TEST

START_TEST(test_not_bootable_without_kvm)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	const char *args[] = {"sa{sv}", KVM_SPEC, "0", NULL};

	ck_assert_str_eq(check_call("CheckBootable", args, parser), "no");
	ck_assert_msg(findings_name(parser, "accel.kvm"), "no finding names accel.kvm");
}
END_TEST

/* this host's own snapshot as the target: no ABI can differ, so the migration verdict is
 * the bootable one; an empty target and a Source option holding the same snapshot agree */
START_TEST(test_migration_to_itself)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(JsonParser) boot_parser = json_parser_new();
	g_autoptr(JsonParser) parser2 = json_parser_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) described =
	    hc_test_daemon_busctl_call(td, HC_DBUS_INTERFACE, "Describe", NULL, &error);
	const char *boot_args[] = {"sa{sv}", KVM_SPEC, "0", NULL};
	const char *bootable = check_call("CheckBootable", boot_args, boot_parser);
	const char *snapshot;

	ck_assert_msg(described != NULL, "%s", error != NULL ? error->message : "");
	snapshot = json_array_get_string_element(json_node_get_array(described), 0);
	{
		const char *args[] = {"ssa{sv}", KVM_SPEC, snapshot, "0", NULL};
		ck_assert_str_eq(check_call("CheckMigration", args, parser), bootable);
	}
	{
		const char *args[] = {"ssa{sv}", KVM_SPEC, "", "1", "Source", "s", snapshot, NULL};
		ck_assert_str_eq(check_call("CheckMigration", args, parser2), bootable);
	}
}
END_TEST

static void
assert_invalid(const char *method, const char *const *args, const char *needle)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *out = hc_test_daemon_gdbus_call(td, method, args, &error);

	ck_assert_msg(out == NULL, "%s succeeded: %s", method, out);
	ck_assert_msg(strstr(error->message, HC_DBUS_ERROR_INVALID_ARGUMENT) != NULL,
		      "%s: %s",
		      method,
		      error->message);
	ck_assert_msg(strstr(error->message, needle) != NULL,
		      "%s: '%s' not in %s",
		      method,
		      needle,
		      error->message);
}

/* the catalogue is parsed after READY=1: one that does not parse fails the Check methods
 * with an Internal error naming the file, every time, and nothing else */
START_TEST(test_broken_catalogue_fails_checks_only)
{
	const char *bootable[] = {"'" KVM_SPEC "'", "{}", NULL};
	const char *migration[] = {"'" KVM_SPEC "'", "''", "{}", NULL};
	const char *methods[] = {HC_DBUS_INTERFACE ".CheckBootable",
				 HC_DBUS_INTERFACE ".CheckMigration",
				 HC_DBUS_INTERFACE ".CheckBootable"};
	const char *const *argses[] = {bootable, migration, bootable};
	g_autofree char *state = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(methods); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree char *out = hc_test_daemon_gdbus_call(td, methods[i], argses[i], &error);

		ck_assert_msg(out == NULL, "%s succeeded: %s", methods[i], out);
		ck_assert_msg(strstr(error->message, HC_DBUS_ERROR_INTERNAL) != NULL,
			      "%s: %s",
			      methods[i],
			      error->message);
		ck_assert_msg(strstr(error->message, "zz-broken.json") != NULL,
			      "%s: %s",
			      methods[i],
			      error->message);
	}
	/* the rest still serves */
	state = capability_state("kvm.present");
	ck_assert_msg(
	    g_strv_contains((const char *const[]){"supported", "unsupported", NULL}, state),
	    "kvm.present: %s",
	    state);
}
END_TEST

START_TEST(test_bad_input)
{
	g_autofree char *huge = g_strnfill(HC_LIMIT_SPEC_BYTES + 1, ' ');
	g_autofree char *huge_arg = g_strdup_printf("'%s'", huge);
	const char *garbage[] = {"'{not json'", "{}", NULL};
	const char *too_big[] = {huge_arg, "{}", NULL};
	const char *bad_option[] = {"'" KVM_SPEC "'", "{'Target': <'x'>}", NULL};
	const char *bad_source[] = {"'" KVM_SPEC "'", "''", "{'Source': <'{}'>}", NULL};
	const char *bad_target[] = {"'" KVM_SPEC "'", "'[1]'", "{}", NULL};

	assert_invalid(HC_DBUS_INTERFACE ".CheckBootable", garbage, "");
	assert_invalid(HC_DBUS_INTERFACE ".CheckBootable", too_big, "spec_json");
	assert_invalid(HC_DBUS_INTERFACE ".CheckBootable", bad_option, "Target");
	assert_invalid(HC_DBUS_INTERFACE ".CheckMigration", bad_source, "options.Source");
	assert_invalid(HC_DBUS_INTERFACE ".CheckMigration", bad_target, "target_snapshot_json");
}
END_TEST

/* a manager hands in a domain XML or a QEMU command line instead of a spec: the same
 * verdict as the spec they translate to, which TranslateSpec gives back */
#define KVM_DOMAIN                                                                                 \
	"<domain type='kvm'><name>vm</name><memory unit='MiB'>512</memory><os><type "              \
	"arch='x86_64' machine='pc-q35-7.2'>hvm</type></os><devices><controller type='usb'/>"      \
	"<memballoon model='virtio'/></devices></domain>"

START_TEST(test_input_formats)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(JsonParser) parser2 = json_parser_new();
	g_autoptr(JsonParser) spec_parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	const char *xml_args[] =
	    {"sa{sv}", KVM_DOMAIN, "1", "InputFormat", "s", "domain-xml", NULL};
	const char *argv_args[] = {"sa{sv}",
				   "LC_ALL=C PATH=/usr/bin /usr/bin/qemu-system-x86_64 -machine "
				   "pc-q35-7.2 -accel kvm -m 512 -nodefaults",
				   "1",
				   "InputFormat",
				   "s",
				   "qemu-argv",
				   NULL};
	const char *translate_args[] =
	    {"sa{sv}", KVM_DOMAIN, "1", "InputFormat", "s", "domain-xml", NULL};
	g_autoptr(JsonNode) data = NULL;
	JsonObject *spec, *features;

	ck_assert_str_eq(check_call("CheckBootable", xml_args, parser), "no");
	ck_assert_msg(findings_name(parser, "accel.kvm"), "no finding names accel.kvm");
	ck_assert_str_eq(check_call("CheckBootable", argv_args, parser2), "no");
	ck_assert_msg(findings_name(parser2, "accel.kvm"), "no finding names accel.kvm");

	data = hc_test_daemon_busctl_call(td,
					  HC_DBUS_INTERFACE,
					  "TranslateSpec",
					  translate_args,
					  &error);
	ck_assert_msg(data != NULL, "%s", error != NULL ? error->message : "");
	ck_assert(
	    json_parser_load_from_data(spec_parser,
				       json_array_get_string_element(json_node_get_array(data), 0),
				       -1,
				       NULL));
	spec = json_node_get_object(json_parser_get_root(spec_parser));
	features = json_object_get_object_member(spec, "features");
	ck_assert_str_eq(json_object_get_string_member(spec, "machine"), "pc-q35-7.2");
	ck_assert(json_object_get_boolean_member(features, "accel.kvm"));
	ck_assert_int_eq(json_object_get_int_member(features, "memory.size_mib"), 512);
}
END_TEST

/* the ids a summary lists under @member */
static GPtrArray *
summary_ids(const char *method, const char *const *args, const char *member)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) data =
	    hc_test_daemon_busctl_call(td, HC_DBUS_INTERFACE, method, args, &error);
	g_autoptr(JsonParser) parser = json_parser_new();
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	JsonArray *reply, *list;
	JsonObject *summary;

	ck_assert_msg(data != NULL, "%s: %s", method, error != NULL ? error->message : "");
	reply = json_node_get_array(data);
	ck_assert(
	    json_parser_load_from_data(parser, json_array_get_string_element(reply, 1), -1, NULL));
	summary = json_node_get_object(json_parser_get_root(parser));
	ck_assert_str_eq(json_object_get_string_member(summary, "verdict"),
			 json_array_get_string_element(reply, 0));
	/* a summary carries the verdict and ids only */
	ck_assert(!json_object_has_member(summary, "findings"));
	ck_assert(!json_object_has_member(summary, "effective"));
	list = json_object_get_array_member(summary, member);
	for (guint i = 0; i < json_array_get_length(list); i++)
		g_ptr_array_add(ids, g_strdup(json_array_get_string_element(list, i)));
	return ids;
}

/* the error findings of a full report that are known to fail, with their "also" */
static GPtrArray *
full_failing_ids(JsonParser *parser)
{
	JsonArray *findings =
	    json_object_get_array_member(json_node_get_object(json_parser_get_root(parser)),
					 "findings");
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < json_array_get_length(findings); i++) {
		JsonObject *f = json_array_get_object_element(findings, i);
		JsonArray *also = json_object_has_member(f, "also")
				      ? json_object_get_array_member(f, "also")
				      : NULL;

		if (g_strcmp0(json_object_get_string_member(f, "severity"), "error") != 0 ||
		    json_object_get_boolean_member_with_default(f, "unknown", FALSE))
			continue;
		g_ptr_array_add(ids, g_strdup(json_object_get_string_member(f, "feature")));
		for (guint j = 0; also != NULL && j < json_array_get_length(also); j++)
			g_ptr_array_add(ids, g_strdup(json_array_get_string_element(also, j)));
	}
	return ids;
}

static void
assert_same_ids(GPtrArray *a, GPtrArray *b)
{
	ck_assert_uint_eq(a->len, b->len);
	for (guint i = 0; i < a->len; i++)
		ck_assert_msg(g_ptr_array_find_with_equal_func(b, a->pdata[i], g_str_equal, NULL),
			      "%s only in one answer",
			      (char *)a->pdata[i]);
}

/* Reply=summary answers the verdict of the full report and lists the same failing ids */
START_TEST(test_summary_reply)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	const char *full_args[] = {"sa{sv}", KVM_SPEC, "0", NULL};
	const char *args[] = {"sa{sv}", KVM_SPEC, "1", "Reply", "s", "summary", NULL};
	const char *full_again[] = {"sa{sv}", KVM_SPEC, "1", "Reply", "s", "full", NULL};
	const char *migration[] = {"ssa{sv}", KVM_SPEC, "", "1", "Reply", "s", "summary", NULL};
	g_autoptr(GPtrArray) expected = NULL;
	g_autoptr(GPtrArray) failing = NULL;
	g_autoptr(GPtrArray) moving = NULL;

	ck_assert_str_eq(check_call("CheckBootable", full_args, parser), "no");
	expected = full_failing_ids(parser);
	ck_assert_msg(g_ptr_array_find_with_equal_func(expected, "accel.kvm", g_str_equal, NULL),
		      "the full report does not fail accel.kvm");
	failing = summary_ids("CheckBootable", args, "failing");
	assert_same_ids(failing, expected);
	moving = summary_ids("CheckMigration", migration, "failing");
	ck_assert_msg(g_ptr_array_find_with_equal_func(moving, "accel.kvm", g_str_equal, NULL),
		      "the migration summary does not fail accel.kvm");
	/* "full" is the default spelled out */
	ck_assert_str_eq(check_call("CheckBootable", full_again, parser), "no");
	ck_assert(findings_name(parser, "accel.kvm"));
}
END_TEST

START_TEST(test_bad_reply_option)
{
	const char *bootable[] = {"'" KVM_SPEC "'", "{'Reply': <'short'>}", NULL};
	const char *migration[] = {"'" KVM_SPEC "'", "''", "{'Reply': <'brief'>}", NULL};

	assert_invalid(HC_DBUS_INTERFACE ".CheckBootable",
		       bootable,
		       "options.Reply: expected full");
	assert_invalid(HC_DBUS_INTERFACE ".CheckMigration", migration, "got 'brief'");
}
END_TEST

START_TEST(test_bad_input_formats)
{
	const char *bad_format[] = {"'x'", "{'InputFormat': <'yaml'>}", NULL};
	const char *bad_xml[] = {"\"<domain type='kvm'><memory>1</memory><os><type>hvm</type></os>"
				 "<vcpu>none</vcpu></domain>\"",
				 "{'InputFormat': <'domain-xml'>}",
				 NULL};
	const char *bad_argv[] = {"'qemu -m 4Q'", "''", "{'InputFormat': <'qemu-argv'>}", NULL};

	assert_invalid(HC_DBUS_INTERFACE ".CheckBootable", bad_format, "options.InputFormat");
	assert_invalid(HC_DBUS_INTERFACE ".TranslateSpec",
		       bad_xml,
		       "/domain/vcpu: expected a vCPU count");
	assert_invalid(HC_DBUS_INTERFACE ".CheckMigration", bad_argv, "-m 4Q");
}
END_TEST

static Suite *
check_suite(void)
{
	Suite *s = suite_create("daemon-check");
	TCase *host = tcase_create("host");
	TCase *empty = tcase_create("empty-sysroot");
	TCase *broken = tcase_create("broken-catalogue");

	tcase_add_checked_fixture(host, setup_host, teardown);
	tcase_set_timeout(host, 120);
	tcase_add_test(host, test_bootable_follows_capabilities);
	tcase_add_test(host, test_migration_to_itself);
	tcase_add_test(host, test_bad_input);
	suite_add_tcase(s, host);

	tcase_add_checked_fixture(empty, setup_empty, teardown);
	tcase_set_timeout(empty, 120);
	tcase_add_test(empty, test_not_bootable_without_kvm);
	tcase_add_test(empty, test_input_formats);
	tcase_add_test(empty, test_bad_input_formats);
	tcase_add_test(empty, test_summary_reply);
	tcase_add_test(empty, test_bad_reply_option);
	suite_add_tcase(s, empty);

	tcase_add_checked_fixture(broken, setup_broken_catalogue, teardown);
	tcase_set_timeout(broken, 120);
	tcase_add_test(broken, test_broken_catalogue_fails_checks_only);
	suite_add_tcase(s, broken);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(check_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
