#include "cli.h"
#include "vigie/core/conf.h"
#include "vigie/debian/debpkg.h"
#include "vigie/debian/inventory.h"
#include "vigie/engine/match.h"
#include "vigie/engine/policy.h"
#include "vigie/render/render.h"
#include "vigie/render/vulndoc.h"
#include "vigie/scanners/decisions.h"
#include "vigie/engine/scan_pending.h"
#include "vigie/engine/scan_restart.h"
#include "vigie/debian/history.h"
#include "vigie/debian/restart.h"
#include "vigie/engine/vulnimage.h"
#include "vigie/engine/vulnindex.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigie scan [--status FILE | --root DIR] [--release CODENAME]\n"
		"                  [--host NAME] [--kernel UNAME_R]\n"
		"                  [--format text|json|csv|sarif|cyclonedx]\n"
		"                  [--fail-on CLASS] [--include-unimportant] [--policy FILE]\n"
		"                  [--lists DIR] [--no-updates] [--changelogs]\n"
		"                  [--no-restart] [--restart-fails yes|no]\n"
		"                  [--only-fixed] [--min-class CLASS] [--show-decided]\n\n"
		"List the security fixes a host lacks, from Debian's data for its release,\n"
		"compared in dpkg's order on source packages.\n\n"
		"  --status FILE         dpkg status file (default: this machine's)\n"
		"  --root DIR            a chroot or mounted image\n"
		"  --release CODENAME    override the detected release\n"
		"  --host NAME           host name in the report\n"
		"  --kernel UNAME_R      the running kernel (uname -r)\n"
		"  --format F            text (default), json (vigie.scan/1), csv,\n"
		"                        sarif (SARIF 2.1.0) or cyclonedx (CycloneDX 1.5\n"
		"                        VEX); docs/FORMATS.md\n"
		"  --fail-on CLASS       exit 1 when a finding is at or above CLASS\n"
		"                        (standard, critical, highly-critical), else 3\n"
		"                        when the verdict is undetermined (no data)\n"
		"  --include-unimportant also list issues Debian rates unimportant\n"
		"  --only-fixed          only findings with a fixed version available\n"
		"  --min-class CLASS     only findings at or above CLASS\n"
		"  --show-decided        also list findings a written decision covers\n"
		"                        ('vigie decide'); they never count for --fail-on\n"
		"  --policy FILE         criticality policy (default: $VIGIE_POLICY, else\n"
		"                        the shipped policy.conf)\n"
		"  --lists DIR           apt lists directory for pending updates\n"
		"                        (default: <root>/var/lib/apt/lists; with --status,\n"
		"                        pending updates are computed only when given)\n"
		"  --no-updates          do not look at pending updates\n"
		"  --changelogs          also take CVEs from the candidate packages'\n"
		"                        changelogs (downloads each candidate .deb once)\n"
		"  --no-restart          do not look for processes running replaced files\n"
		"                        (only looked for on this live host: no --status/--root)\n"
		"  --restart-fails yes|no  whether 'fixed, restart needed' findings count for\n"
		"                        --fail-on like their class (default yes)\n");
}

/* Processes of this live host still running replaced files. A walk that
 * fails, or logs that cannot be read, are warnings: the scan stands. */
static int add_restart(struct scan_result *res, const struct inventory *inv,
		       struct vigie_store *store, const struct vulnindex *idx,
		       const struct policy *pol, struct vigie_error *err)
{
	struct restart_scan rs;
	struct history h;
	struct scan_restart_opts ro;
	char buf[2048];
	int have_h = 0, rc = 0;

	vigie_history_init(&h);
	if (vigie_restart_scan(&rs, NULL, err)) {
		if (err->code == VIGIE_ENOMEM) {
			rc = cli_error(err);
			goto out;
		}
		fprintf(stderr, "vigie: warning: running processes not checked: %s\n",
			vigie_error_format(err, buf, sizeof(buf)));
		goto out;
	}
	if (rs.n) {
		if (vigie_history_load_all(&h, NULL, NULL, "/", err))
			fprintf(stderr, "vigie: warning: dpkg.log not read, the versions processes"
					" run are unknown: %s\n",
				vigie_error_format(err, buf, sizeof(buf)));
		else
			have_h = 1;
	}
	memset(&ro, 0, sizeof(ro));
	ro.procs = &rs;
	ro.inv = inv;
	ro.idx = idx;
	ro.history = have_h ? &h : NULL;
	ro.policy = pol;
	ro.store = store;
	if (vigie_scan_add_restart(res, &ro, err))
		rc = cli_error(err);
out:
	vigie_history_release(&h);
	vigie_restart_scan_release(&rs);
	return rc;
}

/* Shared with other commands: load the policy the user asked for. */
int cli_policy_load(struct policy *p, const char *path)
{
	char buf[4096];
	struct vigie_error err;
	cli_error_init(&err);
	if (!path) {
		path = vigie_conf_data_path(buf, sizeof(buf), "VIGIE_POLICY", "policy.conf");
		if (!getenv("VIGIE_POLICY") && access(path, R_OK)) {
			vigie_policy_default(p);
			return 0;
		}
	}
	if (vigie_policy_load(p, path, &err))
		return cli_error(&err);
	return 0;
}

/* Complete the scan with the host's pending updates. Sources or indexes
 * that cannot be read are warnings: the scan stands without them. */
static int add_pending(struct scan_result *res, const struct inventory *inv,
		       const char *root, const char *lists_dir, int changelogs,
		       struct vigie_store *store, const struct vulnindex *idx,
		       const struct policy *pol, struct vigie_error *err)
{
	struct host_pending hp;
	struct scan_pending_opts po;
	const struct pending_update **ups = NULL;
	char **sums = NULL;
	int rc = 0;

	if (vigie_host_pending_load(&hp, inv, root, lists_dir, NULL, err)) {
		char buf[2048];
		fprintf(stderr, "vigie: warning: pending updates not computed: %s\n",
			vigie_error_format(err, buf, sizeof(buf)));
		goto out;
	}
	if (!hp.lists.nidx) {
		fprintf(stderr, "vigie: warning: no package indexes in %s for the configured "
				"sources (has 'apt update' run?): pending updates not computed\n",
			hp.lists_dir);
		goto out;
	}
	memset(&po, 0, sizeof(po));
	po.policy = pol;
	po.store = store;
	po.idx = idx;
	if (changelogs && hp.pend.n) {
		struct fetch_opts fo;
		ups = calloc(hp.pend.n, sizeof(*ups));
		sums = calloc(hp.pend.n, sizeof(*sums));
		if (!ups || !sums) {
			rc = cli_fail("out of memory");
			goto out;
		}
		for (size_t i = 0; i < hp.pend.n; i++)
			ups[i] = &hp.pend.v[i];
		vigie_fetch_opts_init(&fo);
		fo.user_agent = "vigie/" VIGIE_VERSION;
		fo.step = cli_progress;
		fo.step_ud = (void *)"reading the candidates' changelogs";
		if (vigie_debpkg_pending_changelogs(sums, ups, hp.pend.n, store, &fo, err)) {
			rc = cli_error(err);
			goto out;
		}
		po.summaries = sums;
	}
	if (vigie_scan_add_pending(res, &hp.pend, &po, err))
		rc = cli_error(err);
out:
	for (size_t i = 0; sums && i < hp.pend.n; i++)
		free(sums[i]);
	free(sums);
	free(ups);
	vigie_host_pending_release(&hp);
	return rc;
}

int cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "root", required_argument, NULL, 'r' },
		{ "release", required_argument, NULL, 'R' },
		{ "host", required_argument, NULL, 'H' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'f' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ "include-unimportant", no_argument, NULL, 'u' },
		{ "policy", required_argument, NULL, 'p' },
		{ "lists", required_argument, NULL, 'l' },
		{ "no-updates", no_argument, NULL, 'N' },
		{ "changelogs", no_argument, NULL, 'c' },
		{ "no-restart", no_argument, NULL, 'X' },
		{ "restart-fails", required_argument, NULL, 'Y' },
		{ "only-fixed", no_argument, NULL, 'O' },
		{ "min-class", required_argument, NULL, 'M' },
		{ "show-decided", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct inventory_opts io;
	struct inventory inv;
	struct vigie_store *store = NULL;
	struct vulnindex *idx = NULL;
	struct scan_result res;
	struct scan_opts so;
	struct policy *pol = NULL;
	struct vigie_error err;
	struct vigie_strv sources = { NULL, 0, 0 };
	struct vigie_buf out = VIGIE_BUF_INIT;
	const char *format = "text", *policy_path = NULL, *lists_dir = NULL;
	enum vigie_class fail_on = VIGIE_CLASS_STANDARD;
	int have_fail_on = 0, c, rc = EXIT_ERROR, scanned = 0;
	int no_updates = 0, changelogs = 0, no_restart = 0, restart_fails = 1;
	int only_fixed = 0, have_min = 0, show_decided = 0;
	enum vigie_class min_class = VIGIE_CLASS_STANDARD;
	struct vigie_decisions dec;
	struct vulndoc vd;

	memset(&io, 0, sizeof(io));
	memset(&so, 0, sizeof(so));
	vigie_inventory_init(&inv);
	vigie_decisions_init(&dec);
	vigie_vulndoc_init(&vd, "scan", VIGIE_VERSION, 0);
	cli_error_init(&err);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'O': only_fixed = 1; break;
		case 'D': show_decided = 1; break;
		case 'M':
			if (vigie_policy_class_parse(&min_class, optarg))
				return cli_fail("--min-class: unknown class '%s'"
						" (standard, critical, highly-critical)", optarg);
			have_min = 1;
			break;
		case 's': io.status_file = optarg; break;
		case 'r': io.root = optarg; break;
		case 'R': io.release = optarg; break;
		case 'H': io.host = optarg; break;
		case 'k': io.kernel = optarg; break;
		case 'f': format = optarg; break;
		case 'p': policy_path = optarg; break;
		case 'u': so.include_unimportant = 1; break;
		case 'l': lists_dir = optarg; break;
		case 'N': no_updates = 1; break;
		case 'c': changelogs = 1; break;
		case 'X': no_restart = 1; break;
		case 'Y':
			if (!strcmp(optarg, "yes"))
				restart_fails = 1;
			else if (!strcmp(optarg, "no"))
				restart_fails = 0;
			else
				return cli_fail("--restart-fails: 'yes' or 'no', not '%s'", optarg);
			break;
		case 'F':
			if (vigie_policy_class_parse(&fail_on, optarg))
				return cli_fail("--fail-on: unknown class '%s'"
						" (standard, critical, highly-critical)", optarg);
			have_fail_on = 1;
			break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (cli_format_check(format, "text|json|csv|sarif|cyclonedx"))
		return EXIT_ERROR;
	if (io.status_file && io.root)
		return cli_fail("--status and --root are exclusive");
	if (no_updates && (lists_dir || changelogs))
		return cli_fail("--no-updates excludes --lists and --changelogs");
	if (!(pol = malloc(sizeof(*pol))))
		return cli_fail("out of memory");
	if (cli_policy_load(pol, policy_path))
		goto out;
	so.policy = pol;
	if (vigie_inventory_load(&inv, &io, &err)) {
		cli_error(&err);
		goto out;
	}
	if (!inv.release) {
		cli_fail("cannot determine the Debian release of %s: use --release CODENAME",
			 inv.host ? inv.host : "this host");
		goto out;
	}
	if (cli_store_open(&store, 0))
		goto out;
	/* a name typed by the user is checked; a detected one that the data
	 * does not cover makes the verdict undetermined */
	if (io.release && cli_release_check(store, io.release))
		goto out;
	if (vigie_match_inventory_sources(&inv, &sources)) {
		cli_fail("out of memory");
		goto out;
	}
	if (vigie_vulnindex_load(&idx, store, inv.release, &sources, NULL, &err)) {
		cli_error(&err);
		goto out;
	}
	if (vigie_scan_run(&res, &inv, idx, store, &so, &err)) {
		cli_error(&err);
		goto out;
	}
	scanned = 1;
	/* a status file alone may come from another host: this machine's apt
	 * lists say nothing about it */
	if (!no_updates && (!io.status_file || lists_dir) &&
	    add_pending(&res, &inv, io.root, lists_dir, changelogs, store, idx, pol, &err))
		goto out;
	/* processes are this machine's: never judged against a status file or
	 * an image */
	if (!no_restart && !io.status_file && !io.root &&
	    add_restart(&res, &inv, store, idx, pol, &err))
		goto out;
	if (cli_decisions_load(store, &dec))
		goto out;
	vigie_decisions_apply_scan(&res, &dec, res.scanned_at ? res.scanned_at : vigie_now(),
				   show_decided);
	vigie_scan_result_filter(&res, only_fixed, have_min, min_class);
	if (!strcmp(format, "sarif") || !strcmp(format, "cyclonedx")) {
		vd.at = res.scanned_at;
		c = vigie_vulndoc_add_scan(&vd, &res, &inv);
		if (!c)
			c = format[0] == 's' ? vigie_render_sarif(&out, &vd)
					     : vigie_render_cyclonedx(&out, &vd);
	} else if (!strcmp(format, "json"))
		c = vigie_render_scan_json(&out, &res, store);
	else if (!strcmp(format, "csv"))
		c = vigie_render_scan_csv(&out, &res);
	else
		c = vigie_render_scan_text(&out, &res, cli.color);
	if (c) {
		cli_fail("out of memory");
		goto out;
	}
	if (!strcmp(format, "text") ? cli_write_text(out.data, out.len)
				    : cli_write(out.data, out.len))
		goto out;
	rc = EXIT_OK;
	if (have_fail_on) {
		/* a finding a decision in force covers is settled */
		for (size_t i = 0; i < res.n; i++)
			if (res.findings[i].cls >= fail_on &&
			    (restart_fails || !res.findings[i].restart_required) &&
			    !(res.findings[i].decision && !res.findings[i].decision_state))
				rc = EXIT_FINDINGS;
		/* no data is no verdict: the gate must not pass */
		if (rc == EXIT_OK && res.undetermined)
			rc = EXIT_UNKNOWN;
	}
out:
	vigie_vulndoc_release(&vd);
	vigie_decisions_release(&dec);
	vigie_strv_release(&sources);
	if (scanned)
		vigie_scan_result_release(&res);
	vigie_buf_release(&out);
	vigie_vulnindex_free(idx);
	vigie_store_close(store);
	vigie_inventory_release(&inv);
	free(pol);
	return rc;
}
