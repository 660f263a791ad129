/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for one line of the history file as `hostcapctl history` reads it
 * (hc_history_entry_parse()): no crash, no sanitizer report, a refusal is
 * HC_ERROR_INVALID_ARGUMENT, and an accepted entry has the members its readers use.
 */
#include <stdint.h>
#include <stdlib.h>

#include "hc-fuzz.h"
#include "hc-history-entry.h"
#include "hostcap/hc-error.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonObject *obj;

	hc_fuzz_init_logging();
	root = hc_history_entry_parse((const char *)data, size, &error);
	if (root == NULL) {
		if (!g_error_matches(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT))
			abort();
		return 0;
	}
	obj = json_node_get_object(root);
	if (json_object_get_array_member(obj, "changes") == NULL ||
	    json_object_get_string_member(obj, "kernel") == NULL)
		abort();
	return 0;
}
