#define _GNU_SOURCE
#include "testutil.h"
#include "vigie/debian/services.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Build an inventory from "name:arch" words (all installed, version 1). */
static void make_inv(struct inventory *inv, const char *const *names)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct vigie_error err;
	memset(&err, 0, sizeof(err));
	for (size_t i = 0; names[i]; i++) {
		const char *colon = strchr(names[i], ':');
		assert_int_equal(vigie_buf_addf(&b, "Package: %.*s\nStatus: install ok installed\n"
						"Architecture: %s\nVersion: 1\n\n",
						(int)(colon ? colon - names[i] : (long)strlen(names[i])),
						names[i], colon ? colon + 1 : "amd64"), 0);
	}
	vigie_inventory_init(inv);
	/* no names: an inventory without packages (an empty status file is
	 * an error) */
	if (b.len)
		assert_int_equal(vigie_inventory_load_status_mem(inv, b.data, b.len, "t", &err), 0);
	vigie_buf_release(&b);
}

/* "service=pkg,pkg;service=pkg" for the derived services of inv. */
static void derive_str(char *out, size_t size, const struct services_table *t,
		       const struct inventory *inv)
{
	struct services_found f;
	struct vigie_error err;
	size_t o = 0;
	memset(&err, 0, sizeof(err));
	vigie_services_found_init(&f);
	assert_int_equal(vigie_services_derive(&f, t, inv, &err), 0);
	out[0] = '\0';
	for (size_t i = 0; i < f.n; i++) {
		o += (size_t)snprintf(out + o, size - o, "%s%s=", i ? ";" : "", f.v[i].service);
		for (size_t k = 0; k < f.v[i].npkgs; k++)
			o += (size_t)snprintf(out + o, size - o, "%s%s", k ? "," : "",
					      f.v[i].pkgs[k]->name);
		assert_true(o < size);
	}
	vigie_services_found_release(&f);
}

static void test_shipped_table(void **state)
{
	/* The table in data/ against package names from real Debian hosts;
	 * expectations follow the task's mapping, written independently. */
	static const struct { const char *pkg; const char *service; } cases[] = {
		{ "apache2", "Apache HTTP Server" },
		{ "nginx", "nginx" }, { "nginx-core", "nginx" }, { "nginx-full", "nginx" },
		{ "nginx-light", "nginx" }, { "nginx-extras", "nginx" },
		{ "mariadb-server", "MariaDB" }, { "mariadb-server-10.5", "MariaDB" },
		{ "mysql-server", "MySQL" }, { "mysql-server-8.0", "MySQL" },
		{ "postgresql-15", "PostgreSQL" }, { "postgresql-9.6", "PostgreSQL" },
		{ "redis-server", "Redis" },
		{ "php8.2-fpm", "PHP" }, { "libapache2-mod-php8.2", "PHP" }, { "php7.4-cli", "PHP" },
		{ "openssh-server", "OpenSSH" }, { "postfix", "Postfix" },
		{ "exim4-daemon-light", "Exim" }, { "exim4-daemon-heavy", "Exim" },
		{ "dovecot-core", "Dovecot" }, { "bind9", "BIND" },
		{ "linux-image-6.1.0-18-amd64", "Linux kernel" },
		{ "docker.io", "Docker" }, { "containerd", "containerd" },
		{ "memcached", "Memcached" }, { "mongodb-server", "MongoDB" },
		{ "elasticsearch", "Elasticsearch" }, { "haproxy", "HAProxy" },
		{ "squid", "Squid" }, { "samba", "Samba" }, { "openvpn", "OpenVPN" },
		{ "wireguard-tools", "WireGuard" }, { "tomcat9", "Apache Tomcat" },
		{ "openjdk-17-jre-headless", "Java" }, { "openjdk-11-jre", "Java" },
		{ "nodejs", "Node.js" }, { "python3", "Python" }, { "ruby", "Ruby" },
		{ "rabbitmq-server", "RabbitMQ" }, { "varnish", "Varnish" },
		{ "unbound", "Unbound" }, { "pdns-server", "PowerDNS" },
		{ "slapd", "OpenLDAP" }, { "cups", "CUPS" }, { "sudo", "sudo" },
		{ "openssl", "OpenSSL" }, { "libssl3", "OpenSSL" },
	};
	/* packages that must not make a service */
	static const char *const none[] = {
		"nginx-doc", "postgresql-client-15", "postgresql-common", "php-common",
		"openssh-client", "mysql-client", "redis-tools", "exim4-config",
		"linux-headers-6.1.0-18-amd64", "openjdk-17-jdk-headless", "python3-apt",
		"libpython3.11", "bind9-host", "ruby-json", NULL
	};
	struct services_table t;
	struct vigie_error err;
	char path[4096], got[8192];
	(void)state;

	snprintf(path, sizeof(path), "%s/data/services.conf",
		 getenv("VIGIE_SRCDIR") ? getenv("VIGIE_SRCDIR") : ".");
	vigie_services_table_init(&t);
	memset(&err, 0, sizeof(err));
	if (vigie_services_load(&t, path, &err))
		fail_msg("%s:%lu: %s", err.file, err.line, err.msg);
	assert_true(t.nrules >= 30);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *names[] = { cases[i].pkg, NULL };
		char want[256];
		struct inventory inv;
		make_inv(&inv, names);
		derive_str(got, sizeof(got), &t, &inv);
		snprintf(want, sizeof(want), "%s=%s", cases[i].service, cases[i].pkg);
		if (strcmp(got, want))
			fail_msg("%s: got '%s', expected '%s'", cases[i].pkg, got, want);
		vigie_inventory_release(&inv);
	}
	for (size_t i = 0; none[i]; i++) {
		const char *names[] = { none[i], NULL };
		struct inventory inv;
		make_inv(&inv, names);
		derive_str(got, sizeof(got), &t, &inv);
		if (*got)
			fail_msg("%s: got '%s', expected no service", none[i], got);
		vigie_inventory_release(&inv);
	}
	/* the names feeds use: catalogue words and aliases resolve */
	{
		static const struct { const char *name, *want; } names[] = {
			{ "nginx", "nginx" }, { "postgresql", "PostgreSQL" },
			{ "mariadb", "MariaDB" }, { "redis", "Redis" }, { "php", "PHP" },
			{ "nodejs", "Node.js" }, { "django", "Django" },
			{ "rails", "Ruby on Rails" }, { "wordpress", "WordPress" },
			{ "drupal", "Drupal" }, { "apache2", "Apache HTTP Server" },
			{ "httpd", "Apache HTTP Server" }, { "postgres", "PostgreSQL" },
			{ "sshd", "OpenSSH" }, { "openssl", "OpenSSL" },
		};
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			const char *canon = vigie_services_canonical(&t, names[i].name);
			if (!canon || strcmp(canon, names[i].want))
				fail_msg("%s: got '%s', expected '%s'", names[i].name,
					 canon ? canon : "(null)", names[i].want);
		}
		/* no alias names another service */
		for (size_t i = 0; i < t.nrules; i++)
			for (size_t k = 0; k < t.rules[i].naliases; k++)
				if (strcmp(vigie_services_canonical(&t, t.rules[i].aliases[k]),
					   t.rules[i].service))
					fail_msg("%s:%lu: alias '%s' belongs to another service",
						 path, t.rules[i].line, t.rules[i].aliases[k]);
	}
	/* every rule names a source package */
	for (size_t i = 0; i < t.nrules; i++)
		if (!t.rules[i].nsources)
			fail_msg("%s:%lu: rule without source packages", path, t.rules[i].line);
	vigie_services_table_release(&t);
}

static void test_derive_merge(void **state)
{
	static const char table[] =
		"# comment\n\n"
		"  Web | nginx nginx-* | nginx  \n"
		"Web | apache2 | apache2\n"
		"DB | postgresql-[0-9]*\n"
		"Lib | zlib1g | zlib\n"
		"Nothing | frob*\n";
	static const char *const pkgs[] = {
		"apache2", "nginx-core", "nginx", "postgresql-15", "postgresql-16",
		"postgresql-common", "zlib1g:amd64", "zlib1g:i386", "zsh", NULL
	};
	struct services_table t;
	struct vigie_error err;
	struct inventory inv;
	struct services_found f;
	char got[1024];
	(void)state;
	vigie_services_table_init(&t);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_services_load_mem(&t, table, sizeof(table) - 1, "tbl", &err), 0);
	assert_int_equal(t.nrules, 5);
	assert_int_equal(t.rules[0].line, 3);
	assert_string_equal(t.rules[0].service, "Web");
	assert_int_equal(t.rules[0].npatterns, 2);
	assert_int_equal(t.rules[2].nsources, 0);
	make_inv(&inv, pkgs);
	derive_str(got, sizeof(got), &t, &inv);
	assert_string_equal(got, "DB=postgresql-15,postgresql-16;Lib=zlib1g,zlib1g;"
				 "Web=apache2,nginx,nginx-core");
	vigie_services_found_init(&f);
	assert_int_equal(vigie_services_derive(&f, &t, &inv, &err), 0);
	assert_string_equal(f.v[2].service, "Web");
	assert_int_equal(f.v[2].nsources, 2);
	assert_string_equal(f.v[2].sources[0], "nginx");
	assert_string_equal(f.v[2].sources[1], "apache2");
	vigie_services_found_release(&f);
	vigie_inventory_release(&inv);

	/* empty inventory */
	{
		const char *empty[] = { NULL };
		make_inv(&inv, empty);
		derive_str(got, sizeof(got), &t, &inv);
		assert_string_equal(got, "");
		vigie_inventory_release(&inv);
	}
	vigie_services_table_release(&t);
}

static void test_aliases(void **state)
{
	static const char table[] =
		"Apache HTTP Server | apache2 | apache2 | apache,  httpd , ,Apache2\n"
		"Web | nginx\n"
		"DB | postgresql-15 | | postgres\n"
		"Web | lighttpd | lighttpd | lighty\n";
	static const struct { const char *name, *want; } cases[] = {
		{ "Apache HTTP Server", "Apache HTTP Server" },
		{ "apache http server", "Apache HTTP Server" },
		{ "HTTPD", "Apache HTTP Server" }, { "apache2", "Apache HTTP Server" },
		{ "postgres", "DB" }, { "web", "Web" }, { "lighty", "Web" },
		{ "apache2-bin", NULL }, { "Apache", "Apache HTTP Server" }, { "", NULL },
		{ "nginx", NULL },
	};
	struct services_table t;
	struct vigie_error err;
	(void)state;
	vigie_services_table_init(&t);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_services_load_mem(&t, table, sizeof(table) - 1, "tbl", &err), 0);
	assert_int_equal(t.nrules, 4);
	/* blanks stripped, empty aliases skipped */
	assert_int_equal(t.rules[0].naliases, 3);
	assert_string_equal(t.rules[0].aliases[0], "apache");
	assert_string_equal(t.rules[0].aliases[1], "httpd");
	assert_string_equal(t.rules[0].aliases[2], "Apache2");
	assert_int_equal(t.rules[0].nsources, 1);
	assert_int_equal(t.rules[1].naliases, 0);
	assert_int_equal(t.rules[2].nsources, 0);
	assert_int_equal(t.rules[2].naliases, 1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = vigie_services_canonical(&t, cases[i].name);
		if (cases[i].want ? !got || strcmp(got, cases[i].want) : got != NULL)
			fail_msg("'%s': got '%s'", cases[i].name, got ? got : "(null)");
	}
	assert_null(vigie_services_canonical(NULL, "x"));
	vigie_services_table_release(&t);
}

static void test_errors(void **state)
{
	static const struct { const char *text; int rc; unsigned long line; } cases[] = {
		{ "A | a\nB\n", VIGIE_EPARSE, 2 },
		{ "A | a | b | c | d\n", VIGIE_EPARSE, 1 },
		{ "A | a | b | x\x02y\n", VIGIE_EPARSE, 1 },
		{ "A | a\nB | b | | ok, \xc3\n", VIGIE_EPARSE, 2 },
		{ "A | a | | a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q\n", VIGIE_ELIMIT, 1 },
		{ " | a\n", VIGIE_EPARSE, 1 },
		{ "A | \n", VIGIE_EPARSE, 1 },
		{ "A | a b/c\n", VIGIE_EPARSE, 1 },
		{ "A | a | s$\n", VIGIE_EPARSE, 1 },
		{ "A\x01 | a\n", VIGIE_EPARSE, 1 },
		{ "\xff\xfe | a\n", VIGIE_EPARSE, 1 },
	};
	struct services_table t;
	struct vigie_error err;
	struct vigie_buf b = VIGIE_BUF_INIT;
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;
		vigie_services_table_init(&t);
		memset(&err, 0, sizeof(err));
		rc = vigie_services_load_mem(&t, cases[i].text, strlen(cases[i].text), "tbl", &err);
		if (rc != cases[i].rc || err.line != cases[i].line || strcmp(err.file, "tbl"))
			fail_msg("case %zu: rc %d %s:%lu: %s", i, rc, err.file, err.line, err.msg);
		assert_int_equal(t.nrules, 0);
		vigie_services_table_release(&t);
	}
	/* too many patterns on a line */
	vigie_buf_adds(&b, "A |");
	for (int i = 0; i <= SERVICES_MAX_PATTERNS; i++)
		vigie_buf_addf(&b, " p%d", i);
	vigie_buf_adds(&b, "\n");
	vigie_services_table_init(&t);
	assert_int_equal(vigie_services_load_mem(&t, b.data, b.len, "tbl", &err), VIGIE_ELIMIT);
	vigie_buf_release(&b);
	/* a line too long */
	vigie_buf_adds(&b, "A | ");
	for (int i = 0; i < SERVICES_MAX_LINE; i++)
		vigie_buf_addc(&b, 'a');
	vigie_buf_adds(&b, "\n");
	assert_true(vigie_services_load_mem(&t, b.data, b.len, "tbl", &err) < 0);
	assert_int_equal(err.line, 1);
	vigie_buf_release(&b);
	/* too many rules */
	for (int i = 0; i <= SERVICES_MAX_RULES; i++)
		vigie_buf_addf(&b, "S%d | p%d\n", i, i);
	assert_int_equal(vigie_services_load_mem(&t, b.data, b.len, "tbl", &err), VIGIE_ELIMIT);
	assert_int_equal(err.line, SERVICES_MAX_RULES + 1);
	vigie_buf_release(&b);
	/* absent file */
	assert_int_equal(vigie_services_load(&t, "/nonexistent/services.conf", &err), VIGIE_EIO);
	vigie_services_table_release(&t);
}

static void test_default_path(void **state)
{
	char buf[4096];
	const char *p;
	(void)state;
	setenv("VIGIE_SERVICES", "/some/where.conf", 1);
	assert_string_equal(vigie_services_default_path(buf, sizeof(buf)), "/some/where.conf");
	unsetenv("VIGIE_SERVICES");
	p = vigie_services_default_path(buf, sizeof(buf));
	assert_non_null(strstr(p, "services.conf"));
	assert_int_equal(test_system("test -r '%s'", p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_table),
		cmocka_unit_test(test_derive_merge),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_default_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
