/* Processes still running replaced code. Two passes: the walk of /proc
 * keeps only the stale paths (a handful per process), then one read of
 * dpkg's file lists resolves just those paths, as `dpkg -S` would, without
 * holding the lists (hundreds of thousands of lines) in memory. */
#define _GNU_SOURCE
#include "vigie/debian/restart.h"

#include "vigie/core/hashmap.h"
#include "vigie/debian/procmaps.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

const char *vigie_restart_kind_name(enum restart_kind k)
{
	switch (k) {
	case RESTART_NONE: return "none";
	case RESTART_SYSTEM: return "system";
	case RESTART_USER: return "user";
	case RESTART_SESSION: return "session";
	case RESTART_CONTAINER: return "container";
	case RESTART_INIT: return "init";
	}
	return "none";
}

/* A path's owner, shared by the keys that may name it in the lists (the
 * path itself, its /usr-less twin, a diversion's original). */
struct owner {
	const char *package, *arch;
	const char *exclude; /* a diverting package that does not own it */
	int local;           /* locally diverted: no package owns the file */
};

struct stat_ent {
	int ok;
	dev_t dev;
	ino_t ino;
};

struct ctx {
	struct restart_scan *out;
	const struct restart_opts *o;
	const char *proc, *root, *admindir;
	struct vigie_hashmap stats;  /* path -> struct stat_ent* */
	struct vigie_hashmap wanted; /* path -> struct owner* */
	struct restart_proc *cur;
	size_t curcap;
	int oom;
};

static char *joinpath(struct vigie_arena *a, const char *root, const char *path)
{
	size_t rl = strlen(root);
	while (rl && root[rl - 1] == '/')
		rl--;
	size_t pl = strlen(path);
	char *s = vigie_arena_alloc(a, rl + pl + 2);
	if (!s)
		return NULL;
	memcpy(s, root, rl);
	if (path[0] != '/')
		s[rl++] = '/';
	memcpy(s + rl, path, pl + 1);
	return s;
}

/* Read a small /proc file: 0, or -errno. */
static int read_small(struct vigie_buf *b, const char *path, size_t max)
{
	char tmp[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), e = 0;
	vigie_buf_reset(b);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, tmp, sizeof(tmp))) > 0) {
		if (b->len + (size_t)n > max) {
			e = -EFBIG;
			break;
		}
		if (vigie_buf_add(b, tmp, (size_t)n)) {
			e = -ENOMEM;
			break;
		}
	}
	if (n < 0 && !e)
		e = -errno;
	close(fd);
	if (!e && vigie_buf_grow(b, 0))
		e = -ENOMEM;
	return e;
}

static const struct stat_ent *stat_cached(struct ctx *c, const char *path)
{
	struct stat st;
	void **slot;
	struct stat_ent *se;
	char *key, *full;

	if ((se = vigie_hashmap_get(&c->stats, path, strlen(path))))
		return se;
	if (!(key = vigie_arena_strdup(&c->out->arena, path)) ||
	    !(full = joinpath(&c->out->arena, c->root, path)) ||
	    !(se = vigie_arena_alloc(&c->out->arena, sizeof(*se))) ||
	    !(slot = vigie_hashmap_slot(&c->stats, key, strlen(key)))) {
		c->oom = 1;
		return NULL;
	}
	memset(se, 0, sizeof(*se));
	if (!stat(full, &st)) {
		se->ok = 1;
		se->dev = st.st_dev;
		se->ino = st.st_ino;
	}
	*slot = se;
	return se;
}

static int on_map(void *ud, const struct procmaps_entry *e)
{
	struct ctx *c = ud;
	struct restart_proc *p = c->cur;
	char path[PROCMAPS_MAX_LINE + 1];
	int deleted = e->deleted;

	if (e->kind != PROCMAPS_FILE || !e->inode)
		return 0;
	memcpy(path, e->path, e->path_len);
	path[e->path_len] = '\0';
	/* shared memory that maps shows with a path: never a packaged file */
	if (!strcmp(path, "/dev/zero") || !strncmp(path, "/SYSV", 5) ||
	    !strncmp(path, "/dev/shm/", 9) || !strcmp(path, "/[aio]"))
		return 0;
	if (!deleted) {
		const struct stat_ent *se = stat_cached(c, path);
		if (!se)
			return VIGIE_ENOMEM;
		/* another device: overlayfs and bind mounts; inodes say nothing */
		if (!se->ok || se->dev != makedev(e->dev_major, e->dev_minor) ||
		    se->ino == (ino_t)e->inode)
			return 0;
	}
	for (size_t i = 0; i < p->nfiles; i++)
		if (!strcmp(p->files[i].path, path))
			return 0;
	if (p->nfiles == c->curcap) {
		size_t nc = c->curcap ? c->curcap * 2 : 8;
		struct restart_file *nf = vigie_arena_alloc(&c->out->arena, nc * sizeof(*nf));
		if (!nf)
			return VIGIE_ENOMEM;
		if (p->nfiles)
			memcpy(nf, p->files, p->nfiles * sizeof(*nf));
		p->files = nf;
		c->curcap = nc;
	}
	memset(&p->files[p->nfiles], 0, sizeof(p->files[0]));
	if (!(p->files[p->nfiles].path = vigie_arena_strdup(&c->out->arena, path)))
		return VIGIE_ENOMEM;
	p->files[p->nfiles++].deleted = deleted;
	return 0;
}

/* The last path component of [s, s+n) ending in suffix, or NULL. */
static const char *component(struct vigie_arena *a, const char *s, size_t n,
			     const char *prefix, const char *suffix)
{
	const char *found = NULL;
	size_t flen = 0, pl = prefix ? strlen(prefix) : 0, sl = suffix ? strlen(suffix) : 0;
	const char *p = s, *end = s + n;
	while (p < end) {
		const char *q = memchr(p, '/', (size_t)(end - p));
		size_t l = q ? (size_t)(q - p) : (size_t)(end - p);
		if (l >= pl + sl && (!pl || !memcmp(p, prefix, pl)) &&
		    (!sl || !memcmp(p + l - sl, suffix, sl))) {
			found = p;
			flen = l;
		}
		p += l + 1;
	}
	return found ? vigie_arena_strndup(a, found, flen) : NULL;
}

int vigie_restart_cgroup_parse(const char **unit, const char **container,
			       enum restart_kind *kind, const char *text,
			       struct vigie_arena *arena)
{
	const char *line = NULL, *p = text, *path;
	size_t len = 0;
	static const char *const ctr[] = { "docker-", "libpod-", "cri-containerd-", "crio-", NULL };

	*unit = *container = NULL;
	*kind = RESTART_NONE;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		if (l >= 3 && !memcmp(p, "0::", 3)) {
			line = p + 3;
			len = l - 3;
			break;
		}
		const char *ns = memmem(p, l, ":name=systemd:", 14);
		if (ns && !line) {
			line = ns + 14;
			len = l - (size_t)(line - p);
		}
		p = nl ? nl + 1 : NULL;
	}
	if (!line || !len)
		return 0;
	path = line;
	/* containers first: a container's own systemd units are its business */
	for (size_t i = 0; ctr[i]; i++)
		if ((*container = component(arena, path, len, ctr[i], ".scope")))
			break;
	if (!*container && memmem(path, len, "/lxc.payload.", 13))
		*container = component(arena, path, len, "lxc.payload.", NULL);
	if (!*container && memmem(path, len, "/machine.slice/", 15))
		*container = component(arena, path, len, NULL, ".scope");
	if (!*container) {
		const char *d = memmem(path, len, "/docker/", 8);
		if (d)
			*container = vigie_arena_strndup(arena, d + 8,
				len - (size_t)(d + 8 - path));
	}
	if (*container) {
		*kind = RESTART_CONTAINER;
		*unit = *container;
		return *container ? 0 : VIGIE_ENOMEM;
	}
	if (len == 11 && !memcmp(path, "/init.scope", 11)) {
		*kind = RESTART_INIT;
		*unit = vigie_arena_strdup(arena, "init.scope");
		return *unit ? 0 : VIGIE_ENOMEM;
	}
	if (memmem(path, len, "/user@", 6)) {
		/* a user manager's unit: its innermost service, else the manager */
		*kind = RESTART_USER;
		const char *mgr = (const char *)memmem(path, len, "/user@", 6) + 1;
		size_t rest = len - (size_t)(mgr - path);
		const char *slash = memchr(mgr, '/', rest);
		*unit = slash ? component(arena, slash, rest - (size_t)(slash - mgr), NULL, ".service")
			      : NULL;
		if (!*unit)
			*unit = vigie_arena_strndup(arena, mgr, slash ? (size_t)(slash - mgr) : rest);
		return *unit ? 0 : VIGIE_ENOMEM;
	}
	if ((*unit = component(arena, path, len, "session-", ".scope"))) {
		*kind = RESTART_SESSION;
		return 0;
	}
	if ((*unit = component(arena, path, len, NULL, ".service")) ||
	    (*unit = component(arena, path, len, NULL, ".scope")))
		*kind = RESTART_SYSTEM;
	return 0;
}

int64_t vigie_restart_boot_time(const char *proc)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	char path[4096];
	int64_t bt = 0;
	snprintf(path, sizeof(path), "%s/stat", proc ? proc : "/proc");
	if (!read_small(&b, path, 1 << 20)) {
		const char *p = strstr(b.data, "\nbtime ");
		if (p)
			bt = strtoll(p + 7, NULL, 10);
	}
	vigie_buf_release(&b);
	return bt;
}

/* Start time from /proc/PID/stat field 22 (ticks after boot). The command
 * name (field 2) may hold spaces and parentheses: fields count from the
 * last ')'. */
static int64_t start_time(const char *stat, int64_t btime)
{
	const char *p = strrchr(stat, ')');
	long ticks = sysconf(_SC_CLK_TCK);
	if (!p || btime <= 0 || ticks <= 0)
		return 0;
	p++;
	for (int field = 3; field <= 22; field++) {
		while (*p == ' ')
			p++;
		if (!*p)
			return 0;
		if (field == 22)
			return btime + (int64_t)(strtoull(p, NULL, 10) / (unsigned long)ticks);
		while (*p && *p != ' ')
			p++;
	}
	return 0;
}

static int want(struct ctx *c, const char *path, struct owner *ow)
{
	void **slot = vigie_hashmap_slot(&c->wanted, path, strlen(path));
	if (!slot)
		return VIGIE_ENOMEM;
	if (!*slot)
		*slot = ow;
	return 0;
}

/* Diversions: triples of lines (original, diverted to, package or ":"). */
static int read_diversions(struct ctx *c, struct vigie_error *err)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	char *path = joinpath(&c->out->arena, c->admindir, "diversions");
	char *lines[3], *p, *save = NULL;
	int rc = 0, e;

	if (!path)
		return VIGIE_ENOMEM;
	if ((e = read_small(&b, path, 64u << 20))) {
		if (e == -ENOMEM)
			rc = VIGIE_ENOMEM;
		else if (e != -ENOENT)
			vigie_warn(err, path, 0, "cannot read: %s", strerror(-e));
		goto out;
	}
	p = strtok_r(b.data, "\n", &save);
	while (p) {
		size_t k = 0;
		for (; k < 3 && p; k++) {
			lines[k] = p;
			p = strtok_r(NULL, "\n", &save);
		}
		if (k < 3)
			break;
		struct owner *ow;
		/* the file at the original name is the diverting package's */
		if ((ow = vigie_hashmap_get(&c->wanted, lines[0], strlen(lines[0]))) &&
		    !ow->package) {
			if (!strcmp(lines[2], ":")) {
				ow->local = 1;
			} else if (!(ow->package = vigie_arena_strdup(&c->out->arena, lines[2])) ||
				   !(ow->arch = vigie_arena_strdup(&c->out->arena, ""))) {
				rc = VIGIE_ENOMEM;
				goto out;
			}
		}
		/* the file now at the diverted name is the original package's */
		if ((ow = vigie_hashmap_get(&c->wanted, lines[1], strlen(lines[1])))) {
			char *orig = vigie_arena_strdup(&c->out->arena, lines[0]);
			if (!orig || !(ow->exclude = vigie_arena_strdup(&c->out->arena, lines[2])) ||
			    want(c, orig, ow)) {
				rc = VIGIE_ENOMEM;
				goto out;
			}
		}
	}
out:
	vigie_buf_release(&b);
	return rc;
}

static int read_lists(struct ctx *c, struct vigie_error *err)
{
	char *dir = joinpath(&c->out->arena, c->admindir, "info");
	char line[RESTART_MAX_LIST_LINE];
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (!dir)
		return VIGIE_ENOMEM;
	if (!(d = opendir(dir))) {
		vigie_warn(err, dir, 0, "cannot list dpkg's file lists: %s", strerror(errno));
		return 0;
	}
	while ((de = readdir(d))) {
		size_t nl = strlen(de->d_name);
		char *name, *colon, *full;
		FILE *f;
		if (nl <= 5 || strcmp(de->d_name + nl - 5, ".list") || de->d_name[0] == '.')
			continue;
		if (!(name = vigie_arena_strndup(&c->out->arena, de->d_name, nl - 5)) ||
		    !(full = joinpath(&c->out->arena, dir, de->d_name))) {
			rc = VIGIE_ENOMEM;
			break;
		}
		colon = strchr(name, ':');
		if (colon)
			*colon = '\0';
		if (!(f = fopen(full, "re")))
			continue;
		while (fgets(line, sizeof(line), f)) {
			size_t l = strlen(line);
			struct owner *ow;
			if (l && line[l - 1] != '\n' && !feof(f)) {
				/* longer than any path: skip the rest of it */
				int ch;
				while ((ch = fgetc(f)) != EOF && ch != '\n')
					;
				continue;
			}
			if (l && line[l - 1] == '\n')
				line[--l] = '\0';
			if (!(ow = vigie_hashmap_get(&c->wanted, line, l)) || ow->package ||
			    ow->local || (ow->exclude && !strcmp(ow->exclude, name)))
				continue;
			ow->package = name;
			ow->arch = colon ? colon + 1 : "";
		}
		fclose(f);
	}
	closedir(d);
	return rc;
}

/* The /usr-merged twin of a path ("/usr/lib/x" <-> "/lib/x"): dpkg's lists
 * name what the package shipped, maps what the kernel resolved. */
static const char *twin(struct vigie_arena *a, const char *path)
{
	static const char *const dirs[] = { "/lib/", "/lib32/", "/lib64/", "/libx32/",
					    "/bin/", "/sbin/", NULL };
	if (!strncmp(path, "/usr/", 5)) {
		for (size_t i = 0; dirs[i]; i++)
			if (!strncmp(path + 4, dirs[i], strlen(dirs[i])))
				return vigie_arena_strdup(a, path + 4);
		return NULL;
	}
	for (size_t i = 0; dirs[i]; i++)
		if (!strncmp(path, dirs[i], strlen(dirs[i])))
			return joinpath(a, "/usr", path);
	return NULL;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct restart_file *)a)->path,
		      ((const struct restart_file *)b)->path);
}

static int cmp_proc(const void *a, const void *b)
{
	int x = ((const struct restart_proc *)a)->pid, y = ((const struct restart_proc *)b)->pid;
	return (x > y) - (x < y);
}

static int resolve(struct ctx *c, struct vigie_error *err)
{
	struct restart_scan *s = c->out;
	struct owner **owners = NULL;
	size_t nf = 0, k = 0, np = 0;
	int rc = 0;

	for (size_t i = 0; i < s->n; i++)
		nf += s->procs[i].nfiles;
	if (!nf)
		return 0;
	if (!(owners = calloc(nf, sizeof(*owners))))
		return VIGIE_ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		for (size_t j = 0; j < s->procs[i].nfiles; j++) {
			const char *path = s->procs[i].files[j].path, *t;
			struct owner *ow = vigie_hashmap_get(&c->wanted, path, strlen(path));
			t = ow ? NULL : twin(&s->arena, path);
			if (!ow && t)
				ow = vigie_hashmap_get(&c->wanted, t, strlen(t));
			if (ow && want(c, path, ow)) {
				rc = VIGIE_ENOMEM;
				goto out;
			}
			if (!ow) {
				if (!(ow = vigie_arena_alloc(&s->arena, sizeof(*ow)))) {
					rc = VIGIE_ENOMEM;
					goto out;
				}
				memset(ow, 0, sizeof(*ow));
				if (want(c, path, ow) || (t && want(c, t, ow))) {
					rc = VIGIE_ENOMEM;
					goto out;
				}
			}
			owners[k++] = ow;
		}
	if ((rc = read_diversions(c, err)) || (rc = read_lists(c, err)))
		goto out;
	k = 0;
	for (size_t i = 0; i < s->n; i++) {
		struct restart_proc *p = &s->procs[i];
		size_t kept = 0;
		for (size_t j = 0; j < p->nfiles; j++) {
			struct owner *ow = owners[k++];
			if (!ow->package) {
				s->unowned++;
				continue;
			}
			p->files[kept] = p->files[j];
			p->files[kept].package = ow->package;
			p->files[kept].arch = ow->arch;
			kept++;
		}
		p->nfiles = kept;
		if (kept) {
			qsort(p->files, kept, sizeof(*p->files), cmp_file);
			s->procs[np++] = *p;
		}
	}
	s->n = np;
out:
	free(owners);
	return rc;
}

static int scan_pid(struct ctx *c, const char *pidname, int64_t btime,
		    struct vigie_buf *b, struct vigie_error *err)
{
	struct restart_scan *s = c->out;
	struct restart_proc p;
	char path[4096], link[4096];
	struct stat st;
	ssize_t n;
	size_t bad = 0;
	int e, rc;

	memset(&p, 0, sizeof(p));
	p.pid = atoi(pidname);
	snprintf(path, sizeof(path), "%s/%s/maps", c->proc, pidname);
	if ((e = read_small(b, path, RESTART_MAX_MAPS))) {
		if (e == -ENOMEM)
			return VIGIE_ENOMEM;
		if (e != -ENOENT && e != -ESRCH)
			s->unreadable++;
		return 0;
	}
	s->scanned++;
	c->cur = &p;
	c->curcap = 0;
	rc = vigie_procmaps_parse(b->data, b->len, path, on_map, c, &bad, NULL);
	c->cur = NULL;
	if (rc)
		return c->oom ? VIGIE_ENOMEM : rc;
	if (c->oom)
		return VIGIE_ENOMEM;
	if (bad)
		vigie_warn(err, path, 0, "%zu line(s) not understood", bad);
	if (!p.nfiles)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", c->proc, pidname);
	p.uid = stat(path, &st) ? -1 : (int)st.st_uid;
	snprintf(path, sizeof(path), "%s/%s/comm", c->proc, pidname);
	if (!read_small(b, path, 4096)) {
		if (b->len && b->data[b->len - 1] == '\n')
			b->data[--b->len] = '\0';
		p.comm = vigie_arena_strdup(&s->arena, b->data);
	} else {
		p.comm = vigie_arena_strdup(&s->arena, "");
	}
	snprintf(path, sizeof(path), "%s/%s/exe", c->proc, pidname);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	p.exe = vigie_arena_strdup(&s->arena, link);
	snprintf(path, sizeof(path), "%s/%s/stat", c->proc, pidname);
	if (!read_small(b, path, 65536))
		p.started = start_time(b->data, btime);
	snprintf(path, sizeof(path), "%s/%s/cgroup", c->proc, pidname);
	if (!read_small(b, path, 1 << 20) &&
	    vigie_restart_cgroup_parse(&p.unit, &p.container, &p.kind, b->data, &s->arena))
		return VIGIE_ENOMEM;
	if (p.pid == 1)
		p.kind = RESTART_INIT;
	if (!p.comm || !p.exe)
		return VIGIE_ENOMEM;
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 16;
		struct restart_proc *np = realloc(s->procs, nc * sizeof(*np));
		if (!np)
			return VIGIE_ENOMEM;
		s->procs = np;
		s->cap = nc;
	}
	s->procs[s->n++] = p;
	return 0;
}

int vigie_restart_scan(struct restart_scan *out, const struct restart_opts *opts,
		       struct vigie_error *err)
{
	struct restart_opts none = { NULL, NULL, NULL };
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct ctx c;
	DIR *d = NULL;
	struct dirent *de;
	size_t walked = 0;
	int64_t btime;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	vigie_arena_init(&out->arena);
	memset(&c, 0, sizeof(c));
	c.out = out;
	c.o = opts ? opts : &none;
	c.proc = c.o->proc ? c.o->proc : "/proc";
	c.root = c.o->root ? c.o->root : "/";
	vigie_hashmap_init(&c.stats);
	vigie_hashmap_init(&c.wanted);
	c.admindir = c.o->admindir ? c.o->admindir
				   : joinpath(&out->arena, c.root, "/var/lib/dpkg");
	if (!c.admindir) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	if (!(d = opendir(c.proc))) {
		rc = vigie_error_set(err, VIGIE_EIO, c.proc, 0, "cannot list processes: %s",
				     strerror(errno));
		goto out;
	}
	btime = vigie_restart_boot_time(c.proc);
	while ((de = readdir(d))) {
		const char *q = de->d_name;
		while (*q >= '0' && *q <= '9')
			q++;
		if (*q || q == de->d_name || q - de->d_name > 9)
			continue;
		if (++walked > RESTART_MAX_PROCS) {
			rc = vigie_error_set(err, VIGIE_ELIMIT, c.proc, 0,
					     "more than %d processes", RESTART_MAX_PROCS);
			goto out;
		}
		if ((rc = scan_pid(&c, de->d_name, btime, &b, err))) {
			vigie_error_set(err, rc, c.proc, 0, "out of memory");
			goto out;
		}
	}
	if ((rc = resolve(&c, err))) {
		vigie_error_set(err, rc, NULL, 0, "out of memory");
		goto out;
	}
	if (out->n)
		qsort(out->procs, out->n, sizeof(*out->procs), cmp_proc);
out:
	if (d)
		closedir(d);
	vigie_buf_release(&b);
	vigie_hashmap_release(&c.stats);
	vigie_hashmap_release(&c.wanted);
	return rc;
}

void vigie_restart_scan_release(struct restart_scan *s)
{
	if (!s)
		return;
	free(s->procs);
	vigie_arena_release(&s->arena);
	memset(s, 0, sizeof(*s));
}
