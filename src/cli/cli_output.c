/* The vigie CLI: checking --format and writing results, the same way in
 * every command. */
#include "cli.h"
#include "vigie/app/host.h"
#include "vigie/core/file.h"
#include "vigie/core/util.h"
#include "vigie/render/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int cli_format_check(const char *format, const char *list)
{
	struct vigie_buf words = VIGIE_BUF_INIT;
	const char *p = list;
	int rc;

	if (cli_word_in(format, list))
		return EXIT_OK;
	/* "text|json|csv" reads "text, json or csv" */
	while (*p) {
		const char *e = strchr(p, '|');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (words.len)
			vigie_buf_adds(&words, strchr(p + l, '|') ? ", " : " or ");
		vigie_buf_add(&words, p, l);
		p += l + (e ? 1 : 0);
	}
	rc = cli_fail("--format: expected %s, got '%s'", words.data ? words.data : list,
		      format);
	vigie_buf_release(&words);
	return rc;
}

int cli_write(const void *data, size_t len)
{
	if ((len && fwrite(data, 1, len, stdout) != len) || fflush(stdout) || ferror(stdout))
		return cli_fail("cannot write output");
	return EXIT_OK;
}

int cli_write_buf(const struct vigie_buf *b)
{
	return cli_write(b->data, b->len);
}

void cli_progress(void *what, size_t done, size_t total)
{
	/* on a terminal only, never on a pipe; the line is cleared at the end */
	if (!cli.stderr_tty || !total)
		return;
	if (done >= total)
		fputs("\r\033[K", stderr);
	else
		fprintf(stderr, "\r\033[K%s: %zu/%zu", (const char *)what, done, total);
	fflush(stderr);
}

int cli_text_width(void)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	char *end;
	long n;
	if (isatty(1) && !ioctl(1, TIOCGWINSZ, &ws) && ws.ws_col >= 20)
		return ws.ws_col;
	if (c && *c && (n = strtol(c, &end, 10)) >= 20 && n <= 1000 && !*end)
		return (int)n;
	return 80;
}

int cli_write_text(const void *data, size_t len)
{
	struct vigie_buf b = VIGIE_BUF_INIT;
	int rc;
	if (vigie_text_fit(&b, data, len, cli_text_width())) {
		vigie_buf_release(&b);
		return cli_fail("out of memory");
	}
	rc = cli_write(b.data, b.len);
	vigie_buf_release(&b);
	return rc;
}

int cli_write_file(const char *path, const struct vigie_buf *b)
{
	struct vigie_error err;
	char msg[2048];

	vigie_error_init(&err);
	if (vigie_file_write_atomic(path, b->data ? b->data : "", b->len, VIGIE_FILE_MODE,
				    &err))
		return cli_fail("%s", vigie_error_format(&err, msg, sizeof(msg)));
	return EXIT_OK;
}

void cli_print_judgement(const struct vigie_ingest_result *res)
{
	const long *o = res->summary.open;
	if (!strcmp(res->verdict, "undetermined")) {
		printf("verdict undetermined: %s\n", res->reason[0] ? res->reason : "unknown");
		return;
	}
	printf("verdict %s: %ld highly critical, %ld critical, %ld standard open", res->verdict,
	       o[2], o[1], o[0]);
	if (res->kept)
		printf(" (judgement kept: nothing it rests on changed)\n");
	else if (res->partial)
		printf(" (%zu changed source package%s judged, the others' findings kept)\n",
		       res->partial, res->partial == 1 ? "" : "s");
	else
		printf("\n");
}
