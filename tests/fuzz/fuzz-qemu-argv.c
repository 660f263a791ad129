/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for hc_qemu_argv_to_spec(): the input, split on NUL and newline, is the
 * argv after the binary. Properties checked beyond "no crash, no sanitizer report": an
 * accepted command line gives a JSON object with "machine", "features" and "unevaluated";
 * a refused one gives HC_ERROR_INVALID_ARGUMENT. Device properties are read through the
 * shipped catalogue (data/), as hostcapctl does.
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

static void
setup(void)
{
	const char *const dirs[] = {HC_SOURCE_DATADIR, NULL};
	g_autoptr(GError) error = NULL;

	cat = hc_catalogue_load(dirs, &error);
	if (cat == NULL)
		g_error("catalogue %s: %s", HC_SOURCE_DATADIR, error->message);
}

static void
check_spec(const char *json)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *spec;

	if (!json_parser_load_from_data(parser, json, -1, NULL))
		abort();
	if (!JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
		abort();
	spec = json_node_get_object(json_parser_get_root(parser));
	if (json_object_get_string_member_with_default(spec, "machine", NULL) == NULL ||
	    !JSON_NODE_HOLDS_OBJECT(json_object_get_member(spec, "features")) ||
	    !JSON_NODE_HOLDS_ARRAY(json_object_get_member(spec, "unevaluated")))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) error = NULL;
	g_autofree char *json = NULL;
	size_t start = 0;

	hc_fuzz_init_logging();
	if (cat == NULL)
		setup();
	g_ptr_array_add(argv, g_strdup("qemu-system-x86_64"));
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\0' && data[i] != '\n')
			continue;
		g_ptr_array_add(argv, g_strndup((const char *)data + start, i - start));
		start = i + 1;
	}
	g_ptr_array_add(argv, NULL);
	json = hc_qemu_argv_to_spec(cat, (const char *const *)argv->pdata, &error);
	if (json != NULL)
		check_spec(json);
	else if (!g_error_matches(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT))
		abort();
	return 0;
}
