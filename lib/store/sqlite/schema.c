/* The schema, as an ordered list of migrations. Never edit a released
 * migration: append a new one. */
#include "store/sqlite/schema.h"

const struct vigie_migration vigie_store_sqlite_migrations[VIGIE_SQLITE_NMIGRATIONS] = {
	{ 1,
	  /* security data */
	  "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
	  "CREATE TABLE sources(name TEXT PRIMARY KEY, location TEXT,"
	  " imported_at INTEGER, data_date INTEGER, rows INTEGER, etag TEXT,"
	  " last_modified TEXT);"
	  "CREATE TABLE releases(codename TEXT PRIMARY KEY, version TEXT,"
	  " series TEXT, created TEXT, release TEXT, eol TEXT, eol_lts TEXT,"
	  " eol_elts TEXT);"
	  "CREATE TABLE vulns(name TEXT PRIMARY KEY, description TEXT,"
	  " scope TEXT, debianbug INTEGER);"
	  "CREATE TABLE tracker(release TEXT NOT NULL, source TEXT NOT NULL,"
	  " vuln TEXT NOT NULL, status TEXT NOT NULL, fixed_version TEXT,"
	  " urgency TEXT, nodsa TEXT, nodsa_reason TEXT,"
	  " next_point_update INTEGER NOT NULL DEFAULT 0, repositories TEXT,"
	  " PRIMARY KEY(release, source, vuln)) WITHOUT ROWID;"
	  "CREATE INDEX tracker_vuln ON tracker(vuln);"
	  "CREATE TABLE advisories(id TEXT PRIMARY KEY, kind TEXT NOT NULL,"
	  " date TEXT, description TEXT, packages TEXT);"
	  "CREATE TABLE advisory_cves(advisory TEXT NOT NULL, cve TEXT NOT NULL,"
	  " PRIMARY KEY(advisory, cve)) WITHOUT ROWID;"
	  "CREATE INDEX advisory_cves_cve ON advisory_cves(cve);"
	  "CREATE TABLE advisory_fixes(advisory TEXT NOT NULL,"
	  " release TEXT NOT NULL, source TEXT NOT NULL, version TEXT,"
	  " kind TEXT NOT NULL, note TEXT);"
	  "CREATE INDEX advisory_fixes_src ON advisory_fixes(release, source);"
	  "CREATE INDEX advisory_fixes_adv ON advisory_fixes(advisory);"
	  "CREATE TABLE kev(cve TEXT PRIMARY KEY, vendor TEXT, product TEXT,"
	  " name TEXT, date_added TEXT, due_date TEXT, ransomware TEXT);"
	  "CREATE TABLE cvss(cve TEXT PRIMARY KEY, origin TEXT, version TEXT,"
	  " score REAL, vector TEXT, published TEXT, kev_added TEXT);"
	  "CREATE TABLE support_ended(release TEXT NOT NULL, source TEXT NOT NULL,"
	  " last_version TEXT, end_date TEXT, note TEXT,"
	  " PRIMARY KEY(release, source));"
	  "CREATE TABLE support_limited(source TEXT PRIMARY KEY, note TEXT);"
	  /* the fleet */
	  "CREATE TABLE hosts(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
	  " client TEXT, release TEXT, arch TEXT, kernel_release TEXT,"
	  " kernel_version TEXT, inventoried_at INTEGER, origin TEXT);"
	  "CREATE TABLE host_packages(host_id INTEGER NOT NULL"
	  " REFERENCES hosts(id) ON DELETE CASCADE, package TEXT NOT NULL,"
	  " arch TEXT NOT NULL, version TEXT NOT NULL, source TEXT NOT NULL,"
	  " source_version TEXT NOT NULL, status TEXT NOT NULL,"
	  " PRIMARY KEY(host_id, package, arch));"
	  "CREATE INDEX host_packages_src ON host_packages(source);"
	  "CREATE TABLE host_services(host_id INTEGER NOT NULL"
	  " REFERENCES hosts(id) ON DELETE CASCADE, service TEXT NOT NULL,"
	  " origin TEXT NOT NULL, PRIMARY KEY(host_id, service));"
	  /* events: dpkg.log and apt history */
	  "CREATE TABLE apt_transactions(id INTEGER PRIMARY KEY,"
	  " host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,"
	  " start_time INTEGER, end_time INTEGER, commandline TEXT,"
	  " requested_by TEXT, error TEXT,"
	  " UNIQUE(host_id, start_time, commandline));"
	  "CREATE TABLE events(id INTEGER PRIMARY KEY,"
	  " host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,"
	  " time INTEGER NOT NULL, action TEXT NOT NULL, package TEXT NOT NULL,"
	  " arch TEXT NOT NULL DEFAULT '', old_version TEXT NOT NULL DEFAULT '',"
	  " new_version TEXT NOT NULL DEFAULT '', origin TEXT,"
	  " transaction_id INTEGER,"
	  " UNIQUE(host_id, time, action, package, arch, old_version,"
	  " new_version));"
	  "CREATE INDEX events_time ON events(host_id, time);"
	  /* pending updates: changelog cache and first-seen versions */
	  "CREATE TABLE changelog_cache(package TEXT NOT NULL,"
	  " version TEXT NOT NULL, fetched_at INTEGER, data TEXT,"
	  " PRIMARY KEY(package, version));"
	  "CREATE TABLE mirror_seen(release TEXT NOT NULL, source TEXT NOT NULL,"
	  " version TEXT NOT NULL, suite TEXT, first_seen INTEGER NOT NULL,"
	  " PRIMARY KEY(release, source, version));"
	  /* feeds */
	  "CREATE TABLE feeds(id INTEGER PRIMARY KEY, url TEXT UNIQUE NOT NULL,"
	  " name TEXT, services TEXT, etag TEXT, last_modified TEXT,"
	  " last_poll INTEGER, last_success INTEGER, last_error TEXT,"
	  " failures INTEGER NOT NULL DEFAULT 0, next_poll INTEGER NOT NULL"
	  " DEFAULT 0);"
	  "CREATE TABLE feed_items(id INTEGER PRIMARY KEY, feed_id INTEGER NOT"
	  " NULL REFERENCES feeds(id) ON DELETE CASCADE, key TEXT NOT NULL,"
	  " title TEXT, link TEXT, published INTEGER, first_seen INTEGER NOT"
	  " NULL, summary TEXT, cves TEXT, advisory TEXT, packages TEXT,"
	  " services TEXT, UNIQUE(feed_id, key));"
	  "CREATE TABLE alerts_sent(item_id INTEGER NOT NULL, host_id INTEGER"
	  " NOT NULL, sent_at INTEGER NOT NULL, PRIMARY KEY(item_id, host_id));" },
	{ 2,
	  /* one schema version table for every driver; the versions applied
	   * before it existed were kept in PRAGMA user_version only */
	  "CREATE TABLE schema_migrations(version INTEGER PRIMARY KEY,"
	  " applied_at INTEGER NOT NULL);"
	  "INSERT INTO schema_migrations(version, applied_at) VALUES(1, 0);" },
	{ 3,
	  /* the fleet service: clients, users and their tokens, web sessions,
	   * the finding history (append-only facts per host, CVE and source),
	   * pushes (idempotent by content), host summaries and the apt
	   * candidates each host sees */
	  "CREATE TABLE clients(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
	  " lang TEXT NOT NULL DEFAULT 'fr', timezone TEXT NOT NULL DEFAULT 'Europe/Paris',"
	  " created_at INTEGER NOT NULL);"
	  "CREATE TABLE client_contacts(client_id INTEGER NOT NULL REFERENCES clients(id)"
	  " ON DELETE CASCADE, email TEXT NOT NULL, PRIMARY KEY(client_id, email));"
	  "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
	  " role TEXT NOT NULL, client_id INTEGER REFERENCES clients(id) ON DELETE CASCADE,"
	  " password_hash TEXT, lang TEXT, created_at INTEGER NOT NULL);"
	  "CREATE TABLE tokens(id INTEGER PRIMARY KEY, hash TEXT UNIQUE NOT NULL,"
	  " kind TEXT NOT NULL, host TEXT, client_id INTEGER REFERENCES clients(id)"
	  " ON DELETE CASCADE, user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,"
	  " created_at INTEGER NOT NULL, revoked_at INTEGER, last_used_at INTEGER);"
	  "CREATE TABLE sessions(hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL"
	  " REFERENCES users(id) ON DELETE CASCADE, csrf TEXT NOT NULL,"
	  " created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);"
	  "CREATE TABLE finding_history(host_id INTEGER NOT NULL REFERENCES hosts(id)"
	  " ON DELETE CASCADE, cve TEXT NOT NULL, source TEXT NOT NULL,"
	  " first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, resolved_at INTEGER,"
	  " resolved_version TEXT, installed_version TEXT, fixed_version TEXT, class TEXT,"
	  " state TEXT, PRIMARY KEY(host_id, cve, source));"
	  "CREATE INDEX finding_history_cve ON finding_history(cve);"
	  "CREATE TABLE pushes(id INTEGER PRIMARY KEY, host_id INTEGER NOT NULL"
	  " REFERENCES hosts(id) ON DELETE CASCADE, digest TEXT NOT NULL,"
	  " received_at INTEGER NOT NULL, bytes INTEGER NOT NULL, packages INTEGER NOT NULL,"
	  " UNIQUE(host_id, digest));"
	  "CREATE TABLE host_summary(host_id INTEGER PRIMARY KEY REFERENCES hosts(id)"
	  " ON DELETE CASCADE, computed_at INTEGER NOT NULL, verdict TEXT NOT NULL,"
	  " reason TEXT, open_highly INTEGER NOT NULL DEFAULT 0,"
	  " open_critical INTEGER NOT NULL DEFAULT 0, open_standard INTEGER NOT NULL DEFAULT 0,"
	  " pending_security INTEGER NOT NULL DEFAULT 0, reboot INTEGER NOT NULL DEFAULT 0,"
	  " lifecycle TEXT, lifecycle_end TEXT);"
	  "CREATE TABLE host_candidates(host_id INTEGER NOT NULL REFERENCES hosts(id)"
	  " ON DELETE CASCADE, package TEXT NOT NULL, arch TEXT NOT NULL,"
	  " version TEXT NOT NULL, suite TEXT, security INTEGER NOT NULL DEFAULT 0,"
	  " PRIMARY KEY(host_id, package, arch));"
	  "CREATE INDEX hosts_client ON hosts(client);" },
	{ 4,
	  /* written decisions clearing a doubt: who decided what about one CVE
	   * on one host (host NULL: every host), why, until when; kept apart
	   * from the imported data so that no import touches them */
	  "CREATE TABLE decisions(id INTEGER PRIMARY KEY, cve TEXT NOT NULL, host TEXT,"
	  " status TEXT NOT NULL, justification TEXT, reason TEXT NOT NULL,"
	  " decided_by TEXT NOT NULL, decided_at INTEGER NOT NULL, expires_at INTEGER,"
	  " revoked_at INTEGER, revoked_by TEXT);"
	  "CREATE INDEX decisions_cve ON decisions(cve);" },
	{ 5,
	  /* the fleet page reads every host: its package count and last push
	   * are kept on the host row (written with them), not counted per
	   * request over every package and push of the fleet */
	  "ALTER TABLE hosts ADD COLUMN npackages INTEGER NOT NULL DEFAULT 0;"
	  "ALTER TABLE hosts ADD COLUMN last_push INTEGER NOT NULL DEFAULT 0;"
	  "UPDATE hosts SET npackages = (SELECT count(*) FROM host_packages k"
	  " WHERE k.host_id = hosts.id),"
	  " last_push = coalesce((SELECT max(p.received_at) FROM pushes p"
	  " WHERE p.host_id = hosts.id), 0);" },
	{ 6,
	  /* the previous import of each source: its counts beside the current
	   * ones in sources, and the rows it replaced in shadow tables (same
	   * columns, no keys: filled by one INSERT ... SELECT in the import's
	   * own transaction) that `db rollback` puts back; rolled_back_*
	   * tell which import a rollback discarded */
	  "ALTER TABLE sources ADD COLUMN prev_location TEXT;"
	  "ALTER TABLE sources ADD COLUMN prev_imported_at INTEGER;"
	  "ALTER TABLE sources ADD COLUMN prev_data_date INTEGER;"
	  "ALTER TABLE sources ADD COLUMN prev_rows INTEGER;"
	  "ALTER TABLE sources ADD COLUMN prev_kept INTEGER NOT NULL DEFAULT 0;"
	  "ALTER TABLE sources ADD COLUMN rolled_back_at INTEGER;"
	  "ALTER TABLE sources ADD COLUMN rolled_back_imported_at INTEGER;"
	  "ALTER TABLE sources ADD COLUMN rolled_back_rows INTEGER;"
	  "CREATE TABLE tracker_prev(release TEXT NOT NULL, source TEXT NOT NULL,"
	  " vuln TEXT NOT NULL, status TEXT NOT NULL, fixed_version TEXT,"
	  " urgency TEXT, nodsa TEXT, nodsa_reason TEXT,"
	  " next_point_update INTEGER NOT NULL DEFAULT 0, repositories TEXT);"
	  "CREATE TABLE vulns_prev(name TEXT NOT NULL, description TEXT,"
	  " scope TEXT, debianbug INTEGER);"
	  "CREATE TABLE advisories_prev(id TEXT NOT NULL, kind TEXT NOT NULL,"
	  " date TEXT, description TEXT, packages TEXT);"
	  "CREATE TABLE advisory_cves_prev(advisory TEXT NOT NULL, cve TEXT NOT NULL);"
	  "CREATE TABLE advisory_fixes_prev(advisory TEXT NOT NULL,"
	  " release TEXT NOT NULL, source TEXT NOT NULL, version TEXT,"
	  " kind TEXT NOT NULL, note TEXT);"
	  "CREATE TABLE kev_prev(cve TEXT NOT NULL, vendor TEXT, product TEXT,"
	  " name TEXT, date_added TEXT, due_date TEXT, ransomware TEXT);"
	  "CREATE TABLE releases_prev(codename TEXT NOT NULL, version TEXT,"
	  " series TEXT, created TEXT, release TEXT, eol TEXT, eol_lts TEXT,"
	  " eol_elts TEXT);"
	  "CREATE TABLE support_ended_prev(release TEXT NOT NULL, source TEXT NOT NULL,"
	  " last_version TEXT, end_date TEXT, note TEXT);"
	  "CREATE TABLE support_limited_prev(source TEXT NOT NULL, note TEXT);" },
	{ 7,
	  /* decisions for every host of one client, and what Debian's data on
	   * the CVE said when decided (a change re-opens the decision); the
	   * re-opened and expired decisions already alerted, once each */
	  "ALTER TABLE decisions ADD COLUMN client TEXT;"
	  "ALTER TABLE decisions ADD COLUMN debian_data TEXT;"
	  "CREATE TABLE decision_alerts(decision_id INTEGER NOT NULL, kind TEXT NOT NULL,"
	  " detail TEXT NOT NULL, sent_at INTEGER NOT NULL,"
	  " PRIMARY KEY(decision_id, kind, detail));" },
	{ 8,
	  /* installed is not running: the processes a pushed inventory says
	   * still map replaced files (one row per process and file), and in
	   * the finding history the time a fix took effect beside the time it
	   * was installed (NULL while a restart or reboot is pending, 0 when
	   * unknown: resolved by an inventory without process data) */
	  "CREATE TABLE host_restart(host_id INTEGER NOT NULL REFERENCES hosts(id)"
	  " ON DELETE CASCADE, pid INTEGER NOT NULL, comm TEXT, unit TEXT, kind TEXT,"
	  " container TEXT, package TEXT NOT NULL, arch TEXT, running_version TEXT,"
	  " path TEXT NOT NULL);"
	  "CREATE INDEX host_restart_host ON host_restart(host_id);"
	  "ALTER TABLE hosts ADD COLUMN restart_known INTEGER NOT NULL DEFAULT 0;"
	  "ALTER TABLE hosts ADD COLUMN restart_scanned INTEGER NOT NULL DEFAULT 0;"
	  "ALTER TABLE hosts ADD COLUMN restart_unreadable INTEGER NOT NULL DEFAULT 0;"
	  "ALTER TABLE finding_history ADD COLUMN effective_at INTEGER;"
	  "UPDATE finding_history SET effective_at = 0 WHERE resolved_at IS NOT NULL;" },
	{ 9,
	  /* what a host's judgement rests on (vigie's version, the data
	   * version, the policy, the day): a push that changes nothing on
	   * the host keeps a judgement whose basis is still the current one */
	  "ALTER TABLE host_summary ADD COLUMN basis TEXT;" },
	{ 10,
	  /* a counter raised by every write to the hosts or their summaries,
	   * whoever writes (triggers: another process, or SQL behind vigie's
	   * back, count too): what the fleet views show is unchanged while it
	   * is, so the server can keep them */
	  "CREATE TABLE view_generation(id INTEGER PRIMARY KEY CHECK(id = 1),"
	  " n INTEGER NOT NULL);"
	  "INSERT INTO view_generation(id, n) VALUES(1, 0);"
	  "CREATE TRIGGER hosts_view_i AFTER INSERT ON hosts"
	  " BEGIN UPDATE view_generation SET n = n + 1; END;"
	  "CREATE TRIGGER hosts_view_u AFTER UPDATE ON hosts"
	  " BEGIN UPDATE view_generation SET n = n + 1; END;"
	  "CREATE TRIGGER hosts_view_d AFTER DELETE ON hosts"
	  " BEGIN UPDATE view_generation SET n = n + 1; END;"
	  "CREATE TRIGGER host_summary_view_i AFTER INSERT ON host_summary"
	  " BEGIN UPDATE view_generation SET n = n + 1; END;"
	  "CREATE TRIGGER host_summary_view_u AFTER UPDATE ON host_summary"
	  " BEGIN UPDATE view_generation SET n = n + 1; END;"
	  "CREATE TRIGGER host_summary_view_d AFTER DELETE ON host_summary"
	  " BEGIN UPDATE view_generation SET n = n + 1; END;" },
	{ 11,
	  /* a judgement of a few changed sources reads their rows that are
	   * still the host's findings (open, or fixed and not in effect):
	   * found through this index instead of the host's whole history */
	  "CREATE INDEX finding_history_open ON finding_history(host_id, source)"
	  " WHERE effective_at IS NULL;" },
	{ 12,
	  /* a digest of what decides each (release, source)'s findings, as of
	   * the basis kept in meta 'digests_basis': the re-judgement after a
	   * data update judges again only the hosts holding a source whose
	   * digest moved (lib/app/rejudge.c) */
	  "CREATE TABLE source_digests(release TEXT NOT NULL, source TEXT NOT NULL,"
	  " digest TEXT NOT NULL, PRIMARY KEY(release, source));" },
	{ 13,
	  /* a digest of the findings a full judgement wrote into the host's
	   * finding history: the next full judgement finding the same ones
	   * leaves the history unread (vigie_store_finding_history_same) */
	  "ALTER TABLE host_summary ADD COLUMN facts_digest TEXT;" },
	{ 14,
	  /* the hosts holding given sources, read from the index alone (the
	   * re-judgement after a data update): host_id beside the source */
	  "CREATE INDEX host_packages_src_host ON host_packages(source, host_id);"
	  "DROP INDEX host_packages_src;" },
	{ 15,
	  /* each host's distinct (source, version) pairs in one row, written
	   * with its packages: a full judgement of a fleet sums the findings
	   * judged once per pair instead of reading every package row
	   * (lib/app/rejudge.c); npackages tells a row left stale by a write
	   * behind vigie's back */
	  "CREATE TABLE host_pairs(host_id INTEGER PRIMARY KEY REFERENCES hosts(id)"
	  " ON DELETE CASCADE, npackages INTEGER NOT NULL, pairs TEXT NOT NULL);" },
	{ 16,
	  /* the findings resolved in a month, per host: the time to
	   * remediate of a client's SLA (vigie_store_findings_resolved_each)
	   * without reading the open rows */
	  "CREATE INDEX finding_history_resolved ON finding_history(host_id, resolved_at)"
	  " WHERE resolved_at IS NOT NULL;" },
	{ 17,
	  /* each host's SLA of the month, as the server's refresher last
	   * computed it (vigie_app_host_sla): for the fleet page, which cannot
	   * build every host's timeline per request; events and basis tell
	   * when it is stale (new events, other data or month) */
	  "CREATE TABLE host_sla(host_id INTEGER PRIMARY KEY REFERENCES hosts(id)"
	  " ON DELETE CASCADE, month TEXT NOT NULL, met INTEGER NOT NULL,"
	  " total INTEGER NOT NULL, events INTEGER NOT NULL, basis TEXT NOT NULL,"
	  " computed_at INTEGER NOT NULL);"
	  "CREATE TRIGGER host_sla_view_i AFTER INSERT ON host_sla"
	  " BEGIN UPDATE view_generation SET n = n + 1; END;"
	  "CREATE TRIGGER host_sla_view_u AFTER UPDATE ON host_sla"
	  " BEGIN UPDATE view_generation SET n = n + 1; END;"
	  "CREATE TRIGGER host_sla_view_d AFTER DELETE ON host_sla"
	  " BEGIN UPDATE view_generation SET n = n + 1; END;" },
	{ 18,
	  /* the finding history's index by CVE goes: each row written put
	   * a page at a random place of it to the WAL (a host's first
	   * judgement 3.5 times slower at 2 million rows), and the one read
	   * by CVE did not use it; that read now seeks each host's rows of
	   * the CVE through the primary key (vigie_store_finding_history_each) */
	  "DROP INDEX IF EXISTS finding_history_cve;" },
};
