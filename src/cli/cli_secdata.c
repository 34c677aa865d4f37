/* CLI helper shared by timeline and sla: Debian's security data as
 * timeline/SLA hooks, when the database and the host's release allow. The
 * host is the one the events belong to: the stored host with --from-store,
 * else the image under --root, else this machine. */
#include "cli.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/policy.h"
#include "vigie/engine/secdata.h"
#include "vigie/engine/timeline.h"

#include <stdlib.h>
#include <string.h>

struct cli_secdata {
	struct inventory inv;
	struct vigie_store *store;
	struct policy pol;
	struct secdata *sd;
	char what[320]; /* whose inventory, for messages */
};

/* The stored host's inventory, release overridden by --release. */
static int load_stored(struct cli_secdata *c, const char *host, const char *release)
{
	struct vigie_error err;
	cli_error_init(&err);
	snprintf(c->what, sizeof(c->what), "host %.256s as stored", host ? host : "");
	if (!host)
		return cli_fail("--from-store needs --host");
	if (vigie_store_host_load(c->store, host, &c->inv, &err))
		return cli_error(&err);
	if (release && !(c->inv.release = vigie_arena_strdup(&c->inv.arena, release)))
		return cli_fail("out of memory");
	if (!c->inv.npkgs)
		fprintf(stderr, "vigie: warning: no inventory stored for host %s ('vigie hosts"
				" add'): the source package of every upgraded binary is unknown\n",
			host);
	return 0;
}

struct cli_secdata *cli_secdata_open(const struct cli_logs *logs, const char *host,
				     const char *release)
{
	struct cli_secdata *c = calloc(1, sizeof(*c));
	const char *root = logs->root;
	struct inventory_opts io;
	struct vigie_error err;

	if (!c)
		return NULL;
	vigie_inventory_init(&c->inv);
	cli_error_init(&err);
	if (logs->from_store) {
		/* judge the stored host, never the machine running vigie */
		if (cli_store_open(&c->store, 0) || load_stored(c, host, release))
			goto fail;
		if (!c->inv.release) {
			fprintf(stderr, "vigie: warning: no Debian security data used (release of"
					" host %s unknown: use --release); CVEs come from"
					" changelogs only\n", host);
			goto fail;
		}
	} else {
		memset(&io, 0, sizeof(io));
		io.root = root && strcmp(root, "-") ? root : NULL;
		io.release = release;
		if (io.root)
			snprintf(c->what, sizeof(c->what), "%.300s", io.root);
		else
			snprintf(c->what, sizeof(c->what), "this machine");
		if (vigie_inventory_load(&c->inv, &io, &err) || !c->inv.release) {
			char buf[2048];
			fprintf(stderr, "vigie: warning: no Debian security data used (%s); CVEs come"
					" from changelogs only\n",
				c->inv.release || err.code ? vigie_error_format(&err, buf, sizeof(buf))
							   : "release unknown: use --release");
			goto fail;
		}
		if (cli_store_open(&c->store, 0))
			goto fail;
	}
	if (cli_policy_load(&c->pol, NULL))
		goto fail;
	if (vigie_secdata_open(&c->sd, c->store, &c->inv, &c->pol, &err)) {
		cli_error(&err);
		goto fail;
	}
	return c;
fail:
	cli_secdata_free(c);
	return NULL;
}

struct secdata *cli_secdata_get(struct cli_secdata *c)
{
	return c ? c->sd : NULL;
}

void cli_secdata_warn(const struct cli_secdata *c, const struct timeline *tl)
{
	size_t n = 0;
	if (!c)
		return;
	for (size_t i = 0; i < tl->n; i++)
		n += tl->ups[i].source_unknown != 0;
	if (n)
		fprintf(stderr, "vigie: warning: %zu of %zu upgrades are of binaries not in the"
				" inventory of %s: their source package is unknown and the"
				" binary's name was used as the source's (marked 'source"
				" unknown')\n", n, tl->n, c->what);
}

void cli_secdata_free(struct cli_secdata *c)
{
	if (!c)
		return;
	vigie_secdata_free(c->sd);
	vigie_store_close(c->store);
	vigie_inventory_release(&c->inv);
	free(c);
}
