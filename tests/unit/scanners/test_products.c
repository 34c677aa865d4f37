#include "testutil.h"
#include "vigie/scanners/products.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct products *shipped;

static int setup(void **state)
{
	struct vigie_error err = { 0 };
	char path[4096];
	(void)state;
	vigie_error_init(&err);
	/* the table in the source tree, not an installed copy */
	snprintf(path, sizeof(path), "%s/data/products.conf",
		 getenv("VIGIE_SRCDIR") ? getenv("VIGIE_SRCDIR") : ".");
	if (vigie_products_load(&shipped, path, &err)) {
		fprintf(stderr, "%s:%lu: %s\n", err.file, err.line, err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vigie_products_free(shipped);
	return 0;
}

/* installed source packages of a Debian 12 host (hand-written) */
static const char *const installed_src[] = {
	"apache2", "openssh", "openssl", "php8.2", "postgresql-15", "mariadb",
	"python3.11", "ruby3.1", "tomcat10", "curl", "glibc", "linux", "bind9",
	"exim4", "proftpd-dfsg", "isc-dhcp", "nodejs", "jquery", "redis", "sudo",
	"samba", "openldap", "nginx",
};

static const struct {
	const char *product;
	const char *version;
	int with_installed;
	const char *want; /* space-separated, "" for none */
} cases[] = {
	{ "Apache HTTP Server", "2.4.56", 1, "apache2" },
	{ "Apache HTTP Server < 2.4.54 Multiple Vulnerabilities - Linux", NULL, 1, "apache2" },
	{ "apache httpd", NULL, 0, "apache2" },
	{ "Apache 2.4.x < 2.4.54 Multiple Vulnerabilities", NULL, 0, "apache2" },
	{ "cpe:/a:apache:http_server:2.4.56", NULL, 1, "apache2" },
	{ "cpe:2.3:a:apache:http_server:2.4.56:*:*:*:*:*:*:*", NULL, 0, "apache2" },
	{ "OpenSSH", "9.2p1", 1, "openssh" },
	{ "cpe:2.3:a:openbsd:openssh:9.2:p1:*:*:*:*:*:*", NULL, 1, "openssh" },
	{ "OpenSSL", "3.0.11", 1, "openssl" },
	{ "nginx", "1.22.1", 1, "nginx" },
	{ "PHP", "8.2.7", 1, "php8.2" },
	{ "PHP", "7.4.33", 1, "" },               /* php7.4 not installed */
	{ "PHP", "7.4.33", 0, "php7.4 php7" },    /* no inventory: as written */
	{ "PHP", NULL, 1, "php8.2" },             /* any version installed */
	{ "PHP", NULL, 0, "" },                   /* nothing concrete */
	{ "cpe:/a:php:php:8.2.7", NULL, 1, "php8.2" },
	{ "MariaDB", "10.11.4", 1, "mariadb" },
	{ "MariaDB", "10.5.21", 0, "mariadb-10.5 mariadb" },
	{ "PostgreSQL", "15.4", 1, "postgresql-15" },
	{ "PostgreSQL", "13.11", 0, "postgresql-13 postgresql-13.11" },
	{ "cpe:/a:postgresql:postgresql:15.4", NULL, 1, "postgresql-15" },
	{ "Python", "3.11.2", 1, "python3.11" },
	{ "Ruby", "3.1.2", 1, "ruby3.1" },
	{ "Ruby", "2.7.4", 0, "ruby2.7 ruby2" },
	{ "Apache Tomcat", "10.1.6", 1, "tomcat10" },
	{ "Apache Tomcat", "9.0.43", 0, "tomcat9" },
	{ "curl", "7.88.1", 1, "curl" },
	{ "libcurl", "7.88.1", 1, "curl" },
	{ "cpe:/a:haxx:libcurl:7.88.1", NULL, 1, "curl" },
	{ "glibc", "2.36", 1, "glibc" },
	{ "sudo", "1.9.13p3", 1, "sudo" },
	{ "Linux Kernel", "6.1.0", 1, "linux" },
	{ "cpe:/o:linux:linux_kernel:6.1", NULL, 1, "linux" },
	{ "ISC BIND", "9.18.19", 1, "bind9" },
	{ "Exim", "4.96", 1, "exim4" },
	{ "ProFTPD", "1.3.8", 1, "proftpd-dfsg" },
	{ "vsftpd", "3.0.3", 1, "" },             /* not installed */
	{ "vsftpd", "3.0.3", 0, "vsftpd" },
	{ "ISC DHCP", "4.4.3", 1, "isc-dhcp" },
	{ "Node.js", "18.13.0", 1, "nodejs" },
	{ "jQuery", "3.6.1", 1, "jquery" },
	{ "Redis", "7.0.11", 1, "redis" },
	{ "Samba", "4.17.12", 1, "samba" },
	{ "OpenLDAP", "2.5.13", 1, "openldap" },
	{ "Dovecot", "2.3.19", 0, "dovecot" },
	{ "Postfix", "3.7.9", 0, "postfix" },
	{ "Squid", "5.7", 0, "squid squid3" },
	{ "Perl", "5.36.0", 0, "perl" },
	{ "MySQL", "8.0.35", 0, "mysql-8.0 mariadb-8.0 mariadb" },
	{ "Microsoft Windows", "10", 0, "" },    /* no rule */
	{ "Apachesomething", NULL, 0, "" },      /* whole words only */
	{ "cpe:/a:microsoft:iis:10.0", NULL, 1, "" },
	{ "cpe:garbage", NULL, 1, "" },
	{ "", NULL, 1, "" },
};

static void test_table(void **state)
{
	struct vigie_strv inst;
	(void)state;
	vigie_strv_init(&inst);
	for (size_t i = 0; i < sizeof(installed_src) / sizeof(installed_src[0]); i++)
		assert_int_equal(vigie_strv_push(&inst, installed_src[i]), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vigie_strv out;
		char *got;
		vigie_strv_init(&out);
		assert_int_equal(vigie_products_map(shipped, cases[i].product, cases[i].version,
					      cases[i].with_installed ? &inst : NULL, &out), 0);
		got = vigie_strv_join(&out, " ");
		assert_non_null(got);
		if (strcmp(got, cases[i].want))
			fail_msg("case %zu (%s %s): got [%s], want [%s]", i, cases[i].product,
				 cases[i].version ? cases[i].version : "-", got, cases[i].want);
		free(got);
		vigie_strv_release(&out);
	}
	vigie_strv_release(&inst);
	assert_true(vigie_products_count(shipped) > 50);
}

static void test_longest_match(void **state)
{
	static const char conf[] =
		"# comment\n\napache = apache2\napache tomcat = tomcat{major}\n"
		"cpe:Apache:Tomcat = tomcat{major}   # trailing comment\n";
	struct products *p;
	struct vigie_error err = { 0 };
	struct vigie_strv out;
	(void)state;
	vigie_error_init(&err);
	vigie_strv_init(&out);
	assert_int_equal(vigie_products_load_mem(&p, conf, strlen(conf), "t.conf", &err), 0);
	assert_int_equal(vigie_products_count(p), 3);
	assert_int_equal(vigie_products_map(p, "Apache Tomcat 9.0.70", "9.0.70", NULL, &out), 0);
	assert_int_equal(out.n, 1);
	assert_string_equal(out.v[0], "tomcat9");
	vigie_strv_release(&out);
	assert_int_equal(vigie_products_map(p, "cpe:/a:apache:tomcat:10.1.6", NULL, NULL, &out), 0);
	assert_int_equal(out.n, 1);
	assert_string_equal(out.v[0], "tomcat10");
	vigie_strv_release(&out);
	/* an epoch in a Debian version is not the major number */
	assert_int_equal(vigie_products_map(p, "apache tomcat", "1:9.0.70-1", NULL, &out), 0);
	assert_string_equal(out.v[0], "tomcat9");
	vigie_strv_release(&out);
	vigie_products_free(p);
}

static void test_bad_tables(void **state)
{
	static const struct { const char *text; unsigned long line; } bad[] = {
		{ "apache2\n", 1 },
		{ "a = b\n= c\n", 2 },
		{ "a = \n", 1 },
		{ "a = B_C\n", 1 },
		{ "\n\ncpe:nocolon = x\n", 3 },
		{ "a = x y z a b c d e f g h i j k l m n o p\n", 1 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct products *p = NULL;
		struct vigie_error err = { 0 };
		vigie_error_init(&err);
		if (vigie_products_load_mem(&p, bad[i].text, strlen(bad[i].text), "bad.conf", &err) == 0)
			fail_msg("case %zu accepted", i);
		assert_null(p);
		if (err.line != bad[i].line)
			fail_msg("case %zu: line %lu (%s)", i, err.line, err.msg);
	}
	{
		struct products *p = NULL;
		struct vigie_error err = { 0 };
		vigie_error_init(&err);
		assert_int_equal(vigie_products_load(&p, "/nonexistent/products.conf", &err), VIGIE_EIO);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_longest_match),
		cmocka_unit_test(test_bad_tables),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
