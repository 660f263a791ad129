/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "hc-capability.h"

G_BEGIN_DECLS

#define HC_SNAPSHOT_FORMAT "hostcapd-snapshot/1"

/**
 * HcProbeStatus:
 *
 * How a probe run ended. A probe that is not "ok" reports every id it declares as
 * "unknown" with the cause.
 */
typedef enum {
	HC_PROBE_STATUS_OK,
	HC_PROBE_STATUS_FAILED,	   /* run() returned FALSE */
	HC_PROBE_STATUS_TIMED_OUT, /* past its deadline; its late result is discarded */
	HC_PROBE_STATUS_DISABLED,  /* switched off by configuration */
	HC_PROBE_STATUS_LAST,
} HcProbeStatus;

const char *
hc_probe_status_to_string(HcProbeStatus status);
gboolean
hc_probe_status_from_string(const char *name, HcProbeStatus *out);

/**
 * HcProbeRecord:
 * @name: probe name
 * @status: how the last run ended
 * @duration_usec: wall time of the last run
 * @error: why it failed / timed out / is disabled; %NULL when ok
 */
typedef struct {
	char *name;
	HcProbeStatus status;
	gint64 duration_usec;
	char *error;
} HcProbeRecord;

HcProbeRecord *
hc_probe_record_new(const char *name,
		    HcProbeStatus status,
		    gint64 duration_usec,
		    const char *error);
HcProbeRecord *
hc_probe_record_copy(const HcProbeRecord *rec);
void
hc_probe_record_free(HcProbeRecord *rec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcProbeRecord, hc_probe_record_free)

/**
 * HcSnapshot:
 *
 * The host's capability document (DESIGN §5): host identity, generation, the
 * capabilities by id and the probe records by name. Reference counted; treat a snapshot
 * that has been published (handed to another component) as immutable and build the next
 * one with hc_snapshot_copy().
 */
typedef struct _HcSnapshot HcSnapshot;

HcSnapshot *
hc_snapshot_new(void);
HcSnapshot *
hc_snapshot_ref(HcSnapshot *snap);
void
hc_snapshot_unref(HcSnapshot *snap);
/* deep copy: capabilities, probe records, host identity, generation, timestamp */
HcSnapshot *
hc_snapshot_copy(const HcSnapshot *snap);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcSnapshot, hc_snapshot_unref)

/* host identity; any argument may be NULL (kept as "") */
void
hc_snapshot_set_host(HcSnapshot *snap,
		     const char *hostname,
		     const char *boot_id,
		     const char *kernel,
		     const char *arch);
const char *
hc_snapshot_get_hostname(const HcSnapshot *snap);
const char *
hc_snapshot_get_boot_id(const HcSnapshot *snap);
const char *
hc_snapshot_get_kernel(const HcSnapshot *snap);
const char *
hc_snapshot_get_arch(const HcSnapshot *snap);

void
hc_snapshot_set_generation(HcSnapshot *snap, guint64 generation);
guint64
hc_snapshot_get_generation(const HcSnapshot *snap);
/* CLOCK_REALTIME microseconds of the probe pass that produced it */
void
hc_snapshot_set_generated_usec(HcSnapshot *snap, gint64 usec);
gint64
hc_snapshot_get_generated_usec(const HcSnapshot *snap);

/* takes ownership; replaces an entry with the same id */
void
hc_snapshot_take_capability(HcSnapshot *snap, HcCapability *cap);
/* NULL when absent */
const HcCapability *
hc_snapshot_lookup(const HcSnapshot *snap, const char *id);
guint
hc_snapshot_get_size(const HcSnapshot *snap);
/* borrowed HcCapability pointers sorted by id; @patterns as in hc_capability_id_matches(),
 * NULL or empty = all */
GPtrArray *
hc_snapshot_list(const HcSnapshot *snap, const char *const *patterns);
/* removes every capability whose probe is @probe_name */
void
hc_snapshot_remove_probe_capabilities(HcSnapshot *snap, const char *probe_name);

/* takes ownership; replaces a record with the same name */
void
hc_snapshot_take_probe(HcSnapshot *snap, HcProbeRecord *rec);
const HcProbeRecord *
hc_snapshot_lookup_probe(const HcSnapshot *snap, const char *name);
/* borrowed HcProbeRecord pointers sorted by name */
GPtrArray *
hc_snapshot_list_probes(const HcSnapshot *snap);

/**
 * hc_snapshot_get_fingerprint:
 *
 * "sha256:<hex>" over the sorted (id, state, value) triples only: equal fingerprints mean
 * identical platforms whatever the timestamps, reasons, hostnames or probe durations.
 * Computed on demand and cached until the capabilities change.
 */
const char *
hc_snapshot_get_fingerprint(HcSnapshot *snap);

/* counts per state, for STATUS= lines and `hostcapctl status` */
guint
hc_snapshot_count_state(const HcSnapshot *snap, HcCapState state);

/**
 * hc_snapshot_diff:
 *
 * Returns: (element-type utf8): sorted ids that were added, removed, or whose state or value
 * changed between @old (may be NULL: everything in @new is new) and @new.
 */
GPtrArray *
hc_snapshot_diff(const HcSnapshot *old, const HcSnapshot *new_snap);

/* the snapshot JSON of DESIGN §5; capabilities and probes sorted, so equal snapshots give
 * equal bytes */
char *
hc_snapshot_to_json(HcSnapshot *snap, gboolean pretty);

/**
 * hc_snapshot_from_json:
 * @data: JSON text, not necessarily NUL-terminated
 * @len: its length; over %HC_LIMIT_SNAPSHOT_BYTES is refused
 *
 * Strict reader: wrong format string, wrong types, bad ids, bad states and nesting deeper
 * than %HC_LIMIT_NESTING give %HC_ERROR_INVALID_ARGUMENT with the JSON path
 * ("$.capabilities[\"kvm.present\"].state: expected one of supported, …"). Unknown members,
 * comments and single-quoted strings are refused too. "fingerprint" may be absent; when
 * present it must equal the fingerprint of the content ("fingerprint does not match
 * content" otherwise), so an edited snapshot is refused.
 * to_json(from_json(x)) == to_json(x) for every x it accepts.
 */
HcSnapshot *
hc_snapshot_from_json(const char *data, gsize len, GError **error);

/* reads a file (size-checked before reading) and parses it; errors name the file. Open and
 * read failures are G_IO_ERROR (G_IO_ERROR_NOT_FOUND for a missing file), the rest
 * HC_ERROR_INVALID_ARGUMENT. */
HcSnapshot *
hc_snapshot_load_file(const char *path, GError **error);

G_END_DECLS
