/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * HC_ERROR:
 *
 * The one error domain of hostcapd. Every code maps to exactly one D-Bus error name
 * (org.hostcapd.HostCap1.Error.*) through hc_error_to_dbus_name().
 */
#define HC_ERROR hc_error_quark()

typedef enum {
	HC_ERROR_INVALID_ARGUMENT, /* malformed JSON, wrong type, over a limit */
	HC_ERROR_UNKNOWN_FEATURE,  /* a feature or capability id nobody declares */
	HC_ERROR_ACCESS_DENIED,	   /* caller lacks the privilege the method needs */
	HC_ERROR_BUSY,		   /* rate limit or a conflicting operation */
	HC_ERROR_TIMED_OUT,	   /* a probe or an operation ran past its deadline */
	HC_ERROR_INTERNAL,	   /* everything else: I/O, kernel surprises, bugs */
	HC_ERROR_LAST,
} HcError;

GQuark
hc_error_quark(void);

/**
 * hc_error_to_dbus_name:
 * @code: an #HcError
 *
 * Returns: the D-Bus error name for @code; Internal for out-of-range codes.
 */
const char *
hc_error_to_dbus_name(gint code);

/**
 * hc_error_from_dbus_name:
 * @name: a D-Bus error name
 *
 * Returns: the #HcError for @name, or %HC_ERROR_LAST when it is not one of ours.
 */
HcError
hc_error_from_dbus_name(const char *name);

G_END_DECLS
