/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hc-echo-service: the smallest useful sd-bus service, built the way hostcapd is built (one
 * sd-event loop driving one sd-bus connection, a vtable, sd_notify). Its Echo(s) → s is the
 * floor of any D-Bus query on this machine: whatever hostcapd adds on top is its own cost.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "hc-bench-bus.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sd_event, sd_event_unref)

static int
hc_echo_method_echo(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	const char *text = NULL;
	int r;

	r = sd_bus_message_read(m, "s", &text);
	if (r < 0)
		return r;
	return sd_bus_reply_method_return(m, "s", text);
}

static const sd_bus_vtable hc_echo_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_ARGS("Echo",
			    SD_BUS_ARGS("s", text),
			    SD_BUS_RESULT("s", text),
			    hc_echo_method_echo,
			    SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END,
};

static int
hc_echo_name_acquired(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	const sd_bus_error *e = sd_bus_message_get_error(m);

	if (e != NULL) {
		fprintf(stderr, "hc-echo-service: cannot own %s: %s\n", HC_ECHO_NAME, e->message);
		return sd_event_exit(sd_bus_get_event(sd_bus_message_get_bus(m)), 1);
	}
	sd_notify(0, "READY=1\nSTATUS=echoing");
	return 0;
}

static int
hc_echo_on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	sd_notify(0, "STOPPING=1");
	return sd_event_exit(sd_event_source_get_event(s), 0);
}

static int
hc_echo_run(const char *address)
{
	g_autoptr(sd_event) event = NULL;
	g_autoptr(sd_bus) bus = NULL;
	sigset_t mask;
	int r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	r = sd_event_default(&event);
	if (r < 0)
		return r;
	r = sd_event_add_signal(event, NULL, SIGTERM, hc_echo_on_signal, NULL);
	if (r < 0)
		return r;
	r = sd_event_add_signal(event, NULL, SIGINT, hc_echo_on_signal, NULL);
	if (r < 0)
		return r;
	r = hc_bench_bus_open(address, &bus);
	if (r < 0)
		return r;
	r = sd_bus_add_object_vtable(bus,
				     NULL,
				     HC_ECHO_PATH,
				     HC_ECHO_INTERFACE,
				     hc_echo_vtable,
				     NULL);
	if (r < 0)
		return r;
	r = sd_bus_request_name_async(bus, NULL, HC_ECHO_NAME, 0, hc_echo_name_acquired, NULL);
	if (r < 0)
		return r;
	r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL);
	if (r < 0)
		return r;
	return sd_event_loop(event);
}

int
main(int argc, char **argv)
{
	int r;

	if (argc != 3 || g_strcmp0(argv[1], "--address") != 0) {
		fprintf(stderr, "usage: %s --address ADDRESS\n", argv[0]);
		return 2;
	}
	r = hc_echo_run(argv[2]);
	if (r < 0) {
		fprintf(stderr, "hc-echo-service: %s\n", g_strerror(-r));
		return 1;
	}
	return r;
}
