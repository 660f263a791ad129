/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "hc-access.h"
#include "hc-check-pool.h"
#include "hc-refresh-queue.h"
#include "hc-verdict.h"

G_BEGIN_DECLS

/**
 * The D-Bus front end: connects to the bus on its owner's loop and exports the
 * org.hostcapd.HostCap1 vtable at /org/hostcapd/HostCap1; hc_bus_request_name() then asks
 * for the well-known name (name_acquired() once it is ours). Handlers read their owner's
 * state through the narrow HcBusOwner interface and know nothing else of it; the owner (the
 * daemon) calls the emit functions after each commit.
 */
typedef struct _HcBus HcBus;

typedef enum {
	HC_BUS_KIND_SYSTEM,
	HC_BUS_KIND_SESSION,
	HC_BUS_KIND_ADDRESS,
} HcBusKind;

/* what the bus front end reads from and asks of its owner; every member is set */
typedef struct {
	/* borrowed; NULL before the first snapshot */
	HcSnapshot *(*get_snapshot)(gpointer owner);
	/* "starting", "probing", "ready" or "degraded" */
	const char *(*get_state)(gpointer owner);
	/* why "degraded" ("" otherwise) */
	const char *(*get_state_reason)(gpointer owner);
	/* the catalogue roots, lowest priority first */
	const char *const *(*get_data_dirs)(gpointer owner);
	/* borrowed; NULL with the load error (naming the file) when the catalogue did not load */
	HcCatalogue *(*get_catalogue)(gpointer owner, GError **error);
	/* who may Refresh and how often (hc-access.h) */
	HcAccess *(*get_access)(gpointer owner);
	/* the worker pool of the Check methods (hc-check-pool.h) */
	HcCheckPool *(*get_check_pool)(gpointer owner);
	/* queues a probe pass over @probes (known names; NULL or empty = all); @func is called
	 * once the snapshot that covers it is committed */
	gboolean (*refresh)(gpointer owner,
			    const char *const *probes,
			    HcRefreshFunc func,
			    gpointer user_data,
			    GError **error);
	/* the well-known name is ours */
	void (*name_acquired)(gpointer owner);
	/* the bus connection failed for good: stop with @error */
	void (*fatal)(gpointer owner, const GError *error);
} HcBusOwner;

/* @iface and @owner outlive the bus */
HcBus *
hc_bus_new(sd_event *event,
	   const HcBusOwner *iface,
	   gpointer owner,
	   HcBusKind kind,
	   const char *address,
	   GError **error);
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
hc_bus_method_get_domain_capabilities(sd_bus_message *m, void *userdata, sd_bus_error *ret_error);
int
hc_bus_method_translate_spec(sd_bus_message *m, void *userdata, sd_bus_error *ret_error);
/* the current snapshot (borrowed) in @out and 0; Busy (negative errno) before the first */
int
hc_bus_require_snapshot(HcBus *bus, HcSnapshot **out, sd_bus_error *ret_error);
/* the owner's catalogue (borrowed) in @out and 0; the load error (negative errno) without one */
int
hc_bus_require_catalogue(HcBus *bus, HcCatalogue **out, sd_bus_error *ret_error);
/* the owner's check pool and access rules, for hc-bus-check.c */
HcCheckPool *
hc_bus_get_check_pool(HcBus *bus);
HcAccess *
hc_bus_get_access(HcBus *bus);

G_END_DECLS
