/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hostcap/hc-capability.h"

#include <string.h>

static const char *const hc_cap_state_names[] = {
    [HC_CAP_STATE_SUPPORTED] = "supported",
    [HC_CAP_STATE_UNSUPPORTED] = "unsupported",
    [HC_CAP_STATE_DISABLED] = "disabled",
    [HC_CAP_STATE_UNKNOWN] = "unknown",
};
G_STATIC_ASSERT(G_N_ELEMENTS(hc_cap_state_names) == HC_CAP_STATE_LAST);

const char *
hc_cap_state_to_string(HcCapState state)
{
	if ((guint)state >= HC_CAP_STATE_LAST)
		return NULL;
	return hc_cap_state_names[state];
}

gboolean
hc_cap_state_from_string(const char *name, HcCapState *out)
{
	if (name == NULL)
		return FALSE;
	for (guint i = 0; i < HC_CAP_STATE_LAST; i++) {
		if (g_str_equal(hc_cap_state_names[i], name)) {
			if (out != NULL)
				*out = (HcCapState)i;
			return TRUE;
		}
	}
	return FALSE;
}

/* the four value types, as GVariant type strings */
static const char *const hc_value_types[] = {"b", "x", "s", "as"};

gboolean
hc_capability_value_type_is_valid(const GVariantType *type)
{
	if (type == NULL)
		return FALSE;
	for (guint i = 0; i < G_N_ELEMENTS(hc_value_types); i++) {
		if (g_variant_type_equal(type, G_VARIANT_TYPE(hc_value_types[i])))
			return TRUE;
	}
	return FALSE;
}

HcCapability *
hc_capability_new(const char *id, HcCapState state, GVariant *value, const char *reason)
{
	HcCapability *cap = g_new0(HcCapability, 1);

	cap->id = g_strdup(id);
	cap->state = state;
	/* reasons quote kernel output and file contents: keep JSON and D-Bus valid */
	cap->reason = g_utf8_make_valid(reason != NULL ? reason : "", -1);
	if (value != NULL) {
		/* sink first so a floating value that is refused does not leak */
		g_autoptr(GVariant) val = g_variant_ref_sink(value);

		if (hc_capability_value_type_is_valid(g_variant_get_type(val)))
			cap->value = g_steal_pointer(&val);
		else
			g_warning(
			    "capability %s: value type '%s' is not one of b, x, s, as, dropping "
			    "it",
			    id,
			    g_variant_get_type_string(val));
	}
	return cap;
}

HcCapability *
hc_capability_copy(const HcCapability *cap)
{
	HcCapability *copy;

	if (cap == NULL)
		return NULL;
	copy = g_new0(HcCapability, 1);
	copy->id = g_strdup(cap->id);
	copy->state = cap->state;
	copy->value = cap->value != NULL ? g_variant_ref(cap->value) : NULL;
	copy->reason = g_strdup(cap->reason);
	copy->probe = g_strdup(cap->probe);
	return copy;
}

void
hc_capability_free(HcCapability *cap)
{
	if (cap == NULL)
		return;
	g_free(cap->id);
	if (cap->value != NULL)
		g_variant_unref(cap->value);
	g_free(cap->reason);
	g_free(cap->probe);
	g_free(cap);
}

gboolean
hc_capability_equal(const HcCapability *a, const HcCapability *b)
{
	if (a == b)
		return TRUE;
	if (a == NULL || b == NULL)
		return FALSE;
	if (g_strcmp0(a->id, b->id) != 0 || a->state != b->state)
		return FALSE;
	if (a->value == NULL || b->value == NULL)
		return a->value == b->value;
	/* g_variant_equal() also compares the types: 1 and "1" differ */
	return g_variant_equal(a->value, b->value);
}

static gboolean
hc_id_char_is_head(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static gboolean
hc_id_char_is_tail(char c)
{
	return hc_id_char_is_head(c) || c == '_' || c == '-';
}

/* ^[a-z0-9]+(\.[a-z0-9_-]+)+$, written out: no regex engine on the hot path */
gboolean
hc_capability_id_is_valid(const char *id)
{
	const char *p = id;
	guint segments = 0;

	if (id == NULL || !hc_id_char_is_head(*p))
		return FALSE;
	while (hc_id_char_is_head(*p))
		p++;
	while (*p == '.') {
		const char *start = ++p;

		while (hc_id_char_is_tail(*p))
			p++;
		if (p == start)
			return FALSE;
		segments++;
	}
	return *p == '\0' && segments > 0;
}

char *
hc_capability_value_to_string(const HcCapability *cap)
{
	GVariant *val;

	if (cap == NULL || cap->value == NULL)
		return g_strdup("");
	val = cap->value;
	if (g_variant_is_of_type(val, G_VARIANT_TYPE_BOOLEAN))
		return g_strdup(g_variant_get_boolean(val) ? "yes" : "no");
	if (g_variant_is_of_type(val, G_VARIANT_TYPE_INT64))
		return g_strdup_printf("%" G_GINT64_FORMAT, g_variant_get_int64(val));
	if (g_variant_is_of_type(val, G_VARIANT_TYPE_STRING))
		return g_variant_dup_string(val, NULL);
	if (g_variant_is_of_type(val, G_VARIANT_TYPE_STRING_ARRAY)) {
		g_autofree const char **strv = g_variant_get_strv(val, NULL);

		return g_strjoinv(", ", (char **)strv);
	}
	return g_strdup("");
}

gboolean
hc_capability_id_matches(const char *id, const char *pattern)
{
	gsize len;

	if (id == NULL)
		return FALSE;
	if (pattern == NULL || pattern[0] == '\0' || g_str_equal(pattern, "*"))
		return TRUE;
	if (g_str_equal(id, pattern))
		return TRUE;
	len = strlen(pattern);
	if (strncmp(id, pattern, len) != 0)
		return FALSE;
	/* "kvm." matches by itself; "kvm" needs the dot to follow in @id */
	return pattern[len - 1] == '.' || id[len] == '.';
}

/* live quantities: see hc_capability_id_is_volatile(); '*' spans dots */
static const char *const hc_volatile_patterns[] = {
    "mem.available_kib",
    "mem.committed_as_kib",
    "mem.hugepages.*.free",
    "mem.hugepages.*.resv",
    "mem.hugepages.*.surplus",
    "fs.aio_nr",
};

gboolean
hc_capability_id_is_volatile(const char *id)
{
	g_return_val_if_fail(id != NULL, FALSE);
	for (guint i = 0; i < G_N_ELEMENTS(hc_volatile_patterns); i++) {
		const char *pattern = hc_volatile_patterns[i];
		gsize literal = strcspn(pattern, "*?");

		/* the literal head first: this runs for every id of every fingerprint */
		if (strncmp(id, pattern, literal) != 0)
			continue;
		if (pattern[literal] == '\0' ? id[literal] == '\0'
					     : g_pattern_match_simple(pattern, id))
			return TRUE;
	}
	return FALSE;
}
