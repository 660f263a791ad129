/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * probe "nested": can a VM run its own hypervisor here, and can such a VM migrate.
 *
 * kernel interfaces: /sys/module/kvm_intel/parameters/nested and
 * /sys/module/kvm_amd/parameters/nested (Documentation/virt/kvm/x86/nested-vmx.rst,
 * running-nested-guests.rst); KVM_CHECK_EXTENSION NESTED_STATE (returns the maximum state
 * size) and EXCEPTION_PAYLOAD on /dev/kvm, which QEMU requires to migrate a nested-capable
 * VM; and the KVM module parameters that change the supported CPUID/MSR sets
 * (domain catalogue §3.13), reported verbatim as kvm.param.<module>.<param>.
 */
#include "kvm/hc-kvm-caps.h"
#include "kvm/hc-kvm-param.h"
#include "kvm/hc-kvm-sys.h"

/* the vendor modules, in the order they are tried: only one loads on a given cpu */
static const char *const nested_modules[] = {"kvm_intel", "kvm_amd"};

static const struct {
	const char *module;
	const char *param;
} nested_params[] = {
    {"kvm", "enable_pmu"},
    {"kvm", "tsc_tolerance_ppm"},
    {"kvm", "nx_huge_pages"},
    {"kvm", "ignore_msrs"},
    {"kvm", "eager_page_split"},
    {"kvm_intel", "nested"},
    {"kvm_intel", "ept"},
    {"kvm_intel", "unrestricted_guest"},
    {"kvm_intel", "enable_apicv"},
    {"kvm_intel", "enable_shadow_vmcs"},
    {"kvm_intel", "pml"},
    {"kvm_intel", "preemption_timer"},
    {"kvm_intel", "vmentry_l1d_flush"},
    {"kvm_intel", "tdx"},
    {"kvm_amd", "nested"},
    {"kvm_amd", "npt"},
    {"kvm_amd", "avic"},
    {"kvm_amd", "vgif"},
    {"kvm_amd", "vls"},
    {"kvm_amd", "sev"},
    {"kvm_amd", "sev_es"},
    {"kvm_amd", "sev_snp"},
};

static const struct {
	const char *id;
	guint cap;
	const char *cap_name;
	gboolean is_int;
} nested_caps[] = {
    {"kvm.nested.state", HC_KVM_CAP_NESTED_STATE, "NESTED_STATE", TRUE},
    {"kvm.nested.exception_payload", HC_KVM_CAP_EXCEPTION_PAYLOAD, "EXCEPTION_PAYLOAD", FALSE},
};

static const char *const nested_ids[] = {
    "kvm.nested",
    "kvm.nested.state",
    "kvm.nested.exception_payload",
    NULL,
};

static void
hc_nested_declare_ids(GPtrArray *ids)
{
	for (guint i = 0; i < G_N_ELEMENTS(nested_params); i++)
		g_ptr_array_add(ids,
				g_strdup_printf("kvm.param.%s.%s",
						nested_params[i].module,
						nested_params[i].param));
}

static void
hc_nested_probe_param(HcProbeContext *ctx)
{
	g_autoptr(GString) missing = g_string_new(NULL);

	for (guint i = 0; i < G_N_ELEMENTS(nested_modules); i++) {
		g_autofree char *dir = g_strdup_printf("/sys/module/%s", nested_modules[i]);

		if (!hc_probe_context_exists(ctx, dir)) {
			g_string_append_printf(missing, "%s%s", missing->len ? ", " : "", dir);
			continue;
		}
		hc_kvm_param_report_bool(ctx, "kvm.nested", nested_modules[i], "nested");
		return;
	}
	hc_probe_report_bool(ctx,
			     "kvm.nested",
			     HC_CAP_STATE_UNSUPPORTED,
			     FALSE,
			     "no vendor KVM module loaded: %s do not exist",
			     missing->str);
}

static void
hc_nested_probe_caps(HcProbeContext *ctx)
{
	g_autoptr(HcKvm) kvm = hc_kvm_open(ctx);

	for (guint i = 0; i < G_N_ELEMENTS(nested_caps); i++) {
		gint64 val;

		if (kvm->fd < 0) {
			hc_kvm_report_unavailable(ctx, kvm, nested_caps[i].id);
			continue;
		}
		val = hc_kvm_check_extension(kvm->fd, nested_caps[i].cap);
		if (val < 0) {
			hc_probe_report(ctx,
					nested_caps[i].id,
					HC_CAP_STATE_UNKNOWN,
					NULL,
					"KVM_CHECK_EXTENSION(KVM_CAP_%s=%u): %s",
					nested_caps[i].cap_name,
					nested_caps[i].cap,
					g_strerror((int)-val));
			continue;
		}
		hc_probe_report(
		    ctx,
		    nested_caps[i].id,
		    val > 0 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
		    nested_caps[i].is_int ? g_variant_new_int64(val)
					  : g_variant_new_boolean(val > 0),
		    "KVM_CHECK_EXTENSION(KVM_CAP_%s=%u) on /dev/kvm = %" G_GINT64_FORMAT,
		    nested_caps[i].cap_name,
		    nested_caps[i].cap,
		    val);
	}
}

/* values verbatim ("Y", "1", "auto", "cond"): their meaning differs per parameter */
static void
hc_nested_probe_params(HcProbeContext *ctx)
{
	for (guint i = 0; i < G_N_ELEMENTS(nested_params); i++) {
		g_autofree char *id = g_strdup_printf("kvm.param.%s.%s",
						      nested_params[i].module,
						      nested_params[i].param);
		g_autofree char *reason = NULL;
		HcCapState state = HC_CAP_STATE_UNKNOWN;
		g_autofree char *value = hc_kvm_param_read(ctx,
							   nested_params[i].module,
							   nested_params[i].param,
							   &state,
							   &reason);

		if (value == NULL) {
			hc_probe_report(ctx, id, state, NULL, "%s", reason);
			continue;
		}
		hc_probe_report_string(ctx,
				       id,
				       HC_CAP_STATE_SUPPORTED,
				       value,
				       "/sys/module/%s/parameters/%s",
				       nested_params[i].module,
				       nested_params[i].param);
	}
}

static gboolean
hc_nested_run(HcProbeContext *ctx, GError **error)
{
	hc_nested_probe_param(ctx);
	hc_nested_probe_caps(ctx);
	hc_nested_probe_params(ctx);
	return TRUE;
}

static const char *const nested_subsystems[] = {"module", NULL};
static const char *const nested_devnodes[] = {"/dev/kvm", NULL};

const HcProbeInfo hc_probe_nested = {
    .name = "nested",
    .description = "nested virtualization and the KVM module parameters that shape guests",
    .ids = nested_ids,
    .declare_ids = hc_nested_declare_ids,
    .subsystems = nested_subsystems,
    .devnodes = nested_devnodes,
    .timeout_msec = 0,
    .flags = HC_PROBE_FLAG_NONE,
    .run = hc_nested_run,
};
