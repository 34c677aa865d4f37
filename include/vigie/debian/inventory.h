/* vigie: a host's inventory: release, architecture, running kernel and the
 * packages whose files are on disk, each with its binary and *source*
 * name and version (vulnerability data is keyed by source). */
#ifndef VIGIE_INVENTORY_H
#define VIGIE_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_gen.h>

#include "vigie/core/error.h"
#include "vigie/core/reader.h"
#include "vigie/core/util.h"

/* Packages in one status file; more is an error (a real system holds a few
 * thousand). */
#define INVENTORY_MAX_PKGS 200000

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
	int64_t booted_at;          /* when the running kernel booted (/proc/stat
				       btime), 0 when unknown */
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

/* Prepare an empty inventory with its arena (caller-owned struct). */
void vigie_inventory_init(struct inventory *inv);
/* Release everything the inventory owns. */
void vigie_inventory_release(struct inventory *inv);

/* Read a dpkg status file (plain, gzip, xz or lz4) into inv, replacing its
 * packages and setting status_path: the packages whose files are on disk
 * (installed, half-configured, unpacked, half-installed, triggers-awaited,
 * triggers-pending). A stanza without Package, an on-disk package without
 * Version, an invalid version or name, a duplicate package, more than
 * INVENTORY_MAX_PKGS packages, a file without any stanza (empty) or whose
 * last line lacks its newline (truncated: dpkg always ends the file with
 * one) is an error (VIGIE_EPARSE) naming the file and line; inv
 * keeps no package then. Versions dpkg accepts with a warning are kept and
 * reported through err's warning sink. Sets arch to dpkg's native arch. */
int vigie_inventory_load_status(struct inventory *inv, const char *path,
			  struct vigie_error *err);
/* The same from memory (data is not kept); name is used in messages. */
int vigie_inventory_load_status_mem(struct inventory *inv, const void *data,
			      size_t len, const char *name,
			      struct vigie_error *err);
/* The same from an open reader; the reader is freed (even on error). */
int vigie_inventory_load_status_reader(struct inventory *inv, struct vigie_reader *r,
				 struct vigie_error *err);
/* Take a whole inventory as opts say (opts may be NULL: this machine).
 * Status file: opts->status_file, else <root>/var/lib/dpkg/status.
 * Release: opts->release, else os-release VERSION_CODENAME, else
 * etc/debian_version ("trixie/sid", or "12.5" mapped through distro-info's
 * debian.csv); release_version from VERSION_ID. Kernel: opts->kernel, else
 * uname(2) and /proc/version for this machine only, else unknown. Host:
 * opts->host, else <root>/etc/hostname, else gethostname(). inv must have
 * been initialised; on error it may hold a partial inventory. */
int vigie_inventory_load(struct inventory *inv, const struct inventory_opts *opts,
		   struct vigie_error *err);
/* Find a package by binary name (and arch, or NULL for the first in arch
 * order). NULL when absent. Binary search: packages must be sorted. */
const struct inventory_pkg *vigie_inventory_find(const struct inventory *inv,
					   const char *name, const char *arch);
/* Sort packages by name, then arch (after filling pkgs by hand). */
void vigie_inventory_sort(struct inventory *inv);
/* Most likely native architecture: that of the "dpkg" package, else the
 * most common one other than "all". NULL when there is none. Points into
 * inv's packages. */
const char *vigie_inventory_native_arch(const struct inventory *inv);
/* Codename of the Debian release whose version is version ("12", "12.5":
 * full version first, then major) or, when version is NULL, the version
 * of the release named codename, from a distro-info debian.csv file.
 * Returns a malloc'd string, or NULL (not found, unreadable file). */
char *vigie_inventory_distro_info_lookup(const char *csv_path, const char *version,
				   const char *codename);
/* The running kernel's Debian version from /proc/version's text (the last
 * "Debian <version>", e.g. "... Debian 6.1.76-1 (2024-02-01)") into out.
 * Returns 0, or VIGIE_ENOTFOUND (none, invalid, or longer than size). */
int vigie_inventory_kernel_version_from_proc(const char *text, char *out,
				       size_t size);
/* Append the inventory as JSON (schema "vigie.inventory/1", beautified) to
 * out. Returns 0 or VIGIE_ENOMEM. */
int vigie_inventory_write_json(const struct inventory *inv, struct vigie_buf *out);
/* The fields of that document (schema, host, release, arch, kernel,
 * packages) into an open map of g: shared with the pushed document. */
void vigie_inventory_json_fields(yajl_gen g, const struct inventory *inv);

#endif
