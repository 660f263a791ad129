/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <systemd/sd-event.h>

#include "hc-debounce.h"

G_BEGIN_DECLS

/**
 * Watches the directories of the /dev nodes the probes declare (HcProbeInfo.devnodes: /dev,
 * /dev/net, /dev/vfio, …, under the sysroot) with inotify, and re-runs, through @debounce,
 * the probes naming a node that appears, vanishes or changes mode or owner. A watched
 * subdirectory that appears later (/dev/vfio once vfio loads) is picked up then.
 */
typedef struct _HcDevwatch HcDevwatch;

HcDevwatch *
hc_devwatch_new(sd_event *event, const char *sysroot, HcDebounce *debounce, GError **error);
void
hc_devwatch_free(HcDevwatch *devwatch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcDevwatch, hc_devwatch_free)

/* pure: registry names of the probes that name @node or a node under it, registry order */
GPtrArray *
hc_devwatch_probes_for_path(const char *node);

G_END_DECLS
