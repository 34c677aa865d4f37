/* Advisory list parser: every header and annotation form on fixtures, and
 * each kind of bad input with its line number. */
#include "testutil.h"
#include "vigie/secdata/advlist.h"
#include "vigie/core/reader.h"
#include "vigie/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each advisory rendered as one line, each fix as an indented line. */
static int dump_cb(void *ud, const struct advlist_entry *e)
{
	struct vigie_buf *b = ud;
	vigie_buf_addf(b, "%s|%s|%lu|%s|", e->id, e->date, e->line, e->description);
	for (size_t i = 0; i < e->npackages; i++)
		vigie_buf_addf(b, "%s%s", i ? " " : "", e->packages[i]);
	vigie_buf_adds(b, "|");
	for (size_t i = 0; i < e->ncves; i++)
		vigie_buf_addf(b, "%s%s", i ? " " : "", e->cves[i]);
	vigie_buf_adds(b, "|");
	for (size_t i = 0; i < e->nxrefs; i++)
		vigie_buf_addf(b, "%s%s", i ? " " : "", e->xrefs[i]);
	vigie_buf_adds(b, "|");
	for (size_t i = 0; i < e->nnotes; i++)
		vigie_buf_addf(b, "%s%s", i ? ";" : "", e->notes[i]);
	vigie_buf_adds(b, "\n");
	for (size_t i = 0; i < e->nfixes; i++) {
		const struct advlist_fix *f = &e->fixes[i];
		vigie_buf_addf(b, "  %s|%s|%s|%s|%s|%lu\n", f->release, f->source,
			       f->version ? f->version : "-",
			       vigie_advlist_fix_kind_name(f->kind), f->note ? f->note : "-",
			       f->line);
	}
	return 0;
}

static void check_file(const char *name, enum advlist_kind kind,
		       const char *expected)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct vigie_error err;
	int rc;
	vigie_error_init(&err);
	rc = vigie_advlist_parse_file(test_data(name), kind, dump_cb, &b, &err);
	if (rc)
		fprintf(stderr, "%s:%lu: %s\n", err.file, err.line, err.msg);
	assert_int_equal(rc, 0);
	assert_non_null(b.data);
	if (strcmp(b.data, expected))
		fprintf(stderr, "got:\n%s\nexpected:\n%s\n", b.data, expected);
	assert_string_equal(b.data, expected);
	vigie_buf_release(&b);
}

static void test_dsa_fixture(void **state)
{
	(void)state;
	check_file("advlist/dsa.list", ADVLIST_DSA,
		"DSA-5380-1|2023-03-29|1|xorg-server - security update|xorg-server|CVE-2023-1393||\n"
		"  bullseye|xorg-server|2:1.20.11-1+deb11u6|fixed|-|3\n"
		"DSA-5376-1|2023-03-20|4|apache2 - security update|apache2|"
		"CVE-2006-20001 CVE-2022-36760 CVE-2022-37436 CVE-2023-25690 CVE-2023-27522||\n"
		"  bullseye|apache2|2.4.56-1~deb11u1|fixed|-|6\n"
		"DSA-5356-2|2023-03-17|7|sox - regression update|sox|||\n"
		"  bullseye|sox|14.4.2+git20190427-2+deb11u2|fixed|-|8\n"
		"DSA-4205-1|2018-04-18|11|jessie end-of-life||||end of security support for jessie\n"
		"DSA-1991-1|2010-02-04|13|squid squid3 - denial of service|squid squid3|"
		"CVE-2010-0308|DSA-1990-1 VU#123456|\n"
		"  lenny|squid|2.7.STABLE3-4.1lenny1|fixed|-|15\n"
		"  lenny|squid3|3.0.STABLE8-3+lenny3|fixed|-|16\n"
		"  etch|squid|-|not-affected|Vulnerable code not present|17\n"
		"DSA-1724-1|2009-02-13|18|- several vulnerabilities||||"
		"[etch] - clamav <end-of-life> (looks like an annotation);<unfixed> (also text);check\n"
		"DSA-1452-1|2008-01-06|22|wzdftpd denial of service|wzdftpd|CVE-2007-5300||\n"
		"  etch|wzdftpd|0.8.1-2etch1|fixed|-|24\n"
		"  sarge|wzdftpd|-|end-of-life|-|25\n"
		"DSA-1304|2007-06-13|26|imagemagick|imagemagick|||\n"
		"  woody|curl|7.26.0-1+wheezy5|fixed|-|27\n"
		"  sarge|imagemagick|-|unfixed|bug #123456; high|28\n"
		"  sid|imagemagick|-|removed|-|29\n"
		"DSA-1700-1|2008-12-12|30|opensaml2, shibboleth-sp2 - interpretation conflict|"
		"opensaml2 shibboleth-sp2|||\n"
		"  etch|opensaml2|-|no-dsa|Minor issue|31\n"
		"  etch|shibboleth-sp2|-|ignored|x|32\n"
		"  lenny|shibboleth-sp2|-|postponed|-|33\n"
		"  lenny|opensaml2|-|itp|bug #1|34\n"
		"  squeeze|opensaml2|-|undetermined|-|35\n"
		"DSA-135|2002-07-02|36|libapache-mod-ssl -- buffer overflow / DoS|"
		"libapache-mod-ssl|CVE-2002-0653||\n"
		"  woody|libapache-mod-ssl|2.8.9-2|fixed|-|38\n"
		"DSA-444-1|2004-02-29|39|Debian Security Team PGP/GPG key change notice||||\n");
}

static void test_dla_fixture(void **state)
{
	(void)state;
	check_file("advlist/dla.list", ADVLIST_DLA,
		"DLA-3380-1|2023-04-01|1|firmware-nonfree - security update|firmware-nonfree|"
		"CVE-2020-12362 CVE-2020-12363||\n"
		"  buster|firmware-nonfree|20190114+really20220913-0+deb10u1|fixed|-|3\n"
		"DLA-0277-1|2015-07-23|4|tzdata - new upstream version|tzdata|||\n"
		"  squeeze|tzdata|2015b-0squeeze1|fixed|-|5\n"
		"DLA-0001-1|2014-06-02|6|gnutls26 - security update|gnutls26|CVE-2014-3466||\n"
		"  squeeze|gnutls26|2.8.6-1+squeeze4|fixed|-|8\n"
		"DLA-2270-1|2020-07-01|9|stretch-lts end-of-life||||"
		"end of security support for stretch-lts\n"
		"  stretch|chromium|-|end-of-life|see DLA|10\n");
}

static void test_dtsa_fixture(void **state)
{
	(void)state;
	check_file("advlist/dtsa.list", ADVLIST_DTSA,
		"DTSA-1-1|2005-08-26|1|kismet - various|kismet|CVE-2005-2626 CVE-2005-2627||\n"
		"  etch|kismet|2005.08.R1-0.1etch1|fixed|high|3\n"
		"DTSA-12-1|2005-09-01|4|gaim - multiple vulnerabilities|gaim|||\n"
		"  etch|gaim|1:1.4.0-5etch2|fixed|medium|5\n"
		"DTSA-20-2|2006-10-02|6|foo - bar|foo|||\n"
		"  etch|foo|1.0-1|fixed|low|7\n"
		"DTSA-200-1|2010-05-03|8|bar - baz|bar|||\n"
		"  squeeze|bar|2.0-1|fixed|-|9\n");
}

struct bad_case {
	const char *text;
	enum advlist_kind kind;
	int code;
	unsigned long line;
	const char *msg; /* substring of the message */
};

#define HDR "[29 Mar 2023] DSA-1-1 foo - security update\n"

static const struct bad_case bad_cases[] = {
	{ HDR "\t[bullseye] - foo 1.0-1\nfoo bar\n", ADVLIST_DSA, VIGIE_EPARSE, 3,
	  "expected an advisory header" },
	{ "{CVE-2023-1234}\n", ADVLIST_DSA, VIGIE_EPARSE, 1, "expected an advisory header" },
	{ "[32 Mar 2023] DSA-1-1 foo\n", ADVLIST_DSA, VIGIE_EPARSE, 1, "bad date" },
	{ "[01 Foo 2023] DSA-1-1 foo\n", ADVLIST_DSA, VIGIE_EPARSE, 1, "bad date" },
	{ "[29 Feb 2023] DSA-1-1 foo\n", ADVLIST_DSA, VIGIE_EPARSE, 1, "bad date" },
	{ "[1 Mar 2023] DSA-1-1 foo\n", ADVLIST_DSA, VIGIE_EPARSE, 1, "bad date" },
	{ HDR "[01 Mar 2023] DLA-1-1 foo\n", ADVLIST_DSA, VIGIE_EPARSE, 2,
	  "DLA advisory 'DLA-1-1' in a DSA list" },
	{ "[01 Mar 2023] DSA-x foo\n", ADVLIST_DSA, VIGIE_EPARSE, 1, "bad advisory id" },
	{ "[01 Mar 2023]DSA-1 foo\n", ADVLIST_DSA, VIGIE_EPARSE, 1, "space after the date" },
	{ HDR "[01 Mar 2023] DSA-2-1 caf\xc3\xa9 - x\n", ADVLIST_DSA, VIGIE_EPARSE, 2,
	  "non-ASCII byte 0xc3 at column 26" },
	{ HDR "\t{CVE-2023-1234}\x01\n", ADVLIST_DSA, VIGIE_EPARSE, 2, "control character" },
	{ HDR "\t{CVE-2023-1234}\n\t[bullseye] - foo 1.0-\n", ADVLIST_DSA, VIGIE_EPARSE, 3,
	  "invalid version '1.0-' for foo: revision number is empty" },
	{ HDR "\t[bullseye] - foo 1.0_1\n", ADVLIST_DSA, VIGIE_EPARSE, 2, "bad character '_'" },
	{ HDR "\t[bullseye] - foo :1.0\n", ADVLIST_DSA, VIGIE_EPARSE, 2, "invalid version" },
	{ HDR "\t[bullseye] - foo <fixed>\n", ADVLIST_DSA, VIGIE_EPARSE, 2,
	  "unknown pseudo-version '<fixed>'" },
	{ HDR "\t[bullseye] - foo\n", ADVLIST_DSA, VIGIE_EPARSE, 2, "missing version" },
	{ HDR "\t- foo 1.0\n", ADVLIST_DSA, VIGIE_EPARSE, 2, "without '[release]'" },
	{ HDR "\t[Bullseye] - foo 1.0\n", ADVLIST_DSA, VIGIE_EPARSE, 2, "bad release" },
	{ HDR "\t[bullseye] foo 1.0\n", ADVLIST_DSA, VIGIE_EPARSE, 2, "expected ' - srcpkg" },
	{ HDR "\t[bullseye] - foo 1.0 extra\n", ADVLIST_DSA, VIGIE_EPARSE, 2,
	  "unexpected text after the version" },
	{ HDR "\t[bullseye] - foo 1.0 (unclosed\n", ADVLIST_DSA, VIGIE_EPARSE, 2,
	  "unexpected text after the version" },
	{ HDR "\tRESERVED\n", ADVLIST_DSA, VIGIE_EPARSE, 2, "unrecognised annotation" },
	{ "\t[bullseye] - foo 1.0\n", ADVLIST_DSA, VIGIE_EPARSE, 1,
	  "annotation before the first advisory header" },
	{ HDR "\t{CVE-2023-1234 FOO-1}\n", ADVLIST_DSA, VIGIE_EPARSE, 2,
	  "bad cross reference 'FOO-1'" },
	{ HDR "\t{CVE-2023-123}\n", ADVLIST_DSA, VIGIE_EPARSE, 2, "bad cross reference" },
	{ HDR "\t{CVE-2023-1234\n", ADVLIST_DSA, VIGIE_EPARSE, 2, "not closed" },
	{ HDR "\t[bullseye] - foo 1.0-1", ADVLIST_DSA, VIGIE_EPARSE, 2,
	  "truncated file: the last line has no newline" },
	{ HDR "[29 Mar 20", ADVLIST_DSA, VIGIE_EPARSE, 2, "truncated file" },
	{ "", ADVLIST_DSA, VIGIE_EPARSE, 0, "no DSA advisory found" },
	{ "\n-- only comments\n\n", ADVLIST_DLA, VIGIE_EPARSE, 3, "no DLA advisory found" },
	{ "{\"CVE-2023-1234\": {}}\n", ADVLIST_DSA, VIGIE_EPARSE, 1,
	  "expected an advisory header" },
	{ "[August 26xx, 2005] DTSA-1-1 kismet\n", ADVLIST_DTSA, VIGIE_EPARSE, 1, "bad date" },
	{ "[Agust 26th, 2005] DTSA-1-1 kismet\n", ADVLIST_DTSA, VIGIE_EPARSE, 1, "bad date" },
	{ "[29 Mar 2023] DTSA-1-1 kismet\n", ADVLIST_DTSA, VIGIE_EPARSE, 1, "bad date" },
	{ "[August 26th, 2005] DTSA-1 kismet\n", ADVLIST_DTSA, VIGIE_EPARSE, 1,
	  "bad advisory id 'DTSA-1'" },
	{ "[August 26th, 2005] DSA-1-1 kismet\n", ADVLIST_DTSA, VIGIE_EPARSE, 1,
	  "DSA advisory 'DSA-1-1' in a DTSA list" },
};

static void test_bad_input(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct vigie_reader *r = NULL;
		struct vigie_error err;
		int rc;
		vigie_error_init(&err);
		assert_int_equal(vigie_reader_open_mem(&r, c->text, strlen(c->text),
						       "bad.list", &err), 0);
		rc = vigie_advlist_parse(r, c->kind, NULL, NULL, &err);
		vigie_reader_free(r);
		if (rc != c->code || err.line != c->line || !strstr(err.msg, c->msg))
			fprintf(stderr, "case %zu: rc %d line %lu msg '%s'\n", i, rc,
				err.line, err.msg);
		assert_int_equal(rc, c->code);
		assert_int_equal(err.line, c->line);
		assert_non_null(strstr(err.msg, c->msg));
		assert_string_equal(err.file, "bad.list");
	}
}

static void test_long_line(void **state)
{
	size_t n = ADVLIST_MAX_LINE + 10;
	char *text = malloc(strlen(HDR) + n + 2);
	struct vigie_reader *r = NULL;
	struct vigie_error err;
	(void)state;
	assert_non_null(text);
	strcpy(text, HDR);
	text[strlen(HDR)] = '\t';
	memset(text + strlen(HDR) + 1, 'x', n - 1);
	text[strlen(HDR) + n] = '\n';
	text[strlen(HDR) + n + 1] = '\0';
	vigie_error_init(&err);
	assert_int_equal(vigie_reader_open_mem(&r, text, strlen(text), "long.list", &err), 0);
	assert_int_equal(vigie_advlist_parse(r, ADVLIST_DSA, NULL, NULL, &err), VIGIE_ELIMIT);
	assert_int_equal(err.line, 2);
	vigie_reader_free(r);
	free(text);
}

static int stop_cb(void *ud, const struct advlist_entry *e)
{
	int *n = ud;
	(void)e;
	return ++*n == 2 ? 42 : 0;
}

static void test_callback_stops(void **state)
{
	struct vigie_error err;
	int n = 0;
	(void)state;
	vigie_error_init(&err);
	assert_int_equal(vigie_advlist_parse_file(test_data("advlist/dsa.list"), ADVLIST_DSA,
					    stop_cb, &n, &err), 42);
	assert_int_equal(n, 2);
}

static void warn_sink(void *ud, const struct vigie_error *w)
{
	unsigned long *line = ud;
	*line = w->line;
}

/* dpkg accepts "a1.0" with a warning: so does the parser */
static void test_version_warning(void **state)
{
	static const char text[] = HDR "\t{CVE-2023-1234}\n\t[woody] - foo a1.0\n";
	struct vigie_reader *r = NULL;
	struct vigie_error err;
	unsigned long wline = 0;
	(void)state;
	vigie_error_init(&err);
	err.warn = warn_sink;
	err.warn_ud = &wline;
	assert_int_equal(vigie_reader_open_mem(&r, text, strlen(text), "w.list", &err), 0);
	assert_int_equal(vigie_advlist_parse(r, ADVLIST_DSA, NULL, NULL, &err), 0);
	assert_int_equal(wline, 3);
	assert_int_equal(err.warnings, 1);
	vigie_reader_free(r);
}

static void test_names(void **state)
{
	enum advlist_kind k;
	(void)state;
	assert_int_equal(vigie_advlist_kind_parse(&k, "dla"), 0);
	assert_int_equal(k, ADVLIST_DLA);
	assert_string_equal(vigie_advlist_kind_name(ADVLIST_DTSA), "DTSA");
	assert_int_equal(vigie_advlist_kind_parse(&k, "CVE"), VIGIE_EUSAGE);
	assert_string_equal(vigie_advlist_fix_kind_name(ADVLIST_NOT_AFFECTED), "not-affected");
	assert_string_equal(vigie_advlist_fix_kind_name(ADVLIST_UNDETERMINED), "undetermined");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dsa_fixture),
		cmocka_unit_test(test_dla_fixture),
		cmocka_unit_test(test_dtsa_fixture),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_version_warning),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
