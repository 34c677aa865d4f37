#include "vigie/render/html.h"
#include "vigie/render/json.h"
#include "vigie/render/openvex.h"
#include "vigie/render/vulndoc.h"
#include "vigie/scanners/triage.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *class_of(const struct triage_item *it)
{
	return it->has_class ? vigie_policy_class_name(it->cls) : NULL;
}

int vigie_triage_render_json(struct vigie_buf *out, const struct triage_result *r)
{
	yajl_gen g = vigie_json_gen_new(out);
	size_t fp = 0, before = out->len;
	if (!g)
		return VIGIE_ENOMEM;
	for (int v = 0; v < TRIAGE_NVERDICTS; v++)
		if (vigie_triage_is_false_positive((enum triage_verdict)v))
			fp += r->count[v];
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "schema", "vigie.triage/1");
	vigie_json_kv_time(g, "triaged_at", r->at);
	vigie_json_key(g, "report");
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "file", r->report);
	vigie_json_kv_str(g, "format", r->format);
	/* the findings were judged on the system the report describes */
	vigie_json_kv_str(g, "inventory", r->report_inventory);
	yajl_gen_map_close(g);
	vigie_json_key(g, "summary");
	yajl_gen_map_open(g);
	vigie_json_kv_int(g, "findings", (int64_t)r->n);
	vigie_json_kv_int(g, "false_positives", (int64_t)fp);
	vigie_json_key(g, "verdicts");
	yajl_gen_map_open(g);
	for (int v = 0; v < TRIAGE_NVERDICTS; v++)
		vigie_json_kv_int(g, vigie_triage_verdict_name((enum triage_verdict)v), (int64_t)r->count[v]);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	vigie_json_key(g, "findings");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < r->n; i++) {
		const struct triage_item *it = &r->items[i];
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "host", it->host);
		vigie_json_kv_str(g, "cve", it->cve);
		vigie_json_kv_str(g, "source", it->source);
		vigie_json_kv_str(g, "source_version", it->source_version);
		vigie_json_kv_str(g, "verdict", vigie_triage_verdict_name(it->verdict));
		vigie_json_kv_str(g, "evidence", it->evidence);
		vigie_json_kv_str(g, "fixed_version", it->fixed_version);
		vigie_json_kv_str(g, "advisory", it->advisory);
		vigie_json_kv_str(g, "advisory_date", it->advisory_date);
		vigie_json_kv_str(g, "class", class_of(it));
		vigie_json_kv_str(g, "class_rule", it->class_rule);
		vigie_json_key(g, "decision");
		vigie_render_decision_json(g, it->decision, it->decision_state, it->decision_was,
					   it->decision_now);
		vigie_json_key(g, "packages");
		yajl_gen_array_open(g);
		for (size_t k = 0; k < it->npkgs; k++) {
			yajl_gen_map_open(g);
			vigie_json_kv_str(g, "name", it->pkgs[k].name);
			vigie_json_kv_str(g, "version", it->pkgs[k].version);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		vigie_json_key(g, "scanner");
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "title", it->rf->title);
		vigie_json_kv_str(g, "plugin_id", it->rf->plugin_id);
		vigie_json_kv_str(g, "package", it->rf->package);
		vigie_json_kv_str(g, "installed_version", it->rf->installed_version);
		vigie_json_kv_str(g, "product", it->rf->product);
		vigie_json_kv_str(g, "product_version", it->rf->product_version);
		vigie_json_kv_str(g, "port", it->rf->port);
		vigie_json_kv_str(g, "severity", it->rf->severity);
		vigie_json_kv_int(g, "line", (int64_t)it->rf->line);
		yajl_gen_map_close(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	yajl_gen_free(g);
	return out->len > before ? 0 : VIGIE_ENOMEM;
}

int vigie_triage_render_text(struct vigie_buf *out, const struct triage_result *r, int color)
{
	size_t fp = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct triage_item *it = &r->items[i];
		const char *col = "", *off = color ? "\033[0m" : "";
		if (color)
			col = vigie_triage_is_false_positive(it->verdict) ? "\033[32m"
			      : it->verdict == TRIAGE_UNKNOWN      ? "\033[2m" : "\033[1;31m";
		/* host, CVE and evidence quote the report: escaped
		 * (vigie_buf_add_safe), the colours are ours */
		const char *h = it->host ? it->host : "?", *ev = it->evidence ? it->evidence : "";
		vigie_buf_add_safe(out, h, strlen(h));
		vigie_buf_addc(out, ' ');
		vigie_buf_add_safe(out, it->cve, strlen(it->cve));
		vigie_buf_addf(out, " %s%s%s\n  ", col, vigie_triage_verdict_name(it->verdict), off);
		vigie_buf_add_safe(out, ev, strlen(ev));
		vigie_buf_addc(out, '\n');
		if (it->decision)
			vigie_render_decision_text(out, it->decision, it->decision_state,
						   it->decision_was, it->decision_now);
		if (vigie_triage_is_false_positive(it->verdict))
			fp++;
	}
	{
		char safe[1024];
		vigie_text_safe(safe, sizeof(safe), r->report);
	vigie_buf_addf(out, "\n%zu finding%s from %s (%s): %zu false positive%s"
		       " (%zu fixed by backport, %zu not affected, %zu not the running kernel),"
		       " %zu confirmed (%zu with a fix available, %zu without fix), %zu unknown\n",
		       r->n, r->n == 1 ? "" : "s", safe, r->format, fp, fp == 1 ? "" : "s",
		       r->count[TRIAGE_FP_BACKPORT], r->count[TRIAGE_FP_NOT_AFFECTED],
		       r->count[TRIAGE_FP_KERNEL],
		       r->count[TRIAGE_CONFIRMED_FIX] + r->count[TRIAGE_CONFIRMED_NOFIX],
		       r->count[TRIAGE_CONFIRMED_FIX], r->count[TRIAGE_CONFIRMED_NOFIX],
		       r->count[TRIAGE_UNKNOWN]);
	if (r->report_inventory) {
		vigie_buf_adds(out, "judged on the inventory the report gives: ");
		vigie_buf_add_safe(out, r->report_inventory, strlen(r->report_inventory));
		vigie_buf_addc(out, '\n');
	}
	}
	return out->data ? 0 : VIGIE_ENOMEM;
}

int vigie_triage_render_csv(struct vigie_buf *out, const struct triage_result *r)
{
	if (vigie_buf_adds(out, "host,cve,source,source_version,verdict,fixed_version,advisory,"
				"class,scanner_line,evidence\r\n"))
		return VIGIE_ENOMEM;
	for (size_t i = 0; i < r->n; i++) {
		const struct triage_item *it = &r->items[i];
		char line[32];
		const char *cols[10];
		snprintf(line, sizeof(line), "%lu", it->rf->line);
		cols[0] = it->host; cols[1] = it->cve; cols[2] = it->source;
		cols[3] = it->source_version; cols[4] = vigie_triage_verdict_name(it->verdict);
		cols[5] = it->fixed_version; cols[6] = it->advisory; cols[7] = class_of(it);
		cols[8] = line; cols[9] = it->evidence;
		for (int c = 0; c < 10; c++)
			if ((c && vigie_buf_addc(out, ',')) || vigie_csv_add_field(out, cols[c]))
				return VIGIE_ENOMEM;
		if (vigie_buf_adds(out, "\r\n"))
			return VIGIE_ENOMEM;
	}
	return 0;
}

static void html_esc(struct vigie_buf *o, const char *s)
{
	vigie_html_escape(o, s);
}

int vigie_triage_render_html(struct vigie_buf *out, const struct triage_result *r)
{
	char ts[32];
	size_t fp = 0;
	for (int v = 0; v < TRIAGE_NVERDICTS; v++)
		if (vigie_triage_is_false_positive((enum triage_verdict)v))
			fp += r->count[v];
	vigie_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			    "<title>vigie triage</title><style>"
			    "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}"
			    "table{border-collapse:collapse;width:100%}"
			    "td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}"
			    ".fp{color:#1a7f37}.confirmed{color:#b42318;font-weight:600}.unknown{color:#666}"
			    "</style></head><body>\n<h1>Triage of ");
	html_esc(out, r->report);
	vigie_buf_adds(out, "</h1>\n<p>Format ");
	html_esc(out, r->format);
	vigie_buf_addf(out, ", triaged %s with Debian's security data: <b>%zu findings</b>, "
		       "<span class=\"fp\">%zu false positives</span>, "
		       "<span class=\"confirmed\">%zu confirmed</span>, %zu unknown.</p>\n"
		       "<table><tr><th>Host</th><th>CVE</th><th>Debian source</th><th>Verdict</th>"
		       "<th>Evidence</th></tr>\n",
		       vigie_time_format(r->at, ts, sizeof(ts)), r->n, fp,
		       r->count[TRIAGE_CONFIRMED_FIX] + r->count[TRIAGE_CONFIRMED_NOFIX],
		       r->count[TRIAGE_UNKNOWN]);
	for (size_t i = 0; i < r->n; i++) {
		const struct triage_item *it = &r->items[i];
		const char *cls = vigie_triage_is_false_positive(it->verdict) ? "fp"
				  : it->verdict == TRIAGE_UNKNOWN       ? "unknown" : "confirmed";
		vigie_buf_adds(out, "<tr><td>");
		html_esc(out, it->host);
		vigie_buf_adds(out, "</td><td>");
		html_esc(out, it->cve);
		vigie_buf_adds(out, "</td><td>");
		html_esc(out, it->source);
		vigie_buf_adds(out, " ");
		html_esc(out, it->source_version);
		vigie_buf_addf(out, "</td><td class=\"%s\">", cls);
		html_esc(out, vigie_triage_verdict_name(it->verdict));
		vigie_buf_adds(out, "</td><td>");
		html_esc(out, it->evidence);
		vigie_buf_adds(out, "</td></tr>\n");
	}
	return vigie_buf_adds(out, "</table>\n</body></html>\n") ? VIGIE_ENOMEM : 0;
}

static const char *aprintf(struct vigie_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const char *aprintf(struct vigie_arena *a, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return vigie_arena_strdup(a, buf);
}

int vigie_triage_render_openvex(struct vigie_buf *out, const struct triage_result *r,
				const char *author, struct vigie_error *err)
{
	struct vulndoc d;
	struct vigie_arena a;
	struct openvex_statement *st = NULL;
	struct openvex_product *prods = NULL;
	struct openvex_doc doc;
	size_t n = 0, np = 0, total = 0;
	int rc;

	vigie_vulndoc_init(&d, "triage", NULL, r->at);
	vigie_arena_init(&a);
	if (vigie_vulndoc_add_triage(&d, r)) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < d.nitems; i++)
		total += d.items[i].npkgs;
	st = calloc(d.nitems ? d.nitems : 1, sizeof(*st));
	prods = calloc(total ? total : 1, sizeof(*prods));
	if (!st || !prods) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < d.nitems; i++) {
		const struct vulndoc_item *it = &d.items[i];
		const struct vigie_decision *x = it->decision && !it->decision_state ? it->decision : NULL;
		struct openvex_statement *s = &st[n];
		const char *notes = it->evidence;
		size_t first = np;
		/* only installed packages, with their version and arch: a
		 * statement without any would claim every version of a
		 * package everywhere. No distro qualifier: Trivy and go-vex
		 * (Grype) match when every qualifier of the statement's purl
		 * equals the scanned package's, and they spell it differently
		 * (Trivy "debian-11.8" from debian_version, Syft "debian-11"
		 * from os-release): any value would miss one of them. */
		for (size_t k = 0; k < it->npkgs; k++) {
			/* (a report's own inventory may not give the arch) */
			if (!it->pkgs[k].version || !*it->pkgs[k].version ||
			    !it->pkgs[k].arch || !*it->pkgs[k].arch)
				continue;
			prods[np].name = it->pkgs[k].name;
			prods[np].version = it->pkgs[k].version;
			prods[np].arch = it->pkgs[k].arch;
			np++;
		}
		if (np == first)
			continue;
		s->vulnerability = it->cve;
		s->products = &prods[first];
		s->nproducts = np - first;
		s->status = it->vex;
		if (it->decision) {
			char at[16], ex[16] = "";
			vigie_date_format(it->decision->at, at, sizeof(at));
			if (it->decision->expires)
				vigie_date_format(it->decision->expires - 86400, ex, sizeof(ex));
			int st_ = it->decision_state;
			notes = aprintf(&a, "%s%s%s%s%s%s%s%s%s %s (decision %lld by %s on %s%s%s): %s",
					it->evidence ? it->evidence : "", it->evidence ? "; " : "",
					st_ == VIGIE_DECISION_REOPENED ? "decision re-opened: " : "",
					st_ == VIGIE_DECISION_REOPENED
					? vigie_decision_what_changed(it->decision_was,
								      it->decision_now) : "",
					st_ == VIGIE_DECISION_REOPENED ? " changed (was " : "",
					st_ == VIGIE_DECISION_REOPENED ? it->decision_was : "",
					st_ == VIGIE_DECISION_REOPENED ? ", now " : "",
					st_ == VIGIE_DECISION_REOPENED ? it->decision_now : "",
					st_ == VIGIE_DECISION_EXPIRED ? "expired, no longer applies:"
					: st_ ? "), no longer applies:" : "decided",
					it->decision->status, (long long)it->decision->id,
					it->decision->by, at,
					!ex[0] ? "" : st_ == VIGIE_DECISION_EXPIRED ? ", expired after "
										 : ", until ",
					ex, it->decision->reason);
		}
		s->status_notes = notes;
		switch (s->status) {
		case OPENVEX_NOT_AFFECTED:
			s->justification = it->justification;
			s->impact_statement = x ? x->reason : it->evidence;
			break;
		case OPENVEX_AFFECTED:
			s->action_statement = x ? x->reason
				: it->fixed_version
				? aprintf(&a, "Upgrade %s to %s or later.",
						     it->source ? it->source : "the package",
						     it->fixed_version)
				: "No fixed Debian version yet: mitigate and follow Debian's advisories.";
			break;
		default:
			break;
		}
		n++;
	}
	memset(&doc, 0, sizeof(doc));
	doc.author = author && *author ? author : "vigie";
	doc.tooling = "vigie";
	doc.timestamp = r->at;
	rc = vigie_openvex_write(out, &doc, st, n, err);
out:
	free(st);
	free(prods);
	vigie_arena_release(&a);
	vigie_vulndoc_release(&d);
	return rc;
}
