/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * KVM_CHECK_EXTENSION capability numbers, spelled out so the probes do not depend on the
 * build host's uapi headers (Debian 12 ships 6.1, which lacks everything from 224 on).
 * Values from include/uapi/linux/kvm.h; the ones above 223 from Linux 6.15.
 */
#define HC_KVM_CAP_IRQCHIP		      0
#define HC_KVM_CAP_USER_MEMORY		      3
#define HC_KVM_CAP_NR_VCPUS		      9
#define HC_KVM_CAP_NR_MEMSLOTS		      10
#define HC_KVM_CAP_HYPERV		      44
#define HC_KVM_CAP_TSC_CONTROL		      60
#define HC_KVM_CAP_GET_TSC_KHZ		      61
#define HC_KVM_CAP_MAX_VCPUS		      66
#define HC_KVM_CAP_X86_SMM		      117
#define HC_KVM_CAP_SPLIT_IRQCHIP	      121
#define HC_KVM_CAP_MAX_VCPU_ID		      128
#define HC_KVM_CAP_X2APIC_API		      129
#define HC_KVM_CAP_X86_DISABLE_EXITS	      143
#define HC_KVM_CAP_GET_MSR_FEATURES	      153
#define HC_KVM_CAP_NESTED_STATE		      157
#define HC_KVM_CAP_EXCEPTION_PAYLOAD	      164
#define HC_KVM_CAP_HYPERV_CPUID		      167
#define HC_KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2  168
#define HC_KVM_CAP_SMALLER_MAXPHYADDR	      185
#define HC_KVM_CAP_X86_USER_SPACE_MSR	      188
#define HC_KVM_CAP_X86_MSR_FILTER	      189
#define HC_KVM_CAP_SYS_HYPERV_CPUID	      191
#define HC_KVM_CAP_DIRTY_LOG_RING	      192
#define HC_KVM_CAP_X86_BUS_LOCK_EXIT	      193
#define HC_KVM_CAP_SGX_ATTRIBUTE	      196
#define HC_KVM_CAP_EXIT_HYPERCALL	      201
#define HC_KVM_CAP_XSAVE2		      208
#define HC_KVM_CAP_SYS_ATTRIBUTES	      209
#define HC_KVM_CAP_PMU_CAPABILITY	      212
#define HC_KVM_CAP_VM_TSC_CONTROL	      214
#define HC_KVM_CAP_X86_NOTIFY_VMEXIT	      219
#define HC_KVM_CAP_DIRTY_LOG_RING_ACQ_REL     223
#define HC_KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP 225
#define HC_KVM_CAP_MEMORY_ATTRIBUTES	      233
#define HC_KVM_CAP_GUEST_MEMFD		      234
#define HC_KVM_CAP_VM_TYPES		      235

/* KVM_X86_*_VM: bit numbers of the KVM_CAP_VM_TYPES mask */
#define HC_KVM_X86_SEV_VM    2
#define HC_KVM_X86_SEV_ES_VM 3
#define HC_KVM_X86_SNP_VM    4
#define HC_KVM_X86_TDX_VM    5

typedef struct {
	const char *name; /* lower case, without KVM_CAP_: the id suffix */
	guint number;
} HcKvmCap;

/* every capability the kvm probe reports as kvm.cap.<name> and kvm.vm.cap.<name> */
extern const HcKvmCap hc_kvm_caps[];
extern const guint hc_kvm_caps_len;

/* the names of the KVM_X86_*_VM types, indexed by type number; NULL past the end */
extern const char *const hc_kvm_vm_type_names[];

/* NULL when @number is not in the table */
const HcKvmCap *
hc_kvm_cap_lookup(guint number);

G_END_DECLS
