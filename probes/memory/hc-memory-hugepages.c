/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Hugepages for guest RAM (-mem-path, memory-backend-file/memfd with hugetlb).
 *
 * Interfaces: /sys/kernel/mm/hugepages/hugepages-<kB>kB/{nr,free,resv,surplus}_hugepages and
 * /sys/devices/system/node/node<N>/hugepages/... (Documentation/admin-guide/mm/hugetlbpage.rst),
 * hugetlbfs mounts and their pagesize= option in /proc/self/mountinfo
 * (Documentation/filesystems/proc.rst), memfd_create(2) with MFD_HUGETLB | log2(size) << 26:
 * ENODEV means the kernel has no pool of that size. The memfd is closed at once and never
 * fallocate()d, so no page is ever reserved.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hc-memory-hugepages.h"

#define HC_HUGEPAGES_DIR "/sys/kernel/mm/hugepages"
#define HC_NODES_DIR	 "/sys/devices/system/node"

#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT 26
#endif

/* counter file -> id suffix, per size and (the first two) per node */
static const struct {
	const char *file;
	const char *suffix;
} hc_hugepage_counters[] = {
    {"free_hugepages", "free"},
    {"nr_hugepages", "total"},
    {"resv_hugepages", "resv"},
    {"surplus_hugepages", "surplus"},
};
#define HC_NODE_COUNTERS 2

char *
hc_memory_size_name(guint64 kib)
{
	if (kib % (1024 * 1024) == 0)
		return g_strdup_printf("%" G_GUINT64_FORMAT "g", kib / (1024 * 1024));
	if (kib % 1024 == 0)
		return g_strdup_printf("%" G_GUINT64_FORMAT "m", kib / 1024);
	return g_strdup_printf("%" G_GUINT64_FORMAT "k", kib);
}

static gint
hc_cmp_u64(gconstpointer a, gconstpointer b)
{
	guint64 x = *(const guint64 *)a;
	guint64 y = *(const guint64 *)b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/* sizes in KiB from the hugepages-<kB>kB directory names under @dir, sorted */
static GArray *
hc_hugepages_list_sizes(HcProbeContext *ctx, const char *dir_path, GError **error)
{
	g_autofree char *path = hc_probe_context_path(ctx, dir_path);
	g_autoptr(GDir) dir = g_dir_open(path, 0, error);
	g_autoptr(GArray) sizes = g_array_new(FALSE, FALSE, sizeof(guint64));
	const char *name;

	if (dir == NULL)
		return NULL;
	while ((name = g_dir_read_name(dir)) != NULL) {
		guint64 kib = 0;
		char *end = NULL;

		if (!g_str_has_prefix(name, "hugepages-"))
			continue;
		kib = g_ascii_strtoull(name + strlen("hugepages-"), &end, 10);
		if (kib == 0 || g_strcmp0(end, "kB") != 0)
			continue;
		g_array_append_val(sizes, kib);
	}
	g_array_sort(sizes, hc_cmp_u64);
	return g_steal_pointer(&sizes);
}

static void
hc_hugepages_report_counters(HcProbeContext *ctx,
			     const char *base,
			     guint64 kib,
			     const char *id_prefix,
			     guint n_counters)
{
	for (guint i = 0; i < n_counters; i++) {
		g_autoptr(GError) error = NULL;
		g_autofree char *path = g_strdup_printf("%s/hugepages-%" G_GUINT64_FORMAT "kB/%s",
							base,
							kib,
							hc_hugepage_counters[i].file);
		g_autofree char *id =
		    g_strdup_printf("%s.%s", id_prefix, hc_hugepage_counters[i].suffix);
		gint64 value = 0;

		if (!hc_probe_context_read_int(ctx, path, &value, &error)) {
			hc_probe_report(ctx, id, HC_CAP_STATE_UNKNOWN, NULL, "%s", error->message);
			continue;
		}
		hc_probe_report_int(ctx,
				    id,
				    HC_CAP_STATE_SUPPORTED,
				    value,
				    "%s: %" G_GINT64_FORMAT,
				    path,
				    value);
	}
}

/* free and total pages of every size on every NUMA node */
static void
hc_hugepages_check_nodes(HcProbeContext *ctx)
{
	g_autofree char *nodes_path = hc_probe_context_path(ctx, HC_NODES_DIR);
	g_autoptr(GDir) dir = g_dir_open(nodes_path, 0, NULL);
	const char *name;

	if (dir == NULL)
		return;
	while ((name = g_dir_read_name(dir)) != NULL) {
		g_autofree char *base = NULL;
		g_autoptr(GArray) sizes = NULL;
		guint64 node = 0;

		if (!g_str_has_prefix(name, "node") ||
		    !g_ascii_string_to_unsigned(name + 4, 10, 0, G_MAXINT, &node, NULL))
			continue;
		base = g_strdup_printf(HC_NODES_DIR "/node%" G_GUINT64_FORMAT "/hugepages", node);
		sizes = hc_hugepages_list_sizes(ctx, base, NULL);
		for (guint i = 0; sizes != NULL && i < sizes->len; i++) {
			guint64 kib = g_array_index(sizes, guint64, i);
			g_autofree char *size = hc_memory_size_name(kib);
			g_autofree char *prefix =
			    g_strdup_printf("mem.hugepages.%s.node%" G_GUINT64_FORMAT, size, node);
			hc_hugepages_report_counters(ctx, base, kib, prefix, HC_NODE_COUNTERS);
		}
	}
}

/* "2M", "1024M", "1G", "64K" -> KiB; 0 when unparsable */
static guint64
hc_hugepages_parse_pagesize(const char *text)
{
	char *end = NULL;
	guint64 n = g_ascii_strtoull(text, &end, 10);

	switch (g_ascii_toupper(*end)) {
	case 'K':
		return n;
	case 'M':
		return n * 1024;
	case 'G':
		return n * 1024 * 1024;
	default:
		return 0;
	}
}

/* size name -> GPtrArray of mount points, from /proc/self/mountinfo; NULL on read error */
static GHashTable *
hc_hugepages_read_mounts(HcProbeContext *ctx, guint64 default_kib, GError **error)
{
	g_autoptr(GHashTable) mounts = NULL;
	g_autofree char *contents = NULL;
	g_auto(GStrv) lines = NULL;

	if (!hc_probe_context_read_file(ctx, "/proc/self/mountinfo", &contents, NULL, error))
		return NULL;
	mounts = g_hash_table_new_full(g_str_hash,
				       g_str_equal,
				       g_free,
				       (GDestroyNotify)g_ptr_array_unref);
	lines = g_strsplit(contents, "\n", -1);
	for (guint l = 0; lines[l] != NULL; l++) {
		const char *sep = strstr(lines[l], " - ");
		g_auto(GStrv) left = NULL;
		g_auto(GStrv) right = NULL;
		g_auto(GStrv) opts = NULL;
		g_autofree char *size = NULL;
		guint64 kib = default_kib;
		GPtrArray *list;

		if (sep == NULL)
			continue;
		right = g_strsplit(sep + 3, " ", 3);
		if (g_strv_length(right) < 3 || g_strcmp0(right[0], "hugetlbfs") != 0)
			continue;
		left = g_strsplit(lines[l], " ", 6);
		if (g_strv_length(left) < 5)
			continue;
		opts = g_strsplit(right[2], ",", -1);
		for (guint o = 0; opts[o] != NULL; o++) {
			if (g_str_has_prefix(opts[o], "pagesize="))
				kib = hc_hugepages_parse_pagesize(opts[o] + strlen("pagesize="));
		}
		if (kib == 0)
			continue;
		size = hc_memory_size_name(kib);
		list = g_hash_table_lookup(mounts, size);
		if (list == NULL) {
			list = g_ptr_array_new_with_free_func(g_free);
			g_hash_table_insert(mounts, g_strdup(size), list);
		}
		/* mountinfo escapes blanks as octal (\040) */
		g_ptr_array_add(list, g_strcompress(left[4]));
	}
	return g_steal_pointer(&mounts);
}

static GVariant *
hc_strv_variant(GPtrArray *list)
{
	g_autoptr(GPtrArray) copy = g_ptr_array_new();

	for (guint i = 0; list != NULL && i < list->len; i++)
		g_ptr_array_add(copy, g_ptr_array_index(list, i));
	g_ptr_array_add(copy, NULL);
	return g_variant_new_strv((const char *const *)copy->pdata, -1);
}

static void
hc_hugepages_report_mounts(HcProbeContext *ctx, GArray *sizes, guint64 default_kib)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) mounts = hc_hugepages_read_mounts(ctx, default_kib, &error);
	g_autoptr(GPtrArray) all = g_ptr_array_new();
	GHashTableIter iter;
	gpointer key;
	gpointer value;

	if (mounts == NULL) {
		hc_probe_report(ctx,
				"mem.hugetlbfs.mounts",
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"%s",
				error->message);
		return;
	}
	/* every pool size gets an answer, mounted or not */
	for (guint i = 0; sizes != NULL && i < sizes->len; i++) {
		char *size = hc_memory_size_name(g_array_index(sizes, guint64, i));
		if (!g_hash_table_contains(mounts, size))
			g_hash_table_insert(mounts, size, g_ptr_array_new_with_free_func(g_free));
		else
			g_free(size);
	}
	g_hash_table_iter_init(&iter, mounts);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		const char *size = key;
		GPtrArray *list = value;
		g_autofree char *id = g_strdup_printf("mem.hugetlbfs.%s.mounts", size);

		hc_probe_report(ctx,
				id,
				list->len > 0 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
				hc_strv_variant(list),
				"/proc/self/mountinfo: %u hugetlbfs mount(s) with pagesize %s",
				list->len,
				size);
		g_ptr_array_extend(all, list, NULL, NULL);
	}
	hc_probe_report(ctx,
			"mem.hugetlbfs.mounts",
			all->len > 0 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
			hc_strv_variant(all),
			"/proc/self/mountinfo: %u hugetlbfs mount(s)",
			all->len);
}

/* memfd_create(MFD_HUGETLB [| log2(bytes) << MFD_HUGE_SHIFT]); @kib 0 = default size */
static void
hc_hugepages_check_memfd(HcProbeContext *ctx, const char *id, guint64 kib)
{
	unsigned int flags = MFD_CLOEXEC | MFD_HUGETLB;
	g_autofree char *what = NULL;
	int fd;
	int err;

	if (kib != 0)
		flags |= (unsigned int)g_bit_nth_msf(kib * 1024, -1) << MFD_HUGE_SHIFT;
	what = kib != 0 ? g_strdup_printf("MFD_HUGETLB|%" G_GUINT64_FORMAT "kB<<26", kib)
			: g_strdup("MFD_HUGETLB");
	fd = memfd_create("hostcapd-probe", flags);
	err = errno;
	if (fd >= 0) {
		close(fd);
		hc_probe_report_bool(ctx,
				     id,
				     HC_CAP_STATE_SUPPORTED,
				     TRUE,
				     "memfd_create(%s): ok",
				     what);
		return;
	}
	hc_probe_report_bool(ctx,
			     id,
			     (err == ENODEV || err == EINVAL) ? HC_CAP_STATE_UNSUPPORTED
							      : HC_CAP_STATE_UNKNOWN,
			     FALSE,
			     "memfd_create(%s): %s",
			     what,
			     g_strerror(err));
}

void
hc_memory_check_hugepages(HcProbeContext *ctx)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) sizes = hc_hugepages_list_sizes(ctx, HC_HUGEPAGES_DIR, &error);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	guint64 default_kib = 0;

	hc_hugepages_check_memfd(ctx, "mem.memfd.hugetlb", 0);
	if (sizes == NULL) {
		hc_probe_report(ctx,
				"mem.hugepages.sizes",
				HC_CAP_STATE_UNSUPPORTED,
				NULL,
				"%s",
				error->message);
		hc_hugepages_report_mounts(ctx, NULL, 0);
		return;
	}
	for (guint i = 0; i < sizes->len; i++) {
		guint64 kib = g_array_index(sizes, guint64, i);
		char *size = hc_memory_size_name(kib);
		g_autofree char *prefix = g_strdup_printf("mem.hugepages.%s", size);
		g_autofree char *memfd_id = g_strdup_printf("mem.memfd.hugetlb.%s", size);

		g_ptr_array_add(names, size);
		hc_hugepages_report_counters(ctx,
					     HC_HUGEPAGES_DIR,
					     kib,
					     prefix,
					     G_N_ELEMENTS(hc_hugepage_counters));
		hc_hugepages_check_memfd(ctx, memfd_id, kib);
	}
	hc_hugepages_check_nodes(ctx);
	g_ptr_array_add(names, NULL);
	hc_probe_report(ctx,
			"mem.hugepages.sizes",
			sizes->len > 0 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
			g_variant_new_strv((const char *const *)names->pdata, -1),
			HC_HUGEPAGES_DIR ": %u size(s)",
			sizes->len);
	/* only kernels before 4.15 omit pagesize= for the default size: take the smallest */
	if (sizes->len > 0)
		default_kib = g_array_index(sizes, guint64, 0);
	hc_hugepages_report_mounts(ctx, sizes, default_kib);
}
