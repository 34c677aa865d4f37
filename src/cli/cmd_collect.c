/* vigie collect: a host's inventory and logs over SSH (no agent on the
 * host), stored as a push would store them. */
#define _GNU_SOURCE
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/app/collect.h"
#include "vigie/app/host.h"
#include "vigie/engine/policy.h"
#include "vigie/debian/history.h"

static void usage(FILE *f)
{
	fputs("usage: vigie collect --ssh [USER@]HOST --client C [--name NAME]\n"
	      "                     [--services FILE]\n\n"
	      "Read a host's os-release, dpkg status, dpkg.log* and apt history.log*,\n"
	      "uname -r, /proc/version and hostname through the system's ssh client\n"
	      "(BatchMode, your ssh configuration; $VIGIE_SSH overrides the program) and\n"
	      "store them in the database as an agent's push would be.\n\n"
	      "  --ssh [USER@]HOST  the host, as ssh takes it\n"
	      "  --client C         the client the host belongs to (vigie clients add)\n"
	      "  --name NAME        host name to store (default: the remote hostname -f)\n"
	      "  --services FILE    services.conf (default: the installed one)\n"
	      "  -h, --help         this help\n",
	      f);
}

int cmd_collect(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ssh", required_argument, NULL, 's' },
		{ "client", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "services", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct vigie_collect_opts o;
	struct inventory inv;
	struct history h;
	struct vigie_ingest in;
	struct vigie_ingest_result res;
	struct vigie_error err;
	struct vigie_store *s = NULL;
	struct policy *pol = NULL;
	const char *client = NULL, *services = NULL;
	int c, rc = EXIT_OK;

	memset(&o, 0, sizeof(o));
	memset(&res, 0, sizeof(res));
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o.target = optarg; break;
		case 'c': client = optarg; break;
		case 'n': o.name = optarg; break;
		case 'S': services = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind != argc || !o.target || !client) {
		usage(stderr);
		return EXIT_ERROR;
	}
	cli_error_init(&err);
	vigie_inventory_init(&inv);
	vigie_history_init(&h);
	if ((rc = cli_store_open(&s, 0)))
		goto out;
	if (vigie_collect_ssh(&inv, &h, &o, &err)) {
		rc = cli_error(&err);
		goto out;
	}
	if (!(pol = malloc(sizeof(*pol)))) {
		rc = cli_fail("out of memory");
		goto out;
	}
	if (cli_policy_load(pol, NULL)) {
		free(pol);
		pol = NULL;
		rc = EXIT_ERROR;
		goto out;
	}
	memset(&in, 0, sizeof(in));
	in.client = client;
	in.origin = "ssh";
	in.services_path = services;
	in.policy = pol;
	in.logs = &h;
	if (vigie_app_host_ingest(s, &inv, &in, &res, &err)) {
		rc = cli_error(&err);
		goto out;
	}
	printf("%s host %s over ssh: %zu packages, release %s, kernel %s, %zu new event%s\n",
	       res.existed ? "updated" : "added", inv.host, inv.npkgs,
	       inv.release ? inv.release : "unknown",
	       inv.kernel_release ? inv.kernel_release : "unknown", res.events_added,
	       res.events_added == 1 ? "" : "s");
	cli_print_judgement(&res);
	if (fflush(stdout) || ferror(stdout))
		rc = cli_fail("cannot write output");
out:
	vigie_ingest_result_release(&res);
	free(pol);
	vigie_store_close(s);
	vigie_history_release(&h);
	vigie_inventory_release(&inv);
	return rc;
}
