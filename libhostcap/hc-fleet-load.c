/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading a fleet: snapshot files, JSON-lines files, directories and stdin. Reading a
 * snapshot (strict JSON, typed capabilities, the fingerprint checked against the content)
 * is nearly all the cost of a fleet verb, so snapshots are read in batches by one worker
 * per CPU and added to the fleet in input order: group names and error messages do not
 * depend on which worker was first. A batch bounds memory whatever the fleet's size.
 */
#include <errno.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-fleet.h"

#define HC_FLEET_BATCH 128

typedef struct {
	char *where; /* "FILE line N", or the file itself when @text is NULL */
	char *text;  /* one JSON line; NULL: read the file @where */
	gsize len;
	HcSnapshot *snap;
	GError *error;
} HcFleetItem;

typedef struct {
	HcFleet *fleet;
	GPtrArray *items; /* HcFleetItem*, in input order */
	GThreadPool *pool;
	GMutex lock;
	GCond done;
	guint pending;
} HcFleetBatch;

static void
hc_fleet_item_free(HcFleetItem *item)
{
	g_free(item->where);
	g_free(item->text);
	g_clear_pointer(&item->snap, hc_snapshot_unref);
	g_clear_error(&item->error);
	g_free(item);
}

static void
hc_fleet_item_read(HcFleetItem *item)
{
	if (item->text != NULL)
		item->snap = hc_snapshot_from_json(item->text, item->len, &item->error);
	else
		item->snap = hc_snapshot_load_file(item->where, &item->error);
	/* the fingerprint is computed here too, on the worker */
	if (item->snap != NULL)
		hc_snapshot_get_fingerprint(item->snap);
	g_clear_pointer(&item->text, g_free);
}

static void
hc_fleet_batch_worker(gpointer data, gpointer user_data)
{
	HcFleetBatch *batch = user_data;

	hc_fleet_item_read(data);
	g_mutex_lock(&batch->lock);
	if (--batch->pending == 0)
		g_cond_signal(&batch->done);
	g_mutex_unlock(&batch->lock);
}

static void
hc_fleet_batch_init(HcFleetBatch *batch, HcFleet *fleet)
{
	guint workers = MAX(g_get_num_processors(), 1);

	batch->fleet = fleet;
	batch->items = g_ptr_array_new_with_free_func((GDestroyNotify)hc_fleet_item_free);
	g_mutex_init(&batch->lock);
	g_cond_init(&batch->done);
	/* one CPU: read in the calling thread */
	if (workers > 1)
		batch->pool = g_thread_pool_new(hc_fleet_batch_worker, batch, workers, TRUE, NULL);
}

/* reads the queued snapshots and adds them in order; the first error in input order wins */
static gboolean
hc_fleet_batch_flush(HcFleetBatch *batch, GError **error)
{
	GPtrArray *items = batch->items;

	if (batch->pool == NULL) {
		for (guint i = 0; i < items->len; i++)
			hc_fleet_item_read(g_ptr_array_index(items, i));
	} else {
		batch->pending = items->len;
		for (guint i = 0; i < items->len; i++)
			g_thread_pool_push(batch->pool, g_ptr_array_index(items, i), NULL);
		g_mutex_lock(&batch->lock);
		while (batch->pending > 0)
			g_cond_wait(&batch->done, &batch->lock);
		g_mutex_unlock(&batch->lock);
	}
	for (guint i = 0; i < items->len; i++) {
		HcFleetItem *item = g_ptr_array_index(items, i);
		if (item->snap == NULL) {
			g_propagate_error(error, g_steal_pointer(&item->error));
			if (item->len > 0)
				g_prefix_error(error, "%s: ", item->where);
			g_ptr_array_set_size(items, 0);
			return FALSE;
		}
		hc_fleet_add(batch->fleet, item->snap);
	}
	g_ptr_array_set_size(items, 0);
	return TRUE;
}

static gboolean
hc_fleet_batch_queue(HcFleetBatch *batch, HcFleetItem *item, GError **error)
{
	g_ptr_array_add(batch->items, item);
	return batch->items->len < HC_FLEET_BATCH || hc_fleet_batch_flush(batch, error);
}

static void
hc_fleet_batch_clear(HcFleetBatch *batch)
{
	if (batch->pool != NULL)
		g_thread_pool_free(batch->pool, FALSE, TRUE);
	g_ptr_array_unref(batch->items);
	g_mutex_clear(&batch->lock);
	g_cond_clear(&batch->done);
}

/* one snapshot per line; blank lines are skipped */
static gboolean
hc_fleet_queue_lines(HcFleetBatch *batch, FILE *f, const char *name, GError **error)
{
	g_autofree char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	guint lineno = 0;

	errno = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		HcFleetItem *item;
		lineno++;
		while (n > 0 && g_ascii_isspace(line[n - 1]))
			n--;
		if (n == 0)
			continue;
		if ((gsize)n > HC_LIMIT_SNAPSHOT_BYTES) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "%s line %u: over the snapshot limit of %u bytes",
				    name,
				    lineno,
				    HC_LIMIT_SNAPSHOT_BYTES);
			return FALSE;
		}
		item = g_new0(HcFleetItem, 1);
		item->where = g_strdup_printf("%s line %u", name, lineno);
		item->text = g_strndup(line, (gsize)n);
		item->len = (gsize)n;
		if (!hc_fleet_batch_queue(batch, item, error))
			return FALSE;
	}
	if (ferror(f)) {
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(errno),
			    "read %s: %s",
			    name,
			    g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

static gboolean
hc_fleet_queue_jsonl_file(HcFleetBatch *batch, const char *path, GError **error)
{
	FILE *f = fopen(path, "re");
	gboolean ok;

	if (f == NULL) {
		int e = errno;
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(e),
			    "open %s: %s",
			    path,
			    g_strerror(e));
		return FALSE;
	}
	ok = hc_fleet_queue_lines(batch, f, path, error);
	fclose(f);
	return ok;
}

static gboolean
hc_fleet_queue_file(HcFleetBatch *batch, const char *path, GError **error)
{
	HcFleetItem *item;

	if (g_str_has_suffix(path, ".jsonl"))
		return hc_fleet_queue_jsonl_file(batch, path, error);
	/* the snapshot reader names the file in its errors */
	item = g_new0(HcFleetItem, 1);
	item->where = g_strdup(path);
	return hc_fleet_batch_queue(batch, item, error);
}

static gint
hc_fleet_compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static gboolean
hc_fleet_queue_dir(HcFleetBatch *batch, const char *path, GError **error)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, error);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const char *name;

	if (dir == NULL)
		return FALSE;
	while ((name = g_dir_read_name(dir)) != NULL) {
		if (name[0] != '.' &&
		    (g_str_has_suffix(name, ".json") || g_str_has_suffix(name, ".jsonl")))
			g_ptr_array_add(names, g_strdup(name));
	}
	g_ptr_array_sort(names, hc_fleet_compare_names);
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *file = g_build_filename(path, g_ptr_array_index(names, i), NULL);
		if (!hc_fleet_queue_file(batch, file, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
hc_fleet_add_path(HcFleet *fleet, const char *path, GError **error)
{
	HcFleetBatch batch = {0};
	gboolean ok;

	hc_fleet_batch_init(&batch, fleet);
	if (g_strcmp0(path, "-") == 0)
		ok = hc_fleet_queue_lines(&batch, stdin, "stdin", error);
	else if (g_file_test(path, G_FILE_TEST_IS_DIR))
		ok = hc_fleet_queue_dir(&batch, path, error);
	else
		ok = hc_fleet_queue_file(&batch, path, error);
	ok = ok && hc_fleet_batch_flush(&batch, error);
	hc_fleet_batch_clear(&batch);
	return ok;
}
