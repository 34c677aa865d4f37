#include "testutil.h"
#include "vigie/core/reader.h"
#include "vigie/engine/scan_restart.h"

#include <string.h>

static const char status[] =
	"Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\n"
	"Version: 3.0.13-1~deb12u1\nSource: openssl\n\n"
	"Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\n"
	"Version: 1:1.2.13.dfsg-1+b1\nSource: zlib (1:1.2.13.dfsg-1)\n\n";

/* upgrades of libssl3 on 2026-10-01 and 2026-11-20, zlib1g on 2026-11-21 */
static const char dpkg_log[] =
	"2026-10-01 10:00:00 upgrade libssl3:amd64 3.0.9-1 3.0.11-1~deb12u2\n"
	"2026-11-20 10:00:00 upgrade libssl3:amd64 3.0.11-1~deb12u2 3.0.13-1~deb12u1\n"
	"2026-11-21 10:00:00 upgrade zlib1g:amd64 1:1.2.11.dfsg-4+b2 1:1.2.13.dfsg-1+b1\n";

static void add(struct vulnindex *idx, const char *src, const char *vuln, const char *fixed)
{
	struct vuln_entry e;
	memset(&e, 0, sizeof(e));
	e.vuln = vuln;
	e.status = VULN_RESOLVED;
	e.origin = VULN_FROM_TRACKER;
	e.fixed_version = fixed;
	e.urgency = "medium";
	assert_int_equal(vigie_vulnindex_add(idx, src, &e, NULL), 0);
}

static struct restart_file ssl[] = { { "/usr/lib/x86_64-linux-gnu/libssl.so.3", "libssl3", "amd64", 1, NULL } };
static struct restart_file ssl_crypto[] = {
	{ "/usr/lib/x86_64-linux-gnu/libcrypto.so.3", "libssl3", "amd64", 1, NULL },
	{ "/usr/lib/x86_64-linux-gnu/libssl.so.3", "libssl3", "amd64", 0, NULL },
};
static struct restart_file zlib[] = { { "/usr/lib/x86_64-linux-gnu/libz.so.1", "zlib1g", "amd64", 1, NULL } };

static void test_units_and_cves(void **state)
{
	struct vulnindex *idx;
	struct inventory inv;
	struct history h;
	struct vigie_reader *rd;
	struct scan_result res;
	struct scan_opts so;
	struct vigie_error err;
	int64_t oct = test_utc("2026-09-01T00:00:00Z"), nov = test_utc("2026-11-01T00:00:00Z");
	struct restart_proc procs[] = {
		{ 1, 0, "systemd", "/usr/lib/systemd/systemd", "init.scope", NULL, RESTART_INIT, oct,
		  ssl, 1 },
		{ 812, 0, "nginx", "/usr/sbin/nginx", "nginx.service", NULL, RESTART_SYSTEM, nov,
		  ssl_crypto, 2 },
		{ 813, 33, "nginx", "/usr/sbin/nginx", "nginx.service", NULL, RESTART_SYSTEM, nov,
		  ssl, 1 },
		{ 900, 101, "dbus-daemon", "/usr/bin/dbus-daemon", "dbus.service", NULL,
		  RESTART_SYSTEM, nov, zlib, 1 },
		{ 1200, 1000, "my app", "/opt/app", NULL, NULL, RESTART_NONE, 0, zlib, 1 },
	};
	struct restart_scan rs;
	struct scan_restart_opts ro;
	(void)state;

	assert_int_equal(vigie_vulnindex_new(&idx, "bookworm"), 0);
	add(idx, "openssl", "CVE-2099-0001", "3.0.13-1~deb12u1");  /* the last upgrade fixed it */
	add(idx, "openssl", "CVE-2099-0002", "3.0.11-1~deb12u2");  /* the one before */
	add(idx, "openssl", "CVE-2099-0003", "3.0.15-1~deb12u1");  /* not installed: a plain finding */
	add(idx, "openssl", "CVE-2099-0004", "0");                 /* never affected */
	add(idx, "zlib", "CVE-2099-0100", "1:1.2.13.dfsg-1");
	vigie_vulnindex_finish(idx);
	vigie_error_init(&err);
	vigie_inventory_init(&inv);
	assert_int_equal(vigie_inventory_load_status_mem(&inv, status, sizeof(status) - 1, "s", &err), 0);
	inv.release = "bookworm";
	vigie_history_init(&h);
	assert_int_equal(vigie_reader_open_mem(&rd, dpkg_log, sizeof(dpkg_log) - 1, "dpkg.log", &err), 0);
	assert_int_equal(vigie_history_load_dpkg_reader(&h, rd, &err), 0);
	vigie_reader_free(rd);
	assert_int_equal(vigie_history_finish(&h, &err), 0);

	memset(&so, 0, sizeof(so));
	so.now = test_utc("2026-11-27T09:00:00Z");
	assert_int_equal(vigie_scan_run(&res, &inv, idx, NULL, &so, &err), 0);
	assert_int_equal(res.n, 1); /* CVE-2099-0003 */
	memset(&rs, 0, sizeof(rs));
	rs.procs = procs;
	rs.n = 5;
	rs.scanned = 140;
	rs.unreadable = 2;
	memset(&ro, 0, sizeof(ro));
	ro.procs = &rs;
	ro.inv = &inv;
	ro.idx = idx;
	ro.history = &h;
	assert_int_equal(vigie_scan_add_restart(&res, &ro, &err), 0);

	const struct scan_restart *r = res.restart;
	assert_non_null(r);
	assert_int_equal(r->scanned, 140);
	assert_int_equal(r->unreadable, 2);
	assert_int_equal(r->n, 4);
	assert_int_equal(r->ncves, 3);
	/* reboots first (PID 1, then D-Bus by unit name), then units, then lone processes */
	assert_int_equal(r->units[0].pids[0], 1);
	assert_int_equal(r->units[0].reboot, 1);
	assert_string_equal(r->units[0].action, "reboot (PID 1 runs replaced code)");
	/* PID 1 started before both upgrades: it runs 3.0.9-1, both fixes apply */
	assert_string_equal(r->units[0].pkgs[0].running_version, "3.0.9-1");
	assert_int_equal(r->units[0].pkgs[0].ncves, 2);
	assert_string_equal(r->units[0].pkgs[0].cves[0], "CVE-2099-0001");
	assert_string_equal(r->units[0].pkgs[0].cves[1], "CVE-2099-0002");
	assert_string_equal(r->units[1].unit, "dbus.service");
	assert_int_equal(r->units[1].reboot, 1);
	/* binNMU: +b2 taken off to compare with the source's fixed version */
	assert_string_equal(r->units[1].pkgs[0].running_version, "1:1.2.11.dfsg-4");
	assert_int_equal(r->units[1].pkgs[0].ncves, 1);
	assert_string_equal(r->units[2].unit, "nginx.service");
	assert_int_equal(r->units[2].npids, 2);
	assert_int_equal(r->units[2].pids[1], 813);
	assert_int_equal(r->units[2].reboot, 0);
	assert_string_equal(r->units[2].action, "systemctl restart nginx.service");
	assert_int_equal(r->units[2].npkgs, 1);
	assert_int_equal(r->units[2].pkgs[0].nfiles, 2);
	assert_string_equal(r->units[2].pkgs[0].files[0], "/usr/lib/x86_64-linux-gnu/libcrypto.so.3");
	assert_string_equal(r->units[2].pkgs[0].source, "openssl");
	assert_string_equal(r->units[2].pkgs[0].version, "3.0.13-1~deb12u1");
	/* started after the first upgrade: runs 3.0.11-1~deb12u2, one fix missing */
	assert_string_equal(r->units[2].pkgs[0].running_version, "3.0.11-1~deb12u2");
	assert_int_equal(r->units[2].pkgs[0].ncves, 1);
	assert_string_equal(r->units[2].pkgs[0].cves[0], "CVE-2099-0001");
	assert_null(r->units[3].unit);
	/* start unknown: the last upgrade's old side */
	assert_string_equal(r->units[3].pkgs[0].running_version, "1:1.2.11.dfsg-4");
	assert_string_equal(r->units[3].action, "restart process 1200 (my app)");

	/* findings: one per (CVE, source), restart_required, at the version run */
	assert_int_equal(res.n, 4);
	size_t nr = 0;
	for (size_t i = 0; i < res.n; i++) {
		const struct finding *f = &res.findings[i];
		if (!f->restart_required) {
			assert_string_equal(f->cve, "CVE-2099-0003");
			continue;
		}
		nr++;
		assert_int_equal(f->state, FINDING_FIXED_AVAILABLE);
		if (!strcmp(f->cve, "CVE-2099-0001"))
			assert_non_null(strstr(f->evidence, "nginx.service"));
		if (!strcmp(f->cve, "CVE-2099-0100"))
			assert_non_null(strstr(f->evidence, "dbus.service, process 1200 (my app) still run"));
	}
	assert_int_equal(nr, 3);

	/* the document's flat form: one entry per process and file */
	struct store_restart doc;
	assert_int_equal(vigie_scan_restart_invdoc(&doc, r, &res.arena), 0);
	assert_int_equal(doc.n, 1 + 1 + 2 * 2 + 1);
	assert_int_equal(doc.scanned, 140);

	vigie_scan_result_release(&res);
	vigie_history_release(&h);
	inv.release = NULL;
	vigie_inventory_release(&inv);
	vigie_vulnindex_free(idx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units_and_cves),
	};
	return cmocka_run_group_tests(tests, test_setup_utc, NULL);
}
