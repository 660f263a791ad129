/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QEMU as the judge: for each command line, start the real qemu-system-x86_64 (stopped,
 * no display, QMP on stdio), send qmp_capabilities and quit, and compare "QEMU started"
 * with the bootable verdict for the same command line, imported with
 * hc_qemu_argv_to_spec() and judged by hc_check_bootable() against a snapshot the built-in
 * probes take of this very host, in process. QEMU is the independent reading of the fact.
 *
 * Without a usable /dev/kvm every "-accel kvm" line must fail in QEMU and get "no" with
 * kvm.present named; the "-accel tcg" lines still start. Tap lines run QEMU in a private
 * network namespace so the host never sees its tap.
 *
 * Without arguments the system QEMU (PATH) judges; "test-qemu-judge RELEASE" runs the same
 * cases with the release scripts/get-qemu fetches, and exits 77 (SKIP) when it cannot.
 */
#include <check.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <sched.h>
#include <unistd.h>

#include "hc-config.h"
#include "hc-engine.h"
#include "hc-probe-registry.h"
#include "hc-verdict.h"

#define QMP_SESSION "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"quit\"}\n"

typedef struct {
	const char *args[8];
	gboolean private_netns;
} JudgeCase;

static const JudgeCase cases[] = {
    {{"-machine", "pc-q35-7.2", "-accel", "kvm"}},
    {{"-machine", "pc-q35-7.2", "-accel", "tcg"}},
    /* CPU models, usable or not depending on what KVM_GET_SUPPORTED_CPUID says here */
    {{"-machine", "pc-q35-7.2", "-accel", "kvm", "-cpu", "486,enforce"}},
    {{"-machine", "pc-q35-7.2", "-accel", "kvm", "-cpu", "pentium,enforce"}},
    {{"-machine", "pc-q35-7.2", "-accel", "kvm", "-cpu", "qemu64,enforce"}},
    {{"-machine", "pc-q35-7.2", "-accel", "kvm", "-cpu", "kvm64,enforce"}},
    {{"-machine", "pc-q35-7.2", "-accel", "kvm", "-cpu", "EPYC-Rome,enforce"}},
    {{"-machine", "pc-q35-7.2", "-accel", "kvm", "-cpu", "Skylake-Client,enforce"}},
    {{"-machine", "pc-q35-7.2", "-accel", "kvm", "-cpu", "host,enforce"}},
    {{"-machine", "pc-q35-7.2", "-accel", "kvm", "-cpu", "486,+avx2,enforce"}},
    {{"-machine", "pc-q35-7.2", "-accel", "kvm", "-cpu", "486,+x2apic,enforce"}},
    /* without enforce QEMU filters missing features and starts */
    {{"-machine", "pc-q35-7.2", "-accel", "kvm", "-cpu", "Skylake-Client"}},
    /* SMM: KVM_CAP_X86_SMM */
    {{"-machine", "q35,smm=on", "-accel", "kvm"}},
    {{"-machine", "pc-q35-7.2,smm=off", "-accel", "kvm"}},
    /* TCG emulates SMM whatever the host: no KVM_CAP_X86_SMM needed */
    {{"-machine", "pc-q35-7.2,smm=on", "-accel", "tcg"}},
    /* guest RAM against vm.overcommit_memory and the host's memory */
    {{"-machine", "pc-q35-7.2", "-accel", "kvm", "-m", "1024"}},
    {{"-machine", "pc-q35-7.2", "-accel", "kvm", "-m", "64T"}},
    /* a TSC rate KVM can only give with TSC scaling */
    {{"-machine", "pc-q35-7.2", "-accel", "kvm", "-cpu", "486,tsc-frequency=1000000000"}},
    {{"-machine", "pc-q35-7.2", "-accel", "kvm,dirty-ring-size=4096"}},
    /* more than this host's KVM allows: a "no" naming the limit, not bad input */
    {{"-machine", "pc-q35-7.2", "-accel", "kvm,dirty-ring-size=131072"}},
    /* accelerator fallback lists: without KVM QEMU goes on to TCG and starts */
    {{"-machine", "pc-q35-7.2,accel=kvm:tcg"}},
    {{"-machine", "pc-q35-7.2", "-accel", "kvm", "-accel", "tcg"}},
    /* under TCG a model is judged by what this release's TCG implements, not by KVM */
    {{"-machine", "pc-q35-7.2", "-accel", "tcg", "-cpu", "qemu64,enforce"}},
    {{"-machine", "pc-q35-7.2", "-accel", "tcg", "-cpu", "Nehalem,enforce"}},
    {{"-machine", "pc-q35-7.2", "-accel", "tcg", "-cpu", "Skylake-Client,enforce"}},
    {{"-machine", "pc-q35-7.2", "-accel", "tcg", "-cpu", "max"}},
    {{"-machine", "pc-q35-7.2", "-accel", "tcg", "-cpu", "host"}},
    {{"-machine", "pc-q35-7.2,accel=kvm:tcg", "-cpu", "Nehalem,enforce"}},
    /* tap (and vhost-net) in a namespace of QEMU's own */
    {{"-machine",
      "pc-q35-7.2",
      "-accel",
      "kvm",
      "-netdev",
      "tap,id=n0,script=no,downscript=no,vhost=off"},
     TRUE},
    {{"-machine",
      "pc-q35-7.2",
      "-accel",
      "kvm",
      "-netdev",
      "tap,id=n0,script=no,downscript=no,vhost=on"},
     TRUE},
};

static HcCatalogue *catalogue;
static HcSnapshot *host;
static char *qemu_binary;

/* the host as the built-in probes see it right now */
static void
setup_host(void)
{
	const char *const dirs[] = {HC_SOURCE_DATADIR, NULL};
	/* the qemu probe describes the release under test, as QemuBinary= would make it */
	const char *const bins[] = {qemu_binary, NULL};
	HcEngineOptions opts = {
	    .data_dirs = dirs,
	    .qemu_binaries = g_path_is_absolute(qemu_binary) ? bins : NULL,
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(HcEngineRun) run = NULL;
	g_autoptr(GPtrArray) results = NULL;

	catalogue = hc_catalogue_load(dirs, &error);
	ck_assert_msg(catalogue != NULL, "catalogue: %s", error != NULL ? error->message : "");
	run = hc_engine_run_start(hc_probe_registry, hc_probe_registry_len, &opts);
	hc_engine_run_wait(run);
	results = hc_engine_run_steal_results(run);
	host = hc_snapshot_new();
	hc_engine_apply_results(host, results);
	hc_engine_fill_host(host, NULL);
}

static void
teardown_host(void)
{
	g_clear_pointer(&host, hc_snapshot_unref);
	g_clear_pointer(&catalogue, hc_catalogue_unref);
}

static GPtrArray *
full_argv(const JudgeCase *c)
{
	const char *const head[] = {
	    qemu_binary,
	    "-S",
	    "-display",
	    "none",
	    "-nodefaults",
	    "-qmp",
	    "stdio",
	};
	GPtrArray *argv = g_ptr_array_new();

	for (guint i = 0; i < G_N_ELEMENTS(head); i++)
		g_ptr_array_add(argv, (gpointer)head[i]);
	for (guint i = 0; i < G_N_ELEMENTS(c->args) && c->args[i] != NULL; i++)
		g_ptr_array_add(argv, (gpointer)c->args[i]);
	g_ptr_array_add(argv, NULL);
	return argv;
}

static void
enter_private_netns(gpointer user_data)
{
	/* in the child, before exec: a failure shows up as QEMU failing to create the tap */
	if (unshare(CLONE_NEWNET) != 0)
		_exit(126);
}

/* TRUE when QEMU came up far enough to answer QMP and then quit cleanly */
static gboolean
qemu_starts(const JudgeCase *c, GPtrArray *argv, char **stderr_text)
{
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
	    G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
	    G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_autoptr(GSubprocess) proc = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *out = NULL;

	if (c->private_netns)
		g_subprocess_launcher_set_child_setup(launcher, enter_private_netns, NULL, NULL);
	proc = g_subprocess_launcher_spawnv(launcher, (const char *const *)argv->pdata, &error);
	ck_assert_msg(proc != NULL, "spawn qemu-system-x86_64: %s", error ? error->message : "");
	ck_assert_msg(
	    g_subprocess_communicate_utf8(proc, QMP_SESSION, NULL, &out, stderr_text, &error),
	    "talking to QEMU: %s",
	    error ? error->message : "");
	return g_subprocess_get_if_exited(proc) && g_subprocess_get_exit_status(proc) == 0 &&
	       out != NULL && strstr(out, "\"return\"") != NULL;
}

START_TEST(test_qemu_judge)
{
	const JudgeCase *c = &cases[_i];
	g_autoptr(GPtrArray) argv = full_argv(c);
	g_autofree char *line = g_strjoinv(" ", (char **)argv->pdata);
	g_autoptr(GError) error = NULL;
	g_autofree char *spec = NULL;
	g_autofree char *report = NULL;
	g_autofree char *qemu_err = NULL;
	HcVerdict verdict = HC_VERDICT_LAST;
	gboolean started;

	spec = hc_qemu_argv_to_spec(catalogue, (const char *const *)argv->pdata, &error);
	ck_assert_msg(spec != NULL, "%s: import: %s", line, error ? error->message : "");
	ck_assert_msg(
	    hc_check_bootable(catalogue, spec, strlen(spec), host, &verdict, &report, &error),
	    "%s: verdict: %s",
	    line,
	    error ? error->message : "");
	started = qemu_starts(c, argv, &qemu_err);
	g_print("%s: QEMU %s, verdict %s\n",
		line,
		started ? "started" : "failed",
		hc_verdict_to_string(verdict));
	ck_assert_msg(verdict != HC_VERDICT_UNKNOWN,
		      "%s: QEMU %s, the verdict is unknown: %s",
		      line,
		      started ? "started" : "failed",
		      report);
	ck_assert_msg(started == (verdict == HC_VERDICT_YES),
		      "%s: QEMU %s (%s), verdict %s: %s",
		      line,
		      started ? "started" : "failed",
		      qemu_err,
		      hc_verdict_to_string(verdict),
		      report);
}
END_TEST

/* the absent-KVM path: whatever this host has, KVM's presence and the verdict agree */
START_TEST(test_qemu_judge_kvm_presence)
{
	const HcCapability *kvm = hc_snapshot_lookup(host, "kvm.present");
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	const JudgeCase c = {{"-machine", "pc-q35-7.2", "-accel", "kvm"}};
	g_autoptr(GPtrArray) argv = full_argv(&c);
	g_autofree char *spec =
	    hc_qemu_argv_to_spec(catalogue, (const char *const *)argv->pdata, NULL);
	g_autofree char *report = NULL;
	g_autofree char *qemu_err = NULL;
	HcVerdict verdict = HC_VERDICT_LAST;

	ck_assert(kvm != NULL);
	ck_assert_msg((fd >= 0) == (kvm->state == HC_CAP_STATE_SUPPORTED),
		      "open(/dev/kvm) %s but kvm.present is %s (%s)",
		      fd >= 0 ? "works" : "fails",
		      hc_cap_state_to_string(kvm->state),
		      kvm->reason);
	if (fd >= 0)
		close(fd);
	ck_assert(spec != NULL);
	ck_assert(hc_check_bootable(catalogue, spec, strlen(spec), host, &verdict, &report, NULL));
	ck_assert(qemu_starts(&c, argv, &qemu_err) == (fd >= 0));
	if (fd < 0) {
		ck_assert_int_eq(verdict, HC_VERDICT_NO);
		ck_assert_msg(strstr(report, "kvm.present") != NULL, "%s", report);
	}
}
END_TEST

static Suite *
qemu_judge_suite(void)
{
	Suite *s = suite_create("qemu-judge");
	TCase *tc = tcase_create("judge");

	tcase_add_unchecked_fixture(tc, setup_host, teardown_host);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_qemu_judge, 0, G_N_ELEMENTS(cases));
	tcase_add_test(tc, test_qemu_judge_kvm_presence);
	suite_add_tcase(s, tc);
	return s;
}

/* the binary of a fetched release, through scripts/get-qemu; NULL when it cannot be had */
static char *
fetch_qemu(const char *release)
{
	g_autofree char *script =
	    g_build_filename(g_getenv("HC_SOURCE_DIR"), "scripts", "get-qemu", NULL);
	const char *argv[] = {script, release, NULL};
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	int status = 0;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL, &out, &err, &status, NULL) ||
	    !g_spawn_check_wait_status(status, NULL)) {
		g_printerr("SKIP: QEMU %s cannot be fetched here: %s", release, err ? err : "");
		return NULL;
	}
	return g_strstrip(g_steal_pointer(&out));
}

int
main(int argc, char **argv)
{
	SRunner *runner;
	int failed;

	qemu_binary = argc > 1 ? fetch_qemu(argv[1]) : g_strdup("qemu-system-x86_64");
	if (qemu_binary == NULL)
		return 77;
	runner = srunner_create(qemu_judge_suite());

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	g_free(qemu_binary);
	return failed == 0 ? 0 : 1;
}
