#include "vigie/render/render.h"
#include "vigie/render/json.h"
#include "vigie/engine/scan_restart.h"
#include "vigie/render/vulndoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int db_source(void *ud, const struct store_source *src)
{
	yajl_gen g = ud;
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "name", src->name);
	vigie_json_kv_str(g, "location", src->location);
	vigie_json_kv_time(g, "imported_at", src->imported_at);
	vigie_json_kv_time(g, "data_date", src->data_date);
	vigie_json_kv_int(g, "rows", src->rows);
	yajl_gen_map_close(g);
	return 0;
}

void vigie_render_scan_json_counts(yajl_gen g, const struct scan_result *r)
{
	vigie_json_key(g, "states");
	yajl_gen_map_open(g);
	for (int s = 0; s < FINDING_NSTATES; s++)
		vigie_json_kv_int(g, vigie_finding_state_name((enum finding_state)s), (int64_t)r->count_state[s]);
	yajl_gen_map_close(g);
	vigie_json_key(g, "classes");
	yajl_gen_map_open(g);
	for (int c = 2; c >= 0; c--)
		vigie_json_kv_int(g, vigie_policy_class_name((enum vigie_class)c), (int64_t)r->count_class[c]);
	yajl_gen_map_close(g);
}

static size_t restart_findings(const struct scan_result *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += r->findings[i].restart_required != 0;
	return n;
}

static int restart_reboot(const struct scan_restart *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->units[i].reboot)
			return 1;
	return 0;
}

/* The `restart` object: null when processes were not looked at (not a
 * live host), else every unit running replaced code. */
static void restart_json(yajl_gen g, const struct scan_result *r)
{
	const struct scan_restart *rs = r->restart;
	vigie_json_key(g, "restart");
	if (!rs) {
		yajl_gen_null(g);
		return;
	}
	yajl_gen_map_open(g);
	vigie_json_kv_int(g, "processes_scanned", (int64_t)rs->scanned);
	vigie_json_kv_int(g, "processes_unreadable", (int64_t)rs->unreadable);
	vigie_json_kv_int(g, "replaced_files_unowned", (int64_t)rs->unowned);
	vigie_json_kv_int(g, "cves", (int64_t)rs->ncves);
	/* a reboot is the action for PID 1, D-Bus and a newer kernel alike */
	vigie_json_kv_bool(g, "reboot_required",
			   restart_reboot(rs) || r->kernel.reboot_required);
	vigie_json_key(g, "reboot_reasons");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < rs->n; i++)
		if (rs->units[i].reboot)
			vigie_json_str(g, rs->units[i].kind == RESTART_INIT ? "PID 1"
					  : rs->units[i].unit);
	if (r->kernel.reboot_required)
		vigie_json_str(g, "kernel");
	yajl_gen_array_close(g);
	vigie_json_key(g, "units");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < rs->n; i++) {
		const struct scan_restart_unit *u = &rs->units[i];
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "unit", u->unit);
		vigie_json_kv_str(g, "kind", vigie_restart_kind_name(u->kind));
		vigie_json_kv_str(g, "container", u->container);
		vigie_json_key(g, "uid"); /* null: not known (a pushed inventory) */
		if (u->uid < 0)
			yajl_gen_null(g);
		else
			yajl_gen_integer(g, u->uid);
		vigie_json_key(g, "processes");
		yajl_gen_array_open(g);
		for (size_t k = 0; k < u->npids; k++) {
			yajl_gen_map_open(g);
			vigie_json_kv_int(g, "pid", u->pids[k]);
			vigie_json_kv_str(g, "comm", u->comms[k]);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		vigie_json_key(g, "packages");
		yajl_gen_array_open(g);
		for (size_t k = 0; k < u->npkgs; k++) {
			const struct scan_restart_pkg *p = &u->pkgs[k];
			yajl_gen_map_open(g);
			vigie_json_kv_str(g, "package", p->package);
			vigie_json_kv_str(g, "arch", *p->arch ? p->arch : NULL);
			vigie_json_kv_str(g, "installed_version", p->version);
			vigie_json_kv_str(g, "source", p->source);
			vigie_json_kv_str(g, "source_version", p->source_version);
			vigie_json_kv_str(g, "running_version", p->running_version);
			vigie_json_key(g, "cves");
			yajl_gen_array_open(g);
			for (size_t c = 0; c < p->ncves; c++)
				vigie_json_str(g, p->cves[c]);
			yajl_gen_array_close(g);
			vigie_json_key(g, "files");
			yajl_gen_array_open(g);
			for (size_t c = 0; c < p->nfiles; c++)
				vigie_json_str(g, p->files[c]);
			yajl_gen_array_close(g);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		vigie_json_kv_bool(g, "reboot", u->reboot);
		vigie_json_kv_str(g, "action", u->action);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

/* The restart lines of the text report (names from /proc escaped). */
static void restart_text(struct vigie_buf *out, const struct scan_result *r,
			 const char *on_yel, const char *off)
{
	const struct scan_restart *rs = r->restart;
	if (!rs)
		return;
	if (rs->n)
		vigie_buf_addf(out, "%srestart: %zu unit%s or process%s run%s replaced code (%zu CVE%s"
			       " fixed on disk, not in memory)%s\n", on_yel, rs->n,
			       rs->n == 1 ? "" : "s", rs->n == 1 ? "" : "es", rs->n == 1 ? "s" : "",
			       rs->ncves, rs->ncves == 1 ? "" : "s", off);
	for (size_t i = 0; i < rs->n; i++) {
		const struct scan_restart_unit *u = &rs->units[i];
		vigie_buf_adds(out, "  ");
		if (u->unit) {
			vigie_buf_add_safe(out, u->unit, strlen(u->unit));
			vigie_buf_adds(out, " (");
		}
		vigie_buf_adds(out, u->npids == 1 ? "pid " : "pids ");
		for (size_t k = 0; k < u->npids && k < 8; k++)
			vigie_buf_addf(out, "%s%d", k ? ", " : "", u->pids[k]);
		if (u->npids > 8)
			vigie_buf_addf(out, ", +%zu", u->npids - 8);
		vigie_buf_adds(out, ": ");
		vigie_buf_add_safe(out, u->comms[0], strlen(u->comms[0]));
		vigie_buf_adds(out, u->unit ? ")" : "");
		for (size_t k = 0; k < u->npkgs; k++) {
			const struct scan_restart_pkg *p = &u->pkgs[k];
			vigie_buf_addf(out, "%s %s", k ? ";" : ":", p->package);
			if (p->running_version)
				vigie_buf_addf(out, " %s", p->running_version);
			vigie_buf_addf(out, " (installed %s)", p->version ? p->version : "?");
			for (size_t c = 0; c < p->ncves; c++)
				vigie_buf_addf(out, "%s%s", c ? ", " : " fixes ", p->cves[c]);
		}
		vigie_buf_adds(out, "\n    -> ");
		vigie_buf_add_safe(out, u->action, strlen(u->action));
		vigie_buf_addc(out, '\n');
	}
	if (rs->unreadable)
		vigie_buf_addf(out, "%srestart: %zu process%s not readable%s%s\n", on_yel,
			       rs->unreadable, rs->unreadable == 1 ? "" : "es",
			       geteuid() ? " without root" : "", off);
}

int vigie_render_scan_json(struct vigie_buf *out, const struct scan_result *r,
		     struct vigie_store *store)
{
	yajl_gen g = vigie_json_gen_new(out);
	size_t before = out->len;
	if (!g)
		return VIGIE_ENOMEM;
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "schema", "vigie.scan/1");
	vigie_json_kv_str(g, "host", r->host);
	vigie_json_kv_str(g, "release", r->release);
	vigie_json_kv_time(g, "scanned_at", r->scanned_at);
	vigie_json_key(g, "database");
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "path", store ? vigie_store_path(store) : NULL);
	vigie_json_key(g, "sources");
	yajl_gen_array_open(g);
	if (store)
		vigie_store_sources_each(store, db_source, g, NULL);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);

	vigie_json_key(g, "summary");
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "verdict", vigie_scan_verdict(r));
	vigie_json_kv_str(g, "reason", r->undetermined);
	vigie_json_kv_int(g, "findings", (int64_t)r->n);
	vigie_json_kv_int(g, "packages", (int64_t)r->packages);
	vigie_render_scan_json_counts(g, r);
	vigie_json_kv_int(g, "hidden_unimportant", (int64_t)r->hidden_unimportant);
	vigie_json_kv_int(g, "decided", (int64_t)r->hidden_decided);
	vigie_json_key(g, "pending_updates");
	if (r->pending_known)
		yajl_gen_integer(g, (long long)r->pending_updates);
	else
		yajl_gen_null(g);
	vigie_json_key(g, "pending_security_updates");
	if (r->pending_known)
		yajl_gen_integer(g, (long long)r->pending_security_updates);
	else
		yajl_gen_null(g);
	vigie_json_key(g, "restart_needed");
	if (r->restart)
		yajl_gen_integer(g, (long long)restart_findings(r));
	else
		yajl_gen_null(g);
	yajl_gen_map_close(g);

	vigie_json_key(g, "kernel");
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "running_release", r->kernel.running_release);
	vigie_json_kv_str(g, "running_version", r->kernel.running_version);
	vigie_json_kv_str(g, "running_package", r->kernel.running_package);
	vigie_json_kv_str(g, "newest_installed_version", r->kernel.newest_version);
	vigie_json_kv_bool(g, "reboot_required", r->kernel.reboot_required);
	vigie_json_key(g, "reboot_fixes");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < r->kernel.nreboot_fixes; i++)
		vigie_json_str(g, r->kernel.reboot_fixes[i]);
	yajl_gen_array_close(g);
	vigie_json_key(g, "installed_not_running");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < r->kernel.nnot_running; i++)
		vigie_json_str(g, r->kernel.not_running[i]);
	yajl_gen_array_close(g);
	vigie_json_kv_str(g, "note", r->kernel.note);
	vigie_json_key(g, "userland");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < r->kernel.nuserland; i++) {
		const struct scan_kernel_userland *u = &r->kernel.userland[i];
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "name", u->name);
		vigie_json_kv_str(g, "version", u->version);
		vigie_json_kv_str(g, "fixed_version", u->fixed_version);
		vigie_json_kv_int(g, "cves", (int64_t)u->cves);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);

	restart_json(g, r);

	vigie_json_key(g, "lifecycle");
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "state", r->lifecycle.state);
	vigie_json_kv_str(g, "version", r->lifecycle.version);
	vigie_json_kv_str(g, "eol", r->lifecycle.eol);
	vigie_json_kv_str(g, "eol_lts", r->lifecycle.eol_lts);
	vigie_json_kv_str(g, "eol_elts", r->lifecycle.eol_elts);
	vigie_json_kv_str(g, "message", r->lifecycle.message);
	yajl_gen_map_close(g);

	vigie_json_key(g, "warnings");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < r->nwarnings; i++)
		vigie_json_str(g, r->warnings[i]);
	yajl_gen_array_close(g);

	vigie_json_key(g, "findings");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < r->n; i++) {
		const struct finding *f = &r->findings[i];
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "cve", f->cve);
		vigie_json_kv_str(g, "source", f->source);
		vigie_json_kv_str(g, "source_version", f->source_version);
		vigie_json_key(g, "binaries");
		yajl_gen_array_open(g);
		for (size_t b = 0; b < f->nbins; b++) {
			yajl_gen_map_open(g);
			vigie_json_kv_str(g, "name", f->bins[b].name);
			vigie_json_kv_str(g, "version", f->bins[b].version);
			vigie_json_kv_str(g, "arch", f->bins[b].arch);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		vigie_json_kv_str(g, "state", vigie_finding_state_name(f->state));
		vigie_json_kv_str(g, "fixed_version", f->fixed_version);
		vigie_json_kv_str(g, "advisory", f->advisory);
		vigie_json_kv_str(g, "advisory_date", f->advisory_date);
		vigie_json_kv_str(g, "urgency", f->urgency);
		vigie_json_kv_str(g, "scope", f->scope);
		vigie_json_key(g, "cvss");
		if (f->cvss < 0 && !f->cvss_vector) {
			yajl_gen_null(g);
		} else {
			yajl_gen_map_open(g);
			vigie_json_kv_score(g, "score", f->cvss);
			vigie_json_kv_str(g, "vector", f->cvss_vector);
			vigie_json_kv_str(g, "version", f->cvss_version);
			yajl_gen_map_close(g);
		}
		vigie_json_kv_bool(g, "kev", f->kev_added != NULL);
		vigie_json_kv_str(g, "kev_date_added", f->kev_added);
		vigie_json_kv_str(g, "nodsa", f->nodsa);
		vigie_json_kv_str(g, "nodsa_reason", f->nodsa_reason);
		vigie_json_kv_str(g, "class", vigie_policy_class_name(f->cls));
		vigie_json_kv_str(g, "class_rule", f->class_rule);
		vigie_json_kv_bool(g, "kernel", f->kernel);
		vigie_json_kv_bool(g, "reboot_required", f->reboot_required);
		vigie_json_kv_bool(g, "restart_required", f->restart_required);
		vigie_json_kv_str(g, "data_source", f->data_source);
		vigie_json_kv_str(g, "evidence", f->evidence);
		vigie_json_key(g, "pending_update");
		if (f->pending) {
			yajl_gen_map_open(g);
			vigie_json_kv_str(g, "package", f->pending->package);
			vigie_json_kv_str(g, "candidate", f->pending->candidate);
			vigie_json_kv_str(g, "suite", f->pending->suite);
			vigie_json_kv_bool(g, "security", f->pending->security);
			yajl_gen_map_close(g);
		} else {
			yajl_gen_null(g);
		}
		vigie_json_key(g, "decision");
		vigie_render_decision_json(g, f->decision, f->decision_state, f->decision_was,
					   f->decision_now);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	yajl_gen_free(g);
	return out->len > before ? 0 : VIGIE_ENOMEM;
}

/* ---- text ---- */
#define C_RED "\033[1;31m"
#define C_YEL "\033[33m"
#define C_DIM "\033[2m"
#define C_BOLD "\033[1m"
#define C_OFF "\033[0m"

struct src_order {
	const char *source;
	int cls;
};

static int cmp_src(const void *pa, const void *pb)
{
	const struct src_order *a = pa, *b = pb;
	if (a->cls != b->cls)
		return b->cls - a->cls;
	return strcmp(a->source, b->source);
}

static int cmp_fptr(const void *pa, const void *pb)
{
	const struct finding *a = *(const struct finding *const *)pa;
	const struct finding *b = *(const struct finding *const *)pb;
	if (a->cls != b->cls)
		return a->cls > b->cls ? -1 : 1;
	if (a->state != b->state)
		return a->state < b->state ? -1 : 1;
	return strcmp(a->cve, b->cve);
}

int vigie_render_scan_text(struct vigie_buf *out, const struct scan_result *r, int color)
{
	struct src_order *srcs = NULL;
	const struct finding **fl = NULL;
	size_t ns = 0;
	char ts[32];
	int rc = VIGIE_ENOMEM;
	const char *on_red = color ? C_RED : "", *on_yel = color ? C_YEL : "",
		   *dim = color ? C_DIM : "", *bold = color ? C_BOLD : "",
		   *off = color ? C_OFF : "";

	if (r->n) {
		srcs = calloc(r->n, sizeof(*srcs));
		fl = calloc(r->n, sizeof(*fl));
		if (!srcs || !fl)
			goto out;
	}
	vigie_buf_addf(out, "%s%s%s: Debian %s%s%s%s, %zu packages, scanned %s\n", bold,
		       r->host ? r->host : "(host)", off, r->release ? r->release : "?",
		       r->lifecycle.version ? " (" : "",
		       r->lifecycle.version ? r->lifecycle.version : "",
		       r->lifecycle.version ? ")" : "", r->packages,
		       vigie_time_format(r->scanned_at, ts, sizeof(ts)));
	if (r->undetermined)
		vigie_buf_addf(out, "%sundetermined: %s%s\n", on_red, r->undetermined, off);
	if (r->lifecycle.message)
		vigie_buf_addf(out, "%s%s%s\n", r->lifecycle.warn ? on_yel : "",
			       r->lifecycle.message, off);
	for (size_t i = 0; i < r->nwarnings; i++)
		vigie_buf_addf(out, "%swarning: %s%s\n", on_yel, r->warnings[i], off);
	if (r->kernel.running_version)
		vigie_buf_addf(out, "kernel: %s %s running%s%s%s\n", r->kernel.running_package,
			       r->kernel.running_version,
			       r->kernel.reboot_required ? "; newer " : "",
			       r->kernel.reboot_required ? r->kernel.newest_version : "",
			       r->kernel.reboot_required ? " installed: reboot required" : "");
	else if (r->kernel.note)
		vigie_buf_addf(out, "kernel: %s\n", r->kernel.note);
	for (size_t i = 0; i < r->kernel.nuserland; i++) {
		const struct scan_kernel_userland *u = &r->kernel.userland[i];
		vigie_buf_addf(out, "kernel userland (not a finding): %s %s", u->name, u->version);
		if (u->fixed_version)
			vigie_buf_addf(out, "; %s carries %zu kernel fix%s\n", u->fixed_version,
				       u->cves, u->cves == 1 ? "" : "es");
		else
			vigie_buf_adds(out, "; no newer kernel fix\n");
	}
	restart_text(out, r, on_yel, off);

	for (size_t i = 0; i < r->n; i++) {
		size_t k;
		for (k = 0; k < ns; k++)
			if (!strcmp(srcs[k].source, r->findings[i].source))
				break;
		if (k == ns) {
			srcs[ns].source = r->findings[i].source;
			srcs[ns++].cls = r->findings[i].cls;
		} else if ((int)r->findings[i].cls > srcs[k].cls) {
			srcs[k].cls = r->findings[i].cls;
		}
	}
	if (ns > 1)
		qsort(srcs, ns, sizeof(*srcs), cmp_src);
	for (size_t k = 0; k < ns; k++) {
		size_t nf = 0;
		const struct finding *first = NULL;
		for (size_t i = 0; i < r->n; i++)
			if (!strcmp(r->findings[i].source, srcs[k].source))
				fl[nf++] = &r->findings[i];
		qsort(fl, nf, sizeof(*fl), cmp_fptr);
		first = fl[0];
		vigie_buf_addf(out, "\n%s%s %s%s %s(", bold, first->source, first->source_version,
			       off, dim);
		for (size_t b = 0; b < first->nbins && b < 6; b++)
			vigie_buf_addf(out, "%s%s", b ? ", " : "", first->bins[b].name);
		if (first->nbins > 6)
			vigie_buf_addf(out, ", +%zu", first->nbins - 6);
		vigie_buf_addf(out, ")%s\n", off);
		for (size_t i = 0; i < nf; i++) {
			const struct finding *f = fl[i];
			const char *col = f->cls == VIGIE_CLASS_HIGHLY_CRITICAL ? on_red
					  : f->cls == VIGIE_CLASS_CRITICAL       ? on_yel : "";
			vigie_buf_addf(out, "  %s%-15s%s %-16s %-15s", col, vigie_policy_class_name(f->cls),
				       off, f->cve, f->restart_required ? "fixed, restart needed"
				       : vigie_finding_state_name(f->state));
			if (f->fixed_version)
				vigie_buf_addf(out, " fixed in %s", f->fixed_version);
			if (f->advisory)
				vigie_buf_addf(out, " %s", f->advisory);
			if (f->nodsa)
				vigie_buf_addf(out, " [%s]", f->nodsa_reason && *f->nodsa_reason
							     ? f->nodsa_reason : "no-dsa");
			if (f->kev_added)
				vigie_buf_addf(out, " %sKEV%s", on_red, off);
			if (f->reboot_required)
				vigie_buf_adds(out, " (reboot)");
			if (f->pending)
				vigie_buf_addf(out, " (pending update %s from %s)",
					       f->pending->candidate, f->pending->suite);
			if (f->data_source && !strcmp(f->data_source, "changelog"))
				vigie_buf_adds(out, " [changelog]");
			vigie_buf_addc(out, '\n');
			if (f->decision)
				vigie_render_decision_text(out, f->decision, f->decision_state,
						   f->decision_was, f->decision_now);
		}
	}
	vigie_buf_addf(out, "\n%zu finding%s: %zu highly-critical, %zu critical, %zu standard"
		       " (%zu fixed-available, %zu no-fix, %zu undetermined, %zu end-of-life)",
		       r->n, r->n == 1 ? "" : "s", r->count_class[2], r->count_class[1],
		       r->count_class[0], r->count_state[0], r->count_state[1], r->count_state[2],
		       r->count_state[3]);
	if (r->hidden_unimportant)
		vigie_buf_addf(out, "; %zu unimportant hidden", r->hidden_unimportant);
	if (r->hidden_decided) {
		int shown = 0;
		for (size_t i = 0; i < r->n && !shown; i++)
			shown = r->findings[i].decision && !r->findings[i].decision_state;
		vigie_buf_addf(out, "; %zu decided%s", r->hidden_decided,
			       shown ? "" : " (hidden: --show-decided lists them)");
	}
	if (r->kernel.reboot_required)
		vigie_buf_addf(out, "; reboot required (%zu fixes)", r->kernel.nreboot_fixes);
	if (r->restart && restart_findings(r))
		vigie_buf_addf(out, "; %zu fixed, restart needed", restart_findings(r));
	if (r->pending_known)
		vigie_buf_addf(out, "; %zu pending update%s, %zu from security suites",
			       r->pending_updates, r->pending_updates == 1 ? "" : "s",
			       r->pending_security_updates);
	rc = vigie_buf_addc(out, '\n');
	if (!rc && r->undetermined)
		rc = vigie_buf_addf(out, "verdict: undetermined (%s)\n", r->undetermined);
out:
	free(srcs);
	free(fl);
	return rc;
}

int vigie_render_scan_csv(struct vigie_buf *out, const struct scan_result *r)
{
	static const char header[] =
		"host,release,cve,source,source_version,binaries,state,fixed_version,"
		"advisory,advisory_date,urgency,cvss,kev,class,class_rule,reboot_required,"
		"evidence\r\n";
	if (vigie_buf_adds(out, header))
		return VIGIE_ENOMEM;
	for (size_t i = 0; i < r->n; i++) {
		const struct finding *f = &r->findings[i];
		struct vigie_buf bins = VIGIE_BUF_INIT;
		char score[16] = "";
		const char *cols[17];
		for (size_t b = 0; b < f->nbins; b++)
			vigie_buf_addf(&bins, "%s%s=%s", b ? " " : "", f->bins[b].name,
				       f->bins[b].version);
		if (f->cvss >= 0)
			snprintf(score, sizeof(score), "%.1f", f->cvss);
		cols[0] = r->host; cols[1] = r->release; cols[2] = f->cve;
		cols[3] = f->source; cols[4] = f->source_version;
		cols[5] = bins.data ? bins.data : "";
		cols[6] = f->restart_required ? "restart-needed" : vigie_finding_state_name(f->state);
		cols[7] = f->fixed_version;
		cols[8] = f->advisory; cols[9] = f->advisory_date; cols[10] = f->urgency;
		cols[11] = score; cols[12] = f->kev_added ? "yes" : "no";
		cols[13] = vigie_policy_class_name(f->cls); cols[14] = f->class_rule;
		cols[15] = f->reboot_required ? "yes" : "no"; cols[16] = f->evidence;
		for (int c = 0; c < 17; c++) {
			if ((c && vigie_buf_addc(out, ',')) || vigie_csv_add_field(out, cols[c])) {
				vigie_buf_release(&bins);
				return VIGIE_ENOMEM;
			}
		}
		vigie_buf_release(&bins);
		if (vigie_buf_adds(out, "\r\n"))
			return VIGIE_ENOMEM;
	}
	return 0;
}
