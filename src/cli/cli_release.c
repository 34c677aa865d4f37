/* The check of a release named on the command line (--release). */
#include "cli.h"
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
