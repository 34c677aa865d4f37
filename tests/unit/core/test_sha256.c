#include "testutil.h"
#include "vigie/core/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FIPS 180-4 / NIST example vectors. */
static void test_vectors(void **state)
{
	char hex[SHA256_HEX_LEN + 1];
	struct sha256 c;
	uint8_t d[SHA256_DIGEST_LEN];
	char *m;
	(void)state;

	vigie_sha256_hex(hex, "", 0);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	vigie_sha256_hex(hex, "abc", 3);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	vigie_sha256_hex(hex, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	m = malloc(1000000);
	assert_non_null(m);
	memset(m, 'a', 1000000);
	/* incremental, in uneven pieces */
	vigie_sha256_init(&c);
	for (size_t off = 0; off < 1000000;) {
		size_t n = (off * 7 + 13) % 997 + 1;
		if (off + n > 1000000)
			n = 1000000 - off;
		vigie_sha256_update(&c, m + off, n);
		off += n;
	}
	vigie_sha256_final(&c, d);
	free(m);
	assert_int_equal(d[0], 0xcd);
	assert_int_equal(d[1], 0xc7);
	assert_int_equal(d[31], 0xd0);
}

/* Every length around the padding boundaries, checked by sha256sum. */
static void test_against_sha256sum(void **state)
{
	char path[4200], hex[SHA256_HEX_LEN + 1], ref[SHA256_HEX_LEN + 2];
	struct vigie_error err;
	FILE *f;
	(void)state;

	if (test_system("command -v sha256sum >/dev/null") != 0)
		skip();
	for (size_t len = 0; len < 200; len += (len < 130 ? 1 : 17)) {
		snprintf(path, sizeof(path), "%s/blob%zu", test_tmpdir(), len);
		f = fopen(path, "wb");
		assert_non_null(f);
		for (size_t i = 0; i < len; i++)
			fputc((int)((i * 31 + len) & 0xff), f);
		fclose(f);
		assert_int_equal(test_system("sha256sum '%s' | cut -c1-64 > '%s.ref'", path, path), 0);
		{
			char rp[4300];
			snprintf(rp, sizeof(rp), "%s.ref", path);
			f = fopen(rp, "r");
			assert_non_null(f);
			assert_non_null(fgets(ref, sizeof(ref), f));
			fclose(f);
			ref[SHA256_HEX_LEN] = '\0';
		}
		memset(&err, 0, sizeof(err));
		assert_int_equal(vigie_sha256_file(hex, path, &err), 0);
		assert_string_equal(hex, ref);
		assert_int_equal(vigie_sha256_verify_file(path, ref, &err), 0);
	}
}

static void test_verify_errors(void **state)
{
	struct vigie_error err;
	const char *p = test_write("abc", "abc");
	(void)state;

	memset(&err, 0, sizeof(err));
	assert_int_equal(vigie_sha256_verify_file(p, "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", &err), 0);
	assert_int_equal(vigie_sha256_verify_file(p, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ae", &err),
			 VIGIE_EPARSE);
	assert_non_null(strstr(err.msg, "checksum mismatch"));
	assert_string_equal(err.file, p);
	assert_int_equal(vigie_sha256_verify_file(p, "abc", &err), VIGIE_EPARSE);
	assert_int_equal(vigie_sha256_verify_file(p, NULL, &err), VIGIE_EPARSE);
	assert_int_equal(vigie_sha256_verify_file("/nonexistent/x",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", &err), VIGIE_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_against_sha256sum),
		cmocka_unit_test(test_verify_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
