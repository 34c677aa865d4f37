/* vigie: the package indexes apt downloaded for the configured sources
 * (<root>/var/lib/apt/lists/), their Release files (suite, codename,
 * NotAutomatic), and the candidate version apt would install for each
 * installed package, with apt's default priorities. */
#ifndef VIGIE_APTLISTS_H
#define VIGIE_APTLISTS_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/debian/aptsources.h"
#include "vigie/core/error.h"
#include "vigie/core/util.h"

/* One (URI, suite) with what its Release file says. */
struct apt_repo {
	const struct apt_source *src; /* first entry naming it */
	const char *release_path;     /* InRelease or Release, NULL if absent */
	const char *suite;            /* Release "Suite:", else the entry's */
	const char *codename;         /* Release "Codename:", may be NULL */
	const char *origin, *label;   /* may be NULL */
	int security;                 /* a -security (or /updates) suite */
	int priority;                 /* 500; 100 NotAutomatic with
					 ButAutomaticUpgrades; 1 NotAutomatic */
};

/* One Packages file. */
struct apt_index {
	size_t repo;            /* index in apt_lists.repos */
	const char *component;  /* NULL for a flat repository */
	const char *arch;       /* from the file name ("amd64", "all") */
	const char *path;       /* the file (plain, .gz, .xz or .lz4) */
};

struct apt_lists {
	struct vigie_arena arena;
	struct apt_repo *repos;
	size_t nrepos;
	struct apt_index *idx;
	size_t nidx;
};

/* apt's name in lists/ for a URI plus a path below it (apt-pkg's
 * URItoFileName): scheme and credentials dropped, unsafe bytes quoted as
 * %xx, '/' turned into '_'. Appends to out; VIGIE_ENOMEM. */
int vigie_aptlists_filename(struct vigie_buf *out, const char *uri, const char *rest);

/* Find Release files and Packages indexes of the "deb" entries of srcs in
 * lists_dir. srcs must outlive out. An index missing from the directory is
 * not an error (apt may not have run); unreadable compressions (.bz2, .zst)
 * are skipped with a warning. */
int vigie_aptlists_find(struct apt_lists *out, const struct apt_sources *srcs,
		  const char *lists_dir, struct vigie_error *err);
void vigie_aptlists_release(struct apt_lists *l);

/* Read the fields of a Release or (clearsigned) InRelease file into r,
 * strings allocated from arena. */
int vigie_aptlists_read_release(struct apt_repo *r, struct vigie_arena *arena,
			  const char *path, struct vigie_error *err);

/* An installed package, as input to the candidate search. */
struct pending_pkg {
	const char *name, *arch, *version;
	const char *source, *source_version; /* may be NULL */
};

/* A package whose candidate is newer than the installed version. */
struct pending_update {
	const char *package, *arch;
	const char *installed;
	const char *installed_source_version; /* NULL when not given */
	const char *candidate;
	const char *source;            /* candidate's source package */
	const char *source_version;    /* candidate's source version */
	const char *suites;            /* suites carrying the candidate,
					  ","-separated, security ones first */
	int security;                  /* candidate is in a security suite */
	const char *uri;               /* repository holding it */
	const char *filename;          /* "pool/main/..." (NULL if unknown) */
	const char *sha256;            /* may be NULL */
	int64_t size;                  /* 0 when unknown */
};

struct pending {
	struct vigie_arena arena;
	struct pending_update *v;  /* sorted by package, then arch */
	size_t n;
};

/* For each installed package, the version apt would pick with default
 * priorities: the highest-priority version not older than the installed
 * one (ties: the highest version), where indexes have 500 (100 or 1 for
 * NotAutomatic suites) and the installed version at least 100. "all"
 * packages belong to native_arch (NULL: the most common installed arch).
 * apt_preferences pins and phased updates are ignored. */
int vigie_pending_compute(struct pending *out, const struct apt_lists *lists,
		    const struct pending_pkg *pkgs, size_t npkgs,
		    const char *native_arch, struct vigie_error *err);
void vigie_pending_release(struct pending *p);

#endif
