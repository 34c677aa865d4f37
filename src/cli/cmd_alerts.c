/* vigie alerts: new feed items concerning hosts, and written decisions that
 * no longer apply, sent once. */
#define _GNU_SOURCE
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/feeds/alerts.h"

static void alerts_usage(FILE *f)
{
	fprintf(f,
		"usage: vigie alerts [--format text|json|mail] [--webhook[=URL]]\n"
		"                    [--config FILE] [--dry-run]\n"
		"Items first seen by 'vigie feeds poll' that concern at least one host\n"
		"and were never alerted for that host, grouped by host, then the written\n"
		"decisions that stopped applying (expired, or re-opened because Debian's\n"
		"data on their CVE changed), each once. A host whose installed version\n"
		"has the fix is left out, unless processes still run the old code\n"
		"(\"restart needed\"). text and json print to stdout; mail pipes an\n"
		"RFC 5322 message to the configured sendmail command; --webhook POSTs\n"
		"the JSON. Alerts are recorded as sent unless --dry-run. See\n"
		"vigie-alerts(1).\n");
}

int cmd_alerts(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "webhook", optional_argument, NULL, 'w' },
		{ "config", required_argument, NULL, 'c' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *format = "text", *config = NULL, *webhook = NULL;
	int use_webhook = 0, dry = 0, ch, rc = EXIT_OK;
	struct alerts_config cfg;
	struct services_table svc;
	struct feeds_secdata *sd = NULL;
	struct feeds_match_opts mo = { 0 };
	struct feeds_items l = { 0 };
	struct alerts_decisions ad;
	struct vigie_store *s = NULL;
	struct vigie_error err;
	struct vigie_buf out = VIGIE_BUF_INIT, json = VIGIE_BUF_INIT;

	cli_error_init(&err);
	vigie_alerts_decisions_init(&ad);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (cli_format_check(optarg, "text|json|mail"))
				return EXIT_ERROR;
			format = optarg;
			break;
		case 'w':
			use_webhook = 1;
			webhook = optarg;
			break;
		case 'c': config = optarg; break;
		case 'n': dry = 1; break;
		case 'h': alerts_usage(stdout); return EXIT_OK;
		default: alerts_usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind != argc) {
		alerts_usage(stderr);
		return EXIT_ERROR;
	}
	if (vigie_alerts_config_load(&cfg, config, &err))
		return cli_error(&err);
	if (use_webhook && !webhook && !cfg.webhook[0])
		return cli_fail("--webhook: no URL given and none in the [alerts] section of "
				"vigie.conf");
	if (use_webhook && !webhook)
		webhook = cfg.webhook;
	vigie_services_table_init(&svc);
	if (vigie_services_load(&svc, NULL, &err))
		return cli_error(&err);
	mo.services = &svc;
	if ((rc = cli_store_open(&s, 0)))
		goto out;
	if (vigie_feeds_secdata_new(&sd, s)) {
		rc = cli_fail("out of memory");
		goto out;
	}
	mo.fixed_lookup = vigie_feeds_secdata_fixed;
	mo.ud = sd;
	if (vigie_alerts_pending(s, &mo, &l, &err)) {
		rc = cli_error(&err);
		goto out;
	}
	if (vigie_alerts_decisions_pending(s, &ad, &err)) {
		rc = cli_error(&err);
		goto out;
	}
	if (l.n == 0 && ad.n == 0) {
		/* nothing new: nothing sent */
		if (!strcmp(format, "json") && vigie_alerts_json(&out, &l, &ad, &err) == 0)
			printf("%s\n", out.data);
		else if (!strcmp(format, "text"))
			printf("no new alerts\n");
		goto out;
	}
	if ((!strcmp(format, "json") || use_webhook) && vigie_alerts_json(&json, &l, &ad, &err)) {
		rc = cli_error(&err);
		goto out;
	}
	if (!strcmp(format, "mail")) {
		if (vigie_alerts_mail(&out, &l, &ad, &cfg, &err) ||
		    (!dry && vigie_alerts_sendmail(&cfg, out.data, out.len, &err))) {
			rc = cli_error(&err);
			goto out;
		}
		if (dry)
			fputs(out.data, stdout);
		else
			fprintf(stderr, "vigie: mailed %zu alert%s to %s\n",
				vigie_alerts_count(&l) + ad.n,
				vigie_alerts_count(&l) + ad.n == 1 ? "" : "s", cfg.to);
	} else if (!strcmp(format, "json")) {
		printf("%s\n", json.data);
	} else {
		if (vigie_alerts_text(&out, &l) ||
		    (l.n && ad.n && vigie_buf_addc(&out, '\n')) ||
		    vigie_alerts_decisions_text(&out, &ad)) {
			rc = cli_fail("out of memory");
			goto out;
		}
		fputs(out.data, stdout);
	}
	if (use_webhook && !dry && vigie_alerts_webhook(webhook, json.data, json.len, &err)) {
		rc = cli_error(&err);
		goto out;
	}
	if (!dry && (vigie_alerts_mark_sent(s, &l, &err) ||
		     vigie_alerts_decisions_mark_sent(s, &ad, &err)))
		rc = cli_error(&err);
out:
	vigie_alerts_decisions_release(&ad);
	vigie_feeds_items_release(&l);
	vigie_buf_release(&out);
	vigie_buf_release(&json);
	vigie_services_table_release(&svc);
	vigie_feeds_secdata_free(sd);
	vigie_store_close(s);
	return rc;
}
