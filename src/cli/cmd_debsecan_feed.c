#include "cli.h"
#include "vigie/render/export.h"
#include "vigie/engine/vulnindex.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: vigie debsecan-feed --release CODENAME --output FILE\n\n"
		   "Write the release's security data in debsecan's VERSION 1 format\n"
		   "(zlib), so that debsecan can run against vigie's database:\n"
		   "  vigie debsecan-feed --release bookworm --output DIR/bookworm\n"
		   "  debsecan --suite bookworm --source file://DIR/\n");
}

int cmd_debsecan_feed(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "release", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *release = NULL, *output = NULL;
	struct vigie_store *store = NULL;
	struct vulnindex *idx = NULL;
	struct vigie_buf buf = VIGIE_BUF_INIT;
	struct vigie_error err;
	int c, rc = EXIT_ERROR;

	cli_error_init(&err);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': release = optarg; break;
		case 'o': output = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	if (!release || !output || optind != argc) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (cli_store_open(&store, 0))
		goto out;
	if (vigie_vulnindex_build(&idx, store, release, &err) ||
	    vigie_export_debsecan(&buf, idx, store, &err)) {
		cli_error(&err);
		goto out;
	}
	rc = cli_write_file(output, &buf);
out:
	vigie_buf_release(&buf);
	vigie_vulnindex_free(idx);
	vigie_store_close(store);
	return rc;
}
