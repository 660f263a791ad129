/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "hostcap/hc-probe.h"
#include "hostcap/hc-snapshot.h"

G_BEGIN_DECLS

/**
 * The verdict facade: the few calls the daemon and the CLI make into the verdict engine
 * (DESIGN §6–7). Everything behind it (expressions, catalogue, evaluator, QEMU argv
 * import) lives in its own libhostcap module.
 *
 * Reports are the JSON of DESIGN §7:
 *   {"verdict": "yes|no|unknown", "findings": [...], "effective": {...}}
 * A "no" is a normal answer, never an error: errors are for bad input (HC_ERROR_INVALID_ARGUMENT
 * with the JSON path, HC_ERROR_UNKNOWN_FEATURE with a did-you-mean) and broken catalogues.
 */

typedef enum {
	HC_VERDICT_YES,
	HC_VERDICT_NO,
	HC_VERDICT_UNKNOWN,
	HC_VERDICT_LAST,
} HcVerdict;

const char *
hc_verdict_to_string(HcVerdict verdict);

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

/**
 * hc_check_bootable:
 * @spec_json: a VM spec (DESIGN §6), at most HC_LIMIT_SPEC_BYTES
 * @host: the host to judge against
 * @verdict: (out)
 * @report_json: (out): the report
 */
gboolean
hc_check_bootable(HcCatalogue *cat,
		  const char *spec_json,
		  gsize len,
		  HcSnapshot *host,
		  HcVerdict *verdict,
		  char **report_json,
		  GError **error);

/* can a VM with @spec_json running on @source come to @target? */
gboolean
hc_check_migration(HcCatalogue *cat,
		   const char *spec_json,
		   gsize len,
		   HcSnapshot *source,
		   HcSnapshot *target,
		   HcVerdict *verdict,
		   char **report_json,
		   GError **error);

/* baseline over @snapshots (HcSnapshot*); @spec_json may be NULL */
gboolean
hc_check_baseline(HcCatalogue *cat,
		  GPtrArray *snapshots,
		  const char *spec_json,
		  gsize len,
		  char **report_json,
		  GError **error);

/* translates a QEMU command line (argv[0] is the binary) into a VM spec JSON; options it
 * does not understand are kept in the spec as "unevaluated" and become info findings */
char *
hc_qemu_argv_to_spec(const char *const *argv, GError **error);

/* translates a libvirt domain XML (docs/libvirt.md) into a VM spec JSON; errors name the
 * XML path (/domain/devices/interface[2]/driver/@queues), what is not judged is kept in the
 * spec as "unevaluated" with its path */
char *
hc_domxml_to_spec(const char *xml, gsize len, GError **error);

/* the input formats a check accepts */
typedef enum {
	HC_INPUT_SPEC,
	HC_INPUT_DOMAIN_XML,
	HC_INPUT_QEMU_ARGV,
	HC_INPUT_LAST,
} HcInputFormat;

/* "spec", "domain-xml", "qemu-argv"; FALSE for another name */
gboolean
hc_input_format_from_string(const char *name, HcInputFormat *out);
const char *
hc_input_format_to_string(HcInputFormat format);
/* recognised by content: '<' starts a domain XML, '{' a spec, anything else a command line */
HcInputFormat
hc_input_format_guess(const char *text);
/**
 * hc_input_to_spec:
 * @text: a spec (returned as it is), a domain XML, or a QEMU command line in shell syntax
 *	(libvirt's "LC_ALL=C PATH=… /usr/bin/qemu-system-x86_64 …" included)
 *
 * Returns: the VM spec JSON; errors are HC_ERROR_INVALID_ARGUMENT
 */
char *
hc_input_to_spec(HcInputFormat format, const char *text, gsize len, GError **error);

G_END_DECLS
