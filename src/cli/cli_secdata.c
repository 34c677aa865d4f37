/* CLI helper shared by timeline and sla: Debian's security data as
 * timeline/SLA hooks, when the database and the host's release allow. */
#include "cli.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/policy.h"
#include "vigie/engine/secdata.h"

#include <stdlib.h>
#include <string.h>

struct cli_secdata {
	struct inventory inv;
	struct vigie_store *store;
	struct policy pol;
	struct secdata *sd;
};

struct cli_secdata *cli_secdata_open(const char *root, const char *release)
{
	struct cli_secdata *c = calloc(1, sizeof(*c));
	struct inventory_opts io;
	struct vigie_error err;

	if (!c)
		return NULL;
	vigie_inventory_init(&c->inv);
	memset(&io, 0, sizeof(io));
	io.root = root && strcmp(root, "-") ? root : NULL;
	io.release = release;
	cli_error_init(&err);
	if (vigie_inventory_load(&c->inv, &io, &err) || !c->inv.release) {
		char buf[2048];
		fprintf(stderr, "vigie: warning: no Debian security data used (%s); CVEs come"
				" from changelogs only\n",
			c->inv.release || err.code ? vigie_error_format(&err, buf, sizeof(buf))
						   : "release unknown: use --release");
		goto fail;
	}
	if (cli_policy_load(&c->pol, NULL) || cli_store_open(&c->store, 0))
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

void cli_secdata_free(struct cli_secdata *c)
{
	if (!c)
		return;
	vigie_secdata_free(c->sd);
	vigie_store_close(c->store);
	vigie_inventory_release(&c->inv);
	free(c);
}
