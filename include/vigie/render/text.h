/* vigie: text output that fits a terminal. */
#ifndef VIGIE_RENDER_TEXT_H
#define VIGIE_RENDER_TEXT_H

#include <stddef.h>

#include "vigie/core/util.h"

/* Append in[0..len) to out with every line wider than width columns
 * wrapped at spaces; a continuation line is indented 4 more than its
 * line's own indentation. Widths count UTF-8 characters and skip ANSI
 * escape sequences (colours); a word wider than the room is kept whole
 * (an advisory id or URL is never cut). width < 20: copied as is.
 * 0, or VIGIE_ENOMEM. */
int vigie_text_fit(struct vigie_buf *out, const char *in, size_t len, int width);

#endif
