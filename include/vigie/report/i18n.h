/* vigie: translations and the conventions of a language for the report
 * (fr, en), without the process locale: each catalogue is a gettext .mo
 * file read into memory (msgfmt's output, <localedir>/<lang>/LC_MESSAGES/
 * vigie.mo), looked up by binary search. A catalogue is read-only once
 * open and may be shared by threads; nothing global is changed.
 *
 * Localedir: $VIGIE_LOCALEDIR, else the installed share/locale, else the
 * build tree's po/ (running from the build directory). English needs no
 * catalogue; a missing French one leaves the English text (the call still
 * succeeds; vigie_i18n_loaded() says so). */
#ifndef VIGIE_REPORT_I18N_H
#define VIGIE_REPORT_I18N_H

#include <stddef.h>
#include <stdint.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"

/* Marks a string for xgettext without translating it here. */
#define N_(s) (s)

struct vigie_i18n {
	char lang[8];     /* "fr" or "en" */
	struct vigie_buf mo;
	uint32_t n, orig, trans;
	int swap;
};

/* "fr" or "en" (VIGIE_EUSAGE otherwise). Release with vigie_i18n_release(). */
int vigie_i18n_open(struct vigie_i18n *c, const char *lang, struct vigie_error *err);
/* The same with a .mo image in memory (copied); VIGIE_EPARSE when it is
 * not a well-formed catalogue. */
int vigie_i18n_open_mem(struct vigie_i18n *c, const char *lang, const void *mo, size_t len,
			struct vigie_error *err);
void vigie_i18n_release(struct vigie_i18n *c);
int vigie_i18n_loaded(const struct vigie_i18n *c);
/* The translation of msgid, or msgid itself (never NULL). */
const char *vigie_i18n_tr(const struct vigie_i18n *c, const char *msgid);
/* Month name (1..12), translated. */
const char *vigie_i18n_month(const struct vigie_i18n *c, int m);
/* "2 décembre 2026" / "December 2, 2026" into buf. */
const char *vigie_i18n_date(const struct vigie_i18n *c, int y, int m, int d, char *buf,
			    size_t size);
/* "novembre 2026" / "November 2026". */
const char *vigie_i18n_month_year(const struct vigie_i18n *c, int y, int m, char *buf,
				  size_t size);
/* v with decimals digits: "98,5" / "98.5". */
const char *vigie_i18n_num(const struct vigie_i18n *c, double v, int decimals, char *buf,
			   size_t size);
/* A share 0..1 as a percentage with one decimal: "98,5 %" (no-break
 * space) / "98.5%". */
const char *vigie_i18n_percent(const struct vigie_i18n *c, double share, char *buf,
			       size_t size);

#endif
