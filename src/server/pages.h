/* Shared by the HTML pages: layout, translations of short labels. */
#ifndef VIGIE_SERVER_PAGES_H
#define VIGIE_SERVER_PAGES_H

#include "server.h"

/* The label in the request's language. */
const char *T(const struct req *r, const char *en, const char *fr);
/* The page head, header (user, language switch, log out) and <h1>. */
void page_begin(struct req *r, struct vigie_buf *out, const char *title);
/* Close the page; returns 200. */
int page_end(struct req *r, struct vigie_buf *out);
/* A time as RFC 3339 UTC, or "–" for 0. */
void page_time(struct req *r, struct vigie_buf *out, int64_t t);

#endif
