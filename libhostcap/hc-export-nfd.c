/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Node Feature Discovery local feature file (features.d): "<prefix>/<name>=<value>"
 * lines, names and values at most 63 characters of [A-Za-z0-9] with [-_.] inside, comment
 * lines starting with '#'. The labels are the facts a scheduler needs to keep a VM's guest
 * ABI on a live migration: the platforms this host satisfies, the host-dependent ABI
 * capabilities, the TSC rate class, and a short fingerprint for "identical hosts".
 */
#include <string.h>

#include "hc-evaluator.h"
#include "hc-export.h"

#define HC_NFD_MAX_NAME 63
/* hex digits of the fingerprint in the label: 64 bits tell hosts of one fleet apart */
#define HC_NFD_FINGERPRINT_DIGITS 16
/* TSC rate class width: hosts of one class are within 250 kHz, inside KVM's 250 ppm
 * migration tolerance for any TSC of 1 GHz or more */
#define HC_NFD_TSC_CLASS_KHZ 250

/* the capabilities whose state decides a migration; the label name is the capability id */
static const char *const hc_nfd_abi_ids[] = {
    "net.tap.uso",
    "net.tap.udp_tunnel_gso",
    "net.tap.udp_tunnel_gso_csum",
    "vhost.net.feature.ring_reset",
    "vhost.net.feature.host_udp_tunnel_gso",
    "vhost.net.feature.guest_udp_tunnel_gso",
    "kvm.smm",
    "kvm.tsc.scaling",
    "cvm.sev",
    "cvm.sev_es",
    "cvm.sev_snp",
    "cvm.tdx",
    "kvm.nested",
    "kvm.nested.state",
};

static gboolean
hc_nfd_char_is_inner(char c)
{
	return g_ascii_isalnum(c) || c == '-' || c == '_' || c == '.';
}

/* a name or value NFD accepts: characters outside the set become '-', the ends must be
 * alphanumeric, at most 63 characters; "" when nothing is left */
static char *
hc_nfd_sanitize(const char *text)
{
	GString *s = g_string_new(NULL);

	for (const char *p = text; *p != '\0' && s->len < HC_NFD_MAX_NAME; p++)
		g_string_append_c(s, hc_nfd_char_is_inner(*p) ? *p : '-');
	while (s->len > 0 && !g_ascii_isalnum(s->str[s->len - 1]))
		g_string_truncate(s, s->len - 1);
	while (s->len > 0 && !g_ascii_isalnum(s->str[0]))
		g_string_erase(s, 0, 1);
	return g_string_free(s, FALSE);
}

static void
hc_nfd_label(GString *out, const char *name, const char *value)
{
	g_autofree char *n = hc_nfd_sanitize(name);
	g_autofree char *v = hc_nfd_sanitize(value);

	if (n[0] == '\0')
		return;
	g_string_append_printf(out, "%s%s=%s\n", HC_EXPORT_NFD_PREFIX, n, v);
}

static const char *
hc_nfd_state_value(HcCapState state)
{
	switch (state) {
	case HC_CAP_STATE_SUPPORTED:
		return "true";
	case HC_CAP_STATE_UNKNOWN:
		return "unknown";
	case HC_CAP_STATE_UNSUPPORTED:
	case HC_CAP_STATE_DISABLED:
	default:
		return "false";
	}
}

static void
hc_nfd_platforms(GString *out, HcSnapshot *snap, HcCatalogue *cat)
{
	g_autoptr(GPtrArray) plats = NULL;

	if (cat == NULL)
		return;
	plats = hc_catalogue_list_platforms(cat);
	for (guint i = 0; i < plats->len; i++) {
		const HcPlatform *p = g_ptr_array_index(plats, i);
		g_autofree char *name = NULL;
		if (hc_platform_check(cat, p, snap, NULL) != HC_TRI_TRUE)
			continue;
		name = g_strdup_printf("platform.%s", p->name);
		hc_nfd_label(out, name, "true");
	}
}

static void
hc_nfd_tsc_class(GString *out, HcSnapshot *snap)
{
	const HcCapability *cap = hc_snapshot_lookup(snap, "kvm.tsc.khz");
	g_autofree char *value = NULL;
	gint64 khz;

	if (cap == NULL || cap->state != HC_CAP_STATE_SUPPORTED || cap->value == NULL ||
	    !g_variant_is_of_type(cap->value, G_VARIANT_TYPE_INT64))
		return;
	khz = g_variant_get_int64(cap->value);
	value = g_strdup_printf("%" G_GINT64_FORMAT, khz - khz % HC_NFD_TSC_CLASS_KHZ);
	hc_nfd_label(out, "kvm.tsc.khz-class", value);
}

char *
hc_export_nfd(HcSnapshot *snap, HcCatalogue *cat)
{
	GString *out = g_string_new(NULL);
	const char *fingerprint = hc_snapshot_get_fingerprint(snap);
	const char *hex = strchr(fingerprint, ':');
	g_autofree char *short_fp =
	    g_strndup(hex != NULL ? hex + 1 : fingerprint, HC_NFD_FINGERPRINT_DIGITS);

	g_string_append(out,
			"# hostcapd: guest-ABI facts of this host for Node Feature Discovery\n");
	hc_nfd_label(out, "fingerprint", short_fp);
	hc_nfd_platforms(out, snap, cat);
	for (guint i = 0; i < G_N_ELEMENTS(hc_nfd_abi_ids); i++) {
		const HcCapability *cap = hc_snapshot_lookup(snap, hc_nfd_abi_ids[i]);
		if (cap != NULL)
			hc_nfd_label(out, cap->id, hc_nfd_state_value(cap->state));
	}
	hc_nfd_tsc_class(out, snap);
	return g_string_free(out, FALSE);
}
