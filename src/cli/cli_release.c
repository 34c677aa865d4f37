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

/* "judged N stored hosts again (P on ...); R ...; C ...", then per
 * release the sources the new data moved. */
static void print_rejudge(const struct vigie_rejudge_stats *st)
{
	size_t n = st->full + st->partial;
	printf("judged %zu stored host%s again", n, n == 1 ? "" : "s");
	if (st->partial)
		printf(" (%zu on %s changed sources alone)", st->partial,
		       st->partial == 1 ? "its" : "their");
	if (st->rebased)
		printf("; %zu hold%s no source the new data changed", st->rebased,
		       st->rebased == 1 ? "s" : "");
	if (st->current)
		printf("; %zu already judged on this data, policy and day", st->current);
	printf("\n");
	if (st->opened + st->resolved + st->reclassified) {
		printf("findings opened: %zu, resolved: %zu", st->opened, st->resolved);
		if (st->reclassified)
			printf(", in another class: %zu", st->reclassified);
		printf(", on %zu host%s\n", st->hosts_changed, st->hosts_changed == 1 ? "" : "s");
		for (size_t i = 0; i < st->nchanges && i < 5; i++) {
			const struct vigie_rejudge_change *c = &st->changes[i];
			const char *sep = "";
			printf("  %s (%s):", c->cve, c->source);
			if (c->opened) {
				printf(" opened on %zu host%s", c->opened, c->opened == 1 ? "" : "s");
				sep = ",";
			}
			if (c->resolved) {
				printf("%s resolved on %zu host%s", sep, c->resolved,
				       c->resolved == 1 ? "" : "s");
				sep = ",";
			}
			if (c->reclassified)
				printf("%s now %s on %zu host%s", sep, c->cls ? c->cls : "?",
				       c->reclassified, c->reclassified == 1 ? "" : "s");
			printf("\n");
		}
		if (st->nchanges > 5)
			printf("  and %zu more\n", st->nchanges - 5);
	}
	for (size_t i = 0; i < st->nreleases; i++) {
		const struct vigie_rejudge_release *r = &st->releases[i];
		if (r->whole || !r->n)
			continue;
		printf("data changed on %s for %zu source%s:", r->release, r->n,
		       r->n == 1 ? "" : "s");
		for (size_t j = 0; j < r->n && j < 8; j++)
			printf(" %s", r->sources[j]);
		if (r->n > 8)
			printf(" and %zu more", r->n - 8);
		printf("\n");
	}
}

int cli_rejudge_hosts(struct vigie_store *s, int full)
{
	struct vigie_error err;
	struct vigie_rejudge_stats st;
	struct policy *pol;
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
	/* on a terminal, "judging hosts: N/M", cleared at the end */
	rc = vigie_app_rejudge_all(s, pol, 0, full, cli_progress, (void *)"judging hosts", &st,
				   &err);
	free(pol);
	if (rc)
		return cli_error(&err);
	print_rejudge(&st);
	vigie_rejudge_stats_release(&st);
	return EXIT_OK;
}
