/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <check.h>
#include <json-glib/json-glib.h>

#include "hc-verdict.h"

/* shared by the verdict tests: the shipped catalogue plus tests/verdict/data, fixture hosts */

HcCatalogue *
hc_test_catalogue(void);
/* tests/fixtures/hosts/<name>.json */
HcSnapshot *
hc_test_host(const char *name);
/* examples/<name> */
char *
hc_test_example(const char *name);

typedef struct {
	HcVerdict verdict;
	JsonNode *root;
	JsonObject *report;
	/* "error:virtio-net.guest_uso4" … sorted, ",unknown" suffix for undecided ones */
	char *summary;
} HcTestResult;

void
hc_test_result_clear(HcTestResult *res);
void
hc_test_bootable(HcCatalogue *cat, const char *spec, const char *host, HcTestResult *out);
void
hc_test_migration(HcCatalogue *cat,
		  const char *spec,
		  const char *src,
		  const char *dst,
		  HcTestResult *out);
/* fails the test unless @res has @verdict and @summary; @name labels the case */
void
hc_test_assert_golden(const HcTestResult *res,
		      const char *name,
		      HcVerdict verdict,
		      const char *summary);
/* the finding for @feature, or NULL */
JsonObject *
hc_test_find(HcTestResult *res, const char *feature);
gint
hc_test_strcmp(gconstpointer a, gconstpointer b);
