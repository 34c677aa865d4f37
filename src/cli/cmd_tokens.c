/* vigie tokens: an agent's push token (one host of one client) or an API
 * token with a user's rights. The token is printed once, alone on stdout;
 * only its SHA-256 is stored. */
#include "cli.h"
#include "vigie/core/secret.h"
#include "vigie/store/service.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fputs("usage: vigie tokens create --host NAME --client C\n"
	      "       vigie tokens create --user NAME\n"
	      "       vigie tokens list\n"
	      "       vigie tokens revoke ID\n"
	      "create prints the new token alone on stdout, once: keep it (e.g. in\n"
	      "/etc/vigie/agent.token, mode 0600). Only its SHA-256 is stored.\n", f);
}

static int print_token(void *ud, const struct store_token *t)
{
	char a[40], b[40], c[40];
	(void)ud;
	printf("%-5lld %-6s %-28s %-16s %s%s%s%s%s\n", (long long)t->id, t->kind,
	       t->host ? t->host : t->user ? t->user : "-", t->client ? t->client : "-",
	       vigie_time_format(t->created_at, a, sizeof(a)), t->revoked_at ? " revoked " : "",
	       t->revoked_at ? vigie_time_format(t->revoked_at, b, sizeof(b)) : "",
	       t->last_used_at ? " used " : "",
	       t->last_used_at ? vigie_time_format(t->last_used_at, c, sizeof(c)) : "");
	return 0;
}

struct user_found {
	int found, operator;
	char client[VIGIE_NAME_MAX + 1];
};

static int user_cb(void *ud, const struct store_user *u)
{
	struct user_found *f = ud;
	f->found = 1;
	f->operator = u->role == VIGIE_ROLE_OPERATOR;
	snprintf(f->client, sizeof(f->client), "%s", u->client ? u->client : "");
	return 0;
}

static int tokens_create(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "client", required_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *host = NULL, *client = NULL, *user = NULL;
	char token[VIGIE_TOKEN_LEN + 1], hash[VIGIE_TOKEN_HASH_LEN + 1];
	struct vigie_store *s;
	struct vigie_error err;
	struct user_found uf;
	int64_t id;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'H': host = optarg; break;
		case 'c': client = optarg; break;
		case 'u': user = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind != argc || (user && (host || client)) || (!user && !(host && client))) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (host && (!*host || strlen(host) > VIGIE_NAME_MAX || strpbrk(host, "/ \t\r\n")))
		return cli_fail("--host: 1 to %d characters, no '/' or space", VIGIE_NAME_MAX);
	cli_error_init(&err);
	if ((rc = cli_store_open(&s, 0)))
		return rc;
	if (user) {
		memset(&uf, 0, sizeof(uf));
		rc = vigie_store_user_get(s, user, user_cb, &uf, &err);
		if (rc == VIGIE_ENOTFOUND) {
			vigie_store_close(s);
			return cli_fail("no user named %s (vigie users add)", user);
		}
	}
	if (vigie_token_new(token, &err)) {
		vigie_store_close(s);
		return cli_error(&err);
	}
	vigie_token_hash(hash, token, strlen(token));
	rc = vigie_store_token_add(s, hash, user ? "user" : "agent", host, client, user, &id, &err);
	vigie_store_close(s);
	if (rc == VIGIE_ENOTFOUND)
		return cli_fail("no client named %s (vigie clients add)", client);
	if (rc)
		return cli_error(&err);
	printf("%s\n", token);
	memset(token, 0, sizeof(token));
	fprintf(stderr, "vigie: token %lld created for %s%s%s; it is shown only now\n",
		(long long)id, user ? "user " : "host ", user ? user : host,
		client ? "" : "");
	return fflush(stdout) ? cli_fail("cannot write output") : EXIT_OK;
}

int cmd_tokens(int argc, char **argv)
{
	struct vigie_store *s;
	struct vigie_error err;
	int rc;
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_ERROR : EXIT_OK;
	}
	if (!strcmp(argv[1], "create"))
		return tokens_create(argc - 1, argv + 1);
	cli_error_init(&err);
	if (!strcmp(argv[1], "list") && argc == 2) {
		if ((rc = cli_store_open(&s, 1)))
			return rc;
		rc = vigie_store_tokens_each(s, print_token, NULL, &err);
		vigie_store_close(s);
		return rc ? cli_error(&err) : EXIT_OK;
	}
	if (!strcmp(argv[1], "revoke") && argc == 3) {
		char *end;
		long long id = strtoll(argv[2], &end, 10);
		if (*end || id <= 0)
			return cli_fail("revoke: a token id (vigie tokens list)");
		if ((rc = cli_store_open(&s, 0)))
			return rc;
		rc = vigie_store_token_revoke(s, id, &err);
		vigie_store_close(s);
		if (rc)
			return cli_error(&err);
		printf("revoked token %lld\n", id);
		return EXIT_OK;
	}
	usage(stderr);
	return EXIT_ERROR;
}
