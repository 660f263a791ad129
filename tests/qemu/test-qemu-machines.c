/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * machine defaults against the real QEMU release: for every pc-q35-* and pc-i440fx-* machine
 * type from 6.0 up that the release offers, start it (-S, TCG, a tap-backed virtio-net-pci in
 * a private network namespace), read each catalogued property with QMP qom-get, and compare it
 * with the effective value hostcapd reports for the same machine type on a host that has every
 * capability (so nothing is dropped) and with the catalogue's default under that release.
 *
 * Usage: test-qemu-machines RELEASE (7.2, 10.0, 11.1). The binary comes from
 * scripts/get-qemu; a release it cannot fetch here exits 77 (SKIP), as does a machine where no
 * network namespace can be made.
 */
#include <check.h>
#include <gio/gio.h>
#include <sched.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hc-catalogue.h"
#include "hc-config.h"
#include "hc-probe-registry.h"
#include "hc-verdict.h"

#define SKIP 77

typedef struct {
	const char *feature;
	const char *path; /* QOM path */
	const char *property;
} Prop;

static const char *release;
static char *qemu;
static char *version; /* "11.1.3" from the QMP greeting */
static HcCatalogue *catalogue;
static HcSnapshot *full_host;
static GPtrArray *machines; /* "pc-q35-6.0" … */
static GArray *props;
static gboolean with_vsock;

/* the QEMU binary of @rel through scripts/get-qemu; NULL when it cannot be had here */
static char *
fetch_qemu(const char *rel)
{
	g_autofree char *script =
	    g_build_filename(g_getenv("HC_SOURCE_DIR"), "scripts", "get-qemu", NULL);
	const char *argv[] = {script, rel, NULL};
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	int status = 0;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL, &out, &err, &status, NULL) ||
	    !g_spawn_check_wait_status(status, NULL)) {
		g_printerr("SKIP: QEMU %s cannot be fetched here: %s", rel, err ? err : "");
		return NULL;
	}
	return g_strstrip(g_steal_pointer(&out));
}

static gboolean
can_unshare_net(void)
{
	pid_t pid = fork();
	int status = 0;

	if (pid == 0)
		_exit(unshare(CLONE_NEWNET) == 0 ? 0 : 1);
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

/* the catalogued properties the started devices carry, from the features' "qemu" fields */
static GArray *
catalogued_props(HcCatalogue *cat)
{
	GArray *out = g_array_new(FALSE, TRUE, sizeof(Prop));
	g_autoptr(GPtrArray) defs = hc_catalogue_list_features(cat);
	const struct {
		const char *prefix, *path;
	} devices[] = {
	    {"virtio-net-pci.", "/machine/peripheral/nic0"},
	    {"vhost-vsock-pci.", "/machine/peripheral/vsock0"},
	    {"machine.", "/machine"},
	};

	for (guint i = 0; i < defs->len; i++) {
		const HcFeatureDef *def = g_ptr_array_index(defs, i);
		for (guint j = 0; def->qemu != NULL && j < G_N_ELEMENTS(devices); j++) {
			const char *prop = def->qemu + strlen(devices[j].prefix);
			Prop p = {def->id, devices[j].path, prop};
			if (!g_str_has_prefix(def->qemu, devices[j].prefix) || def->is_pattern ||
			    strchr(prop, '/') != NULL)
				continue;
			/* kernel-irqchip is an accelerator setting QOM cannot read back */
			if (g_str_equal(def->qemu, "machine.kernel-irqchip") ||
			    (j == 1 && !with_vsock))
				continue;
			g_array_append_val(out, p);
		}
	}
	return out;
}

static GPtrArray *
list_machines(void)
{
	const char *argv[] = {qemu, "-machine", "help", NULL};
	g_autofree char *text = NULL;
	int status = 0;
	g_autoptr(GRegex) re =
	    g_regex_new("^(pc-q35|pc-i440fx)-([0-9]+)\\.([0-9]+)\\s", G_REGEX_MULTILINE, 0, NULL);
	g_autoptr(GMatchInfo) m = NULL;
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	if (!g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL, &text, NULL, &status, NULL) ||
	    !g_spawn_check_wait_status(status, NULL))
		return out;
	g_regex_match(re, text, 0, &m);
	while (g_match_info_matches(m)) {
		g_autofree char *fam = g_match_info_fetch(m, 1);
		g_autofree char *major = g_match_info_fetch(m, 2);
		g_autofree char *minor = g_match_info_fetch(m, 3);
		if (atoi(major) >= 6)
			g_ptr_array_add(out, g_strdup_printf("%s-%s.%s", fam, major, minor));
		g_match_info_next(m, NULL);
	}
	return out;
}

/* every capability a probe declares, supported and true */
static HcSnapshot *
host_with_everything(void)
{
	HcSnapshot *snap = hc_snapshot_new();

	for (guint i = 0; i < hc_probe_registry_len; i++) {
		g_autoptr(GPtrArray) ids = hc_probe_info_get_ids(hc_probe_registry[i]);
		for (guint j = 0; j < ids->len; j++) {
			const char *id = g_ptr_array_index(ids, j);
			if (hc_snapshot_lookup(snap, id) != NULL)
				continue;
			hc_snapshot_take_capability(snap,
						    hc_capability_new(id,
								      HC_CAP_STATE_SUPPORTED,
								      g_variant_new_boolean(TRUE),
								      "a host with everything"));
		}
	}
	hc_snapshot_set_host(snap, "hv-all", "", "0", "x86_64");
	return snap;
}

/* outside any test case: failures are reported, not asserted */
static gboolean
setup(void)
{
	const char *const dirs[] = {HC_SOURCE_DATADIR, NULL};
	g_autoptr(GError) error = NULL;

	catalogue = hc_catalogue_load(dirs, &error);
	if (catalogue == NULL) {
		g_printerr("catalogue: %s\n", error->message);
		return FALSE;
	}
	with_vsock = access("/dev/vhost-vsock", R_OK | W_OK) == 0;
	props = catalogued_props(catalogue);
	full_host = host_with_everything();
	machines = list_machines();
	if (machines->len == 0 || props->len == 0) {
		g_printerr("%s -machine help lists no pc-q35/pc-i440fx type from 6.0 up, or the "
			   "catalogue names no property to read\n",
			   qemu);
		return FALSE;
	}
	return TRUE;
}

static void
teardown(void)
{
	g_clear_pointer(&catalogue, hc_catalogue_unref);
	g_clear_pointer(&full_host, hc_snapshot_unref);
	g_clear_pointer(&machines, g_ptr_array_unref);
	g_clear_pointer(&props, g_array_unref);
}

static void
enter_private_netns(gpointer user_data)
{
	if (unshare(CLONE_NEWNET) != 0)
		_exit(126);
}

/* one QEMU: every qom-get in one QMP session; id → reply object */
static GHashTable *
qom_get_all(const char *machine)
{
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
	    G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
	    G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GString) in = g_string_new("{\"execute\":\"qmp_capabilities\"}\n");
	g_autoptr(GSubprocess) proc = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	g_auto(GStrv) lines = NULL;
	const char *head[] = {qemu,
			      "-S",
			      "-display",
			      "none",
			      "-nodefaults",
			      "-accel",
			      "tcg",
			      "-qmp",
			      "stdio",
			      "-netdev",
			      "tap,id=n0,ifname=hctest0,script=no,downscript=no,vhost=off",
			      "-device",
			      "virtio-net-pci,netdev=n0,id=nic0,romfile=",
			      "-machine",
			      machine};
	GHashTable *replies =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)json_node_unref);

	for (guint i = 0; i < G_N_ELEMENTS(head); i++)
		g_ptr_array_add(argv, (gpointer)head[i]);
	if (with_vsock) {
		g_ptr_array_add(argv, "-device");
		g_ptr_array_add(argv, "vhost-vsock-pci,id=vsock0,guest-cid=3");
	}
	g_ptr_array_add(argv, NULL);
	for (guint i = 0; i < props->len; i++) {
		const Prop *p = &g_array_index(props, Prop, i);
		g_string_append_printf(in,
				       "{\"execute\":\"qom-get\",\"id\":\"%s\",\"arguments\":"
				       "{\"path\":\"%s\",\"property\":\"%s\"}}\n",
				       p->feature,
				       p->path,
				       p->property);
	}
	g_string_append(in, "{\"execute\":\"quit\"}\n");
	g_subprocess_launcher_set_child_setup(launcher, enter_private_netns, NULL, NULL);
	proc = g_subprocess_launcher_spawnv(launcher, (const char *const *)argv->pdata, &error);
	ck_assert_msg(proc != NULL, "spawn %s: %s", qemu, error ? error->message : "");
	ck_assert(g_subprocess_communicate_utf8(proc, in->str, NULL, &out, &err, &error));
	lines = g_strsplit(out != NULL ? out : "", "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autoptr(JsonNode) node = json_from_string(lines[i], NULL);
		JsonObject *obj = node != NULL && JSON_NODE_HOLDS_OBJECT(node)
				      ? json_node_get_object(node)
				      : NULL;
		if (obj != NULL && json_object_has_member(obj, "QMP") && version == NULL) {
			JsonObject *v = json_object_get_object_member(
			    json_object_get_object_member(json_object_get_object_member(obj, "QMP"),
							  "version"),
			    "qemu");
			version = g_strdup_printf("%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT
						  ".%" G_GINT64_FORMAT,
						  json_object_get_int_member(v, "major"),
						  json_object_get_int_member(v, "minor"),
						  json_object_get_int_member(v, "micro"));
		}
		if (obj != NULL && json_object_has_member(obj, "id"))
			g_hash_table_insert(replies,
					    g_strdup(json_object_get_string_member(obj, "id")),
					    g_steal_pointer(&node));
	}
	ck_assert_msg(g_hash_table_size(replies) == props->len,
		      "%s: %u of %u QMP replies; QEMU said: %s",
		      machine,
		      g_hash_table_size(replies),
		      props->len,
		      err);
	return replies;
}

/* hostcapd's effective values for @machine with a tap NIC on the host that has everything */
static JsonObject *
effective_values(const char *machine, char **report_out)
{
	g_autofree char *spec =
	    g_strdup_printf("{\"machine\": \"%s\", \"features\": {\"netdev.tap\": true%s}}",
			    machine,
			    with_vsock ? ", \"vhost-vsock.present\": true" : "");
	g_autoptr(GError) error = NULL;
	g_autoptr(JsonNode) root = NULL;
	HcVerdict verdict = HC_VERDICT_LAST;

	ck_assert_msg(hc_check_bootable(catalogue,
					spec,
					strlen(spec),
					full_host,
					&verdict,
					report_out,
					&error),
		      "%s: %s",
		      machine,
		      error ? error->message : "");
	root = json_from_string(*report_out, NULL);
	ck_assert_ptr_nonnull(root);
	return json_object_ref(
	    json_object_get_object_member(json_node_get_object(root), "effective"));
}

static void
check_one(const char *machine, const Prop *p, JsonNode *qemu_value, JsonObject *effective)
{
	g_autofree char *want = json_to_string(qemu_value, FALSE);
	JsonNode *eff = json_object_get_member(effective, p->feature);
	JsonNode *def = hc_catalogue_get_machine_default(catalogue, machine, version, p->feature);
	g_autofree char *got = eff != NULL ? json_to_string(eff, FALSE) : g_strdup("(absent)");
	g_autofree char *got_def = def != NULL ? json_to_string(def, FALSE) : g_strdup("(absent)");

	ck_assert_msg(g_strcmp0(want, got) == 0,
		      "QEMU %s %s: %s (%s %s) is %s, hostcapd's effective value is %s",
		      version,
		      machine,
		      p->feature,
		      p->path,
		      p->property,
		      want,
		      got);
	ck_assert_msg(g_strcmp0(want, got_def) == 0,
		      "QEMU %s %s: %s is %s, the catalogue's default under %s is %s",
		      version,
		      machine,
		      p->feature,
		      want,
		      version,
		      got_def);
}

START_TEST(test_machine)
{
	const char *machine = g_ptr_array_index(machines, _i);
	g_autoptr(GHashTable) replies = qom_get_all(machine);
	g_autofree char *report = NULL;
	g_autoptr(JsonObject) effective = effective_values(machine, &report);
	guint compared = 0;

	for (guint i = 0; i < props->len; i++) {
		const Prop *p = &g_array_index(props, Prop, i);
		JsonObject *reply = json_node_get_object(g_hash_table_lookup(replies, p->feature));
		if (json_object_has_member(reply, "error")) {
			const char *desc = json_object_get_string_member(
			    json_object_get_object_member(reply, "error"),
			    "desc");
			/* a property this release does not have is not reported: nothing to compare
			 */
			ck_assert_msg(strstr(desc, "not found") != NULL,
				      "%s: qom-get %s %s: %s",
				      machine,
				      p->path,
				      p->property,
				      desc);
			continue;
		}
		check_one(machine, p, json_object_get_member(reply, "return"), effective);
		compared++;
	}
	g_print("QEMU %s %s: %u catalogued properties equal\n", version, machine, compared);
	ck_assert_uint_gt(compared, 0);
}
END_TEST

int
main(int argc, char **argv)
{
	Suite *s = suite_create("qemu-machines");
	TCase *tc = tcase_create("machines");
	SRunner *runner;
	int failed;

	if (argc != 2) {
		g_printerr("usage: %s RELEASE\n", argv[0]);
		return 2;
	}
	release = argv[1];
	qemu = fetch_qemu(release);
	if (qemu == NULL)
		return SKIP;
	if (!can_unshare_net()) {
		g_printerr("SKIP: no private network namespace here (unshare(CLONE_NEWNET))\n");
		return SKIP;
	}
	/* the fixture runs in this process: the machine list sizes the loop */
	if (!setup())
		return 1;
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_machine, 0, machines->len);
	suite_add_tcase(s, tc);
	runner = srunner_create(s);
	srunner_set_fork_status(runner, CK_NOFORK);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	teardown();
	g_free(version);
	g_free(qemu);
	return failed == 0 ? 0 : 1;
}
