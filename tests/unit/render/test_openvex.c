#include "testutil.h"
#include "vigie/render/openvex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

static void test_purl(void **state)
{
	static const struct {
		const char *name, *version, *arch, *distro;
		int epoch_q;
		const char *want;
	} cases[] = {
		{ "apache2", "2.4.56-1~deb11u2", "amd64", NULL, 0,
		  "pkg:deb/debian/apache2@2.4.56-1~deb11u2?arch=amd64" },
		{ "libc6", "2.36-9+deb12u4", NULL, "debian-12", 0,
		  "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?distro=debian-12" },
		{ "bind9", "1:9.18.19-1~deb12u1", "amd64", "debian-12", 0,
		  "pkg:deb/debian/bind9@1%3A9.18.19-1~deb12u1?arch=amd64&distro=debian-12" },
		{ "bind9", "1:9.18.19-1~deb12u1", "amd64", "debian-12", 1,
		  "pkg:deb/debian/bind9@9.18.19-1~deb12u1?arch=amd64&distro=debian-12&epoch=1" },
		{ "tzdata", "0:2024a-0+deb12u1", NULL, NULL, 1,
		  "pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1" },
		{ "g++-12", "12.2.0-14", NULL, NULL, 0, "pkg:deb/debian/g%2B%2B-12@12.2.0-14" },
		{ "openssl", NULL, NULL, NULL, 0, "pkg:deb/debian/openssl" },
		{ "x", "1.0 beta/2", "all", NULL, 0, "pkg:deb/debian/x@1.0%20beta%2F2?arch=all" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vigie_buf b = VIGIE_BUF_INIT;
		assert_int_equal(vigie_openvex_purl(&b, NULL, cases[i].name, cases[i].version,
					      cases[i].arch, cases[i].distro, cases[i].epoch_q), 0);
		if (strcmp(b.data, cases[i].want))
			fail_msg("case %zu: %s, want %s", i, b.data, cases[i].want);
		vigie_buf_release(&b);
	}
}

static yajl_val get(yajl_val v, const char *key)
{
	const char *path[] = { key, NULL };
	return yajl_tree_get(v, path, yajl_t_any);
}

static const char *str(yajl_val v, const char *key)
{
	yajl_val s = get(v, key);
	return s && YAJL_IS_STRING(s) ? YAJL_GET_STRING(s) : NULL;
}

static int in(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (!strcmp(s, *set))
			return 1;
	return 0;
}

/* Every requirement of the OpenVEX v0.2.0 specification on documents and
 * statements, checked on the parsed output. Returns the number of product
 * ids seen. */
static size_t validate(const char *json)
{
	static const char *const statuses[] = { "not_affected", "affected", "fixed",
						"under_investigation", NULL };
	static const char *const justs[] = {
		"component_not_present", "vulnerable_code_not_present",
		"vulnerable_code_not_in_execute_path",
		"vulnerable_code_cannot_be_controlled_by_adversary",
		"inline_mitigations_already_exist", NULL };
	char errbuf[256];
	yajl_val doc = yajl_tree_parse(json, errbuf, sizeof(errbuf)), st, ver;
	const char *id, *ts;
	size_t nprod = 0;

	if (!doc)
		fail_msg("output is not JSON: %s", errbuf);
	assert_true(YAJL_IS_OBJECT(doc));
	assert_string_equal(str(doc, "@context"), "https://openvex.dev/ns/v0.2.0");
	id = str(doc, "@id");
	assert_non_null(id);
	assert_true(!strncmp(id, "urn:uuid:", 9) || !strncmp(id, "https://", 8));
	assert_non_null(str(doc, "author"));
	assert_true(strlen(str(doc, "author")) > 0);
	ts = str(doc, "timestamp");
	assert_non_null(ts);
	{
		int64_t t;
		assert_int_equal(vigie_time_parse(&t, ts, 0), 0);
	}
	ver = get(doc, "version");
	assert_non_null(ver);
	assert_true(YAJL_IS_INTEGER(ver) && YAJL_GET_INTEGER(ver) >= 1);
	st = get(doc, "statements");
	assert_non_null(st);
	assert_true(YAJL_IS_ARRAY(st));
	for (size_t i = 0; i < st->u.array.len; i++) {
		yajl_val s = st->u.array.values[i], v = get(s, "vulnerability"), prods;
		const char *status = str(s, "status"), *j = str(s, "justification");
		assert_true(YAJL_IS_OBJECT(v));
		assert_non_null(str(v, "name"));
		assert_true(in(status, statuses));
		if (!strcmp(status, "not_affected")) {
			assert_true(in(j, justs) || str(s, "impact_statement"));
			/* one or the other, as the v0.2.0 schema says */
			assert_false(j && str(s, "impact_statement"));
		} else {
			assert_null(j);
		}
		if (!strcmp(status, "affected"))
			assert_non_null(str(s, "action_statement"));
		prods = get(s, "products");
		assert_non_null(prods);
		assert_true(YAJL_IS_ARRAY(prods) && prods->u.array.len > 0);
		for (size_t k = 0; k < prods->u.array.len; k++) {
			yajl_val p = prods->u.array.values[k], subs = get(p, "subcomponents");
			assert_non_null(str(p, "@id"));
			if (subs) {
				assert_true(YAJL_IS_ARRAY(subs));
				for (size_t m = 0; m < subs->u.array.len; m++) {
					const char *sid = str(subs->u.array.values[m], "@id");
					assert_non_null(sid);
					assert_true(!strncmp(sid, "pkg:deb/", 8));
					nprod++;
				}
			} else {
				assert_true(!strncmp(str(p, "@id"), "pkg:deb/", 8));
				nprod++;
			}
		}
	}
	yajl_tree_free(doc);
	return nprod;
}

static const struct openvex_product apache[] = {
	{ "apache2", "2.4.56-1~deb11u2", "amd64", NULL },
	{ "apache2-bin", "2.4.56-1~deb11u2", "amd64", NULL },
};
static const struct openvex_product bind[] = { { "bind9", "1:9.16.44-1~deb11u1", "amd64", NULL } };

static void test_document(void **state)
{
	const struct openvex_statement st[] = {
		{ "CVE-2022-28615", apache, 2, OPENVEX_FIXED, OPENVEX_JUST_NONE, NULL, NULL,
		  "fixed in 2.4.54-1~deb11u1 (DLA-3401-1)" },
		{ "CVE-2023-25690", apache, 1, OPENVEX_NOT_AFFECTED,
		  OPENVEX_VULNERABLE_CODE_NOT_IN_EXECUTE_PATH, "mod_proxy is not enabled", NULL, NULL },
		{ "CVE-2023-3341", bind, 1, OPENVEX_AFFECTED, OPENVEX_JUST_NONE, NULL,
		  "upgrade bind9 to 1:9.16.44-1~deb11u1 or later", NULL },
		{ "CVE-2024-0001", bind, 1, OPENVEX_UNDER_INVESTIGATION, OPENVEX_JUST_NONE, NULL, NULL, NULL },
	};
	struct openvex_doc doc = { 0 };
	struct vigie_buf a = VIGIE_BUF_INIT, b = VIGIE_BUF_INIT;
	struct vigie_error err = { 0 };
	yajl_val tree;
	(void)state;
	setenv("VIGIE_NOW", "2026-11-27T09:00:00Z", 1);
	vigie_error_init(&err);
	doc.author = "Example Ops <ops@example.org>";
	doc.tooling = "vigie";
	assert_int_equal(vigie_openvex_write(&a, &doc, st, 4, &err), 0);
	/* 2 + 1 + 1 + 1: one product per package, whatever its epoch */
	assert_int_equal(validate(a.data), 5);
	assert_non_null(strstr(a.data, "\"timestamp\": \"2026-11-27T09:00:00Z\""));
	assert_null(strstr(a.data, "pkg:deb/debian/bind9@1%3A9.16.44-1~deb11u1?arch=amd64\""));
	assert_non_null(strstr(a.data, "pkg:deb/debian/bind9@9.16.44-1~deb11u1?arch=amd64&epoch=1\""));
	assert_non_null(strstr(a.data, "\"status_notes\": \"fixed in 2.4.54-1~deb11u1 (DLA-3401-1)\""));
	/* the justified statement keeps its impact statement in the notes */
	assert_non_null(strstr(a.data, "\"status_notes\": \"mod_proxy is not enabled\""));

	/* same content, same id; other content, other id */
	assert_int_equal(vigie_openvex_write(&b, &doc, st, 4, &err), 0);
	assert_string_equal(a.data, b.data);
	vigie_buf_reset(&b);
	assert_int_equal(vigie_openvex_write(&b, &doc, st, 3, &err), 0);
	{
		char ida[64], idb[64];
		const char *pa = strstr(a.data, "urn:uuid:"), *pb = strstr(b.data, "urn:uuid:");
		assert_non_null(pa);
		assert_non_null(pb);
		snprintf(ida, sizeof(ida), "%.45s", pa);
		snprintf(idb, sizeof(idb), "%.45s", pb);
		assert_string_not_equal(ida, idb);
		/* urn:uuid:8-4-4-4-12 */
		assert_int_equal(strcspn(pa + 9, "\""), 36);
	}

	/* a parent product (an image) with the packages as subcomponents */
	vigie_buf_reset(&b);
	doc.product_id = "pkg:oci/web1?repository_url=registry.example.org/web1";
	doc.distro = "debian-11";
	doc.id = "https://vex.example.org/web1/2026-11-27";
	assert_int_equal(vigie_openvex_write(&b, &doc, st, 1, &err), 0);
	assert_int_equal(validate(b.data), 2);
	tree = yajl_tree_parse(b.data, NULL, 0);
	assert_non_null(tree);
	{
		const char *p1[] = { "statements", NULL };
		yajl_val s = yajl_tree_get(tree, p1, yajl_t_array)->u.array.values[0];
		const char *p2[] = { "products", NULL };
		yajl_val prods = yajl_tree_get(s, p2, yajl_t_array);
		assert_int_equal(prods->u.array.len, 1);
		assert_string_equal(str(prods->u.array.values[0], "@id"), doc.product_id);
		assert_string_equal(str(get(prods->u.array.values[0], "subcomponents")->u.array.values[1], "@id"),
				    "pkg:deb/debian/apache2-bin@2.4.56-1~deb11u2?arch=amd64&distro=debian-11");
	}
	assert_string_equal(str(tree, "@id"), "https://vex.example.org/web1/2026-11-27");
	yajl_tree_free(tree);
	vigie_buf_release(&a);
	vigie_buf_release(&b);
	unsetenv("VIGIE_NOW");
}

static void test_required_fields(void **state)
{
	static const struct openvex_product noname[] = { { NULL, "1", NULL, NULL } };
	const struct openvex_statement bad[] = {
		{ NULL, apache, 1, OPENVEX_FIXED, OPENVEX_JUST_NONE, NULL, NULL, NULL },
		{ "CVE-1", apache, 0, OPENVEX_FIXED, OPENVEX_JUST_NONE, NULL, NULL, NULL },
		{ "CVE-1", noname, 1, OPENVEX_FIXED, OPENVEX_JUST_NONE, NULL, NULL, NULL },
		{ "CVE-1", apache, 1, OPENVEX_NOT_AFFECTED, OPENVEX_JUST_NONE, NULL, NULL, NULL },
		{ "CVE-1", apache, 1, OPENVEX_AFFECTED, OPENVEX_JUST_NONE, NULL, NULL, NULL },
		{ "CVE-1", apache, 1, OPENVEX_FIXED, OPENVEX_COMPONENT_NOT_PRESENT, NULL, NULL, NULL },
		{ "CVE-1", apache, 1, (enum openvex_status)42, OPENVEX_JUST_NONE, NULL, NULL, NULL },
	};
	const struct openvex_statement ok = { "CVE-1", apache, 1, OPENVEX_NOT_AFFECTED,
					      OPENVEX_JUST_NONE, "only impact statement", NULL, NULL };
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vigie_buf b = VIGIE_BUF_INIT;
		struct vigie_error err = { 0 };
		vigie_error_init(&err);
		if (vigie_openvex_write(&b, NULL, &bad[i], 1, &err) != VIGIE_EUSAGE)
			fail_msg("case %zu accepted", i);
		assert_null(b.data);
	}
	{
		struct vigie_buf b = VIGIE_BUF_INIT;
		struct vigie_error err = { 0 };
		vigie_error_init(&err);
		assert_int_equal(vigie_openvex_write(&b, NULL, &ok, 1, &err), 0);
		assert_int_equal(validate(b.data), 1);
		assert_non_null(strstr(b.data, "\"author\": \"vigie\""));
		vigie_buf_release(&b);
		/* the schema wants at least one statement */
		assert_int_equal(vigie_openvex_write(&b, NULL, NULL, 0, &err), VIGIE_EUSAGE);
		assert_null(b.data);
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(vigie_openvex_status_name(OPENVEX_UNDER_INVESTIGATION), "under_investigation");
	assert_string_equal(vigie_openvex_justification_name(OPENVEX_INLINE_MITIGATIONS_ALREADY_EXIST),
			    "inline_mitigations_already_exist");
	assert_null(vigie_openvex_justification_name(OPENVEX_JUST_NONE));
	assert_null(vigie_openvex_status_name((enum openvex_status)9));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_purl),
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_required_fields),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
