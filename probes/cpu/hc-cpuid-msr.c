/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * feature MSRs, the part of the guest CPU model that is not CPUID
 * (Documentation/virt/kvm/api.rst §4.3 KVM_GET_MSR_FEATURE_INDEX_LIST, §4.18 KVM_GET_MSRS
 * "on the system fd: feature MSRs", needs KVM_CAP_GET_MSR_FEATURES). Raw values are
 * reported as int64 (bit 63 makes them negative); IA32_ARCH_CAPABILITIES is also decoded
 * bit by bit with QEMU's names.
 */
#include "hc-cpuid-msr.h"

#include <errno.h>
#include <gio/gio.h>
#include <sys/ioctl.h>

#include "hc-cpuid-table.h"

#define HC_MSR_ARCH_CAPABILITIES 0x10A
#define HC_MSR_LIST_MAX		 4096

static const struct {
	const char *id;
	guint32 index;
} msr_table[] = {
    /* IA32_UCODE_REV: Intel keeps the revision in bits 63:32, AMD's patch level is 31:0 */
    {"cpu.msr.ucode_rev", 0x8B},
    {"cpu.msr.arch_capabilities", HC_MSR_ARCH_CAPABILITIES},
    {"cpu.msr.platform_info", 0xCE},
    {"cpu.msr.perf_capabilities", 0x345},
    /* VMX capability MSRs (SDM vol. 3 appendix A): listed only on Intel hosts with nested
     * VMX; QEMU derives its vmx-* feature words from these raw values */
    {"cpu.msr.vmx.basic", 0x480},
    {"cpu.msr.vmx.pinbased_ctls", 0x481},
    {"cpu.msr.vmx.procbased_ctls", 0x482},
    {"cpu.msr.vmx.exit_ctls", 0x483},
    {"cpu.msr.vmx.entry_ctls", 0x484},
    {"cpu.msr.vmx.misc", 0x485},
    {"cpu.msr.vmx.cr0_fixed0", 0x486},
    {"cpu.msr.vmx.cr0_fixed1", 0x487},
    {"cpu.msr.vmx.cr4_fixed0", 0x488},
    {"cpu.msr.vmx.cr4_fixed1", 0x489},
    {"cpu.msr.vmx.vmcs_enum", 0x48A},
    {"cpu.msr.vmx.procbased_ctls2", 0x48B},
    {"cpu.msr.vmx.ept_vpid_cap", 0x48C},
    {"cpu.msr.vmx.true_pinbased_ctls", 0x48D},
    {"cpu.msr.vmx.true_procbased_ctls", 0x48E},
    {"cpu.msr.vmx.true_exit_ctls", 0x48F},
    {"cpu.msr.vmx.true_entry_ctls", 0x490},
    {"cpu.msr.vmx.vmfunc", 0x491},
    {"cpu.msr.vmx.procbased_ctls3", 0x492},
    {"cpu.msr.vmx.exit_ctls2", 0x493},
};

/* struct kvm_msr_list and struct kvm_msrs with one entry (include/uapi/asm-x86/kvm.h) */
typedef struct {
	guint32 nmsrs;
	guint32 indices[];
} MsrList;

typedef struct {
	guint32 nmsrs;
	guint32 pad;
	guint32 index;
	guint32 reserved;
	guint64 data;
} MsrOne;

void
hc_cpuid_msr_declare_ids(GPtrArray *ids)
{
	for (guint i = 0; i < G_N_ELEMENTS(msr_table); i++)
		g_ptr_array_add(ids, g_strdup(msr_table[i].id));
	for (guint i = 0; i < hc_arch_capabilities_bits_len; i++)
		g_ptr_array_add(ids,
				g_strdup_printf("cpu.msr.arch_capabilities.%s",
						hc_arch_capabilities_bits[i].name));
}

static void
hc_msr_report_all(HcProbeContext *ctx, HcCapState state, const char *reason)
{
	g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);

	hc_cpuid_msr_declare_ids(ids);
	for (guint i = 0; i < ids->len; i++)
		hc_probe_report(ctx, g_ptr_array_index(ids, i), state, NULL, "%s", reason);
}

static MsrList *
hc_msr_feature_list(int fd, GError **error)
{
	MsrList probe = {0};
	g_autofree MsrList *list = NULL;

	/* nmsrs = 0 fails with E2BIG and tells how many there are */
	if (ioctl(fd, HC_KVM_GET_MSR_FEATURE_INDEX_LIST, &probe) < 0 && errno != E2BIG) {
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(errno),
			    "KVM_GET_MSR_FEATURE_INDEX_LIST on /dev/kvm: %s",
			    g_strerror(errno));
		return NULL;
	}
	list = g_malloc0(sizeof(MsrList) + MIN(probe.nmsrs, HC_MSR_LIST_MAX) * sizeof(guint32));
	list->nmsrs = MIN(probe.nmsrs, HC_MSR_LIST_MAX);
	if (list->nmsrs > 0 && ioctl(fd, HC_KVM_GET_MSR_FEATURE_INDEX_LIST, list) < 0) {
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(errno),
			    "KVM_GET_MSR_FEATURE_INDEX_LIST on /dev/kvm: %s",
			    g_strerror(errno));
		return NULL;
	}
	return g_steal_pointer(&list);
}

static gboolean
hc_msr_listed(const MsrList *list, guint32 index)
{
	for (guint32 i = 0; i < list->nmsrs; i++) {
		if (list->indices[i] == index)
			return TRUE;
	}
	return FALSE;
}

static void
hc_msr_report_arch_bits(HcProbeContext *ctx, HcCapState state, guint64 value, const char *reason)
{
	for (guint i = 0; i < hc_arch_capabilities_bits_len; i++) {
		g_autofree char *id = g_strdup_printf("cpu.msr.arch_capabilities.%s",
						      hc_arch_capabilities_bits[i].name);
		gboolean set = (value >> hc_arch_capabilities_bits[i].bit) & 1;

		if (state != HC_CAP_STATE_SUPPORTED) {
			hc_probe_report(ctx, id, state, NULL, "%s", reason);
			continue;
		}
		hc_probe_report_bool(ctx,
				     id,
				     set ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
				     set,
				     "KVM_GET_MSRS on /dev/kvm: MSR 0x10A bit %u",
				     hc_arch_capabilities_bits[i].bit);
	}
}

/* reads one feature MSR; reports it and returns its state */
static HcCapState
hc_msr_read_one(HcProbeContext *ctx,
		int fd,
		const MsrList *list,
		guint i,
		guint64 *value,
		char **reason)
{
	MsrOne msr = {.nmsrs = 1, .index = msr_table[i].index};
	HcCapState state = HC_CAP_STATE_SUPPORTED;
	int ret;

	if (!hc_msr_listed(list, msr_table[i].index)) {
		*reason = g_strdup_printf("MSR %#x is not in KVM_GET_MSR_FEATURE_INDEX_LIST",
					  msr_table[i].index);
		hc_probe_report(ctx,
				msr_table[i].id,
				HC_CAP_STATE_UNSUPPORTED,
				NULL,
				"%s",
				*reason);
		return HC_CAP_STATE_UNSUPPORTED;
	}
	/* KVM_GET_MSRS returns the number of MSRs it read */
	ret = ioctl(fd, HC_KVM_GET_MSRS, &msr);
	if (ret != 1) {
		*reason = g_strdup_printf("KVM_GET_MSRS(%#x) on /dev/kvm: %s",
					  msr_table[i].index,
					  ret < 0 ? g_strerror(errno) : "not read");
		state = ret < 0 ? HC_CAP_STATE_UNKNOWN : HC_CAP_STATE_UNSUPPORTED;
		hc_probe_report(ctx, msr_table[i].id, state, NULL, "%s", *reason);
		return state;
	}
	*value = msr.data;
	*reason = g_strdup_printf("KVM_GET_MSRS(%#x) on /dev/kvm", msr_table[i].index);
	hc_probe_report_int(ctx,
			    msr_table[i].id,
			    HC_CAP_STATE_SUPPORTED,
			    (gint64)msr.data,
			    "KVM_GET_MSRS(%#x) on /dev/kvm = %#" G_GINT64_MODIFIER "x",
			    msr_table[i].index,
			    msr.data);
	return state;
}

void
hc_cpuid_msr_probe(HcProbeContext *ctx, const HcKvm *kvm)
{
	g_autoptr(GError) error = NULL;
	g_autofree MsrList *list = NULL;

	if (kvm->fd < 0) {
		hc_msr_report_all(ctx, kvm->state, kvm->reason);
		return;
	}
	list = hc_msr_feature_list(kvm->fd, &error);
	if (list == NULL) {
		/* EINVAL/ENOTTY: a kernel without KVM_CAP_GET_MSR_FEATURES */
		hc_msr_report_all(
		    ctx,
		    g_error_matches(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT) ||
			    g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED)
			? HC_CAP_STATE_UNSUPPORTED
			: HC_CAP_STATE_UNKNOWN,
		    error->message);
		return;
	}
	for (guint i = 0; i < G_N_ELEMENTS(msr_table); i++) {
		g_autofree char *reason = NULL;
		guint64 value = 0;
		HcCapState state = hc_msr_read_one(ctx, kvm->fd, list, i, &value, &reason);

		if (msr_table[i].index == HC_MSR_ARCH_CAPABILITIES)
			hc_msr_report_arch_bits(ctx, state, value, reason);
	}
}
