/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "hostcap/hc-snapshot.h"

#include "hc-catalogue.h"
#include "hc-report.h"

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

/* what a check returns: the whole report, or the summary of hc_report_to_summary_json()
 * (verdict and failing feature ids) for callers that ask often and read little */
typedef enum {
	HC_REPLY_FULL,
	HC_REPLY_SUMMARY,
	HC_REPLY_LAST,
} HcReplyForm;

/* "full", "summary"; FALSE for another name */
gboolean
hc_reply_form_from_string(const char *name, HcReplyForm *out);

/* hc_check_bootable() and hc_check_migration() with the reply in @form */
gboolean
hc_check_bootable_reply(HcCatalogue *cat,
			const char *spec_json,
			gsize len,
			HcSnapshot *host,
			HcReplyForm form,
			HcVerdict *verdict,
			char **report_json,
			GError **error);
gboolean
hc_check_migration_reply(HcCatalogue *cat,
			 const char *spec_json,
			 gsize len,
			 HcSnapshot *source,
			 HcSnapshot *target,
			 HcReplyForm form,
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
 * does not understand are kept in the spec as "unevaluated" and become info findings. Device
 * properties become the features whose catalogue "qemu" field names them
 * ("virtio-net-pci.host_uso" → virtio-net.host_uso); with @cat NULL they stay unevaluated. */
char *
hc_qemu_argv_to_spec(HcCatalogue *cat, const char *const *argv, GError **error);

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
 * @cat: the catalogue a command line's device properties are read through (its "qemu"
 *	fields); may be NULL for a spec
 * @text: a spec (returned as it is), a domain XML, or a QEMU command line in shell syntax
 *	(libvirt's "LC_ALL=C PATH=… /usr/bin/qemu-system-x86_64 …" included)
 *
 * Returns: the VM spec JSON; errors are HC_ERROR_INVALID_ARGUMENT
 */
char *
hc_input_to_spec(HcCatalogue *cat,
		 HcInputFormat format,
		 const char *text,
		 gsize len,
		 GError **error);

/**
 * hc_domain_capabilities:
 *
 * Which machine types, platforms and CPU models of the catalogue run on @host as asked:
 * {"format": "hostcapd-domcapabilities/1", "accelerator": "kvm|tcg", "machines": [...],
 * "platforms": [...], "cpu_models": [...]}, each entry {"name", "verdict", "runs",
 * "changes": [features this host would silently change]}; "runs" is verdict yes with no
 * change. The accelerator is KVM when @host has it.
 */
char *
hc_domain_capabilities(HcCatalogue *cat, HcSnapshot *host, GError **error);

G_END_DECLS
