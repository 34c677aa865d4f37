/* vigie: a host's inventory: release, architecture, running kernel and the
 * packages whose files are on disk, each with its binary and *source*
 * name and version (vulnerability data is keyed by source). */
#ifndef VIGIE_INVENTORY_H
#define VIGIE_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/error.h"
#include "vigie/util.h"

struct inventory_pkg {
	const char *name;           /* binary package */
	const char *arch;           /* "amd64", "all", ... */
	const char *version;        /* binary version */
	const char *source;         /* source package (binary name if no Source:) */
	const char *source_version; /* from "Source: x (ver)", else version */
	const char *status;         /* dpkg state: "installed", "unpacked", ... */
	unsigned long line;         /* stanza line in the status file */
};

struct inventory {
	struct vigie_arena arena;   /* owns every string below */
	const char *host;           /* host name */
	const char *release;        /* codename ("bookworm"), NULL if unknown */
	const char *release_version;/* "12", "12.5", NULL if unknown */
	const char *arch;           /* dpkg's native architecture, may be NULL */
	const char *kernel_release; /* uname -r of the running kernel, may be NULL */
	const char *kernel_version; /* Debian version of the running kernel
				       (from /proc/version), may be NULL */
	const char *status_path;    /* the dpkg status file read */
	int64_t inventoried_at;
	struct inventory_pkg *pkgs; /* sorted by name, then arch */
	size_t npkgs;
};

/* Where to take an inventory from; NULL fields mean "this machine". */
struct inventory_opts {
	const char *status_file; /* --status: a dpkg status file */
	const char *root;        /* --root: a chroot or mounted image */
	const char *release;     /* --release: codename, overrides detection */
	const char *host;        /* --host: name, default gethostname() */
	const char *kernel;      /* --kernel: running kernel's uname -r */
};

void inventory_init(struct inventory *inv);
/* Release everything the inventory owns. */
void inventory_release(struct inventory *inv);

/* Read a dpkg status file into inv (packages whose files are on disk:
 * installed, half-configured, unpacked, half-installed, triggers-awaited,
 * triggers-pending). A stanza without Package is an error naming the line. */
int inventory_load_status(struct inventory *inv, const char *path,
			  struct vigie_error *err);
/* Take a whole inventory as opts say: status file, release (os-release
 * VERSION_CODENAME, else /etc/debian_version), kernel, host name. */
int inventory_load(struct inventory *inv, const struct inventory_opts *opts,
		   struct vigie_error *err);
/* Find a package by binary name (and arch, or NULL for the first). */
const struct inventory_pkg *inventory_find(const struct inventory *inv,
					   const char *name, const char *arch);

#endif
