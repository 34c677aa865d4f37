#include "vigie/core/deb822.h"
#include "vigie/core/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct deb822 {
	struct vigie_reader *r;
	int flags;
	struct vigie_buf text;        /* all names and values of the stanza */
	struct {
		size_t name, value;   /* offsets into text */
		unsigned long line;
	} off[DEB822_MAX_FIELDS];
	struct deb822_field fields[DEB822_MAX_FIELDS];
	size_t n;
	unsigned long stanza_line;
	size_t cur_value_start;       /* offset of the value being built */
};

int vigie_deb822_open_reader(struct deb822 **out, struct vigie_reader *r, int flags,
		       struct vigie_error *err)
{
	struct deb822 *d = calloc(1, sizeof(*d));
	*out = NULL;
	if (!d) {
		vigie_reader_free(r);
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	}
	d->r = r;
	d->flags = flags;
	*out = d;
	return 0;
}

int vigie_deb822_open(struct deb822 **out, const char *path, int flags,
		struct vigie_error *err)
{
	struct vigie_reader *r;
	int rc = vigie_reader_open(&r, path, err);
	*out = NULL;
	if (rc)
		return rc;
	return vigie_deb822_open_reader(out, r, flags, err);
}

static int valid_name(const char *s, size_t n)
{
	if (!n || s[0] == '-' || s[0] == '#')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 32 || c >= 127 || c == ':')
			return 0;
	}
	return 1;
}

int vigie_deb822_next(struct deb822 *d, struct vigie_error *err)
{
	char *line;
	size_t len;
	int rc;
	const char *name = vigie_reader_name(d->r);

	d->n = 0;
	d->stanza_line = 0;
	vigie_buf_reset(&d->text);
	for (;;) {
		unsigned long ln;
		rc = vigie_reader_getline(d->r, &line, &len, err);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		ln = vigie_reader_lineno(d->r);
		if ((d->flags & DEB822_COMMENTS) && line[0] == '#')
			continue;
		if (len == 0 || strspn(line, " \t") == len) {
			if (d->n)
				break;
			continue; /* blank lines between stanzas */
		}
		if (line[0] == ' ' || line[0] == '\t') {
			size_t vlen;
			if (!d->n)
				return vigie_error_set(err, VIGIE_EPARSE, name, ln,
						       "continuation line outside a field");
			vlen = d->text.len - d->cur_value_start;
			if (vlen + len + 1 > DEB822_MAX_FIELD)
				return vigie_error_set(err, VIGIE_ELIMIT, name, ln,
						       "field %s longer than %u bytes",
						       d->text.data + d->off[d->n - 1].name,
						       DEB822_MAX_FIELD);
			/* the value is the last thing in text: extend it */
			d->text.len--; /* drop its NUL separator */
			if (vigie_buf_addc(&d->text, '\n') ||
			    vigie_buf_add(&d->text, line + 1, len - 1) ||
			    vigie_buf_addc(&d->text, '\0'))
				return vigie_error_set(err, VIGIE_ENOMEM, name, ln, "out of memory");
		} else {
			char *colon = memchr(line, ':', len);
			char *v;
			size_t vl;
			if (!colon || !valid_name(line, (size_t)(colon - line)))
				return vigie_error_set(err, VIGIE_EPARSE, name, ln,
						       "expected 'Field: value', got '%.40s%s'",
						       line, len > 40 ? "..." : "");
			if (d->n == DEB822_MAX_FIELDS)
				return vigie_error_set(err, VIGIE_ELIMIT, name, ln,
						       "more than %d fields in one stanza",
						       DEB822_MAX_FIELDS);
			if (len > DEB822_MAX_FIELD)
				return vigie_error_set(err, VIGIE_ELIMIT, name, ln,
						       "field longer than %u bytes", DEB822_MAX_FIELD);
			if (!d->n)
				d->stanza_line = ln;
			v = colon + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			vl = len - (size_t)(v - line);
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			d->off[d->n].name = d->text.len;
			d->off[d->n].line = ln;
			if (vigie_buf_add(&d->text, line, (size_t)(colon - line)) ||
			    vigie_buf_addc(&d->text, '\0'))
				return vigie_error_set(err, VIGIE_ENOMEM, name, ln, "out of memory");
			d->off[d->n].value = d->cur_value_start = d->text.len;
			if (vigie_buf_add(&d->text, v, vl) || vigie_buf_addc(&d->text, '\0'))
				return vigie_error_set(err, VIGIE_ENOMEM, name, ln, "out of memory");
			d->n++;
		}
		if (d->text.len > DEB822_MAX_STANZA)
			return vigie_error_set(err, VIGIE_ELIMIT, name, ln,
					       "stanza larger than %u bytes", DEB822_MAX_STANZA);
	}
	/* Offsets become pointers once the buffer stops moving. */
	for (size_t i = 0; i < d->n; i++) {
		d->fields[i].name = d->text.data + d->off[i].name;
		d->fields[i].value = d->text.data + d->off[i].value;
		d->fields[i].line = d->off[i].line;
	}
	return d->n ? 1 : 0;
}

size_t vigie_deb822_nfields(const struct deb822 *d)
{
	return d->n;
}

const struct deb822_field *vigie_deb822_field_at(const struct deb822 *d, size_t i)
{
	return i < d->n ? &d->fields[i] : NULL;
}

const char *vigie_deb822_get(const struct deb822 *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcasecmp(d->fields[i].name, name))
			return d->fields[i].value;
	return NULL;
}

unsigned long vigie_deb822_get_line(const struct deb822 *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcasecmp(d->fields[i].name, name))
			return d->fields[i].line;
	return 0;
}

unsigned long vigie_deb822_stanza_line(const struct deb822 *d)
{
	return d->stanza_line;
}

const char *vigie_deb822_name(const struct deb822 *d)
{
	return vigie_reader_name(d->r);
}

void vigie_deb822_free(struct deb822 *d)
{
	if (!d)
		return;
	vigie_reader_free(d->r);
	vigie_buf_release(&d->text);
	free(d);
}
