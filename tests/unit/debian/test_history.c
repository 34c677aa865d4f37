#include "testutil.h"
#include "vigie/debian/history.h"
#include "vigie/core/reader.h"
#include "vigie/store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct warns {
	int n;
	char last[1200];
	char all[8192];
};

static void collect(void *ud, const struct vigie_error *w)
{
	struct warns *ws = ud;
	char buf[1200];
	vigie_error_format(w, buf, sizeof(buf));
	ws->n++;
	snprintf(ws->last, sizeof(ws->last), "%s", buf);
	if (strlen(ws->all) + strlen(buf) + 2 < sizeof(ws->all)) {
		strcat(ws->all, buf);
		strcat(ws->all, "\n");
	}
}

static void err_init(struct vigie_error *e, struct warns *ws)
{
	memset(e, 0, sizeof(*e));
	memset(ws, 0, sizeof(*ws));
	e->warn = collect;
	e->warn_ud = ws;
}

static int load_mem(struct history *h, const char *text, int apt, struct vigie_error *e)
{
	struct vigie_reader *r = NULL;
	int rc = vigie_reader_open_mem(&r, text, strlen(text), "mem", e);
	if (rc)
		return rc;
	rc = apt ? vigie_history_load_apt_reader(h, r, e) : vigie_history_load_dpkg_reader(h, r, e);
	vigie_reader_free(r);
	return rc;
}

static void test_dpkg_basic(void **state)
{
	struct history h;
	struct vigie_error e;
	struct warns ws;
	(void)state;
	vigie_history_init(&h);
	err_init(&e, &ws);
	assert_int_equal(load_mem(&h,
		"2025-06-24 14:36:25 startup archives unpack\n"
		"2025-06-24 14:36:25 upgrade libsystemd0:amd64 252.36-1~deb12u1 252.38-1~deb12u1\n"
		"2025-06-24 14:36:25 status unpacked libsystemd0:amd64 252.38-1~deb12u1\n"
		"2025-06-24 14:36:29 install perl-modules-5.36:all <none> 5.36.0-7+deb12u2\n"
		"2025-06-24 14:36:30 configure perl-modules-5.36:all 5.36.0-7+deb12u2 <none>\n"
		"2025-06-24 14:36:31 remove libfoo:amd64 1:14.0.6-12 <none>\n"
		"2025-06-24 14:36:32 purge libfoo:amd64 1:14.0.6-12 <none>\n"
		"2025-06-24 14:36:33 trigproc libc-bin:amd64 2.36-9+deb12u10 <none>\n"
		"2025-06-24 14:36:34 conffile /etc/x keep\n"
		"2025-06-24 14:36:35 install oldstyle <none> 1.0\n", 0, &e), 0);
	assert_int_equal(ws.n, 0);
	assert_int_equal(vigie_history_finish(&h, &e), 0);
	assert_int_equal(h.nevents, 5);
	assert_int_equal(h.events[0].action, HISTORY_UPGRADE);
	assert_string_equal(h.events[0].package, "libsystemd0");
	assert_string_equal(h.events[0].arch, "amd64");
	assert_string_equal(h.events[0].old_version, "252.36-1~deb12u1");
	assert_string_equal(h.events[0].new_version, "252.38-1~deb12u1");
	assert_true(h.events[0].time == test_utc("2025-06-24T14:36:25Z"));
	assert_int_equal(h.events[1].action, HISTORY_INSTALL);
	assert_string_equal(h.events[1].old_version, "");
	assert_string_equal(h.events[1].arch, "all");
	assert_int_equal(h.events[2].action, HISTORY_REMOVE);
	assert_string_equal(h.events[2].old_version, "1:14.0.6-12");
	assert_string_equal(h.events[2].new_version, "");
	assert_int_equal(h.events[3].action, HISTORY_PURGE);
	assert_string_equal(h.events[4].package, "oldstyle");
	assert_string_equal(h.events[4].arch, "");
	assert_int_equal(h.events[4].txn, -1);
	vigie_history_release(&h);
}

static void test_dpkg_local_time(void **state)
{
	struct history h;
	struct vigie_error e;
	struct warns ws;
	FILE *f = fopen("/usr/share/zoneinfo/Europe/Paris", "r");
	(void)state;
	if (!f) {
		skip();
		return;
	}
	fclose(f);
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	vigie_history_init(&h);
	err_init(&e, &ws);
	/* summer (UTC+2) and winter (UTC+1) */
	assert_int_equal(load_mem(&h,
		"2025-06-24 14:36:25 upgrade a:amd64 1 2\n"
		"2025-12-24 14:36:25 upgrade b:amd64 1 2\n", 0, &e), 0);
	vigie_history_finish(&h, &e);
	assert_int_equal(h.nevents, 2);
	assert_true(h.events[0].time == test_utc("2025-06-24T12:36:25Z"));
	assert_true(h.events[1].time == test_utc("2025-12-24T13:36:25Z"));
	vigie_history_release(&h);
	test_setup_utc(NULL);
}

static void test_dpkg_robust(void **state)
{
	struct history h;
	struct vigie_error e;
	struct warns ws;
	(void)state;
	vigie_history_init(&h);
	err_init(&e, &ws);
	assert_int_equal(load_mem(&h,
		"2026-01-01 10:00:00 upgrade a:amd64 1 2\n"
		"garbage here\n"
		"2026-01-01 09:00:00 upgrade b:amd64 1 2\n"            /* backwards */
		"2026-01-01 10:00:00 status installed a:amd64 22026-01-01 10:00:00 upgrade c:amd64 1 2\n"
		"2026-01-01 10:00:01 upgrade d:amd64 1 bad version!\n"
		"2026-01-01 10:00:02 upgrade e:amd64 1 2", 0, &e), 0); /* partial */
	assert_int_equal(ws.n, 5);
	assert_non_null(strstr(ws.all, "mem:2: not a dpkg.log line"));
	assert_non_null(strstr(ws.all, "mem:3: clock went backwards"));
	assert_non_null(strstr(ws.all, "mem:4: not a dpkg.log line"));
	assert_non_null(strstr(ws.all, "mem:5: not a dpkg.log line"));
	assert_non_null(strstr(ws.all, "mem:6: truncated last line"));
	vigie_history_finish(&h, &e);
	assert_int_equal(h.nevents, 2);
	assert_string_equal(h.events[0].package, "b"); /* sorted by time */
	assert_string_equal(h.events[1].package, "a");
	vigie_history_release(&h);
}

static void test_dpkg_not_a_log(void **state)
{
	struct history h;
	struct vigie_error e;
	struct warns ws;
	struct vigie_buf b = VIGIE_BUF_INIT;
	(void)state;
	vigie_history_init(&h);
	err_init(&e, &ws);
	assert_int_equal(load_mem(&h, "hello\nworld\n", 0, &e), VIGIE_EPARSE);
	assert_string_equal(e.file, "mem");
	assert_int_equal(e.line, 1);
	for (int i = 0; i < 100; i++)
		vigie_buf_addf(&b, "line %d of something else\n", i);
	err_init(&e, &ws);
	assert_int_equal(load_mem(&h, b.data, 0, &e), VIGIE_EPARSE);
	assert_int_equal(e.line, HISTORY_PROBE_LINES);
	/* an empty file is an empty log */
	err_init(&e, &ws);
	assert_int_equal(load_mem(&h, "", 0, &e), 0);
	vigie_buf_release(&b);
	vigie_history_release(&h);
}

static void test_dpkg_limits(void **state)
{
	struct history h;
	struct vigie_error e;
	struct warns ws;
	struct vigie_buf b = VIGIE_BUF_INIT;
	(void)state;
	vigie_history_init(&h);
	h.max_events = 3;
	err_init(&e, &ws);
	for (int i = 0; i < 5; i++)
		vigie_buf_addf(&b, "2026-01-01 10:00:0%d upgrade p%d:amd64 1 2\n", i, i);
	assert_int_equal(load_mem(&h, b.data, 0, &e), VIGIE_ELIMIT);
	assert_int_equal(e.line, 4);
	vigie_buf_reset(&b);
	vigie_buf_adds(&b, "2026-01-01 10:00:00 upgrade a:amd64 1 ");
	for (int i = 0; i < HISTORY_MAX_LINE; i++)
		vigie_buf_addc(&b, '1');
	vigie_buf_adds(&b, "\n");
	err_init(&e, &ws);
	assert_true(load_mem(&h, b.data, 0, &e) < 0);
	assert_int_equal(e.line, 1);
	vigie_buf_release(&b);
	vigie_history_release(&h);
}

static void test_rotations(void **state)
{
	struct history h;
	struct vigie_error e;
	struct warns ws;
	struct vigie_strv d, a;
	char root[4096];
	size_t upgrades = 0;
	(void)state;
	snprintf(root, sizeof(root), "%s", test_data("history/root"));
	vigie_strv_init(&d);
	vigie_strv_init(&a);
	err_init(&e, &ws);
	assert_int_equal(vigie_history_default_logs(&d, &a, root, &e), 0);
	assert_int_equal(d.n, 3);
	assert_non_null(strstr(d.v[0], "/var/log/dpkg.log.2.gz"));
	assert_non_null(strstr(d.v[1], "/var/log/dpkg.log.1"));
	assert_non_null(strstr(d.v[2], "/var/log/dpkg.log"));
	assert_null(strstr(d.v[2], "dpkg.log."));
	assert_int_equal(a.n, 1);
	vigie_history_init(&h);
	assert_int_equal(vigie_history_load_all(&h, NULL, NULL, root, &e), 0);
	/* the duplicated libfoo1 upgrade (end of .2.gz, start of .1) counts once */
	assert_int_equal(h.nevents, 8);
	assert_int_equal(h.duplicates, 1);
	for (size_t i = 0; i < h.nevents; i++)
		upgrades += h.events[i].action == HISTORY_UPGRADE;
	assert_int_equal(upgrades, 3);
	assert_non_null(strstr(ws.all, "dpkg.log.1:5: clock went backwards"));
	assert_non_null(strstr(ws.all, "dpkg.log.1:6: not a dpkg.log line"));
	assert_non_null(strstr(ws.all, "dpkg.log:7: truncated last line"));
	/* transactions linked */
	assert_int_equal(h.ntxns, 5);
	assert_true(h.events[0].txn >= 0);
	assert_string_equal(h.txns[h.events[0].txn].requested_by, "alice (1000)");
	assert_string_equal(h.events[7].package, "bar");
	assert_int_equal(h.events[7].action, HISTORY_PURGE);
	assert_true(h.events[7].txn >= 0);
	assert_string_equal(h.txns[h.events[7].txn].error,
			    "Sub-process /usr/bin/dpkg returned an error code (1)");
	vigie_history_release(&h);
	vigie_strv_release(&d);
	vigie_strv_release(&a);
}

static void test_apt_history(void **state)
{
	struct history h;
	struct vigie_error e;
	struct warns ws;
	const struct history_txn *t;
	(void)state;
	vigie_history_init(&h);
	err_init(&e, &ws);
	assert_int_equal(vigie_history_load_apt_history(&h, test_data("history/root/var/log/apt/history.log"), &e), 0);
	assert_int_equal(ws.n, 0);
	vigie_history_finish(&h, &e);
	assert_int_equal(h.ntxns, 5);
	t = &h.txns[0];
	assert_true(t->start == test_utc("2026-01-10T09:59:58Z"));
	assert_true(t->end == test_utc("2026-01-10T10:00:05Z"));
	assert_string_equal(t->commandline, "apt-get install libfoo1 bar baz");
	assert_int_equal(t->nitems, 3);
	assert_string_equal(t->items[0].package, "libfoo1");
	assert_string_equal(t->items[0].new_version, "1.0-1");
	assert_int_equal(t->items[0].automatic, 1);
	assert_int_equal(t->items[1].automatic, 0);
	assert_string_equal(t->items[1].arch, "all");
	t = &h.txns[3];
	assert_string_equal(t->requested_by, "bob (1001)");
	assert_int_equal(t->nitems, 3);
	assert_int_equal(t->items[0].action, HISTORY_UPGRADE);
	assert_string_equal(t->items[0].old_version, "3.0-1");
	assert_string_equal(t->items[0].new_version, "3.0-2");
	assert_int_equal(t->items[1].action, HISTORY_DOWNGRADE);
	assert_string_equal(t->items[1].new_version, "1.0-1");
	assert_int_equal(t->items[2].action, HISTORY_REINSTALL);
	t = &h.txns[4];
	assert_int_equal(t->nitems, 2);
	assert_int_equal(t->items[0].action, HISTORY_REMOVE);
	assert_string_equal(t->items[0].old_version, "0.9-1");
	assert_int_equal(t->items[1].action, HISTORY_PURGE);
	assert_string_equal(t->error, "Sub-process /usr/bin/dpkg returned an error code (1)");
	vigie_history_release(&h);
}

static void test_apt_list(void **state)
{
	struct vigie_arena a;
	struct history_item *it;
	size_t n;
	struct vigie_error e;
	(void)state;
	vigie_arena_init(&a);
	memset(&e, 0, sizeof(e));
	/* epochs and commas inside versions never split an item */
	assert_int_equal(vigie_history_parse_apt_list(&it, &n, &a, "Install",
		"openssh-client:amd64 (1:9.2p1-2+deb12u6), libjs-jquery:amd64 (3.6.1+dfsg+~3.5.14-1, automatic), x:i386 (1)",
		&e), 0);
	assert_int_equal(n, 3);
	assert_string_equal(it[0].new_version, "1:9.2p1-2+deb12u6");
	assert_string_equal(it[1].package, "libjs-jquery");
	assert_string_equal(it[1].new_version, "3.6.1+dfsg+~3.5.14-1");
	assert_int_equal(it[1].automatic, 1);
	assert_string_equal(it[2].arch, "i386");
	assert_int_equal(vigie_history_parse_apt_list(&it, &n, &a, "Upgrade",
		"a:amd64 (1.0, 2.0), b:amd64 (1:1, 1:2)", &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(it[1].old_version, "1:1");
	assert_string_equal(it[1].new_version, "1:2");
	assert_int_equal(vigie_history_parse_apt_list(&it, &n, &a, "Upgrade", "a:amd64 (1.0)", &e),
			 VIGIE_EPARSE);
	assert_int_equal(vigie_history_parse_apt_list(&it, &n, &a, "Install", "a:amd64 1.0", &e),
			 VIGIE_EPARSE);
	assert_int_equal(vigie_history_parse_apt_list(&it, &n, &a, "Install", "a:amd64 (1.0", &e),
			 VIGIE_EPARSE);
	assert_int_equal(vigie_history_parse_apt_list(&it, &n, &a, "Install", "", &e), 0);
	assert_int_equal(n, 0);
	vigie_arena_release(&a);
}

static void test_apt_robust(void **state)
{
	struct history h;
	struct vigie_error e;
	struct warns ws;
	(void)state;
	vigie_history_init(&h);
	err_init(&e, &ws);
	assert_int_equal(load_mem(&h,
		"\nStart-Date: 2026-01-01  10:00:00\n"
		"Install: a:amd64 (1.0\n"                   /* bad list: warning */
		"what is this\n"                            /* garbage: warning */
		"Odd key: value\n"                         /* not a field name */
		"End-Date: 2026-01-01  10:00:01\n"
		"\nStart-Date: 2026-01-01  09:00:00\n"      /* backwards */
		"Upgrade: b:amd64 (1, 2)\n"
		"\nStart-Date: 2026-01-02  10:00:00\n"      /* previous had no End-Date */
		"Commandline: apt", 1, &e), 0);          /* partial last line */
	assert_non_null(strstr(ws.all, "mem:3:"));
	assert_non_null(strstr(ws.all, "mem:4: not an apt history line"));
	assert_non_null(strstr(ws.all, "mem:5: not an apt history line"));
	assert_non_null(strstr(ws.all, "mem:8: clock went backwards"));
	assert_non_null(strstr(ws.all, "mem:8: stanza without End-Date"));
	assert_non_null(strstr(ws.all, "mem:12: truncated last line"));
	vigie_history_finish(&h, &e);
	assert_int_equal(h.ntxns, 3);
	vigie_history_release(&h);
	vigie_history_init(&h);
	err_init(&e, &ws);
	assert_int_equal(load_mem(&h, "2026-01-01 10:00:00 upgrade a:amd64 1 2\n", 1, &e),
			 VIGIE_EPARSE);
	vigie_history_release(&h);
}

struct range { int n, linked; int64_t first; };
static int count_cb(void *ud, const struct store_event *ev)
{
	struct range *r = ud;
	if (!r->n++)
		r->first = ev->time;
	r->linked += ev->transaction_id != 0;
	return 0;
}

/* apt writes Architecture: all packages with the native arch */
static void test_link_arch_all(void **state)
{
	struct history h;
	struct vigie_error e;
	struct warns ws;
	(void)state;
	vigie_history_init(&h);
	err_init(&e, &ws);
	assert_int_equal(load_mem(&h,
		"2025-06-24 14:36:29 install perl-modules-5.36:all <none> 5.36.0-7+deb12u2\n"
		"2025-06-24 14:36:30 install libfoo:i386 <none> 1.0\n"
		"2025-06-24 14:40:00 install late:amd64 <none> 1.0\n", 0, &e), 0);
	assert_int_equal(load_mem(&h,
		"\nStart-Date: 2025-06-24  14:36:29\n"
		"Install: perl-modules-5.36:amd64 (5.36.0-7+deb12u2, automatic), libfoo:amd64 (1.0), late:amd64 (1.0)\n"
		"End-Date: 2025-06-24  14:37:04\n", 1, &e), 0);
	vigie_history_finish(&h, &e);
	assert_int_equal(h.nevents, 3);
	assert_int_equal(h.events[0].txn, 0);  /* all ~ amd64 */
	assert_int_equal(h.events[1].txn, -1); /* i386 is not amd64 */
	assert_int_equal(h.events[2].txn, -1); /* after End-Date */
	vigie_history_release(&h);
}

/* Installing a whole system gives Install: lines far over 64 KiB. */
static void test_apt_long_line(void **state)
{
	struct history h;
	struct vigie_error e;
	struct warns ws;
	struct vigie_buf b = VIGIE_BUF_INIT;
	(void)state;
	vigie_buf_adds(&b, "\nStart-Date: 2026-01-01  10:00:00\nInstall: ");
	for (int i = 0; i < 5000; i++)
		vigie_buf_addf(&b, "%spackage-number-%d:amd64 (1.0-%d, automatic)", i ? ", " : "", i, i);
	vigie_buf_adds(&b, "\nEnd-Date: 2026-01-01  10:10:00\n");
	assert_true(b.len > 200000);
	vigie_history_init(&h);
	err_init(&e, &ws);
	assert_int_equal(load_mem(&h, b.data, 1, &e), 0);
	assert_int_equal(h.ntxns, 1);
	assert_int_equal(h.txns[0].nitems, 5000);
	assert_string_equal(h.txns[0].items[4999].new_version, "1.0-4999");
	vigie_buf_release(&b);
	vigie_history_release(&h);
}

static void test_store_idempotent(void **state)
{
	struct history h;
	struct vigie_error e;
	struct warns ws;
	struct vigie_store *s = NULL;
	char db[4096];
	size_t added = 0;
	int64_t id1 = 0, id2 = 0;
	(void)state;
	snprintf(db, sizeof(db), "%s/events.db", test_tmpdir());
	vigie_history_init(&h);
	err_init(&e, &ws);
	assert_int_equal(vigie_history_load_all(&h, NULL, NULL, test_data("history/root"), &e), 0);
	assert_int_equal(vigie_store_open(&s, db, 0, &e), 0);
	assert_int_equal(vigie_history_store(s, "web01", &h, &added, &e), 0);
	assert_int_equal(added, 8);
	assert_int_equal(vigie_history_store(s, "web01", &h, &added, &e), 0);
	assert_int_equal(added, 0);
	assert_int_equal(vigie_store_count(s, "events", &e), 8);
	assert_int_equal(vigie_history_store(s, "web02", &h, &added, &e), 0);
	assert_int_equal(added, 8);
	assert_int_equal(vigie_store_count(s, "events", &e), 16);
	assert_int_equal(vigie_store_host_ensure(s, "web01", &id1, &e), 0);
	assert_int_equal(vigie_store_host_ensure(s, "web02", &id2, &e), 0);
	assert_true(id1 != id2 && id1 > 0);
	{
		struct range r = { 0, 0, 0 };
		assert_int_equal(vigie_store_events_each(s, id1, 0, 0, count_cb, &r, &e), 0);
		assert_int_equal(r.n, 8);
		assert_int_equal(r.linked, 8);
	}
	vigie_history_release(&h);
	vigie_store_close(s);
}


static void test_store_range(void **state)
{
	struct history h;
	struct vigie_error e;
	struct warns ws;
	struct vigie_store *s = NULL;
	char db[4096];
	int64_t id;
	struct range r = { 0, 0, 0 };
	(void)state;
	snprintf(db, sizeof(db), "%s/range.db", test_tmpdir());
	vigie_history_init(&h);
	err_init(&e, &ws);
	assert_int_equal(vigie_history_load_all(&h, NULL, NULL, test_data("history/root"), &e), 0);
	assert_int_equal(vigie_store_open(&s, db, 0, &e), 0);
	assert_int_equal(vigie_history_store(s, "web01", &h, NULL, &e), 0);
	assert_int_equal(vigie_store_host_ensure(s, "web01", &id, &e), 0);
	assert_int_equal(vigie_store_events_each(s, id, test_utc("2026-01-19T00:00:00Z"),
					   test_utc("2026-04-08T00:00:00Z"), count_cb, &r, &e), 0);
	assert_int_equal(r.n, 3);
	assert_true(r.first == test_utc("2026-01-19T08:00:00Z"));
	vigie_history_release(&h);
	vigie_store_close(s);
}

static void test_bounds_and_host(void **state)
{
	int64_t t;
	char buf[64];
	(void)state;
	assert_int_equal(vigie_history_parse_bound(&t, "2026-06-30", 1), 0);
	assert_true(t == test_utc("2026-07-01T00:00:00Z"));
	assert_int_equal(vigie_history_parse_bound(&t, "2026-12-31", 1), 0);
	assert_true(t == test_utc("2027-01-01T00:00:00Z"));
	assert_int_equal(vigie_history_parse_bound(&t, "2026-06-30", 0), 0);
	assert_true(t == test_utc("2026-06-30T00:00:00Z"));
	assert_int_equal(vigie_history_parse_bound(&t, "2026-06-30 12:00", 1), 0);
	assert_true(t == test_utc("2026-06-30T12:00:00Z"));
	assert_int_equal(vigie_history_parse_bound(&t, "yesterday", 0), VIGIE_EPARSE);
	assert_string_equal(vigie_history_host_name(test_data("history/root"), buf, sizeof(buf)), "web01");
	assert_string_equal(vigie_history_host_name(test_data("nonexistent"), buf, sizeof(buf)), "localhost");
}

/* Every upgrade line of this machine's dpkg.log is exactly one event. */
static void test_system_log(void **state)
{
	struct history h;
	struct vigie_error e;
	struct warns ws;
	FILE *f = fopen("/var/log/dpkg.log", "r");
	char line[4096];
	size_t expected = 0, got = 0;
	(void)state;
	if (!f) {
		skip();
		return;
	}
	while (fgets(line, sizeof(line), f))
		if (strstr(line, " upgrade ") && line[strlen(line) - 1] == '\n')
			expected++;
	fclose(f);
	if (!expected) {
		skip();
		return;
	}
	vigie_history_init(&h);
	err_init(&e, &ws);
	assert_int_equal(vigie_history_load_dpkg_log(&h, "/var/log/dpkg.log", &e), 0);
	vigie_history_finish(&h, &e);
	for (size_t i = 0; i < h.nevents; i++)
		got += h.events[i].action == HISTORY_UPGRADE;
	assert_int_equal(got, expected);
	vigie_history_release(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpkg_basic),
		cmocka_unit_test(test_dpkg_local_time),
		cmocka_unit_test(test_dpkg_robust),
		cmocka_unit_test(test_dpkg_not_a_log),
		cmocka_unit_test(test_dpkg_limits),
		cmocka_unit_test(test_rotations),
		cmocka_unit_test(test_apt_history),
		cmocka_unit_test(test_apt_list),
		cmocka_unit_test(test_apt_robust),
		cmocka_unit_test(test_link_arch_all),
		cmocka_unit_test(test_apt_long_line),
		cmocka_unit_test(test_store_idempotent),
		cmocka_unit_test(test_store_range),
		cmocka_unit_test(test_bounds_and_host),
		cmocka_unit_test(test_system_log),
	};
	return cmocka_run_group_tests(tests, test_setup_utc, NULL);
}
