/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <errno.h>
#include <glib/gstdio.h>

#include "hostcap/hc-dbus.h"

#include "hc-test-living.h"

#define HC_TEST_LIVING_ERROR (g_quark_from_static_string("hc-test-living-error"))

char *
hc_test_living_call_as(HcTestDaemon *td,
		       const char *const *setpriv_args,
		       const char *method,
		       const char *const *args,
		       GError **error)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	int status = -1;

	/* the bus socket lives in the private directory: let other users through */
	if (g_chmod(td->tmpdir, 0755) < 0) {
		g_set_error(error, HC_TEST_LIVING_ERROR, 0, "chmod: %s", g_strerror(errno));
		return NULL;
	}
	g_ptr_array_add(argv, g_strdup("setpriv"));
	for (guint i = 0; setpriv_args[i] != NULL; i++)
		g_ptr_array_add(argv, g_strdup(setpriv_args[i]));
	g_ptr_array_add(argv, g_strdup("gdbus"));
	g_ptr_array_add(argv, g_strdup("call"));
	g_ptr_array_add(argv, g_strdup_printf("--address=%s", td->address));
	g_ptr_array_add(argv, g_strdup("--timeout=120"));
	g_ptr_array_add(argv, g_strdup("--dest=" HC_DBUS_NAME));
	g_ptr_array_add(argv, g_strdup("--object-path=" HC_DBUS_PATH));
	g_ptr_array_add(argv, g_strdup_printf("--method=%s", method));
	for (guint i = 0; args != NULL && args[i] != NULL; i++)
		g_ptr_array_add(argv, g_strdup(args[i]));
	g_ptr_array_add(argv, NULL);
	if (!hc_test_run((const char *const *)argv->pdata, &out, &err, &status, error))
		return NULL;
	if (status != 0) {
		g_set_error(error, HC_TEST_LIVING_ERROR, status, "%s", g_strstrip(err));
		return NULL;
	}
	return g_steal_pointer(&out);
}

JsonObject *
hc_test_living_describe(HcTestDaemon *td, GError **error)
{
	g_autoptr(JsonNode) data =
	    hc_test_daemon_busctl_call(td, HC_DBUS_INTERFACE, "Describe", NULL, error);
	g_autoptr(JsonParser) parser = json_parser_new();
	const char *text;

	if (data == NULL)
		return NULL;
	text = json_array_get_string_element(json_node_get_array(data), 0);
	if (!json_parser_load_from_data(parser, text, -1, error))
		return NULL;
	return json_object_ref(json_node_get_object(json_parser_get_root(parser)));
}

const char *
hc_test_living_probe_status(JsonObject *snapshot, const char *probe)
{
	JsonObject *probes = json_object_get_object_member(snapshot, "probes");
	JsonObject *rec = probes != NULL && json_object_has_member(probes, probe)
			      ? json_object_get_object_member(probes, probe)
			      : NULL;

	return rec != NULL ? json_object_get_string_member(rec, "status") : NULL;
}

const char *
hc_test_living_cap_state(JsonObject *snapshot, const char *id)
{
	JsonObject *caps = json_object_get_object_member(snapshot, "capabilities");
	JsonObject *cap = caps != NULL && json_object_has_member(caps, id)
			      ? json_object_get_object_member(caps, id)
			      : NULL;

	return cap != NULL ? json_object_get_string_member(cap, "state") : NULL;
}

guint64
hc_test_living_refresh(HcTestDaemon *td, const char *const *probes, GError **error)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(JsonNode) data = NULL;
	guint n = probes != NULL ? g_strv_length((char **)probes) : 0;

	g_ptr_array_add(args, g_strdup("as"));
	g_ptr_array_add(args, g_strdup_printf("%u", n));
	for (guint i = 0; i < n; i++)
		g_ptr_array_add(args, g_strdup(probes[i]));
	g_ptr_array_add(args, NULL);
	data = hc_test_daemon_busctl_call(td,
					  HC_DBUS_INTERFACE,
					  "Refresh",
					  (const char *const *)args->pdata,
					  error);
	if (data == NULL)
		return 0;
	return (guint64)json_array_get_int_element(json_node_get_array(data), 0);
}

sd_bus *
hc_test_living_connect(HcTestDaemon *td, GError **error)
{
	sd_bus *bus = NULL;
	int r;

	r = sd_bus_new(&bus);
	if (r >= 0)
		r = sd_bus_set_address(bus, td->address);
	if (r >= 0)
		r = sd_bus_set_bus_client(bus, 1);
	if (r >= 0)
		r = sd_bus_start(bus);
	if (r < 0) {
		sd_bus_unref(bus);
		g_set_error(error, HC_TEST_LIVING_ERROR, 0, "connecting: %s", g_strerror(-r));
		return NULL;
	}
	return bus;
}

static int
hc_test_living_on_signal(sd_bus_message *m, void *user_data, sd_bus_error *ret_error)
{
	g_ptr_array_add(user_data, sd_bus_message_ref(m));
	return 0;
}

gboolean
hc_test_living_subscribe(sd_bus *bus, GPtrArray *queue, GError **error)
{
	int r = sd_bus_match_signal(bus,
				    NULL,
				    NULL,
				    HC_DBUS_PATH,
				    HC_DBUS_INTERFACE,
				    "CapabilitiesChanged",
				    hc_test_living_on_signal,
				    queue);
	if (r >= 0)
		r = sd_bus_match_signal(bus,
					NULL,
					NULL,
					HC_DBUS_PATH,
					"org.freedesktop.DBus.Properties",
					"PropertiesChanged",
					hc_test_living_on_signal,
					queue);
	if (r < 0) {
		g_set_error(error, HC_TEST_LIVING_ERROR, 0, "adding matches: %s", g_strerror(-r));
		return FALSE;
	}
	return TRUE;
}

sd_bus_message *
hc_test_living_wait_signal(sd_bus *bus, GPtrArray *queue, const char *member, GError **error)
{
	gint64 deadline = g_get_monotonic_time() + HC_TEST_TIMEOUT_MSEC * 1000;

	for (;;) {
		int r;
		while (queue->len > 0) {
			sd_bus_message *m = g_ptr_array_steal_index(queue, 0);
			if (g_strcmp0(sd_bus_message_get_member(m), member) == 0)
				return m;
			sd_bus_message_unref(m);
		}
		r = sd_bus_process(bus, NULL);
		if (r < 0) {
			g_set_error(error,
				    HC_TEST_LIVING_ERROR,
				    0,
				    "sd_bus_process: %s",
				    g_strerror(-r));
			return NULL;
		}
		if (r > 0)
			continue;
		if (g_get_monotonic_time() > deadline) {
			g_set_error(error,
				    HC_TEST_LIVING_ERROR,
				    0,
				    "timed out waiting for %s",
				    member);
			return NULL;
		}
		r = sd_bus_wait(bus, (uint64_t)HC_TEST_TIMEOUT_MSEC * 1000);
		if (r < 0 && r != -EINTR) {
			g_set_error(error,
				    HC_TEST_LIVING_ERROR,
				    0,
				    "sd_bus_wait: %s",
				    g_strerror(-r));
			return NULL;
		}
	}
}

void
hc_test_living_write(const char *path, const char *text)
{
	g_autoptr(GError) error = NULL;

	ck_assert_msg(g_file_set_contents(path, text, -1, &error), "%s", error->message);
}

void
hc_test_living_write_under(const char *root, const char *rel, const char *text)
{
	g_autofree char *path = g_build_filename(root, rel, NULL);
	g_autofree char *dir = g_path_get_dirname(path);

	ck_assert_int_eq(g_mkdir_with_parents(dir, 0755), 0);
	hc_test_living_write(path, text);
}

void
hc_test_living_start(HcTestDaemon *td, const char *const *extra_args)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);

	g_ptr_array_add(args, g_strdup_printf("--state-dir=%s/state", td->tmpdir));
	g_ptr_array_add(args, g_strdup_printf("--config=%s/none.conf", td->tmpdir));
	for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
		g_ptr_array_add(args, g_strdup(extra_args[i]));
	g_ptr_array_add(args, NULL);
	ck_assert_msg(hc_test_daemon_start(td, (const char *const *)args->pdata, &error),
		      "%s",
		      error->message);
}
