/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HC_STATE_LOCK_FILE_NAME "lock"

/**
 * hc_state_lock_acquire:
 * @dir: the state directory (made if missing)
 *
 * Takes an exclusive, non-blocking flock(2) on @dir/lock so that one daemon at a time owns
 * the state and cache it writes; the lock goes with the returned fd (close it, or let the
 * process end). A second daemon gets HC_ERROR_BUSY naming the directory, before it probes
 * or writes anything. Returns the fd, or -1 with @error.
 */
int
hc_state_lock_acquire(const char *dir, GError **error);

G_END_DECLS
