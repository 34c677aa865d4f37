/* vigie agent: collect this host's inventory and new log lines and push
 * them to the fleet server, spooling what cannot be delivered now. */
#define _GNU_SOURCE
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/app/agent.h"

#define EXIT_TEMPFAIL 75 /* sysexits.h EX_TEMPFAIL: try again later */

static void usage(FILE *f)
{
	fputs("usage: vigie agent --server URL --token-file FILE [--root DIR]\n"
	      "                   [--spool DIR] [--ca-file FILE] [--allow-http]\n"
	      "       vigie agent --dry-run [--root DIR] [--spool DIR]\n\n"
	      "Send this host's inventory, the apt candidates it sees and the dpkg/apt\n"
	      "log lines not sent yet to the fleet server (POST /api/v1/push).\n\n"
	      "  --server URL       the server (https://...; http only to 127.0.0.1/localhost)\n"
	      "  --token-file FILE  the host's push token (vigie tokens create --host);\n"
	      "                     refused when others may read it\n"
	      "  --root DIR         a mounted image or chroot (no running kernel)\n"
	      "  --spool DIR        log positions and undelivered documents\n"
	      "                     (default " VIGIE_AGENT_SPOOL ")\n"
	      "  --host NAME        host name (default: <root>/etc/hostname, else this\n"
	      "                     machine's fully qualified name, as hostname -f)\n"
	      "  --ca-file FILE     PEM certificates to trust for the server\n"
	      "  --allow-http       allow plain http to another host than this machine\n"
	      "  --dry-run          print the document that would be sent; send nothing\n"
	      "  -h, --help         this help\n\n"
	      "Exit status: 0 stored by the server, 75 not delivered now (spooled: the next\n"
	      "run sends it first), 1 refused by the server (kept in <spool>/rejected),\n"
	      "2 usage or local error.\n",
	      f);
}

int cmd_agent(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "token-file", required_argument, NULL, 't' },
		{ "root", required_argument, NULL, 'r' },
		{ "spool", required_argument, NULL, 'S' },
		{ "host", required_argument, NULL, 'H' },
		{ "ca-file", required_argument, NULL, 'C' },
		{ "allow-http", no_argument, NULL, 'A' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct vigie_agent_opts o;
	struct vigie_agent_report rep;
	struct vigie_error err;
	enum vigie_agent_outcome outcome;
	const char *token_file = NULL;
	char token[512];
	int c, dry = 0, rc;

	memset(&o, 0, sizeof(o));
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o.server = optarg; break;
		case 't': token_file = optarg; break;
		case 'r': o.root = optarg; break;
		case 'S': o.spool = optarg; break;
		case 'H': o.host = optarg; break;
		case 'C': o.ca_file = optarg; break;
		case 'A': o.allow_http = 1; break;
		case 'n': dry = 1; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind != argc || (!dry && (!o.server || !token_file))) {
		usage(stderr);
		return EXIT_ERROR;
	}
	cli_error_init(&err);
	if (dry) {
		struct vigie_agent_doc d;
		struct vigie_buf pos = VIGIE_BUF_INIT;
		vigie_agent_doc_init(&d);
		if (vigie_agent_positions(&pos, o.spool, &err) ||
		    vigie_agent_collect(&d, &o, pos.data, &err))
			rc = cli_error(&err);
		else
			rc = cli_write_buf(&d.json);
		vigie_buf_release(&pos);
		vigie_agent_doc_release(&d);
		return rc;
	}
	if (vigie_agent_token_read(token, sizeof(token), token_file, &err))
		return cli_error(&err);
	o.token = token;
	rc = vigie_agent_run(&outcome, &rep, &o, &err);
	memset(token, 0, sizeof(token));
	if (rc)
		return cli_error(&err);
	switch (outcome) {
	case VIGIE_AGENT_SENT:
		printf("sent %zu document%s to %s (%zu already stored), %zu new event%s\n",
		       rep.sent, rep.sent == 1 ? "" : "s", o.server, rep.duplicates,
		       rep.events_added, rep.events_added == 1 ? "" : "s");
		return EXIT_OK;
	case VIGIE_AGENT_SPOOLED:
		if (rep.sent)
			printf("sent %zu document%s\n", rep.sent, rep.sent == 1 ? "" : "s");
		cli_fail("%s: not delivered (%s); %zu document%s spooled in %s, sent first "
			 "next time",
			 o.server, rep.message, rep.queued, rep.queued == 1 ? "" : "s",
			 o.spool ? o.spool : VIGIE_AGENT_SPOOL);
		return EXIT_TEMPFAIL;
	case VIGIE_AGENT_REJECTED:
		if (rep.sent)
			printf("sent %zu document%s\n", rep.sent, rep.sent == 1 ? "" : "s");
		cli_fail("%s refused the document: %s; kept as %s", o.server, rep.message,
			 rep.rejected);
		return EXIT_FINDINGS;
	}
	return EXIT_ERROR;
}
