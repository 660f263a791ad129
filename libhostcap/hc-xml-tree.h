/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A small element tree built with GMarkup: enough for libvirt's domain XML (elements,
 * attributes, text; no DTD, no entities beyond XML's five). Namespaces are resolved from
 * the xmlns / xmlns:prefix attributes in scope.
 */
typedef struct _HcXmlNode HcXmlNode;
struct _HcXmlNode {
	char *name; /* as written, with its prefix ("hostcapd:platform") */
	char **attr_names;
	char **attr_values;
	GPtrArray *children; /* HcXmlNode* */
	GString *text;
	HcXmlNode *parent;
};

/* at most this many elements and this depth: a domain XML has a few hundred */
#define HC_XML_MAX_ELEMENTS 20000
#define HC_XML_MAX_DEPTH    32

/**
 * hc_xml_parse:
 * Errors: HC_ERROR_INVALID_ARGUMENT with GMarkup's line and column, or the limits.
 */
HcXmlNode *
hc_xml_parse(const char *text, gsize len, GError **error);
void
hc_xml_node_free(HcXmlNode *node);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcXmlNode, hc_xml_node_free)

/* the element's name without its prefix */
const char *
hc_xml_local_name(const HcXmlNode *node);
/* the namespace URI of the element (NULL when none is in scope) */
const char *
hc_xml_namespace(const HcXmlNode *node);
const char *
hc_xml_attr(const HcXmlNode *node, const char *name);
/* the first child named @name, or NULL */
HcXmlNode *
hc_xml_child(const HcXmlNode *node, const char *name);
/* the element's text, whitespace stripped (never NULL) */
const char *
hc_xml_text(const HcXmlNode *node);
/* "/domain/devices/interface[2]/driver": an index where siblings share the name */
char *
hc_xml_path(const HcXmlNode *node);
/* hc_xml_path() + "/@attr" */
char *
hc_xml_attr_path(const HcXmlNode *node, const char *attr);

G_END_DECLS
