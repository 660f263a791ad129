/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for hc_snapshot_from_json(). Beyond "no crash, no sanitizer report" it
 * checks the reader's documented round trip: for every accepted input x,
 * to_json(from_json(to_json(x))) == to_json(x), and a refusal is HC_ERROR_INVALID_ARGUMENT.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hc-fuzz.h"
#include "hostcap/hc-error.h"
#include "hostcap/hc-snapshot.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(HcSnapshot) snap = NULL;
	g_autoptr(HcSnapshot) again = NULL;
	g_autofree char *json = NULL;
	g_autofree char *json_again = NULL;

	hc_fuzz_init_logging();
	snap = hc_snapshot_from_json((const char *)data, size, &error);
	if (snap == NULL) {
		if (!g_error_matches(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT))
			abort();
		return 0;
	}
	json = hc_snapshot_to_json(snap, FALSE);
	again = hc_snapshot_from_json(json, strlen(json), NULL);
	if (again == NULL)
		abort();
	json_again = hc_snapshot_to_json(again, FALSE);
	if (strcmp(json, json_again) != 0)
		abort();
	return 0;
}
