/* vigie: the lines of /proc/PID/maps, parsed from a buffer (no file access).
 *
 *   start-end perms offset major:minor inode      path
 *
 * The path is everything after the blanks that follow the inode, up to the
 * end of the line: it may hold spaces and any byte but NUL (the kernel
 * writes a newline in a name as the four bytes "\012"; the path is kept as
 * written). A trailing " (deleted)" is taken off the path and sets
 * `deleted`. Pure functions: may be used from several threads. */
#ifndef VIGIE_PROCMAPS_H
#define VIGIE_PROCMAPS_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"

#define PROCMAPS_MAX_LINE 32768      /* bytes in one line (PATH_MAX escaped) */
#define PROCMAPS_MAX_ENTRIES 1000000 /* lines in one maps buffer */

enum procmaps_kind {
	PROCMAPS_ANON = 0, /* no path */
	PROCMAPS_FILE,     /* an absolute path ("/usr/lib/...") */
	PROCMAPS_PSEUDO,   /* "[heap]", "[stack]", "[vdso]", "[anon:name]"... */
	PROCMAPS_MEMFD,    /* "/memfd:name": memory, never a packaged file */
	PROCMAPS_OTHER     /* "anon_inode:...", "socket:[...]"... */
};

struct procmaps_entry {
	uint64_t start, end, offset;
	char perms[5];          /* "r-xp", NUL-terminated */
	unsigned dev_major, dev_minor;
	uint64_t inode;
	const char *path;       /* points into the parsed buffer, NOT terminated */
	size_t path_len;        /* 0 for anonymous mappings */
	int deleted;            /* the path ended in " (deleted)" (taken off) */
	enum procmaps_kind kind;
};

/* Parse one line (without its newline) into out; out->path points into
 * line. Returns 0, VIGIE_EPARSE (malformed: msg says which field) or
 * VIGIE_ELIMIT (longer than PROCMAPS_MAX_LINE). err may be NULL. */
int vigie_procmaps_parse_line(struct procmaps_entry *out, const char *line, size_t len,
			      struct vigie_error *err);

/* Called for each well-formed line; a non-zero return stops the parse
 * and is returned by vigie_procmaps_parse. */
typedef int vigie_procmaps_fn(void *ud, const struct procmaps_entry *e);

/* Parse a whole maps buffer (the last line may lack its newline). A
 * malformed or overlong line is a warning naming name:line (through
 * err->warn) and is skipped; *bad (may be NULL) counts them. More than
 * PROCMAPS_MAX_ENTRIES lines is VIGIE_ELIMIT. Returns 0, a callback's
 * non-zero value, or a negative VIGIE_E* code. */
int vigie_procmaps_parse(const char *buf, size_t len, const char *name,
			 vigie_procmaps_fn *fn, void *ud, size_t *bad,
			 struct vigie_error *err);

/* "anon", "file", "pseudo", "memfd", "other". */
const char *vigie_procmaps_kind_name(enum procmaps_kind k);

#endif
