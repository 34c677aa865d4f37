/* vigie: package history of a host from dpkg.log and apt's history.log
 * (plain or rotated .gz), as install / upgrade / remove / purge events and
 * apt transactions.
 *
 * Load every file (oldest rotation first) into one struct history, then call
 * vigie_history_finish(): it sorts events by time, drops duplicates (rotations that
 * overlap) and links events to the apt transaction that made them. */
#ifndef VIGIE_HISTORY_H
#define VIGIE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/core/reader.h"
#include "vigie/core/util.h"

#define HISTORY_MAX_LINE 65536      /* bytes per dpkg.log line */
#define HISTORY_MAX_APT_LINE (4u << 20) /* bytes per history.log line (long Install:) */
#define HISTORY_MAX_EVENTS 5000000  /* events over all files */
#define HISTORY_MAX_TXNS 1000000    /* apt transactions over all files */
#define HISTORY_MAX_ITEMS 5000000   /* packages over all apt transactions */
#define HISTORY_PROBE_LINES 64      /* lines to find before calling a file foreign */

enum history_action {
	HISTORY_INSTALL,
	HISTORY_UPGRADE,
	HISTORY_REMOVE,
	HISTORY_PURGE,
	/* apt only (transaction items, never dpkg events) */
	HISTORY_DOWNGRADE,
	HISTORY_REINSTALL
};

/* One dpkg.log action line. Strings live in the history's arena; a
 * missing version ("<none>") is "". */
struct history_event {
	int64_t time;        /* Unix time (the log holds local time) */
	enum history_action action;
	const char *package;
	const char *arch;    /* "" when the log has no ":arch" */
	const char *old_version;
	const char *new_version;
	const char *origin;  /* file the event came from */
	unsigned long line;  /* its line there */
	long txn;            /* index in history.txns, -1 when unknown */
	size_t seq;          /* load order, for stable sorting */
};

struct history_item {
	enum history_action action;
	const char *package;
	const char *arch;
	const char *old_version; /* Upgrade/Downgrade old, Remove/Purge version */
	const char *new_version; /* Install/Reinstall/Upgrade/Downgrade new */
	int automatic;           /* "(ver, automatic)" */
};

/* One apt history.log stanza. */
struct history_txn {
	int64_t start, end;       /* end 0 when End-Date is missing */
	const char *commandline;  /* "" when absent */
	const char *requested_by; /* "" when absent */
	const char *error;        /* "" when absent */
	const char *origin;
	unsigned long line;       /* line of Start-Date */
	struct history_item *items;
	size_t nitems;
};

struct history {
	struct vigie_arena arena;
	struct history_event *events;
	size_t nevents, cap_events;
	struct history_txn *txns;
	size_t ntxns, cap_txns;
	size_t nitems_total;
	size_t duplicates; /* events dropped by vigie_history_finish() */
	size_t max_events; /* HISTORY_MAX_EVENTS unless lowered (tests) */
};

/* Prepare an empty history (caller-owned struct). */
void vigie_history_init(struct history *h);
/* Release everything (events, transactions, strings); accepts NULL. */
void vigie_history_release(struct history *h);

/* Append the events of a dpkg.log (plain or compressed). Bad lines, a
 * truncated last line and a clock going backwards are warnings naming
 * file:line; a file that holds no dpkg.log line in its first
 * HISTORY_PROBE_LINES lines is VIGIE_EPARSE; over max_events VIGIE_ELIMIT. */
int vigie_history_load_dpkg_log(struct history *h, const char *path,
			  struct vigie_error *err);
int vigie_history_load_dpkg_reader(struct history *h, struct vigie_reader *r,
			     struct vigie_error *err);
/* Append the transactions of an apt history.log, same rules. */
int vigie_history_load_apt_history(struct history *h, const char *path,
			     struct vigie_error *err);
int vigie_history_load_apt_reader(struct history *h, struct vigie_reader *r,
			    struct vigie_error *err);
/* Sort events by time (load order within a second), drop exact duplicates,
 * sort transactions by start and link events to them. Call once, after
 * loading. Returns 0 or VIGIE_ENOMEM. */
int vigie_history_finish(struct history *h, struct vigie_error *err);

/* Split an apt package list ("a:amd64 (1.0, automatic), b:amd64 (1, 2)")
 * into items for the stanza field `field` ("Install", "Upgrade", ...).
 * Strings are allocated from arena. Returns 0 or VIGIE_EPARSE (msg set,
 * no file/line) or VIGIE_ENOMEM; *out is arena memory. */
int vigie_history_parse_apt_list(struct history_item **out, size_t *n,
			   struct vigie_arena *arena, const char *field,
			   const char *list, struct vigie_error *err);

/* This machine's logs under root (NULL or "" = "/"): dpkg.log* and
 * apt/history.log* in /var/log, each list sorted oldest rotation first
 * (N.gz ... .1, then the live file). Pushes paths to dpkg and apt. */
int vigie_history_default_logs(struct vigie_strv *dpkg, struct vigie_strv *apt,
			 const char *root, struct vigie_error *err);

/* Load the given logs (dpkg and apt lists, either may be NULL or empty);
 * when both are empty, this machine's logs under root
 * (vigie_history_default_logs). Then vigie_history_finish(). */
int vigie_history_load_all(struct history *h, const struct vigie_strv *dpkg,
		     const struct vigie_strv *apt, const char *root,
		     struct vigie_error *err);

/* Period bound from the command line, local time: "YYYY-MM-DD" or a full
 * time (vigie_time_parse). For an until bound a bare date means the end of
 * that day (next day 00:00), so --until 2026-06-30 includes June 30.
 * Returns 0 or VIGIE_EPARSE. */
int vigie_history_parse_bound(int64_t *out, const char *s, int is_until);
/* Host name for the logs under root: root/etc/hostname (first word), else
 * gethostname() when root is "/" or empty, else "localhost". */
const char *vigie_history_host_name(const char *root, char *buf, size_t size);

struct vigie_store;
/* Store h's transactions and events for host (created when absent) in one
 * store transaction; identical rows already stored are skipped, so
 * importing the same logs twice adds nothing. *added (may be NULL) gets
 * the number of new events. On error nothing is stored. */
int vigie_history_store(struct vigie_store *s, const char *host, const struct history *h,
		  size_t *added, struct vigie_error *err);
/* The same inside the caller's open transaction (nothing committed or
 * rolled back here). */
int vigie_history_store_in_tx(struct vigie_store *s, const char *host,
			      const struct history *h, size_t *added, struct vigie_error *err);

/* Append the events stored for host with since <= time < until (0 = no
 * bound), then vigie_history_finish(). Transactions are not restored (events
 * have txn -1). VIGIE_ENOTFOUND when the host is unknown. */
int vigie_history_load_store(struct history *h, struct vigie_store *s, const char *host,
		       int64_t since, int64_t until, struct vigie_error *err);

/* "install", "upgrade", "remove", "purge", "downgrade", "reinstall". */
const char *vigie_history_action_name(enum history_action a);
/* Parse one of those names; -1 when unknown. */
int vigie_history_action_parse(const char *s);

#endif
