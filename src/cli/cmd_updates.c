/* vigie updates: pending updates from the host's own apt sources and the
 * CVEs they fix (security tracker data in the store, and optionally the
 * candidate packages' changelogs). */
#define _GNU_SOURCE
#include "cli.h"

#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "vigie/debian/aptlists.h"
#include "vigie/debian/aptsources.h"
#include "vigie/debian/debpkg.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/policy.h"
#include "vigie/engine/scan_pending.h"
#include "vigie/engine/vulnindex.h"
#include "vigie/render/json.h"

struct row {
	const struct pending_update *u;
	struct vigie_strv cves;
	int cls;                /* worst class of its CVEs, -1 when none */
	int cves_known;         /* tracker data for the release, the
				   candidate's changelog, or an advisory */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigie updates [--root DIR] [--status FILE] [--lists DIR]\n"
		"                     [--release CODENAME] [--arch ARCH]\n"
		"                     [--format text|json|csv] [--security-only] [--changelogs]\n\n"
		"List the updates apt would install from this host's own sources\n"
		"(/etc/apt/sources.list*, indexes in /var/lib/apt/lists) and the CVEs each fixes.\n\n"
		"  --root DIR        a mounted image or chroot (sources, lists, dpkg status)\n"
		"  --status FILE     dpkg status file (default: <root>/var/lib/dpkg/status)\n"
		"  --lists DIR       apt lists directory (default: <root>/var/lib/apt/lists)\n"
		"  --release NAME    release codename for tracker data (default: detected)\n"
		"  --arch ARCH       native architecture (default: detected)\n"
		"  --format FMT      text (default), json or csv\n"
		"  --security-only   only updates from security suites\n"
		"  --changelogs      also read CVE ids from the candidate packages' changelogs\n"
		"                    (downloads each candidate .deb once; cached in the database,\n"
		"                    and the cache is used without this option)\n"
		"  -h, --help        this help\n");
}

static void csv_field(FILE *f, const char *s)
{
	if (!s)
		s = "";
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
}

static int print_json(const struct inventory *inv, const char *release,
		      struct row *rows, size_t n)
{
	yajl_gen g = vigie_json_gen_alloc();
	const unsigned char *buf;
	size_t len;
	char ts[32];

	if (!g)
		return cli_fail("out of memory");
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "schema", "vigie.updates/1");
	vigie_json_kv_str(g, "host", inv->host);
	vigie_json_kv_str(g, "release", release);
	vigie_json_kv_str(g, "generated_at", vigie_time_format(vigie_now(), ts, sizeof(ts)));
	vigie_json_key(g, "updates");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		const struct pending_update *u = rows[i].u;
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "package", u->package);
		vigie_json_kv_str(g, "arch", u->arch);
		vigie_json_kv_str(g, "source", u->source);
		vigie_json_kv_str(g, "installed", u->installed);
		vigie_json_kv_str(g, "candidate", u->candidate);
		vigie_json_kv_str(g, "suite", u->suites);
		vigie_json_key(g, "security");
		yajl_gen_bool(g, u->security);
		vigie_json_key(g, "cves");
		if (rows[i].cves_known) {
			yajl_gen_array_open(g);
			for (size_t k = 0; k < rows[i].cves.n; k++)
				vigie_json_str(g, rows[i].cves.v[k]);
			yajl_gen_array_close(g);
		} else {
			yajl_gen_null(g);
		}
		vigie_json_key(g, "cves_known");
		yajl_gen_bool(g, rows[i].cves_known);
		vigie_json_key(g, "class");
		if (rows[i].cls >= 0)
			vigie_json_str(g, vigie_policy_class_name((enum vigie_class)rows[i].cls));
		else
			yajl_gen_null(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	fwrite(buf, 1, len, stdout);
	yajl_gen_free(g);
	return 0;
}

static void print_csv(struct row *rows, size_t n)
{
	printf("package,arch,source,installed,candidate,suite,security,cves,cves_known\r\n");
	for (size_t i = 0; i < n; i++) {
		const struct pending_update *u = rows[i].u;
		char *cves = vigie_strv_join(&rows[i].cves, " ");
		csv_field(stdout, u->package);
		putchar(',');
		csv_field(stdout, u->arch);
		putchar(',');
		csv_field(stdout, u->source);
		putchar(',');
		csv_field(stdout, u->installed);
		putchar(',');
		csv_field(stdout, u->candidate);
		putchar(',');
		csv_field(stdout, u->suites);
		printf(",%s,", u->security ? "yes" : "no");
		csv_field(stdout, cves);
		printf(",%s\r\n", rows[i].cves_known ? "yes" : "no");
		free(cves);
	}
}

/* Wrapped to the terminal (a CVE list can be hundreds of columns). */
static int print_text(struct row *rows, size_t n)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	size_t nsec = 0;
	const char *bold = cli.color ? "\033[1;31m" : "", *off = cli.color ? "\033[0m" : "";
	int rc;

	for (size_t i = 0; i < n; i++) {
		const struct pending_update *u = rows[i].u;
		nsec += u->security != 0;
		vigie_buf_addf(&b, "%s%s%s %s -> %s (%s)%s\n", u->security ? bold : "", u->package,
			       u->security ? off : "", u->installed, u->candidate, u->suites,
			       u->security ? " [security]" : "");
		if (rows[i].cves.n) {
			char *c = vigie_strv_join(&rows[i].cves, " ");
			vigie_buf_addf(&b, "    fixes %s\n", c ? c : "");
			free(c);
		} else if (!rows[i].cves_known) {
			vigie_buf_adds(&b, "    CVEs unknown (no tracker data for the release and no"
					   " cached changelog: see --changelogs)\n");
		}
	}
	vigie_buf_addf(&b, "%zu pending update%s, %zu from security suites\n", n, n == 1 ? "" : "s",
		       nsec);
	rc = cli_write_text(b.data ? b.data : "", b.len);
	vigie_buf_release(&b);
	return rc;
}

/* Changelog CVEs: the candidates' changelogs (from the store's cache, and
 * downloaded when download is set), the entries between the installed and
 * the candidate source versions. A candidate whose changelog was read has
 * its CVEs known. */
static int changelog_pass(struct vigie_store *s, struct row *rows, size_t n, int download,
			  struct vigie_error *err)
{
	const struct pending_update **ups = calloc(n ? n : 1, sizeof(*ups));
	char **sums = calloc(n ? n : 1, sizeof(*sums));
	struct fetch_opts fo;
	int rc = 0;

	if (!ups || !sums) {
		rc = cli_fail("out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		ups[i] = rows[i].u;
	vigie_fetch_opts_init(&fo);
	fo.user_agent = "vigie/" VIGIE_VERSION;
	fo.step = cli_progress;
	fo.step_ud = (void *)"reading the candidates' changelogs";
	if (download ? vigie_debpkg_pending_changelogs(sums, ups, n, s, &fo, err)
		     : vigie_debpkg_cached_changelogs(sums, ups, n, s, err)) {
		rc = cli_error(err);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct pending_update *u = rows[i].u;
		const char *after = u->installed_source_version ? u->installed_source_version
								: u->installed;
		if (!sums[i])
			continue;
		rows[i].cves_known = 1;
		if (vigie_changelog_summary_cves(&rows[i].cves, sums[i], after,
						 u->source_version)) {
			rc = cli_fail("out of memory");
			goto out;
		}
	}
out:
	for (size_t i = 0; sums && i < n; i++)
		free(sums[i]);
	free(sums);
	free(ups);
	return rc;
}

static int stop_at_first(void *ud, const struct store_tracker_row *r)
{
	(void)ud;
	(void)r;
	return 1;
}

/* 1 when the store holds tracker rows for release, 0 when not, <0 on error. */
static int tracker_has_release(struct vigie_store *s, const char *release,
			       struct vigie_error *err)
{
	int rc = vigie_store_tracker_each(s, release, stop_at_first, NULL, err);
	return rc == 1 ? 1 : rc;
}

int cmd_updates(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "status", required_argument, NULL, 's' },
		{ "lists", required_argument, NULL, 'l' },
		{ "release", required_argument, NULL, 'R' },
		{ "arch", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "security-only", no_argument, NULL, 'S' },
		{ "changelogs", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL, *status = NULL, *lists_dir = NULL, *release = NULL;
	const char *arch = NULL, *format = "text";
	int security_only = 0, changelogs = 0, c, rc = EXIT_ERROR, tracker = 0;
	struct inventory inv;
	struct inventory_opts io;
	struct host_pending hp;
	const struct pending *pend;
	struct policy *pol = NULL;
	struct vulnindex *idx = NULL;
	struct row *rows = NULL;
	size_t nrows = 0;
	struct vigie_store *s = NULL;
	struct vigie_error err;

	vigie_inventory_init(&inv);
	memset(&hp, 0, sizeof(hp));
	vigie_aptsources_init(&hp.srcs);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': root = optarg; break;
		case 's': status = optarg; break;
		case 'l': lists_dir = optarg; break;
		case 'R': release = optarg; break;
		case 'a': arch = optarg; break;
		case 'f': format = optarg; break;
		case 'S': security_only = 1; break;
		case 'c': changelogs = 1; break;
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
	if (cli_format_check(format, "text|json|csv"))
		return EXIT_ERROR;
	cli_error_init(&err);

	memset(&io, 0, sizeof(io));
	io.root = root;
	io.status_file = status;
	io.release = release;
	if (vigie_inventory_load(&inv, &io, &err)) {
		cli_error(&err);
		goto out;
	}
	if (!release)
		release = inv.release;
	if (!arch)
		arch = inv.arch;
	if (vigie_host_pending_load(&hp, &inv, root, lists_dir, arch, &err)) {
		cli_error(&err);
		goto out;
	}
	if (!hp.lists.nidx)
		fprintf(stderr, "vigie: warning: no package indexes in %s for the configured "
				"sources (has 'apt update' run?)\n", hp.lists_dir);
	pend = &hp.pend;

	/* the store: tracker fixes, and the changelog cache */
	{
		char def[4096];
		const char *path = cli.db_path ? cli.db_path : vigie_store_default_path(def, sizeof(def));
		struct vigie_error serr;
		memset(&serr, 0, sizeof(serr));
		int orc = 0;
		if (changelogs || !vigie_store_missing(path))
			orc = vigie_store_open(&s, path, changelogs ? 0 : STORE_READONLY, &serr);
		if (orc && orc != VIGIE_ENOTFOUND) {
			cli_error(&serr);
			goto out;
		}
		if (!s) {
			fprintf(stderr, "vigie: warning: no database at %s: CVEs from the security "
					"tracker are not listed (run 'vigie db update')\n", path);
		}
	}
	if (!release && s)
		fprintf(stderr, "vigie: warning: release unknown: CVEs from the security tracker "
				"are not listed (use --release)\n");
	if (s && release && (tracker = tracker_has_release(s, release, &err)) < 0) {
		cli_error(&err);
		goto out;
	}
	if (pend->n && !(rows = calloc(pend->n, sizeof(*rows)))) {
		cli_fail("out of memory");
		goto out;
	}
	for (size_t i = 0; i < pend->n; i++) {
		const struct pending_update *u = &pend->v[i];
		const char *after = u->installed_source_version ? u->installed_source_version
								: u->installed;
		struct row *r;

		if (security_only && !u->security)
			continue;
		r = &rows[nrows++];
		r->u = u;
		r->cls = -1;
		vigie_strv_init(&r->cves);
		if (s && release &&
		    vigie_store_updates_fixed_cves(s, release, u->source, after, u->source_version,
					     &r->cves, &err)) {
			cli_error(&err);
			goto out;
		}
		/* the tracker covers every source of the release; the advisory
		 * lists only some: none naming this version says nothing */
		r->cves_known = tracker || r->cves.n;
	}
	/* the cache serves every run; --changelogs also downloads */
	if ((changelogs || s) && nrows && changelog_pass(s, rows, nrows, changelogs, &err))
		goto out;
	/* classes: policy, store facts, and the tracker's urgency */
	if (!(pol = malloc(sizeof(*pol)))) {
		cli_fail("out of memory");
		goto out;
	}
	if (cli_policy_load(pol, NULL))
		goto out;
	for (size_t i = 0; i < nrows && s && release && !idx; i++) {
		/* the tracker's urgency, once some update fixes a CVE */
		if (rows[i].cves.n && vigie_vulnindex_build(&idx, s, release, &err)) {
			cli_error(&err);
			goto out;
		}
	}
	for (size_t i = 0; i < nrows; i++)
		if (vigie_pending_update_class(&rows[i].cls, s, idx, pol, rows[i].u->source,
					 &rows[i].cves, &err)) {
			cli_error(&err);
			goto out;
		}
	if (!strcmp(format, "json")) {
		if (print_json(&inv, release, rows, nrows))
			goto out;
	} else if (!strcmp(format, "csv")) {
		print_csv(rows, nrows);
	} else if (print_text(rows, nrows)) {
		goto out;
	}
	rc = EXIT_OK;
out:
	for (size_t i = 0; i < nrows; i++)
		vigie_strv_release(&rows[i].cves);
	free(rows);
	vigie_vulnindex_free(idx);
	vigie_store_close(s);
	free(pol);
	vigie_host_pending_release(&hp);
	vigie_inventory_release(&inv);
	return rc;
}
