/* vigie: a host's inventory from dpkg's status file, os-release, uname. */
#define _GNU_SOURCE
#include "vigie/debian/inventory.h"
#include "vigie/render/json.h"
#include "vigie/core/deb822.h"
#include "vigie/debian/debver.h"
#include "vigie/debian/restart.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#define NAME_MAX_LEN 512     /* package, source or architecture name */
#define VERSION_MAX_LEN 1024 /* a version (real ones stay under 100) */
#define SMALL_FILE (64 * 1024) /* os-release, debian_version, hostname */
#define CSV_MAX (1024 * 1024)  /* distro-info's debian.csv */

/* dpkg's states: those whose files are on disk are kept. The strings
 * below are what the inventory points at (no copy per package). */
static const char *const states_on_disk[] = {
	"installed", "half-configured", "unpacked", "half-installed",
	"triggers-awaited", "triggers-pending", NULL
};
static const char *const states_off_disk[] = {
	"not-installed", "config-files", NULL
};

void vigie_inventory_init(struct inventory *inv)
{
	memset(inv, 0, sizeof(*inv));
	vigie_arena_init(&inv->arena);
}

void vigie_inventory_release(struct inventory *inv)
{
	vigie_arena_release(&inv->arena);
	vigie_inventory_init(inv);
}

/* dpkg's pkg_name_is_illegal(): alphanumeric first, then [a-z0-9+.-_]. */
static int valid_pkg_name(const char *s, size_t n)
{
	if (n == 0 || n > NAME_MAX_LEN || !isalnum((unsigned char)s[0]))
		return 0;
	for (size_t i = 1; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && !strchr("-+._", c))
			return 0;
	}
	return 1;
}

/* dpkg's dpkg_arch_name_is_illegal(): alphanumeric first, then [a-z0-9-]. */
static int valid_arch(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > NAME_MAX_LEN || !isalnum((unsigned char)s[0]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

static int pkg_cmp(const void *a, const void *b)
{
	const struct inventory_pkg *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->arch, y->arch);
}

void vigie_inventory_sort(struct inventory *inv)
{
	if (inv->npkgs > 1)
		qsort(inv->pkgs, inv->npkgs, sizeof(*inv->pkgs), pkg_cmp);
}

const struct inventory_pkg *vigie_inventory_find(const struct inventory *inv,
					   const char *name, const char *arch)
{
	size_t lo = 0, hi = inv->npkgs;

	if (!name)
		return NULL;
	/* lower bound of (name, arch), or of name alone */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct inventory_pkg *p = &inv->pkgs[mid];
		int c = strcmp(p->name, name);
		if (c == 0 && arch)
			c = strcmp(p->arch, arch);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == inv->npkgs || strcmp(inv->pkgs[lo].name, name))
		return NULL;
	if (arch && strcmp(inv->pkgs[lo].arch, arch))
		return NULL;
	return &inv->pkgs[lo];
}

const char *vigie_inventory_native_arch(const struct inventory *inv)
{
	const char *best = NULL;
	size_t best_n = 0;

	for (size_t i = 0; i < inv->npkgs; i++)
		if (!strcmp(inv->pkgs[i].name, "dpkg") && *inv->pkgs[i].arch &&
		    strcmp(inv->pkgs[i].arch, "all"))
			return inv->pkgs[i].arch;
	/* Few distinct architectures: count with a small table. */
	{
		const char *arch[16];
		size_t count[16], narch = 0;
		for (size_t i = 0; i < inv->npkgs; i++) {
			const char *a = inv->pkgs[i].arch;
			size_t k;
			if (!*a || !strcmp(a, "all"))
				continue;
			for (k = 0; k < narch; k++)
				if (!strcmp(arch[k], a))
					break;
			if (k == narch) {
				if (narch == 16)
					continue;
				arch[narch] = a;
				count[narch++] = 0;
			}
			if (++count[k] > best_n ||
			    (count[k] == best_n && strcmp(a, best) < 0)) {
				best_n = count[k];
				best = arch[k];
			}
		}
	}
	return best;
}

/* Per-load state: packages gather in a malloc'd vector, strings in inv's
 * arena; the vector moves into the arena once complete. */
struct loader {
	struct inventory *inv;
	const char *file;
	struct inventory_pkg *v;
	size_t n, cap;
	const char *arch_cache[8];
	size_t narch;
};

static const char *intern_arch(struct loader *L, const char *a)
{
	char *p;
	for (size_t i = 0; i < L->narch; i++)
		if (!strcmp(L->arch_cache[i], a))
			return L->arch_cache[i];
	p = vigie_arena_strdup(&L->inv->arena, a);
	if (p && L->narch < sizeof(L->arch_cache) / sizeof(L->arch_cache[0]))
		L->arch_cache[L->narch++] = p;
	return p;
}

/* Third word of "Status: want flag state", mapped to a static string.
 * Returns 1 (on disk), 0 (not on disk) or an error. */
static int parse_status(const char **state, struct loader *L, const char *v,
			unsigned long line, struct vigie_error *err)
{
	const char *w[4];
	size_t wl[4], nw = 0;
	const char *p = v;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (nw == 4)
			break;
		w[nw] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		wl[nw] = (size_t)(p - w[nw]);
		nw++;
	}
	if (nw != 3)
		return vigie_error_set(err, VIGIE_EPARSE, L->file, line,
				       "Status must have three words, got '%.80s'", v);
	for (int i = 0; states_on_disk[i]; i++)
		if (strlen(states_on_disk[i]) == wl[2] &&
		    !memcmp(states_on_disk[i], w[2], wl[2])) {
			*state = states_on_disk[i];
			return 1;
		}
	for (int i = 0; states_off_disk[i]; i++)
		if (strlen(states_off_disk[i]) == wl[2] &&
		    !memcmp(states_off_disk[i], w[2], wl[2])) {
			*state = states_off_disk[i];
			return 0;
		}
	return vigie_error_set(err, VIGIE_EPARSE, L->file, line,
			       "unknown package state '%.*s' in Status",
			       (int)(wl[2] > 40 ? 40 : wl[2]), w[2]);
}

static int check_version(struct loader *L, const char *what, const char *v,
			 unsigned long line, struct vigie_error *err)
{
	struct debver dv;
	struct vigie_error perr;
	int rc;

	if (strlen(v) > VERSION_MAX_LEN)
		return vigie_error_set(err, VIGIE_ELIMIT, L->file, line,
				       "%s longer than %d bytes", what, VERSION_MAX_LEN);
	if (!vigie_utf8_valid(v, strlen(v)))
		return vigie_error_set(err, VIGIE_EPARSE, L->file, line,
				       "invalid UTF-8 in %s", what);
	memset(&perr, 0, sizeof(perr));
	rc = vigie_debver_parse(&dv, v, &perr);
	if (rc < 0)
		return vigie_error_set(err, VIGIE_EPARSE, L->file, line,
				       "invalid %s '%.80s': %s", what, v, perr.msg);
	if (rc > 0)
		vigie_warn(err, L->file, line, "%s '%.80s': %s", what, v, perr.msg);
	return 0;
}

static int add_stanza(struct loader *L, struct deb822 *d, struct vigie_error *err)
{
	struct inventory_pkg pkg;
	struct vigie_arena *A = &L->inv->arena;
	const char *name = vigie_deb822_get(d, "Package");
	const char *status = vigie_deb822_get(d, "Status");
	const char *version = vigie_deb822_get(d, "Version");
	const char *arch = vigie_deb822_get(d, "Architecture");
	const char *source = vigie_deb822_get(d, "Source");
	unsigned long sl = vigie_deb822_stanza_line(d);
	int rc;

	memset(&pkg, 0, sizeof(pkg));
	pkg.line = sl;
	if (!name)
		return vigie_error_set(err, VIGIE_EPARSE, L->file, sl,
				       "stanza without a Package field");
	if (!valid_pkg_name(name, strlen(name)))
		return vigie_error_set(err, VIGIE_EPARSE, L->file,
				       vigie_deb822_get_line(d, "Package"),
				       "invalid package name '%.80s'", name);
	if (!status) {
		/* dpkg reads a missing Status as "not-installed". */
		vigie_warn(err, L->file, sl, "package %s has no Status field", name);
		return 0;
	}
	rc = parse_status(&pkg.status, L, status, vigie_deb822_get_line(d, "Status"), err);
	if (rc <= 0)
		return rc;
	if (!version || !*version)
		return vigie_error_set(err, VIGIE_EPARSE, L->file, sl,
				       "package %s (%s) has no Version", name, pkg.status);
	if ((rc = check_version(L, "version", version,
				vigie_deb822_get_line(d, "Version"), err)))
		return rc;
	if (!arch || !*arch) {
		vigie_warn(err, L->file, sl, "package %s has no Architecture", name);
		arch = "";
	} else if (!valid_arch(arch)) {
		return vigie_error_set(err, VIGIE_EPARSE, L->file,
				       vigie_deb822_get_line(d, "Architecture"),
				       "invalid architecture '%.80s'", arch);
	}
	if (L->n == INVENTORY_MAX_PKGS)
		return vigie_error_set(err, VIGIE_ELIMIT, L->file, sl,
				       "more than %d installed packages",
				       INVENTORY_MAX_PKGS);

	if (!(pkg.name = vigie_arena_strdup(A, name)) ||
	    !(pkg.version = vigie_arena_strdup(A, version)) ||
	    !(pkg.arch = intern_arch(L, arch)))
		goto nomem;
	pkg.source = pkg.name;
	pkg.source_version = pkg.version;
	if (source) {
		/* "name" or "name (version)" */
		unsigned long srcl = vigie_deb822_get_line(d, "Source");
		size_t nl = strcspn(source, " \t(");
		const char *rest = source + nl;
		if (!valid_pkg_name(source, nl))
			return vigie_error_set(err, VIGIE_EPARSE, L->file, srcl,
					       "invalid Source '%.80s'", source);
		while (*rest == ' ' || *rest == '\t')
			rest++;
		if (*rest) {
			size_t rl = strlen(rest);
			char *sv;
			if (rest[0] != '(' || rest[rl - 1] != ')' || rl < 3)
				return vigie_error_set(err, VIGIE_EPARSE, L->file, srcl,
						       "invalid Source '%.80s': expected "
						       "'name (version)'", source);
			if (!(sv = vigie_arena_strndup(A, rest + 1, rl - 2)))
				goto nomem;
			vigie_strip(sv);
			if ((rc = check_version(L, "source version", sv, srcl, err)))
				return rc;
			if (strcmp(sv, pkg.version))
				pkg.source_version = sv;
		}
		if (nl != strlen(name) || memcmp(source, name, nl))
			if (!(pkg.source = vigie_arena_strndup(A, source, nl)))
				goto nomem;
	}
	if (L->n == L->cap) {
		size_t nc = L->cap ? L->cap * 2 : 1024;
		struct inventory_pkg *nv;
		if (nc > INVENTORY_MAX_PKGS)
			nc = INVENTORY_MAX_PKGS;
		nv = realloc(L->v, nc * sizeof(*nv));
		if (!nv)
			goto nomem;
		L->v = nv;
		L->cap = nc;
	}
	L->v[L->n++] = pkg;
	return 0;
nomem:
	return vigie_error_set(err, VIGIE_ENOMEM, L->file, sl, "out of memory");
}

int vigie_inventory_load_status_reader(struct inventory *inv, struct vigie_reader *r,
				 struct vigie_error *err)
{
	struct loader L;
	struct deb822 *d = NULL;
	char *fname = NULL;
	size_t stanzas = 0;
	int rc;

	memset(&L, 0, sizeof(L));
	L.inv = inv;
	inv->pkgs = NULL;
	inv->npkgs = 0;
	if (!(fname = vigie_arena_strdup(&inv->arena, vigie_reader_name(r)))) {
		vigie_reader_free(r);
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	}
	L.file = fname;
	if ((rc = vigie_deb822_open_reader(&d, r, 0, err)))
		goto out;
	while ((rc = vigie_deb822_next(d, err)) > 0) {
		stanzas++;
		if ((rc = add_stanza(&L, d, err)))
			goto out;
	}
	if (rc < 0)
		goto out;
	/* dpkg writes the whole file and ends it with a newline: without
	 * one, the copy was cut (a full disk, a partial transfer) and its
	 * last stanza may carry a cut version; without any stanza, there
	 * is nothing to judge. Either would be scanned as "clean". r stays
	 * valid: d owns it until vigie_deb822_free. */
	if (vigie_reader_partial(r)) {
		rc = vigie_error_set(err, VIGIE_EPARSE, L.file, vigie_reader_lineno(r),
				     "truncated: the last line has no newline "
				     "(dpkg ends the status file with one)");
		goto out;
	}
	if (!stanzas) {
		rc = vigie_error_set(err, VIGIE_EPARSE, L.file, 0,
				     "empty status file: no package stanza");
		goto out;
	}
	if (L.n > 1)
		qsort(L.v, L.n, sizeof(*L.v), pkg_cmp);
	for (size_t i = 1; i < L.n; i++)
		if (!pkg_cmp(&L.v[i - 1], &L.v[i])) {
			const struct inventory_pkg *later =
				L.v[i].line > L.v[i - 1].line ? &L.v[i] : &L.v[i - 1];
			rc = vigie_error_set(err, VIGIE_EPARSE, L.file, later->line,
					     "package %s:%s listed twice", later->name,
					     later->arch);
			goto out;
		}
	if (L.n) {
		inv->pkgs = vigie_arena_alloc(&inv->arena, L.n * sizeof(*L.v));
		if (!inv->pkgs) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, L.file, 0, "out of memory");
			goto out;
		}
		memcpy(inv->pkgs, L.v, L.n * sizeof(*L.v));
		inv->npkgs = L.n;
	}
	inv->status_path = fname;
	inv->arch = vigie_inventory_native_arch(inv);
	rc = 0;
out:
	vigie_deb822_free(d);
	free(L.v);
	return rc;
}

int vigie_inventory_load_status(struct inventory *inv, const char *path,
			  struct vigie_error *err)
{
	struct vigie_reader *r;
	int rc = vigie_reader_open(&r, path, err);
	if (rc)
		return rc;
	return vigie_inventory_load_status_reader(inv, r, err);
}

int vigie_inventory_load_status_mem(struct inventory *inv, const void *data,
			      size_t len, const char *name,
			      struct vigie_error *err)
{
	struct vigie_reader *r;
	int rc = vigie_reader_open_mem(&r, data, len, name ? name : "<memory>", err);
	if (rc)
		return rc;
	return vigie_inventory_load_status_reader(inv, r, err);
}

/* ---- release, kernel, host ---- */

static void join(char *buf, size_t size, const char *root, const char *rel)
{
	size_t rl = strlen(root);
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	if (rl == 1 && root[0] == '/')
		rl = 0;
	snprintf(buf, size, "%.*s%s", (int)rl, root, rel);
}

/* 1..max bytes, each an ASCII letter or digit or one of extra. */
static int valid_chars(const char *s, size_t max, const char *extra)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr(extra, s[i]))
			return 0;
	return 1;
}

/* A word safe to show and store: [A-Za-z0-9._+~-], 1..64 bytes. */
static int valid_word(const char *s)
{
	return valid_chars(s, 64, "._+~-");
}

/* Read a small text file; 1 when read, 0 when absent, <0 on error. */
static int read_small(struct vigie_buf *b, const char *path, struct vigie_error *err)
{
	if (access(path, F_OK) != 0)
		return 0;
	if (vigie_read_file(b, path, SMALL_FILE, err))
		return err ? err->code : VIGIE_EIO;
	return 1;
}

/* os-release(5) value: shell-like quoting ("..." with \ escapes, '...'). */
static void osr_unquote(char *v)
{
	char *o = v, q = 0;
	const char *p = v;
	if (*p == '"' || *p == '\'')
		q = *p++;
	while (*p) {
		if (q && *p == q)
			break;
		if (!q && (*p == ' ' || *p == '\t' || *p == '#'))
			break;
		if (q == '"' && *p == '\\' && p[1] && strchr("\\\"$`", p[1]))
			p++;
		*o++ = *p++;
	}
	*o = '\0';
}

struct osrel {
	char codename[72];
	char version_id[72];
};

static int parse_os_release(struct osrel *o, const char *path,
			    struct vigie_error *err)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	char *line, *save = NULL;
	int rc;

	memset(o, 0, sizeof(*o));
	rc = read_small(&b, path, err);
	if (rc <= 0)
		goto out;
	for (line = strtok_r(b.data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *eq, *key;
		key = line + strspn(line, " \t");
		if (*key == '#' || !(eq = strchr(key, '=')))
			continue;
		*eq = '\0';
		osr_unquote(eq + 1);
		if (!strcmp(key, "VERSION_CODENAME") && valid_word(eq + 1))
			snprintf(o->codename, sizeof(o->codename), "%s", eq + 1);
		else if (!strcmp(key, "VERSION_ID") && valid_word(eq + 1))
			snprintf(o->version_id, sizeof(o->version_id), "%s", eq + 1);
	}
	rc = 1;
out:
	vigie_buf_release(&b);
	return rc;
}

char *vigie_inventory_distro_info_lookup(const char *csv_path, const char *version,
				   const char *codename)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct vigie_error e;
	char *line, *save = NULL, *found = NULL, *major_found = NULL;
	size_t majlen = 0;
	int first = 1;

	memset(&e, 0, sizeof(e));
	if (access(csv_path, F_OK) != 0 || vigie_read_file(&b, csv_path, CSV_MAX, &e))
		goto out;
	if (version)
		majlen = strcspn(version, ".");
	for (line = strtok_r(b.data, "\r\n", &save); line && !found;
	     line = strtok_r(NULL, "\r\n", &save)) {
		/* version,codename,series,created,release,eol,... */
		char *col[3] = { NULL, NULL, NULL };
		char *p = line;
		int i;
		for (i = 0; i < 3 && p; i++) {
			char *c = strchr(p, ',');
			col[i] = p;
			if (c)
				*c = '\0';
			p = c ? c + 1 : NULL;
		}
		if (first) {
			first = 0;
			if (col[0] && !strcmp(col[0], "version"))
				continue;
		}
		if (i < 3 || !col[2] || !valid_word(col[2]))
			continue;
		if (version) {
			if (!*col[0])
				continue;
			if (!strcmp(col[0], version))
				found = strdup(col[2]);
			else if (!major_found && strlen(col[0]) == majlen &&
				 !strncmp(col[0], version, majlen))
				major_found = strdup(col[2]);
		} else if (codename && !strcmp(col[2], codename) && *col[0] &&
			   valid_word(col[0])) {
			found = strdup(col[0]);
		}
	}
	if (!found) {
		found = major_found;
		major_found = NULL;
	}
out:
	free(major_found);
	vigie_buf_release(&b);
	return found;
}

int vigie_inventory_kernel_version_from_proc(const char *text, char *out, size_t size)
{
	const char *p = NULL, *q = text, *e;
	struct debver dv;
	size_t n;

	/* The last "Debian <version>" (the first ones name the compiler). */
	while ((q = strstr(q, "Debian ")) != NULL) {
		p = q + 7;
		q = p;
	}
	if (!p)
		return VIGIE_ENOTFOUND;
	e = p + strcspn(p, " \t\n()");
	n = (size_t)(e - p);
	if (n == 0 || n >= size)
		return VIGIE_ENOTFOUND;
	memcpy(out, p, n);
	out[n] = '\0';
	if (!isdigit((unsigned char)out[0]) || vigie_debver_parse(&dv, out, NULL) < 0)
		return VIGIE_ENOTFOUND;
	return 0;
}

static int valid_hostname(const char *s)
{
	return valid_chars(s, 253, ".-_");
}

static char *csv_lookup(const char *root, const char *version,
			const char *codename)
{
	char rootcsv[4096];
	char *r;
	join(rootcsv, sizeof(rootcsv), root, "/usr/share/distro-info/debian.csv");
	r = vigie_inventory_distro_info_lookup(rootcsv, version, codename);
	if (!r)
		r = vigie_inventory_distro_info_lookup("/usr/share/distro-info/debian.csv",
						 version, codename);
	return r;
}

/* Codename and version from os-release, else debian_version (+ distro-info).
 * A codename given by the caller (inv->release) wins; the version is then
 * taken from the files only when they name the same release. */
static int detect_release(struct inventory *inv, const char *root,
			  struct vigie_error *err)
{
	struct vigie_arena *A = &inv->arena;
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct osrel o;
	char path[4096];
	char *csv = NULL;
	const char *codename, *version;
	int rc;

	join(path, sizeof(path), root, "/etc/os-release");
	rc = parse_os_release(&o, path, err);
	if (rc == 0) {
		join(path, sizeof(path), root, "/usr/lib/os-release");
		rc = parse_os_release(&o, path, err);
	}
	if (rc < 0)
		goto out;
	codename = o.codename[0] ? o.codename : NULL;
	version = o.version_id[0] ? o.version_id : NULL;
	if (!codename || !version) {
		join(path, sizeof(path), root, "/etc/debian_version");
		rc = read_small(&b, path, err);
		if (rc < 0)
			goto out;
		if (rc > 0) {
			char *v = b.data;
			v[strcspn(v, "\r\n")] = '\0';
			vigie_strip(v);
			if (isdigit((unsigned char)v[0]) && valid_word(v)) {
				if (!version)
					version = v;
				if (!codename)
					codename = csv = csv_lookup(root, v, NULL);
			} else {
				v[strcspn(v, "/")] = '\0';
				if (!codename && valid_word(v))
					codename = v;
			}
		}
	}
	if (inv->release) {
		if (!codename || strcmp(codename, inv->release))
			version = NULL;
	} else if (codename && !(inv->release = vigie_arena_strdup(A, codename))) {
		goto nomem;
	}
	if (version) {
		if (!(inv->release_version = vigie_arena_strdup(A, version)))
			goto nomem;
	} else if (inv->release) {
		free(csv);
		csv = csv_lookup(root, NULL, inv->release);
		if (csv && !(inv->release_version = vigie_arena_strdup(A, csv)))
			goto nomem;
	}
	rc = 0;
	goto out;
nomem:
	rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
out:
	free(csv);
	vigie_buf_release(&b);
	return rc;
}

static int detect_host(struct inventory *inv, const char *root,
		       struct vigie_error *err)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	char path[4096], hn[256];
	int rc = 0;

	if (root) {
		join(path, sizeof(path), root, "/etc/hostname");
		rc = read_small(&b, path, err);
		if (rc < 0)
			goto out;
		if (rc > 0) {
			char *v = b.data;
			v[strcspn(v, "\r\n")] = '\0';
			vigie_strip(v);
			if (!valid_hostname(v)) {
				rc = vigie_error_set(err, VIGIE_EPARSE, path, 1,
						     "invalid host name '%.80s'", v);
				goto out;
			}
			inv->host = vigie_arena_strdup(&inv->arena, v);
			rc = inv->host ? 0 : VIGIE_ENOMEM;
			goto out;
		}
	}
	rc = 0;
	if (gethostname(hn, sizeof(hn)) == 0) {
		hn[sizeof(hn) - 1] = '\0';
		if (valid_hostname(hn) &&
		    !(inv->host = vigie_arena_strdup(&inv->arena, hn)))
			rc = VIGIE_ENOMEM;
	}
out:
	if (rc == VIGIE_ENOMEM)
		vigie_error_set(err, rc, NULL, 0, "out of memory");
	vigie_buf_release(&b);
	return rc;
}

static int detect_kernel(struct inventory *inv, struct vigie_error *err)
{
	struct utsname u;
	struct vigie_buf b = VIGIE_BUF_INIT;
	struct vigie_error e;
	char ver[256];

	if (uname(&u) == 0 &&
	    !(inv->kernel_release = vigie_arena_strdup(&inv->arena, u.release)))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	memset(&e, 0, sizeof(e));
	if (vigie_read_file(&b, "/proc/version", SMALL_FILE, &e) == 0 &&
	    vigie_inventory_kernel_version_from_proc(b.data, ver, sizeof(ver)) == 0 &&
	    !(inv->kernel_version = vigie_arena_strdup(&inv->arena, ver))) {
		vigie_buf_release(&b);
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	}
	vigie_buf_release(&b);
	inv->booted_at = vigie_restart_boot_time(NULL);
	return 0;
}

int vigie_inventory_load(struct inventory *inv, const struct inventory_opts *opts,
		   struct vigie_error *err)
{
	static const struct inventory_opts none;
	const char *root, *status;
	char path[4096];
	int rc, live;

	if (!opts)
		opts = &none;
	live = !opts->root && !opts->status_file;
	root = opts->root ? opts->root : "/";
	if (opts->status_file) {
		status = opts->status_file;
	} else {
		join(path, sizeof(path), root, "/var/lib/dpkg/status");
		status = path;
	}
	if ((rc = vigie_inventory_load_status(inv, status, err)))
		return rc;
	inv->inventoried_at = vigie_now();
	if (opts->release && !valid_word(opts->release))
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "invalid release name '%.80s'", opts->release);
	if (opts->release &&
	    !(inv->release = vigie_arena_strdup(&inv->arena, opts->release)))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	/* A status file alone says nothing of its host's release: this
	 * machine's os-release would be a guess, so the release stays unknown
	 * unless given (the commands then ask for --release). */
	if ((opts->release || !opts->status_file || opts->root) &&
	    (rc = detect_release(inv, root, err)))
		return rc;
	if (opts->kernel) {
		if (!valid_word(opts->kernel))
			return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
					       "invalid kernel release '%.80s'",
					       opts->kernel);
		if (!(inv->kernel_release = vigie_arena_strdup(&inv->arena, opts->kernel)))
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	} else if (live && (rc = detect_kernel(inv, err))) {
		return rc;
	}
	if (opts->host) {
		if (!valid_hostname(opts->host))
			return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
					       "invalid host name '%.80s'", opts->host);
		if (!(inv->host = vigie_arena_strdup(&inv->arena, opts->host)))
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	} else if ((rc = detect_host(inv, opts->root, err))) {
		return rc;
	}
	return 0;
}

/* ---- JSON ---- */

void vigie_inventory_json_fields(yajl_gen g, const struct inventory *inv)
{
	vigie_json_kv_str(g, "schema", "vigie.inventory/1");
	vigie_json_kv_str(g, "host", inv->host);
	vigie_json_kv_str(g, "release", inv->release);
	vigie_json_kv_str(g, "release_version", inv->release_version);
	vigie_json_kv_str(g, "arch", inv->arch);
	vigie_json_key(g, "kernel");
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "release", inv->kernel_release);
	vigie_json_kv_str(g, "version", inv->kernel_version);
	if (inv->booted_at)
		vigie_json_kv_time(g, "booted_at", inv->booted_at);
	yajl_gen_map_close(g);
	vigie_json_key(g, "packages");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < inv->npkgs; i++) {
		const struct inventory_pkg *p = &inv->pkgs[i];
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "name", p->name);
		vigie_json_kv_str(g, "arch", p->arch);
		vigie_json_kv_str(g, "version", p->version);
		vigie_json_kv_str(g, "source", p->source);
		vigie_json_kv_str(g, "source_version", p->source_version);
		vigie_json_kv_str(g, "status", p->status);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

int vigie_inventory_write_json(const struct inventory *inv, struct vigie_buf *out)
{
	yajl_gen g = vigie_json_gen_alloc();
	const unsigned char *buf;
	size_t len;
	int rc;

	if (!g)
		return VIGIE_ENOMEM;
	yajl_gen_map_open(g);
	vigie_inventory_json_fields(g, inv);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	rc = vigie_buf_add(out, buf, len);
	yajl_gen_free(g);
	return rc;
}
