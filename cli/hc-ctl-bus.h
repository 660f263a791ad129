/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "hc-ctl.h"

G_BEGIN_DECLS

/*
 * The one file of hostcapctl that talks sd-bus. Everything it returns is plain GLib data;
 * D-Bus errors come back as GErrors: ours (org.hostcapd.HostCap1.Error.*) in HC_ERROR,
 * "daemon not there" in HC_CTL_ERROR_UNREACHABLE, the rest as HC_ERROR_INTERNAL.
 */

HcCtlBus *
hc_ctl_bus_open(HcCtlBusKind kind, const char *address, GError **error);
void
hc_ctl_bus_free(HcCtlBus *bus);
/* how long a call waits for its reply when the call has no timeout of its own (0: sd-bus's
 * default, 25 s) */
void
hc_ctl_bus_set_timeout(HcCtlBus *bus, guint64 timeout_usec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcCtlBus, hc_ctl_bus_free)

/* the daemon's properties */
typedef struct {
	char *state;
	char *version;
	guint64 generation;
	char *fingerprint;
	guint64 last_probe_usec;
	char *state_reason; /* why "degraded"; NULL from a daemon without the property */
	char **data_dirs;   /* the daemon's catalogue roots; NULL when it does not say */
} HcCtlDaemonInfo;

void
hc_ctl_daemon_info_clear(HcCtlDaemonInfo *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(HcCtlDaemonInfo, hc_ctl_daemon_info_clear)

gboolean
hc_ctl_bus_get_info(HcCtlBus *bus, HcCtlDaemonInfo *info, GError **error);
/* HcCapability*, owned, in the daemon's order; @patterns NULL or empty = all */
GPtrArray *
hc_ctl_bus_get_capabilities(HcCtlBus *bus, const char *const *patterns, GError **error);
/* GetDomainCapabilities' JSON */
char *
hc_ctl_bus_get_domain_capabilities(HcCtlBus *bus, GError **error);
/* the snapshot JSON */
char *
hc_ctl_bus_describe(HcCtlBus *bus, GError **error);
gboolean
hc_ctl_bus_refresh(HcCtlBus *bus, const char *const *probes, guint64 *generation, GError **error);
gboolean
hc_ctl_bus_check_bootable(HcCtlBus *bus,
			  const char *spec_json,
			  char **verdict,
			  char **report_json,
			  GError **error);
/* @source_json may be NULL (this host) */
gboolean
hc_ctl_bus_check_migration(HcCtlBus *bus,
			   const char *spec_json,
			   const char *target_json,
			   const char *source_json,
			   char **verdict,
			   char **report_json,
			   GError **error);

typedef enum {
	HC_CTL_MONITOR_CAPABILITIES, /* CapabilitiesChanged: @generation, @ids */
	HC_CTL_MONITOR_PROPERTY,     /* PropertiesChanged: @name, @value (text) */
	HC_CTL_MONITOR_OWNER,	     /* the bus name got a new owner (@value) or lost it ("") */
} HcCtlMonitorKind;

typedef struct {
	HcCtlMonitorKind kind;
	guint64 generation;
	const char *const *ids;
	const char *name;
	const char *value;
} HcCtlMonitorEvent;

typedef void (*HcCtlMonitorFunc)(HcCtlBus *bus, const HcCtlMonitorEvent *event, gpointer user_data);

/* runs until SIGINT/SIGTERM (TRUE) or until the bus goes away (FALSE, unreachable); calls
 * @func once with a NULL event when the matches are in place, then once per change. The
 * callback may call the other hc_ctl_bus_* methods. */
gboolean
hc_ctl_bus_monitor(HcCtlBus *bus, HcCtlMonitorFunc func, gpointer user_data, GError **error);

G_END_DECLS
