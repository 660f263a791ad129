/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "hc-cache-key.h"
#include "hostcap/hc-snapshot.h"

G_BEGIN_DECLS

/**
 * The snapshot cache: <cache dir>/snapshot.json holds
 *   {"format": "hostcapd-cache/1", "key": {…HcCacheKey…}, "saved_usec": N,
 *    "snapshot": {…the snapshot JSON of DESIGN §5…}}
 * written atomically (temporary file, fsync, rename). Reading is strict: the snapshot goes
 * through hc_snapshot_from_json(), which refuses an edited fingerprint.
 */
#define HC_CACHE_FORMAT	   "hostcapd-cache/1"
#define HC_CACHE_FILE_NAME "snapshot.json"

typedef enum {
	HC_CACHE_VALID,	  /* the key matches: the snapshot may be served */
	HC_CACHE_MISSING, /* no file */
	HC_CACHE_STALE,	  /* well-formed, but made under another key: history only */
	HC_CACHE_INVALID, /* unreadable, truncated, corrupt, foreign */
} HcCacheStatus;

/**
 * hc_cache_load:
 * @snapshot: (out): the cached snapshot when VALID or STALE
 * @reason: (out): why it is not VALID ("truncated: …", "boot id changed (…)")
 */
HcCacheStatus
hc_cache_load(const char *dir,
	      const HcCacheKey *key,
	      HcSnapshot **snapshot,
	      gint64 *saved_usec,
	      char **reason);

/* creates @dir when needed; replaces the file atomically */
gboolean
hc_cache_save(const char *dir, const HcCacheKey *key, HcSnapshot *snap, GError **error);

G_END_DECLS
