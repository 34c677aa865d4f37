/* vigie feeds: manage and poll advisory feeds, list items, coverage. */
#define _GNU_SOURCE
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "vigie/feeds/feed.h"
#include "vigie/feeds/feeds.h"
#include "vigie/net/fetch.h"
#include "vigie/render/json.h"

static void feeds_usage(FILE *f)
{
	fprintf(f,
		"usage: vigie feeds add URL|PATH [--name N] [--service S]... [--debian]\n"
		"                       [--no-check]\n"
		"       vigie feeds add --defaults [--catalogue FILE]\n"
		"       vigie feeds list [--format text|json]\n"
		"       vigie feeds remove URL|NAME\n"
		"       vigie feeds poll [--force] [--parallel N] [--timeout SECONDS]\n"
		"                        [--max-size BYTES]\n"
		"       vigie feeds items [--since DATE] [--new] [--host NAME]\n"
		"                         [--format text|json]\n"
		"       vigie feeds coverage [--format text|json]\n"
		"See vigie-feeds(1).\n");
}

/* The services table shared with `vigie hosts` (services.conf). */
static int load_services(struct services_table *svc)
{
	struct vigie_error err;
	cli_error_init(&err);
	vigie_services_table_init(svc);
	if (vigie_services_load(svc, NULL, &err))
		return cli_error(&err);
	return 0;
}

/* ---- add ---- */
/* Fetch the feed once before storing it: an answer that is an error
 * (404, 500, a bad file) is refused; a network that cannot be reached is
 * only a warning (the feed may be added offline and polled later). */
static int check_feed_url(const char *url)
{
	struct vigie_buf body = { 0 };
	struct fetch_opts fo;
	struct fetch_result res;
	struct vigie_error err;
	int rc;

	cli_error_init(&err);
	memset(&res, 0, sizeof(res));
	vigie_fetch_opts_init(&fo);
	fo.connect_timeout = 10;
	fo.timeout = 30;
	fo.max_size = FEED_MAX_DOC;
	fo.user_agent = "vigie/" VIGIE_VERSION;
	if (strstr(url, "://") && strncmp(url, "file://", 7))
		rc = vigie_fetch_to_mem(&res, &body, url, &fo, &err);
	else
		rc = vigie_read_file(&body, !strncmp(url, "file://", 7) ? url + 7 : url,
				     FEED_MAX_DOC, &err);
	vigie_buf_release(&body);
	if (rc && res.unreachable) {
		char msg[1200];
		vigie_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "vigie: warning: %s; added all the same, `vigie feeds poll`"
				" will try again\n", msg);
		rc = 0;
	} else if (rc) {
		cli_error(&err);
		fprintf(stderr, "vigie: the feed was not added (--no-check adds it unchecked)\n");
		rc = EXIT_ERROR;
	}
	vigie_fetch_result_release(&res);
	return rc;
}

static int feeds_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "service", required_argument, NULL, 's' },
		{ "debian", no_argument, NULL, 'd' },
		{ "defaults", no_argument, NULL, 'D' },
		{ "catalogue", required_argument, NULL, 'c' },
		{ "no-check", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *name = NULL, *catalogue = NULL;
	int check = 1;
	struct vigie_strv svcs;
	struct vigie_store *s = NULL;
	struct vigie_error err;
	int c, defaults = 0, rc = EXIT_OK, r;
	char *services = NULL;

	vigie_strv_init(&svcs);
	cli_error_init(&err);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 's':
			if (!*optarg || strchr(optarg, FEEDS_SERVICE_SEP) ||
			    !vigie_utf8_valid(optarg, strlen(optarg)) ||
			    vigie_strv_push_unique(&svcs, vigie_strip(optarg))) {
				rc = cli_fail("bad service name '%s'", optarg);
				goto out;
			}
			break;
		case 'd': vigie_strv_push_unique(&svcs, FEEDS_DEBIAN_TOKEN); break;
		case 'D': defaults = 1; break;
		case 'c': catalogue = optarg; break;
		case 'N': check = 0; break;
		case 'h': feeds_usage(stdout); goto out;
		default: feeds_usage(stderr); rc = EXIT_ERROR; goto out;
		}
	}
	if (defaults == (optind < argc) || argc - optind > 1) {
		feeds_usage(stderr);
		rc = EXIT_ERROR;
		goto out;
	}
	if ((rc = cli_store_open(&s, 0)))
		goto out;
	if (defaults) {
		struct feeds_catalogue cat;
		if (vigie_feeds_catalogue_load(&cat, catalogue, &err)) {
			rc = cli_error(&err);
			goto out;
		}
		for (size_t i = 0; i < cat.n && rc == EXIT_OK; i++) {
			r = vigie_store_feed_add(s, cat.v[i].url, cat.v[i].name, cat.v[i].services, &err);
			if (r < 0)
				rc = cli_error(&err);
			else
				printf("%s %s (%s)\n", r ? "present" : "added", cat.v[i].name,
				       cat.v[i].url);
		}
		vigie_feeds_catalogue_release(&cat);
		goto out;
	}
	if (!*argv[optind] || strlen(argv[optind]) > 2048 ||
	    (strstr(argv[optind], "://") && strncmp(argv[optind], "http://", 7) &&
	     strncmp(argv[optind], "https://", 8) && strncmp(argv[optind], "file://", 7))) {
		rc = cli_fail("bad feed URL '%s' (expected http://, https://, file:// or a path)",
			      argv[optind]);
		goto out;
	}
	if (svcs.n && !(services = vigie_strv_join(&svcs, "|"))) {
		rc = cli_fail("out of memory");
		goto out;
	}
	if (check && (rc = check_feed_url(argv[optind])))
		goto out;
	r = vigie_store_feed_add(s, argv[optind], name, services, &err);
	if (r < 0)
		rc = cli_error(&err);
	else
		printf("%s %s\n", r ? "already present:" : "added", argv[optind]);
out:
	free(services);
	vigie_strv_release(&svcs);
	vigie_store_close(s);
	return rc;
}

/* ---- list ---- */
struct list_ctx {
	yajl_gen g; /* NULL for text */
	size_t n;
};

static void gtime(yajl_gen g, const char *k, int64_t t)
{
	char tb[32];
	vigie_json_kv_str(g, k, t ? vigie_time_format(t, tb, sizeof(tb)) : NULL);
}

static int list_cb(void *ud, const struct store_feed *f)
{
	struct list_ctx *c = ud;
	struct vigie_strv svcs;
	char t1[32], t2[32];
	vigie_strv_init(&svcs);
	if (vigie_feeds_service_list(&svcs, f->services))
		return VIGIE_ENOMEM;
	if (c->g) {
		yajl_gen g = c->g;
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "name", f->name);
		vigie_json_kv_str(g, "url", f->url);
		vigie_json_key(g, "services");
		yajl_gen_array_open(g);
		for (size_t i = 0; i < svcs.n; i++)
			vigie_json_str(g, svcs.v[i]);
		yajl_gen_array_close(g);
		gtime(g, "last_poll", f->last_poll);
		gtime(g, "last_success", f->last_success);
		vigie_json_kv_str(g, "last_error", f->last_error);
		vigie_json_kv_int(g, "failures", f->failures);
		gtime(g, "next_poll", f->next_poll);
		yajl_gen_map_close(g);
	} else {
		printf("%s\n  url:          %s\n", f->name ? f->name : f->url, f->url);
		for (size_t i = 0; i < svcs.n; i++)
			printf("%s%s%s", i ? ", " : "  services:     ", svcs.v[i],
			       i + 1 == svcs.n ? "\n" : "");
		printf("  last success: %s\n",
		       f->last_success ? vigie_time_format(f->last_success, t1, sizeof(t1)) : "never");
		if (f->last_error)
			printf("  last error:   %s (%ld failure%s, next poll %s)\n", f->last_error,
			       f->failures, f->failures == 1 ? "" : "s",
			       vigie_time_format(f->next_poll, t2, sizeof(t2)));
	}
	c->n++;
	vigie_strv_release(&svcs);
	return 0;
}

/* Options of the subcommands that take only --format text|json: -1 to go
 * on (*format set), else the exit code. */
static int format_only_options(int argc, char **argv, const char **format)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;
	*format = "text";
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (cli_format_check(optarg, "text|json"))
				return EXIT_ERROR;
			*format = optarg;
			break;
		case 'h': feeds_usage(stdout); return EXIT_OK;
		default: feeds_usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind != argc) {
		feeds_usage(stderr);
		return EXIT_ERROR;
	}
	return -1;
}

static int feeds_list(int argc, char **argv)
{
	const char *format = "text";
	struct vigie_store *s = NULL;
	struct vigie_error err;
	struct list_ctx c = { 0 };
	int rc;

	cli_error_init(&err);
	if ((rc = format_only_options(argc, argv, &format)) >= 0)
		return rc;
	if ((rc = cli_store_open(&s, 0)))
		return rc;
	if (!strcmp(format, "json")) {
		if (!(c.g = vigie_json_gen_alloc())) {
			vigie_store_close(s);
			return cli_fail("out of memory");
		}
		yajl_gen_map_open(c.g);
		vigie_json_kv_str(c.g, "schema", "vigie.feeds.list/1");
		vigie_json_key(c.g, "feeds");
		yajl_gen_array_open(c.g);
	}
	if (vigie_store_feeds_each(s, list_cb, &c, &err)) {
		rc = cli_error(&err);
	} else if (c.g) {
		const unsigned char *buf;
		size_t len;
		yajl_gen_array_close(c.g);
		yajl_gen_map_close(c.g);
		if (yajl_gen_get_buf(c.g, &buf, &len) == yajl_gen_status_ok)
			fwrite(buf, 1, len, stdout);
		else
			rc = cli_fail("JSON generation failed");
	} else if (c.n == 0) {
		printf("no feeds (add some with 'vigie feeds add --defaults')\n");
	}
	if (c.g)
		yajl_gen_free(c.g);
	vigie_store_close(s);
	return rc;
}

/* ---- remove ---- */
static int feeds_remove(int argc, char **argv)
{
	struct vigie_store *s = NULL;
	struct vigie_error err;
	int rc;
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		feeds_usage(stdout);
		return EXIT_OK;
	}
	if (argc != 2) {
		feeds_usage(stderr);
		return EXIT_ERROR;
	}
	cli_error_init(&err);
	if ((rc = cli_store_open(&s, 0)))
		return rc;
	if (vigie_store_feed_remove(s, argv[1], &err))
		rc = cli_error(&err);
	else
		printf("removed %s\n", argv[1]);
	vigie_store_close(s);
	return rc;
}

/* ---- poll ---- */
#define RED(s) (cli.color ? "\033[31m" s "\033[0m" : s)

static void poll_status(void *ud, const struct feeds_poll_status *st)
{
	char t[32];
	(*(size_t *)ud)++;
	switch (st->outcome) {
	case FEEDS_OK:
		printf("%s: ok, %zu item%s, %zu new\n", st->name, st->items,
		       st->items == 1 ? "" : "s", st->new_items);
		break;
	case FEEDS_NOT_MODIFIED:
		printf("%s: not modified\n", st->name);
		break;
	case FEEDS_FAILED:
		printf("%s: %s: %s (next poll %s)\n", st->name, RED("error"), st->error,
		       vigie_time_format(st->next_poll, t, sizeof(t)));
		break;
	default:
		printf("%s: skipped, backing off until %s\n", st->name,
		       vigie_time_format(st->next_poll, t, sizeof(t)));
	}
	fflush(stdout);
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *e;
	long v = strtol(s, &e, 10);
	if (!*s || *e || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int feeds_poll_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'F' },
		{ "parallel", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct feeds_poll_opts o = { 0 };
	size_t reported = 0;
	struct services_table svc;
	struct vigie_store *s = NULL;
	struct vigie_error err;
	long v;
	int ch, rc, r;

	cli_error_init(&err);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'F': o.force = 1; break;
		case 'p':
			if (parse_long(optarg, 1, 64, &v))
				return cli_fail("--parallel: expected 1..64");
			o.parallel = (int)v;
			break;
		case 't':
			if (parse_long(optarg, 1, 3600, &v))
				return cli_fail("--timeout: expected 1..3600 seconds");
			o.connect_timeout = o.low_speed_time = v;
			o.total_timeout = v * 4;
			break;
		case 'm':
			if (parse_long(optarg, 1024, FEED_MAX_DOC, &v))
				return cli_fail("--max-size: expected 1024..%u", FEED_MAX_DOC);
			o.max_body = (size_t)v;
			break;
		case 'h': feeds_usage(stdout); return EXIT_OK;
		default: feeds_usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind != argc) {
		feeds_usage(stderr);
		return EXIT_ERROR;
	}
	if ((rc = load_services(&svc)))
		return rc;
	o.services = &svc;
	if ((rc = cli_store_open(&s, 0))) {
		vigie_services_table_release(&svc);
		return rc;
	}
	r = vigie_feeds_poll(s, &o, poll_status, &reported, &err);
	if (r == 0 && reported == 0)
		printf("no feeds (add some with 'vigie feeds add --defaults')\n");
	if (r < 0)
		rc = cli_error(&err);
	else if (r > 0)
		rc = EXIT_ERROR; /* some feeds failed; each was reported */
	vigie_store_close(s);
	vigie_services_table_release(&svc);
	return rc;
}

/* ---- items ---- */
struct items_out {
	yajl_gen g; /* NULL for text */
	size_t n;
};

static void flush_json(yajl_gen g)
{
	const unsigned char *buf;
	size_t len;
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
		fwrite(buf, 1, len, stdout);
		yajl_gen_clear(g);
	}
}

static int print_item(void *ud, const struct feeds_item *x)
{
	struct items_out *o = ud;
	char t[32];
	o->n++;
	if (o->g) {
		vigie_feeds_item_json(o->g, x);
		flush_json(o->g);
		return 0;
	}
	printf("%s  [%s] %s\n",
	       x->it.published ? vigie_date_format(x->it.published, t, sizeof(t)) : "(no date) ",
	       x->it.feed, x->it.title ? x->it.title : "(no title)");
	if (x->it.link)
		printf("    %s\n", x->it.link);
	if (x->it.cves)
		printf("    CVEs: %s\n", x->it.cves);
	for (size_t k = 0; k < x->match.n; k++) {
		const struct feeds_hit *h = &x->match.v[k];
		if (!h->source) {
			printf("    %s: service %s\n", h->host, h->what);
			continue;
		}
		printf("    %s: %s %s %s", h->host, h->source, h->source_version,
		       h->fixed == 1   ? "fixed"
		       : h->fixed == 0 ? RED("NOT fixed")
				       : "unknown");
		if (h->fixed_version)
			printf(" (fixed in %s)", h->fixed_version);
		printf("\n");
	}
	return 0;
}

static int feeds_items_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "new", no_argument, NULL, 'n' },
		{ "host", required_argument, NULL, 'H' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct feeds_items_query q = { 0 };
	struct feeds_match_opts mo = { 0 };
	struct items_out io = { 0 };
	struct feeds_secdata *sd = NULL;
	struct services_table svc;
	struct vigie_store *s = NULL;
	struct vigie_error err;
	const char *format = "text";
	int ch, rc;

	cli_error_init(&err);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (vigie_time_parse(&q.since, optarg, 0))
				return cli_fail("--since: expected YYYY-MM-DD or RFC 3339, got '%s'",
						optarg);
			break;
		case 'n': q.unalerted = 1; break;
		case 'H': q.host = optarg; break;
		case 'f':
			if (cli_format_check(optarg, "text|json"))
				return EXIT_ERROR;
			format = optarg;
			break;
		case 'h': feeds_usage(stdout); return EXIT_OK;
		default: feeds_usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind != argc) {
		feeds_usage(stderr);
		return EXIT_ERROR;
	}
	if ((rc = load_services(&svc)))
		return rc;
	mo.services = &svc;
	if ((rc = cli_store_open(&s, 0))) {
		vigie_services_table_release(&svc);
		return rc;
	}
	if (vigie_feeds_secdata_new(&sd, s)) {
		rc = cli_fail("out of memory");
		goto out;
	}
	mo.fixed_lookup = vigie_feeds_secdata_fixed;
	mo.ud = sd;
	if (!strcmp(format, "json")) {
		if (!(io.g = vigie_json_gen_alloc())) {
			rc = cli_fail("out of memory");
			goto out;
		}
		vigie_feeds_items_json_open(io.g);
	}
	if (vigie_feeds_items_each(s, &q, &mo, print_item, &io, &err)) {
		rc = cli_error(&err);
		goto out;
	}
	if (io.g) {
		vigie_feeds_items_json_close(io.g);
		flush_json(io.g);
		putchar('\n');
	} else if (io.n == 0) {
		printf("no items\n");
	}
out:
	if (io.g)
		yajl_gen_free(io.g);
	vigie_feeds_secdata_free(sd);
	vigie_store_close(s);
	vigie_services_table_release(&svc);
	return rc;
}

/* ---- coverage ---- */
static int feeds_coverage_cmd(int argc, char **argv)
{
	struct vigie_feeds_coverage cov;
	struct services_table svc;
	struct vigie_store *s = NULL;
	struct vigie_error err;
	const char *format = "text";
	int rc;

	cli_error_init(&err);
	if ((rc = format_only_options(argc, argv, &format)) >= 0)
		return rc;
	if ((rc = load_services(&svc)))
		return rc;
	if ((rc = cli_store_open(&s, 0))) {
		vigie_services_table_release(&svc);
		return rc;
	}
	if (vigie_feeds_coverage(s, &svc, &cov, &err)) {
		rc = cli_error(&err);
		goto out;
	}
	if (!strcmp(format, "json")) {
		struct vigie_buf b = VIGIE_BUF_INIT;
		if (vigie_feeds_coverage_json(&b, &cov, &err))
			rc = cli_error(&err);
		else
			printf("%s\n", b.data);
		vigie_buf_release(&b);
	} else {
		for (size_t i = 0; i < cov.n; i++) {
			const struct feeds_cov *v = &cov.v[i];
			printf("%s %-20s %-12s ", v->feeds.n ? "covered  " : RED("UNCOVERED"),
			       v->host, v->service);
			for (size_t k = 0; k < v->feeds.n; k++)
				printf("%s%s", k ? ", " : "", v->feeds.v[k]);
			printf("\n");
		}
		printf("%zu service%s, %zu uncovered\n", cov.n, cov.n == 1 ? "" : "s",
		       cov.uncovered);
	}
	if (rc == EXIT_OK && cov.uncovered)
		rc = EXIT_FINDINGS;
	vigie_feeds_coverage_release(&cov);
out:
	vigie_store_close(s);
	vigie_services_table_release(&svc);
	return rc;
}

int cmd_feeds(int argc, char **argv)
{
	static const struct { const char *name; cmd_fn *fn; } subs[] = {
		{ "add", feeds_add },         { "list", feeds_list },
		{ "remove", feeds_remove },   { "poll", feeds_poll_cmd },
		{ "items", feeds_items_cmd }, { "coverage", feeds_coverage_cmd },
	};
	if (argc < 2) {
		feeds_usage(stderr);
		return EXIT_ERROR;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		feeds_usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name)) {
			optind = 1;
			return subs[i].fn(argc - 1, argv + 1);
		}
	fprintf(stderr, "vigie: unknown feeds command '%s'\n", argv[1]);
	feeds_usage(stderr);
	return EXIT_ERROR;
}
