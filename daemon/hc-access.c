/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <grp.h>
#include <unistd.h>

#include "hostcap/hc-error.h"

#include "hc-access.h"
#include "hc-bus-error.h"

#define HC_ACCESS_WINDOW_USEC (60 * G_USEC_PER_SEC)
/* callers remembered at once; beyond it, expired entries are swept on every call */
#define HC_ACCESS_SWEEP_AT 256

struct _HcAccess {
	char *admin_group;
	guint limit;
	GHashTable *calls; /* unique name -> GArray of gint64 monotonic usec, oldest first */
};

HcAccess *
hc_access_new(void)
{
	HcAccess *access = g_new0(HcAccess, 1);

	access->admin_group = g_strdup("");
	access->calls =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
	return access;
}

void
hc_access_free(HcAccess *access)
{
	if (access == NULL)
		return;
	g_free(access->admin_group);
	g_hash_table_unref(access->calls);
	g_free(access);
}

void
hc_access_set_policy(HcAccess *access, const char *admin_group, guint limit_per_minute)
{
	g_free(access->admin_group);
	access->admin_group = g_strdup(admin_group != NULL ? admin_group : "");
	access->limit = limit_per_minute;
}

/* the group is looked up at each call: an admin may create it after the daemon started */
static gboolean
hc_access_lookup_group(const char *name, gid_t *gid)
{
	struct group *gr;

	if (name[0] == '\0')
		return FALSE;
	gr = getgrnam(name);
	if (gr == NULL)
		return FALSE;
	*gid = gr->gr_gid;
	return TRUE;
}

gboolean
hc_access_check_ids(HcAccess *access, uid_t euid, const gid_t *gids, guint n_gids, GError **error)
{
	gid_t admin_gid = (gid_t)-1;
	gboolean have_group = hc_access_lookup_group(access->admin_group, &admin_gid);

	/* geteuid(): whoever runs an unprivileged instance on a session bus owns it */
	if (euid == 0 || euid == geteuid())
		return TRUE;
	for (guint i = 0; have_group && i < n_gids; i++) {
		if (gids[i] == admin_gid)
			return TRUE;
	}
	if (access->admin_group[0] == '\0')
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_ACCESS_DENIED,
			    "Refresh needs root (caller uid %u; AdminGroup= is empty)",
			    (guint)euid);
	else
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_ACCESS_DENIED,
			    "Refresh needs root or membership in group '%s'%s (caller uid %u)",
			    access->admin_group,
			    have_group ? "" : ", which does not exist",
			    (guint)euid);
	return FALSE;
}

static void
hc_access_expire(GArray *times, gint64 now_usec)
{
	guint keep_from = 0;

	while (keep_from < times->len &&
	       g_array_index(times, gint64, keep_from) <= now_usec - HC_ACCESS_WINDOW_USEC)
		keep_from++;
	if (keep_from > 0)
		g_array_remove_range(times, 0, keep_from);
}

static void
hc_access_sweep(HcAccess *access, gint64 now_usec)
{
	GHashTableIter iter;
	gpointer value;

	g_hash_table_iter_init(&iter, access->calls);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		hc_access_expire(value, now_usec);
		if (((GArray *)value)->len == 0)
			g_hash_table_iter_remove(&iter);
	}
}

gboolean
hc_access_check_rate(HcAccess *access, const char *sender, gint64 now_usec, GError **error)
{
	GArray *times;

	if (access->limit == 0)
		return TRUE;
	if (g_hash_table_size(access->calls) >= HC_ACCESS_SWEEP_AT)
		hc_access_sweep(access, now_usec);
	times = g_hash_table_lookup(access->calls, sender);
	if (times == NULL) {
		times = g_array_new(FALSE, FALSE, sizeof(gint64));
		g_hash_table_insert(access->calls, g_strdup(sender), times);
	}
	hc_access_expire(times, now_usec);
	if (times->len >= access->limit) {
		gint64 wait = g_array_index(times, gint64, 0) + HC_ACCESS_WINDOW_USEC - now_usec;
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_BUSY,
			    "Refresh is limited to %u calls per minute per caller "
			    "(RefreshLimitPerMinute=); retry in %" G_GINT64_FORMAT " s",
			    access->limit,
			    (wait + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
		return FALSE;
	}
	g_array_append_val(times, now_usec);
	return TRUE;
}

int
hc_access_check_refresh(HcAccess *access, sd_bus_message *m, sd_bus_error *ret_error)
{
	sd_bus_creds *creds = NULL;
	g_autoptr(GError) error = NULL;
	const gid_t *gids = NULL;
	g_autoptr(GArray) all_gids = g_array_new(FALSE, FALSE, sizeof(gid_t));
	uid_t euid = (uid_t)-1;
	gid_t egid = (gid_t)-1;
	const char *sender = sd_bus_message_get_sender(m);
	int n_gids = 0;
	int r;

	r = sd_bus_query_sender_creds(m,
				      SD_BUS_CREDS_EUID | SD_BUS_CREDS_EGID |
					  SD_BUS_CREDS_SUPPLEMENTARY_GIDS | SD_BUS_CREDS_AUGMENT,
				      &creds);
	if (r >= 0)
		r = sd_bus_creds_get_euid(creds, &euid);
	if (r >= 0) {
		/* absent groups only narrow who passes: root still does */
		n_gids = sd_bus_creds_get_supplementary_gids(creds, &gids);
		if (n_gids < 0) {
			g_debug("supplementary groups of %s: %s", sender, g_strerror(-n_gids));
			n_gids = 0;
			gids = NULL;
		}
		g_array_append_vals(all_gids, gids, (guint)n_gids);
		/* the primary group counts as membership too */
		if (sd_bus_creds_get_egid(creds, &egid) >= 0)
			g_array_append_val(all_gids, egid);
	}
	if (r < 0) {
		sd_bus_creds_unref(creds);
		return hc_bus_error_setf(ret_error,
					 HC_ERROR_ACCESS_DENIED,
					 "cannot tell who the caller is: %s",
					 g_strerror(-r));
	}
	if (!hc_access_check_ids(access,
				 euid,
				 (const gid_t *)(gpointer)all_gids->data,
				 all_gids->len,
				 &error) ||
	    !hc_access_check_rate(access,
				  sender != NULL ? sender : "",
				  g_get_monotonic_time(),
				  &error)) {
		sd_bus_creds_unref(creds);
		return hc_bus_error_set_gerror(ret_error, error);
	}
	sd_bus_creds_unref(creds);
	return 0;
}
