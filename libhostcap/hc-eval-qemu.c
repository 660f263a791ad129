/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The QEMU a host runs (probe "qemu"): a spec's machine type must be one this QEMU offers,
 * or QEMU refuses to start ("unsupported machine type"); in a migration the target's QEMU
 * must offer it too, which the target's bootable findings carry. A host without QEMU, or a
 * snapshot taken before the probe existed, cannot say: the verdict notes what it assumed.
 */
#include <string.h>

#include "hc-evaluator.h"

/* the string list of @id when the host reported it; NULL otherwise */
static const HcCapability *
hc_qemu_cap(HcSnapshot *host, const char *id)
{
	const HcCapability *cap = hc_snapshot_lookup(host, id);
	if (cap == NULL || cap->state != HC_CAP_STATE_SUPPORTED || cap->value == NULL ||
	    !g_variant_is_of_type(cap->value, G_VARIANT_TYPE_STRING_ARRAY))
		return NULL;
	return cap;
}

static gboolean
hc_qemu_list_has(const HcCapability *cap, const char *name, gboolean alias)
{
	g_autofree const char **v = g_variant_get_strv(cap->value, NULL);
	gsize len = strlen(name);

	for (guint i = 0; v[i] != NULL; i++) {
		if (alias ? strncmp(v[i], name, len) == 0 && v[i][len] == '='
			  : g_str_equal(v[i], name))
			return TRUE;
	}
	return FALSE;
}

/* "8.2" → 80200-ish for ordering "pc-q35-10.1" after "pc-q35-9.2" */
static guint64
hc_qemu_machine_rank(const char *version)
{
	g_auto(GStrv) parts = g_strsplit(version, ".", 3);
	guint64 rank = 0;

	for (guint i = 0; i < 3; i++)
		rank = rank * 1000 + (parts[0] != NULL && i < g_strv_length(parts)
					  ? g_ascii_strtoull(parts[i], NULL, 10)
					  : 0);
	return rank;
}

/* the newest machine of @machine's family ("pc-q35-") that @machines offers, or NULL */
static char *
hc_qemu_newest_of_family(const HcCapability *machines, const char *machine)
{
	const char *dash = strrchr(machine, '-');
	g_autofree char *family = dash != NULL ? g_strndup(machine, dash + 1 - machine) : NULL;
	g_autofree const char **v = g_variant_get_strv(machines->value, NULL);
	const char *best = NULL;
	guint64 best_rank = 0;

	if (family == NULL)
		return NULL;
	for (guint i = 0; v[i] != NULL; i++) {
		guint64 rank;
		if (!g_str_has_prefix(v[i], family) || !g_ascii_isdigit(v[i][strlen(family)]))
			continue;
		rank = hc_qemu_machine_rank(v[i] + strlen(family));
		if (best == NULL || rank > best_rank) {
			best = v[i];
			best_rank = rank;
		}
	}
	return g_strdup(best);
}

static const char *
hc_qemu_string(HcSnapshot *host, const char *id, const char *fallback)
{
	const HcCapability *cap = hc_snapshot_lookup(host, id);
	if (cap == NULL || cap->state != HC_CAP_STATE_SUPPORTED || cap->value == NULL ||
	    !g_variant_is_of_type(cap->value, G_VARIANT_TYPE_STRING))
		return fallback;
	return g_variant_get_string(cap->value, NULL);
}

const char *
hc_eval_qemu_release(HcSnapshot *host)
{
	return hc_qemu_string(host, "qemu.version", NULL);
}

char *
hc_eval_qemu_machine_name(HcHostEval *ev)
{
	const char *machine = ev->spec->machine;
	const HcCapability *aliases = hc_qemu_cap(ev->host, "qemu.machine_aliases");
	g_autofree const char **v = NULL;
	gsize len = strlen(machine);
	const char *version = NULL;

	if (aliases == NULL)
		return g_strdup(machine);
	v = g_variant_get_strv(aliases->value, NULL);
	for (guint i = 0; v[i] != NULL; i++) {
		if (strncmp(v[i], machine, len) == 0 && v[i][len] == '=' &&
		    hc_catalogue_resolve_machine(ev->cat, v[i] + len + 1, &version) != NULL)
			return g_strdup(v[i] + len + 1);
	}
	return g_strdup(machine);
}

static HcFinding *
hc_qemu_machine_finding(HcHostEval *ev, HcSeverity severity)
{
	g_autoptr(JsonNode) value = json_node_new(JSON_NODE_VALUE);
	HcFinding *f;

	json_node_set_string(value, ev->spec->machine);
	f = hc_finding_new("machine", value, HC_ORIGIN_EXPLICIT, severity);
	f->requires = g_strdup("qemu.machines or qemu.machine_aliases has the machine type");
	hc_finding_add_capability(f, ev->host, "qemu.present", NULL);
	hc_finding_add_capability(f, ev->host, "qemu.binary", NULL);
	hc_finding_add_capability(f, ev->host, "qemu.version", NULL);
	return f;
}

/* a host whose QEMU cannot be judged: say so, and what the verdict assumed */
static void
hc_qemu_note(HcHostEval *ev, const HcCapability *present)
{
	HcFinding *f = hc_qemu_machine_finding(ev, HC_SEVERITY_INFO);
	GPtrArray *releases = hc_catalogue_get_machine_releases(ev->cat, ev->spec->machine);
	g_autofree char *reason = NULL;

	if (present == NULL)
		reason = g_strdup_printf("The snapshot of %s does not say which QEMU it runs "
					 "(it has no qemu.* capabilities: taken without the "
					 "qemu probe). The verdict assumes its QEMU offers "
					 "machine type %s.",
					 hc_host_label(ev->host),
					 ev->spec->machine);
	else if (present->state == HC_CAP_STATE_UNSUPPORTED)
		reason = g_strdup_printf("%s has no QEMU installed (%s). The verdict judges "
					 "its kernel and hardware only, and assumes a QEMU that "
					 "offers machine type %s.",
					 hc_host_label(ev->host),
					 present->reason,
					 ev->spec->machine);
	else
		reason = g_strdup_printf("Cannot tell which machine types the QEMU of %s "
					 "offers (%s). The verdict assumes it offers %s.",
					 hc_host_label(ev->host),
					 present->reason,
					 ev->spec->machine);
	/* the defaults were those of the newest release the catalogue has the machine type of */
	if (releases != NULL && releases->len > 0)
		f->reason = g_strdup_printf("%s Its defaults are taken as QEMU %s gives them.",
					    reason,
					    (char *)g_ptr_array_index(releases, releases->len - 1));
	else
		f->reason = g_steal_pointer(&reason);
	f->remediation = g_strdup("Install QEMU on the host (or set QemuBinary= in "
				  "hostcapd.conf) and take the snapshot again.");
	hc_report_add(ev->report, f);
}

void
hc_eval_qemu_machine(HcHostEval *ev)
{
	const char *machine = ev->spec->machine;
	const HcCapability *present;
	const HcCapability *machines;
	const HcCapability *aliases;
	g_autofree char *newest = NULL;
	HcFinding *f;

	if (machine == NULL)
		return;
	present = hc_snapshot_lookup(ev->host, "qemu.present");
	machines = hc_qemu_cap(ev->host, "qemu.machines");
	aliases = hc_qemu_cap(ev->host, "qemu.machine_aliases");
	if (present == NULL || present->state != HC_CAP_STATE_SUPPORTED || machines == NULL) {
		if (present != NULL && present->state == HC_CAP_STATE_SUPPORTED)
			present = hc_snapshot_lookup(ev->host, "qemu.machines");
		hc_qemu_note(ev, present);
		return;
	}
	if (hc_qemu_list_has(machines, machine, FALSE) ||
	    (aliases != NULL && hc_qemu_list_has(aliases, machine, TRUE)))
		return;
	newest = hc_qemu_newest_of_family(machines, machine);
	f = hc_qemu_machine_finding(ev, HC_SEVERITY_ERROR);
	f->reason = g_strdup_printf(
	    "QEMU %s of %s (%s) has no machine type %s%s%s; QEMU refuses to start the VM "
	    "(\"unsupported machine type\").",
	    hc_qemu_string(ev->host, "qemu.version", "(release unknown)"),
	    hc_host_label(ev->host),
	    hc_qemu_string(ev->host, "qemu.binary", "?"),
	    machine,
	    newest != NULL ? ": its newest of that family is " : "",
	    newest != NULL ? newest : "");
	f->remediation = g_strdup_printf(
	    "Use a machine type this QEMU offers%s%s (hostcapctl get qemu.machines lists them); "
	    "for a VM that migrates, the newest one every host's QEMU offers. Or install a QEMU "
	    "release that has %s.",
	    newest != NULL ? ", at most " : "",
	    newest != NULL ? newest : "",
	    machine);
	hc_report_add(ev->report, f);
}
