#include "vigie/scanners/decisions.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int vigie_cve_normalize(char *out, size_t size, const char *in, struct vigie_error *err)
{
	size_t n = in ? strlen(in) : 0, digits = 0;
	if (n < 13 || n >= size || n > 32)
		goto bad;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)toupper((unsigned char)in[i]);
	out[n] = '\0';
	if (!strncmp(out, "TEMP-", 5)) {
		/* the tracker's ids for issues without a CVE yet */
		for (size_t i = 5; i < n; i++)
			if (!isxdigit((unsigned char)out[i]) && out[i] != '-')
				goto bad;
		return 0;
	}
	if (strncmp(out, "CVE-", 4) || out[8] != '-')
		goto bad;
	for (size_t i = 4; i < 8; i++)
		if (!isdigit((unsigned char)out[i]))
			goto bad;
	for (size_t i = 9; i < n; i++, digits++)
		if (!isdigit((unsigned char)out[i]))
			goto bad;
	if (digits < 4)
		goto bad;
	return 0;
bad:
	if (size)
		out[0] = '\0';
	return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
			       "'%.64s' is not a CVE id (CVE-YYYY-NNNN, or the tracker's TEMP-...)", in ? in : "");
}

static const char *const statuses[] = { "not_affected", "affected", "fixed",
					"under_investigation" };
static const char *const justifications[] = {
	"component_not_present", "vulnerable_code_not_present",
	"vulnerable_code_not_in_execute_path",
	"vulnerable_code_cannot_be_controlled_by_adversary",
	"inline_mitigations_already_exist"
};

int vigie_decision_status_valid(const char *status)
{
	for (size_t i = 0; status && i < sizeof(statuses) / sizeof(*statuses); i++)
		if (!strcmp(status, statuses[i]))
			return 1;
	return 0;
}

int vigie_decision_justification_valid(const char *j)
{
	for (size_t i = 0; j && i < sizeof(justifications) / sizeof(*justifications); i++)
		if (!strcmp(j, justifications[i]))
			return 1;
	return 0;
}

const char *vigie_decision_scope(const struct vigie_decision *x)
{
	return x->host ? "host" : x->client ? "client" : "fleet";
}

const struct vigie_decision_host *vigie_decision_host_of(const struct vigie_decisions *d,
							 const char *host)
{
	size_t lo = 0, hi = d && host ? d->nhosts : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(d->hosts[mid].host, host);
		if (!c)
			return &d->hosts[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The first of d's current facts on cve (sorted by cve): its index, or
 * d->ndata. */
static size_t data_first(const struct vigie_decisions *d, const char *cve)
{
	size_t lo = 0, hi = d->ndata;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(d->data[mid].cve, cve) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A fact on release and source (NULL: any); CISA KEV's is on all */
static int fact_matches(const struct vigie_decision_fact *f, const char *release,
			const char *source)
{
	return vigie_decision_fact_is_kev(f) || ((!release || !strcmp(f->release, release)) &&
			     (!source || !strcmp(f->source, source)));
}

/* A CVE entering (or leaving) CISA KEV re-opens a decision that accepts
 * or is still weighing the risk; one saying the hosts are not affected,
 * or that it is fixed, stands (exploitation does not change that) */
static int kev_reopens(const struct vigie_decision *x)
{
	return x->status && strcmp(x->status, "not_affected") && strcmp(x->status, "fixed");
}

int vigie_decision_reopened(const struct vigie_decisions *d, const struct vigie_decision *x,
			    const char *release, const char *source,
			    const char **was, const char **now)
{
	size_t first;
	if (!d || !x->recorded)
		return 0;
	first = data_first(d, x->cve);
	/* what was recorded and is now different or gone */
	for (size_t i = 0; i < x->nfacts; i++) {
		const struct vigie_decision_fact *f = &x->facts[i];
		const char *cur = NULL;
		if (!fact_matches(f, release, source) || (vigie_decision_fact_is_kev(f) && !kev_reopens(x)))
			continue;
		for (size_t k = first; k < d->ndata && !strcmp(d->data[k].cve, x->cve); k++)
			if (!strcmp(d->data[k].f.release, f->release) &&
			    !strcmp(d->data[k].f.source, f->source)) {
				cur = d->data[k].f.state;
				break;
			}
		if (!cur || strcmp(cur, f->state)) {
			*was = f->state;
			*now = cur ? cur : "no entry";
			return 1;
		}
	}
	/* what Debian says now and did not say then */
	for (size_t k = first; k < d->ndata && !strcmp(d->data[k].cve, x->cve); k++) {
		const struct vigie_decision_fact *c = &d->data[k].f;
		size_t i;
		/* KEV's fact only against the one recorded (a decision
		 * written before vigie recorded it has none) */
		if (!fact_matches(c, release, source) || vigie_decision_fact_is_kev(c))
			continue;
		for (i = 0; i < x->nfacts; i++)
			if (!strcmp(x->facts[i].release, c->release) &&
			    !strcmp(x->facts[i].source, c->source))
				break;
		if (i == x->nfacts) {
			*was = "no entry";
			*now = c->state;
			return 1;
		}
	}
	return 0;
}

int vigie_decision_covers(const struct vigie_decisions *d, const struct vigie_decision *x,
			  const char *host)
{
	const char *client;
	if (x->host)
		return host && !strcmp(x->host, host);
	if (x->client)
		return (client = vigie_decision_client_of(d, host)) && !strcmp(client, x->client);
	return 1;
}

const char *vigie_decision_client_of(const struct vigie_decisions *d, const char *host)
{
	const struct vigie_decision_host *h = vigie_decision_host_of(d, host);
	return h ? h->client : NULL;
}

int vigie_decision_state_of(const struct vigie_decisions *d, const struct vigie_decision *x,
			    int64_t now, const char **was, const char **cur)
{
	const struct vigie_decision_host *h;
	int covered = 0;

	*was = *cur = NULL;
	if (x->expires && x->expires <= now)
		return VIGIE_DECISION_EXPIRED;
	if (x->host) {
		if ((h = vigie_decision_host_of(d, x->host)) && h->release)
			return vigie_decision_reopened(d, x, h->release, NULL, was, cur)
			       ? VIGIE_DECISION_REOPENED : VIGIE_DECISION_IN_FORCE;
		return vigie_decision_reopened(d, x, NULL, NULL, was, cur)
		       ? VIGIE_DECISION_REOPENED : VIGIE_DECISION_IN_FORCE;
	}
	for (size_t i = 0; i < d->nhosts; i++) {
		h = &d->hosts[i];
		if (!h->release || (x->client && (!h->client || strcmp(h->client, x->client))))
			continue;
		covered = 1;
		if (vigie_decision_reopened(d, x, h->release, NULL, was, cur))
			return VIGIE_DECISION_REOPENED;
	}
	if (!covered && vigie_decision_reopened(d, x, NULL, NULL, was, cur))
		return VIGIE_DECISION_REOPENED;
	return VIGIE_DECISION_IN_FORCE;
}

void vigie_decision_lookup(struct vigie_decision_hit *out, const struct vigie_decisions *d,
			   const char *host, const char *cve, const char *release,
			   const char *source, int64_t now)
{
	const char *client = vigie_decision_client_of(d, host);
	struct vigie_decision_hit lapsed = { 0 };
	int best_rank = 0, lapsed_rank = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; d && cve && i < d->n; i++) {
		const struct vigie_decision *x = &d->v[i];
		const char *was = NULL, *cur = NULL;
		int rank, state = VIGIE_DECISION_IN_FORCE;
		if (x->revoked || strcasecmp(x->cve, cve))
			continue;
		if (x->host)
			rank = host && !strcmp(x->host, host) ? 3 : 0;
		else if (x->client)
			rank = client && !strcmp(x->client, client) ? 2 : 0;
		else
			rank = 1;
		if (!rank)
			continue;
		if (x->expires && x->expires <= now)
			state = VIGIE_DECISION_EXPIRED;
		else if (vigie_decision_reopened(d, x, release, source, &was, &cur))
			state = VIGIE_DECISION_REOPENED;
		/* ids grow: among equal scopes the later one is the latest */
		if (state == VIGIE_DECISION_IN_FORCE) {
			if (rank >= best_rank) {
				out->decision = x;
				best_rank = rank;
			}
		} else if (rank >= lapsed_rank) {
			lapsed.decision = x;
			lapsed.state = state;
			lapsed.was = was;
			lapsed.now = cur;
			lapsed_rank = rank;
		}
	}
	if (!out->decision)
		*out = lapsed;
}

int vigie_decisions_apply_scan(struct scan_result *res, const struct vigie_decisions *d,
			       int64_t now, int keep)
{
	size_t w = 0;
	if (!d || !d->n)
		return 0;
	for (size_t i = 0; i < res->n; i++) {
		struct finding *f = &res->findings[i];
		struct vigie_decision_hit h;
		vigie_decision_lookup(&h, d, res->host, f->cve, res->release, f->source, now);
		f->decision = h.decision;
		f->decision_state = h.state;
		f->decision_was = h.was;
		f->decision_now = h.now;
		if (f->decision && f->decision_state == VIGIE_DECISION_IN_FORCE) {
			res->hidden_decided++;
			if (!keep)
				continue;
		}
		if (w != i)
			res->findings[w] = *f;
		w++;
	}
	if (w != res->n) {
		res->n = w;
		vigie_scan_result_recount(res);
	}
	return 0;
}

void vigie_decisions_apply_triage(struct triage_result *res,
				  const struct vigie_decisions *d, int64_t now)
{
	if (!d || !d->n)
		return;
	for (size_t i = 0; i < res->n; i++) {
		struct triage_item *it = &res->items[i];
		struct vigie_decision_hit h;
		if (!it->cve)
			continue;
		vigie_decision_lookup(&h, d, it->host, it->cve, it->release, it->source, now);
		it->decision = h.decision;
		it->decision_state = h.state;
		it->decision_was = h.was;
		it->decision_now = h.now;
	}
}
