#include "vigie/core/csv.h"
#include "vigie/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vigie_csv {
	const char *data;
	size_t len, pos;
	char name[256];
	char sep;
	size_t max_field, max_fields, max_record;
	unsigned long line;        /* line at pos */
	unsigned long rec_line;    /* line where the current record starts */
	struct vigie_buf text;     /* fields, each NUL-terminated */
	size_t *off;               /* field start offsets into text */
	size_t *flen;              /* field lengths */
	size_t nfields;
};

static char detect_sep(const char *d, size_t len)
{
	size_t commas = 0, semis = 0;
	int quoted = 0;
	for (size_t i = 0; i < len; i++) {
		char ch = d[i];
		if (ch == '"')
			quoted = !quoted;
		else if (!quoted && (ch == '\n' || ch == '\r'))
			break;
		else if (!quoted && ch == ',')
			commas++;
		else if (!quoted && ch == ';')
			semis++;
	}
	return semis > commas ? ';' : ',';
}

int vigie_csv_open_mem(struct vigie_csv **out, const char *data, size_t len,
		       const char *name, const struct vigie_csv_opts *opts,
		       struct vigie_error *err)
{
	struct vigie_csv *c = calloc(1, sizeof(*c));
	*out = NULL;
	if (!c)
		return vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
	c->data = data;
	c->len = len;
	snprintf(c->name, sizeof(c->name), "%s", name ? name : "<csv>");
	c->max_field = opts && opts->max_field ? opts->max_field : VIGIE_CSV_MAX_FIELD;
	c->max_fields = opts && opts->max_fields ? opts->max_fields : VIGIE_CSV_MAX_FIELDS;
	c->max_record = opts && opts->max_record ? opts->max_record : VIGIE_CSV_MAX_RECORD;
	c->off = calloc(c->max_fields, sizeof(*c->off));
	c->flen = calloc(c->max_fields, sizeof(*c->flen));
	if (!c->off || !c->flen) {
		vigie_csv_free(c);
		return vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
	}
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		c->pos = 3;
	c->sep = opts && opts->sep ? opts->sep : detect_sep(data + c->pos, len - c->pos);
	c->line = 1;
	*out = c;
	return 0;
}

void vigie_csv_free(struct vigie_csv *c)
{
	if (!c)
		return;
	vigie_buf_release(&c->text);
	free(c->off);
	free(c->flen);
	free(c);
}

static int end_field(struct vigie_csv *c, size_t start, struct vigie_error *err)
{
	if (c->nfields >= c->max_fields)
		return vigie_error_set(err, VIGIE_ELIMIT, c->name, c->rec_line,
				       "record has more than %zu fields", c->max_fields);
	c->off[c->nfields] = start;
	c->flen[c->nfields] = c->text.len - start;
	c->nfields++;
	if (vigie_buf_addc(&c->text, '\0'))
		return vigie_error_set(err, VIGIE_ENOMEM, c->name, c->rec_line,
				       "out of memory");
	return 0;
}

/* Append one byte of field content, enforcing the field and record bounds. */
static int put(struct vigie_csv *c, size_t start, char ch, struct vigie_error *err)
{
	if (c->text.len - start >= c->max_field)
		return vigie_error_set(err, VIGIE_ELIMIT, c->name, c->rec_line,
				       "field %zu longer than %zu bytes",
				       c->nfields + 1, c->max_field);
	if (c->text.len >= c->max_record)
		return vigie_error_set(err, VIGIE_ELIMIT, c->name, c->rec_line,
				       "record longer than %zu bytes", c->max_record);
	if (ch == '\0')
		return vigie_error_set(err, VIGIE_EPARSE, c->name, c->line,
				       "NUL byte in CSV input");
	if (vigie_buf_addc(&c->text, ch))
		return vigie_error_set(err, VIGIE_ENOMEM, c->name, c->rec_line,
				       "out of memory");
	return 0;
}

int vigie_csv_next(struct vigie_csv *c, struct vigie_error *err)
{
	const char *d = c->data;
	size_t n = c->len;
	int rc;

	c->nfields = 0;
	vigie_buf_reset(&c->text);
	/* skip blank lines */
	while (c->pos < n && (d[c->pos] == '\n' || d[c->pos] == '\r')) {
		if (d[c->pos] == '\n')
			c->line++;
		c->pos++;
	}
	if (c->pos >= n)
		return 0;
	c->rec_line = c->line;
	for (;;) {
		size_t start = c->text.len;
		if (c->pos < n && d[c->pos] == '"') {
			unsigned long qline = c->line;
			c->pos++;
			for (;;) {
				if (c->pos >= n)
					return vigie_error_set(err, VIGIE_EPARSE, c->name, qline,
							       "quoted field not closed before end of input");
				char ch = d[c->pos++];
				if (ch == '"') {
					if (c->pos < n && d[c->pos] == '"') {
						c->pos++;
					} else {
						break;
					}
				} else if (ch == '\n') {
					c->line++;
				}
				if ((rc = put(c, start, ch, err)))
					return rc;
			}
			/* after the closing quote: separator, end of line or input */
			if (c->pos < n && d[c->pos] != c->sep && d[c->pos] != '\n' &&
			    !(d[c->pos] == '\r' && (c->pos + 1 >= n || d[c->pos + 1] == '\n')))
				return vigie_error_set(err, VIGIE_EPARSE, c->name, c->line,
						       "unexpected character after closing quote");
		} else {
			while (c->pos < n && d[c->pos] != c->sep && d[c->pos] != '\n') {
				if (d[c->pos] == '\r' && (c->pos + 1 >= n || d[c->pos + 1] == '\n'))
					break;
				if ((rc = put(c, start, d[c->pos], err)))
					return rc;
				c->pos++;
			}
		}
		if ((rc = end_field(c, start, err)))
			return rc;
		if (c->pos >= n)
			return 1;
		if (d[c->pos] == c->sep) {
			c->pos++;
			continue;
		}
		if (d[c->pos] == '\r')
			c->pos++;
		if (c->pos < n && d[c->pos] == '\n') {
			c->pos++;
			c->line++;
		}
		return 1;
	}
}

size_t vigie_csv_nfields(const struct vigie_csv *c)
{
	return c->nfields;
}

const char *vigie_csv_field(const struct vigie_csv *c, size_t i)
{
	return i < c->nfields ? c->text.data + c->off[i] : NULL;
}

size_t vigie_csv_field_len(const struct vigie_csv *c, size_t i)
{
	return i < c->nfields ? c->flen[i] : 0;
}

unsigned long vigie_csv_line(const struct vigie_csv *c)
{
	return c->rec_line;
}

char vigie_csv_sep(const struct vigie_csv *c)
{
	return c->sep;
}

const char *vigie_csv_name(const struct vigie_csv *c)
{
	return c->name;
}

int vigie_csv_quote(struct vigie_buf *out, const char *s, char sep)
{
	int need = 0;
	if (!s)
		s = "";
	for (const char *p = s; *p; p++)
		if (*p == sep || *p == '"' || *p == '\n' || *p == '\r')
			need = 1;
	if (!need)
		return vigie_buf_adds(out, s);
	if (vigie_buf_addc(out, '"'))
		return VIGIE_ENOMEM;
	for (const char *p = s; *p; p++) {
		if (*p == '"' && vigie_buf_addc(out, '"'))
			return VIGIE_ENOMEM;
		if (vigie_buf_addc(out, *p))
			return VIGIE_ENOMEM;
	}
	return vigie_buf_addc(out, '"');
}
