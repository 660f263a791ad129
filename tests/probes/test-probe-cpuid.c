/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * probe "cpuid": every row of the feature table against KVM_GET_SUPPORTED_CPUID issued
 * here with the uapi header's structs and numbers, bit by bit; emulated CPUID and the
 * feature MSRs likewise (VMX capability MSRs against the feature MSR list read here);
 * guest XSAVE components with KVM_GET_DEVICE_ATTR and the AMX guest permission with
 * arch_prctl, both issued here; the vPMU against kvm.enable_pmu read here; the no-kvm and
 * kvm-not-a-device fixtures for the paths without a usable /dev/kvm.
 */
#include <asm/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cpu/hc-cpuid-table.h"
#include "hc-probe-test.h"

extern const HcProbeInfo hc_probe_cpuid;

static struct kvm_cpuid2 *
get_cpuid(int fd, unsigned long request)
{
	for (guint nent = 64; nent <= 4096; nent *= 2) {
		struct kvm_cpuid2 *c =
		    g_malloc0(sizeof(*c) + nent * sizeof(struct kvm_cpuid_entry2));

		c->nent = nent;
		if (ioctl(fd, request, c) == 0)
			return c;
		ck_assert_int_eq(errno, E2BIG);
		g_free(c);
	}
	ck_abort_msg("CPUID ioctl never fit");
	return NULL;
}

/* the register @reg of leaf.subleaf, 0 when KVM does not list the leaf */
static guint32
cpuid_reg(const struct kvm_cpuid2 *c,
	  guint32 leaf,
	  guint32 subleaf,
	  HcCpuidReg reg,
	  gboolean *found)
{
	*found = FALSE;
	for (guint i = 0; i < c->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function != leaf ||
		    ((e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) && e->index != subleaf))
			continue;
		*found = TRUE;
		switch (reg) {
		case HC_CPUID_EAX:
			return e->eax;
		case HC_CPUID_EBX:
			return e->ebx;
		case HC_CPUID_ECX:
			return e->ecx;
		default:
			return e->edx;
		}
	}
	return 0;
}

START_TEST(test_cpuid_no_device)
{
	g_autofree char *root = hc_probe_test_fixture("no-kvm");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_cpuid, root);

	hc_probe_test_assert_all_in_state(&hc_probe_cpuid,
					  res,
					  HC_CAP_STATE_UNSUPPORTED,
					  "open /dev/kvm: No such file or directory");
	ck_assert_uint_ge(res->capabilities->len, hc_cpuid_features_len);
}
END_TEST

START_TEST(test_cpuid_real_features)
{
	g_autoptr(HcProbeResult) res = NULL;
	g_autofree struct kvm_cpuid2 *c = NULL;
	guint supported = 0;
	gboolean found;
	guint32 eax;
	int fd;

	res = hc_probe_test_run(&hc_probe_cpuid, NULL);
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	c = get_cpuid(fd, KVM_GET_SUPPORTED_CPUID);
	close(fd);
	for (guint i = 0; i < hc_cpuid_features_len; i++) {
		const HcCpuidFeature *f = &hc_cpuid_features[i];
		g_autofree char *id = g_strdup_printf("cpu.feature.%s", f->name);
		const HcCapability *cap = hc_probe_test_get(res, id);
		guint32 reg = cpuid_reg(c, f->leaf, f->subleaf, f->reg, &found);
		gboolean set = found && (reg & f->mask) == f->mask;

		ck_assert_msg(hc_probe_test_bool(cap) == set,
			      "%s: probe %d, KVM_GET_SUPPORTED_CPUID leaf %#x.%u reg %#x mask %#x",
			      id,
			      hc_probe_test_bool(cap),
			      f->leaf,
			      f->subleaf,
			      reg,
			      f->mask);
		ck_assert_int_eq(cap->state,
				 set ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED);
		supported += set;
	}
	/* any x86-64 KVM offers at least fpu, tsc, cx8, sse2, lm */
	ck_assert_uint_ge(supported, 5);
	eax = cpuid_reg(c, 0x80000008, 0, HC_CPUID_EAX, &found);
	ck_assert(found);
	ck_assert_int_eq(hc_probe_test_int(hc_probe_test_get(res, "cpu.phys_bits")), eax & 0xff);
	ck_assert_int_eq(hc_probe_test_int(hc_probe_test_get(res, "cpu.virt_bits")),
			 (eax >> 8) & 0xff);
	eax = cpuid_reg(c, 0xD, 0, HC_CPUID_EAX, &found);
	ck_assert(found);
	ck_assert_int_eq(hc_probe_test_int(hc_probe_test_get(res, "cpu.xsave.xcr0")) & 0xffffffff,
			 eax);
}
END_TEST

START_TEST(test_cpuid_real_emulated)
{
	g_autoptr(HcProbeResult) res = NULL;
	g_autofree struct kvm_cpuid2 *c = NULL;
	g_autofree const char **names = NULL;
	int fd;

	res = hc_probe_test_run(&hc_probe_cpuid, NULL);
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	c = get_cpuid(fd, KVM_GET_EMULATED_CPUID);
	close(fd);
	names = g_variant_get_strv(hc_probe_test_get(res, "cpu.emulated")->value, NULL);
	for (guint i = 0; i < hc_cpuid_features_len; i++) {
		const HcCpuidFeature *f = &hc_cpuid_features[i];
		gboolean found;
		guint32 reg = cpuid_reg(c, f->leaf, f->subleaf, f->reg, &found);

		ck_assert_msg(g_strv_contains(names, f->name) ==
				  (found && (reg & f->mask) == f->mask),
			      "cpu.emulated disagrees on %s",
			      f->name);
	}
}
END_TEST

START_TEST(test_cpuid_real_msrs)
{
	g_autoptr(HcProbeResult) res = NULL;
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry entry;
	} msr = {.hdr.nmsrs = 1, .entry.index = 0x10A};
	const HcCapability *cap;
	int fd;

	res = hc_probe_test_run(&hc_probe_cpuid, NULL);
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	cap = hc_probe_test_get(res, "cpu.msr.arch_capabilities");
	if (ioctl(fd, KVM_GET_MSRS, &msr) != 1) {
		ck_assert_int_ne(cap->state, HC_CAP_STATE_SUPPORTED);
		close(fd);
		return;
	}
	ck_assert_uint_eq((guint64)hc_probe_test_int(cap), msr.entry.data);
	for (guint i = 0; i < hc_arch_capabilities_bits_len; i++) {
		g_autofree char *id = g_strdup_printf("cpu.msr.arch_capabilities.%s",
						      hc_arch_capabilities_bits[i].name);

		ck_assert_int_eq(hc_probe_test_bool(hc_probe_test_get(res, id)),
				 (msr.entry.data >> hc_arch_capabilities_bits[i].bit) & 1);
	}
	msr.entry.index = 0x8B;
	if (ioctl(fd, KVM_GET_MSRS, &msr) == 1)
		ck_assert_uint_eq(
		    (guint64)hc_probe_test_int(hc_probe_test_get(res, "cpu.msr.ucode_rev")),
		    msr.entry.data);
	close(fd);
}
END_TEST

START_TEST(test_cpuid_not_a_device)
{
	g_autofree char *root = hc_probe_test_fixture("kvm-not-a-device");
	g_autoptr(HcProbeResult) res = hc_probe_test_run(&hc_probe_cpuid, root);
	const char *const ids[] = {"cpu.xsave.guest_supported",
				   "cpu.amx.guest_perm",
				   "kvm.pmu",
				   "cpu.msr.vmx.basic"};

	for (guint i = 0; i < G_N_ELEMENTS(ids); i++) {
		const HcCapability *cap = hc_probe_test_get(res, ids[i]);

		ck_assert_msg(cap->state == HC_CAP_STATE_UNKNOWN, "%s: %s", ids[i], cap->reason);
		ck_assert_ptr_nonnull(strstr(cap->reason, "/dev/kvm"));
	}
}
END_TEST

/* the feature MSR list, read here */
static gboolean
msr_in_list(int fd, guint32 index)
{
	struct {
		struct kvm_msr_list hdr;
		guint32 indices[1024];
	} list = {.hdr.nmsrs = 1024};

	ck_assert_int_eq(ioctl(fd, KVM_GET_MSR_FEATURE_INDEX_LIST, &list), 0);
	for (guint i = 0; i < list.hdr.nmsrs; i++) {
		if (list.indices[i] == index)
			return TRUE;
	}
	return FALSE;
}

START_TEST(test_cpuid_real_vmx_msrs)
{
	static const struct {
		const char *id;
		guint32 index;
	} vmx[] = {
	    {"cpu.msr.vmx.basic", 0x480},
	    {"cpu.msr.vmx.pinbased_ctls", 0x481},
	    {"cpu.msr.vmx.procbased_ctls", 0x482},
	    {"cpu.msr.vmx.procbased_ctls2", 0x48B},
	    {"cpu.msr.vmx.ept_vpid_cap", 0x48C},
	    {"cpu.msr.vmx.true_entry_ctls", 0x490},
	    {"cpu.msr.vmx.exit_ctls2", 0x493},
	    {"cpu.msr.perf_capabilities", 0x345},
	};
	g_autoptr(HcProbeResult) res = NULL;
	int fd;

	res = hc_probe_test_run(&hc_probe_cpuid, NULL);
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	for (guint i = 0; i < G_N_ELEMENTS(vmx); i++) {
		const HcCapability *cap = hc_probe_test_get(res, vmx[i].id);
		struct {
			struct kvm_msrs hdr;
			struct kvm_msr_entry entry;
		} msr = {.hdr.nmsrs = 1, .entry.index = vmx[i].index};

		if (!msr_in_list(fd, vmx[i].index)) {
			ck_assert_msg(cap->state == HC_CAP_STATE_UNSUPPORTED,
				      "%s: %s",
				      vmx[i].id,
				      cap->reason);
			ck_assert_ptr_nonnull(
			    strstr(cap->reason, "KVM_GET_MSR_FEATURE_INDEX_LIST"));
			continue;
		}
		ck_assert_int_eq(ioctl(fd, KVM_GET_MSRS, &msr), 1);
		ck_assert_int_eq(cap->state, HC_CAP_STATE_SUPPORTED);
		ck_assert_uint_eq((guint64)hc_probe_test_int(cap), msr.entry.data);
	}
	close(fd);
}
END_TEST

START_TEST(test_cpuid_real_guest_xsave)
{
	g_autoptr(HcProbeResult) res = NULL;
	const HcCapability *cap;
	guint64 mask = 0, perm = 0, supp = 0;
	struct kvm_device_attr attr = {
	    .group = 0, /* system fd attributes: group 0 in 6.1 headers */
	    .attr = KVM_X86_XCOMP_GUEST_SUPP,
	    .addr = (guint64)(guintptr)&mask,
	};
	int fd;

	res = hc_probe_test_run(&hc_probe_cpuid, NULL);
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	cap = hc_probe_test_get(res, "cpu.xsave.guest_supported");
	if (ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_SYS_ATTRIBUTES) <= 0 ||
	    ioctl(fd, KVM_GET_DEVICE_ATTR, &attr) < 0) {
		ck_assert_int_ne(cap->state, HC_CAP_STATE_SUPPORTED);
	} else {
		ck_assert_uint_eq((guint64)hc_probe_test_int(cap), mask);
		/* the guest XCR0 can never be less than what KVM_GET_SUPPORTED_CPUID leaf 0xD
		 * reports */
		ck_assert_uint_eq(
		    (guint64)hc_probe_test_int(hc_probe_test_get(res, "cpu.xsave.xcr0")) & ~mask,
		    0);
	}
	close(fd);

	/* the probe ran in this process (no vCPU yet): a grant is ours now */
	cap = hc_probe_test_get(res, "cpu.amx.guest_perm");
	if (syscall(SYS_arch_prctl, ARCH_GET_XCOMP_SUPP, &supp) < 0 || !(supp & (1u << 18))) {
		ck_assert_int_ne(cap->state, HC_CAP_STATE_SUPPORTED);
		return;
	}
	ck_assert_msg(cap->state == HC_CAP_STATE_SUPPORTED, "%s", cap->reason);
	ck_assert(hc_probe_test_bool(cap));
	ck_assert_int_eq(syscall(SYS_arch_prctl, ARCH_GET_XCOMP_GUEST_PERM, &perm), 0);
	ck_assert_uint_ne(perm & (1u << 18), 0);
}
END_TEST

/* a vCPU freezes the process's guest permission: the answer must not depend on it */
START_TEST(test_cpuid_real_amx_after_vcpu)
{
	g_autoptr(HcProbeResult) res = NULL;
	const HcCapability *cap;
	guint64 supp = 0, perm = 0;
	int kvm, vm, vcpu;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(kvm, 0);
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	ck_assert_int_ge(vm, 0);
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	ck_assert_int_ge(vcpu, 0);
	res = hc_probe_test_run(&hc_probe_cpuid, NULL);
	cap = hc_probe_test_get(res, "cpu.amx.guest_perm");
	ck_assert_int_eq(syscall(SYS_arch_prctl, ARCH_GET_XCOMP_GUEST_PERM, &perm), 0);
	ck_assert_int_eq(syscall(SYS_arch_prctl, ARCH_GET_XCOMP_SUPP, &supp), 0);
	if (!(supp & (1u << 18))) {
		ck_assert_int_eq(cap->state, HC_CAP_STATE_UNSUPPORTED);
	} else {
		ck_assert_msg(cap->state == HC_CAP_STATE_SUPPORTED, "%s", cap->reason);
		/* frozen: the request fails here, which the reason says */
		if (!(perm & (1u << 18)))
			ck_assert_ptr_nonnull(strstr(cap->reason, "already has a vCPU"));
	}
	close(vcpu);
	close(vm);
	close(kvm);
}
END_TEST

START_TEST(test_cpuid_real_pmu)
{
	g_autoptr(HcProbeResult) res = NULL;
	g_autofree char *param = NULL;
	g_autofree struct kvm_cpuid2 *cpuid = NULL;
	const HcCapability *pmu;
	gboolean found = FALSE;
	guint32 version;
	int fd;

	res = hc_probe_test_run(&hc_probe_cpuid, NULL);
	pmu = hc_probe_test_get(res, "kvm.pmu");
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	cpuid = get_cpuid(fd, KVM_GET_SUPPORTED_CPUID);
	version = cpuid_reg(cpuid, 0xA, 0, HC_CPUID_EAX, &found) & 0xff;
	ck_assert_int_eq(hc_probe_test_int(hc_probe_test_get(res, "kvm.pmu.version")), version);
	if (g_file_get_contents("/sys/module/kvm/parameters/enable_pmu", &param, NULL, NULL) &&
	    (param[0] == 'N' || param[0] == '0')) {
		ck_assert_int_eq(pmu->state, HC_CAP_STATE_DISABLED);
		/* KVM hides the PMU when the module forbids it */
		ck_assert_int_eq(ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_PMU_CAPABILITY), 0);
	} else if (version > 0) {
		ck_assert_int_eq(pmu->state, HC_CAP_STATE_SUPPORTED);
	}
	ck_assert_ptr_nonnull(strstr(pmu->reason, "KVM_CAP_PMU_CAPABILITY"));
	close(fd);
}
END_TEST

START_TEST(test_cpuid_table_names)
{
	/* QEMU spellings are unique and valid id components */
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < hc_cpuid_features_len; i++) {
		g_autofree char *id = g_strdup_printf("cpu.feature.%s", hc_cpuid_features[i].name);

		ck_assert_msg(hc_capability_id_is_valid(id), "%s", id);
		ck_assert_msg(g_hash_table_add(seen, (gpointer)hc_cpuid_features[i].name),
			      "duplicate %s",
			      hc_cpuid_features[i].name);
		ck_assert_uint_ne(hc_cpuid_features[i].mask, 0);
	}
	for (guint i = 0; i < hc_cpuid_unanswerable_len; i++) {
		g_autofree char *id =
		    g_strdup_printf("cpu.feature.%s", hc_cpuid_unanswerable[i].name);

		ck_assert_msg(hc_capability_id_is_valid(id), "%s", id);
		ck_assert_msg(g_hash_table_add(seen, (gpointer)hc_cpuid_unanswerable[i].name),
			      "duplicate %s",
			      hc_cpuid_unanswerable[i].name);
	}
}
END_TEST

/* the KnightsMill rows, spelled as QEMU spells them, at the SDM's bit positions (Intel SDM
 * vol. 2A CPUID leaf 07H: EBX 26 AVX512PF, 27 AVX512ER; EDX 2 AVX512_4VNNIW, 3
 * AVX512_4FMAPS), written out here independently of the table */
START_TEST(test_cpuid_table_knights_mill)
{
	static const struct {
		const char *name;
		HcCpuidReg reg;
		guint bit;
	} want[] = {
	    {"avx512pf", HC_CPUID_EBX, 26},
	    {"avx512er", HC_CPUID_EBX, 27},
	    {"avx512-4vnniw", HC_CPUID_EDX, 2},
	    {"avx512-4fmaps", HC_CPUID_EDX, 3},
	};

	for (guint w = 0; w < G_N_ELEMENTS(want); w++) {
		const HcCpuidFeature *f = NULL;
		for (guint i = 0; i < hc_cpuid_features_len; i++) {
			if (g_strcmp0(hc_cpuid_features[i].name, want[w].name) == 0)
				f = &hc_cpuid_features[i];
		}
		ck_assert_msg(f != NULL, "%s not in the table", want[w].name);
		ck_assert_uint_eq(f->leaf, 0x7);
		ck_assert_uint_eq(f->subleaf, 0);
		ck_assert_int_eq(f->reg, want[w].reg);
		ck_assert_uint_eq(f->mask, 1u << want[w].bit);
	}
}
END_TEST

/* split-lock-detect: MSR 0xCF is not a KVM feature MSR (checked here against the list KVM
 * gives), so the probe says unknown, with that reason, rather than a guess */
START_TEST(test_cpuid_real_unanswerable)
{
	g_autoptr(HcProbeResult) res = NULL;
	struct kvm_msr_list probe = {0};
	g_autofree struct kvm_msr_list *list = NULL;
	const HcCapability *cap;
	int fd;

	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert(ioctl(fd, KVM_GET_MSR_FEATURE_INDEX_LIST, &probe) == 0 || errno == E2BIG);
	list = g_malloc0(sizeof(*list) + probe.nmsrs * sizeof(__u32));
	list->nmsrs = probe.nmsrs;
	ck_assert_int_eq(ioctl(fd, KVM_GET_MSR_FEATURE_INDEX_LIST, list), 0);
	close(fd);
	for (guint i = 0; i < list->nmsrs; i++)
		ck_assert_msg(list->indices[i] != 0xCF,
			      "KVM lists MSR 0xCF as a feature MSR now: read split-lock-detect");
	res = hc_probe_test_run(&hc_probe_cpuid, NULL);
	cap = hc_probe_test_get(res, "cpu.feature.split-lock-detect");
	ck_assert_int_eq(cap->state, HC_CAP_STATE_UNKNOWN);
	ck_assert_ptr_nonnull(strstr(cap->reason, "MSR 0xCF"));
	ck_assert_ptr_nonnull(strstr(cap->reason, "KVM_GET_MSR_FEATURE_INDEX_LIST"));
}
END_TEST

static Suite *
cpuid_suite(void)
{
	Suite *s = suite_create("probe-cpuid");
	TCase *tc = tcase_create("cpuid");
	TCase *real = hc_probe_test_tcase_kvm("real");

	tcase_add_test(tc, test_cpuid_table_names);
	tcase_add_test(tc, test_cpuid_table_knights_mill);
	tcase_add_test(tc, test_cpuid_no_device);
	tcase_add_test(tc, test_cpuid_not_a_device);
	tcase_add_test(real, test_cpuid_real_unanswerable);
	tcase_add_test(real, test_cpuid_real_features);
	tcase_add_test(real, test_cpuid_real_emulated);
	tcase_add_test(real, test_cpuid_real_msrs);
	tcase_add_test(real, test_cpuid_real_vmx_msrs);
	tcase_add_test(real, test_cpuid_real_guest_xsave);
	tcase_add_test(real, test_cpuid_real_amx_after_vcpu);
	tcase_add_test(real, test_cpuid_real_pmu);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, real);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_probe_test_main(cpuid_suite(), argc, argv);
}
