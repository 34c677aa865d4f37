/* Record-by-record JSON streaming (see include/vigie/core/jsonrec.h). */
#include "vigie/core/jsonrec.h"
#include "vigie/core/reader.h"
#include "vigie/core/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#define PIECE 65536
#define MAX_KEY 1024
#define NODE_COST (sizeof(struct yajl_val_s) + 16)

struct frame {
	char type;       /* '{' or '[' */
	size_t index;    /* elements begun (arrays) */
	size_t pathlen;  /* length of the container's own path */
};

struct vigie_jsonrec {
	const struct vigie_jsonrec_spec *spec;
	yajl_handle h;
	void *ud;
	struct vigie_error *err;
	const char *name;
	int rc;
	int max_depth;
	size_t max_string, max_record;
	/* position: yajl's offset in the current piece, as a line */
	const char *piece;
	size_t cur;
	unsigned long line;
	/* pre-scan */
	int in_str, esc, last_nl;
	size_t toklen;
	unsigned long pre_line;
	size_t bytes;
	/* structure */
	struct frame st[VIGIE_JSONREC_MAX_DEPTH + 2];
	int depth;
	struct vigie_buf path;
	/* the record being built */
	int rec_which, rec_base; /* rec_base: frame of the record, -1 when none */
	yajl_val rstack[VIGIE_JSONREC_MAX_DEPTH + 2];
	size_t rcap[VIGIE_JSONREC_MAX_DEPTH + 2];
	int rtop;
	char *key;
	size_t rec_bytes;
	unsigned long rec_line;
};

static void node_free(yajl_val v)
{
	if (!v)
		return;
	if (v->type == yajl_t_string) {
		free(v->u.string);
	} else if (v->type == yajl_t_number) {
		free(v->u.number.r);
	} else if (v->type == yajl_t_object) {
		for (size_t i = 0; i < v->u.object.len; i++) {
			free((char *)v->u.object.keys[i]);
			node_free(v->u.object.values[i]);
		}
		free(v->u.object.keys);
		free(v->u.object.values);
	} else if (v->type == yajl_t_array) {
		for (size_t i = 0; i < v->u.array.len; i++)
			node_free(v->u.array.values[i]);
		free(v->u.array.values);
	}
	free(v);
}

static unsigned long line_now(struct vigie_jsonrec *j, yajl_handle h)
{
	size_t at = h ? yajl_get_bytes_consumed(h) : j->cur;
	if (j->piece) {
		for (const char *p = j->piece + j->cur, *e = j->piece + at;
		     p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
			j->line++;
		if (at > j->cur)
			j->cur = at;
	}
	return j->line;
}

/* Indices of the arrays along the current path. */
static size_t indices(const struct vigie_jsonrec *j, size_t *idx)
{
	size_t n = 0;
	for (int i = 0; i < j->depth; i++)
		if (j->st[i].type == '[' && j->st[i].index)
			idx[n++] = j->st[i].index - 1;
	return n;
}

const char *vigie_jsonrec_where(char *buf, size_t size, const char *path, const size_t *idx,
				size_t nidx)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	size_t k = 0;
	for (const char *p = path; *p; p++) {
		if (p[0] == '[' && p[1] == ']') {
			if (k < nidx)
				vigie_buf_addf(&b, "[%zu]", idx[k++]);
			else
				vigie_buf_adds(&b, "[]");
			p++;
		} else {
			vigie_buf_addc(&b, *p == '\x01' ? '?' : *p);
		}
	}
	snprintf(buf, size, "%s", b.data ? b.data : "(top level)");
	vigie_buf_release(&b);
	return buf;
}

static int fail(struct vigie_jsonrec *j, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct vigie_jsonrec *j, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	j->rc = vigie_error_setv(j->err, code, j->name, j->line, fmt, ap);
	va_end(ap);
	return 0; /* stops yajl */
}

static const char *here(struct vigie_jsonrec *j, char *buf, size_t size)
{
	size_t idx[VIGIE_JSONREC_MAX_DEPTH + 2];
	size_t n = indices(j, idx);
	return vigie_jsonrec_where(buf, size, j->path.data ? j->path.data : "", idx, n);
}

/* Cut the path back to n bytes (keeping it NUL-terminated). */
static void cut(struct vigie_jsonrec *j, size_t n)
{
	j->path.len = n;
	if (j->path.data)
		j->path.data[n] = '\0';
}

static int match(const char *const *list, const char *path)
{
	for (int i = 0; list && list[i]; i++)
		if (!strcmp(list[i], path))
			return i;
	return -1;
}

static int charge(struct vigie_jsonrec *j, size_t n)
{
	char where[256];
	size_t idx[VIGIE_JSONREC_MAX_DEPTH + 2], nidx;
	j->rec_bytes += n;
	if (j->rec_bytes > j->max_record) {
		nidx = indices(j, idx);
		vigie_jsonrec_where(where, sizeof(where), j->spec->records[j->rec_which],
				    idx, nidx);
		j->line = j->rec_line;
		fail(j, VIGIE_ELIMIT, "record %s holds more than %zu bytes", where, j->max_record);
		return -1;
	}
	return 0;
}

/* Append v to the record's open container; v is owned (freed on error). */
static int attach(struct vigie_jsonrec *j, yajl_val v)
{
	yajl_val top = j->rstack[j->rtop];
	size_t *cap = &j->rcap[j->rtop];
	size_t len = top->type == yajl_t_object ? top->u.object.len : top->u.array.len;
	if (len == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		void *nv;
		if (charge(j, (ncap - *cap) * (top->type == yajl_t_object ? 16 : 8))) {
			node_free(v);
			return -1;
		}
		if (top->type == yajl_t_object) {
			void *nk = realloc((void *)top->u.object.keys, ncap * sizeof(char *));
			if (nk)
				top->u.object.keys = nk;
			nv = nk ? realloc(top->u.object.values, ncap * sizeof(yajl_val)) : NULL;
			if (nv)
				top->u.object.values = nv;
		} else {
			nv = realloc(top->u.array.values, ncap * sizeof(yajl_val));
			if (nv)
				top->u.array.values = nv;
		}
		if (!nv) {
			node_free(v);
			fail(j, VIGIE_ENOMEM, "out of memory");
			return -1;
		}
		*cap = ncap;
	}
	if (top->type == yajl_t_object) {
		top->u.object.keys[len] = j->key ? j->key : strdup("");
		j->key = NULL;
		top->u.object.values[len] = v;
		top->u.object.len++;
	} else {
		top->u.array.values[len] = v;
		top->u.array.len++;
	}
	return 0;
}

/* A value begins: set its path (and index in its array). Returns 1 when
 * the value is wanted (inside a record, or at a record or keep path), 0
 * when it is dropped, -1 on error. */
static int prepare(struct vigie_jsonrec *j)
{
	const char *path;
	(void)line_now(j, j->h);
	if (j->depth) {
		struct frame *f = &j->st[j->depth - 1];
		if (f->type == '[') {
			cut(j, f->pathlen);
			if (vigie_buf_add(&j->path, "[]", 2)) {
				fail(j, VIGIE_ENOMEM, "out of memory");
				return -1;
			}
			f->index++;
		}
	}
	if (j->rec_base >= 0)
		return 1;
	path = j->path.data ? j->path.data : "";
	return match(j->spec->records, path) >= 0 || match(j->spec->keep, path) >= 0;
}

/* The value prepared (v: a scalar, or an empty container node; owned).
 * Returns 1 to go on, 0 to stop. */
static int begin(struct vigie_jsonrec *j, yajl_val v)
{
	int container = v->type == yajl_t_object || v->type == yajl_t_array, w;
	char ctype = v->type == yajl_t_object ? '{' : '[';
	size_t idx[VIGIE_JSONREC_MAX_DEPTH + 2], nidx;

	if (container && j->depth >= j->max_depth) {
		char where[256];
		node_free(v);
		return fail(j, VIGIE_ELIMIT, "JSON nested deeper than %d levels at %s", j->max_depth,
			    here(j, where, sizeof(where)));
	}
	if (j->rec_base >= 0) {
		if (charge(j, NODE_COST)) {
			node_free(v);
			return 0;
		}
		if (attach(j, v)) /* frees v */
			return 0;
		if (container) {
			j->rstack[++j->rtop] = v;
			j->rcap[j->rtop] = 0;
		}
	} else if ((w = match(j->spec->records, j->path.data ? j->path.data : "")) >= 0) {
		if (container) {
			j->rec_which = w;
			j->rec_base = j->depth;
			j->rtop = 0;
			j->rstack[0] = v;
			j->rcap[0] = 0;
			j->rec_bytes = NODE_COST;
			j->rec_line = j->line;
		} else {
			int rc;
			nidx = indices(j, idx);
			rc = j->spec->on_record ? j->spec->on_record(j->ud, w, idx, nidx, v, j->line) : 0;
			node_free(v);
			if (rc) {
				j->rc = rc;
				return 0;
			}
		}
	} else {
		if ((w = match(j->spec->keep, j->path.data ? j->path.data : "")) >= 0 &&
		    j->spec->on_value) {
			int rc;
			nidx = indices(j, idx);
			rc = j->spec->on_value(j->ud, w, idx, nidx, v);
			if (rc) {
				node_free(v);
				j->rc = rc;
				return 0;
			}
		}
		node_free(v);
	}
	if (container) {
		struct frame *f = &j->st[j->depth++];
		f->type = ctype;
		f->index = 0;
		f->pathlen = j->path.len;
	}
	return 1;
}

static yajl_val node(struct vigie_jsonrec *j, yajl_type t)
{
	yajl_val v = calloc(1, sizeof(*v));
	if (!v)
		fail(j, VIGIE_ENOMEM, "out of memory");
	else
		v->type = t;
	return v;
}

/* Scalars nobody wants are dropped without building a node. */
#define PREPARE_SCALAR(j)                      \
	do {                                   \
		int want_ = prepare(j);        \
		if (want_ <= 0)                \
			return want_ == 0;     \
	} while (0)

static int cb_null(void *ctx)
{
	struct vigie_jsonrec *j = ctx;
	yajl_val v;
	PREPARE_SCALAR(j);
	v = node(j, yajl_t_null);
	return v ? begin(j, v) : 0;
}

static int cb_bool(void *ctx, int b)
{
	struct vigie_jsonrec *j = ctx;
	yajl_val v;
	PREPARE_SCALAR(j);
	v = node(j, b ? yajl_t_true : yajl_t_false);
	return v ? begin(j, v) : 0;
}

static int cb_number(void *ctx, const char *s, size_t len)
{
	struct vigie_jsonrec *j = ctx;
	yajl_val v;
	char *end;
	PREPARE_SCALAR(j);
	if (!(v = node(j, yajl_t_number)))
		return 0;
	if (!(v->u.number.r = malloc(len + 1))) {
		free(v);
		return fail(j, VIGIE_ENOMEM, "out of memory");
	}
	memcpy(v->u.number.r, s, len);
	v->u.number.r[len] = '\0';
	errno = 0;
	v->u.number.i = strtoll(v->u.number.r, &end, 10);
	if (!errno && !*end)
		v->u.number.flags |= YAJL_NUMBER_INT_VALID;
	errno = 0;
	v->u.number.d = strtod(v->u.number.r, &end);
	if (!errno && !*end)
		v->u.number.flags |= YAJL_NUMBER_DOUBLE_VALID;
	if (j->rec_base >= 0 && charge(j, len + 1)) {
		node_free(v);
		return 0;
	}
	return begin(j, v);
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
	struct vigie_jsonrec *j = ctx;
	yajl_val v;
	int want = prepare(j);
	if (want < 0)
		return 0;
	if (memchr(s, '\0', len)) {
		char where[256];
		return fail(j, VIGIE_EPARSE, "%s: NUL character (\\u0000) in a string",
			    here(j, where, sizeof(where)));
	}
	if (!want)
		return 1;
	if (!(v = node(j, yajl_t_string)))
		return 0;
	if (!(v->u.string = malloc(len + 1))) {
		free(v);
		return fail(j, VIGIE_ENOMEM, "out of memory");
	}
	memcpy(v->u.string, s, len);
	v->u.string[len] = '\0';
	if (j->rec_base >= 0 && charge(j, len + 1)) {
		node_free(v);
		return 0;
	}
	return begin(j, v);
}

static int cb_start_map(void *ctx)
{
	struct vigie_jsonrec *j = ctx;
	yajl_val v;
	if (prepare(j) < 0)
		return 0;
	v = node(j, yajl_t_object);
	return v ? begin(j, v) : 0;
}

static int cb_start_array(void *ctx)
{
	struct vigie_jsonrec *j = ctx;
	yajl_val v;
	if (prepare(j) < 0)
		return 0;
	v = node(j, yajl_t_array);
	return v ? begin(j, v) : 0;
}

static int cb_key(void *ctx, const unsigned char *k, size_t len)
{
	struct vigie_jsonrec *j = ctx;
	struct frame *f = &j->st[j->depth - 1];
	int odd = len == 0 || memchr(k, '\0', len) || memchr(k, '.', len) ||
		  memchr(k, '[', len) || memchr(k, ']', len);
	(void)line_now(j, j->h);
	if (len > MAX_KEY)
		return fail(j, VIGIE_ELIMIT, "object key longer than %d bytes", MAX_KEY);
	cut(j, f->pathlen);
	if ((f->pathlen && vigie_buf_addc(&j->path, '.')) ||
	    (odd ? vigie_buf_addc(&j->path, '\x01') : vigie_buf_add(&j->path, k, len)))
		return fail(j, VIGIE_ENOMEM, "out of memory");
	if (j->rec_base >= 0) {
		free(j->key);
		if (!(j->key = malloc(len + 1)))
			return fail(j, VIGIE_ENOMEM, "out of memory");
		memcpy(j->key, k, len);
		j->key[len] = '\0';
		if (charge(j, len + 1))
			return 0;
	}
	return 1;
}

static int cb_end(void *ctx)
{
	struct vigie_jsonrec *j = ctx;
	int d = --j->depth;
	(void)line_now(j, j->h);
	cut(j, j->st[d].pathlen);
	if (j->rec_base < 0)
		return 1;
	if (d > j->rec_base) {
		j->rtop--;
		return 1;
	}
	{
		size_t idx[VIGIE_JSONREC_MAX_DEPTH + 2], nidx = indices(j, idx);
		yajl_val rec = j->rstack[0];
		int rc = j->spec->on_record ? j->spec->on_record(j->ud, j->rec_which, idx, nidx, rec,
								 j->rec_line)
					    : 0;
		node_free(rec);
		j->rstack[0] = NULL;
		j->rec_base = -1;
		if (rc) {
			j->rc = rc;
			return 0;
		}
	}
	return 1;
}

static const yajl_callbacks callbacks = {
	cb_null, cb_bool, NULL, NULL, cb_number, cb_string,
	cb_start_map, cb_key, cb_end, cb_start_array, cb_end
};

/* Bound strings and tokens before yajl buffers them. */
static int prescan(struct vigie_jsonrec *j, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		j->last_nl = c == '\n';
		if (c == '\n')
			j->pre_line++;
		if (j->in_str) {
			if (++j->toklen > j->max_string) {
				j->line = j->pre_line;
				return vigie_error_set(j->err, VIGIE_ELIMIT, j->name, j->pre_line,
						       "string longer than %zu bytes", j->max_string);
			}
			if (j->esc)
				j->esc = 0;
			else if (c == '\\')
				j->esc = 1;
			else if (c == '"')
				j->in_str = 0;
		} else if (c == '"') {
			j->in_str = 1;
			j->toklen = 0;
		} else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   c == '-' || c == '+' || c == '.') {
			if (++j->toklen > VIGIE_JSONREC_MAX_TOKEN)
				return vigie_error_set(j->err, VIGIE_ELIMIT, j->name, j->pre_line,
						       "token longer than %d bytes",
						       VIGIE_JSONREC_MAX_TOKEN);
		} else {
			j->toklen = 0;
		}
	}
	return 0;
}

static int yajl_failed(struct vigie_jsonrec *j, yajl_handle h, const char *p, size_t n)
{
	unsigned char *m = yajl_get_error(h, 0, (const unsigned char *)p, n);
	char msg[256];
	snprintf(msg, sizeof(msg), "%s", m ? (const char *)m : "parse error");
	yajl_free_error(h, m);
	for (size_t k = strlen(msg); k && (msg[k - 1] == '\n' || msg[k - 1] == ' ' ||
					   msg[k - 1] == '.');)
		msg[--k] = '\0';
	return vigie_error_set(j->err, VIGIE_EPARSE, j->name, j->line, "invalid JSON: %s", msg);
}

static int feed(struct vigie_jsonrec *j, yajl_handle h, const char *data, size_t len)
{
	for (size_t off = 0; off < len;) {
		size_t n = len - off < PIECE ? len - off : PIECE;
		yajl_status ys;
		int rc;
		if ((rc = prescan(j, data + off, n)))
			return rc;
		j->piece = data + off;
		j->cur = 0;
		ys = yajl_parse(h, (const unsigned char *)data + off, n);
		if (ys == yajl_status_client_canceled)
			return j->rc ? j->rc : vigie_error_set(j->err, VIGIE_EPARSE, j->name, j->line,
							       "stopped");
		if (ys != yajl_status_ok) {
			(void)line_now(j, h);
			return yajl_failed(j, h, data + off, n);
		}
		(void)line_now(j, h);
		/* the rest of the piece: whitespace or a token yajl holds */
		for (const char *p = j->piece + j->cur, *e = j->piece + n;
		     p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
			j->line++;
		j->piece = NULL;
		j->bytes += n;
		off += n;
	}
	return 0;
}

static int run(struct vigie_reader *r, const char *data, size_t len, const char *name,
	       size_t max_bytes, const struct vigie_jsonrec_spec *spec, void *ud,
	       struct vigie_error *err)
{
	struct vigie_jsonrec *j = calloc(1, sizeof(*j));
	yajl_handle h = NULL;
	char *chunk = NULL;
	int rc = 0;

	if (!j)
		return vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
	j->spec = spec;
	j->ud = ud;
	j->err = err;
	j->name = name;
	j->max_depth = spec->max_depth > 0 && spec->max_depth <= VIGIE_JSONREC_MAX_DEPTH
			       ? spec->max_depth
			       : VIGIE_JSONREC_MAX_DEPTH;
	j->max_string = spec->max_string ? spec->max_string : VIGIE_JSONREC_MAX_STRING;
	j->max_record = spec->max_record ? spec->max_record : VIGIE_JSONREC_MAX_RECORD;
	j->line = j->pre_line = 1;
	j->rec_base = -1;
	if (!(j->h = h = yajl_alloc(&callbacks, NULL, j))) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
		goto out;
	}
	if (r) {
		if (!(chunk = malloc(PIECE))) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, name, 0, "out of memory");
			goto out;
		}
		for (;;) {
			long n = vigie_reader_read(r, chunk, PIECE, err);
			if (n < 0) {
				rc = (int)n;
				goto out;
			}
			if (n == 0)
				break;
			if (max_bytes && j->bytes + (size_t)n > max_bytes) {
				rc = vigie_error_set(err, VIGIE_ELIMIT, name, 0, "larger than %zu bytes",
						     max_bytes);
				goto out;
			}
			if ((rc = feed(j, h, chunk, (size_t)n)))
				goto out;
		}
	} else if ((rc = feed(j, h, data, len))) {
		goto out;
	}
	if (!j->bytes) {
		rc = vigie_error_set(err, VIGIE_EPARSE, name, 0, "empty document");
		goto out;
	}
	if (yajl_complete_parse(h) != yajl_status_ok) {
		if (j->rc) {
			rc = j->rc;
			goto out;
		}
		/* truncated: name the last line with content */
		if (j->last_nl && j->line > 1)
			j->line--;
		rc = yajl_failed(j, h, NULL, 0);
		goto out;
	}
	rc = j->rc;
out:
	if (j->rec_base >= 0)
		node_free(j->rstack[0]);
	free(j->key);
	vigie_buf_release(&j->path);
	if (h)
		yajl_free(h);
	free(chunk);
	free(j);
	return rc;
}

int vigie_jsonrec_parse_mem(const char *data, size_t len, const char *name,
			    const struct vigie_jsonrec_spec *spec, void *ud,
			    struct vigie_error *err)
{
	return run(NULL, data, len, name, 0, spec, ud, err);
}

int vigie_jsonrec_parse_file(const char *path, size_t max_bytes,
			     const struct vigie_jsonrec_spec *spec, void *ud,
			     struct vigie_error *err)
{
	struct vigie_reader *r = NULL;
	int rc = vigie_reader_open(&r, path, err);
	if (rc)
		return rc;
	rc = run(r, NULL, 0, path, max_bytes, spec, ud, err);
	vigie_reader_free(r);
	return rc;
}
