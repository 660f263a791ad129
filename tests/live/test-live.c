/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Every migration verdict against a real live migration. A rig is a QEMU release
 * (scripts/get-qemu), a guest kernel (scripts/get-guest) and a machine type; the cases are
 * the catalogue's families that machine types turned on (hc-live-case.h), each on the first
 * rig whose machine type has it. For each family, against this host's real probe pass and a
 * copy of it where the family's capabilities are unsupported (the modelled target):
 *
 *  1. a guest booted with the machine's defaults goes to a QEMU that runs the family off, as
 *     QEMU runs it on a host without the capability: hostcapd's CheckMigration says "no"
 *     exactly when the real migration fails;
 *  2. the pins hostcapd printed in (1), applied on both sides: the migration succeeds and
 *     hostcapd says "yes" for the pinned spec;
 *  3. the spec naming the newest platform both hosts satisfy (hostcapd's baseline), its
 *     properties on both sides: the migration succeeds and hostcapd says "yes";
 *  4. the reverse: the guest running as on the host without the capability goes to a QEMU with
 *     the defaults: hostcapd's answer (yes, with a warning) matches the real migration.
 *
 * Exits 77 only when a QEMU release or a guest kernel cannot be downloaded here.
 */
#include <check.h>
#include <glib/gstdio.h>

#include "hc-config.h"
#include "hc-engine.h"
#include "hc-live-case.h"
#include "hc-live-vm.h"
#include "hc-probe-registry.h"

typedef struct {
	const char *qemu_release; /* scripts/get-qemu */
	const char *guest_kernel; /* scripts/get-guest */
	const char *machine;
	guint memory_mib;
} RigDef;

/* each rig is one QEMU release; a family is checked on the first rig whose machine has it */
static const RigDef rig_defs[] = {
    {"10.0", "6.12", "pc-q35-8.2", 256},
    {"11.1", "7", "pc-q35-10.2", 512},
};

typedef struct {
	const RigDef *def;
	char *qemu;
	char *guest;
	HcSnapshot *host; /* this host's probe pass with the rig's QEMU */
} Rig;

typedef struct {
	Rig *rig;
	HcLiveFamily *family;
} LiveCase;

static HcCatalogue *catalogue;
static HcSnapshot *host;
static Rig rigs[G_N_ELEMENTS(rig_defs)];
static GPtrArray *cases;     /* LiveCase* */
static GPtrArray *uncovered; /* family names no rig checks */

static void
rm_rf(const char *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const char *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		g_autofree char *child = g_build_filename(path, name, NULL);

		if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
		    !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
			rm_rf(child);
		else
			g_unlink(child);
	}
	g_rmdir(path);
}

/* Check carries a failure message of a few KiB at most: the report's head */
static const char *
head(const char *report)
{
	static char buf[1500];

	g_strlcpy(buf, report, sizeof(buf));
	return buf;
}

static char *
verdict_of(const char *spec, HcSnapshot *source, HcSnapshot *target, HcVerdict *verdict)
{
	g_autoptr(GError) error = NULL;
	char *report = NULL;

	ck_assert_msg(hc_check_migration(catalogue,
					 spec,
					 strlen(spec),
					 source,
					 target,
					 verdict,
					 &report,
					 &error),
		      "CheckMigration: %s",
		      error != NULL ? error->message : "");
	return report;
}

static HcLiveVm *
start(HcLiveRig *rig, const char *name, GPtrArray *props, gboolean incoming)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	HcLiveVm *vm;

	for (guint i = 0; props != NULL && i < props->len; i++)
		g_ptr_array_add(argv, g_ptr_array_index(props, i));
	g_ptr_array_add(argv, NULL);
	vm = hc_live_vm_start(rig, name, (const char *const *)argv->pdata, incoming, &error);
	ck_assert_msg(vm != NULL, "%s: %s", name, error != NULL ? error->message : "");
	return vm;
}

static HcLiveVm *
boot(HcLiveRig *rig, const char *name, GPtrArray *props)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *features = NULL;
	HcLiveVm *vm = start(rig, name, props, FALSE);

	ck_assert_msg(hc_live_vm_wait_ready(vm, &features, &error),
		      "%s: %s",
		      name,
		      error != NULL ? error->message : "");
	g_print("  %s booted; guest virtio-net features %s\n", name, features ? features : "?");
	return vm;
}

static void
migrate(HcLiveVm *source, HcLiveVm *target, HcLiveOutcome *out)
{
	g_autoptr(GError) error = NULL;

	ck_assert_msg(hc_live_migrate(source, target, out, &error),
		      "migration harness: %s",
		      error != NULL ? error->message : "");
	g_print("  real migration: source %s, target: %s\n",
		out->source_status,
		out->migrated ? "runs the guest" : out->target_error);
}

static char *
props_text(GPtrArray *props)
{
	g_autoptr(GString) s = g_string_new(NULL);

	for (guint i = 0; i < props->len; i++)
		g_string_append_printf(s,
				       "%s%s",
				       i ? "," : "",
				       (char *)g_ptr_array_index(props, i));
	return g_string_free(g_steal_pointer(&s), FALSE);
}

/* check 1: defaults here, the family off there; returns hostcapd's report */
static char *
check_without(HcLiveRig *rig, const HcLiveFamily *fam, HcSnapshot *without, char **spec_out)
{
	g_autoptr(HcLiveVm) src = boot(rig, "default-src", NULL);
	g_autoptr(HcLiveVm) dst = start(rig, "without-dst", fam->props, TRUE);
	g_autoptr(GError) error = NULL;
	HcLiveOutcome out = {0};
	HcVerdict v = HC_VERDICT_LAST;
	char *spec = hc_live_spec(catalogue, hc_live_vm_get_argv(src), NULL, &error);
	char *report;

	ck_assert_msg(spec != NULL, "spec: %s", error != NULL ? error->message : "");
	report = verdict_of(spec, host, without, &v);
	g_print("[1] %s: this host -> a host without it, defaults: hostcapd says %s\n",
		fam->name,
		hc_verdict_to_string(v));
	migrate(src, dst, &out);
	ck_assert_msg(v != HC_VERDICT_UNKNOWN, "%s: verdict unknown: %s", fam->name, report);
	ck_assert_msg((v == HC_VERDICT_YES) == out.migrated,
		      "%s: hostcapd says %s, the real migration %s (%s): %s",
		      fam->name,
		      hc_verdict_to_string(v),
		      out.migrated ? "succeeded" : "failed",
		      out.target_error ? out.target_error : "",
		      head(report));
	hc_live_outcome_clear(&out);
	*spec_out = spec;
	return report;
}

/* check 2 and 4: the pinned guest moves with the pins, then on to a QEMU with the defaults */
static void
check_pins_and_reverse(HcLiveRig *rig,
		       const HcLiveFamily *fam,
		       HcSnapshot *without,
		       GPtrArray *pins,
		       const char *default_spec)
{
	g_autoptr(HcLiveVm) src = boot(rig, "pinned-src", pins);
	g_autoptr(HcLiveVm) mid = start(rig, "pinned-dst", pins, TRUE);
	g_autoptr(HcLiveVm) dst = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *spec = hc_live_spec(catalogue, hc_live_vm_get_argv(src), NULL, &error);
	g_autofree char *report = NULL;
	g_autofree char *reverse = NULL;
	g_autofree char *text = props_text(pins);
	HcLiveOutcome out = {0};
	HcVerdict v = HC_VERDICT_LAST;

	ck_assert_msg(spec != NULL, "spec: %s", error != NULL ? error->message : "");
	report = verdict_of(spec, host, without, &v);
	g_print("[2] %s: pins %s on both: hostcapd says %s\n",
		fam->name,
		text,
		hc_verdict_to_string(v));
	migrate(src, mid, &out);
	ck_assert_msg(v == HC_VERDICT_YES && out.migrated,
		      "%s: with the pins hostcapd says %s, the real migration %s (%s): %s",
		      fam->name,
		      hc_verdict_to_string(v),
		      out.migrated ? "succeeded" : "failed",
		      out.target_error ? out.target_error : "",
		      head(report));
	g_clear_pointer(&src, hc_live_vm_free);

	/* the guest now runs as on a host without the family: move it to the defaults */
	ck_assert_msg(hc_live_props_equal(pins, fam->props),
		      "%s: the pins (%s) are not what QEMU turns off without it",
		      fam->name,
		      text);
	dst = start(rig, "adds-dst", NULL, TRUE);
	reverse = verdict_of(default_spec, without, host, &v);
	g_print("[4] %s: a host without it -> this host, defaults: hostcapd says %s%s\n",
		fam->name,
		hc_verdict_to_string(v),
		hc_live_report_names(reverse, fam, "warning") ? " with a warning" : "");
	migrate(mid, dst, &out);
	ck_assert_msg(v != HC_VERDICT_UNKNOWN && (v == HC_VERDICT_YES) == out.migrated,
		      "%s: reverse: hostcapd says %s, the real migration %s (%s): %s",
		      fam->name,
		      hc_verdict_to_string(v),
		      out.migrated ? "succeeded" : "failed",
		      out.target_error ? out.target_error : "",
		      head(reverse));
	ck_assert_msg(!hc_live_report_names(reverse, fam, "error") &&
			  hc_live_report_names(reverse, fam, "warning"),
		      "%s: reverse: expected a warning, not an error: %s",
		      fam->name,
		      head(reverse));
	hc_live_outcome_clear(&out);
}

/* check 3: a platform both hosts satisfy, its properties on both sides */
static void
check_platform(HcLiveRig *rig, const char *release, const HcLiveFamily *fam, HcSnapshot *without)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *platform = hc_live_common_platform(catalogue, host, without, &error);
	g_autoptr(GPtrArray) props = NULL;
	g_autoptr(GPtrArray) there = NULL;
	g_autoptr(HcLiveVm) src = NULL;
	g_autoptr(HcLiveVm) dst = NULL;
	g_autofree char *spec = NULL;
	g_autofree char *report = NULL;
	g_autofree char *text = NULL;
	HcLiveOutcome out = {0};
	HcVerdict v = HC_VERDICT_LAST;

	ck_assert_msg(platform != NULL, "%s: %s", fam->name, error ? error->message : "");
	props = hc_live_platform_props(catalogue, platform, rig->machine, release);
	/* the target still runs the family off where the platform leaves it on */
	there = hc_live_props_merge(props, fam->props);
	text = props_text(props);
	src = boot(rig, "platform-src", props);
	dst = start(rig, "platform-dst", there, TRUE);
	/* the manager's spec names the platform; QEMU gets the platform's values */
	{
		const char *const plain[] = {"qemu-system-x86_64",
					     "-machine",
					     rig->machine,
					     "-accel",
					     "tcg",
					     "-netdev",
					     "tap,id=n0,vhost=off",
					     "-device",
					     "virtio-net-pci,netdev=n0",
					     NULL};
		spec = hc_live_spec(catalogue, plain, platform, &error);
	}
	ck_assert_msg(spec != NULL, "spec: %s", error != NULL ? error->message : "");
	report = verdict_of(spec, host, without, &v);
	g_print("[3] %s: platform %s (%s) on both: hostcapd says %s\n",
		fam->name,
		platform,
		text,
		hc_verdict_to_string(v));
	migrate(src, dst, &out);
	ck_assert_msg(v == HC_VERDICT_YES && out.migrated,
		      "%s: platform %s: hostcapd says %s, the real migration %s (%s): %s",
		      fam->name,
		      platform,
		      hc_verdict_to_string(v),
		      out.migrated ? "succeeded" : "failed",
		      out.target_error ? out.target_error : "",
		      head(report));
	hc_live_outcome_clear(&out);
}

START_TEST(test_live_family)
{
	const LiveCase *c = g_ptr_array_index(cases, _i);
	const HcLiveFamily *fam = c->family;
	HcSnapshot *rig_host = c->rig->host;
	g_autofree char *dir = g_dir_make_tmp("hc-live-XXXXXX", NULL);
	HcLiveRig rig = {c->rig->qemu,
			 c->rig->guest,
			 c->rig->def->machine,
			 c->rig->def->memory_mib,
			 dir};
	g_autoptr(HcSnapshot) without = hc_live_host_without(rig_host, fam);
	g_autoptr(GError) error = NULL;
	g_autofree char *default_spec = NULL;
	g_autofree char *report = NULL;
	g_autoptr(GPtrArray) pins = NULL;

	/* forked per case: the source host is this rig's probe pass */
	host = rig_host;
	ck_assert(dir != NULL);
	g_print("== %s on %s, QEMU %s, guest kernel %s\n",
		fam->name,
		rig.machine,
		c->rig->def->qemu_release,
		c->rig->def->guest_kernel);
	for (guint i = 0; i < fam->capabilities->len; i++) {
		const char *id = g_ptr_array_index(fam->capabilities, i);
		const HcCapability *cap = hc_snapshot_lookup(host, id);
		g_print("  this host: %s %s\n",
			id,
			cap ? hc_cap_state_to_string(cap->state) : "absent");
	}
	report = check_without(&rig, fam, without, &default_spec);
	pins = hc_live_pin_props(report, fam, &error);
	ck_assert_msg(pins != NULL, "%s: %s: %s", fam->name, error->message, head(report));
	check_pins_and_reverse(&rig, fam, without, pins, default_spec);
	check_platform(&rig, c->rig->def->qemu_release, fam, without);
	rm_rf(dir);
}
END_TEST

/* a family the newest machine type has that no rig's machine type turns on goes unchecked */
START_TEST(test_live_coverage)
{
	ck_assert_msg(uncovered->len == 0,
		      "no rig checks %s: add a rig whose machine type turns it on",
		      (char *)g_ptr_array_index(uncovered, 0));
}
END_TEST

/* this host as the built-in probes see it, with the rig's QEMU as the host's QEMU */
static HcSnapshot *
probe_host(const char *qemu)
{
	const char *const dirs[] = {HC_SOURCE_DATADIR, NULL};
	const char *const qemus[] = {qemu, NULL};
	HcEngineOptions opts = {.data_dirs = dirs, .qemu_binaries = qemus};
	g_autoptr(HcEngineRun) run = NULL;
	g_autoptr(GPtrArray) results = NULL;
	HcSnapshot *snap = hc_snapshot_new();

	run = hc_engine_run_start(hc_probe_registry, hc_probe_registry_len, &opts);
	hc_engine_run_wait(run);
	results = hc_engine_run_steal_results(run);
	hc_engine_apply_results(snap, results);
	hc_engine_fill_host(snap, NULL);
	return snap;
}

static gboolean
has_family(const char *name)
{
	for (guint i = 0; i < cases->len; i++) {
		const LiveCase *c = g_ptr_array_index(cases, i);
		if (g_str_equal(c->family->name, name))
			return TRUE;
	}
	return FALSE;
}

/* each family on the first rig that has it; the newest machine's families must all be there */
static gboolean
plan_cases(GError **error)
{
	g_autofree char *newest = NULL;
	g_autoptr(GPtrArray) all = NULL;

	cases = g_ptr_array_new();
	uncovered = g_ptr_array_new_with_free_func(g_free);
	for (guint r = 0; r < G_N_ELEMENTS(rig_defs); r++) {
		GPtrArray *families = hc_live_families(catalogue, rig_defs[r].machine, error);

		if (families == NULL)
			return FALSE;
		rigs[r].def = &rig_defs[r];
		for (guint i = 0; i < families->len; i++) {
			LiveCase *c = g_new0(LiveCase, 1);

			if (has_family(((HcLiveFamily *)g_ptr_array_index(families, i))->name)) {
				g_free(c);
				continue;
			}
			c->rig = &rigs[r];
			c->family = g_ptr_array_index(families, i);
			g_ptr_array_add(cases, c);
		}
	}
	newest = hc_live_newest_machine(catalogue, rig_defs[0].machine, error);
	all = newest != NULL ? hc_live_families(catalogue, newest, error) : NULL;
	if (all == NULL)
		return FALSE;
	for (guint i = 0; i < all->len; i++) {
		const HcLiveFamily *fam = g_ptr_array_index(all, i);
		if (!has_family(fam->name))
			g_ptr_array_add(uncovered, g_strdup(fam->name));
	}
	return TRUE;
}

/* scripts/get-qemu or scripts/get-guest: the path, or NULL (exit 2: cannot download) */
static char *
fetch(const char *script, const char *arg, gboolean *unavailable)
{
	g_autofree char *root = g_path_get_dirname(HC_SOURCE_DATADIR);
	g_autofree char *path = g_build_filename(root, "scripts", script, NULL);
	const char *argv[] = {path, arg, NULL};
	g_autofree char *out = NULL;
	g_autoptr(GError) error = NULL;
	int status = 0;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL, &out, NULL, &status, &error) ||
	    !g_spawn_check_wait_status(status, &error)) {
		g_printerr("%s %s: %s\n", script, arg, error->message);
		*unavailable |= g_error_matches(error, G_SPAWN_EXIT_ERROR, 2);
		return NULL;
	}
	return g_strdup(g_strstrip(out));
}

int
main(void)
{
	const char *const dirs[] = {HC_SOURCE_DATADIR, NULL};
	g_autoptr(GError) error = NULL;
	Suite *s = suite_create("live");
	TCase *tc = tcase_create("migrations");
	gboolean unavailable = FALSE;
	gboolean missing = FALSE;
	SRunner *runner;
	int failed;

	catalogue = hc_catalogue_load(dirs, &error);
	if (catalogue == NULL) {
		g_printerr("catalogue: %s\n", error->message);
		return 1;
	}
	if (!plan_cases(&error)) {
		g_printerr("planning the live cases: %s\n", error->message);
		return 1;
	}
	for (guint i = 0; i < cases->len; i++) {
		LiveCase *c = g_ptr_array_index(cases, i);

		if (c->rig->qemu == NULL)
			c->rig->qemu = fetch("get-qemu", c->rig->def->qemu_release, &unavailable);
		if (c->rig->guest == NULL)
			c->rig->guest = fetch("get-guest", c->rig->def->guest_kernel, &unavailable);
		missing |= c->rig->qemu == NULL || c->rig->guest == NULL;
		if (c->rig->host == NULL && c->rig->qemu != NULL)
			c->rig->host = probe_host(c->rig->qemu);
	}
	if (missing)
		return unavailable ? 77 : 1;
	tcase_set_timeout(tc, 3600);
	tcase_add_loop_test(tc, test_live_family, 0, cases->len);
	tcase_add_test(tc, test_live_coverage);
	suite_add_tcase(s, tc);
	runner = srunner_create(s);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? 0 : 1;
}
