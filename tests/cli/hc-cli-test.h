/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <check.h>
#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Helpers for the hostcapctl tests: run the real binary as a subprocess and read the
 * fixtures independently of libhostcap (json-glib only).
 */

typedef struct {
	int status; /* exit code, or -1 when killed by a signal */
	char *out;
	char *err;
} HcCliRun;

void
hc_cli_run_free(HcCliRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcCliRun, hc_cli_run_free)

/* the hostcapctl under test: argv[1] of the test program, given by meson */
void
hc_cli_test_init(int argc, char **argv);
const char *
hc_cli_test_get_binary(void);

/* the whole test program: hc_cli_test_init(), then @suite run; the exit code for main() */
int
hc_cli_test_main(int argc, char **argv, Suite *suite);

/* runs hostcapctl with the NULL-terminated arguments; aborts the test when it cannot run */
HcCliRun *
hc_cli_run(const char *first_arg, ...) G_GNUC_NULL_TERMINATED;
HcCliRun *
hc_cli_runv(const char *const *args);
/* @env: NULL-terminated NAME, VALUE pairs added to the environment */
HcCliRun *
hc_cli_runv_env(const char *const *env, const char *const *args);
/* and the variables named in @unset (NULL-terminated) removed */
HcCliRun *
hc_cli_runv_env_unset(const char *const *env, const char *const *unset, const char *const *args);

/* $HC_SOURCE_DIR/tests/fixtures/<rel> */
char *
hc_cli_fixture(const char *rel);

/* the whole file parsed by json-glib; aborts the test on failure */
JsonNode *
hc_cli_load_json(const char *path);
JsonNode *
hc_cli_parse_json(const char *text);

/* number of lines in @text that start with @prefix */
guint
hc_cli_count_lines_with_prefix(const char *text, const char *prefix);

G_END_DECLS
