/* /proc/PID/maps lines. The kernel writes them with show_map_vma():
 * "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu " then pads to a column and
 * writes the path (seq_file_path, newline escaped as \012) or a name in
 * brackets. Every number is bounded here: a hostile or corrupted buffer
 * gives an error for its line, never an overflow. */
#include "vigie/debian/procmaps.h"

#include <string.h>

#define DELETED " (deleted)"

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Hex number of 1..16 digits at *p (bounded by end); advances *p. */
static int hex(uint64_t *out, const char **p, const char *end)
{
	uint64_t v = 0;
	size_t n = 0;
	while (*p < end) {
		char c = **p;
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			break;
		if (++n > 16)
			return -1;
		v = v << 4 | d;
		(*p)++;
	}
	if (!n)
		return -1;
	*out = v;
	return 0;
}

/* Decimal number without overflow at *p; advances *p. */
static int dec(uint64_t *out, const char **p, const char *end)
{
	uint64_t v = 0;
	size_t n = 0;
	while (*p < end && **p >= '0' && **p <= '9') {
		unsigned d = (unsigned)(**p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
		n++;
		(*p)++;
	}
	if (!n)
		return -1;
	*out = v;
	return 0;
}

/* At least one blank at *p; skips all of them. */
static int blanks(const char **p, const char *end)
{
	if (*p >= end || !is_blank(**p))
		return -1;
	while (*p < end && is_blank(**p))
		(*p)++;
	return 0;
}

static enum procmaps_kind kind_of(const char *path, size_t len)
{
	if (!len)
		return PROCMAPS_ANON;
	if (path[0] == '[')
		return PROCMAPS_PSEUDO;
	if (len >= 7 && !memcmp(path, "/memfd:", 7))
		return PROCMAPS_MEMFD;
	if (path[0] == '/')
		return PROCMAPS_FILE;
	return PROCMAPS_OTHER;
}

int vigie_procmaps_parse_line(struct procmaps_entry *out, const char *line, size_t len,
			      struct vigie_error *err)
{
	const char *p = line, *end = line + len, *what;
	uint64_t major, minor;

	memset(out, 0, sizeof(*out));
	if (len > PROCMAPS_MAX_LINE)
		return vigie_error_set(err, VIGIE_ELIMIT, NULL, 0,
				       "maps line longer than %d bytes", PROCMAPS_MAX_LINE);
	if (memchr(line, '\0', len)) {
		what = "a NUL byte";
		goto bad;
	}
	what = "address range";
	if (hex(&out->start, &p, end) || p >= end || *p++ != '-' ||
	    hex(&out->end, &p, end) || out->end < out->start || blanks(&p, end))
		goto bad;
	what = "permissions";
	if (end - p < 4 || (p[0] != 'r' && p[0] != '-') || (p[1] != 'w' && p[1] != '-') ||
	    (p[2] != 'x' && p[2] != '-') || (p[3] != 'p' && p[3] != 's'))
		goto bad;
	memcpy(out->perms, p, 4);
	out->perms[4] = '\0';
	p += 4;
	if (blanks(&p, end))
		goto bad;
	what = "offset";
	if (hex(&out->offset, &p, end) || blanks(&p, end))
		goto bad;
	what = "device";
	if (hex(&major, &p, end) || p >= end || *p++ != ':' || hex(&minor, &p, end) ||
	    major > 0xfffff || minor > 0xfffff || blanks(&p, end))
		goto bad;
	out->dev_major = (unsigned)major;
	out->dev_minor = (unsigned)minor;
	what = "inode";
	if (dec(&out->inode, &p, end) || (p < end && !is_blank(*p)))
		goto bad;
	while (p < end && is_blank(*p))
		p++;
	out->path = p;
	out->path_len = (size_t)(end - p);
	if (out->path_len > strlen(DELETED) &&
	    !memcmp(end - strlen(DELETED), DELETED, strlen(DELETED))) {
		out->deleted = 1;
		out->path_len -= strlen(DELETED);
	}
	out->kind = kind_of(out->path, out->path_len);
	if (out->kind == PROCMAPS_ANON)
		out->path = NULL;
	return 0;
bad:
	return vigie_error_set(err, VIGIE_EPARSE, NULL, 0, "maps line: bad %s", what);
}

int vigie_procmaps_parse(const char *buf, size_t len, const char *name,
			 vigie_procmaps_fn *fn, void *ud, size_t *bad,
			 struct vigie_error *err)
{
	const char *p = buf, *end = buf + len;
	unsigned long lineno = 0;
	struct procmaps_entry e;
	struct vigie_error lerr;

	if (bad)
		*bad = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int rc;

		if (++lineno > PROCMAPS_MAX_ENTRIES)
			return vigie_error_set(err, VIGIE_ELIMIT, name, lineno,
					       "more than %d maps lines", PROCMAPS_MAX_ENTRIES);
		vigie_error_init(&lerr);
		if (vigie_procmaps_parse_line(&e, p, l, &lerr)) {
			if (bad)
				(*bad)++;
			if (err)
				vigie_warn(err, name, lineno, "%s", lerr.msg);
		} else if ((rc = fn(ud, &e))) {
			return rc;
		}
		p += l + (nl ? 1 : 0);
	}
	return 0;
}

const char *vigie_procmaps_kind_name(enum procmaps_kind k)
{
	switch (k) {
	case PROCMAPS_ANON: return "anon";
	case PROCMAPS_FILE: return "file";
	case PROCMAPS_PSEUDO: return "pseudo";
	case PROCMAPS_MEMFD: return "memfd";
	case PROCMAPS_OTHER: return "other";
	}
	return "other";
}
