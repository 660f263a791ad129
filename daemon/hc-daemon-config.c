/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>

#include "hc-probe-registry.h"
#include "hostcap/hc-error.h"

#include "hc-daemon-config.h"
#include "hc-engine.h"

/* an upper bound that still reads as "seconds": a probe that needs longer is broken */
#define HC_DAEMON_CONFIG_MAX_TIMEOUT_SEC 3600
#define HC_DAEMON_CONFIG_MAX_HISTORY	 (G_GUINT64_CONSTANT(1) << 32)

typedef enum {
	HC_CONFIG_KIND_PROBES, /* list of registered probe names */
	HC_CONFIG_KIND_UINT,
	HC_CONFIG_KIND_UINT64,
	HC_CONFIG_KIND_NAME,  /* user or group name */
	HC_CONFIG_KIND_PATH,  /* absolute file path; "" = off */
	HC_CONFIG_KIND_PATHS, /* list of absolute paths */
	HC_CONFIG_KIND_BOOL,
} HcConfigKind;

typedef struct {
	const char *key;
	HcConfigKind kind;
	gsize offset;
	guint64 min;
	guint64 max;
	gboolean may_be_empty;
} HcConfigKey;

/* every key hostcapd.conf(5) documents; the defaults are set in hc_daemon_config_new() */
static const HcConfigKey hc_config_keys[] = {
    {"DisabledProbes", HC_CONFIG_KIND_PROBES, G_STRUCT_OFFSET(HcDaemonConfig, disabled_probes)},
    {"ProbeTimeoutSec",
     HC_CONFIG_KIND_UINT,
     G_STRUCT_OFFSET(HcDaemonConfig, probe_timeout_sec),
     0,
     HC_DAEMON_CONFIG_MAX_TIMEOUT_SEC},
    {"QemuUser", HC_CONFIG_KIND_NAME, G_STRUCT_OFFSET(HcDaemonConfig, qemu_user)},
    {"QemuBinary", HC_CONFIG_KIND_PATHS, G_STRUCT_OFFSET(HcDaemonConfig, qemu_binaries)},
    {"AdminGroup", HC_CONFIG_KIND_NAME, G_STRUCT_OFFSET(HcDaemonConfig, admin_group), 0, 0, TRUE},
    {"RefreshLimitPerMinute",
     HC_CONFIG_KIND_UINT,
     G_STRUCT_OFFSET(HcDaemonConfig, refresh_limit_per_minute),
     0,
     100000},
    {"HistoryMaxBytes",
     HC_CONFIG_KIND_UINT64,
     G_STRUCT_OFFSET(HcDaemonConfig, history_max_bytes),
     HC_DAEMON_CONFIG_MIN_HISTORY_BYTES,
     HC_DAEMON_CONFIG_MAX_HISTORY},
    {"PrometheusFile",
     HC_CONFIG_KIND_PATH,
     G_STRUCT_OFFSET(HcDaemonConfig, prometheus_file),
     0,
     0,
     TRUE},
    {"NfdFeatureFile",
     HC_CONFIG_KIND_PATH,
     G_STRUCT_OFFSET(HcDaemonConfig, nfd_feature_file),
     0,
     0,
     TRUE},
    {"VfioOpenDevices", HC_CONFIG_KIND_BOOL, G_STRUCT_OFFSET(HcDaemonConfig, vfio_open_devices)},
    {"CheckWorkers", HC_CONFIG_KIND_UINT, G_STRUCT_OFFSET(HcDaemonConfig, check_workers), 1, 64},
    {"EventMinIntervalSec",
     HC_CONFIG_KIND_UINT,
     G_STRUCT_OFFSET(HcDaemonConfig, event_min_interval_sec),
     0,
     HC_DAEMON_CONFIG_MAX_TIMEOUT_SEC},
    {"ChecksPerUser",
     HC_CONFIG_KIND_UINT,
     G_STRUCT_OFFSET(HcDaemonConfig, checks_per_user),
     0,
     1024},
};

char **
hc_daemon_config_dup_key_names(void)
{
	char **names = g_new0(char *, G_N_ELEMENTS(hc_config_keys) + 1);

	for (guint i = 0; i < G_N_ELEMENTS(hc_config_keys); i++)
		names[i] = g_strdup(hc_config_keys[i].key);
	return names;
}

HcDaemonConfig *
hc_daemon_config_new(void)
{
	HcDaemonConfig *config = g_new0(HcDaemonConfig, 1);

	config->disabled_probes = g_new0(char *, 1);
	config->qemu_binaries = g_new0(char *, 1);
	config->qemu_user = g_strdup(hc_engine_default_qemu_user());
	config->admin_group = g_strdup(HC_DAEMON_CONFIG_DEFAULT_ADMIN_GROUP);
	config->refresh_limit_per_minute = HC_DAEMON_CONFIG_DEFAULT_REFRESH_LIMIT;
	config->history_max_bytes = HC_DAEMON_CONFIG_DEFAULT_HISTORY_BYTES;
	config->prometheus_file = g_strdup("");
	config->nfd_feature_file = g_strdup("");
	config->check_workers = HC_DAEMON_CONFIG_DEFAULT_CHECK_WORKERS;
	config->checks_per_user = HC_DAEMON_CONFIG_DEFAULT_CHECKS_PER_USER;
	config->event_min_interval_sec = HC_DAEMON_CONFIG_DEFAULT_EVENT_INTERVAL;
	return config;
}

void
hc_daemon_config_free(HcDaemonConfig *config)
{
	if (config == NULL)
		return;
	g_strfreev(config->disabled_probes);
	g_strfreev(config->qemu_binaries);
	g_free(config->qemu_user);
	g_free(config->admin_group);
	g_free(config->prometheus_file);
	g_free(config->nfd_feature_file);
	g_free(config);
}

/* user and group names as shadow-utils accepts them, without the trailing-$ machine form */
static gboolean
hc_config_name_is_valid(const char *name)
{
	if (name[0] == '\0' || name[0] == '-' || strlen(name) > 32)
		return FALSE;
	for (const char *p = name; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && strchr("._-", *p) == NULL)
			return FALSE;
	}
	return TRUE;
}

/* an export file: absolute, a file name at the end, in a directory that exists */
static gboolean
hc_config_path_is_valid(const char *path, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *base = g_path_get_basename(path);

	if (!g_path_is_absolute(path) || g_str_has_suffix(path, "/") || base[0] == '.') {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "'%s' is not an absolute path to a file (not a dot-file)",
			    path);
		return FALSE;
	}
	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "directory %s does not exist",
			    dir);
		return FALSE;
	}
	return TRUE;
}

static gboolean
hc_config_parse_probes(GKeyFile *kf, const char *key, char ***out, GError **error)
{
	g_auto(GStrv) names =
	    g_key_file_get_string_list(kf, HC_DAEMON_CONFIG_GROUP, key, NULL, error);
	g_autoptr(GPtrArray) known = g_ptr_array_new_with_free_func(g_free);

	if (names == NULL)
		return FALSE;
	for (guint i = 0; names[i] != NULL; i++) {
		g_strstrip(names[i]);
		if (names[i][0] == '\0')
			continue;
		if (hc_probe_registry_lookup(names[i]) == NULL) {
			/* one typo must not re-enable the probes that are spelled right */
			g_warning("%s=: unknown probe '%s', ignoring it", key, names[i]);
			continue;
		}
		g_ptr_array_add(known, g_strdup(names[i]));
	}
	g_ptr_array_add(known, NULL);
	g_strfreev(*out);
	*out = (char **)g_ptr_array_free(g_steal_pointer(&known), FALSE);
	return TRUE;
}

/* QemuBinary=: absolute paths, in search order; whether each exists is the qemu probe's
 * finding, not a configuration error */
static gboolean
hc_config_parse_paths(GKeyFile *kf, const char *key, char ***out, GError **error)
{
	g_auto(GStrv) paths =
	    g_key_file_get_string_list(kf, HC_DAEMON_CONFIG_GROUP, key, NULL, error);
	g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func(g_free);

	if (paths == NULL)
		return FALSE;
	for (guint i = 0; paths[i] != NULL; i++) {
		g_strstrip(paths[i]);
		if (paths[i][0] == '\0')
			continue;
		if (!g_path_is_absolute(paths[i])) {
			g_set_error(error,
				    HC_ERROR,
				    HC_ERROR_INVALID_ARGUMENT,
				    "'%s' is not an absolute path",
				    paths[i]);
			return FALSE;
		}
		g_ptr_array_add(kept, g_strdup(paths[i]));
	}
	g_ptr_array_add(kept, NULL);
	g_strfreev(*out);
	*out = (char **)g_ptr_array_free(g_steal_pointer(&kept), FALSE);
	return TRUE;
}

static gboolean
hc_config_parse_number(GKeyFile *kf, const HcConfigKey *k, guint64 *out, GError **error)
{
	g_autofree char *text = g_key_file_get_value(kf, HC_DAEMON_CONFIG_GROUP, k->key, error);

	if (text == NULL)
		return FALSE;
	g_strstrip(text);
	return g_ascii_string_to_unsigned(text, 10, k->min, k->max, out, error);
}

/* the spellings systemd units accept, so that both files read alike */
static const struct {
	const char *word;
	gboolean value;
} hc_config_bool_words[] = {
    {"yes", TRUE},
    {"true", TRUE},
    {"on", TRUE},
    {"1", TRUE},
    {"no", FALSE},
    {"false", FALSE},
    {"off", FALSE},
    {"0", FALSE},
};

static gboolean
hc_config_parse_bool(GKeyFile *kf, const char *key, gboolean *out, GError **error)
{
	g_autofree char *text = g_key_file_get_value(kf, HC_DAEMON_CONFIG_GROUP, key, error);

	if (text == NULL)
		return FALSE;
	g_strstrip(text);
	for (guint i = 0; i < G_N_ELEMENTS(hc_config_bool_words); i++) {
		if (g_ascii_strcasecmp(text, hc_config_bool_words[i].word) == 0) {
			*out = hc_config_bool_words[i].value;
			return TRUE;
		}
	}
	g_set_error(error,
		    HC_ERROR,
		    HC_ERROR_INVALID_ARGUMENT,
		    "'%.32s' is not a boolean (yes or no)",
		    text);
	return FALSE;
}

static gboolean
hc_config_parse_key(GKeyFile *kf, const HcConfigKey *k, HcDaemonConfig *config, GError **error)
{
	gpointer field = G_STRUCT_MEMBER_P(config, k->offset);
	g_autofree char *text = NULL;
	guint64 number = 0;

	switch (k->kind) {
	case HC_CONFIG_KIND_PROBES:
		return hc_config_parse_probes(kf, k->key, field, error);
	case HC_CONFIG_KIND_PATHS:
		return hc_config_parse_paths(kf, k->key, field, error);
	case HC_CONFIG_KIND_UINT:
		if (!hc_config_parse_number(kf, k, &number, error))
			return FALSE;
		*(guint *)field = (guint)number;
		return TRUE;
	case HC_CONFIG_KIND_UINT64:
		if (!hc_config_parse_number(kf, k, &number, error))
			return FALSE;
		*(guint64 *)field = number;
		return TRUE;
	case HC_CONFIG_KIND_BOOL:
		return hc_config_parse_bool(kf, k->key, field, error);
	case HC_CONFIG_KIND_NAME:
	case HC_CONFIG_KIND_PATH:
	default:
		break;
	}
	text = g_key_file_get_string(kf, HC_DAEMON_CONFIG_GROUP, k->key, error);
	if (text == NULL)
		return FALSE;
	g_strstrip(text);
	if (k->kind == HC_CONFIG_KIND_PATH) {
		if (text[0] != '\0' && !hc_config_path_is_valid(text, error))
			return FALSE;
	} else if (!(k->may_be_empty && text[0] == '\0') && !hc_config_name_is_valid(text)) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "'%s' is not a user or group name",
			    text);
		return FALSE;
	}
	g_free(*(char **)field);
	*(char **)field = g_steal_pointer(&text);
	return TRUE;
}

static const HcConfigKey *
hc_config_lookup_key(const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(hc_config_keys); i++) {
		if (g_strcmp0(hc_config_keys[i].key, name) == 0)
			return &hc_config_keys[i];
	}
	return NULL;
}

static void
hc_config_apply(GKeyFile *kf, const char *path, HcDaemonConfig *config)
{
	g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
	g_auto(GStrv) keys = NULL;

	for (guint i = 0; groups[i] != NULL; i++) {
		if (g_strcmp0(groups[i], HC_DAEMON_CONFIG_GROUP) != 0)
			g_warning("%s: unknown group [%s], ignoring it", path, groups[i]);
	}
	keys = g_key_file_get_keys(kf, HC_DAEMON_CONFIG_GROUP, NULL, NULL);
	for (guint i = 0; keys != NULL && keys[i] != NULL; i++) {
		const HcConfigKey *k = hc_config_lookup_key(keys[i]);
		g_autoptr(GError) error = NULL;

		if (k == NULL) {
			g_warning("%s: [%s] unknown key %s=, ignoring it",
				  path,
				  HC_DAEMON_CONFIG_GROUP,
				  keys[i]);
			continue;
		}
		if (!hc_config_parse_key(kf, k, config, &error))
			g_warning("%s: %s=: %s, keeping the default", path, k->key, error->message);
	}
}

HcDaemonConfig *
hc_daemon_config_load(const char *path, GError **error)
{
	g_autoptr(HcDaemonConfig) config = hc_daemon_config_new();
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) local = NULL;

	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &local)) {
		if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
			g_debug("%s does not exist: built-in defaults", path);
			return g_steal_pointer(&config);
		}
		g_propagate_prefixed_error(error, g_steal_pointer(&local), "%s: ", path);
		return NULL;
	}
	hc_config_apply(kf, path, config);
	return g_steal_pointer(&config);
}

char *
hc_daemon_config_probe_hash(const HcDaemonConfig *config)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
	g_autofree char *disabled = g_strjoinv(",", config->disabled_probes);
	g_autofree char *qemu = g_strjoinv(";", config->qemu_binaries);
	g_autofree char *text =
	    g_strdup_printf("DisabledProbes=%s\nProbeTimeoutSec=%u\nQemuUser=%s\n%s%s%s%s",
			    disabled,
			    config->probe_timeout_sec,
			    config->qemu_user,
			    /* only when set: caches written before the key existed stay valid */
			    config->vfio_open_devices ? "VfioOpenDevices=yes\n" : "",
			    qemu[0] != '\0' ? "QemuBinary=" : "",
			    qemu,
			    qemu[0] != '\0' ? "\n" : "");

	g_checksum_update(sum, (const guchar *)text, -1);
	return g_strdup_printf("sha256:%s", g_checksum_get_string(sum));
}
