/* vigie users: dashboard and API accounts. Passwords are hashed with
 * argon2id; the clear password is read from a file or stdin, never from
 * the command line, and never printed. */
#include "cli.h"
#include "vigie/core/secret.h"
#include "vigie/store/service.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fputs("usage: vigie users add NAME (--client C | --operator) [--password-file F]\n"
	      "       vigie users list\n"
	      "       vigie users remove NAME\n"
	      "--password-file F reads the password from the first line of F (- for\n"
	      "stdin); without it the user can only use API tokens.\n", f);
}

static int read_password(const char *path, char *out, size_t size)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t n;
	if (!f)
		return cli_fail("%s: cannot open", path);
	if (!fgets(out, (int)size, f)) {
		if (f != stdin)
			fclose(f);
		return cli_fail("%s: no password in it", path);
	}
	if (f != stdin)
		fclose(f);
	n = strcspn(out, "\r\n");
	if (out[n] == '\0' && n + 1 >= size - 1)
		return cli_fail("%s: password longer than %d bytes", path, VIGIE_PASSWORD_MAX);
	out[n] = '\0';
	if (!n)
		return cli_fail("%s: empty password", path);
	return EXIT_OK;
}

static int print_user(void *ud, const struct store_user *u)
{
	(void)ud;
	printf("%-24s %-9s %-24s %s\n", u->name,
	       u->role == VIGIE_ROLE_OPERATOR ? "operator" : "client", u->client ? u->client : "-",
	       u->password_hash ? "password" : "tokens only");
	return 0;
}

static int users_add(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "client", required_argument, NULL, 'c' },
		{ "operator", no_argument, NULL, 'o' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *client = NULL, *pwfile = NULL;
	char pw[VIGIE_PASSWORD_MAX + 2], hash[VIGIE_PASSWORD_HASH_MAX];
	int op = 0, c, rc;
	struct vigie_store *s;
	struct vigie_error err;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': client = optarg; break;
		case 'o': op = 1; break;
		case 'p': pwfile = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind + 1 != argc || !client == !op) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (!argv[optind][0] || strlen(argv[optind]) > VIGIE_NAME_MAX ||
	    strpbrk(argv[optind], " \t\r\n"))
		return cli_fail("a user name has 1 to %d characters, no space", VIGIE_NAME_MAX);
	cli_error_init(&err);
	hash[0] = '\0';
	if (pwfile) {
		if ((rc = read_password(pwfile, pw, sizeof(pw))))
			return rc;
		rc = vigie_password_hash(hash, pw, &err);
		memset(pw, 0, sizeof(pw));
		if (rc)
			return cli_error(&err);
	}
	if ((rc = cli_store_open(&s, 0)))
		return rc;
	rc = vigie_store_user_add(s, argv[optind], op ? VIGIE_ROLE_OPERATOR : VIGIE_ROLE_CLIENT,
				  client, hash[0] ? hash : NULL, &err);
	vigie_store_close(s);
	if (rc < 0)
		return cli_error(&err);
	if (rc == 1)
		return cli_fail("a user named %s exists already", argv[optind]);
	printf("added %s %s%s%s\n", op ? "operator" : "user", argv[optind],
	       client ? " for client " : "", client ? client : "");
	return EXIT_OK;
}

int cmd_users(int argc, char **argv)
{
	struct vigie_store *s;
	struct vigie_error err;
	int rc;
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_ERROR : EXIT_OK;
	}
	if (!strcmp(argv[1], "add"))
		return users_add(argc - 1, argv + 1);
	cli_error_init(&err);
	if (!strcmp(argv[1], "list") && argc == 2) {
		if ((rc = cli_store_open(&s, 1)))
			return rc;
		rc = vigie_store_users_each(s, print_user, NULL, &err);
		vigie_store_close(s);
		return rc ? cli_error(&err) : EXIT_OK;
	}
	if (!strcmp(argv[1], "remove") && argc == 3) {
		if ((rc = cli_store_open(&s, 0)))
			return rc;
		rc = vigie_store_user_remove(s, argv[2], &err);
		vigie_store_close(s);
		if (rc)
			return cli_error(&err);
		printf("removed user %s\n", argv[2]);
		return EXIT_OK;
	}
	usage(stderr);
	return EXIT_ERROR;
}
