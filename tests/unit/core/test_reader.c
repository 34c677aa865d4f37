/* reader: plain, gzip, xz and lz4 input (compressed here with zlib, liblzma
 * and liblz4), CRLF, partial last lines, line limits, NUL bytes, truncated
 * and concatenated streams. */
#include "testutil.h"
#include "vigie/core/reader.h"
#include "vigie/core/util.h"

#include <lz4frame.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void compress_gzip(struct vigie_buf *out, const char *in, size_t len)
{
	z_stream z;
	unsigned char tmp[4096];
	int rc;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	do {
		z.next_out = tmp;
		z.avail_out = sizeof(tmp);
		rc = deflate(&z, Z_FINISH);
		assert_true(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR);
		assert_int_equal(vigie_buf_add(out, tmp, sizeof(tmp) - z.avail_out), 0);
	} while (rc != Z_STREAM_END);
	deflateEnd(&z);
}

static void compress_xz(struct vigie_buf *out, const char *in, size_t len)
{
	size_t cap = len + len / 2 + 1024, pos = 0;
	assert_int_equal(vigie_buf_grow(out, cap), 0);
	assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL,
						 (const uint8_t *)in, len,
						 (uint8_t *)out->data + out->len, &pos, cap),
			 LZMA_OK);
	out->len += pos;
}

static void compress_lz4(struct vigie_buf *out, const char *in, size_t len)
{
	/* With a content checksum, as the lz4 command writes by default. */
	LZ4F_preferences_t prefs;
	size_t cap, n;
	memset(&prefs, 0, sizeof(prefs));
	prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
	cap = LZ4F_compressFrameBound(len, &prefs);
	assert_int_equal(vigie_buf_grow(out, cap), 0);
	n = LZ4F_compressFrame(out->data + out->len, cap, in, len, &prefs);
	assert_false(LZ4F_isError(n));
	out->len += n;
}

typedef void compress_fn(struct vigie_buf *, const char *, size_t);

/* Read every line of data into one string, lines joined by '|'. */
static int read_all(const void *data, size_t len, struct vigie_buf *lines,
		    int *partial, struct vigie_error *err, size_t max_line)
{
	struct vigie_reader *r;
	char *line;
	size_t n;
	int rc;
	unsigned long count = 0;

	vigie_error_init(err);
	if ((rc = vigie_reader_open_mem(&r, data, len, "mem.txt", err)))
		return rc;
	if (max_line)
		vigie_reader_set_max_line(r, max_line);
	while ((rc = vigie_reader_getline(r, &line, &n, err)) == 1) {
		assert_int_equal(strlen(line), n);
		assert_int_equal(vigie_reader_lineno(r), ++count);
		if (lines->len)
			vigie_buf_addc(lines, '|');
		vigie_buf_add(lines, line, n);
		if (partial)
			*partial = vigie_reader_partial(r);
	}
	vigie_reader_free(r);
	return rc;
}

static void expect_lines(const char *data, size_t len, const char *joined, int partial)
{
	struct vigie_buf lines = VIGIE_BUF_INIT;
	struct vigie_error err;
	int p = -1;
	assert_int_equal(read_all(data, len, &lines, &p, &err, 0), 0);
	assert_string_equal(lines.data ? lines.data : "", joined);
	if (partial >= 0)
		assert_int_equal(p, partial);
	vigie_buf_release(&lines);
}

static const char text[] = "Package: one\r\nVersion: 1.0\n\n  spaced \nlast";

static void test_plain(void **state)
{
	(void)state;
	expect_lines("", 0, "", -1);
	expect_lines(NULL, 0, "", -1);
	expect_lines("\n", 1, "", 0);
	expect_lines("a\nb\n", 4, "a|b", 0);
	expect_lines("a\nb", 3, "a|b", 1);
	expect_lines("a\r\nb\r\n", 6, "a|b", 0);
	expect_lines("a\rb\r\r\n", 6, "a\rb\r", 0); /* only the last \r goes */
	expect_lines("a\n\n\nb\n", 6, "a|||b", 0);
	expect_lines(text, sizeof(text) - 1, "Package: one|Version: 1.0||  spaced |last", 1);
}

static void roundtrip(compress_fn *fn, enum vigie_compression comp)
{
	struct vigie_buf c = VIGIE_BUF_INIT, big = VIGIE_BUF_INIT, lines = VIGIE_BUF_INIT;
	struct vigie_reader *r;
	struct vigie_error err;
	const char *path;
	FILE *f;
	char *line;
	size_t n;
	unsigned long count = 0;

	fn(&c, text, sizeof(text) - 1);
	expect_lines(c.data, c.len, "Package: one|Version: 1.0||  spaced |last", 1);
	assert_int_equal(vigie_reader_open_mem(&r, c.data, c.len, "x", &err), 0);
	assert_int_equal(vigie_reader_compression(r), comp);
	vigie_reader_free(r);

	/* A larger file (several decoder buffers) through the file API. */
	for (int i = 0; i < 200000; i++)
		vigie_buf_addf(&big, "line %d %s\n", i, i % 7 ? "" : "some more text here");
	vigie_buf_reset(&c);
	fn(&c, big.data, big.len);
	path = test_write("big", "");
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(c.data, 1, c.len, f), c.len);
	fclose(f);
	vigie_error_init(&err);
	assert_int_equal(vigie_reader_open(&r, path, &err), 0);
	assert_int_equal(vigie_reader_compression(r), comp);
	while (vigie_reader_getline(r, &line, &n, &err) == 1) {
		char expect[64];
		snprintf(expect, sizeof(expect), "line %lu %s", count,
			 count % 7 ? "" : "some more text here");
		if (strcmp(line, expect))
			fail_msg("line %lu: '%s', expected '%s'", count + 1, line, expect);
		count++;
	}
	assert_int_equal(count, 200000);
	assert_int_equal(err.code, 0);
	vigie_reader_free(r);

	/* Truncated streams are errors naming the input. */
	for (size_t cut = 1; cut < 4; cut++) {
		int rc;
		vigie_buf_reset(&lines);
		rc = read_all(c.data, c.len * cut / 4, &lines, NULL, &err, 0);
		if (rc != VIGIE_EPARSE)
			fail_msg("truncated at %zu/4: rc %d", cut, rc);
		assert_string_equal(err.file, "mem.txt");
		assert_non_null(strstr(err.msg, "truncated"));
		assert_true(err.line > 0);
	}
	/* Cut just before the end (trailer/checksum missing). */
	vigie_buf_reset(&lines);
	assert_int_equal(read_all(c.data, c.len - 1, &lines, NULL, &err, 0), VIGIE_EPARSE);
	/* Corrupted in the middle. */
	c.data[c.len / 2] ^= 0x55;
	c.data[c.len / 2 + 1] ^= 0x55;
	vigie_buf_reset(&lines);
	assert_true(read_all(c.data, c.len, &lines, NULL, &err, 0) < 0);
	vigie_buf_release(&c);
	vigie_buf_release(&big);
	vigie_buf_release(&lines);
}

static void test_gzip(void **state)
{
	(void)state;
	roundtrip(compress_gzip, VIGIE_COMP_GZIP);
}

static void test_xz(void **state)
{
	(void)state;
	roundtrip(compress_xz, VIGIE_COMP_XZ);
}

static void test_lz4(void **state)
{
	(void)state;
	roundtrip(compress_lz4, VIGIE_COMP_LZ4);
}

static void test_concatenated(void **state)
{
	struct vigie_buf c = VIGIE_BUF_INIT;
	(void)state;
	compress_gzip(&c, "one\ntwo", 7);
	compress_gzip(&c, "\nthree\n", 7);
	compress_gzip(&c, "", 0);
	compress_gzip(&c, "four\n", 5);
	expect_lines(c.data, c.len, "one|two|three|four", 0);
	vigie_buf_reset(&c);
	compress_xz(&c, "x1\n", 3);
	compress_xz(&c, "x2\n", 3);
	expect_lines(c.data, c.len, "x1|x2", 0);
	/* Garbage after a complete gzip member is an error, not ignored. */
	vigie_buf_reset(&c);
	compress_gzip(&c, "ok\n", 3);
	vigie_buf_adds(&c, "garbage");
	{
		struct vigie_buf lines = VIGIE_BUF_INIT;
		struct vigie_error err;
		assert_true(read_all(c.data, c.len, &lines, NULL, &err, 0) < 0);
		vigie_buf_release(&lines);
	}
	vigie_buf_release(&c);
}

static void test_limits(void **state)
{
	struct vigie_buf data = VIGIE_BUF_INIT, lines = VIGIE_BUF_INIT, c = VIGIE_BUF_INIT;
	struct vigie_error err;
	(void)state;
	/* Exactly the maximum is fine, one more byte is not. */
	assert_int_equal(read_all("0123456789\nabc\n", 15, &lines, NULL, &err, 10), 0);
	vigie_buf_reset(&lines);
	assert_int_equal(read_all("ok\n01234567890\n", 15, &lines, NULL, &err, 10),
			 VIGIE_ELIMIT);
	assert_string_equal(err.file, "mem.txt");
	assert_int_equal(err.line, 2);
	assert_string_equal(lines.data, "ok");
	/* The '\r' of a CRLF does not count, a lone one does. */
	vigie_buf_reset(&lines);
	assert_int_equal(read_all("0123456789\r\nabc\r\n", 17, &lines, NULL, &err, 10), 0);
	assert_string_equal(lines.data, "0123456789|abc");
	vigie_buf_reset(&lines);
	assert_int_equal(read_all("0123456789\rx\n", 13, &lines, NULL, &err, 10),
			 VIGIE_ELIMIT);
	assert_int_equal(err.line, 1);
	vigie_buf_reset(&lines);
	assert_int_equal(read_all("0123456789\r", 11, &lines, NULL, &err, 10), 0);
	/* Partial last line over the limit. */
	vigie_buf_reset(&lines);
	assert_int_equal(read_all("01234567890", 11, &lines, NULL, &err, 10), VIGIE_ELIMIT);
	assert_int_equal(err.line, 1);
	/* A line spanning many input chunks, plain and compressed. */
	vigie_buf_adds(&data, "first\n");
	for (int i = 0; i < 300000; i++)
		vigie_buf_addc(&data, (char)('a' + i % 26));
	vigie_buf_addc(&data, '\n');
	vigie_buf_reset(&lines);
	assert_int_equal(read_all(data.data, data.len, &lines, NULL, &err, 200000), VIGIE_ELIMIT);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "200000"));
	vigie_buf_reset(&lines);
	assert_int_equal(read_all(data.data, data.len, &lines, NULL, &err, 300000), 0);
	assert_int_equal(lines.len, 6 + 300000);
	compress_gzip(&c, data.data, data.len);
	vigie_buf_reset(&lines);
	assert_int_equal(read_all(c.data, c.len, &lines, NULL, &err, 1000), VIGIE_ELIMIT);
	assert_int_equal(err.line, 2);
	vigie_buf_release(&data);
	vigie_buf_release(&lines);
	vigie_buf_release(&c);
}

static void test_nul_and_errors(void **state)
{
	struct vigie_buf lines = VIGIE_BUF_INIT, c = VIGIE_BUF_INIT;
	struct vigie_reader *r;
	struct vigie_error err;
	(void)state;
	assert_int_equal(read_all("a\nb\0c\nd\n", 8, &lines, NULL, &err, 0), VIGIE_EPARSE);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.file, "mem.txt");
	assert_non_null(strstr(err.msg, "NUL"));
	compress_xz(&c, "a\nb\0c\n", 6);
	vigie_buf_reset(&lines);
	assert_int_equal(read_all(c.data, c.len, &lines, NULL, &err, 0), VIGIE_EPARSE);
	assert_int_equal(err.line, 2);
	/* Only the magic of a format, nothing after it. */
	vigie_buf_reset(&lines);
	assert_true(read_all("\x1f\x8b", 2, &lines, NULL, &err, 0) < 0);
	vigie_buf_reset(&lines);
	assert_true(read_all("\xfd" "7zXZ\0", 6, &lines, NULL, &err, 0) < 0);
	vigie_buf_reset(&lines);
	assert_true(read_all("\x04\x22\x4d\x18", 4, &lines, NULL, &err, 0) < 0);
	/* Missing file. */
	vigie_error_init(&err);
	assert_int_equal(vigie_reader_open(&r, "/nonexistent/dir/file", &err), VIGIE_EIO);
	assert_null(r);
	assert_string_equal(err.file, "/nonexistent/dir/file");
	vigie_buf_release(&lines);
	vigie_buf_release(&c);
}

/* An xz block header whose LZMA2 dictionary is 1.5 GiB (property byte 37)
 * must fail on the memory limit, not reserve the memory. The header of a
 * small xz stream is patched and its CRC32 recomputed. */
static void test_xz_memlimit(void **state)
{
	struct vigie_buf lines = VIGIE_BUF_INIT, c = VIGIE_BUF_INIT;
	struct vigie_error err;
	unsigned char *h, *p;
	size_t hsize;
	uint32_t crc;
	(void)state;
	compress_xz(&c, "a\nb\n", 4);
	h = (unsigned char *)c.data + 12; /* after the stream header */
	hsize = ((size_t)h[0] + 1) * 4;
	/* block flags: one filter, maybe compressed and uncompressed sizes
	 * (varints); then filter id 0x21 (LZMA2) with 1 byte of properties */
	assert_int_equal(h[1] & 0x3f, 0x00);
	p = h + 2;
	for (int k = 0; k < 2; k++)
		if (h[1] & (0x40 << k))
			while (*p++ & 0x80)
				;
	assert_int_equal(p[0], 0x21);
	assert_int_equal(p[1], 0x01);
	assert_true(p[2] <= 40);
	p[2] = 37;
	crc = lzma_crc32(h, hsize - 4, 0);
	for (int i = 0; i < 4; i++)
		h[hsize - 4 + i] = (unsigned char)(crc >> (8 * i));
	assert_int_equal(read_all(c.data, c.len, &lines, NULL, &err, 0), VIGIE_ELIMIT);
	assert_string_equal(err.file, "mem.txt");
	assert_non_null(strstr(err.msg, "xz"));
	assert_non_null(strstr(err.msg, "256 MiB limit"));
	/* the dictionary of xz -9 (64 MiB) stays within the limit */
	p[2] = 28; /* 2 << 25 = 64 MiB */
	crc = lzma_crc32(h, hsize - 4, 0);
	for (int i = 0; i < 4; i++)
		h[hsize - 4 + i] = (unsigned char)(crc >> (8 * i));
	vigie_buf_reset(&lines);
	assert_int_equal(read_all(c.data, c.len, &lines, NULL, &err, 0), 0);
	assert_string_equal(lines.data, "a|b");
	vigie_buf_release(&lines);
	vigie_buf_release(&c);
}

static void test_raw_read(void **state)
{
	struct vigie_buf c = VIGIE_BUF_INIT, out = VIGIE_BUF_INIT;
	struct vigie_reader *r;
	struct vigie_error err;
	char buf[3];
	long n;
	(void)state;
	compress_lz4(&c, "raw\0bytes\n", 10);
	vigie_error_init(&err);
	assert_int_equal(vigie_reader_open_mem(&r, c.data, c.len, "raw", &err), 0);
	assert_string_equal(vigie_reader_name(r), "raw");
	while ((n = vigie_reader_read(r, buf, sizeof(buf), &err)) > 0)
		vigie_buf_add(&out, buf, (size_t)n);
	assert_int_equal(n, 0);
	assert_int_equal(out.len, 10);
	assert_memory_equal(out.data, "raw\0bytes\n", 10);
	vigie_reader_free(r);
	vigie_reader_free(NULL);
	vigie_buf_release(&c);
	vigie_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_xz),
		cmocka_unit_test(test_lz4),
		cmocka_unit_test(test_concatenated),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_nul_and_errors),
		cmocka_unit_test(test_xz_memlimit),
		cmocka_unit_test(test_raw_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
