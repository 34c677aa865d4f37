#include "cli.h"
#include "vigie/render/json.h"
#include "vigie/scanners/decisions.h"
#include "vigie/store/decisions.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

int cli_cve_arg(char *buf, size_t size, const char *arg)
{
	struct vigie_error err;
	cli_error_init(&err);
	if (vigie_cve_normalize(buf, size, arg, &err))
		return cli_error(&err);
	return EXIT_OK;
}

int cli_decisions_load(struct vigie_store *s, struct vigie_decisions *d)
{
	struct vigie_error err;
	cli_error_init(&err);
	vigie_decisions_init(d);
	if (vigie_store_decisions_load(s, 0, d, &err))
		return cli_error(&err);
	return EXIT_OK;
}

static void decide_usage(FILE *f)
{
	fprintf(f,
		"usage: vigie decide CVE-ID (--host NAME | --client NAME | --all-hosts | --fleet)\n"
		"                    --status not_affected|affected|fixed|under_investigation\n"
		"                    [--justification J] --reason TEXT --by NAME\n"
		"                    [--expires|--until YYYY-MM-DD]\n\n"
		"--status also takes not-affected and false-positive (both stored as\n"
		"not_affected) and accepted-risk (stored as affected: the risk is known\n"
		"and accepted); --fleet is --all-hosts, --until is --expires.\n"
		"--client NAME: every host of that client (see 'vigie clients'). A\n"
		"decision naming the host wins over the client's, which wins over one\n"
		"for every host; the latest wins among equals.\n"
		"Write down a decision clearing a doubt on one CVE: scan, fleet and triage\n"
		"then show it beside the finding (hidden unless --show-decided), export it\n"
		"in JSON, SARIF, OpenVEX and CycloneDX, and do not count the finding for\n"
		"--fail-on. A decision applies through its --expires day, then no longer.\n"
		"Debian's data on the CVE (the tracker's status, fixed version and\n"
		"urgency per release and source) is recorded with it: when it changes for\n"
		"a finding's release and source, the decision is re-opened and no longer\n"
		"applies there (the finding says what changed; 'vigie alerts' tells once).\n"
		"Justifications (OpenVEX, for not_affected): component_not_present,\n"
		"vulnerable_code_not_present, vulnerable_code_not_in_execute_path,\n"
		"vulnerable_code_cannot_be_controlled_by_adversary,\n"
		"inline_mitigations_already_exist.\n");
}

int cmd_decide(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "client", required_argument, NULL, 'C' },
		{ "all-hosts", no_argument, NULL, 'A' },
		{ "fleet", no_argument, NULL, 'A' },
		{ "status", required_argument, NULL, 's' },
		{ "justification", required_argument, NULL, 'j' },
		{ "reason", required_argument, NULL, 'r' },
		{ "by", required_argument, NULL, 'b' },
		{ "expires", required_argument, NULL, 'e' },
		{ "until", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct vigie_decision d;
	struct vigie_store *store = NULL;
	struct vigie_error err;
	char cve[64], day[16];
	int c, all = 0, rc = EXIT_ERROR;
	int64_t id = 0, expires = 0;

	memset(&d, 0, sizeof(d));
	cli_error_init(&err);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'H': d.host = optarg; break;
		case 'C': d.client = optarg; break;
		case 'A': all = 1; break;
		case 's': d.status = optarg; break;
		case 'j': d.justification = optarg; break;
		case 'r': d.reason = optarg; break;
		case 'b': d.by = optarg; break;
		case 'e':
			if (strlen(optarg) != 10 || vigie_time_parse(&expires, optarg, 0))
				return cli_fail("--expires: expected a date YYYY-MM-DD, got '%s'", optarg);
			/* the decision holds through that day (UTC) */
			expires += 86400;
			break;
		case 'h': decide_usage(stdout); return EXIT_OK;
		default: decide_usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind + 1 != argc) {
		decide_usage(stderr);
		return EXIT_ERROR;
	}
	if (cli_cve_arg(cve, sizeof(cve), argv[optind]))
		return EXIT_ERROR;
	if (!!d.host + !!d.client + all != 1)
		return cli_fail("give exactly one of --host NAME, --client NAME and --all-hosts (--fleet)");
	/* the auditors' words for the OpenVEX statuses */
	if (d.status && (!strcmp(d.status, "not-affected") || !strcmp(d.status, "false-positive")))
		d.status = "not_affected";
	else if (d.status && !strcmp(d.status, "accepted-risk"))
		d.status = "affected";
	if (!d.status || !vigie_decision_status_valid(d.status))
		return cli_fail("--status: expected not_affected, affected, fixed or"
				" under_investigation, got '%s'", d.status ? d.status : "");
	if (d.justification && !vigie_decision_justification_valid(d.justification))
		return cli_fail("--justification: '%s' is not an OpenVEX justification"
				" (see 'vigie decide --help')", d.justification);
	if (d.justification && strcmp(d.status, "not_affected"))
		return cli_fail("--justification is only for --status not_affected");
	if (!d.reason || !*d.reason)
		return cli_fail("--reason TEXT is required: say why");
	if (!d.by || !*d.by)
		return cli_fail("--by NAME is required: say who decides");
	d.cve = cve;
	d.at = vigie_now();
	d.expires = expires;
	if (expires && expires <= d.at)
		return cli_fail("--expires: the date is already past");
	if (cli_store_open(&store, 0))
		goto out;
	if (vigie_store_decision_add(store, &d, &id, &err)) {
		cli_error(&err);
		goto out;
	}
	if (d.client)
		printf("decision %lld: %s %s on every host of client %s", (long long)id, cve,
		       d.status, d.client);
	else
		printf("decision %lld: %s %s on %s", (long long)id, cve, d.status,
		       d.host ? d.host : "every host");
	if (expires)
		printf(" until %s", vigie_date_format(expires - 86400, day, sizeof(day)));
	printf("\n");
	rc = EXIT_OK;
out:
	vigie_store_close(store);
	return rc;
}

static void decisions_usage(FILE *f)
{
	fprintf(f,
		"usage: vigie decisions [list] [--all] [--format text|json]\n"
		"       vigie decisions show ID\n"
		"       vigie decisions revoke ID [--by NAME]\n\n"
		"List the written decisions (in force, expired or re-opened; --all adds\n"
		"the revoked ones), show one in full, or revoke one: it then no longer\n"
		"applies. A decision is re-opened when Debian's data on its CVE changed\n"
		"since it was written (for the releases of the hosts it covers).\n");
}

static int list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct vigie_decisions d;
	struct vigie_store *store = NULL;
	struct vigie_error err;
	struct vigie_buf out = VIGIE_BUF_INIT;
	const char *format = "text";
	int c, all = 0, rc = EXIT_ERROR;
	int64_t now = vigie_now();

	cli_error_init(&err);
	vigie_decisions_init(&d);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': all = 1; break;
		case 'f': format = optarg; break;
		case 'h': decisions_usage(stdout); return EXIT_OK;
		default: decisions_usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind != argc) {
		decisions_usage(stderr);
		return EXIT_ERROR;
	}
	if (cli_format_check(format, "text|json"))
		return EXIT_ERROR;
	if (cli_store_open(&store, 0))
		goto out;
	if (vigie_store_decisions_load(store, all, &d, &err)) {
		cli_error(&err);
		goto out;
	}
	if (!strcmp(format, "json")) {
		yajl_gen g = vigie_json_gen_new(&out);
		if (!g) {
			cli_fail("out of memory");
			goto out;
		}
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "schema", "vigie.decisions/1");
		vigie_json_key(g, "decisions");
		yajl_gen_array_open(g);
		for (size_t i = 0; i < d.n; i++) {
			const struct vigie_decision *x = &d.v[i];
			const char *was, *cur;
			int st = vigie_decision_state_of(&d, x, now, &was, &cur);
			yajl_gen_map_open(g);
			vigie_json_kv_int(g, "id", x->id);
			vigie_json_kv_str(g, "cve", x->cve);
			vigie_json_kv_str(g, "host", x->host);
			vigie_json_kv_str(g, "client", x->client);
			vigie_json_kv_str(g, "scope", vigie_decision_scope(x));
			vigie_json_kv_str(g, "status", x->status);
			vigie_json_kv_str(g, "justification", x->justification);
			vigie_json_kv_str(g, "reason", x->reason);
			vigie_json_kv_str(g, "by", x->by);
			vigie_json_kv_time(g, "at", x->at);
			vigie_json_kv_time(g, "expires", x->expires);
			vigie_json_kv_time(g, "revoked", x->revoked);
			vigie_json_kv_str(g, "revoked_by", x->revoked_by);
			vigie_json_kv_str(g, "state", x->revoked ? "revoked"
					  : vigie_decision_state_name(st));
			if (!x->revoked && st == VIGIE_DECISION_REOPENED) {
				vigie_json_kv_str(g, "debian_was", was);
				vigie_json_kv_str(g, "debian_now", cur);
			}
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
		yajl_gen_free(g);
		vigie_buf_addc(&out, '\n');
	} else {
		if (!d.n)
			vigie_buf_adds(&out, "no decision written: see 'vigie decide --help'\n");
		for (size_t i = 0; i < d.n; i++) {
			const struct vigie_decision *x = &d.v[i];
			const char *was, *cur;
			int st = vigie_decision_state_of(&d, x, now, &was, &cur);
			char at[32], ex[16];
			vigie_buf_addf(&out, "%-4lld %-16s %-20s ", (long long)x->id, x->cve,
				       x->status);
			if (x->client) {
				vigie_buf_adds(&out, "(client) ");
				vigie_buf_add_safe(&out, x->client, strlen(x->client));
			} else {
				vigie_buf_add_safe(&out, x->host ? x->host : "(every host)",
						   strlen(x->host ? x->host : "(every host)"));
			}
			vigie_buf_addf(&out, "  %s by ", vigie_date_format(x->at, at, sizeof(at)));
			vigie_buf_add_safe(&out, x->by, strlen(x->by));
			if (x->revoked)
				vigie_buf_adds(&out, ", revoked");
			else if (st == VIGIE_DECISION_REOPENED) {
				vigie_buf_addf(&out, ", re-opened: %s changed (was ",
					       vigie_decision_what_changed(was, cur));
				vigie_buf_add_safe(&out, was, strlen(was));
				vigie_buf_adds(&out, ", now ");
				vigie_buf_add_safe(&out, cur, strlen(cur));
				vigie_buf_adds(&out, ")");
			} else if (x->expires && x->expires <= now)
				vigie_buf_addf(&out, ", expired after %s",
					       vigie_date_format(x->expires - 86400, ex, sizeof(ex)));
			else if (x->expires)
				vigie_buf_addf(&out, ", until %s",
					       vigie_date_format(x->expires - 86400, ex, sizeof(ex)));
			vigie_buf_adds(&out, "\n     ");
			if (x->justification)
				vigie_buf_addf(&out, "%s: ", x->justification);
			vigie_buf_add_safe(&out, x->reason, strlen(x->reason));
			vigie_buf_addc(&out, '\n');
		}
	}
	rc = cli_write_buf(&out);
out:
	vigie_buf_release(&out);
	vigie_decisions_release(&d);
	vigie_store_close(store);
	return rc;
}

static int revoke(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct vigie_store *store = NULL;
	struct vigie_error err;
	const char *by = NULL;
	char *end;
	long long id;
	int c, rc = EXIT_ERROR;

	cli_error_init(&err);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': by = optarg; break;
		case 'h': decisions_usage(stdout); return EXIT_OK;
		default: decisions_usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind + 1 != argc) {
		decisions_usage(stderr);
		return EXIT_ERROR;
	}
	id = strtoll(argv[optind], &end, 10);
	if (*end || id <= 0)
		return cli_fail("revoke: '%s' is not a decision id", argv[optind]);
	if (cli_store_open(&store, 0))
		goto out;
	if (vigie_store_decision_revoke(store, id, vigie_now(), by, &err)) {
		cli_error(&err);
		goto out;
	}
	printf("decision %lld revoked\n", id);
	rc = EXIT_OK;
out:
	vigie_store_close(store);
	return rc;
}

static int show(int argc, char **argv)
{
	struct vigie_decisions d;
	struct vigie_store *store = NULL;
	struct vigie_error err;
	struct vigie_buf out = VIGIE_BUF_INIT;
	const struct vigie_decision *x = NULL;
	const char *was, *cur;
	char *end, t[32];
	long long id;
	int rc = EXIT_ERROR, st;
	int64_t now = vigie_now();

	if (argc != 2 || !strcmp(argv[1], "--help")) {
		decisions_usage(argc == 2 ? stdout : stderr);
		return argc == 2 ? EXIT_OK : EXIT_ERROR;
	}
	id = strtoll(argv[1], &end, 10);
	if (*end || id <= 0)
		return cli_fail("show: '%s' is not a decision id", argv[1]);
	cli_error_init(&err);
	vigie_decisions_init(&d);
	if (cli_store_open(&store, 0))
		goto out;
	if (vigie_store_decisions_load(store, 1, &d, &err)) {
		cli_error(&err);
		goto out;
	}
	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].id == id)
			x = &d.v[i];
	if (!x) {
		cli_fail("no decision %lld", id);
		goto out;
	}
	vigie_buf_addf(&out, "decision:      %lld\ncve:           %s\n", id, x->cve);
	if (x->client) {
		vigie_buf_adds(&out, "client:        ");
		vigie_buf_add_safe(&out, x->client, strlen(x->client));
		vigie_buf_adds(&out, " (every host of the client)");
	} else {
		vigie_buf_adds(&out, "host:          ");
		vigie_buf_add_safe(&out, x->host ? x->host : "(every host)",
				   strlen(x->host ? x->host : "(every host)"));
	}
	vigie_buf_addf(&out, "\nstatus:        %s\n", x->status);
	if (x->justification)
		vigie_buf_addf(&out, "justification: %s\n", x->justification);
	vigie_buf_adds(&out, "reason:        ");
	vigie_buf_add_safe(&out, x->reason, strlen(x->reason));
	vigie_buf_adds(&out, "\ndecided by:    ");
	vigie_buf_add_safe(&out, x->by, strlen(x->by));
	vigie_buf_addf(&out, "\ndecided at:    %s\n", vigie_time_format(x->at, t, sizeof(t)));
	if (x->expires)
		vigie_buf_addf(&out, "holds through: %s\n",
			       vigie_date_format(x->expires - 86400, t, sizeof(t)));
	st = vigie_decision_state_of(&d, x, now, &was, &cur);
	if (x->revoked)
		vigie_buf_adds(&out, "state:         revoked\n");
	else if (st == VIGIE_DECISION_EXPIRED)
		vigie_buf_adds(&out, "state:         expired, no longer applies\n");
	else if (st == VIGIE_DECISION_REOPENED) {
		vigie_buf_addf(&out, "state:         re-opened: %s changed (was ",
			       vigie_decision_what_changed(was, cur));
		vigie_buf_add_safe(&out, was, strlen(was));
		vigie_buf_adds(&out, ", now ");
		vigie_buf_add_safe(&out, cur, strlen(cur));
		vigie_buf_adds(&out, ")\n");
	} else
		vigie_buf_adds(&out, "state:         in force\n");
	if (x->recorded) {
		size_t shown = 0;
		const char *kev = NULL;
		vigie_buf_adds(&out, "debian data:   ");
		for (size_t i = 0; i < x->nfacts; i++)
			if (vigie_decision_fact_is_kev(&x->facts[i]))
				kev = x->facts[i].state;
		if (x->nfacts == (kev ? 1u : 0u))
			vigie_buf_adds(&out, "(no entry when decided)\n");
		for (size_t i = 0; i < x->nfacts; i++) {
			if (vigie_decision_fact_is_kev(&x->facts[i]))
				continue;
			vigie_buf_addf(&out, "%s", shown++ ? "               " : "");
			vigie_buf_add_safe(&out, x->facts[i].release, strlen(x->facts[i].release));
			vigie_buf_addc(&out, ' ');
			vigie_buf_add_safe(&out, x->facts[i].source, strlen(x->facts[i].source));
			vigie_buf_adds(&out, ": ");
			vigie_buf_add_safe(&out, x->facts[i].state, strlen(x->facts[i].state));
			vigie_buf_addc(&out, '\n');
		}
		if (kev)
			vigie_buf_addf(&out, "cisa kev:      %s when decided\n", kev);
	}
	if (x->revoked) {
		vigie_buf_addf(&out, "revoked at:    %s\n", vigie_time_format(x->revoked, t, sizeof(t)));
		if (x->revoked_by) {
			vigie_buf_adds(&out, "revoked by:    ");
			vigie_buf_add_safe(&out, x->revoked_by, strlen(x->revoked_by));
			vigie_buf_addc(&out, '\n');
		}
	}
	rc = cli_write_buf(&out);
out:
	vigie_buf_release(&out);
	vigie_decisions_release(&d);
	vigie_store_close(store);
	return rc;
}

int cmd_decisions(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "show"))
		return show(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "revoke"))
		return revoke(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "list"))
		return list(argc - 1, argv + 1);
	if (argc >= 2 && argv[1][0] != '-') {
		decisions_usage(stderr);
		return EXIT_ERROR;
	}
	return list(argc, argv);
}
