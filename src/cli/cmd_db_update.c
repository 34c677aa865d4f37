/* vigie db update [--offline] [--source NAME]... [--cache DIR] */
#define _GNU_SOURCE
#include "cli.h"

#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigie/secdata/update.h"

#define MAX_ONLY 64

struct progress {
	const char *name;
	struct timespec last;
	int drawn;
};

static void progress_clear(struct progress *p)
{
	if (p->drawn) {
		fputs("\r\033[K", stderr);
		p->drawn = 0;
	}
}

static void on_start(void *ud, const struct update_source *src)
{
	struct progress *p = ud;
	progress_clear(p);
	p->name = src->name;
	p->last.tv_sec = 0;
}

static int on_progress(void *ud, int64_t now, int64_t total)
{
	struct progress *p = ud;
	struct timespec t;
	char bar[31];
	int fill = 0;

	clock_gettime(CLOCK_MONOTONIC, &t);
	if (p->drawn && (t.tv_sec - p->last.tv_sec) * 1000 +
				(t.tv_nsec - p->last.tv_nsec) / 1000000 < 100)
		return 0;
	p->last = t;
	if (total > 0)
		fill = (int)(now * 30 / total);
	if (fill > 30)
		fill = 30;
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, total > 0 ? '.' : ' ', (size_t)(30 - fill));
	bar[30] = '\0';
	if (total > 0)
		fprintf(stderr, "\r\033[K%-14s [%s] %3d%% %.1f MiB", p->name ? p->name : "",
			bar, (int)(now * 100 / total), (double)now / 1048576.0);
	else
		fprintf(stderr, "\r\033[K%-14s %.1f MiB", p->name ? p->name : "",
			(double)now / 1048576.0);
	p->drawn = 1;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigie db update [--offline] [--source NAME]... [--cache DIR]\n"
		"                       [--timeout SECONDS] [--allow-shrink]\n\n"
		"Download the security data sources (data/sources.conf, or the file named\n"
		"by $VIGIE_SOURCES_CONF) into the cache and import them; sources unchanged\n"
		"since their last import are not imported again. Then judge the stored\n"
		"hosts again, but for those already judged on this data, policy and day.\n\n"
		"  --offline       import what the cache holds, without network\n"
		"  --source NAME   update only this source (repeatable)\n"
		"  --cache DIR     cache directory (default: cache/ beside the database)\n"
		"  --timeout SEC   give up on a download after SEC seconds (default 600;\n"
		"                  a transfer stalled for 30 s fails earlier)\n"
		"  --allow-shrink  let a source be replaced by far fewer rows (by default\n"
		"                  an import keeping < 90 %% of them is refused)\n"
		"  -h, --help      this help\n\n"
		"Exit status: 0 when data could be imported (warnings for the rest),\n"
		"2 when nothing could be.\n");
}

static const char *state_text(const struct update_report *r, char *buf, size_t n)
{
	char d[16];
	switch (r->state) {
	case UPDATE_IMPORTED:
		if (r->size)
			snprintf(buf, n, "imported %ld rows (%.1f MiB downloaded)", r->rows,
				 (double)r->size / 1048576.0);
		else
			snprintf(buf, n, "imported %ld rows", r->rows);
		break;
	case UPDATE_NOT_MODIFIED:
		snprintf(buf, n, "not modified");
		break;
	case UPDATE_CACHED:
		snprintf(buf, n, "kept the data imported before");
		break;
	case UPDATE_CACHE_IMPORTED:
		snprintf(buf, n, "imported %ld rows from the cache of %s", r->rows,
			 vigie_date_format(r->cache_time, d, sizeof(d)));
		break;
	default:
		snprintf(buf, n, r->message[0] ? "failed" : "not fetched (network unreachable)");
		break;
	}
	return buf;
}

/* Whether the store holds tracker or advisory data from an earlier import. */
static int has_security_data(struct vigie_store *s)
{
	return vigie_store_count(s, "tracker", NULL) > 0 || vigie_store_count(s, "advisories", NULL) > 0;
}

int cmd_db_update(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "offline", no_argument, NULL, 'o' },
		{ "source", required_argument, NULL, 's' },
		{ "cache", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "allow-shrink", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *only[MAX_ONLY];
	size_t nonly = 0;
	const char *cache_dir = NULL;
	char dbbuf[4096], cachebuf[4200], line[1400];
	struct update_config cfg;
	struct update_opts uo;
	struct update_result *res = NULL;
	struct vigie_store *s = NULL;
	struct vigie_error err;
	struct progress prog = { NULL, { 0, 0 }, 0 };
	int offline = 0, allow_shrink = 0, c, rc = EXIT_ERROR;
	long timeout = 0;

	memset(&cfg, 0, sizeof(cfg));
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			offline = 1;
			break;
		case 'A':
			allow_shrink = 1;
			break;
		case 's':
			if (nonly == MAX_ONLY)
				return cli_fail("too many --source options");
			only[nonly++] = optarg;
			break;
		case 'c':
			cache_dir = optarg;
			break;
		case 't': {
			char *end;
			timeout = strtol(optarg, &end, 10);
			if (*end || timeout <= 0 || timeout > 86400)
				return cli_fail("--timeout takes seconds (1-86400), not '%s'", optarg);
			break;
		}
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_ERROR;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return cli_fail("unexpected argument '%s'", argv[optind]);
	}
	cli_error_init(&err);
	if (vigie_update_config_load(&cfg, NULL, &err)) {
		vigie_update_config_release(&cfg);
		return cli_error(&err);
	}
	if (!cache_dir) {
		const char *db = cli.db_path ? cli.db_path : vigie_store_default_path(dbbuf, sizeof(dbbuf));
		char tmp[4096];
		snprintf(tmp, sizeof(tmp), "%s", db);
		snprintf(cachebuf, sizeof(cachebuf), "%s/cache", dirname(tmp));
		cache_dir = cachebuf;
	}
	if (cli_store_open(&s, 0))
		goto out;
	vigie_store_allow_shrink(s, allow_shrink);
	if (!(res = malloc(sizeof(*res)))) {
		cli_fail("out of memory");
		goto out;
	}
	memset(&uo, 0, sizeof(uo));
	uo.cache_dir = cache_dir;
	uo.offline = offline;
	uo.only = only;
	uo.nonly = nonly;
	uo.fetch.user_agent = "vigie/" VIGIE_VERSION;
	if (timeout) {
		/* a whole-transfer limit; a stall fails within it too */
		uo.fetch.timeout = timeout;
		uo.fetch.connect_timeout = timeout < FETCH_DEFAULT_CONNECT_TIMEOUT ? timeout : 0;
		uo.fetch.low_speed_time = timeout < FETCH_DEFAULT_LOW_SPEED_TIME ? timeout : 0;
	}
	if (cli.stderr_tty) {
		uo.fetch.progress = on_progress;
		uo.fetch.progress_ud = &prog;
		uo.on_start = on_start;
		uo.on_start_ud = &prog;
	}
	if (vigie_update_run(s, &cfg, &uo, res, &err)) {
		progress_clear(&prog);
		cli_error(&err);
		goto out;
	}
	progress_clear(&prog);
	for (size_t i = 0; i < res->n; i++) {
		const struct update_report *r = &res->rep[i];
		printf("%-14s %s\n", r->src->name, state_text(r, line, sizeof(line)));
		/* network failures are told once, below */
		if (r->message[0] && !(res->unreachable &&
				       !strcmp(r->message, res->unreachable_msg)))
			fprintf(stderr, "vigie: warning: %s: %s\n", r->src->name, r->message);
	}
	if (res->unreachable) {
		char d[16];
		if (!res->usable)
			fprintf(stderr, "vigie: security data unreachable: %s; no data\n",
				res->unreachable_msg);
		else if (res->oldest_cache)
			fprintf(stderr, "vigie: warning: security data unreachable: %s; using cached data from %s\n",
				res->unreachable_msg,
				vigie_date_format(res->oldest_cache, d, sizeof(d)));
		else if (has_security_data(s))
			fprintf(stderr, "vigie: warning: security data unreachable: %s; using the data imported before\n",
				res->unreachable_msg);
		else
			fprintf(stderr, "vigie: warning: security data unreachable: %s; the database has no"
					" security data yet\n", res->unreachable_msg);
	} else if (!res->usable && res->n) {
		fprintf(stderr, "vigie: no data could be imported\n");
	}
	rc = res->usable || !res->n ? EXIT_OK : EXIT_ERROR;
	if (rc == EXIT_OK && res->usable)
		rc = cli_rejudge_hosts(s, 0);
out:
	free(res);
	vigie_store_close(s);
	vigie_update_config_release(&cfg);
	return rc;
}
