/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "hostcap/hc-snapshot.h"

G_BEGIN_DECLS

/* findings and the report JSON of DESIGN §7 (docs/formats.md "Report") */

typedef enum {
	HC_VERDICT_YES,
	HC_VERDICT_NO,
	HC_VERDICT_UNKNOWN,
	HC_VERDICT_LAST,
} HcVerdict;

const char *
hc_verdict_to_string(HcVerdict verdict);

typedef enum {
	HC_SEVERITY_ERROR,
	HC_SEVERITY_WARNING,
	HC_SEVERITY_INFO,
	HC_SEVERITY_LAST,
} HcSeverity;

typedef enum {
	HC_ORIGIN_MACHINE,
	HC_ORIGIN_PLATFORM,
	HC_ORIGIN_EXPLICIT,
	HC_ORIGIN_DEFAULT,
	HC_ORIGIN_LAST,
} HcOrigin;

const char *
hc_severity_to_string(HcSeverity severity);
const char *
hc_origin_to_string(HcOrigin origin);

typedef struct {
	char *feature;
	JsonNode *value; /* requested value; may be NULL */
	HcOrigin origin;
	HcSeverity severity;
	gboolean
	    unknown; /* the host could not tell: an error-class unknown makes the verdict unknown */
	char *requires;
	JsonArray *capabilities; /* [{id, state, value, reason, host?}] */
	char *reason;
	char *remediation;
	JsonArray *also; /* further features of the same pin group that fail the same way */
	char *pin;	 /* "host_uso=off,guest_uso4=off,guest_uso6=off" (migration) */
	char *direction; /* "h1 -> h2" (migration) */
} HcFinding;

HcFinding *
hc_finding_new(const char *feature, JsonNode *value, HcOrigin origin, HcSeverity severity);
void
hc_finding_free(HcFinding *finding);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcFinding, hc_finding_free)

/* appends {id, state, value, reason[, host]} for @id on @snap ("not reported" if absent) */
void
hc_finding_add_capability(HcFinding *finding, HcSnapshot *snap, const char *id, const char *host);

typedef struct {
	GPtrArray *findings;   /* HcFinding* */
	JsonObject *effective; /* feature → value QEMU will run with */
	JsonObject *extra;     /* further top-level members (hosts, baseline data) */
} HcReport;

HcReport *
hc_report_new(void);
void
hc_report_free(HcReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcReport, hc_report_free)

/* takes @finding */
void
hc_report_add(HcReport *report, HcFinding *finding);
/* no: an error that is known; unknown: an error that could not be decided; else yes */
HcVerdict
hc_report_get_verdict(const HcReport *report);
/* {"verdict", "findings", "effective", …extra}; findings errors first */
char *
hc_report_to_json(HcReport *report, HcVerdict verdict);

/* the summary reply: {"verdict", "failing": [ids], "unknown": [ids]}, the feature ids of the
 * error findings (with their "also") that are known to fail and that could not be decided */
char *
hc_report_to_summary_json(HcReport *report, HcVerdict verdict);

/* "host_uso" style JSON-free rendering of a value: true → on, false → off */
char *
hc_value_to_qemu(JsonNode *value);

G_END_DECLS
