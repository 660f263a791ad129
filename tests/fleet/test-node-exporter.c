/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The export files against their real consumers: the real hostcapd on a private bus writes
 * PrometheusFile= and NfdFeatureFile=; Debian's prometheus-node-exporter reads the first with
 * its textfile collector and is scraped over HTTP on loopback; promtool (when installed)
 * lints it; every NFD line is checked against NFD's rules. A Refresh rewrites both files.
 * Without node_exporter the test is skipped (exit 77).
 */
#include <check.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include "hostcap/hc-dbus.h"

#include "hc-test-daemon.h"

#define SKIP_EXIT 77

static char *node_exporter;
static char *promtool;

typedef struct {
	GPid pid;
	int err_fd;
	guint16 port;
} NodeExporter;

/* a loopback port nobody listens on now */
static guint16
free_port(void)
{
	g_autoptr(GSocket) s =
	    g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
	g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
	g_autoptr(GSocketAddress) bound = NULL;

	ck_assert(s != NULL && g_socket_bind(s, any, FALSE, NULL));
	bound = g_socket_get_local_address(s, NULL);
	return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
}

/* starts it and reads its log until it says it listens (no polling of the port) */
static void
node_exporter_start(NodeExporter *ne, const char *textfile_dir)
{
	g_autofree char *dir_arg =
	    g_strdup_printf("--collector.textfile.directory=%s", textfile_dir);
	g_autofree char *listen = NULL;
	g_autoptr(GString) log = g_string_new(NULL);
	g_autoptr(GError) error = NULL;
	gint64 deadline = g_get_monotonic_time() + HC_TEST_TIMEOUT_MSEC * 1000;

	ne->port = free_port();
	listen = g_strdup_printf("--web.listen-address=127.0.0.1:%u", ne->port);
	{
		const char *argv[] = {node_exporter,
				      "--collector.disable-defaults",
				      "--collector.textfile",
				      dir_arg,
				      listen,
				      NULL};
		ck_assert_msg(g_spawn_async_with_pipes(NULL,
						       (char **)argv,
						       NULL,
						       G_SPAWN_DO_NOT_REAP_CHILD,
						       NULL,
						       NULL,
						       &ne->pid,
						       NULL,
						       NULL,
						       &ne->err_fd,
						       &error),
			      "%s",
			      error != NULL ? error->message : "");
	}
	while (strstr(log->str, "Listening on") == NULL) {
		struct pollfd p = {.fd = ne->err_fd, .events = POLLIN};
		char buf[4096];
		gssize n;
		int left = (int)((deadline - g_get_monotonic_time()) / 1000);
		ck_assert_msg(left > 0 && poll(&p, 1, left) == 1, "node_exporter: %s", log->str);
		n = read(ne->err_fd, buf, sizeof(buf));
		ck_assert_msg(n > 0, "node_exporter exited: %s", log->str);
		g_string_append_len(log, buf, n);
	}
}

static void
node_exporter_stop(NodeExporter *ne)
{
	int status;

	kill(ne->pid, SIGTERM);
	waitpid(ne->pid, &status, 0);
	g_spawn_close_pid(ne->pid);
	close(ne->err_fd);
}

/* GET /metrics over HTTP/1.0: the body */
static char *
scrape(guint16 port)
{
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GSocketConnection) conn = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) reply = g_string_new(NULL);
	const char *request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
	GOutputStream *out;
	GInputStream *in;
	char buf[65536];
	gssize n;
	char *body;

	g_socket_client_set_timeout(client, HC_TEST_TIMEOUT_MSEC / 1000);
	conn = g_socket_client_connect_to_host(client, "127.0.0.1", port, NULL, &error);
	ck_assert_msg(conn != NULL, "%s", error != NULL ? error->message : "");
	out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
	in = g_io_stream_get_input_stream(G_IO_STREAM(conn));
	ck_assert(g_output_stream_write_all(out, request, strlen(request), NULL, NULL, &error));
	while ((n = g_input_stream_read(in, buf, sizeof(buf), NULL, &error)) > 0)
		g_string_append_len(reply, buf, n);
	ck_assert_msg(n == 0, "%s", error != NULL ? error->message : "");
	ck_assert_msg(g_str_has_prefix(reply->str, "HTTP/1.0 200") ||
			  g_str_has_prefix(reply->str, "HTTP/1.1 200"),
		      "%.200s",
		      reply->str);
	body = strstr(reply->str, "\r\n\r\n");
	ck_assert(body != NULL);
	return g_strdup(body + 4);
}

/* series (name and labels) → value, of the hostcapd_ and node_textfile_ families */
static GHashTable *
series_of(const char *text)
{
	GHashTable *series = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	for (guint i = 0; lines[i] != NULL; i++) {
		char *sp = strrchr(lines[i], ' ');
		if (lines[i][0] == '#' || sp == NULL ||
		    !(g_str_has_prefix(lines[i], "hostcapd_") ||
		      g_str_has_prefix(lines[i], "node_textfile_")))
			continue;
		g_hash_table_insert(series, g_strndup(lines[i], sp - lines[i]), g_strdup(sp + 1));
	}
	return series;
}

static char *
read_file(const char *path)
{
	char *text = NULL;
	ck_assert_msg(g_file_get_contents(path, &text, NULL, NULL), "%s", path);
	return text;
}

/* NFD: "<dns-subdomain>/<name>=<value>", name and value <= 63 of [A-Za-z0-9] + [-_.] inside */
static void
assert_nfd_file(const char *text, const char *fingerprint)
{
	g_autoptr(GRegex) line_re =
	    g_regex_new("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)/"
			"([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)="
			"(([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?)$",
			0,
			0,
			NULL);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	g_autofree char *want = g_strdup_printf("/fingerprint=%.16s", strchr(fingerprint, ':') + 1);
	gboolean seen = FALSE;
	guint labels = 0;

	ck_assert_uint_lt(strlen(text), 64 * 1024);
	for (guint i = 0; lines[i] != NULL; i++) {
		if (lines[i][0] == '\0' || lines[i][0] == '#')
			continue;
		ck_assert_msg(g_regex_match(line_re, lines[i], 0, NULL), "not NFD: '%s'", lines[i]);
		seen |= g_str_has_suffix(lines[i], want);
		labels++;
	}
	ck_assert_msg(seen, "no %s in\n%s", want, text);
	ck_assert_uint_ge(labels, 2);
}

static void
promtool_check(const char *path)
{
	g_autofree char *cmd = NULL;
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	g_autoptr(GError) error = NULL;
	int status = -1;

	if (promtool == NULL)
		return;
	cmd = g_strdup_printf("'%s' check metrics < '%s'", promtool, path);
	{
		const char *argv[] = {"sh", "-c", cmd, NULL};
		ck_assert(hc_test_run(argv, &out, &err, &status, &error));
	}
	ck_assert_msg(status == 0, "promtool: %s%s", out, err);
}

START_TEST(test_textfile_collector)
{
	g_autoptr(HcTestDaemon) td = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *textdir = NULL;
	g_autofree char *nfddir = NULL;
	g_autofree char *prom = NULL;
	g_autofree char *nfd = NULL;
	g_autofree char *conf = NULL;
	g_autofree char *conf_text = NULL;
	g_autofree char *config_arg = NULL;
	g_autofree char *state_arg = NULL;
	g_autofree char *file1 = NULL;
	g_autofree char *body1 = NULL;
	g_autofree char *body2 = NULL;
	g_autofree char *nfd_text = NULL;
	g_autofree char *out = NULL;
	g_autoptr(GHashTable) want = NULL;
	g_autoptr(GHashTable) got = NULL;
	g_autoptr(GHashTable) got2 = NULL;
	g_autoptr(GVariant) fp = NULL;
	GHashTableIter iter;
	gpointer key, value;
	NodeExporter ne = {0};
	const char *all[] = {"[]", NULL};
	const char *t1, *t2;

	td = hc_test_daemon_new(&error);
	ck_assert_msg(td != NULL, "%s", error != NULL ? error->message : "");
	textdir = hc_test_daemon_path(td, "textfile");
	nfddir = hc_test_daemon_path(td, "features.d");
	ck_assert_int_eq(g_mkdir(textdir, 0755), 0);
	ck_assert_int_eq(g_mkdir(nfddir, 0755), 0);
	prom = g_build_filename(textdir, "hostcapd.prom", NULL);
	nfd = g_build_filename(nfddir, "hostcapd", NULL);
	conf = hc_test_daemon_path(td, "hostcapd.conf");
	conf_text = g_strdup_printf("[Daemon]\nPrometheusFile=%s\nNfdFeatureFile=%s\n", prom, nfd);
	ck_assert(g_file_set_contents(conf, conf_text, -1, NULL));
	config_arg = g_strdup_printf("--config=%s", conf);
	state_arg = g_strdup_printf("--state-dir=%s", hc_test_daemon_path(td, "state"));
	{
		const char *extra[] = {config_arg, state_arg, NULL};
		ck_assert_msg(hc_test_daemon_start(td, extra, &error), "%s", error->message);
	}

	/* READY=1 comes after the first pass, which wrote both files */
	file1 = read_file(prom);
	promtool_check(prom);
	fp = hc_test_daemon_get_property(td, "Fingerprint", &error);
	ck_assert_msg(fp != NULL, "%s", error != NULL ? error->message : "");
	nfd_text = read_file(nfd);
	assert_nfd_file(nfd_text, g_variant_get_string(fp, NULL));

	node_exporter_start(&ne, textdir);
	body1 = scrape(ne.port);
	want = series_of(file1);
	got = series_of(body1);
	ck_assert_uint_gt(g_hash_table_size(want), 20);
	g_hash_table_iter_init(&iter, want);
	while (g_hash_table_iter_next(&iter, &key, &value))
		ck_assert_msg(g_hash_table_contains(got, key), "scrape lacks %s", (char *)key);
	ck_assert_str_eq(g_hash_table_lookup(got, "node_textfile_scrape_error"), "0");

	/* a pass rewrites the file: node_exporter serves the new probe time */
	out = hc_test_daemon_gdbus_call(td, HC_DBUS_INTERFACE ".Refresh", all, &error);
	ck_assert_msg(out != NULL, "%s", error != NULL ? error->message : "");
	body2 = scrape(ne.port);
	got2 = series_of(body2);
	t1 = g_hash_table_lookup(got, "hostcapd_last_probe_timestamp_seconds");
	t2 = g_hash_table_lookup(got2, "hostcapd_last_probe_timestamp_seconds");
	ck_assert(t1 != NULL && t2 != NULL);
	ck_assert_msg(g_ascii_strtod(t2, NULL) > g_ascii_strtod(t1, NULL), "%s -> %s", t1, t2);
	ck_assert(g_hash_table_contains(got2, "hostcapd_last_probe_duration_seconds"));
	ck_assert_str_eq(g_hash_table_lookup(got2, "node_textfile_scrape_error"), "0");
	node_exporter_stop(&ne);
	promtool_check(prom);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fleet");
	TCase *tc = tcase_create("node-exporter");
	SRunner *sr;
	int failed;

	node_exporter = g_find_program_in_path("prometheus-node-exporter");
	if (node_exporter == NULL)
		node_exporter = g_find_program_in_path("node_exporter");
	if (node_exporter == NULL) {
		g_printerr("prometheus-node-exporter is not installed\n");
		return SKIP_EXIT;
	}
	promtool = g_find_program_in_path("promtool");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_textfile_collector);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	g_free(node_exporter);
	g_free(promtool);
	return failed == 0 ? 0 : 1;
}
