/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hostcap/hc-snapshot.h"

#include <stdlib.h>
#include <string.h>

struct _HcSnapshot {
	gint ref_count;
	char *hostname;
	char *boot_id;
	char *kernel;
	char *arch;
	guint64 generation;
	gint64 generated_usec;
	GHashTable *caps;   /* id -> HcCapability* (owned) */
	GHashTable *probes; /* name -> HcProbeRecord* (owned) */
	char *fingerprint;  /* cache; NULL until asked for, cleared by any capability change */
	struct _HcSnapshotIndex *index; /* cache, the same way: capabilities sorted by id */
};

/* the capabilities sorted by id, so a list or a prefix is a copy or a binary search and a
 * walk instead of a sort on every call */
typedef struct _HcSnapshotIndex {
	guint len;
	const HcCapability *caps[];
} HcSnapshotIndex;

static const char *const hc_probe_status_names[] = {
    [HC_PROBE_STATUS_OK] = "ok",
    [HC_PROBE_STATUS_FAILED] = "failed",
    [HC_PROBE_STATUS_TIMED_OUT] = "timed-out",
    [HC_PROBE_STATUS_DISABLED] = "disabled",
};
G_STATIC_ASSERT(G_N_ELEMENTS(hc_probe_status_names) == HC_PROBE_STATUS_LAST);

const char *
hc_probe_status_to_string(HcProbeStatus status)
{
	if ((guint)status >= HC_PROBE_STATUS_LAST)
		return NULL;
	return hc_probe_status_names[status];
}

gboolean
hc_probe_status_from_string(const char *name, HcProbeStatus *out)
{
	if (name == NULL)
		return FALSE;
	for (guint i = 0; i < HC_PROBE_STATUS_LAST; i++) {
		if (g_str_equal(hc_probe_status_names[i], name)) {
			if (out != NULL)
				*out = (HcProbeStatus)i;
			return TRUE;
		}
	}
	return FALSE;
}

HcProbeRecord *
hc_probe_record_new(const char *name, HcProbeStatus status, gint64 duration_usec, const char *error)
{
	HcProbeRecord *rec = g_new0(HcProbeRecord, 1);

	rec->name = g_strdup(name);
	rec->status = status;
	rec->duration_usec = duration_usec;
	rec->error = error != NULL ? g_utf8_make_valid(error, -1) : NULL;
	return rec;
}

HcProbeRecord *
hc_probe_record_copy(const HcProbeRecord *rec)
{
	if (rec == NULL)
		return NULL;
	return hc_probe_record_new(rec->name, rec->status, rec->duration_usec, rec->error);
}

void
hc_probe_record_free(HcProbeRecord *rec)
{
	if (rec == NULL)
		return;
	g_free(rec->name);
	g_free(rec->error);
	g_free(rec);
}

HcSnapshot *
hc_snapshot_new(void)
{
	HcSnapshot *snap = g_new0(HcSnapshot, 1);

	snap->ref_count = 1;
	snap->hostname = g_strdup("");
	snap->boot_id = g_strdup("");
	snap->kernel = g_strdup("");
	snap->arch = g_strdup("");
	snap->caps = g_hash_table_new_full(g_str_hash,
					   g_str_equal,
					   NULL,
					   (GDestroyNotify)hc_capability_free);
	snap->probes = g_hash_table_new_full(g_str_hash,
					     g_str_equal,
					     NULL,
					     (GDestroyNotify)hc_probe_record_free);
	return snap;
}

HcSnapshot *
hc_snapshot_ref(HcSnapshot *snap)
{
	g_return_val_if_fail(snap != NULL, NULL);
	g_atomic_int_inc(&snap->ref_count);
	return snap;
}

void
hc_snapshot_unref(HcSnapshot *snap)
{
	if (snap == NULL)
		return;
	if (!g_atomic_int_dec_and_test(&snap->ref_count))
		return;
	g_free(snap->hostname);
	g_free(snap->boot_id);
	g_free(snap->kernel);
	g_free(snap->arch);
	g_hash_table_unref(snap->caps);
	g_hash_table_unref(snap->probes);
	g_free(snap->fingerprint);
	g_free(snap->index);
	g_free(snap);
}

static void
hc_snapshot_invalidate(HcSnapshot *snap)
{
	g_clear_pointer(&snap->fingerprint, g_free);
	g_clear_pointer(&snap->index, g_free);
}

HcSnapshot *
hc_snapshot_copy(const HcSnapshot *snap)
{
	HcSnapshot *copy;
	GHashTableIter iter;
	gpointer value;

	g_return_val_if_fail(snap != NULL, NULL);
	copy = hc_snapshot_new();
	hc_snapshot_set_host(copy, snap->hostname, snap->boot_id, snap->kernel, snap->arch);
	copy->generation = snap->generation;
	copy->generated_usec = snap->generated_usec;
	g_hash_table_iter_init(&iter, snap->caps);
	while (g_hash_table_iter_next(&iter, NULL, &value))
		hc_snapshot_take_capability(copy, hc_capability_copy(value));
	g_hash_table_iter_init(&iter, snap->probes);
	while (g_hash_table_iter_next(&iter, NULL, &value))
		hc_snapshot_take_probe(copy, hc_probe_record_copy(value));
	return copy;
}

static void
hc_replace_string(char **slot, const char *value)
{
	char *old = *slot;

	*slot = g_utf8_make_valid(value != NULL ? value : "", -1);
	g_free(old);
}

void
hc_snapshot_set_host(HcSnapshot *snap,
		     const char *hostname,
		     const char *boot_id,
		     const char *kernel,
		     const char *arch)
{
	g_return_if_fail(snap != NULL);
	hc_replace_string(&snap->hostname, hostname);
	hc_replace_string(&snap->boot_id, boot_id);
	hc_replace_string(&snap->kernel, kernel);
	hc_replace_string(&snap->arch, arch);
}

const char *
hc_snapshot_get_hostname(const HcSnapshot *snap)
{
	return snap->hostname;
}

const char *
hc_snapshot_get_boot_id(const HcSnapshot *snap)
{
	return snap->boot_id;
}

const char *
hc_snapshot_get_kernel(const HcSnapshot *snap)
{
	return snap->kernel;
}

const char *
hc_snapshot_get_arch(const HcSnapshot *snap)
{
	return snap->arch;
}

void
hc_snapshot_set_generation(HcSnapshot *snap, guint64 generation)
{
	snap->generation = generation;
}

guint64
hc_snapshot_get_generation(const HcSnapshot *snap)
{
	return snap->generation;
}

void
hc_snapshot_set_generated_usec(HcSnapshot *snap, gint64 usec)
{
	snap->generated_usec = usec;
}

gint64
hc_snapshot_get_generated_usec(const HcSnapshot *snap)
{
	return snap->generated_usec;
}

void
hc_snapshot_take_capability(HcSnapshot *snap, HcCapability *cap)
{
	g_return_if_fail(snap != NULL);
	g_return_if_fail(cap != NULL && cap->id != NULL);
	/* the key is the capability's own id, so replace (not insert) to keep them together */
	g_hash_table_replace(snap->caps, cap->id, cap);
	hc_snapshot_invalidate(snap);
}

const HcCapability *
hc_snapshot_lookup(const HcSnapshot *snap, const char *id)
{
	if (snap == NULL || id == NULL)
		return NULL;
	return g_hash_table_lookup(snap->caps, id);
}

guint
hc_snapshot_get_size(const HcSnapshot *snap)
{
	return g_hash_table_size(snap->caps);
}

static gint
hc_capability_cmp_by_id(gconstpointer a, gconstpointer b)
{
	const HcCapability *ca = *(const HcCapability *const *)a;
	const HcCapability *cb = *(const HcCapability *const *)b;

	return strcmp(ca->id, cb->id);
}

static HcSnapshotIndex *
hc_snapshot_build_index(const HcSnapshot *snap)
{
	guint n = g_hash_table_size(snap->caps);
	HcSnapshotIndex *index = g_malloc(sizeof(HcSnapshotIndex) + n * sizeof(HcCapability *));
	GHashTableIter iter;
	gpointer value;

	index->len = 0;
	g_hash_table_iter_init(&iter, snap->caps);
	while (g_hash_table_iter_next(&iter, NULL, &value))
		index->caps[index->len++] = value;
	qsort(index->caps, index->len, sizeof(HcCapability *), hc_capability_cmp_by_id);
	return index;
}

static const HcSnapshotIndex *
hc_snapshot_get_index(const HcSnapshot *snap)
{
	/* a cache, not content: readers of a const (published) snapshot may fill it */
	HcSnapshot *mut = (HcSnapshot *)snap;
	HcSnapshotIndex *index = g_atomic_pointer_get(&mut->index);

	if (index != NULL)
		return index;
	/* readers of a published snapshot may race here: the first to store wins */
	index = hc_snapshot_build_index(snap);
	if (!g_atomic_pointer_compare_and_exchange(&mut->index, NULL, index)) {
		g_free(index);
		index = g_atomic_pointer_get(&mut->index);
	}
	return index;
}

/* the first position whose id sorts at or after @key */
static guint
hc_snapshot_index_lower_bound(const HcSnapshotIndex *index, const char *key)
{
	guint lo = 0;
	guint hi = index->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		if (strcmp(index->caps[mid]->id, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* what @pattern matches, marked in @hit or else added to @list: every id it matches starts
 * with it, so they sit together in the index */
static void
hc_snapshot_index_select(const HcSnapshotIndex *index,
			 const char *pattern,
			 gboolean *hit,
			 GPtrArray *list)
{
	gsize len = strlen(pattern);

	for (guint i = hc_snapshot_index_lower_bound(index, pattern);
	     i < index->len && strncmp(index->caps[i]->id, pattern, len) == 0;
	     i++) {
		if (!hc_capability_id_matches(index->caps[i]->id, pattern))
			continue;
		if (hit != NULL)
			hit[i] = TRUE;
		else
			g_ptr_array_add(list, (gpointer)index->caps[i]);
	}
}

static gboolean
hc_patterns_select_all(const char *const *patterns)
{
	if (patterns == NULL || patterns[0] == NULL)
		return TRUE;
	for (guint i = 0; patterns[i] != NULL; i++) {
		if (patterns[i][0] == '\0' || g_str_equal(patterns[i], "*"))
			return TRUE;
	}
	return FALSE;
}

GPtrArray *
hc_snapshot_list(const HcSnapshot *snap, const char *const *patterns)
{
	const HcSnapshotIndex *index = hc_snapshot_get_index(snap);
	GPtrArray *list;
	g_autofree gboolean *hit = NULL;

	if (hc_patterns_select_all(patterns)) {
		list = g_ptr_array_sized_new(index->len);
		for (guint i = 0; i < index->len; i++)
			g_ptr_array_add(list, (gpointer)index->caps[i]);
		return list;
	}
	list = g_ptr_array_new();
	/* one pattern: its range is already in order and without repeats */
	if (patterns[1] == NULL) {
		hc_snapshot_index_select(index, patterns[0], NULL, list);
		return list;
	}
	hit = g_new0(gboolean, index->len);
	for (guint j = 0; patterns[j] != NULL; j++)
		hc_snapshot_index_select(index, patterns[j], hit, NULL);
	for (guint i = 0; i < index->len; i++) {
		if (hit[i])
			g_ptr_array_add(list, (gpointer)index->caps[i]);
	}
	return list;
}

static gboolean
hc_cap_is_from_probe(gpointer key, gpointer value, gpointer user_data)
{
	const HcCapability *cap = value;

	return g_strcmp0(cap->probe, user_data) == 0;
}

void
hc_snapshot_remove_probe_capabilities(HcSnapshot *snap, const char *probe_name)
{
	g_return_if_fail(snap != NULL);
	if (g_hash_table_foreach_remove(snap->caps, hc_cap_is_from_probe, (gpointer)probe_name) > 0)
		hc_snapshot_invalidate(snap);
}

void
hc_snapshot_take_probe(HcSnapshot *snap, HcProbeRecord *rec)
{
	g_return_if_fail(snap != NULL);
	g_return_if_fail(rec != NULL && rec->name != NULL);
	g_hash_table_replace(snap->probes, rec->name, rec);
}

const HcProbeRecord *
hc_snapshot_lookup_probe(const HcSnapshot *snap, const char *name)
{
	if (snap == NULL || name == NULL)
		return NULL;
	return g_hash_table_lookup(snap->probes, name);
}

static gint
hc_probe_record_cmp_by_name(gconstpointer a, gconstpointer b)
{
	const HcProbeRecord *ra = *(const HcProbeRecord *const *)a;
	const HcProbeRecord *rb = *(const HcProbeRecord *const *)b;

	return strcmp(ra->name, rb->name);
}

GPtrArray *
hc_snapshot_list_probes(const HcSnapshot *snap)
{
	GPtrArray *list = g_ptr_array_new();
	GHashTableIter iter;
	gpointer value;

	g_hash_table_iter_init(&iter, snap->probes);
	while (g_hash_table_iter_next(&iter, NULL, &value))
		g_ptr_array_add(list, value);
	g_ptr_array_sort(list, hc_probe_record_cmp_by_name);
	return list;
}

/*
 * fingerprint serialisation, version 1
 *
 * The hash input is the text "hostcapd-fingerprint/1\n" followed, for every capability in
 * strcmp() order of ids, by three fields: the id, the state name and the value. Each field
 * is written as "<decimal byte length>:<bytes>\n", so no id, reason-free value or string
 * element can forge a field boundary. The value field is empty when there is no value,
 * otherwise its GVariant type string, '=', and the canonical text: "true"/"false" for b,
 * the decimal for x, the raw bytes for s, and for as the elements each written as a
 * length-prefixed field. The value field is also empty for volatile ids (live quantities
 * such as free hugepages, see hc_capability_id_is_volatile()). Reasons, probe names, host
 * identity, generation and timestamps are deliberately left out: equal fingerprints mean
 * equal platforms.
 */
static void
hc_fp_field(GString *out, const char *data, gsize len)
{
	g_string_append_printf(out, "%" G_GSIZE_FORMAT ":", len);
	g_string_append_len(out, data, (gssize)len);
	g_string_append_c(out, '\n');
}

static void
hc_fp_field_str(GString *out, const char *str)
{
	hc_fp_field(out, str, strlen(str));
}

static void
hc_fp_value(GString *out, GVariant *value)
{
	g_autoptr(GString) val = g_string_new(NULL);

	if (value == NULL) {
		hc_fp_field(out, "", 0);
		return;
	}
	g_string_append_printf(val, "%s=", g_variant_get_type_string(value));
	if (g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN)) {
		g_string_append(val, g_variant_get_boolean(value) ? "true" : "false");
	} else if (g_variant_is_of_type(value, G_VARIANT_TYPE_INT64)) {
		g_string_append_printf(val, "%" G_GINT64_FORMAT, g_variant_get_int64(value));
	} else if (g_variant_is_of_type(value, G_VARIANT_TYPE_STRING)) {
		gsize len = 0;
		const char *str = g_variant_get_string(value, &len);

		g_string_append_len(val, str, (gssize)len);
	} else if (g_variant_is_of_type(value, G_VARIANT_TYPE_STRING_ARRAY)) {
		gsize n = g_variant_n_children(value);

		for (gsize i = 0; i < n; i++) {
			const char *elem = NULL;

			g_variant_get_child(value, i, "&s", &elem);
			hc_fp_field_str(val, elem);
		}
	}
	hc_fp_field(out, val->str, val->len);
}

static char *
hc_snapshot_compute_fingerprint(const HcSnapshot *snap)
{
	g_autoptr(GPtrArray) caps = hc_snapshot_list(snap, NULL);
	g_autoptr(GString) input = g_string_new("hostcapd-fingerprint/1\n");
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);

	for (guint i = 0; i < caps->len; i++) {
		const HcCapability *cap = g_ptr_array_index(caps, i);

		hc_fp_field_str(input, cap->id);
		hc_fp_field_str(input, hc_cap_state_to_string(cap->state));
		hc_fp_value(input, hc_capability_id_is_volatile(cap->id) ? NULL : cap->value);
	}
	g_checksum_update(sum, (const guchar *)input->str, (gssize)input->len);
	return g_strconcat("sha256:", g_checksum_get_string(sum), NULL);
}

const char *
hc_snapshot_get_fingerprint(HcSnapshot *snap)
{
	char *fp;

	g_return_val_if_fail(snap != NULL, NULL);
	fp = g_atomic_pointer_get(&snap->fingerprint);
	if (fp != NULL)
		return fp;
	/* readers of a published snapshot may race here: the first to store wins */
	fp = hc_snapshot_compute_fingerprint(snap);
	if (!g_atomic_pointer_compare_and_exchange(&snap->fingerprint, NULL, fp)) {
		g_free(fp);
		fp = g_atomic_pointer_get(&snap->fingerprint);
	}
	return fp;
}

guint
hc_snapshot_count_state(const HcSnapshot *snap, HcCapState state)
{
	GHashTableIter iter;
	gpointer value;
	guint count = 0;

	g_hash_table_iter_init(&iter, snap->caps);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		const HcCapability *cap = value;

		if (cap->state == state)
			count++;
	}
	return count;
}

static gint
hc_strcmp_ptr(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *
hc_snapshot_diff(const HcSnapshot *old, const HcSnapshot *new_snap)
{
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	GHashTableIter iter;
	gpointer value;

	g_return_val_if_fail(new_snap != NULL, ids);
	g_hash_table_iter_init(&iter, new_snap->caps);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		const HcCapability *cap = value;
		const HcCapability *before = hc_snapshot_lookup(old, cap->id);

		if (hc_capability_equal(before, cap))
			continue;
		/* a live quantity moving is not a platform change; its state changing is */
		if (before != NULL && before->state == cap->state &&
		    hc_capability_id_is_volatile(cap->id))
			continue;
		g_ptr_array_add(ids, g_strdup(cap->id));
	}
	if (old != NULL) {
		g_hash_table_iter_init(&iter, old->caps);
		while (g_hash_table_iter_next(&iter, NULL, &value)) {
			const HcCapability *cap = value;

			if (hc_snapshot_lookup(new_snap, cap->id) == NULL)
				g_ptr_array_add(ids, g_strdup(cap->id));
		}
	}
	g_ptr_array_sort(ids, hc_strcmp_ptr);
	return ids;
}
