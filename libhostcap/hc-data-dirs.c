/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* the default catalogue roots: installed, or the source tree's for a build-tree binary */
#include "hc-config.h"

#include <string.h>

#include "hc-data-dirs.h"

gboolean
hc_data_dirs_exe_in_build_tree(const char *exe, const char *build_root)
{
	gsize n = strlen(build_root);

	return exe != NULL && n > 0 && strncmp(exe, build_root, n) == 0 && exe[n] == '/';
}

static gpointer
hc_data_dirs_pick(gpointer unused)
{
	static const char *const installed[] = {HC_DATADIR, HC_SYSCONFDIR, NULL};
	static const char *const source_tree[] = {HC_SOURCE_DATADIR, NULL};
	g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);

	/* an installed binary never lives under the build directory it was built in */
	if (hc_data_dirs_exe_in_build_tree(exe, HC_BUILD_ROOT))
		return (gpointer)source_tree;
	return (gpointer)installed;
}

const char *const *
hc_data_dirs_default(void)
{
	static GOnce once = G_ONCE_INIT;

	return g_once(&once, hc_data_dirs_pick, NULL);
}

char *
hc_data_dirs_join(const char *const *dirs)
{
	return g_strjoinv(", ", (char **)dirs);
}
