/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * probe "tsc": the host TSC rate a VM inherits, and whether KVM can change it.
 *
 * kernel interfaces: a scratch VM + vCPU (KVM_CREATE_VM, KVM_CREATE_VCPU) and
 * KVM_GET_TSC_KHZ on the vCPU (Documentation/virt/kvm/api.rst §4.56; there is no sysfs
 * file for tsc_khz); KVM_CHECK_EXTENSION TSC_CONTROL / VM_TSC_CONTROL; /proc/cpuinfo flags
 * constant_tsc, nonstop_tsc, tsc_known_freq; /sys/module/kvm/parameters/tsc_tolerance_ppm;
 * /sys/devices/system/clocksource/clocksource0/{current,available}_clocksource
 * (Documentation/ABI/testing/sysfs-devices-system-clocksource... and timekeeping docs).
 *
 * The invariant-TSC guest flag is cpu.feature.invtsc of the cpuid probe (one id per fact).
 */
#include <errno.h>
#include <sys/ioctl.h>

#include "common/hc-probe-closer.h"
#include "host/hc-cpuinfo.h"
#include "kvm/hc-kvm-caps.h"
#include "kvm/hc-kvm-param.h"
#include "kvm/hc-kvm-sys.h"

#define TSC_CLOCKSOURCE_DIR "/sys/devices/system/clocksource/clocksource0"

static const struct {
	const char *id;
	const char *flag;
} tsc_host_flags[] = {
    {"host.tsc.constant", "constant_tsc"},
    {"host.tsc.nonstop", "nonstop_tsc"},
    {"host.tsc.known_freq", "tsc_known_freq"},
};

static const struct {
	const char *id;
	guint cap;
	const char *cap_name;
} tsc_caps[] = {
    {"kvm.tsc.scaling", HC_KVM_CAP_TSC_CONTROL, "TSC_CONTROL"},
    {"kvm.tsc.vm_scaling", HC_KVM_CAP_VM_TSC_CONTROL, "VM_TSC_CONTROL"},
};

static const char *const tsc_ids[] = {
    "kvm.tsc.khz",
    "kvm.tsc.scaling",
    "kvm.tsc.vm_scaling",
    "kvm.tsc.tolerance_ppm",
    "host.tsc.constant",
    "host.tsc.nonstop",
    "host.tsc.known_freq",
    "host.clocksource.current",
    "host.clocksource.available",
    NULL,
};

/* KVM_GET_TSC_KHZ needs a vCPU, which needs a VM; both go to a closer thread once asked */
static void
hc_tsc_probe_khz(HcProbeContext *ctx, const HcKvm *kvm)
{
	g_autofree char *reason = NULL;
	HcCapState state = HC_CAP_STATE_UNKNOWN;
	int vm = hc_kvm_create_vm(kvm, 0, &state, &reason);
	int vcpu;
	int khz;

	if (vm < 0) {
		hc_probe_report(ctx, "kvm.tsc.khz", state, NULL, "%s", reason);
		return;
	}
	if (hc_kvm_check_extension(kvm->fd, HC_KVM_CAP_GET_TSC_KHZ) <= 0) {
		hc_probe_report(ctx,
				"kvm.tsc.khz",
				HC_CAP_STATE_UNSUPPORTED,
				NULL,
				"KVM_CHECK_EXTENSION(KVM_CAP_GET_TSC_KHZ=61) on /dev/kvm = 0");
		hc_kvm_close_fd(vm);
		return;
	}
	vcpu = ioctl(vm, HC_KVM_CREATE_VCPU, 0UL);
	if (vcpu < 0) {
		hc_probe_report(ctx,
				"kvm.tsc.khz",
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"KVM_CREATE_VCPU(0): %s",
				g_strerror(errno));
		hc_kvm_close_fd(vm);
		return;
	}
	khz = ioctl(vcpu, HC_KVM_GET_TSC_KHZ, 0UL);
	if (khz <= 0) {
		hc_probe_report(ctx,
				"kvm.tsc.khz",
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"KVM_GET_TSC_KHZ on a scratch vCPU: %s",
				khz < 0 ? g_strerror(errno) : "returned 0");
	} else {
		hc_probe_report_int(ctx,
				    "kvm.tsc.khz",
				    HC_CAP_STATE_SUPPORTED,
				    khz,
				    "KVM_GET_TSC_KHZ on a scratch vCPU of a default VM");
	}
	/* the vCPU first: it holds a reference on its VM */
	hc_probe_closer_close_fds((const int[]){vcpu, vm}, 2);
}

static void
hc_tsc_probe_caps(HcProbeContext *ctx, const HcKvm *kvm)
{
	for (guint i = 0; i < G_N_ELEMENTS(tsc_caps); i++) {
		gint64 val;

		if (kvm->fd < 0) {
			hc_kvm_report_unavailable(ctx, kvm, tsc_caps[i].id);
			continue;
		}
		val = hc_kvm_check_extension(kvm->fd, tsc_caps[i].cap);
		if (val < 0) {
			hc_probe_report(ctx,
					tsc_caps[i].id,
					HC_CAP_STATE_UNKNOWN,
					NULL,
					"KVM_CHECK_EXTENSION(KVM_CAP_%s=%u): %s",
					tsc_caps[i].cap_name,
					tsc_caps[i].cap,
					g_strerror((int)-val));
			continue;
		}
		hc_probe_report_bool(
		    ctx,
		    tsc_caps[i].id,
		    val > 0 ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
		    val > 0,
		    "KVM_CHECK_EXTENSION(KVM_CAP_%s=%u) on /dev/kvm = %" G_GINT64_FORMAT,
		    tsc_caps[i].cap_name,
		    tsc_caps[i].cap,
		    val);
	}
}

static void
hc_tsc_probe_cpuinfo(HcProbeContext *ctx)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(HcCpuinfo) info = hc_cpuinfo_load(ctx, &error);

	for (guint i = 0; i < G_N_ELEMENTS(tsc_host_flags); i++) {
		gboolean set;

		if (info == NULL) {
			hc_probe_report(ctx,
					tsc_host_flags[i].id,
					HC_CAP_STATE_UNKNOWN,
					NULL,
					"/proc/cpuinfo: %s",
					error->message);
			continue;
		}
		set = hc_cpuinfo_has_flag(info, tsc_host_flags[i].flag);
		hc_probe_report_bool(ctx,
				     tsc_host_flags[i].id,
				     set ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED,
				     set,
				     "/proc/cpuinfo flags: %s %s on every cpu",
				     tsc_host_flags[i].flag,
				     set ? "set" : "not set");
	}
}

static void
hc_tsc_probe_files(HcProbeContext *ctx)
{
	const char *ppm_path = "/sys/module/kvm/parameters/tsc_tolerance_ppm";
	g_autofree char *ppm_text = NULL;
	g_autofree char *ppm_reason = NULL;
	HcCapState ppm_state = HC_CAP_STATE_UNKNOWN;
	g_autoptr(GError) cur_error = NULL;
	g_autoptr(GError) avail_error = NULL;
	g_autofree char *cur = NULL;
	g_autofree char *avail = NULL;
	gint64 ppm = 0;

	ppm_text = hc_kvm_param_read(ctx, "kvm", "tsc_tolerance_ppm", &ppm_state, &ppm_reason);
	if (ppm_text == NULL)
		hc_probe_report(ctx, "kvm.tsc.tolerance_ppm", ppm_state, NULL, "%s", ppm_reason);
	else if (!g_ascii_string_to_signed(ppm_text, 10, 0, G_MAXINT32, &ppm, NULL))
		hc_probe_report(ctx,
				"kvm.tsc.tolerance_ppm",
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"%s: not a number: \"%s\"",
				ppm_path,
				ppm_text);
	else
		hc_probe_report_int(ctx,
				    "kvm.tsc.tolerance_ppm",
				    HC_CAP_STATE_SUPPORTED,
				    ppm,
				    "%s",
				    ppm_path);

	cur =
	    hc_probe_context_read_line(ctx, TSC_CLOCKSOURCE_DIR "/current_clocksource", &cur_error);
	if (cur != NULL)
		hc_probe_report_string(ctx,
				       "host.clocksource.current",
				       HC_CAP_STATE_SUPPORTED,
				       cur,
				       TSC_CLOCKSOURCE_DIR "/current_clocksource");
	else
		hc_probe_report(ctx,
				"host.clocksource.current",
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"%s",
				cur_error->message);

	avail = hc_probe_context_read_line(ctx,
					   TSC_CLOCKSOURCE_DIR "/available_clocksource",
					   &avail_error);
	if (avail != NULL) {
		g_auto(GStrv) names = g_strsplit_set(g_strstrip(avail), " ", -1);

		hc_probe_report(ctx,
				"host.clocksource.available",
				HC_CAP_STATE_SUPPORTED,
				g_variant_new_strv((const char *const *)names, -1),
				TSC_CLOCKSOURCE_DIR "/available_clocksource");
	} else {
		hc_probe_report(ctx,
				"host.clocksource.available",
				HC_CAP_STATE_UNKNOWN,
				NULL,
				"%s",
				avail_error->message);
	}
}

static gboolean
hc_tsc_run(HcProbeContext *ctx, GError **error)
{
	g_autoptr(HcKvm) kvm = hc_kvm_open(ctx);

	if (kvm->fd < 0)
		hc_kvm_report_unavailable(ctx, kvm, "kvm.tsc.khz");
	else
		hc_tsc_probe_khz(ctx, kvm);
	hc_tsc_probe_caps(ctx, kvm);
	hc_tsc_probe_cpuinfo(ctx);
	hc_tsc_probe_files(ctx);
	return TRUE;
}

static const char *const tsc_subsystems[] = {"misc", "module", "clocksource", NULL};
static const char *const tsc_devnodes[] = {"/dev/kvm", NULL};

const HcProbeInfo hc_probe_tsc = {
    .name = "tsc",
    .description = "TSC rate a VM inherits (KVM_GET_TSC_KHZ), TSC scaling, host clocksource",
    .ids = tsc_ids,
    .declare_ids = NULL,
    .subsystems = tsc_subsystems,
    .devnodes = tsc_devnodes,
    .timeout_msec = 0,
    .flags = HC_PROBE_FLAG_CREATES_OBJECTS,
    .run = hc_tsc_run,
};
