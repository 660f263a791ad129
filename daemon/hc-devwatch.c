/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Interfaces: inotify(7) on the device directories (IN_CREATE, IN_DELETE, IN_ATTRIB, moves);
 * stat(2) of the node, so an IN_ATTRIB that changed only timestamps is ignored. */
#include <errno.h>
#include <sys/epoll.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hc-probe-registry.h"
#include "hostcap/hc-error.h"

#include "hc-devwatch.h"

#define HC_DEVWATCH_MASK                                                                           \
	(IN_CREATE | IN_DELETE | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF |        \
	 IN_ONLYDIR)

struct _HcDevwatch {
	HcDebounce *debounce; /* borrowed */
	char *sysroot;
	int fd;
	sd_event_source *io;
	GHashTable *dirs;    /* every directory a devnode lives in (absolute, no sysroot) */
	GHashTable *watches; /* wd -> directory */
	GHashTable *nodes;   /* node path (no sysroot) -> HcDevwatchNode, as last seen */
};

/* what a probe's answer can depend on: touch(1) changes none of it, chmod and chown do */
typedef struct {
	gboolean present;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	dev_t rdev;
} HcDevwatchNode;

/* TRUE when @node's mode, owner, rdev or existence differ from what was last seen */
static gboolean
hc_devwatch_node_changed(HcDevwatch *w, const char *node)
{
	g_autofree char *path = g_strconcat(w->sysroot, node, NULL);
	HcDevwatchNode now = {0};
	HcDevwatchNode *seen = g_hash_table_lookup(w->nodes, node);
	struct stat st;

	if (stat(path, &st) == 0)
		now = (HcDevwatchNode){TRUE, st.st_mode, st.st_uid, st.st_gid, st.st_rdev};
	if (seen != NULL && memcmp(seen, &now, sizeof(now)) == 0)
		return FALSE;
	g_hash_table_replace(w->nodes, g_strdup(node), g_memdup2(&now, sizeof(now)));
	return TRUE;
}

GPtrArray *
hc_devwatch_probes_for_path(const char *node)
{
	GPtrArray *names = g_ptr_array_new();
	g_autofree char *under = g_strconcat(node, "/", NULL);

	for (guint i = 0; i < hc_probe_registry_len; i++) {
		const char *const *nodes = hc_probe_registry[i]->devnodes;
		for (guint j = 0; nodes != NULL && nodes[j] != NULL; j++) {
			if (g_strcmp0(nodes[j], node) == 0 || g_str_has_prefix(nodes[j], under)) {
				g_ptr_array_add(names, (gpointer)hc_probe_registry[i]->name);
				break;
			}
		}
	}
	return names;
}

static void
hc_devwatch_add_dir(HcDevwatch *w, const char *dir)
{
	g_autofree char *path = g_strconcat(w->sysroot, dir, NULL);
	int wd = inotify_add_watch(w->fd, path, HC_DEVWATCH_MASK);

	if (wd < 0) {
		/* absent until a module creates it: the parent's watch will tell */
		g_debug("not watching %s: %s", path, g_strerror(errno));
		return;
	}
	g_hash_table_replace(w->watches, GINT_TO_POINTER(wd), g_strdup(dir));
}

static void
hc_devwatch_event(HcDevwatch *w, const struct inotify_event *ev)
{
	const char *dir = g_hash_table_lookup(w->watches, GINT_TO_POINTER(ev->wd));
	g_autofree char *node = NULL;
	g_autoptr(GPtrArray) names = NULL;
	g_autofree char *why = NULL;

	if (ev->mask & IN_IGNORED) {
		g_hash_table_remove(w->watches, GINT_TO_POINTER(ev->wd));
		return;
	}
	if (dir == NULL || ev->len == 0)
		return;
	node = g_build_filename(dir, ev->name, NULL);
	/* IN_ATTRIB fires for timestamps too, and /dev/net/tun is 0666: a user touching it in a
	 * loop must not become a stream of probe passes */
	if (!(ev->mask & ~(IN_ATTRIB | IN_ISDIR)) && !hc_devwatch_node_changed(w, node)) {
		g_debug("%s: attributes touched, mode, owner and rdev unchanged; ignoring", node);
		return;
	}
	if (ev->mask & ~(IN_ATTRIB | IN_ISDIR))
		(void)hc_devwatch_node_changed(w, node);
	if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) && (ev->mask & IN_ISDIR) &&
	    g_hash_table_contains(w->dirs, node))
		hc_devwatch_add_dir(w, node);
	names = hc_devwatch_probes_for_path(node);
	why = g_strdup_printf("%s %s",
			      node,
			      ev->mask & (IN_CREATE | IN_MOVED_TO)     ? "appeared"
			      : ev->mask & (IN_DELETE | IN_MOVED_FROM) ? "vanished"
								       : "changed");
	for (guint i = 0; i < names->len; i++)
		hc_debounce_add(w->debounce, names->pdata[i], why);
}

static int
hc_devwatch_on_io(sd_event_source *s, int fd, uint32_t revents, void *user_data)
{
	HcDevwatch *w = user_data;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN)
				g_warning("reading inotify events: %s, ignoring",
					  g_strerror(errno));
			return 0;
		}
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)(gpointer)p;
			hc_devwatch_event(w, ev);
			p += sizeof(struct inotify_event) + ev->len;
		}
	}
}

HcDevwatch *
hc_devwatch_new(sd_event *event, const char *sysroot, HcDebounce *debounce, GError **error)
{
	g_autoptr(HcDevwatch) w = g_new0(HcDevwatch, 1);
	GHashTableIter iter;
	gpointer watch_dir;
	int r;

	w->debounce = debounce;
	w->sysroot = g_strdup(sysroot != NULL ? sysroot : "");
	w->dirs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	w->watches = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	w->nodes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "inotify_init1: %s",
			    g_strerror(errno));
		return NULL;
	}
	/* each node's directory and the ones above it up to /dev, so a late subdirectory is seen */
	for (guint i = 0; i < hc_probe_registry_len; i++) {
		const char *const *nodes = hc_probe_registry[i]->devnodes;
		for (guint j = 0; nodes != NULL && nodes[j] != NULL; j++) {
			g_autofree char *dir = g_path_get_dirname(nodes[j]);
			(void)hc_devwatch_node_changed(w, nodes[j]);
			while (g_str_has_prefix(dir, "/dev") &&
			       !g_hash_table_contains(w->dirs, dir)) {
				char *parent = g_path_get_dirname(dir);
				g_hash_table_add(w->dirs, g_steal_pointer(&dir));
				dir = parent;
			}
		}
	}
	g_hash_table_iter_init(&iter, w->dirs);
	while (g_hash_table_iter_next(&iter, &watch_dir, NULL))
		hc_devwatch_add_dir(w, watch_dir);
	r = sd_event_add_io(event, &w->io, w->fd, EPOLLIN, hc_devwatch_on_io, w);
	if (r < 0) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "watching inotify: %s",
			    g_strerror(-r));
		return NULL;
	}
	sd_event_source_set_description(w->io, "devwatch");
	return g_steal_pointer(&w);
}

void
hc_devwatch_free(HcDevwatch *w)
{
	if (w == NULL)
		return;
	w->io = sd_event_source_disable_unref(w->io);
	if (w->fd >= 0)
		close(w->fd);
	g_clear_pointer(&w->dirs, g_hash_table_unref);
	g_clear_pointer(&w->watches, g_hash_table_unref);
	g_clear_pointer(&w->nodes, g_hash_table_unref);
	g_free(w->sysroot);
	g_free(w);
}
