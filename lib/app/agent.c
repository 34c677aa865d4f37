/* The agent: collect, compress, deliver, spool (see agent.h for the
 * positions and the spool layout). */
#define _GNU_SOURCE
#include "vigie/app/agent.h"
#include "vigie/core/file.h"
#include "vigie/core/reader.h"
#include "vigie/core/sha256.h"
#include "vigie/debian/history.h"
#include "vigie/debian/invdoc.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/scan_pending.h"
#include "vigie/net/fetch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>
#include <zlib.h>

#define MAX_LOG_FILE (256u << 20)   /* decompressed bytes of one log file */
#define FIRST_LINE_MAX (64u << 10)  /* bytes read to find a file's first line */
#define MAX_STATE 4096
#define MAX_RUNS 8                  /* documents per run while lines remain */

enum { LOG_DPKG, LOG_APT, NLOGS };
static const char *const log_names[NLOGS] = { "dpkg", "apt" };

struct pos {
	int have;
	unsigned long long ino;
	char hash[SHA256_HEX_LEN + 1];
	unsigned long long off;
};

void vigie_agent_doc_init(struct vigie_agent_doc *d)
{
	memset(d, 0, sizeof(*d));
}

void vigie_agent_doc_release(struct vigie_agent_doc *d)
{
	vigie_buf_release(&d->json);
	vigie_buf_release(&d->state);
	memset(d, 0, sizeof(*d));
}

int vigie_agent_gzip(struct vigie_buf *out, const void *data, size_t len)
{
	z_stream z;
	unsigned char chunk[65536];
	int rc;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return VIGIE_ENOMEM;
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)len;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = deflate(&z, Z_FINISH);
		if (rc == Z_STREAM_ERROR ||
		    vigie_buf_add(out, chunk, sizeof(chunk) - z.avail_out)) {
			deflateEnd(&z);
			return VIGIE_ENOMEM;
		}
	} while (rc != Z_STREAM_END);
	deflateEnd(&z);
	return 0;
}

/* ---- positions ---- */

static void pos_parse(struct pos p[NLOGS], const char *text)
{
	memset(p, 0, sizeof(struct pos) * NLOGS);
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		char line[256], name[16], hash[SHA256_HEX_LEN + 2];
		unsigned long long ino, off;
		if (n < sizeof(line)) {
			memcpy(line, text, n);
			line[n] = '\0';
			if (sscanf(line, "%15s %llu %65s %llu", name, &ino, hash, &off) == 4 &&
			    strlen(hash) == SHA256_HEX_LEN)
				for (int k = 0; k < NLOGS; k++)
					if (!strcmp(name, log_names[k])) {
						p[k].have = 1;
						p[k].ino = ino;
						memcpy(p[k].hash, hash, sizeof(p[k].hash));
						p[k].off = off;
					}
		}
		text += n + (nl ? 1 : 0);
	}
}

static int pos_format(struct vigie_buf *out, const struct pos p[NLOGS])
{
	int rc = vigie_buf_adds(out, "# vigie agent log positions: log inode first-line-sha256 offset\n");
	for (int k = 0; k < NLOGS && !rc; k++)
		if (p[k].have)
			rc = vigie_buf_addf(out, "%s %llu %s %llu\n", log_names[k], p[k].ino,
					    p[k].hash, p[k].off);
	return rc;
}

/* ---- reading logs ---- */

/* The whole decompressed contents of path (at most MAX_LOG_FILE). */
static int read_all(struct vigie_buf *out, const char *path, struct vigie_error *err)
{
	struct vigie_reader *r;
	char chunk[65536];
	long n;
	int rc;
	if ((rc = vigie_reader_open(&r, path, err)))
		return rc;
	while ((n = vigie_reader_read(r, chunk, sizeof(chunk), err)) > 0) {
		if (out->len + (size_t)n > MAX_LOG_FILE) {
			vigie_reader_free(r);
			return vigie_error_set(err, VIGIE_ELIMIT, path, 0,
					       "larger than %u MiB once decompressed",
					       MAX_LOG_FILE >> 20);
		}
		if (vigie_buf_add(out, chunk, (size_t)n)) {
			vigie_reader_free(r);
			return vigie_error_set(err, VIGIE_ENOMEM, path, 0, "out of memory");
		}
	}
	vigie_reader_free(r);
	if (n < 0)
		return (int)n;
	return vigie_buf_add(out, "", 0) ? VIGIE_ENOMEM : 0;
}

/* Length of the identity prefix of data: through the newline ending the
 * first non-empty line; 0 when there is no such complete line. */
static size_t ident_len(const char *data, size_t len)
{
	size_t i = 0;
	while (i < len && data[i] == '\n')
		i++;
	for (; i < len; i++)
		if (data[i] == '\n')
			return i + 1;
	return 0;
}

struct logfile {
	const char *path;
	unsigned long long ino;
	char hash[SHA256_HEX_LEN + 1]; /* "" when no complete first line */
};

static int identify(struct logfile *f, const char *path, struct vigie_error *err)
{
	struct vigie_reader *r;
	struct vigie_buf b = VIGIE_BUF_INIT;
	char chunk[4096];
	struct stat st;
	size_t n = 0;
	long got;
	int rc = 0;

	memset(f, 0, sizeof(*f));
	f->path = path;
	if (stat(path, &st))
		return vigie_error_set(err, VIGIE_EIO, path, 0, "cannot open: %s", strerror(errno));
	f->ino = (unsigned long long)st.st_ino;
	if ((rc = vigie_reader_open(&r, path, err)))
		return rc;
	while (!n && b.len < FIRST_LINE_MAX &&
	       (got = vigie_reader_read(r, chunk, sizeof(chunk), err)) > 0) {
		if (vigie_buf_add(&b, chunk, (size_t)got)) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, path, 0, "out of memory");
			break;
		}
		n = ident_len(b.data, b.len);
	}
	vigie_reader_free(r);
	if (!rc && n)
		vigie_sha256_hex(f->hash, b.data, n);
	vigie_buf_release(&b);
	return rc;
}

/* End of what may be taken from data[from..len) of the live file: after
 * the last newline (dpkg), after the last End-Date line (apt). */
static size_t take_end(int kind, const char *data, size_t from, size_t len)
{
	size_t end = from;
	for (size_t i = from; i < len; i++) {
		if (data[i] != '\n')
			continue;
		if (kind == LOG_DPKG) {
			end = i + 1;
		} else {
			size_t s = i;
			while (s > from && data[s - 1] != '\n')
				s--;
			if (i - s >= 9 && !memcmp(data + s, "End-Date:", 9))
				end = i + 1;
		}
	}
	return end;
}

/* End of the first unit (line, apt stanza) after from, at most len. */
static size_t first_end(int kind, const char *data, size_t from, size_t len)
{
	for (size_t i = from; i < len; i++) {
		size_t s = i;
		if (data[i] != '\n')
			continue;
		if (kind == LOG_DPKG)
			return i + 1;
		while (s > from && data[s - 1] != '\n')
			s--;
		if (i - s >= 9 && !memcmp(data + s, "End-Date:", 9))
			return i + 1;
	}
	return len;
}

/* Append data[0..len) to out line by line, bytes of a line that is not
 * valid UTF-8 (or holds NUL) above 0x7f replaced by '?': the document
 * carries text. Returns 0 or VIGIE_ENOMEM; *lines counts non-empty lines. */
static int add_lines(struct vigie_buf *out, const char *data, size_t len, size_t *lines)
{
	while (len) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) : len;
		if (n) {
			size_t at = out->len;
			if (vigie_buf_add(out, data, n) || vigie_buf_addc(out, '\n'))
				return VIGIE_ENOMEM;
			if (!vigie_utf8_valid(out->data + at, n) || memchr(out->data + at, 0, n))
				for (size_t i = at; i < at + n; i++)
					if ((unsigned char)out->data[i] >= 0x80 || !out->data[i])
						out->data[i] = '?';
			(*lines)++;
		}
		data += n + (nl ? 1 : 0);
		len -= n + (nl ? 1 : 0);
	}
	return 0;
}

/* New lines of one log into text; p advances to where they end. */
static int collect_log(struct vigie_buf *text, size_t *lines, int *more, int kind,
		       const struct vigie_strv *files, struct pos *p, size_t budget,
		       struct vigie_error *err)
{
	struct logfile *lf = NULL;
	struct vigie_buf content = VIGIE_BUF_INIT;
	size_t start = 0, from0 = 0;
	int rc = 0, found = -1, stop = 0;

	if (!files->n)
		return 0;
	if (!(lf = calloc(files->n, sizeof(*lf))))
		return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < files->n; i++)
		if ((rc = identify(&lf[i], files->v[i], err)))
			goto out;
	if (p->have) {
		for (size_t i = files->n; i-- > 0;) {
			if (strcmp(lf[i].hash, p->hash))
				continue;
			if (found < 0 || lf[i].ino == p->ino)
				found = (int)i;
			if (lf[i].ino == p->ino)
				break;
		}
		if (found >= 0) {
			start = (size_t)found;
			from0 = (size_t)p->off;
		}
	}
	for (size_t i = start; i < files->n; i++) {
		int live = i == files->n - 1;
		size_t from = i == start ? from0 : 0, end, cut;
		vigie_buf_reset(&content);
		if ((rc = read_all(&content, lf[i].path, err)))
			goto out;
		if (from > content.len)
			from = 0; /* not the file it was: everything is new */
		end = live ? take_end(kind, content.data, from, content.len) : content.len;
		cut = end;
		if (end - from > budget) {
			/* the rest goes in the next document, cut at a line
			 * (dpkg) or a stanza (apt) */
			cut = take_end(kind, content.data, from, from + budget);
			if (cut == from && !text->len) /* one huge unit: alone */
				cut = first_end(kind, content.data, from, end);
			stop = 1;
			if (cut < end || i + 1 < files->n)
				*more = 1;
		}
		if ((rc = add_lines(text, content.data + from, cut - from, lines))) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		budget -= cut - from < budget ? cut - from : budget;
		/* a file without a complete first line cannot be found again:
		 * the position stays at the end of the one before */
		if (lf[i].hash[0]) {
			p->have = 1;
			p->ino = lf[i].ino;
			memcpy(p->hash, lf[i].hash, sizeof(p->hash));
			p->off = cut;
		}
		if (stop)
			break;
	}
out:
	vigie_buf_release(&content);
	free(lf);
	return rc;
}

/* ---- collecting ---- */

static int is_live_root(const char *root)
{
	return !root || !*root || !strcmp(root, "/");
}

/* This machine's fully qualified name, as `hostname -f` tells it: the
 * canonical name of its host name (/etc/hosts, then DNS); NULL when it
 * does not resolve to a name with a dot. Hosts are enrolled under it. */
static char *fqdn_of(struct vigie_arena *a, const char *name)
{
	struct addrinfo hints, *res = NULL;
	char *out = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_flags = AI_CANONNAME;
	if (getaddrinfo(name, NULL, &hints, &res) || !res)
		return NULL;
	if (res->ai_canonname && strchr(res->ai_canonname, '.') &&
	    strlen(res->ai_canonname) < 254 &&
	    strspn(res->ai_canonname, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				      "0123456789.-") == strlen(res->ai_canonname))
		out = vigie_arena_strdup(a, res->ai_canonname);
	freeaddrinfo(res);
	return out;
}

int vigie_agent_collect(struct vigie_agent_doc *d, const struct vigie_agent_opts *o,
			const char *from, struct vigie_error *err)
{
	struct inventory inv;
	struct inventory_opts io;
	struct host_pending hp;
	struct store_candidate *cands = NULL;
	struct vigie_strv dfiles, afiles;
	struct vigie_buf dtext = VIGIE_BUF_INIT, atext = VIGIE_BUF_INIT;
	struct pos p[NLOGS];
	size_t budget = o->max_log_bytes ? o->max_log_bytes : VIGIE_AGENT_MAX_LOG_BYTES;
	int rc, have_hp = 0;
	const char *root = is_live_root(o->root) ? NULL : o->root;

	vigie_inventory_init(&inv);
	vigie_strv_init(&dfiles);
	vigie_strv_init(&afiles);
	memset(&io, 0, sizeof(io));
	io.root = root;
	io.host = o->host;
	if ((rc = vigie_inventory_load(&inv, &io, err)))
		goto out;
	if (!o->host && !root && inv.host && !strchr(inv.host, '.')) {
		/* this machine's short name: its fully qualified one */
		char *f = fqdn_of(&inv.arena, inv.host);
		if (f)
			inv.host = f;
	}
	d->packages = inv.npkgs;
	/* the candidates apt would install, as `vigie updates` computes them */
	memset(&hp, 0, sizeof(hp));
	{
		struct vigie_error e2;
		vigie_error_init(&e2);
		have_hp = 1;
		if (vigie_host_pending_load(&hp, &inv, root, NULL, NULL, &e2)) {
			vigie_warn(err, e2.file[0] ? e2.file : NULL, e2.line,
				   "apt candidates not sent: %s", e2.msg);
		} else if (hp.lists.nidx) {
			d->have_candidates = 1;
			if (hp.pend.n && !(cands = calloc(hp.pend.n, sizeof(*cands)))) {
				rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
				goto out;
			}
			for (size_t i = 0; i < hp.pend.n; i++) {
				const struct pending_update *u = &hp.pend.v[i];
				cands[i].package = u->package;
				cands[i].arch = u->arch;
				cands[i].version = u->candidate;
				cands[i].suite = u->suites;
				cands[i].security = u->security;
			}
			d->candidates = hp.pend.n;
		}
	}
	pos_parse(p, from);
	if ((rc = vigie_history_default_logs(&dfiles, &afiles, root, err)) ||
	    (rc = collect_log(&dtext, &d->dpkg_lines, &d->more, LOG_DPKG, &dfiles, &p[LOG_DPKG],
			      budget, err)) ||
	    (rc = collect_log(&atext, &d->apt_lines, &d->more, LOG_APT, &afiles, &p[LOG_APT],
			      budget, err)))
		goto out;
	if (vigie_invdoc_write(&d->json, &inv, cands, d->candidates, d->have_candidates,
			       dtext.data, dtext.len, atext.data, atext.len, vigie_now()) ||
	    pos_format(&d->state, p)) {
		rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
out:
	if (have_hp)
		vigie_host_pending_release(&hp);
	free(cands);
	vigie_buf_release(&dtext);
	vigie_buf_release(&atext);
	vigie_strv_release(&dfiles);
	vigie_strv_release(&afiles);
	vigie_inventory_release(&inv);
	return rc;
}

/* ---- the spool ---- */

static int read_small(struct vigie_buf *out, const char *path, size_t max, int *absent,
		      struct vigie_error *err)
{
	char chunk[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (absent)
		*absent = 0;
	if (fd < 0) {
		if (errno == ENOENT && absent) {
			*absent = 1;
			return 0;
		}
		return vigie_error_set(err, VIGIE_EIO, path, 0, "cannot open: %s", strerror(errno));
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || out->len + (size_t)n > max || vigie_buf_add(out, chunk, (size_t)n)) {
			int e = n < 0 ? errno : EFBIG;
			close(fd);
			return vigie_error_set(err, VIGIE_EIO, path, 0, "cannot read: %s",
					       strerror(e));
		}
	}
	close(fd);
	return vigie_buf_add(out, "", 0) ? VIGIE_ENOMEM : 0;
}

static int cmp_ul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
	return x < y ? -1 : x > y;
}

/* Queued document numbers, ascending. N.state is written before
 * N.json.gz, so a state without its document (a run stopped between the
 * two) is not an entry; a document without its state is still sent, only
 * the positions do not move. */
static int queue_list(unsigned long **out, size_t *n, const char *spool,
		      struct vigie_error *err)
{
	char dir[4096];
	DIR *d;
	struct dirent *de;
	unsigned long *v = NULL;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	snprintf(dir, sizeof(dir), "%s/queue", spool);
	if (!(d = opendir(dir)))
		return errno == ENOENT ? 0
				       : vigie_error_set(err, VIGIE_EIO, dir, 0, "cannot open: %s",
							 strerror(errno));
	while ((de = readdir(d))) {
		char *end;
		unsigned long num = strtoul(de->d_name, &end, 10);
		if (end == de->d_name || strcmp(end, ".json.gz"))
			continue;
		if (*n == cap) {
			unsigned long *nv;
			if (cap >= VIGIE_AGENT_MAX_QUEUE) {
				closedir(d);
				free(v);
				return vigie_error_set(err, VIGIE_ELIMIT, dir, 0,
						       "more than %d queued documents",
						       VIGIE_AGENT_MAX_QUEUE);
			}
			cap = cap ? cap * 2 : 16;
			if (!(nv = realloc(v, cap * sizeof(*nv)))) {
				closedir(d);
				free(v);
				return vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			}
			v = nv;
		}
		v[(*n)++] = num;
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_ul);
	*out = v;
	return 0;
}

int vigie_agent_positions(struct vigie_buf *out, const char *spool, struct vigie_error *err)
{
	unsigned long *q;
	size_t n;
	char path[4096];
	int rc, absent;
	if (!spool)
		spool = VIGIE_AGENT_SPOOL;
	if ((rc = queue_list(&q, &n, spool, err)))
		return rc;
	for (size_t i = n; i-- > 0;) {
		snprintf(path, sizeof(path), "%s/queue/%lu.state", spool, q[i]);
		vigie_buf_reset(out);
		if ((rc = read_small(out, path, MAX_STATE, &absent, err)))
			break;
		if (!absent)
			break;
	}
	free(q);
	if (rc)
		return rc;
	if (out->len)
		return 0;
	snprintf(path, sizeof(path), "%s/state", spool);
	return read_small(out, path, MAX_STATE, &absent, err);
}

/* ---- delivery ---- */

enum answer { A_OK, A_TEMP, A_REFUSED };

/* The server's answer (at most 1 MiB, fetch_opts.max_size) as a tree;
 * NULL when it is not JSON. */
static yajl_val answer_tree(const struct vigie_buf *body)
{
	char ebuf[128];
	return body->data ? yajl_tree_parse(body->data, ebuf, sizeof(ebuf)) : NULL;
}

/* "HTTP N: " and the "error" field of a vigie.error/1 answer, else the
 * body's first line, control characters replaced. */
static void server_message(char *msg, size_t size, const struct vigie_buf *body, long status)
{
	const char *path[] = { "error", NULL };
	yajl_val t = answer_tree(body), e = t ? yajl_tree_get(t, path, yajl_t_string) : NULL;
	char text[400];
	if (e)
		snprintf(text, sizeof(text), "%s", YAJL_GET_STRING(e));
	else
		snprintf(text, sizeof(text), "%.*s",
			 (int)strcspn(body->data ? body->data : "", "\r\n"),
			 body->data ? body->data : "");
	yajl_tree_free(t);
	for (char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			*p = '?';
	snprintf(msg, size, "HTTP %ld: %s", status, text[0] ? text : "(no message)");
}

static enum answer post_doc(struct vigie_agent_report *rep, const struct vigie_agent_opts *o,
			    const struct vigie_buf *gz, struct vigie_error *err, int *fatal)
{
	struct fetch_opts fo;
	struct fetch_result res;
	struct vigie_buf body = VIGIE_BUF_INIT, url = VIGIE_BUF_INIT, auth = VIGIE_BUF_INIT;
	const char *hdrs[5];
	size_t blen = strlen(o->server);
	enum answer a = A_TEMP;
	int rc;

	*fatal = 0;
	vigie_fetch_opts_init(&fo);
	fo.ca_file = o->ca_file;
	fo.allow_http = o->allow_http;
	fo.timeout = o->timeout > 0 ? o->timeout : 120;
	fo.connect_timeout = 20;
	fo.max_size = 1 << 20;
	fo.user_agent = "vigie-agent";
	while (blen && o->server[blen - 1] == '/')
		blen--;
	vigie_buf_add(&url, o->server, blen);
	vigie_buf_adds(&url, "/api/v1/push");
	vigie_buf_addf(&auth, "Authorization: Bearer %s", o->token);
	hdrs[0] = auth.data;
	hdrs[1] = "Content-Type: application/json";
	hdrs[2] = "Content-Encoding: gzip";
	hdrs[3] = "Expect:";
	hdrs[4] = NULL;
	if (!url.data || !auth.data) {
		*fatal = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	rc = vigie_fetch_post(&res, &body, url.data, gz->data, gz->len, hdrs, &fo, err);
	rep->status = res.status;
	if (rc == VIGIE_EUSAGE) {
		*fatal = rc;
		goto out;
	}
	if (rc) {
		snprintf(rep->message, sizeof(rep->message), "%.500s", err->msg);
		goto out;
	}
	if (res.status == 200) {
		const char *dup[] = { "duplicate", NULL }, *ev[] = { "events_added", NULL };
		yajl_val t = answer_tree(&body), v;
		if (t && (v = yajl_tree_get(t, dup, yajl_t_true)))
			rep->duplicates++;
		if (t && (v = yajl_tree_get(t, ev, yajl_t_number)) && YAJL_IS_INTEGER(v) &&
		    YAJL_GET_INTEGER(v) > 0)
			rep->events_added += (size_t)YAJL_GET_INTEGER(v);
		yajl_tree_free(t);
		rep->sent++;
		a = A_OK;
	} else {
		server_message(rep->message, sizeof(rep->message), &body, res.status);
		a = res.status >= 400 && res.status < 500 && res.status != 429 && res.status != 408
			    ? A_REFUSED
			    : A_TEMP;
	}
out:
	vigie_fetch_result_release(&res);
	/* the token does not outlive the request in our memory */
	if (auth.data)
		memset(auth.data, 0, auth.len);
	vigie_buf_release(&auth);
	vigie_buf_release(&url);
	vigie_buf_release(&body);
	return a;
}

static int commit_state(const char *spool, const char *state, size_t len,
			struct vigie_error *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/state", spool);
	return vigie_file_write_atomic(path, state, len, 0600, err);
}

static int reject(struct vigie_agent_report *rep, const char *spool, unsigned long num,
		  const struct vigie_buf *gz, const char *queued, struct vigie_error *err)
{
	char dir[4096], path[8192];
	int rc;
	snprintf(dir, sizeof(dir), "%s/rejected", spool);
	if ((rc = vigie_mkdirs(dir, 0700, err)))
		return rc;
	snprintf(path, sizeof(path), "%s/%lu.error", dir, num);
	if ((rc = vigie_file_write_atomic(path, rep->message, strlen(rep->message), 0600, err)))
		return rc;
	snprintf(path, sizeof(path), "%s/%lu.json.gz", dir, num);
	if (queued) {
		if (rename(queued, path))
			return vigie_error_set(err, VIGIE_EIO, path, 0, "cannot move %s: %s", queued,
					       strerror(errno));
	} else if ((rc = vigie_file_write_atomic(path, gz->data, gz->len, 0600, err))) {
		return rc;
	}
	snprintf(rep->rejected, sizeof(rep->rejected), "%.4000s", path);
	return 0;
}

static int lock_spool(int *fd, const char *spool, struct vigie_error *err)
{
	char path[4096];
	int rc;
	if ((rc = vigie_mkdirs(spool, 0700, err)))
		return rc;
	snprintf(path, sizeof(path), "%s/queue", spool);
	if ((rc = vigie_mkdirs(path, 0700, err)))
		return rc;
	snprintf(path, sizeof(path), "%s/lock", spool);
	if ((*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
		return vigie_error_set(err, VIGIE_EIO, path, 0, "cannot open: %s", strerror(errno));
	if (flock(*fd, LOCK_EX | LOCK_NB)) {
		close(*fd);
		*fd = -1;
		return vigie_error_set(err, VIGIE_EIO, path, 0,
				       "another vigie agent is running on this spool");
	}
	return 0;
}

int vigie_agent_run(enum vigie_agent_outcome *outcome, struct vigie_agent_report *rep,
		    const struct vigie_agent_opts *o, struct vigie_error *err)
{
	const char *spool = o->spool ? o->spool : VIGIE_AGENT_SPOOL;
	struct vigie_buf gz = VIGIE_BUF_INIT, st = VIGIE_BUF_INIT;
	struct vigie_agent_doc d;
	unsigned long *q = NULL, next = 1;
	size_t nq = 0;
	char path[4096], spath[4096];
	int rc, fd = -1, fatal = 0;
	enum answer a = A_OK;

	memset(rep, 0, sizeof(*rep));
	*outcome = VIGIE_AGENT_SENT;
	vigie_agent_doc_init(&d);
	if ((rc = lock_spool(&fd, spool, err)) || (rc = queue_list(&q, &nq, spool, err)))
		goto out;
	if (nq)
		next = q[nq - 1] + 1;
	/* what could not be delivered before goes first, in order */
	for (size_t i = 0; i < nq; i++) {
		int absent;
		snprintf(path, sizeof(path), "%s/queue/%lu.json.gz", spool, q[i]);
		snprintf(spath, sizeof(spath), "%s/queue/%lu.state", spool, q[i]);
		vigie_buf_reset(&gz);
		vigie_buf_reset(&st);
		if ((rc = read_small(&gz, path, 64u << 20, NULL, err)) ||
		    (rc = read_small(&st, spath, MAX_STATE, &absent, err)))
			goto out;
		a = post_doc(rep, o, &gz, err, &fatal);
		if ((rc = fatal))
			goto out;
		if (a == A_TEMP) {
			rep->queued = nq - i;
			break;
		}
		if (a == A_REFUSED && (rc = reject(rep, spool, q[i], &gz, path, err)))
			goto out;
		/* stored, or refused for good: its lines are behind us */
		if (!absent && (rc = commit_state(spool, st.data, st.len, err)))
			goto out;
		unlink(path);
		unlink(spath);
		if (a == A_REFUSED) {
			rep->queued = nq - i - 1;
			break;
		}
	}
	if (a == A_REFUSED) {
		*outcome = VIGIE_AGENT_REJECTED;
		goto out;
	}
	for (int run = 0; run < MAX_RUNS; run++) {
		vigie_buf_reset(&st);
		if ((rc = vigie_agent_positions(&st, spool, err)))
			goto out;
		vigie_agent_doc_release(&d);
		if ((rc = vigie_agent_collect(&d, o, st.data, err)))
			goto out;
		vigie_buf_reset(&gz);
		if (vigie_agent_gzip(&gz, d.json.data, d.json.len)) {
			rc = vigie_error_set(err, VIGIE_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		a = rep->queued ? A_TEMP : post_doc(rep, o, &gz, err, &fatal);
		if ((rc = fatal))
			goto out;
		if (a == A_OK) {
			if ((rc = commit_state(spool, d.state.data, d.state.len, err)))
				goto out;
			if (d.more)
				continue;
			break;
		}
		if (a == A_REFUSED) {
			if ((rc = reject(rep, spool, next, &gz, NULL, err)))
				goto out;
			*outcome = VIGIE_AGENT_REJECTED;
			break;
		}
		/* queued: the positions first, then the document that makes
		 * the entry (an entry without its document is ignored) */
		snprintf(spath, sizeof(spath), "%s/queue/%lu.state", spool, next);
		snprintf(path, sizeof(path), "%s/queue/%lu.json.gz", spool, next);
		if ((rc = vigie_file_write_atomic(spath, d.state.data, d.state.len, 0600, err)) ||
		    (rc = vigie_file_write_atomic(path, gz.data, gz.len, 0600, err)))
			goto out;
		rep->queued++;
		*outcome = VIGIE_AGENT_SPOOLED;
		break;
	}
	if (*outcome == VIGIE_AGENT_SENT && rep->queued)
		*outcome = VIGIE_AGENT_SPOOLED;
out:
	vigie_agent_doc_release(&d);
	vigie_buf_release(&gz);
	vigie_buf_release(&st);
	free(q);
	if (fd >= 0)
		close(fd);
	return rc;
}

int vigie_agent_token_read(char *out, size_t size, const char *path, struct vigie_error *err)
{
	struct stat st;
	char buf[1024];
	ssize_t n;
	size_t len = 0, b = 0;
	int fd, rc = 0;

	if (size)
		out[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return vigie_error_set(err, VIGIE_EIO, path, 0, "cannot open: %s", strerror(errno));
	/* checked and read through one descriptor */
	if (fstat(fd, &st)) {
		rc = vigie_error_set(err, VIGIE_EIO, path, 0, "cannot open: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = vigie_error_set(err, VIGIE_EIO, path, 0, "not a regular file");
		goto out;
	}
	if (st.st_mode & (S_IRWXO | S_IWGRP)) {
		rc = vigie_error_set(err, VIGIE_EUSAGE, path, 0,
				     "refused: the token file is accessible to others (mode %04o; "
				     "chmod 600 %s)",
				     (unsigned)(st.st_mode & 07777), path);
		goto out;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		rc = vigie_error_set(err, VIGIE_EUSAGE, path, 0,
				     "refused: owned by uid %lu, neither root nor the user running "
				     "vigie (uid %lu)",
				     (unsigned long)st.st_uid, (unsigned long)geteuid());
		goto out;
	}
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = vigie_error_set(err, VIGIE_EIO, path, 0, "read error: %s",
					     strerror(errno));
			goto out;
		}
		len += (size_t)n;
		if (len == sizeof(buf) - 1)
			break;
	}
	buf[len] = '\0';
	while (buf[b] == ' ' || buf[b] == '\t' || buf[b] == '\r' || buf[b] == '\n')
		b++;
	len = strcspn(buf + b, " \t\r\n");
	if (!len) {
		rc = vigie_error_set(err, VIGIE_EPARSE, path, 0, "no token in the file");
		goto out;
	}
	if (len >= size) {
		rc = vigie_error_set(err, VIGIE_EPARSE, path, 0, "the token is too long");
		goto out;
	}
	memcpy(out, buf + b, len);
	out[len] = '\0';
out:
	memset(buf, 0, sizeof(buf));
	close(fd);
	return rc;
}
