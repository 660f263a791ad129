/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Hyper-V enlightenments KVM can offer a Windows guest (QEMU's hv-* flags).
 *
 * kernel interfaces: KVM_GET_SUPPORTED_HV_CPUID (0xC008AEC1, Documentation/virt/kvm/api.rst
 * §4.118) on /dev/kvm, which needs KVM_CAP_SYS_HYPERV_CPUID (191, 5.11+); older kernels
 * only answer it on a vCPU fd (KVM_CAP_HYPERV_CPUID), which this probe does not create.
 * The answer is a struct kvm_cpuid2 with the leaves KVM would give the guest.
 *
 * Bit positions from the Hyper-V Top Level Functional Specification (TLFS 6.0, §2.4
 * "Feature and Interface Discovery"), with the bits QEMU requires for each hv-* property
 * (target/i386/kvm/kvm.c kvm_hyperv_properties[]); every listed bit must be set:
 *   0x40000003 EAX (partition privileges): 0 VP runtime MSR, 1 partition reference
 *     counter, 2 SynIC MSRs, 3 synthetic timer MSRs, 4 APIC access MSRs, 6 VP index MSR,
 *     7 reset MSR, 9 reference TSC page, 11 frequency MSRs, 13 reenlightenment control;
 *   0x40000003 EDX (features): 4 XMM hypercall input, 8 frequency MSRs available,
 *     10 guest crash MSRs, 14 extended GVA ranges for flush, 19 direct synthetic timers;
 *   0x40000004 EAX (recommendations): 2 remote TLB flush hypercall, 5 relaxed timing,
 *     9 deprecating AutoEOI (APICv/AVIC), 10 cluster IPI hypercall, 11 extended
 *     processor masks, 14 enlightened VMCS;
 *   0x4000000A EAX (nested features): 17 direct virtual flush, 19 enlightened MSR bitmap.
 */
#include "hc-kvm-hyperv.h"

#include "cpu/hc-kvm-cpuid.h"
#include "hc-kvm-caps.h"

#define HV_FEATURES	  0x40000003
#define HV_ENLIGHTENMENTS 0x40000004
#define HV_NESTED	  0x4000000A
#define HV_EAX		  0
#define HV_EDX		  3

/* one hv-* property: up to two (leaf, register, mask) words that must all be set */
typedef struct {
	const char *name;
	struct {
		guint32 leaf;
		guint reg;
		guint32 mask;
	} words[2];
} HvFeature;

static const HvFeature hv_features[] = {
    {"relaxed", {{HV_ENLIGHTENMENTS, HV_EAX, 1u << 5}}},
    {"vapic", {{HV_FEATURES, HV_EAX, 1u << 4}}},
    {"time", {{HV_FEATURES, HV_EAX, (1u << 1) | (1u << 9)}}},
    {"crash", {{HV_FEATURES, HV_EDX, 1u << 10}}},
    {"reset", {{HV_FEATURES, HV_EAX, 1u << 7}}},
    {"vpindex", {{HV_FEATURES, HV_EAX, 1u << 6}}},
    {"runtime", {{HV_FEATURES, HV_EAX, 1u << 0}}},
    {"synic", {{HV_FEATURES, HV_EAX, 1u << 2}}},
    {"stimer", {{HV_FEATURES, HV_EAX, 1u << 3}}},
    {"frequencies", {{HV_FEATURES, HV_EAX, 1u << 11}, {HV_FEATURES, HV_EDX, 1u << 8}}},
    {"reenlightenment", {{HV_FEATURES, HV_EAX, 1u << 13}}},
    {"tlbflush", {{HV_ENLIGHTENMENTS, HV_EAX, (1u << 2) | (1u << 11)}}},
    {"evmcs", {{HV_ENLIGHTENMENTS, HV_EAX, 1u << 14}}},
    {"ipi", {{HV_ENLIGHTENMENTS, HV_EAX, (1u << 10) | (1u << 11)}}},
    {"stimer-direct", {{HV_FEATURES, HV_EDX, 1u << 19}}},
    {"avic", {{HV_ENLIGHTENMENTS, HV_EAX, 1u << 9}}},
    {"xmm-input", {{HV_FEATURES, HV_EDX, 1u << 4}}},
    {"tlbflush-ext", {{HV_FEATURES, HV_EDX, 1u << 14}}},
    {"tlbflush-direct", {{HV_NESTED, HV_EAX, 1u << 17}}},
    {"emsr-bitmap", {{HV_NESTED, HV_EAX, 1u << 19}}},
};

void
hc_kvm_hyperv_declare_ids(GPtrArray *ids)
{
	for (guint i = 0; i < G_N_ELEMENTS(hv_features); i++)
		g_ptr_array_add(ids, g_strdup_printf("kvm.hyperv.%s", hv_features[i].name));
}

static void
hc_hv_report_all(HcProbeContext *ctx, HcCapState state, const char *reason)
{
	for (guint i = 0; i < G_N_ELEMENTS(hv_features); i++) {
		g_autofree char *id = g_strdup_printf("kvm.hyperv.%s", hv_features[i].name);

		hc_probe_report(ctx, id, state, NULL, "%s", reason);
	}
}

/* the first word of @f that is not fully set, or -1 when all are */
static int
hc_hv_missing_word(const HcCpuid2 *cpuid, const HvFeature *f)
{
	for (guint w = 0; w < G_N_ELEMENTS(f->words) && f->words[w].mask != 0; w++) {
		const HcCpuidEntry *e = hc_kvm_cpuid_find(cpuid, f->words[w].leaf, 0);

		if (e == NULL ||
		    (hc_kvm_cpuid_reg(e, f->words[w].reg) & f->words[w].mask) != f->words[w].mask)
			return (int)w;
	}
	return -1;
}

void
hc_kvm_hyperv_probe(HcProbeContext *ctx, const HcKvm *kvm)
{
	g_autoptr(GError) error = NULL;
	g_autofree HcCpuid2 *cpuid = NULL;
	gint64 cap = hc_kvm_check_extension(kvm->fd, HC_KVM_CAP_SYS_HYPERV_CPUID);

	if (cap <= 0) {
		g_autofree char *reason = g_strdup_printf(
		    "KVM_CHECK_EXTENSION(KVM_CAP_SYS_HYPERV_CPUID=191) on /dev/kvm %s",
		    cap == 0 ? "= 0: no Hyper-V CPUID on the system fd" : g_strerror((int)-cap));

		hc_hv_report_all(ctx,
				 cap == 0 ? HC_CAP_STATE_UNSUPPORTED : HC_CAP_STATE_UNKNOWN,
				 reason);
		return;
	}
	cpuid = hc_kvm_cpuid_get(kvm->fd,
				 HC_KVM_GET_SUPPORTED_HV_CPUID,
				 "KVM_GET_SUPPORTED_HV_CPUID",
				 &error);
	if (cpuid == NULL) {
		hc_hv_report_all(ctx, HC_CAP_STATE_UNKNOWN, error->message);
		return;
	}
	for (guint i = 0; i < G_N_ELEMENTS(hv_features); i++) {
		const HvFeature *f = &hv_features[i];
		g_autofree char *id = g_strdup_printf("kvm.hyperv.%s", f->name);
		int missing = hc_hv_missing_word(cpuid, f);
		guint w = missing < 0 ? 0 : (guint)missing;

		hc_probe_report_bool(
		    ctx,
		    id,
		    missing < 0 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
		    missing < 0,
		    "KVM_GET_SUPPORTED_HV_CPUID on /dev/kvm: leaf 0x%X %s mask %#x %s",
		    f->words[w].leaf,
		    f->words[w].reg == HV_EAX ? "EAX" : "EDX",
		    f->words[w].mask,
		    missing < 0 ? "set" : "not set");
	}
}
