/* The report as one printable HTML file: inline CSS, inline SVG charts,
 * no script, no external asset; every value escaped. */
#include "view.h"
#include "vigie/render/html.h"
#include "vigie/report/report.h"

#include <stdio.h>
#include <string.h>

/* Text and attribute escape; control characters (never meaningful in a
 * report) are dropped, so nothing from the data can open markup. */
static void esc(struct vigie_buf *o, const char *s)
{
	/* the one escape, lines kept as <br> */
	while (s && *s) {
		const char *nl = strchr(s, '\n');
		if (!nl) {
			vigie_html_escape(o, s);
			break;
		}
		{
			char part[1024];
			size_t n = (size_t)(nl - s);
			while (n) {
				size_t k = n < sizeof(part) - 1 ? n : sizeof(part) - 1;
				memcpy(part, s, k);
				part[k] = '\0';
				vigie_html_escape(o, part);
				s += k;
				n -= k;
			}
		}
		vigie_buf_adds(o, "<br>");
		s = nl + 1;
	}
}

static const char css[] =
	"@page{size:A4;margin:15mm 12mm 18mm 12mm}\n"
	"body{font-family:'DejaVu Sans',sans-serif;font-size:10pt;color:#1b1f24;margin:0 auto;"
	"max-width:190mm}\n"
	"h1{font-size:20pt;margin:0 0 .3em;line-height:1.3}h1 small{display:block;font-size:13pt;"
	"color:#444;font-weight:normal}\n"
	"h2{font-size:13pt;border-bottom:2px solid #2b5797;color:#2b5797;margin:1.4em 0 .5em;"
	"break-after:avoid}\n"
	"table{border-collapse:collapse;width:100%;margin:.3em 0 1em;font-size:8.5pt}\n"
	"thead{display:table-header-group}tr{break-inside:avoid}\n"
	"th{background:#2b5797;color:#fff;text-align:left;padding:3px 4px}\n"
	"td{border-bottom:1px solid #d8dde3;padding:3px 4px;vertical-align:top}\n"
	"table.kv td:first-child{width:40%;font-weight:bold;color:#333}\n"
	"tr.breach td{background:#fde8e8;color:#8a1c1c}\n"
	"td:first-child{white-space:nowrap}\n"
	"svg{display:block;margin:.3em 0 1em}\n"
	"p{margin:.4em 0 .8em}footer{color:#666;font-size:8pt;margin-top:2em}\n";

static void chart(struct vigie_buf *o, const struct rv_block *b)
{
	const double W = 700, H = 190, L = 34, B = 34, T0 = 22;
	double max = 1, bw;
	vigie_buf_adds(o, "<h2>");
	esc(o, b->text);
	vigie_buf_adds(o, "</h2>\n");
	for (size_t i = 0; i < b->n; i++) {
		if (b->v1[i] > max)
			max = b->v1[i];
		if (b->v2 && b->v2[i] > max)
			max = b->v2[i];
	}
	bw = b->n ? (W - L - 4) / b->n : 1;
	vigie_buf_addf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
			  "viewBox=\"0 0 %g %g\" font-family=\"DejaVu Sans,sans-serif\" "
			  "font-size=\"9\">\n", W, H, W, H);
	vigie_buf_addf(o, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#888\"/>\n", L,
		       H - B, W - 2, H - B);
	vigie_buf_addf(o, "<text x=\"%g\" y=\"%g\" text-anchor=\"end\">%g</text>\n", L - 4,
		       T0 + 4, max);
	vigie_buf_addf(o, "<text x=\"%g\" y=\"%g\" text-anchor=\"end\">0</text>\n", L - 4, H - B);
	for (size_t i = 0; i < b->n; i++) {
		double x = L + 2 + i * bw, h1 = (H - B - T0) * b->v1[i] / max;
		double h2 = b->v2 ? (H - B - T0) * b->v2[i] / max : 0;
		vigie_buf_addf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				  "fill=\"#2b5797\"><title>%g</title></rect>\n",
			       x + bw * 0.1, H - B - h1, bw * 0.4, h1, b->v1[i]);
		if (b->v2)
			vigie_buf_addf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
					  "fill=\"#e07b39\"><title>%g</title></rect>\n",
				       x + bw * 0.5, H - B - h2, bw * 0.4, h2, b->v2[i]);
		vigie_buf_addf(o, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">", x + bw / 2,
			       H - B + 12);
		esc(o, b->labels[i]);
		vigie_buf_adds(o, "</text>\n");
	}
	vigie_buf_addf(o, "<rect x=\"%g\" y=\"4\" width=\"10\" height=\"10\" fill=\"#2b5797\"/>"
			  "<text x=\"%g\" y=\"13\">", L, L + 14);
	esc(o, b->legend1);
	vigie_buf_addf(o, "</text><rect x=\"%g\" y=\"4\" width=\"10\" height=\"10\" "
			  "fill=\"#e07b39\"/><text x=\"%g\" y=\"13\">", L + 150, L + 164);
	esc(o, b->legend2);
	vigie_buf_adds(o, "</text>\n</svg>\n");
}

static void tab(struct vigie_buf *o, const struct rv_block *b)
{
	vigie_buf_adds(o, b->kind == RV_KV ? "<table class=\"kv\">\n" : "<table>\n");
	if (b->kind == RV_TABLE) {
		vigie_buf_adds(o, "<thead><tr>");
		for (size_t c = 0; c < b->ncols; c++) {
			vigie_buf_adds(o, "<th>");
			esc(o, b->head[c]);
			vigie_buf_adds(o, "</th>");
		}
		vigie_buf_adds(o, "</tr></thead>\n");
	}
	vigie_buf_adds(o, "<tbody>\n");
	for (size_t r = 0; r < b->nrows; r++) {
		vigie_buf_adds(o, b->flag[r] ? "<tr class=\"breach\">" : "<tr>");
		for (size_t c = 0; c < b->ncols; c++) {
			vigie_buf_adds(o, "<td>");
			esc(o, b->cells[r * b->ncols + c]);
			vigie_buf_adds(o, "</td>");
		}
		vigie_buf_adds(o, "</tr>\n");
	}
	vigie_buf_adds(o, "</tbody></table>\n");
}

int vigie_report_html(struct vigie_buf *out, const char *json, size_t len,
		      struct vigie_error *err)
{
	struct rv v;
	struct vigie_buf o = VIGIE_BUF_INIT;
	int rc;

	if ((rc = vigie_rv_build(&v, json, len, err)))
		goto out;
	vigie_buf_addf(&o, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
			   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
			   "style-src 'unsafe-inline'\">\n<title>",
		       v.lang);
	esc(&o, v.doc_title);
	vigie_buf_addf(&o, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
	for (size_t i = 0; i < v.n; i++) {
		const struct rv_block *b = &v.b[i];
		switch (b->kind) {
		case RV_TITLE: {
			const char *nl = strchr(b->text, '\n');
			vigie_buf_adds(&o, "<h1>");
			if (nl) {
				struct vigie_buf t = VIGIE_BUF_INIT;
				vigie_buf_add(&t, b->text, (size_t)(nl - b->text));
				esc(&o, t.data);
				vigie_buf_release(&t);
				vigie_buf_adds(&o, "<small>");
				esc(&o, nl + 1);
				vigie_buf_adds(&o, "</small>");
			} else {
				esc(&o, b->text);
			}
			vigie_buf_adds(&o, "</h1>\n");
			break;
		}
		case RV_HEADING:
			vigie_buf_adds(&o, "<h2>");
			esc(&o, b->text);
			vigie_buf_adds(&o, "</h2>\n");
			break;
		case RV_PARA:
			vigie_buf_adds(&o, "<p>");
			esc(&o, b->text);
			vigie_buf_adds(&o, "</p>\n");
			break;
		case RV_KV:
		case RV_TABLE: tab(&o, b); break;
		case RV_CHART: chart(&o, b); break;
		}
	}
	vigie_buf_adds(&o, "<footer>");
	esc(&o, v.footer);
	vigie_buf_adds(&o, " — vigie</footer>\n</body>\n</html>\n");
	if (vigie_buf_add(out, o.data, o.len)) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
out:
	vigie_buf_release(&o);
	vigie_rv_release(&v);
	return rc;
}
