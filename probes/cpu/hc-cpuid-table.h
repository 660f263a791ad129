/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The CPUID feature map: QEMU's feature name (target/i386/cpu.c feature_word_info[],
 * spelled exactly as `-cpu Model,+name` takes it) -> the leaf, subleaf, register and bits
 * that KVM_GET_SUPPORTED_CPUID must report. Capability id: cpu.feature.<name>, e.g.
 * "sse4.1" -> cpu.feature.sse4.1 (dots and dashes are valid id characters).
 */
typedef enum {
	HC_CPUID_EAX,
	HC_CPUID_EBX,
	HC_CPUID_ECX,
	HC_CPUID_EDX,
	HC_CPUID_REG_LAST,
} HcCpuidReg;

typedef struct {
	const char *name; /* QEMU's spelling */
	guint32 leaf;
	guint32 subleaf; /* only compared when KVM flags the leaf as indexed */
	HcCpuidReg reg;
	guint32 mask; /* every bit must be set; one bit except kvmclock (bits 0 and 3) */
} HcCpuidFeature;

extern const HcCpuidFeature hc_cpuid_features[];
extern const guint hc_cpuid_features_len;

/*
 * Features QEMU names in its CPU models that no system-wide KVM interface answers: each is
 * reported as cpu.feature.<name> = unknown with the reason, never left out (an unmapped
 * feature would be silently ignored by whoever reads the model).
 */
typedef struct {
	const char *name; /* QEMU's spelling */
	const char *reason;
} HcCpuidUnanswerable;

extern const HcCpuidUnanswerable hc_cpuid_unanswerable[];
extern const guint hc_cpuid_unanswerable_len;

/* "EAX", "EBX", "ECX", "EDX" */
const char *
hc_cpuid_reg_to_string(HcCpuidReg reg);

/* IA32_ARCH_CAPABILITIES (MSR 0x10A) bits, QEMU's names of FEAT_ARCH_CAPABILITIES */
typedef struct {
	const char *name;
	guint bit;
} HcMsrBit;

extern const HcMsrBit hc_arch_capabilities_bits[];
extern const guint hc_arch_capabilities_bits_len;

/* XSAVE state components (SDM vol. 1 §13.1), indexed by XCR0 bit; NULL for a hole */
extern const char *const hc_xsave_component_names[];
extern const guint hc_xsave_component_names_len;

G_END_DECLS
