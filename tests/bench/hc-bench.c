/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hc-bench: the benchmark's D-Bus client, sd-bus used directly. Verbs:
 *   latency    one connection, each call N times in interleaved rounds: p50/p99 per call
 *   throughput K client threads, one connection each, synchronous calls: calls per second
 * Prints one JSON object on stdout; scripts/bench turns it into the table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <gio/gio.h>

#include "hc-bench-calls.h"

typedef struct {
	char *address;
	char *calls;
	char *cap;
	char *spec;
	char *target;
	int count;
	int rounds;
	int warmup;
	int clients;
	int echo_bytes;
	double seconds;
} HcBenchOptions;

static void
hc_bench_options_clear(HcBenchOptions *o)
{
	g_free(o->address);
	g_free(o->calls);
	g_free(o->cap);
	g_free(o->spec);
	g_free(o->target);
}

static GPtrArray *
hc_bench_parse_calls(const char *list, GError **error)
{
	g_auto(GStrv) names = g_strsplit(list != NULL ? list : "", ",", -1);
	g_autoptr(GPtrArray) calls = g_ptr_array_new();

	for (guint i = 0; names[i] != NULL; i++) {
		const HcBenchCall *call = hc_bench_call_lookup(names[i]);

		if (call == NULL) {
			g_set_error(error,
				    G_OPTION_ERROR,
				    G_OPTION_ERROR_BAD_VALUE,
				    "unknown call \"%s\"",
				    names[i]);
			return NULL;
		}
		g_ptr_array_add(calls, (gpointer)call);
	}
	if (calls->len == 0) {
		g_set_error_literal(error,
				    G_OPTION_ERROR,
				    G_OPTION_ERROR_BAD_VALUE,
				    "--calls names no call");
		return NULL;
	}
	return g_steal_pointer(&calls);
}

/* one call, checked: a benchmark of error replies would measure the wrong thing */
static gboolean
hc_bench_call_checked(sd_bus *bus, const HcBenchCall *call, const HcBenchInputs *in, GError **error)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	g_autoptr(sd_bus_message) reply = NULL;
	g_autoptr(GString) why = g_string_new(NULL);
	int r;

	r = hc_bench_call_run(bus, call, in, &e, &reply);
	if (r < 0) {
		g_set_error(error,
			    G_IO_ERROR,
			    G_IO_ERROR_FAILED,
			    "%s: %s: %s",
			    call->name,
			    e.name != NULL ? e.name : "call failed",
			    e.message != NULL ? e.message : g_strerror(-r));
		sd_bus_error_free(&e);
		return FALSE;
	}
	if (!call->check(reply, in, why)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", call->name, why->str);
		return FALSE;
	}
	return TRUE;
}

static int
hc_bench_cmp_i64(gconstpointer a, gconstpointer b)
{
	gint64 x = *(const gint64 *)a;
	gint64 y = *(const gint64 *)b;

	return (x > y) - (x < y);
}

/* nearest-rank percentile of sorted samples */
static double
hc_bench_percentile_usec(GArray *sorted, double pct)
{
	guint rank = (guint)(pct / 100.0 * sorted->len + 0.999999);

	rank = CLAMP(rank, 1, sorted->len);
	return g_array_index(sorted, gint64, rank - 1) / 1000.0;
}

static gboolean
hc_bench_latency(const HcBenchOptions *o, const HcBenchInputs *in, GError **error)
{
	g_autoptr(GPtrArray) calls = hc_bench_parse_calls(o->calls, error);
	g_autoptr(sd_bus) bus = NULL;
	g_autoptr(GPtrArray) samples =
	    g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
	int per_round = MAX(1, o->count / MAX(1, o->rounds));
	int r;

	if (calls == NULL)
		return FALSE;
	r = hc_bench_bus_open(o->address, &bus);
	if (r < 0) {
		g_set_error(error,
			    G_IO_ERROR,
			    g_io_error_from_errno(-r),
			    "connect %s: %s",
			    o->address,
			    g_strerror(-r));
		return FALSE;
	}
	for (guint c = 0; c < calls->len; c++) {
		g_ptr_array_add(samples, g_array_sized_new(FALSE, FALSE, sizeof(gint64), o->count));
		for (int i = 0; i < o->warmup; i++) {
			if (!hc_bench_call_checked(bus, calls->pdata[c], in, error))
				return FALSE;
		}
	}
	/* interleaved rounds: drift in the machine's state (frequency, other load) lands on every
	 * call alike instead of on whichever ran last */
	for (int round = 0; round < o->rounds; round++) {
		for (guint c = 0; c < calls->len; c++) {
			GArray *arr = samples->pdata[c];

			for (int i = 0; i < per_round; i++) {
				gint64 t0 = hc_bench_now_nsec();
				gint64 dt;

				if (!hc_bench_call_checked(bus, calls->pdata[c], in, error))
					return FALSE;
				dt = hc_bench_now_nsec() - t0;
				g_array_append_val(arr, dt);
			}
		}
	}
	printf("{\"latency\": {");
	for (guint c = 0; c < calls->len; c++) {
		const HcBenchCall *call = calls->pdata[c];
		GArray *arr = samples->pdata[c];
		double sum = 0;

		g_array_sort(arr, hc_bench_cmp_i64);
		for (guint i = 0; i < arr->len; i++)
			sum += g_array_index(arr, gint64, i);
		printf("%s\n  \"%s\": {\"n\": %u, \"min_usec\": %.1f, \"p50_usec\": %.1f, "
		       "\"p90_usec\": %.1f, \"p99_usec\": %.1f, \"mean_usec\": %.1f}",
		       c == 0 ? "" : ",",
		       call->name,
		       arr->len,
		       g_array_index(arr, gint64, 0) / 1000.0,
		       hc_bench_percentile_usec(arr, 50),
		       hc_bench_percentile_usec(arr, 90),
		       hc_bench_percentile_usec(arr, 99),
		       sum / arr->len / 1000.0);
	}
	printf("\n}}\n");
	return TRUE;
}

typedef struct {
	const HcBenchOptions *options;
	const HcBenchInputs *inputs;
	GPtrArray *calls;
	GMutex lock;
	GCond cond;
	int n_connected;
	int n_failed_connect;
	gboolean go;
	gint64 deadline_nsec;
} HcBenchShared;

typedef struct {
	HcBenchShared *shared;
	guint index;
	guint64 ok;
	guint64 failed;
	char *first_error;
} HcBenchWorker;

/* connect, then wait until every client is connected so they all start together */
static gboolean
hc_bench_worker_start(HcBenchWorker *w, sd_bus **bus)
{
	HcBenchShared *s = w->shared;
	int r = hc_bench_bus_open(s->options->address, bus);

	g_mutex_lock(&s->lock);
	if (r < 0) {
		s->n_failed_connect++;
		w->first_error = g_strdup_printf("connect: %s", g_strerror(-r));
	} else {
		s->n_connected++;
	}
	g_cond_broadcast(&s->cond);
	while (!s->go)
		g_cond_wait(&s->cond, &s->lock);
	g_mutex_unlock(&s->lock);
	return r >= 0;
}

static gpointer
hc_bench_worker_run(gpointer data)
{
	HcBenchWorker *w = data;
	HcBenchShared *s = w->shared;
	g_autoptr(sd_bus) bus = NULL;
	/* each client does its share of --count, or runs to the deadline */
	guint64 quota = s->options->count > 0 ? (guint64)s->options->count / s->options->clients
					      : G_MAXUINT64;

	if (!hc_bench_worker_start(w, &bus))
		return NULL;
	for (guint64 i = 0; i < quota; i++) {
		const HcBenchCall *call = s->calls->pdata[(i + w->index) % s->calls->len];
		g_autoptr(GError) error = NULL;

		if (s->options->count <= 0 && hc_bench_now_nsec() >= s->deadline_nsec)
			break;
		if (hc_bench_call_checked(bus, call, s->inputs, &error)) {
			w->ok++;
		} else {
			w->failed++;
			if (w->first_error == NULL)
				w->first_error = g_strdup(error->message);
		}
	}
	return NULL;
}

static gboolean
hc_bench_throughput(const HcBenchOptions *o, const HcBenchInputs *in, GError **error)
{
	HcBenchShared s = {.options = o, .inputs = in};
	g_autofree HcBenchWorker *workers = NULL;
	g_autofree GThread **threads = NULL;
	guint64 ok = 0;
	guint64 failed = 0;
	const char *first_error = NULL;
	gint64 t0;
	gint64 elapsed;

	s.calls = hc_bench_parse_calls(o->calls, error);
	if (s.calls == NULL)
		return FALSE;
	g_mutex_init(&s.lock);
	g_cond_init(&s.cond);
	workers = g_new0(HcBenchWorker, o->clients);
	threads = g_new0(GThread *, o->clients);
	for (int i = 0; i < o->clients; i++) {
		workers[i].shared = &s;
		workers[i].index = i;
		threads[i] = g_thread_new("hc-bench", hc_bench_worker_run, &workers[i]);
	}
	g_mutex_lock(&s.lock);
	while (s.n_connected + s.n_failed_connect < o->clients)
		g_cond_wait(&s.cond, &s.lock);
	t0 = hc_bench_now_nsec();
	s.deadline_nsec = t0 + (gint64)(o->seconds * 1e9);
	s.go = TRUE;
	g_cond_broadcast(&s.cond);
	g_mutex_unlock(&s.lock);
	for (int i = 0; i < o->clients; i++)
		g_thread_join(threads[i]);
	elapsed = hc_bench_now_nsec() - t0;
	for (int i = 0; i < o->clients; i++) {
		ok += workers[i].ok;
		failed += workers[i].failed;
		if (first_error == NULL)
			first_error = workers[i].first_error;
	}
	printf("{\"throughput\": {\"calls\": \"%s\", \"clients\": %d, \"ok\": %" G_GUINT64_FORMAT
	       ", \"failed\": %" G_GUINT64_FORMAT ", \"seconds\": %.3f, \"calls_per_sec\": %.1f",
	       o->calls,
	       o->clients,
	       ok,
	       failed,
	       elapsed / 1e9,
	       ok / (elapsed / 1e9));
	if (first_error != NULL) {
		g_autofree char *escaped = g_strescape(first_error, NULL);

		printf(", \"first_error\": \"%s\"", escaped);
	}
	printf("}}\n");
	/* the message is read before the workers' copies are freed */
	if (s.n_failed_connect > 0 || failed > 0)
		g_set_error(error,
			    G_IO_ERROR,
			    G_IO_ERROR_FAILED,
			    "%d clients could not connect, %" G_GUINT64_FORMAT " calls failed: %s",
			    s.n_failed_connect,
			    failed,
			    first_error != NULL ? first_error : "");
	for (int i = 0; i < o->clients; i++)
		g_free(workers[i].first_error);
	g_ptr_array_unref(s.calls);
	g_mutex_clear(&s.lock);
	g_cond_clear(&s.cond);
	return s.n_failed_connect == 0 && failed == 0;
}

typedef gboolean (*HcBenchVerbFunc)(const HcBenchOptions *o,
				    const HcBenchInputs *in,
				    GError **error);

static const struct {
	const char *name;
	HcBenchVerbFunc func;
} hc_bench_verbs[] = {
    {"latency", hc_bench_latency},
    {"throughput", hc_bench_throughput},
};

int
main(int argc, char **argv)
{
	HcBenchOptions o = {.count = -1, .rounds = 10, .warmup = 100, .clients = 1, .seconds = 3};
	const GOptionEntry entries[] = {
	    {"address", 0, 0, G_OPTION_ARG_STRING, &o.address, "bus address", "ADDR"},
	    {"calls", 0, 0, G_OPTION_ARG_STRING, &o.calls, "calls, comma separated", "LIST"},
	    {"cap", 0, 0, G_OPTION_ARG_STRING, &o.cap, "capability id of getcap-one", "ID"},
	    {"spec", 0, 0, G_OPTION_ARG_FILENAME, &o.spec, "VM spec JSON", "FILE"},
	    {"target", 0, 0, G_OPTION_ARG_FILENAME, &o.target, "target snapshot JSON", "FILE"},
	    {"count",
	     0,
	     0,
	     G_OPTION_ARG_INT,
	     &o.count,
	     "latency: per call; throughput: in all, else --seconds",
	     "N"},
	    {"rounds", 0, 0, G_OPTION_ARG_INT, &o.rounds, "latency rounds", "N"},
	    {"warmup", 0, 0, G_OPTION_ARG_INT, &o.warmup, "latency warm-up calls", "N"},
	    {"clients", 0, 0, G_OPTION_ARG_INT, &o.clients, "client connections", "N"},
	    {"seconds", 0, 0, G_OPTION_ARG_DOUBLE, &o.seconds, "throughput duration", "S"},
	    {"echo-bytes", 0, 0, G_OPTION_ARG_INT, &o.echo_bytes, "Echo(s) payload size", "N"},
	    {NULL},
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("latency|throughput");
	g_autoptr(GError) error = NULL;
	g_autoptr(HcBenchInputs) in = NULL;
	HcBenchVerbFunc verb = NULL;
	gboolean ok;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "hc-bench: %s\n", error->message);
		return 2;
	}
	for (guint i = 0; argc == 2 && i < G_N_ELEMENTS(hc_bench_verbs); i++) {
		if (g_strcmp0(argv[1], hc_bench_verbs[i].name) == 0)
			verb = hc_bench_verbs[i].func;
	}
	if (o.count < 0)
		o.count = verb == hc_bench_latency ? 2000 : 0;
	if (verb == NULL || o.address == NULL || o.clients < 1 || o.rounds < 1) {
		g_autofree char *help = g_option_context_get_help(ctx, TRUE, NULL);

		fprintf(stderr, "%s", help);
		hc_bench_options_clear(&o);
		return 2;
	}
	in = hc_bench_inputs_new(o.cap, o.spec, o.target, &error);
	/* the transport floor for a reply of that size: what D-Bus alone costs for the bytes */
	if (in != NULL && o.echo_bytes > 0) {
		g_free(in->echo_text);
		in->echo_text = g_strnfill(o.echo_bytes, 'x');
	}
	ok = in != NULL && verb(&o, in, &error);
	hc_bench_options_clear(&o);
	if (!ok) {
		fprintf(stderr, "hc-bench: %s\n", error->message);
		return 1;
	}
	return 0;
}
