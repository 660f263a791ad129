/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "hostcap/hc-snapshot.h"

G_BEGIN_DECLS

/**
 * The service manager protocol (sd_notify): READY=1 exactly once, when the bus name is
 * owned AND a snapshot exists; STATUS= kept current; STOPPING=1 on shutdown. Without
 * NOTIFY_SOCKET every call is a no-op.
 */
typedef struct _HcNotify HcNotify;

HcNotify *
hc_notify_new(void);
void
hc_notify_free(HcNotify *notify);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcNotify, hc_notify_free)

void
hc_notify_name_acquired(HcNotify *notify);
/* a snapshot was committed: updates STATUS= and sends READY=1 when due */
void
hc_notify_snapshot(HcNotify *notify, HcSnapshot *snap, guint n_probes);
/* free-form status while there is no snapshot yet ("probing 12 probes") */
void
hc_notify_status(HcNotify *notify, const char *status);
void
hc_notify_stopping(HcNotify *notify);

/* "N probes, M capabilities, K unknown, fingerprint sha256:abcdef012345…" */
char *
hc_notify_format_status(HcSnapshot *snap, guint n_probes);

G_END_DECLS
