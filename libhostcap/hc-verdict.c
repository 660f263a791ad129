/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* the verdict facade (hc-verdict.h): parse, evaluate, report */

#include "hostcap/hc-error.h"

#include "hc-verdict.h"

#include "hc-baseline.h"
#include "hc-evaluator.h"
#include "hc-migration.h"
#include "hc-spec.h"

gboolean
hc_check_bootable(HcCatalogue *cat,
		  const char *spec_json,
		  gsize len,
		  HcSnapshot *host,
		  HcVerdict *verdict,
		  char **report_json,
		  GError **error)
{
	g_autoptr(HcSpec) spec = hc_spec_parse(cat, spec_json, len, error);
	g_autoptr(HcHostEval) ev = NULL;
	HcVerdict v;

	if (spec == NULL)
		return FALSE;
	ev = hc_evaluate_host(cat, spec, host, error);
	if (ev == NULL)
		return FALSE;
	v = hc_report_get_verdict(ev->report);
	if (verdict != NULL)
		*verdict = v;
	if (report_json != NULL)
		*report_json = hc_report_to_json(ev->report, v);
	return TRUE;
}

gboolean
hc_check_migration(HcCatalogue *cat,
		   const char *spec_json,
		   gsize len,
		   HcSnapshot *source,
		   HcSnapshot *target,
		   HcVerdict *verdict,
		   char **report_json,
		   GError **error)
{
	g_autoptr(HcSpec) spec = hc_spec_parse(cat, spec_json, len, error);
	g_autoptr(HcReport) report = NULL;
	HcVerdict v;

	if (spec == NULL)
		return FALSE;
	report = hc_migration_evaluate(cat, spec, source, target, error);
	if (report == NULL)
		return FALSE;
	v = hc_report_get_verdict(report);
	if (verdict != NULL)
		*verdict = v;
	if (report_json != NULL)
		*report_json = hc_report_to_json(report, v);
	return TRUE;
}

gboolean
hc_check_baseline(HcCatalogue *cat,
		  GPtrArray *snapshots,
		  const char *spec_json,
		  gsize len,
		  char **report_json,
		  GError **error)
{
	g_autoptr(HcSpec) spec = NULL;
	g_autoptr(HcReport) report = NULL;
	HcVerdict v;

	if (snapshots == NULL || snapshots->len == 0) {
		g_set_error_literal(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "a baseline needs at least one host snapshot");
		return FALSE;
	}
	if (spec_json != NULL) {
		spec = hc_spec_parse(cat, spec_json, len, error);
		if (spec == NULL)
			return FALSE;
	}
	report = hc_baseline_evaluate(cat, snapshots, spec, &v, error);
	if (report == NULL)
		return FALSE;
	if (report_json != NULL)
		*report_json = hc_report_to_json(report, v);
	return TRUE;
}
