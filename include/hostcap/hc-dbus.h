/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* names of the D-Bus API; append-only once released */
#define HC_DBUS_NAME	  "org.hostcapd.HostCap1"
#define HC_DBUS_PATH	  "/org/hostcapd/HostCap1"
#define HC_DBUS_INTERFACE "org.hostcapd.HostCap1"

#define HC_DBUS_ERROR_INVALID_ARGUMENT HC_DBUS_INTERFACE ".Error.InvalidArgument"
#define HC_DBUS_ERROR_UNKNOWN_FEATURE  HC_DBUS_INTERFACE ".Error.UnknownFeature"
#define HC_DBUS_ERROR_ACCESS_DENIED    HC_DBUS_INTERFACE ".Error.AccessDenied"
#define HC_DBUS_ERROR_BUSY	       HC_DBUS_INTERFACE ".Error.Busy"
#define HC_DBUS_ERROR_TIMED_OUT	       HC_DBUS_INTERFACE ".Error.TimedOut"
#define HC_DBUS_ERROR_INTERNAL	       HC_DBUS_INTERFACE ".Error.Internal"

/* input limits (DESIGN §8) */
#define HC_LIMIT_SPEC_BYTES	(64 * 1024)
#define HC_LIMIT_SNAPSHOT_BYTES (4 * 1024 * 1024)
/* a domain XML or a QEMU command line, before translation to a spec */
#define HC_LIMIT_INPUT_BYTES (256 * 1024)
#define HC_LIMIT_FEATURES    1024
#define HC_LIMIT_NESTING     32
