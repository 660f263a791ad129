/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CPUID leaf/bit -> QEMU feature name, from QEMU's target/i386/cpu.c feature_word_info[]
 * (names exactly as `-cpu Model,+name` spells them) and the Intel SDM / AMD APM bit
 * positions. The verdict catalogue maps QEMU CPU-model feature names to cpu.feature.<name>
 * through this table, so a row is never renamed; add rows for new features.
 */
#include "hc-cpuid-table.h"

const HcCpuidFeature hc_cpuid_features[] = {
    /* leaf 0x1.0 EDX */
    {"fpu", 0x1, 0, HC_CPUID_EDX, 1u << 0},
    {"vme", 0x1, 0, HC_CPUID_EDX, 1u << 1},
    {"de", 0x1, 0, HC_CPUID_EDX, 1u << 2},
    {"pse", 0x1, 0, HC_CPUID_EDX, 1u << 3},
    {"tsc", 0x1, 0, HC_CPUID_EDX, 1u << 4},
    {"msr", 0x1, 0, HC_CPUID_EDX, 1u << 5},
    {"pae", 0x1, 0, HC_CPUID_EDX, 1u << 6},
    {"mce", 0x1, 0, HC_CPUID_EDX, 1u << 7},
    {"cx8", 0x1, 0, HC_CPUID_EDX, 1u << 8},
    {"apic", 0x1, 0, HC_CPUID_EDX, 1u << 9},
    {"sep", 0x1, 0, HC_CPUID_EDX, 1u << 11},
    {"mtrr", 0x1, 0, HC_CPUID_EDX, 1u << 12},
    {"pge", 0x1, 0, HC_CPUID_EDX, 1u << 13},
    {"mca", 0x1, 0, HC_CPUID_EDX, 1u << 14},
    {"cmov", 0x1, 0, HC_CPUID_EDX, 1u << 15},
    {"pat", 0x1, 0, HC_CPUID_EDX, 1u << 16},
    {"pse36", 0x1, 0, HC_CPUID_EDX, 1u << 17},
    {"clflush", 0x1, 0, HC_CPUID_EDX, 1u << 19},
    {"ds", 0x1, 0, HC_CPUID_EDX, 1u << 21},
    {"acpi", 0x1, 0, HC_CPUID_EDX, 1u << 22},
    {"mmx", 0x1, 0, HC_CPUID_EDX, 1u << 23},
    {"fxsr", 0x1, 0, HC_CPUID_EDX, 1u << 24},
    {"sse", 0x1, 0, HC_CPUID_EDX, 1u << 25},
    {"sse2", 0x1, 0, HC_CPUID_EDX, 1u << 26},
    {"ss", 0x1, 0, HC_CPUID_EDX, 1u << 27},
    {"ht", 0x1, 0, HC_CPUID_EDX, 1u << 28},
    {"tm", 0x1, 0, HC_CPUID_EDX, 1u << 29},
    {"pbe", 0x1, 0, HC_CPUID_EDX, 1u << 31},
    /* leaf 0x1.0 ECX */
    {"pni", 0x1, 0, HC_CPUID_ECX, 1u << 0},
    {"pclmulqdq", 0x1, 0, HC_CPUID_ECX, 1u << 1},
    {"dtes64", 0x1, 0, HC_CPUID_ECX, 1u << 2},
    {"monitor", 0x1, 0, HC_CPUID_ECX, 1u << 3},
    {"ds-cpl", 0x1, 0, HC_CPUID_ECX, 1u << 4},
    {"vmx", 0x1, 0, HC_CPUID_ECX, 1u << 5},
    {"smx", 0x1, 0, HC_CPUID_ECX, 1u << 6},
    {"est", 0x1, 0, HC_CPUID_ECX, 1u << 7},
    {"tm2", 0x1, 0, HC_CPUID_ECX, 1u << 8},
    {"ssse3", 0x1, 0, HC_CPUID_ECX, 1u << 9},
    {"cid", 0x1, 0, HC_CPUID_ECX, 1u << 10},
    {"fma", 0x1, 0, HC_CPUID_ECX, 1u << 12},
    {"cx16", 0x1, 0, HC_CPUID_ECX, 1u << 13},
    {"xtpr", 0x1, 0, HC_CPUID_ECX, 1u << 14},
    {"pdcm", 0x1, 0, HC_CPUID_ECX, 1u << 15},
    {"pcid", 0x1, 0, HC_CPUID_ECX, 1u << 17},
    {"dca", 0x1, 0, HC_CPUID_ECX, 1u << 18},
    {"sse4.1", 0x1, 0, HC_CPUID_ECX, 1u << 19},
    {"sse4.2", 0x1, 0, HC_CPUID_ECX, 1u << 20},
    {"x2apic", 0x1, 0, HC_CPUID_ECX, 1u << 21},
    {"movbe", 0x1, 0, HC_CPUID_ECX, 1u << 22},
    {"popcnt", 0x1, 0, HC_CPUID_ECX, 1u << 23},
    {"tsc-deadline", 0x1, 0, HC_CPUID_ECX, 1u << 24},
    {"aes", 0x1, 0, HC_CPUID_ECX, 1u << 25},
    {"xsave", 0x1, 0, HC_CPUID_ECX, 1u << 26},
    {"avx", 0x1, 0, HC_CPUID_ECX, 1u << 28},
    {"f16c", 0x1, 0, HC_CPUID_ECX, 1u << 29},
    {"rdrand", 0x1, 0, HC_CPUID_ECX, 1u << 30},
    {"hypervisor", 0x1, 0, HC_CPUID_ECX, 1u << 31},
    /* leaf 0x6.0 EAX */
    {"arat", 0x6, 0, HC_CPUID_EAX, 1u << 2},
    /* leaf 0x7.0 EBX */
    {"fsgsbase", 0x7, 0, HC_CPUID_EBX, 1u << 0},
    {"tsc-adjust", 0x7, 0, HC_CPUID_EBX, 1u << 1},
    {"sgx", 0x7, 0, HC_CPUID_EBX, 1u << 2},
    {"bmi1", 0x7, 0, HC_CPUID_EBX, 1u << 3},
    {"hle", 0x7, 0, HC_CPUID_EBX, 1u << 4},
    {"avx2", 0x7, 0, HC_CPUID_EBX, 1u << 5},
    {"smep", 0x7, 0, HC_CPUID_EBX, 1u << 7},
    {"bmi2", 0x7, 0, HC_CPUID_EBX, 1u << 8},
    {"erms", 0x7, 0, HC_CPUID_EBX, 1u << 9},
    {"invpcid", 0x7, 0, HC_CPUID_EBX, 1u << 10},
    {"rtm", 0x7, 0, HC_CPUID_EBX, 1u << 11},
    {"mpx", 0x7, 0, HC_CPUID_EBX, 1u << 14},
    {"avx512f", 0x7, 0, HC_CPUID_EBX, 1u << 16},
    {"avx512dq", 0x7, 0, HC_CPUID_EBX, 1u << 17},
    {"rdseed", 0x7, 0, HC_CPUID_EBX, 1u << 18},
    {"adx", 0x7, 0, HC_CPUID_EBX, 1u << 19},
    {"smap", 0x7, 0, HC_CPUID_EBX, 1u << 20},
    {"avx512ifma", 0x7, 0, HC_CPUID_EBX, 1u << 21},
    {"clflushopt", 0x7, 0, HC_CPUID_EBX, 1u << 23},
    {"clwb", 0x7, 0, HC_CPUID_EBX, 1u << 24},
    {"intel-pt", 0x7, 0, HC_CPUID_EBX, 1u << 25},
    {"avx512pf", 0x7, 0, HC_CPUID_EBX, 1u << 26},
    {"avx512er", 0x7, 0, HC_CPUID_EBX, 1u << 27},
    {"avx512cd", 0x7, 0, HC_CPUID_EBX, 1u << 28},
    {"sha-ni", 0x7, 0, HC_CPUID_EBX, 1u << 29},
    {"avx512bw", 0x7, 0, HC_CPUID_EBX, 1u << 30},
    {"avx512vl", 0x7, 0, HC_CPUID_EBX, 1u << 31},
    /* leaf 0x7.0 ECX */
    {"avx512vbmi", 0x7, 0, HC_CPUID_ECX, 1u << 1},
    {"umip", 0x7, 0, HC_CPUID_ECX, 1u << 2},
    {"pku", 0x7, 0, HC_CPUID_ECX, 1u << 3},
    {"waitpkg", 0x7, 0, HC_CPUID_ECX, 1u << 5},
    {"avx512vbmi2", 0x7, 0, HC_CPUID_ECX, 1u << 6},
    {"gfni", 0x7, 0, HC_CPUID_ECX, 1u << 8},
    {"vaes", 0x7, 0, HC_CPUID_ECX, 1u << 9},
    {"vpclmulqdq", 0x7, 0, HC_CPUID_ECX, 1u << 10},
    {"avx512vnni", 0x7, 0, HC_CPUID_ECX, 1u << 11},
    {"avx512bitalg", 0x7, 0, HC_CPUID_ECX, 1u << 12},
    {"avx512-vpopcntdq", 0x7, 0, HC_CPUID_ECX, 1u << 14},
    {"la57", 0x7, 0, HC_CPUID_ECX, 1u << 16},
    {"rdpid", 0x7, 0, HC_CPUID_ECX, 1u << 22},
    {"bus-lock-detect", 0x7, 0, HC_CPUID_ECX, 1u << 24},
    {"cldemote", 0x7, 0, HC_CPUID_ECX, 1u << 25},
    {"movdiri", 0x7, 0, HC_CPUID_ECX, 1u << 27},
    {"movdir64b", 0x7, 0, HC_CPUID_ECX, 1u << 28},
    {"sgxlc", 0x7, 0, HC_CPUID_ECX, 1u << 30},
    {"pks", 0x7, 0, HC_CPUID_ECX, 1u << 31},
    /* leaf 0x7.0 EDX */
    {"avx512-4vnniw", 0x7, 0, HC_CPUID_EDX, 1u << 2},
    {"avx512-4fmaps", 0x7, 0, HC_CPUID_EDX, 1u << 3},
    {"fsrm", 0x7, 0, HC_CPUID_EDX, 1u << 4},
    {"avx512-vp2intersect", 0x7, 0, HC_CPUID_EDX, 1u << 8},
    {"md-clear", 0x7, 0, HC_CPUID_EDX, 1u << 10},
    {"serialize", 0x7, 0, HC_CPUID_EDX, 1u << 14},
    {"tsx-ldtrk", 0x7, 0, HC_CPUID_EDX, 1u << 16},
    {"arch-lbr", 0x7, 0, HC_CPUID_EDX, 1u << 19},
    {"amx-bf16", 0x7, 0, HC_CPUID_EDX, 1u << 22},
    {"avx512-fp16", 0x7, 0, HC_CPUID_EDX, 1u << 23},
    {"amx-tile", 0x7, 0, HC_CPUID_EDX, 1u << 24},
    {"amx-int8", 0x7, 0, HC_CPUID_EDX, 1u << 25},
    {"spec-ctrl", 0x7, 0, HC_CPUID_EDX, 1u << 26},
    {"stibp", 0x7, 0, HC_CPUID_EDX, 1u << 27},
    {"flush-l1d", 0x7, 0, HC_CPUID_EDX, 1u << 28},
    {"arch-capabilities", 0x7, 0, HC_CPUID_EDX, 1u << 29},
    {"core-capability", 0x7, 0, HC_CPUID_EDX, 1u << 30},
    {"ssbd", 0x7, 0, HC_CPUID_EDX, 1u << 31},
    /* leaf 0x7.1 EAX */
    {"sha512", 0x7, 1, HC_CPUID_EAX, 1u << 0},
    {"sm3", 0x7, 1, HC_CPUID_EAX, 1u << 1},
    {"sm4", 0x7, 1, HC_CPUID_EAX, 1u << 2},
    {"avx-vnni", 0x7, 1, HC_CPUID_EAX, 1u << 4},
    {"avx512-bf16", 0x7, 1, HC_CPUID_EAX, 1u << 5},
    {"cmpccxadd", 0x7, 1, HC_CPUID_EAX, 1u << 7},
    {"fzrm", 0x7, 1, HC_CPUID_EAX, 1u << 10},
    {"fsrs", 0x7, 1, HC_CPUID_EAX, 1u << 11},
    {"fsrc", 0x7, 1, HC_CPUID_EAX, 1u << 12},
    {"fred", 0x7, 1, HC_CPUID_EAX, 1u << 17},
    {"lkgs", 0x7, 1, HC_CPUID_EAX, 1u << 18},
    {"wrmsrns", 0x7, 1, HC_CPUID_EAX, 1u << 19},
    {"amx-fp16", 0x7, 1, HC_CPUID_EAX, 1u << 21},
    {"avx-ifma", 0x7, 1, HC_CPUID_EAX, 1u << 23},
    {"lam", 0x7, 1, HC_CPUID_EAX, 1u << 26},
    /* leaf 0x7.1 EDX */
    {"avx-vnni-int8", 0x7, 1, HC_CPUID_EDX, 1u << 4},
    {"avx-ne-convert", 0x7, 1, HC_CPUID_EDX, 1u << 5},
    {"amx-complex", 0x7, 1, HC_CPUID_EDX, 1u << 8},
    {"avx-vnni-int16", 0x7, 1, HC_CPUID_EDX, 1u << 10},
    {"prefetchiti", 0x7, 1, HC_CPUID_EDX, 1u << 14},
    {"avx10", 0x7, 1, HC_CPUID_EDX, 1u << 19},
    /* leaf 0xD.1 EAX */
    {"xsaveopt", 0xD, 1, HC_CPUID_EAX, 1u << 0},
    {"xsavec", 0xD, 1, HC_CPUID_EAX, 1u << 1},
    {"xgetbv1", 0xD, 1, HC_CPUID_EAX, 1u << 2},
    {"xsaves", 0xD, 1, HC_CPUID_EAX, 1u << 3},
    {"xfd", 0xD, 1, HC_CPUID_EAX, 1u << 4},
    /* leaf 0x40000001.0 EAX */
    {"kvmclock", 0x40000001, 0, HC_CPUID_EAX, 1u << 0 | 1u << 3},
    {"kvm-nopiodelay", 0x40000001, 0, HC_CPUID_EAX, 1u << 1},
    {"kvm-mmu", 0x40000001, 0, HC_CPUID_EAX, 1u << 2},
    {"kvm-asyncpf", 0x40000001, 0, HC_CPUID_EAX, 1u << 4},
    {"kvm-steal-time", 0x40000001, 0, HC_CPUID_EAX, 1u << 5},
    {"kvm-pv-eoi", 0x40000001, 0, HC_CPUID_EAX, 1u << 6},
    {"kvm-pv-unhalt", 0x40000001, 0, HC_CPUID_EAX, 1u << 7},
    {"kvm-pv-tlb-flush", 0x40000001, 0, HC_CPUID_EAX, 1u << 9},
    {"kvm-asyncpf-vmexit", 0x40000001, 0, HC_CPUID_EAX, 1u << 10},
    {"kvm-pv-ipi", 0x40000001, 0, HC_CPUID_EAX, 1u << 11},
    {"kvm-poll-control", 0x40000001, 0, HC_CPUID_EAX, 1u << 12},
    {"kvm-pv-sched-yield", 0x40000001, 0, HC_CPUID_EAX, 1u << 13},
    {"kvm-asyncpf-int", 0x40000001, 0, HC_CPUID_EAX, 1u << 14},
    {"kvm-msi-ext-dest-id", 0x40000001, 0, HC_CPUID_EAX, 1u << 15},
    {"kvmclock-stable-bit", 0x40000001, 0, HC_CPUID_EAX, 1u << 24},
    /* leaf 0x40000001.0 EDX */
    {"kvm-hint-dedicated", 0x40000001, 0, HC_CPUID_EDX, 1u << 0},
    /* leaf 0x80000001.0 ECX */
    {"lahf-lm", 0x80000001, 0, HC_CPUID_ECX, 1u << 0},
    {"cmp-legacy", 0x80000001, 0, HC_CPUID_ECX, 1u << 1},
    {"svm", 0x80000001, 0, HC_CPUID_ECX, 1u << 2},
    {"extapic", 0x80000001, 0, HC_CPUID_ECX, 1u << 3},
    {"cr8legacy", 0x80000001, 0, HC_CPUID_ECX, 1u << 4},
    {"abm", 0x80000001, 0, HC_CPUID_ECX, 1u << 5},
    {"sse4a", 0x80000001, 0, HC_CPUID_ECX, 1u << 6},
    {"misalignsse", 0x80000001, 0, HC_CPUID_ECX, 1u << 7},
    {"3dnowprefetch", 0x80000001, 0, HC_CPUID_ECX, 1u << 8},
    {"osvw", 0x80000001, 0, HC_CPUID_ECX, 1u << 9},
    {"ibs", 0x80000001, 0, HC_CPUID_ECX, 1u << 10},
    {"xop", 0x80000001, 0, HC_CPUID_ECX, 1u << 11},
    {"skinit", 0x80000001, 0, HC_CPUID_ECX, 1u << 12},
    {"wdt", 0x80000001, 0, HC_CPUID_ECX, 1u << 13},
    {"lwp", 0x80000001, 0, HC_CPUID_ECX, 1u << 15},
    {"fma4", 0x80000001, 0, HC_CPUID_ECX, 1u << 16},
    {"tce", 0x80000001, 0, HC_CPUID_ECX, 1u << 17},
    {"nodeid-msr", 0x80000001, 0, HC_CPUID_ECX, 1u << 19},
    {"tbm", 0x80000001, 0, HC_CPUID_ECX, 1u << 21},
    {"topoext", 0x80000001, 0, HC_CPUID_ECX, 1u << 22},
    {"perfctr-core", 0x80000001, 0, HC_CPUID_ECX, 1u << 23},
    {"perfctr-nb", 0x80000001, 0, HC_CPUID_ECX, 1u << 24},
    /* leaf 0x80000001.0 EDX */
    {"syscall", 0x80000001, 0, HC_CPUID_EDX, 1u << 11},
    {"nx", 0x80000001, 0, HC_CPUID_EDX, 1u << 20},
    {"mmxext", 0x80000001, 0, HC_CPUID_EDX, 1u << 22},
    {"fxsr-opt", 0x80000001, 0, HC_CPUID_EDX, 1u << 25},
    {"pdpe1gb", 0x80000001, 0, HC_CPUID_EDX, 1u << 26},
    {"rdtscp", 0x80000001, 0, HC_CPUID_EDX, 1u << 27},
    {"lm", 0x80000001, 0, HC_CPUID_EDX, 1u << 29},
    {"3dnowext", 0x80000001, 0, HC_CPUID_EDX, 1u << 30},
    {"3dnow", 0x80000001, 0, HC_CPUID_EDX, 1u << 31},
    /* leaf 0x80000007.0 EDX */
    {"invtsc", 0x80000007, 0, HC_CPUID_EDX, 1u << 8},
    /* leaf 0x80000008.0 EBX */
    {"clzero", 0x80000008, 0, HC_CPUID_EBX, 1u << 0},
    {"xsaveerptr", 0x80000008, 0, HC_CPUID_EBX, 1u << 2},
    {"wbnoinvd", 0x80000008, 0, HC_CPUID_EBX, 1u << 9},
    {"ibpb", 0x80000008, 0, HC_CPUID_EBX, 1u << 12},
    {"ibrs", 0x80000008, 0, HC_CPUID_EBX, 1u << 14},
    {"amd-stibp", 0x80000008, 0, HC_CPUID_EBX, 1u << 15},
    {"stibp-always-on", 0x80000008, 0, HC_CPUID_EBX, 1u << 17},
    {"amd-ssbd", 0x80000008, 0, HC_CPUID_EBX, 1u << 24},
    {"virt-ssbd", 0x80000008, 0, HC_CPUID_EBX, 1u << 25},
    {"amd-no-ssb", 0x80000008, 0, HC_CPUID_EBX, 1u << 26},
    {"amd-psfd", 0x80000008, 0, HC_CPUID_EBX, 1u << 28},
    /* leaf 0x8000000A.0 EDX */
    {"npt", 0x8000000A, 0, HC_CPUID_EDX, 1u << 0},
    {"lbrv", 0x8000000A, 0, HC_CPUID_EDX, 1u << 1},
    {"svm-lock", 0x8000000A, 0, HC_CPUID_EDX, 1u << 2},
    {"nrip-save", 0x8000000A, 0, HC_CPUID_EDX, 1u << 3},
    {"tsc-scale", 0x8000000A, 0, HC_CPUID_EDX, 1u << 4},
    {"vmcb-clean", 0x8000000A, 0, HC_CPUID_EDX, 1u << 5},
    {"flushbyasid", 0x8000000A, 0, HC_CPUID_EDX, 1u << 6},
    {"decodeassists", 0x8000000A, 0, HC_CPUID_EDX, 1u << 7},
    {"pause-filter", 0x8000000A, 0, HC_CPUID_EDX, 1u << 10},
    {"pfthreshold", 0x8000000A, 0, HC_CPUID_EDX, 1u << 12},
    {"avic", 0x8000000A, 0, HC_CPUID_EDX, 1u << 13},
    {"v-vmsave-vmload", 0x8000000A, 0, HC_CPUID_EDX, 1u << 15},
    {"vgif", 0x8000000A, 0, HC_CPUID_EDX, 1u << 16},
    {"vnmi", 0x8000000A, 0, HC_CPUID_EDX, 1u << 25},
    {"svme-addr-chk", 0x8000000A, 0, HC_CPUID_EDX, 1u << 28},
    /* leaf 0x80000021.0 EAX */
    {"no-nested-data-bp", 0x80000021, 0, HC_CPUID_EAX, 1u << 0},
    {"lfence-always-serializing", 0x80000021, 0, HC_CPUID_EAX, 1u << 2},
    {"null-sel-clr-base", 0x80000021, 0, HC_CPUID_EAX, 1u << 6},
    {"auto-ibrs", 0x80000021, 0, HC_CPUID_EAX, 1u << 8},
    {"eraps", 0x80000021, 0, HC_CPUID_EAX, 1u << 24},
    {"sbpb", 0x80000021, 0, HC_CPUID_EAX, 1u << 27},
    {"ibpb-brtype", 0x80000021, 0, HC_CPUID_EAX, 1u << 28},
    {"srso-no", 0x80000021, 0, HC_CPUID_EAX, 1u << 29},
    {"srso-user-kernel-no", 0x80000021, 0, HC_CPUID_EAX, 1u << 30},
    /* leaf 0x80000022.0 EAX */
    {"perfmon-v2", 0x80000022, 0, HC_CPUID_EAX, 1u << 0},
};

const guint hc_cpuid_features_len = G_N_ELEMENTS(hc_cpuid_features);

/*
 * split-lock-detect is bit 5 of IA32_CORE_CAPABILITIES (MSR 0xCF), a QEMU MSR feature word.
 * KVM emulates that MSR per vCPU but does not list it among its feature MSRs
 * (msr_based_features in arch/x86/kvm/x86.c; KVM_GET_MSR_FEATURE_INDEX_LIST), so /dev/kvm
 * has no answer to read before a VM exists.
 */
const HcCpuidUnanswerable hc_cpuid_unanswerable[] = {
    {"split-lock-detect",
     "IA32_CORE_CAPABILITIES (MSR 0xCF) bit 5: not one of KVM's feature MSRs "
     "(KVM_GET_MSR_FEATURE_INDEX_LIST), so /dev/kvm cannot tell whether a guest gets it"},
};

const guint hc_cpuid_unanswerable_len = G_N_ELEMENTS(hc_cpuid_unanswerable);

static const char *const hc_cpuid_reg_names[] = {"EAX", "EBX", "ECX", "EDX"};

const char *
hc_cpuid_reg_to_string(HcCpuidReg reg)
{
	return reg < HC_CPUID_REG_LAST ? hc_cpuid_reg_names[reg] : "?";
}

/* IA32_ARCH_CAPABILITIES bits (SDM vol. 4 table 2-2), QEMU's FEAT_ARCH_CAPABILITIES names */
const HcMsrBit hc_arch_capabilities_bits[] = {
    {"rdctl-no", 0},
    {"ibrs-all", 1},
    {"rsba", 2},
    {"skip-l1dfl-vmentry", 3},
    {"ssb-no", 4},
    {"mds-no", 5},
    {"pschange-mc-no", 6},
    {"tsx-ctrl", 7},
    {"taa-no", 8},
    {"sbdr-ssdp-no", 13},
    {"fbsdp-no", 14},
    {"psdp-no", 15},
    {"fb-clear", 17},
    {"bhi-no", 20},
    {"pbrsb-no", 24},
    {"gds-no", 26},
    {"rfds-no", 27},
    {"rfds-clear", 28},
};

const guint hc_arch_capabilities_bits_len = G_N_ELEMENTS(hc_arch_capabilities_bits);

/* XSAVE state components by XCR0 bit (SDM vol. 1 §13.1, table 13-1) */
const char *const hc_xsave_component_names[] = {
    "x87",	"sse", "avx",  "bndregs",  "bndcsr",	"opmask", "zmm_hi256",
    "hi16_zmm", "pt",  "pkru", "pasid",	   "cet_u",	"cet_s",  "hdc",
    "uintr",	"lbr", "hwp",  "xtilecfg", "xtiledata", "apx",
};

const guint hc_xsave_component_names_len = G_N_ELEMENTS(hc_xsave_component_names);
