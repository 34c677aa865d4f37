#define _GNU_SOURCE
#include "cli.h"
#include "vigie/core/conf.h"
#include "vigie/core/spawn.h"
#include "vigie/engine/policy.h"
#include "vigie/engine/sla.h"
#include "vigie/report/report.h"
#include "vigie/store/service.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigie report (--client NAME | --all-clients) --month YYYY-MM|last\n"
		"                    [--lang fr|en] [--format pdf|html|json] [--output PATH]\n"
		"                    [--mail] [--config FILE] [--policy FILE]\n\n"
		"The monthly report of a client: cover (data sources, hosts and when each\n"
		"last reported), summary (updates applied, CVEs fixed by class, SLA per\n"
		"class as 'vigie sla' computes it, open findings at the month's end,\n"
		"reboots needed, support ending within 6 months, silent hosts), updates\n"
		"per day, twelve months of updates, every fix with its delay (breaches\n"
		"first) and the findings still open. The month is the calendar month in\n"
		"the client's time zone ('vigie clients add --timezone'); 'last' is the\n"
		"last complete one. The language is --lang, else the client's.\n\n"
		"  --format FMT   pdf (default), html (one printable file) or json\n"
		"                 (vigie.report/1, docs/REPORT.md: the data of both views)\n"
		"  --output PATH  the file to write (default: stdout); with --all-clients\n"
		"                 a directory receiving CLIENT-YYYY-MM.FMT\n"
		"  --mail         mail the PDF to the client's contacts through [mail]\n"
		"                 command of vigie.conf (default /usr/sbin/sendmail -i --;\n"
		"                 the recipients are appended to its words; no shell)\n"
		"  --config FILE  vigie.conf ([sla] deadlines and holidays, [mail] command\n"
		"                 and from); default $VIGIE_CONFIG, else /etc/vigie/vigie.conf\n"
		"  --policy FILE  criticality policy (default $VIGIE_POLICY, else shipped)\n\n"
		"Exit: 0 success, 2 usage or input error (unknown client, bad month).\n");
}

struct mailcfg {
	char command[1024];
	char from[320];
	char origin[600]; /* file:line of the command, for errors */
	unsigned long line;
};

static int mail_config(struct mailcfg *m, const char *path)
{
	struct vigie_conf conf;
	struct vigie_error err;
	const char *cmd, *from;
	char host[256] = "localhost";

	cli_error_init(&err);
	snprintf(m->command, sizeof(m->command), "/usr/sbin/sendmail -i --");
	gethostname(host, sizeof(host) - 1);
	snprintf(m->from, sizeof(m->from), "vigie@%s", host);
	m->origin[0] = 0;
	if (!path)
		return 0;
	if (vigie_conf_load_private(&conf, path, &err))
		return cli_error(&err);
	cmd = vigie_conf_get(&conf, "mail", "command");
	if (!cmd)
		cmd = vigie_conf_get(&conf, "alerts", "sendmail");
	if (cmd)
		snprintf(m->command, sizeof(m->command), "%s", cmd);
	if ((from = vigie_conf_get(&conf, "mail", "from")))
		snprintf(m->from, sizeof(m->from), "%s", from);
	snprintf(m->origin, sizeof(m->origin), "%s", path);
	vigie_conf_release(&conf);
	return 0;
}

struct job {
	struct vigie_store *s;
	struct vigie_report_opts o;
	const char *format, *output;
	int all, mail;
	struct mailcfg mc;
};

static int send_mail(struct job *j, const struct vigie_buf *json, const struct vigie_buf *pdf)
{
	struct vigie_buf msg = VIGIE_BUF_INIT;
	struct vigie_strv words, rcpt;
	struct vigie_error err;
	int rc = EXIT_ERROR;

	cli_error_init(&err);
	vigie_strv_init(&words);
	vigie_strv_init(&rcpt);
	if (vigie_report_mail(&msg, json->data, json->len, j->mc.from, pdf->data, pdf->len, &err) ||
	    vigie_report_contacts(&rcpt, json->data, json->len, &err) ||
	    vigie_spawn_split(&words, j->mc.command, j->mc.origin[0] ? j->mc.origin : NULL, 0,
			      &err)) {
		rc = cli_error(&err);
		goto out;
	}
	for (size_t i = 0; i < rcpt.n; i++)
		if (rcpt.v[i][0] == '-' || vigie_strv_push(&words, rcpt.v[i])) {
			rc = cli_fail("bad recipient '%s'", rcpt.v[i]);
			goto out;
		}
	if (vigie_spawn_with_input((const char *const *)words.v, words.n, msg.data, msg.len, 0,
				   &err)) {
		rc = cli_error(&err);
		goto out;
	}
	fprintf(stderr, "vigie: mailed the report of %s to %zu contact%s\n", j->o.client, rcpt.n,
		rcpt.n == 1 ? "" : "s");
	rc = EXIT_OK;
out:
	vigie_strv_release(&words);
	vigie_strv_release(&rcpt);
	vigie_buf_release(&msg);
	return rc;
}

static int one(struct job *j)
{
	struct vigie_buf json = VIGIE_BUF_INIT, view = VIGIE_BUF_INIT, pdf = VIGIE_BUF_INIT;
	struct vigie_error err;
	const struct vigie_buf *outb = &json;
	int rc = EXIT_ERROR;

	cli_error_init(&err);
	if (vigie_report_model(&json, j->s, NULL, &j->o, &err))
		goto fail;
	if (!strcmp(j->format, "html")) {
		if (vigie_report_html(&view, json.data, json.len, &err))
			goto fail;
		outb = &view;
	} else if (!strcmp(j->format, "pdf")) {
		if (vigie_report_pdf(&pdf, json.data, json.len, &err))
			goto fail;
		outb = &pdf;
	}
	if (j->mail) {
		struct vigie_strv rcpt;
		size_t n;
		vigie_strv_init(&rcpt);
		rc = vigie_report_contacts(&rcpt, json.data, json.len, &err);
		n = rcpt.n;
		vigie_strv_release(&rcpt);
		if (rc)
			goto fail;
		if (!n && j->all) {
			/* the monthly run goes on for the clients that have contacts */
			fprintf(stderr, "vigie: warning: client %s has no contact: report not mailed\n",
				j->o.client);
		} else {
			if (!pdf.len && vigie_report_pdf(&pdf, json.data, json.len, &err))
				goto fail;
			if ((rc = send_mail(j, &json, &pdf)))
				goto out;
		}
	}
	if (j->output && j->all) {
		char path[4096], month[8] = "";
		const char *mk = strstr(json.data, "\"month\"");
		/* the month as computed ("last" resolved in the client's zone) */
		if (mk)
			sscanf(mk, "\"month\" : \"%7[0-9-]\"", month);
		if (strchr(j->o.client, '/') || j->o.client[0] == '.') {
			rc = cli_fail("client name '%s' cannot name a file", j->o.client);
			goto out;
		}
		snprintf(path, sizeof(path), "%s/%s-%s.%s", j->output, j->o.client, month,
			 j->format);
		rc = cli_write_file(path, outb);
	} else if (j->output) {
		rc = cli_write_file(j->output, outb);
	} else {
		/* stdout unless the report went by mail */
		rc = j->mail ? EXIT_OK : cli_write_buf(outb);
	}
	goto out;
fail:
	rc = cli_error(&err);
out:
	vigie_buf_release(&json);
	vigie_buf_release(&view);
	vigie_buf_release(&pdf);
	return rc;
}

static int client_name_cb(void *ud, const struct store_client *c)
{
	return vigie_strv_push(ud, c->name) ? VIGIE_ENOMEM : 0;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "client", required_argument, NULL, 'c' },
		{ "all-clients", no_argument, NULL, 'A' },
		{ "month", required_argument, NULL, 'm' },
		{ "lang", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "mail", no_argument, NULL, 'M' },
		{ "config", required_argument, NULL, 'C' },
		{ "policy", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct job j;
	struct sla_policy sla;
	struct policy *pol = NULL;
	struct vigie_strv clients;
	struct vigie_error err;
	const char *month = NULL, *config = NULL, *policy = NULL, *path;
	int c, rc = EXIT_ERROR, required, have_sla = 0;

	memset(&j, 0, sizeof(j));
	j.format = "pdf";
	vigie_strv_init(&clients);
	cli_error_init(&err);
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': j.o.client = optarg; break;
		case 'A': j.all = 1; break;
		case 'm': month = optarg; break;
		case 'l': j.o.lang = optarg; break;
		case 'f': j.format = optarg; break;
		case 'o': j.output = optarg; break;
		case 'M': j.mail = 1; break;
		case 'C': config = optarg; break;
		case 'p': policy = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind < argc)
		return cli_fail("unexpected argument '%s'", argv[optind]);
	if (!j.o.client == !j.all)
		return cli_fail("report needs one of --client NAME or --all-clients");
	if (!month)
		return cli_fail("report needs --month YYYY-MM or --month last");
	if (cli_format_check(j.format, "pdf|html|json"))
		return EXIT_ERROR;
	if (j.o.lang && strcmp(j.o.lang, "fr") && strcmp(j.o.lang, "en"))
		return cli_fail("--lang: expected fr or en, got '%s'", j.o.lang);
	if (j.all && !j.output && !j.mail)
		return cli_fail("--all-clients needs --output DIR or --mail");
	if (vigie_report_month_parse(month, &j.o.year, &j.o.month, &err))
		return cli_error(&err);
	if (vigie_sla_policy_init(&sla, &err))
		return cli_error(&err);
	have_sla = 1;
	path = vigie_sla_policy_path(config, &required);
	if (path && vigie_sla_policy_load(&sla, path, &err)) {
		rc = cli_error(&err);
		goto out;
	}
	if (j.mail && mail_config(&j.mc, path))
		goto out;
	if (!(pol = malloc(sizeof(*pol)))) {
		rc = cli_fail("out of memory");
		goto out;
	}
	if (cli_policy_load(pol, policy))
		goto out;
	j.o.policy = pol;
	j.o.sla = &sla;
	if (cli_store_open(&j.s, 0))
		goto out;
	if (!j.all) {
		rc = one(&j);
		goto out;
	}
	if (vigie_store_clients_each(j.s, NULL, client_name_cb, &clients, &err)) {
		rc = cli_error(&err);
		goto out;
	}
	rc = EXIT_OK;
	for (size_t i = 0; i < clients.n; i++) {
		j.o.client = clients.v[i];
		/* one client's failure does not stop the others' reports */
		if (one(&j) != EXIT_OK)
			rc = EXIT_ERROR;
	}
out:
	vigie_strv_release(&clients);
	vigie_store_close(j.s);
	free(pol);
	if (have_sla)
		vigie_sla_policy_release(&sla);
	return rc;
}
