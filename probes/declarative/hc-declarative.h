/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hostcap/hc-probe.h"

G_BEGIN_DECLS

typedef struct _HcDeclKind HcDeclKind;

/* one validated entry of a probes.d file (docs/probes.d.md) */
typedef struct {
	char *id;
	const HcDeclKind *kind;
	char *type; /* int, bool, string or regex */
	GRegex *regex;
	char *path;   /* file-exists, file-read */
	char *option; /* kernel-config */
	char *module; /* module-param */
	char *param;  /* module-param */
	char *name;   /* sysctl, dotted */
} HcDeclEntry;

struct _HcDeclKind {
	const char *name;
	/* members that must be present, as strings */
	const char *required[2];
	void (*eval)(HcProbeContext *ctx, const HcDeclEntry *entry);
};

/* the kind table, NULL-name terminated (hc-declarative-kinds.c) */
extern const HcDeclKind hc_decl_kinds[];

G_END_DECLS
