/* Debian security tracker JSON importer (FORMATS.md (a)).
 *
 * The document (~70 MB, one line) is streamed through yajl's event parser
 * in chunks read from a vigie_reader, so memory stays constant whatever
 * the size: only the current package, issue and release are held. Before
 * yajl sees the bytes, a small scanner bounds every string and token and
 * splits the input at newlines, so that callbacks always know the line
 * they are on. */
#include "vigie/secdata/import.h"
#include "vigie/debian/debver.h"
#include "vigie/core/reader.h"
#include "vigie/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#define TRK_MAX_DEPTH 8             /* nesting of objects/arrays */
#define TRK_MAX_STRING (1024 * 1024) /* bytes of one string (raw) */
#define TRK_MAX_KEY 1024            /* bytes of one object key */
#define TRK_MAX_TOKEN 256           /* bytes of a number or literal */
#define TRK_MAX_ROWS 20000000L      /* tracker rows in one document */
#define TRK_MAX_WARNINGS 100        /* then warnings are counted only */
#define TRK_CHUNK 65536

/* Known keys of an issue (depth 3) and of a release (depth 5). */
enum trk_key {
	K_NONE, K_UNKNOWN,
	K_DESCRIPTION, K_SCOPE, K_DEBIANBUG, K_RELEASES,
	K_STATUS, K_FIXED, K_URGENCY, K_NODSA, K_NODSA_REASON, K_NPU, K_REPOS
};

static const struct { const char *name; enum trk_key key; int depth; } trk_keys[] = {
	{ "description", K_DESCRIPTION, 3 },
	{ "scope", K_SCOPE, 3 },
	{ "debianbug", K_DEBIANBUG, 3 },
	{ "releases", K_RELEASES, 3 },
	{ "status", K_STATUS, 5 },
	{ "fixed_version", K_FIXED, 5 },
	{ "urgency", K_URGENCY, 5 },
	{ "nodsa", K_NODSA, 5 },
	{ "nodsa_reason", K_NODSA_REASON, 5 },
	{ "next_point_update", K_NPU, 5 },
	{ "repositories", K_REPOS, 5 },
};

static const char *const trk_statuses[] = { "resolved", "open", "undetermined", NULL };
static const char *const trk_urgencies[] = {
	"not yet assigned", "unimportant", "low", "medium", "high",
	"end-of-life", "low**", "medium**", "high**", NULL
};
static const char *const trk_reasons[] = { "", "ignored", "postponed", NULL };
static const char *const trk_scopes[] = { "local", "remote", NULL };

/* An optional string field. */
struct trk_str {
	struct vigie_buf b;
	int set;
};

struct trk {
	struct vigie_store *s;
	struct vigie_error *err;
	const char *name;
	int rc;                 /* first error */
	/* position */
	unsigned long line;
	unsigned long long offset; /* of the piece being parsed */
	/* pre-scanner state */
	int in_str, esc;
	int last_nl;            /* last byte seen was a newline */
	size_t toklen;
	/* structure */
	int depth;              /* open containers */
	int skip;               /* > 0: skipping a value opened at this depth */
	int started;
	enum trk_key key;       /* key awaiting its value (depth 3 or 5) */
	struct vigie_buf pkg, issue, release, suite;
	/* issue */
	struct trk_str desc, scope;
	long debianbug;
	/* release */
	struct trk_str status, fixed, urgency, nodsa, reason;
	struct vigie_buf repos;
	int npu;
	/* rows waiting to be written, STORE_TRACKER_BATCH at a time: their
	 * strings live in pend_mem at offsets (PEND_NULL = absent) */
	struct {
		size_t off[9];
		int npu;
	} pend[STORE_TRACKER_BATCH];
	int npend;
	struct vigie_buf pend_mem;
	/* counters */
	long rows, issues, duplicates;
	unsigned long warnings;
	struct vigie_strv warned_keys;
	char where[600];
	/* the issues, merged: an issue listed under several packages is
	 * stored once, each field from the first listing that has it; they
	 * are written after the tracker rows, in name order. seen: open
	 * addressing, index + 1 into vulns (0: empty slot) */
	struct vigie_arena seen_mem;
	struct store_vuln *vulns;
	size_t nvulns, vulns_cap;
	size_t *seen;
	size_t seen_cap;
};

/* FNV-1a */
static size_t hash_str(const char *s)
{
	size_t h = (size_t)1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
	return h;
}

static int seen_grow(struct trk *t)
{
	size_t cap = t->seen_cap ? t->seen_cap * 2 : 4096;
	size_t *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return VIGIE_ENOMEM;
	for (size_t i = 0; i < t->nvulns; i++) {
		size_t j;
		for (j = hash_str(t->vulns[i].name) & (cap - 1); slots[j]; j = (j + 1) & (cap - 1))
			;
		slots[j] = i + 1;
	}
	free(t->seen);
	t->seen = slots;
	t->seen_cap = cap;
	return 0;
}

/* arena copy of an optional string */
static int dup_opt(struct trk *t, const char **dst, const char *src)
{
	if (!src)
		return 0;
	return (*dst = vigie_arena_strdup(&t->seen_mem, src)) ? 0 : VIGIE_ENOMEM;
}

/* Merge issue v into the issues seen: a new name is added, a known one
 * gets the fields it lacked. 0 or VIGIE_ENOMEM. */
static int seen_update(struct trk *t, const struct store_vuln *v)
{
	struct store_vuln *e;
	size_t j;
	if ((t->nvulns + 1) * 2 > t->seen_cap && seen_grow(t))
		return VIGIE_ENOMEM;
	for (j = hash_str(v->name) & (t->seen_cap - 1); t->seen[j];
	     j = (j + 1) & (t->seen_cap - 1)) {
		e = &t->vulns[t->seen[j] - 1];
		if (strcmp(e->name, v->name))
			continue;
		if ((!e->description && dup_opt(t, &e->description, v->description)) ||
		    (!e->scope && dup_opt(t, &e->scope, v->scope)))
			return VIGIE_ENOMEM;
		if (!e->debianbug)
			e->debianbug = v->debianbug;
		return 0;
	}
	if (t->nvulns == t->vulns_cap) {
		size_t cap = t->vulns_cap ? t->vulns_cap * 2 : 4096;
		struct store_vuln *nv = realloc(t->vulns, cap * sizeof(*nv));
		if (!nv)
			return VIGIE_ENOMEM;
		t->vulns = nv;
		t->vulns_cap = cap;
	}
	e = &t->vulns[t->nvulns];
	memset(e, 0, sizeof(*e));
	if (!(e->name = vigie_arena_strdup(&t->seen_mem, v->name)) ||
	    dup_opt(t, &e->description, v->description) || dup_opt(t, &e->scope, v->scope))
		return VIGIE_ENOMEM;
	e->debianbug = v->debianbug;
	t->seen[j] = ++t->nvulns;
	return 0;
}

static int vuln_cmp(const void *a, const void *b)
{
	return strcmp(((const struct store_vuln *)a)->name, ((const struct store_vuln *)b)->name);
}

/* Write the merged issues, in name order (appended to the table's index
 * rather than inserted at random places). */
static int write_vulns(struct trk *t)
{
	if (t->nvulns)
		qsort(t->vulns, t->nvulns, sizeof(*t->vulns), vuln_cmp);
	return vigie_store_tracker_vulns_put(t->s, t->vulns, t->nvulns, t->err);
}

static void trk_warn(struct trk *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void trk_warn(struct trk *t, const char *fmt, ...)
{
	char msg[900];
	va_list ap;
	if (++t->warnings > TRK_MAX_WARNINGS) {
		if (t->err)
			t->err->warnings++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vigie_warn(t->err, t->name, t->line, "%s", msg);
}

static int trk_fail(struct trk *t, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int trk_fail(struct trk *t, int code, const char *fmt, ...)
{
	va_list ap;
	if (t->rc)
		return 0;
	va_start(ap, fmt);
	t->rc = vigie_error_setv(t->err, code, t->name, t->line, fmt, ap);
	va_end(ap);
	return 0; /* yajl: cancel the parse */
}

static int one_of(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(v, *list))
			return 1;
	return 0;
}

static int set_buf(struct trk *t, struct vigie_buf *b, const unsigned char *v,
		   size_t len)
{
	vigie_buf_reset(b);
	if (vigie_buf_add(b, v, len))
		return trk_fail(t, VIGIE_ENOMEM, "out of memory");
	return 1;
}

static const char *trk_sv(const struct trk_str *s)
{
	return s->set ? s->b.data : NULL;
}

static void issue_reset(struct trk *t)
{
	t->desc.set = t->scope.set = 0;
	t->debianbug = 0;
}

static void release_reset(struct trk *t)
{
	t->status.set = t->fixed.set = t->urgency.set = 0;
	t->nodsa.set = t->reason.set = 0;
	t->npu = 0;
	vigie_buf_reset(&t->repos);
}

static const char *where(struct trk *t)
{
	snprintf(t->where, sizeof(t->where), "%s/%s",
		 t->pkg.data ? t->pkg.data : "", t->issue.data ? t->issue.data : "");
	return t->where;
}

/* The value of a known key had the wrong JSON type. */
static int type_error(struct trk *t, const char *what, const char *want)
{
	return trk_fail(t, VIGIE_EPARSE, "%s: %s must be %s", where(t), what, want);
}

static const char *key_name(enum trk_key k)
{
	for (size_t i = 0; i < sizeof(trk_keys) / sizeof(trk_keys[0]); i++)
		if (trk_keys[i].key == k)
			return trk_keys[i].name;
	return "?";
}

/* ---- row output ---- */

#define PEND_NULL ((size_t)-1)

static int flush_rows(struct trk *t)
{
	struct store_tracker_row rows[STORE_TRACKER_BATCH];
	int rc;
	for (int i = 0; i < t->npend; i++) {
		const char *f[9];
		for (int k = 0; k < 9; k++)
			f[k] = t->pend[i].off[k] == PEND_NULL ? NULL
							     : t->pend_mem.data + t->pend[i].off[k];
		rows[i].release = f[0];
		rows[i].source = f[1];
		rows[i].vuln = f[2];
		rows[i].status = f[3];
		rows[i].fixed_version = f[4];
		rows[i].urgency = f[5];
		rows[i].nodsa = f[6];
		rows[i].nodsa_reason = f[7];
		rows[i].repositories = f[8];
		rows[i].next_point_update = t->pend[i].npu;
	}
	rc = vigie_store_tracker_put_batch(t->s, rows, (size_t)t->npend, t->err);
	t->npend = 0;
	vigie_buf_reset(&t->pend_mem);
	if (rc) {
		t->rc = rc;
		return 0;
	}
	return 1;
}

static int finish_release(struct trk *t)
{
	const char *f[9];
	int i;
	if (!t->status.set)
		return trk_fail(t, VIGIE_EPARSE, "%s: release %s has no status",
				where(t), t->release.data);
	if (t->reason.set && !t->nodsa.set)
		trk_warn(t, "%s: release %s has nodsa_reason without nodsa",
			 where(t), t->release.data);
	if (++t->rows > TRK_MAX_ROWS)
		return trk_fail(t, VIGIE_ELIMIT, "more than %ld tracker rows",
				TRK_MAX_ROWS);
	f[0] = t->release.data;
	f[1] = t->pkg.data;
	f[2] = t->issue.data;
	f[3] = trk_sv(&t->status);
	f[4] = trk_sv(&t->fixed);
	f[5] = trk_sv(&t->urgency);
	f[6] = trk_sv(&t->nodsa);
	f[7] = trk_sv(&t->reason);
	f[8] = t->repos.len ? t->repos.data : NULL;
	i = t->npend++;
	for (int k = 0; k < 9; k++) {
		t->pend[i].off[k] = f[k] ? t->pend_mem.len : PEND_NULL;
		if (f[k] && vigie_buf_add(&t->pend_mem, f[k], strlen(f[k]) + 1))
			return trk_fail(t, VIGIE_ENOMEM, "out of memory");
	}
	t->pend[i].npu = t->npu;
	if (t->npend == STORE_TRACKER_BATCH)
		return flush_rows(t);
	return 1;
}

static int finish_issue(struct trk *t)
{
	struct store_vuln v;
	v.name = t->issue.data;
	v.description = trk_sv(&t->desc);
	v.scope = trk_sv(&t->scope);
	v.debianbug = t->debianbug;
	t->issues++;
	if (seen_update(t, &v))
		return trk_fail(t, VIGIE_ENOMEM, "out of memory");
	return 1;
}

/* ---- yajl callbacks ---- */

enum trk_type { T_NULL, T_BOOL, T_INT, T_DOUBLE, T_STRING, T_MAP, T_ARRAY };

static const char *type_name(enum trk_type ty)
{
	static const char *const n[] = { "null", "a boolean", "an integer",
		"a number", "a string", "an object", "an array" };
	return n[ty];
}

static int open_container(struct trk *t)
{
	if (++t->depth > TRK_MAX_DEPTH)
		return trk_fail(t, VIGIE_ELIMIT, "JSON nested deeper than %d levels",
				TRK_MAX_DEPTH);
	return 1;
}

/* A string value for a known string key. */
static int string_value(struct trk *t, struct trk_str *dst, const unsigned char *v,
			size_t len)
{
	if (memchr(v, '\0', len))
		return trk_fail(t, VIGIE_EPARSE, "%s: NUL character in %s", where(t),
				key_name(t->key));
	if (!set_buf(t, &dst->b, v, len))
		return 0;
	dst->set = 1;
	return 1;
}

static int on_value(struct trk *t, enum trk_type ty, const unsigned char *sv,
		    size_t slen, long long iv, int bv)
{
	enum trk_key k = t->key;
	int d = t->depth;

	if (t->rc)
		return 0;
	t->key = K_NONE;
	if (t->skip) {
		if (ty == T_MAP || ty == T_ARRAY)
			return open_container(t);
		return 1;
	}
	/* an unknown key's value: skip it whatever it is */
	if (k == K_UNKNOWN) {
		if (ty == T_MAP || ty == T_ARRAY) {
			t->skip = d;
			return open_container(t);
		}
		return 1;
	}
	switch (d) {
	case 0:
		if (t->started)
			return trk_fail(t, VIGIE_EPARSE, "more than one JSON value");
		t->started = 1;
		if (ty != T_MAP)
			return trk_fail(t, VIGIE_EPARSE,
					"top level must be an object (package -> issues), not %s",
					type_name(ty));
		return open_container(t);
	case 1:
		if (ty != T_MAP)
			return trk_fail(t, VIGIE_EPARSE, "package %s: value must be an object, not %s",
					t->pkg.data, type_name(ty));
		return open_container(t);
	case 2:
		if (ty != T_MAP)
			return trk_fail(t, VIGIE_EPARSE, "%s: issue must be an object, not %s",
					where(t), type_name(ty));
		issue_reset(t);
		return open_container(t);
	case 3:
		if (ty == T_NULL)
			return 1; /* null = absent */
		switch (k) {
		case K_DESCRIPTION:
		case K_SCOPE:
			if (ty != T_STRING)
				return type_error(t, key_name(k), "a string");
			if (!string_value(t, k == K_SCOPE ? &t->scope : &t->desc, sv, slen))
				return 0;
			if (k == K_SCOPE && !one_of(t->scope.b.data, trk_scopes))
				trk_warn(t, "%s: unknown scope \"%s\"", where(t),
					 t->scope.b.data);
			return 1;
		case K_DEBIANBUG:
			if (ty != T_INT)
				return type_error(t, "debianbug", "an integer");
			if (iv <= 0 || iv > 100000000LL)
				return trk_fail(t, VIGIE_EPARSE, "%s: debianbug %lld out of range",
						where(t), iv);
			t->debianbug = (long)iv;
			return 1;
		case K_RELEASES:
			if (ty != T_MAP)
				return type_error(t, "releases", "an object");
			return open_container(t);
		default:
			return trk_fail(t, VIGIE_EPARSE, "%s: unexpected value", where(t));
		}
	case 4:
		if (ty != T_MAP)
			return trk_fail(t, VIGIE_EPARSE, "%s: release %s must be an object, not %s",
					where(t), t->release.data, type_name(ty));
		release_reset(t);
		return open_container(t);
	case 5:
		if (ty == T_NULL)
			return 1;
		switch (k) {
		case K_STATUS:
		case K_FIXED:
		case K_URGENCY:
		case K_NODSA:
		case K_NODSA_REASON: {
			struct trk_str *dst = k == K_STATUS ? &t->status
					      : k == K_FIXED ? &t->fixed
					      : k == K_URGENCY ? &t->urgency
					      : k == K_NODSA ? &t->nodsa : &t->reason;
			if (ty != T_STRING)
				return type_error(t, key_name(k), "a string");
			if (!string_value(t, dst, sv, slen))
				return 0;
			if (k == K_STATUS && !one_of(dst->b.data, trk_statuses))
				trk_warn(t, "%s: release %s: unknown status \"%s\" (kept)",
					 where(t), t->release.data, dst->b.data);
			else if (k == K_URGENCY && !one_of(dst->b.data, trk_urgencies))
				trk_warn(t, "%s: release %s: unknown urgency \"%s\" (kept)",
					 where(t), t->release.data, dst->b.data);
			else if (k == K_NODSA_REASON && !one_of(dst->b.data, trk_reasons))
				trk_warn(t, "%s: release %s: unknown nodsa_reason \"%s\" (kept)",
					 where(t), t->release.data, dst->b.data);
			else if (k == K_FIXED) {
				struct debver dv;
				struct vigie_error verr;
				memset(&verr, 0, sizeof(verr));
				if (vigie_debver_parse(&dv, dst->b.data, &verr) < 0)
					return trk_fail(t, VIGIE_EPARSE,
							"%s: release %s: invalid fixed_version \"%.100s\": %s",
							where(t), t->release.data, dst->b.data,
							verr.msg);
			}
			return 1;
		}
		case K_NPU:
			if (ty != T_BOOL)
				return type_error(t, "next_point_update", "a boolean");
			t->npu = bv;
			return 1;
		case K_REPOS:
			if (ty != T_MAP)
				return type_error(t, "repositories", "an object");
			return open_container(t);
		default:
			return trk_fail(t, VIGIE_EPARSE, "%s: unexpected value", where(t));
		}
	case 6:
		if (ty == T_NULL)
			return 1;
		if (ty != T_STRING)
			return trk_fail(t, VIGIE_EPARSE, "%s: repositories: version of %s must be a string",
					where(t), t->suite.data);
		if (slen == 0 || memchr(sv, ' ', slen) || memchr(sv, '\0', slen) ||
		    memchr(sv, '\t', slen))
			return trk_fail(t, VIGIE_EPARSE, "%s: repositories: bad version \"%.*s\" for %s",
					where(t), (int)(slen > 100 ? 100 : slen), sv,
					t->suite.data);
		if ((t->repos.len && vigie_buf_addc(&t->repos, ' ')) ||
		    vigie_buf_adds(&t->repos, t->suite.data) ||
		    vigie_buf_addc(&t->repos, '=') || vigie_buf_add(&t->repos, sv, slen))
			return trk_fail(t, VIGIE_ENOMEM, "out of memory");
		if (t->repos.len > TRK_MAX_STRING)
			return trk_fail(t, VIGIE_ELIMIT, "%s: repositories too long", where(t));
		return 1;
	default:
		return trk_fail(t, VIGIE_EPARSE, "unexpected value at depth %d", d);
	}
}

static int cb_null(void *ud)
{
	return on_value(ud, T_NULL, NULL, 0, 0, 0);
}

static int cb_bool(void *ud, int b)
{
	return on_value(ud, T_BOOL, NULL, 0, 0, b != 0);
}

static int cb_int(void *ud, long long v)
{
	return on_value(ud, T_INT, NULL, 0, v, 0);
}

static int cb_double(void *ud, double v)
{
	(void)v;
	return on_value(ud, T_DOUBLE, NULL, 0, 0, 0);
}

static int cb_string(void *ud, const unsigned char *s, size_t len)
{
	return on_value(ud, T_STRING, s, len, 0, 0);
}

static int cb_start_map(void *ud)
{
	return on_value(ud, T_MAP, NULL, 0, 0, 0);
}

static int cb_start_array(void *ud)
{
	return on_value(ud, T_ARRAY, NULL, 0, 0, 0);
}

static int valid_name(const unsigned char *s, size_t len, const char *extra)
{
	if (!len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'A' && s[i] <= 'Z') || strchr(extra, s[i])) || !s[i])
			return 0;
	return 1;
}

static int valid_issue(const char *s)
{
	size_t n = strlen(s), i;
	if (!strncmp(s, "CVE-", 4)) {
		for (i = 4; i < 8; i++)
			if (s[i] < '0' || s[i] > '9')
				return 0;
		if (s[8] != '-' || n < 13)
			return 0;
		for (i = 9; i < n; i++)
			if (s[i] < '0' || s[i] > '9')
				return 0;
		return 1;
	}
	if (!strncmp(s, "TEMP-", 5)) {
		for (i = 5; i < n; i++)
			if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'F') ||
			      (s[i] >= 'a' && s[i] <= 'f') || s[i] == '-'))
				return 0;
		return n > 5;
	}
	return 0;
}

static int cb_map_key(void *ud, const unsigned char *k, size_t len)
{
	struct trk *t = ud;
	if (t->rc)
		return 0;
	if (len > TRK_MAX_KEY)
		return trk_fail(t, VIGIE_ELIMIT, "object key longer than %d bytes",
				TRK_MAX_KEY);
	if (t->skip)
		return 1;
	t->key = K_NONE;
	switch (t->depth) {
	case 1:
		if (!valid_name(k, len, "+-.~"))
			return trk_fail(t, VIGIE_EPARSE, "invalid source package name \"%.*s\"",
					(int)(len > 100 ? 100 : len), k);
		return set_buf(t, &t->pkg, k, len);
	case 2:
		if (!valid_name(k, len, "-"))
			return trk_fail(t, VIGIE_EPARSE, "package %s: invalid issue name \"%.*s\"",
					t->pkg.data, (int)(len > 100 ? 100 : len), k);
		if (!set_buf(t, &t->issue, k, len))
			return 0;
		if (!valid_issue(t->issue.data))
			trk_warn(t, "%s: issue name is neither CVE-YYYY-NNNN nor TEMP-...",
				 where(t));
		return 1;
	case 4:
		if (!valid_name(k, len, "-"))
			return trk_fail(t, VIGIE_EPARSE, "%s: invalid release name \"%.*s\"",
					where(t), (int)(len > 100 ? 100 : len), k);
		return set_buf(t, &t->release, k, len);
	case 6:
		if (!valid_name(k, len, "-_./"))
			return trk_fail(t, VIGIE_EPARSE, "%s: invalid repository name \"%.*s\"",
					where(t), (int)(len > 100 ? 100 : len), k);
		return set_buf(t, &t->suite, k, len);
	case 3:
	case 5:
		for (size_t i = 0; i < sizeof(trk_keys) / sizeof(trk_keys[0]); i++)
			if (trk_keys[i].depth == t->depth &&
			    strlen(trk_keys[i].name) == len &&
			    !memcmp(trk_keys[i].name, k, len)) {
				t->key = trk_keys[i].key;
				return 1;
			}
		t->key = K_UNKNOWN;
		{
			char name[80];
			snprintf(name, sizeof(name), "%d:%.*s", t->depth,
				 (int)(len > 60 ? 60 : len), k);
			if (!vigie_strv_contains(&t->warned_keys, name) &&
			    t->warned_keys.n < 64) {
				if (vigie_strv_push(&t->warned_keys, name))
					return trk_fail(t, VIGIE_ENOMEM, "out of memory");
				trk_warn(t, "%s: unknown key \"%s\" ignored", where(t),
					 name + 2);
			}
		}
		return 1;
	default:
		return trk_fail(t, VIGIE_EPARSE, "unexpected key at depth %d", t->depth);
	}
}

static int close_container(struct trk *t)
{
	if (t->rc)
		return 0;
	t->depth--;
	t->key = K_NONE;
	if (t->skip) {
		if (t->depth == t->skip)
			t->skip = 0;
		return 1;
	}
	/* depth now = depth of the value that just ended */
	switch (t->depth) {
	case 2:
		return finish_issue(t);
	case 4:
		return finish_release(t);
	default:
		return 1;
	}
}

static int cb_end_map(void *ud)
{
	return close_container(ud);
}

static int cb_end_array(void *ud)
{
	return close_container(ud);
}

static const yajl_callbacks trk_callbacks = {
	cb_null, cb_bool, cb_int, cb_double, NULL, cb_string,
	cb_start_map, cb_map_key, cb_end_map, cb_start_array, cb_end_array
};

/* ---- feeding ---- */

/* Report yajl's error (or the callback's) for the piece just parsed. */
/* len: bytes of the piece given to yajl_parse (0 after complete_parse). */
static int parse_error(struct trk *t, yajl_handle h, yajl_status ys, size_t len)
{
	size_t used = yajl_get_bytes_consumed(h);
	unsigned long long at = t->offset + (used <= len ? used : len);
	if (ys == yajl_status_client_canceled && t->rc) {
		size_t n = strlen(t->err ? t->err->msg : "");
		if (t->err && n + 40 < sizeof(t->err->msg))
			snprintf(t->err->msg + n, sizeof(t->err->msg) - n,
				 " (byte %llu)", at);
		return t->rc;
	}
	{
		unsigned char *m = yajl_get_error(h, 0, NULL, 0);
		char msg[256];
		snprintf(msg, sizeof(msg), "%s", m ? (const char *)m : "parse error");
		yajl_free_error(h, m);
		/* yajl ends messages with a newline or a period */
		for (size_t n = strlen(msg); n && (msg[n - 1] == '\n' || msg[n - 1] == ' ');)
			msg[--n] = '\0';
		t->rc = vigie_error_set(t->err, VIGIE_EPARSE, t->name, t->line,
					"invalid JSON: %s (byte %llu)", msg, at);
	}
	return t->rc;
}

static int feed_piece(struct trk *t, yajl_handle h, const unsigned char *p, size_t n)
{
	yajl_status ys;
	if (!n)
		return 0;
	ys = yajl_parse(h, p, n);
	if (ys != yajl_status_ok)
		return parse_error(t, h, ys, n);
	if (t->rc)
		return t->rc;
	t->offset += n;
	return 0;
}

/* Bound tokens, then hand the bytes to yajl split at newlines. */
static int feed(struct trk *t, yajl_handle h, const unsigned char *buf, size_t len)
{
	size_t start = 0;
	int rc;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = buf[i];
		if (t->in_str && !t->esc) {
			/* fast path: plain string bytes */
			static const unsigned char stop[256] = {
				['"'] = 1, ['\\'] = 1, ['\n'] = 1
			};
			size_t j = i;
			while (j < len && !stop[buf[j]])
				j++;
			t->toklen += j - i;
			if (t->toklen > TRK_MAX_STRING)
				return t->rc = vigie_error_set(t->err, VIGIE_ELIMIT, t->name, t->line,
							       "string longer than %d bytes",
							       TRK_MAX_STRING);
			if (j == len) {
				t->last_nl = 0;
				break;
			}
			i = j;
			c = buf[i];
		}
		if (t->in_str) {
			if (t->esc)
				t->esc = 0;
			else if (c == '\\')
				t->esc = 1;
			else if (c == '"')
				t->in_str = 0;
			if (t->in_str && ++t->toklen > TRK_MAX_STRING)
				return t->rc = vigie_error_set(t->err, VIGIE_ELIMIT, t->name, t->line,
							       "string longer than %d bytes",
							       TRK_MAX_STRING);
		} else if (c == '"') {
			t->in_str = 1;
			t->esc = 0;
			t->toklen = 0;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' ||
			   c == ':' || c == '{' || c == '}' || c == '[' || c == ']') {
			t->toklen = 0;
		} else if (++t->toklen > TRK_MAX_TOKEN) {
			return t->rc = vigie_error_set(t->err, VIGIE_ELIMIT, t->name, t->line,
						       "JSON token longer than %d bytes",
						       TRK_MAX_TOKEN);
		}
		t->last_nl = c == '\n';
		if (c == '\n') {
			if ((rc = feed_piece(t, h, buf + start, i + 1 - start)))
				return rc;
			t->line++;
			start = i + 1;
		}
	}
	return feed_piece(t, h, buf + start, len - start);
}

static int run(struct vigie_store *s, struct vigie_reader *r, const char *name,
	       struct import_stats *st, struct vigie_error *err)
{
	struct trk t;
	yajl_handle h = NULL;
	unsigned char *chunk = NULL;
	int rc = 0, in_tx = 0;

	memset(&t, 0, sizeof(t));
	t.s = s;
	t.err = err;
	t.name = name;
	t.line = 1;
	vigie_strv_init(&t.warned_keys);
	vigie_arena_init(&t.seen_mem);

	chunk = malloc(TRK_CHUNK);
	h = yajl_alloc(&trk_callbacks, NULL, &t);
	if (!chunk || !h) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
		goto out;
	}
	/* UTF-8 is validated by yajl (yajl_dont_validate_strings stays off);
	 * one top-level value, no comments, no trailing garbage. */
	yajl_config(h, yajl_allow_comments, 0);

	if ((rc = vigie_store_begin(s, err)))
		goto out;
	in_tx = 1;
	if ((rc = vigie_store_tracker_clear(s, err)))
		goto out;
	for (;;) {
		long n = vigie_reader_read(r, chunk, TRK_CHUNK, err);
		if (n < 0) {
			rc = (int)n;
			goto out;
		}
		if (n == 0)
			break;
		if ((rc = feed(&t, h, chunk, (size_t)n)))
			goto out;
	}
	{
		yajl_status ys = yajl_complete_parse(h);
		if (ys != yajl_status_ok) {
			/* name the last line that has content */
			if (t.line > 1 && t.last_nl)
				t.line--;
			rc = parse_error(&t, h, ys, 0);
			if (!(ys == yajl_status_client_canceled && t.rc))
				rc = vigie_error_set(err, VIGIE_EPARSE, name, t.line,
						     "truncated JSON: end of input inside a value "
						     "(byte %llu)", t.offset);
			goto out;
		}
	}
	if (!t.started) {
		rc = vigie_error_set(err, VIGIE_EPARSE, name, t.line, "empty document");
		goto out;
	}
	if (t.warnings > TRK_MAX_WARNINGS)
		vigie_warn(err, name, 0, "%lu more warnings not shown",
			   t.warnings - TRK_MAX_WARNINGS);
	if (t.npend && !flush_rows(&t)) {
		rc = t.rc;
		goto out;
	}
	if ((rc = write_vulns(&t)))
		goto out;
	{
		int64_t skipped = 0;
		if ((rc = vigie_store_tracker_finish(s, &skipped, err)))
			goto out;
		if (skipped) {
			/* the same package, issue or release key twice in the JSON */
			t.duplicates += (long)skipped;
			vigie_warn(err, name, 0,
				   "%ld duplicate release entries ignored (first kept)",
				   (long)skipped);
		}
	}
	{
		struct store_source src;
		memset(&src, 0, sizeof(src));
		src.name = "tracker-json";
		src.location = name;
		src.imported_at = vigie_now();
		src.rows = t.rows - t.duplicates;
		if ((rc = vigie_store_source_put(s, &src, err)))
			goto out;
	}
	if ((rc = vigie_store_commit(s, err))) {
		in_tx = 0; /* vigie_store_commit rolled back */
		goto out;
	}
	in_tx = 0;
	if (st) {
		st->rows = t.rows - t.duplicates;
		st->skipped = t.duplicates;
	}
out:
	if (in_tx) {
		vigie_store_rollback(s);
		vigie_store_tracker_abort(s);
	}
	if (h)
		yajl_free(h);
	free(chunk);
	vigie_buf_release(&t.pkg);
	vigie_buf_release(&t.issue);
	vigie_buf_release(&t.release);
	vigie_buf_release(&t.suite);
	vigie_buf_release(&t.desc.b);
	vigie_buf_release(&t.scope.b);
	vigie_buf_release(&t.status.b);
	vigie_buf_release(&t.fixed.b);
	vigie_buf_release(&t.urgency.b);
	vigie_buf_release(&t.nodsa.b);
	vigie_buf_release(&t.reason.b);
	vigie_buf_release(&t.repos);
	vigie_buf_release(&t.pend_mem);
	vigie_strv_release(&t.warned_keys);
	vigie_arena_release(&t.seen_mem);
	free(t.seen);
	free(t.vulns);
	return rc;
}

int vigie_import_tracker_json(struct vigie_store *s, const char *path,
			struct import_stats *st, struct vigie_error *err)
{
	struct vigie_reader *r = NULL;
	int rc;
	if ((rc = vigie_reader_open(&r, path, err)))
		return rc;
	rc = run(s, r, path, st, err);
	vigie_reader_free(r);
	return rc;
}

int vigie_import_tracker_json_mem(struct vigie_store *s, const void *data,
			    size_t len, const char *name,
			    struct import_stats *st, struct vigie_error *err)
{
	struct vigie_reader *r = NULL;
	int rc;
	if ((rc = vigie_reader_open_mem(&r, data, len, name, err)))
		return rc;
	rc = run(s, r, name, st, err);
	vigie_reader_free(r);
	return rc;
}
