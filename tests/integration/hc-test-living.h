/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <systemd/sd-bus.h>

#include "hc-test-daemon.h"

G_BEGIN_DECLS

/**
 * Helpers for the living-cache tests (config, access, cache, uevents): callers with other
 * credentials, a client connection that waits for signals, the snapshot as JSON.
 */

/* `setpriv @setpriv_args… gdbus call … --method org.hostcapd.HostCap1.@method @args…`:
 * stdout, or NULL with gdbus's message (which names the D-Bus error) in @error */
char *
hc_test_living_call_as(HcTestDaemon *td,
		       const char *const *setpriv_args,
		       const char *method,
		       const char *const *args,
		       GError **error);

/* Describe() through busctl, parsed; NULL with the reason */
JsonObject *
hc_test_living_describe(HcTestDaemon *td, GError **error);

/* "$.probes.<name>.status" of a Describe() reply */
const char *
hc_test_living_probe_status(JsonObject *snapshot, const char *probe);
/* "$.capabilities.<id>.state", NULL when absent */
const char *
hc_test_living_cap_state(JsonObject *snapshot, const char *id);

/* Refresh(@probes) through busctl as root: the generation, or 0 with the error */
guint64
hc_test_living_refresh(HcTestDaemon *td, const char *const *probes, GError **error);

/* a client connection of our own on the test bus */
sd_bus *
hc_test_living_connect(HcTestDaemon *td, GError **error);

/* subscribes @bus to CapabilitiesChanged and PropertiesChanged of hostcapd; received signals
 * queue up in @queue (sd_bus_message*, owned) */
gboolean
hc_test_living_subscribe(sd_bus *bus, GPtrArray *queue, GError **error);

/* processes @bus (poll-bounded, no sleeping) until a signal named @member is queued; returns
 * it (owned) and drops what came before it */
sd_bus_message *
hc_test_living_wait_signal(sd_bus *bus, GPtrArray *queue, const char *member, GError **error);

/* g_file_set_contents, failing the test on error */
void
hc_test_living_write(const char *path, const char *text);

/* @text into @root/@rel, its directories made first, failing the test on error */
void
hc_test_living_write_under(const char *root, const char *rel, const char *text);

/* hc_test_daemon_start() with a private state directory (TMP/state), a config file that does
 * not exist (the built-in defaults) and @extra_args; fails the test on error */
void
hc_test_living_start(HcTestDaemon *td, const char *const *extra_args);

G_END_DECLS
