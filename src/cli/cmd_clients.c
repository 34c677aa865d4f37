/* vigie clients: the hosting company's customers (tenants). */
#include "cli.h"
#include "vigie/store/service.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fputs("usage: vigie clients add NAME [--contact EMAIL]... [--lang fr|en] [--timezone TZ]\n"
	      "       vigie clients list\n"
	      "       vigie clients show NAME\n"
	      "       vigie clients remove NAME\n"
	      "A client owns hosts (vigie tokens create --host H --client C), users\n"
	      "(vigie users add U --client C) and monthly reports.\n", f);
}

static int print_client(void *ud, const struct store_client *c)
{
	(void)ud;
	printf("%-24s %-3s %-18s %ld host(s)\n", c->name, c->lang, c->timezone, c->hosts);
	return 0;
}

static int print_contact(void *ud, const char *email)
{
	(void)ud;
	printf("  contact: %s\n", email);
	return 0;
}

static int clients_add(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "contact", required_argument, NULL, 'c' },
		{ "lang", required_argument, NULL, 'l' },
		{ "timezone", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *contacts[32], *lang = "fr", *tz = "Europe/Paris";
	int nc = 0, c, rc;
	struct vigie_store *s;
	struct vigie_error err;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (nc == 32)
				return cli_fail("at most 32 contacts");
			if (!strchr(optarg, '@') || strpbrk(optarg, " \t\r\n<>,;"))
				return cli_fail("--contact: not an e-mail address: '%s'", optarg);
			contacts[nc++] = optarg;
			break;
		case 'l': lang = optarg; break;
		case 'z': tz = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (strcmp(lang, "fr") && strcmp(lang, "en"))
		return cli_fail("--lang: fr or en");
	if (!argv[optind][0] || strlen(argv[optind]) > VIGIE_NAME_MAX ||
	    strpbrk(argv[optind], "/ \t\r\n"))
		return cli_fail("a client name has 1 to %d characters, no '/' or space", VIGIE_NAME_MAX);
	if ((rc = cli_store_open(&s, 0)))
		return rc;
	cli_error_init(&err);
	if (vigie_store_begin(s, &err) ||
	    (rc = vigie_store_client_add(s, argv[optind], lang, tz, &err)) < 0) {
		vigie_store_rollback(s);
		vigie_store_close(s);
		return cli_error(&err);
	}
	for (int i = 0; i < nc; i++)
		if (vigie_store_client_contact_add(s, argv[optind], contacts[i], &err)) {
			vigie_store_rollback(s);
			vigie_store_close(s);
			return cli_error(&err);
		}
	if (vigie_store_commit(s, &err)) {
		vigie_store_close(s);
		return cli_error(&err);
	}
	vigie_store_close(s);
	printf("%s client %s\n", rc == 1 ? "updated" : "added", argv[optind]);
	return EXIT_OK;
}

int cmd_clients(int argc, char **argv)
{
	struct vigie_store *s;
	struct vigie_error err;
	int rc;
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_ERROR : EXIT_OK;
	}
	if (!strcmp(argv[1], "add"))
		return clients_add(argc - 1, argv + 1);
	cli_error_init(&err);
	if (!strcmp(argv[1], "list") && argc == 2) {
		if ((rc = cli_store_open(&s, 1)))
			return rc;
		rc = vigie_store_clients_each(s, NULL, print_client, NULL, &err);
		vigie_store_close(s);
		return rc ? cli_error(&err) : EXIT_OK;
	}
	if (!strcmp(argv[1], "show") && argc == 3) {
		if ((rc = cli_store_open(&s, 1)))
			return rc;
		rc = vigie_store_client_get(s, argv[2], print_client, NULL, &err);
		if (!rc)
			rc = vigie_store_client_contacts_each(s, argv[2], print_contact, NULL, &err);
		vigie_store_close(s);
		if (rc == VIGIE_ENOTFOUND)
			return cli_fail("no client named %s", argv[2]);
		return rc ? cli_error(&err) : EXIT_OK;
	}
	if (!strcmp(argv[1], "remove") && argc == 3) {
		if ((rc = cli_store_open(&s, 0)))
			return rc;
		rc = vigie_store_client_remove(s, argv[2], &err);
		vigie_store_close(s);
		if (rc)
			return cli_error(&err);
		printf("removed client %s\n", argv[2]);
		return EXIT_OK;
	}
	usage(stderr);
	return EXIT_ERROR;
}
