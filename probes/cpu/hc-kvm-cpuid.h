/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* struct kvm_cpuid_entry2 / struct kvm_cpuid2 (include/uapi/asm-x86/kvm.h), 40-byte entries */
typedef struct {
	guint32 function;
	guint32 index;
	guint32 flags;
	guint32 eax;
	guint32 ebx;
	guint32 ecx;
	guint32 edx;
	guint32 padding[3];
} HcCpuidEntry;

typedef struct {
	guint32 nent;
	guint32 padding;
	HcCpuidEntry entries[];
} HcCpuid2;

/* KVM_CPUID_FLAG_SIGNIFCANT_INDEX: the entry is one subleaf of an indexed leaf */
#define HC_KVM_CPUID_FLAG_SIGNIFICANT_INDEX 1

/**
 * hc_kvm_cpuid_get:
 * @fd: /dev/kvm
 * @request: KVM_GET_SUPPORTED_CPUID or KVM_GET_EMULATED_CPUID
 *
 * Issues @request with a growing entry count (E2BIG -> twice as many, up to 4096).
 * Returns: the entries (g_free), or NULL with @error naming @request_name and the errno.
 */
HcCpuid2 *
hc_kvm_cpuid_get(int fd, gulong request, const char *request_name, GError **error);

/* the entry for @leaf (and @subleaf when KVM marks the leaf indexed); NULL when absent */
const HcCpuidEntry *
hc_kvm_cpuid_find(const HcCpuid2 *cpuid, guint32 leaf, guint32 subleaf);

/* the value of register @reg (0 EAX … 3 EDX) of @entry */
guint32
hc_kvm_cpuid_reg(const HcCpuidEntry *entry, guint reg);

G_END_DECLS
