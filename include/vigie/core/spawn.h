/* vigie: running an external program (a sendmail-compatible mailer) without a
 * shell: a command line from a configuration file is split into words by
 * vigie_spawn_split, the program is started with posix_spawnp and an
 * argument vector, the input goes to its standard input and its exit
 * status is checked. Nothing is expanded: no variables, no $(...), no
 * globbing, no redirections. Safe from several threads (no signal
 * disposition is changed). */
#ifndef VIGIE_SPAWN_H
#define VIGIE_SPAWN_H

#include <stddef.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"

#define VIGIE_SPAWN_MAX_WORDS 64
#define VIGIE_SPAWN_TIMEOUT 300 /* seconds, default of vigie_spawn_with_input */

/* Split cmdline into out (initialised by this call) with these rules:
 * words are separated by spaces or tabs; '...' keeps everything inside as
 * is; "..." too, except that \" and \\ stand for " and \; outside quotes a
 * backslash keeps the next character as is. Outside quotes, the shell's
 * characters | & ; < > ( ) $ ` are refused (the command is not run by a
 * shell: quote them to pass them literally), as are an unterminated quote,
 * a control character, an empty command and more than
 * VIGIE_SPAWN_MAX_WORDS words. Errors (VIGIE_EPARSE) carry file and line
 * when given (file may be NULL). On error out holds nothing. */
int vigie_spawn_split(struct vigie_strv *out, const char *cmdline, const char *file,
		      unsigned long line, struct vigie_error *err);

/* Run argv[0] (a path, or a name searched in PATH) with argv (argc words),
 * the environment of the caller, input (len bytes) on its standard input
 * and the caller's standard output and error; wait for it, at most timeout
 * seconds (0: VIGIE_SPAWN_TIMEOUT; then it is killed). 0 when it exits with
 * status 0; VIGIE_EIO naming argv[0] when it cannot start, stops reading
 * its input, is killed, times out or exits with another status. */
int vigie_spawn_with_input(const char *const *argv, size_t argc, const void *input,
			   size_t len, int timeout, struct vigie_error *err);

/* Run argv as above with /dev/null on its standard input and its standard
 * output appended to out (at most max bytes: past that it is killed,
 * VIGIE_ELIMIT); its standard error is the caller's. *status (may be NULL)
 * gets its exit status (-1 when killed). Same errors as
 * vigie_spawn_with_input; out keeps what was read. */
int vigie_spawn_capture(const char *const *argv, size_t argc, struct vigie_buf *out,
			size_t max, int timeout, int *status, struct vigie_error *err);

#endif
