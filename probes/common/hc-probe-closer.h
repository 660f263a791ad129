/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * hc_probe_closer_run:
 * @func: the release to run
 * @data: its argument
 *
 * Runs @func(@data) in a short-lived detached thread. Releasing some scratch kernel objects
 * waits for RCU grace periods: destroying a VM (0.4 to 3 ms on a 2-core host), a tap and
 * its private network namespace (15 to 20 ms), a Linux AIO context (io_destroy, 30 to
 * 40 ms). The probe has its answers by then and need not wait; the caller must have
 * reported everything that depends on the object first. Falls back to running @func here
 * when no thread can be started.
 */
void
hc_probe_closer_run(GDestroyNotify func, gpointer data);

/**
 * hc_probe_closer_close_fds:
 * @fds: the fds, closed in this order (-1 entries are skipped)
 * @n_fds: how many
 *
 * Closes @fds in a short-lived detached thread, like hc_probe_closer_run(). The caller
 * gives up the fds: it must not use or close them afterwards.
 */
void
hc_probe_closer_close_fds(const int *fds, guint n_fds);

G_END_DECLS
