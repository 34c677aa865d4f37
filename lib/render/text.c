#include "vigie/render/text.h"
#include "vigie/core/error.h"

#include <string.h>

/* Bytes of the escape sequence at p (CSI: ESC [ ... final byte), or 0. */
static size_t esc_len(const char *p, const char *end)
{
	const char *q;
	if (p + 1 >= end || p[0] != '\033' || p[1] != '[')
		return 0;
	for (q = p + 2; q < end; q++)
		if ((unsigned char)*q >= 0x40 && (unsigned char)*q <= 0x7e)
			return (size_t)(q - p) + 1;
	return (size_t)(end - p);
}

/* Display columns of [p, end): UTF-8 lead bytes, escapes skipped. */
static int cols(const char *p, const char *end)
{
	int n = 0;
	while (p < end) {
		size_t e = esc_len(p, end);
		if (e) {
			p += e;
			continue;
		}
		if (((unsigned char)*p & 0xc0) != 0x80)
			n++;
		p++;
	}
	return n;
}

static int fit_line(struct vigie_buf *out, const char *p, const char *end, int width)
{
	int indent = 0, cont, col, rc = 0, first = 1;
	while (p + indent < end && p[indent] == ' ')
		indent++;
	cont = indent + 4 < width / 2 ? indent + 4 : width / 2;
	rc |= vigie_buf_add(out, p, (size_t)indent);
	p += indent;
	col = indent;
	while (p < end && !rc) {
		const char *w = p, *we;
		int ww;
		/* the next word and the spaces before it */
		while (w < end && *w == ' ')
			w++;
		we = w;
		while (we < end && *we != ' ')
			we++;
		ww = cols(w, we);
		if (!first && col + (int)(w - p) + ww > width && ww) {
			rc |= vigie_buf_addc(out, '\n');
			for (int k = 0; k < cont; k++)
				rc |= vigie_buf_addc(out, ' ');
			col = cont;
		} else {
			rc |= vigie_buf_add(out, p, (size_t)(w - p));
			col += (int)(w - p);
		}
		rc |= vigie_buf_add(out, w, (size_t)(we - w));
		col += ww;
		first = 0;
		p = we;
	}
	return rc;
}

int vigie_text_fit(struct vigie_buf *out, const char *in, size_t len, int width)
{
	const char *p = in, *end = in + len;
	int rc = 0;
	if (width < 20)
		return vigie_buf_add(out, in, len) ? VIGIE_ENOMEM : 0;
	while (p < end && !rc) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (cols(p, le) <= width)
			rc |= vigie_buf_add(out, p, (size_t)(le - p));
		else
			rc |= fit_line(out, p, le, width);
		if (nl)
			rc |= vigie_buf_addc(out, '\n');
		p = nl ? nl + 1 : end;
	}
	return rc ? VIGIE_ENOMEM : 0;
}
