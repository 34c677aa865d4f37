/* The vigie CLI: shared helpers for the command files. */
#ifndef VIGIE_CLI_H
#define VIGIE_CLI_H

#include <stdio.h>

#include "vigie/core/error.h"
#include "vigie/store/store.h"
#include "vigie/core/util.h"

/* set by CMake (VIGIE_VERSION, the project version or the package's) */
#ifndef VIGIE_VERSION
#define VIGIE_VERSION "0.1.0"
#endif

/* Exit codes (docs/vigie.1). EXIT_UNKNOWN: vigie cannot tell (no security
 * data for the release, none for the issue). */
enum { EXIT_OK = 0, EXIT_FINDINGS = 1, EXIT_ERROR = 2, EXIT_UNKNOWN = 3 };

struct cli {
	const char *db_path; /* --db, or NULL for the default */
	int color;           /* stdout is a TTY and NO_COLOR unset */
	int stderr_tty;
};

extern struct cli cli;

typedef int cmd_fn(int argc, char **argv);

struct cmd {
	const char *name;
	cmd_fn *fn;
	const char *help;
};

/* Print "vigie: <file:line: msg>" to stderr; returns EXIT_ERROR. */
int cli_error(const struct vigie_error *err);
/* Print "vigie: msg" to stderr; returns EXIT_ERROR. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Initialise err with a warning sink that prints to stderr. */
void cli_error_init(struct vigie_error *err);
/* Open the store (--db or default); prints the error itself. */
int cli_store_open(struct vigie_store **out, int readonly);
/* After a data import: judge every stored host again (finding history and
 * summaries follow the new data). Prints how many on stdout when any;
 * returns EXIT_OK or EXIT_ERROR after printing why. */
int cli_rejudge_hosts(struct vigie_store *s, int full);
/* A release named by the user (--release): EXIT_OK when the database can
 * judge it, or holds no security data at all (a warning is printed: the
 * verdict will be undetermined); else prints why, with the releases it can
 * judge, and returns EXIT_ERROR. */
int cli_release_check(struct vigie_store *s, const char *release);
/* 1 when s equals one of the "|"-separated words in list. */
int cli_word_in(const char *s, const char *list);

struct vigie_buf;
/* src/cli_output.c. EXIT_OK when format is one of the "|"-separated words
 * of list; else prints "--format: expected text, json or csv, got 'x'" and
 * returns EXIT_ERROR. */
int cli_format_check(const char *format, const char *list);
/* Write len bytes of data (NULL when len is 0) to stdout and flush it.
 * EXIT_OK, or EXIT_ERROR after printing "cannot write output". */
int cli_write(const void *data, size_t len);
/* The same with the contents of b (data may be NULL when empty). */
int cli_write_buf(const struct vigie_buf *b);
/* Text for a person: lines wrapped to the terminal's width (COLUMNS, else
 * 80 when not a terminal), then written as cli_write. */
int cli_write_text(const void *data, size_t len);
int cli_text_width(void);
/* "WHAT: done/total" on one line of stderr, redrawn, when stderr is a
 * terminal; cleared when done reaches total. A fetch_opts step. */
void cli_progress(void *what, size_t done, size_t total);
/* Create or truncate path and write b into it. EXIT_OK, or EXIT_ERROR
 * after printing "PATH: cannot write". */
int cli_write_file(const char *path, const struct vigie_buf *b);
struct vigie_ingest_result;
/* The line after a stored inventory: its verdict with the open findings
 * per class, and how it was reached (kept, only the changed sources). */
void cli_print_judgement(const struct vigie_ingest_result *res);

/* src/cli_logs.c: the event-log options of history, timeline and sla. */
struct cli_logs {
	struct vigie_strv dpkg, apt; /* --dpkg-log, --apt-history (repeatable) */
	const char *root;            /* --root */
	const char *host;            /* --host */
	int64_t since, until;        /* --since, --until (0 = unbounded) */
	int from_store;              /* --from-store */
};
/* Their rows in a struct option table (needs <getopt.h>). */
#define CLI_LOG_OPTIONS                                      \
	{ "dpkg-log", required_argument, NULL, 'd' },        \
	{ "apt-history", required_argument, NULL, 'a' },     \
	{ "root", required_argument, NULL, 'r' },            \
	{ "host", required_argument, NULL, 'H' },            \
	{ "since", required_argument, NULL, 's' },           \
	{ "until", required_argument, NULL, 'u' },           \
	{ "from-store", no_argument, NULL, 'F' }
void cli_logs_init(struct cli_logs *l);
void cli_logs_release(struct cli_logs *l);
/* Handle getopt result c (letters d a r H s u F, as the commands' option
 * tables use them): 1 when handled, 0 when not one of these, -1 after
 * printing an error (bad date, out of memory). */
int cli_logs_option(struct cli_logs *l, int c, const char *arg);
struct history;
/* Load h from the events stored for host (--from-store; no log file may be
 * named then) or from the logs under root. Prints errors; EXIT_OK or
 * EXIT_ERROR. */
int cli_logs_load(const struct cli_logs *l, struct history *h, const char *root,
		  const char *host);

struct inventory_opts;
/* The inventory options' rows in a struct option table (needs <getopt.h>). */
#define CLI_INVENTORY_OPTIONS                                \
	{ "status", required_argument, NULL, 's' },          \
	{ "root", required_argument, NULL, 'r' },            \
	{ "release", required_argument, NULL, 'R' },         \
	{ "kernel", required_argument, NULL, 'k' }
/* Handle getopt result c for the inventory options --status (s), --root
 * (r), --release (R) and --kernel (k) into o: 1 when handled, else 0. */
int cli_inventory_option(struct inventory_opts *o, int c, const char *arg);

/* Commands: one file each. */
int cmd_compare_versions(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_clients(int argc, char **argv);
int cmd_users(int argc, char **argv);
int cmd_tokens(int argc, char **argv);
int cmd_agent(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_debsecan_feed(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_triage(int argc, char **argv);
int cmd_fleet(int argc, char **argv);
int cmd_decide(int argc, char **argv);
int cmd_decisions(int argc, char **argv);

struct vigie_decisions;
/* src/cli/cmd_decide.c: load the decisions in force (and expired) from s
 * into d (initialised here). Prints errors; EXIT_OK or EXIT_ERROR. */
int cli_decisions_load(struct vigie_store *s, struct vigie_decisions *d);
/* Normalise a CVE id typed by the user into buf (upper case); prints
 * why it is not one and returns EXIT_ERROR. */
int cli_cve_arg(char *buf, size_t size, const char *arg);

struct policy;
/* Load --policy FILE, else $VIGIE_POLICY, else the shipped policy.conf,
 * else the built-in default. Prints errors; returns 0 or EXIT_ERROR. */
int cli_policy_load(struct policy *p, const char *path);

struct cli_secdata;
struct secdata;
struct timeline;
/* The inventory of the host the events belong to (the stored host with
 * --from-store, else --root's image, else this machine; release from it
 * or --release) and the database as timeline/SLA hooks; NULL (with a
 * warning printed) when they cannot be had. */
struct cli_secdata *cli_secdata_open(const struct cli_logs *logs, const char *host,
				     const char *release);
struct secdata *cli_secdata_get(struct cli_secdata *c);
/* Warn (counted) about tl's upgrades whose source package was unknown. */
void cli_secdata_warn(const struct cli_secdata *c, const struct timeline *tl);
void cli_secdata_free(struct cli_secdata *c);
int cmd_inventory(int argc, char **argv);
int cmd_hosts(int argc, char **argv);
int cmd_db(int argc, char **argv);
/* `vigie db update` (src/cmd_db_update.c), dispatched by cmd_db(). */
int cmd_db_update(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_sla(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_feeds(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
int cmd_updates(int argc, char **argv);

#endif
