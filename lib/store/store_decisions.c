#include "store/store_internal.h"
#include "vigie/store/decisions.h"

#include <stdlib.h>
#include <string.h>

const char *vigie_decision_state_name(int state)
{
	return state == VIGIE_DECISION_EXPIRED ? "expired"
	     : state == VIGIE_DECISION_REOPENED ? "re-opened" : "in-force";
}

void vigie_decisions_init(struct vigie_decisions *d)
{
	memset(d, 0, sizeof(*d));
	vigie_arena_init(&d->arena);
}

void vigie_decisions_release(struct vigie_decisions *d)
{
	if (!d)
		return;
	free(d->v);
	free(d->hosts);
	free(d->data);
	vigie_arena_release(&d->arena);
	memset(d, 0, sizeof(*d));
}

static int check_field(const char *what, const char *v, size_t max, int required,
		       struct vigie_error *err)
{
	if (!v || !*v)
		return required ? vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
						  "decision: %s is required", what) : 0;
	if (strlen(v) > max)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "decision: %s longer than %zu bytes", what, max);
	if (!vigie_utf8_valid(v, strlen(v)))
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "decision: %s is not valid UTF-8", what);
	return 0;
}

/* One fact's state: "resolved 1.2-3 (high)", "open (unimportant)". */
static int fact_state(struct vigie_buf *b, const char *status, const char *fixed,
		      const char *urgency)
{
	int rc = vigie_buf_adds(b, status ? status : "?");
	if (fixed && *fixed)
		rc |= vigie_buf_addf(b, " %s", fixed);
	if (urgency && *urgency)
		rc |= vigie_buf_addf(b, " (%s)", urgency);
	return rc;
}

/* 1 when the issue of q.cve is in CISA KEV now (a KEV date, from the
 * catalogue or the CVSS row, as vigie_store_vuln_facts_get says), else 0 */
#define KEV_NOW(q)                                                                     \
	"CASE WHEN EXISTS(SELECT 1 FROM kev k WHERE k.cve = " q                          \
	" AND k.date_added IS NOT NULL) OR EXISTS(SELECT 1 FROM cvss c WHERE c.cve = " q  \
	" AND c.kev_added IS NOT NULL) THEN 1 ELSE 0 END"

/* Debian's data on cve now, as "release\tsource\tstate\n" lines in
 * (release, source) order, then the line of CISA KEV ("*\tCISA KEV\t" and
 * VIGIE_DECISION_KEV_IN or _OUT): what a decision records. */
static int facts_text(struct vigie_store *s, const char *cve, struct vigie_buf *out,
		      struct vigie_error *err)
{
	static const char sql[] =
		"SELECT release, source, status, fixed_version, urgency FROM tracker"
		" WHERE vuln = ? ORDER BY release, source";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	size_t n = 0;
	int r, rc = 0;

	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, cve);
	while ((r = vdb_step(st)) == VIGIE_STEP_ROW && n++ < DECISION_MAX_FACTS) {
		rc |= vigie_buf_addf(out, "%s\t%s\t", vigie_store_col_text(st, 0),
				     vigie_store_col_text(st, 1));
		rc |= fact_state(out, vigie_store_col_text(st, 2), vigie_store_col_text(st, 3),
				 vigie_store_col_text(st, 4));
		rc |= vigie_buf_addc(out, '\n');
	}
	vdb_reset(st);
	if (rc)
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	if (r != VIGIE_STEP_ROW && r != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "read Debian's data on the CVE");
	{
		static const char kev[] = "SELECT " KEV_NOW("CAST(?1 AS TEXT)");
		int in = 0;
		if (!(st = vigie_store_stmt(s, kev, err)))
			return VIGIE_EDB;
		vigie_store_bind_text(st, 1, cve);
		if ((r = vdb_step(st)) == VIGIE_STEP_ROW)
			in = vdb_col_int64(st, 0) != 0;
		vdb_reset(st);
		if (r != VIGIE_STEP_ROW)
			return vigie_store_dberr(s, err, "read CISA KEV on the CVE");
		if (vigie_buf_addf(out, "%s\t%s\t%s\n", VIGIE_DECISION_KEV_RELEASE,
				   VIGIE_DECISION_KEV_SOURCE,
				   in ? VIGIE_DECISION_KEV_IN : VIGIE_DECISION_KEV_OUT))
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	}
	return 0;
}

static int client_exists(struct vigie_store *s, const char *client, struct vigie_error *err)
{
	static const char sql[] = "SELECT 1 FROM clients WHERE name = ?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int r;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, client);
	r = vdb_step(st);
	vdb_reset(st);
	if (r == VIGIE_STEP_DONE)
		return vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0,
				       "no client '%.256s' (see 'vigie clients')", client);
	if (r != VIGIE_STEP_ROW)
		return vigie_store_dberr(s, err, "read client");
	return 0;
}

int vigie_store_decision_add(struct vigie_store *s, const struct vigie_decision *d,
			     int64_t *id, struct vigie_error *err)
{
	static const char ins[] =
		"INSERT INTO decisions(cve, host, status, justification, reason, decided_by,"
		" decided_at, expires_at, client, debian_data) VALUES(?,?,?,?,?,?,?,?,?,?)";
	static const char sel[] = "SELECT MAX(id) FROM decisions";
	struct vigie_buf facts = VIGIE_BUF_INIT;
	struct vigie_stmt *st;
	int rc, own = !s->in_tx;

	if ((rc = check_field("CVE", d->cve, 64, 1, err)) ||
	    (rc = check_field("host", d->host, DECISION_MAX_NAME, 0, err)) ||
	    (rc = check_field("client", d->client, DECISION_MAX_NAME, 0, err)) ||
	    (rc = check_field("status", d->status, 64, 1, err)) ||
	    (rc = check_field("justification", d->justification, 128, 0, err)) ||
	    (rc = check_field("reason", d->reason, DECISION_MAX_REASON, 1, err)) ||
	    (rc = check_field("decided by", d->by, DECISION_MAX_NAME, 1, err)))
		return rc;
	if (d->host && d->client)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "decision: a host or a client, not both");
	if (own && (rc = vigie_store_begin(s, err)))
		return rc;
	if (d->client && (rc = client_exists(s, d->client, err)))
		goto out;
	if ((rc = facts_text(s, d->cve, &facts, err)))
		goto out;
	if (!(st = vigie_store_stmt(s, ins, err))) {
		rc = VIGIE_EDB;
		goto out;
	}
	vigie_store_bind_text(st, 1, d->cve);
	vigie_store_bind_text(st, 2, d->host);
	vigie_store_bind_text(st, 3, d->status);
	vigie_store_bind_text(st, 4, d->justification);
	vigie_store_bind_text(st, 5, d->reason);
	vigie_store_bind_text(st, 6, d->by);
	vigie_store_bind_int64(st, 7, d->at);
	if (d->expires)
		vigie_store_bind_int64(st, 8, d->expires);
	else
		vdb_bind_null(st, 8);
	vigie_store_bind_text(st, 9, d->client);
	/* "" (never NULL) is "recorded: Debian had nothing on it" */
	vigie_store_bind_text(st, 10, facts.data ? facts.data : "");
	if ((rc = vigie_store_step_done(s, st, err, "insert decision")))
		goto out;
	if (!(st = vigie_store_stmt(s, sel, err))) {
		rc = VIGIE_EDB;
		goto out;
	}
	if (vdb_step(st) != VIGIE_STEP_ROW) {
		vdb_reset(st);
		rc = vigie_store_dberr(s, err, "select decision id");
		goto out;
	}
	*id = vdb_col_int64(st, 0);
	vdb_reset(st);
out:
	vigie_buf_release(&facts);
	if (own) {
		if (rc)
			vigie_store_rollback(s);
		else
			rc = vigie_store_commit(s, err);
	}
	return rc;
}

static const char *dup_or_null(struct vigie_arena *a, const char *v, int *oom)
{
	char *c;
	if (!v)
		return NULL;
	if (!(c = vigie_arena_strdup(a, v)))
		*oom = 1;
	return c;
}

/* The "release\tsource\tstate\n" lines recorded with a decision. */
static int facts_parse(struct vigie_arena *a, const char *text,
		       const struct vigie_decision_fact **out, size_t *n)
{
	struct vigie_decision_fact *v;
	size_t lines = 0, k = 0;
	char *copy, *p, *line;

	for (const char *q = text; *q; q++)
		lines += *q == '\n';
	*out = NULL;
	*n = 0;
	if (!lines)
		return 0;
	if (!(v = vigie_arena_alloc(a, lines * sizeof(*v))) || !(copy = vigie_arena_strdup(a, text)))
		return -1;
	for (p = copy; (line = p) && *p && k < lines; ) {
		char *nl = strchr(p, '\n'), *t1, *t2;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
		if (!(t1 = strchr(line, '\t')) || !(t2 = strchr(t1 + 1, '\t')))
			continue;
		*t1 = *t2 = '\0';
		v[k].release = line;
		v[k].source = t1 + 1;
		v[k].state = t2 + 1;
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

static int host_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vigie_decision_host *)a)->host,
		      ((const struct vigie_decision_host *)b)->host);
}

static int now_cmp(const void *a, const void *b)
{
	const struct vigie_decision_now *x = a, *y = b;
	int c = strcmp(x->cve, y->cve);
	if (!c)
		c = strcmp(x->f.release, y->f.release);
	if (!c)
		c = strcmp(x->f.source, y->f.source);
	return c;
}

/* Grow *v (of *n, capacity *cap, elements of size sz) by one. */
static void *grow(void *vp, size_t *n, size_t *cap, size_t sz)
{
	void **v = vp;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		void *nv = realloc(*v, c * sz);
		if (!nv)
			return NULL;
		*v = nv;
		*cap = c;
	}
	return (char *)*v + (*n)++ * sz;
}

/* The stored hosts' clients and releases. */
static int load_hosts(struct vigie_store *s, struct vigie_decisions *out,
		      struct vigie_error *err)
{
	static const char sql[] = "SELECT name, client, release FROM hosts";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	size_t cap = 0;
	int r, oom = 0;

	if (!st)
		return VIGIE_EDB;
	while ((r = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct vigie_decision_host *h = grow(&out->hosts, &out->nhosts, &cap, sizeof(*h));
		if (!h) {
			oom = 1;
			break;
		}
		h->host = dup_or_null(&out->arena, vigie_store_col_text(st, 0), &oom);
		h->client = dup_or_null(&out->arena, vigie_store_col_text(st, 1), &oom);
		h->release = dup_or_null(&out->arena, vigie_store_col_text(st, 2), &oom);
		if (oom || !h->host) {
			oom = 1;
			break;
		}
	}
	vdb_reset(st);
	if (oom)
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	if (r != VIGIE_STEP_ROW && r != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "read hosts' clients");
	if (out->nhosts)
		qsort(out->hosts, out->nhosts, sizeof(*out->hosts), host_cmp);
	return 0;
}

/* Debian's current data on every decided CVE, the same facts as recorded. */
static int load_data(struct vigie_store *s, struct vigie_decisions *out,
		     struct vigie_error *err)
{
	/* and whether each is in CISA KEV now, as a fact of its own */
	static const char sql[] =
		"SELECT t.vuln, t.release, t.source, t.status, t.fixed_version, t.urgency"
		" FROM tracker t WHERE t.vuln IN (SELECT cve FROM decisions)"
		" UNION ALL SELECT d.cve, '" VIGIE_DECISION_KEV_RELEASE "', '"
		VIGIE_DECISION_KEV_SOURCE "', CASE WHEN " KEV_NOW("d.cve") " = 1 THEN '"
		VIGIE_DECISION_KEV_IN "' ELSE '" VIGIE_DECISION_KEV_OUT "' END, NULL, NULL"
		" FROM (SELECT DISTINCT cve FROM decisions) d";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	struct vigie_buf b = VIGIE_BUF_INIT;
	size_t cap = 0;
	int r, oom = 0;

	if (!st)
		return VIGIE_EDB;
	while ((r = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct vigie_decision_now *x = grow(&out->data, &out->ndata, &cap, sizeof(*x));
		if (!x) {
			oom = 1;
			break;
		}
		vigie_buf_reset(&b);
		oom |= fact_state(&b, vigie_store_col_text(st, 3), vigie_store_col_text(st, 4),
				  vigie_store_col_text(st, 5)) != 0;
		x->cve = dup_or_null(&out->arena, vigie_store_col_text(st, 0), &oom);
		x->f.release = dup_or_null(&out->arena, vigie_store_col_text(st, 1), &oom);
		x->f.source = dup_or_null(&out->arena, vigie_store_col_text(st, 2), &oom);
		x->f.state = dup_or_null(&out->arena, b.data ? b.data : "", &oom);
		if (oom || !x->cve || !x->f.release || !x->f.source) {
			oom = 1;
			break;
		}
	}
	vdb_reset(st);
	vigie_buf_release(&b);
	if (oom)
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	if (r != VIGIE_STEP_ROW && r != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "read Debian's data on the decided CVEs");
	if (out->ndata)
		qsort(out->data, out->ndata, sizeof(*out->data), now_cmp);
	return 0;
}

int vigie_store_decisions_load(struct vigie_store *s, int all,
			       struct vigie_decisions *out, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT id, cve, host, status, justification, reason, decided_by, decided_at,"
		" COALESCE(expires_at, 0), COALESCE(revoked_at, 0), revoked_by, client,"
		" debian_data FROM decisions ORDER BY id";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int r, oom = 0;

	if (!st)
		return VIGIE_EDB;
	while ((r = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct vigie_decision *d;
		const char *facts;
		if (!all && vdb_col_int64(st, 9))
			continue;
		if (!(d = grow(&out->v, &out->n, &out->cap, sizeof(*d)))) {
			oom = 1;
			break;
		}
		memset(d, 0, sizeof(*d));
		d->id = vdb_col_int64(st, 0);
		d->cve = dup_or_null(&out->arena, vigie_store_col_text(st, 1), &oom);
		d->host = dup_or_null(&out->arena, vigie_store_col_text(st, 2), &oom);
		d->status = dup_or_null(&out->arena, vigie_store_col_text(st, 3), &oom);
		d->justification = dup_or_null(&out->arena, vigie_store_col_text(st, 4), &oom);
		d->reason = dup_or_null(&out->arena, vigie_store_col_text(st, 5), &oom);
		d->by = dup_or_null(&out->arena, vigie_store_col_text(st, 6), &oom);
		d->at = vdb_col_int64(st, 7);
		d->expires = vdb_col_int64(st, 8);
		d->revoked = vdb_col_int64(st, 9);
		d->revoked_by = dup_or_null(&out->arena, vigie_store_col_text(st, 10), &oom);
		d->client = dup_or_null(&out->arena, vigie_store_col_text(st, 11), &oom);
		if ((facts = vigie_store_col_text(st, 12))) {
			d->recorded = 1;
			if (facts_parse(&out->arena, facts, &d->facts, &d->nfacts))
				oom = 1;
		}
		if (oom)
			break;
	}
	vdb_reset(st);
	if (oom)
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	if (r != VIGIE_STEP_ROW && r != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "read decisions");
	if (!out->n)
		return 0;
	if ((r = load_hosts(s, out, err)))
		return r;
	return load_data(s, out, err);
}

int vigie_store_decision_revoke(struct vigie_store *s, int64_t id, int64_t at,
				const char *by, struct vigie_error *err)
{
	static const char sel[] = "SELECT id FROM decisions WHERE id = ? AND revoked_at IS NULL";
	static const char upd[] = "UPDATE decisions SET revoked_at = ?, revoked_by = ? WHERE id = ?";
	struct vigie_stmt *st = vigie_store_stmt(s, sel, err);
	int r;

	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, id);
	r = vdb_step(st);
	vdb_reset(st);
	if (r == VIGIE_STEP_DONE)
		return vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0,
				       "no decision %lld in force", (long long)id);
	if (r != VIGIE_STEP_ROW)
		return vigie_store_dberr(s, err, "read decision");
	if (!(st = vigie_store_stmt(s, upd, err)))
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, at);
	vigie_store_bind_text(st, 2, by);
	vigie_store_bind_int64(st, 3, id);
	return vigie_store_step_done(s, st, err, "revoke decision");
}

int vigie_store_decision_alert_seen(struct vigie_store *s, int64_t id, const char *kind,
				    const char *detail, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT 1 FROM decision_alerts WHERE decision_id = ? AND kind = ? AND detail = ?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int r;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, id);
	vigie_store_bind_text(st, 2, kind);
	vigie_store_bind_text(st, 3, detail);
	r = vdb_step(st);
	vdb_reset(st);
	if (r == VIGIE_STEP_ROW)
		return 1;
	if (r == VIGIE_STEP_DONE)
		return 0;
	return vigie_store_dberr(s, err, "read decision alerts");
}

int vigie_store_decision_alert_mark(struct vigie_store *s, int64_t id, const char *kind,
				    const char *detail, int64_t at, struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO decision_alerts(decision_id, kind, detail, sent_at) VALUES(?,?,?,?)"
		" ON CONFLICT DO NOTHING";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, id);
	vigie_store_bind_text(st, 2, kind);
	vigie_store_bind_text(st, 3, detail);
	vigie_store_bind_int64(st, 4, at);
	return vigie_store_step_done(s, st, err, "record decision alert");
}

int vigie_decision_fact_is_kev(const struct vigie_decision_fact *f)
{
	return !strcmp(f->release, VIGIE_DECISION_KEV_RELEASE) &&
	       !strcmp(f->source, VIGIE_DECISION_KEV_SOURCE);
}

int vigie_decision_kev_changed(const char *was, const char *now)
{
	static const char *const kev[] = { VIGIE_DECISION_KEV_IN, VIGIE_DECISION_KEV_OUT };
	for (int i = 0; i < 2; i++)
		if ((was && !strcmp(was, kev[i])) || (now && !strcmp(now, kev[i])))
			return 1;
	return 0;
}

const char *vigie_decision_what_changed(const char *was, const char *now)
{
	return vigie_decision_kev_changed(was, now) ? "CISA KEV" : "Debian's data";
}
