/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hostcapctl check and baseline, offline on the host fixtures with the source catalogue:
 * the exit status is the verdict, the human report leads with it, and each finding names
 * the capability and the reason the fixture host gave (read here from the fixture file).
 */
#include <check.h>

#include "hostcap/hc-capability.h"
#include <glib/gstdio.h>

#include "hc-cli-test.h"

#define OLD_HOST "hosts/linux-6.1-uso-no.json"
#define NEW_HOST "hosts/linux-6.18-uso-yes.json"
#define SPEC	 "specs/q35-tap.json"
#define SPEC_USO "specs/q35-tap-uso-on.json"
#define CPU_HOST "hosts/v-deb12-6.1.json"

static char *
data_dir(void)
{
	return g_build_filename(g_getenv("HC_SOURCE_DIR"), "data", NULL);
}

/* the reason a fixture host gave for @id */
static char *
fixture_reason(const char *fixture, const char *id)
{
	g_autofree char *path = hc_cli_fixture(fixture);
	g_autoptr(JsonNode) root = hc_cli_load_json(path);
	JsonObject *caps =
	    json_object_get_object_member(json_node_get_object(root), "capabilities");
	return g_strdup(
	    json_object_get_string_member(json_object_get_object_member(caps, id), "reason"));
}

/* runs check twice, for a person and with --json; the two must agree, and the exit status
 * must be the verdict (0 yes, 1 no, 2 unknown) */
static HcCliRun *
check_both(const char *const *args, const char **verdict_out, JsonNode **report_out)
{
	static const char *const verdicts[] = {"yes", "no", "unknown"};
	g_autoptr(GPtrArray) json_args = g_ptr_array_new();
	g_autoptr(HcCliRun) json = NULL;
	HcCliRun *human = hc_cli_runv(args);
	JsonNode *report;
	const char *verdict;

	g_ptr_array_add(json_args, "--json");
	for (guint i = 0; args[i] != NULL; i++)
		g_ptr_array_add(json_args, (gpointer)args[i]);
	g_ptr_array_add(json_args, NULL);
	json = hc_cli_runv((const char *const *)json_args->pdata);
	ck_assert_msg(json->status >= 0 && json->status <= 2,
		      "exit %d: %s",
		      json->status,
		      json->err);
	report = hc_cli_parse_json(json->out);
	verdict = json_object_get_string_member(json_node_get_object(report), "verdict");
	ck_assert_str_eq(verdict, verdicts[json->status]);
	ck_assert_int_eq(human->status, json->status);
	*verdict_out = verdicts[json->status];
	*report_out = report;
	return human;
}

START_TEST(test_check_yes)
{
	g_autofree char *host = hc_cli_fixture(NEW_HOST);
	g_autofree char *spec = hc_cli_fixture(SPEC);
	g_autofree char *data = data_dir();
	const char *args[] = {"--snapshot", host, "--data-dir", data, "check", spec, NULL};
	g_autoptr(JsonNode) report = NULL;
	const char *verdict = NULL;
	g_autoptr(HcCliRun) run = check_both(args, &verdict, &report);

	ck_assert_str_eq(verdict, "yes");
	ck_assert_msg(g_str_has_prefix(run->out, "✓ Bootable on "), "%s", run->out);
}
END_TEST

/* a machine default the host lacks: QEMU drops it quietly, so a warning, not a "no" */
START_TEST(test_check_silent_off_is_a_warning)
{
	g_autofree char *host = hc_cli_fixture(OLD_HOST);
	g_autofree char *spec = hc_cli_fixture(SPEC);
	g_autofree char *data = data_dir();
	g_autofree char *reason = fixture_reason(OLD_HOST, "net.tap.uso");
	g_autofree char *cap_line = g_strdup_printf("    net.tap.uso: unsupported: %s", reason);
	const char *args[] = {"--snapshot", host, "--data-dir", data, "check", spec, NULL};
	g_autoptr(JsonNode) report = NULL;
	const char *verdict = NULL;
	g_autoptr(HcCliRun) run = check_both(args, &verdict, &report);

	ck_assert_str_eq(verdict, "yes");
	/* one finding per USO feature, or one for the pin group: either names a USO property */
	ck_assert_msg(
	    g_regex_match_simple("^! warning virtio-net\\.(host_uso|guest_uso4|guest_uso6)"
				 "=true \\(machine\\)$",
				 run->out,
				 G_REGEX_MULTILINE,
				 0),
	    "no USO warning in:\n%s",
	    run->out);
	ck_assert_msg(strstr(run->out, cap_line) != NULL, "no '%s' in:\n%s", cap_line, run->out);
}
END_TEST

START_TEST(test_check_explicit_no)
{
	g_autofree char *host = hc_cli_fixture(OLD_HOST);
	g_autofree char *spec = hc_cli_fixture(SPEC_USO);
	g_autofree char *data = data_dir();
	const char *args[] = {"--snapshot", host, "--data-dir", data, "check", spec, NULL};
	g_autoptr(JsonNode) report = NULL;
	const char *verdict = NULL;
	g_autoptr(HcCliRun) run = check_both(args, &verdict, &report);
	g_auto(GStrv) lines = g_strsplit(run->out, "\n", -1);

	ck_assert_str_eq(verdict, "no");
	/* verdict first, then the error before any warning */
	ck_assert_msg(g_str_has_prefix(lines[0], "✗ Not bootable on "), "%s", lines[0]);
	ck_assert_ptr_nonnull(strstr(lines[0], "1 error"));
	ck_assert_str_eq(lines[2], "✗ error virtio-net.host_uso=true (explicit)");
}
END_TEST

/* the features of @model (data/cpu-models.d) the fixture host reports but not as
 * supported, read from the files, not through hostcapctl */
static GPtrArray *
model_features_missing(const char *fixture, const char *model)
{
	g_autofree char *data = data_dir();
	g_autofree char *models_path =
	    g_build_filename(data, "cpu-models.d", "qemu-7.2.22.json", NULL);
	g_autofree char *host_path = hc_cli_fixture(fixture);
	g_autoptr(JsonNode) models = hc_cli_load_json(models_path);
	g_autoptr(JsonNode) host = hc_cli_load_json(host_path);
	JsonObject *caps =
	    json_object_get_object_member(json_node_get_object(host), "capabilities");
	JsonObject *m = json_object_get_object_member(
	    json_object_get_object_member(json_node_get_object(models), "models"),
	    model);
	JsonArray *features;
	GPtrArray *missing = g_ptr_array_new_with_free_func(g_free);

	if (json_object_has_member(m, "alias_of"))
		m = json_object_get_object_member(
		    json_object_get_object_member(json_node_get_object(models), "models"),
		    json_object_get_string_member(m, "alias_of"));
	features = json_object_get_array_member(m, "features");
	for (guint i = 0; i < json_array_get_length(features); i++) {
		g_autofree char *id =
		    g_strdup_printf("cpu.feature.%s", json_array_get_string_element(features, i));
		JsonObject *cap = json_object_get_object_member(caps, id);
		if (cap != NULL &&
		    g_strcmp0(json_object_get_string_member(cap, "state"), "supported") != 0)
			g_ptr_array_add(missing, g_steal_pointer(&id));
	}
	return missing;
}

/* a CPU model finding names many features: the human report shows three and one line per
 * kind of the rest, --json keeps every one */
START_TEST(test_check_cpu_model_collapsed)
{
	g_autofree char *host = hc_cli_fixture(CPU_HOST);
	g_autofree char *spec =
	    g_build_filename(g_getenv("HC_SOURCE_DIR"), "examples", "cpu-model-enforce.json", NULL);
	g_autofree char *data = data_dir();
	const char *args[] = {"--snapshot", host, "--data-dir", data, "check", spec, NULL};
	g_autoptr(GPtrArray) missing = model_features_missing(CPU_HOST, "EPYC-Rome");
	g_autoptr(JsonNode) report = NULL;
	const char *verdict = NULL;
	g_autoptr(HcCliRun) run = check_both(args, &verdict, &report);
	g_autoptr(GMatchInfo) match = NULL;
	g_autoptr(GRegex) summary = g_regex_new(
	    "^    … and ([0-9]+) more unsupported: cpu\\.feature\\.\\{[^}]+\\} \\(([^)]*)\\)(.*)$",
	    G_REGEX_MULTILINE,
	    0,
	    NULL);
	JsonArray *findings =
	    json_object_get_array_member(json_node_get_object(report), "findings");
	JsonArray *caps = NULL;
	guint more = 0, summaries = 0;

	ck_assert_str_eq(verdict, "no");
	ck_assert_uint_gt(missing->len, 6);
	for (guint i = 0; i < json_array_get_length(findings); i++) {
		JsonObject *f = json_array_get_object_element(findings, i);
		if (g_strcmp0(json_object_get_string_member(f, "feature"), "cpu.model") == 0)
			caps = json_object_get_array_member(f, "capabilities");
	}
	ck_assert_ptr_nonnull(caps);
	/* --json: every missing feature, each with its own reason */
	ck_assert_uint_eq(json_array_get_length(caps), missing->len);
	for (guint i = 0; i < missing->len; i++) {
		gboolean found = FALSE;
		for (guint j = 0; !found && j < json_array_get_length(caps); j++) {
			JsonObject *c = json_array_get_object_element(caps, j);
			found = g_strcmp0(json_object_get_string_member(c, "id"),
					  g_ptr_array_index(missing, i)) == 0;
		}
		ck_assert_msg(found, "--json lacks %s", (char *)g_ptr_array_index(missing, i));
	}
	/* human: three full lines, then "… and N more" lines that add up to the rest */
	ck_assert_uint_eq(hc_cli_count_lines_with_prefix(run->out, "    cpu.feature."), 3);
	g_regex_match(summary, run->out, 0, &match);
	while (g_match_info_matches(match)) {
		g_autofree char *n = g_match_info_fetch(match, 1);
		g_autofree char *pattern = g_match_info_fetch(match, 2);
		g_autofree char *tail = g_match_info_fetch(match, 3);

		more += (guint)g_ascii_strtoull(n, NULL, 10);
		summaries++;
		ck_assert_str_eq(pattern, "KVM_GET_SUPPORTED_CPUID: <name> clear");
		g_match_info_next(match, NULL);
		ck_assert_str_eq(tail, g_match_info_matches(match) ? "" : "; --json lists each");
	}
	ck_assert_msg(summaries > 0, "no summary line in:\n%s", run->out);
	ck_assert_uint_eq(3 + more, missing->len);
}
END_TEST

/* real probe reasons differ per feature only in numbers ("leaf 0x7.0 EBX bit 19"): the
 * summary lines group by the reason's shape, one per register, not one per feature */
START_TEST(test_check_cpu_model_collapsed_real_reasons)
{
	static const char *const regs[] = {"EBX", "ECX"};
	g_autofree char *fixture = hc_cli_fixture(CPU_HOST);
	g_autofree char *spec =
	    g_build_filename(g_getenv("HC_SOURCE_DIR"), "examples", "cpu-model-enforce.json", NULL);
	g_autofree char *data = data_dir();
	g_autofree char *tmpdir = g_dir_make_tmp("hc-cli-XXXXXX", NULL);
	g_autofree char *host = g_build_filename(tmpdir, "host.json", NULL);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(GList) ids = NULL;
	g_autoptr(HcCliRun) run = NULL;
	JsonObject *caps;
	guint n = 0, lines = 0;
	const char *at;

	ck_assert(json_parser_load_from_file(parser, fixture, NULL));
	caps = json_object_get_object_member(json_node_get_object(json_parser_get_root(parser)),
					     "capabilities");
	ids = json_object_get_members(caps);
	/* reasons are not part of the fingerprint: the fixture stays valid */
	for (GList *l = ids; l != NULL; l = l->next) {
		g_autofree char *reason = NULL;

		if (!g_str_has_prefix(l->data, "cpu.feature."))
			continue;
		reason = g_strdup_printf("KVM_GET_SUPPORTED_CPUID leaf 0x%x.0 %s bit %u",
					 7 + n % 3,
					 regs[n % 2],
					 n % 32);
		json_object_set_string_member(json_object_get_object_member(caps, l->data),
					      "reason",
					      reason);
		n++;
	}
	json_generator_set_root(gen, json_parser_get_root(parser));
	ck_assert(json_generator_to_file(gen, host, NULL));
	run = hc_cli_run("--snapshot", host, "--data-dir", data, "check", spec, NULL);
	ck_assert_int_eq(run->status, 1);
	for (at = strstr(run->out, "    … and "); at != NULL; at = strstr(at + 1, "    … and ")) {
		const char *eol = strchr(at, '\n');
		g_autofree char *line = g_strndup(at, eol != NULL ? (gsize)(eol - at) : strlen(at));

		ck_assert_msg(strstr(line, "(KVM_GET_SUPPORTED_CPUID leaf … EBX bit …)") != NULL ||
				  strstr(line, "(KVM_GET_SUPPORTED_CPUID leaf … ECX bit …)") !=
				      NULL,
			      "%s",
			      line);
		lines++;
	}
	ck_assert_msg(lines >= 1 && lines <= G_N_ELEMENTS(regs),
		      "%u summary lines:\n%s",
		      lines,
		      run->out);
	g_unlink(host);
	g_rmdir(tmpdir);
}
END_TEST

START_TEST(test_check_migration)
{
	g_autofree char *old_host = hc_cli_fixture(OLD_HOST);
	g_autofree char *new_host = hc_cli_fixture(NEW_HOST);
	g_autofree char *spec = hc_cli_fixture(SPEC);
	g_autofree char *data = data_dir();
	const char *args[] =
	    {"--snapshot", new_host, "--data-dir", data, "check", "--target", old_host, spec, NULL};
	g_autoptr(JsonNode) report = NULL;
	const char *verdict = NULL;
	g_autoptr(HcCliRun) run = check_both(args, &verdict, &report);

	/* USO negotiated on 6.18 cannot be loaded on 6.1: a "no" with the pins */
	ck_assert_str_eq(verdict, "no");
	ck_assert_msg(g_str_has_prefix(run->out, "✗ Not migratable from "), "%s", run->out);
	ck_assert_ptr_nonnull(strstr(run->out, "    direction: hv-new -> hv-old"));
	ck_assert_ptr_nonnull(strstr(run->out, "    pin: "));
	ck_assert_ptr_nonnull(strstr(run->out, "host_uso=off"));
}
END_TEST

/* hostcapctl --snapshot OLD_HOST check -- qemu-system-x86_64 … -device virtio-net-pci,@nic */
static HcCliRun *
check_qemu_nic(const char *nic, const char **verdict_out, JsonNode **report_out)
{
	g_autofree char *host = hc_cli_fixture(OLD_HOST);
	g_autofree char *data = data_dir();
	g_autofree char *device = g_strdup_printf("virtio-net-pci,netdev=n0,%s", nic);
	const char *args[] = {"--snapshot",
			      host,
			      "--data-dir",
			      data,
			      "check",
			      "--",
			      "qemu-system-x86_64",
			      "-machine",
			      "pc-q35-9.0",
			      "-accel",
			      "kvm",
			      "-netdev",
			      "tap,id=n0",
			      "-device",
			      device,
			      NULL};

	return check_both(args, verdict_out, report_out);
}

START_TEST(test_check_qemu_command_line)
{
	g_autoptr(JsonNode) r_on = NULL;
	g_autoptr(JsonNode) r_off = NULL;
	const char *v_on = NULL;
	const char *v_off = NULL;
	g_autoptr(HcCliRun) run_on = check_qemu_nic("host_uso=on", &v_on, &r_on);
	g_autoptr(HcCliRun) run_off =
	    check_qemu_nic("host_uso=off,guest_uso4=off,guest_uso6=off", &v_off, &r_off);

	/* host_uso=on on the command line is explicit: this host cannot honour it */
	ck_assert_str_eq(v_on, "no");
	ck_assert_ptr_nonnull(strstr(run_on->out, "virtio-net.host_uso=true (explicit)"));
	/* pinned off, nothing is asked of the tap driver */
	ck_assert_str_eq(v_off, "yes");
	ck_assert_ptr_null(strstr(run_off->out, "net.tap.uso"));
}
END_TEST

START_TEST(test_check_bad_input)
{
	g_autofree char *host = hc_cli_fixture(OLD_HOST);
	g_autofree char *spec = hc_cli_fixture(SPEC);
	g_autofree char *data = data_dir();
	g_autofree char *tmpdir = g_dir_make_tmp("hc-cli-XXXXXX", NULL);
	g_autofree char *broken = g_build_filename(tmpdir, "broken.json", NULL);
	g_autofree char *typo = g_build_filename(tmpdir, "typo.json", NULL);
	g_autoptr(HcCliRun) r_broken = NULL;
	g_autoptr(HcCliRun) r_typo = NULL;
	g_autoptr(HcCliRun) r_none = NULL;
	g_autoptr(HcCliRun) r_both = NULL;

	ck_assert(g_file_set_contents(broken, "{\"machine\": ", -1, NULL));
	ck_assert(g_file_set_contents(typo,
				      "{\"machine\": \"pc-q35-9.0\", \"features\": "
				      "{\"virtio-net.host_usoo\": true}}",
				      -1,
				      NULL));
	r_broken = hc_cli_run("--snapshot", host, "--data-dir", data, "check", broken, NULL);
	r_typo = hc_cli_run("--snapshot", host, "--data-dir", data, "check", typo, NULL);
	r_none = hc_cli_run("--snapshot", host, "--data-dir", data, "check", NULL);
	r_both = hc_cli_run("--snapshot", host, "check", spec, "--", "qemu-system-x86_64", NULL);
	ck_assert_int_eq(r_broken->status, 3);
	ck_assert_str_eq(r_broken->out, "");
	ck_assert_msg(strstr(r_broken->err, broken) != NULL, "%s", r_broken->err);
	ck_assert_int_eq(r_typo->status, 3);
	ck_assert_msg(strstr(r_typo->err, typo) != NULL, "%s", r_typo->err);
	ck_assert_ptr_nonnull(strstr(r_typo->err, "virtio-net.host_uso"));
	ck_assert_int_eq(r_none->status, 3);
	ck_assert_int_eq(r_both->status, 3);
	g_unlink(broken);
	g_unlink(typo);
	g_rmdir(tmpdir);
}
END_TEST

START_TEST(test_baseline)
{
	g_autofree char *old_host = hc_cli_fixture(OLD_HOST);
	g_autofree char *new_host = hc_cli_fixture(NEW_HOST);
	g_autofree char *spec = hc_cli_fixture(SPEC);
	g_autofree char *data = data_dir();
	g_autoptr(HcCliRun) plain =
	    hc_cli_run("--data-dir", data, "baseline", old_host, new_host, NULL);
	g_autoptr(HcCliRun) pins =
	    hc_cli_run("--data-dir", data, "baseline", "--spec", spec, old_host, new_host, NULL);
	g_autoptr(HcCliRun) json =
	    hc_cli_run("--json", "--data-dir", data, "baseline", old_host, new_host, NULL);
	g_autoptr(JsonNode) node = NULL;
	JsonObject *differing;

	ck_assert_int_eq(plain->status, 0);
	ck_assert_msg(g_str_has_prefix(plain->out, "✓ Baseline (2 hosts)"), "%s", plain->out);
	ck_assert_ptr_nonnull(strstr(plain->out, "Newest common platform: "));
	/* net.tap.uso differs between the two fixture hosts: it is a row of the table */
	ck_assert_uint_eq(hc_cli_count_lines_with_prefix(plain->out, "net.tap.uso "), 1);
	ck_assert_int_eq(json->status, 0);
	node = hc_cli_parse_json(json->out);
	differing =
	    json_object_get_object_member(json_node_get_object(node), "differing_capabilities");
	ck_assert(json_object_has_member(differing, "net.tap.uso"));
	ck_assert(!json_object_has_member(differing, "kvm.present"));
	ck_assert_int_eq(pins->status, 0);
	ck_assert_ptr_nonnull(strstr(pins->out, "Pin on every host: "));
	ck_assert_ptr_nonnull(strstr(pins->out, "host_uso=off"));
}
END_TEST

/* hosts that report different sets of ids: the human table keeps the real differences and
 * counts the rest; --json keeps everything */
START_TEST(test_baseline_table_trimmed)
{
	g_autofree char *small = hc_cli_fixture(OLD_HOST);
	g_autofree char *big = hc_cli_fixture("hosts/v-trixie-6.12.json");
	g_autofree char *data = data_dir();
	g_autoptr(HcCliRun) plain = hc_cli_run("--data-dir", data, "baseline", small, big, NULL);
	g_autoptr(HcCliRun) json =
	    hc_cli_run("--json", "--data-dir", data, "baseline", small, big, NULL);
	g_autoptr(JsonNode) node = NULL;
	g_autoptr(GList) ids = NULL;
	g_autofree char *expected = NULL;
	JsonObject *differing;
	guint unreported = 0;

	ck_assert_int_eq(json->status, plain->status);
	node = hc_cli_parse_json(json->out);
	differing =
	    json_object_get_object_member(json_node_get_object(node), "differing_capabilities");
	ids = json_object_get_members(differing);
	for (GList *l = ids; l != NULL; l = l->next) {
		JsonObject *row = json_object_get_object_member(differing, l->data);
		g_autoptr(GList) values = json_object_get_values(row);

		if (hc_capability_id_is_volatile(l->data))
			continue;
		for (GList *v = values; v != NULL; v = v->next) {
			if (g_strcmp0(json_node_get_string(v->data), "not reported") == 0) {
				unreported++;
				break;
			}
		}
	}
	ck_assert_uint_gt(unreported, 0);
	/* the count line is the only mention: no table row shows "not reported" */
	ck_assert_msg(strstr(strstr(plain->out, "not reported") + 1, "not reported") == NULL,
		      "%s",
		      plain->out);
	expected = g_strdup_printf("%u capabilities are not reported by every host", unreported);
	ck_assert_msg(strstr(plain->out, expected) != NULL,
		      "no '%s' in:\n%s",
		      expected,
		      plain->out);
	ck_assert_ptr_nonnull(strstr(plain->out, "--json lists every difference"));
}
END_TEST

static Suite *
cli_verdict_suite(void)
{
	Suite *s = suite_create("cli-verdict");
	TCase *tc = tcase_create("verdict");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_check_yes);
	tcase_add_test(tc, test_check_silent_off_is_a_warning);
	tcase_add_test(tc, test_check_explicit_no);
	tcase_add_test(tc, test_check_cpu_model_collapsed);
	tcase_add_test(tc, test_check_cpu_model_collapsed_real_reasons);
	tcase_add_test(tc, test_check_migration);
	tcase_add_test(tc, test_check_qemu_command_line);
	tcase_add_test(tc, test_check_bad_input);
	tcase_add_test(tc, test_baseline);
	tcase_add_test(tc, test_baseline_table_trimmed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return hc_cli_test_main(argc, argv, cli_verdict_suite());
}
