/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hc-kvm-sys.h"

G_BEGIN_DECLS

/* kvm.hyperv.<feature> for every row of the Hyper-V enlightenment table */
void
hc_kvm_hyperv_declare_ids(GPtrArray *ids);

/* KVM_GET_SUPPORTED_HV_CPUID on /dev/kvm (needs KVM_CAP_SYS_HYPERV_CPUID): reports every
 * kvm.hyperv.<feature> id */
void
hc_kvm_hyperv_probe(HcProbeContext *ctx, const HcKvm *kvm);

G_END_DECLS
