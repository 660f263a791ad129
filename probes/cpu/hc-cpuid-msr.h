/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "kvm/hc-kvm-sys.h"

G_BEGIN_DECLS

/* the cpu.msr.* ids the cpuid probe always reports */
void
hc_cpuid_msr_declare_ids(GPtrArray *ids);

/* KVM_GET_MSR_FEATURE_INDEX_LIST + KVM_GET_MSRS on /dev/kvm: reports every cpu.msr.* id */
void
hc_cpuid_msr_probe(HcProbeContext *ctx, const HcKvm *kvm);

G_END_DECLS
