/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * hc_history_entry_parse:
 * @line: one line of the daemon's history file, without its newline
 *
 * Reads one history entry with the strict JSON reader and checks its shape:
 *   {"time_usec", "boot_id", "kernel", "generation",
 *    "changes": [{"id", "old": {"state", "value"?} | null, "new": {…} | null}]}
 * Returns a new mutable node, or NULL with HC_ERROR_INVALID_ARGUMENT naming the JSON path.
 */
JsonNode *
hc_history_entry_parse(const char *line, gsize len, GError **error);

G_END_DECLS
