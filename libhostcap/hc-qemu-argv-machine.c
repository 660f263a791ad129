/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QEMU command-line import: the machine, accelerator, CPU, vCPU count, guest memory and
 * -object (memory backends, confidential-computing objects).
 */
#include "hc-qemu-argv.h"

#include <string.h>

#include "hostcap/hc-capability.h"

/* ------------------------------------------------------------------ -machine, -accel */

static const char *const hc_machine_neutral[] = {
    "usb",
    "vmport",
    "dump-guest-core",
    "mem-merge",
    "graphics",
    "hpet",
    "sata",
    "pit",
    "pic",
    "i8042",
    "acpi",
    "nvdimm",
    "firmware",
    "pflash0",
    "pflash1",
    "max-ram-below-4g",
    "suppress-vmdesc",
    "smbus",
    "default-bus-bypass-iommu",
    NULL,
};

static void
hc_argv_add_accels(HcArgv *ctx, const char *list)
{
	g_auto(GStrv) names = g_strsplit(list, ":", -1);
	for (guint i = 0; names[i] != NULL; i++)
		g_ptr_array_add(ctx->accels, g_strdup(names[i]));
}

/* kernel-irqchip=on|off|split (a bool spelling means on/off) */
static gboolean
hc_argv_irqchip(HcArgv *ctx, const HcQemuOpt *o, GError **error)
{
	gboolean b;

	if (g_strcmp0(o->value, "split") == 0) {
		json_object_set_string_member(ctx->features, "machine.kernel_irqchip", "split");
		return TRUE;
	}
	if (!hc_argv_bool(ctx, o, &b, error))
		return FALSE;
	json_object_set_string_member(ctx->features, "machine.kernel_irqchip", b ? "on" : "off");
	return TRUE;
}

gboolean
hc_argv_machine(HcArgv *ctx, GPtrArray *opts, GError **error)
{
	for (guint i = 0; i < opts->len; i++) {
		HcQemuOpt *o = g_ptr_array_index(opts, i);
		if (hc_argv_is_implied(opts, i, "type")) {
			g_free(ctx->machine);
			ctx->machine = g_strdup(o->value);
		} else if (g_strcmp0(o->key, "accel") == 0) {
			hc_argv_add_accels(ctx, o->value);
		} else if (g_strcmp0(o->key, "smm") == 0) {
			if (!hc_argv_on_off_auto(ctx, o, "machine.smm", error))
				return FALSE;
		} else if (g_strcmp0(o->key, "kernel-irqchip") == 0 ||
			   g_strcmp0(o->key, "kernel_irqchip") == 0) {
			if (!hc_argv_irqchip(ctx, o, error))
				return FALSE;
		} else if (g_strcmp0(o->key, "confidential-guest-support") == 0) {
			g_free(ctx->cgs);
			ctx->cgs = g_strdup(o->value);
		} else if (g_strcmp0(o->key, "memory-backend") == 0) {
			g_free(ctx->ram_backend);
			ctx->ram_backend = g_strdup(o->value);
		} else if (!hc_argv_str_in(o->key, hc_machine_neutral)) {
			hc_argv_unevaluated_opt(ctx, o);
		}
	}
	return TRUE;
}

gboolean
hc_argv_accel(HcArgv *ctx, GPtrArray *opts, GError **error)
{
	static const char *const neutral[] = {"thread", "tb-size", "kvm-shadow-mem", NULL};

	for (guint i = 0; i < opts->len; i++) {
		HcQemuOpt *o = g_ptr_array_index(opts, i);
		guint64 n;
		if (hc_argv_is_implied(opts, i, "accel")) {
			hc_argv_add_accels(ctx, o->value);
		} else if (g_strcmp0(o->key, "dirty-ring-size") == 0) {
			if (!hc_argv_uint(ctx, o, &n, error))
				return FALSE;
			json_object_set_int_member(ctx->features, "accel.dirty_ring_size", n);
		} else if (!hc_argv_str_in(o->key, neutral)) {
			hc_argv_unevaluated_opt(ctx, o);
		}
	}
	return TRUE;
}

/* ------------------------------------------------------------------ -cpu */

/* -cpu switches that are features of their own (features.d/cpu.json) */
static const struct {
	const char *key;
	const char *feature;
} hc_cpu_switches[] = {
    {"migratable", "cpu.migratable"},
    {"host-phys-bits", "cpu.host_phys_bits"},
    {"pmu", "cpu.pmu"},
};

static const char *
hc_cpu_switch(const char *key)
{
	for (guint i = 0; i < G_N_ELEMENTS(hc_cpu_switches); i++) {
		if (g_strcmp0(hc_cpu_switches[i].key, key) == 0)
			return hc_cpu_switches[i].feature;
	}
	return NULL;
}

/* -cpu properties that are switches of the model, not CPUID feature bits */
static const char *const hc_cpu_neutral[] = {
    "l3-cache",
    "legacy-cache",
    "full-cpuid-auto-level",
    "fill-mtrr-mask",
    "cpuid-0xb",
    "vmware-cpuid-freq",
    "host-cache-info",
    "start-powered-off",
    "kvm",
    NULL,
};

typedef enum {
	HC_CPU_PROP_FAILED,
	HC_CPU_PROP_DONE,
	HC_CPU_PROP_FEATURE, /* not a model switch: a CPUID feature bit */
} HcCpuProp;

static HcCpuProp
hc_argv_cpu_prop(HcArgv *ctx, const HcQemuOpt *o, GError **error)
{
	gboolean b;
	guint64 hz;

	if (g_strcmp0(o->key, "tsc-frequency") == 0 || g_strcmp0(o->key, "tsc-freq") == 0) {
		/* QEMU takes Hz; the capability is KVM_GET_TSC_KHZ's kHz */
		if (!hc_qemu_parse_metric(o->value, &hz) || hz / 1000 > G_MAXINT64) {
			hc_argv_bad(ctx, error, "invalid frequency", o->value);
			return HC_CPU_PROP_FAILED;
		}
		json_object_set_int_member(ctx->features, "cpu.tsc_khz", hz / 1000);
		return HC_CPU_PROP_DONE;
	}
	if (g_str_has_prefix(o->key, "hv-") || g_str_has_prefix(o->key, "x-") ||
	    !hc_qemu_parse_bool(o->value, &b)) {
		hc_argv_unevaluated_opt(ctx, o); /* level=, family=, hv-* enlightenments … */
		return HC_CPU_PROP_DONE;
	}
	if (g_strcmp0(o->key, "enforce") == 0)
		hc_argv_set_bool(ctx, "cpu.enforce", b, FALSE);
	else if (g_strcmp0(o->key, "check") == 0)
		hc_argv_set_bool(ctx, "cpu.check", b, FALSE);
	else if (hc_cpu_switch(o->key) != NULL)
		hc_argv_set_bool(ctx, hc_cpu_switch(o->key), b, FALSE);
	else if (!hc_argv_str_in(o->key, hc_cpu_neutral))
		return HC_CPU_PROP_FEATURE;
	return HC_CPU_PROP_DONE;
}

static void
hc_argv_cpu_feature(HcArgv *ctx, const char *name, gboolean on, const char *text)
{
	g_autofree char *canon = hc_qemu_cpu_feature_name(name);
	g_autofree char *id = canon != NULL ? g_strconcat("cpu.feature.", canon, NULL) : NULL;

	if (id == NULL || !hc_capability_id_is_valid(id)) {
		hc_argv_unevaluated(ctx, text);
		return;
	}
	hc_argv_set_bool(ctx, id, on, FALSE);
}

gboolean
hc_argv_cpu(HcArgv *ctx, GPtrArray *opts, GError **error)
{
	for (guint i = 0; i < opts->len; i++) {
		HcQemuOpt *o = g_ptr_array_index(opts, i);
		gboolean on;
		if (i == 0 && o->key == NULL) {
			json_object_set_string_member(ctx->features, "cpu.model", o->value);
		} else if (o->key == NULL && (o->value[0] == '+' || o->value[0] == '-')) {
			hc_argv_cpu_feature(ctx, o->value + 1, o->value[0] == '+', o->value);
		} else if (o->key == NULL) {
			/* bare "enforce" / "avx2": QEMU's shorthand for =on */
			HcQemuOpt on_opt = {o->value, (char *)"on"};
			HcCpuProp rc = hc_argv_cpu_prop(ctx, &on_opt, error);
			if (rc == HC_CPU_PROP_FEATURE)
				hc_argv_cpu_feature(ctx, o->value, TRUE, o->value);
			else if (rc == HC_CPU_PROP_FAILED)
				return FALSE;
		} else {
			HcCpuProp rc = hc_argv_cpu_prop(ctx, o, error);
			if (rc == HC_CPU_PROP_FEATURE) {
				g_autofree char *text = g_strdup_printf("%s=%s", o->key, o->value);
				if (!hc_qemu_parse_bool(o->value, &on))
					return hc_argv_bad(ctx,
							   error,
							   "expected on or off for",
							   o->key);
				hc_argv_cpu_feature(ctx, o->key, on, text);
			} else if (rc == HC_CPU_PROP_FAILED) {
				return FALSE;
			}
		}
	}
	return TRUE;
}

/* ------------------------------------------------------------------ -smp, -m, memory */

gboolean
hc_argv_smp(HcArgv *ctx, GPtrArray *opts, GError **error)
{
	static const char *const topology[] = {
	    "sockets",
	    "dies",
	    "clusters",
	    "cores",
	    "threads",
	    "books",
	    "drawers",
	    NULL,
	};
	guint64 cpus = 0, maxcpus = 0, product = 1;

	for (guint i = 0; i < opts->len; i++) {
		HcQemuOpt *o = g_ptr_array_index(opts, i);
		HcQemuOpt named = {(char *)"cpus", o->value};
		guint64 n;
		if (i == 0 && o->key == NULL)
			o = &named;
		if (!hc_argv_uint(ctx, o, &n, error))
			return FALSE;
		if (g_strcmp0(o->key, "cpus") == 0)
			cpus = n;
		else if (g_strcmp0(o->key, "maxcpus") == 0)
			maxcpus = n;
		else if (hc_argv_str_in(o->key, topology) && n > 0 && product <= G_MAXINT32)
			product *= n;
		else
			hc_argv_unevaluated_opt(ctx, o);
	}
	/* QEMU: maxcpus defaults to cpus, cpus to the topology's product */
	if (maxcpus == 0)
		maxcpus = cpus != 0 ? cpus : product;
	json_object_set_int_member(ctx->features, "smp.maxcpus", maxcpus);
	return TRUE;
}

static gboolean
hc_argv_size(HcArgv *ctx, const HcQemuOpt *o, guint64 unit, guint64 *bytes, GError **error)
{
	if (!hc_qemu_parse_size(o->value, unit, bytes))
		return hc_argv_bad(ctx, error, "invalid size", o->value);
	return TRUE;
}

void
hc_argv_set_mib(HcArgv *ctx, guint64 bytes)
{
	/* round up: a partial MiB still has to fit on the host */
	json_object_set_int_member(ctx->features,
				   "memory.size_mib",
				   (gint64)(bytes / 1048576 + (bytes % 1048576 != 0)));
}

gboolean
hc_argv_memory(HcArgv *ctx, GPtrArray *opts, GError **error)
{
	static const char *const neutral[] = {"slots", "maxmem", NULL};

	for (guint i = 0; i < opts->len; i++) {
		HcQemuOpt *o = g_ptr_array_index(opts, i);
		guint64 bytes;
		if (hc_argv_is_implied(opts, i, "size")) {
			if (!hc_argv_size(ctx, o, 1048576, &bytes, error))
				return FALSE;
			hc_argv_set_mib(ctx, bytes);
		} else if (hc_argv_str_in(o->key, neutral)) {
			if (!hc_argv_size(ctx, o, 1048576, &bytes, error))
				return FALSE;
		} else {
			hc_argv_unevaluated_opt(ctx, o);
		}
	}
	return TRUE;
}

/* memory.backend: a file or memfd backend anywhere decides over plain RAM */
static void
hc_argv_set_backend(HcArgv *ctx, const char *kind)
{
	if (json_object_has_member(ctx->features, "memory.backend") && g_strcmp0(kind, "ram") == 0)
		return;
	json_object_set_string_member(ctx->features, "memory.backend", kind);
}

/* hugetlbfs cannot be asked about from a command line; these are the conventional mounts */
void
hc_argv_mem_path(HcArgv *ctx, const char *path)
{
	hc_argv_set_backend(ctx, "file");
	if (strstr(path, "hugepages") == NULL && strstr(path, "hugetlb") == NULL)
		hc_argv_unevaluated_why(ctx, "mem-path is not a known hugetlbfs mount");
	else if (strstr(path, "1G") != NULL || strstr(path, "1048576kB") != NULL)
		json_object_set_string_member(ctx->features, "memory.hugepages", "1G");
	else if (strstr(path, "2M") != NULL || strstr(path, "2048kB") != NULL)
		json_object_set_string_member(ctx->features, "memory.hugepages", "2M");
	else
		json_object_set_string_member(ctx->features, "memory.hugepages", "default");
}

static gboolean
hc_argv_hugepage_size(HcArgv *ctx, const HcQemuOpt *o, GError **error)
{
	guint64 bytes;

	if (!hc_argv_size(ctx, o, 1, &bytes, error))
		return FALSE;
	if (bytes == 2 * 1048576)
		json_object_set_string_member(ctx->features, "memory.hugepages", "2M");
	else if (bytes == 1024 * 1048576)
		json_object_set_string_member(ctx->features, "memory.hugepages", "1G");
	else
		hc_argv_unevaluated_opt(ctx, o);
	return TRUE;
}

static gboolean
hc_argv_backend(HcArgv *ctx, GPtrArray *opts, GError **error)
{
	static const char *const neutral[] = {
	    "qom-type",
	    "id",
	    "merge",
	    "dump",
	    "prealloc-threads",
	    "seal",
	    "align",
	    "discard-data",
	    "x-use-canonical-path-for-ramblock-id",
	    "readonly",
	    "rom",
	    NULL,
	};
	const char *id = hc_argv_get(opts, "id");
	gboolean hugetlb = FALSE, b;
	guint64 size = 0;

	for (guint i = 0; i < opts->len; i++) {
		HcQemuOpt *o = g_ptr_array_index(opts, i);
		if (hc_argv_is_implied(opts, i, "qom-type"))
			continue;
		if (g_strcmp0(o->key, "size") == 0) {
			if (!hc_argv_size(ctx, o, 1, &size, error))
				return FALSE;
		} else if (g_strcmp0(o->key, "hugetlb") == 0) {
			if (!hc_argv_bool(ctx, o, &hugetlb, error))
				return FALSE;
		} else if (g_strcmp0(o->key, "hugetlbsize") == 0) {
			if (!hc_argv_hugepage_size(ctx, o, error))
				return FALSE;
		} else if (g_strcmp0(o->key, "mem-path") == 0) {
			hc_argv_mem_path(ctx, o->value);
		} else if (g_strcmp0(o->key, "share") == 0 || g_strcmp0(o->key, "prealloc") == 0) {
			if (!hc_argv_bool(ctx, o, &b, error))
				return FALSE;
			hc_argv_set_bool(ctx,
					 o->key[0] == 's' ? "memory.share" : "memory.prealloc",
					 b,
					 TRUE);
		} else if (o->key != NULL && !hc_argv_str_in(o->key, neutral)) {
			hc_argv_unevaluated_opt(ctx, o); /* policy=bind,host-nodes=…: NUMA */
		}
	}
	if (hugetlb && !json_object_has_member(ctx->features, "memory.hugepages"))
		json_object_set_string_member(ctx->features, "memory.hugepages", "default");
	if (id != NULL)
		g_hash_table_insert(ctx->backends, g_strdup(id), g_memdup2(&size, sizeof(size)));
	return TRUE;
}

/* ------------------------------------------------------------------ -object */

gboolean
hc_argv_object(HcArgv *ctx, GPtrArray *opts, GError **error)
{
	static const char *const cgs[][2] = {
	    {"sev-guest", "confidential.sev"},
	    {"sev-snp-guest", "confidential.sev-snp"},
	    {"tdx-guest", "confidential.tdx"},
	};
	static const char *const neutral[] = {
	    "iothread",
	    "secret",
	    "secret_keyring",
	    "tls-creds-x509",
	    "tls-creds-psk",
	    "tls-creds-anon",
	    "tls-cipher-suites",
	    "rng-builtin",
	    "rng-random",
	    "throttle-group",
	    "authz-simple",
	    "authz-list",
	    "main-loop",
	    NULL,
	};
	static const char *const backends[] = {
	    "memory-backend-ram",
	    "memory-backend-file",
	    "memory-backend-memfd",
	    NULL,
	};
	const char *type = hc_argv_implied(opts, "qom-type");
	const char *id = hc_argv_get(opts, "id");
	const char *policy = hc_argv_get(opts, "policy");

	if (hc_argv_str_in(type, backends)) {
		hc_argv_set_backend(ctx, type + strlen("memory-backend-"));
		return hc_argv_backend(ctx, opts, error);
	}
	for (guint i = 0; i < G_N_ELEMENTS(cgs); i++) {
		char *end = NULL;
		guint64 bits = 0;
		if (g_strcmp0(type, cgs[i][0]) != 0 || id == NULL)
			continue;
		g_hash_table_insert(ctx->cgs_types, g_strdup(id), g_strdup(cgs[i][1]));
		if (policy != NULL)
			bits = g_ascii_strtoull(policy, &end, 0);
		/* SEV policy bit 2 (0x4) asks for SEV-ES */
		if (i == 0 && end != NULL && end != policy && *end == '\0' && (bits & 0x4) != 0) {
			g_free(ctx->sev_es_object);
			ctx->sev_es_object = g_strdup(id);
		}
		return TRUE;
	}
	if (!hc_argv_str_in(type, neutral))
		hc_argv_unevaluated(ctx, NULL);
	return TRUE;
}
