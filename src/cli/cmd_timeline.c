#include "cli.h"
#include "vigie/engine/secdata.h"
#include "vigie/debian/history.h"
#include "vigie/render/history_report.h"
#include "vigie/engine/timeline.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigie timeline [--dpkg-log F]... [--apt-history F]... [--root DIR]\n"
		"                      [--host NAME] [--since DATE] [--until DATE]\n"
		"                      [--from-store] [--title TEXT] [--format text|json|csv|html]\n"
		"                      [--release CODENAME] [--no-security-data]\n\n"
		"Per day, the package upgrades applied and the CVEs they fixed: those whose\n"
		"fixed version for the host's release lies between the old and the new\n"
		"version in the database (with their DSA/DLA), and those named by the\n"
		"changelog entries in between\n"
		"(ROOT/usr/share/doc/PKG/changelog.Debian[.ARCH].gz). --format html writes\n"
		"one self-contained page (inline CSS and SVG) to send as a report.\n"
		"Logs: as for 'vigie history'. --root - reads no changelog.\n\n"
		"--from-store reads the events stored for --host ('vigie history --store')\n"
		"instead of log files, and judges them with the inventory and release\n"
		"stored for that host ('vigie hosts add'); no changelog is read unless\n"
		"--root is given. Upgraded binaries missing from the inventory used have\n"
		"an unknown source package: marked and counted in a warning.\n\n"
		"Exit: 0 success, 2 usage or input error (file:line).\n");
}

int cmd_timeline(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_LOG_OPTIONS,
		{ "release", required_argument, NULL, 'R' },
		{ "no-security-data", no_argument, NULL, 'N' },
		{ "format", required_argument, NULL, 'f' },
		{ "title", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_logs logs;
	struct history h;
	struct timeline tl;
	struct timeline_opts to;
	struct cli_secdata *secd = NULL;
	const char *release = NULL;
	int no_secdata = 0;
	struct vigie_buf out = VIGIE_BUF_INIT;
	struct vigie_error err;
	struct report_opts ro;
	const char *root = NULL, *format = "text";
	char hostbuf[256];
	int c, rc = EXIT_ERROR;

	cli_logs_init(&logs);
	vigie_history_init(&h);
	memset(&tl, 0, sizeof(tl));
	memset(&to, 0, sizeof(to));
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
		case 'R': release = optarg; break;
		case 'N': no_secdata = 1; break;
		case 'f': format = optarg; break;
		case 't': ro.title = optarg; break;
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
	if (!ro.host)
		ro.host = vigie_history_host_name(root && strcmp(root, "-") ? root : NULL, hostbuf,
					    sizeof(hostbuf));
	ro.color = cli.color;
	if (cli_logs_load(&logs, &h, root && strcmp(root, "-") ? root : NULL, ro.host))
		goto out;
	/* a stored host's changelogs are not this machine's */
	to.root = root ? root : logs.from_store ? "-" : NULL;
	if (!no_secdata && (secd = cli_secdata_open(&logs, ro.host, release))) {
		to.extra = vigie_secdata_timeline_cves;
		to.extra_ud = cli_secdata_get(secd);
	}
	to.since = ro.since;
	to.until = ro.until;
	if (vigie_timeline_build(&tl, &h, &to, &err)) {
		rc = cli_error(&err);
		goto out;
	}
	if (secd && vigie_timeline_annotate(&tl, vigie_secdata_annotate, cli_secdata_get(secd)))
		goto oom;
	cli_secdata_warn(secd, &tl);
	if (!strcmp(format, "json"))
		c = vigie_timeline_report_json(&out, &tl, &h, &ro);
	else if (!strcmp(format, "csv"))
		c = vigie_timeline_report_csv(&out, &tl, &h, &ro);
	else if (!strcmp(format, "html"))
		c = vigie_timeline_report_html(&out, &tl, &h, &ro);
	else
		c = vigie_timeline_report_text(&out, &tl, &h, &ro);
	if (c)
		goto oom;
	rc = (!strcmp(format, "text") ? cli_write_text(out.data, out.len) : cli_write_buf(&out));
	goto out;
oom:
	cli_fail("out of memory");
out:
	vigie_buf_release(&out);
	vigie_timeline_release(&tl);
	cli_secdata_free(secd);
	vigie_history_release(&h);
	cli_logs_release(&logs);
	return rc;
}
