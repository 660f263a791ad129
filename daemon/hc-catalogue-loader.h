/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <systemd/sd-event.h>

#include "hc-verdict.h"

G_BEGIN_DECLS

/**
 * The daemon's feature catalogue, parsed late: the cache key needs only the files' hash, and
 * parsing is most of a warm start, so the parse waits until the loop is idle after READY=1 or
 * until the first Check that cannot wait. A broken catalogue only disables the Check methods.
 */
typedef struct _HcCatalogueLoader HcCatalogueLoader;

/* @data_dirs is borrowed and must outlive the loader */
HcCatalogueLoader *
hc_catalogue_loader_new(sd_event *event, const char *const *data_dirs);
void
hc_catalogue_loader_free(HcCatalogueLoader *loader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HcCatalogueLoader, hc_catalogue_loader_free)

/* hashes the files without parsing them (for the cache key) */
void
hc_catalogue_loader_hash(HcCatalogueLoader *loader);
/* NULL when the files cannot be read */
const char *
hc_catalogue_loader_get_hash(HcCatalogueLoader *loader);

/* parses the files now; a reload that fails keeps the catalogue that worked */
void
hc_catalogue_loader_load(HcCatalogueLoader *loader);
/* parses the files once the loop is idle, unless already tried or scheduled */
void
hc_catalogue_loader_defer(HcCatalogueLoader *loader);

/* called after every load attempt, whether it worked or not */
typedef void (*HcCatalogueLoaderFunc)(HcCatalogueLoader *loader, gpointer user_data);
void
hc_catalogue_loader_set_notify(HcCatalogueLoader *loader,
			       HcCatalogueLoaderFunc func,
			       gpointer user_data);
/* why the catalogue is not usable: NULL when it loaded or was not tried yet; borrowed */
const GError *
hc_catalogue_loader_get_error(HcCatalogueLoader *loader);

/* borrowed; loads first when not tried yet; NULL with the load error when it did not load */
HcCatalogue *
hc_catalogue_loader_get(HcCatalogueLoader *loader, GError **error);

G_END_DECLS
