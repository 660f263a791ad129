/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for the strict JSON reader every client and disk document goes through
 * (libhostcap/hc-json-reader.c). Beyond "no crash, no sanitizer report": a refusal is
 * HC_ERROR_INVALID_ARGUMENT, and what it accepts, printed by json-glib, is accepted again
 * (the scan and json-glib agree on what JSON is).
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
