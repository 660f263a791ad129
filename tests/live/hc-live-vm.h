/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * A real QEMU running the test guest (scripts/get-guest) under TCG with a tap-backed
 * virtio-net-pci (vhost=off), each QEMU in a network namespace of its own so the host never
 * sees a tap. The test listens on unix sockets and QEMU connects to them as a client: QMP,
 * and the guest's serial console for a source. A target waits with -incoming defer until
 * hc_live_migrate() gives it the migration socket.
 */

typedef struct {
	const char *qemu;  /* executable that runs qemu-system-x86_64 (scripts/get-qemu) */
	const char *guest; /* directory with vmlinuz and initrd.img (scripts/get-guest) */
	const char *machine;
	guint memory_mib;
	const char *dir; /* scratch directory for sockets and logs */
} HcLiveRig;

typedef struct _HcLiveVm HcLiveVm;

/**
 * hc_live_vm_start:
 * @name: unique within @rig->dir: names the VM's socket directory and log
 * @props: (nullable): NULL-terminated virtio-net-pci properties ("host_uso=off")
 * @incoming: a migration target (-incoming defer, no console) rather than a booting source
 *
 * Starts QEMU and completes the QMP handshake; a source then boots on its own.
 */
HcLiveVm *
hc_live_vm_start(const HcLiveRig *rig,
		 const char *name,
		 const char *const *props,
		 gboolean incoming,
		 GError **error);
/* the command line QEMU runs with, argv[0] is the binary */
const char *const *
hc_live_vm_get_argv(HcLiveVm *vm);
/**
 * hc_live_vm_wait_ready:
 * @features: (out) (optional): the guest's virtio-net features line (one '0'/'1' per bit)
 *
 * Reads the guest console until the guest's init says its virtio_net driver is bound.
 */
gboolean
hc_live_vm_wait_ready(HcLiveVm *vm, char **features, GError **error);
/* one QMP command; the "return" member, or an error with QMP's "desc" */
JsonNode *
hc_live_vm_qmp(HcLiveVm *vm, const char *command, JsonObject *args, GError **error);
/* what QEMU wrote to stderr so far */
char *
hc_live_vm_get_log(HcLiveVm *vm);
/* quits QEMU (or kills it) and waits for it */
void
hc_live_vm_free(HcLiveVm *vm);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcLiveVm, hc_live_vm_free)

typedef struct {
	gboolean migrated;   /* the target runs the guest */
	char *source_status; /* the source's last migration status ("completed", "failed") */
	char *target_error;  /* why the target did not take the guest: its QMP status or log */
} HcLiveOutcome;

void
hc_live_outcome_clear(HcLiveOutcome *out);

/**
 * hc_live_migrate:
 *
 * Live-migrates @source's guest into @target (started with @incoming) over a unix socket,
 * waiting for both sides' MIGRATION events. A failure of the migration itself is an outcome,
 * not an error; errors are for the harness (QEMU unreachable, timeouts).
 */
gboolean
hc_live_migrate(HcLiveVm *source, HcLiveVm *target, HcLiveOutcome *out, GError **error);

G_END_DECLS
