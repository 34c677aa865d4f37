/* Files and directories as vigie creates them (see file.h). The temporary
 * name comes from mkostemp (O_CREAT|O_EXCL: a name planted in advance,
 * symlink included, makes it pick another, never open it), in the final
 * directory so that rename() stays atomic. */
#define _GNU_SOURCE
#include "vigie/core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void vigie_file_tmp_discard(struct vigie_file_tmp *t)
{
	if (!t)
		return;
	if (t->fp)
		fclose(t->fp);
	if (t->tmp)
		unlink(t->tmp);
	free(t->tmp);
	free(t->path);
	memset(t, 0, sizeof(*t));
}

/* Length of the directory part of path ("" -> 0, "/f" -> 1, "d/f" -> 1). */
static size_t dir_len(const char *path)
{
	const char *s = strrchr(path, '/');
	if (!s)
		return 0;
	return s == path ? 1 : (size_t)(s - path);
}

int vigie_file_tmp_open(struct vigie_file_tmp *t, const char *path, mode_t mode,
			struct vigie_error *err)
{
	const char *base = strrchr(path, '/');
	size_t dl = dir_len(path);
	int fd = -1;

	memset(t, 0, sizeof(*t));
	base = base ? base + 1 : path;
	if (!*base)
		return vigie_error_set(err, VIGIE_EUSAGE, path, 0, "not a file name");
	t->path = strdup(path);
	/* "<dir>/.<base>.XXXXXX": hidden, and never a name vigie reads */
	t->tmp = malloc(dl + strlen(base) + 10);
	if (!t->path || !t->tmp) {
		vigie_file_tmp_discard(t);
		return vigie_error_set(err, VIGIE_ENOMEM, path, 0, "out of memory");
	}
	memcpy(t->tmp, path, dl);
	strcpy(t->tmp + dl, dl ? (dl == 1 && path[0] == '/' ? "" : "/") : "");
	strcat(t->tmp, ".");
	strcat(t->tmp, base);
	strcat(t->tmp, ".XXXXXX");
	fd = mkostemp(t->tmp, O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		free(t->tmp);
		t->tmp = NULL;
		vigie_file_tmp_discard(t);
		return vigie_error_set(err, VIGIE_EIO, path, 0, "cannot create: %s",
				       strerror(e));
	}
	if (fchmod(fd, mode) || !(t->fp = fdopen(fd, "wb"))) {
		int e = errno;
		close(fd);
		vigie_file_tmp_discard(t);
		return vigie_error_set(err, VIGIE_EIO, path, 0, "cannot create: %s",
				       strerror(e));
	}
	return 0;
}

static void sync_dir(const char *path)
{
	char *d;
	size_t dl = dir_len(path);
	int fd;

	if (!(d = strndup(dl ? path : ".", dl ? dl : 1)))
		return;
	/* durability of the rename; a directory that cannot be opened or
	 * synced (some file systems) does not undo a complete write */
	fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(d);
}

int vigie_file_tmp_commit(struct vigie_file_tmp *t, struct vigie_error *err)
{
	int rc = 0, e = 0;
	FILE *fp = t->fp;

	t->fp = NULL;
	if (!fp) {
		vigie_file_tmp_discard(t);
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "no temporary file open");
	}
	errno = 0;
	if (fflush(fp) || ferror(fp) || fsync(fileno(fp)))
		e = errno ? errno : EIO;
	if (fclose(fp) && !e)
		e = errno;
	if (e) {
		rc = vigie_error_set(err, VIGIE_EIO, t->path, 0, "cannot write: %s",
				     strerror(e));
		goto out;
	}
	if (rename(t->tmp, t->path)) {
		rc = vigie_error_set(err, VIGIE_EIO, t->path, 0, "cannot replace: %s",
				     strerror(errno));
		goto out;
	}
	free(t->tmp);
	t->tmp = NULL; /* renamed: nothing to remove */
	sync_dir(t->path);
out:
	vigie_file_tmp_discard(t);
	return rc;
}

int vigie_file_write_atomic(const char *path, const void *data, size_t len,
			    mode_t mode, struct vigie_error *err)
{
	struct vigie_file_tmp t;
	int rc;

	if ((rc = vigie_file_tmp_open(&t, path, mode, err)))
		return rc;
	if (len && fwrite(data, 1, len, t.fp) != len) {
		rc = vigie_error_set(err, VIGIE_EIO, path, 0, "cannot write: %s",
				     strerror(errno));
		vigie_file_tmp_discard(&t);
		return rc;
	}
	return vigie_file_tmp_commit(&t, err);
}

/* One component: create it with exactly mode, or accept an existing
 * directory. */
static int mkdir_one(const char *p, mode_t mode, struct vigie_error *err)
{
	struct stat st;
	int fd;

	if (mkdir(p, mode) == 0) {
		/* mkdir() applied the umask: set the mode on what we created,
		 * through a descriptor that cannot be a swapped-in symlink */
		fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fchmod(fd, mode)) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			return vigie_error_set(err, VIGIE_EIO, p, 0,
					       "cannot set the directory's mode: %s",
					       strerror(e));
		}
		close(fd);
		return 0;
	}
	if (errno != EEXIST)
		return vigie_error_set(err, VIGIE_EIO, p, 0, "cannot create directory: %s",
				       strerror(errno));
	if (stat(p, &st) || !S_ISDIR(st.st_mode))
		return vigie_error_set(err, VIGIE_EIO, p, 0, "exists and is not a directory");
	return 0;
}

int vigie_mkdirs(const char *path, mode_t mode, struct vigie_error *err)
{
	size_t n = strlen(path);
	char *buf;
	int rc = 0;

	if (!n)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "empty directory name");
	if (!(buf = strdup(path)))
		return vigie_error_set(err, VIGIE_ENOMEM, path, 0, "out of memory");
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	for (size_t i = 1; i <= n && !rc; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		if (buf[i - 1] == '/')
			continue; /* "a//b" */
		buf[i] = '\0';
		rc = mkdir_one(buf, mode, err);
		if (i < n)
			buf[i] = '/';
	}
	free(buf);
	return rc;
}

int vigie_mkdirs_for(const char *path, mode_t mode, struct vigie_error *err)
{
	size_t dl = dir_len(path);
	char *d;
	int rc;

	if (!dl || (dl == 1 && path[0] == '/'))
		return 0;
	if (!(d = strndup(path, dl)))
		return vigie_error_set(err, VIGIE_ENOMEM, path, 0, "out of memory");
	rc = vigie_mkdirs(d, mode, err);
	free(d);
	return rc;
}
