/* vigie: a scan completed with the processes that still run code an
 * upgrade replaced (debian/restart.h): per unit (or lone process), the
 * packages it runs at an old version, the CVEs their installed version
 * fixes, and what to do (restart the unit; reboot for PID 1, D-Bus and
 * the kernel). Each such CVE becomes a finding marked restart_required:
 * "fixed, restart needed", not fixed. */
#ifndef VIGIE_SCAN_RESTART_H
#define VIGIE_SCAN_RESTART_H

#include <stddef.h>

#include "vigie/core/error.h"
#include "vigie/debian/history.h"
#include "vigie/debian/invdoc.h"
#include "vigie/debian/inventory.h"
#include "vigie/debian/restart.h"
#include "vigie/engine/match.h"
#include "vigie/engine/policy.h"
#include "vigie/engine/vulnindex.h"
#include "vigie/store/store.h"

struct scan_restart_pkg {
	const char *package, *arch;      /* binary package whose files are mapped */
	const char *version;             /* installed now, NULL when not in the inventory */
	const char *source, *source_version; /* installed source */
	/* the version the processes mapped: the old side of the last dpkg.log
	 * upgrade after the process started; NULL when the log does not say */
	const char *running_version;
	const char **cves;               /* fixed in (running, installed], sorted */
	size_t ncves;
	const char **files;              /* replaced paths, sorted */
	size_t nfiles;
};

struct scan_restart_unit {
	const char *unit;                /* "nginx.service", NULL: a lone process */
	enum restart_kind kind;
	const char *container;           /* NULL when none */
	int *pids;                       /* sorted */
	const char **comms;              /* one per pid */
	size_t npids;
	int uid;                         /* of the first process */
	struct scan_restart_pkg *pkgs;   /* sorted by package */
	size_t npkgs;
	int reboot;                      /* PID 1 or the D-Bus daemon */
	const char *action;              /* "systemctl restart nginx.service", "reboot", ... */
};

struct scan_restart {
	struct scan_restart_unit *units; /* reboot first (PID 1 first), then by unit name, lone processes last */
	size_t n;
	size_t scanned, unreadable, unowned; /* from the walk (restart.h) */
	size_t ncves;                    /* distinct CVEs fixed but not running */
};

struct scan_restart_opts {
	const struct restart_scan *procs; /* the walk */
	const struct inventory *inv;
	const struct vulnindex *idx;
	const struct history *history;    /* dpkg.log events; NULL: running versions unknown */
	const struct policy *policy;      /* classes of the added findings; NULL: built-in */
	struct vigie_store *store;        /* CVSS, KEV; may be NULL */
};

/* Set res->restart (memory of res's arena) from o and add one finding per
 * (CVE, source) fixed by an installed version that processes do not run
 * yet, with restart_required set; recounts res. Returns 0 or VIGIE_ENOMEM. */
int vigie_scan_add_restart(struct scan_result *res, const struct scan_restart_opts *o,
			   struct vigie_error *err);

/* The same from the restart object host_id's last inventory carried
 * (store/service.h), its running versions as the agent found them; nothing
 * (res->restart stays NULL) when no inventory of the host carried one. */
int vigie_scan_add_stored_restart(struct scan_result *res, struct vigie_store *s,
				  int64_t host_id, const struct inventory *inv,
				  const struct vulnindex *idx, const struct policy *pol,
				  struct vigie_error *err);

/* Flatten rs into the inventory document's restart object: one entry per
 * process of a unit and replaced file of the unit's packages; out->v is
 * allocated from arena and its strings point into rs. Returns 0 or VIGIE_ENOMEM. */
int vigie_scan_restart_invdoc(struct store_restart *out, const struct scan_restart *rs,
			      struct vigie_arena *arena);

#endif
