/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

/* a GLib critical or error is a finding: abort(), which libFuzzer catches and saves as a
 * crash input (GLib's own fatal path raises SIGTRAP, which libFuzzer does not handle) */
static GLogWriterOutput
hc_fuzz_log_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
	if ((level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR)) != 0) {
		for (gsize i = 0; i < n_fields; i++) {
			if (g_strcmp0(fields[i].key, "MESSAGE") == 0)
				fprintf(stderr, "fuzz: %s\n", (const char *)fields[i].value);
		}
		abort();
	}
	return G_LOG_WRITER_HANDLED; /* debug and warnings are noise here */
}

static inline void
hc_fuzz_init_logging(void)
{
	static gboolean done = FALSE;

	if (!done)
		g_log_set_writer_func(hc_fuzz_log_writer, NULL, NULL);
	done = TRUE;
}
