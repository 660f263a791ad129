/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain XML import: <cpu>, <features> and <clock>. libvirt's CPU modes become QEMU's
 * -cpu models (host-passthrough → host, maximum → max, custom → the named model);
 * host-model is expanded by libvirt from the host it starts on, so only the features the
 * XML names are judged. Feature policies follow libvirt: require/force turn a feature on,
 * disable/forbid off, optional only when the host has it.
 */
#include "hc-domxml.h"

#include "hostcap/hc-capability.h"
#include "hc-qemu-opts.h"

/* ------------------------------------------------------------------ <cpu> */

static gboolean
hc_domxml_cpu_feature(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	static const char *const on[] = {"require", "force", NULL};
	static const char *const off[] = {"disable", "forbid", NULL};
	const char *name = hc_xml_attr(node, "name");
	const char *policy = hc_xml_attr(node, "policy");
	g_autofree char *canon = name != NULL ? hc_qemu_cpu_feature_name(name) : NULL;
	g_autofree char *id = canon != NULL ? g_strconcat("cpu.feature.", canon, NULL) : NULL;

	if (id == NULL || !hc_capability_id_is_valid(id))
		return hc_domxml_bad_attr(node, "name", "expected a CPU feature name", error);
	if (policy == NULL)
		policy = "require"; /* libvirt's default policy */
	if (g_strv_contains(on, policy))
		hc_domxml_set_bool(ctx, id, TRUE, FALSE);
	else if (g_strv_contains(off, policy))
		hc_domxml_set_bool(ctx, id, FALSE, FALSE);
	else if (g_strcmp0(policy, "optional") == 0)
		hc_domxml_note_attr(ctx,
				    node,
				    "policy",
				    "optional: enabled only where the host has it, never required");
	else
		return hc_domxml_bad_attr(node,
					  "policy",
					  "expected require, force, disable, optional or forbid",
					  error);
	return TRUE;
}

static gboolean
hc_domxml_cpu_model(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	const char *model = hc_xml_text(node);

	if (model[0] == '\0')
		return hc_domxml_bad(node, "expected a CPU model name", error);
	json_object_set_string_member(ctx->features, "cpu.model", model);
	return TRUE;
}

/* the modes libvirt knows, and what QEMU model each becomes (NULL: libvirt computes it) */
static gboolean
hc_domxml_cpu_mode(HcDomxml *ctx, HcXmlNode *node, const char *mode, GError **error)
{
	gboolean present, b = FALSE;

	if (g_strcmp0(mode, "host-passthrough") == 0) {
		/* libvirt refuses it before QEMU runs when the domain does not use KVM */
		if (!ctx->kvm)
			return hc_domxml_bad_attr(
			    node,
			    "mode",
			    "libvirt refuses host-passthrough for a domain of "
			    "type qemu (it needs KVM)",
			    error);
		json_object_set_string_member(ctx->features, "cpu.model", "host");
		if (!hc_domxml_on_off(node, "migratable", &present, &b, error))
			return FALSE;
		if (present)
			hc_domxml_set_bool(ctx, "cpu.migratable", b, FALSE);
	} else if (g_strcmp0(mode, "maximum") == 0) {
		json_object_set_string_member(ctx->features, "cpu.model", "max");
	} else if (g_strcmp0(mode, "host-model") == 0) {
		ctx->host_model = TRUE;
		hc_domxml_note_attr(
		    ctx,
		    node,
		    "mode",
		    "host-model: libvirt expands this host's CPU when it starts the "
		    "domain; only the features listed are judged");
	} else if (g_strcmp0(mode, "custom") != 0) {
		return hc_domxml_bad_attr(
		    node,
		    "mode",
		    "expected custom, host-model, host-passthrough or maximum",
		    error);
	}
	return TRUE;
}

gboolean
hc_domxml_cpu(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	static const HcDomxmlElement table[] = {
	    {"model", hc_domxml_cpu_model},
	    {"feature", hc_domxml_cpu_feature},
	    {"vendor", NULL},
	    {"topology", NULL}, /* -smp's shape; the count is <vcpu> */
	    {"numa", NULL},
	    {"cache", NULL},
	    {"maxphysaddr", NULL},
	};
	const char *mode = hc_xml_attr(node, "mode");
	const char *check = hc_xml_attr(node, "check");

	if (mode == NULL)
		mode = "custom";
	if (!hc_domxml_cpu_mode(ctx, node, mode, error))
		return FALSE;
	/* check='full': libvirt compares the CPU QEMU built with the XML and refuses a
	 * difference, as QEMU's enforce does */
	if (g_strcmp0(check, "full") == 0)
		hc_domxml_set_bool(ctx, "cpu.enforce", TRUE, FALSE);
	else if (check != NULL && g_strcmp0(check, "none") != 0 && g_strcmp0(check, "partial") != 0)
		return hc_domxml_bad_attr(node, "check", "expected none, partial or full", error);
	return hc_domxml_children(ctx, node, table, G_N_ELEMENTS(table), error);
}

/* ------------------------------------------------------------------ <features> */

/* state='on|off'; an element without state means on */
static gboolean
hc_domxml_state(HcXmlNode *node, gboolean *out, GError **error)
{
	gboolean present;

	*out = TRUE;
	return hc_domxml_on_off(node, "state", &present, out, error);
}

static gboolean
hc_domxml_smm(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	gboolean on;

	if (!hc_domxml_state(node, &on, error))
		return FALSE;
	json_object_set_string_member(ctx->features, "machine.smm", on ? "on" : "off");
	return TRUE;
}

static gboolean
hc_domxml_pmu(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	gboolean on;

	if (!hc_domxml_state(node, &on, error))
		return FALSE;
	hc_domxml_set_bool(ctx, "cpu.pmu", on, FALSE);
	return TRUE;
}

static gboolean
hc_domxml_ioapic(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	const char *driver = hc_xml_attr(node, "driver");

	/* libvirt: kvm → kernel_irqchip=on, qemu → kernel_irqchip=split */
	if (g_strcmp0(driver, "kvm") == 0)
		json_object_set_string_member(ctx->features, "machine.kernel_irqchip", "on");
	else if (g_strcmp0(driver, "qemu") == 0)
		json_object_set_string_member(ctx->features, "machine.kernel_irqchip", "split");
	else
		return hc_domxml_bad_attr(node, "driver", "expected kvm or qemu", error);
	return TRUE;
}

/* each enlightenment turned on is noted: the catalogue has no Hyper-V features */
static gboolean
hc_domxml_hyperv(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	if (g_strcmp0(hc_xml_attr(node, "mode"), "passthrough") == 0) {
		hc_domxml_note_attr(
		    ctx,
		    node,
		    "mode",
		    "passthrough: every Hyper-V enlightenment KVM offers, not judged");
		return TRUE;
	}
	for (guint i = 0; i < node->children->len; i++) {
		HcXmlNode *c = g_ptr_array_index(node->children, i);
		gboolean on;
		g_autofree char *why = NULL;
		if (!hc_domxml_state(c, &on, error))
			return FALSE;
		if (!on)
			continue;
		why = g_strdup_printf("Hyper-V enlightenment hv-%s is not judged", c->name);
		hc_domxml_note(ctx, c, why);
	}
	return TRUE;
}

static gboolean
hc_domxml_dirty_ring(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	gboolean on, present;
	guint64 size = 0;

	if (!hc_domxml_state(node, &on, error) ||
	    !hc_domxml_uint_attr(node, "size", &present, &size, error))
		return FALSE;
	if (!on)
		return TRUE;
	if (!present)
		return hc_domxml_bad_attr(node, "size", "a ring size is required", error);
	if (!ctx->kvm) {
		hc_domxml_note(ctx, node, "libvirt ignores it for a domain of type qemu");
		return TRUE;
	}
	json_object_set_int_member(ctx->features, "accel.dirty_ring_size", (gint64)size);
	return TRUE;
}

static gboolean
hc_domxml_kvm(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	static const HcDomxmlElement table[] = {
	    {"dirty-ring", hc_domxml_dirty_ring},
	    {"hidden", NULL}, /* kvm=off: hides the signature, needs nothing */
	};
	return hc_domxml_children(ctx, node, table, G_N_ELEMENTS(table), error);
}

gboolean
hc_domxml_features(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	static const HcDomxmlElement table[] = {
	    {"smm", hc_domxml_smm},
	    {"pmu", hc_domxml_pmu},
	    {"ioapic", hc_domxml_ioapic},
	    {"hyperv", hc_domxml_hyperv},
	    {"kvm", hc_domxml_kvm},
	    /* emulated by QEMU whatever the host offers */
	    {"acpi", NULL},
	    {"apic", NULL},
	    {"pae", NULL},
	    {"hap", NULL},
	    {"vmport", NULL},
	    {"vmcoreinfo", NULL},
	    {"privnet", NULL},
	    {"viridian", NULL},
	    {"msrs", NULL},
	    {"ps2", NULL},
	    {"tcg", NULL},
	    {"async-teardown", NULL},
	};
	return hc_domxml_children(ctx, node, table, G_N_ELEMENTS(table), error);
}

/* ------------------------------------------------------------------ <clock> */

static gboolean
hc_domxml_timer(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	const char *name = hc_xml_attr(node, "name");
	gboolean present, on = TRUE;
	guint64 hz = 0;

	if (name == NULL)
		return hc_domxml_bad_attr(node, "name", "a timer name is required", error);
	if (!hc_domxml_on_off(node, "present", &present, &on, error))
		return FALSE;
	if (g_strcmp0(name, "tsc") == 0) {
		if (!hc_domxml_uint_attr(node, "frequency", &present, &hz, error))
			return FALSE;
		/* libvirt passes Hz; the capability is KVM_GET_TSC_KHZ's kHz */
		if (present)
			json_object_set_int_member(ctx->features,
						   "cpu.tsc_khz",
						   (gint64)(hz / 1000));
	} else if (g_strcmp0(name, "kvmclock") == 0 && present) {
		hc_domxml_set_bool(ctx, "cpu.feature.kvmclock", on, FALSE);
	} else if (g_strcmp0(name, "hypervclock") == 0 && on) {
		hc_domxml_note(ctx, node, "Hyper-V enlightenment hv-time is not judged");
	}
	return TRUE; /* rtc, pit, hpet, platform: emulated */
}

gboolean
hc_domxml_clock(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	static const HcDomxmlElement table[] = {
	    {"timer", hc_domxml_timer},
	};
	return hc_domxml_children(ctx, node, table, G_N_ELEMENTS(table), error);
}
