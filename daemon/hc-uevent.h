/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <systemd/sd-event.h>

#include "hc-debounce.h"

G_BEGIN_DECLS

/**
 * The uevent monitor (DESIGN §9): udev's netlink group through sd-device when
 * systemd-udevd runs (/run/udev/control exists), else the kernel's group
 * (NETLINK_KOBJECT_UEVENT, group 1) read directly, accepting only messages the kernel sent.
 * Each event's SUBSYSTEM= selects the probes that declare it; they are re-run through
 * @debounce.
 */
typedef struct _HcUevent HcUevent;

HcUevent *
hc_uevent_new(sd_event *event, HcDebounce *debounce, GError **error);
void
hc_uevent_free(HcUevent *uevent);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcUevent, hc_uevent_free)

/* "kernel" or "udev": which group is listened to */
const char *
hc_uevent_get_source(HcUevent *uevent);

/* pure: the KEY=VALUE pairs of a kernel uevent datagram "ACTION@DEVPATH\0KEY=VALUE\0…";
 * NULL when the datagram is not one */
GHashTable *
hc_uevent_parse(const char *buf, gsize len);

/* pure: the subsystem whose probes @env should re-run, or NULL for events that say nothing
 * about the host's capabilities: KVM's VM create/destroy notifications on /dev/kvm, which
 * the probes themselves cause whenever they make a VM */
const char *
hc_uevent_get_subsystem(GHashTable *env);

/* pure: the registry names of the probes declaring @subsystem, registry order */
GPtrArray *
hc_uevent_probes_for_subsystem(const char *subsystem);

G_END_DECLS
