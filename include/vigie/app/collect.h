/* vigie: agentless collection over SSH. The system's OpenSSH client runs
 * one fixed remote command (a list of `cat`-like reads and `uname -r`,
 * `hostname -f`: VIGIE_COLLECT_REMOTE in collect.c) in BatchMode with the
 * user's ssh configuration; vigie starts it with posix_spawn and an
 * argument vector, never a shell of its own. Its output, sized blocks of
 * /etc/os-release, /var/lib/dpkg/status, /var/log/dpkg.log*,
 * /var/log/apt/history.log*, /proc/version and the commands' lines, is
 * unpacked into a private temporary root and read exactly as `--root`
 * reads an image. Nothing is kept between runs: the store drops the
 * events it already holds. */
#ifndef VIGIE_APP_COLLECT_H
#define VIGIE_APP_COLLECT_H

#include "vigie/core/error.h"
#include "vigie/debian/history.h"
#include "vigie/debian/inventory.h"

#define VIGIE_COLLECT_MAX_OUTPUT (512u << 20) /* bytes from ssh */
#define VIGIE_COLLECT_TIMEOUT 600              /* seconds */

struct vigie_collect_opts {
	const char *target;   /* [USER@]HOST as ssh takes it */
	const char *ssh;      /* the ssh command line (split without a shell);
				 NULL: $VIGIE_SSH, else "ssh" */
	const char *name;     /* host name to store, NULL: the remote
				 `hostname -f` */
	int timeout;          /* seconds, 0: VIGIE_COLLECT_TIMEOUT */
};

/* Run the remote command on o->target and fill inv (initialised by the
 * caller: host, release, arch, running kernel from uname -r and
 * /proc/version, packages) and h (initialised: the remote logs, finished).
 * Errors: VIGIE_EIO when ssh fails (its own message went to stderr),
 * VIGIE_EPARSE for output not of the expected form, and the inventory's
 * errors naming the remote file. */
int vigie_collect_ssh(struct inventory *inv, struct history *h,
		      const struct vigie_collect_opts *o, struct vigie_error *err);

#endif
