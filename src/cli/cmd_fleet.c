#include "cli.h"
#include "vigie/engine/fleet.h"
#include "vigie/render/json.h"
#include "vigie/engine/policy.h"
#include "vigie/render/render.h"
#include "vigie/render/vulndoc.h"
#include "vigie/scanners/decisions.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigie fleet [--format text|json|csv|sarif|cyclonedx] [--findings]\n"
		"                   [--fail-on CLASS] [--include-unimportant] [--policy FILE]\n"
		"                   [--only-fixed] [--min-class CLASS] [--show-decided]\n"
		"                   [--restart-fails yes|no]\n\n"
		"Scan every host stored with 'vigie hosts add', sharing one index and one\n"
		"matcher per release: per host, the findings per class and state, reboot\n"
		"required, and the release's lifecycle. --findings lists each host's\n"
		"findings (json, csv). A host without security data for its release is\n"
		"undetermined. Exit 1 when a finding is at or above --fail-on, else 3\n"
		"when --fail-on is given and some host is undetermined.\n"
		"sarif (SARIF 2.1.0) and cyclonedx (CycloneDX 1.5 VEX) list every host's\n"
		"findings (docs/FORMATS.md). --only-fixed keeps findings with a fix,\n"
		"--min-class CLASS those at or above CLASS; findings a written decision\n"
		"covers ('vigie decide') are hidden unless --show-decided and never\n"
		"count for --fail-on. A fix installed that processes still do not run\n"
		"(\"fixed, restart needed\", from agents' inventories) counts for\n"
		"--fail-on like its class unless --restart-fails no.\n");
}

struct out {
	struct vigie_buf buf;
	yajl_gen g;
	const char *format;
	int findings;
	int have_fail_on;
	enum vigie_class fail_on;
	int restart_fails_not;      /* --restart-fails no */
	int failed;
	size_t hosts;
	size_t undetermined;  /* hosts without a verdict */
	size_t with_findings;
	struct vigie_store *store;
	const struct vigie_decisions *dec;
	int only_fixed, have_min, show_decided;
	enum vigie_class min_class;
	struct vulndoc *vd;        /* sarif, cyclonedx */
	int rc;                    /* first error met in a callback */
};

static int host_out(struct out *o, const struct store_host *h, const struct scan_result *r,
		    const char *why)
{
	if (r) {
		/* the result is ours during the call: decisions and filters
		 * take findings out of it before anything is counted */
		struct scan_result *w = (struct scan_result *)r;
		vigie_decisions_apply_scan(w, o->dec, r->scanned_at ? r->scanned_at : vigie_now(),
					   o->show_decided);
		vigie_scan_result_filter(w, o->only_fixed, o->have_min, o->min_class);
	}
	/* a host not scanned, or scanned without data for its release, has no
	 * verdict: never counted as clean */
	const char *verdict = r ? vigie_scan_verdict(r) : "undetermined";
	const char *reason = r ? r->undetermined : why;
	o->hosts++;
	if (!strcmp(verdict, "undetermined"))
		o->undetermined++;
	else if (r->n)
		o->with_findings++;
	if (r && o->have_fail_on)
		for (size_t i = 0; i < r->n; i++)
			if (r->findings[i].cls >= o->fail_on &&
			    !(o->restart_fails_not && r->findings[i].restart_required) &&
			    !(r->findings[i].decision && !r->findings[i].decision_state))
				o->failed = 1;
	if (o->vd) {
		struct inventory inv;
		struct vigie_error err;
		int rc = 0;
		if (!r)
			return 0;
		cli_error_init(&err);
		/* CycloneDX lists the host's packages as components */
		if (!strcmp(o->format, "cyclonedx") &&
		    vigie_store_host_load(o->store, h->name, &inv, &err)) {
			vigie_inventory_release(&inv);
			cli_error(&err);
			o->rc = VIGIE_EDB;
			return VIGIE_EDB;
		}
		rc = vigie_vulndoc_add_scan(o->vd, r, !strcmp(o->format, "cyclonedx") ? &inv : NULL);
		if (!strcmp(o->format, "cyclonedx"))
			vigie_inventory_release(&inv);
		if (rc) {
			cli_fail("out of memory");
			o->rc = rc;
		}
		return rc;
	}
	if (!strcmp(o->format, "json")) {
		yajl_gen g = o->g;
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "host", h->name);
		vigie_json_kv_str(g, "client", h->client);
		vigie_json_kv_str(g, "release", h->release);
		vigie_json_kv_time(g, "inventoried_at", h->inventoried_at);
		vigie_json_kv_int(g, "packages", h->npackages);
		vigie_json_kv_str(g, "error", why);
		vigie_json_kv_str(g, "verdict", verdict);
		vigie_json_kv_str(g, "reason", reason);
		if (r) {
			vigie_render_scan_json_counts(g, r);
			vigie_json_kv_int(g, "decided", (int64_t)r->hidden_decided);
			vigie_json_kv_bool(g, "reboot_required", r->kernel.reboot_required);
			vigie_json_kv_str(g, "lifecycle", r->lifecycle.state);
			vigie_json_kv_str(g, "lifecycle_message", r->lifecycle.message);
			if (o->findings) {
				vigie_json_key(g, "findings");
				yajl_gen_array_open(g);
				for (size_t i = 0; i < r->n; i++) {
					const struct finding *f = &r->findings[i];
					yajl_gen_map_open(g);
					vigie_json_kv_str(g, "cve", f->cve);
					vigie_json_kv_str(g, "source", f->source);
					vigie_json_kv_str(g, "source_version", f->source_version);
					vigie_json_kv_str(g, "state", vigie_finding_state_name(f->state));
					vigie_json_kv_str(g, "fixed_version", f->fixed_version);
					vigie_json_kv_str(g, "advisory", f->advisory);
					vigie_json_kv_str(g, "class", vigie_policy_class_name(f->cls));
					vigie_json_kv_str(g, "evidence", f->evidence);
					vigie_json_kv_bool(g, "reboot_required", f->reboot_required);
					vigie_json_kv_bool(g, "restart_required", f->restart_required);
					vigie_json_key(g, "decision");
					vigie_render_decision_json(g, f->decision, f->decision_state,
								   f->decision_was, f->decision_now);
					yajl_gen_map_close(g);
				}
				yajl_gen_array_close(g);
			}
		}
		yajl_gen_map_close(g);
	} else if (!strcmp(o->format, "csv") && !o->findings) {
		/* one row per host: its summary */
		char n[6][24];
		const char *cols[12];
		snprintf(n[0], sizeof(n[0]), "%zu", r && !r->undetermined ? r->count_class[2] : 0);
		snprintf(n[1], sizeof(n[1]), "%zu", r && !r->undetermined ? r->count_class[1] : 0);
		snprintf(n[2], sizeof(n[2]), "%zu", r && !r->undetermined ? r->count_class[0] : 0);
		snprintf(n[3], sizeof(n[3]), "%zu",
			 r && !r->undetermined ? r->count_state[FINDING_FIXED_AVAILABLE] : 0);
		snprintf(n[4], sizeof(n[4]), "%zu", r ? r->hidden_decided : 0);
		cols[0] = h->name;
		cols[1] = h->client;
		cols[2] = h->release;
		cols[3] = verdict;
		cols[4] = reason ? reason : why;
		cols[5] = n[0];
		cols[6] = n[1];
		cols[7] = n[2];
		cols[8] = n[3];
		cols[9] = n[4];
		cols[10] = r && r->kernel.reboot_required ? "yes" : "no";
		cols[11] = r ? r->lifecycle.state : NULL;
		for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
			if ((c && vigie_buf_addc(&o->buf, ',')) ||
			    vigie_csv_add_field(&o->buf, cols[c]))
				return VIGIE_ENOMEM;
		vigie_buf_adds(&o->buf, "\r\n");
	} else if (!strcmp(o->format, "csv")) {
		if (!r)
			return 0;
		for (size_t i = 0; i < r->n; i++) {
			const struct finding *f = &r->findings[i];
			const char *cols[] = { h->name, h->client, h->release, f->cve, f->source,
					       f->source_version,
					       f->restart_required ? "restart-needed"
								   : vigie_finding_state_name(f->state),
					       f->fixed_version, f->advisory, vigie_policy_class_name(f->cls) };
			for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
				if ((c && vigie_buf_addc(&o->buf, ',')) ||
				    vigie_csv_add_field(&o->buf, cols[c]))
					return VIGIE_ENOMEM;
			vigie_buf_adds(&o->buf, "\r\n");
		}
	} else {
		vigie_buf_addf(&o->buf, "%-24s %-10s ", h->name, h->release ? h->release : "?");
		if (!r) {
			vigie_buf_addf(&o->buf, "undetermined, not scanned: %s\n", why);
			return 0;
		}
		if (r->undetermined) {
			vigie_buf_addf(&o->buf, "undetermined: %s\n", r->undetermined);
			return 0;
		}
		vigie_buf_addf(&o->buf, "%3zu highly-critical %3zu critical %4zu standard"
			       " (%zu fixed-available)%s%s%s%s\n",
			       r->count_class[2], r->count_class[1], r->count_class[0],
			       r->count_state[FINDING_FIXED_AVAILABLE],
			       r->hidden_decided ? vigie_scan_result_printf((struct scan_result *)r,
					"; %zu decided", r->hidden_decided) : "",
			       r->kernel.reboot_required ? "; reboot required" : "",
			       r->lifecycle.warn ? "; " : "",
			       r->lifecycle.warn ? r->lifecycle.state : "");
	}
	return 0;
}

/* One host's part, written out once 64 KiB are held (JSON and CSV: a
 * fleet's findings run to gigabytes; the text lines are laid out at the
 * end). A failure past that point leaves the output cut short, the exit
 * status and the message saying so. */
static int on_host(void *ud, const struct store_host *h, const struct scan_result *r,
		   const char *why)
{
	struct out *o = ud;
	int rc = host_out(o, h, r, why);
	if (rc || o->vd || !strcmp(o->format, "text") || o->buf.len < (64u << 10))
		return rc;
	if (cli_write(o->buf.data, o->buf.len)) {
		o->rc = VIGIE_EIO;
		return VIGIE_EIO;
	}
	vigie_buf_reset(&o->buf);
	return 0;
}

int cmd_fleet(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "findings", no_argument, NULL, 'F' },
		{ "fail-on", required_argument, NULL, 'x' },
		{ "include-unimportant", no_argument, NULL, 'u' },
		{ "policy", required_argument, NULL, 'p' },
		{ "only-fixed", no_argument, NULL, 'O' },
		{ "min-class", required_argument, NULL, 'M' },
		{ "show-decided", no_argument, NULL, 'D' },
		{ "restart-fails", required_argument, NULL, 'Y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct out o;
	struct vigie_decisions dec;
	struct vulndoc vd;
	struct fleet_opts fo;
	struct policy *pol = NULL;
	struct vigie_store *store = NULL;
	struct vigie_error err;
	const char *policy_path = NULL;
	int c, rc = EXIT_ERROR;

	memset(&o, 0, sizeof(o));
	memset(&fo, 0, sizeof(fo));
	o.format = "text";
	vigie_decisions_init(&dec);
	vigie_vulndoc_init(&vd, "fleet", VIGIE_VERSION, vigie_now());
	cli_error_init(&err);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'O': o.only_fixed = 1; break;
		case 'D': o.show_decided = 1; break;
		case 'Y':
			if (strcmp(optarg, "yes") && strcmp(optarg, "no"))
				return cli_fail("--restart-fails: 'yes' or 'no', not '%s'", optarg);
			o.restart_fails_not = !strcmp(optarg, "no");
			break;
		case 'M':
			if (vigie_policy_class_parse(&o.min_class, optarg))
				return cli_fail("--min-class: unknown class '%s'"
						" (standard, critical, highly-critical)", optarg);
			o.have_min = 1;
			break;
		case 'f': o.format = optarg; break;
		case 'F': o.findings = 1; break;
		case 'u': fo.include_unimportant = 1; break;
		case 'p': policy_path = optarg; break;
		case 'x':
			if (vigie_policy_class_parse(&o.fail_on, optarg))
				return cli_fail("--fail-on: unknown class '%s'", optarg);
			o.have_fail_on = 1;
			break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (cli_format_check(o.format, "text|json|csv|sarif|cyclonedx"))
		return EXIT_ERROR;
	if (!(pol = malloc(sizeof(*pol))))
		return cli_fail("out of memory");
	if (cli_policy_load(pol, policy_path) || cli_store_open(&store, 0))
		goto out;
	if (cli_decisions_load(store, &dec))
		goto out;
	o.store = store;
	o.dec = &dec;
	if (!strcmp(o.format, "sarif") || !strcmp(o.format, "cyclonedx"))
		o.vd = &vd;
	fo.policy = pol;
	if (!strcmp(o.format, "json")) {
		if (!(o.g = vigie_json_gen_new(&o.buf))) {
			cli_fail("out of memory");
			goto out;
		}
		yajl_gen_map_open(o.g);
		vigie_json_kv_str(o.g, "schema", "vigie.fleet/1");
		vigie_json_kv_time(o.g, "scanned_at", vigie_now());
		vigie_json_key(o.g, "hosts");
		yajl_gen_array_open(o.g);
	} else if (!strcmp(o.format, "csv") && o.findings) {
		vigie_buf_adds(&o.buf, "host,client,release,cve,source,source_version,state,"
				       "fixed_version,advisory,class\r\n");
	} else if (!strcmp(o.format, "csv")) {
		vigie_buf_adds(&o.buf, "host,client,release,verdict,reason,highly_critical,critical,"
				       "standard,fixed_available,decided,reboot_required,lifecycle\r\n");
	} else if (!strcmp(o.format, "text")) {
		vigie_buf_addf(&o.buf, "%-24s %-10s %s\n", "HOST", "RELEASE", "FINDINGS");
	}
	if (vigie_fleet_scan(store, &fo, on_host, &o, &err)) {
		if (!o.rc) /* else the callback said why */
			cli_error(&err);
		goto out;
	}
	if (o.g) {
		yajl_gen_array_close(o.g);
		vigie_json_key(o.g, "summary");
		yajl_gen_map_open(o.g);
		vigie_json_kv_int(o.g, "hosts", (int64_t)o.hosts);
		vigie_json_kv_int(o.g, "with_findings", (int64_t)o.with_findings);
		vigie_json_kv_int(o.g, "undetermined", (int64_t)o.undetermined);
		vigie_json_kv_str(o.g, "verdict", o.undetermined ? "undetermined"
					: o.with_findings ? "findings" : "no-findings");
		if (o.undetermined) {
			char why[128];
			snprintf(why, sizeof(why), "%zu of %zu hosts cannot be judged with the"
				 " database's security data", o.undetermined, o.hosts);
			vigie_json_kv_str(o.g, "reason", why);
		} else {
			vigie_json_kv_str(o.g, "reason", NULL);
		}
		yajl_gen_map_close(o.g);
		yajl_gen_map_close(o.g);
	} else if (!strcmp(o.format, "text") && !o.hosts) {
		vigie_buf_reset(&o.buf); /* no header over nothing */
		vigie_buf_adds(&o.buf, "no host stored: add hosts with 'vigie hosts add'\n");
	} else if (o.vd && (o.format[0] == 's' ? vigie_render_sarif(&o.buf, o.vd)
					      : vigie_render_cyclonedx(&o.buf, o.vd))) {
		cli_fail("out of memory");
		goto out;
	}
	if (o.buf.len && (!strcmp(o.format, "text") ? cli_write_text(o.buf.data, o.buf.len)
						    : cli_write(o.buf.data, o.buf.len)))
		goto out;
	/* findings at or above --fail-on decide; else a host without a
	 * verdict keeps the gate shut */
	rc = o.failed ? EXIT_FINDINGS
	     : o.have_fail_on && o.undetermined ? EXIT_UNKNOWN : EXIT_OK;
out:
	vigie_vulndoc_release(&vd);
	vigie_decisions_release(&dec);
	if (o.g)
		yajl_gen_free(o.g);
	vigie_buf_release(&o.buf);
	vigie_store_close(store);
	free(pol);
	return rc;
}
