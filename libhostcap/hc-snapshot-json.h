/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "hostcap/hc-snapshot.h"

G_BEGIN_DECLS

/* hc_snapshot_from_json() on a document the caller has already parsed (and whose text it
 * has limited): a snapshot inside a larger JSON file is not printed and parsed again */
HcSnapshot *
hc_snapshot_from_json_node(JsonNode *root, GError **error);

G_END_DECLS
