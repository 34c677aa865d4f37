#include "vigie/render/html.h"
#include "vigie/core/error.h"

int vigie_html_escape(struct vigie_buf *out, const char *s)
{
	int rc = 0;
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		switch (ch) {
		case '&': rc |= vigie_buf_adds(out, "&amp;"); break;
		case '<': rc |= vigie_buf_adds(out, "&lt;"); break;
		case '>': rc |= vigie_buf_adds(out, "&gt;"); break;
		case '"': rc |= vigie_buf_adds(out, "&quot;"); break;
		case '\'': rc |= vigie_buf_adds(out, "&#39;"); break;
		default:
			if (ch >= 0x20 ? ch != 0x7f : ch == '\t' || ch == '\n')
				rc |= vigie_buf_addc(out, (char)ch);
		}
	}
	return rc ? VIGIE_ENOMEM : 0;
}
