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
/* senders whose credentials are remembered: a bus never reuses a unique name, so an entry
 * stays true as long as it is kept; beyond this many the memory starts over */
#define HC_ACCESS_SENDERS_MAX 256
/* credential questions in flight; beyond it a Refresh caller is told to retry */
#define HC_ACCESS_QUERIES_MAX 64

/* what the bus says about a sender */
typedef struct {
	uid_t uid;
	GArray *gids; /* gid_t: supplementary and primary */
} HcAccessCreds;

/* a Refresh call waiting for the bus to say who sent it */
typedef struct {
	HcAccess *access;
	sd_bus_message *m;
	sd_bus_slot *slot;
	HcAccessFunc func;	  /* Refresh: the decision */
	HcAccessUidFunc uid_func; /* other calls: only who it is */
	gpointer user_data;
	GDestroyNotify user_data_free; /* for a question dropped unanswered */
} HcAccessQuery;

struct _HcAccess {
	char *admin_group;
	guint limit;
	GHashTable *calls;   /* uid -> GArray of gint64 monotonic usec, oldest first */
	GHashTable *senders; /* unique name -> HcAccessCreds */
	GHashTable *queries; /* set of HcAccessQuery */
};

static void
hc_access_creds_free(HcAccessCreds *creds)
{
	g_array_unref(creds->gids);
	g_free(creds);
}

static void
hc_access_query_free(HcAccessQuery *q)
{
	/* unref'ing the slot cancels a question still in flight */
	sd_bus_slot_unref(q->slot);
	if (q->user_data_free != NULL && q->user_data != NULL)
		q->user_data_free(q->user_data);
	sd_bus_message_unref(q->m);
	g_free(q);
}

HcAccess *
hc_access_new(void)
{
	HcAccess *access = g_new0(HcAccess, 1);

	access->admin_group = g_strdup("");
	access->calls = g_hash_table_new_full(g_direct_hash,
					      g_direct_equal,
					      NULL,
					      (GDestroyNotify)g_array_unref);
	access->senders = g_hash_table_new_full(g_str_hash,
						g_str_equal,
						g_free,
						(GDestroyNotify)hc_access_creds_free);
	access->queries =
	    g_hash_table_new_full(NULL, NULL, (GDestroyNotify)hc_access_query_free, NULL);
	return access;
}

void
hc_access_free(HcAccess *access)
{
	if (access == NULL)
		return;
	g_free(access->admin_group);
	g_hash_table_unref(access->calls);
	g_hash_table_unref(access->senders);
	g_hash_table_unref(access->queries);
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
hc_access_check_rate(HcAccess *access, uid_t uid, gint64 now_usec, GError **error)
{
	GArray *times;

	if (access->limit == 0)
		return TRUE;
	if (g_hash_table_size(access->calls) >= HC_ACCESS_SWEEP_AT)
		hc_access_sweep(access, now_usec);
	times = g_hash_table_lookup(access->calls, GUINT_TO_POINTER(uid));
	if (times == NULL) {
		times = g_array_new(FALSE, FALSE, sizeof(gint64));
		g_hash_table_insert(access->calls, GUINT_TO_POINTER(uid), times);
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

static gboolean
hc_access_decide(HcAccess *access, const HcAccessCreds *creds, GError **error)
{
	return hc_access_check_ids(access,
				   creds->uid,
				   (const gid_t *)(gpointer)creds->gids->data,
				   creds->gids->len,
				   error) &&
	       hc_access_check_rate(access, creds->uid, g_get_monotonic_time(), error);
}

/* the primary group is not among the bus's UnixGroupIDs; /proc has it while the sender lives */
static void
hc_access_add_primary_gid(HcAccessCreds *creds, guint32 pid)
{
	sd_bus_creds *proc = NULL;
	gid_t egid;

	if (pid == 0 || sd_bus_creds_new_from_pid(&proc, (pid_t)pid, SD_BUS_CREDS_EGID) < 0)
		return;
	if (sd_bus_creds_get_egid(proc, &egid) >= 0)
		g_array_append_val(creds->gids, egid);
	sd_bus_creds_unref(proc);
}

/* the a{sv} of GetConnectionCredentials: UnixUserID, UnixGroupIDs (when the bus knows
 * them: absent groups only narrow who passes, root still does), ProcessID */
static int
hc_access_read_creds(sd_bus_message *reply, HcAccessCreds *creds)
{
	gboolean have_uid = FALSE;
	guint32 pid = 0;
	int r;

	r = sd_bus_message_enter_container(reply, 'a', "{sv}");
	while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'e', "sv")) > 0) {
		const char *key = NULL;
		const void *gids = NULL;
		size_t size = 0;

		r = sd_bus_message_read(reply, "s", &key);
		if (r >= 0 && g_str_equal(key, "UnixUserID")) {
			r = sd_bus_message_read(reply, "v", "u", &creds->uid);
			have_uid = r >= 0;
		} else if (r >= 0 && g_str_equal(key, "ProcessID")) {
			r = sd_bus_message_read(reply, "v", "u", &pid);
		} else if (r >= 0 && g_str_equal(key, "UnixGroupIDs")) {
			r = sd_bus_message_enter_container(reply, 'v', "au");
			if (r >= 0)
				r = sd_bus_message_read_array(reply, 'u', &gids, &size);
			if (r >= 0)
				g_array_append_vals(creds->gids,
						    gids,
						    (guint)(size / sizeof(guint32)));
			if (r >= 0)
				r = sd_bus_message_exit_container(reply);
		} else if (r >= 0) {
			r = sd_bus_message_skip(reply, "v");
		}
		if (r >= 0)
			r = sd_bus_message_exit_container(reply);
	}
	if (r >= 0)
		r = sd_bus_message_exit_container(reply);
	if (r >= 0 && !have_uid)
		r = -ENODATA;
	if (r >= 0)
		hc_access_add_primary_gid(creds, pid);
	return r;
}

static void
hc_access_remember(HcAccess *access, const char *sender, HcAccessCreds *creds)
{
	if (g_hash_table_size(access->senders) >= HC_ACCESS_SENDERS_MAX)
		g_hash_table_remove_all(access->senders);
	g_hash_table_insert(access->senders, g_strdup(sender), creds);
}

static int
hc_access_on_creds(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
	HcAccessQuery *q = userdata;
	HcAccess *access = q->access;
	const char *sender = sd_bus_message_get_sender(q->m);
	HcAccessCreds *creds = g_new0(HcAccessCreds, 1);
	g_autoptr(GError) error = NULL;
	int r;

	creds->gids = g_array_new(FALSE, FALSE, sizeof(gid_t));
	/* a caller that hung up is answered too: the bus drops the reply */
	if (sd_bus_message_is_method_error(reply, NULL)) {
		const sd_bus_error *e = sd_bus_message_get_error(reply);
		g_set_error(&error,
			    HC_ERROR,
			    HC_ERROR_ACCESS_DENIED,
			    "cannot tell who the caller is: %s",
			    e->message != NULL ? e->message : e->name);
	} else if ((r = hc_access_read_creds(reply, creds)) < 0) {
		g_set_error(&error,
			    HC_ERROR,
			    HC_ERROR_ACCESS_DENIED,
			    "cannot tell who the caller is: %s",
			    g_strerror(-r));
	}
	if (error == NULL) {
		uid_t uid = creds->uid;
		if (q->func != NULL)
			(void)hc_access_decide(access, creds, &error);
		hc_access_remember(access, sender, g_steal_pointer(&creds));
		creds = NULL;
		if (q->uid_func != NULL)
			q->uid_func(q->m, uid, NULL, g_steal_pointer(&q->user_data));
	} else if (q->uid_func != NULL) {
		q->uid_func(q->m, (uid_t)-1, error, g_steal_pointer(&q->user_data));
	}
	g_clear_pointer(&creds, hc_access_creds_free);
	if (q->func != NULL)
		q->func(q->m, error, q->user_data);
	g_hash_table_remove(access->queries, q);
	return 1;
}

/* asks the bus who sent @m; the query owns @q's user data until it answers */
static int
hc_access_ask(HcAccess *access, sd_bus_message *m, HcAccessQuery *q, sd_bus_error *ret_error)
{
	int r;

	if (g_hash_table_size(access->queries) >= HC_ACCESS_QUERIES_MAX) {
		q->user_data_free = NULL;
		g_free(q);
		return hc_bus_error_setf(ret_error,
					 HC_ERROR_BUSY,
					 "%u callers are already being identified; retry",
					 g_hash_table_size(access->queries));
	}
	q->access = access;
	q->m = sd_bus_message_ref(m);
	/* asked asynchronously: a synchronous call here would hold every other caller's
	 * message in sd-bus's queue until the bus answers */
	r = sd_bus_call_method_async(sd_bus_message_get_bus(m),
				     &q->slot,
				     "org.freedesktop.DBus",
				     "/org/freedesktop/DBus",
				     "org.freedesktop.DBus",
				     "GetConnectionCredentials",
				     hc_access_on_creds,
				     q,
				     "s",
				     sd_bus_message_get_sender(m));
	if (r < 0) {
		q->user_data_free = NULL;
		hc_access_query_free(q);
		return hc_bus_error_setf(ret_error,
					 HC_ERROR_ACCESS_DENIED,
					 "cannot tell who the caller is: %s",
					 g_strerror(-r));
	}
	g_hash_table_add(access->queries, q);
	return 0;
}

int
hc_access_identify(HcAccess *access,
		   sd_bus_message *m,
		   HcAccessUidFunc func,
		   gpointer user_data,
		   GDestroyNotify user_data_free,
		   uid_t *uid,
		   sd_bus_error *ret_error)
{
	const char *sender = sd_bus_message_get_sender(m);
	const HcAccessCreds *creds;
	HcAccessQuery *q;

	if (sender == NULL)
		return hc_bus_error_setf(ret_error,
					 HC_ERROR_ACCESS_DENIED,
					 "cannot tell who the caller is: not called through a bus");
	creds = g_hash_table_lookup(access->senders, sender);
	if (creds != NULL) {
		*uid = creds->uid;
		return 1;
	}
	q = g_new0(HcAccessQuery, 1);
	q->uid_func = func;
	q->user_data = user_data;
	q->user_data_free = user_data_free;
	return hc_access_ask(access, m, q, ret_error);
}

int
hc_access_check_refresh(HcAccess *access,
			sd_bus_message *m,
			HcAccessFunc func,
			gpointer user_data,
			sd_bus_error *ret_error)
{
	const char *sender = sd_bus_message_get_sender(m);
	const HcAccessCreds *creds;
	g_autoptr(GError) error = NULL;
	HcAccessQuery *q;

	if (sender == NULL)
		return hc_bus_error_setf(ret_error,
					 HC_ERROR_ACCESS_DENIED,
					 "cannot tell who the caller is: not called through a bus");
	/* a sender seen before: rate and rights without asking the bus again */
	creds = g_hash_table_lookup(access->senders, sender);
	if (creds != NULL) {
		if (!hc_access_decide(access, creds, &error))
			return hc_bus_error_set_gerror(ret_error, error);
		return 1;
	}
	q = g_new0(HcAccessQuery, 1);
	q->func = func;
	q->user_data = user_data;
	return hc_access_ask(access, m, q, ret_error);
}
