/* The report as an A4 PDF: cairo's PDF surface, text laid out by pango
 * (DejaVu fonts, subsets embedded by cairo), charts drawn with cairo.
 * Laid out twice: the first pass, on a scratch surface, counts the pages
 * so that every footer can say "page N / M". */
#include "view.h"
#include "vigie/report/report.h"

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <string.h>

#define PAGE_W 595.276
#define PAGE_H 841.890
#define MARGIN 42.0
#define BOTTOM (PAGE_H - 54.0)
#define CELL_PAD 3.0
#define FONT "DejaVu Sans"

struct pdf {
	struct rv *v;
	cairo_t *cr;
	int draw;          /* second pass: really draw */
	int page, pages;
	double y;
};

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int length)
{
	return vigie_buf_add(closure, data, length) ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

/* Lay out text in width at (x, y); returns its height. Draws only in the
 * second pass. */
static double text(struct pdf *p, const char *s, double x, double y, double width, double size,
		   int bold, int align_right, double r, double g, double b)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_new();
	int w, h;
	pango_font_description_set_family(fd, FONT);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	if (align_right)
		pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	pango_layout_set_text(l, s ? s : "", -1);
	pango_layout_get_size(l, &w, &h);
	if (p->draw) {
		cairo_set_source_rgb(p->cr, r, g, b);
		cairo_move_to(p->cr, x, y);
		pango_cairo_show_layout(p->cr, l);
	}
	pango_font_description_free(fd);
	g_object_unref(l);
	return (double)h / PANGO_SCALE;
}

static void footer(struct pdf *p)
{
	char buf[64];
	if (!p->draw)
		return;
	cairo_set_source_rgb(p->cr, 0.6, 0.6, 0.6);
	cairo_set_line_width(p->cr, 0.5);
	cairo_move_to(p->cr, MARGIN, BOTTOM + 12);
	cairo_line_to(p->cr, PAGE_W - MARGIN, BOTTOM + 12);
	cairo_stroke(p->cr);
	text(p, p->v->footer, MARGIN, BOTTOM + 16, 300, 7.5, 0, 0, .4, .4, .4);
	text(p, vigie_rv_page(p->v, p->page, p->pages, buf, sizeof(buf)), PAGE_W - MARGIN - 150,
	     BOTTOM + 16, 150, 7.5, 0, 1, .4, .4, .4);
}

static void new_page(struct pdf *p)
{
	footer(p);
	if (p->draw)
		cairo_show_page(p->cr);
	p->page++;
	p->y = MARGIN;
}

static void need(struct pdf *p, double h)
{
	if (p->y + h > BOTTOM && p->y > MARGIN)
		new_page(p);
}

static void col_widths(const struct rv_block *b, double *w)
{
	double sum = 0, avail = PAGE_W - 2 * MARGIN;
	for (size_t c = 0; c < b->ncols; c++)
		sum += b->widths ? b->widths[c] : b->kind == RV_KV ? (c ? 1.5 : 1.0) : 1.0;
	for (size_t c = 0; c < b->ncols; c++)
		w[c] = avail * (b->widths ? b->widths[c] : b->kind == RV_KV ? (c ? 1.5 : 1.0) : 1.0) /
		       sum;
}

static double row_height(struct pdf *p, const struct rv_block *b, const char *const *cells,
			 const double *w, int bold, double size)
{
	int save = p->draw;
	double h = 0;
	p->draw = 0;
	for (size_t c = 0; c < b->ncols; c++) {
		double t = text(p, cells[c], 0, 0, w[c] - 2 * CELL_PAD, size, bold, 0, 0, 0, 0);
		if (t > h)
			h = t;
	}
	p->draw = save;
	return h + 2 * CELL_PAD;
}

static void draw_row(struct pdf *p, const struct rv_block *b, const char *const *cells,
		     const double *w, double h, int kind, double size)
{
	double x = MARGIN;
	if (p->draw) {
		if (kind == 1) /* header */
			cairo_set_source_rgb(p->cr, 0.17, 0.34, 0.59);
		else if (kind == 2) /* breach */
			cairo_set_source_rgb(p->cr, 0.99, 0.91, 0.91);
		if (kind) {
			cairo_rectangle(p->cr, MARGIN, p->y, PAGE_W - 2 * MARGIN, h);
			cairo_fill(p->cr);
		}
		cairo_set_source_rgb(p->cr, 0.85, 0.87, 0.89);
		cairo_set_line_width(p->cr, 0.5);
		cairo_move_to(p->cr, MARGIN, p->y + h);
		cairo_line_to(p->cr, PAGE_W - MARGIN, p->y + h);
		cairo_stroke(p->cr);
	}
	for (size_t c = 0; c < b->ncols; c++) {
		int bold = kind == 1 || (b->kind == RV_KV && c == 0);
		double r = kind == 1 ? 1 : kind == 2 ? .54 : .1, g = kind == 1 ? 1 : kind == 2 ? .11 : .12,
		       bl = kind == 1 ? 1 : kind == 2 ? .11 : .14;
		text(p, cells[c], x + CELL_PAD, p->y + CELL_PAD, w[c] - 2 * CELL_PAD, size, bold, 0, r,
		     g, bl);
		x += w[c];
	}
	p->y += h;
}

static void table(struct pdf *p, const struct rv_block *b)
{
	double w[16], hh = 0, size = b->ncols > 6 ? 6.8 : 8.0;
	if (b->ncols > 16)
		return;
	col_widths(b, w);
	if (b->kind == RV_TABLE) {
		hh = row_height(p, b, b->head, w, 1, size);
		need(p, hh + 20);
		draw_row(p, b, b->head, w, hh, 1, size);
	}
	for (size_t r = 0; r < b->nrows; r++) {
		const char *const *cells = b->cells + r * b->ncols;
		double h = row_height(p, b, cells, w, 0, size);
		if (p->y + h > BOTTOM) {
			new_page(p);
			if (b->kind == RV_TABLE) /* the header again on every page */
				draw_row(p, b, b->head, w, hh, 1, size);
		}
		draw_row(p, b, cells, w, h, b->flag[r] ? 2 : 0, size);
	}
	p->y += 10;
}

static void chart(struct pdf *p, const struct rv_block *b)
{
	const double H = 150, L = MARGIN + 26, W = PAGE_W - MARGIN - L, top = 18, base = 22;
	double max = 1, bw, y0;
	char buf[32];
	need(p, H + 30);
	p->y += text(p, b->text, MARGIN, p->y, PAGE_W - 2 * MARGIN, 12, 1, 0, .17, .34, .59) + 4;
	y0 = p->y;
	for (size_t i = 0; i < b->n; i++) {
		if (b->v1[i] > max)
			max = b->v1[i];
		if (b->v2[i] > max)
			max = b->v2[i];
	}
	bw = b->n ? W / b->n : W;
	if (p->draw) {
		cairo_set_source_rgb(p->cr, .17, .34, .59);
		cairo_rectangle(p->cr, L, y0 + 3, 8, 8);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, .88, .48, .22);
		cairo_rectangle(p->cr, L + 140, y0 + 3, 8, 8);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, .53, .53, .53);
		cairo_set_line_width(p->cr, 0.7);
		cairo_move_to(p->cr, L, y0 + H - base);
		cairo_line_to(p->cr, L + W, y0 + H - base);
		cairo_stroke(p->cr);
		for (size_t i = 0; i < b->n; i++) {
			double x = L + i * bw, h1 = (H - base - top) * b->v1[i] / max,
			       h2 = (H - base - top) * b->v2[i] / max;
			cairo_set_source_rgb(p->cr, .17, .34, .59);
			cairo_rectangle(p->cr, x + bw * .1, y0 + H - base - h1, bw * .4, h1);
			cairo_fill(p->cr);
			cairo_set_source_rgb(p->cr, .88, .48, .22);
			cairo_rectangle(p->cr, x + bw * .5, y0 + H - base - h2, bw * .4, h2);
			cairo_fill(p->cr);
		}
	}
	text(p, b->legend1, L + 12, y0, 120, 7.5, 0, 0, .2, .2, .2);
	text(p, b->legend2, L + 152, y0, 160, 7.5, 0, 0, .2, .2, .2);
	snprintf(buf, sizeof(buf), "%g", max);
	text(p, buf, MARGIN, y0 + top - 4, 22, 7, 0, 1, .3, .3, .3);
	text(p, "0", MARGIN, y0 + H - base - 8, 22, 7, 0, 1, .3, .3, .3);
	for (size_t i = 0; i < b->n; i++) {
		/* every label when they fit, else every other one */
		if (bw < 14 && i % 2)
			continue;
		text(p, b->labels[i], L + i * bw - 6, y0 + H - base + 3, bw + 12, bw < 20 ? 6 : 7, 0, 0,
		     .3, .3, .3);
	}
	p->y = y0 + H + 8;
}

static void layout(struct pdf *p)
{
	p->page = 1;
	p->y = MARGIN;
	for (size_t i = 0; i < p->v->n; i++) {
		const struct rv_block *b = &p->v->b[i];
		switch (b->kind) {
		case RV_TITLE:
			p->y += text(p, b->text, MARGIN, p->y, PAGE_W - 2 * MARGIN, 20, 1, 0, .1, .12,
				     .14) + 14;
			break;
		case RV_HEADING:
			need(p, 60); /* a heading never ends a page */
			p->y += 6;
			p->y += text(p, b->text, MARGIN, p->y, PAGE_W - 2 * MARGIN, 13, 1, 0, .17, .34,
				     .59) + 2;
			if (p->draw) {
				cairo_set_source_rgb(p->cr, .17, .34, .59);
				cairo_set_line_width(p->cr, 1.2);
				cairo_move_to(p->cr, MARGIN, p->y);
				cairo_line_to(p->cr, PAGE_W - MARGIN, p->y);
				cairo_stroke(p->cr);
			}
			p->y += 6;
			break;
		case RV_PARA: {
			double h;
			int save = p->draw;
			p->draw = 0;
			h = text(p, b->text, MARGIN, p->y, PAGE_W - 2 * MARGIN, 9, 0, 0, 0, 0, 0);
			p->draw = save;
			need(p, h);
			p->y += text(p, b->text, MARGIN, p->y, PAGE_W - 2 * MARGIN, 9, 0, 0, .1, .12,
				     .14) + 8;
			break;
		}
		case RV_KV:
		case RV_TABLE: table(p, b); break;
		case RV_CHART: chart(p, b); break;
		}
	}
	footer(p);
}

int vigie_report_pdf(struct vigie_buf *out, const char *json, size_t len, struct vigie_error *err)
{
	struct rv v;
	struct pdf p;
	cairo_surface_t *scratch = NULL, *pdf = NULL;
	struct vigie_buf o = VIGIE_BUF_INIT;
	int rc;

	memset(&p, 0, sizeof(p));
	if ((rc = vigie_rv_build(&v, json, len, err)))
		goto out;
	p.v = &v;
	/* pass 1: count pages */
	scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 8);
	p.cr = cairo_create(scratch);
	layout(&p);
	p.pages = p.page;
	cairo_destroy(p.cr);
	/* pass 2: draw */
	pdf = cairo_pdf_surface_create_for_stream(to_buf, &o, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, v.doc_title);
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "vigie");
	/* the report's own time, not the clock's: the same model gives the
	 * same bytes */
	if (vigie_rv_str(v.root, "generated_at")) {
		cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATE_DATE,
					       vigie_rv_str(v.root, "generated_at"));
		cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_MOD_DATE,
					       vigie_rv_str(v.root, "generated_at"));
	}
	p.cr = cairo_create(pdf);
	p.draw = 1;
	layout(&p);
	cairo_show_page(p.cr);
	cairo_destroy(p.cr);
	cairo_surface_finish(pdf);
	if (cairo_surface_status(pdf) != CAIRO_STATUS_SUCCESS) {
		rc = vigie_error_set(err, VIGIE_EIO, NULL, 0, "cannot write the PDF: %s",
				     cairo_status_to_string(cairo_surface_status(pdf)));
		goto out;
	}
	if (vigie_buf_add(out, o.data, o.len))
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
out:
	if (pdf)
		cairo_surface_destroy(pdf);
	if (scratch)
		cairo_surface_destroy(scratch);
	vigie_buf_release(&o);
	vigie_rv_release(&v);
	return rc;
}
