/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * /dev/kvm system ioctls (Documentation/virt/kvm/api.rst §4.1 KVM_GET_API_VERSION, §4.2
 * KVM_CREATE_VM, §4.4 KVM_CHECK_EXTENSION) shared by the KVM-backed probes.
 */
#include "hc-kvm-sys.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

void
hc_kvm_close_fd(int fd)
{
	int saved = errno;

	if (fd >= 0)
		close(fd);
	errno = saved;
}

HcKvm *
hc_kvm_open(HcProbeContext *ctx)
{
	g_autoptr(HcKvm) kvm = g_new0(HcKvm, 1);
	g_autoptr(GError) error = NULL;
	int err = 0;
	int fd;

	kvm->fd = -1;
	kvm->api_version = -1;
	fd = hc_probe_context_open(ctx, "/dev/kvm", O_RDWR | O_CLOEXEC, &err, &error);
	if (fd < 0) {
		/* no node means no KVM here; anything else (EACCES, …) means we could not tell */
		kvm->state = (err == ENOENT || err == ENODEV || err == ENXIO)
				 ? HC_CAP_STATE_UNSUPPORTED
				 : HC_CAP_STATE_UNKNOWN;
		kvm->reason = g_strdup(error->message);
		return g_steal_pointer(&kvm);
	}
	kvm->api_version = ioctl(fd, HC_KVM_GET_API_VERSION, 0);
	if (kvm->api_version < 0) {
		kvm->state = HC_CAP_STATE_UNKNOWN;
		kvm->reason =
		    g_strdup_printf("KVM_GET_API_VERSION on /dev/kvm: %s", g_strerror(errno));
		hc_kvm_close_fd(fd);
		return g_steal_pointer(&kvm);
	}
	if (kvm->api_version != HC_KVM_API_VERSION) {
		kvm->state = HC_CAP_STATE_UNSUPPORTED;
		kvm->reason = g_strdup_printf("KVM_GET_API_VERSION on /dev/kvm = %d, expected %d",
					      kvm->api_version,
					      HC_KVM_API_VERSION);
		hc_kvm_close_fd(fd);
		return g_steal_pointer(&kvm);
	}
	kvm->fd = fd;
	kvm->state = HC_CAP_STATE_SUPPORTED;
	kvm->reason = g_strdup("/dev/kvm");
	return g_steal_pointer(&kvm);
}

void
hc_kvm_free(HcKvm *kvm)
{
	if (kvm == NULL)
		return;
	hc_kvm_close_fd(kvm->fd);
	g_free(kvm->reason);
	g_free(kvm);
}

gint64
hc_kvm_check_extension(int fd, guint cap)
{
	int ret = ioctl(fd, HC_KVM_CHECK_EXTENSION, (unsigned long)cap);

	return ret < 0 ? -errno : ret;
}

int
hc_kvm_create_vm(const HcKvm *kvm, gulong type, HcCapState *state, char **reason)
{
	int vm;
	int err;

	if (kvm->fd < 0) {
		*state = kvm->state;
		*reason = g_strdup(kvm->reason);
		return -1;
	}
	do {
		vm = ioctl(kvm->fd, HC_KVM_CREATE_VM, type);
	} while (vm < 0 && errno == EINTR);
	if (vm >= 0)
		return vm;
	err = errno;
	/* resource shortage says nothing about the host; the rest is KVM refusing */
	*state = (err == ENOMEM || err == EMFILE || err == ENFILE || err == EAGAIN)
		     ? HC_CAP_STATE_UNKNOWN
		     : HC_CAP_STATE_UNSUPPORTED;
	*reason = g_strdup_printf("KVM_CREATE_VM(%lu): %s", type, g_strerror(err));
	return -1;
}

void
hc_kvm_report_unavailable(HcProbeContext *ctx, const HcKvm *kvm, const char *id)
{
	hc_probe_report(ctx, id, kvm->state, NULL, "%s", kvm->reason);
}
