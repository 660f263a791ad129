/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain XML import: guest memory and its backing, the vCPU count, confidential guests.
 * libvirt turns <memoryBacking> into one memory-backend object for guest RAM: file (with
 * the hugetlbfs mount) for huge pages or a file source, memfd for a memfd source, ram
 * otherwise; huge pages are always preallocated.
 */
#include "hc-domxml.h"

gboolean
hc_domxml_memory(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	guint64 bytes;

	if (!hc_domxml_size(node, "KiB", &bytes, error))
		return FALSE;
	if (bytes == 0)
		return hc_domxml_bad(node, "the guest needs some memory", error);
	/* libvirt aligns guest memory up to whole MiB on x86 */
	json_object_set_int_member(ctx->features,
				   "memory.size_mib",
				   (gint64)(bytes / 1048576 + (bytes % 1048576 != 0)));
	return TRUE;
}

gboolean
hc_domxml_vcpu(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	guint64 n = 0;

	if (!g_ascii_string_to_unsigned(hc_xml_text(node), 10, 1, G_MAXINT32, &n, NULL)) {
		g_autofree char *what =
		    g_strdup_printf("expected a vCPU count, got '%s'", hc_xml_text(node));
		return hc_domxml_bad(node, what, error);
	}
	/* the element's value is the maximum; current= only says how many start online */
	json_object_set_int_member(ctx->features, "smp.maxcpus", (gint64)n);
	return TRUE;
}

/* <page size= unit=>: 2 MiB or 1 GiB; libvirt's default unit here is KiB */
static gboolean
hc_domxml_page(HcDomxml *ctx, HcXmlNode *page, GError **error)
{
	const char *unit = hc_xml_attr(page, "unit");
	guint64 size = 0, scale = 1024;
	gboolean present;

	if (!hc_domxml_uint_attr(page, "size", &present, &size, error))
		return FALSE;
	if (!present)
		return hc_domxml_bad_attr(page, "size", "a page size is required", error);
	if (unit != NULL && (g_strcmp0(unit, "M") == 0 || g_strcmp0(unit, "MiB") == 0))
		scale = 1048576;
	else if (unit != NULL && (g_strcmp0(unit, "G") == 0 || g_strcmp0(unit, "GiB") == 0))
		scale = 1073741824;
	else if (unit != NULL && g_strcmp0(unit, "KiB") != 0 && g_strcmp0(unit, "k") != 0 &&
		 g_strcmp0(unit, "K") != 0)
		return hc_domxml_bad_attr(page, "unit", "expected KiB, MiB or GiB", error);
	if (hc_xml_attr(page, "nodeset") != NULL)
		hc_domxml_note_attr(ctx, page, "nodeset", "per-node huge pages are not judged");
	if (size * scale == 2 * 1048576)
		json_object_set_string_member(ctx->features, "memory.hugepages", "2M");
	else if (size * scale == 1073741824)
		json_object_set_string_member(ctx->features, "memory.hugepages", "1G");
	else
		hc_domxml_note(ctx, page, "a huge page size hostcapd does not judge");
	return TRUE;
}

static gboolean
hc_domxml_hugepages(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	/* no <page>: the host's default huge page size */
	json_object_set_string_member(ctx->features, "memory.hugepages", "default");
	for (guint i = 0; i < node->children->len; i++) {
		HcXmlNode *c = g_ptr_array_index(node->children, i);
		if (g_strcmp0(c->name, "page") != 0)
			hc_domxml_note(ctx, c, "not judged");
		else if (!hc_domxml_page(ctx, c, error))
			return FALSE;
	}
	/* huge pages live in a hugetlbfs file unless the source is memfd */
	if (g_strcmp0(json_object_get_string_member(ctx->features, "memory.backend"), "memfd") != 0)
		json_object_set_string_member(ctx->features, "memory.backend", "file");
	hc_domxml_set_bool(ctx, "memory.prealloc", TRUE, FALSE);
	return TRUE;
}

static gboolean
hc_domxml_mem_source(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	static const char *const types[][2] = {
	    {"anonymous", "ram"},
	    {"file", "file"},
	    {"memfd", "memfd"},
	};
	const char *type = hc_xml_attr(node, "type");

	for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
		if (g_strcmp0(type, types[i][0]) != 0)
			continue;
		json_object_set_string_member(ctx->features, "memory.backend", types[i][1]);
		return TRUE;
	}
	return hc_domxml_bad_attr(node, "type", "expected anonymous, file or memfd", error);
}

static gboolean
hc_domxml_mem_access(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	const char *mode = hc_xml_attr(node, "mode");

	if (g_strcmp0(mode, "shared") == 0)
		hc_domxml_set_bool(ctx, "memory.share", TRUE, FALSE);
	else if (g_strcmp0(mode, "private") != 0)
		return hc_domxml_bad_attr(node, "mode", "expected shared or private", error);
	return TRUE;
}

static gboolean
hc_domxml_mem_allocation(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	const char *mode = hc_xml_attr(node, "mode");

	if (g_strcmp0(mode, "immediate") == 0)
		hc_domxml_set_bool(ctx, "memory.prealloc", TRUE, FALSE);
	else if (mode != NULL && g_strcmp0(mode, "ondemand") != 0)
		return hc_domxml_bad_attr(node, "mode", "expected immediate or ondemand", error);
	return TRUE; /* threads=: QEMU's own preallocation threads */
}

static gboolean
hc_domxml_mem_locked(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	hc_domxml_set_bool(ctx, "memory.mem_lock", TRUE, FALSE);
	return TRUE;
}

gboolean
hc_domxml_memory_backing(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	static const HcDomxmlElement table[] = {
	    {"source", hc_domxml_mem_source},
	    {"access", hc_domxml_mem_access},
	    {"allocation", hc_domxml_mem_allocation},
	    {"locked", hc_domxml_mem_locked},
	    {"nosharepages", NULL}, /* mem-merge=off: KSM is asked, never required */
	    {"discard", NULL},
	    {"hugepages", NULL}, /* below, once the source is known */
	};
	HcXmlNode *huge = hc_xml_child(node, "hugepages");

	if (!hc_domxml_children(ctx, node, table, G_N_ELEMENTS(table), error))
		return FALSE;
	return huge == NULL || hc_domxml_hugepages(ctx, huge, error);
}

/* <launchSecurity type='sev|sev-snp|tdx'>; SEV policy bit 0x4 asks for SEV-ES */
gboolean
hc_domxml_launch_security(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	static const char *const types[][2] = {
	    {"sev", "confidential.sev"},
	    {"sev-snp", "confidential.sev-snp"},
	    {"tdx", "confidential.tdx"},
	};
	const char *type = hc_xml_attr(node, "type");
	HcXmlNode *policy = hc_xml_child(node, "policy");

	for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
		guint64 bits = 0;
		const char *text;
		if (g_strcmp0(type, types[i][0]) != 0)
			continue;
		hc_domxml_set_bool(ctx, types[i][1], TRUE, FALSE);
		if (i != 0 || policy == NULL)
			return TRUE;
		text = hc_xml_text(policy);
		if (!g_ascii_string_to_unsigned(g_str_has_prefix(text, "0x") ? text + 2 : text,
						16,
						0,
						G_MAXUINT32,
						&bits,
						NULL))
			return hc_domxml_bad(policy, "expected a hexadecimal SEV policy", error);
		if ((bits & 0x4) != 0)
			hc_domxml_set_bool(ctx, "confidential.sev-es", TRUE, FALSE);
		return TRUE;
	}
	if (g_strcmp0(type, "s390-pv") == 0) {
		hc_domxml_note(ctx, node, "s390 protected virtualisation is not judged");
		return TRUE;
	}
	return hc_domxml_bad_attr(node, "type", "expected sev, sev-snp or tdx", error);
}
