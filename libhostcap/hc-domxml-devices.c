/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Domain XML import: <devices>. NICs on a tap (network, bridge, ethernet) with their
 * virtio-net driver options and offloads, PCI host devices (VFIO), vsock, disks' I/O
 * engines. Controllers, consoles, video, balloon, RNG, channels and graphics are emulated
 * by QEMU alone and skipped on purpose.
 */
#include "hc-domxml.h"

#include <string.h>

/* ------------------------------------------------------------------ <interface> */

/* <host>/<guest> offload attributes → the virtio-net property's feature (NULL: noted) */
static const struct {
	const char *element;
	const char *attr;
	const char *feature;
} hc_domxml_offloads[] = {
    {"host", "csum", "virtio-net.csum"},
    {"host", "gso", NULL},
    {"host", "tso4", "virtio-net.host_tso4"},
    {"host", "tso6", "virtio-net.host_tso6"},
    {"host", "ecn", "virtio-net.host_ecn"},
    {"host", "ufo", "virtio-net.host_ufo"},
    {"host", "mrg_rxbuf", "virtio-net.mrg_rxbuf"},
    {"guest", "csum", "virtio-net.guest_csum"},
    {"guest", "tso4", "virtio-net.guest_tso4"},
    {"guest", "tso6", "virtio-net.guest_tso6"},
    {"guest", "ecn", "virtio-net.guest_ecn"},
    {"guest", "ufo", "virtio-net.guest_ufo"},
};

static gboolean
hc_domxml_offload(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	for (guint a = 0; node->attr_names[a] != NULL; a++) {
		const char *attr = node->attr_names[a];
		gboolean known = FALSE, present, on;
		for (guint i = 0; i < G_N_ELEMENTS(hc_domxml_offloads); i++) {
			if (g_strcmp0(hc_domxml_offloads[i].element, node->name) != 0 ||
			    g_strcmp0(hc_domxml_offloads[i].attr, attr) != 0)
				continue;
			known = TRUE;
			if (!hc_domxml_on_off(node, attr, &present, &on, error))
				return FALSE;
			if (hc_domxml_offloads[i].feature != NULL)
				hc_domxml_set_bool(ctx, hc_domxml_offloads[i].feature, on, TRUE);
			else
				hc_domxml_note_attr(ctx, node, attr, "not judged");
		}
		if (!known)
			hc_domxml_note_attr(ctx, node, attr, "not judged");
	}
	return TRUE;
}

static gboolean
hc_domxml_net_switch(HcDomxml *ctx,
		     HcXmlNode *node,
		     const char *attr,
		     const char *id,
		     GError **error)
{
	gboolean present, on = FALSE;

	if (!hc_domxml_on_off(node, attr, &present, &on, error))
		return FALSE;
	if (present)
		hc_domxml_set_bool(ctx, id, on, TRUE);
	return TRUE;
}

/* <driver name= queues= rss= rss_hash_report= …> of a virtio NIC on a tap */
static gboolean
hc_domxml_net_driver(HcDomxml *ctx, HcXmlNode *driver, gboolean tap, GError **error)
{
	static const char *const noted[] = {"packed", "event_idx", NULL};
	const char *name = hc_xml_attr(driver, "name");
	gboolean present;
	guint64 queues = 0;

	if (tap && g_strcmp0(name, "vhost") == 0)
		hc_domxml_set_bool(ctx, "netdev.vhost", TRUE, TRUE);
	else if (tap && g_strcmp0(name, "qemu") == 0 &&
		 !json_object_has_member(ctx->features, "netdev.vhost"))
		hc_domxml_set_bool(ctx, "netdev.vhost", FALSE, TRUE);
	else if (name != NULL && g_strcmp0(name, "vhost") != 0 && g_strcmp0(name, "qemu") != 0)
		return hc_domxml_bad_attr(driver, "name", "expected vhost or qemu", error);
	if (!hc_domxml_uint_attr(driver, "queues", &present, &queues, error))
		return FALSE;
	if (present && queues == 0)
		return hc_domxml_bad_attr(driver, "queues", "expected a positive integer", error);
	/* libvirt opens one tap queue per queue and turns mq on with more than one */
	if (tap && queues > 1) {
		if (!json_object_has_member(ctx->features, "netdev.queues") ||
		    json_object_get_int_member(ctx->features, "netdev.queues") < (gint64)queues)
			json_object_set_int_member(ctx->features, "netdev.queues", (gint64)queues);
		hc_domxml_set_bool(ctx, "virtio-net.mq", TRUE, TRUE);
	}
	if (!hc_domxml_net_switch(ctx, driver, "rss", "virtio-net.rss", error) ||
	    !hc_domxml_net_switch(ctx, driver, "rss_hash_report", "virtio-net.hash", error))
		return FALSE;
	for (guint i = 0; noted[i] != NULL; i++) {
		if (hc_xml_attr(driver, noted[i]) != NULL)
			hc_domxml_note_attr(ctx, driver, noted[i], "not judged");
	}
	for (guint i = 0; i < driver->children->len; i++) {
		HcXmlNode *c = g_ptr_array_index(driver->children, i);
		if (g_strcmp0(c->name, "host") == 0 || g_strcmp0(c->name, "guest") == 0) {
			if (!hc_domxml_offload(ctx, c, error))
				return FALSE;
		} else {
			hc_domxml_note(ctx, c, "not judged");
		}
	}
	return TRUE;
}

static gboolean
hc_domxml_interface(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	static const char *const taps[] = {"network", "bridge", "ethernet", NULL};
	static const char *const virtio[] = {"virtio",
					     "virtio-transitional",
					     "virtio-non-transitional",
					     NULL};
	const char *type = hc_xml_attr(node, "type");
	HcXmlNode *model = hc_xml_child(node, "model");
	HcXmlNode *driver = hc_xml_child(node, "driver");
	const char *model_type = model != NULL ? hc_xml_attr(model, "type") : NULL;
	gboolean tap = type != NULL && g_strv_contains(taps, type);

	if (type == NULL)
		return hc_domxml_bad_attr(node, "type", "an interface type is required", error);
	if (tap)
		hc_domxml_set_bool(ctx, "netdev.tap", TRUE, TRUE);
	else if (g_strcmp0(type, "user") != 0) /* user: slirp or passt, no host kernel feature */
		hc_domxml_note_attr(ctx, node, "type", "this interface type is not judged");
	if (model_type == NULL || !g_strv_contains(virtio, model_type)) {
		if (driver != NULL)
			hc_domxml_note(ctx,
				       driver,
				       "driver options of a NIC model that is not virtio");
		return TRUE; /* emulated NICs (e1000, rtl8139 …) need only their backend */
	}
	if (tap && (driver == NULL || hc_xml_attr(driver, "name") == NULL))
		hc_domxml_note(ctx,
			       node,
			       "libvirt uses vhost-net where /dev/vhost-net opens, else QEMU's own "
			       "virtio-net: neither is required");
	return driver == NULL || hc_domxml_net_driver(ctx, driver, tap, error);
}

/* ------------------------------------------------------------------ <hostdev> */

static gboolean
hc_domxml_pci_address(HcXmlNode *addr, char **bdf, GError **error)
{
	static const struct {
		const char *attr;
		guint64 max;
	} parts[] = {{"domain", 0xffff}, {"bus", 0xff}, {"slot", 0x1f}, {"function", 7}};
	guint64 v[4] = {0};

	for (guint i = 0; i < G_N_ELEMENTS(parts); i++) {
		gboolean present;
		if (!hc_domxml_uint_attr(addr, parts[i].attr, &present, &v[i], error))
			return FALSE;
		if ((!present && i > 0) || v[i] > parts[i].max)
			return hc_domxml_bad_attr(addr,
						  parts[i].attr,
						  "not a PCI address part",
						  error);
	}
	*bdf = g_strdup_printf("%04x:%02x:%02x.%x",
			       (guint)v[0],
			       (guint)v[1],
			       (guint)v[2],
			       (guint)v[3]);
	return TRUE;
}

static gboolean
hc_domxml_hostdev(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	HcXmlNode *source = hc_xml_child(node, "source");
	HcXmlNode *addr = source != NULL ? hc_xml_child(source, "address") : NULL;
	HcXmlNode *driver = hc_xml_child(node, "driver");
	const char *name = driver != NULL ? hc_xml_attr(driver, "name") : NULL;
	g_autofree char *bdf = NULL;
	g_autofree char *id = NULL;

	if (g_strcmp0(hc_xml_attr(node, "mode"), "subsystem") != 0 ||
	    g_strcmp0(hc_xml_attr(node, "type"), "pci") != 0) {
		hc_domxml_note(ctx, node, "only PCI host devices are judged");
		return TRUE;
	}
	/* libvirt assigns PCI devices with VFIO only; legacy KVM assignment is refused */
	if (name != NULL && g_strcmp0(name, "vfio") != 0)
		return hc_domxml_bad_attr(driver,
					  "name",
					  "libvirt assigns PCI devices with vfio only",
					  error);
	if (addr == NULL)
		return hc_domxml_bad(node, "a <source><address …/></source> is required", error);
	if (!hc_domxml_pci_address(addr, &bdf, error))
		return FALSE;
	hc_domxml_set_bool(ctx, "vfio-pci.present", TRUE, TRUE);
	id = g_strconcat("vfio-pci.host.", bdf, NULL);
	g_strdelimit(id + strlen("vfio-pci.host."), ":.", '_');
	json_object_set_string_member(ctx->features, id, bdf);
	return TRUE;
}

/* ------------------------------------------------------------------ <vsock>, <disk> */

static gboolean
hc_domxml_vsock(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	const char *model = hc_xml_attr(node, "model");

	if (model != NULL && !g_str_has_prefix(model, "virtio"))
		return hc_domxml_bad_attr(node, "model", "expected a virtio model", error);
	hc_domxml_set_bool(ctx, "vhost-vsock.present", TRUE, TRUE);
	return TRUE;
}

static gboolean
hc_domxml_disk(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	static const char *const engines[] = {"native", "io_uring", "threads", NULL};
	HcXmlNode *driver = hc_xml_child(node, "driver");
	const char *io = driver != NULL ? hc_xml_attr(driver, "io") : NULL;
	const char *have = json_object_has_member(ctx->features, "block.aio")
			       ? json_object_get_string_member(ctx->features, "block.aio")
			       : NULL;

	if (io == NULL || g_strcmp0(io, "threads") == 0)
		return TRUE; /* plain threads need nothing from the host */
	if (!g_strv_contains(engines, io))
		return hc_domxml_bad_attr(driver,
					  "io",
					  "expected native, io_uring or threads",
					  error);
	if (have != NULL && g_strcmp0(have, io) != 0) {
		hc_domxml_note_attr(ctx, driver, "io", "a second I/O engine: one is judged");
		return TRUE;
	}
	json_object_set_string_member(ctx->features, "block.aio", io);
	return TRUE;
}

gboolean
hc_domxml_devices(HcDomxml *ctx, HcXmlNode *node, GError **error)
{
	static const HcDomxmlElement table[] = {
	    {"interface", hc_domxml_interface},
	    {"hostdev", hc_domxml_hostdev},
	    {"vsock", hc_domxml_vsock},
	    {"disk", hc_domxml_disk},
	    /* emulated by QEMU alone */
	    {"emulator", NULL},
	    {"controller", NULL},
	    {"serial", NULL},
	    {"console", NULL},
	    {"parallel", NULL},
	    {"channel", NULL},
	    {"video", NULL},
	    {"memballoon", NULL},
	    {"rng", NULL},
	    {"graphics", NULL},
	    {"input", NULL},
	    {"sound", NULL},
	    {"audio", NULL},
	    {"watchdog", NULL},
	    {"panic", NULL},
	    {"smartcard", NULL},
	    {"redirdev", NULL},
	    {"redirfilter", NULL},
	    {"hub", NULL},
	    {"iommu", NULL},
	    {"lease", NULL},
	    {"pstore", NULL},
	    {"nvram", NULL},
	};
	return hc_domxml_children(ctx, node, table, G_N_ELEMENTS(table), error);
}
