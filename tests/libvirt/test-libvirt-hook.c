/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hostcapd's libvirt hook against Debian's real libvirtd, with TCG domains (no disk: QEMU
 * starts with no boot device and sits). libvirtd reads hooks from its compiled-in
 * directory only, so the test installs the hook, made from the shipped template with this
 * build's hostcapctl and a configuration pointing at the test's private bus, as
 * /etc/libvirt/hooks/qemu.d/hostcapd-test, and removes it again.
 *
 * - a domain libvirt alone would start but whose metadata names a platform (or pin) this
 *   host does not satisfy: `virsh start` fails with hostcapd's reason;
 * - a domain hostcapd accepts starts, and is destroyed;
 * - hostcapd stopped (or stuck): the hook allows, and libvirtd's log says why.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hc-test-daemon.h"
#include "hc-test-libvirt.h"

#define HOOK_DIR  "/etc/libvirt/hooks/qemu.d"
#define HOOK_PATH HOOK_DIR "/hostcapd-test"

static HcTestDaemon *td;
static HcTestLibvirt *lv;
static gboolean created_hook_dir;
static char *refused_xml;
static char *refused_reason; /* what virsh's error must name */

static const char good_xml[] = "<domain type='qemu'><name>hc-good</name><memory unit='MiB'>64"
			       "</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc-i440fx-"
			       "7.2'>hvm</type></os><devices><memballoon model='none'/></devices>"
			       "</domain>";

static char *
domain_with_metadata(const char *name, const char *metadata)
{
	return g_strdup_printf(
	    "<domain type='qemu'><name>%s</name><metadata><hostcapd:domain "
	    "xmlns:hostcapd='urn:hostcapd:domain:1'>%s</hostcapd:domain></metadata><memory "
	    "unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64' "
	    "machine='pc-i440fx-7.2'>hvm</type></os><devices><memballoon model='none'/>"
	    "</devices></domain>",
	    name,
	    metadata);
}

/* hostcapd's own answer for @xml, through D-Bus as a manager asks */
static char *
verdict_for(const char *xml)
{
	g_autoptr(GError) error = NULL;
	const char *args[] = {"sa{sv}", xml, "1", "InputFormat", "s", "domain-xml", NULL};
	g_autoptr(JsonNode) data =
	    hc_test_daemon_busctl_call(td, "org.hostcapd.HostCap1", "CheckBootable", args, &error);
	ck_assert_msg(data != NULL, "%s", error != NULL ? error->message : "");
	return g_strdup(json_array_get_string_element(json_node_get_array(data), 0));
}

/* a domain libvirt starts but hostcapd refuses: a platform this host does not satisfy,
 * else a pin to a feature it lacks (TDX on a host without it) */
static void
pick_refused_domain(void)
{
	g_autofree char *dir =
	    g_build_filename(g_getenv("HC_SOURCE_DIR"), "data", "platforms.d", NULL);
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;

	ck_assert(d != NULL);
	while ((name = g_dir_read_name(d)) != NULL && refused_xml == NULL) {
		g_autofree char *platform = g_strndup(name, strlen(name) - strlen(".json"));
		g_autofree char *meta = g_strdup_printf("<hostcapd:platform name='%s'/>", platform);
		g_autofree char *xml = domain_with_metadata("hc-refused", meta);
		g_autofree char *verdict = verdict_for(xml);
		if (g_str_equal(verdict, "no")) {
			refused_xml = g_steal_pointer(&xml);
			refused_reason = g_strdup_printf("platform=\"%s\"", platform);
		}
	}
	if (refused_xml == NULL) {
		g_autofree char *verdict = NULL;
		refused_xml =
		    domain_with_metadata("hc-refused",
					 "<hostcapd:pin feature='confidential.tdx' value='on'/>");
		verdict = verdict_for(refused_xml);
		ck_assert_msg(g_str_equal(verdict, "no"),
			      "this host satisfies every platform and TDX");
		refused_reason = g_strdup("confidential.tdx=true");
	}
}

static void
install_hook(const char *config_path)
{
	g_autofree char *template_path =
	    g_build_filename(g_getenv("HC_SOURCE_DIR"), "data", "hostcapd-libvirt-hook.in", NULL);
	g_autofree char *hostcapctl =
	    g_build_filename(g_getenv("HC_BUILD_DIR"), "cli", "hostcapctl", NULL);
	g_autofree char *text = NULL;
	g_autoptr(GString) hook = NULL;
	g_autoptr(GError) error = NULL;

	ck_assert_msg(g_file_get_contents(template_path, &text, NULL, &error),
		      "%s",
		      error ? error->message : "");
	hook = g_string_new(text);
	g_string_replace(hook, "@HOSTCAPCTL@", hostcapctl, 0);
	g_string_replace(hook, "@HOOK_CONFIG@", config_path, 0);
	if (!g_file_test(HOOK_DIR, G_FILE_TEST_IS_DIR)) {
		ck_assert_int_eq(g_mkdir_with_parents(HOOK_DIR, 0755), 0);
		created_hook_dir = TRUE;
	}
	ck_assert_msg(g_file_set_contents(HOOK_PATH, hook->str, -1, &error),
		      "%s",
		      error ? error->message : "");
	ck_assert_int_eq(chmod(HOOK_PATH, 0755), 0);
}

static void
remove_hook(void)
{
	unlink(HOOK_PATH);
	if (created_hook_dir)
		rmdir(HOOK_DIR);
	created_hook_dir = FALSE;
}

static void
setup(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *config_path = NULL;
	g_autofree char *config = NULL;
	g_autofree char *state = NULL;
	g_autofree char *state_arg = NULL;
	const char *args[] = {NULL, NULL};

	td = hc_test_daemon_new(&error);
	ck_assert_msg(td != NULL, "%s", error != NULL ? error->message : "");
	state = hc_test_daemon_path(td, "state");
	state_arg = g_strdup_printf("--state-dir=%s", state);
	args[0] = state_arg;
	ck_assert_msg(hc_test_daemon_start(td, args, &error), "%s", error->message);
	pick_refused_domain();

	/* libvirtd passes hooks a minimal environment: the bus address is in the config */
	config_path = hc_test_daemon_path(td, "libvirt-hook.conf");
	config = g_strdup_printf("[Hook]\nAddress=%s\nTimeout=3\n", td->address);
	ck_assert(g_file_set_contents(config_path, config, -1, NULL));
	install_hook(config_path);
	/* libvirtd looks for hooks when it starts */
	lv = hc_test_libvirt_start(hc_test_daemon_path(td, "libvirt"), &error);
	ck_assert_msg(lv != NULL, "libvirtd: %s", error != NULL ? error->message : "");
}

static void
teardown(void)
{
	const char *const destroy[][3] = {{"destroy", "hc-good", NULL},
					  {"destroy", "hc-refused", NULL}};

	for (guint i = 0; lv != NULL && i < G_N_ELEMENTS(destroy); i++)
		hc_test_libvirt_virsh(lv, destroy[i], NULL, NULL);
	g_clear_pointer(&lv, hc_test_libvirt_stop);
	remove_hook();
	g_clear_pointer(&td, hc_test_daemon_free);
	g_clear_pointer(&refused_xml, g_free);
	g_clear_pointer(&refused_reason, g_free);
}

/* virsh create FILE: a transient domain, started at once (the hook runs on prepare) */
static int
create(const char *xml, char **err)
{
	g_autofree char *path = hc_test_daemon_path(td, "domain.xml");
	const char *args[] = {"create", path, NULL};

	ck_assert(g_file_set_contents(path, xml, -1, NULL));
	return hc_test_libvirt_virsh(lv, args, NULL, err);
}

START_TEST(test_refused_and_allowed)
{
	g_autofree char *err = NULL;
	g_autofree char *err2 = NULL;
	g_autofree char *out = NULL;
	const char *state[] = {"domstate", "hc-good", NULL};
	const char *destroy[] = {"destroy", "hc-good", NULL};
	int rc;

	/* refused: virsh's error carries the hook's one line */
	rc = create(refused_xml, &err);
	ck_assert_msg(rc != 0, "virsh create of a refused domain succeeded");
	ck_assert_msg(strstr(err, "hostcapd refuses domain hc-refused") != NULL, "%s", err);
	ck_assert_msg(strstr(err, refused_reason) != NULL, "'%s' not in %s", refused_reason, err);

	/* allowed: starts, runs, is destroyed */
	rc = create(good_xml, &err2);
	ck_assert_msg(rc == 0, "virsh create hc-good: %s", err2);
	ck_assert_int_eq(hc_test_libvirt_virsh(lv, state, &out, NULL), 0);
	ck_assert_msg(strstr(out, "running") != NULL, "hc-good: %s", out);
	ck_assert_int_eq(hc_test_libvirt_virsh(lv, destroy, NULL, NULL), 0);
}
END_TEST

/* hostcapd gone: the hook lets the refused domain start and says why in libvirtd's log */
START_TEST(test_fail_open)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *err = NULL;
	g_autofree char *log = NULL;
	const char *destroy[] = {"destroy", "hc-refused", NULL};
	int status = 0;

	ck_assert_msg(hc_test_daemon_stop(td, &status, &error), "%s", error ? error->message : "");
	ck_assert_msg(create(refused_xml, &err) == 0, "fail-open did not allow: %s", err);
	ck_assert_int_eq(hc_test_libvirt_virsh(lv, destroy, NULL, NULL), 0);
	log = hc_test_libvirt_read_log(lv);
	ck_assert_msg(strstr(log, "hostcapd: domain hc-refused allowed without a check") != NULL,
		      "libvirtd's log does not say why");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("libvirt-hook");
	TCase *tc = tcase_create("libvirtd");
	SRunner *sr;
	int failed;

	if (!hc_test_libvirt_ensure_packages())
		return HC_TEST_LIBVIRT_SKIP;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_refused_and_allowed);
	tcase_add_test(tc, test_fail_open);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* no fork: the hook and the daemons are cleaned up by the teardown even on failure */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
