/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <systemd/sd-bus.h>

#include "hc-bench-bus.h"

G_BEGIN_DECLS

/* what the calls send; read-only once built, shared by every client thread */
typedef struct {
	char *cap;	     /* the capability id of GetCapabilities(one) */
	char *spec;	     /* VM spec JSON for CheckBootable / CheckMigration */
	char *target;	     /* snapshot JSON, the CheckMigration target ("" = this host) */
	char *echo_text;     /* what Echo(s) sends: as long as a capability id */
	char *oversize_spec; /* well-formed JSON one byte over the spec limit */
	char *deep_spec;     /* well-formed JSON nested past the nesting limit */
	char *oversize_target;
} HcBenchInputs;

void
hc_bench_inputs_free(HcBenchInputs *in);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcBenchInputs, hc_bench_inputs_free)

/* loads @spec_path and @target_path (either may be NULL) and builds the invalid payloads */
HcBenchInputs *
hc_bench_inputs_new(const char *cap,
		    const char *spec_path,
		    const char *target_path,
		    GError **error);

typedef int (*HcBenchAppendFunc)(sd_bus_message *m, const HcBenchInputs *in);
/* FALSE when the reply is not what a valid call must return; says why in @why */
typedef gboolean (*HcBenchCheckFunc)(sd_bus_message *reply, const HcBenchInputs *in, GString *why);

typedef struct {
	const char *name;
	const char *destination;
	const char *path;
	const char *interface;
	const char *member;
	const char *signature; /* of the arguments, for the record */
	HcBenchAppendFunc append;
	HcBenchCheckFunc check;
	const char *description;
} HcBenchCall;

const HcBenchCall *
hc_bench_call_lookup(const char *name);
const HcBenchCall *
hc_bench_calls(guint *n_calls);

/* builds and sends one call and waits for its reply; returns the sd-bus result (negative on
 * failure, @ret_error names a D-Bus error) and hands the reply to @ret_reply when not NULL */
int
hc_bench_call_run(sd_bus *bus,
		  const HcBenchCall *call,
		  const HcBenchInputs *in,
		  sd_bus_error *ret_error,
		  sd_bus_message **ret_reply);

gint64
hc_bench_now_nsec(void);

G_END_DECLS
