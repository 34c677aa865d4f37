#define _GNU_SOURCE
#include "testutil.h"
#include "test_httpd.h"
#include "vigie/secdata/update.h"

static void put(const char *name, const char *text)
{
	char p[4400];
	FILE *f;
	snprintf(p, sizeof(p), "%s/%s", root, name);
	f = fopen(p, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int import_calls;
static int import_fail_kev;

static int fake_import(struct vigie_store *s, const char *kind, const char *path,
		       struct import_stats *st, struct vigie_error *err)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	int rc;
	(void)s;
	import_calls++;
	if (import_fail_kev && !strcmp(kind, "kev"))
		return vigie_error_set(err, VIGIE_EPARSE, path, 3, "bad KEV");
	rc = vigie_read_file(&b, path, 1 << 20, err);
	st->rows = (long)b.len;
	vigie_buf_release(&b);
	return rc;
}

static const char *srcconf(void)
{
	static char p[4200];
	const char *d = getenv("VIGIE_SRCDIR");
	snprintf(p, sizeof(p), "%s/data/sources.conf", d ? d : ".");
	return p;
}

static void test_config(void **state)
{
	struct update_config cfg;
	struct vigie_error err;
	(void)state;

	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_update_config_parse(&cfg,
		"# comment\n\n  a tracker-json http://x/json  # trailing\nb kev /tmp/kev.json\n",
		"conf", &err), 0);
	assert_int_equal(cfg.n, 2);
	assert_string_equal(cfg.src[0].name, "a");
	assert_string_equal(cfg.src[0].url, "http://x/json");
	assert_int_equal(cfg.src[1].line, 4);
	vigie_update_config_release(&cfg);

	assert_int_equal(vigie_update_config_parse(&cfg, "a tracker-json x\na nope y\n", "conf", &err),
			 VIGIE_EPARSE);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "unknown kind 'nope'"));
	vigie_update_config_release(&cfg);
	assert_int_equal(vigie_update_config_parse(&cfg, "a kev x\na kev y\n", "conf", &err), VIGIE_EPARSE);
	assert_non_null(strstr(err.msg, "already defined on line 1"));
	vigie_update_config_release(&cfg);
	assert_int_equal(vigie_update_config_parse(&cfg, "../x kev y\n", "conf", &err), VIGIE_EPARSE);
	vigie_update_config_release(&cfg);
	assert_int_equal(vigie_update_config_parse(&cfg, "a kev y z\n", "conf", &err), VIGIE_EPARSE);
	vigie_update_config_release(&cfg);
	assert_int_equal(vigie_update_config_parse(&cfg, "a kev\n", "conf", &err), VIGIE_EPARSE);
	assert_string_equal(err.file, "conf");
	vigie_update_config_release(&cfg);
	/* the shipped configuration parses */
	assert_int_equal(vigie_update_config_load(&cfg, srcconf(), &err), 0);
	assert_int_equal(cfg.n, 6);
	vigie_update_config_release(&cfg);
	assert_int_equal(vigie_update_config_load(&cfg, "/nonexistent/sources.conf", &err), VIGIE_EIO);
	vigie_update_config_release(&cfg);
}

static int count_lines(const char *needle)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct vigie_error err;
	int n = 0;
	const char *p;
	memset(&err, 0, sizeof(err));
	if (vigie_read_file(&b, logpath, 1 << 20, &err))
		return -1;
	for (p = b.data; (p = strstr(p, needle)); p++)
		n++;
	vigie_buf_release(&b);
	return n;
}

static void test_run(void **state)
{
	struct update_config cfg;
	struct update_opts o;
	struct update_result *res = malloc(sizeof(*res));
	struct vigie_store *s = NULL;
	struct vigie_error err;
	char conf[2048], db[4200], cache[4200], *etag = NULL, *lm = NULL;
	(void)state;

	assert_non_null(res);
	put("t.json", "{\"tracker\": 1}\n");
	put("k.json", "{\"kev\": 1}\n");
	snprintf(conf, sizeof(conf), "t tracker-json %s/t.json\nk kev %s/k.json\n", base, base);
	snprintf(db, sizeof(db), "%s/u.db", test_tmpdir());
	snprintf(cache, sizeof(cache), "%s/cache/sub", test_tmpdir());
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_update_config_parse(&cfg, conf, "conf", &err), 0);
	assert_int_equal(vigie_store_open(&s, db, 0, &err), 0);
	memset(&o, 0, sizeof(o));
	o.cache_dir = cache;
	o.import = fake_import;
	o.fetch.user_agent = "vigie/test";

	/* first run: both downloaded and imported */
	import_calls = 0;
	assert_int_equal(vigie_update_run(s, &cfg, &o, res, &err), 0);
	assert_int_equal(res->n, 2);
	assert_int_equal(res->usable, 2);
	assert_int_equal(res->rep[0].state, UPDATE_IMPORTED);
	assert_int_equal(res->rep[0].rows, 15);
	assert_int_equal(res->rep[1].state, UPDATE_IMPORTED);
	assert_int_equal(import_calls, 2);
	assert_int_equal(vigie_store_source_validators(s, "t", &etag, &lm, &err), 0);
	assert_non_null(etag);
	assert_non_null(lm);
	free(etag);
	free(lm);

	/* second run: conditional GET, 304, nothing imported */
	import_calls = 0;
	assert_int_equal(vigie_update_run(s, &cfg, &o, res, &err), 0);
	assert_int_equal(res->rep[0].state, UPDATE_NOT_MODIFIED);
	assert_int_equal(res->rep[1].state, UPDATE_NOT_MODIFIED);
	assert_int_equal(res->usable, 2);
	assert_int_equal(import_calls, 0);
	if (count_lines("GET /t.json|vigie/test|\"") != 1)
		test_system("cat '%s' >&2", logpath);
	assert_int_equal(count_lines("GET /t.json|vigie/test|\""), 1);

	/* changed on the server: downloaded again; KEV import fails */
	put("t.json", "{\"tracker\": 22}\n");
	put("k.json", "{\"kev\": 2}\n");
	import_fail_kev = 1;
	assert_int_equal(vigie_update_run(s, &cfg, &o, res, &err), 0);
	assert_int_equal(res->rep[0].state, UPDATE_IMPORTED);
	assert_int_equal(res->rep[0].rows, 16);
	assert_int_equal(res->rep[1].state, UPDATE_FAILED);
	assert_non_null(strstr(res->rep[1].message, ":3: bad KEV"));
	assert_int_equal(res->usable, 1);
	import_fail_kev = 0;

	/* --source: only k; its validators were not replaced by the failed
	 * import, so the server is asked again and it imports now */
	{
		const char *only[] = { "k" };
		o.only = only;
		o.nonly = 1;
		import_calls = 0;
		assert_int_equal(vigie_update_run(s, &cfg, &o, res, &err), 0);
		assert_int_equal(res->n, 1);
		assert_int_equal(res->rep[0].state, UPDATE_IMPORTED);
		assert_int_equal(import_calls, 1);
		only[0] = "zz";
		assert_int_equal(vigie_update_run(s, &cfg, &o, res, &err), VIGIE_EUSAGE);
		o.only = NULL;
		o.nonly = 0;
	}

	/* offline: the cache is imported */
	o.offline = 1;
	import_calls = 0;
	assert_int_equal(vigie_update_run(s, &cfg, &o, res, &err), 0);
	assert_int_equal(res->usable, 2);
	assert_int_equal(import_calls, 2);
	assert_int_equal(res->rep[0].state, UPDATE_IMPORTED);
	assert_int_equal(res->unreachable, 0);
	o.offline = 0;
	vigie_update_config_release(&cfg);

	/* unreachable: one attempt, then the cache (store already has it) */
	assert_int_equal(vigie_update_config_parse(&cfg,
		"t tracker-json http://127.0.0.1:1/t\nk kev http://127.0.0.1:1/k\nn dsa-list http://127.0.0.1:1/n\n",
		"conf", &err), 0);
	import_calls = 0;
	assert_int_equal(vigie_update_run(s, &cfg, &o, res, &err), 0);
	assert_int_equal(res->unreachable, 1);
	assert_non_null(strstr(res->unreachable_msg, "cannot connect to 127.0.0.1"));
	assert_int_equal(res->rep[0].state, UPDATE_CACHED);
	assert_int_equal(res->rep[1].state, UPDATE_CACHED);
	assert_string_equal(res->rep[1].message, "");
	assert_int_equal(res->rep[2].state, UPDATE_FAILED);
	assert_int_equal(res->usable, 2);
	assert_true(res->oldest_cache > 0);
	assert_int_equal(import_calls, 0);
	vigie_update_config_release(&cfg);

	vigie_store_close(s);
	free(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_run),
	};
	return cmocka_run_group_tests(tests, start_server, stop_server);
}
