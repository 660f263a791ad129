/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * A private dbus-daemon plus a real hostcapd on it, for integration tests.
 *
 * hc_test_daemon_new() starts the bus (session-like policy, address read from
 * --print-address on a pipe) and binds the AF_UNIX datagram socket that hostcapd gets as
 * NOTIFY_SOCKET. hc_test_daemon_start() spawns $HC_BUILD_DIR/daemon/hostcapd and blocks
 * in recv() (bounded by poll) until READY=1. Nothing here sleeps.
 */
typedef struct {
	char *tmpdir;
	char *address;
	GPid bus_pid;
	GPid daemon_pid;
	int notify_fd;
	char *notify_path;
	char *status; /* last STATUS= received */
	/* set before start: no --data-dir of the source tree (the daemon's own default, or the
	 * test's --data-dir in extra_args, is used) */
	gboolean no_default_data_dir;
} HcTestDaemon;

/* how long any single wait may block before the test fails */
#define HC_TEST_TIMEOUT_MSEC 60000

HcTestDaemon *
hc_test_daemon_new(GError **error);
/* like hc_test_daemon_new(), but the bus is system-like (deny by default) and includes the
 * bus policy file @policy_path, the way /usr/share/dbus-1/system.d is included */
HcTestDaemon *
hc_test_daemon_new_with_policy(const char *policy_path, GError **error);
void
hc_test_daemon_free(HcTestDaemon *td);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcTestDaemon, hc_test_daemon_free)

/* spawns hostcapd --address ADDR --cache-dir TMP/cache --data-dir $HC_SOURCE_DIR/data
 * plus @extra_args (may be NULL), then waits for READY=1 */
gboolean
hc_test_daemon_start(HcTestDaemon *td, const char *const *extra_args, GError **error);

/* hc_test_daemon_new() then hc_test_daemon_start(@extra_args), failing the test on error */
HcTestDaemon *
hc_test_daemon_new_started(const char *const *extra_args);

/* reads notification datagrams until one sets @key; returns its value */
char *
hc_test_daemon_wait_notify(HcTestDaemon *td, const char *key, GError **error);

/* SIGTERM, wait for STOPPING=1 and the exit; returns the wait status in @wait_status */
gboolean
hc_test_daemon_stop(HcTestDaemon *td, int *wait_status, GError **error);

/* a path under the test's private directory (removed by hc_test_daemon_free()) */
char *
hc_test_daemon_path(HcTestDaemon *td, const char *name);

/* runs @argv (PATH lookup) to completion, capturing stdout and stderr; returns FALSE only
 * when it could not be run; @exit_status is the exit code (-1 when killed) */
gboolean
hc_test_run(const char *const *argv, char **out, char **err, int *exit_status, GError **error);

/* `busctl --address=ADDR --json=short call org.hostcapd.HostCap1 /org/hostcapd/HostCap1
 * <interface> <method> [signature args…]`: the "data" array of the reply, or NULL with the
 * client's stderr in @error */
JsonNode *
hc_test_daemon_busctl_call(HcTestDaemon *td,
			   const char *interface,
			   const char *method,
			   const char *const *args,
			   GError **error);

/* `gdbus call --address ADDR … --method <interface>.<method> args…`: the reply text
 * (GVariant text format); on failure NULL with gdbus's message, which carries the D-Bus
 * error name, in @error */
char *
hc_test_daemon_gdbus_call(HcTestDaemon *td,
			  const char *interface_method,
			  const char *const *args,
			  GError **error);

/* the same as user @uid (the private directory is made reachable for it) */
char *
hc_test_daemon_gdbus_call_as(HcTestDaemon *td,
			     guint uid,
			     const char *interface_method,
			     const char *const *args,
			     GError **error);

/* a property of org.hostcapd.HostCap1 through gdbus, unboxed */
GVariant *
hc_test_daemon_get_property(HcTestDaemon *td, const char *name, GError **error);

G_END_DECLS
