/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * hostcapd.conf(5): the [Daemon] group of /etc/hostcapd/hostcapd.conf, a GKeyFile. Every key
 * has its default here, in code; a missing file means all defaults. A value that does not
 * parse, an unknown key or an unknown group is warned about and ignored (the default stays);
 * only a file that is not a key file at all is an error, so that a reload can keep the
 * configuration that worked. (Named hc-daemon-config, not hc-config: that is the generated
 * build configuration header.)
 */
typedef struct {
	char **disabled_probes;	 /* NULL-terminated, never NULL */
	guint probe_timeout_sec; /* 0 = the engine's default */
	char *qemu_user;	 /* never NULL */
	char **qemu_binaries;	 /* QemuBinary=: searched first; NULL-terminated, never NULL */
	char *admin_group;	 /* "" = Refresh is for root only */
	guint refresh_limit_per_minute; /* per caller; 0 = no limit */
	guint64 history_max_bytes;	/* history.jsonl is trimmed to stay below */
	char *prometheus_file;		/* "" = no Prometheus textfile export */
	char *nfd_feature_file;		/* "" = no NFD feature file */
	gboolean vfio_open_devices;	/* deliberate passes may open vfio groups and devices */
	guint check_workers;		/* threads for CheckBootable/CheckMigration */
	guint checks_per_user;		/* checks in flight per caller uid; 0 = no limit */
	guint event_min_interval_sec;	/* per probe, between event-driven re-runs */
} HcDaemonConfig;

#define HC_DAEMON_CONFIG_GROUP			 "Daemon"
#define HC_DAEMON_CONFIG_DEFAULT_ADMIN_GROUP	 "hostcapd"
#define HC_DAEMON_CONFIG_DEFAULT_REFRESH_LIMIT	 10
#define HC_DAEMON_CONFIG_DEFAULT_HISTORY_BYTES	 (1024 * 1024)
#define HC_DAEMON_CONFIG_MIN_HISTORY_BYTES	 4096
#define HC_DAEMON_CONFIG_DEFAULT_CHECK_WORKERS	 2
#define HC_DAEMON_CONFIG_DEFAULT_CHECKS_PER_USER 2
#define HC_DAEMON_CONFIG_DEFAULT_EVENT_INTERVAL	 5

/* the built-in defaults; QemuUser is libvirt-qemu when that user exists, else root */
HcDaemonConfig *
hc_daemon_config_new(void);

/**
 * hc_daemon_config_load:
 * @path: the file; a missing file gives the defaults
 *
 * Returns: the configuration, or NULL with @error (naming the file) when the file cannot be
 * read or is not a key file. Bad values and unknown keys are logged as warnings and ignored.
 */
HcDaemonConfig *
hc_daemon_config_load(const char *path, GError **error);
void
hc_daemon_config_free(HcDaemonConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcDaemonConfig, hc_daemon_config_free)

/* the keys of the [Daemon] group this daemon accepts, in table order (a test checks that
 * hostcapd.conf(5) documents each) */
char **
hc_daemon_config_dup_key_names(void);

/* "sha256:…" over the settings that change probe results (DisabledProbes, ProbeTimeoutSec,
 * QemuUser, QemuBinary): the config part of the cache key. AdminGroup and the limits do not count.
 */
char *
hc_daemon_config_probe_hash(const HcDaemonConfig *config);

G_END_DECLS
