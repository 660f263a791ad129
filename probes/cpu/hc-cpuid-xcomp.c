/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dynamic XSAVE components for guests (AMX), the part of the guest FPU that is not in
 * KVM_GET_SUPPORTED_CPUID alone.
 *
 * kernel interfaces: KVM_GET_DEVICE_ATTR (0x4018AEE2) on /dev/kvm, group KVM_X86_GRP_SYSTEM
 * (0), attr KVM_X86_XCOMP_GUEST_SUPP (0): the XCR0 bits a guest may enable (5.17+, needs
 * KVM_CAP_SYS_ATTRIBUTES); arch_prctl(2) ARCH_GET_XCOMP_GUEST_PERM (0x1024) and
 * ARCH_REQ_XCOMP_GUEST_PERM (0x1025) with XFEATURE_XTILE_DATA (18)
 * (Documentation/arch/x86/xstate.rst).
 *
 * The request changes this process: once granted, the whole process (the daemon) holds the
 * guest permission for AMX tile data until it exits. That is what QEMU does at start for
 * every VM with amx-tile, the permission only lets the process size guest FPU buffers for
 * AMX, and it cannot be dropped again; a probe that only read the permission would report
 * "not yet requested" rather than whether a VM can get AMX.
 */
#include "hc-cpuid-xcomp.h"

#include <errno.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kvm/hc-kvm-caps.h"

#define HC_KVM_X86_GRP_SYSTEM	     0
#define HC_KVM_X86_XCOMP_GUEST_SUPP  0
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
xcomp_report_guest_supported(HcProbeContext *ctx, const HcKvm *kvm)
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
xcomp_get_perm(guint64 *perm)
{
	return syscall(SYS_arch_prctl, HC_ARCH_GET_XCOMP_GUEST_PERM, perm) < 0 ? errno : 0;
}

static void
xcomp_report_amx_perm(HcProbeContext *ctx)
{
	const guint64 tile = G_GUINT64_CONSTANT(1) << HC_XFEATURE_XTILE_DATA;
	guint64 perm = 0;
	int err = xcomp_get_perm(&perm);

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
		hc_probe_report_int(ctx,
				    "cpu.amx.guest_perm",
				    HC_CAP_STATE_SUPPORTED,
				    (gint64)perm,
				    "arch_prctl(ARCH_GET_XCOMP_GUEST_PERM) = %#" G_GINT64_MODIFIER
				    "x: XTILE_DATA already permitted to this process",
				    perm);
		return;
	}
	if (syscall(SYS_arch_prctl, HC_ARCH_REQ_XCOMP_GUEST_PERM, HC_XFEATURE_XTILE_DATA) < 0) {
		err = errno;
		hc_probe_report_int(ctx,
				    "cpu.amx.guest_perm",
				    err == EOPNOTSUPP || err == EINVAL ? HC_CAP_STATE_UNSUPPORTED
								       : HC_CAP_STATE_UNKNOWN,
				    (gint64)perm,
				    "arch_prctl(ARCH_REQ_XCOMP_GUEST_PERM, XTILE_DATA=18): %s; "
				    "permitted %#" G_GINT64_MODIFIER "x",
				    g_strerror(err),
				    perm);
		return;
	}
	err = xcomp_get_perm(&perm);
	hc_probe_report_int(
	    ctx,
	    "cpu.amx.guest_perm",
	    err == 0 && (perm & tile) ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNKNOWN,
	    (gint64)perm,
	    "arch_prctl(ARCH_REQ_XCOMP_GUEST_PERM, XTILE_DATA=18) granted to this "
	    "process (as QEMU does at start); ARCH_GET_XCOMP_GUEST_PERM = %#" G_GINT64_MODIFIER "x",
	    perm);
}

void
hc_cpuid_xcomp_probe(HcProbeContext *ctx, const HcKvm *kvm)
{
	if (kvm->fd < 0) {
		hc_kvm_report_unavailable(ctx, kvm, "cpu.xsave.guest_supported");
		hc_kvm_report_unavailable(ctx, kvm, "cpu.amx.guest_perm");
		return;
	}
	xcomp_report_guest_supported(ctx, kvm);
	xcomp_report_amx_perm(ctx);
}
