/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hostcapctl: parses the options, then hands over to the verb table.
 */
#include "hc-config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>

#include "hc-ctl-output.h"
#include "hc-ctl.h"

enum {
	ARG_VERSION = 0x100,
	ARG_JSON,
	ARG_SYSTEM,
	ARG_SESSION,
	ARG_ADDRESS,
	ARG_NO_DAEMON,
	ARG_SYSROOT,
	ARG_SNAPSHOT,
	ARG_TARGET,
	ARG_SOURCE,
	ARG_FILE,
	ARG_DATA_DIR,
	ARG_SPEC,
	ARG_FORMAT,
};

static const struct option options[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, ARG_VERSION},
    {"json", no_argument, NULL, ARG_JSON},
    {"system", no_argument, NULL, ARG_SYSTEM},
    {"session", no_argument, NULL, ARG_SESSION},
    {"user", no_argument, NULL, ARG_SESSION},
    {"address", required_argument, NULL, ARG_ADDRESS},
    {"no-daemon", no_argument, NULL, ARG_NO_DAEMON},
    {"sysroot", required_argument, NULL, ARG_SYSROOT},
    {"snapshot", required_argument, NULL, ARG_SNAPSHOT},
    {"target", required_argument, NULL, ARG_TARGET},
    {"source", required_argument, NULL, ARG_SOURCE},
    {"file", required_argument, NULL, ARG_FILE},
    {"data-dir", required_argument, NULL, ARG_DATA_DIR},
    {"spec", required_argument, NULL, ARG_SPEC},
    {"format", required_argument, NULL, ARG_FORMAT},
    {"output", required_argument, NULL, 'o'},
    {},
};

static void
set_string(char **slot, const char *value)
{
	g_free(*slot);
	*slot = g_strdup(value);
}

/* returns 0 to go on, 1 when --help/--version answered, -1 on a usage error */
static int
parse_options(HcCtlContext *ctx, int argc, char **argv, GError **error)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+ho:", options, NULL)) >= 0) {
		switch (c) {
		case 'h':
			ctx->want_help = TRUE;
			break;
		case ARG_VERSION:
			g_print("hostcapctl %s\n", HC_VERSION);
			return 1;
		case ARG_JSON:
			ctx->json = TRUE;
			break;
		case ARG_SYSTEM:
			ctx->bus_kind = HC_CTL_BUS_SYSTEM;
			break;
		case ARG_SESSION:
			ctx->bus_kind = HC_CTL_BUS_SESSION;
			break;
		case ARG_ADDRESS:
			set_string(&ctx->address, optarg);
			break;
		case ARG_NO_DAEMON:
			ctx->no_daemon = TRUE;
			break;
		case ARG_SYSROOT:
			set_string(&ctx->sysroot, optarg);
			break;
		case ARG_SNAPSHOT:
			set_string(&ctx->snapshot_path, optarg);
			break;
		case ARG_TARGET:
			ctx->options_given |= HC_CTL_OPT_TARGET;
			set_string(&ctx->target_path, optarg);
			break;
		case ARG_SOURCE:
			ctx->options_given |= HC_CTL_OPT_SOURCE;
			set_string(&ctx->source_path, optarg);
			break;
		case ARG_FILE:
			ctx->options_given |= HC_CTL_OPT_FILE;
			set_string(&ctx->history_file, optarg);
			break;
		case ARG_SPEC:
			ctx->options_given |= HC_CTL_OPT_SPEC;
			set_string(&ctx->spec_path, optarg);
			break;
		case ARG_FORMAT:
			ctx->options_given |= HC_CTL_OPT_FORMAT;
			set_string(&ctx->format, optarg);
			break;
		case ARG_DATA_DIR:
			if (ctx->data_dirs == NULL)
				ctx->data_dirs = g_ptr_array_new_null_terminated(2, g_free, TRUE);
			g_ptr_array_add(ctx->data_dirs, g_strdup(optarg));
			break;
		case 'o':
			ctx->options_given |= HC_CTL_OPT_OUTPUT;
			set_string(&ctx->output_path, optarg);
			break;
		default:
			g_set_error(error,
				    HC_CTL_ERROR,
				    HC_CTL_ERROR_USAGE,
				    "unknown or incomplete option '%s'; see --help",
				    argv[optind - 1]);
			return -1;
		}
	}
	return 0;
}

/*
 * options may come before or after the verb ("hostcapctl list --json kvm"), so the verb
 * and its arguments are collected between option runs; "--" ends the options and what
 * follows is kept verbatim (a QEMU command line for check).
 */
static int
parse_command_line(HcCtlContext *ctx, int argc, char **argv, GPtrArray *args, GError **error)
{
	int end = argc;

	for (int i = 1; i < argc; i++) {
		if (g_strcmp0(argv[i], "--") == 0) {
			end = i;
			ctx->tail_argv = g_strdupv(argv + i + 1);
			break;
		}
	}
	optind = 1;
	while (optind < end) {
		int r = parse_options(ctx, end, argv, error);
		if (r != 0)
			return r;
		if (optind < end)
			g_ptr_array_add(args, g_strdup(argv[optind++]));
	}
	return 0;
}

int
main(int argc, char **argv)
{
	g_auto(HcCtlContext) ctx = {0};
	g_autoptr(GPtrArray) args = g_ptr_array_new_null_terminated(4, g_free, TRUE);
	g_autoptr(GError) error = NULL;
	int r;

	setlocale(LC_ALL, "");
	g_set_prgname("hostcapctl");
	r = parse_command_line(&ctx, argc, argv, args, &error);
	if (r > 0)
		return HC_CTL_EXIT_YES;
	if (r == 0 && ctx.want_help) {
		const HcCtlVerb *verb = hc_ctl_verbs_lookup(g_ptr_array_index(args, 0));
		if (verb != NULL)
			hc_ctl_verbs_print_verb_help(g_get_prgname(), verb);
		else
			hc_ctl_verbs_print_help(g_get_prgname());
		return HC_CTL_EXIT_YES;
	}
	if (r == 0) {
		if (ctx.sysroot == NULL)
			ctx.sysroot = g_strdup(g_getenv("HOSTCAPD_SYSROOT"));
		ctx.colour = !ctx.json && hc_ctl_output_want_colour();
		ctx.columns = ctx.json ? 0 : hc_ctl_output_columns();
		r = hc_ctl_verbs_dispatch(&ctx, (char **)args->pdata, &error);
		fflush(stdout);
		if (r >= 0)
			return r;
	}
	g_printerr("hostcapctl: %s\n", error->message);
	return hc_ctl_exit_code_for_error(error);
}
