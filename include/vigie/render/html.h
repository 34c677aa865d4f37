/* vigie: the one HTML escape, for every page, report and export. */
#ifndef VIGIE_RENDER_HTML_H
#define VIGIE_RENDER_HTML_H

#include "vigie/core/util.h"

/* Append s (may be NULL) to out as HTML text or attribute value: & < > " '
 * become entities; other control characters than tab and newline are
 * dropped (they are not allowed in HTML), so nothing from the data can
 * open markup or reach a terminal. 0, or VIGIE_ENOMEM. */
int vigie_html_escape(struct vigie_buf *out, const char *s);

#endif
