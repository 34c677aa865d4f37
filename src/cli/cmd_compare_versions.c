#include "cli.h"
#include "vigie/debian/debver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigie compare-versions A OP B\n"
		"       vigie compare-versions --batch < PAIRS\n\n"
		"Compare Debian versions exactly as 'dpkg --compare-versions'.\n"
		"OP: lt le eq ne ge gt (or << <= = >= >>; lt-nl le-nl ge-nl gt-nl\n"
		"treat an empty version as the newest).\n"
		"Exit: 0 relation true, 1 false, 2 invalid version or usage.\n\n"
		"--batch reads 'A B' per line and prints -1, 0, 1 or\n"
		"'error: REASON' per line.\n");
}

/* Parse for the two-argument form: warnings go to stderr as dpkg does. */
static int parse_arg(struct debver *v, const char *s)
{
	struct vigie_error err;
	int rc;
	vigie_error_init(&err);
	rc = vigie_debver_parse(v, s, &err);
	if (rc < 0) {
		fprintf(stderr, "vigie: error: version '%s' has bad syntax: %s\n", s, err.msg);
		return -1;
	}
	if (rc > 0)
		fprintf(stderr, "vigie: warning: version '%s' has bad syntax: %s\n", s, err.msg);
	return 0;
}

static int batch(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	struct vigie_error err;
	static char out[1 << 16];

	setvbuf(stdout, out, _IOFBF, sizeof(out));
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		char *a, *b, *extra, *save = NULL;
		struct debver va, vb;
		int ra, rb, c;

		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		a = strtok_r(line, " \t\r", &save);
		b = a ? strtok_r(NULL, " \t\r", &save) : NULL;
		extra = b ? strtok_r(NULL, " \t\r", &save) : NULL;
		if (!a || !b || extra) {
			fputs("error: expected two versions\n", stdout);
			continue;
		}
		vigie_error_init(&err);
		ra = vigie_debver_parse(&va, a, &err);
		if (ra < 0) {
			printf("error: version '%s' has bad syntax: %s\n", a, err.msg);
			continue;
		}
		vigie_error_init(&err);
		rb = vigie_debver_parse(&vb, b, &err);
		if (rb < 0) {
			printf("error: version '%s' has bad syntax: %s\n", b, err.msg);
			continue;
		}
		c = vigie_debver_cmp(&va, &vb);
		fputs(c < 0 ? "-1\n" : c > 0 ? "1\n" : "0\n", stdout);
	}
	free(line);
	if (fflush(stdout) || ferror(stdout))
		return cli_fail("cannot write output");
	return EXIT_OK;
}

int cmd_compare_versions(int argc, char **argv)
{
	enum debver_rel rel;
	int nl = 0, absa, absb, holds;
	struct debver va, vb;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc == 2 && !strcmp(argv[1], "--batch"))
		return batch();
	if (argc != 4) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (vigie_debver_rel_parse(&rel, &nl, argv[2])) {
		fprintf(stderr, "vigie: unknown operator '%s'\n", argv[2]);
		usage(stderr);
		return EXIT_ERROR;
	}
	absa = vigie_debver_is_absent(argv[1]);
	absb = vigie_debver_is_absent(argv[3]);
	if ((!absa && parse_arg(&va, argv[1])) || (!absb && parse_arg(&vb, argv[3])))
		return EXIT_ERROR;
	if (absa || absb)
		holds = vigie_debver_rel_holds_absent(rel, nl, absa, absb);
	else
		holds = vigie_debver_rel_holds(rel, vigie_debver_cmp(&va, &vb));
	return holds ? EXIT_OK : EXIT_FINDINGS;
}
