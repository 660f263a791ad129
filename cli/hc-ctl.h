/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "hostcap/hc-snapshot.h"

#include "hc-verdict.h"

G_BEGIN_DECLS

/*
 * hostcapctl's shared context: the parsed options, and the one place a verb gets its data
 * from (the daemon, a snapshot file, or an in-process probe run) without knowing which.
 */

/* exit codes (documented in --help and hostcapctl(1)) */
typedef enum {
	HC_CTL_EXIT_YES = 0,	     /* success, or verdict "yes" */
	HC_CTL_EXIT_NO = 1,	     /* verdict "no", or the asked-for id is absent */
	HC_CTL_EXIT_UNKNOWN = 2,     /* verdict "unknown" */
	HC_CTL_EXIT_BAD_INPUT = 3,   /* usage error, unreadable or malformed input */
	HC_CTL_EXIT_UNREACHABLE = 4, /* no bus, daemon not running, no reply */
	HC_CTL_EXIT_INTERNAL = 5,    /* everything else */
} HcCtlExit;

/* errors of the CLI itself; library errors keep their own domains */
#define HC_CTL_ERROR hc_ctl_error_quark()
typedef enum {
	HC_CTL_ERROR_USAGE,	  /* exit 3 */
	HC_CTL_ERROR_UNREACHABLE, /* exit 4 */
} HcCtlError;
GQuark
hc_ctl_error_quark(void);

/* maps any error to the documented exit code */
HcCtlExit
hc_ctl_exit_code_for_error(const GError *error);

typedef enum {
	HC_CTL_BUS_SYSTEM,
	HC_CTL_BUS_SESSION,
} HcCtlBusKind;

typedef struct _HcCtlBus HcCtlBus;

/* the options only some verbs take; a verb refuses the others instead of ignoring them */
typedef enum {
	HC_CTL_OPT_OUTPUT = 1 << 0, /* -o FILE */
	HC_CTL_OPT_FILE = 1 << 1,   /* --file FILE */
	HC_CTL_OPT_TARGET = 1 << 2, /* --target FILE */
	HC_CTL_OPT_SOURCE = 1 << 3, /* --source FILE */
	HC_CTL_OPT_SPEC = 1 << 4,   /* --spec FILE */
	HC_CTL_OPT_FORMAT = 1 << 5, /* --format FORMAT */
} HcCtlOption;

typedef struct {
	/* options */
	gboolean json;
	gboolean no_daemon;
	HcCtlBusKind bus_kind;
	char *address;
	char *sysroot;
	char *snapshot_path;
	char *target_path;
	char *source_path;
	char *output_path;
	char *history_file;
	char *spec_path;      /* baseline --spec */
	char *format;	      /* export --format: json (NULL), prometheus, nfd */
	GPtrArray *data_dirs; /* --data-dir, NULL-terminated when set */
	char **tail_argv;     /* everything after "--" */
	guint options_given;  /* HcCtlOption bits, checked against the verb's */
	gboolean want_help;   /* --help: the verb's help when a verb is named */
	/* terminal */
	gboolean colour;
	guint columns; /* 0 when stdout is not a tty: never truncate */
	/* opened lazily */
	char **daemon_data_dirs; /* the running daemon's catalogue roots, asked once */
	gboolean asked_daemon_data_dirs;
	HcCtlBus *bus;
	HcSnapshot *snapshot;
} HcCtlContext;

void
hc_ctl_context_clear(HcCtlContext *ctx);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(HcCtlContext, hc_ctl_context_clear)

/* TRUE when the verb should not talk to the daemon */
gboolean
hc_ctl_context_is_offline(const HcCtlContext *ctx);
/* the bus connection, opened on first use */
HcCtlBus *
hc_ctl_context_get_bus(HcCtlContext *ctx, GError **error);
/* offline: the --snapshot file or an in-process probe run; the daemon's Describe() else */
HcSnapshot *
hc_ctl_context_get_snapshot(HcCtlContext *ctx, GError **error);
/* catalogue roots, lowest priority first: --data-dir, else the running daemon's, else the
 * defaults (the source tree's data/ for a build-tree binary) */
const char *const *
hc_ctl_context_get_data_dirs(HcCtlContext *ctx);
/* the catalogue of those roots, checked against the probes' ids; a new reference */
HcCatalogue *
hc_ctl_context_load_catalogue(HcCtlContext *ctx, GError **error);

/* a verb returns an exit code (0, 1, 2) or -1 with @error set */
typedef int (*HcCtlVerbFunc)(HcCtlContext *ctx, char **args, GError **error);

typedef struct {
	const char *name;
	guint min_args;
	guint max_args; /* G_MAXUINT = any */
	gboolean is_default;
	HcCtlVerbFunc run;
	const char *synopsis;
	const char *help;
	guint options; /* the HcCtlOption bits the verb takes */
} HcCtlVerb;

/* the verb table (hc-ctl-verbs.c) */
const HcCtlVerb *
hc_ctl_verbs_lookup(const char *name);
const HcCtlVerb *
hc_ctl_verbs_get_default(void);
void
hc_ctl_verbs_print_help(const char *prog);
/* hostcapctl VERB --help */
void
hc_ctl_verbs_print_verb_help(const char *prog, const HcCtlVerb *verb);
int
hc_ctl_verbs_dispatch(HcCtlContext *ctx, char **args, GError **error);

/* verbs living in their own files */
int
hc_ctl_verb_check(HcCtlContext *ctx, char **args, GError **error);
int
hc_ctl_verb_diff(HcCtlContext *ctx, char **args, GError **error);
int
hc_ctl_verb_baseline(HcCtlContext *ctx, char **args, GError **error);
/* hc-ctl-domcaps.c */
int
hc_ctl_verb_domcapabilities(HcCtlContext *ctx, char **args, GError **error);
/* hc-ctl-hook.c */
int
hc_ctl_verb_libvirt_hook(HcCtlContext *ctx, char **args, GError **error);
int
hc_ctl_verb_history(HcCtlContext *ctx, char **args, GError **error);
int
hc_ctl_verb_monitor(HcCtlContext *ctx, char **args, GError **error);
int
hc_ctl_verb_export(HcCtlContext *ctx, char **args, GError **error);
int
hc_ctl_verb_migrations(HcCtlContext *ctx, char **args, GError **error);

G_END_DECLS
