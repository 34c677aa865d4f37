#include "testutil.h"
#include "vigie/debian/invdoc.h"

#include <stdio.h>
#include <string.h>

static const char status[] =
	"Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\n"
	"Version: 3.0.13-1~deb12u1\nSource: openssl\n\n";

static void make_inv(struct inventory *inv)
{
	struct vigie_error err;
	vigie_error_init(&err);
	vigie_inventory_init(inv);
	assert_int_equal(vigie_inventory_load_status_mem(inv, status, sizeof(status) - 1, "s", &err), 0);
	inv->host = "web1";
	inv->release = "bookworm";
}

/* Written, then read back: the same entries. */
static void test_roundtrip(void **state)
{
	struct store_restart_entry e[2] = {
		{ 812, "nginx", "nginx.service", "system", NULL, "libssl3", "amd64",
		  "3.0.11-1~deb12u2", "/usr/lib/x86_64-linux-gnu/libssl.so.3" },
		{ 4242, "my app", NULL, "none", NULL, "libssl3", "", NULL,
		  "/usr/lib/x86_64-linux-gnu/libcrypto.so.3" },
	};
	struct store_restart r = { 140, 3, e, 2 };
	struct vigie_buf out = VIGIE_BUF_INIT;
	struct inventory inv;
	struct invdoc d;
	struct vigie_error err;
	(void)state;
	make_inv(&inv);
	inv.booted_at = 1763900000; /* 2025-11-23T12:13:20Z */
	vigie_error_init(&err);
	assert_int_equal(vigie_invdoc_write_restart(&out, &inv, NULL, 0, 0, NULL, 0, NULL, 0,
						    1764000000, &r), 0);
	assert_non_null(strstr(out.data, "\"booted_at\": \"2025-11-23T12:13:20Z\""));
	assert_non_null(strstr(out.data, "\"restart\":"));
	vigie_invdoc_init(&d);
	assert_int_equal(vigie_invdoc_parse(&d, out.data, out.len, "doc", &err), 0);
	assert_int_equal(d.have_restart, 1);
	assert_true(d.inv.booted_at == 1763900000);
	assert_int_equal(d.restart.scanned, 140);
	assert_int_equal(d.restart.unreadable, 3);
	assert_int_equal(d.restart.n, 2);
	assert_int_equal(d.restart.v[0].pid, 812);
	assert_string_equal(d.restart.v[0].comm, "nginx");
	assert_string_equal(d.restart.v[0].unit, "nginx.service");
	assert_string_equal(d.restart.v[0].kind, "system");
	assert_null(d.restart.v[0].container);
	assert_string_equal(d.restart.v[0].package, "libssl3");
	assert_string_equal(d.restart.v[0].arch, "amd64");
	assert_string_equal(d.restart.v[0].running_version, "3.0.11-1~deb12u2");
	assert_string_equal(d.restart.v[0].path, "/usr/lib/x86_64-linux-gnu/libssl.so.3");
	assert_int_equal(d.restart.v[1].pid, 4242);
	assert_string_equal(d.restart.v[1].comm, "my app");
	assert_null(d.restart.v[1].unit);
	assert_string_equal(d.restart.v[1].arch, "");
	assert_null(d.restart.v[1].running_version);
	/* the packages are still read */
	assert_int_equal(d.inv.npkgs, 1);
	vigie_invdoc_release(&d);

	/* without restart: the old document, no restart object */
	vigie_buf_reset(&out);
	assert_int_equal(vigie_invdoc_write(&out, &inv, NULL, 0, 0, NULL, 0, NULL, 0, 1764000000), 0);
	assert_null(strstr(out.data, "\"restart\""));
	vigie_invdoc_init(&d);
	assert_int_equal(vigie_invdoc_parse(&d, out.data, out.len, "doc", &err), 0);
	assert_int_equal(d.have_restart, 0);
	assert_int_equal(d.restart.n, 0);
	vigie_invdoc_release(&d);
	vigie_buf_release(&out);
	inv.host = inv.release = NULL;
	vigie_inventory_release(&inv);
}

/* kernel.booted_at: a time, or a clear error naming the field. */
static void test_booted_at(void **state)
{
	static const char *const bad[] = { "\"soon\"", "\"2026-13-01T00:00:00Z\"", "12" };
	struct invdoc d;
	struct vigie_error err;
	char doc[512];
	int n;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = snprintf(doc, sizeof(doc),
			     "{\"schema\":\"vigie.inventory/1\",\"host\":\"h\",\"kernel\":"
			     "{\"booted_at\":%s},\"packages\":[{\"name\":\"a\",\"version\":\"1\"}]}",
			     bad[i]);
		vigie_error_init(&err);
		vigie_invdoc_init(&d);
		assert_int_equal(vigie_invdoc_parse(&d, doc, (size_t)n, "doc", &err), VIGIE_EPARSE);
		if (!strstr(err.msg, "kernel.booted_at"))
			fail_msg("case %zu: message '%s' does not name the field", i, err.msg);
		vigie_invdoc_release(&d);
	}
	n = snprintf(doc, sizeof(doc),
		     "{\"schema\":\"vigie.inventory/1\",\"host\":\"h\",\"kernel\":"
		     "{\"booted_at\":\"2026-11-17T06:30:00Z\"},\"packages\":[{\"name\":\"a\","
		     "\"version\":\"1\"}]}");
	vigie_invdoc_init(&d);
	assert_int_equal(vigie_invdoc_parse(&d, doc, (size_t)n, "doc", &err), 0);
	assert_true(d.inv.booted_at == 1794897000);
	vigie_invdoc_release(&d);
}

static void test_bad(void **state)
{
	static const struct {
		const char *restart; /* the restart member, spliced into a document */
		int rc;
		const char *msg;
	} cases[] = {
		{ "{\"entries\":[{\"pid\":\"12\",\"package\":\"a\",\"path\":\"/a\"}]}", VIGIE_EPARSE,
		  "restart.entries[].pid must be a number" },
		{ "{\"entries\":[{\"pid\":-1,\"package\":\"a\",\"path\":\"/a\"}]}", VIGIE_EPARSE,
		  "restart.entries[].pid must be a count" },
		{ "{\"entries\":[{\"package\":\"a\",\"path\":\"/a\"}]}", VIGIE_EPARSE,
		  "restart.entries[].pid is missing" },
		{ "{\"entries\":[{\"pid\":1,\"path\":\"/a\"}]}", VIGIE_EPARSE,
		  "restart.entries[].package is missing" },
		{ "{\"entries\":[{\"pid\":1,\"package\":\"a\",\"path\":\"/a\\u001b\"}]}", VIGIE_EPARSE,
		  "restart.entries[].path holds a control character" },
		{ "{\"processes_scanned\":true}", VIGIE_EPARSE,
		  "restart.processes_scanned must be a number" },
		/* later fields are ignored, nested or not */
		{ "{\"future\":{\"x\":[1]},\"entries\":[{\"pid\":7,\"package\":\"a\",\"path\":\"/a\","
		  "\"new\":{\"deep\":[{}]},\"other\":1}]}", 0, NULL },
		{ "null", 0, NULL },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char doc[2048];
		struct invdoc d;
		struct vigie_error err;
		int n = snprintf(doc, sizeof(doc),
				 "{\"schema\":\"vigie.inventory/1\",\"host\":\"h\",\"restart\":%s,"
				 "\"packages\":[{\"name\":\"a\",\"version\":\"1\"}]}",
				 cases[i].restart);
		vigie_error_init(&err);
		vigie_invdoc_init(&d);
		int rc = vigie_invdoc_parse(&d, doc, (size_t)n, "doc", &err);
		if (rc != cases[i].rc)
			fail_msg("case %zu: rc %d (%s), want %d", i, rc, err.msg, cases[i].rc);
		if (cases[i].msg && !strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: message '%s' lacks '%s'", i, err.msg, cases[i].msg);
		if (i == 6) {
			assert_int_equal(d.restart.n, 1);
			assert_int_equal(d.restart.v[0].pid, 7);
			assert_int_equal(d.inv.npkgs, 1);
		}
		vigie_invdoc_release(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_booted_at),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
