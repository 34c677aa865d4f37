/* vigie: the one way vigie creates files and directories.
 *
 * A file is written to a new temporary name in its own directory (created
 * with O_CREAT|O_EXCL, so no existing name, symlink or not, is ever opened),
 * given its final mode with fchmod (whatever the umask), written, fsync'd and
 * renamed over the final name; the directory is then fsync'd. rename()
 * replaces whatever non-directory sits at the final name: a symlink planted
 * there is replaced by the new file, never followed. Readers see the old
 * file or the new one, never a part. Not for the database (the store). */
#ifndef VIGIE_FILE_H
#define VIGIE_FILE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "vigie/core/error.h"

#define VIGIE_FILE_MODE 0640 /* files vigie creates */
#define VIGIE_DIR_MODE 0750  /* directories vigie creates */

struct vigie_file_tmp {
	FILE *fp;      /* write here between _open and _commit */
	char *path;    /* final name (malloc'd) */
	char *tmp;     /* temporary name in the same directory (malloc'd) */
};

/* Create a temporary file beside path with mode (0640 usually) and open it
 * in t->fp. On error t holds nothing. */
int vigie_file_tmp_open(struct vigie_file_tmp *t, const char *path, mode_t mode,
			struct vigie_error *err);
/* Flush, fsync, close and rename over the final name. On error the
 * temporary file is removed and the final name is left as it was. t is
 * released either way. */
int vigie_file_tmp_commit(struct vigie_file_tmp *t, struct vigie_error *err);
/* Close and remove the temporary file; accepts a released or zeroed t. */
void vigie_file_tmp_discard(struct vigie_file_tmp *t);

/* Write len bytes of data to path as above. Errors (VIGIE_EIO, VIGIE_ENOMEM)
 * name the file and say why. */
int vigie_file_write_atomic(const char *path, const void *data, size_t len,
			    mode_t mode, struct vigie_error *err);

/* Create the directory path and any missing parents, each with exactly mode
 * (0750 usually, whatever the umask). Existing directories (and symlinks to
 * directories) are left as they are; an existing component that is not a
 * directory is an error naming it. */
int vigie_mkdirs(const char *path, mode_t mode, struct vigie_error *err);
/* The same for the directory holding the file path (nothing for "f"). */
int vigie_mkdirs_for(const char *path, mode_t mode, struct vigie_error *err);

#endif
