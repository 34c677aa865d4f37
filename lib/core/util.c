#define _GNU_SOURCE
#include "vigie/core/util.h"
#include "vigie/core/error.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void vigie_buf_init(struct vigie_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void vigie_buf_release(struct vigie_buf *b)
{
	free(b->data);
	vigie_buf_init(b);
}

int vigie_buf_grow(struct vigie_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return VIGIE_ENOMEM;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return VIGIE_ENOMEM;
	/* keep the invariant: data != NULL means data[len] == '\0', also
	 * for the first allocation of an empty buffer */
	p[b->len] = '\0';
	b->data = p;
	b->cap = cap;
	return 0;
}

int vigie_buf_add(struct vigie_buf *b, const void *data, size_t len)
{
	if (vigie_buf_grow(b, len))
		return VIGIE_ENOMEM;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int vigie_buf_adds(struct vigie_buf *b, const char *s)
{
	return vigie_buf_add(b, s, strlen(s));
}

int vigie_buf_addc(struct vigie_buf *b, char c)
{
	return vigie_buf_add(b, &c, 1);
}

int vigie_buf_addf(struct vigie_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || vigie_buf_grow(b, (size_t)n))
		return VIGIE_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void vigie_buf_reset(struct vigie_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *vigie_buf_detach(struct vigie_buf *b)
{
	char *p = b->data;
	if (!p)
		p = calloc(1, 1);
	vigie_buf_init(b);
	return p;
}

/* ---- arena ---- */
struct vigie_arena_block {
	struct vigie_arena_block *next;
	size_t used, size;
	max_align_t data[];
};

#define ARENA_BLOCK (64 * 1024)

void vigie_arena_init(struct vigie_arena *a)
{
	a->head = NULL;
	a->total = 0;
}

void vigie_arena_release(struct vigie_arena *a)
{
	struct vigie_arena_block *b = a->head, *n;
	while (b) {
		n = b->next;
		free(b);
		b = n;
	}
	vigie_arena_init(a);
}

void *vigie_arena_alloc(struct vigie_arena *a, size_t size)
{
	struct vigie_arena_block *b = a->head;
	size_t asz = (size + 15) & ~(size_t)15;
	void *p;

	if (size == 0)
		asz = 16;
	if (asz < size || asz > SIZE_MAX - sizeof(*b))
		return NULL;
	if (!b || b->size - b->used < asz) {
		size_t bs = asz > ARENA_BLOCK / 4 ? asz : ARENA_BLOCK;
		b = malloc(sizeof(*b) + bs);
		if (!b)
			return NULL;
		b->size = bs;
		b->used = 0;
		if (asz > ARENA_BLOCK / 4 && a->head) {
			/* big allocation: keep the current block on top */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
		a->total += bs;
	}
	p = (char *)b->data + b->used;
	b->used += asz;
	memset(p, 0, asz);
	return p;
}

char *vigie_arena_strndup(struct vigie_arena *a, const char *s, size_t n)
{
	char *p = vigie_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *vigie_arena_strdup(struct vigie_arena *a, const char *s)
{
	return s ? vigie_arena_strndup(a, s, strlen(s)) : NULL;
}

/* ---- string vector ---- */
void vigie_strv_init(struct vigie_strv *s)
{
	s->v = NULL;
	s->n = s->cap = 0;
}

void vigie_strv_release(struct vigie_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	vigie_strv_init(s);
}

int vigie_strv_pushn(struct vigie_strv *s, const char *str, size_t n)
{
	char *c;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		char **v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return VIGIE_ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	c = strndup(str, n);
	if (!c)
		return VIGIE_ENOMEM;
	s->v[s->n++] = c;
	return 0;
}

int vigie_strv_push(struct vigie_strv *s, const char *str)
{
	return vigie_strv_pushn(s, str, strlen(str));
}

int vigie_strv_contains(const struct vigie_strv *s, const char *str)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], str))
			return 1;
	return 0;
}

int vigie_strv_push_unique(struct vigie_strv *s, const char *str)
{
	return vigie_strv_contains(s, str) ? 0 : vigie_strv_push(s, str);
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void vigie_strv_sort(struct vigie_strv *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmpstr);
}

char *vigie_strv_join(const struct vigie_strv *s, const char *sep)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	for (size_t i = 0; i < s->n; i++) {
		if ((i && vigie_buf_adds(&b, sep)) || vigie_buf_adds(&b, s->v[i])) {
			vigie_buf_release(&b);
			return NULL;
		}
	}
	return vigie_buf_detach(&b);
}

/* ---- time ---- */
int64_t vigie_days_from_civil(int y, int m, int d)
{
	/* Howard Hinnant's algorithm: proleptic Gregorian, no table. */
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void vigie_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int num(const char **p, int digits, int *out)
{
	int v = 0;
	for (int i = 0; i < digits; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += digits;
	*out = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static int64_t local_offset(int64_t utc_guess)
{
	time_t t = (time_t)utc_guess;
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return 0;
	return tm.tm_gmtoff;
}

int vigie_time_parse(int64_t *out, const char *s, int local)
{
	int y, mo, d, h = 0, mi = 0, se = 0;
	int64_t t;
	const char *p = s;
	int zone = 0;
	int64_t off = 0;

	while (*p == ' ')
		p++;
	if (num(&p, 4, &y) || *p++ != '-' || num(&p, 2, &mo) || *p++ != '-' ||
	    num(&p, 2, &d))
		return VIGIE_EPARSE;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return VIGIE_EPARSE;
	/* A space separates a time only when one follows: "2026-11-27 " is
	 * a date with trailing blanks. */
	if (*p == 'T' || *p == 't' ||
	    (*p == ' ' && isdigit((unsigned char)p[strspn(p, " ")]))) {
		p++;
		while (*p == ' ')
			p++;
		if (num(&p, 2, &h) || *p++ != ':' || num(&p, 2, &mi))
			return VIGIE_EPARSE;
		if (*p == ':') {
			p++;
			if (num(&p, 2, &se))
				return VIGIE_EPARSE;
			if (*p == '.' || *p == ',') {
				p++;
				if (!isdigit((unsigned char)*p))
					return VIGIE_EPARSE;
				while (isdigit((unsigned char)*p))
					p++;
			}
		}
		if (h > 23 || mi > 59 || se > 60)
			return VIGIE_EPARSE;
		if (*p == 'Z' || *p == 'z') {
			zone = 1;
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p == '-' ? -1 : 1, oh, om = 0;
			p++;
			if (num(&p, 2, &oh))
				return VIGIE_EPARSE;
			if (*p == ':')
				p++;
			if (isdigit((unsigned char)*p) && num(&p, 2, &om))
				return VIGIE_EPARSE;
			if (oh > 23 || om > 59)
				return VIGIE_EPARSE;
			off = sign * (oh * 3600 + om * 60);
			zone = 1;
		}
	}
	while (*p == ' ')
		p++;
	if (*p)
		return VIGIE_EPARSE;
	t = vigie_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	if (zone)
		t -= off;
	else if (local)
		t -= local_offset(t - local_offset(t));
	*out = t;
	return 0;
}

/* The zone of an RFC 822/2822 date: "+HH", "+HHMM", "+HH:MM" (and '-'),
 * or a name from RFC 822 (UT, GMT, Z, the US zones) or UTC; then at most
 * one "(comment)" such as "(CEST)". No zone at all means UTC. Anything else
 * is an error rather than a silent offset of 0. */
static int rfc822_zone(const char *p, int64_t *off)
{
	static const struct {
		const char *name;
		int hours;
	} named[] = {
		{ "UT", 0 },   { "UTC", 0 },  { "GMT", 0 },  { "Z", 0 },
		{ "EST", -5 }, { "EDT", -4 }, { "CST", -6 }, { "CDT", -5 },
		{ "MST", -7 }, { "MDT", -6 }, { "PST", -8 }, { "PDT", -7 },
	};

	*off = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, hh, mm = 0;
		p++;
		if (num(&p, 2, &hh))
			return VIGIE_EPARSE;
		if (*p == ':') {
			p++;
			if (num(&p, 2, &mm))
				return VIGIE_EPARSE;
		} else if (isdigit((unsigned char)*p) && num(&p, 2, &mm)) {
			return VIGIE_EPARSE;
		}
		if (hh > 23 || mm > 59)
			return VIGIE_EPARSE;
		*off = sign * (hh * 3600 + mm * 60);
	} else if (isalpha((unsigned char)*p)) {
		size_t n = 0, i;
		while (isalpha((unsigned char)p[n]))
			n++;
		for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
			if (strlen(named[i].name) == n && !strncasecmp(p, named[i].name, n))
				break;
		if (i == sizeof(named) / sizeof(named[0]))
			return VIGIE_EPARSE;
		*off = (int64_t)named[i].hours * 3600;
		p += n;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '(') {
		const char *e = strchr(p, ')');
		if (!e || memchr(p + 1, '(', (size_t)(e - p - 1)))
			return VIGIE_EPARSE;
		p = e + 1;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	return *p ? VIGIE_EPARSE : 0;
}

int vigie_time_parse_rfc822(int64_t *out, const char *s)
{
	static const char *mon[] = { "jan", "feb", "mar", "apr", "may", "jun",
				     "jul", "aug", "sep", "oct", "nov", "dec" };
	int d, y, h = 0, mi = 0, se = 0, m = -1, n = 0;
	char ms[8] = "";
	const char *p = s;
	int64_t off = 0;

	while (*p == ' ')
		p++;
	/* optional day name */
	if (isalpha((unsigned char)*p)) {
		while (isalpha((unsigned char)*p))
			p++;
		if (*p == ',')
			p++;
	}
	if (sscanf(p, "%d %3s %d %d:%d%n", &d, ms, &y, &h, &mi, &n) < 5)
		return VIGIE_EPARSE;
	p += n;
	if (*p == ':') {
		p++;
		if (sscanf(p, "%d%n", &se, &n) < 1)
			return VIGIE_EPARSE;
		p += n;
	}
	for (int i = 0; i < 12; i++)
		if (!strncasecmp(ms, mon[i], 3))
			m = i + 1;
	if (m < 0 || d < 1 || d > 31 || y < 0 || y > 9999 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || se < 0 || se > 60)
		return VIGIE_EPARSE;
	if (y < 100)
		y += y < 50 ? 2000 : 1900;
	if (d > days_in_month(y, m))
		return VIGIE_EPARSE;
	if (rfc822_zone(p, &off))
		return VIGIE_EPARSE;
	*out = vigie_days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + se - off;
	return 0;
}

const char *vigie_time_format(int64_t t, char *buf, size_t size)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t rem = t - days * 86400;
	int y, m, d;
	vigie_civil_from_days(days, &y, &m, &d);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
		 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	return buf;
}

const char *vigie_date_format(int64_t t, char *buf, size_t size)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int y, m, d;
	vigie_civil_from_days(days, &y, &m, &d);
	snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
	return buf;
}

int64_t vigie_monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t vigie_now(void)
{
	const char *e = getenv("VIGIE_NOW");
	int64_t t;
	if (e && *e && vigie_time_parse(&t, e, 0) == 0)
		return t;
	return (int64_t)time(NULL);
}

/* ---- text ---- */
int vigie_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (len - i <= n)
			return 0;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

char *vigie_strip(char *s)
{
	char *e;
	while (*s && isspace((unsigned char)*s))
		memmove(s, s + 1, strlen(s));
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int vigie_startswith_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

int vigie_extract_cves(struct vigie_strv *out, const char *text)
{
	const char *p = text;
	while ((p = strstr(p, "CVE-")) != NULL) {
		const char *q = p + 4;
		size_t nd = 0;
		int ok = 0;
		if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '-')) {
			p += 4;
			continue;
		}
		while (nd < 4 && isdigit((unsigned char)q[nd]))
			nd++;
		if (nd == 4 && q[4] == '-') {
			size_t k = 0;
			while (k < 20 && isdigit((unsigned char)q[5 + k]))
				k++;
			if (k >= 4 && !isalnum((unsigned char)q[5 + k]))
				ok = 1;
			if (ok) {
				char id[32];
				snprintf(id, sizeof(id), "%.*s", (int)(9 + k), p);
				if (vigie_strv_push_unique(out, id))
					return VIGIE_ENOMEM;
				p = q + 5 + k;
				continue;
			}
		}
		p += 4;
	}
	return 0;
}

int vigie_read_file(struct vigie_buf *out, const char *path, size_t max,
		    struct vigie_error *err)
{
	FILE *f = fopen(path, "rb");
	char tmp[65536];
	size_t n;
	int rc = 0;

	if (!f)
		return vigie_error_set(err, VIGIE_EIO, path, 0, "cannot open: %s",
				       strerror(errno));
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		if (out->len + n > max) {
			rc = vigie_error_set(err, VIGIE_ELIMIT, path, 0,
					     "file larger than %zu bytes", max);
			goto out;
		}
		if (vigie_buf_add(out, tmp, n)) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, path, 0, "out of memory");
			goto out;
		}
	}
	if (ferror(f))
		rc = vigie_error_set(err, VIGIE_EIO, path, 0, "read error: %s",
				     strerror(errno));
	else if (vigie_buf_grow(out, 0)) /* an empty file: "" rather than NULL */
		rc = vigie_error_set(err, VIGIE_ENOMEM, path, 0, "out of memory");
out:
	fclose(f);
	return rc;
}

/* Length (1-4) of the valid UTF-8 sequence at s, with its code point;
 * 0 when the bytes are not valid UTF-8. */
static size_t utf8_seq(const unsigned char *s, size_t left, unsigned *cpo)
{
	unsigned c = s[0], cp;
	size_t n;
	if (c < 0x80) {
		*cpo = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		n = 1;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (left <= n)
		return 0;
	for (size_t k = 1; k <= n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cpo = cp;
	return n + 1;
}

static int is_ctrl(unsigned cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

long vigie_ctrl_find(const char *str, size_t len, unsigned *cp_out)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < len;) {
		unsigned cp = 0;
		size_t n = utf8_seq(s + i, len - i, &cp);
		if (!n) {
			i++; /* invalid UTF-8 is another check's business */
			continue;
		}
		if (is_ctrl(cp)) {
			if (cp_out)
				*cp_out = cp;
			return (long)i;
		}
		i += n;
	}
	return -1;
}

int vigie_buf_add_safe(struct vigie_buf *b, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;
	int rc = 0;
	while (i < len && !rc) {
		unsigned cp = 0;
		size_t n = utf8_seq(s + i, len - i, &cp);
		if (n && !is_ctrl(cp)) {
			i += n;
			run += n;
			continue;
		}
		if (run && (rc = vigie_buf_add(b, s + i - run, run)))
			break;
		run = 0;
		if (!n) {
			rc = vigie_buf_addf(b, "\\x%02x", s[i]);
			i++;
		} else {
			rc = cp < 0x80 ? vigie_buf_addf(b, "\\x%02x", cp) : vigie_buf_addf(b, "\\u%04x", cp);
			i += n;
		}
	}
	if (!rc && run)
		rc = vigie_buf_add(b, s + i - run, run);
	return rc;
}

const char *vigie_text_safe(char *buf, size_t size, const char *s)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	if (!size)
		return buf;
	buf[0] = '\0';
	if (!s || !*s)
		return buf;
	if (vigie_buf_add_safe(&b, s, strlen(s)) || !b.data) {
		snprintf(buf, size, "(out of memory)");
	} else {
		size_t n = b.len < size - 1 ? b.len : size - 1;
		while (n && n < b.len && ((unsigned char)b.data[n] & 0xc0) == 0x80)
			n--; /* do not cut a character */
		memcpy(buf, b.data, n);
		buf[n] = '\0';
	}
	vigie_buf_release(&b);
	return buf;
}
