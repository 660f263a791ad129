/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "hc-xml-tree.h"

G_BEGIN_DECLS

/*
 * libvirt domain XML import, internal to hc-domxml*.c. The entry point,
 * hc_domxml_to_spec(), is declared in hc-verdict.h; docs/libvirt.md says what each element
 * becomes. Handlers record features, record what they do not judge in "unevaluated" (with
 * the element's path), or fail with HC_ERROR_INVALID_ARGUMENT naming the path of a value
 * libvirt itself would refuse.
 */

#define HC_DOMXML_NAMESPACE "urn:hostcapd:domain:1"

typedef struct {
	JsonObject *features;
	JsonObject *pins;	/* <hostcapd:pin>: applied last */
	GPtrArray *unevaluated; /* char* */
	char *machine;
	char *platform;
	gboolean kvm;	     /* <domain type='kvm'> */
	gboolean host_model; /* <cpu mode='host-model'>: libvirt picks the model */
} HcDomxml;

typedef gboolean (*HcDomxmlHandler)(HcDomxml *ctx, HcXmlNode *node, GError **error);

/* a child element name and its handler; a NULL handler: host-neutral, nothing to judge */
typedef struct {
	const char *name;
	HcDomxmlHandler handler;
} HcDomxmlElement;

/* runs each child of @node through @table; a child not in it becomes an unevaluated note */
gboolean
hc_domxml_children(HcDomxml *ctx,
		   HcXmlNode *node,
		   const HcDomxmlElement *table,
		   guint n_table,
		   GError **error);
/* "<path>: <why>" into unevaluated */
void
hc_domxml_note(HcDomxml *ctx, HcXmlNode *node, const char *why);
void
hc_domxml_note_attr(HcDomxml *ctx, HcXmlNode *node, const char *attr, const char *why);
/* sets HC_ERROR_INVALID_ARGUMENT "<path>/@<attr>: <what>, got '<value>'"; returns FALSE */
gboolean
hc_domxml_bad_attr(HcXmlNode *node, const char *attr, const char *what, GError **error);
gboolean
hc_domxml_bad(HcXmlNode *node, const char *what, GError **error);
/* libvirt's on/off (and yes/no for some attributes); absent: *present FALSE */
gboolean
hc_domxml_on_off(HcXmlNode *node,
		 const char *attr,
		 gboolean *present,
		 gboolean *out,
		 GError **error);
/* an unsigned integer attribute (decimal or 0x hex); absent: *present FALSE */
gboolean
hc_domxml_uint_attr(HcXmlNode *node,
		    const char *attr,
		    gboolean *present,
		    guint64 *out,
		    GError **error);
/* an element's scaled size (value + unit=, libvirt's default unit KiB) in bytes */
gboolean
hc_domxml_size(HcXmlNode *node, const char *default_unit, guint64 *bytes, GError **error);
/* a boolean request from several devices: "on" anywhere is what the host must provide */
void
hc_domxml_set_bool(HcDomxml *ctx, const char *id, gboolean value, gboolean true_wins);

/* hc-domxml-cpu.c: <cpu>, <features>, <clock> */
gboolean
hc_domxml_cpu(HcDomxml *ctx, HcXmlNode *node, GError **error);
gboolean
hc_domxml_features(HcDomxml *ctx, HcXmlNode *node, GError **error);
gboolean
hc_domxml_clock(HcDomxml *ctx, HcXmlNode *node, GError **error);

/* hc-domxml-memory.c: <memory>, <vcpu>, <memoryBacking>, <launchSecurity> */
gboolean
hc_domxml_memory(HcDomxml *ctx, HcXmlNode *node, GError **error);
gboolean
hc_domxml_vcpu(HcDomxml *ctx, HcXmlNode *node, GError **error);
gboolean
hc_domxml_memory_backing(HcDomxml *ctx, HcXmlNode *node, GError **error);
gboolean
hc_domxml_launch_security(HcDomxml *ctx, HcXmlNode *node, GError **error);

/* hc-domxml-devices.c: <devices> */
gboolean
hc_domxml_devices(HcDomxml *ctx, HcXmlNode *node, GError **error);

G_END_DECLS
