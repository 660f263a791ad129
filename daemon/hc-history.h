/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "hostcap/hc-snapshot.h"

G_BEGIN_DECLS

/**
 * The change log: <state dir>/history.jsonl, one JSON object per committed change, as
 * `hostcapctl history` reads it:
 *   {"time_usec", "boot_id", "kernel", "generation",
 *    "changes": [{"id", "old": {"state", "value"?} | null, "new": {…} | null}]}
 * Bounded: when an append would pass @max_bytes, the oldest entries are dropped (the file is
 * rewritten atomically with the newest entries that fit in half the bound; the newest entry
 * is always kept).
 */
#define HC_HISTORY_FILE_NAME "history.jsonl"

/* the line for the change from @old (NULL: nothing known before) to @new_snap, without the
 * newline; @changed_ids element-type utf8 */
char *
hc_history_format_entry(const HcSnapshot *old, const HcSnapshot *new_snap, GPtrArray *changed_ids);

/* appends @line (creating @dir and the file when needed), trimming to @max_bytes */
gboolean
hc_history_append(const char *dir, guint64 max_bytes, const char *line, GError **error);

G_END_DECLS
