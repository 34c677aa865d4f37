#include "testutil.h"
#include "vigie/debian/history.h"
#include "vigie/render/history_report.h"
#include "vigie/core/reader.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_tree.h>

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	setenv("VIGIE_NOW", "2026-11-27T09:00:00Z", 1);
	return 0;
}

static void load(struct history *h, const char *dpkg, const char *apt)
{
	struct vigie_reader *r = NULL;
	struct vigie_error e;
	memset(&e, 0, sizeof(e));
	vigie_history_init(h);
	assert_int_equal(vigie_reader_open_mem(&r, dpkg, strlen(dpkg), "d", &e), 0);
	assert_int_equal(vigie_history_load_dpkg_reader(h, r, &e), 0);
	vigie_reader_free(r);
	assert_int_equal(vigie_reader_open_mem(&r, apt, strlen(apt), "a", &e), 0);
	assert_int_equal(vigie_history_load_apt_reader(h, r, &e), 0);
	vigie_reader_free(r);
	assert_int_equal(vigie_history_finish(h, &e), 0);
}

static const char dpkg[] =
	"2026-03-02 10:00:00 upgrade libc6:amd64 2.36-9 2.36-9+deb12u1\n"
	"2026-03-02 10:00:01 install new:all <none> 1.0\n"
	"2026-05-01 08:00:00 upgrade libc6:amd64 2.36-9+deb12u1 2.36-9+deb12u2\n";
static const char apt[] =
	"\nStart-Date: 2026-03-02  09:59:59\n"
	"Commandline: apt-get install \"new\", \x1b[31mred\n"
	"Requested-By: o'brien (1000)\n"
	"Install: new:amd64 (1.0)\n"
	"Upgrade: libc6:amd64 (2.36-9, 2.36-9+deb12u1)\n"
	"End-Date: 2026-03-02  10:00:02\n";

static void test_csv_quoting(void **state)
{
	struct history h;
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct report_opts o;
	(void)state;
	load(&h, dpkg, apt);
	memset(&o, 0, sizeof(o));
	assert_int_equal(vigie_history_report_csv(&b, &h, &o), 0);
	/* RFC 4180: quotes doubled, field quoted, CRLF line ends */
	assert_non_null(strstr(b.data,
		"2026-03-02T10:00:00Z,upgrade,libc6,amd64,2.36-9,2.36-9+deb12u1,"
		"\"apt-get install \"\"new\"\", \x1b[31mred\",o'brien (1000)\r\n"));
	assert_non_null(strstr(b.data, "2026-05-01T08:00:00Z,upgrade,libc6,amd64,2.36-9+deb12u1,2.36-9+deb12u2,,\r\n"));
	vigie_buf_release(&b);
	vigie_history_release(&h);
}

static void test_json_valid(void **state)
{
	struct history h;
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct report_opts o;
	struct histogram hg;
	struct vigie_error e;
	char eb[256];
	yajl_val root, ev, v;
	const char *p_events[] = { "events", NULL };
	const char *p_cmd[] = { "transaction", "commandline", NULL };
	const char *p_bins[] = { "histogram", "bins", NULL };
	(void)state;
	memset(&e, 0, sizeof(e));
	load(&h, dpkg, apt);
	memset(&o, 0, sizeof(o));
	o.host = "h\"1";
	assert_int_equal(vigie_histogram_compute(&hg, &h, vigie_days_from_civil(2026, 1, 1),
					   vigie_days_from_civil(2026, 12, 31), HISTOGRAM_MONTH, &e), 0);
	assert_int_equal(vigie_history_report_json(&b, &h, &hg, &o), 0);
	root = yajl_tree_parse(b.data, eb, sizeof(eb));
	assert_non_null(root);
	ev = yajl_tree_get(root, p_events, yajl_t_array);
	assert_non_null(ev);
	assert_int_equal(YAJL_GET_ARRAY(ev)->len, 3);
	v = yajl_tree_get(YAJL_GET_ARRAY(ev)->values[0], p_cmd, yajl_t_string);
	assert_non_null(v);
	assert_string_equal(YAJL_GET_STRING(v), "apt-get install \"new\", \x1b[31mred");
	/* install of new:all is linked though apt logged new:amd64 */
	v = yajl_tree_get(YAJL_GET_ARRAY(ev)->values[1], p_cmd, yajl_t_string);
	assert_non_null(v);
	v = yajl_tree_get(root, p_bins, yajl_t_array);
	assert_non_null(v);
	assert_int_equal(YAJL_GET_ARRAY(v)->len, 12);
	yajl_tree_free(root);
	vigie_histogram_release(&hg);
	vigie_buf_release(&b);
	vigie_history_release(&h);
}

static void test_text(void **state)
{
	struct history h;
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct report_opts o;
	struct histogram hg;
	struct vigie_error e;
	(void)state;
	memset(&e, 0, sizeof(e));
	load(&h, dpkg, apt);
	memset(&o, 0, sizeof(o));
	assert_int_equal(vigie_history_report_text(&b, &h, &o), 0);
	assert_null(strchr(b.data, '\x1b'));
	assert_non_null(strstr(b.data, "# apt-get install \"new\", \\x1b[31mred by o'brien (1000)\n"));
	assert_non_null(strstr(b.data, "3 events\n"));
	vigie_buf_reset(&b);
	o.since = 1777593600; /* 2026-05-01T00:00:00Z */
	assert_int_equal(vigie_history_report_text(&b, &h, &o), 0);
	assert_non_null(strstr(b.data, "1 event\n"));
	vigie_buf_reset(&b);
	assert_int_equal(vigie_histogram_compute(&hg, &h, vigie_days_from_civil(2026, 1, 1),
					   vigie_days_from_civil(2026, 12, 31), HISTOGRAM_MONTH, &e), 0);
	assert_int_equal(vigie_histogram_report_text(&b, &hg, &o), 0);
	assert_non_null(strstr(b.data, "\n2026-03        1 " "##################################################\n"));
	assert_non_null(strstr(b.data, "\n2026-04        0 \n"));
	vigie_histogram_release(&hg);
	/* bad periods */
	assert_int_equal(vigie_histogram_compute(&hg, &h, 10, 5, HISTOGRAM_DAY, &e), VIGIE_EUSAGE);
	assert_int_equal(vigie_histogram_compute(&hg, &h, 0, HISTOGRAM_MAX_BINS, HISTOGRAM_DAY, &e), VIGIE_EUSAGE);
	vigie_histogram_release(&hg);
	vigie_buf_release(&b);
	vigie_history_release(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_json_valid),
		cmocka_unit_test(test_text),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
