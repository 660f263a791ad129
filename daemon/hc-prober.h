/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <systemd/sd-event.h>

#include "hc-engine.h"

G_BEGIN_DECLS

/**
 * The glue between the probe engine and the sd-event loop: one probe pass at a time,
 * driven by an I/O source on the engine's eventfd and a CLOCK_MONOTONIC timer at the
 * earliest probe deadline. When every probe has a result, @done is called from the loop
 * with the results (HcProbeResult*, owned by the callee); it may start the next pass.
 */
typedef struct _HcProber HcProber;

typedef void (*HcProberDoneFunc)(HcProber *prober, GPtrArray *results, gpointer user_data);

/* @opts and everything it points to are borrowed for the life of the prober */
HcProber *
hc_prober_new(sd_event *event,
	      const HcEngineOptions *opts,
	      HcProberDoneFunc done,
	      gpointer user_data);
void
hc_prober_free(HcProber *prober);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcProber, hc_prober_free)

/* HC_ERROR_BUSY while a pass is running; @probes is borrowed until @done */
gboolean
hc_prober_start(HcProber *prober, GPtrArray *probes, GError **error);
gboolean
hc_prober_is_running(HcProber *prober);

G_END_DECLS
