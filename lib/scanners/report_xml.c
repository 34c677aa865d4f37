/* Greenbone/OpenVAS (GMP get_reports) and Nessus v2 XML readers.
 *
 * Documents go through the shared XML guard (vigie_xml_parse): scanner
 * reports never need a DTD, so a document type declaration is refused
 * before parsing and no entity is ever declared, expanded or fetched;
 * attributes per element, nesting and parse time are bounded. */
#include "scanners/report_internal.h"
#include "vigie/core/xml.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

static int parse(struct report_ctx *c, const char *data, size_t len, xmlDocPtr *out)
{
	struct vigie_xml_limits lim = { 0 };
	lim.max_depth = c->max_depth;
	return vigie_xml_parse(out, data, len, c->name, &lim, c->err);
}

static int is(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr k = n ? n->children : NULL; k; k = k->next)
		if (is(k, name))
			return k;
	return NULL;
}

/* Text content of n (all descendants) copied into the arena. */
static const char *text(struct report_ctx *c, xmlNodePtr n)
{
	xmlChar *s;
	const char *r;
	if (!n)
		return NULL;
	s = xmlNodeGetContent(n);
	r = s ? vigie_report_str(c, (const char *)s) : NULL;
	xmlFree(s);
	return r;
}

/* 1 when the text of n, without surrounding space, is want. */
static int text_is(xmlNodePtr n, const char *want)
{
	xmlChar *s = n ? xmlNodeGetContent(n) : NULL;
	const char *p = (const char *)s;
	size_t len;
	int eq = 0;
	if (p) {
		while (isspace((unsigned char)*p))
			p++;
		len = strlen(p);
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		eq = len == strlen(want) && !memcmp(p, want, len);
	}
	xmlFree(s);
	return eq;
}

/* Direct text children only (Greenbone's <host>IP<asset/>...</host>). */
static const char *own_text(struct report_ctx *c, xmlNodePtr n, struct vigie_buf *tmp)
{
	vigie_buf_reset(tmp);
	for (xmlNodePtr k = n ? n->children : NULL; k; k = k->next)
		if ((k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) &&
		    k->content && vigie_buf_adds(tmp, (const char *)k->content))
			return NULL;
	return tmp->len ? vigie_report_strn(c, tmp->data, tmp->len) : NULL;
}

static const char *attr(struct report_ctx *c, xmlNodePtr n, const char *name)
{
	xmlChar *s = n ? xmlGetProp(n, (const xmlChar *)name) : NULL;
	const char *r = s ? vigie_report_str(c, (const char *)s) : NULL;
	xmlFree(s);
	return r;
}

static int oom(struct report_ctx *c, xmlNodePtr n)
{
	return vigie_error_set(c->err, VIGIE_ENOMEM, c->name,
			       n ? (unsigned long)xmlGetLineNo(n) : 0, "out of memory");
}

/* ------------------------------------------------------------ Greenbone */

/* Host names from the report's per-host details (<host><ip>..</ip><detail>
 * <name>hostname</name><value>..</value></detail>), used when a result
 * names only the address: collected once, sorted by address. */
struct hostname_entry {
	const char *ip, *name; /* ip first: cmp_ip compares it */
};

struct hostname_map {
	struct hostname_entry *v;
	size_t n;
};

static int cmp_ip(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int hostnames_collect(struct report_ctx *c, xmlNodePtr report, struct hostname_map *m)
{
	size_t cap = 0;
	m->v = NULL;
	m->n = 0;
	for (xmlNodePtr h = report->children; h; h = h->next) {
		const char *ip, *name = NULL;
		if (!is(h, "host"))
			continue;
		for (xmlNodePtr d = h->children; d && !name; d = d->next)
			if (is(d, "detail") && (text_is(child(d, "name"), "hostname") ||
						text_is(child(d, "name"), "best_hostname")))
				name = text(c, child(d, "value"));
		ip = name ? text(c, child(h, "ip")) : NULL;
		if (!ip)
			continue;
		if (m->n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			void *nv = realloc(m->v, ncap * sizeof(*m->v));
			if (!nv)
				return oom(c, h);
			m->v = nv;
			cap = ncap;
		}
		m->v[m->n].ip = ip;
		m->v[m->n].name = name;
		m->n++;
	}
	if (m->n)
		qsort(m->v, m->n, sizeof(*m->v), cmp_ip);
	return 0;
}

static const char *hostname_find(const struct hostname_map *m, const char *ip)
{
	const char *key = ip;
	const struct hostname_entry *e;
	if (!ip || !m->n)
		return NULL;
	e = bsearch(&key, m->v, m->n, sizeof(*m->v), cmp_ip);
	return e ? e->name : NULL;
}

static int greenbone_result(struct report_ctx *c, const struct hostname_map *hosts,
			    xmlNodePtr r, struct vigie_buf *tmp)
{
	struct report_finding f;
	struct vigie_strv cves;
	struct report_pkgtext pk[REPORT_MAX_PKGTEXT];
	size_t npk = 0;
	xmlNodePtr host = child(r, "host"), nvt = child(r, "nvt"), k;
	const char *family, *desc;
	int rc = 0;

	memset(&f, 0, sizeof(f));
	vigie_strv_init(&cves);
	c->too_long = 0;
	f.line = (unsigned long)xmlGetLineNo(r);
	{
		const char *ip = own_text(c, host, tmp), *hn = text(c, child(host, "hostname"));
		if (!hn)
			hn = hostname_find(hosts, ip);
		vigie_report_set_host(c, &f, ip, hn);
	}
	if (!f.host) {
		vigie_report_skip(c, f.line, "result without a host: skipped");
		goto out;
	}
	f.port = text(c, child(r, "port"));
	f.title = text(c, child(r, "name"));
	if (!f.title)
		f.title = text(c, child(nvt, "name"));
	f.plugin_id = attr(c, nvt, "oid");
	f.severity = text(c, child(r, "severity"));
	if (!f.severity)
		f.severity = text(c, child(r, "threat"));
	for (k = child(child(nvt, "refs"), "ref") ? child(nvt, "refs")->children : NULL; k;
	     k = k->next) {
		xmlChar *type, *id;
		if (!is(k, "ref"))
			continue;
		type = xmlGetProp(k, (const xmlChar *)"type");
		id = xmlGetProp(k, (const xmlChar *)"id");
		if (type && id && !strcasecmp((const char *)type, "cve") &&
		    vigie_extract_cves(&cves, (const char *)id))
			rc = oom(c, k);
		xmlFree(type);
		xmlFree(id);
		if (rc)
			goto out;
	}
	/* GMP 7 and older: <nvt><cve>CVE-1, CVE-2</cve> ("NOCVE" when none) */
	for (k = nvt ? nvt->children : NULL; k; k = k->next) {
		if (is(k, "cve")) {
			xmlChar *s = xmlNodeGetContent(k);
			if (s && vigie_extract_cves(&cves, (const char *)s))
				rc = oom(c, k);
			xmlFree(s);
			if (rc)
				goto out;
		}
	}
	desc = text(c, child(r, "description"));
	if (vigie_report_parse_pkgtext(pk, REPORT_MAX_PKGTEXT, &npk, desc, &c->rep->arena)) {
		rc = oom(c, r);
		goto out;
	}
	/* <detection><result><details><detail><name>product</name><value>cpe:... */
	for (k = child(child(child(r, "detection"), "result"), "details")
		     ? child(child(child(r, "detection"), "result"), "details")->children
		     : NULL;
	     k; k = k->next) {
		const char *dn, *dv;
		if (!is(k, "detail"))
			continue;
		dn = text(c, child(k, "name"));
		dv = text(c, child(k, "value"));
		if (dn && dv && !strcmp(dn, "product") && !strncmp(dv, "cpe:", 4))
			f.cpe = dv;
	}
	family = text(c, child(nvt, "family"));
	if (npk && pk[0].package)
		f.package_kind = family && strstr(family, "Debian Local Security Checks")
					 ? REPORT_PKG_BINARY
					 : REPORT_PKG_UNKNOWN;
	rc = vigie_report_emit(c, &f, &cves, pk, npk);
out:
	vigie_strv_release(&cves);
	return rc;
}

int vigie_report_read_greenbone_xml(struct report_ctx *c, const char *data, size_t len)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr n, results;
	struct vigie_buf tmp = VIGIE_BUF_INIT;
	struct hostname_map hosts = { NULL, 0 };
	int rc = parse(c, data, len, &doc);
	if (rc)
		return rc;
	n = xmlDocGetRootElement(doc);
	if (is(n, "get_reports_response"))
		n = child(n, "report");
	if (!is(n, "report")) {
		rc = vigie_error_set(c->err, VIGIE_EPARSE, c->name,
				     n ? (unsigned long)xmlGetLineNo(n) : 1,
				     "not a Greenbone report: no <report> element");
		goto out;
	}
	/* outer wrapper (format_id, owner, ...) holds the inner report */
	if (child(n, "report"))
		n = child(n, "report");
	results = child(n, "results");
	if (!results) {
		rc = vigie_error_set(c->err, VIGIE_EPARSE, c->name,
				     (unsigned long)xmlGetLineNo(n),
				     "Greenbone report without <results>");
		goto out;
	}
	if ((rc = hostnames_collect(c, n, &hosts)))
		goto out;
	for (xmlNodePtr r = results->children; r; r = r->next)
		if (is(r, "result") && (rc = greenbone_result(c, &hosts, r, &tmp)))
			goto out;
out:
	free(hosts.v);
	vigie_buf_release(&tmp);
	xmlFreeDoc(doc);
	return rc;
}

/* --------------------------------------------------------------- Nessus */

static int nessus_item(struct report_ctx *c, xmlNodePtr it, const struct report_finding *host)
{
	struct report_finding f = *host;
	struct vigie_strv cves;
	struct report_pkgtext pk[REPORT_MAX_PKGTEXT];
	size_t npk = 0;
	const char *port, *proto, *family, *risk, *out_text;
	int rc = 0;

	vigie_strv_init(&cves);
	c->too_long = 0;
	f.line = (unsigned long)xmlGetLineNo(it);
	port = attr(c, it, "port");
	proto = attr(c, it, "protocol");
	if (port) {
		char *p = vigie_arena_alloc(&c->rep->arena, strlen(port) + (proto ? strlen(proto) : 0) + 2);
		if (!p)
			return oom(c, it);
		sprintf(p, proto ? "%s/%s" : "%s", port, proto);
		f.port = p;
	}
	f.plugin_id = attr(c, it, "pluginID");
	f.title = attr(c, it, "pluginName");
	risk = text(c, child(it, "risk_factor"));
	f.severity = risk ? risk : attr(c, it, "severity");
	for (xmlNodePtr k = it->children; k; k = k->next) {
		if (is(k, "cve")) {
			xmlChar *s = xmlNodeGetContent(k);
			if (s && vigie_extract_cves(&cves, (const char *)s))
				rc = oom(c, k);
			xmlFree(s);
			if (rc)
				goto out;
		} else if (is(k, "cpe") && !f.cpe) {
			/* one CPE per line; "p-cpe:" lines name Debian packages */
			xmlChar *s = xmlNodeGetContent(k);
			const char *p = (const char *)s;
			while (p && *p && !f.cpe) {
				size_t l;
				while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
					p++;
				l = strcspn(p, " \t\r\n");
				if (!strncmp(p, "cpe:/a:", 7) || !strncmp(p, "cpe:2.3:a:", 10))
					f.cpe = vigie_report_strn(c, p, l);
				p += l;
			}
			xmlFree(s);
		}
	}
	out_text = text(c, child(it, "plugin_output"));
	if (vigie_report_parse_pkgtext(pk, REPORT_MAX_PKGTEXT, &npk, out_text, &c->rep->arena)) {
		rc = oom(c, it);
		goto out;
	}
	family = attr(c, it, "pluginFamily");
	if (npk && pk[0].package)
		f.package_kind = family && strstr(family, "Debian") ? REPORT_PKG_BINARY
								     : REPORT_PKG_UNKNOWN;
	rc = vigie_report_emit(c, &f, &cves, pk, npk);
out:
	vigie_strv_release(&cves);
	return rc;
}

int vigie_report_read_nessus_xml(struct report_ctx *c, const char *data, size_t len)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	int rc = parse(c, data, len, &doc);
	if (rc)
		return rc;
	root = xmlDocGetRootElement(doc);
	if (!is(root, "NessusClientData_v2")) {
		rc = vigie_error_set(c->err, VIGIE_EPARSE, c->name,
				     (unsigned long)xmlGetLineNo(root),
				     "not a .nessus v2 file: root element is <%s>", root->name);
		goto out;
	}
	for (xmlNodePtr rp = root->children; rp; rp = rp->next) {
		if (!is(rp, "Report"))
			continue;
		for (xmlNodePtr h = rp->children; h; h = h->next) {
			struct report_finding hf;
			const char *name, *ip = NULL, *fqdn = NULL, *hn = NULL;
			if (!is(h, "ReportHost"))
				continue;
			memset(&hf, 0, sizeof(hf));
			c->too_long = 0;
			name = attr(c, h, "name");
			for (xmlNodePtr t = child(h, "HostProperties") ? child(h, "HostProperties")->children : NULL;
			     t; t = t->next) {
				xmlChar *tn;
				if (!is(t, "tag"))
					continue;
				tn = xmlGetProp(t, (const xmlChar *)"name");
				if (tn && !strcmp((const char *)tn, "host-ip"))
					ip = text(c, t);
				else if (tn && !strcmp((const char *)tn, "host-fqdn"))
					fqdn = text(c, t);
				else if (tn && (!strcmp((const char *)tn, "hostname") ||
						!strcmp((const char *)tn, "netbios-name")) && !hn)
					hn = text(c, t);
				xmlFree(tn);
			}
			vigie_report_set_host(c, &hf, ip, name);
			if (!hf.host_name && (fqdn || hn))
				vigie_report_set_host(c, &hf, hf.host_ip ? hf.host_ip : ip,
						hn ? hn : fqdn);
			if (!hf.host) {
				vigie_report_skip(c, (unsigned long)xmlGetLineNo(h),
					    "ReportHost without a name or address: skipped");
				continue;
			}
			for (xmlNodePtr it = h->children; it; it = it->next)
				if (is(it, "ReportItem") && (rc = nessus_item(c, it, &hf)))
					goto out;
		}
	}
out:
	xmlFreeDoc(doc);
	return rc;
}
