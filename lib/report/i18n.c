/* Catalogues read from msgfmt's .mo files (format: GNU gettext manual,
 * "The Format of GNU MO Files"); plural forms and contexts are not used. */
#include "vigie/report/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MO_MAX (4 * 1024 * 1024)

static uint32_t rd(const struct vigie_i18n *c, uint32_t off)
{
	const unsigned char *p = (const unsigned char *)c->mo.data + off;
	uint32_t v;
	memcpy(&v, p, 4);
	return c->swap ? __builtin_bswap32(v) : v;
}

static int mo_check(struct vigie_i18n *c)
{
	uint32_t magic;
	if (c->mo.len < 28)
		return -1;
	memcpy(&magic, c->mo.data, 4);
	if (magic == 0x950412deu)
		c->swap = 0;
	else if (magic == 0xde120495u)
		c->swap = 1;
	else
		return -1;
	c->n = rd(c, 8);
	c->orig = rd(c, 12);
	c->trans = rd(c, 16);
	if (c->n > (uint32_t)(c->mo.len / 16) || c->orig > c->mo.len - (size_t)c->n * 8 ||
	    c->trans > c->mo.len - (size_t)c->n * 8)
		return -1;
	for (uint32_t i = 0; i < c->n; i++)
		for (int t = 0; t < 2; t++) {
			uint32_t len = rd(c, (t ? c->trans : c->orig) + i * 8);
			uint32_t off = rd(c, (t ? c->trans : c->orig) + i * 8 + 4);
			/* every string NUL-terminated inside the file */
			if (off >= c->mo.len || len >= c->mo.len - off || c->mo.data[off + len])
				return -1;
		}
	return 0;
}

static int try_load(struct vigie_i18n *c, const char *dir)
{
	char path[1024];
	struct vigie_error e;
	vigie_error_init(&e);
	snprintf(path, sizeof(path), "%s/%s/LC_MESSAGES/vigie.mo", dir, c->lang);
	if (access(path, R_OK))
		return -1;
	vigie_buf_reset(&c->mo);
	if (vigie_read_file(&c->mo, path, MO_MAX, &e) || mo_check(c)) {
		vigie_buf_release(&c->mo);
		c->n = 0;
		return -1;
	}
	return 0;
}

int vigie_i18n_open(struct vigie_i18n *c, const char *lang, struct vigie_error *err)
{
	const char *env = getenv("VIGIE_LOCALEDIR");
	memset(c, 0, sizeof(*c));
	if (!lang || (strcmp(lang, "fr") && strcmp(lang, "en")))
		return vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				       "language '%s': expected fr or en", lang ? lang : "");
	snprintf(c->lang, sizeof(c->lang), "%s", lang);
	if (!strcmp(lang, "en"))
		return 0;
	if (env && *env) {
		try_load(c, env);
		return 0;
	}
#ifdef VIGIE_BUILD_LOCALEDIR
	if (try_load(c, VIGIE_LOCALEDIR))
		try_load(c, VIGIE_BUILD_LOCALEDIR);
#else
	try_load(c, VIGIE_LOCALEDIR);
#endif
	return 0;
}

int vigie_i18n_open_mem(struct vigie_i18n *c, const char *lang, const void *mo, size_t len,
			struct vigie_error *err)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->lang, sizeof(c->lang), "%s", lang ? lang : "");
	if (len > MO_MAX)
		return vigie_error_set(err, VIGIE_ELIMIT, NULL, 0, "catalogue too large");
	if (vigie_buf_add(&c->mo, mo, len))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	if (mo_check(c)) {
		vigie_i18n_release(c);
		return vigie_error_set(err, VIGIE_EPARSE, NULL, 0, "not a .mo catalogue");
	}
	return 0;
}

void vigie_i18n_release(struct vigie_i18n *c)
{
	vigie_buf_release(&c->mo);
	c->n = 0;
}

int vigie_i18n_loaded(const struct vigie_i18n *c)
{
	return !strcmp(c->lang, "en") || c->n > 0;
}

const char *vigie_i18n_tr(const struct vigie_i18n *c, const char *msgid)
{
	uint32_t lo = 0, hi = c->n;
	while (lo < hi) { /* msgfmt sorts the originals by strcmp */
		uint32_t mid = lo + (hi - lo) / 2;
		const char *o = c->mo.data + rd(c, c->orig + mid * 8 + 4);
		int k = strcmp(msgid, o);
		if (!k) {
			const char *t = c->mo.data + rd(c, c->trans + mid * 8 + 4);
			return *t ? t : msgid;
		}
		if (k < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return msgid;
}

static const char *const months[12] = {
	N_("January"), N_("February"), N_("March"),     N_("April"),
	N_("May"),     N_("June"),     N_("July"),      N_("August"),
	N_("September"), N_("October"), N_("November"), N_("December"),
};

const char *vigie_i18n_month(const struct vigie_i18n *c, int m)
{
	return m >= 1 && m <= 12 ? vigie_i18n_tr(c, months[m - 1]) : "?";
}

const char *vigie_i18n_date(const struct vigie_i18n *c, int y, int m, int d, char *buf,
			    size_t size)
{
	if (!strcmp(c->lang, "fr"))
		snprintf(buf, size, "%d%s %s %d", d, d == 1 ? "er" : "", vigie_i18n_month(c, m), y);
	else
		snprintf(buf, size, "%s %d, %d", vigie_i18n_month(c, m), d, y);
	return buf;
}

const char *vigie_i18n_month_year(const struct vigie_i18n *c, int y, int m, char *buf,
				  size_t size)
{
	snprintf(buf, size, "%s %d", vigie_i18n_month(c, m), y);
	return buf;
}

const char *vigie_i18n_num(const struct vigie_i18n *c, double v, int decimals, char *buf,
			   size_t size)
{
	/* snprintf's decimal point is the C locale's: vigie never calls
	 * setlocale(LC_NUMERIC), so it is '.', replaced for French */
	snprintf(buf, size, "%.*f", decimals, v);
	if (!strcmp(c->lang, "fr"))
		for (char *p = buf; *p; p++)
			if (*p == '.')
				*p = ',';
	return buf;
}

const char *vigie_i18n_percent(const struct vigie_i18n *c, double share, char *buf,
			       size_t size)
{
	char n[64];
	vigie_i18n_num(c, share * 100.0, 1, n, sizeof(n));
	snprintf(buf, size, "%s%s", n, !strcmp(c->lang, "fr") ? "\xc2\xa0%" : "%");
	return buf;
}
