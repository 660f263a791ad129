/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* a fleet of host snapshots, grouped by fingerprint as they are read */

#include "hc-fleet.h"

struct _HcFleet {
	GPtrArray *groups;	 /* HcFleetGroup*, owned */
	GHashTable *by_print;	 /* fingerprint → HcFleetGroup* (borrowed) */
	GHashTable *by_snapshot; /* representative HcSnapshot* → HcFleetGroup* (borrowed) */
	guint n_hosts;
};

static void
hc_fleet_group_free(HcFleetGroup *group)
{
	g_free(group->name);
	hc_snapshot_unref(group->snapshot);
	g_ptr_array_unref(group->hosts);
	g_free(group);
}

HcFleet *
hc_fleet_new(void)
{
	HcFleet *fleet = g_new0(HcFleet, 1);

	fleet->groups = g_ptr_array_new_with_free_func((GDestroyNotify)hc_fleet_group_free);
	fleet->by_print = g_hash_table_new(g_str_hash, g_str_equal);
	fleet->by_snapshot = g_hash_table_new(g_direct_hash, g_direct_equal);
	return fleet;
}

void
hc_fleet_free(HcFleet *fleet)
{
	if (fleet == NULL)
		return;
	g_hash_table_unref(fleet->by_print);
	g_hash_table_unref(fleet->by_snapshot);
	g_ptr_array_unref(fleet->groups);
	g_free(fleet);
}

void
hc_fleet_add(HcFleet *fleet, HcSnapshot *snap)
{
	const char *print = hc_snapshot_get_fingerprint(snap);
	HcFleetGroup *group = g_hash_table_lookup(fleet->by_print, print);

	fleet->n_hosts++;
	if (group == NULL) {
		group = g_new0(HcFleetGroup, 1);
		group->name = g_strdup_printf("g%u", fleet->groups->len + 1);
		group->snapshot = hc_snapshot_ref(snap);
		group->hosts = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(fleet->groups, group);
		/* the key lives as long as the representative's cached fingerprint */
		g_hash_table_insert(fleet->by_print, (gpointer)print, group);
		g_hash_table_insert(fleet->by_snapshot, snap, group);
	}
	g_ptr_array_add(group->hosts, g_strdup(hc_host_label(snap)));
}

guint
hc_fleet_get_n_hosts(HcFleet *fleet)
{
	return fleet->n_hosts;
}

GPtrArray *
hc_fleet_get_groups(HcFleet *fleet)
{
	return fleet->groups;
}

const HcFleetGroup *
hc_fleet_lookup_group(HcFleet *fleet, HcSnapshot *snap)
{
	return g_hash_table_lookup(fleet->by_snapshot, snap);
}

GPtrArray *
hc_fleet_dup_representatives(HcFleet *fleet)
{
	GPtrArray *reps = g_ptr_array_new_with_free_func((GDestroyNotify)hc_snapshot_unref);

	for (guint i = 0; i < fleet->groups->len; i++) {
		HcFleetGroup *group = g_ptr_array_index(fleet->groups, i);
		g_ptr_array_add(reps, hc_snapshot_ref(group->snapshot));
	}
	return reps;
}
