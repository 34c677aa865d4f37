#include "testutil.h"
#include "vigie/scanners/decisions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_cve_normalize(void **state)
{
	static const struct {
		const char *in, *want; /* want NULL: refused */
	} cases[] = {
		{ "CVE-2023-1234", "CVE-2023-1234" },
		{ "cve-2023-1234", "CVE-2023-1234" },
		{ "Cve-2021-3156", "CVE-2021-3156" },
		{ "cve-2024-123456", "CVE-2024-123456" },
		{ "temp-0000000-f7d4e2", "TEMP-0000000-F7D4E2" },
		{ "CVE-2023-123", NULL },
		{ "CVE-23-1234", NULL },
		{ "CVE-2023-12a4", NULL },
		{ "CVE_2023_1234", NULL },
		{ "DSA-5555-1", NULL },
		{ "", NULL },
		{ "CVE-2023-1234567890123456789012345", NULL },
		{ "TEMP-0000000-XYZ", NULL },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[64];
		struct vigie_error err = { 0 };
		int rc;
		vigie_error_init(&err);
		rc = vigie_cve_normalize(out, sizeof(out), cases[i].in, &err);
		if (cases[i].want) {
			if (rc || strcmp(out, cases[i].want))
				fail_msg("case %zu (%s): rc %d, '%s'", i, cases[i].in, rc, out);
		} else if (rc != VIGIE_EUSAGE) {
			fail_msg("case %zu (%s) accepted as '%s'", i, cases[i].in, out);
		}
	}
}

static void add(struct vigie_decisions *d, int64_t id, const char *cve, const char *host,
		const char *status, int64_t expires, int64_t revoked)
{
	struct vigie_decision *x;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = realloc(d->v, d->cap * sizeof(*d->v));
		assert_non_null(d->v);
	}
	x = &d->v[d->n++];
	memset(x, 0, sizeof(*x));
	x->id = id;
	x->cve = cve;
	x->host = host;
	x->status = status;
	x->reason = "r";
	x->by = "b";
	x->at = 1000;
	x->expires = expires;
	x->revoked = revoked;
}

/* The decision in force (NULL: none), *old the lapsed one returned instead. */
static const struct vigie_decision *find(const struct vigie_decisions *d, const char *host,
					 const char *cve, int64_t now,
					 const struct vigie_decision **old)
{
	struct vigie_decision_hit h;
	vigie_decision_lookup(&h, d, host, cve, NULL, NULL, now);
	if (old)
		*old = h.state ? h.decision : NULL;
	return h.state ? NULL : h.decision;
}

static void test_find(void **state)
{
	struct vigie_decisions d;
	const struct vigie_decision *x, *old;
	(void)state;
	vigie_decisions_init(&d);
	add(&d, 1, "CVE-2024-0001", NULL, "affected", 0, 0);
	add(&d, 2, "CVE-2024-0001", "web1", "not_affected", 0, 0);
	add(&d, 3, "CVE-2024-0001", NULL, "fixed", 0, 0);
	add(&d, 4, "CVE-2024-0002", "web1", "not_affected", 5000, 0);
	add(&d, 5, "CVE-2024-0003", "web1", "not_affected", 0, 2000);
	add(&d, 6, "CVE-2024-0004", "web1", "fixed", 3000, 0);
	add(&d, 7, "CVE-2024-0004", "web1", "affected", 4000, 0);

	/* the host's decision wins over one for every host */
	x = find(&d, "web1", "CVE-2024-0001", 4000, &old);
	assert_non_null(x);
	assert_int_equal(x->id, 2);
	assert_null(old);
	/* another host: the latest decision for every host */
	x = find(&d, "db1", "cve-2024-0001", 4000, NULL);
	assert_non_null(x);
	assert_int_equal(x->id, 3);
	/* no host known (a report's finding without host): every-host only */
	x = find(&d, NULL, "CVE-2024-0001", 4000, NULL);
	assert_int_equal(x->id, 3);
	/* in force through its expiry, then reported as expired */
	x = find(&d, "web1", "CVE-2024-0002", 4999, &old);
	assert_non_null(x);
	assert_int_equal(x->id, 4);
	x = find(&d, "web1", "CVE-2024-0002", 5000, &old);
	assert_null(x);
	assert_non_null(old);
	assert_int_equal(old->id, 4);
	/* a host's decision never applies to another host */
	assert_null(find(&d, "db1", "CVE-2024-0002", 10, &old));
	assert_null(old);
	/* revoked: never, not even as expired */
	assert_null(find(&d, "web1", "CVE-2024-0003", 10, &old));
	assert_null(old);
	/* two expired: the latest is named */
	assert_null(find(&d, "web1", "CVE-2024-0004", 6000, &old));
	assert_int_equal(old->id, 7);
	x = find(&d, "web1", "CVE-2024-0004", 3500, &old);
	assert_int_equal(x->id, 7);
	assert_null(old);
	vigie_decisions_release(&d);
}

/* host > client > fleet; a client's decision applies to its hosts only */
static void test_client_scope(void **state)
{
	struct vigie_decisions d;
	struct vigie_decision_host hosts[] = { { "a1", "acme", "bookworm" },
					       { "b1", "beta", NULL } };
	(void)state;
	vigie_decisions_init(&d);
	d.hosts = hosts;
	d.nhosts = 2;
	add(&d, 1, "CVE-2024-0001", NULL, "affected", 0, 0);
	add(&d, 2, "CVE-2024-0001", NULL, "not_affected", 0, 0);
	d.v[1].client = "acme";
	add(&d, 3, "CVE-2024-0001", NULL, "fixed", 0, 0); /* later, fleet */
	add(&d, 4, "CVE-2024-0001", "a1", "under_investigation", 0, 0);
	add(&d, 5, "CVE-2024-0002", NULL, "fixed", 0, 0);
	d.v[4].client = "acme";
	assert_string_equal(vigie_decision_client_of(&d, "a1"), "acme");
	assert_null(vigie_decision_client_of(&d, "zz"));
	assert_int_equal(find(&d, "a1", "CVE-2024-0001", 10, NULL)->id, 4);
	d.v[3].revoked = 5; /* without the host's: the client's beats a later fleet one */
	assert_int_equal(find(&d, "a1", "CVE-2024-0001", 10, NULL)->id, 2);
	assert_int_equal(find(&d, "b1", "CVE-2024-0001", 10, NULL)->id, 3);
	assert_int_equal(find(&d, "nohost", "CVE-2024-0001", 10, NULL)->id, 3);
	assert_int_equal(find(&d, "a1", "CVE-2024-0002", 10, NULL)->id, 5);
	assert_null(find(&d, "b1", "CVE-2024-0002", 10, NULL));
	assert_null(find(&d, NULL, "CVE-2024-0002", 10, NULL));
	d.hosts = NULL;
	d.nhosts = 0;
	vigie_decisions_release(&d);
}

/* Debian's data for (release, source) changed since the decision: it no
 * longer applies, and says what changed; other releases and sources and
 * other CVEs do not matter */
static void test_reopened(void **state)
{
	struct vigie_decisions d;
	struct vigie_decision_hit h;
	const struct vigie_decision_fact facts[] = {
		{ "bookworm", "sudo", "open (high)" },
		{ "bullseye", "sudo", "open (high)" },
	};
	struct vigie_decision_now now[] = {
		{ "CVE-2024-0001", { "bookworm", "sudo", "open (high)" } },
		{ "CVE-2024-0001", { "bullseye", "sudo", "resolved 1.9.5p2-3+deb11u2 (high)" } },
		{ "CVE-2024-0001", { "trixie", "sudo", "not-affected" } },
	};
	(void)state;
	vigie_decisions_init(&d);
	add(&d, 1, "CVE-2024-0001", "web1", "affected", 0, 0);
	d.v[0].facts = facts;
	d.v[0].nfacts = 2;
	d.v[0].recorded = 1;
	d.data = now;
	d.ndata = 3;
	vigie_decision_lookup(&h, &d, "web1", "CVE-2024-0001", "bookworm", "sudo", 10);
	assert_int_equal(h.state, VIGIE_DECISION_IN_FORCE);
	assert_int_equal(h.decision->id, 1);
	vigie_decision_lookup(&h, &d, "web1", "CVE-2024-0001", "bullseye", "sudo", 10);
	assert_int_equal(h.state, VIGIE_DECISION_REOPENED);
	assert_string_equal(h.was, "open (high)");
	assert_string_equal(h.now, "resolved 1.9.5p2-3+deb11u2 (high)");
	/* an entry that appeared */
	vigie_decision_lookup(&h, &d, "web1", "CVE-2024-0001", "trixie", NULL, 10);
	assert_int_equal(h.state, VIGIE_DECISION_REOPENED);
	assert_string_equal(h.was, "no entry");
	/* another source on the same release */
	vigie_decision_lookup(&h, &d, "web1", "CVE-2024-0001", "bullseye", "openssl", 10);
	assert_int_equal(h.state, VIGIE_DECISION_IN_FORCE);
	/* an entry that went away */
	d.ndata = 1;
	vigie_decision_lookup(&h, &d, "web1", "CVE-2024-0001", "bullseye", NULL, 10);
	assert_int_equal(h.state, VIGIE_DECISION_REOPENED);
	assert_string_equal(h.now, "no entry");
	/* a decision written before anything was recorded never re-opens */
	d.v[0].recorded = 0;
	vigie_decision_lookup(&h, &d, "web1", "CVE-2024-0001", "bullseye", NULL, 10);
	assert_int_equal(h.state, VIGIE_DECISION_IN_FORCE);
	d.data = NULL;
	d.ndata = 0;
	vigie_decisions_release(&d);
}

static void test_valid(void **state)
{
	(void)state;
	assert_true(vigie_decision_status_valid("not_affected"));
	assert_true(vigie_decision_status_valid("under_investigation"));
	assert_false(vigie_decision_status_valid("not-affected"));
	assert_false(vigie_decision_status_valid(NULL));
	assert_true(vigie_decision_justification_valid("inline_mitigations_already_exist"));
	assert_false(vigie_decision_justification_valid("accepted_risk"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cve_normalize),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_client_scope),
		cmocka_unit_test(test_reopened),
		cmocka_unit_test(test_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
