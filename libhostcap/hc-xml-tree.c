/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GMarkup → element tree. GMarkup checks well-formedness; the tree keeps what the domain XML
 * importer reads (attributes, text, order) and can name any element by an XPath-like path,
 * which error messages and unevaluated notes quote.
 */
#include "hc-xml-tree.h"

#include <string.h>

#include "hostcap/hc-error.h"

typedef struct {
	HcXmlNode *root;
	HcXmlNode *current;
	guint depth;
	guint count;
} HcXmlBuild;

void
hc_xml_node_free(HcXmlNode *node)
{
	if (node == NULL)
		return;
	g_free(node->name);
	g_strfreev(node->attr_names);
	g_strfreev(node->attr_values);
	g_ptr_array_unref(node->children);
	g_string_free(node->text, TRUE);
	g_free(node);
}

static void
hc_xml_start(GMarkupParseContext *context,
	     const char *name,
	     const char **attr_names,
	     const char **attr_values,
	     gpointer user_data,
	     GError **error)
{
	HcXmlBuild *b = user_data;
	HcXmlNode *node;

	if (b->current == NULL && b->root != NULL) {
		g_set_error_literal(error,
				    G_MARKUP_ERROR,
				    G_MARKUP_ERROR_INVALID_CONTENT,
				    "a second top-level element");
		return;
	}
	if (++b->count > HC_XML_MAX_ELEMENTS || b->depth + 1 > HC_XML_MAX_DEPTH) {
		g_set_error(error,
			    G_MARKUP_ERROR,
			    G_MARKUP_ERROR_INVALID_CONTENT,
			    "more than %d elements or deeper than %d levels",
			    HC_XML_MAX_ELEMENTS,
			    HC_XML_MAX_DEPTH);
		return;
	}
	node = g_new0(HcXmlNode, 1);
	node->name = g_strdup(name);
	node->attr_names = g_strdupv((char **)attr_names);
	node->attr_values = g_strdupv((char **)attr_values);
	node->children = g_ptr_array_new_with_free_func((GDestroyNotify)hc_xml_node_free);
	node->text = g_string_new(NULL);
	node->parent = b->current;
	if (b->current != NULL)
		g_ptr_array_add(b->current->children, node);
	else
		b->root = node;
	b->current = node;
	b->depth++;
}

static void
hc_xml_end(GMarkupParseContext *context, const char *name, gpointer user_data, GError **error)
{
	HcXmlBuild *b = user_data;
	GString *text = b->current->text;

	g_strstrip(text->str);
	g_string_truncate(text, strlen(text->str));
	b->current = b->current->parent;
	b->depth--;
}

static void
hc_xml_text_cb(GMarkupParseContext *context,
	       const char *text,
	       gsize len,
	       gpointer user_data,
	       GError **error)
{
	HcXmlBuild *b = user_data;

	if (b->current != NULL)
		g_string_append_len(b->current->text, text, len);
}

HcXmlNode *
hc_xml_parse(const char *text, gsize len, GError **error)
{
	static const GMarkupParser parser = {hc_xml_start, hc_xml_end, hc_xml_text_cb, NULL, NULL};
	HcXmlBuild b = {0};
	g_autoptr(GMarkupParseContext) ctx = NULL;
	g_autoptr(GError) local = NULL;

	ctx = g_markup_parse_context_new(&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &b, NULL);
	if (!g_markup_parse_context_parse(ctx, text, len, &local) ||
	    !g_markup_parse_context_end_parse(ctx, &local)) {
		hc_xml_node_free(b.root);
		g_set_error(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT, "XML: %s", local->message);
		return NULL;
	}
	if (b.root == NULL) {
		g_set_error_literal(error, HC_ERROR, HC_ERROR_INVALID_ARGUMENT, "XML: no element");
		return NULL;
	}
	return b.root;
}

const char *
hc_xml_local_name(const HcXmlNode *node)
{
	const char *colon = strchr(node->name, ':');
	return colon != NULL ? colon + 1 : node->name;
}

const char *
hc_xml_attr(const HcXmlNode *node, const char *name)
{
	for (guint i = 0; node->attr_names[i] != NULL; i++) {
		if (g_strcmp0(node->attr_names[i], name) == 0)
			return node->attr_values[i];
	}
	return NULL;
}

const char *
hc_xml_namespace(const HcXmlNode *node)
{
	const char *colon = strchr(node->name, ':');
	g_autofree char *decl =
	    colon != NULL ? g_strdup_printf("xmlns:%.*s", (int)(colon - node->name), node->name)
			  : g_strdup("xmlns");

	for (const HcXmlNode *n = node; n != NULL; n = n->parent) {
		const char *uri = hc_xml_attr(n, decl);
		if (uri != NULL)
			return uri;
	}
	return NULL;
}

HcXmlNode *
hc_xml_child(const HcXmlNode *node, const char *name)
{
	for (guint i = 0; i < node->children->len; i++) {
		HcXmlNode *c = g_ptr_array_index(node->children, i);
		if (g_strcmp0(c->name, name) == 0)
			return c;
	}
	return NULL;
}

const char *
hc_xml_text(const HcXmlNode *node)
{
	return node->text->str; /* stripped when the element ended */
}

/* "name" or "name[i]" among the element's siblings of the same name */
static char *
hc_xml_step(const HcXmlNode *node)
{
	guint index = 0, same = 0;

	if (node->parent == NULL)
		return g_strdup(node->name);
	for (guint i = 0; i < node->parent->children->len; i++) {
		HcXmlNode *c = g_ptr_array_index(node->parent->children, i);
		if (g_strcmp0(c->name, node->name) != 0)
			continue;
		same++;
		if (c == node)
			index = same;
	}
	if (same == 1)
		return g_strdup(node->name);
	return g_strdup_printf("%s[%u]", node->name, index);
}

char *
hc_xml_path(const HcXmlNode *node)
{
	g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func(g_free);
	GString *path = g_string_new(NULL);

	for (const HcXmlNode *n = node; n != NULL; n = n->parent)
		g_ptr_array_add(steps, hc_xml_step(n));
	for (guint i = steps->len; i > 0; i--)
		g_string_append_printf(path, "/%s", (char *)g_ptr_array_index(steps, i - 1));
	return g_string_free(path, FALSE);
}

char *
hc_xml_attr_path(const HcXmlNode *node, const char *attr)
{
	g_autofree char *path = hc_xml_path(node);
	return g_strdup_printf("%s/@%s", path, attr);
}
