/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dynamic XSAVE components for guests (AMX), the part of the guest FPU that is not in
 * KVM_GET_SUPPORTED_CPUID alone.
 *
 * kernel interfaces: KVM_GET_DEVICE_ATTR (0x4018AEE2) on /dev/kvm, group KVM_X86_GRP_SYSTEM
 * (0), attr KVM_X86_XCOMP_GUEST_SUPP (0): the XCR0 bits a guest may enable (5.17+, needs
 * KVM_CAP_SYS_ATTRIBUTES); arch_prctl(2) ARCH_GET_XCOMP_SUPP (0x1021),
 * ARCH_GET_XCOMP_GUEST_PERM (0x1024) and ARCH_REQ_XCOMP_GUEST_PERM (0x1025) with
 * XFEATURE_XTILE_DATA (18) (Documentation/arch/x86/xstate.rst).
 *
 * The request changes this process: once granted, the whole process (the daemon) holds the
 * guest permission for AMX tile data until it exits. That is what QEMU does at start for
 * every VM with amx-tile, the permission only lets the process size guest FPU buffers for
 * AMX, and it cannot be dropped again; a probe that only read the permission would report
 * "not yet requested" rather than whether a VM can get AMX. The kernel freezes a process's
 * guest permission at its first vCPU (EBUSY afterwards), so when another probe's scratch
 * vCPU came first, ARCH_GET_XCOMP_SUPP (what any new process may request) decides.
 */
#include "hc-cpuid-xcomp.h"

#include <errno.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kvm/hc-kvm-caps.h"

#define HC_KVM_X86_GRP_SYSTEM	     0
#define HC_KVM_X86_XCOMP_GUEST_SUPP  0
#define HC_ARCH_GET_XCOMP_SUPP	     0x1021
#define HC_ARCH_GET_XCOMP_GUEST_PERM 0x1024
#define HC_ARCH_REQ_XCOMP_GUEST_PERM 0x1025
#define HC_XFEATURE_XTILE_DATA	     18

/* struct kvm_device_attr (include/uapi/linux/kvm.h) */
typedef struct {
	guint32 flags;
	guint32 group;
	guint64 attr;
	guint64 addr;
} KvmDeviceAttr;

void
hc_cpuid_xcomp_declare_ids(GPtrArray *ids)
{
	g_ptr_array_add(ids, g_strdup("cpu.xsave.guest_supported"));
	g_ptr_array_add(ids, g_strdup("cpu.amx.guest_perm"));
}

static void
hc_xcomp_report_guest_supported(HcProbeContext *ctx, const HcKvm *kvm)
{
	guint64 mask = 0;
	KvmDeviceAttr attr = {
	    .group = HC_KVM_X86_GRP_SYSTEM,
	    .attr = HC_KVM_X86_XCOMP_GUEST_SUPP,
	    .addr = (guint64)(guintptr)&mask,
	};
	gint64 sys_attrs = hc_kvm_check_extension(kvm->fd, HC_KVM_CAP_SYS_ATTRIBUTES);

	if (sys_attrs <= 0) {
		hc_probe_report(ctx,
				"cpu.xsave.guest_supported",
				sys_attrs == 0 ? HC_CAP_STATE_UNSUPPORTED : HC_CAP_STATE_UNKNOWN,
				NULL,
				"KVM_CHECK_EXTENSION(KVM_CAP_SYS_ATTRIBUTES=209) on /dev/kvm %s",
				sys_attrs == 0 ? "= 0" : g_strerror((int)-sys_attrs));
		return;
	}
	if (ioctl(kvm->fd, HC_KVM_GET_DEVICE_ATTR, &attr) < 0) {
		int err = errno;

		/* ENXIO: a kernel that has system attributes but not this one */
		hc_probe_report(
		    ctx,
		    "cpu.xsave.guest_supported",
		    err == ENXIO || err == EINVAL ? HC_CAP_STATE_UNSUPPORTED : HC_CAP_STATE_UNKNOWN,
		    NULL,
		    "KVM_GET_DEVICE_ATTR(KVM_X86_GRP_SYSTEM, KVM_X86_XCOMP_GUEST_SUPP) on "
		    "/dev/kvm: %s",
		    g_strerror(err));
		return;
	}
	hc_probe_report_int(ctx,
			    "cpu.xsave.guest_supported",
			    mask != 0 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
			    (gint64)mask,
			    "KVM_GET_DEVICE_ATTR(KVM_X86_GRP_SYSTEM, KVM_X86_XCOMP_GUEST_SUPP) on "
			    "/dev/kvm = %#" G_GINT64_MODIFIER "x",
			    mask);
}

static int
hc_xcomp_get(int option, guint64 *mask)
{
	return syscall(SYS_arch_prctl, option, mask) < 0 ? errno : 0;
}

/* whether a guest may get AMX tile data: a bool, so the fingerprint does not depend on
 * which probe of this process created a vCPU first */
static void
hc_xcomp_report_amx_perm(HcProbeContext *ctx)
{
	const guint64 tile = G_GUINT64_CONSTANT(1) << HC_XFEATURE_XTILE_DATA;
	guint64 perm = 0, supp = 0;
	int err = hc_xcomp_get(HC_ARCH_GET_XCOMP_GUEST_PERM, &perm);

	if (err != 0) {
		/* EINVAL: a kernel before 5.17 does not know the option */
		hc_probe_report(ctx,
				"cpu.amx.guest_perm",
				err == EINVAL ? HC_CAP_STATE_UNSUPPORTED : HC_CAP_STATE_UNKNOWN,
				NULL,
				"arch_prctl(ARCH_GET_XCOMP_GUEST_PERM): %s",
				g_strerror(err));
		return;
	}
	if (perm & tile) {
		hc_probe_report_bool(ctx,
				     "cpu.amx.guest_perm",
				     HC_CAP_STATE_SUPPORTED,
				     TRUE,
				     "arch_prctl(ARCH_GET_XCOMP_GUEST_PERM) = %#" G_GINT64_MODIFIER
				     "x: XTILE_DATA already permitted to this process",
				     perm);
		return;
	}
	err = hc_xcomp_get(HC_ARCH_GET_XCOMP_SUPP, &supp);
	if (err != 0 || !(supp & tile)) {
		hc_probe_report_bool(ctx,
				     "cpu.amx.guest_perm",
				     err != 0 ? HC_CAP_STATE_UNKNOWN : HC_CAP_STATE_UNSUPPORTED,
				     FALSE,
				     "arch_prctl(ARCH_GET_XCOMP_SUPP) %s%#" G_GINT64_MODIFIER
				     "x: no XTILE_DATA (bit 18)",
				     err != 0 ? g_strerror(err) : "= ",
				     supp);
		return;
	}
	if (syscall(SYS_arch_prctl, HC_ARCH_REQ_XCOMP_GUEST_PERM, HC_XFEATURE_XTILE_DATA) == 0) {
		hc_probe_report_bool(
		    ctx,
		    "cpu.amx.guest_perm",
		    HC_CAP_STATE_SUPPORTED,
		    TRUE,
		    "arch_prctl(ARCH_REQ_XCOMP_GUEST_PERM, XTILE_DATA=18) granted to "
		    "this process, as QEMU requests it at start");
		return;
	}
	err = errno;
	/* EBUSY: a vCPU of this process (another probe's scratch VM) froze the permission; a
	 * new QEMU process asks before its first vCPU, and the kernel supports the feature */
	hc_probe_report_bool(ctx,
			     "cpu.amx.guest_perm",
			     err == EBUSY			  ? HC_CAP_STATE_SUPPORTED
			     : err == EOPNOTSUPP || err == EINVAL ? HC_CAP_STATE_UNSUPPORTED
								  : HC_CAP_STATE_UNKNOWN,
			     err == EBUSY,
			     "arch_prctl(ARCH_GET_XCOMP_SUPP) = %#" G_GINT64_MODIFIER
			     "x has XTILE_DATA; ARCH_REQ_XCOMP_GUEST_PERM(18): %s%s",
			     supp,
			     g_strerror(err),
			     err == EBUSY ? " (this process already has a vCPU; a new QEMU process "
					    "requests it before its first)"
					  : "");
}

void
hc_cpuid_xcomp_probe(HcProbeContext *ctx, const HcKvm *kvm)
{
	if (kvm->fd < 0) {
		hc_kvm_report_unavailable(ctx, kvm, "cpu.xsave.guest_supported");
		hc_kvm_report_unavailable(ctx, kvm, "cpu.amx.guest_perm");
		return;
	}
	hc_xcomp_report_guest_supported(ctx, kvm);
	hc_xcomp_report_amx_perm(ctx);
}
