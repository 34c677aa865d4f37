/* Replay driver for the fuzz targets in the normal (gcc, sanitized) test
 * build: feeds an empty input, then each file named on the command line (or
 * each regular file of a named directory) to LLVMFuzzerTestOneInput(), so
 * that every target is compiled by `make check` and its seed corpus runs
 * under ASan+UBSan. A crash is the sanitizer's report and a non-zero exit. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT (8u * 1024 * 1024)

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n;
	int rc = 1;

	if (!f) {
		perror(path);
		return 1;
	}
	buf = malloc(REPLAY_MAX_INPUT + 1);
	if (!buf)
		goto out;
	n = fread(buf, 1, REPLAY_MAX_INPUT + 1, f);
	if (ferror(f) || n > REPLAY_MAX_INPUT) {
		fprintf(stderr, "%s: unreadable or larger than %u bytes\n", path, REPLAY_MAX_INPUT);
		goto out;
	}
	/* Exact-size copy so that ASan catches reads past the input. */
	{
		uint8_t *exact = malloc(n ? n : 1);
		if (!exact)
			goto out;
		memcpy(exact, buf, n);
		LLVMFuzzerTestOneInput(exact, n);
		free(exact);
	}
	rc = 0;
out:
	free(buf);
	fclose(f);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, unsigned *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!d) {
		perror(dir);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*nn));
			if (!nn) {
				rc = 1;
				goto out;
			}
			names = nn;
		}
		if (!(names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2))) {
			rc = 1;
			goto out;
		}
		sprintf(names[n++], "%s/%s", dir, e->d_name);
	}
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(names[i], &st) || !S_ISREG(st.st_mode))
			continue;
		rc |= run_file(names[i]);
		(*count)++;
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	static const uint8_t empty[1];
	unsigned count = 1;
	int rc = 0;

	LLVMFuzzerTestOneInput(empty, 0);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st)) {
			perror(argv[i]);
			rc = 1;
		} else if (S_ISDIR(st.st_mode)) {
			rc |= run_dir(argv[i], &count);
		} else {
			rc |= run_file(argv[i]);
			count++;
		}
	}
	printf("%u input(s) replayed\n", count);
	return rc;
}
