/* vigie: apt's sources: /etc/apt/sources.list and sources.list.d/ (*.list
 * in the one-line format, *.sources in the deb822 format), read as apt does
 * (sources.list(5)). Every entry keeps its file and line for messages. */
#ifndef VIGIE_APTSOURCES_H
#define VIGIE_APTSOURCES_H

#include <stddef.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"

#define APTSOURCES_MAX 4096       /* entries (after expanding deb822 lists) */
#define APTSOURCES_MAX_WORDS 256  /* components, architectures per entry */
#define APTSOURCES_MAX_FILES 1024 /* files in sources.list.d */

enum apt_source_type { APT_SOURCE_DEB = 1, APT_SOURCE_DEB_SRC = 2 };

/* One (type, URI, suite) with its components. */
struct apt_source {
	int type;                  /* enum apt_source_type */
	const char *uri;           /* as written, always ending in '/' */
	const char *suite;         /* "bookworm"; a flat path ends in '/' */
	int flat;                  /* suite ends in '/': no components */
	const char **components;   /* ncomponents entries */
	size_t ncomponents;
	const char **archs;        /* arch= / Architectures:, none: all */
	size_t narchs;
	const char *signed_by;     /* signed-by= / Signed-By: (first line),
				      NULL when absent */
	const char *file;          /* where it was read */
	unsigned long line;
};

struct apt_sources {
	struct vigie_arena arena;  /* owns every string */
	struct apt_source *v;      /* in file order; disabled ones left out */
	size_t n, cap;
};

/* Prepare an empty list (caller-owned struct). */
void vigie_aptsources_init(struct apt_sources *l);
/* Free the entries and their strings; l is empty afterwards. */
void vigie_aptsources_release(struct apt_sources *l);

/* Read root/etc/apt/sources.list, then root/etc/apt/sources.list.d/ files
 * named [A-Za-z0-9_.-]+ ending in .list or .sources, in name order (as
 * apt does; other names are ignored). root NULL, "" or "/" means "/". Missing
 * files are fine; a malformed one is an error naming file and line. */
int vigie_aptsources_load(struct apt_sources *l, const char *root,
		    struct vigie_error *err);
/* Parse one file in the one-line format ("deb [opts] URI SUITE COMP...").
 * Entries are appended to l. */
int vigie_aptsources_parse_list(struct apt_sources *l, const char *path,
			  struct vigie_error *err);
/* Parse one deb822 .sources file (Types, URIs, Suites, Components,
 * Enabled, Architectures, Signed-By; '#' comment lines). */
int vigie_aptsources_parse_deb822(struct apt_sources *l, const char *path,
			    struct vigie_error *err);
/* Same from memory (fuzzing); name is used in messages. */
int vigie_aptsources_parse_list_mem(struct apt_sources *l, const void *data,
			      size_t len, const char *name,
			      struct vigie_error *err);
int vigie_aptsources_parse_deb822_mem(struct apt_sources *l, const void *data,
				size_t len, const char *name,
				struct vigie_error *err);
/* 1 when the entry accepts arch (no restriction, or arch is listed). */
int vigie_aptsources_has_arch(const struct apt_source *s, const char *arch);

#endif
