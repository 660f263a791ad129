/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cache key. Interfaces: uname(2) for the kernel release and version (what the engine
 * puts in the snapshot), <sysroot>/proc/sys/kernel/random/boot_id, the CPU microcode
 * revision from <sysroot>/sys/devices/system/cpu/cpu0/microcode/version or else the first
 * "microcode" line of <sysroot>/proc/cpuinfo (libvirt keys its capability cache on it too).
 */
#include <sys/utsname.h>

#include "hc-config.h"
#include "hc-probe-registry.h"
#include "hostcap/hc-error.h"

#include "hc-cache-key.h"

typedef struct {
	const char *name; /* JSON member */
	const char *what; /* in messages */
	gsize offset;
} HcCacheKeyField;

static const HcCacheKeyField hc_cache_key_fields[] = {
    {"boot_id", "boot id", G_STRUCT_OFFSET(HcCacheKey, boot_id)},
    {"kernel_release", "kernel release", G_STRUCT_OFFSET(HcCacheKey, kernel_release)},
    {"kernel_version", "kernel version", G_STRUCT_OFFSET(HcCacheKey, kernel_version)},
    {"microcode", "CPU microcode", G_STRUCT_OFFSET(HcCacheKey, microcode)},
    {"probe_set", "probe set", G_STRUCT_OFFSET(HcCacheKey, probe_set)},
    {"catalogue", "catalogue", G_STRUCT_OFFSET(HcCacheKey, catalogue)},
    {"config", "configuration", G_STRUCT_OFFSET(HcCacheKey, config)},
    {"sysroot", "sysroot", G_STRUCT_OFFSET(HcCacheKey, sysroot)},
};

#define HC_CACHE_KEY_FIELD(key, f) (*(char **)G_STRUCT_MEMBER_P((key), (f)->offset))

void
hc_cache_key_free(HcCacheKey *key)
{
	if (key == NULL)
		return;
	for (guint i = 0; i < G_N_ELEMENTS(hc_cache_key_fields); i++)
		g_free(HC_CACHE_KEY_FIELD(key, &hc_cache_key_fields[i]));
	g_free(key);
}

static char *
hc_cache_key_read_line(const char *sysroot, const char *path)
{
	g_autofree char *full = g_strconcat(sysroot, path, NULL);
	g_autofree char *text = NULL;

	if (!g_file_get_contents(full, &text, NULL, NULL))
		return NULL;
	return g_strdup(g_strstrip(text));
}

static char *
hc_cache_key_microcode(const char *sysroot)
{
	g_autofree char *cpuinfo = NULL;
	g_auto(GStrv) lines = NULL;
	char *version =
	    hc_cache_key_read_line(sysroot, "/sys/devices/system/cpu/cpu0/microcode/version");

	if (version != NULL)
		return version;
	cpuinfo = hc_cache_key_read_line(sysroot, "/proc/cpuinfo");
	if (cpuinfo == NULL)
		return g_strdup("");
	lines = g_strsplit(cpuinfo, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		const char *colon = strchr(lines[i], ':');
		if (g_str_has_prefix(lines[i], "microcode") && colon != NULL)
			return g_strstrip(g_strdup(colon + 1));
	}
	return g_strdup("");
}

/* probes.d files in override order: a new or edited declarative probe changes the set */
static void
hc_cache_key_hash_probes_d(GChecksum *sum, const char *const *data_dirs)
{
	for (guint i = 0; data_dirs != NULL && data_dirs[i] != NULL; i++) {
		g_autofree char *dir_path = g_build_filename(data_dirs[i], "probes.d", NULL);
		g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
		g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
		const char *name;

		while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
			if (g_str_has_suffix(name, ".json"))
				g_ptr_array_add(names, g_strdup(name));
		}
		g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
		for (guint j = 0; j < names->len; j++) {
			g_autofree char *path = g_build_filename(dir_path, names->pdata[j], NULL);
			g_autofree char *text = NULL;
			gsize len = 0;
			g_checksum_update(sum, (const guchar *)path, -1);
			if (g_file_get_contents(path, &text, &len, NULL))
				g_checksum_update(sum, (const guchar *)text, (gssize)len);
		}
	}
}

static char *
hc_cache_key_probe_set(const char *const *data_dirs)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);

	g_checksum_update(sum, (const guchar *)HC_VERSION, -1);
	for (guint i = 0; i < hc_probe_registry_len; i++) {
		const HcProbeInfo *info = hc_probe_registry[i];
		g_autoptr(GPtrArray) ids = hc_probe_info_get_ids(info);
		g_autofree char *head = g_strdup_printf("\n%s %u %u:",
							info->name,
							info->timeout_msec,
							(guint)info->flags);
		g_checksum_update(sum, (const guchar *)head, -1);
		for (guint j = 0; j < ids->len; j++) {
			g_checksum_update(sum, (const guchar *)" ", 1);
			g_checksum_update(sum, (const guchar *)ids->pdata[j], -1);
		}
	}
	hc_cache_key_hash_probes_d(sum, data_dirs);
	return g_strdup_printf("sha256:%s", g_checksum_get_string(sum));
}

HcCacheKey *
hc_cache_key_new_current(const char *sysroot,
			 const char *const *data_dirs,
			 const char *catalogue_hash,
			 const char *config_hash)
{
	HcCacheKey *key = g_new0(HcCacheKey, 1);
	struct utsname uts;
	gboolean have_uts = uname(&uts) == 0;

	sysroot = sysroot != NULL ? sysroot : "";
	key->boot_id = hc_cache_key_read_line(sysroot, "/proc/sys/kernel/random/boot_id");
	if (key->boot_id == NULL)
		key->boot_id = g_strdup("");
	key->kernel_release = g_strdup(have_uts ? uts.release : "");
	key->kernel_version = g_strdup(have_uts ? uts.version : "");
	key->microcode = hc_cache_key_microcode(sysroot);
	key->probe_set = hc_cache_key_probe_set(data_dirs);
	key->catalogue = g_strdup(catalogue_hash != NULL ? catalogue_hash : "none");
	key->config = g_strdup(config_hash != NULL ? config_hash : "");
	key->sysroot = g_strdup(sysroot);
	return key;
}

JsonNode *
hc_cache_key_to_json(const HcCacheKey *key)
{
	JsonObject *obj = json_object_new();
	JsonNode *node;

	for (guint i = 0; i < G_N_ELEMENTS(hc_cache_key_fields); i++) {
		const HcCacheKeyField *f = &hc_cache_key_fields[i];
		json_object_set_string_member(obj, f->name, HC_CACHE_KEY_FIELD(key, f));
	}
	/* take_object hands our reference to the node; init_object would add its own */
	node = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(node, obj);
	return node;
}

HcCacheKey *
hc_cache_key_from_json(JsonNode *node, const char *path, GError **error)
{
	g_autoptr(HcCacheKey) key = g_new0(HcCacheKey, 1);
	JsonObject *obj;

	if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node)) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: expected an object",
			    path);
		return NULL;
	}
	obj = json_node_get_object(node);
	if (json_object_get_size(obj) != G_N_ELEMENTS(hc_cache_key_fields)) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: expected exactly %u members",
			    path,
			    (guint)G_N_ELEMENTS(hc_cache_key_fields));
		return NULL;
	}
	for (guint i = 0; i < G_N_ELEMENTS(hc_cache_key_fields); i++) {
		const HcCacheKeyField *f = &hc_cache_key_fields[i];
		JsonNode *member = json_object_get_member(obj, f->name);
		if (member == NULL || !JSON_NODE_HOLDS_VALUE(member) ||
		    json_node_get_value_type(member) != G_TYPE_STRING) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "%s.%s: expected a string",
				    path,
				    f->name);
			return NULL;
		}
		HC_CACHE_KEY_FIELD(key, f) = g_strdup(json_node_get_string(member));
	}
	return g_steal_pointer(&key);
}

char *
hc_cache_key_compare(const HcCacheKey *cached, const HcCacheKey *current)
{
	for (guint i = 0; i < G_N_ELEMENTS(hc_cache_key_fields); i++) {
		const HcCacheKeyField *f = &hc_cache_key_fields[i];
		const char *a = HC_CACHE_KEY_FIELD(cached, f);
		const char *b = HC_CACHE_KEY_FIELD(current, f);
		if (g_strcmp0(a, b) != 0)
			return g_strdup_printf("%s changed ('%.40s' → '%.40s')", f->what, a, b);
	}
	return NULL;
}
