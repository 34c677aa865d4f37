#include "cli.h"
#include "vigie/engine/secdata.h"
#include "vigie/debian/history.h"
#include "vigie/render/history_report.h"
#include "vigie/engine/sla.h"
#include "vigie/engine/timeline.h"
#include "vigie/app/sla.h"
#include "vigie/engine/policy.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigie sla [--dpkg-log F]... [--apt-history F]... [--root DIR]\n"
		"                 [--host NAME] [--since DATE] [--until DATE]\n"
		"                 [--from-store] [--release CODENAME] [--no-security-data]\n"
		"                 [--config FILE] [--format text|json|csv|html]\n\n"
		"For each CVE fixed by an upgrade (as in 'vigie timeline'): publication\n"
		"date, installation time, delay in business days and hours, the deadline\n"
		"of its class, met or breached; per class: count, median and p90 delay,\n"
		"share within the deadline, and the breaches with their evidence.\n"
		"Publication is the DSA/DLA date from the database (00:00 UTC of that\n"
		"day), else the changelog entry date (each item's evidence says which);\n"
		"the class comes from the criticality policy (docs/POLICY.md) with the\n"
		"database's CVSS, KEV and urgency. --no-security-data uses changelogs\n"
		"only (every fix 'standard'); --release overrides the host's release.\n\n"
		"  --config FILE  policy file (default $VIGIE_CONFIG, else\n"
		"                 /etc/vigie/vigie.conf if present, else built-in:\n"
		"                 1 business day per class, French holidays)\n\n"
		"--from-store reads the events stored for --host ('vigie history --store')\n"
		"instead of log files, and judges them with the inventory and release\n"
		"stored for that host ('vigie hosts add'); no changelog is read unless\n"
		"--root is given. Upgraded binaries missing from the inventory used have\n"
		"an unknown source package: marked and counted in a warning.\n\n"
		"Exit: 0 success, 2 usage or input error (file:line).\n");
}

/* --from-store without --root: the stored host through vigie_app_host_sla,
 * the function the monthly report calls too. Warnings as cli_secdata's. */
static int sla_stored(const struct cli_logs *logs, const char *release,
		      const struct sla_policy *pol, const char *format,
		      const struct report_opts *ro)
{
	struct vigie_store *s = NULL;
	struct vigie_host_sla hs;
	struct policy *cp = NULL;
	struct vigie_buf out = VIGIE_BUF_INIT;
	struct vigie_error err;
	int rc = EXIT_ERROR, c;
	size_t unknown = 0;

	memset(&hs, 0, sizeof(hs));
	cli_error_init(&err);
	if (logs->dpkg.n || logs->apt.n)
		return cli_fail("--from-store reads no log file");
	if (!(cp = malloc(sizeof(*cp))))
		return cli_fail("out of memory");
	if (cli_policy_load(cp, NULL) || cli_store_open(&s, 0))
		goto out;
	if (vigie_app_host_sla(&hs, s, NULL, ro->host, release, cp, pol, ro->since, ro->until, &err)) {
		rc = cli_error(&err);
		goto out;
	}
	if (!hs.inv.npkgs)
		fprintf(stderr, "vigie: warning: no inventory stored for host %s ('vigie hosts"
				" add'): the source package of every upgraded binary is unknown\n",
			ro->host);
	if (hs.release_unknown)
		fprintf(stderr, "vigie: warning: no Debian security data used (release of"
				" host %s unknown: use --release); CVEs come from"
				" changelogs only\n", ro->host);
	else if (hs.note[0])
		fprintf(stderr, "vigie: %s\n", hs.note);
	for (size_t i = 0; hs.sd && i < hs.tl.n; i++)
		unknown += hs.tl.ups[i].source_unknown != 0;
	if (unknown)
		fprintf(stderr, "vigie: warning: %zu of %zu upgrades are of binaries not in the"
				" inventory of host %s as stored: their source package is unknown and the"
				" binary's name was used as the source's (marked 'source"
				" unknown')\n", unknown, hs.tl.n, ro->host);
	if (!strcmp(format, "json"))
		c = vigie_sla_report_json(&out, pol, hs.items, hs.nitems, hs.sum, hs.undated,
					  hs.followups, ro);
	else if (!strcmp(format, "csv"))
		c = vigie_sla_report_csv(&out, hs.items, hs.nitems);
	else if (!strcmp(format, "html"))
		c = vigie_sla_report_html(&out, pol, hs.items, hs.nitems, hs.sum, hs.undated,
					  hs.followups, ro);
	else
		c = vigie_sla_report_text(&out, pol, hs.items, hs.nitems, hs.sum, hs.undated,
					  hs.followups, ro);
	rc = c ? cli_fail("out of memory") : (!strcmp(format, "text") ? cli_write_text(out.data, out.len) : cli_write_buf(&out));
out:
	vigie_buf_release(&out);
	vigie_host_sla_release(&hs);
	vigie_store_close(s);
	free(cp);
	return rc;
}

int cmd_sla(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_LOG_OPTIONS,
		{ "release", required_argument, NULL, 'R' },
		{ "no-security-data", no_argument, NULL, 'N' },
		{ "format", required_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_logs logs;
	struct history h;
	struct timeline tl;
	struct timeline_opts to;
	struct cli_secdata *secd = NULL;
	struct timeline_sla_hooks hooks;
	const char *release = NULL;
	int no_secdata = 0;
	struct sla_policy pol;
	struct sla_item *items = NULL;
	struct sla_summary sum[SLA_NCLASSES];
	size_t nitems = 0, undated = 0, followups = 0;
	struct vigie_buf out = VIGIE_BUF_INIT;
	struct vigie_error err;
	struct report_opts ro;
	const char *root = NULL, *format = "text", *config = NULL, *path;
	char hostbuf[256];
	int c, rc = EXIT_ERROR, required;

	cli_logs_init(&logs);
	vigie_history_init(&h);
	memset(&tl, 0, sizeof(tl));
	memset(&to, 0, sizeof(to));
	memset(&ro, 0, sizeof(ro));
	cli_error_init(&err);
	if (vigie_sla_policy_init(&pol, &err))
		return cli_error(&err);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		int k = cli_logs_option(&logs, c, optarg);
		if (k < 0)
			goto out;
		if (k)
			continue;
		switch (c) {
		case 'R': release = optarg; break;
		case 'N': no_secdata = 1; break;
		case 'f': format = optarg; break;
		case 'c': config = optarg; break;
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
	ro.host = logs.host;
	ro.since = logs.since;
	ro.until = logs.until;
	if (cli_format_check(format, "text|json|csv|html"))
		goto out;
	path = vigie_sla_policy_path(config, &required);
	if (path && vigie_sla_policy_load(&pol, path, &err)) {
		rc = cli_error(&err);
		goto out;
	}
	if (!ro.host)
		ro.host = vigie_history_host_name(root && strcmp(root, "-") ? root : NULL, hostbuf,
					    sizeof(hostbuf));
	ro.color = cli.color;
	if (logs.from_store && !root && !no_secdata) {
		rc = sla_stored(&logs, release, &pol, format, &ro);
		goto out;
	}
	if (cli_logs_load(&logs, &h, root && strcmp(root, "-") ? root : NULL, ro.host))
		goto out;
	/* a stored host's changelogs are not this machine's */
	to.root = root ? root : logs.from_store ? "-" : NULL;
	if (!no_secdata && (secd = cli_secdata_open(&logs, ro.host, release))) {
		to.extra = vigie_secdata_timeline_cves;
		to.extra_ud = cli_secdata_get(secd);
		vigie_secdata_sla_hooks(cli_secdata_get(secd), &hooks);
	}
	to.since = ro.since;
	to.until = ro.until;
	if (vigie_timeline_build(&tl, &h, &to, &err) ||
	    vigie_timeline_sla_items(&items, &nitems, &undated, &followups, &tl, &pol, secd ? &hooks : NULL,
			       &err) ||
	    vigie_sla_summarize(sum, items, nitems, &err)) {
		rc = cli_error(&err);
		goto out;
	}
	cli_secdata_warn(secd, &tl);
	if (!strcmp(format, "json"))
		c = vigie_sla_report_json(&out, &pol, items, nitems, sum, undated, followups, &ro);
	else if (!strcmp(format, "csv"))
		c = vigie_sla_report_csv(&out, items, nitems);
	else if (!strcmp(format, "html"))
		c = vigie_sla_report_html(&out, &pol, items, nitems, sum, undated, followups, &ro);
	else
		c = vigie_sla_report_text(&out, &pol, items, nitems, sum, undated, followups, &ro);
	if (c)
		goto oom;
	rc = (!strcmp(format, "text") ? cli_write_text(out.data, out.len) : cli_write_buf(&out));
	goto out;
oom:
	cli_fail("out of memory");
out:
	free(items);
	vigie_buf_release(&out);
	vigie_timeline_release(&tl);
	cli_secdata_free(secd);
	vigie_history_release(&h);
	vigie_sla_policy_release(&pol);
	cli_logs_release(&logs);
	return rc;
}
