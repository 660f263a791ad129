/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "hc-catalogue.h"
#include "hc-verdict.h"
#include "hostcap/hc-snapshot.h"

G_BEGIN_DECLS

/*
 * The live cases come from the catalogue, not from test code: a family is a pin group (or a
 * single feature) of silent-off, guest-ABI virtio-net-pci features that a machine type turned
 * on (off on the family's oldest machine version, on on the rig's) and that needs a tap
 * capability. Its QEMU properties are the features' `qemu` fields; the capabilities a host
 * without it lacks are the ones the features' requirements name.
 */

#define HC_LIVE_DEVICE "virtio-net-pci."

typedef struct {
	char *name;		 /* the pin group ("virtio-net.uso") or the feature id */
	GPtrArray *features;	 /* feature ids */
	GPtrArray *props;	 /* "host_uso=off": what QEMU turns off on a host without it */
	GPtrArray *capabilities; /* capability ids the features' requirements name */
} HcLiveFamily;

void
hc_live_family_free(HcLiveFamily *fam);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcLiveFamily, hc_live_family_free)

/* the families @machine turned on, sorted by name (HcLiveFamily*) */
GPtrArray *
hc_live_families(HcCatalogue *cat, const char *machine, GError **error);
/* the newest version of @machine's family the catalogue knows ("pc-q35-10.1") */
char *
hc_live_newest_machine(HcCatalogue *cat, const char *machine, GError **error);

/* a copy of @host where every capability of @fam is unsupported; the fingerprint follows */
HcSnapshot *
hc_live_host_without(HcSnapshot *host, const HcLiveFamily *fam);

/* the VM spec of a QEMU command line (device properties read through @cat), with @platform
 * (nullable) named */
char *
hc_live_spec(HcCatalogue *cat, const char *const *argv, const char *platform, GError **error);

/* the QEMU properties of the "pin" hostcapd prints for @fam in a migration report */
GPtrArray *
hc_live_pin_props(const char *report_json, const HcLiveFamily *fam, GError **error);
/* does the report have a finding of @severity naming a feature of @fam? */
gboolean
hc_live_report_names(const char *report_json, const HcLiveFamily *fam, const char *severity);

/* the newest platform both hosts satisfy (hostcapd's baseline); NULL with an error if none */
char *
hc_live_common_platform(HcCatalogue *cat, HcSnapshot *a, HcSnapshot *b, GError **error);
/* the virtio-net-pci properties @platform pins ("host_uso=off") that QEMU @release has on
 * @machine */
GPtrArray *
hc_live_platform_props(HcCatalogue *cat,
		       const char *platform,
		       const char *machine,
		       const char *release);

/* @base with @over's properties replacing the ones of the same name, then the rest */
GPtrArray *
hc_live_props_merge(GPtrArray *base, GPtrArray *over);
/* the same properties, whatever the order */
gboolean
hc_live_props_equal(GPtrArray *a, GPtrArray *b);

G_END_DECLS
