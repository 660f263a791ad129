/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "hc-catalogue.h"
#include "hc-qemu-opts.h"

G_BEGIN_DECLS

/*
 * QEMU command-line import, internal to hc-qemu-argv*.c. The entry point,
 * hc_qemu_argv_to_spec(), is declared in hc-verdict.h; docs/qemu-import.md says what each
 * option becomes. Each handler gets one option's items and either records features, records
 * what it did not understand in "unevaluated", or fails with HC_ERROR_INVALID_ARGUMENT
 * naming the option (a value QEMU itself would refuse).
 */

typedef struct {
	HcCatalogue *cat; /* borrowed; NULL: device properties stay unevaluated */
	JsonObject *features;
	GPtrArray *unevaluated; /* char* */
	char *machine;
	char *platform;
	GPtrArray *accels;     /* char*, in the order QEMU would try them */
	GHashTable *backends;  /* memory backend id → size in bytes (0: none given) */
	GHashTable *cgs_types; /* confidential object id → feature id */
	char *ram_backend;     /* -machine memory-backend= */
	char *cgs;	       /* -machine confidential-guest-support= */
	char *sev_es_object;   /* sev-guest id whose policy asks for SEV-ES */
	const char *opt;       /* the option being parsed, for messages */
	const char *arg;
} HcArgv;

/* "<opt> <arg>" (@item NULL) or "<opt> …,<item>" into unevaluated */
void
hc_argv_unevaluated(HcArgv *ctx, const char *item);
/* "<opt> <arg> (<why>)" into unevaluated */
void
hc_argv_unevaluated_why(HcArgv *ctx, const char *why);
void
hc_argv_unevaluated_opt(HcArgv *ctx, const HcQemuOpt *o);
/* @true_wins: several devices ask; "on" anywhere is what the host must provide */
void
hc_argv_set_bool(HcArgv *ctx, const char *id, gboolean value, gboolean true_wins);
/* rounds up to whole MiB */
void
hc_argv_set_mib(HcArgv *ctx, guint64 bytes);
/* sets HC_ERROR_INVALID_ARGUMENT "<opt> <arg>: <what> '<value>'"; returns FALSE */
gboolean
hc_argv_bad(HcArgv *ctx, GError **error, const char *what, const char *value);
gboolean
hc_argv_bool(HcArgv *ctx, const HcQemuOpt *o, gboolean *out, GError **error);
/* on/off/auto (and QEMU's other boolean spellings) → enum feature @id: "on", "off", "auto" */
gboolean
hc_argv_on_off_auto(HcArgv *ctx, const HcQemuOpt *o, const char *id, GError **error);
gboolean
hc_argv_uint(HcArgv *ctx, const HcQemuOpt *o, guint64 *out, GError **error);
gboolean
hc_argv_str_in(const char *s, const char *const *list);
/* the value of the item @key; NULL when absent */
const char *
hc_argv_get(GPtrArray *opts, const char *key);
/* the value of @key, or of the first bare item (the option's implied key) */
const char *
hc_argv_implied(GPtrArray *opts, const char *key);
gboolean
hc_argv_is_implied(GPtrArray *opts, guint i, const char *key);

/* hc-qemu-argv-machine.c */
gboolean
hc_argv_machine(HcArgv *ctx, GPtrArray *opts, GError **error);
gboolean
hc_argv_accel(HcArgv *ctx, GPtrArray *opts, GError **error);
gboolean
hc_argv_cpu(HcArgv *ctx, GPtrArray *opts, GError **error);
gboolean
hc_argv_smp(HcArgv *ctx, GPtrArray *opts, GError **error);
gboolean
hc_argv_memory(HcArgv *ctx, GPtrArray *opts, GError **error);
gboolean
hc_argv_object(HcArgv *ctx, GPtrArray *opts, GError **error);
void
hc_argv_mem_path(HcArgv *ctx, const char *path);

/* hc-qemu-argv-devices.c */
gboolean
hc_argv_netdev(HcArgv *ctx, GPtrArray *opts, GError **error);
gboolean
hc_argv_device(HcArgv *ctx, GPtrArray *opts, GError **error);
gboolean
hc_argv_global(HcArgv *ctx, GPtrArray *opts, GError **error);
gboolean
hc_argv_drive(HcArgv *ctx, GPtrArray *opts, GError **error);
gboolean
hc_argv_blockdev(HcArgv *ctx, GPtrArray *opts, GError **error);
gboolean
hc_argv_overcommit(HcArgv *ctx, GPtrArray *opts, GError **error);

G_END_DECLS
