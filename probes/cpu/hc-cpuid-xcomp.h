/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "kvm/hc-kvm-sys.h"

G_BEGIN_DECLS

/* cpu.xsave.guest_supported and cpu.amx.guest_perm */
void
hc_cpuid_xcomp_declare_ids(GPtrArray *ids);

/* KVM_GET_DEVICE_ATTR(KVM_X86_XCOMP_GUEST_SUPP) on /dev/kvm and the AMX guest permission of
 * this process (arch_prctl): reports both ids */
void
hc_cpuid_xcomp_probe(HcProbeContext *ctx, const HcKvm *kvm);

G_END_DECLS
