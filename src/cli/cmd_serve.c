/* vigie serve: the fleet service (src/server/). */
#include "cli.h"
#include "server.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fputs("usage: vigie serve [--listen ADDR:PORT] [--tls-cert FILE --tls-key FILE]\n"
	      "                   [--threads N] [--timeout SECONDS] [--request-timeout SECONDS]\n"
	      "                   [--rate N] [--auth-failures N] [--policy FILE]\n"
	      "Serve the dashboard and the API (/api/v1/...), receive agents' pushes.\n"
	      "  --listen ADDR:PORT  where to listen (default 127.0.0.1:8470; [::1]:8470)\n"
	      "  --tls-cert FILE     PEM certificate (with --tls-key: HTTPS through GnuTLS)\n"
	      "  --tls-key FILE      PEM private key\n"
	      "  --threads N         worker threads (default 4)\n"
	      "  --timeout SECONDS   idle connection timeout (default 30)\n"
	      "  --request-timeout SECONDS\n"
	      "                      time to send a whole request (default 60)\n"
	      "  --rate N            requests per minute per token or session (default 1200)\n"
	      "  --auth-failures N   failed authentications per minute per client address\n"
	      "                      (default 300)\n"
	      "  --policy FILE       criticality policy (default: the installed policy.conf)\n"
	      "Logs one line per request on stderr; never a token or a password.\n", f);
}

/* --routes: the route table, "METHOD PATTERN ROLE" per line, so that the
 * tests can walk every route (tests/server/test_scope.sh). */
static void print_routes(void)
{
	static const char *const roles[] = { "public", "agent", "user", "operator" };
	for (size_t i = 0; i < srv_nroutes; i++)
		printf("%s %s %s\n", srv_routes[i].method, srv_routes[i].pattern,
		       roles[srv_routes[i].role]);
}

int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "tls-cert", required_argument, NULL, 'c' },
		{ "tls-key", required_argument, NULL, 'k' },
		{ "threads", required_argument, NULL, 't' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "rate", required_argument, NULL, 'r' },
		{ "request-timeout", required_argument, NULL, 'Q' },
		{ "auth-failures", required_argument, NULL, 'F' },
		{ "policy", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "routes", no_argument, NULL, 'R' }, /* hidden: for the tests */
		{ NULL, 0, NULL, 0 }
	};
	struct srv_opts o;
	struct policy *pol;
	const char *policy_path = NULL;
	int c, rc;

	memset(&o, 0, sizeof(o));
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': o.listen = optarg; break;
		case 'c': o.tls_cert = optarg; break;
		case 'k': o.tls_key = optarg; break;
		case 't': o.threads = atoi(optarg); break;
		case 'T': o.timeout = atoi(optarg); break;
		case 'r': o.rate = atoi(optarg); break;
		case 'Q': o.request_timeout = atoi(optarg); break;
		case 'F': o.auth_failures = atoi(optarg); break;
		case 'p': policy_path = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		case 'R': print_routes(); return EXIT_OK;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (o.threads < 0 || o.threads > 256)
		return cli_fail("--threads: 1 to 256");
	if (!(pol = malloc(sizeof(*pol))))
		return cli_fail("out of memory");
	if (cli_policy_load(pol, policy_path)) {
		free(pol);
		return EXIT_ERROR;
	}
	o.db = cli.db_path;
	o.policy = pol;
	rc = srv_run(&o);
	free(pol);
	return rc;
}
