/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A manager's view of the host before it places a VM (libvirt's domcapabilities, asked of
 * hostcapd): which machine types, platforms and CPU models run here as asked. Each is one
 * bootable check of a spec naming only it; "runs" means verdict yes with no warning, so no
 * default or model feature is silently changed on this host.
 */
#include <json-glib/json-glib.h>
#include <string.h>

#include "hostcap/hc-snapshot.h"

#include "hc-catalogue.h"
#include "hc-verdict.h"

/* the verdict of @spec_json, and the features of its warning findings */
static gboolean
hc_domcaps_judge(HcCatalogue *cat,
		 HcSnapshot *host,
		 const char *spec_json,
		 HcVerdict *verdict,
		 GPtrArray *changes,
		 GError **error)
{
	g_autofree char *report = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonArray *findings;

	if (!hc_check_bootable(cat, spec_json, strlen(spec_json), host, verdict, &report, error))
		return FALSE;
	if (!json_parser_load_from_data(parser, report, -1, error))
		return FALSE;
	findings = json_object_get_array_member(json_node_get_object(json_parser_get_root(parser)),
						"findings");
	for (guint i = 0; i < json_array_get_length(findings); i++) {
		JsonObject *f = json_array_get_object_element(findings, i);
		if (g_strcmp0(json_object_get_string_member(f, "severity"), "warning") == 0)
			g_ptr_array_add(changes,
					g_strdup(json_object_get_string_member(f, "feature")));
	}
	return TRUE;
}

/* one entry: {"name", "verdict", "runs", "changes": [feature…]} */
static gboolean
hc_domcaps_entry(JsonBuilder *b,
		 HcCatalogue *cat,
		 HcSnapshot *host,
		 const char *name,
		 const char *spec_json,
		 GError **error)
{
	g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func(g_free);
	HcVerdict verdict = HC_VERDICT_UNKNOWN;

	if (!hc_domcaps_judge(cat, host, spec_json, &verdict, changes, error)) {
		g_prefix_error(error, "%s: ", name);
		return FALSE;
	}
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, name);
	json_builder_set_member_name(b, "verdict");
	json_builder_add_string_value(b, hc_verdict_to_string(verdict));
	json_builder_set_member_name(b, "runs");
	json_builder_add_boolean_value(b, verdict == HC_VERDICT_YES && changes->len == 0);
	json_builder_set_member_name(b, "changes");
	json_builder_begin_array(b);
	for (guint i = 0; i < changes->len; i++)
		json_builder_add_string_value(b, g_ptr_array_index(changes, i));
	json_builder_end_array(b);
	json_builder_end_object(b);
	return TRUE;
}

typedef enum {
	HC_DOMCAPS_MACHINE,
	HC_DOMCAPS_PLATFORM,
	HC_DOMCAPS_CPU_MODEL,
} HcDomcapsKind;

static char *
hc_domcaps_spec(HcDomcapsKind kind, const char *name, gboolean kvm)
{
	g_autoptr(JsonBuilder) b = json_builder_new_immutable();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(b);
	if (kind != HC_DOMCAPS_CPU_MODEL) {
		json_builder_set_member_name(b,
					     kind == HC_DOMCAPS_MACHINE ? "machine" : "platform");
		json_builder_add_string_value(b, name);
	}
	json_builder_set_member_name(b, "features");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "accel.kvm");
	json_builder_add_boolean_value(b, kvm);
	if (kind == HC_DOMCAPS_CPU_MODEL) {
		json_builder_set_member_name(b, "cpu.model");
		json_builder_add_string_value(b, name);
	}
	json_builder_end_object(b);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	return json_to_string(root, FALSE);
}

static gboolean
hc_domcaps_list(JsonBuilder *b,
		HcCatalogue *cat,
		HcSnapshot *host,
		const char *member,
		HcDomcapsKind kind,
		GPtrArray *names,
		gboolean kvm,
		GError **error)
{
	json_builder_set_member_name(b, member);
	json_builder_begin_array(b);
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);
		g_autofree char *spec = hc_domcaps_spec(kind, name, kvm);
		if (!hc_domcaps_entry(b, cat, host, name, spec, error))
			return FALSE;
	}
	json_builder_end_array(b);
	return TRUE;
}

char *
hc_domain_capabilities(HcCatalogue *cat, HcSnapshot *host, GError **error)
{
	g_autoptr(JsonBuilder) b = json_builder_new_immutable();
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(GPtrArray) machines = hc_catalogue_get_machine_names(cat);
	g_autoptr(GPtrArray) platforms = g_ptr_array_new();
	g_autoptr(GPtrArray) models = g_ptr_array_new();
	g_autoptr(GPtrArray) platform_list = hc_catalogue_list_platforms(cat);
	const GPtrArray *model_list = hc_catalogue_get_cpu_models(cat);
	const HcCapability *kvm_cap = hc_snapshot_lookup(host, "kvm.present");
	/* the accelerator a manager would pick here: KVM when the host has it */
	gboolean kvm = kvm_cap != NULL && kvm_cap->state == HC_CAP_STATE_SUPPORTED;

	for (guint i = 0; i < platform_list->len; i++)
		g_ptr_array_add(platforms,
				((HcPlatform *)g_ptr_array_index(platform_list, i))->name);
	for (guint i = 0; model_list != NULL && i < model_list->len; i++)
		g_ptr_array_add(models, ((HcCpuModel *)g_ptr_array_index(model_list, i))->name);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "format");
	json_builder_add_string_value(b, "hostcapd-domcapabilities/1");
	json_builder_set_member_name(b, "accelerator");
	json_builder_add_string_value(b, kvm ? "kvm" : "tcg");
	if (!hc_domcaps_list(b, cat, host, "machines", HC_DOMCAPS_MACHINE, machines, kvm, error) ||
	    !hc_domcaps_list(b,
			     cat,
			     host,
			     "platforms",
			     HC_DOMCAPS_PLATFORM,
			     platforms,
			     kvm,
			     error) ||
	    !hc_domcaps_list(b, cat, host, "cpu_models", HC_DOMCAPS_CPU_MODEL, models, kvm, error))
		return NULL;
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	return json_to_string(root, FALSE);
}
