/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

G_BEGIN_DECLS

/**
 * The worker pool for CheckBootable and CheckMigration: a verdict over two 4 MiB snapshots
 * takes seconds, so it runs on a bounded GThreadPool while the loop keeps answering Ping,
 * properties and GetCapabilities. A finished job comes back to the loop thread through an
 * eventfd watched by sd-event, and its reply is sent from there. Each caller user has at
 * most a configured number of checks in flight (queued or running); beyond it the call is
 * refused with Busy. When the pool falls idle after a large call, freed memory is handed
 * back to the system (malloc_trim).
 */
typedef struct _HcCheckPool HcCheckPool;

/* on a worker thread: the heavy part; must not touch the bus or the loop */
typedef void (*HcCheckRunFunc)(gpointer data);
/* on the loop thread, after run: send the reply of @m */
typedef void (*HcCheckDoneFunc)(sd_bus_message *m, gpointer data);

#define HC_CHECK_POOL_DEFAULT_WORKERS  2
#define HC_CHECK_POOL_DEFAULT_PER_USER 2

HcCheckPool *
hc_check_pool_new(sd_event *event, GError **error);
void
hc_check_pool_free(HcCheckPool *pool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcCheckPool, hc_check_pool_free)

/* @workers threads at most; @per_user checks in flight per caller uid (0 = no limit) */
void
hc_check_pool_set_limits(HcCheckPool *pool, guint workers, guint per_user);

/**
 * hc_check_pool_submit:
 * @input_bytes: the size of the caller's documents (decides whether memory is trimmed)
 *
 * Queues @data for @uid. Returns 0 when queued (@done will be called, then @free_data); a
 * negative errno with @ret_error (Busy naming the limit) when @uid has too many in flight,
 * in which case @data is untouched.
 */
int
hc_check_pool_submit(HcCheckPool *pool,
		     sd_bus_message *m,
		     uid_t uid,
		     gsize input_bytes,
		     HcCheckRunFunc run,
		     HcCheckDoneFunc done,
		     gpointer data,
		     GDestroyNotify free_data,
		     sd_bus_error *ret_error);

/* checks queued or running, for tests and the watchdog status */
guint
hc_check_pool_get_in_flight(HcCheckPool *pool);

G_END_DECLS
