#define _GNU_SOURCE
#include "testutil.h"
#include "vigie/net/fetch.h"
#include "vigie/core/sha256.h"

#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_httpd.h"

static const char *url(const char *path)
{
	static char buf[512];
	snprintf(buf, sizeof(buf), "%s%s", base, path);
	return buf;
}

static const char *put(const char *name, const char *text)
{
	static char p[4400];
	FILE *f;
	snprintf(p, sizeof(p), "%s/%s", root, name);
	f = fopen(p, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

static char *slurp(const char *path)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct vigie_error err;
	memset(&err, 0, sizeof(err));
	if (vigie_read_file(&b, path, 1 << 20, &err))
		return NULL;
	return vigie_buf_detach(&b);
}

/* Temporary files (".NAME.XXXXXX", core/file.h) left in the directory. */
static int leftovers(const char *name)
{
	char pat[4400];
	glob_t g;
	int n;
	snprintf(pat, sizeof(pat), "%s/.%s.*", test_tmpdir(), name);
	n = glob(pat, 0, NULL, &g) == 0 ? (int)g.gl_pathc : 0;
	globfree(&g);
	return n;
}

static const char *tmp(const char *name)
{
	static char p[4400];
	snprintf(p, sizeof(p), "%s/%s", test_tmpdir(), name);
	return p;
}

static void test_get_and_conditional(void **state)
{
	struct fetch_result r;
	struct fetch_opts o;
	struct vigie_error err;
	char dest[4400], *s, *log;
	(void)state;

	put("data.txt", "hello\n");
	snprintf(dest, sizeof(dest), "%s", tmp("data.out"));
	vigie_fetch_opts_init(&o);
	o.user_agent = "vigie/test";
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_fetch_to_file(&r, url("/data.txt"), dest, &o, &err), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.not_modified, 0);
	assert_int_equal(r.size, 6);
	assert_non_null(r.etag);
	assert_non_null(r.last_modified);
	s = slurp(dest);
	assert_string_equal(s, "hello\n");
	free(s);
	assert_int_equal(access(tmp("data.out.part"), F_OK), -1);
	assert_int_equal(leftovers("data.out"), 0);

	/* conditional: 304, dest untouched */
	put("dummy", "");
	{
		FILE *f = fopen(dest, "w");
		fputs("kept\n", f);
		fclose(f);
	}
	o.etag = r.etag;
	o.last_modified = r.last_modified;
	{
		struct fetch_result r2;
		assert_int_equal(vigie_fetch_to_file(&r2, url("/data.txt"), dest, &o, &err), 0);
		assert_int_equal(r2.not_modified, 1);
		assert_int_equal(r2.status, 304);
		vigie_fetch_result_release(&r2);
	}
	s = slurp(dest);
	assert_string_equal(s, "kept\n");
	free(s);
	log = slurp(logpath);
	assert_non_null(strstr(log, "GET /data.txt|vigie/test||"));
	assert_non_null(strstr(log, r.etag));
	free(log);
	vigie_fetch_result_release(&r);
}

static void test_errors(void **state)
{
	struct fetch_result r;
	struct fetch_opts o;
	struct vigie_error err;
	char dest[4400], *s;
	time_t t0;
	(void)state;

	snprintf(dest, sizeof(dest), "%s", tmp("good"));
	{
		FILE *f = fopen(dest, "w");
		fputs("good\n", f);
		fclose(f);
	}
	vigie_fetch_opts_init(&o);
	memset(&err, 0, sizeof(err));

	/* 404 */
	assert_int_equal(vigie_fetch_to_file(&r, url("/missing"), dest, &o, &err), VIGIE_ENET);
	assert_non_null(strstr(err.msg, "HTTP 404"));
	assert_non_null(strstr(err.file, "/missing"));
	assert_int_equal(r.unreachable, 0);

	/* size cap, without and with Content-Length */
	o.max_size = 100000;
	assert_int_equal(vigie_fetch_to_file(&r, url("/big"), dest, &o, &err), VIGIE_ELIMIT);
	assert_non_null(strstr(err.msg, "larger than 100000 bytes"));
	assert_int_equal(vigie_fetch_to_file(&r, url("/big-cl"), dest, &o, &err), VIGIE_ELIMIT);
	o.max_size = 0;

	/* stalled server: low-speed limit */
	o.low_speed_time = 1;
	o.low_speed_limit = 100;
	t0 = time(NULL);
	assert_int_equal(vigie_fetch_to_file(&r, url("/stall"), dest, &o, &err), VIGIE_ENET);
	assert_true(time(NULL) - t0 < 15);
	assert_non_null(strstr(err.msg, "timed out"));
	assert_int_equal(r.unreachable, 1);
	o.low_speed_time = 0;
	o.low_speed_limit = 0;
	/* overall timeout */
	o.timeout = 2;
	t0 = time(NULL);
	assert_int_equal(vigie_fetch_to_file(&r, url("/stall"), dest, &o, &err), VIGIE_ENET);
	assert_true(time(NULL) - t0 < 15);
	o.timeout = 0;

	/* redirects */
	assert_int_equal(vigie_fetch_to_file(&r, url("/redirect/3"), tmp("redir"), &o, &err), 0);
	s = slurp(tmp("redir"));
	assert_string_equal(s, "redirected\n");
	free(s);
	assert_int_equal(vigie_fetch_to_file(&r, url("/redirect/9"), dest, &o, &err), VIGIE_ENET);
	assert_non_null(strstr(err.msg, "too many redirects"));
	assert_int_equal(vigie_fetch_to_file(&r, url("/redirect-file"), dest, &o, &err), VIGIE_ENET);

	/* connection refused: port 1 on loopback */
	assert_int_equal(vigie_fetch_to_file(&r, "http://127.0.0.1:1/x", dest, &o, &err), VIGIE_ENET);
	assert_int_equal(r.unreachable, 1);
	assert_non_null(strstr(err.msg, "cannot connect to 127.0.0.1"));

	/* unsupported scheme */
	assert_int_equal(vigie_fetch_to_file(&r, "ftp://127.0.0.1/x", dest, &o, &err), VIGIE_EUSAGE);

	/* none of the failures replaced the good file or left a temporary */
	s = slurp(dest);
	assert_string_equal(s, "good\n");
	free(s);
	assert_int_equal(access(tmp("good.part"), F_OK), -1);
	assert_int_equal(leftovers("good"), 0);
}

static void test_redirect_protocols(void **state)
{
	(void)state;
	assert_string_equal(vigie_fetch_redir_protocols("https://deb.example/x"), "https");
	assert_string_equal(vigie_fetch_redir_protocols("HTTPS://deb.example/x"), "https");
	assert_string_equal(vigie_fetch_redir_protocols("http://deb.example/x"), "http,https");
}

/* Once a transfer is on https it stays there: https -> http and
 * http -> https -> http are refused, https -> https and http -> https
 * are followed. Needs openssl for a loopback certificate. */
static void test_no_downgrade(void **state)
{
	struct fetch_result r;
	struct fetch_opts o;
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct vigie_error err;
	char ca[4200], plain[512], inner[1024], u[2048];
	(void)state;

	if (start_tls_server(ca, sizeof(ca))) {
		print_message("openssl or the TLS server unavailable: https checks not run\n");
		skip();
	}
	put("data.txt", "hello\n");
	snprintf(plain, sizeof(plain), "%s/data.txt", base);
	vigie_fetch_opts_init(&o);
	o.ca_file = ca;
	vigie_error_init(&err);

	/* the server and the trust work: https direct, https -> https */
	snprintf(u, sizeof(u), "%s/data.txt", tls_base);
	assert_int_equal(vigie_fetch_to_mem(&r, &b, u, &o, &err), 0);
	assert_string_equal(b.data, "hello\n");
	vigie_buf_reset(&b);
	vigie_fetch_result_release(&r);
	snprintf(inner, sizeof(inner), "%s/data.txt", tls_base);
	assert_int_equal(vigie_fetch_to_mem(&r, &b, redirect_url(u, sizeof(u), tls_base, inner), &o, &err), 0);
	assert_string_equal(b.data, "hello\n");
	vigie_buf_reset(&b);
	vigie_fetch_result_release(&r);
	/* upgrade: http -> https */
	assert_int_equal(vigie_fetch_to_mem(&r, &b, redirect_url(u, sizeof(u), base, inner), &o, &err), 0);
	assert_string_equal(b.data, "hello\n");
	vigie_buf_reset(&b);
	vigie_fetch_result_release(&r);

	/* downgrade: https -> http */
	assert_int_equal(vigie_fetch_to_mem(&r, &b, redirect_url(u, sizeof(u), tls_base, plain), &o, &err),
			 VIGIE_ENET);
	assert_non_null(strstr(err.msg, "redirect from https to http"));
	assert_non_null(strstr(err.file, tls_base));
	assert_int_equal(b.len, 0);
	vigie_fetch_result_release(&r);
	/* to a file: nothing written, the old file kept */
	{
		FILE *f = fopen(tmp("kept"), "w");
		assert_non_null(f);
		fputs("old\n", f);
		fclose(f);
	}
	assert_int_equal(vigie_fetch_to_file(&r, u, tmp("kept"), &o, &err), VIGIE_ENET);
	assert_non_null(strstr(err.msg, "redirect from https to http"));
	{
		char *s = slurp(tmp("kept"));
		assert_string_equal(s, "old\n");
		free(s);
	}
	/* http -> https -> http */
	redirect_url(inner, sizeof(inner), tls_base, plain);
	assert_int_equal(vigie_fetch_to_mem(&r, &b, redirect_url(u, sizeof(u), base, inner), &o, &err),
			 VIGIE_ENET);
	assert_non_null(strstr(err.msg, "redirect from https to http refused"));
	assert_int_equal(b.len, 0);
	vigie_fetch_result_release(&r);
	vigie_buf_release(&b);
}

static void test_post(void **state)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct fetch_result r;
	struct fetch_opts o;
	struct vigie_error err;
	const char *hdrs[] = { "Authorization: Bearer s3cret", "Content-Encoding: gzip", NULL };
	char want[256], sha[65];
	(void)state;

	vigie_error_init(&err);
	vigie_fetch_opts_init(&o);
	/* body and headers arrive as given */
	assert_int_equal(vigie_fetch_post(&r, &b, url("/echo"), "abc\0def", 7, hdrs, &o, &err), 0);
	assert_int_equal(r.status, 200);
	vigie_sha256_hex(sha, "abc\0def", 7);
	snprintf(want, sizeof(want), "len=7 sha=%s enc=gzip auth=Bearer s3cret\n", sha);
	assert_string_equal(b.data, want);
	vigie_buf_reset(&b);
	vigie_fetch_result_release(&r);
	/* any status is the caller's, with its body */
	assert_int_equal(vigie_fetch_post(&r, &b, url("/status/503"), "x", 1, NULL, &o, &err), 0);
	assert_int_equal(r.status, 503);
	assert_non_null(strstr(b.data, "said 503"));
	vigie_buf_reset(&b);
	vigie_fetch_result_release(&r);
	/* never redirected (the token would follow) */
	assert_int_equal(vigie_fetch_post(&r, &b, url("/redirect/1"), "x", 1, hdrs, &o, &err), 0);
	assert_int_equal(r.status, 302);
	vigie_buf_reset(&b);
	vigie_fetch_result_release(&r);
	/* plain http only to the loopback; other schemes refused */
	assert_int_equal(vigie_fetch_post(&r, &b, "http://192.0.2.1:9/x", "x", 1, hdrs, &o, &err),
			 VIGIE_EUSAGE);
	assert_non_null(strstr(err.msg, "http:// only to 127.0.0.1 or localhost"));
	assert_null(strstr(err.msg, "s3cret"));
	assert_int_equal(vigie_fetch_post(&r, &b, "file:///etc/hostname", "x", 1, NULL, &o, &err),
			 VIGIE_EUSAGE);
	/* nobody listening: no answer, unreachable */
	assert_int_equal(vigie_fetch_post(&r, &b, "http://127.0.0.1:1/x", "x", 1, hdrs, &o, &err),
			 VIGIE_ENET);
	assert_int_equal(r.unreachable, 1);
	assert_null(strstr(err.msg, "s3cret"));
	vigie_fetch_result_release(&r);
	vigie_buf_release(&b);
}

static void test_mem_gzip(void **state)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct fetch_result r;
	struct vigie_error err;
	(void)state;

	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_fetch_to_mem(&r, &b, url("/gzip"), NULL, &err), 0);
	assert_string_equal(b.data, "compressed body\n");
	vigie_fetch_result_release(&r);
	vigie_buf_release(&b);
}

static int count_progress(void *ud, int64_t now, int64_t total)
{
	(void)now; (void)total;
	(*(int *)ud)++;
	return 0;
}

static void test_local(void **state)
{
	struct fetch_result r;
	struct fetch_opts o;
	struct vigie_error err;
	char src[4400], furl[4500], *s;
	int calls = 0;
	(void)state;

	snprintf(src, sizeof(src), "%s", put("local.txt", "local data\n"));
	snprintf(furl, sizeof(furl), "file://%s", src);
	vigie_fetch_opts_init(&o);
	o.progress = count_progress;
	o.progress_ud = &calls;
	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_fetch_to_file(&r, src, tmp("l1"), &o, &err), 0);
	assert_true(calls > 0);
	s = slurp(tmp("l1"));
	assert_string_equal(s, "local data\n");
	free(s);
	assert_non_null(r.last_modified);
	/* second fetch with the validator: not modified */
	o.last_modified = r.last_modified;
	{
		struct fetch_result r2;
		assert_int_equal(vigie_fetch_to_file(&r2, furl, tmp("l2"), &o, &err), 0);
		assert_int_equal(r2.not_modified, 1);
		assert_int_equal(access(tmp("l2"), F_OK), -1);
		vigie_fetch_result_release(&r2);
	}
	vigie_fetch_result_release(&r);
	o.last_modified = NULL;
	o.max_size = 4;
	assert_int_equal(vigie_fetch_to_file(&r, furl, tmp("l3"), &o, &err), VIGIE_ELIMIT);
	assert_int_equal(access(tmp("l3"), F_OK), -1);
	assert_int_equal(vigie_fetch_to_file(&r, "/nonexistent/file", tmp("l4"), NULL, &err), VIGIE_EIO);
}

static void test_url_host(void **state)
{
	char h[64];
	(void)state;
	assert_string_equal(vigie_fetch_url_host("https://security-tracker.debian.org/tracker/data/json", h, sizeof(h)),
			    "security-tracker.debian.org");
	assert_string_equal(vigie_fetch_url_host("http://u:p@127.0.0.1:8080/x", h, sizeof(h)), "127.0.0.1");
	assert_string_equal(vigie_fetch_url_host("/tmp/x", h, sizeof(h)), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_host),
		cmocka_unit_test(test_local),
		cmocka_unit_test(test_get_and_conditional),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_mem_gzip),
		cmocka_unit_test(test_post),
		cmocka_unit_test(test_redirect_protocols),
		cmocka_unit_test(test_no_downgrade),
	};
	return cmocka_run_group_tests(tests, start_server, stop_server);
}
