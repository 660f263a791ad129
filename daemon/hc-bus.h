/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <systemd/sd-bus.h>

#include "hc-daemon.h"

G_BEGIN_DECLS

/**
 * The D-Bus front end: connects to the bus on the daemon's loop and exports the
 * org.hostcapd.HostCap1 vtable at /org/hostcapd/HostCap1; hc_bus_request_name() then asks
 * for the well-known name (hc_daemon_name_acquired() once it is ours). Handlers read the
 * daemon's state through its getters; the daemon calls the emit functions after each commit.
 */
typedef struct _HcBus HcBus;

HcBus *
hc_bus_new(HcDaemon *daemon, HcBusKind kind, const char *address, GError **error);
void
hc_bus_free(HcBus *bus);
/* asynchronous; idempotent. The daemon asks once it has a snapshot, so that a client
 * that activated it never meets a daemon with nothing to answer. */
gboolean
hc_bus_request_name(HcBus *bus, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcBus, hc_bus_free)

/* org.freedesktop.DBus.Properties.PropertiesChanged for the NULL-terminated names */
void
hc_bus_emit_properties_changed(HcBus *bus, const char *first_name, ...) G_GNUC_NULL_TERMINATED;
/* CapabilitiesChanged(t generation, as changed_ids); @changed_ids element-type utf8 */
void
hc_bus_emit_capabilities_changed(HcBus *bus, guint64 generation, GPtrArray *changed_ids);

/* the verdict methods live in hc-bus-check.c */
int
hc_bus_method_check_bootable(sd_bus_message *m, void *userdata, sd_bus_error *ret_error);
int
hc_bus_method_check_migration(sd_bus_message *m, void *userdata, sd_bus_error *ret_error);
int
hc_bus_method_translate_spec(sd_bus_message *m, void *userdata, sd_bus_error *ret_error);
/* the current snapshot (borrowed) in @out and 0; Busy (negative errno) before the first */
int
hc_bus_require_snapshot(HcBus *bus, HcSnapshot **out, sd_bus_error *ret_error);
HcDaemon *
hc_bus_get_daemon(HcBus *bus);

G_END_DECLS
