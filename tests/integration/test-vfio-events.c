/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemon never opens an IOMMU group from an event. On a copy of the vfio-bound fixture
 * with a group node /dev/vfio/1, inotify (IN_OPEN) sees every open of that node. By default
 * no pass opens it, the one a /dev change starts included; with VfioOpenDevices=yes the start
 * pass and a Refresh do, and a /dev change does not re-run the vfio probe at all.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "hc-test-living.h"

static HcTestDaemon *td;
static char *root;
static GPtrArray *queue;
static sd_bus *client;
static int watch_fd = -1;

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
	if (watch_fd >= 0)
		close(watch_fd);
	watch_fd = -1;
}

/* the fixture's sysfs, a group node, and an inotify watch on /dev/vfio */
static void
make_root(void)
{
	g_autofree char *fixture = g_build_filename(g_getenv("HC_SOURCE_DIR"),
						    "tests/fixtures/sysroots/vfio-bound/sys",
						    NULL);
	g_autofree char *vfio = NULL;
	const char *cp[] = {"cp", "-a", fixture, root, NULL};
	g_autoptr(GError) error = NULL;
	int status = -1;

	ck_assert_int_eq(g_mkdir_with_parents(root, 0755), 0);
	ck_assert_msg(hc_test_run(cp, NULL, NULL, &status, &error), "%s", error->message);
	ck_assert_int_eq(status, 0);
	hc_test_living_write_under(root, "dev/vfio/1", "");
	vfio = g_build_filename(root, "dev", "vfio", NULL);
	watch_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	ck_assert_int_ge(watch_fd, 0);
	ck_assert_int_ge(inotify_add_watch(watch_fd, vfio, IN_OPEN), 0);
}

static void
start(const char *config)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *root_arg = NULL;
	g_autofree char *config_path = NULL;

	td = hc_test_daemon_new(&error);
	ck_assert_msg(td != NULL, "%s", error != NULL ? error->message : "");
	root = hc_test_daemon_path(td, "root");
	make_root();
	/* hc_test_living_start() points --config at this file */
	config_path = hc_test_daemon_path(td, "none.conf");
	hc_test_living_write(config_path, config);
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

/* was /dev/vfio/1 opened since the last call? */
static gboolean
group_opened(void)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	gboolean opened = FALSE;
	ssize_t len;

	while ((len = read(watch_fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if ((ev->mask & IN_OPEN) && ev->len > 0 && g_str_equal(ev->name, "1"))
				opened = TRUE;
			p += sizeof(*ev) + ev->len;
		}
	}
	ck_assert_int_eq(errno, EAGAIN);
	return opened;
}

/* a node appearing under the sysroot's /dev, created in place (no rename) */
static void
touch_dev(const char *name)
{
	g_autofree char *path = g_build_filename(root, "dev", name, NULL);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	ck_assert_msg(fd >= 0, "%s: %s", path, g_strerror(errno));
	close(fd);
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

static const char *
cap_state(const char *id)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonObject) snapshot = hc_test_living_describe(td, &error);
	const char *state;

	ck_assert_msg(snapshot != NULL, "%s", error->message);
	state = hc_test_living_cap_state(snapshot, id);
	ck_assert_msg(state != NULL, "no %s", id);
	/* interned: the snapshot goes away with this frame */
	return g_intern_string(state);
}

START_TEST(test_default_never_opens_a_group)
{
	g_auto(GStrv) ids = NULL;

	start("");
	ck_assert_msg(!group_opened(), "the start pass opened /dev/vfio/1");
	ck_assert_str_eq(cap_state("vfio.dev.0000_01_00_0.migration"), "unsupported");
	/* /dev/iommu appearing re-runs the vfio probe: still no open */
	touch_dev("iommu");
	ids = wait_changed();
	ck_assert_msg(g_strv_contains((const char *const *)ids, "vfio.iommufd"), "no re-run");
	ck_assert_msg(!group_opened(), "the event pass opened /dev/vfio/1");
}
END_TEST

START_TEST(test_switch_opens_only_in_deliberate_passes)
{
	const char *vfio[] = {"vfio", NULL};
	g_autoptr(GError) error = NULL;
	g_autofree char *uffd = NULL;
	g_auto(GStrv) ids = NULL;

	ck_assert_msg(g_file_test("/dev/userfaultfd", G_FILE_TEST_EXISTS), "no /dev/userfaultfd");
	start("[Daemon]\nVfioOpenDevices=yes\n");
	ck_assert_msg(group_opened(), "the start pass did not open /dev/vfio/1");
	/* two /dev changes: vfio's /dev/iommu, then uffd's node; the uffd pass proves the
	 * events were handled, vfio.iommufd that the vfio probe did not run */
	touch_dev("iommu");
	uffd = g_build_filename(root, "dev", "userfaultfd", NULL);
	ck_assert_int_eq(symlink("/dev/userfaultfd", uffd), 0);
	ids = wait_changed();
	ck_assert_msg(g_strv_contains((const char *const *)ids, "uffd.dev"), "no uffd re-run");
	ck_assert_str_eq(cap_state("vfio.iommufd"), "unsupported");
	ck_assert_msg(!group_opened(), "an event pass opened /dev/vfio/1");
	/* a Refresh is deliberate */
	ck_assert_msg(hc_test_living_refresh(td, vfio, &error) > 0, "%s", error->message);
	ck_assert_msg(group_opened(), "Refresh did not open /dev/vfio/1");
}
END_TEST

static Suite *
vfio_events_suite(void)
{
	Suite *s = suite_create("vfio-events");
	TCase *tc = tcase_create("vfio-events");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_default_never_opens_a_group);
	tcase_add_test(tc, test_switch_opens_only_in_deliberate_passes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(vfio_events_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
