/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "hc-catalogue.h"
#include "hc-report.h"
#include "hc-spec.h"

G_BEGIN_DECLS

/* one effective feature of a spec, and what it becomes on one host (DESIGN §7) */
typedef struct {
	char *id;
	const HcFeatureDef *def;
	JsonNode *value; /* requested: machine default, platform or explicit */
	HcOrigin origin;
	HcTri sat;		/* does the host meet its requirement? */
	JsonNode *host_value;	/* what QEMU runs with on this host; NULL = cannot tell */
	GPtrArray *consulted;	/* capability ids the decision read */
	GPtrArray *cpu_missing; /* cpu.model: features the host lacks */
	GPtrArray *cpu_unknown; /* cpu.model: features the host could not tell */
} HcFeatureEval;

typedef struct {
	HcCatalogue *cat;
	HcSnapshot *host;
	const HcSpec *spec;
	GPtrArray *features; /* HcFeatureEval*, sorted by id */
	GHashTable *by_id;
	HcReport *report; /* bootable findings and effective values */
} HcHostEval;

/* resolves the spec's effective features and judges each on @host */
HcHostEval *
hc_evaluate_host(HcCatalogue *cat, const HcSpec *spec, HcSnapshot *host, GError **error);
void
hc_host_eval_free(HcHostEval *ev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcHostEval, hc_host_eval_free)
const HcFeatureEval *
hc_host_eval_lookup(const HcHostEval *ev, const char *id);

/* does @host satisfy @plat? @failed (nullable) receives the requirement texts that fail */
HcTri
hc_platform_check(HcCatalogue *cat, const HcPlatform *plat, HcSnapshot *host, GPtrArray *failed);

/* "h1" or "this host" when the snapshot has no hostname */
const char *
hc_host_label(HcSnapshot *host);
/* a one-line account of what @host says about @ids: "net.tap.uso: unsupported (…)" */
char *
hc_describe_caps(HcSnapshot *host, GPtrArray *ids);

/* the spec's machine type against the host's QEMU (probe "qemu"), in hc-eval-qemu.c */
void
hc_eval_qemu_machine(HcHostEval *ev);
/* the QEMU release of @host ("11.1.3"), borrowed; NULL when its snapshot does not say */
const char *
hc_eval_qemu_release(HcSnapshot *host);
/* the spec's machine type as the host's QEMU resolves it: an alias ("q35") becomes the
 * machine it names there when the catalogue knows that one, else the spec's own name */
char *
hc_eval_qemu_machine_name(HcHostEval *ev);

/* is the guest CPU TCG's here (accel.kvm off, or a fallback to TCG)? in hc-eval-cpu-tcg.c */
gboolean
hc_eval_cpu_under_tcg(HcHostEval *ev);
/* cpu.model judged by the host's QEMU's TCG (probe "qemu"), in hc-eval-cpu-tcg.c */
void
hc_eval_cpu_model_tcg(HcHostEval *ev, HcFeatureEval *fe, gboolean enforce);

/* cpu.model, in hc-eval-cpu.c */
void
hc_eval_cpu_model(HcHostEval *ev, HcFeatureEval *fe);

G_END_DECLS
