/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Values derived from the catalogue and one host snapshot (the CPU models that run on it, …):
 * the same for every check against that snapshot, so each is computed once and kept with the
 * catalogue, keyed by kind and the snapshot's fingerprint (which covers every capability's
 * state and value). The cache lives and dies with the catalogue: no process-wide state.
 */
#include "hc-catalogue-private.h"

/* the daemon publishes one snapshot per pass and judges against a few targets: a handful of
 * entries cover them; beyond it the cache starts over */
#define HC_CATALOGUE_DERIVED_MAX 16

GPtrArray *
hc_catalogue_derive(HcCatalogue *cat,
		    const char *kind,
		    HcSnapshot *host,
		    HcCatalogueDeriveFunc compute)
{
	g_autofree char *key = g_strdup_printf("%s\n%s", kind, hc_snapshot_get_fingerprint(host));
	GPtrArray *value;

	g_mutex_lock(&cat->derived_lock);
	value = g_hash_table_lookup(cat->derived, key);
	if (value != NULL) {
		g_ptr_array_ref(value);
		g_mutex_unlock(&cat->derived_lock);
		return value;
	}
	g_mutex_unlock(&cat->derived_lock);

	/* computed outside the lock: two threads may both compute it, with the same result */
	value = compute(cat, host);
	g_mutex_lock(&cat->derived_lock);
	if (g_hash_table_size(cat->derived) >= HC_CATALOGUE_DERIVED_MAX)
		g_hash_table_remove_all(cat->derived);
	g_hash_table_replace(cat->derived, g_steal_pointer(&key), g_ptr_array_ref(value));
	g_mutex_unlock(&cat->derived_lock);
	return value;
}
