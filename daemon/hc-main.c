/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* hostcapd: options, logging, then the daemon runs the loop */
#include <locale.h>
#include <malloc.h>
#include <stdlib.h>
#include <unistd.h>

#include "hc-config.h"

#include "hc-daemon.h"

typedef struct {
	gboolean system;
	gboolean session;
	char *address;
	char *sysroot;
	char *cache_dir;
	char **data_dirs;
	char *config_path;
	char *state_dir;
	int probe_timeout_sec;
	gboolean verbose;
	gboolean version;
} HcMainOptions;

static void
hc_main_options_clear(HcMainOptions *o)
{
	g_free(o->address);
	g_free(o->sysroot);
	g_free(o->cache_dir);
	g_strfreev(o->data_dirs);
	g_free(o->config_path);
	g_free(o->state_dir);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(HcMainOptions, hc_main_options_clear)

static gboolean
hc_main_parse(HcMainOptions *o, int *argc, char ***argv, GError **error)
{
	const GOptionEntry entries[] = {
	    {"system",
	     0,
	     0,
	     G_OPTION_ARG_NONE,
	     &o->system,
	     "Serve on the system bus (default)",
	     NULL},
	    {"session", 0, 0, G_OPTION_ARG_NONE, &o->session, "Serve on the session bus", NULL},
	    {"address", 0, 0, G_OPTION_ARG_STRING, &o->address, "Serve on the bus at ADDR", "ADDR"},
	    {"sysroot",
	     0,
	     0,
	     G_OPTION_ARG_FILENAME,
	     &o->sysroot,
	     "Probe the tree under DIR (default: $HOSTCAPD_SYSROOT)",
	     "DIR"},
	    {"cache-dir",
	     0,
	     0,
	     G_OPTION_ARG_FILENAME,
	     &o->cache_dir,
	     "Snapshot cache directory (default: " HC_CACHEDIR ")",
	     "DIR"},
	    {"data-dir",
	     0,
	     0,
	     G_OPTION_ARG_FILENAME_ARRAY,
	     &o->data_dirs,
	     "Catalogue root, repeatable, lowest priority first (default: " HC_DATADIR
	     " " HC_SYSCONFDIR ")",
	     "DIR"},
	    {"config",
	     0,
	     0,
	     G_OPTION_ARG_FILENAME,
	     &o->config_path,
	     "Configuration file (default: " HC_SYSCONFDIR "/hostcapd.conf)",
	     "FILE"},
	    {"state-dir",
	     0,
	     0,
	     G_OPTION_ARG_FILENAME,
	     &o->state_dir,
	     "History directory (default: " HC_STATEDIR ")",
	     "DIR"},
	    {"probe-timeout-sec",
	     0,
	     0,
	     G_OPTION_ARG_INT,
	     &o->probe_timeout_sec,
	     "Default deadline of one probe",
	     "SEC"},
	    {"verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose, "Log debug messages", NULL},
	    {"version", 0, 0, G_OPTION_ARG_NONE, &o->version, "Print the version and exit", NULL},
	    {NULL},
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- host capability probe daemon");

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, argc, argv, error))
		return FALSE;
	if ((o->system ? 1 : 0) + (o->session ? 1 : 0) + (o->address != NULL ? 1 : 0) > 1) {
		g_set_error_literal(error,
				    G_OPTION_ERROR,
				    G_OPTION_ERROR_BAD_VALUE,
				    "--system, --session and --address exclude each other");
		return FALSE;
	}
	if (o->probe_timeout_sec < 0 || o->probe_timeout_sec > 3600) {
		g_set_error(error,
			    G_OPTION_ERROR,
			    G_OPTION_ERROR_BAD_VALUE,
			    "--probe-timeout-sec: %d is not within 0..3600",
			    o->probe_timeout_sec);
		return FALSE;
	}
	if (o->sysroot == NULL)
		o->sysroot = g_strdup(g_getenv("HOSTCAPD_SYSROOT"));
	return TRUE;
}

/* the journal when stderr is connected to it (running under systemd), stderr otherwise */
static GLogWriterOutput
hc_main_log_writer(GLogLevelFlags level,
		   const GLogField *fields,
		   gsize n_fields,
		   gpointer user_data)
{
	static int to_journal = -1;

	if (g_log_writer_default_would_drop(level, G_LOG_DOMAIN))
		return G_LOG_WRITER_HANDLED;
	if (to_journal < 0)
		to_journal = g_log_writer_is_journald(STDERR_FILENO) ? 1 : 0;
	if (to_journal == 1 &&
	    g_log_writer_journald(level, fields, n_fields, user_data) == G_LOG_WRITER_HANDLED)
		return G_LOG_WRITER_HANDLED;
	return g_log_writer_standard_streams(level, fields, n_fields, user_data);
}

int
main(int argc, char **argv)
{
	g_auto(HcMainOptions) o = {0};
	g_autoptr(HcDaemon) daemon = NULL;
	g_autoptr(GError) error = NULL;
	HcDaemonOptions opts = {0};

	/* glibc raises its mmap threshold to the largest mmapped chunk freed, so after one
	 * rejected oversize request (a 4 MiB target snapshot) later ones come from the heap
	 * and stay there; a fixed threshold turns that adjustment off */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	/* one arena: probe workers are short-lived and allocate little, and an arena per worker
	 * thread stays mapped after it exits (about 1 MiB of idle RSS measured) */
	mallopt(M_ARENA_MAX, 1);
	setlocale(LC_ALL, "");
	g_log_set_writer_func(hc_main_log_writer, NULL, NULL);
	if (!hc_main_parse(&o, &argc, &argv, &error)) {
		g_printerr("hostcapd: %s\n", error->message);
		return EXIT_FAILURE;
	}
	if (o.version) {
		g_print("hostcapd %s\n", HC_VERSION);
		return EXIT_SUCCESS;
	}
	if (o.verbose)
		g_log_set_debug_enabled(TRUE);

	opts.bus_kind = o.address != NULL ? HC_BUS_KIND_ADDRESS
			: o.session	  ? HC_BUS_KIND_SESSION
					  : HC_BUS_KIND_SYSTEM;
	opts.address = o.address;
	opts.sysroot = o.sysroot;
	opts.cache_dir = o.cache_dir;
	opts.data_dirs = (const char *const *)o.data_dirs;
	opts.probe_timeout_sec = (guint)o.probe_timeout_sec;
	opts.config_path = o.config_path;
	opts.state_dir = o.state_dir;

	daemon = hc_daemon_new(&opts, &error);
	if (daemon == NULL || !hc_daemon_run(daemon, &error)) {
		g_warning("%s", error->message);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
