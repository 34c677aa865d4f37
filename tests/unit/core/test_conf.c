#include "testutil.h"
#include "vigie/core/conf.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* vigie.conf names commands vigie runs: a file someone else could have
 * written is refused, naming it. */
static void test_private(void **state)
{
	struct vigie_conf conf;
	struct vigie_error err;
	const char *p;
	(void)state;

	vigie_error_init(&err);
	p = test_write("ok.conf", "[alerts]\nsendmail = /usr/sbin/sendmail -t\n");
	assert_int_equal(chmod(p, 0644), 0);
	assert_int_equal(vigie_conf_check_private(p, &err), 0);
	assert_int_equal(vigie_conf_load_private(&conf, p, &err), 0);
	assert_string_equal(vigie_conf_get(&conf, "alerts", "sendmail"), "/usr/sbin/sendmail -t");
	assert_string_equal(conf.path, p);
	vigie_conf_release(&conf);
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(vigie_conf_load_private(&conf, p, &err), 0);
	vigie_conf_release(&conf);

	assert_int_equal(chmod(p, 0664), 0);
	assert_int_equal(vigie_conf_check_private(p, &err), VIGIE_EUSAGE);
	assert_int_equal(vigie_conf_load_private(&conf, p, &err), VIGIE_EUSAGE);
	assert_string_equal(err.file, p);
	assert_non_null(strstr(err.msg, "writable by group or others (mode 0664)"));
	assert_int_equal(conf.n, 0);
	assert_int_equal(chmod(p, 0602), 0);
	assert_int_equal(vigie_conf_load_private(&conf, p, &err), VIGIE_EUSAGE);
	assert_non_null(strstr(err.msg, "(mode 0602)"));
	assert_int_equal(chmod(p, 0644), 0);

	if (geteuid() == 0) {
		assert_int_equal(chown(p, 65534, (gid_t)-1), 0);
		assert_int_equal(vigie_conf_load_private(&conf, p, &err), VIGIE_EUSAGE);
		assert_non_null(strstr(err.msg, "owned by uid 65534"));
		assert_string_equal(err.file, p);
		assert_int_equal(chown(p, 0, (gid_t)-1), 0);
		assert_int_equal(vigie_conf_load_private(&conf, p, &err), 0);
		vigie_conf_release(&conf);
	}
	assert_int_equal(vigie_conf_load_private(&conf, "/nonexistent/vigie.conf", &err),
			 VIGIE_EIO);
	assert_int_equal(vigie_conf_load_private(&conf, test_tmpdir(), &err), VIGIE_EIO);
	/* errors still name file and line */
	p = test_write("bad.conf", "[alerts]\nno equals\n");
	assert_int_equal(chmod(p, 0644), 0);
	assert_int_equal(vigie_conf_load_private(&conf, p, &err), VIGIE_EPARSE);
	assert_int_equal(err.line, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_private),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
