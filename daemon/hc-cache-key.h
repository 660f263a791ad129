/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * What a cached snapshot depends on (DESIGN §9): the boot, the kernel, the CPU microcode,
 * the probes that made it, the catalogue and the probe-relevant configuration. A cache is
 * reused only when every field is equal; the first field that differs is the reason given.
 */
typedef struct {
	char *boot_id;
	char *kernel_release;
	char *kernel_version;
	char *microcode;
	char *probe_set; /* sha256 over the version, the registry and probes.d */
	char *catalogue; /* hc_catalogue_get_hash(), "none" when it did not load */
	char *config;	 /* hc_daemon_config_probe_hash() */
	char *sysroot;	 /* "" for the real root */
} HcCacheKey;

/* the key of this host now; fields that cannot be read are "" (and still compared) */
HcCacheKey *
hc_cache_key_new_current(const char *sysroot,
			 const char *const *data_dirs,
			 const char *catalogue_hash,
			 const char *config_hash);
void
hc_cache_key_free(HcCacheKey *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcCacheKey, hc_cache_key_free)

JsonNode *
hc_cache_key_to_json(const HcCacheKey *key);
/* strict: an object with exactly the string members of the key; errors carry the path */
HcCacheKey *
hc_cache_key_from_json(JsonNode *node, const char *path, GError **error);

/* NULL when equal, else why not: "boot id changed (abc… → def…)" */
char *
hc_cache_key_compare(const HcCacheKey *cached, const HcCacheKey *current);

G_END_DECLS
