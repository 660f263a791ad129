/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "hostcap/hc-probe.h"
#include "hostcap/hc-snapshot.h"

#include "hc-expr.h"
#include "hc-report.h"

G_BEGIN_DECLS

/*
 * The catalogue (DESIGN §6; formats in docs/formats.md): feature definitions, machine
 * type defaults, named platforms and CPU models, loaded from data roots with per-file-name
 * override. Immutable once loaded (the pattern-expression cache is locked).
 */

typedef struct _HcCatalogue HcCatalogue;

/**
 * hc_catalogue_load:
 * @dirs: NULL-terminated list of data roots, lowest priority first (e.g.
 *	{"/usr/share/hostcapd", "/etc/hostcapd", NULL}); each may hold features.d, machines.d,
 *	platforms.d; a file in a later root overrides the file of the same name in an earlier one
 *
 * Loads and validates the whole catalogue; an error names the file and the JSON path.
 */
HcCatalogue *
hc_catalogue_load(const char *const *dirs, GError **error);
/**
 * hc_catalogue_load_full:
 * @known_ids: (nullable): capability ids or dotted prefixes ("cpu.feature.") that probes
 *	declare; when given, a requirement naming any other capability is a load error
 *	(HC_ERROR_UNKNOWN_FEATURE naming the file and the id). The daemon passes the registry's
 *	declared ids plus the prefixes of host-dependent ids.
 */
HcCatalogue *
hc_catalogue_load_full(const char *const *dirs, const char *const *known_ids, GError **error);
/* the prefixes of ids a probe reports per host object (sizes, devices, features, site
 * facts), which no descriptor can list in advance */
extern const char *const hc_catalogue_dynamic_prefixes[];
/**
 * hc_catalogue_load_for_probes:
 * @probes: (array length=n_probes): the probes whose declared ids (hc_probe_info_get_ids)
 *	requirements may name, e.g. hc_probe_registry
 *
 * hc_catalogue_load_full() with those ids plus hc_catalogue_dynamic_prefixes: what the
 * daemon and the CLI load, so a requirement naming an id no probe reports fails at load time.
 */
HcCatalogue *
hc_catalogue_load_for_probes(const char *const *dirs,
			     const HcProbeInfo *const *probes,
			     guint n_probes,
			     GError **error);
HcCatalogue *
hc_catalogue_ref(HcCatalogue *cat);
void
hc_catalogue_unref(HcCatalogue *cat);
/* "sha256:…" over the loaded files' names and contents: part of the cache key */
const char *
hc_catalogue_get_hash(HcCatalogue *cat);
/* the hash the catalogue in @dirs would have, from the files' bytes alone (no parsing):
 * enough for a cache key, a fraction of the cost of loading */
char *
hc_catalogue_hash_files(const char *const *dirs, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcCatalogue, hc_catalogue_unref)

typedef enum {
	HC_FEATURE_TYPE_BOOL,
	HC_FEATURE_TYPE_INT,
	HC_FEATURE_TYPE_STRING,
	HC_FEATURE_TYPE_ENUM,
	HC_FEATURE_TYPE_CPU_MODEL,
	HC_FEATURE_TYPE_LAST,
} HcFeatureType;

typedef enum {
	HC_ON_MISSING_FAIL,	  /* QEMU refuses to start */
	HC_ON_MISSING_SILENT_OFF, /* QEMU quietly drops it: the guest ABI changes */
	HC_ON_MISSING_DEGRADE,	  /* performance only */
	HC_ON_MISSING_LAST,
} HcOnMissing;

const char *
hc_on_missing_to_string(HcOnMissing on_missing);

typedef struct {
	char *id; /* "virtio-net.host_uso", or a pattern "cpu.feature.*" */
	gboolean is_pattern;
	HcFeatureType type;
	char *description;
	char *qemu;	       /* "virtio-net-pci.host_uso": device.property, as for -global */
	char *requires;	       /* expression text; NULL = no host requirement */
	HcExpr *requires_expr; /* parsed; NULL for patterns (instantiated per id) */
	HcOnMissing on_missing;
	gboolean abi;
	char *remediation;
	char *group;		 /* features that must be pinned together */
	GPtrArray *values;	 /* enum: allowed values */
	GPtrArray *off_values;	 /* values that need nothing from the host */
	GPtrArray *auto_values;	 /* values for which a missing requirement is a quiet drop */
	char *filtered_unless;	 /* bool feature: unless true, a miss is filtered (warning) */
	char *falls_back_with;	 /* bool feature: when true, a miss is a fallback (warning) */
	GPtrArray *applies_with; /* defaults apply only when one of these features is on */
	gboolean platform_dependent;
	gboolean target_may_add;       /* migration: a target offering more is fine */
	gboolean blocks_migration;     /* QEMU refuses to live-migrate a VM with it on */
	char *blocks_migration_unless; /* …unless this feature is on too */
	char *note;		       /* reported as an info finding whenever the feature is on */
	char *effective_from;	  /* on: the guest gets this capability's value (host-phys-bits) */
	char *migration_requires; /* on: must hold on both hosts of a migration ("{}" = match) */
	char *migration_blocker;  /* what QEMU says when migration_requires fails */
	gint64 min;
	gint64 max;
	char *file;
} HcFeatureDef;

typedef struct {
	char *feature;
	JsonNode *value;
	char *since;	  /* first machine version, inclusive; NULL = all */
	char *until;	  /* last machine version, inclusive; NULL = all */
	char *qemu_since; /* first QEMU release it holds for ("8.2.0"); NULL = every release */
	char *qemu_until; /* last QEMU release, inclusive; NULL = every release */
} HcMachineDefault;

/* one QEMU release's machine data, generated from the release by scripts/gen-machines */
typedef struct {
	char *release;	     /* "11.1.3" */
	char *binary;	     /* the version banner of the binary it was read from */
	GPtrArray *versions; /* the family's machine versions this release offers, ascending */
	GPtrArray *defaults; /* HcMachineDefault*: what qom-get read, as version ranges */
	GPtrArray *unread;   /* feature ids the generator could not read from this release */
	char *file;
} HcMachineRelease;

typedef struct {
	char *family; /* "pc-q35" */
	char *description;
	GPtrArray *versions; /* hand-written versions ("6.0" … "10.1"), ascending; may be empty */
	GPtrArray *aliases;  /* "q35": the newest version */
	GPtrArray *defaults; /* HcMachineDefault*: what the releases' data cannot say */
	GPtrArray *releases; /* HcMachineRelease*, oldest release first */
	GPtrArray *all_versions; /* borrowed: every known version (file and releases), ascending */
	char *file;		 /* NULL until the family file is read (release data came first) */
} HcMachineFamily;

typedef struct {
	char *name;
	char *description;
	gint64 rank;	     /* newer platforms rank higher */
	GPtrArray *requires; /* HcExpr*: extra capability guarantees */
	GHashTable
	    *features; /* feature id → JsonNode: the defaults it implies (inherited merged) */
	char *inherits;
	char *file;
} HcPlatform;

typedef struct {
	char *name;
	char *vendor;
	char *alias_of;
	GPtrArray *features;	      /* QEMU spelling, the suffix of cpu.feature.<name> */
	GPtrArray *arch_capabilities; /* cpu.msr.arch_capabilities.<name> (MSR 0x10A bits) */
	GPtrArray *unmapped; /* set by the model, but no probe reports them: always unknown */
	char *release;	     /* the QEMU release the definition was read from; NULL = not said */
	GPtrArray *releases; /* every QEMU release known to have the model, oldest first */
} HcCpuModel;

typedef struct {
	const char *feature;
	JsonNode *value; /* borrowed from the catalogue */
} HcDefaultValue;

/* exact id first, then the longest pattern; NULL when none */
const HcFeatureDef *
hc_catalogue_lookup_feature(HcCatalogue *cat, const char *id);
/* the requires expression of @def instantiated for @id ("{}" = the pattern's match) */
const HcExpr *
hc_catalogue_get_requires(HcCatalogue *cat,
			  const HcFeatureDef *def,
			  const char *id,
			  GError **error);
/* migration_requires of @def instantiated for @id; NULL when it has none or on error */
const HcExpr *
hc_catalogue_get_migration_requires(HcCatalogue *cat,
				    const HcFeatureDef *def,
				    const char *id,
				    GError **error);
/* the feature whose "qemu" field is exactly @qemu ("virtio-net-pci.host_uso"); the first by id
 * when several share it; NULL when none */
const HcFeatureDef *
hc_catalogue_lookup_qemu_property(HcCatalogue *cat, const char *qemu);
/* sorted names, for did-you-mean */
GPtrArray *
hc_catalogue_get_feature_ids(HcCatalogue *cat);
GPtrArray *
hc_catalogue_get_machine_names(HcCatalogue *cat);
GPtrArray *
hc_catalogue_get_cpu_model_names(HcCatalogue *cat);
/* all defined features, sorted by id (patterns included) */
GPtrArray *
hc_catalogue_list_features(HcCatalogue *cat);
/* members of a pin group, sorted */
GPtrArray *
hc_catalogue_get_group(HcCatalogue *cat, const char *group);

/* "pc-q35-8.2", or an alias ("q35"); NULL when unknown */
const HcMachineFamily *
hc_catalogue_resolve_machine(HcCatalogue *cat, const char *name, const char **version);
/* the defaults a machine type implies under the newest QEMU release that has it */
GArray *
hc_catalogue_get_machine_defaults(HcCatalogue *cat, const char *machine);
/*
 * the defaults @machine implies under QEMU @release ("10.0.13"; NULL = the newest release that
 * offers the machine type): HcDefaultValue, one per feature. The data of the same release
 * series ("10.0") is used when the catalogue has it, else the newest release's that has the
 * machine type; entries tied to a release range (QEMU 8.2.0–8.2.4 offering USO on 8.1 machine
 * types) apply only when @release is in the range.
 */
GArray *
hc_catalogue_get_machine_defaults_for(HcCatalogue *cat, const char *machine, const char *release);
/* the default of one feature, borrowed; NULL when the machine type implies none */
JsonNode *
hc_catalogue_get_machine_default(HcCatalogue *cat,
				 const char *machine,
				 const char *release,
				 const char *feature);
/* the releases ("7.2.22", "11.1.3") whose generated data offers @machine, oldest first;
 * borrowed strings; empty when the machine type comes only from hand-written data */
GPtrArray *
hc_catalogue_get_machine_releases(HcCatalogue *cat, const char *machine);
/* does QEMU @release offer @machine? unknown when the catalogue has no data of the release's
 * series (then a release older than the machine version still says false) */
HcTri
hc_catalogue_release_offers_machine(HcCatalogue *cat, const char *machine, const char *release);
/* every release the machine data comes from ("7.2.22" …), oldest first; borrowed strings */
GPtrArray *
hc_catalogue_list_qemu_releases(HcCatalogue *cat);

const HcPlatform *
hc_catalogue_lookup_platform(HcCatalogue *cat, const char *name);
/* HcPlatform*, newest (highest rank) first */
GPtrArray *
hc_catalogue_list_platforms(HcCatalogue *cat);

const HcCpuModel *
hc_catalogue_lookup_cpu_model(HcCatalogue *cat, const char *name);
guint
hc_catalogue_get_n_cpu_models(HcCatalogue *cat);
/* the models themselves (no aliases), sorted by name; borrowed, built once */
const GPtrArray *
hc_catalogue_get_cpu_models(HcCatalogue *cat);

/* ---- used by the loader modules ---- */

/* parses one features.d file into @out (id → HcFeatureDef) */
gboolean
hc_catalogue_parse_features(const char *file, JsonObject *root, GHashTable *out, GError **error);
gboolean
hc_catalogue_parse_machines(const char *file, JsonObject *root, GHashTable *out, GError **error);
/* a generated hostcapd-qemu-machines/1 file: each family's data joins @out's family */
gboolean
hc_catalogue_parse_qemu_machines(const char *file,
				 JsonObject *root,
				 GHashTable *out,
				 GError **error);
/* after loading: releases sorted, every family's known versions collected */
gboolean
hc_catalogue_finish_machines(GHashTable *machines, GError **error);
HcMachineFamily *
hc_machine_family_new(const char *family);
void
hc_machine_release_free(HcMachineRelease *rel);
HcMachineDefault *
hc_machine_default_parse(JsonNode *node, const char *path, GError **error);
void
hc_machine_default_free(HcMachineDefault *def);
gboolean
hc_machine_validate_versions(GPtrArray *versions, const char *path, GError **error);
gboolean
hc_machine_parse_defaults(JsonObject *obj, const char *path, GPtrArray *out, GError **error);
gboolean
hc_catalogue_parse_platform(const char *file, JsonObject *root, GHashTable *out, GError **error);
gboolean
hc_catalogue_parse_cpu_models(const char *file, JsonObject *root, GHashTable *out, GError **error);
/* after loading: every model named "unchanged" by a newer release has a definition */
gboolean
hc_catalogue_finish_cpu_models(GHashTable *models, GError **error);
void
hc_feature_def_free(HcFeatureDef *def);
void
hc_machine_family_free(HcMachineFamily *fam);
void
hc_platform_free(HcPlatform *plat);
void
hc_cpu_model_free(HcCpuModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcMachineDefault, hc_machine_default_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcMachineFamily, hc_machine_family_free)

/* does @value (already type-checked) need nothing from the host? */
gboolean
hc_feature_value_is_off(const HcFeatureDef *def, JsonNode *value);
gboolean
hc_feature_value_is_auto(const HcFeatureDef *def, JsonNode *value);
/* the value to pin when the feature must be off: false, or the first off value */
JsonNode *
hc_feature_off_value(const HcFeatureDef *def);
/* "host_uso" from "virtio-net-pci.host_uso" (or the feature id's last part) */
const char *
hc_feature_property(const HcFeatureDef *def, const char *id);
/* checks @value against the feature's type; error "<path>: expected …" */
gboolean
hc_feature_check_value(const HcFeatureDef *def, JsonNode *value, const char *path, GError **error);

/* computes a value of @cat and @host: a new reference */
typedef GPtrArray *(*HcCatalogueDeriveFunc)(HcCatalogue *cat, HcSnapshot *host);
/**
 * hc_catalogue_derive:
 * @kind: names what @compute derives (one kind per function)
 *
 * The value @compute derives from @cat and @host, computed once per (@kind, the snapshot's
 * fingerprint) and kept with the catalogue; safe from several threads. Returns a new reference.
 */
GPtrArray *
hc_catalogue_derive(HcCatalogue *cat,
		    const char *kind,
		    HcSnapshot *host,
		    HcCatalogueDeriveFunc compute);

G_END_DECLS
