/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"
#include "hostcap/hc-snapshot.h"

static void
add_cap(HcSnapshot *snap,
	const char *id,
	HcCapState state,
	GVariant *value,
	const char *reason,
	const char *probe)
{
	HcCapability *cap = hc_capability_new(id, state, value, reason);

	cap->probe = g_strdup(probe);
	hc_snapshot_take_capability(snap, cap);
}

/* the facts of a small host; @variant changes everything that must NOT count for the
 * fingerprint: host identity, timestamps, reasons, probe names, probe records and the
 * order of insertion */
static HcSnapshot *
sample_snapshot(gboolean variant)
{
	const char *const sizes[] = {"2M", "1G", NULL};
	HcSnapshot *snap = hc_snapshot_new();

	hc_snapshot_set_host(snap,
			     variant ? "h2" : "h1",
			     variant ? "b2" : "b1",
			     "6.18.44",
			     "x86_64");
	hc_snapshot_set_generation(snap, variant ? 9 : 7);
	hc_snapshot_set_generated_usec(snap, variant ? 1764090000000001 : 1764090000000000);
	if (variant)
		add_cap(snap,
			"mem.hugepages.sizes",
			HC_CAP_STATE_SUPPORTED,
			g_variant_new_strv(sizes, -1),
			"sysfs",
			"mem");
	add_cap(snap,
		"net.tap.uso",
		HC_CAP_STATE_SUPPORTED,
		NULL,
		variant ? "other words" : "TUNSETOFFLOAD(CSUM|USO4|USO6) accepted",
		"tap");
	add_cap(snap,
		"kvm.vcpus.max",
		HC_CAP_STATE_SUPPORTED,
		g_variant_new_int64(1024),
		"KVM_CAP_MAX_VCPUS",
		variant ? "kvm2" : "kvm");
	add_cap(snap,
		"kvm.present",
		HC_CAP_STATE_SUPPORTED,
		g_variant_new_boolean(TRUE),
		"/dev/kvm",
		"kvm");
	add_cap(snap,
		"host.kernel.release",
		HC_CAP_STATE_SUPPORTED,
		g_variant_new_string("6.18.44"),
		"uname",
		"host");
	add_cap(snap,
		"vhost.net.present",
		HC_CAP_STATE_UNSUPPORTED,
		NULL,
		"open /dev/vhost-net: No such file or directory",
		"vhost");
	if (!variant)
		add_cap(snap,
			"mem.hugepages.sizes",
			HC_CAP_STATE_SUPPORTED,
			g_variant_new_strv(sizes, -1),
			"sysfs",
			"mem");
	hc_snapshot_take_probe(
	    snap,
	    hc_probe_record_new("tap", HC_PROBE_STATUS_OK, variant ? 999 : 412, NULL));
	hc_snapshot_take_probe(snap, hc_probe_record_new("kvm", HC_PROBE_STATUS_OK, 80, NULL));
	hc_snapshot_take_probe(snap,
			       hc_probe_record_new("vhost",
						   HC_PROBE_STATUS_TIMED_OUT,
						   10000000,
						   "timed out after 10000 ms"));
	return snap;
}

/* the documented serialisation (hc-snapshot.c), rebuilt here from the comment alone */
static void
fp_field(GString *out, const char *data, gsize len)
{
	g_string_append_printf(out, "%zu:", len);
	g_string_append_len(out, data, len);
	g_string_append_c(out, '\n');
}

static char *
independent_fingerprint(HcSnapshot *snap)
{
	g_autoptr(GPtrArray) caps = hc_snapshot_list(snap, NULL);
	g_autoptr(GString) in = g_string_new("hostcapd-fingerprint/1\n");
	g_autofree char *hex = NULL;

	for (guint i = 0; i < caps->len; i++) {
		const HcCapability *cap = g_ptr_array_index(caps, i);
		g_autoptr(GString) v = g_string_new(NULL);

		fp_field(in, cap->id, strlen(cap->id));
		fp_field(in,
			 hc_cap_state_to_string(cap->state),
			 strlen(hc_cap_state_to_string(cap->state)));
		/* documented: volatile ids contribute an empty value field */
		if (cap->value != NULL && !hc_capability_id_is_volatile(cap->id)) {
			g_string_append_printf(v, "%s=", g_variant_get_type_string(cap->value));
			if (g_variant_is_of_type(cap->value, G_VARIANT_TYPE("b")))
				g_string_append(v,
						g_variant_get_boolean(cap->value) ? "true"
										  : "false");
			else if (g_variant_is_of_type(cap->value, G_VARIANT_TYPE("x")))
				g_string_append_printf(v,
						       "%" G_GINT64_FORMAT,
						       g_variant_get_int64(cap->value));
			else if (g_variant_is_of_type(cap->value, G_VARIANT_TYPE("s")))
				g_string_append(v, g_variant_get_string(cap->value, NULL));
			else {
				g_autofree const char **strv = g_variant_get_strv(cap->value, NULL);

				for (guint j = 0; strv[j] != NULL; j++)
					fp_field(v, strv[j], strlen(strv[j]));
			}
		}
		fp_field(in, v->str, v->len);
	}
	hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)in->str, in->len);
	return g_strconcat("sha256:", hex, NULL);
}

START_TEST(test_fingerprint_documented)
{
	g_autoptr(HcSnapshot) snap = sample_snapshot(FALSE);
	g_autofree char *expected = independent_fingerprint(snap);

	ck_assert_str_eq(hc_snapshot_get_fingerprint(snap), expected);
	ck_assert_int_eq(strlen(expected), strlen("sha256:") + 64);
}
END_TEST

START_TEST(test_fingerprint_ignores_circumstances)
{
	g_autoptr(HcSnapshot) a = sample_snapshot(FALSE);
	g_autoptr(HcSnapshot) b = sample_snapshot(TRUE);
	g_autoptr(HcSnapshot) empty1 = hc_snapshot_new();
	g_autoptr(HcSnapshot) empty2 = hc_snapshot_new();

	ck_assert_str_eq(hc_snapshot_get_fingerprint(a), hc_snapshot_get_fingerprint(b));
	ck_assert_str_eq(hc_snapshot_get_fingerprint(empty1), hc_snapshot_get_fingerprint(empty2));
	ck_assert_str_ne(hc_snapshot_get_fingerprint(a), hc_snapshot_get_fingerprint(empty1));
}
END_TEST

START_TEST(test_fingerprint_follows_facts)
{
	g_autoptr(HcSnapshot) base = sample_snapshot(FALSE);
	const char *base_fp = hc_snapshot_get_fingerprint(base);
	g_autoptr(HcSnapshot) state = sample_snapshot(FALSE);
	g_autoptr(HcSnapshot) value = sample_snapshot(FALSE);
	g_autoptr(HcSnapshot) type = sample_snapshot(FALSE);
	g_autoptr(HcSnapshot) split = sample_snapshot(FALSE);
	g_autoptr(HcSnapshot) removed = sample_snapshot(FALSE);
	const char *const one[] = {"2M1G", NULL};

	add_cap(state, "net.tap.uso", HC_CAP_STATE_UNSUPPORTED, NULL, "EINVAL", "tap");
	add_cap(value,
		"kvm.vcpus.max",
		HC_CAP_STATE_SUPPORTED,
		g_variant_new_int64(1023),
		"",
		"kvm");
	add_cap(type,
		"kvm.vcpus.max",
		HC_CAP_STATE_SUPPORTED,
		g_variant_new_string("1024"),
		"",
		"kvm");
	/* length prefixes keep ["2M", "1G"] and ["2M1G"] apart */
	add_cap(split,
		"mem.hugepages.sizes",
		HC_CAP_STATE_SUPPORTED,
		g_variant_new_strv(one, -1),
		"",
		"mem");
	hc_snapshot_remove_probe_capabilities(removed, "vhost");

	ck_assert_str_ne(hc_snapshot_get_fingerprint(state), base_fp);
	ck_assert_str_ne(hc_snapshot_get_fingerprint(value), base_fp);
	ck_assert_str_ne(hc_snapshot_get_fingerprint(type), base_fp);
	ck_assert_str_ne(hc_snapshot_get_fingerprint(split), base_fp);
	ck_assert_str_ne(hc_snapshot_get_fingerprint(removed), base_fp);
}
END_TEST

START_TEST(test_fingerprint_cache_invalidated)
{
	g_autoptr(HcSnapshot) snap = sample_snapshot(FALSE);
	g_autofree char *before = g_strdup(hc_snapshot_get_fingerprint(snap));
	g_autofree char *after = NULL;

	add_cap(snap, "kvm.present", HC_CAP_STATE_UNSUPPORTED, NULL, "gone", "kvm");
	after = g_strdup(hc_snapshot_get_fingerprint(snap));
	ck_assert_str_ne(before, after);
	hc_snapshot_remove_probe_capabilities(snap, "kvm");
	ck_assert_str_ne(hc_snapshot_get_fingerprint(snap), after);
}
END_TEST

/* the sorted index behind hc_snapshot_list() answers like a plain filter over every id,
 * for ids that share a prefix without a dot, and again after the snapshot changed */
START_TEST(test_list_prefixes_like_a_filter)
{
	const char *const ids[] =
	    {"kvm", "kvm-x", "kvm.a", "kvm.a.b", "kvm.b", "kvmfoo", "net.tap.uso", "a", "zz"};
	const char *const patterns[] = {"kvm",
					"kvm.",
					"kvm.a",
					"kvm-",
					"kv",
					"kvmfoo",
					"net",
					"net.tap.",
					"zz",
					"zzz",
					"",
					"*",
					"a.",
					NULL};
	g_autoptr(HcSnapshot) snap = hc_snapshot_new();

	for (guint i = 0; i < G_N_ELEMENTS(ids); i++)
		add_cap(snap, ids[i], HC_CAP_STATE_SUPPORTED, NULL, "test", "t");
	for (int round = 0; round < 2; round++) {
		for (guint p = 0; patterns[p] != NULL; p++) {
			for (guint q = p; patterns[q] != NULL; q++) {
				const char *const two[] = {patterns[p], patterns[q], NULL};
				g_autoptr(GPtrArray) list =
				    hc_snapshot_list(snap, p == q ? two + 1 : two);
				g_autoptr(GPtrArray) all = hc_snapshot_list(snap, NULL);
				guint n = 0;

				for (guint i = 0; i < all->len; i++) {
					const HcCapability *cap = g_ptr_array_index(all, i);
					if (!hc_capability_id_matches(cap->id, patterns[p]) &&
					    !hc_capability_id_matches(cap->id, patterns[q]))
						continue;
					ck_assert_msg(n < list->len,
						      "%s %s: too few",
						      patterns[p],
						      patterns[q]);
					ck_assert_ptr_eq(g_ptr_array_index(list, n), cap);
					n++;
				}
				ck_assert_msg(n == list->len,
					      "%s %s: %u, not %u",
					      patterns[p],
					      patterns[q],
					      list->len,
					      n);
			}
		}
		/* a change after a list: the next list sees it */
		add_cap(snap, "kvm.aa", HC_CAP_STATE_SUPPORTED, NULL, "test", "t");
		hc_snapshot_remove_probe_capabilities(snap, "none");
	}
	{
		const char *const kvm_a[] = {"kvm.a", NULL};
		g_autoptr(GPtrArray) list = hc_snapshot_list(snap, kvm_a);
		ck_assert_uint_eq(list->len, 2); /* kvm.a and kvm.a.b, not kvm.aa */
	}
}
END_TEST

START_TEST(test_accessors_and_list)
{
	g_autoptr(HcSnapshot) snap = sample_snapshot(FALSE);
	const char *const kvm_only[] = {"kvm", NULL};
	const char *const two[] = {"net.tap.uso", "vhost.", NULL};
	g_autoptr(GPtrArray) all = hc_snapshot_list(snap, NULL);
	g_autoptr(GPtrArray) kvm = hc_snapshot_list(snap, kvm_only);
	g_autoptr(GPtrArray) both = hc_snapshot_list(snap, two);
	g_autoptr(GPtrArray) probes = hc_snapshot_list_probes(snap);

	ck_assert_str_eq(hc_snapshot_get_hostname(snap), "h1");
	ck_assert_str_eq(hc_snapshot_get_boot_id(snap), "b1");
	ck_assert_str_eq(hc_snapshot_get_kernel(snap), "6.18.44");
	ck_assert_str_eq(hc_snapshot_get_arch(snap), "x86_64");
	ck_assert_uint_eq(hc_snapshot_get_generation(snap), 7);
	ck_assert_int_eq(hc_snapshot_get_generated_usec(snap), 1764090000000000);
	ck_assert_uint_eq(hc_snapshot_get_size(snap), 6);

	ck_assert_uint_eq(all->len, 6);
	for (guint i = 1; i < all->len; i++) {
		const HcCapability *prev = g_ptr_array_index(all, i - 1);
		const HcCapability *cur = g_ptr_array_index(all, i);

		ck_assert_int_lt(strcmp(prev->id, cur->id), 0);
	}
	ck_assert_uint_eq(kvm->len, 2);
	ck_assert_str_eq(((HcCapability *)g_ptr_array_index(kvm, 0))->id, "kvm.present");
	ck_assert_str_eq(((HcCapability *)g_ptr_array_index(kvm, 1))->id, "kvm.vcpus.max");
	ck_assert_uint_eq(both->len, 2);

	ck_assert_uint_eq(probes->len, 3);
	ck_assert_str_eq(((HcProbeRecord *)g_ptr_array_index(probes, 0))->name, "kvm");
	ck_assert_str_eq(((HcProbeRecord *)g_ptr_array_index(probes, 2))->name, "vhost");
	ck_assert_str_eq(hc_snapshot_lookup_probe(snap, "vhost")->error,
			 "timed out after 10000 ms");
	ck_assert_ptr_null(hc_snapshot_lookup_probe(snap, "nope"));
	ck_assert_ptr_null(hc_snapshot_lookup(snap, "kvm"));

	ck_assert_uint_eq(hc_snapshot_count_state(snap, HC_CAP_STATE_SUPPORTED), 5);
	ck_assert_uint_eq(hc_snapshot_count_state(snap, HC_CAP_STATE_UNSUPPORTED), 1);
	ck_assert_uint_eq(hc_snapshot_count_state(snap, HC_CAP_STATE_UNKNOWN), 0);

	hc_snapshot_remove_probe_capabilities(snap, "kvm");
	ck_assert_uint_eq(hc_snapshot_get_size(snap), 4);
	ck_assert_ptr_null(hc_snapshot_lookup(snap, "kvm.present"));
}
END_TEST

START_TEST(test_copy_is_deep)
{
	g_autoptr(HcSnapshot) snap = sample_snapshot(FALSE);
	g_autoptr(HcSnapshot) copy = hc_snapshot_copy(snap);
	g_autofree char *json_a = hc_snapshot_to_json(snap, FALSE);
	g_autofree char *json_b = hc_snapshot_to_json(copy, FALSE);

	ck_assert_str_eq(json_a, json_b);
	add_cap(copy, "kvm.present", HC_CAP_STATE_UNKNOWN, NULL, "x", "kvm");
	ck_assert_int_eq(hc_snapshot_lookup(snap, "kvm.present")->state, HC_CAP_STATE_SUPPORTED);
	ck_assert_ptr_ne(hc_snapshot_lookup(snap, "net.tap.uso"),
			 hc_snapshot_lookup(copy, "net.tap.uso"));
}
END_TEST

START_TEST(test_diff)
{
	g_autoptr(HcSnapshot) old = sample_snapshot(FALSE);
	g_autoptr(HcSnapshot) new_snap = sample_snapshot(TRUE);
	g_autoptr(GPtrArray) none = hc_snapshot_diff(old, new_snap);
	g_autoptr(GPtrArray) changed = NULL;
	g_autoptr(GPtrArray) from_nothing = hc_snapshot_diff(NULL, old);
	const char *const expected[] = {"kvm.present",
					"kvm.vcpus.max",
					"net.tap.udp_tunnel_gso",
					"vhost.net.present"};

	/* reasons, probes, host and timestamps are not changes */
	ck_assert_uint_eq(none->len, 0);

	add_cap(new_snap, "kvm.present", HC_CAP_STATE_UNSUPPORTED, NULL, "gone", "kvm");
	add_cap(new_snap,
		"kvm.vcpus.max",
		HC_CAP_STATE_SUPPORTED,
		g_variant_new_int64(512),
		"",
		"kvm");
	add_cap(new_snap, "net.tap.udp_tunnel_gso", HC_CAP_STATE_SUPPORTED, NULL, "", "tap");
	hc_snapshot_remove_probe_capabilities(new_snap, "vhost");
	changed = hc_snapshot_diff(old, new_snap);
	ck_assert_uint_eq(changed->len, G_N_ELEMENTS(expected));
	for (guint i = 0; i < G_N_ELEMENTS(expected); i++)
		ck_assert_str_eq(g_ptr_array_index(changed, i), expected[i]);

	ck_assert_uint_eq(from_nothing->len, hc_snapshot_get_size(old));
}
END_TEST

START_TEST(test_volatile_ids)
{
	const char *const volatile_ids[] = {"mem.available_kib",
					    "mem.committed_as_kib",
					    "mem.hugepages.2m.free",
					    "mem.hugepages.1g.node1.free",
					    "mem.hugepages.2m.resv",
					    "fs.aio_nr"};
	const char *const stable_ids[] = {"mem.total_kib",
					  "mem.hugepages.2m.total",
					  "mem.hugepages.sizes",
					  "kvm.vcpus.max",
					  "fs.aio_max_nr",
					  "net.tap.uso"};

	for (guint i = 0; i < G_N_ELEMENTS(volatile_ids); i++)
		ck_assert_msg(hc_capability_id_is_volatile(volatile_ids[i]), "%s", volatile_ids[i]);
	for (guint i = 0; i < G_N_ELEMENTS(stable_ids); i++)
		ck_assert_msg(!hc_capability_id_is_volatile(stable_ids[i]), "%s", stable_ids[i]);
}
END_TEST

START_TEST(test_volatile_values_are_not_platform_changes)
{
	g_autoptr(HcSnapshot) a = sample_snapshot(FALSE);
	g_autoptr(HcSnapshot) b = sample_snapshot(FALSE);
	g_autoptr(GPtrArray) moved = NULL;
	g_autoptr(GPtrArray) gone = NULL;

	add_cap(a,
		"mem.hugepages.2m.free",
		HC_CAP_STATE_SUPPORTED,
		g_variant_new_int64(512),
		"",
		"memory");
	add_cap(b,
		"mem.hugepages.2m.free",
		HC_CAP_STATE_SUPPORTED,
		g_variant_new_int64(3),
		"",
		"memory");
	/* two identical hosts with different free pages share a fingerprint */
	ck_assert_str_eq(hc_snapshot_get_fingerprint(a), hc_snapshot_get_fingerprint(b));
	moved = hc_snapshot_diff(a, b);
	ck_assert_uint_eq(moved->len, 0);
	/* but the pool disappearing (a state change) is a change */
	add_cap(b, "mem.hugepages.2m.free", HC_CAP_STATE_UNKNOWN, NULL, "unreadable", "memory");
	gone = hc_snapshot_diff(a, b);
	ck_assert_uint_eq(gone->len, 1);
	ck_assert_str_eq(g_ptr_array_index(gone, 0), "mem.hugepages.2m.free");
	ck_assert_str_ne(hc_snapshot_get_fingerprint(a), hc_snapshot_get_fingerprint(b));
}
END_TEST

START_TEST(test_json_round_trip)
{
	g_autoptr(HcSnapshot) snap = sample_snapshot(FALSE);
	g_autoptr(HcSnapshot) back = NULL;
	g_autoptr(HcSnapshot) back_pretty = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *json = hc_snapshot_to_json(snap, FALSE);
	g_autofree char *pretty = hc_snapshot_to_json(snap, TRUE);
	g_autofree char *again = NULL;
	g_autofree char *again_pretty = NULL;

	back = hc_snapshot_from_json(json, strlen(json), &error);
	ck_assert_msg(back != NULL, "%s", error != NULL ? error->message : "");
	again = hc_snapshot_to_json(back, FALSE);
	ck_assert_str_eq(again, json);

	back_pretty = hc_snapshot_from_json(pretty, strlen(pretty), &error);
	ck_assert_msg(back_pretty != NULL, "%s", error != NULL ? error->message : "");
	again_pretty = hc_snapshot_to_json(back_pretty, TRUE);
	ck_assert_str_eq(again_pretty, pretty);
	ck_assert_str_eq(hc_snapshot_get_fingerprint(back), hc_snapshot_get_fingerprint(snap));

	/* every typed value survives with its type */
	ck_assert(g_variant_is_of_type(hc_snapshot_lookup(back, "kvm.vcpus.max")->value,
				       G_VARIANT_TYPE("x")));
	ck_assert(g_variant_is_of_type(hc_snapshot_lookup(back, "kvm.present")->value,
				       G_VARIANT_TYPE("b")));
	ck_assert(g_variant_is_of_type(hc_snapshot_lookup(back, "host.kernel.release")->value,
				       G_VARIANT_TYPE("s")));
	ck_assert(g_variant_is_of_type(hc_snapshot_lookup(back, "mem.hugepages.sizes")->value,
				       G_VARIANT_TYPE("as")));
	ck_assert_ptr_null(hc_snapshot_lookup(back, "net.tap.uso")->value);
	ck_assert_str_eq(hc_snapshot_lookup(back, "net.tap.uso")->probe, "tap");
	ck_assert_int_eq(hc_snapshot_lookup_probe(back, "vhost")->status,
			 HC_PROBE_STATUS_TIMED_OUT);
	ck_assert_int_eq(hc_snapshot_lookup_probe(back, "tap")->duration_usec, 412);
	ck_assert_uint_eq(hc_snapshot_get_generation(back), 7);
	ck_assert_str_eq(hc_snapshot_get_boot_id(back), "b1");
}
END_TEST

START_TEST(test_json_shape)
{
	/* read the document with json-glib directly: what a client of Describe() sees */
	g_autoptr(HcSnapshot) a = sample_snapshot(FALSE);
	g_autoptr(HcSnapshot) b = sample_snapshot(TRUE);
	g_autofree char *json = hc_snapshot_to_json(a, FALSE);
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *root, *caps, *cap, *host, *probe;
	g_autoptr(GList) ids = NULL;
	const char *prev = "";

	ck_assert(json_parser_load_from_data(parser, json, -1, NULL));
	root = json_node_get_object(json_parser_get_root(parser));
	ck_assert_str_eq(json_object_get_string_member(root, "format"), "hostcapd-snapshot/1");
	ck_assert_str_eq(json_object_get_string_member(root, "fingerprint"),
			 hc_snapshot_get_fingerprint(a));
	ck_assert_int_eq(json_object_get_int_member(root, "generation"), 7);
	ck_assert_int_eq(json_object_get_int_member(root, "generated_usec"), 1764090000000000);
	host = json_object_get_object_member(root, "host");
	ck_assert_str_eq(json_object_get_string_member(host, "hostname"), "h1");
	ck_assert_str_eq(json_object_get_string_member(host, "arch"), "x86_64");
	caps = json_object_get_object_member(root, "capabilities");
	ids = json_object_get_members(caps);
	ck_assert_uint_eq(g_list_length(ids), 6);
	/* sorted keys, whatever the insertion order */
	for (GList *l = ids; l != NULL; l = l->next) {
		ck_assert_int_lt(strcmp(prev, l->data), 0);
		prev = l->data;
	}
	cap = json_object_get_object_member(caps, "kvm.vcpus.max");
	ck_assert_str_eq(json_object_get_string_member(cap, "state"), "supported");
	ck_assert_int_eq(json_object_get_int_member(cap, "value"), 1024);
	ck_assert_str_eq(json_object_get_string_member(cap, "reason"), "KVM_CAP_MAX_VCPUS");
	ck_assert_str_eq(json_object_get_string_member(cap, "probe"), "kvm");
	cap = json_object_get_object_member(caps, "net.tap.uso");
	ck_assert(!json_object_has_member(cap, "value"));
	probe =
	    json_object_get_object_member(json_object_get_object_member(root, "probes"), "vhost");
	ck_assert_str_eq(json_object_get_string_member(probe, "status"), "timed-out");
	ck_assert_str_eq(json_object_get_string_member(probe, "error"), "timed out after 10000 ms");
	probe = json_object_get_object_member(json_object_get_object_member(root, "probes"), "tap");
	ck_assert_int_eq(json_object_get_int_member(probe, "duration_usec"), 412);
	ck_assert(!json_object_has_member(probe, "error"));

	/* the same snapshot built in another insertion order gives the same bytes */
	{
		g_autoptr(HcSnapshot) reversed = hc_snapshot_new();
		g_autoptr(GPtrArray) list = hc_snapshot_list(a, NULL);
		g_autoptr(GPtrArray) recs = hc_snapshot_list_probes(a);
		g_autofree char *json_r = NULL;

		hc_snapshot_set_host(reversed, "h1", "b1", "6.18.44", "x86_64");
		hc_snapshot_set_generation(reversed, 7);
		hc_snapshot_set_generated_usec(reversed, 1764090000000000);
		for (guint i = list->len; i > 0; i--)
			hc_snapshot_take_capability(
			    reversed,
			    hc_capability_copy(g_ptr_array_index(list, i - 1)));
		for (guint i = recs->len; i > 0; i--)
			hc_snapshot_take_probe(
			    reversed,
			    hc_probe_record_copy(g_ptr_array_index(recs, i - 1)));
		json_r = hc_snapshot_to_json(reversed, FALSE);
		ck_assert_str_eq(json_r, json);
	}
	ck_assert_str_eq(hc_snapshot_get_fingerprint(a), hc_snapshot_get_fingerprint(b));
}
END_TEST

static void
assert_refused(const char *json, gssize len, const char *expected_message)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(HcSnapshot) snap =
	    hc_snapshot_from_json(json, len < 0 ? strlen(json) : (gsize)len, &error);

	ck_assert_msg(snap == NULL, "accepted: %s", json);
	ck_assert_msg(g_error_matches(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT),
		      "wrong error for %s",
		      json);
	ck_assert_msg(g_str_has_prefix(error->message, "$"), "no path in '%s'", error->message);
	ck_assert_msg(g_str_has_prefix(error->message, expected_message),
		      "got '%s', expected '%s…'",
		      error->message,
		      expected_message);
}

#define HEAD "{\"format\":\"hostcapd-snapshot/1\","

static const struct {
	const char *json;
	const char *message;
} malformed[] = {
    {"", "$: "},
    {"[]", "$: expected an object, got an array"},
    {"{\"format\":\"hostcapd-snapshot/1\",\"capabilities\":{\"kvm.present\":{\"state\":",
     "$.capabilities[\"kvm.present\"].state: invalid JSON: unexpected end of text"},
    {"{\"capabilities\":{}}", "$.format: missing"},
    {"{\"format\":\"hostcapd-snapshot/2\",\"capabilities\":{}}",
     "$.format: expected \"hostcapd-snapshot/1\", got \"hostcapd-snapshot/2\""},
    {"{\"format\":1,\"capabilities\":{}}", "$.format: expected a string, got an integer"},
    {HEAD "\"generation\":\"7\",\"capabilities\":{}}",
     "$.generation: expected an integer, got a string"},
    {HEAD "\"generated_usec\":1.5,\"capabilities\":{}}",
     "$.generated_usec: expected an integer, got a number"},
    {HEAD "\"host\":[],\"capabilities\":{}}", "$.host: expected an object, got an array"},
    {HEAD "\"host\":{\"hostname\":5},\"capabilities\":{}}",
     "$.host.hostname: expected a string, got an integer"},
    {HEAD "\"host\":{\"cpu\":\"x\"},\"capabilities\":{}}", "$.host.cpu: unknown member"},
    {HEAD "\"capabilities\":[]}", "$.capabilities: expected an object, got an array"},
    {HEAD "\"probes\":{}}", "$.capabilities: missing"},
    {HEAD "\"capabilities\":{},\"extra\":true}", "$.extra: unknown member"},
    {HEAD "\"capabilities\":{\"KVM.present\":{\"state\":\"supported\",\"reason\":\"\"}}}",
     "$.capabilities[\"KVM.present\"]: invalid capability id"},
    {HEAD "\"capabilities\":{\"kvm\":{\"state\":\"supported\",\"reason\":\"\"}}}",
     "$.capabilities.kvm: invalid capability id"},
    {HEAD "\"capabilities\":{\"kvm.present\":{\"state\":\"maybe\",\"reason\":\"\"}}}",
     "$.capabilities[\"kvm.present\"].state: expected one of supported, unsupported, disabled, "
     "unknown, got \"maybe\""},
    {HEAD "\"capabilities\":{\"kvm.present\":{\"state\":true,\"reason\":\"\"}}}",
     "$.capabilities[\"kvm.present\"].state: expected a string, got a boolean"},
    {HEAD "\"capabilities\":{\"kvm.present\":{\"reason\":\"\"}}}",
     "$.capabilities[\"kvm.present\"].state: missing"},
    {HEAD "\"capabilities\":{\"kvm.present\":{\"state\":\"supported\"}}}",
     "$.capabilities[\"kvm.present\"].reason: missing"},
    {HEAD "\"capabilities\":{\"kvm.present\":\"supported\"}}",
     "$.capabilities[\"kvm.present\"]: expected an object, got a string"},
    {HEAD "\"capabilities\":{\"kvm.present\":{\"state\":\"supported\",\"reason\":\"\","
	  "\"value\":{}}}}",
     "$.capabilities[\"kvm.present\"].value: expected a boolean, an integer, a string or an "
     "array of strings, got an object"},
    {HEAD "\"capabilities\":{\"kvm.present\":{\"state\":\"supported\",\"reason\":\"\","
	  "\"value\":null}}}",
     "$.capabilities[\"kvm.present\"].value: expected a boolean, an integer, a string or an "
     "array of strings, got null"},
    {HEAD "\"capabilities\":{\"kvm.present\":{\"state\":\"supported\",\"reason\":\"\","
	  "\"value\":[\"a\",1]}}}",
     "$.capabilities[\"kvm.present\"].value[1]: expected a string, got an integer"},
    {HEAD "\"capabilities\":{\"kvm.present\":{\"state\":\"supported\",\"reason\":\"\","
	  "\"probe\":3}}}",
     "$.capabilities[\"kvm.present\"].probe: expected a string, got an integer"},
    {HEAD "\"capabilities\":{\"kvm.present\":{\"state\":\"supported\",\"reason\":\"\","
	  "\"why\":3}}}",
     "$.capabilities[\"kvm.present\"].why: unknown member"},
    {HEAD "\"capabilities\":{},\"probes\":{\"kvm\":{\"status\":\"fine\"}}}",
     "$.probes.kvm.status: expected one of ok, failed, timed-out, disabled, got \"fine\""},
    {HEAD "\"capabilities\":{},\"probes\":{\"kvm\":{\"status\":\"ok\",\"duration_usec\":-1}}}",
     "$.probes.kvm.duration_usec: expected a non-negative integer"},
    {HEAD "\"capabilities\":{},\"probes\":{\"kvm\":{\"status\":\"ok\",\"error\":[]}}}",
     "$.probes.kvm.error: expected a string, got an array"},
    {HEAD "\"capabilities\":{},\"fingerprint\":\"sha256:00\"}",
     "$.fingerprint: fingerprint does not match content"},
};

START_TEST(test_json_malformed)
{
	for (guint i = 0; i < G_N_ELEMENTS(malformed); i++)
		assert_refused(malformed[i].json, -1, malformed[i].message);
}
END_TEST

START_TEST(test_json_truncated)
{
	g_autoptr(HcSnapshot) snap = sample_snapshot(FALSE);
	g_autofree char *json = hc_snapshot_to_json(snap, TRUE);
	gsize len = strlen(json);

	/* every cut that drops the closing brace is refused, never half-read */
	for (gsize cut = 0; cut < len - 1; cut += 7)
		assert_refused(json, (gssize)cut, "$");
}
END_TEST

START_TEST(test_json_not_nul_terminated)
{
	g_autoptr(HcSnapshot) snap = sample_snapshot(FALSE);
	g_autofree char *json = hc_snapshot_to_json(snap, FALSE);
	gsize len = strlen(json);
	g_autofree char *buf = g_malloc(len + 8);
	g_autoptr(HcSnapshot) back = NULL;
	g_autoptr(GError) error = NULL;

	memcpy(buf, json, len);
	memcpy(buf + len, "garbage!", 8);
	back = hc_snapshot_from_json(buf, len, &error);
	ck_assert_msg(back != NULL, "%s", error != NULL ? error->message : "");
}
END_TEST

static char *
nested_json(guint arrays)
{
	g_autoptr(GString) s = g_string_new(HEAD "\"capabilities\":{},\"deep\":");

	for (guint i = 0; i < arrays; i++)
		g_string_append_c(s, '[');
	for (guint i = 0; i < arrays; i++)
		g_string_append_c(s, ']');
	g_string_append_c(s, '}');
	return g_string_free(g_steal_pointer(&s), FALSE);
}

START_TEST(test_json_nesting)
{
	/* the root object is level 1: 32 arrays inside it make 33 levels */
	g_autofree char *deep33 = nested_json(HC_LIMIT_NESTING);
	g_autofree char *deep32 = nested_json(HC_LIMIT_NESTING - 1);
	g_autofree char *path = g_strdup("$.deep");
	g_autofree char *expected = NULL;

	for (guint i = 0; i < HC_LIMIT_NESTING - 1; i++) {
		char *next = g_strconcat(path, "[0]", NULL);

		g_free(path);
		path = next;
	}
	expected = g_strdup_printf("%s: nested deeper than 32 levels", path);
	assert_refused(deep33, -1, expected);
	/* 32 levels pass the nesting check and fail on the schema instead */
	assert_refused(deep32, -1, "$.deep: unknown member");
}
END_TEST

START_TEST(test_json_nesting_huge)
{
	/* far deeper than any parser stack: refused before json-glib recurses */
	gsize n = 1024 * 1024;
	g_autofree char *buf = g_malloc(n);

	memset(buf, '[', n);
	assert_refused(buf, (gssize)n, "$");
	memset(buf, '{', n);
	assert_refused(buf, (gssize)n, "$");
	/* json-glib skips comments and reads single-quoted strings: a quote hidden in either
	 * must not blind the depth check */
	memcpy(buf, "/*\"*/", 5);
	memset(buf + 5, '[', n - 5);
	assert_refused(buf, (gssize)n, "$: invalid JSON: comments");
	memcpy(buf, "['\"',", 5);
	assert_refused(buf, (gssize)n, "$[0]: invalid JSON: single-quoted strings are not allowed");
}
END_TEST

START_TEST(test_json_oversize)
{
	gsize n = HC_LIMIT_SNAPSHOT_BYTES + 1;
	g_autofree char *buf = g_malloc(n);

	memset(buf, ' ', n);
	assert_refused(buf, (gssize)n, "$: snapshot is 4194305 bytes, over the limit of 4194304");
}
END_TEST

START_TEST(test_json_tampered)
{
	g_autoptr(HcSnapshot) snap = sample_snapshot(FALSE);
	g_autofree char *json = hc_snapshot_to_json(snap, FALSE);
	g_autofree char *tampered = NULL;
	g_autoptr(GString) edit = g_string_new(json);
	g_autoptr(GString) reasons = g_string_new(json);
	g_autoptr(HcSnapshot) back = NULL;
	g_autoptr(GError) error = NULL;

	/* flip a fact: refused */
	ck_assert_uint_eq(
	    g_string_replace(edit, "\"state\":\"unsupported\"", "\"state\":\"supported\"", 1),
	    1);
	assert_refused(edit->str, -1, "$.fingerprint: fingerprint does not match content");

	/* a value edit: refused */
	tampered = g_strdup(json);
	{
		char *p = strstr(tampered, "\"value\":1024");

		ck_assert_ptr_nonnull(p);
		p[strlen("\"value\":102")] = '5';
	}
	assert_refused(tampered, -1, "$.fingerprint: fingerprint does not match content");

	/* reasons are not facts: still the same platform */
	ck_assert_uint_eq(g_string_replace(reasons, "KVM_CAP_MAX_VCPUS", "edited", 1), 1);
	back = hc_snapshot_from_json(reasons->str, reasons->len, &error);
	ck_assert_msg(back != NULL, "%s", error != NULL ? error->message : "");
}
END_TEST

START_TEST(test_json_minimal_without_fingerprint)
{
	const char *json = HEAD "\"capabilities\":{\"kvm.present\":{\"state\":\"unknown\","
				"\"reason\":\"hand-written\"}}}";
	g_autoptr(GError) error = NULL;
	g_autoptr(HcSnapshot) snap = hc_snapshot_from_json(json, strlen(json), &error);

	ck_assert_msg(snap != NULL, "%s", error != NULL ? error->message : "");
	ck_assert_int_eq(hc_snapshot_lookup(snap, "kvm.present")->state, HC_CAP_STATE_UNKNOWN);
	ck_assert_ptr_null(hc_snapshot_lookup(snap, "kvm.present")->probe);
	ck_assert_str_eq(hc_snapshot_get_hostname(snap), "");
	ck_assert_uint_eq(hc_snapshot_get_generation(snap), 0);
}
END_TEST

START_TEST(test_load_file)
{
	g_autoptr(HcSnapshot) snap = sample_snapshot(FALSE);
	g_autofree char *json = hc_snapshot_to_json(snap, TRUE);
	g_autofree char *dir = g_dir_make_tmp("hc-snapshot-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "snapshot.json", NULL);
	g_autofree char *big = g_build_filename(dir, "big.json", NULL);
	g_autofree char *bad = g_build_filename(dir, "bad.json", NULL);
	g_autofree char *missing = g_build_filename(dir, "missing.json", NULL);
	g_autoptr(HcSnapshot) back = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *again = NULL;
	int fd;

	ck_assert(g_file_set_contents(path, json, -1, NULL));
	back = hc_snapshot_load_file(path, &error);
	ck_assert_msg(back != NULL, "%s", error != NULL ? error->message : "");
	again = hc_snapshot_to_json(back, TRUE);
	ck_assert_str_eq(again, json);

	/* a sparse file over the limit: refused on its size, not its (all-zero) content */
	fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, HC_LIMIT_SNAPSHOT_BYTES + 1), 0);
	close(fd);
	g_clear_pointer(&back, hc_snapshot_unref);
	back = hc_snapshot_load_file(big, &error);
	ck_assert_ptr_null(back);
	ck_assert(g_error_matches(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT));
	ck_assert_ptr_nonnull(strstr(error->message, "over the snapshot limit"));
	ck_assert(g_str_has_prefix(error->message, big));
	g_clear_error(&error);

	/* content errors name the file and keep the JSON path */
	ck_assert(g_file_set_contents(bad, "{\"format\":\"x\",\"capabilities\":{}}", -1, NULL));
	ck_assert_ptr_null(hc_snapshot_load_file(bad, &error));
	ck_assert(g_error_matches(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT));
	{
		g_autofree char *want = g_strdup_printf("%s: $.format: expected", bad);

		ck_assert_msg(g_str_has_prefix(error->message, want), "%s", error->message);
	}
	g_clear_error(&error);

	ck_assert_ptr_null(hc_snapshot_load_file(missing, &error));
	ck_assert(g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND));
	{
		g_autofree char *want = g_strdup_printf("open %s: %s", missing, g_strerror(ENOENT));

		ck_assert_str_eq(error->message, want);
	}
	unlink(path);
	unlink(big);
	unlink(bad);
	rmdir(dir);
}
END_TEST

START_TEST(test_probe_status_names)
{
	static const char *const expected[] = {"ok", "failed", "timed-out", "disabled"};

	ck_assert_int_eq(G_N_ELEMENTS(expected), HC_PROBE_STATUS_LAST);
	for (guint i = 0; i < HC_PROBE_STATUS_LAST; i++) {
		HcProbeStatus status = HC_PROBE_STATUS_LAST;

		ck_assert_str_eq(hc_probe_status_to_string(i), expected[i]);
		ck_assert(hc_probe_status_from_string(expected[i], &status));
		ck_assert_int_eq(status, i);
	}
	ck_assert(!hc_probe_status_from_string("timed_out", NULL));
}
END_TEST

START_TEST(test_json_mutations)
{
	/* deterministic mutations of a valid document: each is either refused with a path or
	 * read into a snapshot that writes back stably */
	static const char alphabet[] = "{}[]\",:\\/' 0123456789-.eEtrufalsn\x80\xff";
	g_autoptr(HcSnapshot) snap = sample_snapshot(FALSE);
	g_autofree char *json = hc_snapshot_to_json(snap, FALSE);
	g_autoptr(GRand) rand = g_rand_new_with_seed(20261125);
	gsize len = strlen(json);
	guint accepted = 0;

	for (guint round = 0; round < 3000; round++) {
		g_autofree char *buf = g_strdup(json);
		guint edits = (guint)g_rand_int_range(rand, 1, 4);
		g_autoptr(HcSnapshot) back = NULL;
		g_autoptr(GError) error = NULL;

		for (guint e = 0; e < edits; e++)
			buf[g_rand_int_range(rand, 0, (gint32)len)] =
			    alphabet[g_rand_int_range(rand, 0, sizeof(alphabet) - 1)];
		back = hc_snapshot_from_json(buf, len, &error);
		if (back == NULL) {
			ck_assert(g_error_matches(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT));
			ck_assert_msg(error->message[0] == '$', "no path: %s", error->message);
			continue;
		}
		accepted++;
		{
			g_autofree char *out = hc_snapshot_to_json(back, FALSE);
			g_autoptr(HcSnapshot) again = hc_snapshot_from_json(out, strlen(out), NULL);
			g_autofree char *out2 = NULL;

			ck_assert_ptr_nonnull(again);
			out2 = hc_snapshot_to_json(again, FALSE);
			ck_assert_str_eq(out, out2);
		}
	}
	/* reasons and names can change freely, so some mutants are valid documents */
	ck_assert_uint_gt(accepted, 0);
}
END_TEST

static Suite *
snapshot_suite(void)
{
	Suite *s = suite_create("snapshot");
	TCase *model = tcase_create("model");
	TCase *json = tcase_create("json");

	tcase_add_test(model, test_fingerprint_documented);
	tcase_add_test(model, test_list_prefixes_like_a_filter);
	tcase_add_test(model, test_fingerprint_ignores_circumstances);
	tcase_add_test(model, test_fingerprint_follows_facts);
	tcase_add_test(model, test_fingerprint_cache_invalidated);
	tcase_add_test(model, test_accessors_and_list);
	tcase_add_test(model, test_copy_is_deep);
	tcase_add_test(model, test_diff);
	tcase_add_test(model, test_volatile_ids);
	tcase_add_test(model, test_volatile_values_are_not_platform_changes);
	tcase_add_test(model, test_probe_status_names);
	suite_add_tcase(s, model);

	tcase_add_test(json, test_json_round_trip);
	tcase_add_test(json, test_json_shape);
	tcase_add_test(json, test_json_malformed);
	tcase_add_test(json, test_json_truncated);
	tcase_add_test(json, test_json_not_nul_terminated);
	tcase_add_test(json, test_json_nesting);
	tcase_add_test(json, test_json_nesting_huge);
	tcase_add_test(json, test_json_oversize);
	tcase_add_test(json, test_json_tampered);
	tcase_add_test(json, test_json_minimal_without_fingerprint);
	tcase_add_test(json, test_load_file);
	tcase_add_test(json, test_json_mutations);
	suite_add_tcase(s, json);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(snapshot_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
