/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QEMU command-line import: network backends, devices (virtio-net offloads, vhost-vsock,
 * vfio-pci), -global, block I/O engines and -overcommit.
 */
#include "hc-qemu-argv.h"

#include <string.h>

#include "hostcap/hc-dbus.h"

#include "hc-json-reader.h"

/* ------------------------------------------------------------------ -netdev, -device */

gboolean
hc_argv_netdev(HcArgv *ctx, GPtrArray *opts, GError **error)
{
	static const char *const neutral[] = {
	    "type",
	    "id",
	    "ifname",
	    "script",
	    "downscript",
	    "br",
	    "helper",
	    "fd",
	    "fds",
	    "vhostfd",
	    "vhostfds",
	    "sndbuf",
	    "poll-us",
	    NULL,
	};
	const char *type = hc_argv_implied(opts, "type");

	if (g_strcmp0(type, "user") == 0)
		return TRUE; /* slirp: no host kernel feature involved */
	if (g_strcmp0(type, "tap") != 0 && g_strcmp0(type, "bridge") != 0) {
		hc_argv_unevaluated(ctx, NULL);
		return TRUE;
	}
	hc_argv_set_bool(ctx, "netdev.tap", TRUE, TRUE);
	for (guint i = 0; i < opts->len; i++) {
		HcQemuOpt *o = g_ptr_array_index(opts, i);
		gboolean b;
		guint64 n;
		if (hc_argv_is_implied(opts, i, "type"))
			continue;
		if (g_strcmp0(o->key, "vhost") == 0 || g_strcmp0(o->key, "vhostforce") == 0) {
			if (!hc_argv_bool(ctx, o, &b, error))
				return FALSE;
			/* vhostforce=off does not turn an explicit vhost=on off */
			if (b || o->key[5] == '\0')
				hc_argv_set_bool(ctx, "netdev.vhost", b, TRUE);
		} else if (g_strcmp0(o->key, "vnet_hdr") == 0) {
			/* netdev.tap already requires IFF_VNET_HDR; off needs nothing */
			if (!hc_argv_bool(ctx, o, &b, error))
				return FALSE;
		} else if (g_strcmp0(o->key, "queues") == 0) {
			if (!hc_argv_uint(ctx, o, &n, error))
				return FALSE;
			if (!json_object_has_member(ctx->features, "netdev.queues") ||
			    json_object_get_int_member(ctx->features, "netdev.queues") < (gint64)n)
				json_object_set_int_member(ctx->features, "netdev.queues", n);
		} else if (!hc_argv_str_in(o->key, neutral)) {
			hc_argv_unevaluated_opt(ctx, o);
		}
	}
	return TRUE;
}

static const char *const hc_virtio_net_drivers[] = {
    "virtio-net-pci",
    "virtio-net-pci-non-transitional",
    "virtio-net-pci-transitional",
    "virtio-net-device",
    NULL,
};

/* device properties QEMU emulates alone: wiring, identity, control-queue features */
static const char *const hc_device_neutral[] = {
    "driver",
    "id",
    "bus",
    "addr",
    "netdev",
    "mac",
    "romfile",
    "rombar",
    "bootindex",
    "multifunction",
    "vectors",
    "disable-legacy",
    "disable-modern",
    "guest-cid",
    "failover",
    "status",
    "ctrl_vq",
    "ctrl_rx",
    "ctrl_vlan",
    "ctrl_rx_extra",
    "ctrl_mac_addr",
    "ctrl_guest_offloads",
    "guest_announce",
    "x-pcie-lnksta-dllla",
    NULL,
};

/*
 * a device property the catalogue judges: the feature whose "qemu" field is
 * "<device>.<prop>" (@device is the catalogue's spelling, virtio-net-pci for every virtio-net
 * variant), so a new property is a features.d entry and nothing else
 */
static gboolean
hc_argv_catalogued_prop(HcArgv *ctx,
			const char *device,
			const HcQemuOpt *o,
			const char *prop,
			GError **error)
{
	g_autofree char *qemu = g_strconcat(device, ".", prop, NULL);
	const HcFeatureDef *def =
	    ctx->cat != NULL ? hc_catalogue_lookup_qemu_property(ctx->cat, qemu) : NULL;
	gboolean b;

	if (def != NULL && def->type == HC_FEATURE_TYPE_BOOL) {
		if (!hc_argv_bool(ctx, o, &b, error))
			return FALSE;
		hc_argv_set_bool(ctx, def->id, b, TRUE);
		return TRUE;
	}
	/* OnOffAuto properties (vhost-vsock seqpacket) */
	if (def != NULL && def->type == HC_FEATURE_TYPE_ENUM && def->values != NULL &&
	    g_ptr_array_find_with_equal_func(def->values, "auto", g_str_equal, NULL))
		return hc_argv_on_off_auto(ctx, o, def->id, error);
	if (!hc_argv_str_in(prop, hc_device_neutral))
		hc_argv_unevaluated_opt(ctx, o); /* packed=, event_idx=, rx_queue_size= … */
	return TRUE;
}

/* host=0000:01:00.0 (a domain-less 01:00.0 gets domain 0000, as QEMU does): feature
 * vfio-pci.host.<bdf with ':' and '.' as '_'>, the value the BDF the probe lists */
static gboolean
hc_argv_vfio_host(HcArgv *ctx, const HcQemuOpt *o, GError **error)
{
	g_autofree char *bdf = NULL;
	g_autofree char *id = NULL;
	g_autoptr(GRegex) re = g_regex_new("^([0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$",
					   G_REGEX_CASELESS,
					   0,
					   NULL);

	if (!g_regex_match(re, o->value, 0, NULL)) {
		hc_argv_bad(ctx, error, "not a PCI address (DDDD:BB:DD.F)", o->value);
		return FALSE;
	}
	bdf = g_ascii_strdown(o->value, -1);
	if (strlen(bdf) == 7) {
		g_autofree char *short_bdf = g_steal_pointer(&bdf);
		bdf = g_strconcat("0000:", short_bdf, NULL);
	}
	id = g_strconcat("vfio-pci.host.", bdf, NULL);
	g_strdelimit(id + strlen("vfio-pci.host."), ":.", '_');
	json_object_set_string_member(ctx->features, id, bdf);
	return TRUE;
}

static gboolean
hc_argv_vfio_prop(HcArgv *ctx, const HcQemuOpt *o, GError **error)
{
	gboolean b;

	if (g_strcmp0(o->key, "enable-migration") == 0) {
		/* auto: QEMU adds a migration blocker where the device cannot migrate */
		if (g_strcmp0(o->value, "auto") == 0)
			return TRUE;
		if (!hc_argv_bool(ctx, o, &b, error))
			return FALSE;
		hc_argv_set_bool(ctx, "vfio-pci.migration", b, TRUE);
	} else if (g_strcmp0(o->key, "host") == 0) {
		return hc_argv_vfio_host(ctx, o, error);
	} else if (!hc_argv_str_in(o->key, hc_device_neutral)) {
		hc_argv_unevaluated_opt(ctx, o);
	}
	return TRUE;
}

static gboolean
hc_argv_device_prop(HcArgv *ctx, const char *driver, const HcQemuOpt *o, GError **error)
{
	if (hc_argv_str_in(driver, hc_virtio_net_drivers))
		return hc_argv_catalogued_prop(ctx, "virtio-net-pci", o, o->key, error);
	if (g_strcmp0(driver, "vfio-pci") == 0)
		return hc_argv_vfio_prop(ctx, o, error);
	return hc_argv_catalogued_prop(ctx, "vhost-vsock-pci", o, o->key, error);
}

/* devices QEMU emulates alone: buses, controllers, consoles, video, input, balloon, RNG,
 * emulated NICs (their -netdev is what the host provides) and guest disks */
static const char *const hc_device_neutral_drivers[] = {
    "pcie-root-port",
    "pcie-pci-bridge",
    "pci-bridge",
    "pxb",
    "pxb-pcie",
    "ioh3420",
    "x3130-upstream",
    "xio3130-downstream",
    "qemu-xhci",
    "nec-usb-xhci",
    "piix3-usb-uhci",
    "piix4-usb-uhci",
    "ich9-usb-ehci1",
    "ich9-usb-uhci1",
    "ich9-usb-uhci2",
    "ich9-usb-uhci3",
    "usb-ehci",
    "pci-ohci",
    "usb-tablet",
    "usb-mouse",
    "usb-kbd",
    "usb-hub",
    "usb-redir",
    "virtio-balloon-pci",
    "virtio-balloon-pci-non-transitional",
    "virtio-balloon-pci-transitional",
    "virtio-rng-pci",
    "virtio-rng-pci-non-transitional",
    "virtio-serial-pci",
    "virtio-serial-pci-non-transitional",
    "virtserialport",
    "virtconsole",
    "isa-serial",
    "pci-serial",
    "isa-parallel",
    "isa-debugcon",
    "virtio-blk-pci",
    "virtio-blk-pci-non-transitional",
    "virtio-blk-pci-transitional",
    "virtio-scsi-pci",
    "virtio-scsi-pci-non-transitional",
    "lsi",
    "megasas",
    "ahci",
    "ide-hd",
    "ide-cd",
    "scsi-hd",
    "scsi-cd",
    "scsi-generic",
    "floppy",
    "VGA",
    "cirrus-vga",
    "qxl-vga",
    "qxl",
    "virtio-vga",
    "virtio-gpu-pci",
    "bochs-display",
    "ramfb",
    "virtio-keyboard-pci",
    "virtio-mouse-pci",
    "virtio-tablet-pci",
    "virtio-input-host-pci",
    "intel-hda",
    "ich9-intel-hda",
    "hda-duplex",
    "hda-micro",
    "hda-output",
    "AC97",
    "ES1370",
    "i6300esb",
    "ib700",
    "pvpanic",
    "pvpanic-pci",
    "intel-iommu",
    "amd-iommu",
    "vmcoreinfo",
    "e1000",
    "e1000e",
    "rtl8139",
    "vmxnet3",
    "ne2k_pci",
    "pcnet",
    NULL,
};

gboolean
hc_argv_device(HcArgv *ctx, GPtrArray *opts, GError **error)
{
	const char *driver = hc_argv_implied(opts, "driver");

	if (hc_argv_str_in(driver, hc_device_neutral_drivers))
		return TRUE;

	if (driver != NULL && g_str_has_prefix(driver, "vhost-vsock-")) {
		hc_argv_set_bool(ctx, "vhost-vsock.present", TRUE, TRUE);
	} else if (g_strcmp0(driver, "vfio-pci") == 0) {
		hc_argv_set_bool(ctx, "vfio-pci.present", TRUE, TRUE);
	} else if (!hc_argv_str_in(driver, hc_virtio_net_drivers)) {
		hc_argv_unevaluated(ctx, NULL);
		return TRUE;
	}
	for (guint i = 0; i < opts->len; i++) {
		if (hc_argv_is_implied(opts, i, "driver"))
			continue;
		if (!hc_argv_device_prop(ctx, driver, g_ptr_array_index(opts, i), error))
			return FALSE;
	}
	return TRUE;
}

/* -global driver.prop=value, or -global driver=d,property=p,value=v */
gboolean
hc_argv_global(HcArgv *ctx, GPtrArray *opts, GError **error)
{
	const char *driver = hc_argv_get(opts, "driver");
	const char *prop = hc_argv_get(opts, "property");
	const char *value = hc_argv_get(opts, "value");
	g_autofree char *drv = NULL;
	HcQemuOpt *first = opts->len > 0 ? g_ptr_array_index(opts, 0) : NULL;

	if (opts->len == 1 && first->key != NULL && strchr(first->key, '.') != NULL) {
		const char *dot = strchr(first->key, '.');
		drv = g_strndup(first->key, dot - first->key);
		driver = drv;
		prop = dot + 1;
		value = first->value;
	}
	if (prop != NULL && value != NULL && hc_argv_str_in(driver, hc_virtio_net_drivers)) {
		HcQemuOpt o = {(char *)prop, (char *)value};
		return hc_argv_catalogued_prop(ctx, "virtio-net-pci", &o, prop, error);
	}
	hc_argv_unevaluated(ctx, NULL);
	return TRUE;
}

/* ------------------------------------------------------------------ block, migration */

static void
hc_argv_aio(HcArgv *ctx, const char *aio, const char *text)
{
	const char *have = json_object_has_member(ctx->features, "block.aio")
			       ? json_object_get_string_member(ctx->features, "block.aio")
			       : NULL;

	if (g_strcmp0(aio, "threads") == 0)
		return; /* plain threads need nothing from the host */
	if (have != NULL && g_strcmp0(have, aio) != 0) {
		hc_argv_unevaluated(ctx, text); /* a second engine: one value per spec */
		return;
	}
	json_object_set_string_member(ctx->features, "block.aio", aio);
}

gboolean
hc_argv_drive(HcArgv *ctx, GPtrArray *opts, GError **error)
{
	for (guint i = 0; i < opts->len; i++) {
		HcQemuOpt *o = g_ptr_array_index(opts, i);
		g_autofree char *text = NULL;
		if (o->key == NULL ||
		    (g_strcmp0(o->key, "aio") != 0 && !g_str_has_suffix(o->key, ".aio")))
			continue; /* file=, format=, cache=: no host kernel feature */
		text = g_strdup_printf("%s=%s", o->key, o->value);
		hc_argv_aio(ctx, o->value, text);
	}
	return TRUE;
}

static void
hc_argv_json_aio(HcArgv *ctx, JsonNode *node)
{
	if (JSON_NODE_HOLDS_OBJECT(node)) {
		JsonObject *obj = json_node_get_object(node);
		g_autoptr(GList) members = json_object_get_members(obj);
		for (GList *l = members; l != NULL; l = l->next) {
			JsonNode *child = json_object_get_member(obj, l->data);
			if (g_strcmp0(l->data, "aio") == 0 && JSON_NODE_HOLDS_VALUE(child) &&
			    json_node_get_value_type(child) == G_TYPE_STRING) {
				const char *aio = json_node_get_string(child);
				g_autofree char *text = g_strdup_printf("aio=%s", aio);
				hc_argv_aio(ctx, aio, text);
			} else {
				hc_argv_json_aio(ctx, child);
			}
		}
	}
}

gboolean
hc_argv_blockdev(HcArgv *ctx, GPtrArray *opts, GError **error)
{
	g_autoptr(JsonNode) root = NULL;

	if (g_str_has_prefix(ctx->arg, "{")) {
		/* QEMU's JSON form, read by the one strict reader */
		root = hc_json_reader_parse(ctx->arg,
					    strlen(ctx->arg),
					    HC_LIMIT_SNAPSHOT_BYTES,
					    HC_LIMIT_NESTING,
					    HC_JSON_READER_NONE,
					    NULL);
		if (root == NULL)
			return hc_argv_bad(ctx, error, "invalid JSON in", "-blockdev");
		hc_argv_json_aio(ctx, root);
		return TRUE;
	}
	return hc_argv_drive(ctx, opts, error);
}

gboolean
hc_argv_overcommit(HcArgv *ctx, GPtrArray *opts, GError **error)
{
	for (guint i = 0; i < opts->len; i++) {
		HcQemuOpt *o = g_ptr_array_index(opts, i);
		gboolean b = TRUE;
		/* mem-lock=on-fault locks as pages are touched: the same memlock budget */
		if (g_strcmp0(o->key, "mem-lock") != 0 && g_strcmp0(o->key, "cpu-pm") != 0) {
			hc_argv_unevaluated_opt(ctx, o);
			continue;
		}
		if (g_strcmp0(o->value, "on-fault") != 0 && !hc_argv_bool(ctx, o, &b, error))
			return FALSE;
		hc_argv_set_bool(ctx,
				 g_strcmp0(o->key, "mem-lock") == 0 ? "memory.mem_lock"
								    : "accel.cpu_pm",
				 b,
				 FALSE);
	}
	return TRUE;
}
