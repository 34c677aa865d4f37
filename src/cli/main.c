#define _GNU_SOURCE
#include "cli.h"
#include "vigie/core/init.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cli cli;

static const struct cmd cmd_table[] = {
	{ "db", cmd_db, "update, import and inspect the security data" },
	{ "scan", cmd_scan, "list the security fixes a host lacks" },
	{ "explain", cmd_explain, "every fact behind one CVE on a host" },
	{ "updates", cmd_updates,
	  "pending updates from the host's apt sources and the CVEs they fix" },
	{ "inventory", cmd_inventory, "show a host's release, kernel and packages" },
	{ "hosts", cmd_hosts, "the fleet: add, list, show, remove hosts and services" },
	{ "fleet", cmd_fleet, "scan every stored host (shared index per release)" },
	{ "triage", cmd_triage, "judge other scanners' findings with Debian's data" },
	{ "decide", cmd_decide, "write down a decision clearing a doubt on a CVE" },
	{ "decisions", cmd_decisions, "list or revoke the written decisions" },
	{ "history", cmd_history, "package install/upgrade/remove events from dpkg and apt logs" },
	{ "timeline", cmd_timeline, "per day, the upgrades applied and the CVEs they fixed" },
	{ "sla", cmd_sla, "delays of installed security fixes against the SLA policy" },
	{ "report", cmd_report, "the monthly client report (PDF, HTML, JSON; fr, en), by mail" },
	{ "feeds", cmd_feeds, "advisory feeds: add, list, poll, items, coverage" },
	{ "alerts", cmd_alerts, "alert once on new feed items that concern hosts" },
	{ "agent", cmd_agent, "send this host's inventory and new log lines to the server" },
	{ "collect", cmd_collect, "read a host's inventory and logs over ssh into the store" },
	{ "serve", cmd_serve, "the fleet service: dashboard, API, agents' pushes" },
	{ "clients", cmd_clients, "the customers who own hosts: add, list, show, remove" },
	{ "users", cmd_users, "dashboard and API accounts: add, list, remove" },
	{ "tokens", cmd_tokens, "agent push tokens and API tokens: create, list, revoke" },
	{ "compare-versions", cmd_compare_versions,
	  "compare Debian versions exactly as dpkg does" },
	{ "debsecan-feed", cmd_debsecan_feed,
	  "write the security data in debsecan's format" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: vigie [--db PATH] [--config FILE] [--color WHEN] COMMAND [ARGS]\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < sizeof(cmd_table) / sizeof(cmd_table[0]); i++)
		fprintf(f, "  %-18s %s\n", cmd_table[i].name, cmd_table[i].help);
	fprintf(f, "\nGlobal options:\n"
		   "  --db PATH          database (default: $VIGIE_DB, else\n"
		   "                     /var/lib/vigie/vigie.db as root, else\n"
		   "                     $XDG_DATA_HOME/vigie/vigie.db)\n"
		   "  --config FILE      vigie.conf (sets $VIGIE_CONFIG)\n"
		   "  --color WHEN       auto (default: on a terminal, unless $NO_COLOR is\n"
		   "                     set), always or never\n"
		   "  All three are also accepted after the command name.\n"
		   "  -h, --help         this help; 'vigie COMMAND --help' for a command\n"
		   "  --version          print the version\n\n"
		   "Exit status: 0 success, 1 findings at or above --fail-on,\n"
		   "2 usage or input error. See vigie(1).\n");
}

/* Messages quote input (package names, file names): control characters
 * are escaped so none reaches the terminal (vigie_text_safe). */
int cli_error(const struct vigie_error *err)
{
	char buf[2048], safe[4096];
	fprintf(stderr, "vigie: %s\n",
		vigie_text_safe(safe, sizeof(safe), vigie_error_format(err, buf, sizeof(buf))));
	return EXIT_ERROR;
}

int cli_fail(const char *fmt, ...)
{
	char buf[2048], safe[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "vigie: %s\n", vigie_text_safe(safe, sizeof(safe), buf));
	return EXIT_ERROR;
}

static void warn_sink(void *ud, const struct vigie_error *w)
{
	char buf[2048], safe[4096];
	(void)ud;
	fprintf(stderr, "vigie: warning: %s\n",
		vigie_text_safe(safe, sizeof(safe), vigie_error_format(w, buf, sizeof(buf))));
}

/* One cap for the whole command: repeated warnings of one kind are
 * counted after the first few, and main() prints the counts at the end. */
static struct vigie_warn_cap warn_cap = { .next = warn_sink };

void cli_error_init(struct vigie_error *err)
{
	memset(err, 0, sizeof(*err));
	err->warn = vigie_warn_cap_fn;
	err->warn_ud = &warn_cap;
}

static void lock_notice(const char *msg)
{
	fprintf(stderr, "vigie: %s\n", msg);
}

int cli_store_open(struct vigie_store **out, int readonly)
{
	char def[4096];
	struct vigie_error err;
	const char *path = cli.db_path ? cli.db_path : vigie_store_default_path(def, sizeof(def));
	cli_error_init(&err);
	if (vigie_store_open(out, path, readonly ? STORE_READONLY : 0, &err))
		return cli_error(&err);
	return 0;
}

int cli_word_in(const char *s, const char *list)
{
	size_t n = strlen(s);
	const char *p = list;
	while (*p) {
		const char *e = strchr(p, '|');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == n && !strncmp(p, s, n))
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

/* A global option at argv[i] (--db X, --db=X, --config X, --config=X,
 * --color WHEN, --color=WHEN): the number of words it takes (1 or 2), after
 * applying it; 0 when argv[i] is not one; -1 when its value is missing or
 * wrong. */
/* --color: 'u' auto, 'l' always, 'e' never (the second letter) */
static char color_when = 'u';

static int global_option(int argc, char **argv, int i)
{
	static const char *const names[] = { "--db", "--config", "--color" };
	for (int k = 0; k < 3; k++) {
		size_t n = strlen(names[k]);
		const char *v = NULL;
		int used;
		if (!strcmp(argv[i], names[k])) {
			if (i + 1 >= argc)
				return -1;
			v = argv[i + 1];
			used = 2;
		} else if (!strncmp(argv[i], names[k], n) && argv[i][n] == '=') {
			v = argv[i] + n + 1;
			used = 1;
		} else {
			continue;
		}
		if (k == 0) {
			cli.db_path = v;
		} else if (k == 1) {
			setenv("VIGIE_CONFIG", v, 1);
		} else if (!strcmp(v, "always") || !strcmp(v, "never") || !strcmp(v, "auto")) {
			color_when = v[1];
		} else {
			fprintf(stderr, "vigie: --color takes auto, always or never, not '%s'\n", v);
			return -2;
		}
		return used;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;
	const char *nc = getenv("NO_COLOR");

	if (vigie_global_init()) {
		fprintf(stderr, "vigie: cannot initialise libcurl or GnuTLS\n");
		return EXIT_ERROR;
	}
	{
		/* a writer waits this long for another one (0: not at all) */
		const char *lw = getenv("VIGIE_LOCK_WAIT");
		char *end;
		long v = lw && *lw ? strtol(lw, &end, 10) : 600;
		if (lw && *lw && (*end || v < 0 || v > 86400)) {
			fprintf(stderr, "vigie: VIGIE_LOCK_WAIT=%s: expected seconds (0-86400)\n", lw);
			return EXIT_ERROR;
		}
		vigie_store_lock_wait((int)v, lock_notice);
	}
	cli.stderr_tty = isatty(2);
	while (i < argc && argv[i][0] == '-') {
		int used = global_option(argc, argv, i);
		if (used == -2)
			return EXIT_ERROR;
		if (used > 0) {
			i += used;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--version")) {
			printf("vigie %s\n", VIGIE_VERSION);
			return EXIT_OK;
		} else {
			fprintf(stderr, "vigie: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return EXIT_ERROR;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (!strcmp(argv[i], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	for (size_t k = 0; k < sizeof(cmd_table) / sizeof(cmd_table[0]); k++)
		if (!strcmp(argv[i], cmd_table[k].name)) {
			int rc, w = i + 1;
			/* global options after the command name: taken out of
			 * the command's arguments (up to a "--") */
			for (int r = i + 1; r < argc; ) {
				int used = !strcmp(argv[r], "--") ? 0 : global_option(argc, argv, r);
				if (!strcmp(argv[r], "--")) {
					while (r < argc)
						argv[w++] = argv[r++];
					break;
				}
				if (used == -2)
					return EXIT_ERROR;
				if (used < 0) {
					fprintf(stderr, "vigie: %s needs a value\n", argv[r]);
					return EXIT_ERROR;
				}
				if (used) {
					r += used;
					continue;
				}
				argv[w++] = argv[r++];
			}
			argc = w;
			argv[argc] = NULL;
			optind = 1;
			/* NO_COLOR (no-color.org) holds unless --color=always */
			cli.color = color_when == 'l' ? 1
				    : color_when == 'e' ? 0 : isatty(1) && !(nc && *nc);
			rc = cmd_table[k].fn(argc - i, argv + i);
			vigie_warn_cap_flush(&warn_cap);
			return rc;
		}
	fprintf(stderr, "vigie: unknown command '%s' (see 'vigie --help')\n", argv[i]);
	return EXIT_ERROR;
}
