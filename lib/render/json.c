#include "vigie/render/json.h"
#include "vigie/core/csv.h"

#include <stdio.h>
#include <string.h>

static void print_cb(void *ctx, const char *str, size_t len)
{
	/* out of memory shows up as truncated output; callers check len */
	vigie_buf_add(ctx, str, len);
}

/* The one configuration of every JSON vigie writes: two-space indentation,
 * UTF-8 checked. */
yajl_gen vigie_json_gen_alloc(void)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	if (!g)
		return NULL;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	return g;
}

yajl_gen vigie_json_gen_new(struct vigie_buf *out)
{
	yajl_gen g = vigie_json_gen_alloc();
	if (g)
		yajl_gen_config(g, yajl_gen_print_callback, print_cb, out);
	return g;
}

void vigie_json_str(yajl_gen g, const char *s)
{
	if (!s) {
		yajl_gen_null(g);
		return;
	}
	if (yajl_gen_string(g, (const unsigned char *)s, strlen(s)) == yajl_gen_invalid_string) {
		/* never emit invalid UTF-8: replace bytes >= 0x80 */
		struct vigie_buf b = VIGIE_BUF_INIT;
		for (const char *p = s; *p; p++)
			vigie_buf_addc(&b, (unsigned char)*p < 0x80 ? *p : '?');
		yajl_gen_string(g, (const unsigned char *)(b.data ? b.data : ""), b.len);
		vigie_buf_release(&b);
	}
}

void vigie_json_key(yajl_gen g, const char *k)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

void vigie_json_kv_str(yajl_gen g, const char *k, const char *v)
{
	vigie_json_key(g, k);
	vigie_json_str(g, v);
}

void vigie_json_kv_int(yajl_gen g, const char *k, int64_t v)
{
	vigie_json_key(g, k);
	yajl_gen_integer(g, (long long)v);
}

void vigie_json_kv_bool(yajl_gen g, const char *k, int v)
{
	vigie_json_key(g, k);
	yajl_gen_bool(g, v);
}

void vigie_json_kv_score(yajl_gen g, const char *k, double v)
{
	char buf[32];
	vigie_json_key(g, k);
	if (v < 0) {
		yajl_gen_null(g);
		return;
	}
	snprintf(buf, sizeof(buf), "%.1f", v);
	yajl_gen_number(g, buf, strlen(buf));
}

void vigie_json_kv_time(yajl_gen g, const char *k, int64_t t)
{
	char buf[32];
	vigie_json_key(g, k);
	if (!t) {
		yajl_gen_null(g);
		return;
	}
	vigie_json_str(g, vigie_time_format(t, buf, sizeof(buf)));
}

int vigie_csv_add_field(struct vigie_buf *out, const char *s)
{
	return vigie_csv_quote(out, s, ',');
}
