#include "testutil.h"
#include "vigie/scanners/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ---- */

struct warnings {
	unsigned long lines[64];
	char msgs[64][256];
	size_t n;
};

static void collect(void *ud, const struct vigie_error *w)
{
	struct warnings *ws = ud;
	if (ws->n < 64) {
		ws->lines[ws->n] = w->line;
		snprintf(ws->msgs[ws->n], sizeof(ws->msgs[0]), "%.255s", w->msg);
		ws->n++;
	}
}

static const char *kind(enum report_pkg_kind k)
{
	return k == REPORT_PKG_BINARY ? "b" : k == REPORT_PKG_SOURCE ? "s" :
	       k == REPORT_PKG_UNKNOWN ? "u" : "-";
}

#define S(x) ((x) ? (x) : "-")

/* host|ip|cve|package:kind|source|installed|fixed|port|product|product_version|cpe */
static void fmt(char *buf, size_t size, const struct report_finding *f)
{
	snprintf(buf, size, "%s|%s|%s|%s:%s|%s|%s|%s|%s|%s|%s|%s", S(f->host),
		 S(f->host_ip), S(f->cve), S(f->package), kind(f->package_kind),
		 S(f->source), S(f->installed_version), S(f->fixed_version), S(f->port),
		 S(f->product), S(f->product_version), S(f->cpe));
}

static void expect_findings(const struct report *rep, const char *const *want, size_t n)
{
	char got[1024];
	for (size_t i = 0; i < rep->nfindings && i < n; i++) {
		fmt(got, sizeof(got), &rep->findings[i]);
		if (strcmp(got, want[i]))
			fail_msg("%s finding %zu:\n got  %s\n want %s", rep->name, i, got, want[i]);
	}
	if (rep->nfindings != n)
		fail_msg("%s: %zu findings, expected %zu", rep->name, rep->nfindings, n);
}

static int load(struct report *rep, const char *rel, enum report_format fmt,
		struct warnings *ws)
{
	struct vigie_error err = { 0 };
	int rc;
	vigie_error_init(&err);
	if (ws) {
		memset(ws, 0, sizeof(*ws));
		err.warn = collect;
		err.warn_ud = ws;
	}
	vigie_report_init(rep);
	rc = vigie_report_load(rep, test_data(rel), fmt, NULL, &err);
	if (rc)
		fail_msg("%s: %s (line %lu)", rel, err.msg, err.line);
	return rc;
}

/* ---- fixtures written for these tests ---- */

static void test_greenbone_xml(void **state)
{
	static const char *const want[] = {
		"web1|192.0.2.10|CVE-2022-28615|-:-|-|2.4.56|2.4.54|443/tcp|-|2.4.56|cpe:/a:apache:http_server:2.4.56",
		"web1|192.0.2.10|CVE-2022-31813|-:-|-|2.4.56|2.4.54|443/tcp|-|2.4.56|cpe:/a:apache:http_server:2.4.56",
		"web1|192.0.2.10|CVE-2022-28615|apache2:b|-|2.4.56-1~deb11u1|2.4.56-1~deb11u2|package|-|-|-",
		"web1|192.0.2.10|CVE-2006-20001|apache2:b|-|2.4.56-1~deb11u1|2.4.56-1~deb11u2|package|-|-|-",
		"web1|192.0.2.10|CVE-2022-28615|apache2-bin:b|-|2.4.56-1~deb11u1|2.4.56-1~deb11u2|package|-|-|-",
		"web1|192.0.2.10|CVE-2006-20001|apache2-bin:b|-|2.4.56-1~deb11u1|2.4.56-1~deb11u2|package|-|-|-",
		"192.0.2.20|192.0.2.20|CVE-2023-0286|-:-|-|1.1.1n|1.1.1t|general/tcp|-|1.1.1n|-",
		"192.0.2.20|192.0.2.20|CVE-2023-0215|-:-|-|1.1.1n|1.1.1t|general/tcp|-|1.1.1n|-",
	};
	struct report rep;
	(void)state;
	assert_int_equal(load(&rep, "triage/greenbone.xml", REPORT_FMT_AUTO, NULL), 0);
	assert_int_equal(rep.format, REPORT_FMT_GREENBONE_XML);
	expect_findings(&rep, want, sizeof(want) / sizeof(want[0]));
	assert_int_equal(rep.without_cve, 1);
	assert_string_equal(rep.findings[0].title,
			    "Apache HTTP Server < 2.4.54 Multiple Vulnerabilities - Linux");
	assert_string_equal(rep.findings[0].plugin_id, "1.3.6.1.4.1.25623.1.0.148200");
	assert_string_equal(rep.findings[0].severity, "9.8");
	assert_string_equal(rep.findings[0].host_name, "web1");
	assert_null(rep.findings[6].host_name);
	/* line of the <result> element in the fixture */
	assert_int_equal(rep.findings[0].line, 16);
	vigie_report_release(&rep);
}

static void test_greenbone_csv(void **state)
{
	static const char *const want[] = {
		"web1|192.0.2.10|CVE-2022-28615|-:-|-|2.4.56|2.4.54|443/tcp|-|2.4.56|cpe:/a:apache:http_server:2.4.56",
		"web1|192.0.2.10|CVE-2022-31813|-:-|-|2.4.56|2.4.54|443/tcp|-|2.4.56|cpe:/a:apache:http_server:2.4.56",
		"web1|192.0.2.10|CVE-2022-28615|apache2:b|-|2.4.56-1~deb11u1|2.4.56-1~deb11u2|-|-|-|-",
	};
	struct report rep;
	(void)state;
	assert_int_equal(load(&rep, "triage/greenbone.csv", REPORT_FMT_AUTO, NULL), 0);
	assert_int_equal(rep.format, REPORT_FMT_GREENBONE_CSV);
	expect_findings(&rep, want, 3);
	assert_int_equal(rep.without_cve, 1);
	assert_int_equal(rep.findings[0].line, 2);
	assert_int_equal(rep.findings[2].line, 10);
	assert_string_equal(rep.findings[2].severity, "9.8");
	assert_string_equal(rep.findings[2].title, "Debian: Security Advisory (DLA-3401-1)");
	vigie_report_release(&rep);
}

static void test_nessus_csv(void **state)
{
	static const char *const want[] = {
		"web1|-|CVE-2022-28615|-:-|-|2.4.56|2.4.54|443/tcp|-|2.4.56|-",
		"web1|-|CVE-2022-31813|-:-|-|2.4.56|2.4.54|443/tcp|-|2.4.56|-",
		"192.0.2.10|192.0.2.10|CVE-2022-28615|apache2:b|-|2.4.56-1~deb11u1|2.4.56-1~deb11u2|0/tcp|-|-|-",
	};
	struct report rep;
	(void)state;
	assert_int_equal(load(&rep, "triage/nessus.csv", REPORT_FMT_AUTO, NULL), 0);
	assert_int_equal(rep.format, REPORT_FMT_NESSUS_CSV);
	expect_findings(&rep, want, 3);
	assert_int_equal(rep.without_cve, 1);
	assert_string_equal(rep.findings[0].severity, "High");
	assert_string_equal(rep.findings[0].plugin_id, "161454");
	assert_string_equal(rep.findings[2].severity, "Critical");
	assert_int_equal(rep.findings[0].line, 6);
	assert_int_equal(rep.findings[2].line, 16);
	vigie_report_release(&rep);
}

static void test_nessus_headers(void **state)
{
	/* the "all columns" and 2024+ exports, one row each */
	static const char all[] =
		"Plugin ID,CVE,CVSS,Risk,Host,Protocol,Port,Name,Synopsis,Description,Solution,See Also,Plugin Output,STIG Severity,CVSS v3.0 Base Score,CVSS Temporal Score,CVSS v3.0 Temporal Score,Risk Factor,BID,XREF,MSKB,Plugin Publication Date,Plugin Modification Date,Metasploit,Core Impact,CANVAS\n"
		"\"161454\",\"CVE-2022-28615\",\"7.5\",\"High\",\"web1\",\"tcp\",\"443\",\"Apache 2.4.x < 2.4.54\",\"s\",\"d\",\"u\",\"\",\"Installed version : 2.4.56\",\"\",\"9.1\",\"\",\"\",\"High\",\"\",\"\",\"\",\"2022/06/08\",\"2023/10/23\",\"\",\"\",\"\"\n";
	static const char v2024[] =
		"Plugin ID,CVE,CVSS v2.0 Base Score,Risk,Host,Protocol,Port,Name,Synopsis,Description,Solution,See Also,Plugin Output,STIG Severity,CVSS v4.0 Base Score,CVSS v4.0 Base+Threat Score,CVSS v3.0 Base Score,CVSS v2.0 Temporal Score,CVSS v3.0 Temporal Score,VPR Score,EPSS Score,Risk Factor,BID,XREF,MSKB,Plugin Publication Date,Plugin Modification Date,Metasploit,Core Impact,CANVAS\r\n"
		"175123,CVE-2022-28615,7.5,Critical,192.0.2.10,tcp,0,Debian dla-3401 : apache2 - security update,s,d,u,,\"Remote package installed : apache2_2.4.56-1~deb11u1\r\nShould be                : apache2_2.4.56-1~deb11u2\r\n\",,,,9.1,,,6.7,0.9,Critical,,,,2023/04/20,2023/04/20,,,\r\n";
	struct report rep;
	struct vigie_error err = { 0 };
	(void)state;
	vigie_report_init(&rep);
	vigie_error_init(&err);
	assert_int_equal(vigie_report_detect(all, strlen(all)), REPORT_FMT_NESSUS_CSV);
	assert_int_equal(vigie_report_detect(v2024, strlen(v2024)), REPORT_FMT_NESSUS_CSV);
	assert_int_equal(vigie_report_load_mem(&rep, all, strlen(all), "all.csv", REPORT_FMT_AUTO, NULL, &err), 0);
	assert_int_equal(vigie_report_load_mem(&rep, v2024, strlen(v2024), "v2024.csv", REPORT_FMT_AUTO, NULL, &err), 0);
	assert_int_equal(rep.nfindings, 2);
	assert_string_equal(rep.findings[0].installed_version, "2.4.56");
	assert_string_equal(rep.findings[1].package, "apache2");
	assert_string_equal(rep.findings[1].installed_version, "2.4.56-1~deb11u1");
	assert_string_equal(rep.findings[1].fixed_version, "2.4.56-1~deb11u2");
	vigie_report_release(&rep);
}

static void test_nessus_xml(void **state)
{
	static const char *const want[] = {
		"web1|192.0.2.10|CVE-2022-28615|-:-|-|2.4.56|2.4.54|443/tcp|-|2.4.56|cpe:/a:apache:http_server",
		"web1|192.0.2.10|CVE-2022-31813|-:-|-|2.4.56|2.4.54|443/tcp|-|2.4.56|cpe:/a:apache:http_server",
		"web1|192.0.2.10|CVE-2022-28615|apache2:b|-|2.4.56-1~deb11u1|2.4.56-1~deb11u2|0/tcp|-|-|-",
		"web1|192.0.2.10|CVE-2022-28615|apache2-bin:b|-|2.4.56-1~deb11u1|2.4.56-1~deb11u2|0/tcp|-|-|-",
		"192.0.2.20|192.0.2.20|CVE-2023-0286|-:-|-|1.1.1n|1.1.1t|0/tcp|-|1.1.1n|-",
	};
	struct report rep;
	(void)state;
	assert_int_equal(load(&rep, "triage/sample.nessus", REPORT_FMT_AUTO, NULL), 0);
	assert_int_equal(rep.format, REPORT_FMT_NESSUS_XML);
	expect_findings(&rep, want, 5);
	assert_int_equal(rep.without_cve, 1);
	assert_string_equal(rep.findings[0].plugin_id, "161454");
	assert_string_equal(rep.findings[0].title, "Apache 2.4.x < 2.4.54 Multiple Vulnerabilities");
	assert_string_equal(rep.findings[0].severity, "High");
	assert_string_equal(rep.findings[2].severity, "Critical");
	vigie_report_release(&rep);
}

static void test_trivy(void **state)
{
	static const char *const want[] = {
		"web1|-|CVE-2022-28615|apache2:b|-|2.4.56-1~deb11u1|2.4.56-1~deb11u2|-|-|-|-",
		"web1|-|CVE-2022-28615|apache2-bin:b|-|2.4.56-1~deb11u1|2.4.56-1~deb11u2|-|-|-|-",
		"web1|-|CVE-2023-4911|libc6:b|-|2.31-13+deb11u6|2.31-13+deb11u7|-|-|-|-",
		"web1|-|CVE-2020-11022|jquery:u|-|3.4.1|3.5.0|-|-|-|-",
	};
	struct report rep;
	(void)state;
	assert_int_equal(load(&rep, "triage/trivy.json", REPORT_FMT_AUTO, NULL), 0);
	assert_int_equal(rep.format, REPORT_FMT_TRIVY_JSON);
	expect_findings(&rep, want, 4);
	assert_int_equal(rep.without_cve, 1);
	assert_string_equal(rep.findings[0].status, "fixed");
	assert_string_equal(rep.findings[0].severity, "CRITICAL");
	assert_int_equal(rep.findings[2].line, 49); /* where the 4th vulnerability opens */
	vigie_report_release(&rep);
}

static void test_grype(void **state)
{
	static const char *const want[] = {
		"web1|-|CVE-2022-28615|apache2-bin:b|apache2|2.4.56-1~deb11u1|2.4.56-1~deb11u2|-|-|-|-",
		"web1|-|CVE-2020-11022|jquery:u|-|3.4.1|3.5.0|-|-|-|-",
		"web1|-|CVE-2023-4911|libc6:b|glibc|2.31-13+deb11u6|2.31-13+deb11u7|-|-|-|-",
	};
	struct report rep;
	(void)state;
	assert_int_equal(load(&rep, "triage/grype.json", REPORT_FMT_AUTO, NULL), 0);
	assert_int_equal(rep.format, REPORT_FMT_GRYPE_JSON);
	expect_findings(&rep, want, 3);
	assert_int_equal(rep.without_cve, 1);
	assert_string_equal(rep.findings[1].plugin_id, "GHSA-gxr4-xjj5-5px2");
	vigie_report_release(&rep);
}

static void test_generic_csv(void **state)
{
	static const char *const want[] = {
		"web1|-|CVE-2022-28615|-:-|-|-|-|443/tcp|Apache HTTP Server|2.4.56|-",
		"web1|-|CVE-2022-31813|apache2:u|-|2.4.56-1~deb11u1|-|-|-|-|-",
		"db1|-|CVE-2023-0286|-:-|-|-|-|-|OpenSSL|1.1.1n|-",
	};
	struct report rep;
	struct warnings ws;
	(void)state;
	assert_int_equal(load(&rep, "triage/generic.csv", REPORT_FMT_AUTO, &ws), 0);
	assert_int_equal(rep.format, REPORT_FMT_GENERIC_CSV);
	expect_findings(&rep, want, 3);
	assert_int_equal(rep.skipped, 2);
	assert_int_equal(ws.n, 3);
	assert_int_equal(ws.lines[0], 1);
	assert_non_null(strstr(ws.msgs[0], "owner, notes"));
	assert_int_equal(ws.lines[1], 5);
	assert_non_null(strstr(ws.msgs[1], "no host"));
	assert_int_equal(ws.lines[2], 6);
	assert_non_null(strstr(ws.msgs[2], "no CVE"));
	assert_int_equal(rep.findings[2].line, 7);
	vigie_report_release(&rep);
}

static void test_wrappers_and_separators(void **state)
{
	/* a GMP response around the outer report; an inner report alone; ';' CSV */
	static const char gmp[] =
		"<get_reports_response status=\"200\" status_text=\"OK\"><report id=\"r\">"
		"<report id=\"r\"><results><result id=\"1\"><name>n</name><host>192.0.2.5</host>"
		"<port>22/tcp</port><nvt oid=\"1.2\"><name>OpenSSH</name><refs><ref type=\"cve\" id=\"CVE-2023-38408\"/>"
		"</refs></nvt><severity>9.8</severity></result></results></report></report></get_reports_response>";
	static const char inner[] =
		"<report id=\"r\"><results><result id=\"1\"><host>192.0.2.6</host><nvt oid=\"1.2\">"
		"<refs><ref type=\"cve\" id=\"CVE-2023-38408\"/><ref type=\"cve\" id=\"CVE-2023-38408\"/>"
		"</refs></nvt></result></results><host><ip>192.0.2.5</ip><detail><name>hostname</name>"
		"<value>wrong</value></detail></host><host><ip>192.0.2.6</ip><detail><name>OS</name>"
		"<value>cpe:/o:debian:debian_linux:12</value></detail><detail><name>hostname</name>"
		"<value>mail1</value></detail></host></report>";
	static const char semi[] = "Host;CVE;Package;Version\nweb1;CVE-2023-38408;openssh;1:9.2p1-2+deb12u1\n";
	struct report rep;
	struct vigie_error err = { 0 };
	(void)state;
	vigie_report_init(&rep);
	assert_int_equal(vigie_report_load_mem(&rep, gmp, strlen(gmp), "gmp.xml", REPORT_FMT_AUTO, NULL, &err), 0);
	assert_int_equal(vigie_report_load_mem(&rep, inner, strlen(inner), "inner.xml", REPORT_FMT_AUTO, NULL, &err), 0);
	assert_int_equal(vigie_report_load_mem(&rep, semi, strlen(semi), "semi.csv", REPORT_FMT_AUTO, NULL, &err), 0);
	assert_int_equal(rep.nfindings, 3);
	assert_string_equal(rep.findings[0].host, "192.0.2.5");
	assert_string_equal(rep.findings[0].port, "22/tcp");
	assert_string_equal(rep.findings[1].host, "mail1"); /* from the host details */
	assert_string_equal(rep.findings[1].host_ip, "192.0.2.6");
	assert_string_equal(rep.findings[1].cve, "CVE-2023-38408"); /* listed twice, one finding */
	assert_string_equal(rep.findings[2].package, "openssh");
	assert_string_equal(rep.findings[2].installed_version, "1:9.2p1-2+deb12u1");
	assert_int_equal(rep.format, REPORT_FMT_GENERIC_CSV);
	vigie_report_release(&rep);
}

static void test_generic_missing_columns(void **state)
{
	static const char txt[] = "host,package\nweb1,apache2\n";
	struct report rep;
	struct vigie_error err = { 0 };
	(void)state;
	vigie_report_init(&rep);
	vigie_error_init(&err);
	assert_int_equal(vigie_report_load_mem(&rep, txt, strlen(txt), "x.csv", REPORT_FMT_GENERIC_CSV,
					 NULL, &err), VIGIE_EPARSE);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.msg, "cve"));
	vigie_report_release(&rep);
}

/* ---- detection and names ---- */

static void test_detect(void **state)
{
	static const struct { const char *text; enum report_format fmt; } cases[] = {
		{ "<?xml version=\"1.0\"?>\n<!-- x -->\n<report id=\"1\"><report/></report>", REPORT_FMT_GREENBONE_XML },
		{ "<get_reports_response status=\"200\"><report/></get_reports_response>", REPORT_FMT_GREENBONE_XML },
		{ "\xef\xbb\xbf<?xml version=\"1.0\" ?>\n<NessusClientData_v2>", REPORT_FMT_NESSUS_XML },
		{ "<html></html>", REPORT_FMT_UNKNOWN },
		{ "{\"SchemaVersion\": 2, \"Results\": []}", REPORT_FMT_TRIVY_JSON },
		{ "{\"matches\": [], \"source\": {}}", REPORT_FMT_GRYPE_JSON },
		{ "{\"foo\": 1}", REPORT_FMT_UNKNOWN },
		{ "IP,Hostname,Port,Port Protocol,CVSS,Severity,Solution Type,NVT Name,Summary,Specific Result,NVT OID,CVEs\n", REPORT_FMT_GREENBONE_CSV },
		{ "Plugin ID,CVE,CVSS,Risk,Host,Protocol,Port,Name\n", REPORT_FMT_NESSUS_CSV },
		{ "Plugin,Plugin Name,Family,Severity,IP Address,CVE\n", REPORT_FMT_NESSUS_CSV },
		{ "Host;CVE;Package\nweb1;CVE-2022-28615;apache2\n", REPORT_FMT_GENERIC_CSV },
		{ "a,b,c\n1,2,3\n", REPORT_FMT_UNKNOWN },
		{ "", REPORT_FMT_UNKNOWN },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum report_format f = vigie_report_detect(cases[i].text, strlen(cases[i].text));
		if (f != cases[i].fmt)
			fail_msg("case %zu: detected %s, expected %s", i, vigie_report_format_name(f),
				 vigie_report_format_name(cases[i].fmt));
	}
}

static void test_format_names(void **state)
{
	enum report_format f;
	(void)state;
	assert_int_equal(vigie_report_format_parse(&f, "openvas"), 0);
	assert_int_equal(f, REPORT_FMT_GREENBONE_XML);
	assert_int_equal(vigie_report_format_parse(&f, "nessus"), 0);
	assert_int_equal(f, REPORT_FMT_NESSUS_XML);
	assert_int_equal(vigie_report_format_parse(&f, "Trivy"), 0);
	assert_int_equal(f, REPORT_FMT_TRIVY_JSON);
	assert_int_equal(vigie_report_format_parse(&f, "csv"), 0);
	assert_int_equal(f, REPORT_FMT_GENERIC_CSV);
	assert_int_equal(vigie_report_format_parse(&f, "unknown"), VIGIE_EUSAGE);
	assert_int_equal(vigie_report_format_parse(&f, "pdf"), VIGIE_EUSAGE);
	assert_string_equal(vigie_report_format_name(REPORT_FMT_GREENBONE_CSV), "greenbone-csv");
	for (int i = REPORT_FMT_GREENBONE_XML; i < REPORT_FMT_UNKNOWN; i++) {
		assert_int_equal(vigie_report_format_parse(&f, vigie_report_format_name((enum report_format)i)), 0);
		assert_int_equal(f, i);
	}
}

static void test_pkgtext(void **state)
{
	struct vigie_arena a;
	struct report_pkgtext pk[4];
	size_t n;
	(void)state;
	vigie_arena_init(&a);
	assert_int_equal(vigie_report_parse_pkgtext(pk, 4, &n,
		"Vulnerable package:   openssl\nInstalled version:    1.1.1n-0+deb11u4\n"
		"Fixed version:        >=1.1.1n-0+deb11u5\n\nVulnerable package: libssl1.1\n"
		"Installed version: 1.1.1n-0+deb11u4\nFixed version: >= 1.1.1n-0+deb11u5\n", &a), 0);
	assert_int_equal(n, 2);
	assert_string_equal(pk[0].package, "openssl");
	assert_string_equal(pk[0].installed_version, "1.1.1n-0+deb11u4");
	assert_string_equal(pk[0].fixed_version, "1.1.1n-0+deb11u5");
	assert_string_equal(pk[1].package, "libssl1.1");
	assert_string_equal(pk[1].fixed_version, "1.1.1n-0+deb11u5");

	assert_int_equal(vigie_report_parse_pkgtext(pk, 4, &n,
		"  Remote package installed : sudo_1.9.5p2-3\r\n  Should be : sudo_1.9.5p2-3+deb11u1\r\n", &a), 0);
	assert_int_equal(n, 1);
	assert_string_equal(pk[0].package, "sudo");
	assert_string_equal(pk[0].installed_version, "1.9.5p2-3");
	assert_string_equal(pk[0].fixed_version, "1.9.5p2-3+deb11u1");

	assert_int_equal(vigie_report_parse_pkgtext(pk, 4, &n,
		"Installed package : curl_7.74.0-1.3+deb11u7\nFixed package : curl_7.74.0-1.3+deb11u10\n", &a), 0);
	assert_int_equal(n, 1);
	assert_string_equal(pk[0].package, "curl");
	assert_string_equal(pk[0].fixed_version, "7.74.0-1.3+deb11u10");

	assert_int_equal(vigie_report_parse_pkgtext(pk, 4, &n,
		"Installed version: 9.2p1\nFixed version: None\nProduct: cpe:/a:openbsd:openssh:9.2p1\n", &a), 0);
	assert_int_equal(n, 1);
	assert_null(pk[0].package);
	assert_string_equal(pk[0].installed_version, "9.2p1");
	assert_null(pk[0].fixed_version);
	assert_string_equal(pk[0].cpe, "cpe:/a:openbsd:openssh:9.2p1");

	/* no key: nothing; an invalid package name is not taken */
	assert_int_equal(vigie_report_parse_pkgtext(pk, 4, &n, "The remote host is vulnerable.", &a), 0);
	assert_int_equal(n, 0);
	assert_int_equal(vigie_report_parse_pkgtext(pk, 4, &n, "Package: Not A Name\n", &a), 0);
	assert_int_equal(n, 0);
	/* more packages than room: the first ones are kept */
	assert_int_equal(vigie_report_parse_pkgtext(pk, 2, &n,
		"Package: a1\nPackage: b1\nPackage: c1\n", &a), 0);
	assert_int_equal(n, 2);
	assert_string_equal(pk[1].package, "b1");
	vigie_arena_release(&a);
}

/* ---- hostile input ---- */

static int load_text(const char *text, size_t len, enum report_format fmt,
		     struct vigie_error *err, struct report *rep)
{
	vigie_report_init(rep);
	vigie_error_init(err);
	return vigie_report_load_mem(rep, text, len, "hostile", fmt, NULL, err);
}

static void test_xxe(void **state)
{
	static const char xxe[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE report [\n  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n"
		"<report><report><results><result><name>&xxe;</name>"
		"<host>192.0.2.1</host><nvt oid=\"1\"><refs><ref type=\"cve\" id=\"CVE-2022-28615\"/></refs></nvt>"
		"<description>&xxe;</description></result></results></report></report>\n";
	static const char xxe_nessus[] =
		"<?xml version=\"1.0\"?>\n<!-- a comment first -->\n"
		"<!DOCTYPE NessusClientData_v2 SYSTEM \"http://127.0.0.1:9/x.dtd\">\n"
		"<NessusClientData_v2><Report><ReportHost name=\"h\"><ReportItem port=\"0\">"
		"<cve>CVE-2022-28615</cve></ReportItem></ReportHost></Report></NessusClientData_v2>";
	/* an entity reference with no declaration is a well-formedness error */
	static const char undeclared[] =
		"<report><report><results><result><name>&xxe;</name></result></results></report></report>";
	struct report rep;
	struct vigie_error err = { 0 };
	(void)state;

	assert_int_equal(load_text(xxe, strlen(xxe), REPORT_FMT_AUTO, &err, &rep), VIGIE_EPARSE);
	if (err.line != 2) fail_msg("%lu: %s", err.line, err.msg);
	assert_non_null(strstr(err.msg, "document type"));
	assert_int_equal(rep.nfindings, 0);
	vigie_report_release(&rep);

	assert_int_equal(load_text(xxe_nessus, strlen(xxe_nessus), REPORT_FMT_NESSUS_XML, &err, &rep),
			 VIGIE_EPARSE);
	assert_int_equal(err.line, 3);
	vigie_report_release(&rep);

	/* the same payload in UTF-16 cannot slip past the prolog check */
	{
		struct vigie_buf u = VIGIE_BUF_INIT;
		assert_int_equal(vigie_buf_add(&u, "\xff\xfe", 2), 0);
		for (const char *p = xxe; *p; p++) {
			assert_int_equal(vigie_buf_addc(&u, *p), 0);
			assert_int_equal(vigie_buf_addc(&u, '\0'), 0);
		}
		assert_int_equal(load_text(u.data, u.len, REPORT_FMT_GREENBONE_XML, &err, &rep), VIGIE_EPARSE);
		assert_non_null(strstr(err.msg, "UTF-16"));
		vigie_report_release(&rep);
		assert_int_equal(load_text(u.data + 2, u.len - 2, REPORT_FMT_GREENBONE_XML, &err, &rep),
				 VIGIE_EPARSE);
		vigie_report_release(&rep);
		vigie_buf_release(&u);
	}

	assert_int_equal(load_text(undeclared, strlen(undeclared), REPORT_FMT_GREENBONE_XML, &err, &rep),
			 VIGIE_EPARSE);
	assert_int_equal(err.line, 1);
	assert_null(strstr(err.msg, "root:"));
	vigie_report_release(&rep);
}

static void test_billion_laughs(void **state)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct report rep;
	struct vigie_error err = { 0 };
	(void)state;
	assert_int_equal(vigie_buf_adds(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
					    " <!ENTITY lol0 \"lol\">\n"), 0);
	for (int i = 1; i < 10; i++) {
		assert_int_equal(vigie_buf_addf(&b, " <!ENTITY lol%d \"", i), 0);
		for (int k = 0; k < 10; k++)
			assert_int_equal(vigie_buf_addf(&b, "&lol%d;", i - 1), 0);
		assert_int_equal(vigie_buf_adds(&b, "\">\n"), 0);
	}
	assert_int_equal(vigie_buf_adds(&b, "]>\n<report><report><results><result><name>&lol9;</name>"
					    "</result></results></report></report>\n"), 0);
	assert_int_equal(load_text(b.data, b.len, REPORT_FMT_AUTO, &err, &rep), VIGIE_EPARSE);
	assert_int_equal(err.line, 2);
	vigie_report_release(&rep);
	vigie_buf_release(&b);
}

static void test_xml_limits(void **state)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct report rep;
	struct vigie_error err = { 0 };
	(void)state;
	/* nesting deeper than the bound */
	assert_int_equal(vigie_buf_adds(&b, "<report>"), 0);
	for (int i = 0; i < 200; i++)
		assert_int_equal(vigie_buf_adds(&b, "<a>"), 0);
	for (int i = 0; i < 200; i++)
		assert_int_equal(vigie_buf_adds(&b, "</a>"), 0);
	assert_int_equal(vigie_buf_adds(&b, "</report>"), 0);
	assert_int_equal(load_text(b.data, b.len, REPORT_FMT_GREENBONE_XML, &err, &rep), VIGIE_ELIMIT);
	vigie_report_release(&rep);
	/* truncated */
	assert_int_equal(load_text("<report><report>\n<results>\n<result>", 36,
				   REPORT_FMT_GREENBONE_XML, &err, &rep), VIGIE_EPARSE);
	assert_true(err.line >= 3);
	vigie_report_release(&rep);
	/* invalid UTF-8 on line 3 */
	assert_int_equal(load_text("<report>\n<report>\n<results>\xff</results></report></report>", 55,
				   REPORT_FMT_GREENBONE_XML, &err, &rep), VIGIE_EPARSE);
	assert_int_equal(err.line, 3);
	vigie_report_release(&rep);
	/* wrong root for the format asked */
	assert_int_equal(load_text("<foo/>", 6, REPORT_FMT_NESSUS_XML, &err, &rep), VIGIE_EPARSE);
	vigie_report_release(&rep);
	vigie_buf_release(&b);
}

/* ASCII to EBCDIC (IBM037), from Python's cp037 codec. */
static const unsigned char cp037[128] = {
	0x00, 0x01, 0x02, 0x03, 0x37, 0x2d, 0x2e, 0x2f, 0x16, 0x05, 0x25, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x3c, 0x3d, 0x32, 0x26,
	0x18, 0x19, 0x3f, 0x27, 0x1c, 0x1d, 0x1e, 0x1f, 0x40, 0x5a, 0x7f, 0x7b,
	0x5b, 0x6c, 0x50, 0x7d, 0x4d, 0x5d, 0x5c, 0x4e, 0x6b, 0x60, 0x4b, 0x61,
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0x7a, 0x5e,
	0x4c, 0x7e, 0x6e, 0x6f, 0x7c, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
	0xc8, 0xc9, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xe2,
	0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xba, 0xe0, 0xbb, 0xb0, 0x6d,
	0x79, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x91, 0x92,
	0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6,
	0xa7, 0xa8, 0xa9, 0xc0, 0x4f, 0xd0, 0xa1, 0x07
};

static void to_ebcdic(struct vigie_buf *out, const char *s)
{
	for (; *s; s++)
		assert_int_equal(vigie_buf_addc(out, (char)cp037[(unsigned char)*s & 0x7f]), 0);
}

/* Many attributes on one element (quadratic in libxml2 2.9), an EBCDIC
 * document hiding a DOCTYPE from a byte scan: both refused before libxml2
 * parses, with the file and line. */
static void test_xml_hostile(void **state)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct report rep;
	struct vigie_error err = { 0 };
	static const char *const heads[] = { "<report><report>\n<results>\n<result ",
					     "<NessusClientData_v2>\n<Report>\n<ReportHost " };
	(void)state;
	for (int k = 0; k < 2; k++) {
		vigie_buf_reset(&b);
		assert_int_equal(vigie_buf_adds(&b, heads[k]), 0);
		for (int i = 0; i < 200000; i++)
			assert_int_equal(vigie_buf_addf(&b, "a%d=\"\" ", i), 0);
		assert_int_equal(vigie_buf_adds(&b, k ? "/></Report></NessusClientData_v2>"
						      : "/></results></report></report>"), 0);
		assert_int_equal(load_text(b.data, b.len, REPORT_FMT_AUTO, &err, &rep), VIGIE_ELIMIT);
		assert_int_equal(err.line, 3);
		assert_non_null(strstr(err.msg, "more than 256 attributes"));
		vigie_report_release(&rep);
	}
	/* 256 attributes are fine */
	vigie_buf_reset(&b);
	assert_int_equal(vigie_buf_adds(&b, "<report><report><results><result "), 0);
	for (int i = 0; i < 256; i++)
		assert_int_equal(vigie_buf_addf(&b, "a%d='>' ", i), 0);
	assert_int_equal(vigie_buf_adds(&b, "/></results></report></report>"), 0);
	assert_int_equal(load_text(b.data, b.len, REPORT_FMT_GREENBONE_XML, &err, &rep), 0);
	vigie_report_release(&rep);

	/* EBCDIC with a DOCTYPE and an external entity */
	vigie_buf_reset(&b);
	to_ebcdic(&b, "<?xml version=\"1.0\" encoding=\"IBM037\"?>\n"
		      "<!DOCTYPE report [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
		      "<report><report><results><result><name>&x;</name></result>"
		      "</results></report></report>\n");
	assert_int_equal(load_text(b.data, b.len, REPORT_FMT_GREENBONE_XML, &err, &rep), VIGIE_EPARSE);
	assert_non_null(strstr(err.msg, "EBCDIC"));
	assert_int_equal(err.line, 1);
	vigie_report_release(&rep);
	/* a declared encoding that is not ASCII-compatible */
	{
		static const char decl[] = "<?xml version=\"1.0\" encoding=\"UTF-7\"?>\n"
					   "<report><report><results/></report></report>";
		assert_int_equal(load_text(decl, strlen(decl), REPORT_FMT_GREENBONE_XML, &err, &rep),
				 VIGIE_EPARSE);
		assert_non_null(strstr(err.msg, "UTF-7"));
		vigie_report_release(&rep);
	}
	vigie_buf_release(&b);
}

static void test_json_hostile(void **state)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct report rep;
	struct vigie_error err = { 0 };
	static const char bad_utf8[] = "{\"SchemaVersion\":2,\"ArtifactName\":\"h\xc3\x28\",\"Results\":[]}";
	static const char truncated[] = "{\"SchemaVersion\":2,\"Results\":[{\"Vulnerabilities\":[";
	static const char wrong[] = "{\"SchemaVersion\":2,\"Results\":{}}";
	static const char syntax[] = "{\"SchemaVersion\": 2,\n\"Results\": [\n{,}]}";
	(void)state;
	assert_int_equal(vigie_buf_adds(&b, "{\"SchemaVersion\":2,\"Results\":"), 0);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(vigie_buf_addc(&b, '['), 0);
	assert_int_equal(load_text(b.data, b.len, REPORT_FMT_AUTO, &err, &rep), VIGIE_ELIMIT);
	vigie_report_release(&rep);
	assert_int_equal(load_text(bad_utf8, strlen(bad_utf8), REPORT_FMT_TRIVY_JSON, &err, &rep), VIGIE_EPARSE);
	vigie_report_release(&rep);
	/* the line of a syntax error is found */
	assert_int_equal(load_text(syntax, strlen(syntax),
				   REPORT_FMT_TRIVY_JSON, &err, &rep), VIGIE_EPARSE);
	assert_int_equal(err.line, 3);
	vigie_report_release(&rep);
	assert_int_equal(load_text(truncated, strlen(truncated), REPORT_FMT_TRIVY_JSON, &err, &rep), VIGIE_EPARSE);
	vigie_report_release(&rep);
	assert_int_equal(load_text(wrong, strlen(wrong), REPORT_FMT_TRIVY_JSON, &err, &rep), VIGIE_EPARSE);
	vigie_report_release(&rep);
	assert_int_equal(load_text("[]", 2, REPORT_FMT_GRYPE_JSON, &err, &rep), VIGIE_EPARSE);
	vigie_report_release(&rep);
	/* one record of 12 MB of "0,": the streamed reader stops at its bound
	 * (a tree of the document would take over 500 MB) */
	vigie_buf_reset(&b);
	assert_int_equal(vigie_buf_adds(&b, "{\"SchemaVersion\":2,\"Results\":[{\"Target\":\"t\",\n"
					    "\"Vulnerabilities\":[{},\n{\"pad\":["), 0);
	for (int i = 0; i < 6 * 1024 * 1024; i++)
		assert_int_equal(vigie_buf_add(&b, "0,", 2), 0);
	assert_int_equal(vigie_buf_adds(&b, "0]}]}]}"), 0);
	assert_int_equal(load_text(b.data, b.len, REPORT_FMT_TRIVY_JSON, &err, &rep), VIGIE_ELIMIT);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.msg, "record Results[0].Vulnerabilities[1] holds more than"));
	vigie_report_release(&rep);
	/* a 300-byte number */
	vigie_buf_reset(&b);
	assert_int_equal(vigie_buf_adds(&b, "{\"matches\":[\n"), 0);
	for (int i = 0; i < 300; i++)
		assert_int_equal(vigie_buf_addc(&b, '9'), 0);
	assert_int_equal(vigie_buf_adds(&b, "]}"), 0);
	assert_int_equal(load_text(b.data, b.len, REPORT_FMT_GRYPE_JSON, &err, &rep), VIGIE_ELIMIT);
	assert_int_equal(err.line, 2);
	vigie_report_release(&rep);
	vigie_buf_release(&b);
}

/* NUL and control characters in names and versions: an error naming the
 * field, in every format (a name cut at U+0000 was judged not affected). */
static void test_control_chars(void **state)
{
	static const struct {
		const char *doc;
		size_t len; /* 0: strlen */
		enum report_format fmt;
		const char *msg;
		unsigned long line;
	} cases[] = {
		{ "{\"SchemaVersion\":2,\"ArtifactName\":\"h\",\"Results\":[{\"Target\":\"t\",\n"
		  "\"Vulnerabilities\":[\n{\"VulnerabilityID\":\"CVE-2024-0001\",\"PkgName\":\"bash\\u0000x\","
		  "\"InstalledVersion\":\"1\"}]}]}", 0, REPORT_FMT_TRIVY_JSON,
		  "Results[0].Vulnerabilities[0].PkgName: NUL character", 3 },
		{ "{\"SchemaVersion\":2,\"ArtifactName\":\"h\",\"Results\":[{\"Target\":\"t\",\n"
		  "\"Vulnerabilities\":[{},\n{\"VulnerabilityID\":\"CVE-2024-0001\",\"PkgName\":\"a\\u001b[31m\"}]}]}",
		  0, REPORT_FMT_TRIVY_JSON,
		  "Results[0].Vulnerabilities[1]: control character U+001B in the package name", 3 },
		{ "{\"SchemaVersion\":2,\"ArtifactName\":\"h\\u0007\",\"Results\":[{\"Vulnerabilities\":"
		  "[{\"VulnerabilityID\":\"CVE-2024-0001\",\"PkgName\":\"a\"}]}]}", 0, REPORT_FMT_TRIVY_JSON,
		  "control character U+0007 in the ArtifactName", 1 },
		{ "{\"matches\":[{\"vulnerability\":{\"id\":\"CVE-2024-0001\"},\n\"artifact\":{\"name\":\"a\","
		  "\"version\":\"1.0\\u009b2J\"}}],\"source\":{\"target\":\"img\"}}", 0, REPORT_FMT_GRYPE_JSON,
		  "matches[0]: control character U+009B in the installed version", 1 },
		{ "<report><report><results>\n<result><host>192.0.2.1</host><nvt oid=\"1\"><refs>"
		  "<ref type=\"cve\" id=\"CVE-2024-0001\"/></refs></nvt>\n<description>Vulnerable package: bash\n"
		  "Installed version: 5.1\xc2\x9b" "2J\n</description></result></results></report></report>", 0,
		  REPORT_FMT_GREENBONE_XML, "control character U+009B in the installed version", 2 },
		{ "<NessusClientData_v2><Report>\n<ReportHost name=\"h&#127;x\"><ReportItem port=\"0\" "
		  "pluginID=\"1\"><cve>CVE-2024-0001</cve></ReportItem></ReportHost></Report>"
		  "</NessusClientData_v2>", 0, REPORT_FMT_NESSUS_XML,
		  "control character U+007F in the host name", 2 },
		{ "Plugin ID,CVE,Host,Name,Plugin Output\n1,CVE-2024-0001,h\x1b]0;x\x07,Debian,\n", 0,
		  REPORT_FMT_NESSUS_CSV, "control character U+001B in the host", 2 },
		{ "host,cve,package,version\nh,CVE-2024-0001,bash,5.1\x1b[2J\n", 0,
		  REPORT_FMT_GENERIC_CSV, "control character U+001B in the installed version", 2 },
		{ "host,cve,package,version\nh,CVE-2024-0001,ba\0sh,5.1\n", 47,
		  REPORT_FMT_GENERIC_CSV, "NUL byte in CSV input", 2 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct report rep;
		struct vigie_error err;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].doc);
		int rc = load_text(cases[i].doc, len, cases[i].fmt, &err, &rep);
		if (rc != VIGIE_EPARSE || !strstr(err.msg, cases[i].msg) || err.line != cases[i].line)
			fail_msg("case %zu: rc %d, line %lu: %s (want line %lu: %s)", i, rc, err.line,
				 err.msg, cases[i].line, cases[i].msg);
		vigie_report_release(&rep);
	}
}

static void test_csv_huge_field(void **state)
{
	/* a 50 MB field: an error naming the line, not a crash */
	size_t big = 50u * 1024 * 1024;
	const char *path;
	char *text = malloc(big + 64);
	FILE *f;
	struct report rep;
	struct vigie_error err = { 0 };
	(void)state;
	assert_non_null(text);
	path = test_write("huge.csv", "");
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("host,cve,package\nweb1,CVE-2022-28615,apache2\ndb1,\"", f);
	memset(text, 'A', big);
	assert_int_equal(fwrite(text, 1, big, f), big);
	fputs("\",x\n", f);
	fclose(f);
	free(text);
	vigie_report_init(&rep);
	vigie_error_init(&err);
	assert_int_equal(vigie_report_load(&rep, path, REPORT_FMT_AUTO, NULL, &err), VIGIE_ELIMIT);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.file, "huge.csv"));
	vigie_report_release(&rep);
	/* the document bound */
	vigie_report_init(&rep);
	vigie_error_init(&err);
	{
		struct report_limits o = { 1024 * 1024, 0, 0, 0 };
		assert_int_equal(vigie_report_load(&rep, path, REPORT_FMT_AUTO, &o, &err), VIGIE_ELIMIT);
	}
	vigie_report_release(&rep);
}

static void test_csv_invalid_utf8(void **state)
{
	static const char txt[] = "host,cve,product\r\nweb1,CVE-2022-28615,Apache\r\n"
				  "web2,CVE-2022-28615,Apa\xffhe\r\nweb3,CVE-2022-28615,nginx\r\n";
	static const char badhead[] = "host,cve,\xfe\nweb1,CVE-2022-28615,x\n";
	struct report rep;
	struct vigie_error err = { 0 };
	struct warnings ws;
	(void)state;
	vigie_report_init(&rep);
	vigie_error_init(&err);
	memset(&ws, 0, sizeof(ws));
	err.warn = collect;
	err.warn_ud = &ws;
	assert_int_equal(vigie_report_load_mem(&rep, txt, strlen(txt), "u.csv", REPORT_FMT_AUTO, NULL, &err), 0);
	assert_int_equal(rep.nfindings, 2);
	assert_string_equal(rep.findings[1].host, "web3");
	assert_int_equal(rep.skipped, 1);
	assert_int_equal(ws.n, 1);
	assert_int_equal(ws.lines[0], 3);
	assert_non_null(strstr(ws.msgs[0], "UTF-8"));
	vigie_report_release(&rep);
	assert_int_equal(load_text(badhead, strlen(badhead), REPORT_FMT_GENERIC_CSV, &err, &rep), VIGIE_EPARSE);
	assert_int_equal(err.line, 1);
	vigie_report_release(&rep);
}

static void test_unknown_format(void **state)
{
	struct report rep;
	struct vigie_error err = { 0 };
	(void)state;
	assert_int_equal(load_text("hello world\n", 12, REPORT_FMT_AUTO, &err, &rep), VIGIE_EPARSE);
	assert_non_null(strstr(err.msg, "unrecognised"));
	vigie_report_release(&rep);
	vigie_report_init(&rep);
	vigie_error_init(&err);
	assert_int_equal(vigie_report_load(&rep, "/nonexistent/report.xml", REPORT_FMT_AUTO, NULL, &err), VIGIE_EIO);
	vigie_report_release(&rep);
}

static void test_max_findings(void **state)
{
	struct report rep;
	struct vigie_error err = { 0 };
	struct report_limits o = { 0, 0, 2, 0 };
	(void)state;
	vigie_report_init(&rep);
	vigie_error_init(&err);
	assert_int_equal(vigie_report_load(&rep, test_data("triage/trivy.json"), REPORT_FMT_AUTO, &o, &err),
			 VIGIE_ELIMIT);
	vigie_report_release(&rep);
}

/* ---- real samples (counts computed independently with python3) ---- */

static long py_count(const char *script, const char *path)
{
	char buf[64] = "";
	FILE *f;
	char outp[4096], spp[4096];
	/* test_write returns a static buffer: copy each path at once */
	snprintf(outp, sizeof(outp), "%s", test_write("count.txt", ""));
	snprintf(spp, sizeof(spp), "%s", test_write("count.py", script));
	if (test_system("python3 '%s' '%s' > '%s'", spp, path, outp) != 0)
		return -1;
	f = fopen(outp, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strtol(buf, NULL, 10);
}

static const char py_gb_xml[] =
	"import sys, re, xml.etree.ElementTree as ET\n"
	"root = ET.parse(sys.argv[1]).getroot()\n"
	"inner = root.find('report') if root.find('report') is not None else root\n"
	"n = 0\n"
	"for r in inner.find('results').findall('result'):\n"
	"    ids = []\n"
	"    for ref in r.findall('nvt/refs/ref'):\n"
	"        if ref.get('type') == 'cve' and ref.get('id') not in ids: ids.append(ref.get('id'))\n"
	"    d = r.findtext('description') or ''\n"
	"    pk = len(re.findall(r'(?im)^\\s*vulnerable package\\s*:', d))\n"
	"    n += len(ids) * max(pk, 1)\n"
	"print(n)\n";

static const char py_csv[] =
	"import sys, csv, re\n"
	"rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))\n"
	"col = 'CVEs' if 'CVEs' in rows[0] else 'CVE'\n"
	"txt = 'Specific Result' if col == 'CVEs' else 'Plugin Output'\n"
	"n = 0\n"
	"for r in rows:\n"
	"    ids = list(dict.fromkeys(re.findall(r'CVE-\\d{4}-\\d{4,}', r[col] or '')))\n"
	"    t = r.get(txt) or ''\n"
	"    pk = len(re.findall(r'(?im)^\\s*(vulnerable package|remote package installed|installed package)\\s*:', t))\n"
	"    n += len(ids) * max(pk, 1)\n"
	"print(n)\n";

static const char py_trivy[] =
	"import sys, json\n"
	"d = json.load(open(sys.argv[1]))\n"
	"print(sum(1 for r in d.get('Results') or [] for v in r.get('Vulnerabilities') or []\n"
	"          if v.get('VulnerabilityID', '').startswith('CVE-')))\n";

static void test_samples(void **state)
{
	static const struct { const char *rel; const char *py; enum report_format fmt; } s[] = {
		{ "samples/greenbone/one_vuln.xml", py_gb_xml, REPORT_FMT_GREENBONE_XML },
		{ "samples/greenbone/report_detail_v2.xml", py_gb_xml, REPORT_FMT_GREENBONE_XML },
		{ "samples/greenbone/many_vuln.csv", py_csv, REPORT_FMT_GREENBONE_CSV },
		{ "samples/greenbone/report_detail_v2.csv", py_csv, REPORT_FMT_GREENBONE_CSV },
		{ "samples/nessus/nessus-template.csv", py_csv, REPORT_FMT_NESSUS_CSV },
		{ "samples/nessus/nessus_many_vuln2-all.csv", py_csv, REPORT_FMT_NESSUS_CSV },
		{ "samples/nessus/nessus_many_vuln2-default.csv", py_csv, REPORT_FMT_NESSUS_CSV },
		{ "samples/trivy/defectdojo-all_statuses-debian10.json", py_trivy, REPORT_FMT_TRIVY_JSON },
		{ "samples/trivy/trivy-debian-buster.json", py_trivy, REPORT_FMT_TRIVY_JSON },
		{ "samples/trivy/trivy-debian-stretch.json", py_trivy, REPORT_FMT_TRIVY_JSON },
	};
	int seen = 0;
	(void)state;
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		const char *p = test_shared(s[i].rel);
		char path[4096];
		struct report rep;
		struct vigie_error err = { 0 };
		long want;
		int rc;
		if (!p)
			continue;
		snprintf(path, sizeof(path), "%s", p);
		seen++;
		want = py_count(s[i].py, path);
		assert_true(want >= 0);
		vigie_report_init(&rep);
		vigie_error_init(&err);
		rc = vigie_report_load(&rep, path, REPORT_FMT_AUTO, NULL, &err);
		if (rc)
			fail_msg("%s: %s (line %lu)", s[i].rel, err.msg, err.line);
		if (rep.format != s[i].fmt)
			fail_msg("%s: detected %s", s[i].rel, vigie_report_format_name(rep.format));
		if ((long)rep.nfindings != want)
			fail_msg("%s: %zu findings, python counts %ld", s[i].rel, rep.nfindings, want);
		for (size_t k = 0; k < rep.nfindings; k++) {
			assert_non_null(rep.findings[k].host);
			assert_non_null(rep.findings[k].cve);
			assert_true(rep.findings[k].line > 0);
		}
		vigie_report_release(&rep);
	}
	if (!seen)
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_greenbone_xml),
		cmocka_unit_test(test_greenbone_csv),
		cmocka_unit_test(test_nessus_csv),
		cmocka_unit_test(test_nessus_headers),
		cmocka_unit_test(test_nessus_xml),
		cmocka_unit_test(test_trivy),
		cmocka_unit_test(test_grype),
		cmocka_unit_test(test_generic_csv),
		cmocka_unit_test(test_wrappers_and_separators),
		cmocka_unit_test(test_generic_missing_columns),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_pkgtext),
		cmocka_unit_test(test_xxe),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_xml_limits),
		cmocka_unit_test(test_xml_hostile),
		cmocka_unit_test(test_json_hostile),
		cmocka_unit_test(test_control_chars),
		cmocka_unit_test(test_csv_huge_field),
		cmocka_unit_test(test_csv_invalid_utf8),
		cmocka_unit_test(test_unknown_format),
		cmocka_unit_test(test_max_findings),
		cmocka_unit_test(test_samples),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
