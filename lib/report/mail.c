/* The report by mail: RFC 5322 headers (RFC 2047 encoded subject), a
 * multipart/mixed body with the summary as text/plain (UTF-8,
 * quoted-printable) and the PDF as a base64 attachment. */
#include "view.h"
#include "vigie/report/report.h"

#include <stdio.h>
#include <string.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int base64(struct vigie_buf *o, const unsigned char *p, size_t n, size_t wrap)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);
		char q[4] = { b64[v >> 18 & 63], b64[v >> 12 & 63],
			      i + 1 < n ? b64[v >> 6 & 63] : '=', i + 2 < n ? b64[v & 63] : '=' };
		if (vigie_buf_add(o, q, 4))
			return -1;
		col += 4;
		if (wrap && col >= wrap) {
			vigie_buf_adds(o, "\r\n");
			col = 0;
		}
	}
	if (wrap && col)
		vigie_buf_adds(o, "\r\n");
	return 0;
}

/* RFC 2047 "B" encoded words of at most 75 characters, split on UTF-8
 * character boundaries, folded onto continuation lines. */
static void encoded_words(struct vigie_buf *o, const char *s)
{
	size_t n = strlen(s), i = 0;
	int first = 1;
	while (i < n) {
		size_t j = i, take = 0;
		/* 45 bytes of input -> 60 of base64, within 75 with the wrapper */
		while (j < n && j - i < 45) {
			size_t k = j + 1;
			while (k < n && ((unsigned char)s[k] & 0xc0) == 0x80)
				k++;
			if (k - i > 45)
				break;
			j = k;
		}
		take = j - i;
		vigie_buf_adds(o, first ? "=?UTF-8?B?" : "\r\n =?UTF-8?B?");
		base64(o, (const unsigned char *)s + i, take, 0);
		vigie_buf_adds(o, "?=");
		first = 0;
		i = j;
	}
}

/* Quoted-printable (RFC 2045 6.7), lines at most 76 characters, CRLF. */
static void qp(struct vigie_buf *o, const char *s)
{
	size_t col = 0;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		char e[4];
		if (ch == '\n') {
			vigie_buf_adds(o, "\r\n");
			col = 0;
			continue;
		}
		if ((ch >= 33 && ch <= 126 && ch != '=') || (ch == ' ' && s[1] && s[1] != '\n'))
			snprintf(e, sizeof(e), "%c", ch);
		else
			snprintf(e, sizeof(e), "=%02X", ch);
		if (col + strlen(e) > 75) {
			vigie_buf_adds(o, "=\r\n");
			col = 0;
		}
		vigie_buf_adds(o, e);
		col += strlen(e);
	}
	vigie_buf_adds(o, "\r\n");
}

/* One header value from the data: no CR or LF may end it early. */
static int header_safe(const char *s)
{
	return s && !strpbrk(s, "\r\n");
}

int vigie_report_contacts(struct vigie_strv *out, const char *json, size_t len,
			  struct vigie_error *err)
{
	struct rv v;
	yajl_val c;
	int rc = vigie_rv_build(&v, json, len, err);
	if (!rc) {
		c = vigie_rv_get(vigie_rv_get(v.root, "client"), "contacts");
		for (size_t i = 0; c && YAJL_IS_ARRAY(c) && i < c->u.array.len; i++)
			if (YAJL_IS_STRING(c->u.array.values[i]) &&
			    vigie_strv_push(out, YAJL_GET_STRING(c->u.array.values[i]))) {
				rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
				break;
			}
	}
	vigie_rv_release(&v);
	return rc;
}

int vigie_report_mail(struct vigie_buf *out, const char *json, size_t len, const char *from,
		      const void *pdf, size_t pdf_len, struct vigie_error *err)
{
	struct rv v;
	struct vigie_buf text = VIGIE_BUF_INIT, o = VIGIE_BUF_INIT;
	yajl_val contacts;
	const char *client, *month, *gen;
	char boundary[96], date[64];
	unsigned long h = 5381;
	int rc;

	if ((rc = vigie_rv_build(&v, json, len, err)))
		goto out;
	client = vigie_rv_str(vigie_rv_get(v.root, "client"), "name");
	month = vigie_rv_str(v.root, "month");
	gen = vigie_rv_str(v.root, "generated_at");
	contacts = vigie_rv_get(vigie_rv_get(v.root, "client"), "contacts");
	if (!contacts || !YAJL_IS_ARRAY(contacts) || !contacts->u.array.len) {
		rc = vigie_error_set(err, VIGIE_EUSAGE, NULL, 0,
				     "client %s has no contact ('vigie clients add %s --contact EMAIL')",
				     client, client);
		goto out;
	}
	if (!header_safe(from) || !header_safe(client) || !month) {
		rc = vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "a mail header would hold a line break");
		goto out;
	}
	/* the boundary: derived from the PDF, so it never occurs in the base64 */
	for (size_t i = 0; i < pdf_len; i++)
		h = h * 33 + ((const unsigned char *)pdf)[i];
	snprintf(boundary, sizeof(boundary), "=_vigie_report_%s_%lx", month, h);
	{
		/* RFC 5322 date of generation (UTC) */
		static const char *const wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
		static const char *const mn[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
						  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
		int64_t t = 0;
		int y, m, d;
		if (!gen || vigie_time_parse(&t, gen, 0))
			t = vigie_now();
		int64_t day = t / 86400;
		vigie_civil_from_days(day, &y, &m, &d);
		snprintf(date, sizeof(date), "%s, %d %s %d %02d:%02d:%02d +0000", wd[day % 7], d,
			 mn[m - 1], y, (int)(t % 86400 / 3600), (int)(t % 3600 / 60), (int)(t % 60));
	}
	vigie_buf_addf(&o, "From: %s\r\nTo: ", from);
	for (size_t i = 0; i < contacts->u.array.len; i++) {
		yajl_val e = contacts->u.array.values[i];
		if (!YAJL_IS_STRING(e) || !header_safe(YAJL_GET_STRING(e))) {
			rc = vigie_error_set(err, VIGIE_EUSAGE, NULL, 0, "bad contact address");
			goto out;
		}
		vigie_buf_addf(&o, "%s%s", i ? ",\r\n " : "", YAJL_GET_STRING(e));
	}
	vigie_buf_addf(&o, "\r\nDate: %s\r\nSubject: ", date);
	encoded_words(&o, v.doc_title);
	vigie_buf_addf(&o, "\r\nMIME-Version: 1.0\r\nContent-Language: %s\r\n"
			   "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"
			   "This is a MIME message.\r\n\r\n--%s\r\n"
			   "Content-Type: text/plain; charset=UTF-8\r\n"
			   "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
		       v.lang, boundary, boundary);
	/* the text part: the summary's key figures, the same strings as the views */
	vigie_buf_addf(&text, "%s\n\n", v.doc_title);
	for (size_t i = 0; i < v.n; i++) {
		const struct rv_block *b = &v.b[i];
		if (b->kind == RV_HEADING && !strcmp(b->text, vigie_i18n_tr(&v.cat, "Summary"))) {
			const struct rv_block *kv = i + 1 < v.n ? &v.b[i + 1] : NULL;
			for (size_t r = 0; kv && kv->kind == RV_KV && r < kv->nrows; r++)
				vigie_buf_addf(&text, "%s: %s\n", kv->cells[r * 2], kv->cells[r * 2 + 1]);
		}
	}
	vigie_buf_addf(&text, "\n%s\n", vigie_i18n_tr(&v.cat, "The full report is attached (PDF)."));
	qp(&o, text.data);
	vigie_buf_addf(&o, "\r\n--%s\r\nContent-Type: application/pdf; name=\"%s-%s.pdf\"\r\n"
			   "Content-Disposition: attachment; filename=\"%s-%s.pdf\"\r\n"
			   "Content-Transfer-Encoding: base64\r\n\r\n",
		       boundary, client, month, client, month);
	if (base64(&o, pdf, pdf_len, 76) || vigie_buf_addf(&o, "\r\n--%s--\r\n", boundary) ||
	    vigie_buf_add(out, o.data, o.len)) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
out:
	vigie_buf_release(&text);
	vigie_buf_release(&o);
	vigie_rv_release(&v);
	return rc;
}
