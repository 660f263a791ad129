/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Where the catalogue lives when nobody says (--data-dir): the installed roots, or, for a
 * binary run from the build tree it was built in, the source tree's data/, so that a
 * developer's first run finds the catalogue without flags.
 */

/* NULL-terminated, lowest priority first; static */
const char *const *
hc_data_dirs_default(void);

/* TRUE when @exe (a path) lies under @build_root */
gboolean
hc_data_dirs_exe_in_build_tree(const char *exe, const char *build_root);

/* "A, B" for messages */
char *
hc_data_dirs_join(const char *const *dirs);

G_END_DECLS
