/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hc-gen-fleet: a realistic fleet of host snapshots for tests and scripts/bench --fleet.
 *
 *   hc-gen-fleet --hosts N [--classes K] [--seed S] [--out FILE.jsonl | --dir DIR]
 *
 * Hardware/kernel classes come from the captured host fixtures (tests/fixtures/hosts), each
 * changed along a few axes a real fleet varies on (CPU SKU and its TSC rate, AVX-512, a
 * kernel without USO or without vhost ring reset, the vCPU limit). Every host of a class
 * gets its own name, boot id, probe time and live quantities (free hugepages, free memory),
 * which stay outside the fingerprint; the fingerprint is recomputed by libhostcap when the
 * snapshot is written. Hosts are spread over the classes round-robin.
 */
#include <stdio.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#include "hostcap/hc-snapshot.h"

/* the fixtures with a full probe set: hosts captured from real machines */
static const char *const hc_gen_bases[] = {
    "v-deb12-6.1.json",
    "v-trixie-6.12.json",
    "v-deb12-tap-timeout.json",
};

static void
hc_gen_set_bool(HcSnapshot *snap, const char *id, gboolean on, const char *reason)
{
	const HcCapability *old = hc_snapshot_lookup(snap, id);
	GVariant *value = old != NULL && old->value != NULL ? g_variant_new_boolean(on) : NULL;

	hc_snapshot_take_capability(
	    snap,
	    hc_capability_new(id,
			      on ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
			      value,
			      reason));
}

static void
hc_gen_set_int(HcSnapshot *snap, const char *id, gint64 v, const char *reason)
{
	hc_snapshot_take_capability(
	    snap,
	    hc_capability_new(id, HC_CAP_STATE_SUPPORTED, g_variant_new_int64(v), reason));
}

static gint64
hc_gen_get_int(HcSnapshot *snap, const char *id, gint64 fallback)
{
	const HcCapability *cap = hc_snapshot_lookup(snap, id);

	if (cap == NULL || cap->value == NULL ||
	    !g_variant_is_of_type(cap->value, G_VARIANT_TYPE_INT64))
		return fallback;
	return g_variant_get_int64(cap->value);
}

/* class @c: base fixture c % bases, CPU SKU (TSC rate) by class, further axes by bits */
static HcSnapshot *
hc_gen_class(const char *fixtures, guint c, GError **error)
{
	guint n_bases = G_N_ELEMENTS(hc_gen_bases);
	g_autofree char *path = g_build_filename(fixtures, hc_gen_bases[c % n_bases], NULL);
	g_autoptr(HcSnapshot) snap = hc_snapshot_load_file(path, error);
	guint axes = c / n_bases;
	g_autofree char *kernel = NULL;

	if (snap == NULL)
		return NULL;
	hc_gen_set_int(snap,
		       "kvm.tsc.khz",
		       hc_gen_get_int(snap, "kvm.tsc.khz", 2100000) + (gint64)axes * 1500,
		       "KVM_GET_TSC_KHZ");
	if (axes & 1)
		hc_gen_set_bool(snap, "cpu.feature.avx512f", TRUE, "KVM_GET_SUPPORTED_CPUID");
	if (axes & 2) {
		/* an older point release of the same kernel, without the USO backport */
		kernel = g_strdup_printf("%s.%u", hc_snapshot_get_kernel(snap), axes);
		hc_snapshot_set_host(snap, NULL, NULL, kernel, hc_snapshot_get_arch(snap));
		hc_snapshot_take_capability(snap,
					    hc_capability_new("host.kernel.release",
							      HC_CAP_STATE_SUPPORTED,
							      g_variant_new_string(kernel),
							      "uname(2)"));
		hc_gen_set_bool(snap,
				"net.tap.uso",
				FALSE,
				"TUNSETOFFLOAD(CSUM|USO4|USO6): EINVAL");
	}
	if (axes & 4) {
		hc_gen_set_bool(snap,
				"vhost.net.feature.ring_reset",
				FALSE,
				"VHOST_GET_FEATURES: bit 40 clear");
		hc_gen_set_int(snap, "kvm.vcpus.max", 710, "KVM_CAP_MAX_VCPUS");
	}
	return g_steal_pointer(&snap);
}

/* one host of a class: its own identity, probe time and live quantities */
static HcSnapshot *
hc_gen_host(HcSnapshot *class_snap, guint index, GRand *rand)
{
	g_autoptr(HcSnapshot) host = hc_snapshot_copy(class_snap);
	g_autoptr(GPtrArray) caps = hc_snapshot_list(host, NULL);
	g_autoptr(GPtrArray) noisy = g_ptr_array_new();
	g_autofree char *name = g_strdup_printf("hv-%05u", index);
	g_autofree char *boot = g_uuid_string_random();

	hc_snapshot_set_host(host, name, boot, hc_snapshot_get_kernel(class_snap), "x86_64");
	hc_snapshot_set_generated_usec(host,
				       hc_snapshot_get_generated_usec(class_snap) +
					   g_rand_int_range(rand, 0, 3600) * G_USEC_PER_SEC);
	for (guint i = 0; i < caps->len; i++) {
		const HcCapability *cap = g_ptr_array_index(caps, i);
		if (hc_capability_id_is_volatile(cap->id) && cap->value != NULL &&
		    g_variant_is_of_type(cap->value, G_VARIANT_TYPE_INT64))
			g_ptr_array_add(noisy, cap->id);
	}
	/* ids collected first: replacing a capability frees the listed one */
	for (guint i = 0; i < noisy->len; i++) {
		g_autofree char *id = g_strdup(g_ptr_array_index(noisy, i));
		gint64 v = hc_gen_get_int(host, id, 0);
		hc_gen_set_int(host,
			       id,
			       v / 2 + g_rand_int_range(rand, 0, (gint32)MIN(v + 1, G_MAXINT32)),
			       "live");
	}
	return g_steal_pointer(&host);
}

int
main(int argc, char **argv)
{
	guint hosts = 100, classes = 20, seed = 1;
	g_autofree char *out = NULL;
	g_autofree char *dir = NULL;
	g_autofree char *fixtures = NULL;
	g_autoptr(GPtrArray) class_snaps =
	    g_ptr_array_new_with_free_func((GDestroyNotify)hc_snapshot_unref);
	g_autoptr(GRand) rand = NULL;
	g_autoptr(GError) error = NULL;
	FILE *f = NULL;
	GOptionEntry entries[] = {
	    {"hosts", 0, 0, G_OPTION_ARG_INT, &hosts, "hosts to make", "N"},
	    {"classes", 0, 0, G_OPTION_ARG_INT, &classes, "hardware/kernel classes", "K"},
	    {"seed", 0, 0, G_OPTION_ARG_INT, &seed, "random seed of the noise", "S"},
	    {"out", 0, 0, G_OPTION_ARG_FILENAME, &out, "write JSON lines to FILE", "FILE"},
	    {"dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "write one file per host into DIR", "DIR"},
	    {"fixtures", 0, 0, G_OPTION_ARG_FILENAME, &fixtures, "host fixtures directory", "DIR"},
	    {NULL},
	};
	g_autoptr(GOptionContext) octx = g_option_context_new("- make a fleet of host snapshots");

	g_option_context_add_main_entries(octx, entries, NULL);
	if (!g_option_context_parse(octx, &argc, &argv, &error) || classes == 0 ||
	    (out == NULL) == (dir == NULL)) {
		g_printerr("hc-gen-fleet: %s\n",
			   error != NULL ? error->message
					 : "need --classes >= 1 and one of --out or --dir");
		return 2;
	}
	if (fixtures == NULL)
		fixtures = g_build_filename(
		    g_getenv("HC_SOURCE_DIR") != NULL ? g_getenv("HC_SOURCE_DIR") : ".",
		    "tests",
		    "fixtures",
		    "hosts",
		    NULL);
	for (guint c = 0; c < classes; c++) {
		HcSnapshot *snap = hc_gen_class(fixtures, c, &error);
		if (snap == NULL) {
			g_printerr("hc-gen-fleet: %s\n", error->message);
			return 1;
		}
		g_ptr_array_add(class_snaps, snap);
	}
	rand = g_rand_new_with_seed(seed);
	if (out != NULL && (f = fopen(out, "we")) == NULL) {
		g_printerr("hc-gen-fleet: %s: %s\n", out, g_strerror(errno));
		return 1;
	}
	if (dir != NULL && g_mkdir_with_parents(dir, 0755) < 0) {
		g_printerr("hc-gen-fleet: %s: %s\n", dir, g_strerror(errno));
		return 1;
	}
	for (guint i = 0; i < hosts; i++) {
		g_autoptr(HcSnapshot) host =
		    hc_gen_host(g_ptr_array_index(class_snaps, i % classes), i, rand);
		g_autofree char *json = hc_snapshot_to_json(host, f == NULL);
		if (f != NULL) {
			fputs(json, f);
			fputc('\n', f);
		} else {
			g_autofree char *name = g_strdup_printf("hv-%05u.json", i);
			g_autofree char *path = g_build_filename(dir, name, NULL);
			if (!g_file_set_contents(path, json, -1, &error)) {
				g_printerr("hc-gen-fleet: %s\n", error->message);
				return 1;
			}
		}
	}
	if (f != NULL && fclose(f) != 0) {
		g_printerr("hc-gen-fleet: %s: %s\n", out, g_strerror(errno));
		return 1;
	}
	return 0;
}
