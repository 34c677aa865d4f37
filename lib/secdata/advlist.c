/* Parser of data/DSA/list, data/DLA/list and data/DTSA/list: see
 * include/vigie/advlist.h and docs FORMATS (b). */
#include "vigie/secdata/advlist.h"
#include "vigie/debian/debver.h"
#include "vigie/core/reader.h"
#include "vigie/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ID 32          /* "DTSA-123456789-1234" fits easily */
#define MAX_RELEASE 64
#define MAX_TOKEN 256      /* package name, version, cross reference */

struct ptrv {
	const char **v;
	size_t n, cap;
};

struct parser {
	const char *name;
	enum advlist_kind kind;
	advlist_cb *cb;
	void *ud;
	struct vigie_error *err;
	struct vigie_arena arena;
	int open;                 /* an entry is being collected */
	struct advlist_entry e;
	struct ptrv packages, cves, xrefs, notes;
	struct advlist_fix *fixes;
	size_t nfixes, capfixes;
	size_t nannot;
	unsigned long nentries;
};

static const char *const short_months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};
static const char *const long_months[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

static const char *const fix_kind_names[] = {
	"fixed", "not-affected", "unfixed", "end-of-life", "removed",
	"no-dsa", "ignored", "postponed", "itp", "undetermined"
};

const char *vigie_advlist_kind_name(enum advlist_kind k)
{
	switch (k) {
	case ADVLIST_DSA: return "DSA";
	case ADVLIST_DLA: return "DLA";
	case ADVLIST_DTSA: return "DTSA";
	}
	return "?";
}

int vigie_advlist_kind_parse(enum advlist_kind *out, const char *s)
{
	if (!strcasecmp(s, "DSA"))
		*out = ADVLIST_DSA;
	else if (!strcasecmp(s, "DLA"))
		*out = ADVLIST_DLA;
	else if (!strcasecmp(s, "DTSA"))
		*out = ADVLIST_DTSA;
	else
		return VIGIE_EUSAGE;
	return 0;
}

const char *vigie_advlist_fix_kind_name(enum advlist_fix_kind k)
{
	if ((size_t)k < sizeof(fix_kind_names) / sizeof(fix_kind_names[0]))
		return fix_kind_names[k];
	return "?";
}

static int ptrv_push(struct ptrv *p, const char *s)
{
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 16;
		const char **nv = realloc(p->v, nc * sizeof(*nv));
		if (!nv)
			return VIGIE_ENOMEM;
		p->v = nv;
		p->cap = nc;
	}
	p->v[p->n++] = s;
	return 0;
}

static int ptrv_has(const struct ptrv *p, const char *s)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i], s))
			return 1;
	return 0;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_space(char c) { return c == ' ' || c == '\t'; }
static int is_lower(char c) { return c >= 'a' && c <= 'z'; }

/* Package names as the tracker's annotation regex takes them. */
static int is_pkg_char(char c)
{
	return is_digit(c) || is_lower(c) || (c >= 'A' && c <= 'Z') ||
	       c == ':' || c == '.' || c == '+' || c == '-';
}

static int is_version_char(char c)
{
	return is_pkg_char(c) || c == '~';
}

/* Debian policy source package name: [a-z0-9][a-z0-9+.-]+ */
static int is_source_name(const char *s, size_t n)
{
	if (n < 2 || n > MAX_TOKEN || !(is_digit(s[0]) || is_lower(s[0])))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!(is_digit(s[i]) || is_lower(s[i]) || s[i] == '+' ||
		      s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

static int days_in_month(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static int perr(struct parser *p, unsigned long line, int code,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int perr(struct parser *p, unsigned long line, int code,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vigie_error_setv(p->err, code, p->name, line, fmt, ap);
	va_end(ap);
	return code;
}

static int nomem(struct parser *p, unsigned long line)
{
	return perr(p, line, VIGIE_ENOMEM, "out of memory");
}

/* Parse "DD Mon YYYY" (DSA, DLA) or "Month Dth, YYYY" (DTSA) of length n.
 * Writes ISO date into out. Returns 0 or -1. */
static int parse_date(char out[11], const char *s, size_t n, int dtsa)
{
	int day = 0, mon = 0, year = 0;
	size_t i = 0;

	if (!dtsa) {
		if (n != 11 || !is_digit(s[0]) || !is_digit(s[1]) || s[2] != ' ' ||
		    s[6] != ' ')
			return -1;
		day = (s[0] - '0') * 10 + (s[1] - '0');
		for (int m = 0; m < 12; m++)
			if (!memcmp(s + 3, short_months[m], 3))
				mon = m + 1;
		i = 7;
	} else {
		for (int m = 0; m < 12; m++) {
			size_t l = strlen(long_months[m]);
			if (n > l && !memcmp(s, long_months[m], l) && s[l] == ' ') {
				mon = m + 1;
				i = l + 1;
			}
		}
		if (!mon)
			return -1;
		if (i < n && is_digit(s[i]))
			day = s[i++] - '0';
		else
			return -1;
		if (i < n && is_digit(s[i]))
			day = day * 10 + (s[i++] - '0');
		if (i + 4 > n)
			return -1;
		if (memcmp(s + i, "st", 2) && memcmp(s + i, "nd", 2) &&
		    memcmp(s + i, "rd", 2) && memcmp(s + i, "th", 2))
			return -1;
		i += 2;
		if (s[i] != ',' || s[i + 1] != ' ')
			return -1;
		i += 2;
	}
	if (!mon || n - i != 4)
		return -1;
	for (size_t k = i; k < n; k++) {
		if (!is_digit(s[k]))
			return -1;
		year = year * 10 + (s[k] - '0');
	}
	if (year < 1990 || day < 1 || day > days_in_month(year, mon))
		return -1;
	/* year has exactly 4 digits, mon and day are in range */
	out[0] = (char)('0' + year / 1000);
	out[1] = (char)('0' + year / 100 % 10);
	out[2] = (char)('0' + year / 10 % 10);
	out[3] = (char)('0' + year % 10);
	out[4] = '-';
	out[5] = (char)('0' + mon / 10);
	out[6] = (char)('0' + mon % 10);
	out[7] = '-';
	out[8] = (char)('0' + day / 10);
	out[9] = (char)('0' + day % 10);
	out[10] = '\0';
	return 0;
}

/* Digits run of 1..max characters at s; returns its length or 0. */
static size_t digits(const char *s, size_t max)
{
	size_t n = 0;
	while (is_digit(s[n]))
		if (++n > max)
			return 0;
	return n;
}

/* "PFX-N" or "PFX-N-N" (rev_required: the revision is mandatory). Returns 1
 * when tok (NUL-terminated) is such an id. */
static int is_adv_id(const char *tok, const char *pfx, int rev_required)
{
	size_t l = strlen(pfx), d;
	if (strncmp(tok, pfx, l) || tok[l] != '-')
		return 0;
	tok += l + 1;
	if (!(d = digits(tok, 9)))
		return 0;
	tok += d;
	if (!*tok)
		return !rev_required;
	if (*tok != '-' || !(d = digits(tok + 1, 4)))
		return 0;
	return tok[1 + d] == '\0';
}

static int is_cve_id(const char *tok)
{
	size_t d;
	if (strncmp(tok, "CVE-", 4) || digits(tok + 4, 4) != 4 || tok[8] != '-')
		return 0;
	d = digits(tok + 9, 12);
	return d >= 4 && tok[9 + d] == '\0';
}

static void entry_reset(struct parser *p)
{
	vigie_arena_release(&p->arena);
	vigie_arena_init(&p->arena);
	memset(&p->e, 0, sizeof(p->e));
	p->packages.n = p->cves.n = p->xrefs.n = p->notes.n = 0;
	p->nfixes = 0;
	p->nannot = 0;
	p->open = 0;
}

static int fix_names_source(const struct parser *p, const char *s, size_t n)
{
	for (size_t i = 0; i < p->nfixes; i++)
		if (strlen(p->fixes[i].source) == n &&
		    !memcmp(p->fixes[i].source, s, n))
			return 1;
	return 0;
}

/* Derive the description's source packages (see advlist.h). */
static int description_packages(struct parser *p)
{
	const char *d = p->e.description, *sep = NULL, *q;
	size_t n = strlen(d), toks = 0;

	for (size_t i = 0; i < n; i++) {
		if (d[i] == ' ' && d[i + 1] == '-' &&
		    (d[i + 2] == ' ' || (d[i + 2] == '-' && d[i + 3] == ' '))) {
			sep = d + i;
			break;
		}
	}
	if (!sep && d[0] == '-')
		return 0; /* "- several vulnerabilities": no package named */
	if (sep) {
		/* every word before the separator must be a package name */
		for (q = d; q < sep;) {
			const char *w;
			while (q < sep && (*q == ' ' || *q == ','))
				q++;
			w = q;
			while (q < sep && *q != ' ' && *q != ',')
				q++;
			if (q > w && !is_source_name(w, (size_t)(q - w)))
				return 0;
		}
		for (q = d; q < sep;) {
			const char *w;
			char *s;
			while (q < sep && (*q == ' ' || *q == ','))
				q++;
			w = q;
			while (q < sep && *q != ' ' && *q != ',')
				q++;
			if (q == w)
				continue;
			if (!(s = vigie_arena_strndup(&p->arena, w, (size_t)(q - w))))
				return nomem(p, p->e.line);
			if (!ptrv_has(&p->packages, s) && ptrv_push(&p->packages, s))
				return nomem(p, p->e.line);
		}
		return 0;
	}
	/* no separator: "imagemagick" or "wzdftpd denial of service" */
	for (q = d; *q;) {
		while (*q == ' ')
			q++;
		if (*q)
			toks++;
		while (*q && *q != ' ')
			q++;
	}
	q = d;
	while (*q && *q != ' ')
		q++;
	if (toks == 0 || !is_source_name(d, (size_t)(q - d)))
		return 0;
	if (toks > 1 && !fix_names_source(p, d, (size_t)(q - d)))
		return 0;
	{
		char *s = vigie_arena_strndup(&p->arena, d, (size_t)(q - d));
		if (!s || ptrv_push(&p->packages, s))
			return nomem(p, p->e.line);
	}
	return 0;
}

static int entry_finish(struct parser *p)
{
	int rc;
	if (!p->open)
		return 0;
	if ((rc = description_packages(p)))
		return rc;
	p->e.packages = p->packages.v;
	p->e.npackages = p->packages.n;
	p->e.cves = p->cves.v;
	p->e.ncves = p->cves.n;
	p->e.xrefs = p->xrefs.v;
	p->e.nxrefs = p->xrefs.n;
	p->e.fixes = p->fixes;
	p->e.nfixes = p->nfixes;
	p->e.notes = p->notes.v;
	p->e.nnotes = p->notes.n;
	rc = p->cb ? p->cb(p->ud, &p->e) : 0;
	entry_reset(p);
	return rc;
}

static int parse_header(struct parser *p, const char *line, size_t len,
			unsigned long ln)
{
	const char *rb, *id, *q;
	const char *kname = vigie_advlist_kind_name(p->kind);
	char idbuf[MAX_ID + 1];
	size_t idlen;
	int rc;

	if (line[0] != '[' || !(rb = memchr(line, ']', len)))
		return perr(p, ln, VIGIE_EPARSE,
			    "expected an advisory header '[%s] %s-N ...', got '%.40s'",
			    p->kind == ADVLIST_DTSA ? "Month Dth, YYYY" : "DD Mon YYYY",
			    kname, line);
	if ((rc = entry_finish(p)))
		return rc;
	if (++p->nentries > ADVLIST_MAX_ENTRIES)
		return perr(p, ln, VIGIE_ELIMIT, "more than %d advisories",
			    ADVLIST_MAX_ENTRIES);
	p->open = 1;
	p->e.kind = p->kind;
	p->e.line = ln;
	if (parse_date(p->e.date, line + 1, (size_t)(rb - line - 1),
		       p->kind == ADVLIST_DTSA))
		return perr(p, ln, VIGIE_EPARSE, "bad date '[%.*s]' (expected '[%s]')",
			    (int)((rb - line - 1) > 40 ? 40 : (rb - line - 1)), line + 1,
			    p->kind == ADVLIST_DTSA ? "Month Dth, YYYY" : "DD Mon YYYY");
	q = rb + 1;
	if (!is_space(*q))
		return perr(p, ln, VIGIE_EPARSE, "expected a space after the date");
	while (is_space(*q))
		q++;
	id = q;
	while (*q && !is_space(*q))
		q++;
	idlen = (size_t)(q - id);
	if (idlen == 0 || idlen > MAX_ID)
		return perr(p, ln, VIGIE_EPARSE, "missing or over-long advisory id");
	memcpy(idbuf, id, idlen);
	idbuf[idlen] = '\0';
	if (!is_adv_id(idbuf, kname, p->kind == ADVLIST_DTSA)) {
		static const char *const other[] = { "DSA", "DLA", "DTSA" };
		for (int k = 0; k < 3; k++)
			if (strcmp(other[k], kname) && is_adv_id(idbuf, other[k], 0))
				return perr(p, ln, VIGIE_EPARSE,
					    "%s advisory '%s' in a %s list", other[k],
					    idbuf, kname);
		return perr(p, ln, VIGIE_EPARSE, "bad advisory id '%s' (expected %s-N%s)",
			    idbuf, kname, p->kind == ADVLIST_DTSA ? "-N" : "[-N]");
	}
	while (is_space(*q))
		q++;
	if (!(p->e.id = vigie_arena_strdup(&p->arena, idbuf)) ||
	    !(p->e.description = vigie_arena_strdup(&p->arena, q)))
		return nomem(p, ln);
	return 0;
}

static int parse_xrefs(struct parser *p, char *s, size_t len, unsigned long ln)
{
	char *save = NULL, *tok;
	if (s[len - 1] != '}')
		return perr(p, ln, VIGIE_EPARSE, "cross references not closed by '}'");
	s[len - 1] = '\0';
	for (tok = strtok_r(s + 1, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		struct ptrv *dst;
		char *c;
		if (strlen(tok) > MAX_TOKEN)
			return perr(p, ln, VIGIE_EPARSE, "over-long cross reference");
		if (is_cve_id(tok))
			dst = &p->cves;
		else if (is_adv_id(tok, "DSA", 0) || is_adv_id(tok, "DLA", 1) ||
			 is_adv_id(tok, "DTSA", 1) ||
			 (!strncmp(tok, "VU#", 3) && digits(tok + 3, 12) &&
			  tok[3 + digits(tok + 3, 12)] == '\0'))
			dst = &p->xrefs;
		else
			return perr(p, ln, VIGIE_EPARSE, "bad cross reference '%s'", tok);
		if (ptrv_has(dst, tok))
			continue;
		if (!(c = vigie_arena_strdup(&p->arena, tok)) || ptrv_push(dst, c))
			return nomem(p, ln);
	}
	return 0;
}

static int pseudo_kind(enum advlist_fix_kind *out, const char *s, size_t n)
{
	for (size_t k = 1; k < sizeof(fix_kind_names) / sizeof(fix_kind_names[0]); k++)
		if (strlen(fix_kind_names[k]) == n && !memcmp(fix_kind_names[k], s, n)) {
			*out = (enum advlist_fix_kind)k;
			return 0;
		}
	return -1;
}

/* "[release] - srcpkg VERSION|<pseudo> [(notes)]", s stripped on both ends. */
static int parse_fix(struct parser *p, const char *s, size_t len, unsigned long ln)
{
	const char *q = s + 1, *rel, *pkg, *ver, *end = s + len;
	size_t rlen, plen, vlen;
	struct advlist_fix f;
	struct debver dv;
	struct vigie_error verr;
	int rc;

	memset(&f, 0, sizeof(f));
	f.line = ln;
	rel = q;
	while (is_lower(*q))
		q++;
	rlen = (size_t)(q - rel);
	if (rlen == 0 || rlen > MAX_RELEASE || *q != ']')
		return perr(p, ln, VIGIE_EPARSE, "bad release in '%.60s' (expected '[codename]')", s);
	q++;
	if (!is_space(*q))
		return perr(p, ln, VIGIE_EPARSE, "expected ' - srcpkg VERSION' after the release");
	while (is_space(*q))
		q++;
	if (*q != '-' || !is_space(q[1]))
		return perr(p, ln, VIGIE_EPARSE, "expected ' - srcpkg VERSION' after the release");
	q++;
	while (is_space(*q))
		q++;
	pkg = q;
	while (is_pkg_char(*q))
		q++;
	plen = (size_t)(q - pkg);
	if (plen == 0 || plen > MAX_TOKEN || (*q && !is_space(*q)))
		return perr(p, ln, VIGIE_EPARSE, "bad source package name in '%.60s'", s);
	while (is_space(*q))
		q++;
	if (q == end)
		return perr(p, ln, VIGIE_EPARSE, "missing version for %.*s in [%.*s]",
			    (int)plen, pkg, (int)rlen, rel);
	ver = q;
	if (*q == '<') {
		const char *gt = q + 1;
		while (is_lower(*gt) || *gt == '-')
			gt++;
		if (*gt != '>' || pseudo_kind(&f.kind, q + 1, (size_t)(gt - q - 1)))
			return perr(p, ln, VIGIE_EPARSE, "unknown pseudo-version '%.*s'",
				    (int)(strcspn(q, " \t") > 40 ? 40 : strcspn(q, " \t")), q);
		q = gt + 1;
		vlen = 0;
	} else {
		while (is_version_char(*q))
			q++;
		vlen = (size_t)(q - ver);
		if (vlen == 0 || vlen > MAX_TOKEN)
			return perr(p, ln, VIGIE_EPARSE, "bad version in '%.60s'", s);
		f.kind = ADVLIST_FIXED;
	}
	if (*q && !is_space(*q))
		return perr(p, ln, VIGIE_EPARSE, "bad character '%c' in version of %.*s",
			    *q, (int)plen, pkg);
	while (is_space(*q))
		q++;
	if (q < end) {
		const char *in, *ie;
		if (*q != '(' || end[-1] != ')')
			return perr(p, ln, VIGIE_EPARSE,
				    "unexpected text after the version: '%.40s' (notes go in '( ... )')", q);
		in = q + 1;
		ie = end - 1;
		while (in < ie && is_space(*in))
			in++;
		while (ie > in && is_space(ie[-1]))
			ie--;
		if (!(f.note = vigie_arena_strndup(&p->arena, in, (size_t)(ie - in))))
			return nomem(p, ln);
	}
	if (!(f.release = vigie_arena_strndup(&p->arena, rel, rlen)) ||
	    !(f.source = vigie_arena_strndup(&p->arena, pkg, plen)))
		return nomem(p, ln);
	if (f.kind == ADVLIST_FIXED) {
		if (!(f.version = vigie_arena_strndup(&p->arena, ver, vlen)))
			return nomem(p, ln);
		vigie_error_init(&verr);
		rc = vigie_debver_parse(&dv, f.version, &verr);
		if (rc < 0)
			return perr(p, ln, VIGIE_EPARSE, "invalid version '%s' for %s: %s",
				    f.version, f.source, verr.msg);
		if (rc > 0)
			vigie_warn(p->err, p->name, ln, "version '%s' for %s: %s",
				   f.version, f.source, verr.msg);
	}
	if (p->nfixes == p->capfixes) {
		size_t nc = p->capfixes ? p->capfixes * 2 : 8;
		struct advlist_fix *nf = realloc(p->fixes, nc * sizeof(*nf));
		if (!nf)
			return nomem(p, ln);
		p->fixes = nf;
		p->capfixes = nc;
	}
	p->fixes[p->nfixes++] = f;
	return 0;
}

static int parse_annotation(struct parser *p, char *line, size_t len,
			    unsigned long ln)
{
	char *s = line, *e = line + len;
	while (s < e && is_space(*s))
		s++;
	while (e > s && is_space(e[-1]))
		e--;
	if (s == e)
		return 0; /* whitespace-only line: blank */
	*e = '\0';
	len = (size_t)(e - s);
	if (!p->open)
		return perr(p, ln, VIGIE_EPARSE, "annotation before the first advisory header");
	if (++p->nannot > ADVLIST_MAX_ANNOTATIONS)
		return perr(p, ln, VIGIE_ELIMIT, "more than %d annotation lines for %s",
			    ADVLIST_MAX_ANNOTATIONS, p->e.id);
	if (!strncmp(s, "NOTE:", 5) || !strncmp(s, "TODO:", 5)) {
		char *t = s + 5, *c;
		while (is_space(*t))
			t++;
		if (!(c = vigie_arena_strdup(&p->arena, t)) || ptrv_push(&p->notes, c))
			return nomem(p, ln);
		return 0;
	}
	if (*s == '{')
		return parse_xrefs(p, s, len, ln);
	if (*s == '[')
		return parse_fix(p, s, len, ln);
	if (*s == '-')
		return perr(p, ln, VIGIE_EPARSE,
			    "package line without '[release]' (mandatory in %s lists)",
			    vigie_advlist_kind_name(p->kind));
	return perr(p, ln, VIGIE_EPARSE, "unrecognised annotation '%.40s'", s);
}

static int check_chars(struct parser *p, const char *line, size_t len,
		       unsigned long ln)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c >= 0x80)
			return perr(p, ln, VIGIE_EPARSE,
				    "non-ASCII byte 0x%02x at column %zu (advisory lists are ASCII)",
				    c, i + 1);
		if (c < 0x20 && c != '\t')
			return perr(p, ln, VIGIE_EPARSE,
				    "control character 0x%02x at column %zu", c, i + 1);
		if (c == 0x7f)
			return perr(p, ln, VIGIE_EPARSE, "control character 0x7f at column %zu",
				    i + 1);
	}
	return 0;
}

int vigie_advlist_parse(struct vigie_reader *r, enum advlist_kind kind,
		  advlist_cb *cb, void *ud, struct vigie_error *err)
{
	struct parser p;
	char *line;
	size_t len;
	unsigned long ln = 0;
	int rc;

	memset(&p, 0, sizeof(p));
	p.name = vigie_reader_name(r);
	p.kind = kind;
	p.cb = cb;
	p.ud = ud;
	p.err = err;
	vigie_arena_init(&p.arena);
	vigie_reader_set_max_line(r, ADVLIST_MAX_LINE);

	while ((rc = vigie_reader_getline(r, &line, &len, err)) > 0) {
		ln = vigie_reader_lineno(r);
		if ((rc = check_chars(&p, line, len, ln)))
			goto out;
		if (vigie_reader_partial(r)) {
			rc = perr(&p, ln, VIGIE_EPARSE,
				  "truncated file: the last line has no newline");
			goto out;
		}
		if (len == 0 || (len >= 2 && line[0] == '-' && line[1] == '-'))
			continue;
		if (is_space(line[0]))
			rc = parse_annotation(&p, line, len, ln);
		else
			rc = parse_header(&p, line, len, ln);
		if (rc)
			goto out;
	}
	if (rc < 0)
		goto out;
	if ((rc = entry_finish(&p)))
		goto out;
	if (p.nentries == 0)
		rc = perr(&p, ln, VIGIE_EPARSE, "no %s advisory found (empty or not an advisory list)",
			  vigie_advlist_kind_name(kind));
out:
	vigie_arena_release(&p.arena);
	free(p.packages.v);
	free(p.cves.v);
	free(p.xrefs.v);
	free(p.notes.v);
	free(p.fixes);
	return rc;
}

int vigie_advlist_parse_file(const char *path, enum advlist_kind kind,
		       advlist_cb *cb, void *ud, struct vigie_error *err)
{
	struct vigie_reader *r = NULL;
	int rc = vigie_reader_open(&r, path, err);
	if (rc)
		return rc;
	rc = vigie_advlist_parse(r, kind, cb, ud, err);
	vigie_reader_free(r);
	return rc;
}
