/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The qemu probe's cache: <cache dir>/qemu-binaries.json, {"format": "hostcapd-qemu-cache/1",
 * "binaries": {"<path|size|mtime|build-id>": {what QMP said}}}. A process-wide memo of the
 * last file read (by its bytes' identity: size and mtime) spares the JSON parse on a warm
 * pass, which is what keeps an unchanged host's qemu probe near the cost of a few stat(2)s.
 */
#include "hc-qemu-cache.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "hostcap/hc-error.h"

#define HC_QEMU_CACHE_FILE   "qemu-binaries.json"
#define HC_QEMU_CACHE_FORMAT "hostcapd-qemu-cache/1"
/* one entry is some 10 KiB; a file far larger than a host's binaries need is not ours */
#define HC_QEMU_CACHE_LIMIT (4 * 1024 * 1024)

struct _HcQemuCache {
	char *path;	      /* NULL: no file */
	JsonObject *binaries; /* key → info object, as read or stored */
	GHashTable *used;     /* keys looked up or stored this pass */
	gboolean dirty;
};

/* the memo: the binaries object of the last file read or written, and that file's identity */
static GMutex hc_qemu_memo_lock;
static char *hc_qemu_memo_path;
static gint64 hc_qemu_memo_mtime;
static gint64 hc_qemu_memo_size;
static JsonObject *hc_qemu_memo;

static gboolean
hc_qemu_cache_stat(const char *path, gint64 *mtime, gint64 *size)
{
	GStatBuf st;

	if (g_stat(path, &st) != 0)
		return FALSE;
	*mtime = (gint64)st.st_mtim.tv_sec * G_GINT64_CONSTANT(1000000000) + st.st_mtim.tv_nsec;
	*size = st.st_size;
	return TRUE;
}

static JsonObject *
hc_qemu_memo_get(const char *path, gint64 mtime, gint64 size)
{
	JsonObject *obj = NULL;

	g_mutex_lock(&hc_qemu_memo_lock);
	if (hc_qemu_memo != NULL && g_strcmp0(hc_qemu_memo_path, path) == 0 &&
	    hc_qemu_memo_mtime == mtime && hc_qemu_memo_size == size)
		obj = json_object_ref(hc_qemu_memo);
	g_mutex_unlock(&hc_qemu_memo_lock);
	return obj;
}

static void
hc_qemu_memo_set(const char *path, JsonObject *binaries)
{
	gint64 mtime, size;

	if (!hc_qemu_cache_stat(path, &mtime, &size))
		return;
	g_mutex_lock(&hc_qemu_memo_lock);
	g_free(hc_qemu_memo_path);
	g_clear_pointer(&hc_qemu_memo, json_object_unref);
	hc_qemu_memo_path = g_strdup(path);
	hc_qemu_memo_mtime = mtime;
	hc_qemu_memo_size = size;
	hc_qemu_memo = json_object_ref(binaries);
	g_mutex_unlock(&hc_qemu_memo_lock);
}

/* the binaries object of the file; NULL when it is missing or not ours (then rebuilt) */
static JsonObject *
hc_qemu_cache_read(const char *path)
{
	g_autoptr(JsonParser) parser = json_parser_new_immutable();
	g_autofree char *data = NULL;
	gsize len = 0;
	gint64 mtime, size;
	JsonObject *root, *binaries;
	JsonNode *node;

	if (!hc_qemu_cache_stat(path, &mtime, &size))
		return NULL;
	binaries = hc_qemu_memo_get(path, mtime, size);
	if (binaries != NULL)
		return binaries;
	if (size > HC_QEMU_CACHE_LIMIT || !g_file_get_contents(path, &data, &len, NULL) ||
	    !json_parser_load_from_data(parser, data, len, NULL))
		return NULL;
	node = json_parser_get_root(parser);
	root = node != NULL && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
	if (root == NULL ||
	    g_strcmp0(json_object_get_string_member_with_default(root, "format", ""),
		      HC_QEMU_CACHE_FORMAT) != 0)
		return NULL;
	node = json_object_get_member(root, "binaries");
	if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node))
		return NULL;
	binaries = json_object_ref(json_node_get_object(node));
	hc_qemu_memo_set(path, binaries);
	return binaries;
}

HcQemuCache *
hc_qemu_cache_open(const char *cache_dir)
{
	HcQemuCache *cache = g_new0(HcQemuCache, 1);

	cache->path = cache_dir != NULL ? g_build_filename(cache_dir, HC_QEMU_CACHE_FILE, NULL)
					: NULL;
	cache->binaries = cache->path != NULL ? hc_qemu_cache_read(cache->path) : NULL;
	/* without a file, the memo of this process stands in for it */
	if (cache->binaries == NULL && cache->path == NULL) {
		g_mutex_lock(&hc_qemu_memo_lock);
		if (hc_qemu_memo != NULL && hc_qemu_memo_path == NULL)
			cache->binaries = json_object_ref(hc_qemu_memo);
		g_mutex_unlock(&hc_qemu_memo_lock);
	}
	if (cache->binaries == NULL)
		cache->binaries = json_object_new();
	cache->used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return cache;
}

void
hc_qemu_cache_free(HcQemuCache *cache)
{
	if (cache == NULL)
		return;
	g_free(cache->path);
	json_object_unref(cache->binaries);
	g_hash_table_unref(cache->used);
	g_free(cache);
}

HcQemuInfo *
hc_qemu_cache_lookup(HcQemuCache *cache, const char *key)
{
	JsonNode *node = json_object_get_member(cache->binaries, key);

	if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node))
		return NULL;
	g_hash_table_add(cache->used, g_strdup(key));
	return hc_qemu_info_from_json(json_node_get_object(node), NULL);
}

void
hc_qemu_cache_store(HcQemuCache *cache, const char *key, const HcQemuInfo *info)
{
	/* the object may be shared with the memo: never change it in place */
	JsonObject *copy = json_object_new();
	g_autoptr(GList) members = json_object_get_members(cache->binaries);

	for (GList *l = members; l != NULL; l = l->next)
		json_object_set_member(
		    copy,
		    l->data,
		    json_node_copy(json_object_get_member(cache->binaries, l->data)));
	json_object_set_object_member(copy, key, hc_qemu_info_to_json(info));
	json_object_unref(cache->binaries);
	cache->binaries = copy;
	g_hash_table_add(cache->used, g_strdup(key));
	cache->dirty = TRUE;
}

/* the entries of this pass only */
static JsonObject *
hc_qemu_cache_used(HcQemuCache *cache)
{
	JsonObject *kept = json_object_new();
	g_autoptr(GList) members = json_object_get_members(cache->binaries);

	for (GList *l = members; l != NULL; l = l->next) {
		if (!g_hash_table_contains(cache->used, l->data))
			continue;
		json_object_set_member(
		    kept,
		    l->data,
		    json_node_copy(json_object_get_member(cache->binaries, l->data)));
	}
	return kept;
}

static void
hc_qemu_memo_set_anonymous(JsonObject *binaries)
{
	g_mutex_lock(&hc_qemu_memo_lock);
	g_clear_pointer(&hc_qemu_memo_path, g_free);
	g_clear_pointer(&hc_qemu_memo, json_object_unref);
	hc_qemu_memo = json_object_ref(binaries);
	g_mutex_unlock(&hc_qemu_memo_lock);
}

gboolean
hc_qemu_cache_save(HcQemuCache *cache, GError **error)
{
	g_autoptr(JsonObject) kept = NULL;
	g_autoptr(JsonObject) root = NULL;
	g_autoptr(JsonNode) node = NULL;
	g_autoptr(JsonGenerator) gen = NULL;
	g_autofree char *dir = NULL;
	g_autofree char *data = NULL;
	gsize len = 0;

	if (!cache->dirty &&
	    g_hash_table_size(cache->used) == json_object_get_size(cache->binaries))
		return TRUE;
	kept = hc_qemu_cache_used(cache);
	if (cache->path == NULL) {
		hc_qemu_memo_set_anonymous(kept);
		return TRUE;
	}
	root = json_object_new();
	json_object_set_string_member(root, "format", HC_QEMU_CACHE_FORMAT);
	json_object_set_object_member(root, "binaries", json_object_ref(kept));
	node = json_node_init_object(json_node_alloc(), root);
	gen = json_generator_new();
	json_generator_set_root(gen, node);
	data = json_generator_to_data(gen, &len);
	dir = g_path_get_dirname(cache->path);
	if (g_mkdir_with_parents(dir, 0755) != 0) {
		int errsv = errno;
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(errsv),
			    "mkdir %s: %s",
			    dir,
			    g_strerror(errsv));
		return FALSE;
	}
	if (!g_file_set_contents(cache->path, data, len, error))
		return FALSE;
	hc_qemu_memo_set(cache->path, kept);
	return TRUE;
}
