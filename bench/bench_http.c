/* Benchmark: a small HTTP/1.1 load generator for `vigie serve` (plain POSIX
 * sockets, keep-alive, one thread per connection). Each request's latency
 * is measured from its first byte sent to its response's last byte read.
 *
 *   bench_http [--conns N] [--seconds S | --count N] [--method GET|POST]
 *              [--header 'Name: value']... [--body FILE] [--list FILE]
 *              [--gzip] HOST:PORT PATH
 *
 * --body FILE is sent as the request body (POST). Before sending, "@SEQ@"
 * in it is replaced by the request's sequence number (0, 1, ...), so that
 * successive bodies differ. --list FILE: one line per credential,
 * "TOKEN [NAME]"; request i uses line i modulo the number of lines: header
 * "Authorization: Bearer TOKEN", and "@HOST@" in the body replaced by NAME.
 * --gzip only adds "Content-Encoding: gzip" (the body file is sent as is,
 * so do not combine it with placeholders).
 *
 * Prints one line:
 *   requests N errors E seconds S rps R p50_ms A p90_ms B p99_ms C max_ms D
 * errors counts answers other than 2xx and failed connections; the first
 * error's status line and body start go to stderr. Exit status 0, or 2 on
 * bad usage. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct cred {
	char *token;
	char *name;
};

static struct {
	const char *host, *port, *path, *method;
	char headers[4096];
	char *body;
	size_t body_len;
	struct cred *creds;
	size_t ncreds;
	int gzip;
	double seconds;
	long count;
	double deadline;
} cfg = { .method = "GET" };

static atomic_long seq;
static atomic_int first_error;
static pthread_mutex_t err_mu = PTHREAD_MUTEX_INITIALIZER;

struct worker {
	pthread_t th;
	double *lat; /* milliseconds */
	size_t n, cap;
	long errors;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;
	if (!f) {
		perror(path);
		exit(2);
	}
	do {
		if (n + 65536 > cap) {
			cap = (cap ? cap * 2 : 131072);
			if (!(buf = realloc(buf, cap + 1)))
				exit(2);
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void load_list(const char *path)
{
	size_t len, cap = 0;
	char *text = slurp(path, &len), *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tok = strtok(line, " \t"), *name = strtok(NULL, " \t");
		if (!tok)
			continue;
		if (cfg.ncreds == cap) {
			cap = cap ? cap * 2 : 1024;
			if (!(cfg.creds = realloc(cfg.creds, cap * sizeof(*cfg.creds))))
				exit(2);
		}
		cfg.creds[cfg.ncreds].token = tok;
		cfg.creds[cfg.ncreds].name = name ? name : "";
		cfg.ncreds++;
	}
	if (!cfg.ncreds) {
		fprintf(stderr, "bench_http: %s: no credential\n", path);
		exit(2);
	}
}

static int connect_to(void)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *ai;
	int fd, one = 1;
	if (getaddrinfo(cfg.host, cfg.port, &hints, &ai))
		return -1;
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* A growing buffer. */
struct buf {
	char *p;
	size_t n, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		if (!(b->p = realloc(b->p, b->cap)))
			exit(2);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

/* The body of request i with its placeholders replaced. */
static void build_body(struct buf *out, long i, const struct cred *c)
{
	const char *p = cfg.body, *end = cfg.body + cfg.body_len;
	char num[32];
	int nl = snprintf(num, sizeof(num), "%ld", i);
	out->n = 0;
	while (p < end) {
		const char *at = memchr(p, '@', (size_t)(end - p));
		if (!at) {
			put(out, p, (size_t)(end - p));
			break;
		}
		put(out, p, (size_t)(at - p));
		if (end - at >= 5 && !memcmp(at, "@SEQ@", 5)) {
			put(out, num, (size_t)nl);
			p = at + 5;
		} else if (c && end - at >= 6 && !memcmp(at, "@HOST@", 6)) {
			put(out, c->name, strlen(c->name));
			p = at + 6;
		} else {
			put(out, "@", 1);
			p = at + 1;
		}
	}
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads one response; returns its status (or -1), *close_after when the
 * server closes the connection. The body is left in r (for errors). */
static int read_response(int fd, struct buf *r, size_t *hdr_len, int *close_after)
{
	char tmp[65536];
	size_t need = (size_t)-1;
	int status = -1;
	r->n = 0;
	*close_after = 0;
	for (;;) {
		if (need == (size_t)-1 && r->p) {
			char *e = r->n ? strstr(r->p, "\r\n\r\n") : NULL;
			if (e) {
				size_t hl = (size_t)(e - r->p) + 4;
				const char *cl = strcasestr(r->p, "\r\nContent-Length:");
				const char *cc = strcasestr(r->p, "\r\nConnection: close");
				if (sscanf(r->p, "HTTP/1.%*d %d", &status) != 1)
					return -1;
				need = hl + (cl && cl < e ? strtoul(cl + 17, NULL, 10) : 0);
				*hdr_len = hl;
				if (cc && cc < e)
					*close_after = 1;
			}
		}
		if (need != (size_t)-1 && r->n >= need)
			return status;
		ssize_t n = recv(fd, tmp, sizeof(tmp), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		put(r, tmp, (size_t)n);
	}
}

static void note_error(int status, const struct buf *resp, size_t hl)
{
	int expected = 0;
	if (!atomic_compare_exchange_strong(&first_error, &expected, 1))
		return;
	pthread_mutex_lock(&err_mu);
	if (status < 0)
		fprintf(stderr, "bench_http: first error: connection failed or closed\n");
	else
		fprintf(stderr, "bench_http: first error: status %d: %.300s\n", status,
			resp->p && resp->n > hl ? resp->p + hl : "");
	pthread_mutex_unlock(&err_mu);
}

static void *run(void *arg)
{
	struct worker *w = arg;
	struct buf req = { 0 }, body = { 0 }, resp = { 0 };
	int fd = -1;
	for (;;) {
		long i = atomic_fetch_add(&seq, 1);
		const struct cred *c = cfg.ncreds ? &cfg.creds[(size_t)i % cfg.ncreds] : NULL;
		char line[1024];
		size_t hl = 0;
		int status, close_after, n;
		double t0;
		if (cfg.count ? i >= cfg.count : now() >= cfg.deadline)
			break;
		if (cfg.body)
			build_body(&body, i, c);
		n = snprintf(line, sizeof(line), "%s %s HTTP/1.1\r\nHost: %s:%s\r\n%s", cfg.method,
			     cfg.path, cfg.host, cfg.port, cfg.headers);
		req.n = 0;
		put(&req, line, (size_t)n);
		if (c) {
			n = snprintf(line, sizeof(line), "Authorization: Bearer %s\r\n", c->token);
			put(&req, line, (size_t)n);
		}
		if (cfg.body) {
			n = snprintf(line, sizeof(line), "Content-Length: %zu\r\n%s", body.n,
				     cfg.gzip ? "Content-Encoding: gzip\r\n" : "");
			put(&req, line, (size_t)n);
		}
		put(&req, "\r\n", 2);
		if (cfg.body)
			put(&req, body.p, body.n);
		t0 = now();
		if (fd < 0 && (fd = connect_to()) < 0) {
			w->errors++;
			note_error(-1, &resp, 0);
			usleep(10000);
			continue;
		}
		status = -1;
		if (send_all(fd, req.p, req.n) == 0)
			status = read_response(fd, &resp, &hl, &close_after);
		if (status < 0 || close_after) {
			close(fd);
			fd = -1;
		}
		if (w->n == w->cap) {
			w->cap = w->cap ? w->cap * 2 : 4096;
			if (!(w->lat = realloc(w->lat, w->cap * sizeof(*w->lat))))
				exit(2);
		}
		w->lat[w->n++] = (now() - t0) * 1000.0;
		if (status < 200 || status > 299) {
			w->errors++;
			note_error(status, &resp, hl);
		}
	}
	if (fd >= 0)
		close(fd);
	free(req.p);
	free(body.p);
	free(resp.p);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(const double *v, size_t n, double p)
{
	size_t k;
	if (!n)
		return 0;
	k = (size_t)(p / 100.0 * (double)n);
	return v[k >= n ? n - 1 : k];
}

static void usage(void)
{
	fputs("usage: bench_http [--conns N] [--seconds S | --count N] [--method M]\n"
	      "                  [--header 'Name: value']... [--body FILE] [--list FILE]\n"
	      "                  [--gzip] HOST:PORT PATH\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "conns", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "method", required_argument, NULL, 'm' },
		{ "header", required_argument, NULL, 'H' },
		{ "body", required_argument, NULL, 'b' },
		{ "list", required_argument, NULL, 'l' },
		{ "gzip", no_argument, NULL, 'z' },
		{ NULL, 0, NULL, 0 }
	};
	int conns = 4, o;
	struct worker *w;
	double t0, el;
	size_t total = 0, k = 0;
	long errors = 0;
	double *all;
	char *colon;

	cfg.seconds = 5;
	while ((o = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (o) {
		case 'c': conns = atoi(optarg); break;
		case 's': cfg.seconds = atof(optarg); break;
		case 'n': cfg.count = atol(optarg); break;
		case 'm': cfg.method = optarg; break;
		case 'H':
			if (strlen(cfg.headers) + strlen(optarg) + 3 >= sizeof(cfg.headers))
				usage();
			strcat(cfg.headers, optarg);
			strcat(cfg.headers, "\r\n");
			break;
		case 'b': cfg.body = slurp(optarg, &cfg.body_len); break;
		case 'l': load_list(optarg); break;
		case 'z': cfg.gzip = 1; break;
		default: usage();
		}
	}
	if (argc - optind != 2 || conns < 1 || conns > 1024 || !(colon = strrchr(argv[optind], ':')))
		usage();
	*colon = '\0';
	cfg.host = argv[optind];
	cfg.port = colon + 1;
	cfg.path = argv[optind + 1];
	if (!(w = calloc((size_t)conns, sizeof(*w))))
		return 2;
	t0 = now();
	cfg.deadline = t0 + cfg.seconds;
	for (int i = 0; i < conns; i++)
		if (pthread_create(&w[i].th, NULL, run, &w[i]))
			return 2;
	for (int i = 0; i < conns; i++) {
		pthread_join(w[i].th, NULL);
		total += w[i].n;
		errors += w[i].errors;
	}
	el = now() - t0;
	if (!(all = malloc((total ? total : 1) * sizeof(*all))))
		return 2;
	for (int i = 0; i < conns; i++) {
		if (w[i].n)
			memcpy(all + k, w[i].lat, w[i].n * sizeof(*all));
		k += w[i].n;
		free(w[i].lat);
	}
	qsort(all, total, sizeof(*all), cmp_double);
	printf("requests %zu errors %ld seconds %.2f rps %.1f p50_ms %.2f p90_ms %.2f "
	       "p99_ms %.2f max_ms %.2f\n",
	       total, errors, el, (double)total / el, pct(all, total, 50), pct(all, total, 90),
	       pct(all, total, 99), total ? all[total - 1] : 0.0);
	free(all);
	free(w);
	return 0;
}
