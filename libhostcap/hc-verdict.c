/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* the verdict facade (hc-verdict.h): parse, evaluate, report */

#include "hostcap/hc-error.h"

#include "hc-verdict.h"

#include "hc-baseline.h"
#include "hc-evaluator.h"
#include "hc-migration.h"
#include "hc-spec.h"

static const char *const hc_reply_form_names[] = {"full", "summary"};
G_STATIC_ASSERT(G_N_ELEMENTS(hc_reply_form_names) == HC_REPLY_LAST);

gboolean
hc_reply_form_from_string(const char *name, HcReplyForm *out)
{
	for (guint i = 0; i < HC_REPLY_LAST; i++) {
		if (g_strcmp0(name, hc_reply_form_names[i]) == 0) {
			*out = (HcReplyForm)i;
			return TRUE;
		}
	}
	return FALSE;
}

static char *
hc_report_render(HcReport *report, HcVerdict verdict, HcReplyForm form)
{
	if (form == HC_REPLY_SUMMARY)
		return hc_report_to_summary_json(report, verdict);
	return hc_report_to_json(report, verdict);
}

gboolean
hc_check_bootable_reply(HcCatalogue *cat,
			const char *spec_json,
			gsize len,
			HcSnapshot *host,
			HcReplyForm form,
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
		*report_json = hc_report_render(ev->report, v, form);
	return TRUE;
}

gboolean
hc_check_bootable(HcCatalogue *cat,
		  const char *spec_json,
		  gsize len,
		  HcSnapshot *host,
		  HcVerdict *verdict,
		  char **report_json,
		  GError **error)
{
	return hc_check_bootable_reply(cat,
				       spec_json,
				       len,
				       host,
				       HC_REPLY_FULL,
				       verdict,
				       report_json,
				       error);
}

gboolean
hc_check_migration_reply(HcCatalogue *cat,
			 const char *spec_json,
			 gsize len,
			 HcSnapshot *source,
			 HcSnapshot *target,
			 HcReplyForm form,
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
		*report_json = hc_report_render(report, v, form);
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
	return hc_check_migration_reply(cat,
					spec_json,
					len,
					source,
					target,
					HC_REPLY_FULL,
					verdict,
					report_json,
					error);
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
