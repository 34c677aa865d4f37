/* GET /clients/NAME/reports/YYYY-MM.{pdf,html,json}: the monthly report,
 * under the dashboard's rules: the principal's scope goes into the store
 * query, so a client user asking for another client's report gets 404,
 * exactly as for a client that does not exist. */
#include "server.h"
#include "vigie/engine/sla.h"
#include "vigie/report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int h_report(struct req *r, struct vigie_buf *out)
{
	struct vigie_store *s = srv_store(r);
	struct vigie_report_opts o;
	struct sla_policy sla;
	struct vigie_buf json = VIGIE_BUF_INIT;
	struct vigie_error err;
	const char *name = r->params[1], *dot = strrchr(name, '.'), *path, *lang;
	char month[8], disp[600];
	int rc, required, status;

	if (!s)
		return srv_error(r, out, 503, "the database is not available");
	vigie_error_init(&err);
	if (!dot || dot - name != 7 || (strcmp(dot, ".pdf") && strcmp(dot, ".html") &&
					 strcmp(dot, ".json")))
		return srv_error(r, out, 404, "no such report (YYYY-MM.pdf, .html or .json)");
	memcpy(month, name, 7);
	month[7] = 0;
	memset(&o, 0, sizeof(o));
	if (vigie_report_month_parse(month, &o.year, &o.month, &err) || !o.month)
		return srv_error(r, out, 404, "no such report (YYYY-MM.pdf, .html or .json)");
	if (vigie_sla_policy_init(&sla, &err))
		return srv_error(r, out, 500, err.msg);
	path = vigie_sla_policy_path(NULL, &required);
	if (path && vigie_sla_policy_load(&sla, path, &err)) {
		status = srv_error(r, out, 500, err.msg);
		goto out;
	}
	lang = srv_arg(r, "lang");
	o.client = r->params[0];
	o.lang = lang && (!strcmp(lang, "fr") || !strcmp(lang, "en")) ? lang : NULL;
	o.policy = r->srv->policy;
	o.sla = &sla;
	o.cache = r->srv->cache;
	rc = vigie_report_model(&json, s, vigie_principal_scope(&r->who), &o, &err);
	if (rc) {
		status = srv_error(r, out, rc == VIGIE_ENOTFOUND ? 404 : 500,
				   rc == VIGIE_ENOTFOUND ? "no such client" : err.msg);
		goto out;
	}
	if (!strcmp(dot, ".json")) {
		rc = vigie_buf_add(out, json.data, json.len);
		r->content_type = "application/json";
	} else if (!strcmp(dot, ".html")) {
		rc = vigie_report_html(out, json.data, json.len, &err);
		r->content_type = "text/html; charset=utf-8";
	} else {
		rc = vigie_report_pdf(out, json.data, json.len, &err);
		r->content_type = "application/pdf";
		/* the client name is the store's (checked characters); quotes refused */
		if (!strpbrk(o.client, "\"\\\r\n")) {
			snprintf(disp, sizeof(disp), "inline; filename=\"%s-%s.pdf\"", o.client, month);
			r->content_disposition = strdup(disp);
		}
	}
	if (rc) {
		vigie_buf_reset(out);
		status = srv_error(r, out, 500, err.msg[0] ? err.msg : "out of memory");
		goto out;
	}
	status = 200;
out:
	vigie_buf_release(&json);
	vigie_sla_policy_release(&sla);
	return status;
}
