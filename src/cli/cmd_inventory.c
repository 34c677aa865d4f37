/* vigie inventory: show what a host runs (release, arch, kernel, packages). */
#include "cli.h"
#include "vigie/debian/inventory.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigie inventory [--status FILE | --root DIR] [--release CODENAME]\n"
		"                       [--host NAME] [--kernel UNAME_R] [--format text|json]\n\n"
		"Show a host's inventory: release, architecture, running kernel and the\n"
		"packages whose files are on disk, with their source package and version.\n"
		"Without --status or --root, this machine.\n\n"
		"  --status FILE     a dpkg status file (plain, .gz, .xz or .lz4)\n"
		"  --root DIR        a chroot or mounted image (DIR/var/lib/dpkg/status,\n"
		"                    DIR/etc/os-release, DIR/etc/hostname)\n"
		"  --release NAME    release codename (default: detected)\n"
		"  --host NAME       host name (default: detected)\n"
		"  --kernel UNAME_R  running kernel (default: uname for this machine,\n"
		"                    unknown otherwise)\n"
		"  --format FMT      text (default) or json (schema vigie.inventory/1)\n");
}

static void print_text(const struct inventory *inv)
{
	size_t wn = 4, wa = 4, wv = 7, ws = 6;
	char when[32];

	printf("host:      %s\n", inv->host ? inv->host : "(unknown)");
	if (inv->release && inv->release_version)
		printf("release:   %s (%s)\n", inv->release, inv->release_version);
	else
		printf("release:   %s\n", inv->release ? inv->release : "(unknown)");
	printf("arch:      %s\n", inv->arch ? inv->arch : "(unknown)");
	if (inv->kernel_release && inv->kernel_version)
		printf("kernel:    %s (Debian %s)\n", inv->kernel_release, inv->kernel_version);
	else
		printf("kernel:    %s\n", inv->kernel_release ? inv->kernel_release : "(unknown)");
	printf("status:    %s\n", inv->status_path ? inv->status_path : "(none)");
	printf("taken:     %s\n", vigie_time_format(inv->inventoried_at, when, sizeof(when)));
	printf("packages:  %zu\n\n", inv->npkgs);
	for (size_t i = 0; i < inv->npkgs; i++) {
		const struct inventory_pkg *p = &inv->pkgs[i];
		size_t l;
		if ((l = strlen(p->name)) > wn)
			wn = l;
		if ((l = strlen(p->arch)) > wa)
			wa = l;
		if ((l = strlen(p->version)) > wv)
			wv = l;
		if ((l = strlen(p->source)) > ws)
			ws = l;
	}
	if (inv->npkgs)
		printf("%s%-*s  %-*s  %-*s  %-*s  %s%s\n", cli.color ? "\033[1m" : "",
		       (int)wn, "NAME", (int)wa, "ARCH", (int)wv, "VERSION", (int)ws,
		       "SOURCE", "SOURCE VERSION / STATUS", cli.color ? "\033[0m" : "");
	for (size_t i = 0; i < inv->npkgs; i++) {
		const struct inventory_pkg *p = &inv->pkgs[i];
		printf("%-*s  %-*s  %-*s  %-*s  %s", (int)wn, p->name, (int)wa, p->arch,
		       (int)wv, p->version, (int)ws, p->source, p->source_version);
		if (strcmp(p->status, "installed"))
			printf(" [%s]", p->status);
		putchar('\n');
	}
}

int cmd_inventory(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_INVENTORY_OPTIONS,
		{ "host", required_argument, NULL, 'H' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct inventory_opts o;
	struct inventory inv;
	struct vigie_error err;
	const char *format = "text";
	int c, rc = EXIT_OK;

	memset(&o, 0, sizeof(o));
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_inventory_option(&o, c, optarg))
			continue;
		switch (c) {
		case 'H': o.host = optarg; break;
		case 'f': format = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (o.status_file && o.root)
		return cli_fail("--status and --root are mutually exclusive");
	if (cli_format_check(format, "text|json"))
		return EXIT_ERROR;

	cli_error_init(&err);
	vigie_inventory_init(&inv);
	if (vigie_inventory_load(&inv, &o, &err)) {
		rc = cli_error(&err);
		goto out;
	}
	if (!strcmp(format, "json")) {
		struct vigie_buf b = VIGIE_BUF_INIT;
		if (vigie_inventory_write_json(&inv, &b)) {
			rc = cli_fail("out of memory");
			goto out;
		}
		fwrite(b.data, 1, b.len, stdout);
		vigie_buf_release(&b);
	} else {
		print_text(&inv);
	}
	if (fflush(stdout) || ferror(stdout))
		rc = cli_fail("cannot write output");
out:
	vigie_inventory_release(&inv);
	return rc;
}
