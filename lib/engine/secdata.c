#include "vigie/engine/secdata.h"
#include "vigie/debian/debver.h"
#include "vigie/engine/match.h"
#include "vigie/engine/vulnindex.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct secdata {
	struct vigie_store *store;
	const struct inventory *inv;
	struct policy pol;
	struct vulnindex *idx;
	char evidence[512];
	char advisory[64];
};

int vigie_secdata_open(struct secdata **out, struct vigie_store *s,
		 const struct inventory *inv, const struct policy *pol,
		 struct vigie_error *err)
{
	struct secdata *sd;
	int rc;
	*out = NULL;
	if (!inv->release)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "the host's release is unknown");
	if (!(sd = calloc(1, sizeof(*sd))))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	sd->store = s;
	sd->inv = inv;
	if (pol)
		sd->pol = *pol;
	else
		vigie_policy_default(&sd->pol);
	if ((rc = vigie_vulnindex_build(&sd->idx, s, inv->release, err))) {
		free(sd);
		return rc;
	}
	*out = sd;
	return 0;
}

void vigie_secdata_free(struct secdata *sd)
{
	if (!sd)
		return;
	vigie_vulnindex_free(sd->idx);
	free(sd);
}

/* The source version an upgrade's binary version stands for: the
 * inventory's when it still holds that version, else the binary version
 * without a binNMU suffix (+bN). */
static void source_of(const struct secdata *sd, const struct history_event *ev,
		      const char *version, const char **source, char *sv, size_t size)
{
	const struct inventory_pkg *p = vigie_inventory_find(sd->inv, ev->package,
						       ev->arch && *ev->arch ? ev->arch : NULL);
	const char *b;
	size_t len;
	if (!p)
		p = vigie_inventory_find(sd->inv, ev->package, NULL);
	*source = p ? p->source : ev->package;
	if (!strncmp(*source, "linux-signed-", 13) || vigie_match_is_kernel_image(ev->package)) {
		*source = "linux"; /* kernel images carry linux's version */
		snprintf(sv, size, "%s", version);
		return;
	}
	if (p && !strcmp(p->version, version)) {
		snprintf(sv, size, "%s", p->source_version);
		return;
	}
	len = strlen(version);
	/* the binNMU suffix is the last "+bN" ("1.0+bzr5-1+b2" -> "1.0+bzr5-1") */
	b = NULL;
	for (const char *q = strstr(version, "+b"); q; q = strstr(q + 1, "+b"))
		b = q;
	if (b && b > version && isdigit((unsigned char)b[2]) &&
	    strspn(b + 2, "0123456789") == strlen(b + 2))
		len = (size_t)(b - version);
	snprintf(sv, size, "%.*s", (int)len, version);
}

int vigie_secdata_timeline_cves(void *ud, const struct history_event *ev,
			  timeline_add_fn *add, void *add_ud, struct vigie_error *err)
{
	struct secdata *sd = ud;
	const struct vuln_source *src;
	const char *source;
	char oldv[256] = "", newv[256];
	struct debver o, n;
	int have_old;

	if (!ev->new_version || !*ev->new_version)
		return 0;
	source_of(sd, ev, ev->new_version, &source, newv, sizeof(newv));
	have_old = ev->old_version && *ev->old_version;
	if (have_old) {
		const char *s2;
		source_of(sd, ev, ev->old_version, &s2, oldv, sizeof(oldv));
	}
	if (!(src = vigie_vulnindex_source(sd->idx, source)) || vigie_debver_parse(&n, newv, NULL) < 0 ||
	    (have_old && vigie_debver_parse(&o, oldv, NULL) < 0))
		return 0;
	for (size_t i = 0; i < src->n; i++) {
		const struct vuln_entry *e = &src->entries[i];
		int64_t date = 0;
		int rc;
		if (e->status != VULN_RESOLVED || !e->fixed_version ||
		    !strcmp(e->fixed_version, "0"))
			continue;
		if (vigie_debver_cmp(&e->fixed, &n) > 0 || (have_old && vigie_debver_cmp(&o, &e->fixed) >= 0))
			continue;
		if (e->advisory_date)
			vigie_time_parse(&date, e->advisory_date, 0);
		snprintf(sd->evidence, sizeof(sd->evidence),
			 "%s, %s: %s fixed in %s %s%s%s%s",
			 e->origin == VULN_FROM_TRACKER ? "Debian security tracker"
							: "Debian advisory lists",
			 sd->idx->release, e->vuln, source, e->fixed_version,
			 e->advisory ? " (" : "", e->advisory ? e->advisory : "",
			 e->advisory ? ")" : "");
		if ((rc = add(add_ud, e->vuln, source, e->fixed_version, date, sd->evidence)))
			return vigie_error_set(err, rc, NULL, 0, "out of memory");
	}
	return 0;
}

static const struct vuln_entry *entry_for(const struct secdata *sd, const char *source,
					  const char *cve)
{
	const struct vuln_source *src = vigie_vulnindex_source(sd->idx, source);
	for (size_t i = 0; src && i < src->n; i++)
		if (!strcmp(src->entries[i].vuln, cve))
			return &src->entries[i];
	return NULL;
}

static int advisory_hook(void *ud, const char *cve, const char *source, const char *version,
			 int64_t *published, const char **evidence)
{
	struct secdata *sd = ud;
	const struct vuln_entry *e = entry_for(sd, source, cve);
	char *id = NULL, *date = NULL;
	int found = 0;
	(void)version;
	if (e && e->advisory && e->advisory_date) {
		id = strdup(e->advisory);
		date = strdup(e->advisory_date);
	} else {
		vigie_store_vi_advisory_for(sd->store, sd->idx->release, source, cve, NULL, &id, &date,
				      NULL);
	}
	if (id && date && vigie_time_parse(published, date, 0) == 0) {
		snprintf(sd->evidence, sizeof(sd->evidence),
			 "%s published %s (time of day unknown: 00:00 UTC assumed)", id, date);
		*evidence = sd->evidence;
		found = 1;
	}
	free(id);
	free(date);
	return found;
}

static int classify_hook(void *ud, const char *cve, const char *source, enum sla_class *cls)
{
	struct secdata *sd = ud;
	const struct vuln_entry *e = entry_for(sd, source, cve);
	struct store_vuln_facts f;
	struct policy_facts pf;
	if (vigie_store_vuln_facts_get(sd->store, cve, &f, NULL))
		return 0;
	pf.kev = f.kev_added != NULL;
	pf.cvss = f.cvss;
	pf.cvss_vector = f.cvss_vector;
	pf.scope = f.scope;
	pf.urgency = e ? e->urgency : NULL;
	*cls = (enum sla_class)vigie_policy_classify(&sd->pol, &pf, NULL);
	vigie_store_vuln_facts_clear(&f);
	return 1;
}

void vigie_secdata_annotate(void *ud, const char *cve, const char *source,
		      const char **advisory, const char **cls)
{
	struct secdata *sd = ud;
	const struct vuln_entry *e = entry_for(sd, source && *source ? source : "", cve);
	char *id = NULL, *date = NULL;
	enum sla_class c;
	*advisory = *cls = NULL;
	sd->advisory[0] = '\0';
	if (e && e->advisory) {
		snprintf(sd->advisory, sizeof(sd->advisory), "%s", e->advisory);
	} else if (source && *source) {
		vigie_store_vi_advisory_for(sd->store, sd->idx->release, source, cve, NULL, &id, &date,
				      NULL);
		if (id)
			snprintf(sd->advisory, sizeof(sd->advisory), "%s", id);
		free(id);
		free(date);
	}
	if (sd->advisory[0])
		*advisory = sd->advisory;
	if (classify_hook(sd, cve, source ? source : "", &c))
		*cls = vigie_sla_class_name(c);
}

void vigie_secdata_sla_hooks(struct secdata *sd, struct timeline_sla_hooks *hooks)
{
	hooks->advisory = advisory_hook;
	hooks->classify = classify_hook;
	hooks->ud = sd;
}
