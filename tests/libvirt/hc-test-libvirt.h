/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Debian's real libvirtd for the 'libvirt' suite: started by the test with a private
 * configuration (its sockets and log under a temporary directory), virtlogd beside it when
 * none runs, both stopped again. libvirtd's QEMU driver keeps its state under /run/libvirt
 * and /var/lib/libvirt: one such libvirtd at a time, so the suite is not parallel.
 */
typedef struct _HcTestLibvirt HcTestLibvirt;

/* exit status for "libvirt cannot be installed here" */
#define HC_TEST_LIBVIRT_SKIP 77

/* installs libvirt-daemon-system and libvirt-clients when missing (as root); FALSE when
 * they cannot be installed: the test exits HC_TEST_LIBVIRT_SKIP */
gboolean
hc_test_libvirt_ensure_packages(void);
/* @tmpdir: holds the configuration, sockets and libvirtd.log */
HcTestLibvirt *
hc_test_libvirt_start(const char *tmpdir, GError **error);
void
hc_test_libvirt_stop(HcTestLibvirt *lv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcTestLibvirt, hc_test_libvirt_stop)

/* virsh -c <this libvirtd> ARGS…; returns its exit status (-1: not run) */
int
hc_test_libvirt_virsh(HcTestLibvirt *lv, const char *const *args, char **out, char **err);
/* the log libvirtd writes (debug level for command output and hooks) */
char *
hc_test_libvirt_read_log(HcTestLibvirt *lv);

G_END_DECLS
