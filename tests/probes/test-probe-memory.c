/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * memory probe: /proc/meminfo as parsed by the test against the probe, memfd hugetlb sizes
 * against the test's own memfd_create(), and the two-NUMA / 1 GiB pages and "nothing there"
 * paths on fixture sysroots.
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hc-probe-test.h"
#include "memory/hc-memory-hugepages.h"
#include "memory/hc-probe-memory.h"

/* "Key:   123 kB" from /proc/meminfo, read by the test itself */
static gint64
meminfo_value(const char *key)
{
	g_autofree char *raw = NULL;
	g_autofree char *contents = NULL;
	g_autofree char *needle = g_strdup_printf("\n%s:", key);
	const char *at;

	ck_assert(g_file_get_contents("/proc/meminfo", &raw, NULL, NULL));
	contents = g_strconcat("\n", raw, NULL);
	at = strstr(contents, needle);
	ck_assert_msg(at != NULL, "no %s in /proc/meminfo", key);
	return g_ascii_strtoll(at + strlen(needle), NULL, 10);
}

static void
assert_strv(const HcCapability *cap, const char *const *want)
{
	g_autofree const char **got = NULL;

	ck_assert_msg(cap->value != NULL &&
			  g_variant_is_of_type(cap->value, G_VARIANT_TYPE_STRING_ARRAY),
		      "%s has no string list",
		      cap->id);
	got = g_variant_get_strv(cap->value, NULL);
	ck_assert_int_eq(g_strv_length((char **)got), g_strv_length((char **)want));
	for (guint i = 0; want[i] != NULL; i++)
		ck_assert_str_eq(got[i], want[i]);
}

START_TEST(test_memory_meminfo_matches_kernel)
{
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_memory, NULL);
	g_autofree char *size = hc_memory_size_name((guint64)meminfo_value("Hugepagesize"));
	g_autofree char *total_id = g_strdup_printf("mem.hugepages.%s.total", size);
	g_autofree char *free_id = g_strdup_printf("mem.hugepages.%s.free", size);
	g_autofree char *resv_id = g_strdup_printf("mem.hugepages.%s.resv", size);
	g_autofree char *surp_id = g_strdup_printf("mem.hugepages.%s.surplus", size);

	hc_probe_test_assert_complete(&hc_probe_memory, res);
	ck_assert_int_eq(hc_probe_test_get_int(res, "mem.total_kib"), meminfo_value("MemTotal"));
	ck_assert_int_eq(hc_probe_test_get_int(res, "mem.swap_total_kib"),
			 meminfo_value("SwapTotal"));
	ck_assert_int_eq(hc_probe_test_get_int(res, "mem.hugepages.default_kib"),
			 meminfo_value("Hugepagesize"));
	/* HugePages_* in /proc/meminfo describe the default size */
	ck_assert_int_eq(hc_probe_test_get_int(res, total_id), meminfo_value("HugePages_Total"));
	ck_assert_int_eq(hc_probe_test_get_int(res, free_id), meminfo_value("HugePages_Free"));
	ck_assert_int_eq(hc_probe_test_get_int(res, resv_id), meminfo_value("HugePages_Rsvd"));
	ck_assert_int_eq(hc_probe_test_get_int(res, surp_id), meminfo_value("HugePages_Surp"));
}
END_TEST

START_TEST(test_memory_memfd_matches_kernel)
{
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_memory, NULL);
	static const struct {
		const char *id;
		unsigned int shift;
	} sizes[] = {{"mem.memfd.hugetlb.2m", 21}, {"mem.memfd.hugetlb.1g", 30}};

	for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
		const HcCapability *cap = hc_probe_test_find(res, sizes[i].id);
		int fd = memfd_create("test", MFD_CLOEXEC | MFD_HUGETLB | (sizes[i].shift << 26));

		if (fd >= 0)
			close(fd);
		/* a size without a kernel pool has no sysfs directory, hence no id */
		if (cap == NULL) {
			ck_assert_int_lt(fd, 0);
			continue;
		}
		ck_assert_int_eq(cap->state == HC_CAP_STATE_SUPPORTED, fd >= 0);
	}
}
END_TEST

START_TEST(test_memory_two_numa_1g_fixture)
{
	g_autofree char *root = hc_probe_test_fixture("two-numa-1g");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_memory, root);
	static const char *const sizes[] = {"2m", "1g", NULL};
	static const char *const mounts_1g[] = {"/srv/vm ram", NULL};
	static const char *const mounts_2m[] = {"/dev/hugepages", NULL};

	hc_probe_test_assert_complete(&hc_probe_memory, res);
	assert_strv(hc_probe_test_get(res, "mem.hugepages.sizes"), sizes);
	ck_assert_int_eq(hc_probe_test_get_int(res, "mem.hugepages.1g.total"), 4);
	ck_assert_int_eq(hc_probe_test_get_int(res, "mem.hugepages.1g.free"), 3);
	ck_assert_int_eq(hc_probe_test_get_int(res, "mem.hugepages.1g.resv"), 1);
	ck_assert_int_eq(hc_probe_test_get_int(res, "mem.hugepages.1g.node0.free"), 2);
	ck_assert_int_eq(hc_probe_test_get_int(res, "mem.hugepages.1g.node1.free"), 1);
	ck_assert_int_eq(hc_probe_test_get_int(res, "mem.hugepages.2m.node1.total"), 256);
	assert_strv(hc_probe_test_get(res, "mem.hugetlbfs.1g.mounts"), mounts_1g);
	assert_strv(hc_probe_test_get(res, "mem.hugetlbfs.2m.mounts"), mounts_2m);
	ck_assert_int_eq(hc_probe_test_get(res, "mem.hugetlbfs.mounts")->state,
			 HC_CAP_STATE_SUPPORTED);
	ck_assert_int_eq(hc_probe_test_get(res, "mem.thp.enabled")->state, HC_CAP_STATE_DISABLED);
	ck_assert_str_eq(
	    g_variant_get_string(hc_probe_test_get(res, "mem.thp.enabled")->value, NULL),
	    "never");
	ck_assert_int_eq(hc_probe_test_get(res, "mem.ksm.run")->state, HC_CAP_STATE_SUPPORTED);
	ck_assert_str_eq(hc_probe_test_get(res, "vm.memfd_noexec")->reason,
			 "/proc/sys/vm/memfd_noexec: no such sysctl");
}
END_TEST

START_TEST(test_memory_no_devices_fixture)
{
	g_autofree char *root = hc_probe_test_fixture("no-devices");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_memory, root);
	static const char *const absent[] = {
	    "mem.hugepages.sizes",
	    "mem.thp.enabled",
	    "mem.ksm.run",
	    "vm.memfd_noexec",
	};

	hc_probe_test_assert_complete(&hc_probe_memory, res);
	for (guint i = 0; i < G_N_ELEMENTS(absent); i++)
		ck_assert_int_eq(hc_probe_test_get(res, absent[i])->state,
				 HC_CAP_STATE_UNSUPPORTED);
	ck_assert_ptr_null(hc_probe_test_find(res, "mem.hugepages.2m.total"));
	ck_assert_int_eq(hc_probe_test_get_int(res, "mem.total_kib"), 24683656);
	ck_assert_int_eq(hc_probe_test_get_int(res, "vm.overcommit_ratio"), 50);
}
END_TEST

START_TEST(test_memory_size_names)
{
	static const struct {
		guint64 kib;
		const char *name;
	} cases[] = {{2048, "2m"}, {1048576, "1g"}, {64, "64k"}, {32768, "32m"}, {16777216, "16g"}};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *name = hc_memory_size_name(cases[i].kib);
		ck_assert_str_eq(name, cases[i].name);
	}
}
END_TEST

static Suite *
memory_suite(void)
{
	Suite *s = suite_create("probe-memory");
	TCase *tc = tcase_create("memory");

	tcase_add_test(tc, test_memory_meminfo_matches_kernel);
	tcase_add_test(tc, test_memory_memfd_matches_kernel);
	tcase_add_test(tc, test_memory_two_numa_1g_fixture);
	tcase_add_test(tc, test_memory_no_devices_fixture);
	tcase_add_test(tc, test_memory_size_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_probe_test_main(memory_suite(), argc, argv);
}
