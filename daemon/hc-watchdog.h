/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <systemd/sd-event.h>

G_BEGIN_DECLS

/**
 * The loop's periodic tick: WATCHDOG=1 at half of WatchdogSec= when the service manager asks
 * for it (from the loop, so a stuck loop is caught), and a callback on every tick that keeps
 * time-dependent text such as the cache age in STATUS= current.
 */
typedef struct _HcWatchdog HcWatchdog;

typedef void (*HcWatchdogFunc)(gpointer user_data);

/* STATUS= refresh without a watchdog: often enough for the cache age to read right */
#define HC_WATCHDOG_STATUS_USEC (60 * G_USEC_PER_SEC)

HcWatchdog *
hc_watchdog_new(sd_event *event, HcWatchdogFunc func, gpointer user_data, GError **error);
void
hc_watchdog_free(HcWatchdog *watchdog);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcWatchdog, hc_watchdog_free)

G_END_DECLS
