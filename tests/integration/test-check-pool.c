/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CheckBootable/CheckMigration run on the daemon's worker pool: a property read and a Ping
 * sent after a large CheckMigration are answered before it, and one user gets at most
 * ChecksPerUser= checks in flight (Busy beyond). Order of replies, not time, is asserted.
 */
#include <check.h>
#include <systemd/sd-bus.h>

#include "hc-test-living.h"

#define IFACE "org.hostcapd.HostCap1"
#define PATH  "/org/hostcapd/HostCap1"

static HcTestDaemon *td;
static char *big_snapshot;

static void
teardown(void)
{
	g_clear_pointer(&td, hc_test_daemon_free);
}

/* about 4 MiB: many capabilities with long reasons, so parsing it takes a while */
static const char *
big(void)
{
	g_autoptr(GString) s = NULL;

	if (big_snapshot != NULL)
		return big_snapshot;
	s = g_string_new("{\"format\":\"hostcapd-snapshot/1\",\"capabilities\":{");
	for (guint i = 0; s->len < 4 * 1024 * 1024 - 4096; i++)
		g_string_append_printf(s,
				       "%s\"test.pool.c%u\":{\"state\":\"supported\",\"reason\":"
				       "\"%0160u\",\"value\":[\"a\",\"b\",\"c\"]}",
				       i > 0 ? "," : "",
				       i,
				       i);
	g_string_append(s, "}}");
	big_snapshot = g_string_free(g_steal_pointer(&s), FALSE);
	return big_snapshot;
}

static void
start(const char *config)
{
	g_autofree char *path = NULL;
	g_autofree char *arg = NULL;
	const char *args[] = {NULL, NULL};

	td = hc_test_daemon_new(NULL);
	ck_assert_ptr_nonnull(td);
	path = hc_test_daemon_path(td, "pool.conf");
	hc_test_living_write(path, config);
	arg = g_strdup_printf("--config=%s", path);
	args[0] = arg;
	hc_test_living_start(td, args);
}

static sd_bus *
connect_bus(void)
{
	sd_bus *bus = NULL;

	ck_assert_int_ge(sd_bus_new(&bus), 0);
	ck_assert_int_ge(sd_bus_set_address(bus, td->address), 0);
	ck_assert_int_ge(sd_bus_set_bus_client(bus, 1), 0);
	ck_assert_int_ge(sd_bus_start(bus), 0);
	return bus;
}

typedef struct {
	GPtrArray *order; /* names of the calls in the order their replies came */
	guint busy;
	guint pending;
} Replies;

typedef struct {
	Replies *replies;
	const char *name;
	gboolean answered;
} Call;

static int
on_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	Call *call = userdata;
	const sd_bus_error *e = sd_bus_message_get_error(m);

	g_ptr_array_add(call->replies->order, (gpointer)call->name);
	if (e != NULL && g_strcmp0(e->name, IFACE ".Error.Busy") == 0)
		call->replies->busy++;
	else
		ck_assert_msg(e == NULL, "%s: %s: %s", call->name, e->name, e->message);
	call->replies->pending--;
	call->answered = TRUE;
	return 0;
}

static void
call_migration(sd_bus *bus, Call *call)
{
	int r = sd_bus_call_method_async(bus,
					 NULL,
					 IFACE,
					 PATH,
					 IFACE,
					 "CheckMigration",
					 on_reply,
					 call,
					 "ssa{sv}",
					 "{\"features\": {}}",
					 big(),
					 1,
					 "Source",
					 "s",
					 big());
	ck_assert_int_ge(r, 0);
	call->replies->pending++;
}

static void
call_bootable(sd_bus *bus, Call *call)
{
	int r = sd_bus_call_method_async(bus,
					 NULL,
					 IFACE,
					 PATH,
					 IFACE,
					 "CheckBootable",
					 on_reply,
					 call,
					 "sa{sv}",
					 "{\"features\": {}}",
					 0);
	ck_assert_int_ge(r, 0);
	call->replies->pending++;
}

static void
wait_call(sd_bus *bus, Call *call)
{
	while (!call->answered) {
		int r = sd_bus_process(bus, NULL);
		ck_assert_int_ge(r, 0);
		if (r == 0)
			ck_assert_int_ge(sd_bus_wait(bus, HC_TEST_TIMEOUT_MSEC * 1000ULL), 0);
	}
}

START_TEST(test_loop_answers_during_checks)
{
	g_autoptr(GPtrArray) order = g_ptr_array_new();
	Replies replies = {order, 0, 0};
	Call check = {&replies, "CheckMigration", FALSE};
	Call prop = {&replies, "Get(State)", FALSE};
	Call ping = {&replies, "Ping", FALSE};
	sd_bus *bus;

	start("[Daemon]\nChecksPerUser=4\n");
	bus = connect_bus();
	call_migration(bus, &check);
	ck_assert_int_ge(sd_bus_call_method_async(bus,
						  NULL,
						  IFACE,
						  PATH,
						  "org.freedesktop.DBus.Properties",
						  "Get",
						  on_reply,
						  &prop,
						  "ss",
						  IFACE,
						  "State"),
			 0);
	replies.pending++;
	ck_assert_int_ge(sd_bus_call_method_async(bus,
						  NULL,
						  IFACE,
						  PATH,
						  "org.freedesktop.DBus.Peer",
						  "Ping",
						  on_reply,
						  &ping,
						  ""),
			 0);
	replies.pending++;
	wait_call(bus, &check);
	/* the loop thread answered what came after the check while a worker evaluated it */
	ck_assert_uint_eq(order->len, 3);
	ck_assert_str_eq(g_ptr_array_index(order, 2), "CheckMigration");
	sd_bus_flush_close_unref(bus);
}
END_TEST

START_TEST(test_per_user_limit)
{
	g_autoptr(GPtrArray) order = g_ptr_array_new();
	Replies replies = {order, 0, 0};
	Call warm1 = {&replies, "warm-up 1", FALSE};
	Call warm2 = {&replies, "warm-up 2", FALSE};
	Call first = {&replies, "first", FALSE};
	Call second = {&replies, "second", FALSE};
	Call third = {&replies, "third", FALSE};
	Call ping = {&replies, "Ping", FALSE};
	sd_bus *bus;
	sd_bus *other;

	start("[Daemon]\nChecksPerUser=1\n");
	bus = connect_bus();
	other = connect_bus();
	/* each connection once, so the daemon knows both senders' uid without asking */
	call_bootable(bus, &warm1);
	wait_call(bus, &warm1);
	call_bootable(other, &warm2);
	wait_call(other, &warm2);
	ck_assert_uint_eq(replies.busy, 0);
	/* the same user on two connections: the limit is per uid, not per connection; the
	 * small second call arrives while the large first one is still being evaluated */
	call_migration(bus, &first);
	/* a Ping behind it on the same connection: once answered, the daemon has read the
	 * check and handed it to the pool */
	ck_assert_int_ge(sd_bus_call_method_async(bus,
						  NULL,
						  IFACE,
						  PATH,
						  "org.freedesktop.DBus.Peer",
						  "Ping",
						  on_reply,
						  &ping,
						  ""),
			 0);
	replies.pending++;
	wait_call(bus, &ping);
	ck_assert(!first.answered);
	call_bootable(other, &second);
	wait_call(other, &second);
	ck_assert_uint_eq(replies.busy, 1);
	wait_call(bus, &first);
	ck_assert_uint_eq(replies.busy, 1);
	/* once the first answered, the user may check again */
	call_bootable(bus, &third);
	wait_call(bus, &third);
	ck_assert_uint_eq(replies.busy, 1);
	sd_bus_flush_close_unref(bus);
	sd_bus_flush_close_unref(other);
}
END_TEST

static Suite *
pool_suite(void)
{
	Suite *s = suite_create("check-pool");
	TCase *tc = tcase_create("check-pool");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_loop_answers_during_checks);
	tcase_add_test(tc, test_per_user_limit);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(pool_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	g_free(big_snapshot);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
