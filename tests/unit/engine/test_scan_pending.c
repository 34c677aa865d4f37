#include "testutil.h"
#include "vigie/engine/scan_pending.h"

#include <string.h>

static struct vulnindex *idx;

static void add(const char *src, const char *vuln, enum vuln_status st,
		const char *fixed, const char *urgency)
{
	struct vuln_entry e;
	memset(&e, 0, sizeof(e));
	e.vuln = vuln;
	e.status = st;
	e.origin = VULN_FROM_TRACKER;
	e.fixed_version = fixed;
	e.urgency = urgency;
	assert_int_equal(vigie_vulnindex_add(idx, src, &e, NULL), 0);
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(vigie_vulnindex_new(&idx, "bookworm"), 0);
	add("curl", "CVE-2026-1001", VULN_RESOLVED, "7.88.1-10+deb12u5", "high");
	add("curl", "CVE-2026-1002", VULN_RESOLVED, "7.88.1-10+deb12u9", "low");
	add("curl", "CVE-2026-1003", VULN_OPEN, NULL, "low");
	add("openssl", "CVE-2026-2001", VULN_RESOLVED, "3.0.15-1~deb12u1", "medium");
	vigie_vulnindex_finish(idx);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vigie_vulnindex_free(idx);
	return 0;
}

#define PKG(n, v, s, sv) { n, "amd64", v, s, sv, "installed", 0 }
#define UPD(n, inst, cand, src, suites, sec) \
	{ n, "amd64", inst, inst, cand, src, cand, suites, sec, NULL, NULL, NULL, 0 }

static struct inventory_pkg pkgs[] = {
	PKG("curl", "7.88.1-10+deb12u4", "curl", "7.88.1-10+deb12u4"),
	PKG("libcurl4", "7.88.1-10+deb12u4", "curl", "7.88.1-10+deb12u4"),
	PKG("openssl", "3.0.14-1~deb12u2", "openssl", "3.0.14-1~deb12u2"),
	PKG("zlib1g", "1:1.2.13.dfsg-1", "zlib", "1:1.2.13.dfsg-1"),
};

/* sorted by package, as vigie_pending_compute returns them */
static struct pending_update upds[] = {
	UPD("curl", "7.88.1-10+deb12u4", "7.88.1-10+deb12u5", "curl", "stable-security,stable", 1),
	UPD("libcurl4", "7.88.1-10+deb12u4", "7.88.1-10+deb12u5", "curl", "stable-security", 1),
	UPD("openssl", "3.0.14-1~deb12u2", "3.0.15-1~deb12u1", "openssl", "stable-updates", 0),
	UPD("zlib1g", "1:1.2.13.dfsg-1", "1:1.2.13.dfsg-1+deb12u1", "zlib", "stable", 0),
};

static void scan(struct scan_result *r)
{
	struct inventory inv;
	struct scan_opts so;
	vigie_inventory_init(&inv);
	inv.host = "h";
	inv.release = "bookworm";
	inv.pkgs = pkgs;
	inv.npkgs = sizeof(pkgs) / sizeof(pkgs[0]);
	memset(&so, 0, sizeof(so));
	so.now = 1795770000;
	assert_int_equal(vigie_scan_run(r, &inv, idx, NULL, &so, NULL), 0);
}

static const struct finding *find(const struct scan_result *r, const char *cve)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->findings[i].cve, cve))
			return &r->findings[i];
	return NULL;
}

static void test_pending_carries_fix(void **state)
{
	struct scan_result r;
	struct pending p;
	const struct finding *f;
	const char *tail = "; installed source version 7.88.1-10+deb12u4 is older; the pending"
			   " update to 7.88.1-10+deb12u5 from stable-security carries the fix.";
	(void)state;
	memset(&p, 0, sizeof(p));
	p.v = upds;
	p.n = 4;
	scan(&r);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.pending_known, 0);
	assert_int_equal(vigie_scan_add_pending(&r, &p, NULL, NULL), 0);
	assert_int_equal(r.pending_known, 1);
	assert_int_equal(r.pending_updates, 4);
	assert_int_equal(r.pending_security_updates, 2);
	assert_int_equal(r.n, 4);

	f = find(&r, "CVE-2026-1001");
	assert_non_null(f);
	assert_non_null(f->pending);
	assert_string_equal(f->pending->package, "curl"); /* named like the source */
	assert_string_equal(f->pending->candidate, "7.88.1-10+deb12u5");
	assert_string_equal(f->pending->suite, "stable-security");
	assert_int_equal(f->pending->security, 1);
	assert_true(strlen(f->evidence) > strlen(tail));
	assert_string_equal(f->evidence + strlen(f->evidence) - strlen(tail), tail);

	f = find(&r, "CVE-2026-1002"); /* fixed beyond the candidate */
	assert_non_null(f);
	assert_null(f->pending);
	assert_null(strstr(f->evidence, "pending"));
	f = find(&r, "CVE-2026-1003"); /* no fix */
	assert_non_null(f);
	assert_null(f->pending);
	f = find(&r, "CVE-2026-2001"); /* from a regular suite */
	assert_non_null(f);
	assert_non_null(f->pending);
	assert_string_equal(f->pending->suite, "stable-updates");
	assert_int_equal(f->pending->security, 0);
	vigie_scan_result_release(&r);
}

/* A kernel fix is carried by the pending image of the signed source: the
 * index knows it as "linux" at the binary's version. */
static void test_pending_kernel(void **state)
{
	static struct inventory_pkg kpkgs[] = {
		PKG("linux-image-6.1.0-17-amd64", "6.1.69-1", "linux-signed-amd64", "6.1.69+1"),
	};
	static struct pending_update kupd[] = {
		{ "linux-image-6.1.0-17-amd64", "amd64", "6.1.69-1", "6.1.69+1", "6.1.80-1",
		  "linux-signed-amd64", "6.1.80+1", "stable-security", 1, NULL, NULL, NULL, 0 },
	};
	struct vulnindex *kidx;
	struct vuln_entry e;
	struct inventory inv;
	struct scan_opts so;
	struct scan_result r;
	struct pending p;
	const struct finding *f;
	(void)state;
	assert_int_equal(vigie_vulnindex_new(&kidx, "bookworm"), 0);
	memset(&e, 0, sizeof(e));
	e.vuln = "CVE-2026-3001";
	e.status = VULN_RESOLVED;
	e.fixed_version = "6.1.76-1";
	assert_int_equal(vigie_vulnindex_add(kidx, "linux", &e, NULL), 0);
	vigie_vulnindex_finish(kidx);
	vigie_inventory_init(&inv);
	inv.host = "h";
	inv.release = "bookworm";
	inv.pkgs = kpkgs;
	inv.npkgs = 1;
	inv.kernel_release = "6.1.0-17-amd64";
	memset(&so, 0, sizeof(so));
	so.now = 1795770000;
	assert_int_equal(vigie_scan_run(&r, &inv, kidx, NULL, &so, NULL), 0);
	memset(&p, 0, sizeof(p));
	p.v = kupd;
	p.n = 1;
	assert_int_equal(vigie_scan_add_pending(&r, &p, NULL, NULL), 0);
	f = find(&r, "CVE-2026-3001");
	assert_non_null(f);
	assert_string_equal(f->source, "linux");
	assert_non_null(f->pending);
	assert_string_equal(f->pending->candidate, "6.1.80-1");
	vigie_scan_result_release(&r);
	vigie_vulnindex_free(kidx);
}

static void test_changelog_findings(void **state)
{
	struct scan_result r;
	struct pending p;
	struct scan_pending_opts o;
	const struct finding *f;
	/* 1001 and 1003 are Debian's (skipped), 1004 is new, 1005 is in the
	 * installed version's entry (not pending) */
	char curl_cl[] = "7.88.1-10+deb12u5 CVE-2026-1001 CVE-2026-1004 CVE-2026-1003\n"
			 "7.88.1-10+deb12u4 CVE-2026-1005\n";
	char *sums[4] = { curl_cl, curl_cl, NULL, NULL };
	(void)state;
	memset(&p, 0, sizeof(p));
	p.v = upds;
	p.n = 4;
	memset(&o, 0, sizeof(o));
	o.idx = idx;
	o.summaries = sums;
	scan(&r);
	assert_int_equal(vigie_scan_add_pending(&r, &p, &o, NULL), 0);
	assert_int_equal(r.n, 5);
	assert_int_equal(r.count_state[FINDING_FIXED_AVAILABLE], 4);
	assert_null(find(&r, "CVE-2026-1005"));
	f = find(&r, "CVE-2026-1004");
	assert_non_null(f);
	assert_string_equal(f->data_source, "changelog");
	assert_int_equal(f->state, FINDING_FIXED_AVAILABLE);
	assert_string_equal(f->fixed_version, "7.88.1-10+deb12u5");
	assert_string_equal(f->source, "curl");
	assert_string_equal(f->source_version, "7.88.1-10+deb12u4");
	assert_int_equal(f->nbins, 2); /* curl and libcurl4 share the changelog */
	assert_string_equal(f->bins[0].name, "curl");
	assert_string_equal(f->bins[1].name, "libcurl4");
	assert_non_null(f->pending);
	assert_string_equal(f->pending->candidate, "7.88.1-10+deb12u5");
	assert_non_null(strstr(f->evidence, "the entry for 7.88.1-10+deb12u5 names CVE-2026-1004"));
	assert_non_null(strstr(f->evidence, "carries the fix."));
	assert_string_equal(find(&r, "CVE-2026-1001")->data_source, "debian-security-tracker");
	/* still sorted: class desc, then source, then CVE */
	for (size_t i = 1; i < r.n; i++) {
		const struct finding *a = &r.findings[i - 1], *b = &r.findings[i];
		assert_true(a->cls > b->cls ||
			    (a->cls == b->cls && (strcmp(a->source, b->source) < 0 ||
						  (!strcmp(a->source, b->source) &&
						   strcmp(a->cve, b->cve) < 0))));
	}
	vigie_scan_result_release(&r);
}

static void test_update_class(void **state)
{
	struct vigie_strv cves;
	int cls;
	(void)state;
	vigie_strv_init(&cves);
	assert_int_equal(vigie_pending_update_class(&cls, NULL, idx, NULL, "curl", &cves, NULL), 0);
	assert_int_equal(cls, -1);
	assert_int_equal(vigie_strv_push(&cves, "CVE-2026-1002"), 0); /* low */
	assert_int_equal(vigie_pending_update_class(&cls, NULL, idx, NULL, "curl", &cves, NULL), 0);
	assert_int_equal(cls, VIGIE_CLASS_STANDARD);
	assert_int_equal(vigie_strv_push(&cves, "CVE-2026-1001"), 0); /* high */
	assert_int_equal(vigie_pending_update_class(&cls, NULL, idx, NULL, "curl", &cves, NULL), 0);
	assert_int_equal(cls, VIGIE_CLASS_CRITICAL);
	/* urgency is the source's: unknown for another source */
	assert_int_equal(vigie_pending_update_class(&cls, NULL, idx, NULL, "openssl", &cves, NULL), 0);
	assert_int_equal(cls, VIGIE_CLASS_STANDARD);
	vigie_strv_release(&cves);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pending_carries_fix),
		cmocka_unit_test(test_pending_kernel),
		cmocka_unit_test(test_changelog_findings),
		cmocka_unit_test(test_update_class),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
