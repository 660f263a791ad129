/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hostcap/hc-probe.h"

G_BEGIN_DECLS

/* one QEMU binary found on the host, and what identifies this build of it */
typedef struct {
	char *path;	/* as the host names it: "/usr/bin/qemu-system-x86_64" */
	char *run_path; /* the same file through the sysroot: what is executed */
	guint64 size;
	gint64 mtime_nsec;
	char *build_id; /* hex of the ELF NT_GNU_BUILD_ID note; "" for a script or none */
} HcQemuBinary;

void
hc_qemu_binary_free(HcQemuBinary *bin);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcQemuBinary, hc_qemu_binary_free)

/* "path|size|mtime|build-id": equal keys mean an unchanged binary */
char *
hc_qemu_binary_key(const HcQemuBinary *bin);

/**
 * hc_qemu_binary_find_all:
 * @searched: (out): the places looked at, for the reason when none is found
 *
 * The QEMU binaries of the host, in order: the QemuBinary= paths, /usr/libexec/qemu-kvm,
 * then qemu-system-x86_64 in each $PATH directory; the same file reached twice (a /bin
 * symlink to /usr/bin) is listed once. Returns HcQemuBinary*, possibly empty.
 */
GPtrArray *
hc_qemu_binary_find_all(HcProbeContext *ctx, char **searched);

G_END_DECLS
