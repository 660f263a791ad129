/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hc-probe-registry.h"
#include "hostcap/hc-error.h"

#include "hc-catalogue-loader.h"

struct _HcCatalogueLoader {
	sd_event *event;
	const char *const *data_dirs;
	char *hash; /* of the files, NULL when they cannot be read */
	gboolean tried;
	sd_event_source *source;
	HcCatalogue *catalogue; /* NULL when loading failed: error says why */
	GError *error;
	HcCatalogueLoaderFunc notify;
	gpointer notify_data;
};

void
hc_catalogue_loader_set_notify(HcCatalogueLoader *loader,
			       HcCatalogueLoaderFunc func,
			       gpointer user_data)
{
	loader->notify = func;
	loader->notify_data = user_data;
}

const GError *
hc_catalogue_loader_get_error(HcCatalogueLoader *loader)
{
	return loader->catalogue == NULL ? loader->error : NULL;
}

HcCatalogueLoader *
hc_catalogue_loader_new(sd_event *event, const char *const *data_dirs)
{
	HcCatalogueLoader *loader = g_new0(HcCatalogueLoader, 1);

	loader->event = sd_event_ref(event);
	loader->data_dirs = data_dirs;
	return loader;
}

void
hc_catalogue_loader_free(HcCatalogueLoader *loader)
{
	if (loader == NULL)
		return;
	loader->source = sd_event_source_disable_unref(loader->source);
	g_free(loader->hash);
	g_clear_pointer(&loader->catalogue, hc_catalogue_unref);
	g_clear_error(&loader->error);
	sd_event_unref(loader->event);
	g_free(loader);
}

HcCatalogue *
hc_catalogue_loader_get(HcCatalogueLoader *loader, GError **error)
{
	/* a Check before the deferred load: this caller waits for the parse, once */
	if (!loader->tried)
		hc_catalogue_loader_load(loader);
	if (loader->catalogue == NULL) {
		g_set_error(error,
			    HC_ERROR,
			    HC_ERROR_INTERNAL,
			    "the feature catalogue is not loaded: %s",
			    loader->error != NULL ? loader->error->message : "not loaded yet");
		return NULL;
	}
	return loader->catalogue;
}

/* a broken catalogue only disables the Check methods: capabilities are still worth serving;
 * a reload that fails keeps the catalogue that worked */
void
hc_catalogue_loader_load(HcCatalogueLoader *loader)
{
	g_autoptr(GError) error = NULL;
	HcCatalogue *cat = hc_catalogue_load_for_probes(loader->data_dirs,
							hc_probe_registry,
							hc_probe_registry_len,
							&error);

	loader->tried = TRUE;
	if (cat == NULL) {
		g_warning("loading the feature catalogue: %s, %s",
			  error->message,
			  loader->catalogue != NULL ? "keeping the previous one"
						    : "Check methods will fail");
		g_clear_error(&loader->error);
		loader->error = g_steal_pointer(&error);
		if (loader->notify != NULL)
			loader->notify(loader, loader->notify_data);
		return;
	}
	g_clear_pointer(&loader->catalogue, hc_catalogue_unref);
	g_clear_error(&loader->error);
	loader->catalogue = cat;
	/* the files may have changed since they were hashed: the key follows what was loaded */
	g_free(loader->hash);
	loader->hash = g_strdup(hc_catalogue_get_hash(cat));
	g_debug("catalogue %s loaded", hc_catalogue_get_hash(cat));
	if (loader->notify != NULL)
		loader->notify(loader, loader->notify_data);
}

/* the cache key's part of the catalogue, without parsing it */
void
hc_catalogue_loader_hash(HcCatalogueLoader *loader)
{
	g_autoptr(GError) error = NULL;

	g_free(loader->hash);
	loader->hash = hc_catalogue_hash_files(loader->data_dirs, &error);
	if (loader->hash == NULL)
		g_debug("hashing the feature catalogue: %s", error->message);
}

const char *
hc_catalogue_loader_get_hash(HcCatalogueLoader *loader)
{
	return loader->hash;
}

static int
hc_catalogue_loader_on_deferred(sd_event_source *source, void *userdata)
{
	HcCatalogueLoader *loader = userdata;

	if (!loader->tried)
		hc_catalogue_loader_load(loader);
	return 0;
}

/* after READY=1, when the loop has nothing else to do */
void
hc_catalogue_loader_defer(HcCatalogueLoader *loader)
{
	int r;

	if (loader->tried || loader->source != NULL)
		return;
	r = sd_event_add_defer(loader->event,
			       &loader->source,
			       hc_catalogue_loader_on_deferred,
			       loader);
	if (r >= 0)
		r = sd_event_source_set_priority(loader->source, SD_EVENT_PRIORITY_IDLE);
	if (r < 0) {
		g_debug("deferring the catalogue: %s, loading it now", g_strerror(-r));
		hc_catalogue_loader_load(loader);
	}
}
