/* The report as the HTML and PDF views show it: blocks of already
 * translated, already formatted text (headings, paragraphs, tables, bar
 * charts), built once from the vigie.report/1 JSON so both views print the
 * same words and numbers. Internal to lib/report. */
#ifndef VIGIE_REPORT_VIEW_H
#define VIGIE_REPORT_VIEW_H

#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "vigie/core/error.h"
#include "vigie/core/util.h"
#include "vigie/report/i18n.h"

enum rv_kind { RV_TITLE, RV_HEADING, RV_PARA, RV_KV, RV_TABLE, RV_CHART };

struct rv_block {
	enum rv_kind kind;
	const char *text;        /* title, heading, paragraph, chart title */
	/* tables (RV_KV: 2 columns, no header) */
	size_t ncols, nrows;
	const char **head;       /* ncols */
	const char **cells;      /* nrows * ncols */
	int *flag;               /* per row: 1 = breach (highlighted) */
	const double *widths;    /* relative column widths, ncols */
	/* charts: n bars, one or two series */
	size_t n;
	const char **labels;
	double *v1, *v2;
	const char *legend1, *legend2;
};

struct rv {
	struct vigie_arena a;
	struct vigie_i18n cat;
	yajl_val root;
	struct rv_block *b;
	size_t n, cap;
	const char *lang;
	const char *doc_title;   /* "Rapport de sécurité — acme — novembre 2026" */
	const char *footer;      /* client and month, on every PDF page */
};

int vigie_rv_build(struct rv *v, const char *json, size_t len, struct vigie_error *err);
void vigie_rv_release(struct rv *v);
/* Translate (the catalogue of the report's language). */
#define T(s) vigie_i18n_tr(&v->cat, s)
/* "page %d / %d" in the report's language. */
const char *vigie_rv_page(struct rv *v, int page, int pages, char *buf, size_t size);
/* JSON access. */
yajl_val vigie_rv_get(yajl_val obj, const char *key);
const char *vigie_rv_str(yajl_val obj, const char *key);
double vigie_rv_num(yajl_val obj, const char *key);

#endif
