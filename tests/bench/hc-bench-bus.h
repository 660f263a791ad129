/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <systemd/sd-bus.h>

G_BEGIN_DECLS

/* the benchmark's own echo service: the floor every hostcapd figure is compared against */
#define HC_ECHO_NAME	  "org.hostcapd.BenchEcho"
#define HC_ECHO_PATH	  "/org/hostcapd/BenchEcho"
#define HC_ECHO_INTERFACE "org.hostcapd.BenchEcho"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sd_bus, sd_bus_flush_close_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(sd_bus_message, sd_bus_message_unref)

/* a fresh client connection to the bus at @address (one per thread: sd-bus objects are not
 * thread safe); returns a negative errno */
static inline int
hc_bench_bus_open(const char *address, sd_bus **ret)
{
	g_autoptr(sd_bus) bus = NULL;
	int r;

	r = sd_bus_new(&bus);
	if (r < 0)
		return r;
	r = sd_bus_set_address(bus, address);
	if (r < 0)
		return r;
	r = sd_bus_set_bus_client(bus, 1);
	if (r < 0)
		return r;
	r = sd_bus_start(bus);
	if (r < 0)
		return r;
	*ret = g_steal_pointer(&bus);
	return 0;
}

G_END_DECLS
