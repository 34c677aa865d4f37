/* The vigie CLI: options several commands share: the event-log options of
 * history, timeline and sla (--dpkg-log, --apt-history, --root, --host,
 * --since, --until, --from-store) and loading the events they name; the
 * inventory options of explain, inventory, triage and hosts add. */
#include "cli.h"
#include "vigie/debian/history.h"
#include "vigie/debian/inventory.h"

#include <string.h>

void cli_logs_init(struct cli_logs *l)
{
	memset(l, 0, sizeof(*l));
	vigie_strv_init(&l->dpkg);
	vigie_strv_init(&l->apt);
}

void cli_logs_release(struct cli_logs *l)
{
	vigie_strv_release(&l->dpkg);
	vigie_strv_release(&l->apt);
}

int cli_logs_option(struct cli_logs *l, int c, const char *arg)
{
	switch (c) {
	case 'd':
	case 'a':
		if (vigie_strv_push(c == 'd' ? &l->dpkg : &l->apt, arg)) {
			cli_fail("out of memory");
			return -1;
		}
		return 1;
	case 'r': l->root = arg; return 1;
	case 'H': l->host = arg; return 1;
	case 's':
	case 'u':
		if (vigie_history_parse_bound(c == 's' ? &l->since : &l->until, arg, c == 'u')) {
			cli_fail("bad --%s '%s' (expected YYYY-MM-DD[ HH:MM[:SS]])",
				 c == 's' ? "since" : "until", arg);
			return -1;
		}
		return 1;
	case 'F': l->from_store = 1; return 1;
	default: return 0;
	}
}

int cli_logs_load(const struct cli_logs *l, struct history *h, const char *root,
		  const char *host)
{
	struct vigie_error err;
	int rc;

	cli_error_init(&err);
	if (!l->from_store)
		return vigie_history_load_all(h, &l->dpkg, &l->apt, root, &err) ? cli_error(&err)
									   : EXIT_OK;
	if (l->dpkg.n || l->apt.n)
		return cli_fail("--from-store reads no log file");
	{
		struct vigie_store *s = NULL;
		if (cli_store_open(&s, 1))
			return EXIT_ERROR;
		rc = vigie_history_load_store(h, s, host, 0, 0, &err);
		vigie_store_close(s);
	}
	return rc ? cli_error(&err) : EXIT_OK;
}

int cli_inventory_option(struct inventory_opts *o, int c, const char *arg)
{
	switch (c) {
	case 's': o->status_file = arg; return 1;
	case 'r': o->root = arg; return 1;
	case 'R': o->release = arg; return 1;
	case 'k': o->kernel = arg; return 1;
	default: return 0;
	}
}
