/* The XML guard shared by the report and feed readers (see
 * include/vigie/core/xml.h). The pre-scan below accepts a superset of
 * XML's markup, so whatever libxml2 would read in full it reads in full;
 * every byte is looked at a bounded number of times. */
#define _GNU_SOURCE
#include "vigie/core/init.h"
#include "vigie/core/xml.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

struct scan {
	const char *p, *end, *name;
	unsigned long line;
	struct vigie_error *err;
};

/* Move to q, counting the newlines passed. */
static void move(struct scan *s, const char *q)
{
	for (const char *n = s->p; (n = memchr(n, '\n', (size_t)(q - n))) != NULL; n++)
		s->line++;
	s->p = q;
}

/* Move past the next occurrence of pat; 0 when the document ends first. */
static int skip_past(struct scan *s, const char *pat)
{
	size_t n = strlen(pat);
	const char *q = memmem(s->p, (size_t)(s->end - s->p), pat, n);
	if (!q) {
		move(s, s->end);
		return 0;
	}
	move(s, q + n);
	return 1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Encodings whose bytes below 0x80 are ASCII: the scan sees their markup. */
static int ascii_compatible(const char *enc, size_t n)
{
	static const char *const ok[] = { "utf-8", "utf8", "us-ascii", "ascii",
					  "iso-8859-1", "latin1", "iso-8859-15",
					  "windows-1252", "cp1252", NULL };
	for (int i = 0; ok[i]; i++)
		if (strlen(ok[i]) == n && !strncasecmp(enc, ok[i], n))
			return 1;
	return 0;
}

/* The encoding named by an XML declaration at s->p ("<?xml ..."). */
static int check_declaration(struct scan *s)
{
	const char *e = memmem(s->p, (size_t)(s->end - s->p), "?>", 2), *q;
	if (!e)
		return 0; /* libxml2 reports it */
	q = memmem(s->p, (size_t)(e - s->p), "encoding", 8);
	if (q) {
		const char *v = q + 8, *ve;
		while (v < e && (is_space(*v) || *v == '='))
			v++;
		if (v < e && (*v == '"' || *v == '\'')) {
			ve = memchr(v + 1, *v, (size_t)(e - v - 1));
			if (ve && !ascii_compatible(v + 1, (size_t)(ve - v - 1)))
				return vigie_error_set(s->err, VIGIE_EPARSE, s->name, s->line,
						       "XML encoding \"%.*s\" is not accepted (expected UTF-8)",
						       (int)(ve - v - 1 > 40 ? 40 : ve - v - 1), v + 1);
		}
	}
	return 0;
}

/* A DOCTYPE at s->p: refused, or (allowed) skipped when it declares no
 * entity. */
static int doctype(struct scan *s, int allowed)
{
	unsigned long line = s->line;
	int bracket = 0;
	char quote = 0;
	if (!allowed)
		return vigie_error_set(s->err, VIGIE_EPARSE, s->name, line,
				       "document type declarations are not accepted (entities are never expanded or loaded)");
	for (const char *q = s->p + 2; q < s->end; q++) {
		if (quote) {
			if (*q == quote)
				quote = 0;
		} else if (*q == '"' || *q == '\'') {
			quote = *q;
		} else if (*q == '[') {
			bracket++;
		} else if (*q == ']' && bracket) {
			bracket--;
		} else if (*q == '<' && bracket && s->end - q >= 8 && !memcmp(q, "<!ENTITY", 8)) {
			move(s, q);
			return vigie_error_set(s->err, VIGIE_EPARSE, s->name, s->line,
					       "document declares entities (refused: XXE / entity expansion)");
		} else if (*q == '>' && !bracket) {
			move(s, q + 1);
			return 0;
		}
	}
	move(s, s->end);
	return 0;
}

/* A start tag at s->p ('<' then a name start). */
static int start_tag(struct scan *s, int *depth, const struct vigie_xml_limits *lim)
{
	const char *p = s->p + 1, *nm = p;
	unsigned long line = s->line;
	int nattr = 0;
	const char *ne;
	while (p < s->end && !is_space(*p) && *p != '>' && *p != '/')
		p++;
	ne = p;
	for (;;) {
		while (p < s->end && is_space(*p))
			p++;
		if (p >= s->end)
			break;
		if (*p == '>') {
			p++;
			if (++*depth > lim->max_depth) {
				move(s, p);
				return vigie_error_set(s->err, VIGIE_ELIMIT, s->name, s->line,
						       "elements nested deeper than %d", lim->max_depth);
			}
			break;
		}
		if (*p == '/') {
			p++;
			if (p < s->end && *p == '>') {
				p++;
				break;
			}
			continue;
		}
		if (++nattr > lim->max_attrs) {
			int nl = (int)(ne - nm) > 60 ? 60 : (int)(ne - nm);
			move(s, p);
			return vigie_error_set(s->err, VIGIE_ELIMIT, s->name, line,
					       "element <%.*s> has more than %d attributes", nl, nm,
					       lim->max_attrs);
		}
		while (p < s->end && !is_space(*p) && *p != '=' && *p != '>' && *p != '/')
			p++;
		while (p < s->end && is_space(*p))
			p++;
		if (p < s->end && *p == '=') {
			p++;
			while (p < s->end && is_space(*p))
				p++;
			if (p < s->end && (*p == '"' || *p == '\'')) {
				const char *q = memchr(p + 1, *p, (size_t)(s->end - p - 1));
				p = q ? q + 1 : s->end;
			} else {
				while (p < s->end && !is_space(*p) && *p != '>')
					p++;
			}
		}
	}
	move(s, p);
	return 0;
}

static int prescan(const char *data, size_t len, const char *name,
		   const struct vigie_xml_limits *lim, struct vigie_error *err)
{
	struct scan s = { data, data + len, name, 1, err };
	const unsigned char *u = (const unsigned char *)data;
	int depth = 0, rc;

	if (len >= 2 && ((u[0] == 0xfe && u[1] == 0xff) || (u[0] == 0xff && u[1] == 0xfe)))
		return vigie_error_set(err, VIGIE_EPARSE, name, 1,
				       "UTF-16 XML is not accepted (expected UTF-8)");
	if (memchr(data, '\0', len < 4 ? len : 4))
		return vigie_error_set(err, VIGIE_EPARSE, name, 1,
				       "NUL byte at the start of the XML document (UTF-16/32 is not accepted)");
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		s.p += 3;
	while (s.p < s.end && is_space(*s.p))
		move(&s, s.p + 1);
	if (s.p < s.end && *s.p != '<')
		return vigie_error_set(err, VIGIE_EPARSE, name, s.line,
				       "not an XML document in UTF-8 (first byte 0x%02x; UTF-16, UTF-32 and EBCDIC are not accepted)",
				       (unsigned char)*s.p);
	if (s.end - s.p >= 6 && !memcmp(s.p, "<?xml", 5) && is_space(s.p[5]) &&
	    (rc = check_declaration(&s)))
		return rc;
	while (s.p < s.end) {
		const char *q = memchr(s.p, '<', (size_t)(s.end - s.p));
		size_t left;
		if (!q)
			break;
		move(&s, q);
		left = (size_t)(s.end - s.p);
		if (left >= 4 && !memcmp(s.p, "<!--", 4)) {
			s.p += 4;
			if (!skip_past(&s, "-->"))
				break;
		} else if (left >= 9 && !memcmp(s.p, "<![CDATA[", 9)) {
			s.p += 9;
			if (!skip_past(&s, "]]>"))
				break;
		} else if (left >= 2 && s.p[1] == '?') {
			s.p += 2;
			if (!skip_past(&s, "?>"))
				break;
		} else if (left >= 2 && s.p[1] == '!') {
			if ((rc = doctype(&s, lim->allow_doctype)))
				return rc;
		} else if (left >= 2 && s.p[1] == '/') {
			depth--;
			s.p += 2;
			if (!skip_past(&s, ">"))
				break;
		} else if ((rc = start_tag(&s, &depth, lim))) {
			return rc;
		} else if (s.p == q) {
			s.p++; /* a lone '<': libxml2 reports it */
		}
	}
	return 0;
}

/* ---- the parse, under a time budget ---- */

struct budget {
	struct timespec deadline;
	unsigned calls;
	int expired;
	startElementNsSAX2Func start;
	charactersSAXFunc characters;
};

static int past(const struct timespec *d)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > d->tv_sec || (now.tv_sec == d->tv_sec && now.tv_nsec >= d->tv_nsec);
}

static void tick(xmlParserCtxtPtr ctxt)
{
	struct budget *b = ctxt->_private;
	if (b->expired || (++b->calls & 255))
		return;
	if (past(&b->deadline)) {
		b->expired = 1;
		xmlStopParser(ctxt);
	}
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
		     const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
		     int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct budget *b = ctxt->_private;
	b->start(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
		 nb_defaulted, attributes);
	tick(ctxt);
}

static void on_characters(void *ctx, const xmlChar *ch, int len)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct budget *b = ctxt->_private;
	b->characters(ctx, ch, len);
	tick(ctxt);
}

int vigie_xml_parse(struct _xmlDoc **out, const char *data, size_t len, const char *name,
		    const struct vigie_xml_limits *limits, struct vigie_error *err)
{
	struct vigie_xml_limits lim = { 0 };
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	struct budget b;
	int rc = 0;

	*out = NULL;
	if (limits)
		lim = *limits;
	if (lim.max_attrs <= 0)
		lim.max_attrs = VIGIE_XML_MAX_ATTRS;
	if (lim.max_depth <= 0)
		lim.max_depth = VIGIE_XML_MAX_DEPTH;
	if (!lim.max_ms)
		lim.max_ms = VIGIE_XML_MAX_MS;
	if (!name)
		name = "<xml>";
	if (len > INT_MAX)
		return vigie_error_set(err, VIGIE_ELIMIT, name, 0, "XML document too large");
	if ((rc = prescan(data, len, name, &lim, err)))
		return rc;
	vigie_global_init();
	if (!(ctxt = xmlCreateMemoryParserCtxt(data, (int)len)))
		return vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
					XML_PARSE_BIG_LINES | lim.options);
	memset(&b, 0, sizeof(b));
	clock_gettime(CLOCK_MONOTONIC, &b.deadline);
	b.deadline.tv_sec += lim.max_ms / 1000;
	b.deadline.tv_nsec += (long)(lim.max_ms % 1000) * 1000000L;
	if (b.deadline.tv_nsec >= 1000000000L) {
		b.deadline.tv_sec++;
		b.deadline.tv_nsec -= 1000000000L;
	}
	b.start = ctxt->sax->startElementNs;
	b.characters = ctxt->sax->characters;
	if (b.start)
		ctxt->sax->startElementNs = on_start;
	if (b.characters)
		ctxt->sax->characters = on_characters;
	ctxt->_private = &b;
	xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	if (b.expired) {
		rc = vigie_error_set(err, VIGIE_ELIMIT, name,
				     ctxt->input ? (unsigned long)ctxt->input->line : 0,
				     "XML parsing took longer than %u ms: stopped", lim.max_ms);
		goto out;
	}
	if (!ctxt->wellFormed || !doc) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char msg[300] = "malformed XML";
		unsigned long line = 0;
		if (e && e->message) {
			snprintf(msg, sizeof(msg), "malformed XML: %s", e->message);
			msg[strcspn(msg, "\n")] = '\0';
			line = e->line > 0 ? (unsigned long)e->line : 0;
		}
		rc = vigie_error_set(err, VIGIE_EPARSE, name, line, "%s", msg);
		goto out;
	}
	/* the same rules again on what libxml2 understood, whatever encoding
	 * it decoded */
	if (doc->encoding && !ascii_compatible((const char *)doc->encoding,
					       strlen((const char *)doc->encoding))) {
		rc = vigie_error_set(err, VIGIE_EPARSE, name, 1,
				     "XML encoding \"%.40s\" is not accepted (expected UTF-8)",
				     (const char *)doc->encoding);
		goto out;
	}
	if (doc->intSubset || doc->extSubset) {
		int entities = 0;
		for (xmlNodePtr c = doc->intSubset ? doc->intSubset->children : NULL; c; c = c->next)
			if (c->type == XML_ENTITY_DECL)
				entities = 1;
		if (!lim.allow_doctype || entities || doc->extSubset) {
			rc = vigie_error_set(err, VIGIE_EPARSE, name, 1,
					     entities ? "document declares entities (refused: XXE / entity expansion)"
						      : "document type declarations are not accepted");
			goto out;
		}
	}
	if (!xmlDocGetRootElement(doc)) {
		rc = vigie_error_set(err, VIGIE_EPARSE, name, 1, "empty XML document");
		goto out;
	}
	*out = doc;
	doc = NULL;
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}
