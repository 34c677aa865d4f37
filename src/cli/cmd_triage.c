#include "cli.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/policy.h"
#include "vigie/scanners/products.h"
#include "vigie/scanners/report.h"
#include "vigie/scanners/triage.h"
#include "vigie/scanners/decisions.h"
#include "vigie/render/vulndoc.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigie triage REPORT [--input-format F] [--host NAME]\n"
		"                   [--status FILE | --root DIR] [--release CODENAME]\n"
		"                   [--kernel UNAME_R]\n"
		"                   [--format text|json|csv|html|sarif|cyclonedx|openvex]\n"
		"                   [--openvex FILE] [--vex-author NAME] [--policy FILE]\n\n"
		"Judge each finding of another scanner's report with Debian's data:\n"
		"false-positive:fixed-by-backport, false-positive:not-affected,\n"
		"false-positive:not-running-kernel, confirmed:fix-available,\n"
		"confirmed:no-fix or unknown, each with its evidence.\n\n"
		"Input formats (detected when --input-format is absent): greenbone-xml,\n"
		"greenbone-csv, nessus-csv, nessus-xml, trivy, grype, csv (header with\n"
		"host and cve; package, product, version, port optional).\n"
		"Hosts: with --status/--root the findings are judged on that inventory\n"
		"(only those of --host NAME when given); otherwise on the hosts stored\n"
		"with 'vigie hosts add', by name or IP, and for a Trivy or Grype report\n"
		"whose target is not stored, on the OS release and packages the report\n"
		"gives itself (findings named after its target).\n"
		"--openvex FILE writes an OpenVEX document (not_affected/fixed per false\n"
		"positive, affected per confirmed finding, under_investigation when\n"
		"unknown) for Trivy's or Grype's --vex; --vex-author names its author.\n"
		"--format sarif (SARIF 2.1.0), cyclonedx (CycloneDX 1.5 VEX) and openvex\n"
		"write the same verdicts to stdout (docs/FORMATS.md). A written decision\n"
		"('vigie decide') in force on a finding's host and CVE sets its VEX\n"
		"status and is shown beside it.\n");
}

int cmd_triage(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "input-format", required_argument, NULL, 'i' },
		{ "host", required_argument, NULL, 'H' },
		CLI_INVENTORY_OPTIONS,
		{ "format", required_argument, NULL, 'f' },
		{ "openvex", required_argument, NULL, 'o' },
		{ "vex-author", required_argument, NULL, 'A' },
		{ "policy", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct inventory_opts io;
	struct inventory inv;
	struct report rep;
	struct triage_result res;
	struct triage_opts to;
	struct vigie_store *store = NULL;
	struct products *prod = NULL;
	struct policy *pol = NULL;
	struct vigie_error err;
	struct vigie_buf out = VIGIE_BUF_INIT, vex = VIGIE_BUF_INIT;
	enum report_format fmt = REPORT_FMT_AUTO;
	const char *format = "text", *openvex = NULL, *policy_path = NULL, *host = NULL;
	const char *vex_author = NULL;
	struct vigie_decisions dec;
	struct vulndoc vd;
	int c, rc = EXIT_ERROR, have_res = 0;

	memset(&io, 0, sizeof(io));
	memset(&to, 0, sizeof(to));
	vigie_inventory_init(&inv);
	vigie_report_init(&rep);
	vigie_decisions_init(&dec);
	vigie_vulndoc_init(&vd, "triage", VIGIE_VERSION, 0);
	cli_error_init(&err);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_inventory_option(&io, c, optarg))
			continue;
		switch (c) {
		case 'i':
			if (vigie_report_format_parse(&fmt, optarg))
				return cli_fail("--input-format: unknown format '%s'", optarg);
			break;
		case 'H': host = optarg; break;
		case 'f': format = optarg; break;
		case 'o': openvex = optarg; break;
		case 'A': vex_author = optarg; break;
		case 'p': policy_path = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (cli_format_check(format, "text|json|csv|html|sarif|cyclonedx|openvex"))
		return EXIT_ERROR;
	if (!(pol = malloc(sizeof(*pol))))
		return cli_fail("out of memory");
	if (cli_policy_load(pol, policy_path))
		goto out;
	to.policy = pol;
	if (vigie_report_load(&rep, argv[optind], fmt, NULL, &err)) {
		cli_error(&err);
		goto out;
	}
	if (fmt == REPORT_FMT_AUTO)
		fprintf(stderr, "vigie: %s: read as %s (detected)\n", argv[optind],
			vigie_report_format_name(rep.format));
	if (vigie_products_load(&prod, NULL, &err)) {
		cli_error(&err);
		goto out;
	}
	to.products = prod;
	if (io.status_file || io.root) {
		io.host = host;
		if (vigie_inventory_load(&inv, &io, &err)) {
			cli_error(&err);
			goto out;
		}
		if (!inv.release) {
			cli_fail("cannot determine the Debian release: use --release CODENAME");
			goto out;
		}
		to.inv = &inv;
		to.host = host;
	} else if (host) {
		cli_fail("--host needs --status or --root (stored hosts are matched by name)");
		goto out;
	}
	if (cli_store_open(&store, 0))
		goto out;
	if (vigie_triage_run(&res, &rep, store, &to, &err)) {
		cli_error(&err);
		goto out;
	}
	have_res = 1;
	if (cli_decisions_load(store, &dec))
		goto out;
	vigie_decisions_apply_triage(&res, &dec, res.at ? res.at : vigie_now());
	if (!strcmp(format, "openvex")) {
		if (vigie_triage_render_openvex(&out, &res, vex_author, &err)) {
			cli_error(&err);
			goto out;
		}
		c = 0;
	} else if (!strcmp(format, "sarif") || !strcmp(format, "cyclonedx")) {
		vd.at = res.at;
		c = vigie_vulndoc_add_triage(&vd, &res);
		if (!c)
			c = format[0] == 's' ? vigie_render_sarif(&out, &vd)
					     : vigie_render_cyclonedx(&out, &vd);
	} else if (!strcmp(format, "json"))
		c = vigie_triage_render_json(&out, &res);
	else if (!strcmp(format, "csv"))
		c = vigie_triage_render_csv(&out, &res);
	else if (!strcmp(format, "html"))
		c = vigie_triage_render_html(&out, &res);
	else
		c = vigie_triage_render_text(&out, &res, cli.color);
	if (c) {
		cli_fail("out of memory");
		goto out;
	}
	if (openvex) {
		if (vigie_triage_render_openvex(&vex, &res, vex_author, &err)) {
			cli_error(&err);
			goto out;
		}
		if (cli_write_file(openvex, &vex))
			goto out;
	}
	if (!strcmp(format, "text") ? cli_write_text(out.data, out.len) : cli_write_buf(&out))
		goto out;
	rc = EXIT_OK;
out:
	vigie_vulndoc_release(&vd);
	vigie_decisions_release(&dec);
	if (have_res)
		vigie_triage_result_release(&res);
	vigie_buf_release(&out);
	vigie_buf_release(&vex);
	vigie_products_free(prod);
	vigie_store_close(store);
	vigie_report_release(&rep);
	vigie_inventory_release(&inv);
	free(pol);
	return rc;
}
