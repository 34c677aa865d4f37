/* vigie: the agent's side of a push. Collect a host's inventory
 * (vigie.inventory/1, docs/INVENTORY.md) with the apt candidates it sees
 * and the dpkg.log / apt history.log lines not sent yet, and deliver it to
 * the fleet server, spooling what cannot be delivered now.
 *
 * Log positions. For each log (dpkg, apt) the spool directory's `state`
 * file names the file reached (its inode and the SHA-256 of its first
 * non-empty line, with any blank lines before it) and the number of
 * decompressed bytes already taken from it. A rotation (dpkg.log ->
 * dpkg.log.1 -> dpkg.log.2.gz) changes the name and, once compressed, the
 * inode, never the first line: the file is found again by that line (the
 * inode breaks a tie) and the lines after the offset, then every newer
 * file, are the new ones. A file that cannot be found again (rotated out
 * of retention, truncated in place) makes every present line new: the
 * server drops the events it already holds. From the live file only whole
 * lines (dpkg) and whole apt stanzas (up to an End-Date line) are taken.
 *
 * Spool layout: DIR/state (positions of lines the server stored),
 * DIR/queue/N.json.gz with N.state (a document not delivered yet and the
 * positions once it is), DIR/rejected/N.json.gz and N.error (refused by
 * the server, kept for the operator), DIR/lock (one agent at a time).
 * A new document starts from the newest queued positions, so its lines are
 * never also in a queued document.
 *
 * Not thread-safe across the same spool directory (the lock keeps other
 * processes out). */
#ifndef VIGIE_APP_AGENT_H
#define VIGIE_APP_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"

#define VIGIE_AGENT_SPOOL "/var/lib/vigie-agent"
#define VIGIE_AGENT_MAX_LOG_BYTES (12u << 20) /* per log in one document */
#define VIGIE_AGENT_MAX_QUEUE 10000           /* queued documents */

struct vigie_agent_opts {
	const char *root;        /* NULL or "/": this machine (running kernel
				    from uname and /proc/version); else an
				    image: no running kernel */
	const char *spool;       /* NULL: VIGIE_AGENT_SPOOL */
	const char *host;        /* NULL: <root>/etc/hostname, gethostname() */
	size_t max_log_bytes;    /* 0: VIGIE_AGENT_MAX_LOG_BYTES */
	/* delivery */
	const char *server;      /* base URL ("https://vigie.example:8470") */
	const char *token;       /* the host's push token (never in a message) */
	const char *ca_file;     /* PEM CAs to trust, NULL: the system's */
	int allow_http;          /* plain http to a host other than loopback */
	long timeout;            /* seconds per request, 0: 120 */
};

/* One collected document. */
struct vigie_agent_doc {
	struct vigie_buf json;   /* the document (not compressed) */
	struct vigie_buf state;  /* the log positions once its lines are stored */
	size_t packages, candidates, dpkg_lines, apt_lines;
	int have_candidates;     /* apt lists were found and read */
	int more;                /* log lines were left for a next document
				    (VIGIE_AGENT_MAX_LOG_BYTES) */
};

void vigie_agent_doc_init(struct vigie_agent_doc *d);
void vigie_agent_doc_release(struct vigie_agent_doc *d);

/* Collect the document of o->root, its log lines taken after the
 * positions `from` (state text as in the state file; NULL or "": nothing
 * sent yet). Warnings (unreadable apt sources, a bad log line) go to err's
 * sink. Errors name the file. */
int vigie_agent_collect(struct vigie_agent_doc *d, const struct vigie_agent_opts *o,
			const char *from, struct vigie_error *err);

/* The positions a new document starts from: the newest queued document's,
 * else the state file's, else "" (appended to out). */
int vigie_agent_positions(struct vigie_buf *out, const char *spool, struct vigie_error *err);

enum vigie_agent_outcome {
	VIGIE_AGENT_SENT,        /* every document was stored (or was a
				    duplicate) */
	VIGIE_AGENT_SPOOLED,     /* the server could not take it now
				    (unreachable, 5xx, 429): queued */
	VIGIE_AGENT_REJECTED,    /* the server refused a document (4xx):
				    moved to rejected/ */
};

struct vigie_agent_report {
	size_t sent;             /* documents stored, queued ones included */
	size_t duplicates;       /* of which the server already had */
	size_t queued;           /* documents left in the queue */
	size_t events_added;     /* events the server added */
	long status;             /* last HTTP status (0: no answer) */
	char message[512];       /* why it was spooled or rejected (the
				    server's error, or the network's) */
	char rejected[4096];     /* where the refused document was kept */
};

/* Send the queued documents (oldest first), then collect and send a new
 * one (run in a loop while d.more, at most a few times). Positions
 * advance in the state file only once the server answered 200; a
 * document the server could not take is queued with its positions and the
 * next run sends it first. Holds DIR/lock (flock) for the whole run
 * (VIGIE_EIO "another vigie agent is running" when taken). Returns 0
 * with *outcome and rep filled, or an error (spool unusable, collection
 * failed, refused URL) with nothing sent. */
int vigie_agent_run(enum vigie_agent_outcome *outcome, struct vigie_agent_report *rep,
		    const struct vigie_agent_opts *o, struct vigie_error *err);

/* Read the token from path (its first line, blanks trimmed) into out.
 * Refused (VIGIE_EUSAGE) when path is not a regular file, is readable or
 * writable by others, writable by its group, or owned by another user
 * than root or the one running; VIGIE_EPARSE when empty or longer than
 * size - 1. The message never holds the token. */
int vigie_agent_token_read(char *out, size_t size, const char *path, struct vigie_error *err);

/* gzip (RFC 1952) of len bytes of data appended to out. 0 or VIGIE_ENOMEM. */
int vigie_agent_gzip(struct vigie_buf *out, const void *data, size_t len);

#endif
