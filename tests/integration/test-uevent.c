/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Change detection with real kernel events: writing "change" to a misc device's uevent file
 * in sysfs makes the kernel emit a uevent; hostcapd re-runs the probes declaring "misc" (and
 * only those) and signals what changed. A uevent forged by a process is ignored. A device
 * node appearing under the sysroot's /dev re-runs the probes naming it.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hc-devwatch.h"
#include "hc-test-living.h"
#include "hc-uevent.h"

static HcTestDaemon *td;
static char *root;
static GPtrArray *queue;
static sd_bus *client;

static void
unref_message(gpointer m)
{
	sd_bus_message_unref(m);
}

static void
teardown(void)
{
	g_clear_pointer(&client, sd_bus_flush_close_unref);
	g_clear_pointer(&queue, g_ptr_array_unref);
	g_clear_pointer(&td, hc_test_daemon_free);
	g_clear_pointer(&root, g_free);
}

static void
write_root(const char *rel, const char *text)
{
	hc_test_living_write_under(root, rel, text);
}

/* a sysroot where a misc probe (tsc: the clocksource) and a memory probe read files */
static void
start(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *root_arg = NULL;
	g_autofree char *dev = NULL;

	td = hc_test_daemon_new(&error);
	ck_assert_msg(td != NULL, "%s", error != NULL ? error->message : "");
	root = hc_test_daemon_path(td, "root");
	write_root("sys/devices/system/clocksource/clocksource0/current_clocksource", "tsc\n");
	write_root("proc/meminfo", "MemTotal:        1000 kB\nMemFree:          500 kB\n");
	dev = g_build_filename(root, "dev", NULL);
	ck_assert_int_eq(g_mkdir_with_parents(dev, 0755), 0);
	/* a stand-in for the world-writable /dev/net/tun (a regular file: the tap probe's
	 * answer stays the same whatever its mode) */
	write_root("dev/net/tun", "");
	root_arg = g_strdup_printf("--sysroot=%s", root);
	{
		const char *extra[] = {root_arg, NULL};
		hc_test_living_start(td, extra);
	}
	queue = g_ptr_array_new_with_free_func(unref_message);
	client = hc_test_living_connect(td, &error);
	ck_assert_msg(client != NULL, "%s", error->message);
	ck_assert(hc_test_living_subscribe(client, queue, &error));
}

static char **
wait_changed(void)
{
	g_autoptr(GError) error = NULL;
	sd_bus_message *m =
	    hc_test_living_wait_signal(client, queue, "CapabilitiesChanged", &error);
	uint64_t generation = 0;
	char **ids = NULL;

	ck_assert_msg(m != NULL, "%s", error->message);
	ck_assert_int_ge(sd_bus_message_read(m, "t", &generation), 0);
	ck_assert_int_ge(sd_bus_message_read_strv(m, &ids), 0);
	sd_bus_message_unref(m);
	return ids;
}

/* a misc device's uevent file: kvm where it exists, else the first misc device */
static char *
misc_uevent_path(void)
{
	g_autoptr(GDir) dir = NULL;
	const char *name;

	if (g_file_test("/sys/devices/virtual/misc/kvm/uevent", G_FILE_TEST_EXISTS))
		return g_strdup("/sys/devices/virtual/misc/kvm/uevent");
	dir = g_dir_open("/sys/class/misc", 0, NULL);
	ck_assert_msg(dir != NULL, "no /sys/class/misc");
	name = g_dir_read_name(dir);
	ck_assert_msg(name != NULL, "no misc device");
	return g_build_filename("/sys/class/misc", name, "uevent", NULL);
}

/* what a process (not the kernel) could send to the kernel's uevent group */
static void
forge_uevent(const char *subsystem)
{
	struct sockaddr_nl dest = {.nl_family = AF_NETLINK, .nl_groups = 1};
	g_autofree char *text = g_strdup("change@/devices/forged");
	g_autoptr(GByteArray) msg = g_byte_array_new();
	g_autofree char *sub = g_strdup_printf("SUBSYSTEM=%s", subsystem);
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);

	ck_assert_msg(fd >= 0, "socket: %s", g_strerror(errno));
	g_byte_array_append(msg, (const guint8 *)text, (guint)strlen(text) + 1);
	g_byte_array_append(msg, (const guint8 *)"ACTION=change", sizeof("ACTION=change"));
	g_byte_array_append(msg, (const guint8 *)sub, (guint)strlen(sub) + 1);
	ck_assert_msg(sendto(fd, msg->data, msg->len, 0, (struct sockaddr *)&dest, sizeof(dest)) ==
			  (ssize_t)msg->len,
		      "sendto: %s",
		      g_strerror(errno));
	close(fd);
}

START_TEST(test_kernel_uevent_reprobes_declared_probes)
{
	g_autofree char *uevent = misc_uevent_path();
	g_autofree char *joined = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) snap = NULL;
	g_auto(GStrv) ids = NULL;
	int fd;

	start();
	/* both facts change on disk; only the misc probe's may be re-read */
	write_root("sys/devices/system/clocksource/clocksource0/current_clocksource", "hpet\n");
	write_root("proc/meminfo", "MemTotal:        2000 kB\nMemFree:          500 kB\n");
	/* a forged "memory" event first: if it were believed, the memory probe would have run
	 * by the time the misc event's pass is committed */
	forge_uevent("memory");

	fd = open(uevent, O_WRONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "open %s: %s", uevent, g_strerror(errno));
	ck_assert_int_eq(write(fd, "change", 6), 6);
	close(fd);

	ids = wait_changed();
	joined = g_strjoinv(" ", ids);
	ck_assert_msg(g_strv_contains((const char *const *)ids, "host.clocksource.current"),
		      "%s",
		      joined);
	for (guint i = 0; ids[i] != NULL; i++)
		ck_assert_msg(!g_str_has_prefix(ids[i], "mem."), "%s", joined);
	snap = hc_test_living_describe(td, &error);
	ck_assert_msg(snap != NULL, "%s", error->message);
	{
		JsonObject *caps = json_object_get_object_member(snap, "capabilities");
		JsonObject *total = json_object_get_object_member(caps, "mem.total_kib");
		JsonObject *clock = json_object_get_object_member(caps, "host.clocksource.current");
		ck_assert_int_eq(json_object_get_int_member(total, "value"), 1000);
		ck_assert_str_eq(json_object_get_string_member(clock, "value"), "hpet");
	}
}
END_TEST

START_TEST(test_devnode_appearing_reprobes)
{
	g_autofree char *node = NULL;
	g_autofree char *joined = NULL;
	g_auto(GStrv) ids = NULL;
	/* the node appears in the sysroot as a link to the host's real one, so the probe that
	 * names it now opens a working device and its answer changes */
	const char *target = g_file_test("/dev/userfaultfd", G_FILE_TEST_EXISTS) ? "userfaultfd"
										 : "kvm";
	g_autofree char *real = g_build_filename("/dev", target, NULL);
	g_autofree char *expect = g_strcmp0(target, "kvm") == 0 ? g_strdup("kvm.present")
								: g_strdup("uffd.dev");

	ck_assert_msg(g_file_test(real, G_FILE_TEST_EXISTS),
		      "neither /dev/userfaultfd nor /dev/kvm");
	start();
	node = g_build_filename(root, "dev", target, NULL);
	ck_assert_int_eq(symlink(real, node), 0);
	ids = wait_changed();
	joined = g_strjoinv(" ", ids);
	ck_assert_msg(g_strv_contains((const char *const *)ids, expect), "%s", joined);
	for (guint i = 0; ids[i] != NULL; i++)
		ck_assert_msg(!g_str_has_prefix(ids[i], "mem.") &&
				  !g_str_has_prefix(ids[i], "host.clocksource"),
			      "%s",
			      joined);
}
END_TEST

/* a PropertiesChanged of hostcapd that names LastProbeUsec: one per committed probe pass */
static gboolean
is_pass_signal(sd_bus_message *m)
{
	const char *iface = NULL;
	gboolean found = FALSE;

	if (!sd_bus_message_is_signal(m, "org.freedesktop.DBus.Properties", "PropertiesChanged"))
		return FALSE;
	ck_assert_int_ge(sd_bus_message_rewind(m, 1), 0);
	ck_assert_int_ge(sd_bus_message_read(m, "s", &iface), 0);
	ck_assert_int_ge(sd_bus_message_enter_container(m, 'a', "{sv}"), 0);
	while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
		const char *name = NULL;
		ck_assert_int_ge(sd_bus_message_read(m, "s", &name), 0);
		found = found || g_strcmp0(name, "LastProbeUsec") == 0;
		ck_assert_int_ge(sd_bus_message_skip(m, "v"), 0);
		ck_assert_int_ge(sd_bus_message_exit_container(m), 0);
	}
	return found;
}

static guint
count_passes(void)
{
	guint n = 0;

	while (sd_bus_process(client, NULL) > 0)
		;
	for (guint i = 0; i < queue->len; i++)
		n += is_pass_signal(queue->pdata[i]) ? 1 : 0;
	g_ptr_array_set_size(queue, 0);
	return n;
}

/* Refresh of the tap probe; it answers after its own pass, so every signal of the passes
 * before it has arrived */
static void
refresh_tap(void)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;

	ck_assert_msg(sd_bus_call_method(client,
					 "org.hostcapd.HostCap1",
					 "/org/hostcapd/HostCap1",
					 "org.hostcapd.HostCap1",
					 "Refresh",
					 &e,
					 &reply,
					 "as",
					 1,
					 "tap") >= 0,
		      "Refresh: %s",
		      e.message);
	sd_bus_message_unref(reply);
	sd_bus_error_free(&e);
}

/*
 * An unprivileged user can touch and (on some systems) chmod a 0666 node like /dev/net/tun
 * in a loop. Touching (timestamps only) starts nothing and a pass that changes nothing does
 * not rewrite the cache; changing the mode 100 times in 10 s runs the probes naming the node
 * at most 3 times (EventMinIntervalSec=5). The count is of committed passes, not of time.
 */
START_TEST(test_devnode_churn_is_no_load)
{
	g_autofree char *tun = NULL;
	g_autofree char *cache = NULL;
	struct stat before;
	struct stat after;
	guint touched;
	guint passes;

	start();
	tun = g_build_filename(root, "dev", "net", "tun", NULL);
	refresh_tap();
	(void)count_passes();
	cache = g_build_filename(td->tmpdir, "cache", "snapshot.json", NULL);
	ck_assert_int_eq(stat(cache, &before), 0);
	for (guint i = 0; i < 100; i++) {
		ck_assert_int_eq(utimensat(AT_FDCWD, tun, NULL, 0), 0);
		g_usleep(50 * 1000);
	}
	/* a Refresh that changes nothing: the cache is not rewritten */
	refresh_tap();
	touched = count_passes();
	ck_assert_int_eq(stat(cache, &after), 0);
	ck_assert_msg(before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
			  before.st_mtim.tv_nsec == after.st_mtim.tv_nsec,
		      "passes that changed nothing rewrote the cache");
	/* mode changes are real changes (the access probe's answer follows them) */
	for (guint i = 0; i < 100; i++) {
		ck_assert_int_eq(chmod(tun, i % 2 ? 0666 : 0600), 0);
		g_usleep(100 * 1000);
	}
	/* an explicit Refresh answers after its own pass: every signal before it is here */
	refresh_tap();
	passes = count_passes();
	/* only the Refresh pass while the node was touched */
	ck_assert_uint_eq(touched, 1);
	/* the Refresh pass is one of them */
	ck_assert_uint_ge(passes, 2);
	ck_assert_uint_le(passes, 3 + 1);
}
END_TEST

START_TEST(test_parse_and_select)
{
	static const char good[] = "change@/devices/virtual/misc/kvm\0ACTION=change\0"
				   "DEVPATH=/devices/virtual/misc/kvm\0SUBSYSTEM=misc\0MINOR=232";
	static const char no_header[] = "libudev\0SUBSYSTEM=misc";
	static const char vm_created[] = "change@/devices/virtual/misc/kvm\0ACTION=change\0"
					 "DEVPATH=/devices/virtual/misc/kvm\0SUBSYSTEM=misc\0"
					 "CREATED=3\0COUNT=1\0EVENT=create\0PID=42";
	g_autoptr(GHashTable) env = hc_uevent_parse(good, sizeof(good));
	g_autoptr(GHashTable) vm = hc_uevent_parse(vm_created, sizeof(vm_created));
	g_autoptr(GHashTable) bare = hc_uevent_parse("add@/x\0ACTION=add", 17);
	g_autoptr(GPtrArray) misc = hc_uevent_probes_for_subsystem("misc");
	g_autoptr(GPtrArray) net = hc_devwatch_probes_for_path("/dev/net");
	g_autoptr(GPtrArray) kvm = hc_devwatch_probes_for_path("/dev/kvm");

	ck_assert(env != NULL);
	ck_assert_str_eq(hc_uevent_get_subsystem(env), "misc");
	ck_assert_str_eq(g_hash_table_lookup(env, "MINOR"), "232");
	ck_assert(hc_uevent_parse(no_header, sizeof(no_header)) == NULL);
	ck_assert(bare != NULL);
	ck_assert(hc_uevent_get_subsystem(bare) == NULL);
	/* the probes' own KVM_CREATE_VM must not re-run them */
	ck_assert(vm != NULL);
	ck_assert(hc_uevent_get_subsystem(vm) == NULL);
	/* the registry's declarations, read independently of the code under test */
	ck_assert(g_ptr_array_find_with_equal_func(misc, "kvm", g_str_equal, NULL));
	ck_assert(g_ptr_array_find_with_equal_func(misc, "tap", g_str_equal, NULL));
	ck_assert(g_ptr_array_find_with_equal_func(misc, "uffd", g_str_equal, NULL));
	ck_assert(!g_ptr_array_find_with_equal_func(misc, "memory", g_str_equal, NULL));
	ck_assert(g_ptr_array_find_with_equal_func(net, "tap", g_str_equal, NULL));
	ck_assert(g_ptr_array_find_with_equal_func(kvm, "kvm", g_str_equal, NULL));
	ck_assert(!g_ptr_array_find_with_equal_func(kvm, "tap", g_str_equal, NULL));
}
END_TEST

static Suite *
uevent_suite(void)
{
	Suite *s = suite_create("uevent");
	TCase *tc = tcase_create("uevent");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_parse_and_select);
	tcase_add_test(tc, test_kernel_uevent_reprobes_declared_probes);
	tcase_add_test(tc, test_devnode_appearing_reprobes);
	tcase_add_test(tc, test_devnode_churn_is_no_load);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(uevent_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
