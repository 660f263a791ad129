/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hc-soak: N client threads, one connection each, cycling for a fixed time through every
 * hostcapd method mixed with invalid input: bad JSON, unknown features, oversize requests,
 * wrong signatures, and clients that hang up while their call is in flight. A valid call
 * must succeed with a well-formed reply; an invalid one must fail with exactly the error the
 * API promises (DESIGN §8). Prints one JSON object; exits 1 on any failure.
 */
#include <errno.h>
#include <stdio.h>

#include "hostcap/hc-dbus.h"

#include "hc-bench-calls.h"

/* failures printed as they happen; the rest only counted */
#define HC_SOAK_MAX_PRINTED 20

typedef struct {
	const char *name;
	guint weight;		  /* times it appears in one cycle of the schedule */
	const char *base;	  /* the bench call it starts from */
	const char *member;	  /* replaces the base member when set */
	HcBenchAppendFunc append; /* replaces the base arguments when set */
	const char *expect_error; /* NULL: must succeed and pass the base call's check */
	const char *also_error;	  /* an error that is a right answer too */
	gboolean disconnect;	  /* send on a fresh connection and hang up without waiting */
} HcSoakCase;

static int
hc_soak_append_unknown_cap(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "asa{sv}", 1, "no.such.capability", 0);
}

static int
hc_soak_append_bad_pattern(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "asa{sv}", 1, "Not An Id!", 0);
}

static int
hc_soak_append_unknown_option(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "asa{sv}", 1, in->cap, 1, "NoSuchOption", "b", 1);
}

static int
hc_soak_append_bad_json(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "sa{sv}", "{\"features\": {\"accel.kvm\": tru", 0);
}

static int
hc_soak_append_not_object(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "sa{sv}", "[1, 2, 3]", 0);
}

static int
hc_soak_append_unknown_feature(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "sa{sv}", "{\"features\": {\"no.such.feature\": true}}", 0);
}

static int
hc_soak_append_oversize_spec(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "sa{sv}", in->oversize_spec, 0);
}

static int
hc_soak_append_deep_spec(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "sa{sv}", in->deep_spec, 0);
}

static int
hc_soak_append_bad_target(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "ssa{sv}", in->spec, "{\"format\": \"hostcapd-snap", 0);
}

static int
hc_soak_append_oversize_target(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "ssa{sv}", in->spec, in->oversize_target, 0);
}

static int
hc_soak_append_wrong_signature(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "i", 42);
}

static int
hc_soak_append_unknown_probe(sd_bus_message *m, const HcBenchInputs *in)
{
	return sd_bus_message_append(m, "as", 1, "no-such-probe");
}

static const HcSoakCase hc_soak_cases[] = {
    {"ping", 2, "ping"},
    {"getcap-one", 4, "getcap-one"},
    {"getcap-all", 1, "getcap-all"},
    {"describe", 1, "describe"},
    {"check-bootable", 4, "check-bootable"},
    {"check-migration", 3, "check-migration"},
    /* Refresh may be refused while a pass runs: Busy is a right answer */
    {"refresh", 1, "refresh", NULL, NULL, NULL, HC_DBUS_ERROR_BUSY},
    {"getcap-unknown-id",
     1,
     "getcap-one",
     NULL,
     hc_soak_append_unknown_cap,
     HC_DBUS_ERROR_UNKNOWN_FEATURE},
    {"getcap-bad-pattern",
     1,
     "getcap-one",
     NULL,
     hc_soak_append_bad_pattern,
     HC_DBUS_ERROR_INVALID_ARGUMENT},
    {"getcap-unknown-option",
     1,
     "getcap-one",
     NULL,
     hc_soak_append_unknown_option,
     HC_DBUS_ERROR_INVALID_ARGUMENT},
    {"bootable-bad-json",
     1,
     "check-bootable",
     NULL,
     hc_soak_append_bad_json,
     HC_DBUS_ERROR_INVALID_ARGUMENT},
    {"bootable-not-object",
     1,
     "check-bootable",
     NULL,
     hc_soak_append_not_object,
     HC_DBUS_ERROR_INVALID_ARGUMENT},
    {"bootable-unknown-feature",
     1,
     "check-bootable",
     NULL,
     hc_soak_append_unknown_feature,
     HC_DBUS_ERROR_UNKNOWN_FEATURE},
    {"bootable-oversize",
     1,
     "check-bootable",
     NULL,
     hc_soak_append_oversize_spec,
     HC_DBUS_ERROR_INVALID_ARGUMENT},
    {"bootable-deep-nesting",
     1,
     "check-bootable",
     NULL,
     hc_soak_append_deep_spec,
     HC_DBUS_ERROR_INVALID_ARGUMENT},
    {"migration-bad-target",
     1,
     "check-migration",
     NULL,
     hc_soak_append_bad_target,
     HC_DBUS_ERROR_INVALID_ARGUMENT},
    {"migration-oversize-target",
     1,
     "check-migration",
     NULL,
     hc_soak_append_oversize_target,
     HC_DBUS_ERROR_INVALID_ARGUMENT},
    /* arguments are judged before the rate limit: the specific error, never Busy */
    {"refresh-unknown-probe",
     1,
     "refresh",
     NULL,
     hc_soak_append_unknown_probe,
     HC_DBUS_ERROR_INVALID_ARGUMENT},
    {"bootable-wrong-signature",
     1,
     "check-bootable",
     NULL,
     hc_soak_append_wrong_signature,
     SD_BUS_ERROR_INVALID_ARGS},
    {"unknown-method", 1, "ping", "NoSuchMethod", NULL, SD_BUS_ERROR_UNKNOWN_METHOD},
    {"hangup-during-bootable", 1, "check-bootable", .disconnect = TRUE},
    {"hangup-during-describe", 1, "describe", .disconnect = TRUE},
    {"hangup-during-refresh", 1, "refresh", .disconnect = TRUE},
};

typedef struct {
	guint64 passed;
	guint64 failed;
	char *first_failure;
} HcSoakTally;

typedef struct {
	const char *address;
	const HcBenchInputs *inputs;
	GArray *schedule; /* guint indexes into hc_soak_cases, by weight */
	gint64 deadline_nsec;
	gint printed;
} HcSoakShared;

typedef struct {
	HcSoakShared *shared;
	guint index;
	HcSoakTally tally[G_N_ELEMENTS(hc_soak_cases)];
	char *connect_error;
} HcSoakWorker;

/* the call a case makes: its base call with the case's overrides */
static HcBenchCall
hc_soak_case_call(const HcSoakCase *c)
{
	HcBenchCall call = *hc_bench_call_lookup(c->base);

	if (c->member != NULL)
		call.member = c->member;
	if (c->append != NULL)
		call.append = c->append;
	return call;
}

/* a client that hangs up with its call in flight: the daemon must shrug it off */
static gboolean
hc_soak_hangup(HcSoakShared *s, const HcBenchCall *call, GString *why)
{
	g_autoptr(sd_bus) bus = NULL;
	g_autoptr(sd_bus_message) m = NULL;
	int r;

	r = hc_bench_bus_open(s->address, &bus);
	if (r >= 0)
		r = sd_bus_message_new_method_call(bus,
						   &m,
						   call->destination,
						   call->path,
						   call->interface,
						   call->member);
	if (r >= 0)
		r = call->append(m, s->inputs);
	if (r >= 0)
		r = sd_bus_send(bus, m, NULL);
	if (r >= 0)
		r = sd_bus_flush(bus);
	if (r < 0) {
		g_string_append_printf(why, "could not send: %s", g_strerror(-r));
		return FALSE;
	}
	return TRUE;
}

static gboolean
hc_soak_one(HcSoakShared *s, sd_bus *bus, const HcSoakCase *c, GString *why)
{
	HcBenchCall call = hc_soak_case_call(c);
	sd_bus_error e = SD_BUS_ERROR_NULL;
	g_autoptr(sd_bus_message) reply = NULL;
	gboolean ok;
	int r;

	if (c->disconnect)
		return hc_soak_hangup(s, &call, why);
	r = hc_bench_call_run(bus, &call, s->inputs, &e, &reply);
	if (r >= 0 && c->expect_error == NULL) {
		ok = call.check(reply, s->inputs, why);
	} else if (r >= 0) {
		g_string_append_printf(why, "succeeded, expected %s", c->expect_error);
		ok = FALSE;
	} else if (e.name == NULL) {
		g_string_append_printf(why, "call failed: %s", g_strerror(-r));
		ok = FALSE;
	} else {
		ok = g_strcmp0(e.name, c->expect_error) == 0 ||
		     g_strcmp0(e.name, c->also_error) == 0;
		if (!ok)
			g_string_append_printf(why,
					       "%s (%s), expected %s",
					       e.name,
					       e.message,
					       c->expect_error != NULL ? c->expect_error
								       : "success");
	}
	sd_bus_error_free(&e);
	return ok;
}

static gpointer
hc_soak_worker_run(gpointer data)
{
	HcSoakWorker *w = data;
	HcSoakShared *s = w->shared;
	g_autoptr(sd_bus) bus = NULL;
	int r = hc_bench_bus_open(s->address, &bus);

	if (r < 0) {
		w->connect_error = g_strdup_printf("connect %s: %s", s->address, g_strerror(-r));
		return NULL;
	}
	/* bounded by the deadline and by a cap no real run reaches */
	for (guint64 i = 0; i < G_MAXUINT32 && hc_bench_now_nsec() < s->deadline_nsec; i++) {
		guint k = g_array_index(s->schedule, guint, (i + w->index * 7) % s->schedule->len);
		const HcSoakCase *c = &hc_soak_cases[k];
		g_autoptr(GString) why = g_string_new(NULL);

		if (hc_soak_one(s, bus, c, why)) {
			w->tally[k].passed++;
			continue;
		}
		w->tally[k].failed++;
		if (w->tally[k].first_failure == NULL)
			w->tally[k].first_failure = g_strdup(why->str);
		if (g_atomic_int_add(&s->printed, 1) < HC_SOAK_MAX_PRINTED)
			fprintf(stderr,
				"hc-soak: client %u: %s: %s\n",
				w->index,
				c->name,
				why->str);
	}
	return NULL;
}

static void
hc_soak_report(HcSoakWorker *workers, int n_clients, double seconds, guint64 *failed_out)
{
	guint64 passed = 0;
	guint64 failed = 0;

	printf("{\"soak\": {\"clients\": %d, \"seconds\": %.1f, \"cases\": {", n_clients, seconds);
	for (guint k = 0; k < G_N_ELEMENTS(hc_soak_cases); k++) {
		HcSoakTally t = {0};

		for (int i = 0; i < n_clients; i++) {
			t.passed += workers[i].tally[k].passed;
			t.failed += workers[i].tally[k].failed;
			if (t.first_failure == NULL)
				t.first_failure = workers[i].tally[k].first_failure;
		}
		printf("%s\n  \"%s\": {\"expect\": \"%s\", \"passed\": %" G_GUINT64_FORMAT
		       ", \"failed\": %" G_GUINT64_FORMAT,
		       k == 0 ? "" : ",",
		       hc_soak_cases[k].name,
		       hc_soak_cases[k].disconnect	       ? "hang up"
		       : hc_soak_cases[k].expect_error != NULL ? hc_soak_cases[k].expect_error
							       : "success",
		       t.passed,
		       t.failed);
		if (t.first_failure != NULL) {
			g_autofree char *esc = g_strescape(t.first_failure, NULL);
			printf(", \"first_failure\": \"%s\"", esc);
		}
		printf("}");
		passed += t.passed;
		failed += t.failed;
	}
	for (int i = 0; i < n_clients; i++) {
		if (workers[i].connect_error != NULL) {
			fprintf(stderr, "hc-soak: client %d: %s\n", i, workers[i].connect_error);
			failed++;
		}
	}
	printf("\n}, \"passed\": %" G_GUINT64_FORMAT ", \"failed\": %" G_GUINT64_FORMAT "}}\n",
	       passed,
	       failed);
	*failed_out = failed;
}

int
main(int argc, char **argv)
{
	g_autofree char *address = NULL;
	g_autofree char *cap = NULL;
	g_autofree char *spec = NULL;
	g_autofree char *target = NULL;
	g_autofree char *only = NULL;
	int clients = 16;
	double seconds = 60;
	const GOptionEntry entries[] = {
	    {"address", 0, 0, G_OPTION_ARG_STRING, &address, "bus address", "ADDR"},
	    {"cap", 0, 0, G_OPTION_ARG_STRING, &cap, "a capability id this host has", "ID"},
	    {"spec", 0, 0, G_OPTION_ARG_FILENAME, &spec, "valid VM spec JSON", "FILE"},
	    {"target", 0, 0, G_OPTION_ARG_FILENAME, &target, "valid target snapshot", "FILE"},
	    {"clients", 0, 0, G_OPTION_ARG_INT, &clients, "client connections (16)", "N"},
	    {"seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "duration (60)", "S"},
	    {"cases",
	     0,
	     0,
	     G_OPTION_ARG_STRING,
	     &only,
	     "only these cases, comma separated",
	     "LIST"},
	    {NULL},
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- soak hostcapd");
	g_autoptr(GError) error = NULL;
	g_autoptr(HcBenchInputs) in = NULL;
	g_autoptr(GArray) schedule = g_array_new(FALSE, FALSE, sizeof(guint));
	g_autofree HcSoakWorker *workers = NULL;
	g_autofree GThread **threads = NULL;
	HcSoakShared s = {0};
	guint64 failed = 0;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || address == NULL || clients < 1 ||
	    seconds <= 0) {
		fprintf(stderr, "hc-soak: %s\n", error != NULL ? error->message : "need --address");
		return 2;
	}
	in = hc_bench_inputs_new(cap, spec, target, &error);
	if (in == NULL) {
		fprintf(stderr, "hc-soak: %s\n", error->message);
		return 2;
	}
	for (guint k = 0; k < G_N_ELEMENTS(hc_soak_cases); k++) {
		g_auto(GStrv) names = only != NULL ? g_strsplit(only, ",", -1) : NULL;

		if (names != NULL &&
		    !g_strv_contains((const char *const *)names, hc_soak_cases[k].name))
			continue;
		for (guint j = 0; j < hc_soak_cases[k].weight; j++)
			g_array_append_val(schedule, k);
	}
	if (schedule->len == 0) {
		fprintf(stderr, "hc-soak: --cases selects no case\n");
		return 2;
	}
	s.address = address;
	s.inputs = in;
	s.schedule = schedule;
	s.deadline_nsec = hc_bench_now_nsec() + (gint64)(seconds * 1e9);
	workers = g_new0(HcSoakWorker, clients);
	threads = g_new0(GThread *, clients);
	for (int i = 0; i < clients; i++) {
		workers[i].shared = &s;
		workers[i].index = i;
		threads[i] = g_thread_new("hc-soak", hc_soak_worker_run, &workers[i]);
	}
	for (int i = 0; i < clients; i++)
		g_thread_join(threads[i]);
	hc_soak_report(workers, clients, seconds, &failed);
	for (int i = 0; i < clients; i++) {
		g_free(workers[i].connect_error);
		for (guint k = 0; k < G_N_ELEMENTS(hc_soak_cases); k++)
			g_free(workers[i].tally[k].first_failure);
	}
	return failed > 0 ? 1 : 0;
}
