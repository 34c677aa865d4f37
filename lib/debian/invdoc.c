/* The pushed inventory document, read with yajl's event parser: one pass,
 * no tree, every string and count capped. */
#include "vigie/debian/invdoc.h"
#include "vigie/debian/debver.h"
#include "vigie/render/json.h"

#include <yajl/yajl_parse.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vigie_invdoc_init(struct invdoc *d)
{
	memset(d, 0, sizeof(*d));
	vigie_inventory_init(&d->inv);
	vigie_arena_init(&d->arena);
}

void vigie_invdoc_release(struct invdoc *d)
{
	vigie_inventory_release(&d->inv);
	free(d->candidates);
	free(d->restart.v);
	vigie_buf_release(&d->dpkg_log);
	vigie_buf_release(&d->apt_log);
	vigie_arena_release(&d->arena);
	memset(d, 0, sizeof(*d));
}

/* Where the parser is. */
enum where {
	W_TOP, W_KERNEL, W_PACKAGES, W_PKG, W_CANDS, W_CAND, W_LOGS, W_LOG_DPKG,
	W_LOG_APT, W_RESTART, W_RESTART_ENTRIES, W_RESTART_ENTRY, W_SKIP,
};

#define PKG_FIELDS 6
static const char *const pkg_keys[PKG_FIELDS] = {
	"name", "arch", "version", "source", "source_version", "status",
};
#define CAND_FIELDS 4
static const char *const cand_keys[CAND_FIELDS] = { "package", "arch", "version", "suite" };
#define RST_FIELDS 8
static const char *const rst_keys[RST_FIELDS] = {
	"comm", "unit", "kind", "container", "package", "arch", "running_version", "path",
};

struct ps {
	struct invdoc *d;
	struct vigie_error *err;
	const char *name;
	enum where w, skip_return;
	int skip_depth;
	char key[64];
	int have_key;
	int rc;
	int have_schema, have_packages;
	size_t cap_pkgs;
	/* the object being read */
	const char *f[RST_FIELDS];
	int security;
	long pid;
	size_t log_lines;
};

/* Record the first error (fmt has one %s, given a) and stop the parse. */
static int fail(struct ps *p, int code, const char *fmt, const char *a)
{
	char msg[256];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(msg, sizeof(msg), fmt, a ? a : "");
#pragma GCC diagnostic pop
	if (!p->rc)
		p->rc = vigie_error_set(p->err, code, p->name, 0, "%s", msg);
	return 0;
}

/* A field's name for messages: built only when one is given (a document
 * holds thousands of fields, all of them checked). */
static const char *fname(char *buf, size_t size, const char *pre, const char *key)
{
	snprintf(buf, size, "%s%s", pre, key);
	return buf;
}

static int field_ok(struct ps *p, const unsigned char *s, size_t len, const char *pre,
		    const char *key)
{
	char what[96];
	if (len > INVDOC_MAX_STRING)
		return fail(p, VIGIE_ELIMIT, "field %s longer than 64 KiB",
			    fname(what, sizeof(what), pre, key));
	if (!vigie_utf8_valid((const char *)s, len))
		return fail(p, VIGIE_EPARSE, "field %s is not valid UTF-8",
			    fname(what, sizeof(what), pre, key));
	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] == 0x7f)
			return fail(p, VIGIE_EPARSE, "field %s holds a control character",
				    fname(what, sizeof(what), pre, key));
	return 1;
}

static const char *keep(struct ps *p, const unsigned char *s, size_t len)
{
	char *v = vigie_arena_alloc(&p->d->inv.arena, len + 1);
	if (!v) {
		fail(p, VIGIE_ENOMEM, "out of memory%s", NULL);
		return NULL;
	}
	memcpy(v, s, len);
	v[len] = '\0';
	return v;
}

static void begin_skip(struct ps *p)
{
	p->skip_return = p->w;
	p->w = W_SKIP;
	p->skip_depth = 0;
}

static int on_scalar(struct ps *p, const unsigned char *s, size_t len, int is_string)
{
	char what[96];
	const char *pre = "";
	if (p->w == W_SKIP) {
		if (!p->skip_depth)
			p->w = p->skip_return;
		return 1;
	}
	if (p->w == W_TOP && (!strcmp(p->key, "packages") || !strcmp(p->key, "candidates")))
		return fail(p, VIGIE_EPARSE, "field %s must be an array", p->key);
	if (p->w == W_TOP || p->w == W_KERNEL) {
		static const char *const top[] = { "schema", "host", "release",
						   "release_version", "arch", "collected_at",
						   NULL };
		static const char *const kern[] = { "release", "version", "proc_version",
						    "booted_at", NULL };
		const char *const *keys = p->w == W_TOP ? top : kern;
		int k;
		for (k = 0; keys[k] && strcmp(keys[k], p->key); k++)
			;
		if (!keys[k])
			return 1; /* unknown keys are for later versions */
		if (p->w == W_KERNEL)
			pre = "kernel.";
		if (!s) /* null */
			return 1;
		if (!is_string)
			return fail(p, VIGIE_EPARSE, "field %s must be a string",
				    fname(what, sizeof(what), pre, p->key));
		if (!field_ok(p, s, len, pre, p->key))
			return 0;
		if (p->w == W_KERNEL) {
			if (k == 0)
				p->d->inv.kernel_release = keep(p, s, len);
			else if (k == 1)
				p->d->inv.kernel_version = keep(p, s, len);
			else if (k == 3) {
				char tb[40];
				if (len >= sizeof(tb))
					return fail(p, VIGIE_EPARSE, "field %s is not a time",
						    "kernel.booted_at");
				memcpy(tb, s, len);
				tb[len] = '\0';
				if (vigie_time_parse(&p->d->inv.booted_at, tb, 0))
					return fail(p, VIGIE_EPARSE, "field %s is not a time",
						    "kernel.booted_at");
			}
			return p->rc == 0;
		}
		switch (k) {
		case 0:
			if (len != 17 || memcmp(s, "vigie.inventory/1", 17))
				return fail(p, VIGIE_EPARSE,
					    "field schema: expected \"vigie.inventory/1\"%s", NULL);
			p->have_schema = 1;
			break;
		case 1: p->d->inv.host = keep(p, s, len); break;
		case 2: p->d->inv.release = keep(p, s, len); break;
		case 3: p->d->inv.release_version = keep(p, s, len); break;
		case 4: p->d->inv.arch = keep(p, s, len); break;
		case 5: {
			char buf[64];
			snprintf(buf, sizeof(buf), "%.*s", (int)(len < 63 ? len : 63), s);
			if (vigie_time_parse(&p->d->collected_at, buf, 0))
				return fail(p, VIGIE_EPARSE, "field collected_at is not a time%s",
					    NULL);
			break;
		}
		}
		return p->rc == 0;
	}
	if (p->w == W_PKG || p->w == W_CAND) {
		int n = p->w == W_PKG ? PKG_FIELDS : CAND_FIELDS;
		const char *const *keys = p->w == W_PKG ? pkg_keys : cand_keys;
		int k;
		pre = p->w == W_PKG ? "packages[]." : "candidates[].";
		if (p->w == W_CAND && !strcmp(p->key, "security")) {
			if (is_string || !s)
				return fail(p, VIGIE_EPARSE, "field candidates[].security must be a boolean%s", NULL);
			p->security = s[0] == 't';
			return 1;
		}
		for (k = 0; k < n && strcmp(keys[k], p->key); k++)
			;
		if (k == n || !s)
			return 1;
		if (!is_string)
			return fail(p, VIGIE_EPARSE, "field %s must be a string",
				    fname(what, sizeof(what), pre, keys[k]));
		if (!field_ok(p, s, len, pre, keys[k]))
			return 0;
		p->f[k] = keep(p, s, len);
		return p->rc == 0;
	}
	if (p->w == W_RESTART || (p->w == W_RESTART_ENTRY && !strcmp(p->key, "pid"))) {
		size_t *dst = p->w != W_RESTART ? NULL
			      : !strcmp(p->key, "processes_scanned") ? &p->d->restart.scanned
			      : !strcmp(p->key, "processes_unreadable") ? &p->d->restart.unreadable
			      : NULL;
		char num[32];
		char *end;
		long v;
		if (p->w == W_RESTART && !dst)
			return 1; /* unknown keys are for later versions */
		snprintf(what, sizeof(what), "restart%s.%s", p->w == W_RESTART ? "" : ".entries[]",
			 p->key);
		if (!s || is_string || len == 0 || len >= sizeof(num) ||
		    !((s[0] >= '0' && s[0] <= '9') || s[0] == '-'))
			return fail(p, VIGIE_EPARSE, "field %s must be a number", what);
		memcpy(num, s, len);
		num[len] = '\0';
		v = strtol(num, &end, 10);
		if (*end || v < 0 || v > 1000000000)
			return fail(p, VIGIE_EPARSE, "field %s must be a count", what);
		if (dst)
			*dst = (size_t)v;
		else
			p->pid = v;
		return 1;
	}
	if (p->w == W_RESTART_ENTRY) {
		int k;
		for (k = 0; k < RST_FIELDS && strcmp(rst_keys[k], p->key); k++)
			;
		if (k == RST_FIELDS || !s)
			return 1;
		pre = "restart.entries[].";
		if (!is_string)
			return fail(p, VIGIE_EPARSE, "field %s must be a string",
				    fname(what, sizeof(what), pre, rst_keys[k]));
		if (!field_ok(p, s, len, pre, rst_keys[k]))
			return 0;
		p->f[k] = keep(p, s, len);
		return p->rc == 0;
	}
	if (p->w == W_LOG_DPKG || p->w == W_LOG_APT) {
		struct vigie_buf *b = p->w == W_LOG_DPKG ? &p->d->dpkg_log : &p->d->apt_log;
		const char *what2 = p->w == W_LOG_DPKG ? "logs.dpkg[]" : "logs.apt[]";
		if (!is_string || !s)
			return fail(p, VIGIE_EPARSE, "field %s must be strings", what2);
		if (++p->log_lines > INVDOC_MAX_LOG_LINES ||
		    b->len + len + 1 > INVDOC_MAX_LOG_BYTES)
			return fail(p, VIGIE_ELIMIT, "field %s: too many log lines", what2);
		if (!vigie_utf8_valid((const char *)s, len) || memchr(s, '\n', len))
			return fail(p, VIGIE_EPARSE, "field %s: one line per string, valid UTF-8",
				    what2);
		if (vigie_buf_add(b, s, len) || vigie_buf_addc(b, '\n'))
			return fail(p, VIGIE_ENOMEM, "out of memory%s", NULL);
		return 1;
	}
	return fail(p, VIGIE_EPARSE, "unexpected value for field %s", p->key);
}

static int cb_null(void *ctx)
{
	return on_scalar(ctx, NULL, 0, 0);
}

static int cb_bool(void *ctx, int b)
{
	return on_scalar(ctx, (const unsigned char *)(b ? "t" : "f"), 1, 0);
}

static int cb_number(void *ctx, const char *s, size_t len)
{
	return on_scalar(ctx, (const unsigned char *)s, len, 0);
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
	return on_scalar(ctx, s, len, 1);
}

static int cb_map_key(void *ctx, const unsigned char *k, size_t len)
{
	struct ps *p = ctx;
	if (p->w == W_SKIP)
		return 1;
	if (len >= sizeof(p->key))
		len = sizeof(p->key) - 1; /* an unknown key: ignored below */
	memcpy(p->key, k, len);
	p->key[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p->key[i] < 0x20)
			p->key[i] = '?';
	p->have_key = 1;
	return 1;
}

static int cb_start_map(void *ctx)
{
	struct ps *p = ctx;
	if (p->w == W_SKIP) {
		p->skip_depth++;
		return 1;
	}
	if (!p->have_key && p->w == W_TOP) {
		/* the document itself */
		p->have_key = 0;
		p->key[0] = '\0';
		return 1;
	}
	switch (p->w) {
	case W_TOP:
		if (!strcmp(p->key, "kernel"))
			p->w = W_KERNEL;
		else if (!strcmp(p->key, "logs"))
			p->w = W_LOGS;
		else if (!strcmp(p->key, "restart")) {
			p->w = W_RESTART;
			p->d->have_restart = 1;
		}
		else if (!strcmp(p->key, "packages") || !strcmp(p->key, "candidates"))
			return fail(p, VIGIE_EPARSE, "field %s must be an array", p->key);
		else {
			begin_skip(p);
			p->skip_depth = 1;
		}
		return 1;
	case W_PACKAGES:
		memset(p->f, 0, sizeof(p->f));
		p->w = W_PKG;
		return 1;
	case W_CANDS:
		memset(p->f, 0, sizeof(p->f));
		p->security = 0;
		p->w = W_CAND;
		return 1;
	case W_RESTART_ENTRIES:
		memset(p->f, 0, sizeof(p->f));
		p->pid = -1;
		p->w = W_RESTART_ENTRY;
		return 1;
	default:
		if (p->w == W_PKG || p->w == W_CAND || p->w == W_KERNEL || p->w == W_LOGS ||
		    p->w == W_RESTART || p->w == W_RESTART_ENTRY) {
			begin_skip(p);
			p->skip_depth = 1;
			return 1;
		}
		return fail(p, VIGIE_EPARSE, "unexpected object at field %s", p->key);
	}
}

static int add_pkg(struct ps *p)
{
	struct inventory *inv = &p->d->inv;
	struct inventory_pkg *k;
	struct debver v;
	struct vigie_error verr;
	const char *missing = !p->f[0] ? "name" : !p->f[2] ? "version" : NULL, *bad;
	if (missing)
		return fail(p, VIGIE_EPARSE, "field packages[].%s is missing", missing);
	vigie_error_init(&verr);
	bad = vigie_debver_parse(&v, p->f[2], &verr) ? "version"
	      : p->f[4] && vigie_debver_parse(&v, p->f[4], &verr) ? "source_version"
								   : NULL;
	if (bad) {
		char m[256];
		/* the parser's message quotes the version: bounded here */
		snprintf(m, sizeof(m), "field packages[].%s: %.200s", bad, verr.msg);
		return fail(p, VIGIE_EPARSE, "%s", m);
	}
	if (inv->npkgs == INVENTORY_MAX_PKGS)
		return fail(p, VIGIE_ELIMIT, "field packages: more than 200000 packages%s", NULL);
	if (inv->npkgs == p->cap_pkgs) {
		size_t cap = p->cap_pkgs ? p->cap_pkgs * 2 : 256;
		struct inventory_pkg *n = realloc(inv->pkgs, cap * sizeof(*n));
		if (!n)
			return fail(p, VIGIE_ENOMEM, "out of memory%s", NULL);
		inv->pkgs = n;
		p->cap_pkgs = cap;
	}
	k = &inv->pkgs[inv->npkgs++];
	memset(k, 0, sizeof(*k));
	k->name = p->f[0];
	k->arch = p->f[1] ? p->f[1] : "";
	k->version = p->f[2];
	k->source = p->f[3] ? p->f[3] : p->f[0];
	k->source_version = p->f[4] ? p->f[4] : p->f[2];
	k->status = p->f[5] ? p->f[5] : "installed";
	k->line = inv->npkgs;
	return 1;
}

static int add_cand(struct ps *p)
{
	struct invdoc *d = p->d;
	struct store_candidate *c;
	if (!p->f[0] || !p->f[2])
		return fail(p, VIGIE_EPARSE, "field candidates[].%s is missing",
			    !p->f[0] ? "package" : "version");
	if (d->ncandidates == INVDOC_MAX_CANDIDATES)
		return fail(p, VIGIE_ELIMIT, "field candidates: too many entries%s", NULL);
	if (d->ncandidates == d->cap_candidates) {
		size_t cap = d->cap_candidates ? d->cap_candidates * 2 : 64;
		struct store_candidate *n = realloc(d->candidates, cap * sizeof(*n));
		if (!n)
			return fail(p, VIGIE_ENOMEM, "out of memory%s", NULL);
		d->candidates = n;
		d->cap_candidates = cap;
	}
	c = &d->candidates[d->ncandidates++];
	c->package = p->f[0];
	c->arch = p->f[1];
	c->version = p->f[2];
	c->suite = p->f[3];
	c->security = p->security;
	return 1;
}

static int add_restart(struct ps *p)
{
	struct invdoc *d = p->d;
	struct store_restart_entry *e;
	const char *missing = p->pid < 0 ? "pid" : !p->f[4] ? "package" : !p->f[7] ? "path" : NULL;
	if (missing)
		return fail(p, VIGIE_EPARSE, "field restart.entries[].%s is missing", missing);
	if (d->restart.n == INVDOC_MAX_RESTART)
		return fail(p, VIGIE_ELIMIT, "field restart.entries: too many entries%s", NULL);
	if (d->restart.n == d->cap_restart) {
		size_t cap = d->cap_restart ? d->cap_restart * 2 : 16;
		struct store_restart_entry *n = realloc(d->restart.v, cap * sizeof(*n));
		if (!n)
			return fail(p, VIGIE_ENOMEM, "out of memory%s", NULL);
		d->restart.v = n;
		d->cap_restart = cap;
	}
	e = &d->restart.v[d->restart.n++];
	e->pid = (int)p->pid;
	e->comm = p->f[0] ? p->f[0] : "";
	e->unit = p->f[1];
	e->kind = p->f[2] ? p->f[2] : "none";
	e->container = p->f[3];
	e->package = p->f[4];
	e->arch = p->f[5] ? p->f[5] : "";
	e->running_version = p->f[6];
	e->path = p->f[7];
	return 1;
}

static int cb_end_map(void *ctx)
{
	struct ps *p = ctx;
	switch (p->w) {
	case W_SKIP:
		if (--p->skip_depth <= 0)
			p->w = p->skip_return;
		return 1;
	case W_KERNEL:
	case W_LOGS:
	case W_RESTART:
		p->w = W_TOP;
		return 1;
	case W_RESTART_ENTRY:
		p->w = W_RESTART_ENTRIES;
		return add_restart(p);
	case W_PKG:
		p->w = W_PACKAGES;
		return add_pkg(p);
	case W_CAND:
		p->w = W_CANDS;
		return add_cand(p);
	default:
		return 1;
	}
}

static int cb_start_array(void *ctx)
{
	struct ps *p = ctx;
	if (p->w == W_SKIP) {
		p->skip_depth++;
		return 1;
	}
	if (p->w == W_TOP && !strcmp(p->key, "packages")) {
		p->w = W_PACKAGES;
		p->have_packages = 1;
		return 1;
	}
	if (p->w == W_TOP && !strcmp(p->key, "candidates")) {
		p->w = W_CANDS;
		p->d->have_candidates = 1;
		return 1;
	}
	if (p->w == W_LOGS && (!strcmp(p->key, "dpkg") || !strcmp(p->key, "apt"))) {
		p->w = !strcmp(p->key, "dpkg") ? W_LOG_DPKG : W_LOG_APT;
		return 1;
	}
	if (p->w == W_RESTART && !strcmp(p->key, "entries")) {
		p->w = W_RESTART_ENTRIES;
		return 1;
	}
	if (p->w == W_TOP || p->w == W_KERNEL || p->w == W_LOGS || p->w == W_PKG ||
	    p->w == W_CAND || p->w == W_RESTART || p->w == W_RESTART_ENTRY) {
		begin_skip(p);
		p->skip_depth = 1;
		return 1;
	}
	return fail(p, VIGIE_EPARSE, "unexpected array at field %s", p->key);
}

static int cb_end_array(void *ctx)
{
	struct ps *p = ctx;
	switch (p->w) {
	case W_SKIP:
		if (--p->skip_depth <= 0)
			p->w = p->skip_return;
		return 1;
	case W_PACKAGES:
	case W_CANDS:
		p->w = W_TOP;
		return 1;
	case W_LOG_DPKG:
	case W_LOG_APT:
		p->w = W_LOGS;
		return 1;
	case W_RESTART_ENTRIES:
		p->w = W_RESTART;
		return 1;
	default:
		return 1;
	}
}

static const yajl_callbacks callbacks = {
	cb_null, cb_bool, NULL, NULL, cb_number, cb_string, cb_start_map, cb_map_key,
	cb_end_map, cb_start_array, cb_end_array,
};

int vigie_invdoc_parse(struct invdoc *d, const void *data, size_t len, const char *name,
		       struct vigie_error *err)
{
	struct ps p;
	yajl_handle h;
	yajl_status st;
	int at_end = 0;

	memset(&p, 0, sizeof(p));
	p.d = d;
	p.err = err;
	p.name = name;
	p.w = W_TOP;
	if (!(h = yajl_alloc(&callbacks, NULL, &p)))
		return vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
	st = yajl_parse(h, data, len);
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(h);
		at_end = 1;
	}
	if (st != yajl_status_ok && !p.rc) {
		unsigned char *msg = yajl_get_error(h, 0, data, len);
		char m[200];
		size_t n;
		snprintf(m, sizeof(m), "%s", msg ? (const char *)msg : "parse error");
		n = strlen(m);
		while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
			m[--n] = '\0';
		/* yajl_complete_parse() consumes nothing: its failure is the end
		 * of the data coming inside a value */
		if (at_end)
			p.rc = vigie_error_set(err, VIGIE_EPARSE, name, 0,
					       "truncated document: it ends inside a value at"
					       " byte %zu (%s)", len, m);
		else
			p.rc = vigie_error_set(err, VIGIE_EPARSE, name, 0,
					       "not a JSON document (byte %zu): %s",
					       yajl_get_bytes_consumed(h), m);
		if (msg)
			yajl_free_error(h, msg);
	}
	yajl_free(h);
	/* the inventory's arena owns everything it points to: move the
	 * package array there (it grew on the heap while parsing) */
	if (d->inv.pkgs) {
		struct inventory_pkg *heap = d->inv.pkgs;
		d->inv.pkgs = NULL;
		if (!p.rc && !(d->inv.pkgs = vigie_arena_alloc(&d->inv.arena,
							       d->inv.npkgs * sizeof(*heap))))
			p.rc = vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
		if (d->inv.pkgs)
			memcpy(d->inv.pkgs, heap, d->inv.npkgs * sizeof(*heap));
		else
			d->inv.npkgs = 0;
		free(heap);
	}
	if (p.rc)
		return p.rc;
	if (!p.have_schema)
		return vigie_error_set(err, VIGIE_EPARSE, name, 0,
				       "field schema is missing (expected \"vigie.inventory/1\")");
	if (!d->inv.host || !*d->inv.host)
		return vigie_error_set(err, VIGIE_EPARSE, name, 0, "field host is missing");
	if (!p.have_packages)
		return vigie_error_set(err, VIGIE_EPARSE, name, 0, "field packages is missing");
	/* as for an empty status file: a host without a package is a broken
	 * collection, and storing it would clear the host's findings */
	if (!d->inv.npkgs)
		return vigie_error_set(err, VIGIE_EPARSE, name, 0,
				       "field packages: no package (an empty dpkg status?)");
	d->inv.status_path = name;
	d->inv.inventoried_at = d->collected_at;
	vigie_inventory_sort(&d->inv);
	for (size_t i = 1; i < d->inv.npkgs; i++)
		if (!strcmp(d->inv.pkgs[i - 1].name, d->inv.pkgs[i].name) &&
		    !strcmp(d->inv.pkgs[i - 1].arch, d->inv.pkgs[i].arch))
			return vigie_error_set(err, VIGIE_EPARSE, name, 0,
					       "field packages: %s:%s listed twice",
					       d->inv.pkgs[i].name, d->inv.pkgs[i].arch);
	return 0;
}

int vigie_invdoc_history(const struct invdoc *d, struct history *h,
			 struct vigie_error *err)
{
	struct vigie_reader *r;
	int rc;
	if (d->dpkg_log.len) {
		if ((rc = vigie_reader_open_mem(&r, d->dpkg_log.data, d->dpkg_log.len,
						"logs.dpkg", err)))
			return rc;
		rc = vigie_history_load_dpkg_reader(h, r, err);
		vigie_reader_free(r); /* the caller's, as in load_path */
		if (rc)
			return rc;
	}
	if (d->apt_log.len) {
		if ((rc = vigie_reader_open_mem(&r, d->apt_log.data, d->apt_log.len,
						"logs.apt", err)))
			return rc;
		rc = vigie_history_load_apt_reader(h, r, err);
		vigie_reader_free(r);
		if (rc)
			return rc;
	}
	return vigie_history_finish(h, err);
}

static void log_lines(yajl_gen g, const char *key, const char *text, size_t len)
{
	vigie_json_key(g, key);
	yajl_gen_array_open(g);
	while (text && len) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) : len;
		if (n)
			yajl_gen_string(g, (const unsigned char *)text, n);
		text += n + (nl ? 1 : 0);
		len -= n + (nl ? 1 : 0);
	}
	yajl_gen_array_close(g);
}

int vigie_invdoc_write(struct vigie_buf *out, const struct inventory *inv,
		       const struct store_candidate *c, size_t nc, int have_candidates,
		       const char *dpkg_log, size_t dpkg_len, const char *apt_log,
		       size_t apt_len, int64_t collected_at)
{
	return vigie_invdoc_write_restart(out, inv, c, nc, have_candidates, dpkg_log, dpkg_len,
					  apt_log, apt_len, collected_at, NULL);
}

static void restart_write(yajl_gen g, const struct store_restart *r)
{
	vigie_json_key(g, "restart");
	yajl_gen_map_open(g);
	vigie_json_kv_int(g, "processes_scanned", (int64_t)r->scanned);
	vigie_json_kv_int(g, "processes_unreadable", (int64_t)r->unreadable);
	vigie_json_key(g, "entries");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < r->n; i++) {
		const struct store_restart_entry *e = &r->v[i];
		yajl_gen_map_open(g);
		vigie_json_kv_int(g, "pid", e->pid);
		vigie_json_kv_str(g, "comm", e->comm);
		vigie_json_kv_str(g, "unit", e->unit);
		vigie_json_kv_str(g, "kind", e->kind);
		vigie_json_kv_str(g, "container", e->container);
		vigie_json_kv_str(g, "package", e->package);
		vigie_json_kv_str(g, "arch", e->arch && *e->arch ? e->arch : NULL);
		vigie_json_kv_str(g, "running_version", e->running_version);
		vigie_json_kv_str(g, "path", e->path);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

int vigie_invdoc_write_restart(struct vigie_buf *out, const struct inventory *inv,
			       const struct store_candidate *c, size_t nc, int have_candidates,
			       const char *dpkg_log, size_t dpkg_len, const char *apt_log,
			       size_t apt_len, int64_t collected_at,
			       const struct store_restart *restart)
{
	yajl_gen g = vigie_json_gen_new(out);
	size_t before = out->len;
	if (!g)
		return VIGIE_ENOMEM;
	yajl_gen_map_open(g);
	vigie_inventory_json_fields(g, inv);
	vigie_json_kv_time(g, "collected_at", collected_at);
	if (have_candidates) {
		vigie_json_key(g, "candidates");
		yajl_gen_array_open(g);
		for (size_t i = 0; i < nc; i++) {
			yajl_gen_map_open(g);
			vigie_json_kv_str(g, "package", c[i].package);
			vigie_json_kv_str(g, "arch", c[i].arch);
			vigie_json_kv_str(g, "version", c[i].version);
			vigie_json_kv_str(g, "suite", c[i].suite);
			vigie_json_kv_bool(g, "security", c[i].security);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
	}
	vigie_json_key(g, "logs");
	yajl_gen_map_open(g);
	log_lines(g, "dpkg", dpkg_log, dpkg_len);
	log_lines(g, "apt", apt_log, apt_len);
	yajl_gen_map_close(g);
	if (restart)
		restart_write(g, restart);
	yajl_gen_map_close(g);
	yajl_gen_free(g);
	return out->len > before ? 0 : VIGIE_ENOMEM;
}
