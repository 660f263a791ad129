/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Migration checks that depend on what the *source* host had, not on what the guest
 * negotiated: QEMU saves a fact of the source's backend in the device state and the
 * target's post-load refuses it when its own backend lacks it. No pin of the VM's
 * properties avoids that, so these findings replace the pin advice of their group.
 *
 * virtio-net UFO (hw/net/virtio-net.c, virtio_net_ufo_post_load): the source's tap UFO
 * support (has_ufo, probed whatever host_ufo/guest_ufo say) travels with the device state;
 * a target whose tap lacks UFO fails the load after the whole RAM copy.
 */
#include "hc-migration.h"

#include "hc-json-util.h"

static const struct {
	const char *feature;	/* the VM has it on: the check applies */
	const char *capability; /* the source has it, the target lacks it: the load fails */
	const char *group;	/* the pin group whose advice this replaces */
	const char *qemu_says;
	const char *why;
	const char *remediation;
} hc_post_load[] = {
    {"netdev.tap",
     "net.tap.ufo",
     "virtio-net.ufo",
     "virtio-net: saved image requires TUN_F_UFO support",
     "QEMU records in the virtio-net device state whether the source's tap could do UDP "
     "fragmentation offload (TUNSETOFFLOAD with TUN_F_UFO), whatever host_ufo and guest_ufo "
     "say and whatever the guest negotiated, and the target's post-load refuses the state when "
     "its own tap cannot: the migration copies all of RAM and then fails",
     "Pinning host_ufo=off and guest_ufo=off does not help: the check is on the tap, not on the "
     "guest. Move the VM only to hosts whose tap also accepts TUN_F_UFO (net.tap.ufo), or "
     "shut it down and start it on the target; a VM started on a host without tap UFO can move "
     "to any host."},
};

static gboolean
hc_post_load_on(HcHostEval *ev, const char *feature)
{
	const HcFeatureEval *fe = hc_host_eval_lookup(ev, feature);
	return fe != NULL && !hc_feature_value_is_off(fe->def, fe->value);
}

static HcCapState
hc_post_load_state(HcSnapshot *host, const char *id)
{
	const HcCapability *cap = hc_snapshot_lookup(host, id);
	return cap != NULL ? cap->state : HC_CAP_STATE_UNKNOWN;
}

/* the group's members are explained: the target's own warnings about them are dropped */
static void
hc_post_load_cover(HcMigrationChecks *m, const char *group)
{
	g_autoptr(GPtrArray) members = hc_catalogue_get_group(m->cat, group);
	for (guint i = 0; i < members->len; i++)
		g_hash_table_add(m->mismatched, g_strdup(g_ptr_array_index(members, i)));
}

void
hc_migration_post_load(HcMigrationChecks *m)
{
	for (guint i = 0; i < G_N_ELEMENTS(hc_post_load); i++) {
		HcCapState s, t;
		HcFinding *f;
		JsonNode *value;

		if (!hc_post_load_on(m->src, hc_post_load[i].feature))
			continue;
		s = hc_post_load_state(m->src->host, hc_post_load[i].capability);
		t = hc_post_load_state(m->dst->host, hc_post_load[i].capability);
		/* fine when the source lacks it or the target has it; the same answer on both
		 * (a host to itself) cannot differ, even when unknown */
		if (s == HC_CAP_STATE_UNSUPPORTED || s == HC_CAP_STATE_DISABLED ||
		    t == HC_CAP_STATE_SUPPORTED || s == t)
			continue;
		value = hc_host_eval_lookup(m->src, hc_post_load[i].feature)->value;
		f = hc_finding_new(hc_post_load[i].feature,
				   value,
				   HC_ORIGIN_EXPLICIT,
				   HC_SEVERITY_ERROR);
		f->unknown = s != HC_CAP_STATE_SUPPORTED || t == HC_CAP_STATE_UNKNOWN;
		f->direction = g_strdup(m->direction);
		f->requires = g_strdup_printf("%s on the target when the source has it",
					      hc_post_load[i].capability);
		hc_finding_add_capability(f,
					  m->src->host,
					  hc_post_load[i].capability,
					  hc_host_label(m->src->host));
		hc_finding_add_capability(f,
					  m->dst->host,
					  hc_post_load[i].capability,
					  hc_host_label(m->dst->host));
		f->reason =
		    g_strdup_printf("%s%s. %s: %s, %s: %s. QEMU says: \"%s\".",
				    f->unknown ? "Cannot tell whether this migration fails: " : "",
				    hc_post_load[i].why,
				    hc_host_label(m->src->host),
				    hc_cap_state_to_string(s),
				    hc_host_label(m->dst->host),
				    hc_cap_state_to_string(t),
				    hc_post_load[i].qemu_says);
		f->remediation = g_strdup(hc_post_load[i].remediation);
		g_hash_table_add(m->groups, (gpointer)hc_post_load[i].group);
		hc_post_load_cover(m, hc_post_load[i].group);
		hc_report_add(m->report, f);
	}
}
