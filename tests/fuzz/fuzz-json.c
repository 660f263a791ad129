/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for the strict JSON reader every client and disk document goes through
 * (libhostcap/hc-json-reader.c). Beyond "no crash, no sanitizer report": a refusal is
 * HC_ERROR_INVALID_ARGUMENT, and what it accepts, printed by json-glib, is accepted again
 * (the scan and json-glib agree on what JSON is). Documents holding a floating-point number are
 * not printed again: json-glib 1.6 prints 5e175 as "5e+175.0", which is not JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hc-fuzz.h"
#include "hc-json-reader.h"
#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* TRUE when @node holds a floating-point number anywhere */
static gboolean
has_double(JsonNode *node)
{
	if (JSON_NODE_HOLDS_ARRAY(node)) {
		JsonArray *arr = json_node_get_array(node);

		for (guint i = 0; i < json_array_get_length(arr); i++)
			if (has_double(json_array_get_element(arr, i)))
				return TRUE;
		return FALSE;
	}
	if (JSON_NODE_HOLDS_OBJECT(node)) {
		JsonObjectIter iter;
		JsonNode *member;

		json_object_iter_init(&iter, json_node_get_object(node));
		while (json_object_iter_next(&iter, NULL, &member))
			if (has_double(member))
				return TRUE;
		return FALSE;
	}
	return JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_DOUBLE;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(JsonNode) again = NULL;
	g_autofree char *text = NULL;

	hc_fuzz_init_logging();
	root = hc_json_reader_parse((const char *)data,
				    size,
				    HC_LIMIT_SNAPSHOT_BYTES,
				    HC_LIMIT_NESTING,
				    HC_JSON_READER_ANY_ROOT,
				    &error);
	if (root == NULL) {
		if (!g_error_matches(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT))
			abort();
		return 0;
	}
	if (has_double(root))
		return 0;
	text = json_to_string(root, FALSE);
	again = hc_json_reader_parse(text,
				     strlen(text),
				     G_MAXSIZE,
				     HC_LIMIT_NESTING,
				     HC_JSON_READER_ANY_ROOT,
				     &error);
	if (again == NULL)
		abort();
	return 0;
}
