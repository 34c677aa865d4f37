#include "vigie/debian/debver.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

/* ASCII-only classes, as dpkg's c_isdigit/c_isalpha (locale-independent). */
static inline int is_digit(int c) { return c >= '0' && c <= '9'; }
static inline int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline int is_blank(int c) { return c == ' ' || c == '\t'; }
/* strtol's isspace() in the C locale */
static inline int is_cspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Characters dpkg accepts without a warning (strchr(".-+~:", c) and
 * strchr(".+~", c) in parseversion, written out to avoid a call per byte). */
static inline int upstream_char(int c)
{
	return is_digit(c) || is_alpha(c) || c == '.' || c == '-' || c == '+' ||
	       c == '~' || c == ':';
}
static inline int revision_char(int c)
{
	return is_digit(c) || is_alpha(c) || c == '.' || c == '+' || c == '~';
}

int vigie_debver_parse(struct debver *out, const char *str, struct vigie_error *err)
{
	const char *s = str, *end, *p, *colon, *up, *hy;
	size_t len;

	memset(out, 0, sizeof(*out));
	out->revision = "";
	out->upstream = "";
	while (*s && is_blank(*s))
		s++;
	if (!*s)
		return vigie_error_set(err, VIGIE_EPARSE, NULL, 0, "version string is empty");
	end = s;
	while (*end && !is_blank(*end))
		end++;
	for (p = end; *p && is_blank(*p); p++)
		;
	if (*p)
		return vigie_error_set(err, VIGIE_EPARSE, NULL, 0,
				       "version string has embedded spaces");
	colon = memchr(s, ':', (size_t)(end - s));
	if (colon) {
		/* Mirror strtol(): leading C-locale spaces, a sign, digits. */
		const char *q = s;
		int neg = 0, big = 0;
		unsigned long v = 0;
		while (is_cspace(*q))
			q++;
		if (*q == '+' || *q == '-')
			neg = *q++ == '-';
		if (!is_digit(*q))
			return vigie_error_set(err, VIGIE_EPARSE, NULL, 0,
					       "epoch in version is empty");
		while (is_digit(*q)) {
			if (v > (ULONG_MAX - 9) / 10)
				big = 1;
			else
				v = v * 10 + (unsigned long)(*q - '0');
			q++;
		}
		if (q != colon)
			return vigie_error_set(err, VIGIE_EPARSE, NULL, 0,
					       "epoch in version is not number");
		if (neg && v != 0)
			return vigie_error_set(err, VIGIE_EPARSE, NULL, 0,
					       "epoch in version is negative");
		if (big || v > (unsigned long)LONG_MAX || v > INT_MAX)
			return vigie_error_set(err, VIGIE_EPARSE, NULL, 0,
					       "epoch in version is too big");
		if (!colon[1])
			return vigie_error_set(err, VIGIE_EPARSE, NULL, 0,
					       "nothing after colon in version number");
		out->epoch = v;
		up = colon + 1;
	} else {
		up = s;
	}
	len = (size_t)(end - up);
	hy = NULL;
	for (p = end; p > up; p--)
		if (p[-1] == '-') {
			hy = p - 1;
			break;
		}
	if (hy) {
		if (hy + 1 == end)
			return vigie_error_set(err, VIGIE_EPARSE, NULL, 0,
					       "revision number is empty");
		out->revision = hy + 1;
		out->revision_len = (size_t)(end - hy - 1);
		len = (size_t)(hy - up);
	}
	out->upstream = up;
	out->upstream_len = len;
	if (!len)
		return vigie_error_set(err, VIGIE_EPARSE, NULL, 0, "version number is empty");
	if (!is_digit(up[0])) {
		if (err) {
			vigie_error_set(err, 0, NULL, 0,
					"version number does not start with digit");
			err->severity = VIGIE_SEV_WARNING;
		}
		return 1;
	}
	for (size_t i = 0; i < len; i++) {
		int c = up[i];
		if (!upstream_char(c)) {
			if (err) {
				vigie_error_set(err, 0, NULL, 0,
						"invalid character in version number");
				err->severity = VIGIE_SEV_WARNING;
			}
			return 1;
		}
	}
	for (size_t i = 0; i < out->revision_len; i++) {
		int c = out->revision[i];
		if (!revision_char(c)) {
			if (err) {
				vigie_error_set(err, 0, NULL, 0,
						"invalid character in revision number");
				err->severity = VIGIE_SEV_WARNING;
			}
			return 1;
		}
	}
	return 0;
}

/* dpkg's order(): digits 0, letters their code, '~' before everything
 * (even the end of the string), other characters after letters. Plain
 * char on purpose: dpkg uses the platform's char signedness too. */
static inline int order(int c)
{
	if (is_digit(c))
		return 0;
	if (is_alpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

static int verrevcmp(const char *a, size_t al, const char *b, size_t bl)
{
	const char *ae = a + al, *be = b + bl;
#define AC (a < ae ? *a : 0)
#define BC (b < be ? *b : 0)
	while (a < ae || b < be) {
		int first_diff = 0;
		while ((a < ae && !is_digit(*a)) || (b < be && !is_digit(*b))) {
			int ac = order(AC), bc = order(BC);
			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		while (a < ae && *a == '0')
			a++;
		while (b < be && *b == '0')
			b++;
		while (a < ae && b < be && is_digit(*a) && is_digit(*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (a < ae && is_digit(*a))
			return 1;
		if (b < be && is_digit(*b))
			return -1;
		if (first_diff)
			return first_diff;
	}
#undef AC
#undef BC
	return 0;
}

int vigie_debver_cmp(const struct debver *a, const struct debver *b)
{
	int rc;
	if (a->epoch != b->epoch)
		return a->epoch > b->epoch ? 1 : -1;
	/* Identical parts are common (same upstream, new revision): a memcmp
	 * settles them faster than the character walk. */
	if (a->upstream_len != b->upstream_len ||
	    memcmp(a->upstream, b->upstream, a->upstream_len)) {
		rc = verrevcmp(a->upstream, a->upstream_len, b->upstream, b->upstream_len);
		if (rc)
			return rc;
	}
	if (a->revision_len == b->revision_len &&
	    !memcmp(a->revision, b->revision, a->revision_len))
		return 0;
	return verrevcmp(a->revision, a->revision_len, b->revision, b->revision_len);
}

int vigie_debver_cmp_str(const char *a, const char *b)
{
	struct debver va, vb;
	vigie_debver_parse(&va, a, NULL);
	vigie_debver_parse(&vb, b, NULL);
	return vigie_debver_cmp(&va, &vb);
}

int vigie_debver_rel_parse(enum debver_rel *out, int *nl, const char *op)
{
	static const struct {
		const char *name;
		enum debver_rel rel;
		int nl;
	} ops[] = {
		{ "lt", DEBVER_LT, 0 }, { "le", DEBVER_LE, 0 }, { "eq", DEBVER_EQ, 0 },
		{ "ne", DEBVER_NE, 0 }, { "ge", DEBVER_GE, 0 }, { "gt", DEBVER_GT, 0 },
		{ "lt-nl", DEBVER_LT, 1 }, { "le-nl", DEBVER_LE, 1 },
		{ "ge-nl", DEBVER_GE, 1 }, { "gt-nl", DEBVER_GT, 1 },
		{ "<<", DEBVER_LT, 0 }, { "<=", DEBVER_LE, 0 }, { "=", DEBVER_EQ, 0 },
		{ ">=", DEBVER_GE, 0 }, { ">>", DEBVER_GT, 0 },
		/* obsolete forms dpkg still accepts */
		{ "<", DEBVER_LE, 0 }, { ">", DEBVER_GE, 0 },
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(op, ops[i].name)) {
			*out = ops[i].rel;
			if (nl)
				*nl = ops[i].nl;
			return 0;
		}
	return VIGIE_EUSAGE;
}

int vigie_debver_rel_holds(enum debver_rel rel, int cmp)
{
	switch (rel) {
	case DEBVER_LT: return cmp < 0;
	case DEBVER_LE: return cmp <= 0;
	case DEBVER_EQ: return cmp == 0;
	case DEBVER_NE: return cmp != 0;
	case DEBVER_GE: return cmp >= 0;
	case DEBVER_GT: return cmp > 0;
	}
	return 0;
}

int vigie_debver_is_absent(const char *s)
{
	return !*s || !strcmp(s, "<unknown>");
}

int vigie_debver_rel_holds_absent(enum debver_rel rel, int nl, int a_absent,
			    int b_absent)
{
	/* As dpkg: no version sorts before every version ("-nl": after),
	 * and two absent versions are equal. */
	int cmp = a_absent && b_absent ? 0 : a_absent ? -1 : 1;
	return vigie_debver_rel_holds(rel, nl ? -cmp : cmp);
}
