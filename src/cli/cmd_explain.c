#include "cli.h"
#include "vigie/engine/explain.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/policy.h"
#include "vigie/scanners/decisions.h"

#include <ctype.h>
#include <getopt.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigie explain CVE-ID [--status FILE | --root DIR] [--release CODENAME]\n"
		"                    [--host NAME] [--kernel UNAME_R] [--no-host]\n"
		"                    [--format text|json] [--policy FILE]\n\n"
		"Every fact vigie uses for one issue: the tracker's status in each release,\n"
		"the advisories, the installed binary and source versions, the running\n"
		"kernel, the release's lifecycle, the class and the rule that set it, and\n"
		"the conclusion. --no-host explains the data alone.\n"
		"Exit: 0 not affected, 1 affected, 2 error, 3 unknown (the database has\n"
		"no Debian data for the issue, or none for the host's release).\n");
}

int cmd_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_INVENTORY_OPTIONS,
		{ "host", required_argument, NULL, 'H' },
		{ "format", required_argument, NULL, 'f' },
		{ "policy", required_argument, NULL, 'p' },
		{ "no-host", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct inventory_opts io;
	struct inventory inv;
	struct explain_opts eo;
	struct vigie_decisions dec;
	struct vigie_store *store = NULL;
	struct policy *pol = NULL;
	struct vigie_error err;
	struct vigie_buf out = VIGIE_BUF_INIT;
	const char *format = "text", *policy_path = NULL, *vuln;
	enum explain_verdict verdict = VIGIE_EXPLAIN_NOT_AFFECTED;
	int c, rc = EXIT_ERROR, no_host = 0;

	memset(&io, 0, sizeof(io));
	memset(&eo, 0, sizeof(eo));
	vigie_decisions_init(&dec);
	vigie_inventory_init(&inv);
	cli_error_init(&err);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_inventory_option(&io, c, optarg))
			continue;
		switch (c) {
		case 'H': io.host = optarg; break;
		case 'f': format = optarg; break;
		case 'p': policy_path = optarg; break;
		case 'n': no_host = 1; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return EXIT_ERROR;
	}
	vuln = argv[optind];
	/* ids in any case: cve-2022-0847 is CVE-2022-0847 */
	if (strncasecmp(vuln, "CVE-", 4) && strncasecmp(vuln, "TEMP-", 5))
		return cli_fail("'%s' is not a CVE-... or TEMP-... id", vuln);
	for (char *p = argv[optind]; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (cli_format_check(format, "text|json"))
		return EXIT_ERROR;
	eo.json = !strcmp(format, "json");
	if (!(pol = malloc(sizeof(*pol))))
		return cli_fail("out of memory");
	if (cli_policy_load(pol, policy_path))
		goto out;
	eo.policy = pol;
	if (!no_host) {
		if (vigie_inventory_load(&inv, &io, &err)) {
			cli_error(&err);
			goto out;
		}
		if (!inv.release) {
			cli_fail("cannot determine the Debian release: use --release CODENAME");
			goto out;
		}
	}
	if (cli_store_open(&store, 0))
		goto out;
	if (!no_host && io.release && cli_release_check(store, io.release))
		goto out;
	if (!no_host) {
		/* the written decision on this CVE for this host, if any */
		struct vigie_decision_hit h;
		if (cli_decisions_load(store, &dec))
			goto out;
		vigie_decision_lookup(&h, &dec, inv.host, vuln, inv.release, NULL, vigie_now());
		eo.decision = h.decision;
		eo.decision_state = h.state;
		eo.decision_was = h.was;
		eo.decision_now = h.now;
	}
	if (vigie_explain_render(&out, store, vuln, no_host ? NULL : &inv, &eo, &verdict, &err)) {
		cli_error(&err);
		goto out;
	}
	if (!(rc = (eo.json ? cli_write_buf(&out) : cli_write_text(out.data, out.len))))
		rc = verdict == VIGIE_EXPLAIN_AFFECTED  ? EXIT_FINDINGS
		     : verdict == VIGIE_EXPLAIN_UNKNOWN ? EXIT_UNKNOWN : EXIT_OK;
out:
	vigie_decisions_release(&dec);
	vigie_buf_release(&out);
	vigie_store_close(store);
	vigie_inventory_release(&inv);
	free(pol);
	return rc;
}
