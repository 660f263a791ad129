/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CheckBootable, CheckMigration and TranslateSpec: parse and bound the input (a spec, or a
 * domain XML or QEMU command line translated to one, option InputFormat), then hand it to
 * the verdict facade (libhostcap/hc-verdict.h). A "no" is a normal reply, never an error.
 * The checks themselves run on the check pool (hc-check-pool.h): its worker parses the
 * caller's snapshots and evaluates, the reply is sent from the loop thread.
 */
#include <errno.h>

#include "hc-spec.h"
#include "hc-verdict.h"
#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"

#include "hc-access.h"
#include "hc-bus-error.h"
#include "hc-bus-options.h"
#include "hc-bus.h"
#include "hc-check-pool.h"

enum {
	HC_CHECK_MIGRATION_OPTION_SOURCE,
	HC_CHECK_MIGRATION_OPTION_INPUT_FORMAT,
	HC_CHECK_MIGRATION_OPTION_REPLY,
	HC_CHECK_MIGRATION_OPTION_LAST,
};

static const HcBusOptionSpec hc_check_migration_options[] = {
    [HC_CHECK_MIGRATION_OPTION_SOURCE] = {"Source"},
    [HC_CHECK_MIGRATION_OPTION_INPUT_FORMAT] = {"InputFormat"},
    [HC_CHECK_MIGRATION_OPTION_REPLY] = {"Reply"},
};
G_STATIC_ASSERT(G_N_ELEMENTS(hc_check_migration_options) == HC_CHECK_MIGRATION_OPTION_LAST);

/* TranslateSpec takes one option: what the input is; CheckBootable also the reply form */
static const HcBusOptionSpec hc_input_options[] = {{"InputFormat"}};
static const HcBusOptionSpec hc_check_bootable_options[] = {{"InputFormat"}, {"Reply"}};

/* options.Reply: "full" (the default) or "summary" */
static int
hc_bus_reply_form(const char *name, HcReplyForm *form, sd_bus_error *ret_error)
{
	*form = HC_REPLY_FULL;
	if (name == NULL || hc_reply_form_from_string(name, form))
		return 0;
	return hc_bus_error_setf(ret_error,
				 HC_ERROR_INVALID_ARGUMENT,
				 "options.Reply: expected full or summary, got '%s'",
				 name);
}

/* the spec the input stands for: the input itself, or a domain XML or QEMU command line
 * translated; @format is the InputFormat option (NULL: a spec) */
static int
hc_bus_input_to_spec(HcBus *bus,
		     const char *input,
		     const char *format,
		     char **spec,
		     sd_bus_error *ret_error)
{
	g_autoptr(GError) error = NULL;
	HcInputFormat f = HC_INPUT_SPEC;
	HcCatalogue *cat = NULL;
	gsize len = strlen(input);
	int r;

	if (format != NULL && !hc_input_format_from_string(format, &f))
		return hc_bus_error_setf(
		    ret_error,
		    HC_ERROR_INVALID_ARGUMENT,
		    "options.InputFormat: expected spec, domain-xml or qemu-argv, "
		    "got '%s'",
		    format);
	/* a command line's device properties are read through the catalogue's "qemu" fields */
	if (f == HC_INPUT_QEMU_ARGV) {
		r = hc_bus_require_catalogue(bus, &cat, ret_error);
		if (r < 0)
			return r;
	}
	*spec = hc_input_to_spec(cat, f, input, len, &error);
	if (*spec == NULL) {
		g_prefix_error(&error, "spec_json: ");
		return hc_bus_error_set_gerror(ret_error, error);
	}
	return 0;
}

/* a report larger than this is refused: quoted values are already cut, so only a spec
 * built to blow the reply up gets here */
#define HC_BUS_CHECK_REPORT_MAX (4 * 1024 * 1024)

/* one check, carried from the loop thread to a worker and back */
typedef struct {
	HcCatalogue *cat;
	HcSnapshot *here;
	gboolean migration;
	HcReplyForm form;
	char *spec_json;	 /* the spec, translated from the input if need be */
	const char *target_json; /* "" = this host */
	char *source_json;	 /* options.Source, NULL = this host */
	/* the result */
	HcVerdict verdict;
	char *report;
	GError *error;
} HcBusCheck;

static void
hc_bus_check_free(HcBusCheck *check)
{
	g_clear_pointer(&check->cat, hc_catalogue_unref);
	g_clear_pointer(&check->here, hc_snapshot_unref);
	g_free(check->spec_json);
	g_free(check->source_json);
	g_free(check->report);
	g_clear_error(&check->error);
	g_free(check);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcBusCheck, hc_bus_check_free)

/* GetDomainCapabilities: the machine types, platforms and CPU models that run here */
int
hc_bus_method_get_domain_capabilities(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	HcBus *bus = userdata;
	g_autoptr(GError) error = NULL;
	g_autofree char *json = NULL;
	HcCatalogue *cat = NULL;
	HcSnapshot *snap = NULL;
	int r;

	r = hc_bus_read_options(m, NULL, 0, NULL, ret_error);
	if (r >= 0)
		r = hc_bus_require_snapshot(bus, &snap, ret_error);
	if (r >= 0)
		r = hc_bus_require_catalogue(bus, &cat, ret_error);
	if (r < 0)
		return r;
	json = hc_domain_capabilities(cat, snap, &error);
	if (json == NULL)
		return hc_bus_error_set_gerror(ret_error, error);
	return sd_bus_reply_method_return(m, "s", json);
}

/* another host's snapshot handed in by the caller; @what names the argument in errors */
static HcSnapshot *
hc_bus_parse_snapshot(const char *json, const char *what, GError **error)
{
	gsize len = strlen(json);
	HcSnapshot *snap;

	if (len > HC_LIMIT_SNAPSHOT_BYTES) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: %" G_GSIZE_FORMAT " bytes, at most %d allowed",
			    what,
			    len,
			    HC_LIMIT_SNAPSHOT_BYTES);
		return NULL;
	}
	snap = hc_snapshot_from_json(json, len, error);
	if (snap == NULL)
		g_prefix_error(error, "%s: ", what);
	return snap;
}

/* worker thread: parsing the caller's snapshots is most of the cost, so it is done here */
static gboolean
hc_bus_check_evaluate(HcBusCheck *check, GError **error)
{
	g_autoptr(HcSnapshot) source = NULL;
	g_autoptr(HcSnapshot) target = NULL;
	gsize spec_len = strlen(check->spec_json);

	if (!check->migration)
		return hc_check_bootable_reply(check->cat,
					       check->spec_json,
					       spec_len,
					       check->here,
					       check->form,
					       &check->verdict,
					       &check->report,
					       error);
	if (check->source_json != NULL) {
		source = hc_bus_parse_snapshot(check->source_json, "options.Source", error);
		if (source == NULL)
			return FALSE;
	}
	if (check->target_json[0] != '\0') {
		target = hc_bus_parse_snapshot(check->target_json, "target_snapshot_json", error);
		if (target == NULL)
			return FALSE;
	}
	/* the source is this host unless Source says otherwise; an empty target is this host */
	return hc_check_migration_reply(check->cat,
					check->spec_json,
					spec_len,
					source != NULL ? source : check->here,
					target != NULL ? target : check->here,
					check->form,
					&check->verdict,
					&check->report,
					error);
}

static void
hc_bus_check_run(gpointer data)
{
	HcBusCheck *check = data;
	gsize len;

	if (!hc_bus_check_evaluate(check, &check->error))
		return;
	len = strlen(check->report);
	if (len > HC_BUS_CHECK_REPORT_MAX) {
		g_clear_pointer(&check->report, g_free);
		g_set_error(&check->error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "the report would be %" G_GSIZE_FORMAT " bytes, over the limit of %d",
			    len,
			    HC_BUS_CHECK_REPORT_MAX);
	}
}

/* loop thread */
static void
hc_bus_check_done(sd_bus_message *m, gpointer data)
{
	HcBusCheck *check = data;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	if (check->error != NULL) {
		r = hc_bus_error_set_gerror(&e, check->error);
		r = sd_bus_reply_method_errno(m, r, &e);
	} else {
		r = sd_bus_reply_method_return(m,
					       "ss",
					       hc_verdict_to_string(check->verdict),
					       check->report);
	}
	sd_bus_error_free(&e);
	if (r < 0)
		g_debug("replying to a check: %s, ignoring", g_strerror(-r));
}

static int
hc_bus_check_submit(HcBus *bus, sd_bus_message *m, uid_t uid, HcBusCheck *check, sd_bus_error *e)
{
	gsize bytes = strlen(check->spec_json) + strlen(check->target_json) +
		      (check->source_json != NULL ? strlen(check->source_json) : 0);

	return hc_check_pool_submit(hc_bus_get_check_pool(bus),
				    m,
				    uid,
				    bytes,
				    hc_bus_check_run,
				    hc_bus_check_done,
				    check,
				    (GDestroyNotify)hc_bus_check_free,
				    e);
}

typedef struct {
	HcBus *bus;
	HcBusCheck *check;
} HcBusCheckWait;

static void
hc_bus_check_wait_free(HcBusCheckWait *wait)
{
	g_clear_pointer(&wait->check, hc_bus_check_free);
	g_free(wait);
}

/* the bus said who called: queue the check, or answer the refusal */
static void
hc_bus_check_on_uid(sd_bus_message *m, uid_t uid, const GError *error, gpointer user_data)
{
	HcBusCheckWait *wait = user_data;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	if (error != NULL) {
		r = hc_bus_error_set_gerror(&e, error);
	} else {
		r = hc_bus_check_submit(wait->bus, m, uid, wait->check, &e);
		if (r >= 0)
			wait->check = NULL;
	}
	if (r < 0)
		(void)sd_bus_reply_method_errno(m, r, &e);
	sd_bus_error_free(&e);
	hc_bus_check_wait_free(wait);
}

/* after the arguments are judged: who is calling (asynchronously the first time), then
 * the pool; the reply is sent when the worker is done */
static int
hc_bus_check_start(HcBus *bus, sd_bus_message *m, HcBusCheck *check, sd_bus_error *ret_error)
{
	g_autoptr(HcBusCheck) owned = check;
	HcBusCheckWait *wait = g_new0(HcBusCheckWait, 1);
	uid_t uid = (uid_t)-1;
	int r;

	wait->bus = bus;
	r = hc_access_identify(hc_bus_get_access(bus),
			       m,
			       hc_bus_check_on_uid,
			       wait,
			       (GDestroyNotify)hc_bus_check_wait_free,
			       &uid,
			       ret_error);
	if (r == 0) {
		wait->check = g_steal_pointer(&owned);
		return 1;
	}
	g_free(wait);
	if (r < 0)
		return r;
	r = hc_bus_check_submit(bus, m, uid, owned, ret_error);
	if (r < 0)
		return r;
	g_steal_pointer(&owned);
	return 1;
}

static HcBusCheck *
hc_bus_check_new(HcCatalogue *cat, HcSnapshot *here, char *spec_json, HcReplyForm form)
{
	HcBusCheck *check = g_new0(HcBusCheck, 1);

	check->cat = hc_catalogue_ref(cat);
	check->here = hc_snapshot_ref(here);
	check->spec_json = spec_json;
	check->target_json = "";
	check->form = form;
	return check;
}

int
hc_bus_method_check_bootable(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	HcBus *bus = userdata;
	char *options[2] = {NULL};
	g_autofree char *spec_json = NULL;
	HcReplyForm form = HC_REPLY_FULL;
	const char *input = NULL;
	HcCatalogue *cat = NULL;
	HcSnapshot *snap = NULL;
	int r;

	r = sd_bus_message_read(m, "s", &input);
	if (r < 0)
		return r;
	r = hc_bus_read_options(m, hc_check_bootable_options, 2, options, ret_error);
	if (r >= 0)
		r = hc_bus_reply_form(options[1], &form, ret_error);
	if (r >= 0)
		r = hc_bus_input_to_spec(bus, input, options[0], &spec_json, ret_error);
	g_free(options[0]);
	g_free(options[1]);
	if (r >= 0)
		r = hc_bus_require_snapshot(bus, &snap, ret_error);
	if (r >= 0)
		r = hc_bus_require_catalogue(bus, &cat, ret_error);
	if (r < 0)
		return r;
	return hc_bus_check_start(bus,
				  m,
				  hc_bus_check_new(cat, snap, g_steal_pointer(&spec_json), form),
				  ret_error);
}

/* the spec a domain XML or QEMU command line translates to, checked against the catalogue */
int
hc_bus_method_translate_spec(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	HcBus *bus = userdata;
	g_autoptr(GError) error = NULL;
	g_autoptr(HcSpec) spec = NULL;
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *format = NULL;
	g_autofree char *spec_json = NULL;
	g_autofree char *out = NULL;
	const char *input = NULL;
	HcCatalogue *cat = NULL;
	int r;

	r = sd_bus_message_read(m, "s", &input);
	if (r < 0)
		return r;
	r = hc_bus_read_options(m, hc_input_options, 1, &format, ret_error);
	if (r >= 0)
		r = hc_bus_input_to_spec(bus, input, format, &spec_json, ret_error);
	if (r >= 0)
		r = hc_bus_require_catalogue(bus, &cat, ret_error);
	if (r < 0)
		return r;
	spec = hc_spec_parse(cat, spec_json, strlen(spec_json), &error);
	if (spec == NULL)
		return hc_bus_error_set_gerror(ret_error, error);
	root = hc_spec_to_json(spec);
	out = json_to_string(root, FALSE);
	return sd_bus_reply_method_return(m, "s", out);
}

int
hc_bus_method_check_migration(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	HcBus *bus = userdata;
	char *options[HC_CHECK_MIGRATION_OPTION_LAST] = {NULL};
	g_autofree char *spec_json = NULL;
	const char *input = NULL;
	const char *target_json = NULL;
	HcCatalogue *cat = NULL;
	HcSnapshot *here = NULL;
	HcReplyForm form = HC_REPLY_FULL;
	HcBusCheck *check;
	int r;

	r = sd_bus_message_read(m, "ss", &input, &target_json);
	if (r < 0)
		return r;
	r = hc_bus_read_options(m,
				hc_check_migration_options,
				HC_CHECK_MIGRATION_OPTION_LAST,
				options,
				ret_error);
	if (r >= 0)
		r = hc_bus_reply_form(options[HC_CHECK_MIGRATION_OPTION_REPLY], &form, ret_error);
	if (r >= 0)
		r = hc_bus_input_to_spec(bus,
					 input,
					 options[HC_CHECK_MIGRATION_OPTION_INPUT_FORMAT],
					 &spec_json,
					 ret_error);
	if (r >= 0)
		r = hc_bus_require_snapshot(bus, &here, ret_error);
	if (r >= 0)
		r = hc_bus_require_catalogue(bus, &cat, ret_error);
	g_free(options[HC_CHECK_MIGRATION_OPTION_INPUT_FORMAT]);
	g_free(options[HC_CHECK_MIGRATION_OPTION_REPLY]);
	if (r < 0) {
		g_free(options[HC_CHECK_MIGRATION_OPTION_SOURCE]);
		return r;
	}
	/* the parsing of the caller's snapshots is left to the worker */
	check = hc_bus_check_new(cat, here, g_steal_pointer(&spec_json), form);
	check->migration = TRUE;
	check->target_json = target_json;
	check->source_json = options[HC_CHECK_MIGRATION_OPTION_SOURCE];
	return hc_bus_check_start(bus, m, check, ret_error);
}
