/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hostcap/hc-probe.h"

G_BEGIN_DECLS

/* KVM module parameters (/sys/module/<module>/parameters/<param>), shared by the nested,
 * confidential and tsc probes */

/**
 * hc_kvm_param_read:
 *
 * Returns: the stripped value of the parameter, or NULL with @state and @reason (owned):
 * "unsupported" when the file does not exist (module not loaded, or a kernel without the
 * parameter), "unknown" on any other read error. The reason names the path.
 */
char *
hc_kvm_param_read(HcProbeContext *ctx,
		  const char *module,
		  const char *param,
		  HcCapState *state,
		  char **reason);

/* "Y"/"y"/"1" -> 1, "N"/"n"/"0" -> 0, anything else -> -1 */
int
hc_kvm_param_to_bool(const char *value);

/**
 * hc_kvm_param_report_bool:
 *
 * Reports @id from a boolean parameter: "supported" for Y/1, "disabled" for N/0 (present
 * but switched off), "unknown" for another value, "unsupported" when the file is absent.
 * Returns: the value as hc_kvm_param_to_bool() does, -1 when unreadable.
 */
int
hc_kvm_param_report_bool(HcProbeContext *ctx,
			 const char *id,
			 const char *module,
			 const char *param);

G_END_DECLS
