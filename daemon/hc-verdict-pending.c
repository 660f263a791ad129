/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TEMPORARY, removed when libhostcap's verdict evaluator lands: weak stand-ins for the
 * hc-verdict.h check calls so that hostcapd links meanwhile (the catalogue is real).
 * They report, never pretend.
 */
#include "hc-verdict.h"
#include "hostcap/hc-error.h"

#define HC_PENDING __attribute__((weak))

HC_PENDING const char *
hc_verdict_to_string(HcVerdict verdict)
{
	return "unknown";
}

HC_PENDING gboolean
hc_check_bootable(HcCatalogue *cat,
		  const char *spec_json,
		  gsize len,
		  HcSnapshot *host,
		  HcVerdict *verdict,
		  char **report_json,
		  GError **error)
{
	g_set_error_literal(error, HC_ERROR, HC_ERROR_INTERNAL, "verdict engine not built yet");
	return FALSE;
}

HC_PENDING gboolean
hc_check_migration(HcCatalogue *cat,
		   const char *spec_json,
		   gsize len,
		   HcSnapshot *source,
		   HcSnapshot *target,
		   HcVerdict *verdict,
		   char **report_json,
		   GError **error)
{
	g_set_error_literal(error, HC_ERROR, HC_ERROR_INTERNAL, "verdict engine not built yet");
	return FALSE;
}
