/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * HcCapState:
 *
 * What a probe found out about one capability. Travels as a string (see
 * hc_cap_state_to_string()); the order is stable but not part of any format.
 */
typedef enum {
	HC_CAP_STATE_SUPPORTED,	  /* the kernel interface accepted it */
	HC_CAP_STATE_UNSUPPORTED, /* the kernel interface said no, or it does not exist */
	HC_CAP_STATE_DISABLED,	  /* present but switched off: module param, sysctl, firmware */
	HC_CAP_STATE_UNKNOWN,	  /* could not find out: permission, timeout, parse error */
	HC_CAP_STATE_LAST,
} HcCapState;

const char *
hc_cap_state_to_string(HcCapState state);
/* returns FALSE for an unknown name and leaves @out untouched */
gboolean
hc_cap_state_from_string(const char *name, HcCapState *out);

/**
 * HcCapability:
 * @id: lower-case dotted id, see hc_capability_id_is_valid()
 * @state: the finding
 * @value: optional typed value: a #GVariant of type "b", "x", "s" or "as"; %NULL when the
 *	fact is not a quantity
 * @reason: always set; names the kernel interface that decided
 *	("TUNSETOFFLOAD(CSUM|USO4|USO6): EINVAL")
 * @probe: name of the probe that reported it (may be %NULL for synthesised entries)
 *
 * One capability. Plain struct owned by whoever holds it; copy with hc_capability_copy().
 */
typedef struct {
	char *id;
	HcCapState state;
	GVariant *value;
	char *reason;
	char *probe;
} HcCapability;

/* @value may be floating (it is sunk) or NULL; only "b", "x", "s", "as" are accepted:
 * any other type is dropped with a g_warning (a programming error). */
HcCapability *
hc_capability_new(const char *id, HcCapState state, GVariant *value, const char *reason);
HcCapability *
hc_capability_copy(const HcCapability *cap);
void
hc_capability_free(HcCapability *cap);

/* TRUE when id, state and value are equal (reason and probe are not compared) */
gboolean
hc_capability_equal(const HcCapability *a, const HcCapability *b);

/* ^[a-z0-9]+(\.[a-z0-9_-]+)+$ */
gboolean
hc_capability_id_is_valid(const char *id);

/* TRUE when @type is one of the four value types a capability may carry */
gboolean
hc_capability_value_type_is_valid(const GVariantType *type);

/**
 * hc_capability_id_is_volatile:
 *
 * TRUE for ids whose value is a live quantity rather than a property of the platform (free
 * memory, free and reserved hugepages, committed memory, in-flight AIO contexts). Their
 * values are refreshed on every probe pass but left out of the fingerprint and of change
 * detection (hc_snapshot_diff()), so two identical hosts share a fingerprint and the
 * generation only moves when the platform does. A change of *state* still counts.
 */
gboolean
hc_capability_id_is_volatile(const char *id);

/* human-readable value ("1024", "yes", "6.1.0", "a, b"); "" when there is none */
char *
hc_capability_value_to_string(const HcCapability *cap);

/* @pattern matches @id when equal, or when it is a dotted prefix: "kvm" and "kvm."
 * match "kvm.present"; "kv" does not. "" and "*" match everything. */
gboolean
hc_capability_id_matches(const char *id, const char *pattern);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcCapability, hc_capability_free)

G_END_DECLS
