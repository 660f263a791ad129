/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * probe "kvm": is KVM usable, and what does it offer.
 *
 * kernel interfaces (Documentation/virt/kvm/api.rst): open("/dev/kvm", O_RDWR),
 * KVM_GET_API_VERSION (must be 12), KVM_CREATE_VM(0) for a scratch default VM that is
 * handed to a closer thread once asked (destroying a VM costs milliseconds), KVM_CHECK_EXTENSION on
 * the system fd and on the VM fd (KVM_CAP_CHECK_EXTENSION_VM, 4.0+).
 *
 * Every cap of hc-kvm-caps.c is reported twice, as the raw integer KVM returns:
 * kvm.cap.<name> from /dev/kvm ("can this host") and kvm.vm.cap.<name> from a default VM
 * ("what does a default VM get"); some answers differ (X2APIC_API, GUEST_MEMFD, …).
 * The friendly ids below pick the view QEMU itself asks. kvm.hyperv.<feature> (QEMU's hv-*
 * flags) come from KVM_GET_SUPPORTED_HV_CPUID, see hc-kvm-hyperv.c.
 */
#include <errno.h>
#include <string.h>

#include "common/hc-probe-closer.h"
#include "hc-kvm-caps.h"
#include "hc-kvm-hyperv.h"
#include "hc-kvm-sys.h"

typedef enum {
	KVM_KIND_BOOL, /* value: TRUE when the cap is > 0 */
	KVM_KIND_INT,  /* value: the raw integer */
} KvmKind;

typedef enum {
	KVM_VIEW_SYSTEM, /* asked on /dev/kvm */
	KVM_VIEW_VM,	 /* asked on a default VM's fd */
} KvmView;

static const struct {
	const char *id;
	guint cap;
	KvmKind kind;
	KvmView view;
} kvm_friendly[] = {
    {"kvm.vcpus.max", HC_KVM_CAP_MAX_VCPUS, KVM_KIND_INT, KVM_VIEW_VM},
    {"kvm.vcpus.max_id", HC_KVM_CAP_MAX_VCPU_ID, KVM_KIND_INT, KVM_VIEW_VM},
    {"kvm.vcpus.recommended", HC_KVM_CAP_NR_VCPUS, KVM_KIND_INT, KVM_VIEW_VM},
    {"kvm.memslots", HC_KVM_CAP_NR_MEMSLOTS, KVM_KIND_INT, KVM_VIEW_VM},
    {"kvm.irqchip", HC_KVM_CAP_IRQCHIP, KVM_KIND_BOOL, KVM_VIEW_VM},
    {"kvm.irqchip.split", HC_KVM_CAP_SPLIT_IRQCHIP, KVM_KIND_BOOL, KVM_VIEW_VM},
    {"kvm.x2apic_api", HC_KVM_CAP_X2APIC_API, KVM_KIND_INT, KVM_VIEW_VM},
    {"kvm.smm", HC_KVM_CAP_X86_SMM, KVM_KIND_BOOL, KVM_VIEW_VM},
    {"kvm.dirty_ring", HC_KVM_CAP_DIRTY_LOG_RING, KVM_KIND_INT, KVM_VIEW_VM},
    {"kvm.dirty_ring.acq_rel", HC_KVM_CAP_DIRTY_LOG_RING_ACQ_REL, KVM_KIND_INT, KVM_VIEW_VM},
    {"kvm.dirty_ring.with_bitmap",
     HC_KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP,
     KVM_KIND_BOOL,
     KVM_VIEW_VM},
    {"kvm.manual_dirty_log_protect",
     HC_KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
     KVM_KIND_INT,
     KVM_VIEW_VM},
    {"kvm.user_space_msr", HC_KVM_CAP_X86_USER_SPACE_MSR, KVM_KIND_BOOL, KVM_VIEW_VM},
    {"kvm.msr_filter", HC_KVM_CAP_X86_MSR_FILTER, KVM_KIND_BOOL, KVM_VIEW_VM},
    {"kvm.msr_features", HC_KVM_CAP_GET_MSR_FEATURES, KVM_KIND_BOOL, KVM_VIEW_SYSTEM},
    {"kvm.disable_exits", HC_KVM_CAP_X86_DISABLE_EXITS, KVM_KIND_INT, KVM_VIEW_VM},
    {"kvm.pmu_capability", HC_KVM_CAP_PMU_CAPABILITY, KVM_KIND_INT, KVM_VIEW_VM},
    {"kvm.bus_lock_exit", HC_KVM_CAP_X86_BUS_LOCK_EXIT, KVM_KIND_INT, KVM_VIEW_VM},
    {"kvm.notify_vmexit", HC_KVM_CAP_X86_NOTIFY_VMEXIT, KVM_KIND_INT, KVM_VIEW_VM},
    {"kvm.exit_hypercall", HC_KVM_CAP_EXIT_HYPERCALL, KVM_KIND_INT, KVM_VIEW_VM},
    {"kvm.smaller_maxphyaddr", HC_KVM_CAP_SMALLER_MAXPHYADDR, KVM_KIND_BOOL, KVM_VIEW_VM},
    {"kvm.xsave2", HC_KVM_CAP_XSAVE2, KVM_KIND_INT, KVM_VIEW_VM},
    {"kvm.hyperv", HC_KVM_CAP_HYPERV, KVM_KIND_BOOL, KVM_VIEW_VM},
    {"kvm.hyperv.cpuid", HC_KVM_CAP_HYPERV_CPUID, KVM_KIND_BOOL, KVM_VIEW_VM},
    {"kvm.hyperv.sys_cpuid", HC_KVM_CAP_SYS_HYPERV_CPUID, KVM_KIND_BOOL, KVM_VIEW_SYSTEM},
    /* a default VM has no private memory: ask the host whether any VM type can */
    {"kvm.guest_memfd", HC_KVM_CAP_GUEST_MEMFD, KVM_KIND_BOOL, KVM_VIEW_SYSTEM},
    {"kvm.memory_attributes", HC_KVM_CAP_MEMORY_ATTRIBUTES, KVM_KIND_INT, KVM_VIEW_SYSTEM},
};

static const char *const kvm_fixed_ids[] = {"kvm.present", "kvm.api_version", "kvm.vm_types", NULL};

static void
hc_kvm_declare_ids(GPtrArray *ids)
{
	for (guint i = 0; i < hc_kvm_caps_len; i++) {
		g_ptr_array_add(ids, g_strdup_printf("kvm.cap.%s", hc_kvm_caps[i].name));
		g_ptr_array_add(ids, g_strdup_printf("kvm.vm.cap.%s", hc_kvm_caps[i].name));
	}
	for (guint i = 0; i < G_N_ELEMENTS(kvm_friendly); i++)
		g_ptr_array_add(ids, g_strdup(kvm_friendly[i].id));
	hc_kvm_hyperv_declare_ids(ids);
}

/* one KVM_CHECK_EXTENSION answer with where it came from, for reasons */
typedef struct {
	gint64 value; /* raw, or -errno */
	const char *where;
} KvmAnswer;

static void
hc_kvm_report_answer(HcProbeContext *ctx, const char *id, guint cap, KvmKind kind, KvmAnswer ans)
{
	const HcKvmCap *row = hc_kvm_cap_lookup(cap);
	g_autofree char *upper = g_ascii_strup(row != NULL ? row->name : "?", -1);
	HcCapState state = ans.value > 0 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED;

	if (ans.value < 0) {
		hc_probe_report(ctx,
				id,
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"KVM_CHECK_EXTENSION(KVM_CAP_%s=%u) on %s: %s",
				upper,
				cap,
				ans.where,
				g_strerror((int)-ans.value));
		return;
	}
	hc_probe_report(ctx,
			id,
			state,
			kind == KVM_KIND_BOOL ? g_variant_new_boolean(ans.value > 0)
					      : g_variant_new_int64(ans.value),
			"KVM_CHECK_EXTENSION(KVM_CAP_%s=%u) on %s = %" G_GINT64_FORMAT,
			upper,
			cap,
			ans.where,
			ans.value);
}

static void
hc_kvm_report_vm_types(HcProbeContext *ctx, gint64 mask)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	gint64 types = mask;

	if (mask < 0) {
		hc_probe_report(ctx,
				"kvm.vm_types",
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"KVM_CHECK_EXTENSION(KVM_CAP_VM_TYPES=235): %s",
				g_strerror((int)-mask));
		return;
	}
	/* before 6.10 there is no VM_TYPES cap and only the default type exists */
	if (types == 0)
		types = 1;
	for (guint bit = 0; hc_kvm_vm_type_names[bit] != NULL; bit++) {
		if (types & (G_GINT64_CONSTANT(1) << bit))
			g_ptr_array_add(names, (gpointer)hc_kvm_vm_type_names[bit]);
	}
	hc_probe_report(
	    ctx,
	    "kvm.vm_types",
	    HC_CAP_STATE_SUPPORTED,
	    g_variant_new_strv((const char *const *)names->pdata, names->len),
	    "KVM_CHECK_EXTENSION(KVM_CAP_VM_TYPES=235) on /dev/kvm = %#" G_GINT64_MODIFIER "x",
	    mask);
}

static void
hc_kvm_report_friendly(HcProbeContext *ctx,
		       const gint64 *sys,
		       const gint64 *vm,
		       int vm_fd,
		       HcCapState vm_state,
		       const char *vm_reason)
{
	for (guint i = 0; i < G_N_ELEMENTS(kvm_friendly); i++) {
		const HcKvmCap *row = hc_kvm_cap_lookup(kvm_friendly[i].cap);
		guint idx = row - hc_kvm_caps;
		KvmAnswer ans = {sys[idx], "/dev/kvm"};

		if (kvm_friendly[i].view == KVM_VIEW_VM && vm_fd < 0) {
			hc_probe_report(ctx, kvm_friendly[i].id, vm_state, NULL, "%s", vm_reason);
			continue;
		}
		/* a VM fd that cannot answer (no CHECK_EXTENSION_VM) falls back to the host */
		if (kvm_friendly[i].view == KVM_VIEW_VM && vm[idx] >= 0)
			ans = (KvmAnswer){vm[idx], "a default VM"};
		hc_kvm_report_answer(ctx,
				     kvm_friendly[i].id,
				     row->number,
				     kvm_friendly[i].kind,
				     ans);
	}
}

static void
hc_kvm_report_all_unavailable(HcProbeContext *ctx, HcCapState state, const char *reason)
{
	g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);

	hc_kvm_declare_ids(ids);
	for (guint i = 0; kvm_fixed_ids[i] != NULL; i++)
		hc_probe_report(ctx, kvm_fixed_ids[i], state, NULL, "%s", reason);
	for (guint i = 0; i < ids->len; i++)
		hc_probe_report(ctx, g_ptr_array_index(ids, i), state, NULL, "%s", reason);
}

static gboolean
hc_kvm_run(HcProbeContext *ctx, GError **error)
{
	g_autoptr(HcKvm) kvm = hc_kvm_open(ctx);
	g_autofree gint64 *sys = NULL;
	g_autofree gint64 *vm = NULL;
	g_autofree char *vm_reason = NULL;
	HcCapState vm_state = HC_CAP_STATE_SUPPORTED;
	int vm_fd;

	if (kvm->fd < 0) {
		hc_kvm_report_all_unavailable(ctx, kvm->state, kvm->reason);
		/* the API version is known even when it is the wrong one */
		return TRUE;
	}
	vm_fd = hc_kvm_create_vm(kvm, 0, &vm_state, &vm_reason);
	if (vm_fd < 0) {
		hc_probe_report_bool(ctx, "kvm.present", vm_state, FALSE, "%s", vm_reason);
	} else {
		hc_probe_report_bool(
		    ctx,
		    "kvm.present",
		    HC_CAP_STATE_SUPPORTED,
		    TRUE,
		    "/dev/kvm: KVM_GET_API_VERSION = 12, KVM_CREATE_VM(0) succeeded");
	}
	hc_probe_report_int(ctx,
			    "kvm.api_version",
			    HC_CAP_STATE_SUPPORTED,
			    kvm->api_version,
			    "KVM_GET_API_VERSION on /dev/kvm");

	sys = g_new0(gint64, hc_kvm_caps_len);
	vm = g_new0(gint64, hc_kvm_caps_len);
	for (guint i = 0; i < hc_kvm_caps_len; i++) {
		g_autofree char *sys_id = g_strdup_printf("kvm.cap.%s", hc_kvm_caps[i].name);
		g_autofree char *vm_id = g_strdup_printf("kvm.vm.cap.%s", hc_kvm_caps[i].name);

		sys[i] = hc_kvm_check_extension(kvm->fd, hc_kvm_caps[i].number);
		hc_kvm_report_answer(ctx,
				     sys_id,
				     hc_kvm_caps[i].number,
				     KVM_KIND_INT,
				     (KvmAnswer){sys[i], "/dev/kvm"});
		if (vm_fd < 0) {
			vm[i] = -EBADF;
			hc_probe_report(ctx, vm_id, vm_state, NULL, "%s", vm_reason);
			continue;
		}
		vm[i] = hc_kvm_check_extension(vm_fd, hc_kvm_caps[i].number);
		hc_kvm_report_answer(ctx,
				     vm_id,
				     hc_kvm_caps[i].number,
				     KVM_KIND_INT,
				     (KvmAnswer){vm[i], "a default VM"});
	}
	hc_kvm_report_vm_types(ctx, sys[hc_kvm_cap_lookup(HC_KVM_CAP_VM_TYPES) - hc_kvm_caps]);
	hc_kvm_report_friendly(ctx, sys, vm, vm_fd, vm_state, vm_reason);
	hc_probe_closer_close_fds(&vm_fd, 1);
	hc_kvm_hyperv_probe(ctx, kvm);
	return TRUE;
}

static const char *const kvm_subsystems[] = {"misc", "module", NULL};
static const char *const kvm_devnodes[] = {"/dev/kvm", NULL};

const HcProbeInfo hc_probe_kvm = {
    .name = "kvm",
    .description = "KVM presence, API version and KVM_CHECK_EXTENSION capabilities",
    .ids = kvm_fixed_ids,
    .declare_ids = hc_kvm_declare_ids,
    .subsystems = kvm_subsystems,
    .devnodes = kvm_devnodes,
    .timeout_msec = 0,
    .flags = HC_PROBE_FLAG_CREATES_OBJECTS,
    .run = hc_kvm_run,
};
