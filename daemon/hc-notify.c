/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <systemd/sd-daemon.h>

#include "hc-notify.h"

/* hex digits of the fingerprint shown in STATUS=: enough to tell hosts apart at a glance */
#define HC_NOTIFY_FINGERPRINT_CHARS 12

struct _HcNotify {
	gboolean name_owned;
	gboolean have_snapshot;
	gboolean ready_sent;
	char *status;
};

HcNotify *
hc_notify_new(void)
{
	return g_new0(HcNotify, 1);
}

void
hc_notify_free(HcNotify *notify)
{
	if (notify == NULL)
		return;
	g_free(notify->status);
	g_free(notify);
}

static void
hc_notify_send(const char *state)
{
	int r = sd_notify(0, state);

	if (r < 0)
		g_warning("sd_notify(%s): %s, ignoring", state, g_strerror(-r));
}

static void
hc_notify_maybe_ready(HcNotify *notify)
{
	g_autofree char *msg = NULL;

	if (notify->ready_sent || !notify->name_owned || !notify->have_snapshot)
		return;
	notify->ready_sent = TRUE;
	msg = g_strdup_printf("READY=1\nSTATUS=%s", notify->status != NULL ? notify->status : "");
	hc_notify_send(msg);
	g_debug("ready: %s", notify->status);
}

void
hc_notify_name_acquired(HcNotify *notify)
{
	notify->name_owned = TRUE;
	hc_notify_maybe_ready(notify);
}

void
hc_notify_status(HcNotify *notify, const char *status)
{
	g_autofree char *msg = NULL;

	if (g_strcmp0(notify->status, status) == 0)
		return;
	g_free(notify->status);
	notify->status = g_strdup(status);
	msg = g_strdup_printf("STATUS=%s", status);
	hc_notify_send(msg);
}

char *
hc_notify_format_status(HcSnapshot *snap, guint n_probes)
{
	const char *fp = hc_snapshot_get_fingerprint(snap);
	const char *hex = g_str_has_prefix(fp, "sha256:") ? fp + strlen("sha256:") : fp;

	return g_strdup_printf("%u probes, %u capabilities, %u unknown, fingerprint sha256:%.*s…",
			       n_probes,
			       hc_snapshot_get_size(snap),
			       hc_snapshot_count_state(snap, HC_CAP_STATE_UNKNOWN),
			       HC_NOTIFY_FINGERPRINT_CHARS,
			       hex);
}

void
hc_notify_snapshot(HcNotify *notify, HcSnapshot *snap, guint n_probes)
{
	g_autofree char *status = hc_notify_format_status(snap, n_probes);

	notify->have_snapshot = TRUE;
	if (!notify->ready_sent) {
		/* the first STATUS= travels with READY=1 in one datagram */
		g_free(notify->status);
		notify->status = g_steal_pointer(&status);
		hc_notify_maybe_ready(notify);
		return;
	}
	hc_notify_status(notify, status);
}

void
hc_notify_stopping(HcNotify *notify)
{
	hc_notify_send("STOPPING=1\nSTATUS=stopping");
}
