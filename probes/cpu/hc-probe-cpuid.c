/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * probe "cpuid": the guest CPU features KVM can give a VM on this host.
 *
 * kernel interfaces (Documentation/virt/kvm/api.rst): KVM_GET_SUPPORTED_CPUID (§4.46) and
 * KVM_GET_EMULATED_CPUID (§4.97) on /dev/kvm; feature MSRs in hc-cpuid-msr.c. Never
 * /proc/cpuinfo: the host's flags and KVM's supported set differ in both directions.
 *
 * ids: cpu.feature.<qemu-name> for every row of hc-cpuid-table.c (bool; the unanswerable
 * rows always unknown, with why), cpu.emulated (the
 * table names KVM only emulates) plus cpu.emulated.<qemu-name> for each of them,
 * cpu.phys_bits / cpu.virt_bits (leaf 0x80000008 EAX), cpu.xsave.xcr0 and
 * cpu.xsave.components (leaf 0xD.0), cpu.msr.*; cpu.xsave.guest_supported and
 * cpu.amx.guest_perm (hc-cpuid-xcomp.c); kvm.pmu and kvm.pmu.version: the vPMU a guest can
 * get, from the kvm.enable_pmu parameter, KVM_CAP_PMU_CAPABILITY (212) on /dev/kvm and the
 * supported CPUID (leaf 0xA EAX[7:0] architectural PMU version on Intel, leaf 0x80000001
 * ECX bit 23 perfctr-core on AMD).
 */
#include "hc-cpuid-msr.h"
#include "hc-cpuid-table.h"
#include "hc-cpuid-xcomp.h"
#include "hc-kvm-cpuid.h"
#include "kvm/hc-kvm-caps.h"
#include "kvm/hc-kvm-param.h"
#include "kvm/hc-kvm-sys.h"

static const char *const cpuid_fixed_ids[] = {
    "cpu.phys_bits",
    "cpu.virt_bits",
    "cpu.xsave.xcr0",
    "cpu.xsave.components",
    "cpu.emulated",
    "kvm.pmu",
    "kvm.pmu.version",
    NULL,
};

static void
hc_cpuid_declare_ids(GPtrArray *ids)
{
	for (guint i = 0; i < hc_cpuid_features_len; i++)
		g_ptr_array_add(ids, g_strdup_printf("cpu.feature.%s", hc_cpuid_features[i].name));
	for (guint i = 0; i < hc_cpuid_unanswerable_len; i++)
		g_ptr_array_add(ids,
				g_strdup_printf("cpu.feature.%s", hc_cpuid_unanswerable[i].name));
	hc_cpuid_msr_declare_ids(ids);
	hc_cpuid_xcomp_declare_ids(ids);
}

/* "bit 16", or "bits 0,3" for a multi-bit feature */
static char *
hc_cpuid_bits_to_string(guint32 mask)
{
	g_autoptr(GString) str = g_string_new(NULL);

	for (guint bit = 0; bit < 32; bit++) {
		if (mask & (1u << bit))
			g_string_append_printf(str, "%s%u", str->len > 0 ? "," : "", bit);
	}
	g_string_prepend(str, (mask & (mask - 1)) != 0 ? "bits " : "bit ");
	return g_string_free(g_steal_pointer(&str), FALSE);
}

static void
hc_cpuid_report_features(HcProbeContext *ctx, const HcCpuid2 *cpuid)
{
	for (guint i = 0; i < hc_cpuid_features_len; i++) {
		const HcCpuidFeature *f = &hc_cpuid_features[i];
		const HcCpuidEntry *e = hc_kvm_cpuid_find(cpuid, f->leaf, f->subleaf);
		g_autofree char *id = g_strdup_printf("cpu.feature.%s", f->name);
		g_autofree char *bits = hc_cpuid_bits_to_string(f->mask);
		gboolean set;

		if (e == NULL) {
			hc_probe_report_bool(ctx,
					     id,
					     HC_CAP_STATE_UNSUPPORTED,
					     FALSE,
					     "KVM_GET_SUPPORTED_CPUID has no leaf 0x%X.%u",
					     f->leaf,
					     f->subleaf);
			continue;
		}
		set = (hc_kvm_cpuid_reg(e, f->reg) & f->mask) == f->mask;
		hc_probe_report_bool(ctx,
				     id,
				     set ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
				     set,
				     "KVM_GET_SUPPORTED_CPUID leaf 0x%X.%u %s %s",
				     f->leaf,
				     f->subleaf,
				     hc_cpuid_reg_to_string(f->reg),
				     bits);
	}
}

static void
hc_cpuid_report_unanswerable(HcProbeContext *ctx)
{
	for (guint i = 0; i < hc_cpuid_unanswerable_len; i++) {
		g_autofree char *id =
		    g_strdup_printf("cpu.feature.%s", hc_cpuid_unanswerable[i].name);
		hc_probe_report(ctx,
				id,
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"%s",
				hc_cpuid_unanswerable[i].reason);
	}
}

static void
hc_cpuid_report_emulated(HcProbeContext *ctx, int fd)
{
	g_autoptr(GError) error = NULL;
	g_autofree HcCpuid2 *cpuid =
	    hc_kvm_cpuid_get(fd, HC_KVM_GET_EMULATED_CPUID, "KVM_GET_EMULATED_CPUID", &error);
	g_autoptr(GPtrArray) names = g_ptr_array_new();

	if (cpuid == NULL) {
		hc_probe_report(ctx,
				"cpu.emulated",
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"%s",
				error->message);
		return;
	}
	for (guint i = 0; i < hc_cpuid_features_len; i++) {
		const HcCpuidFeature *f = &hc_cpuid_features[i];
		const HcCpuidEntry *e = hc_kvm_cpuid_find(cpuid, f->leaf, f->subleaf);
		g_autofree char *id = NULL;

		if (e == NULL || (hc_kvm_cpuid_reg(e, f->reg) & f->mask) != f->mask)
			continue;
		id = g_strdup_printf("cpu.emulated.%s", f->name);
		hc_probe_report_bool(ctx,
				     id,
				     HC_CAP_STATE_SUPPORTED,
				     TRUE,
				     "KVM_GET_EMULATED_CPUID leaf 0x%X.%u %s",
				     f->leaf,
				     f->subleaf,
				     hc_cpuid_reg_to_string(f->reg));
		g_ptr_array_add(names, (gpointer)f->name);
	}
	hc_probe_report(ctx,
			"cpu.emulated",
			HC_CAP_STATE_SUPPORTED,
			g_variant_new_strv((const char *const *)names->pdata, names->len),
			"KVM_GET_EMULATED_CPUID on /dev/kvm: %u entries, %u table features",
			cpuid->nent,
			names->len);
}

static void
hc_cpuid_report_addr_bits(HcProbeContext *ctx, const HcCpuid2 *cpuid)
{
	const HcCpuidEntry *e = hc_kvm_cpuid_find(cpuid, 0x80000008, 0);

	if (e == NULL) {
		hc_probe_report(ctx,
				"cpu.phys_bits",
				HC_CAP_STATE_UNSUPPORTED,
				NULL,
				"KVM_GET_SUPPORTED_CPUID has no leaf 0x80000008");
		hc_probe_report(ctx,
				"cpu.virt_bits",
				HC_CAP_STATE_UNSUPPORTED,
				NULL,
				"KVM_GET_SUPPORTED_CPUID has no leaf 0x80000008");
		return;
	}
	hc_probe_report_int(ctx,
			    "cpu.phys_bits",
			    HC_CAP_STATE_SUPPORTED,
			    e->eax & 0xff,
			    "KVM_GET_SUPPORTED_CPUID leaf 0x80000008.0 EAX[7:0]");
	hc_probe_report_int(ctx,
			    "cpu.virt_bits",
			    HC_CAP_STATE_SUPPORTED,
			    (e->eax >> 8) & 0xff,
			    "KVM_GET_SUPPORTED_CPUID leaf 0x80000008.0 EAX[15:8]");
}

static void
hc_cpuid_report_xsave(HcProbeContext *ctx, const HcCpuid2 *cpuid)
{
	const HcCpuidEntry *e = hc_kvm_cpuid_find(cpuid, 0xD, 0);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	guint64 xcr0;

	if (e == NULL) {
		hc_probe_report(ctx,
				"cpu.xsave.xcr0",
				HC_CAP_STATE_UNSUPPORTED,
				NULL,
				"KVM_GET_SUPPORTED_CPUID has no leaf 0xD.0");
		hc_probe_report(ctx,
				"cpu.xsave.components",
				HC_CAP_STATE_UNSUPPORTED,
				NULL,
				"KVM_GET_SUPPORTED_CPUID has no leaf 0xD.0");
		return;
	}
	xcr0 = e->eax | ((guint64)e->edx << 32);
	for (guint bit = 0; bit < 64; bit++) {
		const char *name =
		    bit < hc_xsave_component_names_len ? hc_xsave_component_names[bit] : NULL;

		if (!(xcr0 & (G_GUINT64_CONSTANT(1) << bit)))
			continue;
		g_ptr_array_add(names,
				name != NULL ? g_strdup(name) : g_strdup_printf("bit%u", bit));
	}
	hc_probe_report_int(ctx,
			    "cpu.xsave.xcr0",
			    xcr0 != 0 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
			    (gint64)xcr0,
			    "KVM_GET_SUPPORTED_CPUID leaf 0xD.0 EDX:EAX = %#" G_GINT64_MODIFIER "x",
			    xcr0);
	hc_probe_report(ctx,
			"cpu.xsave.components",
			xcr0 != 0 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
			g_variant_new_strv((const char *const *)names->pdata, names->len),
			"KVM_GET_SUPPORTED_CPUID leaf 0xD.0 EDX:EAX, by XCR0 bit");
}

/* a vPMU needs the module to allow it and a PMU in the supported CPUID */
static void
hc_cpuid_report_pmu(HcProbeContext *ctx, const HcKvm *kvm, const HcCpuid2 *cpuid)
{
	const HcCpuidEntry *arch = hc_kvm_cpuid_find(cpuid, 0xA, 0);
	const HcCpuidEntry *ext = hc_kvm_cpuid_find(cpuid, 0x80000001, 0);
	guint version = arch != NULL ? arch->eax & 0xff : 0;
	gboolean perfctr_core = ext != NULL && (ext->ecx & (1u << 23));
	gint64 pmu_cap = hc_kvm_check_extension(kvm->fd, HC_KVM_CAP_PMU_CAPABILITY);
	g_autofree char *param_reason = NULL;
	HcCapState param_state = HC_CAP_STATE_UNKNOWN;
	g_autofree char *param =
	    hc_kvm_param_read(ctx, "kvm", "enable_pmu", &param_state, &param_reason);
	g_autofree char *why = g_strdup_printf(
	    "kvm.enable_pmu = %s; KVM_CHECK_EXTENSION(KVM_CAP_PMU_CAPABILITY=212) on /dev/kvm = "
	    "%" G_GINT64_FORMAT "; KVM_GET_SUPPORTED_CPUID leaf 0xA EAX[7:0] = %u, leaf "
	    "0x80000001 ECX bit 23 (perfctr-core) = %d",
	    param != NULL ? param : "absent",
	    pmu_cap,
	    version,
	    perfctr_core);
	HcCapState state = HC_CAP_STATE_UNSUPPORTED;

	/* no parameter (before 5.17) means the PMU cannot be switched off */
	if (param != NULL && hc_kvm_param_to_bool(param) == 0)
		state = HC_CAP_STATE_DISABLED;
	else if (version > 0 || perfctr_core)
		state = HC_CAP_STATE_SUPPORTED;
	hc_probe_report_bool(ctx, "kvm.pmu", state, state == HC_CAP_STATE_SUPPORTED, "%s", why);
	hc_probe_report_int(ctx,
			    "kvm.pmu.version",
			    version > 0 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
			    version,
			    "KVM_GET_SUPPORTED_CPUID leaf 0xA EAX[7:0]%s",
			    arch == NULL ? " (leaf absent)" : "");
}

static void
hc_cpuid_report_all(HcProbeContext *ctx, HcCapState state, const char *reason)
{
	g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);

	hc_cpuid_declare_ids(ids);
	for (guint i = 0; cpuid_fixed_ids[i] != NULL; i++)
		hc_probe_report(ctx, cpuid_fixed_ids[i], state, NULL, "%s", reason);
	for (guint i = 0; i < ids->len; i++) {
		if (!hc_probe_context_has_reported(ctx, g_ptr_array_index(ids, i)))
			hc_probe_report(ctx, g_ptr_array_index(ids, i), state, NULL, "%s", reason);
	}
}

static gboolean
hc_cpuid_run(HcProbeContext *ctx, GError **error)
{
	g_autoptr(HcKvm) kvm = hc_kvm_open(ctx);
	g_autoptr(GError) local_error = NULL;
	g_autofree HcCpuid2 *cpuid = NULL;

	if (kvm->fd < 0) {
		hc_cpuid_report_all(ctx, kvm->state, kvm->reason);
		return TRUE;
	}
	hc_cpuid_msr_probe(ctx, kvm);
	hc_cpuid_xcomp_probe(ctx, kvm);
	cpuid = hc_kvm_cpuid_get(kvm->fd,
				 HC_KVM_GET_SUPPORTED_CPUID,
				 "KVM_GET_SUPPORTED_CPUID",
				 &local_error);
	if (cpuid == NULL) {
		hc_cpuid_report_all(ctx, HC_CAP_STATE_UNKNOWN, local_error->message);
		return TRUE;
	}
	hc_cpuid_report_features(ctx, cpuid);
	hc_cpuid_report_unanswerable(ctx);
	hc_cpuid_report_addr_bits(ctx, cpuid);
	hc_cpuid_report_xsave(ctx, cpuid);
	hc_cpuid_report_pmu(ctx, kvm, cpuid);
	hc_cpuid_report_emulated(ctx, kvm->fd);
	return TRUE;
}

static const char *const cpuid_subsystems[] = {"misc", "module", "cpu", NULL};
static const char *const cpuid_devnodes[] = {"/dev/kvm", NULL};

const HcProbeInfo hc_probe_cpuid = {
    .name = "cpuid",
    .description = "guest CPU features and feature MSRs KVM supports (KVM_GET_SUPPORTED_CPUID)",
    .ids = cpuid_fixed_ids,
    .declare_ids = hc_cpuid_declare_ids,
    .subsystems = cpuid_subsystems,
    .devnodes = cpuid_devnodes,
    .timeout_msec = 0,
    .flags = HC_PROBE_FLAG_NONE,
    .run = hc_cpuid_run,
};
