/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hc-qemu-info.h"

G_BEGIN_DECLS

/*
 * What each QEMU binary said, keyed by its identity (hc_qemu_binary_key()): an unchanged
 * binary is never started again, within one process (a memo) nor across restarts (a file
 * in the daemon's cache directory, when there is one).
 */
typedef struct _HcQemuCache HcQemuCache;

/* @cache_dir NULL = no file: the process memo only */
HcQemuCache *
hc_qemu_cache_open(const char *cache_dir);
void
hc_qemu_cache_free(HcQemuCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcQemuCache, hc_qemu_cache_free)

/* a new copy of what @key said, or NULL */
HcQemuInfo *
hc_qemu_cache_lookup(HcQemuCache *cache, const char *key);
/* records @info for @key (copied); entries not looked up or stored since open are dropped
 * when the cache is saved, so a replaced binary does not linger */
void
hc_qemu_cache_store(HcQemuCache *cache, const char *key, const HcQemuInfo *info);
/* writes the file when something changed; FALSE + @error when it could not */
gboolean
hc_qemu_cache_save(HcQemuCache *cache, GError **error);

G_END_DECLS
