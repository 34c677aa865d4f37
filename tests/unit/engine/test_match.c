#include "testutil.h"
#include "vigie/engine/match.h"

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

static void add_adv(const char *src, const char *vuln, const char *fixed,
		    const char *adv, const char *date)
{
	struct vuln_entry e;
	memset(&e, 0, sizeof(e));
	e.vuln = vuln;
	e.status = VULN_RESOLVED;
	e.origin = VULN_FROM_ADVISORY;
	e.fixed_version = fixed;
	e.advisory = adv;
	e.advisory_date = date;
	assert_int_equal(vigie_vulnindex_add(idx, src, &e, NULL), 0);
}

#define PKG(n, v, s, sv) { n, "amd64", v, s, sv, "installed", 0 }

static int setup(void **state)
{
	struct vuln_entry e;
	(void)state;
	assert_int_equal(vigie_vulnindex_new(&idx, "bullseye"), 0);
	add("apache2", "CVE-2022-28615", VULN_RESOLVED, "2.4.54-1~deb11u1", "not yet assigned");
	add("apache2", "CVE-2006-20001", VULN_RESOLVED, "2.4.56-1~deb11u1", "not yet assigned");
	add("apache2", "CVE-2000-0001", VULN_RESOLVED, "0", "unimportant"); /* not affected */
	add("bash", "CVE-2022-3715", VULN_RESOLVED, "5.2.15-2", "low");
	add("bash", "CVE-2019-18276", VULN_OPEN, NULL, "unimportant");
	memset(&e, 0, sizeof(e));
	e.vuln = "CVE-2023-0001";
	e.status = VULN_OPEN;
	e.urgency = "low";
	e.nodsa = "Minor issue";
	e.nodsa_reason = "postponed";
	assert_int_equal(vigie_vulnindex_add(idx, "glibc", &e, NULL), 0);
	add("glibc", "TEMP-0000001-ABCDEF", VULN_UNDETERMINED, NULL, "not yet assigned");
	add("oldpkg", "CVE-2023-0002", VULN_OPEN, NULL, "medium");
	add("eolpkg", "CVE-2023-0003", VULN_OPEN, NULL, "end-of-life");
	add("futurepkg", "CVE-2023-0004", VULN_OPEN, NULL, "medium");
	assert_int_equal(vigie_vulnindex_set_support(idx, "oldpkg", "1.0-1", "2024-01-01", "use newpkg", 0), 0);
	assert_int_equal(vigie_vulnindex_set_support(idx, "futurepkg", "1.0-1", "2030-01-01", NULL, 0), 0);
	add("soonpkg", "CVE-2023-0005", VULN_OPEN, NULL, "end-of-life");
	assert_int_equal(vigie_vulnindex_set_support(idx, "soonpkg", "1.0-1", "2030-01-01", NULL, 0), 0);
	/* kernel */
	add("linux", "CVE-2024-0001", VULN_RESOLVED, "6.1.76-1", "high");
	add("linux", "CVE-2024-0002", VULN_RESOLVED, "6.1.80-1", "medium");
	/* advisories: tracker verdict wins; highest advisory fix wins */
	add_adv("apache2", "CVE-2022-28615", "2.4.54-1~deb11u1", "DSA-5163-1", "2022-06-10");
	add_adv("curl", "CVE-2023-1000", "7.74.0-1.3+deb11u5", "DSA-0001-1", "2023-01-01");
	add_adv("curl", "CVE-2023-1000", "7.74.0-1.3+deb11u7", "DSA-0002-1", "2023-03-01");
	add_adv("curl", "CVE-2023-1000", "7.74.0-1.3+deb11u6", "DSA-0003-1", "2023-02-01");
	vigie_vulnindex_finish(idx);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vigie_vulnindex_free(idx);
	return 0;
}

static void scan(struct scan_result *r, struct inventory_pkg *pkgs, size_t n,
		 const char *kernel, const char *kver, int unimportant)
{
	struct inventory inv;
	struct scan_opts so;
	vigie_inventory_init(&inv);
	inv.host = "web1";
	inv.release = "bullseye";
	inv.pkgs = pkgs;
	inv.npkgs = n;
	inv.kernel_release = kernel;
	inv.kernel_version = kver;
	memset(&so, 0, sizeof(so));
	so.include_unimportant = unimportant;
	so.now = 1795770000; /* 2026-11-27 */
	assert_int_equal(vigie_scan_run(r, &inv, idx, NULL, &so, NULL), 0);
}

static const struct finding *find(const struct scan_result *r, const char *cve,
				  const char *src)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->findings[i].cve, cve) && !strcmp(r->findings[i].source, src))
			return &r->findings[i];
	return NULL;
}

static void test_backport_not_reported(void **state)
{
	struct inventory_pkg pkgs[] = {
		PKG("apache2", "2.4.56-1~deb11u2", "apache2", "2.4.56-1~deb11u2"),
		PKG("apache2-bin", "2.4.56-1~deb11u2", "apache2", "2.4.56-1~deb11u2"),
	};
	struct scan_result r;
	(void)state;
	scan(&r, pkgs, 2, NULL, NULL, 0);
	assert_null(find(&r, "CVE-2022-28615", "apache2"));
	assert_null(find(&r, "CVE-2006-20001", "apache2"));
	assert_int_equal(r.n, 0);
	vigie_scan_result_release(&r);
}

static void test_older_reported_with_evidence(void **state)
{
	struct inventory_pkg pkgs[] = {
		PKG("apache2", "2.4.53-1~deb11u1", "apache2", "2.4.53-1~deb11u1"),
		PKG("apache2-bin", "2.4.53-1~deb11u1", "apache2", "2.4.53-1~deb11u1"),
	};
	struct scan_result r;
	const struct finding *f;
	(void)state;
	scan(&r, pkgs, 2, NULL, NULL, 1);
	f = find(&r, "CVE-2022-28615", "apache2");
	assert_non_null(f);
	assert_int_equal(f->state, FINDING_FIXED_AVAILABLE);
	assert_string_equal(f->fixed_version, "2.4.54-1~deb11u1");
	assert_string_equal(f->advisory, "DSA-5163-1");
	assert_int_equal(f->nbins, 2);
	assert_string_equal(f->data_source, "debian-security-tracker");
	assert_non_null(strstr(f->evidence, "2.4.54-1~deb11u1"));
	assert_non_null(strstr(f->evidence, "2.4.53-1~deb11u1"));
	assert_non_null(strstr(f->evidence, "DSA-5163-1"));
	/* not-affected (fixed 0) never reported, even with unimportant shown */
	assert_null(find(&r, "CVE-2000-0001", "apache2"));
	assert_int_equal(r.n, 2);
	vigie_scan_result_release(&r);
}

static void test_binnmu_uses_source_version(void **state)
{
	struct inventory_pkg pkgs[] = {
		PKG("bash", "5.2.15-2+b8", "bash", "5.2.15-2"),
	};
	struct scan_result r;
	(void)state;
	scan(&r, pkgs, 1, NULL, NULL, 0);
	assert_null(find(&r, "CVE-2022-3715", "bash"));
	/* unimportant open issue hidden by default, counted */
	assert_null(find(&r, "CVE-2019-18276", "bash"));
	assert_int_equal(r.hidden_unimportant, 1);
	vigie_scan_result_release(&r);
	scan(&r, pkgs, 1, NULL, NULL, 1);
	assert_non_null(find(&r, "CVE-2019-18276", "bash"));
	assert_int_equal(find(&r, "CVE-2019-18276", "bash")->state, FINDING_NO_FIX);
	vigie_scan_result_release(&r);
}

static void test_states(void **state)
{
	struct inventory_pkg pkgs[] = {
		PKG("eolpkg", "1.0-1", "eolpkg", "1.0-1"),
		PKG("futurepkg", "1.0-1", "futurepkg", "1.0-1"),
		PKG("libc6", "2.31-13+deb11u5", "glibc", "2.31-13+deb11u5"),
		PKG("oldpkg", "1.0-1", "oldpkg", "1.0-1"),
	};
	struct scan_result r;
	const struct finding *f;
	(void)state;
	scan(&r, pkgs, 4, NULL, NULL, 0);
	f = find(&r, "CVE-2023-0001", "glibc");
	assert_non_null(f);
	assert_int_equal(f->state, FINDING_NO_FIX);
	assert_string_equal(f->nodsa_reason, "postponed");
	assert_non_null(strstr(f->evidence, "postponed"));
	assert_null(f->fixed_version);
	f = find(&r, "TEMP-0000001-ABCDEF", "glibc");
	assert_non_null(f);
	assert_int_equal(f->state, FINDING_UNDETERMINED);
	assert_int_equal(find(&r, "CVE-2023-0002", "oldpkg")->state, FINDING_END_OF_LIFE);
	assert_non_null(strstr(find(&r, "CVE-2023-0002", "oldpkg")->evidence, "2024-01-01"));
	assert_int_equal(find(&r, "CVE-2023-0003", "eolpkg")->state, FINDING_END_OF_LIFE);
	assert_int_equal(find(&r, "CVE-2023-0004", "futurepkg")->state, FINDING_NO_FIX);
	assert_int_equal(r.count_state[FINDING_END_OF_LIFE], 2);
	assert_int_equal(r.n, 5);
	vigie_scan_result_release(&r);
}

static void test_advisory_highest_fix(void **state)
{
	struct inventory_pkg pkgs[] = {
		PKG("curl", "7.74.0-1.3+deb11u6", "curl", "7.74.0-1.3+deb11u6"),
	};
	struct scan_result r;
	const struct finding *f;
	(void)state;
	scan(&r, pkgs, 1, NULL, NULL, 0);
	f = find(&r, "CVE-2023-1000", "curl");
	assert_non_null(f);
	assert_string_equal(f->fixed_version, "7.74.0-1.3+deb11u7");
	assert_string_equal(f->advisory, "DSA-0002-1");
	assert_string_equal(f->data_source, "dsa-list");
	vigie_scan_result_release(&r);
}

static void test_kernel(void **state)
{
	struct inventory_pkg pkgs[] = {
		PKG("linux-image-6.1.0-17-amd64", "6.1.69-1", "linux-signed-amd64", "6.1.69+1"),
		PKG("linux-image-6.1.0-18-amd64", "6.1.76-1", "linux-signed-amd64", "6.1.76+1"),
		PKG("linux-image-amd64", "6.1.76-1", "linux-signed-amd64", "6.1.76+1"),
		PKG("linux-libc-dev", "6.1.50-1", "linux", "6.1.50-1"),
	};
	struct scan_result r;
	const struct finding *f;
	(void)state;
	scan(&r, pkgs, 4, "6.1.0-17-amd64", "6.1.69-1", 0);
	assert_string_equal(r.kernel.running_package, "linux-image-6.1.0-17-amd64");
	assert_true(r.kernel.reboot_required);
	f = find(&r, "CVE-2024-0001", "linux");
	assert_non_null(f);
	assert_true(f->kernel);
	assert_true(f->reboot_required);
	assert_string_equal(f->source_version, "6.1.69-1");
	f = find(&r, "CVE-2024-0002", "linux");
	assert_non_null(f);
	assert_false(f->reboot_required);
	assert_int_equal(r.kernel.nreboot_fixes, 1);
	assert_int_equal(r.kernel.nnot_running, 1);
	assert_int_equal(r.n, 2); /* linux-libc-dev runs no kernel code */
	vigie_scan_result_release(&r);

	/* running the new one: only the newer fix is missing */
	scan(&r, pkgs, 4, "6.1.0-18-amd64", NULL, 0);
	assert_false(r.kernel.reboot_required);
	assert_null(find(&r, "CVE-2024-0001", "linux"));
	assert_non_null(find(&r, "CVE-2024-0002", "linux"));
	vigie_scan_result_release(&r);

	/* a custom kernel: Debian's images are not judged */
	scan(&r, pkgs, 4, "6.5.0-custom", NULL, 0);
	assert_int_equal(r.n, 0);
	assert_non_null(strstr(r.kernel.note, "not from an installed Debian package"));
	vigie_scan_result_release(&r);
}

static void test_matcher_shares_answers(void **state)
{
	struct matcher *m;
	const struct match_list *a, *b;
	(void)state;
	assert_int_equal(vigie_matcher_new(&m, idx, 0, 1795770000), 0);
	a = vigie_matcher_match(m, "apache2", "2.4.53-1~deb11u1");
	b = vigie_matcher_match(m, "apache2", "2.4.53-1~deb11u1");
	assert_ptr_equal(a, b);
	assert_int_equal(a->n, 2);
	assert_int_equal(vigie_matcher_match(m, "apache2", "2.4.56-1~deb11u2")->n, 0);
	assert_int_equal(vigie_matcher_match(m, "nosuch", "1.0")->n, 0);
	vigie_matcher_free(m);
}

/* The tracker marks the issue end-of-life while debian-security-support
 * gives an end date still to come: the evidence must not claim support
 * ended on that future date. */
static void test_eol_evidence_future_date(void **state)
{
	struct inventory_pkg pkgs[] = { PKG("soonpkg", "1.0-1", "soonpkg", "1.0-1") };
	struct scan_result r;
	const struct finding *f;
	(void)state;
	scan(&r, pkgs, 1, NULL, NULL, 0);
	f = find(&r, "CVE-2023-0005", "soonpkg");
	assert_non_null(f);
	assert_int_equal(f->state, FINDING_END_OF_LIFE);
	assert_null(strstr(f->evidence, "ended on 2030-01-01"));
	assert_non_null(strstr(f->evidence, "Debian security tracker"));
	vigie_scan_result_release(&r);
}

/* One source installed at two versions (a partial upgrade): a hidden
 * unimportant issue is one issue, counted once. */
static void test_hidden_counted_once_per_source(void **state)
{
	struct inventory_pkg pkgs[] = {
		PKG("bash", "5.1-2+deb11u1", "bash", "5.1-2+deb11u1"),
		PKG("bash-builtins", "5.1-2", "bash", "5.1-2"),
	};
	struct scan_result r;
	(void)state;
	scan(&r, pkgs, 2, NULL, NULL, 0);
	assert_int_equal(r.hidden_unimportant, 1); /* CVE-2019-18276 */
	assert_int_equal(r.n, 1);                   /* CVE-2022-3715, merged */
	assert_string_equal(r.findings[0].source_version, "5.1-2");
	vigie_scan_result_release(&r);
}

/* The last day of a package's support (debian-security-support) is still
 * supported: its open issues become end-of-life the day after. */
static void test_support_end_date_inclusive(void **state)
{
	struct matcher *m;
	const struct match_list *l;
	(void)state;
	/* oldpkg's support ends 2024-01-01 */
	assert_int_equal(vigie_matcher_new(&m, idx, 0, 1704110400), 0); /* 2024-01-01T12:00Z */
	l = vigie_matcher_match(m, "oldpkg", "1.0-1");
	assert_int_equal(l->n, 1);
	assert_int_equal(l->hits[0].state, FINDING_NO_FIX);
	vigie_matcher_free(m);
	assert_int_equal(vigie_matcher_new(&m, idx, 0, 1704153600), 0); /* 2024-01-02T00:00Z */
	l = vigie_matcher_match(m, "oldpkg", "1.0-1");
	assert_int_equal(l->n, 1);
	assert_int_equal(l->hits[0].state, FINDING_END_OF_LIFE);
	vigie_matcher_free(m);
}

/* No kernel image: the linux source's userland binaries are listed with
 * the newest linux fix above their source version and how many lie above
 * it, and are no findings. */
static void test_kernel_userland(void **state)
{
	struct inventory_pkg pkgs[] = {
		PKG("bpftool", "7.1.0+6.1.76-1", "linux", "6.1.76-1"),
		PKG("linux-libc-dev", "6.1.50-1", "linux", "6.1.50-1"),
		PKG("usbip", "2.0+6.1.80-1", "linux", "6.1.80-1"),
	};
	struct inventory_pkg with_image[] = {
		PKG("linux-image-6.1.0-18-amd64", "6.1.76-1", "linux-signed-amd64", "6.1.76+1"),
		PKG("linux-libc-dev", "6.1.50-1", "linux", "6.1.50-1"),
	};
	struct scan_result r;
	(void)state;
	scan(&r, pkgs, 3, NULL, NULL, 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.kernel.nuserland, 3);
	assert_string_equal(r.kernel.userland[0].name, "bpftool");
	assert_string_equal(r.kernel.userland[0].version, "7.1.0+6.1.76-1");
	assert_string_equal(r.kernel.userland[0].fixed_version, "6.1.80-1");
	assert_int_equal(r.kernel.userland[0].cves, 1);
	assert_string_equal(r.kernel.userland[1].name, "linux-libc-dev");
	assert_string_equal(r.kernel.userland[1].fixed_version, "6.1.80-1");
	assert_int_equal(r.kernel.userland[1].cves, 2);
	assert_null(r.kernel.userland[2].fixed_version);
	assert_int_equal(r.kernel.userland[2].cves, 0);
	vigie_scan_result_release(&r);
	/* a judged image carries the kernel's findings itself */
	scan(&r, with_image, 2, "6.1.0-18-amd64", NULL, 0);
	assert_int_equal(r.kernel.nuserland, 0);
	assert_non_null(find(&r, "CVE-2024-0002", "linux"));
	vigie_scan_result_release(&r);
}

/* An index without any security data gives no verdict, not "no finding". */
static void test_no_data_is_undetermined(void **state)
{
	struct vulnindex *empty;
	struct inventory_pkg pkgs[] = { PKG("bash", "5.1-2", "bash", "5.1-2") };
	struct inventory inv;
	struct scan_opts so;
	struct scan_result r;
	(void)state;
	assert_int_equal(vigie_vulnindex_new(&empty, "bulseye"), 0);
	vigie_vulnindex_finish(empty);
	vigie_inventory_init(&inv);
	inv.host = "web1";
	inv.release = "bulseye";
	inv.pkgs = pkgs;
	inv.npkgs = 1;
	memset(&so, 0, sizeof(so));
	so.now = 1795770000;
	assert_int_equal(vigie_scan_run(&r, &inv, empty, NULL, &so, NULL), 0);
	assert_int_equal(r.n, 0);
	assert_non_null(r.undetermined);
	assert_non_null(strstr(r.undetermined, "no security data for release bulseye"));
	assert_string_equal(vigie_scan_verdict(&r), "undetermined");
	vigie_scan_result_release(&r);
	vigie_vulnindex_free(empty);

	/* the same host against data: a verdict */
	scan(&r, pkgs, 1, NULL, NULL, 0);
	assert_null(r.undetermined);
	assert_string_equal(vigie_scan_verdict(&r), "findings");
	vigie_scan_result_release(&r);
	pkgs[0].version = pkgs[0].source_version = "5.2.15-2";
	scan(&r, pkgs, 1, NULL, NULL, 0);
	assert_string_equal(vigie_scan_verdict(&r), "no-findings");
	vigie_scan_result_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backport_not_reported),
		cmocka_unit_test(test_older_reported_with_evidence),
		cmocka_unit_test(test_binnmu_uses_source_version),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_advisory_highest_fix),
		cmocka_unit_test(test_kernel),
		cmocka_unit_test(test_matcher_shares_answers),
		cmocka_unit_test(test_eol_evidence_future_date),
		cmocka_unit_test(test_hidden_counted_once_per_source),
		cmocka_unit_test(test_support_end_date_inclusive),
		cmocka_unit_test(test_kernel_userland),
		cmocka_unit_test(test_no_data_is_undetermined),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
