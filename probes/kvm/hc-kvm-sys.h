/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hostcap/hc-probe.h"

G_BEGIN_DECLS

/*
 * /dev/kvm access shared by the KVM-backed probes (kvm, cpuid, tsc, nested, confidential).
 * ioctl numbers from include/uapi/linux/kvm.h (x86-64 encodings), spelled out so they do not
 * depend on the build host's headers.
 */
#define HC_KVM_API_VERSION		  12
#define HC_KVM_GET_API_VERSION		  0xAE00
#define HC_KVM_CREATE_VM		  0xAE01
#define HC_KVM_CHECK_EXTENSION		  0xAE03
#define HC_KVM_GET_SUPPORTED_CPUID	  0xC008AE05
#define HC_KVM_GET_EMULATED_CPUID	  0xC008AE09
#define HC_KVM_GET_MSR_FEATURE_INDEX_LIST 0xC004AE0A
#define HC_KVM_CREATE_VCPU		  0xAE41
#define HC_KVM_GET_MSRS			  0xC008AE88
#define HC_KVM_GET_TSC_KHZ		  0xAEA3
#define HC_KVM_GET_SUPPORTED_HV_CPUID	  0xC008AEC1
#define HC_KVM_GET_DEVICE_ATTR		  0x4018AEE2

/* what a KVM-backed probe could get from /dev/kvm */
typedef struct {
	int fd;		  /* /dev/kvm, O_RDWR|O_CLOEXEC; -1 when unusable */
	int api_version;  /* KVM_GET_API_VERSION, -1 when it failed */
	HcCapState state; /* SUPPORTED when fd >= 0; else what every KVM-derived id says */
	char *reason;	  /* why, when fd < 0; "/dev/kvm" otherwise */
} HcKvm;

/**
 * hc_kvm_open:
 *
 * Opens /dev/kvm through @ctx and checks KVM_GET_API_VERSION == 12. Never NULL: when the
 * device is unusable, fd is -1 and state/reason say why: a missing node is "unsupported"
 * ("open /dev/kvm: No such file or directory"), a permission or ioctl error "unknown"
 * with the errno text, a wrong API version "unsupported".
 */
HcKvm *
hc_kvm_open(HcProbeContext *ctx);
void
hc_kvm_free(HcKvm *kvm);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcKvm, hc_kvm_free)

/* KVM_CHECK_EXTENSION on any KVM fd: the raw value, or -errno */
gint64
hc_kvm_check_extension(int fd, guint cap);

/**
 * hc_kvm_create_vm:
 *
 * KVM_CREATE_VM(@type) on @kvm: a scratch VM fd the caller closes at once, or -1 with
 * @state and @reason (owned) set: "unknown" for transient errors (ENOMEM, EMFILE, …),
 * "unsupported" otherwise.
 */
int
hc_kvm_create_vm(const HcKvm *kvm, gulong type, HcCapState *state, char **reason);

/* reports @id with the state and reason that made /dev/kvm unusable */
void
hc_kvm_report_unavailable(HcProbeContext *ctx, const HcKvm *kvm, const char *id);

/* close(2) that keeps errno; ignores fd < 0 */
void
hc_kvm_close_fd(int fd);

G_END_DECLS
