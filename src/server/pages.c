/* The dashboard's HTML pages: rendered on the server, no JavaScript, no
 * external assets, a print style sheet; French and English. Numbers come
 * from the same store reads as the JSON API. */
#include "pages.h"
#include "vigie/app/host.h"
#include "vigie/core/hashmap.h"
#include "vigie/core/secret.h"
#include "vigie/engine/calendar.h"
#include "vigie/engine/scan_restart.h"
#include "vigie/scanners/decisions.h"

#include <microhttpd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SESSION_TTL (12 * 3600)

const char *T(const struct req *r, const char *en, const char *fr)
{
	return !strcmp(r->lang, "en") ? en : fr;
}

static const char css[] =
	"body{font-family:'DejaVu Sans',sans-serif;margin:0;color:#1b1f24;background:#fff}"
	"header{background:#12324a;color:#fff;padding:.6em 1em;display:flex;gap:1.5em;align-items:center;flex-wrap:wrap}"
	"header a{color:#fff}header .who{margin-left:auto}"
	"main{padding:1em;max-width:75em}"
	"table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}"
	"th,td{border-bottom:1px solid #d0d7de;padding:.3em .5em;text-align:left;vertical-align:top}"
	"th{background:#f3f5f7}td.n{text-align:right;font-variant-numeric:tabular-nums}"
	".hc{color:#8b0000;font-weight:bold}.c{color:#b35900;font-weight:bold}.s{color:#1b4f8a}"
	".ok{color:#116329}.warn{color:#9a6700}.muted{color:#57606a}"
	"form.inline{display:inline;margin:0}button{font:inherit}"
	"a[href^=\"/cves/\"],a[href^=\"/hosts/\"]{white-space:nowrap}" /* ids are not cut */
	"@media print{header form,header .nav{display:none}header{background:none;color:#000}"
	"a{color:#000;text-decoration:none}main{max-width:none}}";

void page_begin(struct req *r, struct vigie_buf *out, const char *title)
{
	vigie_buf_addf(out, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
			    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
			    "<title>", r->lang);
	srv_html(out, title);
	vigie_buf_addf(out, " — vigie</title><style>%s</style></head><body><header>"
			    "<strong>vigie</strong><span class=\"nav\"><a href=\"/\">%s</a></span>",
		       css, T(r, "Hosts", "Serveurs"));
	if (r->who.role == VIGIE_ROLE_OPERATOR || r->who.role == VIGIE_ROLE_CLIENT) {
		vigie_buf_adds(out, "<span class=\"who\">");
		srv_html(out, r->who.user);
		if (r->who.client[0]) {
			vigie_buf_adds(out, " (");
			srv_html(out, r->who.client);
			vigie_buf_adds(out, ")");
		}
		vigie_buf_adds(out, "</span>");
		if (r->via_session) {
			vigie_buf_addf(out, "<form class=\"inline\" method=\"post\" action=\"/lang\">"
					    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
					    "<input type=\"hidden\" name=\"lang\" value=\"%s\">"
					    "<button type=\"submit\">%s</button></form>",
				       r->who.csrf, !strcmp(r->lang, "en") ? "fr" : "en",
				       !strcmp(r->lang, "en") ? "Français" : "English");
			vigie_buf_addf(out, "<form class=\"inline\" method=\"post\" action=\"/logout\">"
					    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
					    "<button type=\"submit\">%s</button></form>",
				       r->who.csrf, T(r, "Log out", "Se déconnecter"));
		}
	}
	vigie_buf_adds(out, "</header><main><h1>");
	srv_html(out, title);
	vigie_buf_adds(out, "</h1>\n");
}

int page_end(struct req *r, struct vigie_buf *out)
{
	vigie_buf_adds(out, "</main></body></html>\n");
	r->content_type = "text/html; charset=utf-8";
	return 200;
}

void page_time(struct req *r, struct vigie_buf *out, int64_t t)
{
	char buf[40];
	(void)r;
	if (!t) {
		vigie_buf_adds(out, "–");
		return;
	}
	vigie_buf_adds(out, vigie_time_format(t, buf, sizeof(buf)));
}

/* ---- login ---- */

/* Where to go once logged in: a path of this site ("/..." but not
 * "//...", no backslash or control character), else NULL. */
static const char *safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || strlen(next) > 512)
		return NULL;
	for (const char *p = next; *p; p++)
		if ((unsigned char)*p < 0x21 || *p == 0x7f || *p == '\\' || *p == '"' ||
		    *p == '<' || *p == '>')
			return NULL;
	return next;
}

/* The login form's CSRF token: a random value in a cookie of its own
 * (there is no session yet) and in the form; the POST must carry both
 * alike, which another site's page cannot (login CSRF). */
#define LOGIN_COOKIE "vigie_login"

static int is_hex64(const char *s)
{
	size_t n = 0;
	for (; s && s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return 0;
	return n == 64;
}

int h_login_form(struct req *r, struct vigie_buf *out)
{
	const char *bad = srv_arg(r, "failed");
	const char *lang = srv_arg(r, "lang");
	const char *next = safe_next(srv_arg(r, "next"));
	const char *have = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, LOGIN_COOKIE);
	char csrf[65];
	struct vigie_error err;

	vigie_error_init(&err);
	if (is_hex64(have))
		snprintf(csrf, sizeof(csrf), "%s", have);
	else if (vigie_random_hex(csrf, 32, &err))
		return srv_error(r, out, 500, err.msg);
	else
		srv_set_cookie(r, LOGIN_COOKIE, csrf, "Path=/login; HttpOnly; SameSite=Strict;"
						      " Max-Age=3600");
	/* the language switch of a visitor not logged in yet */
	if (lang && (!strcmp(lang, "fr") || !strcmp(lang, "en"))) {
		snprintf(r->lang, sizeof(r->lang), "%s", lang);
		srv_set_cookie(r, "vigie_lang", lang, "Path=/; SameSite=Strict; Max-Age=31536000");
	}
	page_begin(r, out, T(r, "Log in", "Connexion"));
	vigie_buf_addf(out, "<p class=\"nav\"><a href=\"/login?lang=%s%s",
		       !strcmp(r->lang, "en") ? "fr" : "en", next ? "&amp;next=" : "");
	if (next)
		srv_html(out, next);
	vigie_buf_addf(out, "\">%s</a></p>", !strcmp(r->lang, "en") ? "Français" : "English");
	if (bad)
		vigie_buf_addf(out, "<p class=\"warn\">%s</p>",
			       T(r, "Wrong name or password.", "Nom ou mot de passe incorrect."));
	vigie_buf_addf(out, "<form method=\"post\" action=\"/login\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", csrf);
	if (next) {
		vigie_buf_adds(out, "<input type=\"hidden\" name=\"next\" value=\"");
		srv_html(out, next);
		vigie_buf_adds(out, "\">");
	}
	vigie_buf_addf(out, "<p><label>%s <input name=\"name\" autocomplete=\"username\" required></label></p>"
			    "<p><label>%s <input name=\"password\" type=\"password\""
			    " autocomplete=\"current-password\" required></label></p>"
			    "<p><button type=\"submit\">%s</button></p></form>",
		       T(r, "Name", "Nom"), T(r, "Password", "Mot de passe"),
		       T(r, "Log in", "Se connecter"));
	return page_end(r, out);
}

struct user_copy {
	int64_t id;
	char hash[VIGIE_PASSWORD_HASH_MAX];
	int found;
};

static int user_copy_cb(void *ud, const struct store_user *u)
{
	struct user_copy *c = ud;
	c->id = u->id;
	snprintf(c->hash, sizeof(c->hash), "%s", u->password_hash ? u->password_hash : "");
	c->found = 1;
	return 0;
}

static void redirect(struct req *r, const char *to)
{
	free(r->location);
	r->location = strdup(to);
}

int h_login(struct req *r, struct vigie_buf *out)
{
	char name[VIGIE_NAME_MAX + 1], pw[VIGIE_PASSWORD_MAX + 1], token[VIGIE_TOKEN_LEN + 1];
	char hash[VIGIE_TOKEN_HASH_LEN + 1], csrf[65], form_csrf[96], nextbuf[600];
	struct vigie_buf failed = VIGIE_BUF_INIT;
	const char *login_cookie =
		MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, LOGIN_COOKIE);
	const char *next = safe_next(srv_form(r, "next", nextbuf, sizeof(nextbuf)));
	struct vigie_store *s = srv_store(r);
	struct user_copy u;
	struct vigie_error err;
	int ok;

	if (!is_hex64(login_cookie) || !srv_form(r, "csrf", form_csrf, sizeof(form_csrf)) ||
	    !vigie_secret_equal(form_csrf, login_cookie))
		return srv_error(r, out, 403, "missing or wrong CSRF token: open the login form again");
	if (!s)
		return srv_error(r, out, 503, "the database is not available");
	memset(&u, 0, sizeof(u));
	vigie_error_init(&err);
	vigie_buf_adds(&failed, "/login?failed=1");
	if (next) {
		vigie_buf_adds(&failed, "&next=");
		srv_url_encode(&failed, next);
	}
	if (!failed.data) /* out of memory */
		return srv_error(r, out, 500, "out of memory");
	if (!srv_form(r, "name", name, sizeof(name)) || !srv_form(r, "password", pw, sizeof(pw))) {
		r->location = failed.data;
		return 303;
	}
	if (vigie_store_user_get(s, name, user_copy_cb, &u, &err) == VIGIE_EDB) {
		vigie_buf_release(&failed);
		return srv_error(r, out, 503, "the database is not available");
	}
	/* verify even for an unknown name, so timing does not tell names */
	ok = vigie_password_verify(u.found && u.hash[0] ? u.hash
				   : "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
				     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
				   pw) && u.found;
	memset(pw, 0, sizeof(pw));
	if (!ok) {
		r->location = failed.data;
		return 303;
	}
	vigie_buf_release(&failed);
	if (vigie_token_new(token, &err) || vigie_random_hex(csrf, 32, &err))
		return srv_error(r, out, 500, err.msg);
	vigie_token_hash(hash, token, strlen(token));
	if (vigie_store_session_add(s, hash, u.id, csrf, vigie_now() + SESSION_TTL, &err))
		return srv_error(r, out, 500, err.msg);
	{
		char attrs[96];
		snprintf(attrs, sizeof(attrs), "Path=/; HttpOnly; SameSite=Strict; Max-Age=%d",
			 SESSION_TTL);
		srv_set_cookie(r, "vigie_session", token, attrs);
	}
	memset(token, 0, sizeof(token));
	srv_set_cookie(r, LOGIN_COOKIE, "", "Path=/login; HttpOnly; SameSite=Strict; Max-Age=0");
	redirect(r, next ? next : "/");
	return 303;
}

int h_logout(struct req *r, struct vigie_buf *out)
{
	const char *sess = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "vigie_session");
	struct vigie_store *s = srv_store(r);
	struct vigie_error err;
	char hash[VIGIE_TOKEN_HASH_LEN + 1];
	(void)out;
	vigie_error_init(&err);
	if (s && sess) {
		vigie_token_hash(hash, sess, strlen(sess));
		vigie_store_session_remove(s, hash, &err);
	}
	srv_set_cookie(r, "vigie_session", "", "Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	redirect(r, "/login");
	return 303;
}

int h_set_lang(struct req *r, struct vigie_buf *out)
{
	char lang[8];
	struct vigie_store *s = srv_store(r);
	struct vigie_error err;
	if (!srv_form(r, "lang", lang, sizeof(lang)) || (strcmp(lang, "fr") && strcmp(lang, "en")))
		return srv_error(r, out, 400, "lang: fr or en");
	vigie_error_init(&err);
	if (s && r->who.user_id)
		vigie_store_user_set_lang(s, r->who.user_id, lang, &err);
	srv_set_cookie(r, "vigie_lang", lang, "Path=/; SameSite=Strict; Max-Age=31536000");
	redirect(r, "/");
	return 303;
}

/* ---- fleet ---- */

static void count_cell(struct vigie_buf *out, long n, const char *cls)
{
	if (n)
		vigie_buf_addf(out, "<td class=\"n %s\">%ld</td>", cls, n);
	else
		vigie_buf_adds(out, "<td class=\"n ok\">0</td>");
}

struct fleet_page {
	struct req *r;
	struct vigie_buf *out;
	long n;
	char month[8]; /* this local month, "YYYY-MM" (fleet_page_init) */
};

static void fleet_page_init(struct fleet_page *p, struct req *r, struct vigie_buf *out)
{
	int y, m, d;
	p->r = r;
	p->out = out;
	p->n = 0;
	vigie_civil_from_days(vigie_calendar_local_day(vigie_now()), &y, &m, &d);
	snprintf(p->month, sizeof(p->month), "%04d-%02d", y, m);
}

/* The host's SLA of this month, as the server's refresher last computed
 * it (slarefresh.c): fixes within their deadline out of all, the share,
 * and when; "–" before it is computed for this month or without fixes. */
static void sla_cell(const struct fleet_page *p, const struct store_fleet_host *h)
{
	struct req *r = p->r;
	struct vigie_buf *out = p->out;
	char at[40];
	if (!h->sla_month || strcmp(h->sla_month, p->month)) {
		vigie_buf_addf(out, "<td class=\"n muted sla\" title=\"%s\">…</td>",
			       T(r, "not computed yet for this month", "pas encore calculé ce mois-ci"));
		return;
	}
	if (!h->sla_total) {
		vigie_buf_addf(out, "<td class=\"n muted sla\" title=\"%s\">–</td>",
			       T(r, "no security fix installed this month",
				 "aucun correctif de sécurité installé ce mois-ci"));
		return;
	}
	vigie_buf_addf(out, "<td class=\"n sla %s\" title=\"%s %s\"><span class=\"met\">%ld</span>/"
			    "<span class=\"total\">%ld</span>&nbsp;(%ld&nbsp;%%)</td>",
		       h->sla_met == h->sla_total ? "ok" : "warn",
		       T(r, "computed", "calculé le"), vigie_time_format(h->sla_at, at, sizeof(at)),
		       h->sla_met, h->sla_total, (h->sla_met * 100 + h->sla_total / 2) / h->sla_total);
}

static int fleet_row(void *ud, const struct store_fleet_host *h)
{
	struct fleet_page *p = ud;
	struct vigie_buf *out = p->out;
	struct req *r = p->r;
	p->n++;
	vigie_buf_adds(out, "<tr><td><a href=\"/hosts/");
	srv_html(out, h->name);
	vigie_buf_adds(out, "\">");
	srv_html(out, h->name);
	vigie_buf_adds(out, "</a></td><td>");
	if (h->client) {
		/* the client's SLA page */
		vigie_buf_adds(out, "<a href=\"/clients/");
		srv_html(out, h->client);
		vigie_buf_adds(out, "/sla\">");
		srv_html(out, h->client);
		vigie_buf_adds(out, "</a>");
	} else
		vigie_buf_adds(out, "–");
	vigie_buf_adds(out, "</td><td>");
	srv_html(out, h->release ? h->release : "?");
	vigie_buf_adds(out, "</td>");
	if (!h->has_summary || (h->sum.verdict && !strcmp(h->sum.verdict, "undetermined"))) {
		vigie_buf_addf(out, "<td colspan=\"3\" class=\"warn\">%s",
			       T(r, "undetermined", "indéterminé"));
		if (h->has_summary && h->sum.reason) {
			vigie_buf_adds(out, ": ");
			srv_html(out, h->sum.reason);
		}
		vigie_buf_adds(out, "</td>");
	} else {
		count_cell(out, h->sum.open[2], "hc");
		count_cell(out, h->sum.open[1], "c");
		count_cell(out, h->sum.open[0], "s");
	}
	if (h->has_summary && h->sum.pending_security >= 0)
		vigie_buf_addf(out, "<td class=\"n\">%ld</td>", h->sum.pending_security);
	else
		vigie_buf_adds(out, "<td class=\"n muted\">–</td>");
	vigie_buf_addf(out, "<td>%s</td><td>", h->has_summary && h->sum.reboot
						       ? T(r, "yes", "oui") : T(r, "no", "non"));
	srv_html(out, h->has_summary && h->sum.lifecycle ? h->sum.lifecycle : "?");
	if (h->has_summary && h->sum.lifecycle_end) {
		vigie_buf_adds(out, " <span class=\"muted\">(");
		srv_html(out, h->sum.lifecycle_end);
		vigie_buf_adds(out, ")</span>");
	}
	vigie_buf_adds(out, "</td><td>");
	page_time(r, out, h->last_push ? h->last_push : h->inventoried_at);
	vigie_buf_adds(out, "</td>");
	sla_cell(p, h);
	vigie_buf_adds(out, "</tr>\n");
	return 0;
}

int h_page_fleet(struct req *r, struct vigie_buf *out)
{
	struct vigie_store *s = srv_store(r);
	struct vigie_error err;
	struct fleet_page p;
	struct store_fleet_totals tot;
	long page = srv_arg_long(r, "page", 1, 1000000), pages;
	char key[256], part[24];
	int64_t gen;
	size_t mark;
	if (!s)
		return srv_error(r, out, 503, "the database is not available");
	if (page < 1)
		return srv_error(r, out, 400, "page: expected a number from 1");
	vigie_error_init(&err);
	fleet_page_init(&p, r, out);
	/* the generation first: what is rendered below is at least as new */
	if (vigie_store_view_generation(s, &gen, &err))
		return srv_error(r, out, 500, err.msg);
	page_begin(r, out, r->who.client[0] ? r->who.client : T(r, "The fleet", "La flotte"));
	/* what follows the header depends on the scope, language and page
	 * only: kept while the store's view generation stays */
	snprintf(part, sizeof(part), "%ld", page);
	srv_view_key(r, "fleet", part, key, sizeof(key));
	if (srv_viewcache_get(r->srv->views, key, gen, out))
		return page_end(r, out);
	mark = out->len;
	if (vigie_store_fleet_totals(s, vigie_principal_scope(&r->who), &tot, &err))
		return srv_error(r, out, 500, err.msg);
	pages = tot.hosts ? (tot.hosts + SRV_FLEET_PAGE - 1) / SRV_FLEET_PAGE : 1;
	/* the whole scope first, then one page of it */
	vigie_buf_addf(out, "<p id=\"totals\">%ld %s &middot; %s: %ld %s, %ld %s, %ld %s",
		       tot.hosts, T(r, "hosts", "serveurs"),
		       T(r, "open findings", "vulnérabilités ouvertes"),
		       tot.open[VIGIE_CLASS_HIGHLY_CRITICAL], T(r, "highly critical", "très critiques"),
		       tot.open[VIGIE_CLASS_CRITICAL], T(r, "critical", "critiques"),
		       tot.open[VIGIE_CLASS_STANDARD], T(r, "standard", "standard"));
	if (tot.undetermined)
		vigie_buf_addf(out, " &middot; %ld %s", tot.undetermined,
			       T(r, "undetermined (no data to judge them)",
				 "indéterminés (aucune donnée pour en juger)"));
	vigie_buf_adds(out, "</p>\n");
	if (pages > 1) {
		vigie_buf_addf(out, "<p class=\"pager\">%s %ld / %ld", T(r, "Page", "Page"), page,
			       pages);
		if (page > 1)
			vigie_buf_addf(out, " &middot; <a href=\"/?page=%ld\">%s</a>", page - 1,
				       T(r, "previous", "précédente"));
		if (page < pages)
			vigie_buf_addf(out, " &middot; <a href=\"/?page=%ld\">%s</a>", page + 1,
				       T(r, "next", "suivante"));
		vigie_buf_adds(out, "</p>\n");
	}
	vigie_buf_addf(out, "<table id=\"hosts\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
			    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
			    "<th>%s</th><th>%s</th></tr></thead><tbody>\n",
		       T(r, "Host", "Serveur"), T(r, "Client", "Client"),
		       T(r, "Release", "Version"), T(r, "Highly critical", "Très critiques"),
		       T(r, "Critical", "Critiques"), T(r, "Standard", "Standard"),
		       T(r, "Pending security updates", "Mises à jour de sécurité en attente"),
		       T(r, "Reboot needed", "Redémarrage requis"),
		       T(r, "Support", "Support"), T(r, "Last report", "Dernier rapport"),
		       T(r, "SLA met this month", "SLA respecté ce mois-ci"));
	if (vigie_store_fleet_hosts_page(s, vigie_principal_scope(&r->who),
					 (int64_t)(page - 1) * SRV_FLEET_PAGE, SRV_FLEET_PAGE,
					 fleet_row, &p, &err))
		return srv_error(r, out, 500, err.msg);
	vigie_buf_adds(out, "</tbody></table>\n");
	if (!p.n)
		vigie_buf_addf(out, "<p class=\"muted\">%s</p>",
			       T(r, "No host has reported yet.", "Aucun serveur n'a encore fait de rapport."));
	srv_viewcache_put(r->srv->views, key, gen, out->data + mark, out->len - mark);
	return page_end(r, out);
}

/* ---- one host ---- */

static const char *class_css(enum vigie_class c)
{
	return c == VIGIE_CLASS_HIGHLY_CRITICAL ? "hc" : c == VIGIE_CLASS_CRITICAL ? "c" : "s";
}

/* What still runs replaced code (scan_restart.h), per unit, from the last
 * inventory: the packages at their old version, the CVEs their installed
 * version fixes, the action. */
static void restart_section(struct req *r, struct vigie_buf *out, const struct scan_result *res)
{
	const struct scan_restart *rs = res->restart;
	vigie_buf_addf(out, "<h2 id=\"restart\">%s</h2>\n",
		       T(r, "Installed but not running", "Installé mais pas en service"));
	if (!rs) {
		vigie_buf_addf(out, "<p>%s</p>\n",
			       T(r, "The last inventory did not look at running processes: "
				    "whether services still run replaced code is unknown.",
				 "Le dernier inventaire n'a pas examiné les processus : on ne sait "
				 "pas si des services utilisent encore du code remplacé."));
		return;
	}
	vigie_buf_addf(out, "<p>%zu %s, %zu %s. ", rs->scanned,
		       T(r, "processes examined", "processus examinés"), rs->unreadable,
		       T(r, "unreadable", "illisibles"));
	if (!rs->n) {
		vigie_buf_addf(out, "%s</p>\n",
			       T(r, "No process runs replaced code.",
				 "Aucun processus n'utilise de code remplacé."));
		return;
	}
	vigie_buf_addf(out, "%zu %s</p>\n", rs->ncves,
		       T(r, "CVEs fixed on disk are not in effect yet.",
			 "CVE corrigées sur le disque ne sont pas encore en vigueur."));
	vigie_buf_addf(out, "<table id=\"restarts\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
			    "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
		       T(r, "Unit or process", "Unité ou processus"), T(r, "Package", "Paquet"),
		       T(r, "Running", "En service"), T(r, "Installed", "Installé"),
		       T(r, "CVEs fixed, not running", "CVE corrigées, pas en service"),
		       T(r, "Action", "Action"));
	for (size_t i = 0; i < rs->n; i++) {
		const struct scan_restart_unit *u = &rs->units[i];
		for (size_t k = 0; k < u->npkgs; k++) {
			const struct scan_restart_pkg *p = &u->pkgs[k];
			vigie_buf_adds(out, "<tr><td>");
			if (u->unit)
				srv_html(out, u->unit);
			else
				vigie_buf_addf(out, "%d ", u->pids[0]), srv_html(out, u->comms[0]);
			vigie_buf_adds(out, "</td><td>");
			srv_html(out, p->package);
			vigie_buf_adds(out, "</td><td>");
			srv_html(out, p->running_version ? p->running_version : "?");
			vigie_buf_adds(out, "</td><td>");
			srv_html(out, p->version ? p->version : "?");
			vigie_buf_adds(out, "</td><td>");
			for (size_t c = 0; c < p->ncves; c++) {
				vigie_buf_adds(out, c ? ", <a href=\"/cves/" : "<a href=\"/cves/");
				srv_html(out, p->cves[c]);
				vigie_buf_adds(out, "\">");
				srv_html(out, p->cves[c]);
				vigie_buf_adds(out, "</a>");
			}
			if (!p->ncves)
				vigie_buf_adds(out, "–");
			vigie_buf_adds(out, "</td><td>");
			srv_html(out, u->action);
			vigie_buf_adds(out, "</td></tr>\n");
		}
	}
	vigie_buf_adds(out, "</tbody></table>\n");
}

/* The decision beside a finding: in force (status, who, when, until, why),
 * or why it no longer applies. */
/* A fact's state as the page says it: KEV's in the page's language,
 * Debian's as the tracker gives it */
static const char *fact_state_text(struct req *r, const char *state)
{
	if (state && !strcmp(state, VIGIE_DECISION_KEV_IN))
		return T(r, VIGIE_DECISION_KEV_IN, "dans le catalogue CISA KEV");
	if (state && !strcmp(state, VIGIE_DECISION_KEV_OUT))
		return T(r, VIGIE_DECISION_KEV_OUT, "absente du catalogue CISA KEV");
	return state;
}

static void decision_cell(struct req *r, struct vigie_buf *out, const struct finding *f)
{
	const struct vigie_decision *x = f->decision;
	char day[16];
	if (!x) {
		vigie_buf_adds(out, "–");
		return;
	}
	if (f->decision_state == VIGIE_DECISION_REOPENED) {
		int kev = vigie_decision_kev_changed(f->decision_was, f->decision_now);
		vigie_buf_addf(out, "<span class=\"warn\">%s ",
			       kev ? T(r, "Decision re-opened: CISA KEV changed (was",
				       "Décision rouverte : CISA KEV a changé (avant")
				   : T(r, "Decision re-opened: Debian's data changed (was",
				       "Décision rouverte : les données Debian ont changé (avant"));
		srv_html(out, fact_state_text(r, f->decision_was));
		vigie_buf_addf(out, ", %s ", T(r, "now", "maintenant"));
		srv_html(out, fact_state_text(r, f->decision_now));
		vigie_buf_adds(out, ")</span><br>");
	} else if (f->decision_state == VIGIE_DECISION_EXPIRED) {
		vigie_buf_addf(out, "<span class=\"warn\">%s ",
			       T(r, "Decision expired after", "Décision expirée après le"));
		srv_html(out, vigie_date_format(x->expires - 86400, day, sizeof(day)));
		vigie_buf_adds(out, "</span><br>");
	}
	vigie_buf_addf(out, "<span class=\"decision\" data-state=\"%s\"><strong>",
		       vigie_decision_state_name(f->decision_state));
	srv_html(out, x->status);
	vigie_buf_addf(out, "</strong> — %s ", T(r, "by", "par"));
	srv_html(out, x->by);
	vigie_buf_adds(out, ", ");
	srv_html(out, vigie_date_format(x->at, day, sizeof(day)));
	if (x->expires && f->decision_state != VIGIE_DECISION_EXPIRED) {
		vigie_buf_addf(out, ", %s ", T(r, "until", "jusqu'au"));
		srv_html(out, vigie_date_format(x->expires - 86400, day, sizeof(day)));
	}
	if (x->client) {
		vigie_buf_addf(out, " (%s ", T(r, "client", "client"));
		srv_html(out, x->client);
		vigie_buf_adds(out, ")");
	} else if (!x->host) {
		vigie_buf_addf(out, " (%s)", T(r, "every host", "tous les serveurs"));
	}
	vigie_buf_adds(out, ": ");
	srv_html(out, x->reason);
	vigie_buf_adds(out, "</span>");
}

struct pending_rows {
	struct req *r;
	struct vigie_buf *out;
	long n;
};

static int pending_row(void *ud, const struct store_pending_update *u)
{
	struct pending_rows *p = ud;
	struct vigie_buf *out = p->out;
	if (!p->n++)
		vigie_buf_addf(out, "<table id=\"pending\"><thead><tr><th>%s</th><th>%s</th>"
				    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
			       T(p->r, "Package", "Paquet"), T(p->r, "Architecture", "Architecture"),
			       T(p->r, "Installed", "Installé"), T(p->r, "Candidate", "Candidat"),
			       T(p->r, "From", "Depuis"), T(p->r, "Security", "Sécurité"));
	vigie_buf_adds(out, "<tr><td>");
	srv_html(out, u->package);
	vigie_buf_adds(out, "</td><td>");
	srv_html(out, u->arch && u->arch[0] ? u->arch : "–");
	vigie_buf_adds(out, "</td><td>");
	srv_html(out, u->installed ? u->installed : "–");
	vigie_buf_adds(out, "</td><td>");
	srv_html(out, u->candidate);
	vigie_buf_adds(out, "</td><td>");
	srv_html(out, u->suite ? u->suite : "–");
	vigie_buf_addf(out, "</td><td%s>%s</td></tr>\n", u->security ? " class=\"hc\"" : "",
		       u->security ? T(p->r, "yes", "oui") : T(p->r, "no", "non"));
	return 0;
}

/* The updates the host's apt sees as pending, from its last inventory. */
static int pending_section(struct req *r, struct vigie_buf *out, struct vigie_store *s,
			   struct vigie_error *err)
{
	struct pending_rows p = { r, out, 0 };
	int rc;
	vigie_buf_addf(out, "<h2 id=\"updates\">%s</h2>\n", T(r, "Pending updates", "Mises à jour en attente"));
	if ((rc = vigie_store_host_pending_each(s, vigie_principal_scope(&r->who), r->params[0],
						pending_row, &p, err)))
		return rc;
	if (p.n)
		vigie_buf_adds(out, "</tbody></table>\n");
	else
		vigie_buf_addf(out, "<p class=\"muted\">%s</p>\n",
			       T(r, "None told by the host's last inventory (or it did not carry apt's"
				    " candidates).",
				 "Aucune selon le dernier inventaire du serveur (ou il ne portait pas"
				 " les candidats d'apt)."));
	return 0;
}

int h_page_host(struct req *r, struct vigie_buf *out)
{
	struct vigie_store *s = srv_store(r);
	struct vigie_error err;
	struct inventory inv;
	struct scan_result res;
	struct store_history_index since; /* read once, not once per finding */
	struct vigie_decisions dec;
	int have = 0, rc;
	if (!s)
		return srv_error(r, out, 503, "the database is not available");
	vigie_error_init(&err);
	vigie_decisions_init(&dec);
	/* visibility first: another client's host is not found */
	{
		struct vigie_buf row = VIGIE_BUF_INIT;
		struct fleet_page q;
		fleet_page_init(&q, r, &row);
		rc = vigie_store_fleet_host_get(s, vigie_principal_scope(&r->who), r->params[0],
						fleet_row, &q, &err);
		if (rc) {
			vigie_buf_release(&row);
			return srv_error(r, out, rc == VIGIE_ENOTFOUND ? 404 : 500,
					 rc == VIGIE_ENOTFOUND ? "no such host" : err.msg);
		}
		page_begin(r, out, r->params[0]);
		vigie_buf_adds(out, "<p class=\"nav\"><a href=\"/hosts/");
		srv_html(out, r->params[0]);
		vigie_buf_addf(out, "/timeline\">%s</a> · <a href=\"/hosts/",
			       T(r, "Security timeline", "Chronologie de sécurité"));
		srv_html(out, r->params[0]);
		vigie_buf_addf(out, "/history\">%s</a></p>\n", T(r, "Updates", "Mises à jour"));
		vigie_buf_addf(out, "<table id=\"summary\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
				    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
				    "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
			       T(r, "Host", "Serveur"), T(r, "Client", "Client"),
			       T(r, "Release", "Version"), T(r, "Highly critical", "Très critiques"),
			       T(r, "Critical", "Critiques"), T(r, "Standard", "Standard"),
			       T(r, "Pending security updates", "Mises à jour de sécurité en attente"),
			       T(r, "Reboot needed", "Redémarrage requis"),
			       T(r, "Support", "Support"), T(r, "Last report", "Dernier rapport"),
			       T(r, "SLA met this month", "SLA respecté ce mois-ci"));
		vigie_buf_add(out, row.data, row.len);
		vigie_buf_adds(out, "</tbody></table>\n");
		vigie_buf_release(&row);
	}
	vigie_inventory_init(&inv);
	rc = vigie_app_host_scan_cached(s, r->srv->cache, r->params[0], r->srv->policy, &inv, &res, &have, &err);
	if (!rc && have && (rc = srv_apply_decisions(s, &res, &dec, &err)))
		vigie_scan_result_release(&res);
	if (rc) {
		vigie_decisions_release(&dec);
		vigie_inventory_release(&inv);
		return srv_error(r, out, 500, err.msg);
	}
	if (have) {
		vigie_buf_addf(out, "<p>%s: ", T(r, "Running kernel", "Noyau en service"));
		srv_html(out, res.kernel.running_release ? res.kernel.running_release : "?");
		if (res.kernel.newest_version) {
			vigie_buf_addf(out, " — %s: ", T(r, "newest installed", "plus récent installé"));
			srv_html(out, res.kernel.newest_version);
		}
		if (res.kernel.reboot_required)
			vigie_buf_addf(out, " <strong class=\"warn\">%s</strong>",
				       T(r, "reboot required", "redémarrage requis"));
		vigie_buf_adds(out, "</p>\n");
		if (res.undetermined) {
			vigie_buf_addf(out, "<p class=\"warn\">%s: ", T(r, "Undetermined", "Indéterminé"));
			srv_html(out, res.undetermined);
			vigie_buf_adds(out, "</p>\n");
		}
		vigie_buf_addf(out, "<h2>%s (%zu)</h2>\n", T(r, "Open findings", "Vulnérabilités ouvertes"),
			       res.n);
		vigie_buf_addf(out, "<table id=\"findings\"><thead><tr><th>CVE</th><th>%s</th><th>%s</th>"
				    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
				    "</tr></thead><tbody>\n",
			       T(r, "Class", "Classe"), T(r, "Source package", "Paquet source"),
			       T(r, "Installed", "Installé"), T(r, "Fixed in", "Corrigé en"),
			       T(r, "State", "État"), T(r, "Open since", "Ouvert depuis"),
			       T(r, "Evidence", "Preuve"), T(r, "Decision", "Décision"));
		vigie_store_finding_history_index(&since, s, vigie_principal_scope(&r->who),
						  r->params[0], &err);
		for (size_t i = 0; i < res.n; i++) {
			const struct finding *f = &res.findings[i];
			vigie_buf_adds(out, "<tr><td><a href=\"/cves/");
			srv_html(out, f->cve);
			vigie_buf_adds(out, "\">");
			srv_html(out, f->cve);
			vigie_buf_addf(out, "</a></td><td class=\"%s\">%s</td><td>", class_css(f->cls),
				       vigie_policy_class_name(f->cls));
			srv_html(out, f->source);
			vigie_buf_adds(out, "</td><td>");
			srv_html(out, f->source_version);
			vigie_buf_adds(out, "</td><td>");
			srv_html(out, f->fixed_version ? f->fixed_version : "–");
			vigie_buf_adds(out, "</td><td>");
			if (f->restart_required)
				vigie_buf_addf(out, "<a href=\"#restart\">%s</a>",
					       T(r, "fixed, restart needed",
						 "corrigé, redémarrage requis"));
			else
				srv_html(out, f->reboot_required ? "reboot-required"
								 : vigie_finding_state_name(f->state));
			vigie_buf_adds(out, "</td><td>");
			{
				const struct store_history_row *h =
					vigie_finding_history_find(&since, f->cve, f->source);
				page_time(r, out, h ? h->first_seen : 0);
			}
			vigie_buf_adds(out, "</td><td>");
			srv_html(out, f->evidence);
			vigie_buf_adds(out, "</td><td>");
			decision_cell(r, out, f);
			vigie_buf_adds(out, "</td></tr>\n");
		}
		vigie_buf_adds(out, "</tbody></table>\n");
		vigie_store_history_index_release(&since);
		restart_section(r, out, &res);
		vigie_scan_result_release(&res);
		if ((rc = pending_section(r, out, s, &err))) {
			vigie_decisions_release(&dec);
			vigie_inventory_release(&inv);
			return srv_error(r, out, 500, err.msg);
		}
	} else {
		vigie_buf_addf(out, "<p class=\"warn\">%s</p>",
			       T(r, "The host's release is unknown: no verdict.",
				 "La version Debian du serveur est inconnue : aucun verdict."));
	}
	vigie_decisions_release(&dec);
	vigie_inventory_release(&inv);
	return page_end(r, out);
}

/* ---- one CVE ---- */

struct cve_rows {
	struct req *r;
	struct vigie_buf *out;
	int n;
};

static int cve_host_row(void *ud, const struct store_history_row *h)
{
	struct cve_rows *c = ud;
	struct vigie_buf *out = c->out;
	c->n++;
	vigie_buf_adds(out, "<tr><td><a href=\"/hosts/");
	srv_html(out, h->host);
	vigie_buf_adds(out, "\">");
	srv_html(out, h->host);
	vigie_buf_adds(out, "</a></td><td>");
	srv_html(out, h->source);
	vigie_buf_adds(out, "</td><td>");
	srv_html(out, h->resolved_at ? T(c->r, "fixed", "corrigé") : h->state);
	vigie_buf_adds(out, "</td><td>");
	srv_html(out, h->fixed_version ? h->fixed_version : "–");
	vigie_buf_adds(out, "</td><td>");
	page_time(c->r, out, h->first_seen);
	vigie_buf_adds(out, "</td><td>");
	page_time(c->r, out, h->resolved_at);
	vigie_buf_adds(out, "</td></tr>\n");
	return 0;
}

static int cve_debian_row(void *ud, const struct store_tracker_row *t)
{
	struct cve_rows *c = ud;
	c->n++;
	vigie_buf_adds(c->out, "<tr><td>");
	srv_html(c->out, t->release);
	vigie_buf_adds(c->out, "</td><td>");
	srv_html(c->out, t->source);
	vigie_buf_adds(c->out, "</td><td>");
	srv_html(c->out, t->status);
	vigie_buf_adds(c->out, "</td><td>");
	srv_html(c->out, t->fixed_version ? t->fixed_version : "–");
	vigie_buf_adds(c->out, "</td></tr>\n");
	return 0;
}

int h_page_cve(struct req *r, struct vigie_buf *out)
{
	struct vigie_store *s = srv_store(r);
	struct vigie_error err;
	struct cve_rows c = { r, out, 0 };
	long debian;
	char id[48];
	if (!s)
		return srv_error(r, out, 503, "the database is not available");
	snprintf(id, sizeof(id), "%s", r->params[0]);
	for (char *p = id; *p && p < id + 4; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	if (strncmp(id, "CVE-", 4) && strncmp(id, "TEMP-", 5))
		return srv_error(r, out, 400, "not a CVE id");
	vigie_error_init(&err);
	page_begin(r, out, id);
	vigie_buf_addf(out, "<h2>%s</h2><table id=\"debian\"><thead><tr><th>%s</th><th>%s</th>"
			    "<th>%s</th><th>%s</th></tr></thead><tbody>\n",
		       T(r, "Debian's data", "Données de Debian"), T(r, "Release", "Version"),
		       T(r, "Source package", "Paquet source"), T(r, "Status", "Statut"),
		       T(r, "Fixed in", "Corrigé en"));
	if (vigie_store_tracker_for_vuln(s, id, cve_debian_row, &c, &err))
		return srv_error(r, out, 500, err.msg);
	vigie_buf_adds(out, "</tbody></table>\n");
	debian = c.n;
	if (!c.n)
		vigie_buf_addf(out, "<p class=\"warn\">%s</p>",
			       T(r, "Unknown: the database has no Debian data for this CVE.",
				 "Inconnu : la base ne contient aucune donnée Debian pour cette CVE."));
	c.n = 0;
	vigie_buf_addf(out, "<h2>%s</h2><table id=\"hosts\"><thead><tr><th>%s</th><th>%s</th>"
			    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
		       T(r, "Hosts", "Serveurs"), T(r, "Host", "Serveur"),
		       T(r, "Source package", "Paquet source"), T(r, "State", "État"),
		       T(r, "Fixed in", "Corrigé en"), T(r, "First seen", "Vu la première fois"),
		       T(r, "Fixed on", "Corrigé le"));
	if (vigie_store_finding_history_each(s, vigie_principal_scope(&r->who), NULL, id, 0,
					     cve_host_row, &c, &err))
		return srv_error(r, out, 500, err.msg);
	vigie_buf_adds(out, "</tbody></table>\n");
	if (!debian && !c.n)
		/* neither Debian's data nor a host in scope: unknown, as a
		 * CVE that only another client's hosts had would be */
		return srv_error(r, out, 404,
				 T(r, "Unknown CVE: the database has no Debian data for it and"
				      " no host of yours has it.",
				   "CVE inconnue : la base ne contient aucune donnée Debian pour elle"
				   " et aucun de vos serveurs ne l'a."));
	return page_end(r, out);
}
