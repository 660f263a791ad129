/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <malloc.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "hostcap/hc-error.h"

#include "hc-bus-error.h"
#include "hc-check-pool.h"

/* after calls this large the heap is trimmed once the pool is idle: parsing two 4 MiB
 * snapshots leaves tens of MiB of freed memory that glibc would otherwise keep */
#define HC_CHECK_POOL_TRIM_BYTES (256 * 1024)

struct _HcCheckPool {
	sd_event_source *source;
	int efd;
	GThreadPool *threads;
	GMutex lock;
	GQueue done;	     /* finished HcCheckJob, under @lock */
	GHashTable *per_uid; /* uid -> in-flight count; loop thread only */
	guint per_user;
	guint in_flight;
	gsize trim_bytes; /* largest input since the pool was last idle */
};

typedef struct {
	HcCheckPool *pool;
	sd_bus_message *m;
	uid_t uid;
	gsize input_bytes;
	HcCheckRunFunc run;
	HcCheckDoneFunc done;
	gpointer data;
	GDestroyNotify free_data;
} HcCheckJob;

/* loop thread: the job leaves the books */
static void
hc_check_job_free(HcCheckJob *job)
{
	HcCheckPool *pool = job->pool;
	guint n = GPOINTER_TO_UINT(g_hash_table_lookup(pool->per_uid, GUINT_TO_POINTER(job->uid)));

	if (n <= 1)
		g_hash_table_remove(pool->per_uid, GUINT_TO_POINTER(job->uid));
	else
		g_hash_table_insert(pool->per_uid,
				    GUINT_TO_POINTER(job->uid),
				    GUINT_TO_POINTER(n - 1));
	pool->in_flight--;
	if (job->free_data != NULL)
		job->free_data(job->data);
	sd_bus_message_unref(job->m);
	g_free(job);
}

/* worker thread */
static void
hc_check_pool_work(gpointer item, gpointer user_data)
{
	HcCheckJob *job = item;
	HcCheckPool *pool = user_data;
	guint64 one = 1;

	job->run(job->data);
	g_mutex_lock(&pool->lock);
	g_queue_push_tail(&pool->done, job);
	g_mutex_unlock(&pool->lock);
	/* an eventfd write of 1 cannot fail short; EAGAIN only at a counter of 2^64-2 */
	if (write(pool->efd, &one, sizeof(one)) < 0)
		g_warning("waking the loop for a finished check: %s", g_strerror(errno));
}

static void
hc_check_pool_maybe_trim(HcCheckPool *pool)
{
	if (pool->in_flight > 0 || pool->trim_bytes < HC_CHECK_POOL_TRIM_BYTES)
		return;
	pool->trim_bytes = 0;
	(void)malloc_trim(0);
}

/* loop thread: send the replies of finished jobs */
static int
hc_check_pool_on_ready(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	HcCheckPool *pool = userdata;
	GQueue done = G_QUEUE_INIT;
	guint64 count = 0;
	HcCheckJob *job;

	if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		g_warning("reading the check pool's eventfd: %s", g_strerror(errno));
	g_mutex_lock(&pool->lock);
	done = pool->done;
	g_queue_init(&pool->done);
	g_mutex_unlock(&pool->lock);
	while ((job = g_queue_pop_head(&done)) != NULL) {
		job->done(job->m, job->data);
		hc_check_job_free(job);
	}
	hc_check_pool_maybe_trim(pool);
	return 0;
}

HcCheckPool *
hc_check_pool_new(sd_event *event, GError **error)
{
	g_autoptr(HcCheckPool) pool = g_new0(HcCheckPool, 1);
	int r;

	g_mutex_init(&pool->lock);
	g_queue_init(&pool->done);
	pool->per_uid = g_hash_table_new(g_direct_hash, g_direct_equal);
	pool->per_user = HC_CHECK_POOL_DEFAULT_PER_USER;
	pool->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (pool->efd < 0) {
		g_set_error(error, HC_ERROR, HC_ERROR_INTERNAL, "eventfd: %s", g_strerror(errno));
		return NULL;
	}
	r = sd_event_add_io(event, &pool->source, pool->efd, EPOLLIN, hc_check_pool_on_ready, pool);
	if (r < 0) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "watching the check pool: %s",
			    g_strerror(-r));
		return NULL;
	}
	pool->threads = g_thread_pool_new_full(hc_check_pool_work,
					       pool,
					       (GDestroyNotify)hc_check_job_free,
					       HC_CHECK_POOL_DEFAULT_WORKERS,
					       FALSE,
					       error);
	if (pool->threads == NULL)
		return NULL;
	return g_steal_pointer(&pool);
}

void
hc_check_pool_free(HcCheckPool *pool)
{
	HcCheckJob *job;

	if (pool == NULL)
		return;
	/* queued jobs are dropped (their callers see the connection close), running ones are
	 * waited for: they hold references, not pointers into the daemon */
	if (pool->threads != NULL)
		g_thread_pool_free(pool->threads, TRUE, TRUE);
	while ((job = g_queue_pop_head(&pool->done)) != NULL)
		hc_check_job_free(job);
	sd_event_source_disable_unref(pool->source);
	if (pool->efd >= 0)
		close(pool->efd);
	g_hash_table_unref(pool->per_uid);
	g_mutex_clear(&pool->lock);
	g_free(pool);
}

void
hc_check_pool_set_limits(HcCheckPool *pool, guint workers, guint per_user)
{
	pool->per_user = per_user;
	if (!g_thread_pool_set_max_threads(pool->threads, (gint)MAX(workers, 1), NULL))
		g_warning("CheckWorkers=%u cannot be applied, ignoring", workers);
}

int
hc_check_pool_submit(HcCheckPool *pool,
		     sd_bus_message *m,
		     uid_t uid,
		     gsize input_bytes,
		     HcCheckRunFunc run,
		     HcCheckDoneFunc done,
		     gpointer data,
		     GDestroyNotify free_data,
		     sd_bus_error *ret_error)
{
	guint n = GPOINTER_TO_UINT(g_hash_table_lookup(pool->per_uid, GUINT_TO_POINTER(uid)));
	HcCheckJob *job;

	if (pool->per_user > 0 && n >= pool->per_user)
		return hc_bus_error_setf(
		    ret_error,
		    HC_ERROR_BUSY,
		    "user %u already has %u checks in flight (ChecksPerUser=%u); "
		    "retry when one has answered",
		    (guint)uid,
		    n,
		    pool->per_user);
	job = g_new0(HcCheckJob, 1);
	job->pool = pool;
	job->m = sd_bus_message_ref(m);
	job->uid = uid;
	job->input_bytes = input_bytes;
	job->run = run;
	job->done = done;
	job->data = data;
	job->free_data = free_data;
	g_hash_table_insert(pool->per_uid, GUINT_TO_POINTER(uid), GUINT_TO_POINTER(n + 1));
	pool->in_flight++;
	pool->trim_bytes = MAX(pool->trim_bytes, input_bytes);
	/* an unbounded pool queue never refuses a push */
	(void)g_thread_pool_push(pool->threads, job, NULL);
	return 0;
}

guint
hc_check_pool_get_in_flight(HcCheckPool *pool)
{
	return pool->in_flight;
}
