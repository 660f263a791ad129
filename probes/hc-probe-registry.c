/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one registry of built-in probes. No runtime plugin loading: a probe is added by
 * listing its descriptor here (and its sources in probes/meson.build); a unit test checks
 * that every declared id is unique and documented in docs/capabilities.md.
 */
#include "hc-probe-registry.h"

/* kernel, KVM and CPU families */
extern const HcProbeInfo hc_probe_host;
extern const HcProbeInfo hc_probe_kvm;
extern const HcProbeInfo hc_probe_cpuid;
extern const HcProbeInfo hc_probe_tsc;
extern const HcProbeInfo hc_probe_nested;
extern const HcProbeInfo hc_probe_confidential;

/* device, memory and io families */
extern const HcProbeInfo hc_probe_tap;
extern const HcProbeInfo hc_probe_uffd;
extern const HcProbeInfo hc_probe_memory;
extern const HcProbeInfo hc_probe_io;
extern const HcProbeInfo hc_probe_vhost;
extern const HcProbeInfo hc_probe_vfio;
extern const HcProbeInfo hc_probe_access;
extern const HcProbeInfo hc_probe_declarative;

const HcProbeInfo *const hc_probe_registry[] = {
    /* kernel, KVM and CPU families */
    &hc_probe_host,
    &hc_probe_kvm,
    &hc_probe_cpuid,
    &hc_probe_tsc,
    &hc_probe_nested,
    &hc_probe_confidential,
    /* device, memory and io families */
    &hc_probe_tap,
    &hc_probe_uffd,
    &hc_probe_memory,
    &hc_probe_io,
    &hc_probe_vhost,
    &hc_probe_vfio,
    &hc_probe_access,
    &hc_probe_declarative,
};

const guint hc_probe_registry_len = G_N_ELEMENTS(hc_probe_registry);

const HcProbeInfo *
hc_probe_registry_lookup(const char *name)
{
	for (guint i = 0; i < hc_probe_registry_len; i++) {
		if (g_strcmp0(hc_probe_registry[i]->name, name) == 0)
			return hc_probe_registry[i];
	}
	return NULL;
}
