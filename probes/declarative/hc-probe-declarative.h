/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "hostcap/hc-probe.h"

G_BEGIN_DECLS

extern const HcProbeInfo hc_probe_declarative;

G_END_DECLS
