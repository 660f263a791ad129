/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The inputs a check takes: a VM spec, a libvirt domain XML, or a QEMU command line as one
 * string in shell syntax (what `virsh domxml-to-native qemu-argv` prints). The two others
 * are translated to a spec by their importers.
 */
#include <string.h>

#include "hostcap/hc-dbus.h"
#include "hostcap/hc-error.h"
#include "hc-verdict.h"

static const char *const hc_input_format_names[] = {"spec", "domain-xml", "qemu-argv"};
G_STATIC_ASSERT(G_N_ELEMENTS(hc_input_format_names) == HC_INPUT_LAST);

gboolean
hc_input_format_from_string(const char *name, HcInputFormat *out)
{
	for (guint i = 0; i < HC_INPUT_LAST; i++) {
		if (g_strcmp0(hc_input_format_names[i], name) == 0) {
			*out = i;
			return TRUE;
		}
	}
	return FALSE;
}

const char *
hc_input_format_to_string(HcInputFormat format)
{
	return format < HC_INPUT_LAST ? hc_input_format_names[format] : "?";
}

HcInputFormat
hc_input_format_guess(const char *text)
{
	while (g_ascii_isspace(*text))
		text++;
	if (*text == '<')
		return HC_INPUT_DOMAIN_XML;
	if (*text == '{')
		return HC_INPUT_SPEC;
	return HC_INPUT_QEMU_ARGV;
}

static char *
hc_input_argv_to_spec(HcCatalogue *cat, const char *text, GError **error)
{
	g_auto(GStrv) argv = NULL;
	g_autoptr(GError) local = NULL;

	if (!g_shell_parse_argv(text, NULL, &argv, &local)) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "QEMU command line: %s",
			    local->message);
		return NULL;
	}
	return hc_qemu_argv_to_spec(cat, (const char *const *)argv, error);
}

char *
hc_input_to_spec(HcCatalogue *cat,
		 HcInputFormat format,
		 const char *text,
		 gsize len,
		 GError **error)
{
	if (len > HC_LIMIT_INPUT_BYTES || (format == HC_INPUT_SPEC && len > HC_LIMIT_SPEC_BYTES)) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: %" G_GSIZE_FORMAT " bytes, at most %d allowed",
			    hc_input_format_to_string(format),
			    len,
			    format == HC_INPUT_SPEC ? HC_LIMIT_SPEC_BYTES : HC_LIMIT_INPUT_BYTES);
		return NULL;
	}
	if (memchr(text, '\0', len) != NULL || !g_utf8_validate(text, len, NULL)) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INVALID_ARGUMENT,
			    "%s: not UTF-8 text",
			    hc_input_format_to_string(format));
		return NULL;
	}
	switch (format) {
	case HC_INPUT_DOMAIN_XML:
		return hc_domxml_to_spec(text, len, error);
	case HC_INPUT_QEMU_ARGV: {
		g_autofree char *copy = g_strndup(text, len);
		return hc_input_argv_to_spec(cat, copy, error);
	}
	case HC_INPUT_SPEC:
	default:
		return g_strndup(text, len);
	}
}
