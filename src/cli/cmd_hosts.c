/* vigie hosts: the fleet in the store (inventories and services). */
#include "cli.h"
#include "vigie/app/host.h"
#include "vigie/store/service.h"
#include "vigie/render/json.h"
#include "vigie/render/history_report.h"
#include "vigie/debian/inventory.h"
#include "vigie/debian/services.h"
#include "vigie/store/store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigie hosts add NAME (--status FILE | --root DIR) [--release CODENAME]\n"
		"                  [--client NAME] [--kernel UNAME_R] [--services FILE]\n"
		"       vigie hosts list [--format text|json]\n"
		"       vigie hosts show NAME [--packages] [--format text|json]\n"
		"       vigie hosts remove NAME\n"
		"       vigie hosts history NAME [--open] [--format text|json]\n"
		"       vigie hosts service add NAME SERVICE\n"
		"       vigie hosts service remove NAME SERVICE\n\n"
		"Keep the fleet's hosts in the database: 'add' stores a host's inventory\n"
		"(replacing the one stored under that name) and the services derived from\n"
		"its packages (services.conf, or --services / $VIGIE_SERVICES); 'service'\n"
		"attaches or detaches services by hand. 'add' also judges the host and\n"
		"keeps its finding history (first seen, last seen, resolved at, per CVE\n"
		"and source package), which 'history' lists.\n");
}

/* ---- JSON helpers ---- */

static int jflush(yajl_gen g)
{
	const unsigned char *buf;
	size_t len;
	int rc;
	yajl_gen_get_buf(g, &buf, &len);
	rc = cli_write(buf, len);
	yajl_gen_free(g);
	return rc;
}

static void jhost(yajl_gen g, const struct store_host *h)
{
	vigie_json_kv_str(g, "name", h->name);
	vigie_json_kv_str(g, "client", h->client);
	vigie_json_kv_str(g, "release", h->release);
	vigie_json_kv_str(g, "arch", h->arch);
	vigie_json_str(g, "kernel");
	yajl_gen_map_open(g);
	vigie_json_kv_str(g, "release", h->kernel_release);
	vigie_json_kv_str(g, "version", h->kernel_version);
	yajl_gen_map_close(g);
	vigie_json_kv_time(g, "inventoried_at", h->inventoried_at);
	vigie_json_kv_str(g, "origin", h->origin);
}

/* ---- add ---- */

static int hosts_add(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_INVENTORY_OPTIONS,
		{ "client", required_argument, NULL, 'c' },
		{ "services", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct inventory_opts o;
	struct inventory inv;
	struct vigie_store *s = NULL;
	struct vigie_error err;
	struct vigie_ingest in;
	struct vigie_ingest_result res;
	struct policy *pol = NULL;
	const char *client = NULL, *services_path = NULL;
	int c, rc = EXIT_OK;

	memset(&o, 0, sizeof(o));
	memset(&res, 0, sizeof(res));
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_inventory_option(&o, c, optarg))
			continue;
		switch (c) {
		case 'c': client = optarg; break;
		case 'S': services_path = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return EXIT_ERROR;
	}
	o.host = argv[optind];
	if (!o.status_file == !o.root)
		return cli_fail("hosts add needs one of --status FILE or --root DIR");

	cli_error_init(&err);
	vigie_inventory_init(&inv);
	if (vigie_inventory_load(&inv, &o, &err)) {
		rc = cli_error(&err);
		goto out;
	}
	if ((rc = cli_store_open(&s, 0)))
		goto out;
	if (o.release && (rc = cli_release_check(s, o.release)))
		goto out;
	if (!(pol = malloc(sizeof(*pol)))) {
		rc = cli_fail("out of memory");
		goto out;
	}
	if (cli_policy_load(pol, NULL)) {
		rc = EXIT_ERROR;
		goto out;
	}
	memset(&in, 0, sizeof(in));
	in.client = client;
	in.origin = "cli";
	in.services_path = services_path;
	in.policy = pol;
	if (vigie_app_host_ingest(s, &inv, &in, &res, &err)) {
		rc = cli_error(&err);
		goto out;
	}
	printf("%s host %s: %zu packages, release %s, %zu services%s%s%s\n",
	       res.existed ? "replaced the inventory of" : "added", inv.host, inv.npkgs,
	       inv.release ? inv.release : "unknown", res.services, res.services ? " (" : "",
	       res.services ? res.service_names : "", res.services ? ")" : "");
	cli_print_judgement(&res);
	if (fflush(stdout) || ferror(stdout))
		rc = cli_fail("cannot write output");
out:
	vigie_ingest_result_release(&res);
	free(pol);
	vigie_store_close(s);
	vigie_inventory_release(&inv);
	return rc;
}

/* ---- list ---- */

struct list_ctx {
	yajl_gen g;
	int n;
};

static int list_text_cb(void *ud, const struct store_host *h)
{
	struct list_ctx *c = ud;
	char when[32];
	if (c->n++ == 0)
		printf("%s%-24s %-12s %-10s %-8s %-20s %8s %8s  %s%s\n",
		       cli.color ? "\033[1m" : "", "NAME", "CLIENT", "RELEASE", "ARCH",
		       "KERNEL", "PACKAGES", "SERVICES", "INVENTORIED",
		       cli.color ? "\033[0m" : "");
	printf("%-24s %-12s %-10s %-8s %-20s %8ld %8ld  %s\n", h->name,
	       h->client ? h->client : "-", h->release ? h->release : "-",
	       h->arch ? h->arch : "-", h->kernel_release ? h->kernel_release : "-",
	       h->npackages, h->nservices,
	       h->inventoried_at ? vigie_time_format(h->inventoried_at, when, sizeof(when))
				 : "-");
	return 0;
}

static int list_json_cb(void *ud, const struct store_host *h)
{
	struct list_ctx *c = ud;
	yajl_gen g = c->g;
	yajl_gen_map_open(g);
	jhost(g, h);
	vigie_json_str(g, "packages");
	yajl_gen_integer(g, h->npackages);
	vigie_json_str(g, "services");
	yajl_gen_integer(g, h->nservices);
	yajl_gen_map_close(g);
	c->n++;
	return 0;
}

static int parse_format(int argc, char **argv, const char **format, int *packages,
			int nargs)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "packages", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': *format = optarg; break;
		case 'p':
			if (!packages)
				goto bad;
			*packages = 1;
			break;
		case 'h': usage(stdout); return EXIT_OK + 100;
		default: goto bad;
		}
	}
	if (argc - optind != nargs)
		goto bad;
	if (cli_format_check(*format, "text|json"))
		return EXIT_ERROR;
	return 0;
bad:
	usage(stderr);
	return EXIT_ERROR;
}

static int hosts_list(int argc, char **argv)
{
	struct vigie_store *s = NULL;
	struct vigie_error err;
	struct list_ctx c = { NULL, 0 };
	const char *format = "text";
	int rc = parse_format(argc, argv, &format, NULL, 0);

	if (rc)
		return rc == 100 ? EXIT_OK : rc;
	if ((rc = cli_store_open(&s, 0)))
		return rc;
	cli_error_init(&err);
	if (!strcmp(format, "json")) {
		if (!(c.g = vigie_json_gen_alloc())) {
			vigie_store_close(s);
			return cli_fail("out of memory");
		}
		yajl_gen_map_open(c.g);
		vigie_json_kv_str(c.g, "schema", "vigie.hosts/1");
		vigie_json_str(c.g, "hosts");
		yajl_gen_array_open(c.g);
		rc = vigie_store_hosts_each(s, list_json_cb, &c, &err);
		yajl_gen_array_close(c.g);
		yajl_gen_map_close(c.g);
		if (rc) {
			yajl_gen_free(c.g);
			rc = cli_error(&err);
		} else {
			rc = jflush(c.g);
		}
	} else {
		if ((rc = vigie_store_hosts_each(s, list_text_cb, &c, &err)))
			rc = cli_error(&err);
		else if (!c.n)
			printf("no hosts (add one with 'vigie hosts add NAME --status FILE')\n");
		if (!rc && (fflush(stdout) || ferror(stdout)))
			rc = cli_fail("cannot write output");
	}
	vigie_store_close(s);
	return rc;
}

/* ---- show ---- */

struct show_ctx {
	yajl_gen g;
	struct store_host h; /* strings copied below */
	char *client, *origin;
	int nserv;
};

static int show_host_cb(void *ud, const struct store_host *h)
{
	struct show_ctx *c = ud;
	c->h = *h;
	c->client = h->client ? strdup(h->client) : NULL;
	c->origin = h->origin ? strdup(h->origin) : NULL;
	c->h.client = c->client;
	c->h.origin = c->origin;
	c->h.name = c->h.release = c->h.arch = NULL;
	c->h.kernel_release = c->h.kernel_version = NULL;
	return 0;
}

static int show_service_text(void *ud, const char *service, const char *origin)
{
	struct show_ctx *c = ud;
	printf("  %-32s %s\n", service, origin);
	c->nserv++;
	return 0;
}

static int show_service_json(void *ud, const char *service, const char *origin)
{
	struct show_ctx *c = ud;
	yajl_gen_map_open(c->g);
	vigie_json_kv_str(c->g, "name", service);
	vigie_json_kv_str(c->g, "origin", origin);
	yajl_gen_map_close(c->g);
	c->nserv++;
	return 0;
}

static int hosts_show(int argc, char **argv)
{
	struct vigie_store *s = NULL;
	struct vigie_error err;
	struct inventory inv;
	struct show_ctx c;
	const char *format = "text", *name;
	int packages = 0, rc = parse_format(argc, argv, &format, &packages, 1);

	if (rc)
		return rc == 100 ? EXIT_OK : rc;
	name = argv[optind];
	memset(&c, 0, sizeof(c));
	vigie_inventory_init(&inv);
	if ((rc = cli_store_open(&s, 0)))
		return rc;
	cli_error_init(&err);
	if (vigie_store_host_get(s, name, show_host_cb, &c, &err) ||
	    vigie_store_host_load(s, name, &inv, &err)) {
		rc = cli_error(&err);
		goto out;
	}
	c.h.name = inv.host;
	c.h.release = inv.release;
	c.h.arch = inv.arch;
	c.h.kernel_release = inv.kernel_release;
	c.h.kernel_version = inv.kernel_version;
	if (!strcmp(format, "json")) {
		if (!(c.g = vigie_json_gen_alloc())) {
			rc = cli_fail("out of memory");
			goto out;
		}
		yajl_gen_map_open(c.g);
		vigie_json_kv_str(c.g, "schema", "vigie.host/1");
		jhost(c.g, &c.h);
		vigie_json_str(c.g, "services");
		yajl_gen_array_open(c.g);
		rc = vigie_store_host_services_each(s, name, show_service_json, &c, &err);
		yajl_gen_array_close(c.g);
		vigie_json_str(c.g, "packages");
		yajl_gen_array_open(c.g);
		for (size_t i = 0; i < inv.npkgs; i++) {
			const struct inventory_pkg *p = &inv.pkgs[i];
			yajl_gen_map_open(c.g);
			vigie_json_kv_str(c.g, "name", p->name);
			vigie_json_kv_str(c.g, "arch", p->arch);
			vigie_json_kv_str(c.g, "version", p->version);
			vigie_json_kv_str(c.g, "source", p->source);
			vigie_json_kv_str(c.g, "source_version", p->source_version);
			vigie_json_kv_str(c.g, "status", p->status);
			yajl_gen_map_close(c.g);
		}
		yajl_gen_array_close(c.g);
		yajl_gen_map_close(c.g);
		if (rc) {
			yajl_gen_free(c.g);
			rc = cli_error(&err);
		} else {
			rc = jflush(c.g);
		}
		goto out;
	}
	{
		char when[32];
		printf("host:      %s\n", inv.host);
		printf("client:    %s\n", c.h.client ? c.h.client : "-");
		printf("release:   %s\n", inv.release ? inv.release : "(unknown)");
		printf("arch:      %s\n", inv.arch ? inv.arch : "(unknown)");
		if (inv.kernel_release && inv.kernel_version)
			printf("kernel:    %s (Debian %s)\n", inv.kernel_release,
			       inv.kernel_version);
		else
			printf("kernel:    %s\n",
			       inv.kernel_release ? inv.kernel_release : "(unknown)");
		printf("taken:     %s (%s)\n",
		       vigie_time_format(inv.inventoried_at, when, sizeof(when)),
		       c.h.origin ? c.h.origin : "?");
		printf("packages:  %zu\n", inv.npkgs);
		printf("services:\n");
		if ((rc = vigie_store_host_services_each(s, name, show_service_text, &c, &err))) {
			rc = cli_error(&err);
			goto out;
		}
		if (!c.nserv)
			printf("  (none)\n");
		if (packages) {
			printf("packages:\n");
			for (size_t i = 0; i < inv.npkgs; i++) {
				const struct inventory_pkg *p = &inv.pkgs[i];
				printf("  %s:%s %s (source %s %s)%s%s\n", p->name, p->arch,
				       p->version, p->source, p->source_version,
				       strcmp(p->status, "installed") ? " " : "",
				       strcmp(p->status, "installed") ? p->status : "");
			}
		}
		if (fflush(stdout) || ferror(stdout))
			rc = cli_fail("cannot write output");
	}
out:
	free(c.client);
	free(c.origin);
	vigie_inventory_release(&inv);
	vigie_store_close(s);
	return rc;
}

/* ---- remove, service ---- */

static int hosts_remove(int argc, char **argv)
{
	struct vigie_store *s = NULL;
	struct vigie_error err;
	int rc;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc != 2) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if ((rc = cli_store_open(&s, 0)))
		return rc;
	cli_error_init(&err);
	if (vigie_store_host_remove(s, argv[1], &err))
		rc = cli_error(&err);
	else
		printf("removed host %s\n", argv[1]);
	vigie_store_close(s);
	return rc;
}

static int hosts_service(int argc, char **argv)
{
	struct vigie_store *s = NULL;
	struct vigie_error err;
	int rc, add;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc != 4 || !cli_word_in(argv[1], "add|remove")) {
		usage(stderr);
		return EXIT_ERROR;
	}
	add = !strcmp(argv[1], "add");
	if ((rc = cli_store_open(&s, 0)))
		return rc;
	cli_error_init(&err);
	if (add ? vigie_store_host_service_add(s, argv[2], argv[3], "manual", &err)
		: vigie_store_host_service_remove(s, argv[2], argv[3], &err))
		rc = cli_error(&err);
	else
		printf("%s service '%s' %s host %s\n", add ? "added" : "removed", argv[3],
		       add ? "to" : "from", argv[2]);
	vigie_store_close(s);
	return rc;
}

/* ---- history ---- */

static int history_text(void *ud, const struct store_history_row *r)
{
	char a[40], b[40], e[40];
	(void)ud;
	printf("%-16s %-20s %-16s %-20s %-20s %s\n", r->cve, r->source, r->cls ? r->cls : "-",
	       vigie_time_format(r->first_seen, a, sizeof(a)),
	       r->resolved_at ? vigie_time_format(r->resolved_at, b, sizeof(b)) : "open",
	       r->effective_at ? vigie_time_format(r->effective_at, e, sizeof(e))
	       : r->restart_pending ? "restart pending" : r->resolved_at ? "unknown" : "-");
	return 0;
}

static int history_json(void *ud, const struct store_history_row *r)
{
	vigie_history_row_json(ud, r, 0);
	return 0;
}

static int hosts_history(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "open", no_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *format = "text";
	struct vigie_store *s;
	struct vigie_error err;
	int open_only = 0, c, rc;
	int64_t id;
	yajl_gen g = NULL;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': open_only = 1; break;
		case 'f': format = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (cli_format_check(format, "text|json"))
		return EXIT_ERROR;
	if ((rc = cli_store_open(&s, 1)))
		return rc;
	cli_error_init(&err);
	if (vigie_store_host_id(s, argv[optind], &id, &err)) {
		vigie_store_close(s);
		return cli_fail("no host named %s", argv[optind]);
	}
	if (!strcmp(format, "json")) {
		g = vigie_json_gen_alloc();
		yajl_gen_map_open(g);
		vigie_json_kv_str(g, "schema", "vigie.findinghistory/1");
		vigie_json_kv_str(g, "host", argv[optind]);
		vigie_json_key(g, "findings");
		yajl_gen_array_open(g);
	} else {
		printf("%-16s %-20s %-16s %-20s %-20s %s\n", "CVE", "SOURCE", "CLASS", "FIRST SEEN",
		       "RESOLVED", "IN EFFECT");
	}
	rc = vigie_store_finding_history_each(s, NULL, argv[optind], NULL, open_only,
					      g ? history_json : history_text, g, &err);
	vigie_store_close(s);
	if (rc) {
		if (g)
			yajl_gen_free(g);
		return cli_error(&err);
	}
	if (g) {
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
		return jflush(g);
	}
	return EXIT_OK;
}

int cmd_hosts(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "add"))
		return hosts_add(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return hosts_list(argc - 1, argv + 1);
	if (!strcmp(argv[1], "show"))
		return hosts_show(argc - 1, argv + 1);
	if (!strcmp(argv[1], "remove"))
		return hosts_remove(argc - 1, argv + 1);
	if (!strcmp(argv[1], "service"))
		return hosts_service(argc - 1, argv + 1);
	if (!strcmp(argv[1], "history"))
		return hosts_history(argc - 1, argv + 1);
	fprintf(stderr, "vigie: unknown hosts command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_ERROR;
}
