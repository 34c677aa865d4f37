/* The vigie CLI: shared helpers for the command files. */
#ifndef VIGIE_CLI_H
#define VIGIE_CLI_H

#include <stdio.h>

#include "vigie/error.h"
#include "vigie/store.h"

#define VIGIE_VERSION "0.1.0"

/* Exit codes (docs/vigie.1). */
enum { EXIT_OK = 0, EXIT_FINDINGS = 1, EXIT_ERROR = 2 };

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
/* 1 when s equals one of the "|"-separated words in list. */
int cli_word_in(const char *s, const char *list);

/* Commands: one file each. */
int cmd_compare_versions(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_debsecan_feed(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_triage(int argc, char **argv);
int cmd_fleet(int argc, char **argv);

struct policy;
/* Load --policy FILE, else $VIGIE_POLICY, else the shipped policy.conf,
 * else the built-in default. Prints errors; returns 0 or EXIT_ERROR. */
int cli_policy_load(struct policy *p, const char *path);

struct cli_secdata;
struct secdata;
/* The host's inventory (root, release) and the database as timeline/SLA
 * hooks; NULL (with a warning printed) when they cannot be had. */
struct cli_secdata *cli_secdata_open(const char *root, const char *release);
struct secdata *cli_secdata_get(struct cli_secdata *c);
void cli_secdata_free(struct cli_secdata *c);
int cmd_inventory(int argc, char **argv);
int cmd_hosts(int argc, char **argv);
int cmd_db(int argc, char **argv);
/* `vigie db update` (src/cmd_db_update.c), dispatched by cmd_db(). */
int cmd_db_update(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_sla(int argc, char **argv);
int cmd_feeds(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
int cmd_updates(int argc, char **argv);

#endif
