/* The check of a release named on the command line (--release). */
#include "cli.h"
#include "vigie/app/host.h"

#include <stdlib.h>
#include "vigie/engine/releases.h"

int cli_release_check(struct vigie_store *s, const char *release)
{
	struct vigie_error err;
	int no_data = 0;

	cli_error_init(&err);
	if (vigie_release_check(s, release, &no_data, &err))
		return cli_error(&err);
	if (no_data)
		fprintf(stderr, "vigie: warning: the database holds no security data"
				" (run 'vigie db update'): release '%s' cannot be checked"
				" and no verdict can be given for it\n", release);
	return EXIT_OK;
}

int cli_rejudge_hosts(struct vigie_store *s)
{
	struct vigie_error err;
	struct policy *pol;
	size_t n = 0, current = 0;
	long hosts;
	int rc;

	cli_error_init(&err);
	if ((hosts = vigie_store_count(s, "hosts", &err)) < 0)
		return cli_error(&err);
	if (!hosts)
		return EXIT_OK;
	if (!(pol = malloc(sizeof(*pol))))
		return cli_fail("out of memory");
	if (cli_policy_load(pol, NULL)) {
		free(pol);
		return EXIT_ERROR;
	}
	rc = vigie_app_rejudge_all(s, pol, 0, &n, &current, &err);
	free(pol);
	if (rc)
		return cli_error(&err);
	if (current)
		printf("judged %zu stored host%s again; %zu already judged on this data,"
		       " policy and day\n", n, n == 1 ? "" : "s", current);
	else
		printf("judged %zu stored host%s again\n", n, n == 1 ? "" : "s");
	return EXIT_OK;
}
