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
int cmd_db_update(int argc, char **argv);
int cmd_updates(int argc, char **argv);

#endif
