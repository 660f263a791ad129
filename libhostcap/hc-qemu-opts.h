/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * HcQemuOpt:
 * @key: the text before the first '=', or %NULL for a bare item ("q35", "+avx2", "enforce")
 * @value: the text after the first '=' (or the whole bare item), with ",," unescaped to ","
 */
typedef struct {
	char *key;
	char *value;
} HcQemuOpt;

void
hc_qemu_opt_free(HcQemuOpt *opt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcQemuOpt, hc_qemu_opt_free)

/**
 * hc_qemu_opts_split:
 * @text: a QEMU option argument, "a=b,c=d" where ",," stands for a literal comma
 *
 * Returns: (element-type HcQemuOpt): the items in order; empty items are skipped
 */
GPtrArray *
hc_qemu_opts_split(const char *text);

/**
 * hc_qemu_parse_size:
 * @text: "4096", "4G", "1.5G", "0x1000", "512k"; a suffix is one of B K M G T P E (binary)
 * @default_unit: the multiplier of a number without suffix (QEMU's -m uses MiB)
 * @bytes: (out)
 *
 * Returns: FALSE when @text is not a size or overflows 64 bits (no error is set: the caller
 *	names the argument)
 */
gboolean
hc_qemu_parse_size(const char *text, guint64 default_unit, guint64 *bytes);

/* the same with decimal suffixes (k = 1000 …) and no default unit, as QEMU's tsc-freq */
gboolean
hc_qemu_parse_metric(const char *text, guint64 *out);

/* QEMU's boolean spellings: on/off, yes/no, true/false, y/n */
gboolean
hc_qemu_parse_bool(const char *text, gboolean *out);

/* QEMU's canonical spelling of a -cpu feature name ("sse4_1" → "sse4.1", "lahf_lm" →
 * "lahf-lm", "xd" → "nx"); NULL when the name holds characters no feature has */
char *
hc_qemu_cpu_feature_name(const char *name);

G_END_DECLS
