#define _GNU_SOURCE
#include "testutil.h"
#include "vigie/debian/inventory.h"
#include "vigie/store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct vigie_store *open_store(const char *name)
{
	char path[4096];
	struct vigie_store *s;
	struct vigie_error err;
	memset(&err, 0, sizeof(err));
	snprintf(path, sizeof(path), "%s/%s", test_tmpdir(), name);
	if (vigie_store_open(&s, path, 0, &err))
		fail_msg("%s", err.msg);
	return s;
}

static void load_fixture(struct inventory *inv, const char *host)
{
	struct inventory_opts o;
	struct vigie_error err;
	char status[4096];
	memset(&o, 0, sizeof(o));
	memset(&err, 0, sizeof(err));
	snprintf(status, sizeof(status), "%s", test_data("inventory/status"));
	o.status_file = status;
	o.host = host;
	o.release = "bookworm";
	o.kernel = "6.1.0-18-amd64";
	vigie_inventory_init(inv);
	if (vigie_inventory_load(inv, &o, &err))
		fail_msg("%s:%lu: %s", err.file, err.line, err.msg);
}

struct collect {
	char buf[4096];
	size_t len;
};

static int host_cb(void *ud, const struct store_host *h)
{
	struct collect *c = ud;
	c->len += (size_t)snprintf(c->buf + c->len, sizeof(c->buf) - c->len,
				   "%s/%s/%s/%s/%ld/%ld;", h->name, h->client ? h->client : "-",
				   h->release ? h->release : "-", h->origin, h->npackages,
				   h->nservices);
	return 0;
}

static int service_cb(void *ud, const char *service, const char *origin)
{
	struct collect *c = ud;
	c->len += (size_t)snprintf(c->buf + c->len, sizeof(c->buf) - c->len, "%s:%s;",
				   service, origin);
	return 0;
}

static void test_put_load(void **state)
{
	struct vigie_store *s = open_store("a.db");
	struct inventory inv, back;
	struct vigie_error err;
	int64_t id = 0, id2 = 0;
	(void)state;
	memset(&err, 0, sizeof(err));
	load_fixture(&inv, "web1");
	assert_int_equal(vigie_store_host_put(s, &inv, "acme", "cli", &id, &err), 0);
	assert_true(id > 0);
	assert_int_equal(vigie_store_count(s, "host_packages", &err), (long)inv.npkgs);

	assert_int_equal(vigie_store_host_load(s, "web1", &back, &err), 0);
	assert_string_equal(back.host, "web1");
	assert_string_equal(back.release, "bookworm");
	assert_string_equal(back.arch, "amd64");
	assert_string_equal(back.kernel_release, "6.1.0-18-amd64");
	assert_null(back.kernel_version);
	assert_int_equal(back.inventoried_at, inv.inventoried_at);
	assert_int_equal(back.npkgs, inv.npkgs);
	for (size_t i = 0; i < inv.npkgs; i++) {
		assert_string_equal(back.pkgs[i].name, inv.pkgs[i].name);
		assert_string_equal(back.pkgs[i].arch, inv.pkgs[i].arch);
		assert_string_equal(back.pkgs[i].version, inv.pkgs[i].version);
		assert_string_equal(back.pkgs[i].source, inv.pkgs[i].source);
		assert_string_equal(back.pkgs[i].source_version, inv.pkgs[i].source_version);
		assert_string_equal(back.pkgs[i].status, inv.pkgs[i].status);
	}
	assert_non_null(vigie_inventory_find(&back, "libfoo1", "arm64"));
	vigie_inventory_release(&back);

	/* replace with fewer packages: same id, client kept */
	inv.npkgs = 3;
	assert_int_equal(vigie_store_host_put(s, &inv, NULL, "agent", &id2, &err), 0);
	assert_int_equal(id2, id);
	assert_int_equal(vigie_store_count(s, "host_packages", &err), 3);
	{
		struct collect c = { "", 0 };
		assert_int_equal(vigie_store_host_get(s, "web1", host_cb, &c, &err), 0);
		assert_string_equal(c.buf, "web1/acme/bookworm/agent/3/0;");
	}
	assert_int_equal(vigie_store_host_load(s, "nope", &back, &err), VIGIE_ENOTFOUND);
	vigie_inventory_release(&back);
	vigie_inventory_release(&inv);
	vigie_store_close(s);
}

static void test_list_remove_services(void **state)
{
	struct vigie_store *s = open_store("b.db");
	struct inventory inv;
	struct vigie_error err;
	struct collect c = { "", 0 };
	const char *derived[] = { "nginx", "OpenSSL" };
	const char *derived2[] = { "OpenSSL" };
	int64_t id;
	(void)state;
	memset(&err, 0, sizeof(err));
	load_fixture(&inv, "zeta");
	assert_int_equal(vigie_store_host_put(s, &inv, NULL, "cli", &id, &err), 0);
	inv.host = "alpha";
	assert_int_equal(vigie_store_host_put(s, &inv, "c1", "cli", NULL, &err), 0);
	assert_int_equal(vigie_store_hosts_each(s, host_cb, &c, &err), 0);
	assert_string_equal(c.buf, "alpha/c1/bookworm/cli/13/0;zeta/-/bookworm/cli/13/0;");

	/* services: derived set, manual wins, derived never overrides manual */
	assert_int_equal(vigie_store_host_services_set_derived(s, id, derived, 2, &err), 0);
	assert_int_equal(vigie_store_host_service_add(s, "zeta", "nginx", "manual", &err), 0);
	assert_int_equal(vigie_store_host_service_add(s, "zeta", "Custom", "manual", &err), 0);
	assert_int_equal(vigie_store_host_services_set_derived(s, id, derived2, 1, &err), 0);
	c.len = 0;
	c.buf[0] = '\0';
	assert_int_equal(vigie_store_host_services_each(s, "zeta", service_cb, &c, &err), 0);
	assert_string_equal(c.buf, "Custom:manual;OpenSSL:derived;nginx:manual;");
	assert_int_equal(vigie_store_host_service_add(s, "zeta", "x", "bogus", &err), VIGIE_EUSAGE);
	assert_int_equal(vigie_store_host_service_add(s, "zeta", "", "manual", &err), VIGIE_EUSAGE);
	assert_int_equal(vigie_store_host_service_add(s, "nohost", "x", "manual", &err),
			 VIGIE_ENOTFOUND);
	assert_int_equal(vigie_store_host_service_remove(s, "zeta", "Custom", &err), 0);
	assert_int_equal(vigie_store_host_service_remove(s, "zeta", "Custom", &err), VIGIE_ENOTFOUND);
	assert_int_equal(vigie_store_host_services_each(s, "nohost", service_cb, &c, &err),
			 VIGIE_ENOTFOUND);

	/* remove cascades */
	assert_int_equal(vigie_store_host_remove(s, "zeta", &err), 0);
	assert_int_equal(vigie_store_host_remove(s, "zeta", &err), VIGIE_ENOTFOUND);
	assert_int_equal(vigie_store_count(s, "hosts", &err), 1);
	assert_int_equal(vigie_store_count(s, "host_packages", &err), 13);
	c.len = 0;
	c.buf[0] = '\0';
	assert_int_equal(vigie_store_host_get(s, "zeta", host_cb, &c, &err), VIGIE_ENOTFOUND);
	vigie_inventory_release(&inv);
	vigie_store_close(s);
}

static void test_transactions(void **state)
{
	struct vigie_store *s = open_store("c.db");
	struct inventory inv;
	struct vigie_error err;
	int64_t id;
	const char *bad[] = { "ok", "" }; /* the second is rejected */
	(void)state;
	memset(&err, 0, sizeof(err));
	load_fixture(&inv, "h1");

	/* inside an outer transaction, rolled back: nothing stays */
	assert_int_equal(vigie_store_begin(s, &err), 0);
	assert_int_equal(vigie_store_host_put(s, &inv, NULL, "cli", &id, &err), 0);
	assert_int_equal(vigie_store_host_services_set_derived(s, id, bad, 1, &err), 0);
	vigie_store_rollback(s);
	assert_int_equal(vigie_store_count(s, "hosts", &err), 0);
	assert_int_equal(vigie_store_count(s, "host_packages", &err), 0);

	/* inside an outer transaction, committed */
	assert_int_equal(vigie_store_begin(s, &err), 0);
	assert_int_equal(vigie_store_host_put(s, &inv, NULL, "cli", &id, &err), 0);
	/* a failing step undoes only itself (savepoint), the outer work stays */
	assert_int_equal(vigie_store_host_services_set_derived(s, id, bad, 2, &err), VIGIE_EUSAGE);
	assert_int_equal(vigie_store_commit(s, &err), 0);
	assert_int_equal(vigie_store_count(s, "hosts", &err), 1);
	assert_int_equal(vigie_store_count(s, "host_packages", &err), 13);
	{
		struct collect c = { "", 0 };
		assert_int_equal(vigie_store_host_services_each(s, "h1", service_cb, &c, &err), 0);
		assert_string_equal(c.buf, "");
	}

	/* a failing put leaves the previous inventory */
	inv.pkgs[0].version = NULL;
	assert_int_equal(vigie_store_host_put(s, &inv, NULL, "cli", NULL, &err), VIGIE_EUSAGE);
	inv.host = NULL;
	assert_int_equal(vigie_store_host_put(s, &inv, NULL, "cli", NULL, &err), VIGIE_EUSAGE);
	assert_int_equal(vigie_store_count(s, "host_packages", &err), 13);
	vigie_inventory_release(&inv);
	vigie_store_close(s);
}

/* vigie_store_host_ensure: get or create by name; vigie_store_host_put on the same
 * name keeps that id. */
static void test_ensure(void **state)
{
	struct vigie_store *s = open_store("ensure.db");
	struct vigie_error err;
	struct inventory inv;
	int64_t a = 0, b = 0, c = 0, put = 0;
	(void)state;
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_store_host_id(s, "web01", &a, &err), VIGIE_ENOTFOUND);
	assert_int_equal(vigie_store_host_ensure(s, "web01", &a, &err), 0);
	assert_true(a > 0);
	assert_int_equal(vigie_store_host_ensure(s, "web01", &b, &err), 0);
	assert_int_equal(a, b);
	assert_int_equal(vigie_store_host_id(s, "web01", &c, &err), 0);
	assert_int_equal(a, c);
	assert_int_equal(vigie_store_host_ensure(s, "web02", &b, &err), 0);
	assert_true(b != a);
	assert_int_equal(vigie_store_host_ensure(s, "", &c, &err), VIGIE_EUSAGE);
	assert_int_equal(vigie_store_host_ensure(s, "bad\nname", &c, &err), VIGIE_EUSAGE);
	assert_int_equal(vigie_store_host_ensure(s, "\xff", &c, &err), VIGIE_EUSAGE);
	load_fixture(&inv, "web01");
	assert_int_equal(vigie_store_host_put(s, &inv, NULL, "test", &put, &err), 0);
	assert_int_equal(put, a);
	vigie_inventory_release(&inv);
	vigie_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_load),
		cmocka_unit_test(test_list_remove_services),
		cmocka_unit_test(test_transactions),
		cmocka_unit_test(test_ensure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
