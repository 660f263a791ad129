/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for hc_check_bootable(): the input is the spec JSON, judged against the
 * shipped catalogue (data/) and a fixed host snapshot (tests/fixtures/hosts/). Properties:
 * no crash or sanitizer report; a refusal is HC_ERROR_INVALID_ARGUMENT or
 * HC_ERROR_UNKNOWN_FEATURE; an answer has a verdict in range and a JSON report.
 */
#include <json-glib/json-glib.h>
#include <stdint.h>
#include <stdlib.h>

#include "hc-config.h"
#include "hc-fuzz.h"
#include "hostcap/hc-error.h"
#include "hc-verdict.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static HcCatalogue *cat;
static HcSnapshot *host;

static void
setup(void)
{
	const char *const dirs[] = {HC_SOURCE_DATADIR, NULL};
	g_autoptr(GError) error = NULL;

	cat = hc_catalogue_load(dirs, &error);
	if (cat == NULL)
		g_error("catalogue %s: %s", HC_SOURCE_DATADIR, error->message);
	host = hc_snapshot_load_file(HC_FUZZ_HOST_SNAPSHOT, &error);
	if (host == NULL)
		g_error("%s: %s", HC_FUZZ_HOST_SNAPSHOT, error->message);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *report = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	HcVerdict verdict = HC_VERDICT_LAST;

	hc_fuzz_init_logging();
	if (cat == NULL)
		setup();
	if (!hc_check_bootable(cat, (const char *)data, size, host, &verdict, &report, &error)) {
		if (!g_error_matches(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT) &&
		    !g_error_matches(error, HC_ERROR, HC_ERROR_UNKNOWN_FEATURE))
			abort();
		return 0;
	}
	if (verdict >= HC_VERDICT_LAST || report == NULL ||
	    !json_parser_load_from_data(parser, report, -1, NULL))
		abort();
	return 0;
}
