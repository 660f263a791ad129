/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>

G_BEGIN_DECLS

/**
 * Who may call Refresh, and how often (DESIGN §8): root, the user running the daemon (a
 * session-bus instance) and members of the configured admin group, judged from the
 * sender's credentials as the bus reports them; each caller (user id) at most
 * limit-per-minute times in any 60 s window, whatever connection it calls from. The shipped
 * bus policy says the same for root and the default group; this is the check that holds
 * whatever the policy says.
 */
typedef struct _HcAccess HcAccess;

HcAccess *
hc_access_new(void);
void
hc_access_free(HcAccess *access);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcAccess, hc_access_free)

/* @admin_group "" or NULL = nobody but root; @limit_per_minute 0 = no limit */
void
hc_access_set_policy(HcAccess *access, const char *admin_group, guint limit_per_minute);

/* pure decision: HC_ERROR_ACCESS_DENIED saying what is needed */
gboolean
hc_access_check_ids(HcAccess *access, uid_t euid, const gid_t *gids, guint n_gids, GError **error);
/* pure rate limit: HC_ERROR_BUSY saying when to retry; counts the call when allowed */
gboolean
hc_access_check_rate(HcAccess *access, uid_t uid, gint64 now_usec, GError **error);

/* the answer for a Refresh call whose credentials had to be asked for: @error NULL = allowed */
typedef void (*HcAccessFunc)(sd_bus_message *m, const GError *error, gpointer user_data);

/**
 * hc_access_check_refresh:
 *
 * Both checks for the Refresh call @m, without blocking the loop: a sender seen before is
 * judged at once from the credentials the bus gave for it; for a new one the bus is asked
 * asynchronously and @func is called with the decision (unless @access is freed first).
 *
 * Returns: 1 = allowed now; 0 = asking, @func will answer; a negative errno with @ret_error
 * set = refused now
 */
int
hc_access_check_refresh(HcAccess *access,
			sd_bus_message *m,
			HcAccessFunc func,
			gpointer user_data,
			sd_bus_error *ret_error);

/* who sent a call (any method): @error NULL = @uid is the caller's user; @user_data is
 * handed over (the callee frees it) */
typedef void (*HcAccessUidFunc)(sd_bus_message *m,
				uid_t uid,
				const GError *error,
				gpointer user_data);

/**
 * hc_access_identify:
 *
 * The caller's user id without blocking the loop, from the same memory of senders as the
 * Refresh check. Returns: 1 = known now, in @uid (@user_data untouched); 0 = asking, @func
 * gets @user_data (or @user_data_free frees it if @access goes first); a negative errno with
 * @ret_error = refused now (@user_data untouched).
 */
int
hc_access_identify(HcAccess *access,
		   sd_bus_message *m,
		   HcAccessUidFunc func,
		   gpointer user_data,
		   GDestroyNotify user_data_free,
		   uid_t *uid,
		   sd_bus_error *ret_error);

G_END_DECLS
