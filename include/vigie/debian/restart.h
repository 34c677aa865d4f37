/* vigie: processes that still run code an upgrade replaced. Walks a /proc
 * tree, reads each process's maps (procmaps.h), keeps the mapped files that
 * were deleted or replaced since they were mapped, names the dpkg package
 * of each (dpkg's *.list files, multiarch names, diversions) and the
 * process's systemd unit, user session or container (/proc/PID/cgroup).
 *
 * A file counts as replaced when maps says " (deleted)" (dpkg renames the
 * new file over the old one), or when the file now at that path has
 * another inode on the same device. When the devices differ (overlayfs
 * shows another device than the mapped file's), inodes cannot be compared
 * and the file is not counted. Only files a package owns are listed.
 * Not thread-safe per result; distinct results may be built in parallel. */
#ifndef VIGIE_RESTART_H
#define VIGIE_RESTART_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"

#define RESTART_MAX_MAPS (64u << 20) /* bytes of one /proc/PID/maps */
#define RESTART_MAX_PROCS 1000000    /* processes walked */
#define RESTART_MAX_LIST_LINE 8192   /* bytes in one dpkg .list line */

enum restart_kind {
	RESTART_NONE = 0,   /* no cgroup known (kernel without cgroups) */
	RESTART_SYSTEM,     /* a system unit: system.slice/NAME.service */
	RESTART_USER,       /* a unit of a user manager (user@UID.service/...) */
	RESTART_SESSION,    /* a login session: session-N.scope */
	RESTART_CONTAINER,  /* docker, podman (libpod), lxc, machine.slice */
	RESTART_INIT        /* PID 1 or init.scope */
};
/* "none", "system", "user", "session", "container", "init". */
const char *vigie_restart_kind_name(enum restart_kind k);

struct restart_file {
	const char *path;     /* as the process mapped it */
	const char *package;  /* owning binary package ("libssl3") */
	const char *arch;     /* from a multiarch list name ("amd64"), "" when none */
	int deleted;          /* maps said " (deleted)"; else replaced (other inode) */
	/* the version mapped, when known without dpkg.log (an inventory
	 * document's restart entry); NULL: found from the log */
	const char *running_version;
};

struct restart_proc {
	int pid;
	int uid;
	const char *comm;      /* /proc/PID/comm, "" when unreadable */
	const char *exe;       /* readlink /proc/PID/exe, "" when unreadable */
	const char *unit;      /* "nginx.service", "user@1000.service", NULL */
	const char *container; /* the container's cgroup name, NULL when none */
	enum restart_kind kind;
	int64_t started;       /* Unix time the process started, 0 unknown */
	struct restart_file *files; /* one per distinct path, sorted */
	size_t nfiles;
};

struct restart_scan {
	struct vigie_arena arena;    /* owns every string and array */
	struct restart_proc *procs;  /* only those with files, sorted by pid */
	size_t n, cap;
	size_t scanned;              /* processes whose maps were read */
	size_t unreadable;           /* processes whose maps could not be read */
	size_t unowned;              /* replaced files no package owns (not listed) */
};

struct restart_opts {
	const char *proc;   /* the /proc tree (NULL: "/proc") */
	const char *root;   /* where mapped paths and /var/lib/dpkg are looked
			       up (NULL: "/"); tests point both at fake trees */
	const char *admindir; /* dpkg's admin directory (NULL: ROOT/var/lib/dpkg) */
};

/* Walk opts->proc and fill out (initialised by this call; release it with
 * vigie_restart_scan_release even on error). A process that vanishes
 * during the walk is skipped; one whose maps cannot be read is counted in
 * `unreadable`, never silently dropped. Returns 0, VIGIE_EIO (the proc
 * tree cannot be listed), VIGIE_ELIMIT or VIGIE_ENOMEM. */
int vigie_restart_scan(struct restart_scan *out, const struct restart_opts *opts,
		       struct vigie_error *err);
void vigie_restart_scan_release(struct restart_scan *s);

/* When the machine booted: btime of PROC/stat (proc NULL: "/proc"); 0 when
 * unreadable. */
int64_t vigie_restart_boot_time(const char *proc);

/* The unit, kind and container of a /proc/PID/cgroup text (cgroup v2 "0::"
 * line, else v1 "name=systemd"). Strings are allocated from arena. */
int vigie_restart_cgroup_parse(const char **unit, const char **container,
			       enum restart_kind *kind, const char *text,
			       struct vigie_arena *arena);

#endif
