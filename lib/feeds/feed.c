/* Security feeds: RSS 2.0, RSS 1.0/RDF and Atom 1.0 through libxml2, and
 * extraction of CVE ids, advisories, packages and services from items. */
#define _GNU_SOURCE
#include "vigie/feeds/feed.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "vigie/core/util.h"
#include "vigie/core/xml.h"

const char *vigie_feed_format_name(enum feed_format f)
{
	switch (f) {
	case FEED_RSS2: return "rss";
	case FEED_RDF: return "rdf";
	case FEED_ATOM: return "atom";
	default: return "unknown";
	}
}

uint64_t vigie_feed_fnv1a64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

const char *vigie_feed_item_key(const struct feed_item *it, char *buf, size_t size)
{
	uint64_t h;
	char date[32] = "";

	if (it->guid && *it->guid)
		return it->guid;
	if (it->link && *it->link)
		return it->link;
	if (it->has_published)
		vigie_time_format(it->published, date, sizeof(date));
	/* hash without allocating: title, NUL separator, date */
	h = 0xcbf29ce484222325ULL;
	{
		const char *parts[2] = { it->title ? it->title : "", date };
		for (int k = 0; k < 2; k++) {
			const unsigned char *p = (const unsigned char *)parts[k];
			size_t n = strlen(parts[k]) + (k == 0); /* include NUL */
			for (size_t i = 0; i < n; i++) {
				h ^= p[i];
				h *= 0x100000001b3ULL;
			}
		}
	}
	snprintf(buf, size, "h:%016llx", (unsigned long long)h);
	return buf;
}

/* ---- HTML to text ---- */
static const struct { const char *name; const char *utf8; } html_entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" },
	{ "apos", "'" }, { "nbsp", " " }, { "ndash", "\xe2\x80\x93" },
	{ "mdash", "\xe2\x80\x94" }, { "hellip", "\xe2\x80\xa6" },
	{ "laquo", "\xc2\xab" }, { "raquo", "\xc2\xbb" }, { "copy", "\xc2\xa9" },
	{ "rsquo", "\xe2\x80\x99" }, { "lsquo", "\xe2\x80\x98" },
	{ "rdquo", "\xe2\x80\x9d" }, { "ldquo", "\xe2\x80\x9c" },
	{ "eacute", "\xc3\xa9" }, { "egrave", "\xc3\xa8" }, { "agrave", "\xc3\xa0" },
	{ "ccedil", "\xc3\xa7" }, { "uuml", "\xc3\xbc" }, { "ouml", "\xc3\xb6" },
	{ "auml", "\xc3\xa4" }, { "szlig", "\xc3\x9f" },
};

static int put_utf8(struct vigie_buf *b, unsigned long cp)
{
	char u[4];
	size_t n;
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return vigie_buf_add(b, u, n);
}

/* Decode one entity at p ('&'); returns bytes consumed, 0 if not one. */
static size_t decode_entity(struct vigie_buf *b, const char *p, int *rc)
{
	const char *q = p + 1;
	size_t n = 0;
	if (*q == '#') {
		unsigned long cp = 0;
		int hex = (q[1] == 'x' || q[1] == 'X');
		const char *d = q + 1 + hex;
		while (n < 8 && (hex ? isxdigit((unsigned char)d[n]) : isdigit((unsigned char)d[n]))) {
			int v = isdigit((unsigned char)d[n]) ? d[n] - '0'
							 : (tolower((unsigned char)d[n]) - 'a' + 10);
			cp = cp * (hex ? 16 : 10) + (unsigned long)v;
			n++;
		}
		if (n == 0 || d[n] != ';')
			return 0;
		/* no control character from a reference: titles reach
		 * terminals and one-line outputs */
		if (cp == '\t' || cp == '\n' || cp == '\r')
			cp = ' ';
		else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			cp = 0xFFFD;
		*rc = put_utf8(b, cp);
		return (size_t)(d + n + 1 - p);
	}
	while (n < 10 && isalnum((unsigned char)q[n]))
		n++;
	if (n == 0 || q[n] != ';')
		return 0;
	for (size_t i = 0; i < sizeof(html_entities) / sizeof(html_entities[0]); i++)
		if (strlen(html_entities[i].name) == n &&
		    !strncmp(html_entities[i].name, q, n)) {
			*rc = vigie_buf_adds(b, html_entities[i].utf8);
			return n + 2;
		}
	return 0;
}

char *vigie_feed_html_to_text(const char *html, size_t max)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	const char *p = html;
	int rc = 0, space = 0;

	if (vigie_buf_grow(&b, 0))
		return NULL;
	b.data[0] = '\0';
	while (*p && !rc) {
		if (*p == '<' && (isalpha((unsigned char)p[1]) || p[1] == '/' ||
				  p[1] == '!' || p[1] == '?')) {
			const char *e = strchr(p, '>');
			if (!e)
				break; /* unterminated tag: drop the rest */
			/* block-level boundaries become a space */
			space = 1;
			p = e + 1;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			space = 1;
			p++;
			continue;
		}
		if (!strncmp(p, "&nbsp;", 6) || !strncmp(p, "&#160;", 6) ||
		    !strncmp(p, "\xc2\xa0", 2)) {
			space = 1;
			p += (*p == '&') ? 6 : 2;
			continue;
		}
		if (space && b.len > 0)
			rc = vigie_buf_addc(&b, ' ');
		space = 0;
		if (*p == '&') {
			size_t k = decode_entity(&b, p, &rc);
			if (k) {
				p += k;
				continue;
			}
		}
		rc = rc ? rc : vigie_buf_addc(&b, *p);
		p++;
		if (b.len >= max + 8)
			break;
	}
	if (rc) {
		vigie_buf_release(&b);
		return NULL;
	}
	/* &nbsp; and friends may have added spaces at the end */
	while (b.len > 0 && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	if (b.len > max) {
		size_t n = max;
		while (n > 0 && ((unsigned char)b.data[n] & 0xC0) == 0x80)
			n--;
		b.data[n] = '\0';
		b.len = n;
	}
	return vigie_buf_detach(&b);
}

/* ---- extraction ---- */
static int word_start(const char *text, const char *p)
{
	return p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '-' || p[-1] == '_');
}

static size_t digits(const char *p, size_t max)
{
	size_t n = 0;
	while (n < max && isdigit((unsigned char)p[n]))
		n++;
	return n;
}

int vigie_feed_extract_advisories(struct vigie_strv *out, const char *text)
{
	const char *p = text;
	while (*p) {
		size_t pre = 0, n1, n2 = 0, len;
		int dtsa = 0;
		if (!strncmp(p, "DSA-", 4) || !strncmp(p, "DLA-", 4))
			pre = 4;
		else if (!strncmp(p, "DTSA-", 5)) {
			pre = 5;
			dtsa = 1;
		}
		if (!pre || !word_start(text, p)) {
			p++;
			continue;
		}
		n1 = digits(p + pre, 9);
		if (n1 == 0) {
			p += pre;
			continue;
		}
		len = pre + n1;
		if (p[len] == '-' && (n2 = digits(p + len + 1, 4)) > 0)
			len += 1 + n2;
		if ((dtsa && n2 == 0) || isalnum((unsigned char)p[len])) {
			p += len;
			continue;
		}
		if (out->n < FEED_MAX_NAMES) {
			char id[32];
			snprintf(id, sizeof(id), "%.*s", (int)len, p);
			if (vigie_strv_push_unique(out, id))
				return VIGIE_ENOMEM;
		}
		p += len;
	}
	return 0;
}

/* Debian package name at p: [a-z0-9][a-z0-9+.-]+ ; returns its length. */
static size_t pkg_len(const char *p)
{
	size_t n = 0;
	if (!(islower((unsigned char)p[0]) || isdigit((unsigned char)p[0])))
		return 0;
	while (n < 100 && (islower((unsigned char)p[n]) || isdigit((unsigned char)p[n]) ||
			   p[n] == '+' || p[n] == '-' || p[n] == '.'))
		n++;
	while (n > 0 && (p[n - 1] == '.' || p[n - 1] == '-')) /* trailing punct */
		n--;
	if (n < 2 || (p[n] && !isspace((unsigned char)p[n]) && p[n] != ',' &&
		      p[n] != ':' && p[n] != ';' && p[n] != ')' && p[n] != '.' && p[n] != '-'))
		return 0;
	return n;
}

static int push_pkg(struct vigie_strv *out, const char *p, size_t n)
{
	char name[128];
	if (out->n >= FEED_MAX_NAMES)
		return 0;
	snprintf(name, sizeof(name), "%.*s", (int)n, p);
	return vigie_strv_push_unique(out, name) ? VIGIE_ENOMEM : 0;
}

int vigie_feed_extract_packages(struct vigie_strv *out, const char *title,
			  const char *summary)
{
	const char *p = title ? title : "";
	size_t n;

	/* title: "[DSA 5376-1] pkg ...", "DSA-5376-1 pkg - ...", "DLA-1-1: pkg" */
	while (*p == ' ' || *p == '[')
		p++;
	if (!strncmp(p, "DSA", 3) || !strncmp(p, "DLA", 3) || !strncmp(p, "DTSA", 4)) {
		p += (p[1] == 'T') ? 4 : 3;
		if ((*p == '-' || *p == ' ') && (n = digits(p + 1, 9)) > 0) {
			p += 1 + n;
			if (*p == '-' && (n = digits(p + 1, 4)) > 0)
				p += 1 + n;
			while (*p == ']' || *p == ':')
				p++;
			if (isspace((unsigned char)*p)) {
				while (isspace((unsigned char)*p))
					p++;
				if ((n = pkg_len(p)) && push_pkg(out, p, n))
					return VIGIE_ENOMEM;
			}
		}
	}
	/* long advisories: "Package : apache2" (spaces vary, HTML stripped) */
	for (p = summary ? summary : ""; (p = strstr(p, "Package")) != NULL;) {
		const char *q = p + 7;
		if (!word_start(summary, p)) {
			p = q;
			continue;
		}
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != ':') {
			p = q;
			continue;
		}
		q++;
		while (*q == ' ' || *q == '\t')
			q++;
		if ((n = pkg_len(q)) && push_pkg(out, q, n))
			return VIGIE_ENOMEM;
		p = q;
	}
	return 0;
}

/* 1 when all letters of w are capitals ("PHP", "BIND"): such names are
 * matched case-sensitively, lower-case "bind" being an English word. */
static int all_caps(const char *w)
{
	int letters = 0;
	for (; *w; w++) {
		if (islower((unsigned char)*w))
			return 0;
		letters += isupper((unsigned char)*w) != 0;
	}
	return letters > 1;
}

static int has_word(const char *text, const char *w)
{
	size_t n = strlen(w);
	const char *p = text;
	int exact = all_caps(w);
	if (n == 0)
		return 0;
	while ((p = exact ? strstr(p, w) : strcasestr(p, w)) != NULL) {
		unsigned char after = (unsigned char)p[n];
		if (word_start(text, p) && !isalnum(after) && after != '_' &&
		    !(after == '-' && isalnum((unsigned char)p[n + 1])))
			return 1;
		p++;
	}
	return 0;
}

int vigie_feed_extract_services(struct vigie_strv *out,
			  const struct services_table *svc, const char *text)
{
	if (!svc || !text)
		return 0;
	for (size_t i = 0; i < svc->nrules && out->n < FEED_MAX_NAMES; i++) {
		const struct service_rule *r = &svc->rules[i];
		int hit = has_word(text, r->service);
		for (size_t k = 0; !hit && k < r->naliases; k++)
			hit = has_word(text, r->aliases[k]);
		if (hit && vigie_strv_push_unique(out, r->service))
			return VIGIE_ENOMEM;
	}
	return 0;
}

/* ---- XML ---- */
static int is_name(const xmlNode *n, const char *local)
{
	return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, local);
}

static int ns_has(const xmlNode *n, const char *frag)
{
	return n->ns && n->ns->href && strstr((const char *)n->ns->href, frag);
}

static const xmlNode *child(const xmlNode *n, const char *local)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (is_name(c, local))
			return c;
	return NULL;
}

/* Node text, bounded and converted to plain text; NULL when absent. */
static char *node_text(struct feed *f, const xmlNode *n, size_t max, int html)
{
	xmlChar *c;
	char *t, *r;
	if (!n)
		return NULL;
	c = xmlNodeGetContent(n);
	if (!c)
		return NULL;
	if (html) {
		t = vigie_feed_html_to_text((const char *)c, max);
	} else {
		/* plain field: trim, cut */
		size_t len;
		char *s = vigie_strip((char *)c);
		len = strlen(s);
		if (len > max) {
			len = max;
			while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
				len--;
		}
		t = strndup(s, len);
	}
	xmlFree(c);
	if (!t)
		return NULL;
	r = *t ? vigie_arena_strdup(&f->arena, t) : NULL;
	free(t);
	return r;
}

static int parse_date(const char *s, int64_t *out)
{
	if (!s)
		return -1;
	if (vigie_time_parse_rfc822(out, s) == 0)
		return 0;
	if (vigie_time_parse(out, s, 0) == 0)
		return 0;
	return -1;
}

static int add_item(struct feed *f, const xmlNode *n, const char *name,
		    const struct services_table *svc, struct vigie_error *err)
{
	struct feed_item *it;
	const xmlNode *dn = NULL, *sn = NULL;
	char *date = NULL;
	struct vigie_buf all = VIGIE_BUF_INIT;
	int rc = 0;
	unsigned long line = (unsigned long)xmlGetLineNo(n);

	if (f->n == FEED_MAX_ITEMS) {
		vigie_warn(err, name, line, "more than %d items; the rest is ignored",
			   FEED_MAX_ITEMS);
		return 1;
	}
	it = &f->items[f->n];
	memset(it, 0, sizeof(*it));
	it->line = line;
	vigie_strv_init(&it->cves);
	vigie_strv_init(&it->advisories);
	vigie_strv_init(&it->packages);
	vigie_strv_init(&it->services);
	it->title = node_text(f, child(n, "title"), FEED_MAX_FIELD, 1);
	if (f->format == FEED_ATOM) {
		const xmlNode *best = NULL;
		for (const xmlNode *c = n->children; c; c = c->next) {
			xmlChar *rel;
			if (!is_name(c, "link"))
				continue;
			rel = xmlGetProp(c, (const xmlChar *)"rel");
			if (!rel || !strcmp((const char *)rel, "alternate"))
				best = best ? best : c;
			xmlFree(rel);
		}
		if (best) {
			xmlChar *h = xmlGetProp(best, (const xmlChar *)"href");
			if (h && *h && strlen((const char *)h) <= FEED_MAX_FIELD)
				it->link = vigie_arena_strdup(&f->arena, vigie_strip((char *)h));
			xmlFree(h);
		}
		it->guid = node_text(f, child(n, "id"), FEED_MAX_FIELD, 0);
		dn = child(n, "published");
		if (!dn)
			dn = child(n, "updated");
		sn = child(n, "summary");
		if (!sn)
			sn = child(n, "content");
	} else {
		/* the first <link> with text: atom:link elements (href only)
		 * often sit beside the RSS one */
		for (const xmlNode *c = n->children; c && !it->link; c = c->next)
			if (is_name(c, "link"))
				it->link = node_text(f, c, FEED_MAX_FIELD, 0);
		it->guid = node_text(f, child(n, "guid"), FEED_MAX_FIELD, 0);
		if (!it->guid && f->format == FEED_RDF) {
			xmlChar *a = xmlGetNsProp(n, (const xmlChar *)"about",
						  (const xmlChar *)"http://www.w3.org/1999/02/22-rdf-syntax-ns#");
			if (a && *a && strlen((const char *)a) <= FEED_MAX_FIELD)
				it->guid = vigie_arena_strdup(&f->arena, (char *)a);
			xmlFree(a);
		}
		dn = child(n, "pubDate");
		for (const xmlNode *c = n->children; !dn && c; c = c->next)
			if (is_name(c, "date") && ns_has(c, "purl.org/dc"))
				dn = c;
		sn = child(n, "description");
		if (!sn)
			sn = child(n, "encoded");
	}
	it->summary = node_text(f, sn, FEED_MAX_SUMMARY, 1);
	if (!it->title && !it->link && !it->guid) {
		vigie_warn(err, name, line, "item without title, link or id: skipped");
		return 1;
	}
	if (dn) {
		date = node_text(f, dn, 128, 0);
		if (parse_date(date, &it->published) == 0)
			it->has_published = 1;
		else
			vigie_warn(err, name, line, "unparsable date '%s': kept, date unknown",
				   date ? date : "");
	}
	if (vigie_buf_adds(&all, it->title ? it->title : "") || vigie_buf_addc(&all, '\n') ||
	    vigie_buf_adds(&all, it->summary ? it->summary : "") || vigie_buf_addc(&all, '\n') ||
	    vigie_buf_adds(&all, it->link ? it->link : "")) {
		rc = VIGIE_ENOMEM;
		goto out;
	}
	if ((rc = vigie_extract_cves(&it->cves, all.data)) ||
	    (rc = vigie_feed_extract_advisories(&it->advisories, all.data)) ||
	    (rc = vigie_feed_extract_packages(&it->packages, it->title, it->summary)) ||
	    (rc = vigie_feed_extract_services(&it->services, svc, all.data)))
		goto out;
	f->n++;
out:
	vigie_buf_release(&all);
	if (rc) {
		vigie_strv_release(&it->cves);
		vigie_strv_release(&it->advisories);
		vigie_strv_release(&it->packages);
		vigie_strv_release(&it->services);
	}
	return rc;
}

static size_t count_items(const xmlNode *parent, const char *local)
{
	size_t n = 0;
	for (const xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
		if (is_name(c, local))
			n++;
	return n;
}

int vigie_feed_parse(struct feed **out, const char *data, size_t len,
	       const char *name, const struct services_table *svc,
	       struct vigie_error *err)
{
	xmlDocPtr doc = NULL;
	const xmlNode *root, *container = NULL;
	const char *item_name = "item";
	struct feed *f = NULL;
	size_t nitems;
	int rc = 0;

	*out = NULL;
	if (!name)
		name = "feed";
	if (len > FEED_MAX_DOC)
		return vigie_error_set(err, VIGIE_ELIMIT, name, 0,
				       "document larger than %u bytes", FEED_MAX_DOC);
	if (len == 0)
		return vigie_error_set(err, VIGIE_EPARSE, name, 0, "empty document");
	if (memchr(data, '\0', len))
		return vigie_error_set(err, VIGIE_EPARSE, name, 0,
				       "NUL byte in document (UTF-16/32 feeds are not supported)");
	{
		/* RSS 0.91 documents carry a DOCTYPE (never loaded) */
		struct vigie_xml_limits lim = { 0 };
		lim.max_depth = FEED_MAX_DEPTH;
		lim.max_ms = FEED_MAX_PARSE_MS;
		lim.allow_doctype = 1;
		lim.options = XML_PARSE_NOCDATA;
		if ((rc = vigie_xml_parse(&doc, data, len, name, &lim, err)))
			goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (!(f = calloc(1, sizeof(*f)))) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
		goto out;
	}
	vigie_arena_init(&f->arena);
	if (is_name(root, "rss")) {
		f->format = FEED_RSS2;
		container = child(root, "channel");
		f->title = node_text(f, child(container, "title"), FEED_MAX_FIELD, 1);
	} else if (is_name(root, "RDF")) {
		f->format = FEED_RDF;
		container = root;
		f->title = node_text(f, child(child(root, "channel"), "title"), FEED_MAX_FIELD, 1);
	} else if (is_name(root, "feed")) {
		f->format = FEED_ATOM;
		container = root;
		item_name = "entry";
		f->title = node_text(f, child(root, "title"), FEED_MAX_FIELD, 1);
	} else {
		rc = vigie_error_set(err, VIGIE_EPARSE, name, (unsigned long)xmlGetLineNo(root),
				     "not an RSS, RDF or Atom feed (root element <%s>)",
				     (const char *)root->name);
		goto out;
	}
	if (!container) {
		rc = vigie_error_set(err, VIGIE_EPARSE, name, (unsigned long)xmlGetLineNo(root),
				     "RSS document without <channel>");
		goto out;
	}
	nitems = count_items(container, item_name);
	/* RSS 0.9x/RDF variants sometimes put items inside channel */
	if (nitems == 0 && f->format == FEED_RDF) {
		const xmlNode *ch = child(root, "channel");
		if (count_items(ch, "item")) {
			container = ch;
			nitems = count_items(ch, "item");
		}
	}
	if (nitems > FEED_MAX_ITEMS)
		nitems = FEED_MAX_ITEMS;
	if (nitems && !(f->items = calloc(nitems, sizeof(*f->items)))) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
		goto out;
	}
	for (const xmlNode *c = container->children; c; c = c->next) {
		if (!is_name(c, item_name))
			continue;
		rc = add_item(f, c, name, svc, err);
		if (rc == 1) {
			rc = 0;
			if (f->n == FEED_MAX_ITEMS)
				break;
			continue;
		}
		if (rc) {
			rc = vigie_error_set(err, rc, name, 0, "out of memory");
			goto out;
		}
	}
	*out = f;
	f = NULL;
out:
	vigie_feed_free(f);
	xmlFreeDoc(doc);
	return rc;
}

void vigie_feed_free(struct feed *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++) {
		vigie_strv_release(&f->items[i].cves);
		vigie_strv_release(&f->items[i].advisories);
		vigie_strv_release(&f->items[i].packages);
		vigie_strv_release(&f->items[i].services);
	}
	free(f->items);
	vigie_arena_release(&f->arena);
	free(f);
}
