#include "cli.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/policy.h"
#include "vigie/scanners/products.h"
#include "vigie/scanners/report.h"
#include "vigie/scanners/triage.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigie triage REPORT [--input-format F] [--host NAME]\n"
		"                   [--status FILE | --root DIR] [--release CODENAME]\n"
		"                   [--kernel UNAME_R] [--format text|json|csv|html]\n"
		"                   [--openvex FILE] [--policy FILE]\n\n"
		"Judge each finding of another scanner's report with Debian's data:\n"
		"false-positive:fixed-by-backport, false-positive:not-affected,\n"
		"false-positive:not-running-kernel, confirmed:fix-available,\n"
		"confirmed:no-fix or unknown, each with its evidence.\n\n"
		"Input formats (detected when --input-format is absent): greenbone-xml,\n"
		"greenbone-csv, nessus-csv, nessus-xml, trivy, grype, csv (header with\n"
		"host and cve; package, product, version, port optional).\n"
		"Hosts: with --status/--root the findings are judged on that inventory\n"
		"(only those of --host NAME when given); otherwise on the hosts stored\n"
		"with 'vigie hosts add', by name or IP.\n"
		"--openvex FILE writes an OpenVEX document (not_affected/fixed per false\n"
		"positive, affected per confirmed finding) for Trivy's or Grype's --vex.\n");
}

int cmd_triage(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "input-format", required_argument, NULL, 'i' },
		{ "host", required_argument, NULL, 'H' },
		CLI_INVENTORY_OPTIONS,
		{ "format", required_argument, NULL, 'f' },
		{ "openvex", required_argument, NULL, 'o' },
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
	int c, rc = EXIT_ERROR, have_res = 0;

	memset(&io, 0, sizeof(io));
	memset(&to, 0, sizeof(to));
	vigie_inventory_init(&inv);
	vigie_report_init(&rep);
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
		case 'p': policy_path = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (cli_format_check(format, "text|json|csv|html"))
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
	if (!strcmp(format, "json"))
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
		if (vigie_triage_render_openvex(&vex, &res, &err)) {
			cli_error(&err);
			goto out;
		}
		if (cli_write_file(openvex, &vex))
			goto out;
	}
	if (cli_write_buf(&out))
		goto out;
	rc = EXIT_OK;
out:
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
