/* vigie db: import security data into the store and show what it holds. */
#define _GNU_SOURCE
#include "cli.h"
#include "vigie/render/json.h"
#include "vigie/secdata/import.h"
#include "vigie/core/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#define DEFAULT_DISTRO_INFO "/usr/share/distro-info/debian.csv"

/* ---- db import ---- */

enum imp_kind {
	IMP_DISTRO_INFO, /* first: support-ended files map .debN through it */
	IMP_TRACKER, IMP_DSA, IMP_DLA, IMP_DTSA, IMP_KEV, IMP_CVE5, IMP_NVD,
	IMP_SUPPORT_ENDED, IMP_SUPPORT_LIMITED
};

static const char *const imp_names[] = {
	"distro-info", "tracker-json", "dsa-list", "dla-list", "dtsa-list",
	"kev", "cve5", "nvd", "support-ended", "support-limited"
};

struct imp {
	enum imp_kind kind;
	const char *path;
};

static void import_usage(FILE *f)
{
	fprintf(f,
		"usage: vigie db import SOURCE... \n\n"
		"Import security data from local files; each source is one\n"
		"transaction that replaces the previous data of that source.\n\n"
		"Sources (several may be given; distro-info is imported first):\n"
		"  --tracker-json F       security tracker JSON\n"
		"  --dsa-list F           data/DSA/list\n"
		"  --dla-list F           data/DLA/list\n"
		"  --dtsa-list F          data/DTSA/list\n"
		"  --kev F                CISA known exploited vulnerabilities JSON\n"
		"  --cve5 DIR|F           CVE JSON 5 records\n"
		"  --nvd F                NVD CVE API 2.0 response\n"
		"  --distro-info[=F]      distro-info CSV (default %s)\n"
		"  --support-ended F      security-support-ended.debN\n"
		"  --release CODENAME     release of every --support-ended file\n"
		"                         (default: from the .debN suffix)\n"
		"  --support-limited F    security-support-limited\n"
		"  --allow-shrink         let a source be replaced by far fewer rows\n"
		"  --no-rejudge           leave the stored hosts judged on the data\n"
		"                         they were judged on, until 'vigie db rejudge'\n"
		"                         (several imports in a row, judged once)\n\n"
		"Prints one summary line per source, then what judging the stored\n"
		"hosts again on the new data found (see 'vigie db rejudge'). Exit: 0 success, 2 error\n"
		"(the message names the file and line; the failed source keeps its\n"
		"previous data). An import that would keep less than 90 %% of a\n"
		"source's rows (a truncated or empty file) is refused unless\n"
		"--allow-shrink is given.\n",
		DEFAULT_DISTRO_INFO);
}

static int run_import(struct vigie_store *s, const struct imp *im,
		      const char *release)
{
	struct vigie_error err;
	struct import_stats st = { 0, 0 };
	int rc;

	cli_error_init(&err);
	switch (im->kind) {
	case IMP_DISTRO_INFO: rc = vigie_import_distro_info(s, im->path, &st, &err); break;
	case IMP_TRACKER: rc = vigie_import_tracker_json(s, im->path, &st, &err); break;
	case IMP_DSA: rc = vigie_import_advisory_list(s, im->path, "DSA", &st, &err); break;
	case IMP_DLA: rc = vigie_import_advisory_list(s, im->path, "DLA", &st, &err); break;
	case IMP_DTSA: rc = vigie_import_advisory_list(s, im->path, "DTSA", &st, &err); break;
	case IMP_KEV: rc = vigie_import_kev(s, im->path, &st, &err); break;
	case IMP_CVE5: rc = vigie_import_cve5(s, im->path, &st, &err); break;
	case IMP_NVD: rc = vigie_import_nvd(s, im->path, &st, &err); break;
	case IMP_SUPPORT_ENDED:
		rc = vigie_import_support_ended(s, im->path, release, &st, &err);
		break;
	default: rc = vigie_import_support_limited(s, im->path, &st, &err); break;
	}
	if (rc) {
		fprintf(stderr, "vigie: %s import failed, previous data kept\n",
			imp_names[im->kind]);
		return cli_error(&err);
	}
	printf("%s: %ld rows imported, %ld skipped (%s)\n", imp_names[im->kind],
	       st.rows, st.skipped, im->path);
	return EXIT_OK;
}

static int db_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tracker-json", required_argument, NULL, 't' },
		{ "dsa-list", required_argument, NULL, 'S' },
		{ "dla-list", required_argument, NULL, 'L' },
		{ "dtsa-list", required_argument, NULL, 'T' },
		{ "kev", required_argument, NULL, 'k' },
		{ "cve5", required_argument, NULL, 'c' },
		{ "nvd", required_argument, NULL, 'n' },
		{ "distro-info", optional_argument, NULL, 'd' },
		{ "support-ended", required_argument, NULL, 'e' },
		{ "release", required_argument, NULL, 'r' },
		{ "support-limited", required_argument, NULL, 'l' },
		{ "allow-shrink", no_argument, NULL, 'A' },
		{ "no-rejudge", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct imp *ims = NULL;
	size_t nims = 0;
	const char *release = NULL;
	struct vigie_store *s = NULL;
	int c, rc = EXIT_OK, allow_shrink = 0, rejudge = 1;

	ims = calloc((size_t)argc + 1, sizeof(*ims));
	if (!ims)
		return cli_fail("out of memory");
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		struct imp im = { IMP_DISTRO_INFO, optarg };
		switch (c) {
		case 't': im.kind = IMP_TRACKER; break;
		case 'S': im.kind = IMP_DSA; break;
		case 'L': im.kind = IMP_DLA; break;
		case 'T': im.kind = IMP_DTSA; break;
		case 'k': im.kind = IMP_KEV; break;
		case 'c': im.kind = IMP_CVE5; break;
		case 'n': im.kind = IMP_NVD; break;
		case 'e': im.kind = IMP_SUPPORT_ENDED; break;
		case 'l': im.kind = IMP_SUPPORT_LIMITED; break;
		case 'd':
			im.kind = IMP_DISTRO_INFO;
			/* "--distro-info F" as well as "--distro-info=F" */
			if (!optarg && optind < argc && argv[optind][0] != '-')
				im.path = argv[optind++];
			if (!im.path)
				im.path = DEFAULT_DISTRO_INFO;
			break;
		case 'r': release = optarg; continue;
		case 'A': allow_shrink = 1; continue;
		case 'R': rejudge = 0; continue;
		case 'h':
			import_usage(stdout);
			free(ims);
			return EXIT_OK;
		default:
			import_usage(stderr);
			free(ims);
			return EXIT_ERROR;
		}
		ims[nims++] = im;
	}
	if (optind < argc) {
		free(ims);
		return cli_fail("db import: unexpected argument '%s'", argv[optind]);
	}
	if (release) {
		size_t k;
		for (k = 0; k < nims && ims[k].kind != IMP_SUPPORT_ENDED; k++)
			;
		if (k == nims) {
			free(ims);
			return cli_fail("db import: --release applies to --support-ended only");
		}
	}
	if (nims == 0) {
		import_usage(stderr);
		free(ims);
		return EXIT_ERROR;
	}
	if ((rc = cli_store_open(&s, 0))) {
		free(ims);
		return rc;
	}
	vigie_store_allow_shrink(s, allow_shrink);
	/* distro-info first, then in command-line order */
	for (int pass = 0; pass < 2 && rc == EXIT_OK; pass++)
		for (size_t i = 0; i < nims && rc == EXIT_OK; i++)
			if ((ims[i].kind == IMP_DISTRO_INFO) == (pass == 0))
				rc = run_import(s, &ims[i], release);
	if (rc == EXIT_OK && rejudge)
		rc = cli_rejudge_hosts(s, 0);
	if (fflush(stdout) && rc == EXIT_OK)
		rc = cli_fail("cannot write output");
	vigie_store_close(s);
	free(ims);
	return rc;
}

/* ---- db status ---- */

static const char *const count_tables[] = {
	"advisories", "advisory_cves", "advisory_fixes", "tracker", "vulns",
	"kev", "cvss", "releases", "support_ended", "support_limited",
	"hosts", "host_packages", "events", "feeds", "feed_items", NULL
};

struct status_ctx {
	yajl_gen g;   /* JSON, or NULL for text */
	long n;
};

static const char *date_or_dash(int64_t t, char *buf, size_t size, int rfc3339)
{
	if (t <= 0)
		return NULL;
	return rfc3339 ? vigie_time_format(t, buf, size) : vigie_date_format(t, buf, size);
}

static int status_source(void *ud, const struct store_source *src)
{
	struct status_ctx *c = ud;
	char imp[32], dd[32];
	const char *i = date_or_dash(src->imported_at, imp, sizeof(imp), 1);
	const char *d = date_or_dash(src->data_date, dd, sizeof(dd), 0);

	c->n++;
	if (!c->g) {
		printf("  %-22s %-20s %-10s %9ld  %s\n", src->name, i ? i : "-",
		       d ? d : "-", src->rows, src->location ? src->location : "-");
		if (src->has_prev) {
			const char *pi = date_or_dash(src->prev_imported_at, imp, sizeof(imp), 1);
			const char *pd = date_or_dash(src->prev_data_date, dd, sizeof(dd), 0);
			printf("    %-20s %-20s %-10s %9ld  %s\n",
			       src->prev_kept ? "previous" : "previous (not kept)",
			       pi ? pi : "-", pd ? pd : "-", src->prev_rows,
			       src->prev_location ? src->prev_location : "-");
		}
		if (src->rolled_back_at) {
			char dis[32];
			const char *di = date_or_dash(src->rolled_back_imported_at, dis,
						      sizeof(dis), 1);
			printf("    %-20s %-20s the import of %s (%ld rows) was discarded\n",
			       "rolled back",
			       date_or_dash(src->rolled_back_at, imp, sizeof(imp), 1),
			       di ? di : "-", src->rolled_back_rows);
		}
		return 0;
	}
	yajl_gen_map_open(c->g);
	vigie_json_kv_str(c->g, "name", src->name);
	vigie_json_kv_str(c->g, "location", src->location);
	vigie_json_kv_str(c->g, "imported_at", i);
	/* one format per field across commands: RFC 3339, as in scan's
	 * sources (the text keeps the day) */
	vigie_json_kv_str(c->g, "data_date", date_or_dash(src->data_date, dd, sizeof(dd), 1));
	vigie_json_kv_int(c->g, "rows", src->rows);
	/* the import this one replaced (null: none recorded); restorable:
	 * its rows are kept and `db rollback` puts them back */
	vigie_json_str(c->g, "previous");
	if (src->has_prev) {
		yajl_gen_map_open(c->g);
		vigie_json_kv_str(c->g, "location", src->prev_location);
		vigie_json_kv_str(c->g, "imported_at",
				  date_or_dash(src->prev_imported_at, imp, sizeof(imp), 1));
		vigie_json_kv_str(c->g, "data_date",
				  date_or_dash(src->prev_data_date, dd, sizeof(dd), 1));
		vigie_json_kv_int(c->g, "rows", src->prev_rows);
		vigie_json_str(c->g, "restorable");
		yajl_gen_bool(c->g, src->prev_kept);
		yajl_gen_map_close(c->g);
	} else {
		yajl_gen_null(c->g);
	}
	/* the current data was put back by `db rollback` (null: imported) */
	vigie_json_str(c->g, "rolled_back");
	if (src->rolled_back_at) {
		yajl_gen_map_open(c->g);
		vigie_json_kv_str(c->g, "at",
				  date_or_dash(src->rolled_back_at, imp, sizeof(imp), 1));
		vigie_json_kv_str(c->g, "discarded_imported_at",
				  date_or_dash(src->rolled_back_imported_at, dd, sizeof(dd), 1));
		vigie_json_kv_int(c->g, "discarded_rows", src->rolled_back_rows);
		yajl_gen_map_close(c->g);
	} else {
		yajl_gen_null(c->g);
	}
	yajl_gen_map_close(c->g);
	return 0;
}

static void status_usage(FILE *f)
{
	fprintf(f, "usage: vigie db status [--format text|json]\n\n"
		   "Show each imported source (location, import time, data date,\n"
		   "rows) with, below it, the import it replaced (\"previous\"; \"not\n"
		   "kept\" when its rows cannot be restored) or the rollback that put\n"
		   "the current data back, and the number of advisories,\n"
		   "vulnerabilities and source packages known. JSON output has schema\n"
		   "\"vigie.dbstatus/1\".\n");
}

static int db_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct vigie_store *s = NULL;
	struct vigie_error err;
	struct status_ctx ctx = { NULL, 0 };
	const char *format = "text";
	long adv, vul, pkg, counts[sizeof(count_tables) / sizeof(count_tables[0])];
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'h': status_usage(stdout); return EXIT_OK;
		default: status_usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind < argc)
		return cli_fail("db status: unexpected argument '%s'", argv[optind]);
	if (cli_format_check(format, "text|json"))
		return EXIT_ERROR;
	{
		char def[4096];
		const char *path = cli.db_path ? cli.db_path
					       : vigie_store_default_path(def, sizeof(def));
		if (vigie_store_missing(path))
			return cli_fail("no database at %s: run 'vigie db import' or"
					" 'vigie db update' first", path);
	}
	if ((rc = cli_store_open(&s, 1)))
		return rc;
	cli_error_init(&err);
	adv = vigie_store_count(s, "advisories", &err);
	vul = adv < 0 ? -1 : vigie_store_count_known_vulns(s, &err);
	pkg = vul < 0 ? -1 : vigie_store_count_known_packages(s, &err);
	for (size_t i = 0; count_tables[i] && pkg >= 0; i++)
		if ((counts[i] = vigie_store_count(s, count_tables[i], &err)) < 0)
			pkg = -1;
	if (pkg < 0) {
		vigie_store_close(s);
		return cli_error(&err);
	}
	if (!strcmp(format, "json")) {
		const unsigned char *buf;
		size_t len;
		ctx.g = vigie_json_gen_alloc();
		if (!ctx.g) {
			vigie_store_close(s);
			return cli_fail("out of memory");
		}
		yajl_gen_map_open(ctx.g);
		vigie_json_kv_str(ctx.g, "schema", "vigie.dbstatus/1");
		vigie_json_kv_str(ctx.g, "database", vigie_store_path(s));
		vigie_json_kv_int(ctx.g, "schema_version", vigie_store_schema_version(s));
		vigie_json_str(ctx.g, "sources");
		yajl_gen_array_open(ctx.g);
		rc = vigie_store_sources_each(s, status_source, &ctx, &err);
		yajl_gen_array_close(ctx.g);
		vigie_json_str(ctx.g, "counts");
		yajl_gen_map_open(ctx.g);
		vigie_json_kv_int(ctx.g, "advisories", adv);
		vigie_json_kv_int(ctx.g, "vulnerabilities", vul);
		vigie_json_kv_int(ctx.g, "packages", pkg);
		for (size_t i = 1; count_tables[i]; i++) {
			vigie_json_str(ctx.g, count_tables[i]);
			yajl_gen_integer(ctx.g, counts[i]);
		}
		yajl_gen_map_close(ctx.g);
		yajl_gen_map_close(ctx.g);
		if (!rc && yajl_gen_get_buf(ctx.g, &buf, &len) == yajl_gen_status_ok)
			fwrite(buf, 1, len, stdout);
		yajl_gen_free(ctx.g);
	} else {
		printf("Database: %s (schema %d)\n\n", vigie_store_path(s),
		       vigie_store_schema_version(s));
		printf("  %-22s %-20s %-10s %9s  %s\n", "SOURCE", "IMPORTED",
		       "DATA DATE", "ROWS", "LOCATION");
		rc = vigie_store_sources_each(s, status_source, &ctx, &err);
		if (!rc && ctx.n == 0)
			printf("  (nothing imported yet: see 'vigie db import')\n");
		printf("\nAdvisories:      %ld\nVulnerabilities: %ld\n"
		       "Source packages: %ld\n\nTables:\n", adv, vul, pkg);
		for (size_t i = 0; count_tables[i]; i++)
			printf("  %-18s %ld\n", count_tables[i], counts[i]);
	}
	vigie_store_close(s);
	if (rc)
		return cli_error(&err);
	if (fflush(stdout))
		return cli_fail("cannot write output");
	return EXIT_OK;
}

/* ---- db rollback ---- */

static void rollback_usage(FILE *f)
{
	fprintf(f,
		"usage: vigie db rollback [SOURCE...]\n\n"
		"Put back the data each SOURCE (a name 'vigie db status' lists:\n"
		"tracker-json, dsa-list, dla-list, dtsa-list, kev, distro-info,\n"
		"support-limited, support-ended-RELEASE) had before its last import;\n"
		"with no SOURCE, every source whose previous data is kept. All in one\n"
		"transaction, then the stored hosts are judged again.\n\n"
		"One previous import is kept per source: the data a rollback replaces\n"
		"is dropped, so a second rollback has nothing to roll back (import the\n"
		"file again to get it back). 'db update' keeps the restored data while\n"
		"the downloaded file is unchanged (a local file is imported again).\n"
		"cve5 and nvd add records and cannot be rolled back.\n\n"
		"Exit: 0 rolled back; 2 error (a source not in the database, nothing\n"
		"to roll back): nothing is changed.\n");
}

static int db_rollback(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct vigie_store *s = NULL;
	struct vigie_error err;
	struct store_rolled_back *res = NULL;
	size_t nres = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': rollback_usage(stdout); return EXIT_OK;
		default: rollback_usage(stderr); return EXIT_ERROR;
		}
	}
	{
		char def[4096];
		const char *path = cli.db_path ? cli.db_path
					       : vigie_store_default_path(def, sizeof(def));
		if (vigie_store_missing(path))
			return cli_fail("no database at %s: nothing to roll back", path);
	}
	if ((rc = cli_store_open(&s, 0)))
		return rc;
	cli_error_init(&err);
	if (vigie_store_sources_roll_back(s, (const char *const *)argv + optind,
					  (size_t)(argc - optind), &res, &nres, &err)) {
		vigie_store_close(s);
		cli_error(&err);
		fprintf(stderr, "vigie: db rollback: nothing was changed\n");
		return EXIT_ERROR;
	}
	for (size_t i = 0; i < nres; i++) {
		char a[32], b[32];
		const char *ra = date_or_dash(res[i].restored_imported_at, a, sizeof(a), 1);
		const char *da = date_or_dash(res[i].discarded_imported_at, b, sizeof(b), 1);
		printf("%s: rolled back to the import of %s (%ld rows); the import of %s"
		       " (%ld rows) is discarded\n", res[i].name, ra ? ra : "-",
		       res[i].rows, da ? da : "-", res[i].discarded_rows);
	}
	free(res);
	rc = cli_rejudge_hosts(s, 0);
	if (fflush(stdout) && rc == EXIT_OK)
		rc = cli_fail("cannot write output");
	vigie_store_close(s);
	return rc;
}

/* ---- db rejudge ---- */

static void rejudge_usage(FILE *f)
{
	fprintf(f,
		"usage: vigie db rejudge [--full]\n\n"
		"Judge the stored hosts again on the data the database holds now, as\n"
		"'db import', 'db update' and 'db rollback' do after they change it:\n"
		"finding histories and summaries are updated in one transaction.\n"
		"A host already judged on this data, policy and day is left alone. For\n"
		"each release, a digest per source of everything that decides its\n"
		"findings (Debian's entries, support end, the class of each issue) is\n"
		"kept: a host judged on the previous re-judgement's basis is judged\n"
		"again only on the sources it holds whose digest moved, or keeps its\n"
		"findings when it holds none. Others are judged in full.\n\n"
		"  --full   judge every stored host in full, whatever it was judged on\n\n"
		"Output: how many hosts were judged (on their changed sources alone),\n"
		"kept, or already current; then, per release, the sources whose data\n"
		"changed.\n\n"
		"Exit: 0 done; 2 error (nothing is changed).\n");
}

static int db_rejudge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "full", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct vigie_store *s = NULL;
	int c, rc, full = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': full = 1; break;
		case 'h': rejudge_usage(stdout); return EXIT_OK;
		default: rejudge_usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind < argc) {
		rejudge_usage(stderr);
		return EXIT_ERROR;
	}
	if ((rc = cli_store_open(&s, 0)))
		return rc;
	rc = cli_rejudge_hosts(s, full);
	if (fflush(stdout) && rc == EXIT_OK)
		rc = cli_fail("cannot write output");
	vigie_store_close(s);
	return rc;
}

/* ---- dispatch ---- */

static const struct cmd db_cmds[] = {
	{ "import", db_import, "import security data from local files" },
	{ "status", db_status, "show imported sources and counts" },
	{ "rollback", db_rollback, "restore the data of each source's previous import" },
	{ "rejudge", db_rejudge, "judge the stored hosts again on the data held now" },
	{ "update", cmd_db_update, "download and import the security data" },
};

static void db_usage(FILE *f)
{
	fprintf(f, "usage: vigie db SUBCOMMAND [ARGS]\n\nSubcommands:\n");
	for (size_t i = 0; i < sizeof(db_cmds) / sizeof(db_cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", db_cmds[i].name, db_cmds[i].help);
	fprintf(f, "\n'vigie db SUBCOMMAND --help' for details.\n");
}

int cmd_db(int argc, char **argv)
{
	if (argc < 2) {
		db_usage(stderr);
		return EXIT_ERROR;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		db_usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(db_cmds) / sizeof(db_cmds[0]); i++)
		if (!strcmp(argv[1], db_cmds[i].name)) {
			optind = 1;
			return db_cmds[i].fn(argc - 1, argv + 1);
		}
	fprintf(stderr, "vigie: unknown db subcommand '%s'\n", argv[1]);
	db_usage(stderr);
	return EXIT_ERROR;
}
