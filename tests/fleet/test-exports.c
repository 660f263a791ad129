/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fleet exports and verbs without external programs: every NFD line obeys NFD's rules
 * (checked here from the rules, not from the exporter's code), the Prometheus text follows
 * the exposition format and says what the fixture says, export files are replaced
 * atomically, a fleet groups hosts by fingerprint whatever their live values, and the
 * grouped answers equal the answers pair by pair.
 */
#include <check.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sys/wait.h>

#include "hc-baseline.h"
#include "hc-export.h"
#include "hc-fleet.h"
#include "hc-migration.h"

static const char *const fixtures[] = {
    "v-deb12-6.1",
    "v-trixie-6.12",
    "v-deb12-tap-timeout",
    "linux-6.1-uso-no",
    "linux-6.18-uso-yes",
};

static char *
fixture_path(const char *name)
{
	g_autofree char *file = g_strconcat(name, ".json", NULL);
	return g_build_filename(g_getenv("HC_SOURCE_DIR"),
				"tests",
				"fixtures",
				"hosts",
				file,
				NULL);
}

static HcSnapshot *
load_fixture(const char *name)
{
	g_autofree char *path = fixture_path(name);
	g_autoptr(GError) error = NULL;
	HcSnapshot *snap = hc_snapshot_load_file(path, &error);

	ck_assert_msg(snap != NULL, "%s: %s", path, error != NULL ? error->message : "");
	return snap;
}

/* the fixture read independently of libhostcap's reader */
static JsonObject *
fixture_json(const char *name, JsonNode **root)
{
	g_autofree char *path = fixture_path(name);
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;

	ck_assert(g_file_get_contents(path, &text, NULL, NULL));
	*root = json_from_string(text, &error);
	ck_assert_msg(*root != NULL, "%s", error != NULL ? error->message : "");
	return json_node_get_object(*root);
}

static HcCatalogue *
load_catalogue(void)
{
	g_autofree char *data = g_build_filename(g_getenv("HC_SOURCE_DIR"), "data", NULL);
	const char *dirs[] = {data, NULL};
	g_autoptr(GError) error = NULL;
	HcCatalogue *cat = hc_catalogue_load(dirs, &error);

	ck_assert_msg(cat != NULL, "%s", error != NULL ? error->message : "");
	return cat;
}

/* ---- NFD ---- */

/* NFD's rules: "<prefix>/<name>=<value>", prefix a DNS subdomain (<= 253), name and value
 * <= 63 of [A-Za-z0-9] with [-_.] inside (value may be empty); '#' lines are comments */
static void
assert_nfd_line(const char *line, GHashTable *names)
{
	g_autoptr(GRegex) subdomain =
	    g_regex_new("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
			0,
			0,
			NULL);
	g_autoptr(GRegex) part =
	    g_regex_new("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$", 0, 0, NULL);
	const char *eq = strchr(line, '=');
	const char *slash = strchr(line, '/');
	g_autofree char *prefix = NULL;
	g_autofree char *name = NULL;

	if (line[0] == '#' || line[0] == '\0')
		return;
	ck_assert_msg(eq != NULL && slash != NULL && slash < eq, "no prefix/name=: '%s'", line);
	prefix = g_strndup(line, slash - line);
	name = g_strndup(slash + 1, eq - slash - 1);
	ck_assert_msg(strlen(prefix) <= 253 && g_regex_match(subdomain, prefix, 0, NULL),
		      "bad prefix in '%s'",
		      line);
	ck_assert_msg(!g_str_has_suffix(prefix, "kubernetes.io") ||
			  g_str_has_suffix(prefix, ".feature.node.kubernetes.io") ||
			  g_strcmp0(prefix, "feature.node.kubernetes.io") == 0,
		      "nfd-master denies the namespace of '%s'",
		      line);
	ck_assert_msg(strlen(name) <= 63 && g_regex_match(part, name, 0, NULL),
		      "bad name in '%s'",
		      line);
	ck_assert_msg(strlen(eq + 1) <= 63 &&
			  (eq[1] == '\0' || g_regex_match(part, eq + 1, 0, NULL)),
		      "bad value in '%s'",
		      line);
	ck_assert_msg(g_hash_table_add(names, g_strndup(line, eq - line)), "twice: '%s'", line);
}

START_TEST(test_nfd_rules)
{
	g_autoptr(HcCatalogue) cat = load_catalogue();
	g_autoptr(HcSnapshot) snap = load_fixture(fixtures[_i]);
	g_autoptr(JsonNode) root = NULL;
	JsonObject *json = fixture_json(fixtures[_i], &root);
	g_autofree char *text = hc_export_nfd(snap, cat);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	g_autoptr(GHashTable) names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	const char *print = json_object_get_string_member(json, "fingerprint");
	g_autofree char *fp_line =
	    g_strdup_printf("%sfingerprint=%.16s\n", HC_EXPORT_NFD_PREFIX, strchr(print, ':') + 1);

	ck_assert_uint_lt(strlen(text), HC_EXPORT_NFD_MAX_BYTES);
	for (guint i = 0; lines[i] != NULL; i++)
		assert_nfd_line(lines[i], names);
	/* the short fingerprint is the head of the one the file carries */
	ck_assert_msg(strstr(text, fp_line) != NULL, "%s", text);
	ck_assert_uint_ge(g_hash_table_size(names), 2);
}
END_TEST

/* the labels say what the captured hosts are known to be */
START_TEST(test_nfd_facts)
{
	g_autoptr(HcCatalogue) cat = load_catalogue();
	g_autoptr(HcSnapshot) trixie = load_fixture("v-trixie-6.12");
	g_autoptr(HcSnapshot) old = load_fixture("linux-6.1-uso-no");
	g_autofree char *t = hc_export_nfd(trixie, cat);
	g_autofree char *o = hc_export_nfd(old, cat);

	ck_assert(strstr(t, HC_EXPORT_NFD_PREFIX "platform.linux-6.12-class=true\n") != NULL);
	ck_assert(strstr(t, HC_EXPORT_NFD_PREFIX "net.tap.uso=true\n") != NULL);
	ck_assert(strstr(t, HC_EXPORT_NFD_PREFIX "vhost.net.feature.ring_reset=true\n") != NULL);
	ck_assert(strstr(t, HC_EXPORT_NFD_PREFIX "kvm.smm=true\n") != NULL);
	/* 2994374 kHz: the 250 kHz class below it */
	ck_assert(strstr(t, HC_EXPORT_NFD_PREFIX "kvm.tsc.khz-class=2994250\n") != NULL);
	ck_assert(strstr(o, HC_EXPORT_NFD_PREFIX "net.tap.uso=false\n") != NULL);
	ck_assert(strstr(o, "platform.linux-6.2-class") == NULL);
}
END_TEST

/* ---- Prometheus ---- */

typedef struct {
	GHashTable *help; /* family → TRUE */
	GHashTable *type; /* family → type */
	GHashTable *series;
} PromText;

static void
prom_text_clear(PromText *p)
{
	g_clear_pointer(&p->help, g_hash_table_unref);
	g_clear_pointer(&p->type, g_hash_table_unref);
	g_clear_pointer(&p->series, g_hash_table_unref);
}

/* the text exposition format, line by line; samples after their family's HELP and TYPE */
static void
prom_parse(const char *text, PromText *p)
{
	g_autoptr(GRegex) sample = g_regex_new(
	    "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\""
	    "(,[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\")*\\})? (-?[0-9]+(\\.[0-9]+)?)$",
	    0,
	    0,
	    NULL);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	p->help = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	p->type = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	p->series = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autoptr(GMatchInfo) m = NULL;
		g_auto(GStrv) w = NULL;
		char *sp;
		if (lines[i][0] == '\0')
			continue;
		if (g_str_has_prefix(lines[i], "# HELP ")) {
			w = g_strsplit(lines[i] + 7, " ", 2);
			g_hash_table_add(p->help, g_strdup(w[0]));
			continue;
		}
		if (g_str_has_prefix(lines[i], "# TYPE ")) {
			w = g_strsplit(lines[i] + 7, " ", 2);
			ck_assert_msg(g_hash_table_contains(p->help, w[0]),
				      "TYPE before HELP: %s",
				      w[0]);
			g_hash_table_insert(p->type, g_strdup(w[0]), g_strdup(w[1]));
			continue;
		}
		ck_assert_msg(g_regex_match(sample, lines[i], 0, &m),
			      "not a sample: '%s'",
			      lines[i]);
		w = g_strsplit_set(lines[i], "{ ", 2);
		ck_assert_msg(g_hash_table_contains(p->type, w[0]), "no TYPE for %s", w[0]);
		sp = strrchr(lines[i], ' ');
		ck_assert_msg(g_hash_table_insert(p->series,
						  g_strndup(lines[i], sp - lines[i]),
						  g_strdup(sp + 1)),
			      "duplicate series: %s",
			      lines[i]);
	}
}

START_TEST(test_prometheus_format)
{
	g_autoptr(HcCatalogue) cat = load_catalogue();
	g_autoptr(HcSnapshot) snap = load_fixture(fixtures[_i]);
	g_autoptr(JsonNode) root = NULL;
	JsonObject *json = fixture_json(fixtures[_i], &root);
	JsonObject *caps = json_object_get_object_member(json, "capabilities");
	g_autoptr(GList) ids = json_object_get_members(caps);
	HcExportOptions opts = {.version = "9.9", .pass_duration_usec = 1500000};
	g_autofree char *text = hc_export_prometheus(snap, cat, &opts);
	g_autofree char *info = NULL;
	PromText p = {0};
	GHashTableIter iter;
	gpointer name, type;

	prom_parse(text, &p);
	g_hash_table_iter_init(&iter, p.type);
	while (g_hash_table_iter_next(&iter, &name, &type)) {
		ck_assert_msg(g_str_has_prefix(name, "hostcapd_"), "%s", (char *)name);
		ck_assert_msg(g_str_has_suffix(name, "_total") == (g_strcmp0(type, "counter") == 0),
			      "%s: %s",
			      (char *)name,
			      (char *)type);
	}
	/* every capability of the file, supported exactly when the file says so */
	for (GList *l = ids; l != NULL; l = l->next) {
		JsonObject *cap = json_object_get_object_member(caps, l->data);
		gboolean yes =
		    g_strcmp0(json_object_get_string_member(cap, "state"), "supported") == 0;
		g_autofree char *key =
		    g_strdup_printf("hostcapd_capability_supported{id=\"%s\"}", (char *)l->data);
		const char *v = g_hash_table_lookup(p.series, key);
		ck_assert_msg(v != NULL, "missing %s", key);
		ck_assert_str_eq(v, yes ? "1" : "0");
	}
	ck_assert_str_eq(g_hash_table_lookup(p.series, "hostcapd_last_probe_duration_seconds"),
			 "1.500000");
	info = g_strdup_printf("fingerprint=\"%s\"",
			       json_object_get_string_member(json, "fingerprint"));
	ck_assert(strstr(text, info) != NULL);
	ck_assert(
	    g_hash_table_contains(p.series,
				  "hostcapd_platform_satisfied{platform=\"linux-5.10-class\"}"));
	prom_text_clear(&p);
}
END_TEST

/* a label value with the three characters the format escapes */
START_TEST(test_prometheus_escaping)
{
	g_autoptr(HcSnapshot) snap = load_fixture("linux-6.1-uso-no");
	HcExportOptions opts = {.version = "a\"b\\c\nd", .pass_duration_usec = -1};
	g_autofree char *text = hc_export_prometheus(snap, NULL, &opts);
	PromText p = {0};

	ck_assert(strstr(text, "version=\"a\\\"b\\\\c\\nd\"") != NULL);
	ck_assert(strstr(text, "hostcapd_last_probe_duration_seconds") == NULL);
	ck_assert(strstr(text, "hostcapd_platform_satisfied") == NULL);
	prom_parse(text, &p);
	prom_text_clear(&p);
}
END_TEST

/* ---- export files ---- */

START_TEST(test_atomic_write)
{
	g_autofree char *dir = g_dir_make_tmp("hc-export-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "hostcapd.prom", NULL);
	g_autofree char *bad = g_build_filename(dir, "missing", "hostcapd.prom", NULL);
	g_autofree char *text = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GDir) d = NULL;
	GStatBuf st;

	ck_assert(hc_export_write_atomic(path, "one\n", &error));
	ck_assert(hc_export_write_atomic(path, "two\n", &error));
	ck_assert(g_file_get_contents(path, &text, NULL, NULL));
	ck_assert_str_eq(text, "two\n");
	ck_assert_int_eq(g_stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	ck_assert(!hc_export_write_atomic(bad, "x", &error));
	ck_assert(g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND));
	ck_assert(strstr(error->message, dir) != NULL);
	/* nothing but the file itself is left behind */
	d = g_dir_open(dir, 0, NULL);
	ck_assert_str_eq(g_dir_read_name(d), "hostcapd.prom");
	ck_assert(g_dir_read_name(d) == NULL);
	g_remove(path);
	g_rmdir(dir);
}
END_TEST

/* ---- fleets ---- */

/* @snap as another host of the same class: new name and boot id, other live values */
static HcSnapshot *
twin(HcSnapshot *snap, const char *name)
{
	HcSnapshot *t = hc_snapshot_copy(snap);

	hc_snapshot_set_host(t,
			     name,
			     "44444444-4444-4444-8444-444444444444",
			     hc_snapshot_get_kernel(snap),
			     "x86_64");
	hc_snapshot_take_capability(t,
				    hc_capability_new("mem.hugepages.2m.free",
						      HC_CAP_STATE_SUPPORTED,
						      g_variant_new_int64(12345),
						      "live"));
	hc_snapshot_set_generated_usec(t, hc_snapshot_get_generated_usec(snap) + 777);
	return t;
}

START_TEST(test_fleet_groups)
{
	g_autoptr(HcSnapshot) a = load_fixture("v-deb12-6.1");
	g_autoptr(HcSnapshot) b = load_fixture("v-trixie-6.12");
	g_autoptr(HcSnapshot) a2 = twin(a, "hv-a2");
	g_autoptr(HcSnapshot) b2 = twin(b, "hv-b2");
	g_autoptr(HcFleet) fleet = hc_fleet_new();
	GPtrArray *groups;
	const HcFleetGroup *g;

	hc_fleet_add(fleet, a);
	hc_fleet_add(fleet, b);
	hc_fleet_add(fleet, a2);
	hc_fleet_add(fleet, b2);
	ck_assert_str_ne(hc_snapshot_get_fingerprint(a), hc_snapshot_get_fingerprint(b));
	ck_assert_uint_eq(hc_fleet_get_n_hosts(fleet), 4);
	groups = hc_fleet_get_groups(fleet);
	ck_assert_uint_eq(groups->len, 2);
	g = g_ptr_array_index(groups, 0);
	ck_assert_str_eq(g->name, "g1");
	ck_assert_uint_eq(g->hosts->len, 2);
	ck_assert_str_eq(g_ptr_array_index(g->hosts, 0), "hv-deb12");
	ck_assert_str_eq(g_ptr_array_index(g->hosts, 1), "hv-a2");
	ck_assert(hc_fleet_lookup_group(fleet, a) == g);
	ck_assert(hc_fleet_lookup_group(fleet, a2) == NULL);
}
END_TEST

static char *
write_lines(const char *dir, const char *name, HcSnapshot **snaps, guint n, const char *extra)
{
	g_autoptr(GString) text = g_string_new(NULL);
	char *path = g_build_filename(dir, name, NULL);

	for (guint i = 0; i < n; i++) {
		g_autofree char *json = hc_snapshot_to_json(snaps[i], FALSE);
		g_string_append_printf(text, "%s\n\n", json);
	}
	if (extra != NULL)
		g_string_append(text, extra);
	ck_assert(g_file_set_contents(path, text->str, -1, NULL));
	return path;
}

START_TEST(test_fleet_paths)
{
	g_autofree char *dir = g_dir_make_tmp("hc-fleet-XXXXXX", NULL);
	g_autoptr(HcSnapshot) a = load_fixture("v-deb12-6.1");
	g_autoptr(HcSnapshot) a2 = twin(a, "hv-a2");
	g_autoptr(HcSnapshot) c = load_fixture("linux-6.1-uso-no");
	HcSnapshot *ok[] = {a, a2};
	HcSnapshot *one[] = {c};
	g_autofree char *lines = write_lines(dir, "b.jsonl", ok, 2, NULL);
	g_autofree char *single = g_build_filename(dir, "a.json", NULL);
	g_autofree char *json = hc_snapshot_to_json(c, TRUE);
	g_autofree char *broken = NULL;
	g_autofree char *sub = g_build_filename(dir, "bad", NULL);
	g_autoptr(HcFleet) fleet = hc_fleet_new();
	g_autoptr(HcFleet) fleet2 = hc_fleet_new();
	g_autoptr(GError) error = NULL;

	ck_assert(g_file_set_contents(single, json, -1, NULL));
	/* a directory: a.json then b.jsonl, in name order */
	ck_assert_msg(hc_fleet_add_path(fleet, dir, &error),
		      "%s",
		      error != NULL ? error->message : "");
	ck_assert_uint_eq(hc_fleet_get_n_hosts(fleet), 3);
	ck_assert_uint_eq(hc_fleet_get_groups(fleet)->len, 2);
	/* a broken third line names the file, the line and the JSON path */
	g_mkdir(sub, 0755);
	broken = write_lines(sub,
			     "x.jsonl",
			     one,
			     1,
			     "{\"format\": \"hostcapd-snapshot/1\", \"host\": 7}\n");
	ck_assert(!hc_fleet_add_path(fleet2, broken, &error));
	ck_assert_msg(strstr(error->message, "x.jsonl line 3: ") != NULL, "%s", error->message);
	ck_assert_msg(strstr(error->message, "$.host") != NULL, "%s", error->message);
	g_remove(broken);
	g_rmdir(sub);
	g_remove(lines);
	g_remove(single);
	g_rmdir(dir);
}
END_TEST

/* the matrix of groups says for every pair what the pair itself says */
START_TEST(test_migrations_match_pairs)
{
	g_autoptr(HcCatalogue) cat = load_catalogue();
	const char *spec_json = "{\"machine\": \"pc-q35-9.0\", \"features\": {\"accel.kvm\": "
				"true, \"netdev.tap\": true, \"netdev.vhost\": true}}";
	g_autoptr(HcSpec) spec = hc_spec_parse(cat, spec_json, strlen(spec_json), NULL);
	g_autoptr(GPtrArray) hosts =
	    g_ptr_array_new_with_free_func((GDestroyNotify)hc_snapshot_unref);
	g_autoptr(HcFleet) fleet = hc_fleet_new();
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(GError) error = NULL;
	JsonArray *matrix;
	JsonObject *pairs;
	guint64 total = 0;
	HcVerdict worst;

	ck_assert(spec != NULL);
	for (guint i = 0; i < G_N_ELEMENTS(fixtures); i++) {
		g_autoptr(HcSnapshot) s = load_fixture(fixtures[i]);
		g_autofree char *name = g_strdup_printf("copy-%u", i);
		g_ptr_array_add(hosts, hc_snapshot_ref(s));
		if (i < 2)
			g_ptr_array_add(hosts, twin(s, name));
	}
	for (guint i = 0; i < hosts->len; i++)
		hc_fleet_add(fleet, g_ptr_array_index(hosts, i));
	root = hc_fleet_migrations(cat, fleet, spec, &worst, &error);
	ck_assert_msg(root != NULL, "%s", error != NULL ? error->message : "");
	matrix = json_object_get_array_member(json_node_get_object(root), "matrix");
	/* 5 groups: 5 * 4 pairs across groups, plus within the two groups of two */
	ck_assert_uint_eq(json_array_get_length(matrix), 5 * 4 + 2);
	for (guint i = 0; i < json_array_get_length(matrix); i++) {
		JsonObject *m = json_array_get_object_element(matrix, i);
		guint s =
		    g_ascii_strtoull(json_object_get_string_member(m, "source") + 1, NULL, 10) - 1;
		guint t =
		    g_ascii_strtoull(json_object_get_string_member(m, "target") + 1, NULL, 10) - 1;
		const HcFleetGroup *gs = g_ptr_array_index(hc_fleet_get_groups(fleet), s);
		const HcFleetGroup *gt = g_ptr_array_index(hc_fleet_get_groups(fleet), t);
		g_autoptr(HcSnapshot) src = load_fixture(fixtures[s]);
		g_autoptr(HcSnapshot) dst = load_fixture(fixtures[t]);
		g_autoptr(HcReport) r = hc_migration_evaluate(cat, spec, src, dst, NULL);
		ck_assert(r != NULL);
		ck_assert_str_eq(json_object_get_string_member(m, "verdict"),
				 hc_verdict_to_string(hc_report_get_verdict(r)));
		ck_assert_int_eq(json_object_get_int_member(m, "pairs"),
				 s == t ? gs->hosts->len * (gs->hosts->len - 1)
					: gs->hosts->len * gt->hosts->len);
	}
	pairs = json_object_get_object_member(json_node_get_object(root), "pairs");
	total = json_object_get_int_member(pairs, "yes") + json_object_get_int_member(pairs, "no") +
		json_object_get_int_member(pairs, "unknown");
	ck_assert_uint_eq(total, hosts->len * (hosts->len - 1));
	/* the USO split between the captured hosts is in there */
	ck_assert_uint_eq(worst, HC_VERDICT_NO);
}
END_TEST

/* a baseline over twins answers like the baseline over the distinct hosts, and names all */
START_TEST(test_baseline_groups)
{
	g_autoptr(HcCatalogue) cat = load_catalogue();
	g_autoptr(HcSnapshot) a = load_fixture("v-deb12-6.1");
	g_autoptr(HcSnapshot) b = load_fixture("v-trixie-6.12");
	g_autoptr(HcSnapshot) a2 = twin(a, "hv-a2");
	g_autoptr(GPtrArray) two = g_ptr_array_new();
	g_autoptr(GPtrArray) three = g_ptr_array_new();
	g_autoptr(HcReport) r2 = NULL;
	g_autoptr(HcReport) r3 = NULL;
	g_autoptr(JsonNode) hosts = NULL;
	HcVerdict v2, v3;

	g_ptr_array_add(two, a);
	g_ptr_array_add(two, b);
	g_ptr_array_add(three, a);
	g_ptr_array_add(three, b);
	g_ptr_array_add(three, a2);
	r2 = hc_baseline_evaluate(cat, two, NULL, &v2, NULL);
	r3 = hc_baseline_evaluate(cat, three, NULL, &v3, NULL);
	ck_assert(r2 != NULL && r3 != NULL);
	ck_assert_int_eq(v2, v3);
	ck_assert_str_eq(json_object_get_string_member(r2->extra, "platform"),
			 json_object_get_string_member(r3->extra, "platform"));
	ck_assert_uint_eq(
	    json_array_get_length(json_object_get_array_member(r2->extra, "common_capabilities")),
	    json_array_get_length(json_object_get_array_member(r3->extra, "common_capabilities")));
	ck_assert_uint_eq(json_array_get_length(json_object_get_array_member(r3->extra, "hosts")),
			  3);
	ck_assert_uint_eq(json_array_get_length(json_object_get_array_member(r3->extra, "groups")),
			  2);
}
END_TEST

/* ---- the hostcapctl verbs ---- */

/* runs hostcapctl through sh (for the stdin redirection); returns the exit status */
static int
run_ctl(const char *args, char **out)
{
	g_autofree char *ctl =
	    g_build_filename(g_getenv("HC_BUILD_DIR"), "cli", "hostcapctl", NULL);
	g_autofree char *data = g_build_filename(g_getenv("HC_SOURCE_DIR"), "data", NULL);
	g_autofree char *cmd = g_strdup_printf("cd '%s' && exec '%s' --data-dir '%s' %s",
					       g_getenv("HC_SOURCE_DIR"),
					       ctl,
					       data,
					       args);
	const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
	g_autoptr(GError) error = NULL;
	g_autofree char *err = NULL;
	int status = -1;

	ck_assert_msg(g_spawn_sync(NULL,
				   (char **)argv,
				   NULL,
				   G_SPAWN_DEFAULT,
				   NULL,
				   NULL,
				   out,
				   &err,
				   &status,
				   &error),
		      "%s",
		      error != NULL ? error->message : "");
	ck_assert_msg(WIFEXITED(status), "%s: %s", args, err);
	return WEXITSTATUS(status);
}

START_TEST(test_cli_migrations)
{
	g_autofree char *dir = g_dir_make_tmp("hc-fleet-cli-XXXXXX", NULL);
	g_autoptr(HcSnapshot) a = load_fixture("v-deb12-6.1");
	g_autoptr(HcSnapshot) a2 = twin(a, "hv-a2");
	g_autoptr(HcSnapshot) b = load_fixture("v-trixie-6.12");
	HcSnapshot *hosts[] = {a, a2, b};
	g_autofree char *lines = write_lines(dir, "fleet.jsonl", hosts, 3, NULL);
	g_autofree char *args =
	    g_strdup_printf("--json migrations examples/uso-migration.json - < '%s'", lines);
	g_autofree char *human_args =
	    g_strdup_printf("migrations examples/uso-migration.json '%s'", dir);
	g_autofree char *out = NULL;
	g_autofree char *human = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonObject *pairs;

	/* a VM with QEMU 8.2's defaults cannot go back from the 6.12 host: exit 1 ("no") */
	ck_assert_int_eq(run_ctl(args, &out), 1);
	root = json_from_string(out, NULL);
	ck_assert_msg(root != NULL, "%s", out);
	ck_assert_int_eq(json_object_get_int_member(json_node_get_object(root), "hosts"), 3);
	pairs = json_object_get_object_member(json_node_get_object(root), "pairs");
	ck_assert_int_eq(json_object_get_int_member(pairs, "yes") +
			     json_object_get_int_member(pairs, "no") +
			     json_object_get_int_member(pairs, "unknown"),
			 6);
	ck_assert_int_ge(json_object_get_int_member(pairs, "no"), 2);
	/* a directory works the same, and the table says it for a person */
	ck_assert_int_eq(run_ctl(human_args, &human), 1);
	ck_assert_msg(strstr(human, "across 3 hosts in 2 groups: no") != NULL, "%s", human);
	ck_assert_msg(strstr(human, "FROM\\TO") != NULL, "%s", human);
	ck_assert_msg(strstr(human, "g2 -> g1 (2 host pairs): ") != NULL, "%s", human);
	g_remove(lines);
	g_rmdir(dir);
}
END_TEST

START_TEST(test_cli_export_formats)
{
	g_autofree char *dir = g_dir_make_tmp("hc-fleet-cli-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "hostcapd", NULL);
	g_autofree char *snap = fixture_path("v-trixie-6.12");
	g_autofree char *nfd_args =
	    g_strdup_printf("--snapshot '%s' export --format nfd -o '%s'", snap, path);
	g_autofree char *prom_args =
	    g_strdup_printf("--snapshot '%s' export --format prometheus", snap);
	g_autofree char *bad_args = g_strdup_printf("--snapshot '%s' export --format yaml", snap);
	g_autofree char *out = NULL;
	g_autofree char *prom = NULL;
	g_autofree char *bad = NULL;
	g_autofree char *text = NULL;

	ck_assert_int_eq(run_ctl(nfd_args, &out), 0);
	ck_assert(g_file_get_contents(path, &text, NULL, NULL));
	ck_assert(strstr(text, HC_EXPORT_NFD_PREFIX "platform.linux-6.12-class=true\n") != NULL);
	ck_assert_int_eq(run_ctl(prom_args, &prom), 0);
	ck_assert(strstr(prom, "hostcapd_platform_satisfied{platform=\"linux-6.12-class\"} 1\n") !=
		  NULL);
	/* an unknown format is a usage error */
	ck_assert_int_eq(run_ctl(bad_args, &bad), 3);
	g_remove(path);
	g_rmdir(dir);
}
END_TEST

static Suite *
exports_suite(void)
{
	Suite *s = suite_create("exports");
	TCase *tc = tcase_create("exports");

	tcase_add_loop_test(tc, test_nfd_rules, 0, G_N_ELEMENTS(fixtures));
	tcase_add_test(tc, test_nfd_facts);
	tcase_add_loop_test(tc, test_prometheus_format, 0, G_N_ELEMENTS(fixtures));
	tcase_add_test(tc, test_prometheus_escaping);
	tcase_add_test(tc, test_atomic_write);
	tcase_add_test(tc, test_fleet_groups);
	tcase_add_test(tc, test_fleet_paths);
	tcase_add_test(tc, test_migrations_match_pairs);
	tcase_add_test(tc, test_baseline_groups);
	tcase_add_test(tc, test_cli_migrations);
	tcase_add_test(tc, test_cli_export_formats);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(exports_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
