/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * KVM_GET_SUPPORTED_CPUID / KVM_GET_EMULATED_CPUID on /dev/kvm
 * (Documentation/virt/kvm/api.rst §4.46 and §4.97): the kernel fills at most nent entries
 * and fails with E2BIG when that is too few.
 */
#include "hc-kvm-cpuid.h"

#include <errno.h>
#include <gio/gio.h>
#include <sys/ioctl.h>

#define HC_KVM_CPUID_MAX_NENT 4096

HcCpuid2 *
hc_kvm_cpuid_get(int fd, gulong request, const char *request_name, GError **error)
{
	for (guint32 nent = 128; nent <= HC_KVM_CPUID_MAX_NENT; nent *= 2) {
		g_autofree HcCpuid2 *cpuid =
		    g_malloc0(sizeof(HcCpuid2) + nent * sizeof(HcCpuidEntry));
		int err;

		cpuid->nent = nent;
		if (ioctl(fd, request, cpuid) == 0)
			return g_steal_pointer(&cpuid);
		err = errno;
		if (err == E2BIG)
			continue;
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(err),
			    "%s on /dev/kvm: %s",
			    request_name,
			    g_strerror(err));
		return NULL;
	}
	g_set_error(error,
		    G_IO_ERROR,
		    G_IO_ERROR_FAILED,
		    "%s on /dev/kvm: more than %u entries",
		    request_name,
		    HC_KVM_CPUID_MAX_NENT);
	return NULL;
}

const HcCpuidEntry *
hc_kvm_cpuid_find(const HcCpuid2 *cpuid, guint32 leaf, guint32 subleaf)
{
	for (guint32 i = 0; i < cpuid->nent; i++) {
		const HcCpuidEntry *e = &cpuid->entries[i];

		if (e->function != leaf)
			continue;
		if ((e->flags & HC_KVM_CPUID_FLAG_SIGNIFICANT_INDEX) && e->index != subleaf)
			continue;
		return e;
	}
	return NULL;
}

guint32
hc_kvm_cpuid_reg(const HcCpuidEntry *entry, guint reg)
{
	const guint32 regs[] = {entry->eax, entry->ebx, entry->ecx, entry->edx};

	return reg < G_N_ELEMENTS(regs) ? regs[reg] : 0;
}
