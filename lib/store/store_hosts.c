/* vigie store: hosts, their packages and services. */
#include "store/store_internal.h"
#include "vigie/debian/inventory.h"
#include "vigie/core/hashmap.h"
#include "vigie/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOST_NAME_MAX_LEN 253
#define SERVICE_NAME_MAX_LEN 128

/* Own a transaction, or nest as a savepoint inside the caller's. */
static int tx_enter(struct vigie_store *s, int *own, struct vigie_error *err)
{
	*own = !s->in_tx;
	if (*own)
		return vigie_store_begin(s, err);
	return vigie_store_exec(s, "SAVEPOINT vigie_hosts", err);
}

static int tx_leave(struct vigie_store *s, int own, int rc, struct vigie_error *err)
{
	if (own) {
		if (rc) {
			vigie_store_rollback(s);
			return rc;
		}
		return vigie_store_commit(s, err);
	}
	if (rc) {
		vigie_store_reset_all(s);
		vigie_store_exec(s, "ROLLBACK TO vigie_hosts", NULL);
		vigie_store_exec(s, "RELEASE vigie_hosts", NULL);
		return rc;
	}
	return vigie_store_exec(s, "RELEASE vigie_hosts", err);
}

static int check_name(const char *what, const char *v, size_t max,
		      struct vigie_error *err)
{
	size_t n = v ? strlen(v) : 0;
	if (n == 0)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "%s is empty", what);
	if (n > max)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "%s longer than %zu bytes", what, max);
	if (!vigie_utf8_valid(v, n))
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "%s is not valid UTF-8", what);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
					       "%s has control characters", what);
	return 0;
}

int vigie_store_host_id(struct vigie_store *s, const char *name, int64_t *id,
		  struct vigie_error *err)
{
	static const char sql[] = "SELECT id FROM hosts WHERE name=?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, name);
	rc = vdb_step(st);
	if (rc == VIGIE_STEP_ROW) {
		*id = vdb_col_int64(st, 0);
		rc = 0;
	} else if (rc == VIGIE_STEP_DONE) {
		rc = vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0, "no host named '%s'", name);
	} else {
		rc = vigie_store_dberr(s, err, "find host");
	}
	vdb_reset(st);
	return rc;
}

int vigie_store_host_ensure(struct vigie_store *s, const char *name, int64_t *id,
		      struct vigie_error *err)
{
	static const char ins[] = "INSERT INTO hosts(name) VALUES(?) ON CONFLICT DO NOTHING";
	struct vigie_stmt *st;
	int rc;

	if ((rc = check_name("host name", name, HOST_NAME_MAX_LEN, err)))
		return rc;
	if (!(st = vigie_store_stmt(s, ins, err)))
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, name);
	if ((rc = vigie_store_step_done(s, st, err, "insert host")))
		return rc;
	return vigie_store_host_id(s, name, id, err);
}

static int same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The values a package row stores (defaults as the columns take them). */
/* "PACKAGE\037ARCH" in key (reset first): a package row's identity */
static int pkg_key(struct vigie_buf *key, const char *name, const char *arch)
{
	vigie_buf_reset(key);
	return vigie_buf_add(key, name, strlen(name)) || vigie_buf_add(key, "\037", 1) ||
	       vigie_buf_add(key, arch, strlen(arch));
}

static void pkg_vals(const struct inventory_pkg *p, const char *v[6])
{
	v[0] = p->name;
	v[1] = p->arch ? p->arch : "";
	v[2] = p->version;
	v[3] = p->source ? p->source : p->name;
	v[4] = p->source_version ? p->source_version : p->version;
	v[5] = p->status ? p->status : "installed";
}

void vigie_store_host_changes_release(struct store_host_changes *ch)
{
	if (ch)
		vigie_strv_release(&ch->sources);
}

static int note_source(struct store_host_changes *ch, const char *src)
{
	if (!ch || ch->sources_over || !src || vigie_strv_contains(&ch->sources, src))
		return 0;
	if (ch->sources.n == STORE_CHANGED_SOURCES_MAX) {
		ch->sources_over = 1;
		return 0;
	}
	return vigie_strv_push(&ch->sources, src);
}

/* Every package of inv through one COPY (remote drivers). */
static int copy_packages(struct vigie_store *s, int64_t id, const struct inventory *inv,
			 const unsigned char *only, struct vigie_error *err)
{
	static const char *const cols[] = { "host_id", "package", "arch", "version",
					    "source", "source_version", "status" };
	char idbuf[24];
	int64_t skipped = 0;
	int rc;
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	if (s->drv->bulk_begin(s->conn, "host_packages", cols, 7))
		return vigie_store_dberr(s, err, "store host packages");
	for (size_t i = 0; i < inv->npkgs; i++) {
		const char *vals[7] = { idbuf };
		if (only && !only[i])
			continue;
		pkg_vals(&inv->pkgs[i], vals + 1);
		if (s->drv->bulk_row(s->conn, vals)) {
			rc = vigie_store_dberr(s, err, "store host package");
			s->drv->bulk_end(s->conn, &skipped);
			return rc;
		}
	}
	if (s->drv->bulk_end(s->conn, &skipped))
		return vigie_store_dberr(s, err, "store host packages");
	return 0;
}

/* One statement with a package row's key (and values) bound, stepped. */
static int pkg_step(struct vigie_store *s, const char *sql, int64_t id, const char *const *v,
		    int nvals, const char *what, struct vigie_error *err)
{
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, id);
	for (int k = 0; k < nvals; k++)
		vigie_store_bind_text(st, 2 + k, v[k]);
	return vigie_store_step_done(s, st, err, what);
}

/* Make host id's package rows those of inv, writing only the rows that
 * differ: the stored rows are read once and compared by (package, arch);
 * a host seen for the first time (fresh) has none to read. A remote
 * driver takes many new rows in one COPY, and rewrites the whole set
 * when most of it changed. */
static int put_packages(struct vigie_store *s, int64_t id, const struct inventory *inv,
			int fresh, struct store_host_changes *ch, struct vigie_error *err)
{
	static const char sel[] =
		"SELECT package, arch, version, source, source_version, status"
		" FROM host_packages WHERE host_id=?";
	static const char delall[] = "DELETE FROM host_packages WHERE host_id=?";
	static const char del[] = "DELETE FROM host_packages WHERE host_id=?1"
				  " AND package=?2 AND arch=?3";
	static const char upd[] =
		"UPDATE host_packages SET version=?4, source=?5, source_version=?6, status=?7"
		" WHERE host_id=?1 AND package=?2 AND arch=?3";
	static const char ins[] =
		"INSERT INTO host_packages(host_id, package, arch, version, source,"
		" source_version, status) VALUES(?,?,?,?,?,?,?)";
	struct pkgrow {
		const char *v[6];
		int seen;
	};
	struct vigie_hashmap rows;
	struct vigie_arena A;
	struct vigie_buf key = VIGIE_BUF_INIT;
	unsigned char *add = NULL;
	struct vigie_stmt *st;
	size_t nadd = 0, nchg = 0, ndel = 0, nstored = 0;
	int rc = 0, step;

	vigie_hashmap_init(&rows);
	vigie_arena_init(&A);
	if (inv->npkgs && !(add = calloc(inv->npkgs, 1))) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	if (!fresh) {
		if (!(st = vigie_store_stmt(s, sel, err))) {
			rc = VIGIE_EDB;
			goto out;
		}
		vigie_store_bind_int64(st, 1, id);
		while ((step = vdb_step(st)) == VIGIE_STEP_ROW) {
			struct pkgrow *r = vigie_arena_alloc(&A, sizeof(*r));
			void **slot;
			char *k;
			if (!r) {
				vdb_reset(st);
				rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
				goto out;
			}
			r->seen = 0;
			for (int c = 0; c < 6; c++)
				r->v[c] = vigie_arena_strdup(&A, vigie_store_col_text(st, c));
			k = r->v[0] && r->v[1] && !pkg_key(&key, r->v[0], r->v[1])
				    ? vigie_arena_strndup(&A, key.data, key.len)
				    : NULL;
			if (!k || !(slot = vigie_hashmap_slot(&rows, k, strlen(k)))) {
				vdb_reset(st);
				rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
				goto out;
			}
			*slot = r;
			nstored++;
		}
		vdb_reset(st);
		if (step != VIGIE_STEP_DONE) {
			rc = vigie_store_dberr(s, err, "read host packages");
			goto out;
		}
	}
	/* what differs, before writing anything */
	for (size_t i = 0; i < inv->npkgs; i++) {
		const char *v[6];
		struct pkgrow *r;
		pkg_vals(&inv->pkgs[i], v);
		if (pkg_key(&key, v[0], v[1])) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		r = nstored ? vigie_hashmap_get(&rows, key.data, key.len) : NULL;
		if (!r) {
			add[i] = 1;
			nadd++;
			if (note_source(ch, v[3]))
				goto oom;
			continue;
		}
		r->seen = 1;
		if (!same_text(r->v[2], v[2]) || !same_text(r->v[3], v[3]) ||
		    !same_text(r->v[4], v[4]) || !same_text(r->v[5], v[5])) {
			add[i] = 2;
			nchg++;
			if (note_source(ch, v[3]) || note_source(ch, r->v[3]))
				goto oom;
		}
	}
	for (size_t b = 0; b < rows.cap; b++) {
		const struct pkgrow *r = rows.vals[b];
		if (rows.keys[b] && r && !r->seen && note_source(ch, r->v[3]))
			goto oom;
	}
	ndel = nstored - (inv->npkgs - nadd);
	if (s->drv->remote && nstored && (nchg + ndel) * 2 > nstored) {
		/* most rows differ: one DELETE and one COPY beat a round trip each */
		struct vigie_stmt *d = vigie_store_stmt(s, delall, err);
		if (!d) {
			rc = VIGIE_EDB;
			goto out;
		}
		vigie_store_bind_int64(d, 1, id);
		if ((rc = vigie_store_step_done(s, d, err, "delete host packages")) ||
		    (rc = copy_packages(s, id, inv, NULL, err)))
			goto out;
		goto counted;
	}
	for (size_t b = 0; ndel && b < rows.cap; b++) {
		const struct pkgrow *r = rows.vals[b];
		if (!rows.keys[b] || !r || r->seen)
			continue;
		if ((rc = pkg_step(s, del, id, r->v, 2, "delete host package",
				   err)))
			goto out;
	}
	for (size_t i = 0; nchg && i < inv->npkgs; i++) {
		const char *v[6];
		if (add[i] != 2)
			continue;
		pkg_vals(&inv->pkgs[i], v);
		if ((rc = pkg_step(s, upd, id, v, 6, "store host package", err)))
			goto out;
	}
	if (s->drv->remote && nadd > 16) {
		/* one COPY instead of a round trip per package */
		for (size_t i = 0; i < inv->npkgs; i++)
			add[i] = add[i] == 1;
		if ((rc = copy_packages(s, id, inv, add, err)))
			goto out;
	} else {
		for (size_t i = 0; nadd && i < inv->npkgs; i++) {
			const char *v[6];
			if (add[i] != 1)
				continue;
			pkg_vals(&inv->pkgs[i], v);
			if ((rc = pkg_step(s, ins, id, v, 6, "store host package", err)))
				goto out;
		}
	}
counted:
	if (ch) {
		ch->added = nadd;
		ch->changed = nchg;
		ch->removed = ndel;
	}
	goto out;
oom:
	rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
out:
	free(add);
	vigie_buf_release(&key);
	vigie_hashmap_release(&rows);
	vigie_arena_release(&A);
	return rc;
}

/* ---- the host's (source, version) pairs in one row ---- */
struct pair_ref {
	const char *source, *version;
};

static int cmp_pair_ref(const void *pa, const void *pb)
{
	const struct pair_ref *a = pa, *b = pb;
	int c = strcmp(a->source, b->source);
	return c ? c : strcmp(a->version, b->version);
}

/* inv's distinct pairs as lines into out; 1 when one cannot be a line */
static int pairs_text(const struct inventory *inv, struct vigie_buf *out, int *bad)
{
	struct pair_ref *v;
	size_t n = 0;
	int oom = 0;
	*bad = 0;
	vigie_buf_reset(out);
	if (!inv->npkgs)
		return vigie_buf_add(out, "", 0) ? VIGIE_ENOMEM : 0;
	if (!(v = malloc(inv->npkgs * sizeof(*v))))
		return VIGIE_ENOMEM;
	for (size_t i = 0; i < inv->npkgs; i++) {
		const char *pv[6];
		pkg_vals(&inv->pkgs[i], pv);
		if (strpbrk(pv[3], "\t\n") || strpbrk(pv[4], "\t\n")) {
			*bad = 1;
			free(v);
			return 0;
		}
		v[n].source = pv[3];
		v[n].version = pv[4];
		n++;
	}
	qsort(v, n, sizeof(*v), cmp_pair_ref);
	for (size_t i = 0; i < n && !oom; i++) {
		if (i && !cmp_pair_ref(&v[i - 1], &v[i]))
			continue;
		oom = vigie_buf_adds(out, v[i].source) || vigie_buf_addc(out, '\t') ||
		      vigie_buf_adds(out, v[i].version) || vigie_buf_addc(out, '\n');
	}
	free(v);
	return oom ? VIGIE_ENOMEM : 0;
}

int vigie_store_host_pairs_put(struct vigie_store *s, int64_t host_id,
			       const struct inventory *inv, struct vigie_error *err)
{
	static const char put[] =
		"INSERT INTO host_pairs(host_id, npackages, pairs) VALUES(?,?,?)"
		" ON CONFLICT(host_id) DO UPDATE SET npackages=excluded.npackages,"
		" pairs=excluded.pairs";
	static const char del[] = "DELETE FROM host_pairs WHERE host_id=?";
	struct vigie_buf text = VIGIE_BUF_INIT;
	struct vigie_stmt *st;
	int bad, rc;
	if ((rc = pairs_text(inv, &text, &bad))) {
		vigie_buf_release(&text);
		return vigie_error_set(err, rc, NULL, 0, "out of memory");
	}
	if (!(st = vigie_store_stmt(s, bad ? del : put, err))) {
		vigie_buf_release(&text);
		return VIGIE_EDB;
	}
	vigie_store_bind_int64(st, 1, host_id);
	if (!bad) {
		vigie_store_bind_int64(st, 2, (int64_t)inv->npkgs);
		vigie_store_bind_text(st, 3, text.data ? text.data : "");
	}
	rc = vigie_store_step_done(s, st, err, "store host pairs");
	vigie_buf_release(&text);
	return rc;
}

int vigie_store_host_pairs_get(struct vigie_store *s, int64_t host_id, struct vigie_buf *out,
			       int *found, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT p.pairs FROM host_pairs p JOIN hosts h ON h.id = p.host_id"
		" WHERE p.host_id = ? AND p.npackages = h.npackages";
	struct vigie_stmt *st;
	int step, rc = 0;
	*found = 0;
	vigie_buf_reset(out);
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	if ((step = vdb_step(st)) == VIGIE_STEP_ROW) {
		const char *t = vigie_store_col_text(st, 0);
		*found = t != NULL;
		if (t && vigie_buf_add(out, t, strlen(t)))
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		step = vdb_step(st);
	}
	vdb_reset(st);
	if (!rc && step != VIGIE_STEP_DONE)
		rc = vigie_store_dberr(s, err, "read host pairs");
	return rc;
}

int vigie_store_host_sources_of(struct vigie_store *s, int64_t host_id,
				const char *const *packages, size_t n, struct vigie_strv *out,
				struct vigie_error *err)
{
	static const char sql[] =
		"SELECT DISTINCT source FROM host_packages WHERE host_id=? AND package IN ("
		VIGIE_STORE_IN64;
	struct vigie_stmt *st;
	int step = VIGIE_STEP_DONE, rc = 0;
	if (n > 64)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "more than 64 packages");
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	vigie_store_bind_in64(st, 2, packages, n);
	while (!rc && (step = vdb_step(st)) == VIGIE_STEP_ROW) {
		const char *src = vigie_store_col_text(st, 0);
		if (src && vigie_strv_push_unique(out, src))
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	}
	vdb_reset(st);
	if (!rc && step != VIGIE_STEP_DONE)
		rc = vigie_store_dberr(s, err, "read host packages");
	return rc;
}

int vigie_store_host_put(struct vigie_store *s, const struct inventory *inv,
		   const char *client, const char *origin, int64_t *host_id,
		   struct vigie_error *err)
{
	return vigie_store_host_put_changes(s, inv, client, origin, host_id, NULL, err);
}

int vigie_store_host_put_changes(struct vigie_store *s, const struct inventory *inv,
				 const char *client, const char *origin, int64_t *host_id,
				 struct store_host_changes *ch, struct vigie_error *err)
{
	static const char old[] =
		"SELECT id, release, arch, kernel_release, kernel_version FROM hosts WHERE name=?";
	static const char sql[] =
		"INSERT INTO hosts(name, client, release, arch, kernel_release,"
		" kernel_version, inventoried_at, origin, npackages) VALUES(?,?,?,?,?,?,?,?,?)"
		" ON CONFLICT(name) DO UPDATE SET"
		" client=COALESCE(excluded.client, hosts.client),"
		" release=excluded.release, arch=excluded.arch,"
		" kernel_release=excluded.kernel_release,"
		" kernel_version=excluded.kernel_version,"
		" inventoried_at=excluded.inventoried_at, origin=excluded.origin,"
		" npackages=excluded.npackages";
	struct store_host_changes mine;
	struct vigie_stmt *st;
	int64_t id = 0;
	int rc, own, step;

	if (!ch)
		ch = &mine;
	memset(ch, 0, sizeof(*ch));
	vigie_strv_init(&ch->sources);
	if ((rc = check_name("host name", inv->host, HOST_NAME_MAX_LEN, err)) ||
	    (client && (rc = check_name("client name", client, HOST_NAME_MAX_LEN, err))))
		return rc;
	for (size_t i = 0; i < inv->npkgs; i++)
		if (!inv->pkgs[i].name || !inv->pkgs[i].version)
			return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
					       "package %zu has no name or version", i);
	if ((rc = tx_enter(s, &own, err)))
		return rc;
	/* what the host row said before: a new release or kernel is a change */
	if (!(st = vigie_store_stmt(s, old, err))) {
		rc = VIGIE_EDB;
		goto out;
	}
	vigie_store_bind_text(st, 1, inv->host);
	if ((step = vdb_step(st)) == VIGIE_STEP_ROW) {
		ch->existed = 1;
		ch->host_changed = !same_text(vigie_store_col_text(st, 1), inv->release) ||
				   !same_text(vigie_store_col_text(st, 2), inv->arch) ||
				   !same_text(vigie_store_col_text(st, 3), inv->kernel_release) ||
				   !same_text(vigie_store_col_text(st, 4), inv->kernel_version);
	} else if (step != VIGIE_STEP_DONE) {
		vdb_reset(st);
		rc = vigie_store_dberr(s, err, "read host");
		goto out;
	}
	vdb_reset(st);
	if (!(st = vigie_store_stmt(s, sql, err))) {
		rc = VIGIE_EDB;
		goto out;
	}
	vigie_store_bind_text(st, 1, inv->host);
	vigie_store_bind_text(st, 2, client);
	vigie_store_bind_text(st, 3, inv->release);
	vigie_store_bind_text(st, 4, inv->arch);
	vigie_store_bind_text(st, 5, inv->kernel_release);
	vigie_store_bind_text(st, 6, inv->kernel_version);
	vigie_store_bind_int64(st, 7, inv->inventoried_at);
	vigie_store_bind_text(st, 8, origin ? origin : "cli");
	vigie_store_bind_int64(st, 9, (int64_t)inv->npkgs);
	if ((rc = vigie_store_step_done(s, st, err, "store host")) ||
	    (rc = vigie_store_host_id(s, inv->host, &id, err)) ||
	    (rc = put_packages(s, id, inv, !ch->existed, ch, err)))
		goto out;
	if (!ch->existed || ch->added || ch->changed || ch->removed)
		rc = vigie_store_host_pairs_put(s, id, inv, err);
out:
	rc = tx_leave(s, own, rc, err);
	if (!rc && host_id)
		*host_id = id;
	if (ch == &mine)
		vigie_store_host_changes_release(&mine);
	return rc;
}

static int host_load(struct vigie_store *s, const char *name, const char *const *sources,
		     size_t nsources, struct inventory *inv, struct vigie_error *err)
{
	static const char hsql[] =
		"SELECT id, release, arch, kernel_release, kernel_version,"
		" inventoried_at, npackages FROM hosts WHERE name=?";
	static const char psql[] =
		"SELECT package, arch, version, source, source_version, status"
		" FROM host_packages WHERE host_id=? ORDER BY package, arch";
	/* the same for up to 64 sources (the others NULL: no match), through
	 * host_packages_src_host: no ORDER BY, which the primary key would
	 * answer by reading every package of the host (the array is sorted
	 * in that order below) */
	static const char psome[] =
		"SELECT package, arch, version, source, source_version, status"
		" FROM host_packages WHERE host_id=? AND source IN ("
		VIGIE_STORE_IN64;
	struct vigie_arena *A;
	struct vigie_stmt *st;
	int64_t id = 0, n = 0;
	size_t i = 0, cap;
	int rc;

	vigie_inventory_init(inv);
	A = &inv->arena;
	if (!(st = vigie_store_stmt(s, hsql, err)))
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, name);
	rc = vdb_step(st);
	if (rc == VIGIE_STEP_ROW) {
		id = vdb_col_int64(st, 0);
		inv->host = vigie_arena_strdup(A, name);
		inv->release = vigie_arena_strdup(A, vigie_store_col_text(st, 1));
		inv->arch = vigie_arena_strdup(A, vigie_store_col_text(st, 2));
		inv->kernel_release = vigie_arena_strdup(A, vigie_store_col_text(st, 3));
		inv->kernel_version = vigie_arena_strdup(A, vigie_store_col_text(st, 4));
		inv->inventoried_at = vdb_col_int64(st, 5);
		n = vdb_col_int64(st, 6);
		rc = inv->host ? 0 : vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	} else if (rc == VIGIE_STEP_DONE) {
		rc = vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0, "no host named '%s'", name);
	} else {
		rc = vigie_store_dberr(s, err, "read host");
	}
	vdb_reset(st);
	if (rc)
		return rc;
	/* the count kept on the host row sizes the array (a few sources'
	 * packages: a little), which grows if the rows say otherwise */
	cap = n > 0 && n <= INVENTORY_MAX_PKGS ? (size_t)n : 64;
	if (sources && cap > 256)
		cap = 256;
	if (!(inv->pkgs = vigie_arena_alloc(A, cap * sizeof(*inv->pkgs))))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	if (!(st = vigie_store_stmt(s, sources ? psome : psql, err)))
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, id);
	if (sources)
		vigie_store_bind_in64(st, 2, sources, nsources);
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct inventory_pkg *p;
		const char *src, *sv;
		if (i == cap) {
			struct inventory_pkg *np;
			if (i >= INVENTORY_MAX_PKGS) {
				vdb_reset(st);
				return vigie_error_set(err, VIGIE_ELIMIT, vigie_store_path(s), 0,
						       "host %s has more than %d packages", name,
						       INVENTORY_MAX_PKGS);
			}
			if (!(np = vigie_arena_alloc(A, 2 * cap * sizeof(*np)))) {
				vdb_reset(st);
				return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			}
			memcpy(np, inv->pkgs, cap * sizeof(*np));
			inv->pkgs = np;
			cap *= 2;
		}
		p = &inv->pkgs[i];
		p->name = vigie_arena_strdup(A, vigie_store_col_text(st, 0));
		p->arch = vigie_arena_strdup(A, vigie_store_col_text(st, 1));
		p->version = vigie_arena_strdup(A, vigie_store_col_text(st, 2));
		src = vigie_store_col_text(st, 3);
		sv = vigie_store_col_text(st, 4);
		p->source = src && p->name && strcmp(src, p->name) ? vigie_arena_strdup(A, src)
								   : p->name;
		p->source_version = sv && p->version && strcmp(sv, p->version)
					    ? vigie_arena_strdup(A, sv) : p->version;
		p->status = vigie_arena_strdup(A, vigie_store_col_text(st, 5));
		if (!p->name || !p->arch || !p->version || !p->source ||
		    !p->source_version || !p->status) {
			vdb_reset(st);
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		}
		i++;
	}
	if (rc != VIGIE_STEP_DONE && rc != VIGIE_STEP_ROW) {
		rc = vigie_store_dberr(s, err, "read host packages");
		vdb_reset(st);
		return rc;
	}
	vdb_reset(st);
	inv->npkgs = i;
	vigie_inventory_sort(inv);
	return 0;
}

int vigie_store_host_load(struct vigie_store *s, const char *name,
		    struct inventory *inv, struct vigie_error *err)
{
	return host_load(s, name, NULL, 0, inv, err);
}

int vigie_store_host_load_sources(struct vigie_store *s, const char *name,
				  const char *const *sources, size_t n,
				  struct inventory *inv, struct vigie_error *err)
{
	if (n > 64) {
		vigie_inventory_init(inv);
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "more than 64 sources");
	}
	return host_load(s, name, sources, n, inv, err);
}

static int hosts_run(struct vigie_store *s, struct vigie_stmt *st, store_host_cb *cb,
		     void *ud, int *count, struct vigie_error *err)
{
	int rc;
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_host h;
		int r;
		h.id = vdb_col_int64(st, 0);
		h.name = vigie_store_col_text(st, 1);
		h.client = vigie_store_col_text(st, 2);
		h.release = vigie_store_col_text(st, 3);
		h.arch = vigie_store_col_text(st, 4);
		h.kernel_release = vigie_store_col_text(st, 5);
		h.kernel_version = vigie_store_col_text(st, 6);
		h.origin = vigie_store_col_text(st, 7);
		h.inventoried_at = vdb_col_int64(st, 8);
		h.npackages = (long)vdb_col_int64(st, 9);
		h.nservices = (long)vdb_col_int64(st, 10);
		(*count)++;
		if ((r = cb(ud, &h))) {
			vdb_reset(st);
			return r;
		}
	}
	vdb_reset(st);
	if (rc != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "list hosts");
	return 0;
}

int vigie_store_host_get(struct vigie_store *s, const char *name, store_host_cb *cb,
		   void *ud, struct vigie_error *err)
{
	static const char sql[] = "SELECT * FROM (SELECT id, name, client,"
		" release, arch, kernel_release, kernel_version, origin,"
		" inventoried_at,"
		" (SELECT count(*) FROM host_packages p WHERE p.host_id=hosts.id),"
		" (SELECT count(*) FROM host_services v WHERE v.host_id=hosts.id)"
		" FROM hosts WHERE name=?) AS h";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int count = 0, rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, name);
	rc = hosts_run(s, st, cb, ud, &count, err);
	if (!rc && !count)
		rc = vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0, "no host named '%s'", name);
	return rc;
}

int vigie_store_hosts_each(struct vigie_store *s, store_host_cb *cb, void *ud,
		     struct vigie_error *err)
{
	static const char sql[] = "SELECT * FROM (SELECT id, name, client,"
		" release, arch, kernel_release, kernel_version, origin,"
		" inventoried_at,"
		" (SELECT count(*) FROM host_packages p WHERE p.host_id=hosts.id),"
		" (SELECT count(*) FROM host_services v WHERE v.host_id=hosts.id)"
		" FROM hosts) AS h ORDER BY name";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int count = 0;
	if (!st)
		return VIGIE_EDB;
	return hosts_run(s, st, cb, ud, &count, err);
}

int vigie_store_host_remove(struct vigie_store *s, const char *name,
		      struct vigie_error *err)
{
	static const char sql[] = "DELETE FROM hosts WHERE name=?";
	struct vigie_stmt *st;
	int rc, own;

	if ((rc = tx_enter(s, &own, err)))
		return rc;
	if (!(st = vigie_store_stmt(s, sql, err))) {
		rc = VIGIE_EDB;
		goto out;
	}
	vigie_store_bind_text(st, 1, name);
	if ((rc = vigie_store_step_done(s, st, err, "remove host")))
		goto out;
	if (vdb_changes(st) == 0)
		rc = vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0, "no host named '%s'", name);
out:
	return tx_leave(s, own, rc, err);
}

static int service_put(struct vigie_store *s, int64_t id, const char *service,
		       const char *origin, struct vigie_error *err)
{
	static const char manual[] =
		"INSERT INTO host_services(host_id, service, origin) VALUES(?,?,?)"
		" ON CONFLICT(host_id, service) DO UPDATE SET origin=excluded.origin";
	static const char derived[] =
		"INSERT INTO host_services(host_id, service, origin)"
		" VALUES(?,?,?) ON CONFLICT DO NOTHING";
	struct vigie_stmt *st;
	int rc;

	if ((rc = check_name("service name", service, SERVICE_NAME_MAX_LEN, err)))
		return rc;
	if (strcmp(origin, "manual") && strcmp(origin, "derived"))
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "service origin must be manual or derived, not '%s'",
				       origin);
	if (!(st = vigie_store_stmt(s, strcmp(origin, "manual") ? derived : manual, err)))
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, id);
	vigie_store_bind_text(st, 2, service);
	vigie_store_bind_text(st, 3, origin);
	return vigie_store_step_done(s, st, err, "store host service");
}

int vigie_store_host_service_add(struct vigie_store *s, const char *host,
			   const char *service, const char *origin,
			   struct vigie_error *err)
{
	int64_t id = 0;
	int rc = vigie_store_host_id(s, host, &id, err);
	if (rc)
		return rc;
	return service_put(s, id, service, origin ? origin : "manual", err);
}

int vigie_store_host_service_remove(struct vigie_store *s, const char *host,
			      const char *service, struct vigie_error *err)
{
	static const char sql[] =
		"DELETE FROM host_services WHERE host_id=? AND service=?";
	struct vigie_stmt *st;
	int64_t id;
	int rc = vigie_store_host_id(s, host, &id, err);
	if (rc)
		return rc;
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, id);
	vigie_store_bind_text(st, 2, service);
	if ((rc = vigie_store_step_done(s, st, err, "remove host service")))
		return rc;
	if (vdb_changes(st) == 0)
		return vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0,
				       "host '%s' has no service '%s'", host, service);
	return 0;
}

int vigie_store_host_services_set_derived(struct vigie_store *s, int64_t host_id,
				    const char *const *services, size_t n,
				    struct vigie_error *err)
{
	static const char del[] =
		"DELETE FROM host_services WHERE host_id=? AND origin='derived'";
	struct vigie_stmt *st;
	int rc, own;

	if ((rc = tx_enter(s, &own, err)))
		return rc;
	if (!(st = vigie_store_stmt(s, del, err))) {
		rc = VIGIE_EDB;
		goto out;
	}
	vigie_store_bind_int64(st, 1, host_id);
	if ((rc = vigie_store_step_done(s, st, err, "clear derived services")))
		goto out;
	for (size_t i = 0; i < n; i++)
		if ((rc = service_put(s, host_id, services[i], "derived", err)))
			goto out;
out:
	return tx_leave(s, own, rc, err);
}

int vigie_store_host_services_each(struct vigie_store *s, const char *host,
			     store_service_cb *cb, void *ud,
			     struct vigie_error *err)
{
	static const char sql[] =
		"SELECT service, origin FROM host_services WHERE host_id=?"
		" ORDER BY service";
	struct vigie_stmt *st;
	int64_t id;
	int rc = vigie_store_host_id(s, host, &id, err);
	if (rc)
		return rc;
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, id);
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		int r = cb(ud, vigie_store_col_text(st, 0), vigie_store_col_text(st, 1));
		if (r) {
			vdb_reset(st);
			return r;
		}
	}
	vdb_reset(st);
	if (rc != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "list host services");
	return 0;
}
