#include "testutil.h"
#include "vigie/debian/aptsources.h"

#include <stdio.h>
#include <string.h>

static void test_load_root(void **state)
{
	struct apt_sources l;
	struct vigie_error err;
	const struct apt_source *e;
	(void)state;

	vigie_aptsources_init(&l);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_aptsources_load(&l, test_data("aptsources/root"), &err), 0);
	assert_int_equal(l.n, 15);

	e = &l.v[0];
	assert_int_equal(e->type, APT_SOURCE_DEB);
	assert_string_equal(e->uri, "http://deb.debian.org/debian/");
	assert_string_equal(e->suite, "bookworm");
	assert_int_equal(e->ncomponents, 3);
	assert_string_equal(e->components[2], "non-free-firmware");
	assert_int_equal(e->narchs, 0);
	assert_int_equal(e->line, 2);
	assert_non_null(strstr(e->file, "etc/apt/sources.list"));

	assert_int_equal(l.v[1].type, APT_SOURCE_DEB_SRC);

	e = &l.v[2];
	assert_string_equal(e->suite, "bookworm-security");
	assert_int_equal(e->narchs, 2);
	assert_string_equal(e->archs[1], "i386");
	assert_string_equal(e->signed_by, "/usr/share/keyrings/x.gpg");
	assert_int_equal(e->ncomponents, 1);
	assert_true(vigie_aptsources_has_arch(e, "amd64"));
	assert_false(vigie_aptsources_has_arch(e, "arm64"));

	e = &l.v[3];
	assert_int_equal(e->flat, 1);
	assert_string_equal(e->suite, "./");
	assert_string_equal(e->uri, "https://user:secret@example.org/repo/");
	assert_int_equal(e->ncomponents, 0);

	assert_string_equal(l.v[4].suite, "bookworm-updates");
	assert_int_equal(l.v[4].line, 6);

	/* sources.list.d in name order: a-extra.list, then b-debian.sources */
	assert_string_equal(l.v[5].suite, "bookworm-backports");
	assert_non_null(strstr(l.v[5].file, "a-extra.list"));

	e = &l.v[6];
	assert_string_equal(e->uri, "http://deb.debian.org/debian/");
	assert_string_equal(e->suite, "trixie");
	assert_int_equal(e->line, 4);
	assert_int_equal(e->narchs, 1);
	assert_string_equal(e->signed_by, "/usr/share/keyrings/debian-archive-keyring.gpg");
	assert_string_equal(l.v[7].suite, "trixie-updates");
	assert_string_equal(l.v[8].uri, "https://mirror.example.net/debian/");
	assert_int_equal(l.v[9].type, APT_SOURCE_DEB);
	assert_int_equal(l.v[10].type, APT_SOURCE_DEB_SRC);
	/* the disabled experimental stanza is absent */
	for (size_t i = 0; i < l.n; i++)
		assert_string_not_equal(l.v[i].suite, "experimental");
	e = &l.v[14];
	assert_string_equal(e->uri, "https://deb.nodesource.com/node_20.x/");
	assert_string_equal(e->signed_by, "(inline key)");
	/* ignored names */
	for (size_t i = 0; i < l.n; i++)
		assert_null(strstr(l.v[i].uri, "ignored.example"));
	vigie_aptsources_release(&l);

	/* a root without apt configuration is empty, not an error */
	vigie_aptsources_init(&l);
	assert_int_equal(vigie_aptsources_load(&l, test_tmpdir(), &err), 0);
	assert_int_equal(l.n, 0);
	vigie_aptsources_release(&l);
}

static void test_errors(void **state)
{
	static const struct {
		const char *file;
		unsigned long line;
		const char *msg;
	} cases[] = {
		{ "bad-nocomp.list", 1, "no component" },
		{ "bad-nosuite.list", 1, "no suite" },
		{ "bad-bracket.list", 1, "unterminated" },
		{ "bad-type.list", 1, "unknown type 'rpm'" },
		{ "bad-flat.list", 1, "exact path" },
		{ "bad-nosuites.sources", 1, "without Suites" },
		{ "bad-enabled.sources", 5, "Enabled must be" },
		{ "bad-type.sources", 6, "unknown type 'rpm'" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct apt_sources l;
		struct vigie_error err;
		char path[4096];
		int rc;
		snprintf(path, sizeof(path), "%s", test_data("aptsources/"));
		strncat(path, cases[i].file, sizeof(path) - strlen(path) - 1);
		vigie_aptsources_init(&l);
		memset(&err, 0, sizeof(err));
		rc = strstr(cases[i].file, ".sources") ? vigie_aptsources_parse_deb822(&l, path, &err)
						       : vigie_aptsources_parse_list(&l, path, &err);
		if (rc != VIGIE_EPARSE || err.line != cases[i].line || !strstr(err.msg, cases[i].msg))
			fail_msg("%s: rc %d line %lu msg '%s'", cases[i].file, rc, err.line, err.msg);
		assert_string_equal(err.file, path);
		vigie_aptsources_release(&l);
	}
}

static void test_mem(void **state)
{
	struct apt_sources l;
	struct vigie_error err;
	static const char bad_utf8[] = "deb http://x/ a m\xff\n";
	static const char ok[] = "deb [arch=amd64] http://x/d a main\n";
	(void)state;

	vigie_aptsources_init(&l);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_aptsources_parse_list_mem(&l, bad_utf8, sizeof(bad_utf8) - 1, "mem", &err),
			 VIGIE_EPARSE);
	assert_int_equal(vigie_aptsources_parse_list_mem(&l, ok, sizeof(ok) - 1, "mem", &err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].uri, "http://x/d/");
	vigie_aptsources_release(&l);

	/* apt's quoting: [..] kept (cdrom), ".." dropped */
	{
		static const char q[] =
			"deb cdrom:[Debian GNU/Linux 12.5.0 _Bookworm_ - Official amd64 DVD]/ bookworm contrib main\n"
			"deb \"http://x/a b\" s main\n"
			"deb[arch=amd64]http://x/ t main\n";
		static const char unterminated[] = "deb \"http://x/ s main\n";
		vigie_aptsources_init(&l);
		assert_int_equal(vigie_aptsources_parse_list_mem(&l, q, sizeof(q) - 1, "mem", &err), 0);
		assert_int_equal(l.n, 2 + 1);
		assert_string_equal(l.v[0].uri, "cdrom:[Debian GNU/Linux 12.5.0 _Bookworm_ - Official amd64 DVD]/");
		assert_string_equal(l.v[0].suite, "bookworm");
		assert_int_equal(l.v[0].ncomponents, 2);
		assert_string_equal(l.v[1].uri, "http://x/a b/");
		assert_string_equal(l.v[1].suite, "s");
		vigie_aptsources_release(&l);
		vigie_aptsources_init(&l);
		assert_int_equal(vigie_aptsources_parse_list_mem(&l, unterminated, sizeof(unterminated) - 1,
							   "mem", &err), VIGIE_EPARSE);
		assert_non_null(strstr(err.msg, "unterminated"));
		vigie_aptsources_release(&l);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_root),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_mem),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
