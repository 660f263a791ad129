/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * access probe: could the configured QEMU user (QemuUser=) open the device nodes QEMU needs,
 * read and write? Decided from the node's mode, owner and group and the user's groups,
 * without changing credentials.
 *
 * Interfaces: stat(2) on the nodes (through the sysroot), getpwnam_r(3), getgrouplist(3),
 * getpwuid_r(3)/getgrgid_r(3) for names (NSS: the host's user database, not the sysroot's),
 * the sysctl vm.unprivileged_userfaultfd (Documentation/admin-guide/mm/userfaultfd.rst).
 * Not checked: POSIX ACLs, capabilities (CAP_SYS_PTRACE for userfaultfd), LSMs, device
 * cgroups: the reasons say so where it matters.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hc-probe-access.h"

typedef struct {
	const char *id;
	const char *node;
} HcAccessNode;

static const HcAccessNode hc_access_nodes[] = {
    {"kvm.access.qemu-user", "/dev/kvm"},
    {"net.tun.access.qemu-user", "/dev/net/tun"},
    {"vhost.net.access.qemu-user", "/dev/vhost-net"},
};

static const char *const hc_probe_access_ids[] = {
    "kvm.access.qemu-user",
    "net.tun.access.qemu-user",
    "vhost.net.access.qemu-user",
    "uffd.access.qemu-user",
    NULL,
};

typedef struct {
	const char *name;
	uid_t uid;
	gid_t *groups;
	int n_groups;
} HcAccessUser;

static void
hc_access_user_clear(HcAccessUser *user)
{
	g_clear_pointer(&user->groups, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(HcAccessUser, hc_access_user_clear)

/* NULL when found, else why not */
static char *
hc_access_user_lookup(const char *name, HcAccessUser *user)
{
	struct passwd pw;
	struct passwd *found = NULL;
	char buf[4096];
	int n = 32;
	int rc;

	rc = getpwnam_r(name, &pw, buf, sizeof(buf), &found);
	if (found == NULL)
		return g_strdup_printf("getpwnam_r(%s): %s",
				       name,
				       rc != 0 ? g_strerror(rc) : "no such user");
	user->name = name;
	user->uid = pw.pw_uid;
	user->groups = g_new0(gid_t, n);
	/* a second call with the size the first one asked for */
	if (getgrouplist(name, pw.pw_gid, user->groups, &n) < 0) {
		user->groups = g_renew(gid_t, user->groups, n);
		if (getgrouplist(name, pw.pw_gid, user->groups, &n) < 0)
			return g_strdup_printf("getgrouplist(%s) failed", name);
	}
	user->n_groups = n;
	return NULL;
}

static char *
hc_access_user_name(uid_t uid)
{
	struct passwd pw;
	struct passwd *found = NULL;
	char buf[4096];

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) == 0 && found != NULL)
		return g_strdup(pw.pw_name);
	return g_strdup_printf("%u", (guint)uid);
}

static char *
hc_access_group_name(gid_t gid)
{
	struct group gr;
	struct group *found = NULL;
	char buf[8192];

	if (getgrgid_r(gid, &gr, buf, sizeof(buf), &found) == 0 && found != NULL)
		return g_strdup(gr.gr_name);
	return g_strdup_printf("%u", (guint)gid);
}

/* "crw-rw----" as ls(1) prints it */
static void
hc_access_mode_string(mode_t mode, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";

	out[0] = S_ISCHR(mode) ? 'c' : S_ISBLK(mode) ? 'b' : S_ISDIR(mode) ? 'd' : '-';
	for (guint i = 0; i < 9; i++)
		out[i + 1] = (mode & (0400 >> i)) ? rwx[i] : '-';
	out[10] = '\0';
}

static gboolean
hc_access_user_in_group(const HcAccessUser *user, gid_t gid)
{
	for (int i = 0; i < user->n_groups; i++) {
		if (user->groups[i] == gid)
			return TRUE;
	}
	return FALSE;
}

/* TRUE when @user may open @node read-write by its mode bits; *reason says why */
static gboolean
hc_access_node_rw(HcProbeContext *ctx,
		  const HcAccessUser *user,
		  const char *node,
		  HcCapState *state,
		  char **reason)
{
	g_autofree char *path = hc_probe_context_path(ctx, node);
	g_autofree char *owner = NULL;
	g_autofree char *group = NULL;
	g_autofree char *who = NULL;
	struct stat st;
	char mode[11];
	gboolean ok;

	if (stat(path, &st) < 0) {
		int err = errno;
		*state = err == ENOENT ? HC_CAP_STATE_UNSUPPORTED : HC_CAP_STATE_UNKNOWN;
		*reason = g_strdup_printf("stat %s: %s", node, g_strerror(err));
		return FALSE;
	}
	hc_access_mode_string(st.st_mode, mode);
	owner = hc_access_user_name(st.st_uid);
	group = hc_access_group_name(st.st_gid);
	if (user->uid == 0) {
		ok = TRUE;
		who = g_strdup_printf("%s is root", user->name);
	} else if (user->uid == st.st_uid) {
		ok = (st.st_mode & 0600) == 0600;
		who = g_strdup_printf("%s owns it", user->name);
	} else if (hc_access_user_in_group(user, st.st_gid)) {
		ok = (st.st_mode & 0060) == 0060;
		who = g_strdup_printf("%s is in group %s", user->name, group);
	} else {
		ok = (st.st_mode & 0006) == 0006;
		who = g_strdup_printf("%s is not root and not in group %s", user->name, group);
	}
	*state = ok ? HC_CAP_STATE_SUPPORTED : HC_CAP_STATE_UNSUPPORTED;
	*reason = g_strdup_printf("%s is %s %s:%s; %s%s",
				  node,
				  mode,
				  owner,
				  group,
				  who,
				  ok ? "" : ", so it cannot open it read-write");
	return ok;
}

/* root, or rw on /dev/userfaultfd, or vm.unprivileged_userfaultfd = 1 (QEMU needs
 * kernel-mode faults, so UFFD_USER_MODE_ONLY does not count) */
static void
hc_access_check_uffd(HcProbeContext *ctx, const HcAccessUser *user)
{
	const char *id = "uffd.access.qemu-user";
	g_autofree char *dev_reason = NULL;
	HcCapState dev_state;
	gint64 unpriv = -1;

	if (hc_access_node_rw(ctx, user, "/dev/userfaultfd", &dev_state, &dev_reason)) {
		hc_probe_report_bool(ctx, id, HC_CAP_STATE_SUPPORTED, TRUE, "%s", dev_reason);
		return;
	}
	if (!hc_probe_context_read_int(ctx, "/proc/sys/vm/unprivileged_userfaultfd", &unpriv, NULL))
		unpriv = -1;
	if (unpriv == 1) {
		hc_probe_report_bool(
		    ctx,
		    id,
		    HC_CAP_STATE_SUPPORTED,
		    TRUE,
		    "vm.unprivileged_userfaultfd = 1: any user may call userfaultfd(2)");
		return;
	}
	hc_probe_report_bool(ctx,
			     id,
			     unpriv == 0 ? HC_CAP_STATE_UNSUPPORTED : HC_CAP_STATE_UNKNOWN,
			     FALSE,
			     "%s; vm.unprivileged_userfaultfd is %s; CAP_SYS_PTRACE not checked",
			     dev_reason,
			     unpriv == 0 ? "0" : "unreadable");
}

static gboolean
hc_probe_access_run(HcProbeContext *ctx, GError **error)
{
	g_auto(HcAccessUser) user = {0};
	const char *name = hc_probe_context_get_qemu_user(ctx);
	g_autofree char *lookup_error = hc_access_user_lookup(name, &user);

	if (lookup_error != NULL) {
		for (guint i = 0; hc_probe_access_ids[i] != NULL; i++)
			hc_probe_report(ctx,
					hc_probe_access_ids[i],
					HC_CAP_STATE_UNKNOWN,
					NULL,
					"QemuUser=%s: %s",
					name,
					lookup_error);
		return TRUE;
	}
	for (guint i = 0; i < G_N_ELEMENTS(hc_access_nodes); i++) {
		g_autofree char *reason = NULL;
		HcCapState state;
		gboolean ok =
		    hc_access_node_rw(ctx, &user, hc_access_nodes[i].node, &state, &reason);
		hc_probe_report_bool(ctx, hc_access_nodes[i].id, state, ok, "%s", reason);
	}
	hc_access_check_uffd(ctx, &user);
	return TRUE;
}

static const char *const hc_probe_access_devnodes[] = {"/dev/kvm",
						       "/dev/net/tun",
						       "/dev/vhost-net",
						       "/dev/userfaultfd",
						       NULL};

const HcProbeInfo hc_probe_access = {
    .name = "access",
    .description = "whether the QEMU user (QemuUser=) can open /dev/kvm, /dev/net/tun, "
		   "/dev/vhost-net and userfaultfd, from modes and group membership",
    .ids = hc_probe_access_ids,
    .devnodes = hc_probe_access_devnodes,
    .timeout_msec = 2000,
    .flags = HC_PROBE_FLAG_FILES_ONLY,
    .run = hc_probe_access_run,
};
