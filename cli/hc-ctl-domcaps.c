/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `hostcapctl domcapabilities`: which machine types, platforms and CPU models run on this
 * host (or the --snapshot host) without silent changes, the answer a manager wants before
 * placing a VM. Through the daemon's GetDomainCapabilities, or offline with the library.
 */
#include "hc-config.h"

#include <json-glib/json-glib.h>

#include "hostcap/hc-error.h"

#include "hc-ctl-bus.h"
#include "hc-ctl-output.h"
#include "hc-ctl.h"
#include "hc-probe-registry.h"
#include "hc-verdict.h"

static char *
domcaps_offline(HcCtlContext *ctx, GError **error)
{
	g_autoptr(HcCatalogue) cat = NULL;
	HcSnapshot *host = hc_ctl_context_get_snapshot(ctx, error);

	if (host == NULL)
		return NULL;
	cat = hc_catalogue_load_for_probes(hc_ctl_context_get_data_dirs(ctx),
					   hc_probe_registry,
					   hc_probe_registry_len,
					   error);
	if (cat == NULL) {
		g_prefix_error(error, "catalogue: ");
		return NULL;
	}
	return hc_domain_capabilities(cat, host, error);
}

/* "runs here: a, b" and, for the others, "name: why" */
static void
print_list(JsonObject *doc, const char *member, const char *title)
{
	JsonArray *list = json_object_get_array_member(doc, member);
	g_autoptr(GString) runs = g_string_new(NULL);
	g_autoptr(GString) others = g_string_new(NULL);

	for (guint i = 0; list != NULL && i < json_array_get_length(list); i++) {
		JsonObject *e = json_array_get_object_element(list, i);
		const char *name = json_object_get_string_member(e, "name");
		JsonArray *changes = json_object_get_array_member(e, "changes");
		if (json_object_get_boolean_member(e, "runs")) {
			g_string_append_printf(runs, "%s%s", runs->len > 0 ? ", " : "", name);
			continue;
		}
		g_string_append_printf(others,
				       "    %s: %s",
				       name,
				       json_object_get_string_member(e, "verdict"));
		for (guint j = 0; j < json_array_get_length(changes); j++)
			g_string_append_printf(others,
					       "%s%s",
					       j == 0 ? ", silently changes " : ", ",
					       json_array_get_string_element(changes, j));
		g_string_append_c(others, '\n');
	}
	g_print("%s run here as asked: %s\n", title, runs->len > 0 ? runs->str : "none");
	if (others->len > 0)
		g_print("  not as asked:\n%s", others->str);
}

int
hc_ctl_verb_domcapabilities(HcCtlContext *ctx, char **args, GError **error)
{
	g_autofree char *json = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *doc;

	if (hc_ctl_context_is_offline(ctx)) {
		json = domcaps_offline(ctx, error);
	} else {
		HcCtlBus *bus = hc_ctl_context_get_bus(ctx, error);
		json = bus != NULL ? hc_ctl_bus_get_domain_capabilities(bus, error) : NULL;
	}
	if (json == NULL)
		return -1;
	if (!json_parser_load_from_data(parser, json, -1, NULL) ||
	    !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
		g_set_error_literal(error,
				    HC_ERROR,
				    HC_ERROR_INTERNAL,
				    "the answer is not a JSON object");
		return -1;
	}
	if (ctx->json) {
		hc_ctl_print_json(json_parser_get_root(parser));
		return HC_CTL_EXIT_YES;
	}
	doc = json_node_get_object(json_parser_get_root(parser));
	g_print("Accelerator: %s\n", json_object_get_string_member(doc, "accelerator"));
	print_list(doc, "machines", "Machine types");
	print_list(doc, "platforms", "Platforms");
	print_list(doc, "cpu_models", "CPU models");
	return HC_CTL_EXIT_YES;
}
