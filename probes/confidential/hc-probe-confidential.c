/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * probe "confidential": SEV, SEV-ES, SEV-SNP, TDX and SGX EPC for guests.
 *
 * kernel interfaces: /sys/module/kvm_amd/parameters/{sev,sev_es,sev_snp} and
 * /sys/module/kvm_intel/parameters/tdx (Documentation/virt/kvm/x86/amd-memory-encryption.rst,
 * intel-tdx.rst): the module's own verdict after firmware init; KVM_CHECK_EXTENSION
 * VM_TYPES (6.10+) on /dev/kvm, quoted in reasons; the host CPUID leaf 0x8000001F (AMD APM
 * vol. 3, "Encrypted Memory Capabilities") through the cpuid instruction for the C-bit
 * position and physical address reduction QEMU's sev-guest must be given; /dev/sev and
 * /dev/sgx_vepc presence (Documentation/arch/x86/sgx.rst, "Virtual EPC"); KVM_CAP_SGX_ATTRIBUTE;
 * the SEV firmware through /dev/sev SEV_ISSUE_CMD (0xC0105300, include/uapi/linux/psp-sev.h)
 * with SEV_PLATFORM_STATUS (1): API version, build, platform state and guest count.
 *
 * The cpuid instruction shows this machine, not a sysroot: under a sysroot the CPUID-derived
 * ids are "unknown".
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>

#include "kvm/hc-kvm-caps.h"
#include "kvm/hc-kvm-param.h"
#include "kvm/hc-kvm-sys.h"

#define CVM_SEV_LEAF		0x8000001F
#define CVM_SEV_ISSUE_CMD	0xC0105300
#define CVM_SEV_PLATFORM_STATUS 1

/* struct sev_issue_cmd and struct sev_user_data_status, both packed in the uapi header */
typedef struct __attribute__((packed)) {
	guint32 cmd;
	guint64 data;
	guint32 error;
} CvmSevCmd;

typedef struct __attribute__((packed)) {
	guint8 api_major;
	guint8 api_minor;
	guint8 state;
	guint32 flags;
	guint8 build;
	guint32 guest_count;
} CvmSevStatus;

G_STATIC_ASSERT(sizeof(CvmSevCmd) == 16);
G_STATIC_ASSERT(sizeof(CvmSevStatus) == 12);

/* SEV firmware platform states (AMD SEV API spec, PLATFORM_STATUS) */
static const char *const cvm_sev_states[] = {"uninit", "init", "working"};

static const char *const cvm_sev_status_ids[] = {
    "cvm.sev.api_version",
    "cvm.sev.build",
    "cvm.sev.state",
    "cvm.sev.guest_count",
};

/* module-parameter switches, with the KVM_X86_*_VM type that backs each */
static const struct {
	const char *id;
	const char *module;
	const char *param;
	guint vm_type;
} cvm_switches[] = {
    {"cvm.sev", "kvm_amd", "sev", HC_KVM_X86_SEV_VM},
    {"cvm.sev_es", "kvm_amd", "sev_es", HC_KVM_X86_SEV_ES_VM},
    {"cvm.sev_snp", "kvm_amd", "sev_snp", HC_KVM_X86_SNP_VM},
    {"cvm.tdx", "kvm_intel", "tdx", HC_KVM_X86_TDX_VM},
};

static const char *const cvm_ids[] = {
    "cvm.sev",
    "cvm.sev_es",
    "cvm.sev_snp",
    "cvm.tdx",
    "cvm.sev.cbitpos",
    "cvm.sev.reduced_phys_bits",
    "cvm.sev.device",
    "sgx.epc",
    "cvm.sev.api_version",
    "cvm.sev.build",
    "cvm.sev.state",
    "cvm.sev.guest_count",
    NULL,
};

/* the VM_TYPES mask, or -1 when KVM cannot tell (no /dev/kvm, kernel before 6.10) */
static gint64
hc_cvm_vm_types(const HcKvm *kvm)
{
	gint64 mask;

	if (kvm->fd < 0)
		return -1;
	mask = hc_kvm_check_extension(kvm->fd, HC_KVM_CAP_VM_TYPES);
	return mask > 0 ? mask : -1;
}

static void
hc_cvm_probe_switches(HcProbeContext *ctx, gint64 vm_types)
{
	for (guint i = 0; i < G_N_ELEMENTS(cvm_switches); i++) {
		g_autofree char *reason = NULL;
		HcCapState state = HC_CAP_STATE_UNKNOWN;
		g_autofree char *value = hc_kvm_param_read(ctx,
							   cvm_switches[i].module,
							   cvm_switches[i].param,
							   &state,
							   &reason);
		g_autofree char *types_note =
		    vm_types < 0 ? g_strdup("KVM_CAP_VM_TYPES not available")
				 : g_strdup_printf(
				       "KVM_CAP_VM_TYPES %s type %u",
				       (vm_types >> cvm_switches[i].vm_type) & 1 ? "has" : "lacks",
				       cvm_switches[i].vm_type);
		int on;

		if (value == NULL) {
			hc_probe_report(ctx, cvm_switches[i].id, state, NULL, "%s", reason);
			continue;
		}
		/* the module clears its parameter when firmware init fails, so it is the verdict */
		on = hc_kvm_param_to_bool(value);
		hc_probe_report(ctx,
				cvm_switches[i].id,
				on > 0	  ? HC_CAP_STATE_SUPPORTED
				: on == 0 ? HC_CAP_STATE_DISABLED
					  : HC_CAP_STATE_UNKNOWN,
				on >= 0 ? g_variant_new_boolean(on) : NULL,
				"/sys/module/%s/parameters/%s = %s; %s",
				cvm_switches[i].module,
				cvm_switches[i].param,
				value,
				types_note);
	}
}

static void
hc_cvm_report_cpuid_ids(HcProbeContext *ctx, HcCapState state, const char *reason)
{
	hc_probe_report(ctx, "cvm.sev.cbitpos", state, NULL, "%s", reason);
	hc_probe_report(ctx, "cvm.sev.reduced_phys_bits", state, NULL, "%s", reason);
}

static void
hc_cvm_probe_cpuid(HcProbeContext *ctx)
{
	unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;

	if (g_strcmp0(hc_probe_context_get_sysroot(ctx), "") != 0) {
		hc_cvm_report_cpuid_ids(ctx,
					HC_CAP_STATE_UNKNOWN,
					"CPUID 0x8000001F describes this machine, not the sysroot");
		return;
	}
	if (__get_cpuid_max(0x80000000, NULL) < CVM_SEV_LEAF) {
		hc_cvm_report_cpuid_ids(ctx,
					HC_CAP_STATE_UNSUPPORTED,
					"CPUID: maximum extended leaf is below 0x8000001F");
		return;
	}
	__cpuid_count(CVM_SEV_LEAF, 0, eax, ebx, ecx, edx);
	if (!(eax & (1u << 1))) {
		hc_cvm_report_cpuid_ids(ctx,
					HC_CAP_STATE_UNSUPPORTED,
					"CPUID 0x8000001F EAX bit 1 (SEV) is clear");
		return;
	}
	hc_probe_report_int(ctx,
			    "cvm.sev.cbitpos",
			    HC_CAP_STATE_SUPPORTED,
			    ebx & 0x3f,
			    "CPUID 0x8000001F EBX[5:0]");
	hc_probe_report_int(ctx,
			    "cvm.sev.reduced_phys_bits",
			    HC_CAP_STATE_SUPPORTED,
			    (ebx >> 6) & 0x3f,
			    "CPUID 0x8000001F EBX[11:6]");
}

static void
hc_cvm_probe_nodes(HcProbeContext *ctx, const HcKvm *kvm)
{
	gboolean sev = hc_probe_context_exists(ctx, "/dev/sev");
	gboolean vepc = hc_probe_context_exists(ctx, "/dev/sgx_vepc");
	gint64 attr = kvm->fd >= 0 ? hc_kvm_check_extension(kvm->fd, HC_KVM_CAP_SGX_ATTRIBUTE) : -1;

	hc_probe_report_bool(ctx,
			     "cvm.sev.device",
			     sev ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
			     sev,
			     "/dev/sev %s",
			     sev ? "exists" : "does not exist");
	hc_probe_report_bool(ctx,
			     "sgx.epc",
			     vepc ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
			     vepc,
			     "/dev/sgx_vepc %s; KVM_CAP_SGX_ATTRIBUTE(196) %s",
			     vepc ? "exists" : "does not exist",
			     attr > 0	 ? "supported"
			     : attr == 0 ? "not supported"
					 : "not checked");
}

static void
hc_cvm_report_sev_status_all(HcProbeContext *ctx, HcCapState state, const char *reason)
{
	for (guint i = 0; i < G_N_ELEMENTS(cvm_sev_status_ids); i++)
		hc_probe_report(ctx, cvm_sev_status_ids[i], state, NULL, "%s", reason);
}

/* the firmware's own view: /dev/sev exists only where the PSP driver found SEV */
static void
hc_cvm_probe_sev_status(HcProbeContext *ctx)
{
	g_autoptr(GError) error = NULL;
	CvmSevStatus status = {0};
	CvmSevCmd cmd = {.cmd = CVM_SEV_PLATFORM_STATUS, .data = (guint64)(guintptr)&status};
	int err = 0;
	int fd = hc_probe_context_open(ctx, "/dev/sev", O_RDWR | O_CLOEXEC, &err, &error);
	const char *state;

	if (fd < 0) {
		hc_cvm_report_sev_status_all(ctx,
					     err == ENOENT ? HC_CAP_STATE_UNSUPPORTED
							   : HC_CAP_STATE_UNKNOWN,
					     error->message);
		return;
	}
	if (ioctl(fd, CVM_SEV_ISSUE_CMD, &cmd) < 0) {
		g_autofree char *reason = NULL;

		err = errno;
		reason = g_strdup_printf("SEV_ISSUE_CMD(SEV_PLATFORM_STATUS) on /dev/sev: %s%s",
					 g_strerror(err),
					 err == ENOTTY ? " (not the SEV device)" : "");
		if (cmd.error != 0) {
			g_autofree char *tmp = reason;

			reason = g_strdup_printf("%s, firmware error %#x", tmp, cmd.error);
		}
		/* ENODEV: the PSP is there but SEV is not initialised / not present */
		hc_cvm_report_sev_status_all(ctx,
					     err == ENODEV ? HC_CAP_STATE_UNSUPPORTED
							   : HC_CAP_STATE_UNKNOWN,
					     reason);
		hc_kvm_close_fd(fd);
		return;
	}
	hc_kvm_close_fd(fd);
	state = status.state < G_N_ELEMENTS(cvm_sev_states) ? cvm_sev_states[status.state]
							    : "unknown";
	hc_probe_report(
	    ctx,
	    "cvm.sev.api_version",
	    HC_CAP_STATE_SUPPORTED,
	    g_variant_new_take_string(g_strdup_printf("%u.%u", status.api_major, status.api_minor)),
	    "SEV_PLATFORM_STATUS on /dev/sev: api_major.api_minor");
	hc_probe_report_int(ctx,
			    "cvm.sev.build",
			    HC_CAP_STATE_SUPPORTED,
			    status.build,
			    "SEV_PLATFORM_STATUS on /dev/sev: build");
	hc_probe_report_string(ctx,
			       "cvm.sev.state",
			       HC_CAP_STATE_SUPPORTED,
			       state,
			       "SEV_PLATFORM_STATUS on /dev/sev: state %u, flags %#x",
			       status.state,
			       status.flags);
	hc_probe_report_int(ctx,
			    "cvm.sev.guest_count",
			    HC_CAP_STATE_SUPPORTED,
			    status.guest_count,
			    "SEV_PLATFORM_STATUS on /dev/sev: guest_count");
}

static gboolean
hc_cvm_run(HcProbeContext *ctx, GError **error)
{
	g_autoptr(HcKvm) kvm = hc_kvm_open(ctx);

	hc_cvm_probe_switches(ctx, hc_cvm_vm_types(kvm));
	hc_cvm_probe_cpuid(ctx);
	hc_cvm_probe_nodes(ctx, kvm);
	hc_cvm_probe_sev_status(ctx);
	return TRUE;
}

static const char *const cvm_subsystems[] = {"module", "misc", NULL};
static const char *const cvm_devnodes[] = {"/dev/kvm", "/dev/sev", "/dev/sgx_vepc", NULL};

const HcProbeInfo hc_probe_confidential = {
    .name = "confidential",
    .description = "SEV, SEV-ES, SEV-SNP, TDX and SGX EPC for confidential guests",
    .ids = cvm_ids,
    .declare_ids = NULL,
    .subsystems = cvm_subsystems,
    .devnodes = cvm_devnodes,
    .timeout_msec = 0,
    .flags = HC_PROBE_FLAG_NONE,
    .run = hc_cvm_run,
};
