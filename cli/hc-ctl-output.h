/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "hostcap/hc-capability.h"

G_BEGIN_DECLS

/*
 * hostcapctl's output: aligned tables (colour and truncation only on a tty), the JSON of
 * --json, times and durations as a person reads them, and did-you-mean.
 */

/* colour on when stdout is a tty, TERM is not "dumb" and NO_COLOR is unset */
gboolean
hc_ctl_output_want_colour(void);
/* terminal width when stdout is a tty, else 0 (never truncate in a pipe) */
guint
hc_ctl_output_columns(void);

#define HC_CTL_ANSI_RED	      "\033[31m"
#define HC_CTL_ANSI_GREEN     "\033[32m"
#define HC_CTL_ANSI_YELLOW    "\033[33m"
#define HC_CTL_ANSI_GREY      "\033[90m"
#define HC_CTL_ANSI_HIGHLIGHT "\033[1m"
#define HC_CTL_ANSI_NORMAL    "\033[0m"

/* the colour of a capability state; never NULL */
const char *
hc_ctl_state_colour(HcCapState state);

typedef struct _HcCtlTable HcCtlTable;

/* @headers is NULL-terminated; its length is the column count */
HcCtlTable *
hc_ctl_table_new(const char *const *headers);
void
hc_ctl_table_free(HcCtlTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcCtlTable, hc_ctl_table_free)

/* cells fill rows left to right; @colour may be NULL */
void
hc_ctl_table_add(HcCtlTable *table, const char *text, const char *colour);
guint
hc_ctl_table_get_rows(HcCtlTable *table);
/* @columns > 0 truncates the last column to fit; @colour FALSE drops every colour */
void
hc_ctl_table_print(HcCtlTable *table, gboolean header, gboolean colour, guint columns);

/* pretty JSON document plus a newline on stdout */
void
hc_ctl_print_json(JsonNode *node);
/* {"state", "value"?, "reason", "probe"?} with "id" first when @with_id */
JsonNode *
hc_ctl_capability_to_json(const HcCapability *cap, gboolean with_id);

/* "Wed 2026-11-25 19:53:02 UTC" in the local zone; "n/a" for 0 */
char *
hc_ctl_format_timestamp(gint64 usec);
/* "12 s ago", "3 min ago", "in 2 s" */
char *
hc_ctl_format_ago(gint64 usec, gint64 now_usec);
/* "412 µs", "1.2 ms", "3.40 s" */
char *
hc_ctl_format_duration(gint64 usec);

/* up to @max candidates closest to @word (edit distance, then containment), best first;
 * element-type utf8, borrowed from @candidates */
GPtrArray *
hc_ctl_did_you_mean(const char *word, GPtrArray *candidates, guint max);

/* @path NULL or "-" = stdout */
gboolean
hc_ctl_write_output(const char *path, const char *text, GError **error);

G_END_DECLS
