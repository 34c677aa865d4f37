/* The fleet service's rows: clients, users, tokens, sessions, pushes, host
 * summaries, apt candidates and the finding history. Every read of hosts
 * or findings is scoped in its SQL: "(?1 IS NULL OR h.client = ?1)", with
 * ?1 the principal's client (NULL only for operators). */
#include "store/store_internal.h"
#include "vigie/store/service.h"
#include "vigie/core/hashmap.h"

#include <stdio.h>
#include <string.h>

/* The scope parameter: a CAST makes its type known to engines that infer
 * parameter types (PostgreSQL). */
#define SCOPE "(CAST(?1 AS TEXT) IS NULL OR h.client = CAST(?1 AS TEXT))"

const char *vigie_principal_scope(const struct vigie_principal *p)
{
	if (p->role == VIGIE_ROLE_OPERATOR)
		return NULL;
	/* a client user or an agent: its client; never the whole fleet */
	return p->client;
}

static int done(struct vigie_store *s, struct vigie_stmt *st, int rc,
		struct vigie_error *err, const char *what)
{
	vdb_reset(st);
	return rc == VIGIE_STEP_DONE ? 0 : vigie_store_dberr(s, err, what);
}

static int exec1(struct vigie_store *s, const char *sql, const char *what,
		 struct vigie_error *err, int n, const char *const *vals)
{
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	for (int i = 0; i < n; i++)
		vigie_store_bind_text(st, i + 1, vals[i]);
	return vigie_store_step_done(s, st, err, what);
}

/* ---- clients ---- */

int vigie_store_client_add(struct vigie_store *s, const char *name, const char *lang,
			   const char *timezone, struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO clients(name, lang, timezone, created_at) VALUES(?,?,?,?)"
		" ON CONFLICT DO NOTHING";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, name);
	vigie_store_bind_text(st, 2, lang ? lang : "fr");
	vigie_store_bind_text(st, 3, timezone ? timezone : "Europe/Paris");
	vigie_store_bind_int64(st, 4, vigie_now());
	if ((rc = vigie_store_step_done(s, st, err, "add client")))
		return rc;
	return vdb_changes(st) ? 0 : 1;
}

static int client_id(struct vigie_store *s, const char *name, int64_t *id,
		     struct vigie_error *err)
{
	static const char sql[] = "SELECT id FROM clients WHERE name=?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, name);
	rc = vdb_step(st);
	if (rc == VIGIE_STEP_ROW) {
		*id = vdb_col_int64(st, 0);
		vdb_reset(st);
		return 0;
	}
	vdb_reset(st);
	if (rc == VIGIE_STEP_DONE)
		return vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0, "no client named %s", name);
	return vigie_store_dberr(s, err, "find client");
}

int vigie_store_client_contact_add(struct vigie_store *s, const char *client,
				   const char *email, struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO client_contacts(client_id, email) VALUES(?,?) ON CONFLICT DO NOTHING";
	struct vigie_stmt *st;
	int64_t id;
	int rc;
	if ((rc = client_id(s, client, &id, err)))
		return rc;
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, id);
	vigie_store_bind_text(st, 2, email);
	return vigie_store_step_done(s, st, err, "add contact");
}

#define CLIENT_COLS \
	"SELECT c.id, c.name, c.lang, c.timezone, c.created_at," \
	" (SELECT count(*) FROM hosts h WHERE h.client = c.name) FROM clients c"

static int client_rows(struct vigie_store *s, struct vigie_stmt *st, store_client_cb *cb,
		       void *ud, struct vigie_error *err, int *n)
{
	int rc;
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_client c = {
			vdb_col_int64(st, 0), vigie_store_col_text(st, 1),
			vigie_store_col_text(st, 2), vigie_store_col_text(st, 3),
			vdb_col_int64(st, 4), (long)vdb_col_int64(st, 5)
		};
		int r;
		(*n)++;
		if ((r = cb(ud, &c))) {
			vdb_reset(st);
			return r;
		}
	}
	return done(s, st, rc, err, "list clients");
}

int vigie_store_clients_each(struct vigie_store *s, const char *scope,
			     store_client_cb *cb, void *ud, struct vigie_error *err)
{
	static const char sql[] = CLIENT_COLS
		" WHERE (CAST(?1 AS TEXT) IS NULL OR c.name = CAST(?1 AS TEXT)) ORDER BY c.name";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int n = 0;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, scope);
	return client_rows(s, st, cb, ud, err, &n);
}

int vigie_store_client_get(struct vigie_store *s, const char *name,
			   store_client_cb *cb, void *ud, struct vigie_error *err)
{
	static const char sql[] = CLIENT_COLS " WHERE c.name = ?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int n = 0, rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, name);
	if ((rc = client_rows(s, st, cb, ud, err, &n)))
		return rc;
	return n ? 0 : VIGIE_ENOTFOUND;
}

int vigie_store_client_contacts_each(struct vigie_store *s, const char *client,
				     store_contact_cb *cb, void *ud,
				     struct vigie_error *err)
{
	static const char sql[] =
		"SELECT k.email FROM client_contacts k JOIN clients c ON c.id = k.client_id"
		" WHERE c.name = ? ORDER BY k.email";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, client);
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		int r = cb(ud, vigie_store_col_text(st, 0));
		if (r) {
			vdb_reset(st);
			return r;
		}
	}
	return done(s, st, rc, err, "list contacts");
}

int vigie_store_client_remove(struct vigie_store *s, const char *name,
			      struct vigie_error *err)
{
	static const char count[] = "SELECT count(*) FROM hosts WHERE client = ?";
	static const char del[] = "DELETE FROM clients WHERE name = ?";
	/* its decisions are kept, in writing, but revoked: a new client of
	 * the same name does not inherit them */
	static const char revoke[] =
		"UPDATE decisions SET revoked_at = ?, revoked_by = 'vigie clients remove'"
		" WHERE client = ? AND revoked_at IS NULL";
	struct vigie_stmt *st;
	int64_t id, n;
	int rc;
	if ((rc = client_id(s, name, &id, err)))
		return rc;
	if (!(st = vigie_store_stmt(s, count, err)))
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, name);
	n = vdb_step(st) == VIGIE_STEP_ROW ? vdb_col_int64(st, 0) : -1;
	vdb_reset(st);
	if (n < 0)
		return vigie_store_dberr(s, err, "count hosts");
	if (n > 0)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "client %s still has %lld host(s): remove them first"
				       " (vigie hosts remove NAME)",
				       name, (long long)n);
	if (!(st = vigie_store_stmt(s, revoke, err)))
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, vigie_now());
	vigie_store_bind_text(st, 2, name);
	if ((rc = vigie_store_step_done(s, st, err, "revoke the client's decisions")))
		return rc;
	return exec1(s, del, "remove client", err, 1, &name);
}

/* ---- users ---- */

static const char *role_name(enum vigie_role r)
{
	return r == VIGIE_ROLE_OPERATOR ? "operator" : r == VIGIE_ROLE_CLIENT ? "client" : "none";
}

static enum vigie_role role_parse(const char *s)
{
	if (s && !strcmp(s, "operator"))
		return VIGIE_ROLE_OPERATOR;
	if (s && !strcmp(s, "client"))
		return VIGIE_ROLE_CLIENT;
	return VIGIE_ROLE_NONE;
}

int vigie_store_user_add(struct vigie_store *s, const char *name, enum vigie_role role,
			 const char *client, const char *password_hash,
			 struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO users(name, role, client_id, password_hash, created_at)"
		" VALUES(?,?,?,?,?) ON CONFLICT DO NOTHING";
	struct vigie_stmt *st;
	int64_t cid = 0;
	int rc;
	if (role == VIGIE_ROLE_CLIENT && (rc = client_id(s, client, &cid, err)))
		return rc;
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, name);
	vigie_store_bind_text(st, 2, role_name(role));
	if (cid)
		vigie_store_bind_int64(st, 3, cid);
	else
		vdb_bind_null(st, 3);
	vigie_store_bind_text(st, 4, password_hash);
	vigie_store_bind_int64(st, 5, vigie_now());
	if ((rc = vigie_store_step_done(s, st, err, "add user")))
		return rc;
	return vdb_changes(st) ? 0 : 1;
}

#define USER_COLS \
	"SELECT u.id, u.name, u.role, c.name, u.password_hash, u.lang, u.created_at" \
	" FROM users u LEFT JOIN clients c ON c.id = u.client_id"

static int user_rows(struct vigie_store *s, struct vigie_stmt *st, store_user_cb *cb,
		     void *ud, struct vigie_error *err, int *n)
{
	int rc;
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_user u = {
			vdb_col_int64(st, 0), vigie_store_col_text(st, 1),
			role_parse(vigie_store_col_text(st, 2)), vigie_store_col_text(st, 3),
			vigie_store_col_text(st, 4), vigie_store_col_text(st, 5),
			vdb_col_int64(st, 6)
		};
		int r;
		(*n)++;
		if ((r = cb(ud, &u))) {
			vdb_reset(st);
			return r;
		}
	}
	return done(s, st, rc, err, "list users");
}

int vigie_store_user_get(struct vigie_store *s, const char *name, store_user_cb *cb,
			 void *ud, struct vigie_error *err)
{
	static const char sql[] = USER_COLS " WHERE u.name = ?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int n = 0, rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, name);
	if ((rc = user_rows(s, st, cb, ud, err, &n)))
		return rc;
	return n ? 0 : VIGIE_ENOTFOUND;
}

int vigie_store_users_each(struct vigie_store *s, store_user_cb *cb, void *ud,
			   struct vigie_error *err)
{
	static const char sql[] = USER_COLS " ORDER BY u.name";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int n = 0;
	if (!st)
		return VIGIE_EDB;
	return user_rows(s, st, cb, ud, err, &n);
}

int vigie_store_user_remove(struct vigie_store *s, const char *name,
			    struct vigie_error *err)
{
	static const char sql[] = "DELETE FROM users WHERE name = ?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, name);
	if ((rc = vigie_store_step_done(s, st, err, "remove user")))
		return rc;
	return vdb_changes(st) ? 0 : vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0,
						     "no user named %s", name);
}

int vigie_store_user_set_lang(struct vigie_store *s, int64_t user_id, const char *lang,
			      struct vigie_error *err)
{
	static const char sql[] = "UPDATE users SET lang = ? WHERE id = ?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, lang);
	vigie_store_bind_int64(st, 2, user_id);
	return vigie_store_step_done(s, st, err, "set language");
}

/* ---- tokens ---- */

/* An agent token enrols host for client: refused (VIGIE_EUSAGE) when the
 * stored host belongs to another client (a push would be refused: an
 * inventory never moves a host between tenants), or when an active agent
 * token already enrols it for another client (whichever pushed first
 * would own it). */
static int host_enrol_check(struct vigie_store *s, const char *host, const char *client,
			    struct vigie_error *err)
{
	static const char owner[] = "SELECT client FROM hosts WHERE name = ?";
	static const char enrolled[] =
		"SELECT c.name, t.id FROM tokens t JOIN clients c ON c.id = t.client_id"
		" WHERE t.kind = 'agent' AND t.host = ? AND t.revoked_at IS NULL AND c.name <> ?"
		" ORDER BY t.id LIMIT 1";
	char other[256];
	struct vigie_stmt *st = vigie_store_stmt(s, owner, err);
	int64_t tid = 0;
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, host);
	other[0] = '\0';
	if ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		const char *v = vigie_store_col_text(st, 0);
		snprintf(other, sizeof(other), "%s", v ? v : "");
	}
	vdb_reset(st);
	if (rc != VIGIE_STEP_ROW && rc != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "find host");
	if (other[0] && strcmp(other, client))
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "host %s belongs to client %s, not %s: its pushes would be"
				       " refused (to move it: vigie hosts remove %s)",
				       host, other, client, host);
	if (!(st = vigie_store_stmt(s, enrolled, err)))
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, host);
	vigie_store_bind_text(st, 2, client);
	if ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		const char *v = vigie_store_col_text(st, 0);
		snprintf(other, sizeof(other), "%s", v ? v : "");
		tid = vdb_col_int64(st, 1);
	}
	vdb_reset(st);
	if (rc != VIGIE_STEP_ROW && rc != VIGIE_STEP_DONE)
		return vigie_store_dberr(s, err, "read tokens");
	if (rc == VIGIE_STEP_ROW)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "host %s is enrolled for client %s (active agent token %lld):"
				       " revoke that token first", host, other, (long long)tid);
	return 0;
}

int vigie_store_token_add(struct vigie_store *s, const char *hash, const char *kind,
			  const char *host, const char *client, const char *user,
			  int64_t *id, struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO tokens(hash, kind, host, client_id, user_id, created_at)"
		" VALUES(?1, ?2, ?3, (SELECT id FROM clients WHERE name = CAST(?4 AS TEXT)),"
		" (SELECT id FROM users WHERE name = CAST(?5 AS TEXT)), ?6) RETURNING id";
	struct vigie_stmt *st;
	int rc;
	int64_t cid;
	if (client && (rc = client_id(s, client, &cid, err)))
		return rc;
	if (host && client && (rc = host_enrol_check(s, host, client, err)))
		return rc;
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, hash);
	vigie_store_bind_text(st, 2, kind);
	vigie_store_bind_text(st, 3, host);
	vigie_store_bind_text(st, 4, client);
	vigie_store_bind_text(st, 5, user);
	vigie_store_bind_int64(st, 6, vigie_now());
	rc = vdb_step(st);
	if (rc == VIGIE_STEP_ROW && id)
		*id = vdb_col_int64(st, 0);
	if (rc != VIGIE_STEP_ROW)
		rc = vigie_store_dberr(s, err, "add token");
	else
		rc = 0;
	vdb_reset(st);
	return rc;
}

int vigie_store_tokens_each(struct vigie_store *s, store_token_cb *cb, void *ud,
			    struct vigie_error *err)
{
	static const char sql[] =
		"SELECT t.id, t.kind, t.host, c.name, u.name, t.created_at,"
		" coalesce(t.revoked_at, 0), coalesce(t.last_used_at, 0) FROM tokens t"
		" LEFT JOIN clients c ON c.id = t.client_id"
		" LEFT JOIN users u ON u.id = t.user_id ORDER BY t.id";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_token t = {
			vdb_col_int64(st, 0), vigie_store_col_text(st, 1),
			vigie_store_col_text(st, 2), vigie_store_col_text(st, 3),
			vigie_store_col_text(st, 4), vdb_col_int64(st, 5),
			vdb_col_int64(st, 6), vdb_col_int64(st, 7)
		};
		int r = cb(ud, &t);
		if (r) {
			vdb_reset(st);
			return r;
		}
	}
	return done(s, st, rc, err, "list tokens");
}

int vigie_store_token_revoke(struct vigie_store *s, int64_t id, struct vigie_error *err)
{
	static const char sql[] =
		"UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, vigie_now());
	vigie_store_bind_int64(st, 2, id);
	if ((rc = vigie_store_step_done(s, st, err, "revoke token")))
		return rc;
	return vdb_changes(st) ? 0 : vigie_error_set(err, VIGIE_ENOTFOUND, NULL, 0,
						     "no active token %lld", (long long)id);
}

static void copy_field(char *dst, size_t size, const char *v)
{
	snprintf(dst, size, "%s", v ? v : "");
}

int vigie_store_token_principal(struct vigie_store *s, const char *hash,
				struct vigie_principal *out, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT t.kind, t.host, tc.name, u.id, u.name, u.role, uc.name, u.lang,"
		" t.id, coalesce(t.last_used_at, 0)"
		" FROM tokens t LEFT JOIN clients tc ON tc.id = t.client_id"
		" LEFT JOIN users u ON u.id = t.user_id"
		" LEFT JOIN clients uc ON uc.id = u.client_id"
		" WHERE t.hash = ? AND t.revoked_at IS NULL";
	/* when it was last used, to the hour: one write per token per hour */
	static const char used[] = "UPDATE tokens SET last_used_at = ? WHERE id = ?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	const char *kind;
	int64_t id, last, now = vigie_now();
	int rc;
	memset(out, 0, sizeof(*out));
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, hash);
	rc = vdb_step(st);
	if (rc != VIGIE_STEP_ROW) {
		vdb_reset(st);
		return rc == VIGIE_STEP_DONE ? VIGIE_ENOTFOUND
					     : vigie_store_dberr(s, err, "read token");
	}
	id = vdb_col_int64(st, 8);
	last = vdb_col_int64(st, 9);
	kind = vigie_store_col_text(st, 0);
	if (kind && !strcmp(kind, "agent")) {
		out->role = VIGIE_ROLE_AGENT;
		copy_field(out->host, sizeof(out->host), vigie_store_col_text(st, 1));
		copy_field(out->client, sizeof(out->client), vigie_store_col_text(st, 2));
	} else if (!vdb_col_isnull(st, 3)) {
		out->role = role_parse(vigie_store_col_text(st, 5));
		out->user_id = vdb_col_int64(st, 3);
		copy_field(out->user, sizeof(out->user), vigie_store_col_text(st, 4));
		copy_field(out->client, sizeof(out->client), vigie_store_col_text(st, 6));
		copy_field(out->lang, sizeof(out->lang), vigie_store_col_text(st, 7));
	}
	vdb_reset(st);
	/* a client user whose client is gone, or an agent token without its
	 * client, is nobody */
	if (out->role == VIGIE_ROLE_NONE ||
	    (out->role != VIGIE_ROLE_OPERATOR && !out->client[0]))
		return VIGIE_ENOTFOUND;
	if (now - last >= 3600 || now < last) {
		/* best effort: a store that cannot write still authenticates */
		struct vigie_error e2;
		vigie_error_init(&e2);
		if ((st = vigie_store_stmt(s, used, &e2))) {
			vigie_store_bind_int64(st, 1, now);
			vigie_store_bind_int64(st, 2, id);
			vigie_store_step_done(s, st, &e2, "record token use");
		}
	}
	return 0;
}

/* ---- sessions ---- */

int vigie_store_session_add(struct vigie_store *s, const char *hash, int64_t user_id,
			    const char *csrf, int64_t expires_at, struct vigie_error *err)
{
	static const char purge[] = "DELETE FROM sessions WHERE expires_at < ?";
	static const char sql[] =
		"INSERT INTO sessions(hash, user_id, csrf, created_at, expires_at)"
		" VALUES(?,?,?,?,?)";
	struct vigie_stmt *st = vigie_store_stmt(s, purge, err);
	int64_t now = vigie_now();
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, now);
	if ((rc = vigie_store_step_done(s, st, err, "purge sessions")))
		return rc;
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, hash);
	vigie_store_bind_int64(st, 2, user_id);
	vigie_store_bind_text(st, 3, csrf);
	vigie_store_bind_int64(st, 4, now);
	vigie_store_bind_int64(st, 5, expires_at);
	return vigie_store_step_done(s, st, err, "add session");
}

int vigie_store_session_principal(struct vigie_store *s, const char *hash, int64_t now,
				  struct vigie_principal *out, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT u.id, u.name, u.role, c.name, u.lang, x.csrf FROM sessions x"
		" JOIN users u ON u.id = x.user_id LEFT JOIN clients c ON c.id = u.client_id"
		" WHERE x.hash = ? AND x.expires_at > ?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	memset(out, 0, sizeof(*out));
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, hash);
	vigie_store_bind_int64(st, 2, now);
	rc = vdb_step(st);
	if (rc != VIGIE_STEP_ROW) {
		vdb_reset(st);
		return rc == VIGIE_STEP_DONE ? VIGIE_ENOTFOUND
					     : vigie_store_dberr(s, err, "read session");
	}
	out->user_id = vdb_col_int64(st, 0);
	copy_field(out->user, sizeof(out->user), vigie_store_col_text(st, 1));
	out->role = role_parse(vigie_store_col_text(st, 2));
	copy_field(out->client, sizeof(out->client), vigie_store_col_text(st, 3));
	copy_field(out->lang, sizeof(out->lang), vigie_store_col_text(st, 4));
	copy_field(out->csrf, sizeof(out->csrf), vigie_store_col_text(st, 5));
	vdb_reset(st);
	if (out->role == VIGIE_ROLE_NONE || (out->role == VIGIE_ROLE_CLIENT && !out->client[0]))
		return VIGIE_ENOTFOUND;
	return 0;
}

int vigie_store_session_remove(struct vigie_store *s, const char *hash,
			       struct vigie_error *err)
{
	static const char sql[] = "DELETE FROM sessions WHERE hash = ?";
	return exec1(s, sql, "remove session", err, 1, &hash);
}

/* ---- pushes ---- */

int vigie_store_push_seen(struct vigie_store *s, int64_t host_id, const char *digest,
			  struct vigie_error *err)
{
	static const char sql[] = "SELECT 1 FROM pushes WHERE host_id = ? AND digest = ?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	vigie_store_bind_text(st, 2, digest);
	rc = vdb_step(st);
	vdb_reset(st);
	if (rc == VIGIE_STEP_ERROR)
		return vigie_store_dberr(s, err, "read pushes");
	return rc == VIGIE_STEP_ROW;
}

int vigie_store_push_times_each(struct vigie_store *s, int64_t host_id, int64_t since,
				int64_t until, store_push_time_cb *cb, void *ud,
				struct vigie_error *err)
{
	static const char sql[] = "SELECT received_at FROM pushes WHERE host_id = ?"
				  " AND received_at >= ? AND received_at < ? ORDER BY received_at";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	vigie_store_bind_int64(st, 2, since);
	vigie_store_bind_int64(st, 3, until);
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		int r = cb(ud, vdb_col_int64(st, 0));
		if (r) {
			vdb_reset(st);
			return r;
		}
	}
	vdb_reset(st);
	return rc == VIGIE_STEP_ERROR ? vigie_store_dberr(s, err, "read pushes") : 0;
}

int vigie_store_push_record(struct vigie_store *s, int64_t host_id, const char *digest,
			    int64_t received_at, int64_t bytes, long packages,
			    struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO pushes(host_id, digest, received_at, bytes, packages)"
		" VALUES(?,?,?,?,?) ON CONFLICT DO NOTHING";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	vigie_store_bind_text(st, 2, digest);
	vigie_store_bind_int64(st, 3, received_at);
	vigie_store_bind_int64(st, 4, bytes);
	static const char last[] =
		"UPDATE hosts SET last_push = ? WHERE id = ? AND last_push < ?";
	int rc;
	vigie_store_bind_int64(st, 5, packages);
	if ((rc = vigie_store_step_done(s, st, err, "record push")))
		return rc;
	if (!(st = vigie_store_stmt(s, last, err)))
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, received_at);
	vigie_store_bind_int64(st, 2, host_id);
	vigie_store_bind_int64(st, 3, received_at);
	return vigie_store_step_done(s, st, err, "record last push");
}

/* ---- host summaries ---- */

int vigie_store_host_summary_put(struct vigie_store *s, int64_t host_id,
				 const struct store_host_summary *m,
				 struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO host_summary(host_id, computed_at, verdict, reason, open_highly,"
		" open_critical, open_standard, pending_security, reboot, lifecycle,"
		" lifecycle_end, basis, facts_digest) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)"
		" ON CONFLICT(host_id) DO UPDATE SET computed_at=excluded.computed_at,"
		" verdict=excluded.verdict, reason=excluded.reason,"
		" open_highly=excluded.open_highly, open_critical=excluded.open_critical,"
		" open_standard=excluded.open_standard,"
		" pending_security=CASE WHEN excluded.pending_security < 0"
		"  THEN host_summary.pending_security ELSE excluded.pending_security END,"
		" reboot=excluded.reboot,"
		" lifecycle=excluded.lifecycle, lifecycle_end=excluded.lifecycle_end,"
		" basis=excluded.basis, facts_digest=excluded.facts_digest";
	/* the open rows were seen at the time of the judged summary replaced
	 * by one without a verdict: written into them before it goes (see
	 * vigie_store_finding_history_update) */
	static const char keep[] =
		"UPDATE finding_history SET last_seen = (SELECT m.computed_at"
		"  FROM host_summary m WHERE m.host_id = ?1 AND m.verdict = 'judged')"
		" WHERE host_id = ?1 AND resolved_at IS NULL AND last_seen < (SELECT"
		"  m.computed_at FROM host_summary m WHERE m.host_id = ?1"
		"  AND m.verdict = 'judged')";
	struct vigie_stmt *st;
	int rc;
	if (m->verdict && strcmp(m->verdict, "judged")) {
		if (!(st = vigie_store_stmt(s, keep, err)))
			return VIGIE_EDB;
		vigie_store_bind_int64(st, 1, host_id);
		if ((rc = vigie_store_step_done(s, st, err, "keep findings last seen")))
			return rc;
	}
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	vigie_store_bind_int64(st, 2, m->computed_at);
	vigie_store_bind_text(st, 3, m->verdict);
	vigie_store_bind_text(st, 4, m->reason);
	vigie_store_bind_int64(st, 5, m->open[2]);
	vigie_store_bind_int64(st, 6, m->open[1]);
	vigie_store_bind_int64(st, 7, m->open[0]);
	vigie_store_bind_int64(st, 8, m->pending_security);
	vigie_store_bind_int64(st, 9, m->reboot);
	vigie_store_bind_text(st, 10, m->lifecycle);
	vigie_store_bind_text(st, 11, m->lifecycle_end);
	vigie_store_bind_text(st, 12, m->basis);
	vigie_store_bind_text(st, 13, m->verdict && !strcmp(m->verdict, "judged")
					      ? m->facts_digest : NULL);
	return vigie_store_step_done(s, st, err, "store host summary");
}

int vigie_store_host_summary_get(struct vigie_store *s, int64_t host_id,
				 store_summary_cb *cb, void *ud, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT computed_at, verdict, reason, open_standard, open_critical,"
		" open_highly, pending_security, reboot, lifecycle, lifecycle_end, basis,"
		" facts_digest FROM host_summary WHERE host_id = ?";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	struct store_host_summary m;
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	rc = vdb_step(st);
	if (rc == VIGIE_STEP_ROW) {
		memset(&m, 0, sizeof(m));
		m.computed_at = vdb_col_int64(st, 0);
		m.verdict = vigie_store_col_text(st, 1);
		m.reason = vigie_store_col_text(st, 2);
		for (int k = 0; k < 3; k++)
			m.open[k] = (long)vdb_col_int64(st, 3 + k);
		m.pending_security = (long)vdb_col_int64(st, 6);
		m.reboot = (int)vdb_col_int64(st, 7);
		m.lifecycle = vigie_store_col_text(st, 8);
		m.lifecycle_end = vigie_store_col_text(st, 9);
		m.basis = vigie_store_col_text(st, 10);
		m.facts_digest = vigie_store_col_text(st, 11);
		rc = cb(ud, &m);
		vdb_reset(st);
		return rc;
	}
	vdb_reset(st);
	if (rc == VIGIE_STEP_DONE)
		return VIGIE_ENOTFOUND;
	return vigie_store_dberr(s, err, "read host summary");
}

int vigie_store_host_summary_confirm(struct vigie_store *s, int64_t host_id, int64_t when,
				     long pending_security, struct vigie_error *err)
{
	static const char sql[] =
		"UPDATE host_summary SET computed_at = ?2, pending_security = CASE"
		" WHEN ?3 < 0 THEN pending_security ELSE ?3 END WHERE host_id = ?1";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	vigie_store_bind_int64(st, 2, when);
	vigie_store_bind_int64(st, 3, pending_security);
	return vigie_store_step_done(s, st, err, "confirm host summary");
}

#define FLEET_COLS \
	"SELECT h.id, h.name, h.client, h.release, h.arch, h.kernel_release," \
	" coalesce(h.inventoried_at, 0)," \
	" h.last_push, h.npackages," \
	" m.host_id, m.computed_at, m.verdict, m.reason, m.open_standard," \
	" m.open_critical, m.open_highly, m.pending_security, m.reboot, m.lifecycle," \
	" m.lifecycle_end, q.month, q.met, q.total, q.computed_at" \
	" FROM hosts h LEFT JOIN host_summary m ON m.host_id = h.id" \
	" LEFT JOIN host_sla q ON q.host_id = h.id"

static int fleet_rows(struct vigie_store *s, struct vigie_stmt *st,
		      store_fleet_host_cb *cb, void *ud, struct vigie_error *err, int *n)
{
	int rc;
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_fleet_host h;
		int r;
		memset(&h, 0, sizeof(h));
		h.id = vdb_col_int64(st, 0);
		h.name = vigie_store_col_text(st, 1);
		h.client = vigie_store_col_text(st, 2);
		h.release = vigie_store_col_text(st, 3);
		h.arch = vigie_store_col_text(st, 4);
		h.kernel_release = vigie_store_col_text(st, 5);
		h.inventoried_at = vdb_col_int64(st, 6);
		h.last_push = vdb_col_int64(st, 7);
		h.packages = (long)vdb_col_int64(st, 8);
		h.has_summary = !vdb_col_isnull(st, 9);
		h.sum.computed_at = vdb_col_int64(st, 10);
		h.sum.verdict = vigie_store_col_text(st, 11);
		h.sum.reason = vigie_store_col_text(st, 12);
		for (int k = 0; k < 3; k++)
			h.sum.open[k] = (long)vdb_col_int64(st, 13 + k);
		h.sum.pending_security = (long)vdb_col_int64(st, 16);
		h.sum.reboot = (int)vdb_col_int64(st, 17);
		h.sum.lifecycle = vigie_store_col_text(st, 18);
		h.sum.lifecycle_end = vigie_store_col_text(st, 19);
		h.sla_month = vigie_store_col_text(st, 20);
		h.sla_met = (long)vdb_col_int64(st, 21);
		h.sla_total = (long)vdb_col_int64(st, 22);
		h.sla_at = vdb_col_int64(st, 23);
		(*n)++;
		if ((r = cb(ud, &h))) {
			vdb_reset(st);
			return r;
		}
	}
	return done(s, st, rc, err, "list hosts");
}

int vigie_store_fleet_hosts_each(struct vigie_store *s, const char *scope,
				 store_fleet_host_cb *cb, void *ud,
				 struct vigie_error *err)
{
	static const char sql[] = FLEET_COLS " WHERE " SCOPE " ORDER BY h.name";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int n = 0;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, scope);
	return fleet_rows(s, st, cb, ud, err, &n);
}

int vigie_store_fleet_hosts_page(struct vigie_store *s, const char *scope, int64_t offset,
				 int64_t limit, store_fleet_host_cb *cb, void *ud,
				 struct vigie_error *err)
{
	static const char sql[] = FLEET_COLS " WHERE " SCOPE " ORDER BY h.name"
					     " LIMIT CAST(?3 AS INTEGER) OFFSET CAST(?2 AS INTEGER)";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int n = 0;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, scope);
	vigie_store_bind_int64(st, 2, offset < 0 ? 0 : offset);
	vigie_store_bind_int64(st, 3, limit < 0 ? 0 : limit);
	return fleet_rows(s, st, cb, ud, err, &n);
}

int vigie_store_fleet_totals(struct vigie_store *s, const char *scope,
			     struct store_fleet_totals *t, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT count(*), coalesce(sum(m.open_standard), 0),"
		" coalesce(sum(m.open_critical), 0), coalesce(sum(m.open_highly), 0),"
		" coalesce(sum(CASE WHEN m.verdict = 'undetermined' OR m.host_id IS NULL"
		" THEN 1 ELSE 0 END), 0)"
		" FROM hosts h LEFT JOIN host_summary m ON m.host_id = h.id WHERE " SCOPE;
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	memset(t, 0, sizeof(*t));
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, scope);
	if ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		t->hosts = (long)vdb_col_int64(st, 0);
		for (int k = 0; k < 3; k++)
			t->open[k] = (long)vdb_col_int64(st, 1 + k);
		t->undetermined = (long)vdb_col_int64(st, 4);
	}
	vdb_reset(st);
	return rc == VIGIE_STEP_ROW ? 0 : vigie_store_dberr(s, err, "count hosts");
}

int vigie_store_view_generation(struct vigie_store *s, int64_t *gen,
				struct vigie_error *err)
{
	static const char sql[] = "SELECT n FROM view_generation WHERE id = 1";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	*gen = -1;
	if (!st)
		return VIGIE_EDB;
	if ((rc = vdb_step(st)) == VIGIE_STEP_ROW)
		*gen = vdb_col_int64(st, 0);
	vdb_reset(st);
	return rc == VIGIE_STEP_ROW ? 0 : vigie_store_dberr(s, err, "read the view generation");
}

int vigie_store_fleet_host_get(struct vigie_store *s, const char *scope, const char *name,
			       store_fleet_host_cb *cb, void *ud, struct vigie_error *err)
{
	static const char sql[] = FLEET_COLS " WHERE " SCOPE " AND h.name = ?2";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int n = 0, rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, scope);
	vigie_store_bind_text(st, 2, name);
	if ((rc = fleet_rows(s, st, cb, ud, err, &n)))
		return rc;
	return n ? 0 : VIGIE_ENOTFOUND;
}

/* ---- candidates ---- */

int vigie_store_host_candidates_set(struct vigie_store *s, int64_t host_id,
				    const struct store_candidate *c, size_t n,
				    struct vigie_error *err)
{
	static const char del[] = "DELETE FROM host_candidates WHERE host_id = ?";
	static const char ins[] =
		"INSERT INTO host_candidates(host_id, package, arch, version, suite, security)"
		" VALUES(?,?,?,?,?,?) ON CONFLICT DO NOTHING";
	struct vigie_stmt *st = vigie_store_stmt(s, del, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	if ((rc = vigie_store_step_done(s, st, err, "clear candidates")))
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (!(st = vigie_store_stmt(s, ins, err)))
			return VIGIE_EDB;
		vigie_store_bind_int64(st, 1, host_id);
		vigie_store_bind_text(st, 2, c[i].package);
		vigie_store_bind_text(st, 3, c[i].arch ? c[i].arch : "");
		vigie_store_bind_text(st, 4, c[i].version);
		vigie_store_bind_text(st, 5, c[i].suite);
		vigie_store_bind_int64(st, 6, c[i].security ? 1 : 0);
		if ((rc = vigie_store_step_done(s, st, err, "store candidate")))
			return rc;
	}
	return 0;
}

int vigie_store_host_pending_each(struct vigie_store *s, const char *scope, const char *name,
				  store_pending_cb *cb, void *ud, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT c.package, c.arch, p.version, c.version, c.suite, c.security"
		" FROM hosts h JOIN host_candidates c ON c.host_id = h.id"
		" LEFT JOIN host_packages p ON p.host_id = c.host_id AND p.package = c.package"
		"  AND p.arch = c.arch"
		" WHERE " SCOPE " AND h.name = ?2 ORDER BY c.security DESC, c.package, c.arch";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, scope);
	vigie_store_bind_text(st, 2, name);
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_pending_update u = {
			vigie_store_col_text(st, 0), vigie_store_col_text(st, 1),
			vigie_store_col_text(st, 2), vigie_store_col_text(st, 3),
			vigie_store_col_text(st, 4), vdb_col_int64(st, 5) != 0
		};
		int x = cb(ud, &u);
		if (x) {
			vdb_reset(st);
			return x;
		}
	}
	return done(s, st, rc, err, "read pending updates");
}

/* ---- processes still running replaced files ---- */

int vigie_store_host_restart_set(struct vigie_store *s, int64_t host_id,
				 const struct store_restart *r, struct vigie_error *err)
{
	static const char del[] = "DELETE FROM host_restart WHERE host_id = ?";
	static const char ins[] =
		"INSERT INTO host_restart(host_id, pid, comm, unit, kind, container, package,"
		" arch, running_version, path) VALUES(?,?,?,?,?,?,?,?,?,?)";
	static const char mark[] =
		"UPDATE hosts SET restart_known = ?4, restart_scanned = ?2,"
		" restart_unreadable = ?3 WHERE id = ?1";
	struct vigie_stmt *st = vigie_store_stmt(s, del, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	if ((rc = vigie_store_step_done(s, st, err, "clear restart entries")))
		return rc;
	for (size_t i = 0; r && i < r->n; i++) {
		const struct store_restart_entry *e = &r->v[i];
		if (!(st = vigie_store_stmt(s, ins, err)))
			return VIGIE_EDB;
		vigie_store_bind_int64(st, 1, host_id);
		vigie_store_bind_int64(st, 2, e->pid);
		vigie_store_bind_text(st, 3, e->comm);
		vigie_store_bind_text(st, 4, e->unit);
		vigie_store_bind_text(st, 5, e->kind);
		vigie_store_bind_text(st, 6, e->container);
		vigie_store_bind_text(st, 7, e->package);
		vigie_store_bind_text(st, 8, e->arch ? e->arch : "");
		vigie_store_bind_text(st, 9, e->running_version);
		vigie_store_bind_text(st, 10, e->path);
		if ((rc = vigie_store_step_done(s, st, err, "store restart entry")))
			return rc;
	}
	if (!(st = vigie_store_stmt(s, mark, err)))
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	vigie_store_bind_int64(st, 2, r ? (int64_t)r->scanned : 0);
	vigie_store_bind_int64(st, 3, r ? (int64_t)r->unreadable : 0);
	vigie_store_bind_int64(st, 4, r ? 1 : 0);
	return vigie_store_step_done(s, st, err, "mark restart data");
}

int vigie_store_host_restart_get(struct vigie_store *s, int64_t host_id,
				 struct store_restart *out, int *known,
				 struct vigie_arena *arena, struct vigie_error *err)
{
	static const char head[] =
		"SELECT restart_known, restart_scanned, restart_unreadable FROM hosts WHERE id = ?";
	static const char rows[] =
		"SELECT pid, comm, unit, kind, container, package, arch, running_version, path"
		" FROM host_restart WHERE host_id = ? ORDER BY pid, package, path";
	struct vigie_stmt *st = vigie_store_stmt(s, head, err);
	size_t cap = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	*known = 0;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	if ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		*known = vdb_col_int64(st, 0) != 0;
		out->scanned = (size_t)vdb_col_int64(st, 1);
		out->unreadable = (size_t)vdb_col_int64(st, 2);
		rc = vdb_step(st);
	}
	if ((rc = done(s, st, rc, err, "read restart data")) || !*known)
		return rc;
	if (!(st = vigie_store_stmt(s, rows, err)))
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_restart_entry *e;
		if (out->n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct store_restart_entry *nv = vigie_arena_alloc(arena, nc * sizeof(*nv));
			if (!nv) {
				vdb_reset(st);
				return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			}
			if (out->n)
				memcpy(nv, out->v, out->n * sizeof(*nv));
			out->v = nv;
			cap = nc;
		}
		e = &out->v[out->n++];
		e->pid = (int)vdb_col_int64(st, 0);
		e->comm = vigie_arena_strdup(arena, vigie_store_col_text(st, 1));
		e->unit = vigie_arena_strdup(arena, vigie_store_col_text(st, 2));
		e->kind = vigie_arena_strdup(arena, vigie_store_col_text(st, 3));
		e->container = vigie_arena_strdup(arena, vigie_store_col_text(st, 4));
		e->package = vigie_arena_strdup(arena, vigie_store_col_text(st, 5));
		e->arch = vigie_arena_strdup(arena, vigie_store_col_text(st, 6));
		e->running_version = vigie_arena_strdup(arena, vigie_store_col_text(st, 7));
		e->path = vigie_arena_strdup(arena, vigie_store_col_text(st, 8));
		if (!e->package || !e->path || !e->arch) {
			vdb_reset(st);
			return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		}
	}
	return done(s, st, rc, err, "read restart entries");
}

/* ---- finding history ---- */

/* One open row of a host's finding history, as stored. */
struct fh_row {
	const char *installed_version, *fixed_version, *cls, *state;
	int resolved; /* the fix is installed, not yet in effect */
	int seen;     /* still shown by this judgement */
};

static int same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static char *fh_key(struct vigie_arena *A, const char *cve, const char *source)
{
	size_t a = strlen(cve), b = strlen(source);
	char *k = vigie_arena_alloc(A, a + b + 2);
	if (k) {
		memcpy(k, cve, a);
		k[a] = '\037';
		memcpy(k + a + 1, source, b + 1);
	}
	return k;
}

/* Only what changed is written: the host's open rows are read once; a
 * finding open before with the same facts costs nothing; new or changed
 * ones are upserted, and open rows absent now are resolved one by one.
 * An open row's last_seen is not moved at each judgement: every open row
 * of a judged host was seen at its summary's computed_at, which reads
 * take as last_seen when later (vigie_store_finding_history_each); a row
 * leaving that state (resolved here, or its host's summary replaced by
 * one without a verdict) gets the time written first. */
int vigie_store_finding_history_update(struct vigie_store *s, int64_t host_id,
				       int64_t when, int64_t booted_at,
				       const struct store_finding_fact *open, size_t n,
				       struct vigie_error *err)
{
	return vigie_store_finding_history_update_some(s, host_id, when, booted_at, open, n,
						       NULL, 0, NULL, err);
}

int vigie_store_finding_history_same(struct vigie_store *s, int64_t host_id, int64_t when,
				     const char *digest, int *same, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT computed_at, facts_digest FROM host_summary"
		" WHERE host_id = ? AND verdict = 'judged'";
	struct vigie_stmt *st;
	int step;
	*same = 0;
	if (!digest)
		return 0;
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	if ((step = vdb_step(st)) == VIGIE_STEP_ROW) {
		const char *d = vigie_store_col_text(st, 1);
		*same = vdb_col_int64(st, 0) <= when && d && !strcmp(d, digest);
		step = vdb_step(st);
	}
	return done(s, st, step, err, "read host summary");
}

/* Write the open findings batch[0..*n) (indexes into open): FH_BATCH of
 * them with one statement of up_batch, fewer one by one with up. */
#define FH_BATCH 64
static int fh_flush(struct vigie_store *s, const char *up, const char *up_batch,
		    int64_t host_id, int64_t when, const struct store_finding_fact *open,
		    const size_t *batch, size_t *n, struct vigie_hashmap *inbatch,
		    struct vigie_error *err)
{
	size_t per = *n == FH_BATCH ? FH_BATCH : 1;
	int rc = 0;
	for (size_t b = 0; !rc && b < *n; b += per) {
		struct vigie_stmt *st = vigie_store_stmt(s, per > 1 ? up_batch : up, err);
		if (!st)
			return VIGIE_EDB;
		for (size_t j = 0; j < per; j++) {
			const struct store_finding_fact *f = &open[batch[b + j]];
			int c = (int)j * 9;
			vigie_store_bind_int64(st, c + 1, host_id);
			vigie_store_bind_text(st, c + 2, f->cve);
			vigie_store_bind_text(st, c + 3, f->source);
			vigie_store_bind_int64(st, c + 4, when);
			vigie_store_bind_int64(st, c + 5, when);
			vigie_store_bind_text(st, c + 6, f->installed_version);
			vigie_store_bind_text(st, c + 7, f->fixed_version);
			vigie_store_bind_text(st, c + 8, f->cls);
			vigie_store_bind_text(st, c + 9, f->state);
		}
		rc = vigie_store_step_done(s, st, err, "record findings");
	}
	*n = 0;
	vigie_hashmap_release(inbatch);
	vigie_hashmap_init(inbatch);
	return rc;
}

int vigie_store_finding_history_update_some(struct vigie_store *s, int64_t host_id,
					    int64_t when, int64_t booted_at,
					    const struct store_finding_fact *open, size_t n,
					    const char *const *sources, size_t nsources,
					    long before_open[3], struct vigie_error *err)
{
	/* open rows, and resolved ones still waiting for their fix to take
	 * effect (effective_at is set whenever a row resolves for good) */
	static const char cur_all[] =
		"SELECT cve, source, installed_version, fixed_version, class, state,"
		" CASE WHEN resolved_at IS NULL THEN 0 ELSE 1 END"
		" FROM finding_history WHERE host_id = ? AND effective_at IS NULL";
	/* the same for up to 64 sources (the others NULL: no match) */
	static const char cur_some[] =
		"SELECT cve, source, installed_version, fixed_version, class, state,"
		" CASE WHEN resolved_at IS NULL THEN 0 ELSE 1 END"
		" FROM finding_history WHERE host_id = ? AND effective_at IS NULL AND source IN ("
		VIGIE_STORE_IN64;
	const char *cur = sources ? cur_some : cur_all;
	struct vigie_hashmap only;
	/* new or changed open findings; on a remote driver FH_BATCH rows per
	 * statement (one round trip), the rest one by one (an embedded one
	 * is faster with one row per statement) */
#define FH_UP(values)                                                                  \
	"INSERT INTO finding_history(host_id, cve, source, first_seen, last_seen,"      \
	" installed_version, fixed_version, class, state) VALUES " values                \
	" ON CONFLICT(host_id, cve, source) DO UPDATE SET"                              \
	" last_seen = excluded.last_seen, resolved_at = NULL,"                          \
	" resolved_version = NULL, installed_version = excluded.installed_version,"    \
	" fixed_version = excluded.fixed_version, class = excluded.class,"              \
	" state = excluded.state, effective_at = NULL"
#define FH_V "(?,?,?,?,?,?,?,?,?)"
#define FH_V4 FH_V "," FH_V "," FH_V "," FH_V
#define FH_V16 FH_V4 "," FH_V4 "," FH_V4 "," FH_V4
	static const char up[] = FH_UP(FH_V);
	static const char up_batch[] = FH_UP(FH_V16 "," FH_V16 "," FH_V16 "," FH_V16);
#undef FH_UP
	/* the fix is installed now but not in effect: resolved (installed)
	 * at when, in effect later; a finding first seen so is opened and
	 * resolved at once */
	static const char pend[] =
		"INSERT INTO finding_history(host_id, cve, source, first_seen, last_seen,"
		" installed_version, fixed_version, class, state, resolved_at, resolved_version)"
		" VALUES(?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?4,"
		" (SELECT max(p.source_version) FROM host_packages p"
		"  WHERE p.host_id = ?1 AND p.source = ?3))"
		" ON CONFLICT(host_id, cve, source) DO UPDATE SET"
		" last_seen = excluded.last_seen, resolved_at = excluded.resolved_at,"
		" resolved_version = excluded.resolved_version, state = excluded.state,"
		" effective_at = NULL";
	/* open before, absent now: resolved by this inventory, and in effect
	 * then when the inventory carried process data (else unknown: 0) */
	static const char resolve[] =
		"UPDATE finding_history SET resolved_at = ?4,"
		" effective_at = CASE WHEN (SELECT restart_known FROM hosts WHERE id = ?1) = 1"
		"  THEN ?4 ELSE CAST(0 AS BIGINT) END,"
		" resolved_version = (SELECT max(p.source_version) FROM host_packages p"
		"  WHERE p.host_id = finding_history.host_id"
		"  AND p.source = finding_history.source),"
		" last_seen = CASE WHEN last_seen < ?5 THEN ?5 ELSE last_seen END"
		" WHERE host_id = ?1 AND cve = ?2 AND source = ?3 AND resolved_at IS NULL";
	/* installed before, no longer waiting now: in effect from this
	 * inventory, or from the boot it reports for a kernel fix */
	static const char effect[] =
		"UPDATE finding_history SET effective_at = CASE WHEN state = 'reboot-required'"
		" AND ?6 > resolved_at AND ?6 <= ?4 THEN ?6 ELSE ?4 END,"
		" last_seen = CASE WHEN last_seen < ?5 THEN ?5 ELSE last_seen END"
		" WHERE host_id = ?1 AND cve = ?2 AND source = ?3"
		" AND resolved_at IS NOT NULL AND effective_at IS NULL";
	/* when the previous judgement saw the open rows */
	static const char prev[] =
		"SELECT computed_at FROM host_summary WHERE host_id = ? AND verdict = 'judged'";
	static const char seen[] =
		"UPDATE finding_history SET last_seen = ?2"
		" WHERE host_id = ?1 AND resolved_at IS NULL AND last_seen < ?2";
	struct vigie_hashmap rows, inbatch;
	struct vigie_arena A;
	struct vigie_stmt *st;
	size_t batch[FH_BATCH], nbatch = 0;
	int64_t before = 0;
	int rc = 0, step;

	vigie_hashmap_init(&rows);
	vigie_hashmap_init(&inbatch);
	vigie_hashmap_init(&only);
	vigie_arena_init(&A);
	if (before_open)
		before_open[0] = before_open[1] = before_open[2] = 0;
	if (sources && nsources > 64)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "more than 64 sources");
	for (size_t i = 0; sources && i < nsources; i++) {
		void **slot = vigie_hashmap_slot(&only, sources[i], strlen(sources[i]));
		if (!slot) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		*slot = (void *)sources[i];
	}
	if (!(st = vigie_store_stmt(s, prev, err))) {
		rc = VIGIE_EDB;
		goto out;
	}
	vigie_store_bind_int64(st, 1, host_id);
	if ((step = vdb_step(st)) == VIGIE_STEP_ROW)
		before = vdb_col_int64(st, 0);
	vdb_reset(st);
	if (step != VIGIE_STEP_ROW && step != VIGIE_STEP_DONE) {
		rc = vigie_store_dberr(s, err, "read host summary");
		goto out;
	}
	if (before > when) {
		/* the clock went back: the rows kept open keep the later time */
		if (!(st = vigie_store_stmt(s, seen, err))) {
			rc = VIGIE_EDB;
			goto out;
		}
		vigie_store_bind_int64(st, 1, host_id);
		vigie_store_bind_int64(st, 2, before);
		if ((rc = vigie_store_step_done(s, st, err, "findings still open")))
			goto out;
	}
	if (!(st = vigie_store_stmt(s, cur, err))) {
		rc = VIGIE_EDB;
		goto out;
	}
	vigie_store_bind_int64(st, 1, host_id);
	if (sources)
		vigie_store_bind_in64(st, 2, sources, nsources);
	while ((step = vdb_step(st)) == VIGIE_STEP_ROW) {
		const char *cve = vigie_store_col_text(st, 0), *src = vigie_store_col_text(st, 1);
		struct fh_row *r = vigie_arena_alloc(&A, sizeof(*r));
		char *k = cve && src ? fh_key(&A, cve, src) : NULL;
		void **slot;
		if (!r || !k || !(slot = vigie_hashmap_slot(&rows, k, strlen(k)))) {
			vdb_reset(st);
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		memset(r, 0, sizeof(*r));
		r->installed_version = vigie_arena_strdup(&A, vigie_store_col_text(st, 2));
		r->fixed_version = vigie_arena_strdup(&A, vigie_store_col_text(st, 3));
		r->cls = vigie_arena_strdup(&A, vigie_store_col_text(st, 4));
		r->state = vigie_arena_strdup(&A, vigie_store_col_text(st, 5));
		r->resolved = vdb_col_int64(st, 6) != 0;
		*slot = r;
		if (before_open) {
			/* the previous judgement's findings: its open ones and
			 * those whose fix was not in effect yet */
			static const char *const cls[3] = { "standard", "critical",
							    "highly-critical" };
			for (int c = 0; r->cls && c < 3; c++)
				if (!strcmp(r->cls, cls[c]))
					before_open[c]++;
		}
	}
	vdb_reset(st);
	if (step != VIGIE_STEP_DONE) {
		rc = vigie_store_dberr(s, err, "read finding history");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct fh_row *r;
		char *k;
		if (sources && (!open[i].source ||
				!vigie_hashmap_get(&only, open[i].source, strlen(open[i].source))))
			continue; /* another source: the caller knows it unchanged */
		if (!(k = fh_key(&A, open[i].cve, open[i].source))) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		r = vigie_hashmap_get(&rows, k, strlen(k));
		if (r) {
			r->seen = 1;
			if (open[i].not_effective && r->resolved)
				continue; /* still waiting for a restart */
			if (!open[i].not_effective && !r->resolved &&
			    same_text(r->installed_version, open[i].installed_version) &&
			    same_text(r->fixed_version, open[i].fixed_version) &&
			    same_text(r->cls, open[i].cls) && same_text(r->state, open[i].state))
				continue; /* unchanged */
		}
		if (s->hist_cb && !open[i].not_effective && (!r || r->resolved) &&
		    (rc = s->hist_cb(s->hist_ud, host_id, open[i].cve, open[i].source, 1,
				     open[i].cls)))
			goto out;
		if (s->hist_cb && !open[i].not_effective && r && !r->resolved &&
		    !same_text(r->cls, open[i].cls) &&
		    (rc = s->hist_cb(s->hist_ud, host_id, open[i].cve, open[i].source, 2,
				     open[i].cls)))
			goto out;
		if (!open[i].not_effective) {
			/* batched on a remote driver, where a key twice in one
			 * statement would be refused: the batch so far is
			 * written first; one row per statement otherwise */
			void **slot;
			if (s->drv->remote) {
				if (vigie_hashmap_get(&inbatch, k, strlen(k)) &&
				    (rc = fh_flush(s, up, up_batch, host_id, when, open, batch,
						   &nbatch, &inbatch, err)))
					goto out;
				if (!(slot = vigie_hashmap_slot(&inbatch, k, strlen(k)))) {
					rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0,
							     "out of memory");
					goto out;
				}
				*slot = k;
			}
			batch[nbatch++] = i;
			if (nbatch == (s->drv->remote ? FH_BATCH : 1) &&
			    (rc = fh_flush(s, up, up_batch, host_id, when, open, batch, &nbatch,
					   &inbatch, err)))
				goto out;
			continue;
		}
		/* the batch first: rows are written in the facts' order */
		if ((rc = fh_flush(s, up, up_batch, host_id, when, open, batch, &nbatch, &inbatch,
				   err)))
			goto out;
		if (!(st = vigie_store_stmt(s, pend, err))) {
			rc = VIGIE_EDB;
			goto out;
		}
		vigie_store_bind_int64(st, 1, host_id);
		vigie_store_bind_text(st, 2, open[i].cve);
		vigie_store_bind_text(st, 3, open[i].source);
		vigie_store_bind_int64(st, 4, when);
		vigie_store_bind_text(st, 5, open[i].installed_version);
		vigie_store_bind_text(st, 6, open[i].fixed_version);
		vigie_store_bind_text(st, 7, open[i].cls);
		vigie_store_bind_text(st, 8, open[i].state);
		if ((rc = vigie_store_step_done(s, st, err, "record finding")))
			goto out;
	}
	if ((rc = fh_flush(s, up, up_batch, host_id, when, open, batch, &nbatch, &inbatch, err)))
		goto out;
	for (size_t b = 0; b < rows.cap; b++) {
		const struct fh_row *r = rows.vals[b];
		const char *k = rows.keys[b], *sep;
		char cve[256];
		if (!k || !r || r->seen || !(sep = strchr(k, '\037')) ||
		    (size_t)(sep - k) >= sizeof(cve))
			continue;
		memcpy(cve, k, (size_t)(sep - k));
		cve[sep - k] = '\0';
		if (!(st = vigie_store_stmt(s, r->resolved ? effect : resolve, err))) {
			rc = VIGIE_EDB;
			goto out;
		}
		vigie_store_bind_int64(st, 1, host_id);
		vigie_store_bind_text(st, 2, cve);
		vigie_store_bind_text(st, 3, sep + 1);
		vigie_store_bind_int64(st, 4, when);
		vigie_store_bind_int64(st, 5, before);
		if (r->resolved)
			vigie_store_bind_int64(st, 6, booted_at);
		if ((rc = vigie_store_step_done(s, st, err, "resolve finding")))
			goto out;
		if (s->hist_cb && !r->resolved &&
		    (rc = s->hist_cb(s->hist_ud, host_id, cve, sep + 1, 0, NULL)))
			goto out;
	}
out:
	vigie_hashmap_release(&rows);
	vigie_hashmap_release(&only);
	vigie_hashmap_release(&inbatch);
	vigie_arena_release(&A);
	return rc;
}

static int index_cb(void *ud, const struct store_history_row *h)
{
	struct store_history_index *idx = ud;
	struct vigie_arena *A = &idx->arena;
	struct store_history_row *r = vigie_arena_alloc(A, sizeof(*r));
	char *k = fh_key(A, h->cve, h->source);
	void **slot;
	if (!r || !k || !(slot = vigie_hashmap_slot(&idx->map, k, strlen(k))))
		return VIGIE_ENOMEM;
	*r = *h;
	r->host = vigie_arena_strdup(A, h->host);
	r->client = vigie_arena_strdup(A, h->client);
	r->cve = k;
	r->source = strchr(k, '\037') + 1;
	r->resolved_version = vigie_arena_strdup(A, h->resolved_version);
	r->installed_version = vigie_arena_strdup(A, h->installed_version);
	r->fixed_version = vigie_arena_strdup(A, h->fixed_version);
	r->cls = vigie_arena_strdup(A, h->cls);
	r->state = vigie_arena_strdup(A, h->state);
	*slot = r;
	return 0;
}

int vigie_store_finding_history_index(struct store_history_index *idx, struct vigie_store *s,
				      const char *scope, const char *host,
				      struct vigie_error *err)
{
	int rc;
	vigie_arena_init(&idx->arena);
	vigie_hashmap_init(&idx->map);
	rc = vigie_store_finding_history_each(s, scope, host, NULL, 0, index_cb, idx, err);
	if (rc == VIGIE_ENOMEM)
		rc = vigie_error_set(err, rc, NULL, 0, "out of memory");
	return rc;
}

const struct store_history_row *
vigie_finding_history_find(const struct store_history_index *idx, const char *cve,
			   const char *source)
{
	char k[512];
	int n = snprintf(k, sizeof(k), "%s\037%s", cve, source);
	if (n < 0 || (size_t)n >= sizeof(k))
		return NULL;
	return vigie_hashmap_get(&idx->map, k, (size_t)n);
}

void vigie_store_history_index_release(struct store_history_index *idx)
{
	if (!idx)
		return;
	vigie_hashmap_release(&idx->map);
	vigie_arena_release(&idx->arena);
}

int vigie_store_finding_restart_pending(struct vigie_store *s, int64_t host_id,
					const char *source, int *pending,
					struct vigie_error *err)
{
	static const char sql[] =
		"SELECT count(*) FROM finding_history WHERE host_id = ? AND source = ?"
		" AND resolved_at IS NOT NULL AND effective_at IS NULL";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	*pending = 0;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	vigie_store_bind_text(st, 2, source);
	if ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		*pending = vdb_col_int64(st, 0) > 0;
		rc = vdb_step(st);
	}
	return done(s, st, rc, err, "read finding history");
}

int vigie_store_finding_history_each(struct vigie_store *s, const char *scope,
				     const char *host, const char *cve, int open_only,
				     store_history_cb *cb, void *ud,
				     struct vigie_error *err)
{
#define FH_EACH_COLS                                                                    \
	"SELECT h.name, h.client, f.cve, f.source, f.first_seen,"                        \
	" CASE WHEN f.resolved_at IS NULL AND m.computed_at > f.last_seen"               \
	"  THEN m.computed_at ELSE f.last_seen END,"                                     \
	" coalesce(f.resolved_at, 0), f.resolved_version, f.installed_version,"          \
	" f.fixed_version, f.class, f.state, coalesce(f.effective_at, 0),"                \
	" CASE WHEN f.resolved_at IS NOT NULL AND f.effective_at IS NULL THEN 1 ELSE 0 END"
#define FH_EACH_WHERE                                                                   \
	" AND (CAST(?2 AS TEXT) IS NULL OR h.name = CAST(?2 AS TEXT))"                   \
	" AND (?4 = 0 OR f.resolved_at IS NULL)"                                          \
	" ORDER BY h.name, f.first_seen, f.cve, f.source"
	static const char sql[] =
		FH_EACH_COLS " FROM finding_history f"
		" JOIN hosts h ON h.id = f.host_id LEFT JOIN host_summary m"
		" ON m.host_id = f.host_id AND m.verdict = 'judged' WHERE " SCOPE
		" AND (CAST(?3 AS TEXT) IS NULL OR f.cve = CAST(?3 AS TEXT))" FH_EACH_WHERE;
	/* one CVE across the hosts in scope: each host's rows of it through
	 * the primary key (host_id, cve, ...), the hosts first (CROSS JOIN
	 * keeps SQLite's order); no index by CVE, which every history write
	 * would pay for at a random place */
	static const char by_cve[] =
		FH_EACH_COLS " FROM hosts h CROSS JOIN finding_history f LEFT JOIN host_summary m"
		" ON m.host_id = f.host_id AND m.verdict = 'judged'"
		" WHERE f.host_id = h.id AND f.cve = CAST(?3 AS TEXT) AND " SCOPE FH_EACH_WHERE;
#undef FH_EACH_COLS
#undef FH_EACH_WHERE
	struct vigie_stmt *st = vigie_store_stmt(s, cve ? by_cve : sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, scope);
	vigie_store_bind_text(st, 2, host);
	vigie_store_bind_text(st, 3, cve);
	vigie_store_bind_int64(st, 4, open_only ? 1 : 0);
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		struct store_history_row r = {
			vigie_store_col_text(st, 0), vigie_store_col_text(st, 1),
			vigie_store_col_text(st, 2), vigie_store_col_text(st, 3),
			vdb_col_int64(st, 4), vdb_col_int64(st, 5), vdb_col_int64(st, 6),
			vigie_store_col_text(st, 7), vigie_store_col_text(st, 8),
			vigie_store_col_text(st, 9), vigie_store_col_text(st, 10),
			vigie_store_col_text(st, 11), vdb_col_int64(st, 12),
			vdb_col_int64(st, 13) != 0
		};
		int x = cb(ud, &r);
		if (x) {
			vdb_reset(st);
			return x;
		}
	}
	return done(s, st, rc, err, "read finding history");
}

int vigie_store_findings_resolved_each(struct vigie_store *s, const char *client,
				       int64_t since, int64_t until, store_resolved_cb *cb,
				       void *ud, struct vigie_error *err)
{
	/* SCOPE is ?1: the client, never NULL here */
	static const char sql[] =
		"SELECT f.class, f.first_seen, f.resolved_at FROM hosts h"
		" JOIN finding_history f ON f.host_id = h.id"
		" WHERE " SCOPE " AND f.resolved_at >= ?2 AND f.resolved_at < ?3";
	struct vigie_stmt *st;
	int rc;
	if (!client)
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "no client");
	if (!(st = vigie_store_stmt(s, sql, err)))
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, client);
	vigie_store_bind_int64(st, 2, since);
	vigie_store_bind_int64(st, 3, until);
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		int x = cb(ud, vigie_store_col_text(st, 0), vdb_col_int64(st, 1),
			   vdb_col_int64(st, 2));
		if (x) {
			vdb_reset(st);
			return x;
		}
	}
	return done(s, st, rc, err, "read resolved findings");
}

/* ---- each host's SLA of the month ---- */

int vigie_store_host_sla_stale_each(struct vigie_store *s, const char *month,
				    const char *basis, long limit, store_sla_stale_cb *cb,
				    void *ud, struct vigie_error *err)
{
	static const char sql[] =
		"SELECT h.id, h.name, coalesce((SELECT max(e.id) FROM events e"
		"  WHERE e.host_id = h.id), 0) AS ev FROM hosts h"
		" LEFT JOIN host_sla q ON q.host_id = h.id"
		" WHERE q.host_id IS NULL OR q.month <> ?1 OR q.basis <> ?2"
		"  OR q.events < coalesce((SELECT max(e.id) FROM events e"
		"  WHERE e.host_id = h.id), 0)"
		" ORDER BY h.id LIMIT CAST(?3 AS INTEGER)";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	int rc;
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_text(st, 1, month);
	vigie_store_bind_text(st, 2, basis);
	vigie_store_bind_int64(st, 3, limit);
	while ((rc = vdb_step(st)) == VIGIE_STEP_ROW) {
		int x = cb(ud, vdb_col_int64(st, 0), vigie_store_col_text(st, 1),
			   vdb_col_int64(st, 2));
		if (x) {
			vdb_reset(st);
			return x;
		}
	}
	return done(s, st, rc, err, "find hosts whose SLA is stale");
}

int vigie_store_host_sla_put(struct vigie_store *s, int64_t host_id, const char *month,
			     long met, long total, int64_t events, const char *basis,
			     int64_t when, struct vigie_error *err)
{
	static const char sql[] =
		"INSERT INTO host_sla(host_id, month, met, total, events, basis, computed_at)"
		" VALUES(?,?,?,?,?,?,?) ON CONFLICT(host_id) DO UPDATE SET month = excluded.month,"
		" met = excluded.met, total = excluded.total, events = excluded.events,"
		" basis = excluded.basis, computed_at = excluded.computed_at";
	struct vigie_stmt *st = vigie_store_stmt(s, sql, err);
	if (!st)
		return VIGIE_EDB;
	vigie_store_bind_int64(st, 1, host_id);
	vigie_store_bind_text(st, 2, month);
	vigie_store_bind_int64(st, 3, met);
	vigie_store_bind_int64(st, 4, total);
	vigie_store_bind_int64(st, 5, events);
	vigie_store_bind_text(st, 6, basis);
	vigie_store_bind_int64(st, 7, when);
	return vigie_store_step_done(s, st, err, "store host SLA");
}
