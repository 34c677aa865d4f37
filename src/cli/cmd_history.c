#include "cli.h"
#include "vigie/engine/calendar.h"
#include "vigie/debian/history.h"
#include "vigie/render/history_report.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigie history [--dpkg-log F]... [--apt-history F]... [--root DIR]\n"
		"                     [--host NAME] [--since DATE] [--until DATE]\n"
		"                     [--format text|json|csv|html]\n"
		"                     [--histogram [--year YYYY] [--by day|week|month]]\n"
		"                     [--store | --from-store]\n\n"
		"List install, upgrade, remove and purge events from dpkg.log (and its\n"
		"rotations), linked to the apt transactions of apt's history.log.\n"
		"Without --dpkg-log/--apt-history, reads ROOT/var/log/dpkg.log* and\n"
		"ROOT/var/log/apt/history.log*, oldest rotation first.\n\n"
		"  --since, --until DATE  period [since, until), local time; a bare\n"
		"                         --until date includes that day\n"
		"  --histogram            upgrades per day/week/month over --year\n"
		"                         (default: this year); html gives an SVG page\n"
		"  --store                also store the events for --host in the database\n"
		"  --from-store           read the events stored for --host instead of logs\n"
		"                         (apt transactions are not restored)\n\n"
		"Exit: 0 success, 2 usage or input error (file:line).\n");
}

int cmd_history(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_LOG_OPTIONS,
		{ "format", required_argument, NULL, 'f' },
		{ "histogram", no_argument, NULL, 'g' },
		{ "year", required_argument, NULL, 'y' },
		{ "by", required_argument, NULL, 'b' },
		{ "store", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_logs logs;
	struct history h;
	struct histogram hg;
	struct vigie_buf out = VIGIE_BUF_INIT;
	struct vigie_error err;
	struct report_opts ro;
	const char *root = NULL, *host = NULL, *format = "text";
	char hostbuf[256];
	int histogram = 0, store = 0, year = 0, by = HISTOGRAM_MONTH, c, rc = EXIT_ERROR;

	cli_logs_init(&logs);
	vigie_history_init(&h);
	memset(&hg, 0, sizeof(hg));
	memset(&ro, 0, sizeof(ro));
	cli_error_init(&err);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		int k = cli_logs_option(&logs, c, optarg);
		if (k < 0)
			goto out;
		if (k)
			continue;
		switch (c) {
		case 'f': format = optarg; break;
		case 'g': histogram = 1; break;
		case 'y': {
			char *end;
			long y = strtol(optarg, &end, 10);
			if (*end || y < 1970 || y > 9999) {
				cli_fail("bad --year '%s'", optarg);
				goto out;
			}
			year = (int)y;
			break;
		}
		case 'b':
			if ((by = vigie_histogram_by_parse(optarg)) < 0) {
				cli_fail("bad --by '%s' (day, week or month)", optarg);
				goto out;
			}
			break;
		case 'S': store = 1; break;
		case 'h':
			usage(stdout);
			rc = EXIT_OK;
			goto out;
		default:
			usage(stderr);
			goto out;
		}
	}
	if (optind < argc) {
		cli_fail("unexpected argument '%s'", argv[optind]);
		goto out;
	}
	root = logs.root;
	host = logs.host;
	ro.since = logs.since;
	ro.until = logs.until;
	if (cli_format_check(format, "text|json|csv|html"))
		goto out;
	if (!strcmp(format, "html") && !histogram) {
		cli_fail("--format html needs --histogram (see also 'vigie timeline --format html')");
		goto out;
	}
	if ((year || by != HISTOGRAM_MONTH) && !histogram) {
		cli_fail("--year and --by go with --histogram");
		goto out;
	}
	if (!host)
		host = vigie_history_host_name(root, hostbuf, sizeof(hostbuf));
	ro.host = host;
	ro.color = cli.color;
	if (logs.from_store && store) {
		cli_fail("--store and --from-store exclude each other");
		goto out;
	}
	if (cli_logs_load(&logs, &h, root, host))
		goto out;
	if (store) {
		struct vigie_store *s = NULL;
		size_t added = 0;
		if (cli_store_open(&s, 0))
			goto out;
		if (vigie_history_store(s, host, &h, &added, &err)) {
			vigie_store_close(s);
			rc = cli_error(&err);
			goto out;
		}
		vigie_store_close(s);
		fprintf(stderr, "vigie: stored %zu new event%s for %s\n", added,
			added == 1 ? "" : "s", host);
	}
	if (histogram) {
		int64_t first, last;
		if (!year) {
			int m, d;
			vigie_civil_from_days(vigie_calendar_local_day(vigie_now()), &year, &m, &d);
		}
		first = vigie_days_from_civil(year, 1, 1);
		last = vigie_days_from_civil(year, 12, 31);
		if (vigie_histogram_compute(&hg, &h, first, last, (enum histogram_by)by, &err)) {
			rc = cli_error(&err);
			goto out;
		}
	}
	if (!strcmp(format, "json"))
		c = vigie_history_report_json(&out, &h, histogram ? &hg : NULL, &ro);
	else if (!strcmp(format, "csv"))
		c = vigie_history_report_csv(&out, &h, &ro);
	else if (!strcmp(format, "html"))
		c = vigie_histogram_report_html(&out, &hg, &ro);
	else if (histogram)
		c = vigie_histogram_report_text(&out, &hg, &ro);
	else
		c = vigie_history_report_text(&out, &h, &ro);
	if (c)
		goto oom;
	rc = cli_write_buf(&out);
	goto out;
oom:
	cli_fail("out of memory");
out:
	vigie_buf_release(&out);
	vigie_histogram_release(&hg);
	vigie_history_release(&h);
	cli_logs_release(&logs);
	return rc;
}
