/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Interfaces: netlink(7) NETLINK_KOBJECT_UEVENT multicast group 1 (the kernel's uevents,
 * with SCM_CREDENTIALS so the sender can be checked), and sd-device's monitor for udev's
 * group (sd_device_monitor_new(3)) when systemd-udevd is running.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <systemd/sd-device.h>
#include <unistd.h>

#include "hc-probe-registry.h"
#include "hostcap/hc-error.h"

#include "hc-uevent.h"

#define HC_UEVENT_UDEV_CONTROL "/run/udev/control"
#define HC_UEVENT_KERNEL_GROUP 1
#define HC_UEVENT_MAX_DATAGRAM 8192
#define HC_UEVENT_RCVBUF_BYTES (1024 * 1024)

struct _HcUevent {
	HcDebounce *debounce; /* borrowed */
	int fd;
	sd_event_source *io;
	sd_device_monitor *monitor;
};

GHashTable *
hc_uevent_parse(const char *buf, gsize len)
{
	g_autoptr(GHashTable) env = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	const char *end = buf + len;
	const char *p = memchr(buf, '\0', len);

	/* the header is ACTION@DEVPATH; udev's own format starts with "libudev" */
	if (p == NULL || memchr(buf, '@', (gsize)(p - buf)) == NULL)
		return NULL;
	for (p = p + 1; p < end;) {
		const char *nul = memchr(p, '\0', (gsize)(end - p));
		gsize n = nul != NULL ? (gsize)(nul - p) : (gsize)(end - p);
		const char *eq = memchr(p, '=', n);
		if (eq != NULL && eq > p)
			g_hash_table_replace(env,
					     g_strndup(p, (gsize)(eq - p)),
					     g_strndup(eq + 1, n - (gsize)(eq - p) - 1));
		p += n + 1;
	}
	return g_steal_pointer(&env);
}

const char *
hc_uevent_get_subsystem(GHashTable *env)
{
	const char *subsystem = g_hash_table_lookup(env, "SUBSYSTEM");
	const char *event = g_hash_table_lookup(env, "EVENT");
	const char *devpath = g_hash_table_lookup(env, "DEVPATH");

	if (subsystem == NULL || subsystem[0] == '\0')
		return NULL;
	/* kvm_uevent_notify_change(): every KVM_CREATE_VM and VM teardown, ours included */
	if (g_strcmp0(subsystem, "misc") == 0 && devpath != NULL &&
	    g_str_has_suffix(devpath, "/kvm") &&
	    (g_strcmp0(event, "create") == 0 || g_strcmp0(event, "destroy") == 0))
		return NULL;
	return subsystem;
}

GPtrArray *
hc_uevent_probes_for_subsystem(const char *subsystem)
{
	GPtrArray *names = g_ptr_array_new();

	for (guint i = 0; i < hc_probe_registry_len; i++) {
		const HcProbeInfo *info = hc_probe_registry[i];
		if (info->subsystems != NULL && g_strv_contains(info->subsystems, subsystem))
			g_ptr_array_add(names, (gpointer)info->name);
	}
	return names;
}

static void
hc_uevent_dispatch(HcUevent *uevent, const char *subsystem)
{
	g_autoptr(GPtrArray) names = hc_uevent_probes_for_subsystem(subsystem);
	g_autofree char *why = g_strdup_printf("uevent %s", subsystem);

	for (guint i = 0; i < names->len; i++)
		hc_debounce_add(uevent->debounce, names->pdata[i], why);
}

/* one datagram; FALSE when the socket is drained */
static gboolean
hc_uevent_read_one(HcUevent *uevent)
{
	char buf[HC_UEVENT_MAX_DATAGRAM];
	char control[CMSG_SPACE(sizeof(struct ucred))];
	struct sockaddr_nl sender = {0};
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
	struct msghdr msg = {
	    .msg_name = &sender,
	    .msg_namelen = sizeof(sender),
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = control,
	    .msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg;
	const struct ucred *cred = NULL;
	g_autoptr(GHashTable) env = NULL;
	const char *subsystem;
	ssize_t n = recvmsg(uevent->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

	if (n < 0) {
		if (errno == EINTR)
			return TRUE;
		/* ENOBUFS: the kernel dropped events; re-probing what we know of is all we can do
		 */
		if (errno == ENOBUFS) {
			g_warning("uevent socket overflowed: events were lost, ignoring");
			return TRUE;
		}
		if (errno != EAGAIN)
			g_warning("reading uevents: %s, ignoring", g_strerror(errno));
		return FALSE;
	}
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_CREDENTIALS)
			cred = (const struct ucred *)(gpointer)CMSG_DATA(cmsg);
	}
	/* only the kernel: netlink port 0 and pid 0; anything else could be forged */
	if (sender.nl_pid != 0 || cred == NULL || cred->pid != 0 || (msg.msg_flags & MSG_TRUNC)) {
		g_debug("ignoring a uevent datagram not sent by the kernel");
		return TRUE;
	}
	env = hc_uevent_parse(buf, (gsize)n);
	subsystem = env != NULL ? hc_uevent_get_subsystem(env) : NULL;
	if (subsystem != NULL)
		hc_uevent_dispatch(uevent, subsystem);
	return TRUE;
}

static int
hc_uevent_on_io(sd_event_source *s, int fd, uint32_t revents, void *user_data)
{
	HcUevent *uevent = user_data;

	while (hc_uevent_read_one(uevent))
		;
	return 0;
}

static gboolean
hc_uevent_open_kernel(HcUevent *uevent, sd_event *event, GError **error)
{
	struct sockaddr_nl addr = {.nl_family = AF_NETLINK, .nl_groups = HC_UEVENT_KERNEL_GROUP};
	const int one = 1;
	const int rcvbuf = HC_UEVENT_RCVBUF_BYTES;
	int r;

	uevent->fd =
	    socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_KOBJECT_UEVENT);
	if (uevent->fd < 0 ||
	    setsockopt(uevent->fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
	    bind(uevent->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "kernel uevent socket: %s",
			    g_strerror(errno));
		return FALSE;
	}
	/* a burst (a module loading many devices) should not overflow the default buffer */
	if (setsockopt(uevent->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0)
		g_debug("SO_RCVBUF: %s, ignoring", g_strerror(errno));
	r = sd_event_add_io(event, &uevent->io, uevent->fd, EPOLLIN, hc_uevent_on_io, uevent);
	if (r < 0) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "watching the uevent socket: %s",
			    g_strerror(-r));
		return FALSE;
	}
	sd_event_source_set_description(uevent->io, "uevent-kernel");
	return TRUE;
}

static int
hc_uevent_on_device(sd_device_monitor *m, sd_device *device, void *user_data)
{
	g_autoptr(GHashTable) env = g_hash_table_new(g_str_hash, g_str_equal);
	const char *keys[] = {"SUBSYSTEM", "EVENT", "DEVPATH"};
	const char *subsystem;

	/* the same filter as for the kernel's datagrams */
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		const char *value = NULL;
		if (sd_device_get_property_value(device, keys[i], &value) >= 0 && value != NULL)
			g_hash_table_insert(env, (gpointer)keys[i], (gpointer)value);
	}
	subsystem = hc_uevent_get_subsystem(env);
	if (subsystem != NULL)
		hc_uevent_dispatch(user_data, subsystem);
	return 0;
}

static gboolean
hc_uevent_open_udev(HcUevent *uevent, sd_event *event, GError **error)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	int r = sd_device_monitor_new(&uevent->monitor);

	for (guint i = 0; r >= 0 && i < hc_probe_registry_len; i++) {
		const char *const *subs = hc_probe_registry[i]->subsystems;
		for (guint j = 0; r >= 0 && subs != NULL && subs[j] != NULL; j++) {
			if (!g_hash_table_add(seen, (gpointer)subs[j]))
				continue;
			r = sd_device_monitor_filter_add_match_subsystem_devtype(uevent->monitor,
										 subs[j],
										 NULL);
		}
	}
	if (r >= 0)
		r = sd_device_monitor_attach_event(uevent->monitor, event);
	if (r >= 0)
		r = sd_device_monitor_start(uevent->monitor, hc_uevent_on_device, uevent);
	if (r < 0) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "udev device monitor: %s",
			    g_strerror(-r));
		return FALSE;
	}
	return TRUE;
}

HcUevent *
hc_uevent_new(sd_event *event, HcDebounce *debounce, GError **error)
{
	g_autoptr(HcUevent) uevent = g_new0(HcUevent, 1);

	uevent->fd = -1;
	uevent->debounce = debounce;
	/* udev re-broadcasts events once it has processed them (device nodes exist by then) */
	if (access(HC_UEVENT_UDEV_CONTROL, F_OK) == 0) {
		if (!hc_uevent_open_udev(uevent, event, error))
			return NULL;
	} else if (!hc_uevent_open_kernel(uevent, event, error)) {
		return NULL;
	}
	g_debug("listening to %s uevents", hc_uevent_get_source(uevent));
	return g_steal_pointer(&uevent);
}

const char *
hc_uevent_get_source(HcUevent *uevent)
{
	return uevent->monitor != NULL ? "udev" : "kernel";
}

void
hc_uevent_free(HcUevent *uevent)
{
	if (uevent == NULL)
		return;
	uevent->io = sd_event_source_disable_unref(uevent->io);
	if (uevent->fd >= 0)
		close(uevent->fd);
	uevent->monitor = sd_device_monitor_unref(uevent->monitor);
	g_free(uevent);
}
