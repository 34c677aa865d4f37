/* vigie: what the fleet service stores: clients and their contacts, users,
 * tokens, web sessions, pushes, host summaries and the finding history.
 *
 * Tenants never meet: every read of hosts, findings or history takes a
 * scope, and the scope is part of the SQL (WHERE hosts.client = ?), so a
 * client's user can never load another client's row. A scope with client
 * NULL is the operator's (the whole fleet). Strings passed to callbacks
 * are valid during the call only. */
#ifndef VIGIE_STORE_SERVICE_H
#define VIGIE_STORE_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/core/hashmap.h"
#include "vigie/core/util.h"
#include "vigie/store/store.h"

#define VIGIE_NAME_MAX 253

enum vigie_role {
	VIGIE_ROLE_NONE = 0,
	VIGIE_ROLE_OPERATOR, /* the whole fleet */
	VIGIE_ROLE_CLIENT,   /* one client's hosts */
	VIGIE_ROLE_AGENT,    /* pushes for one host */
};

/* Who is asking: set by authentication, passed to every scoped read. */
struct vigie_principal {
	enum vigie_role role;
	int64_t user_id;               /* 0 for agents */
	char user[VIGIE_NAME_MAX + 1];   /* "" for agents */
	char client[VIGIE_NAME_MAX + 1]; /* "" for operators */
	char host[VIGIE_NAME_MAX + 1];   /* agents only */
	char lang[8];                  /* the user's choice, "" = none */
	char csrf[80];                 /* sessions only */
};

/* The client a principal is scoped to, NULL for the whole fleet. */
const char *vigie_principal_scope(const struct vigie_principal *p);

/* ---- clients ---- */
struct store_client {
	int64_t id;
	const char *name, *lang, *timezone;
	int64_t created_at;
	long hosts;
};
/* 0, 1 when it exists already, or an error. */
int vigie_store_client_add(struct vigie_store *s, const char *name, const char *lang,
			   const char *timezone, struct vigie_error *err);
int vigie_store_client_contact_add(struct vigie_store *s, const char *client,
				   const char *email, struct vigie_error *err);
typedef int store_client_cb(void *ud, const struct store_client *c);
/* scope NULL: every client; else only that one. */
int vigie_store_clients_each(struct vigie_store *s, const char *scope,
			     store_client_cb *cb, void *ud, struct vigie_error *err);
/* VIGIE_ENOTFOUND when absent. */
int vigie_store_client_get(struct vigie_store *s, const char *name,
			   store_client_cb *cb, void *ud, struct vigie_error *err);
typedef int store_contact_cb(void *ud, const char *email);
int vigie_store_client_contacts_each(struct vigie_store *s, const char *client,
				     store_contact_cb *cb, void *ud,
				     struct vigie_error *err);
/* Removes the client, its users and tokens; refused (VIGIE_EUSAGE) while
 * hosts belong to it. VIGIE_ENOTFOUND when absent. */
int vigie_store_client_remove(struct vigie_store *s, const char *name,
			      struct vigie_error *err);

/* ---- users ---- */
struct store_user {
	int64_t id;
	const char *name;
	enum vigie_role role;          /* operator or client */
	const char *client;            /* NULL for operators */
	const char *password_hash;     /* argon2id encoded, NULL = none */
	const char *lang;
	int64_t created_at;
};
/* client must exist for VIGIE_ROLE_CLIENT. 1 when the name is taken. */
int vigie_store_user_add(struct vigie_store *s, const char *name, enum vigie_role role,
			 const char *client, const char *password_hash,
			 struct vigie_error *err);
typedef int store_user_cb(void *ud, const struct store_user *u);
int vigie_store_user_get(struct vigie_store *s, const char *name, store_user_cb *cb,
			 void *ud, struct vigie_error *err);
int vigie_store_users_each(struct vigie_store *s, store_user_cb *cb, void *ud,
			   struct vigie_error *err);
int vigie_store_user_remove(struct vigie_store *s, const char *name,
			    struct vigie_error *err);
int vigie_store_user_set_lang(struct vigie_store *s, int64_t user_id, const char *lang,
			      struct vigie_error *err);

/* ---- tokens (only their SHA-256 is stored) ---- */
struct store_token {
	int64_t id;
	const char *kind;              /* "agent" or "user" */
	const char *host, *client, *user;
	int64_t created_at, revoked_at, last_used_at;
};
/* An agent token (host and client set) or a user token (user set). An
 * agent token is refused (VIGIE_EUSAGE, the message naming the host and
 * its client) when the stored host belongs to another client, or while an
 * active agent token enrols it for another client. */
int vigie_store_token_add(struct vigie_store *s, const char *hash, const char *kind,
			  const char *host, const char *client, const char *user,
			  int64_t *id, struct vigie_error *err);
typedef int store_token_cb(void *ud, const struct store_token *t);
int vigie_store_tokens_each(struct vigie_store *s, store_token_cb *cb, void *ud,
			    struct vigie_error *err);
/* VIGIE_ENOTFOUND when no such token is active. */
int vigie_store_token_revoke(struct vigie_store *s, int64_t id, struct vigie_error *err);
/* The principal of an active token; VIGIE_ENOTFOUND for an unknown or
 * revoked one. */
int vigie_store_token_principal(struct vigie_store *s, const char *hash,
				struct vigie_principal *out, struct vigie_error *err);

/* ---- web sessions ---- */
int vigie_store_session_add(struct vigie_store *s, const char *hash, int64_t user_id,
			    const char *csrf, int64_t expires_at, struct vigie_error *err);
/* The principal (with its CSRF token) of a session not expired at now. */
int vigie_store_session_principal(struct vigie_store *s, const char *hash, int64_t now,
				  struct vigie_principal *out, struct vigie_error *err);
int vigie_store_session_remove(struct vigie_store *s, const char *hash,
			       struct vigie_error *err);

/* ---- pushes ---- */
/* 1 when host_id already sent a document with this digest, else 0. */
int vigie_store_push_seen(struct vigie_store *s, int64_t host_id, const char *digest,
			  struct vigie_error *err);
int vigie_store_push_record(struct vigie_store *s, int64_t host_id, const char *digest,
			    int64_t received_at, int64_t bytes, long packages,
			    struct vigie_error *err);

/* Times host_id's documents were received with since <= received_at <
 * until, ascending. cb returning non-zero stops and is returned. */
typedef int store_push_time_cb(void *ud, int64_t received_at);
int vigie_store_push_times_each(struct vigie_store *s, int64_t host_id, int64_t since,
				int64_t until, store_push_time_cb *cb, void *ud,
				struct vigie_error *err);

/* ---- host summaries ---- */
struct store_host_summary {
	int64_t computed_at;
	const char *verdict;           /* "judged" or "undetermined" */
	const char *reason;            /* why undetermined, else NULL */
	long open[3];                  /* open findings per class (standard,
					  critical, highly-critical) */
	long pending_security;         /* -1: not collected (a rescan keeps the
					  count the last push gave) */
	int reboot;
	const char *lifecycle, *lifecycle_end;
	const char *basis;             /* what the judgement rests on (see
					  vigie_app_host_ingest), NULL: unknown */
	const char *facts_digest;      /* the digest of the findings a full
					  judgement wrote into the finding
					  history, NULL: none (see
					  vigie_store_finding_history_same) */
};
/* Store host_id's summary. One without a verdict first writes, into the
 * host's open finding rows, the time the judged summary it replaces saw
 * them. */
int vigie_store_host_summary_put(struct vigie_store *s, int64_t host_id,
				 const struct store_host_summary *sum,
				 struct vigie_error *err);
typedef int store_summary_cb(void *ud, const struct store_host_summary *sum);
/* Call cb with host_id's summary (strings valid during the call), or
 * VIGIE_ENOTFOUND when it has none. */
int vigie_store_host_summary_get(struct vigie_store *s, int64_t host_id,
				 store_summary_cb *cb, void *ud, struct vigie_error *err);
/* A new inventory confirmed the stored judgement unchanged: its time
 * becomes the summary's (and so its open findings' last seen), with its
 * pending security updates (-1: keep). */
int vigie_store_host_summary_confirm(struct vigie_store *s, int64_t host_id, int64_t when,
				     long pending_security, struct vigie_error *err);
/* ---- the re-judgement after a data update (lib/app/rejudge.c) ---- */
/* Every host with what its summary rests on (NULL: no summary), by id. */
struct store_host_basis {
	int64_t id;
	const char *name, *release; /* release NULL: unknown */
	const char *verdict, *basis;
};
typedef int store_host_basis_cb(void *ud, const struct store_host_basis *b);
int vigie_store_host_bases_each(struct vigie_store *s, store_host_basis_cb *cb, void *ud,
				struct vigie_error *err);
/* The hosts of release holding a package of one of sources[0..n) (at
 * most 64; with kernel_signed also of a linux-signed-* source): cb once
 * per (host, source as stored), by host id. */
typedef int store_host_source_cb(void *ud, int64_t host_id, const char *source);
int vigie_store_hosts_holding(struct vigie_store *s, const char *release,
			      const char *const *sources, size_t n, int kernel_signed,
			      store_host_source_cb *cb, void *ud, struct vigie_error *err);
/* Every judged summary resting on basis `from` now rests on `to`, judged
 * at when (their open findings seen then): the data they were judged on
 * moved nowhere that concerns them. *n gets how many. */
int vigie_store_host_summaries_rebase(struct vigie_store *s, const char *from, const char *to,
				      int64_t when, long *n, struct vigie_error *err);
/* The digest of each source of release (source_digests), cb with strings
 * valid during the call. */
typedef int store_digest_cb(void *ud, const char *source, const char *digest);
int vigie_store_source_digests_each(struct vigie_store *s, const char *release,
				    store_digest_cb *cb, void *ud, struct vigie_error *err);
/* Set (digest NULL: forget) the digest of (release, source). */
int vigie_store_source_digest_set(struct vigie_store *s, const char *release,
				  const char *source, const char *digest,
				  struct vigie_error *err);
/* Until unset (cb NULL), every finding-history update of s tells cb of
 * each (host, CVE, source) it opens (new, or open again; opened 1),
 * resolves (opened 0) or keeps open in another class (opened 2), with
 * its class now (NULL when resolved). A non-zero return of cb fails the
 * update. */
typedef int store_history_change_cb(void *ud, int64_t host_id, const char *cve,
				    const char *source, int opened, const char *cls);
void vigie_store_history_observe(struct vigie_store *s, store_history_change_cb *cb,
				 void *ud);
/* The value of a key of the store's meta table, in arena (*out NULL:
 * unset); set it (value NULL: unset). */
int vigie_store_meta_get(struct vigie_store *s, const char *key, struct vigie_arena *arena,
			 const char **out, struct vigie_error *err);
int vigie_store_meta_set(struct vigie_store *s, const char *key, const char *value,
			 struct vigie_error *err);
/* A host as the dashboard lists it. */
struct store_fleet_host {
	int64_t id;
	const char *name, *client, *release, *arch, *kernel_release;
	int64_t inventoried_at, last_push;
	long packages;
	int has_summary;
	struct store_host_summary sum;
	/* its SLA of a month as last computed (host_sla): month NULL when
	 * never */
	const char *sla_month;
	long sla_met, sla_total;
	int64_t sla_at;
};
typedef int store_fleet_host_cb(void *ud, const struct store_fleet_host *h);
/* The hosts in scope (client NULL: all), by name. */
int vigie_store_fleet_hosts_each(struct vigie_store *s, const char *scope,
				 store_fleet_host_cb *cb, void *ud,
				 struct vigie_error *err);
/* One page of them: at most limit hosts from offset (by name). */
int vigie_store_fleet_hosts_page(struct vigie_store *s, const char *scope, int64_t offset,
				 int64_t limit, store_fleet_host_cb *cb, void *ud,
				 struct vigie_error *err);
/* The hosts in scope, and their open findings per class (index: enum
 * vigie_class) summed over them. */
struct store_fleet_totals {
	long hosts;
	long open[3];
	long undetermined;
};
int vigie_store_fleet_totals(struct vigie_store *s, const char *scope,
			     struct store_fleet_totals *t, struct vigie_error *err);
/* The fleet views' generation: a counter the database itself raises on
 * every write to the hosts or their summaries, by any process (triggers,
 * schema 10). What vigie_store_fleet_hosts_each/_page, _totals and
 * _host_get answer cannot have changed while it keeps its value, so a
 * rendering of them may be kept and served again. */
int vigie_store_view_generation(struct vigie_store *s, int64_t *gen,
				struct vigie_error *err);
/* One host if it is in scope; VIGIE_ENOTFOUND otherwise (another client's
 * host is not found, exactly like a missing one). */
int vigie_store_fleet_host_get(struct vigie_store *s, const char *scope, const char *name,
			       store_fleet_host_cb *cb, void *ud, struct vigie_error *err);

/* ---- apt candidates the host sees ---- */
/* Optional "restart" object: the processes still mapping replaced files
 * (debian/restart.h), one entry per (process, package, file), with the
 * version the agent found them running (NULL: unknown). Servers that do
 * not know the field ignore it. */
struct store_restart_entry {
	int pid;
	const char *comm, *unit, *kind, *container; /* unit, container may be NULL */
	const char *package, *arch, *running_version, *path;
};
struct store_restart {
	size_t scanned, unreadable;
	struct store_restart_entry *v;
	size_t n;
};
/* Replace the restart object of host_id with r, that of its last inventory;
 * r NULL: that inventory carried none, the host has no restart data. */
int vigie_store_host_restart_set(struct vigie_store *s, int64_t host_id,
				 const struct store_restart *r, struct vigie_error *err);
/* Load it: *known 0 (out empty) when the last inventory carried none.
 * out->v and its strings are allocated from arena. */
int vigie_store_host_restart_get(struct vigie_store *s, int64_t host_id,
				 struct store_restart *out, int *known,
				 struct vigie_arena *arena, struct vigie_error *err);

struct store_candidate {
	const char *package, *arch, *version, *suite;
	int security;
};
int vigie_store_host_candidates_set(struct vigie_store *s, int64_t host_id,
				    const struct store_candidate *c, size_t n,
				    struct vigie_error *err);
/* One update the host's apt sees as pending: its candidate, and the
 * version installed (NULL when the package is not installed). */
struct store_pending_update {
	const char *package, *arch, *installed, *candidate, *suite;
	int security;
};
typedef int store_pending_cb(void *ud, const struct store_pending_update *u);
/* The findings of client's hosts resolved in [since, until): their class
 * (NULL when unknown), when first seen and when resolved (the inventory
 * that no longer had them), in no given order. */
typedef int store_resolved_cb(void *ud, const char *cls, int64_t first_seen,
			      int64_t resolved_at);
int vigie_store_findings_resolved_each(struct vigie_store *s, const char *client,
				       int64_t since, int64_t until, store_resolved_cb *cb,
				       void *ud, struct vigie_error *err);
/* ---- each host's SLA of the month (the server's refresher) ---- */
/* The hosts whose stored SLA is not that of month on basis with their
 * events as they are now (none stored, another month or basis, events
 * added since), at most limit of them: cb gets id, name and its last
 * event's id. */
typedef int store_sla_stale_cb(void *ud, int64_t id, const char *name, int64_t events);
int vigie_store_host_sla_stale_each(struct vigie_store *s, const char *month,
				    const char *basis, long limit, store_sla_stale_cb *cb,
				    void *ud, struct vigie_error *err);
int vigie_store_host_sla_put(struct vigie_store *s, int64_t host_id, const char *month,
			     long met, long total, int64_t events, const char *basis,
			     int64_t when, struct vigie_error *err);
/* The pending updates of host NAME in scope (NULL: every client),
 * security ones first, then by package: nothing for a host out of
 * scope. */
int vigie_store_host_pending_each(struct vigie_store *s, const char *scope, const char *name,
				  store_pending_cb *cb, void *ud, struct vigie_error *err);

/* ---- finding history: facts per (host, CVE, source) ---- */
struct store_finding_fact {
	const char *cve, *source;
	const char *installed_version, *fixed_version;
	const char *cls, *state;
	/* the fix is installed but not in effect yet: processes still run
	 * the replaced code, or the kernel awaits a reboot */
	int not_effective;
};
/* Record what an inventory taken at when shows: each open finding keeps
 * its first_seen (set now when new) and is last seen at when (read as the
 * host's judged summary's computed_at: call it before storing the new
 * summary, in the same transaction); a finding
 * open before and absent now is resolved at when, with the source version
 * then installed (NULL when the source is gone), and in effect at when
 * when the host's inventory carried process data (else unknown).
 * A not_effective fact resolves its finding at when (installed) but leaves
 * it without effective_at until the first inventory that no longer shows
 * it; a kernel fix waiting for a reboot takes effect at booted_at (the
 * inventory's boot time, 0 unknown) when it lies after its installation,
 * else at when. Facts are never rewritten otherwise. */
int vigie_store_finding_history_update(struct vigie_store *s, int64_t host_id,
				       int64_t when, int64_t booted_at,
				       const struct store_finding_fact *open, size_t n,
				       struct vigie_error *err);
/* *same is set when the host's finding history needs no update for a
 * full judgement at when of findings whose digest is digest: its judged
 * summary was computed no later than when, after a full judgement of
 * findings with that digest (facts_digest). Every write of the history
 * but a full judgement's goes with a summary without a digest (a partial
 * judgement's, one without a verdict), so the history then holds what
 * that judgement wrote; rows changed behind vigie's back are not looked
 * for (that would read every row). Else *same is 0 and the caller
 * updates the history. */
int vigie_store_finding_history_same(struct vigie_store *s, int64_t host_id, int64_t when,
				     const char *digest, int *same, struct vigie_error *err);
/* The same for the rows of the given sources only (at most 64): the
 * caller knows the open findings of every other source are those stored
 * (their packages and everything they are judged on unchanged); facts of
 * other sources in open are skipped. before_open (may be NULL) gets the
 * number per class (standard, critical, highly-critical) of those
 * sources' findings as the previous judgement left them (open, or fixed
 * and not in effect yet), so that the caller can correct the host's
 * summary without judging its other sources again. */
int vigie_store_finding_history_update_some(struct vigie_store *s, int64_t host_id,
					    int64_t when, int64_t booted_at,
					    const struct store_finding_fact *open, size_t n,
					    const char *const *sources, size_t nsources,
					    long before_open[3], struct vigie_error *err);
struct store_history_row {
	const char *host, *client, *cve, *source;
	int64_t first_seen, last_seen, resolved_at;
	const char *resolved_version, *installed_version, *fixed_version, *cls, *state;
	/* when the fix took effect: the first inventory where no process ran
	 * the old code any more (the kernel was rebooted); 0 while open,
	 * pending, or unknown (resolved by an inventory without process data) */
	int64_t effective_at;
	int restart_pending; /* resolved (installed), not in effect yet */
};
typedef int store_history_cb(void *ud, const struct store_history_row *r);

/* One host's finding history by (CVE, source): rows copied into arena,
 * looked up with vigie_finding_history_find. */
struct store_history_index {
	struct vigie_arena arena;
	struct vigie_hashmap map; /* "CVE\037source" -> struct store_history_row */
};
/* Read the rows of host in scope (NULL: every client) into idx
 * (initialised here; release it even on error). */
int vigie_store_finding_history_index(struct store_history_index *idx, struct vigie_store *s,
				      const char *scope, const char *host,
				      struct vigie_error *err);
/* The row of (cve, source), or NULL. */
const struct store_history_row *
vigie_finding_history_find(const struct store_history_index *idx, const char *cve,
			   const char *source);
void vigie_store_history_index_release(struct store_history_index *idx);
/* *pending = 1 when a fix of source on host_id is installed but not in
 * effect yet (a row resolved, waiting for a restart or reboot). */
int vigie_store_finding_restart_pending(struct vigie_store *s, int64_t host_id,
					const char *source, int *pending,
					struct vigie_error *err);
/* History rows in scope; host and cve (either may be NULL) narrow it;
 * open_only: only rows not resolved. Ordered by host, first_seen, CVE. */
int vigie_store_finding_history_each(struct vigie_store *s, const char *scope,
				     const char *host, const char *cve, int open_only,
				     store_history_cb *cb, void *ud,
				     struct vigie_error *err);

#endif
